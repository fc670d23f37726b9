//! Every version named by the real OSV records in `shared/data/osv/` (Go, PyPI, RustSec and
//! malicious-package reports) is read by its ecosystem's ordering, and evaluation runs over
//! every affected entry without a panic.

use std::collections::BTreeMap;
use std::path::Path;

use osv::{Event, RangeKind};
use versions::{evaluate, CannotOrder, Evaluation, PreparedAffected, Scheme};

fn json_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn real_advisory_versions_are_read_and_evaluated() {
    let Some(dir) = testkit::shared_path("real OSV records", "data/osv") else {
        return;
    };
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    assert!(
        files.len() > 8000,
        "expected over 8,000 records, but found {}",
        files.len()
    );

    let mut read = BTreeMap::<String, usize>::new();
    let mut refused = BTreeMap::<String, Vec<String>>::new();
    let mut unknown = BTreeMap::<String, usize>::new();
    let mut evaluations = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let Ok(record) = osv::parse(&bytes) else {
            continue;
        };
        for affected in &record.affected {
            let Some(package) = &affected.package else {
                continue;
            };
            let Ok(scheme) = Scheme::for_ecosystem(&package.ecosystem) else {
                *unknown.entry(package.ecosystem.clone()).or_default() += 1;
                continue;
            };

            // Every listed version and every event version of a non-GIT range.
            let mut named: Vec<(Scheme, &str)> = affected
                .versions
                .iter()
                .map(|v| (scheme, v.as_str()))
                .collect();
            for range in &affected.ranges {
                let range_scheme = match range.kind {
                    RangeKind::Semver => Scheme::SemVer,
                    RangeKind::Ecosystem => scheme,
                    _ => continue,
                };
                for event in &range.events {
                    match event {
                        Event::Introduced(v) if v == "0" => {}
                        Event::Limit(v) if v == "*" => {}
                        other => named.push((range_scheme, other.version())),
                    }
                }
            }
            for (scheme, version) in named {
                match scheme.parse(version) {
                    Ok(_) => *read.entry(scheme.to_string()).or_default() += 1,
                    Err(_) => refused
                        .entry(scheme.to_string())
                        .or_default()
                        .push(format!("{}: {version}", record.id)),
                }
            }

            // Evaluate the entry's own versions (each must match), and one far above
            // everything both ways (prepared and one-shot must agree).
            let prepared = PreparedAffected::new(affected);
            for version in &affected.versions {
                assert!(
                    prepared.evaluate(version).is_affected(),
                    "{}: listed {version}",
                    record.id
                );
                evaluations += 1;
            }
            let probe = prepared.evaluate("999999");
            assert_eq!(probe, evaluate(affected, "999999"), "{}", record.id);
            if let Evaluation::CannotOrder(CannotOrder::MixedSchemes { .. }) = probe {
                panic!("{}: mixed orderings inside one entry", record.id);
            }
            evaluations += 1;
        }
    }

    eprintln!("versions read per ordering: {read:?}");
    eprintln!("ecosystems without an ordering: {unknown:?}");
    for (scheme, versions) in &refused {
        eprintln!(
            "{scheme}: {} refused, e.g. {:?}",
            versions.len(),
            &versions[..versions.len().min(5)]
        );
    }
    assert!(
        evaluations > 10_000,
        "expected over 10,000 evaluations, but ran {evaluations}"
    );
    let total_refused: usize = refused.values().map(Vec::len).sum();
    assert_eq!(total_refused, 0, "versions refused: {refused:?}");
}

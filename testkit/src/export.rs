//! Builds small OSV exports in the public export's layout, for sync tests.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

/// One synthetic record.
#[derive(Debug, Clone)]
pub struct Synthetic {
    /// The ecosystem folder it belongs in.
    pub ecosystem: String,
    /// The record id.
    pub id: String,
    /// Its `modified` time.
    pub modified: String,
    /// The record's JSON.
    pub json: String,
}

/// `count` malicious-package reports spread over npm and PyPI, each with a distinct
/// package, modified a minute apart going back from 2026-11-30.
pub fn synthetic_records(count: usize) -> Vec<Synthetic> {
    (0..count)
        .map(|i| {
            let ecosystem = if i % 3 == 0 { "PyPI" } else { "npm" };
            let minutes = i as i64;
            let modified = format!(
                "2026-11-{:02}T{:02}:{:02}:00Z",
                30 - (minutes / 1440) % 28,
                23 - (minutes / 60) % 24,
                59 - minutes % 60
            );
            synthetic(
                ecosystem,
                &format!("MAL-2026-{}", 100_000 + i),
                &modified,
                i,
            )
        })
        .collect()
}

/// One synthetic record with the given identity.
pub fn synthetic(ecosystem: &str, id: &str, modified: &str, n: usize) -> Synthetic {
    let json = format!(
        r#"{{"id": "{id}", "modified": "{modified}", "published": "{modified}",
  "summary": "Malicious code in test-package-{n} ({ecosystem})",
  "details": "The package test-package-{n} collects environment variables and sends them away.",
  "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "test-package-{n}"}},
                "versions": ["1.0.{n}", "1.1.0"]}}]}}"#
    );
    Synthetic {
        ecosystem: ecosystem.to_owned(),
        id: id.to_owned(),
        modified: modified.to_owned(),
        json,
    }
}

/// Writes an export: `ecosystems.txt`, and per ecosystem `all.zip`, `modified_id.csv`
/// (newest first) and one `<id>.json` per record.
///
/// # Panics
///
/// On I/O errors (this is test code).
pub fn write_export(dir: &Path, records: &[Synthetic]) {
    let mut ecosystems: Vec<&str> = records.iter().map(|r| r.ecosystem.as_str()).collect();
    ecosystems.sort_unstable();
    ecosystems.dedup();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("ecosystems.txt"), ecosystems.join("\n") + "\n").unwrap();

    for ecosystem in ecosystems {
        let folder = dir.join(ecosystem);
        std::fs::create_dir_all(&folder).unwrap();
        let mut mine: Vec<&Synthetic> = records
            .iter()
            .filter(|r| r.ecosystem == ecosystem)
            .collect();
        mine.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.id.cmp(&b.id)));

        let file = std::fs::File::create(folder.join("all.zip")).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default();
        let mut csv = String::new();
        for record in &mine {
            zip.start_file(format!("{}.json", record.id), options)
                .unwrap();
            zip.write_all(record.json.as_bytes()).unwrap();
            std::fs::write(folder.join(format!("{}.json", record.id)), &record.json).unwrap();
            writeln!(csv, "{},{}", record.modified, record.id).unwrap();
        }
        zip.finish().unwrap();
        std::fs::write(folder.join("modified_id.csv"), csv).unwrap();
    }
}

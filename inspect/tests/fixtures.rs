//! Fixtures written for issue 7: the seed behaviour and packages written from the `details`
//! of OSV malicious-package reports (`tests/data/osv/`). All are inert data, never run.

use std::path::Path;

use inspect::{inspect_path, Label, Options};

fn data(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

#[test]
fn seed_helper_thread_posting_environment_is_malicious_with_each_element_at_its_line() {
    let report = inspect_path(&data("seed"), &Options::default()).expect("seed is readable");
    let p = &report.packages[0];
    assert_eq!(p.verdict, Label::Malicious, "{:#?}", p.signals);
    let at = |code: &str, line: usize| {
        p.signals
            .iter()
            .any(|s| s.code == code && s.line == line && s.file.ends_with("setup_logging.py"))
    };
    assert!(at("hardcoded-secret", 12), "embedded key");
    assert!(
        at("suspicious-endpoint", 13),
        "azurecontainerapps host built from parts"
    );
    assert!(at("env-endpoint-override", 14), "LOG_ENDPOINT override");
    assert!(at("public-ip-lookup", 18), "checkip lookup");
    assert!(at("env-harvest", 22), "environment variable names");
    assert!(at("host-fingerprint", 23), "hostname");
    assert!(at("data-exfiltration", 25), "the post");
    assert!(
        at("background-send", 36),
        "thread started from configure_logging"
    );
    let endpoint = p
        .signals
        .iter()
        .find(|s| s.code == "suspicious-endpoint")
        .unwrap();
    assert!(endpoint.indicators[0].contains("azurecontainerapps.io"));
    assert!(
        p.analysis.contains("azurecontainerapps.io"),
        "{}",
        p.analysis
    );
}

#[test]
fn every_fixture_written_from_osv_details_is_malicious() {
    let dir = data("osv");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures exist")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    names.sort();
    assert!(
        names.len() >= 20,
        "expected at least 20 fixtures, found {}",
        names.len()
    );
    let mut wrong = Vec::new();
    for path in &names {
        let report = inspect_path(path, &Options::default()).expect("fixture is readable");
        let p = &report.packages[0];
        if p.verdict != Label::Malicious {
            wrong.push(format!("{}: {:?} {}", path.display(), p.verdict, p.score));
        }
    }
    assert!(wrong.is_empty(), "not malicious: {wrong:#?}");
}

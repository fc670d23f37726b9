//! `radar inspect`: exit status from the verdicts, JSON and SARIF shapes (issue 7).

use assert_cmd::Command;

fn fixture(rel: &str) -> String {
    format!("{}/../inspect/tests/data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn malicious_package_exits_1_with_the_documented_json_shape() {
    let out = Command::cargo_bin("radar")
        .unwrap()
        .args(["inspect", "--quiet", "--format", "json", &fixture("seed")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &report["packages"][0];
    for key in [
        "path", "name", "version", "verdict", "score", "signals", "analysis",
    ] {
        assert!(!p[key].is_null(), "missing {key}");
    }
    assert_eq!(p["verdict"], "malicious");
    let s = &p["signals"][0];
    for key in ["code", "severity", "file", "line", "excerpt", "indicators"] {
        assert!(!s[key].is_null(), "missing signal field {key}");
    }
    assert!(report["errors"].as_array().unwrap().is_empty());
}

#[test]
fn clean_package_exits_0_and_unreadable_input_is_an_error_entry() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("util.py"),
        "def add(a, b):\n    return a + b\n",
    )
    .unwrap();
    let out = Command::cargo_bin("radar")
        .unwrap()
        .args([
            "inspect",
            "-q",
            "--format",
            "json",
            "--fail-on",
            "suspicious",
        ])
        .arg(dir.path())
        .arg(dir.path().join("missing.whl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["packages"][0]["verdict"], "clean");
    assert_eq!(report["errors"].as_array().unwrap().len(), 1);
}

#[test]
fn sarif_output_has_one_result_per_signal() {
    let out = Command::cargo_bin("radar")
        .unwrap()
        .args(["inspect", "-q", "--format", "sarif", &fixture("seed")])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "background-send"));
}

#[test]
fn parse_all_reports_what_the_triage_reports() {
    // Each fixture written from an OSV report's details is its own package.
    let mut packages: Vec<_> = std::fs::read_dir(fixture("osv"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    packages.sort();
    let run = |extra: &[&str]| {
        let out = Command::cargo_bin("radar")
            .unwrap()
            .args(["inspect", "--quiet", "--format", "json"])
            .args(extra)
            .args(&packages)
            .arg(fixture("seed"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let triaged = run(&[]);
    let parsed = run(&["--parse-all"]);
    assert!(triaged["packages"].as_array().unwrap().len() >= 20);
    assert_eq!(triaged, parsed);
}

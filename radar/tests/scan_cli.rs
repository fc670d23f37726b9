//! `radar scan` as a user runs it: findings, formats, exit statuses, configuration.

mod common;

use std::path::{Path, PathBuf};

use common::{plant_dist, radar, run, SITE};

fn fixture_db(tmp: &Path) -> PathBuf {
    let db = tmp.join("radar.db");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/advisories");
    let (code, out, err) = run(radar(&db).arg("sync").arg(data));
    assert_eq!(code, 0, "{out}{err}");
    db
}

#[test]
fn the_seed_advisory_is_found_in_a_venv_with_its_path_and_valid_sarif() {
    let Some(seed) = testkit::shared_path("scan for the seed", "data/osv/seed") else {
        return;
    };
    let Some(schema) = testkit::shared_path("SARIF schema", "data/schemas/sarif-2.1.0.json") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("radar.db");
    assert_eq!(run(radar(&db).arg("sync").arg(&seed)).0, 0);
    let tree = tmp.path().join("project");
    plant_dist(
        &tree,
        "starlette-healthcheck",
        "1.3.1",
        &[("starlette_healthcheck/__init__.py", "")],
    );
    plant_dist(
        &tree,
        "starlette",
        "0.37.2",
        &[("starlette/__init__.py", "")],
    );

    let (code, table, _) = run(radar(&db).arg("scan").arg(&tree));
    assert_eq!(code, 1, "{table}");
    assert!(
        table.contains("MAL-2026-6724  MALICIOUS  critical"),
        "{table}"
    );
    let path = format!("{SITE}/starlette_healthcheck-1.3.1.dist-info/METADATA");
    assert!(table.contains(&path), "{table}");

    let (code, json, _) = run(radar(&db).args(["scan", "--format", "json"]).arg(&tree));
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let finding = &report["findings"][0];
    assert_eq!(finding["id"], "MAL-2026-6724");
    assert_eq!(finding["kind"], "malicious");
    assert_eq!(finding["severity"], "critical");
    assert_eq!(finding["package"]["name"], "starlette-healthcheck");
    assert_eq!(finding["locations"][0]["path"], path);
    assert!(finding["matched"].as_str().unwrap().contains("1.3.1"));
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    for key in ["aliases", "fixed", "confirmed_by_hash", "summary"] {
        assert!(finding.get(key).is_some(), "missing {key}");
    }

    let (code, sarif, _) = run(radar(&db).args(["scan", "--format", "sarif"]).arg(&tree));
    assert_eq!(code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "MAL-2026-6724");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        path
    );
    assert!(result["partialFingerprints"]["radarFinding/v1"].is_string());
}

#[test]
fn findings_are_confirmed_by_file_hash_and_rendered_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let db = fixture_db(tmp.path());
    let tree = tmp.path().join("project");
    common::plant_flagged(&tree);

    let (code, json, _) = run(radar(&db).args(["scan", "--format", "json"]).arg(&tree));
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{json}");
    assert_eq!(findings[0]["id"], "MAL-TEST-0001", "malicious first");
    assert_eq!(findings[0]["confirmed_by_hash"], true);
    assert_eq!(findings[1]["id"], "GHSA-test-vuln");
    assert_eq!(findings[1]["severity"], "high");
    assert_eq!(findings[1]["fixed"][0], "1.4.2");
    assert_eq!(report["summary"]["malicious"], 1);

    let (_, markdown, _) = run(radar(&db).args(["scan", "--format", "markdown"]).arg(&tree));
    assert!(
        markdown.contains("**Malicious packages found.**"),
        "{markdown}"
    );
    assert!(markdown.contains("confirmed by file hash"));

    let out = tmp.path().join("report.sarif");
    let (code, stdout, _) = run(radar(&db)
        .args(["scan", "--format", "sarif", "--output"])
        .arg(&out)
        .arg(&tree));
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(std::fs::read_to_string(out)
        .unwrap()
        .contains("\"version\": \"2.1.0\""));

    let (code, _, _) = run(radar(&db)
        .args(["scan", "--fail-on", "malicious"])
        .arg(&tree));
    assert_eq!(code, 1);
    let (code, _, _) = run(radar(&db).args(["scan", "--fail-on", "none"]).arg(&tree));
    assert_eq!(code, 0);
}

#[test]
fn exit_statuses_follow_findings_errors_and_setup() {
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    plant_dist(&clean, "harmless", "1.0.0", &[]);

    let (code, _, err) = run(radar(&tmp.path().join("none.db")).arg("scan").arg(&clean));
    assert_eq!(code, 3);
    assert!(err.contains("run `radar sync`"), "{err}");

    let db = fixture_db(tmp.path());
    let (code, table, _) = run(radar(&db).arg("scan").arg(&clean));
    assert_eq!(code, 0, "{table}");
    assert!(table.contains("1 packages, 0 findings"), "{table}");

    std::fs::write(clean.join("package-lock.json"), "{ not json").unwrap();
    let (code, json, _) = run(radar(&db).args(["scan", "--format", "json"]).arg(&clean));
    assert_eq!(code, 4, "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["errors"][0]["path"], "package-lock.json");

    let (code, _, err) = run(radar(&db).args(["scan", "--fail-on", "often"]).arg(&clean));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn radar_toml_ignores_with_reasons_and_expiry() {
    let tmp = tempfile::tempdir().unwrap();
    let db = fixture_db(tmp.path());
    let tree = tmp.path().join("project");
    plant_dist(&tree, "evil-helper", "0.9", &[]);

    std::fs::write(
        tree.join("radar.toml"),
        "[[ignore]]\nid = \"MAL-TEST-0001\"\nreason = \"vetted test fixture\"\n",
    )
    .unwrap();
    let (code, table, _) = run(radar(&db).arg("scan").arg(&tree));
    assert_eq!(code, 0, "{table}");
    assert!(
        table.contains("ignored MAL-TEST-0001 (1 findings): vetted test fixture"),
        "{table}"
    );

    std::fs::write(
        tree.join("radar.toml"),
        "[[ignore]]\nid = \"MAL-TEST-0001\"\nreason = \"old\"\nexpires = 2020-01-01\n",
    )
    .unwrap();
    let (code, _, err) = run(radar(&db).arg("scan").arg(&tree));
    assert_eq!(code, 1);
    assert!(err.contains("expired"), "{err}");

    std::fs::write(tree.join("radar.toml"), "fail-on = \"sometimes\"\n").unwrap();
    let (code, _, err) = run(radar(&db).arg("scan").arg(&tree));
    assert_eq!(code, 2);
    assert!(err.contains("expected fail-on"), "{err}");
}

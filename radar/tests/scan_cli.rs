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
    assert_valid(&schema, &sarif);
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

/// The seed package's code (an inert fixture of the inspector) as installed files.
fn seed_files() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../inspect/tests/data/seed/healthcheck_logging");
    ["__init__.py", "setup_logging.py"]
        .iter()
        .map(|name| {
            (
                format!("healthcheck_logging/{name}"),
                std::fs::read_to_string(dir.join(name)).unwrap(),
            )
        })
        .collect()
}

fn scan_json(db: &Path, flags: &[&str], tree: &Path) -> (i32, serde_json::Value) {
    let (code, out, err) = run(radar(db)
        .args(["scan", "--format", "json"])
        .args(flags)
        .arg(tree));
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, report)
}

#[test]
fn inspect_flags_a_malicious_installed_package_in_every_format_and_reuses_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let db = fixture_db(tmp.path());
    let tree = tmp.path().join("project");
    let seed = seed_files();
    let seed: Vec<(&str, &str)> = seed.iter().map(|(p, b)| (p.as_str(), b.as_str())).collect();
    plant_dist(&tree, "healthcheck-logging", "0.3.1", &seed);
    plant_dist(
        &tree,
        "harmless",
        "1.0.0",
        &[("harmless/__init__.py", "def add(a, b):\n    return a + b\n")],
    );
    let npm = tree.join("node_modules/left-pad");
    std::fs::create_dir_all(&npm).unwrap();
    std::fs::write(
        npm.join("package.json"),
        r#"{"name": "left-pad", "version": "1.3.0", "main": "index.js"}"#,
    )
    .unwrap();
    std::fs::write(
        npm.join("index.js"),
        "module.exports = (s, n) => String(s).padStart(n);\n",
    )
    .unwrap();

    // Without --inspect nothing is inspected and nothing fails.
    let (code, report) = scan_json(&db, &[], &tree);
    assert_eq!(code, 0, "{report}");
    assert!(report.get("inspection").is_none());

    // First inspection: everything is read, the seed is malicious and fails the scan.
    let (code, report) = scan_json(&db, &["--inspect"], &tree);
    assert_eq!(code, 1, "{report}");
    let inspection = &report["inspection"];
    let summary = &inspection["summary"];
    assert_eq!(summary["packages"], 3, "{summary}");
    assert_eq!(summary["malicious"], 1);
    assert_eq!(summary["from_cache"], 0);
    assert_eq!(summary["files_cached"], 0);
    let first_read = summary["files_read"].as_u64().unwrap();
    assert!(first_read >= 7, "{summary}");
    assert!(summary["cache"]
        .as_str()
        .unwrap()
        .ends_with("inspect-cache"));
    assert!(tmp.path().join("inspect-cache").is_dir());
    let seed = &inspection["packages"][0];
    assert_eq!(seed["verdict"], "malicious", "malicious first");
    assert_eq!(seed["name"], "healthcheck-logging");
    assert_eq!(
        seed["location"],
        format!("{SITE}/healthcheck_logging-0.3.1.dist-info")
    );
    let codes: Vec<&str> = seed["signals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"background-send"), "{codes:?}");
    for other in &inspection["packages"].as_array().unwrap()[1..] {
        assert_eq!(other["verdict"], "clean", "{other}");
    }

    // Second scan: nothing changed, nothing is read, the verdicts are the same.
    let (code, again) = scan_json(&db, &["--inspect"], &tree);
    assert_eq!(code, 1);
    let summary = &again["inspection"]["summary"];
    assert_eq!(summary["from_cache"], 3, "{summary}");
    assert_eq!(summary["files_read"], 0);
    assert_eq!(summary["files_cached"].as_u64().unwrap(), first_read);
    assert_eq!(again["inspection"]["packages"], inspection["packages"]);

    // One package changes: only its files are read again.
    std::fs::write(
        npm.join("index.js"),
        "module.exports = (s, n) => String(s).padStart(n, ' ');\n",
    )
    .unwrap();
    let (_, changed) = scan_json(&db, &["--inspect"], &tree);
    let summary = &changed["inspection"]["summary"];
    assert_eq!(summary["from_cache"], 2, "{summary}");
    assert_eq!(summary["files_read"], 2, "package.json and index.js");

    // --no-cache reads everything and reports no cache.
    let (_, uncached) = scan_json(&db, &["--inspect", "--no-cache"], &tree);
    let summary = &uncached["inspection"]["summary"];
    assert_eq!(
        summary["files_read"].as_u64().unwrap(),
        first_read,
        "{summary}"
    );
    assert!(summary["cache"].is_null());

    // The other formats render the same inspection.
    let (code, table, _) = run(radar(&db).args(["scan", "--inspect"]).arg(&tree));
    assert_eq!(code, 1);
    assert!(
        table.contains("Inspection: 3 packages, 1 malicious"),
        "{table}"
    );
    assert!(
        table.contains("MALICIOUS  healthcheck-logging 0.3.1"),
        "{table}"
    );
    assert!(table.contains("background-send"), "{table}");
    let (_, markdown, _) = run(radar(&db)
        .args(["scan", "--inspect", "--format", "markdown"])
        .arg(&tree));
    assert!(
        markdown.contains("**Malicious packages found.**"),
        "{markdown}"
    );
    assert!(markdown.contains("### Inspection of installed packages"));
    assert!(
        markdown.contains("`healthcheck-logging 0.3.1` — malicious"),
        "{markdown}"
    );
    let (_, sarif, _) = run(radar(&db)
        .args(["scan", "--inspect", "--format", "sarif"])
        .arg(&tree));
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let send = results
        .iter()
        .find(|r| r["ruleId"] == "background-send")
        .expect("a background-send result");
    let uri = send["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.starts_with(SITE) && uri.ends_with(".py"), "{uri}");
    if let Some(schema) = testkit::shared_path("SARIF schema", "data/schemas/sarif-2.1.0.json") {
        assert_valid(&schema, &sarif);
    }

    let (_, bom, _) = run(radar(&db)
        .args(["scan", "--inspect", "--format", "cyclonedx"])
        .arg(&tree));
    let bom: serde_json::Value = serde_json::from_str(&bom).unwrap();
    let properties = bom["metadata"]["properties"].as_array().unwrap();
    let value = |name: &str| -> Vec<&str> {
        properties
            .iter()
            .filter(|p| p["name"] == name)
            .filter_map(|p| p["value"].as_str())
            .collect()
    };
    assert_eq!(value("radar:inspection").len(), 1, "{properties:#?}");
    assert!(value("radar:inspection")[0].starts_with("3 packages: 1 malicious"));
    let flagged = value("radar:inspection-verdict");
    assert!(
        flagged
            .iter()
            .any(|v| v.starts_with("healthcheck-logging@0.3.1 malicious")),
        "{flagged:?}"
    );

    // `--fail-on none` lets a malicious verdict pass, as it does advisory findings.
    let (code, _) = scan_json(&db, &["--inspect", "--fail-on", "none"], &tree);
    assert_eq!(code, 0);
}

/// Asserts that `value` is valid against the JSON schema in the file `schema`.
fn assert_valid(schema: &Path, value: &serde_json::Value) {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(schema).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

//! SBOMs both ways: `radar inventory --format cyclonedx` and `radar scan --format
//! cyclonedx` validate against the CycloneDX 1.6 schema, and `radar scan --sbom` of the
//! file written from a tree finds what scanning the tree finds; a hand-written SPDX 2.3
//! document of the inventory crate's venv fixture scans like the venv.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{cyclonedx_errors, plant_dist, radar, run, sync};
use serde_json::Value;

fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../inventory/tests/data")
        .join(relative)
}

/// Writes an advisory with one affected package and an explicit version list.
fn advisory(dir: &Path, id: &str, ecosystem: &str, name: &str, versions: &[&str]) {
    let record = serde_json::json!({
        "id": id,
        "modified": "2026-06-01T00:00:00Z",
        "summary": format!("Test advisory for {name}"),
        "affected": [{"package": {"ecosystem": ecosystem, "name": name}, "versions": versions}],
    });
    std::fs::write(dir.join(format!("{id}.json")), record.to_string()).unwrap();
}

/// A database of the CLI fixtures (MAL-TEST-0001 for PyPI evil-helper, GHSA-test-vuln for
/// npm left-padder) and advisories for packages of the inventory crate's fixtures.
fn database(tmp: &Path) -> PathBuf {
    let dir = tmp.join("advisories");
    std::fs::create_dir_all(&dir).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/advisories");
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    advisory(&dir, "GHSA-test-requests", "PyPI", "requests", &["2.31.0"]);
    advisory(&dir, "GHSA-test-zope", "PyPI", "zope-interface", &["6.0"]);
    advisory(&dir, "GHSA-test-myproj", "PyPI", "myproj", &["0.1.0"]);
    advisory(
        &dir,
        "DEBIAN-TEST-0001",
        "Debian:12",
        "openssl",
        &["3.0.15-1~deb12u1"],
    );
    let db = tmp.join("radar.db");
    sync(&db, &dir);
    db
}

/// `(id, name, version)` of every finding of a JSON scan report.
fn findings(report: &str) -> BTreeSet<String> {
    let report: Value = serde_json::from_str(report).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(report["unconfirmed"].as_array().unwrap())
        .map(|f| {
            let p = &f["package"];
            format!(
                "{} {} {} {}",
                f["id"], p["ecosystem"], p["name"], p["version"]
            )
        })
        .collect()
}

/// The `keys` of every package of a JSON inventory, one line per package.
fn packages(inventory: &str, keys: &[&str]) -> BTreeSet<String> {
    let inventory: Value = serde_json::from_str(inventory).unwrap();
    inventory["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            keys.iter()
                .map(|k| p[k].to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

const ALL: &[&str] = &["ecosystem", "name", "version", "source", "purl"];

#[test]
fn a_cyclonedx_inventory_validates_and_scans_like_the_tree_it_was_written_from() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let tree = tmp.path().join("project");
    common::plant_flagged(&tree);
    plant_dist(&tree, "harmless", "2.0.0", &[]);
    std::fs::create_dir_all(tree.join("web")).unwrap();
    std::fs::write(
        tree.join("web/package-lock.json"),
        r#"{"name": "web", "version": "1.0.0", "lockfileVersion": 3, "packages": {
            "": {"name": "web", "version": "1.0.0"},
            "node_modules/@scope/util": {"version": "2.1.0"}}}"#,
    )
    .unwrap();
    // Debian packages of another root, and a venv whose path and git dependencies must not
    // become registry packages in the SBOM (myproj has an advisory).
    let roots = [tree.clone(), fixture("os/debian"), fixture("venv")];

    let (_, tree_inventory, _) = run(radar(&db)
        .args(["-q", "inventory", "--format", "json"])
        .args(&roots));
    let (_, bom, _) = run(radar(&db)
        .args(["-q", "inventory", "--format", "cyclonedx"])
        .args(&roots));
    let document: Value = serde_json::from_str(&bom).unwrap();
    if let Some(errors) = cyclonedx_errors("CycloneDX inventory", &document) {
        assert!(errors.is_empty(), "{errors:#?}");
        // The schema is really applied: a component type it does not know is refused.
        let mut broken = document.clone();
        broken["components"][0]["type"] = "package".into();
        assert!(!cyclonedx_errors("CycloneDX inventory", &broken)
            .unwrap()
            .is_empty());
    }
    assert!(document["serialNumber"]
        .as_str()
        .unwrap()
        .starts_with("urn:uuid:"));
    assert_eq!(
        document["metadata"]["tools"]["components"][0]["name"],
        "radar"
    );
    let helper = document["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "evil-helper")
        .unwrap();
    assert_eq!(helper["purl"], "pkg:pypi/evil-helper@1.0.0");
    let location = tree
        .join("venv/lib/python3.11/site-packages/evil_helper-1.0.0.dist-info/METADATA")
        .display()
        .to_string();
    assert!(
        helper["properties"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({"name": "radar:location", "value": location})),
        "{helper:#}"
    );
    // The fixture's malformed dpkg paragraph is carried, so the SBOM does not look clean.
    assert!(bom.contains("radar:error"), "{bom}");

    let file = tmp.path().join("bom.json");
    std::fs::write(&file, &bom).unwrap();
    let (_, sbom_inventory, _) = run(radar(&db)
        .args(["-q", "inventory", "--format", "json", "--sbom"])
        .arg(&file));
    assert_eq!(
        packages(&sbom_inventory, ALL),
        packages(&tree_inventory, ALL)
    );

    let (code, tree_report, err) = run(radar(&db).args(["scan", "--format", "json"]).args(&roots));
    assert_eq!(code, 1, "{err}");
    let (code, sbom_report, err) = run(radar(&db)
        .args(["scan", "--format", "json", "--sbom"])
        .arg(&file));
    assert_eq!(code, 1, "{err}");
    let expected = findings(&tree_report);
    assert_eq!(findings(&sbom_report), expected);
    assert_eq!(
        expected
            .iter()
            .map(|f| f.split(' ').next().unwrap())
            .collect::<Vec<_>>(),
        [
            "\"DEBIAN-TEST-0001\"",
            "\"GHSA-test-requests\"",
            "\"GHSA-test-vuln\"",
            "\"GHSA-test-zope\"",
            "\"MAL-TEST-0001\"",
        ],
        "{expected:#?}"
    );
}

#[test]
fn a_cyclonedx_scan_lists_vulnerabilities_affecting_its_components() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let tree = tmp.path().join("project");
    common::plant_flagged(&tree);

    let (code, bom, err) = run(radar(&db)
        .args(["scan", "--format", "cyclonedx"])
        .arg(&tree));
    assert_eq!(code, 1, "{err}");
    let document: Value = serde_json::from_str(&bom).unwrap();
    if let Some(errors) = cyclonedx_errors("CycloneDX scan", &document) {
        assert!(errors.is_empty(), "{errors:#?}");
    }

    let refs: BTreeSet<&str> = document["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    let vulnerabilities = document["vulnerabilities"].as_array().unwrap();
    let summary: Vec<String> = vulnerabilities
        .iter()
        .map(|v| {
            let affected = v["affects"][0]["ref"].as_str().unwrap();
            assert!(refs.contains(affected), "{affected} is a component");
            format!(
                "{} {} {} {}",
                v["id"].as_str().unwrap(),
                v["ratings"][0]["severity"].as_str().unwrap(),
                v["analysis"]["state"].as_str().unwrap(),
                affected
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "MAL-TEST-0001 critical exploitable pkg:pypi/evil-helper@1.0.0",
            "GHSA-test-vuln high in_triage pkg:npm/left-padder@1.2.0",
        ]
    );
    let vuln = &vulnerabilities[1];
    assert_eq!(vuln["affects"][0]["versions"][0]["status"], "affected");
    assert_eq!(vuln["recommendation"], "Upgrade to 1.4.2");
    assert_eq!(vuln["references"][0]["id"], "CVE-2026-0001");

    // Every BOM gets its own serial number.
    let (_, again, _) = run(radar(&db)
        .args(["scan", "--format", "cyclonedx"])
        .arg(&tree));
    let again: Value = serde_json::from_str(&again).unwrap();
    assert_ne!(again["serialNumber"], document["serialNumber"]);
}

#[test]
fn an_spdx_document_of_the_venv_fixture_scans_like_the_venv() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let spdx = fixture("sbom/venv.spdx.json");

    let (code, venv_report, err) = run(radar(&db)
        .args(["scan", "--format", "json"])
        .arg(fixture("venv")));
    assert_eq!(code, 1, "{err}");
    let (code, spdx_report, err) = run(radar(&db)
        .args(["scan", "--format", "json", "--sbom"])
        .arg(&spdx));
    assert_eq!(code, 1, "{err}");
    let expected = findings(&venv_report);
    assert_eq!(findings(&spdx_report), expected);
    assert_eq!(expected.len(), 2, "{expected:#?}");

    // The same registry packages (the document spells PyYAML as its project does; the purl
    // is the same); the described root package needs no purl.
    let (_, venv, _) = run(radar(&db)
        .args(["-q", "inventory", "--format", "json"])
        .arg(fixture("venv")));
    let (code, from_spdx, _) = run(radar(&db)
        .args(["-q", "inventory", "--format", "json", "--sbom"])
        .arg(&spdx));
    assert_eq!(code, 0, "{from_spdx}");
    let keys = &["ecosystem", "version", "source", "purl"];
    let registry: BTreeSet<String> = packages(&venv, keys)
        .into_iter()
        .filter(|p| p.contains(" \"registry\" "))
        .collect();
    assert_eq!(packages(&from_spdx, keys), registry);
    assert_eq!(registry.len(), 6);
}

#[test]
fn an_sbom_that_is_not_one_is_reported_and_the_scan_is_incomplete() {
    let tmp = tempfile::tempdir().unwrap();
    let db = database(tmp.path());
    let file = tmp.path().join("bom.json");
    std::fs::write(
        &file,
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
            {"type": "library", "name": "nameless"},
            {"type": "library", "name": "x", "purl": "pkg:unknowntype/x@1"},
            {"type": "library", "name": "six", "purl": "pkg:pypi/six@1.16.0"}]}"#,
    )
    .unwrap();
    let (code, json, _) = run(radar(&db)
        .args(["-q", "inventory", "--format", "json", "--sbom"])
        .arg(&file));
    assert_eq!(code, 4, "{json}");
    let inventory: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(inventory["packages"].as_array().unwrap().len(), 1);
    let codes: Vec<&str> = inventory["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["no-purl", "unknown-format"]);

    std::fs::write(&file, r#"{"specVersion": "2.2"}"#).unwrap();
    let (code, report, _) = run(radar(&db)
        .args(["scan", "--format", "json", "--sbom"])
        .arg(&file));
    assert_eq!(code, 4, "{report}");
    assert!(report.contains("expected a CycloneDX"), "{report}");
}

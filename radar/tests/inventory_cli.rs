//! `radar inventory`, run as the real binary on the inventory crate's fixtures: JSON on
//! stdout only, exit 0 when complete and 4 when some file could not be read or parsed.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::boolean::PredicateBooleanExt;
use predicates::str::contains;

fn radar() -> Command {
    Command::cargo_bin("radar").expect("the radar binary is built for tests")
}

fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../inventory/tests/data")
        .join(relative)
}

#[test]
fn json_lists_packages_with_locations_and_exits_zero() {
    let output = radar()
        .args(["-q", "inventory", "--format", "json"])
        .arg(fixture("venv"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty());

    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let planted = json["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Starlette_Healthcheck")
        .expect("the planted dist-info is listed");
    assert_eq!(planted["ecosystem"], "PyPI");
    assert_eq!(planted["version"], "1.3.1");
    assert_eq!(planted["source"], "registry");
    assert_eq!(planted["purl"], "pkg:pypi/starlette-healthcheck@1.3.1");
    assert_eq!(
        planted["locations"][0]["path"],
        "lib/python3.12/site-packages/Starlette_Healthcheck-1.3.1.dist-info/METADATA"
    );
    assert_eq!(planted["locations"][0]["collector"], "python-dist-info");
    assert_eq!(json["errors"], serde_json::json!([]));
}

#[test]
fn scan_errors_make_exit_status_four_in_every_format() {
    radar()
        .args(["-q", "inventory", "--format", "json"])
        .arg(fixture("malformed/yarn"))
        .assert()
        .code(4)
        .stdout(contains("\"path\": \"yarn.lock\""));
    radar()
        .args(["-q", "inventory"])
        .arg(fixture("malformed/yarn"))
        .assert()
        .code(4)
        .stdout(contains("yarn.lock: [parse-error]"));
}

#[test]
fn table_and_excludes() {
    radar()
        .args(["-q", "inventory"])
        .arg(fixture("lockfiles/cargo"))
        .assert()
        .success()
        .stdout(contains("crates.io  serde"))
        .stdout(contains("Cargo.lock:21"));
    radar()
        .args(["-q", "inventory", "--exclude", "Cargo.lock"])
        .arg(fixture("lockfiles/cargo"))
        .assert()
        .success()
        .stdout(contains("serde").not());
}

#[test]
fn a_missing_root_is_a_usage_error() {
    radar()
        .args(["inventory", "/no/such/root"])
        .assert()
        .code(2)
        .stderr(contains("expected an existing directory"));
}

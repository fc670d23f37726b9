//! `radar sync`, `db status`, `show` and `search` as a user runs them, including a sync
//! killed part-way.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use testkit::export::{synthetic_records, write_export};

fn radar(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("radar").unwrap();
    cmd.env("RADAR_DB", db).env_remove("RUST_LOG");
    cmd
}

fn stdout(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sync_show_status_and_search_the_shared_records() {
    let Some(data) = testkit::shared_path("radar sync of shared records", "data/osv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("radar.db");

    let (code, out, err) = stdout(radar(&db).arg("sync").arg(&data));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("added 8272, updated 0, unchanged 0, withdrawn 50, rejected 0"),
        "{out}"
    );

    let (code, out, _) = stdout(radar(&db).args(["show", "MAL-2026-6724"]));
    assert_eq!(code, 0);
    assert!(out.contains("MAL-2026-6724: Malicious code in starlette-healthcheck (PyPI)"));
    assert!(out.contains("versions: 1.3.0, 1.2.0, 1.3.1"), "{out}");
    assert!(out.contains("kind        malicious"));

    let (_, raw, _) = stdout(radar(&db).args(["show", "MAL-2026-6724", "--format", "json"]));
    let on_disk = std::fs::read_to_string(data.join("seed/MAL-2026-6724.json")).unwrap();
    assert_eq!(
        raw.trim_end(),
        on_disk.trim_end(),
        "json prints the record verbatim"
    );

    let (_, json, _) = stdout(radar(&db).args(["db", "status", "--format", "json"]));
    let status: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(status["advisories"], 8322);
    assert_eq!(status["withdrawn"], 50);
    let kinds = &status["by_kind"];
    assert_eq!(
        kinds["malicious"].as_u64().unwrap() + kinds["vulnerability"].as_u64().unwrap(),
        8322
    );
    assert!(status["by_ecosystem"]["PyPI"].as_u64().unwrap() > 2000);

    let (_, found, _) = stdout(radar(&db).args(["search", "starlette", "healthcheck"]));
    assert!(
        found.lines().next().unwrap().starts_with("MAL-2026-6724"),
        "{found}"
    );

    let (code, out, _) = stdout(radar(&db).arg("sync").arg(&data));
    assert_eq!(code, 0);
    assert!(
        out.contains("added 0, updated 0, unchanged 8322, withdrawn 0, rejected 0"),
        "{out}"
    );
}

#[test]
fn readers_without_a_database_say_to_sync() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = stdout(radar(&tmp.path().join("none.db")).args(["db", "status"]));
    assert_eq!(code, 2);
    assert!(err.contains("run `radar sync`"), "{err}");
}

#[test]
fn rejected_records_are_listed_and_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let mixed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sync/tests/data/mixed");
    let (code, out, _) = stdout(radar(&tmp.path().join("r.db")).arg("sync").arg(mixed));
    assert_eq!(code, 1);
    assert!(out.contains("added 2,"), "{out}");
    assert!(
        out.contains("malformed.json: not a valid OSV record"),
        "{out}"
    );
    assert!(
        out.contains("schema-breaking.json: affected[0].ranges[0]"),
        "{out}"
    );
}

#[test]
fn a_killed_sync_leaves_an_intact_database_that_a_new_sync_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export");
    let total = 20_000;
    write_export(&export, &synthetic_records(total));
    let db = tmp.path().join("radar.db");

    // Kill the sync once some batches are committed, part-way through.
    let mut child = radar(&db)
        .args(["-q", "sync"])
        .arg(&export)
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut seen = 0;
    while started.elapsed() < Duration::from_secs(120) {
        std::thread::sleep(Duration::from_millis(50));
        if let Ok(store) = store::Store::open_existing(&db) {
            seen = store.status().map(|s| s.advisories).unwrap_or(0);
        }
        if seen >= 4_000 {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(
        seen > 0 && seen < total as u64,
        "killed after {seen} records"
    );

    let (code, out, _) = stdout(radar(&db).args(["db", "check"]));
    assert_eq!((code, out.trim()), (0, "ok"));
    let partial = store::Store::open_existing(&db).unwrap().status().unwrap();
    assert!(
        partial.advisories < total as u64,
        "the kill came too late to test anything"
    );

    let (code, out, _) = stdout(radar(&db).args(["-q", "sync"]).arg(&export));
    assert_eq!(code, 0, "{out}");
    let store = store::Store::open_existing(&db).unwrap();
    assert_eq!(store.status().unwrap().advisories, total as u64);
    store.integrity_check().unwrap();
    store.consistency_check().unwrap();
}

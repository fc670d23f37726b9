//! `radar keys`: a key is printed once, only its hash is stored, keys list and revoke
//! (issue 6).

use assert_cmd::Command;

const RECORD: &str = r#"{"id": "MAL-2026-1", "modified": "2026-01-01T00:00:00Z",
    "summary": "Malicious code in a (PyPI)",
    "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "versions": ["1.0"]}]}"#;

fn radar(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("radar")
        .unwrap()
        .arg("--db")
        .arg(db)
        .arg("-q")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn keys_are_shown_once_stored_as_hashes_listed_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records");
    std::fs::create_dir(&records).unwrap();
    std::fs::write(records.join("MAL-2026-1.json"), RECORD).unwrap();
    let db = dir.path().join("radar.db");
    let synced = radar(&db, &["sync", records.to_str().unwrap()]);
    assert!(synced.status.success(), "{synced:?}");

    let created = radar(&db, &["keys", "create", "--name", "ci", "--tier", "free"]);
    assert!(created.status.success(), "{created:?}");
    let key = String::from_utf8(created.stdout).unwrap().trim().to_owned();
    assert!(key.starts_with("otr_") && key.len() == 68, "{key}");

    // Neither the database nor the listing holds the key itself.
    let bytes = std::fs::read(&db).unwrap();
    let wal = std::fs::read(dir.path().join("radar.db-wal")).unwrap_or_default();
    for file in [&bytes, &wal] {
        assert!(!file.windows(key.len()).any(|w| w == key.as_bytes()));
    }
    let listed = radar(&db, &["keys", "list", "--format", "json"]);
    let keys: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(keys[0]["name"], "ci");
    assert_eq!(keys[0]["tier"], "free");
    assert!(key.starts_with(keys[0]["prefix"].as_str().unwrap()));
    assert!(!String::from_utf8_lossy(&listed.stdout).contains(&key));

    let revoked = radar(&db, &["keys", "revoke", "ci"]);
    assert!(revoked.status.success(), "{revoked:?}");
    let listed = radar(&db, &["keys", "list", "--format", "json"]);
    let keys: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert!(keys[0]["revoked"].is_string());
    let again = radar(&db, &["keys", "revoke", "ci"]);
    assert_eq!(again.status.code(), Some(2));

    let unknown = radar(&db, &["keys", "create", "--name", "x", "--tier", "gold"]);
    assert_eq!(unknown.status.code(), Some(2));
    let message = String::from_utf8_lossy(&unknown.stderr);
    assert!(message.contains("expected a tier"), "{message}");
}

//! Upserts, lookups, search and the change log on a fresh database.

use store::{Incoming, Store, StoreError, Tally};

fn incoming(json: &str) -> Incoming {
    Incoming {
        record: osv::parse(json.as_bytes()).unwrap(),
        raw: json.to_owned(),
    }
}

fn record(id: &str, modified: &str, extra: &str) -> Incoming {
    incoming(&format!(
        r#"{{"id": "{id}", "modified": "{modified}",
            "summary": "Malicious code in Starlette_Healthcheck",
            "details": "posts the hostname to an azurecontainerapps.io host",
            "affected": [{{"package": {{"ecosystem": "PyPI", "name": "Starlette_Healthcheck"}},
                          "versions": ["1.3.1"]}}]{extra}}}"#
    ))
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("nested/radar.db")).unwrap();
    (dir, store)
}

#[test]
fn upserts_keep_the_newer_modified() {
    let (_dir, mut store) = open();

    let first = store
        .apply("test", &[record("MAL-1", "2026-01-01T00:00:00Z", "")], &[])
        .unwrap();
    assert_eq!(
        first,
        Tally {
            added: 1,
            ..Tally::default()
        }
    );

    let same = store
        .apply("test", &[record("MAL-1", "2026-01-01T00:00:00Z", "")], &[])
        .unwrap();
    assert_eq!(same.unchanged, 1);

    let older = store
        .apply(
            "test",
            &[record(
                "MAL-1",
                "2025-12-31T23:59:59Z",
                r#", "aliases": ["X"]"#,
            )],
            &[],
        )
        .unwrap();
    assert_eq!(older.unchanged, 1);
    assert!(
        store.get("X").unwrap().is_none(),
        "an older record must not replace a newer one"
    );

    let newer = store
        .apply(
            "test",
            &[record(
                "MAL-1",
                "2026-02-01T00:00:00.5+01:00",
                r#", "aliases": ["GHSA-1"]"#,
            )],
            &[],
        )
        .unwrap();
    assert_eq!(newer.updated, 1);
    assert_eq!(store.get("GHSA-1").unwrap().unwrap().id, "MAL-1");

    let changes = store.changes_since(0, 10).unwrap();
    let kinds: Vec<_> = changes.iter().map(|c| c.change.as_str()).collect();
    assert_eq!(kinds, ["new", "updated"]);
    assert!(changes[0].seq < changes[1].seq);
}

#[test]
fn withdrawn_records_stay_flagged_and_never_match() {
    let (_dir, mut store) = open();
    store
        .apply("test", &[record("MAL-1", "2026-01-01T00:00:00Z", "")], &[])
        .unwrap();
    assert_eq!(
        store
            .affected_for("PyPI", "starlette-healthcheck")
            .unwrap()
            .len(),
        1
    );

    let withdrawn = record(
        "MAL-1",
        "2026-03-01T00:00:00Z",
        r#", "withdrawn": "2026-03-01T00:00:00Z""#,
    );
    let tally = store.apply("test", &[withdrawn], &[]).unwrap();
    assert_eq!(tally.withdrawn, 1);

    assert!(store
        .affected_for("PyPI", "starlette-healthcheck")
        .unwrap()
        .is_empty());
    let stored = store.get("MAL-1").unwrap().unwrap();
    assert!(stored.withdrawn.is_some());
    let status = store.status().unwrap();
    assert_eq!((status.advisories, status.withdrawn), (1, 1));
    assert_eq!(store.changes_since(1, 10).unwrap()[0].change, "withdrawn");
}

#[test]
fn lookup_uses_normalized_names_and_keeps_the_entry() {
    let (_dir, mut store) = open();
    store
        .apply("test", &[record("MAL-1", "2026-01-01T00:00:00Z", "")], &[])
        .unwrap();

    let entries = store.affected_for("PyPI", "starlette-healthcheck").unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].id, "MAL-1");
    assert_eq!(entries[0].kind, "malicious");
    assert_eq!(entries[0].severity, "critical");
    assert_eq!(entries[0].affected.versions, ["1.3.1"]);
    assert!(store
        .affected_for("npm", "starlette-healthcheck")
        .unwrap()
        .is_empty());
}

#[test]
fn search_finds_words_ids_and_package_names() {
    let (_dir, mut store) = open();
    store
        .apply(
            "test",
            &[record("MAL-2026-6724", "2026-01-01T00:00:00Z", "")],
            &[],
        )
        .unwrap();

    for query in [
        "starlette",
        "healthch",
        "MAL-2026-6724",
        "azurecontainerapps hostname",
    ] {
        let hits = store.search(query, 10).unwrap();
        assert_eq!(hits.len(), 1, "query {query:?}");
    }
    assert!(store.search("nothing-like-it", 10).unwrap().is_empty());
    assert!(store.search("\"unbalanced OR (", 10).unwrap().is_empty());
}

#[test]
fn status_counts_kinds_ecosystems_and_sources() {
    let (_dir, mut store) = open();
    let vuln = incoming(
        r#"{"id": "GO-1", "modified": "2026-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "Go", "name": "example.com/a"}}]}"#,
    );
    store
        .apply(
            "dir:/x",
            &[record("MAL-1", "2026-01-01T00:00:00Z", ""), vuln],
            &[("PyPI", Some("2026-01-01T00:00:00Z"))],
        )
        .unwrap();

    let status = store.status().unwrap();
    assert_eq!(status.advisories, 2);
    assert_eq!(status.by_kind["malicious"], 1);
    assert_eq!(status.by_kind["vulnerability"], 1);
    assert_eq!(status.by_ecosystem["PyPI"], 1);
    assert_eq!(status.by_ecosystem["Go"], 1);
    assert_eq!(
        store.cursor("dir:/x", "PyPI").unwrap().as_deref(),
        Some("2026-01-01T00:00:00Z")
    );
    assert!(status.size_bytes > 0);
}

#[test]
fn reopening_keeps_data_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("radar.db");
    {
        let mut store = Store::open(&path).unwrap();
        store
            .apply("test", &[record("MAL-1", "2026-01-01T00:00:00Z", "")], &[])
            .unwrap();
    }
    let store = Store::open_existing(&path).unwrap();
    store.integrity_check().unwrap();
    assert!(store.get("MAL-1").unwrap().is_some());

    let missing = Store::open_existing(&dir.path().join("none.db"));
    assert!(matches!(missing, Err(StoreError::NoDatabase(_))));
}

#[test]
fn consistency_check_passes_on_a_written_store() {
    let (_dir, mut store) = open();
    let batch: Vec<_> = (0..50)
        .map(|i| record(&format!("MAL-{i}"), "2026-01-01T00:00:00Z", ""))
        .collect();
    store.apply("test", &batch, &[]).unwrap();
    store
        .apply("test", &[record("MAL-3", "2026-02-01T00:00:00Z", "")], &[])
        .unwrap();
    store.consistency_check().unwrap();
    store.integrity_check().unwrap();
}

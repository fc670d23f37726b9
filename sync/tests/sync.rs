//! Syncing directories, zips and exports (from disk and over loopback HTTP).

use std::collections::BTreeMap;
use std::path::Path;

use store::Store;
use sync::{Quiet, Source, SyncOptions};
use testkit::export::{synthetic, synthetic_records, write_export};
use testkit::http::FileServer;

fn sync(store: &mut Store, source: &str) -> sync::SyncReport {
    let source = Source::parse(source).unwrap();
    sync::sync(store, &source, &SyncOptions::default(), &Quiet).unwrap()
}

fn fresh(dir: &Path, name: &str) -> Store {
    Store::open(&dir.join(name)).unwrap()
}

/// Every stored (id, modified), to compare two databases.
fn contents(store: &Store) -> BTreeMap<String, String> {
    store
        .changes_since(0, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|c| {
            let modified = store.get(&c.id).unwrap().unwrap().modified;
            (c.id, modified)
        })
        .collect()
}

#[test]
fn shared_records_sync_and_resync_unchanged() {
    let Some(dir) = testkit::shared_path("sync of shared records", "data/osv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut store = fresh(tmp.path(), "radar.db");

    let first = sync(&mut store, dir.to_str().unwrap());
    assert!(first.rejected.is_empty(), "{:?}", first.rejected);
    assert!(first.failures.is_empty(), "{:?}", first.failures);
    assert_eq!(first.tally.total(), 8322);
    assert_eq!(first.tally.withdrawn, 50);
    assert_eq!(first.tally.added + first.tally.withdrawn, 8322);

    let seed = store.get("MAL-2026-6724").unwrap().unwrap();
    assert_eq!(seed.kind, "malicious");
    let record = seed.record().unwrap();
    let mut versions = record.affected[0].versions.clone();
    versions.sort();
    assert_eq!(versions, ["1.2.0", "1.3.0", "1.3.1"]);

    let second = sync(&mut store, dir.to_str().unwrap());
    assert_eq!(second.tally.unchanged, 8322);
    assert_eq!(second.tally.total(), 8322);
    store.integrity_check().unwrap();
}

#[test]
fn malformed_and_schema_breaking_records_are_reported_and_the_rest_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = fresh(tmp.path(), "radar.db");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mixed");

    let report = sync(&mut store, dir.to_str().unwrap());

    assert_eq!(report.tally.added, 2);
    assert_eq!(report.rejected.len(), 2);
    let find = |file: &str| {
        report
            .rejected
            .iter()
            .find(|r| r.location.ends_with(file))
            .unwrap_or_else(|| panic!("{file} not reported: {:?}", report.rejected))
    };
    assert!(find("malformed.json")
        .reason
        .contains("not a valid OSV record"));
    assert!(find("schema-breaking.json").reason.contains("found both"));
    assert!(store.get("MAL-TEST-1").unwrap().is_some());
    assert!(store.get("BAD-RANGE-1").unwrap().is_none());
}

#[test]
fn zips_and_single_files_sync() {
    let tmp = tempfile::tempdir().unwrap();
    let records = synthetic_records(30);
    write_export(&tmp.path().join("export"), &records);
    let mut store = fresh(tmp.path(), "radar.db");

    let zip = tmp.path().join("export/npm/all.zip");
    let report = sync(&mut store, zip.to_str().unwrap());
    assert_eq!(report.tally.added, 20);

    let file = tmp
        .path()
        .join(format!("export/PyPI/{}.json", records[0].id));
    let report = sync(&mut store, file.to_str().unwrap());
    assert_eq!(report.tally.added, 1);
}

#[test]
fn http_export_matches_the_directory_and_then_fetches_only_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export");
    let mut records = synthetic_records(300);
    write_export(&export, &records);

    // The same export, from the directory and over loopback HTTP.
    let mut from_dir = fresh(tmp.path(), "dir.db");
    let dir_report = sync(&mut from_dir, export.to_str().unwrap());
    let server = FileServer::start(&export);
    let mut from_http = fresh(tmp.path(), "http.db");
    let http_report = sync(&mut from_http, &server.url);
    assert_eq!(dir_report.tally.added, 300);
    assert_eq!(http_report.tally.added, 300);
    assert_eq!(contents(&from_dir), contents(&from_http));
    let first_log = server.take_log();
    assert!(
        first_log.contains(&"/npm/all.zip".to_owned()),
        "{first_log:?}"
    );

    // Nothing changed: only the listings are read.
    let again = sync(&mut from_http, &server.url);
    assert_eq!(again.tally.unchanged, 300);
    assert_eq!(again.tally.total(), 300);
    assert!(server
        .take_log()
        .iter()
        .all(|p| !p.ends_with(".json") && !p.ends_with(".zip")));

    // Three records change and one is new: exactly those four are fetched.
    for (index, n) in [(0, 0), (1, 1), (4, 4)] {
        let old = &records[index];
        records[index] = synthetic(&old.ecosystem, &old.id, "2026-12-01T00:00:00Z", n + 1000);
    }
    records.push(synthetic(
        "npm",
        "MAL-2026-999999",
        "2026-12-01T00:00:01Z",
        999_999,
    ));
    write_export(&export, &records);
    let incremental = sync(&mut from_http, &server.url);
    assert_eq!(incremental.tally.updated, 3);
    assert_eq!(incremental.tally.added, 1);
    assert_eq!(incremental.tally.unchanged, 297);
    let mut fetched: Vec<String> = server
        .take_log()
        .into_iter()
        .filter(|p| p.ends_with(".json") || p.ends_with(".zip"))
        .collect();
    fetched.sort();
    let mut expected: Vec<String> = [0, 1, 4]
        .iter()
        .map(|&i| format!("/{}/{}.json", records[i].ecosystem, records[i].id))
        .chain(["/npm/MAL-2026-999999.json".to_owned()])
        .collect();
    expected.sort();
    assert_eq!(fetched, expected);
    let updated = from_http.get(&records[0].id).unwrap().unwrap();
    assert_eq!(updated.modified, "2026-12-01T00:00:00Z");
}

#[test]
fn a_failed_download_keeps_previous_data_and_reports_it() {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export");
    write_export(&export, &synthetic_records(30));
    let mut store = fresh(tmp.path(), "radar.db");
    sync(&mut store, export.to_str().unwrap());

    std::fs::remove_file(export.join("npm/modified_id.csv")).unwrap();
    let report = sync(&mut store, export.to_str().unwrap());
    assert_eq!(report.failures.len(), 1);
    assert!(
        report.failures[0].what.ends_with("npm"),
        "{:?}",
        report.failures
    );
    assert_eq!(store.status().unwrap().advisories, 30);
}

#[test]
fn ecosystem_filter_limits_an_export() {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export");
    write_export(&export, &synthetic_records(30));
    let mut store = fresh(tmp.path(), "radar.db");
    let options = SyncOptions {
        export: sync::ExportOptions {
            ecosystems: vec!["pypi".into(), "Nope".into()],
        },
    };
    let source = Source::parse(export.to_str().unwrap()).unwrap();
    let report = sync::sync(&mut store, &source, &options, &Quiet).unwrap();
    assert_eq!(report.tally.added, 10);
    assert_eq!(report.failures.len(), 1);
    assert!(report.failures[0].reason.contains("ecosystems.txt"));
}

#[test]
fn unknown_sources_are_clear_errors() {
    let err = Source::parse("/definitely/not/here").unwrap_err();
    assert!(err.to_string().contains("/definitely/not/here"));
    let tmp = tempfile::tempdir().unwrap();
    let other = tmp.path().join("notes.txt");
    std::fs::write(&other, "hello").unwrap();
    let err = Source::parse(other.to_str().unwrap()).unwrap_err();
    assert!(err.to_string().contains("expected a URL"));
}

/// What readers can see of a store, for comparing two of them.
fn visible(store: &Store, ids: &[String]) -> String {
    let status = store.status().unwrap();
    let mut changes: Vec<(String, String)> = store
        .changes_since(0, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.change))
        .collect();
    changes.sort();
    let searches: Vec<Vec<String>> = [
        "test-package-7",
        "MAL-2026-100005",
        "environment",
        "CVE-2026",
    ]
    .iter()
    .map(|q| {
        let mut hits: Vec<String> = store
            .search(q, 1000)
            .unwrap()
            .into_iter()
            .map(|h| h.id)
            .collect();
        hits.sort();
        hits
    })
    .collect();
    let lookups: Vec<Vec<String>> = [("npm", "test-package-1"), ("PyPI", "test-package-3")]
        .iter()
        .map(|(eco, name)| {
            let entries = store.affected_for(eco, name).unwrap();
            entries.into_iter().map(|e| e.id).collect()
        })
        .collect();
    let records: Vec<(String, String, Option<String>)> = ids
        .iter()
        .map(|id| {
            let a = store.get(id).unwrap().unwrap();
            (a.raw, a.kind, a.withdrawn)
        })
        .collect();
    format!(
        "{} {:?} {:?} {} {changes:?} {searches:?} {lookups:?} {records:?}",
        status.advisories, status.by_kind, status.by_ecosystem, status.withdrawn
    )
}

#[test]
fn a_batched_sync_stores_what_record_by_record_upserts_store() {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export");
    let mut records = synthetic_records(500);
    records[7].json = records[7].json.replacen(
        r#""modified""#,
        r#""aliases": ["CVE-2026-1", "GHSA-aaaa"], "withdrawn": "2026-11-30T00:00:00Z", "modified""#,
        1,
    );
    records[8].json = records[8].json.replacen(
        r#""modified""#,
        r#""aliases": ["CVE-2026-2"], "modified""#,
        1,
    );
    write_export(&export, &records);

    let mut batched = fresh(tmp.path(), "batched.db");
    sync(&mut batched, export.to_str().unwrap());
    let mut one_by_one = fresh(tmp.path(), "rows.db");
    for record in &records {
        let incoming = store::Incoming {
            record: osv::parse(record.json.as_bytes()).unwrap(),
            raw: record.json.clone(),
        };
        one_by_one.apply("rows", &[incoming], &[]).unwrap();
    }

    let ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
    assert_eq!(visible(&batched, &ids), visible(&one_by_one, &ids));
    assert_eq!(batched.search("CVE-2026", 10).unwrap().len(), 2);
    assert_eq!(batched.status().unwrap().withdrawn, 1);
    batched.consistency_check().unwrap();
}

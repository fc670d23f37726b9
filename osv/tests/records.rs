//! Reading real and broken records.

use osv::{Event, Kind, RangeKind, RecordError};

#[test]
fn seed_record_reads_with_its_versions_and_kind() {
    let Some(path) = testkit::shared_path("seed record", "data/osv/seed/MAL-2026-6724.json") else {
        return;
    };
    let record = osv::parse(&std::fs::read(path).unwrap()).unwrap();

    assert_eq!(record.id, "MAL-2026-6724");
    assert_eq!(record.kind(), Kind::Malicious);
    assert_eq!(record.affected.len(), 1);
    let package = record.affected[0].package.as_ref().unwrap();
    assert_eq!(
        (package.ecosystem.as_str(), package.name.as_str()),
        ("PyPI", "starlette-healthcheck")
    );
    assert_eq!(record.affected[0].versions, ["1.3.0", "1.2.0", "1.3.1"]);
    assert!(!record.is_withdrawn());
}

#[test]
fn every_shared_record_reads() {
    let Some(dir) = testkit::shared_path("all shared records", "data/osv") else {
        return;
    };
    let mut count = 0;
    let mut stack = vec![dir];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let bytes = std::fs::read(&path).unwrap();
                if let Err(err) = osv::parse(&bytes) {
                    panic!("{}: {err}", path.display());
                }
                count += 1;
            }
        }
    }
    assert!(count > 8000, "read only {count} records");
}

#[test]
fn ranges_and_events_read() {
    let json = br#"{"id": "X-1", "modified": "2024-01-02T03:04:05.123456Z", "aliases": null,
        "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]},
                     {"type": "SEMVER", "events": [{"introduced": "1.0.0"},
                        {"last_affected": "1.0.5"}, {"limit": "2.0.0"}]},
                     {"type": "FANCY", "events": [{"introduced": "0"}]}]}],
        "unknown_field": {"kept": true}}"#;
    let record = osv::parse(json).unwrap();

    assert!(record.aliases.is_empty());
    let ranges = &record.affected[0].ranges;
    assert_eq!(ranges[0].kind, RangeKind::Ecosystem);
    assert_eq!(ranges[0].events[1], Event::Fixed("1.2".into()));
    assert_eq!(ranges[1].events[1], Event::LastAffected("1.0.5".into()));
    assert_eq!(ranges[1].events[2], Event::Limit("2.0.0".into()));
    assert_eq!(ranges[2].kind, RangeKind::Unknown("FANCY".into()));
    assert_eq!(record.kind(), Kind::Vulnerability);
    let eco = record.affected[0].package.as_ref().unwrap().ecosystem();
    assert_eq!((eco.base(), eco.suffix()), ("Debian", Some("12")));
}

#[test]
fn cwe_506_makes_a_record_malicious() {
    let json = br#"{"id": "GHSA-x", "modified": "2024-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "versions": ["1.0.0"],
                      "database_specific": {"cwes": ["CWE-506"]}}]}"#;
    assert_eq!(osv::parse(json).unwrap().kind(), Kind::Malicious);

    let alias = br#"{"id": "GHSA-y", "modified": "2024-01-01T00:00:00Z", "aliases": ["MAL-1"]}"#;
    assert_eq!(osv::parse(alias).unwrap().kind(), Kind::Malicious);
}

#[test]
fn schema_breaking_records_are_rejected_with_reasons() {
    let cases: &[(&str, &str)] = &[
        (r#"{"modified": "2024-01-01T00:00:00Z"}"#, "`id`"),
        (r#"{"id": "X-1"}"#, "`modified`"),
        (r#"{"id": "X-1", "modified": "yesterday"}"#, "RFC 3339"),
        (
            r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "published": "2024-13-01"}"#,
            "`published`",
        ),
        (
            r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package":
               {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER",
               "events": [{"fixed": "1.0.0"}]}]}]}"#,
            "`introduced`",
        ),
        (
            r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package":
               {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER",
               "events": [{"introduced": "0"}, {"fixed": "1"}, {"last_affected": "2"}]}]}]}"#,
            "both",
        ),
        (
            r#"{"id": "X-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package":
               {"ecosystem": "npm"}}]}"#,
            "ecosystem and a name",
        ),
        (r#"{"id": "X-1", "modified": 5}"#, "not a valid OSV record"),
        ("not json", "not a valid OSV record"),
    ];
    for (json, reason) in cases {
        let err: RecordError = osv::parse(json.as_bytes()).unwrap_err();
        assert!(err.to_string().contains(reason), "{json}: {err}");
    }
}

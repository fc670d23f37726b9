//! OS packages against distribution advisories: the source package and its version are
//! matched, and only entries of the package's own release (`Debian:12` for Debian 12).

use std::path::PathBuf;

use store::{Incoming, Store};

fn advisory(id: &str, ecosystem: &str, name: &str, fixed: &str) -> Incoming {
    let json = format!(
        r#"{{"id": "{id}", "modified": "2026-01-01T00:00:00Z", "summary": "{id}",
            "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "{name}"}},
                "ranges": [{{"type": "ECOSYSTEM",
                             "events": [{{"introduced": "0"}}, {{"fixed": "{fixed}"}}]}}]}}]}}"#
    );
    Incoming {
        record: osv::parse(json.as_bytes()).unwrap(),
        raw: json,
    }
}

fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../inventory/tests/data/os")
        .join(relative)
}

#[test]
fn distribution_advisories_match_source_packages_of_the_same_release_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("radar.db")).unwrap();
    let batch = [
        advisory(
            "DEBIAN-CVE-2026-0001",
            "Debian:12",
            "openssl",
            "3.0.16-1~deb12u1",
        ),
        advisory(
            "DEBIAN-CVE-2026-0002",
            "Debian:11",
            "openssl",
            "3.0.16-1~deb11u1",
        ),
        // The source version (12.2.0-14) is compared, not the binary's (…+deb12u1).
        advisory(
            "DEBIAN-CVE-2026-0003",
            "Debian:12",
            "gcc-12",
            "12.2.0-14+deb12u1",
        ),
        // Advisories name source packages: the binary name matches nothing.
        advisory("DEBIAN-CVE-2026-0004", "Debian:12", "libssl3", "9.9"),
        advisory(
            "ALPINE-CVE-2026-0005",
            "Alpine:v3.20",
            "openssl",
            "3.3.3-r0",
        ),
        advisory(
            "ALPINE-CVE-2026-0006",
            "Alpine:v3.19",
            "openssl",
            "3.3.3-r0",
        ),
        advisory("PYSEC-2026-0007", "PyPI", "openssl", "9.9"),
    ];
    store.apply("test", &batch, &[]).unwrap();

    let roots = [fixture("debian"), fixture("alpine"), fixture("noos")];
    let inventory = inventory::scan(&roots, &inventory::Options::default()).unwrap();
    let matches = matcher::match_inventory(&store, &inventory).unwrap();

    let mut found: Vec<String> = matches
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}",
                f.id, f.package.ecosystem, f.package.name, f.matched
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "ALPINE-CVE-2026-0005 Alpine:v3.20 libcrypto3 ECOSYSTEM range: introduced 0, \
             fixed 3.3.3-r0 (apk)",
            "DEBIAN-CVE-2026-0001 Debian:12 libssl3 ECOSYSTEM range: introduced 0, \
             fixed 3.0.16-1~deb12u1 (dpkg)",
            "DEBIAN-CVE-2026-0003 Debian:12 libgcc-s1 ECOSYSTEM range: introduced 0, \
             fixed 12.2.0-14+deb12u1 (dpkg)",
            "DEBIAN-CVE-2026-0003 Debian:12 libgcc-s1 ECOSYSTEM range: introduced 0, \
             fixed 12.2.0-14+deb12u1 (dpkg)",
        ]
    );
    assert!(matches.unconfirmed.is_empty(), "{:?}", matches.unconfirmed);
}

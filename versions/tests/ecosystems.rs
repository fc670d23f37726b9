//! The ecosystem → ordering table, and what each ordering refuses.

use std::cmp::Ordering;

use versions::{compare, CannotOrder, Scheme};

#[test]
fn every_osv_ecosystem_with_an_ordering_finds_it() {
    let table = [
        ("PyPI", Scheme::Pep440),
        ("npm", Scheme::SemVer),
        ("crates.io", Scheme::SemVer),
        ("Hex", Scheme::SemVer),
        ("SwiftURL", Scheme::SemVer),
        ("Bitnami", Scheme::SemVer),
        ("Julia", Scheme::SemVer),
        ("ConanCenter", Scheme::SemVer),
        ("VSCode", Scheme::SemVer),
        ("Go", Scheme::GoSemVer),
        ("Maven", Scheme::Maven),
        ("NuGet", Scheme::NuGet),
        ("RubyGems", Scheme::RubyGems),
        ("Packagist", Scheme::Composer),
        ("Pub", Scheme::PubSemver),
        ("CRAN", Scheme::RPackage),
        ("Bioconductor", Scheme::RPackage),
        ("Hackage", Scheme::Pvp),
        ("GHC", Scheme::Pvp),
        ("Debian", Scheme::Dpkg),
        ("Debian:12", Scheme::Dpkg),
        ("Ubuntu", Scheme::Dpkg),
        ("Ubuntu:22.04:LTS", Scheme::Dpkg),
        ("Ubuntu:Pro:18.04:LTS", Scheme::Dpkg),
        ("opam", Scheme::Dpkg),
        ("Alpine", Scheme::Apk),
        ("Alpine:v3.20", Scheme::Apk),
        ("Wolfi", Scheme::Apk),
        ("Chainguard", Scheme::Apk),
        ("MinimOS", Scheme::Apk),
        ("Alpaquita", Scheme::Apk),
        ("Red Hat", Scheme::Rpm),
        ("Red Hat:enterprise_linux:9::appstream", Scheme::Rpm),
        ("AlmaLinux", Scheme::Rpm),
        ("AlmaLinux:9", Scheme::Rpm),
        ("Rocky Linux", Scheme::Rpm),
        ("openSUSE", Scheme::Rpm),
        ("SUSE", Scheme::Rpm),
        ("SUSE:Linux Enterprise Server 15 SP5", Scheme::Rpm),
        ("Mageia", Scheme::Rpm),
        ("Mageia:9", Scheme::Rpm),
        ("openEuler", Scheme::Rpm),
        ("Azure Linux", Scheme::Rpm),
        ("Photon OS", Scheme::Rpm),
        ("Photon OS:5.0", Scheme::Rpm),
        // People type names in other cases; OSV's own spelling is tried first.
        ("pypi", Scheme::Pep440),
        ("debian:11", Scheme::Dpkg),
    ];
    for (ecosystem, scheme) in table {
        assert_eq!(Scheme::for_ecosystem(ecosystem), Ok(scheme), "{ecosystem}");
    }
}

#[test]
fn ecosystems_without_an_ordering_say_so() {
    for ecosystem in [
        "GIT", "Android", "Linux", "OSS-Fuzz", "GSD", "UVI", "", "Zenith",
    ] {
        assert_eq!(
            Scheme::for_ecosystem(ecosystem),
            Err(CannotOrder::UnknownEcosystem {
                ecosystem: ecosystem.to_string()
            })
        );
    }
    assert!(compare("GIT", "1", "2").is_err());
}

#[test]
fn unreadable_versions_are_errors_naming_what_was_expected() {
    let cases = [
        (Scheme::SemVer, "1.2.x"),
        (Scheme::SemVer, "1.2.3-"),
        (Scheme::SemVer, "1.2.3-a..b"),
        (Scheme::NuGet, "1.2.3.4.5"),
        (Scheme::RubyGems, "1.0 beta"),
        (Scheme::RubyGems, "beta"),
        (Scheme::RPackage, "1.2a"),
        (Scheme::Pvp, "1.0-beta"),
        (Scheme::Dpkg, "a:1.0"),
        (Scheme::Dpkg, "1:"),
        (Scheme::Dpkg, "1.0-"),
        (Scheme::Pep440, ""),
        (Scheme::Maven, " "),
        (Scheme::Composer, "v"),
        (Scheme::Apk, ""),
        (Scheme::Rpm, ""),
    ];
    for (scheme, version) in cases {
        match scheme.parse(version) {
            Err(CannotOrder::InvalidVersion {
                scheme: got,
                version: text,
                expected,
            }) => {
                assert_eq!(got, scheme);
                assert_eq!(text, version);
                assert!(!expected.is_empty());
                let message = scheme.parse(version).unwrap_err().to_string();
                assert!(message.contains("expected"), "{message}");
                assert!(message.contains("but found"), "{message}");
            }
            other => panic!("{scheme} {version:?}: expected an error, but found {other:?}"),
        }
    }
}

#[test]
fn the_issues_examples_order_as_their_ecosystems_do() {
    let cases = [
        ("npm", "1.3.1", "1.3.0", Ordering::Greater),
        ("Go", "v2.0.0+incompatible", "2.0.0", Ordering::Equal),
        (
            "Go",
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.1",
            Ordering::Less,
        ),
        ("NuGet", "1.0.0-BETA", "1.0.0-beta", Ordering::Equal),
        ("NuGet", "1.0.0.1", "1.0.0", Ordering::Greater),
        ("Debian", "1:2.0~rc1-1", "2.0-1", Ordering::Greater),
        ("Debian", "2.0~rc1-1", "2.0-1", Ordering::Less),
        ("Red Hat", "1.0^20160101-1", "1.0-1", Ordering::Greater),
        ("Red Hat", "1.0~rc1-1", "1.0-1", Ordering::Less),
        ("Red Hat", "1:0.9-1", "2.0-1", Ordering::Greater),
        ("Alpine", "1.2.3_p1-r0", "1.2.3-r5", Ordering::Greater),
        ("Alpine", "1.2.3_rc1-r5", "1.2.3-r0", Ordering::Less),
        ("PyPI", "1.0.post1", "1.0-1", Ordering::Equal),
        ("PyPI", "1.0+local", "1.0", Ordering::Greater),
        ("Maven", "1.0.Final", "1.0", Ordering::Equal),
        ("Maven", "1.0-sp1", "1.0", Ordering::Greater),
        ("Packagist", "v1.0.0-RC1", "1.0.0", Ordering::Less),
        ("Packagist", "1.0.0-pl1", "1.0.0", Ordering::Greater),
        ("RubyGems", "1.0.0.rc1", "1.0.0", Ordering::Less),
        ("CRAN", "1.0-1", "1.0.1", Ordering::Equal),
        ("Hackage", "1.0", "1.0.0", Ordering::Less),
    ];
    for (ecosystem, a, b, expected) in cases {
        assert_eq!(
            compare(ecosystem, a, b),
            Ok(expected),
            "{ecosystem}: {a} vs {b}"
        );
        assert_eq!(
            compare(ecosystem, b, a),
            Ok(expected.reverse()),
            "{ecosystem}: {b} vs {a}"
        );
    }
}

#[test]
fn versions_of_different_orderings_do_not_compare() {
    let a = Scheme::SemVer.parse("1.0.0").expect("valid");
    let b = Scheme::Pep440.parse("1.0.0").expect("valid");
    assert_eq!(
        a.compare(&b),
        Err(CannotOrder::MixedSchemes {
            left: Scheme::SemVer,
            right: Scheme::Pep440,
        })
    );
    assert_eq!(a.partial_cmp(&b), None);
}

//! OSV affected-entry evaluation: each event kind, limits, several ranges, `versions`
//! lists, `SEMVER` ranges on other ecosystems, unknown ecosystems and withdrawn records.

use osv::{Affected, Event};
use versions::{
    evaluate, evaluate_parsed, evaluate_record, CannotOrder, Evaluation, Installed,
    PreparedAffected, Reason, Scheme,
};

fn affected(json: &str) -> Affected {
    serde_json::from_str(json).expect("test entries are valid OSV")
}

fn range_reason(evaluation: &Evaluation) -> (usize, Event, Option<Event>, Scheme) {
    match evaluation {
        Evaluation::Affected(Reason::Range {
            index,
            introduced,
            closed_by,
            scheme,
            ..
        }) => (*index, introduced.clone(), closed_by.clone(), *scheme),
        other => panic!("expected a range match, but found {other:?}"),
    }
}

#[test]
fn introduced_and_fixed_bound_a_half_open_span() {
    let entry = affected(
        r#"{"package": {"ecosystem": "npm", "name": "left-pad"},
            "ranges": [{"type": "ECOSYSTEM",
                        "events": [{"introduced": "1.0.0"}, {"fixed": "1.3.1"}]}]}"#,
    );

    let (index, introduced, closed_by, scheme) = range_reason(&evaluate(&entry, "1.3.1-rc.1"));
    assert_eq!(index, 0);
    assert_eq!(introduced, Event::Introduced("1.0.0".into()));
    assert_eq!(closed_by, Some(Event::Fixed("1.3.1".into())));
    assert_eq!(scheme, Scheme::SemVer);

    assert!(evaluate(&entry, "1.0.0").is_affected());
    assert_eq!(evaluate(&entry, "1.3.1"), Evaluation::NotAffected);
    assert_eq!(evaluate(&entry, "0.9.9"), Evaluation::NotAffected);
}

#[test]
fn introduced_zero_and_last_affected_include_the_last_version() {
    let entry = affected(
        r#"{"package": {"ecosystem": "PyPI", "name": "requests"},
            "ranges": [{"type": "ECOSYSTEM",
                        "events": [{"last_affected": "2.0"}, {"introduced": "0"}]}]}"#,
    );

    let (_, introduced, closed_by, _) = range_reason(&evaluate(&entry, "2.0.0"));
    assert_eq!(introduced, Event::Introduced("0".into()));
    assert_eq!(closed_by, Some(Event::LastAffected("2.0".into())));
    assert!(evaluate(&entry, "0.0.1.dev0").is_affected());
    assert_eq!(evaluate(&entry, "2.0.post1"), Evaluation::NotAffected);
}

#[test]
fn limit_bounds_the_whole_range() {
    let entry = affected(
        r#"{"package": {"ecosystem": "Go", "name": "example.com/m"},
            "ranges": [{"type": "ECOSYSTEM",
                        "events": [{"introduced": "0"}, {"limit": "v1.5.0"},
                                   {"limit": "1.2.0"}]}]}"#,
    );

    assert!(evaluate(&entry, "v1.4.9").is_affected());
    assert_eq!(evaluate(&entry, "1.5.0"), Evaluation::NotAffected);
    assert_eq!(
        evaluate(&entry, "v2.0.0+incompatible"),
        Evaluation::NotAffected
    );
}

#[test]
fn the_second_of_several_ranges_can_match() {
    let entry = affected(
        r#"{"package": {"ecosystem": "Debian:12", "name": "openssl"},
            "ranges": [
              {"type": "ECOSYSTEM", "events": [{"introduced": "1.0-1"}, {"fixed": "1.1-1"}]},
              {"type": "ECOSYSTEM",
               "events": [{"fixed": "1:2.0-1"}, {"introduced": "1:2.0~rc1-1"}]}]}"#,
    );

    let (index, introduced, closed_by, scheme) = range_reason(&evaluate(&entry, "1:2.0~rc2-3"));
    assert_eq!(index, 1);
    assert_eq!(introduced, Event::Introduced("1:2.0~rc1-1".into()));
    assert_eq!(closed_by, Some(Event::Fixed("1:2.0-1".into())));
    assert_eq!(scheme, Scheme::Dpkg);

    assert_eq!(range_reason(&evaluate(&entry, "1.0-3")).0, 0);
    assert_eq!(evaluate(&entry, "1.5-1"), Evaluation::NotAffected);
    assert_eq!(evaluate(&entry, "1:2.0-1"), Evaluation::NotAffected);
}

#[test]
fn versions_list_matches_under_the_ecosystem_equality() {
    let entry = affected(
        r#"{"package": {"ecosystem": "PyPI", "name": "evil"},
            "versions": ["1.2.0", "1.3.0", "1.3.1", "2.0rc1"]}"#,
    );

    // A malicious 1.3.1 must not be read as outside the list, however it is spelled.
    for (spelling, index) in [("1.3.1", 2), ("1.3.1.0", 2), ("v1.3.1", 2), ("2.0-RC.1", 3)] {
        match evaluate(&entry, spelling) {
            Evaluation::Affected(Reason::Listed { index: got, .. }) => {
                assert_eq!(got, index, "{spelling}");
            }
            other => panic!("{spelling}: expected a listed match, but found {other:?}"),
        }
    }
    assert_eq!(
        evaluate(&entry, "1.3.1.0"),
        Evaluation::Affected(Reason::Listed {
            index: 2,
            version: "1.3.1".into(),
            scheme: Some(Scheme::Pep440),
        })
    );
    assert_eq!(evaluate(&entry, "1.3.2"), Evaluation::NotAffected);
}

#[test]
fn semver_ranges_use_semver_on_any_ecosystem() {
    let entry = affected(
        r#"{"package": {"ecosystem": "PyPI", "name": "tool"},
            "ranges": [{"type": "SEMVER",
                        "events": [{"introduced": "1.0.0"}, {"fixed": "1.2.0"}]}]}"#,
    );

    assert_eq!(
        range_reason(&evaluate(&entry, "1.2.0-rc.1")).3,
        Scheme::SemVer
    );
    assert_eq!(evaluate(&entry, "1.2.0"), Evaluation::NotAffected);

    // A PEP 440 spelling SemVer cannot read is undecided, not "not affected".
    assert!(matches!(
        evaluate(&entry, "1.1.0.post1"),
        Evaluation::CannotOrder(CannotOrder::InvalidVersion {
            scheme: Scheme::SemVer,
            ..
        })
    ));
}

#[test]
fn unknown_ecosystem_cannot_order_but_text_matches_still_count() {
    let entry = affected(
        r#"{"package": {"ecosystem": "Zenith:9", "name": "x"},
            "versions": ["7.1"],
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}"#,
    );

    assert!(matches!(
        evaluate(&entry, "7.2"),
        Evaluation::CannotOrder(CannotOrder::UnknownEcosystem { .. })
    ));
    assert_eq!(
        evaluate(&entry, "7.1"),
        Evaluation::Affected(Reason::Listed {
            index: 0,
            version: "7.1".into(),
            scheme: None,
        })
    );
}

#[test]
fn undecidable_events_and_range_types_are_reported() {
    let bad_event = affected(
        r#"{"package": {"ecosystem": "Hackage", "name": "aeson"},
            "ranges": [{"type": "ECOSYSTEM",
                        "events": [{"introduced": "0"}, {"fixed": "2.0-beta"}]}]}"#,
    );
    assert!(matches!(
        evaluate(&bad_event, "1.5"),
        Evaluation::CannotOrder(CannotOrder::InvalidVersion {
            scheme: Scheme::Pvp,
            ..
        })
    ));

    let unknown_type = affected(
        r#"{"package": {"ecosystem": "npm", "name": "x"},
            "ranges": [{"type": "CALVER", "events": [{"introduced": "0"}]}]}"#,
    );
    assert!(matches!(
        evaluate(&unknown_type, "1.0.0"),
        Evaluation::CannotOrder(CannotOrder::UnknownRangeType { .. })
    ));
}

#[test]
fn git_ranges_are_kept_but_never_match_versions() {
    let entry = affected(
        r#"{"package": {"ecosystem": "npm", "name": "x"},
            "ranges": [{"type": "GIT", "repo": "https://example.com/x.git",
                        "events": [{"introduced": "0"}, {"fixed": "abc123"}]}]}"#,
    );
    assert_eq!(entry.ranges.len(), 1);
    assert_eq!(evaluate(&entry, "1.0.0"), Evaluation::NotAffected);
}

#[test]
fn parsed_versions_evaluate_alike() {
    let entry = affected(
        r#"{"package": {"ecosystem": "Maven", "name": "g:a"},
            "ranges": [{"type": "ECOSYSTEM",
                        "events": [{"introduced": "2.0-alpha-1"}, {"fixed": "2.0.1"}]}]}"#,
    );
    let prepared = PreparedAffected::new(&entry);
    for text in ["2.0-beta-1", "2.0", "2.0.1", "1.9", "2.0-SNAPSHOT"] {
        let parsed = Scheme::Maven
            .parse(text)
            .expect("Maven reads every version");
        let expected = evaluate(&entry, text);
        assert_eq!(evaluate_parsed(&entry, &parsed), expected, "{text}");
        assert_eq!(prepared.evaluate_parsed(&parsed), expected, "{text}");
        assert_eq!(prepared.evaluate(text), expected, "{text}");
    }
    assert!(evaluate(&entry, "2.0").is_affected());
    assert!(!evaluate(&entry, "2.0.1").is_affected());
}

#[test]
fn kept_parses_evaluate_alike_across_entries() {
    // A PyPI entry with a list and an ECOSYSTEM range, and a SEMVER range: one kept
    // version is read by PEP 440 and by SemVer, and each entry answers as on its own.
    let pypi = affected(
        r#"{"package": {"ecosystem": "PyPI", "name": "x"}, "versions": ["1.0"],
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"fixed": "2.5"}]}]}"#,
    );
    let semver = affected(
        r#"{"package": {"ecosystem": "PyPI", "name": "x"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "3.0.0"}]}]}"#,
    );
    let entries = [PreparedAffected::new(&pypi), PreparedAffected::new(&semver)];
    for text in ["1.0.0", "2.1", "2.5", "3.1.0", "not a version"] {
        let mut kept = Installed::new(text);
        for (prepared, entry) in entries.iter().zip([&pypi, &semver]) {
            assert_eq!(
                prepared.evaluate_kept(&mut kept),
                evaluate(entry, text),
                "{text}"
            );
        }
    }
    assert!(entries[0].evaluate("1.0.0").is_affected());
    assert!(entries[1].evaluate("3.1.0").is_affected());
}

fn record(withdrawn: bool) -> osv::Record {
    let withdrawn = if withdrawn {
        r#""withdrawn": "2024-02-01T00:00:00Z","#
    } else {
        ""
    };
    let json = format!(
        r#"{{"id": "MAL-2024-1", "modified": "2024-01-01T00:00:00Z", {withdrawn}
            "affected": [
              {{"package": {{"ecosystem": "npm", "name": "other"}}, "versions": ["1.0.0"]}},
              {{"package": {{"ecosystem": "PyPI", "name": "Evil_Pkg"}},
                "versions": ["1.0"]}}]}}"#
    );
    osv::parse(json.as_bytes()).expect("test record is valid OSV")
}

#[test]
fn record_level_evaluation_finds_the_package_and_skips_withdrawn_records() {
    let live = record(false);
    assert!(evaluate_record(&live, "PyPI", "evil-pkg", "1.0.0").is_affected());
    assert_eq!(
        evaluate_record(&live, "PyPI", "other", "1.0.0"),
        Evaluation::NotAffected
    );

    let withdrawn = record(true);
    assert_eq!(
        evaluate_record(&withdrawn, "PyPI", "evil-pkg", "1.0"),
        Evaluation::NotAffected
    );
}

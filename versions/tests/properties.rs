//! Property tests: every ordering is a total order on the versions it reads — reflexive,
//! antisymmetric and transitive — over random triples of generated versions.
//!
//! Each ordering gets two generators: one following its grammar (so most comparisons go
//! deep into the version), and one of short strings over the characters that matter to
//! it (so odd and invalid spellings are tried too).

use std::cmp::Ordering;

use proptest::prelude::*;
use proptest::test_runner::Config;
use versions::{Scheme, Version};

fn grammar(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Pep440 => {
            "v?([0-9]!)?[0-9]{1,2}(\\.[0-9]{1,2}){0,3}\
             ([-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]{0,2})?\
             ((-[0-9])|([-_.]?(post|rev|r)[-_.]?[0-9]{0,2}))?\
             ([-_.]?dev[0-9]{0,2})?(\\+[a-z0-9]{1,3}([-_.][a-z0-9]{1,3}){0,2})?"
        }
        Scheme::SemVer | Scheme::GoSemVer | Scheme::PubSemver => {
            "v?[0-9]{1,2}(\\.[0-9]{1,2}){0,3}(-(alpha|beta|rc|[0-9]|a-b|x)(\\.(alpha|[0-9]{1,2}|b)){0,2})?\
             (\\+(build|[0-9]|b2)(\\.[0-9a-z]{1,2}){0,1})?"
        }
        Scheme::NuGet => {
            "[0-9]{1,2}(\\.[0-9]{1,2}){0,3}(-(alpha|Beta|RC|[0-9]|a-b)(\\.(ALPHA|[0-9]{1,2}|b)){0,2})?\
             (\\+[0-9a-z]{1,3})?"
        }
        // Maven's ComparableVersion is not transitive on every string: a zero or a
        // qualifier after a dot meets the "number > list > string" rule, and proptest
        // finds `1` < `1.sp` < `1.0.alpha` < `1` and `1` < `1-sp` < `1-0-alpha` < `1`
        // (Maven itself gives these). The generator keeps to the usual shape — dotted
        // numbers, then hyphenated qualifiers or non-zero numbers — where it is total.
        Scheme::Maven => {
            "[0-9]{1,2}(\\.[0-9]{1,2}){0,3}(-(alpha|a1|beta|b2|rc|cr|snapshot|ga|final|sp|release|xyz|m3|[1-9][0-9]?)(-?[1-9])?){0,2}"
        }
        Scheme::RubyGems => "[0-9]{1,2}(\\.([0-9]{1,2}|a|b|pre|rc[0-9]?|beta)){0,4}(-[a-z0-9]{1,3})?",
        Scheme::Composer => {
            "v?[0-9]{1,2}([._+-]?([0-9]{1,2}|dev|alpha|a|beta|b|RC|rc|pl|p|patch|x)){0,4}"
        }
        Scheme::RPackage => "[0-9]{1,2}([.-][0-9]{1,2}){0,4}",
        Scheme::Pvp => "[0-9]{1,2}(\\.[0-9]{1,2}){0,4}",
        Scheme::Dpkg => "([0-9]:)?[0-9][0-9a-z.+~]{0,6}(-[0-9a-z.+~]{1,5})?",
        Scheme::Apk => {
            "[0-9]{1,2}(\\.[0-9]{1,2}){0,3}[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]?){0,2}\
             (~[0-9a-f]{1,3})?(-r[0-9]{1,2})?"
        }
        Scheme::Rpm => "([0-9]:)?[0-9a-z.~^_]{1,8}(-[0-9a-z.~^]{1,5})?",
    }
}

fn alphabet(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Pep440 => "[0-9a-z.!+_-]{1,8}",
        Scheme::SemVer | Scheme::GoSemVer | Scheme::PubSemver | Scheme::NuGet => {
            "[0-9a-zA-Z.+-]{1,8}"
        }
        Scheme::Maven => "[1-9][0-9]{0,2}(-[a-z1-9]{1,3}){0,2}",
        Scheme::RubyGems => "[0-9][0-9a-z.-]{0,7}",
        Scheme::Composer => "[0-9a-zA-Z.#_+-]{1,8}",
        Scheme::RPackage => "[0-9.-]{1,8}",
        Scheme::Pvp => "[0-9.]{1,8}",
        Scheme::Dpkg => "[0-9a-z.+~:-]{1,8}",
        Scheme::Apk => "[0-9a-z._~-]{1,8}",
        Scheme::Rpm => "[0-9a-zA-Z.~^:_-]{1,8}",
    }
}

fn versions(scheme: Scheme) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::string::string_regex(grammar(scheme)).expect("a valid grammar regex"),
        1 => proptest::string::string_regex(alphabet(scheme)).expect("a valid alphabet regex"),
    ]
}

fn cmp(a: &Version, b: &Version) -> Ordering {
    a.compare(b)
        .expect("versions of one ordering always compare")
}

/// Checks the order laws on one triple; versions the ordering refuses are skipped.
fn check_laws(scheme: Scheme, a: &str, b: &str, c: &str) -> Result<(), TestCaseError> {
    let (Ok(x), Ok(y), Ok(z)) = (scheme.parse(a), scheme.parse(b), scheme.parse(c)) else {
        return Ok(());
    };

    prop_assert_eq!(cmp(&x, &x), Ordering::Equal, "{} is not equal to itself", a);
    prop_assert_eq!(
        cmp(&x, &y),
        cmp(&y, &x).reverse(),
        "antisymmetry: {} vs {}",
        a,
        b
    );

    // Transitivity of <=, and of = (so equality is an equivalence).
    let (xy, yz, xz) = (cmp(&x, &y), cmp(&y, &z), cmp(&x, &z));
    if xy != Ordering::Greater && yz != Ordering::Greater {
        prop_assert_ne!(
            xz,
            Ordering::Greater,
            "transitivity: {} <= {} <= {}",
            a,
            b,
            c
        );
    }
    if xy != Ordering::Less && yz != Ordering::Less {
        prop_assert_ne!(xz, Ordering::Less, "transitivity: {} >= {} >= {}", a, b, c);
    }
    if xy == Ordering::Equal && yz == Ordering::Equal {
        prop_assert_eq!(xz, Ordering::Equal, "transitivity: {} = {} = {}", a, b, c);
    }
    Ok(())
}

macro_rules! order_laws {
    ($($name:ident => $scheme:expr),* $(,)?) => {$(
        proptest! {
            #![proptest_config(Config::with_cases(3000))]

            #[test]
            fn $name(
                a in versions($scheme),
                b in versions($scheme),
                c in versions($scheme),
            ) {
                check_laws($scheme, &a, &b, &c)?;
            }
        }
    )*};
}

order_laws! {
    pep440_is_a_total_order => Scheme::Pep440,
    semver_is_a_total_order => Scheme::SemVer,
    go_semver_is_a_total_order => Scheme::GoSemVer,
    maven_is_a_total_order => Scheme::Maven,
    nuget_is_a_total_order => Scheme::NuGet,
    rubygems_is_a_total_order => Scheme::RubyGems,
    composer_is_a_total_order => Scheme::Composer,
    pub_semver_is_a_total_order => Scheme::PubSemver,
    r_package_version_is_a_total_order => Scheme::RPackage,
    pvp_is_a_total_order => Scheme::Pvp,
    dpkg_is_a_total_order => Scheme::Dpkg,
    apk_is_a_total_order => Scheme::Apk,
    rpm_is_a_total_order => Scheme::Rpm,
}

/// Transitivity is hard to hit with independent random triples, since most triples are
/// far apart; sorting a random list and checking every pair in order is a denser test.
fn check_sorted(scheme: Scheme, list: &[String]) -> Result<(), TestCaseError> {
    let mut parsed: Vec<Version> = list.iter().filter_map(|v| scheme.parse(v).ok()).collect();
    parsed.sort_by(cmp);
    for i in 0..parsed.len() {
        for j in i + 1..parsed.len() {
            prop_assert_ne!(
                cmp(&parsed[i], &parsed[j]),
                Ordering::Greater,
                "sorted list out of order: {} before {}",
                parsed[i].as_str(),
                parsed[j].as_str()
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config::with_cases(300))]

    #[test]
    fn sorting_gives_a_consistent_order(
        scheme_index in 0..Scheme::ALL.len(),
        lists in proptest::collection::vec(
            (versions(Scheme::Pep440), versions(Scheme::SemVer), versions(Scheme::Maven),
             versions(Scheme::NuGet), versions(Scheme::RubyGems), versions(Scheme::Composer),
             versions(Scheme::RPackage), versions(Scheme::Pvp), versions(Scheme::Dpkg),
             versions(Scheme::Apk), versions(Scheme::Rpm)),
            2..24,
        ),
    ) {
        let scheme = Scheme::ALL[scheme_index];
        let list: Vec<String> = lists
            .into_iter()
            .map(|(p, s, m, n, r, c, rp, pvp, d, a, rpm)| match scheme {
                Scheme::Pep440 => p,
                Scheme::SemVer | Scheme::GoSemVer | Scheme::PubSemver => s,
                Scheme::Maven => m,
                Scheme::NuGet => n,
                Scheme::RubyGems => r,
                Scheme::Composer => c,
                Scheme::RPackage => rp,
                Scheme::Pvp => pvp,
                Scheme::Dpkg => d,
                Scheme::Apk => a,
                Scheme::Rpm => rpm,
            })
            .collect();
        check_sorted(scheme, &list)?;
    }
}

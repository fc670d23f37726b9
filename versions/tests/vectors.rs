//! Every line of the shared comparison vectors (`shared/data/versions/`, collected by the
//! OSV project from each ecosystem's own implementation), checked both ways.

use std::cmp::Ordering;

use versions::Scheme;

/// The vector files and the ordering each one tests.
const FILES: &[(&str, Scheme)] = &[
    ("alpine-versions-generated.txt", Scheme::Apk),
    ("alpine-versions.txt", Scheme::Apk),
    ("cran-versions-generated.txt", Scheme::RPackage),
    ("cran-versions.txt", Scheme::RPackage),
    ("debian-versions-generated.txt", Scheme::Dpkg),
    ("debian-versions.txt", Scheme::Dpkg),
    ("hackage-versions.txt", Scheme::Pvp),
    ("maven-versions-generated.txt", Scheme::Maven),
    ("maven-versions.txt", Scheme::Maven),
    ("nuget-versions.txt", Scheme::NuGet),
    ("packagist-versions-generated.txt", Scheme::Composer),
    ("packagist-versions.txt", Scheme::Composer),
    ("pub-versions.txt", Scheme::PubSemver),
    ("pypi-versions-generated.txt", Scheme::Pep440),
    ("pypi-versions.txt", Scheme::Pep440),
    ("redhat-versions.txt", Scheme::Rpm),
    ("rubygems-versions-generated.txt", Scheme::RubyGems),
    ("rubygems-versions.txt", Scheme::RubyGems),
    ("semver-versions.txt", Scheme::SemVer),
];

/// Lines we believe wrong, with the reason; they are checked to still fail, so a fix
/// upstream or here shows up; each entry gives its reasoning.
const DISPUTED: &[(&str, &str, &str)] = &[
    // apk-tools: the file mixes apk-tools 2 readings (an empty number, as in `1-r`,
    // `0..8` or `.2`, is a zero: lines 2, 16-22, 43, 64-66) with apk-tools 3 readings (an
    // empty number makes the version invalid). No one rule gives both; we read empty
    // numbers as zeros, which holds all but these four lines.
    (
        "alpine-versions.txt",
        "0.r1 < 0r2",
        "apk-tools 3 reading: `.` then no number is invalid; as a zero, 0.0r1 > 0r2",
    ),
    (
        "alpine-versions.txt",
        "0.8.21.r2 < 0.8.21r2",
        "apk-tools 3 reading, as above: 0.8.21.0r2 > 0.8.21r2",
    ),
    (
        "alpine-versions.txt",
        "1 > 1-ruff",
        "the file itself says apk-tools 2 gives `<`: `-r` then no number is release 0",
    ),
    (
        "alpine-versions.txt",
        "1-ruff2 = 1--ruff1",
        "the file says apk-tools 3 gives `<` and apk-tools 2 `>`; neither gives `=`",
    ),
    // Maven: maven-artifact 3.8.6, which produced the 14,752 generated lines (all hold),
    // drops the null `ga` of `1-ga-1` but keeps the list it opened, so `1-ga-1` is
    // `1-[[1]]` and sorts below `1-1`; the line follows a later Maven.
    (
        "maven-versions.txt",
        "1-1 = 1-ga-1",
        "maven-artifact 3.8.6 gives `>`",
    ),
    // PHP: `#` is not alphanumeric, so php_canonicalize_version turns `1.2.3.#` into
    // `1.2.3.`, which version_compare orders below `1.2.3.1` (and even below `1.2.3`).
    (
        "packagist-versions.txt",
        "1.2.3.# = 1.2.3.1",
        "php-src version_compare gives `<`",
    ),
];

fn op(text: &str) -> Option<Ordering> {
    match text {
        "<" => Some(Ordering::Less),
        "=" => Some(Ordering::Equal),
        ">" => Some(Ordering::Greater),
        _ => None,
    }
}

fn sign(ordering: Ordering) -> &'static str {
    match ordering {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

#[test]
fn every_vector_line_holds_both_ways() {
    let Some(dir) = testkit::shared_path("version vectors", "data/versions") else {
        return;
    };

    let mut failures = Vec::new();
    let mut checked = 0;
    for &(file, scheme) in FILES {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));

        for (number, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with("# ") || line.starts_with("// ") {
                continue;
            }
            if line.starts_with('#') || line.starts_with("//") {
                continue;
            }
            let fields: Vec<&str> = line.split(' ').collect();
            let [a, o, b] = fields[..] else {
                failures.push(format!(
                    "{file}:{}: expected `A OP B`, but found {line:?}",
                    number + 1
                ));
                continue;
            };
            let Some(expected) = op(o) else {
                failures.push(format!(
                    "{file}:{}: unknown operator in {line:?}",
                    number + 1
                ));
                continue;
            };
            let disputed = DISPUTED.iter().any(|(f, l, _)| *f == file && *l == line);

            checked += 1;
            let forward = scheme.compare(a, b);
            let backward = scheme.compare(b, a);
            let holds = forward == Ok(expected) && backward == Ok(expected.reverse());
            match (holds, disputed) {
                (true, false) | (false, true) => {}
                (true, true) => failures.push(format!(
                    "{file}:{}: disputed line now holds, remove it from DISPUTED: {line}",
                    number + 1
                )),
                (false, false) => failures.push(format!(
                    "{file}:{}: {line}: got {} / reversed {}",
                    number + 1,
                    forward
                        .map(sign)
                        .unwrap_or_else(|e| Box::leak(e.to_string().into_boxed_str())),
                    backward
                        .map(sign)
                        .unwrap_or_else(|e| Box::leak(e.to_string().into_boxed_str())),
                )),
            }
        }
    }

    assert!(
        checked > 70_000,
        "expected over 70,000 vector lines, but found {checked}"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} vector lines failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(100000)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

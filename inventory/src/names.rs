//! Package names as advisories are matched (per ecosystem) and package URLs.
//!
//! Normalization follows what each registry treats as the same name: PEP 503 for PyPI
//! (<https://peps.python.org/pep-0503/#normalized-names>), `-` and `_` alike and case
//! folded for crates.io, case folded for NuGet and Packagist, exact elsewhere. Package URLs
//! follow <https://github.com/package-url/purl-spec> (PURL-TYPES.rst for each type).

use crate::Ecosystem;

/// The name under which advisories for `name` are indexed in `ecosystem`.
pub fn normalize_name(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::PyPI => pep503(name),
        Ecosystem::CratesIo => name.to_ascii_lowercase().replace('_', "-"),
        Ecosystem::NuGet | Ecosystem::Packagist => name.to_ascii_lowercase(),
        Ecosystem::Npm
        | Ecosystem::Go
        | Ecosystem::RubyGems
        | Ecosystem::Maven
        | Ecosystem::Pub
        | Ecosystem::Hex => name.to_string(),
    }
}

/// PEP 503: lowercase, and every run of `-`, `_` and `.` becomes one `-`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// The package URL of a package: `pkg:<type>/<namespace>/<name>@<version>`.
pub fn purl(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> String {
    let (ty, namespace, name): (&str, Option<String>, String) = match ecosystem {
        Ecosystem::PyPI => ("pypi", None, pep503(name)),
        Ecosystem::Npm => match name.strip_prefix('@').and_then(|s| s.split_once('/')) {
            Some((scope, rest)) => (
                "npm",
                Some(format!("@{}", scope.to_lowercase())),
                rest.to_lowercase(),
            ),
            None => ("npm", None, name.to_lowercase()),
        },
        Ecosystem::CratesIo => ("cargo", None, name.to_string()),
        Ecosystem::Go => match name.rsplit_once('/') {
            Some((ns, last)) => ("golang", Some(ns.to_lowercase()), last.to_lowercase()),
            None => ("golang", None, name.to_lowercase()),
        },
        Ecosystem::RubyGems => ("gem", None, name.to_string()),
        Ecosystem::Packagist => match name.split_once('/') {
            Some((vendor, rest)) => ("composer", Some(vendor.to_lowercase()), rest.to_lowercase()),
            None => ("composer", None, name.to_lowercase()),
        },
        Ecosystem::NuGet => ("nuget", None, name.to_string()),
        Ecosystem::Maven => match name.split_once(':') {
            Some((group, artifact)) => ("maven", Some(group.to_string()), artifact.to_string()),
            None => ("maven", None, name.to_string()),
        },
        Ecosystem::Pub => ("pub", None, name.to_lowercase()),
        Ecosystem::Hex => ("hex", None, name.to_lowercase()),
    };

    let mut out = format!("pkg:{ty}/");
    if let Some(namespace) = namespace {
        // Each namespace segment is encoded on its own; the `/` between them stays.
        for segment in namespace.split('/').filter(|s| !s.is_empty()) {
            encode(segment, &mut out);
            out.push('/');
        }
    }
    encode(&name, &mut out);
    if let Some(version) = version {
        out.push('@');
        // Go module versions carry their `v` in purls (pkg:golang/...@v1.2.3).
        if ecosystem == Ecosystem::Go && version.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('v');
        }
        encode(version, &mut out);
    }
    out
}

/// Percent-encodes everything but the purl spec's unreserved characters.
fn encode(segment: &str, out: &mut String) {
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_folds_runs_and_case() {
        assert_eq!(
            normalize_name(Ecosystem::PyPI, "Foo.Bar__baz-"),
            "foo-bar-baz-"
        );
        assert_eq!(
            normalize_name(Ecosystem::PyPI, "starlette_healthcheck"),
            "starlette-healthcheck"
        );
    }

    #[test]
    fn crates_fold_underscore() {
        assert_eq!(
            normalize_name(Ecosystem::CratesIo, "Serde_JSON"),
            "serde-json"
        );
    }

    #[test]
    fn purls_per_type() {
        assert_eq!(
            purl(Ecosystem::Npm, "@Babel/core", Some("7.0.0")),
            "pkg:npm/%40babel/core@7.0.0"
        );
        assert_eq!(
            purl(Ecosystem::Go, "github.com/foo/bar", Some("1.2.3")),
            "pkg:golang/github.com/foo/bar@v1.2.3"
        );
        assert_eq!(
            purl(Ecosystem::Maven, "org.apache:commons-lang3", Some("3.1")),
            "pkg:maven/org.apache/commons-lang3@3.1"
        );
        assert_eq!(
            purl(Ecosystem::PyPI, "Starlette_Healthcheck", Some("1.3.1")),
            "pkg:pypi/starlette-healthcheck@1.3.1"
        );
        assert_eq!(
            purl(Ecosystem::CratesIo, "a", Some("1.0.0+build")),
            "pkg:cargo/a@1.0.0%2Bbuild"
        );
        assert_eq!(purl(Ecosystem::RubyGems, "rake", None), "pkg:gem/rake");
    }
}

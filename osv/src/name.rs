//! Package-name normalization, by ecosystem.
//!
//! The index that answers "which advisories name this package?" keys on a normalized
//! name, so that the spelling an installer wrote and the one an advisory wrote meet.

/// Normalizes a package name under its ecosystem's rules.
///
/// - PyPI: PEP 503 — lowercase, runs of `-`, `_` and `.` become one `-`.
/// - crates.io: case-insensitive, with `-` and `_` alike (Cargo treats them as one name).
/// - NuGet, Packagist, Pub, Hex: case-insensitive.
/// - Maven: `group:artifact`, as written (Maven coordinates are case-sensitive).
/// - npm, Go, RubyGems and everything else: exact.
///
/// `ecosystem` is the base name (`PyPI`, not `PyPI:extra`); a suffixed name is accepted.
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    match base {
        "PyPI" => pep503(name),
        "crates.io" => name.to_ascii_lowercase().replace('_', "-"),
        "NuGet" | "Packagist" | "Pub" | "Hex" => name.to_lowercase(),
        _ => name.to_owned(),
    }
}

/// PEP 503: `re.sub(r"[-_.]+", "-", name).lower()`.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator {
                out.push('-');
            }
            in_separator = true;
        } else {
            out.extend(c.to_lowercase());
            in_separator = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize_name;

    #[test]
    fn pypi_follows_pep_503() {
        assert_eq!(
            normalize_name("PyPI", "Starlette_HealthCheck"),
            "starlette-healthcheck"
        );
        assert_eq!(normalize_name("PyPI", "zope.interface"), "zope-interface");
        assert_eq!(normalize_name("PyPI", "a-_.b"), "a-b");
    }

    #[test]
    fn crates_io_treats_dash_and_underscore_alike() {
        assert_eq!(normalize_name("crates.io", "Serde_JSON"), "serde-json");
    }

    #[test]
    fn npm_go_rubygems_are_exact() {
        assert_eq!(normalize_name("npm", "@Scope/Pkg"), "@Scope/Pkg");
        assert_eq!(normalize_name("Go", "github.com/A/b"), "github.com/A/b");
        assert_eq!(normalize_name("RubyGems", "Rails_X"), "Rails_X");
        assert_eq!(
            normalize_name("NuGet", "Newtonsoft.Json"),
            "newtonsoft.json"
        );
    }
}

//! Ecosystem names with their optional suffix.
//!
//! OSV writes an ecosystem as `BASE` or `BASE:SUFFIX`, where the suffix names a release
//! (`Debian:12`, `Ubuntu:22.04:LTS`, `Alpine:v3.20`). The schema keeps a list of known
//! bases, but new ones appear often, so an unknown base is kept as it is written.

use std::fmt;

/// An OSV ecosystem name split into its base and suffix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ecosystem {
    base: String,
    suffix: Option<String>,
}

impl Ecosystem {
    /// Splits a name at its first `:`; everything after it is the suffix, so
    /// `Ubuntu:22.04:LTS` has the base `Ubuntu` and the suffix `22.04:LTS`.
    pub fn parse(name: &str) -> Self {
        match name.split_once(':') {
            Some((base, suffix)) if !suffix.is_empty() => Self {
                base: base.to_owned(),
                suffix: Some(suffix.to_owned()),
            },
            Some((base, _)) => Self {
                base: base.to_owned(),
                suffix: None,
            },
            None => Self {
                base: name.to_owned(),
                suffix: None,
            },
        }
    }

    /// The base name, such as `PyPI` or `Debian`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The suffix, such as `12` for `Debian:12`.
    pub fn suffix(&self) -> Option<&str> {
        self.suffix.as_deref()
    }

    /// Whether the base is one the OSV schema lists.
    pub fn is_known(&self) -> bool {
        KNOWN_BASES.contains(&self.base.as_str())
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.suffix {
            Some(suffix) => write!(f, "{}:{suffix}", self.base),
            None => f.write_str(&self.base),
        }
    }
}

/// The ecosystem bases of the OSV schema 1.7.5 (`ecosystems.json`).
const KNOWN_BASES: &[&str] = &[
    "AlmaLinux",
    "Alpaquita",
    "Alpine",
    "Android",
    "Azure Linux",
    "BellSoft Hardened Containers",
    "Bioconductor",
    "Bitnami",
    "Chainguard",
    "ConanCenter",
    "CRAN",
    "crates.io",
    "Debian",
    "Echo",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Julia",
    "Kubernetes",
    "Linux",
    "Mageia",
    "Maven",
    "MinimOS",
    "npm",
    "NuGet",
    "opam",
    "openEuler",
    "openSUSE",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "Ubuntu",
    "VSCode",
    "Wolfi",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_base_and_suffix() {
        let debian = Ecosystem::parse("Debian:12");
        assert_eq!((debian.base(), debian.suffix()), ("Debian", Some("12")));

        let ubuntu = Ecosystem::parse("Ubuntu:22.04:LTS");
        assert_eq!(
            (ubuntu.base(), ubuntu.suffix()),
            ("Ubuntu", Some("22.04:LTS"))
        );
        assert_eq!(ubuntu.to_string(), "Ubuntu:22.04:LTS");

        let alpine = Ecosystem::parse("Alpine:v3.20");
        assert_eq!(alpine.suffix(), Some("v3.20"));

        let pypi = Ecosystem::parse("PyPI");
        assert_eq!((pypi.base(), pypi.suffix()), ("PyPI", None));
        assert!(pypi.is_known());
    }

    #[test]
    fn keeps_unknown_ecosystems() {
        let eco = Ecosystem::parse("Brand New:1");
        assert_eq!(eco.base(), "Brand New");
        assert!(!eco.is_known());
        assert_eq!(eco.to_string(), "Brand New:1");
    }
}

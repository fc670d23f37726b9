//! The version orderings, and which one each OSV ecosystem uses.

use std::fmt;

use crate::error::CannotOrder;
use crate::version::{Parsed, Version};

/// A version ordering: how one ecosystem's versions are parsed and compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// PEP 440, as `packaging` orders it (PyPI).
    Pep440,
    /// SemVer 2.0 precedence (npm, crates.io, Hex, SwiftURL, Bitnami, Julia, ConanCenter,
    /// VSCode, and `SEMVER` ranges).
    SemVer,
    /// SemVer with Go's `v` prefix and `+incompatible` (Go).
    GoSemVer,
    /// Maven `ComparableVersion` (Maven).
    Maven,
    /// NuGet `NuGetVersion` (NuGet).
    NuGet,
    /// RubyGems `Gem::Version` (RubyGems).
    RubyGems,
    /// PHP `version_compare` after Composer's normalization (Packagist).
    Composer,
    /// Dart `pub_semver` (Pub).
    PubSemver,
    /// R `package_version` (CRAN, Bioconductor).
    RPackage,
    /// Haskell PVP (Hackage, GHC).
    Pvp,
    /// dpkg (Debian, Ubuntu, opam).
    Dpkg,
    /// apk-tools (Alpine, Wolfi, Chainguard, MinimOS, Alpaquita).
    Apk,
    /// rpmvercmp (Red Hat, AlmaLinux, Rocky Linux, openSUSE, SUSE, Mageia, openEuler,
    /// Azure Linux, Photon OS).
    Rpm,
}

/// Ecosystem base names (before the first `:`) and their orderings. OSV names are
/// case-sensitive; [`Scheme::for_ecosystem`] also accepts other cases for people typing
/// them.
const ECOSYSTEMS: &[(&str, Scheme)] = &[
    ("PyPI", Scheme::Pep440),
    ("npm", Scheme::SemVer),
    ("crates.io", Scheme::SemVer),
    ("Hex", Scheme::SemVer),
    ("SwiftURL", Scheme::SemVer),
    ("Bitnami", Scheme::SemVer),
    ("Julia", Scheme::SemVer),
    ("ConanCenter", Scheme::SemVer),
    // The Marketplace requires a SemVer `version` in an extension's manifest.
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
    ("Ubuntu", Scheme::Dpkg),
    ("opam", Scheme::Dpkg),
    ("Alpine", Scheme::Apk),
    ("Wolfi", Scheme::Apk),
    ("Chainguard", Scheme::Apk),
    ("MinimOS", Scheme::Apk),
    ("Alpaquita", Scheme::Apk),
    ("Red Hat", Scheme::Rpm),
    ("AlmaLinux", Scheme::Rpm),
    ("Rocky Linux", Scheme::Rpm),
    ("openSUSE", Scheme::Rpm),
    ("SUSE", Scheme::Rpm),
    ("Mageia", Scheme::Rpm),
    ("openEuler", Scheme::Rpm),
    ("Azure Linux", Scheme::Rpm),
    ("Photon OS", Scheme::Rpm),
];

impl Scheme {
    /// Every ordering, for tests and listings.
    pub const ALL: [Scheme; 13] = [
        Scheme::Pep440,
        Scheme::SemVer,
        Scheme::GoSemVer,
        Scheme::Maven,
        Scheme::NuGet,
        Scheme::RubyGems,
        Scheme::Composer,
        Scheme::PubSemver,
        Scheme::RPackage,
        Scheme::Pvp,
        Scheme::Dpkg,
        Scheme::Apk,
        Scheme::Rpm,
    ];

    /// The ordering of an OSV ecosystem name; a suffix after the first `:` is ignored
    /// (`Debian:12`, `Ubuntu:22.04:LTS`, `Alpine:v3.20`).
    ///
    /// # Errors
    ///
    /// [`CannotOrder::UnknownEcosystem`] for an ecosystem without a known ordering
    /// (`GIT`, `Android`, `Linux`, `OSS-Fuzz`, or a name this crate has never seen).
    pub fn for_ecosystem(ecosystem: &str) -> Result<Scheme, CannotOrder> {
        let base = ecosystem.split(':').next().unwrap_or_default().trim();
        ECOSYSTEMS
            .iter()
            .find(|(name, _)| *name == base)
            .or_else(|| {
                ECOSYSTEMS
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(base))
            })
            .map(|&(_, scheme)| scheme)
            .ok_or_else(|| CannotOrder::UnknownEcosystem {
                ecosystem: ecosystem.to_string(),
            })
    }

    /// The stable kebab-case name of the ordering, used in match explanations.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Pep440 => "pep440",
            Scheme::SemVer => "semver",
            Scheme::GoSemVer => "go-semver",
            Scheme::Maven => "maven",
            Scheme::NuGet => "nuget",
            Scheme::RubyGems => "rubygems",
            Scheme::Composer => "composer",
            Scheme::PubSemver => "pub-semver",
            Scheme::RPackage => "r-package-version",
            Scheme::Pvp => "pvp",
            Scheme::Dpkg => "dpkg",
            Scheme::Apk => "apk",
            Scheme::Rpm => "rpm",
        }
    }

    /// Parses `text` as a version of this ordering, once, for many comparisons.
    ///
    /// # Errors
    ///
    /// [`CannotOrder::InvalidVersion`] when the ordering cannot read `text`.
    pub fn parse(self, text: &str) -> Result<Version, CannotOrder> {
        use crate::schemes::*;

        let parsed = match self {
            Scheme::Pep440 => pep440::Pep440Version::parse(text).map(Parsed::Pep440),
            Scheme::SemVer | Scheme::GoSemVer => semver::SemVer::parse(text).map(Parsed::SemVer),
            Scheme::Maven => maven::MavenVersion::parse(text).map(Parsed::Maven),
            Scheme::NuGet => nuget::NuGetVersion::parse(text).map(Parsed::NuGet),
            Scheme::RubyGems => rubygems::GemVersion::parse(text).map(Parsed::RubyGems),
            Scheme::Composer => composer::ComposerVersion::parse(text).map(Parsed::Composer),
            Scheme::PubSemver => pub_semver::PubVersion::parse(text).map(Parsed::Pub),
            Scheme::RPackage => rpackage::RVersion::parse(text).map(Parsed::RPackage),
            Scheme::Pvp => pvp::PvpVersion::parse(text).map(Parsed::Pvp),
            Scheme::Dpkg => dpkg::DpkgVersion::parse(text).map(Parsed::Dpkg),
            Scheme::Apk => apk::ApkVersion::parse(text).map(Parsed::Apk),
            Scheme::Rpm => rpm::RpmVersion::parse(text).map(Parsed::Rpm),
        };

        match parsed {
            Ok(parsed) => Ok(Version::new(self, text, parsed)),
            Err(invalid) => Err(CannotOrder::InvalidVersion {
                scheme: self,
                version: text.to_string(),
                expected: invalid.0,
            }),
        }
    }

    /// Parses and compares two versions of this ordering.
    ///
    /// # Errors
    ///
    /// [`CannotOrder::InvalidVersion`] when either version cannot be read.
    pub fn compare(self, a: &str, b: &str) -> Result<std::cmp::Ordering, CannotOrder> {
        let a = self.parse(a)?;
        let b = self.parse(b)?;
        a.compare(&b)
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

//! A parsed version of any ordering: parse once, compare many times.

use std::cmp::Ordering;
use std::fmt;

use crate::error::CannotOrder;
use crate::schemes::*;
use crate::Scheme;

/// A version parsed by one ordering. Versions of the same ordering compare with
/// [`Version::compare`] (or `PartialOrd`); versions of different orderings do not compare.
#[derive(Clone, Debug)]
pub struct Version {
    scheme: Scheme,
    text: Box<str>,
    parsed: Parsed,
}

/// The per-ordering parsed forms.
#[derive(Clone, Debug)]
pub(crate) enum Parsed {
    Pep440(pep440::Pep440Version),
    SemVer(semver::SemVer),
    Maven(maven::MavenVersion),
    NuGet(nuget::NuGetVersion),
    RubyGems(rubygems::GemVersion),
    Composer(composer::ComposerVersion),
    Pub(pub_semver::PubVersion),
    RPackage(rpackage::RVersion),
    Pvp(pvp::PvpVersion),
    Dpkg(dpkg::DpkgVersion),
    Apk(apk::ApkVersion),
    Rpm(rpm::RpmVersion),
}

impl Version {
    pub(crate) fn new(scheme: Scheme, text: &str, parsed: Parsed) -> Self {
        Version {
            scheme,
            text: text.into(),
            parsed,
        }
    }

    /// The ordering that parsed this version.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The version as it was given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Compares with another version of the same ordering.
    ///
    /// # Errors
    ///
    /// [`CannotOrder::MixedSchemes`] when `other` was parsed by another ordering.
    pub fn compare(&self, other: &Version) -> Result<Ordering, CannotOrder> {
        use Parsed as P;

        Ok(match (&self.parsed, &other.parsed) {
            (P::Pep440(a), P::Pep440(b)) => a.cmp(b),
            (P::SemVer(a), P::SemVer(b)) => a.cmp(b),
            (P::Maven(a), P::Maven(b)) => a.cmp(b),
            (P::NuGet(a), P::NuGet(b)) => a.cmp(b),
            (P::RubyGems(a), P::RubyGems(b)) => a.cmp(b),
            (P::Composer(a), P::Composer(b)) => a.cmp(b),
            (P::Pub(a), P::Pub(b)) => a.cmp(b),
            (P::RPackage(a), P::RPackage(b)) => a.cmp(b),
            (P::Pvp(a), P::Pvp(b)) => a.cmp(b),
            (P::Dpkg(a), P::Dpkg(b)) => a.cmp(b),
            (P::Apk(a), P::Apk(b)) => a.cmp(b),
            (P::Rpm(a), P::Rpm(b)) => a.cmp(b),
            _ => {
                return Err(CannotOrder::MixedSchemes {
                    left: self.scheme,
                    right: other.scheme,
                })
            }
        })
    }
}

impl PartialEq for Version {
    /// Equal under the ordering (PyPI `1.0` equals `1.0.0`), not as text.
    fn eq(&self, other: &Self) -> bool {
        self.compare(other) == Ok(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    /// `None` for versions of different orderings.
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.compare(other).ok()
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

//! Dart `pub_semver` ordering: SemVer precedence, then — unlike SemVer — build metadata:
//! a version without build sorts before one with, and build identifiers compare like
//! pre-release identifiers (`Version.compareTo` in pub_semver).

use std::cmp::Ordering;

use crate::error::Invalid;
use crate::schemes::semver::SemVer;

/// A parsed Pub version.
#[derive(Clone, Debug)]
pub struct PubVersion(SemVer);

impl PubVersion {
    /// Parses a Pub version (SemVer syntax, an optional leading `v`).
    pub(crate) fn parse(text: &str) -> Result<Self, Invalid> {
        SemVer::parse(text).map(PubVersion)
    }
}

impl Ord for PubVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        a.cmp(b)
            .then_with(|| match (a.build.is_empty(), b.build.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => a.build.cmp(&b.build),
            })
    }
}

impl PartialOrd for PubVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PubVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PubVersion {}

//! The one error of this crate: a version, or a pair of versions, that cannot be ordered.

use crate::Scheme;

/// Why two versions cannot be ordered. The matcher reports a package whose comparison
/// ends here as an unconfirmed match; it is never read as "not affected".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CannotOrder {
    /// The ecosystem has no version ordering this crate knows.
    #[error("no known version ordering for ecosystem {ecosystem:?}")]
    UnknownEcosystem {
        /// The ecosystem name as given.
        ecosystem: String,
    },

    /// The version is not one the ordering can parse.
    #[error("{scheme} ordering: expected {expected}, but found {version:?}")]
    InvalidVersion {
        /// The ordering that was asked.
        scheme: Scheme,
        /// The version as given.
        version: String,
        /// What the ordering expected instead.
        expected: String,
    },

    /// An OSV range of a type the schema does not define.
    #[error("expected a range of type SEMVER, ECOSYSTEM or GIT, but found {kind:?}")]
    UnknownRangeType {
        /// The type as the record writes it.
        kind: String,
    },

    /// Two already-parsed versions belong to different orderings.
    #[error("cannot compare a {left} version with a {right} version")]
    MixedSchemes {
        /// The ordering of the left-hand version.
        left: Scheme,
        /// The ordering of the right-hand version.
        right: Scheme,
    },
}

/// A parse failure inside one ordering: what was expected, in words. [`crate::Scheme::parse`]
/// turns it into [`CannotOrder::InvalidVersion`] with the ordering and the version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid(pub(crate) String);

impl Invalid {
    pub(crate) fn new(expected: impl Into<String>) -> Self {
        Invalid(expected.into())
    }
}

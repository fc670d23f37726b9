//! The inspector's error type: an input that cannot be inspected at all. Problems inside an
//! input (a refused archive entry, an unreadable file) are not errors of the run; they are
//! collected as [`crate::InputError`]s and the rest of the package is still inspected.

use std::path::PathBuf;

/// Why an input could not be inspected.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// The path could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The path is neither a directory nor an archive format the inspector reads.
    #[error("expected a directory, a wheel, a .zip, a .tar.gz/.tgz or a .tar, but found {path}")]
    UnknownInput {
        /// The path.
        path: PathBuf,
    },
    /// The archive is damaged or not what its name says.
    #[error("cannot read archive {path}: expected {expected}, but found {found}")]
    Archive {
        /// The archive.
        path: PathBuf,
        /// The format expected.
        expected: &'static str,
        /// What was found instead.
        found: String,
    },
    /// The archive exceeds a limit as a whole (too many entries, too large in total).
    #[error("refused archive {path}: {reason}")]
    Limit {
        /// The archive.
        path: PathBuf,
        /// Which limit, with the figures.
        reason: String,
    },
}

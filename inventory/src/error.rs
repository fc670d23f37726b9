//! The crate's error type: what makes a scan impossible (as opposed to [`crate::ScanError`],
//! one file that could not be read, which only makes it incomplete).

use std::io;
use std::path::PathBuf;

/// A failure of the whole operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A root to scan is missing or unreadable.
    #[error("root {}: expected an existing directory or file, but {source}", path.display())]
    Root {
        /// The root as given.
        path: PathBuf,
        /// Why it could not be used.
        #[source]
        source: io::Error,
    },

    /// An `--exclude` glob is not valid gitignore syntax.
    #[error("exclude glob {glob:?}: expected a gitignore-style glob, but {reason}")]
    Exclude {
        /// The glob as given.
        glob: String,
        /// The parser's complaint.
        reason: String,
    },

    /// A file read on demand (a `RECORD`, a file to hash) could not be read.
    #[error("reading {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

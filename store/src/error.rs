//! The store's error type.

use std::path::{Path, PathBuf};

/// What went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// There is no database yet.
    #[error("no advisory database at {0} yet: run `radar sync`")]
    NoDatabase(PathBuf),
    /// SQLite failed.
    #[error("database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A file-system operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// SQLite's integrity check found problems.
    #[error("integrity check failed: {0}")]
    Integrity(String),
    /// A stored value could not be read back.
    #[error("stored advisory {id} is unreadable: {reason}")]
    Corrupt {
        /// The advisory.
        id: String,
        /// Why.
        reason: String,
    },
}

impl StoreError {
    pub(crate) fn sqlite(path: &Path, source: rusqlite::Error) -> Self {
        Self::Sqlite {
            path: path.to_path_buf(),
            source,
        }
    }
}

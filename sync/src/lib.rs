//! Sources to store: the OSV exports and local record collections.
//!
//! A source is one of
//! - an OSV export, over HTTP(S) or as a local mirror: `ecosystems.txt`, then for each
//!   ecosystem `<eco>/all.zip` the first time and `<eco>/modified_id.csv` afterwards,
//!   fetching only the records changed since the stored cursor (`<eco>/<id>.json`);
//! - any directory tree of `*.json` records (a checkout of ossf/malicious-packages, say);
//! - a `.zip` of records, or one `.json` record.
//!
//! Records are parsed in parallel and written in batches, one transaction each, so a kill
//! at any moment leaves every record wholly old or wholly new, and an export's cursor only
//! moves in the transaction that stores its last batch.

mod blob;
mod export;
mod fetch;
mod ingest;
mod local;

use std::path::PathBuf;

pub use export::ExportOptions;
pub use fetch::HttpClient;
pub use ingest::{Progress, Quiet, Rejected};
use serde::Serialize;
use store::{Store, Tally};

/// The public OSV export.
pub const DEFAULT_EXPORT: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// Where records come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An OSV export served over HTTP(S), by its base URL.
    ExportUrl(String),
    /// A local mirror of an export (a directory holding `ecosystems.txt`).
    ExportDir(PathBuf),
    /// A directory tree of record files.
    Tree(PathBuf),
    /// A zip archive of record files.
    Zip(PathBuf),
    /// One record file.
    File(PathBuf),
}

impl Source {
    /// Reads a command-line source: a URL, or a path whose kind is decided by what is there.
    ///
    /// # Errors
    ///
    /// [`SyncError::Source`] for a path that does not exist or is of no known kind.
    pub fn parse(text: &str) -> Result<Self, SyncError> {
        if text.starts_with("http://") || text.starts_with("https://") {
            return Ok(Self::ExportUrl(text.trim_end_matches('/').to_owned()));
        }
        let path = PathBuf::from(text);
        let bad = |reason: &str| SyncError::Source {
            source_name: text.to_owned(),
            reason: reason.to_owned(),
        };
        let meta = std::fs::metadata(&path).map_err(|e| bad(&e.to_string()))?;
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if meta.is_dir() {
            if path.join("ecosystems.txt").is_file() {
                Ok(Self::ExportDir(path))
            } else {
                Ok(Self::Tree(path))
            }
        } else if extension.eq_ignore_ascii_case("zip") {
            Ok(Self::Zip(path))
        } else if extension.eq_ignore_ascii_case("json") {
            Ok(Self::File(path))
        } else {
            Err(bad(
                "expected a URL, a directory, a .zip or a .json file, but found another file",
            ))
        }
    }

    /// The name under which the store keeps this source's cursors (absolute for paths).
    pub fn name(&self) -> String {
        let absolute = |p: &PathBuf| {
            std::fs::canonicalize(p)
                .unwrap_or_else(|_| p.clone())
                .display()
                .to_string()
        };
        match self {
            Self::ExportUrl(url) => url.clone(),
            Self::ExportDir(p) | Self::Tree(p) | Self::Zip(p) | Self::File(p) => absolute(p),
        }
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    /// Counts of added, updated, unchanged and withdrawn records.
    #[serde(flatten)]
    pub tally: Tally,
    /// Records that were not stored, with where they were and why.
    pub rejected: Vec<Rejected>,
    /// Parts of a source that could not be read (a failed download leaves that part's
    /// previous data in place).
    pub failures: Vec<Failure>,
}

impl SyncReport {
    fn merge(&mut self, other: SyncReport) {
        self.tally.merge(other.tally);
        self.rejected.extend(other.rejected);
        self.failures.extend(other.failures);
    }
}

/// A part of a source that could not be synced.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The source and part (an ecosystem of an export, a path).
    pub what: String,
    /// Why.
    pub reason: String,
}

/// Errors that stop a sync of one source.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The source itself is unusable.
    #[error("source {source_name}: {reason}")]
    Source {
        /// The source as given.
        source_name: String,
        /// Why.
        reason: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A download failed for good (after retries).
    #[error("{url}: {reason}")]
    Http {
        /// The address.
        url: String,
        /// Why.
        reason: String,
    },
}

/// Options of a sync.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Export options (ecosystem filter).
    pub export: ExportOptions,
}

/// Syncs one source into the store.
///
/// # Errors
///
/// [`SyncError`] when the source as a whole cannot be used or the store fails; rejected
/// records and failed parts of an export are in the report instead.
pub fn sync(
    store: &mut Store,
    source: &Source,
    options: &SyncOptions,
    progress: &dyn Progress,
) -> Result<SyncReport, SyncError> {
    let name = source.name();
    match source {
        Source::ExportUrl(url) => {
            let fetcher = fetch::Http::new(url, HttpClient::default());
            export::sync_export(store, &name, &fetcher, &options.export, progress)
        }
        Source::ExportDir(dir) => {
            let fetcher = fetch::Dir::new(dir);
            export::sync_export(store, &name, &fetcher, &options.export, progress)
        }
        Source::Tree(dir) => local::sync_tree(store, &name, dir, progress),
        Source::Zip(path) => local::sync_zip(store, &name, path, progress),
        Source::File(path) => local::sync_file(store, &name, path, progress),
    }
}

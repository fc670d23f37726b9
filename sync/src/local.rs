//! Local sources: directory trees of records, zips of records, single record files.

use std::io::Read;
use std::path::{Path, PathBuf};

use store::Store;
use zip::ZipArchive;

use crate::blob::Blob;
use crate::ingest::{ingest, Progress, Records};
use crate::{SyncError, SyncReport};

/// No OSV record comes near this; a larger entry is rejected rather than read.
pub(crate) const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// Syncs every `*.json` file below `dir` (hidden folders such as `.git` are skipped;
/// symbolic links are not followed).
pub(crate) fn sync_tree(
    store: &mut Store,
    source: &str,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<SyncReport, SyncError> {
    let mut files = Vec::new();
    let mut report = SyncReport::default();
    walk(dir, &mut files, &mut report);
    files.sort();

    progress.start(
        &format!("records in {}", dir.display()),
        Some(files.len() as u64),
    );
    let ingested = ingest(store, source, &FileRecords(files), &[("", None)], progress)?;
    progress.finish();
    report.tally = ingested.tally;
    report.rejected.extend(ingested.rejected);
    Ok(report)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, report: &mut SyncReport) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            report.failures.push(crate::Failure {
                what: dir.display().to_string(),
                reason: e.to_string(),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if kind.is_dir() && !hidden {
            walk(&path, files, report);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
}

/// Syncs every `*.json` entry of a zip archive.
pub(crate) fn sync_zip(
    store: &mut Store,
    source: &str,
    path: &Path,
    progress: &dyn Progress,
) -> Result<SyncReport, SyncError> {
    let archive = Blob::open(path).map_err(|source| SyncError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let records = ZipRecords::new(archive, &path.display().to_string()).map_err(|reason| {
        SyncError::Source {
            source_name: path.display().to_string(),
            reason,
        }
    })?;

    progress.start(
        &format!("records in {}", path.display()),
        Some(records.len() as u64),
    );
    let ingested = ingest(store, source, &records, &[("", None)], progress)?;
    progress.finish();
    Ok(SyncReport {
        tally: ingested.tally,
        rejected: ingested.rejected,
        failures: Vec::new(),
    })
}

/// Syncs one record file.
pub(crate) fn sync_file(
    store: &mut Store,
    source: &str,
    path: &Path,
    progress: &dyn Progress,
) -> Result<SyncReport, SyncError> {
    let ingested = ingest(
        store,
        source,
        &FileRecords(vec![path.to_path_buf()]),
        &[("", None)],
        progress,
    )?;
    Ok(SyncReport {
        tally: ingested.tally,
        rejected: ingested.rejected,
        failures: Vec::new(),
    })
}

struct FileRecords(Vec<PathBuf>);

impl Records for FileRecords {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn read(&self, index: usize) -> (String, Result<Vec<u8>, String>) {
        let path = &self.0[index];
        let bytes = std::fs::metadata(path)
            .map_err(|e| e.to_string())
            .and_then(|meta| {
                if meta.len() > MAX_RECORD_BYTES {
                    Err(too_large(meta.len()))
                } else {
                    std::fs::read(path).map_err(|e| e.to_string())
                }
            });
        (path.display().to_string(), bytes)
    }
}

fn too_large(size: u64) -> String {
    format!("expected a record of at most {MAX_RECORD_BYTES} bytes, but found {size}")
}

/// The `*.json` entries of a zip archive, read in place.
pub(crate) struct ZipRecords {
    archive: ZipArchive<Blob>,
    entries: Vec<usize>,
    label: String,
}

impl ZipRecords {
    /// Opens the archive; `label` names it in messages.
    pub(crate) fn new(archive: Blob, label: &str) -> Result<Self, String> {
        let archive = ZipArchive::new(archive)
            .map_err(|e| format!("expected a zip archive, but it could not be read: {e}"))?;
        let entries = (0..archive.len())
            .filter(|&i| {
                archive
                    .name_for_index(i)
                    .is_some_and(|name| name.ends_with(".json") && !name.ends_with('/'))
            })
            .collect();
        Ok(Self {
            archive,
            entries,
            label: label.to_owned(),
        })
    }
}

impl Records for ZipRecords {
    fn len(&self) -> usize {
        self.entries.len()
    }

    fn read(&self, index: usize) -> (String, Result<Vec<u8>, String>) {
        // A clone shares the parsed central directory; each thread reads its own entry.
        let mut archive = self.archive.clone();
        let entry = self.entries[index];
        let name = archive.name_for_index(entry).unwrap_or("?").to_owned();
        let location = format!("{}:{name}", self.label);
        let bytes = archive
            .by_index(entry)
            .map_err(|e| e.to_string())
            .and_then(|file| {
                if file.size() > MAX_RECORD_BYTES {
                    return Err(too_large(file.size()));
                }
                let mut bytes = Vec::with_capacity(file.size() as usize);
                file.take(MAX_RECORD_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| e.to_string())?;
                Ok(bytes)
            });
        (location, bytes)
    }
}

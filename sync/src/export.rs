//! The OSV export protocol: `ecosystems.txt`, then per ecosystem `all.zip` the first time
//! and `modified_id.csv` afterwards, fetching only records newer than the stored cursor.
//!
//! `modified_id.csv` lists `<RFC 3339 modified>,<id>` a line, newest first. The cursor is
//! the newest `modified` of the listing the last complete sync of that ecosystem read.

use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::Timestamp;
use store::{Store, Tally};

use crate::fetch::Fetch;
use crate::ingest::{ingest, Progress, Records};
use crate::local::{ZipRecords, MAX_RECORD_BYTES};
use crate::{Failure, Rejected, SyncError, SyncReport};

/// Options of an export sync.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Only these ecosystems (as `ecosystems.txt` names them); all when empty.
    pub ecosystems: Vec<String>,
}

pub(crate) fn sync_export(
    store: &mut Store,
    source: &str,
    fetch: &dyn Fetch,
    options: &ExportOptions,
    progress: &dyn Progress,
) -> Result<SyncReport, SyncError> {
    let listing = fetch
        .get("ecosystems.txt")
        .and_then(|found| found.ok_or_else(|| "not found".to_owned()))
        .map_err(|reason| SyncError::Source {
            source_name: fetch.locate("ecosystems.txt"),
            reason,
        })?;
    let listing = String::from_utf8_lossy(&listing);
    let available: Vec<&str> = listing
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();

    let mut report = SyncReport::default();
    let mut wanted: Vec<&str> = Vec::new();
    if options.ecosystems.is_empty() {
        wanted = available.clone();
    } else {
        for name in &options.ecosystems {
            match available.iter().find(|a| a.eq_ignore_ascii_case(name)) {
                Some(found) => wanted.push(found),
                None => report.failures.push(Failure {
                    what: format!("{source} {name}"),
                    reason: "expected an ecosystem listed in ecosystems.txt, but it is not".into(),
                }),
            }
        }
    }

    for ecosystem in wanted {
        // A failure in one ecosystem leaves its previous data in place and goes on.
        match sync_ecosystem(store, source, fetch, ecosystem, progress) {
            Ok(part) => report.merge(part),
            Err(EcosystemError::Store(e)) => return Err(e),
            Err(EcosystemError::Fetch(reason)) => {
                progress.finish();
                report.failures.push(Failure {
                    what: format!("{source} {ecosystem}"),
                    reason,
                });
            }
        }
    }
    Ok(report)
}

enum EcosystemError {
    Store(SyncError),
    Fetch(String),
}

impl From<SyncError> for EcosystemError {
    fn from(e: SyncError) -> Self {
        Self::Store(e)
    }
}

struct Listing {
    entries: Vec<(Timestamp, String)>,
    newest: Option<String>,
    bad_lines: Vec<Rejected>,
}

fn sync_ecosystem(
    store: &mut Store,
    source: &str,
    fetch: &dyn Fetch,
    ecosystem: &str,
    progress: &dyn Progress,
) -> Result<SyncReport, EcosystemError> {
    let csv_path = format!("{ecosystem}/modified_id.csv");
    let csv = fetch
        .get(&csv_path)
        .map_err(EcosystemError::Fetch)?
        .ok_or_else(|| EcosystemError::Fetch(format!("{}: not found", fetch.locate(&csv_path))))?;
    let mut listing = read_listing(&csv, &fetch.locate(&csv_path));
    drop(csv);
    let cursor = store.cursor(source, ecosystem).map_err(SyncError::from)?;
    let cursor_time = cursor.as_deref().and_then(osv::parse_timestamp);

    let mut report = SyncReport {
        rejected: std::mem::take(&mut listing.bad_lines),
        ..SyncReport::default()
    };
    let newest = listing.newest.take();
    let new_cursor = [(ecosystem, newest.as_deref())];

    let Some(cursor_time) = cursor_time else {
        // First sync of this ecosystem: the whole archive; the listing's entries (a few
        // megabytes for the largest ecosystems) are not needed while it is stored.
        drop(listing);
        let zip_path = format!("{ecosystem}/all.zip");
        progress.start(&format!("{ecosystem}: downloading all.zip"), None);
        let archive = fetch
            .archive(&zip_path)
            .map_err(EcosystemError::Fetch)?
            .ok_or_else(|| {
                EcosystemError::Fetch(format!("{}: not found", fetch.locate(&zip_path)))
            })?;
        let records =
            ZipRecords::new(archive, &fetch.locate(&zip_path)).map_err(EcosystemError::Fetch)?;
        progress.finish();

        progress.start(ecosystem, Some(records.len() as u64));
        let ingested = ingest(store, source, &records, &new_cursor, progress)?;
        progress.finish();
        report.tally = ingested.tally;
        report.rejected.extend(ingested.rejected);
        return Ok(report);
    };

    // Later syncs: only the records listed as modified after the cursor.
    let changed: Vec<String> = listing
        .entries
        .iter()
        .filter(|(modified, _)| *modified > cursor_time)
        .map(|(_, id)| id.clone())
        .collect();
    let unchanged = (listing.entries.len() - changed.len()) as u64;
    let records = FetchedRecords {
        fetch,
        ecosystem,
        ids: changed,
        failed: AtomicUsize::new(0),
    };

    progress.start(ecosystem, Some(records.ids.len() as u64));
    let ingested = ingest(store, source, &records, &[], progress)?;
    progress.finish();

    let failed = records.failed.load(Ordering::Relaxed);
    if failed == 0 {
        store
            .apply(source, &[], &new_cursor)
            .map_err(SyncError::from)?;
    } else {
        // The cursor stays, so the next sync fetches the missing records again.
        report.failures.push(Failure {
            what: format!("{source} {ecosystem}"),
            reason: format!("{failed} changed records could not be downloaded; cursor kept"),
        });
    }
    report.tally = ingested.tally;
    report.tally.merge(Tally {
        unchanged,
        ..Tally::default()
    });
    report.rejected.extend(ingested.rejected);
    Ok(report)
}

fn read_listing(csv: &[u8], location: &str) -> Listing {
    let text = String::from_utf8_lossy(csv);
    let mut listing = Listing {
        entries: Vec::new(),
        newest: None,
        bad_lines: Vec::new(),
    };
    let mut newest: Option<Timestamp> = None;
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parsed = line
            .split_once(',')
            .and_then(|(time, id)| Some((osv::parse_timestamp(time)?, time, id.trim())))
            .filter(|(_, _, id)| !id.is_empty());
        let Some((time, text, id)) = parsed else {
            listing.bad_lines.push(Rejected {
                location: format!("{location}:{}", number + 1),
                reason: format!("expected `<RFC 3339 time>,<id>`, but found {line:?}"),
            });
            continue;
        };
        if newest.is_none_or(|n| time > n) {
            newest = Some(time);
            listing.newest = Some(text.to_owned());
        }
        // The root listing writes `<ecosystem>/<id>`; an ecosystem's writes `<id>`.
        let id = id.rsplit('/').next().unwrap_or(id);
        listing.entries.push((time, id.to_owned()));
    }
    listing
}

struct FetchedRecords<'a> {
    fetch: &'a dyn Fetch,
    ecosystem: &'a str,
    ids: Vec<String>,
    failed: AtomicUsize,
}

impl Records for FetchedRecords<'_> {
    fn len(&self) -> usize {
        self.ids.len()
    }

    fn read(&self, index: usize) -> (String, Result<Vec<u8>, String>) {
        let relative = format!("{}/{}.json", self.ecosystem, self.ids[index]);
        let location = self.fetch.locate(&relative);
        let bytes = match self.fetch.get(&relative) {
            Ok(Some(bytes)) if bytes.len() as u64 <= MAX_RECORD_BYTES => Ok(bytes),
            Ok(Some(bytes)) => Err(format!("record of {} bytes is too large", bytes.len())),
            Ok(None) => Err("listed in modified_id.csv, but not found".to_owned()),
            Err(e) => Err(e),
        };
        if bytes.is_err() {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        (location, bytes)
    }
}

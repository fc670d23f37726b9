//! The ingest pipeline shared by every source: read and parse records in parallel, write
//! them in batches from one thread, one transaction a batch.

use std::sync::mpsc;

use rayon::prelude::*;
use serde::Serialize;
use store::{Incoming, Prepared, Store, Tally};

use crate::SyncError;

/// Records a transaction holds. Large enough that per-transaction costs vanish, small
/// enough that a kill loses little work and memory stays flat.
const BATCH: usize = 2_000;

/// Progress of a sync, for a bar on stderr (the binary draws it).
pub trait Progress: Sync {
    /// A new stage begins, with the number of records if known.
    fn start(&self, label: &str, total: Option<u64>);
    /// `n` more records were handled.
    fn advance(&self, n: u64);
    /// The stage is over.
    fn finish(&self);
}

/// Progress that shows nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// A record that was not stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    /// Where it was: a file, a zip entry (`all.zip:ID.json`), a URL.
    pub location: String,
    /// Why it was rejected.
    pub reason: String,
}

/// A collection of record texts that can be read by index from several threads.
pub(crate) trait Records: Sync {
    /// How many there are.
    fn len(&self) -> usize;
    /// The location (for messages) and bytes of record `index`.
    fn read(&self, index: usize) -> (String, Result<Vec<u8>, String>);
}

/// What one source (or part of one) gave.
pub(crate) struct Ingested {
    pub tally: Tally,
    pub rejected: Vec<Rejected>,
}

/// Reads, parses and stores every record of `records`; afterwards, in one more
/// transaction, moves `cursors`.
pub(crate) fn ingest(
    store: &mut Store,
    source: &str,
    records: &dyn Records,
    cursors: &[(&str, Option<&str>)],
    progress: &dyn Progress,
) -> Result<Ingested, SyncError> {
    store.set_background_checkpoints(true)?;
    let result = pipeline(store, source, records, cursors, progress);
    // Back to checkpoints on the writer, whatever happened; a failure to do so matters
    // less than the sync's own error.
    let restored = store.set_background_checkpoints(false);
    let result = result?;
    restored?;
    Ok(result)
}

fn pipeline(
    store: &mut Store,
    source: &str,
    records: &dyn Records,
    cursors: &[(&str, Option<&str>)],
    progress: &dyn Progress,
) -> Result<Ingested, SyncError> {
    let (sender, receiver) = mpsc::sync_channel::<Vec<Result<Prepared, Rejected>>>(2);
    let total = records.len();

    std::thread::scope(|scope| {
        // Step 1: a producer reads and parses batches in parallel, while…
        scope.spawn(move || {
            for start in (0..total).step_by(BATCH) {
                let end = (start + BATCH).min(total);
                let batch: Vec<_> = (start..end)
                    .into_par_iter()
                    .map(|index| parse(records.read(index)))
                    .collect();
                if sender.send(batch).is_err() {
                    break; // the writer stopped on an error; it reports it
                }
            }
        });

        // Step 2: …this thread writes each batch in one transaction.
        let mut result = Ingested {
            tally: Tally::default(),
            rejected: Vec::new(),
        };
        for batch in receiver {
            let mut good = Vec::with_capacity(batch.len());
            let count = batch.len() as u64;
            for item in batch {
                match item {
                    Ok(incoming) => good.push(incoming),
                    Err(rejected) => result.rejected.push(rejected),
                }
            }
            result
                .tally
                .merge(store.apply_prepared(source, &good, &[])?);
            progress.advance(count);
        }

        // Step 3: the cursor moves only once every record before it is stored.
        if !cursors.is_empty() {
            store.apply(source, &[], cursors)?;
        }
        Ok(result)
    })
}

fn parse((location, bytes): (String, Result<Vec<u8>, String>)) -> Result<Prepared, Rejected> {
    let reject = |reason: String| Rejected {
        location: location.clone(),
        reason,
    };
    let bytes = bytes.map_err(reject)?;
    let record = osv::parse(&bytes).map_err(|e| reject(e.to_string()))?;
    let raw = String::from_utf8(bytes)
        .map_err(|_| reject("expected UTF-8 text, but found invalid bytes".into()))?;
    Ok(Prepared::new(Incoming { record, raw }))
}

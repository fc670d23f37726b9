//! Writing records: one transaction per batch, upserts that keep the newer `modified`.
//!
//! The work is split so that a sync's single writer does as little as possible: everything
//! derived from a record (its index rows, its search text, the JSON of each affected
//! entry) is computed beforehand by [`Prepared::new`], which callers run in parallel, and
//! the writer only compares and inserts.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use crate::{Store, StoreError};

/// A validated record on its way into the store, with its text as published.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The parsed record.
    pub record: osv::Record,
    /// The record's JSON exactly as read; stored verbatim so no field is ever lost.
    pub raw: String,
}

/// A record with every row the store derives from it computed, ready for the writer.
///
/// Built from an [`Incoming`] by [`Prepared::new`]; holds only what the store writes, so
/// the parsed record's memory is released before the batch waits for its turn.
#[derive(Debug, Clone)]
pub struct Prepared {
    id: String,
    modified: String,
    modified_ns: i64,
    published: Option<String>,
    withdrawn: Option<String>,
    kind: &'static str,
    severity: &'static str,
    summary: Option<String>,
    details: Option<String>,
    aliases: Vec<String>,
    aliases_json: String,
    affected: Vec<AffectedRow>,
    raw: String,
}

/// One row of the package index.
#[derive(Debug, Clone)]
struct AffectedRow {
    idx: usize,
    ecosystem: String,
    ecosystem_full: String,
    name: String,
    normalized: String,
    entry: String,
}

impl Prepared {
    /// Derives the stored fields, index rows and search text of a record.
    pub fn new(incoming: Incoming) -> Self {
        let Incoming { record, raw } = incoming;
        let modified_ns = record
            .modified_at()
            .map_or(0, |t| i64::try_from(t.as_nanosecond()).unwrap_or(i64::MAX));
        let affected = record
            .affected
            .iter()
            .enumerate()
            .filter_map(|(idx, affected)| {
                let package = affected.package.as_ref()?;
                let ecosystem = package.ecosystem();
                Some(AffectedRow {
                    idx,
                    normalized: osv::normalize_name(ecosystem.base(), &package.name),
                    ecosystem: ecosystem.base().to_owned(),
                    ecosystem_full: package.ecosystem.clone(),
                    name: package.name.clone(),
                    entry: serde_json::to_string(affected).unwrap_or_default(),
                })
            })
            .collect();
        let kind = record.kind().as_str();
        let severity = record.severity_level().as_str();
        let aliases_json = serde_json::to_string(&record.aliases).unwrap_or_else(|_| "[]".into());
        Self {
            id: record.id,
            modified: record.modified,
            modified_ns,
            published: record.published,
            withdrawn: record.withdrawn,
            kind,
            severity,
            summary: record.summary,
            details: record.details,
            aliases: record.aliases,
            aliases_json,
            affected,
            raw,
        }
    }

    /// The record's id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl From<Incoming> for Prepared {
    fn from(incoming: Incoming) -> Self {
        Self::new(incoming)
    }
}

/// What an upsert did with one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A record the store did not have.
    Added,
    /// A newer `modified` replaced the stored record.
    Updated,
    /// The stored record is as new or newer; nothing changed.
    Unchanged,
    /// The record arrived withdrawn (new, or newly withdrawn); it stays, flagged.
    Withdrawn,
}

impl Outcome {
    fn change(self) -> Option<&'static str> {
        match self {
            Self::Added => Some("new"),
            Self::Updated => Some("updated"),
            Self::Withdrawn => Some("withdrawn"),
            Self::Unchanged => None,
        }
    }
}

/// Counts of outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// New records.
    pub added: u64,
    /// Replaced records.
    pub updated: u64,
    /// Records already current.
    pub unchanged: u64,
    /// Records that arrived withdrawn.
    pub withdrawn: u64,
}

impl Tally {
    /// Counts one outcome.
    pub fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Added => self.added += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Withdrawn => self.withdrawn += 1,
        }
    }

    /// Adds another tally to this one.
    pub fn merge(&mut self, other: Tally) {
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.withdrawn += other.withdrawn;
    }

    /// Every record counted.
    pub fn total(&self) -> u64 {
        self.added + self.updated + self.unchanged + self.withdrawn
    }
}

/// A change to the full-text index, held back until the rest of the batch is written.
enum SearchOp<'a> {
    Delete(i64),
    Insert(i64, &'a Prepared),
}

impl Store {
    /// Upserts a batch of records in one transaction and, in the same transaction, moves
    /// the source's cursors: either all of it is stored or none of it.
    ///
    /// `cursors` are `(scope, cursor)` pairs for `source` (a scope is an ecosystem of an
    /// export, or `""`); a `None` cursor only records the time of the sync.
    ///
    /// # Errors
    ///
    /// When SQLite fails; the transaction is then rolled back.
    pub fn apply(
        &mut self,
        source: &str,
        batch: &[Incoming],
        cursors: &[(&str, Option<&str>)],
    ) -> Result<Tally, StoreError> {
        let prepared: Vec<Prepared> = batch.iter().cloned().map(Prepared::new).collect();
        self.apply_prepared(source, &prepared, cursors)
    }

    /// [`Store::apply`] for records already prepared (by [`Prepared::new`], typically on
    /// other threads while the previous batch is written).
    ///
    /// # Errors
    ///
    /// When SQLite fails; the transaction is then rolled back.
    pub fn apply_prepared(
        &mut self,
        source: &str,
        batch: &[Prepared],
        cursors: &[(&str, Option<&str>)],
    ) -> Result<Tally, StoreError> {
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let now = Timestamp::now().to_string();

        let tx = self.conn.transaction().map_err(err)?;
        let mut tally = Tally::default();
        let mut search = Vec::new();
        for record in batch {
            let outcome = upsert(&tx, source, record, &now, &mut search).map_err(err)?;
            tally.count(outcome);
        }

        // The full-text index goes last. FTS5 keeps a transaction's new entries in memory
        // and writes them out as one segment, but it must write them out before any later
        // statement that opens a statement journal (an upsert may), so interleaving would
        // write a tiny segment per record and merge them over and over.
        write_search(&tx, &search).map_err(err)?;

        for (scope, cursor) in cursors {
            tx.execute(
                "INSERT INTO sources (source, scope, cursor, last_sync) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (source, scope) DO UPDATE SET
                     cursor = coalesce(excluded.cursor, cursor), last_sync = excluded.last_sync",
                params![source, scope, cursor, now],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.wake();
        }
        Ok(tally)
    }
}

fn upsert<'a>(
    tx: &Transaction<'_>,
    source: &str,
    record: &'a Prepared,
    now: &str,
    search: &mut Vec<SearchOp<'a>>,
) -> rusqlite::Result<Outcome> {
    let withdrawn = record.withdrawn.is_some();

    // Step 1: compare with what is stored; only a newer `modified` replaces it.
    let existing: Option<(i64, i64, bool)> = tx
        .prepare_cached(
            "SELECT rowid, modified_ns, withdrawn IS NOT NULL FROM advisories WHERE id = ?1",
        )?
        .query_row([&record.id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let outcome = match existing {
        Some((_, stored_ns, _)) if stored_ns >= record.modified_ns => {
            return Ok(Outcome::Unchanged)
        }
        Some((_, _, was_withdrawn)) if withdrawn && !was_withdrawn => Outcome::Withdrawn,
        Some(_) => Outcome::Updated,
        None if withdrawn => Outcome::Withdrawn,
        None => Outcome::Added,
    };

    // Step 2: write the advisory row, keeping `first_seen` of an existing one, and drop
    // an existing one's derived rows.
    let fields = params![
        record.id,
        record.modified,
        record.modified_ns,
        record.published,
        record.withdrawn,
        record.kind,
        record.severity,
        record.summary,
        record.aliases_json,
        source,
        record.raw,
        now,
    ];
    let rowid = if let Some((rowid, _, _)) = existing {
        tx.prepare_cached(
            "UPDATE advisories SET modified = ?2, modified_ns = ?3, published = ?4,
                 withdrawn = ?5, kind = ?6, severity = ?7, summary = ?8, aliases = ?9,
                 source = ?10, raw = ?11, last_changed = ?12
             WHERE id = ?1",
        )?
        .execute(fields)?;
        tx.prepare_cached("DELETE FROM affected WHERE advisory = ?1")?
            .execute([rowid])?;
        tx.prepare_cached("DELETE FROM aliases WHERE advisory = ?1")?
            .execute([rowid])?;
        search.push(SearchOp::Delete(rowid));
        rowid
    } else {
        tx.prepare_cached(
            "INSERT INTO advisories (id, modified, modified_ns, published, withdrawn, kind,
                 severity, summary, aliases, source, raw, first_seen, last_changed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
        )?
        .execute(fields)?;
        tx.last_insert_rowid()
    };

    // Step 3: the derived rows (affected index, aliases; search after the batch).
    let mut insert = tx.prepare_cached(
        "INSERT INTO affected (advisory, idx, ecosystem, ecosystem_full, name, normalized,
             entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for row in &record.affected {
        insert.execute(params![
            rowid,
            row.idx,
            row.ecosystem,
            row.ecosystem_full,
            row.name,
            row.normalized,
            row.entry
        ])?;
    }
    let mut insert =
        tx.prepare_cached("INSERT OR IGNORE INTO aliases (alias, advisory) VALUES (?1, ?2)")?;
    for alias in &record.aliases {
        insert.execute(params![alias, rowid])?;
    }
    search.push(SearchOp::Insert(rowid, record));

    // Step 4: log the change for live updates, alerts and fleet re-matching.
    if let Some(change) = outcome.change() {
        tx.prepare_cached("INSERT INTO changes (advisory_id, change, at) VALUES (?1, ?2, ?3)")?
            .execute(params![record.id, change, now])?;
    }
    Ok(outcome)
}

/// Applies the batch's full-text changes in the order they were made.
fn write_search(tx: &Transaction<'_>, ops: &[SearchOp<'_>]) -> rusqlite::Result<()> {
    let mut delete = tx.prepare_cached("DELETE FROM search WHERE rowid = ?1")?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO search (rowid, id, aliases, summary, details, packages)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for op in ops {
        match op {
            SearchOp::Delete(rowid) => {
                delete.execute([rowid])?;
            }
            SearchOp::Insert(rowid, record) => {
                let packages: Vec<&str> = record.affected.iter().map(|a| a.name.as_str()).collect();
                insert.execute(params![
                    rowid,
                    record.id,
                    record.aliases.join(" "),
                    record.summary,
                    record.details,
                    packages.join(" ")
                ])?;
            }
        }
    }
    Ok(())
}

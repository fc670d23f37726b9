//! Writing records: one transaction per batch, upserts that keep the newer `modified`.

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
        let path = self.path.clone();
        let err = |e| StoreError::sqlite(&path, e);
        let now = Timestamp::now().to_string();

        let tx = self.conn.transaction().map_err(err)?;
        let mut tally = Tally::default();
        for incoming in batch {
            let outcome = upsert(&tx, source, incoming, &now).map_err(err)?;
            tally.count(outcome);
        }
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
        Ok(tally)
    }
}

fn upsert(
    tx: &Transaction<'_>,
    source: &str,
    incoming: &Incoming,
    now: &str,
) -> rusqlite::Result<Outcome> {
    let record = &incoming.record;
    let modified_ns = record
        .modified_at()
        .map_or(0, |t| i64::try_from(t.as_nanosecond()).unwrap_or(i64::MAX));

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
        Some((_, stored_ns, _)) if stored_ns >= modified_ns => return Ok(Outcome::Unchanged),
        Some((_, _, was_withdrawn)) if record.is_withdrawn() && !was_withdrawn => {
            Outcome::Withdrawn
        }
        Some(_) => Outcome::Updated,
        None if record.is_withdrawn() => Outcome::Withdrawn,
        None => Outcome::Added,
    };

    // Step 2: write the advisory row, keeping `first_seen` of an existing one.
    let aliases = serde_json::to_string(&record.aliases).unwrap_or_else(|_| "[]".into());
    let rowid: i64 = tx
        .prepare_cached(
            "INSERT INTO advisories (id, modified, modified_ns, published, withdrawn, kind,
                 severity, summary, aliases, source, raw, first_seen, last_changed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
             ON CONFLICT (id) DO UPDATE SET
                 modified = excluded.modified, modified_ns = excluded.modified_ns,
                 published = excluded.published, withdrawn = excluded.withdrawn,
                 kind = excluded.kind, severity = excluded.severity,
                 summary = excluded.summary, aliases = excluded.aliases,
                 source = excluded.source, raw = excluded.raw,
                 last_changed = excluded.last_changed
             RETURNING rowid",
        )?
        .query_row(
            params![
                record.id,
                record.modified,
                modified_ns,
                record.published,
                record.withdrawn,
                record.kind().as_str(),
                record.severity_level().as_str(),
                record.summary,
                aliases,
                source,
                incoming.raw,
                now,
            ],
            |row| row.get(0),
        )?;

    // Step 3: replace the derived rows (affected index, aliases, search).
    if existing.is_some() {
        tx.prepare_cached("DELETE FROM affected WHERE advisory = ?1")?
            .execute([rowid])?;
        tx.prepare_cached("DELETE FROM aliases WHERE advisory = ?1")?
            .execute([rowid])?;
        tx.prepare_cached("DELETE FROM search WHERE rowid = ?1")?
            .execute([rowid])?;
    }
    let mut packages = Vec::new();
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO affected (advisory, idx, ecosystem, ecosystem_full, name, normalized,
                 entry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (idx, affected) in record.affected.iter().enumerate() {
            let Some(package) = &affected.package else {
                continue;
            };
            let ecosystem = package.ecosystem();
            let normalized = osv::normalize_name(ecosystem.base(), &package.name);
            let entry = serde_json::to_string(affected).unwrap_or_default();
            insert.execute(params![
                rowid,
                idx,
                ecosystem.base(),
                package.ecosystem,
                package.name,
                normalized,
                entry
            ])?;
            packages.push(package.name.as_str());
        }
    }
    {
        let mut insert =
            tx.prepare_cached("INSERT OR IGNORE INTO aliases (alias, advisory) VALUES (?1, ?2)")?;
        for alias in &record.aliases {
            insert.execute(params![alias, rowid])?;
        }
    }
    tx.prepare_cached(
        "INSERT INTO search (rowid, id, aliases, summary, details, packages)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        rowid,
        record.id,
        record.aliases.join(" "),
        record.summary,
        record.details,
        packages.join(" ")
    ])?;

    // Step 4: log the change for live updates, alerts and fleet re-matching.
    if let Some(change) = outcome.change() {
        tx.prepare_cached("INSERT INTO changes (advisory_id, change, at) VALUES (?1, ?2, ?3)")?
            .execute(params![record.id, change, now])?;
    }
    Ok(outcome)
}

//! Reading: single advisories, status, search, the matcher's lookup, the change log.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use crate::{Store, StoreError};

/// A stored advisory with what the store adds to it.
#[derive(Debug, Clone, Serialize)]
pub struct Advisory {
    /// The advisory id.
    pub id: String,
    /// `malicious` or `vulnerability`.
    pub kind: String,
    /// The severity label.
    pub severity: String,
    /// The one-line summary.
    pub summary: Option<String>,
    /// When the record last changed, as written.
    pub modified: String,
    /// When it was published, as written.
    pub published: Option<String>,
    /// When it was withdrawn, if it was.
    pub withdrawn: Option<String>,
    /// The source that last delivered it.
    pub source: String,
    /// When this store first saw it.
    pub first_seen: String,
    /// When this store last changed it.
    pub last_changed: String,
    /// The record's JSON, verbatim.
    pub raw: String,
}

impl Advisory {
    /// Parses the stored JSON back into a record.
    ///
    /// # Errors
    ///
    /// [`StoreError::Corrupt`] if the stored text no longer parses (it was valid when
    /// written, so this means the file was damaged outside the store).
    pub fn record(&self) -> Result<osv::Record, StoreError> {
        serde_json::from_str(&self.raw).map_err(|e| StoreError::Corrupt {
            id: self.id.clone(),
            reason: e.to_string(),
        })
    }
}

/// An affected entry found by package, with the advisory facts a finding needs.
#[derive(Debug, Clone)]
pub struct AffectedEntry {
    /// The advisory id.
    pub id: String,
    /// `malicious` or `vulnerability`.
    pub kind: String,
    /// The severity label.
    pub severity: String,
    /// The summary.
    pub summary: Option<String>,
    /// The advisory's aliases.
    pub aliases: Vec<String>,
    /// The ecosystem as the advisory wrote it, suffix included.
    pub ecosystem: String,
    /// The affected entry itself.
    pub affected: osv::Affected,
}

/// A search result.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    /// The advisory id.
    pub id: String,
    /// `malicious` or `vulnerability`.
    pub kind: String,
    /// The severity label.
    pub severity: String,
    /// The summary.
    pub summary: Option<String>,
    /// When it was published.
    pub published: Option<String>,
    /// Whether it was withdrawn.
    pub withdrawn: bool,
}

/// One entry of the change log.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The sequence number (strictly increasing).
    pub seq: i64,
    /// The advisory id.
    pub id: String,
    /// `new`, `updated` or `withdrawn`.
    pub change: String,
    /// When it was recorded.
    pub at: String,
}

/// What the store knows of one source's progress.
#[derive(Debug, Clone, Serialize)]
pub struct SourceState {
    /// The source (URL or path).
    pub source: String,
    /// The ecosystem of an export, or empty.
    pub scope: String,
    /// The newest `modified` fully synced, for incremental exports.
    pub cursor: Option<String>,
    /// When the source was last synced.
    pub last_sync: String,
}

/// The database at a glance (`radar db status`).
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The database file.
    pub path: String,
    /// Its size in bytes (main file and write-ahead log).
    pub size_bytes: u64,
    /// Every stored advisory, withdrawn ones included.
    pub advisories: u64,
    /// Advisories by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Advisories by ecosystem base (an advisory naming two ecosystems counts in both).
    pub by_ecosystem: BTreeMap<String, u64>,
    /// Withdrawn advisories.
    pub withdrawn: u64,
    /// The newest change-log sequence number.
    pub last_change: i64,
    /// Each source's last sync and cursor.
    pub sources: Vec<SourceState>,
}

const ADVISORY_COLUMNS: &str = "id, kind, severity, summary, modified, published, withdrawn, \
     source, first_seen, last_changed, raw";

fn advisory_from_row(row: &Row<'_>) -> rusqlite::Result<Advisory> {
    Ok(Advisory {
        id: row.get(0)?,
        kind: row.get(1)?,
        severity: row.get(2)?,
        summary: row.get(3)?,
        modified: row.get(4)?,
        published: row.get(5)?,
        withdrawn: row.get(6)?,
        source: row.get(7)?,
        first_seen: row.get(8)?,
        last_changed: row.get(9)?,
        raw: row.get(10)?,
    })
}

impl Store {
    fn err(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        |e| StoreError::sqlite(&self.path, e)
    }

    /// The advisory with this id, or else the one that has it as an alias.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn get(&self, id: &str) -> Result<Option<Advisory>, StoreError> {
        let by_id = format!("SELECT {ADVISORY_COLUMNS} FROM advisories WHERE id = ?1");
        let found = self
            .conn
            .prepare_cached(&by_id)
            .and_then(|mut s| s.query_row([id], advisory_from_row).optional())
            .map_err(self.err())?;
        if found.is_some() {
            return Ok(found);
        }

        let by_alias = format!(
            "SELECT {ADVISORY_COLUMNS} FROM advisories WHERE rowid IN
                 (SELECT advisory FROM aliases WHERE alias = ?1)
             ORDER BY withdrawn IS NOT NULL, modified_ns DESC LIMIT 1"
        );
        self.conn
            .prepare_cached(&by_alias)
            .and_then(|mut s| s.query_row([id], advisory_from_row).optional())
            .map_err(self.err())
    }

    /// Every affected entry naming this package, from advisories that are not withdrawn.
    ///
    /// `ecosystem` is the base name and `normalized` the name after
    /// [`osv::normalize_name`].
    ///
    /// # Errors
    ///
    /// When SQLite fails or a stored entry is unreadable.
    pub fn affected_for(
        &self,
        ecosystem: &str,
        normalized: &str,
    ) -> Result<Vec<AffectedEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.id, a.kind, a.severity, a.summary, a.aliases, f.ecosystem_full, f.entry
                 FROM affected f JOIN advisories a ON a.rowid = f.advisory
                 WHERE f.ecosystem = ?1 AND f.normalized = ?2 AND a.withdrawn IS NULL
                 ORDER BY a.id, f.idx",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map(params![ecosystem, normalized], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                ))
            })
            .map_err(self.err())?;

        let mut entries = Vec::new();
        for row in rows {
            let (id, kind, severity, summary, aliases, ecosystem, entry) =
                row.map_err(self.err())?;
            let corrupt = |reason: String| StoreError::Corrupt {
                id: id.clone(),
                reason,
            };
            let affected = serde_json::from_str(&entry).map_err(|e| corrupt(e.to_string()))?;
            let aliases = serde_json::from_str(&aliases).map_err(|e| corrupt(e.to_string()))?;
            entries.push(AffectedEntry {
                id,
                kind,
                severity,
                summary,
                aliases,
                ecosystem,
                affected,
            });
        }
        Ok(entries)
    }

    /// Full-text search over ids, aliases, summaries, details and package names, best
    /// match first. Every word of `query` must occur (as a prefix, for the last word).
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.id, a.kind, a.severity, a.summary, a.published, a.withdrawn IS NOT NULL
                 FROM search JOIN advisories a ON a.rowid = search.rowid
                 WHERE search MATCH ?1
                 ORDER BY bm25(search, 10.0, 8.0, 4.0, 1.0, 6.0), a.published DESC
                 LIMIT ?2",
            )
            .map_err(self.err())?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let hits = stmt
            .query_map(params![fts, limit], |row| {
                Ok(SearchHit {
                    id: row.get(0)?,
                    kind: row.get(1)?,
                    severity: row.get(2)?,
                    summary: row.get(3)?,
                    published: row.get(4)?,
                    withdrawn: row.get(5)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(self.err())?;
        Ok(hits)
    }

    /// The newest change-log sequence number, 0 for an empty log: one look at the end of
    /// the primary key, cheap enough to poll several times a second for live updates.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn last_change_seq(&self) -> Result<i64, StoreError> {
        self.conn
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM changes")
            .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)))
            .map_err(self.err())
    }

    /// Change-log entries after `seq`, oldest first, at most `limit`.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn changes_since(&self, seq: i64, limit: usize) -> Result<Vec<Change>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.conn
            .prepare_cached(
                "SELECT seq, advisory_id, change, at FROM changes WHERE seq > ?1
                 ORDER BY seq LIMIT ?2",
            )
            .and_then(|mut stmt| {
                stmt.query_map(params![seq, limit], |row| {
                    Ok(Change {
                        seq: row.get(0)?,
                        id: row.get(1)?,
                        change: row.get(2)?,
                        at: row.get(3)?,
                    })
                })?
                .collect()
            })
            .map_err(self.err())
    }

    /// The stored progress of every source.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn sources(&self) -> Result<Vec<SourceState>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT source, scope, cursor, last_sync FROM sources ORDER BY source, scope",
            )
            .and_then(|mut stmt| {
                stmt.query_map([], |row| {
                    Ok(SourceState {
                        source: row.get(0)?,
                        scope: row.get(1)?,
                        cursor: row.get(2)?,
                        last_sync: row.get(3)?,
                    })
                })?
                .collect()
            })
            .map_err(self.err())
    }

    /// The cursor stored for one scope of a source.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn cursor(&self, source: &str, scope: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .prepare_cached("SELECT cursor FROM sources WHERE source = ?1 AND scope = ?2")
            .and_then(|mut s| s.query_row([source, scope], |row| row.get(0)).optional())
            .map(Option::flatten)
            .map_err(self.err())
    }

    /// Counts for `radar db status`.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn status(&self) -> Result<Status, StoreError> {
        let count = |sql: &str| -> Result<u64, StoreError> {
            self.conn
                .query_row(sql, [], |row| row.get::<_, i64>(0))
                .map(|n| u64::try_from(n).unwrap_or(0))
                .map_err(self.err())
        };
        let grouped = |sql: &str| -> Result<BTreeMap<String, u64>, StoreError> {
            self.conn
                .prepare(sql)
                .and_then(|mut stmt| {
                    stmt.query_map([], |row| {
                        Ok((
                            row.get(0)?,
                            u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
                        ))
                    })?
                    .collect()
                })
                .map_err(self.err())
        };

        let mut by_kind = grouped("SELECT kind, count(*) FROM advisories GROUP BY kind")?;
        for kind in ["malicious", "vulnerability"] {
            by_kind.entry(kind.to_owned()).or_insert(0);
        }
        let size_bytes = [self.path.clone(), wal_path(&self.path)]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        Ok(Status {
            path: self.path.display().to_string(),
            size_bytes,
            advisories: count("SELECT count(*) FROM advisories")?,
            by_kind,
            by_ecosystem: grouped(
                "SELECT ecosystem, count(DISTINCT advisory) FROM affected GROUP BY ecosystem",
            )?,
            withdrawn: count("SELECT count(*) FROM advisories WHERE withdrawn IS NOT NULL")?,
            last_change: count("SELECT coalesce(max(seq), 0) FROM changes")?
                .try_into()
                .unwrap_or(i64::MAX),
            sources: self.sources()?,
        })
    }
}

fn wal_path(path: &std::path::Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    name.into()
}

/// Turns words a person typed into an FTS5 query: each word a quoted phrase (so `-`, `:`
/// and quotes are literal text, never query syntax), the last one a prefix.
pub(crate) fn fts_query(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut fts = words.join(" ");
    fts.push('*');
    Some(fts)
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn fts_query_quotes_words() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(
            fts_query("MAL-2026 x\"y").unwrap(),
            "\"MAL-2026\" \"x\"\"y\"*"
        );
    }
}

//! The server's threat listing: filtered, newest first, paged; lookups by lowercased id;
//! page views.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension};

use crate::read::fts_query;
use crate::{Advisory, Store, StoreError};

/// What a threat listing asks for. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct ThreatFilter {
    /// Words that must all occur (full-text search, the last word as a prefix).
    pub search: Option<String>,
    /// An ecosystem base name (`PyPI`, `npm`).
    pub ecosystem: Option<String>,
    /// `malicious` or `vulnerability`.
    pub kind: Option<String>,
    /// A severity label (`critical`, `high`, …).
    pub severity: Option<String>,
    /// Only advisories published (or, without a publication date, modified) at or after
    /// this instant, written as RFC 3339 in UTC (`2026-07-01T00:00:00Z`).
    pub since: Option<String>,
    /// A package name, compared after the ecosystem's normalization when `ecosystem` is
    /// given, and as written or normalized otherwise.
    pub package: Option<String>,
    /// At most this many advisories.
    pub limit: usize,
    /// Skip this many first.
    pub offset: usize,
}

/// One page of a threat listing.
#[derive(Debug, Clone)]
pub struct ThreatPage {
    /// The advisories of the page, newest first.
    pub advisories: Vec<Advisory>,
    /// How many advisories match in all.
    pub total: u64,
}

impl Store {
    /// Advisories that are not withdrawn and match `filter`, newest published first.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn threats(&self, filter: &ThreatFilter) -> Result<ThreatPage, StoreError> {
        let err = |e| StoreError::sqlite(&self.path, e);

        // Step 1: the conditions, each with its parameters in order.
        let mut conditions = vec!["a.withdrawn IS NULL".to_owned()];
        let mut values: Vec<Value> = Vec::new();
        if let Some(fts) = filter.search.as_deref().and_then(fts_query) {
            conditions.push("a.rowid IN (SELECT rowid FROM search WHERE search MATCH ?)".into());
            values.push(Value::Text(fts));
        }
        match (filter.ecosystem.as_deref(), filter.package.as_deref()) {
            (Some(ecosystem), Some(package)) => {
                conditions.push(
                    "EXISTS (SELECT 1 FROM affected f WHERE f.advisory = a.rowid
                         AND f.ecosystem = ? AND f.normalized = ?)"
                        .into(),
                );
                values.push(Value::Text(ecosystem.to_owned()));
                values.push(Value::Text(osv::normalize_name(ecosystem, package)));
            }
            (Some(ecosystem), None) => {
                conditions.push(
                    "EXISTS (SELECT 1 FROM affected f WHERE f.advisory = a.rowid
                         AND f.ecosystem = ?)"
                        .into(),
                );
                values.push(Value::Text(ecosystem.to_owned()));
            }
            (None, Some(package)) => {
                conditions.push(
                    "EXISTS (SELECT 1 FROM affected f WHERE f.advisory = a.rowid
                         AND (f.name = ? OR f.normalized = ?))"
                        .into(),
                );
                values.push(Value::Text(package.to_owned()));
                values.push(Value::Text(package.to_owned()));
            }
            (None, None) => {}
        }
        for (column, value) in [("a.kind", &filter.kind), ("a.severity", &filter.severity)] {
            if let Some(value) = value {
                conditions.push(format!("{column} = ?"));
                values.push(Value::Text(value.clone()));
            }
        }
        if let Some(since) = &filter.since {
            conditions.push("coalesce(a.published, a.modified) >= ?".into());
            values.push(Value::Text(since.clone()));
        }
        let condition = conditions.join(" AND ");

        // Step 2: the total, then the page's ids, then each advisory by id.
        let total: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM advisories a WHERE {condition}"
            ))
            .and_then(|mut stmt| stmt.query_row(params_from_iter(&values), |row| row.get(0)))
            .map_err(err)?;
        values.push(Value::Integer(
            i64::try_from(filter.limit).unwrap_or(i64::MAX),
        ));
        values.push(Value::Integer(
            i64::try_from(filter.offset).unwrap_or(i64::MAX),
        ));
        let ids: Vec<String> = self
            .conn
            .prepare_cached(&format!(
                "SELECT a.id FROM advisories a WHERE {condition}
                 ORDER BY a.published DESC, a.id DESC LIMIT ? OFFSET ?"
            ))
            .and_then(|mut stmt| {
                stmt.query_map(params_from_iter(&values), |row| row.get(0))?
                    .collect()
            })
            .map_err(err)?;
        let mut advisories = Vec::with_capacity(ids.len());
        for id in ids {
            advisories.extend(self.get(&id)?);
        }
        Ok(ThreatPage {
            advisories,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// The advisory whose id, lowercased, is `lower` (slugs carry lowercased ids).
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn get_lowercased(&self, lower: &str) -> Result<Option<Advisory>, StoreError> {
        let id: Option<String> = self
            .conn
            .prepare_cached("SELECT id FROM advisories WHERE lower(id) = ?1 LIMIT 1")
            .and_then(|mut stmt| stmt.query_row([lower], |row| row.get(0)).optional())
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        match id {
            Some(id) => self.get(&id),
            None => Ok(None),
        }
    }

    /// Counts one view of an advisory's page and returns the views so far.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn record_view(&self, id: &str) -> Result<u64, StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO threat_views (advisory_id, views) VALUES (?1, 1)
                 ON CONFLICT (advisory_id) DO UPDATE SET views = views + 1
                 RETURNING views",
            )
            .and_then(|mut stmt| stmt.query_row(params![id], |row| row.get::<_, i64>(0)))
            .map(|n| u64::try_from(n).unwrap_or(0))
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }
}

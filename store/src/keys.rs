//! The server's API keys: a name, a tier and a hash of the key, never the key itself.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use crate::{Store, StoreError};

/// A stored API key (without the key: only its hash is kept).
#[derive(Debug, Clone, Serialize)]
pub struct ApiKey {
    /// The key's number in this database.
    pub id: i64,
    /// The name it was created with.
    pub name: String,
    /// The tier of the server configuration it belongs to.
    pub tier: String,
    /// The key's first characters, so people can tell keys apart.
    pub prefix: String,
    /// When it was created (RFC 3339).
    pub created: String,
    /// When it was revoked, if it was.
    pub revoked: Option<String>,
}

const KEY_COLUMNS: &str = "rowid, name, tier, prefix, created, revoked";

fn key_from_row(row: &Row<'_>) -> rusqlite::Result<ApiKey> {
    Ok(ApiKey {
        id: row.get(0)?,
        name: row.get(1)?,
        tier: row.get(2)?,
        prefix: row.get(3)?,
        created: row.get(4)?,
        revoked: row.get(5)?,
    })
}

impl Store {
    /// Stores a new key by its hash.
    ///
    /// # Errors
    ///
    /// When SQLite fails, or a key with the same hash exists.
    pub fn add_api_key(
        &self,
        name: &str,
        tier: &str,
        hash: &str,
        prefix: &str,
    ) -> Result<ApiKey, StoreError> {
        let now = jiff::Timestamp::now().to_string();
        self.conn
            .query_row(
                &format!(
                    "INSERT INTO api_keys (name, tier, hash, prefix, created)
                     VALUES (?1, ?2, ?3, ?4, ?5) RETURNING {KEY_COLUMNS}"
                ),
                params![name, tier, hash, prefix, now],
                key_from_row,
            )
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// The key with this hash, revoked or not.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>, StoreError> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {KEY_COLUMNS} FROM api_keys WHERE hash = ?1"
            ))
            .and_then(|mut stmt| stmt.query_row([hash], key_from_row).optional())
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// Every key, oldest first.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn api_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        self.conn
            .prepare(&format!(
                "SELECT {KEY_COLUMNS} FROM api_keys ORDER BY rowid"
            ))
            .and_then(|mut stmt| stmt.query_map([], key_from_row)?.collect())
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// Revokes every key that is not yet revoked and has this name or prefix; returns how
    /// many were revoked.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn revoke_api_key(&self, name_or_prefix: &str) -> Result<usize, StoreError> {
        let now = jiff::Timestamp::now().to_string();
        self.conn
            .execute(
                "UPDATE api_keys SET revoked = ?2
                 WHERE revoked IS NULL AND (name = ?1 OR prefix = ?1)",
                params![name_or_prefix, now],
            )
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }
}

//! The advisory store: every OSV record in one SQLite database.
//!
//! SQLite (bundled, WAL mode) keeps each record's raw JSON verbatim together with the
//! fields that pages, filters and the matcher need; an index from (ecosystem base,
//! normalized package name) to affected entries; an alias index; full-text search (FTS5);
//! and a change log whose sequence numbers feed live updates, alerts and fleet re-matching.
//!
//! Every write happens inside one transaction ([`Store::apply`]), so a crash at any moment
//! leaves each record wholly old or wholly new.

mod checkpoint;
mod error;
mod inventory;
mod keys;
mod read;
mod schema;
mod threats;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use error::StoreError;
pub use inventory::{
    Drift, HostAsset, HostFinding, HostRecord, Registered, Registration, StoredHost,
};
pub use keys::ApiKey;
pub use read::{Advisory, AffectedEntry, Change, SearchHit, SourceState, Status};
pub use threats::{ThreatFilter, ThreatPage};
pub use write::{Incoming, Outcome, Prepared, Tally};

/// The database file name inside the data directory.
const FILE_NAME: &str = "radar.db";

/// An open advisory database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    checkpointer: Option<checkpoint::Checkpointer>,
}

impl Store {
    /// The platform's default location: `$XDG_DATA_HOME/radar/radar.db` on Linux, the
    /// equivalent data directory elsewhere.
    pub fn default_path() -> PathBuf {
        dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("radar")
            .join(FILE_NAME)
    }

    /// Opens the database at `path`, creating it (and its folder) if needed, and brings its
    /// schema up to date.
    ///
    /// # Errors
    ///
    /// When the folder cannot be made, the file cannot be opened as SQLite, or a migration
    /// fails.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|e| StoreError::sqlite(path, e))?;
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
            checkpointer: None,
        };
        store.configure()?;
        schema::migrate(&mut store.conn).map_err(|e| StoreError::sqlite(path, e))?;
        Ok(store)
    }

    /// Opens a database that must already exist (readers: scans, `show`, the server).
    ///
    /// # Errors
    ///
    /// [`StoreError::NoDatabase`] when there is no file at `path` yet, or as [`Store::open`].
    pub fn open_existing(path: &Path) -> Result<Self, StoreError> {
        if !path.is_file() {
            return Err(StoreError::NoDatabase(path.to_path_buf()));
        }
        Self::open(path)
    }

    /// The file the store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Moves checkpoints to a background connection (`true`) for a long run of writes
    /// such as a sync, or back onto this one (`false`), catching up first.
    ///
    /// # Errors
    ///
    /// When the second connection cannot be opened or SQLite fails.
    pub fn set_background_checkpoints(&mut self, on: bool) -> Result<(), StoreError> {
        let err = |e| StoreError::sqlite(&self.path, e);
        if on {
            if self.checkpointer.is_none() {
                self.checkpointer = Some(checkpoint::Checkpointer::start(&self.path).map_err(err)?);
                self.conn
                    .pragma_update(None, "wal_autocheckpoint", 0)
                    .map_err(err)?;
            }
        } else if self.checkpointer.take().is_some() {
            self.conn
                .pragma_update(None, "wal_autocheckpoint", 1000)
                .map_err(err)?;
            self.conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                .map_err(err)?;
        }
        Ok(())
    }

    fn configure(&self) -> Result<(), StoreError> {
        // WAL lets readers (the server, a scan) go on while a sync writes; NORMAL
        // synchronous is durable across application crashes in WAL mode, which is the
        // guarantee we need (a committed batch survives a kill).
        //
        // 16 KiB pages (for new databases; an existing one keeps its own) hold about ten
        // raw records each where 4 KiB pages held two, and halve the pages a sync writes.
        // After a checkpoint resets the log, it is cut back to 64 MiB.
        self.conn
            .execute_batch(
                "PRAGMA page_size = 16384;
                 PRAGMA journal_mode = WAL;
                 PRAGMA journal_size_limit = 67108864;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA busy_timeout = 10000;
                 PRAGMA cache_size = -32000;",
            )
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// Runs SQLite's own consistency check; `Ok(())` when it reports `ok`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Integrity`] with SQLite's report otherwise.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        let lines: Vec<String> = stmt
            .query_map([], |row| row.get(0))
            .and_then(Iterator::collect)
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        if lines == ["ok"] {
            Ok(())
        } else {
            Err(StoreError::Integrity(lines.join("; ")))
        }
    }

    /// Checks that the derived tables agree with the advisories: no dangling references,
    /// one search entry and at least one change-log entry per advisory, and every raw
    /// record still readable.
    ///
    /// # Errors
    ///
    /// [`StoreError::Integrity`] naming the first disagreement.
    pub fn consistency_check(&self) -> Result<(), StoreError> {
        let err = |e| StoreError::sqlite(&self.path, e);
        let count = |sql: &str| -> Result<i64, StoreError> {
            self.conn.query_row(sql, [], |row| row.get(0)).map_err(err)
        };

        let dangling = count("SELECT count(*) FROM pragma_foreign_key_check")?;
        let advisories = count("SELECT count(*) FROM advisories")?;
        let searchable = count("SELECT count(*) FROM search")?;
        let unlogged = count(
            "SELECT count(*) FROM advisories a
             WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.advisory_id = a.id)
               AND a.withdrawn IS NULL",
        )?;
        let problems = [
            (
                dangling != 0,
                format!("{dangling} rows refer to missing advisories"),
            ),
            (
                searchable != advisories,
                format!("{searchable} search entries for {advisories} advisories"),
            ),
            (
                unlogged != 0,
                format!("{unlogged} advisories missing from the change log"),
            ),
        ];
        if let Some((_, problem)) = problems.into_iter().find(|(bad, _)| *bad) {
            return Err(StoreError::Integrity(problem));
        }

        let mut stmt = self
            .conn
            .prepare("SELECT id, raw FROM advisories")
            .map_err(err)?;
        let mut rows = stmt.query([]).map_err(err)?;
        while let Some(row) = rows.next().map_err(err)? {
            let raw: String = row.get(1).map_err(err)?;
            if let Err(e) = serde_json::from_str::<osv::Record>(&raw) {
                let id: String = row.get(0).map_err(err)?;
                return Err(StoreError::Corrupt {
                    id,
                    reason: e.to_string(),
                });
            }
        }
        Ok(())
    }
}

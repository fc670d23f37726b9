//! Versioned schema migrations, tracked in `PRAGMA user_version`.
//!
//! Each migration runs in its own transaction together with the version bump, so a crash
//! mid-migration leaves the database at the previous version.

use rusqlite::Connection;

/// Migration `n` (1-based) brings the schema from version `n - 1` to `n`.
const MIGRATIONS: &[&str] = &[
    // 1: advisories, their affected entries, aliases, change log, sources, search.
    "CREATE TABLE advisories (
         rowid INTEGER PRIMARY KEY,
         id TEXT NOT NULL UNIQUE,
         modified TEXT NOT NULL,
         modified_ns INTEGER NOT NULL,
         published TEXT,
         withdrawn TEXT,
         kind TEXT NOT NULL,
         severity TEXT NOT NULL,
         summary TEXT,
         aliases TEXT NOT NULL,
         source TEXT NOT NULL,
         raw TEXT NOT NULL,
         first_seen TEXT NOT NULL,
         last_changed TEXT NOT NULL
     );
     CREATE INDEX advisories_published ON advisories (published);
     CREATE INDEX advisories_modified ON advisories (modified_ns);

     CREATE TABLE affected (
         advisory INTEGER NOT NULL REFERENCES advisories (rowid) ON DELETE CASCADE,
         idx INTEGER NOT NULL,
         ecosystem TEXT NOT NULL,
         ecosystem_full TEXT NOT NULL,
         name TEXT NOT NULL,
         normalized TEXT NOT NULL,
         entry TEXT NOT NULL,
         PRIMARY KEY (advisory, idx)
     ) WITHOUT ROWID;
     CREATE INDEX affected_package ON affected (ecosystem, normalized);

     CREATE TABLE aliases (
         alias TEXT NOT NULL,
         advisory INTEGER NOT NULL REFERENCES advisories (rowid) ON DELETE CASCADE,
         PRIMARY KEY (alias, advisory)
     ) WITHOUT ROWID;
     CREATE INDEX aliases_advisory ON aliases (advisory);

     CREATE TABLE changes (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         advisory_id TEXT NOT NULL,
         change TEXT NOT NULL,
         at TEXT NOT NULL
     );

     CREATE TABLE sources (
         source TEXT NOT NULL,
         scope TEXT NOT NULL,
         cursor TEXT,
         last_sync TEXT NOT NULL,
         PRIMARY KEY (source, scope)
     ) WITHOUT ROWID;

     CREATE VIRTUAL TABLE search USING fts5 (
         id, aliases, summary, details, packages,
         content = '', contentless_delete = 1
     );",
    // 2: the server's API keys (only a hash of each key is kept), threat page views, and
    // a case-insensitive id index so that lowercased slugs find their advisory.
    "CREATE TABLE api_keys (
         rowid INTEGER PRIMARY KEY,
         name TEXT NOT NULL,
         tier TEXT NOT NULL,
         hash TEXT NOT NULL UNIQUE,
         prefix TEXT NOT NULL,
         created TEXT NOT NULL,
         revoked TEXT
     );

     CREATE TABLE threat_views (
         advisory_id TEXT PRIMARY KEY,
         views INTEGER NOT NULL
     ) WITHOUT ROWID;

     CREATE INDEX advisories_id_lower ON advisories (lower(id));",
    // 3: registered host inventories (API.md, POST /inventory/register): hosts per API key,
    // their packages by the advisory index's key (ecosystem base, normalized name) so fleet
    // re-matching finds the hosts of a changed advisory's packages, and the findings of the
    // last registration so a later one can tell which are new.
    "CREATE TABLE hosts (
         rowid INTEGER PRIMARY KEY,
         key_id INTEGER NOT NULL REFERENCES api_keys (rowid) ON DELETE CASCADE,
         host_id TEXT NOT NULL,
         hostname TEXT,
         os_type TEXT,
         os_distro TEXT,
         os_version TEXT,
         agent_version TEXT NOT NULL,
         monitor INTEGER NOT NULL,
         asset_count INTEGER NOT NULL,
         first_registered TEXT NOT NULL,
         registered_at TEXT NOT NULL,
         UNIQUE (key_id, host_id)
     );
     CREATE INDEX hosts_monitored ON hosts (monitor, key_id);

     CREATE TABLE host_packages (
         host INTEGER NOT NULL REFERENCES hosts (rowid) ON DELETE CASCADE,
         ecosystem TEXT NOT NULL,
         name TEXT NOT NULL,
         normalized TEXT NOT NULL,
         version TEXT NOT NULL,
         purl TEXT,
         cpe TEXT,
         exposure TEXT,
         exposed INTEGER NOT NULL,
         runtime INTEGER NOT NULL,
         PRIMARY KEY (host, ecosystem, normalized, version)
     ) WITHOUT ROWID;
     CREATE INDEX host_packages_package ON host_packages (ecosystem, normalized);

     CREATE TABLE host_findings (
         host INTEGER NOT NULL REFERENCES hosts (rowid) ON DELETE CASCADE,
         advisory_id TEXT NOT NULL,
         ecosystem TEXT NOT NULL,
         normalized TEXT NOT NULL,
         version TEXT NOT NULL,
         confirmed INTEGER NOT NULL,
         first_seen TEXT NOT NULL,
         PRIMARY KEY (host, advisory_id, ecosystem, normalized, version)
     ) WITHOUT ROWID;
     CREATE INDEX host_findings_advisory ON host_findings (advisory_id);",
];

/// Applies every migration the database has not had yet.
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: usize = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_recorded_and_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: usize = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
    }
}

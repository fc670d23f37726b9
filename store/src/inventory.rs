//! Registered host inventories (API.md, `POST /inventory/register`): each host of an API
//! key, its packages and the findings they had at its last registration.
//!
//! Packages are kept by (ecosystem base, normalized name), the key of the advisory index,
//! so that fleet re-matching can find every host holding a package an advisory names with
//! one indexed lookup (`host_packages_package`), and the findings of the last
//! registration are kept so that a later one (or a re-match) can tell which are new.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

use crate::{Store, StoreError};

/// What a registration says about its host.
#[derive(Debug, Clone, Default)]
pub struct HostRecord {
    /// The client's id for the host (unique per API key).
    pub host_id: String,
    /// The host name, if sent.
    pub hostname: Option<String>,
    /// The operating system's type, distribution and version, if sent.
    pub os_type: Option<String>,
    /// See `os_type`.
    pub os_distro: Option<String>,
    /// See `os_type`.
    pub os_version: Option<String>,
    /// The version of the agent that registered it.
    pub agent_version: String,
    /// Whether the server is to keep re-matching the inventory.
    pub monitor: bool,
}

/// One package of a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostAsset {
    /// The OSV ecosystem base name (`PyPI`, `npm`, ...).
    pub ecosystem: String,
    /// The name as the client sent it.
    pub name: String,
    /// The name after [`osv::normalize_name`].
    pub normalized: String,
    /// The installed version.
    pub version: String,
    /// The package URL, if sent.
    pub purl: Option<String>,
    /// The CPE, if sent.
    pub cpe: Option<String>,
    /// Reachability of the process using it (`public`, `private`, `loopback`, `none`).
    pub exposure: Option<String>,
    /// Whether it is reachable from off the host.
    pub exposed: bool,
    /// Whether it is loaded by a running process.
    pub runtime: bool,
}

/// One advisory that matched one package of a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostFinding {
    /// The advisory id.
    pub advisory_id: String,
    /// The package's ecosystem base name.
    pub ecosystem: String,
    /// The package's normalized name.
    pub normalized: String,
    /// The installed version.
    pub version: String,
    /// Whether the version was proved affected (not an unordered match).
    pub confirmed: bool,
}

/// How the packages changed since the host's previous registration, counted by package
/// (ecosystem and normalized name).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Drift {
    /// Packages the host did not have.
    pub added: usize,
    /// Packages the host no longer has.
    pub removed: usize,
    /// Packages whose installed versions differ.
    pub changed: usize,
}

/// What a registration did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// Stored.
    Stored(Registered),
    /// Refused: the key's hosts would hold more assets than `max` (nothing was stored).
    OverCap {
        /// The cap.
        max: usize,
        /// The assets the key's hosts would hold.
        found: usize,
    },
}

/// A stored registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    /// Whether the host was not registered before.
    pub new: bool,
    /// Changes against the previous registration (all added for a new host).
    pub drift: Drift,
    /// For each finding given, whether the host did not have it at its previous
    /// registration (same advisory on the same package, whatever the version).
    pub new_findings: Vec<bool>,
    /// When this registration was stored (RFC 3339).
    pub registered_at: String,
}

/// A registered host, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredHost {
    /// The client's id for the host.
    pub host_id: String,
    /// The API key it belongs to.
    pub key_id: i64,
    /// The host name.
    pub hostname: Option<String>,
    /// The agent version of the last registration.
    pub agent_version: String,
    /// Whether it is monitored.
    pub monitor: bool,
    /// Its packages.
    pub asset_count: usize,
    /// When it was first registered.
    pub first_registered: String,
    /// When it was last registered.
    pub registered_at: String,
}

type PackageKey = (String, String);

impl Store {
    /// Stores the registration of a host of API key `key_id` with its packages and
    /// findings, replacing its previous one, unless the key's hosts would then hold more
    /// than `max_assets` packages. Packages are counted once per (ecosystem, normalized
    /// name, version); a repeated one is stored once. Drift and new findings are computed
    /// against the previous registration inside the same write transaction, so two registrations of
    /// one key cannot both slip under the cap.
    ///
    /// # Errors
    ///
    /// When SQLite fails; nothing is stored then.
    pub fn register_host(
        &self,
        key_id: i64,
        host: &HostRecord,
        assets: &[HostAsset],
        findings: &[HostFinding],
        max_assets: usize,
    ) -> Result<Registration, StoreError> {
        let err = |e| StoreError::sqlite(&self.path, e);
        let now = jiff::Timestamp::now().to_string();
        let mut now_packages: BTreeMap<PackageKey, BTreeSet<String>> = BTreeMap::new();
        for asset in assets {
            now_packages
                .entry((asset.ecosystem.clone(), asset.normalized.clone()))
                .or_default()
                .insert(asset.version.clone());
        }
        let distinct: usize = now_packages.values().map(BTreeSet::len).sum();

        // IMMEDIATE: take the write lock before reading the other hosts' counts.
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(&err)?;

        // Step 1: the cap, over every other host of the key plus this registration.
        let others: i64 = tx
            .query_row(
                "SELECT coalesce(sum(asset_count), 0) FROM hosts
                 WHERE key_id = ?1 AND host_id <> ?2",
                params![key_id, host.host_id],
                |row| row.get(0),
            )
            .map_err(&err)?;
        let found = usize::try_from(others).unwrap_or(0) + distinct;
        if found > max_assets {
            return Ok(Registration::OverCap {
                max: max_assets,
                found,
            });
        }

        // Step 2: the previous registration's packages and findings.
        let previous: Option<(i64, String)> = tx
            .query_row(
                "SELECT rowid, first_registered FROM hosts WHERE key_id = ?1 AND host_id = ?2",
                params![key_id, host.host_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(&err)?;
        let (before, seen) = match &previous {
            Some((rowid, _)) => (
                previous_packages(&tx, *rowid).map_err(&err)?,
                previous_findings(&tx, *rowid).map_err(&err)?,
            ),
            None => (BTreeMap::new(), HashMap::new()),
        };
        let drift = drift(&before, &now_packages);

        // Step 3: the host row (kept, so its first registration time survives), then its
        // packages and findings replaced.
        let first = previous
            .as_ref()
            .map_or(now.as_str(), |(_, first)| first.as_str());
        let count = i64::try_from(distinct).unwrap_or(i64::MAX);
        let rowid: i64 = tx
            .query_row(
                "INSERT INTO hosts (key_id, host_id, hostname, os_type, os_distro, os_version,
                     agent_version, monitor, asset_count, first_registered, registered_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (key_id, host_id) DO UPDATE SET
                     hostname = excluded.hostname, os_type = excluded.os_type,
                     os_distro = excluded.os_distro, os_version = excluded.os_version,
                     agent_version = excluded.agent_version, monitor = excluded.monitor,
                     asset_count = excluded.asset_count, registered_at = excluded.registered_at
                 RETURNING rowid",
                params![
                    key_id,
                    host.host_id,
                    host.hostname,
                    host.os_type,
                    host.os_distro,
                    host.os_version,
                    host.agent_version,
                    host.monitor,
                    count,
                    first,
                    now
                ],
                |row| row.get(0),
            )
            .map_err(&err)?;
        tx.execute("DELETE FROM host_packages WHERE host = ?1", [rowid])
            .map_err(&err)?;
        tx.execute("DELETE FROM host_findings WHERE host = ?1", [rowid])
            .map_err(&err)?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT OR IGNORE INTO host_packages
                         (host, ecosystem, name, normalized, version,
                          purl, cpe, exposure, exposed, runtime)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(&err)?;
            for a in assets {
                insert
                    .execute(params![
                        rowid,
                        a.ecosystem,
                        a.name,
                        a.normalized,
                        a.version,
                        a.purl,
                        a.cpe,
                        a.exposure,
                        a.exposed,
                        a.runtime
                    ])
                    .map_err(&err)?;
            }
        }
        let mut new_findings = Vec::with_capacity(findings.len());
        {
            let mut insert = tx
                .prepare(
                    "INSERT OR IGNORE INTO host_findings (host, advisory_id, ecosystem,
                         normalized, version, confirmed, first_seen)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(&err)?;
            for f in findings {
                let key = (
                    f.advisory_id.clone(),
                    f.ecosystem.clone(),
                    f.normalized.clone(),
                );
                let first_seen = seen.get(&key);
                new_findings.push(first_seen.is_none());
                let first_seen = first_seen.map_or(now.as_str(), String::as_str);
                insert
                    .execute(params![
                        rowid,
                        f.advisory_id,
                        f.ecosystem,
                        f.normalized,
                        f.version,
                        f.confirmed,
                        first_seen
                    ])
                    .map_err(&err)?;
            }
        }
        tx.commit().map_err(&err)?;

        Ok(Registration::Stored(Registered {
            new: previous.is_none(),
            drift,
            new_findings,
            registered_at: now,
        }))
    }

    /// Removes a host of API key `key_id` with its packages and findings; returns how many
    /// packages it held, or `None` when the key has no such host.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn delete_host(&self, key_id: i64, host_id: &str) -> Result<Option<usize>, StoreError> {
        let count: Option<i64> = self
            .conn
            .query_row(
                "DELETE FROM hosts WHERE key_id = ?1 AND host_id = ?2 RETURNING asset_count",
                params![key_id, host_id],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        Ok(count.map(|n| usize::try_from(n).unwrap_or(0)))
    }

    /// A host of API key `key_id`.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn host(&self, key_id: i64, host_id: &str) -> Result<Option<StoredHost>, StoreError> {
        self.conn
            .query_row(
                "SELECT host_id, key_id, hostname, agent_version, monitor, asset_count,
                        first_registered, registered_at
                 FROM hosts WHERE key_id = ?1 AND host_id = ?2",
                params![key_id, host_id],
                |row| {
                    Ok(StoredHost {
                        host_id: row.get(0)?,
                        key_id: row.get(1)?,
                        hostname: row.get(2)?,
                        agent_version: row.get(3)?,
                        monitor: row.get(4)?,
                        asset_count: usize::try_from(row.get::<_, i64>(5)?).unwrap_or(0),
                        first_registered: row.get(6)?,
                        registered_at: row.get(7)?,
                    })
                },
            )
            .optional()
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// The packages every host of API key `key_id` holds in all.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn assets_of_key(&self, key_id: i64) -> Result<usize, StoreError> {
        let sum: i64 = self
            .conn
            .query_row(
                "SELECT coalesce(sum(asset_count), 0) FROM hosts WHERE key_id = ?1",
                [key_id],
                |row| row.get(0),
            )
            .map_err(|e| StoreError::sqlite(&self.path, e))?;
        Ok(usize::try_from(sum).unwrap_or(0))
    }

    /// The packages (ecosystem base, normalized name) an advisory names now, withdrawn or
    /// not: what fleet re-matching and the server's match cache look at when the change
    /// log says the advisory changed.
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn packages_of(&self, advisory_id: &str) -> Result<Vec<(String, String)>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT DISTINCT f.ecosystem, f.normalized
                 FROM affected f JOIN advisories a ON a.rowid = f.advisory
                 WHERE a.id = ?1",
            )
            .and_then(|mut stmt| {
                stmt.query_map([advisory_id], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect()
            })
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }

    /// Every host, of any key, holding a version of this package: the lookup of fleet
    /// re-matching when an advisory naming the package changes. Pairs of (key id, host id).
    ///
    /// # Errors
    ///
    /// When SQLite fails.
    pub fn hosts_with_package(
        &self,
        ecosystem: &str,
        normalized: &str,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT DISTINCT h.key_id, h.host_id
                 FROM host_packages p JOIN hosts h ON h.rowid = p.host
                 WHERE p.ecosystem = ?1 AND p.normalized = ?2
                 ORDER BY h.key_id, h.host_id",
            )
            .and_then(|mut stmt| {
                stmt.query_map(params![ecosystem, normalized], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })?
                .collect()
            })
            .map_err(|e| StoreError::sqlite(&self.path, e))
    }
}

fn previous_packages(
    tx: &Transaction<'_>,
    host: i64,
) -> rusqlite::Result<BTreeMap<PackageKey, BTreeSet<String>>> {
    let mut stmt =
        tx.prepare("SELECT ecosystem, normalized, version FROM host_packages WHERE host = ?1")?;
    let mut packages: BTreeMap<PackageKey, BTreeSet<String>> = BTreeMap::new();
    let rows = stmt.query_map([host], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get(2)?,
        ))
    })?;
    for row in rows {
        let (ecosystem, normalized, version) = row?;
        packages
            .entry((ecosystem, normalized))
            .or_default()
            .insert(version);
    }
    Ok(packages)
}

/// The previous findings by (advisory, ecosystem, normalized name), with the time each
/// was first seen on the host.
fn previous_findings(
    tx: &Transaction<'_>,
    host: i64,
) -> rusqlite::Result<HashMap<(String, String, String), String>> {
    let mut stmt = tx.prepare(
        "SELECT advisory_id, ecosystem, normalized, min(first_seen) FROM host_findings
         WHERE host = ?1 GROUP BY advisory_id, ecosystem, normalized",
    )?;
    let rows = stmt.query_map([host], |row| {
        Ok((
            (row.get(0)?, row.get(1)?, row.get(2)?),
            row.get::<_, String>(3)?,
        ))
    })?;
    rows.collect()
}

fn drift(
    before: &BTreeMap<PackageKey, BTreeSet<String>>,
    after: &BTreeMap<PackageKey, BTreeSet<String>>,
) -> Drift {
    let mut drift = Drift::default();
    for (package, versions) in after {
        match before.get(package) {
            None => drift.added += 1,
            Some(old) if old != versions => drift.changed += 1,
            Some(_) => {}
        }
    }
    let kept: HashSet<&PackageKey> = after.keys().collect();
    drift.removed = before.keys().filter(|p| !kept.contains(p)).count();
    drift
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(ecosystem: &str, name: &str, version: &str) -> HostAsset {
        HostAsset {
            ecosystem: ecosystem.into(),
            name: name.into(),
            normalized: osv::normalize_name(ecosystem, name),
            version: version.into(),
            purl: None,
            cpe: None,
            exposure: None,
            exposed: false,
            runtime: false,
        }
    }

    fn finding(id: &str, a: &HostAsset) -> HostFinding {
        HostFinding {
            advisory_id: id.into(),
            ecosystem: a.ecosystem.clone(),
            normalized: a.normalized.clone(),
            version: a.version.clone(),
            confirmed: true,
        }
    }

    fn host(id: &str) -> HostRecord {
        HostRecord {
            host_id: id.into(),
            agent_version: "1.0".into(),
            monitor: true,
            ..HostRecord::default()
        }
    }

    fn stored(r: Registration) -> Registered {
        match r {
            Registration::Stored(r) => r,
            other => panic!("expected a stored registration, but found {other:?}"),
        }
    }

    #[test]
    fn registrations_drift_cap_and_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("radar.db")).unwrap();
        let key = store.add_api_key("k", "free", "h1", "otr_1").unwrap().id;
        let other = store.add_api_key("o", "free", "h2", "otr_2").unwrap().id;

        let first = [
            asset("PyPI", "Django", "4.2"),
            asset("npm", "lodash", "4.17.20"),
            asset("npm", "left-pad", "1.0.0"),
        ];
        let r = stored(
            store
                .register_host(key, &host("a"), &first, &[finding("GHSA-1", &first[1])], 5)
                .unwrap(),
        );
        assert!(r.new);
        let all_new = Drift {
            added: 3,
            removed: 0,
            changed: 0,
        };
        assert_eq!(r.drift, all_new);
        assert_eq!(r.new_findings, [true]);

        // lodash upgraded (same advisory stays, not new), left-pad gone, chalk added.
        let second = [
            asset("PyPI", "django", "4.2"),
            asset("npm", "lodash", "4.17.21"),
            asset("npm", "chalk", "5.0.0"),
        ];
        let findings = [finding("GHSA-1", &second[1]), finding("MAL-1", &second[2])];
        let r = stored(
            store
                .register_host(key, &host("a"), &second, &findings, 5)
                .unwrap(),
        );
        assert!(!r.new);
        let expected = Drift {
            added: 1,
            removed: 1,
            changed: 1,
        };
        assert_eq!(r.drift, expected);
        assert_eq!(r.new_findings, [false, true]);
        assert_eq!(store.assets_of_key(key).unwrap(), 3);

        // The cap counts the key's other hosts, not this host's previous registration,
        // and not other keys.
        let two = [asset("npm", "a", "1"), asset("npm", "b", "1")];
        assert!(matches!(
            store.register_host(key, &host("b"), &two, &[], 5).unwrap(),
            Registration::Stored(_)
        ));
        let three = [two[0].clone(), two[1].clone(), asset("npm", "c", "1")];
        assert_eq!(
            store
                .register_host(key, &host("b"), &three, &[], 5)
                .unwrap(),
            Registration::OverCap { max: 5, found: 6 }
        );
        assert_eq!(store.host(key, "b").unwrap().unwrap().asset_count, 2);
        assert!(matches!(
            store
                .register_host(other, &host("b"), &three, &[], 5)
                .unwrap(),
            Registration::Stored(_)
        ));
        assert_eq!(
            store.hosts_with_package("npm", "a").unwrap(),
            [(key, "b".to_owned()), (other, "b".to_owned())]
        );

        // Deleting frees the slots; an unknown host is None.
        assert_eq!(store.delete_host(key, "a").unwrap(), Some(3));
        assert_eq!(store.delete_host(key, "a").unwrap(), None);
        assert!(store.host(key, "a").unwrap().is_none());
        assert!(matches!(
            store
                .register_host(key, &host("b"), &three, &[], 5)
                .unwrap(),
            Registration::Stored(_)
        ));
        let left: i64 = store
            .conn
            .query_row("SELECT count(*) FROM host_findings", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0, "findings go with their host");
    }
}

//! Operating-system package databases (dpkg, apk, rpm), read from files so that a mounted
//! or unpacked image is read like a running host, and the distribution release from
//! `etc/os-release` that gives their OSV ecosystem suffix (`Debian:12`, `Alpine:v3.20`).
//!
//! A database is found by its path under a filesystem root (`var/lib/dpkg/status`,
//! `lib/apk/db/installed`, `var/lib/rpm/rpmdb.sqlite`, ...); that root is the path with
//! the database's well-known suffix removed, and its os-release is read from there.

mod apk;
mod dpkg;
mod release;
mod rpm;

use std::path::{Path, PathBuf};

pub(crate) use apk::installed as apk_installed;
pub(crate) use dpkg::status as dpkg_status;
pub use release::{distribution, OsRelease};
pub(crate) use rpm::{database as rpm_database, split_source_rpm};

use super::{Ctx, Failure, Found, Sink};
use crate::{Collector, Ecosystem, OsInfo, Source};

/// Where dpkg keeps its database, below a filesystem root.
const DPKG_DIR: &[&str] = &["var", "lib", "dpkg"];
/// Where apk keeps its database (`usr/lib/apk/db` ends the same way).
const APK_INSTALLED: &[&str] = &["lib", "apk", "db", "installed"];
/// Where rpm keeps its database: the classic place and the one of newer Fedora, openSUSE.
const RPM_DIRS: &[&[&str]] = &[&["var", "lib", "rpm"], &["usr", "lib", "sysimage", "rpm"]];
/// The file names of rpm databases: SQLite, and the Berkeley DB and ndb ones.
const RPM_FILES: &[&str] = &["rpmdb.sqlite", "Packages", "Packages.db"];

/// Which OS database collector, if any, reads `path` (judged by its name and parents).
pub(crate) fn classify(path: &Path, name: &str) -> Option<Collector> {
    let parent = path.parent()?;
    if name == "status" && ends_with(parent, DPKG_DIR) {
        return Some(Collector::DpkgStatus);
    }
    // Distroless images: one paragraph file per package, beside its `.md5sums` list.
    if parent.file_name().is_some_and(|n| n == "status.d")
        && parent.parent().is_some_and(|p| ends_with(p, DPKG_DIR))
        && !name.ends_with(".md5sums")
    {
        return Some(Collector::DpkgStatus);
    }
    if name == "installed" && ends_with(path, APK_INSTALLED) {
        return Some(Collector::ApkInstalled);
    }
    if RPM_FILES.contains(&name) && RPM_DIRS.iter().any(|dir| ends_with(parent, dir)) {
        return Some(Collector::RpmDatabase);
    }
    None
}

/// Whether the last components of `path` are `suffix`.
fn ends_with(path: &Path, suffix: &[&str]) -> bool {
    let mut components = path.components().rev();
    suffix
        .iter()
        .rev()
        .all(|want| components.next().is_some_and(|c| c.as_os_str() == *want))
}

/// The filesystem root a database file lies under: `path` without its last `depth`
/// components (`var/lib/dpkg/status` has depth 4).
fn fs_root(path: &Path, depth: usize) -> PathBuf {
    let mut root = path;
    for _ in 0..depth {
        root = root.parent().unwrap_or(root);
    }
    root.to_path_buf()
}

/// The distribution of the filesystem root `root`, for packages of a database in the
/// format whose usual vendor is `fallback` (`debian` for dpkg, `alpine` for apk).
struct Distro {
    ecosystem: Option<Ecosystem>,
    /// os-release `ID` (or the fallback vendor), `VERSION_ID` and the OSV suffix.
    id: String,
    version_id: Option<String>,
    release: Option<String>,
    /// Why no release could be told, for the scan error.
    unknown: Option<String>,
}

impl Distro {
    /// Reads the os-release of `root` (see [`release::read`]) and maps it to an OSV
    /// ecosystem and release.
    fn of(root: &Path, sink: &mut Sink, ctx: &Ctx<'_>) -> Distro {
        let os = match release::read(root, sink, ctx.options) {
            Ok(os) => os,
            Err(why) => {
                return Distro {
                    ecosystem: None,
                    id: String::new(),
                    version_id: None,
                    release: None,
                    unknown: Some(why),
                }
            }
        };
        let id = os.id.clone().unwrap_or_default();
        match distribution(&os) {
            Some((ecosystem, release)) => Distro {
                ecosystem: Some(ecosystem),
                unknown: release
                    .is_none()
                    .then(|| format!("os-release ID `{id}` names no numbered release")),
                id,
                version_id: os.version_id.clone(),
                release,
            },
            None => Distro {
                ecosystem: None,
                unknown: Some(format!(
                    "os-release ID `{id}` is not a distribution OSV publishes advisories \
                     for under a name this scanner maps"
                )),
                id,
                version_id: os.version_id.clone(),
                release: None,
            },
        }
    }

    /// The ecosystem and OS details of a package of a database whose format belongs to
    /// `family` (dpkg: Debian or Ubuntu; apk: Alpine; rpm: the rpm distributions).
    /// `None` when the distribution does not use this format.
    fn for_family(&self, family: &[Ecosystem], vendor: &str) -> Option<(Ecosystem, OsInfo)> {
        let info = |id: &str| OsInfo {
            distro: id.to_string(),
            distro_version: self.version_id.clone(),
            release: self.release.clone(),
            ..OsInfo::default()
        };
        match self.ecosystem {
            Some(ecosystem) if family.contains(&ecosystem) => Some((ecosystem, info(&self.id))),
            // Without a known distribution the format's own vendor names the packages, so
            // they are listed (and not matched: there is no release).
            _ if !vendor.is_empty() => Some((
                family[0],
                OsInfo {
                    distro: if self.id.is_empty() { vendor } else { &self.id }.to_string(),
                    distro_version: self.version_id.clone(),
                    ..OsInfo::default()
                },
            )),
            _ => None,
        }
    }
}

/// The packages of one database, before they become findings: name, version (as matched:
/// dpkg and apk as written, rpm `[epoch:]version-release`) and OS details.
#[derive(Debug)]
struct OsPackage {
    name: String,
    version: String,
    info: OsInfo,
}

/// Turns a database's packages into findings of `family`, with a scan error when their
/// release is unknown (they could not be matched against any advisory).
fn emit(
    packages: Vec<OsPackage>,
    family: &[Ecosystem],
    vendor: &str,
    distro: &Distro,
    collector: Collector,
    sink: &mut Sink,
) {
    let count = packages.len();
    let placed = distro.for_family(family, vendor);
    if let Some((ecosystem, base)) = &placed {
        for package in packages {
            let info = OsInfo {
                distro: base.distro.clone(),
                distro_version: base.distro_version.clone(),
                release: base.release.clone(),
                ..package.info
            };
            let mut found = Found::new(
                collector,
                *ecosystem,
                package.name,
                Some(package.version),
                Source::Registry,
            );
            found.os = Some(info);
            sink.found.push(found);
        }
    }

    let missing_release = placed
        .as_ref()
        .is_none_or(|(_, info)| info.release.is_none());
    if count > 0 && missing_release {
        let why = distro.unknown.clone().unwrap_or_default();
        let consequence = if placed.is_some() {
            "they are listed without a release and matched against no advisory"
        } else {
            "they are not listed"
        };
        sink.failures.push(Failure {
            code: "unknown-release",
            message: format!(
                "expected an os-release naming the distribution release of these {count} \
                 packages, but {why}; {consequence}"
            ),
            path: None,
        });
    }
}

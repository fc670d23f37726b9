//! The `report` stage: one scan report value, many renderings, one exit status.
//!
//! Every format — the human table, JSON, SARIF 2.1.0, Markdown, CycloneDX — is rendered from
//! the same [`ScanReport`], and the exit status is computed from it by [`exit_status`], never by a
//! renderer. Scan errors are part of every format: a scan that could not read something
//! never looks clean.

mod cyclonedx;
mod markdown;
mod sarif;
mod table;

use matcher::Finding;
use serde::Serialize;

pub use cyclonedx::{cyclonedx, cyclonedx_inventory, BomInfo};
pub use markdown::markdown;
pub use sarif::sarif;
pub use table::table;

/// A file or part of a scan that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanError {
    /// The path (relative to its root) or what failed.
    pub path: String,
    /// Why.
    pub error: String,
}

/// An advisory left out by configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ignored {
    /// The advisory id.
    pub id: String,
    /// The reason the configuration gives.
    pub reason: String,
    /// How many findings it hid.
    pub findings: usize,
}

/// Counts for the summary line and for scripts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Packages examined.
    pub packages: usize,
    /// Confirmed findings.
    pub findings: usize,
    /// Of those, malicious packages.
    pub malicious: usize,
    /// Of those, critical (every malicious one included).
    pub critical: usize,
    /// Of those, high.
    pub high: usize,
    /// Of those, medium.
    pub medium: usize,
    /// Of those, low.
    pub low: usize,
    /// Of those, of unknown severity.
    pub unknown: usize,
    /// Findings whose version could not be confirmed.
    pub unconfirmed: usize,
    /// Scan errors.
    pub errors: usize,
}

/// The inspection of installed packages (`radar scan --inspect`, issue 7).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Inspection {
    /// Counts, cache use included.
    pub summary: InspectionSummary,
    /// Every package inspected, malicious first, then suspicious, then clean.
    pub packages: Vec<InspectedPackage>,
}

/// Counts of an inspection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InspectionSummary {
    /// Packages inspected (from the cache or not).
    pub packages: usize,
    /// Labelled malicious.
    pub malicious: usize,
    /// Labelled suspicious.
    pub suspicious: usize,
    /// Labelled clean.
    pub clean: usize,
    /// Packages whose report came from the cache.
    pub from_cache: usize,
    /// Files read from disk.
    pub files_read: usize,
    /// Files not read because the cache knew them unchanged.
    pub files_cached: usize,
    /// The cache directory, `null` when the cache was off.
    pub cache: Option<String>,
}

/// One installed package's inspection, with where the finder found it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectedPackage {
    /// The scanned root it is under, as given.
    pub root: String,
    /// The package's directory relative to that root.
    pub location: String,
    /// The inspector's report (`path` is the directory on disk).
    #[serde(flatten)]
    pub report: inspect::PackageReport,
}

impl Inspection {
    /// Orders the packages (malicious first) and counts them; cache counts are the
    /// caller's.
    pub fn new(mut packages: Vec<InspectedPackage>, summary: InspectionSummary) -> Self {
        packages.sort_by(|a, b| {
            (b.report.verdict, b.report.score, &a.root, &a.location).cmp(&(
                a.report.verdict,
                a.report.score,
                &b.root,
                &b.location,
            ))
        });
        let count = |label| {
            packages
                .iter()
                .filter(|p| p.report.verdict == label)
                .count()
        };
        let summary = InspectionSummary {
            packages: packages.len(),
            malicious: count(inspect::Label::Malicious),
            suspicious: count(inspect::Label::Suspicious),
            clean: count(inspect::Label::Clean),
            ..summary
        };
        Inspection { summary, packages }
    }

    /// The packages labelled suspicious or malicious, the ones every format details.
    pub fn flagged(&self) -> impl Iterator<Item = &InspectedPackage> {
        self.packages
            .iter()
            .filter(|p| p.report.verdict != inspect::Label::Clean)
    }
}

impl InspectedPackage {
    /// The package's directory as one line: `root/location`.
    pub fn location_line(&self) -> String {
        join_root(&self.root, &self.location)
    }
}

/// Everything a scan found, as every format renders it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanReport {
    /// The roots scanned.
    pub roots: Vec<String>,
    /// Counts.
    pub summary: Summary,
    /// Confirmed findings, malicious first.
    pub findings: Vec<Finding>,
    /// Findings whose version could not be ordered or was missing.
    pub unconfirmed: Vec<Finding>,
    /// Advisories ignored by configuration.
    pub ignored: Vec<Ignored>,
    /// What could not be read.
    pub errors: Vec<ScanError>,
    /// The inspection of installed packages, when asked for (`--inspect`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspection: Option<Inspection>,
}

impl ScanReport {
    /// Builds a report and its summary.
    pub fn new(
        roots: Vec<String>,
        packages: usize,
        findings: Vec<Finding>,
        unconfirmed: Vec<Finding>,
        ignored: Vec<Ignored>,
        errors: Vec<ScanError>,
    ) -> Self {
        let mut summary = Summary {
            packages,
            findings: findings.len(),
            unconfirmed: unconfirmed.len(),
            errors: errors.len(),
            ..Summary::default()
        };
        for finding in &findings {
            if finding.kind == "malicious" {
                summary.malicious += 1;
            }
            match finding.severity.as_str() {
                "critical" => summary.critical += 1,
                "high" => summary.high += 1,
                "medium" => summary.medium += 1,
                "low" => summary.low += 1,
                _ => summary.unknown += 1,
            }
        }
        Self {
            roots,
            summary,
            findings,
            unconfirmed,
            ignored,
            errors,
            inspection: None,
        }
    }

    /// Adds the inspection of installed packages.
    pub fn with_inspection(mut self, inspection: Inspection) -> Self {
        self.inspection = Some(inspection);
        self
    }

    /// Packages the inspector labelled malicious.
    pub fn inspected_malicious(&self) -> usize {
        self.inspection.as_ref().map_or(0, |i| i.summary.malicious)
    }

    /// The JSON rendering.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

/// The threshold of `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Only malicious packages fail.
    Malicious,
    /// Findings of at least this severity fail (malicious ones are critical).
    Critical,
    /// At least high.
    High,
    /// At least medium.
    Medium,
    /// At least low.
    Low,
    /// Any confirmed finding fails.
    Any,
    /// Nothing fails on findings (errors still give 4).
    None,
}

impl FailOn {
    /// Reads the names of `--fail-on` and of the configuration's `fail-on`.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "malicious" => Self::Malicious,
            "critical" => Self::Critical,
            "high" => Self::High,
            "medium" => Self::Medium,
            "low" => Self::Low,
            "any" => Self::Any,
            "none" => Self::None,
            _ => return None,
        })
    }

    fn fails(self, finding: &Finding) -> bool {
        let rank = |s: &str| match s {
            "critical" => 4,
            "high" => 3,
            "medium" => 2,
            "low" => 1,
            _ => 0,
        };
        let severity = rank(&finding.severity);
        match self {
            Self::Malicious => finding.kind == "malicious",
            Self::Critical => severity >= 4,
            Self::High => severity >= 3,
            Self::Medium => severity >= 2,
            Self::Low => severity >= 1,
            Self::Any => true,
            Self::None => false,
        }
    }
}

/// The exit status of a scan: 1 when a confirmed finding is at or above `fail_on` or, unless
/// `fail_on` is `none`, the inspector labelled a package malicious (issue 7); else 4 when the
/// scan was incomplete (errors); else 0. (2 and 3, usage and a missing database, are
/// decided before a report exists.)
pub fn exit_status(report: &ScanReport, fail_on: FailOn) -> u8 {
    let inspected_malicious = fail_on != FailOn::None && report.inspected_malicious() > 0;
    if inspected_malicious || report.findings.iter().any(|f| fail_on.fails(f)) {
        1
    } else if !report.errors.is_empty() {
        4
    } else {
        0
    }
}

/// Groups findings by advisory, keeping their order (malicious first).
pub(crate) fn by_advisory(findings: &[Finding]) -> Vec<(&Finding, Vec<&Finding>)> {
    let mut groups: Vec<(&Finding, Vec<&Finding>)> = Vec::new();
    for finding in findings {
        match groups.iter_mut().find(|(first, _)| first.id == finding.id) {
            Some((_, members)) => members.push(finding),
            None => groups.push((finding, vec![finding])),
        }
    }
    groups
}

/// The package as one line: `PyPI starlette-healthcheck 1.3.1`.
pub(crate) fn package_line(finding: &Finding) -> String {
    let p = &finding.package;
    format!(
        "{} {} {}",
        p.ecosystem,
        p.name,
        p.version.as_deref().unwrap_or("(no version)")
    )
}

/// A location as one line: `root/path:line`, with the image layer that provided it.
pub(crate) fn location_line(location: &matcher::FoundAt) -> String {
    let path = join_root(&location.root, &location.path);
    let path = match location.line {
        Some(line) => format!("{path}:{line}"),
        None => path,
    };
    match (location.layer, &location.layer_digest) {
        (Some(layer), Some(digest)) => format!("{path} (layer {layer} {digest})"),
        (Some(layer), None) => format!("{path} (layer {layer})"),
        _ => path,
    }
}

/// A root-relative path as one path: `root/path`, the root alone for `.`.
fn join_root(root: &str, path: &str) -> String {
    let root = root.trim_end_matches('/');
    if path == "." {
        root.to_owned()
    } else if root.is_empty() || root == "." {
        path.to_owned()
    } else {
        format!("{root}/{path}")
    }
}

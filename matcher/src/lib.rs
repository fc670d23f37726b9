//! The `matcher` stage: packages × the advisory store → findings.
//!
//! For every registry package of an inventory, the store's index gives the affected
//! entries that name it (one indexed query per package, never a parse of every record),
//! and the `versions` stage decides whether the installed version is affected and why. A
//! package whose version cannot be ordered, or that has no version, gives an unconfirmed
//! finding, kept apart: never a silent "not affected".
//!
//! Malicious-package reports may carry indicators (`evidence_files[].sha256`,
//! `package_integrity[].hashes`); when a file the package installed, or a package archive
//! in the tree, has one of those hashes, the finding is "confirmed by file hash".

mod hashes;

use std::collections::HashSet;

use inventory::{Inventory, Package};
use serde::Serialize;
use store::{AffectedEntry, Store};
use versions::{Evaluation, Reason};

/// Why matching stopped.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// The package a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageRef {
    /// The OSV ecosystem, with the release for OS packages (`Debian:12`).
    pub ecosystem: String,
    /// The name as found.
    pub name: String,
    /// The version found, if any.
    pub version: Option<String>,
    /// The package URL.
    pub purl: String,
}

/// One place a matched package was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundAt {
    /// The scanned root it is under, as given.
    pub root: String,
    /// The path relative to that root.
    pub path: String,
    /// The collector that found it (`python-dist-info`, `package-lock-json`, …).
    pub collector: String,
    /// The line in a lockfile, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// For a container image: the 0-based layer that provided the file (lowest first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
    /// For a container image: that layer's digest (`sha256:…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer_digest: Option<String>,
}

/// A package affected by an advisory.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The advisory id.
    pub id: String,
    /// `malicious` or `vulnerability`.
    pub kind: String,
    /// `critical`, `high`, `medium`, `low` or `unknown` (malicious is always critical).
    pub severity: String,
    /// The advisory's summary.
    pub summary: Option<String>,
    /// The advisory's aliases.
    pub aliases: Vec<String>,
    /// The affected package.
    pub package: PackageRef,
    /// Where it was found.
    pub locations: Vec<FoundAt>,
    /// Why it matched: the list entry or range, and the ordering.
    pub matched: String,
    /// Versions that fix it, if any.
    pub fixed: Vec<String>,
    /// Whether a file hash from the advisory's indicators was found.
    pub confirmed_by_hash: bool,
    /// For an unconfirmed finding, why the version could not be decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unconfirmed: Option<String>,
}

impl Finding {
    /// Whether the version was confirmed to be affected.
    pub fn is_confirmed(&self) -> bool {
        self.unconfirmed.is_none()
    }
}

/// The matcher's answer for an inventory.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Matches {
    /// Confirmed findings, malicious first, then by severity and id.
    pub findings: Vec<Finding>,
    /// Findings whose version could not be ordered or was missing.
    pub unconfirmed: Vec<Finding>,
    /// Problems met while confirming by hash (files that could not be read).
    pub hash_errors: Vec<String>,
}

/// Matches every registry package of `inventory` against the store.
///
/// # Errors
///
/// [`MatchError::Store`] when the store cannot be read.
pub fn match_inventory(store: &Store, inventory: &Inventory) -> Result<Matches, MatchError> {
    let mut matches = Matches::default();
    for package in inventory.packages.iter().filter(|p| p.is_registry()) {
        // OS packages are indexed under the name their advisories use (Debian, Ubuntu and
        // Alpine name source packages) and only entries of their own release apply.
        let entries = store.affected_for(package.ecosystem.as_str(), package.advisory_name())?;
        let mut seen = HashSet::new();
        for entry in &entries {
            // One finding per advisory and package, from its first entry that decides.
            if seen.contains(&entry.id) || !package.release_matches(&entry.ecosystem) {
                continue;
            }
            let Some(mut finding) = evaluate(entry, package, inventory) else {
                continue;
            };
            seen.insert(entry.id.clone());
            if finding.kind == "malicious" {
                finding.confirmed_by_hash =
                    hashes::confirmed(entry, package, inventory, &mut matches.hash_errors);
            }
            if finding.is_confirmed() {
                matches.findings.push(finding);
            } else {
                matches.unconfirmed.push(finding);
            }
        }
    }
    sort(&mut matches.findings);
    sort(&mut matches.unconfirmed);
    Ok(matches)
}

fn evaluate(entry: &AffectedEntry, package: &Package, inventory: &Inventory) -> Option<Finding> {
    let (matched, unconfirmed) = match package.advisory_version() {
        None => (
            "name only".to_owned(),
            Some("no version was found for the package".to_owned()),
        ),
        Some(version) => match versions::evaluate(&entry.affected, version) {
            Evaluation::NotAffected => return None,
            Evaluation::Affected(reason) => (describe(&reason), None),
            Evaluation::CannotOrder(why) => ("name only".to_owned(), Some(why.to_string())),
        },
    };
    Some(Finding {
        id: entry.id.clone(),
        kind: entry.kind.clone(),
        severity: entry.severity.clone(),
        summary: entry.summary.clone(),
        aliases: entry.aliases.clone(),
        package: PackageRef {
            ecosystem: package.osv_ecosystem(),
            name: package.name.clone(),
            version: package.version.clone(),
            purl: package.purl.clone(),
        },
        locations: package
            .locations
            .iter()
            .map(|l| FoundAt {
                root: inventory
                    .roots
                    .get(l.root)
                    .map(|r| r.display().to_string())
                    .unwrap_or_default(),
                path: l.path.clone(),
                collector: l.collector.as_str().to_owned(),
                line: l.line,
                layer: l.layer,
                layer_digest: l
                    .layer
                    .and_then(|i| inventory.layers.get(i))
                    .map(|layer| layer.digest.clone())
                    .filter(|d| !d.is_empty()),
            })
            .collect(),
        matched,
        fixed: fixed_versions(&entry.affected),
        confirmed_by_hash: false,
        unconfirmed,
    })
}

/// The reason in words: `versions: 1.3.1 (PEP 440)`, `range: introduced 0, fixed 2.0
/// (SemVer)`.
fn describe(reason: &Reason) -> String {
    match reason {
        Reason::Listed {
            version, scheme, ..
        } => match scheme {
            Some(scheme) => format!("versions: {version} ({})", scheme.name()),
            None => format!("versions: {version} (as text)"),
        },
        Reason::Range {
            kind,
            introduced,
            closed_by,
            scheme,
            ..
        } => {
            let close = closed_by
                .as_ref()
                .map(|e| format!(", {} {}", e.name(), e.version()))
                .unwrap_or_default();
            format!(
                "{kind} range: introduced {}{close} ({})",
                introduced.version(),
                scheme.name()
            )
        }
    }
}

fn fixed_versions(affected: &osv::Affected) -> Vec<String> {
    let mut fixed: Vec<String> = affected
        .ranges
        .iter()
        .flat_map(|r| &r.events)
        .filter_map(|e| match e {
            osv::Event::Fixed(v) => Some(v.clone()),
            _ => None,
        })
        .collect();
    fixed.dedup();
    fixed
}

/// Malicious first, then by severity, then by id and package.
fn sort(findings: &mut [Finding]) {
    let rank = |f: &Finding| {
        let severity = match f.severity.as_str() {
            "critical" => 0,
            "high" => 1,
            "medium" => 2,
            "low" => 3,
            _ => 4,
        };
        (u8::from(f.kind != "malicious"), severity)
    };
    findings.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.package.purl.cmp(&b.package.purl))
    });
}

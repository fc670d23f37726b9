//! The threat object of API v1 (`T` in API.md) built from a stored advisory: its slug,
//! title, CVE id, scores, affected versions, fixes, remediation, references and CWEs.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::auth::hex;

/// Title words kept in a slug.
const SLUG_WORDS: usize = 8;

/// A threat as API v1 names its fields.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Threat {
    /// The advisory id (the hosted radar's own id field).
    #[serde(rename = "_id")]
    pub id: String,
    /// The advisory id.
    pub external_id: String,
    /// The CVE alias, or the advisory id when there is none.
    pub cve_id: String,
    /// The stable page slug.
    pub slug: String,
    /// The summary, or a title made from the package.
    pub title: String,
    /// `critical`, `high`, `medium`, `low` or `unknown`.
    pub severity: String,
    /// The CVSS v3 base score computed from the record's vector.
    pub cvss_score: Option<f64>,
    /// The CVSS v3 vector.
    pub cvss_vector: Option<String>,
    /// EPSS score and percentile; `null` until EPSS enrichment is ingested.
    pub epss: Option<Value>,
    /// CISA KEV entry; `null` until KEV enrichment is ingested.
    pub kev: Option<Value>,
    /// Whether exploitation in the wild is known (from KEV).
    pub known_exploits_in_wild: bool,
    /// When the advisory was published.
    pub published_date: Option<String>,
    /// The affected packages and their versions.
    pub affected_versions: Vec<AffectedVersions>,
    /// Whether any affected package has a fixed version.
    pub patch_available: bool,
    /// Every fixed version named.
    pub fixed_versions: Vec<String>,
    /// What to do about it.
    pub remediation: String,
    /// Reference URLs.
    pub references: Vec<String>,
    /// CWE ids.
    pub cwes: Vec<String>,
    /// `malicious` or `vulnerability`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The database that published the advisory.
    pub source: String,
}

/// One affected package of a threat.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AffectedVersions {
    /// The OSV ecosystem, suffix included.
    pub ecosystem: String,
    /// The package name.
    pub package: String,
    /// Versions listed one by one.
    pub versions: Vec<String>,
    /// Ranges in words (`ECOSYSTEM: introduced 0, fixed 2.0`).
    pub ranges: Vec<String>,
    /// Fixed versions.
    pub fixed: Vec<String>,
}

impl Threat {
    /// Builds the threat object of a stored advisory.
    pub fn new(advisory: &store::Advisory, record: &osv::Record) -> Self {
        let title = title(record);
        let affected_versions: Vec<AffectedVersions> = record
            .affected
            .iter()
            .filter_map(|a| {
                let package = a.package.as_ref()?;
                Some(AffectedVersions {
                    ecosystem: package.ecosystem.clone(),
                    package: package.name.clone(),
                    versions: a.versions.clone(),
                    ranges: a.ranges.iter().map(describe_range).collect(),
                    fixed: fixed_versions(a),
                })
            })
            .collect();
        let mut fixed: Vec<String> = Vec::new();
        for version in affected_versions.iter().flat_map(|a| &a.fixed) {
            if !fixed.contains(version) {
                fixed.push(version.clone());
            }
        }
        Self {
            id: advisory.id.clone(),
            external_id: advisory.id.clone(),
            cve_id: cve_id(&advisory.id, &record.aliases),
            slug: slug(&advisory.id, &title),
            title,
            severity: advisory.severity.clone(),
            cvss_score: record.cvss_score(),
            cvss_vector: record.cvss_vector().map(str::to_owned),
            epss: None,
            kev: None,
            known_exploits_in_wild: false,
            published_date: record.published.clone(),
            patch_available: !fixed.is_empty(),
            remediation: remediation(&advisory.kind, record),
            fixed_versions: fixed,
            affected_versions,
            references: record.references.iter().map(|r| r.url.clone()).collect(),
            cwes: cwes(&advisory.kind, record),
            kind: advisory.kind.clone(),
            source: publisher(&advisory.id).to_owned(),
        }
    }
}

/// The title pages show: the summary, else what and where.
pub fn title(record: &osv::Record) -> String {
    if let Some(summary) = record.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        return summary.trim().to_owned();
    }
    let package = record.affected.iter().find_map(|a| a.package.as_ref());
    match (package, record.kind()) {
        (Some(p), osv::Kind::Malicious) => {
            format!("Malicious code in {} ({})", p.name, p.ecosystem)
        }
        (Some(p), osv::Kind::Vulnerability) => {
            format!("Vulnerability in {} ({})", p.name, p.ecosystem)
        }
        (None, _) => record.id.clone(),
    }
}

/// The slug of a threat page: the id and the first title words, lowercased, and a short
/// hash of the id. The id part and the hash never change, so a slug keeps finding its
/// advisory even after the summary is edited ([`slug_hash`] checks it).
pub fn slug(id: &str, title: &str) -> String {
    let mut slug = id.to_lowercase();
    let words = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(SLUG_WORDS);
    for word in words {
        slug.push('-');
        slug.push_str(&word.to_lowercase());
    }
    slug.push('-');
    slug.push_str(&slug_hash(id));
    slug
}

/// The six hex digits of SHA-256 of the id that end a slug.
pub fn slug_hash(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes())[..3])
}

/// The CVE alias, or the advisory's own id (API.md: the client groups by it).
pub fn cve_id(id: &str, aliases: &[String]) -> String {
    std::iter::once(id)
        .chain(aliases.iter().map(String::as_str))
        .find(|a| a.starts_with("CVE-"))
        .unwrap_or(id)
        .to_owned()
}

/// The publishing database, from the id's prefix (OSV's list of id prefixes).
pub fn publisher(id: &str) -> &'static str {
    let prefix = id.split('-').next().unwrap_or_default();
    match prefix {
        "MAL" => "OpenSSF Malicious Packages",
        "GHSA" => "GitHub Advisory Database",
        "PYSEC" => "PyPI Advisory Database",
        "RUSTSEC" => "RustSec Advisory Database",
        "GO" => "Go Vulnerability Database",
        "CVE" => "National Vulnerability Database",
        "OSV" => "OSV",
        "DSA" | "DLA" | "DTSA" | "DEBIAN" => "Debian Security Tracker",
        "USN" | "UBUNTU" => "Ubuntu Security Notices",
        "ALSA" | "ALBA" | "ALEA" => "AlmaLinux",
        "RLSA" | "RXSA" => "Rocky Linux",
        "RHSA" | "RHBA" | "RHEA" => "Red Hat",
        "PSF" => "Python Software Foundation",
        "GSD" => "Global Security Database",
        "BIT" => "Bitnami Vulnerability Database",
        "HSEC" => "Haskell Security Advisories",
        "RSEC" => "R Consortium Advisory Database",
        "SUSE" | "openSUSE" => "SUSE",
        "CURL" => "curl",
        "LBSEC" => "LoopBack",
        "MGASA" => "Mageia",
        "UVI" => "UVI Database",
        "OESA" => "openEuler",
        _ => "OSV",
    }
}

/// A range in words: `ECOSYSTEM: introduced 0, fixed 2.0`.
pub fn describe_range(range: &osv::Range) -> String {
    let events: Vec<String> = range
        .events
        .iter()
        .map(|e| format!("{} {}", e.name(), e.version()))
        .collect();
    format!("{}: {}", range.kind.as_str(), events.join(", "))
}

/// The fixed versions of one affected entry, in the order written.
pub fn fixed_versions(affected: &osv::Affected) -> Vec<String> {
    let mut fixed: Vec<String> = Vec::new();
    for event in affected.ranges.iter().flat_map(|r| &r.events) {
        if let osv::Event::Fixed(version) = event {
            if !fixed.contains(version) {
                fixed.push(version.clone());
            }
        }
    }
    fixed
}

/// CWE ids from the places publishers write them: `affected[].database_specific.cwes`
/// (ids or `{"cweId"}` objects) and GitHub's `database_specific.cwe_ids`. A malicious
/// report is CWE-506 (embedded malicious code) by definition, written or not.
pub fn cwes(kind: &str, record: &osv::Record) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let lists = record
        .affected
        .iter()
        .filter_map(|a| a.database_specific.as_ref()?.get("cwes"))
        .chain(
            record
                .database_specific
                .as_ref()
                .and_then(|db| db.get("cwe_ids")),
        );
    for list in lists.filter_map(Value::as_array) {
        for cwe in list {
            let id = cwe
                .as_str()
                .or_else(|| cwe.get("cweId").and_then(Value::as_str));
            if let Some(id) = id.filter(|id| !found.iter().any(|f| f == id)) {
                found.push(id.to_owned());
            }
        }
    }
    if kind == "malicious" && !found.iter().any(|c| c == "CWE-506") {
        found.push("CWE-506".to_owned());
    }
    found
}

/// What to do, from the record: remove a malicious package and treat its hosts as exposed;
/// upgrade a vulnerable one to a fixed version when one exists.
pub fn remediation(kind: &str, record: &osv::Record) -> String {
    let packages: Vec<String> = record
        .affected
        .iter()
        .filter_map(|a| {
            a.package
                .as_ref()
                .map(|p| format!("{} ({})", p.name, p.ecosystem))
        })
        .collect();
    let packages = if packages.is_empty() {
        "the affected package".to_owned()
    } else {
        packages.join(", ")
    };
    if kind == "malicious" {
        return format!(
            "Remove {packages} from every environment that installed it, rotate the \
             credentials and tokens those environments held, and search logs for the \
             indicators the advisory names."
        );
    }
    let upgrades: Vec<String> = record
        .affected
        .iter()
        .filter_map(|a| {
            let package = a.package.as_ref()?;
            let fixed = fixed_versions(a);
            (!fixed.is_empty()).then(|| format!("{} to {}", package.name, fixed.join(" or ")))
        })
        .collect();
    if upgrades.is_empty() {
        format!(
            "No fixed version is published for {packages}: replace it, or limit its exposure \
             until a fix is released."
        )
    } else {
        format!("Upgrade {} or later.", upgrades.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercased_words_and_a_stable_hash() {
        let slug = slug(
            "MAL-2026-6724",
            "Malicious code in starlette-healthcheck (PyPI)",
        );
        assert!(slug.starts_with("mal-2026-6724-malicious-code-in-starlette-healthcheck-pypi-"));
        assert_eq!(
            slug.len(),
            "mal-2026-6724-malicious-code-in-starlette-healthcheck-pypi-".len() + 6
        );
        assert!(slug.ends_with(&slug_hash("MAL-2026-6724")));
        assert_ne!(slug_hash("MAL-2026-6724"), slug_hash("MAL-2026-6725"));
    }

    #[test]
    fn cve_id_prefers_the_cve_alias() {
        assert_eq!(cve_id("GHSA-x", &["CVE-2026-1".into()]), "CVE-2026-1");
        assert_eq!(cve_id("MAL-1", &[]), "MAL-1");
    }
}

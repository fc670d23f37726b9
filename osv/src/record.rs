//! The record types of the OSV schema.
//!
//! Lists the schema makes optional are read as empty when absent or `null` (real records
//! carry both). Open-ended objects (`ecosystem_specific`, `database_specific`) stay as
//! JSON values.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::Ecosystem;

/// One OSV record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The schema version the record was written for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    /// The record's identifier, such as `MAL-2026-6724`.
    #[serde(default)]
    pub id: String,
    /// When the record last changed (RFC 3339, UTC).
    #[serde(default)]
    pub modified: String,
    /// When the record was first published (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// When the record was withdrawn (RFC 3339); a withdrawn record never matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    /// Other ids of the same advisory.
    #[serde(default, deserialize_with = "null_as_default")]
    pub aliases: Vec<String>,
    /// Ids of related but different advisories.
    #[serde(default, deserialize_with = "null_as_default")]
    pub related: Vec<String>,
    /// Ids of the upstream advisories this one derives from.
    #[serde(default, deserialize_with = "null_as_default")]
    pub upstream: Vec<String>,
    /// A one-line summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The long description, in CommonMark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// Severity scores of the whole record.
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<Severity>,
    /// The affected packages and their versions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub affected: Vec<Affected>,
    /// Links to more information.
    #[serde(default, deserialize_with = "null_as_default")]
    pub references: Vec<Reference>,
    /// People and organisations credited.
    #[serde(default, deserialize_with = "null_as_default")]
    pub credits: Vec<Credit>,
    /// The publishing database's own data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

/// An entry of `affected`: one package and the versions of it that are affected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    /// The package; the schema lets a record name none (then nothing matches it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    /// Severity scores of this package alone.
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<Severity>,
    /// Version ranges.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ranges: Vec<Range>,
    /// Affected versions, listed one by one.
    #[serde(default, deserialize_with = "null_as_default")]
    pub versions: Vec<String>,
    /// Ecosystem-specific data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<Value>,
    /// Database-specific data (CWEs, malicious-package indicators, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

/// The package an affected entry names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// The OSV ecosystem, suffix included (`Debian:12`).
    #[serde(default)]
    pub ecosystem: String,
    /// The name as the ecosystem spells it.
    #[serde(default)]
    pub name: String,
    /// A package URL, when the publisher gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

impl Package {
    /// The ecosystem name split into base and suffix.
    pub fn ecosystem(&self) -> Ecosystem {
        Ecosystem::parse(&self.ecosystem)
    }
}

/// A version range: events in the order of the range's ordering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    /// How the range's versions are ordered.
    #[serde(rename = "type")]
    pub kind: RangeKind,
    /// The repository of a `GIT` range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// The events that open and close the affected spans.
    #[serde(default, deserialize_with = "null_as_default")]
    pub events: Vec<Event>,
    /// Database-specific data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

/// The ordering a range's versions follow.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RangeKind {
    /// SemVer 2.0, whatever the ecosystem.
    Semver,
    /// The ecosystem's own ordering.
    Ecosystem,
    /// Git commits (not package versions).
    Git,
    /// A type this schema version does not define, kept as written.
    Unknown(String),
}

impl RangeKind {
    /// The name as OSV writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Semver => "SEMVER",
            Self::Ecosystem => "ECOSYSTEM",
            Self::Git => "GIT",
            Self::Unknown(name) => name,
        }
    }
}

impl Serialize for RangeKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RangeKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Ok(match name.as_str() {
            "SEMVER" => Self::Semver,
            "ECOSYSTEM" => Self::Ecosystem,
            "GIT" => Self::Git,
            _ => Self::Unknown(name),
        })
    }
}

/// One event of a range. The schema writes each as an object with exactly one key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Versions from this one on are affected (`"0"`: from the very first).
    Introduced(String),
    /// This version and later ones are not affected.
    Fixed(String),
    /// Versions after this one are not affected.
    LastAffected(String),
    /// Versions from this one on are outside the range (an upper bound on the search).
    Limit(String),
}

impl Event {
    /// The version the event names.
    pub fn version(&self) -> &str {
        match self {
            Self::Introduced(v) | Self::Fixed(v) | Self::LastAffected(v) | Self::Limit(v) => v,
        }
    }

    /// The event's key as OSV writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Introduced(_) => "introduced",
            Self::Fixed(_) => "fixed",
            Self::LastAffected(_) => "last_affected",
            Self::Limit(_) => "limit",
        }
    }
}

/// A severity score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Severity {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, …
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The score or vector, as the type defines it.
    #[serde(default)]
    pub score: String,
}

/// A reference link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// `ADVISORY`, `ARTICLE`, `FIX`, `PACKAGE`, `WEB`, …
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The address.
    #[serde(default)]
    pub url: String,
}

/// A credit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// Who is credited.
    #[serde(default)]
    pub name: String,
    /// How to reach them.
    #[serde(default, deserialize_with = "null_as_default")]
    pub contact: Vec<String>,
    /// `FINDER`, `REPORTER`, `ANALYST`, …
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// What a record reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A package published to do harm (`MAL-` reports, CWE-506).
    Malicious,
    /// A flaw in an otherwise legitimate package.
    Vulnerability,
}

impl Kind {
    /// The kind's name as the store and the outputs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Malicious => "malicious",
            Self::Vulnerability => "vulnerability",
        }
    }
}

impl Record {
    /// Whether the record has been withdrawn.
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }

    /// `malicious` when the record or one of its aliases is a `MAL-` report, or an affected
    /// entry lists CWE-506 (embedded malicious code); `vulnerability` otherwise.
    pub fn kind(&self) -> Kind {
        let mal_id = std::iter::once(&self.id)
            .chain(&self.aliases)
            .any(|id| id.starts_with("MAL-"));
        let cwe_506 = self.affected.iter().any(|a| {
            a.database_specific
                .as_ref()
                .and_then(|db| db.get("cwes"))
                .is_some_and(lists_cwe_506)
        });
        if mal_id || cwe_506 {
            Kind::Malicious
        } else {
            Kind::Vulnerability
        }
    }
}

/// `cwes` is written both as a list of ids and as a list of `{"cweId": …}` objects.
fn lists_cwe_506(cwes: &Value) -> bool {
    let Some(cwes) = cwes.as_array() else {
        return false;
    };
    cwes.iter().any(|cwe| {
        let id = cwe
            .as_str()
            .or_else(|| cwe.get("cweId").and_then(Value::as_str));
        id == Some("CWE-506")
    })
}

/// Reads `null` as the type's default (real records write `"aliases": null`).
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

//! A record's severity as one label, the way people triage: critical, high, medium, low.
//!
//! OSV carries severity in several places: CVSS vectors in `severity`, a publisher's own
//! label in `database_specific.severity` (GitHub writes `MODERATE`), and per-package
//! labels in `ecosystem_specific.severity`. A malicious package is critical whatever any
//! score says: installing it is the compromise.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Kind, Record};

/// A severity label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// No label or score was given.
    Unknown,
    /// CVSS 0.1–3.9.
    Low,
    /// CVSS 4.0–6.9.
    Medium,
    /// CVSS 7.0–8.9.
    High,
    /// CVSS 9.0–10, and every malicious package.
    Critical,
}

impl Level {
    /// The label as outputs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// Reads a label as publishers write it (`HIGH`, `Moderate`, `important`, …).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "critical" => Some(Self::Critical),
            "high" | "important" => Some(Self::High),
            "medium" | "moderate" => Some(Self::Medium),
            "low" | "negligible" | "minor" => Some(Self::Low),
            "unknown" => Some(Self::Unknown),
            _ => None,
        }
    }

    /// The label of a CVSS base score (CVSS v3.1 specification, table 14).
    pub fn from_score(score: f64) -> Self {
        match score {
            s if s >= 9.0 => Self::Critical,
            s if s >= 7.0 => Self::High,
            s if s >= 4.0 => Self::Medium,
            s if s > 0.0 => Self::Low,
            _ => Self::Unknown,
        }
    }
}

impl Record {
    /// The record's severity label; see the module documentation for the sources used.
    pub fn severity_level(&self) -> Level {
        if self.kind() == Kind::Malicious {
            return Level::Critical;
        }
        if let Some(score) = self.cvss_score() {
            return Level::from_score(score);
        }

        let label = |db: &Option<Value>| {
            db.as_ref()
                .and_then(|db| db.get("severity"))
                .and_then(Value::as_str)
                .and_then(Level::parse)
        };
        let labels = std::iter::once(label(&self.database_specific)).chain(
            self.affected
                .iter()
                .flat_map(|a| [label(&a.database_specific), label(&a.ecosystem_specific)]),
        );
        labels.flatten().max().unwrap_or(Level::Unknown)
    }

    /// The highest CVSS v3 base score among the record's vectors, computed from the vector.
    pub fn cvss_score(&self) -> Option<f64> {
        self.cvss_vector().and_then(cvss3_base_score)
    }

    /// The record's first CVSS v3 vector, if any (the vector pages show).
    pub fn cvss_vector(&self) -> Option<&str> {
        let all = self
            .severity
            .iter()
            .chain(self.affected.iter().flat_map(|a| &a.severity));
        all.filter(|s| s.kind == "CVSS_V3")
            .map(|s| s.score.as_str())
            .next()
    }
}

/// The CVSS v3.0/v3.1 base score of a vector such as
/// `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H` (specification section 7.1).
pub fn cvss3_base_score(vector: &str) -> Option<f64> {
    let mut metrics = std::collections::HashMap::new();
    for part in vector.split('/').skip(1) {
        let (key, value) = part.split_once(':')?;
        metrics.insert(key, value);
    }
    let get = |key: &str| metrics.get(key).copied();

    let scope_changed = get("S")? == "C";
    let av = match get("AV")? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        _ => return None,
    };
    let ac = match get("AC")? {
        "L" => 0.77,
        "H" => 0.44,
        _ => return None,
    };
    let pr = match (get("PR")?, scope_changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let ui = match get("UI")? {
        "N" => 0.85,
        "R" => 0.62,
        _ => return None,
    };
    let cia = |key: &str| match get(key)? {
        "H" => Some(0.56),
        "L" => Some(0.22),
        "N" => Some(0.0),
        _ => None,
    };
    let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);

    let iss = 1.0 - ((1.0 - c) * (1.0 - i) * (1.0 - a));
    let impact = if scope_changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02f64).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Some(0.0);
    }
    let raw = if scope_changed {
        (1.08 * (impact + exploitability)).min(10.0)
    } else {
        (impact + exploitability).min(10.0)
    };
    Some(round_up(raw))
}

/// CVSS v3.1 `Roundup`: the smallest one-decimal number not below the input, computed on
/// integers to avoid floating-point surprises (specification appendix A).
fn round_up(value: f64) -> f64 {
    let int = (value * 100_000.0).round() as i64;
    if int % 10_000 == 0 {
        int as f64 / 100_000.0
    } else {
        ((int / 10_000) + 1) as f64 / 10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvss_scores_match_the_specification_examples() {
        let score = |v| cvss3_base_score(v).unwrap();
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
        assert_eq!(score("CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"), 5.5);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0.0);
        assert_eq!(cvss3_base_score("CVSS:3.1/AV:X"), None);
    }

    #[test]
    fn labels_parse_as_publishers_write_them() {
        assert_eq!(Level::parse("MODERATE"), Some(Level::Medium));
        assert_eq!(Level::parse("Important"), Some(Level::High));
        assert_eq!(Level::parse("whatever"), None);
    }
}

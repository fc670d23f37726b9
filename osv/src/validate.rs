//! The schema's rules a record must keep to be stored.
//!
//! The JSON schema of OSV 1.7 requires `id` and `modified`, RFC 3339 timestamps, a
//! package with an ecosystem and a name, at least one `introduced` event in every range,
//! never both `fixed` and `last_affected` in one range, and a `repo` on `GIT` ranges.

use std::str::FromStr;

use jiff::Timestamp;

use crate::{Event, RangeKind, Record};

/// Why a record was rejected.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The text is not JSON, or not of the schema's shape.
    #[error("not a valid OSV record: {0}")]
    Json(#[source] serde_json::Error),
    /// A required field is missing or empty.
    #[error("expected the field `{0}`, but it is missing or empty")]
    Missing(&'static str),
    /// A timestamp is not RFC 3339.
    #[error("expected an RFC 3339 timestamp in `{field}`, but found {value:?}")]
    Timestamp {
        /// The field.
        field: &'static str,
        /// What it held.
        value: String,
    },
    /// A range breaks one of the schema's rules.
    #[error("affected[{affected}].ranges[{range}]: {problem}")]
    Range {
        /// Index of the affected entry.
        affected: usize,
        /// Index of the range within it.
        range: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// An affected entry's package lacks its ecosystem or name.
    #[error("affected[{affected}].package: expected an ecosystem and a name, but found {found}")]
    Package {
        /// Index of the affected entry.
        affected: usize,
        /// What was found instead.
        found: String,
    },
}

/// Parses an RFC 3339 timestamp as OSV writes them (`2026-07-01T22:04:56Z`).
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    Timestamp::from_str(text).ok()
}

impl Record {
    /// Checks the schema's rules; see the module documentation.
    ///
    /// # Errors
    ///
    /// The first rule the record breaks.
    pub fn validate(&self) -> Result<(), RecordError> {
        if self.id.trim().is_empty() {
            return Err(RecordError::Missing("id"));
        }
        if self.modified.is_empty() {
            return Err(RecordError::Missing("modified"));
        }

        let timestamps = [
            ("modified", Some(&self.modified)),
            ("published", self.published.as_ref()),
            ("withdrawn", self.withdrawn.as_ref()),
        ];
        for (field, value) in timestamps {
            if let Some(value) = value {
                if parse_timestamp(value).is_none() {
                    let value = value.clone();
                    return Err(RecordError::Timestamp { field, value });
                }
            }
        }

        for (a, affected) in self.affected.iter().enumerate() {
            if let Some(package) = &affected.package {
                if package.ecosystem.is_empty() || package.name.is_empty() {
                    let found = format!("{:?} / {:?}", package.ecosystem, package.name);
                    return Err(RecordError::Package { affected: a, found });
                }
            }
            for (r, range) in affected.ranges.iter().enumerate() {
                let problem = range_problem(&range.kind, range.repo.as_deref(), &range.events);
                if let Some(problem) = problem {
                    return Err(RecordError::Range {
                        affected: a,
                        range: r,
                        problem,
                    });
                }
            }
        }
        Ok(())
    }

    /// The `modified` time (valid once [`Record::validate`] passed).
    pub fn modified_at(&self) -> Option<Timestamp> {
        parse_timestamp(&self.modified)
    }
}

fn range_problem(kind: &RangeKind, repo: Option<&str>, events: &[Event]) -> Option<&'static str> {
    if events.is_empty() {
        return Some("expected at least one event, but found none");
    }
    if !events.iter().any(|e| matches!(e, Event::Introduced(_))) {
        return Some("expected an `introduced` event, but found none");
    }
    let fixed = events.iter().any(|e| matches!(e, Event::Fixed(_)));
    let last = events.iter().any(|e| matches!(e, Event::LastAffected(_)));
    if fixed && last {
        return Some("expected `fixed` or `last_affected`, but found both in one range");
    }
    if events.iter().any(|e| e.version().is_empty()) {
        return Some("expected a version in every event, but found an empty one");
    }
    if *kind == RangeKind::Git && repo.is_none_or(str::is_empty) {
        return Some("expected a `repo` on a GIT range, but found none");
    }
    None
}

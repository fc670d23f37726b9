//! OSV records as the [OSV schema 1.7](https://ossf.github.io/osv-schema/) defines them.
//!
//! Reading is tolerant where the schema allows it and strict where it does not: unknown
//! fields and unknown ecosystems are accepted (the store keeps the raw record verbatim, so
//! nothing is lost), while a record that breaks one of the schema's rules — no `id`, a bad
//! timestamp, a range without an `introduced` event — is rejected with the reason.
//!
//! This crate does no I/O.

mod ecosystem;
mod name;
mod record;
mod severity;
mod validate;

pub use ecosystem::Ecosystem;
pub use name::normalize_name;
pub use record::{
    Affected, Credit, Event, Kind, Package, Range, RangeKind, Record, Reference, Severity,
};
pub use severity::{cvss3_base_score, Level};
pub use validate::{parse_timestamp, RecordError};

/// Parses and validates one OSV record from its JSON text.
///
/// # Errors
///
/// [`RecordError`] when the text is not JSON, does not have the schema's shape, or breaks
/// one of its rules.
pub fn parse(json: &[u8]) -> Result<Record, RecordError> {
    let record: Record = serde_json::from_slice(json).map_err(RecordError::Json)?;
    record.validate()?;
    Ok(record)
}

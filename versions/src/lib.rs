//! Version ordering for every OSV ecosystem, and OSV range evaluation ([`evaluate`]).
//!
//! A finder is only as right as its version ordering, so each ecosystem's versions are
//! ordered the way that ecosystem's own tool orders them (see [`Scheme`]), and the result
//! of a version an ordering cannot read is an explicit [`CannotOrder`] — never a panic and
//! never a silent "not affected".
//!
//! Parse once, compare many: [`Scheme::parse`] gives a [`Version`] that compares with
//! other versions of its ordering without re-reading text.
//!
//! ```
//! use std::cmp::Ordering;
//!
//! assert_eq!(versions::compare("PyPI", "1.0", "1.0.0"), Ok(Ordering::Equal));
//! assert_eq!(versions::compare("Debian:12", "1:2.0~rc1-1", "1:2.0-1"), Ok(Ordering::Less));
//!
//! let installed = versions::Scheme::for_ecosystem("npm")?.parse("1.3.1")?;
//! let fixed = versions::Scheme::SemVer.parse("1.3.2")?;
//! assert!(installed < fixed);
//! # Ok::<(), versions::CannotOrder>(())
//! ```
//!
//! Evaluation of an OSV affected entry says why a version matched:
//!
//! ```
//! let entry: osv::Affected = serde_json::from_str(r#"{
//!     "package": {"ecosystem": "PyPI", "name": "evil"},
//!     "versions": ["1.2.0", "1.3.0", "1.3.1"]
//! }"#).unwrap();
//!
//! match versions::evaluate(&entry, "1.3.1.0") {
//!     versions::Evaluation::Affected(versions::Reason::Listed { index, .. }) => {
//!         assert_eq!(index, 2)
//!     }
//!     other => panic!("expected a listed match, but found {other:?}"),
//! }
//! ```
//!
//! Where an ordering's reference implementation is not a total order, this crate departs
//! from it as little as it can and says so in the module of that ordering ([`schemes`]).
//! This crate knows nothing about files or databases.

mod error;
mod evaluate;
mod num;
mod scheme;
pub mod schemes;
mod version;

pub use error::CannotOrder;
pub use evaluate::{
    evaluate, evaluate_parsed, evaluate_record, Evaluation, Installed, PreparedAffected, Reason,
};
pub use scheme::Scheme;
pub use version::Version;

/// Compares two versions of an OSV ecosystem (`PyPI`, `Debian:12`, ...).
///
/// # Errors
///
/// [`CannotOrder`] when the ecosystem has no known ordering or a version cannot be read.
pub fn compare(ecosystem: &str, a: &str, b: &str) -> Result<std::cmp::Ordering, CannotOrder> {
    Scheme::for_ecosystem(ecosystem)?.compare(a, b)
}

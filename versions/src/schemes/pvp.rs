//! Haskell Package Versioning Policy versions, for Hackage and GHC
//! (<https://pvp.haskell.org/>, `Data.Version`'s `Ord`).
//!
//! A version is non-negative integers separated by `.`, compared as lists: number by
//! number, and a longer version is greater than its prefix (`1.0` < `1.0.0`).

use std::cmp::Ordering;

use crate::error::Invalid;
use crate::num::Num;

/// A parsed PVP version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PvpVersion {
    numbers: Vec<Num>,
}

impl PvpVersion {
    /// Parses `N(.N)*`.
    pub(crate) fn parse(text: &str) -> Result<Self, Invalid> {
        let numbers: Option<Vec<Num>> = text.trim().split('.').map(Num::parse).collect();
        match numbers {
            Some(numbers) => Ok(PvpVersion { numbers }),
            None => Err(Invalid::new(
                "a PVP version: numbers separated by '.', such as 1.2.0.3",
            )),
        }
    }
}

impl Ord for PvpVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers)
    }
}

impl PartialOrd for PvpVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

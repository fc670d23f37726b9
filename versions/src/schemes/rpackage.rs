//! R's `package_version` / `numeric_version` ordering, for CRAN and Bioconductor
//! (<https://stat.ethz.ch/R-manual/R-devel/library/base/html/numeric_version.html>).
//!
//! A version is non-negative integers separated by `.` or `-` (the two are alike, so
//! `0.1-0` equals `0.01.0`). Versions compare number by number, and when one is a prefix
//! of the other the longer one is greater: `0.3.2.0` > `0.3.2`.

use std::cmp::Ordering;

use crate::error::Invalid;
use crate::num::Num;

/// A parsed R package version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RVersion {
    numbers: Vec<Num>,
}

impl RVersion {
    /// Parses `N([.-]N)*`.
    pub(crate) fn parse(text: &str) -> Result<Self, Invalid> {
        let numbers: Option<Vec<Num>> = text.trim().split(['.', '-']).map(Num::parse).collect();
        match numbers {
            Some(numbers) => Ok(RVersion { numbers }),
            None => Err(Invalid::new(
                "an R package version: numbers separated by '.' or '-', such as 1.2-3",
            )),
        }
    }
}

impl Ord for RVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers)
    }
}

impl PartialOrd for RVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

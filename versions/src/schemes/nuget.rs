//! NuGet versions (<https://learn.microsoft.com/nuget/concepts/package-versioning>), as
//! `NuGetVersion` orders them: up to four release numbers (`1.0.0.1`), missing ones zero;
//! pre-release labels compared like SemVer's but ignoring case; metadata after `+` ignored.

use crate::error::Invalid;
use crate::schemes::semver::{parse_with, Options, SemVer};

/// A parsed NuGet version.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NuGetVersion(SemVer);

impl NuGetVersion {
    /// Parses a NuGet version; labels are lower-cased so that comparison ignores case.
    pub(crate) fn parse(text: &str) -> Result<Self, Invalid> {
        let options = Options {
            max_release: 4,
            fold_case: true,
        };
        parse_with(text, options).map(NuGetVersion)
    }
}

//! SemVer 2.0 precedence (<https://semver.org/spec/v2.0.0.html#spec-item-11>), for npm,
//! crates.io, Go, Hex, SwiftURL, Bitnami, Julia and ConanCenter, and for every OSV range of
//! type `SEMVER`.
//!
//! Parsing is as lenient as the ecosystems' own tools are in practice: a leading `v` (Go
//! writes `v1.2.3`, OSV writes `1.2.3`), leading zeros, and fewer or more than three
//! release numbers are accepted; missing release numbers are zeros, so `1.2` equals
//! `1.2.0`. Build metadata (`+incompatible`, `+build.5`) is kept but ignored by the order
//! (spec item 10). Anything else — an empty identifier, a character outside
//! `[0-9A-Za-z-]` — is rejected rather than guessed at.

use std::cmp::Ordering;

use crate::error::Invalid;
use crate::num::{cmp_padded, Num};

/// A pre-release or build identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Ident {
    /// Only digits: compared numerically.
    Numeric(Num),
    /// Letters, digits or hyphens: compared in ASCII order.
    Alpha(Box<str>),
}

impl Ord for Ident {
    /// Spec item 11.4: numeric identifiers have lower precedence than alphanumeric ones.
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Ident::Numeric(a), Ident::Numeric(b)) => a.cmp(b),
            (Ident::Numeric(_), Ident::Alpha(_)) => Ordering::Less,
            (Ident::Alpha(_), Ident::Numeric(_)) => Ordering::Greater,
            (Ident::Alpha(a), Ident::Alpha(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A parsed SemVer-like version.
#[derive(Clone, Debug)]
pub struct SemVer {
    pub(crate) release: Vec<Num>,
    pub(crate) pre: Vec<Ident>,
    pub(crate) build: Vec<Ident>,
}

/// How lenient [`parse_with`] is, per ecosystem.
#[derive(Clone, Copy)]
pub(crate) struct Options {
    /// The most release numbers allowed (NuGet has four).
    pub(crate) max_release: usize,
    /// Lower-case identifiers while parsing (NuGet compares pre-release labels ignoring
    /// case).
    pub(crate) fold_case: bool,
}

impl SemVer {
    /// Parses with the SemVer defaults: any number of release numbers, case kept.
    pub(crate) fn parse(text: &str) -> Result<SemVer, Invalid> {
        parse_with(
            text,
            Options {
                max_release: usize::MAX,
                fold_case: false,
            },
        )
    }
}

/// Parses `[v]N(.N)*[-pre(.pre)*][+build(.build)*]`.
pub(crate) fn parse_with(text: &str, options: Options) -> Result<SemVer, Invalid> {
    const EXPECTED: &str = "a SemVer version such as 1.2.3, 1.2.3-rc.1 or v1.2.3+build";

    // Step 1: an optional `v` prefix (Go), then split off build and pre-release.
    let text = text.trim();
    let body = text
        .strip_prefix('v')
        .or_else(|| text.strip_prefix('V'))
        .unwrap_or(text);
    let (body, build) = match body.split_once('+') {
        Some((body, build)) => (body, Some(build)),
        None => (body, None),
    };
    let (release, pre) = match body.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (body, None),
    };

    // Step 2: the release numbers.
    let mut numbers = Vec::with_capacity(3);
    for part in release.split('.') {
        numbers.push(Num::parse(part).ok_or_else(|| Invalid::new(EXPECTED))?);
    }
    if numbers.len() > options.max_release {
        return Err(Invalid::new(format!(
            "at most {} release numbers",
            options.max_release
        )));
    }

    // Step 3: identifiers of the pre-release and the build.
    let pre = match pre {
        Some(pre) => identifiers(pre, options.fold_case).ok_or_else(|| Invalid::new(EXPECTED))?,
        None => Vec::new(),
    };
    let build = match build {
        Some(build) => {
            identifiers(build, options.fold_case).ok_or_else(|| Invalid::new(EXPECTED))?
        }
        None => Vec::new(),
    };

    Ok(SemVer {
        release: numbers,
        pre,
        build,
    })
}

fn identifiers(text: &str, fold_case: bool) -> Option<Vec<Ident>> {
    let mut out = Vec::new();
    for part in text.split('.') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        let ident = match Num::parse(part) {
            Some(n) => Ident::Numeric(n),
            None if fold_case => Ident::Alpha(part.to_ascii_lowercase().into()),
            None => Ident::Alpha(part.into()),
        };
        out.push(ident);
    }
    Some(out)
}

/// Spec item 11.3 and 11.4: a version without pre-release sorts after one with; otherwise
/// identifiers compare left to right and a longer list wins when all before are equal.
pub(crate) fn cmp_pre(a: &[Ident], b: &[Ident]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.cmp(b),
    }
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_padded(&self.release, &other.release).then_with(|| cmp_pre(&self.pre, &other.pre))
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SemVer {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SemVer {}

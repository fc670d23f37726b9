//! Debian package versions, ordered as dpkg orders them (`deb-version(7)`, dpkg's
//! `lib/dpkg/version.c`), for Debian, Ubuntu and opam.
//!
//! `[epoch:]upstream[-revision]`: the epoch compares as a number; upstream and revision
//! each compare by alternating runs — a run of non-digits character by character, where
//! `~` sorts before everything (even the end), the end before anything else, letters
//! before non-letters; then a run of digits by value.

use std::cmp::Ordering;

use crate::error::Invalid;
use crate::num::Num;

/// A parsed Debian version.
#[derive(Clone, Debug)]
pub struct DpkgVersion {
    epoch: Num,
    upstream: Box<str>,
    /// Empty when the version has no `-`; dpkg compares it as such.
    revision: Box<str>,
}

impl DpkgVersion {
    /// Parses a version with dpkg's `parseversion` rules for what is an error; what dpkg
    /// only warns about (an upstream version not starting with a digit) is accepted, as
    /// `dpkg --compare-versions` accepts it.
    pub(crate) fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Invalid::new(
                "a Debian version such as 1.2-3 or 1:2.0~rc1-1",
            ));
        }

        // Step 1: the epoch is the number before the first `:`.
        let (epoch, rest) = match text.split_once(':') {
            Some((epoch, rest)) => {
                let epoch = Num::parse(epoch)
                    .ok_or_else(|| Invalid::new("a number as the epoch before ':'"))?;
                (epoch, rest)
            }
            None => (Num::ZERO, text),
        };
        if rest.is_empty() {
            return Err(Invalid::new("a version after the epoch's ':'"));
        }

        // Step 2: the revision is what follows the last `-`.
        let (upstream, revision) = match rest.rsplit_once('-') {
            Some((_, "")) => return Err(Invalid::new("a revision after the last '-'")),
            Some((upstream, revision)) => (upstream, revision),
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err(Invalid::new(
                "an upstream version before the revision's '-'",
            ));
        }

        Ok(DpkgVersion {
            epoch,
            upstream: upstream.into(),
            revision: revision.into(),
        })
    }
}

/// dpkg's `order()`: the weight of one character of a non-digit run; `None` is the end
/// of the run.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`.
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // The non-digit runs, character by character.
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let (wa, wb) = (weight(a.get(i).copied()), weight(b.get(j).copied()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            i += 1;
            j += 1;
        }

        // The digit runs, by value: skip leading zeros, then the longer run is greater,
        // else the first differing digit decides.
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while i < a.len() && j < b.len() && a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            if first_diff == Ordering::Equal {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if i < a.len() && a[i].is_ascii_digit() {
            return Ordering::Greater;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
    }
}

impl PartialOrd for DpkgVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for DpkgVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DpkgVersion {}

//! RubyGems versions, ordered as `Gem::Version#<=>`
//! (<https://github.com/rubygems/rubygems/blob/master/lib/rubygems/version.rb>).
//!
//! A version is split into runs of digits and runs of letters (`1.0.a2` is `1 0 a 2`); a
//! `-` is read as `.pre.`. The segments up to the first letter run and the segments after
//! it each lose their trailing zeros. Segments then compare pairwise, a missing one being
//! `0`: numbers by value, letters as strings, and a letter run before any number — so a
//! version with letters is a prerelease of the one without.

use std::cmp::Ordering;

use crate::error::Invalid;
use crate::num::Num;

/// A parsed RubyGems version: its canonical segments.
#[derive(Clone, Debug)]
pub struct GemVersion {
    segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Number(Num),
    Letters(Box<str>),
}

impl Ord for Segment {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Segment::Number(a), Segment::Number(b)) => a.cmp(b),
            (Segment::Number(_), Segment::Letters(_)) => Ordering::Greater,
            (Segment::Letters(_), Segment::Number(_)) => Ordering::Less,
            (Segment::Letters(a), Segment::Letters(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Segment {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `Gem::Version::ANCHORED_VERSION_PATTERN`
/// (`[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`), loosened in one way:
/// letters may follow digits without a dot (`1beta`, read as `1.beta`), as the comparison
/// vectors collected from RubyGems' test suite expect.
fn is_valid(text: &str) -> bool {
    let (main, pre) = match text.split_once('-') {
        Some((main, pre)) => (main, Some(pre)),
        None => (text, None),
    };
    let main_ok = main.starts_with(|c: char| c.is_ascii_digit())
        && main
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    let pre_ok = pre.is_none_or(|pre| {
        pre.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    });
    main_ok && pre_ok
}

impl GemVersion {
    /// Parses a RubyGems version; strings `Gem::Version.correct?` refuses are refused.
    pub(crate) fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        if !is_valid(text) {
            return Err(Invalid::new(
                "a RubyGems version such as 1.2.3 or 2.0.0.rc1",
            ));
        }

        // `_segments`: scan `[0-9]+|[a-z]+`i after `-` became `.pre.`.
        let spelled = text.replace('-', ".pre.");
        let mut segments = Vec::new();
        let bytes = spelled.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let start = at;
            if bytes[at].is_ascii_digit() {
                while at < bytes.len() && bytes[at].is_ascii_digit() {
                    at += 1;
                }
                segments.push(Segment::Number(Num::from_digits(&spelled[start..at])));
            } else if bytes[at].is_ascii_alphabetic() {
                while at < bytes.len() && bytes[at].is_ascii_alphabetic() {
                    at += 1;
                }
                segments.push(Segment::Letters(spelled[start..at].into()));
            } else {
                at += 1;
            }
        }

        // `canonical_segments`: trailing zeros go from the numeric part and from the
        // part from the first letters on, each on its own.
        let split = segments
            .iter()
            .position(|s| matches!(s, Segment::Letters(_)))
            .unwrap_or(segments.len());
        let mut rest = segments.split_off(split);
        drop_trailing_zeros(&mut segments);
        drop_trailing_zeros(&mut rest);
        segments.append(&mut rest);

        Ok(GemVersion { segments })
    }
}

fn drop_trailing_zeros(segments: &mut Vec<Segment>) {
    while segments
        .last()
        .is_some_and(|s| matches!(s, Segment::Number(n) if n.is_zero()))
    {
        segments.pop();
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Number(Num::ZERO);
        let len = self.segments.len().max(other.segments.len());
        for i in 0..len {
            let a = self.segments.get(i).unwrap_or(&zero);
            let b = other.segments.get(i).unwrap_or(&zero);
            match a.cmp(b) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GemVersion {}

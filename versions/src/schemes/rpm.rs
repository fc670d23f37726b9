//! RPM versions, ordered as rpm's `rpmvercmp` (rpmio/rpmvercmp.c) applied to epoch,
//! version and release, for Red Hat, AlmaLinux, Rocky Linux, openSUSE, SUSE, Mageia,
//! openEuler, Azure Linux and Photon OS.
//!
//! `[epoch:]version[-release]`. Each of version and release is read as runs of digits
//! and runs of ASCII letters; every other character only separates runs, except `~`,
//! which sorts before everything (a pre-release, `1.0~rc1` < `1.0`), and `^`, which sorts
//! after the end but before anything else (a post-release snapshot, `1.0` < `1.0^git1` <
//! `1.0.1`). Digit runs compare by value and beat letter runs; letter runs compare as
//! strings; the version with runs left over wins.

use std::cmp::Ordering;

use crate::error::Invalid;
use crate::num::Num;

/// A parsed RPM version.
#[derive(Clone, Debug)]
pub struct RpmVersion {
    epoch: Num,
    version: Vec<Segment>,
    /// `None` when the version has no `-release`.
    release: Option<Vec<Segment>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Tilde,
    Caret,
    Number(Num),
    Letters(Box<str>),
}

fn segments(text: &str) -> Vec<Segment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        match bytes[at] {
            b'~' => {
                out.push(Segment::Tilde);
                at += 1;
            }
            b'^' => {
                out.push(Segment::Caret);
                at += 1;
            }
            b'0'..=b'9' => {
                while at < bytes.len() && bytes[at].is_ascii_digit() {
                    at += 1;
                }
                out.push(Segment::Number(Num::from_digits(&text[start..at])));
            }
            b if b.is_ascii_alphabetic() => {
                while at < bytes.len() && bytes[at].is_ascii_alphabetic() {
                    at += 1;
                }
                out.push(Segment::Letters(text[start..at].into()));
            }
            _ => at += 1,
        }
    }
    out
}

/// `rpmvercmp` over pre-split segments.
fn rpmvercmp(a: &[Segment], b: &[Segment]) -> Ordering {
    let mut i = 0;
    loop {
        let (x, y) = (a.get(i), b.get(i));
        match (x, y) {
            // Tilde: both discard it; otherwise the one with it is older.
            (Some(Segment::Tilde), Some(Segment::Tilde)) => {}
            (Some(Segment::Tilde), _) => return Ordering::Less,
            (_, Some(Segment::Tilde)) => return Ordering::Greater,

            // Caret: both discard it; one with it is newer than one that ended, older
            // than one that goes on.
            (Some(Segment::Caret), Some(Segment::Caret)) => {}
            (Some(Segment::Caret), None) => return Ordering::Greater,
            (Some(Segment::Caret), Some(_)) => return Ordering::Less,
            (None, Some(Segment::Caret)) => return Ordering::Less,
            (Some(_), Some(Segment::Caret)) => return Ordering::Greater,

            (None, None) => return Ordering::Equal,
            (Some(_), None) => return Ordering::Greater,
            (None, Some(_)) => return Ordering::Less,

            (Some(Segment::Number(p)), Some(Segment::Number(q))) => match p.cmp(q) {
                Ordering::Equal => {}
                unequal => return unequal,
            },
            (Some(Segment::Letters(p)), Some(Segment::Letters(q))) => match p.cmp(q) {
                Ordering::Equal => {}
                unequal => return unequal,
            },
            // A digit run is newer than a letter run.
            (Some(Segment::Number(_)), Some(_)) => return Ordering::Greater,
            (Some(Segment::Letters(_)), Some(_)) => return Ordering::Less,
        }
        i += 1;
    }
}

impl RpmVersion {
    /// Parses `[epoch:]version[-release]`; the release follows the last `-`, as rpm's
    /// `parseEVR` reads it.
    pub(crate) fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Invalid::new("an RPM version such as 1.2-3.el9 or 1:2.0-1"));
        }

        // Step 1: an epoch is the digits before a `:`.
        let (epoch, rest) = match text.split_once(':') {
            Some((epoch, rest)) if epoch.bytes().all(|b| b.is_ascii_digit()) => {
                (Num::from_digits(epoch), rest)
            }
            _ => (Num::ZERO, text),
        };

        // Step 2: version and release.
        let (version, release) = match rest.rsplit_once('-') {
            Some((version, release)) => (version, Some(release)),
            None => (rest, None),
        };

        Ok(RpmVersion {
            epoch,
            version: segments(version),
            release: release.map(segments),
        })
    }
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        // A missing release sorts before any release, so the order stays total (rpm's
        // dependency matching instead lets it match any release).
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| rpmvercmp(&self.version, &other.version))
            .then_with(|| match (&self.release, &other.release) {
                (Some(a), Some(b)) => rpmvercmp(a, b),
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
            })
    }
}

impl PartialOrd for RpmVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for RpmVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for RpmVersion {}

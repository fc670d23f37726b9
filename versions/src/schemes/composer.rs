//! Packagist versions, ordered as PHP's `version_compare` (php-src
//! `ext/standard/versioning.c`), which Composer's comparator calls, after Composer's
//! removal of a leading `v`.
//!
//! `version_compare` canonicalizes (`-`, `_`, `+` and any other non-alphanumeric
//! character become `.`, and a `.` is put between a digit and a non-digit), then compares
//! the `.`-separated parts: numbers by value, words by their special form — any word
//! starting with `dev` < `alpha` = `a` < `beta` = `b` < `RC` = `rc` < a number < `pl` =
//! `p`, and an unknown word before all of them. When one version runs out, a number left
//! in the other makes it greater, and a word left is weighed against a number. Special
//! forms match case-sensitively, as in PHP: `RC` and `rc` are known, `BETA` is an unknown
//! word (the vectors generated with php-src confirm `1.9.0-ALPHA.1` = `1.9.0-BETA.1`).
//!
//! Three deliberate departures, all where PHP is not a total order: numbers longer than 64
//! bits compare by value (PHP's `strtol` saturates them), a trailing separator (`1.0-`) is
//! ignored (PHP orders `1.0-` below itself), and a word starting with `#` is an unknown
//! word (PHP weighs it like a number, which makes `62` > `0pl` > `#0` > `62`).

use std::cmp::Ordering;

use crate::error::Invalid;
use crate::num::Num;

/// A parsed Packagist version: its canonical parts.
#[derive(Clone, Debug)]
pub struct ComposerVersion {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Number(Num),
    /// A word, by its special-form order (`compare_special_version_forms`).
    Word(i8),
}

/// The order `version_compare` gives a number when weighing it against a word (`#`).
const NUMBER: i8 = 4;

/// `compare_special_version_forms`: the first special form the word starts with. PHP's
/// list also has `#`, its internal stand-in for a number; a word of the version itself
/// starting with `#` (`1#`) is read as unknown instead, since weighing it equal to every
/// number would make the order intransitive (`62` > `0pl` > `#0` > `62`).
fn special_form(word: &str) -> i8 {
    const FORMS: [(&str, i8); 9] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("pl", 5),
        ("p", 5),
    ];
    FORMS
        .iter()
        .find(|(form, _)| word.starts_with(form))
        .map_or(-1, |&(_, order)| order)
}

impl ComposerVersion {
    /// Parses a Packagist version; only an empty one is refused.
    pub(crate) fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        let text = text
            .strip_prefix('v')
            .or_else(|| text.strip_prefix('V'))
            .unwrap_or(text);
        if text.is_empty() {
            return Err(Invalid::new(
                "a Composer version such as 1.0.0, 2.1.0-RC1 or v3.0",
            ));
        }

        let canonical = canonicalize(text);
        let canonical = canonical.strip_suffix('.').unwrap_or(&canonical);
        let parts = canonical
            .split('.')
            .map(|part| match Num::parse(part) {
                Some(n) => Part::Number(n),
                None => Part::Word(special_form(part)),
            })
            .collect();

        Ok(ComposerVersion { parts })
    }
}

/// `php_canonicalize_version`. The first character is kept as it is, as PHP does.
fn canonicalize(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(bytes.len() * 2);
    out.push(bytes[0] as char);

    let is_digit = |b: u8| b.is_ascii_digit();
    let is_non_digit = |b: u8| !b.is_ascii_digit() && b != b'.';
    let mut previous = bytes[0];
    for &b in &bytes[1..] {
        let dot_needed = !out.ends_with('.');
        if matches!(b, b'-' | b'_' | b'+') {
            if dot_needed {
                out.push('.');
            }
        } else if (is_non_digit(previous) && is_digit(b)) || (is_digit(previous) && is_non_digit(b))
        {
            // PHP keeps the character after a digit even when it is not alphanumeric.
            if dot_needed {
                out.push('.');
            }
            out.push(b as char);
        } else if !b.is_ascii_alphanumeric() {
            if dot_needed {
                out.push('.');
            }
        } else {
            out.push(b as char);
        }
        previous = b;
    }
    out
}

fn cmp_part(a: &Part, b: &Part) -> Ordering {
    match (a, b) {
        (Part::Number(x), Part::Number(y)) => x.cmp(y),
        (Part::Word(x), Part::Word(y)) => x.cmp(y),
        (Part::Number(_), Part::Word(y)) => NUMBER.cmp(y),
        (Part::Word(x), Part::Number(_)) => x.cmp(&NUMBER),
    }
}

/// What is left of the longer version, weighed against `#N#` as `version_compare` does:
/// each word against a number, until a number (greater) or the end (equal).
fn cmp_rest(rest: &[Part]) -> Ordering {
    for (i, part) in rest.iter().enumerate() {
        match part {
            Part::Number(_) if i > 0 => return Ordering::Greater,
            Part::Number(_) => {}
            Part::Word(order) => match order.cmp(&NUMBER) {
                Ordering::Equal => {}
                unequal => return unequal,
            },
        }
    }
    Ordering::Equal
}

impl Ord for ComposerVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (&self.parts, &other.parts);
        let common = a.len().min(b.len());
        for i in 0..common {
            match cmp_part(&a[i], &b[i]) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }

        match (a.get(common), b.get(common)) {
            (Some(Part::Number(_)), _) => Ordering::Greater,
            (Some(_), _) => cmp_rest(&a[common..]),
            (None, Some(Part::Number(_))) => Ordering::Less,
            (None, Some(_)) => cmp_rest(&b[common..]).reverse(),
            (None, None) => Ordering::Equal,
        }
    }
}

impl PartialOrd for ComposerVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ComposerVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ComposerVersion {}

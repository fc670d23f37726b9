//! PEP 440 versions (<https://peps.python.org/pep-0440/>) for PyPI, ordered as the
//! `packaging` library orders them.
//!
//! Parsing follows the PEP's normalization rules (appendix B's regular expression): case
//! is ignored, a leading `v` and surrounding spaces are dropped, `-`, `_` and `.` are
//! interchangeable separators, `alpha`/`beta`/`c`/`pre`/`preview` are spellings of
//! `a`/`b`/`rc`, `rev`/`r` of `post`, a bare `-N` is an implicit post release, and a
//! missing pre/post/dev number is zero.
//!
//! Strings that are not PEP 440 versions are ordered as `packaging` did before version 22
//! (`LegacyVersion`, the setuptools `parse_version` scheme): they sort before every PEP 440
//! version, and among themselves by their split parts. PyPI still serves files with such
//! versions, and an advisory naming one must not be dropped.

use std::cmp::Ordering;

use crate::error::Invalid;
use crate::num::Num;

/// A parsed PyPI version.
#[derive(Clone, Debug)]
pub enum Pep440Version {
    /// A version PEP 440 accepts.
    Standard(Box<Standard>),
    /// A pre-PEP 440 version, as `packaging.version.LegacyVersion` keyed it.
    Legacy(Vec<Box<str>>),
}

/// The parts of a PEP 440 version.
#[derive(Clone, Debug)]
pub struct Standard {
    epoch: Num,
    /// Release numbers with trailing zeros removed (`1.0` equals `1.0.0`).
    release: Vec<Num>,
    pre: Option<(PreKind, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    local: Vec<LocalPart>,
}

/// Pre-release phases, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum PreKind {
    Alpha,
    Beta,
    Candidate,
}

/// A segment of a local version label (`+ubuntu.1`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum LocalPart {
    Text(Box<str>),
    Number(Num),
}

impl Ord for LocalPart {
    /// PEP 440 "local version identifiers": numeric segments sort after alphanumeric ones.
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (LocalPart::Number(a), LocalPart::Number(b)) => a.cmp(b),
            (LocalPart::Number(_), LocalPart::Text(_)) => Ordering::Greater,
            (LocalPart::Text(_), LocalPart::Number(_)) => Ordering::Less,
            (LocalPart::Text(a), LocalPart::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for LocalPart {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Pep440Version {
    /// Parses a PyPI version; never fails except on an empty string, since non-PEP 440
    /// strings are legacy versions.
    pub(crate) fn parse(text: &str) -> Result<Self, Invalid> {
        let lower = text.trim().to_ascii_lowercase();
        if lower.is_empty() {
            return Err(Invalid::new(
                "a PEP 440 version such as 1.0, 2.0rc1 or 1!3.0.post2",
            ));
        }

        match parse_standard(&lower) {
            Some(standard) => Ok(Pep440Version::Standard(Box::new(standard))),
            None => Ok(Pep440Version::Legacy(legacy_key(&lower))),
        }
    }
}

/// A small cursor over the lower-cased version text.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn eat_separator(&mut self) -> bool {
        matches!(self.peek(), Some(b'-' | b'_' | b'.')) && {
            self.at += 1;
            true
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if self.text[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    fn digits(&mut self) -> Option<Num> {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        let run = std::str::from_utf8(&self.text[start..self.at]).ok()?;
        Num::parse(run)
    }
}

/// PEP 440 appendix B, one optional group at a time; a group that does not match
/// consumes nothing, as the regular expression's optional groups do.
fn parse_standard(text: &str) -> Option<Standard> {
    let mut cur = Cursor {
        text: text.as_bytes(),
        at: 0,
    };

    // Step 1: `v`, epoch and release.
    cur.eat(b'v');
    let mut epoch = Num::ZERO;
    let mut release = Vec::new();
    let first = cur.digits()?;
    if cur.eat(b'!') {
        epoch = first;
        release.push(cur.digits()?);
    } else {
        release.push(first);
    }
    loop {
        let mark = cur.at;
        if cur.eat(b'.') {
            if let Some(n) = cur.digits() {
                release.push(n);
                continue;
            }
        }
        cur.at = mark;
        break;
    }
    while release.len() > 1 && release.last().is_some_and(Num::is_zero) {
        release.pop();
    }

    // Step 2: pre-release, `[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?N?`.
    let mut pre = None;
    let mark = cur.at;
    cur.eat_separator();
    let kind = [
        ("preview", PreKind::Candidate),
        ("alpha", PreKind::Alpha),
        ("beta", PreKind::Beta),
        ("pre", PreKind::Candidate),
        ("rc", PreKind::Candidate),
        ("a", PreKind::Alpha),
        ("b", PreKind::Beta),
        ("c", PreKind::Candidate),
    ]
    .into_iter()
    .find(|(word, _)| cur.eat_word(word));
    match kind {
        Some((_, kind)) => pre = Some((kind, optional_number(&mut cur))),
        None => cur.at = mark,
    }

    // Step 3: post release, `-N` or `[-_.]?(post|rev|r)[-_.]?N?`.
    let mut post = None;
    let mark = cur.at;
    if cur.eat(b'-') {
        if let Some(n) = cur.digits() {
            post = Some(n);
        } else {
            cur.at = mark;
        }
    }
    if post.is_none() {
        cur.eat_separator();
        if cur.eat_word("post") || cur.eat_word("rev") || cur.eat_word("r") {
            post = Some(optional_number(&mut cur));
        } else {
            cur.at = mark;
        }
    }

    // Step 4: development release, `[-_.]?dev[-_.]?N?`.
    let mut dev = None;
    let mark = cur.at;
    cur.eat_separator();
    if cur.eat_word("dev") {
        dev = Some(optional_number(&mut cur));
    } else {
        cur.at = mark;
    }

    // Step 5: local version label, `+[a-z0-9]+([-_.][a-z0-9]+)*`, then the end.
    let mut local = Vec::new();
    if cur.eat(b'+') {
        let rest = std::str::from_utf8(&cur.text[cur.at..]).ok()?;
        for part in rest.split(['-', '_', '.']) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
            local.push(match Num::parse(part) {
                Some(n) => LocalPart::Number(n),
                None => LocalPart::Text(part.into()),
            });
        }
        cur.at = cur.text.len();
    }
    if cur.at != cur.text.len() {
        return None;
    }

    Some(Standard {
        epoch,
        release,
        pre,
        post,
        dev,
        local,
    })
}

/// `[-_.]?N?` after a pre, post or dev keyword; a missing number is zero. A separator
/// with no number after it is still consumed, as the regular expression does.
fn optional_number(cur: &mut Cursor<'_>) -> Num {
    let mark = cur.at;
    cur.eat_separator();
    match cur.digits() {
        Some(n) => n,
        None => {
            // The regular expression may end the group on the separator (`1.0a.+local`
            // is valid); give it back only when a post or dev keyword may follow, since
            // those groups bring their own optional separator.
            if cur.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                cur.at = mark;
            }
            Num::ZERO
        }
    }
}

/// `packaging.version._legacy_cmpkey`: split into digit runs, letter runs, `.` and `-`,
/// pad numbers to eight digits, spell pre-release words alike, and drop trailing zeros of
/// each numeric series.
fn legacy_key(text: &str) -> Vec<Box<str>> {
    let mut parts: Vec<Box<str>> = Vec::new();
    for token in legacy_tokens(text).chain(std::iter::once("final".to_string())) {
        let token = match token.as_str() {
            "pre" | "preview" | "rc" => "c".to_string(),
            "-" => "final-".to_string(),
            "dev" => "@".to_string(),
            _ => token,
        };
        if token.is_empty() || token == "." {
            continue;
        }
        let part: String = if token.as_bytes()[0].is_ascii_digit() {
            format!("{token:0>8}")
        } else {
            format!("*{token}")
        };

        if part.starts_with('*') {
            // Remove a `-` before a pre-release tag, and trailing zeros of a number series.
            if part.as_str() < "*final" {
                while parts.last().is_some_and(|p| &**p == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|p| &**p == "00000000") {
                parts.pop();
            }
        }
        parts.push(part.into());
    }
    parts
}

/// `re.split(r"(\d+|[a-z]+|\.|-)", text)`: the matched tokens and the text between them.
fn legacy_tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut pending: Option<String> = None;
    std::iter::from_fn(move || {
        if let Some(token) = pending.take() {
            return Some(token);
        }
        if at >= bytes.len() {
            return None;
        }
        let class = |b: u8| -> u8 {
            match b {
                b'0'..=b'9' => 1,
                b'a'..=b'z' => 2,
                b'.' | b'-' => 3,
                _ => 0,
            }
        };

        // Text between matches (characters outside every token class).
        let start = at;
        while at < bytes.len() && class(bytes[at]) == 0 {
            at += 1;
        }
        let between = String::from_utf8_lossy(&bytes[start..at]).into_owned();
        if at >= bytes.len() {
            return Some(between);
        }

        let kind = class(bytes[at]);
        let token_start = at;
        at += 1;
        if kind != 3 {
            while at < bytes.len() && class(bytes[at]) == kind {
                at += 1;
            }
        }
        let token = String::from_utf8_lossy(&bytes[token_start..at]).into_owned();
        if between.is_empty() {
            Some(token)
        } else {
            pending = Some(token);
            Some(between)
        }
    })
}

impl Standard {
    /// `packaging.version._cmpkey`'s pre-release key: a dev-only release sorts before
    /// every pre-release of the same release, and a final release after them.
    fn pre_key(&self) -> PreKey<'_> {
        match (&self.pre, &self.post, &self.dev) {
            (None, None, Some(_)) => PreKey::BeforeAll,
            (None, _, _) => PreKey::AfterAll,
            (Some((kind, n)), _, _) => PreKey::Pre(*kind, n),
        }
    }
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum PreKey<'a> {
    BeforeAll,
    Pre(PreKind, &'a Num),
    AfterAll,
}

impl Ord for Standard {
    fn cmp(&self, other: &Self) -> Ordering {
        // No post release sorts before any; no dev release sorts after any (PEP 440
        // "Summary of permitted suffixes and relative ordering").
        let post = |v: &Standard| v.post.clone().map_or((0, Num::ZERO), |n| (1, n));
        let dev = |v: &Standard| v.dev.clone().map_or((1, Num::ZERO), |n| (0, n));

        self.epoch
            .cmp(&other.epoch)
            .then_with(|| self.release.cmp(&other.release))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            .then_with(|| post(self).cmp(&post(other)))
            .then_with(|| dev(self).cmp(&dev(other)))
            .then_with(|| self.local.cmp(&other.local))
    }
}

impl PartialOrd for Standard {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Standard {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Standard {}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Pep440Version::Standard(a), Pep440Version::Standard(b)) => a.cmp(b),
            (Pep440Version::Legacy(_), Pep440Version::Standard(_)) => Ordering::Less,
            (Pep440Version::Standard(_), Pep440Version::Legacy(_)) => Ordering::Greater,
            (Pep440Version::Legacy(a), Pep440Version::Legacy(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Pep440Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Pep440Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pep440Version {}

#[cfg(test)]
mod tests {
    use super::*;

    fn standard(text: &str) -> bool {
        matches!(Pep440Version::parse(text), Ok(Pep440Version::Standard(_)))
    }

    #[test]
    fn appendix_b_spellings_are_standard() {
        for text in [
            "1.0",
            "v1.0",
            " 1.0 ",
            "1!2.0",
            "1.0a1",
            "1.0-ALPHA.1",
            "1.0a.",
            "1.0a.+local",
            "1.0a-",
            "1.0.post",
            "1.0-1",
            "1.0rev2",
            "1.0.dev",
            "1.0-dev-1",
            "1.0+ubuntu.1",
            "1.0c1.post2.dev3+abc",
        ] {
            assert!(standard(text), "{text} should be a PEP 440 version");
        }
    }

    #[test]
    fn other_strings_are_legacy() {
        for text in [
            "1.0-foo",
            "dev",
            "1.0+",
            "1..0",
            "1.0a_x",
            "2.0.0-bulbasaur",
        ] {
            assert!(!standard(text), "{text} should be a legacy version");
        }
        assert!(Pep440Version::parse("  ").is_err());
    }
}

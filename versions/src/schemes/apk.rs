//! Alpine package versions, ordered as apk-tools orders them (`src/version.c`), for
//! Alpine, Wolfi, Chainguard, MinimOS and Alpaquita.
//!
//! `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`: the version is read as a
//! sequence of tokens whose kinds must come in that order. Equal-kind tokens compare
//! pairwise (a number with a leading zero, past the first, compares as a string, as
//! Gentoo does); suffixes rank `_alpha` < `_beta` < `_pre` < `_rc` < none < `_cvs` <
//! `_svn` < `_git` < `_hg` < `_p`. When the kinds part, a pre-release suffix makes its
//! version older, and otherwise the version whose next token comes earlier in the grammar
//! is newer. A version apk-tools would call invalid still compares the way apk-tools
//! compares it: up to the first token it cannot read.

use std::cmp::Ordering;

use crate::error::Invalid;
use crate::num::Num;

/// A parsed Alpine version: its tokens, the last being the end or an invalid token.
#[derive(Clone, Debug)]
pub struct ApkVersion {
    tokens: Vec<Token>,
}

/// Token kinds in grammar order (apk-tools `enum PARTS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    CommitHash,
    RevisionNumber,
    End,
    Invalid,
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    /// The number of a digit, suffix-number or revision token.
    number: Num,
    /// The text of the token, for string comparisons.
    text: Box<str>,
    /// The rank of a suffix token.
    suffix: u8,
}

/// `SUFFIX_NONE`'s rank: suffixes below it are pre-releases.
const SUFFIX_NONE: u8 = 5;

fn suffix_rank(word: &str) -> Option<u8> {
    Some(match word {
        "alpha" => 1,
        "beta" => 2,
        "pre" => 3,
        "rc" => 4,
        "cvs" => 6,
        "svn" => 7,
        "git" => 8,
        "hg" => 9,
        "p" => 10,
        _ => return None,
    })
}

fn span(bytes: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> usize {
    let mut end = from;
    while end < bytes.len() && pred(bytes[end]) {
        end += 1;
    }
    end
}

impl ApkVersion {
    /// Tokenizes a version. Only an empty string is refused; other invalid versions
    /// compare as apk-tools compares them.
    pub(crate) fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Invalid::new(
                "an Alpine version such as 1.2.3-r0 or 2.0_rc1-r2",
            ));
        }

        let bytes = text.as_bytes();
        let mut tokens = Vec::new();
        let token = |kind, from: usize, to: usize| Token {
            kind,
            number: Num::ZERO,
            text: text[from..to].into(),
            suffix: 0,
        };
        let digits = |kind, from: usize| {
            let to = span(bytes, from, |b| b.is_ascii_digit());
            let mut t = token(kind, from, to);
            t.number = Num::from_digits(&text[from..to]);
            (t, to)
        };

        // `token_first`, then `token_next` until the end or an invalid token.
        let (first, mut at) = digits(Kind::InitialDigit, 0);
        let mut kind = first.kind;
        tokens.push(first);
        while kind < Kind::End {
            let next = if at >= bytes.len() {
                token(Kind::End, at, at)
            } else {
                match bytes[at] {
                    b'a'..=b'z' if kind <= Kind::Digit => {
                        at += 1;
                        token(Kind::Letter, at - 1, at)
                    }
                    b'.' | b'0'..=b'9' if kind <= Kind::Letter || kind == Kind::Suffix => {
                        if bytes[at] == b'.' {
                            if kind > Kind::Digit {
                                token(Kind::Invalid, at, at)
                            } else {
                                let (t, to) = digits(Kind::Digit, at + 1);
                                at = to;
                                t
                            }
                        } else {
                            let next_kind = if kind == Kind::Suffix {
                                Kind::SuffixNumber
                            } else {
                                Kind::Digit
                            };
                            let (t, to) = digits(next_kind, at);
                            at = to;
                            t
                        }
                    }
                    b'_' if kind <= Kind::SuffixNumber => {
                        let to = span(bytes, at + 1, |b| b.is_ascii_lowercase());
                        match suffix_rank(&text[at + 1..to]) {
                            Some(rank) => {
                                let mut t = token(Kind::Suffix, at + 1, to);
                                t.suffix = rank;
                                at = to;
                                t
                            }
                            None => token(Kind::Invalid, at, at),
                        }
                    }
                    b'~' if kind < Kind::CommitHash => {
                        let to = span(bytes, at + 1, |b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                        if to == at + 1 {
                            token(Kind::Invalid, at, at)
                        } else {
                            let t = token(Kind::CommitHash, at + 1, to);
                            at = to;
                            t
                        }
                    }
                    b'-' if kind < Kind::RevisionNumber && bytes.get(at + 1) == Some(&b'r') => {
                        let (t, to) = digits(Kind::RevisionNumber, at + 2);
                        at = to;
                        t
                    }
                    _ => token(Kind::Invalid, at, at),
                }
            };
            kind = next.kind;
            tokens.push(next);
        }

        Ok(ApkVersion { tokens })
    }
}

/// apk-tools `token_cmp` for two tokens of the same kind.
fn cmp_tokens(a: &Token, b: &Token) -> Ordering {
    match a.kind {
        // A leading zero past the first number: string order, as Gentoo's spec says.
        Kind::Digit if a.text.starts_with('0') || b.text.starts_with('0') => a.text.cmp(&b.text),
        Kind::Digit | Kind::InitialDigit | Kind::SuffixNumber | Kind::RevisionNumber => {
            a.number.cmp(&b.number)
        }
        Kind::Letter => a.text.cmp(&b.text),
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        _ => a.text.cmp(&b.text),
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        // `apk_version_compare_fuzzy` without fuzziness: both token lists advance together
        // while the kinds agree.
        let mut i = 0;
        loop {
            let (ta, tb) = (&self.tokens[i], &other.tokens[i]);
            if ta.kind != tb.kind || ta.kind >= Kind::End {
                break;
            }
            match cmp_tokens(ta, tb) {
                Ordering::Equal => i += 1,
                unequal => return unequal,
            }
        }

        let (ta, tb) = (&self.tokens[i], &other.tokens[i]);
        if ta.kind == tb.kind {
            return Ordering::Equal;
        }
        // The kinds part: a pre-release suffix is older; otherwise the version that goes
        // on with a token earlier in the grammar is newer.
        if ta.kind == Kind::Suffix && ta.suffix < SUFFIX_NONE {
            return Ordering::Less;
        }
        if tb.kind == Kind::Suffix && tb.suffix < SUFFIX_NONE {
            return Ordering::Greater;
        }
        tb.kind.cmp(&ta.kind)
    }
}

impl PartialOrd for ApkVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ApkVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ApkVersion {}

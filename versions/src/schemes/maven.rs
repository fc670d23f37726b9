//! Maven versions, ordered as `org.apache.maven.artifact.versioning.ComparableVersion`
//! (maven-artifact 3.8, <https://maven.apache.org/pom.html#version-order-specification>),
//! with the later fix for MNG-6964 so that the order is transitive.
//!
//! The version is split at `.`, at `-` and at every switch between digits and letters; a
//! `-` (or a switch) opens a nested list. Numbers compare by value; qualifiers in the
//! order `alpha` < `beta` < `milestone` < `rc` = `cr` < `snapshot` < `""` = `ga` =
//! `final` = `release` < `sp`, unknown qualifiers after them in lexical order; `a1`, `b1`,
//! `m1` spell `alpha-1`, `beta-1`, `milestone-1`. Trailing "null" items (`0`, `""`, an
//! empty list) are dropped from every list, so `1` = `1.0` = `1-0` = `1.ga`.

use std::cmp::Ordering;

use crate::error::Invalid;
use crate::num::Num;

/// A parsed Maven version: the top-level item list.
#[derive(Clone, Debug)]
pub struct MavenVersion {
    items: Vec<Item>,
}

#[derive(Clone, Debug)]
enum Item {
    Number(Num),
    /// A qualifier, already mapped to its rank.
    Qualifier(Qualifier),
    List(Vec<Item>),
}

/// A qualifier's place: a known one by index, an unknown one after all known ones.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Qualifier {
    Known(u8),
    Unknown(Box<str>),
}

/// The index of `""` in the known-qualifier list: a release.
const RELEASE: u8 = 5;

fn qualifier(text: &str, followed_by_digit: bool) -> Qualifier {
    // `a1` = `alpha-1` and so on, only for a one-letter qualifier before a number.
    let text = match (text, followed_by_digit) {
        ("a", true) => "alpha",
        ("b", true) => "beta",
        ("m", true) => "milestone",
        _ => text,
    };
    match text {
        "alpha" => Qualifier::Known(0),
        "beta" => Qualifier::Known(1),
        "milestone" => Qualifier::Known(2),
        "rc" | "cr" => Qualifier::Known(3),
        "snapshot" => Qualifier::Known(4),
        "" | "ga" | "final" | "release" => Qualifier::Known(RELEASE),
        "sp" => Qualifier::Known(6),
        other => Qualifier::Unknown(other.into()),
    }
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Number(n) => n.is_zero(),
            Item::Qualifier(q) => *q == Qualifier::Known(RELEASE),
            Item::List(items) => items.is_empty(),
        }
    }

    /// `Item.compareTo(Item)`; `None` stands for the missing item of a shorter list.
    fn cmp_opt(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Number(n), None) => {
                if n.is_zero() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Number(a), Some(Item::Number(b))) => a.cmp(b),
            (Item::Number(_), Some(_)) => Ordering::Greater,

            // `1-rc` < `1`, `1-sp` > `1`.
            (Item::Qualifier(q), None) => q.cmp(&Qualifier::Known(RELEASE)),
            (Item::Qualifier(a), Some(Item::Qualifier(b))) => a.cmp(b),
            (Item::Qualifier(_), Some(_)) => Ordering::Less,

            // Every item against nothing, not only the first: Maven's fix for MNG-6964,
            // without which `1-0.1` = `1` < `1-a` < `1-0.1`.
            (Item::List(items), None) => items
                .iter()
                .map(|item| item.cmp_opt(None))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal),
            (Item::List(_), Some(Item::Number(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Qualifier(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => cmp_lists(a, b),
        }
    }
}

fn cmp_lists(left: &[Item], right: &[Item]) -> Ordering {
    let len = left.len().max(right.len());
    for i in 0..len {
        let result = match (left.get(i), right.get(i)) {
            (Some(l), r) => l.cmp_opt(r),
            (None, Some(r)) => r.cmp_opt(None).reverse(),
            (None, None) => Ordering::Equal,
        };
        if result != Ordering::Equal {
            return result;
        }
    }
    Ordering::Equal
}

/// Drops trailing null items, looking through nested lists as `ListItem.normalize` does:
/// a trailing list is kept (after its own normalization) unless it is empty, and the
/// removal goes on past it.
fn normalize(items: &mut Vec<Item>) {
    let mut i = items.len();
    while i > 0 {
        i -= 1;
        if let Item::List(inner) = &mut items[i] {
            normalize(inner);
        }
        if items[i].is_null() {
            items.remove(i);
        } else if !matches!(items[i], Item::List(_)) {
            break;
        }
    }
}

impl MavenVersion {
    /// Parses a Maven version; every string is a Maven version, so only an empty one is
    /// refused.
    pub(crate) fn parse(text: &str) -> Result<Self, Invalid> {
        let text = text.trim().to_lowercase();
        if text.is_empty() {
            return Err(Invalid::new(
                "a Maven version such as 1.0, 2.1-SNAPSHOT or 3.0.0.Final",
            ));
        }

        // `ComparableVersion.parseVersion`: a stack of lists, the innermost last.
        let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
        let mut is_digit = false;
        let mut start = 0;
        let push_item = |list: &mut Vec<Item>, is_digit: bool, token: &str| {
            if is_digit {
                list.push(Item::Number(Num::from_digits(token)));
            } else {
                list.push(Item::Qualifier(qualifier(token, false)));
            }
        };

        for (i, c) in text.char_indices() {
            let list = stack
                .last_mut()
                .expect("the stack always holds the root list");
            if c == '.' || c == '-' {
                if i == start {
                    list.push(Item::Number(Num::ZERO));
                } else {
                    push_item(list, is_digit, &text[start..i]);
                }
                start = i + 1;
                if c == '-' {
                    stack.push(Vec::new());
                }
            } else if c.is_ascii_digit() {
                // A switch from letters to digits: `rc1` is `rc-1`.
                if !is_digit && i > start {
                    list.push(Item::Qualifier(qualifier(&text[start..i], true)));
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = true;
            } else {
                // A switch from digits to letters: `1rc` is `1-rc`.
                if is_digit && i > start {
                    push_item(list, true, &text[start..i]);
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = false;
            }
        }
        if text.len() > start {
            let list = stack
                .last_mut()
                .expect("the stack always holds the root list");
            push_item(list, is_digit, &text[start..]);
        }

        // Fold the stack: each list is the last item of the one below it.
        let mut items = stack.pop().expect("the stack always holds the root list");
        while let Some(mut parent) = stack.pop() {
            parent.push(Item::List(items));
            items = parent;
        }
        normalize(&mut items);

        Ok(MavenVersion { items })
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MavenVersion {}

//! Numeric version components of any length.
//!
//! Versions in the wild carry components longer than 64 bits (the vectors hold
//! `999999999999999999999999999991`), and every reference implementation we follow
//! compares those by value (Maven's `BigIntegerItem`, rpmvercmp's "longer digit run wins").
//! A component is kept as a `u64` when it fits and as its digits otherwise, so the common
//! case compares as one integer comparison and nothing ever overflows.

use std::cmp::Ordering;
use std::fmt;

/// A non-negative integer of any size, compared by value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Num {
    /// A value that fits in 64 bits.
    Small(u64),
    /// A value above `u64::MAX`: its decimal digits without leading zeros.
    Big(Box<str>),
}

impl Num {
    /// Zero.
    pub(crate) const ZERO: Num = Num::Small(0);

    /// Parses a run of ASCII digits (the caller guarantees it is one); leading zeros are
    /// ignored, and an empty run is zero.
    pub(crate) fn from_digits(digits: &str) -> Num {
        debug_assert!(digits.bytes().all(|b| b.is_ascii_digit()));

        let trimmed = digits.trim_start_matches('0');
        match trimmed.parse::<u64>() {
            Ok(value) => Num::Small(value),
            Err(_) if trimmed.is_empty() => Num::ZERO,
            Err(_) => Num::Big(trimmed.into()),
        }
    }

    /// Parses `text` when it is a non-empty run of ASCII digits.
    pub(crate) fn parse(text: &str) -> Option<Num> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            Some(Num::from_digits(text))
        } else {
            None
        }
    }

    /// Whether the value is zero.
    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Num::Small(0))
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            // Same length without leading zeros: the digit strings order like the values.
            (Num::Big(a), Num::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Small(value) => write!(f, "{value}"),
            Num::Big(digits) => f.write_str(digits),
        }
    }
}

/// Compares two lists of numbers as if the shorter were padded with zeros, so `1.0` and
/// `1.0.0` are equal (SemVer-like, PEP 440 and NuGet release segments).
pub(crate) fn cmp_padded(a: &[Num], b: &[Num]) -> Ordering {
    let len = a.len().max(b.len());
    for i in 0..len {
        let x = a.get(i).unwrap_or(&Num::ZERO);
        let y = b.get(i).unwrap_or(&Num::ZERO);
        match x.cmp(y) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_values_compare_by_value() {
        let small = Num::from_digits("18446744073709551615");
        let big = Num::from_digits("18446744073709551616");
        let bigger = Num::from_digits("000999999999999999999999999999");

        assert_eq!(small, Num::Small(u64::MAX));
        assert!(small < big);
        assert!(big < bigger);
        assert_eq!(bigger.to_string(), "999999999999999999999999999");
        assert_eq!(Num::from_digits("000"), Num::ZERO);
    }

    #[test]
    fn padding_makes_trailing_zeros_equal() {
        let one = [Num::Small(1)];
        let one_zero = [Num::Small(1), Num::ZERO];
        let one_one = [Num::Small(1), Num::Small(1)];

        assert_eq!(cmp_padded(&one, &one_zero), Ordering::Equal);
        assert_eq!(cmp_padded(&one, &one_one), Ordering::Less);
    }
}

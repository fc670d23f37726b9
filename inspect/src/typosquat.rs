//! Typosquatting: a package name one or two edits from a popular name (issue 7). The lists
//! in `inspect/data/` are made by `bench/inspect/make-popular-names.sh` from public registry
//! download statistics; their first lines say when.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::{Severity, Signal};

static PYPI: &str = include_str!("../data/popular-pypi.txt");
static NPM: &str = include_str!("../data/popular-npm.txt");

struct Popular {
    all: HashSet<String>,
    top: Vec<String>,
}

fn load(text: &str, top: usize) -> Popular {
    let names: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| normalize(l.trim()))
        .collect();
    Popular {
        all: names.iter().cloned().collect(),
        top: names.into_iter().take(top).collect(),
    }
}

static PYPI_NAMES: LazyLock<Popular> = LazyLock::new(|| load(PYPI, 1500));
static NPM_NAMES: LazyLock<Popular> = LazyLock::new(|| load(NPM, 1500));

/// PEP 503 normalisation (runs of `-`, `_`, `.` become `-`), lower-case.
fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_ascii_lowercase().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Damerau-Levenshtein distance (optimal string alignment), stopping early above `max`.
fn distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The popular name `name` imitates, if any.
pub fn imitated(name: &str, ecosystem: &str) -> Option<String> {
    let popular = match ecosystem {
        "npm" => &*NPM_NAMES,
        "python" => &*PYPI_NAMES,
        _ => return None,
    };
    let n = normalize(name);
    if n.len() < 4 || popular.all.contains(&n) {
        return None;
    }
    let max = if n.len() >= 8 { 2 } else { 1 };
    popular
        .top
        .iter()
        .find(|p| p.len() >= 4 && distance(&n, p, max) <= max)
        .cloned()
}

/// A `typosquat` signal when the package name imitates a popular one.
pub fn check(name: &str, ecosystem: &str) -> Option<Signal> {
    let target = imitated(name, ecosystem)?;
    Some(Signal {
        code: "typosquat".into(),
        severity: Severity::Medium,
        file: String::new(),
        line: 0,
        excerpt: name.to_string(),
        indicators: vec![target.clone()],
        message: format!("name {name:?} is one or two edits from the popular {target:?}"),
        function: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_flagged_and_popular_names_are_not() {
        assert_eq!(imitated("reqeusts", "python").as_deref(), Some("requests"));
        assert_eq!(imitated("requests", "python"), None);
        assert_eq!(imitated("expresss", "npm").as_deref(), Some("express"));
        assert_eq!(imitated("lodash", "npm"), None);
    }
}

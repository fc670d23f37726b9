//! Small text helpers shared by the lockfile parsers: line numbers from byte offsets and
//! from key positions, and JSONC (bun.lock) to JSON.

use std::collections::HashMap;

/// Maps byte offsets of a text to 1-based line numbers.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> u32 {
        let index = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        u32::try_from(index + 1).unwrap_or(u32::MAX)
    }
}

/// The first line on which each JSON object key (`"key": ...`) starts a line. JSON parsers
/// keep no positions; lockfiles are pretty-printed one key per line, so this is exact for
/// unique keys and the first occurrence otherwise.
pub(crate) fn json_key_lines(text: &str) -> HashMap<&str, u32> {
    let mut lines = HashMap::new();
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix('"') else {
            continue;
        };
        let Some(end) = closing_quote(rest) else {
            continue;
        };
        if rest[end + 1..].trim_start().starts_with(':') {
            let line = u32::try_from(number + 1).unwrap_or(u32::MAX);
            lines.entry(&rest[..end]).or_insert(line);
        }
    }
    lines
}

/// Every line on which a key of an object value (`"key": {`) starts a line, with the key's
/// indentation.
pub(crate) fn json_key_occurrences(text: &str) -> HashMap<&str, Vec<(u32, usize)>> {
    let mut occurrences: HashMap<&str, Vec<(u32, usize)>> = HashMap::new();
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix('"') else {
            continue;
        };
        let Some(end) = closing_quote(rest) else {
            continue;
        };
        let after = rest[end + 1..].trim_start();
        if after.starts_with(':') && after[1..].trim_start().starts_with('{') {
            let line_number = u32::try_from(number + 1).unwrap_or(u32::MAX);
            let indent = line.len() - trimmed.len();
            occurrences
                .entry(&rest[..end])
                .or_default()
                .push((line_number, indent));
        }
    }
    occurrences
}

/// The index of the quote closing a JSON string whose opening quote was just before `s`.
fn closing_quote(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The lines of the keys directly under a top-level YAML mapping `section:` (two-space
/// indented keys, quotes removed), e.g. the entries of `packages:` in pnpm-lock.yaml.
pub(crate) fn yaml_section_key_lines<'a>(text: &'a str, section: &str) -> HashMap<&'a str, u32> {
    let mut lines = HashMap::new();
    let mut inside = false;
    for (number, line) in text.lines().enumerate() {
        if !line.starts_with(' ') && !line.is_empty() && !line.starts_with('#') {
            inside = line.trim_end() == format!("{section}:");
            continue;
        }
        if !inside {
            continue;
        }
        let Some(rest) = line.strip_prefix("  ") else {
            continue;
        };
        if rest.starts_with(' ') || rest.starts_with('#') {
            continue;
        }
        let key = match rest.rfind(':') {
            Some(colon) if rest[colon + 1..].trim().is_empty() || rest.ends_with(':') => {
                &rest[..colon]
            }
            _ => match rest.find(": ") {
                Some(colon) => &rest[..colon],
                None => continue,
            },
        };
        let key = key.trim().trim_matches(|c| c == '\'' || c == '"');
        let line = u32::try_from(number + 1).unwrap_or(u32::MAX);
        lines.entry(key).or_insert(line);
    }
    lines
}

/// JSONC (comments and trailing commas, as bun.lock writes) to plain JSON. Offsets move,
/// but newlines are kept, so line numbers stay right.
pub(crate) fn jsonc_to_json(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
            out.extend_from_slice(&bytes[start..i]);
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                if bytes[i] == b'\n' {
                    out.push(b'\n');
                }
                i += 1;
            }
            i += 2;
            continue;
        }
        if b == b',' {
            // A trailing comma: the next significant byte closes the object or array.
            let mut j = i + 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if matches!(bytes.get(j), Some(b'}') | Some(b']')) {
                i += 1;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_from_one() {
        let index = LineIndex::new("a\nbc\n\nd");
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(2), 2);
        assert_eq!(index.line(5), 3);
        assert_eq!(index.line(6), 4);
    }

    #[test]
    fn jsonc_loses_comments_and_trailing_commas() {
        let json = jsonc_to_json("{\n // c\n \"a\": [1, 2,], /* x */ \"b\": \"//,]\",\n}");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["a"][1], 2);
        assert_eq!(value["b"], "//,]");
    }

    #[test]
    fn yaml_keys_of_a_section() {
        let text = "lockfileVersion: '9.0'\npackages:\n\n  '@a/b@1.0.0':\n    x: 1\n  c@2.0.0:\n";
        let lines = yaml_section_key_lines(text, "packages");
        assert_eq!(lines.get("@a/b@1.0.0"), Some(&4));
        assert_eq!(lines.get("c@2.0.0"), Some(&6));
    }
}

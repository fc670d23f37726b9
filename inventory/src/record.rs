//! Installed files of a Python distribution, from its `RECORD`, and file hashing: what the
//! matcher compares with an advisory's `evidence_files[].sha256` indicators.
//!
//! RECORD is a CSV file of `path,hash,size` rows, paths relative to the directory holding
//! the `.dist-info` (PEP 376, and the binary distribution format spec:
//! <https://packaging.python.org/en/latest/specifications/recording-installed-packages/>).

use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;

/// One file named by a distribution's `RECORD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordFile {
    /// The file on disk (inside the root).
    pub path: PathBuf,
    /// The SHA-256 the RECORD declares, as lowercase hex; the file itself may differ, so
    /// a finding is only confirmed by [`hash_file`] of `path`.
    pub declared_sha256: Option<String>,
}

/// Reads the RECORD at `record` (relative to `root`). Rows that leave the root (`../` out
/// of it) are dropped: nothing outside a root is ever read.
pub(crate) fn read_record(root: &Path, record: &str) -> Result<Vec<RecordFile>, Error> {
    let path = root.join(record);
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;

    // RECORD sits in `<site-packages>/<name>.dist-info/`; its rows are relative to the
    // site-packages directory.
    let base = path.parent().and_then(Path::parent).unwrap_or(root);
    let mut files = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let fields = split_csv(line);
        let Some(relative) = fields.first() else {
            continue;
        };
        let Some(joined) = lexical_join(base, relative) else {
            continue;
        };
        if !joined.starts_with(root) {
            continue;
        }
        let declared_sha256 = fields
            .get(1)
            .and_then(|h| h.strip_prefix("sha256="))
            .and_then(urlsafe_b64_to_hex);
        files.push(RecordFile {
            path: joined,
            declared_sha256,
        });
    }
    Ok(files)
}

/// The lowercase hex SHA-256 of a file, streamed.
pub fn hash_file(path: &Path) -> Result<String, Error> {
    let io_error = |source: io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_error)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer).map_err(io_error)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(to_hex(&hasher.finalize()))
}

/// Lowercase hex of bytes.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Splits one CSV row (RFC 4180 quoting; RECORD quotes paths holding commas).
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Joins `relative` to `base`, resolving `.` and `..` without touching the file system
/// (no symlink is followed). `None` for absolute paths.
fn lexical_join(base: &Path, relative: &str) -> Option<PathBuf> {
    let relative = Path::new(relative);
    if relative.is_absolute() {
        return None;
    }
    let mut out = base.to_path_buf();
    for component in relative.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// RECORD hashes are URL-safe base64 without padding (PEP 376/427).
fn urlsafe_b64_to_hex(encoded: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut bytes = Vec::with_capacity(32);
    for c in encoded.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
        }
    }
    (bytes.len() == 32).then(|| to_hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_hash_decodes_to_hex() {
        // sha256 of the empty string.
        let hex = urlsafe_b64_to_hex("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU").unwrap();
        assert_eq!(
            hex,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn csv_keeps_quoted_commas() {
        assert_eq!(
            split_csv("\"a,b.py\",sha256=x,3"),
            vec!["a,b.py", "sha256=x", "3"]
        );
    }

    #[test]
    fn record_rows_leaving_the_root_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("lib/site-packages");
        std::fs::create_dir_all(site.join("a-1.dist-info")).unwrap();
        std::fs::write(
            site.join("a-1.dist-info/RECORD"),
            "a/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n\
             ../../bin/a,,\n../../../../etc/passwd,,\n/etc/shadow,,\n",
        )
        .unwrap();
        let files = read_record(dir.path(), "lib/site-packages/a-1.dist-info/RECORD").unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.clone()).collect();
        assert_eq!(
            paths,
            vec![site.join("a/__init__.py"), dir.path().join("bin/a")]
        );
        assert!(files[0].declared_sha256.is_some());
    }
}

//! Where an image's blobs are and which layers its manifest lists: `docker save`'s
//! `manifest.json` (`[{"Config", "RepoTags", "Layers": [paths]}]`) or the OCI image
//! layout's `index.json` → manifest → `layers[].digest` (`blobs/<algorithm>/<hex>`),
//! in a tar (read in place, by offset) or in a directory.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use serde_json::Value;

use super::{normalize, Limits};
use crate::Error;

/// Manifests and indexes are small; a larger one is not a manifest.
const MAX_MANIFEST: u64 = 16 * 1024 * 1024;

/// A layer to apply: where its blob is and what the manifest says about it.
#[derive(Debug, Clone)]
pub(crate) struct LayerRef {
    /// The blob's path inside the archive or directory.
    pub(crate) path: String,
    /// The digest the manifest gives (OCI), or `None` (`docker save` paths).
    pub(crate) digest: Option<String>,
}

/// The image's container: a directory, or a tar indexed by entry name.
pub(crate) enum Source {
    Dir(PathBuf),
    Tar {
        file: PathBuf,
        /// Entry name → (offset of the data, size).
        entries: HashMap<String, (u64, u64)>,
    },
}

fn io_error(path: &Path, source: io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn invalid(path: &Path, message: String) -> Error {
    io_error(path, io::Error::new(io::ErrorKind::InvalidData, message))
}

impl Source {
    /// Opens a directory, or indexes a tar (first decompressed into `scratch` when it is
    /// gzip-compressed, since blobs are read by offset).
    pub(crate) fn open(path: &Path, scratch: &Path, limits: &Limits) -> Result<Source, Error> {
        let meta = std::fs::metadata(path).map_err(|source| Error::Root {
            path: path.to_path_buf(),
            source,
        })?;
        if meta.is_dir() {
            return Ok(Source::Dir(path.to_path_buf()));
        }

        let mut magic = [0u8; 2];
        let mut file = File::open(path).map_err(|e| io_error(path, e))?;
        let read = file.read(&mut magic).map_err(|e| io_error(path, e))?;
        let tar_path = if read == 2 && magic == [0x1f, 0x8b] {
            let plain = scratch.join("image.tar");
            let mut out = File::create(&plain).map_err(|e| io_error(&plain, e))?;
            let file = File::open(path).map_err(|e| io_error(path, e))?;
            let mut decoder = GzDecoder::new(BufReader::new(file)).take(limits.max_layer_size + 1);
            let copied = io::copy(&mut decoder, &mut out).map_err(|e| io_error(path, e))?;
            if copied > limits.max_layer_size {
                return Err(invalid(
                    path,
                    format!(
                        "expected an image of at most {} bytes uncompressed, but found more",
                        limits.max_layer_size
                    ),
                ));
            }
            plain
        } else {
            path.to_path_buf()
        };

        let file = File::open(&tar_path).map_err(|e| io_error(&tar_path, e))?;
        let mut archive = tar::Archive::new(BufReader::new(file));
        let mut entries = HashMap::new();
        let mut links = Vec::new();
        let iter = archive.entries().map_err(|e| io_error(path, e))?;
        for (count, entry) in iter.enumerate() {
            if count as u64 >= limits.max_entries {
                return Err(invalid(
                    path,
                    "too many entries in the image archive".into(),
                ));
            }
            let entry = entry.map_err(|e| io_error(path, e))?;
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let Some(name) = normalize(&name) else {
                continue;
            };
            match entry.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    entries.insert(name, (entry.raw_file_position(), entry.size()));
                }
                // Older `docker save` links a layer shared by two images to its first copy.
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    if let Some(target) = entry.link_name_bytes() {
                        let target = String::from_utf8_lossy(&target).into_owned();
                        let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
                        let resolved = if entry.header().entry_type() == tar::EntryType::Link {
                            normalize(&target)
                        } else {
                            normalize(&super::join(dir, &target))
                        };
                        if let Some(resolved) = resolved {
                            links.push((name, resolved));
                        }
                    }
                }
                _ => {}
            }
        }
        for (name, target) in links {
            if let Some(at) = entries.get(&target).copied() {
                entries.insert(name, at);
            }
        }
        Ok(Source::Tar {
            file: tar_path,
            entries,
        })
    }

    /// A blob or manifest by its path inside the image; `None` when absent.
    pub(crate) fn open_entry(&self, name: &str) -> io::Result<Option<(Box<dyn Read>, u64)>> {
        let Some(name) = normalize(name) else {
            return Ok(None);
        };
        match self {
            Source::Dir(dir) => {
                let path = super::staged_path(dir, &name);
                // A layout directory's blobs are plain files; a link there is not followed.
                match std::fs::symlink_metadata(&path) {
                    Ok(meta) if meta.is_file() => {
                        let file = File::open(&path)?;
                        Ok(Some((Box::new(BufReader::new(file)), meta.len())))
                    }
                    Ok(_) => Ok(None),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(e),
                }
            }
            Source::Tar { file, entries } => {
                let Some(&(offset, size)) = entries.get(&name) else {
                    return Ok(None);
                };
                let mut file = File::open(file)?;
                file.seek(SeekFrom::Start(offset))?;
                Ok(Some((Box::new(BufReader::new(file).take(size)), size)))
            }
        }
    }

    /// The path shown in errors.
    fn describe(&self) -> PathBuf {
        match self {
            Source::Dir(dir) => dir.clone(),
            Source::Tar { file, .. } => file.clone(),
        }
    }

    fn read_json(&self, name: &str) -> Result<Option<Value>, Error> {
        let here = self.describe().join(name);
        let Some((reader, size)) = self.open_entry(name).map_err(|e| io_error(&here, e))? else {
            return Ok(None);
        };
        if size > MAX_MANIFEST {
            return Err(invalid(
                &here,
                format!("expected a manifest of at most {MAX_MANIFEST} bytes, but found {size}"),
            ));
        }
        let mut text = Vec::new();
        reader
            .take(MAX_MANIFEST)
            .read_to_end(&mut text)
            .map_err(|e| io_error(&here, e))?;
        serde_json::from_slice(&text)
            .map(Some)
            .map_err(|e| invalid(&here, format!("expected JSON, but {e}")))
    }

    /// The layers to apply, lowest first: from `manifest.json` when present (`docker
    /// save`, which newer Docker writes beside an OCI `index.json`), else from the OCI
    /// `index.json`.
    pub(crate) fn layers(&self) -> Result<Vec<LayerRef>, Error> {
        let here = self.describe();
        if let Some(manifest) = self.read_json("manifest.json")? {
            let layers = manifest
                .get(0)
                .and_then(|image| image.get("Layers"))
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    invalid(
                        &here.join("manifest.json"),
                        "expected `[{\"Layers\": [...]}]`, but found no layer list".into(),
                    )
                })?;
            return Ok(layers
                .iter()
                .filter_map(Value::as_str)
                .map(|path| LayerRef {
                    digest: blob_digest(path),
                    path: path.to_string(),
                })
                .collect());
        }

        let Some(index) = self.read_json("index.json")? else {
            return Err(invalid(
                &here,
                "expected a `docker save` archive (manifest.json) or an OCI image layout \
                 (index.json), but found neither"
                    .into(),
            ));
        };
        self.oci_layers(&index, 0)
    }

    /// Follows an OCI index to the first image manifest (nested indexes too, a few deep).
    fn oci_layers(&self, index: &Value, depth: usize) -> Result<Vec<LayerRef>, Error> {
        let here = self.describe().join("index.json");
        let manifests = index
            .get("manifests")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid(&here, "expected `manifests` in the index".into()))?;
        let first = manifests
            .first()
            .and_then(|m| m.get("digest"))
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(&here, "expected a manifest digest, but found none".into()))?;
        let path = digest_path(first).ok_or_else(|| {
            invalid(
                &here,
                format!("expected a digest `algorithm:hex`, but found {first:?}"),
            )
        })?;
        let manifest = self.read_json(&path)?.ok_or_else(|| {
            invalid(
                &here,
                format!("expected the blob {path}, but it is missing"),
            )
        })?;

        if manifest.get("manifests").is_some() {
            if depth >= 4 {
                return Err(invalid(
                    &here,
                    "expected an image manifest within 4 indexes".into(),
                ));
            }
            return self.oci_layers(&manifest, depth + 1);
        }
        let layers = manifest
            .get("layers")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid(&here, format!("expected `layers` in {path}")))?;
        let mut out = Vec::new();
        for layer in layers {
            let Some(digest) = layer.get("digest").and_then(Value::as_str) else {
                continue;
            };
            let Some(path) = digest_path(digest) else {
                return Err(invalid(
                    &here,
                    format!("expected a layer digest `algorithm:hex`, but found {digest:?}"),
                ));
            };
            out.push(LayerRef {
                path,
                digest: Some(digest.to_string()),
            });
        }
        Ok(out)
    }
}

/// `sha256:<hex>` → `blobs/sha256/<hex>`, refusing anything but a plain algorithm and hex
/// (a digest is also a path here, so it must not be able to name one of its own).
fn digest_path(digest: &str) -> Option<String> {
    let (algorithm, hex) = digest.split_once(':')?;
    let plain = |s: &str, extra: &[char]| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
    };
    (plain(algorithm, &['+', '.', '_', '-']) && plain(hex, &[]))
        .then(|| format!("blobs/{algorithm}/{hex}"))
}

/// The digest a `docker save` layer path spells (`blobs/sha256/<hex>`), if it does.
fn blob_digest(path: &str) -> Option<String> {
    let rest = path.strip_prefix("blobs/")?;
    let (algorithm, hex) = rest.split_once('/')?;
    Some(format!("{algorithm}:{hex}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_become_blob_paths_only_when_plain() {
        assert_eq!(
            digest_path("sha256:ab12").as_deref(),
            Some("blobs/sha256/ab12")
        );
        assert_eq!(digest_path("sha256:../../etc"), None);
        assert_eq!(digest_path("nocolon"), None);
        assert_eq!(
            blob_digest("blobs/sha256/ab12").as_deref(),
            Some("sha256:ab12")
        );
        assert_eq!(blob_digest("abc/layer.tar"), None);
    }
}

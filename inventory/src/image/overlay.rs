//! Applying an image's layers in order (OCI image spec, "Applying Changesets"): every layer
//! is a tar of added and changed entries; `.wh.<name>` deletes `<name>` of the lower layers
//! and `.wh..wh..opq` hides everything lower layers put in its directory. Only the files a
//! collector would open are read out ([`wanted`]); the merged result is written below a
//! private root at the end, each file remembering the layer that provided it.
//!
//! Whiteouts apply to lower layers only, whatever their place in the layer's tar (the spec
//! asks writers to put them first, but does not promise it), so each read-out file keeps
//! its layer and a whiteout removes only files of layers below its own.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::layout::{LayerRef, Source};
use super::{join, normalize, staged_path, Layer, Limits};
use crate::collect::{self, Kind};
use crate::{Options, ScanError};

/// The whiteout prefix and the opaque-directory marker of the OCI image spec.
const WHITEOUT: &str = ".wh.";
const OPAQUE: &str = ".wh..wh..opq";

/// The compression ratio is judged only past this many uncompressed bytes: small layers of
/// empty files compress extremely well without being bombs.
const RATIO_GRACE: u64 = 1024 * 1024;

/// Whether a file at `path` inside an image (`/`-separated, relative to its root) is one a
/// collector reads: the files [`crate::scan`] would hand to a collector or hash, the files
/// collectors read beside them (a dist-info's `RECORD` and `direct_url.json`, a Cargo
/// workspace's manifests), `os-release`, and the Python sources of installed distributions
/// (what confirmation by an advisory's file hashes compares). Go executables are judged
/// by their content as well (see [`Overlay`]), not by this name test.
pub fn wanted(path: &str) -> bool {
    let path_ref = Path::new(path);
    let Some(name) = path_ref.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let by_name = Options {
        go_binaries: false,
        ..Options::default()
    };
    if collect::classify(Path::new(""), path_ref, name, &by_name).is_some() {
        return true;
    }
    if matches!(path, "etc/os-release" | "usr/lib/os-release") || name == "Cargo.toml" {
        return true;
    }

    let mut parents = path.split('/').rev().skip(1);
    let parent = parents.next().unwrap_or("");
    if parent.ends_with(".dist-info") || parent.ends_with(".egg-info") {
        return true;
    }
    let installed_tree = path
        .split('/')
        .any(|part| matches!(part, "site-packages" | "dist-packages"));
    installed_tree && (name.ends_with(".py") || name.ends_with(".pth"))
}

/// A file read out so far: the layer it came from and its copy in the staging directory.
#[derive(Debug)]
struct Staged {
    layer: usize,
    blob: PathBuf,
}

/// The merged view of the layers applied so far, as far as it concerns wanted files.
pub(crate) struct Overlay<'a> {
    staging: PathBuf,
    options: &'a Options,
    limits: &'a Limits,
    files: BTreeMap<String, Staged>,
    layers: Vec<Layer>,
    errors: Vec<ScanError>,
    entries: u64,
    total: u64,
    next_blob: u64,
}

/// Why reading a layer stopped early.
enum Stop {
    /// A limit of [`Limits`] was reached (already reported).
    Limit,
    /// The tar or its compression is broken.
    Io(io::Error),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Io(e)
    }
}

impl<'a> Overlay<'a> {
    /// An empty overlay whose read-out files are kept in `staging` until [`Overlay::finish`].
    pub(crate) fn new(staging: PathBuf, options: &'a Options, limits: &'a Limits) -> Self {
        Overlay {
            staging,
            options,
            limits,
            files: BTreeMap::new(),
            layers: Vec::new(),
            errors: Vec::new(),
            entries: 0,
            total: 0,
            next_blob: 0,
        }
    }

    /// Applies the `index`-th layer. A layer that cannot be read, or an entry that is
    /// refused, becomes a scan error; what was applied before it stays.
    pub(crate) fn apply(&mut self, index: usize, layer: &LayerRef, source: &Source) {
        let opened = match source.open_entry(&layer.path) {
            Ok(Some(opened)) => opened,
            Ok(None) => {
                self.layer_error(
                    index,
                    layer,
                    "unreadable",
                    "the manifest lists it, but the blob is missing".into(),
                );
                self.describe(index, layer, None);
                return;
            }
            Err(e) => {
                self.layer_error(
                    index,
                    layer,
                    "unreadable",
                    format!("expected a readable blob, but {e}"),
                );
                self.describe(index, layer, None);
                return;
            }
        };
        let (reader, _) = opened;
        let mut blob = Hashing::new(reader);

        let result = self.read_layer(index, layer, &mut blob);
        match result {
            Ok(()) | Err(Stop::Limit) => {}
            Err(Stop::Io(e)) => self.layer_error(
                index,
                layer,
                "parse-error",
                format!(
                    "expected a tar layer (plain or gzip), but {e}; entries after this point \
                     were not applied"
                ),
            ),
        }

        // The rest of the blob (tar padding) still belongs to its digest.
        let complete = io::copy(&mut blob, &mut io::sink()).is_ok();
        let digest = complete.then(|| format!("sha256:{}", blob.hex()));
        if let (Some(found), Some(expected)) = (&digest, &layer.digest) {
            if expected.starts_with("sha256:") && found != expected {
                self.layer_error(
                    index,
                    layer,
                    "digest-mismatch",
                    format!("expected the digest {expected}, but the blob hashes to {found}"),
                );
            }
        }
        self.describe(index, layer, digest);
    }

    /// Records the layer as locations name it: the manifest's digest, else the one
    /// computed, else none known.
    fn describe(&mut self, index: usize, layer: &LayerRef, computed: Option<String>) {
        self.layers.push(Layer {
            index,
            digest: layer.digest.clone().or(computed).unwrap_or_default(),
            path: layer.path.clone(),
        });
    }

    /// Reads one layer's tar (gzip or plain) and applies its entries.
    fn read_layer(
        &mut self,
        index: usize,
        layer: &LayerRef,
        blob: &mut Hashing<Box<dyn Read>>,
    ) -> Result<(), Stop> {
        let mut buffered = BufReader::new(blob);
        let magic = buffered.fill_buf()?.get(..4).map(<[u8]>::to_vec);
        let compressed = Counting::new(buffered);
        let compressed_count = compressed.count.clone();
        let plain: Box<dyn Read + '_> = match magic.as_deref() {
            Some([0x1f, 0x8b, ..]) => Box::new(flate2::read::MultiGzDecoder::new(compressed)),
            Some([0x28, 0xb5, 0x2f, 0xfd]) => {
                self.layer_error(
                    index,
                    layer,
                    "unknown-format",
                    "expected a plain or gzip-compressed tar, but found zstd, which this \
                     scanner does not read; the layer was not applied"
                        .into(),
                );
                return Err(Stop::Limit);
            }
            _ => Box::new(compressed),
        };
        let plain = Counting::new(plain);
        let plain_count = plain.count.clone();
        let mut archive = tar::Archive::new(plain);

        for entry in archive.entries()? {
            let mut entry = entry?;
            self.entries += 1;
            if self.entries > self.limits.max_entries {
                let limit = self.limits.max_entries;
                self.layer_error(
                    index,
                    layer,
                    "too-large",
                    format!(
                        "expected at most {limit} entries in all layers, but found more; the \
                         rest were not applied"
                    ),
                );
                return Err(Stop::Limit);
            }
            self.entry(index, layer, &mut entry)?;

            // Limits on what the layer inflates to, checked between entries (an entry's data
            // is read or skipped by then).
            let inflated = plain_count.get();
            let deflated = compressed_count.get().max(1);
            if inflated > self.limits.max_layer_size {
                let limit = self.limits.max_layer_size;
                self.layer_error(
                    index,
                    layer,
                    "too-large",
                    format!(
                        "expected a layer of at most {limit} bytes uncompressed, but found \
                         more; the rest was not applied"
                    ),
                );
                return Err(Stop::Limit);
            }
            if inflated > RATIO_GRACE && inflated / deflated > self.limits.max_ratio {
                let limit = self.limits.max_ratio;
                self.layer_error(
                    index,
                    layer,
                    "too-large",
                    format!(
                        "expected a compression ratio of at most {limit}:1, but found {}:1; \
                         the rest was not applied",
                        inflated / deflated
                    ),
                );
                return Err(Stop::Limit);
            }
        }
        Ok(())
    }

    /// Applies one tar entry: refuses paths and links that leave the root, applies
    /// whiteouts, replaces what lower layers had at the path and reads out wanted files.
    fn entry<R: Read>(
        &mut self,
        index: usize,
        layer: &LayerRef,
        entry: &mut tar::Entry<'_, R>,
    ) -> Result<(), Stop> {
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let kind = entry.header().entry_type();

        // Step 1: the path must stay inside the root.
        if raw.starts_with('/') {
            self.refuse(index, layer, &raw, "its path is absolute".into());
            return Ok(());
        }
        let Some(path) = normalize(&raw) else {
            self.refuse(
                index,
                layer,
                &raw,
                "its path climbs out of the root with `..`".into(),
            );
            return Ok(());
        };
        if path.is_empty() {
            return Ok(());
        }
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", &path));

        // Step 2: whiteouts, which are markers and never files of the image.
        if name == OPAQUE {
            self.remove_below(dir, Some(index));
            return Ok(());
        }
        if let Some(hidden) = name.strip_prefix(WHITEOUT) {
            // `.wh..wh.*` other than the opaque marker are reserved by AUFS: not deletions.
            if !hidden.starts_with(WHITEOUT) && !hidden.is_empty() {
                let target = join(dir, hidden);
                self.remove_exact(&target, Some(index));
                self.remove_below(&target, Some(index));
            }
            return Ok(());
        }

        // Step 3: links must not point out of the root; a symbolic link's absolute target
        // is the image's own root (as inside a container), its relative one is resolved
        // from the link's directory. Links are never followed when reading out.
        let link = entry
            .link_name_bytes()
            .map(|t| String::from_utf8_lossy(&t).into_owned());
        let hard_target = match kind {
            tar::EntryType::Symlink => {
                let target = link.unwrap_or_default();
                let inside = match target.strip_prefix('/') {
                    Some(absolute) => normalize(absolute),
                    None => normalize(&join(dir, &target)),
                };
                if inside.is_none() {
                    self.refuse(
                        index,
                        layer,
                        &raw,
                        format!("it links to `{target}`, outside the root"),
                    );
                    return Ok(());
                }
                None
            }
            tar::EntryType::Link => {
                let target = link.unwrap_or_default();
                match normalize(target.trim_start_matches('/')).filter(|_| !target.starts_with('/'))
                {
                    Some(inside) => Some(inside),
                    None => {
                        self.refuse(
                            index,
                            layer,
                            &raw,
                            format!("it is a hard link to `{target}`, outside the root"),
                        );
                        return Ok(());
                    }
                }
            }
            _ => None,
        };

        // Step 4: the entry replaces what was at its path (a directory keeps what is below).
        self.remove_exact(&path, None);
        if kind.is_dir() {
            return Ok(());
        }
        self.remove_below(&path, None);

        // Step 5: wanted files are read out.
        if let Some(target) = hard_target {
            if wanted(&path) {
                self.link_copy(index, layer, &path, &target);
            }
            return Ok(());
        }
        if !matches!(kind, tar::EntryType::Regular | tar::EntryType::Continuous) {
            return Ok(());
        }
        let executable = entry.header().mode().is_ok_and(|m| m & 0o111 != 0);
        let go_candidate = self.options.go_binaries && executable && !name.contains('.');
        if wanted(&path) || go_candidate {
            self.read_out(index, layer, &path, entry, !wanted(&path))?;
        }
        Ok(())
    }

    /// Copies a wanted file's data into the staging directory, within the size limits.
    /// `go_only` keeps it only when it is an ELF executable with Go build information.
    fn read_out(
        &mut self,
        index: usize,
        layer: &LayerRef,
        path: &str,
        data: &mut impl Read,
        go_only: bool,
    ) -> Result<(), Stop> {
        let size = self.limit_for(path, go_only);
        let blob = self.new_blob()?;
        let mut out = io::BufWriter::new(File::create(&blob)?);
        let mut scan = GoSniffer::default();
        let mut buffer = vec![0u8; 64 * 1024];
        let mut written = 0u64;
        let mut too_large = false;
        loop {
            let read = data.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            written += read as u64;
            if written > size || self.total + written > self.limits.max_total_size {
                too_large = true;
                break;
            }
            if go_only {
                scan.feed(&buffer[..read]);
                if written >= 4 && !scan.elf {
                    break;
                }
            }
            out.write_all(&buffer[..read])?;
        }
        out.flush()?;
        drop(out);

        let keep = !too_large && (!go_only || scan.is_go());
        if !keep {
            std::fs::remove_file(&blob)?;
            if too_large && !go_only {
                let message = if self.total + written > self.limits.max_total_size {
                    format!(
                        "expected at most {} bytes read out of all layers, but this file \
                         exceeds it; it was not read",
                        self.limits.max_total_size
                    )
                } else {
                    format!(
                        "expected a file of at most {size} bytes, but found a larger one; it \
                         was not read"
                    )
                };
                self.entry_error(index, layer, path, "too-large", message);
            }
            return Ok(());
        }
        self.total += written;
        self.files
            .insert(path.to_string(), Staged { layer: index, blob });
        Ok(())
    }

    /// The largest file read out at `path`: package archives, Java archives and
    /// executables may be as large as hashed artifacts; metadata and lockfiles as large
    /// as the collectors read.
    fn limit_for(&self, path: &str, go_only: bool) -> u64 {
        let name = path.rsplit('/').next().unwrap_or(path);
        let classified = collect::classify(
            Path::new(""),
            Path::new(path),
            name,
            &Options {
                go_binaries: false,
                ..Options::default()
            },
        );
        let big = go_only
            || matches!(
                classified,
                Some(Kind::Artifact) | Some(Kind::Collector(crate::Collector::JavaArchive))
            );
        if big {
            self.options.max_artifact_size
        } else {
            self.options.max_file_size
        }
    }

    /// A hard link to a file already read out (in this layer or a lower one) gets a copy.
    fn link_copy(&mut self, index: usize, layer: &LayerRef, path: &str, target: &str) {
        let Some(source) = self.files.get(target).map(|s| s.blob.clone()) else {
            self.entry_error(
                index,
                layer,
                path,
                "unreadable",
                format!(
                    "expected the hard link's target `{target}` earlier in the image, but it \
                     was not found"
                ),
            );
            return;
        };
        let copied = self.new_blob().and_then(|blob| {
            std::fs::copy(&source, &blob)?;
            Ok(blob)
        });
        match copied {
            Ok(blob) => {
                self.files
                    .insert(path.to_string(), Staged { layer: index, blob });
            }
            Err(e) => self.entry_error(
                index,
                layer,
                path,
                "unreadable",
                format!("expected to copy the linked file, but {e}"),
            ),
        }
    }

    fn new_blob(&mut self) -> io::Result<PathBuf> {
        std::fs::create_dir_all(&self.staging)?;
        self.next_blob += 1;
        Ok(self.staging.join(self.next_blob.to_string()))
    }

    /// Removes the file at exactly `path`, if read out by a layer below `below` (any layer
    /// when `None`).
    fn remove_exact(&mut self, path: &str, below: Option<usize>) {
        let lower = self
            .files
            .get(path)
            .is_some_and(|s| below.is_none_or(|b| s.layer < b));
        if lower {
            if let Some(staged) = self.files.remove(path) {
                let _ = std::fs::remove_file(staged.blob);
            }
        }
    }

    /// Removes every file below the directory `dir` (`""`: the root) read out by a layer
    /// below `below` (any layer when `None`).
    fn remove_below(&mut self, dir: &str, below: Option<usize>) {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let doomed: Vec<String> = self
            .files
            .range(prefix.clone()..)
            .take_while(|(path, _)| path.starts_with(&prefix))
            .filter(|(_, s)| below.is_none_or(|b| s.layer < b))
            .map(|(path, _)| path.clone())
            .collect();
        for path in doomed {
            if let Some(staged) = self.files.remove(&path) {
                let _ = std::fs::remove_file(staged.blob);
            }
        }
    }

    /// An entry refused because it would leave the root.
    fn refuse(&mut self, index: usize, layer: &LayerRef, raw: &str, why: String) {
        let message = format!("expected an entry inside the image root, but {why}; it was skipped");
        self.entry_error(index, layer, raw, "outside-root", message);
    }

    fn entry_error(
        &mut self,
        index: usize,
        layer: &LayerRef,
        entry: &str,
        code: &str,
        message: String,
    ) {
        self.errors.push(ScanError {
            root: 0,
            path: entry.to_string(),
            code: code.to_string(),
            error: format!("layer {index} ({}): {message}", layer.path),
            layer: Some(index),
        });
    }

    fn layer_error(&mut self, index: usize, layer: &LayerRef, code: &str, message: String) {
        self.errors.push(ScanError {
            root: 0,
            path: layer.path.clone(),
            code: code.to_string(),
            error: format!("layer {index}: {message}"),
            layer: Some(index),
        });
    }

    /// Writes the merged files below `root`. Returns each file's layer, the layers, and
    /// the errors met.
    pub(crate) fn finish(
        mut self,
        root: &Path,
    ) -> (HashMap<String, usize>, Vec<Layer>, Vec<ScanError>) {
        let mut provenance = HashMap::new();
        if let Err(e) = std::fs::create_dir_all(root) {
            self.errors.push(super::image_error(
                ".",
                "unreadable",
                format!("expected a writable temporary directory, but {e}"),
            ));
        }
        let files = std::mem::take(&mut self.files);
        for (path, staged) in files {
            let target = staged_path(root, &path);
            let placed = target
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::rename(&staged.blob, &target));
            match placed {
                Ok(()) => {
                    provenance.insert(path, staged.layer);
                }
                Err(e) => self.errors.push(ScanError {
                    root: 0,
                    path: path.clone(),
                    code: "unreadable".into(),
                    error: format!(
                        "expected to place the file read out of layer {}, but {e}",
                        staged.layer
                    ),
                    layer: Some(staged.layer),
                }),
            }
        }
        let _ = std::fs::remove_dir_all(&self.staging);
        (provenance, self.layers, self.errors)
    }
}

/// Counts the bytes read through it; the count is shared so it can be read while the
/// reader is owned by a decoder.
struct Counting<R> {
    inner: R,
    count: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R> Counting<R> {
    fn new(inner: R) -> Self {
        Counting {
            inner,
            count: std::rc::Rc::default(),
        }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count.set(self.count.get() + read as u64);
        Ok(read)
    }
}

/// Hashes (SHA-256) the bytes read through it: the layer blob's digest.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R> Hashing<R> {
    fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
        }
    }

    fn hex(&self) -> String {
        self.hasher
            .clone()
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.hasher.update(&buf[..read]);
        Ok(read)
    }
}

/// Tells from a file's bytes, fed in order, whether it is an ELF executable holding Go
/// build information (the `.go.buildinfo` magic), without keeping more than the magic's
/// length of overlap.
#[derive(Default)]
struct GoSniffer {
    seen: u64,
    head: Vec<u8>,
    elf: bool,
    tail: Vec<u8>,
    found: bool,
}

impl GoSniffer {
    const MAGIC: &'static [u8] = b"\xff Go buildinf:";

    fn feed(&mut self, chunk: &[u8]) {
        if self.head.len() < 4 {
            let need = 4 - self.head.len();
            self.head.extend_from_slice(&chunk[..need.min(chunk.len())]);
            self.elf = self.head.starts_with(b"\x7fELF") || self.head.len() < 4;
        }
        self.seen += chunk.len() as u64;
        if self.found {
            return;
        }
        let mut window = std::mem::take(&mut self.tail);
        window.extend_from_slice(chunk);
        self.found = window.windows(Self::MAGIC.len()).any(|w| w == Self::MAGIC);
        let keep = Self::MAGIC.len() - 1;
        self.tail = window[window.len().saturating_sub(keep)..].to_vec();
    }

    fn is_go(&self) -> bool {
        self.elf && self.head.len() == 4 && self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_names_collector_files_and_their_neighbours() {
        assert!(wanted("var/lib/dpkg/status"));
        assert!(wanted("var/lib/dpkg/status.d/base"));
        assert!(wanted("lib/apk/db/installed"));
        assert!(wanted("usr/lib/os-release"));
        assert!(wanted(
            "usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA"
        ));
        assert!(wanted(
            "usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD"
        ));
        assert!(wanted("usr/lib/python3/dist-packages/six.py"));
        assert!(wanted("app/package-lock.json"));
        assert!(!wanted("usr/share/doc/dpkg/copyright"));
        assert!(!wanted("usr/lib/x86_64-linux-gnu/libc.so.6"));
        assert!(!wanted("app/src/main.py"));
    }

    #[test]
    fn go_sniffer_finds_the_magic_across_chunks() {
        let mut sniffer = GoSniffer::default();
        sniffer.feed(b"\x7fELF....\xff Go bu");
        sniffer.feed(b"ildinf:rest");
        assert!(sniffer.is_go());

        let mut other = GoSniffer::default();
        other.feed(b"#!/bin/sh\n\xff Go buildinf:");
        assert!(!other.is_go());
    }
}

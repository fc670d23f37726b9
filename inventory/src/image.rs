//! Container images without a container engine: a `docker save` archive or an OCI image
//! layout (a tar or a directory), its layers applied in order, the files the collectors
//! need read out into a private temporary directory, and the ordinary [`crate::scan`] run
//! over it. Every location then names the path inside the image and the layer that
//! provided the file ([`crate::Location::layer`], [`crate::Inventory::layers`]).
//!
//! Layers are applied as the OCI image spec's "Applying Changesets" says: a `.wh.<name>`
//! entry deletes `<name>` (and what is below it) from the lower layers, and
//! `.wh..wh..opq` makes its directory opaque, hiding everything lower layers put in it.
//!
//! Nothing in an image is trusted: entries with absolute paths or `..` that climbs out of
//! the root, and links whose targets leave the root, are refused and reported as
//! `outside-root` errors naming the layer and the entry; the entry count, the size of
//! each file read out, their total and every layer's compression ratio are limited.

mod layout;
mod overlay;

use std::path::{Path, PathBuf};

use crate::{Error, Inventory, Options, ScanError};

pub use overlay::wanted;

/// A layer of a scanned image, as locations name it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Layer {
    /// 0-based position, the lowest layer first.
    pub index: usize,
    /// The digest of the layer blob as stored (`sha256:<hex>`).
    pub digest: String,
    /// The blob's path inside the archive or layout directory.
    pub path: String,
}

/// Limits on what an image may make the scanner read and write.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Entries of all layers together.
    pub max_entries: u64,
    /// Bytes of all files read out together.
    pub max_total_size: u64,
    /// Uncompressed bytes per compressed byte of a layer (checked past the first MiB).
    pub max_ratio: u64,
    /// Uncompressed bytes of one layer.
    pub max_layer_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 2_000_000,
            max_total_size: 4 * 1024 * 1024 * 1024,
            max_ratio: 200,
            max_layer_size: 64 * 1024 * 1024 * 1024,
        }
    }
}

/// An image's inventory, with the temporary directory its files were read out to. The
/// inventory's root is that directory while this value lives, so that confirmation by
/// file hash can read the files; [`ImageScan::finish`] names the image instead and removes
/// the directory.
#[derive(Debug)]
pub struct ImageScan {
    /// Packages, artifacts and errors; locations carry their layer.
    pub inventory: Inventory,
    dir: tempfile::TempDir,
}

impl ImageScan {
    /// The temporary root the files were read out to (what [`Inventory::roots`] holds).
    pub fn root(&self) -> &Path {
        self.inventory
            .roots
            .first()
            .map_or(self.dir.path(), PathBuf::as_path)
    }

    /// The inventory with its root renamed to `image` (as the user gave it); the
    /// temporary directory is removed.
    pub fn finish(self, image: &Path) -> Inventory {
        let mut inventory = self.inventory;
        inventory.roots = vec![image.to_path_buf()];
        inventory
    }
}

/// Reads the image at `path` (a `docker save` or OCI tar, gzip-compressed or not, or an
/// OCI layout / unpacked `docker save` directory) and inventories it.
///
/// Fails only when the image itself cannot be understood (no `manifest.json` nor
/// `index.json`, an unreadable archive); a bad layer or entry is a [`ScanError`].
pub fn scan_image(path: &Path, options: &Options, limits: &Limits) -> Result<ImageScan, Error> {
    let dir = tempfile::Builder::new()
        .prefix("radar-image-")
        .tempdir()
        .map_err(|source| Error::Io {
            path: std::env::temp_dir(),
            source,
        })?;

    // Step 1: the archive or directory, and the layers its manifest lists, lowest first.
    let source = layout::Source::open(path, dir.path(), limits)?;
    let layers = source.layers()?;

    // Step 2: the layers applied in order; the wanted files of the result read out.
    let root = dir.path().join("root");
    let mut overlay = overlay::Overlay::new(dir.path().join("staging"), options, limits);
    for (index, layer) in layers.iter().enumerate() {
        overlay.apply(index, layer, &source);
    }
    let (provenance, described, errors) = overlay.finish(&root);

    // Step 3: the ordinary scan of the read-out tree, every location tagged with its layer.
    let mut inventory = crate::scan(std::slice::from_ref(&root), options)?;
    for package in &mut inventory.packages {
        for location in &mut package.locations {
            location.layer = provenance.get(&location.path).copied();
        }
    }
    for error in &mut inventory.errors {
        error.layer = provenance.get(&error.path).copied();
    }
    inventory.errors.extend(errors);
    inventory
        .errors
        .sort_by(|a, b| (a.root, &a.path, &a.error).cmp(&(b.root, &b.path, &b.error)));
    inventory.layers = described;
    Ok(ImageScan { inventory, dir })
}

/// Inventories a directory holding an unpacked image root (a mounted or exported file
/// system): locations are relative to it, and its `proc`, `sys` and `dev` are skipped as
/// they are for `/`.
pub fn scan_rootfs(dir: &Path, options: &Options) -> Result<Inventory, Error> {
    let mut options = options.clone();
    options
        .exclude
        .extend(["/proc", "/sys", "/dev"].map(String::from));
    crate::scan(&[dir.to_path_buf()], &options)
}

/// An error of the image as a whole (its manifest, a blob), not of one entry.
fn image_error(path: impl Into<String>, code: &str, error: impl Into<String>) -> ScanError {
    ScanError {
        root: 0,
        path: path.into(),
        code: code.to_string(),
        error: error.into(),
        layer: None,
    }
}

/// Joins an image-relative directory and name.
fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Resolves `.` and `..` in a `/`-separated path relative to an image root; `None` when it
/// climbs out of the root. A leading `/` is refused by the callers that must refuse it.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// Where a file read out lives.
pub(crate) fn staged_path(root: &Path, image_path: &str) -> PathBuf {
    let mut out = root.to_path_buf();
    for part in image_path.split('/') {
        out.push(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_refuses_climbing_out() {
        assert_eq!(normalize("./a/b/../c").as_deref(), Some("a/c"));
        assert_eq!(normalize("a/../../etc/passwd"), None);
        assert_eq!(normalize("../x"), None);
        assert_eq!(
            normalize("/usr/lib/os-release").as_deref(),
            Some("usr/lib/os-release")
        );
    }
}

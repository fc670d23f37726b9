//! What `radar scan` and `radar inventory` read: directories and files, a container image
//! (`--image`), an unpacked image root (`--rootfs`) or an SBOM (`--sbom`), each made into
//! an inventory the same way for both commands.

use std::path::{Path, PathBuf};

use clap::Args;

/// The flags naming what to read.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Directories (or files) to scan (default: `.` when no other source is given).
    pub paths: Vec<PathBuf>,

    /// A container image: a `docker save` archive or an OCI image layout (tar, optionally
    /// gzip-compressed, or directory), read without a container engine.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "rootfs", "sbom"])]
    pub image: Option<PathBuf>,

    /// A directory holding an unpacked image root (its proc, sys and dev are skipped).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["paths", "sbom"])]
    pub rootfs: Option<PathBuf>,

    /// An SBOM: CycloneDX JSON (1.4 to 1.6) or SPDX 2.3 JSON; components by purl.
    #[arg(long, value_name = "FILE", conflicts_with = "paths")]
    pub sbom: Option<PathBuf>,
}

/// An inventory, and for an image the temporary tree its files were read out to (kept
/// until matching is done, since confirmation by file hash reads those files).
pub enum Collected {
    /// Paths, a root file system or an SBOM.
    Plain(inventory::Inventory),
    /// An image and its path as given.
    Image(inventory::ImageScan, PathBuf),
}

impl Collected {
    /// The inventory (for an image, still rooted in its temporary tree).
    pub fn inventory(&self) -> &inventory::Inventory {
        match self {
            Collected::Plain(inventory) => inventory,
            Collected::Image(scan, _) => &scan.inventory,
        }
    }

    /// The temporary root to show as the image's path instead, if any.
    pub fn temporary_root(&self) -> Option<(String, String)> {
        match self {
            Collected::Plain(_) => None,
            Collected::Image(scan, image) => Some((
                scan.root().display().to_string(),
                image.display().to_string(),
            )),
        }
    }

    /// The inventory as the user should see it: an image's root is the image file.
    pub fn finish(self) -> inventory::Inventory {
        match self {
            Collected::Plain(inventory) => inventory,
            Collected::Image(scan, image) => scan.finish(&image),
        }
    }
}

impl TargetArgs {
    /// The paths to scan: those given, or `.` when nothing else was named.
    pub fn paths(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() && self.image.is_none() && self.rootfs.is_none() {
            vec![PathBuf::from(".")]
        } else {
            self.paths.clone()
        }
    }

    /// What was scanned, as the report's roots name it.
    pub fn roots(&self) -> Vec<String> {
        let named = [&self.image, &self.rootfs, &self.sbom];
        let mut roots: Vec<String> = named
            .into_iter()
            .flatten()
            .map(|p| p.display().to_string())
            .collect();
        if roots.is_empty() {
            roots = self
                .paths()
                .iter()
                .map(|p| p.display().to_string())
                .collect();
        }
        roots
    }

    /// Where radar.toml is looked for: beside the first path, or the named directory or
    /// the file's directory.
    pub fn config_start(&self) -> PathBuf {
        if let Some(dir) = &self.rootfs {
            return dir.clone();
        }
        let file = self.image.as_ref().or(self.sbom.as_ref());
        match file {
            Some(file) => file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            None => self
                .paths()
                .first()
                .cloned()
                .unwrap_or_else(|| PathBuf::from(".")),
        }
    }

    /// Reads what the flags name into an inventory.
    pub fn collect(&self, options: &inventory::Options) -> anyhow::Result<Collected> {
        let inventory = if let Some(image) = &self.image {
            let scan = inventory::scan_image(image, options, &inventory::Limits::default())?;
            return Ok(Collected::Image(scan, image.clone()));
        } else if let Some(dir) = &self.rootfs {
            inventory::scan_rootfs(dir, options)?
        } else if let Some(sbom) = &self.sbom {
            inventory::read_sbom(sbom, options)?
        } else {
            inventory::scan(&self.paths(), options)?
        };
        Ok(Collected::Plain(inventory))
    }
}

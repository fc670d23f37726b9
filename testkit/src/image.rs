//! Builds small container images for tests: layers as tars (entries of any kind, hostile
//! paths included), packed as a `docker save` archive or an OCI image layout.

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

/// One entry of a layer.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A regular file with its content and mode.
    File(String, Vec<u8>, u32),
    /// A directory.
    Dir(String),
    /// A symbolic link and its target.
    Symlink(String, String),
    /// A hard link and the archive path it names.
    Hardlink(String, String),
}

impl Entry {
    /// A regular file with mode 0644.
    pub fn file(path: &str, body: &str) -> Entry {
        Entry::File(path.to_string(), body.as_bytes().to_vec(), 0o644)
    }

    /// An empty whiteout file: `.wh.<name>` in `dir`.
    pub fn whiteout(dir: &str, name: &str) -> Entry {
        Entry::file(&format!("{dir}/.wh.{name}"), "")
    }
}

/// A layer tar of `entries`, in order. Names are written into the header as given (the
/// tar crate's path setter refuses `..`, which hostile layers need).
pub fn layer(entries: &[Entry]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for entry in entries {
        let mut header = tar::Header::new_ustar();
        let (path, body, kind, link, mode): (&str, &[u8], _, Option<&str>, u32) = match entry {
            Entry::File(p, b, m) => (p, b, tar::EntryType::Regular, None, *m),
            Entry::Dir(p) => (p, &[], tar::EntryType::Directory, None, 0o755),
            Entry::Symlink(p, t) => (p, &[], tar::EntryType::Symlink, Some(t), 0o777),
            Entry::Hardlink(p, t) => (p, &[], tar::EntryType::Link, Some(t), 0o644),
        };
        assert!(
            path.len() < 100,
            "test entry names fit the ustar name field"
        );
        header.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
        if let Some(link) = link {
            header.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
        }
        header.set_entry_type(kind);
        header.set_mode(mode);
        header.set_size(body.len() as u64);
        header.set_mtime(1_700_000_000);
        header.set_cksum();
        builder.append(&header, body).unwrap();
    }
    builder.into_inner().unwrap()
}

/// Gzip-compresses a layer.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// `sha256:<hex>` of some bytes.
pub fn digest(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// Writes a `docker save` archive (classic layout: `<n>/layer.tar` and `manifest.json`)
/// holding `layers`, the lowest first.
pub fn docker_save(path: &Path, layers: &[Vec<u8>]) {
    let mut builder = tar::Builder::new(std::fs::File::create(path).unwrap());
    let mut names = Vec::new();
    for (index, layer) in layers.iter().enumerate() {
        let name = format!("layer{index}/layer.tar");
        append(&mut builder, &name, layer);
        names.push(name);
    }
    let manifest = format!(
        r#"[{{"Config":"config.json","RepoTags":["test:1"],"Layers":[{}]}}]"#,
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    append(&mut builder, "config.json", b"{}");
    append(&mut builder, "manifest.json", manifest.as_bytes());
    builder.finish().unwrap();
}

/// Writes an OCI image layout directory (`oci-layout`, `index.json`, `blobs/sha256/…`)
/// holding `layers` (already compressed as wanted), the lowest first.
pub fn oci_layout(dir: &Path, layers: &[Vec<u8>]) {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let put = |bytes: &[u8]| {
        let digest = digest(bytes);
        std::fs::write(blobs.join(&digest["sha256:".len()..]), bytes).unwrap();
        digest
    };
    let config = put(b"{}");
    let layer_list: Vec<serde_json::Value> = layers
        .iter()
        .map(|layer| {
            serde_json::json!({
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": put(layer),
                "size": layer.len(),
            })
        })
        .collect();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config,
            "size": 2,
        },
        "layers": layer_list,
    })
    .to_string();
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": put(manifest.as_bytes()),
            "size": manifest.len(),
        }],
    })
    .to_string();
    std::fs::write(dir.join("index.json"), index).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
}

fn append(builder: &mut tar::Builder<std::fs::File>, name: &str, bytes: &[u8]) {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder.append_data(&mut header, name, bytes).unwrap();
}

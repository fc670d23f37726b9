//! Confirmation by file hash: an advisory's indicators against the files a package
//! installed and the package archives in the scanned tree.

use std::collections::HashSet;

use inventory::{Inventory, Package};
use serde_json::Value;
use store::AffectedEntry;

/// The SHA-256 hashes (lowercase hex) an affected entry's indicators name.
fn indicator_hashes(entry: &AffectedEntry) -> HashSet<String> {
    let Some(indicators) = entry
        .affected
        .database_specific
        .as_ref()
        .and_then(|db| db.get("indicators"))
    else {
        return HashSet::new();
    };
    let list = |key: &str| {
        indicators
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let evidence = list("evidence_files")
        .into_iter()
        .filter_map(|f| f.get("sha256").and_then(Value::as_str).map(str::to_owned));
    let integrity = list("package_integrity").into_iter().filter_map(|p| {
        p.get("hashes")
            .and_then(|h| h.get("sha256"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    evidence
        .chain(integrity)
        .map(|h| h.to_ascii_lowercase())
        .collect()
}

/// Whether any file of `package`, or any archive in the tree, has an indicator hash.
/// Files that cannot be read are noted in `errors` and do not confirm anything.
pub(crate) fn confirmed(
    entry: &AffectedEntry,
    package: &Package,
    inventory: &Inventory,
    errors: &mut Vec<String>,
) -> bool {
    let wanted = indicator_hashes(entry);
    if wanted.is_empty() {
        return false;
    }

    let archive_match = inventory
        .artifacts
        .iter()
        .filter_map(|a| a.sha256.as_deref())
        .any(|sha| wanted.contains(&sha.to_ascii_lowercase()));
    if archive_match {
        return true;
    }

    for location in &package.locations {
        let files = match inventory.record_files(location) {
            Ok(files) => files,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        for file in files {
            // An image's files are read out selectively (inventory::wanted: metadata and
            // Python sources), so an installed file missing there is not an error.
            if !inventory.layers.is_empty() && !file.path.exists() {
                continue;
            }
            // RECORD's own hash is what the installer wrote; hash the file itself, since a
            // tampered install would not update RECORD.
            match inventory::hash_file(&file.path) {
                Ok(sha) if wanted.contains(&sha) => return true,
                Ok(_) => {}
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    false
}

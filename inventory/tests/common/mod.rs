//! Helpers shared by the integration tests: scanning a fixture and rendering the result as
//! sorted lines that read like the table output.

#![allow(dead_code)]

use std::path::PathBuf;

use inventory::{Inventory, Options};

/// A fixture folder under `tests/data`.
pub fn data(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(relative)
}

/// Scans one fixture folder with default options.
pub fn scan(relative: &str) -> Inventory {
    inventory::scan(&[data(relative)], &Options::default()).expect("fixture root exists")
}

/// One line per (package, location): `ecosystem name version source path:line`.
pub fn rows(inventory: &Inventory) -> Vec<String> {
    let mut rows = Vec::new();
    for package in &inventory.packages {
        for location in &package.locations {
            let line = location.line.map(|l| format!(":{l}")).unwrap_or_default();
            rows.push(format!(
                "{} {} {} {} {}{line}",
                package.ecosystem,
                package.name,
                package.version.as_deref().unwrap_or("-"),
                package.source,
                location.path,
            ));
        }
    }
    rows.sort();
    rows
}

/// One line per scan error: `path [code]`.
pub fn errors(inventory: &Inventory) -> Vec<String> {
    inventory
        .errors
        .iter()
        .map(|e| format!("{} [{}]", e.path, e.code))
        .collect()
}

/// Asserts the rows, printing both sides in full on failure.
pub fn assert_rows(relative: &str, expected: &[&str]) {
    let inventory = scan(relative);
    let actual = rows(&inventory);
    let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(
        actual,
        expected,
        "{relative}: rows\nactual:\n{}",
        actual.join("\n")
    );
    assert!(
        inventory.errors.is_empty(),
        "{relative}: unexpected errors {:?}",
        inventory.errors
    );
}

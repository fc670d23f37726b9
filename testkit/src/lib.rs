//! Helpers for tests across the workspace.
//!
//! Shared test data (real OSV records, version vectors, schemas) lives outside the
//! repository, in `../shared` beside the checkout, or wherever `RADAR_SHARED_DIR` points.
//! A test that needs it calls [`shared_dir`]: on a fresh clone without it the test says it
//! is skipped and returns, except under `CI=true`, where a missing directory is a failure.

pub mod export;
pub mod http;
pub mod image;

use std::path::{Path, PathBuf};

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit sits one level below the workspace root")
        .to_path_buf()
}

/// The shared test-data directory, or `None` (after saying so on stderr) when it is absent
/// outside CI. `what` names the test, for the skip message.
///
/// # Panics
///
/// Under `CI=true` when the directory is absent: CI must run every test.
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("RADAR_SHARED_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("../shared"),
    };
    if dir.is_dir() {
        return Some(dir);
    }

    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        !in_ci,
        "{what}: shared test data not found at {} (set RADAR_SHARED_DIR)",
        dir.display()
    );
    eprintln!(
        "skipped {what}: shared test data not found at {} (set RADAR_SHARED_DIR)",
        dir.display()
    );
    None
}

/// A path under the shared directory, or `None` when the directory is absent (see
/// [`shared_dir`]).
pub fn shared_path(what: &str, relative: &str) -> Option<PathBuf> {
    shared_dir(what).map(|dir| dir.join(relative))
}

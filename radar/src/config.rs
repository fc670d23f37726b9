//! `radar.toml`: the project's scan settings, found by walking up from the scanned root
//! (or named with `--config`).
//!
//! ```toml
//! fail-on = "high"            # default threshold of --fail-on
//! exclude = ["fixtures/**"]   # globs skipped by the walk
//!
//! [[ignore]]
//! id = "GHSA-xxxx-xxxx-xxxx"
//! reason = "not reachable: we never call the affected function"
//! expires = "2027-01-31"      # optional; after it the ignore warns and stops ignoring
//! ```

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

/// The file name looked for.
pub const FILE_NAME: &str = "radar.toml";

/// The parsed configuration.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The default `--fail-on`.
    pub fail_on: Option<String>,
    /// Globs to skip.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Advisories to leave out of the results.
    #[serde(default)]
    pub ignore: Vec<Ignore>,
}

/// One ignored advisory.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ignore {
    /// The advisory id (or an alias of it).
    pub id: String,
    /// Why; required, so that every ignore explains itself.
    pub reason: String,
    /// The last day the ignore holds (`YYYY-MM-DD`).
    pub expires: Option<toml::value::Datetime>,
}

impl Ignore {
    /// Whether the ignore has expired on `today` (`YYYY-MM-DD`).
    pub fn expired(&self, today: &str) -> bool {
        self.expires
            .as_ref()
            .and_then(|d| d.date)
            .is_some_and(|d| d.to_string().as_str() < today)
    }
}

/// Loads `explicit`, or else the first `radar.toml` found walking up from `root`.
///
/// # Errors
///
/// When the file cannot be read, is not TOML, or has unknown keys or bad values.
pub fn load(explicit: Option<&Path>, root: &Path) -> anyhow::Result<(Config, Option<PathBuf>)> {
    let path = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => find(root),
    };
    let Some(path) = path else {
        return Ok((Config::default(), None));
    };
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let config: Config = toml::from_str(&text)
        .with_context(|| format!("{} is not a valid radar.toml", path.display()))?;
    if let Some(fail_on) = &config.fail_on {
        if report::FailOn::parse(fail_on).is_none() {
            bail!(
                "{}: expected fail-on to be one of malicious, critical, high, medium, low, \
                 any, none, but found {fail_on:?}",
                path.display()
            );
        }
    }
    Ok((config, Some(path)))
}

fn find(root: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(root).ok()?;
    let start = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    };
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

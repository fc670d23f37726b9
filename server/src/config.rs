//! The server configuration (TOML): request limits and the API tiers.
//!
//! Tiers are configuration, not code (API.md, "Authentication and limits"): each names its
//! hourly and monthly request limits, its batch cap and its asset cap. The built-in
//! default follows the plans the `threat-finder` client infers from the hourly limit
//! (15, 50, 200, 1000 requests; 25, 200, 1000, 4000 queries a batch).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// The configuration used when no file is given.
pub const DEFAULT_CONFIG: &str = r#"
[server]
request_timeout_secs = 30
body_limit_bytes = 8388608

[tiers.free]
hourly = 15
monthly = 1000
max_batch = 25
max_assets = 50

[tiers.starter]
hourly = 50
monthly = 10000
max_batch = 200
max_assets = 500

[tiers.pro]
hourly = 200
monthly = 100000
max_batch = 1000
max_assets = 5000

[tiers.enterprise]
hourly = 1000
monthly = 1000000
max_batch = 4000
max_assets = 50000
"#;

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a valid configuration.
    #[error("{path}: expected a radar server configuration, but {reason}")]
    Invalid {
        /// The file (or `<built-in>`).
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Request limits.
    #[serde(default)]
    pub server: Limits,
    /// The API tiers by name.
    pub tiers: BTreeMap<String, Tier>,
}

/// Limits on every request.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// A request that takes longer is answered `503`.
    #[serde(default = "default_timeout")]
    pub request_timeout_secs: u64,
    /// A larger body is answered `413`.
    #[serde(default = "default_body_limit")]
    pub body_limit_bytes: usize,
    /// The address the server is reached at (`https://radar.example.org`), for absolute
    /// links in feeds; without it they are made from the request's `Host`.
    #[serde(default)]
    pub base_url: Option<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            request_timeout_secs: default_timeout(),
            body_limit_bytes: default_body_limit(),
            base_url: None,
        }
    }
}

fn default_timeout() -> u64 {
    30
}

fn default_body_limit() -> usize {
    8 * 1024 * 1024
}

fn default_true() -> bool {
    true
}

/// One tier of API keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Requests an hour.
    pub hourly: u64,
    /// Requests a calendar month (UTC).
    pub monthly: u64,
    /// Queries in one `/match/batch` request.
    pub max_batch: usize,
    /// Assets (distinct packages) all hosts of one key may have registered together
    /// (`POST /inventory/register` over it is `413` with `data.maxAssets`).
    pub max_assets: usize,
    /// Whether keys of this tier may use the API at all (`false` answers `403`).
    #[serde(default = "default_true")]
    pub api: bool,
}

impl Config {
    /// Parses configuration text; `path` names it in errors.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Invalid`] for bad TOML, unknown fields or no tiers.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let invalid = |reason: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            reason,
        };
        let config: Config = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if config.tiers.is_empty() {
            return Err(invalid("found no [tiers.NAME] table".into()));
        }
        if let Some(base) = config.server.base_url.as_deref() {
            if !(base.starts_with("https://") || base.starts_with("http://")) {
                return Err(invalid(format!(
                    "expected base_url to start with https:// or http://, but found {base:?}"
                )));
            }
        }
        if config.server.request_timeout_secs == 0 {
            return Err(invalid("found request_timeout_secs = 0".into()));
        }
        Ok(config)
    }

    /// Reads a configuration file, or the built-in default when `path` is `None`.
    ///
    /// # Errors
    ///
    /// When the file cannot be read or is invalid.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        match path {
            None => Self::parse(DEFAULT_CONFIG, Path::new("<built-in>")),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                Self::parse(&text, path)
            }
        }
    }

    /// The request timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.server.request_timeout_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_has_the_clients_four_plans() {
        let config = Config::load(None).unwrap();
        let hourly: Vec<u64> = config.tiers.values().map(|t| t.hourly).collect();
        let mut sorted = hourly.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, [15, 50, 200, 1000]);
    }

    #[test]
    fn unknown_fields_and_empty_tiers_are_rejected() {
        let bad = Config::parse("[tiers.x]\nhourly = 1\n", Path::new("a.toml")).unwrap_err();
        assert!(bad.to_string().starts_with("a.toml: expected"), "{bad}");
        assert!(Config::parse("tiers = {}", Path::new("b.toml")).is_err());
        let typo = "[tiers.x]\nhourly=1\nmonthly=1\nmax_batch=1\nmax_assets=1\nhourlyy=2\n";
        assert!(Config::parse(typo, Path::new("c.toml")).is_err());
    }
}

//! Getting files of an export: over HTTP(S) with retries, or from a local mirror.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::blob::Blob;

/// Reads files of an export by their path relative to its base.
pub(crate) trait Fetch: Sync {
    /// The file's bytes, `Ok(None)` when it does not exist.
    fn get(&self, relative: &str) -> Result<Option<Vec<u8>>, String>;
    /// Where `relative` is, for messages.
    fn locate(&self, relative: &str) -> String;
    /// An archive, to be read in place when it is a local file; `Ok(None)` when it does
    /// not exist.
    fn archive(&self, relative: &str) -> Result<Option<Blob>, String> {
        Ok(self.get(relative)?.map(Blob::from_bytes))
    }
}

/// An HTTP client with the settings a sync needs. Proxies come from the environment
/// (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`), as ureq reads them by default.
#[derive(Debug, Clone)]
pub struct HttpClient {
    agent: ureq::Agent,
    attempts: u32,
    first_backoff: Duration,
}

impl Default for HttpClient {
    fn default() -> Self {
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(20)))
            .timeout_per_read(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .user_agent(concat!("open-threat-radar/", env!("CARGO_PKG_VERSION")))
            .build();
        Self {
            agent: config.into(),
            attempts: 4,
            first_backoff: Duration::from_millis(500),
        }
    }
}

/// The largest file an export serves (the npm `all.zip` is a few hundred megabytes).
const MAX_DOWNLOAD: u64 = 4 * 1024 * 1024 * 1024;

impl HttpClient {
    /// Gets `url`: `Ok(None)` on 404, retrying with doubling back-off on connection
    /// errors, 429 and 5xx.
    pub fn get(&self, url: &str) -> Result<Option<Vec<u8>>, String> {
        let mut backoff = self.first_backoff;
        let mut last_error = String::new();
        for attempt in 1..=self.attempts {
            match self.agent.get(url).call() {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    if status == 404 {
                        return Ok(None);
                    }
                    if (200..300).contains(&status) {
                        let body = response
                            .body_mut()
                            .with_config()
                            .limit(MAX_DOWNLOAD)
                            .read_to_vec();
                        match body {
                            Ok(bytes) => return Ok(Some(bytes)),
                            Err(e) => last_error = format!("reading the body failed: {e}"),
                        }
                    } else if status == 429 || status >= 500 {
                        last_error = format!("expected HTTP 200, but the server said {status}");
                    } else {
                        return Err(format!("expected HTTP 200, but the server said {status}"));
                    }
                }
                Err(e) => last_error = e.to_string(),
            }
            if attempt < self.attempts {
                tracing::debug!("{url}: {last_error}; retrying in {backoff:?}");
                std::thread::sleep(backoff);
                backoff *= 2;
            }
        }
        Err(format!("{last_error} (after {} attempts)", self.attempts))
    }
}

/// An export served over HTTP(S).
pub(crate) struct Http {
    base: String,
    client: HttpClient,
}

impl Http {
    pub(crate) fn new(base: &str, client: HttpClient) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
            client,
        }
    }
}

impl Fetch for Http {
    fn get(&self, relative: &str) -> Result<Option<Vec<u8>>, String> {
        self.client.get(&self.locate(relative))
    }

    fn locate(&self, relative: &str) -> String {
        let path: Vec<String> = relative.split('/').map(percent_encode).collect();
        format!("{}/{}", self.base, path.join("/"))
    }
}

/// Encodes one path segment (ecosystem names hold spaces: `Red Hat`).
fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A local mirror of an export.
pub(crate) struct Dir {
    root: PathBuf,
}

impl Dir {
    pub(crate) fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
        }
    }
}

impl Fetch for Dir {
    fn get(&self, relative: &str) -> Result<Option<Vec<u8>>, String> {
        match std::fs::read(self.root.join(relative)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn locate(&self, relative: &str) -> String {
        self.root.join(relative).display().to_string()
    }

    fn archive(&self, relative: &str) -> Result<Option<Blob>, String> {
        match Blob::open(&self.root.join(relative)) {
            Ok(blob) => Ok(Some(blob)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_ecosystem_names() {
        let http = Http::new("http://127.0.0.1:1/", HttpClient::default());
        assert_eq!(
            http.locate("Red Hat/modified_id.csv"),
            "http://127.0.0.1:1/Red%20Hat/modified_id.csv"
        );
    }
}

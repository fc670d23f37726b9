//! A server over a temporary database with four advisories and one key per test tier.

#![allow(dead_code)]

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;

/// The test configuration: the client's smallest plan, a tight one for rate limits, one
/// whose keys may not use the API, and the client's largest batch size.
pub const CONFIG: &str = r#"
[server]
request_timeout_secs = 10
body_limit_bytes = 65536

[tiers.free]
hourly = 15
monthly = 1000
max_batch = 25
max_assets = 50

[tiers.tight]
hourly = 2
monthly = 100
max_batch = 5
max_assets = 5

[tiers.blocked]
hourly = 100
monthly = 100
max_batch = 5
max_assets = 5
api = false

[tiers.fleet]
hourly = 100
monthly = 1000
max_batch = 1000
max_assets = 5
"#;

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub db: std::path::PathBuf,
    pub app: Router,
    pub keys: HashMap<&'static str, String>,
}

/// The records of a fixture file under `tests/data`.
pub fn data(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Writes records into the database at `path` through a store of its own, as a sync by
/// another process would.
pub fn upsert(path: &std::path::Path, records: &[Value]) {
    let batch: Vec<store::Incoming> = records
        .iter()
        .map(|r| {
            let raw = r.to_string();
            store::Incoming {
                record: osv::parse(raw.as_bytes()).unwrap(),
                raw,
            }
        })
        .collect();
    let mut store = store::Store::open(path).unwrap();
    store.apply("test", &batch, &[]).unwrap();
}

pub fn fixture() -> Fixture {
    fixture_with(&[])
}

/// The fixture's four advisories and `extra` records.
pub fn fixture_with(extra: &[Value]) -> Fixture {
    let mut records = data("records.json");
    records.extend_from_slice(extra);
    fixture_of(&records)
}

/// A fixture holding exactly `records`, with the test keys.
pub fn fixture_of(records: &[Value]) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("radar.db");
    upsert(&path, records);
    let store = store::Store::open(&path).unwrap();

    let mut keys = HashMap::new();
    for tier in ["free", "tight", "blocked", "fleet", "gone", "revoked"] {
        let new = server::auth::generate_key().unwrap();
        store
            .add_api_key(tier, tier, &new.hash, &new.prefix)
            .unwrap();
        keys.insert(tier, new.key);
    }
    assert_eq!(store.revoke_api_key("revoked").unwrap(), 1);
    drop(store);

    let config = server::Config::parse(CONFIG, std::path::Path::new("test.toml")).unwrap();
    let pool = server::StorePool::open(path.clone()).unwrap();
    Fixture {
        _dir: dir,
        db: path,
        app: server::app(server::AppState::new(pool, config)),
        keys,
    }
}

/// A page or other non-JSON answer.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Page {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Fixture {
    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        key: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        let request = match body {
            Some(body) => request
                .header("content-type", "application/json")
                .body(Body::from(body.to_owned())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let (status, headers, bytes) = self.answer(request).await;
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{uri}: expected JSON, got {e}: {bytes:?}"));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Sends a request to the app in process: status, headers and the whole body.
    pub async fn answer(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, HeaderMap, axum::body::Bytes) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, bytes)
    }

    /// A request as a browser sends it: no key, any answer read as text.
    pub async fn page_with(&self, method: Method, uri: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header("accept", "text/html");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::empty()).unwrap();
        let (status, headers, bytes) = self.answer(request).await;
        Page {
            status,
            headers,
            text: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    pub async fn page(&self, uri: &str) -> Page {
        self.page_with(Method::GET, uri, &[]).await
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Method::GET, uri, Some(&self.keys["free"]), None)
            .await
    }

    pub async fn batch(&self, tier: &str, body: &str) -> Reply {
        let key = self.keys[tier].clone();
        self.send(Method::POST, "/api/v1/match/batch", Some(&key), Some(body))
            .await
    }
}

/// An error body: exactly `error` and `message` strings (and `data` when given).
pub fn assert_error(reply: &Reply, status: u16) {
    assert_eq!(reply.status.as_u16(), status, "{}", reply.body);
    assert!(reply.body["error"].is_string(), "{}", reply.body);
    assert!(reply.body["message"].is_string(), "{}", reply.body);
}

/// The page slug of an advisory in the fixture's database (read without counting a view).
pub async fn slug_of(f: &Fixture, id: &str) -> String {
    let store = store::Store::open_existing(&f.db).unwrap();
    let advisory = store.get(id).unwrap().unwrap();
    let record = advisory.record().unwrap();
    server::threat::slug(&advisory.id, &server::threat::title(&record))
}

/// Serves `app` on a free loopback port in the background, for clients that need a real
/// connection (event streams, the browser).
pub async fn listen(app: Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// A record of a new malicious package, as a later sync would bring it.
pub fn new_record(id: &str, name: &str, modified: &str) -> Value {
    serde_json::json!({
        "id": id,
        "modified": modified,
        "published": modified,
        "summary": format!("Malicious code in {name} (PyPI)"),
        "details": format!("The package {name} sends the host's environment to a remote host."),
        "affected": [{"package": {"ecosystem": "PyPI", "name": name}, "versions": ["0.1.0"]}],
    })
}

//! The pages in headless Chromium, driven over the W3C WebDriver protocol by chromedriver:
//! `/` and Ctrl+K focus the search box, a search for `starlette` leads to the
//! MAL-2026-6724 page with every section, a sync by another store handle shows up live on
//! the open `/` page, and the "reconnecting to live updates…" notice shows while the
//! server is down and goes once it is back.
//!
//! Skipped with a message when Chromium or chromedriver is absent (`.ci/run` installs
//! Debian's `chromium` and `chromium-driver`), except under `CI=true`, where that fails.
//! The browser is started with its network features off and a new empty profile, as the
//! machine has no network beyond loopback.

mod common;

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const CHROMIUM: &[&str] = &["/usr/bin/chromium", "/usr/bin/chromium-browser"];
const CHROMEDRIVER: &[&str] = &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

/// How long the test waits for the page to reach a state before failing.
const WAIT: Duration = Duration::from_secs(15);

fn first_present(candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// The browser and its driver, or `None` after saying the test is skipped.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let found = (first_present(CHROMIUM), first_present(CHROMEDRIVER));
    if let (Some(chromium), Some(driver)) = found {
        return Some((chromium, driver));
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        !in_ci,
        "browser test: chromium or chromedriver not found ({CHROMIUM:?}, {CHROMEDRIVER:?}); \
         .ci/run installs them"
    );
    eprintln!("skipped browser test: chromium or chromedriver not found; apt-get install chromium chromium-driver");
    None
}

/// A free loopback port (bound and released; the driver binds it right after).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// chromedriver as a child process, ended when dropped.
struct Driver {
    child: Child,
    base: String,
    agent: ureq::Agent,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(path: &Path) -> Self {
        let port = free_port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let driver = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            agent,
        };
        let until = Instant::now() + WAIT;
        loop {
            let ready = driver
                .agent
                .get(format!("{}/status", driver.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_to_string().ok())
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .is_some_and(|status| status["value"]["ready"] == true);
            if ready {
                return driver;
            }
            assert!(Instant::now() < until, "chromedriver did not become ready");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// One WebDriver command; its `value`, or a panic with the driver's error.
    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(body.unwrap_or_else(|| json!({})).to_string()),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let text = response.body_mut().read_to_string().unwrap();
        let reply: Value = serde_json::from_str(&text).unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        reply["value"].clone()
    }
}

/// A browser session.
struct Session<'a> {
    driver: &'a Driver,
    id: String,
    _profile: tempfile::TempDir,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        let path = format!("/session/{}", self.id);
        let url = format!("{}{path}", self.driver.base);
        let _ = self.driver.agent.delete(&url).call();
    }
}

impl<'a> Session<'a> {
    fn new(driver: &'a Driver, chromium: &Path) -> Self {
        let profile = tempfile::tempdir().unwrap();
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let value = driver.command("POST", "/session", Some(capabilities));
        Self {
            driver,
            id: value["sessionId"].as_str().unwrap().to_owned(),
            _profile: profile,
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.driver
            .command(method, &format!("/session/{}{path}", self.id), body)
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({"url": url})));
    }

    fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap().to_owned()
    }

    /// Runs a script in the page and returns its result.
    fn script(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Presses keys as a user would, on whatever has the focus. `ctrl` holds Control.
    fn keys(&self, text: &str, ctrl: bool) {
        let mut actions = Vec::new();
        if ctrl {
            actions.push(json!({"type": "keyDown", "value": "\u{E009}"}));
        }
        for c in text.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        if ctrl {
            actions.push(json!({"type": "keyUp", "value": "\u{E009}"}));
        }
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        self.call("POST", "/actions", Some(body));
        self.call("DELETE", "/actions", None);
    }

    /// The element matching a CSS selector, waiting for it to appear.
    fn find(&self, css: &str) -> String {
        let found = self.wait_for(&format!("the element {css}"), || {
            let n = self.script(&format!(
                "return document.querySelectorAll({}).length",
                json!(css)
            ));
            n.as_u64().unwrap_or(0) > 0
        });
        assert!(found);
        let value = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        value
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap()
            .to_owned()
    }

    fn text(&self, css: &str) -> String {
        let element = self.find(css);
        self.call("GET", &format!("/element/{element}/text"), None)
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn click(&self, css: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{element}/click"), None);
    }

    fn focused_id(&self) -> String {
        self.script("return document.activeElement ? document.activeElement.id : ''")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Polls `done` until it holds, failing after [`WAIT`] with `what`.
    fn wait_for(&self, what: &str, mut done: impl FnMut() -> bool) -> bool {
        let until = Instant::now() + WAIT;
        while !done() {
            assert!(Instant::now() < until, "waited {WAIT:?} for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
        true
    }
}

/// The server on its own runtime, so the test can take it down (every connection with
/// it) and bring it back on the same address.
struct Served {
    runtime: tokio::runtime::Runtime,
}

impl Served {
    fn start(db: &Path, addr: SocketAddr) -> (Self, SocketAddr) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let config = server::Config::parse(common::CONFIG, Path::new("test.toml")).unwrap();
        let pool = server::StorePool::open(db.to_path_buf()).unwrap();
        let app = server::app(server::AppState::new(pool, config));
        let listener = runtime.block_on(async {
            let until = Instant::now() + WAIT;
            loop {
                match tokio::net::TcpListener::bind(addr).await {
                    Ok(listener) => return listener,
                    Err(e) if Instant::now() > until => panic!("cannot bind {addr}: {e}"),
                    Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                }
            }
        });
        let local = listener.local_addr().unwrap();
        runtime.spawn(async move { axum::serve(listener, app).await.unwrap() });
        (Self { runtime }, local)
    }

    fn stop(self) {
        self.runtime.shutdown_timeout(Duration::from_secs(5));
    }
}

/// The seed record and a few real malicious-package reports from the shared data.
fn shared_records(shared: &Path) -> Vec<Value> {
    let read = |path: PathBuf| -> Value {
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let mut records = vec![read(shared.join("data/osv/seed/MAL-2026-6724.json"))];
    let pypi = shared.join("data/osv/mal/pypi");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&pypi)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for dir in names.into_iter().take(8) {
        let Some(file) = walk_json(&dir) else {
            continue;
        };
        records.push(read(file));
    }
    assert!(records.len() > 3, "expected some shared PyPI reports");
    records
}

/// The first `.json` file under `dir` (the shared reports sit one folder per package).
fn walk_json(dir: &Path) -> Option<PathBuf> {
    if dir.is_file() {
        return (dir.extension()? == "json").then(|| dir.to_path_buf());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries.iter().find_map(|e| walk_json(e))
}

#[test]
fn search_threat_page_and_live_updates_in_chromium() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let Some(shared) = testkit::shared_dir("browser test") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("radar.db");
    common::upsert(&db, &shared_records(&shared));
    let (served, addr) = Served::start(&db, "127.0.0.1:0".parse().unwrap());
    let base = format!("http://{addr}");

    let driver = Driver::start(&chromedriver);
    let browser = Session::new(&driver, &chromium);

    // `/` focuses the search box.
    browser.go(&format!("{base}/"));
    browser.find("#threat-list tr[data-id='MAL-2026-6724']");
    assert_ne!(browser.focused_id(), "search");
    browser.keys("/", false);
    assert_eq!(browser.focused_id(), "search", "/ focuses the search box");
    // So does Ctrl+K, from anywhere on the page.
    browser.script("document.activeElement.blur(); return null");
    assert_ne!(browser.focused_id(), "search");
    browser.keys("k", true);
    assert_eq!(
        browser.focused_id(),
        "search",
        "Ctrl+K focuses the search box"
    );

    // Type, submit, open the threat.
    browser.keys("starlette\u{E007}", false);
    browser.wait_for("the search results", || {
        browser.url().contains("/threats?q=starlette")
    });
    assert!(browser.text("h1").contains("starlette"));
    browser.click("a[href^='/threat/mal-2026-6724-']");
    browser.wait_for("the threat page", || {
        browser.url().contains("/threat/mal-2026-6724-")
    });

    let title = browser.text("#title");
    assert_eq!(
        title,
        "MAL-2026-6724: Malicious code in starlette-healthcheck (PyPI)"
    );
    let sections = [
        ("#severity", "Critical"),
        ("#published", "2026-07-01"),
        ("#source", ""),
        ("#product", "starlette-healthcheck (PyPI)"),
        ("#description", "configure_logging()"),
        ("#affected", "1.3.1"),
        ("#technical-analysis", ""),
        ("#potential-impact", ""),
        ("#mitigations", "Rotate"),
        ("#indicators", "checkip.amazonaws.com"),
        ("#technical-details", "Schema version"),
        ("#threat-id", "MAL-2026-6724"),
        ("#added", "20"),
        ("#updated", "20"),
        ("#enriched", ""),
        ("#views", "1"),
        ("#references", "References"),
        ("#credits", "Credits"),
        ("#scan-command", "radar scan"),
    ];
    for (css, expected) in sections {
        let text = browser.text(css);
        assert!(!text.trim().is_empty(), "{css} is empty");
        assert!(
            text.contains(expected),
            "{css}: expected {expected:?} in {text:?}"
        );
    }

    // Back on `/`, a record synced by another store handle appears at the top.
    browser.go(&format!("{base}/"));
    browser.wait_for("the live stream to open", || {
        browser.script("return document.body.dataset.live || ''") == "open"
    });
    assert!(browser
        .script("return document.getElementById('live-status').hidden")
        .as_bool()
        .unwrap());
    common::upsert(
        &db,
        &[common::new_record(
            "MAL-2026-8001",
            "live-browser-pkg",
            "2026-12-03T00:00:00Z",
        )],
    );
    let row = "#threat-list tr[data-id='MAL-2026-8001']";
    browser.find(row);
    let first = browser.script("return document.querySelector('#threat-list tr').dataset.id");
    assert_eq!(first, "MAL-2026-8001", "the new threat is listed first");
    assert!(browser
        .text(row)
        .contains("Malicious code in live-browser-pkg (PyPI)"));

    // The server goes down: the notice shows. It comes back: the notice goes, and the
    // stream resumes from the last event seen, so a change made meanwhile arrives.
    served.stop();
    browser.wait_for("the reconnecting notice", || {
        browser.script("return document.getElementById('live-status').hidden") == false
    });
    assert_eq!(
        browser.text("#live-status"),
        "reconnecting to live updates…"
    );
    common::upsert(
        &db,
        &[common::new_record(
            "MAL-2026-8002",
            "while-down-pkg",
            "2026-12-03T01:00:00Z",
        )],
    );
    let (served, _) = Served::start(&db, addr);
    browser.find("#threat-list tr[data-id='MAL-2026-8002']");
    browser.wait_for("the notice to go", || {
        browser.script("return document.getElementById('live-status').hidden") == true
    });
    drop(browser);
    served.stop();
}

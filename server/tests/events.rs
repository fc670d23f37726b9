//! `GET /api/v1/events` over a real loopback connection: a sync by another store handle
//! into the same database arrives within a second as `new`, `updated` and `withdrawn`
//! events, and a client that reconnects with `Last-Event-ID` (or `?since=`) gets every
//! change after it.

mod common;

use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use axum::http::Method;
use common::{fixture, new_record, upsert};
use serde_json::Value;

/// One server-sent event as the client read it.
#[derive(Debug)]
struct Received {
    event: String,
    id: String,
    data: Value,
}

/// Opens the stream in a thread of its own and sends each event (and, first, `None` once
/// the opening comment arrived, so the caller knows the stream is subscribed).
fn open(url: String, last_event_id: Option<String>) -> mpsc::Receiver<Option<Received>> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut request = ureq::get(&url).header("accept", "text/event-stream");
        if let Some(id) = &last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = request.call().unwrap();
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        let reader = BufReader::new(response.into_body().into_reader());
        let (mut event, mut id, mut data) = (String::new(), String::new(), String::new());
        for line in reader.lines() {
            let Ok(line) = line else { return };
            let field = |name: &str| {
                line.strip_prefix(name)
                    .map(|v| v.strip_prefix(' ').unwrap_or(v).to_owned())
            };
            if line.starts_with(':') {
                if sender.send(None).is_err() {
                    return;
                }
            } else if let Some(v) = field("event:") {
                event = v;
            } else if let Some(v) = field("id:") {
                id = v;
            } else if let Some(v) = field("data:") {
                data.push_str(&v);
            } else if line.is_empty() && !data.is_empty() {
                let received = Received {
                    event: std::mem::take(&mut event),
                    id: std::mem::take(&mut id),
                    data: serde_json::from_str(&std::mem::take(&mut data)).unwrap(),
                };
                if sender.send(Some(received)).is_err() {
                    return;
                }
            }
        }
    });
    receiver
}

/// The next event, skipping comments, within `wait`.
fn next(receiver: &mpsc::Receiver<Option<Received>>, wait: Duration) -> Received {
    let until = Instant::now() + wait;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(left) {
            Ok(Some(event)) => return event,
            Ok(None) => continue,
            Err(e) => panic!("no event within {wait:?}: {e}"),
        }
    }
}

fn subscribed(receiver: &mpsc::Receiver<Option<Received>>) {
    match receiver.recv_timeout(Duration::from_secs(10)) {
        Ok(None) => {}
        other => panic!("expected the opening comment, but found {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_by_another_store_arrives_within_a_second() {
    let f = fixture();
    let addr = common::listen(f.app.clone()).await;
    let events = open(format!("http://{addr}/api/v1/events"), None);
    let db = f.db.clone();
    tokio::task::spawn_blocking(move || {
        subscribed(&events);

        let cases = [
            (
                new_record("MAL-2026-7001", "live-one", "2026-12-01T00:00:00Z"),
                "new",
            ),
            (
                new_record("MAL-2026-7001", "live-one", "2026-12-01T01:00:00Z"),
                "updated",
            ),
        ];
        let mut last_id = 0i64;
        for (record, kind) in cases {
            let started = Instant::now();
            upsert(&db, &[record]);
            let event = next(&events, Duration::from_secs(1));
            let took = started.elapsed();
            assert!(took < Duration::from_secs(1), "{kind} took {took:?}");
            assert_eq!(event.event, kind);
            assert_eq!(event.data["change"], kind);
            assert_eq!(event.data["id"], "MAL-2026-7001");
            let threat = &event.data["threat"];
            assert_eq!(threat["title"], "Malicious code in live-one (PyPI)");
            assert_eq!(threat["type"], "malicious");
            assert_eq!(threat["packages"][0], "live-one");
            assert_eq!(threat["ecosystems"][0], "PyPI");
            assert!(threat["slug"]
                .as_str()
                .unwrap()
                .starts_with("mal-2026-7001-"));
            let id: i64 = event.id.parse().unwrap();
            assert!(id > last_id, "ids increase");
            assert_eq!(event.data["seq"], id);
            last_id = id;
        }

        let mut gone = new_record("MAL-2026-7001", "live-one", "2026-12-01T02:00:00Z");
        gone["withdrawn"] = "2026-12-01T02:00:00Z".into();
        upsert(&db, &[gone]);
        let event = next(&events, Duration::from_secs(1));
        assert_eq!(event.event, "withdrawn");
        assert_eq!(event.data["id"], "MAL-2026-7001");
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_event_id_resumes_after_the_last_change_seen() {
    let f = fixture();
    upsert(
        &f.db,
        &[
            new_record("MAL-2026-7101", "resume-a", "2026-12-02T00:00:00Z"),
            new_record("MAL-2026-7102", "resume-b", "2026-12-02T00:00:00Z"),
            new_record("MAL-2026-7103", "resume-c", "2026-12-02T00:00:00Z"),
        ],
    );
    let head = store::Store::open_existing(&f.db)
        .unwrap()
        .last_change_seq()
        .unwrap();
    let addr = common::listen(f.app.clone()).await;

    tokio::task::spawn_blocking(move || {
        // Seen up to the first of the three: the other two come, in order, then live ones.
        let url = format!("http://{addr}/api/v1/events");
        let events = open(url.clone(), Some((head - 2).to_string()));
        for (seq, id) in [(head - 1, "MAL-2026-7102"), (head, "MAL-2026-7103")] {
            let event = next(&events, Duration::from_secs(5));
            assert_eq!(
                (event.id.as_str(), event.data["id"].as_str()),
                (seq.to_string().as_str(), Some(id))
            );
            assert_eq!(event.event, "new");
        }
        let from_query = open(format!("{url}?since={}", head - 1), None);
        let event = next(&from_query, Duration::from_secs(5));
        assert_eq!(event.data["id"], "MAL-2026-7103");

        // Caught up, the resumed stream follows live changes.
        upsert(
            &f.db,
            &[new_record(
                "MAL-2026-7104",
                "resume-d",
                "2026-12-02T00:00:00Z",
            )],
        );
        let event = next(&events, Duration::from_secs(1));
        assert_eq!(event.id, (head + 1).to_string());
        assert_eq!(event.data["id"], "MAL-2026-7104");
        let event = next(&from_query, Duration::from_secs(1));
        assert_eq!(event.data["id"], "MAL-2026-7104");
        drop(f);
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
}

#[tokio::test]
async fn a_bad_position_is_400_and_the_stream_needs_no_key() {
    let f = fixture();
    for (header, query) in [(Some("seven"), ""), (Some("-3"), ""), (None, "?since=x")] {
        let mut request = axum::http::Request::builder()
            .method(Method::GET)
            .uri(format!("/api/v1/events{query}"));
        if let Some(header) = header {
            request = request.header("last-event-id", header);
        }
        let request = request.body(axum::body::Body::empty()).unwrap();
        let (status, headers, body) = f.answer(request).await;
        assert_eq!(status, 400, "{header:?} {query}");
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"], "bad-request");
        assert!(body["message"].as_str().unwrap().starts_with("expected "));
    }
}

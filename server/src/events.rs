//! `GET /api/v1/events`: live updates as server-sent events (HTML Living Standard, section
//! 9.2) from the store's change log.
//!
//! Each change is one event: `event:` is `new`, `updated` or `withdrawn`, `id:` its change
//! sequence number, `data:` a JSON object with the threat's page fields. A client that
//! reconnects sends the last id it saw in `Last-Event-ID` (or `?since=N`) and gets every
//! change after it from the store first, so nothing is lost across a dropped connection.
//!
//! One poller per application reads the end of the change log every
//! [`POLL_INTERVAL`] and broadcasts what it finds to every open stream, so a sync by another
//! process into the same database shows up within a second, whatever the number of
//! listeners. It runs only while someone listens.
//!
//! The stream is public and read-only: API.md does not list it among the keyed routes,
//! the pages' script must open it (an `EventSource` cannot send an `X-API-Key` header),
//! and it carries only what the public threat pages show.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use futures_util::stream::{self, Stream};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::threat::{slug, title};
use crate::{ApiError, AppState, StorePool};

/// How often the poller looks at the end of the change log.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// How often an idle stream sends a comment, so proxies keep it open.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Changes read from the store at a time, when replaying or polling.
const PAGE: usize = 200;

/// Changes buffered for a slow listener before it falls back to replaying from the store.
const CHANNEL: usize = 1024;

/// One change as the stream sends it.
#[derive(Debug, Clone, Serialize)]
pub struct LiveChange {
    /// The change sequence number (the event id).
    pub seq: i64,
    /// `new`, `updated` or `withdrawn` (the event type).
    pub change: String,
    /// The advisory id.
    pub id: String,
    /// When the store recorded the change.
    pub at: String,
    /// The threat as the pages list it; `null` when the advisory is gone.
    pub threat: Option<LiveThreat>,
}

/// The fields a page needs to show a threat in its list.
#[derive(Debug, Clone, Serialize)]
pub struct LiveThreat {
    /// The page slug.
    pub slug: String,
    /// The title.
    pub title: String,
    /// The severity label.
    pub severity: String,
    /// `malicious` or `vulnerability`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it was published.
    pub published: Option<String>,
    /// The ecosystems of its packages.
    pub ecosystems: Vec<String>,
    /// Its package names.
    pub packages: Vec<String>,
}

/// The broadcast of changes shared by every stream of one application.
pub struct Hub {
    sender: broadcast::Sender<Arc<LiveChange>>,
    polling: AtomicBool,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(CHANNEL).0,
            polling: AtomicBool::new(false),
        }
    }
}

impl Hub {
    /// A receiver of every change from now on, and whether the caller must start the
    /// poller (none runs).
    fn subscribe(&self) -> (broadcast::Receiver<Arc<LiveChange>>, bool) {
        let receiver = self.sender.subscribe();
        let start = !self.polling.swap(true, Ordering::AcqRel);
        (receiver, start)
    }
}

/// Reads the changes after `last` every [`POLL_INTERVAL`] and broadcasts them, until
/// nobody listens. `last` is the head the starting stream read after subscribing, so no
/// change falls between that stream's position and the poller's.
async fn poll(hub: Weak<Hub>, pool: StorePool, mut last: i64) {
    let mut ticks = tokio::time::interval(POLL_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(strong) = hub.upgrade() else {
            return;
        };
        if strong.sender.receiver_count() == 0 {
            // Clear the flag before the last look, so a stream that subscribes right now
            // either sees the flag cleared and starts a poller, or is counted here.
            strong.polling.store(false, Ordering::Release);
            if strong.sender.receiver_count() == 0 || strong.polling.swap(true, Ordering::AcqRel) {
                return;
            }
        }
        drop(strong);

        // A failed read is logged by ApiError and retried on the next tick.
        let Ok(changes) = pool.run(move |store| read_changes(store, last)).await else {
            continue;
        };
        let Some(strong) = hub.upgrade() else {
            return;
        };
        for change in changes {
            last = change.seq;
            // No receiver is not an error: the next tick notices and stops.
            let _ = strong.sender.send(Arc::new(change));
        }
    }
}

/// Up to [`PAGE`] changes after `seq` with the threats they name.
pub fn read_changes(store: &store::Store, seq: i64) -> Result<Vec<LiveChange>, ApiError> {
    let mut out = Vec::new();
    for change in store.changes_since(seq, PAGE)? {
        let threat = match store.get(&change.id)? {
            Some(advisory) => {
                let record = advisory.record()?;
                let title = title(&record);
                let packages = record.affected.iter().filter_map(|a| a.package.as_ref());
                let mut ecosystems: Vec<String> = Vec::new();
                let mut names: Vec<String> = Vec::new();
                for package in packages {
                    if !ecosystems.contains(&package.ecosystem) {
                        ecosystems.push(package.ecosystem.clone());
                    }
                    if !names.contains(&package.name) {
                        names.push(package.name.clone());
                    }
                }
                Some(LiveThreat {
                    slug: slug(&advisory.id, &title),
                    title,
                    severity: advisory.severity,
                    kind: advisory.kind,
                    published: advisory.published,
                    ecosystems,
                    packages: names,
                })
            }
            None => None,
        };
        out.push(LiveChange {
            seq: change.seq,
            change: change.change,
            id: change.id,
            at: change.at,
            threat,
        });
    }
    Ok(out)
}

/// The query of the stream.
#[derive(Debug, Deserialize)]
pub struct EventParams {
    since: Option<String>,
}

/// Where a stream starts: after `Last-Event-ID`, else after `?since=`, else at the end of
/// the log.
fn start(headers: &HeaderMap, params: &EventParams) -> Result<Option<i64>, ApiError> {
    let header = headers
        .get("last-event-id")
        .map(|v| v.to_str().unwrap_or("?").trim().to_owned());
    let (name, text) = match (header, params.since.as_deref()) {
        (Some(text), _) if !text.is_empty() => ("Last-Event-ID", text),
        (_, Some(text)) if !text.trim().is_empty() => ("since", text.trim().to_owned()),
        _ => return Ok(None),
    };
    text.parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "expected {name} to be a change sequence number (a whole number of at least \
                 0), but found {text:?}"
            ))
        })
}

enum Phase {
    /// Reading the store after `position` until caught up.
    Replay,
    /// Following the broadcast.
    Live,
}

struct Cursor {
    pool: StorePool,
    receiver: broadcast::Receiver<Arc<LiveChange>>,
    position: i64,
    phase: Phase,
    pending: std::collections::VecDeque<Arc<LiveChange>>,
}

/// The event of one change.
fn event(change: &LiveChange) -> Event {
    let data = serde_json::to_string(change).unwrap_or_else(|_| "{}".to_owned());
    Event::default()
        .event(change.change.as_str())
        .id(change.seq.to_string())
        .data(data)
}

/// The stream of changes after a position: the store's backlog first, then the broadcast.
/// A listener that falls behind the broadcast goes back to the store, which keeps every
/// change, so it never misses one.
fn changes(cursor: Cursor) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(cursor, |mut cursor| async move {
        loop {
            if let Some(change) = cursor.pending.pop_front() {
                cursor.position = change.seq;
                return Some((Ok(event(&change)), cursor));
            }
            match cursor.phase {
                Phase::Replay => {
                    let after = cursor.position;
                    let page = cursor
                        .pool
                        .run(move |store| read_changes(store, after))
                        .await
                        .ok()?;
                    if page.len() < PAGE {
                        cursor.phase = Phase::Live;
                    }
                    cursor.pending.extend(page.into_iter().map(Arc::new));
                }
                Phase::Live => match cursor.receiver.recv().await {
                    // A gap means changes the broadcast never carried (a poller that
                    // started between this stream's reads): the store has them.
                    Ok(change) if change.seq > cursor.position + 1 => {
                        cursor.phase = Phase::Replay;
                    }
                    Ok(change) if change.seq > cursor.position => {
                        cursor.pending.push_back(change);
                    }
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        cursor.phase = Phase::Replay;
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            }
        }
    })
}

/// Serves the stream.
pub async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<EventParams>, axum::extract::rejection::QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let from = start(&headers, &params)?;

    // Subscribe before reading the position, so a change between the two is both in the
    // store's backlog and in the broadcast, and the second copy is skipped by its seq.
    let (receiver, start_poller) = state.events.subscribe();
    let head = state.pool.run(|store| Ok(store.last_change_seq()?)).await;
    let head = match head {
        Ok(head) => head,
        Err(error) => {
            if start_poller {
                state.events.polling.store(false, Ordering::Release);
            }
            return Err(error);
        }
    };
    if start_poller {
        tokio::spawn(poll(
            Arc::downgrade(&state.events),
            state.pool.clone(),
            head,
        ));
    }
    let (position, phase) = match from {
        Some(seq) => (seq, Phase::Replay),
        None => (head, Phase::Live),
    };
    let cursor = Cursor {
        pool: state.pool.clone(),
        receiver,
        position,
        phase,
        pending: std::collections::VecDeque::new(),
    };
    let opening = stream::once(async { Ok(Event::default().comment("live updates")) });
    let body = stream::StreamExt::chain(opening, changes(cursor));
    Ok(Sse::new(body).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

//! The radar server: an axum application over the advisory store that speaks API v1, the
//! wire contract of `shared/docs/API.md`, so the `threat-finder` client works against a
//! self-hosted radar.
//!
//! [`app`] builds the whole application as a function of its state, so tests drive it
//! in-process; [`serve`] binds it to an address with graceful shutdown. Every API route
//! sits behind the key check and rate limits of [`auth`]; every error is an [`ApiError`],
//! answered as JSON. The browser pages ([`pages`]), the feeds ([`feeds`]) and the live
//! event stream ([`events`]) are public and read-only; their errors are pages (the stream's
//! are JSON, as it is part of API v1).

pub mod analysis;
pub mod auth;
pub mod config;
mod error;
pub mod events;
pub mod feeds;
mod inventory;
mod matching;
pub mod openapi;
pub mod pages;
pub mod pool;
pub mod threat;
mod threats;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use axum::error_handling::HandleErrorLayer;
use axum::extract::Request;
use axum::http::Uri;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::Router;
use serde_json::Value;
use tower::ServiceBuilder;

pub use config::Config;
pub use error::ApiError;
pub use pool::StorePool;

/// What every handler shares: the stores, the configuration and the rate-limit counts.
#[derive(Clone)]
pub struct AppState {
    pool: StorePool,
    config: Arc<Config>,
    limiter: Arc<auth::RateLimiter>,
    matches: Arc<matching::MatchCache>,
    events: Arc<events::Hub>,
}

impl AppState {
    /// State over an open pool with a configuration.
    pub fn new(pool: StorePool, config: Config) -> Self {
        Self {
            pool,
            config: Arc::new(config),
            limiter: Arc::default(),
            matches: Arc::default(),
            events: Arc::default(),
        }
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let timeout = state.config.timeout();
    let api = Router::new()
        .route("/threats", get(threats::list))
        .route("/threats/{id}", get(threats::show))
        .route("/match/batch", post(matching::batch))
        .route("/match/help", get(matching::help))
        .route("/inventory/register", post(inventory::register))
        .route("/inventory/{host_id}", delete(inventory::delete))
        .route("/openapi.json", get(openapi::serve))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        // Added after the key check, so outside it: an `EventSource` cannot send a key
        // header, and the stream carries only what the public pages show.
        .route("/events", get(events::stream));

    Router::new()
        .route("/", get(pages::index))
        .route("/threats", get(pages::search))
        .route("/threat/{slug}", get(pages::threat))
        .route("/feeds", get(pages::feeds))
        .route("/feeds/atom.xml", get(feeds::atom))
        .route("/feeds/rss.xml", get(feeds::rss))
        .route("/feeds/feed.json", get(feeds::json_feed))
        .route("/assets/radar.css", get(pages::stylesheet))
        .route("/assets/radar.js", get(pages::script))
        .nest("/api/v1", api)
        .fallback(pages::not_found)
        .method_not_allowed_fallback(pages::method_not_allowed)
        .layer(
            ServiceBuilder::new()
                .layer(middleware::from_fn(log_request))
                .layer(middleware::from_fn(pages::security_headers))
                .layer(HandleErrorLayer::new(
                    |uri: Uri, _: tower::BoxError| async move { pages::timeout(&uri) },
                ))
                .timeout(timeout),
        )
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found(API_NOT_FOUND)
}

/// What a request to an unknown address under `/api/` is told.
const API_NOT_FOUND: &str = "expected a route of API v1 (/api/v1/…), but found none here";

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}

/// One log line per request: method, path, status and latency.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::info!(
        target: "server",
        "{method} {path} {} {:.1} ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// Reads a JSON body of at most `limit` bytes: a larger one is `413`, a malformed one
/// `400` naming the place of the error.
pub(crate) async fn json_body(request: Request, limit: usize) -> Result<Value, ApiError> {
    let bytes = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| {
            ApiError::body_too_large(format!("expected a body of at most {limit} bytes"))
        })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("expected a JSON body, but {e}")))
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The database could not be opened.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The runtime or the connection loop failed.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// What `radar serve` resolved its flags into.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The advisory database.
    pub db: PathBuf,
    /// The configuration.
    pub config: Config,
}

/// Runs the server until Ctrl-C or SIGTERM, then lets open requests finish.
///
/// # Errors
///
/// When the database cannot be opened, the address cannot be bound or the runtime fails.
pub fn serve(settings: Settings) -> Result<(), ServeError> {
    let pool = StorePool::open(settings.db.clone())?;
    let state = AppState::new(pool, settings.config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(settings.listen)
            .await
            .map_err(|source| ServeError::Bind {
                addr: settings.listen,
                source,
            })?;
        let local = listener.local_addr()?;
        tracing::warn!(target: "server", "listening on http://{local}");
        axum::serve(listener, app(state))
            .with_graceful_shutdown(shutdown())
            .await?;
        tracing::warn!(target: "server", "stopped");
        Ok(())
    })
}

async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

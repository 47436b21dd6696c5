//! Cahier's relay: it stores and forwards end-to-end encrypted document
//! updates and never holds a key that could read them.
//!
//! - [`config`]: flags, environment fallbacks and typed limits.
//! - `mailbox`: what the peer and room tasks send each other.
//! - `rooms`: the registry of open rooms; a join that races a retiring room
//!   is retried.
//! - `room`: one task per open document, moving messages for
//!   `room::state`, the room's pure bookkeeping (sequence numbers, holds,
//!   dedup, snapshots, compaction hints).
//! - `peer`: one task per connection: decoding, size, rate (`rate`) and
//!   signature checks.
//! - `store`: the storage trait cut at the room log, its conformance suite,
//!   and its SQLite backend (group commits, catch-up reads).
//! - `metrics`: Prometheus counters at `/metrics`.
//! - `site`: the built app, with a strict Content-Security-Policy.
//!
//! [`run`] takes a bound listener, a [`Config`] and a shutdown future, so a
//! test can start a relay on port 0 and stop it.

pub mod config;
mod mailbox;
mod metrics;
mod peer;
mod rate;
mod room;
mod rooms;
mod site;
mod store;
#[cfg(test)]
mod testing;

use std::future::Future;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use axum::extract::{State, WebSocketUpgrade};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt as _;
use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub use config::{Args, Compaction, Config, ConfigError, CreationTokens, Durability, Limits};
pub use store::sqlite::DB_FILE;

use metrics::Metrics;
use rooms::Rooms;
use store::{SqliteStore, Store};

/// State shared by every task: a cheap-clone handle (`Arc<Relay>`).
pub(crate) struct Relay {
    config: Config,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    rooms: Rooms,
    /// Cancelled when shutdown begins: connections stop reading, rooms
    /// finish their commits and let their peers go.
    stopping: CancellationToken,
    /// Room tasks, connection tasks and catch-ups, awaited at shutdown.
    tasks: TaskTracker,
    next_peer: AtomicU64,
}

/// Serve on `listener` until `shutdown` resolves, then stop accepting,
/// finish and acknowledge the writes already accepted, close every peer
/// with "going away", and close the store.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let metrics = Arc::new(Metrics::default());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(
        &config.data_dir,
        config.durability,
        config.limits.remembered_ids,
        metrics.clone(),
    )?);
    let relay = Arc::new(Relay {
        store: store.clone(),
        metrics,
        rooms: Rooms::default(),
        stopping: CancellationToken::new(),
        tasks: TaskTracker::new(),
        next_peer: AtomicU64::new(1),
        config,
    });
    let mut app = Router::new()
        .route("/ws", get(websocket))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/metrics", get(metrics_text));
    if let Some(dir) = &relay.config.static_dir {
        app = app.merge(site::routes(dir));
    }
    let app = app.with_state(relay.clone());
    let stopping = relay.stopping.clone();
    // Small frames must leave at once: without TCP_NODELAY, Nagle's
    // algorithm and delayed acks hold a keystroke back ~40 ms.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY");
        }
    });
    let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!("shutting down: no new connections; finishing accepted writes");
        stopping.cancel();
    });
    let served = serve.await;
    relay.stopping.cancel();
    relay.tasks.close();
    if tokio::time::timeout(relay.config.shutdown_grace, relay.tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!("some connections did not finish in time");
    }
    store.close().await;
    tracing::info!("relay stopped");
    served.map_err(Into::into)
}

#[cfg(test)]
impl Relay {
    /// A relay's shared state without a listener, for unit tests that
    /// drive rooms and peers directly.
    pub(crate) fn for_tests(config: Config) -> anyhow::Result<Arc<Self>> {
        let metrics = Arc::new(Metrics::default());
        let store = SqliteStore::open(
            &config.data_dir,
            config.durability,
            config.limits.remembered_ids,
            metrics.clone(),
        )?;
        Ok(Arc::new(Relay {
            store: Arc::new(store),
            metrics,
            rooms: Rooms::default(),
            stopping: CancellationToken::new(),
            tasks: TaskTracker::new(),
            next_peer: AtomicU64::new(1),
            config,
        }))
    }
}

async fn websocket(ws: WebSocketUpgrade, State(relay): State<Arc<Relay>>) -> Response {
    let limits = &relay.config.limits;
    let max = limits
        .max_frame_bytes
        .max(limits.max_snapshot_bytes)
        .max(limits.max_awareness_bytes)
        + 1024;
    let tasks = relay.tasks.clone();
    ws.max_message_size(max)
        .max_frame_size(max)
        .read_buffer_size(peer::READ_BUFFER)
        .write_buffer_size(peer::WRITE_BUFFER)
        .on_upgrade(move |socket| tasks.track_future(peer::serve(socket, relay)))
}

async fn metrics_text(State(relay): State<Arc<Relay>>) -> impl IntoResponse {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        relay.metrics.render(),
    )
}

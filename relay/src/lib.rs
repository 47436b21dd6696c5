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
//! - `http`: accepting TCP connections (capped, per address too), HTTP/1.1
//!   with a header timeout, the websocket upgrade and its `Origin` check.
//! - `addresses`: connections and room creations per client address, and
//!   which address a request comes from behind a trusted proxy.
//! - `gate`: the bytes under a websocket: frame sizes refused from their
//!   header (small until `Hello`), bytes per second, write progress.
//! - `outbox`: a connection's outbound queue, bounded in frames and bytes.
//! - `peer`: one task per connection: decoding, size, rate (`rate`) and
//!   signature checks; liveness and the write timeout.
//! - `store`: the storage trait cut at the room log, its conformance suite,
//!   its SQLite backend (group commits, catch-up reads in chunks, the
//!   storage quota and a full disk) and its NATS JetStream backend.
//! - `metrics`: Prometheus counters at `/metrics`.
//! - [`migrate`]: moving rooms from the SQLite store to JetStream, through
//!   the storage trait.
//! - `site`: the built app, with a strict Content-Security-Policy.
//!
//! [`run`] takes a bound listener, a [`Config`] and a shutdown future, so a
//! test can start a relay on port 0 and stop it.

mod addresses;
pub mod config;
mod gate;
mod http;
mod mailbox;
mod metrics;
mod migrate;
mod outbox;
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

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub use config::{
    Access, Args, Compaction, Config, ConfigError, CreationTokens, Durability, Limits, Quotas,
    StoreConfig,
};
pub use migrate::{migrate, MigrateError, Migrated};
pub use store::sqlite::DB_FILE;

use addresses::Addresses;
use metrics::Metrics;
use rooms::Rooms;
use store::{NatsOptions, NatsStore, SqliteStore, Store, Usage};

/// State shared by every task: a cheap-clone handle (`Arc<Relay>`).
pub(crate) struct Relay {
    config: Config,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    rooms: Rooms,
    /// Connections and room creations per address.
    addresses: Arc<Addresses>,
    /// How full the storage is.
    usage: Arc<Usage>,
    /// Cancelled when shutdown begins: connections stop reading, rooms
    /// finish their commits and let their peers go.
    stopping: CancellationToken,
    /// Room tasks, connection tasks and catch-ups, awaited at shutdown.
    tasks: TaskTracker,
    next_peer: AtomicU64,
}

impl Relay {
    /// The relay's shared state, on the store its configuration names.
    async fn open(config: Config) -> anyhow::Result<Arc<Self>> {
        let metrics = Arc::new(Metrics::default());
        let usage = Usage::new(config.quotas.total_bytes);
        let store: Arc<dyn Store> = match &config.store {
            StoreConfig::Sqlite => Arc::new(SqliteStore::open_with(
                &config.data_dir,
                config.durability,
                config.limits.remembered_ids,
                metrics.clone(),
                usage.clone(),
            )?),
            StoreConfig::Nats { servers, replicas } => {
                let options = NatsOptions {
                    servers: servers.clone(),
                    replicas: *replicas,
                    remembered_ids: config.limits.remembered_ids,
                    max_update_bytes: config.limits.max_frame_bytes,
                };
                let store = NatsStore::open(&options, metrics.clone(), usage.clone()).await?;
                tracing::info!(servers = ?servers, replicas, "rooms stored in NATS JetStream");
                Arc::new(store)
            }
        };
        Ok(Self::with_store(config, store, metrics, usage))
    }

    /// The relay's shared state on a store already open.
    fn with_store(
        config: Config,
        store: Arc<dyn Store>,
        metrics: Arc<Metrics>,
        usage: Arc<Usage>,
    ) -> Arc<Self> {
        let limits = &config.limits;
        let shared = store.numbers();
        Arc::new(Relay {
            store,
            metrics,
            rooms: Rooms::default(),
            addresses: Addresses::new(
                limits.max_connections_per_ip,
                limits.creations_per_ip,
                limits.creation_window,
            ),
            usage,
            stopping: CancellationToken::new(),
            tasks: TaskTracker::new(),
            // Peers of a room several relays serve meet on presence
            // subjects: each relay numbers them from its own random point
            // (below 2^52, so a JavaScript number still holds one).
            next_peer: AtomicU64::new(match shared {
                true => ((rand::random::<u64>() & 0xF_FFFF) << 32) | 1,
                false => 1,
            }),
            config,
        })
    }
}

/// Where the relay listens: the public address (the app, `/ws`), and
/// optionally an address of its own for `/metrics` (then absent from the
/// public one).
pub struct Listeners {
    pub public: TcpListener,
    pub metrics: Option<TcpListener>,
}

/// Serve on `listener` until `shutdown` resolves, then stop accepting,
/// finish and acknowledge the writes already accepted, close every peer
/// with "going away", and close the store.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listeners = Listeners {
        public: listener,
        metrics: None,
    };
    run_on(listeners, config, shutdown).await
}

/// [`run`], with `/metrics` on its own listener if one is given.
pub async fn run_on(
    listeners: Listeners,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let relay = Relay::open(config).await?;
    let store = relay.store.clone();
    let mut app = Router::new()
        .route("/ws", get(http::websocket))
        .route("/healthz", get(|| async { "ok\n" }));
    if listeners.metrics.is_none() {
        app = app.route("/metrics", get(metrics_text));
    }
    if let Some(dir) = &relay.config.static_dir {
        app = app.merge(site::routes(dir));
    }
    let app = app.with_state(relay.clone());
    let mut servers = vec![tokio::spawn(http::serve(
        listeners.public,
        app,
        relay.clone(),
    ))];
    if let Some(listener) = listeners.metrics {
        let metrics_app = Router::new()
            .route("/metrics", get(metrics_text))
            .route("/healthz", get(|| async { "ok\n" }))
            .with_state(relay.clone());
        servers.push(tokio::spawn(http::serve(
            listener,
            metrics_app,
            relay.clone(),
        )));
    }
    shutdown.await;
    tracing::info!("shutting down: no new connections; finishing accepted writes");
    relay.stopping.cancel();
    for server in servers {
        let _ = server.await;
    }
    relay.tasks.close();
    if tokio::time::timeout(relay.config.shutdown_grace, relay.tasks.wait())
        .await
        .is_err()
    {
        tracing::warn!("some connections did not finish in time");
    }
    store.close().await;
    tracing::info!("relay stopped");
    Ok(())
}

#[cfg(test)]
impl Relay {
    /// A relay's shared state without a listener, for unit tests that
    /// drive rooms and peers directly.
    pub(crate) fn for_tests(config: Config) -> anyhow::Result<Arc<Self>> {
        let metrics = Arc::new(Metrics::default());
        let usage = Usage::new(config.quotas.total_bytes);
        let store = SqliteStore::open_with(
            &config.data_dir,
            config.durability,
            config.limits.remembered_ids,
            metrics.clone(),
            usage.clone(),
        )?;
        Ok(Self::with_store(config, Arc::new(store), metrics, usage))
    }
}

async fn metrics_text(State(relay): State<Arc<Relay>>) -> impl IntoResponse {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        relay.metrics.render(),
    )
}

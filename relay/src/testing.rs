//! Helpers for the crate's own tests: a relay's shared state on a real
//! SQLite file in a temporary directory, and peers that are just their
//! queues, so rooms and the registry are driven without sockets.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use protocol::{DocKeys, EditSecret, ServerMsg};

use crate::mailbox::{Closer, PeerHandle};
use crate::outbox::{outbox, Inbox};
use crate::Relay;

/// How long any single wait may take before a test fails.
pub const WAIT: Duration = Duration::from_secs(10);

/// A relay (no listener) on a fresh data directory.
pub fn relay(tweak: impl FnOnce(&mut crate::Config)) -> (tempfile::TempDir, Arc<Relay>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = crate::Config::new(dir.path());
    config.durability = crate::Durability::Normal;
    tweak(&mut config);
    let relay = Relay::for_tests(config).expect("relay");
    (dir, relay)
}

/// A peer whose outbound queue holds `capacity` frames (and the relay's
/// configured bytes).
pub fn peer(relay: &Relay, capacity: usize) -> (PeerHandle, Inbox) {
    let (tx, rx) = outbox(capacity, relay.config.limits.outbound_queue_bytes);
    let handle = PeerHandle {
        id: relay.next_peer.fetch_add(1, Relaxed),
        tx,
        closer: Closer::default(),
    };
    (handle, rx)
}

pub fn editor(n: u8) -> DocKeys {
    DocKeys::from_edit(&EditSecret::from_bytes([n; 32]))
}

/// Wait until `done` holds, polling.
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// The next frame a peer was sent, decoded.
pub async fn next(rx: &mut Inbox) -> ServerMsg {
    let frame = tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("a frame in time")
        .expect("the queue is open");
    protocol::wire::decode_server(&frame).expect("a valid frame")
}

/// Stop the relay's rooms and close its store.
pub async fn stop(relay: &Relay) {
    relay.stopping.cancel();
    relay.tasks.close();
    let _ = tokio::time::timeout(WAIT, relay.tasks.wait()).await;
    relay.store.close().await;
}

// The nats-server helper is shared with the integration tests.
#[path = "../tests/common/nats.rs"]
mod nats_server;
pub use nats_server::{NatsCluster, NatsServer};

//! How the relay treats a connection's comings and goings, over real
//! websockets: what the room's unit tests cannot see because they drive it
//! without sockets.

mod common;

use anyhow::Result;
use client::Event;
use common::{Client, TestRelay};
use protocol::{DocKeys, EditSecret};

#[tokio::test]
async fn a_peer_that_closes_its_socket_is_announced_as_gone_at_once() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut bob = Client::join(&relay.url(), keys, 2, None).await?;
    let bob_peer = bob.join().peer;
    bob.disconnect().await;
    // Nothing else happens in the room: only Bob's leave can tell Alice.
    let gone = alice
        .until(|e| match e {
            Event::PeerLeft { peer } => Some(*peer),
            _ => None,
        })
        .await?;
    assert_eq!(gone, bob_peer);
    relay.stop().await
}

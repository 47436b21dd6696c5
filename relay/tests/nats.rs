//! The relay on NATS JetStream (`--store nats://…`): the same document
//! served, stored and found again after the relay restarts. Skipped, with
//! a message, where `nats-server` is not installed.

mod common;

use anyhow::Result;
use common::nats::NatsServer;
use common::{Client, TestRelay};
use protocol::{DocKeys, EditSecret};

fn on_nats(server: &NatsServer) -> impl FnOnce(&mut relay::Config) + '_ {
    |config| {
        config.store = relay::StoreConfig::Nats {
            servers: vec![server.url()],
            replicas: 1,
        };
    }
}

#[tokio::test]
async fn a_relay_on_jetstream_keeps_a_document_across_its_restart() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let Some(server) = NatsServer::start(&dir.path().join("nats")) else {
        return Ok(());
    };
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let relay = TestRelay::start(&dir.path().join("relay"), on_nats(&server)).await?;
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut bob = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    for word in ["motion ", "carried "] {
        let id = alice.type_at_end(word).await?;
        alice.ack(id).await?;
    }
    bob.until_text("motion carried ").await?;
    relay.stop().await?;

    // Nothing on the relay's disk: the document is in JetStream.
    let relay = TestRelay::start(&dir.path().join("elsewhere"), on_nats(&server)).await?;
    let mut carol = Client::join(&relay.url(), keys, 3, None).await?;
    carol.until_text("motion carried ").await?;
    relay.stop().await?;
    Ok(())
}

//! The client session against a real relay, as the app drives it minus the
//! browser: the native client (`cahier-client`, on `protocol::Session`)
//! going offline with edits queued, merging them, coming back; and
//! answering the relay's `CompactHint` with a snapshot a newcomer starts
//! from.

mod common;

use anyhow::Result;
use client::Event;
use common::{Client, TestRelay};
use protocol::session::PendingUpdate;
use protocol::{DocKeys, EditSecret};

#[tokio::test]
async fn edits_made_offline_merge_and_arrive_once() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut ana = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut bruno = Client::join(&relay.url(), keys.clone(), 2, None).await?;

    ana.type_at_end("Motion: ").await?;
    ana.settle().await?;
    bruno.until_text("Motion: ").await?;

    // Bruno takes the train: 300 keystrokes offline, while Ana keeps typing.
    bruno.drop_connection();
    for c in "we demand a living wage for all. "
        .chars()
        .cycle()
        .take(300)
    {
        bruno.type_at_end(&c.to_string()).await?;
    }
    assert_eq!(bruno.pending_len(), 300);
    ana.type_at_end("[ana online]").await?;
    ana.settle().await?;

    // Before reconnecting, the 300 keystrokes become one update.
    bruno.engine_mut().merge_unsent()?;
    assert_eq!(bruno.pending_len(), 1);
    let persisted: Vec<PendingUpdate> = bruno.engine().session().pending();
    assert_eq!(persisted.len(), 1);

    bruno.reconnect().await?;
    bruno.settle().await?;
    let expected = bruno.text();
    ana.until_text(&expected).await?;
    assert_eq!(ana.text(), bruno.text());
    assert!(expected.contains("[ana online]") && expected.matches("living wage").count() >= 9);

    // A third person gets the same text from the relay's history.
    let carla = Client::join(&relay.url(), keys, 3, None).await?;
    assert_eq!(carla.text(), expected);
    assert!(!carla.state().is_empty());
    relay.stop().await
}

#[tokio::test]
async fn a_session_snapshots_on_a_hint_and_a_newcomer_starts_from_it() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| c.compaction.updates = 20).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut ana = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    // Carla reads along, and confirms Ana's snapshot.
    let view = DocKeys::from_view(keys.view_secret().clone(), keys.writer());
    let mut carla = Client::join(&relay.url(), view, 3, None).await?;
    for i in 0..25 {
        ana.type_at_end(&format!("{i} ")).await?;
    }
    // Answered at once, or once Ana's own edits are acknowledged.
    ana.until(|e| match e {
        Event::CompactHint { answered: true, .. } => Some(()),
        _ => None,
    })
    .await?;
    let (verdict, why) = carla.checked_snapshot().await?;
    assert_eq!(verdict, protocol::Verdict::Matches, "{why}");
    let covers = ana
        .until(|e| match e {
            Event::SnapshotStored { covers_upto } => Some(*covers_upto),
            _ => None,
        })
        .await?;
    ana.settle().await?;
    let bruno = Client::join(&relay.url(), keys, 2, None).await?;
    assert_eq!(bruno.join().snapshot, Some(covers));
    assert_eq!(bruno.text(), ana.text());
    relay.stop().await
}

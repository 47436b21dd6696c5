//! Snapshots against a real relay (protocol version 2): an upload is only a
//! proposal until another connection, checking it against its own copy,
//! confirms it; a hostile editor's forged snapshot is refused and replaces
//! nothing, for the people live and for newcomers.

mod common;

use anyhow::Result;
use client::Event;
use common::{new_doc, Client, TestRelay};
use model::edit::Edit;
use protocol::{DocKeys, EditSecret, ErrorCode, Verdict};

fn viewer_of(keys: &DocKeys) -> DocKeys {
    DocKeys::from_view(keys.view_secret().clone(), keys.writer())
}

/// A document holding `text` only, as a snapshot's state: another text
/// than the room's.
fn forgery(text: &str) -> Result<Vec<u8>> {
    let doc = new_doc(666);
    doc.edit_body(&Edit {
        start: 0,
        delete: 0,
        insert: text.to_owned(),
    })?;
    Ok(doc.encode_state())
}

fn rows(dir: &std::path::Path) -> Result<u64> {
    let conn = rusqlite::Connection::open_with_flags(
        dir.join(relay::DB_FILE),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    Ok(conn.query_row("SELECT count(*) FROM updates", [], |r| r.get(0))?)
}

#[tokio::test]
async fn a_forged_snapshot_never_replaces_the_text_for_a_newcomer() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut carol = Client::join(&relay.url(), viewer_of(&keys), 3, None).await?;
    for part in ["La motion ", "est adoptée."] {
        let id = alice.type_at_end(part).await?;
        alice.ack(id).await?;
    }
    carol.until_text("La motion est adoptée.").await?;
    // Alice leaves for now: Carol is the one the relay asks.
    alice.disconnect().await;

    // Mallory holds the edit link, and uploads another text as a snapshot
    // of everything.
    let mut mallory = Client::join(&relay.url(), keys.clone(), 4, None).await?;
    let head = mallory.applied();
    let forged = client::raw::snapshot(&keys, &forgery("La motion est rejetée.")?, head)?;
    mallory.send_msg(&forged).await?;

    // Carol is asked, finds it differs, and says so.
    let (verdict, why) = carol.checked_snapshot().await?;
    assert_eq!(verdict, Verdict::Differs, "{why}");
    assert_eq!(mallory.refusal().await?.0, ErrorCode::SnapshotRefused);
    assert_eq!(rows(dir.path())?, 2, "the log is all there");

    // A newcomer gets the log, and the text everyone had.
    let dan = Client::join(&relay.url(), viewer_of(&keys), 5, None).await?;
    assert_eq!(dan.join().snapshot, None);
    assert_eq!(dan.text(), "La motion est adoptée.");

    // An honest snapshot is confirmed and stored.
    alice.connect().await?;
    assert!(alice.send_snapshot().await?);
    let (verdict, why) = carol.checked_snapshot().await?;
    assert_eq!(verdict, Verdict::Matches, "{why}");
    alice
        .until(|e| matches!(e, Event::SnapshotStored { .. }).then_some(()))
        .await?;
    let erin = Client::join(&relay.url(), viewer_of(&keys), 6, None).await?;
    assert_eq!(erin.join().snapshot, Some(head));
    assert_eq!(erin.text(), "La motion est adoptée.");
    relay.stop().await
}

#[tokio::test]
async fn a_forged_snapshot_proposed_to_an_empty_room_is_refused_by_the_next_newcomer() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let id = alice.type_at_end("Le texte vrai.").await?;
    alice.ack(id).await?;
    alice.disconnect().await;

    // Alone in the room, Mallory's proposal waits for a checker.
    let mut mallory = Client::join(&relay.url(), keys.clone(), 4, None).await?;
    let head = mallory.applied();
    let forged = client::raw::snapshot(&keys, &forgery("Un faux.")?, head)?;
    mallory.send_msg(&forged).await?;

    // The next newcomer catches up from the log, then is asked.
    let mut dan = Client::join(&relay.url(), viewer_of(&keys), 5, None).await?;
    assert_eq!(dan.join().snapshot, None);
    assert_eq!(dan.text(), "Le texte vrai.");
    let (verdict, why) = dan.checked_snapshot().await?;
    assert_eq!(verdict, Verdict::Differs, "{why}");
    assert_eq!(mallory.refusal().await?.0, ErrorCode::SnapshotRefused);
    let erin = Client::join(&relay.url(), viewer_of(&keys), 6, None).await?;
    assert_eq!(erin.text(), "Le texte vrai.");
    relay.stop().await
}

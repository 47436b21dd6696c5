//! Snapshots against a real relay (protocol version 2): an upload is only a
//! proposal until another connection, checking it against its own copy,
//! confirms it; a hostile editor's forged snapshot is refused and replaces
//! nothing, for the people live and for newcomers. A snapshot of several
//! MiB (more than half a checker's queue) is checked the same way, its
//! ciphertext sent to the checker in chunks.

mod common;

use std::time::Instant;

use anyhow::Result;
use client::{Engine, Event};
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

/// About `bytes` of text that compresses poorly (letters, digits and
/// punctuation drawn by a fixed xorshift), the same for each `seed`.
fn noise(bytes: usize, seed: u64) -> String {
    const ALPHABET: &[u8] =
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'-()";
    let mut x = seed | 1;
    (0..bytes)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(ALPHABET[(x % ALPHABET.len() as u64) as usize])
        })
        .collect()
}

/// Six MiB: three times what a check sent in one frame could hold (half
/// of a checker's 4 MiB queue).
const BIG: usize = 6 << 20;
/// Typed in updates of this much, under the relay's 1 MiB frame limit.
const PIECE: usize = 512 << 10;

/// A relay for big documents: compaction only when asked, and a byte rate
/// that lets a test upload a few MiB at once.
async fn big_relay(dir: &std::path::Path) -> Result<TestRelay> {
    TestRelay::start(dir, |c| {
        c.compaction.bytes = 1 << 30;
        c.limits.bytes_per_second = 256 << 20;
        c.limits.byte_burst = 256 << 20;
    })
    .await
}

/// Alice types `text` in pieces of [`PIECE`], each acknowledged; the
/// number of updates.
async fn type_big(alice: &mut Client, text: &str) -> Result<u64> {
    let mut n = 0;
    for start in (0..text.len()).step_by(PIECE) {
        let id = alice
            .type_at_end(&text[start..(start + PIECE).min(text.len())])
            .await?;
        alice.ack(id).await?;
        n += 1;
    }
    Ok(n)
}

/// The stored log's length, where it can be counted (the SQLite file);
/// on JetStream the tests check what a newcomer gets instead.
fn rows(relay: &TestRelay) -> Result<Option<u64>> {
    relay.stored_updates()
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
    if let Some(rows) = rows(&relay)? {
        assert_eq!(rows, 2, "the log is all there");
    }

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

#[tokio::test]
async fn a_snapshot_of_several_mebibytes_is_checked_by_a_co_author_and_compacts_the_log(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = big_relay(dir.path()).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let engine = Engine::new(keys.clone(), new_doc(1), 0, Vec::new());
    let mut alice = Client::join_with(engine.answer_compact_hints(false), &relay.url()).await?;
    let mut bob = Client::join(&relay.url(), viewer_of(&keys), 2, None).await?;
    let text = noise(BIG, 7);
    let typed = type_big(&mut alice, &text).await?;
    bob.until_text(&text).await?;
    if let Some(rows) = rows(&relay)? {
        assert_eq!(rows, typed);
    }

    // Alice proposes a snapshot of it all; Bob is sent it in chunks,
    // checks it against his copy, and his word stores it.
    let asked = Instant::now();
    assert!(alice.send_snapshot().await?);
    let (verdict, why) = bob.checked_snapshot().await?;
    assert_eq!(verdict, Verdict::Matches, "{why}");
    let covered = alice
        .until(|e| match e {
            Event::SnapshotStored { covers_upto } => Some(*covers_upto),
            _ => None,
        })
        .await?;
    eprintln!(
        "a {} MiB snapshot proposed, checked and stored in {:?}",
        BIG >> 20,
        asked.elapsed()
    );
    assert_eq!(covered, typed);
    if let Some(rows) = rows(&relay)? {
        assert_eq!(rows, 0, "the covered updates are gone");
    }
    let metrics = relay.metrics().await?;
    assert_eq!(common::metric(&metrics, "cahier_snapshot_checks_total"), 1);

    // A newcomer gets the snapshot and only the update after it.
    let id = alice.type_at_end(" Fin.").await?;
    alice.ack(id).await?;
    let dan = Client::join(&relay.url(), viewer_of(&keys), 5, None).await?;
    assert_eq!(dan.join().snapshot, Some(typed));
    assert_eq!(dan.join().updates, 1);
    assert_eq!(dan.text(), format!("{text} Fin."));
    relay.stop().await
}

#[tokio::test]
async fn a_forged_snapshot_of_several_mebibytes_is_refused_by_its_checker_and_the_log_stays(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = big_relay(dir.path()).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut carol = Client::join(&relay.url(), viewer_of(&keys), 3, None).await?;
    let text = noise(BIG, 11);
    let typed = type_big(&mut alice, &text).await?;
    carol.until_text(&text).await?;
    alice.disconnect().await;

    // Mallory holds the edit link and uploads another six MiB as a
    // snapshot of everything.
    let mut mallory = Client::join(&relay.url(), keys.clone(), 4, None).await?;
    let head = mallory.applied();
    let forged = client::raw::snapshot(&keys, &forgery(&noise(BIG, 13))?, head)?;
    mallory.send_msg(&forged).await?;
    let (verdict, why) = carol.checked_snapshot().await?;
    assert_eq!(verdict, Verdict::Differs, "{why}");
    assert_eq!(mallory.refusal().await?.0, ErrorCode::SnapshotRefused);
    if let Some(rows) = rows(&relay)? {
        assert_eq!(rows, typed, "the log is all there");
    }

    let dan = Client::join(&relay.url(), viewer_of(&keys), 5, None).await?;
    assert_eq!(dan.join().snapshot, None);
    assert_eq!(dan.text(), text);
    relay.stop().await
}

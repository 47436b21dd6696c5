//! The relay end to end: a real relay on a loopback port, the project's
//! native client (`cahier-client`) with Yrs documents over websockets, and
//! frames forged below it (`client::raw`, `send_frame`) where a test sends
//! what a well-behaved client never would.

mod common;

use std::time::Duration;

use anyhow::{Context as _, Result};
use client::{ClientError, Engine, Event, Frame};
use common::{http_get, metric, Client, TestRelay};
use protocol::envelope::new_msg_id;
use protocol::{close, ClientMsg, Context, DocKeys, EditSecret, ErrorCode, Verdict};

fn editor() -> DocKeys {
    DocKeys::from_edit(&EditSecret::generate())
}

fn viewer_of(keys: &DocKeys) -> DocKeys {
    DocKeys::from_view(keys.view_secret().clone(), keys.writer())
}

#[tokio::test]
async fn two_editors_converge_and_a_late_joiner_catches_up() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = editor();
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut bob = Client::join(&relay.url(), keys.clone(), 2, None).await?;

    // Both type at the same time, without waiting for each other.
    let mut acks = Vec::new();
    for i in 0..20 {
        let a = alice.insert(0, &format!("a{i} ")).await?;
        let b = bob.insert(0, &format!("b{i} ")).await?;
        acks.push((a, b));
    }
    for (a, b) in acks {
        alice.ack(a).await?;
        bob.ack(b).await?;
    }
    // Each must now receive the other's 20 updates.
    let expected_len = 20 * 3 * 2 + 20;
    while alice.text().len() < expected_len || bob.text().len() < expected_len {
        tokio::select! {
            r = alice.next_update(), if alice.text().len() < expected_len => r?,
            r = bob.next_update(), if bob.text().len() < expected_len => r?,
        }
    }
    assert_eq!(alice.text(), bob.text());
    for i in 0..20 {
        assert!(
            alice.text().contains(&format!("a{i} ")) && alice.text().contains(&format!("b{i} "))
        );
    }

    let carol = Client::join(&relay.url(), keys, 3, None).await?;
    assert_eq!(carol.text(), alice.text());
    assert_eq!(carol.applied(), 40);
    relay.stop().await
}

#[tokio::test]
async fn a_client_with_since_seq_gets_only_what_it_missed() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = editor();
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    for word in ["one ", "two ", "three "] {
        let id = alice.type_at_end(word).await?;
        alice.ack(id).await?;
    }
    // Bob has applied up to seq 2 (from an earlier session) and asks for the rest.
    let bob = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    let state = model::Document::load(2, &bob.state())?;
    drop(bob);
    let mut ws =
        Client::join_with_doc(&relay.url(), keys.clone(), common::new_doc(2), Some(2)).await?;
    // Only seq 3 arrived: on an empty doc it needs text the doc does not
    // have, so it is set aside (nothing stays pending in Yrs, see
    // model::guard), and the visible text stays empty.
    assert_eq!(ws.applied(), 3);
    let join = ws.join();
    assert_eq!((join.updates, join.damaged), (0, 1), "only seq 3 was sent");
    let full = Client::join_with_doc(&relay.url(), keys, state, Some(3)).await?;
    assert_eq!(full.text(), "one two three ");
    ws.disconnect().await;
    relay.stop().await
}

#[tokio::test]
async fn a_resent_update_is_acknowledged_once_and_stored_once() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = editor();
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let update = alice.edit(0, "hello")?;
    let (id, msg) = client::raw::update(alice.keys(), &update)?;
    alice.send_msg(&msg).await?;
    let first = alice.raw_ack(id).await?;
    alice.send_msg(&msg).await?;
    let second = alice.raw_ack(id).await?;
    assert_eq!(first, second);
    let m = relay.metrics().await?;
    assert_eq!(metric(&m, "cahier_updates_stored_total"), 1);
    relay.stop().await
}

#[tokio::test]
async fn viewer_cannot_write() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = editor();
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let id = alice.type_at_end("the motion").await?;
    alice.ack(id).await?;

    let viewer = viewer_of(&keys);
    let mut vic = Client::join(&relay.url(), viewer.clone(), 2, None).await?;
    assert_eq!(vic.text(), "the motion", "a viewer reads");
    // The protocol crate will not sign for a viewer...
    let update = vic.edit(0, "x")?;
    assert!(matches!(
        vic.submit(update).await,
        Err(ClientError::Seal(protocol::SealError::ReadOnly))
    ));
    // ...so a hostile viewer signs with a key of its own.
    let forger = DocKeys::from_edit(&EditSecret::generate());
    let msg_id = new_msg_id();
    let ctx = Context::update(keys.room(), msg_id);
    let update = vic.edit(0, "FORGED ")?;
    let ciphertext = viewer
        .encrypt(&ctx, &update)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let signature = forger
        .sign(&ctx, &ciphertext)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    vic.send_msg(&ClientMsg::Update {
        msg_id,
        ciphertext,
        signature,
    })
    .await?;
    assert_eq!(
        vic.refusal().await?,
        (ErrorCode::BadSignature, Some(msg_id))
    );
    // A snapshot from the viewer is refused the same way.
    let snap_ctx = Context::snapshot(keys.room(), msg_id, 1);
    let ct = viewer
        .encrypt(&snap_ctx, &update)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let sig = forger
        .sign(&snap_ctx, &ct)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    vic.send_msg(&ClientMsg::Snapshot {
        msg_id,
        covers_upto: 1,
        ciphertext: ct,
        signature: sig,
    })
    .await?;
    assert_eq!(vic.refusal().await?.0, ErrorCode::BadSignature);

    // Presence still works for a viewer.
    vic.send_awareness(b"vic is here").await?;
    let got = alice
        .until(|e| match e {
            Event::Awareness { state, .. } => Some(state.clone()),
            _ => None,
        })
        .await?;
    assert_eq!(got, b"vic is here");

    // The forged update reached nobody and was stored nowhere.
    let id = alice.type_at_end(".").await?;
    alice.ack(id).await?;
    let late = Client::join(&relay.url(), keys, 3, None).await?;
    assert_eq!(late.text(), "the motion.");
    assert_eq!(alice.text(), "the motion.");
    assert!(alice
        .inbox()
        .iter()
        .all(|e| !matches!(e, Event::Update { .. } | Event::Invalid { .. })));
    let m = relay.metrics().await?;
    assert_eq!(metric(&m, "cahier_updates_stored_total"), 2);
    assert!(
        m.contains("cahier_rejected_total{reason=\"bad_signature\"} 2"),
        "{m}"
    );
    relay.stop().await
}

#[tokio::test]
async fn a_message_replayed_into_another_room_or_with_a_flipped_bit_is_refused() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let room_a = editor();
    let room_b = editor();
    let mut a = Client::join(&relay.url(), room_a.clone(), 1, None).await?;
    let mut b = Client::join(&relay.url(), room_b.clone(), 2, None).await?;
    let update = a.edit(0, "only for room A")?;
    let (id, msg) = client::raw::update(a.keys(), &update)?;
    a.send_msg(&msg).await?;
    a.raw_ack(id).await?;

    // The same bytes sent into room B.
    b.send_msg(&msg).await?;
    assert_eq!(b.refusal().await?, (ErrorCode::BadSignature, Some(id)));

    // A flipped bit in the ciphertext, then in the signature.
    let ClientMsg::Update {
        msg_id,
        ciphertext,
        signature,
    } = client::raw::update(a.keys(), b"\x00")?.1
    else {
        unreachable!()
    };
    let mut bad = ciphertext.clone();
    bad[30] ^= 0x04;
    a.send_msg(&ClientMsg::Update {
        msg_id,
        ciphertext: bad,
        signature,
    })
    .await?;
    assert_eq!(a.refusal().await?, (ErrorCode::BadSignature, Some(msg_id)));
    let mut bad_sig = signature;
    bad_sig[5] ^= 0x80;
    a.send_msg(&ClientMsg::Update {
        msg_id,
        ciphertext,
        signature: bad_sig,
    })
    .await?;
    assert_eq!(a.refusal().await?, (ErrorCode::BadSignature, Some(msg_id)));

    let fresh_b = Client::join(&relay.url(), room_b, 3, None).await?;
    assert_eq!(fresh_b.applied(), 0, "nothing was stored in room B");
    let fresh_a = Client::join(&relay.url(), room_a, 4, None).await?;
    assert_eq!(fresh_a.text(), "only for room A");
    relay.stop().await
}

#[tokio::test]
async fn a_hello_with_a_key_that_is_not_the_rooms_is_refused() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let a = editor();
    let b = editor();
    let mut c = Client::connect_raw(&relay.url(), a.clone(), 9).await?;
    // B's proof (a valid signature by B's key) offered for A's room.
    let hello =
        client::raw::hello_with(a.room(), None, a.read_capability().0, b.create_proof(None));
    c.send_msg(&hello).await?;
    assert_eq!(c.refusal().await?.0, ErrorCode::WrongRoomKey);
    assert_eq!(c.closed().await?, Some(close::REFUSED));
    // An unknown room, and no key to create it with.
    let reader = viewer_of(&b);
    let mut c = Client::connect_raw(&relay.url(), reader.clone(), 9).await?;
    c.send_msg(&client::raw::hello(&reader, None, None)).await?;
    assert_eq!(c.refusal().await?.0, ErrorCode::UnknownRoom);
    relay.stop().await
}

#[tokio::test]
async fn everything_acknowledged_survives_a_restart() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let keys = editor();
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut ids = Vec::new();
    for i in 0..50 {
        ids.push(alice.type_at_end(&format!("{i},")).await?);
    }
    for id in ids {
        alice.ack(id).await?;
    }
    let text = alice.text();
    relay.stop().await?;
    assert_eq!(alice.closed().await?, Some(close::GOING_AWAY));

    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let mut again = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    assert_eq!(again.text(), text);
    // Sequence numbers carry on after the restart, past any number that
    // could have been forwarded before a crash.
    let id = again.type_at_end("51").await?;
    assert!(again.ack(id).await? > 50);
    relay.stop().await
}

#[tokio::test]
async fn a_peer_that_stops_reading_is_disconnected_and_others_keep_flowing() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| {
        c.limits.outbound_queue = 8;
        c.limits.messages_per_second = 10_000;
    })
    .await?;
    let keys = editor();
    let mut writer = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut reader = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    let mut sleeper = Client::join(&relay.url(), keys.clone(), 3, None).await?;
    // The sleeper never reads while the writer sends large updates, filling
    // the socket buffers and then its queue.
    let chunk = "x".repeat(64 * 1024);
    let mut sent = 0;
    for _ in 0..200 {
        let id = writer.type_at_end(&chunk).await?;
        writer.ack(id).await?;
        sent += 1;
        reader.until_text(&writer.text()).await?;
        let m = relay.metrics().await?;
        if m.contains("cahier_disconnects_total{reason=\"lagging\"} 1") {
            break;
        }
    }
    let m = relay.metrics().await?;
    assert!(
        m.contains("cahier_disconnects_total{reason=\"lagging\"} 1"),
        "the sleeper was not disconnected after {sent} updates:\n{m}"
    );
    // The others keep going.
    for _ in 0..5 {
        let id = writer.type_at_end("more ").await?;
        writer.ack(id).await?;
    }
    reader.until_text(&writer.text()).await?;
    // The sleeper, reading at last, finds its connection closed as lagging
    // (or reset, if the relay gave up on delivering the close frame).
    let code = sleeper.closed().await?;
    assert!(matches!(code, Some(close::LAGGING) | None), "{code:?}");
    // And it catches up by reconnecting.
    let back = Client::join(&relay.url(), keys, 4, None).await?;
    assert_eq!(back.text(), writer.text());
    relay.stop().await
}

#[tokio::test]
async fn bad_frames_get_an_error_or_a_close_and_the_relay_keeps_serving() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| c.limits.max_frame_bytes = 4096).await?;
    let keys = editor();
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;

    // Random bytes: a protocol error and a close.
    let mut junk = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    junk.send_frame(vec![protocol::wire::VERSION, 200, 17, 3, 9, 9, 9])
        .await?;
    assert_eq!(junk.refusal().await?.0, ErrorCode::Malformed);
    assert_eq!(junk.closed().await?, Some(close::PROTOCOL_ERROR));

    // A truncated update.
    let mut cut = Client::join(&relay.url(), keys.clone(), 3, None).await?;
    let update = cut.edit(0, "cut")?;
    let bytes = client::raw::update(cut.keys(), &update)?.1.encode();
    cut.send_frame(bytes[..bytes.len() / 2].to_vec()).await?;
    assert_eq!(cut.refusal().await?.0, ErrorCode::Malformed);
    assert_eq!(cut.closed().await?, Some(close::PROTOCOL_ERROR));

    // An unknown version byte.
    let mut old = Client::join(&relay.url(), keys.clone(), 4, None).await?;
    old.send_frame(vec![7, 0, 0]).await?;
    assert_eq!(old.refusal().await?.0, ErrorCode::UnsupportedVersion);

    // An update over the frame limit: refused by id, connection kept.
    let mut big = Client::join(&relay.url(), keys.clone(), 5, None).await?;
    let id = big.insert(0, &"y".repeat(8000)).await?;
    assert_eq!(big.refusal().await?, (ErrorCode::TooLarge, Some(id)));
    assert_eq!(big.pending_len(), 0, "refused for good, not resent");
    let small = big.type_at_end("").await?;
    big.ack(small).await?;

    // A frame over the hard websocket limit: closed as too big.
    let mut huge = Client::join(&relay.url(), keys.clone(), 6, None).await?;
    huge.send_frame(vec![1; 33 << 20]).await.ok();
    let code = huge.closed().await?;
    assert!(matches!(code, Some(close::TOO_BIG) | None), "{code:?}");

    // Text frames are not the protocol.
    let mut text = Client::join(&relay.url(), keys.clone(), 7, None).await?;
    text.send_text("hello").await?;
    assert_eq!(text.closed().await?, Some(close::PROTOCOL_ERROR));

    // Through all of it, Alice is still served.
    let id = alice.type_at_end("still here").await?;
    alice.ack(id).await?;
    let m = relay.metrics().await?;
    assert!(
        m.contains("cahier_rejected_total{reason=\"malformed\"} 3"),
        "{m}"
    );
    assert!(m.contains("cahier_rejected_total{reason=\"too_large\"}"));
    assert!(http_get(relay.addr, "/healthz")
        .await?
        .starts_with("HTTP/1.1 200"));
    relay.stop().await
}

#[tokio::test]
async fn messages_over_the_rate_limit_are_refused_by_id() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| c.limits.messages_per_second = 5).await?;
    let keys = editor();
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut ids = Vec::new();
    for i in 0..15 {
        ids.push(alice.type_at_end(&format!("{i} ")).await?);
    }
    let (code, id) = alice.refusal().await?;
    assert_eq!(code, ErrorCode::RateLimited);
    assert!(id.is_some_and(|id| ids.contains(&id)));
    relay.stop().await
}

#[tokio::test]
async fn a_full_room_refuses_the_next_peer() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| c.limits.max_peers_per_room = 2).await?;
    let keys = editor();
    let _a = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let _b = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    let third = Client::join(&relay.url(), keys, 3, None).await;
    let err = third.err().context("the third peer must be refused")?;
    assert!(
        matches!(
            err.downcast_ref::<ClientError>(),
            Some(ClientError::Refused {
                code: ErrorCode::RoomFull
            })
        ),
        "{err}"
    );
    relay.stop().await
}

#[tokio::test]
async fn the_stored_files_hold_no_plaintext() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = editor();
    let marker = "MARQUEUR-SECRET-motion-de-congres-7731";
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut bob = Client::join(&relay.url(), viewer_of(&keys), 2, None).await?;
    let id = alice.type_at_end(marker).await?;
    alice.ack(id).await?;
    alice.send_awareness(marker.as_bytes()).await?;
    assert!(alice.send_snapshot().await?, "an editor can snapshot");
    // Bob, live, confirms it.
    assert_eq!(bob.checked_snapshot().await?.0, Verdict::Matches);
    alice
        .until(|e| matches!(e, Event::SnapshotStored { .. }).then_some(()))
        .await?;
    let id = alice.type_at_end(marker).await?;
    alice.ack(id).await?;
    // Look at the files while the relay runs (WAL) and after it stops.
    let mut checked = 0;
    for stage in ["running", "stopped"] {
        if stage == "stopped" {
            drop(alice);
            relay.stop().await?;
            break;
        }
        checked += scan(dir.path(), marker)?;
    }
    checked += scan(dir.path(), marker)?;
    assert!(checked > 0, "no files were scanned");
    Ok(())
}

/// Fail if `marker` appears in any file under `dir`; return the number of
/// bytes scanned.
fn scan(dir: &std::path::Path, marker: &str) -> Result<usize> {
    let mut scanned = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            // JetStream's files, when the tests run on it.
            scanned += scan(&path, marker)?;
            continue;
        }
        let bytes = std::fs::read(&path)?;
        scanned += bytes.len();
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
            "plaintext found in {}",
            path.display()
        );
        // Not even a fragment of it.
        assert!(
            !bytes.windows(8).any(|w| w == b"MARQUEUR"),
            "a fragment in {}",
            path.display()
        );
    }
    Ok(scanned)
}

#[tokio::test]
async fn a_snapshot_replaces_the_updates_it_covers() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| c.compaction.updates = 10).await?;
    let keys = editor();
    // This test sends its own snapshots: the client must not answer the
    // hint by itself.
    let engine = Engine::new(keys.clone(), common::new_doc(1), 0, Vec::new());
    let mut alice = Client::join_with(engine.answer_compact_hints(false), &relay.url()).await?;
    // Carol, a reader, checks what Alice proposes.
    let mut carol = Client::join(&relay.url(), viewer_of(&keys), 4, None).await?;
    for i in 0..12 {
        let id = alice.type_at_end(&format!("line {i}\n")).await?;
        alice.ack(id).await?;
    }
    let hinted = alice.inbox().iter().find_map(|e| match e {
        Event::CompactHint { head_seq, answered } => Some((*head_seq, *answered)),
        _ => None,
    });
    let hinted = hinted.context("the relay should have asked for a snapshot after 10 updates")?;
    assert_eq!(hinted, (10, false));

    let snapshot = client::raw::snapshot(alice.keys(), &alice.state(), 12)?;
    alice.send_msg(&snapshot).await?;
    assert_eq!(carol.checked_snapshot().await?.0, Verdict::Matches);
    let covered = alice
        .until(|e| match e {
            Event::SnapshotStored { covers_upto } => Some(*covers_upto),
            _ => None,
        })
        .await?;
    assert_eq!(covered, 12);
    let id = alice.type_at_end("after the snapshot\n").await?;
    alice.ack(id).await?;

    // An older snapshot is refused.
    let state = alice.state();
    let stale = client::raw::snapshot(alice.keys(), &state, 11)?;
    alice.send_msg(&stale).await?;
    assert_eq!(alice.refusal().await?.0, ErrorCode::StaleSnapshot);
    // One claiming updates the room does not have, too.
    let future = client::raw::snapshot(alice.keys(), &state, 99)?;
    alice.send_msg(&future).await?;
    assert_eq!(alice.refusal().await?.0, ErrorCode::InvalidSnapshot);

    // The covered updates are gone from the file.
    if let Some(db) = relay.stored_updates()? {
        assert_eq!(db, 1, "only the update after the snapshot remains");
    }

    // A new client gets the snapshot plus the one update, the whole text.
    let bob = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    assert_eq!(bob.join().snapshot, Some(12));
    assert_eq!(bob.join().updates, 1);
    assert_eq!(bob.text(), alice.text());
    // A client that was at seq 5 (behind the snapshot) gets the snapshot too.
    let behind = Client::join(&relay.url(), keys, 3, Some(5)).await?;
    assert_eq!(behind.join().snapshot, Some(12));
    assert_eq!(behind.applied(), 13);
    relay.stop().await
}

#[tokio::test]
async fn shutdown_acknowledges_accepted_writes_then_says_going_away() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = editor();
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(alice.type_at_end(&format!("{i} ")).await?);
    }
    // Give the relay the frames, then stop it while commits may be in flight.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let stopping = tokio::spawn(relay.stop());
    let code = alice.closed().await?;
    assert_eq!(code, Some(close::GOING_AWAY));
    stopping.await??;
    let acked: Vec<_> = alice
        .inbox()
        .iter()
        .filter_map(|e| match e {
            Event::Acked { msg_id, .. } => Some(*msg_id),
            _ => None,
        })
        .collect();
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let after = Client::join(&relay.url(), keys, 2, None).await?;
    assert!(
        after.applied() as usize >= acked.len(),
        "every acknowledged update is stored"
    );
    for (i, id) in ids.iter().enumerate() {
        if acked.contains(id) {
            assert!(after.text().contains(&format!("{i} ")));
        }
    }
    relay.stop().await
}

#[tokio::test]
async fn the_relay_serves_the_app_from_the_static_directory() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let site = tempfile::tempdir()?;
    std::fs::write(
        site.path().join("index.html"),
        "<title>Cahier</title><script type=\"module\">start();</script>",
    )?;
    std::fs::write(site.path().join("app-0123456789abcdef.js"), "export {}")?;
    let static_dir = site.path().to_owned();
    let relay = TestRelay::start(dir.path(), |c| c.static_dir = Some(static_dir)).await?;
    let page = http_get(relay.addr, "/").await?.to_lowercase();
    assert!(page.starts_with("http/1.1 200"), "{page}");
    assert!(page.contains("<title>cahier</title>"));
    // Only its own inline script may run, and it may talk only to its origin.
    let csp = page
        .lines()
        .find(|l| l.starts_with("content-security-policy:"))
        .context("no CSP")?;
    assert!(csp.contains("'sha256-"), "{csp}");
    assert!(
        csp.contains("connect-src 'self'") && csp.contains("default-src 'self'"),
        "{csp}"
    );
    assert!(page.contains("referrer-policy: no-referrer"));
    assert!(page.contains("cache-control: no-cache"));
    let asset = http_get(relay.addr, "/app-0123456789abcdef.js")
        .await?
        .to_lowercase();
    assert!(
        asset.contains("cache-control: public, max-age=31536000, immutable"),
        "{asset}"
    );
    assert!(http_get(relay.addr, "/missing.js")
        .await?
        .starts_with("HTTP/1.1 404"));
    relay.stop().await
}

#[tokio::test]
async fn the_page_reached_by_another_path_is_served_under_a_policy_that_runs_nothing() -> Result<()>
{
    let dir = tempfile::tempdir()?;
    let site = tempfile::tempdir()?;
    std::fs::write(
        site.path().join("index.html"),
        "<title>Cahier</title><script type=\"module\">start();</script>",
    )?;
    std::fs::write(site.path().join("other.html"), "<p>stray</p>")?;
    let static_dir = site.path().to_owned();
    let relay = TestRelay::start(dir.path(), |c| c.static_dir = Some(static_dir)).await?;
    // `/%69ndex.html` is `/index.html` once decoded, `//` the directory:
    // both used to serve the page with no policy at all.
    for path in ["/%69ndex.html", "//", "/other.html"] {
        let page = http_get(relay.addr, path).await?.to_lowercase();
        if !page.starts_with("http/1.1 200") {
            continue;
        }
        let csp = page
            .lines()
            .find(|l| l.starts_with("content-security-policy:"))
            .with_context(|| format!("{path} served HTML without a policy: {page}"))?;
        assert!(
            csp.contains("default-src 'none'") || csp.contains("'sha256-"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline'; script"), "{path}: {csp}");
    }
    let decoded = http_get(relay.addr, "/%69ndex.html").await?.to_lowercase();
    assert!(decoded.starts_with("http/1.1 200"), "{decoded}");
    assert!(decoded.contains("default-src 'none'"), "{decoded}");
    relay.stop().await
}

#[tokio::test]
async fn hsts_is_sent_only_behind_a_proxy_that_says_https() -> Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir()?;
    let site = tempfile::tempdir()?;
    std::fs::write(site.path().join("index.html"), "<title>Cahier</title>")?;
    let static_dir = site.path().to_owned();
    let relay = TestRelay::start(dir.path(), |c| c.static_dir = Some(static_dir)).await?;
    let plain = http_get(relay.addr, "/").await?.to_lowercase();
    assert!(!plain.contains("strict-transport-security"), "{plain}");
    let mut stream = tokio::net::TcpStream::connect(relay.addr).await?;
    stream
        .write_all(
            b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n",
        )
        .await?;
    let mut tls = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut tls)).await??;
    let tls = tls.to_lowercase();
    assert!(
        tls.contains("strict-transport-security: max-age=31536000"),
        "{tls}"
    );
    relay.stop().await
}

#[tokio::test]
async fn connections_and_rooms_over_their_limits_are_told_to_try_later() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| {
        c.limits.max_connections = 2;
        c.limits.max_rooms = 1;
    })
    .await?;
    let first = editor();
    let _a = Client::join(&relay.url(), first.clone(), 1, None).await?;
    // A second room while one is open: refused.
    let second = editor();
    let mut b = Client::offline(
        Engine::new(second.clone(), common::new_doc(2), 0, Vec::new()),
        &relay.url(),
    );
    let refused = b.connect().await;
    assert!(
        matches!(
            refused,
            Err(ClientError::Refused {
                code: ErrorCode::TooManyRooms
            })
        ),
        "{refused:?}"
    );
    assert_eq!(b.closed().await?, Some(close::TRY_AGAIN_LATER));
    // Two connections open: the third is closed at once.
    wait_for_connections(&relay, 1).await?;
    let _c = Client::connect_raw(&relay.url(), first.clone(), 3).await?;
    let mut d = Client::connect_raw(&relay.url(), first, 4).await?;
    assert_eq!(d.closed().await?, Some(close::TRY_AGAIN_LATER));
    let m = relay.metrics().await?;
    assert!(
        m.contains("cahier_disconnects_total{reason=\"full\"} 2"),
        "{m}"
    );
    relay.stop().await
}

async fn wait_for_connections(relay: &TestRelay, n: u64) -> Result<()> {
    for _ in 0..200 {
        if metric(&relay.metrics().await?, "cahier_connections") == n {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    anyhow::bail!("the relay never got down to {n} connections")
}

#[tokio::test]
async fn a_client_ahead_of_the_relay_is_sent_everything() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = editor();
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let id = alice.type_at_end("kept").await?;
    alice.ack(id).await?;
    // Bob believes he has seen seq 500 (the relay's data was restored from
    // an older backup): he must still get seq 1.
    let bob = Client::join(&relay.url(), keys, 2, Some(500)).await?;
    assert_eq!(bob.text(), "kept");
    relay.stop().await
}

#[tokio::test]
async fn the_relay_pings_and_closes_a_connection_that_falls_silent() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |c| {
        c.limits.keepalive = Duration::from_millis(100)
    })
    .await?;
    let keys = editor();
    // A client that reads (tungstenite answers pings) stays connected past
    // several intervals...
    let mut awake = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let deadline = tokio::time::Instant::now() + Duration::from_millis(600);
    let mut pings = 0;
    while tokio::time::Instant::now() < deadline {
        if let Ok(Ok(Frame::Ping)) = tokio::time::timeout_at(deadline, awake.recv_frame()).await {
            pings += 1;
        }
    }
    assert!(pings >= 3, "only {pings} pings");
    let id = awake.type_at_end("still connected").await?;
    awake.ack(id).await?;
    awake.disconnect().await;
    // ...while one that never answers is closed after three.
    let (raw, _) = tokio::net::TcpStream::connect(relay.addr)
        .await
        .map(|s| (s, ()))?;
    let (mut silent, _) = tokio_tungstenite::client_async(relay.url(), raw).await?;
    let started = std::time::Instant::now();
    // Don't poll the socket (no pong) until the relay has given up.
    tokio::time::sleep(Duration::from_millis(700)).await;
    let m = relay.metrics().await?;
    assert!(
        m.contains("cahier_disconnects_total{reason=\"silent\"} 1"),
        "{m}"
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    let _ = futures_util::StreamExt::next(&mut silent).await;
    relay.stop().await
}

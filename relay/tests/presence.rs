//! Presence against a real relay: bound to the sender's connection and
//! signed by editors (protocol version 2), so a viewer cannot pass for an
//! editor, not even by replaying an editor's own frame, and a presence
//! frame that does not open is ignored, never taken for an altered update.

mod common;

use anyhow::{bail, Result};
use client::{Event, Frame};
use common::{Client, TestRelay};
use model::awareness::{Peers, State, PALETTE};
use protocol::wire::decode_server;
use protocol::{ClientMsg, DocKeys, EditSecret, PeerId, ServerMsg};

fn viewer_of(keys: &DocKeys) -> DocKeys {
    DocKeys::from_view(keys.view_secret().clone(), keys.writer())
}

fn claim(name: &str) -> Vec<u8> {
    State {
        name: name.into(),
        colour: PALETTE[2].into(),
        client: 42,
        can_write: true,
        selection: None,
        heads: None,
    }
    .encode()
}

/// What Carol's client makes of the next presence frame: the peer, and
/// whether it opened (with its signature), or `None` if it did not.
async fn next_presence(c: &mut Client) -> Result<(PeerId, Option<(Vec<u8>, bool)>)> {
    Ok(c.until(|e| match e {
        Event::Awareness {
            peer,
            state,
            signed,
        } => Some((*peer, Some((state.clone(), *signed)))),
        Event::BadAwareness { peer, .. } => Some((*peer, None)),
        _ => None,
    })
    .await?)
}

/// The next presence frame on `c`'s socket, as the relay sent it.
async fn raw_presence(c: &mut Client) -> Result<ServerMsg> {
    loop {
        match c.recv_frame().await? {
            Frame::Binary(bytes) => {
                let msg = decode_server(&bytes)?;
                if matches!(msg, ServerMsg::Awareness { .. }) {
                    return Ok(msg);
                }
            }
            Frame::Close(code) => bail!("closed: {code:?}"),
            _ => {}
        }
    }
}

#[tokio::test]
async fn forged_presence_from_a_viewer_connection_is_shown_as_a_reader() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut carol = Client::join(&relay.url(), keys.clone(), 3, None).await?;
    let mut bob = Client::join(&relay.url(), viewer_of(&keys), 2, None).await?;
    let mut peers = Peers::default();

    // Alice's presence: signed, shown as an editor's.
    alice.send_awareness(&claim("Alice")).await?;
    let (alice_peer, opened) = next_presence(&mut carol).await?;
    let Some((state, signed)) = opened else {
        bail!("Alice's presence opens")
    };
    assert!(signed);
    peers.receive(alice_peer, &state, signed, 0)?;

    // Bob, with a view link, claims to write: unsigned, shown as a reader.
    bob.send_awareness(&claim("Bob, editor")).await?;
    let (bob_peer, opened) = next_presence(&mut carol).await?;
    let Some((state, signed)) = opened else {
        bail!("Bob's presence opens")
    };
    assert!(!signed, "a viewer cannot sign");
    peers.receive(bob_peer, &state, signed, 0)?;
    let writes: Vec<(PeerId, bool)> = peers.iter().map(|p| (p.id, p.state.can_write)).collect();
    assert_eq!(writes, vec![(alice_peer, true), (bob_peer, false)]);

    // Bob replays Alice's own signed frame from his connection: the relay
    // forwards it as Bob's, and it does not open as his.
    alice.send_awareness(&claim("Alice")).await?;
    let ServerMsg::Awareness {
        peer,
        counter,
        ciphertext,
        signature,
    } = raw_presence(&mut bob).await?
    else {
        bail!("a presence frame")
    };
    assert_eq!(peer, alice_peer);
    let _ = next_presence(&mut carol).await?;
    bob.send_msg(&ClientMsg::Awareness {
        counter: counter + 100,
        ciphertext,
        signature,
    })
    .await?;
    assert_eq!(next_presence(&mut carol).await?, (bob_peer, None));

    // Sealed by Bob under Alice's peer id: forwarded as Bob's, refused.
    let forged = client::raw::presence(bob.keys(), alice_peer, 1_000, &claim("Alice"))?;
    bob.send_msg(&forged).await?;
    assert_eq!(next_presence(&mut carol).await?, (bob_peer, None));

    // Nothing of this is the "altered on the server" alarm.
    assert!(
        !carol
            .inbox()
            .iter()
            .any(|e| matches!(e, Event::Invalid { .. } | Event::Unapplicable { .. })),
        "{:?}",
        carol.inbox()
    );
    relay.stop().await
}

#[tokio::test]
async fn a_malformed_presence_frame_is_ignored_and_raises_no_alarm() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = TestRelay::start(dir.path(), |_| {}).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut carol = Client::join(&relay.url(), keys.clone(), 3, None).await?;
    for ciphertext in [vec![], vec![0; 40], vec![0xff; 300]] {
        alice
            .send_msg(&ClientMsg::Awareness {
                counter: 9,
                ciphertext,
                signature: Some([1; 64]),
            })
            .await?;
        let (_, opened) = next_presence(&mut carol).await?;
        assert_eq!(opened, None);
    }
    // A payload that opens but is not a presence: the model refuses it.
    alice.send_awareness(b"not a presence payload").await?;
    let (peer, opened) = next_presence(&mut carol).await?;
    let Some((state, signed)) = opened else {
        bail!("it opens")
    };
    assert!(Peers::default().receive(peer, &state, signed, 0).is_err());
    // And the document still flows.
    let id = alice.type_at_end("still here").await?;
    alice.ack(id).await?;
    carol.until_text("still here").await?;
    assert!(!carol
        .inbox()
        .iter()
        .any(|e| matches!(e, Event::Invalid { .. } | Event::Unapplicable { .. })));
    relay.stop().await
}

/// A caret dragged across a paragraph: a burst of presence states from
/// one connection reaches the others as fewer frames, the first at once
/// and the latest last, never an older one after a newer; the states
/// replaced are counted. Another sender is not held back by it.
#[tokio::test]
async fn a_burst_of_presence_arrives_thinned_and_ends_on_the_latest_state() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let interval = std::time::Duration::from_millis(300);
    let relay = TestRelay::start(dir.path(), |c| c.limits.presence_interval = interval).await?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut alice = Client::join(&relay.url(), keys.clone(), 1, None).await?;
    let mut bob = Client::join(&relay.url(), keys.clone(), 2, None).await?;
    let mut carol = Client::join(&relay.url(), keys.clone(), 3, None).await?;

    let started = std::time::Instant::now();
    for n in 0..20 {
        alice.send_awareness(&claim(&format!("Alice {n}"))).await?;
    }
    let sent_within = started.elapsed();
    // Bob's first state is not held behind Alice's.
    bob.send_awareness(&claim("Bob")).await?;
    let mut seen = Vec::new();
    let mut bob_seen = false;
    while seen.last().map(String::as_str) != Some("Alice 19") || !bob_seen {
        let (_, opened) = next_presence(&mut carol).await?;
        let Some((state, _)) = opened else {
            bail!("presence opens")
        };
        let name = model::awareness::State::decode(&state)?.name;
        if name == "Bob" {
            bob_seen = true;
        } else {
            seen.push(name);
        }
    }
    assert_eq!(
        seen.first().map(String::as_str),
        Some("Alice 0"),
        "{seen:?}"
    );
    let numbers: Vec<u32> = seen
        .iter()
        .map(|s| s["Alice ".len()..].parse().expect("a number"))
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    // At most one more per interval the sending took, and its end.
    let bound = 2 + (sent_within.as_millis() / interval.as_millis()) as usize;
    assert!(seen.len() <= bound, "{} frames: {seen:?}", seen.len());
    let metrics = relay.metrics().await?;
    assert_eq!(
        common::metric(&metrics, "cahier_presence_coalesced_total") as usize,
        20 - seen.len(),
        "{metrics}"
    );
    // Nothing else of Alice's is on its way.
    tokio::time::sleep(interval * 2).await;
    alice.type_at_end("fin").await?;
    carol.until_text("fin").await?;
    assert!(
        !carol
            .inbox()
            .iter()
            .any(|e| matches!(e, Event::Awareness { .. })),
        "{:?}",
        carol.inbox()
    );
    relay.stop().await
}

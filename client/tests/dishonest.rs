//! A dishonest relay, scripted: a websocket server on a loopback port that
//! speaks the relay's side of the protocol from a script (real frames,
//! real editors' signed updates), and the native client against it. Each
//! test names what the relay does and checks that the client catches it
//! (`Event::Suspicious`, `Event::Missing`) while still applying the
//! verified updates, and that `applied` moves no further than the relay's
//! own frames justify.

use std::time::Duration;

use anyhow::{bail, Context as _, Result};
use client::{Client, Engine, Event};
use futures_util::{SinkExt as _, StreamExt as _};
use model::edit::Edit;
use model::Document;
use protocol::session::Suspicion;
use protocol::wire::decode_client;
use protocol::{ClientMsg, DocKeys, EditSecret, ServerMsg, StoredUpdate};
use tokio::net::TcpListener;
use tokio_tungstenite::tungstenite::Message;

const WAIT: Duration = Duration::from_secs(10);

/// What the scripted relay does once it has the client's `Hello`.
enum Step {
    Send(ServerMsg),
    /// Wait for the client's next update, and acknowledge it as `seq`.
    AckNextUpdateAs(u64),
}

/// A relay that plays `script` to the first connection; its websocket URL.
async fn scripted(script: Vec<Step>) -> Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("ws://{}/ws", listener.local_addr()?);
    tokio::spawn(async move {
        let Ok((tcp, _)) = listener.accept().await else {
            return;
        };
        let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
            return;
        };
        // The Hello first.
        while let Some(Ok(msg)) = ws.next().await {
            if let Message::Binary(b) = msg {
                if matches!(decode_client(&b), Ok(ClientMsg::Hello { .. })) {
                    break;
                }
            }
        }
        for step in script {
            match step {
                Step::Send(msg) => {
                    if ws.send(Message::Binary(msg.encode().into())).await.is_err() {
                        return;
                    }
                }
                Step::AckNextUpdateAs(seq) => loop {
                    let Some(Ok(msg)) = ws.next().await else {
                        return;
                    };
                    if let Message::Binary(b) = msg {
                        if let Ok(ClientMsg::Update { msg_id, .. }) = decode_client(&b) {
                            let ack = ServerMsg::Ack { msg_id, seq }.encode();
                            if ws.send(Message::Binary(ack.into())).await.is_err() {
                                return;
                            }
                            break;
                        }
                    }
                },
            }
        }
        // Then keep the connection open, reading, until the client leaves.
        while let Some(Ok(_)) = ws.next().await {}
    });
    Ok(url)
}

fn editor() -> DocKeys {
    DocKeys::from_edit(&EditSecret::from_bytes([3; 32]))
}

/// Updates typed by a co-author, one per piece, as the relay would store
/// them from `first_seq` on.
fn typed(keys: &DocKeys, pieces: &[&str], first_seq: u64) -> Result<Vec<StoredUpdate>> {
    let doc = Document::new(77);
    let mut out = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        let update = doc.edit_body(&Edit {
            start: doc.body_len(),
            delete: 0,
            insert: (*piece).to_owned(),
        })?;
        let (_, msg) = client::raw::update(keys, &update)?;
        let ClientMsg::Update {
            msg_id,
            ciphertext,
            signature,
        } = msg
        else {
            bail!("raw::update makes an update")
        };
        out.push(StoredUpdate {
            seq: first_seq + i as u64,
            msg_id,
            ciphertext,
            signature,
        });
    }
    Ok(out)
}

fn welcome(head_seq: u64, pending: u64) -> Step {
    Step::Send(ServerMsg::Welcome {
        peer: 9,
        head_seq,
        snapshot: None,
        pending,
    })
}

fn live(head_seq: u64) -> Vec<Step> {
    vec![
        welcome(head_seq, 0),
        Step::Send(ServerMsg::CaughtUp { head_seq }),
    ]
}

async fn client(url: &str, keys: DocKeys) -> Result<Client<Document>> {
    let mut client =
        Client::new(url, Engine::new(keys, Document::new(5), 0, Vec::new())).with_wait(WAIT);
    client.connect().await?;
    Ok(client)
}

async fn suspicion(c: &mut Client<Document>) -> Result<Suspicion> {
    c.until(|e| match e {
        Event::Suspicious { what } => Some(*what),
        _ => None,
    })
    .await
    .context("no suspicion reported")
}

#[tokio::test]
async fn a_relay_that_withholds_a_live_update_is_caught() -> Result<()> {
    let keys = editor();
    let u = typed(&keys, &["a", "b", "c"], 1)?;
    let mut script = live(0);
    script.push(Step::Send(ServerMsg::Update(u[0].clone())));
    // Update 2 is withheld.
    script.push(Step::Send(ServerMsg::Update(u[2].clone())));
    let url = scripted(script).await?;
    let mut c = client(&url, keys).await?;
    assert_eq!(
        suspicion(&mut c).await?,
        Suspicion::Withheld {
            from: 2,
            to: 2,
            count: 1
        }
    );
    Ok(())
}

#[tokio::test]
async fn a_relay_that_reorders_or_replays_updates_is_caught() -> Result<()> {
    let keys = editor();
    let u = typed(&keys, &["a", "b"], 1)?;
    let mut script = live(0);
    script.push(Step::Send(ServerMsg::Update(u[0].clone())));
    script.push(Step::Send(ServerMsg::Update(u[1].clone())));
    // Update 1 again, after 2.
    script.push(Step::Send(ServerMsg::Update(u[0].clone())));
    let url = scripted(script).await?;
    let mut c = client(&url, keys).await?;
    assert_eq!(
        suspicion(&mut c).await?,
        Suspicion::OutOfOrder { seq: 1, after: 2 }
    );
    // Signed content is still applied (a CRDT takes a replay as a no-op).
    assert_eq!(c.doc().body(), "ab");
    assert_eq!(c.applied(), 2, "applied does not move back");
    Ok(())
}

#[tokio::test]
async fn an_ack_for_an_update_never_sent_is_caught_and_moves_nothing() -> Result<()> {
    let keys = editor();
    let mut script = live(0);
    script.push(Step::Send(ServerMsg::Ack {
        msg_id: [0xee; 16],
        seq: 40,
    }));
    let url = scripted(script).await?;
    let mut c = client(&url, keys).await?;
    assert_eq!(
        suspicion(&mut c).await?,
        Suspicion::UnknownAck {
            msg_id: [0xee; 16],
            seq: 40
        }
    );
    assert_eq!(c.applied(), 0);
    Ok(())
}

#[tokio::test]
async fn an_ack_numbered_past_everything_does_not_move_applied() -> Result<()> {
    let keys = editor();
    let mut script = live(3);
    script.push(Step::AckNextUpdateAs(1000));
    let url = scripted(script).await?;
    let mut c = client(&url, keys).await?;
    let update = c.doc().edit_body(&Edit {
        start: 0,
        delete: 0,
        insert: "x".into(),
    })?;
    c.submit(update).await?;
    assert_eq!(
        suspicion(&mut c).await?,
        Suspicion::AckTooFar {
            seq: 1000,
            bound: 4
        }
    );
    assert_eq!(c.pending_len(), 0, "stored, says the relay");
    assert_eq!(c.applied(), 0, "applied stays where the frames put it");
    Ok(())
}

#[tokio::test]
async fn a_relay_that_withholds_an_update_others_depend_on_is_caught_after_the_history(
) -> Result<()> {
    let keys = editor();
    let u = typed(&keys, &["first ", "second"], 1)?;
    // The history holds update 2 only: it continues text never sent.
    let script = vec![
        welcome(2, 1),
        Step::Send(ServerMsg::Updates(vec![u[1].clone()])),
        Step::Send(ServerMsg::CaughtUp { head_seq: 2 }),
    ];
    let url = scripted(script).await?;
    let mut c = client(&url, keys).await?;
    // The guard sets it aside (it needs an id this copy never received),
    // and says so; were it kept pending instead, the copy would report
    // what it misses after the history (`Event::Missing`).
    let caught = c
        .until(|e| match e {
            Event::Unapplicable {
                seq: Some(2),
                error,
            } => Some(error.clone()),
            Event::Missing { missing } => Some(format!("{missing:?}")),
            _ => None,
        })
        .await?;
    assert!(!caught.is_empty());
    assert_eq!(c.doc().body(), "", "nothing shown that depends on the gap");
    Ok(())
}

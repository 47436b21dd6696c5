//! The native client against a real relay on a loopback port: opening a
//! document, catching up with progress, acknowledgements matched by id,
//! compaction, going offline and back, a relay restart, and what goes
//! wrong told in words.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result};
use client::{Client, ClientError, Engine, Event};
use model::schema::BODY;
use protocol::{DocKeys, EditSecret, ErrorCode};
use yrs::{GetString as _, Text as _, Transact as _};

const WAIT: Duration = Duration::from_secs(20);

struct Relay {
    url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn start(dir: &std::path::Path, tweak: impl FnOnce(&mut relay::Config)) -> Result<Relay> {
    let mut config = relay::Config::new(dir);
    config.shutdown_grace = Duration::from_secs(5);
    tweak(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("ws://{}/ws", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(relay::run(listener, config, async move {
        let _ = stopped.await;
    }));
    Ok(Relay { url, stop, task })
}

impl Relay {
    async fn stop(self) -> Result<()> {
        let _ = self.stop.send(());
        tokio::time::timeout(WAIT, self.task).await???;
        Ok(())
    }
}

fn doc(client_id: u64) -> yrs::Doc {
    let mut options = yrs::Options::with_client_id(yrs::ClientID::new(client_id));
    options.offset_kind = yrs::OffsetKind::Utf16;
    options.skip_gc = true;
    yrs::Doc::with_options(options)
}

async fn open(url: &str, keys: &DocKeys, client_id: u64) -> Result<Client<yrs::Doc>> {
    let mut client = Client::new(
        url,
        Engine::new(keys.clone(), doc(client_id), 0, Vec::new()),
    )
    .with_wait(WAIT);
    client.connect().await?;
    Ok(client)
}

fn text(client: &Client<yrs::Doc>) -> String {
    let body = client.doc().get_or_insert_text(BODY);
    body.get_string(&client.doc().transact())
}

/// Type at the end of the body and submit the update.
async fn type_text(client: &mut Client<yrs::Doc>, s: &str) -> Result<protocol::MsgId> {
    let update = {
        let doc = client.doc();
        let body = doc.get_or_insert_text(BODY);
        let mut txn = doc.transact_mut();
        let len = body.len(&txn);
        body.insert(&mut txn, len, s);
        txn.encode_update_v1()
    };
    Ok(client.submit(update).await?)
}

async fn until_text(client: &mut Client<yrs::Doc>, expected: &str) -> Result<()> {
    while text(client) != expected {
        client
            .until(|e| matches!(e, Event::Update { .. }).then_some(()))
            .await
            .with_context(|| format!("text so far: {:?}", text(client)))?;
    }
    Ok(())
}

fn editor() -> DocKeys {
    DocKeys::from_edit(&EditSecret::generate())
}

#[tokio::test]
async fn acknowledgements_are_matched_by_message_id_not_by_order() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = start(dir.path(), |_| {}).await?;
    let keys = editor();
    let mut ana = open(&relay.url, &keys, 1).await?;
    let first = type_text(&mut ana, "un ").await?;
    let second = type_text(&mut ana, "deux ").await?;
    let third = type_text(&mut ana, "trois").await?;
    // Waiting for the last first: the earlier acks stay in the inbox.
    let s3 = ana.ack(third).await?;
    let s1 = ana.ack(first).await?;
    let s2 = ana.ack(second).await?;
    assert!(s1 < s2 && s2 < s3, "{s1} {s2} {s3}");
    assert_eq!(ana.pending_len(), 0);
    assert_eq!(ana.applied(), s3);

    let bruno = open(&relay.url, &keys, 2).await?;
    assert_eq!(text(&bruno), "un deux trois");
    assert_eq!(bruno.join().updates, 3);
    relay.stop().await
}

#[tokio::test]
async fn catching_up_reports_progress_and_a_view_link_reads_but_cannot_write() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = start(dir.path(), |c| c.limits.messages_per_second = 100_000).await?;
    let keys = editor();
    let mut ana = open(&relay.url, &keys, 1).await?;
    // Enough history for several chunks of about 256 KiB.
    let line = "x".repeat(4000);
    for _ in 0..200 {
        type_text(&mut ana, &line).await?;
    }
    ana.settle().await?;

    let seen = Arc::new(Mutex::new(Vec::new()));
    let view = DocKeys::from_view(keys.view_secret().clone(), keys.writer());
    let record = seen.clone();
    let mut reader = Client::new(&relay.url, Engine::new(view, doc(2), 0, Vec::new()))
        .with_wait(WAIT)
        .on_progress(move |received, total| {
            if let Ok(mut seen) = record.lock() {
                seen.push((received, total));
            }
        });
    let join = reader.connect().await?;
    assert_eq!(join.updates, 200);
    assert_eq!(text(&reader), line.repeat(200));
    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    assert!(seen.len() >= 2, "progress told {} times", seen.len());
    assert_eq!(seen.last(), Some(&(200, 200)));
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));

    let refused = type_text(&mut reader, "x").await;
    assert!(
        matches!(
            refused
                .as_ref()
                .map_err(|e| e.downcast_ref::<ClientError>()),
            Err(Some(ClientError::Seal(protocol::SealError::ReadOnly)))
        ),
        "{refused:?}"
    );
    relay.stop().await
}

#[tokio::test]
async fn a_compact_hint_is_answered_and_a_newcomer_starts_from_the_snapshot() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = start(dir.path(), |c| c.compaction.updates = 10).await?;
    let keys = editor();
    let mut ana = open(&relay.url, &keys, 1).await?;
    // Carla, a reader holding the document model (which can compare a
    // snapshot with itself), is there to confirm Ana's snapshot.
    let view = DocKeys::from_view(keys.view_secret().clone(), keys.writer());
    let mut carla = Client::new(
        &relay.url,
        Engine::new(view, model::Document::new(3), 0, Vec::new()),
    )
    .with_wait(WAIT);
    carla.connect().await?;
    for i in 0..12 {
        type_text(&mut ana, &format!("{i} ")).await?;
    }
    ana.settle().await?;
    // Answered at once, or once Ana's own updates were acknowledged.
    ana.until(|e| match e {
        Event::CompactHint { answered: true, .. } => Some(()),
        _ => None,
    })
    .await?;
    let verdict = carla
        .until(|e| match e {
            Event::CheckedSnapshot { verdict, why, .. } => Some((*verdict, why.clone())),
            _ => None,
        })
        .await?;
    assert_eq!(verdict.0, protocol::Verdict::Matches, "{}", verdict.1);
    let covered = ana
        .until(|e| match e {
            Event::SnapshotStored { covers_upto } => Some(*covers_upto),
            _ => None,
        })
        .await?;
    assert!(covered >= 10, "{covered}");

    let bruno = open(&relay.url, &keys, 2).await?;
    assert_eq!(bruno.join().snapshot, Some(covered));
    assert_eq!(text(&bruno), text(&ana));
    relay.stop().await
}

#[tokio::test]
async fn edits_made_offline_leave_when_the_connection_is_back() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = start(dir.path(), |_| {}).await?;
    let keys = editor();
    let mut ana = open(&relay.url, &keys, 1).await?;
    let mut bruno = open(&relay.url, &keys, 2).await?;
    type_text(&mut ana, "En ligne. ").await?;
    ana.settle().await?;
    until_text(&mut bruno, "En ligne. ").await?;

    ana.drop_connection();
    for word in ["Dans ", "le ", "train."] {
        type_text(&mut ana, word).await?;
    }
    assert_eq!(ana.pending_len(), 3);
    assert!(!ana.is_online());
    ana.engine_mut().merge_unsent()?;
    assert_eq!(ana.pending_len(), 1);
    ana.reconnect().await?;
    ana.settle().await?;
    until_text(&mut bruno, "En ligne. Dans le train.").await?;
    relay.stop().await
}

#[tokio::test]
async fn a_client_reconnects_after_a_relay_restart_with_nothing_lost() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = start(dir.path(), |_| {}).await?;
    let keys = editor();
    let mut ana = open(&relay.url, &keys, 1).await?;
    type_text(&mut ana, "avant").await?;
    ana.settle().await?;
    let port_url = relay.url.clone();
    relay.stop().await?;
    assert_eq!(
        ana.closed().await?,
        Some(protocol::close::GOING_AWAY),
        "a relay stopping says so"
    );
    type_text(&mut ana, " pendant").await?;

    // The same address again (the port may be taken meanwhile: then skip
    // the check rather than fail on something the test does not own).
    let addr = port_url
        .trim_start_matches("ws://")
        .trim_end_matches("/ws")
        .to_owned();
    let Ok(listener) = tokio::net::TcpListener::bind(&addr).await else {
        return Ok(());
    };
    let config = relay::Config::new(dir.path());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(relay::run(listener, config, async move {
        let _ = stopped.await;
    }));
    ana.reconnect().await?;
    ana.settle().await?;
    let bruno = open(&port_url, &keys, 2).await?;
    assert_eq!(text(&bruno), "avant pendant");
    let _ = stop.send(());
    tokio::time::timeout(WAIT, task).await???;
    Ok(())
}

#[tokio::test]
async fn an_unreachable_relay_and_a_refusal_are_told_in_words() -> Result<()> {
    // A port nobody listens on: bind one, then close it.
    let addr = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        listener.local_addr()?
    };
    let keys = editor();
    let mut lost = Client::new(
        format!("ws://{addr}/ws"),
        Engine::new(keys.clone(), doc(1), 0, Vec::new()),
    )
    .with_wait(WAIT);
    let error = lost.connect().await.expect_err("nobody listens");
    assert!(
        matches!(error, ClientError::Unreachable { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("could not reach the relay at ws://"),
        "{error}"
    );

    let dir = tempfile::tempdir()?;
    let relay = start(dir.path(), |c| c.limits.max_peers_per_room = 1).await?;
    let _ana = open(&relay.url, &keys, 1).await?;
    let error = open(&relay.url, &keys, 2)
        .await
        .expect_err("the room is full");
    let error = error.downcast::<ClientError>()?;
    assert!(
        matches!(
            error,
            ClientError::Refused {
                code: ErrorCode::RoomFull
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("as many people"), "{error}");
    relay.stop().await
}

/// The nesting attack of issue 9: a signed 20 KB update of 10,000 nested
/// arrays written into `people` by client 66, which overflowed the stack
/// of every reader before the guard (a test thread's 2 MiB too).
fn nesting_attack() -> Vec<u8> {
    let mut update = vec![1, 1, 66, 0, 0x28, 1, 6];
    update.extend_from_slice(model::schema::PEOPLE.as_bytes());
    update.extend_from_slice(&[1, b'x', 1]);
    update.extend([117, 1].repeat(10_000));
    update.extend([126, 0]);
    update
}

async fn open_model(url: &str, keys: &DocKeys, client_id: u64) -> Result<Client<model::Document>> {
    let mut client = Client::new(
        url,
        Engine::new(keys.clone(), model::Document::new(client_id), 0, Vec::new()),
    )
    .with_wait(WAIT);
    client.connect().await?;
    Ok(client)
}

#[tokio::test]
async fn a_nesting_update_from_a_co_author_is_set_aside_and_the_text_after_it_still_applies(
) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let relay = start(dir.path(), |c| c.compaction.updates = 4).await?;
    let keys = editor();
    let mut ana = open(&relay.url, &keys, 1).await?;
    type_text(&mut ana, "Le texte honnête. ").await?;
    ana.settle().await?;
    let mut bruno = open_model(&relay.url, &keys, 2).await?;
    assert_eq!(bruno.doc().body(), "Le texte honnête. ");

    // A co-author with the keys sends the attack, then types on.
    let attack = ana.submit(nesting_attack()).await?;
    let attack_seq = ana.ack(attack).await?;
    let after = type_text(&mut ana, "Et la suite.").await?;
    ana.ack(after).await?;
    assert_eq!(ana.engine().set_aside(), 0, "its own update, not read back");

    // Bruno, who has the document open: told, nothing applied, goes on.
    let (seq, error) = bruno
        .until(|e| match e {
            Event::Unapplicable { seq, error } => Some((*seq, error.clone())),
            _ => None,
        })
        .await?;
    assert_eq!(seq, Some(attack_seq));
    assert!(error.contains("set aside"), "{error}");
    while bruno.doc().body() != "Le texte honnête. Et la suite." {
        bruno
            .until(|e| matches!(e, Event::Update { .. }).then_some(()))
            .await
            .with_context(|| format!("text so far: {:?}", bruno.doc().body()))?;
    }
    assert!(bruno.doc().people().is_empty(), "nothing of the attack");
    assert_eq!(bruno.engine().set_aside(), 1);

    // A newcomer catching up with the attack in the history.
    let carla = open_model(&relay.url, &keys, 3).await?;
    assert_eq!(carla.doc().body(), "Le texte honnête. Et la suite.");
    assert_eq!(carla.join().damaged, 1);
    assert!(carla.doc().people().is_empty());

    // Past the compaction threshold, a replica that set something aside
    // sends no snapshot: it would replace the history without the attack
    // in it, on the relay, for everyone.
    let more = type_text(&mut ana, " Encore.").await?;
    ana.ack(more).await?;
    let answered = bruno
        .until(|e| match e {
            Event::CompactHint { answered, .. } => Some(*answered),
            _ => None,
        })
        .await?;
    assert!(!answered, "no snapshot after setting an update aside");
    assert_eq!(bruno.engine().snapshot()?, None);
    relay.stop().await
}

/// Edit the body of a model document at the end (or delete its first
/// `delete` units), and submit the update.
async fn model_edit(
    client: &mut Client<model::Document>,
    delete: u32,
    insert: &str,
) -> Result<protocol::MsgId> {
    let doc = client.doc();
    let start = if delete > 0 { 0 } else { doc.body_len() };
    let update = doc.edit_body(&model::edit::Edit {
        start,
        delete,
        insert: insert.to_owned(),
    })?;
    Ok(client.submit(update).await?)
}

#[tokio::test]
async fn the_history_reads_the_same_after_the_relay_compacted_its_log() -> Result<()> {
    use model::history::{Change, Moment};
    let dir = tempfile::tempdir()?;
    let relay = start(dir.path(), |c| c.compaction.updates = 10).await?;
    let keys = editor();
    let mut ana = open_model(&relay.url, &keys, 1).await?;
    let view = DocKeys::from_view(keys.view_secret().clone(), keys.writer());
    let mut carla = Client::new(
        &relay.url,
        Engine::new(view, model::Document::new(3), 0, Vec::new()),
    )
    .with_wait(WAIT);
    carla.connect().await?;
    let mut texts = Vec::new();
    for i in 0..12 {
        model_edit(&mut ana, 0, &format!("mot{i} ")).await?;
        if i % 3 == 2 {
            let update = ana.doc().checkpoint(i).context("a checkpoint")?;
            ana.submit(update).await?;
            texts.push(ana.doc().body());
        }
    }
    model_edit(&mut ana, 5, "").await?;
    let update = ana.doc().name_version("Avant la réunion", None, 100)?;
    ana.submit(update).await?;
    texts.push(ana.doc().body());
    // The hint is answered once Ana's updates are acknowledged; Carla
    // confirms the snapshot, then the relay stores it.
    ana.until(|e| match e {
        Event::CompactHint { answered: true, .. } => Some(()),
        _ => None,
    })
    .await?;
    let verdict = carla
        .until(|e| match e {
            Event::CheckedSnapshot { verdict, .. } => Some(*verdict),
            _ => None,
        })
        .await?;
    assert_eq!(verdict, protocol::Verdict::Matches);
    let covered = ana
        .until(|e| match e {
            Event::SnapshotStored { covers_upto } => Some(*covers_upto),
            _ => None,
        })
        .await?;
    assert!(covered >= 10, "{covered}");

    // A newcomer starts from the snapshot: the log it covered is gone,
    // the history is in the document.
    let bruno = open_model(&relay.url, &keys, 2).await?;
    assert_eq!(bruno.join().snapshot, Some(covered));
    let list = bruno.doc().checkpoints();
    assert_eq!(list, ana.doc().checkpoints());
    let read: Vec<String> = list
        .iter()
        .map(|c| bruno.doc().text_at(&Moment::Checkpoint(c.id.clone())))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|at| at.text)
        .collect();
    assert_eq!(read, texts);
    assert_eq!(list.last().and_then(|c| c.name()), Some("Avant la réunion"));
    // Who deleted "mot0 " is still known there.
    let comparison = bruno.doc().compare(
        &Moment::Checkpoint(list[0].id.clone()),
        &Moment::Checkpoint(list[list.len() - 1].id.clone()),
    )?;
    let removed: Vec<_> = comparison
        .pieces
        .iter()
        .filter(|piece| piece.change == Change::Removed)
        .map(|piece| (piece.text.as_str(), piece.who))
        .collect();
    assert_eq!(removed, vec![("mot0 ", Some(1))]);
    drop(carla);
    relay.stop().await
}

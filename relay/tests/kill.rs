//! The relay binary killed with SIGKILL right after a burst of
//! acknowledged updates: after a restart, every acknowledged update is
//! there.

mod common;

use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use client::{Engine, Event};
use common::Client;
use protocol::{DocKeys, EditSecret};

fn start_relay(data: &std::path::Path) -> Result<(std::process::Child, String)> {
    common::spawn_relay(data, &[])
}

#[tokio::test]
async fn every_acknowledged_update_survives_sigkill() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    let (mut relay, url) = start_relay(dir.path())?;
    // Every update of the burst in flight at once: a window wider than it.
    let engine = Engine::new(keys.clone(), common::new_doc(1), 0, Vec::new()).with_window(512);
    let mut alice = Client::join_with(engine, &url).await?;
    // A reader sees updates as soon as they are forwarded, before their
    // commit: the numbers it saw must never be reused after the crash.
    let mut reader = Client::join(&url, keys.clone(), 3, None).await?;

    // A burst: 400 updates sent without waiting; kill the relay as soon as
    // 200 are acknowledged, with the rest still in flight.
    let mut tokens = Vec::new();
    for i in 0..400 {
        let token = format!("<{i}>");
        let id = alice.type_at_end(&token).await?;
        tokens.push((id, token));
    }
    let mut acked = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while acked.len() < 200 {
        if Instant::now() > deadline {
            bail!("only {} acks", acked.len());
        }
        match alice.next_event().await? {
            Event::Acked { msg_id, seq } => acked.push((msg_id, seq)),
            Event::Closed { code } => bail!("closed ({code:?}) after {} acks", acked.len()),
            _ => {}
        }
    }
    relay.kill()?;
    relay.wait()?;
    // Acks that were already on the wire count too.
    while let Ok(Ok(Event::Acked { msg_id, seq })) =
        tokio::time::timeout(Duration::from_secs(2), alice.next_event()).await
    {
        acked.push((msg_id, seq));
    }

    let mut seen_by_reader = 0;
    while let Ok(Ok(event)) =
        tokio::time::timeout(Duration::from_secs(2), reader.next_event()).await
    {
        match event {
            Event::Update { seq, .. } => seen_by_reader = seen_by_reader.max(seq),
            Event::Closed { .. } => break,
            _ => {}
        }
    }
    assert!(seen_by_reader > 0, "the reader saw no update");

    let (mut relay, url) = start_relay(dir.path())?;
    let mut bob = Client::join(&url, keys, 2, None).await?;
    let text = bob.text();
    let max_seq = acked.iter().map(|(_, s)| *s).max().unwrap_or(0);
    assert!(
        bob.applied() >= max_seq,
        "relay has seq {} but acknowledged {max_seq}",
        bob.applied()
    );
    for (id, seq) in &acked {
        let (_, token) = tokens
            .iter()
            .find(|(t, _)| t == id)
            .context("acked id was sent")?;
        assert!(
            text.contains(token.as_str()),
            "acknowledged update {token} (seq {seq}) is missing"
        );
    }
    let id = bob.type_at_end("<after>").await?;
    let seq = bob.ack(id).await?;
    assert!(
        seq > seen_by_reader,
        "seq {seq} reused (the reader saw up to {seen_by_reader})"
    );
    relay.kill()?;
    relay.wait()?;
    Ok(())
}

/// How many times `acknowledged_updates_survive_a_kill_loop_under_typing`
/// kills the relay: `CAHIER_KILL_LOOPS`, 10 by default (about 10 s);
/// BENCHMARKS.md reports a run of 100.
fn kill_loops() -> usize {
    std::env::var("CAHIER_KILL_LOOPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
}

#[tokio::test]
async fn acknowledged_updates_survive_a_kill_loop_under_typing() -> Result<()> {
    let loops = kill_loops();
    let dir = tempfile::tempdir()?;
    let keys = DocKeys::from_edit(&EditSecret::generate());
    // Every token the relay acknowledged, over all the lives of the relay.
    let mut acknowledged: Vec<String> = Vec::new();
    // The highest sequence number anyone was sent before each kill: the
    // next life must number past it.
    let mut highest_seen = 0u64;
    for life in 0..loops {
        let (mut relay, url) = start_relay(dir.path())?;
        // A new writer each life (a new Yrs client id), which first catches
        // up with everything the relay kept.
        let engine = Engine::new(
            keys.clone(),
            common::new_doc(10 + life as u64),
            0,
            Vec::new(),
        )
        .with_window(256);
        let mut writer = Client::join_with(engine, &url).await?;
        let text = writer.text();
        let missing: Vec<&String> = acknowledged
            .iter()
            .filter(|t| !text.contains(t.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "after kill {life}, {} acknowledged updates are missing, first {:?}",
            missing.len(),
            missing.first()
        );
        // Type a burst without waiting and kill the relay once a varying
        // part of it is acknowledged, the rest in flight.
        let burst = 120;
        let kill_after = 20 + (life * 37) % 80;
        let mut sent = Vec::new();
        for i in 0..burst {
            let token = format!("<{life}.{i}>");
            let id = writer.type_at_end(&token).await?;
            sent.push((id, token));
        }
        let mut acked = 0;
        let deadline = Instant::now() + Duration::from_secs(30);
        while acked < kill_after {
            if Instant::now() > deadline {
                bail!("life {life}: only {acked} acks in 30 s");
            }
            match writer.next_event().await? {
                Event::Acked { msg_id, seq } => {
                    let (_, token) = sent
                        .iter()
                        .find(|(id, _)| *id == msg_id)
                        .context("an ack for an update that was sent")?;
                    acknowledged.push(token.clone());
                    highest_seen = highest_seen.max(seq);
                    acked += 1;
                }
                Event::Closed { code } => bail!("life {life}: closed ({code:?})"),
                _ => {}
            }
        }
        relay.kill()?;
        relay.wait()?;
        // Acks already on the wire when the relay died count too.
        while let Ok(Ok(event)) =
            tokio::time::timeout(Duration::from_millis(500), writer.next_event()).await
        {
            match event {
                Event::Acked { msg_id, seq } => {
                    if let Some((_, token)) = sent.iter().find(|(id, _)| *id == msg_id) {
                        acknowledged.push(token.clone());
                        highest_seen = highest_seen.max(seq);
                    }
                }
                Event::Closed { .. } => break,
                _ => {}
            }
        }
    }

    let (mut relay, url) = start_relay(dir.path())?;
    let mut reader = Client::join(&url, keys, 2, None).await?;
    let text = reader.text();
    let lost = acknowledged
        .iter()
        .filter(|t| !text.contains(t.as_str()))
        .count();
    let id = reader.type_at_end("<after>").await?;
    let seq = reader.ack(id).await?;
    relay.kill()?;
    relay.wait()?;
    println!(
        "kill loop: {loops} kills, {} acknowledged updates checked, {lost} lost",
        acknowledged.len()
    );
    assert_eq!(lost, 0, "acknowledged updates lost");
    assert!(
        seq > highest_seen,
        "seq {seq} reused (acknowledged up to {highest_seen})"
    );
    Ok(())
}

//! The relay binary killed with SIGKILL right after a burst of
//! acknowledged updates: after a restart, every acknowledged update is
//! there.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use client::{Engine, Event};
use common::Client;
use protocol::{DocKeys, EditSecret};

/// Start the real binary on a free port; return it and its address.
fn start_relay(data: &std::path::Path) -> Result<(Child, String)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_relay"))
        .args(["--addr", "127.0.0.1:0", "--rate", "100000", "--data"])
        .arg(data)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    let stderr = child.stderr.take().context("stderr")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("addr=").nth(1) {
                let addr = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let _ = tx.send(addr);
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .context("the relay did not say where it listens")?;
    Ok((child, format!("ws://{addr}/ws")))
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

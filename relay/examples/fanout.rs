//! One writer, N readers, one room, on loopback: how many updates per
//! second the relay stores and fans out, and how long an update takes from
//! the writer's send to each reader. Prints figures; asserts nothing.
//!
//!     cargo run --release -p cahier-relay --example fanout -- [updates] [readers] [durability]
//!
//! The relay runs in this process (same binary, own tokio runtime threads),
//! on a fresh data directory. Writer and readers are the project's native
//! client (`cahier-client`). The writer's updates are sealed before the
//! clock starts and sent as they are, so the figures measure the relay,
//! not sealing; the readers decrypt each update (its first 8 bytes say
//! which one it is) but skip the Ed25519 check, which for ten readers on
//! the relay's own two cores would measure the readers instead.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use client::{Client, Engine, Event, Replica};
use protocol::{DocKeys, EditSecret};

const WINDOW: usize = 64;

/// A replica that keeps nothing: the readers only time what arrives.
struct Discard;

impl Replica for Discard {
    type Error = std::convert::Infallible;
    fn apply_remote(&mut self, _update: &[u8]) -> Result<(), Self::Error> {
        Ok(())
    }
    fn encode_state(&self) -> Vec<u8> {
        Vec::new()
    }
}

async fn join(url: &str, keys: &DocKeys) -> anyhow::Result<Client<Discard>> {
    let engine = Engine::new(keys.clone(), Discard, 0, Vec::new())
        .without_signature_checks()
        .answer_compact_hints(false);
    let mut client = Client::new(url, engine);
    client.connect().await?;
    Ok(client)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let updates: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let readers: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10);
    let durability = match args.get(3).map(String::as_str) {
        Some("normal") => relay::Durability::Normal,
        _ => relay::Durability::Full,
    };
    let dir = tempfile::tempdir()?;
    let mut config = relay::Config::new(dir.path());
    config.durability = durability;
    config.limits.messages_per_second = 1_000_000;
    config.compaction.updates = u64::MAX;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("ws://{}/ws", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(relay::run(listener, config, async move {
        let _ = stopped.await;
    }));

    let keys = DocKeys::from_edit(&EditSecret::generate());
    let mut writer = join(&url, &keys).await?;
    let mut conns = Vec::new();
    for _ in 0..readers {
        conns.push(join(&url, &keys).await?);
    }

    // Pre-seal every update so the figures measure the relay, not sealing.
    let mut sealed = Vec::with_capacity(updates);
    for i in 0..updates {
        let mut payload = [b'k'; 30];
        payload[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let (_, msg) = client::raw::update(&keys, &payload)?;
        sealed.push(msg.encode());
    }
    let sealed_len = sealed.first().map_or(0, Vec::len);
    let sent_at: Arc<Mutex<HashMap<u64, Instant>>> = Default::default();

    let mut reader_tasks = Vec::new();
    for mut reader in conns {
        let sent_at = sent_at.clone();
        reader_tasks.push(tokio::spawn(async move {
            let mut delays = Vec::with_capacity(updates);
            while delays.len() < updates {
                let Ok(event) = reader.next_event().await else {
                    break;
                };
                match event {
                    Event::Update { update, .. } => {
                        let index = update
                            .get(..8)
                            .and_then(|b| <[u8; 8]>::try_from(b).ok())
                            .map(u64::from_le_bytes);
                        let at = index
                            .and_then(|i| sent_at.lock().ok().and_then(|m| m.get(&i).copied()));
                        if let Some(at) = at {
                            delays.push(at.elapsed());
                        }
                    }
                    Event::Closed { .. } => break,
                    _ => {}
                }
            }
            delays
        }));
    }

    let start = Instant::now();
    let mut in_flight = 0;
    let mut acked = 0;
    let mut frames = sealed.into_iter().enumerate();
    while acked < updates {
        while in_flight < WINDOW {
            let Some((i, frame)) = frames.next() else {
                break;
            };
            if let Ok(mut m) = sent_at.lock() {
                m.insert(i as u64, Instant::now());
            }
            writer.send_frame(frame).await?;
            in_flight += 1;
        }
        match writer.next_event().await? {
            Event::Acked { .. } => {
                acked += 1;
                in_flight -= 1;
            }
            Event::Refused { code, .. } => anyhow::bail!("relay refused: {}", code.describe()),
            Event::Closed { code } => anyhow::bail!("writer closed ({code:?})"),
            _ => {}
        }
    }
    let acked_in = start.elapsed();
    let mut delays = Vec::new();
    for task in reader_tasks {
        delays.extend(task.await?);
    }
    let delivered_in = start.elapsed();
    delays.sort();
    let pct = |p: f64| {
        delays
            .get(((delays.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or_default()
    };
    println!("updates {updates} (30-byte payload, {sealed_len} bytes sealed), readers {readers}, window {WINDOW}, durability {durability:?}");
    println!(
        "acknowledged (stored) per second  {:>10.0}",
        updates as f64 / acked_in.as_secs_f64()
    );
    println!(
        "deliveries per second             {:>10.0}  ({} of {})",
        delays.len() as f64 / delivered_in.as_secs_f64(),
        delays.len(),
        updates * readers
    );
    println!(
        "send -> reader delay  p50 {:?}  p99 {:?}  max {:?}",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    let _ = stop.send(());
    server.await??;
    Ok(())
}

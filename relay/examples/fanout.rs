//! One writer, N readers, one room, on loopback: how many updates per
//! second the relay stores and fans out, and how long an update takes from
//! the writer's send to each reader. Prints figures; asserts nothing.
//!
//!     cargo run --release -p cahier-relay --example fanout -- [updates] [readers] [durability]
//!
//! The relay runs in this process (same binary, own tokio runtime threads),
//! on a fresh data directory.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use protocol::envelope::new_msg_id;
use protocol::wire::decode_server;
use protocol::{ClientMsg, Context, DocKeys, EditSecret, ServerMsg};
use tokio_tungstenite::tungstenite::Message;

const WINDOW: usize = 64;

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
    let hello = ClientMsg::Hello {
        room: keys.room(),
        since_seq: None,
        write_pk: Some(keys.writer().to_bytes()),
    }
    .encode();
    let mut conns = Vec::new();
    for _ in 0..=readers {
        let (mut ws, _) = tokio_tungstenite::connect_async(&url).await?;
        ws.send(Message::Binary(hello.clone().into())).await?;
        loop {
            let Some(Ok(Message::Binary(b))) = ws.next().await else {
                anyhow::bail!("closed during join")
            };
            if let ServerMsg::CaughtUp { .. } = decode_server(&b)? {
                break;
            }
        }
        conns.push(ws);
    }
    let writer = conns.remove(0);
    let (mut tx, mut rx) = writer.split();

    // Pre-seal every update so the figures measure the relay, not sealing.
    let payload = [b'k'; 30];
    let mut sealed = Vec::with_capacity(updates);
    for _ in 0..updates {
        let msg_id = new_msg_id();
        let (ciphertext, signature) = keys.seal(&Context::update(keys.room(), msg_id), &payload)?;
        let signature = signature.ok_or_else(|| anyhow::anyhow!("unsigned"))?;
        sealed.push((
            msg_id,
            ClientMsg::Update {
                msg_id,
                ciphertext,
                signature,
            }
            .encode(),
        ));
    }
    let sent_at: std::sync::Arc<std::sync::Mutex<HashMap<[u8; 16], Instant>>> = Default::default();

    let mut reader_tasks = Vec::new();
    for ws in conns {
        let sent_at = sent_at.clone();
        reader_tasks.push(tokio::spawn(async move {
            let (_, mut rx) = ws.split();
            let mut delays = Vec::with_capacity(updates);
            while delays.len() < updates {
                let Ok(Some(Ok(Message::Binary(b)))) =
                    tokio::time::timeout(Duration::from_secs(30), rx.next()).await
                else {
                    break;
                };
                if let Ok(ServerMsg::Update(u)) = decode_server(&b) {
                    let at = sent_at.lock().ok().and_then(|m| m.get(&u.msg_id).copied());
                    if let Some(at) = at {
                        delays.push(at.elapsed());
                    }
                }
            }
            delays
        }));
    }

    let start = Instant::now();
    let mut in_flight = 0;
    let mut acked = 0;
    let mut next = 0;
    while acked < updates {
        while in_flight < WINDOW && next < updates {
            let (id, frame) = &sealed[next];
            if let Ok(mut m) = sent_at.lock() {
                m.insert(*id, Instant::now());
            }
            tx.send(Message::Binary(frame.clone().into())).await?;
            in_flight += 1;
            next += 1;
        }
        let Some(Ok(Message::Binary(b))) = rx.next().await else {
            anyhow::bail!("writer closed")
        };
        match decode_server(&b)? {
            ServerMsg::Ack { .. } => {
                acked += 1;
                in_flight -= 1;
            }
            ServerMsg::Error { code, .. } => anyhow::bail!("relay refused: {code:?}"),
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
    println!("updates {updates} (30-byte payload, {} bytes sealed), readers {readers}, window {WINDOW}, durability {durability:?}", sealed[0].1.len());
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

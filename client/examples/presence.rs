//! A co-author's presence, told as a hostile one would: `--claim-editor`
//! says it can write (from a view link, a viewer passing for an editor:
//! the page must show it as a reader, since its presence is not signed),
//! and `--ahead` says its copy holds edits this room never received
//! (what a page sees when the relay withholds a co-author's updates: it
//! must say, in words and naming them, that the copies diverge). It tells
//! its presence every two seconds for `--for` seconds, reading what the
//! relay sends meanwhile. The browser test `tests/dishonest.test.mjs`
//! runs it.
//!
//! ```text
//! cargo run --release -p cahier-client --example presence -- \
//!     'http://127.0.0.1:8080/#v=…' ws://127.0.0.1:8080/ws --name Présidente --claim-editor
//! ```

use std::time::{Duration, Instant, SystemTime};

use client::{Client, Engine, RelayAddress};
use model::awareness::State;
use model::Document;
use protocol::Link;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage =
        "usage: presence LINK RELAY [--name NAME] [--claim-editor] [--ahead] [--for SECONDS]";
    let link = Link::parse(&args.next().ok_or_else(|| anyhow::anyhow!(usage))?)?;
    let relay = RelayAddress::parse(&args.next().ok_or_else(|| anyhow::anyhow!(usage))?)?;
    let mut name = String::new();
    let mut claim_editor = false;
    let mut ahead = false;
    let mut seconds = 30;
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--name" => name = args.next().unwrap_or_default(),
            "--claim-editor" => claim_editor = true,
            "--ahead" => ahead = true,
            "--for" => seconds = args.next().unwrap_or_default().parse()?,
            other => anyhow::bail!("{other}: {usage}"),
        }
    }

    // A client id from the clock: this is an example, not a browser.
    let client_id = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)?
        .as_nanos() as u64
        & 0xffff_ffff;
    let can_write = link.keys().can_write();
    let mut client = Client::new(
        relay.websocket(),
        Engine::new(link.keys(), Document::new(client_id), 0, Vec::new())
            .answer_compact_hints(false),
    )
    .with_wait(Duration::from_secs(30));
    client.connect().await?;

    let until = Instant::now() + Duration::from_secs(seconds);
    let mut told = 0u32;
    while Instant::now() < until {
        let mut heads = client.doc().heads(&[]);
        if ahead {
            // Five edits more than anyone received, under another digest.
            heads.sum += 5;
            heads.digest ^= 0x5eed_5eed;
        }
        let state = State {
            name: name.clone(),
            colour: "#8a3ffc".into(),
            client: client_id,
            can_write: can_write || claim_editor,
            selection: None,
            heads: Some(heads),
        };
        client.send_awareness(&state.encode()).await?;
        told += 1;
        // Read what comes for two seconds (the relay drops a peer that
        // never reads).
        let pause = Instant::now() + Duration::from_secs(2);
        while let Some(left) = pause.checked_duration_since(Instant::now()) {
            match tokio::time::timeout(left, client.next_event()).await {
                Err(_) => break,
                Ok(Err(error)) => return Err(error.into()),
                Ok(Ok(_)) => {}
            }
        }
    }
    println!("told {told} times as {name:?} (can_write {can_write}, claimed {claim_editor}, ahead {ahead})");
    client.disconnect().await;
    Ok(())
}

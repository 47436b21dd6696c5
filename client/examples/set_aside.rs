//! A co-author who sends what every reader must set aside: the nesting
//! attack of issue 9, a signed update of `--levels` nested arrays (10,000
//! by default, 20 KB) written into `people`, which overflowed the stack of
//! every browser that opened the document before `model::guard`. Then,
//! with `--then TEXT`, an honest edit appending TEXT to the body, to show
//! that what comes after is still applied. The browser test
//! `tests/set_aside.test.mjs` runs it.
//!
//! ```text
//! cargo run --release -p cahier-client --example set_aside -- \
//!     'http://127.0.0.1:8080/#e=…' ws://127.0.0.1:8080/ws --then ' La suite.'
//! ```

use std::time::{Duration, SystemTime};

use client::{Client, Engine, RelayAddress};
use model::edit::Edit;
use model::Document;
use protocol::Link;

/// The attack: client `client` writes `levels` nested arrays around a
/// null under the key `x` of the root map `people` (v1 update, by hand:
/// no Yrs API nests values that deep without recursing itself).
fn nested_arrays(client: u8, levels: usize) -> Vec<u8> {
    let mut update = vec![1, 1, client, 0, 0x28, 1, 6];
    update.extend_from_slice(model::schema::PEOPLE.as_bytes());
    update.extend_from_slice(&[1, b'x', 1]);
    update.extend([117, 1].repeat(levels));
    update.extend([126, 0]);
    update
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: set_aside LINK RELAY [--levels N] [--then TEXT]";
    let link = Link::parse(&args.next().ok_or_else(|| anyhow::anyhow!(usage))?)?;
    let relay = RelayAddress::parse(&args.next().ok_or_else(|| anyhow::anyhow!(usage))?)?;
    let mut levels = 10_000;
    let mut then = None;
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--levels" => levels = args.next().unwrap_or_default().parse()?,
            "--then" => then = args.next(),
            other => anyhow::bail!("{other}: {usage}"),
        }
    }

    // Client ids from the clock: this is an example, not a browser.
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)?
        .as_nanos();
    let doc = Document::new((now as u64) & 0xffff_ffff);
    let mut client = Client::new(
        relay.websocket(),
        Engine::new(link.keys(), doc, 0, Vec::new()).answer_compact_hints(false),
    )
    .with_wait(Duration::from_secs(30));
    client.connect().await?;

    // A client id of its own (below 128: one varint byte), not the
    // document's, which then stays able to write honest edits.
    let attack = nested_arrays(20 + (now % 100) as u8, levels);
    let id = client.submit(attack.clone()).await?;
    let seq = client.ack(id).await?;
    println!(
        "attack: {} bytes, {levels} levels, stored as {seq}",
        attack.len()
    );

    if let Some(text) = then {
        let doc = client.doc();
        let edit = Edit {
            start: doc.body_len(),
            delete: 0,
            insert: text,
        };
        let update = doc.edit_body(&edit)?;
        let id = client.submit(update).await?;
        let seq = client.ack(id).await?;
        println!("then: {:?} stored as {seq}", edit.insert);
    }
    client.disconnect().await;
    Ok(())
}

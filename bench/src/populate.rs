//! `bench populate`: fill a room of a running relay with an editing trace,
//! as the app would have written it, and print the edit link's fragment
//! (`e=<S>.<check>`, `protocol::link`) so a browser can open it.
//!
//! The document is the app's ([`model::Document`]): its `meta` is written
//! by [`model::Document::init_meta`] (a text, its title, when it was
//! created), and the trace is typed into the Y.Text `body`, one update per
//! edit, each sealed and signed as the app seals a keystroke. Two shapes
//! of room:
//!
//! - without `--snapshot`, the raw history: every edit stays a separate
//!   stored update (nobody ever answered the relay's `CompactHint`), the
//!   worst case for a browser opening it;
//! - with `--snapshot`, the loader answers `CompactHint` with a snapshot
//!   of the whole document, as an editor's app does: the room then holds
//!   one snapshot and the updates after it, what a real room looks like.
//!
//! The relay must accept the load's pace: start it with a high `--rate`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use model::schema::BODY;
use model::{DocKind, Document};
use protocol::{EditSecret, Link};

use crate::codec::{Room, ServerKind};
use crate::trace::Trace;
use crate::workload::load_updates;

/// The yrs client id that types the trace (any fixed id: the app's are
/// random 32-bit ids, this one is above them).
const AUTHOR_ID: u64 = 1 << 40;

#[derive(clap::Args, Debug)]
pub struct PopulateArgs {
    /// The relay's websocket address (`ws://127.0.0.1:PORT/ws`), or just
    /// `127.0.0.1:PORT`.
    #[arg(long)]
    relay: String,
    /// The editing trace (sequential format, gzipped JSON).
    #[arg(
        long,
        default_value = "/work/shared/data/editing-traces/automerge-paper.json.gz"
    )]
    trace: PathBuf,
    /// Use only the first N edits of the trace (0: all of them).
    #[arg(long, default_value_t = 0)]
    limit: usize,
    /// Answer the relay's `CompactHint` with snapshots, as an editor does.
    #[arg(long)]
    snapshot: bool,
    /// The document's title.
    #[arg(long, default_value = "automerge-paper")]
    title: String,
    /// Also write the text the document ends with to this file (for a test
    /// to compare the browser's text with).
    #[arg(long)]
    end_content: Option<PathBuf>,
}

/// The `meta` update of a new text, written by the app's document model.
fn meta_update(title: &str, created: i64) -> Vec<u8> {
    Document::new(AUTHOR_ID).init_meta(DocKind::Text, title, created)
}

/// The address part of `ws://host:port/ws` (what the codec takes).
fn host(relay: &str) -> &str {
    let rest = relay
        .strip_prefix("ws://")
        .or_else(|| relay.strip_prefix("http://"))
        .unwrap_or(relay);
    rest.split('/').next().unwrap_or(rest)
}

pub async fn run(args: PopulateArgs) -> anyhow::Result<()> {
    let mut trace = Trace::load(&args.trace)?;
    if args.limit > 0 {
        trace.truncate(args.limit);
    }
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let mut updates = vec![meta_update(&args.title, created)];
    // The meta map's author is another client id than the body's: two
    // independent yrs clients, so their clocks do not collide.
    updates.extend(trace.to_updates(AUTHOR_ID + 1, BODY)?);
    if let Some(path) = &args.end_content {
        std::fs::write(path, &trace.end).with_context(|| format!("write {}", path.display()))?;
    }

    let secret: [u8; 32] = rand::random();
    let link = Link::Edit(EditSecret::from_bytes(secret));
    let keys = link.keys();
    let room = Room {
        name: keys.room().to_string(),
        keys,
    };
    let started = Instant::now();
    load_updates(
        ServerKind::Cahier,
        host(&args.relay),
        &room,
        &updates,
        args.snapshot,
        || async { Ok(()) },
    )
    .await?;
    eprintln!(
        "populate: {} updates ({} edits, {} characters) stored in room {} in {:.1} s{}",
        updates.len(),
        trace.patches.len(),
        trace.end.chars().count(),
        room.name,
        started.elapsed().as_secs_f64(),
        if args.snapshot {
            ", answering CompactHint with snapshots"
        } else {
            ", no snapshot"
        },
    );
    println!("{}", link.fragment());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relay_address_is_taken_from_a_url_or_as_is() {
        assert_eq!(host("ws://127.0.0.1:4000/ws"), "127.0.0.1:4000");
        assert_eq!(host("127.0.0.1:4000"), "127.0.0.1:4000");
        assert_eq!(host("http://localhost:9/"), "localhost:9");
    }

    #[test]
    fn the_meta_update_reads_back_as_the_app_reads_it() {
        let doc = Document::load(5, &meta_update("Motion", 42)).expect("applies");
        let meta = doc.meta();
        assert_eq!(meta.kind, Some(DocKind::Text));
        assert_eq!(meta.title.as_deref(), Some("Motion"));
        assert_eq!(meta.created, Some(42));
        assert_eq!(doc.body(), "");
    }

    #[test]
    fn the_trace_lands_in_the_body_the_app_shows() {
        let trace = Trace::from_json(
            r#"{"startContent":"","endContent":"ab","txns":[{"patches":[[0,0,"b"],[0,0,"a"]]}]}"#,
        )
        .expect("parse");
        let doc = Document::load(5, &meta_update("T", 0)).expect("applies");
        for update in trace.to_updates(AUTHOR_ID + 1, BODY).expect("replays") {
            doc.apply_remote(&update).expect("applies");
        }
        assert_eq!(doc.body(), "ab");
    }
}

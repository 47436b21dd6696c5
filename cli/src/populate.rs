//! `cahier populate`: fill a new room of a running relay with an editing
//! trace, as the app would have written it, and print the edit link's
//! fragment (`e=<S>.<check>`, `protocol::link`) so a browser can open it.
//! The browser tests (`tests/lib/trace.mjs`) and the measurements in
//! BENCHMARKS.md use it.
//!
//! The document is the app's ([`model::Document`]): its `meta` is written
//! by [`model::Document::init_meta`] (a text, its title, when it was
//! created), and the trace is typed into the Y.Text `body`, one update per
//! edit, each sealed and signed by the native client as the app seals a
//! keystroke. Two shapes of room:
//!
//! - without `--snapshot`, the raw history: every edit stays a separate
//!   stored update (nobody ever answered the relay's `CompactHint`), the
//!   worst case for a browser opening it;
//! - with `--snapshot`, the room holds one snapshot and the updates after
//!   it, what a real room looks like: the loader stores nine tenths of the
//!   trace, snapshots its replica, and a second connection of its own (a
//!   reader, with the document model) checks the proposal as any
//!   co-author's app would, so the relay stores it (protocol version 2:
//!   a snapshot replaces nothing until another connection confirmed it);
//!   then the last tenth follows.
//!
//! With `--checkpoint-every N`, the loader also makes a history checkpoint
//! ([`model::Document::checkpoint`], issue 11) after every N edits, in its
//! replica, and sends it like an edit: the room then has the history a
//! browser would have left, for the history's measurements. The trace has
//! no times, so edits are dated as typed at [`EDIT_INTERVAL_MS`] apart,
//! the last one now.
//!
//! With `--generate-chars N`, the text is not a trace but a made-up motion
//! of N characters ([`model::amendments::generate::text`]), typed in
//! pieces of [`GENERATED_PIECE`] characters. With `--amendments N`, N
//! generated amendments ([`model::amendments::generate::drafts`]: 20 %
//! competing, some deletions and insertions) are filed in the document's
//! amendment room, one signed record per update as members' browsers
//! write them, by [`AUTHORS`] made-up members; the text room records the
//! amendment room's key (as an editor's browser does) and registers every
//! number, and one in five is put under discussion, so the document opens
//! as a congress's would.
//!
//! The relay must accept the load's pace: start it with a high `--rate`
//! (and a `--queue` above [`WINDOW`]).

use std::path::PathBuf;
use std::time::Instant;

use client::{Client, Engine, Event, RelayAddress};
use model::amendments::decisions::Decision;
use model::amendments::{generate, Book, Identity, Status};
use model::schema::BODY;
use model::{DocKind, Document};
use protocol::{EditSecret, Link, Verdict};

use crate::error::CliError;
use crate::import::refusals;
use crate::open::{self, WAIT};
use crate::trace::{self, Trace};

/// The yrs client id that types the trace (any fixed id: the app's are
/// random 32-bit ids, this one is above them); the meta map's is the next.
const AUTHOR_ID: u64 = 1 << 40;

/// The populating client's own id (its replica only reads).
const LOADER_ID: u64 = (1 << 40) + 2;

/// How far apart the trace's edits are dated, for the checkpoints.
pub const EDIT_INTERVAL_MS: i64 = 100;

/// The made-up members who file the generated amendments.
pub const AUTHORS: u32 = 40;

/// How many characters of a generated text each update types.
pub const GENERATED_PIECE: usize = 20_000;

/// The amendment room's loader (a replica of its own).
const AMEND_LOADER_ID: u64 = (1 << 40) + 4;

/// Updates in flight at once: the relay acknowledges each only once it is
/// durable, so a wide window keeps its group commit full.
pub const WINDOW: usize = 1000;

#[derive(clap::Args, Debug)]
pub struct PopulateArgs {
    /// The relay: its page (http://127.0.0.1:PORT/), its websocket
    /// (ws://127.0.0.1:PORT/ws) or just 127.0.0.1:PORT.
    #[arg(long, env = "CAHIER_RELAY", default_value = crate::DEFAULT_RELAY)]
    pub relay: String,
    /// The relay's creation token, for a relay that creates documents
    /// only for those who have one (`--creation-token` on the relay).
    #[arg(long, env = "CAHIER_CREATION_TOKEN")]
    pub creation_token: Option<String>,
    /// The editing trace (sequential format, gzipped JSON): a path, or a
    /// name looked up in $CAHIER_TRACES, else in
    /// ../shared/data/editing-traces beside the clone.
    #[arg(long, default_value = trace::DEFAULT_TRACE)]
    pub trace: String,
    /// Use only the first N edits of the trace (0: all of them).
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
    /// Leave the room as an editor's snapshots do: a snapshot (confirmed
    /// by a second connection), then the updates after it.
    #[arg(long)]
    pub snapshot: bool,
    /// Also make a history checkpoint after every N edits (0: none).
    #[arg(long, default_value_t = 0)]
    pub checkpoint_every: usize,
    /// The document's title.
    #[arg(long, default_value = "automerge-paper")]
    pub title: String,
    /// Also write the text the document ends with to this file (for a test
    /// to compare with).
    #[arg(long)]
    pub end_content: Option<PathBuf>,
    /// Instead of the trace, a made-up motion of this many characters
    /// (0: the trace).
    #[arg(long, default_value_t = 0)]
    pub generate_chars: usize,
    /// Also file this many generated amendments on the text.
    #[arg(long, default_value_t = 0)]
    pub amendments: usize,
    /// Instead of a text, an argument map of this many generated claims
    /// (three under each, so 2,000 go 8 levels deep:
    /// `model::arguments::generate::map`), with `--title` (0: a text).
    #[arg(long, default_value_t = 0)]
    pub claims: usize,
    /// The seed of the generated text and amendments.
    #[arg(long, default_value_t = 12)]
    pub seed: u64,
}

/// The updates that type `text` into the body, `GENERATED_PIECE`
/// characters each, appended at the end.
fn generated_updates(text: &str) -> Vec<Vec<u8>> {
    use yrs::{GetString, Text, Transact};
    let doc = yrs::Doc::with_client_id(AUTHOR_ID);
    let body = doc.get_or_insert_text(BODY);
    let chars: Vec<char> = text.chars().collect();
    let mut updates = Vec::new();
    for piece in chars.chunks(GENERATED_PIECE) {
        let piece: String = piece.iter().collect();
        let mut txn = doc.transact_mut();
        let end = body.len(&txn);
        body.insert(&mut txn, end, &piece);
        updates.push(txn.encode_update_v1());
    }
    debug_assert_eq!(body.get_string(&doc.transact()), text);
    updates
}

/// The `meta` update of a new document, written by the app's document
/// model.
fn meta_update(kind: DocKind, title: &str, created: i64) -> Vec<u8> {
    Document::new(AUTHOR_ID + 1).init_meta(kind, title, created)
}

/// What was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Populated {
    /// The edit link's fragment, without `#`.
    pub fragment: String,
    pub updates: usize,
    /// History checkpoints made and sent.
    pub checkpoints: usize,
}

pub async fn run(args: &PopulateArgs) -> Result<Populated, CliError> {
    let trace = if args.claims > 0 {
        Trace {
            start: String::new(),
            end: String::new(),
            patches: Vec::new(),
        }
    } else if args.generate_chars > 0 {
        let end = generate::text(args.seed, args.generate_chars);
        Trace {
            start: String::new(),
            end,
            patches: Vec::new(),
        }
    } else {
        let path = trace::locate(&args.trace)?;
        let mut trace = Trace::load(&path)?;
        if args.limit > 0 {
            trace.truncate(args.limit);
        }
        trace
    };
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let kind = if args.claims > 0 {
        DocKind::Arguments
    } else {
        DocKind::Text
    };
    let mut updates = vec![meta_update(kind, &args.title, created)];
    // The meta map's author is another client id than the body's: two
    // independent yrs clients, so their clocks do not collide.
    if args.claims > 0 {
        let specs = model::arguments::generate::map(args.claims);
        let (_, made) = Document::new(AUTHOR_ID).add_tree(&specs, None, "Populate", created);
        updates.extend(made);
    } else if args.generate_chars > 0 {
        updates.extend(generated_updates(&trace.end));
    } else {
        updates.extend(trace.to_updates(AUTHOR_ID, BODY)?);
    }
    if let Some(path) = &args.end_content {
        std::fs::write(path, &trace.end).map_err(|source| CliError::Write {
            path: path.clone(),
            source,
        })?;
    }

    let relay = RelayAddress::parse(&args.relay)?;
    let link = Link::Edit(EditSecret::generate());
    let engine = Engine::new(link.keys(), Document::new(LOADER_ID), 0, Vec::new())
        .with_window(WINDOW)
        .answer_compact_hints(false)
        .with_creation_token(args.creation_token.clone());
    let mut client = Client::new(relay.websocket(), engine).with_wait(WAIT);
    client.connect().await?;
    let started = Instant::now();
    let bar = open::bar(updates.len() as u64, "updates stored");
    let total = updates.len();
    let mut checkpoints = 0;
    let snapshot_after = match args.snapshot {
        true => Some(total - total / 10),
        false => None,
    };
    for (i, update) in updates.into_iter().enumerate() {
        if snapshot_after == Some(i) {
            client.settle().await?;
            snapshot(&mut client, &relay, &link).await?;
        }
        // In the replica first: the snapshot holds it.
        client.doc().apply_remote_unmapped(&update)?;
        client.submit(update).await?;
        // Update 0 is the meta; edit `i` is update `i`.
        if args.checkpoint_every > 0 && i > 0 && i % args.checkpoint_every == 0 {
            let time = created - (total - 1 - i) as i64 * EDIT_INTERVAL_MS;
            if let Some(checkpoint) = client.doc().checkpoint(time) {
                client.submit(checkpoint).await?;
                checkpoints += 1;
            }
        }
        if client.pending_len() >= WINDOW {
            client.settle_to(WINDOW / 2).await?;
            bar.set_position((i + 1 - client.pending_len()) as u64);
        }
    }
    client.settle().await?;
    bar.finish_and_clear();
    let filed = if args.amendments > 0 {
        file_amendments(&mut client, &relay, &link, args, created).await?
    } else {
        0
    };
    let refused = refusals(&client.take_inbox());
    client.disconnect().await;
    if let Some((code, count)) = refused {
        return Err(CliError::Refused { code, count });
    }
    eprintln!(
        "populate: {total} updates ({} edits, {} characters{}{}) stored in room {} in {:.1} s{}",
        trace.patches.len(),
        trace.end.chars().count(),
        if checkpoints > 0 {
            format!(", {checkpoints} checkpoints")
        } else {
            String::new()
        },
        if filed > 0 {
            format!(", {filed} amendments")
        } else {
            String::new()
        },
        link.keys().room(),
        started.elapsed().as_secs_f64(),
        if args.snapshot {
            ", a snapshot after nine tenths"
        } else {
            ", no snapshot"
        },
    );
    Ok(Populated {
        fragment: link.fragment(),
        updates: total + checkpoints,
        checkpoints,
    })
}

/// File `args.amendments` generated amendments on the text `client`
/// holds: their records in the amendment room, the room's key, their
/// numbers and some statuses in the text room. Returns how many.
async fn file_amendments(
    client: &mut Client<Document>,
    relay: &RelayAddress,
    link: &Link,
    args: &PopulateArgs,
    created: i64,
) -> Result<usize, CliError> {
    let (Some(keys), Some(writer)) = (link.amendment_keys(None), link.amendment_writer()) else {
        return Ok(0);
    };
    let room = *keys.room().as_bytes();
    let engine = Engine::new(keys, Document::new(AMEND_LOADER_ID), 0, Vec::new())
        .with_window(WINDOW)
        .answer_compact_hints(false)
        .with_creation_token(args.creation_token.clone());
    let mut amend = Client::new(relay.websocket(), engine).with_wait(WAIT);
    amend.connect().await?;

    let mut rng = generate::Rng::new(args.seed ^ 0x5eed);
    let authors: Vec<(Identity, String)> = (1..=AUTHORS)
        .map(|i| (Identity::from_seed(rng.bytes()), format!("Membre {i}")))
        .collect();
    let body = client.doc().body();
    let drafts = generate::drafts(args.seed, &body, args.amendments);
    let key = model::amendments::record::author_b64(&writer.to_bytes());
    client
        .submit(client.doc().set_amendments_room_key(&key))
        .await?;
    let book = Book::new(room);
    let bar = open::bar(drafts.len() as u64, "amendments filed");
    let total = drafts.len() as i64;
    for (k, draft) in drafts.iter().enumerate() {
        let (identity, name) = &authors[rng.below(AUTHORS) as usize];
        // Filed a minute apart, the last one now.
        let time = created - (total - k as i64) * 60_000;
        let (id, line) = book.file(identity, client.doc(), draft, name, time, rng.bytes())?;
        let update = amend.doc().append_record(&line);
        amend.submit(update).await?;
        let number = u32::try_from(k + 1).unwrap_or(u32::MAX);
        let update = client
            .doc()
            .register(&id, number, "Secrétariat", time + 1_000);
        client.submit(update).await?;
        if k % 5 == 4 {
            let decision = Decision {
                amendment: id.clone(),
                from: Status::Filed,
                to: Status::Discussion,
                rev: 0,
                counts: None,
                note: String::new(),
                because: None,
            };
            let update = client.doc().decide(&decision, "Secrétariat", time + 2_000);
            client.submit(update).await?;
        }
        for side in [&mut *client, &mut amend] {
            if side.pending_len() >= WINDOW {
                side.settle_to(WINDOW / 2).await?;
            }
        }
        bar.set_position(k as u64 + 1);
    }
    amend.settle().await?;
    client.settle().await?;
    bar.finish_and_clear();
    let refused = refusals(&amend.take_inbox());
    amend.disconnect().await;
    if let Some((code, count)) = refused {
        return Err(CliError::Refused { code, count });
    }
    Ok(drafts.len())
}

/// Propose a snapshot of `client`'s replica and have a second connection
/// (a reader) confirm it; wait until the relay stored it.
async fn snapshot(
    client: &mut Client<Document>,
    relay: &RelayAddress,
    link: &Link,
) -> Result<(), CliError> {
    if !client.send_snapshot().await? {
        return Ok(());
    }
    let engine = Engine::new(
        link.to_view().keys(),
        Document::new(LOADER_ID + 1),
        0,
        Vec::new(),
    )
    .answer_compact_hints(false);
    let mut checker = Client::new(relay.websocket(), engine).with_wait(WAIT);
    checker.connect().await?;
    let (verdict, why) = checker
        .until(|e| match e {
            Event::CheckedSnapshot { verdict, why, .. } => Some((*verdict, why.clone())),
            _ => None,
        })
        .await?;
    checker.disconnect().await;
    if verdict != Verdict::Matches {
        return Err(CliError::SnapshotNotConfirmed(why));
    }
    client
        .until(|e| matches!(e, Event::SnapshotStored { .. }).then_some(()))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_update_reads_back_as_the_app_reads_it() {
        let doc = Document::load(5, &meta_update(DocKind::Text, "Motion", 42)).expect("applies");
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
        let doc = Document::load(5, &meta_update(DocKind::Text, "T", 0)).expect("applies");
        for update in trace.to_updates(AUTHOR_ID, BODY).expect("replays") {
            doc.apply_remote(&update).expect("applies");
        }
        assert_eq!(doc.body(), "ab");
    }
}

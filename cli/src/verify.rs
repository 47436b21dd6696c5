//! `cahier verify LINK`: everything the relay stores for a document,
//! checked as a newcomer's browser checks it, and told: the snapshot and
//! each update after it (the relay deletes the updates a snapshot covers,
//! so that is all it holds) must carry an editor's signature, decrypt
//! under the link's key, and apply; and once all are in, the document
//! must be whole (no update waiting for one that never came).
//!
//! It reports counts and every damaged message by sequence number, and
//! ends with exit code [`DAMAGED`] if anything is wrong: a message altered
//! on the relay's disk, one sealed by someone without the edit key, one
//! that is not an update of this document, a history with a hole.

use std::fmt::Write as _;

use client::Event;
use model::schema::BODY;
use protocol::OpenError;
use yrs::{GetString as _, ReadTxn as _, Transact as _};

use crate::error::CliError;
use crate::open;

/// The exit code of a command that found the document damaged.
pub const DAMAGED: u8 = 3;

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The document's link, edit or view.
    pub link: String,
    /// The relay holding the document, when the link does not say.
    #[arg(long, env = "CAHIER_RELAY")]
    pub relay: Option<String>,
}

/// One stored message that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// Its sequence number; `None` for the snapshot.
    pub seq: Option<u64>,
    pub why: String,
}

/// What the relay holds, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub room: String,
    pub relay: String,
    pub head_seq: u64,
    /// The sequence number the snapshot covers, if there is one.
    pub snapshot: Option<u64>,
    /// Updates received and applied.
    pub updates: u64,
    pub damaged: Vec<Damage>,
    /// Updates that arrived but wait for one that did not.
    pub incomplete: bool,
    /// The body's length, in characters.
    pub characters: usize,
}

impl Report {
    pub fn is_sound(&self) -> bool {
        self.damaged.is_empty() && !self.incomplete
    }

    /// The report as a person reads it.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "room {} on {} (last sequence number {})",
            self.room, self.relay, self.head_seq
        );
        let _ = match self.snapshot {
            Some(covers) => writeln!(out, "snapshot: covers up to {covers}"),
            None => writeln!(out, "snapshot: none"),
        };
        let _ = writeln!(
            out,
            "updates: {} checked and applied, {} damaged",
            self.updates,
            self.damaged.len()
        );
        for damage in &self.damaged {
            let _ = match damage.seq {
                Some(seq) => writeln!(out, "  update {seq}: {}", damage.why),
                None => writeln!(out, "  the snapshot: {}", damage.why),
            };
        }
        if self.incomplete {
            let _ = writeln!(
                out,
                "the history has a hole: some updates wait for others the relay does not have"
            );
        }
        let _ = writeln!(out, "text: {} characters", self.characters);
        out.push_str(if self.is_sound() {
            "everything checks\n"
        } else {
            "DAMAGED: the relay's copy of this document is not intact\n"
        });
        out
    }
}

fn words(error: &OpenError) -> String {
    match error {
        OpenError::BadSignature => {
            "its signature does not match: it was altered, or not written with the edit link"
                .to_owned()
        }
        other => other.to_string(),
    }
}

pub async fn run(args: &VerifyArgs) -> Result<Report, CliError> {
    let (link, relay) = open::parse(&args.link, args.relay.as_deref())?;
    // A bare Yrs document with the app's options: verifying needs no more.
    let mut options = yrs::Options::with_client_id(yrs::ClientID::new(1));
    options.skip_gc = true;
    options.offset_kind = yrs::OffsetKind::Utf16;
    let mut client = open::download(&link, &relay, yrs::Doc::with_options(options)).await?;
    client.disconnect().await;
    let join = client.join();
    let damaged = client
        .take_inbox()
        .into_iter()
        .filter_map(|event| match event {
            Event::Invalid { seq, error } => Some(Damage {
                seq,
                why: words(&error),
            }),
            Event::Unapplicable { seq, error } => Some(Damage {
                seq,
                why: format!("it opens but is not an update of this document ({error})"),
            }),
            Event::Suspicious { what } => Some(Damage {
                seq: None,
                why: what.describe(),
            }),
            _ => None,
        })
        .collect();
    let doc = client.doc();
    let body = doc.get_or_insert_text(BODY);
    let txn = doc.transact();
    Ok(Report {
        room: link.keys().room().to_string(),
        relay: relay.websocket().to_owned(),
        head_seq: join.head_seq,
        snapshot: join.snapshot,
        updates: join.updates,
        damaged,
        incomplete: txn.has_missing_updates(),
        characters: body.get_string(&txn).chars().count(),
    })
}

//! `cahier import FILE`: a new document made from a Markdown or text file,
//! stored on a relay, and its links printed, exactly as the app makes them
//! (`protocol::Link` on the relay's page address), so they open in any
//! browser.
//!
//! The file is read as the document model reads it (`model::export::import`):
//! UTF-8, a leading byte-order mark dropped, every line ending (`\r\n`,
//! `\r`) made `\n` as a browser's textarea makes them, the title the one
//! given or else a `# heading` on the first line (which stays in the
//! body). So exporting the document as Markdown gives the file back byte
//! for byte, once its line endings are `\n`.
//!
//! The document is written as a person's first visit would write it: its
//! `meta` (a text, its title, now), then the body, in updates of at most
//! [`MAX_UPDATE_BYTES`] so that none outgrows a relay's frame limit; the
//! links are printed once the relay has acknowledged every one.

use std::path::PathBuf;

use client::{Client, Engine, Event, RelayAddress};
use model::edit::Edit;
use model::{DocKind, Document};
use protocol::{EditSecret, ErrorCode, Link};

use crate::error::CliError;
use crate::open::WAIT;

/// The largest update `import` sends, in bytes of inserted text: the app's
/// limit (`MAX_UPDATE_BYTES` in `app/src/session.rs`), a quarter of the
/// relay's default frame limit.
pub const MAX_UPDATE_BYTES: usize = 256 << 10;

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// A Markdown or plain text file, in UTF-8. Its line endings become
    /// `\n`, a byte-order mark is dropped; nothing else changes.
    pub file: PathBuf,
    /// The relay to store the document on, as people open it
    /// (https://cahier.example/) or its websocket (wss://host/ws); the
    /// links printed begin with its address.
    #[arg(long, env = "CAHIER_RELAY", default_value = crate::DEFAULT_RELAY)]
    pub relay: String,
    /// The document's title (default: the text of a `# heading` on the
    /// file's first line, else none).
    #[arg(long)]
    pub title: Option<String>,
    /// The relay's creation token, if it creates documents only with one
    /// (a relay started with --creation-token).
    #[arg(long, env = "CAHIER_CREATION_TOKEN")]
    pub creation_token: Option<String>,
}

/// A document made: its links, and what went into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub edit: String,
    /// The amend link: members propose amendments, comment and support.
    pub amend: String,
    pub view: String,
    pub title: String,
    pub characters: usize,
}

pub async fn run(args: &ImportArgs) -> Result<Imported, CliError> {
    let bytes = std::fs::read(&args.file).map_err(|source| CliError::Read {
        path: args.file.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| CliError::NotText {
        path: args.file.clone(),
        at: e.utf8_error().valid_up_to(),
    })?;
    let relay = RelayAddress::parse(&args.relay)?;
    let file = model::export::import(&text, args.title.as_deref());

    let link = Link::Edit(EditSecret::generate());
    // A Yjs-sized client id, fresh for this one visit, as the app's.
    let doc = Document::new(rand::random::<u32>().into());
    let mut updates = vec![doc.init_meta(DocKind::Text, &file.title, now_ms())];
    if !file.body.is_empty() {
        let edit = Edit {
            start: 0,
            delete: 0,
            insert: file.body.clone(),
        };
        updates.extend(doc.edit_body_in_parts(&edit, MAX_UPDATE_BYTES)?);
    }

    let engine = Engine::new(link.keys(), doc, 0, Vec::new())
        .with_creation_token(args.creation_token.clone());
    let mut client = Client::new(relay.websocket(), engine).with_wait(WAIT);
    client.connect().await?;
    for update in updates {
        client.submit(update).await?;
    }
    client.settle().await?;
    let refused = refusals(&client.take_inbox());
    client.disconnect().await;
    if let Some((code, count)) = refused {
        return Err(CliError::Refused { code, count });
    }
    Ok(Imported {
        edit: link.to_url(relay.page()),
        amend: link
            .to_amend()
            .map(|amend| amend.to_url(relay.page()))
            .unwrap_or_default(),
        view: link.to_view().to_url(relay.page()),
        title: file.title,
        characters: file.body.chars().count(),
    })
}

/// The first reason the relay refused updates for good, and how many.
pub(crate) fn refusals(events: &[Event]) -> Option<(ErrorCode, usize)> {
    let refused: Vec<ErrorCode> = events
        .iter()
        .filter_map(|e| match e {
            Event::Refused {
                code,
                dropped: true,
                ..
            } => Some(*code),
            _ => None,
        })
        .collect();
    refused.first().map(|code| (*code, refused.len()))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

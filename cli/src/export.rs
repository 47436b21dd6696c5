//! `cahier export LINK`: the document as a browser would read it (every
//! signature verified, everything decrypted here), written as Markdown
//! (the default), a standalone HTML page or plain text, to the standard
//! output or a file. The rendering is the document model's
//! (`model::export`): the title at the top unless the body already
//! begins with it, the HTML page loading nothing.
//!
//! A stored message that fails its checks is left out, as the app leaves
//! it out; the file is still written, the damage is told, and the command
//! ends with [`crate::verify::DAMAGED`] so a script notices
//! (`cahier verify` says what exactly).

use std::io::Write as _;
use std::path::PathBuf;

use model::export::Format;
use model::Document;

use crate::error::CliError;
use crate::open;

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The document's link, edit or view, as the app shows it
    /// (https://host/#e=… or #v=…).
    pub link: String,
    /// md (Markdown, as written), html (a standalone page that loads
    /// nothing) or txt (the text without its Markdown marks).
    #[arg(long, short, default_value = "md", value_parser = parse_format)]
    pub format: Format,
    /// Write to this file instead of the standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// The relay holding the document, when the link does not say (a bare
    /// #e=… fragment) or to read it elsewhere: http(s)://host/ or
    /// ws(s)://host/ws.
    #[arg(long, env = "CAHIER_RELAY")]
    pub relay: Option<String>,
    /// The language of the text, for the HTML page (a BCP 47 tag); for
    /// `--amendments`, the language of the headings (fr or en).
    #[arg(long, default_value = "fr")]
    pub lang: String,
    /// Export the amendments (Markdown: a summary table, then each one
    /// cited by number and lines, with its rationale and decision)
    /// instead of the text.
    #[arg(long)]
    pub amendments: bool,
}

/// The amendments of the document `text` (downloaded from `link`), as
/// Markdown, and how many of the amendment room's messages were left out.
async fn amendments(
    link: &protocol::Link,
    relay: &client::RelayAddress,
    text: &Document,
    lang: &str,
) -> Result<(String, u64), CliError> {
    use model::amendments::{export, Book, Overview};
    let recorded = text
        .amendments_room_key()
        .and_then(|key| protocol::WriterKey::from_b64(&key));
    let title = text.meta().title.unwrap_or_default();
    let decisions = text.decisions();
    let Some(keys) = link.amendment_keys(recorded) else {
        let overview = Overview::default();
        return Ok((export::markdown(&overview, &decisions, &title, lang), 0));
    };
    let room = *keys.room().as_bytes();
    let mut client =
        open::download_room(keys, relay, Document::new(rand::random::<u32>().into())).await?;
    let damaged = client.join().damaged;
    client.disconnect().await;
    let mut book = Book::new(room);
    book.refresh(client.doc());
    let overview = Overview::build(&book, &decisions, text, None);
    Ok((
        export::markdown(&overview, &decisions, &title, lang),
        damaged,
    ))
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| format!("{name:?} is not md, html or txt"))
}

/// What an export found: how many stored messages were left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exported {
    pub bytes: usize,
    pub damaged: u64,
}

pub async fn run(args: &ExportArgs) -> Result<Exported, CliError> {
    let (link, relay) = open::parse(&args.link, args.relay.as_deref())?;
    let mut client =
        open::download(&link, &relay, Document::new(rand::random::<u32>().into())).await?;
    let mut damaged = client.join().damaged;
    client.disconnect().await;
    let text = if args.amendments {
        let (text, more) = amendments(&link, &relay, client.doc(), &args.lang).await?;
        damaged += more;
        text
    } else {
        client.doc().export(args.format, &args.lang)
    };
    match &args.output {
        Some(path) => std::fs::write(path, &text).map_err(|source| CliError::Write {
            path: path.clone(),
            source,
        })?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|source| CliError::Write {
                    path: "the standard output".into(),
                    source,
                })?;
        }
    }
    Ok(Exported {
        bytes: text.len(),
        damaged,
    })
}

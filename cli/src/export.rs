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
    /// The language of the text, for the HTML page (a BCP 47 tag).
    #[arg(long, default_value = "fr")]
    pub lang: String,
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
    let damaged = client.join().damaged;
    client.disconnect().await;
    let text = client.doc().export(args.format, &args.lang);
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

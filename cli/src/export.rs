//! `cahier export LINK`: the document as a browser would read it (every
//! signature verified, everything decrypted here), written as Markdown
//! (the default), a standalone HTML page or plain text, to the standard
//! output or a file. The rendering is the document model's
//! (`model::export`): the title at the top unless the body already
//! begins with it, the HTML page loading nothing.
//!
//! With `--booklet`, `--adopted` or `--amended`, the papers of a meeting
//! instead (`model::meeting::booklet`): the booklet of amendments, the
//! adopted text with its annex, or the amended text, for the latest
//! meeting or the one named by `--meeting`, as ODT, HTML or Markdown.
//!
//! With `--sheet`, an argument map's talking-points sheet
//! (`model::arguments::sheet`, `model::arguments::paper`): about the
//! claim `--question` names (the map's first question by default) or the
//! claims tagged `--tag`, the strongest arguments and pairs as the
//! members' endorsements rank them, as ODT, HTML or Markdown. With
//! `--argdown`, the map as Argdown (`model::arguments::argdown`).
//!
//! With `--zip`, the link is a workspace's (`model::workspace`): every
//! document in it, downloaded with the link the workspace hands on (a
//! read member gets view links), as a ZIP of Markdown.
//!
//! A stored message that fails its checks is left out, as the app leaves
//! it out; the file is still written, the damage is told, and the command
//! ends with [`crate::verify::DAMAGED`] so a script notices
//! (`cahier verify` says what exactly).

use std::io::Write as _;
use std::path::PathBuf;

use model::amendments::{Book, Decisions, Overview};
use model::export::Format;
use model::meeting::booklet::{self, Options, Sources};
use model::meeting::paper::PaperFormat;
use model::meeting::Meeting;
use model::Document;

use crate::error::CliError;
use crate::open;

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The document's link, edit or view, as the app shows it
    /// (https://host/#e=… or #v=…).
    pub link: String,
    /// md (Markdown, as written), html (a standalone page that loads
    /// nothing) or txt (the text without its Markdown marks); for
    /// --booklet, --adopted and --amended: odt (OpenDocument, for
    /// LibreOffice), html (a page that prints paginated) or md.
    #[arg(long, short, default_value = "md", value_parser = parse_format)]
    pub format: String,
    /// Write to this file instead of the standard output.
    #[arg(long, short, visible_alias = "out")]
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
    #[arg(long, group = "what")]
    pub amendments: bool,
    /// Export the booklet of amendments (la liasse): cover, contents,
    /// summary table, the base text with line numbers, then every
    /// amendment with its diff, rationale, supports and decision.
    #[arg(long, group = "what")]
    pub booklet: bool,
    /// Export the adopted text (the text the meeting closed on), with the
    /// adopted amendments in an annex.
    #[arg(long, group = "what")]
    pub adopted: bool,
    /// Export the amended text: the meeting's base text with its changes
    /// struck and underlined.
    #[arg(long, group = "what")]
    pub amended: bool,
    /// Which meeting: latest (the default), none (every amendment in text
    /// order, the text as it is), or a meeting's id.
    #[arg(long, default_value = "latest")]
    pub meeting: String,
    /// In the booklet, the comments for and against under each amendment.
    #[arg(long)]
    pub comments: bool,
    /// Export an argument map's talking-points sheet (l'argumentaire): the
    /// key message, the three strongest arguments, the "Ils disent / Nous
    /// répondons" pairs, the sources as footnotes.
    #[arg(long, group = "what")]
    pub sheet: bool,
    /// Export an argument map as Argdown (https://argdown.org).
    #[arg(long, group = "what")]
    pub argdown: bool,
    /// For --sheet: the claim the sheet is about, by id (the map's first
    /// claim at the top by default).
    #[arg(long, conflicts_with = "tag")]
    pub question: Option<String>,
    /// For --sheet: a sheet of the claims carrying this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// The link is a workspace's: export every document in it as a ZIP
    /// of Markdown (argument maps as Argdown), in its folders, with an
    /// `index.md` that lists what could not be read.
    #[arg(long, group = "what")]
    pub zip: bool,
}

/// The workspace `ws` as a ZIP of Markdown: each document downloaded with
/// the link the workspace hands this link's holder. A document that cannot
/// be read is left out and listed in the archive's index, and counted in
/// `damaged`.
async fn workspace_zip(
    link: &protocol::Link,
    relay: &client::RelayAddress,
    ws: &Document,
    damaged: &mut u64,
) -> Result<Vec<u8>, CliError> {
    use model::workspace::{files, EntryKind};
    if ws.meta().kind != Some(model::DocKind::Workspace) {
        return Err(CliError::Format("--zip exports a workspace, and this link is not one".into()));
    }
    let index = ws.workspace();
    let paths: std::collections::HashMap<String, String> = files::markdown_paths(&index).into_iter().collect();
    let mut written = Vec::new();
    let mut left_out = Vec::new();
    for entry in model::workspace::sorted(&index.entries, model::workspace::Sort::Title) {
        let handed = protocol::keybox::hand_on(link, &entry.room, &entry.view, entry.sealed.as_deref());
        let doc_link = match handed {
            Ok(doc_link) => doc_link,
            Err(why) => {
                *damaged += 1;
                left_out.push((entry.title.clone(), why.to_string()));
                continue;
            }
        };
        match open::download(&doc_link, relay, Document::new(rand::random::<u32>().into())).await {
            Ok(mut client) => {
                *damaged += client.join().damaged;
                client.disconnect().await;
                let doc = client.doc();
                let title = doc.meta().title.unwrap_or_else(|| entry.title.clone());
                let text = match entry.kind {
                    EntryKind::Arguments => model::arguments::argdown::to_argdown(&doc.arguments(), &title),
                    EntryKind::Text | EntryKind::Meeting => doc.export(Format::Markdown, "fr"),
                };
                if let Some(path) = paths.get(&entry.id) {
                    written.push((path.clone(), text));
                }
            }
            Err(why) => {
                *damaged += 1;
                left_out.push((entry.title.clone(), why.to_string()));
            }
        }
    }
    files::zip_markdown(&index, &written, &left_out)
        .map_err(|why| CliError::Format(why.to_string()))
}

/// What the papers are made from: the amendment room read.
struct Loaded {
    book: Book,
    overview: Overview,
    decisions: Decisions,
    damaged: u64,
}

/// The amendment room of the document `text` (downloaded from `link`)
/// read, and how many of its messages were left out.
async fn load(
    link: &protocol::Link,
    relay: &client::RelayAddress,
    text: &Document,
) -> Result<Loaded, CliError> {
    let recorded = text
        .amendments_room_key()
        .and_then(|key| protocol::WriterKey::from_b64(&key));
    let decisions = text.decisions();
    let Some(keys) = link.amendment_keys(recorded) else {
        return Ok(Loaded {
            book: Book::new([0; 16]),
            overview: Overview::default(),
            decisions,
            damaged: 0,
        });
    };
    let room = *keys.room().as_bytes();
    let mut client =
        open::download_room(keys, relay, Document::new(rand::random::<u32>().into())).await?;
    let damaged = client.join().damaged;
    client.disconnect().await;
    let mut book = Book::new(room);
    book.refresh(client.doc());
    let overview = Overview::build(&book, &decisions, text, None);
    Ok(Loaded {
        book,
        overview,
        decisions,
        damaged,
    })
}

/// The meeting `--meeting` names.
fn meeting(text: &Document, which: &str) -> Result<Option<Meeting>, CliError> {
    match which {
        "none" => Ok(None),
        "latest" => Ok(text.meetings().pop()),
        id => text
            .meeting(id)
            .map(Some)
            .ok_or_else(|| CliError::NoMeeting(id.to_owned())),
    }
}

/// The booklet, the adopted text or the amended text, as `format`.
fn paper(
    args: &ExportArgs,
    text: &Document,
    loaded: &Loaded,
    format: PaperFormat,
) -> Result<Vec<u8>, CliError> {
    let title = text.meta().title.unwrap_or_default();
    let options = Options {
        title: &title,
        lang: &args.lang,
        comments: args.comments,
    };
    let src = Sources {
        text,
        book: &loaded.book,
        overview: &loaded.overview,
        decisions: &loaded.decisions,
    };
    let meeting = meeting(text, &args.meeting)?;
    let paper = if args.booklet {
        booklet::booklet(&src, meeting.as_ref(), &options)
    } else if args.adopted {
        booklet::adopted(&src, meeting.as_ref(), &options)
    } else {
        let meeting = meeting.ok_or(CliError::NoMeetingYet)?;
        booklet::amended(text, &meeting, &options)
    }?;
    Ok(paper.render(format))
}

/// The talking-points sheet of the map `text`, as `format`.
fn sheet(
    args: &ExportArgs,
    text: &Document,
    loaded: &Loaded,
    format: PaperFormat,
) -> Result<Vec<u8>, CliError> {
    use model::arguments::{paper::sheet_paper, sheet};
    let map = text.arguments();
    let subject = match (&args.question, &args.tag) {
        (_, Some(tag)) => sheet::Subject::Tag(tag.trim().trim_start_matches('#').to_owned()),
        (Some(id), None) => sheet::Subject::Claim(id.clone()),
        (None, None) => sheet::Subject::Claim(
            map.roots()
                .first()
                .cloned()
                .ok_or_else(|| CliError::NoSheet("this document has no argument map".into()))?,
        ),
    };
    let standings = loaded.book.standings();
    let Some(made) = sheet::select(&map, &standings, &subject, &sheet::Choice::default()) else {
        return Err(CliError::NoSheet(match subject {
            sheet::Subject::Claim(id) => format!("this map has no claim {id:?}"),
            sheet::Subject::Tag(tag) => format!("no claim of this map carries the tag {tag:?}"),
        }));
    };
    let title = text.meta().title.unwrap_or_default();
    Ok(sheet_paper(&made, &title, &args.lang).render(format))
}

fn parse_format(name: &str) -> Result<String, String> {
    if Format::from_name(name).is_some() || PaperFormat::from_name(name).is_some() {
        Ok(name.to_ascii_lowercase())
    } else {
        Err(format!("{name:?} is not md, html, txt or odt"))
    }
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
    let papers = args.booklet || args.adopted || args.amended || args.sheet;
    let bytes: Vec<u8> = if args.zip {
        workspace_zip(&link, &relay, client.doc(), &mut damaged).await?
    } else if args.argdown {
        let title = client.doc().meta().title.unwrap_or_default();
        model::arguments::argdown::to_argdown(&client.doc().arguments(), &title).into_bytes()
    } else if papers {
        let format = PaperFormat::from_name(&args.format).ok_or_else(|| {
            CliError::Format(format!(
                "the booklet, the adopted and amended texts and the sheet are written as odt, html or md, not {}",
                args.format
            ))
        })?;
        let loaded = load(&link, &relay, client.doc()).await?;
        damaged += loaded.damaged;
        if args.sheet {
            sheet(args, client.doc(), &loaded, format)?
        } else {
            paper(args, client.doc(), &loaded, format)?
        }
    } else if args.amendments {
        let loaded = load(&link, &relay, client.doc()).await?;
        damaged += loaded.damaged;
        let title = client.doc().meta().title.unwrap_or_default();
        model::amendments::export::markdown(&loaded.overview, &loaded.decisions, &title, &args.lang)
            .into_bytes()
    } else {
        let format = Format::from_name(&args.format).ok_or_else(|| {
            CliError::Format(format!(
                "the text is written as md, html or txt, not {} (odt is for --booklet, --adopted and --amended)",
                args.format
            ))
        })?;
        client.doc().export(format, &args.lang).into_bytes()
    };
    match &args.output {
        Some(path) => std::fs::write(path, &bytes).map_err(|source| CliError::Write {
            path: path.clone(),
            source,
        })?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .map_err(|source| CliError::Write {
                    path: "the standard output".into(),
                    source,
                })?;
        }
    }
    Ok(Exported {
        bytes: bytes.len(),
        damaged,
    })
}

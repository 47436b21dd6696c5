//! The papers of a meeting (issue 13), as [`Paper`]s any writer prints
//! (HTML for print, Markdown, ODT: [`super::paper`], [`super::odt`]):
//!
//! - **the booklet** (la liasse d'amendements, [`booklet`]): a cover
//!   (the document's title, the meeting, its date, the version of the
//!   text), the contents, a summary table (n° | lignes | auteur | statut
//!   | résultat), the base text with its line numbers, then every
//!   amendment, in the agenda's order for a meeting or the text's order
//!   without one: its number, lines, author, the passage against its
//!   proposed wording word by word ([`crate::amendments::wording`]),
//!   its rationale, supports, status, and once decided the decision, the
//!   counts and what made it fall; the comments for and against if asked;
//! - **the adopted text** ([`adopted`]): the text the meeting closed on
//!   (its result version; the text now for a meeting still open or none),
//!   clean, with an annex of the amendments adopted;
//! - **the amended text** ([`amended`], le texte amendé): the meeting's
//!   base version against its result, the changes struck and underlined
//!   ([`crate::history`]'s comparison).
//!
//! An amendment is cited as everywhere else ([`crate::amendments::export`]:
//! "A12", "l. 42-45"); a meeting's amendments by their lines in its base
//! text (what the booklet the members hold says).

use super::paper::{Block, Paper, Span};
use super::{Meeting, Minute};
use crate::amendments::book::Book;
use crate::amendments::decisions::Decisions;
use crate::amendments::export::{citation, lines_words, status_words, words};
use crate::amendments::wording::{word_diff, Piece};
use crate::amendments::{Counts, Overview, Proposal, Row, Stance, Status};
use crate::document::Document;
use crate::history::compare::Change;
use crate::history::{HistoryError, Moment};

/// What the papers need of a document.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    pub text: &'a Document,
    pub book: &'a Book,
    pub overview: &'a Overview,
    pub decisions: &'a Decisions,
}

/// How a paper is written.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// The document's title.
    pub title: &'a str,
    /// `fr` or `en` (anything not French is English).
    pub lang: &'a str,
    /// The comments for and against under each amendment.
    pub comments: bool,
}

struct Words {
    booklet: &'static str,
    adopted: &'static str,
    amended: &'static str,
    meeting: &'static str,
    date: &'static str,
    version: &'static str,
    now: &'static str,
    contents: &'static str,
    summary: &'static str,
    base: &'static str,
    amendments: &'static str,
    result: &'static str,
    count: &'static str,
    legend: &'static str,
    text: &'static str,
    annex: &'static str,
    none_adopted: &'static str,
    from_to: &'static str,
    comments: &'static str,
    stance_for: &'static str,
    stance_against: &'static str,
    stance_neutral: &'static str,
    passage_changed: &'static str,
}

const FR: Words = Words {
    booklet: "Liasse d’amendements",
    adopted: "Texte adopté",
    amended: "Texte amendé",
    meeting: "Séance",
    date: "Date",
    version: "Version",
    now: "le texte actuel",
    contents: "Sommaire",
    summary: "Tableau récapitulatif",
    base: "Texte de base",
    amendments: "Amendements",
    result: "résultat",
    count: "{n} amendements",
    legend: "Barré : supprimé. Souligné et gras : ajouté.",
    text: "Texte",
    annex: "Annexe : amendements adoptés",
    none_adopted: "Aucun amendement adopté.",
    from_to: "Changements de « {from} » à « {to} »",
    comments: "Commentaires",
    stance_for: "Pour",
    stance_against: "Contre",
    stance_neutral: "Avis",
    passage_changed: "Le passage a changé depuis le dépôt.",
};

const EN: Words = Words {
    booklet: "Amendment booklet",
    adopted: "Adopted text",
    amended: "Amended text",
    meeting: "Meeting",
    date: "Date",
    version: "Version",
    now: "the current text",
    contents: "Contents",
    summary: "Summary",
    base: "Base text",
    amendments: "Amendments",
    result: "result",
    count: "{n} amendments",
    legend: "Struck: removed. Underlined and bold: added.",
    text: "Text",
    annex: "Annex: adopted amendments",
    none_adopted: "No amendment adopted.",
    from_to: "Changes from “{from}” to “{to}”",
    comments: "Comments",
    stance_for: "For",
    stance_against: "Against",
    stance_neutral: "Opinion",
    passage_changed: "The passage changed since filing.",
};

fn own(lang: &str) -> &'static Words {
    if lang.starts_with("fr") {
        &FR
    } else {
        &EN
    }
}

/// A comment under an amendment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    pub stance: Stance,
    pub author: String,
    pub text: String,
}

/// One amendment as the booklet prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub number: Option<u32>,
    /// "A12", or the provisional mark.
    pub citation: String,
    pub lines: (u32, u32),
    pub author: String,
    /// The amendment it amends, cited.
    pub parent: Option<String>,
    pub passage: String,
    pub proposal: Proposal,
    /// The passage against the proposed wording.
    pub diff: Vec<Piece>,
    pub rationale: String,
    pub supports: u32,
    pub status: Status,
    pub counts: Option<Counts>,
    pub note: String,
    /// For a fallen one: the adopted amendment that replaced its passage,
    /// cited.
    pub fallen_by: Option<String>,
    pub changed: bool,
    pub comments: Vec<Said>,
}

/// The amendments the booklet prints, in its order: the meeting's agenda,
/// or every amendment in text order.
pub fn entries(src: &Sources, meeting: Option<&Meeting>, options: &Options) -> Vec<Entry> {
    let lang = options.lang;
    let cite = |n: Option<u32>| match n {
        Some(n) => format!("A{n}"),
        None => words(lang).provisional.to_owned(),
    };
    let cite_id = |id: &str| {
        src.overview
            .row(id)
            .map_or_else(|| cite(src.decisions.number(id)), |row| citation(row, lang))
    };
    let entry = |row: &Row, minute: Option<&Minute>| {
        let last = src
            .decisions
            .get(&row.id)
            .and_then(|d| d.history.last())
            .filter(|change| change.to == row.status);
        let wording = match &row.proposal {
            Proposal::Delete => "",
            Proposal::Replace(text) => text.as_str(),
        };
        let (status, counts, note, fallen_by) = match minute {
            Some(minute) => (
                minute.status,
                minute.counts,
                minute.note.clone(),
                minute.because.map(|n| cite(Some(n))),
            ),
            None => (
                row.status,
                last.and_then(|change| change.counts),
                last.map(|change| change.note.clone()).unwrap_or_default(),
                row.fallen_by.as_deref().map(cite_id),
            ),
        };
        Entry {
            id: row.id.clone(),
            number: row.number,
            citation: citation(row, lang),
            lines: minute
                .and_then(|m| m.lines)
                .or_else(|| meeting.and_then(|m| m.base_lines.get(&row.id).copied()))
                .or(row.lines)
                .unwrap_or(row.filed_lines),
            author: row.author_name.clone(),
            parent: row.parent.as_deref().map(cite_id),
            passage: row.passage.clone(),
            proposal: row.proposal.clone(),
            diff: word_diff(&row.passage, wording),
            rationale: row.rationale.clone(),
            supports: row.supports,
            status,
            counts,
            note,
            fallen_by,
            changed: row.changed() && row.is_open(),
            comments: if options.comments {
                src.book
                    .comments(&row.id)
                    .iter()
                    .map(|c| Said {
                        stance: c.stance,
                        author: c.author_name.clone(),
                        text: c.text.clone(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
        }
    };
    match meeting {
        Some(meeting) => {
            let minutes = meeting.minutes(src.overview, src.decisions);
            meeting
                .agenda
                .iter()
                .zip(minutes.iter().map(Some).chain(std::iter::repeat(None)))
                .filter_map(|(id, minute)| {
                    let minute = minute.filter(|m| &m.amendment == id);
                    Some(entry(src.overview.row(id)?, minute))
                })
                .collect()
        }
        None => src
            .overview
            .rows
            .iter()
            .map(|row| entry(row, None))
            .collect(),
    }
}

/// The name of a checkpoint, or its id.
fn version_name(text: &Document, id: &str) -> String {
    text.checkpoints()
        .into_iter()
        .find(|c| c.id == id)
        .and_then(|c| c.name().map(str::to_owned))
        .unwrap_or_else(|| id.to_owned())
}

fn cover(
    title: &str,
    what: &str,
    meeting: Option<&Meeting>,
    version: &str,
    lang: &str,
) -> Vec<Block> {
    let w = own(lang);
    let title = crate::export::clean_title(title);
    let mut blocks = vec![Block::Title(what.to_owned())];
    if !title.is_empty() {
        blocks.push(Block::Para(vec![Span::Strong(title)]));
    }
    let line = |name: &str, value: &str| {
        Block::Para(vec![label(name, lang), Span::Plain(value.to_owned())])
    };
    if let Some(meeting) = meeting {
        blocks.push(line(w.meeting, &meeting.name));
        if !meeting.date.is_empty() {
            blocks.push(line(w.date, &meeting.date));
        }
    }
    blocks.push(line(w.version, version));
    blocks
}

/// "pour 12, contre 3, abstentions 1", "à l'unanimité".
pub fn votes_words(counts: Counts, lang: &str) -> String {
    let w = words(lang);
    if counts.unanimous {
        w.unanimous.to_owned()
    } else {
        w.votes
            .replace("{yes}", &counts.yes.to_string())
            .replace("{no}", &counts.no.to_string())
            .replace("{abstain}", &counts.abstain.to_string())
    }
}

/// What the summary's result column says: the counts, what made it fall,
/// the note.
fn result_words(entry: &Entry, lang: &str) -> String {
    let mut parts = Vec::new();
    if let Some(counts) = entry.counts {
        parts.push(votes_words(counts, lang));
    }
    if let Some(by) = &entry.fallen_by {
        parts.push(format!("{} {by}", words(lang).fallen_by));
    }
    if !entry.note.trim().is_empty() {
        parts.push(entry.note.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    parts.join(" · ")
}

fn anchor(at: usize) -> String {
    format!("amendement-{}", at + 1)
}

/// "A12, l. 42-45 — Awa".
fn heading_words(entry: &Entry) -> String {
    format!(
        "{}, {} — {}",
        entry.citation,
        lines_words(entry.lines),
        entry
            .author
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    )
}

fn summary(entries: &[Entry], lang: &str) -> Block {
    let w = words(lang);
    Block::Table {
        head: vec![
            w.number.to_owned(),
            w.lines.to_owned(),
            w.author.to_owned(),
            w.status.to_owned(),
            own(lang).result.to_owned(),
        ],
        rows: entries
            .iter()
            .map(|e| {
                vec![
                    e.citation.clone(),
                    lines_words(e.lines),
                    e.author.clone(),
                    status_words(e.status, lang).to_owned(),
                    result_words(e, lang),
                ]
            })
            .collect(),
    }
}

fn label(text: &str, lang: &str) -> Span {
    let sep = if lang.starts_with("fr") {
        "\u{a0}: "
    } else {
        ": "
    };
    Span::Strong(format!("{text}{sep}"))
}

/// One amendment's blocks.
fn entry_blocks(entry: &Entry, at: usize, lang: &str) -> Block {
    let w = words(lang);
    let own = own(lang);
    let mut blocks = vec![Block::Heading {
        level: 2,
        text: heading_words(entry),
        anchor: Some(anchor(at)),
    }];
    if let Some(parent) = &entry.parent {
        blocks.push(Block::Para(vec![Span::Plain(format!(
            "{} {parent}.",
            w.sub
        ))]));
    }
    let verb = match (&entry.proposal, entry.passage.is_empty()) {
        (Proposal::Delete, _) => w.delete,
        (Proposal::Replace(_), true) => w.insert,
        (Proposal::Replace(_), false) => w.replace,
    };
    let mut verb = verb.to_owned();
    if let Some(first) = verb.get(..1) {
        verb = first.to_uppercase() + &verb[1..];
    }
    blocks.push(Block::Para(vec![Span::Strong(format!(
        "{verb} ({})",
        lines_words(entry.lines)
    ))]));
    let spans: Vec<Span> = entry
        .diff
        .iter()
        .map(|piece| match piece {
            Piece::Same(s) => Span::Plain(s.clone()),
            Piece::Removed(s) => Span::Removed(s.clone()),
            Piece::Added(s) => Span::Added(s.clone()),
        })
        .collect();
    blocks.push(Block::Marked { spans, boxed: true });
    if entry.changed {
        blocks.push(Block::Para(vec![Span::Plain(
            own.passage_changed.to_owned(),
        )]));
    }
    if !entry.rationale.trim().is_empty() {
        blocks.push(Block::Para(vec![
            label(w.rationale, lang),
            Span::Plain(entry.rationale.trim().to_owned()),
        ]));
    }
    let mut state = vec![
        label(w.supports, lang),
        Span::Plain(format!("{} · ", entry.supports)),
        label(w.status, lang),
        Span::Plain(status_words(entry.status, lang).to_owned()),
    ];
    let result = result_words(entry, lang);
    if !result.is_empty() {
        state.push(Span::Plain(format!(" · {result}")));
    }
    blocks.push(Block::Para(state));
    if !entry.comments.is_empty() {
        blocks.push(Block::Para(vec![Span::Strong(own.comments.to_owned())]));
        for said in &entry.comments {
            let stance = match said.stance {
                Stance::For => own.stance_for,
                Stance::Against => own.stance_against,
                Stance::Neutral => own.stance_neutral,
            };
            blocks.push(Block::Para(vec![
                label(&format!("{stance} — {}", said.author.trim()), lang),
                Span::Plain(said.text.trim().to_owned()),
            ]));
        }
    }
    Block::Group(blocks)
}

/// The booklet of `meeting` (or of every amendment, without one).
pub fn booklet(
    src: &Sources,
    meeting: Option<&Meeting>,
    options: &Options,
) -> Result<Paper, HistoryError> {
    let lang = options.lang;
    let w = own(lang);
    let (base, version) = match meeting {
        Some(meeting) => (
            src.text
                .text_at(&Moment::Checkpoint(meeting.base.clone()))?
                .text,
            version_name(src.text, &meeting.base),
        ),
        None => (src.text.body(), w.now.to_owned()),
    };
    let entries = entries(src, meeting, options);
    let mut blocks = cover(options.title, w.booklet, meeting, &version, lang);
    blocks.push(Block::Para(vec![Span::Plain(
        w.count.replace("{n}", &entries.len().to_string()),
    )]));
    blocks.push(Block::PageBreak);
    blocks.push(Block::Heading {
        level: 1,
        text: w.contents.to_owned(),
        anchor: Some("sommaire".into()),
    });
    let mut contents = vec![
        ("recapitulatif".to_owned(), w.summary.to_owned()),
        ("texte".to_owned(), w.base.to_owned()),
        ("amendements".to_owned(), w.amendments.to_owned()),
    ];
    contents.extend(
        entries
            .iter()
            .enumerate()
            .map(|(at, e)| (anchor(at), heading_words(e))),
    );
    blocks.push(Block::Contents(contents));
    blocks.push(Block::PageBreak);
    blocks.push(Block::Heading {
        level: 1,
        text: w.summary.to_owned(),
        anchor: Some("recapitulatif".into()),
    });
    blocks.push(summary(&entries, lang));
    blocks.push(Block::PageBreak);
    blocks.push(Block::Heading {
        level: 1,
        text: w.base.to_owned(),
        anchor: Some("texte".into()),
    });
    blocks.push(Block::Numbered(base));
    blocks.push(Block::PageBreak);
    blocks.push(Block::Heading {
        level: 1,
        text: w.amendments.to_owned(),
        anchor: Some("amendements".into()),
    });
    blocks.push(Block::Para(vec![Span::Plain(w.legend.to_owned())]));
    blocks.extend(
        entries
            .iter()
            .enumerate()
            .map(|(at, e)| entry_blocks(e, at, lang)),
    );
    Ok(Paper {
        title: paper_title(w.booklet, options.title, meeting),
        lang: lang.to_owned(),
        blocks,
    })
}

fn paper_title(what: &str, title: &str, meeting: Option<&Meeting>) -> String {
    let title = crate::export::clean_title(title);
    let mut out = what.to_owned();
    if !title.is_empty() {
        out.push_str(" — ");
        out.push_str(&title);
    }
    if let Some(meeting) = meeting {
        let name = meeting
            .name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !name.is_empty() {
            out.push_str(" — ");
            out.push_str(&name);
        }
    }
    out
}

/// The adopted text: what `meeting` closed on (the text now for a
/// meeting under way, or without one), with the adopted amendments in an
/// annex.
pub fn adopted(
    src: &Sources,
    meeting: Option<&Meeting>,
    options: &Options,
) -> Result<Paper, HistoryError> {
    let lang = options.lang;
    let w = own(lang);
    let closed = meeting.and_then(|m| m.closed.as_ref());
    let (text, version) = match closed {
        Some(closed) => (
            src.text
                .text_at(&Moment::Checkpoint(closed.result.clone()))?
                .text,
            version_name(src.text, &closed.result),
        ),
        None => (src.text.body(), w.now.to_owned()),
    };
    let adopted: Vec<Entry> = entries(
        src,
        meeting,
        &Options {
            comments: false,
            ..*options
        },
    )
    .into_iter()
    .filter(|e| e.status == Status::Adopted)
    .collect();
    let mut blocks = cover(options.title, w.adopted, meeting, &version, lang);
    blocks.push(Block::PageBreak);
    blocks.push(Block::Heading {
        level: 1,
        text: w.text.to_owned(),
        anchor: Some("texte".into()),
    });
    blocks.push(Block::Clean(text));
    blocks.push(Block::PageBreak);
    blocks.push(Block::Heading {
        level: 1,
        text: w.annex.to_owned(),
        anchor: Some("annexe".into()),
    });
    if adopted.is_empty() {
        blocks.push(Block::Para(vec![Span::Plain(w.none_adopted.to_owned())]));
    } else {
        blocks.push(summary(&adopted, lang));
        blocks.push(Block::Para(vec![Span::Plain(w.legend.to_owned())]));
        blocks.extend(
            adopted
                .iter()
                .enumerate()
                .map(|(at, e)| entry_blocks(e, at, lang)),
        );
    }
    Ok(Paper {
        title: paper_title(w.adopted, options.title, meeting),
        lang: lang.to_owned(),
        blocks,
    })
}

/// The amended text: `meeting`'s base against its result (or the text
/// now, for a meeting under way), what changed struck and underlined.
pub fn amended(
    text: &Document,
    meeting: &Meeting,
    options: &Options,
) -> Result<Paper, HistoryError> {
    let lang = options.lang;
    let w = own(lang);
    let (to, to_name) = match &meeting.closed {
        Some(closed) => (
            Moment::Checkpoint(closed.result.clone()),
            version_name(text, &closed.result),
        ),
        None => (Moment::Now, w.now.to_owned()),
    };
    let from_name = version_name(text, &meeting.base);
    let comparison = text.compare(&Moment::Checkpoint(meeting.base.clone()), &to)?;
    let spans: Vec<Span> = comparison
        .pieces
        .into_iter()
        .map(|piece| match piece.change {
            Change::Same => Span::Plain(piece.text),
            Change::Added => Span::Added(piece.text),
            Change::Removed => Span::Removed(piece.text),
        })
        .collect();
    let mut blocks = cover(options.title, w.amended, Some(meeting), &to_name, lang);
    blocks.push(Block::Para(vec![Span::Plain(
        w.from_to
            .replace("{from}", from_name.trim())
            .replace("{to}", to_name.trim()),
    )]));
    blocks.push(Block::Para(vec![Span::Plain(w.legend.to_owned())]));
    blocks.push(Block::PageBreak);
    blocks.push(Block::Heading {
        level: 1,
        text: w.text.to_owned(),
        anchor: Some("texte".into()),
    });
    blocks.push(Block::Marked {
        spans,
        boxed: false,
    });
    Ok(Paper {
        title: paper_title(w.amended, options.title, Some(meeting)),
        lang: lang.to_owned(),
        blocks,
    })
}

/// Which paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Booklet,
    Adopted,
    Amended,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Booklet, Kind::Adopted, Kind::Amended];

    /// Its short name (`booklet`, `adopted`, `amended`): ids, options.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Booklet => "booklet",
            Kind::Adopted => "adopted",
            Kind::Amended => "amended",
        }
    }
}

/// Why a paper could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaperError {
    #[error("the amended text needs a meeting: it compares its base text with its result")]
    NoMeeting,
    #[error(transparent)]
    History(#[from] HistoryError),
}

/// The paper `kind` (the amended text needs a meeting).
pub fn make(
    kind: Kind,
    src: &Sources,
    meeting: Option<&Meeting>,
    options: &Options,
) -> Result<Paper, PaperError> {
    Ok(match kind {
        Kind::Booklet => booklet(src, meeting, options)?,
        Kind::Adopted => adopted(src, meeting, options)?,
        Kind::Amended => amended(src.text, meeting.ok_or(PaperError::NoMeeting)?, options)?,
    })
}

/// The decision of an entry in words, for the page ("adopté, à
/// l'unanimité").
pub fn decision_words(entry: &Entry, lang: &str) -> String {
    let result = result_words(entry, lang);
    let status = status_words(entry.status, lang);
    if result.is_empty() {
        status.to_owned()
    } else {
        format!("{status}, {result}")
    }
}

#[cfg(test)]
mod tests;

//! "Depuis la dernière séance": what changed since a past meeting, for
//! the members who prepare the next one or missed it. From the meeting's
//! base (the text it started from) or its result (the adopted text) to
//! now:
//!
//! - the text's changes, word by word with who made them
//!   ([`Document::compare`] between the checkpoint and now), and only
//!   the paragraphs they touch, so it fits on a page;
//! - the amendments filed since, decided since (each with its whole
//!   history, the changes since marked by their time), and withdrawn
//!   since (by their author, or in a meeting).
//!
//! "Since" is the moment the chosen checkpoint was made: the meeting's
//! opening for its base, its closing for its result. Times are each
//! author's clock, as everywhere in the history.

use crate::amendments::decisions::{Change as StatusChange, Decisions};
use crate::amendments::export::{citation, lines_words, status_words};
use crate::amendments::{Overview, Row, Status};
use crate::document::Document;
use crate::history::{Change, Comparison, HistoryError, Moment, Piece};

use super::Meeting;

/// From which of the meeting's versions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Since {
    /// The text the meeting started from.
    Base,
    /// The text the meeting adopted (its base while it is under way).
    #[default]
    Result,
}

/// One amendment decided since, with its whole history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decided {
    pub id: String,
    pub history: Vec<StatusChange>,
}

/// What changed since a meeting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    /// The checkpoint compared with now.
    pub checkpoint: String,
    /// Milliseconds since the epoch: what came after counts.
    pub since: i64,
    /// The text from the checkpoint to now.
    pub text: Comparison,
    /// Amendments filed since, in text order, by id.
    pub filed: Vec<String>,
    /// Amendments decided since (withdrawals aside), in the order of
    /// their last decision.
    pub decided: Vec<Decided>,
    /// Amendments withdrawn since, by id.
    pub withdrawn: Vec<String>,
}

impl Review {
    /// Whether anything changed at all.
    pub fn is_empty(&self) -> bool {
        self.text.groups == 0
            && self.filed.is_empty()
            && self.decided.is_empty()
            && self.withdrawn.is_empty()
    }

    /// The changed paragraphs only: each a run of pieces from one blank
    /// line to the next, the kept paragraphs between them left out.
    pub fn changed_paragraphs(&self) -> Vec<Vec<Piece>> {
        paragraphs(&self.text.pieces)
            .into_iter()
            .filter(|paragraph| paragraph.iter().any(|piece| piece.change != Change::Same))
            .collect()
    }
}

/// The pieces cut into paragraphs at blank lines of kept text.
fn paragraphs(pieces: &[Piece]) -> Vec<Vec<Piece>> {
    let mut out: Vec<Vec<Piece>> = vec![Vec::new()];
    for piece in pieces {
        if piece.change != Change::Same || !piece.text.contains("\n\n") {
            if let Some(paragraph) = out.last_mut() {
                paragraph.push(piece.clone());
            }
            continue;
        }
        let parts: Vec<&str> = piece.text.split("\n\n").collect();
        for (at, part) in parts.iter().enumerate() {
            if at > 0 {
                out.push(Vec::new());
            }
            if !part.is_empty() {
                if let Some(paragraph) = out.last_mut() {
                    paragraph.push(Piece {
                        text: (*part).to_owned(),
                        ..piece.clone()
                    });
                }
            }
        }
    }
    out.retain(|paragraph| paragraph.iter().any(|piece| !piece.text.trim().is_empty()));
    out
}

/// When a row was withdrawn, if it was: the keepers' decision saying so,
/// or its author's revision.
fn withdrawn_at(row: &Row, decisions: &Decisions) -> Option<i64> {
    if row.status != Status::Withdrawn {
        return None;
    }
    let decided = decisions
        .get(&row.id)
        .and_then(|d| d.history.last())
        .filter(|change| change.to == Status::Withdrawn)
        .map(|change| change.time);
    Some(decided.unwrap_or(row.edited_at))
}

/// What changed since `meeting` (its base or its result).
pub fn review(
    doc: &Document,
    meeting: &Meeting,
    since: Since,
    overview: &Overview,
    decisions: &Decisions,
) -> Result<Review, HistoryError> {
    let (checkpoint, time) = match (&meeting.closed, since) {
        (Some(closed), Since::Result) => (closed.result.clone(), closed.time),
        _ => (meeting.base.clone(), meeting.opened_at),
    };
    let text = doc.compare(&Moment::Checkpoint(checkpoint.clone()), &Moment::Now)?;
    let filed = overview
        .rows
        .iter()
        .filter(|row| row.filed_at > time)
        .map(|row| row.id.clone())
        .collect();
    let withdrawn = overview
        .rows
        .iter()
        .filter(|row| withdrawn_at(row, decisions).is_some_and(|at| at > time))
        .map(|row| row.id.clone())
        .collect();
    let mut decided: Vec<(i64, Decided)> = overview
        .rows
        .iter()
        .filter(|row| row.status != Status::Withdrawn)
        .filter_map(|row| {
            let history = &decisions.get(&row.id)?.history;
            let last = history.iter().map(|change| change.time).max()?;
            (last > time).then(|| {
                (
                    last,
                    Decided {
                        id: row.id.clone(),
                        history: history.clone(),
                    },
                )
            })
        })
        .collect();
    decided.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    Ok(Review {
        checkpoint,
        since: time,
        text,
        filed,
        decided: decided.into_iter().map(|(_, decided)| decided).collect(),
        withdrawn,
    })
}

struct Words {
    heading: &'static str,
    base: &'static str,
    result: &'static str,
    text: &'static str,
    unchanged: &'static str,
    added: &'static str,
    removed: &'static str,
    filed: &'static str,
    decided: &'static str,
    withdrawn: &'static str,
    none: &'static str,
}

const FR: Words = Words {
    heading: "Depuis la séance",
    base: "depuis le texte de base",
    result: "depuis le texte adopté",
    text: "Le texte",
    unchanged: "Le texte n’a pas changé.",
    added: "mot(s) ajouté(s)",
    removed: "retiré(s)",
    filed: "Amendements déposés",
    decided: "Amendements décidés",
    withdrawn: "Amendements retirés",
    none: "aucun",
};

const EN: Words = Words {
    heading: "Since the meeting",
    base: "since the base text",
    result: "since the adopted text",
    text: "The text",
    unchanged: "The text did not change.",
    added: "word(s) added",
    removed: "removed",
    filed: "Amendments filed",
    decided: "Amendments decided",
    withdrawn: "Amendments withdrawn",
    none: "none",
};

/// The review as a one-page Markdown summary: the changed paragraphs
/// (additions in `**…**`, removals in `~~…~~`), then the amendments.
/// `name` gives a yrs client's name.
pub fn markdown(
    review: &Review,
    meeting: &Meeting,
    since: Since,
    overview: &Overview,
    name: &dyn Fn(u64) -> String,
    lang: &str,
) -> String {
    let w = if lang.starts_with("fr") { &FR } else { &EN };
    let fr = lang.starts_with("fr");
    let quote = |text: &str| -> String {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if fr {
            format!("« {flat} »")
        } else {
            format!("“{flat}”")
        }
    };
    let mut out = format!(
        "# {} {} ({}) — {}\n\n## {}\n\n",
        w.heading,
        quote(&meeting.name),
        meeting.date,
        if since == Since::Base {
            w.base
        } else {
            w.result
        },
        w.text
    );
    let (added, removed) = review.text.words();
    if review.text.groups == 0 {
        out.push_str(w.unchanged);
        out.push('\n');
    } else {
        let who: Vec<String> = review.text.editors().into_iter().map(name).collect();
        out.push_str(&format!(
            "{added} {}, {removed} {} — {}\n",
            w.added,
            w.removed,
            who.join(", ")
        ));
        for paragraph in review.changed_paragraphs() {
            out.push('\n');
            for piece in paragraph {
                let text = piece.text.replace('\n', " ");
                let (open, close) = match piece.change {
                    Change::Same => ("", ""),
                    Change::Added => ("**", "**"),
                    Change::Removed => ("~~", "~~"),
                };
                let trimmed = text.trim();
                if open.is_empty() || trimmed.is_empty() {
                    out.push_str(&text);
                } else {
                    // Emphasis must hug its words.
                    let lead = &text[..text.len() - text.trim_start().len()];
                    let tail = &text[text.trim_end().len()..];
                    out.push_str(&format!("{lead}{open}{trimmed}{close}{tail}"));
                }
            }
            out.push('\n');
        }
    }
    let cite = |id: &str| -> String {
        overview.row(id).map_or_else(
            || id.to_owned(),
            |row| {
                let lines = row.lines.unwrap_or(row.filed_lines);
                format!(
                    "{}, {} — {} — {}",
                    citation(row, lang),
                    lines_words(lines),
                    row.author_name,
                    status_words(row.status, lang)
                )
            },
        )
    };
    let list = |out: &mut String, heading: &str, ids: &mut dyn Iterator<Item = &str>| {
        out.push_str(&format!("\n## {heading}\n\n"));
        let mut any = false;
        for id in ids {
            any = true;
            out.push_str(&format!("- {}\n", cite(id)));
        }
        if !any {
            out.push_str(&format!("{}\n", w.none));
        }
    };
    list(
        &mut out,
        w.filed,
        &mut review.filed.iter().map(String::as_str),
    );
    list(
        &mut out,
        w.decided,
        &mut review.decided.iter().map(|d| d.id.as_str()),
    );
    list(
        &mut out,
        w.withdrawn,
        &mut review.withdrawn.iter().map(String::as_str),
    );
    out
}

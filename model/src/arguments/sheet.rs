//! The talking-points sheet (l'argumentaire): from a question (or a tag),
//! the key message, the strongest arguments, and "Ils disent… / Nous
//! répondons…" pairs from the objections and their answers, with the
//! sources as numbered footnotes. [`select`] picks; the person may choose
//! other claims and another order ([`Choice`]); the paper (print, HTML,
//! Markdown, ODT) is written from the [`Sheet`] the same way as the
//! amendment booklet ([`crate::meeting::paper`]).
//!
//! What is a candidate, for a claim at the top (or any claim `R`):
//!
//! - an **argument**: a claim directly under `R`, for it;
//! - a **pair**: a claim under `R`, at any depth, on the side against `R`
//!   ("ils disent"), with its best-ranked answer (a claim under it,
//!   against it: "nous répondons"). An objection nobody answered yet is
//!   listed in [`Candidates::unanswered`], never printed.
//!
//! For a tag: the tagged claims on the side of their branch's top are
//! arguments, the tagged ones against it with an answer are pairs.
//! Candidates are ranked ([`super::rank`]); by default the sheet takes the
//! first [`ARGUMENTS`] arguments and [`PAIRS`] pairs.

use std::collections::HashSet;

use super::rank::{ranked, Standings};
use super::{ArgMap, Role, Source, Stance};

/// Arguments a sheet takes by default: the three strongest.
pub const ARGUMENTS: usize = 3;
/// "Ils disent / Nous répondons" pairs taken by default: a two-page sheet.
pub const PAIRS: usize = 4;

/// What the sheet is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A claim, usually a question or thesis at the top.
    Claim(String),
    /// Every claim carrying this tag.
    Tag(String),
}

/// What the person chose, over the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choice {
    /// The arguments, in this order (visible claims only are kept).
    pub arguments: Option<Vec<String>>,
    /// The pairs, objection then answer, in this order.
    pub pairs: Option<Vec<(String, String)>>,
    /// The key message in the person's words (else the subject's
    /// statement).
    pub key_message: Option<String>,
}

/// A claim on the sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    pub id: String,
    pub text: String,
    /// Its explanation, Markdown.
    pub note: String,
    /// Its sources' footnote numbers (1-based, into [`Sheet::sources`]).
    pub notes: Vec<usize>,
}

/// "Ils disent… / Nous répondons…".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub they: Point,
    pub we: Point,
}

/// What could go on the sheet, ranked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidates {
    pub arguments: Vec<String>,
    /// Each objection with its best answer.
    pub pairs: Vec<(String, String)>,
    /// Objections with no answer yet.
    pub unanswered: Vec<String>,
}

/// A talking-points sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    /// The subject: the claim's statement, or the tag.
    pub subject: String,
    pub key_message: String,
    pub arguments: Vec<Point>,
    pub pairs: Vec<Pair>,
    /// The footnotes, numbered from 1 in order of first use.
    pub sources: Vec<Source>,
    pub candidates: Candidates,
}

/// What could go on a sheet about `subject`, ranked.
pub fn candidates(map: &ArgMap, standings: &Standings, subject: &Subject) -> Candidates {
    let mut arguments = Vec::new();
    let mut against = Vec::new();
    match subject {
        Subject::Claim(root) => {
            let root = map.resolve(root);
            if !map.is_visible(root) {
                return Candidates::default();
            }
            for child in map.children(root) {
                if map.claim(child).is_some_and(|c| c.stance == Stance::Pro) {
                    arguments.push(child.clone());
                }
            }
            let mut stack: Vec<&str> = map.children(root).iter().map(String::as_str).collect();
            let base = map.side(root);
            while let Some(id) = stack.pop() {
                if map.side(id) != base {
                    against.push(id.to_owned());
                }
                stack.extend(map.children(id).iter().map(String::as_str));
            }
        }
        Subject::Tag(tag) => {
            for (id, depth) in map.walk() {
                let Some(claim) = map.claim(id) else { continue };
                if depth == 0 || !claim.tags.iter().any(|t| t == tag) {
                    continue;
                }
                match map.side(id) {
                    Stance::Pro if matches!(map.role(id), Role::Pro | Role::Support) => {
                        arguments.push(id.to_owned())
                    }
                    Stance::Con => against.push(id.to_owned()),
                    Stance::Pro => {}
                }
            }
        }
    }
    // Against claims in the map's order before ranking, so equal ones
    // keep it.
    let order: std::collections::HashMap<&str, usize> = map
        .walk()
        .into_iter()
        .enumerate()
        .map(|(at, (id, _))| (id, at))
        .collect();
    against.sort_by_key(|id| order.get(id.as_str()).copied().unwrap_or(usize::MAX));
    let mut pairs = Vec::new();
    let mut unanswered = Vec::new();
    for they in ranked(map, standings, &against) {
        let answers: Vec<&String> = map
            .children(&they)
            .iter()
            .filter(|c| map.claim(c).is_some_and(|c| c.stance == Stance::Con))
            .collect();
        match ranked(map, standings, &answers).into_iter().next() {
            Some(we) => pairs.push((they, we)),
            None => unanswered.push(they),
        }
    }
    Candidates {
        arguments: ranked(map, standings, &arguments),
        pairs,
        unanswered,
    }
}

/// The sheet about `subject`, as chosen; `None` when the subject is not
/// in the map (a claim deleted, a tag nobody uses).
pub fn select(
    map: &ArgMap,
    standings: &Standings,
    subject: &Subject,
    choice: &Choice,
) -> Option<Sheet> {
    let candidates = candidates(map, standings, subject);
    let (subject_text, default_key) = match subject {
        Subject::Claim(root) => {
            let root = map.resolve(root);
            let claim = map.claim(root).filter(|_| map.is_visible(root))?;
            (claim.text.clone(), claim.text.clone())
        }
        Subject::Tag(tag) => {
            if !map.tags().contains_key(tag) {
                return None;
            }
            // The branch most of the sheet's arguments come from.
            let key = candidates
                .arguments
                .first()
                .or(candidates.pairs.first().map(|(they, _)| they))
                .and_then(|id| map.claim(map.root_of(id)))
                .map(|c| c.text.clone())
                .unwrap_or_else(|| format!("#{tag}"));
            (format!("#{tag}"), key)
        }
    };
    let visible = |id: &String| map.is_visible(map.resolve(id));
    let argument_ids: Vec<String> = match &choice.arguments {
        Some(ids) => dedupe(
            ids.iter()
                .filter(|id| visible(id))
                .map(|id| map.resolve(id).to_owned()),
        ),
        None => candidates
            .arguments
            .iter()
            .take(ARGUMENTS)
            .cloned()
            .collect(),
    };
    let pair_ids: Vec<(String, String)> = match &choice.pairs {
        Some(pairs) => pairs
            .iter()
            .filter(|(they, we)| visible(they) && visible(we))
            .map(|(they, we)| (map.resolve(they).to_owned(), map.resolve(we).to_owned()))
            .collect(),
        None => candidates.pairs.iter().take(PAIRS).cloned().collect(),
    };
    let mut sources: Vec<Source> = Vec::new();
    let mut point = |id: &str| -> Option<Point> {
        let claim = map.claim(id)?;
        let notes = claim
            .sources
            .iter()
            .map(|source| match sources.iter().position(|s| s == source) {
                Some(at) => at + 1,
                None => {
                    sources.push(source.clone());
                    sources.len()
                }
            })
            .collect();
        Some(Point {
            id: id.to_owned(),
            text: claim.text.clone(),
            note: claim.note.clone(),
            notes,
        })
    };
    let arguments: Vec<Point> = argument_ids.iter().filter_map(|id| point(id)).collect();
    let pairs: Vec<Pair> = pair_ids
        .iter()
        .filter_map(|(they, we)| {
            Some(Pair {
                they: point(they)?,
                we: point(we)?,
            })
        })
        .collect();
    let key_message = choice
        .key_message
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map_or(default_key, str::to_owned);
    Some(Sheet {
        subject: subject_text,
        key_message,
        arguments,
        pairs,
        sources,
        candidates,
    })
}

fn dedupe(ids: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.filter(|id| seen.insert(id.clone())).collect()
}

//! Arguments inside texts: a text quotes a claim of an argument map.
//!
//! The quote is the claim's wording put in the body as a Markdown quote
//! (`> wording`), and a citation in the text room's
//! [`crate::schema::CITATIONS`]: which map (its view link), which claim,
//! the wording as quoted, and sticky indices around the quoted words. The
//! body holds no link: a text printed for the public must not carry the
//! map's key; the citation, inside the encrypted document, does, so the
//! text's readers can open the map (read-only) from the list of arguments
//! the text uses.
//!
//! When the claim is reworded in the map, the page compares ([`status`])
//! and offers to update the quote; updating replaces the quoted words and
//! records the new wording in one edit. Never silently: the text is the
//! group's, the map may have moved on for reasons the text does not share.

use std::collections::HashMap;

use yrs::{Any, Map, Out, Text, Transact};

use super::ArgMap;
use crate::document::Document;
use crate::edit::utf16_len;
use crate::schema::citation as key;

/// One quote of a claim in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    pub id: String,
    /// The map's view link fragment (`v=…`, without `#`).
    pub map: String,
    pub map_title: String,
    pub claim: String,
    /// The claim's statement as quoted.
    pub wording: String,
    /// Where the quoted words are now (UTF-16), `None` when they were
    /// deleted from the text.
    pub range: Option<(u32, u32)>,
    pub name: String,
    pub time: i64,
}

/// What a person asks to quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    pub map: String,
    pub map_title: String,
    pub claim: String,
    pub wording: String,
}

/// A quote made: the citation's id, the update to send, where the quoted
/// words are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cited {
    pub id: String,
    pub update: Vec<u8>,
    pub range: (u32, u32),
}

/// A quote compared with the map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// The map says what the text quotes.
    Current,
    /// The claim was reworded: its wording now.
    Changed(String),
    /// The claim is no longer in the map (deleted, or merged into one
    /// that says something else: then `Changed`).
    Gone,
}

/// How the quote `citation` stands against `map` (the cited map, as this
/// browser has it).
pub fn status(citation: &Citation, map: &ArgMap) -> Standing {
    let id = map.resolve(&citation.claim);
    match map.claim(id).filter(|_| map.is_visible(id)) {
        None => Standing::Gone,
        Some(claim) if claim.text == citation.wording => Standing::Current,
        Some(claim) => Standing::Changed(claim.text.clone()),
    }
}

/// Why a quote could not be made or updated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CiteError {
    #[error("no such quote")]
    NotFound,
    #[error("the quoted words are no longer in the text")]
    Gone,
    #[error("the place is not in the text")]
    OutOfRange,
    #[error("nothing to quote")]
    Empty,
}

fn string_of(fields: &HashMap<String, Any>, name: &str) -> String {
    match fields.get(name) {
        Some(Any::String(s)) => s.to_string(),
        _ => String::new(),
    }
}

fn buffer_of(fields: &HashMap<String, Any>, name: &str) -> Option<Vec<u8>> {
    match fields.get(name) {
        Some(Any::Buffer(bytes)) => Some(bytes.to_vec()),
        _ => None,
    }
}

impl Document {
    /// The quotes of claims in this text, in the order they stand in it
    /// (those whose words were deleted last).
    pub fn citations(&self) -> Vec<Citation> {
        let entries: Vec<(String, HashMap<String, Any>)> = {
            let txn = self.doc.transact();
            self.citations
                .iter(&txn)
                .filter_map(|(id, value)| match value {
                    Out::Any(Any::Map(fields)) => Some((id.to_owned(), (*fields).clone())),
                    _ => None,
                })
                .collect()
        };
        let mut out: Vec<Citation> = entries
            .into_iter()
            .filter_map(|(id, fields)| {
                let claim = string_of(&fields, key::CLAIM);
                if claim.is_empty() {
                    return None;
                }
                let range = match (buffer_of(&fields, key::START), buffer_of(&fields, key::END)) {
                    (Some(start), Some(end)) => self.unstick(&start, &end),
                    _ => None,
                }
                .filter(|(start, end)| start < end);
                Some(Citation {
                    id,
                    map: string_of(&fields, key::MAP),
                    map_title: string_of(&fields, key::MAP_TITLE),
                    claim,
                    wording: string_of(&fields, key::WORDING),
                    range,
                    name: string_of(&fields, key::NAME),
                    time: match fields.get(key::TIME) {
                        Some(Any::Number(yrs::Number::Int(n))) => *n,
                        Some(Any::Number(yrs::Number::Float(f))) if f.is_finite() => *f as i64,
                        _ => 0,
                    },
                })
            })
            .collect();
        out.sort_by_key(|c| (c.range.map_or(u32::MAX, |r| r.0), c.id.clone()));
        out
    }

    /// Quote `quote` in the body at `at` (UTF-16): the wording as a
    /// Markdown quote on its own paragraph, and its citation. The new
    /// citation's id, the update, and the quoted words' range.
    pub fn cite(&self, at: u32, quote: &Quote, who: &str, time: i64) -> Result<Cited, CiteError> {
        let wording = quote.wording.trim();
        if wording.is_empty() || quote.claim.is_empty() {
            return Err(CiteError::Empty);
        }
        let body = self.body();
        let len = utf16_len(&body);
        if at > len {
            return Err(CiteError::OutOfRange);
        }
        // On a paragraph of its own: blank lines before and after unless
        // the text already has them there.
        let head: Vec<u16> = body.encode_utf16().take(at as usize).collect();
        let head = String::from_utf16_lossy(&head);
        let tail: Vec<u16> = body.encode_utf16().skip(at as usize).collect();
        let tail = String::from_utf16_lossy(&tail);
        let lead = if head.is_empty() || head.ends_with("\n\n") {
            ""
        } else if head.ends_with('\n') {
            "\n"
        } else {
            "\n\n"
        };
        let trail = if tail.starts_with("\n\n") {
            ""
        } else if tail.starts_with('\n') || tail.is_empty() {
            "\n"
        } else {
            "\n\n"
        };
        let opening = format!("{lead}> ");
        let inserted = format!("{opening}{wording}{trail}");
        let start = at + utf16_len(&opening);
        let end = start + utf16_len(wording);
        let id = format!("{}-{}", self.client_id(), self.own_clock());
        let mut txn = self.doc.transact_mut_with(super::ORIGIN);
        self.body.insert(&mut txn, at, &inserted);
        let (anchor, head) = stick_in(&self.body, &txn, start, end).ok_or(CiteError::OutOfRange)?;
        let fields: HashMap<String, Any> = [
            (key::MAP, Any::from(quote.map.as_str())),
            (key::MAP_TITLE, Any::from(quote.map_title.as_str())),
            (key::CLAIM, Any::from(quote.claim.as_str())),
            (key::WORDING, Any::from(wording)),
            (key::START, Any::from(anchor)),
            (key::END, Any::from(head)),
            (key::NAME, Any::from(who)),
            (key::TIME, Any::from(time)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        self.citations
            .insert(&mut txn, id.as_str(), Any::from(fields));
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(Cited {
            id,
            update: self.made(update),
            range: (start, end),
        })
    }

    /// Replace the quoted words of `id` by `wording` (the claim's new
    /// statement) and record it. The update.
    pub fn update_citation(
        &self,
        id: &str,
        wording: &str,
        who: &str,
        time: i64,
    ) -> Result<Vec<u8>, CiteError> {
        let wording = wording.trim();
        if wording.is_empty() {
            return Err(CiteError::Empty);
        }
        let citation = self
            .citations()
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(CiteError::NotFound)?;
        let (start, end) = citation.range.ok_or(CiteError::Gone)?;
        let fields = {
            let txn = self.doc.transact();
            match self.citations.get(&txn, id) {
                Some(Out::Any(Any::Map(fields))) => (*fields).clone(),
                _ => return Err(CiteError::NotFound),
            }
        };
        let mut txn = self.doc.transact_mut_with(super::ORIGIN);
        // The new words go in after the old ones, then the old ones go:
        // the sticky start (which sticks to the first old character)
        // would otherwise follow the deleted text.
        self.body.insert(&mut txn, end, wording);
        self.body.remove_range(&mut txn, start, end - start);
        let new_end = start + utf16_len(wording);
        let (anchor, head) = stick_in(&self.body, &txn, start, new_end).ok_or(CiteError::Gone)?;
        let mut fields = fields;
        fields.insert(key::WORDING.to_owned(), Any::from(wording));
        fields.insert(key::START.to_owned(), Any::from(anchor));
        fields.insert(key::END.to_owned(), Any::from(head));
        fields.insert(key::NAME.to_owned(), Any::from(who));
        fields.insert(key::TIME.to_owned(), Any::from(time));
        self.citations.insert(&mut txn, id, Any::from(fields));
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }
}

/// [`Document::stick`] inside a transaction: the quoted words' start
/// sticks to their first character, their end to their last, so words
/// typed right before or after the quote stay out of it.
fn stick_in(
    body: &yrs::TextRef,
    txn: &yrs::TransactionMut,
    start: u32,
    end: u32,
) -> Option<(Vec<u8>, Vec<u8>)> {
    use yrs::updates::encoder::Encode;
    use yrs::{Assoc, IndexedSequence};
    let anchor = body.sticky_index(txn, start, Assoc::After)?;
    let head = body
        .sticky_index(txn, end, Assoc::Before)
        .or_else(|| body.sticky_index(txn, end, Assoc::After))?;
    Some((anchor.encode_v1(), head.encode_v1()))
}

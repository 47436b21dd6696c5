//! Full-text search over the documents this browser has opened, locally:
//! the text never leaves the browser, and the relay holds nothing it could
//! search. Each document is folded once when it is indexed (lower case,
//! accents off: [`crate::amendments::select::fold`]) and a query is a
//! substring scan of the folded texts, every word of it in one document.
//! A scan of 200 documents of 20,000 characters is a few megabytes of
//! `memchr`-driven search: no inverted index to build, store or keep up
//! to date as documents change, and a document re-indexed after an edit
//! costs one fold (BENCHMARKS.md, "Workspaces").
//!
//! To show a snippet the folded offset is mapped back to the original
//! text through checkpoints taken every [`STRIDE`] characters while
//! folding.

use std::collections::HashMap;

use crate::amendments::select::{fold, fold_into};

/// Characters between two checkpoints of the folded → original map.
pub const STRIDE: usize = 64;
/// Characters of context each side of a snippet's match.
pub const CONTEXT: usize = 60;
/// Hits returned at most.
pub const MAX_HITS: usize = 100;

struct Indexed {
    title: String,
    original: String,
    folded: String,
    /// (byte in `folded`, byte in `original`) every [`STRIDE`] characters.
    marks: Vec<(usize, usize)>,
}

/// The documents indexed, by room.
#[derive(Default)]
pub struct FullText {
    docs: HashMap<String, Indexed>,
}

/// A document that holds every word of a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub room: String,
    pub title: String,
    /// How many times the query's words occur in it, in all.
    pub count: usize,
    /// Words around the first match, from the original text.
    pub snippet: String,
    /// The first match within `snippet`, in bytes: to mark it.
    pub mark: (usize, usize),
}

impl FullText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Index (or index again) a document's title and text.
    pub fn insert(&mut self, room: &str, title: &str, text: &str) {
        let mut folded = String::with_capacity(text.len());
        let mut marks = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut start = 0;
        for (count, (at, _)) in text.char_indices().enumerate() {
            if count % STRIDE == 0 {
                if at > start {
                    fold_into(&text[start..at], &mut folded);
                }
                start = at;
                marks.push((folded.len(), at));
            }
        }
        fold_into(&text[start..], &mut folded);
        self.docs.insert(
            room.to_owned(),
            Indexed {
                title: title.to_owned(),
                original: text.to_owned(),
                folded,
                marks,
            },
        );
    }

    pub fn remove(&mut self, room: &str) {
        self.docs.remove(room);
    }

    pub fn contains(&self, room: &str) -> bool {
        self.docs.contains_key(room)
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The documents holding every word of `query` (in their text or
    /// title), most matches first, then by title; at most [`MAX_HITS`].
    pub fn query(&self, query: &str) -> Vec<Hit> {
        let query = fold(query);
        let words: Vec<&str> = query.split_whitespace().collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<(&String, &Indexed, usize, Option<(usize, usize)>)> = Vec::new();
        for (room, doc) in &self.docs {
            let title = fold(&doc.title);
            let mut count = 0;
            let mut first: Option<(usize, usize)> = None;
            let mut all = true;
            for word in &words {
                let in_text = doc.folded.match_indices(word).count();
                if in_text == 0 && !title.contains(word) {
                    all = false;
                    break;
                }
                count += in_text;
                if first.is_none() {
                    first = doc.folded.find(word).map(|at| (at, word.len()));
                }
            }
            if all {
                found.push((room, doc, count, first));
            }
        }
        found.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.title.cmp(&b.1.title)).then(a.0.cmp(b.0)));
        found
            .into_iter()
            .take(MAX_HITS)
            .map(|(room, doc, count, first)| {
                let (snippet, mark) = match first {
                    Some((at, len)) => doc.snippet(at, len),
                    None => (doc.original.chars().take(2 * CONTEXT).collect(), (0, 0)),
                };
                Hit {
                    room: room.clone(),
                    title: doc.title.clone(),
                    count,
                    snippet,
                    mark,
                }
            })
            .collect()
    }
}

impl Indexed {
    /// The original byte offset of the folded byte offset `at` (or the
    /// nearest character boundary after it).
    fn original_at(&self, at: usize) -> usize {
        let mark = match self.marks.binary_search_by(|(folded, _)| folded.cmp(&at)) {
            Ok(i) => return self.marks[i].1,
            Err(0) => (0, 0),
            Err(i) => self.marks[i - 1],
        };
        let (mut folded, original) = mark;
        let mut one = String::new();
        for (offset, c) in self.original[original..].char_indices() {
            if folded >= at {
                return original + offset;
            }
            one.clear();
            fold_into(c.encode_utf8(&mut [0; 4]), &mut one);
            folded += one.len();
        }
        self.original.len()
    }

    fn snippet(&self, at: usize, len: usize) -> (String, (usize, usize)) {
        let start = self.original_at(at);
        let end = self.original_at(at + len).max(start);
        let before: String = {
            let mut chars: Vec<char> = self.original[..start].chars().rev().take(CONTEXT).collect();
            chars.reverse();
            chars.into_iter().collect()
        };
        let after: String = self.original[end..].chars().take(CONTEXT).collect();
        let matched = &self.original[start..end];
        let clean = |s: &str| s.replace(['\n', '\r', '\t'], " ");
        let (before, matched, after) = (clean(&before), clean(matched), clean(&after));
        let lead = if start > before.len() { "…" } else { "" };
        let trail = if end + after.len() < self.original.len() { "…" } else { "" };
        let mark_start = lead.len() + before.len();
        let snippet = format!("{lead}{before}{matched}{after}{trail}");
        (snippet, (mark_start, mark_start + matched.len()))
    }
}

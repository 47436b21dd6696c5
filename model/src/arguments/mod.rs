//! Argument maps (DESIGN.md, "Document model": arguments): claims in a
//! tree, a question or thesis at the top, arguments for and against
//! under it, objections and answers under those, any depth.
//!
//! A map is a document of kind [`crate::DocKind::Arguments`]. Its text
//! room holds two roots:
//!
//! - [`crate::schema::CLAIMS`]: each claim's words and facts, a nested
//!   Yrs Map per claim, its statement and explanation nested Yrs Texts (so
//!   two people rewording a claim at once merge like in a text);
//! - [`crate::schema::MOVES`]: where each claim stands, events appended
//!   (a claim's creation places it, a move places it again), read in
//!   array order.
//!
//! **No cycles, even when two people move at once.** The tree is the fold
//! of the placements in array order (the order every copy agrees on once
//! merged). A placement counts unless it would put a claim under itself
//! or under one of its own descendants *in the tree folded so far*: then
//! it is refused, and [`ArgMap::refused`] says so. Alice moving A under B
//! while Bob moves B under A both hold in their own copies; merged, the
//! one earlier in the array holds and the other is refused, in every
//! copy. The same rule holds a placement under a claim that does not
//! exist. A final walk from the top places anything left unreachable
//! (which the rule already prevents; duplicates resolved through merges
//! could otherwise make a loop) at the top, and reports it.
//!
//! **Duplicates.** Merging B into A marks B `duplicate_of` A: B leaves the
//! tree, what was under B shows under A (also what someone adds under B
//! later, offline), its endorsements count for A ([`rank`]).
//!
//! **Deleting** hides a claim and what is under it; restoring brings them
//! back where they were.
//!
//! Endorsements ("j'utilise cet argument") and strength votes are signed
//! records in the document's amendment room, like an amendment's supports
//! ([`crate::amendments::book::Book::endorse`]): every member link writes
//! them under its identity key. [`rank`] orders claims by them; [`sheet`]
//! picks what goes on a talking-points sheet.

pub mod argdown;
pub mod cite;
pub mod generate;
pub mod order;
pub mod paper;
pub mod rank;
pub mod sheet;

use std::collections::{BTreeMap, HashMap, HashSet};

use yrs::types::ToJson;
use yrs::{Any, Array, GetString, Map, MapPrelim, MapRef, Number, Out, Text, TextPrelim, Transact};

use crate::document::Document;
use crate::edit::diff;
use crate::schema::claim as key;
use crate::schema::placement as at;

/// The origin of the transactions made here.
pub const ORIGIN: &str = "cahier/arguments";
/// The longest statement, in characters: a claim is a sentence or two.
pub const MAX_TEXT: usize = 2_000;
/// The longest explanation, in characters.
pub const MAX_NOTE: usize = 20_000;
/// Claims per update when adding a whole tree ([`Document::add_tree`]):
/// 100 claims of a long statement, explanation and sources stay well
/// under the relay's 256 KiB per update.
pub const TREE_CHUNK: usize = 100;
/// Tags and sources per claim, at most; past it they are cut.
pub const MAX_TAGS: usize = 32;
pub const MAX_SOURCES: usize = 32;

/// What a claim at the top of a map is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum TopKind {
    /// A question put to the group ("Faut-il …?").
    #[default]
    Question,
    /// A thesis the group defends.
    Thesis,
}

impl TopKind {
    pub const fn name(self) -> &'static str {
        match self {
            TopKind::Question => "question",
            TopKind::Thesis => "thesis",
        }
    }
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "question" => Some(TopKind::Question),
            "thesis" => Some(TopKind::Thesis),
            _ => None,
        }
    }
}

/// A claim's relation to its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Stance {
    /// For its parent: supports it.
    #[default]
    Pro,
    /// Against its parent: attacks it.
    Con,
}

impl Stance {
    pub const fn name(self) -> &'static str {
        match self {
            Stance::Pro => "pro",
            Stance::Con => "con",
        }
    }
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "pro" => Some(Stance::Pro),
            "con" => Some(Stance::Con),
            _ => None,
        }
    }
    /// The stance of a claim `self` toward its parent, seen from the
    /// parent's own side: for the side of a pro, against for a con.
    pub const fn then(self, next: Stance) -> Stance {
        match (self, next) {
            (Stance::Pro, s) => s,
            (Stance::Con, Stance::Pro) => Stance::Con,
            (Stance::Con, Stance::Con) => Stance::Pro,
        }
    }
}

/// What a claim is in its map, from where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Question,
    Thesis,
    /// Directly under the top, for it.
    Pro,
    /// Directly under the top, against it.
    Con,
    /// Deeper, against a claim on the top's side ("ils disent").
    Objection,
    /// Deeper, against a claim against the top ("nous répondons").
    Answer,
    /// Deeper, for its parent.
    Support,
}

impl Role {
    pub const fn name(self) -> &'static str {
        match self {
            Role::Question => "question",
            Role::Thesis => "thesis",
            Role::Pro => "pro",
            Role::Con => "con",
            Role::Objection => "objection",
            Role::Answer => "answer",
            Role::Support => "support",
        }
    }
}

/// A source a claim rests on.
#[derive(Clone, Debug, PartialEq, Eq, Default, Hash)]
pub struct Source {
    pub url: String,
    pub title: String,
    pub quote: String,
    pub date: String,
}

impl Source {
    pub fn is_empty(&self) -> bool {
        self.url.trim().is_empty()
            && self.title.trim().is_empty()
            && self.quote.trim().is_empty()
            && self.date.trim().is_empty()
    }
}

/// One claim as the document has it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Claim {
    pub id: String,
    /// The statement.
    pub text: String,
    /// The longer explanation, Markdown.
    pub note: String,
    /// What it is when at the top.
    pub kind: TopKind,
    /// For or against its parent.
    pub stance: Stance,
    pub tags: Vec<String>,
    pub sources: Vec<Source>,
    /// Who wrote it first, and when.
    pub author: String,
    pub client: u64,
    pub created: i64,
    /// Who changed it last, and when (the author and creation time when
    /// nobody did).
    pub edited_by: String,
    pub edited: i64,
    pub duplicate_of: Option<String>,
    pub deleted: bool,
}

/// What a person writes when adding or changing a claim; `None` fields
/// are left as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimEdit {
    pub text: Option<String>,
    pub note: Option<String>,
    pub kind: Option<TopKind>,
    pub stance: Option<Stance>,
    pub tags: Option<Vec<String>>,
    pub sources: Option<Vec<Source>>,
}

/// A placement that did not count, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub claim: String,
    /// Where it was to go (`None`: the top).
    pub parent: Option<String>,
    pub why: RefusedWhy,
    /// Who placed it, when.
    pub client: u64,
    pub time: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusedWhy {
    /// Under itself or one of its descendants: someone else had moved it
    /// there first.
    Cycle,
    /// Under a claim this document does not have.
    NoParent,
    /// Reached from nowhere (a loop through merged duplicates): shown at
    /// the top instead.
    Unreachable,
}

/// Why an operation on the map was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArgError {
    #[error("this link does not allow it")]
    NotAllowed,
    #[error("no such claim")]
    NotFound,
    #[error("a claim cannot go under itself or under what is under it")]
    Cycle,
    #[error("a claim needs a statement")]
    Empty,
    #[error("the statement is too long")]
    TooLong,
    #[error("a claim cannot be merged into itself or into what is under it")]
    BadMerge,
}

/// The map, folded: the claims and the tree they stand in.
#[derive(Clone, Debug, Default)]
pub struct ArgMap {
    claims: HashMap<String, Claim>,
    /// Visible claims only: the effective parent.
    parent: HashMap<String, Option<String>>,
    /// Visible claims only: each claim's children in order; the top under
    /// "".
    children: HashMap<String, Vec<String>>,
    /// Each visible claim's order key.
    orders: HashMap<String, String>,
    /// The placements that did not count, in array order.
    pub refused: Vec<Refused>,
    /// Each claim with the duplicates merged into it.
    merged: HashMap<String, Vec<String>>,
}

const TOP: &str = "";

impl ArgMap {
    /// The claims at the top, in order.
    pub fn roots(&self) -> &[String] {
        self.children(TOP)
    }

    /// The children of `id` in order (of the top for `""`).
    pub fn children(&self, id: &str) -> &[String] {
        self.children.get(id).map_or(&[], Vec::as_slice)
    }

    /// A claim, visible or not (merged, deleted).
    pub fn claim(&self, id: &str) -> Option<&Claim> {
        self.claims.get(id)
    }

    /// The claim `id` shows as: itself, or what it was merged into (at
    /// the end of a chain of merges; in a loop of merges, the smallest id
    /// of the loop stands).
    pub fn resolve<'a>(&'a self, id: &'a str) -> &'a str {
        let mut path: Vec<&str> = vec![id];
        let mut at = id;
        while let Some(next) = self
            .claims
            .get(at)
            .and_then(|claim| claim.duplicate_of.as_deref())
            .filter(|next| self.claims.contains_key(*next))
        {
            if let Some(start) = path.iter().position(|p| *p == next) {
                return path[start..].iter().min().copied().unwrap_or(at);
            }
            path.push(next);
            at = next;
        }
        at
    }

    /// Shown in the tree (not deleted, not merged, under nothing hidden).
    pub fn is_visible(&self, id: &str) -> bool {
        self.parent.contains_key(id)
    }

    /// Every claim shown, in the tree's order (depth first), with its
    /// depth (0 at the top).
    pub fn walk(&self) -> Vec<(&str, usize)> {
        let mut out = Vec::with_capacity(self.parent.len());
        let mut stack: Vec<(&str, usize)> = self
            .roots()
            .iter()
            .rev()
            .map(|id| (id.as_str(), 0))
            .collect();
        while let Some((id, depth)) = stack.pop() {
            out.push((id, depth));
            stack.extend(
                self.children(id)
                    .iter()
                    .rev()
                    .map(|child| (child.as_str(), depth + 1)),
            );
        }
        out
    }

    /// How many claims are shown.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }

    /// The parent of a shown claim (`None` at the top, or not shown).
    pub fn parent(&self, id: &str) -> Option<&str> {
        self.parent.get(id).and_then(|p| p.as_deref())
    }

    /// From `id`'s parent up to the top.
    pub fn ancestors(&self, id: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut at = self.parent(id);
        while let Some(p) = at {
            if out.contains(&p) || out.len() > self.parent.len() {
                break;
            }
            out.push(p);
            at = self.parent(p);
        }
        out
    }

    /// The claim at the top of `id`'s branch.
    pub fn root_of<'a>(&'a self, id: &'a str) -> &'a str {
        self.ancestors(id).last().copied().unwrap_or(id)
    }

    pub fn depth(&self, id: &str) -> usize {
        self.ancestors(id).len()
    }

    /// Whether `id` is `ancestor` or under it.
    pub fn is_under(&self, id: &str, ancestor: &str) -> bool {
        id == ancestor || self.ancestors(id).contains(&ancestor)
    }

    /// How many claims are under `id`, at any depth.
    pub fn descendants(&self, id: &str) -> usize {
        let mut count = 0;
        let mut stack = vec![id];
        while let Some(at) = stack.pop() {
            for child in self.children(at) {
                count += 1;
                stack.push(child);
            }
        }
        count
    }

    /// The side a shown claim is on, seen from the top of its branch: for
    /// the top (`Pro`) or against it (`Con`). The top is `Pro`.
    pub fn side(&self, id: &str) -> Stance {
        let mut side = Stance::Pro;
        let mut at = id;
        let mut steps = 0;
        while let Some(parent) = self.parent(at) {
            if let Some(claim) = self.claims.get(at) {
                side = claim.stance.then(side);
            }
            at = parent;
            steps += 1;
            if steps > self.parent.len() {
                break;
            }
        }
        side
    }

    /// What a shown claim is, from where it stands.
    pub fn role(&self, id: &str) -> Role {
        let Some(claim) = self.claims.get(id) else {
            return Role::Support;
        };
        let Some(parent) = self.parent(id) else {
            return match claim.kind {
                TopKind::Question => Role::Question,
                TopKind::Thesis => Role::Thesis,
            };
        };
        if self.parent(parent).is_none() {
            return match claim.stance {
                Stance::Pro => Role::Pro,
                Stance::Con => Role::Con,
            };
        }
        match (claim.stance, self.side(parent)) {
            (Stance::Pro, _) => Role::Support,
            (Stance::Con, Stance::Pro) => Role::Objection,
            (Stance::Con, Stance::Con) => Role::Answer,
        }
    }

    /// The shown children of `id` for it, and against it, in order.
    pub fn pros_and_cons(&self, id: &str) -> (Vec<&Claim>, Vec<&Claim>) {
        let mut pros = Vec::new();
        let mut cons = Vec::new();
        for child in self.children(id) {
            if let Some(claim) = self.claims.get(child) {
                match claim.stance {
                    Stance::Pro => pros.push(claim),
                    Stance::Con => cons.push(claim),
                }
            }
        }
        (pros, cons)
    }

    /// The duplicates merged into `id`.
    pub fn merged_into(&self, id: &str) -> &[String] {
        self.merged.get(id).map_or(&[], Vec::as_slice)
    }

    /// Deleted claims whose parent is still shown (what can be restored),
    /// newest first.
    pub fn deleted(&self) -> Vec<&Claim> {
        let mut out: Vec<&Claim> = self.claims.values().filter(|c| c.deleted).collect();
        out.sort_by(|a, b| (b.edited, &b.id).cmp(&(a.edited, &a.id)));
        out
    }

    /// Every tag of the shown claims, with how many carry it.
    pub fn tags(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for id in self.parent.keys() {
            for tag in &self.claims[id].tags {
                *out.entry(tag.clone()).or_insert(0) += 1;
            }
        }
        out
    }

    /// The shown claims that match `query` (words of the statement,
    /// explanation or tags, accents and case ignored; every word must
    /// match) and carry `tag` if given: the matches, and what the tree
    /// must keep open to show them (their ancestors).
    pub fn filter(&self, query: &str, tag: Option<&str>) -> Filtered {
        self.filter_upto(query, tag, usize::MAX)
    }

    /// [`ArgMap::filter`], keeping only the first `limit` matches in the
    /// tree's order (and their ancestors open); `found` still counts them
    /// all. A tree draws a page of matches, not hundreds at once.
    pub fn filter_upto(&self, query: &str, tag: Option<&str>, limit: usize) -> Filtered {
        let words: Vec<String> = fold(query).split_whitespace().map(str::to_owned).collect();
        let mut found = 0;
        let mut matches = HashSet::new();
        let mut open = HashSet::new();
        for (id, _) in self.walk() {
            let claim = &self.claims[id];
            if tag.is_some_and(|tag| !claim.tags.iter().any(|t| t == tag)) {
                continue;
            }
            if !words.is_empty() {
                let hay = fold(&format!(
                    "{} {} {}",
                    claim.text,
                    claim.note,
                    claim.tags.join(" ")
                ));
                if !words.iter().all(|w| hay.contains(w.as_str())) {
                    continue;
                }
            }
            found += 1;
            if matches.len() == limit {
                continue;
            }
            matches.insert(id.to_owned());
            for up in self.ancestors(id) {
                if !open.insert(up.to_owned()) {
                    break;
                }
            }
        }
        Filtered {
            matches,
            open,
            found,
        }
    }

    /// The order key of a shown claim.
    pub fn order_of(&self, id: &str) -> Option<&str> {
        self.orders.get(id).map(String::as_str)
    }

    /// The key to place a claim at `index` among `parent`'s children
    /// (past the end: last), `moving` left out of the count.
    pub fn key_at(&self, parent: Option<&str>, index: usize, moving: Option<&str>) -> String {
        let siblings: Vec<&str> = self
            .children(parent.unwrap_or(TOP))
            .iter()
            .map(String::as_str)
            .filter(|id| Some(*id) != moving)
            .collect();
        let index = index.min(siblings.len());
        let lo = index
            .checked_sub(1)
            .and_then(|i| self.order_of(siblings[i]));
        let hi = siblings.get(index).and_then(|id| self.order_of(id));
        order::between(lo, hi)
    }
}

/// What [`ArgMap::filter`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filtered {
    /// The matches kept (all of them, or the first of a limit).
    pub matches: HashSet<String>,
    /// Ancestors of the matches kept: kept open.
    pub open: HashSet<String>,
    /// How many claims match, kept or not.
    pub found: usize,
}

/// Lower case without accents, for search.
pub fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' | 'õ' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            'œ' => 'o',
            other => other,
        })
        .collect()
}

/// One placement as read from the array.
struct Placement {
    claim: String,
    parent: Option<String>,
    order: String,
    client: u64,
    time: i64,
}

fn string_of(value: Option<&Any>) -> Option<String> {
    match value {
        Some(Any::String(s)) => Some(s.to_string()),
        _ => None,
    }
}

fn int_of(value: Option<&Any>) -> i64 {
    match value {
        Some(Any::Number(Number::Int(n))) => *n,
        Some(Any::Number(Number::Float(n))) if n.is_finite() => *n as i64,
        _ => 0,
    }
}

fn strings_of(value: Option<&Any>, max: usize) -> Vec<String> {
    match value {
        Some(Any::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Any::String(s) => Some(s.to_string()),
                _ => None,
            })
            .take(max)
            .collect(),
        _ => Vec::new(),
    }
}

fn sources_of(value: Option<&Any>) -> Vec<Source> {
    use crate::schema::claim::source as src;
    let Some(Any::Array(items)) = value else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match item {
            Any::Map(fields) => {
                let get = |k: &str| string_of(fields.get(k)).unwrap_or_default();
                Some(Source {
                    url: get(src::URL),
                    title: get(src::TITLE),
                    quote: get(src::QUOTE),
                    date: get(src::DATE),
                })
            }
            _ => None,
        })
        .take(MAX_SOURCES)
        .collect()
}

fn sources_value(sources: &[Source]) -> Any {
    use crate::schema::claim::source as src;
    let items: Vec<Any> = sources
        .iter()
        .filter(|s| !s.is_empty())
        .take(MAX_SOURCES)
        .map(|s| {
            let fields: HashMap<String, Any> = [
                (src::URL, &s.url),
                (src::TITLE, &s.title),
                (src::QUOTE, &s.quote),
                (src::DATE, &s.date),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Any::from(v.trim())))
            .collect();
            Any::from(fields)
        })
        .collect();
    Any::from(items)
}

/// Tags as stored: trimmed, without a leading `#`, no empty ones, no
/// repeats, at most [`MAX_TAGS`].
pub fn clean_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().trim_start_matches('#').trim();
        if !tag.is_empty() && !out.iter().any(|t| t == tag) && out.len() < MAX_TAGS {
            out.push(tag.chars().take(60).collect());
        }
    }
    out
}

fn tags_value(tags: &[String]) -> Any {
    let items: Vec<Any> = clean_tags(tags)
        .iter()
        .map(|t| Any::from(t.as_str()))
        .collect();
    Any::from(items)
}

impl Document {
    /// The argument map this document holds (empty for a text).
    pub fn arguments(&self) -> ArgMap {
        let txn = self.doc.transact();
        let mut claims = HashMap::new();
        for (id, value) in self.claims.iter(&txn) {
            // The empty id names the top of the map (`TOP`): a claim a
            // co-author wrote under it would be its own child (found by
            // the arguments fuzz target).
            let Out::YMap(map) = value else {
                continue;
            };
            if id.is_empty() {
                continue;
            }
            let json = |k: &str| map.get(&txn, k).map(|v| v.to_json(&txn));
            let text_of = |k: &str| match map.get(&txn, k) {
                Some(Out::YText(text)) => text.get_string(&txn),
                Some(Out::Any(Any::String(s))) => s.to_string(),
                _ => String::new(),
            };
            let author = string_of(json(key::NAME).as_ref()).unwrap_or_default();
            let created = int_of(json(key::CREATED).as_ref());
            let edited_by = string_of(json(key::EDITED_BY).as_ref());
            let edited = int_of(json(key::EDITED).as_ref());
            let claim = Claim {
                id: id.to_owned(),
                text: text_of(key::TEXT),
                note: text_of(key::NOTE),
                kind: string_of(json(key::KIND).as_ref())
                    .and_then(|k| TopKind::from_name(&k))
                    .unwrap_or_default(),
                stance: string_of(json(key::STANCE).as_ref())
                    .and_then(|k| Stance::from_name(&k))
                    .unwrap_or_default(),
                tags: clean_tags(&strings_of(json(key::TAGS).as_ref(), MAX_TAGS * 2)),
                sources: sources_of(json(key::SOURCES).as_ref()),
                client: u64::try_from(int_of(json(key::CLIENT).as_ref())).unwrap_or(0),
                edited_by: edited_by.unwrap_or_else(|| author.clone()),
                edited: if edited == 0 { created } else { edited },
                author,
                created,
                duplicate_of: string_of(json(key::DUPLICATE_OF).as_ref())
                    .filter(|d| !d.is_empty() && d != id),
                deleted: matches!(json(key::DELETED), Some(Any::Bool(true))),
            };
            claims.insert(id.to_owned(), claim);
        }
        let placements: Vec<Placement> = self
            .moves
            .iter(&txn)
            .filter_map(|value| {
                let Out::Any(Any::Map(fields)) = value else {
                    return None;
                };
                Some(Placement {
                    claim: string_of(fields.get(at::CLAIM))?,
                    parent: string_of(fields.get(at::PARENT)).filter(|p| !p.is_empty()),
                    order: string_of(fields.get(at::ORDER)).unwrap_or_default(),
                    client: u64::try_from(int_of(fields.get(at::CLIENT))).unwrap_or(0),
                    time: int_of(fields.get(at::TIME)),
                })
            })
            .collect();
        drop(txn);
        fold_map(claims, placements)
    }

    /// Add a claim under `parent` (`None`: at the top), at `index` among
    /// its children (`None`: last). Its id and the update to send.
    pub fn add_claim(
        &self,
        parent: Option<&str>,
        index: Option<usize>,
        claim: &ClaimEdit,
        who: &str,
        time: i64,
    ) -> Result<(String, Vec<u8>), ArgError> {
        let map = self.arguments();
        self.add_claim_in(&map, parent, index, claim, who, time)
    }

    /// [`Document::add_claim`] with the map already folded (a caller
    /// adding many claims folds once).
    pub fn add_claim_in(
        &self,
        map: &ArgMap,
        parent: Option<&str>,
        index: Option<usize>,
        claim: &ClaimEdit,
        who: &str,
        time: i64,
    ) -> Result<(String, Vec<u8>), ArgError> {
        let text = claim.text.as_deref().unwrap_or("").trim();
        if text.is_empty() {
            return Err(ArgError::Empty);
        }
        if text.chars().count() > MAX_TEXT {
            return Err(ArgError::TooLong);
        }
        if let Some(parent) = parent {
            if !map.is_visible(parent) {
                return Err(ArgError::NotFound);
            }
        }
        let order = map.key_at(parent, index.unwrap_or(usize::MAX), None);
        let id = format!("{}-{}", self.client_id(), self.own_clock());
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        self.write_claim(&mut txn, &id, claim, text, who, time);
        self.place(&mut txn, &id, parent, &order, time);
        let update = txn.encode_update_v1();
        drop(txn);
        Ok((id, self.made(update)))
    }

    /// Add a whole tree (an import, a generated map): `specs` in order,
    /// each under an earlier one (by index) or under `under` (`None`: the
    /// top). The new ids in the order of `specs`, and the updates to send
    /// in order, each of at most [`TREE_CHUNK`] claims (an update must fit
    /// the relay's frame). Specs whose statement is empty or too long, or
    /// whose parent was skipped, are skipped: their index gets an empty id.
    pub fn add_tree(
        &self,
        specs: &[generate::Spec],
        under: Option<&str>,
        who: &str,
        time: i64,
    ) -> (Vec<String>, Vec<Vec<u8>>) {
        let map = self.arguments();
        let under = under.filter(|id| map.is_visible(id));
        // After what is already there.
        let mut last: HashMap<Option<String>, String> = HashMap::new();
        let top_last = map
            .children(under.unwrap_or(TOP))
            .last()
            .and_then(|id| map.order_of(id))
            .map(str::to_owned);
        if let Some(key) = top_last {
            last.insert(under.map(str::to_owned), key);
        }
        let mut ids: Vec<String> = Vec::with_capacity(specs.len());
        let mut updates = Vec::new();
        let client = self.client_id();
        for (chunk, part) in specs.chunks(TREE_CHUNK).enumerate() {
            let mut txn = self.doc.transact_mut_with(ORIGIN);
            let clock = self.own_clock_in(&txn);
            for (k, spec) in part.iter().enumerate() {
                let i = chunk * TREE_CHUNK + k;
                let text = spec.claim.text.as_deref().unwrap_or("").trim();
                let parent = match spec.parent {
                    Some(p) if p < i => ids.get(p).filter(|id| !id.is_empty()).cloned(),
                    Some(_) => None,
                    None => Some(under.map(str::to_owned).unwrap_or_default()),
                };
                let Some(parent) = parent else {
                    ids.push(String::new());
                    continue;
                };
                let parent = Some(parent).filter(|p| !p.is_empty());
                if text.is_empty() || text.chars().count() > MAX_TEXT {
                    ids.push(String::new());
                    continue;
                }
                let id = format!("{client}-{clock}-{k}");
                let order = order::between(last.get(&parent).map(String::as_str), None);
                last.insert(parent.clone(), order.clone());
                self.write_claim(&mut txn, &id, &spec.claim, text, who, time);
                self.place(&mut txn, &id, parent.as_deref(), &order, time);
                ids.push(id);
            }
            let update = txn.encode_update_v1();
            drop(txn);
            updates.push(self.made(update));
        }
        (ids, updates)
    }

    /// This copy's next clock inside a transaction under way.
    fn own_clock_in(&self, txn: &yrs::TransactionMut) -> u32 {
        use yrs::ReadTxn;
        txn.state_vector()
            .get(&yrs::ClientID::new(self.client_id()))
    }

    fn write_claim(
        &self,
        txn: &mut yrs::TransactionMut,
        id: &str,
        claim: &ClaimEdit,
        text: &str,
        who: &str,
        time: i64,
    ) {
        let node: MapRef = self.claims.insert(txn, id, MapPrelim::default());
        node.insert(txn, key::TEXT, TextPrelim::new(text));
        let note: String = claim
            .note
            .as_deref()
            .unwrap_or("")
            .chars()
            .take(MAX_NOTE)
            .collect();
        node.insert(txn, key::NOTE, TextPrelim::new(note.trim()));
        node.insert(txn, key::KIND, claim.kind.unwrap_or_default().name());
        node.insert(txn, key::STANCE, claim.stance.unwrap_or_default().name());
        node.insert(
            txn,
            key::TAGS,
            tags_value(claim.tags.as_deref().unwrap_or(&[])),
        );
        node.insert(
            txn,
            key::SOURCES,
            sources_value(claim.sources.as_deref().unwrap_or(&[])),
        );
        node.insert(txn, key::CLIENT, self.client_id() as i64);
        node.insert(txn, key::NAME, who);
        node.insert(txn, key::CREATED, time);
    }

    fn place(
        &self,
        txn: &mut yrs::TransactionMut,
        id: &str,
        parent: Option<&str>,
        order: &str,
        time: i64,
    ) {
        let fields: HashMap<String, Any> = [
            (at::CLAIM.to_owned(), Any::from(id)),
            (at::PARENT.to_owned(), Any::from(parent.unwrap_or(""))),
            (at::ORDER.to_owned(), Any::from(order)),
            (at::CLIENT.to_owned(), Any::from(self.client_id() as i64)),
            (at::TIME.to_owned(), Any::from(time)),
        ]
        .into_iter()
        .collect();
        self.moves.push_back(txn, Any::from(fields));
    }

    fn claim_node(&self, txn: &impl yrs::ReadTxn, id: &str) -> Option<MapRef> {
        match self.claims.get(txn, id) {
            Some(Out::YMap(map)) => Some(map),
            _ => None,
        }
    }

    /// Change a claim: the statement and explanation as the smallest edit
    /// of their texts (so a co-author's concurrent edit of other words
    /// stays), the rest as given. `None` when nothing changed.
    pub fn edit_claim(
        &self,
        id: &str,
        edit: &ClaimEdit,
        who: &str,
        time: i64,
    ) -> Result<Option<Vec<u8>>, ArgError> {
        if let Some(text) = &edit.text {
            if text.trim().is_empty() {
                return Err(ArgError::Empty);
            }
            if text.trim().chars().count() > MAX_TEXT {
                return Err(ArgError::TooLong);
            }
        }
        let before = self.arguments();
        let Some(old) = before.claim(id).cloned() else {
            return Err(ArgError::NotFound);
        };
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        let node = self.claim_node(&txn, id).ok_or(ArgError::NotFound)?;
        let mut changed = false;
        for (field, new, max) in [
            (key::TEXT, edit.text.as_deref(), MAX_TEXT),
            (key::NOTE, edit.note.as_deref(), MAX_NOTE),
        ] {
            let Some(new) = new else { continue };
            let new: String = new.trim().chars().take(max).collect();
            match node.get(&txn, field) {
                Some(Out::YText(text)) => {
                    let old = text.get_string(&txn);
                    if let Some(step) = diff(&old, &new) {
                        if step.delete > 0 {
                            text.remove_range(&mut txn, step.start, step.delete);
                        }
                        if !step.insert.is_empty() {
                            text.insert(&mut txn, step.start, &step.insert);
                        }
                        changed = true;
                    }
                }
                _ => {
                    node.insert(&mut txn, field, TextPrelim::new(new));
                    changed = true;
                }
            }
        }
        if let Some(kind) = edit.kind.filter(|k| *k != old.kind) {
            node.insert(&mut txn, key::KIND, kind.name());
            changed = true;
        }
        if let Some(stance) = edit.stance.filter(|s| *s != old.stance) {
            node.insert(&mut txn, key::STANCE, stance.name());
            changed = true;
        }
        if let Some(tags) = edit.tags.as_ref().filter(|t| clean_tags(t) != old.tags) {
            node.insert(&mut txn, key::TAGS, tags_value(tags));
            changed = true;
        }
        if let Some(sources) = edit.sources.as_ref() {
            let sources: Vec<Source> = sources.iter().filter(|s| !s.is_empty()).cloned().collect();
            if sources != old.sources {
                node.insert(&mut txn, key::SOURCES, sources_value(&sources));
                changed = true;
            }
        }
        if !changed {
            return Ok(None);
        }
        node.insert(&mut txn, key::EDITED_BY, who);
        node.insert(&mut txn, key::EDITED, time);
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(Some(self.made(update)))
    }

    /// Move a shown claim under `parent` (`None`: the top), at `index`
    /// among its children. Refused when `parent` is the claim or under it.
    pub fn move_claim(
        &self,
        id: &str,
        parent: Option<&str>,
        index: usize,
        time: i64,
    ) -> Result<Vec<u8>, ArgError> {
        let map = self.arguments();
        if !map.is_visible(id) {
            return Err(ArgError::NotFound);
        }
        if let Some(parent) = parent {
            if !map.is_visible(parent) {
                return Err(ArgError::NotFound);
            }
            if map.is_under(parent, id) {
                return Err(ArgError::Cycle);
            }
        }
        let order = map.key_at(parent, index, Some(id));
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        self.place(&mut txn, id, parent, &order, time);
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }

    /// Delete a claim (and hide what is under it), or restore it.
    pub fn delete_claim(
        &self,
        id: &str,
        deleted: bool,
        who: &str,
        time: i64,
    ) -> Result<Vec<u8>, ArgError> {
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        let node = self.claim_node(&txn, id).ok_or(ArgError::NotFound)?;
        node.insert(&mut txn, key::DELETED, deleted);
        node.insert(&mut txn, key::EDITED_BY, who);
        node.insert(&mut txn, key::EDITED, time);
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }

    /// Merge `duplicate` into `into`: `duplicate` leaves the tree, what is
    /// under it shows under `into`, and `into` gains its tags and sources.
    pub fn merge_claims(
        &self,
        duplicate: &str,
        into: &str,
        who: &str,
        time: i64,
    ) -> Result<Vec<u8>, ArgError> {
        let map = self.arguments();
        let (Some(dup), Some(target)) = (map.claim(duplicate), map.claim(into)) else {
            return Err(ArgError::NotFound);
        };
        if !map.is_visible(duplicate) || !map.is_visible(into) || map.is_under(into, duplicate) {
            return Err(ArgError::BadMerge);
        }
        let mut tags = target.tags.clone();
        tags.extend(dup.tags.iter().cloned());
        let mut sources = target.sources.clone();
        for source in &dup.sources {
            if !sources.contains(source) {
                sources.push(source.clone());
            }
        }
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        let dup_node = self.claim_node(&txn, duplicate).ok_or(ArgError::NotFound)?;
        let into_node = self.claim_node(&txn, into).ok_or(ArgError::NotFound)?;
        dup_node.insert(&mut txn, key::DUPLICATE_OF, into);
        dup_node.insert(&mut txn, key::EDITED_BY, who);
        dup_node.insert(&mut txn, key::EDITED, time);
        if clean_tags(&tags) != target.tags {
            into_node.insert(&mut txn, key::TAGS, tags_value(&tags));
        }
        if sources != target.sources {
            into_node.insert(&mut txn, key::SOURCES, sources_value(&sources));
        }
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }

    /// Undo a merge: `duplicate` stands on its own again.
    pub fn unmerge_claim(
        &self,
        duplicate: &str,
        who: &str,
        time: i64,
    ) -> Result<Vec<u8>, ArgError> {
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        let node = self.claim_node(&txn, duplicate).ok_or(ArgError::NotFound)?;
        node.insert(&mut txn, key::DUPLICATE_OF, "");
        node.insert(&mut txn, key::EDITED_BY, who);
        node.insert(&mut txn, key::EDITED, time);
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }
}

/// The tree from the claims and their placements; see the module docs.
fn fold_map(claims: HashMap<String, Claim>, placements: Vec<Placement>) -> ArgMap {
    // Where each claim stands, placement after placement.
    let mut place: HashMap<String, (Option<String>, String)> = HashMap::new();
    let mut refused = Vec::new();
    let under = |place: &HashMap<String, (Option<String>, String)>, from: &str, ancestor: &str| {
        let mut at = Some(from);
        let mut steps = 0;
        while let Some(id) = at {
            if id == ancestor {
                return true;
            }
            steps += 1;
            if steps > place.len() + 1 {
                return true;
            }
            at = place.get(id).and_then(|(p, _)| p.as_deref());
        }
        false
    };
    for p in placements {
        if !claims.contains_key(&p.claim) {
            continue;
        }
        let why = match &p.parent {
            Some(parent) if !claims.contains_key(parent) => Some(RefusedWhy::NoParent),
            Some(parent) if under(&place, parent, &p.claim) => Some(RefusedWhy::Cycle),
            _ => None,
        };
        if let Some(why) = why {
            refused.push(Refused {
                claim: p.claim,
                parent: p.parent,
                why,
                client: p.client,
                time: p.time,
            });
            continue;
        }
        place.insert(p.claim, (p.parent, p.order));
    }
    let mut map = ArgMap {
        claims,
        refused,
        ..ArgMap::default()
    };
    // Merged duplicates.
    let mut merged: HashMap<String, Vec<String>> = HashMap::new();
    for (id, claim) in &map.claims {
        if claim.duplicate_of.is_some() {
            let target = map.resolve(id);
            if target != id {
                merged
                    .entry(target.to_owned())
                    .or_default()
                    .push(id.clone());
            }
        }
    }
    for list in merged.values_mut() {
        list.sort();
    }
    // Effective parents of the claims that stand on their own.
    let standing: Vec<String> = map
        .claims
        .iter()
        .filter(|(id, claim)| !claim.deleted && map.resolve(id) == id.as_str())
        .map(|(id, _)| id.clone())
        .collect();
    let mut parent_of: HashMap<String, Option<String>> = HashMap::new();
    for id in &standing {
        // The parent as resolved through merges; a claim something was
        // merged into from above it takes that one's place.
        let mut raw = place.get(id).and_then(|(p, _)| p.as_deref());
        let mut parent = None;
        let mut steps = 0;
        while let Some(p) = raw {
            let resolved = map.resolve(p);
            if resolved != id.as_str() {
                parent = Some(resolved.to_owned());
                break;
            }
            steps += 1;
            if steps > place.len() {
                break;
            }
            raw = place.get(p).and_then(|(p, _)| p.as_deref());
        }
        parent_of.insert(id.clone(), parent);
    }
    // Children lists, in order.
    let mut children: HashMap<String, Vec<String>> = HashMap::new();
    for (id, parent) in &parent_of {
        children
            .entry(parent.clone().unwrap_or_default())
            .or_default()
            .push(id.clone());
    }
    let order = |id: &str| place.get(id).map_or("", |(_, o)| o.as_str()).to_owned();
    for list in children.values_mut() {
        list.sort_by_cached_key(|id| (order(id), id.clone()));
    }
    // Walk from the top: what is under a deleted claim stays hidden; what
    // is reached from nowhere goes to the top (and is reported).
    let mut visible: HashMap<String, Option<String>> = HashMap::new();
    let mut stack: Vec<String> = children.get(TOP).cloned().unwrap_or_default();
    for id in &stack {
        visible.insert(id.clone(), None);
    }
    let walk = |stack: &mut Vec<String>, visible: &mut HashMap<String, Option<String>>| {
        while let Some(id) = stack.pop() {
            for child in children.get(&id).into_iter().flatten() {
                if parent_of.contains_key(child) && !visible.contains_key(child) {
                    visible.insert(child.clone(), Some(id.clone()));
                    stack.push(child.clone());
                }
            }
        }
    };
    walk(&mut stack, &mut visible);
    // Unreached: under something hidden (deleted), or in a loop.
    let in_loop = |id: &str| {
        let mut seen = HashSet::new();
        let mut at = id;
        loop {
            match parent_of.get(at) {
                Some(Some(parent)) if parent_of.contains_key(parent) => {
                    if !seen.insert(parent.as_str()) {
                        return true;
                    }
                    at = parent;
                }
                _ => return false,
            }
        }
    };
    let mut lost: Vec<String> = parent_of
        .keys()
        .filter(|id| !visible.contains_key(*id) && in_loop(id))
        .cloned()
        .collect();
    lost.sort();
    // A loop: take its smallest id to the top, then walk again.
    for id in lost {
        if visible.contains_key(&id) {
            continue;
        }
        let (client, time) = map
            .claims
            .get(&id)
            .map_or((0, 0), |claim| (claim.client, claim.edited));
        map.refused.push(Refused {
            claim: id.clone(),
            parent: parent_of.get(&id).cloned().flatten(),
            why: RefusedWhy::Unreachable,
            client,
            time,
        });
        visible.insert(id.clone(), None);
        let mut stack = vec![id];
        walk(&mut stack, &mut visible);
    }
    // The children lists of what shows.
    let mut shown: HashMap<String, Vec<String>> = HashMap::new();
    for (parent, list) in &children {
        let list: Vec<String> = list
            .iter()
            .filter(|id| {
                visible
                    .get(*id)
                    .is_some_and(|p| p.as_deref().unwrap_or(TOP) == parent.as_str())
            })
            .cloned()
            .collect();
        if !list.is_empty() {
            shown.insert(parent.clone(), list);
        }
    }
    let mut tops: Vec<String> = visible
        .iter()
        .filter(|(_, p)| p.is_none())
        .map(|(id, _)| id.clone())
        .collect();
    tops.sort_by_cached_key(|id| (order(id), id.clone()));
    shown.insert(TOP.to_owned(), tops);
    map.orders = visible.keys().map(|id| (id.clone(), order(id))).collect();
    map.parent = visible;
    map.children = shown;
    map.merged = merged;
    map
}

#[cfg(test)]
mod tests;

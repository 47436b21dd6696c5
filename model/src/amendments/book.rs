//! The records folded ([`Book`]): each amendment with its valid revisions,
//! the comments, the supports, and what did not check out.
//!
//! Rules, the same in every copy whatever order the records came in:
//!
//! - A record counts only if its signature holds for its author's key and
//!   this room ([`super::record::read`]). An amendment's id commits to its
//!   author's key, so a valid revision of it can only come from its
//!   author. A record that fails names, through its claimed author and
//!   nonce, the amendment or comment it pretends to be: that one is shown
//!   **altered**, with its last valid revision; nothing else changes.
//! - An amendment exists once its revision 0 is here. Its wording is its
//!   latest revision (by `rev`, then time), up to the revision the keepers
//!   saw when they took it up ([`super::decisions::Decided::frozen_rev`]):
//!   revising is for an amendment that is only filed. Withdrawing counts
//!   at any time before a decision.
//! - Supports: one per author and amendment, the highest `rev` wins.
//! - Amendments in filing order: revision 0's time, then id.

use std::collections::{HashMap, HashSet};

use super::log::{Lines, Reader};
use super::record::{
    self, amendment_id, comment_id, CommentEntry, EndorseEntry, Entry, Identity, ImpactEntry, JoinEntry,
    Proposal, Revision, Stance, SupportEntry,
};
use super::{AmendError, Draft};
use crate::arguments::rank::{Standings, MAX_IMPACT};
use crate::document::Document;
use crate::lines::Lines as Numbered;

/// One amendment as its records say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amendment {
    pub id: String,
    pub author: [u8; 32],
    /// The name the author went by when filing it.
    pub author_name: String,
    pub filed_at: i64,
    /// Valid revisions, by `rev` then time.
    pub revisions: Vec<(i64, Revision)>,
    /// A record failing its check claimed to be this amendment.
    pub altered: bool,
}

impl Amendment {
    /// The revision that stands: the latest, or the latest up to
    /// `frozen` when the keepers took it up at that revision.
    pub fn current(&self, frozen: Option<u32>) -> &Revision {
        let fits = |rev: &&(i64, Revision)| frozen.is_none_or(|upto| rev.1.rev <= upto);
        self.revisions
            .iter()
            .rfind(fits)
            .or_else(|| self.revisions.first())
            .map(|(_, revision)| revision)
            .expect("an amendment has its revision 0")
    }

    /// When its standing revision was written.
    pub fn edited_at(&self, frozen: Option<u32>) -> i64 {
        let rev = self.current(frozen).rev;
        self.revisions
            .iter()
            .rev()
            .find(|(_, revision)| revision.rev == rev)
            .map_or(self.filed_at, |(time, _)| *time)
    }

    /// Its author withdrew it (a valid revision says so).
    pub fn withdrawn(&self) -> bool {
        self.revisions
            .iter()
            .any(|(_, revision)| revision.withdrawn)
    }

    /// The highest revision number written.
    pub fn last_rev(&self) -> u32 {
        self.revisions
            .last()
            .map_or(0, |(_, revision)| revision.rev)
    }
}

/// A comment on an amendment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub id: String,
    pub amendment: String,
    pub reply_to: Option<String>,
    pub stance: Stance,
    pub text: String,
    pub author: [u8; 32],
    pub author_name: String,
    pub time: i64,
    /// A record failing its check claimed to be this comment.
    pub altered: bool,
}

/// Everything the records say, verified.
#[derive(Debug)]
pub struct Book {
    room: [u8; 16],
    reader: Reader,
    amendments: HashMap<String, Amendment>,
    /// Revisions whose revision 0 has not come yet.
    waiting: HashMap<String, Vec<(i64, Revision)>>,
    order: Vec<String>,
    comments: HashMap<String, Vec<Comment>>,
    supports: HashMap<String, HashMap<[u8; 32], (u32, bool)>>,
    /// An argument map's claims: who uses each (rev, on, name), and who
    /// rated it how strong (rev, vote).
    endorsements: HashMap<String, Endorsements>,
    impacts: HashMap<String, Impacts>,
    /// A workspace's members by their own record: (rev, in, name, time).
    joined: HashMap<[u8; 32], (u32, bool, String, i64)>,
    altered: HashSet<String>,
    /// Lines whose signature this browser checked before ([`Book::trust`]):
    /// a hash of each.
    trusted: HashSet<[u8; 16]>,
    /// The hashes of the lines checked valid here, to keep.
    checked: Vec<[u8; 16]>,
    /// Lines that are not records at all.
    pub unreadable: u32,
    /// Records whose signature fails.
    pub forged: u32,
    /// Characters of the records text someone deleted.
    pub removed: u32,
}

impl Book {
    /// An empty book for the amendment room `room` (its 16-byte id).
    pub fn new(room: [u8; 16]) -> Self {
        Book {
            room,
            reader: Reader::default(),
            amendments: HashMap::new(),
            waiting: HashMap::new(),
            order: Vec::new(),
            comments: HashMap::new(),
            supports: HashMap::new(),
            endorsements: HashMap::new(),
            impacts: HashMap::new(),
            joined: HashMap::new(),
            altered: HashSet::new(),
            trusted: HashSet::new(),
            checked: Vec::new(),
            unreadable: 0,
            forged: 0,
            removed: 0,
        }
    }

    pub fn room(&self) -> &[u8; 16] {
        &self.room
    }

    /// Read what is new in the amendment room's document; whether
    /// anything changed.
    pub fn refresh(&mut self, doc: &Document) -> bool {
        let Lines { lines, removed } = self.reader.read(doc);
        let changed = !lines.is_empty() || removed != self.removed;
        self.removed = removed;
        self.ingest_all(lines.iter().map(String::as_str));
        changed
    }

    /// Take record lines, then put the amendments in filing order.
    pub fn ingest_all<'a>(&mut self, lines: impl IntoIterator<Item = &'a str>) {
        let before = self.amendments.len();
        for line in lines {
            self.ingest(line);
        }
        if self.amendments.len() != before {
            let amendments = &self.amendments;
            self.order.sort_by(|a, b| {
                let (a, b) = (&amendments[a], &amendments[b]);
                (a.filed_at, &a.id).cmp(&(b.filed_at, &b.id))
            });
        }
    }

    /// Lines this browser checked before, from [`Book::remembered`]: their
    /// signatures are not checked again. An Ed25519 check costs tens of
    /// microseconds, hundreds in a browser: for a congress's 12,000
    /// records, seconds at every opening. What is trusted is this
    /// browser's own storage, which holds the document itself anyway.
    pub fn trust(&mut self, remembered: &[u8]) {
        for hash in remembered.chunks_exact(16) {
            if let Ok(hash) = <[u8; 16]>::try_from(hash) {
                self.trusted.insert(hash);
            }
        }
    }

    /// The lines checked valid so far (those trusted included), to give
    /// to [`Book::trust`] at the next opening.
    pub fn remembered(&self) -> Vec<u8> {
        self.checked.concat()
    }

    /// How many lines [`Book::remembered`] holds.
    pub fn checked(&self) -> usize {
        self.checked.len()
    }

    fn ingest(&mut self, line: &str) {
        let hash = line_hash(&self.room, line);
        let read = if self.trusted.contains(&hash) {
            record::read_trusted(line)
        } else {
            record::read(&self.room, line)
        };
        let Ok(read) = read else {
            self.unreadable += 1;
            return;
        };
        if read.valid {
            self.checked.push(hash);
        }
        let body = read.body;
        if !read.valid {
            self.forged += 1;
            let claimed = match &body.entry {
                Entry::Amendment(revision) => Some(amendment_id(&body.author, &revision.nonce)),
                Entry::Comment(comment) => Some(comment_id(&body.author, &comment.nonce)),
                Entry::Support(_) | Entry::Endorse(_) | Entry::Impact(_) | Entry::Join(_) => None,
            };
            if let Some(id) = claimed {
                if let Some(amendment) = self.amendments.get_mut(&id) {
                    amendment.altered = true;
                }
                for comment in self.comments.values_mut().flatten() {
                    if comment.id == id {
                        comment.altered = true;
                    }
                }
                self.altered.insert(id);
            }
            return;
        }
        match body.entry {
            Entry::Amendment(revision) => {
                let id = amendment_id(&body.author, &revision.nonce);
                self.revision(id, body.time, body.name, body.author, revision);
            }
            Entry::Comment(entry) => {
                let id = comment_id(&body.author, &entry.nonce);
                let list = self.comments.entry(entry.amendment.clone()).or_default();
                if list.iter().any(|comment| comment.id == id) {
                    return;
                }
                let at = list.partition_point(|c| (c.time, &c.id) < (body.time, &id));
                list.insert(
                    at,
                    Comment {
                        altered: self.altered.contains(&id),
                        id,
                        amendment: entry.amendment,
                        reply_to: entry.reply_to,
                        stance: entry.stance,
                        text: entry.text,
                        author: body.author,
                        author_name: body.name,
                        time: body.time,
                    },
                );
            }
            Entry::Support(SupportEntry { amendment, on, rev }) => {
                let mine = self.supports.entry(amendment).or_default();
                let slot = mine.entry(body.author).or_insert((rev, on));
                if rev > slot.0 || (rev == slot.0 && !on) {
                    *slot = (rev, on);
                }
            }
            Entry::Endorse(EndorseEntry { claim, on, rev }) => {
                let all = self.endorsements.entry(claim).or_default();
                let slot = all
                    .entry(body.author)
                    .or_insert((rev, on, body.name.clone()));
                if rev > slot.0 || (rev == slot.0 && !on) {
                    *slot = (rev, on, body.name);
                }
            }
            Entry::Join(JoinEntry { on, rev }) => {
                let slot = self
                    .joined
                    .entry(body.author)
                    .or_insert((rev, on, body.name.clone(), body.time));
                if rev > slot.0 || (rev == slot.0 && !on) {
                    *slot = (rev, on, body.name, body.time);
                }
            }
            Entry::Impact(ImpactEntry { claim, value, rev }) => {
                let value = value.filter(|v| *v <= MAX_IMPACT);
                let all = self.impacts.entry(claim).or_default();
                let slot = all.entry(body.author).or_insert((rev, value));
                // At one rev, the lower vote: the same in every copy.
                if rev > slot.0 || (rev == slot.0 && value < slot.1) {
                    *slot = (rev, value);
                }
            }
        }
    }

    fn revision(
        &mut self,
        id: String,
        time: i64,
        name: String,
        author: [u8; 32],
        revision: Revision,
    ) {
        match self.amendments.get_mut(&id) {
            Some(amendment) => insert_revision(&mut amendment.revisions, time, revision),
            None if revision.rev == 0 => {
                let mut amendment = Amendment {
                    altered: self.altered.contains(&id),
                    id: id.clone(),
                    author,
                    author_name: name,
                    filed_at: time,
                    revisions: vec![(time, revision)],
                };
                for (time, later) in self.waiting.remove(&id).unwrap_or_default() {
                    insert_revision(&mut amendment.revisions, time, later);
                }
                self.amendments.insert(id.clone(), amendment);
                self.order.push(id);
            }
            None => self.waiting.entry(id).or_default().push((time, revision)),
        }
    }

    /// The amendments in filing order.
    pub fn amendments(&self) -> impl Iterator<Item = &Amendment> {
        self.order.iter().map(|id| &self.amendments[id])
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub fn amendment(&self, id: &str) -> Option<&Amendment> {
        self.amendments.get(id)
    }

    /// The comments on `id`, oldest first.
    pub fn comments(&self, id: &str) -> &[Comment] {
        self.comments.get(id).map_or(&[], Vec::as_slice)
    }

    /// How many support `id`, and whether `me` does.
    pub fn supports(&self, id: &str, me: Option<&[u8; 32]>) -> (u32, bool) {
        let Some(all) = self.supports.get(id) else {
            return (0, false);
        };
        let count = all.values().filter(|(_, on)| *on).count() as u32;
        let mine = me.is_some_and(|me| all.get(me).is_some_and(|(_, on)| *on));
        (count, mine)
    }

    fn support_rev(&self, id: &str, me: &[u8; 32]) -> u32 {
        self.supports
            .get(id)
            .and_then(|all| all.get(me))
            .map_or(0, |(rev, _)| rev + 1)
    }

    /// A new amendment: the record line to append, and its id. `nonce`
    /// comes from the caller's random source.
    #[allow(clippy::too_many_arguments)]
    pub fn file(
        &self,
        identity: &Identity,
        text: &Document,
        draft: &Draft,
        name: &str,
        time: i64,
        nonce: [u8; 12],
    ) -> Result<(String, String), AmendError> {
        if let Some(parent) = &draft.parent {
            if !self.amendments.contains_key(parent) {
                return Err(AmendError::NotFound);
            }
        }
        let revision = revision_for(text, draft, nonce, 0, false)?;
        let id = amendment_id(&identity.public(), &nonce);
        let line = identity.sign(&self.room, name, time, Entry::Amendment(revision));
        Ok((id, line))
    }

    /// A new revision of `id` by its author (`frozen`: the keepers took
    /// it up, so it cannot change any more).
    #[allow(clippy::too_many_arguments)]
    pub fn revise(
        &self,
        identity: &Identity,
        text: &Document,
        id: &str,
        draft: &Draft,
        frozen: bool,
        name: &str,
        time: i64,
    ) -> Result<String, AmendError> {
        let amendment = self.own(identity, id)?;
        if frozen {
            return Err(AmendError::NotFiled);
        }
        let nonce = amendment.current(None).nonce;
        let revision = revision_for(text, draft, nonce, amendment.last_rev() + 1, false)?;
        Ok(identity.sign(&self.room, name, time, Entry::Amendment(revision)))
    }

    /// The author withdraws `id`.
    pub fn withdraw(
        &self,
        identity: &Identity,
        id: &str,
        name: &str,
        time: i64,
    ) -> Result<String, AmendError> {
        let amendment = self.own(identity, id)?;
        let mut revision = amendment.current(None).clone();
        revision.rev = amendment.last_rev() + 1;
        revision.withdrawn = true;
        Ok(identity.sign(&self.room, name, time, Entry::Amendment(revision)))
    }

    fn own(&self, identity: &Identity, id: &str) -> Result<&Amendment, AmendError> {
        let amendment = self.amendments.get(id).ok_or(AmendError::NotFound)?;
        if amendment.author != identity.public() {
            return Err(AmendError::NotTheAuthor);
        }
        Ok(amendment)
    }

    /// A comment on `id` (a reply to a comment of it, one level): the
    /// record line and the comment's id.
    #[allow(clippy::too_many_arguments)]
    pub fn comment(
        &self,
        identity: &Identity,
        id: &str,
        reply_to: Option<String>,
        stance: Stance,
        text: &str,
        name: &str,
        time: i64,
        nonce: [u8; 12],
    ) -> Result<(String, String), AmendError> {
        if !self.amendments.contains_key(id) {
            return Err(AmendError::NotFound);
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(AmendError::NoChange);
        }
        // One level: a reply to a reply answers the comment it replied to.
        let reply_to = reply_to.map(|to| {
            self.comments(id)
                .iter()
                .find(|comment| comment.id == to)
                .and_then(|comment| comment.reply_to.clone())
                .unwrap_or(to)
        });
        let entry = CommentEntry {
            nonce,
            amendment: id.to_owned(),
            reply_to,
            stance,
            text: text.to_owned(),
        };
        let comment = comment_id(&identity.public(), &nonce);
        let line = identity.sign(&self.room, name, time, Entry::Comment(entry));
        check_size(&line)?;
        Ok((comment, line))
    }

    /// Support `id` (or take the support back).
    pub fn support(
        &self,
        identity: &Identity,
        id: &str,
        on: bool,
        name: &str,
        time: i64,
    ) -> Result<String, AmendError> {
        if !self.amendments.contains_key(id) {
            return Err(AmendError::NotFound);
        }
        let entry = SupportEntry {
            amendment: id.to_owned(),
            on,
            rev: self.support_rev(id, &identity.public()),
        };
        Ok(identity.sign(&self.room, name, time, Entry::Support(entry)))
    }
}

/// An argument map's endorsements and strength votes (the records of
/// its amendment room): [`crate::arguments::rank`].
impl Book {
    /// Every claim's standing: endorsers and votes.
    pub fn standings(&self) -> Standings {
        let mut out = Standings::new();
        for (claim, all) in &self.endorsements {
            let endorsers = all.values().filter(|(_, on, _)| *on).count() as u32;
            out.entry(claim.clone()).or_default().endorsers = endorsers;
        }
        for (claim, all) in &self.impacts {
            let standing = out.entry(claim.clone()).or_default();
            for (_, value) in all.values() {
                if let Some(v) = value {
                    standing.votes[usize::from(*v)] += 1;
                }
            }
        }
        out
    }

    /// Who uses `claim`: their names, sorted, and whether `me` does.
    pub fn endorsers(&self, claim: &str, me: Option<&[u8; 32]>) -> (Vec<String>, bool) {
        let Some(all) = self.endorsements.get(claim) else {
            return (Vec::new(), false);
        };
        let mut names: Vec<String> = all
            .values()
            .filter(|(_, on, _)| *on)
            .map(|(_, _, name)| name.clone())
            .collect();
        names.sort();
        let mine = me.is_some_and(|me| all.get(me).is_some_and(|(_, on, _)| *on));
        (names, mine)
    }

    /// `me`'s strength vote on `claim`.
    pub fn my_impact(&self, claim: &str, me: &[u8; 32]) -> Option<u8> {
        self.impacts.get(claim)?.get(me)?.1
    }

    /// Endorse `claim` (or take it back): the record line.
    pub fn endorse(
        &self,
        identity: &Identity,
        claim: &str,
        on: bool,
        name: &str,
        time: i64,
    ) -> String {
        let rev = self
            .endorsements
            .get(claim)
            .and_then(|all| all.get(&identity.public()))
            .map_or(0, |(rev, _, _)| rev + 1);
        let entry = EndorseEntry {
            claim: claim.to_owned(),
            on,
            rev,
        };
        identity.sign(&self.room, name, time, Entry::Endorse(entry))
    }

    /// Join a workspace as a member (or leave it): the record line, or
    /// `None` when the latest record of this identity already says so.
    pub fn join(&self, identity: &Identity, on: bool, name: &str, time: i64) -> Option<String> {
        let last = self.joined.get(&identity.public());
        if last.is_some_and(|(_, was, known, _)| *was == on && known == name) {
            return None;
        }
        let rev = last.map_or(0, |(rev, ..)| rev + 1);
        Some(identity.sign(&self.room, name, time, Entry::Join(JoinEntry { on, rev })))
    }

    /// The members who joined and did not leave, by their own signed
    /// record: (identity key, name, time), oldest first.
    pub fn joined(&self) -> Vec<([u8; 32], String, i64)> {
        let mut out: Vec<([u8; 32], String, i64)> = self
            .joined
            .iter()
            .filter(|(_, (_, on, _, _))| *on)
            .map(|(key, (_, _, name, time))| (*key, name.clone(), *time))
            .collect();
        out.sort_by(|a, b| a.2.cmp(&b.2).then(a.0.cmp(&b.0)));
        out
    }

    /// Rate `claim` 0 to 4 (`None`: take the vote back): the record
    /// line, or `None` for a vote past 4.
    pub fn rate(
        &self,
        identity: &Identity,
        claim: &str,
        value: Option<u8>,
        name: &str,
        time: i64,
    ) -> Option<String> {
        if value.is_some_and(|v| v > MAX_IMPACT) {
            return None;
        }
        let rev = self
            .impacts
            .get(claim)
            .and_then(|all| all.get(&identity.public()))
            .map_or(0, |(rev, _)| rev + 1);
        let entry = ImpactEntry {
            claim: claim.to_owned(),
            value,
            rev,
        };
        Some(identity.sign(&self.room, name, time, Entry::Impact(entry)))
    }

    /// A comment on a claim of an argument map (the amend link's way to
    /// take part): like [`Book::comment`], without an amendment to find.
    #[allow(clippy::too_many_arguments)]
    pub fn comment_claim(
        &self,
        identity: &Identity,
        claim: &str,
        stance: Stance,
        text: &str,
        name: &str,
        time: i64,
        nonce: [u8; 12],
    ) -> Result<(String, String), AmendError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(AmendError::NoChange);
        }
        let entry = CommentEntry {
            nonce,
            amendment: claim.to_owned(),
            reply_to: None,
            stance,
            text: text.to_owned(),
        };
        let comment = comment_id(&identity.public(), &nonce);
        let line = identity.sign(&self.room, name, time, Entry::Comment(entry));
        check_size(&line)?;
        Ok((comment, line))
    }
}

/// One claim's endorsements: by identity key, (rev, on, the name).
type Endorsements = HashMap<[u8; 32], (u32, bool, String)>;
/// One claim's strength votes: by identity key, (rev, vote).
type Impacts = HashMap<[u8; 32], (u32, Option<u8>)>;

/// What [`Book::trust`] keeps of a line: 16 bytes of its SHA-256, with
/// the room.
fn line_hash(room: &[u8; 16], line: &str) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"cahier/v1/checked")
        .chain_update(room)
        .chain_update(line.as_bytes())
        .finalize();
    let mut hash = [0u8; 16];
    hash.copy_from_slice(&digest[..16]);
    hash
}

fn insert_revision(revisions: &mut Vec<(i64, Revision)>, time: i64, revision: Revision) {
    if revisions.iter().any(|(t, r)| *t == time && *r == revision) {
        return;
    }
    let at = revisions.partition_point(|(t, r)| (r.rev, *t) <= (revision.rev, time));
    revisions.insert(at, (time, revision));
}

fn check_size(line: &str) -> Result<(), AmendError> {
    if line.len() > record::MAX_RECORD {
        return Err(AmendError::TooLong);
    }
    Ok(())
}

/// A revision of `draft` against the body as it is now.
fn revision_for(
    text: &Document,
    draft: &Draft,
    nonce: [u8; 12],
    rev: u32,
    withdrawn: bool,
) -> Result<Revision, AmendError> {
    let body = text.body();
    let passage = utf16_slice(&body, draft.start, draft.end).ok_or(AmendError::BadPassage)?;
    let (start, end) = text
        .stick(draft.start, draft.end)
        .ok_or(AmendError::BadPassage)?;
    // Cited as every view cites it afterwards.
    let lines = super::anchors::line_span(&Numbered::new(&body), (draft.start, draft.end))
        .unwrap_or((1, 1));
    if let Proposal::Replace(wording) = &draft.proposal {
        if *wording == passage {
            return Err(AmendError::NoChange);
        }
    }
    if matches!(draft.proposal, Proposal::Delete) && draft.start == draft.end {
        return Err(AmendError::NoChange);
    }
    let revision = Revision {
        nonce,
        rev,
        start,
        end,
        passage,
        lines,
        proposal: draft.proposal.clone(),
        rationale: draft.rationale.trim().to_owned(),
        parent: draft.parent.clone(),
        withdrawn,
    };
    let size =
        revision.passage.len() + revision.proposal.wording().len() + revision.rationale.len() + 512;
    if size > record::MAX_RECORD * 3 / 4 {
        return Err(AmendError::TooLong);
    }
    Ok(revision)
}

/// `text[start..end]` in UTF-16 units; `None` when out of range or
/// through a surrogate pair.
pub fn utf16_slice(text: &str, start: u32, end: u32) -> Option<String> {
    if start > end {
        return None;
    }
    let (mut from, mut to) = (None, None);
    let mut at = 0u32;
    for (byte, c) in text.char_indices().chain([(text.len(), '\0')]) {
        if at == start && from.is_none() {
            from = Some(byte);
        }
        if at == end {
            to = Some(byte);
            break;
        }
        if at > end {
            break;
        }
        at += c.len_utf16() as u32;
    }
    Some(text[from?..to?].to_owned())
}

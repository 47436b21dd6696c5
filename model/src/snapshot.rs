//! Checking a co-author's snapshot before the relay lets it replace the
//! updates it covers (ARCHITECTURE.md, "A snapshot cannot silently replace
//! the document").
//!
//! A snapshot is a co-author's whole document, sealed, claiming to hold
//! everything stored up to `covers_upto`. The relay keeps it as a proposal
//! and asks another client to compare it with its own copy; this module is
//! that comparison, for a copy that applied at least as far as
//! `covers_upto`:
//!
//! 1. it decodes in a fresh document (through [`Document::apply_remote`],
//!    so through whatever guards a co-author's update);
//! 2. it holds nothing our copy lacks: its state vector is at most ours
//!    and its deletions are among ours;
//! 3. it lacks nothing our copy has except what came after `covers_upto`
//!    or is still ours to send: every item and deletion of our copy is in
//!    it, in an update we applied numbered above `covers_upto` (the
//!    [`Coverage`]), or in one of our own unacknowledged updates;
//! 4. its content is our copy's at its state: our document as of the
//!    snapshot's state vector and delete set (a Yrs snapshot of our
//!    `skip_gc` document) holds the same meta, body and people, root by
//!    root.
//!
//! 2 and 3 say the snapshot is our copy as of `covers_upto`, item by item;
//! 4 says the items carry the same content (a forger could reuse ids).
//! Whether a copy may judge at all is the caller's to say first: one that
//! set an update aside, or waits for a missing one
//! ([`Document::missing`]), cannot tell, and says so.
//!
//! [`Coverage`] keeps the last updates applied, by sequence number, so that
//! 3 can allow what came after the snapshot; bounded in bytes, it forgets
//! the oldest, and a snapshot older than what it remembers cannot be told.

use std::collections::{BTreeMap, VecDeque};

use yrs::types::ToJson as _;
use yrs::updates::decoder::Decode as _;
use yrs::updates::encoder::{Encoder as _, EncoderV1};
use yrs::{Any, IdSet, ReadTxn as _, Snapshot, StateVector, Transact as _, Update};

use crate::document::Document;

/// The bytes of recent updates a [`Coverage`] keeps by default.
pub const COVERAGE_BYTES: usize = 4 << 20;

/// The updates applied lately, by sequence number (see the module docs).
#[derive(Clone, Debug)]
pub struct Coverage {
    entries: VecDeque<(u64, Vec<u8>)>,
    bytes: usize,
    cap: usize,
    /// Updates up to this number are not remembered one by one.
    forgotten_upto: u64,
}

impl Default for Coverage {
    fn default() -> Self {
        Self::new(0)
    }
}

impl Coverage {
    /// Nothing remembered, for a copy that applied everything up to
    /// `applied` before (loaded from storage, or from a snapshot).
    pub fn new(applied: u64) -> Self {
        Self::with_capacity(applied, COVERAGE_BYTES)
    }

    /// Keeping at most `cap` bytes of updates.
    pub fn with_capacity(applied: u64, cap: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            bytes: 0,
            cap,
            forgotten_upto: applied,
        }
    }

    /// The update numbered `seq` was applied.
    pub fn note(&mut self, seq: u64, update: &[u8]) {
        if update.len() > self.cap {
            self.forget_upto(seq);
            return;
        }
        self.entries.push_back((seq, update.to_vec()));
        self.bytes += update.len();
        while self.bytes > self.cap {
            let Some((old, bytes)) = self.entries.pop_front() else {
                break;
            };
            self.bytes -= bytes.len();
            self.forgotten_upto = self.forgotten_upto.max(old);
        }
    }

    /// Everything up to `seq` is in a snapshot this copy loaded or knows
    /// stored: forget it.
    pub fn forget_upto(&mut self, seq: u64) {
        while self.entries.front().is_some_and(|(s, _)| *s <= seq) {
            if let Some((_, bytes)) = self.entries.pop_front() {
                self.bytes -= bytes.len();
            }
        }
        self.forgotten_upto = self.forgotten_upto.max(seq);
    }

    /// The updates numbered above `seq`, or `None` if some of them were
    /// forgotten.
    fn after(&self, seq: u64) -> Option<impl Iterator<Item = &[u8]>> {
        (seq >= self.forgotten_upto).then(|| {
            self.entries
                .iter()
                .filter(move |(s, _)| *s > seq)
                .map(|(_, bytes)| bytes.as_slice())
        })
    }
}

/// What a comparison found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotCheck {
    /// The snapshot is this copy as of `covers_upto`.
    Matches,
    /// It is not: why, in English, for logs (the app has its own words).
    Differs(String),
    /// This copy cannot say: why.
    CannotTell(String),
}

/// Items and deletions: what an update or a state brings.
#[derive(Default)]
struct Extent {
    inserted: IdSet,
    deleted: IdSet,
}

impl Extent {
    fn add_update(&mut self, update: &[u8]) -> Result<(), String> {
        let update = Update::decode_v1(update).map_err(|e| e.to_string())?;
        self.inserted.merge_with(update.insertions(true));
        self.deleted.merge_with(update.delete_set().clone());
        Ok(())
    }
}

/// The ids `sv` has and `base` lacks, per client.
fn beyond(sv: &StateVector, base: &StateVector) -> IdSet {
    IdSet::from_iter(sv.iter().filter_map(|(client, clock)| {
        let from = base.get(client);
        (*clock > from).then_some((*client, std::iter::once(from..*clock)))
    }))
}

/// The roots' content, as JSON-like values, leaving out empty ones (a root
/// a document declares but nobody wrote is the same as none).
fn roots(doc: &Document) -> BTreeMap<String, Any> {
    let txn = doc.doc.transact();
    txn.root_refs()
        .map(|(name, value)| (name.to_owned(), value.to_json(&txn)))
        .filter(|(_, value)| !is_empty(value))
        .collect()
}

fn is_empty(value: &Any) -> bool {
    match value {
        Any::Null | Any::Undefined => true,
        Any::String(s) => s.is_empty(),
        Any::Array(a) => a.is_empty(),
        Any::Map(m) => m.is_empty(),
        _ => false,
    }
}

impl Document {
    /// Compare a co-author's snapshot `state`, claiming to hold everything
    /// up to `covers_upto`, with this copy, which applied at least as far;
    /// `coverage` holds the updates applied since, `unsent` this copy's own
    /// updates not yet acknowledged. See the module docs.
    pub fn check_snapshot(
        &self,
        state: &[u8],
        covers_upto: u64,
        coverage: &Coverage,
        unsent: &[&[u8]],
    ) -> SnapshotCheck {
        let Some(later) = coverage.after(covers_upto) else {
            return SnapshotCheck::CannotTell(format!(
                "the updates after {covers_upto} are no longer remembered one by one"
            ));
        };
        let theirs = Document::new(self.client_id());
        if let Err(e) = theirs.apply_remote(state) {
            return SnapshotCheck::Differs(format!("the snapshot does not decode: {e}"));
        }
        if theirs.missing().is_some() {
            return SnapshotCheck::Differs("the snapshot refers to edits it lacks".into());
        }
        let their = theirs.doc.transact().snapshot();
        let our = self.doc.transact().snapshot();

        // 2. Nothing we lack.
        if !beyond(&their.state_map, &our.state_map).is_empty() {
            return SnapshotCheck::Differs("the snapshot holds edits this copy never had".into());
        }
        if !their.delete_set.diff(&our.delete_set).is_empty() {
            return SnapshotCheck::Differs(
                "the snapshot deletes text this copy never saw deleted".into(),
            );
        }

        // 3. Nothing missing but what came after, or is ours to send.
        let mut allowed = Extent::default();
        for update in later.chain(unsent.iter().copied()) {
            if let Err(e) = allowed.add_update(update) {
                return SnapshotCheck::CannotTell(format!("an update of this copy: {e}"));
            }
        }
        let lacking = beyond(&our.state_map, &their.state_map).diff(&allowed.inserted);
        if !lacking.is_empty() {
            return SnapshotCheck::Differs(format!(
                "the snapshot lacks edits numbered up to {covers_upto}: {lacking:?}"
            ));
        }
        let undeleted = our
            .delete_set
            .diff(&their.delete_set)
            .diff(&allowed.deleted);
        if !undeleted.is_empty() {
            return SnapshotCheck::Differs(format!(
                "the snapshot lacks deletions numbered up to {covers_upto}"
            ));
        }

        // 4. The same content at its state.
        let mut at = StateVector::default();
        for (client, clock) in their.state_map.iter() {
            if *clock > 0 {
                at.set_max(*client, *clock);
            }
        }
        let past = Snapshot::new(at, their.delete_set.clone());
        let mut encoder = EncoderV1::new();
        if let Err(e) = self
            .doc
            .transact()
            .encode_state_from_snapshot(&past, &mut encoder)
        {
            return SnapshotCheck::CannotTell(format!("this copy's past state: {e}"));
        }
        let ours_then = Document::new(self.client_id());
        if let Err(e) = ours_then.apply_remote(&encoder.to_vec()) {
            return SnapshotCheck::CannotTell(format!("this copy's past state: {e}"));
        }
        let (mine, other) = (roots(&ours_then), roots(&theirs));
        if mine != other {
            let names: Vec<&String> = mine
                .keys()
                .chain(other.keys())
                .filter(|k| mine.get(*k) != other.get(*k))
                .collect();
            return SnapshotCheck::Differs(format!(
                "the snapshot's content differs from this copy's in {names:?}"
            ));
        }
        SnapshotCheck::Matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::schema::DocKind;

    fn edit(start: u32, delete: u32, insert: &str) -> Edit {
        Edit {
            start,
            delete,
            insert: insert.to_owned(),
        }
    }

    /// Two copies that applied the same numbered updates 1..=n, and the
    /// coverage the checker keeps.
    struct Room {
        init: Vec<u8>,
        uploader: Document,
        checker: Document,
        coverage: Coverage,
        seq: u64,
    }

    impl Room {
        fn new() -> Self {
            let uploader = Document::new(1);
            let init = uploader.init_meta(DocKind::Text, "Motion", 1);
            let mut room = Room {
                init: init.clone(),
                uploader: Document::new(1),
                checker: Document::new(2),
                coverage: Coverage::new(0),
                seq: 0,
            };
            room.both(init);
            room
        }

        /// An update stored under the next number, applied by both.
        fn both(&mut self, update: Vec<u8>) {
            self.seq += 1;
            self.uploader.apply_remote(&update).expect("applies");
            self.checker.apply_remote(&update).expect("applies");
            self.coverage.note(self.seq, &update);
        }

        fn type_by_uploader(&mut self, e: Edit) {
            let update = self.uploader.edit_body(&e).expect("fits");
            self.both(update);
        }

        fn check(&self, state: &[u8], covers_upto: u64) -> SnapshotCheck {
            self.checker
                .check_snapshot(state, covers_upto, &self.coverage, &[])
        }
    }

    #[test]
    fn an_honest_snapshot_matches_even_with_later_updates_and_unsent_edits() {
        let mut room = Room::new();
        room.type_by_uploader(edit(0, 0, "La motion est adoptée."));
        room.type_by_uploader(edit(3, 7, "résolution"));
        let snapshot = room.uploader.encode_state();
        let covers = room.seq;
        assert_eq!(room.check(&snapshot, covers), SnapshotCheck::Matches);
        // The checker applied more since, and typed something not yet sent.
        room.type_by_uploader(edit(0, 0, "Amendée : "));
        let unsent = room.checker.edit_body(&edit(0, 0, "!")).expect("fits");
        assert_eq!(
            room.checker
                .check_snapshot(&snapshot, covers, &room.coverage, &[&unsent]),
            SnapshotCheck::Matches
        );
    }

    #[test]
    fn a_forged_snapshot_with_another_text_covering_the_head_is_refused() {
        let mut room = Room::new();
        room.type_by_uploader(edit(0, 0, "Le texte voté"));
        // A hostile editor writes another text in a copy of its own and
        // claims it covers everything.
        let forger = Document::new(1);
        forger.init_meta(DocKind::Text, "Motion", 1);
        forger
            .edit_body(&edit(0, 0, "Un autre texte"))
            .expect("fits");
        let check = room.check(&forger.encode_state(), room.seq);
        assert!(matches!(check, SnapshotCheck::Differs(_)), "{check:?}");
    }

    #[test]
    fn a_snapshot_that_drops_an_update_it_claims_to_cover_is_refused() {
        let mut room = Room::new();
        room.type_by_uploader(edit(0, 0, "Premier. "));
        let old = room.uploader.encode_state();
        room.type_by_uploader(edit(9, 0, "Second."));
        // An old state presented as covering the head: the relay would
        // delete update 3.
        let check = room.check(&old, room.seq);
        assert!(matches!(check, SnapshotCheck::Differs(_)), "{check:?}");
        // The same state, honestly numbered, is fine.
        assert_eq!(room.check(&old, room.seq - 1), SnapshotCheck::Matches);
    }

    #[test]
    fn a_snapshot_that_deletes_what_nobody_deleted_is_refused() {
        let mut room = Room::new();
        room.type_by_uploader(edit(0, 0, "À garder"));
        let forger = Document::load(9, &room.uploader.encode_state()).expect("loads");
        forger.edit_body(&edit(0, 8, "")).expect("fits");
        let check = room.check(&forger.encode_state(), room.seq);
        assert!(matches!(check, SnapshotCheck::Differs(_)), "{check:?}");
    }

    #[test]
    fn a_snapshot_with_edits_the_checker_never_had_is_refused() {
        let mut room = Room::new();
        room.type_by_uploader(edit(0, 0, "Texte"));
        // The relay withheld the uploader's last update from the checker.
        room.uploader
            .edit_body(&edit(5, 0, " caché"))
            .expect("fits");
        let check = room.check(&room.uploader.encode_state(), room.seq);
        assert!(matches!(check, SnapshotCheck::Differs(_)), "{check:?}");
    }

    #[test]
    fn the_same_ids_with_other_content_are_refused() {
        let mut room = Room::new();
        // Client 7 writes "vrai", stored as update 2.
        let author = Document::load(7, &room.checker.encode_state()).expect("loads");
        let update = author.edit_body(&edit(0, 0, "vrai")).expect("fits");
        room.both(update);
        // A forger reuses client 7's ids for other letters: the same state
        // vector, the same delete set, another text.
        let forgery = Document::load(1, &room.init).expect("loads");
        let liar = Document::load(7, &room.init).expect("loads");
        let lie = liar.edit_body(&edit(0, 0, "faux")).expect("fits");
        forgery.apply_remote(&lie).expect("applies");
        let check = room.check(&forgery.encode_state(), room.seq);
        assert!(matches!(check, SnapshotCheck::Differs(_)), "{check:?}");
    }

    #[test]
    fn garbage_is_refused_and_forgotten_updates_cannot_be_told() {
        let mut room = Room::new();
        room.type_by_uploader(edit(0, 0, "x"));
        assert!(matches!(
            room.check(&[0xff, 0xff, 0xff], room.seq),
            SnapshotCheck::Differs(_)
        ));
        let mut small = Coverage::with_capacity(0, 10);
        small.note(1, &[0; 8]);
        small.note(2, &[0; 8]);
        assert!(matches!(
            room.checker
                .check_snapshot(&room.uploader.encode_state(), 0, &small, &[]),
            SnapshotCheck::CannotTell(_)
        ));
        small.forget_upto(5);
        assert!(small.after(5).is_some());
        assert!(small.after(4).is_none());
    }
}

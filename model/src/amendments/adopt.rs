//! Adopting an amendment: its wording goes into the body as one edit, in
//! the same transaction as the decision, so undo takes both back as one
//! step; the amendments it collides with fall unless their wording still
//! applies, and say which one replaced their passage.
//!
//! - A sub-amendment amends its amendment, not the text: adopting it
//!   changes the wording its parent will bring (the latest adopted
//!   sub-amendment's), and its open siblings fall.
//! - Another open amendment still applies when its passage, as filed, is
//!   still the text at its anchors after the edit (its words were outside
//!   what the adopted one replaced); an insertion point strictly inside
//!   the replaced passage falls (its place is gone).
//! - The open sub-amendments of the adopted one fall with it being
//!   decided.

use yrs::updates::decoder::Decode;
use yrs::{GetString, StickyIndex, Text, Transact, TransactionMut};

use super::book::Book;
use super::collide::competes;
use super::decisions::{Counts, Decision, Decisions};
use super::overview::status_of;
use super::record::Revision;
use super::{AmendError, Status};
use crate::document::Document;

/// What adopting did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adopted {
    /// The update to send.
    pub update: Vec<u8>,
    /// The amendments that fell, by id.
    pub fallen: Vec<String>,
}

/// Another open amendment competing with the adopted one, as it was
/// before the edit.
struct Other {
    id: String,
    start: Vec<u8>,
    end: Vec<u8>,
    passage: String,
    before: (u32, u32),
}

fn resolve(doc: &Document, txn: &TransactionMut, bytes: &[u8]) -> Option<u32> {
    let index = StickyIndex::decode_v1(bytes).ok()?;
    let offset = index.get_offset(txn)?;
    let body = yrs::branch::BranchPtr::from(AsRef::<yrs::branch::Branch>::as_ref(&doc.body));
    (offset.branch == body).then_some(offset.index.min(doc.body.len(txn)))
}

fn span(doc: &Document, txn: &TransactionMut, start: &[u8], end: &[u8]) -> Option<(u32, u32)> {
    let (a, b) = (resolve(doc, txn, start)?, resolve(doc, txn, end)?);
    Some((a.min(b), a.max(b)))
}

impl Document {
    /// Adopt `id` with the vote `counts`, as the keeper `name` at `time`.
    pub fn adopt(
        &self,
        book: &Book,
        decisions: &Decisions,
        id: &str,
        counts: Option<Counts>,
        name: &str,
        time: i64,
    ) -> Result<Adopted, AmendError> {
        let amendment = book.amendment(id).ok_or(AmendError::NotFound)?;
        let decided = decisions.get(id);
        let status = status_of(amendment, decided);
        if status.is_closed() {
            return Err(AmendError::Decided);
        }
        let frozen = decided.and_then(|d| d.frozen_rev);
        let revision = amendment.current(frozen);
        let open = |other: &str| {
            book.amendment(other)
                .is_some_and(|a| !status_of(a, decisions.get(other)).is_closed())
        };
        let fall = |txn: &mut TransactionMut, other: &str, because: &str| {
            let decided = decisions.get(other);
            let rev = book
                .amendment(other)
                .map_or(0, |a| a.current(decided.and_then(|d| d.frozen_rev)).rev);
            let from = book
                .amendment(other)
                .map_or(Status::Filed, |a| status_of(a, decided));
            self.push_decision(
                txn,
                &Decision {
                    amendment: other.to_owned(),
                    from,
                    to: Status::Fallen,
                    rev,
                    counts: None,
                    note: String::new(),
                    because: Some(because.to_owned()),
                },
                name,
                time,
            );
        };
        let adopted = Decision {
            amendment: id.to_owned(),
            from: status,
            to: Status::Adopted,
            rev: revision.rev,
            counts,
            note: String::new(),
            because: None,
        };
        let children = |parent: &str| -> Vec<String> {
            book.amendments()
                .filter(|a| {
                    a.id != id
                        && a.current(decisions.get(&a.id).and_then(|d| d.frozen_rev))
                            .parent
                            .as_deref()
                            == Some(parent)
                })
                .map(|a| a.id.clone())
                .collect()
        };
        let mut fallen = Vec::new();
        // No origin: the undo manager tracks it (body and decisions).
        let mut txn = self.doc.transact_mut();
        if let Some(parent) = &revision.parent {
            self.push_decision(&mut txn, &adopted, name, time);
            for sibling in children(parent) {
                if open(&sibling) {
                    fall(&mut txn, &sibling, id);
                    fallen.push(sibling);
                }
            }
            return Ok(Adopted {
                update: self.made(txn.encode_update_v1()),
                fallen,
            });
        }
        let (start, end) =
            span(self, &txn, &revision.start, &revision.end).ok_or(AmendError::PassageGone)?;
        if start == end && !revision.passage.is_empty() {
            return Err(AmendError::PassageGone);
        }
        // The wording: the latest adopted sub-amendment's, or its own.
        let wording = children(id)
            .iter()
            .filter(|child| {
                decisions
                    .get(child.as_str())
                    .is_some_and(|d| d.status() == Status::Adopted)
            })
            .filter_map(|child| {
                let decided = decisions.get(child.as_str())?;
                let time = decided.history.last()?.time;
                let child = book.amendment(child)?;
                Some((
                    time,
                    child
                        .current(decided.frozen_rev)
                        .proposal
                        .wording()
                        .to_owned(),
                ))
            })
            .max_by_key(|(time, _)| *time)
            .map_or_else(|| revision.proposal.wording().to_owned(), |(_, w)| w);
        // The others, before the edit: every open amendment of the text,
        // resolved in one walk; those competing with this one are kept.
        let candidates: Vec<(String, &Revision)> = book
            .amendments()
            .filter(|a| a.id != id && open(&a.id))
            .map(|a| {
                let r = a.current(decisions.get(&a.id).and_then(|d| d.frozen_rev));
                (a.id.clone(), r)
            })
            .filter(|(_, r)| r.parent.is_none())
            .collect();
        let pairs: Vec<(&[u8], &[u8])> = candidates
            .iter()
            .map(|(_, r)| (r.start.as_slice(), r.end.as_slice()))
            .collect();
        let spans = self.resolve_spans_in(&mut txn, &pairs);
        let others: Vec<Other> = candidates
            .iter()
            .zip(spans)
            .filter_map(|((other, r), at)| {
                let at = at?;
                competes((start, end), at).then(|| Other {
                    id: other.clone(),
                    start: r.start.clone(),
                    end: r.end.clone(),
                    passage: r.passage.clone(),
                    before: at,
                })
            })
            .collect();
        if end > start {
            self.body.remove_range(&mut txn, start, end - start);
        }
        if !wording.is_empty() {
            self.body.insert(&mut txn, start, &wording);
        }
        self.push_decision(&mut txn, &adopted, name, time);
        // And after it: where the competing ones are now, in one walk.
        let body = self.body.get_string(&txn);
        let pairs: Vec<(&[u8], &[u8])> = others
            .iter()
            .map(|o| (o.start.as_slice(), o.end.as_slice()))
            .collect();
        let now = self.resolve_spans_in(&mut txn, &pairs);
        let passages = super::anchors::slices(&body, &now);
        for (other, now) in others.into_iter().zip(passages) {
            let before = other.before;
            let inside = before.0 == before.1 && start < before.0 && before.0 < end;
            let applies = !inside && now.is_some_and(|now| now == other.passage);
            if !applies {
                fall(&mut txn, &other.id, id);
                fallen.push(other.id);
            }
        }
        for child in children(id) {
            if open(&child) {
                fall(&mut txn, &child, id);
                fallen.push(child);
            }
        }
        Ok(Adopted {
            update: self.made(txn.encode_update_v1()),
            fallen,
        })
    }
}

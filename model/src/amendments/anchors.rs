//! Where every amendment's passage is now: the sticky pairs of
//! [`Document::stick`] resolved all at once, in one walk of the body, and
//! the lines a span covers. The records that carry the pairs, and what an
//! amendment does with its span, are [`crate::amendments`]'s.
//!
//! [`Document::unstick`] resolves one pair by asking Yrs, which walks
//! every item to the left of each anchor: O(items) an anchor, so 3,000
//! amendments near the end of a congress's text walk it 6,000 times.
//! [`Document::resolve_spans`] walks it once instead. Yrs keeps no public
//! walk over a text's items, but a diff of the present against an empty
//! snapshot yields every visible item with its id (as
//! [`Document::authorship`] reads it), so one pass records, for each Yrs
//! client, its visible items as `(first clock, length, offset in the
//! body)`, sorted by clock; each anchor's id is then found by binary
//! search. A string item's clocks count UTF-16 units, as the body's
//! offsets do, so the character with clock `c` of an item starting at
//! clock `k` and offset `o` is at `o + (c - k)`.
//!
//! Resolving an index the way Yrs does (`StickyIndex::get_offset`):
//! `Assoc::After` is the position of the character it names (text typed
//! before that character pushes it right), `Assoc::Before` the position
//! just after it. An index on a deleted character is where that character
//! was: the visible text to its left (both ends of a passage deleted whole
//! meet there, and the amendment knows its words are gone). When the
//! present's delete set says some anchors are on deleted text, the walk
//! covers every item ever inserted instead (the document is `skip_gc`:
//! deleted items keep their place and their text), deleted ones taking no
//! room: one walk still, longer by the deleted text. An index on text not received
//! yet resolves to nothing, and an index on an empty body names the body
//! itself: those are left to Yrs, which answers them without a walk.
//!
//! One difference with Yrs, on purpose: when an undo brings deleted text
//! back, Yrs makes new items and, in the copy that undid only and until it
//! is reloaded (the link is not in any update), moves indices on the old
//! items onto the new ones. Every other copy resolves them where the
//! deleted text is. An amendment's passage, its lines and its competitors
//! must be the same for every member, so here they are resolved as every
//! copy does, the one that undid included.

use yrs::branch::BranchPtr;
use yrs::types::text::YChange;
use yrs::updates::decoder::Decode;
use yrs::{
    Any, Assoc, IdSet, Out, ReadTxn, Snapshot, StickyIndex, Text, Transact, TransactionMut, ID,
};

use crate::document::Document;
use crate::edit::utf16_len;
use crate::lines::Lines;

/// One item of the body: its first clock, its length (UTF-16 units, which
/// are its clocks too), where it is in the body, and whether it is
/// deleted (then it takes no room: its offset is where it was).
#[derive(Clone, Copy, Debug)]
struct Item {
    clock: u32,
    len: u32,
    offset: u32,
    deleted: bool,
}

/// The body's items, by client and clock: the visible ones, or every
/// item ever inserted.
struct Items {
    /// `(client, items sorted by clock)`, sorted by client.
    clients: Vec<(u64, Vec<Item>)>,
}

impl Items {
    /// One walk of `body`'s items: the visible ones, or (`everything`)
    /// the deleted ones too, `now` saying which are deleted.
    fn walk(
        document: &Document,
        txn: &mut TransactionMut,
        now: &Snapshot,
        everything: bool,
    ) -> Items {
        // Every item ever inserted is visible in a snapshot with the
        // present state and no deletion; the deleted ones are still there,
        // with their text (the document is `skip_gc`).
        let all = Snapshot::new(now.state_map.clone(), IdSet::default());
        let high = if everything { &all } else { now };
        let chunks = document.body.diff_range(
            txn,
            Some(high),
            Some(&Snapshot::default()),
            |change: YChange| change.id,
        );
        let mut items: Vec<(u64, Item)> = Vec::with_capacity(chunks.len());
        let mut offset = 0u32;
        for chunk in chunks {
            let len = match &chunk.insert {
                Out::Any(Any::String(text)) => utf16_len(text),
                // An embed counts as one position; the body has none.
                _ => 1,
            };
            // Only embeds come without an id: no index names them here.
            let deleted = chunk.ychange.is_some_and(|id| now.delete_set.contains(&id));
            if let Some(id) = chunk.ychange {
                items.push((
                    id.client.get(),
                    Item {
                        clock: id.clock,
                        len,
                        offset,
                        deleted,
                    },
                ));
            }
            if !deleted {
                offset = offset.saturating_add(len);
            }
        }
        items.sort_unstable_by_key(|(client, item)| (*client, item.clock));
        let mut clients: Vec<(u64, Vec<Item>)> = Vec::new();
        for (client, item) in items {
            match clients.last_mut() {
                Some((last, list)) if *last == client => list.push(item),
                _ => clients.push((client, vec![item])),
            }
        }
        Items { clients }
    }

    /// Where an index on the character `id` is, as Yrs says (see the
    /// module docs), or `None` when no item walked holds it.
    fn offset(&self, id: &ID, assoc: Assoc) -> Option<u32> {
        let client = self
            .clients
            .binary_search_by_key(&id.client.get(), |(client, _)| *client)
            .ok()?;
        let items = &self.clients[client].1;
        let after = items.partition_point(|item| item.clock <= id.clock);
        let item = items.get(after.checked_sub(1)?)?;
        let within = id.clock - item.clock;
        (within < item.len).then(|| match (item.deleted, assoc) {
            (true, _) => item.offset,
            (false, Assoc::After) => item.offset + within,
            (false, Assoc::Before) => item.offset + within + 1,
        })
    }
}

/// What resolving cost besides its one walk (for the tests: the fast path
/// must be the usual one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Cost {
    /// Whether some anchors were on deleted text, so the walk covered
    /// everything ever inserted, not only the visible text.
    everything: bool,
    /// How many anchors were left to Yrs.
    by_yrs: usize,
}

impl Document {
    /// Where each pair of encoded sticky indices from [`Document::stick`]
    /// is in the body now (`(start, end)`, `start <= end`, in UTF-16
    /// units; `None` when one of the two does not decode, points into
    /// something else than the body, or at text not received yet), in one
    /// walk of the body (see the module docs). What [`Document::unstick`] says pair by pair, except
    /// on a copy where an undo brought deleted text back: there Yrs moves
    /// the anchors onto the restored text, for that copy only and until
    /// it is reloaded; here they stay where the deleted text is, as on
    /// every other copy.
    pub fn resolve_spans(&self, pairs: &[(&[u8], &[u8])]) -> Vec<Option<(u32, u32)>> {
        self.resolve_counting(pairs).0
    }

    /// [`Document::resolve_spans`], and what it cost.
    fn resolve_counting(&self, pairs: &[(&[u8], &[u8])]) -> (Vec<Option<(u32, u32)>>, Cost) {
        if pairs.is_empty() {
            return (Vec::new(), Cost::default());
        }
        // A write transaction, for the diff, that changes nothing (see
        // [`Document::authorship`]).
        let mut txn = self.doc.transact_mut_with("cahier/anchors");
        self.resolve_in(&mut txn, pairs)
    }

    /// [`Document::resolve_spans`] inside a transaction of this
    /// document's (adopting resolves the others before and after its
    /// edit, in the transaction that makes it); the walk changes nothing.
    pub(crate) fn resolve_spans_in(
        &self,
        txn: &mut TransactionMut,
        pairs: &[(&[u8], &[u8])],
    ) -> Vec<Option<(u32, u32)>> {
        self.resolve_in(txn, pairs).0
    }

    fn resolve_in(
        &self,
        txn: &mut TransactionMut,
        pairs: &[(&[u8], &[u8])],
    ) -> (Vec<Option<(u32, u32)>>, Cost) {
        let mut cost = Cost::default();
        if pairs.is_empty() {
            return (Vec::new(), cost);
        }
        let decode = |bytes: &[u8]| StickyIndex::decode_v1(bytes).ok();
        let decoded: Vec<Option<(StickyIndex, StickyIndex)>> = pairs
            .iter()
            .map(|(anchor, head)| Some((decode(anchor)?, decode(head)?)))
            .collect();
        let now = txn.snapshot();
        // The delete set says which anchors are on deleted text: when
        // some are, the one walk covers everything ever inserted.
        let deleted =
            |index: &StickyIndex| index.id().is_some_and(|id| now.delete_set.contains(id));
        cost.everything = decoded
            .iter()
            .flatten()
            .any(|(anchor, head)| deleted(anchor) || deleted(head));
        let items = Items::walk(self, txn, &now, cost.everything);
        let len = self.body.len(txn);
        let body = BranchPtr::from(AsRef::<yrs::branch::Branch>::as_ref(&self.body));
        let mut offset = |index: &StickyIndex| -> Option<u32> {
            if let Some(at) = index.id().and_then(|id| items.offset(id, index.assoc)) {
                return Some(at.min(len));
            }
            // The empty body, text not received, another type: Yrs.
            cost.by_yrs += 1;
            let offset = index.get_offset(txn)?;
            (offset.branch == body).then_some(offset.index.min(len))
        };
        let spans = decoded
            .iter()
            .map(|pair| {
                let (anchor, head) = pair.as_ref()?;
                let (a, b) = (offset(anchor)?, offset(head)?);
                Some((a.min(b), a.max(b)))
            })
            .collect();
        (spans, cost)
    }
}

/// The text of each span of `text` (UTF-16 units), as
/// [`super::book::utf16_slice`] gives one (`None` for a span out of the
/// text, backwards, or through a surrogate pair), in one pass over the
/// text for all of them: slicing each from the start of a congress's text
/// costs its length each time (seconds for 3,000 amendments).
pub fn slices(text: &str, spans: &[Option<(u32, u32)>]) -> Vec<Option<String>> {
    let mut wanted: Vec<u32> = spans
        .iter()
        .flatten()
        .filter(|(start, end)| start <= end)
        .flat_map(|(start, end)| [*start, *end])
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    // The byte offset of each wanted unit offset that is a character
    // boundary, in the order of `wanted`.
    let mut bytes: Vec<Option<usize>> = vec![None; wanted.len()];
    let mut next = 0;
    let mut unit = 0u32;
    for (byte, c) in text.char_indices().chain([(text.len(), '\0')]) {
        while next < wanted.len() && wanted[next] < unit {
            // Inside a surrogate pair: no boundary there.
            next += 1;
        }
        if next == wanted.len() {
            break;
        }
        if wanted[next] == unit {
            bytes[next] = Some(byte);
            next += 1;
        }
        unit += c.len_utf16() as u32;
    }
    let byte = |unit: u32| {
        let at = wanted.binary_search(&unit).ok()?;
        bytes[at]
    };
    spans
        .iter()
        .map(|span| {
            let (start, end) = (*span)?;
            if start > end {
                return None;
            }
            Some(text[byte(start)?..byte(end)?].to_owned())
        })
        .collect()
}

/// The lines a span of the body covers, as congress texts cite them ("l.
/// 42-45"): the first and the last numbered line holding one of its
/// characters (1-based, [`Lines`]'s numbering). An empty span (an
/// insertion point) is on the line [`Lines::line_of`] gives; a point, or
/// a span, where no line is numbered (blank lines between paragraphs) is
/// cited by the last line before it, where the insertion goes ("after
/// line 12"), or the first line after it at the start of the text.
/// `None` only when no line is numbered at all.
pub fn line_span(lines: &Lines, span: (u32, u32)) -> Option<(u32, u32)> {
    let (start, end) = (span.0.min(span.1), span.0.max(span.1));
    let all = lines.lines();
    if start < end {
        // Lines whose units meet [start, end): from the first ending after
        // start to the last starting before end.
        let first = all.partition_point(|line| line.units.end <= start);
        let last = all.partition_point(|line| line.units.start < end);
        if first < last {
            return Some((all[first].number, all[last - 1].number));
        }
    } else if let Some(number) = lines.line_of(start) {
        return Some((number, number));
    }
    let before = all.partition_point(|line| line.units.end <= start);
    let line = before
        .checked_sub(1)
        .and_then(|at| all.get(at))
        .or_else(|| all.first())?;
    Some((line.number, line.number))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::edit::Edit;
    use crate::schema::DocKind;
    use yrs::updates::encoder::Encode;

    fn edit(start: u32, delete: u32, insert: &str) -> Edit {
        Edit {
            start,
            delete,
            insert: insert.to_owned(),
        }
    }

    /// Two documents that exchanged their initial state.
    fn pair() -> (Document, Document) {
        let alice = Document::new(1);
        let bob = Document::new(2);
        bob.apply_remote(&alice.init_meta(DocKind::Text, "Motion", 1_700_000_000_000))
            .expect("applies");
        (alice, bob)
    }

    /// A small deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u32) -> u32 {
            (self.next() % u64::from(n.max(1))) as u32
        }
    }

    const WORDS: [&str; 12] = [
        "la ",
        "motion ",
        "du ",
        "congrès ",
        "élu·es ",
        "« paix » ",
        "😀 ",
        "vote ",
        "\n\n",
        "adoptée ",
        "section ",
        "– ",
    ];

    fn words(rng: &mut Rng, n: u32) -> String {
        (0..n)
            .map(|_| WORDS[rng.below(WORDS.len() as u32) as usize])
            .collect()
    }

    /// A UTF-16 offset of `doc`'s body that does not split a surrogate
    /// pair, at or before `at`.
    fn boundary(doc: &Document, at: u32) -> u32 {
        let units: Vec<u16> = doc.body().encode_utf16().collect();
        let mut at = (at as usize).min(units.len());
        while at > 0 && at < units.len() && (0xdc00..0xe000).contains(&units[at]) {
            at -= 1;
        }
        at as u32
    }

    /// A random edit of `doc`, often at a span's edges, inside it, or over
    /// it all.
    fn random_edit(rng: &mut Rng, doc: &Document, spans: &[Option<(u32, u32)>]) -> Vec<u8> {
        let len = doc.body_len();
        let span = spans
            .get(rng.below(spans.len() as u32) as usize)
            .copied()
            .flatten();
        let (start, delete) = match (rng.below(8), span) {
            // Typing at an edge of a passage.
            (0, Some((s, e))) => (if rng.below(2) == 0 { s } else { e }, 0),
            // Inside it.
            (1, Some((s, e))) => (s + rng.below(e - s + 1), 0),
            // The whole passage, and a little more sometimes.
            (2, Some((s, e))) => {
                let more = rng.below(2) * rng.below(5);
                (s.saturating_sub(more), e - s + 2 * more)
            }
            // One of its edges.
            (3, Some((s, e))) => {
                let cut = rng.below(e - s + 1);
                if rng.below(2) == 0 {
                    (s.saturating_sub(2), cut + 2)
                } else {
                    (e - cut, cut + 2)
                }
            }
            _ => (rng.below(len + 1), rng.below(3) * rng.below(12)),
        };
        let start = boundary(doc, start);
        let end = boundary(doc, start.saturating_add(delete));
        let insert = if rng.below(3) == 0 {
            String::new()
        } else {
            let n = rng.below(4) + 1;
            words(rng, n)
        };
        doc.edit_body(&edit(start, end - start, &insert))
            .expect("in the body")
    }

    /// Anchors on `doc`'s body: random spans, empty ones, the whole body,
    /// its end.
    fn random_anchors(rng: &mut Rng, doc: &Document, n: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
        let len = doc.body_len();
        (0..n)
            .filter_map(|i| {
                let (start, end) = match i % 7 {
                    0 => (0, len),
                    1 => (len, len),
                    2 => {
                        let p = rng.below(len + 1);
                        (p, p)
                    }
                    _ => {
                        let s = rng.below(len + 1);
                        (s, s + rng.below(40))
                    }
                };
                let start = boundary(doc, start);
                let end = boundary(doc, end.min(len)).max(start);
                doc.stick(start, end)
            })
            .collect()
    }

    fn by_unstick(doc: &Document, pairs: &[(&[u8], &[u8])]) -> Vec<Option<(u32, u32)>> {
        pairs.iter().map(|(a, h)| doc.unstick(a, h)).collect()
    }

    fn borrowed(pairs: &[(Vec<u8>, Vec<u8>)]) -> Vec<(&[u8], &[u8])> {
        pairs
            .iter()
            .map(|(a, h)| (a.as_slice(), h.as_slice()))
            .collect()
    }

    #[test]
    fn spans_resolve_as_unstick_says_after_random_concurrent_edits() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let mut resolved = 0;
        let mut lost_or_moved = 0;
        let mut walked_everything = 0;
        for round in 0..12 {
            let (alice, bob) = pair();
            let start = words(&mut rng, 150);
            bob.apply_remote(&alice.edit_body(&edit(0, 0, &start)).expect("fits"))
                .expect("applies");
            let mut anchors = random_anchors(&mut rng, &alice, 40);
            anchors.extend(random_anchors(&mut rng, &bob, 40));
            let first: Vec<Option<(u32, u32)>> = by_unstick(&alice, &borrowed(&anchors));
            for step in 0..25 {
                let pairs = borrowed(&anchors);
                let (spans, cost) = alice.resolve_counting(&pairs);
                if step == 0 {
                    // Every anchor is on a visible character: one walk.
                    assert_eq!(cost, Cost::default());
                }
                // Both write at once, then hear each other.
                let from_alice: Vec<Vec<u8>> = (0..rng.below(3) + 1)
                    .map(|_| random_edit(&mut rng, &alice, &spans))
                    .collect();
                let from_bob: Vec<Vec<u8>> = (0..rng.below(3) + 1)
                    .map(|_| random_edit(&mut rng, &bob, &spans))
                    .collect();
                for update in &from_alice {
                    bob.apply_remote(update).expect("applies");
                }
                for update in &from_bob {
                    alice.apply_remote(update).expect("applies");
                }
                assert_eq!(alice.body(), bob.body());
                for doc in [&alice, &bob] {
                    let expected = by_unstick(doc, &pairs);
                    let (spans, cost) = doc.resolve_counting(&pairs);
                    // Never a walk per anchor.
                    assert_eq!(cost.by_yrs, 0);
                    walked_everything += usize::from(cost.everything);
                    assert_eq!(
                        spans,
                        expected,
                        "round {round}, step {step}, {:?}",
                        doc.body()
                    );
                    resolved += expected.iter().flatten().count();
                }
                if step % 8 == 7 {
                    anchors.extend(random_anchors(&mut rng, &bob, 5));
                }
            }
            let last = by_unstick(&alice, &borrowed(&anchors));
            lost_or_moved += first.iter().zip(&last).filter(|(a, b)| a != b).count();
        }
        // The edits moved passages, and most of them still resolve.
        assert!(lost_or_moved > 100, "{lost_or_moved}");
        assert!(resolved > 12 * 25 * 2 * 60, "{resolved}");
        // Deleted passages were found in the walk of everything.
        assert!(walked_everything > 0);
    }

    #[test]
    fn a_deleted_passage_resolves_where_it_was_on_every_copy_even_after_an_undo() {
        let (mut alice, bob) = pair();
        alice.enable_undo(Arc::new(|| 1_000));
        let text = "Le congrès affirme la paix et le pain.";
        bob.apply_remote(&alice.edit_body(&edit(0, 0, text)).expect("fits"))
            .expect("applies");
        alice.stop_capturing();
        let (a, h) = bob.stick(22, 26).expect("in the body");
        let (p, q) = bob.stick(30, 30).expect("in the body");
        let pairs = [(a.as_slice(), h.as_slice()), (p.as_slice(), q.as_slice())];
        bob.apply_remote(&alice.edit_body(&edit(11, 19, "")).expect("fits"))
            .expect("applies");
        assert_eq!(alice.body(), "Le congrès le pain.");
        let (spans, cost) = alice.resolve_counting(&pairs);
        assert_eq!(spans, vec![Some((11, 11)); 2]);
        assert_eq!(
            cost,
            Cost {
                everything: true,
                by_yrs: 0
            }
        );
        assert_eq!(spans, by_unstick(&alice, &pairs));
        assert_eq!(bob.resolve_spans(&pairs), by_unstick(&bob, &pairs));
        // The undo writes the passage again, as new text after the old.
        bob.apply_remote(&alice.undo().expect("undoes"))
            .expect("applies");
        assert_eq!(alice.body(), text);
        assert_eq!(bob.body(), text);
        let reloaded = Document::load(7, &alice.encode_state()).expect("loads");
        for doc in [&bob, &reloaded] {
            assert_eq!(doc.resolve_spans(&pairs), vec![Some((30, 30)); 2]);
            assert_eq!(doc.resolve_spans(&pairs), by_unstick(doc, &pairs));
        }
        // The copy that undid agrees with the others; Yrs alone there
        // moves the anchors onto the restored words.
        assert_eq!(alice.resolve_spans(&pairs), vec![Some((30, 30)); 2]);
        assert_eq!(
            by_unstick(&alice, &pairs),
            vec![Some((22, 26)), Some((30, 30))]
        );
    }

    #[test]
    fn an_empty_body_the_body_s_end_and_garbage_resolve_as_unstick_says() {
        let (alice, bob) = pair();
        let empty = alice.stick(0, 0).expect("the empty body");
        let pairs = [(empty.0.as_slice(), empty.1.as_slice())];
        assert_eq!(alice.resolve_spans(&pairs), vec![Some((0, 0))]);
        bob.apply_remote(&alice.edit_body(&edit(0, 0, "amendement")).expect("fits"))
            .expect("applies");
        assert_eq!(alice.resolve_spans(&pairs), by_unstick(&alice, &pairs));
        let end = alice.stick(10, 10).expect("the end");
        let whole = alice.stick(0, 10).expect("the whole body");
        bob.apply_remote(&alice.edit_body(&edit(10, 0, " adopté")).expect("fits"))
            .expect("applies");
        bob.edit_body(&edit(0, 0, "Un ")).expect("fits");
        // Text not received: an index from a third document.
        let third = Document::new(3);
        third.edit_body(&edit(0, 0, "ailleurs")).expect("fits");
        let elsewhere = third.stick(2, 4).expect("in its body");
        // An index into another type of the document.
        let people = {
            let map = alice.doc.get_or_insert_map(crate::schema::PEOPLE);
            let txn = alice.doc.transact();
            StickyIndex::from_type(&txn, &map, Assoc::After).encode_v1()
        };
        let pairs: Vec<(&[u8], &[u8])> = vec![
            (&empty.0, &empty.1),
            (&end.0, &end.1),
            (&whole.0, &whole.1),
            (&elsewhere.0, &elsewhere.1),
            (&people, &people),
            (&[], &end.1),
            (&end.0, &[0xff, 0x00, 0x13]),
            (&[1, 2, 3, 4, 5, 6, 7], &[0x00; 9]),
        ];
        let spans = bob.resolve_spans(&pairs);
        assert_eq!(spans, by_unstick(&bob, &pairs));
        assert_eq!(&spans[1..3], &[Some((13, 13)), Some((3, 13))]);
        assert_eq!(&spans[3..], &[None; 5]);
        assert_eq!(bob.resolve_spans(&[]), vec![]);
    }

    #[test]
    fn spans_resolve_inside_a_transaction_that_edited_the_body() {
        let (alice, _) = pair();
        alice
            .edit_body(&edit(0, 0, "la motion est adoptée"))
            .expect("fits");
        let (a, h) = alice.stick(14, 21).expect("in the body");
        let (p, q) = alice.stick(3, 9).expect("in the body");
        let pairs = [(a.as_slice(), h.as_slice()), (p.as_slice(), q.as_slice())];
        let mut txn = alice.doc.transact_mut();
        alice.body.insert(&mut txn, 0, "« ");
        alice.body.remove_range(&mut txn, 5, 6);
        assert_eq!(
            alice.resolve_spans_in(&mut txn, &pairs),
            vec![Some((10, 17)), Some((5, 5))]
        );
        drop(txn);
        assert_eq!(alice.body(), "« la  est adoptée");
        assert_eq!(alice.resolve_spans(&pairs), by_unstick(&alice, &pairs));
    }

    #[test]
    fn slices_are_what_slicing_each_span_says() {
        let text = "Le congrès 😀 affirme\n« la paix »";
        let len = text.encode_utf16().count() as u32;
        let mut spans: Vec<Option<(u32, u32)>> = Vec::new();
        for start in 0..=len + 1 {
            for end in 0..=len + 1 {
                spans.push(Some((start, end)));
            }
        }
        spans.push(None);
        let expected: Vec<Option<String>> = spans
            .iter()
            .map(|span| span.and_then(|(s, e)| crate::amendments::book::utf16_slice(text, s, e)))
            .collect();
        assert_eq!(slices(text, &spans), expected);
        assert_eq!(slices(text, &[Some((3, 10))]), vec![Some("congrès".into())]);
        // Through the emoji's surrogate pair, backwards, past the end.
        assert_eq!(
            slices(text, &[Some((12, 13)), Some((5, 2)), Some((0, 99))]),
            vec![None; 3]
        );
        assert_eq!(slices("", &[Some((0, 0))]), vec![Some(String::new())]);
    }

    #[test]
    fn random_and_damaged_bytes_resolve_as_unstick_says_and_never_panic() {
        let mut rng = Rng(0xdead_beef_cafe_f00d);
        let (alice, bob) = pair();
        bob.apply_remote(
            &alice
                .edit_body(&edit(0, 0, &words(&mut rng, 60)))
                .expect("fits"),
        )
        .expect("applies");
        bob.edit_body(&edit(10, 20, "")).expect("fits");
        let good = random_anchors(&mut rng, &alice, 30);
        let mut damaged: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for _ in 0..3_000 {
            let (mut a, mut h) = good[rng.below(good.len() as u32) as usize].clone();
            for bytes in [&mut a, &mut h] {
                match rng.below(4) {
                    0 => bytes.truncate(rng.below(bytes.len() as u32) as usize),
                    1 => {
                        let at = rng.below(bytes.len() as u32) as usize;
                        bytes[at] = rng.next() as u8;
                    }
                    2 => bytes.push(rng.next() as u8),
                    _ => {
                        *bytes = (0..rng.below(12)).map(|_| rng.next() as u8).collect();
                    }
                }
            }
            damaged.push((a, h));
        }
        let pairs = borrowed(&damaged);
        assert_eq!(bob.resolve_spans(&pairs), by_unstick(&bob, &pairs));
    }

    #[test]
    fn a_span_s_lines_are_its_first_and_last_numbered_lines() {
        // Line 1: units 0..120 cut at 80 (lines 1, 2), a blank line, line
        // 3 "fin" at 122..125.
        let body = format!("{}\n\nfin", "mot ".repeat(30));
        let lines = Lines::new(&body);
        assert_eq!(lines.len(), 3);
        assert_eq!(line_span(&lines, (0, 5)), Some((1, 1)));
        assert_eq!(line_span(&lines, (0, 80)), Some((1, 1)));
        assert_eq!(line_span(&lines, (79, 81)), Some((1, 2)));
        assert_eq!(line_span(&lines, (5, 125)), Some((1, 3)));
        // From the blank line into "fin", and backwards.
        assert_eq!(line_span(&lines, (121, 123)), Some((3, 3)));
        assert_eq!(line_span(&lines, (123, 100)), Some((2, 3)));
        // Points: on a line, at its end, in the blank line (after line 2).
        assert_eq!(line_span(&lines, (80, 80)), Some((2, 2)));
        assert_eq!(line_span(&lines, (120, 120)), Some((2, 2)));
        assert_eq!(line_span(&lines, (121, 121)), Some((2, 2)));
        assert_eq!(line_span(&lines, (125, 125)), Some((3, 3)));
        // Only the line break and the blank line: after line 2.
        assert_eq!(line_span(&lines, (120, 122)), Some((2, 2)));
        // Past the end: after the last line.
        assert_eq!(line_span(&lines, (126, 126)), Some((3, 3)));
        // Blank before the first line: the first line.
        let lines = Lines::new("\n\nab");
        assert_eq!(line_span(&lines, (0, 0)), Some((1, 1)));
        assert_eq!(line_span(&lines, (0, 1)), Some((1, 1)));
        assert_eq!(line_span(&Lines::new(""), (0, 0)), None);
        assert_eq!(line_span(&Lines::new("  \n "), (0, 3)), None);
    }
}

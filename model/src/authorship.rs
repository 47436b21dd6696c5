//! Who wrote what: the body's visible text as runs of one Yrs client each
//! (one visit of one person), and those runs coloured through `people`, as
//! the app's "who wrote what" layer draws them. Deleted text has no
//! author here; the lengths are UTF-16 units, as in the textarea.
//! Drawing the runs is the app's job (`app/src/backdrop.rs`).

use yrs::types::text::YChange;
use yrs::{Any, Out, ReadTxn, Snapshot, Text, Transact};

use crate::awareness::is_colour;
use crate::document::{Document, Person};
use crate::edit::utf16_len;

/// A stretch of the body written by one Yrs client: `len` UTF-16 units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub client: u64,
    pub len: u32,
}

impl Document {
    /// Who wrote the body: its visible text as runs of one client each, in
    /// order, adjacent runs of the same client merged. Deleted text is not
    /// there; the lengths add up to [`Document::body_len`].
    ///
    /// Yrs keeps no public walk over a text's items, but a diff between
    /// the present and an empty snapshot marks every visible item as added,
    /// with its id: one chunk per item, which is what is needed here. The
    /// write transaction changes nothing (the snapshot splits no item the
    /// present does not already split), so no observer or update follows.
    pub fn authorship(&self) -> Vec<Run> {
        let mut txn = self.doc.transact_mut_with("cahier/authorship");
        let now = txn.snapshot();
        let chunks = self.body.diff_range(
            &mut txn,
            Some(&now),
            Some(&Snapshot::default()),
            |change: YChange| change.id.client.get(),
        );
        let mut runs: Vec<Run> = Vec::new();
        for chunk in chunks {
            let len = match &chunk.insert {
                Out::Any(Any::String(text)) => utf16_len(text),
                // An embed counts as one position.
                _ => 1,
            };
            // Only embeds come without an id; the body has none.
            let client = chunk.ychange.unwrap_or(0);
            match runs.last_mut() {
                Some(last) if last.client == client => last.len += len,
                _ if len > 0 => runs.push(Run { client, len }),
                _ => {}
            }
        }
        runs
    }

    /// [`Document::authorship`] coloured through `people` ([`colours`]).
    pub fn coloured_authorship(&self) -> Vec<(u32, Option<String>)> {
        colours(&self.authorship(), &self.people())
    }
}

/// Each run as `(length, colour)`: its author's colour in `people`, or
/// `None` for a client not listed there, or listed with a colour that is
/// not `#rrggbb` (colours end up in style attributes).
pub fn colours(runs: &[Run], people: &[(u64, Person)]) -> Vec<(u32, Option<String>)> {
    let colour = |client: u64| {
        people
            .binary_search_by_key(&client, |(id, _)| *id)
            .ok()
            .map(|at| &people[at].1.colour)
            .filter(|colour| is_colour(colour))
            .cloned()
    };
    runs.iter()
        .map(|run| (run.len, colour(run.client)))
        .collect()
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

    /// Two documents that exchanged their initial state.
    fn pair() -> (Document, Document) {
        let alice = Document::new(1);
        let bob = Document::new(2);
        let init = alice.init_meta(DocKind::Text, "Motion", 1_700_000_000_000);
        bob.apply_remote(&init).expect("alice's update applies");
        (alice, bob)
    }

    fn runs(doc: &Document) -> Vec<(u64, u32)> {
        doc.authorship().iter().map(|r| (r.client, r.len)).collect()
    }

    #[test]
    fn authorship_follows_interleaved_edits_and_deletions() {
        let (alice, bob) = pair();
        let sync = |_from: &Document, to: &Document, update: Vec<u8>| {
            to.apply_remote(&update).expect("applies");
        };
        sync(
            &alice,
            &bob,
            alice.edit_body(&edit(0, 0, "Nous voulons")).expect("fits"),
        );
        sync(
            &bob,
            &alice,
            bob.edit_body(&edit(12, 0, " du pain")).expect("fits"),
        );
        sync(
            &alice,
            &bob,
            alice.edit_body(&edit(4, 0, " tous")).expect("fits"),
        );
        assert_eq!(alice.body(), "Nous tous voulons du pain");
        assert_eq!(runs(&alice), vec![(1, 17), (2, 8)]);
        // Bob deletes "tous " (alice's) and writes "et des roses" in the middle of his own.
        sync(&bob, &alice, bob.edit_body(&edit(5, 5, "")).expect("fits"));
        sync(
            &bob,
            &alice,
            bob.edit_body(&edit(20, 0, " et des roses")).expect("fits"),
        );
        assert_eq!(alice.body(), "Nous voulons du pain et des roses");
        assert_eq!(runs(&alice), vec![(1, 12), (2, 21)]);
        // Alice replaces some of bob's words: his run is cut around hers.
        sync(
            &alice,
            &bob,
            alice.edit_body(&edit(16, 5, "")).expect("fits"),
        );
        sync(
            &alice,
            &bob,
            alice.edit_body(&edit(16, 0, "!")).expect("fits"),
        );
        assert_eq!(bob.body(), "Nous voulons du !et des roses");
        assert_eq!(runs(&bob), vec![(1, 12), (2, 4), (1, 1), (2, 12)]);
        assert_eq!(runs(&alice), runs(&bob));
        let total: u32 = bob.authorship().iter().map(|r| r.len).sum();
        assert_eq!(total, bob.body_len());
    }

    #[test]
    fn authorship_counts_utf16_units() {
        let (alice, bob) = pair();
        bob.apply_remote(&alice.edit_body(&edit(0, 0, "vote 🗳")).expect("fits"))
            .expect("applies");
        bob.edit_body(&edit(7, 0, " 👍🏽 oui")).expect("fits");
        assert_eq!(runs(&bob), vec![(1, 7), (2, 9)]);
        assert_eq!(Document::new(5).authorship(), vec![]);
    }

    #[test]
    fn authorship_is_the_same_after_a_reload() {
        let (alice, bob) = pair();
        bob.apply_remote(&alice.edit_body(&edit(0, 0, "abc")).expect("fits"))
            .expect("applies");
        bob.edit_body(&edit(1, 1, "XY")).expect("fits");
        let copy = Document::load(9, &bob.encode_state()).expect("loads");
        assert_eq!(runs(&copy), vec![(1, 1), (2, 2), (1, 1)]);
    }

    #[test]
    fn runs_take_their_authors_colour_or_none() {
        let (alice, bob) = pair();
        bob.apply_remote(&alice.edit_body(&edit(0, 0, "abc")).expect("fits"))
            .expect("applies");
        bob.edit_body(&edit(3, 0, "de")).expect("fits");
        let third = Document::new(3);
        bob.apply_remote(&third.edit_body(&edit(0, 0, "z")).expect("fits"))
            .expect("applies");
        let louise = Person {
            name: "Louise".into(),
            colour: "#1d4e89".into(),
            identity: None,
        };
        bob.apply_remote(&alice.set_me(&louise)).expect("applies");
        // A colour that is not one is not used.
        let hostile = Person {
            name: "Jean".into(),
            colour: "red;background:url(x)".into(),
            identity: None,
        };
        bob.set_me(&hostile);
        let coloured = bob.coloured_authorship();
        let total: u32 = coloured.iter().map(|(len, _)| len).sum();
        assert_eq!(total, bob.body_len());
        assert!(
            coloured.contains(&(3, Some("#1d4e89".into()))),
            "{coloured:?}"
        );
        assert!(coloured.contains(&(2, None)), "{coloured:?}");
        assert!(coloured.contains(&(1, None)), "{coloured:?}");
    }
}

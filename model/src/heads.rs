//! What a copy can tell about its own completeness, to catch a relay that
//! withholds updates (ARCHITECTURE.md, "What a dishonest relay can do"):
//!
//! - [`Document::missing`]: an update that refers to edits never received
//!   waits in Yrs' pending structs (and a deletion of text not received in
//!   its pending delete set). After a catch-up, and from time to time while
//!   live, anything waiting there means the relay withheld what it refers
//!   to.
//! - [`Heads`]: a short summary of what a copy holds (the sum of its state
//!   vector's clocks and a digest of the state vector), leaving out the
//!   copy's own unacknowledged updates, which no one else can have yet.
//!   Pages send their heads in their presence (signed, for editors); a
//!   peer whose heads stay ahead of ours, or differ from ours at the same
//!   sum, for a grace period while both are live and nothing waits to be
//!   applied, holds edits we do not: our copies diverge ([`Divergence`]).
//!
//! What this does not see: deletions alone (they do not move a state
//! vector), a relay that withholds the same updates from everyone, and
//! updates whose authors are offline and that nothing else depends on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use yrs::updates::decoder::Decode as _;
use yrs::{ReadTxn as _, StateVector, Transact as _, Update};

use crate::document::Document;

/// How long a peer may be ahead of us, or differ, before we say so: long
/// enough for updates in transit and a presence frame sent before them.
pub const GRACE_MS: u64 = 15_000;

/// What a copy waits for: edits that updates it holds refer to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// For each author (Yrs client id), the clock it waits to reach.
    pub waiting_for: Vec<(u64, u32)>,
    /// A deletion waits for text not received.
    pub deletions: bool,
}

/// A summary of a copy's state vector; see the module docs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Heads {
    /// The sum of every author's clock: how many items the copy holds.
    pub sum: u64,
    /// FNV-1a (64 bits) of the state vector, authors in order, each as its
    /// client id and clock (little-endian, 8 and 4 bytes); authors at clock
    /// 0 left out.
    pub digest: u64,
}

impl Heads {
    fn of(sv: &BTreeMap<u64, u32>) -> Heads {
        let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
        let mut sum = 0;
        for (client, clock) in sv.iter().filter(|(_, c)| **c > 0) {
            sum += u64::from(*clock);
            for byte in client.to_le_bytes().into_iter().chain(clock.to_le_bytes()) {
                digest ^= u64::from(byte);
                digest = digest.wrapping_mul(0x0100_0000_01b3);
            }
        }
        Heads { sum, digest }
    }
}

/// What a Yrs document waits for, if anything: the edits its pending
/// structs and pending deletions need (any replica, not only a
/// [`Document`]).
pub fn missing_in(doc: &yrs::Doc) -> Option<Missing> {
    use yrs::Transact;
    let txn = doc.transact();
    let store = txn.store();
    let mut waiting_for: Vec<(u64, u32)> = store
        .pending_update()
        .map(|p| p.missing.iter().map(|(c, k)| (c.get(), *k)).collect())
        .unwrap_or_default();
    waiting_for.sort_unstable();
    let deletions = store.pending_ds().is_some_and(|ds| !ds.is_empty());
    (!waiting_for.is_empty() || deletions).then_some(Missing {
        waiting_for,
        deletions,
    })
}

impl Document {
    /// What this copy waits for, if anything (see the module docs).
    pub fn missing(&self) -> Option<Missing> {
        missing_in(&self.doc)
    }

    /// This copy's heads, leaving out `unsent`, its own updates not yet
    /// acknowledged (one that does not decode is left out of the
    /// exclusion: it was made here).
    pub fn heads(&self, unsent: &[&[u8]]) -> Heads {
        let sv = self.doc.transact().state_vector();
        Heads::of(&without(&sv, unsent))
    }
}

/// `sv` with each author's clock cut back to where `unsent` starts.
fn without(sv: &StateVector, unsent: &[&[u8]]) -> BTreeMap<u64, u32> {
    let mut clocks: BTreeMap<u64, u32> = sv.iter().map(|(c, k)| (c.get(), *k)).collect();
    for update in unsent {
        let Ok(update) = Update::decode_v1(update) else {
            continue;
        };
        for (client, start) in update.state_vector_lower().iter() {
            if let Some(clock) = clocks.get_mut(&client.get()) {
                *clock = (*clock).min(*start);
            }
        }
    }
    clocks
}

/// How a peer's heads compare with ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// The same, or we hold more (the peer will notice, if it is behind).
    Fine,
    /// The peer holds more than we do.
    Ahead,
    /// As many items, not the same ones.
    Different,
}

/// Compare a peer's heads with ours.
pub fn compare(ours: Heads, theirs: Heads) -> Comparison {
    if theirs.sum > ours.sum {
        Comparison::Ahead
    } else if theirs.sum == ours.sum && theirs.digest != ours.digest {
        Comparison::Different
    } else {
        Comparison::Fine
    }
}

/// Peers whose copies seem to diverge from ours, and since when; peers
/// are keyed by the caller's id for them (the relay's peer id).
#[derive(Clone, Debug, Default)]
pub struct Divergence {
    since: BTreeMap<u64, u64>,
    told: BTreeMap<u64, bool>,
}

impl Divergence {
    /// `peer`'s heads compared with ours at `now` (milliseconds), while
    /// both are live and nothing waits to be applied here.
    pub fn observe(&mut self, peer: u64, comparison: Comparison, now: u64) {
        match comparison {
            Comparison::Fine => {
                self.since.remove(&peer);
                self.told.remove(&peer);
            }
            Comparison::Ahead | Comparison::Different => {
                self.since.entry(peer).or_insert(now);
            }
        }
    }

    /// We are not in a state to compare (joining, offline, applying): the
    /// clocks start again next time.
    pub fn pause(&mut self) {
        self.since.clear();
    }

    /// `peer` left.
    pub fn forget(&mut self, peer: u64) {
        self.since.remove(&peer);
        self.told.remove(&peer);
    }

    /// The peers that have differed for [`GRACE_MS`] at `now` and were not
    /// reported yet; each is reported once until it is fine again.
    pub fn newly_diverged(&mut self, now: u64) -> Vec<u64> {
        let due: Vec<u64> = self
            .since
            .iter()
            .filter(|(peer, since)| {
                now.saturating_sub(**since) >= GRACE_MS && !self.told.contains_key(peer)
            })
            .map(|(peer, _)| *peer)
            .collect();
        for peer in &due {
            self.told.insert(*peer, true);
        }
        due
    }

    /// Whether any peer is reported as diverging now.
    pub fn any(&self) -> bool {
        !self.told.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;

    fn edit(start: u32, insert: &str) -> Edit {
        Edit {
            start,
            delete: 0,
            insert: insert.to_owned(),
        }
    }

    #[test]
    fn an_update_that_refers_to_edits_never_received_is_set_aside_not_left_waiting() {
        let author = Document::new(1);
        let first = author.edit_body(&edit(0, "Motion")).expect("fits");
        let second = author.edit_body(&edit(6, " adoptée")).expect("fits");
        let reader = Document::new(2);
        assert_eq!(reader.missing(), None);
        // The relay withheld the first: the guard refuses the second (it
        // needs an id this copy never received), so nothing waits in Yrs.
        let refused = reader.apply_remote(&second).expect_err("set aside");
        assert!(refused.is_set_aside(), "{refused}");
        assert_eq!(reader.missing(), None);
        reader.apply_remote(&first).expect("applies");
        assert_eq!(reader.body(), "Motion");
    }

    #[test]
    fn heads_leave_out_our_unsent_updates_and_match_a_peer_with_the_same_edits() {
        let alice = Document::new(1);
        let bob = Document::new(2);
        let a = alice.edit_body(&edit(0, "Texte")).expect("fits");
        bob.apply_remote(&a).expect("applies");
        assert_eq!(alice.heads(&[]), bob.heads(&[]));
        assert_eq!(alice.heads(&[]).sum, 5);
        // Alice types, not acknowledged yet: her heads do not count it.
        let unsent = alice.edit_body(&edit(5, " voté")).expect("fits");
        assert_eq!(alice.heads(&[&unsent]), bob.heads(&[]));
        assert_ne!(alice.heads(&[]), bob.heads(&[]));
        // Bob types: he is ahead until Alice has it.
        let b = bob.edit_body(&edit(0, "Le ")).expect("fits");
        assert_eq!(
            compare(alice.heads(&[&unsent]), bob.heads(&[])),
            Comparison::Ahead
        );
        alice.apply_remote(&b).expect("applies");
        assert_eq!(alice.heads(&[&unsent]), bob.heads(&[]));
        // Two copies with as many items, not the same ones.
        let carol = Document::new(3);
        let c = carol.edit_body(&edit(0, "abcdefgh")).expect("fits");
        let dan = Document::new(4);
        let d = dan.edit_body(&edit(0, "12345678")).expect("fits");
        let (x, y) = (Document::new(5), Document::new(6));
        x.apply_remote(&c).expect("applies");
        y.apply_remote(&d).expect("applies");
        assert_eq!(compare(x.heads(&[]), y.heads(&[])), Comparison::Different);
    }

    #[test]
    fn a_peer_ahead_or_different_for_the_grace_period_is_reported_once() {
        let ours = Heads { sum: 10, digest: 1 };
        assert_eq!(
            compare(ours, Heads { sum: 11, digest: 2 }),
            Comparison::Ahead
        );
        assert_eq!(
            compare(ours, Heads { sum: 10, digest: 2 }),
            Comparison::Different
        );
        assert_eq!(
            compare(ours, Heads { sum: 10, digest: 1 }),
            Comparison::Fine
        );
        assert_eq!(compare(ours, Heads { sum: 9, digest: 7 }), Comparison::Fine);

        let mut d = Divergence::default();
        d.observe(4, Comparison::Ahead, 1_000);
        d.observe(4, Comparison::Ahead, 5_000);
        assert!(d.newly_diverged(1_000 + GRACE_MS - 1).is_empty());
        assert_eq!(d.newly_diverged(1_000 + GRACE_MS), vec![4]);
        assert!(d.newly_diverged(1_000 + GRACE_MS + 1).is_empty(), "once");
        assert!(d.any());
        d.observe(4, Comparison::Fine, 30_000);
        assert!(!d.any());
        // Catching up in time is not reported; pausing restarts the clock.
        d.observe(5, Comparison::Different, 40_000);
        d.pause();
        d.observe(5, Comparison::Different, 50_000);
        assert!(d.newly_diverged(40_000 + GRACE_MS).is_empty());
        assert_eq!(d.newly_diverged(50_000 + GRACE_MS), vec![5]);
        d.forget(5);
        assert!(!d.any());
    }

    #[test]
    fn the_digest_is_fixed_across_platforms() {
        let clocks = BTreeMap::from([(1, 5), (7, 2), (9, 0)]);
        let heads = Heads::of(&clocks);
        assert_eq!(heads.sum, 7);
        // Recomputed by hand from the documented rule.
        let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
        for (c, k) in [(1u64, 5u32), (7, 2)] {
            for b in c.to_le_bytes().into_iter().chain(k.to_le_bytes()) {
                digest ^= u64::from(b);
                digest = digest.wrapping_mul(0x0100_0000_01b3);
            }
        }
        assert_eq!(heads.digest, digest);
    }
}

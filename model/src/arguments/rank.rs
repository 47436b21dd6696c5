//! Ranking claims by how the members stand by them: endorsements ("j'utilise
//! cet argument", one per identity key) and strength votes (Kialo's impact,
//! 0 to 4, one per identity key), both signed records of the amendment
//! room ([`crate::amendments::book::Book::standings`]).
//!
//! The rule, the same in the sheet and the tree: most endorsed first; at
//! equal endorsements, the higher mean strength (a claim nobody rated
//! counts as the middle, 2); then the map's own order. A claim merged as a
//! duplicate lends its endorsements and votes to the one it was merged
//! into (an identity that endorsed both counts twice: the merge does not
//! know, and it is rare enough not to matter for an order).

use std::cmp::Ordering;
use std::collections::HashMap;

use super::ArgMap;

/// The strongest vote.
pub const MAX_IMPACT: u8 = 4;

/// How one claim stands with the members.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// Identity keys that use the claim.
    pub endorsers: u32,
    /// Votes for each strength, 0 to 4.
    pub votes: [u32; 5],
}

impl Standing {
    /// How many voted.
    pub fn voters(&self) -> u32 {
        self.votes.iter().sum()
    }

    /// The sum of the votes' strengths.
    fn total(&self) -> u32 {
        self.votes
            .iter()
            .enumerate()
            .map(|(strength, n)| strength as u32 * n)
            .sum()
    }

    /// The mean strength, when anyone voted.
    pub fn mean(&self) -> Option<f32> {
        let voters = self.voters();
        (voters > 0).then(|| self.total() as f32 / voters as f32)
    }

    /// Both together (a claim and its duplicates).
    pub fn add(&mut self, other: &Standing) {
        self.endorsers += other.endorsers;
        for (mine, theirs) in self.votes.iter_mut().zip(other.votes) {
            *mine += theirs;
        }
    }

    /// Compare by the rule in the module docs (greater: ranks first).
    pub fn compare(&self, other: &Standing) -> Ordering {
        // Means compared as fractions, unrated as 2/1.
        let (a_sum, a_n) = match self.voters() {
            0 => (2, 1),
            n => (self.total(), n),
        };
        let (b_sum, b_n) = match other.voters() {
            0 => (2, 1),
            n => (other.total(), n),
        };
        self.endorsers
            .cmp(&other.endorsers)
            .then((u64::from(a_sum) * u64::from(b_n)).cmp(&(u64::from(b_sum) * u64::from(a_n))))
    }
}

/// Standings by claim id, as the amendment room's records give them.
pub type Standings = HashMap<String, Standing>;

/// A claim's standing, with its merged duplicates'.
pub fn standing(map: &ArgMap, standings: &Standings, id: &str) -> Standing {
    let mut out = standings.get(id).copied().unwrap_or_default();
    for duplicate in map.merged_into(id) {
        if let Some(theirs) = standings.get(duplicate) {
            out.add(theirs);
        }
    }
    out
}

/// `ids` in rank order (stable: equal ones keep the order given, the
/// map's).
pub fn ranked<S: AsRef<str>>(map: &ArgMap, standings: &Standings, ids: &[S]) -> Vec<String> {
    let mut scored: Vec<(Standing, &str)> = ids
        .iter()
        .map(|id| (standing(map, standings, id.as_ref()), id.as_ref()))
        .collect();
    scored.sort_by(|a, b| b.0.compare(&a.0));
    scored.into_iter().map(|(_, id)| id.to_owned()).collect()
}

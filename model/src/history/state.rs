//! A checkpoint's snapshot as stored in the document, and the "last seen"
//! state a browser keeps: the state vector in full, the delete set as the
//! deletions added since the checkpoint it builds on (its base), and, when
//! they differ from those, the deletions its author made (for naming who
//! deleted a word in a comparison). A delete set grows with the document
//! (the automerge-paper trace ends with tens of thousands of deleted
//! ranges): stored whole in each of a thousand checkpoints it would weigh
//! more than the text; as a difference it weighs what the burst deleted.
//!
//! The bytes come from co-authors, so they are read here with postcard
//! (lengths bounded by the bytes there are) and checked before any Yrs type
//! is built: clocks and clients in the ranges the guard admits, no empty
//! or overflowing range. Yrs's own snapshot decoder is never given them.

use serde::{Deserialize, Serialize};
use yrs::{ClientID, IdSet, Snapshot, StateVector, ID};

use crate::guard::{MAX_CLIENT, MAX_CLOCK};

/// The first byte of every encoding here, for the format to change later.
const FORMAT: u8 = 1;

/// Ranges of clocks per client: `(client, [(start, len)])`.
type Ranges = Vec<(u64, Vec<(u32, u32)>)>;

/// A checkpoint's stored state, checked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Stored {
    /// The state vector: `(client, clock)`.
    pub clocks: Vec<(u64, u32)>,
    /// Deletions since the base (or all of them, with no base).
    pub deleted: Ranges,
    /// The author's own deletions since their previous checkpoint, when
    /// they are not exactly `deleted`.
    pub own: Option<Ranges>,
}

/// Why stored bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("the snapshot is not in a format this version reads")]
    Format,
    #[error("the snapshot names a client or a clock out of range")]
    OutOfRange,
}

impl Stored {
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = vec![FORMAT];
        // Writing to a Vec cannot fail.
        bytes.extend(postcard::to_allocvec(self).unwrap_or_default());
        bytes
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, StateError> {
        let Some((&FORMAT, rest)) = bytes.split_first() else {
            return Err(StateError::Format);
        };
        let (stored, left): (Stored, &[u8]) =
            postcard::take_from_bytes(rest).map_err(|_| StateError::Format)?;
        if !left.is_empty() {
            return Err(StateError::Format);
        }
        let clocks_ok = stored
            .clocks
            .iter()
            .all(|&(client, clock)| client <= MAX_CLIENT && clock <= MAX_CLOCK);
        let ranges_ok = |ranges: &Ranges| {
            ranges.iter().all(|(client, ranges)| {
                *client <= MAX_CLIENT
                    && ranges.iter().all(|&(start, len)| {
                        len > 0 && start.checked_add(len).is_some_and(|end| end <= MAX_CLOCK)
                    })
            })
        };
        if !clocks_ok || !ranges_ok(&stored.deleted) || !stored.own.as_ref().is_none_or(ranges_ok) {
            return Err(StateError::OutOfRange);
        }
        Ok(stored)
    }

    pub fn state_vector(&self) -> StateVector {
        StateVector::from_iter(
            self.clocks
                .iter()
                .map(|&(client, clock)| (ClientID::new(client), clock)),
        )
    }

    /// The author's own deletions.
    pub fn own(&self) -> IdSet {
        to_set(self.own.as_ref().unwrap_or(&self.deleted))
    }
}

pub(crate) fn to_set(ranges: &Ranges) -> IdSet {
    let mut set = IdSet::new();
    for (client, ranges) in ranges {
        for &(start, len) in ranges {
            set.insert(ID::new(ClientID::new(*client), start), len);
        }
    }
    set
}

pub(crate) fn from_set(set: &IdSet) -> Ranges {
    let mut ranges: Ranges = set
        .iter()
        .map(|(client, ranges)| {
            (
                client.get(),
                ranges
                    .iter()
                    .filter(|range| range.end > range.start)
                    .map(|range| (range.start, range.end - range.start))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, ranges)| !ranges.is_empty())
        .collect();
    ranges.sort_by_key(|(client, _)| *client);
    ranges
}

pub(crate) fn clocks(sv: &StateVector) -> Vec<(u64, u32)> {
    let mut clocks: Vec<(u64, u32)> = sv
        .iter()
        .map(|(client, clock)| (client.get(), *clock))
        .collect();
    clocks.sort_unstable();
    clocks
}

/// Whether everything `snapshot` holds is in `now`: every item it has
/// was integrated, every deletion it has happened.
pub(crate) fn covers(now: &Snapshot, snapshot: &Snapshot) -> bool {
    snapshot
        .state_map
        .iter()
        .all(|(client, clock)| now.state_map.get(client) >= *clock)
        && snapshot.delete_set.diff(&now.delete_set).is_empty()
}

/// A whole snapshot, as a browser keeps what it last saw.
pub(crate) fn encode_seen(snapshot: &Snapshot) -> Vec<u8> {
    Stored {
        clocks: clocks(&snapshot.state_map),
        deleted: from_set(&snapshot.delete_set),
        own: None,
    }
    .encode()
}

pub(crate) fn decode_seen(bytes: &[u8]) -> Result<Snapshot, StateError> {
    let stored = Stored::decode(bytes)?;
    Ok(Snapshot::new(
        stored.state_vector(),
        to_set(&stored.deleted),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> Stored {
        Stored {
            clocks: vec![(1, 40), (7, 3)],
            deleted: vec![(1, vec![(0, 4), (10, 2)])],
            own: Some(vec![(1, vec![(10, 2)])]),
        }
    }

    #[test]
    fn a_stored_state_reads_back() {
        let stored = stored();
        assert_eq!(Stored::decode(&stored.encode()), Ok(stored));
    }

    #[test]
    fn bytes_in_another_format_or_cut_short_are_refused() {
        let bytes = stored().encode();
        assert_eq!(Stored::decode(&[]), Err(StateError::Format));
        assert_eq!(Stored::decode(&bytes[1..]), Err(StateError::Format));
        assert_eq!(
            Stored::decode(&bytes[..bytes.len() - 1]),
            Err(StateError::Format)
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Stored::decode(&longer), Err(StateError::Format));
    }

    #[test]
    fn clocks_clients_and_ranges_out_of_range_are_refused() {
        let refused = |stored: Stored| Stored::decode(&stored.encode());
        let mut bad = stored();
        bad.clocks.push((MAX_CLIENT + 1, 1));
        assert_eq!(refused(bad), Err(StateError::OutOfRange));
        let mut bad = stored();
        bad.clocks.push((2, MAX_CLOCK + 1));
        assert_eq!(refused(bad), Err(StateError::OutOfRange));
        let mut bad = stored();
        bad.deleted.push((2, vec![(3, 0)]));
        assert_eq!(refused(bad), Err(StateError::OutOfRange));
        let mut bad = stored();
        bad.deleted.push((2, vec![(MAX_CLOCK, 1)]));
        assert_eq!(refused(bad), Err(StateError::OutOfRange));
        let mut bad = stored();
        bad.own = Some(vec![(MAX_CLIENT + 1, vec![(0, 1)])]);
        assert_eq!(refused(bad), Err(StateError::OutOfRange));
        // At the edge: admitted.
        let mut edge = stored();
        edge.deleted.push((MAX_CLIENT, vec![(MAX_CLOCK - 1, 1)]));
        assert!(refused(edge).is_ok());
    }

    #[test]
    fn sets_go_to_ranges_and_back() {
        let ranges = vec![(1, vec![(0, 4), (10, 2)]), (9, vec![(5, 1)])];
        assert_eq!(from_set(&to_set(&ranges)), ranges);
    }

    #[test]
    fn a_snapshot_covers_what_it_has_and_not_more() {
        let small = Snapshot::new(
            StateVector::from_iter([(ClientID::new(1), 5)]),
            to_set(&vec![(1, vec![(0, 2)])]),
        );
        let big = Snapshot::new(
            StateVector::from_iter([(ClientID::new(1), 9), (ClientID::new(2), 1)]),
            to_set(&vec![(1, vec![(0, 3)])]),
        );
        assert!(covers(&big, &small));
        assert!(!covers(&small, &big));
        let other_deletion = Snapshot::new(big.state_map.clone(), to_set(&vec![(1, vec![(4, 1)])]));
        assert!(!covers(&other_deletion, &small));
    }
}

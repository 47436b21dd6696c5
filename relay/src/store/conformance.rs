//! The conformance suite every [`Store`] backend runs: one async function
//! per promise of the trait (see [`crate::store`]), and the
//! [`store_conformance!`] macro that instantiates all of them as tests for
//! one backend, given how to open it on a directory:
//!
//! ```ignore
//! fn open(dir: PathBuf) -> BoxFuture<'static, Option<Arc<dyn Store>>> { … }
//! store_conformance!(open);
//! ```
//!
//! `open` returns `None` when the backend cannot run here (a server that is
//! not configured); the tests then pass without checking anything, so say
//! so in the backend's own test module. Opening the same directory again
//! must find what was committed before: that is how "restart" is tested.

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::StreamExt as _;
use protocol::{
    DocKeys, EditSecret, MsgId, ReadCheck, RoomId, SnapshotHead, StoredSnapshot, StoredUpdate,
};

use super::{Entry, Piece, Store, StoreError};

/// How a backend is opened on a directory (again, after a restart).
pub(crate) type Open = fn(PathBuf) -> BoxFuture<'static, Option<Arc<dyn Store>>>;

/// The `remembered_ids` a backend under test is opened with: small, so
/// that forgetting the oldest ids is tested too.
pub(crate) const REMEMBERED_IDS: usize = 8;

/// Instantiate every conformance test for the backend opened by `$open`
/// (a function of type [`Open`] in scope).
macro_rules! store_conformance {
    ($open:ident) => {
        store_conformance!(@tests $open;
            appends_read_back_in_order,
            load_gives_back_every_message_id_for_dedup,
            catch_up_starts_after_the_clients_sequence_number,
            a_snapshot_replaces_the_updates_it_covers,
            a_stale_snapshot_is_refused_and_fails_nothing_else,
            a_sequence_number_already_stored_is_refused_and_fails_nothing_else,
            everything_committed_survives_a_restart,
            appends_to_two_rooms_at_once_stay_apart,
            a_catch_up_is_one_view_even_if_a_snapshot_lands_meanwhile,
            a_room_keeps_its_first_read_check,
            a_snapshot_keeps_the_ids_it_replaced_within_the_bound,
            a_large_snapshot_is_read_in_pieces_no_larger_than_asked,
            a_seal_is_kept_once_and_survives_a_restart,
        );
    };
    (@tests $open:ident; $($test:ident),* $(,)?) => {
        mod conformance {
            use super::*;
            $(
                #[tokio::test]
                async fn $test() {
                    $crate::store::conformance::$test($open).await;
                }
            )*
        }
    };
}

struct Fixture {
    dir: tempfile::TempDir,
    open: Open,
    store: Arc<dyn Store>,
}

impl Fixture {
    async fn new(open: Open) -> Option<Self> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = open(dir.path().to_owned()).await?;
        Some(Self { dir, open, store })
    }

    /// Close the store and open the same data again.
    async fn restart(&mut self) {
        self.store.close().await;
        self.store = (self.open)(self.dir.path().to_owned())
            .await
            .expect("the backend opens again");
    }

    async fn create(&self, n: u8) -> (RoomId, [u8; 32]) {
        let keys = DocKeys::from_edit(&EditSecret::from_bytes([n; 32]));
        let pk = keys.writer().to_bytes();
        self.store
            .create(keys.room(), pk, keys.read_capability().check())
            .await
            .expect("create");
        (keys.room(), pk)
    }

    /// Queue every entry, then wait for each commit in turn.
    async fn append_all(&self, room: RoomId, entries: &[Entry]) {
        let mut commits = Vec::new();
        for e in entries {
            commits.push(self.store.append(room, e.clone()).await);
        }
        for (e, commit) in entries.iter().zip(commits) {
            commit
                .await
                .unwrap_or_else(|err| panic!("seq {}: {err}", e.seq));
        }
    }

    async fn snapshot(&self, room: RoomId, snapshot: &StoredSnapshot) -> Result<(), StoreError> {
        self.store
            .replace_snapshot(room, snapshot.clone())
            .await
            .await
            .map(drop)
    }

    /// A whole catch-up: the snapshot (its pieces put together), the
    /// announced count, the chunks of updates.
    async fn read(
        &self,
        room: RoomId,
        since: Option<u64>,
        upto: u64,
        chunk_bytes: usize,
    ) -> (Option<StoredSnapshot>, u64, Vec<Vec<StoredUpdate>>) {
        let (snapshot, pending, pieces, chunks) =
            self.read_pieces(room, since, upto, chunk_bytes).await;
        let snapshot = snapshot.map(|head| {
            let ciphertext = pieces.concat();
            assert_eq!(ciphertext.len() as u64, head.len, "the announced length");
            StoredSnapshot {
                covers_upto: head.covers_upto,
                msg_id: head.msg_id,
                ciphertext,
                signature: head.signature,
            }
        });
        (snapshot, pending, chunks)
    }

    /// A whole catch-up as it comes: the snapshot's head, its pieces, the
    /// announced count, the chunks of updates (every snapshot piece before
    /// any update).
    async fn read_pieces(
        &self,
        room: RoomId,
        since: Option<u64>,
        upto: u64,
        chunk_bytes: usize,
    ) -> (
        Option<SnapshotHead>,
        u64,
        Vec<Vec<u8>>,
        Vec<Vec<StoredUpdate>>,
    ) {
        let mut catch_up = self
            .store
            .catch_up(room, since, upto, chunk_bytes)
            .await
            .expect("catch-up");
        let (mut pieces, mut chunks) = (Vec::new(), Vec::new());
        while let Some(piece) = catch_up.chunks.next().await {
            match piece.expect("a chunk") {
                Piece::Snapshot(bytes) => {
                    assert!(chunks.is_empty(), "the snapshot comes before the updates");
                    assert!(catch_up.snapshot.is_some(), "a snapshot was announced");
                    assert!(!bytes.is_empty(), "no empty pieces");
                    pieces.push(bytes);
                }
                Piece::Updates(chunk) => {
                    assert!(!chunk.is_empty(), "no empty chunks");
                    chunks.push(chunk);
                }
            }
        }
        (catch_up.snapshot, catch_up.pending, pieces, chunks)
    }

    /// The sequence numbers a catch-up delivers, checking it announced as
    /// many as it sent.
    async fn seqs(&self, room: RoomId, since: Option<u64>, upto: u64) -> (Option<u64>, Vec<u64>) {
        let (snapshot, pending, chunks) = self.read(room, since, upto, 1 << 20).await;
        let seqs: Vec<u64> = chunks.concat().iter().map(|u| u.seq).collect();
        assert_eq!(pending, seqs.len() as u64, "pending counts what follows");
        (snapshot.map(|s| s.covers_upto), seqs)
    }
}

/// An update with recognisable bytes: its id and contents derive from its
/// sequence number and `tag`.
fn entry(seq: u64, tag: u8) -> Entry {
    let mut msg_id = [tag; 16];
    msg_id[..8].copy_from_slice(&seq.to_be_bytes());
    Entry {
        seq,
        msg_id,
        ciphertext: Bytes::from(vec![tag ^ seq as u8; 10 + seq as usize]),
        signature: [tag.wrapping_add(seq as u8); 64],
    }
}

fn entries(seqs: impl IntoIterator<Item = u64>, tag: u8) -> Vec<Entry> {
    seqs.into_iter().map(|s| entry(s, tag)).collect()
}

fn stored(entries: &[Entry]) -> Vec<StoredUpdate> {
    entries
        .iter()
        .map(|e| StoredUpdate {
            seq: e.seq,
            msg_id: e.msg_id,
            ciphertext: e.ciphertext.to_vec(),
            signature: e.signature,
        })
        .collect()
}

fn snapshot(covers_upto: u64, tag: u8) -> StoredSnapshot {
    StoredSnapshot {
        covers_upto,
        msg_id: [tag; 16],
        ciphertext: vec![tag; 50],
        signature: [tag; 64],
    }
}

pub(crate) async fn appends_read_back_in_order(open: Open) {
    let Some(f) = Fixture::new(open).await else {
        return;
    };
    let (room, _) = f.create(1).await;
    let all = entries(1..=5, 1);
    f.append_all(room, &all).await;

    let (snap, pending, chunks) = f.read(room, None, 5, 1 << 20).await;
    assert_eq!(snap, None);
    assert_eq!(pending, 5);
    assert_eq!(chunks.len(), 1, "small updates fit one chunk");
    assert_eq!(chunks.concat(), stored(&all), "every byte, in order");

    let (_, _, chunks) = f.read(room, None, 5, 1).await;
    assert_eq!(chunks.len(), 5, "a chunk closes once it is big enough");
    assert_eq!(chunks.concat(), stored(&all));

    let (_, pending, chunks) = f.read(room, None, 3, 1 << 20).await;
    assert_eq!(pending, 3, "nothing past upto");
    assert_eq!(chunks.concat(), stored(&all[..3]));
}

pub(crate) async fn load_gives_back_every_message_id_for_dedup(open: Open) {
    let Some(f) = Fixture::new(open).await else {
        return;
    };
    let keys = DocKeys::from_edit(&EditSecret::from_bytes([7; 32]));
    assert_eq!(
        f.store.load(keys.room()).await.expect("load"),
        None,
        "a room never created"
    );
    let (room, pk) = f.create(2).await;
    let all = entries(1..=3, 2);
    f.append_all(room, &all).await;
    let record = f.store.load(room).await.expect("load").expect("a record");
    assert_eq!(record.write_pk, pk);
    assert_eq!(record.head_seq, 3);
    assert_eq!(record.snapshot_covers, 0);
    assert_eq!(record.log_updates, 3);
    assert_eq!(record.log_bytes, 11 + 12 + 13);
    let ids: Vec<_> = all.iter().map(|e| (e.msg_id, e.seq)).collect();
    assert_eq!(record.msg_ids, ids);

    f.snapshot(room, &snapshot(2, 9)).await.expect("snapshot");
    let record = f.store.load(room).await.expect("load").expect("a record");
    assert_eq!(record.snapshot_covers, 2);
    assert_eq!(record.head_seq, 3);
    assert_eq!(record.log_updates, 1);
    assert_eq!(record.log_bytes, 13);
    assert_eq!(
        record.msg_ids,
        ids[2..],
        "covered ids are gone with their updates"
    );

    // Creating a room again keeps its first key.
    f.store
        .create(room, [0; 32], ReadCheck([0; 32]))
        .await
        .expect("create again");
    let record = f.store.load(room).await.expect("load").expect("a record");
    assert_eq!(record.write_pk, pk);
}

pub(crate) async fn catch_up_starts_after_the_clients_sequence_number(open: Open) {
    let Some(f) = Fixture::new(open).await else {
        return;
    };
    let (room, _) = f.create(3).await;
    // Ordered, not contiguous: a room that reloaded skips numbers.
    f.append_all(room, &entries([1, 2, 5, 9], 3)).await;
    assert_eq!(f.seqs(room, Some(2), 9).await, (None, vec![5, 9]));
    assert_eq!(f.seqs(room, Some(5), 9).await, (None, vec![9]));
    assert_eq!(f.seqs(room, Some(9), 9).await, (None, vec![]));
    assert_eq!(f.seqs(room, Some(1), 5).await, (None, vec![2, 5]));
    assert_eq!(f.seqs(room, None, 9).await, (None, vec![1, 2, 5, 9]));

    f.snapshot(room, &snapshot(5, 3)).await.expect("snapshot");
    assert_eq!(
        f.seqs(room, None, 9).await,
        (Some(5), vec![9]),
        "a new client"
    );
    assert_eq!(
        f.seqs(room, Some(2), 9).await,
        (Some(5), vec![9]),
        "a client behind the snapshot"
    );
    assert_eq!(f.seqs(room, Some(5), 9).await, (None, vec![9]));
    assert_eq!(f.seqs(room, Some(7), 9).await, (None, vec![9]));
}

pub(crate) async fn a_snapshot_replaces_the_updates_it_covers(open: Open) {
    let Some(f) = Fixture::new(open).await else {
        return;
    };
    let (room, _) = f.create(4).await;
    let all = entries(1..=4, 4);
    f.append_all(room, &all).await;
    let three = snapshot(3, 4);
    f.snapshot(room, &three).await.expect("snapshot");
    let (snap, pending, chunks) = f.read(room, None, 4, 1 << 20).await;
    assert_eq!(snap, Some(three), "the snapshot, byte for byte");
    assert_eq!(pending, 1);
    assert_eq!(chunks.concat(), stored(&all[3..]));

    let four = snapshot(4, 5);
    f.snapshot(room, &four).await.expect("snapshot");
    let (snap, pending, chunks) = f.read(room, None, 4, 1 << 20).await;
    assert_eq!(snap, Some(four));
    assert_eq!((pending, chunks.len()), (0, 0));
    let record = f.store.load(room).await.expect("load").expect("a record");
    assert_eq!(record.head_seq, 4, "the head is the snapshot's");
    assert_eq!((record.log_updates, record.log_bytes), (0, 0));
    assert!(record.msg_ids.is_empty());
}

pub(crate) async fn a_stale_snapshot_is_refused_and_fails_nothing_else(open: Open) {
    let Some(f) = Fixture::new(open).await else {
        return;
    };
    let (room, _) = f.create(5).await;
    f.append_all(room, &entries(1..=4, 5)).await;
    let kept = snapshot(3, 1);
    f.snapshot(room, &kept).await.expect("snapshot");
    for covers in [3, 2] {
        assert!(
            matches!(
                f.snapshot(room, &snapshot(covers, 2)).await,
                Err(StoreError::StaleSnapshot)
            ),
            "covers {covers}"
        );
    }
    // Queued together, most likely committed together.
    let five = f.store.append(room, entry(5, 5)).await;
    let stale = f.store.replace_snapshot(room, snapshot(1, 3)).await;
    let six = f.store.append(room, entry(6, 5)).await;
    assert!(five.await.is_ok());
    assert!(matches!(stale.await, Err(StoreError::StaleSnapshot)));
    assert!(six.await.is_ok());
    let (snap, _, chunks) = f.read(room, None, 6, 1 << 20).await;
    assert_eq!(snap, Some(kept), "the stored snapshot is untouched");
    let seqs: Vec<u64> = chunks.concat().iter().map(|u| u.seq).collect();
    assert_eq!(seqs, vec![4, 5, 6]);
}

pub(crate) async fn a_sequence_number_already_stored_is_refused_and_fails_nothing_else(open: Open) {
    let Some(f) = Fixture::new(open).await else {
        return;
    };
    let (room, _) = f.create(6).await;
    let first = entry(1, 6);
    f.append_all(room, std::slice::from_ref(&first)).await;
    let again = f.store.append(room, entry(1, 7)).await;
    let next = f.store.append(room, entry(2, 6)).await;
    assert!(matches!(again.await, Err(StoreError::Conflict(1))));
    assert!(next.await.is_ok());
    let (_, _, chunks) = f.read(room, None, 2, 1 << 20).await;
    assert_eq!(chunks.concat(), stored(&[first, entry(2, 6)]));
}

pub(crate) async fn everything_committed_survives_a_restart(open: Open) {
    let Some(mut f) = Fixture::new(open).await else {
        return;
    };
    let (room, pk) = f.create(8).await;
    let all = entries(1..=4, 8);
    f.append_all(room, &all[..3]).await;
    let two = snapshot(2, 8);
    f.snapshot(room, &two).await.expect("snapshot");
    f.append_all(room, &all[3..]).await;

    f.store.close().await;
    let late = f.store.append(room, entry(5, 8)).await.await;
    assert!(
        matches!(late, Err(StoreError::Closed)),
        "writes after close are refused"
    );
    assert!(
        f.store.load(room).await.expect("load").is_some(),
        "reads keep working after close"
    );

    f.restart().await;
    let record = f.store.load(room).await.expect("load").expect("a record");
    assert_eq!(record.write_pk, pk);
    assert_eq!((record.head_seq, record.snapshot_covers), (4, 2));
    let ids: Vec<_> = all[2..].iter().map(|e| (e.msg_id, e.seq)).collect();
    assert_eq!(record.msg_ids, ids);
    let (snap, _, chunks) = f.read(room, None, 4, 1 << 20).await;
    assert_eq!(snap, Some(two));
    assert_eq!(chunks.concat(), stored(&all[2..]));
    // And it takes writes again.
    f.append_all(room, &[entry(5, 8)]).await;
    assert_eq!(f.seqs(room, Some(4), 5).await, (None, vec![5]));
}

pub(crate) async fn appends_to_two_rooms_at_once_stay_apart(open: Open) {
    let Some(f) = Fixture::new(open).await else {
        return;
    };
    let (a, _) = f.create(10).await;
    let (b, _) = f.create(11).await;
    let in_a = entries(1..=200, 10);
    let in_b = entries(1..=200, 11);
    tokio::join!(f.append_all(a, &in_a), f.append_all(b, &in_b));
    for (room, expected) in [(a, &in_a), (b, &in_b)] {
        let (_, pending, chunks) = f.read(room, None, 200, 4096).await;
        assert_eq!(pending, 200);
        assert_eq!(chunks.concat(), stored(expected));
        let record = f.store.load(room).await.expect("load").expect("a record");
        assert_eq!(record.head_seq, 200);
        assert_eq!(record.msg_ids.len(), 200);
    }
}

pub(crate) async fn a_catch_up_is_one_view_even_if_a_snapshot_lands_meanwhile(open: Open) {
    let Some(f) = Fixture::new(open).await else {
        return;
    };
    let (room, _) = f.create(12).await;
    let all = entries(1..=50, 12);
    f.append_all(room, &all).await;
    let mut catch_up = f.store.catch_up(room, None, 50, 1).await.expect("catch-up");
    assert_eq!(catch_up.pending, 50);
    let Piece::Updates(first) = catch_up
        .chunks
        .next()
        .await
        .expect("a first chunk")
        .expect("readable")
    else {
        panic!("updates, without a snapshot")
    };
    // A snapshot covering everything, committed while the client reads.
    f.snapshot(room, &snapshot(50, 12)).await.expect("snapshot");
    let mut got = first;
    while let Some(chunk) = catch_up.chunks.next().await {
        match chunk.expect("a chunk") {
            Piece::Updates(chunk) => got.extend(chunk),
            Piece::Snapshot(_) => panic!("no snapshot was announced"),
        }
    }
    assert_eq!(got, stored(&all), "no update skipped, none repeated");
}

pub(crate) async fn a_room_keeps_its_first_read_check(open: Open) {
    let Some(mut f) = Fixture::new(open).await else {
        return;
    };
    let keys = DocKeys::from_edit(&EditSecret::from_bytes([13; 32]));
    let check = keys.read_capability().check();
    f.store
        .create(keys.room(), keys.writer().to_bytes(), check)
        .await
        .expect("create");
    let record = f
        .store
        .load(keys.room())
        .await
        .expect("load")
        .expect("a record");
    assert_eq!(record.read_check, Some(check));
    // Neither a second creation nor a registration replaces it: a
    // squatter cannot swap a room's capability.
    f.store
        .create(keys.room(), keys.writer().to_bytes(), ReadCheck([1; 32]))
        .await
        .expect("create again");
    f.store
        .set_read_check(keys.room(), ReadCheck([2; 32]))
        .await
        .expect("register");
    f.restart().await;
    let record = f
        .store
        .load(keys.room())
        .await
        .expect("load")
        .expect("a record");
    assert_eq!(record.read_check, Some(check));
}

pub(crate) async fn a_snapshot_keeps_the_ids_it_replaced_within_the_bound(open: Open) {
    let Some(mut f) = Fixture::new(open).await else {
        return;
    };
    let ids = |entries: &[Entry]| -> Vec<MsgId> { entries.iter().map(|e| e.msg_id).collect() };
    let (room, _) = f.create(14).await;
    let all = entries(1..=12, 14);
    f.append_all(room, &all[..5]).await;
    f.snapshot(room, &snapshot(3, 1)).await.expect("snapshot");
    let record = f.store.load(room).await.expect("load").expect("a record");
    assert_eq!(
        record.covered,
        vec![(3, ids(&all[..3]))],
        "in sequence order"
    );
    assert_eq!(record.msg_ids.len(), 2, "the rest is still the log");

    f.append_all(room, &all[5..]).await;
    f.snapshot(room, &snapshot(10, 2)).await.expect("snapshot");
    f.restart().await;
    let record = f.store.load(room).await.expect("load").expect("a record");
    // 3 + 7 ids is past the bound of 8: the oldest snapshot's went.
    assert_eq!(record.covered, vec![(10, ids(&all[3..10]))]);
    f.snapshot(room, &snapshot(12, 3)).await.expect("snapshot");
    let record = f.store.load(room).await.expect("load").expect("a record");
    assert_eq!(record.covered, vec![(12, ids(&all[10..]))]);

    // One snapshot replacing more than the bound keeps its newest ids.
    let (big, _) = f.create(15).await;
    let many = entries(1..=20, 15);
    f.append_all(big, &many).await;
    f.snapshot(big, &snapshot(20, 4)).await.expect("snapshot");
    let record = f.store.load(big).await.expect("load").expect("a record");
    assert_eq!(record.covered, vec![(20, ids(&many[12..]))]);
}

pub(crate) async fn a_large_snapshot_is_read_in_pieces_no_larger_than_asked(open: Open) {
    let Some(f) = Fixture::new(open).await else {
        return;
    };
    let (room, _) = f.create(13).await;
    f.append_all(room, &entries(1..=3, 13)).await;
    // A megabyte and a bit: several stored rows, several pieces.
    let big = StoredSnapshot {
        covers_upto: 2,
        msg_id: [13; 16],
        ciphertext: (0..(1 << 20) + 777).map(|i| (i % 251) as u8).collect(),
        signature: [13; 64],
    };
    f.snapshot(room, &big).await.expect("snapshot");
    let record = f.store.load(room).await.expect("load").expect("a record");
    assert_eq!(record.snapshot_bytes, big.ciphertext.len() as u64);
    let chunk = 200 << 10;
    let (head, pending, pieces, chunks) = f.read_pieces(room, None, 3, chunk).await;
    assert_eq!(head, Some(big.head()));
    assert!(pieces.len() >= 5, "{} pieces", pieces.len());
    // A piece closes once it reached the size asked: at most a stored row
    // more than that.
    assert!(pieces.iter().all(|p| p.len() < chunk + (64 << 10)));
    assert_eq!(pieces.concat(), big.ciphertext, "every byte, in order");
    assert_eq!((pending, chunks.concat().len()), (1, 1));
    // A newer, smaller snapshot leaves none of the bigger one's bytes.
    let small = snapshot(3, 14);
    f.snapshot(room, &small).await.expect("snapshot");
    let (snap, _, _) = f.read(room, None, 3, chunk).await;
    assert_eq!(snap, Some(small));
}

pub(crate) async fn a_seal_is_kept_once_and_survives_a_restart(open: Open) {
    let Some(mut f) = Fixture::new(open).await else {
        return;
    };
    let (room, _) = f.create(14).await;
    let (other, _) = f.create(15).await;
    f.append_all(room, &entries(1..=3, 1)).await;
    let record = f.store.load(room).await.expect("load").expect("a record");
    assert_eq!(record.seal, None, "a room starts unsealed");
    f.store
        .seal(room, vec![7; 300], [8; 64])
        .await
        .expect("seal");
    // A second seal keeps the first.
    f.store
        .seal(room, vec![9; 10], [1; 64])
        .await
        .expect("seal again");
    f.restart().await;
    let record = f.store.load(room).await.expect("load").expect("a record");
    assert_eq!(record.seal, Some((vec![7; 300], [8; 64])));
    assert_eq!(record.head_seq, 3, "the history stays readable");
    let (_, seqs) = f.seqs(room, None, 3).await;
    assert_eq!(seqs, vec![1, 2, 3]);
    let record = f.store.load(other).await.expect("load").expect("a record");
    assert_eq!(record.seal, None, "another room is not sealed");
}

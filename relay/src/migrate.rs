//! Moving rooms from the SQLite store to NATS JetStream (`relay --data DIR
//! --migrate-to nats://…`), through the [`Store`] trait only: what one
//! backend gives back is what the other is told to keep, so the copy is
//! as exact as the trait, and nothing here knows either backend's layout.
//!
//! For each room of the SQLite file: its record (`load`), created in the
//! target with its write key and read check, sealed if it was; then its
//! whole history in one catch-up (`catch_up(room, None, head, …)`), the
//! snapshot stored with `replace_snapshot`, the updates with `append`
//! under the same sequence numbers and message ids, every commit awaited;
//! last, the target's record is read and compared with the source's.
//!
//! A room the target already holds is skipped when its record is the same
//! (a migration run again goes on where it stopped), and refused
//! otherwise: nothing is overwritten. What the trait cannot carry: the ids
//! of updates that earlier snapshots replaced (kept for dedup, so that a
//! client resending an update compacted away long ago is acknowledged, not
//! stored again); after the move, such a resend is stored once more, which
//! a document applies as a no-op. A room stored before protocol version 2
//! without a read check cannot be created through the trait: it is left
//! out and named; opening it once with a current app registers its check.
//!
//! The relay must not serve the SQLite file meanwhile: the copy is of the
//! file as it stands.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt as _;
use protocol::{RoomId, StoredSnapshot};

use crate::config::{Config, StoreConfig};
use crate::metrics::Metrics;
use crate::store::{Entry, NatsOptions, NatsStore, Piece, RoomRecord, SqliteStore, Store};
use crate::store::{StoreError, Usage};

/// Commits queued in the target and not yet awaited, per room.
const IN_FLIGHT: usize = 256;
/// Bytes per catch-up chunk read from the source.
const CHUNK_BYTES: usize = 1 << 20;

/// Why a room was not moved.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("room {0}: {1}")]
    Store(RoomId, #[source] StoreError),
    #[error("room {0} is already in the target with other content; it is left as it is")]
    Exists(RoomId),
    #[error("room {0} has no read check (stored before protocol version 2): open it once with a current app, then migrate again")]
    NoReadCheck(RoomId),
    #[error("room {0} reads back differently from the target: {1}")]
    Mismatch(RoomId, &'static str),
}

/// What a migration did.
#[derive(Debug, Default)]
pub struct Migrated {
    /// Rooms copied, and the updates they hold after their snapshots.
    pub rooms: usize,
    pub updates: u64,
    /// Rooms the target already held, the same.
    pub already_there: usize,
    /// Rooms left out, and why.
    pub refused: Vec<MigrateError>,
}

/// What happened to one room.
#[derive(Debug, PartialEq, Eq)]
enum Moved {
    Copied { updates: u64 },
    AlreadyThere,
}

/// Copy every room of the SQLite store in `config.data_dir` to the
/// JetStream store `target` names (`StoreConfig::Nats`), then close both.
pub async fn migrate(config: &Config, target: &StoreConfig) -> anyhow::Result<Migrated> {
    let StoreConfig::Nats { servers, replicas } = target else {
        anyhow::bail!("a migration goes to NATS JetStream: --migrate-to nats://host:port[,…]");
    };
    let metrics = Arc::new(Metrics::default());
    let db = config.data_dir.join(crate::DB_FILE);
    anyhow::ensure!(db.exists(), "no SQLite store at {}", db.display());
    let source = SqliteStore::open_with(
        &config.data_dir,
        config.durability,
        config.limits.remembered_ids,
        metrics.clone(),
        Usage::new(u64::MAX),
    )?;
    let options = NatsOptions {
        servers: servers.clone(),
        replicas: *replicas,
        remembered_ids: config.limits.remembered_ids,
        max_update_bytes: config.limits.max_frame_bytes,
    };
    let target = NatsStore::open(&options, metrics, Usage::new(config.quotas.total_bytes)).await?;
    let migrated = migrate_rooms(&source, &target).await;
    source.close().await;
    target.close().await;
    Ok(migrated?)
}

/// Copy every room of `source` to `target`; a store failure stops the
/// migration, a room refused does not.
async fn migrate_rooms(source: &SqliteStore, target: &dyn Store) -> Result<Migrated, StoreError> {
    let mut migrated = Migrated::default();
    for room in source.rooms().await? {
        match migrate_room(source, target, room).await {
            Ok(Moved::Copied { updates }) => {
                tracing::info!(room = %room, updates, "room moved");
                migrated.rooms += 1;
                migrated.updates += updates;
            }
            Ok(Moved::AlreadyThere) => {
                tracing::info!(room = %room, "room already in the target");
                migrated.already_there += 1;
            }
            Err(MigrateError::Store(_, e)) => return Err(e),
            Err(refused) => {
                tracing::warn!(room = %room, error = %refused, "room not moved");
                migrated.refused.push(refused);
            }
        }
    }
    Ok(migrated)
}

/// The record as the trait can carry it: without the covered ids (see the
/// module docs).
fn carried(record: &RoomRecord) -> RoomRecord {
    RoomRecord {
        covered: Vec::new(),
        ..record.clone()
    }
}

async fn migrate_room(
    source: &dyn Store,
    target: &dyn Store,
    room: RoomId,
) -> Result<Moved, MigrateError> {
    let failed = |e| MigrateError::Store(room, e);
    let Some(record) = source.load(room).await.map_err(failed)? else {
        return Err(MigrateError::Mismatch(room, "listed but not stored"));
    };
    if let Some(there) = target.load(room).await.map_err(failed)? {
        return if carried(&there) == carried(&record) {
            Ok(Moved::AlreadyThere)
        } else {
            Err(MigrateError::Exists(room))
        };
    }
    let read_check = record.read_check.ok_or(MigrateError::NoReadCheck(room))?;
    target
        .create(room, record.write_pk, read_check)
        .await
        .map_err(failed)?;
    if let Some((member_box, signature)) = &record.seal {
        target
            .seal(room, member_box.clone(), *signature)
            .await
            .map_err(failed)?;
    }
    let mut history = source
        .catch_up(room, None, record.head_seq, CHUNK_BYTES)
        .await
        .map_err(failed)?;
    let mut snapshot = history.snapshot.map(|head| {
        let capacity = usize::try_from(head.len).unwrap_or(0);
        (head, Vec::with_capacity(capacity))
    });
    let mut commits = VecDeque::new();
    let mut updates = 0;
    while let Some(piece) = history.chunks.next().await {
        match piece.map_err(failed)? {
            Piece::Snapshot(bytes) => match &mut snapshot {
                Some((_, ciphertext)) => ciphertext.extend_from_slice(&bytes),
                None => {
                    return Err(MigrateError::Mismatch(
                        room,
                        "snapshot bytes without a head",
                    ))
                }
            },
            Piece::Updates(chunk) => {
                // The snapshot, whole, goes before the updates after it.
                if let Some((head, ciphertext)) = snapshot.take() {
                    store_snapshot(target, room, head, ciphertext).await?;
                }
                for update in chunk {
                    let entry = Entry {
                        seq: update.seq,
                        msg_id: update.msg_id,
                        ciphertext: Bytes::from(update.ciphertext),
                        signature: update.signature,
                    };
                    commits.push_back(target.append(room, entry).await);
                    updates += 1;
                    if commits.len() >= IN_FLIGHT {
                        if let Some(commit) = commits.pop_front() {
                            commit.await.map_err(failed)?;
                        }
                    }
                }
            }
        }
    }
    if let Some((head, ciphertext)) = snapshot.take() {
        store_snapshot(target, room, head, ciphertext).await?;
    }
    for commit in commits {
        commit.await.map_err(failed)?;
    }
    let Some(there) = target.load(room).await.map_err(failed)? else {
        return Err(MigrateError::Mismatch(
            room,
            "the room is not in the target",
        ));
    };
    if carried(&there) != carried(&record) {
        return Err(MigrateError::Mismatch(room, "its record"));
    }
    Ok(Moved::Copied { updates })
}

async fn store_snapshot(
    target: &dyn Store,
    room: RoomId,
    head: protocol::SnapshotHead,
    ciphertext: Vec<u8>,
) -> Result<(), MigrateError> {
    if ciphertext.len() as u64 != head.len {
        return Err(MigrateError::Mismatch(room, "the snapshot is cut short"));
    }
    let snapshot = StoredSnapshot {
        covers_upto: head.covers_upto,
        msg_id: head.msg_id,
        ciphertext,
        signature: head.signature,
    };
    target
        .replace_snapshot(room, snapshot)
        .await
        .await
        .map(drop)
        .map_err(|e| MigrateError::Store(room, e))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use protocol::{ReadCheck, StoredUpdate};

    use super::*;
    use crate::testing::NatsServer;

    fn entry(seq: u64, byte: u8) -> Entry {
        Entry {
            seq,
            msg_id: [byte; 16],
            ciphertext: Bytes::from(vec![byte; 300]),
            signature: [byte; 64],
        }
    }

    /// A room's whole catch-up: the snapshot's head and bytes, then the
    /// updates.
    async fn history(
        store: &dyn Store,
        room: RoomId,
        head_seq: u64,
    ) -> (Option<protocol::SnapshotHead>, Vec<u8>, Vec<StoredUpdate>) {
        let mut catch_up = store
            .catch_up(room, None, head_seq, 4096)
            .await
            .expect("catch-up");
        let (mut snapshot, mut updates) = (Vec::new(), Vec::new());
        while let Some(piece) = catch_up.chunks.next().await {
            match piece.expect("readable") {
                Piece::Snapshot(bytes) => snapshot.extend(bytes),
                Piece::Updates(chunk) => updates.extend(chunk),
            }
        }
        (catch_up.snapshot, snapshot, updates)
    }

    #[tokio::test]
    async fn rooms_move_from_sqlite_to_jetstream_with_their_numbers_and_ids() {
        let dir = tempfile::tempdir().expect("tempdir");
        let Some(server) = NatsServer::start(&dir.path().join("nats")) else {
            return;
        };
        let source = SqliteStore::open(
            &dir.path().join("sqlite"),
            crate::Durability::Normal,
            100,
            Arc::default(),
        )
        .expect("the SQLite store");
        // A sealed room with a snapshot covering 1..=30 and updates after
        // it, and a room of updates only.
        let (compacted, plain) = (RoomId([1; 16]), RoomId([2; 16]));
        for room in [compacted, plain] {
            source
                .create(room, [room.0[0]; 32], ReadCheck([9; 32]))
                .await
                .expect("create");
        }
        source
            .seal(compacted, vec![5; 40], [6; 64])
            .await
            .expect("seal");
        for seq in 1..=40 {
            source
                .append(compacted, entry(seq, seq as u8))
                .await
                .await
                .expect("stored");
        }
        source
            .replace_snapshot(
                compacted,
                StoredSnapshot {
                    covers_upto: 30,
                    msg_id: [0xaa; 16],
                    ciphertext: vec![0xbb; 10_000],
                    signature: [0xcc; 64],
                },
            )
            .await
            .await
            .expect("snapshot stored");
        for seq in 1..=3 {
            source
                .append(plain, entry(seq, 100 + seq as u8))
                .await
                .await
                .expect("stored");
        }

        let options = NatsOptions {
            servers: vec![server.url()],
            replicas: 1,
            remembered_ids: 100,
            max_update_bytes: protocol::limits::MAX_FRAME_BYTES,
        };
        let deadline = tokio::time::Instant::now() + crate::testing::WAIT;
        let target = loop {
            match NatsStore::open(&options, Arc::default(), Usage::new(u64::MAX)).await {
                Ok(store) => break store,
                Err(e) if tokio::time::Instant::now() < deadline => {
                    tracing::debug!(error = %e, "JetStream not ready yet");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("the store opens: {e}"),
            }
        };
        let migrated = migrate_rooms(&source, &target).await.expect("migrated");
        assert_eq!((migrated.rooms, migrated.updates), (2, 13));
        assert!(migrated.refused.is_empty(), "{:?}", migrated.refused);

        for room in [compacted, plain] {
            let before = source.load(room).await.expect("load").expect("the room");
            let after = target.load(room).await.expect("load").expect("the room");
            assert_eq!(carried(&after), carried(&before));
            assert_eq!(
                history(&target, room, after.head_seq).await,
                history(&source, room, before.head_seq).await
            );
        }
        let record = target.load(compacted).await.expect("load").expect("room");
        assert_eq!((record.snapshot_covers, record.head_seq), (30, 40));
        assert_eq!(record.seal, Some((vec![5; 40], [6; 64])));

        // Again: nothing to do, nothing written twice.
        let again = migrate_rooms(&source, &target).await.expect("migrated");
        assert_eq!((again.rooms, again.already_there), (0, 2));
        // A room the target holds with other content is left alone.
        let other = RoomId([3; 16]);
        source
            .create(other, [3; 32], ReadCheck([9; 32]))
            .await
            .expect("create");
        target
            .create(other, [4; 32], ReadCheck([9; 32]))
            .await
            .expect("create");
        let refused = migrate_rooms(&source, &target).await.expect("migrated");
        assert!(
            matches!(refused.refused[..], [MigrateError::Exists(r)] if r == other),
            "{:?}",
            refused.refused
        );
        source.close().await;
        target.close().await;
    }
}

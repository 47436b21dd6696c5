//! Durable storage of rooms, behind one trait cut at the room log: what a
//! room needs from a backend, and nothing about how the backend keeps it.
//!
//! A room's log is its snapshot (if any) and the updates after it, each
//! under the sequence number it was given. On a store only this relay
//! writes (SQLite), the room numbers updates: it forwards an update to the
//! other peers before the commit, so the number must exist at once (see
//! `SEQ_GAP` in [`crate::room::state`]). On a store several relays write
//! ([`Store::numbers`]: JetStream), the store numbers them, one numbering
//! per room across relays, and the room learns each number from
//! [`Store::follow`]. Either way the store keeps what it is given, per
//! room in order, and says when each write is durable.
//!
//! The operations, and what every backend promises:
//!
//! - [`Store::load`]: the room's record (write key, read check, head, how
//!   far the snapshot reaches, the size of the log after it, the message id
//!   of every update in that log, and the ids of the updates snapshots
//!   replaced, for dedup), or `None` for a room never created.
//! - [`Store::create`]: record a room's write key and read check; creating
//!   a room that exists keeps the first ones.
//! - [`Store::set_read_check`]: register the read check of a room stored
//!   without one (before protocol version 2); one already set is kept.
//! - [`Store::seal`]: record a room's seal (its member box and the write
//!   key's signature), durably; sealing a sealed room keeps the first
//!   seal. The store does not refuse later updates itself: the room
//!   does, before it numbers them.
//! - [`Store::append`]: queue an update; the outer future resolves once it
//!   is queued (it waits only when the backend is saturated), the returned
//!   [`Commit`] once it is durable or failed. A room's commits complete in
//!   the order it queued them, so a backend may batch writes from many rooms
//!   into one commit (group commit). An update whose sequence number the
//!   room already stored is refused with [`StoreError::Conflict`] and
//!   fails nothing else. On a store that [`Store::numbers`], an update
//!   with `seq` 0 is numbered by the store, past the room's last.
//! - [`Store::replace_snapshot`]: store a snapshot and drop the updates it
//!   covers, atomically, keeping their message ids (one list per snapshot,
//!   in sequence order, at most the `remembered_ids` the backend was opened
//!   with, the oldest dropped first). One that does not reach past the
//!   stored snapshot is refused with [`StoreError::StaleSnapshot`] and
//!   fails nothing else.
//! - [`Store::catch_up`]: one consistent view of the history a client
//!   lacks: the snapshot's head, if the client needs it, then its
//!   ciphertext in pieces, then the updates after it, as a stream of
//!   chunks of about `chunk_bytes` each, read as the caller takes them (so
//!   a catch-up holds about one chunk, never a whole snapshot). A
//!   compaction committed while the stream is read must not make it skip
//!   or repeat updates.
//! - Quotas: a backend refuses a write that would take its storage past
//!   its limit (or that the disk cannot hold) with [`StoreError::Full`],
//!   alone, and stores nothing of it; [`Usage`] says how full it is.
//! - [`Store::close`]: finish every queued write; later writes fail with
//!   [`StoreError::Closed`]; reads keep working.
//!
//! [`sqlite`] implements it in one SQLite file. Every backend runs the same
//! conformance suite (`store/conformance.rs`, one macro instantiated per
//! backend).
//!
//! [`nats`] implements it on NATS JetStream (issue 16): its module docs
//! say how the cut maps onto a stream and a key-value bucket.

// The suite's macro must be defined before the backends that use it.
#[cfg(test)]
#[macro_use]
pub(crate) mod conformance;

pub(crate) mod nats;
pub(crate) mod sqlite;

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use protocol::{MsgId, ReadCheck, RoomId, Signature, SnapshotHead, StoredSnapshot, StoredUpdate};

pub(crate) use nats::{NatsOptions, NatsStore};
pub(crate) use sqlite::SqliteStore;

/// A storage failure. Cloneable because one failed commit fails every write
/// in its batch.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(Arc<rusqlite::Error>),
    #[error("could not create the data directory {0}: {1}")]
    DataDir(std::path::PathBuf, Arc<std::io::Error>),
    #[error("the store is closed")]
    Closed,
    #[error("stored data is corrupt: {0}")]
    Corrupt(&'static str),
    #[error("a snapshot must reach past the stored one")]
    StaleSnapshot,
    #[error("sequence number {0} is already stored in this room")]
    Conflict(u64),
    #[error("the storage is full")]
    Full,
    #[error("nats: {0}")]
    Nats(#[source] Arc<dyn std::error::Error + Send + Sync>),
    #[error("nats is not configured as cahier needs: {0}")]
    NatsConfig(String),
    #[error("a compaction elsewhere removed updates this catch-up was reading")]
    Overtaken,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        // SQLITE_FULL: the database reached `max_page_count` (the storage
        // quota) or the disk is full.
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
            return StoreError::Full;
        }
        StoreError::Sqlite(Arc::new(e))
    }
}

/// Resolves once a write is durable (or failed), with the number an
/// update was stored under: what a room whose store numbers its updates
/// (`seq` 0, [`Store::numbers`]) acknowledges. 0 for a snapshot, and for a
/// resend the store already held (its number comes with the feed).
pub(crate) type Commit = BoxFuture<'static, Result<u64, StoreError>>;

/// One piece of a catch-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// The next bytes of the snapshot's ciphertext.
    Snapshot(Vec<u8>),
    /// Stored updates, in sequence order.
    Updates(Vec<StoredUpdate>),
}

/// A catch-up's pieces: the snapshot's, then the updates'.
pub(crate) type Chunks = BoxStream<'static, Result<Piece, StoreError>>;

/// The pieces a backend's reading task sends, as a catch-up's stream.
pub(crate) fn chunks_from(rx: tokio::sync::mpsc::Receiver<Result<Piece, StoreError>>) -> Chunks {
    Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }))
}

/// What a store several relays share tells a room, whichever relay wrote
/// it ([`Store::follow`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fed {
    /// An update, in the store's order.
    Update(StoredUpdate),
    /// The room's seal (its member box and the write key's signature).
    Sealed {
        member_box: Vec<u8>,
        signature: Signature,
    },
    /// A snapshot covering `covers_upto`, of `bytes` of ciphertext,
    /// replaced the log before it (stored by any relay).
    Compacted { covers_upto: u64, bytes: u64 },
}

/// A room's feed: what a room served by several relays forwards.
pub(crate) type Feed = BoxStream<'static, Result<Fed, StoreError>>;

/// A room's presence between relays ([`Store::crossing`]): `send` hands
/// a frame to the other relays (best effort, never waits), `receive`
/// yields theirs.
pub(crate) struct Crossing {
    pub send: Box<dyn Fn(Bytes) + Send + Sync>,
    pub receive: BoxStream<'static, Bytes>,
}

/// How full the storage is, for rooms to refuse an update before they
/// forward it; the backend itself refuses what does not fit.
#[derive(Debug)]
pub(crate) struct Usage {
    used: AtomicU64,
    limit: u64,
}

impl Usage {
    pub fn new(limit: u64) -> Arc<Self> {
        Arc::new(Self {
            used: AtomicU64::new(0),
            limit,
        })
    }

    pub fn set_used(&self, used: u64) {
        self.used.store(used, Relaxed);
    }

    pub fn used(&self) -> u64 {
        self.used.load(Relaxed)
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Bytes that can still be stored.
    pub fn free(&self) -> u64 {
        self.limit.saturating_sub(self.used())
    }
}

/// One update as a room appends it: the ciphertext is shared with the frame
/// the room forwards, not copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub seq: u64,
    pub msg_id: MsgId,
    pub ciphertext: Bytes,
    pub signature: Signature,
}

/// What a room needs to start: its key, where its log stands, and the ids
/// of the updates it still holds (for dedup).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RoomRecord {
    pub write_pk: [u8; 32],
    /// The hash of the room's read capability; `None` for a room stored
    /// before protocol version 2 that no editor opened since.
    pub read_check: Option<ReadCheck>,
    /// The highest sequence number stored, snapshot included (0 if none).
    pub head_seq: u64,
    /// How far the snapshot reaches (0 without one).
    pub snapshot_covers: u64,
    /// The snapshot's ciphertext bytes (0 without one).
    pub snapshot_bytes: u64,
    /// Updates after the snapshot, and their ciphertext bytes.
    pub log_updates: u64,
    pub log_bytes: u64,
    /// The message id and sequence number of every update after the
    /// snapshot, in sequence order.
    pub msg_ids: Vec<(MsgId, u64)>,
    /// The ids of the updates snapshots replaced: for each snapshot, its
    /// `covers_upto` and the ids, in sequence order; oldest first.
    pub covered: Vec<(u64, Vec<MsgId>)>,
    /// The room's seal, if it was sealed: the member box and the write
    /// key's signature over it.
    pub seal: Option<(Vec<u8>, Signature)>,
}

/// A client's missing history: the head of the snapshot it starts from
/// (if it needs one), how many updates follow, and the pieces: the
/// snapshot's ciphertext, then the updates.
pub(crate) struct CatchUp {
    pub snapshot: Option<SnapshotHead>,
    pub pending: u64,
    pub chunks: Chunks,
}

/// Durable storage of room logs; see the module docs for the contract.
/// Object-safe, so the relay picks a backend at start-up.
pub(crate) trait Store: Send + Sync + 'static {
    /// The room's record, or `None` if it was never created.
    fn load(&self, room: RoomId) -> BoxFuture<'_, Result<Option<RoomRecord>, StoreError>>;

    /// Record a room, its write key and its read check, durably.
    fn create(
        &self,
        room: RoomId,
        write_pk: [u8; 32],
        read_check: ReadCheck,
    ) -> BoxFuture<'_, Result<(), StoreError>>;

    /// Record the read check of a room that has none, durably.
    fn set_read_check(
        &self,
        room: RoomId,
        read_check: ReadCheck,
    ) -> BoxFuture<'_, Result<(), StoreError>>;

    /// Record the room's seal, durably; a second seal keeps the first.
    fn seal(
        &self,
        room: RoomId,
        member_box: Vec<u8>,
        signature: Signature,
    ) -> BoxFuture<'_, Result<(), StoreError>>;

    /// Queue an update; see the module docs.
    fn append(&self, room: RoomId, entry: Entry) -> BoxFuture<'_, Commit>;

    /// Queue a snapshot that replaces the updates it covers.
    fn replace_snapshot(&self, room: RoomId, snapshot: StoredSnapshot) -> BoxFuture<'_, Commit>;

    /// Read what a client that applied up to `since` lacks, up to `upto`:
    /// the snapshot if `since` is `None` or behind it, then every update
    /// after the snapshot (or after `since`) up to `upto`, in pieces of
    /// about `chunk_bytes`.
    fn catch_up(
        &self,
        room: RoomId,
        since: Option<u64>,
        upto: u64,
        chunk_bytes: usize,
    ) -> BoxFuture<'_, Result<CatchUp, StoreError>>;

    /// Most updates that can be queued and not yet committed at once: a
    /// room that loads numbers past the stored head by this much, so a
    /// number forwarded before a crash is never reused.
    fn in_flight_limit(&self) -> u64;

    /// Whether the store numbers updates itself, because several relays
    /// may write one room: the room appends with `seq` 0, forwards
    /// nothing before the store has it, and learns each update's number
    /// from [`Store::follow`], its own and the other relays' alike.
    fn numbers(&self) -> bool {
        false
    }

    /// Every update stored in the room after `after`, as it is stored,
    /// whichever relay stored it, and its seal once one is stored (`None`:
    /// a store only this relay writes).
    fn follow(
        &self,
        _room: RoomId,
        _after: u64,
    ) -> BoxFuture<'_, Result<Option<Feed>, StoreError>> {
        Box::pin(async { Ok(None) })
    }

    /// The room's presence between relays (`None`: only this relay).
    fn crossing(&self, _room: RoomId) -> BoxFuture<'_, Result<Option<Crossing>, StoreError>> {
        Box::pin(async { Ok(None) })
    }

    /// Finish every queued write and stop writing.
    fn close(&self) -> BoxFuture<'_, ()>;
}

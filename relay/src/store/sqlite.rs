//! The [`Store`] in one SQLite file (`cahier.sqlite3`, WAL mode).
//!
//! Writes go through one writer thread that owns the only write connection.
//! It takes every write waiting in its queue, applies them in order in one
//! transaction and commits once (group commit), then tells each writer its
//! result. A room acknowledges an update only after that commit, so with
//! `--durability full` an `Ack` survives both a crash and a power cut. A
//! write refused on its own merits (a stale snapshot, a sequence number
//! already stored) is answered alone; only a failing statement fails the
//! batch.
//!
//! A snapshot's commit moves the message ids of the updates it replaces
//! into `covered_ids`, one row per snapshot whose `ids` blob is the 16-byte
//! ids in sequence order (16 bytes an update instead of the whole row), and
//! drops the oldest rows past `remembered_ids`. A database made before
//! protocol version 2 gains the `read_check` column (empty for its rooms)
//! and the table when it is opened.
//!
//! Reads (loading a room, catching a client up) use their own short-lived
//! connections; WAL lets them run beside the writer. A catch-up reads the
//! snapshot and every update after it inside one read transaction, on a
//! blocking thread that hands chunks to the caller's stream as it reads
//! them, so a compaction committed meanwhile cannot make it skip updates.
//!
//! A snapshot's ciphertext is kept in rows of [`SNAPSHOT_ROW`] bytes
//! (`snapshot_chunks`) and read back row by row, so serving a 32 MiB
//! snapshot holds about one chunk in memory, not the whole of it. A
//! database from before that kept it in `snapshots.ciphertext`; opening it
//! moves those into rows once.
//!
//! Fairness: the writer takes every queued write into [`Waiting`], one
//! queue per room, and fills each transaction with one write from each
//! room in turn, up to about [`BATCH_BYTES`]; within a room the order is
//! kept.
//!
//! Quota and a full disk: SQLite is told the storage quota as
//! `max_page_count`, so the file cannot grow past it, and it answers
//! `SQLITE_FULL` as it does for a full disk. Both fail the transaction
//! and store nothing of it; the writer then applies that batch's writes
//! one transaction each, so the writes that fit (a snapshot that frees
//! room, a small update) still land and only the others are refused, with
//! [`StoreError::Full`]. After each commit the writer publishes the bytes
//! in use ([`Usage`]) for rooms to refuse updates before forwarding them.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::thread::JoinHandle;

use futures_util::future::BoxFuture;
use futures_util::FutureExt as _;
use protocol::{MsgId, ReadCheck, RoomId, Signature, SnapshotHead, StoredSnapshot, StoredUpdate};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use tokio::sync::{mpsc, oneshot};

use super::{CatchUp, Commit, Entry, Piece, RoomRecord, Store, StoreError, Usage};
use crate::config::Durability;
use crate::metrics::Metrics;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "cahier.sqlite3";
/// Most writes in one transaction.
const MAX_BATCH: usize = 4096;
/// Bytes of ciphertext after which a transaction takes no more writes:
/// the writes behind wait for the next one, so a small write never waits
/// behind more than about this much of other rooms' data.
const BATCH_BYTES: usize = 1 << 20;
/// A write this small (a keystroke, a paragraph) goes into the next
/// transaction whatever the rooms' turns: with hundreds of rooms sending
/// 1 MiB updates, a turn around them all is hundreds of MiB.
const SMALL_WRITE: usize = 16 << 10;
/// SQLite's page size for a new database. A commit writes every page it
/// touched, whole, to the WAL, and an update in one room does not share a
/// page with an update in another (the table is ordered by room): with many
/// rooms typing at once, nearly every update costs a page. 1 KiB pages
/// instead of the default 4 KiB cut the bytes written by about four
/// (BENCHMARKS.md, W1); rows are ~200 bytes and snapshots overflow into
/// chains either way.
const PAGE_SIZE: u32 = 1024;
/// The WAL is copied back into the database (a checkpoint) once it holds
/// this many pages (4 MiB). A page rewritten by many commits between two
/// checkpoints is copied once: the busy rooms' last pages are, over and
/// over, so a longer WAL writes less (SQLite's default is 1,000 pages).
const WAL_CHECKPOINT_PAGES: u32 = 4096;
/// Writes waiting for the writer thread before rooms wait to queue more.
const QUEUE: usize = 8192;
/// Most writes queued or being committed at once.
const MAX_IN_FLIGHT: usize = QUEUE + MAX_BATCH;
/// Catch-up chunks read ahead of the client.
const READ_AHEAD: usize = 1;
/// Bytes of a snapshot's ciphertext per stored row.
pub(crate) const SNAPSHOT_ROW: usize = 64 << 10;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS rooms (
    id BLOB PRIMARY KEY,
    write_pk BLOB NOT NULL,
    created INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS updates (
    room BLOB NOT NULL,
    seq INTEGER NOT NULL,
    msg_id BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (room, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    room BLOB PRIMARY KEY,
    covers_upto INTEGER NOT NULL,
    msg_id BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    signature BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS covered_ids (
    room BLOB NOT NULL,
    upto INTEGER NOT NULL,
    ids BLOB NOT NULL,
    PRIMARY KEY (room, upto)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seals (
    room BLOB PRIMARY KEY,
    member_box BLOB NOT NULL,
    signature BLOB NOT NULL,
    sealed INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshot_chunks (
    room BLOB NOT NULL,
    idx INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (room, idx)
) WITHOUT ROWID;
";

/// Bytes of one message id in `covered_ids.ids`.
const ID_LEN: usize = 16;

/// One write, applied in queue order.
#[derive(Debug)]
enum Op {
    Create {
        room: RoomId,
        write_pk: [u8; 32],
        read_check: ReadCheck,
    },
    ReadCheck {
        room: RoomId,
        read_check: ReadCheck,
    },
    Append {
        room: RoomId,
        entry: Entry,
    },
    Snapshot {
        room: RoomId,
        snapshot: StoredSnapshot,
        remembered_ids: usize,
    },
    Seal {
        room: RoomId,
        member_box: Vec<u8>,
        signature: Signature,
    },
    /// Commit what came before, checkpoint, and stop the writer thread.
    Stop,
}

struct Write {
    op: Op,
    done: oneshot::Sender<Result<(), StoreError>>,
}

impl Op {
    /// The room it writes to; `None` for `Stop`.
    fn room(&self) -> Option<RoomId> {
        match self {
            Op::Create { room, .. }
            | Op::ReadCheck { room, .. }
            | Op::Append { room, .. }
            | Op::Snapshot { room, .. }
            | Op::Seal { room, .. } => Some(*room),
            Op::Stop => None,
        }
    }

    /// The bytes it writes, about.
    fn bytes(&self) -> usize {
        match self {
            Op::Append { entry, .. } => entry.ciphertext.len(),
            Op::Snapshot { snapshot, .. } => snapshot.ciphertext.len(),
            Op::Seal { member_box, .. } => member_box.len(),
            Op::Create { .. } | Op::ReadCheck { .. } | Op::Stop => 0,
        }
    }
}

/// The writes taken from the queue and not yet committed, per room in
/// arrival order, the rooms taken in turn: a room that sends 1 MiB updates
/// as fast as it may gets one write into each transaction like any other,
/// instead of holding a FIFO queue's every slot ahead of a person typing
/// elsewhere. Within a room the order is kept (an update before the
/// snapshot that covers it); rooms are independent. `Stop` goes last,
/// alone, once everything before it is committed.
#[derive(Default)]
struct Waiting {
    rooms: HashMap<RoomId, VecDeque<Write>>,
    /// Rooms with waiting writes, in turn.
    turn: VecDeque<RoomId>,
    stop: Option<Write>,
    len: usize,
}

impl Waiting {
    fn push(&mut self, write: Write) {
        let Some(room) = write.op.room() else {
            self.stop = Some(write);
            return;
        };
        let queue = self.rooms.entry(room).or_default();
        if queue.is_empty() {
            self.turn.push_back(room);
        }
        queue.push_back(write);
        self.len += 1;
    }

    fn is_empty(&self) -> bool {
        self.len == 0 && self.stop.is_none()
    }

    /// Whether a `Stop` came: nothing more is taken from the queue.
    fn stopping(&self) -> bool {
        self.stop.is_some()
    }

    /// The next transaction's writes: first every room's small writes at
    /// the head of its queue ([`SMALL_WRITE`]), then one write from each
    /// room in turn, until [`BATCH_BYTES`] or [`MAX_BATCH`]; the `Stop`
    /// once nothing else waits.
    fn next_batch(&mut self) -> Vec<Write> {
        let mut batch = Vec::new();
        let mut bytes = 0;
        for _ in 0..self.turn.len() {
            let Some(room) = self.turn.pop_front() else {
                break;
            };
            let Some(queue) = self.rooms.get_mut(&room) else {
                continue;
            };
            while batch.len() < MAX_BATCH
                && queue.front().is_some_and(|w| w.op.bytes() <= SMALL_WRITE)
            {
                if let Some(write) = queue.pop_front() {
                    bytes += write.op.bytes();
                    self.len -= 1;
                    batch.push(write);
                }
            }
            if queue.is_empty() {
                self.rooms.remove(&room);
            } else {
                self.turn.push_back(room);
            }
        }
        while bytes < BATCH_BYTES && batch.len() < MAX_BATCH {
            let Some(room) = self.turn.pop_front() else {
                break;
            };
            let Some(queue) = self.rooms.get_mut(&room) else {
                continue;
            };
            if let Some(write) = queue.pop_front() {
                bytes += write.op.bytes();
                self.len -= 1;
                batch.push(write);
            }
            if queue.is_empty() {
                self.rooms.remove(&room);
            } else {
                self.turn.push_back(room);
            }
        }
        if batch.is_empty() {
            batch.extend(self.stop.take());
        }
        batch
    }

    /// Everything still waiting (the writer is stopping).
    fn drain(&mut self) -> impl Iterator<Item = Write> + '_ {
        self.turn.clear();
        self.len = 0;
        self.rooms
            .drain()
            .flat_map(|(_, queue)| queue)
            .chain(self.stop.take())
    }
}

/// Cheap-clone handle to the SQLite store.
#[derive(Clone)]
pub(crate) struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    remembered_ids: usize,
    writes: mpsc::Sender<Write>,
    /// Taken by `close`; the lock is never held across an await.
    writer: std::sync::Mutex<Option<JoinHandle<()>>>,
}

fn blob16(bytes: Vec<u8>) -> Result<[u8; 16], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("a 16-byte id has another length"))
}

fn blob64(bytes: Vec<u8>) -> Result<[u8; 64], StoreError> {
    bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("a signature is not 64 bytes"))
}

impl SqliteStore {
    /// Open (or create) the database in `dir` without a quota; each room
    /// keeps at most `remembered_ids` ids of compacted updates.
    #[cfg(test)]
    pub fn open(
        dir: &Path,
        durability: Durability,
        remembered_ids: usize,
        metrics: Arc<Metrics>,
    ) -> Result<Self, StoreError> {
        Self::open_with(
            dir,
            durability,
            remembered_ids,
            metrics,
            Usage::new(u64::MAX),
        )
    }

    /// Open (or create) the database in `dir`, held to `usage`'s limit,
    /// and start the writer thread.
    pub fn open_with(
        dir: &Path,
        durability: Durability,
        remembered_ids: usize,
        metrics: Arc<Metrics>,
        usage: Arc<Usage>,
    ) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::DataDir(dir.to_owned(), Arc::new(e)))?;
        let path = dir.join(DB_FILE);
        let mut conn = Connection::open(&path)?;
        // Before anything is written: a new database gets small pages (see
        // PAGE_SIZE); an existing one keeps the size it was created with.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)?;
        let sync = match durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        };
        conn.pragma_update(None, "synchronous", sync)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(SCHEMA)?;
        migrate(&conn)?;
        move_legacy_snapshots(&mut conn)?;
        let page_size: u64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
        if usage.limit() < u64::MAX {
            let pages = (usage.limit() / page_size.max(1)).max(1);
            conn.pragma_update(None, "max_page_count", pages)?;
        }
        usage.set_used(used_bytes(&conn)?);
        let (tx, rx) = mpsc::channel(QUEUE);
        let writer = std::thread::Builder::new()
            .name("cahier-store".into())
            .spawn(move || writer_loop(conn, rx, &metrics, &usage))
            .map_err(|e| StoreError::DataDir(dir.to_owned(), Arc::new(e)))?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                remembered_ids,
                writes: tx,
                writer: std::sync::Mutex::new(Some(writer)),
            }),
        })
    }

    /// Queue a write; the returned future resolves once it is committed
    /// (or failed). Waits only if the writer's queue is full.
    async fn submit(&self, op: Op) -> Commit {
        let (done, rx) = oneshot::channel();
        let seq = match &op {
            Op::Append { entry, .. } => entry.seq,
            _ => 0,
        };
        if let Err(mpsc::error::SendError(write)) = self.inner.writes.send(Write { op, done }).await
        {
            let _ = write.done.send(Err(StoreError::Closed));
        }
        async move { rx.await.unwrap_or(Err(StoreError::Closed)).map(|()| seq) }.boxed()
    }

    /// Every room stored, in id order: what a migration to another
    /// backend walks through.
    pub async fn rooms(&self) -> Result<Vec<RoomId>, StoreError> {
        let path = self.inner.path.clone();
        tokio::task::spawn_blocking(move || {
            let conn = Self::read_conn(&path)?;
            let mut query = conn.prepare("SELECT id FROM rooms ORDER BY id")?;
            let ids = query.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
            ids.map(|id| Ok(RoomId(blob16(id?)?)))
                .collect::<Result<Vec<_>, StoreError>>()
        })
        .await
        .unwrap_or(Err(StoreError::Closed))
    }

    fn read_conn(path: &Path) -> Result<Connection, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(conn)
    }
}

impl Store for SqliteStore {
    fn load(&self, room: RoomId) -> BoxFuture<'_, Result<Option<RoomRecord>, StoreError>> {
        let path = self.inner.path.clone();
        async move {
            tokio::task::spawn_blocking(move || load_blocking(&path, room))
                .await
                .unwrap_or(Err(StoreError::Closed))
        }
        .boxed()
    }

    fn create(
        &self,
        room: RoomId,
        write_pk: [u8; 32],
        read_check: ReadCheck,
    ) -> BoxFuture<'_, Result<(), StoreError>> {
        async move {
            self.submit(Op::Create {
                room,
                write_pk,
                read_check,
            })
            .await
            .await
            .map(drop)
        }
        .boxed()
    }

    fn set_read_check(
        &self,
        room: RoomId,
        read_check: ReadCheck,
    ) -> BoxFuture<'_, Result<(), StoreError>> {
        async move {
            self.submit(Op::ReadCheck { room, read_check })
                .await
                .await
                .map(drop)
        }
        .boxed()
    }

    fn seal(
        &self,
        room: RoomId,
        member_box: Vec<u8>,
        signature: Signature,
    ) -> BoxFuture<'_, Result<(), StoreError>> {
        async move {
            self.submit(Op::Seal {
                room,
                member_box,
                signature,
            })
            .await
            .await
            .map(drop)
        }
        .boxed()
    }

    fn append(&self, room: RoomId, entry: Entry) -> BoxFuture<'_, Commit> {
        self.submit(Op::Append { room, entry }).boxed()
    }

    fn replace_snapshot(&self, room: RoomId, snapshot: StoredSnapshot) -> BoxFuture<'_, Commit> {
        self.submit(Op::Snapshot {
            room,
            snapshot,
            remembered_ids: self.inner.remembered_ids,
        })
        .boxed()
    }

    fn catch_up(
        &self,
        room: RoomId,
        since: Option<u64>,
        upto: u64,
        chunk_bytes: usize,
    ) -> BoxFuture<'_, Result<CatchUp, StoreError>> {
        let path = self.inner.path.clone();
        async move {
            let (start_tx, start) = oneshot::channel();
            let (chunk_tx, chunks) = mpsc::channel::<Result<Piece, StoreError>>(READ_AHEAD);
            tokio::task::spawn_blocking(move || {
                let mut start_tx = Some(start_tx);
                let read = CatchUpRead {
                    room,
                    since,
                    upto,
                    chunk_bytes,
                };
                if let Err(e) = read.run(&path, &mut start_tx, &chunk_tx) {
                    // Whoever is still listening hears why it stopped.
                    match start_tx.take() {
                        Some(start_tx) => {
                            let _ = start_tx.send(Err(e));
                        }
                        None => {
                            let _ = chunk_tx.blocking_send(Err(e));
                        }
                    }
                }
            });
            let (snapshot, pending) = start.await.unwrap_or(Err(StoreError::Closed))?;
            let chunks = super::chunks_from(chunks);
            Ok(CatchUp {
                snapshot,
                pending,
                chunks,
            })
        }
        .boxed()
    }

    fn in_flight_limit(&self) -> u64 {
        MAX_IN_FLIGHT as u64
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        async move {
            let handle = self
                .inner
                .writer
                .lock()
                .map(|mut w| w.take())
                .unwrap_or(None);
            let Some(handle) = handle else { return };
            if let Err(e) = self.submit(Op::Stop).await.await {
                tracing::warn!(error = %e, "last commit before shutdown failed");
            }
            let _ = tokio::task::spawn_blocking(move || handle.join()).await;
        }
        .boxed()
    }
}

fn load_blocking(path: &Path, room: RoomId) -> Result<Option<RoomRecord>, StoreError> {
    let mut conn = SqliteStore::read_conn(path)?;
    let tx = conn.transaction()?;
    let id = room.as_bytes().as_slice();
    let Some((pk, check)): Option<(Vec<u8>, Option<Vec<u8>>)> = tx
        .query_row(
            "SELECT write_pk, read_check FROM rooms WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let read_check = check
        .map(|c| {
            <[u8; 32]>::try_from(c)
                .map(ReadCheck)
                .map_err(|_| StoreError::Corrupt("read_check is not 32 bytes"))
        })
        .transpose()?;
    let mut record = RoomRecord {
        write_pk: pk
            .try_into()
            .map_err(|_| StoreError::Corrupt("write_pk is not 32 bytes"))?,
        read_check,
        ..RoomRecord::default()
    };
    let seal: Option<(Vec<u8>, Vec<u8>)> = tx
        .query_row(
            "SELECT member_box, signature FROM seals WHERE room = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    record.seal = seal
        .map(|(member_box, signature)| Ok::<_, StoreError>((member_box, blob64(signature)?)))
        .transpose()?;
    let mut stmt = tx.prepare("SELECT upto, ids FROM covered_ids WHERE room = ?1 ORDER BY upto")?;
    let mut rows = stmt.query([id])?;
    while let Some(row) = rows.next()? {
        let blob: Vec<u8> = row.get(1)?;
        if blob.len() % ID_LEN != 0 {
            return Err(StoreError::Corrupt("covered ids are not 16 bytes each"));
        }
        let ids = blob
            .chunks_exact(ID_LEN)
            .map(|c| blob16(c.to_vec()))
            .collect::<Result<Vec<MsgId>, _>>()?;
        record.covered.push((row.get(0)?, ids));
    }
    drop(rows);
    drop(stmt);
    record.snapshot_covers = snapshot_covers(&tx, id)?;
    record.snapshot_bytes = snapshot_len(&tx, id)?;
    let mut stmt = tx.prepare(
        "SELECT msg_id, seq, length(ciphertext) FROM updates WHERE room = ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([id])?;
    while let Some(row) = rows.next()? {
        let seq: u64 = row.get(1)?;
        let len: u64 = row.get(2)?;
        record.msg_ids.push((blob16(row.get(0)?)?, seq));
        record.log_updates += 1;
        record.log_bytes += len;
        record.head_seq = record.head_seq.max(seq);
    }
    record.head_seq = record.head_seq.max(record.snapshot_covers);
    Ok(Some(record))
}

type Start = Result<(Option<SnapshotHead>, u64), StoreError>;

/// One catch-up read, on a blocking thread.
struct CatchUpRead {
    room: RoomId,
    since: Option<u64>,
    upto: u64,
    chunk_bytes: usize,
}

impl CatchUpRead {
    /// In one read transaction: decide where the client starts (`since`, or
    /// the snapshot if it is behind it or new), send that, then the
    /// snapshot's ciphertext and the updates in chunks. Stops early when
    /// the reader goes away.
    fn run(
        &self,
        path: &Path,
        start_tx: &mut Option<oneshot::Sender<Start>>,
        chunk_tx: &mpsc::Sender<Result<Piece, StoreError>>,
    ) -> Result<(), StoreError> {
        let mut conn = SqliteStore::read_conn(path)?;
        let tx = conn.transaction()?;
        let id = self.room.as_bytes().as_slice();
        let covers = snapshot_covers(&tx, id)?;
        let head = match self.since {
            Some(since) if since >= covers => None,
            _ => tx
                .query_row(
                    "SELECT covers_upto, msg_id, signature FROM snapshots WHERE room = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?
                .map(
                    |(covers_upto, msg_id, signature): (u64, Vec<u8>, Vec<u8>)| {
                        Ok::<_, StoreError>(SnapshotHead {
                            covers_upto,
                            msg_id: blob16(msg_id)?,
                            len: snapshot_len(&tx, id)?,
                            signature: blob64(signature)?,
                        })
                    },
                )
                .transpose()?,
        };
        let after = match &head {
            Some(s) => s.covers_upto,
            None => self.since.unwrap_or(0),
        };
        let pending: u64 = tx.query_row(
            "SELECT count(*) FROM updates WHERE room = ?1 AND seq > ?2 AND seq <= ?3",
            params![id, after, self.upto],
            |r| r.get(0),
        )?;
        let Some(start) = start_tx.take() else {
            return Ok(());
        };
        let send_snapshot = head.is_some();
        if start.send(Ok((head, pending))).is_err() {
            return Ok(());
        }
        let send = |piece: Piece| chunk_tx.blocking_send(Ok(piece)).is_ok();
        if send_snapshot {
            // Rows of SNAPSHOT_ROW, gathered up to about chunk_bytes.
            let mut stmt =
                tx.prepare("SELECT bytes FROM snapshot_chunks WHERE room = ?1 ORDER BY idx")?;
            let mut rows = stmt.query([id])?;
            let mut piece = Vec::new();
            while let Some(row) = rows.next()? {
                let bytes = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
                piece.extend_from_slice(bytes);
                if piece.len() >= self.chunk_bytes
                    && !send(Piece::Snapshot(std::mem::take(&mut piece)))
                {
                    return Ok(());
                }
            }
            if !piece.is_empty() && !send(Piece::Snapshot(piece)) {
                return Ok(());
            }
        }
        let mut stmt = tx.prepare(
            "SELECT seq, msg_id, ciphertext, signature FROM updates
             WHERE room = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![id, after, self.upto])?;
        let mut batch = Vec::new();
        let mut bytes = 0;
        while let Some(row) = rows.next()? {
            let ciphertext: Vec<u8> = row.get(2)?;
            // About what the update costs on the wire besides its bytes.
            bytes += ciphertext.len() + 100;
            batch.push(StoredUpdate {
                seq: row.get(0)?,
                msg_id: blob16(row.get(1)?)?,
                ciphertext,
                signature: blob64(row.get(3)?)?,
            });
            if bytes >= self.chunk_bytes {
                if !send(Piece::Updates(std::mem::take(&mut batch))) {
                    return Ok(());
                }
                bytes = 0;
            }
        }
        if !batch.is_empty() {
            send(Piece::Updates(batch));
        }
        Ok(())
    }
}

/// The ciphertext bytes of the room's snapshot (0 without one).
fn snapshot_len(tx: &rusqlite::Transaction<'_>, room: &[u8]) -> Result<u64, rusqlite::Error> {
    tx.query_row(
        "SELECT coalesce(sum(length(bytes)), 0) FROM snapshot_chunks WHERE room = ?1",
        [room],
        |r| r.get(0),
    )
}

/// Bytes of the database's pages in use (not on the free list).
fn used_bytes(conn: &Connection) -> Result<u64, rusqlite::Error> {
    let pages: u64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
    let free: u64 = conn.pragma_query_value(None, "freelist_count", |r| r.get(0))?;
    let size: u64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
    Ok(pages.saturating_sub(free) * size)
}

/// Store a snapshot's ciphertext in rows of SNAPSHOT_ROW, replacing the
/// room's earlier ones.
fn write_snapshot_rows(
    tx: &rusqlite::Transaction<'_>,
    room: &[u8],
    ciphertext: &[u8],
) -> Result<(), rusqlite::Error> {
    tx.prepare_cached("DELETE FROM snapshot_chunks WHERE room = ?1")?
        .execute([room])?;
    let mut insert =
        tx.prepare_cached("INSERT INTO snapshot_chunks (room, idx, bytes) VALUES (?1, ?2, ?3)")?;
    for (idx, piece) in ciphertext.chunks(SNAPSHOT_ROW).enumerate() {
        insert.execute(params![room, idx as u64, piece])?;
    }
    Ok(())
}

/// Snapshots stored whole in `snapshots.ciphertext` (databases from
/// before the rows) move into `snapshot_chunks`, once.
fn move_legacy_snapshots(conn: &mut Connection) -> Result<(), rusqlite::Error> {
    let tx = conn.transaction()?;
    let rooms: Vec<Vec<u8>> = tx
        .prepare("SELECT room FROM snapshots WHERE length(ciphertext) > 0")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for room in &rooms {
        let ciphertext: Vec<u8> = tx.query_row(
            "SELECT ciphertext FROM snapshots WHERE room = ?1",
            [room],
            |r| r.get(0),
        )?;
        write_snapshot_rows(&tx, room, &ciphertext)?;
        tx.execute(
            "UPDATE snapshots SET ciphertext = x'' WHERE room = ?1",
            [room],
        )?;
    }
    if !rooms.is_empty() {
        tracing::info!(rooms = rooms.len(), "snapshots moved into rows");
    }
    tx.commit()
}

/// How far the room's snapshot reaches (0 without one).
fn snapshot_covers(tx: &rusqlite::Transaction<'_>, room: &[u8]) -> Result<u64, rusqlite::Error> {
    Ok(tx
        .query_row(
            "SELECT covers_upto FROM snapshots WHERE room = ?1",
            [room],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

/// Apply one write. The outer error fails the whole batch; the inner one
/// refuses this write alone.
fn apply(
    tx: &rusqlite::Transaction<'_>,
    op: &Op,
) -> Result<Result<(), StoreError>, rusqlite::Error> {
    match op {
        Op::Create {
            room,
            write_pk,
            read_check,
        } => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            tx.prepare_cached(
                "INSERT OR IGNORE INTO rooms (id, write_pk, created, read_check)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                room.as_bytes().as_slice(),
                write_pk.as_slice(),
                now,
                read_check.0.as_slice()
            ])?;
        }
        Op::Seal {
            room,
            member_box,
            signature,
        } => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            tx.prepare_cached(
                "INSERT OR IGNORE INTO seals (room, member_box, signature, sealed)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                room.as_bytes().as_slice(),
                member_box.as_slice(),
                signature.as_slice(),
                now
            ])?;
        }
        Op::ReadCheck { room, read_check } => {
            tx.prepare_cached(
                "UPDATE rooms SET read_check = ?2 WHERE id = ?1 AND read_check IS NULL",
            )?
            .execute(params![room.as_bytes().as_slice(), read_check.0.as_slice()])?;
        }
        Op::Append { room, entry } => {
            let added = tx
                .prepare_cached(
                    "INSERT INTO updates (room, seq, msg_id, ciphertext, signature)
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                )?
                .execute(params![
                    room.as_bytes().as_slice(),
                    entry.seq,
                    entry.msg_id.as_slice(),
                    entry.ciphertext.as_ref(),
                    entry.signature.as_slice()
                ])?;
            if added == 0 {
                return Ok(Err(StoreError::Conflict(entry.seq)));
            }
        }
        Op::Snapshot {
            room,
            snapshot,
            remembered_ids,
        } => {
            let id = room.as_bytes().as_slice();
            let stored = tx
                .prepare_cached(
                    "INSERT INTO snapshots (room, covers_upto, msg_id, ciphertext, signature)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (room) DO UPDATE SET
                        covers_upto = excluded.covers_upto, msg_id = excluded.msg_id,
                        ciphertext = excluded.ciphertext, signature = excluded.signature
                     WHERE excluded.covers_upto > snapshots.covers_upto",
                )?
                .execute(params![
                    id,
                    snapshot.covers_upto,
                    snapshot.msg_id.as_slice(),
                    &[] as &[u8],
                    snapshot.signature.as_slice()
                ])?;
            if stored == 0 {
                return Ok(Err(StoreError::StaleSnapshot));
            }
            remember_covered_ids(tx, id, snapshot.covers_upto, *remembered_ids)?;
            write_snapshot_rows(tx, id, &snapshot.ciphertext)?;
            tx.prepare_cached("DELETE FROM updates WHERE room = ?1 AND seq <= ?2")?
                .execute(params![id, snapshot.covers_upto])?;
        }
        Op::Stop => {}
    }
    Ok(Ok(()))
}

/// Keep the ids of the updates a snapshot covering `upto` replaces (one
/// row), and forget the oldest rows past `cap` ids in all.
fn remember_covered_ids(
    tx: &rusqlite::Transaction<'_>,
    room: &[u8],
    upto: u64,
    cap: usize,
) -> Result<(), rusqlite::Error> {
    let mut ids = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT msg_id FROM updates WHERE room = ?1 AND seq <= ?2 ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![room, upto])?;
        while let Some(row) = rows.next()? {
            let id: Vec<u8> = row.get(0)?;
            ids.extend_from_slice(&id);
        }
    }
    let max = cap * ID_LEN;
    if ids.len() > max {
        // The newest ids of the newest snapshot first.
        ids.drain(..ids.len() - max);
    }
    tx.prepare_cached("INSERT OR REPLACE INTO covered_ids (room, upto, ids) VALUES (?1, ?2, ?3)")?
        .execute(params![room, upto, ids])?;
    let mut kept = 0;
    let mut older = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT upto, length(ids) FROM covered_ids WHERE room = ?1 ORDER BY upto DESC",
        )?;
        let mut rows = stmt.query([room])?;
        while let Some(row) = rows.next()? {
            let len: usize = row.get(1)?;
            kept += len / ID_LEN;
            if kept > cap {
                older.push(row.get::<_, u64>(0)?);
            }
        }
    }
    for old in older {
        tx.prepare_cached("DELETE FROM covered_ids WHERE room = ?1 AND upto = ?2")?
            .execute(params![room, old])?;
    }
    Ok(())
}

/// Bring a database made by an earlier version up to this schema.
fn migrate(conn: &Connection) -> Result<(), StoreError> {
    let has_check = conn
        .prepare("SELECT 1 FROM pragma_table_info('rooms') WHERE name = 'read_check'")?
        .exists([])?;
    if !has_check {
        conn.execute_batch("ALTER TABLE rooms ADD COLUMN read_check BLOB;")?;
        tracing::info!(
            "database from protocol version 1: rooms get their read check from their first editor"
        );
    }
    Ok(())
}

fn writer_loop(
    mut conn: Connection,
    mut rx: mpsc::Receiver<Write>,
    metrics: &Metrics,
    usage: &Usage,
) {
    let mut stopping = false;
    let mut waiting = Waiting::default();
    while !stopping {
        if waiting.is_empty() {
            let Some(first) = rx.blocking_recv() else {
                break;
            };
            waiting.push(first);
        }
        // Take what is queued now (no more than the queue holds), so the
        // rooms' turns cover everyone who is waiting.
        while !waiting.stopping() && waiting.len < QUEUE {
            match rx.try_recv() {
                Ok(write) => waiting.push(write),
                Err(_) => break,
            }
        }
        let batch = waiting.next_batch();
        if batch.is_empty() {
            continue;
        }
        stopping = batch.iter().any(|w| matches!(w.op, Op::Stop));
        let results = match commit(&mut conn, &batch, metrics) {
            Ok(results) => results,
            Err(StoreError::Full) => {
                // Something in the batch does not fit: try each write on
                // its own, so those that fit land and only the others are
                // refused.
                tracing::warn!(
                    writes = batch.len(),
                    "storage full: committing the batch one write at a time"
                );
                batch
                    .iter()
                    .map(|write| {
                        commit(&mut conn, std::slice::from_ref(write), metrics)
                            .and_then(|mut one| one.pop().unwrap_or(Err(StoreError::Closed)))
                    })
                    .collect()
            }
            Err(e) => {
                tracing::error!(error = %e, writes = batch.len(), "commit failed; nothing in it was acknowledged");
                batch.iter().map(|_| Err(e.clone())).collect()
            }
        };
        match used_bytes(&conn) {
            Ok(used) => usage.set_used(used),
            Err(e) => tracing::warn!(error = %e, "could not measure the database"),
        }
        for (write, result) in batch.into_iter().zip(results) {
            let _ = write.done.send(result);
        }
    }
    rx.close();
    // Anything queued behind the stop is refused, not lost silently: its
    // room sends the client an error and the client keeps it to resend.
    for write in waiting.drain() {
        let _ = write.done.send(Err(StoreError::Closed));
    }
    while let Ok(write) = rx.try_recv() {
        let _ = write.done.send(Err(StoreError::Closed));
    }
    if let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);") {
        tracing::warn!(error = %e, "final checkpoint failed; the WAL will be replayed on next start");
    }
}

/// Apply a batch in one transaction; each write's own result once it is
/// committed.
fn commit(
    conn: &mut Connection,
    batch: &[Write],
    metrics: &Metrics,
) -> Result<Vec<Result<(), StoreError>>, StoreError> {
    let tx = conn.transaction()?;
    let mut results = Vec::with_capacity(batch.len());
    for write in batch {
        results.push(apply(&tx, &write.op)?);
    }
    tx.commit()?;
    metrics.commits.fetch_add(1, Relaxed);
    for (write, result) in batch.iter().zip(&results) {
        match (&write.op, result) {
            (Op::Append { entry, .. }, Ok(())) => {
                metrics.updates_stored.fetch_add(1, Relaxed);
                metrics
                    .update_bytes_stored
                    .fetch_add(entry.ciphertext.len() as u64, Relaxed);
            }
            (Op::Snapshot { .. }, Ok(())) => {
                metrics.snapshots_stored.fetch_add(1, Relaxed);
            }
            _ => {}
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: PathBuf) -> BoxFuture<'static, Option<Arc<dyn Store>>> {
        async move {
            let metrics = Arc::new(Metrics::default());
            let store = SqliteStore::open(
                &dir,
                Durability::Normal,
                crate::store::conformance::REMEMBERED_IDS,
                metrics,
            )
            .expect("open sqlite");
            Some(Arc::new(store) as Arc<dyn Store>)
        }
        .boxed()
    }

    store_conformance!(open);

    fn append(room: u8, seq: u64, len: usize) -> Write {
        let (done, _) = oneshot::channel();
        Write {
            op: Op::Append {
                room: RoomId([room; 16]),
                entry: Entry {
                    seq,
                    msg_id: [seq as u8; 16],
                    ciphertext: bytes::Bytes::from(vec![0; len]),
                    signature: [0; 64],
                },
            },
            done,
        }
    }

    /// (room, seq) of each write of a batch.
    fn names(batch: &[Write]) -> Vec<(u8, u64)> {
        batch
            .iter()
            .map(|w| match &w.op {
                Op::Append { room, entry } => (room.0[0], entry.seq),
                Op::Stop => (0, 0),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_small_write_goes_ahead_of_a_hundred_flooding_rooms() {
        let mut waiting = Waiting::default();
        for room in 1..=100 {
            waiting.push(append(room, 1, 1 << 20));
            waiting.push(append(room, 2, 10));
        }
        waiting.push(append(101, 1, 10));
        let first = names(&waiting.next_batch());
        assert!(first.contains(&(101, 1)), "{first:?}");
        // A small write behind a large one in its room waits for it.
        assert!(!first.contains(&(1, 2)));
        assert_eq!(first.len(), 2, "the small one and one flood write");
    }

    #[test]
    fn a_flooding_room_gets_its_turn_and_a_small_write_elsewhere_does_not_wait_behind_it() {
        let mut waiting = Waiting::default();
        for seq in 1..=8 {
            waiting.push(append(1, seq, 512 << 10));
        }
        waiting.push(append(2, 1, 10));
        waiting.push(append(2, 2, 10));
        let (done, _) = oneshot::channel();
        waiting.push(Write { op: Op::Stop, done });
        // The small writes first, then the flood's half MiBs up to 1 MiB.
        assert_eq!(
            names(&waiting.next_batch()),
            vec![(2, 1), (2, 2), (1, 1), (1, 2)]
        );
        assert_eq!(names(&waiting.next_batch()), vec![(1, 3), (1, 4)]);
        // Each room's writes in their order; the stop last, alone.
        let mut rest = Vec::new();
        loop {
            let batch = names(&waiting.next_batch());
            if batch.is_empty() {
                break;
            }
            rest.push(batch);
        }
        assert_eq!(
            rest,
            vec![vec![(1, 5), (1, 6)], vec![(1, 7), (1, 8)], vec![(0, 0)]]
        );
        assert!(waiting.is_empty());
    }

    #[test]
    fn the_sequence_gap_covers_every_write_that_can_be_in_flight() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store =
            SqliteStore::open(dir.path(), Durability::Normal, 1000, Arc::default()).expect("open");
        // Queued (QUEUE) plus the batch being committed (MAX_BATCH).
        assert!(store.in_flight_limit() >= (QUEUE + MAX_BATCH) as u64);
    }

    #[tokio::test]
    async fn writes_queued_during_a_commit_share_the_next_one_and_only_stored_ones_count() {
        let dir = tempfile::tempdir().expect("tempdir");
        let metrics = Arc::new(Metrics::default());
        let store =
            SqliteStore::open(dir.path(), Durability::Normal, 1000, metrics.clone()).expect("open");
        let room = RoomId([1; 16]);
        store
            .create(room, [2; 32], protocol::ReadCheck([6; 32]))
            .await
            .expect("create");
        let before = metrics.commits.load(Relaxed);
        // A large first write keeps the writer busy while the rest queue.
        let big = StoredSnapshot {
            covers_upto: 1,
            msg_id: [3; 16],
            ciphertext: vec![4; 8 << 20],
            signature: [5; 64],
        };
        let mut commits = vec![store.replace_snapshot(room, big).await];
        for seq in 2..=101 {
            let entry = Entry {
                seq,
                msg_id: [seq as u8; 16],
                ciphertext: bytes::Bytes::from_static(b"0123456789"),
                signature: [6; 64],
            };
            commits.push(store.append(room, entry).await);
        }
        let stale = StoredSnapshot {
            covers_upto: 1,
            msg_id: [7; 16],
            ciphertext: vec![],
            signature: [0; 64],
        };
        commits.push(store.replace_snapshot(room, stale).await);
        let last = commits.pop().expect("the stale one");
        for commit in commits {
            commit.await.expect("stored");
        }
        assert!(matches!(last.await, Err(StoreError::StaleSnapshot)));
        let used = metrics.commits.load(Relaxed) - before;
        assert!(used < 20, "102 writes in {used} commits");
        assert_eq!(metrics.updates_stored.load(Relaxed), 100);
        assert_eq!(metrics.update_bytes_stored.load(Relaxed), 1000);
        assert_eq!(
            metrics.snapshots_stored.load(Relaxed),
            1,
            "the stale one is not counted"
        );
        store.close().await;
    }
}

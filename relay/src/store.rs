//! Durable storage of rooms, updates and snapshots in one SQLite file
//! (`cahier.sqlite3`, WAL mode).
//!
//! Writes go through one writer thread that owns the only write connection.
//! It takes every write waiting in its queue, applies them in order in one
//! transaction and commits once (group commit), then tells each writer its
//! result. A room acknowledges an update only after that commit, so with
//! `--durability full` an `Ack` survives both a crash and a power cut.
//!
//! Reads (loading a room, catching a client up) use their own short-lived
//! connections; WAL lets them run beside the writer. A catch-up reads the
//! snapshot and every update after it inside one read transaction, so a
//! compaction committed meanwhile cannot make it skip updates.
//!
//! What the rooms own (sequence numbers, dedup, fan-out) is not here: this
//! module stores what it is told, in the order it is told.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::thread::JoinHandle;

use bytes::Bytes;
use protocol::{MsgId, RoomId, Signature, StoredSnapshot, StoredUpdate};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use tokio::sync::{mpsc, oneshot};

use crate::config::Durability;
use crate::metrics::Metrics;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "cahier.sqlite3";
/// Most writes in one transaction.
const MAX_BATCH: usize = 4096;
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
pub(crate) const MAX_IN_FLIGHT: usize = QUEUE + MAX_BATCH;

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
";

/// A storage failure. Cloneable because one failed commit fails every write
/// in its batch.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(Arc<rusqlite::Error>),
    #[error("could not create the data directory {0}: {1}")]
    DataDir(PathBuf, Arc<std::io::Error>),
    #[error("the store is closed")]
    Closed,
    #[error("stored data is corrupt: {0}")]
    Corrupt(&'static str),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(Arc::new(e))
    }
}

/// One write, applied in queue order.
#[derive(Debug)]
pub(crate) enum WriteOp {
    CreateRoom {
        room: RoomId,
        write_pk: [u8; 32],
    },
    Update {
        room: RoomId,
        seq: u64,
        msg_id: MsgId,
        ciphertext: Bytes,
        signature: Signature,
    },
    Snapshot {
        room: RoomId,
        snapshot: StoredSnapshot,
    },
    /// Commit what came before, checkpoint, and stop the writer thread.
    Stop,
}
struct Write {
    op: WriteOp,
    done: oneshot::Sender<Result<(), StoreError>>,
}

/// What a room needs to start: its key, where its log stands, and the ids
/// of the updates it still holds (for dedup).
#[derive(Debug, Default)]
pub(crate) struct RoomRecord {
    pub write_pk: [u8; 32],
    pub head_seq: u64,
    pub snapshot_covers: u64,
    pub log_updates: u64,
    pub log_bytes: u64,
    pub msg_ids: Vec<(MsgId, u64)>,
}

/// What a client is sent before it is live: the snapshot it starts from (if
/// it needs one) and how many updates follow.
pub(crate) struct CatchUpStart {
    pub snapshot: Option<StoredSnapshot>,
    pub pending: u64,
}

/// Cheap-clone handle to the store.
#[derive(Clone)]
pub(crate) struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writes: mpsc::Sender<Write>,
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

impl Store {
    /// Open (or create) the database in `dir` and start the writer thread.
    pub fn open(
        dir: &Path,
        durability: Durability,
        metrics: Arc<Metrics>,
    ) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::DataDir(dir.to_owned(), Arc::new(e)))?;
        let path = dir.join(DB_FILE);
        let conn = Connection::open(&path)?;
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
        let (tx, rx) = mpsc::channel(QUEUE);
        let writer = std::thread::Builder::new()
            .name("cahier-store".into())
            .spawn(move || writer_loop(conn, rx, &metrics))
            .map_err(|e| StoreError::DataDir(dir.to_owned(), Arc::new(e)))?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                writes: tx,
                writer: std::sync::Mutex::new(Some(writer)),
            }),
        })
    }

    /// Queue a write; the returned receiver resolves once it is committed
    /// (or failed). Waits only if the writer's queue is full.
    pub async fn submit(&self, op: WriteOp) -> oneshot::Receiver<Result<(), StoreError>> {
        let (done, rx) = oneshot::channel();
        if let Err(mpsc::error::SendError(write)) = self.inner.writes.send(Write { op, done }).await
        {
            let _ = write.done.send(Err(StoreError::Closed));
        }
        rx
    }

    /// Queue a write and wait for its commit.
    pub async fn write(&self, op: WriteOp) -> Result<(), StoreError> {
        self.submit(op)
            .await
            .await
            .unwrap_or(Err(StoreError::Closed))
    }

    fn read_conn(&self) -> Result<Connection, StoreError> {
        let conn = Connection::open_with_flags(
            &self.inner.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(conn)
    }

    /// Load a room, or `None` if it was never created.
    pub async fn load_room(&self, room: RoomId) -> Result<Option<RoomRecord>, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.load_room_blocking(room))
            .await
            .unwrap_or(Err(StoreError::Closed))
    }

    fn load_room_blocking(&self, room: RoomId) -> Result<Option<RoomRecord>, StoreError> {
        let mut conn = self.read_conn()?;
        let tx = conn.transaction()?;
        let id = room.as_bytes().as_slice();
        let Some(pk): Option<Vec<u8>> = tx
            .query_row("SELECT write_pk FROM rooms WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
        else {
            return Ok(None);
        };
        let mut record = RoomRecord {
            write_pk: pk
                .try_into()
                .map_err(|_| StoreError::Corrupt("write_pk is not 32 bytes"))?,
            ..RoomRecord::default()
        };
        record.snapshot_covers = snapshot_covers(&tx, id)?;
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

    /// Catch a client up: in one read transaction, decide where it starts
    /// (`since`, or the snapshot if it is behind it or new), call `start`,
    /// then call `chunk` with the stored updates up to `upto` in chunks of
    /// about `chunk_bytes`. Either callback returning `false` stops early.
    /// Blocking: run it on a blocking thread.
    pub fn catch_up_blocking(
        &self,
        room: RoomId,
        since: Option<u64>,
        upto: u64,
        chunk_bytes: usize,
        start: impl FnOnce(CatchUpStart) -> bool,
        mut chunk: impl FnMut(Vec<StoredUpdate>) -> bool,
    ) -> Result<(), StoreError> {
        let mut conn = self.read_conn()?;
        let tx = conn.transaction()?;
        let id = room.as_bytes().as_slice();
        let covers = snapshot_covers(&tx, id)?;
        let snapshot = match since {
            Some(since) if since >= covers => None,
            _ if covers == 0 => None,
            _ => tx
                .query_row(
                    "SELECT covers_upto, msg_id, ciphertext, signature FROM snapshots WHERE room = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?
                .map(|(covers_upto, msg_id, ciphertext, signature): (u64, Vec<u8>, Vec<u8>, Vec<u8>)| {
                    Ok::<_, StoreError>(StoredSnapshot {
                        covers_upto,
                        msg_id: blob16(msg_id)?,
                        ciphertext,
                        signature: blob64(signature)?,
                    })
                })
                .transpose()?,
        };
        let after = match &snapshot {
            Some(s) => s.covers_upto,
            None => since.unwrap_or(0),
        };
        let pending: u64 = tx.query_row(
            "SELECT count(*) FROM updates WHERE room = ?1 AND seq > ?2 AND seq <= ?3",
            params![id, after, upto],
            |r| r.get(0),
        )?;
        if !start(CatchUpStart { snapshot, pending }) {
            return Ok(());
        }
        let mut stmt = tx.prepare(
            "SELECT seq, msg_id, ciphertext, signature FROM updates
             WHERE room = ?1 AND seq > ?2 AND seq <= ?3 ORDER BY seq",
        )?;
        let mut rows = stmt.query(params![id, after, upto])?;
        let mut batch = Vec::new();
        let mut bytes = 0;
        while let Some(row) = rows.next()? {
            let ciphertext: Vec<u8> = row.get(2)?;
            bytes += ciphertext.len() + 100;
            batch.push(StoredUpdate {
                seq: row.get(0)?,
                msg_id: blob16(row.get(1)?)?,
                ciphertext,
                signature: blob64(row.get(3)?)?,
            });
            if bytes >= chunk_bytes {
                if !chunk(std::mem::take(&mut batch)) {
                    return Ok(());
                }
                bytes = 0;
            }
        }
        if !batch.is_empty() {
            chunk(batch);
        }
        Ok(())
    }

    /// Finish every queued write, checkpoint the WAL and stop the writer.
    /// Writes queued after this are refused with [`StoreError::Closed`];
    /// reads keep working.
    pub async fn close(&self) {
        let handle = self
            .inner
            .writer
            .lock()
            .map(|mut w| w.take())
            .unwrap_or(None);
        let Some(handle) = handle else { return };
        if let Ok(Err(e)) = self.submit(WriteOp::Stop).await.await {
            tracing::warn!(error = %e, "last commit before shutdown failed");
        }
        let _ = tokio::task::spawn_blocking(move || handle.join()).await;
    }
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

fn apply(tx: &rusqlite::Transaction<'_>, op: &WriteOp) -> Result<(), rusqlite::Error> {
    match op {
        WriteOp::CreateRoom { room, write_pk } => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            tx.prepare_cached(
                "INSERT OR IGNORE INTO rooms (id, write_pk, created) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![
                room.as_bytes().as_slice(),
                write_pk.as_slice(),
                now
            ])?;
        }
        WriteOp::Update {
            room,
            seq,
            msg_id,
            ciphertext,
            signature,
        } => {
            tx.prepare_cached(
                "INSERT INTO updates (room, seq, msg_id, ciphertext, signature) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                room.as_bytes().as_slice(),
                seq,
                msg_id.as_slice(),
                ciphertext.as_ref(),
                signature.as_slice()
            ])?;
        }
        WriteOp::Snapshot { room, snapshot } => {
            let id = room.as_bytes().as_slice();
            tx.prepare_cached(
                "INSERT OR REPLACE INTO snapshots (room, covers_upto, msg_id, ciphertext, signature)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                id,
                snapshot.covers_upto,
                snapshot.msg_id.as_slice(),
                snapshot.ciphertext,
                snapshot.signature.as_slice()
            ])?;
            tx.prepare_cached("DELETE FROM updates WHERE room = ?1 AND seq <= ?2")?
                .execute(params![id, snapshot.covers_upto])?;
        }
        WriteOp::Stop => {}
    }
    Ok(())
}

fn writer_loop(mut conn: Connection, mut rx: mpsc::Receiver<Write>, metrics: &Metrics) {
    let mut stopping = false;
    while !stopping {
        let Some(first) = rx.blocking_recv() else {
            break;
        };
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(write) => batch.push(write),
                Err(_) => break,
            }
        }
        stopping = batch.iter().any(|w| matches!(w.op, WriteOp::Stop));
        let result = commit(&mut conn, &batch, metrics);
        if let Err(e) = &result {
            tracing::error!(error = %e, writes = batch.len(), "commit failed; nothing in it was acknowledged");
        }
        for write in batch {
            let _ = write.done.send(result.clone());
        }
    }
    rx.close();
    // Anything queued behind the stop is refused, not lost silently: its
    // room sends the client an error and the client keeps it to resend.
    while let Ok(write) = rx.try_recv() {
        let _ = write.done.send(Err(StoreError::Closed));
    }
    if let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);") {
        tracing::warn!(error = %e, "final checkpoint failed; the WAL will be replayed on next start");
    }
}

fn commit(conn: &mut Connection, batch: &[Write], metrics: &Metrics) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    for write in batch {
        apply(&tx, &write.op)?;
    }
    tx.commit()?;
    metrics.commits.fetch_add(1, Relaxed);
    for write in batch {
        match &write.op {
            WriteOp::Update { ciphertext, .. } => {
                metrics.updates_stored.fetch_add(1, Relaxed);
                metrics
                    .update_bytes_stored
                    .fetch_add(ciphertext.len() as u64, Relaxed);
            }
            WriteOp::Snapshot { .. } => {
                metrics.snapshots_stored.fetch_add(1, Relaxed);
            }
            WriteOp::CreateRoom { .. } | WriteOp::Stop => {}
        }
    }
    Ok(())
}

//! The [`Store`] on NATS JetStream, for relays that keep rooms on a NATS
//! server or cluster instead of a local SQLite file (issue 16).
//!
//! # Where things live
//!
//! One stream, `CAHIER` (subjects `cahier.>`, replicated `--nats-replicas`
//! times, `discard: new` at the storage quota), holds everything large:
//!
//! - `cahier.room.<room hex>`: the room's log, one message per update. The
//!   room's sequence number and the update's message id are headers
//!   (`Cahier-Seq`, `Cahier-Id`), so a headers-only consumer reads a
//!   room's bookkeeping without its ciphertexts; the payload is the
//!   signature (64 bytes) and the ciphertext. `Nats-Msg-Id` is
//!   `<room hex>.<seq>`: JetStream refuses a second message with the same
//!   room and number within its duplicate window.
//! - `cahier.snap.<room hex>.<covers_upto>`: a snapshot's ciphertext in
//!   messages of [`SNAPSHOT_PIECE`] bytes, read back with a pull consumer
//!   that asks for about one catch-up chunk at a time.
//! - `cahier.ids.<room hex>.<covers_upto>`: the message ids snapshots
//!   replaced (the `covered` lists, at most `remembered_ids`), encoded in
//!   pieces. Up to 1.6 MB with the default bound: more than one NATS
//!   message may carry, and more than a key-value entry.
//!
//! A key-value bucket, `cahier-rooms`, holds what is small and must be
//! written once or compared and swapped: `<hex>` (write key and read
//! check, created once: a second creation keeps the first), `<hex>.seal`
//! (created once) and `<hex>.snap`, the snapshot's head (how far it
//! reaches, its id, signature and length). Replacing the head with a
//! revision check is the commit point of a compaction: the pieces are
//! published and acknowledged before it, the covered updates and the old
//! pieces are purged after it (a purge with a subject filter and a
//! sequence), and every read ignores updates the head covers, so a crash
//! between the two loses nothing and shows nothing twice. A snapshot's
//! pieces and ids are on subjects of their own, not in the object store:
//! the object store's reader fetches with a push consumer that reads ahead
//! as far as the server lets it, and a catch-up must hold about one chunk;
//! one stream also makes one quota.
//!
//! # Sequence numbers: one numbering per room across relays
//!
//! Several relays serve one room (issue 16), so no relay can number its
//! updates alone: two would hand out the same number. Numbers must also
//! stay gapless while a client is connected: its session takes a live
//! number it never saw for an update the relay withheld
//! (`protocol::session`, "Live"), so the stream's own sequence, which
//! other rooms' messages interleave, cannot be the room's.
//!
//! So the store numbers an update the room left unnumbered (`seq` 0)
//! itself, one at a time per room: the room's last number plus one,
//! published with `Nats-Expected-Last-Subject-Sequence` set to the
//! stream sequence of the room's last message as this relay knows it.
//! The server stores it only if nothing was stored on the room's subject
//! since, whichever relay wrote; otherwise the publish fails, the store
//! reads the room's last message (`get_last_raw_message_by_subject`:
//! another relay's update, or nothing left after a compaction's purge)
//! and goes again ([`NatsStore::number_update`], counted in
//! `cahier_numbering_retries_total`). `Nats-Msg-Id` is `<room hex>.<message
//! id>`, so the server drops a resend of the same update within its
//! duplicate window, through whichever relay it comes. The cost is one
//! round trip per update per room (its next update waits for the last
//! one's acknowledgement); rooms still write in parallel.
//!
//! The room ([`crate::room::state`], "Shared rooms") forwards nothing
//! until [`NatsStore::follow`], an ordered consumer on the room's
//! subject, brings the update back with its number: it acknowledges its
//! authors then and forwards it to everyone else, in the stream's order,
//! the other relays' updates alike. The feed delivers only what the
//! stream stored with its replicas, so an ack still means replicated. The
//! feed also teaches the store's per-room state ([`RoomLog`]) the other
//! relays' updates, so catch-ups send them and numbering starts past
//! them.
//!
//! Updates with a number of their own (the migration from SQLite, the
//! conformance suite) are published pipelined: one the room stored or
//! queued at or above is refused at once ([`StoreError::Conflict`]), and
//! `Nats-Msg-Id` `<room hex>.<seq>` adds the server's own check within
//! the window.
//!
//! A room's commits resolve in the order it queued them: each write waits
//! for the one before it in its room (a chain of oneshots) before it
//! records its result, even when the server answers out of order. A
//! commit resolves only once JetStream acknowledged the publish, that is,
//! once the stream's replicas hold it.
//!
//! Weighed and left: the stream sequence as the room's number (no round
//! trip, but gaps in live traffic that clients must take for withheld
//! updates), and a lease naming the one relay that numbers a room (the
//! others would forward their clients' updates to it, and a lost relay
//! would stop the room's writes until its lease ran out).
//!
//! # Catch-ups
//!
//! A catch-up takes its view under the state's lock: the snapshot head,
//! and the stream sequence of every update it will send (the state keeps
//! them, learned from the acknowledgements, the feed, and from a
//! headers-only scan when a room is first read). It reads them with an
//! ephemeral pull consumer from the first one, one chunk's bytes per
//! pull. While it reads, the room is pinned: a compaction committed
//! meanwhile still commits, but its purge waits until the last catch-up
//! of the room ends, so the catch-up neither skips nor repeats. Another
//! relay's compaction is not pinned by this one's readers; a catch-up
//! that finds an update of its view gone stops with
//! [`StoreError::Overtaken`] (the room fails the peer's catch-up; the
//! client reconnects and starts again), and the store reads the room
//! again, so the next try starts from the other relay's snapshot. A
//! snapshot that loses the revision check to another relay's does the
//! same.
//!
//! # Presence
//!
//! Presence crosses relays on a core NATS subject per room,
//! `cahier-presence.<room hex>` (outside the stream: never stored), each
//! message this relay's random id and the frame, so a relay skips its own.
//! Peer ids are unique across relays because each relay numbers its peers
//! from a random point when its store is shared.
//!
//! A seal or a snapshot stored through another relay reaches this one's
//! room through the same feed: [`NatsStore::follow`] merges watches on
//! the room's `<hex>.seal` and `<hex>.snap` keys with its updates. On a
//! seal the room refuses writes from then on and hands the seal to its
//! peers; on another relay's snapshot the store reads the room again
//! (catch-ups start from that snapshot) and the room counts its log from
//! it (compaction hints, the quota) and drops a proposal it made stale.
//!
//! # Quota
//!
//! The stream's `max_bytes` is the storage quota with `discard: new`, so
//! the server refuses a message that does not fit, and nothing of it is
//! stored: that answer is [`StoreError::Full`]. [`Usage`] is the stream's
//! bytes, read at open and after each compaction, plus what was
//! acknowledged since; a write that would take it past the limit is
//! refused before it is published.
//!
//! # Limits of this first version
//!
//! - The per-room state (about 40 bytes per update after the snapshot)
//!   stays in memory for every room touched since the relay started.
//! - The server must take messages of an update's size: nats-server's
//!   default `max_payload` is 1 MiB, smaller than a 1 MiB update and its
//!   signature; [`NatsStore::open`] refuses a server whose limit is below
//!   `max_update_bytes` plus headers (set `max_payload: 2MB` or more).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::{self, consumer, kv, stream};
use async_nats::HeaderMap;
use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::{FutureExt as _, StreamExt as _};
use protocol::{MsgId, ReadCheck, RoomId, Signature, SnapshotHead, StoredSnapshot, StoredUpdate};
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit, Semaphore};
use tokio_util::task::TaskTracker;

use super::{
    CatchUp, Commit, Crossing, Entry, Fed, Feed, Piece, RoomRecord, Store, StoreError, Usage,
};
use crate::metrics::Metrics;

/// The stream of logs and snapshots.
pub(crate) const STREAM: &str = "CAHIER";
/// The key-value bucket of room records and snapshot heads.
pub(crate) const BUCKET: &str = "cahier-rooms";
/// Bytes of a snapshot's ciphertext per message.
pub(crate) const SNAPSHOT_PIECE: usize = 64 << 10;
/// Bytes of encoded covered ids per message.
const IDS_PIECE: usize = 256 << 10;
/// Most writes published and not yet acknowledged at once.
const MAX_IN_FLIGHT: usize = 4096;
/// Bytes a message carries besides the payload (headers, subject), about:
/// what the server's `max_payload` must leave for them.
const HEADER_ROOM: usize = 1024;
/// How long a catch-up's or a scan's consumer may wait for its next
/// message before the read fails.
const READ_STALL: Duration = Duration::from_secs(30);
/// A consumer the store forgot to delete (a crash) goes after this.
const CONSUMER_IDLE: Duration = Duration::from_secs(60);
/// How long an update may keep finding another relay's update where it
/// was to go before its write fails (the room refuses it; the client
/// sends it again).
const NUMBERING_PATIENCE: Duration = Duration::from_secs(10);
/// How long [`NatsStore::open`] waits for the servers and JetStream to be
/// ready before the relay gives up (and exits, for its supervisor to
/// start it again).
pub const OPEN_PATIENCE: Duration = Duration::from_secs(60);
/// Catch-up chunks read ahead of the client.
const READ_AHEAD: usize = 1;

const SEQ_HEADER: &str = "Cahier-Seq";
const ID_HEADER: &str = "Cahier-Id";

/// How to reach NATS and how to store there.
#[derive(Clone, Debug)]
pub(crate) struct NatsOptions {
    /// `nats://host:port` addresses of the cluster's servers (any one
    /// will do; the client learns the others).
    pub servers: Vec<String>,
    /// Replicas of the stream and the bucket (1 on a single server, 3 on
    /// a three-node cluster).
    pub replicas: usize,
    /// Message ids of compacted updates kept per room.
    pub remembered_ids: usize,
    /// Largest update ciphertext a room may append.
    pub max_update_bytes: usize,
}

/// Cheap-clone handle to the JetStream store.
#[derive(Clone)]
pub(crate) struct NatsStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: async_nats::Client,
    js: jetstream::Context,
    log: stream::Stream,
    records: kv::Store,
    remembered_ids: usize,
    /// Bytes of the largest message the store writes: a pull asks for at
    /// least this much, or the server could not deliver it.
    largest_message: usize,
    usage: Arc<Usage>,
    metrics: Arc<Metrics>,
    /// Each room's log as this relay knows it. Never held across an
    /// await.
    rooms: Mutex<HashMap<RoomId, RoomLog>>,
    /// Taken while a room's log is first read, so two first reads of one
    /// room do not race.
    cold: tokio::sync::Mutex<()>,
    in_flight: Arc<Semaphore>,
    closed: AtomicBool,
    /// Write tasks, awaited by `close`.
    writes: TaskTracker,
    /// This relay, on the presence subjects.
    relay_id: u64,
}

/// Whether the stream listening on `subject` takes publishes: a publish
/// that expects another stream's name is answered, and refused, by the
/// stream's leader, so it proves the way there and stores nothing.
async fn writable(js: &jetstream::Context, subject: &str) -> Result<(), StoreError> {
    let mut headers = HeaderMap::new();
    headers.insert("Nats-Expected-Stream", "cahier-readiness-probe");
    let probe = async {
        js.publish_with_headers(subject.to_owned(), headers, Bytes::new())
            .await?
            .await
    };
    match tokio::time::timeout(Duration::from_secs(2), probe).await {
        Err(_) => Err(StoreError::Nats(Arc::new(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("the stream of {subject} does not answer publishes yet"),
        )))),
        Ok(Ok(_)) => Err(StoreError::NatsConfig(format!(
            "a publish to {subject} expecting another stream was stored"
        ))),
        Ok(Err(e))
            if matches!(
                e.kind(),
                jetstream::context::PublishErrorKind::StreamNotFound
                    | jetstream::context::PublishErrorKind::TimedOut
                    | jetstream::context::PublishErrorKind::BrokenPipe
            ) =>
        {
            Err(nats(e))
        }
        // Refused by the stream itself: it is there and leads.
        Ok(Err(_)) => Ok(()),
    }
}

fn nats(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Nats(Arc::new(e))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N {
        return None;
    }
    let mut out = [0; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn room_subject(room: RoomId) -> String {
    format!("cahier.room.{}", hex(room.as_bytes()))
}

/// Outside `cahier.>`: presence is not stored.
fn presence_subject(room: RoomId) -> String {
    format!("cahier-presence.{}", hex(room.as_bytes()))
}

fn snap_subject(room: RoomId, covers: u64) -> String {
    format!("cahier.snap.{}.{covers}", hex(room.as_bytes()))
}

fn ids_subject(room: RoomId, covers: u64) -> String {
    format!("cahier.ids.{}.{covers}", hex(room.as_bytes()))
}

fn record_key(room: RoomId) -> String {
    hex(room.as_bytes())
}

fn seal_key(room: RoomId) -> String {
    format!("{}.seal", hex(room.as_bytes()))
}

fn head_key(room: RoomId) -> String {
    format!("{}.snap", hex(room.as_bytes()))
}

/// Whether a server's refusal means the stream is at its quota (or the
/// server's disk is).
fn is_full(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(e);
    while let Some(e) = source {
        let text = e.to_string();
        if text.contains("maximum bytes")
            || text.contains("insufficient resources")
            || text.contains("no space left")
        {
            return true;
        }
        source = e.source();
    }
    false
}

/// A room's snapshot head as the bucket keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Head {
    covers_upto: u64,
    msg_id: MsgId,
    signature: Signature,
    len: u64,
    /// Bytes of encoded covered ids on the ids subject.
    ids_len: u64,
}

impl Head {
    const LEN: usize = 8 + 16 + 64 + 8 + 8;

    fn encode(&self) -> Bytes {
        let mut out = Vec::with_capacity(Self::LEN);
        out.extend_from_slice(&self.covers_upto.to_be_bytes());
        out.extend_from_slice(&self.msg_id);
        out.extend_from_slice(&self.signature);
        out.extend_from_slice(&self.len.to_be_bytes());
        out.extend_from_slice(&self.ids_len.to_be_bytes());
        out.into()
    }

    fn decode(bytes: &[u8]) -> Result<Self, StoreError> {
        let corrupt = StoreError::Corrupt("a snapshot head has another length");
        if bytes.len() != Self::LEN {
            return Err(corrupt);
        }
        let u64_at = |at: usize| {
            bytes[at..at + 8]
                .try_into()
                .map(u64::from_be_bytes)
                .map_err(|_| StoreError::Corrupt("a snapshot head has another length"))
        };
        Ok(Self {
            covers_upto: u64_at(0)?,
            msg_id: bytes[8..24].try_into().map_err(|_| corrupt.clone())?,
            signature: bytes[24..88].try_into().map_err(|_| corrupt.clone())?,
            len: u64_at(88)?,
            ids_len: u64_at(96)?,
        })
    }

    fn wire(&self) -> SnapshotHead {
        SnapshotHead {
            covers_upto: self.covers_upto,
            msg_id: self.msg_id,
            len: self.len,
            signature: self.signature,
        }
    }
}

/// The covered ids: for each snapshot, its `covers_upto`, a count and the
/// ids.
fn encode_covered(covered: &[(u64, Vec<MsgId>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (upto, ids) in covered {
        out.extend_from_slice(&upto.to_be_bytes());
        out.extend_from_slice(&(ids.len() as u64).to_be_bytes());
        for id in ids {
            out.extend_from_slice(id);
        }
    }
    out
}

fn decode_covered(mut bytes: &[u8]) -> Result<Vec<(u64, Vec<MsgId>)>, StoreError> {
    let corrupt = || StoreError::Corrupt("covered ids are cut short");
    let mut covered = Vec::new();
    while !bytes.is_empty() {
        let (upto, rest) = bytes.split_at_checked(8).ok_or_else(corrupt)?;
        let (count, rest) = rest.split_at_checked(8).ok_or_else(corrupt)?;
        let upto = u64::from_be_bytes(upto.try_into().map_err(|_| corrupt())?);
        let count = u64::from_be_bytes(count.try_into().map_err(|_| corrupt())?) as usize;
        let (ids, rest) = rest
            .split_at_checked(count.checked_mul(16).ok_or_else(corrupt)?)
            .ok_or_else(corrupt)?;
        let ids = ids
            .chunks_exact(16)
            .map(|c| c.try_into().map_err(|_| corrupt()))
            .collect::<Result<Vec<MsgId>, _>>()?;
        covered.push((upto, ids));
        bytes = rest;
    }
    Ok(covered)
}

/// Add a snapshot's replaced ids to the covered lists, keeping at most
/// `cap` ids in all: the new list keeps its newest `cap`, and the oldest
/// lists go while the total is past it (as the SQLite backend does).
fn remember(covered: &mut Vec<(u64, Vec<MsgId>)>, upto: u64, mut ids: Vec<MsgId>, cap: usize) {
    if ids.len() > cap {
        ids.drain(..ids.len() - cap);
    }
    covered.retain(|(u, _)| *u != upto);
    covered.push((upto, ids));
    let mut kept = 0;
    let mut first_kept = covered.len();
    for (i, (_, ids)) in covered.iter().enumerate().rev() {
        kept += ids.len();
        if kept > cap {
            break;
        }
        first_kept = i;
    }
    covered.drain(..first_kept);
}

/// One stored update as the state knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stored {
    seq: u64,
    /// Its position in the stream.
    stream_seq: u64,
    msg_id: MsgId,
    /// Its ciphertext bytes.
    len: u64,
}

/// What a catch-up will send: the snapshot head if the client needs it,
/// then these updates, by room and stream sequence.
#[derive(Debug, PartialEq, Eq)]
struct View {
    head: Option<Head>,
    updates: Vec<(u64, u64)>,
}

/// One room's log as this relay knows it: the pure bookkeeping of the
/// store (what was queued, what is stored where, who reads it, what waits
/// to be purged). The tasks only move messages.
#[derive(Debug, Default)]
struct RoomLog {
    head: Option<Head>,
    /// The head's revision in the bucket (0: no head yet).
    head_revision: u64,
    covered: Vec<(u64, Vec<MsgId>)>,
    /// Stored updates after the snapshot, in sequence order.
    log: VecDeque<Stored>,
    /// The highest sequence number queued or stored.
    queued: u64,
    /// Catch-ups reading the room now.
    pins: usize,
    /// Updates below this stream sequence are covered and wait to be
    /// purged (0: none).
    purge_below: u64,
    /// Snapshot subjects waiting to be purged.
    stale_subjects: Vec<String>,
    /// Resolves once the room's last queued write recorded its result.
    last_write: Option<oneshot::Receiver<()>>,
    /// The highest stream sequence of an update of the room seen.
    last_stream_seq: u64,
}

impl RoomLog {
    fn covers(&self) -> u64 {
        self.head.as_ref().map_or(0, |h| h.covers_upto)
    }

    /// Take `seq` for an update, or refuse it: it is at or below a number
    /// already queued or stored.
    fn queue(&mut self, seq: u64) -> Result<(), StoreError> {
        if seq <= self.queued.max(self.covers()) {
            return Err(StoreError::Conflict(seq));
        }
        self.queued = seq;
        Ok(())
    }

    /// An update the stream acknowledged (or a scan or a feed found).
    fn stored(&mut self, update: Stored) {
        self.last_stream_seq = self.last_stream_seq.max(update.stream_seq);
        if update.seq <= self.covers() {
            self.purge_below = self.purge_below.max(update.stream_seq + 1);
            return;
        }
        self.queued = self.queued.max(update.seq);
        match self.log.back() {
            Some(last) if last.seq >= update.seq => {
                // Out of order, or a number stored twice by another
                // writer: keep the first.
                if let Err(at) = self.log.binary_search_by_key(&update.seq, |s| s.seq) {
                    self.log.insert(at, update);
                }
            }
            _ => self.log.push_back(update),
        }
    }

    /// The ids of the updates a snapshot covering `upto` replaces.
    fn replaced(&self, upto: u64) -> Vec<MsgId> {
        self.log
            .iter()
            .take_while(|s| s.seq <= upto)
            .map(|s| s.msg_id)
            .collect()
    }

    /// A snapshot committed: drop what it covers, remember their ids, and
    /// note what is to be purged.
    fn compacted(&mut self, head: Head, revision: u64, remembered_ids: usize) {
        let upto = head.covers_upto;
        let ids = self.replaced(upto);
        remember(&mut self.covered, upto, ids, remembered_ids);
        while self.log.front().is_some_and(|s| s.seq <= upto) {
            if let Some(gone) = self.log.pop_front() {
                self.purge_below = self.purge_below.max(gone.stream_seq + 1);
            }
        }
        if let Some(old) = self.head.replace(head) {
            self.stale_subjects.push(old.covers_upto.to_string());
        }
        self.head_revision = revision;
        self.queued = self.queued.max(upto);
    }

    /// What a client that applied up to `since` lacks, up to `upto`.
    fn view(&self, since: Option<u64>, upto: u64) -> View {
        let covers = self.covers();
        let head = match since {
            Some(since) if since >= covers => None,
            _ => self.head.clone(),
        };
        let after = head.as_ref().map_or(since.unwrap_or(0), |h| h.covers_upto);
        let updates = self
            .log
            .iter()
            .filter(|s| s.seq > after && s.seq <= upto)
            .map(|s| (s.seq, s.stream_seq))
            .collect();
        View { head, updates }
    }

    /// The purge to run now, if nobody reads the room: the stream
    /// sequence below which the room's subject is purged, and the stale
    /// snapshots' `covers_upto`.
    fn take_garbage(&mut self) -> Option<(u64, Vec<String>)> {
        if self.pins > 0 || (self.purge_below == 0 && self.stale_subjects.is_empty()) {
            return None;
        }
        Some((
            std::mem::take(&mut self.purge_below),
            std::mem::take(&mut self.stale_subjects),
        ))
    }

    /// The number the room's next update takes when the store numbers
    /// it: past every update and snapshot it knows.
    fn next_number(&self) -> u64 {
        self.queued.max(self.covers()) + 1
    }

    /// Take what a fresh read of the room found (another relay compacted
    /// it): its snapshot, ids and log, keeping this relay's writes, pins
    /// and garbage, and the updates it saw after the read's end.
    fn refreshed(&mut self, fresh: RoomLog) {
        let newer: Vec<Stored> = self
            .log
            .iter()
            .filter(|s| s.stream_seq > fresh.last_stream_seq)
            .copied()
            .collect();
        self.head = fresh.head;
        self.head_revision = fresh.head_revision;
        self.covered = fresh.covered;
        self.log = fresh.log;
        self.queued = self.queued.max(fresh.queued);
        self.purge_below = self.purge_below.max(fresh.purge_below);
        self.last_stream_seq = self.last_stream_seq.max(fresh.last_stream_seq);
        for update in newer {
            self.stored(update);
        }
    }

    fn record(&self) -> (u64, u64, u64, Vec<(MsgId, u64)>) {
        let head_seq = self.log.back().map_or(0, |s| s.seq).max(self.covers());
        let bytes = self.log.iter().map(|s| s.len).sum();
        let ids = self.log.iter().map(|s| (s.msg_id, s.seq)).collect();
        (head_seq, self.log.len() as u64, bytes, ids)
    }
}

/// A catch-up's hold on its room: purges wait until the last one goes.
struct Pin {
    inner: Arc<Inner>,
    room: RoomId,
}

impl Drop for Pin {
    fn drop(&mut self) {
        let garbage = self.inner.with_room(self.room, |log| {
            log.pins -= 1;
            log.take_garbage()
        });
        if let (Some(Some(garbage)), Ok(runtime)) = (garbage, tokio::runtime::Handle::try_current())
        {
            let inner = self.inner.clone();
            let room = self.room;
            runtime.spawn(async move { inner.collect(room, garbage).await });
        }
    }
}

impl NatsStore {
    /// Connect, and create the stream and the bucket if they are missing
    /// (or bring their settings up to these). A server that is not up
    /// yet, a JetStream still starting or electing its leaders, or
    /// another relay creating the same stream at the same moment is
    /// waited for, up to [`OPEN_PATIENCE`]: relays and NATS nodes started
    /// together (a deployment's first start, a test) find each other
    /// instead of the relay exiting. A server configured against what
    /// Cahier needs is refused at once.
    pub async fn open(
        options: &NatsOptions,
        metrics: Arc<Metrics>,
        usage: Arc<Usage>,
    ) -> Result<Self, StoreError> {
        let deadline = tokio::time::Instant::now() + OPEN_PATIENCE;
        let mut pause = Duration::from_millis(50);
        loop {
            match Self::open_once(options, metrics.clone(), usage.clone()).await {
                Ok(store) => return Ok(store),
                Err(e @ StoreError::NatsConfig(_)) => return Err(e),
                Err(e) if tokio::time::Instant::now() + pause < deadline => {
                    tracing::warn!(error = %e, "JetStream is not ready yet; trying again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn open_once(
        options: &NatsOptions,
        metrics: Arc<Metrics>,
        usage: Arc<Usage>,
    ) -> Result<Self, StoreError> {
        let servers = options
            .servers
            .iter()
            .map(|s| s.parse::<async_nats::ServerAddr>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(nats)?;
        let client = async_nats::ConnectOptions::new()
            .name("cahier-relay")
            .connect(servers)
            .await
            .map_err(nats)?;
        let max_payload = client.server_info().max_payload;
        if max_payload < options.max_update_bytes + 64 + HEADER_ROOM {
            return Err(StoreError::NatsConfig(format!(
                "the server takes messages of at most {max_payload} bytes, less than an update of {} bytes: set max_payload to 2MB or more in nats-server's configuration",
                options.max_update_bytes
            )));
        }
        let js = jetstream::ContextBuilder::new()
            .timeout(Duration::from_secs(10))
            .max_ack_inflight(2 * MAX_IN_FLIGHT)
            .build(client.clone());
        let max_bytes = i64::try_from(usage.limit()).unwrap_or(-1);
        let config = stream::Config {
            name: STREAM.into(),
            description: Some("Cahier: room logs and snapshots".into()),
            subjects: vec!["cahier.>".into()],
            max_bytes,
            discard: stream::DiscardPolicy::New,
            storage: stream::StorageType::File,
            num_replicas: options.replicas,
            duplicate_window: Duration::from_secs(120),
            max_message_size: -1,
            ..Default::default()
        };
        js.create_or_update_stream(config).await.map_err(nats)?;
        let log = js.get_stream(STREAM).await.map_err(nats)?;
        // The bucket's stream is made here, not by `create_key_value`: that
        // asks for account fields nats-server 2.9 does not send. Without
        // `allow_direct`, reads go to the stream's leader, so a relay
        // never reads a record older than one it was told is written.
        js.create_or_update_stream(stream::Config {
            name: format!("KV_{BUCKET}"),
            description: Some("Cahier: room records, seals and snapshot heads".into()),
            subjects: vec![format!("$KV.{BUCKET}.>")],
            max_messages_per_subject: 1,
            discard: stream::DiscardPolicy::New,
            storage: stream::StorageType::File,
            num_replicas: options.replicas,
            allow_rollup: true,
            deny_delete: true,
            max_message_size: -1,
            ..Default::default()
        })
        .await
        .map_err(nats)?;
        let records = js.get_key_value(BUCKET).await.map_err(nats)?;
        // A stream just made on a cluster answers its info before its
        // leader takes publishes ("no stream found for given subject"
        // for seconds): wait until both streams answer one.
        writable(&js, "cahier.ready").await?;
        writable(&js, &format!("$KV.{BUCKET}.ready")).await?;
        let store = Self {
            inner: Arc::new(Inner {
                client,
                js,
                log,
                records,
                remembered_ids: options.remembered_ids,
                largest_message: (options.max_update_bytes + 64).max(IDS_PIECE) + HEADER_ROOM,
                usage,
                metrics,
                rooms: Mutex::new(HashMap::new()),
                cold: tokio::sync::Mutex::new(()),
                in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
                closed: AtomicBool::new(false),
                writes: TaskTracker::new(),
                relay_id: rand::random(),
            }),
        };
        store.inner.measure().await?;
        Ok(store)
    }

    /// Every update stored in the room after sequence number `after`, as
    /// it is stored, by this relay or any other on the same stream: what
    /// a room served by several relays needs to forward the others'
    /// updates (issue 16), with the room's seal and each snapshot head
    /// stored (watches on the bucket's keys). The stream never ends by
    /// itself; it starts from the stored update after `after` if this relay
    /// knows where that is, else just past the last update of the room it
    /// saw, else from the room's first. An ordered consumer: it starts
    /// again by itself where it was if the server restarts or a message is
    /// missed.
    pub async fn follow(&self, room: RoomId, after: u64) -> Result<Feed, StoreError> {
        let inner = self.inner.clone();
        inner.ensure(room).await?;
        // From the first update after `after` this relay knows of, else
        // from just past the last one it saw (nothing is missed between
        // the room's first read and this consumer), else from the start.
        let start = inner
            .with_room(room, |log| {
                log.log
                    .iter()
                    .find(|s| s.seq > after)
                    .map(|s| s.stream_seq)
                    .or((log.last_stream_seq > 0).then_some(log.last_stream_seq + 1))
            })
            .flatten();
        let deliver_policy = match start {
            Some(start_sequence) => consumer::DeliverPolicy::ByStartSequence { start_sequence },
            None => consumer::DeliverPolicy::All,
        };
        let consumer: consumer::Consumer<consumer::pull::OrderedConfig> = inner
            .log
            .create_consumer(consumer::pull::OrderedConfig {
                filter_subject: room_subject(room),
                deliver_policy,
                ..Default::default()
            })
            .await
            .map_err(nats)?;
        let messages = consumer.messages().await.map_err(nats)?;
        // The seal, whichever relay stores it: a watch on its key (the
        // current value first, if there is one).
        let seals = inner
            .records
            .watch(seal_key(room))
            .await
            .map_err(nats)?
            .filter_map(|entry| async move {
                match entry {
                    Ok(entry) if entry.operation == kv::Operation::Put => Some(
                        decode_seal(&entry.value).map(|(member_box, signature)| Fed::Sealed {
                            member_box,
                            signature,
                        }),
                    ),
                    Ok(_) => None,
                    Err(e) => Some(Err(nats(e))),
                }
            });
        // Snapshots, whichever relay stores them: a watch on the head.
        let heads = {
            let inner = inner.clone();
            inner
                .records
                .watch(head_key(room))
                .await
                .map_err(nats)?
                .filter_map(move |entry| {
                    let inner = inner.clone();
                    async move {
                        let entry = match entry {
                            Ok(entry) if entry.operation == kv::Operation::Put => entry,
                            Ok(_) => return None,
                            Err(e) => return Some(Err(nats(e))),
                        };
                        let head = match Head::decode(&entry.value) {
                            Ok(head) => head,
                            Err(e) => return Some(Err(e)),
                        };
                        let known = inner.with_room(room, |log| log.head_revision).unwrap_or(0);
                        if entry.revision > known {
                            // Another relay's: catch-ups start from it.
                            if let Err(e) = inner.refresh(room).await {
                                return Some(Err(e));
                            }
                        }
                        Some(Ok(Fed::Compacted {
                            covers_upto: head.covers_upto,
                            bytes: head.len,
                        }))
                    }
                })
        };
        let updates = messages.filter_map(move |message| {
            let inner = inner.clone();
            async move {
                let message = match message {
                    Ok(message) => message,
                    Err(e) => return Some(Err(nats(e))),
                };
                let stream_seq = match message.info() {
                    Ok(info) => info.stream_sequence,
                    Err(e) => return Some(Err(StoreError::Nats(Arc::from(e)))),
                };
                let msg = Msg {
                    stream_seq,
                    headers: message.message.headers.clone(),
                    payload: message.message.payload.clone(),
                };
                match parse_update(&msg, false) {
                    Ok((stored, Some(update))) => {
                        // What other relays stored becomes part of
                        // this relay's view of the room: its
                        // catch-ups send it.
                        inner.with_room(room, |log| log.stored(stored));
                        (stored.seq > after).then_some(Ok(Fed::Update(update)))
                    }
                    Ok((_, None)) => None,
                    Err(e) => Some(Err(e)),
                }
            }
        });
        Ok(
            futures_util::stream::select(updates, futures_util::stream::select(seals, heads))
                .boxed(),
        )
    }

    /// The room's presence subject, shared with the other relays: core
    /// NATS, not stored (outside the stream's `cahier.>`). Each message is
    /// this relay's id and a frame; a relay skips its own.
    async fn cross(&self, room: RoomId) -> Result<Crossing, StoreError> {
        let subject = presence_subject(room);
        let me = self.inner.relay_id;
        let subscription = self
            .inner
            .client
            .subscribe(subject.clone())
            .await
            .map_err(nats)?;
        let receive = subscription
            .filter_map(move |message| async move {
                let payload = message.payload;
                let from = payload.get(..8)?;
                (from != me.to_be_bytes()).then(|| payload.slice(8..))
            })
            .boxed();
        let client = self.inner.client.clone();
        let send = Box::new(move |frame: Bytes| {
            let mut payload = Vec::with_capacity(8 + frame.len());
            payload.extend_from_slice(&me.to_be_bytes());
            payload.extend_from_slice(&frame);
            let (client, subject) = (client.clone(), subject.clone());
            // Presence is best effort: the next one replaces a lost one.
            tokio::spawn(async move {
                let _ = client.publish(subject, payload.into()).await;
            });
        });
        Ok(Crossing { send, receive })
    }

    /// Queue an update: see [`Store::append`].
    async fn queue_append(&self, room: RoomId, entry: Entry) -> Commit {
        if entry.seq == 0 {
            // The store numbers it, after the room's previous write.
            let slot = match self.enqueue(room, |_| Ok(())).await {
                Ok(slot) => slot,
                Err(e) => return async move { Err(e) }.boxed(),
            };
            let inner = self.inner.clone();
            return self.spawn_write(slot, move |prev| {
                inner.number_update(room, entry, prev).boxed()
            });
        }
        let slot = match self.enqueue(room, |log| log.queue(entry.seq)).await {
            Ok(slot) => slot,
            Err(e) => return async move { Err(e) }.boxed(),
        };
        // Published here, in the order the room calls: the stream
        // keeps a room's updates in its numbers' order.
        let sent = match &slot.checked {
            Ok(()) => self.inner.send_update(room, &entry, None).await,
            Err(e) => Err(e.clone()),
        };
        let inner = self.inner.clone();
        self.spawn_write(slot, move |prev| match sent {
            Ok(ack) => inner.finish_update(room, entry, ack, prev).boxed(),
            Err(e) => async move {
                after(prev).await;
                Err(e)
            }
            .boxed(),
        })
    }

    /// Queue a snapshot: see [`Store::replace_snapshot`].
    async fn queue_snapshot(&self, room: RoomId, snapshot: StoredSnapshot) -> Commit {
        let slot = match self.enqueue(room, |_| Ok(())).await {
            Ok(slot) => slot,
            Err(e) => return async move { Err(e) }.boxed(),
        };
        let inner = self.inner.clone();
        self.spawn_write(slot, move |prev| {
            inner
                .replace_snapshot(room, snapshot, prev)
                .map(|done| done.map(|()| 0))
                .boxed()
        })
    }

    /// Take a place on the room's chain of writes: wait for room in the
    /// queue, learn the room's state if it is new, run `check` on it, and
    /// hand back the completion of the room's previous write, this write's
    /// own, and the permit it holds while in flight.
    async fn enqueue(
        &self,
        room: RoomId,
        check: impl FnOnce(&mut RoomLog) -> Result<(), StoreError>,
    ) -> Result<Slot, StoreError> {
        let inner = &self.inner;
        if inner.closed.load(Relaxed) {
            return Err(StoreError::Closed);
        }
        let permit = inner
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Closed)?;
        inner.ensure(room).await?;
        let (done, done_rx) = oneshot::channel();
        let (prev, checked) = inner
            .with_room(room, |log| (log.last_write.replace(done_rx), check(log)))
            .ok_or(StoreError::Closed)?;
        Ok(Slot {
            prev,
            done,
            permit,
            checked,
        })
    }

    /// Run a write's end in its own task; the commit resolves with its
    /// result, after the room's previous write recorded its own.
    fn spawn_write(
        &self,
        slot: Slot,
        work: impl FnOnce(Option<oneshot::Receiver<()>>) -> BoxFuture<'static, Result<u64, StoreError>>,
    ) -> Commit {
        let (result_tx, result_rx) = oneshot::channel();
        let Slot {
            prev,
            done,
            permit,
            checked,
        } = slot;
        let task = match checked {
            Ok(()) => work(prev),
            Err(e) => async move {
                after(prev).await;
                Err(e)
            }
            .boxed(),
        };
        self.inner.writes.spawn(async move {
            let result = task.await;
            drop(permit);
            let _ = done.send(());
            let _ = result_tx.send(result);
        });
        async move { result_rx.await.unwrap_or(Err(StoreError::Closed)) }.boxed()
    }
}

/// A write's place on its room's chain.
struct Slot {
    prev: Option<oneshot::Receiver<()>>,
    done: oneshot::Sender<()>,
    permit: OwnedSemaphorePermit,
    /// Whether the room's state takes the write.
    checked: Result<(), StoreError>,
}

async fn after(prev: Option<oneshot::Receiver<()>>) {
    if let Some(prev) = prev {
        let _ = prev.await;
    }
}

impl Inner {
    /// Run `f` on the room's state, if it is known.
    fn with_room<T>(&self, room: RoomId, f: impl FnOnce(&mut RoomLog) -> T) -> Option<T> {
        let mut rooms = self
            .rooms
            .lock()
            .expect("no panic while the rooms lock is held");
        rooms.get_mut(&room).map(f)
    }

    /// Read the stream's size into [`Usage`].
    async fn measure(&self) -> Result<(), StoreError> {
        let info = self.log.get_info().await.map_err(nats)?;
        self.usage.set_used(info.state.bytes);
        Ok(())
    }

    /// Make sure the room's state is known, reading it from the stream the
    /// first time.
    async fn ensure(&self, room: RoomId) -> Result<(), StoreError> {
        if self.with_room(room, |_| ()).is_some() {
            return Ok(());
        }
        let _first = self.cold.lock().await;
        if self.with_room(room, |_| ()).is_some() {
            return Ok(());
        }
        let log = self.read_room(room).await?;
        let garbage = {
            let mut rooms = self
                .rooms
                .lock()
                .expect("no panic while the rooms lock is held");
            rooms.entry(room).or_insert(log).take_garbage()
        };
        if let Some(garbage) = garbage {
            // Covered updates a crash left behind.
            self.collect(room, garbage).await;
        }
        Ok(())
    }

    /// Read the room again from the bucket and the stream, after another
    /// relay changed what this one knew (a compaction).
    async fn refresh(&self, room: RoomId) -> Result<(), StoreError> {
        let fresh = self.read_room(room).await?;
        self.with_room(room, |log| log.refreshed(fresh));
        Ok(())
    }

    /// A room's state from the bucket and the stream.
    async fn read_room(&self, room: RoomId) -> Result<RoomLog, StoreError> {
        let mut log = RoomLog::default();
        if let Some(entry) = self.records.entry(head_key(room)).await.map_err(nats)? {
            if entry.operation == kv::Operation::Put {
                let head = Head::decode(&entry.value)?;
                if head.ids_len > 0 {
                    let mut bytes = Vec::with_capacity(head.ids_len as usize);
                    let mut pieces = self
                        .scan(ids_subject(room, head.covers_upto), false, 0, IDS_PIECE)
                        .await?;
                    while let Some(message) = pieces.next().await {
                        bytes.extend_from_slice(&message?.payload);
                    }
                    if bytes.len() as u64 != head.ids_len {
                        return Err(StoreError::Corrupt("covered ids are missing"));
                    }
                    log.covered = decode_covered(&bytes)?;
                }
                log.queued = head.covers_upto;
                log.head = Some(head);
                log.head_revision = entry.revision;
            }
        }
        let mut updates = self.scan(room_subject(room), true, 0, 1 << 20).await?;
        while let Some(message) = updates.next().await {
            let (stored, _) = parse_update(&message?, true)?;
            log.stored(stored);
        }
        Ok(log)
    }

    /// The messages on `subject` from stream sequence `from` (0: the
    /// first) up to the last one there when the scan began, pulled about
    /// `batch_bytes` at a time (and no less than the largest message: a
    /// pull asking for fewer bytes than the next message gets nothing).
    async fn scan(
        &self,
        subject: String,
        headers_only: bool,
        from: u64,
        batch_bytes: usize,
    ) -> Result<futures_util::stream::BoxStream<'static, Result<Msg, StoreError>>, StoreError> {
        let deliver_policy = match from {
            0 => consumer::DeliverPolicy::All,
            start_sequence => consumer::DeliverPolicy::ByStartSequence { start_sequence },
        };
        let mut consumer: consumer::PullConsumer = self
            .log
            .create_consumer(consumer::pull::Config {
                filter_subject: subject,
                deliver_policy,
                ack_policy: consumer::AckPolicy::None,
                headers_only,
                inactive_threshold: CONSUMER_IDLE,
                memory_storage: true,
                num_replicas: 1,
                ..Default::default()
            })
            .await
            .map_err(nats)?;
        let name = consumer.cached_info().name.clone();
        let pending = consumer.info().await.map_err(nats)?.num_pending;
        let log = self.log.clone();
        let delete = move || {
            let (log, name) = (log.clone(), name.clone());
            tokio::spawn(async move {
                let _ = log.delete_consumer(&name).await;
            });
        };
        if pending == 0 {
            delete();
            return Ok(futures_util::stream::empty().boxed());
        }
        let messages = consumer
            .stream()
            .max_bytes_per_batch(batch_bytes.max(self.largest_message))
            .max_messages_per_batch(1000)
            .expires(READ_STALL)
            .messages()
            .await
            .map_err(nats)?;
        struct Scan<S> {
            messages: S,
            done: bool,
            on_end: Option<Box<dyn FnOnce() + Send>>,
        }
        impl<S> Drop for Scan<S> {
            fn drop(&mut self) {
                if let Some(on_end) = self.on_end.take() {
                    on_end();
                }
            }
        }
        let scan = Scan {
            messages,
            done: false,
            on_end: Some(Box::new(delete)),
        };
        Ok(futures_util::stream::unfold(scan, |mut scan| async move {
            if scan.done {
                return None;
            }
            let next = tokio::time::timeout(READ_STALL, scan.messages.next()).await;
            let item = match next {
                Err(_) => Err(StoreError::Nats(Arc::new(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the stream stopped delivering",
                )))),
                Ok(None) => return None,
                Ok(Some(Err(e))) => Err(nats(e)),
                Ok(Some(Ok(message))) => match message.info() {
                    Ok(info) => {
                        scan.done = info.pending == 0;
                        Ok(Msg {
                            stream_seq: info.stream_sequence,
                            headers: message.message.headers.clone(),
                            payload: message.message.payload.clone(),
                        })
                    }
                    Err(e) => Err(StoreError::Nats(Arc::from(e))),
                },
            };
            if item.is_err() {
                scan.done = true;
            }
            Some((item, scan))
        })
        .boxed())
    }

    /// Purge what a compaction left: the room's covered updates and the
    /// stale snapshots' pieces. A failure is logged; the next compaction,
    /// or the next first read of the room, tries again.
    async fn collect(&self, room: RoomId, (below, stale): (u64, Vec<String>)) {
        if below > 0 {
            if let Err(e) = self
                .log
                .purge()
                .filter(room_subject(room))
                .sequence(below)
                .await
            {
                tracing::warn!(room = %room, error = %e, "could not purge compacted updates");
                self.with_room(room, |log| log.purge_below = log.purge_below.max(below));
            }
        }
        for covers in stale {
            let hex = hex(room.as_bytes());
            for subject in [
                format!("cahier.snap.{hex}.{covers}"),
                format!("cahier.ids.{hex}.{covers}"),
            ] {
                if let Err(e) = self.log.purge().filter(subject).await {
                    tracing::warn!(room = %room, error = %e, "could not purge an old snapshot");
                }
            }
        }
        if let Err(e) = self.measure().await {
            tracing::warn!(error = %e, "could not measure the stream");
        }
    }

    /// Number an update the room left unnumbered past the room's last one
    /// and publish it with the server's check that nothing was stored on
    /// the room's subject since (`Nats-Expected-Last-Subject-Sequence`), so
    /// numbers stay one per update and without gaps whichever relays
    /// write. A publish that finds another relay's update there reads the
    /// room's last message and goes again.
    async fn number_update(
        self: Arc<Self>,
        room: RoomId,
        entry: Entry,
        prev: Option<oneshot::Receiver<()>>,
    ) -> Result<u64, StoreError> {
        after(prev).await;
        let deadline = tokio::time::Instant::now() + NUMBERING_PATIENCE;
        loop {
            let (seq, expected) = self
                .with_room(room, |log| (log.next_number(), log.last_stream_seq))
                .ok_or(StoreError::Closed)?;
            let numbered = Entry {
                seq,
                ..entry.clone()
            };
            let ack = self.send_update(room, &numbered, Some(expected)).await?;
            match ack.await {
                // A resend of an update stored before, through this relay
                // or another: the feed brings it under its number.
                Ok(ack) if ack.duplicate => return Ok(0),
                Ok(ack) => {
                    self.record_update(room, &numbered, ack.sequence);
                    return Ok(seq);
                }
                Err(e)
                    if e.kind() == jetstream::context::PublishErrorKind::WrongLastSequence
                        && tokio::time::Instant::now() < deadline =>
                {
                    self.metrics.numbering_retries.fetch_add(1, Relaxed);
                    self.learn_last(room).await?;
                }
                Err(e) => return Err(publish_error(e)),
            }
        }
    }

    /// Read the room's last stored message: another relay wrote, or a
    /// compaction purged what this relay took for the last.
    async fn learn_last(&self, room: RoomId) -> Result<(), StoreError> {
        match self
            .log
            .get_last_raw_message_by_subject(&room_subject(room))
            .await
        {
            Ok(message) => {
                let msg = Msg {
                    stream_seq: message.sequence,
                    headers: Some(message.headers),
                    payload: message.payload,
                };
                let (stored, _) = parse_update(&msg, false)?;
                self.with_room(room, |log| {
                    log.stored(stored);
                    log.last_stream_seq = stored.stream_seq;
                });
            }
            Err(e) if e.kind() == stream::LastRawMessageErrorKind::NoMessageFound => {
                self.with_room(room, |log| log.last_stream_seq = 0);
            }
            Err(e) => return Err(nats(e)),
        }
        Ok(())
    }

    /// An update the stream acknowledged at `stream_seq`.
    fn record_update(&self, room: RoomId, entry: &Entry, stream_seq: u64) {
        let len = entry.ciphertext.len() as u64;
        self.usage
            .set_used(self.usage.used().saturating_add(len + 64));
        self.with_room(room, |log| {
            log.stored(Stored {
                seq: entry.seq,
                stream_seq,
                msg_id: entry.msg_id,
                len,
            })
        });
        self.metrics.commits.fetch_add(1, Relaxed);
        self.metrics.updates_stored.fetch_add(1, Relaxed);
        self.metrics.update_bytes_stored.fetch_add(len, Relaxed);
    }

    /// Publish an update (the room's order is the order of these calls)
    /// and hand back its acknowledgement to come. With `expected`, the
    /// server stores it only if the room's last message is at that stream
    /// sequence (0: none), and drops a resend of the same update.
    async fn send_update(
        &self,
        room: RoomId,
        entry: &Entry,
        expected: Option<u64>,
    ) -> Result<jetstream::context::PublishAckFuture, StoreError> {
        let mut payload = Vec::with_capacity(64 + entry.ciphertext.len());
        payload.extend_from_slice(&entry.signature);
        payload.extend_from_slice(&entry.ciphertext);
        if self.usage.used().saturating_add(payload.len() as u64) > self.usage.limit() {
            return Err(StoreError::Full);
        }
        let mut headers = HeaderMap::new();
        match expected {
            Some(expected) => {
                // JetStream drops a resend of the same update within its
                // duplicate window, through whichever relay.
                headers.insert(
                    async_nats::header::NATS_MESSAGE_ID,
                    format!("{}.{}", hex(room.as_bytes()), hex(&entry.msg_id)).as_str(),
                );
                headers.insert(
                    async_nats::header::NATS_EXPECTED_LAST_SUBJECT_SEQUENCE,
                    expected.to_string().as_str(),
                );
            }
            None => headers.insert(
                async_nats::header::NATS_MESSAGE_ID,
                format!("{}.{}", hex(room.as_bytes()), entry.seq).as_str(),
            ),
        }
        headers.insert(SEQ_HEADER, entry.seq.to_string().as_str());
        headers.insert(ID_HEADER, hex(&entry.msg_id).as_str());
        self.js
            .publish_with_headers(room_subject(room), headers, payload.into())
            .await
            .map_err(publish_error)
    }

    /// An update's acknowledgement, recorded once the room's previous
    /// write recorded its own.
    async fn finish_update(
        self: Arc<Self>,
        room: RoomId,
        entry: Entry,
        ack: jetstream::context::PublishAckFuture,
        prev: Option<oneshot::Receiver<()>>,
    ) -> Result<u64, StoreError> {
        let ack = ack.await.map_err(publish_error);
        after(prev).await;
        let ack = ack?;
        if ack.duplicate {
            return Err(StoreError::Conflict(entry.seq));
        }
        self.record_update(room, &entry, ack.sequence);
        Ok(entry.seq)
    }

    async fn replace_snapshot(
        self: Arc<Self>,
        room: RoomId,
        snapshot: StoredSnapshot,
        prev: Option<oneshot::Receiver<()>>,
    ) -> Result<(), StoreError> {
        // Every earlier write of the room is recorded: the ids it
        // replaces are known.
        after(prev).await;
        let upto = snapshot.covers_upto;
        let Some((revision, covered, freed)) = self
            .with_room(room, |log| {
                if upto <= log.covers() {
                    return Err(StoreError::StaleSnapshot);
                }
                let mut covered = log.covered.clone();
                remember(&mut covered, upto, log.replaced(upto), self.remembered_ids);
                let freed: u64 = log
                    .log
                    .iter()
                    .take_while(|s| s.seq <= upto)
                    .map(|s| s.len)
                    .sum::<u64>()
                    + log.head.as_ref().map_or(0, |h| h.len);
                Ok((log.head_revision, covered, freed))
            })
            .transpose()?
        else {
            return Err(StoreError::Closed);
        };
        let ids = encode_covered(&covered);
        let len = (snapshot.ciphertext.len() + ids.len()) as u64;
        if self.usage.used().saturating_sub(freed).saturating_add(len) > self.usage.limit() {
            return Err(StoreError::Full);
        }
        // Pieces a failed attempt left on these subjects go first.
        for subject in [snap_subject(room, upto), ids_subject(room, upto)] {
            self.log.purge().filter(subject).await.map_err(nats)?;
        }
        let ciphertext = Bytes::from(snapshot.ciphertext);
        let mut acks = Vec::new();
        for (subject, bytes, piece) in [
            (snap_subject(room, upto), &ciphertext, SNAPSHOT_PIECE),
            (
                ids_subject(room, upto),
                &Bytes::from(ids.clone()),
                IDS_PIECE,
            ),
        ] {
            for at in (0..bytes.len()).step_by(piece) {
                let part = bytes.slice(at..(at + piece).min(bytes.len()));
                let ack = self
                    .js
                    .publish(subject.clone(), part)
                    .await
                    .map_err(publish_error)?;
                acks.push(ack);
            }
        }
        for ack in acks {
            ack.await.map_err(publish_error)?;
        }
        let head = Head {
            covers_upto: upto,
            msg_id: snapshot.msg_id,
            signature: snapshot.signature,
            len: ciphertext.len() as u64,
            ids_len: ids.len() as u64,
        };
        let written = if revision == 0 {
            self.records
                .create(head_key(room), head.encode())
                .await
                .map_err(|e| match e.kind() {
                    kv::CreateErrorKind::AlreadyExists => StoreError::StaleSnapshot,
                    _ => nats(e),
                })
        } else {
            self.records
                .update(head_key(room), head.encode(), revision)
                .await
                .map_err(|e| match e.kind() {
                    kv::UpdateErrorKind::WrongLastRevision => StoreError::StaleSnapshot,
                    _ => nats(e),
                })
        };
        let revision = match written {
            Ok(revision) => revision,
            Err(e) => {
                // Another relay's snapshot won: these pieces are nobody's,
                // and this relay learns the winner.
                self.collect(room, (0, vec![upto.to_string()])).await;
                if let Err(e) = self.refresh(room).await {
                    tracing::warn!(room = %room, error = %e, "could not read the room again");
                }
                return Err(e);
            }
        };
        let garbage = self.with_room(room, |log| {
            log.compacted(head, revision, self.remembered_ids);
            log.covered = covered;
            log.take_garbage()
        });
        if let Some(Some(garbage)) = garbage {
            self.collect(room, garbage).await;
        } else if let Err(e) = self.measure().await {
            tracing::warn!(error = %e, "could not measure the stream");
        }
        self.metrics.commits.fetch_add(1, Relaxed);
        self.metrics.snapshots_stored.fetch_add(1, Relaxed);
        Ok(())
    }

    /// Read a catch-up's view into `chunks`. Stops early when the reader
    /// goes away.
    async fn read_view(
        &self,
        room: RoomId,
        view: View,
        chunk_bytes: usize,
        chunks: &mpsc::Sender<Result<Piece, StoreError>>,
    ) -> Result<(), StoreError> {
        let send = |piece: Piece| async { chunks.send(Ok(piece)).await.is_ok() };
        if let Some(head) = &view.head {
            let mut pieces = self
                .scan(snap_subject(room, head.covers_upto), false, 0, chunk_bytes)
                .await?;
            let mut piece = Vec::new();
            let mut read = 0;
            while let Some(message) = pieces.next().await {
                let message = message?;
                read += message.payload.len() as u64;
                piece.extend_from_slice(&message.payload);
                if piece.len() >= chunk_bytes
                    && !send(Piece::Snapshot(std::mem::take(&mut piece))).await
                {
                    return Ok(());
                }
            }
            if read != head.len {
                return Err(StoreError::Overtaken);
            }
            if !piece.is_empty() && !send(Piece::Snapshot(piece)).await {
                return Ok(());
            }
        }
        let Some(&(_, first)) = view.updates.first() else {
            return Ok(());
        };
        let mut expected = view.updates.iter().peekable();
        let mut messages = self
            .scan(room_subject(room), false, first, chunk_bytes)
            .await?;
        let mut batch = Vec::new();
        let mut bytes = 0;
        while let Some(&&(seq, stream_seq)) = expected.peek() {
            let Some(message) = messages.next().await else {
                return Err(StoreError::Overtaken);
            };
            let message = message?;
            if message.stream_seq < stream_seq {
                continue;
            }
            if message.stream_seq > stream_seq {
                return Err(StoreError::Overtaken);
            }
            expected.next();
            let (stored, update) = parse_update(&message, false)?;
            if stored.seq != seq {
                return Err(StoreError::Corrupt("an update moved in the stream"));
            }
            let update = update.ok_or(StoreError::Corrupt("an update without its bytes"))?;
            bytes += update.ciphertext.len() + 100;
            batch.push(update);
            if bytes >= chunk_bytes {
                if !send(Piece::Updates(std::mem::take(&mut batch))).await {
                    return Ok(());
                }
                bytes = 0;
            }
        }
        if !batch.is_empty() {
            send(Piece::Updates(batch)).await;
        }
        Ok(())
    }
}

/// A message read from the stream.
struct Msg {
    stream_seq: u64,
    headers: Option<HeaderMap>,
    payload: Bytes,
}

/// An update message's bookkeeping, and the update itself unless only its
/// headers were read.
fn parse_update(
    message: &Msg,
    headers_only: bool,
) -> Result<(Stored, Option<StoredUpdate>), StoreError> {
    let headers = message
        .headers
        .as_ref()
        .ok_or(StoreError::Corrupt("an update without headers"))?;
    let header = |name: &str| headers.get(name).map(|v| v.as_str().to_owned());
    let seq: u64 = header(SEQ_HEADER)
        .and_then(|s| s.parse().ok())
        .ok_or(StoreError::Corrupt("an update without its sequence number"))?;
    let msg_id: MsgId = header(ID_HEADER)
        .and_then(|s| unhex(&s))
        .ok_or(StoreError::Corrupt("an update without its message id"))?;
    let size: u64 = if headers_only {
        header("Nats-Msg-Size")
            .and_then(|s| s.parse().ok())
            .ok_or(StoreError::Corrupt("a headers-only read without the size"))?
    } else {
        message.payload.len() as u64
    };
    let len = size
        .checked_sub(64)
        .ok_or(StoreError::Corrupt("an update shorter than its signature"))?;
    let stored = Stored {
        seq,
        stream_seq: message.stream_seq,
        msg_id,
        len,
    };
    if headers_only {
        return Ok((stored, None));
    }
    let signature: Signature = message.payload[..64]
        .try_into()
        .map_err(|_| StoreError::Corrupt("an update shorter than its signature"))?;
    Ok((
        stored,
        Some(StoredUpdate {
            seq,
            msg_id,
            ciphertext: message.payload[64..].to_vec(),
            signature,
        }),
    ))
}

fn publish_error(e: jetstream::context::PublishError) -> StoreError {
    if is_full(&e) {
        StoreError::Full
    } else {
        nats(e)
    }
}

/// A room record: the write key, then the read check if it has one.
fn encode_record(write_pk: &[u8; 32], read_check: Option<&ReadCheck>) -> Bytes {
    let mut out = write_pk.to_vec();
    if let Some(check) = read_check {
        out.extend_from_slice(&check.0);
    }
    out.into()
}

/// A stored seal: the signature, then the member box.
fn decode_seal(value: &[u8]) -> Result<(Vec<u8>, Signature), StoreError> {
    let signature: Signature = value
        .get(..64)
        .and_then(|s| s.try_into().ok())
        .ok_or(StoreError::Corrupt("a seal without its signature"))?;
    Ok((value[64..].to_vec(), signature))
}

fn decode_record(bytes: &[u8]) -> Result<([u8; 32], Option<ReadCheck>), StoreError> {
    let corrupt = || StoreError::Corrupt("a room record has another length");
    let write_pk: [u8; 32] = bytes
        .get(..32)
        .ok_or_else(corrupt)?
        .try_into()
        .map_err(|_| corrupt())?;
    let check = match bytes.len() {
        32 => None,
        64 => Some(ReadCheck(bytes[32..].try_into().map_err(|_| corrupt())?)),
        _ => return Err(corrupt()),
    };
    Ok((write_pk, check))
}

impl Store for NatsStore {
    fn load(&self, room: RoomId) -> BoxFuture<'_, Result<Option<RoomRecord>, StoreError>> {
        async move {
            let inner = &self.inner;
            let Some(value) = inner.records.get(record_key(room)).await.map_err(nats)? else {
                return Ok(None);
            };
            let (write_pk, read_check) = decode_record(&value)?;
            let seal = match inner.records.get(seal_key(room)).await.map_err(nats)? {
                Some(value) => Some(decode_seal(&value)?),
                None => None,
            };
            inner.ensure(room).await?;
            let record = inner.with_room(room, |log| {
                let (head_seq, log_updates, log_bytes, msg_ids) = log.record();
                RoomRecord {
                    write_pk,
                    read_check,
                    head_seq,
                    snapshot_covers: log.covers(),
                    snapshot_bytes: log.head.as_ref().map_or(0, |h| h.len),
                    log_updates,
                    log_bytes,
                    msg_ids,
                    covered: log.covered.clone(),
                    seal,
                }
            });
            Ok(record)
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
            if self.inner.closed.load(Relaxed) {
                return Err(StoreError::Closed);
            }
            match self
                .inner
                .records
                .create(
                    record_key(room),
                    encode_record(&write_pk, Some(&read_check)),
                )
                .await
            {
                Ok(_) => Ok(()),
                Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => Ok(()),
                Err(e) => Err(nats(e)),
            }
        }
        .boxed()
    }

    fn set_read_check(
        &self,
        room: RoomId,
        read_check: ReadCheck,
    ) -> BoxFuture<'_, Result<(), StoreError>> {
        async move {
            if self.inner.closed.load(Relaxed) {
                return Err(StoreError::Closed);
            }
            let records = &self.inner.records;
            loop {
                let Some(entry) = records.entry(record_key(room)).await.map_err(nats)? else {
                    return Ok(());
                };
                let (write_pk, check) = decode_record(&entry.value)?;
                if check.is_some() {
                    return Ok(());
                }
                match records
                    .update(
                        record_key(room),
                        encode_record(&write_pk, Some(&read_check)),
                        entry.revision,
                    )
                    .await
                {
                    Ok(_) => return Ok(()),
                    // Someone else registered one meanwhile: read again.
                    Err(e) if e.kind() == kv::UpdateErrorKind::WrongLastRevision => continue,
                    Err(e) => return Err(nats(e)),
                }
            }
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
            if self.inner.closed.load(Relaxed) {
                return Err(StoreError::Closed);
            }
            let mut value = signature.to_vec();
            value.extend_from_slice(&member_box);
            match self
                .inner
                .records
                .create(seal_key(room), value.into())
                .await
            {
                Ok(_) => Ok(()),
                Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => Ok(()),
                Err(e) => Err(nats(e)),
            }
        }
        .boxed()
    }

    fn append(&self, room: RoomId, entry: Entry) -> BoxFuture<'_, Commit> {
        self.queue_append(room, entry).boxed()
    }

    fn replace_snapshot(&self, room: RoomId, snapshot: StoredSnapshot) -> BoxFuture<'_, Commit> {
        self.queue_snapshot(room, snapshot).boxed()
    }

    fn catch_up(
        &self,
        room: RoomId,
        since: Option<u64>,
        upto: u64,
        chunk_bytes: usize,
    ) -> BoxFuture<'_, Result<CatchUp, StoreError>> {
        async move {
            let inner = self.inner.clone();
            inner.ensure(room).await?;
            let view = inner
                .with_room(room, |log| {
                    log.pins += 1;
                    log.view(since, upto)
                })
                .ok_or(StoreError::Closed)?;
            let pin = Pin {
                inner: inner.clone(),
                room,
            };
            let snapshot = view.head.as_ref().map(Head::wire);
            let pending = view.updates.len() as u64;
            let (tx, rx) = mpsc::channel(READ_AHEAD);
            tokio::spawn(async move {
                let pin = pin;
                if let Err(e) = inner.read_view(room, view, chunk_bytes.max(1), &tx).await {
                    let _ = tx.send(Err(e.clone())).await;
                    if matches!(e, StoreError::Overtaken) {
                        // Another relay compacted the room: learn its
                        // snapshot, so the client's next try reads it.
                        drop(pin);
                        if let Err(e) = inner.refresh(room).await {
                            tracing::warn!(room = %room, error = %e, "could not read the room again");
                        }
                    }
                }
            });
            let chunks = super::chunks_from(rx);
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

    fn numbers(&self) -> bool {
        true
    }

    fn follow(&self, room: RoomId, after: u64) -> BoxFuture<'_, Result<Option<Feed>, StoreError>> {
        async move { NatsStore::follow(self, room, after).await.map(Some) }.boxed()
    }

    fn crossing(&self, room: RoomId) -> BoxFuture<'_, Result<Option<Crossing>, StoreError>> {
        async move { self.cross(room).await.map(Some) }.boxed()
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        async move {
            self.inner.closed.store(true, Relaxed);
            self.inner.writes.close();
            self.inner.writes.wait().await;
            if let Err(e) = self.inner.client.flush().await {
                tracing::warn!(error = %e, "could not flush the NATS connection");
            }
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::Weak;

    use super::*;
    use crate::testing::{NatsCluster, NatsServer};

    /// Servers by data directory, so that opening a directory again (the
    /// suite's restart) finds the same server and what it stored.
    static SERVERS: Mutex<Vec<(PathBuf, Weak<NatsServer>)>> = Mutex::new(Vec::new());

    fn server_for(dir: &Path) -> Option<Arc<NatsServer>> {
        let mut servers = SERVERS
            .lock()
            .expect("no panic while the servers lock is held");
        servers.retain(|(_, s)| s.strong_count() > 0);
        if let Some(server) = servers
            .iter()
            .find(|(d, _)| d == dir)
            .and_then(|(_, s)| s.upgrade())
        {
            return Some(server);
        }
        let server = Arc::new(NatsServer::start(dir)?);
        servers.push((dir.to_owned(), Arc::downgrade(&server)));
        Some(server)
    }

    fn options(server: &NatsServer) -> NatsOptions {
        NatsOptions {
            servers: vec![server.url()],
            replicas: 1,
            remembered_ids: crate::store::conformance::REMEMBERED_IDS,
            max_update_bytes: protocol::limits::MAX_FRAME_BYTES,
        }
    }

    /// Open the store on `server`, retrying while JetStream starts.
    async fn open_on(server: &NatsServer, usage: Arc<Usage>) -> NatsStore {
        let deadline = tokio::time::Instant::now() + crate::testing::WAIT;
        loop {
            match NatsStore::open(&options(server), Arc::default(), usage.clone()).await {
                Ok(store) => return store,
                Err(e) if tokio::time::Instant::now() < deadline => {
                    tracing::debug!(error = %e, "JetStream not ready yet");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("the store opens on {}: {e}", server.url()),
            }
        }
    }

    /// The store under test and the server it needs, which lives as long
    /// as some store opened on its directory does.
    struct Served {
        store: NatsStore,
        _server: Arc<NatsServer>,
    }

    impl Store for Served {
        fn load(&self, room: RoomId) -> BoxFuture<'_, Result<Option<RoomRecord>, StoreError>> {
            self.store.load(room)
        }
        fn create(
            &self,
            room: RoomId,
            write_pk: [u8; 32],
            read_check: ReadCheck,
        ) -> BoxFuture<'_, Result<(), StoreError>> {
            self.store.create(room, write_pk, read_check)
        }
        fn set_read_check(
            &self,
            room: RoomId,
            read_check: ReadCheck,
        ) -> BoxFuture<'_, Result<(), StoreError>> {
            self.store.set_read_check(room, read_check)
        }
        fn seal(
            &self,
            room: RoomId,
            member_box: Vec<u8>,
            signature: Signature,
        ) -> BoxFuture<'_, Result<(), StoreError>> {
            self.store.seal(room, member_box, signature)
        }
        fn append(&self, room: RoomId, entry: Entry) -> BoxFuture<'_, Commit> {
            self.store.append(room, entry)
        }
        fn replace_snapshot(
            &self,
            room: RoomId,
            snapshot: StoredSnapshot,
        ) -> BoxFuture<'_, Commit> {
            self.store.replace_snapshot(room, snapshot)
        }
        fn catch_up(
            &self,
            room: RoomId,
            since: Option<u64>,
            upto: u64,
            chunk_bytes: usize,
        ) -> BoxFuture<'_, Result<CatchUp, StoreError>> {
            self.store.catch_up(room, since, upto, chunk_bytes)
        }
        fn in_flight_limit(&self) -> u64 {
            self.store.in_flight_limit()
        }
        fn close(&self) -> BoxFuture<'_, ()> {
            self.store.close()
        }
    }

    /// The suite's `open`: a server per directory (skipping, with a
    /// message, where `nats-server` is not installed).
    fn open(dir: PathBuf) -> BoxFuture<'static, Option<Arc<dyn Store>>> {
        async move {
            let server = server_for(&dir)?;
            let store = open_on(&server, Usage::new(u64::MAX)).await;
            Some(Arc::new(Served {
                store,
                _server: server,
            }) as Arc<dyn Store>)
        }
        .boxed()
    }

    store_conformance!(open);

    fn entry(seq: u64) -> Entry {
        Entry {
            seq,
            msg_id: [seq as u8; 16],
            ciphertext: Bytes::from(vec![seq as u8; 100]),
            signature: [7; 64],
        }
    }

    #[tokio::test]
    async fn acknowledged_updates_survive_the_server_being_killed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let Some(server) = NatsServer::start(dir.path()) else {
            return;
        };
        let store = open_on(&server, Usage::new(u64::MAX)).await;
        let room = RoomId([3; 16]);
        store
            .create(room, [1; 32], ReadCheck([2; 32]))
            .await
            .expect("create");
        let mut commits = Vec::new();
        for seq in 1..=300 {
            commits.push(store.append(room, entry(seq)).await);
        }
        for commit in commits {
            commit.await.expect("acknowledged");
        }
        store
            .replace_snapshot(
                room,
                StoredSnapshot {
                    covers_upto: 100,
                    msg_id: [9; 16],
                    ciphertext: vec![9; 200 << 10],
                    signature: [9; 64],
                },
            )
            .await
            .await
            .expect("snapshot acknowledged");
        // No flush, no goodbye: the acknowledgements are all there is.
        server.kill();
        drop(store);
        server.start_again();
        let store = open_on(&server, Usage::new(u64::MAX)).await;
        let record = store.load(room).await.expect("load").expect("the room");
        assert_eq!(record.write_pk, [1; 32]);
        assert_eq!((record.snapshot_covers, record.head_seq), (100, 300));
        assert_eq!(record.log_updates, 200);
        let mut catch_up = store
            .catch_up(room, None, 300, 1 << 20)
            .await
            .expect("catch-up");
        assert_eq!(catch_up.pending, 200);
        let (mut snapshot, mut updates) = (0, Vec::new());
        while let Some(piece) = catch_up.chunks.next().await {
            match piece.expect("readable") {
                Piece::Snapshot(bytes) => snapshot += bytes.len(),
                Piece::Updates(chunk) => updates.extend(chunk.into_iter().map(|u| u.seq)),
            }
        }
        assert_eq!(snapshot, 200 << 10);
        assert_eq!(updates, (101..=300).collect::<Vec<_>>());
        store.close().await;
    }

    /// Open the store on a cluster's `servers` with three replicas,
    /// retrying while JetStream elects the stream's leaders.
    async fn open_replicated(servers: Vec<String>) -> NatsStore {
        let options = NatsOptions {
            servers,
            replicas: 3,
            remembered_ids: crate::store::conformance::REMEMBERED_IDS,
            max_update_bytes: protocol::limits::MAX_FRAME_BYTES,
        };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            match NatsStore::open(&options, Arc::default(), Usage::new(u64::MAX)).await {
                Ok(store) => return store,
                Err(e) if tokio::time::Instant::now() < deadline => {
                    tracing::debug!(error = %e, "the cluster's JetStream not ready yet");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("the store opens on {:?}: {e}", options.servers),
            }
        }
    }

    /// A room's record and every update of its catch-up, by sequence
    /// number and message id.
    async fn read_all(
        store: &NatsStore,
        room: RoomId,
    ) -> Result<(RoomRecord, std::collections::HashSet<(u64, MsgId)>), StoreError> {
        let record = store.load(room).await?.expect("the room");
        let mut catch_up = store.catch_up(room, None, record.head_seq, 1 << 20).await?;
        let mut stored = std::collections::HashSet::new();
        while let Some(piece) = catch_up.chunks.next().await {
            match piece? {
                Piece::Snapshot(_) => panic!("no snapshot was stored"),
                Piece::Updates(chunk) => {
                    stored.extend(chunk.into_iter().map(|u| (u.seq, u.msg_id)))
                }
            }
        }
        Ok((record, stored))
    }

    /// Three nodes, the stream on three replicas; the stream's leader is
    /// killed (SIGKILL) half-way through a writer. The writer goes on: the
    /// client reconnects to a survivor by itself, and a commit that fails
    /// meanwhile (the election) is what a room reports to the update's
    /// author as `StorageFailed`, never acknowledged; the author's session
    /// sends it again and the room numbers it anew, as this writer does.
    /// Every acknowledged update is then read back from the two survivors.
    #[tokio::test]
    async fn acknowledged_updates_survive_the_stream_leader_being_killed() {
        const UPDATES: u16 = 300;
        /// How long commits may fail while the cluster elects a new
        /// leader (an election takes a few seconds).
        const ELECTION: Duration = Duration::from_secs(20);
        let dir = tempfile::tempdir().expect("tempdir");
        let Some(cluster) = NatsCluster::start(dir.path()) else {
            return;
        };
        let store = open_replicated(cluster.urls()).await;
        let room = RoomId([6; 16]);
        store
            .create(room, [1; 32], ReadCheck([2; 32]))
            .await
            .expect("create");
        let msg_id = |i: u16| {
            let mut id = [0; 16];
            id[..2].copy_from_slice(&i.to_be_bytes());
            id
        };
        let (mut acked, mut failed, mut seq) = (Vec::new(), 0u64, 0);
        let (mut killed, mut failing_since) = (None, None);
        let writer = async {
            for i in 0..UPDATES {
                if i == UPDATES / 2 {
                    let info = store.inner.log.get_info().await.expect("the stream's info");
                    let leader = info
                        .cluster
                        .and_then(|c| c.leader)
                        .expect("the stream has a leader");
                    cluster.kill(&leader);
                    killed = Some(leader);
                }
                loop {
                    seq += 1;
                    let entry = Entry {
                        seq,
                        msg_id: msg_id(i),
                        ciphertext: Bytes::from(vec![i as u8; 200]),
                        signature: [7; 64],
                    };
                    match store.append(room, entry).await.await {
                        Ok(_) => {
                            acked.push((seq, msg_id(i)));
                            failing_since = None;
                            break;
                        }
                        Err(e) => {
                            failed += 1;
                            let since = *failing_since.get_or_insert_with(std::time::Instant::now);
                            assert!(
                                since.elapsed() < ELECTION,
                                "the cluster did not recover in {ELECTION:?}: {e}"
                            );
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(120), writer)
            .await
            .expect("the writer finished in time");
        store.close().await;
        drop(store);
        let killed = killed.expect("a node was killed");
        eprintln!("killed {killed}; {failed} commits failed during the election");
        assert_eq!(acked.len(), UPDATES as usize);

        // A relay on the survivors only.
        let store = open_replicated(cluster.running_urls()).await;
        let info = store.inner.log.get_info().await.expect("the stream's info");
        let leader = info.cluster.and_then(|c| c.leader);
        assert!(
            leader.is_some() && leader.as_ref() != Some(&killed),
            "a survivor leads the stream: {leader:?}"
        );
        // A read may time out too while the survivors settle (a consumer
        // placed on the dead node, a meta leader elected again): the room
        // fails the join or the catch-up, and the client joins again, as
        // this reader does. Each read that meets a request to the dead
        // node waits out the client's 10 s; on a loaded machine the
        // survivors were still not read after 40 s once.
        let deadline = tokio::time::Instant::now() + 3 * ELECTION;
        let (record, stored) = loop {
            match read_all(&store, room).await {
                Ok(read) => break read,
                Err(e) if tokio::time::Instant::now() < deadline => {
                    eprintln!("a read failed, reading again: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("the survivors could not be read: {e}"),
            }
        };
        assert!(record.head_seq >= seq - failed);
        let lost: Vec<_> = acked.iter().filter(|a| !stored.contains(a)).collect();
        assert!(lost.is_empty(), "acknowledged and lost: {lost:?}");
        store.close().await;
    }

    #[tokio::test]
    async fn an_update_past_the_quota_is_refused_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let Some(server) = NatsServer::start(dir.path()) else {
            return;
        };
        let usage = Usage::new(64 << 10);
        let store = open_on(&server, usage.clone()).await;
        let room = RoomId([4; 16]);
        store
            .create(room, [1; 32], ReadCheck([2; 32]))
            .await
            .expect("create");
        let big = Entry {
            ciphertext: Bytes::from(vec![1; 100 << 10]),
            ..entry(1)
        };
        let refused = store.append(room, big).await.await;
        assert!(matches!(refused, Err(StoreError::Full)), "{refused:?}");
        store
            .append(room, entry(2))
            .await
            .await
            .expect("a small one fits");
        assert!(usage.used() > 0 && usage.used() < usage.limit());
        let record = store.load(room).await.expect("load").expect("the room");
        assert_eq!(record.msg_ids, vec![([2; 16], 2)], "nothing of the big one");
        store.close().await;
    }

    #[tokio::test]
    async fn a_follower_sees_the_rooms_updates_from_a_position_whoever_stores_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let Some(server) = NatsServer::start(dir.path()) else {
            return;
        };
        let here = open_on(&server, Usage::new(u64::MAX)).await;
        let room = RoomId([5; 16]);
        here.create(room, [1; 32], ReadCheck([2; 32]))
            .await
            .expect("create");
        for seq in 1..=3 {
            here.append(room, entry(seq)).await.await.expect("stored");
        }
        let mut follower = here.follow(room, 2).await.expect("follow");
        // Another relay on the same stream goes on with the room.
        let there = open_on(&server, Usage::new(u64::MAX)).await;
        let record = there.load(room).await.expect("load").expect("the room");
        assert_eq!(record.head_seq, 3);
        for seq in 4..=5 {
            there.append(room, entry(seq)).await.await.expect("stored");
        }
        let mut seen = Vec::new();
        while seen.len() < 3 {
            let update = tokio::time::timeout(crate::testing::WAIT, follower.next())
                .await
                .expect("an update in time")
                .expect("the follower goes on")
                .expect("readable");
            let Fed::Update(update) = update else {
                panic!("an update, not {update:?}")
            };
            assert_eq!(update.ciphertext, entry(update.seq).ciphertext.to_vec());
            seen.push(update.seq);
        }
        assert_eq!(seen, vec![3, 4, 5], "from the position asked, in order");
        drop(follower);
        here.close().await;
        there.close().await;
    }

    /// An update the store numbers, `n` its content.
    fn unnumbered(n: u8) -> Entry {
        Entry {
            seq: 0,
            msg_id: [n; 16],
            ciphertext: Bytes::from(vec![n; 50]),
            signature: [7; 64],
        }
    }

    #[tokio::test]
    async fn two_relays_writing_one_room_at_once_number_it_once_without_gaps() {
        let dir = tempfile::tempdir().expect("tempdir");
        let Some(server) = NatsServer::start(dir.path()) else {
            return;
        };
        let here = open_on(&server, Usage::new(u64::MAX)).await;
        let there = open_on(&server, Usage::new(u64::MAX)).await;
        let room = RoomId([6; 16]);
        here.create(room, [1; 32], ReadCheck([2; 32]))
            .await
            .expect("create");
        // Another room's messages go between in the stream.
        let other = RoomId([7; 16]);
        here.create(other, [1; 32], ReadCheck([2; 32]))
            .await
            .expect("create");
        let mut feed = here.follow(room, 0).await.expect("follow");
        // Each relay queues its updates pipelined, both at once.
        let (mut mine, mut theirs, mut others) = (Vec::new(), Vec::new(), Vec::new());
        for n in 0..40u8 {
            mine.push(here.append(room, unnumbered(n)).await);
            theirs.push(there.append(room, unnumbered(100 + n)).await);
            others.push(here.append(other, unnumbered(200 + n)).await);
        }
        // A resend through the other relay of an update stored: once.
        for commit in mine.into_iter().chain(theirs).chain(others) {
            commit.await.expect("stored");
        }
        there
            .append(room, unnumbered(3))
            .await
            .await
            .expect("a resend is taken");
        let mut seen = Vec::new();
        while seen.len() < 80 {
            let update = tokio::time::timeout(crate::testing::WAIT, feed.next())
                .await
                .expect("an update in time")
                .expect("the feed goes on")
                .expect("readable");
            let Fed::Update(update) = update else {
                panic!("an update, not {update:?}")
            };
            seen.push((update.seq, update.msg_id[0]));
        }
        let numbers: Vec<u64> = seen.iter().map(|(seq, _)| *seq).collect();
        assert_eq!(
            numbers,
            (1..=80).collect::<Vec<_>>(),
            "one number each, no gap"
        );
        let mut contents: Vec<u8> = seen.iter().map(|(_, n)| *n).collect();
        contents.sort_unstable();
        contents.dedup();
        assert_eq!(contents.len(), 80, "every update once");
        assert!(
            tokio::time::timeout(Duration::from_millis(300), feed.next())
                .await
                .is_err(),
            "the resend was not stored again"
        );
        // The follower, and a relay that reads the room afresh, know the
        // whole history.
        let fresh = open_on(&server, Usage::new(u64::MAX)).await;
        for store in [&here, &fresh] {
            let record = store.load(room).await.expect("load").expect("the room");
            assert_eq!(record.head_seq, 80);
            assert_eq!(record.msg_ids.len(), 80);
        }
        fresh.close().await;
        let retries = here.inner.metrics.numbering_retries.load(Relaxed)
            + there.inner.metrics.numbering_retries.load(Relaxed);
        eprintln!("{retries} updates numbered again after the other relay wrote first");
        drop(feed);
        here.close().await;
        there.close().await;
    }

    fn stored(seq: u64, stream_seq: u64) -> Stored {
        Stored {
            seq,
            stream_seq,
            msg_id: [seq as u8; 16],
            len: 10,
        }
    }

    fn head(covers_upto: u64) -> Head {
        Head {
            covers_upto,
            msg_id: [1; 16],
            signature: [2; 64],
            len: 5,
            ids_len: 0,
        }
    }

    #[test]
    fn a_number_queued_or_stored_is_refused() {
        let mut log = RoomLog::default();
        assert!(log.queue(1).is_ok());
        assert!(log.queue(2).is_ok());
        assert!(matches!(log.queue(2), Err(StoreError::Conflict(2))));
        assert!(matches!(log.queue(1), Err(StoreError::Conflict(1))));
        log.stored(stored(1, 10));
        log.stored(stored(2, 11));
        log.compacted(head(2), 1, 8);
        assert!(matches!(log.queue(2), Err(StoreError::Conflict(2))));
        assert!(log.queue(5).is_ok(), "numbers may skip");
    }

    #[test]
    fn a_compaction_waits_for_the_catch_ups_reading_the_room() {
        let mut log = RoomLog::default();
        for seq in 1..=4 {
            log.stored(stored(seq, seq + 100));
        }
        log.pins += 1;
        let view = log.view(None, 4);
        assert_eq!(view.updates.len(), 4);
        log.compacted(head(3), 1, 8);
        assert_eq!(log.take_garbage(), None, "a catch-up still reads them");
        assert_eq!(log.view(None, 4).updates, vec![(4, 104)]);
        assert_eq!(log.view(Some(1), 4).head, Some(head(3)));
        log.pins -= 1;
        assert_eq!(log.take_garbage(), Some((104, vec![])));
        log.compacted(head(4), 2, 8);
        assert_eq!(log.take_garbage(), Some((105, vec!["3".into()])));
        assert_eq!(log.take_garbage(), None);
    }

    #[test]
    fn covered_ids_keep_the_newest_within_the_bound() {
        let ids = |r: std::ops::RangeInclusive<u8>| r.map(|i| [i; 16]).collect::<Vec<_>>();
        let mut covered = Vec::new();
        remember(&mut covered, 3, ids(1..=3), 8);
        remember(&mut covered, 10, ids(4..=10), 8);
        assert_eq!(covered, vec![(10, ids(4..=10))]);
        remember(&mut covered, 11, ids(11..=11), 8);
        assert_eq!(covered, vec![(10, ids(4..=10)), (11, ids(11..=11))]);
        remember(&mut covered, 30, ids(11..=30), 8);
        assert_eq!(covered, vec![(30, ids(23..=30))]);
        let bytes = encode_covered(&covered);
        assert_eq!(decode_covered(&bytes).expect("decodes"), covered);
        assert!(decode_covered(&bytes[..bytes.len() - 1]).is_err());
    }
}

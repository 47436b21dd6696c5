//! Rooms: one task per open document, owning its sequence counter, its
//! peers and the order of everything that happens in it.
//!
//! A room receives already-verified messages from its connections (see
//! [`crate::peer`]), assigns each new update the next sequence number,
//! queues it to the store and forwards it to everyone else at once; when
//! the commit lands (commits complete in order) it acknowledges the update
//! to its author. Co-authors see a keystroke without waiting for the disk;
//! the author is told "stored" only when it is, and resends until then.
//!
//! Forwarding before the commit means a crash can lose an update others
//! have already seen under some sequence number. That number must never be
//! handed out again, or a client that applied it would skip its
//! replacement: so a room that loads from storage starts numbering
//! [`SEQ_GAP`] past the stored head, beyond anything that could have been
//! forwarded and not stored (the store queue's capacity). Clients treat
//! sequence numbers as ordered, not contiguous.
//!
//! A joining peer is caught up from storage by a blocking task that reads
//! a consistent view (snapshot, then updates up to the room's committed
//! head); live traffic for that peer is held in a bounded buffer until the
//! catch-up is done, then released in order.
//!
//! Every frame to a peer goes through its bounded queue with `try_send`: a
//! peer whose queue is full is disconnected with [`protocol::close::LAGGING`]
//! and catches up when it reconnects. Nothing is dropped silently; only
//! presence (which the next keystroke replaces) is skipped for a peer whose
//! queue is half full.
//!
//! The registry [`Rooms`] maps room ids to room tasks. A room with no peers
//! retires after `room_idle`, removing itself from the registry under its
//! lock and telling any join that raced with it to try again.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::stream::{FuturesOrdered, StreamExt};
use protocol::{
    close, ErrorCode, MsgId, PeerId, RoomId, ServerMsg, Signature, StoredSnapshot, StoredUpdate,
    WriterKey,
};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use crate::metrics::Disconnect;
use crate::peer::PeerHandle;
use crate::store::{StoreError, WriteOp};
use crate::Relay;

/// Commands a room's task accepts. Only `Join` comes from outside a room's
/// membership; the rest come from connections that joined.
pub(crate) enum RoomCmd {
    Join {
        peer: PeerHandle,
        since_seq: Option<u64>,
        write_pk: Option<[u8; 32]>,
        reply: oneshot::Sender<Result<Joined, JoinError>>,
    },
    Leave {
        peer: PeerId,
    },
    Update {
        peer: PeerId,
        msg_id: MsgId,
        ciphertext: Bytes,
        signature: Signature,
    },
    Snapshot {
        peer: PeerId,
        snapshot: StoredSnapshot,
    },
    Awareness {
        peer: PeerId,
        ciphertext: Vec<u8>,
    },
    CaughtUp {
        peer: PeerId,
    },
}

/// What a connection gets when it joins.
pub(crate) struct Joined {
    pub writer: WriterKey,
    pub room: mpsc::Sender<RoomCmd>,
}

pub(crate) enum JoinError {
    Refused(ErrorCode),
    /// The room task is retiring; look it up again.
    Gone,
}

/// How far past the stored head a loaded room starts numbering: more than
/// the updates that can be forwarded and not yet committed (the store's
/// queue plus one batch), so no sequence number seen before a crash is
/// reused after it.
pub(crate) const SEQ_GAP: u64 = crate::store::MAX_IN_FLIGHT as u64;

/// Room commands waiting for a room task: enough to absorb a burst from
/// every peer without making connections wait.
const ROOM_QUEUE: usize = 1024;

/// The registry of open rooms. The mutex is held only to look up, insert or
/// remove an entry, never across an await.
#[derive(Default)]
pub(crate) struct Rooms {
    map: Mutex<HashMap<RoomId, (u64, mpsc::Sender<RoomCmd>)>>,
    generation: std::sync::atomic::AtomicU64,
}

impl Rooms {
    fn get_or_spawn(
        &self,
        relay: &Arc<Relay>,
        id: RoomId,
    ) -> Result<(u64, mpsc::Sender<RoomCmd>), ErrorCode> {
        let mut map = self.map.lock().map_err(|_| ErrorCode::StorageFailed)?;
        if let Some((generation, tx)) = map.get(&id) {
            if !tx.is_closed() {
                return Ok((*generation, tx.clone()));
            }
        }
        if map.len() >= relay.config.limits.max_rooms {
            return Err(ErrorCode::TooManyRooms);
        }
        let generation = self.generation.fetch_add(1, Relaxed);
        let (tx, rx) = mpsc::channel(ROOM_QUEUE);
        map.insert(id, (generation, tx.clone()));
        relay.metrics.rooms.store(map.len() as u64, Relaxed);
        let room = Room::new(relay.clone(), id, generation, rx, tx.downgrade());
        relay.tasks.spawn(room.run());
        Ok((generation, tx))
    }

    fn remove(&self, relay: &Relay, id: RoomId, generation: u64) -> bool {
        let Ok(mut map) = self.map.lock() else {
            return false;
        };
        if map.get(&id).is_some_and(|(g, _)| *g == generation) {
            map.remove(&id);
            relay.metrics.rooms.store(map.len() as u64, Relaxed);
            return true;
        }
        false
    }

    /// Join `id`, opening the room if needed.
    pub async fn join(
        &self,
        relay: &Arc<Relay>,
        id: RoomId,
        peer: &PeerHandle,
        since_seq: Option<u64>,
        write_pk: Option<[u8; 32]>,
    ) -> Result<Joined, ErrorCode> {
        // A retiring room answers `Gone` at most once per generation, so a
        // few attempts always suffice; the bound only guards against a bug.
        for _ in 0..16 {
            let (generation, tx) = self.get_or_spawn(relay, id)?;
            let (reply, answer) = oneshot::channel();
            let join = RoomCmd::Join {
                peer: peer.clone(),
                since_seq,
                write_pk,
                reply,
            };
            if tx.send(join).await.is_err() {
                self.remove(relay, id, generation);
                continue;
            }
            match answer.await {
                Ok(Ok(joined)) => return Ok(joined),
                Ok(Err(JoinError::Refused(code))) => return Err(code),
                Ok(Err(JoinError::Gone)) | Err(_) => {
                    self.remove(relay, id, generation);
                }
            }
        }
        Err(ErrorCode::StorageFailed)
    }
}

type Commit = Pin<Box<dyn Future<Output = (Pending, Result<(), StoreError>)> + Send>>;

/// A write the room is waiting on, in submission order.
enum Pending {
    Update {
        seq: u64,
        msg_id: MsgId,
        from: PeerId,
        len: u64,
    },
    Snapshot {
        covers_upto: u64,
        from: PeerId,
    },
}

struct Slot {
    handle: PeerHandle,
    /// Frames held back while the peer is being caught up.
    held: Option<Vec<Bytes>>,
}

struct Room {
    relay: Arc<Relay>,
    id: RoomId,
    generation: u64,
    rx: mpsc::Receiver<RoomCmd>,
    me: mpsc::WeakSender<RoomCmd>,
    writer: Option<WriterKey>,
    peers: HashMap<PeerId, Slot>,
    /// Last sequence number handed out.
    assigned: u64,
    /// Last sequence number whose commit has completed.
    committed: u64,
    /// Ids of the updates the room holds, for dedup.
    msg_ids: HashMap<MsgId, u64>,
    /// Acks owed for duplicates of updates still being committed.
    late_acks: Vec<(u64, PeerId, MsgId)>,
    commits: FuturesOrdered<Commit>,
    /// Updates forwarded but not yet committed, for peers joining now.
    forwarded: VecDeque<(u64, Bytes)>,
    /// Committed updates since the last snapshot: (seq, bytes).
    log: VecDeque<(u64, u64)>,
    log_bytes: u64,
    snapshot_covers: u64,
    /// Highest `covers_upto` stored or being stored.
    snapshot_claimed: u64,
    next_hint: (u64, u64),
    idle_since: Option<Instant>,
    stopping: bool,
}

impl Room {
    fn new(
        relay: Arc<Relay>,
        id: RoomId,
        generation: u64,
        rx: mpsc::Receiver<RoomCmd>,
        me: mpsc::WeakSender<RoomCmd>,
    ) -> Self {
        let next_hint = (
            relay.config.compaction.updates,
            relay.config.compaction.bytes,
        );
        Self {
            relay,
            id,
            generation,
            rx,
            me,
            writer: None,
            peers: HashMap::new(),
            assigned: 0,
            committed: 0,
            msg_ids: HashMap::new(),
            late_acks: Vec::new(),
            commits: FuturesOrdered::new(),
            forwarded: VecDeque::new(),
            log: VecDeque::new(),
            log_bytes: 0,
            snapshot_covers: 0,
            snapshot_claimed: 0,
            next_hint,
            idle_since: Some(Instant::now()),
            stopping: false,
        }
    }

    async fn load(&mut self) -> Result<(), StoreError> {
        let Some(record) = self.relay.store.load_room(self.id).await? else {
            return Ok(());
        };
        self.writer = WriterKey::for_room(&self.id, &record.write_pk).ok();
        if self.writer.is_none() {
            return Err(StoreError::Corrupt(
                "a room's write key does not match its id",
            ));
        }
        self.assigned = record.head_seq + SEQ_GAP;
        self.committed = self.assigned;
        self.snapshot_covers = record.snapshot_covers;
        self.snapshot_claimed = record.snapshot_covers;
        self.log_bytes = record.log_bytes;
        self.msg_ids = record.msg_ids.into_iter().collect();
        let mut seqs: Vec<u64> = self.msg_ids.values().copied().collect();
        seqs.sort_unstable();
        // Per-update sizes are not needed exactly after a restart: spread the
        // total evenly, which keeps the byte threshold honest on average.
        let each = record.log_bytes / record.log_updates.max(1);
        self.log = seqs.into_iter().map(|s| (s, each)).collect();
        Ok(())
    }

    async fn run(mut self) {
        if let Err(e) = self.load().await {
            tracing::error!(room = %self.id, error = %e, "could not load room");
            self.retire(ErrorCode::StorageFailed);
            return;
        }
        let stop = self.relay.stopping.clone();
        loop {
            let idle_deadline = self.idle_since.map(|t| t + self.relay.config.room_idle);
            tokio::select! {
                cmd = self.rx.recv() => match cmd {
                    Some(cmd) => self.handle(cmd).await,
                    None => break,
                },
                Some((pending, result)) = self.commits.next(), if !self.commits.is_empty() => {
                    self.committed(pending, result);
                }
                () = sleep_until(idle_deadline), if idle_deadline.is_some() && self.commits.is_empty() => {
                    self.retire(ErrorCode::StorageFailed);
                    return;
                }
                () = stop.cancelled(), if !self.stopping => {
                    self.stopping = true;
                }
            }
            if self.stopping && self.commits.is_empty() {
                // Every accepted update is committed and acknowledged: let
                // the peers' queues drain and close with "going away".
                self.peers.clear();
                self.retire(ErrorCode::ShuttingDown);
                return;
            }
            if self.writer.is_none() && self.peers.is_empty() && self.commits.is_empty() {
                // Nobody could open this room: don't keep a slot for it.
                self.retire(ErrorCode::UnknownRoom);
                return;
            }
        }
    }

    /// Leave the registry; answer anything still queued.
    fn retire(&mut self, code: ErrorCode) {
        self.relay
            .rooms
            .remove(&self.relay, self.id, self.generation);
        self.rx.close();
        while let Ok(cmd) = self.rx.try_recv() {
            if let RoomCmd::Join { reply, .. } = cmd {
                let answer = match code {
                    ErrorCode::StorageFailed | ErrorCode::ShuttingDown => JoinError::Refused(code),
                    _ => JoinError::Gone,
                };
                let _ = reply.send(Err(answer));
            }
        }
        tracing::debug!(room = %self.id, "room closed");
    }

    async fn handle(&mut self, cmd: RoomCmd) {
        match cmd {
            RoomCmd::Join {
                peer,
                since_seq,
                write_pk,
                reply,
            } => {
                let answer = self.join(peer, since_seq, write_pk).await;
                let _ = reply.send(answer);
            }
            RoomCmd::Leave { peer } => self.remove_peer(peer),
            RoomCmd::Update {
                peer,
                msg_id,
                ciphertext,
                signature,
            } => {
                self.update(peer, msg_id, ciphertext, signature).await;
            }
            RoomCmd::Snapshot { peer, snapshot } => self.snapshot(peer, snapshot).await,
            RoomCmd::Awareness { peer, ciphertext } => self.awareness(peer, ciphertext),
            RoomCmd::CaughtUp { peer } => self.release(peer),
        }
    }

    async fn join(
        &mut self,
        peer: PeerHandle,
        since_seq: Option<u64>,
        write_pk: Option<[u8; 32]>,
    ) -> Result<Joined, JoinError> {
        if self.stopping {
            return Err(JoinError::Refused(ErrorCode::ShuttingDown));
        }
        if self.peers.len() >= self.relay.config.limits.max_peers_per_room {
            return Err(JoinError::Refused(ErrorCode::RoomFull));
        }
        let writer = match (self.writer, write_pk) {
            (Some(writer), Some(pk)) if writer.to_bytes() != pk => {
                return Err(JoinError::Refused(ErrorCode::WrongRoomKey));
            }
            (Some(writer), _) => writer,
            (None, None) => return Err(JoinError::Refused(ErrorCode::UnknownRoom)),
            (None, Some(pk)) => {
                let writer = WriterKey::for_room(&self.id, &pk)
                    .map_err(|_| JoinError::Refused(ErrorCode::WrongRoomKey))?;
                let create = WriteOp::CreateRoom {
                    room: self.id,
                    write_pk: pk,
                };
                if let Err(e) = self.relay.store.write(create).await {
                    tracing::error!(room = %self.id, error = %e, "could not create room");
                    return Err(JoinError::Refused(ErrorCode::StorageFailed));
                }
                tracing::info!(room = %self.id, "room created");
                self.writer = Some(writer);
                writer
            }
        };
        let room_tx = self.me.upgrade().ok_or(JoinError::Gone)?;
        self.spawn_catch_up(&peer, since_seq, room_tx.clone());
        // Catch-up covers what is committed; updates already forwarded but
        // not yet committed follow it, in order.
        let held = self
            .forwarded
            .iter()
            .map(|(_, frame)| frame.clone())
            .collect();
        self.peers.insert(
            peer.id,
            Slot {
                handle: peer,
                held: Some(held),
            },
        );
        self.idle_since = None;
        Ok(Joined {
            writer,
            room: room_tx,
        })
    }

    /// Read the peer's missing history on a blocking thread, straight into
    /// its queue, then tell the room to release what it held back.
    fn spawn_catch_up(
        &self,
        peer: &PeerHandle,
        since: Option<u64>,
        room_tx: mpsc::Sender<RoomCmd>,
    ) {
        let store = self.relay.store.clone();
        let limits = self.relay.config.limits.clone();
        let (room, upto, tx, closer, id) = (
            self.id,
            self.committed,
            peer.tx.clone(),
            peer.closer.clone(),
            peer.id,
        );
        // A client ahead of the relay (its data was restored from an older
        // backup, say) is sent everything the relay has.
        let since = since.filter(|s| *s <= upto);
        let runtime = tokio::runtime::Handle::current();
        let metrics = self.relay.metrics.clone();
        self.relay.tasks.spawn_blocking(move || {
            let send = |frame: Vec<u8>| -> bool {
                runtime.block_on(async {
                    tokio::select! {
                        sent = tx.send(Bytes::from(frame)) => sent.is_ok(),
                        () = closer.cancelled() => false,
                        () = tokio::time::sleep(limits.catch_up_stall) => {
                            metrics.disconnected(Disconnect::Lagging);
                            closer.close(close::LAGGING);
                            false
                        }
                    }
                })
            };
            let result = store.catch_up_blocking(
                room,
                since,
                upto,
                limits.catch_up_chunk_bytes,
                |start| {
                    send(
                        ServerMsg::Welcome {
                            peer: id,
                            head_seq: upto,
                            snapshot: start.snapshot,
                            pending: start.pending,
                        }
                        .encode(),
                    )
                },
                |chunk| send(ServerMsg::Updates(chunk).encode()),
            );
            match result {
                Ok(()) if !closer.is_closed() => {
                    if send(ServerMsg::CaughtUp { head_seq: upto }.encode()) {
                        let _ = runtime.block_on(room_tx.send(RoomCmd::CaughtUp { peer: id }));
                    }
                }
                Ok(()) => {}
                Err(e) => {
                    tracing::error!(%room, error = %e, "catch-up failed");
                    metrics.disconnected(Disconnect::Full);
                    closer.close(close::TRY_AGAIN_LATER);
                }
            }
        });
    }

    /// Send held-back frames to a peer that is now caught up.
    fn release(&mut self, peer: PeerId) {
        let Some(slot) = self.peers.get_mut(&peer) else {
            return;
        };
        let held = slot.held.take().unwrap_or_default();
        for frame in held {
            if !self.send(peer, frame) {
                break;
            }
        }
    }

    /// Queue a frame to one peer; disconnect it if it cannot take it.
    fn send(&mut self, peer: PeerId, frame: Bytes) -> bool {
        let Some(slot) = self.peers.get_mut(&peer) else {
            return false;
        };
        let limit = self.relay.config.limits.outbound_queue;
        let ok = match &mut slot.held {
            Some(held) if held.len() < limit => {
                held.push(frame);
                true
            }
            Some(_) => false,
            None => match slot.handle.tx.try_send(frame) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => false,
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    self.remove_peer(peer);
                    return false;
                }
            },
        };
        if ok {
            self.relay.metrics.fanout_frames.fetch_add(1, Relaxed);
        } else {
            tracing::info!(room = %self.id, peer, "peer cannot keep up; disconnecting it");
            if let Some(slot) = self.peers.get(&peer) {
                self.relay.metrics.disconnected(Disconnect::Lagging);
                slot.handle.closer.close(close::LAGGING);
            }
            self.remove_peer(peer);
        }
        ok
    }

    fn broadcast(&mut self, except: Option<PeerId>, frame: &Bytes) {
        let ids: Vec<PeerId> = self
            .peers
            .keys()
            .copied()
            .filter(|id| Some(*id) != except)
            .collect();
        for id in ids {
            self.send(id, frame.clone());
        }
    }

    fn error(&mut self, peer: PeerId, code: ErrorCode, msg_id: Option<MsgId>) {
        self.relay.metrics.rejected(code);
        self.send(peer, ServerMsg::Error { code, msg_id }.encode().into());
    }

    fn remove_peer(&mut self, peer: PeerId) {
        if self.peers.remove(&peer).is_none() {
            return;
        }
        self.late_acks.retain(|(_, p, _)| *p != peer);
        self.broadcast(None, &ServerMsg::PeerLeft { peer }.encode().into());
        if self.peers.is_empty() {
            self.idle_since = Some(Instant::now());
        }
    }

    async fn update(
        &mut self,
        peer: PeerId,
        msg_id: MsgId,
        ciphertext: Bytes,
        signature: Signature,
    ) {
        if self.stopping {
            return self.error(peer, ErrorCode::ShuttingDown, Some(msg_id));
        }
        if let Some(&seq) = self.msg_ids.get(&msg_id) {
            // A resend (the client never saw our ack): acknowledge again,
            // store nothing.
            if seq <= self.committed {
                self.send(peer, ServerMsg::Ack { msg_id, seq }.encode().into());
            } else {
                self.late_acks.push((seq, peer, msg_id));
            }
            return;
        }
        self.assigned += 1;
        let seq = self.assigned;
        self.msg_ids.insert(msg_id, seq);
        let len = ciphertext.len() as u64;
        let frame = ServerMsg::Update(StoredUpdate {
            seq,
            msg_id,
            ciphertext: ciphertext.to_vec(),
            signature,
        })
        .encode();
        let op = WriteOp::Update {
            room: self.id,
            seq,
            msg_id,
            ciphertext,
            signature,
        };
        let done = self.relay.store.submit(op).await;
        let frame = Bytes::from(frame);
        self.broadcast(Some(peer), &frame);
        self.forwarded.push_back((seq, frame));
        let pending = Pending::Update {
            seq,
            msg_id,
            from: peer,
            len,
        };
        self.commits.push_back(Box::pin(async move {
            let result = done.await.unwrap_or(Err(StoreError::Closed));
            (pending, result)
        }));
    }

    async fn snapshot(&mut self, peer: PeerId, snapshot: StoredSnapshot) {
        let msg_id = Some(snapshot.msg_id);
        if self.stopping {
            return self.error(peer, ErrorCode::ShuttingDown, msg_id);
        }
        if snapshot.covers_upto > self.committed {
            return self.error(peer, ErrorCode::InvalidSnapshot, msg_id);
        }
        if snapshot.covers_upto <= self.snapshot_claimed {
            return self.error(peer, ErrorCode::StaleSnapshot, msg_id);
        }
        self.snapshot_claimed = snapshot.covers_upto;
        let covers_upto = snapshot.covers_upto;
        let done = self
            .relay
            .store
            .submit(WriteOp::Snapshot {
                room: self.id,
                snapshot,
            })
            .await;
        self.commits.push_back(Box::pin(async move {
            let result = done.await.unwrap_or(Err(StoreError::Closed));
            (
                Pending::Snapshot {
                    covers_upto,
                    from: peer,
                },
                result,
            )
        }));
    }

    fn committed(&mut self, pending: Pending, result: Result<(), StoreError>) {
        match pending {
            Pending::Update {
                seq,
                msg_id,
                from,
                len,
            } => {
                self.committed = seq;
                while self.forwarded.front().is_some_and(|(s, _)| *s <= seq) {
                    self.forwarded.pop_front();
                }
                match result {
                    Ok(()) => {
                        self.log.push_back((seq, len));
                        self.log_bytes += len;
                        self.send(from, ServerMsg::Ack { msg_id, seq }.encode().into());
                    }
                    Err(e) => {
                        tracing::error!(room = %self.id, error = %e, "update not stored");
                        self.msg_ids.remove(&msg_id);
                        self.error(from, ErrorCode::StorageFailed, Some(msg_id));
                    }
                }
                self.pay_late_acks();
                self.maybe_hint();
            }
            Pending::Snapshot { covers_upto, from } => match result {
                Ok(()) => {
                    self.snapshot_covers = covers_upto;
                    while self.log.front().is_some_and(|(s, _)| *s <= covers_upto) {
                        if let Some((_, len)) = self.log.pop_front() {
                            self.log_bytes -= len.min(self.log_bytes);
                        }
                    }
                    self.msg_ids.retain(|_, seq| *seq > covers_upto);
                    let c = &self.relay.config.compaction;
                    self.next_hint = (c.updates, c.bytes);
                    tracing::info!(room = %self.id, covers_upto, "snapshot stored; covered updates dropped");
                    self.send(
                        from,
                        ServerMsg::SnapshotStored { covers_upto }.encode().into(),
                    );
                }
                Err(e) => {
                    tracing::error!(room = %self.id, error = %e, "snapshot not stored");
                    self.snapshot_claimed = self.snapshot_covers;
                    self.error(from, ErrorCode::StorageFailed, None);
                }
            },
        }
    }

    fn pay_late_acks(&mut self) {
        if self.late_acks.is_empty() {
            return;
        }
        let committed = self.committed;
        let (due, later): (Vec<_>, Vec<_>) = self
            .late_acks
            .drain(..)
            .partition(|(seq, _, _)| *seq <= committed);
        self.late_acks = later;
        for (seq, peer, msg_id) in due {
            if self.msg_ids.get(&msg_id) == Some(&seq) {
                self.send(peer, ServerMsg::Ack { msg_id, seq }.encode().into());
            } else {
                self.error(peer, ErrorCode::StorageFailed, Some(msg_id));
            }
        }
    }

    fn maybe_hint(&mut self) {
        let updates = self.log.len() as u64;
        if updates < self.next_hint.0 && self.log_bytes < self.next_hint.1 {
            return;
        }
        let c = &self.relay.config.compaction;
        self.next_hint = (updates + c.updates, self.log_bytes + c.bytes);
        tracing::debug!(room = %self.id, updates, bytes = self.log_bytes, "asking for a snapshot");
        self.broadcast(
            None,
            &ServerMsg::CompactHint {
                head_seq: self.committed,
            }
            .encode()
            .into(),
        );
    }

    fn awareness(&mut self, peer: PeerId, ciphertext: Vec<u8>) {
        let frame: Bytes = ServerMsg::Awareness { peer, ciphertext }.encode().into();
        let half = self.relay.config.limits.outbound_queue / 2;
        let ids: Vec<PeerId> = self
            .peers
            .keys()
            .copied()
            .filter(|id| *id != peer)
            .collect();
        for id in ids {
            let Some(slot) = self.peers.get(&id) else {
                continue;
            };
            if slot.held.is_some() || slot.handle.tx.capacity() < half {
                self.relay.metrics.awareness_dropped.fetch_add(1, Relaxed);
                continue;
            }
            self.send(id, frame.clone());
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

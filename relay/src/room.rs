//! Rooms: one task per open document. The task owns the room's inbox, its
//! peers' handles and the commits it waits on, and moves messages between
//! them and its [`RoomState`], which decides everything (sequence numbers,
//! dedup, holds, snapshots: see [`state`]).
//!
//! A room receives already-verified messages from its connections (see
//! [`crate::peer`]), through its inbox ([`RoomCmd`]). For each it asks the
//! state what to do and does it: queue a frame to a peer with `try_send`
//! (a full queue makes the peer lagging: it is closed with
//! [`protocol::close::LAGGING`] and catches up when it reconnects; nothing
//! is dropped silently), queue a write to the [`Store`] and keep its
//! commit, in order, or start a catch-up.
//!
//! A joining peer is caught up by its own task, which reads a consistent
//! view from the store (snapshot, then updates up to the room's committed
//! head) straight into the peer's queue, waiting on a slow reader at most
//! `catch_up_stall`; then it tells the room, which releases what it held.
//!
//! A room with no peers retires after `room_idle`: it leaves the registry
//! ([`crate::rooms`]) and tells any join that reached it meanwhile to look
//! the room up again, which opens a fresh room task.

pub(crate) mod state;
mod throttle;

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::{FuturesOrdered, StreamExt};
use protocol::{close, ErrorCode, PeerId, RoomId, ServerMsg};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::mailbox::{Access, JoinError, Joined, Joiner, PeerHandle, RoomCmd};
use crate::metrics::Disconnect;
use crate::outbox::Refused;
use crate::store::{Commit, Crossing, Fed, Feed, Piece, Store, StoreError};
use crate::Relay;
use futures_util::stream::BoxStream;
use protocol::Signature;
use state::{Admission, Effect, ProposalEvent, RoomState, Settings};
use throttle::{Offer, Throttle};

/// Why a room task ends, which decides what a join still in its inbox is
/// told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retirement {
    /// Nobody was in it for `room_idle`.
    Idle,
    /// It does not exist and nobody is creating it.
    Unused,
    /// Its record could not be loaded.
    LoadFailed,
    ShuttingDown,
}

impl Retirement {
    /// The answer to a join that reached the room as it retired: retiring
    /// is not a failure, so only a room that could not load or a relay that
    /// stops refuses; the others send the joiner to a fresh room.
    pub fn join_answer(self) -> JoinError {
        match self {
            Retirement::Idle | Retirement::Unused => JoinError::Gone,
            Retirement::LoadFailed => JoinError::Refused(ErrorCode::StorageFailed),
            Retirement::ShuttingDown => JoinError::Refused(ErrorCode::ShuttingDown),
        }
    }
}

pub(crate) struct Room {
    relay: Arc<Relay>,
    id: RoomId,
    generation: u64,
    rx: mpsc::Receiver<RoomCmd>,
    me: mpsc::WeakSender<RoomCmd>,
    state: RoomState,
    peers: HashMap<PeerId, PeerHandle>,
    commits: FuturesOrdered<Commit>,
    idle_since: Option<Instant>,
    /// A shared room's updates as the store holds them (see
    /// [`RoomState::fed`]).
    feed: Option<Feed>,
    /// When to try starting the feed again, after the store could not.
    follow_again: Option<Instant>,
    /// A shared room's presence to and from the other relays.
    cross_send: Option<Box<dyn Fn(Bytes) + Send + Sync>>,
    cross_rx: Option<BoxStream<'static, Bytes>>,
    /// Presence held back so one sender's is forwarded at most once per
    /// `presence_interval`, the latest winning.
    presence: Throttle<PeerId, Presence>,
}

/// A presence frame's content: counter, sealed state, signature.
type Presence = (u64, Vec<u8>, Option<Signature>);

impl Room {
    pub fn new(
        relay: Arc<Relay>,
        id: RoomId,
        generation: u64,
        rx: mpsc::Receiver<RoomCmd>,
        me: mpsc::WeakSender<RoomCmd>,
    ) -> Self {
        let relay_presence_interval = relay.config.limits.presence_interval;
        let settings = Settings {
            max_peers: relay.config.limits.max_peers_per_room,
            hold_cap: relay.config.limits.outbound_queue,
            hold_bytes: relay.config.limits.outbound_queue_bytes,
            room_quota: relay.config.quotas.room_bytes,
            compaction: relay.config.compaction.clone(),
            seq_gap: relay.store.in_flight_limit(),
            remembered_ids: relay.config.limits.remembered_ids,
            shared: relay.store.numbers(),
        };
        Self {
            state: RoomState::new(id, settings),
            relay,
            id,
            generation,
            rx,
            me,
            peers: HashMap::new(),
            commits: FuturesOrdered::new(),
            idle_since: Some(Instant::now()),
            feed: None,
            follow_again: None,
            cross_send: None,
            cross_rx: None,
            presence: Throttle::new(relay_presence_interval),
        }
    }

    pub async fn run(mut self) {
        let loaded = self.relay.store.load(self.id).await;
        if let Err(e) = loaded.and_then(|record| self.state.load(record)) {
            tracing::error!(room = %self.id, error = %e, "could not load room");
            self.retire(Retirement::LoadFailed);
            return;
        }
        if self.relay.store.numbers() {
            // Without its feed the room still serves catch-ups; writes
            // are stored and acknowledged once the feed brings them back.
            self.follow().await;
            match self.relay.store.crossing(self.id).await {
                Ok(crossing) => {
                    if let Some(Crossing { send, receive }) = crossing {
                        self.cross_send = Some(send);
                        self.cross_rx = Some(receive);
                    }
                }
                // Presence stays on this relay; the text does not.
                Err(e) => {
                    tracing::warn!(room = %self.id, error = %e, "presence will not cross relays")
                }
            }
        }
        let stop = self.relay.stopping.clone();
        loop {
            let idle_deadline = self.idle_since.map(|t| t + self.relay.config.room_idle);
            let presence_due = self.presence.next_due();
            // In this order: acks first, then what is queued (before the
            // room retires or notices shutdown, so nothing queued is lost).
            tokio::select! {
                biased;
                Some(result) = self.commits.next(), if !self.commits.is_empty() => {
                    if let Err(e) = &result {
                        tracing::error!(room = %self.id, error = %e, "write not stored");
                    }
                    let effects = self.state.committed(result);
                    self.carry_out(effects).await;
                }
                item = next_of(&mut self.feed) => match item {
                    Some(Ok(Fed::Update(update))) => {
                        let effects = self.state.fed(update);
                        self.carry_out(effects).await;
                    }
                    Some(Ok(Fed::Compacted { covers_upto, bytes })) => {
                        let effects = self.state.compacted_elsewhere(covers_upto, bytes);
                        self.carry_out(effects).await;
                    }
                    Some(Ok(Fed::Sealed { member_box, signature })) => {
                        let effects = self.state.sealed_elsewhere(member_box, signature);
                        self.carry_out(effects).await;
                    }
                    Some(Err(e)) => {
                        // The ordered consumer starts again by itself.
                        tracing::warn!(room = %self.id, error = %e, "the room's feed failed");
                    }
                    None => {
                        tracing::warn!(room = %self.id, "the room's feed ended; following again");
                        self.feed = None;
                        self.follow().await;
                    }
                },
                () = sleep_until(self.follow_again), if self.follow_again.is_some() => {
                    self.follow().await;
                }
                // Before the inbox, which a busy hall keeps ready: held
                // presence would otherwise wait as long as it is busy.
                () = sleep_until(presence_due), if presence_due.is_some() => {
                    self.release_presence().await;
                }
                cmd = self.rx.recv() => match cmd {
                    Some(cmd) => self.handle(cmd).await,
                    None => break,
                },
                Some(frame) = next_of(&mut self.cross_rx) => {
                    let effects = self.state.crossed(frame);
                    self.carry_out(effects).await;
                }
                () = sleep_until(idle_deadline), if idle_deadline.is_some() && !self.state.busy() => {
                    if self.rx.is_empty() {
                        #[cfg(test)]
                        self.relay.rooms.gate.pause().await;
                        self.retire(Retirement::Idle);
                        return;
                    }
                    // Someone knocked as the timer fired: serve them first.
                }
                () = stop.cancelled(), if !self.state.stopping() => self.state.stop(),
            }
            if self.state.is_empty() {
                self.idle_since.get_or_insert_with(Instant::now);
            } else {
                self.idle_since = None;
            }
            if self.state.stopping() && !self.state.busy() {
                // Every accepted update is committed and acknowledged: let
                // the peers' queues drain and close with "going away".
                self.peers.clear();
                self.retire(Retirement::ShuttingDown);
                return;
            }
            if self.state.unused() {
                self.retire(Retirement::Unused);
                return;
            }
        }
    }

    /// Follow the shared store's feed of the room from its head; if the
    /// store cannot start it now (right after a NATS node is lost, say),
    /// try again in a second.
    async fn follow(&mut self) {
        self.follow_again = None;
        match self.relay.store.follow(self.id, self.state.head()).await {
            Ok(feed) => self.feed = feed,
            Err(e) => {
                tracing::warn!(room = %self.id, error = %e, "could not follow the room; trying again");
                self.follow_again = Some(Instant::now() + std::time::Duration::from_secs(1));
            }
        }
    }

    /// Forward the presence held back whose interval has passed, from
    /// the peers still here.
    async fn release_presence(&mut self) {
        let mut effects = Vec::new();
        for (peer, (counter, ciphertext, signature)) in self.presence.release(Instant::now()) {
            if self.peers.contains_key(&peer) {
                effects.extend(self.state.awareness(peer, counter, ciphertext, signature));
            } else {
                self.presence.forget(&peer);
            }
        }
        self.carry_out(effects).await;
    }

    /// Leave the registry; answer any join still queued.
    fn retire(&mut self, why: Retirement) {
        self.relay
            .rooms
            .remove(&self.relay, self.id, self.generation);
        self.rx.close();
        while let Ok(cmd) = self.rx.try_recv() {
            if let RoomCmd::Join { reply, .. } = cmd {
                let _ = reply.send(Err(why.join_answer()));
            }
        }
        tracing::debug!(room = %self.id, ?why, "room closed");
    }

    async fn handle(&mut self, cmd: RoomCmd) {
        let effects = match cmd {
            RoomCmd::Join {
                peer,
                since_seq,
                access,
                joiner,
                reply,
            } => {
                let id = peer.id;
                let answer = self.join(peer, since_seq, *access, joiner).await;
                if let Err(Ok(_)) = reply.send(answer) {
                    // The connection went away while it waited.
                    self.state.leave(id)
                } else {
                    Vec::new()
                }
            }
            RoomCmd::Leave { peer } => self.state.leave(peer),
            RoomCmd::Update {
                peer,
                msg_id,
                ciphertext,
                signature,
            } => {
                self.state.set_storage_free(self.relay.usage.free());
                self.state.update(peer, msg_id, ciphertext, signature)
            }
            RoomCmd::Snapshot { peer, snapshot } => self.state.snapshot(peer, snapshot),
            RoomCmd::Verdict {
                peer,
                msg_id,
                verdict,
            } => self.state.verdict(peer, msg_id, verdict),
            RoomCmd::Awareness {
                peer,
                counter,
                ciphertext,
                signature,
            } => match self
                .presence
                .offer(peer, (counter, ciphertext, signature), Instant::now())
            {
                Offer::Now((counter, ciphertext, signature)) => {
                    self.state.awareness(peer, counter, ciphertext, signature)
                }
                Offer::Held => Vec::new(),
                Offer::Replaced(_) => {
                    self.relay.metrics.presence_coalesced.fetch_add(1, Relaxed);
                    Vec::new()
                }
            },
            RoomCmd::Seal {
                peer,
                member_box,
                signature,
            } => match self.state.begin_seal(peer) {
                Err(refusal) => refusal,
                Ok(()) => {
                    let result = self
                        .relay
                        .store
                        .seal(self.id, member_box.clone(), signature)
                        .await;
                    match &result {
                        Ok(()) => tracing::info!(room = %self.id, "room sealed"),
                        Err(e) => tracing::error!(room = %self.id, error = %e, "could not seal"),
                    }
                    self.state.seal_stored(peer, member_box, signature, result)
                }
            },
            RoomCmd::CaughtUp { peer } => self.state.caught_up(peer),
            RoomCmd::CheckSent { peer } => self.state.check_sent(peer),
        };
        self.carry_out(effects).await;
    }

    async fn join(
        &mut self,
        peer: PeerHandle,
        since_seq: Option<u64>,
        access: Access,
        joiner: Joiner,
    ) -> Result<Joined, JoinError> {
        let writer = match self.state.check_join(&access) {
            Err(code) => {
                tracing::debug!(room = %self.id, code = code.name(), "join refused");
                return Err(JoinError::Refused(code));
            }
            Ok(Admission::Known(writer)) => writer,
            Ok(Admission::Create(writer, check)) => {
                let client = joiner.client;
                if !joiner.may_create {
                    tracing::info!(room = %self.id, %client, "room creation refused: no valid creation token");
                    return Err(JoinError::Refused(ErrorCode::TokenRequired));
                }
                if !self
                    .relay
                    .addresses
                    .create(client, std::time::Instant::now())
                {
                    tracing::info!(room = %self.id, %client, "room creation refused: too many from this address");
                    return Err(JoinError::Refused(ErrorCode::TooManyCreations));
                }
                if let Err(e) = self
                    .relay
                    .store
                    .create(self.id, writer.to_bytes(), check)
                    .await
                {
                    tracing::error!(room = %self.id, error = %e, "could not create room");
                    return Err(JoinError::Refused(match e {
                        StoreError::Full => ErrorCode::QuotaExceeded,
                        _ => ErrorCode::StorageFailed,
                    }));
                }
                tracing::info!(room = %self.id, "room created");
                self.state.created(writer, check);
                writer
            }
            Ok(Admission::Register(writer, check)) => {
                if let Err(e) = self.relay.store.set_read_check(self.id, check).await {
                    tracing::error!(room = %self.id, error = %e, "could not register the read check");
                    return Err(JoinError::Refused(ErrorCode::StorageFailed));
                }
                tracing::info!(room = %self.id, "read check registered by an editor");
                self.state.registered(check);
                writer
            }
        };
        let room = self.me.upgrade().ok_or(JoinError::Gone)?;
        let id = peer.id;
        self.peers.insert(id, peer);
        let effects = self.state.admit(id, since_seq);
        self.carry_out(effects).await;
        Ok(Joined { writer, room })
    }

    /// Do what the state asked, in order; what that reveals (a full queue,
    /// a closed one) goes back to the state and its answer is done too.
    async fn carry_out(&mut self, effects: Vec<Effect>) {
        let metrics = self.relay.metrics.clone();
        let mut todo: VecDeque<Effect> = effects.into();
        while let Some(effect) = todo.pop_front() {
            match effect {
                Effect::Send { to, frame } => {
                    if let Some(more) = self.deliver(to, frame) {
                        todo.extend(more);
                    }
                }
                Effect::Ask {
                    to,
                    head,
                    ciphertext,
                } => {
                    if !self.spawn_check(to, head, ciphertext) {
                        // Nobody to send it to: the peer is gone, and the
                        // proposal goes to another.
                        todo.extend(self.state.check_sent(to));
                        todo.extend(self.state.leave(to));
                    }
                }
                Effect::Presence { to, frame } => match self.peers.get(&to) {
                    Some(peer) if !peer.tx.half_free() => {
                        metrics.awareness_dropped.fetch_add(1, Relaxed);
                    }
                    Some(_) => {
                        if let Some(more) = self.deliver(to, frame) {
                            todo.extend(more);
                        }
                    }
                    None => {}
                },
                Effect::PresenceDropped => {
                    metrics.awareness_dropped.fetch_add(1, Relaxed);
                }
                Effect::Rejected(code) => metrics.rejected(code),
                Effect::Cross(frame) => {
                    if let Some(send) = &self.cross_send {
                        send(frame);
                    }
                }
                Effect::Disconnect { peer } => {
                    self.presence.forget(&peer);
                    if let Some(handle) = self.peers.remove(&peer) {
                        tracing::info!(room = %self.id, peer, "peer cannot keep up; disconnecting it");
                        metrics.disconnected(Disconnect::Lagging);
                        handle.closer.close(close::LAGGING);
                    }
                }
                Effect::Forget { peer } => {
                    self.presence.forget(&peer);
                    self.peers.remove(&peer);
                }
                Effect::Append(entry) => {
                    let commit = self.relay.store.append(self.id, entry).await;
                    self.commits.push_back(commit);
                }
                Effect::Snapshot(snapshot) => {
                    let commit = self.relay.store.replace_snapshot(self.id, snapshot).await;
                    self.commits.push_back(commit);
                }
                Effect::CatchUp { peer, since, upto } => self.spawn_catch_up(peer, since, upto),
                Effect::Proposal(event) => {
                    let counter = match event {
                        ProposalEvent::Proposed => &metrics.snapshots_proposed,
                        ProposalEvent::Asked => &metrics.snapshot_checks,
                        ProposalEvent::Refused => {
                            tracing::warn!(room = %self.id, "a peer found a proposed snapshot did not match: refused");
                            &metrics.snapshots_refused
                        }
                        ProposalEvent::Stray => &metrics.stray_verdicts,
                    };
                    counter.fetch_add(1, Relaxed);
                }
            }
        }
    }

    /// Queue a frame to a peer; what the state must hear if it could not.
    fn deliver(&mut self, to: PeerId, frame: Bytes) -> Option<Vec<Effect>> {
        let peer = self.peers.get(&to)?;
        match peer.tx.try_send(frame) {
            Ok(()) => {
                self.relay.metrics.fanout_frames.fetch_add(1, Relaxed);
                None
            }
            Err(Refused::Full) => Some(self.state.lagging(to)),
            Err(Refused::Closed) => Some(self.state.leave(to)),
        }
    }

    fn spawn_catch_up(&self, peer: PeerId, since: Option<u64>, upto: u64) {
        let (Some(handle), Some(room_tx)) = (self.peers.get(&peer).cloned(), self.me.upgrade())
        else {
            return;
        };
        let catch_up = CatchUpTask {
            store: self.relay.store.clone(),
            room: self.id,
            peer: handle,
            since,
            upto,
            chunk_bytes: self.relay.config.limits.catch_up_chunk_bytes,
            stall: self.relay.config.limits.catch_up_stall,
            metrics: self.relay.metrics.clone(),
        };
        self.relay.tasks.spawn(async move {
            if catch_up.run().await {
                let _ = room_tx.send(RoomCmd::CaughtUp { peer }).await;
            }
        });
    }

    /// Send a snapshot to check to `peer` on a task of its own; false if
    /// there is nobody to send it to (its handle is gone, or the room is
    /// retiring).
    fn spawn_check(&self, peer: PeerId, head: Bytes, ciphertext: Bytes) -> bool {
        let (Some(handle), Some(room_tx)) = (self.peers.get(&peer).cloned(), self.me.upgrade())
        else {
            return false;
        };
        let limits = &self.relay.config.limits;
        let check = CheckTask {
            peer: handle,
            head,
            ciphertext,
            // A quarter of the queue at most: queued while it is half free,
            // a chunk still leaves a quarter for live frames.
            chunk_bytes: limits
                .catch_up_chunk_bytes
                .min(limits.outbound_queue_bytes / 4)
                .max(1),
            stall: limits.catch_up_stall,
            metrics: self.relay.metrics.clone(),
        };
        self.relay.tasks.spawn(async move {
            check.run().await;
            let _ = room_tx.send(RoomCmd::CheckSent { peer }).await;
        });
        true
    }
}

/// One snapshot to check, sent to one peer on its own task: the head, then
/// the ciphertext in chunks, beside the live frames the room queues to the
/// same peer meanwhile.
struct CheckTask {
    peer: PeerHandle,
    head: Bytes,
    /// The proposal's own bytes, shared: each chunk is copied into its
    /// frame as it goes, never the whole.
    ciphertext: Bytes,
    chunk_bytes: usize,
    stall: std::time::Duration,
    metrics: Arc<crate::metrics::Metrics>,
}

impl CheckTask {
    /// Queue the head and every chunk; whether all of it went.
    async fn run(&self) -> bool {
        if !self.send(self.head.clone()).await {
            return false;
        }
        for chunk in self.ciphertext.chunks(self.chunk_bytes) {
            let frame = Bytes::from(ServerMsg::CheckChunk(chunk.to_vec()).encode());
            if !self.send(frame).await {
                return false;
            }
        }
        true
    }

    /// Wait until the peer's queue is half free, but not for ever: a
    /// client that stops reading is disconnected as lagging.
    async fn send(&self, frame: Bytes) -> bool {
        tokio::select! {
            sent = self.peer.tx.send_beside(frame) => sent.is_ok(),
            () = self.peer.closer.cancelled() => false,
            () = tokio::time::sleep(self.stall) => {
                self.metrics.disconnected(Disconnect::Lagging);
                self.peer.closer.close(close::LAGGING);
                false
            }
        }
    }
}

/// One peer's catch-up, on its own task.
struct CatchUpTask {
    store: Arc<dyn Store>,
    room: RoomId,
    peer: PeerHandle,
    since: Option<u64>,
    upto: u64,
    chunk_bytes: usize,
    stall: std::time::Duration,
    metrics: Arc<crate::metrics::Metrics>,
}

impl CatchUpTask {
    /// Send `Welcome`, the stored updates and `CaughtUp` into the peer's
    /// queue; whether all of it went.
    async fn run(&self) -> bool {
        match self.read().await {
            Ok(done) => done,
            Err(e) => {
                tracing::error!(room = %self.room, error = %e, "catch-up failed");
                self.metrics.disconnected(Disconnect::Full);
                self.peer.closer.close(close::TRY_AGAIN_LATER);
                false
            }
        }
    }

    async fn read(&self) -> Result<bool, StoreError> {
        let mut catch_up = self
            .store
            .catch_up(self.room, self.since, self.upto, self.chunk_bytes)
            .await?;
        let welcome = ServerMsg::Welcome {
            peer: self.peer.id,
            head_seq: self.upto,
            snapshot: catch_up.snapshot.take(),
            pending: catch_up.pending,
        };
        if !self.send(welcome).await {
            return Ok(false);
        }
        // The snapshot's ciphertext, then the updates, a chunk at a time:
        // each waits for room in the peer's queue before the next is read.
        while let Some(piece) = catch_up.chunks.next().await {
            let msg = match piece? {
                Piece::Snapshot(bytes) => ServerMsg::SnapshotChunk(bytes),
                Piece::Updates(chunk) => ServerMsg::Updates(chunk),
            };
            if !self.send(msg).await {
                return Ok(false);
            }
        }
        Ok(self
            .send(ServerMsg::CaughtUp {
                head_seq: self.upto,
            })
            .await)
    }

    /// Wait for room in the peer's queue, but not for ever: a client that
    /// stops reading is disconnected as lagging.
    async fn send(&self, msg: ServerMsg) -> bool {
        let frame = Bytes::from(msg.encode());
        tokio::select! {
            sent = self.peer.tx.send(frame) => sent.is_ok(),
            () = self.peer.closer.cancelled() => false,
            () = tokio::time::sleep(self.stall) => {
                self.metrics.disconnected(Disconnect::Lagging);
                self.peer.closer.close(close::LAGGING);
                false
            }
        }
    }
}

/// The next item of a stream the room may not have: never, without one.
async fn next_of<S: futures_util::Stream + Unpin>(stream: &mut Option<S>) -> Option<S::Item> {
    match stream {
        Some(stream) => stream.next().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use crate::outbox::Inbox as Receiver;
    use protocol::{DocKeys, MsgId, StoredSnapshot};

    use crate::testing::{self, editor, next, peer, relay, wait_until, WAIT};

    /// Join `keys`'s room as a new peer with a queue of `capacity`.
    async fn join(
        relay: &Arc<Relay>,
        keys: &DocKeys,
        capacity: usize,
        since: Option<u64>,
    ) -> (PeerHandle, Receiver, Joined) {
        let (handle, rx) = peer(relay, capacity);
        let joined = relay
            .rooms
            .join(relay, keys.room(), &handle, since, Access::editor(keys))
            .await
            .expect("joined");
        (handle, rx, joined)
    }

    async fn send(joined: &Joined, cmd: RoomCmd) {
        joined.room.send(cmd).await.expect("the room is open");
    }

    fn update(peer: PeerId, n: u8) -> RoomCmd {
        RoomCmd::Update {
            peer,
            msg_id: id(n),
            ciphertext: Bytes::from(vec![n; 20]),
            signature: [n; 64],
        }
    }

    fn id(n: u8) -> MsgId {
        [n; 16]
    }

    /// Read a peer's catch-up; the sequence numbers it held.
    async fn caught_up(rx: &mut Receiver) -> (u64, Vec<u64>) {
        let ServerMsg::Welcome {
            head_seq, pending, ..
        } = next(rx).await
        else {
            panic!("a welcome first")
        };
        let mut seqs = Vec::new();
        loop {
            match next(rx).await {
                ServerMsg::Updates(chunk) => seqs.extend(chunk.iter().map(|u| u.seq)),
                ServerMsg::CaughtUp { head_seq: h } => {
                    assert_eq!(h, head_seq);
                    assert_eq!(pending, seqs.len() as u64);
                    return (head_seq, seqs);
                }
                other => panic!("{other:?} during a catch-up"),
            }
        }
    }

    async fn acked(rx: &mut Receiver, n: u8) -> u64 {
        match next(rx).await {
            ServerMsg::Ack { msg_id, seq } if msg_id == id(n) => seq,
            other => panic!("{other:?} instead of an ack for {n}"),
        }
    }

    #[tokio::test]
    async fn a_newcomer_is_caught_up_from_storage_then_gets_live_updates() {
        let (_dir, relay) = relay(|_| {});
        let keys = editor(1);
        let (alice, mut alice_rx, room) = join(&relay, &keys, 64, None).await;
        assert_eq!(caught_up(&mut alice_rx).await, (0, vec![]));
        for n in 1..=3 {
            send(&room, update(alice.id, n)).await;
            assert_eq!(acked(&mut alice_rx, n).await, u64::from(n));
        }
        let (bob, mut bob_rx, _bob_room) = join(&relay, &keys, 64, Some(1)).await;
        assert_eq!(caught_up(&mut bob_rx).await, (3, vec![2, 3]));
        send(&room, update(alice.id, 4)).await;
        match next(&mut bob_rx).await {
            ServerMsg::Update(u) => {
                assert_eq!(
                    (u.seq, u.msg_id, u.ciphertext, u.signature),
                    (4, id(4), vec![4; 20], [4; 64])
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(acked(&mut alice_rx, 4).await, 4);
        send(
            &room,
            RoomCmd::Awareness {
                peer: bob.id,
                counter: 1,
                ciphertext: vec![1, 2],
                signature: None,
            },
        )
        .await;
        assert_eq!(
            next(&mut alice_rx).await,
            ServerMsg::Awareness {
                peer: bob.id,
                counter: 1,
                ciphertext: vec![1, 2],
                signature: None,
            }
        );
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn a_peer_whose_queue_is_full_is_closed_as_lagging_and_the_others_told() {
        let (_dir, relay) = relay(|_| {});
        let keys = editor(2);
        let (alice, mut alice_rx, room) = join(&relay, &keys, 64, None).await;
        caught_up(&mut alice_rx).await;
        // Carol's queue takes her welcome and her caught-up, then nothing.
        let (carol, _carol_rx, _carol_room) = join(&relay, &keys, 2, None).await;
        wait_until("carol's catch-up is queued", || carol.tx.capacity() == 0).await;
        send(&room, update(alice.id, 1)).await;
        let got = [next(&mut alice_rx).await, next(&mut alice_rx).await];
        assert!(
            got.contains(&ServerMsg::PeerLeft { peer: carol.id }),
            "{got:?}"
        );
        assert!(
            got.contains(&ServerMsg::Ack {
                msg_id: id(1),
                seq: 1
            }),
            "{got:?}"
        );
        assert_eq!(carol.closer.reason().map(|r| r.0), Some(close::LAGGING));
        assert!(relay
            .metrics
            .render()
            .contains("cahier_disconnects_total{reason=\"lagging\"} 1"));
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn a_peer_whose_queue_closed_is_forgotten_and_the_others_told() {
        let (_dir, relay) = relay(|_| {});
        let keys = editor(3);
        let (alice, mut alice_rx, room) = join(&relay, &keys, 64, None).await;
        caught_up(&mut alice_rx).await;
        let (bob, mut bob_rx, _bob_room) = join(&relay, &keys, 64, None).await;
        caught_up(&mut bob_rx).await;
        drop(bob_rx);
        send(&room, update(alice.id, 1)).await;
        let got = [next(&mut alice_rx).await, next(&mut alice_rx).await];
        assert!(
            got.contains(&ServerMsg::PeerLeft { peer: bob.id }),
            "{got:?}"
        );
        assert_eq!(bob.closer.reason(), None, "nothing to close");
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn presence_is_skipped_for_a_peer_whose_queue_is_half_full() {
        // Every state forwarded at once, so the queue's rule shows alone.
        let (_dir, relay) = relay(|c| c.limits.presence_interval = Duration::ZERO);
        let keys = editor(4);
        let (alice, mut alice_rx, room) = join(&relay, &keys, 64, None).await;
        caught_up(&mut alice_rx).await;
        // Bob's queue holds 8: presence waits while fewer than 4 are free.
        let (bob, mut bob_rx, _bob_room) = join(&relay, &keys, 8, None).await;
        caught_up(&mut bob_rx).await;
        // Once Bob has an update, he is live, and his queue is empty.
        send(&room, update(alice.id, 1)).await;
        assert!(matches!(next(&mut bob_rx).await, ServerMsg::Update(_)));
        for n in 0..7 {
            send(
                &room,
                RoomCmd::Awareness {
                    peer: alice.id,
                    counter: u64::from(n) + 1,
                    ciphertext: vec![n],
                    signature: None,
                },
            )
            .await;
        }
        // Sent while at least half the queue (4) was free: five of seven.
        wait_until("the presence is handled", || {
            relay.metrics.awareness_dropped.load(Relaxed) == 2
        })
        .await;
        assert_eq!(bob.tx.capacity(), 3);
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn a_catch_up_that_waits_too_long_on_a_reader_closes_it_as_lagging() {
        let (_dir, relay) = relay(|c| c.limits.catch_up_stall = Duration::from_millis(30));
        let keys = editor(5);
        let (alice, mut alice_rx, room) = join(&relay, &keys, 64, None).await;
        caught_up(&mut alice_rx).await;
        send(&room, update(alice.id, 1)).await;
        acked(&mut alice_rx, 1).await;
        // Room for the welcome only; the history waits.
        let (bob, _bob_rx, _bob_room) = join(&relay, &keys, 1, None).await;
        tokio::time::timeout(WAIT, bob.closer.cancelled())
            .await
            .expect("closed");
        assert_eq!(bob.closer.reason().map(|r| r.0), Some(close::LAGGING));
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn a_catch_up_that_cannot_read_storage_tells_the_peer_to_try_later() {
        let (dir, relay) = relay(|_| {});
        let keys = editor(6);
        let (alice, mut alice_rx, room) = join(&relay, &keys, 64, None).await;
        caught_up(&mut alice_rx).await;
        send(&room, update(alice.id, 1)).await;
        acked(&mut alice_rx, 1).await;
        // Damage the stored signature.
        let db = rusqlite::Connection::open(dir.path().join(crate::DB_FILE)).expect("open");
        db.busy_timeout(WAIT).expect("timeout");
        db.execute("UPDATE updates SET signature = x'00'", [])
            .expect("damage");
        let (bob, mut bob_rx, _bob_room) = join(&relay, &keys, 64, None).await;
        assert!(matches!(
            next(&mut bob_rx).await,
            ServerMsg::Welcome { pending: 1, .. }
        ));
        tokio::time::timeout(WAIT, bob.closer.cancelled())
            .await
            .expect("closed");
        assert_eq!(
            bob.closer.reason().map(|r| r.0),
            Some(close::TRY_AGAIN_LATER)
        );
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn a_room_whose_stored_key_is_damaged_refuses_joins_as_a_storage_failure() {
        let (_dir, relay) = relay(|_| {});
        let keys = editor(7);
        relay
            .store
            .create(keys.room(), [1; 32], keys.read_capability().check())
            .await
            .expect("create");
        let (alice, _rx) = peer(&relay, 8);
        let answer = relay
            .rooms
            .join(&relay, keys.room(), &alice, None, Access::reader(&keys))
            .await;
        assert_eq!(answer.err(), Some(ErrorCode::StorageFailed));
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn a_room_that_cannot_be_stored_is_refused_as_a_storage_failure() {
        let (_dir, relay) = relay(|_| {});
        relay.store.close().await;
        let keys = editor(8);
        let (alice, _rx) = peer(&relay, 8);
        let answer = relay
            .rooms
            .join(&relay, keys.room(), &alice, None, Access::editor(&keys))
            .await;
        assert_eq!(answer.err(), Some(ErrorCode::StorageFailed));
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn a_snapshot_is_stored_and_a_newcomer_starts_from_it() {
        let (_dir, relay) = relay(|_| {});
        let keys = editor(9);
        let (alice, mut alice_rx, room) = join(&relay, &keys, 64, None).await;
        caught_up(&mut alice_rx).await;
        for n in 1..=3 {
            send(&room, update(alice.id, n)).await;
            acked(&mut alice_rx, n).await;
        }
        let snapshot = StoredSnapshot {
            covers_upto: 2,
            msg_id: id(50),
            ciphertext: vec![7; 30],
            signature: [7; 64],
        };
        // Carol, live, is asked to check it; her word stores it.
        let (carol, mut carol_rx, _carol_room) = join(&relay, &keys, 64, Some(3)).await;
        caught_up(&mut carol_rx).await;
        send(
            &room,
            RoomCmd::Snapshot {
                peer: alice.id,
                snapshot: snapshot.clone(),
            },
        )
        .await;
        assert_eq!(
            next(&mut carol_rx).await,
            ServerMsg::CheckSnapshot {
                head: snapshot.head()
            }
        );
        assert_eq!(
            next(&mut carol_rx).await,
            ServerMsg::CheckChunk(snapshot.ciphertext.clone())
        );
        send(
            &room,
            RoomCmd::Verdict {
                peer: carol.id,
                msg_id: snapshot.msg_id,
                verdict: protocol::Verdict::Matches,
            },
        )
        .await;
        assert_eq!(
            next(&mut alice_rx).await,
            ServerMsg::SnapshotStored { covers_upto: 2 }
        );
        let (_bob, mut bob_rx, _bob_room) = join(&relay, &keys, 64, None).await;
        match next(&mut bob_rx).await {
            ServerMsg::Welcome {
                head_seq,
                snapshot: Some(s),
                pending,
                ..
            } => {
                assert_eq!((head_seq, pending), (3, 1));
                assert_eq!(s, snapshot.head());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            next(&mut bob_rx).await,
            ServerMsg::SnapshotChunk(snapshot.ciphertext.clone())
        );
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn a_big_snapshot_to_check_goes_in_chunks_beside_live_updates_and_the_checker_never_lags()
    {
        // A 64 KiB queue: chunks of 16 KiB, queued while it is half free.
        let (_dir, relay) = relay(|c| c.limits.outbound_queue_bytes = 64 << 10);
        let keys = editor(11);
        let (alice, mut alice_rx, room) = join(&relay, &keys, 256, None).await;
        caught_up(&mut alice_rx).await;
        for n in 1..=2 {
            send(&room, update(alice.id, n)).await;
            acked(&mut alice_rx, n).await;
        }
        let (carol, mut carol_rx, _carol_room) = join(&relay, &keys, 256, Some(2)).await;
        caught_up(&mut carol_rx).await;
        // One MiB, sixteen times the checker's queue.
        let snapshot = StoredSnapshot {
            covers_upto: 2,
            msg_id: id(60),
            ciphertext: (0..1u32 << 20).map(|i| (i % 251) as u8).collect(),
            signature: [7; 64],
        };
        send(
            &room,
            RoomCmd::Snapshot {
                peer: alice.id,
                snapshot: snapshot.clone(),
            },
        )
        .await;
        assert_eq!(
            next(&mut carol_rx).await,
            ServerMsg::CheckSnapshot {
                head: snapshot.head()
            }
        );
        let mut assembled = Vec::new();
        let mut updates_between = 0;
        let mut n = 3;
        while assembled.len() < snapshot.ciphertext.len() {
            assert!(
                carol.tx.queued_bytes() <= (48 << 10) + 200,
                "the check keeps to half the queue and a chunk"
            );
            match next(&mut carol_rx).await {
                ServerMsg::CheckChunk(bytes) => {
                    assert!(bytes.len() <= 16 << 10);
                    assembled.extend(bytes);
                    // Alice types while the check is on its way.
                    if n < 6 {
                        send(&room, update(alice.id, n)).await;
                        n += 1;
                    }
                }
                ServerMsg::Update(u) => {
                    assert!(assembled.len() < snapshot.ciphertext.len());
                    updates_between += 1;
                    assert_eq!(u.seq, 2 + updates_between);
                }
                other => panic!("{other:?} during a check"),
            }
        }
        assert_eq!(assembled, snapshot.ciphertext);
        assert_eq!(updates_between, 3, "live updates came between the chunks");
        assert_eq!(carol.closer.reason(), None, "the checker never lagged");
        send(
            &room,
            RoomCmd::Verdict {
                peer: carol.id,
                msg_id: snapshot.msg_id,
                verdict: protocol::Verdict::Matches,
            },
        )
        .await;
        let stored = loop {
            match next(&mut alice_rx).await {
                ServerMsg::Ack { .. } => {}
                other => break other,
            }
        };
        assert_eq!(stored, ServerMsg::SnapshotStored { covers_upto: 2 });
        testing::stop(&relay).await;
    }

    #[tokio::test]
    async fn shutdown_lands_the_writes_in_flight_then_lets_the_peers_go() {
        let (_dir, relay) = relay(|_| {});
        let keys = editor(10);
        let (alice, mut alice_rx, room) = join(&relay, &keys, 256, None).await;
        caught_up(&mut alice_rx).await;
        let alice_id = alice.id;
        drop(alice);
        for n in 1..=20 {
            send(&room, update(alice_id, n)).await;
        }
        relay.stopping.cancel();
        let (mut acks, mut refused) = (0, 0);
        // The room drops Alice's handle once it is done: her queue closes.
        while let Some(frame) = tokio::time::timeout(WAIT, alice_rx.recv())
            .await
            .expect("the room lets Alice go")
        {
            match protocol::wire::decode_server(&frame) {
                Ok(ServerMsg::Ack { .. }) => acks += 1,
                Ok(ServerMsg::Error {
                    code: ErrorCode::ShuttingDown,
                    ..
                }) => refused += 1,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            acks + refused,
            20,
            "every update is acknowledged or refused"
        );
        // The queue closed: the room let its peers go.
        let (late, _rx) = peer(&relay, 8);
        let answer = relay
            .rooms
            .join(&relay, keys.room(), &late, None, Access::reader(&keys))
            .await;
        assert_eq!(answer.err(), Some(ErrorCode::ShuttingDown));
        testing::stop(&relay).await;
    }
}

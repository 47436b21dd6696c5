//! A room's bookkeeping as a pure state type: no tokio, no I/O, no clock.
//! The room task ([`crate::room`]) feeds it what happened (a join, an
//! update, a commit that landed, a peer whose queue is full) and carries
//! out the [`Effect`]s it returns (queue a frame, write to the store, start
//! a catch-up). Everything that changes between two awaits lives here, so
//! each rule has a unit test:
//!
//! - **Sequence numbers.** Each new update gets the next number and is
//!   forwarded to everyone else at once; its author is acknowledged when its
//!   commit lands (commits land in order). A room loaded from storage starts
//!   numbering the *sequence gap* past the stored head (`seq_gap`, the
//!   store's in-flight limit): a crash can lose updates that were forwarded
//!   and not stored, and their numbers must never be handed out again, or a
//!   client that applied one would skip its replacement. So numbers are
//!   ordered, not contiguous.
//! - **Who may join.** A room keeps the hash of its read capability (its
//!   *read check*) and admits a `Hello` only when its capability hashes to
//!   it (`NotAllowed` otherwise); nothing is sent to a peer before. A room
//!   is created only with a creation proof (an editor's signature over the
//!   room and its read check) and, when the relay has creation tokens, one
//!   of them (`TokenRequired`). A room stored before protocol version 2 has
//!   no read check: the first editor's proof registers it, and until then
//!   only editors are admitted.
//! - **Dedup by message id.** A resend of an update the room holds is
//!   acknowledged again (at once if committed, when its commit lands if not:
//!   a *late ack*) and stored nothing. A failed commit forgets the id, so
//!   the client's resend is stored. A stored snapshot moves the ids it
//!   covers out of the log's map into a compact, sorted list per snapshot
//!   (16 bytes an id, at most `remembered_ids` in all, the oldest
//!   forgotten first; the store keeps the same lists): a replay of an old
//!   signed update after a compaction is acknowledged with the number of
//!   the snapshot that covers it, and stored nothing.
//! - **Holds.** A joining peer is caught up from storage up to the committed
//!   head; frames for it meanwhile (the updates in flight when it joined,
//!   then live traffic) are held, at most `hold_cap`, and released in order
//!   when its catch-up is done. A peer whose hold overflows, or whose queue
//!   is full, is disconnected as lagging; the others are told it left.
//! - **Snapshots.** A snapshot must cover only committed updates and reach
//!   past every snapshot stored or being stored (the *claim*). It is kept
//!   as a *proposal* (one per room, in memory only: nothing is deleted, a
//!   newcomer still gets the last confirmed snapshot and the log) and sent
//!   to one caught-up peer other than its uploader (`CheckSnapshot`, its
//!   ciphertext following in `CheckChunk` frames that a task of the room
//!   feeds to the peer's queue while it is half free: [`Effect::Ask`]).
//!   Only that peer's `Matches` stores it; `Differs` drops it (the
//!   uploader is told `SnapshotRefused`); `CannotTell`, or the peer
//!   leaving, passes it to another peer, or to the next one that catches
//!   up. A newer upload replaces a proposal still waiting. One check is
//!   being sent at a time in a room: the next waits until the last one's
//!   chunks are all queued ([`RoomState::check_sent`]), so a connection
//!   never gets two checks' chunks mixed, and the room holds at most the
//!   proposal and one older snapshot being sent. Once stored, the log it
//!   covers is dropped.
//! - **Compaction hints.** After `compaction.updates` updates or
//!   `compaction.bytes` bytes since the last snapshot (or hint), everyone is
//!   asked for a snapshot.
//! - **Seals** (issue 15). An editor's signed `Seal` is stored once
//!   ([`RoomState::begin_seal`], then [`RoomState::seal_stored`]); from
//!   the moment it is asked for, every update and snapshot is refused
//!   with `RoomSealed` before it gets a number, and so is a second seal.
//!   Once stored, the `Sealed` frame goes to every caught-up peer, and to
//!   each peer being caught up after its history (never twice). A room
//!   loaded sealed is sealed from the start. Reading stays allowed.
//! - **Shared rooms** (issue 16, `Settings::shared`: the store is one
//!   several relays write, NATS JetStream). The store numbers updates, one
//!   numbering per room across relays, so the room appends with `seq` 0,
//!   forwards nothing and acknowledges nothing on its own: its feed of the
//!   room ([`RoomState::fed`]) brings every stored update back, this
//!   relay's and the others', in the store's order, and each is then
//!   acknowledged to its authors here and forwarded to everyone else. A
//!   resend before that waits with the first; a failed write is refused
//!   to its authors (if it was stored after all, the feed brings it like
//!   another relay's). A loaded room numbers without a gap: nothing was
//!   forwarded before it was stored. A seal stored through another relay
//!   comes through the feed too ([`RoomState::sealed_elsewhere`]): writes
//!   are refused from then on; so does a snapshot another relay stored
//!   ([`RoomState::compacted_elsewhere`]), from which the room counts its
//!   log. Presence and departures go to the
//!   other relays too ([`Effect::Cross`]), and theirs come in through
//!   [`RoomState::crossed`].
//! - **Quotas.** The room counts what it stores: its snapshot and each
//!   update after it, ciphertext plus [`ROW_BYTES`] for the row (ids,
//!   signature, keys), committed or in flight. An update that would take
//!   it past `room_quota`, or past the free space the store reports
//!   ([`RoomState::set_storage_free`]), is refused with `QuotaExceeded`
//!   before it gets a number: it is neither stored nor forwarded, and the
//!   room can still be read. A snapshot is refused for the quota only if
//!   it would make the room larger than it is and past the quota; one
//!   that makes room is always taken. A write the store refuses as full
//!   is reported the same way.

use std::collections::{BTreeMap, HashMap, VecDeque};

use bytes::Bytes;
use protocol::{
    ErrorCode, MsgId, PeerId, ReadCheck, RoomId, ServerMsg, Signature, SnapshotHead,
    StoredSnapshot, StoredUpdate, Verdict, WriterKey,
};

use crate::config::Compaction;
use crate::mailbox::Access;
use crate::store::{Entry, RoomRecord, StoreError};

/// What a stored row costs besides its ciphertext: the room id, sequence
/// number, message id and signature, and the b-tree's own overhead.
pub(crate) const ROW_BYTES: u64 = 128;

/// The limits a room's state enforces.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// Peers in the room at once.
    pub max_peers: usize,
    /// Frames held for a peer being caught up before it counts as lagging
    /// (the size of its outbound queue).
    pub hold_cap: usize,
    /// Bytes held for a peer being caught up before it counts as lagging.
    pub hold_bytes: usize,
    /// Bytes the room may store (see the module docs).
    pub room_quota: u64,
    pub compaction: Compaction,
    /// How far past the stored head a loaded room starts numbering.
    pub seq_gap: u64,
    /// Ids of compacted updates remembered for dedup.
    pub remembered_ids: usize,
    /// The store numbers updates, because other relays write the room
    /// too (see "Shared rooms" in the module docs).
    pub shared: bool,
}

/// What the room task must do, in the order given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Queue `frame` to `to` without waiting; if the queue is full, call
    /// [`RoomState::lagging`], if it is closed, [`RoomState::leave`].
    Send { to: PeerId, frame: Bytes },
    /// Presence for `to`: like `Send`, but skipped (and counted) when its
    /// queue is half full, since the next one replaces it.
    Presence { to: PeerId, frame: Bytes },
    /// A presence frame was not sent to a peer being caught up (count it).
    PresenceDropped,
    /// An error sent to a client (count it; the frame is in a `Send`).
    Rejected(ErrorCode),
    /// `peer` could not keep up: close it as lagging and forget its handle.
    Disconnect { peer: PeerId },
    /// `peer` left: forget its handle.
    Forget { peer: PeerId },
    /// Append to the store; report the commit to [`RoomState::committed`].
    Append(Entry),
    /// Replace the snapshot; report the commit to [`RoomState::committed`].
    Snapshot(StoredSnapshot),
    /// Send `peer` its history up to `upto` from storage, then report
    /// [`RoomState::caught_up`].
    CatchUp {
        peer: PeerId,
        since: Option<u64>,
        upto: u64,
    },
    /// Ask `to` to check a proposed snapshot: queue `head` (the
    /// `CheckSnapshot` frame), then `ciphertext` in `CheckChunk` frames,
    /// each once `to`'s queue is at least half free, so that live frames
    /// always find room and a big snapshot never makes a checker lag.
    /// When all is queued, or `to` went away, report
    /// [`RoomState::check_sent`].
    Ask {
        to: PeerId,
        head: Bytes,
        ciphertext: Bytes,
    },
    /// What became of a proposed snapshot (count it).
    Proposal(ProposalEvent),
    /// Hand a presence frame to the other relays serving the room.
    Cross(Bytes),
}

/// The steps of a snapshot proposal, for the metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProposalEvent {
    /// Uploaded and kept until a peer confirms it.
    Proposed,
    /// Sent to a peer to check.
    Asked,
    /// A peer found it did not match: dropped.
    Refused,
    /// A verdict for no proposal, or from a peer not asked: ignored.
    Stray,
}

/// How a join may proceed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// The room exists with this key, and the capability matched.
    Known(WriterKey),
    /// A new room: store it with this key and read check first, then call
    /// [`RoomState::created`].
    Create(WriterKey, ReadCheck),
    /// A room stored without a read check, and an editor's proof for this
    /// one: store it first, then call [`RoomState::registered`].
    Register(WriterKey, ReadCheck),
}

/// The ids of updates that snapshots replaced: one sorted list per
/// snapshot, oldest first, at most `cap` ids in all (the newest snapshot's
/// newest ids are kept first).
#[derive(Debug, Default)]
struct Covered {
    segments: VecDeque<(u64, Vec<MsgId>)>,
    len: usize,
    cap: usize,
}

impl Covered {
    /// The `covers_upto` of the snapshot that replaced `msg_id`.
    fn find(&self, msg_id: &MsgId) -> Option<u64> {
        self.segments
            .iter()
            .rev()
            .find(|(_, ids)| ids.binary_search(msg_id).is_ok())
            .map(|(upto, _)| *upto)
    }

    /// The ids a snapshot covering `upto` replaced, in sequence order.
    fn push(&mut self, upto: u64, mut ids: Vec<MsgId>) {
        if ids.len() > self.cap {
            ids.drain(..ids.len() - self.cap);
        }
        ids.sort_unstable();
        ids.dedup();
        self.len += ids.len();
        self.segments.push_back((upto, ids));
        while self.len > self.cap {
            let Some((_, old)) = self.segments.pop_front() else {
                break;
            };
            self.len -= old.len();
        }
    }
}

/// A snapshot waiting for another peer's confirmation.
#[derive(Debug)]
struct Proposal {
    head: SnapshotHead,
    /// Shared with the check being sent, never copied for it.
    ciphertext: Bytes,
    from: PeerId,
    /// The peer it was sent to, while it has not answered.
    asked: Option<PeerId>,
    /// Peers that could not tell, or left before answering.
    tried: Vec<PeerId>,
}

struct Peer {
    /// Frames held back while the peer is being caught up.
    held: Option<Vec<Bytes>>,
    /// Their bytes.
    held_bytes: usize,
}

/// A write the room waits on, in submission order.
enum InFlight {
    Update {
        seq: u64,
        msg_id: MsgId,
        from: PeerId,
        len: u64,
        /// The forwarded frame, for peers that join before the commit.
        frame: Bytes,
    },
    /// An update of a shared room, which the store numbers: kept whole
    /// until its commit says under which number.
    Numbered {
        msg_id: MsgId,
        len: u64,
        ciphertext: Bytes,
        signature: Signature,
    },
    Snapshot {
        covers_upto: u64,
        msg_id: MsgId,
        from: PeerId,
        bytes: u64,
    },
}

/// One room's bookkeeping; see the module docs.
pub(crate) struct RoomState {
    id: RoomId,
    settings: Settings,
    writer: Option<WriterKey>,
    /// The hash of the room's read capability (none for a room stored
    /// before protocol version 2, until an editor registers it).
    read_check: Option<ReadCheck>,
    /// Ordered, so fan-out order is the same from run to run.
    peers: BTreeMap<PeerId, Peer>,
    /// Last sequence number handed out.
    assigned: u64,
    /// Last sequence number whose commit has completed.
    committed: u64,
    /// Ids of the updates the room holds, for dedup.
    msg_ids: HashMap<MsgId, u64>,
    /// Ids of the updates snapshots replaced.
    covered: Covered,
    proposal: Option<Proposal>,
    /// The peer a check is being sent to, until its chunks are queued.
    checking: Option<PeerId>,
    /// Acks owed for duplicates of updates still being committed.
    late_acks: Vec<(u64, PeerId, MsgId)>,
    /// In a shared room, the updates sent to the store that its feed has
    /// not brought back yet, and who waits for their ack.
    pending: HashMap<MsgId, Vec<PeerId>>,
    in_flight: VecDeque<InFlight>,
    /// Committed updates since the last snapshot: (seq, bytes).
    log: VecDeque<(u64, u64)>,
    log_bytes: u64,
    snapshot_covers: u64,
    /// Highest `covers_upto` stored or being stored.
    snapshot_claimed: u64,
    /// The snapshot's ciphertext bytes.
    snapshot_bytes: u64,
    /// Bytes stored (snapshot and log, rows counted), and in flight.
    stored_bytes: u64,
    in_flight_bytes: u64,
    /// Free space the store last reported.
    storage_free: u64,
    /// Log length and bytes at which to ask for the next snapshot.
    next_hint: (u64, u64),
    stopping: bool,
    /// The `Sealed` frame, once the seal is stored.
    sealed: Option<Bytes>,
    /// A seal was asked for (stored or being stored): writes are refused.
    sealing: bool,
}

fn encode(msg: &ServerMsg) -> Bytes {
    msg.encode().into()
}

impl RoomState {
    /// A room nobody has created yet (see [`RoomState::load`]).
    pub fn new(id: RoomId, settings: Settings) -> Self {
        let next_hint = (settings.compaction.updates, settings.compaction.bytes);
        let covered = Covered {
            cap: settings.remembered_ids,
            ..Covered::default()
        };
        Self {
            id,
            settings,
            writer: None,
            read_check: None,
            covered,
            proposal: None,
            checking: None,
            peers: BTreeMap::new(),
            assigned: 0,
            committed: 0,
            msg_ids: HashMap::new(),
            late_acks: Vec::new(),
            pending: HashMap::new(),
            in_flight: VecDeque::new(),
            log: VecDeque::new(),
            log_bytes: 0,
            snapshot_covers: 0,
            snapshot_claimed: 0,
            snapshot_bytes: 0,
            stored_bytes: 0,
            in_flight_bytes: 0,
            storage_free: u64::MAX,
            next_hint,
            stopping: false,
            sealed: None,
            sealing: false,
        }
    }

    /// Take up where storage left off (`None`: the room was never created).
    pub fn load(&mut self, record: Option<RoomRecord>) -> Result<(), StoreError> {
        let Some(record) = record else {
            return Ok(());
        };
        let writer = WriterKey::for_room(&self.id, &record.write_pk)
            .map_err(|_| StoreError::Corrupt("a room's write key does not match its id"))?;
        self.writer = Some(writer);
        self.read_check = record.read_check;
        for (upto, ids) in record.covered {
            self.covered.push(upto, ids);
        }
        // A shared room's numbers come from the store, never reused: no
        // gap, and its feed starts right after the stored head.
        self.assigned = match self.settings.shared {
            true => record.head_seq,
            false => record.head_seq + self.settings.seq_gap,
        };
        self.committed = self.assigned;
        self.snapshot_covers = record.snapshot_covers;
        self.snapshot_claimed = record.snapshot_covers;
        self.snapshot_bytes = record.snapshot_bytes;
        self.log_bytes = record.log_bytes;
        self.stored_bytes = Self::snapshot_cost(record.snapshot_bytes)
            + record.log_bytes
            + record.log_updates * ROW_BYTES;
        // Per-update sizes are not needed exactly after a restart: spread
        // the total evenly, which keeps the byte threshold honest on average.
        let each = record.log_bytes / record.log_updates.max(1);
        let mut seqs: Vec<u64> = record.msg_ids.iter().map(|(_, seq)| *seq).collect();
        seqs.sort_unstable();
        self.log = seqs.into_iter().map(|s| (s, each)).collect();
        self.msg_ids = record.msg_ids.into_iter().collect();
        if let Some((member_box, signature)) = record.seal {
            self.sealing = true;
            self.sealed = Some(encode(&ServerMsg::Sealed {
                member_box,
                signature,
            }));
        }
        Ok(())
    }

    /// Whether a seal was asked for (stored or being stored).
    #[cfg(test)]
    pub fn is_sealed(&self) -> bool {
        self.sealing
    }

    /// A verified seal from `from`: `Err` with the refusal's effects if
    /// the room is sealed (or being sealed) or shutting down; `Ok` if the
    /// room task must now store it and call [`RoomState::seal_stored`].
    /// From now on, writes are refused.
    pub fn begin_seal(&mut self, from: PeerId) -> Result<(), Vec<Effect>> {
        let refusal = if self.stopping {
            ErrorCode::ShuttingDown
        } else if self.sealing {
            ErrorCode::RoomSealed
        } else {
            self.sealing = true;
            return Ok(());
        };
        let mut out = Vec::new();
        self.refuse(&mut out, from, refusal, None);
        Err(out)
    }

    /// The seal asked for by `from` was stored (or failed): tell every
    /// caught-up peer (the others hear of it after their history), or
    /// tell `from` it failed and take writes again.
    pub fn seal_stored(
        &mut self,
        from: PeerId,
        member_box: Vec<u8>,
        signature: Signature,
        result: Result<(), StoreError>,
    ) -> Vec<Effect> {
        let mut out = Vec::new();
        if let Err(e) = result {
            self.sealing = false;
            let code = match e {
                StoreError::Full => ErrorCode::QuotaExceeded,
                _ => ErrorCode::StorageFailed,
            };
            self.refuse(&mut out, from, code, None);
            return out;
        }
        self.announce_seal(member_box, signature)
    }

    /// Keep the `Sealed` frame, for the peers being caught up, and send it
    /// to every live peer.
    fn announce_seal(&mut self, member_box: Vec<u8>, signature: Signature) -> Vec<Effect> {
        let frame = encode(&ServerMsg::Sealed {
            member_box,
            signature,
        });
        self.sealed = Some(frame.clone());
        self.peers
            .iter()
            .filter(|(_, p)| p.held.is_none())
            .map(|(id, _)| Effect::Send {
                to: *id,
                frame: frame.clone(),
            })
            .collect()
    }

    /// Whether a peer may join, given what its `Hello` proved.
    pub fn check_join(&self, access: &Access) -> Result<Admission, ErrorCode> {
        if self.stopping {
            return Err(ErrorCode::ShuttingDown);
        }
        if self.peers.len() >= self.settings.max_peers {
            return Err(ErrorCode::RoomFull);
        }
        if let Some(creator) = access.creator {
            // The connection checked that it hashes to this room.
            if creator.room_id() != self.id {
                return Err(ErrorCode::WrongRoomKey);
            }
        }
        match (self.writer, self.read_check) {
            (Some(writer), Some(check)) if check == access.check => Ok(Admission::Known(writer)),
            (Some(_), Some(_)) => Err(ErrorCode::NotAllowed),
            (Some(writer), None) => match access.creator {
                Some(_) => Ok(Admission::Register(writer, access.check)),
                None => Err(ErrorCode::NotAllowed),
            },
            (None, _) => match access.creator {
                None => Err(ErrorCode::UnknownRoom),
                Some(_) if !access.may_create => Err(ErrorCode::TokenRequired),
                Some(writer) => Ok(Admission::Create(writer, access.check)),
            },
        }
    }

    /// The room is stored with `writer` and `check`.
    pub fn created(&mut self, writer: WriterKey, check: ReadCheck) {
        self.writer = Some(writer);
        self.read_check = Some(check);
    }

    /// The room's read check is stored.
    pub fn registered(&mut self, check: ReadCheck) {
        self.read_check = Some(check);
    }

    /// Let `peer` in (after [`RoomState::check_join`]): it is caught up to
    /// the committed head from storage, and holds the rest until then.
    pub fn admit(&mut self, peer: PeerId, since: Option<u64>) -> Vec<Effect> {
        // A client ahead of the relay (its data was restored from an older
        // backup, say) is sent everything the relay has.
        let since = since.filter(|s| *s <= self.committed);
        // A shared room forwards nothing before its feed brings it back:
        // nothing in flight was sent to anyone.
        let held: Vec<Bytes> = self
            .in_flight
            .iter()
            .filter_map(|w| match w {
                InFlight::Update { frame, .. } => Some(frame.clone()),
                _ => None,
            })
            .collect();
        let held_bytes = held.iter().map(Bytes::len).sum();
        self.peers.insert(
            peer,
            Peer {
                held: Some(held),
                held_bytes,
            },
        );
        vec![Effect::CatchUp {
            peer,
            since,
            upto: self.committed,
        }]
    }

    /// `peer`'s history is in its queue: release what was held, in order;
    /// a proposal waiting for a checker goes to it.
    pub fn caught_up(&mut self, peer: PeerId) -> Vec<Effect> {
        let Some(p) = self.peers.get_mut(&peer) else {
            return Vec::new();
        };
        let held = p.held.take().unwrap_or_default();
        let mut out: Vec<Effect> = held
            .into_iter()
            .map(|frame| Effect::Send { to: peer, frame })
            .collect();
        if let Some(frame) = &self.sealed {
            out.push(Effect::Send {
                to: peer,
                frame: frame.clone(),
            });
        }
        self.ask_checker(&mut out);
        out
    }

    /// `peer` left (or its queue closed).
    pub fn leave(&mut self, peer: PeerId) -> Vec<Effect> {
        let mut out = Vec::new();
        self.remove(&mut out, peer, false);
        out
    }

    /// `peer`'s queue is full.
    pub fn lagging(&mut self, peer: PeerId) -> Vec<Effect> {
        let mut out = Vec::new();
        self.remove(&mut out, peer, true);
        out
    }

    /// A verified update from `from`.
    pub fn update(
        &mut self,
        from: PeerId,
        msg_id: MsgId,
        ciphertext: Bytes,
        signature: Signature,
    ) -> Vec<Effect> {
        let mut out = Vec::new();
        if self.stopping {
            self.refuse(&mut out, from, ErrorCode::ShuttingDown, Some(msg_id));
            return out;
        }
        if self.sealing {
            self.refuse(&mut out, from, ErrorCode::RoomSealed, Some(msg_id));
            return out;
        }
        if let Some(authors) = self.pending.get_mut(&msg_id) {
            // A resend of an update the shared store has not brought back
            // yet: acknowledged with it.
            if !authors.contains(&from) {
                authors.push(from);
            }
            return out;
        }
        if let Some(&seq) = self.msg_ids.get(&msg_id) {
            // A resend (the client never saw our ack): acknowledge again,
            // store nothing.
            if seq <= self.committed {
                self.send(&mut out, from, encode(&ServerMsg::Ack { msg_id, seq }));
            } else {
                self.late_acks.push((seq, from, msg_id));
            }
            return out;
        }
        if let Some(upto) = self.covered.find(&msg_id) {
            // An update a snapshot replaced, replayed (or resent after an
            // ack lost before the compaction): acknowledged as covered by
            // that snapshot, not stored again.
            self.send(
                &mut out,
                from,
                encode(&ServerMsg::Ack { msg_id, seq: upto }),
            );
            return out;
        }
        let cost = ciphertext.len() as u64 + ROW_BYTES;
        let room_after = self.stored_bytes + self.in_flight_bytes + cost;
        if room_after > self.settings.room_quota || self.in_flight_bytes + cost > self.storage_free
        {
            self.refuse(&mut out, from, ErrorCode::QuotaExceeded, Some(msg_id));
            return out;
        }
        self.in_flight_bytes += cost;
        if self.settings.shared {
            // Numbered, acknowledged and forwarded when the feed brings it
            // back (see [`RoomState::fed`]).
            self.pending.insert(msg_id, vec![from]);
            out.push(Effect::Append(Entry {
                seq: 0,
                msg_id,
                ciphertext: ciphertext.clone(),
                signature,
            }));
            self.in_flight.push_back(InFlight::Numbered {
                msg_id,
                len: cost - ROW_BYTES,
                ciphertext,
                signature,
            });
            return out;
        }
        self.assigned += 1;
        let seq = self.assigned;
        self.msg_ids.insert(msg_id, seq);
        let len = ciphertext.len() as u64;
        let frame = encode(&ServerMsg::Update(StoredUpdate {
            seq,
            msg_id,
            ciphertext: ciphertext.to_vec(),
            signature,
        }));
        out.push(Effect::Append(Entry {
            seq,
            msg_id,
            ciphertext,
            signature,
        }));
        self.broadcast(&mut out, Some(from), &frame);
        self.in_flight.push_back(InFlight::Update {
            seq,
            msg_id,
            from,
            len,
            frame,
        });
        out
    }

    /// A verified snapshot from `from`: kept as the room's proposal, and
    /// sent to a peer to check.
    pub fn snapshot(&mut self, from: PeerId, snapshot: StoredSnapshot) -> Vec<Effect> {
        let mut out = Vec::new();
        let msg_id = Some(snapshot.msg_id);
        let waiting = self.proposal.as_ref().map_or(0, |p| p.head.covers_upto);
        let after = Self::snapshot_cost(snapshot.ciphertext.len() as u64)
            + self.log_cost_after(snapshot.covers_upto);
        let refusal = if self.stopping {
            Some(ErrorCode::ShuttingDown)
        } else if self.sealing {
            Some(ErrorCode::RoomSealed)
        } else if snapshot.covers_upto > self.committed {
            Some(ErrorCode::InvalidSnapshot)
        } else if snapshot.covers_upto <= self.snapshot_claimed.max(waiting) {
            Some(ErrorCode::StaleSnapshot)
        } else if after > self.settings.room_quota && after > self.stored_bytes {
            Some(ErrorCode::QuotaExceeded)
        } else {
            None
        };
        if let Some(code) = refusal {
            self.refuse(&mut out, from, code, msg_id);
            return out;
        }
        let head = snapshot.head();
        self.proposal = Some(Proposal {
            head,
            ciphertext: Bytes::from(snapshot.ciphertext),
            from,
            asked: None,
            tried: Vec::new(),
        });
        out.push(Effect::Proposal(ProposalEvent::Proposed));
        self.ask_checker(&mut out);
        out
    }

    /// Send the proposal, if one waits for a checker, to a caught-up peer
    /// other than its uploader that was not tried yet, once no other
    /// check is being sent.
    fn ask_checker(&mut self, out: &mut Vec<Effect>) {
        let Some(p) = &self.proposal else { return };
        if p.asked.is_some() || self.checking.is_some() {
            return;
        }
        let Some(to) = self
            .peers
            .iter()
            .find(|(id, peer)| **id != p.from && peer.held.is_none() && !p.tried.contains(id))
            .map(|(id, _)| *id)
        else {
            return;
        };
        let head = encode(&ServerMsg::CheckSnapshot {
            head: p.head.clone(),
        });
        let ciphertext = p.ciphertext.clone();
        if let Some(p) = &mut self.proposal {
            p.asked = Some(to);
        }
        self.checking = Some(to);
        out.push(Effect::Proposal(ProposalEvent::Asked));
        out.push(Effect::Ask {
            to,
            head,
            ciphertext,
        });
    }

    /// The check sent to `peer` is all queued (or `peer` went away): the
    /// next check may go.
    pub fn check_sent(&mut self, peer: PeerId) -> Vec<Effect> {
        let mut out = Vec::new();
        if self.checking == Some(peer) {
            self.checking = None;
            self.ask_checker(&mut out);
        }
        out
    }

    /// `from`'s answer about the snapshot `msg_id`.
    pub fn verdict(&mut self, from: PeerId, msg_id: MsgId, verdict: Verdict) -> Vec<Effect> {
        let mut out = Vec::new();
        let asked = self
            .proposal
            .as_ref()
            .is_some_and(|p| p.head.msg_id == msg_id && p.asked == Some(from));
        if !asked || self.stopping {
            out.push(Effect::Proposal(ProposalEvent::Stray));
            return out;
        }
        match verdict {
            Verdict::Matches => {
                let Some(p) = self.proposal.take() else {
                    return out;
                };
                let head = p.head;
                self.snapshot_claimed = head.covers_upto;
                self.in_flight.push_back(InFlight::Snapshot {
                    covers_upto: head.covers_upto,
                    msg_id: head.msg_id,
                    from: p.from,
                    bytes: head.len,
                });
                // No copy, unless a check of it is still being sent.
                out.push(Effect::Snapshot(StoredSnapshot {
                    covers_upto: head.covers_upto,
                    msg_id: head.msg_id,
                    ciphertext: Vec::from(p.ciphertext),
                    signature: head.signature,
                }));
            }
            Verdict::Differs => {
                let Some(p) = self.proposal.take() else {
                    return out;
                };
                out.push(Effect::Proposal(ProposalEvent::Refused));
                self.refuse(&mut out, p.from, ErrorCode::SnapshotRefused, Some(msg_id));
            }
            Verdict::CannotTell => {
                if let Some(p) = &mut self.proposal {
                    p.tried.push(from);
                    p.asked = None;
                }
                self.ask_checker(&mut out);
            }
        }
        out
    }

    /// An update the shared store holds, from this relay or another, in
    /// the store's order: the next number. Its authors here are
    /// acknowledged, everyone else gets it; what the room already has is
    /// skipped.
    pub fn fed(&mut self, update: StoredUpdate) -> Vec<Effect> {
        let mut out = Vec::new();
        if update.seq <= self.committed {
            return out;
        }
        let (seq, msg_id) = (update.seq, update.msg_id);
        let len = update.ciphertext.len() as u64;
        self.committed = seq;
        self.assigned = self.assigned.max(seq);
        if seq > self.snapshot_covers {
            // Not already covered by a snapshot another relay stored (its
            // watch can come before the feed).
            self.log.push_back((seq, len));
            self.log_bytes += len;
            self.stored_bytes += len + ROW_BYTES;
        }
        // A second copy of an update (two relays stored a resend more
        // than the store's dedup window apart) keeps the first number.
        self.msg_ids.entry(msg_id).or_insert(seq);
        let authors = self.pending.remove(&msg_id).unwrap_or_default();
        for &author in &authors {
            self.send(&mut out, author, encode(&ServerMsg::Ack { msg_id, seq }));
        }
        let frame = encode(&ServerMsg::Update(update));
        let others: Vec<PeerId> = self
            .peers
            .keys()
            .copied()
            .filter(|id| !authors.contains(id))
            .collect();
        for id in others {
            self.send(&mut out, id, frame.clone());
        }
        self.maybe_hint(&mut out);
        out
    }

    /// The room's seal, as the shared store holds it (stored through
    /// another relay, or this one): from now on writes are refused, and
    /// every live peer gets the `Sealed` frame, once.
    pub fn sealed_elsewhere(&mut self, member_box: Vec<u8>, signature: Signature) -> Vec<Effect> {
        if self.sealed.is_some() {
            return Vec::new();
        }
        self.sealing = true;
        self.announce_seal(member_box, signature)
    }

    /// Presence (or a departure) another relay's peer sent: for every
    /// peer here that is live.
    pub fn crossed(&mut self, frame: Bytes) -> Vec<Effect> {
        self.peers
            .iter()
            .map(|(id, peer)| match peer.held {
                Some(_) => Effect::PresenceDropped,
                None => Effect::Presence {
                    to: *id,
                    frame: frame.clone(),
                },
            })
            .collect()
    }

    /// Presence from `from`, for everyone else.
    pub fn awareness(
        &mut self,
        from: PeerId,
        counter: u64,
        ciphertext: Vec<u8>,
        signature: Option<Signature>,
    ) -> Vec<Effect> {
        let frame = encode(&ServerMsg::Awareness {
            peer: from,
            counter,
            ciphertext,
            signature,
        });
        let mut out: Vec<Effect> = self
            .peers
            .iter()
            .filter(|(id, _)| **id != from)
            .map(|(id, peer)| match peer.held {
                Some(_) => Effect::PresenceDropped,
                None => Effect::Presence {
                    to: *id,
                    frame: frame.clone(),
                },
            })
            .collect();
        if self.settings.shared {
            out.push(Effect::Cross(frame));
        }
        out
    }

    /// The oldest write in flight has committed (or failed); an update
    /// the store numbered comes with its number.
    pub fn committed(&mut self, result: Result<u64, StoreError>) -> Vec<Effect> {
        let mut out = Vec::new();
        let Some(done) = self.in_flight.pop_front() else {
            return out;
        };
        match done {
            InFlight::Numbered {
                msg_id,
                len,
                ciphertext,
                signature,
            } => {
                self.in_flight_bytes = self.in_flight_bytes.saturating_sub(len + ROW_BYTES);
                match result {
                    // The next number: nothing stored before it is still
                    // to come from the feed, so it is acknowledged and
                    // forwarded now rather than when the feed brings it
                    // back (which, while a NATS cluster elects a leader,
                    // can take longer than a client waits). The feed's
                    // copy is then skipped as already had.
                    Ok(seq) if seq == self.committed + 1 && self.pending.contains_key(&msg_id) => {
                        out = self.fed(StoredUpdate {
                            seq,
                            msg_id,
                            ciphertext: ciphertext.to_vec(),
                            signature,
                        });
                    }
                    // Stored after updates of other relays the feed has
                    // not brought yet (or a resend the store already
                    // held): acknowledged when the feed brings it, in
                    // order.
                    Ok(_) => {}
                    Err(e) => {
                        // Not stored (as far as the store knows: if it
                        // was after all, the feed brings it like another
                        // relay's).
                        if let Some(authors) = self.pending.remove(&msg_id) {
                            let code = match e {
                                StoreError::Full => ErrorCode::QuotaExceeded,
                                _ => ErrorCode::StorageFailed,
                            };
                            for author in authors {
                                self.refuse(&mut out, author, code, Some(msg_id));
                            }
                        }
                    }
                }
            }
            InFlight::Update {
                seq,
                msg_id,
                from,
                len,
                ..
            } => {
                self.committed = seq;
                let cost = len + ROW_BYTES;
                self.in_flight_bytes = self.in_flight_bytes.saturating_sub(cost);
                match result {
                    Ok(_) => {
                        self.log.push_back((seq, len));
                        self.log_bytes += len;
                        self.stored_bytes += cost;
                        self.send(&mut out, from, encode(&ServerMsg::Ack { msg_id, seq }));
                    }
                    Err(e) => {
                        self.msg_ids.remove(&msg_id);
                        let code = match e {
                            StoreError::Full => ErrorCode::QuotaExceeded,
                            _ => ErrorCode::StorageFailed,
                        };
                        self.refuse(&mut out, from, code, Some(msg_id));
                    }
                }
                self.pay_late_acks(&mut out);
                self.maybe_hint(&mut out);
            }
            InFlight::Snapshot {
                covers_upto,
                msg_id,
                from,
                bytes,
            } => match result {
                Ok(_) => {
                    self.snapshot_landed(covers_upto, bytes);
                    let stored = encode(&ServerMsg::SnapshotStored { covers_upto });
                    self.send(&mut out, from, stored);
                }
                Err(e) => {
                    self.snapshot_claimed = self.snapshot_covers;
                    let code = match e {
                        StoreError::StaleSnapshot => ErrorCode::StaleSnapshot,
                        StoreError::Full => ErrorCode::QuotaExceeded,
                        _ => ErrorCode::StorageFailed,
                    };
                    self.refuse(&mut out, from, code, Some(msg_id));
                }
            },
        }
        out
    }

    /// A snapshot covering `covers_upto` (`bytes` of ciphertext) is
    /// stored: the log it covers goes, its ids move to the covered lists,
    /// the hint count starts again.
    fn snapshot_landed(&mut self, covers_upto: u64, bytes: u64) {
        self.snapshot_covers = covers_upto;
        self.snapshot_claimed = self.snapshot_claimed.max(covers_upto);
        self.snapshot_bytes = bytes;
        while self.log.front().is_some_and(|(s, _)| *s <= covers_upto) {
            if let Some((_, len)) = self.log.pop_front() {
                self.log_bytes -= len.min(self.log_bytes);
            }
        }
        let mut covered: Vec<(u64, MsgId)> = self
            .msg_ids
            .iter()
            .filter(|(_, seq)| **seq <= covers_upto)
            .map(|(id, seq)| (*seq, *id))
            .collect();
        covered.sort_unstable();
        self.covered
            .push(covers_upto, covered.into_iter().map(|(_, id)| id).collect());
        self.stored_bytes = Self::snapshot_cost(bytes) + self.log_cost_after(0);
        self.msg_ids.retain(|_, seq| *seq > covers_upto);
        let c = &self.settings.compaction;
        self.next_hint = (c.updates, c.bytes);
    }

    /// A snapshot another relay stored in the shared store: the room
    /// counts its log from there (compaction hints, the quota), and a
    /// proposal it makes stale is dropped. One this room stored, or older,
    /// changes nothing.
    pub fn compacted_elsewhere(&mut self, covers_upto: u64, bytes: u64) -> Vec<Effect> {
        let mut out = Vec::new();
        if covers_upto <= self.snapshot_covers {
            return out;
        }
        self.snapshot_landed(covers_upto, bytes);
        if let Some(p) = self.proposal.take_if(|p| p.head.covers_upto <= covers_upto) {
            self.refuse(
                &mut out,
                p.from,
                ErrorCode::StaleSnapshot,
                Some(p.head.msg_id),
            );
        }
        out
    }

    /// The store has `free` bytes left (the relay's storage quota, or the
    /// disk); updates that would not fit are refused from now on.
    pub fn set_storage_free(&mut self, free: u64) {
        self.storage_free = free;
    }

    /// Bytes the room stores, rows counted.
    #[cfg(test)]
    pub fn stored_bytes(&self) -> u64 {
        self.stored_bytes
    }

    /// What a snapshot of `bytes` costs (nothing without one).
    fn snapshot_cost(bytes: u64) -> u64 {
        if bytes == 0 {
            0
        } else {
            bytes + ROW_BYTES
        }
    }

    /// What the committed log after `seq` costs.
    fn log_cost_after(&self, seq: u64) -> u64 {
        self.log
            .iter()
            .filter(|(s, _)| *s > seq)
            .map(|(_, len)| len + ROW_BYTES)
            .sum()
    }

    /// The last sequence number the room has committed (a shared room:
    /// the last its feed brought).
    pub fn head(&self) -> u64 {
        self.committed
    }

    /// Shutdown began: refuse new writes; what is in flight still lands.
    pub fn stop(&mut self) {
        self.stopping = true;
    }

    pub fn stopping(&self) -> bool {
        self.stopping
    }

    /// Nobody is in the room.
    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }

    /// Writes are in flight.
    pub fn busy(&self) -> bool {
        !self.in_flight.is_empty()
    }

    /// Nobody could open this room (it does not exist and nobody is
    /// creating it): it need not stay open.
    pub fn unused(&self) -> bool {
        self.writer.is_none() && self.is_empty() && !self.busy()
    }

    /// Queue a frame to one peer: hold it while the peer is caught up.
    fn send(&mut self, out: &mut Vec<Effect>, to: PeerId, frame: Bytes) {
        let Some(peer) = self.peers.get_mut(&to) else {
            return;
        };
        match &mut peer.held {
            Some(held)
                if held.len() < self.settings.hold_cap
                    && peer.held_bytes + frame.len() <= self.settings.hold_bytes =>
            {
                peer.held_bytes += frame.len();
                held.push(frame);
            }
            Some(_) => self.remove(out, to, true),
            None => out.push(Effect::Send { to, frame }),
        }
    }

    fn broadcast(&mut self, out: &mut Vec<Effect>, except: Option<PeerId>, frame: &Bytes) {
        let ids: Vec<PeerId> = self
            .peers
            .keys()
            .copied()
            .filter(|id| Some(*id) != except)
            .collect();
        for id in ids {
            self.send(out, id, frame.clone());
        }
    }

    fn refuse(
        &mut self,
        out: &mut Vec<Effect>,
        to: PeerId,
        code: ErrorCode,
        msg_id: Option<MsgId>,
    ) {
        out.push(Effect::Rejected(code));
        self.send(out, to, encode(&ServerMsg::Error { code, msg_id }));
    }

    fn remove(&mut self, out: &mut Vec<Effect>, peer: PeerId, lagging: bool) {
        if self.peers.remove(&peer).is_none() {
            return;
        }
        self.late_acks.retain(|(_, p, _)| *p != peer);
        out.push(match lagging {
            true => Effect::Disconnect { peer },
            false => Effect::Forget { peer },
        });
        let left = encode(&ServerMsg::PeerLeft { peer });
        self.broadcast(out, None, &left);
        if self.settings.shared {
            out.push(Effect::Cross(left));
        }
        if let Some(p) = &mut self.proposal {
            if p.asked == Some(peer) {
                p.asked = None;
                p.tried.push(peer);
            }
        }
        self.ask_checker(out);
    }

    fn pay_late_acks(&mut self, out: &mut Vec<Effect>) {
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
                self.send(out, peer, encode(&ServerMsg::Ack { msg_id, seq }));
            } else {
                self.refuse(out, peer, ErrorCode::StorageFailed, Some(msg_id));
            }
        }
    }

    fn maybe_hint(&mut self, out: &mut Vec<Effect>) {
        let updates = self.log.len() as u64;
        if updates < self.next_hint.0 && self.log_bytes < self.next_hint.1 {
            return;
        }
        let c = &self.settings.compaction;
        self.next_hint = (updates + c.updates, self.log_bytes + c.bytes);
        let hint = encode(&ServerMsg::CompactHint {
            head_seq: self.committed,
        });
        self.broadcast(out, None, &hint);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::wire::decode_server;
    use protocol::{DocKeys, EditSecret};

    const A: PeerId = 1;
    const B: PeerId = 2;
    const C: PeerId = 3;

    fn keys() -> DocKeys {
        DocKeys::from_edit(&EditSecret::from_bytes([42; 32]))
    }

    fn settings() -> Settings {
        Settings {
            max_peers: 8,
            hold_cap: 4,
            hold_bytes: 1 << 20,
            room_quota: u64::MAX,
            compaction: Compaction {
                updates: 1000,
                bytes: 1 << 30,
            },
            seq_gap: 100,
            remembered_ids: 1000,
            shared: false,
        }
    }

    /// A created room with `peers` joined and caught up.
    fn room_with(settings: Settings, peers: &[PeerId]) -> RoomState {
        let keys = keys();
        let mut room = RoomState::new(keys.room(), settings);
        let Ok(Admission::Create(writer, check)) = room.check_join(&Access::editor(&keys)) else {
            panic!("a new room is created")
        };
        room.created(writer, check);
        for &p in peers {
            room.admit(p, None);
            assert!(room.caught_up(p).is_empty());
        }
        room
    }

    fn room(peers: &[PeerId]) -> RoomState {
        room_with(settings(), peers)
    }

    fn id(n: u8) -> MsgId {
        [n; 16]
    }

    fn update(room: &mut RoomState, from: PeerId, n: u8) -> Vec<Effect> {
        room.update(from, id(n), Bytes::from(vec![n; 10]), [n; 64])
    }

    /// Propose `snapshot` from `from`, send it to the peer asked, and have
    /// it confirm it: what the confirmation does.
    fn stored(room: &mut RoomState, from: PeerId, snapshot: StoredSnapshot) -> Vec<Effect> {
        let msg_id = snapshot.msg_id;
        let out = room.snapshot(from, snapshot);
        let Some(checker) = sent(&out)
            .into_iter()
            .find(|(_, m)| matches!(m, ServerMsg::CheckSnapshot { .. }))
            .map(|(to, _)| to)
        else {
            panic!("a peer is asked to check: {out:?}")
        };
        assert!(room.check_sent(checker).is_empty());
        room.verdict(checker, msg_id, Verdict::Matches)
    }

    fn snap(covers_upto: u64) -> StoredSnapshot {
        StoredSnapshot {
            covers_upto,
            msg_id: [0xcc; 16],
            ciphertext: vec![1, 2, 3],
            signature: [9; 64],
        }
    }

    /// The frames sent, decoded, with their recipient.
    fn sent(effects: &[Effect]) -> Vec<(PeerId, ServerMsg)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Send { to, frame }
                | Effect::Presence { to, frame }
                | Effect::Ask {
                    to, head: frame, ..
                } => Some((*to, decode_server(frame).expect("a valid frame"))),
                _ => None,
            })
            .collect()
    }

    fn appended(effects: &[Effect]) -> Vec<u64> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Append(entry) => Some(entry.seq),
                _ => None,
            })
            .collect()
    }

    fn ack(n: u8, seq: u64) -> ServerMsg {
        ServerMsg::Ack { msg_id: id(n), seq }
    }

    fn error(code: ErrorCode, msg_id: Option<MsgId>) -> ServerMsg {
        ServerMsg::Error { code, msg_id }
    }

    fn seq_of(msg: &ServerMsg) -> Option<u64> {
        match msg {
            ServerMsg::Update(u) => Some(u.seq),
            _ => None,
        }
    }

    fn sealed_frame(member_box: &[u8]) -> ServerMsg {
        ServerMsg::Sealed {
            member_box: member_box.to_vec(),
            signature: [7; 64],
        }
    }

    #[test]
    fn a_sealed_room_refuses_writes_tells_everyone_once_and_takes_no_second_seal() {
        let mut room = room(&[A, B]);
        let out = update(&mut room, A, 1);
        assert_eq!(appended(&out), vec![1]);
        room.committed(Ok(0));
        assert!(!room.is_sealed());
        // C joins and is still being caught up when the seal lands.
        room.admit(C, Some(0));
        assert!(room.begin_seal(A).is_ok());
        assert!(room.is_sealed());
        // From the moment it is asked for, writes are refused by id,
        // before they get a number.
        let out = update(&mut room, B, 2);
        assert_eq!(appended(&out), Vec::<u64>::new());
        assert_eq!(
            sent(&out),
            vec![(B, error(ErrorCode::RoomSealed, Some(id(2))))]
        );
        let out = room.snapshot(B, snap(1));
        assert_eq!(
            sent(&out),
            vec![(B, error(ErrorCode::RoomSealed, Some([0xcc; 16])))]
        );
        // A second seal, even while the first is being stored.
        let Err(out) = room.begin_seal(B) else {
            panic!("a second seal is refused");
        };
        assert_eq!(sent(&out), vec![(B, error(ErrorCode::RoomSealed, None))]);
        // Stored: the caught-up peers hear of it, the seal's author too.
        let out = room.seal_stored(A, b"box".to_vec(), [7; 64], Ok(()));
        assert_eq!(
            sent(&out),
            vec![(A, sealed_frame(b"box")), (B, sealed_frame(b"box"))]
        );
        // C hears of it after its history, once.
        let out = room.caught_up(C);
        assert_eq!(sent(&out), vec![(C, sealed_frame(b"box"))]);
        // A newcomer too.
        room.admit(4, None);
        assert_eq!(sent(&room.caught_up(4)), vec![(4, sealed_frame(b"box"))]);
        let Err(_) = room.begin_seal(A) else {
            panic!("still sealed");
        };
    }

    #[test]
    fn a_seal_the_store_could_not_keep_is_told_and_writes_go_on() {
        let mut room = room(&[A, B]);
        assert!(room.begin_seal(A).is_ok());
        let out = room.seal_stored(A, b"box".to_vec(), [7; 64], Err(StoreError::Closed));
        assert_eq!(sent(&out), vec![(A, error(ErrorCode::StorageFailed, None))]);
        assert!(!room.is_sealed());
        assert_eq!(appended(&update(&mut room, B, 1)), vec![1]);
        let out = room.seal_stored(A, b"box".to_vec(), [7; 64], Err(StoreError::Full));
        assert_eq!(sent(&out), vec![(A, error(ErrorCode::QuotaExceeded, None))]);
    }

    #[test]
    fn a_room_loaded_sealed_is_sealed_from_the_start() {
        let keys = keys();
        let mut room = RoomState::new(keys.room(), settings());
        room.load(Some(RoomRecord {
            write_pk: keys.writer().to_bytes(),
            read_check: Some(keys.read_capability().check()),
            seal: Some((b"box".to_vec(), [7; 64])),
            ..RoomRecord::default()
        }))
        .expect("loads");
        assert!(room.is_sealed());
        room.admit(A, None);
        assert_eq!(sent(&room.caught_up(A)), vec![(A, sealed_frame(b"box"))]);
        let out = update(&mut room, A, 1);
        assert_eq!(
            sent(&out),
            vec![(A, error(ErrorCode::RoomSealed, Some(id(1))))]
        );
        // While shutting down, a seal is refused as such.
        let mut open = self::room(&[A]);
        open.stop();
        let Err(out) = open.begin_seal(A) else {
            panic!("refused");
        };
        assert_eq!(sent(&out), vec![(A, error(ErrorCode::ShuttingDown, None))]);
    }

    #[test]
    fn updates_are_numbered_in_order_and_forwarded_to_everyone_else_at_once() {
        let mut room = room(&[A, B, C]);
        let out = update(&mut room, A, 1);
        assert_eq!(appended(&out), vec![1]);
        assert!(
            matches!(&out[0], Effect::Append(e) if e.msg_id == id(1) && e.ciphertext[..] == [1; 10])
        );
        let sent = sent(&out);
        assert_eq!(
            sent.iter().map(|(to, _)| *to).collect::<Vec<_>>(),
            vec![B, C]
        );
        assert!(matches!(&sent[0].1, ServerMsg::Update(u)
            if u.seq == 1 && u.msg_id == id(1) && u.ciphertext == vec![1; 10] && u.signature == [1; 64]));
        assert_eq!(appended(&update(&mut room, B, 2)), vec![2]);
        assert_eq!(appended(&update(&mut room, A, 3)), vec![3]);
    }

    #[test]
    fn past_the_room_quota_updates_are_refused_unstored_and_a_smaller_snapshot_makes_room() {
        let each = 10 + ROW_BYTES;
        let mut room = room_with(
            Settings {
                room_quota: 3 * each,
                ..settings()
            },
            &[A, B],
        );
        for n in 1..=3 {
            assert_eq!(appended(&update(&mut room, A, n)), vec![u64::from(n)]);
        }
        // In flight counts: the fourth is refused before any commit lands.
        let out = update(&mut room, A, 4);
        assert_eq!(appended(&out), Vec::<u64>::new(), "not stored");
        assert_eq!(
            sent(&out),
            vec![(A, error(ErrorCode::QuotaExceeded, Some(id(4))))],
            "not forwarded"
        );
        for _ in 0..3 {
            room.committed(Ok(0));
        }
        assert_eq!(room.stored_bytes(), 3 * each);
        // A snapshot smaller than what it replaces is taken (B confirms it).
        let out = stored(&mut room, A, snap(3));
        assert!(out.iter().any(|e| matches!(e, Effect::Snapshot(_))));
        room.committed(Ok(0));
        assert_eq!(room.stored_bytes(), 3 + ROW_BYTES);
        assert_eq!(appended(&update(&mut room, A, 5)), vec![4]);
        // The relay's storage as a whole is full: refused the same way.
        room.set_storage_free(0);
        let out = update(&mut room, B, 6);
        assert_eq!(
            sent(&out),
            vec![(B, error(ErrorCode::QuotaExceeded, Some(id(6))))]
        );
    }

    #[test]
    fn the_author_is_acknowledged_when_the_commit_lands_not_before() {
        let mut room = room(&[A, B]);
        let out = update(&mut room, A, 1);
        assert!(sent(&out).iter().all(|(to, _)| *to != A));
        update(&mut room, A, 2);
        assert!(room.busy());
        assert_eq!(sent(&room.committed(Ok(0))), vec![(A, ack(1, 1))]);
        assert_eq!(sent(&room.committed(Ok(0))), vec![(A, ack(2, 2))]);
        assert!(!room.busy());
        assert!(room.committed(Ok(0)).is_empty(), "nothing in flight");
    }

    #[test]
    fn a_resend_of_a_committed_update_is_acknowledged_again_and_stored_once() {
        let mut room = room(&[A, B]);
        update(&mut room, A, 1);
        room.committed(Ok(0));
        let out = update(&mut room, A, 1);
        assert_eq!(appended(&out), Vec::<u64>::new());
        assert_eq!(
            sent(&out),
            vec![(A, ack(1, 1))],
            "acknowledged at once, forwarded to nobody"
        );
        assert!(!room.busy());
    }

    #[test]
    fn a_resend_before_the_commit_is_acknowledged_when_the_commit_lands() {
        let mut room = room(&[A, B]);
        update(&mut room, A, 1);
        update(&mut room, A, 2);
        // A reconnected as B and resends both before the commits land.
        assert!(update(&mut room, B, 1).is_empty());
        assert!(update(&mut room, B, 2).is_empty());
        assert_eq!(
            sent(&room.committed(Ok(0))),
            vec![(A, ack(1, 1)), (B, ack(1, 1))],
            "only the late ack that is due"
        );
        assert_eq!(
            sent(&room.committed(Ok(0))),
            vec![(A, ack(2, 2)), (B, ack(2, 2))]
        );
    }

    #[test]
    fn a_failed_commit_is_reported_to_the_author_and_to_late_resends_and_forgets_the_id() {
        let mut room = room(&[A, B]);
        update(&mut room, A, 1);
        update(&mut room, B, 1);
        let out = room.committed(Err(StoreError::Closed));
        let failed = error(ErrorCode::StorageFailed, Some(id(1)));
        assert_eq!(sent(&out), vec![(A, failed.clone()), (B, failed)]);
        assert_eq!(
            out.iter()
                .filter(|e| **e == Effect::Rejected(ErrorCode::StorageFailed))
                .count(),
            2
        );
        // The resend is a new update, stored under the next number.
        assert_eq!(appended(&update(&mut room, A, 1)), vec![2]);
    }

    #[test]
    fn a_late_ack_is_dropped_with_the_peer_that_left() {
        let mut room = room(&[A, B]);
        update(&mut room, A, 1);
        update(&mut room, B, 1);
        room.leave(B);
        assert_eq!(sent(&room.committed(Ok(0))), vec![(A, ack(1, 1))]);
    }

    #[test]
    fn a_room_loaded_from_storage_numbers_past_the_gap_and_knows_its_ids() {
        let keys = keys();
        let mut room = RoomState::new(keys.room(), settings());
        let record = RoomRecord {
            write_pk: keys.writer().to_bytes(),
            head_seq: 10,
            snapshot_covers: 4,
            snapshot_bytes: 0,
            log_updates: 2,
            log_bytes: 20,
            msg_ids: vec![(id(7), 7), (id(10), 10)],
            read_check: Some(keys.read_capability().check()),
            ..RoomRecord::default()
        };
        room.load(Some(record)).expect("a good record");
        assert_eq!(
            room.check_join(&Access::reader(&keys)),
            Ok(Admission::Known(keys.writer()))
        );
        for p in [A, B] {
            room.admit(p, None);
            room.caught_up(p);
        }
        assert_eq!(
            sent(&update(&mut room, A, 10)),
            vec![(A, ack(10, 10))],
            "a resend from before the restart"
        );
        assert_eq!(
            appended(&update(&mut room, A, 11)),
            vec![111],
            "10 + the gap of 100, plus one"
        );
        // Everything up to the gap counts as committed: a snapshot may cover it.
        assert_eq!(
            stored(&mut room, A, snap(110)),
            vec![Effect::Snapshot(snap(110))]
        );
        assert!(matches!(
            &room.snapshot(A, snap(4))[..],
            [Effect::Rejected(ErrorCode::StaleSnapshot), _]
        ));
    }

    #[test]
    fn a_loaded_room_counts_its_stored_log_towards_the_next_hint() {
        let keys = keys();
        let mut s = settings();
        s.compaction = Compaction {
            updates: 1000,
            bytes: 100,
        };
        let mut room = RoomState::new(keys.room(), s);
        room.load(None).expect("no record");
        assert!(room.unused());
        let record = RoomRecord {
            write_pk: keys.writer().to_bytes(),
            head_seq: 2,
            snapshot_covers: 0,
            snapshot_bytes: 0,
            log_updates: 2,
            log_bytes: 100,
            msg_ids: vec![(id(1), 1), (id(2), 2)],
            read_check: Some(keys.read_capability().check()),
            ..RoomRecord::default()
        };
        room.load(Some(record)).expect("a good record");
        for p in [A, B] {
            room.admit(p, None);
            room.caught_up(p);
        }
        // A snapshot covering the first update drops half the bytes.
        stored(&mut room, A, snap(1));
        room.committed(Ok(0));
        update(&mut room, A, 3);
        let out = room.committed(Ok(0));
        assert!(
            !sent(&out)
                .iter()
                .any(|(_, m)| matches!(m, ServerMsg::CompactHint { .. })),
            "50 + 10 < 100"
        );
        room.update(A, id(4), Bytes::from(vec![0; 40]), [0; 64]);
        let out = room.committed(Ok(0));
        assert!(
            sent(&out).contains(&(A, ServerMsg::CompactHint { head_seq: 104 })),
            "50 + 10 + 40 reaches 100"
        );
    }

    #[test]
    fn a_stored_record_whose_key_is_not_the_rooms_is_corrupt() {
        let mut room = RoomState::new(keys().room(), settings());
        let other = DocKeys::from_edit(&EditSecret::from_bytes([1; 32]));
        let record = RoomRecord {
            write_pk: other.writer().to_bytes(),
            ..RoomRecord::default()
        };
        assert!(matches!(
            room.load(Some(record)),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn joins_are_refused_for_a_wrong_key_an_unknown_room_a_full_room_and_while_stopping() {
        let keys = keys();
        let other = DocKeys::from_edit(&EditSecret::from_bytes([1; 32]));
        let reader = Access::reader(&keys);
        let editor = Access::editor(&keys);
        let mut fresh = RoomState::new(keys.room(), settings());
        assert_eq!(fresh.check_join(&reader), Err(ErrorCode::UnknownRoom));
        assert_eq!(
            fresh.check_join(&Access::editor(&other)),
            Err(ErrorCode::WrongRoomKey),
            "a key must hash to the room id"
        );
        let check = keys.read_capability().check();
        assert_eq!(
            fresh.check_join(&editor),
            Ok(Admission::Create(keys.writer(), check))
        );
        assert_eq!(
            fresh.check_join(&Access {
                may_create: false,
                ..editor
            }),
            Err(ErrorCode::TokenRequired),
            "without a creation token, no creation"
        );
        fresh.created(keys.writer(), check);
        assert!(!fresh.unused());
        assert_eq!(
            fresh.check_join(&reader),
            Ok(Admission::Known(keys.writer()))
        );
        assert_eq!(
            fresh.check_join(&editor),
            Ok(Admission::Known(keys.writer()))
        );
        assert_eq!(
            fresh.check_join(&Access::editor(&other)),
            Err(ErrorCode::WrongRoomKey)
        );
        fresh.stop();
        assert!(fresh.stopping());
        assert_eq!(fresh.check_join(&reader), Err(ErrorCode::ShuttingDown));
    }

    #[test]
    fn a_room_id_without_the_capability_is_not_allowed_in() {
        let keys = keys();
        let room = room(&[]);
        let stranger = Access {
            check: ReadCheck([7; 32]),
            creator: None,
            may_create: true,
        };
        assert_eq!(room.check_join(&stranger), Err(ErrorCode::NotAllowed));
        // Not with the room's own write key either: the check must match.
        assert_eq!(
            room.check_join(&Access {
                creator: Some(keys.writer()),
                ..stranger
            }),
            Err(ErrorCode::NotAllowed)
        );
    }

    #[test]
    fn a_room_stored_without_a_read_check_admits_editors_only_until_one_registers_it() {
        let keys = keys();
        let mut room = RoomState::new(keys.room(), settings());
        let record = RoomRecord {
            write_pk: keys.writer().to_bytes(),
            ..RoomRecord::default()
        };
        room.load(Some(record)).expect("a v1 record");
        assert_eq!(
            room.check_join(&Access::reader(&keys)),
            Err(ErrorCode::NotAllowed)
        );
        let check = keys.read_capability().check();
        assert_eq!(
            room.check_join(&Access::editor(&keys)),
            Ok(Admission::Register(keys.writer(), check))
        );
        room.registered(check);
        assert_eq!(
            room.check_join(&Access::reader(&keys)),
            Ok(Admission::Known(keys.writer()))
        );
    }

    #[test]
    fn leaving_tells_the_others_and_frees_the_slot() {
        let mut s = settings();
        s.max_peers = 2;
        let mut room = room_with(s, &[A, B]);
        let reader = Access::reader(&keys());
        assert_eq!(room.check_join(&reader), Err(ErrorCode::RoomFull));
        let out = room.leave(B);
        assert_eq!(out[0], Effect::Forget { peer: B });
        assert_eq!(sent(&out), vec![(A, ServerMsg::PeerLeft { peer: B })]);
        assert!(room.check_join(&reader).is_ok());
        assert!(room.leave(B).is_empty(), "leaving twice does nothing");
        room.leave(A);
        assert!(room.is_empty());
    }

    #[test]
    fn a_lagging_peer_is_disconnected_and_the_others_told() {
        let mut room = room(&[A, B, C]);
        let out = room.lagging(B);
        assert_eq!(out[0], Effect::Disconnect { peer: B });
        assert_eq!(
            sent(&out),
            vec![
                (A, ServerMsg::PeerLeft { peer: B }),
                (C, ServerMsg::PeerLeft { peer: B })
            ]
        );
        assert!(sent(&update(&mut room, A, 1))
            .iter()
            .all(|(to, _)| *to != B));
    }

    #[test]
    fn a_joining_peer_catches_up_to_the_committed_head_and_gets_the_rest_in_order_after() {
        let mut room = room(&[A]);
        update(&mut room, A, 1);
        room.committed(Ok(0));
        update(&mut room, A, 2); // in flight when C joins
        assert_eq!(
            room.admit(C, Some(1)),
            vec![Effect::CatchUp {
                peer: C,
                since: Some(1),
                upto: 1
            }]
        );
        assert!(
            sent(&update(&mut room, A, 3)).is_empty(),
            "held while catching up"
        );
        let out = room.committed(Ok(0));
        assert_eq!(sent(&out), vec![(A, ack(2, 2))]);
        let released = sent(&room.caught_up(C));
        assert_eq!(
            released
                .iter()
                .map(|(to, m)| (*to, seq_of(m)))
                .collect::<Vec<_>>(),
            vec![(C, Some(2)), (C, Some(3))]
        );
        assert!(room.caught_up(C).is_empty(), "released once");
        assert_eq!(sent(&update(&mut room, A, 4)).len(), 1, "live now");
    }

    #[test]
    fn a_client_ahead_of_the_relay_is_sent_everything() {
        let mut room = room(&[A]);
        update(&mut room, A, 1);
        room.committed(Ok(0));
        assert_eq!(
            room.admit(B, Some(2)),
            vec![Effect::CatchUp {
                peer: B,
                since: None,
                upto: 1
            }]
        );
        assert_eq!(
            room.admit(C, Some(1)),
            vec![Effect::CatchUp {
                peer: C,
                since: Some(1),
                upto: 1
            }]
        );
    }

    #[test]
    fn a_peer_whose_hold_overflows_is_disconnected_and_the_others_told() {
        let mut room = room(&[A, B]);
        room.admit(C, None);
        for n in 1..=4 {
            let out = update(&mut room, A, n);
            assert!(
                !out.contains(&Effect::Disconnect { peer: C }),
                "{n} frames fit the hold"
            );
        }
        let out = update(&mut room, A, 5);
        assert!(
            out.contains(&Effect::Disconnect { peer: C }),
            "the fifth does not"
        );
        assert!(sent(&out).contains(&(B, ServerMsg::PeerLeft { peer: C })));
        assert!(
            room.caught_up(C).is_empty(),
            "nothing is released to a peer that is gone"
        );
    }

    #[test]
    fn a_snapshot_must_cover_only_committed_updates_and_reach_past_the_last_claim() {
        let mut room = room(&[A, B]);
        for n in 1..=3 {
            update(&mut room, A, n);
        }
        room.committed(Ok(0));
        room.committed(Ok(0));
        let refused = |out: Vec<Effect>, code| {
            assert_eq!(sent(&out), vec![(A, error(code, Some([0xcc; 16])))]);
        };
        refused(room.snapshot(A, snap(3)), ErrorCode::InvalidSnapshot);
        refused(room.snapshot(A, snap(0)), ErrorCode::StaleSnapshot);
        assert_eq!(
            stored(&mut room, A, snap(2)),
            vec![Effect::Snapshot(snap(2))],
            "up to the committed head"
        );
        refused(room.snapshot(A, snap(2)), ErrorCode::StaleSnapshot);
        refused(room.snapshot(A, snap(1)), ErrorCode::StaleSnapshot);
    }

    #[test]
    fn a_stored_snapshot_drops_its_log_and_ids_and_restarts_the_hint_count() {
        let mut s = settings();
        s.compaction = Compaction {
            updates: 3,
            bytes: 1 << 30,
        };
        let mut room = room_with(s, &[A, B]);
        let hint = |out: &[Effect]| {
            sent(out)
                .iter()
                .filter(|(_, m)| matches!(m, ServerMsg::CompactHint { .. }))
                .count()
        };
        for n in 1..=3 {
            update(&mut room, A, n);
        }
        assert_eq!(hint(&room.committed(Ok(0))), 0);
        assert_eq!(hint(&room.committed(Ok(0))), 0);
        let out = room.committed(Ok(0));
        assert_eq!(hint(&out), 2, "everyone is asked, the author too");
        assert!(sent(&out).contains(&(B, ServerMsg::CompactHint { head_seq: 3 })));

        assert!(sent(&stored(&mut room, B, snap(2))).is_empty());
        let out = room.committed(Ok(0));
        assert_eq!(
            sent(&out),
            vec![(B, ServerMsg::SnapshotStored { covers_upto: 2 })]
        );
        // The id above the snapshot is still in the log; a covered one is
        // acknowledged as covered by the snapshot, and not stored again.
        assert_eq!(sent(&update(&mut room, A, 3)), vec![(A, ack(3, 3))]);
        let replay = update(&mut room, A, 1);
        assert_eq!(appended(&replay), Vec::<u64>::new());
        assert_eq!(sent(&replay), vec![(A, ack(1, 2))]);
        // Log after the snapshot: seq 3; two more updates make three.
        update(&mut room, A, 4);
        assert_eq!(hint(&room.committed(Ok(0))), 0);
        update(&mut room, A, 5);
        assert_eq!(hint(&room.committed(Ok(0))), 2);
    }

    #[test]
    fn hints_come_every_n_updates_or_every_n_bytes() {
        let mut s = settings();
        s.compaction = Compaction {
            updates: 3,
            bytes: 1 << 30,
        };
        let mut room = room_with(s, &[A]);
        let mut hinted = Vec::new();
        for n in 1..=7 {
            update(&mut room, A, n);
            if sent(&room.committed(Ok(0)))
                .iter()
                .any(|(_, m)| matches!(m, ServerMsg::CompactHint { .. }))
            {
                hinted.push(n);
            }
        }
        assert_eq!(hinted, vec![3, 6]);

        let mut s = settings();
        s.compaction = Compaction {
            updates: 1000,
            bytes: 25,
        };
        let mut room = room_with(s, &[A]);
        let mut hinted = Vec::new();
        for n in 1..=6 {
            update(&mut room, A, n); // 10 bytes each
            if sent(&room.committed(Ok(0)))
                .iter()
                .any(|(_, m)| matches!(m, ServerMsg::CompactHint { .. }))
            {
                hinted.push(n);
            }
        }
        assert_eq!(hinted, vec![3, 6], "at 30 bytes, then 25 more");
    }

    #[test]
    fn a_failed_snapshot_releases_its_claim() {
        let mut room = room(&[A, B]);
        update(&mut room, A, 1);
        update(&mut room, A, 2);
        room.committed(Ok(0));
        room.committed(Ok(0));
        stored(&mut room, A, snap(1));
        let out = room.committed(Err(StoreError::Closed));
        assert_eq!(
            sent(&out),
            vec![(A, error(ErrorCode::StorageFailed, Some([0xcc; 16])))]
        );
        assert_eq!(
            stored(&mut room, A, snap(1)),
            vec![Effect::Snapshot(snap(1))],
            "the same cover may be tried again"
        );
        let out = room.committed(Err(StoreError::StaleSnapshot));
        assert_eq!(
            sent(&out),
            vec![(A, error(ErrorCode::StaleSnapshot, Some([0xcc; 16])))],
            "the store's own refusal"
        );
        assert_eq!(
            stored(&mut room, A, snap(2)),
            vec![Effect::Snapshot(snap(2))]
        );
        room.committed(Ok(0));
        assert!(matches!(
            &room.snapshot(A, snap(2))[..],
            [Effect::Rejected(ErrorCode::StaleSnapshot), _]
        ));
    }

    /// A room with three committed updates, `peers` live.
    fn room_with_log(peers: &[PeerId]) -> RoomState {
        let mut room = room(peers);
        for n in 1..=3 {
            update(&mut room, A, n);
            room.committed(Ok(0));
        }
        room
    }

    fn checks_sent(out: &[Effect]) -> Vec<PeerId> {
        sent(out)
            .into_iter()
            .filter(|(_, m)| matches!(m, ServerMsg::CheckSnapshot { .. }))
            .map(|(to, _)| to)
            .collect()
    }

    #[test]
    fn a_proposed_snapshot_replaces_nothing_until_another_peer_confirms_it() {
        let mut room = room_with_log(&[A, B]);
        let out = room.snapshot(A, snap(3));
        assert!(out.contains(&Effect::Proposal(ProposalEvent::Proposed)));
        assert!(
            !out.iter().any(|e| matches!(e, Effect::Snapshot(_))),
            "nothing is stored on the uploader's word"
        );
        assert_eq!(checks_sent(&out), vec![B], "the other peer is asked");
        assert_eq!(
            sent(&room.verdict(A, snap(3).msg_id, Verdict::Matches)),
            vec![],
            "the uploader cannot confirm its own"
        );
        assert_eq!(
            room.verdict(B, snap(3).msg_id, Verdict::Matches),
            vec![Effect::Snapshot(snap(3))]
        );
    }

    #[test]
    fn a_snapshot_alone_in_its_room_waits_for_the_next_peer_that_catches_up() {
        let mut room = room_with_log(&[A]);
        let out = room.snapshot(A, snap(3));
        assert!(checks_sent(&out).is_empty());
        room.admit(B, None);
        let out = room.caught_up(B);
        assert_eq!(checks_sent(&out), vec![B]);
    }

    #[test]
    fn a_snapshot_a_checker_finds_different_is_dropped_and_its_uploader_told() {
        let mut room = room_with_log(&[A, B]);
        room.snapshot(A, snap(3));
        let out = room.verdict(B, snap(3).msg_id, Verdict::Differs);
        assert!(out.contains(&Effect::Proposal(ProposalEvent::Refused)));
        assert!(!out.iter().any(|e| matches!(e, Effect::Snapshot(_))));
        assert_eq!(
            sent(&out),
            vec![(A, error(ErrorCode::SnapshotRefused, Some(snap(3).msg_id)))]
        );
        // Gone: a late "matches" stores nothing.
        assert_eq!(
            room.verdict(B, snap(3).msg_id, Verdict::Matches),
            vec![Effect::Proposal(ProposalEvent::Stray)]
        );
    }

    /// The ciphertexts the checks sent share, with their recipient.
    fn asked(out: &[Effect]) -> Vec<(PeerId, Bytes)> {
        out.iter()
            .filter_map(|e| match e {
                Effect::Ask { to, ciphertext, .. } => Some((*to, ciphertext.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_checker_that_cannot_tell_or_leaves_passes_the_snapshot_to_another() {
        let mut room = room_with_log(&[A, B, C]);
        let to_b = asked(&room.snapshot(A, snap(3)));
        assert_eq!(to_b.len(), 1);
        assert_eq!(to_b[0].0, B);
        assert_eq!(to_b[0].1[..], [1, 2, 3]);
        assert!(
            checks_sent(&room.verdict(B, snap(3).msg_id, Verdict::CannotTell)).is_empty(),
            "B's check is still being sent"
        );
        assert!(room.check_sent(C).is_empty(), "C has no check");
        let to_c = asked(&room.check_sent(B));
        assert_eq!(to_c.len(), 1);
        assert_eq!(to_c[0].0, C);
        assert_eq!(
            to_c[0].1.as_ptr(),
            to_b[0].1.as_ptr(),
            "each checker is sent the proposal's own bytes, not a copy"
        );
        let out = room.leave(C);
        assert!(checks_sent(&out).is_empty(), "C's check is still going");
        assert!(
            checks_sent(&room.check_sent(C)).is_empty(),
            "B was tried already"
        );
        room.admit(4, None);
        assert_eq!(checks_sent(&room.caught_up(4)), vec![4]);
        assert_eq!(
            room.verdict(4, snap(3).msg_id, Verdict::Matches),
            vec![Effect::Snapshot(snap(3))]
        );
    }

    #[test]
    fn one_check_is_sent_at_a_time_and_a_newer_proposal_waits_for_the_last_ones_chunks() {
        let mut room = room_with_log(&[A, B, C]);
        assert_eq!(checks_sent(&room.snapshot(A, snap(3))), vec![B]);
        update(&mut room, A, 4);
        room.committed(Ok(0));
        let newer = StoredSnapshot {
            covers_upto: 4,
            msg_id: [0xdd; 16],
            ciphertext: vec![4; 5],
            signature: [9; 64],
        };
        let out = room.snapshot(A, newer.clone());
        assert!(out.contains(&Effect::Proposal(ProposalEvent::Proposed)));
        assert_eq!(
            checks_sent(&out),
            Vec::<PeerId>::new(),
            "B still gets the older one"
        );
        assert_eq!(
            room.verdict(B, snap(3).msg_id, Verdict::Matches),
            vec![Effect::Proposal(ProposalEvent::Stray)],
            "replaced"
        );
        let out = room.check_sent(B);
        assert_eq!(
            sent(&out),
            vec![(B, ServerMsg::CheckSnapshot { head: newer.head() })]
        );
        assert_eq!(asked(&out)[0].1[..], [4; 5]);
        assert!(room.check_sent(B).is_empty(), "said once");
        assert_eq!(
            room.verdict(B, newer.msg_id, Verdict::Matches),
            vec![Effect::Snapshot(newer)]
        );
    }

    #[test]
    fn presence_goes_to_the_others_that_are_live_and_skips_those_catching_up() {
        let mut room = room(&[A, B]);
        room.admit(C, None);
        let out = room.awareness(A, 3, vec![5; 8], Some([6; 64]));
        assert_eq!(out.len(), 2);
        assert_eq!(
            sent(&out),
            vec![(
                B,
                ServerMsg::Awareness {
                    peer: A,
                    counter: 3,
                    ciphertext: vec![5; 8],
                    signature: Some([6; 64]),
                }
            )]
        );
        assert!(out.contains(&Effect::PresenceDropped));
        assert!(matches!(out[0], Effect::Presence { to: B, .. }));
    }

    #[test]
    fn while_stopping_writes_are_refused_and_those_in_flight_still_land() {
        let mut room = room(&[A]);
        update(&mut room, A, 1);
        room.stop();
        assert_eq!(
            sent(&update(&mut room, A, 2)),
            vec![(A, error(ErrorCode::ShuttingDown, Some(id(2))))]
        );
        assert_eq!(
            sent(&room.snapshot(A, snap(1))),
            vec![(A, error(ErrorCode::ShuttingDown, Some([0xcc; 16])))]
        );
        assert!(room.busy());
        assert_eq!(sent(&room.committed(Ok(0))), vec![(A, ack(1, 1))]);
        assert!(!room.busy());
    }

    #[test]
    fn frames_for_a_peer_catching_up_are_held_acks_too() {
        let mut room = room(&[A]);
        room.admit(B, None);
        update(&mut room, A, 1);
        // B's resend of A's update, before the commit: a late ack, held.
        update(&mut room, B, 1);
        let out = room.committed(Ok(0));
        assert_eq!(sent(&out), vec![(A, ack(1, 1))]);
        let released = sent(&room.caught_up(B));
        assert_eq!(released.len(), 2);
        assert_eq!(seq_of(&released[0].1), Some(1));
        assert_eq!(released[1], (B, ack(1, 1)));
    }

    fn shared(peers: &[PeerId]) -> RoomState {
        room_with(
            Settings {
                shared: true,
                ..settings()
            },
            peers,
        )
    }

    /// What the shared store's feed brings back: update `n` under `seq`.
    fn fed(room: &mut RoomState, n: u8, seq: u64) -> Vec<Effect> {
        room.fed(StoredUpdate {
            seq,
            msg_id: id(n),
            ciphertext: vec![n; 10],
            signature: [n; 64],
        })
    }

    #[test]
    fn a_shared_room_forwards_and_acknowledges_an_update_its_commit_did_not_number_when_the_feed_brings_it(
    ) {
        let mut room = shared(&[A, B]);
        let out = update(&mut room, A, 1);
        assert_eq!(appended(&out), vec![0], "the store numbers it");
        assert!(sent(&out).is_empty(), "nothing before the store has it");
        assert!(
            room.committed(Ok(0)).is_empty(),
            "the commit alone says nothing"
        );
        let out = fed(&mut room, 1, 7000);
        let got = sent(&out);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.contains(&(A, ack(1, 7000))));
        assert!(got
            .iter()
            .any(|(to, m)| *to == B && seq_of(m) == Some(7000)));
        assert_eq!(room.head(), 7000);
        // Another relay's update goes to everyone here, the feed's order.
        let got = sent(&fed(&mut room, 2, 7003));
        assert_eq!(
            got.iter()
                .map(|(to, m)| (*to, seq_of(m)))
                .collect::<Vec<_>>(),
            vec![(A, Some(7003)), (B, Some(7003))]
        );
        // What the room already has is skipped.
        assert!(fed(&mut room, 2, 7003).is_empty());
        assert!(fed(&mut room, 9, 6999).is_empty());
    }

    #[test]
    fn a_shared_room_acknowledges_at_the_commit_an_update_stored_under_the_next_number() {
        let mut room = shared(&[A, B]);
        fed(&mut room, 9, 1);
        update(&mut room, A, 1);
        // Stored as 2, right after what the room has: acknowledged and
        // forwarded without waiting for the feed.
        let got = sent(&room.committed(Ok(2)));
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.contains(&(A, ack(1, 2))));
        assert!(got.iter().any(|(to, m)| *to == B && seq_of(m) == Some(2)));
        assert_eq!(room.head(), 2);
        assert!(fed(&mut room, 1, 2).is_empty(), "the feed's copy is had");
        // Stored as 4 while another relay's 3 is still to come: in the
        // feed's order, never ahead of it.
        update(&mut room, A, 2);
        assert!(room.committed(Ok(4)).is_empty());
        let got = sent(&fed(&mut room, 8, 3));
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.iter().all(|(_, m)| seq_of(m) == Some(3)));
        let got = sent(&fed(&mut room, 2, 4));
        assert!(got.contains(&(A, ack(2, 4))));
        assert!(got.iter().any(|(to, m)| *to == B && seq_of(m) == Some(4)));
        assert_eq!(got.len(), 2, "{got:?}");
        // A resend the store already held (no number): the feed tells.
        update(&mut room, A, 3);
        assert!(room.committed(Ok(0)).is_empty());
        assert!(sent(&fed(&mut room, 3, 5)).contains(&(A, ack(3, 5))));
    }

    #[test]
    fn a_shared_room_acknowledges_resends_with_the_feed_and_refuses_what_was_not_stored() {
        let mut room = shared(&[A, B, C]);
        update(&mut room, A, 1);
        // A resend before the feed brought it, from A and from C (the
        // same client on a new connection): stored once, both acked.
        assert!(appended(&update(&mut room, A, 1)).is_empty());
        assert!(appended(&update(&mut room, C, 1)).is_empty());
        let got = sent(&fed(&mut room, 1, 5));
        assert!(got.contains(&(A, ack(1, 5))) && got.contains(&(C, ack(1, 5))));
        assert!(got.iter().any(|(to, m)| *to == B && seq_of(m) == Some(5)));
        assert_eq!(got.len(), 3, "{got:?}");
        room.committed(Ok(0));
        // A resend after: acked at once.
        assert_eq!(sent(&update(&mut room, B, 1)), vec![(B, ack(1, 5))]);
        // A failed write is refused to its author, and a resend is stored.
        update(&mut room, A, 2);
        let out = room.committed(Err(StoreError::Closed));
        assert_eq!(
            sent(&out),
            vec![(A, error(ErrorCode::StorageFailed, Some(id(2))))]
        );
        assert_eq!(appended(&update(&mut room, A, 2)), vec![0]);
        // A failed write the feed brought first was stored after all.
        room.fed(StoredUpdate {
            seq: 9,
            msg_id: id(2),
            ciphertext: vec![2; 10],
            signature: [2; 64],
        });
        assert!(sent(&room.committed(Err(StoreError::Closed))).is_empty());
    }

    #[test]
    fn a_shared_room_holds_nothing_in_flight_for_a_newcomer_and_catches_it_up_to_the_feed() {
        let mut room = shared(&[A]);
        update(&mut room, A, 1);
        fed(&mut room, 1, 4);
        update(&mut room, A, 2);
        let out = room.admit(B, None);
        assert_eq!(
            out,
            vec![Effect::CatchUp {
                peer: B,
                since: None,
                upto: 4
            }]
        );
        // What the feed brings while B catches up is held for it.
        assert!(!sent(&fed(&mut room, 2, 6)).iter().any(|(to, _)| *to == B));
        let released = sent(&room.caught_up(B));
        assert_eq!(released.len(), 1);
        assert_eq!(seq_of(&released[0].1), Some(6));
    }

    #[test]
    fn a_shared_room_loads_without_a_gap_and_sends_presence_and_departures_across() {
        let keys = keys();
        let mut room = RoomState::new(
            keys.room(),
            Settings {
                shared: true,
                ..settings()
            },
        );
        room.load(Some(RoomRecord {
            write_pk: keys.writer().to_bytes(),
            read_check: Some(keys.read_capability().check()),
            head_seq: 40,
            ..RoomRecord::default()
        }))
        .expect("loads");
        assert_eq!(room.head(), 40, "no gap: the store never reuses a number");
        room.admit(A, None);
        room.caught_up(A);
        room.admit(B, None);
        room.caught_up(B);
        let out = room.awareness(A, 1, vec![5], None);
        assert!(out.iter().any(|e| matches!(e, Effect::Cross(_))), "{out:?}");
        let out = room.leave(A);
        let crossed: Vec<ServerMsg> = out
            .iter()
            .filter_map(|e| match e {
                Effect::Cross(frame) => decode_server(frame).ok(),
                _ => None,
            })
            .collect();
        assert_eq!(crossed, vec![ServerMsg::PeerLeft { peer: A }]);
        // Another relay's presence reaches every live peer here.
        let frame = encode(&ServerMsg::PeerLeft { peer: 99 });
        assert_eq!(
            sent(&room.crossed(frame)),
            vec![(B, ServerMsg::PeerLeft { peer: 99 })]
        );
    }

    #[test]
    fn a_shared_room_sealed_through_another_relay_refuses_writes_and_tells_each_peer_once() {
        let mut room = shared(&[A]);
        room.admit(B, None);
        let out = room.sealed_elsewhere(b"box".to_vec(), [7; 64]);
        assert_eq!(
            sent(&out),
            vec![(A, sealed_frame(b"box"))],
            "B is catching up"
        );
        assert!(room.is_sealed());
        let released = sent(&room.caught_up(B));
        assert_eq!(
            released,
            vec![(B, sealed_frame(b"box"))],
            "after its history"
        );
        assert!(
            room.sealed_elsewhere(b"box".to_vec(), [7; 64]).is_empty(),
            "the watch's repeat changes nothing"
        );
        assert_eq!(
            sent(&update(&mut room, A, 1)),
            vec![(A, error(ErrorCode::RoomSealed, Some(id(1))))]
        );
    }

    #[test]
    fn a_shared_room_counts_its_log_from_a_snapshot_another_relay_stored() {
        let mut room = shared(&[A, B]);
        for n in 1..=4 {
            update(&mut room, A, n);
            room.committed(Ok(0));
            fed(&mut room, n, u64::from(n));
        }
        // B's proposal covering 2 waits for a checker; the other relay
        // stores one covering 3.
        room.snapshot(B, snap(2));
        let out = room.compacted_elsewhere(3, 30);
        assert_eq!(
            sent(&out),
            vec![(B, error(ErrorCode::StaleSnapshot, Some([0xcc; 16])))]
        );
        assert_eq!(
            room.stored_bytes(),
            30 + ROW_BYTES + 10 + ROW_BYTES,
            "the snapshot and the one update after it"
        );
        // A resend of an update it covers is acknowledged as covered by it.
        room.admit(C, None);
        room.caught_up(C);
        assert_eq!(sent(&update(&mut room, C, 2)), vec![(C, ack(2, 3))]);
        // Older or repeated news changes nothing; a snapshot must now
        // reach past 3.
        assert!(room.compacted_elsewhere(3, 30).is_empty());
        assert!(room.compacted_elsewhere(2, 30).is_empty());
        assert_eq!(
            sent(&room.snapshot(A, snap(3))),
            vec![(A, error(ErrorCode::StaleSnapshot, Some([0xcc; 16])))]
        );
    }

    #[test]
    fn a_shared_room_counts_what_its_feed_brings_for_the_quota_and_the_hints() {
        let mut room = room_with(
            Settings {
                shared: true,
                compaction: Compaction {
                    updates: 1000,
                    bytes: 15,
                },
                ..settings()
            },
            &[A],
        );
        assert!(!sent(&fed(&mut room, 1, 1))
            .iter()
            .any(|(_, m)| matches!(m, ServerMsg::CompactHint { .. })));
        assert_eq!(room.stored_bytes(), 10 + ROW_BYTES);
        // 20 bytes of log: past the 15 that ask for a snapshot.
        let hinted = sent(&fed(&mut room, 2, 2));
        assert!(
            hinted.contains(&(A, ServerMsg::CompactHint { head_seq: 2 })),
            "{hinted:?}"
        );
        assert_eq!(room.stored_bytes(), 2 * (10 + ROW_BYTES));
        // A snapshot from another relay that the feed has not caught up
        // with: the update it covers, when it comes, is not counted.
        room.compacted_elsewhere(3, 30);
        fed(&mut room, 3, 3);
        assert_eq!(room.stored_bytes(), 30 + ROW_BYTES);
        fed(&mut room, 4, 4);
        assert_eq!(room.stored_bytes(), 30 + ROW_BYTES + 10 + ROW_BYTES);
    }
}

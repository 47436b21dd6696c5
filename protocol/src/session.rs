//! The client side of a relay connection, without I/O: a state machine the
//! app (and native tools) drive with frames and local updates, and which
//! says what to send and what to apply. No socket, no timer, no storage
//! here: the caller owns those, so this logic is tested natively.
//!
//! What it owns:
//! - the keys, and so sealing what goes out and opening (verify, decrypt)
//!   what comes in; the read capability and, for an editor, the creation
//!   proof (with the relay's creation token, if the caller has one) that
//!   `Hello` carries;
//! - `applied`: the last sequence number whose update the caller has been
//!   given; with the document state, it is what the caller persists, and it
//!   is the `since_seq` of the next `Hello`;
//! - the pending queue: local updates not yet acknowledged, oldest first,
//!   each with the message id it keeps across resends (the relay drops
//!   duplicates by id and acknowledges them again). The caller persists it
//!   too ([`Session::pending`]): an edit made offline survives a reload;
//! - presence: each presence frame of a connection gets the next counter
//!   and is sealed under the connection's peer id ([`crate::envelope`]); a
//!   peer's presence whose counter does not grow is dropped as a replay.
//!
//! Flow control: at most `window` updates are in flight; each `Ack` frees a
//! place, and [`Session::outgoing`] hands out the next frames. An update the
//! relay refused for a passing reason (rate, storage, shutdown) goes back to
//! the queue and is resent by a later `outgoing`; one it refused for good
//! (too large, bad signature) is reported and dropped from the queue (the
//! text is still in the caller's document, so nothing typed is lost).
//!
//! # What the relay's frames must satisfy
//!
//! The relay cannot read or forge updates, but it could reorder, replay,
//! withhold or pretend. The session checks what an honest relay guarantees
//! and reports each violation as [`Incoming::Suspicious`], for the caller to
//! tell the person in words. Verified content is always handed over (it is
//! an editor's, signed); what a violation changes is `applied`, which only
//! moves as far as the relay's own frames justify:
//!
//! - **Catch-up.** After `Welcome { head_seq, pending }`, the stored
//!   updates come in strictly increasing order, above the client's
//!   `since_seq` (or the snapshot's `covers_upto`), and none beyond
//!   `head_seq`; `CaughtUp` repeats `head_seq` after exactly `pending`
//!   updates. A snapshot is sent only to a client behind it, and covers no
//!   more than `head_seq`.
//! - **Live.** Updates keep increasing past everything seen on the
//!   connection. The relay forwards an update before its commit and
//!   acknowledges one after its commit, so an `Ack` may come after updates
//!   numbered above it, but every number a connection does not see must be
//!   one of its own updates: acknowledged, in flight, or refused after it
//!   was numbered (`StorageFailed`). More numbers skipped than that means
//!   the relay withheld updates ([`Suspicion::Withheld`]).
//! - **Acks.** An `Ack` must name one of our updates in flight; one for an
//!   unknown id is reported and changes nothing. An `Ack` numbered past
//!   what the frames explain is reported and does not move `applied`. An
//!   `Ack` at or below what was seen is a duplicate's (a resend of an
//!   update stored before, maybe before a compaction): it clears the
//!   update and leaves `applied` alone.
//!
//! What this cannot see is a relay that withholds a stored update during a
//! catch-up (stored numbers have gaps after a crash, so gaps there are
//! normal): the document notices an update that refers to edits never
//! received (Yrs' pending structs), and co-authors' presence carries their
//! heads so that diverging copies are noticed (`model::heads`;
//! ARCHITECTURE.md, "What a dishonest relay can do").
//!
//! Snapshots arrive in pieces (protocol version 2): `Welcome` carries the
//! snapshot's head, `SnapshotChunk` frames its ciphertext. The session puts
//! them together and reports one [`Incoming::Snapshot`] once the announced
//! length is in, so its callers never see the pieces. A head longer than
//! [`MAX_SNAPSHOT_BYTES`], a chunk nobody announced or past the length, and
//! an update before the snapshot is whole are refused as malformed.
//!
//! A co-author's snapshot to check comes the same way: `CheckSnapshot`
//! carries its head, `CheckChunk` frames its ciphertext, and the session
//! reports one [`Incoming::CheckSnapshot`] (or answers "cannot tell"
//! itself) once the announced length is in. Other frames may come between
//! a check's chunks (the connection is live, and a big snapshot takes a
//! while), so the check is assembled apart from the `Welcome`'s snapshot;
//! only one check at a time. A head longer than [`MAX_SNAPSHOT_BYTES`], a
//! `CheckChunk` with no check announced or past its length, and a second
//! `CheckSnapshot` before the first is whole are refused as malformed, and
//! drop the check being assembled; so does the connection closing
//! ([`Session::hello`], [`Session::disconnected`]). An unfinished check
//! gets no verdict: the relay asks another connection.

use std::collections::{BTreeSet, HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::envelope::{new_msg_id, Context, MsgId, OpenError, SealError, Signature};
use crate::keys::DocKeys;
use crate::wire::{
    decode_server, ClientMsg, ErrorCode, PeerId, ServerMsg, SnapshotHead, StoredUpdate, Verdict,
    WireError, MAX_SNAPSHOT_BYTES,
};

/// Updates in flight at once by default: enough to keep a fast typist's
/// keystrokes flowing on a slow link, few enough to stay under the relay's
/// default rate limit when a backlog is flushed.
pub const DEFAULT_WINDOW: usize = 32;

/// The most peers whose presence counters are remembered; past it, all are
/// forgotten (a relay can invent peer ids; an honest room has at most a
/// few hundred peers).
const MAX_HEARD: usize = 1024;

/// A local update waiting for the relay's acknowledgement, as persisted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingUpdate {
    pub msg_id: MsgId,
    /// The plaintext Yrs update (v1 encoding).
    pub update: Vec<u8>,
}

#[derive(Debug)]
struct Pending {
    item: PendingUpdate,
    in_flight: bool,
}

/// Where the connection stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// No connection.
    Offline,
    /// `Hello` sent; receiving the history. `total` is known once the
    /// `Welcome` has arrived.
    Joining { received: u64, total: Option<u64> },
    /// Caught up: live updates flow both ways.
    Live,
}

/// Something the relay sent that an honest relay never sends; see the
/// module docs. Each says what was seen, for the caller's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suspicion {
    /// An update numbered at or below `after`, a number already seen on
    /// this connection: replayed or reordered.
    OutOfOrder { seq: u64, after: u64 },
    /// During the catch-up, an update numbered past the `head` the
    /// `Welcome` announced.
    BeyondHead { seq: u64, head: u64 },
    /// An acknowledgement for none of our updates in flight.
    UnknownAck { msg_id: MsgId, seq: u64 },
    /// An acknowledgement numbered past `bound`, the furthest the frames
    /// received explain.
    AckTooFar { seq: u64, bound: u64 },
    /// `count` live sequence numbers between `from` and `to` were skipped,
    /// more than our own updates explain: the relay withheld updates.
    Withheld { from: u64, to: u64, count: u64 },
    /// `CaughtUp` disagrees with the `Welcome`: another head, or another
    /// number of updates than announced.
    CaughtUpMismatch {
        head: u64,
        announced_head: u64,
        received: u64,
        announced: u64,
    },
    /// The `Welcome`'s snapshot covers past its head, or was sent to a
    /// client that had applied as much.
    MisplacedSnapshot { covers_upto: u64, head: u64 },
    /// The relay holds less than this client applied: it lost updates (a
    /// backup restored, say). The client starts over from what it has.
    RelayBehind { head: u64, applied: u64 },
    /// A frame where an honest relay never sends one.
    Unexpected { frame: &'static str },
}

impl Suspicion {
    /// A short English sentence (the command line, logs); the app has its
    /// own words in each language.
    pub fn describe(&self) -> String {
        match self {
            Suspicion::OutOfOrder { seq, after } => format!(
                "the relay sent update {seq} after {after}: updates were replayed or reordered"
            ),
            Suspicion::BeyondHead { seq, head } => format!(
                "the relay sent update {seq} in a history it said ends at {head}"
            ),
            Suspicion::UnknownAck { seq, .. } => format!(
                "the relay acknowledged, as {seq}, an update this client did not send"
            ),
            Suspicion::AckTooFar { seq, bound } => format!(
                "the relay acknowledged an update as {seq}, past the {bound} its messages explain"
            ),
            Suspicion::Withheld { from, to, count } => format!(
                "the relay skipped {count} updates between {from} and {to}: it may be withholding changes"
            ),
            Suspicion::CaughtUpMismatch {
                head,
                announced_head,
                received,
                announced,
            } => format!(
                "the relay's history ended at {head} with {received} updates, after announcing {announced_head} and {announced}"
            ),
            Suspicion::MisplacedSnapshot { covers_upto, head } => format!(
                "the relay sent a snapshot covering {covers_upto} that this client did not need (head {head})"
            ),
            Suspicion::RelayBehind { head, applied } => format!(
                "the relay holds updates up to {head} only, but this copy applied up to {applied}: the relay lost changes"
            ),
            Suspicion::Unexpected { frame } => {
                format!("the relay sent {frame} where it never should")
            }
        }
    }
}

/// What the caller must do with an incoming frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Incoming {
    /// Our connection's peer id in the room.
    Joined {
        peer: PeerId,
        head_seq: u64,
    },
    /// Load this full document state (the relay's snapshot), then apply
    /// what follows.
    Snapshot {
        state: Vec<u8>,
        covers_upto: u64,
    },
    /// Apply this update (a co-author's, or one of ours from an earlier
    /// session), in the order given.
    Update {
        seq: u64,
        update: Vec<u8>,
    },
    /// History received so far, for a progress bar.
    Progress {
        received: u64,
        total: u64,
    },
    /// The history is complete; call [`Session::outgoing`] to send the
    /// pending queue.
    CaughtUp {
        head_seq: u64,
    },
    /// One of our updates is stored.
    Acked {
        msg_id: MsgId,
        seq: u64,
    },
    /// A co-author's presence (cursor, name): plaintext as they sent it.
    /// `signed`: by an editor; an unsigned peer is a reader, whatever the
    /// payload says.
    Awareness {
        peer: PeerId,
        state: Vec<u8>,
        signed: bool,
    },
    /// A presence frame that did not open (another connection's replayed,
    /// altered, or another document's): ignore it, with a warning. Never
    /// the "altered on the server" alarm, which is for updates and
    /// snapshots.
    BadAwareness {
        peer: PeerId,
        error: OpenError,
    },
    PeerLeft {
        peer: PeerId,
    },
    /// The relay asks for a snapshot; see [`Session::snapshot`].
    CompactHint {
        head_seq: u64,
    },
    SnapshotStored {
        covers_upto: u64,
    },
    /// The relay asks this client to check a co-author's proposed
    /// snapshot against what it applied, and to answer with
    /// [`Session::verdict`]. Only asked when this client applied as far as
    /// `covers_upto`; otherwise the session answers "cannot tell" itself.
    CheckSnapshot {
        msg_id: MsgId,
        covers_upto: u64,
        state: Vec<u8>,
    },
    /// The room is sealed (issue 15): its document moved to new rooms
    /// after a member was removed. `member_box` (signature checked against
    /// the room's write key) holds the new link for each remaining member
    /// ([`crate::memberbox::open_for`] with one's identity key). The room
    /// takes no more updates; what was read stays readable.
    Sealed {
        member_box: Vec<u8>,
    },
    /// The relay refused something. `dropped` is true when a pending update
    /// was taken off the queue for good (its content stays in the document).
    Refused {
        code: ErrorCode,
        msg_id: Option<MsgId>,
        dropped: bool,
    },
    /// A stored message failed verification or decryption: the relay (or
    /// someone who can write to its disk) altered it. It was not applied.
    /// `seq` is `None` for a snapshot.
    Invalid {
        seq: Option<u64>,
        error: OpenError,
    },
    /// The relay sent something an honest relay never sends.
    Suspicious {
        what: Suspicion,
    },
}

/// A frame that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("the relay sent a message this version does not understand: {0}")]
    Wire(#[from] WireError),
}

/// What one connection has seen, for the ordering checks; reset by
/// [`Session::hello`].
#[derive(Debug, Default)]
struct Link {
    peer: Option<PeerId>,
    /// `Welcome`'s head and announced count.
    head: Option<u64>,
    announced: u64,
    received: u64,
    /// Every sequence number up to this one is accounted for: an update
    /// seen, an ack, the head of the history. Updates must come above it.
    floor: u64,
    /// Live numbers skipped, waiting for our acks to explain them.
    holes: BTreeSet<u64>,
    /// Our updates refused after the relay may have numbered them
    /// (`StorageFailed`): each explains one hole for good.
    failed: u64,
    /// Our presence counter on this connection.
    counter: u64,
    /// The last presence counter heard from each peer.
    heard: HashMap<PeerId, u64>,
}

/// A snapshot whose chunks are arriving; `misplaced` when the relay had
/// no reason to send it (see [`Suspicion::MisplacedSnapshot`]).
#[derive(Debug)]
struct Assembly {
    head: SnapshotHead,
    ciphertext: Vec<u8>,
    misplaced: bool,
}

fn malformed(what: String) -> SessionError {
    SessionError::Wire(WireError::Malformed(what))
}

impl Assembly {
    /// Ready for the chunks of `head`, unless it is longer than a client
    /// holds. `what` names the snapshot in errors.
    fn start(head: SnapshotHead, misplaced: bool, what: &str) -> Result<Self, SessionError> {
        if head.len > MAX_SNAPSHOT_BYTES {
            return Err(malformed(format!(
                "a {what} of {} bytes is larger than this client accepts",
                head.len
            )));
        }
        Ok(Self {
            ciphertext: Vec::with_capacity(head.len.min(1 << 20) as usize),
            head,
            misplaced,
        })
    }

    fn whole(&self) -> bool {
        self.ciphertext.len() as u64 == self.head.len
    }
}

/// Add `bytes` to the snapshot `slot` is assembling; the assembly, taken
/// out of `slot`, once it is whole. A chunk with nothing announced, or
/// past the announced length, is malformed, and empties `slot`.
fn add_chunk(
    slot: &mut Option<Assembly>,
    bytes: &[u8],
    what: &str,
) -> Result<Option<Assembly>, SessionError> {
    let Some(assembly) = slot else {
        return Err(malformed(format!("a {what} chunk without a {what}")));
    };
    if assembly.ciphertext.len() as u64 + bytes.len() as u64 > assembly.head.len {
        *slot = None;
        return Err(malformed(format!("a {what} longer than announced")));
    }
    assembly.ciphertext.extend_from_slice(bytes);
    Ok(if assembly.whole() { slot.take() } else { None })
}

/// One document's connection state; see the module docs.
#[derive(Debug)]
pub struct Session {
    keys: DocKeys,
    applied: u64,
    /// The snapshot being received, between `Welcome` and its last chunk.
    assembly: Option<Assembly>,
    /// The snapshot to check being received, between `CheckSnapshot` and
    /// its last `CheckChunk`.
    check: Option<Assembly>,
    pending: VecDeque<Pending>,
    phase: Phase,
    window: usize,
    /// Check every stored message's signature (always, except in a load
    /// generator: [`Session::without_signature_checks`]).
    verify: bool,
    /// The relay's creation token, sent with the creation proof.
    token: Option<String>,
    link: Link,
    /// Frames decided here (verdicts), sent first by [`Session::outgoing`].
    replies: Vec<Vec<u8>>,
    /// The room's seal, once the relay showed one signed by the room's
    /// write key: its member box.
    sealed: Option<Vec<u8>>,
    /// The relay answered `RoomSealed`: send no more updates (they stay
    /// queued), even before the seal itself is shown.
    refused_sealed: bool,
}

impl Session {
    /// A session that has applied everything up to `applied` and still has
    /// `pending` to deliver (both as persisted by an earlier session).
    pub fn new(keys: DocKeys, applied: u64, pending: Vec<PendingUpdate>) -> Self {
        Self {
            keys,
            applied,
            assembly: None,
            check: None,
            pending: pending
                .into_iter()
                .map(|item| Pending {
                    item,
                    in_flight: false,
                })
                .collect(),
            phase: Phase::Offline,
            window: DEFAULT_WINDOW,
            verify: true,
            token: None,
            link: Link::default(),
            replies: Vec::new(),
            sealed: None,
            refused_sealed: false,
        }
    }

    /// Send `token` in every `Hello` from now on (see
    /// [`ClientMsg::Hello`]); `None` stops sending one.
    pub fn set_creation_token(&mut self, token: Option<String>) {
        self.token = token;
    }

    pub fn with_window(mut self, window: usize) -> Self {
        self.window = window.max(1);
        self
    }

    /// Send this creation token with the creation proof (a relay started
    /// with `--creation-token` creates rooms only for its holders).
    pub fn with_token(mut self, token: Option<String>) -> Self {
        self.token = token;
        self
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Decrypt what arrives, updates and presence, without checking the
    /// editors' signatures ([`DocKeys::decrypt`]). Only for a load generator that simulates
    /// hundreds of readers on one core and trusts the relay's own check
    /// (the bench, BENCHMARKS.md): a person's client never calls this, since
    /// the signature is what tells an editor's update from one forged by a
    /// viewer or by the relay.
    pub fn without_signature_checks(mut self) -> Self {
        self.verify = false;
        self
    }

    /// Verify (unless told not to), then decrypt.
    fn open(
        &self,
        context: &Context,
        ciphertext: &[u8],
        signature: &Signature,
    ) -> Result<Vec<u8>, OpenError> {
        if self.verify {
            self.keys.open(context, ciphertext, Some(signature))
        } else {
            self.keys.decrypt(context, ciphertext)
        }
    }

    pub fn keys(&self) -> &DocKeys {
        &self.keys
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Our connection's peer id, once the relay welcomed us.
    pub fn peer(&self) -> Option<PeerId> {
        self.link.peer
    }

    /// The last sequence number applied: persist it with the document.
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// The updates not yet acknowledged, oldest first: persist them.
    pub fn pending(&self) -> Vec<PendingUpdate> {
        self.pending.iter().map(|p| p.item.clone()).collect()
    }

    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    fn in_flight(&self) -> u64 {
        self.pending.iter().filter(|p| p.in_flight).count() as u64
    }

    /// The connection opened: the frame to send first. A session that has
    /// applied nothing asks for the snapshot. An editor proves it may
    /// create the room (with the creation token, if any).
    pub fn hello(&mut self) -> Vec<u8> {
        self.phase = Phase::Joining {
            received: 0,
            total: None,
        };
        self.assembly = None;
        self.check = None;
        for p in &mut self.pending {
            p.in_flight = false;
        }
        self.replies.clear();
        self.link = Link {
            floor: self.applied,
            ..Link::default()
        };
        ClientMsg::Hello {
            room: self.keys.room(),
            since_seq: (self.applied > 0).then_some(self.applied),
            cap: self.keys.read_capability().0,
            create: self.keys.create_proof(self.token.clone()),
        }
        .encode()
    }

    /// The connection closed: everything in flight will be resent.
    pub fn disconnected(&mut self) {
        self.phase = Phase::Offline;
        self.assembly = None;
        self.check = None;
        for p in &mut self.pending {
            p.in_flight = false;
        }
        self.replies.clear();
        self.link = Link::default();
    }

    /// Queue a local update (already applied to the caller's document).
    /// Fails for a read-only session.
    pub fn local(&mut self, update: Vec<u8>) -> Result<MsgId, SealError> {
        if !self.keys.can_write() {
            return Err(SealError::ReadOnly);
        }
        let msg_id = new_msg_id();
        self.pending.push_back(Pending {
            item: PendingUpdate { msg_id, update },
            in_flight: false,
        });
        Ok(msg_id)
    }

    /// Replace every queued update that is not in flight by one, made by
    /// `merge` (for Yrs: `merge_updates_v1`). After a day offline this turns
    /// thousands of keystrokes into one message.
    pub fn merge_unsent<E>(
        &mut self,
        merge: impl FnOnce(&[&[u8]]) -> Result<Vec<u8>, E>,
    ) -> Result<(), E> {
        let first_unsent = self
            .pending
            .iter()
            .position(|p| !p.in_flight)
            .unwrap_or(self.pending.len());
        if self.pending.len() - first_unsent < 2
            || self.pending.iter().skip(first_unsent).any(|p| p.in_flight)
        {
            return Ok(());
        }
        let parts: Vec<&[u8]> = self
            .pending
            .iter()
            .skip(first_unsent)
            .map(|p| p.item.update.as_slice())
            .collect();
        let merged = merge(&parts)?;
        self.pending.truncate(first_unsent);
        self.pending.push_back(Pending {
            item: PendingUpdate {
                msg_id: new_msg_id(),
                update: merged,
            },
            in_flight: false,
        });
        Ok(())
    }

    /// The member box of the room's seal, once the relay showed a seal
    /// signed by the room's write key: the room takes no more updates,
    /// and each remaining member finds its new link in the box
    /// ([`crate::memberbox`]).
    pub fn sealed(&self) -> Option<&[u8]> {
        self.sealed.as_deref()
    }

    /// The frame that seals this room with `member_box` (only an editor
    /// can sign it; the relay takes one seal per room).
    pub fn seal(&self, member_box: &[u8]) -> Result<Vec<u8>, SealError> {
        if member_box.len() > crate::limits::MAX_MEMBER_BOX_BYTES {
            return Err(SealError::TooLarge);
        }
        let signature = self.keys.sign_seal(member_box)?;
        Ok(ClientMsg::Seal {
            member_box: member_box.to_vec(),
            signature,
        }
        .encode())
    }

    /// The frames to send now, once live: verdicts decided here, then
    /// queued updates, up to the window (none once the room is sealed:
    /// the relay would refuse them; they stay in the queue, and their
    /// content in the caller's document).
    pub fn outgoing(&mut self) -> Result<Vec<Vec<u8>>, SealError> {
        if self.phase != Phase::Live {
            return Ok(Vec::new());
        }
        let mut frames = std::mem::take(&mut self.replies);
        if self.sealed.is_some() || self.refused_sealed {
            return Ok(frames);
        }
        let in_flight = self.in_flight() as usize;
        let room = self.keys.room();
        let free = self.window.saturating_sub(in_flight);
        for p in self.pending.iter_mut().filter(|p| !p.in_flight).take(free) {
            let context = Context::update(room, p.item.msg_id);
            let (ciphertext, signature) = self.keys.seal(&context, &p.item.update)?;
            let signature = signature.ok_or(SealError::ReadOnly)?;
            frames.push(
                ClientMsg::Update {
                    msg_id: p.item.msg_id,
                    ciphertext,
                    signature,
                }
                .encode(),
            );
            p.in_flight = true;
        }
        Ok(frames)
    }

    /// A snapshot frame of `state` (the whole document, as a Yrs update),
    /// covering everything applied so far. `None` for a read-only session or
    /// when there is nothing to cover. The caller decides whether its copy
    /// may be snapshotted at all (nothing set aside, nothing missing).
    pub fn snapshot(&self, state: &[u8]) -> Result<Option<Vec<u8>>, SealError> {
        if !self.keys.can_write() || self.applied == 0 {
            return Ok(None);
        }
        let msg_id = new_msg_id();
        let context = Context::snapshot(self.keys.room(), msg_id, self.applied);
        let (ciphertext, signature) = self.keys.seal(&context, state)?;
        let signature = signature.ok_or(SealError::ReadOnly)?;
        Ok(Some(
            ClientMsg::Snapshot {
                msg_id,
                covers_upto: self.applied,
                ciphertext,
                signature,
            }
            .encode(),
        ))
    }

    /// The answer to [`Incoming::CheckSnapshot`] for `msg_id`.
    pub fn verdict(&self, msg_id: MsgId, verdict: Verdict) -> Vec<u8> {
        ClientMsg::SnapshotVerdict { msg_id, verdict }.encode()
    }

    /// A presence frame, sealed under this connection's peer id and the
    /// next counter (signed by an editor); `None` before the relay welcomed
    /// us, since the peer id is not known yet.
    pub fn awareness(&mut self, state: &[u8]) -> Result<Option<Vec<u8>>, SealError> {
        let Some(peer) = self.link.peer else {
            return Ok(None);
        };
        self.link.counter += 1;
        let counter = self.link.counter;
        let context = Context::awareness(self.keys.room(), peer, counter);
        let (ciphertext, signature) = self.keys.seal(&context, state)?;
        Ok(Some(
            ClientMsg::Awareness {
                counter,
                ciphertext,
                signature,
            }
            .encode(),
        ))
    }

    /// A stored update, from the catch-up (`live: false`) or live.
    fn take_update(&mut self, u: StoredUpdate, live: bool, out: &mut Vec<Incoming>) {
        let mut orderly = true;
        if u.seq <= self.link.floor {
            out.push(Incoming::Suspicious {
                what: Suspicion::OutOfOrder {
                    seq: u.seq,
                    after: self.link.floor,
                },
            });
            orderly = false;
        } else if let (false, Some(head)) = (live, self.link.head) {
            if u.seq > head {
                out.push(Incoming::Suspicious {
                    what: Suspicion::BeyondHead { seq: u.seq, head },
                });
                orderly = false;
            }
        }
        let context = Context::update(self.keys.room(), u.msg_id);
        match self.open(&context, &u.ciphertext, &u.signature) {
            Ok(update) => out.push(Incoming::Update { seq: u.seq, update }),
            Err(error) => out.push(Incoming::Invalid {
                seq: Some(u.seq),
                error,
            }),
        }
        // Our own update from an earlier connection whose ack we missed:
        // stored, since the relay serves it. One in flight on this
        // connection waits for its ack instead.
        if let Some(i) = self
            .pending
            .iter()
            .position(|p| p.item.msg_id == u.msg_id && !p.in_flight)
        {
            self.pending.remove(i);
        }
        if !orderly {
            return;
        }
        if live {
            self.skip_to(u.seq, out);
        }
        self.link.floor = u.seq;
        self.applied = self.applied.max(u.seq);
    }

    /// Live numbers between the floor and `seq` were not seen: note them
    /// as holes, or report them at once if our own updates cannot explain
    /// so many.
    fn skip_to(&mut self, seq: u64, out: &mut Vec<Incoming>) {
        let from = self.link.floor + 1;
        let skipped = seq.saturating_sub(from);
        if skipped == 0 {
            return;
        }
        let explainable =
            (self.in_flight() + self.link.failed).saturating_sub(self.link.holes.len() as u64);
        if skipped > explainable {
            out.push(Incoming::Suspicious {
                what: Suspicion::Withheld {
                    from,
                    to: seq - 1,
                    count: skipped - explainable,
                },
            });
            // Told once: start counting again from here.
            self.link.holes.clear();
            self.link.failed = 0;
            return;
        }
        self.link.holes.extend(from..seq);
    }

    /// More holes than our own updates explain (one of ours in flight was
    /// acknowledged elsewhere, or refused): the relay withheld updates.
    fn check_holes(&mut self, out: &mut Vec<Incoming>) {
        let explained = self.in_flight() + self.link.failed;
        let count = self.link.holes.len() as u64;
        if count <= explained {
            return;
        }
        let from = self.link.holes.first().copied().unwrap_or(0);
        let to = self.link.holes.last().copied().unwrap_or(0);
        out.push(Incoming::Suspicious {
            what: Suspicion::Withheld {
                from,
                to,
                count: count - explained,
            },
        });
        self.link.holes.clear();
        self.link.failed = 0;
    }

    fn take_ack(&mut self, msg_id: MsgId, seq: u64, out: &mut Vec<Incoming>) {
        let Some(i) = self
            .pending
            .iter()
            .position(|p| p.item.msg_id == msg_id && p.in_flight)
        else {
            out.push(Incoming::Suspicious {
                what: Suspicion::UnknownAck { msg_id, seq },
            });
            return;
        };
        let floor = self.link.floor;
        if seq > floor {
            // Every number between the floor and this one must be one of
            // ours, refused after it was numbered or still in flight.
            let others_in_flight = self.in_flight() - 1;
            let bound = floor + 1 + others_in_flight + self.link.failed;
            if seq > bound {
                // Stored, says the relay; but `applied` stays where the
                // frames put it.
                self.pending.remove(i);
                out.push(Incoming::Suspicious {
                    what: Suspicion::AckTooFar { seq, bound },
                });
                out.push(Incoming::Acked { msg_id, seq });
                return;
            }
            self.skip_to(seq, out);
            self.link.floor = seq;
            self.applied = self.applied.max(seq);
        } else if self.link.holes.remove(&seq) {
            // One of ours, numbered while others' updates passed it.
            self.applied = self.applied.max(seq);
        }
        // Else a number already passed: a duplicate's, acknowledged with
        // the number it was stored under (maybe before a compaction).
        self.pending.remove(i);
        out.push(Incoming::Acked { msg_id, seq });
        self.check_holes(out);
    }

    fn take_welcome(
        &mut self,
        peer: PeerId,
        head_seq: u64,
        snapshot: Option<SnapshotHead>,
        pending: u64,
        out: &mut Vec<Incoming>,
    ) -> Result<(), SessionError> {
        if self.link.head.is_some() || !matches!(self.phase, Phase::Joining { .. }) {
            out.push(Incoming::Suspicious {
                what: Suspicion::Unexpected {
                    frame: "a second welcome",
                },
            });
            return Ok(());
        }
        self.phase = Phase::Joining {
            received: 0,
            total: Some(pending),
        };
        self.link.peer = Some(peer);
        self.link.head = Some(head_seq);
        self.link.announced = pending;
        out.push(Incoming::Joined { peer, head_seq });
        if head_seq < self.applied {
            // The relay has less than we applied (restored from an older
            // backup): it sends us everything it has.
            out.push(Incoming::Suspicious {
                what: Suspicion::RelayBehind {
                    head: head_seq,
                    applied: self.applied,
                },
            });
            self.applied = 0;
            self.link.floor = 0;
        }
        let Some(head) = snapshot else {
            return Ok(());
        };
        let misplaced = head.covers_upto > head_seq || head.covers_upto <= self.applied;
        let assembly = Assembly::start(head, misplaced, "snapshot")?;
        if misplaced {
            out.push(Incoming::Suspicious {
                what: Suspicion::MisplacedSnapshot {
                    covers_upto: assembly.head.covers_upto,
                    head: head_seq,
                },
            });
        }
        if assembly.whole() {
            self.open_snapshot(assembly, out);
        } else {
            self.assembly = Some(assembly);
        }
        Ok(())
    }

    fn take_caught_up(&mut self, head_seq: u64, out: &mut Vec<Incoming>) {
        let Some(announced_head) = self.link.head.filter(|_| self.phase != Phase::Live) else {
            out.push(Incoming::Suspicious {
                what: Suspicion::Unexpected {
                    frame: "the end of a history it did not begin",
                },
            });
            return;
        };
        if head_seq != announced_head || self.link.received != self.link.announced {
            out.push(Incoming::Suspicious {
                what: Suspicion::CaughtUpMismatch {
                    head: head_seq,
                    announced_head,
                    received: self.link.received,
                    announced: self.link.announced,
                },
            });
        }
        self.phase = Phase::Live;
        // Everything up to the announced head was sent: live updates come
        // after it (the numbers below it that were not sent are gaps of
        // the stored history, normal after a crash).
        self.link.floor = self.link.floor.max(announced_head.min(head_seq));
        out.push(Incoming::CaughtUp { head_seq });
    }

    fn take_awareness(
        &mut self,
        peer: PeerId,
        counter: u64,
        ciphertext: &[u8],
        signature: Option<&Signature>,
        out: &mut Vec<Incoming>,
    ) {
        if self
            .link
            .heard
            .get(&peer)
            .is_some_and(|last| counter <= *last)
        {
            // A replay of this peer's presence, or one overtaken: the
            // newer one is already shown.
            return;
        }
        let context = Context::awareness(self.keys.room(), peer, counter);
        let opened = if self.verify {
            self.keys.open(&context, ciphertext, signature)
        } else {
            // The bench's readers: the signature is most of a presence
            // frame's cost, and the sealing still binds it to its peer.
            self.keys.decrypt(&context, ciphertext)
        };
        match opened {
            Ok(state) => {
                if self.link.heard.len() >= MAX_HEARD {
                    self.link.heard.clear();
                }
                self.link.heard.insert(peer, counter);
                out.push(Incoming::Awareness {
                    peer,
                    state,
                    signed: signature.is_some(),
                });
            }
            Err(error) => out.push(Incoming::BadAwareness { peer, error }),
        }
    }

    /// A check is announced: assemble its chunks, unless one is arriving
    /// already (the relay sends one at a time).
    fn take_check_head(
        &mut self,
        head: SnapshotHead,
        out: &mut Vec<Incoming>,
    ) -> Result<(), SessionError> {
        if self.check.take().is_some() {
            return Err(malformed(
                "a snapshot to check before the last one was complete".into(),
            ));
        }
        let assembly = Assembly::start(head, false, "snapshot to check")?;
        if assembly.whole() {
            self.take_check(assembly, out);
        } else {
            self.check = Some(assembly);
        }
        Ok(())
    }

    /// The snapshot to check is whole: open it, and hand it to the caller
    /// or answer for it.
    fn take_check(&mut self, assembly: Assembly, out: &mut Vec<Incoming>) {
        let Assembly {
            head:
                SnapshotHead {
                    covers_upto,
                    msg_id,
                    signature,
                    ..
                },
            ciphertext,
            ..
        } = assembly;
        let context = Context::snapshot(self.keys.room(), msg_id, covers_upto);
        match self.keys.open(&context, &ciphertext, Some(&signature)) {
            Err(error) => {
                // The relay verifies signatures before it proposes: one
                // that fails was altered on the relay's side.
                out.push(Incoming::Invalid { seq: None, error });
                self.replies.push(self.verdict(msg_id, Verdict::Differs));
            }
            Ok(_) if covers_upto > self.applied || self.phase != Phase::Live => {
                self.replies.push(self.verdict(msg_id, Verdict::CannotTell));
            }
            Ok(state) => out.push(Incoming::CheckSnapshot {
                msg_id,
                covers_upto,
                state,
            }),
        }
    }

    /// The snapshot is whole: verify, decrypt, report it.
    fn open_snapshot(&mut self, assembly: Assembly, out: &mut Vec<Incoming>) {
        let head = assembly.head;
        let context = Context::snapshot(self.keys.room(), head.msg_id, head.covers_upto);
        match self.open(&context, &assembly.ciphertext, &head.signature) {
            Ok(state) => {
                if !assembly.misplaced {
                    self.applied = head.covers_upto;
                    self.link.floor = head.covers_upto;
                }
                out.push(Incoming::Snapshot {
                    state,
                    covers_upto: head.covers_upto,
                });
            }
            Err(error) => out.push(Incoming::Invalid { seq: None, error }),
        }
    }

    /// Refuse anything but the next chunk while a snapshot is arriving.
    fn no_assembly(&self, what: &str) -> Result<(), SessionError> {
        match &self.assembly {
            Some(_) => Err(SessionError::Wire(WireError::Malformed(format!(
                "{what} before the snapshot was complete"
            )))),
            None => Ok(()),
        }
    }

    /// Read one frame from the relay.
    pub fn receive(&mut self, frame: &[u8]) -> Result<Vec<Incoming>, SessionError> {
        let mut out = Vec::new();
        let msg = decode_server(frame)?;
        // While the welcome's snapshot arrives, only its chunks and frames
        // that do not depend on it (presence, acks, a check) may come.
        match &msg {
            ServerMsg::Welcome { .. } => self.no_assembly("a second welcome")?,
            ServerMsg::Updates(_) | ServerMsg::Update(_) | ServerMsg::CaughtUp { .. } => {
                self.no_assembly("an update")?
            }
            _ => {}
        }
        match msg {
            ServerMsg::Welcome {
                peer,
                head_seq,
                snapshot,
                pending,
            } => self.take_welcome(peer, head_seq, snapshot, pending, &mut out)?,
            ServerMsg::Updates(chunk) => {
                let n = chunk.len() as u64;
                let live = self.phase == Phase::Live;
                if live {
                    out.push(Incoming::Suspicious {
                        what: Suspicion::Unexpected {
                            frame: "history after the end of the history",
                        },
                    });
                }
                for u in chunk {
                    self.take_update(u, live, &mut out);
                }
                self.link.received += n;
                if let Phase::Joining { received, total } = &mut self.phase {
                    *received += n;
                    out.push(Incoming::Progress {
                        received: *received,
                        total: total.unwrap_or(*received),
                    });
                }
            }
            ServerMsg::CaughtUp { head_seq } => self.take_caught_up(head_seq, &mut out),
            ServerMsg::Update(u) => {
                let live = self.phase == Phase::Live;
                self.take_update(u, live, &mut out);
            }
            ServerMsg::Ack { msg_id, seq } => self.take_ack(msg_id, seq, &mut out),
            ServerMsg::SnapshotStored { covers_upto } => {
                out.push(Incoming::SnapshotStored { covers_upto })
            }
            ServerMsg::Awareness {
                peer,
                counter,
                ciphertext,
                signature,
            } => self.take_awareness(peer, counter, &ciphertext, signature.as_ref(), &mut out),
            ServerMsg::PeerLeft { peer } => {
                self.link.heard.remove(&peer);
                out.push(Incoming::PeerLeft { peer });
            }
            ServerMsg::SnapshotChunk(bytes) => {
                if let Some(assembly) = add_chunk(&mut self.assembly, &bytes, "snapshot")? {
                    self.open_snapshot(assembly, &mut out);
                }
            }
            ServerMsg::CompactHint { head_seq } => out.push(Incoming::CompactHint { head_seq }),
            ServerMsg::CheckSnapshot { head } => self.take_check_head(head, &mut out)?,
            ServerMsg::CheckChunk(bytes) => {
                if let Some(assembly) = add_chunk(&mut self.check, &bytes, "snapshot to check")? {
                    self.take_check(assembly, &mut out);
                }
            }
            ServerMsg::Sealed {
                member_box,
                signature,
            } => {
                let room = self.keys.room();
                match self
                    .keys
                    .writer()
                    .verify_seal(room, &member_box, &signature)
                {
                    Ok(()) => {
                        self.sealed = Some(member_box.clone());
                        out.push(Incoming::Sealed { member_box });
                    }
                    Err(_) => out.push(Incoming::Suspicious {
                        what: Suspicion::Unexpected {
                            frame: "a seal the room's write key did not sign",
                        },
                    }),
                }
            }
            ServerMsg::Error { code, msg_id } => {
                let mut dropped = false;
                if code == ErrorCode::RoomSealed {
                    self.refused_sealed = true;
                }
                if let Some(i) =
                    msg_id.and_then(|id| self.pending.iter().position(|p| p.item.msg_id == id))
                {
                    match code {
                        ErrorCode::TooLarge | ErrorCode::BadSignature => {
                            self.pending.remove(i);
                            dropped = true;
                        }
                        // The room is full: the update waits, counted as
                        // in flight so this connection does not send it
                        // again at once; the next one will.
                        ErrorCode::QuotaExceeded => {}
                        _ => {
                            if code == ErrorCode::StorageFailed && self.pending[i].in_flight {
                                // It may have been numbered: its number is
                                // a hole no ack will fill.
                                self.link.failed += 1;
                            }
                            self.pending[i].in_flight = false;
                        }
                    }
                }
                out.push(Incoming::Refused {
                    code,
                    msg_id,
                    dropped,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::EditSecret;
    use crate::wire::{decode_client, StoredSnapshot};

    fn keys() -> DocKeys {
        DocKeys::from_edit(&EditSecret::generate())
    }

    /// Join with nothing to catch up, the room's head where the session
    /// stands.
    fn live(session: &mut Session) {
        let head_seq = session.applied();
        session.hello();
        let welcome = ServerMsg::Welcome {
            peer: 1,
            head_seq,
            snapshot: None,
            pending: 0,
        };
        let out = session.receive(&welcome.encode()).expect("welcome");
        assert_eq!(suspicions(&out), vec![]);
        session
            .receive(&ServerMsg::CaughtUp { head_seq }.encode())
            .expect("caught up");
    }

    fn suspicions(out: &[Incoming]) -> Vec<Suspicion> {
        out.iter()
            .filter_map(|i| match i {
                Incoming::Suspicious { what } => Some(*what),
                _ => None,
            })
            .collect()
    }

    fn receive(s: &mut Session, msg: ServerMsg) -> Vec<Incoming> {
        s.receive(&msg.encode()).expect("a frame of the protocol")
    }

    /// An update sealed by `keys` as the relay would store it under `seq`.
    fn stored(keys: &DocKeys, seq: u64, update: &[u8]) -> StoredUpdate {
        let msg_id = new_msg_id();
        let (ciphertext, signature) = keys
            .seal(&Context::update(keys.room(), msg_id), update)
            .expect("an editor");
        StoredUpdate {
            seq,
            msg_id,
            ciphertext,
            signature: signature.expect("signed"),
        }
    }

    fn applied_updates(out: &[Incoming]) -> Vec<u64> {
        out.iter()
            .filter_map(|i| match i {
                Incoming::Update { seq, .. } => Some(*seq),
                _ => None,
            })
            .collect()
    }

    fn sent_ids(frames: &[Vec<u8>]) -> Vec<MsgId> {
        frames
            .iter()
            .filter_map(|f| match decode_client(f) {
                Ok(ClientMsg::Update { msg_id, .. }) => Some(msg_id),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_seal_signed_by_the_room_is_surfaced_and_stops_the_updates() {
        let k = keys();
        let mut s = Session::new(k.clone(), 0, Vec::new());
        live(&mut s);
        s.local(b"late".to_vec()).expect("an editor");
        let frame = s.seal(b"box").expect("an editor seals");
        let Ok(ClientMsg::Seal {
            member_box,
            signature,
        }) = decode_client(&frame)
        else {
            panic!("a seal frame");
        };
        assert_eq!(member_box, b"box");
        // A seal signed by another room's key is reported, not taken.
        let other = keys();
        let forged = ServerMsg::Sealed {
            member_box: b"box".to_vec(),
            signature: other.sign_seal(b"box").expect("signs"),
        };
        let out = receive(&mut s, forged);
        assert_eq!(suspicions(&out).len(), 1);
        assert_eq!(s.sealed(), None);
        // The box altered after signing: refused too.
        let out = receive(
            &mut s,
            ServerMsg::Sealed {
                member_box: b"bux".to_vec(),
                signature,
            },
        );
        assert_eq!(suspicions(&out).len(), 1);
        assert_eq!(s.sealed(), None);
        let out = receive(
            &mut s,
            ServerMsg::Sealed {
                member_box: b"box".to_vec(),
                signature,
            },
        );
        assert_eq!(
            out,
            vec![Incoming::Sealed {
                member_box: b"box".to_vec()
            }]
        );
        assert_eq!(s.sealed(), Some(&b"box"[..]));
        assert!(sent_ids(&s.outgoing().expect("frames")).is_empty());
        assert_eq!(s.pending().len(), 1, "the edit stays queued");
        // A reader cannot seal.
        let reader = Session::new(
            DocKeys::from_view(k.view_secret().clone(), k.writer()),
            0,
            Vec::new(),
        );
        assert_eq!(reader.seal(b"box"), Err(SealError::ReadOnly));
        assert_eq!(
            s.seal(&vec![0; crate::limits::MAX_MEMBER_BOX_BYTES + 1]),
            Err(SealError::TooLarge)
        );
    }

    #[test]
    fn a_room_sealed_refusal_stops_the_updates_and_keeps_them() {
        let mut s = Session::new(keys(), 0, Vec::new());
        live(&mut s);
        let id = s.local(b"late".to_vec()).expect("an editor");
        assert_eq!(sent_ids(&s.outgoing().expect("frames")), vec![id]);
        let out = receive(
            &mut s,
            ServerMsg::Error {
                code: ErrorCode::RoomSealed,
                msg_id: Some(id),
            },
        );
        assert_eq!(
            out,
            vec![Incoming::Refused {
                code: ErrorCode::RoomSealed,
                msg_id: Some(id),
                dropped: false
            }]
        );
        assert!(sent_ids(&s.outgoing().expect("frames")).is_empty());
        assert_eq!(s.pending().len(), 1);
    }

    #[test]
    fn the_creation_token_is_sent_in_every_hello_once_set() {
        let mut s = Session::new(keys(), 0, Vec::new());
        let token = |s: &mut Session| match decode_client(&s.hello()) {
            Ok(ClientMsg::Hello { create, .. }) => create.and_then(|c| c.token),
            other => panic!("{other:?}"),
        };
        assert_eq!(token(&mut s), None);
        s.set_creation_token(Some("jeton".into()));
        assert_eq!(token(&mut s).as_deref(), Some("jeton"));
        s.disconnected();
        assert_eq!(
            token(&mut s).as_deref(),
            Some("jeton"),
            "after a reconnection"
        );
        s.set_creation_token(None);
        assert_eq!(token(&mut s), None);
    }

    #[test]
    fn nothing_is_sent_before_the_history_is_in() {
        let mut s = Session::new(keys(), 0, Vec::new());
        s.local(b"offline edit".to_vec()).expect("editor");
        assert!(s.outgoing().expect("seal").is_empty(), "offline");
        let hello = decode_client(&s.hello()).expect("hello");
        assert!(matches!(
            hello,
            ClientMsg::Hello {
                since_seq: None,
                create: Some(_),
                ..
            }
        ));
        assert!(s.outgoing().expect("seal").is_empty(), "joining");
        s.receive(
            &ServerMsg::Welcome {
                peer: 1,
                head_seq: 0,
                snapshot: None,
                pending: 0,
            }
            .encode(),
        )
        .expect("welcome");
        s.receive(&ServerMsg::CaughtUp { head_seq: 0 }.encode())
            .expect("caught up");
        assert_eq!(s.outgoing().expect("seal").len(), 1);
    }

    #[test]
    fn the_window_limits_updates_in_flight_and_acks_open_it() {
        let mut s = Session::new(keys(), 0, Vec::new()).with_window(2);
        live(&mut s);
        let ids: Vec<MsgId> = (0..5).map(|i| s.local(vec![i]).expect("editor")).collect();
        let first = s.outgoing().expect("seal");
        assert_eq!(sent_ids(&first), ids[..2]);
        assert!(s.outgoing().expect("seal").is_empty());
        s.receive(
            &ServerMsg::Ack {
                msg_id: ids[0],
                seq: 1,
            }
            .encode(),
        )
        .expect("ack");
        assert_eq!(sent_ids(&s.outgoing().expect("seal")), ids[2..3]);
        assert_eq!(s.applied(), 1);
        assert_eq!(s.pending_len(), 4);
    }

    #[test]
    fn a_disconnect_resends_what_was_in_flight_with_the_same_ids() {
        let mut s = Session::new(keys(), 0, Vec::new());
        live(&mut s);
        let id = s.local(b"x".to_vec()).expect("editor");
        assert_eq!(sent_ids(&s.outgoing().expect("seal")), vec![id]);
        s.disconnected();
        assert_eq!(
            s.pending(),
            vec![PendingUpdate {
                msg_id: id,
                update: b"x".to_vec()
            }]
        );
        live(&mut s);
        assert_eq!(sent_ids(&s.outgoing().expect("seal")), vec![id]);
    }

    #[test]
    fn pending_updates_survive_a_reload() {
        let k = keys();
        let mut s = Session::new(k.clone(), 7, Vec::new());
        let id = s.local(b"typed on the train".to_vec()).expect("editor");
        let restored = Session::new(k, s.applied(), s.pending());
        assert_eq!(restored.pending()[0].msg_id, id);
        let mut restored = restored;
        let hello = decode_client(&restored.hello()).expect("hello");
        assert!(matches!(
            hello,
            ClientMsg::Hello {
                since_seq: Some(7),
                ..
            }
        ));
    }

    #[test]
    fn passing_refusals_requeue_and_permanent_ones_drop() {
        let mut s = Session::new(keys(), 0, Vec::new());
        live(&mut s);
        let a = s.local(b"a".to_vec()).expect("editor");
        let b = s.local(b"b".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        let out = s
            .receive(
                &ServerMsg::Error {
                    code: ErrorCode::RateLimited,
                    msg_id: Some(a),
                }
                .encode(),
            )
            .expect("error");
        assert_eq!(
            out,
            vec![Incoming::Refused {
                code: ErrorCode::RateLimited,
                msg_id: Some(a),
                dropped: false
            }]
        );
        assert_eq!(sent_ids(&s.outgoing().expect("seal")), vec![a]);
        let out = s
            .receive(
                &ServerMsg::Error {
                    code: ErrorCode::TooLarge,
                    msg_id: Some(b),
                }
                .encode(),
            )
            .expect("error");
        assert_eq!(
            out,
            vec![Incoming::Refused {
                code: ErrorCode::TooLarge,
                msg_id: Some(b),
                dropped: true
            }]
        );
        assert_eq!(
            s.pending().iter().map(|p| p.msg_id).collect::<Vec<_>>(),
            vec![a]
        );
    }

    #[test]
    fn incoming_updates_are_verified_decrypted_and_advance_applied() {
        let k = keys();
        let mut writer = Session::new(k.clone(), 0, Vec::new());
        live(&mut writer);
        let id = writer.local(b"hello".to_vec()).expect("editor");
        let frame = writer.outgoing().expect("seal").remove(0);
        let ClientMsg::Update {
            ciphertext,
            signature,
            ..
        } = decode_client(&frame).expect("update")
        else {
            panic!("not an update")
        };
        let stored = StoredUpdate {
            seq: 4,
            msg_id: id,
            ciphertext,
            signature,
        };

        let viewer = DocKeys::from_view(k.view_secret().clone(), k.writer());
        let mut reader = Session::new(viewer, 3, Vec::new());
        live(&mut reader);
        let out = reader
            .receive(&ServerMsg::Update(stored.clone()).encode())
            .expect("update");
        assert_eq!(
            out,
            vec![Incoming::Update {
                seq: 4,
                update: b"hello".to_vec()
            }]
        );
        assert_eq!(reader.applied(), 4);
        // An altered one is reported and not applied.
        let mut bad = stored;
        bad.seq = 5;
        bad.ciphertext[3] ^= 1;
        let out = reader
            .receive(&ServerMsg::Update(bad).encode())
            .expect("bad");
        assert_eq!(
            out,
            vec![Incoming::Invalid {
                seq: Some(5),
                error: OpenError::BadSignature
            }]
        );
        // A viewer cannot queue edits.
        assert_eq!(reader.local(b"x".to_vec()), Err(SealError::ReadOnly));
    }

    #[test]
    fn without_signature_checks_a_forged_signature_passes_but_an_altered_byte_does_not() {
        let k = keys();
        let mut writer = Session::new(k.clone(), 0, Vec::new());
        live(&mut writer);
        let id = writer.local(b"typed".to_vec()).expect("editor");
        let frame = writer.outgoing().expect("seal").remove(0);
        let ClientMsg::Update {
            ciphertext,
            mut signature,
            ..
        } = decode_client(&frame).expect("update")
        else {
            panic!("not an update")
        };
        signature[0] ^= 1;
        let forged = StoredUpdate {
            seq: 1,
            msg_id: id,
            ciphertext,
            signature,
        };
        let mut checking = Session::new(k.clone(), 0, Vec::new());
        live(&mut checking);
        assert_eq!(
            checking
                .receive(&ServerMsg::Update(forged.clone()).encode())
                .expect("update"),
            vec![Incoming::Invalid {
                seq: Some(1),
                error: OpenError::BadSignature
            }]
        );
        let mut trusting = Session::new(k, 0, Vec::new()).without_signature_checks();
        live(&mut trusting);
        assert_eq!(
            trusting
                .receive(&ServerMsg::Update(forged.clone()).encode())
                .expect("update"),
            vec![Incoming::Update {
                seq: 1,
                update: b"typed".to_vec()
            }]
        );
        let mut altered = forged;
        altered.seq = 2;
        altered.ciphertext[30] ^= 1;
        assert_eq!(
            trusting
                .receive(&ServerMsg::Update(altered).encode())
                .expect("update"),
            vec![Incoming::Invalid {
                seq: Some(2),
                error: OpenError::Undecryptable
            }]
        );
        // Presence too: a forged signature passes, another peer's does not.
        let presence = writer.awareness(b"Ana").expect("seal").expect("joined");
        let ClientMsg::Awareness {
            counter,
            ciphertext,
            signature,
        } = decode_client(&presence).expect("awareness")
        else {
            panic!("not presence")
        };
        let mut signature = signature.expect("an editor signs");
        signature[0] ^= 1;
        let relayed = |peer| {
            ServerMsg::Awareness {
                peer,
                counter,
                ciphertext: ciphertext.clone(),
                signature: Some(signature),
            }
            .encode()
        };
        let me = writer.peer().expect("joined");
        assert!(matches!(
            checking.receive(&relayed(me)).expect("presence")[..],
            [Incoming::BadAwareness {
                error: OpenError::BadSignature,
                ..
            }]
        ));
        assert_eq!(
            trusting.receive(&relayed(me)).expect("presence"),
            vec![Incoming::Awareness {
                peer: me,
                state: b"Ana".to_vec(),
                signed: true
            }]
        );
        assert!(matches!(
            trusting.receive(&relayed(me + 1)).expect("presence")[..],
            [Incoming::BadAwareness {
                error: OpenError::Undecryptable,
                ..
            }]
        ));
    }

    #[test]
    fn our_own_update_coming_back_in_the_history_clears_it_from_the_queue() {
        let k = keys();
        let mut s = Session::new(k.clone(), 0, Vec::new());
        live(&mut s);
        let id = s.local(b"mine".to_vec()).expect("editor");
        let frame = s.outgoing().expect("seal").remove(0);
        s.disconnected();
        let ClientMsg::Update {
            ciphertext,
            signature,
            ..
        } = decode_client(&frame).expect("update")
        else {
            panic!("not an update")
        };
        s.hello();
        s.receive(
            &ServerMsg::Welcome {
                peer: 2,
                head_seq: 1,
                snapshot: None,
                pending: 1,
            }
            .encode(),
        )
        .expect("welcome");
        let out = s
            .receive(
                &ServerMsg::Updates(vec![StoredUpdate {
                    seq: 1,
                    msg_id: id,
                    ciphertext,
                    signature,
                }])
                .encode(),
            )
            .expect("chunk");
        assert_eq!(
            out.last(),
            Some(&Incoming::Progress {
                received: 1,
                total: 1
            })
        );
        assert_eq!(s.pending_len(), 0);
    }

    #[test]
    fn snapshots_cover_what_was_applied_and_open_on_the_other_side() {
        let k = keys();
        let mut s = Session::new(k.clone(), 0, Vec::new());
        assert_eq!(s.snapshot(b"state"), Ok(None), "nothing to cover yet");
        live(&mut s);
        let id = s.local(b"u".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        s.receive(&ServerMsg::Ack { msg_id: id, seq: 1 }.encode())
            .expect("ack");
        let frame = s.snapshot(b"whole doc").expect("seal").expect("a snapshot");
        let ClientMsg::Snapshot {
            msg_id,
            covers_upto,
            ciphertext,
            signature,
        } = decode_client(&frame).expect("snapshot")
        else {
            panic!("not a snapshot")
        };
        assert_eq!(covers_upto, 1);
        let stored = StoredSnapshot {
            covers_upto,
            msg_id,
            ciphertext,
            signature,
        };
        let mut fresh = Session::new(k, 0, Vec::new());
        fresh.hello();
        let welcome = ServerMsg::Welcome {
            peer: 3,
            head_seq: 1,
            snapshot: Some(stored.head()),
            pending: 0,
        };
        let out = fresh.receive(&welcome.encode()).expect("welcome");
        assert!(!out.iter().any(|i| matches!(i, Incoming::Snapshot { .. })));
        // The ciphertext in pieces of 7 bytes: one snapshot at the end.
        let pieces: Vec<&[u8]> = stored.ciphertext.chunks(7).collect();
        for (i, piece) in pieces.iter().enumerate() {
            let out = fresh
                .receive(&ServerMsg::SnapshotChunk(piece.to_vec()).encode())
                .expect("chunk");
            let last = i + 1 == pieces.len();
            assert_eq!(
                out.contains(&Incoming::Snapshot {
                    state: b"whole doc".to_vec(),
                    covers_upto: 1
                }),
                last
            );
        }
        assert_eq!(fresh.applied(), 1);
    }

    fn welcome_with(head: SnapshotHead) -> Vec<u8> {
        ServerMsg::Welcome {
            peer: 3,
            head_seq: 9,
            snapshot: Some(head),
            pending: 0,
        }
        .encode()
    }

    #[test]
    fn a_snapshot_that_is_too_long_or_out_of_order_is_refused() {
        let head = SnapshotHead {
            covers_upto: 9,
            msg_id: [1; 16],
            len: 10,
            signature: [2; 64],
        };
        // More bytes than announced.
        let mut s = Session::new(keys(), 0, Vec::new());
        s.hello();
        s.receive(&welcome_with(head.clone())).expect("welcome");
        s.receive(&ServerMsg::SnapshotChunk(vec![0; 6]).encode())
            .expect("a first piece");
        assert!(s
            .receive(&ServerMsg::SnapshotChunk(vec![0; 6]).encode())
            .is_err());
        // An update in the middle of the snapshot.
        let mut s = Session::new(keys(), 0, Vec::new());
        s.hello();
        s.receive(&welcome_with(head.clone())).expect("welcome");
        let update = ServerMsg::Updates(vec![StoredUpdate {
            seq: 10,
            msg_id: [3; 16],
            ciphertext: vec![1],
            signature: [4; 64],
        }]);
        assert!(s.receive(&update.encode()).is_err());
        // A welcome in the middle of the snapshot.
        let mut s = Session::new(keys(), 0, Vec::new());
        s.hello();
        s.receive(&welcome_with(head.clone())).expect("welcome");
        assert!(s.receive(&welcome_with(head.clone())).is_err());
        // A chunk nobody announced.
        let mut s = Session::new(keys(), 0, Vec::new());
        live(&mut s);
        assert!(s
            .receive(&ServerMsg::SnapshotChunk(vec![0; 3]).encode())
            .is_err());
        // More than a client holds.
        let mut s = Session::new(keys(), 0, Vec::new());
        s.hello();
        let huge = SnapshotHead {
            len: MAX_SNAPSHOT_BYTES + 1,
            ..head
        };
        assert!(s.receive(&welcome_with(huge)).is_err());
    }

    #[test]
    fn a_snapshot_whose_chunks_were_altered_is_reported_not_applied() {
        let k = keys();
        let mut s = Session::new(k.clone(), 0, Vec::new());
        live(&mut s);
        let id = s.local(b"u".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        s.receive(&ServerMsg::Ack { msg_id: id, seq: 1 }.encode())
            .expect("ack");
        let frame = s.snapshot(b"the text").expect("seal").expect("a snapshot");
        let Ok(ClientMsg::Snapshot {
            msg_id,
            covers_upto,
            mut ciphertext,
            signature,
        }) = decode_client(&frame)
        else {
            panic!("not a snapshot")
        };
        ciphertext[3] ^= 1;
        let stored = StoredSnapshot {
            covers_upto,
            msg_id,
            ciphertext,
            signature,
        };
        let mut fresh = Session::new(k, 0, Vec::new());
        fresh.hello();
        fresh
            .receive(&welcome_with(stored.head()))
            .expect("welcome");
        let out = fresh
            .receive(&ServerMsg::SnapshotChunk(stored.ciphertext.clone()).encode())
            .expect("chunk");
        assert!(matches!(out[..], [Incoming::Invalid { seq: None, .. }]));
        assert_eq!(fresh.applied(), 0);
    }

    #[test]
    fn an_update_refused_for_the_quota_waits_for_the_next_connection() {
        let mut s = Session::new(keys(), 0, Vec::new());
        live(&mut s);
        let id = s.local(b"u".to_vec()).expect("editor");
        assert_eq!(s.outgoing().expect("seal").len(), 1);
        let refusal = ServerMsg::Error {
            code: ErrorCode::QuotaExceeded,
            msg_id: Some(id),
        };
        s.receive(&refusal.encode()).expect("error");
        assert_eq!(s.pending_len(), 1, "kept");
        assert!(s.outgoing().expect("seal").is_empty(), "not again at once");
        s.disconnected();
        live(&mut s);
        assert_eq!(s.outgoing().expect("seal").len(), 1, "again next time");
    }

    #[test]
    fn an_ack_removes_the_update_it_names_and_no_other() {
        let mut s = Session::new(keys(), 0, Vec::new());
        live(&mut s);
        let a = s.local(b"a".to_vec()).expect("editor");
        let b = s.local(b"b".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        let out = s
            .receive(&ServerMsg::Ack { msg_id: b, seq: 2 }.encode())
            .expect("ack");
        assert_eq!(out, vec![Incoming::Acked { msg_id: b, seq: 2 }]);
        assert_eq!(
            s.pending().iter().map(|p| p.msg_id).collect::<Vec<_>>(),
            vec![a]
        );
        // An ack for nothing we sent is reported and changes nothing.
        let out = receive(
            &mut s,
            ServerMsg::Ack {
                msg_id: [0; 16],
                seq: 3,
            },
        );
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::UnknownAck {
                msg_id: [0; 16],
                seq: 3
            }]
        );
        assert_eq!(s.pending_len(), 1);
        assert_eq!(s.applied(), 2);
    }

    #[test]
    fn a_disconnected_session_is_offline_and_sends_nothing_until_it_is_live_again() {
        let mut s = Session::new(keys(), 0, Vec::new());
        live(&mut s);
        s.local(b"x".to_vec()).expect("editor");
        assert_eq!(s.outgoing().expect("seal").len(), 1);
        s.disconnected();
        assert_eq!(s.phase(), Phase::Offline);
        assert!(s.outgoing().expect("seal").is_empty());
        // Whatever was in flight may be merged with what came after.
        s.local(b"y".to_vec()).expect("editor");
        s.merge_unsent(|parts| Ok::<_, ()>(parts.concat()))
            .expect("merge");
        assert_eq!(s.pending_len(), 1, "nothing is in flight any more");
        assert_eq!(s.pending()[0].update, b"xy".to_vec());
    }

    #[test]
    fn message_ids_are_random() {
        let mut s = Session::new(keys(), 0, Vec::new());
        let a = s.local(b"a".to_vec()).expect("editor");
        let b = s.local(b"b".to_vec()).expect("editor");
        assert_ne!(a, b);
        assert_ne!(a, [0; 16]);
        assert_ne!(b, [0; 16]);
    }

    #[test]
    fn unsent_updates_merge_into_one() {
        let mut s = Session::new(keys(), 0, Vec::new());
        for i in 0..100u8 {
            s.local(vec![i]).expect("editor");
        }
        s.merge_unsent(|parts| Ok::<_, ()>(parts.concat()))
            .expect("merge");
        assert_eq!(s.pending_len(), 1);
        assert_eq!(s.pending()[0].update, (0..100u8).collect::<Vec<_>>());
    }

    #[test]
    fn presence_round_trips_bound_to_the_senders_connection_and_counter() {
        let k = keys();
        let mut a = Session::new(k.clone(), 0, Vec::new());
        assert_eq!(
            a.awareness(b"early"),
            Ok(None),
            "no peer id before the welcome"
        );
        a.hello();
        receive(
            &mut a,
            ServerMsg::Welcome {
                peer: 4,
                head_seq: 0,
                snapshot: None,
                pending: 0,
            },
        );
        let relayed = |frame: Vec<u8>, peer| {
            let ClientMsg::Awareness {
                counter,
                ciphertext,
                signature,
            } = decode_client(&frame).expect("awareness")
            else {
                panic!("not presence")
            };
            ServerMsg::Awareness {
                peer,
                counter,
                ciphertext,
                signature,
            }
        };
        let first = a.awareness(b"Ana").expect("seal").expect("joined");
        let second = a.awareness(b"Ana, later").expect("seal").expect("joined");
        let mut b = Session::new(k.clone(), 0, Vec::new());
        live(&mut b);
        let out = receive(&mut b, relayed(second.clone(), 4));
        assert_eq!(
            out,
            vec![Incoming::Awareness {
                peer: 4,
                state: b"Ana, later".to_vec(),
                signed: true
            }]
        );
        // The older one, and the same one again, are replays: dropped.
        assert!(receive(&mut b, relayed(first, 4)).is_empty());
        assert!(receive(&mut b, relayed(second.clone(), 4)).is_empty());
        // The same bytes as another connection's do not open.
        assert!(matches!(
            receive(&mut b, relayed(second, 9))[..],
            [Incoming::BadAwareness {
                peer: 9,
                error: OpenError::BadSignature
            }]
        ));
        // A reader's presence is unsigned, whatever it says.
        let mut reader = Session::new(
            DocKeys::from_view(k.view_secret().clone(), k.writer()),
            0,
            Vec::new(),
        );
        reader.hello();
        receive(
            &mut reader,
            ServerMsg::Welcome {
                peer: 6,
                head_seq: 0,
                snapshot: None,
                pending: 0,
            },
        );
        let claim = reader
            .awareness(b"I am Ana, I write")
            .expect("seal")
            .expect("joined");
        assert_eq!(
            receive(&mut b, relayed(claim, 6)),
            vec![Incoming::Awareness {
                peer: 6,
                state: b"I am Ana, I write".to_vec(),
                signed: false
            }]
        );
        // A peer that left and comes back under the same id starts over.
        receive(&mut b, ServerMsg::PeerLeft { peer: 4 });
        let mut again = Session::new(k, 0, Vec::new());
        again.hello();
        receive(
            &mut again,
            ServerMsg::Welcome {
                peer: 4,
                head_seq: 0,
                snapshot: None,
                pending: 0,
            },
        );
        let back = again
            .awareness(b"Ana again")
            .expect("seal")
            .expect("joined");
        assert_eq!(receive(&mut b, relayed(back, 4)).len(), 1);
    }

    #[test]
    fn hello_shows_the_read_capability_and_an_editor_proves_it_may_create() {
        let k = keys();
        let mut editor = Session::new(k.clone(), 0, Vec::new()).with_token(Some("jeton".into()));
        let ClientMsg::Hello {
            room, cap, create, ..
        } = decode_client(&editor.hello()).expect("hello")
        else {
            panic!("not a hello")
        };
        assert_eq!(cap, k.read_capability().0);
        let proof = create.expect("an editor sends a creation proof");
        assert_eq!(proof.token.as_deref(), Some("jeton"));
        assert_eq!(
            proof.verify(&room, &k.read_capability().check()),
            Ok(k.writer())
        );
        editor.set_creation_token(None);
        let Ok(ClientMsg::Hello { create, .. }) = decode_client(&editor.hello()) else {
            panic!("not a hello")
        };
        assert_eq!(create.expect("still a proof").token, None);
        let mut reader = Session::new(
            DocKeys::from_view(k.view_secret().clone(), k.writer()),
            0,
            Vec::new(),
        );
        let Ok(ClientMsg::Hello { cap, create, .. }) = decode_client(&reader.hello()) else {
            panic!("not a hello")
        };
        assert_eq!(cap, k.read_capability().0, "a reader has the capability");
        assert_eq!(create, None, "but cannot create");
    }

    #[test]
    fn a_history_out_of_order_or_past_its_head_is_reported_and_its_content_still_applied() {
        let k = keys();
        let mut s = Session::new(k.clone(), 2, Vec::new());
        s.hello();
        receive(
            &mut s,
            ServerMsg::Welcome {
                peer: 1,
                head_seq: 6,
                snapshot: None,
                pending: 4,
            },
        );
        let chunk = vec![
            stored(&k, 4, b"4"),
            stored(&k, 3, b"3"),
            stored(&k, 2, b"2"),
            stored(&k, 7, b"7"),
        ];
        let out = receive(&mut s, ServerMsg::Updates(chunk));
        assert_eq!(
            suspicions(&out),
            vec![
                Suspicion::OutOfOrder { seq: 3, after: 4 },
                Suspicion::OutOfOrder { seq: 2, after: 4 },
                Suspicion::BeyondHead { seq: 7, head: 6 },
            ]
        );
        assert_eq!(
            applied_updates(&out),
            vec![4, 3, 2, 7],
            "signed content is applied"
        );
        assert_eq!(s.applied(), 4, "applied moves only with the orderly ones");
        let out = receive(&mut s, ServerMsg::CaughtUp { head_seq: 6 });
        assert_eq!(suspicions(&out), vec![]);
    }

    #[test]
    fn a_caught_up_that_disagrees_with_the_welcome_is_reported() {
        let k = keys();
        let mut s = Session::new(k.clone(), 0, Vec::new());
        s.hello();
        receive(
            &mut s,
            ServerMsg::Welcome {
                peer: 1,
                head_seq: 5,
                snapshot: None,
                pending: 2,
            },
        );
        receive(&mut s, ServerMsg::Updates(vec![stored(&k, 1, b"1")]));
        let out = receive(&mut s, ServerMsg::CaughtUp { head_seq: 9 });
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::CaughtUpMismatch {
                head: 9,
                announced_head: 5,
                received: 1,
                announced: 2
            }]
        );
        assert_eq!(s.phase(), Phase::Live);
        let out = receive(&mut s, ServerMsg::CaughtUp { head_seq: 9 });
        assert!(matches!(
            suspicions(&out)[..],
            [Suspicion::Unexpected { .. }]
        ));
        let out = receive(
            &mut s,
            ServerMsg::Welcome {
                peer: 2,
                head_seq: 9,
                snapshot: None,
                pending: 0,
            },
        );
        assert!(matches!(
            suspicions(&out)[..],
            [Suspicion::Unexpected { .. }]
        ));
        assert_eq!(s.peer(), Some(1), "a second welcome changes nothing");
    }

    #[test]
    fn a_live_update_replayed_or_reordered_is_reported_and_applied_stays() {
        let k = keys();
        let mut s = Session::new(k.clone(), 10, Vec::new());
        live(&mut s);
        let eleven = stored(&k, 11, b"11");
        assert_eq!(
            suspicions(&receive(&mut s, ServerMsg::Update(eleven.clone()))),
            vec![]
        );
        let twelve = stored(&k, 12, b"12");
        receive(&mut s, ServerMsg::Update(twelve.clone()));
        let out = receive(&mut s, ServerMsg::Update(eleven));
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::OutOfOrder { seq: 11, after: 12 }]
        );
        assert_eq!(applied_updates(&out), vec![11]);
        assert_eq!(s.applied(), 12);
    }

    #[test]
    fn a_catch_up_update_at_or_below_what_the_client_applied_is_reported_as_a_replay() {
        let k = keys();
        let mut s = Session::new(k.clone(), 5, Vec::new());
        s.hello();
        receive(
            &mut s,
            ServerMsg::Welcome {
                peer: 1,
                head_seq: 6,
                snapshot: None,
                pending: 1,
            },
        );
        let out = receive(&mut s, ServerMsg::Updates(vec![stored(&k, 3, b"old")]));
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::OutOfOrder { seq: 3, after: 5 }]
        );
    }

    #[test]
    fn an_update_refused_for_a_passing_reason_explains_no_skipped_number() {
        let k = keys();
        let mut s = Session::new(k.clone(), 0, Vec::new());
        live(&mut s);
        let id = s.local(b"mine".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        // Refused before it was numbered: it will be sent again.
        receive(
            &mut s,
            ServerMsg::Error {
                code: ErrorCode::RateLimited,
                msg_id: Some(id),
            },
        );
        let out = receive(&mut s, ServerMsg::Update(stored(&k, 2, b"2")));
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::Withheld {
                from: 1,
                to: 1,
                count: 1
            }]
        );
    }

    #[test]
    fn a_live_update_withheld_is_detected_when_none_of_ours_explains_the_gap() {
        let k = keys();
        let mut s = Session::new(k.clone(), 0, Vec::new());
        live(&mut s);
        receive(&mut s, ServerMsg::Update(stored(&k, 1, b"1")));
        // Update 2 never comes.
        let out = receive(&mut s, ServerMsg::Update(stored(&k, 3, b"3")));
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::Withheld {
                from: 2,
                to: 2,
                count: 1
            }]
        );
        assert_eq!(applied_updates(&out), vec![3]);
        // A huge jump is reported at once, without noting every number.
        let out = receive(&mut s, ServerMsg::Update(stored(&k, 1 << 50, b"far")));
        assert!(matches!(
            suspicions(&out)[..],
            [Suspicion::Withheld { from: 4, .. }]
        ));
    }

    #[test]
    fn a_gap_that_our_own_update_fills_is_not_a_withheld_one() {
        let k = keys();
        let mut s = Session::new(k.clone(), 0, Vec::new());
        live(&mut s);
        let ours = s.local(b"mine".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        // Ours is numbered 1 and forwarded; a co-author's 2 arrives before
        // our ack (updates go out before their commit, acks after it).
        assert_eq!(
            suspicions(&receive(&mut s, ServerMsg::Update(stored(&k, 2, b"2")))),
            vec![]
        );
        let out = receive(
            &mut s,
            ServerMsg::Ack {
                msg_id: ours,
                seq: 1,
            },
        );
        assert_eq!(
            out,
            vec![Incoming::Acked {
                msg_id: ours,
                seq: 1
            }]
        );
        assert_eq!(s.applied(), 2);
        // Another of ours, numbered 3 then refused by the store: its
        // number stays a hole that the refusal explains.
        let lost = s.local(b"lost".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        receive(&mut s, ServerMsg::Update(stored(&k, 4, b"4")));
        let out = receive(
            &mut s,
            ServerMsg::Error {
                code: ErrorCode::StorageFailed,
                msg_id: Some(lost),
            },
        );
        assert_eq!(suspicions(&out), vec![]);
        assert_eq!(
            suspicions(&receive(&mut s, ServerMsg::Update(stored(&k, 5, b"5")))),
            vec![]
        );
        // Resent, numbered 6.
        s.outgoing().expect("seal");
        let out = receive(
            &mut s,
            ServerMsg::Ack {
                msg_id: lost,
                seq: 6,
            },
        );
        assert_eq!(suspicions(&out), vec![]);
        assert_eq!(s.applied(), 6);
    }

    #[test]
    fn an_ack_for_an_unknown_id_or_a_huge_number_is_reported_and_does_not_move_applied() {
        let k = keys();
        let mut s = Session::new(k.clone(), 5, Vec::new());
        live(&mut s);
        let out = receive(
            &mut s,
            ServerMsg::Ack {
                msg_id: [7; 16],
                seq: 6,
            },
        );
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::UnknownAck {
                msg_id: [7; 16],
                seq: 6
            }]
        );
        assert_eq!(s.applied(), 5);
        let id = s.local(b"x".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        let out = receive(
            &mut s,
            ServerMsg::Ack {
                msg_id: id,
                seq: u64::MAX,
            },
        );
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::AckTooFar {
                seq: u64::MAX,
                bound: 6
            }]
        );
        assert_eq!(s.applied(), 5, "applied stays where the frames put it");
        assert_eq!(s.pending_len(), 0, "the relay says it stored it");
        // The next Hello asks from 5, not from the relay's claim.
        let Ok(ClientMsg::Hello { since_seq, .. }) = decode_client(&s.hello()) else {
            panic!("not a hello")
        };
        assert_eq!(since_seq, Some(5));
    }

    #[test]
    fn an_ack_before_the_history_is_in_names_nothing_in_flight() {
        let mut s = Session::new(keys(), 0, Vec::new());
        let id = s.local(b"offline".to_vec()).expect("editor");
        s.hello();
        let out = receive(&mut s, ServerMsg::Ack { msg_id: id, seq: 1 });
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::UnknownAck { msg_id: id, seq: 1 }]
        );
        assert_eq!(s.pending_len(), 1, "it will still be sent");
    }

    #[test]
    fn a_duplicates_ack_with_an_old_number_clears_it_and_leaves_applied_alone() {
        let mut s = Session::new(keys(), 40, Vec::new());
        live(&mut s);
        // Stored as 12 before a compaction; the relay still knows its id.
        let id = s.local(b"old".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        let out = receive(
            &mut s,
            ServerMsg::Ack {
                msg_id: id,
                seq: 12,
            },
        );
        assert_eq!(
            out,
            vec![Incoming::Acked {
                msg_id: id,
                seq: 12
            }]
        );
        assert_eq!((s.applied(), s.pending_len()), (40, 0));
    }

    #[test]
    fn our_update_in_flight_echoed_back_waits_for_its_ack() {
        let k = keys();
        let mut s = Session::new(k.clone(), 0, Vec::new());
        live(&mut s);
        let id = s.local(b"mine".to_vec()).expect("editor");
        let frame = s.outgoing().expect("seal").remove(0);
        let ClientMsg::Update {
            ciphertext,
            signature,
            ..
        } = decode_client(&frame).expect("update")
        else {
            panic!("not an update")
        };
        receive(
            &mut s,
            ServerMsg::Update(StoredUpdate {
                seq: 1,
                msg_id: id,
                ciphertext,
                signature,
            }),
        );
        assert_eq!(s.pending_len(), 1, "an echo is not an acknowledgement");
        receive(&mut s, ServerMsg::Ack { msg_id: id, seq: 1 });
        assert_eq!(s.pending_len(), 0);
    }

    #[test]
    fn a_snapshot_past_the_head_or_not_needed_is_reported() {
        let k = keys();
        let snapshot = |covers_upto| {
            let msg_id = new_msg_id();
            let (ciphertext, signature) = k
                .seal(&Context::snapshot(k.room(), msg_id, covers_upto), b"state")
                .expect("an editor");
            StoredSnapshot {
                covers_upto,
                msg_id,
                ciphertext,
                signature: signature.expect("signed"),
            }
        };
        let mut s = Session::new(k.clone(), 0, Vec::new());
        s.hello();
        let out = receive(
            &mut s,
            ServerMsg::Welcome {
                peer: 1,
                head_seq: 3,
                snapshot: Some(snapshot(9).head()),
                pending: 0,
            },
        );
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::MisplacedSnapshot {
                covers_upto: 9,
                head: 3
            }]
        );
        assert_eq!(s.applied(), 0);
        let mut s = Session::new(k.clone(), 8, Vec::new());
        s.hello();
        let out = receive(
            &mut s,
            ServerMsg::Welcome {
                peer: 1,
                head_seq: 10,
                snapshot: Some(snapshot(6).head()),
                pending: 0,
            },
        );
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::MisplacedSnapshot {
                covers_upto: 6,
                head: 10
            }]
        );
        assert_eq!(s.applied(), 8, "an older snapshot does not take us back");
    }

    #[test]
    fn a_relay_behind_its_client_is_reported_and_the_client_starts_over() {
        let mut s = Session::new(keys(), 30, Vec::new());
        s.hello();
        let out = receive(
            &mut s,
            ServerMsg::Welcome {
                peer: 1,
                head_seq: 20,
                snapshot: None,
                pending: 20,
            },
        );
        assert_eq!(
            suspicions(&out),
            vec![Suspicion::RelayBehind {
                head: 20,
                applied: 30
            }]
        );
        assert_eq!(s.applied(), 0);
    }

    /// A proposal sealed by `keys` covering `covers_upto`, holding
    /// `state`.
    fn proposal(keys: &DocKeys, covers_upto: u64, state: &[u8]) -> StoredSnapshot {
        let msg_id = new_msg_id();
        let (ciphertext, signature) = keys
            .seal(&Context::snapshot(keys.room(), msg_id, covers_upto), state)
            .expect("an editor");
        StoredSnapshot {
            covers_upto,
            msg_id,
            ciphertext,
            signature: signature.expect("signed"),
        }
    }

    /// The frames of a check of `snapshot`: its head, then its ciphertext
    /// in chunks of `piece` bytes.
    fn check_frames(snapshot: &StoredSnapshot, piece: usize) -> Vec<ServerMsg> {
        let mut frames = vec![ServerMsg::CheckSnapshot {
            head: snapshot.head(),
        }];
        frames.extend(
            snapshot
                .ciphertext
                .chunks(piece)
                .map(|c| ServerMsg::CheckChunk(c.to_vec())),
        );
        frames
    }

    /// Send a whole check; what the session said, all of it after the
    /// last chunk.
    fn check(s: &mut Session, snapshot: &StoredSnapshot) -> Vec<Incoming> {
        let frames = check_frames(snapshot, 8);
        let last = frames.len() - 1;
        let mut said = Vec::new();
        for (i, frame) in frames.into_iter().enumerate() {
            let out = receive(s, frame);
            if i < last {
                assert_eq!(out, vec![], "nothing before the last chunk");
            }
            said = out;
        }
        said
    }

    fn verdicts(s: &mut Session) -> Vec<(MsgId, Verdict)> {
        s.outgoing()
            .expect("seal")
            .iter()
            .filter_map(|f| match decode_client(f) {
                Ok(ClientMsg::SnapshotVerdict { msg_id, verdict }) => Some((msg_id, verdict)),
                _ => None,
            })
            .collect()
    }

    fn malformed(result: Result<Vec<Incoming>, SessionError>) -> bool {
        matches!(result, Err(SessionError::Wire(WireError::Malformed(_))))
    }

    #[test]
    fn a_snapshot_to_check_is_opened_or_answered_by_the_session() {
        let k = keys();
        let mut s = Session::new(k.clone(), 5, Vec::new());
        live(&mut s);
        let fine = proposal(&k, 5, b"theirs");
        assert!(fine.ciphertext.len() > 8 * 3, "several chunks");
        assert_eq!(
            check(&mut s, &fine),
            vec![Incoming::CheckSnapshot {
                msg_id: fine.msg_id,
                covers_upto: 5,
                state: b"theirs".to_vec()
            }]
        );
        assert_eq!(verdicts(&mut s), vec![], "the caller answers");
        let _ = s.verdict(fine.msg_id, Verdict::Matches);
        // Past what we applied: we cannot tell, and say so ourselves.
        let ahead = proposal(&k, 6, b"theirs");
        assert!(check(&mut s, &ahead).is_empty());
        assert_eq!(verdicts(&mut s), vec![(ahead.msg_id, Verdict::CannotTell)]);
        // Altered on the relay's side: reported, and refused.
        let mut altered = proposal(&k, 5, b"theirs");
        altered.ciphertext[30] ^= 1;
        assert_eq!(
            check(&mut s, &altered),
            vec![Incoming::Invalid {
                seq: None,
                error: OpenError::BadSignature
            }]
        );
        assert_eq!(verdicts(&mut s), vec![(altered.msg_id, Verdict::Differs)]);
        // An empty one is whole at once, and opens to nothing.
        let mut empty = proposal(&k, 5, b"theirs");
        empty.ciphertext.clear();
        let out = receive(&mut s, ServerMsg::CheckSnapshot { head: empty.head() });
        assert!(matches!(out[..], [Incoming::Invalid { seq: None, .. }]));
        assert_eq!(verdicts(&mut s), vec![(empty.msg_id, Verdict::Differs)]);
    }

    #[test]
    fn a_snapshot_to_check_is_assembled_while_live_frames_come_between_its_chunks() {
        let k = keys();
        let mut s = Session::new(k.clone(), 5, Vec::new());
        live(&mut s);
        let mine = s.local(b"mine".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        // It covers 6, which comes in the middle of the chunks.
        let proposal = proposal(&k, 6, b"the whole text");
        let mut frames = check_frames(&proposal, 20).into_iter();
        let head = frames.next().expect("a head");
        let first = frames.next().expect("a chunk");
        let rest: Vec<ServerMsg> = frames.collect();
        assert!(rest.len() >= 2);
        assert_eq!(receive(&mut s, head), vec![]);
        assert_eq!(receive(&mut s, first), vec![]);
        let out = receive(&mut s, ServerMsg::Update(stored(&k, 6, b"six")));
        assert_eq!(
            out,
            vec![Incoming::Update {
                seq: 6,
                update: b"six".to_vec()
            }]
        );
        // A welcome's chunk is not taken for a check's, and leaves it be.
        assert!(malformed(
            s.receive(&ServerMsg::SnapshotChunk(vec![0; 4]).encode())
        ));
        let out = receive(
            &mut s,
            ServerMsg::Ack {
                msg_id: mine,
                seq: 7,
            },
        );
        assert_eq!(
            out,
            vec![Incoming::Acked {
                msg_id: mine,
                seq: 7
            }]
        );
        let last = rest.len() - 1;
        for (i, frame) in rest.into_iter().enumerate() {
            let out = receive(&mut s, frame);
            if i == last {
                assert_eq!(
                    out,
                    vec![Incoming::CheckSnapshot {
                        msg_id: proposal.msg_id,
                        covers_upto: 6,
                        state: b"the whole text".to_vec()
                    }],
                    "judged with update 6 applied"
                );
            } else {
                assert_eq!(out, vec![]);
            }
        }
        assert!(s.check.is_none());
        assert_eq!(s.applied(), 7);
    }

    #[test]
    fn a_snapshot_to_check_longer_than_a_client_holds_is_refused() {
        let k = keys();
        let mut s = Session::new(k.clone(), 5, Vec::new());
        live(&mut s);
        let mut head = proposal(&k, 5, b"x").head();
        head.len = MAX_SNAPSHOT_BYTES + 1;
        assert!(malformed(s.receive(
            &ServerMsg::CheckSnapshot { head: head.clone() }.encode()
        )));
        assert!(s.check.is_none(), "nothing kept for it");
        assert!(malformed(
            s.receive(&ServerMsg::CheckChunk(vec![0; 8]).encode())
        ));
        // At the limit, it is taken (and its bytes are not reserved up
        // front).
        head.len = MAX_SNAPSHOT_BYTES;
        assert_eq!(receive(&mut s, ServerMsg::CheckSnapshot { head }), vec![]);
        assert!(s
            .check
            .as_ref()
            .is_some_and(|c| c.ciphertext.capacity() <= 1 << 20));
        assert_eq!(verdicts(&mut s), vec![]);
    }

    #[test]
    fn bytes_past_a_checks_announced_length_are_refused_and_drop_the_check() {
        let k = keys();
        let mut s = Session::new(k.clone(), 5, Vec::new());
        live(&mut s);
        // A chunk nobody announced.
        assert!(malformed(
            s.receive(&ServerMsg::CheckChunk(vec![0; 3]).encode())
        ));
        let first = proposal(&k, 5, b"theirs");
        let len = first.ciphertext.len();
        receive(&mut s, ServerMsg::CheckSnapshot { head: first.head() });
        receive(
            &mut s,
            ServerMsg::CheckChunk(first.ciphertext[..len - 2].to_vec()),
        );
        // The last two bytes and one more, in one chunk.
        let mut over = first.ciphertext[len - 2..].to_vec();
        over.push(0);
        assert!(malformed(s.receive(&ServerMsg::CheckChunk(over).encode())));
        assert!(s.check.is_none());
        // Dropped: the right last bytes now come with no check announced.
        assert!(malformed(s.receive(
            &ServerMsg::CheckChunk(first.ciphertext[len - 2..].to_vec()).encode()
        )));
        assert_eq!(verdicts(&mut s), vec![], "no verdict for a broken check");
        // The next check is judged as usual.
        let next = proposal(&k, 5, b"next");
        assert!(matches!(
            check(&mut s, &next)[..],
            [Incoming::CheckSnapshot { .. }]
        ));
    }

    #[test]
    fn a_second_check_while_one_is_arriving_is_refused_and_drops_both() {
        let k = keys();
        let mut s = Session::new(k.clone(), 5, Vec::new());
        live(&mut s);
        let first = proposal(&k, 5, b"first");
        let second = proposal(&k, 5, b"second");
        receive(&mut s, ServerMsg::CheckSnapshot { head: first.head() });
        receive(
            &mut s,
            ServerMsg::CheckChunk(first.ciphertext[..10].to_vec()),
        );
        assert!(malformed(
            s.receive(
                &ServerMsg::CheckSnapshot {
                    head: second.head()
                }
                .encode()
            )
        ));
        assert!(s.check.is_none());
        // Neither the first's nor the second's bytes make a check now.
        for bytes in [&first.ciphertext[10..], &second.ciphertext[..]] {
            assert!(malformed(
                s.receive(&ServerMsg::CheckChunk(bytes.to_vec()).encode())
            ));
        }
        assert_eq!(verdicts(&mut s), vec![]);
        assert!(matches!(
            check(&mut s, &second)[..],
            [Incoming::CheckSnapshot { .. }]
        ));
    }

    #[test]
    fn a_check_half_received_when_the_connection_drops_leaves_nothing_behind() {
        let k = keys();
        let proposal = proposal(&k, 5, b"theirs");
        let half = proposal.ciphertext.len() / 2;
        for closed in [
            Session::disconnected as fn(&mut Session),
            |s: &mut Session| {
                s.hello();
            },
        ] {
            let mut s = Session::new(k.clone(), 5, Vec::new());
            live(&mut s);
            receive(
                &mut s,
                ServerMsg::CheckSnapshot {
                    head: proposal.head(),
                },
            );
            receive(
                &mut s,
                ServerMsg::CheckChunk(proposal.ciphertext[..half].to_vec()),
            );
            closed(&mut s);
            assert!(s.check.is_none());
            live(&mut s);
            // The rest, on the new connection, is a chunk of nothing.
            assert!(malformed(s.receive(
                &ServerMsg::CheckChunk(proposal.ciphertext[half..].to_vec()).encode()
            )));
            assert_eq!(verdicts(&mut s), vec![]);
            // Asked again from the start, it is judged.
            assert!(matches!(
                check(&mut s, &proposal)[..],
                [Incoming::CheckSnapshot { .. }]
            ));
        }
    }

    #[test]
    fn a_lone_unsent_update_keeps_its_id_and_nothing_is_merged_across_one_in_flight() {
        let mut s = Session::new(keys(), 0, Vec::new());
        let id = s.local(b"a".to_vec()).expect("editor");
        s.merge_unsent(|parts| Ok::<_, ()>(parts.concat()))
            .expect("merge");
        assert_eq!(s.pending()[0].msg_id, id, "one update is not rewritten");
        // [in flight, unsent, unsent]: only the last two merge.
        live(&mut s);
        s.outgoing().expect("seal");
        s.local(b"b".to_vec()).expect("editor");
        s.local(b"c".to_vec()).expect("editor");
        s.merge_unsent(|parts| Ok::<_, ()>(parts.concat()))
            .expect("merge");
        let pending = s.pending();
        assert_eq!(pending.len(), 2);
        assert_eq!(pending[0].msg_id, id);
        assert_eq!(pending[1].update, b"bc".to_vec());
        // [refused, in flight, unsent]: merging would reorder; nothing is.
        let mut s = Session::new(keys(), 0, Vec::new()).with_window(2);
        live(&mut s);
        let a = s.local(b"a".to_vec()).expect("editor");
        s.local(b"b".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        s.local(b"c".to_vec()).expect("editor");
        let refused = ServerMsg::Error {
            code: ErrorCode::RateLimited,
            msg_id: Some(a),
        };
        s.receive(&refused.encode()).expect("error");
        let before = s.pending();
        s.merge_unsent(|parts| Ok::<_, ()>(parts.concat()))
            .expect("merge");
        assert_eq!(s.pending(), before);
    }

    #[test]
    fn a_viewer_makes_no_snapshot() {
        let k = keys();
        let viewer = DocKeys::from_view(k.view_secret().clone(), k.writer());
        let s = Session::new(viewer, 5, Vec::new());
        assert_eq!(s.snapshot(b"state"), Ok(None));
    }

    #[test]
    fn a_relay_behind_the_client_sends_everything_and_one_at_its_head_nothing_again() {
        let welcome = |head_seq| {
            ServerMsg::Welcome {
                peer: 1,
                head_seq,
                snapshot: None,
                pending: 0,
            }
            .encode()
        };
        // One connection each: a second welcome on one is suspicious.
        let mut s = Session::new(keys(), 7, Vec::new());
        s.hello();
        s.receive(&welcome(7)).expect("welcome");
        assert_eq!(s.applied(), 7, "at the relay's head");
        s.hello();
        s.receive(&welcome(9)).expect("welcome");
        assert_eq!(s.applied(), 7, "behind the relay's head");
        s.hello();
        let said = s.receive(&welcome(6)).expect("welcome");
        assert_eq!(s.applied(), 0, "the relay has less: start over");
        assert!(said.contains(&Incoming::Suspicious {
            what: Suspicion::RelayBehind {
                head: 6,
                applied: 7
            }
        }));
    }

    #[test]
    fn behind_an_update_in_flight_nothing_or_one_unsent_is_left_alone() {
        let mut s = Session::new(keys(), 0, Vec::new());
        live(&mut s);
        s.local(b"a".to_vec()).expect("editor");
        s.outgoing().expect("seal");
        let merge = |s: &mut Session| {
            s.merge_unsent(|parts| Ok::<_, ()>(parts.concat()))
                .expect("merge")
        };
        let before = s.pending();
        merge(&mut s);
        assert_eq!(s.pending(), before, "nothing unsent: nothing made up");
        s.local(b"b".to_vec()).expect("editor");
        let before = s.pending();
        merge(&mut s);
        assert_eq!(s.pending(), before, "one unsent keeps its id");
    }
}

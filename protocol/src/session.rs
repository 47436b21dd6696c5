//! The client side of a relay connection, without I/O: a state machine the
//! app (and native tools) drive with frames and local updates, and which
//! says what to send and what to apply. No socket, no timer, no storage
//! here: the caller owns those, so this logic is tested natively.
//!
//! What it owns:
//! - the keys, and so sealing what goes out and opening (verify, decrypt)
//!   what comes in;
//! - `applied`: the last sequence number whose update the caller has been
//!   given; with the document state, it is what the caller persists, and it
//!   is the `since_seq` of the next `Hello`;
//! - the pending queue: local updates not yet acknowledged, oldest first,
//!   each with the message id it keeps across resends (the relay drops
//!   duplicates by id and acknowledges them again). The caller persists it
//!   too ([`Session::pending`]): an edit made offline survives a reload.
//!
//! Flow control: at most `window` updates are in flight; each `Ack` frees a
//! place, and [`Session::outgoing`] hands out the next frames. An update the
//! relay refused for a passing reason (rate, storage, shutdown) goes back to
//! the queue and is resent by a later `outgoing`; one it refused for good
//! (too large, bad signature) is reported and dropped from the queue (the
//! text is still in the caller's document, so nothing typed is lost).
//!
//! Ordering: the relay sends a connection its catch-up, then live updates
//! and acks in commit order, so when `Ack{seq}` arrives every update before
//! `seq` has arrived too, and `applied` can move to `seq`.
//!
//! Snapshots arrive in pieces (protocol version 2): `Welcome` carries the
//! snapshot's head, `SnapshotChunk` frames its ciphertext. The session puts
//! them together and reports one [`Incoming::Snapshot`] once the announced
//! length is in, so its callers never see the pieces. A head longer than
//! [`MAX_SNAPSHOT_BYTES`], a chunk nobody announced or past the length, and
//! an update before the snapshot is whole are refused as malformed.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::envelope::{new_msg_id, Context, MsgId, OpenError, SealError};
use crate::keys::DocKeys;
use crate::wire::{
    decode_server, ClientMsg, ErrorCode, PeerId, ServerMsg, SnapshotHead, StoredUpdate, WireError,
    MAX_SNAPSHOT_BYTES,
};

/// Updates in flight at once by default: enough to keep a fast typist's
/// keystrokes flowing on a slow link, few enough to stay under the relay's
/// default rate limit when a backlog is flushed.
pub const DEFAULT_WINDOW: usize = 32;

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
    Awareness {
        peer: PeerId,
        state: Vec<u8>,
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
    /// The relay refused something. `dropped` is true when a pending update
    /// was taken off the queue for good (its content stays in the document).
    Refused {
        code: ErrorCode,
        msg_id: Option<MsgId>,
        dropped: bool,
    },
    /// A stored message failed verification or decryption: the relay (or
    /// someone who can write to its disk) altered it. It was not applied.
    Invalid {
        seq: Option<u64>,
        error: OpenError,
    },
}

/// A frame that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("the relay sent a message this version does not understand: {0}")]
    Wire(#[from] WireError),
}

/// A snapshot whose chunks are arriving.
#[derive(Debug)]
struct Assembly {
    head: SnapshotHead,
    ciphertext: Vec<u8>,
}

/// One document's connection state; see the module docs.
#[derive(Debug)]
pub struct Session {
    keys: DocKeys,
    applied: u64,
    /// The snapshot being received, between `Welcome` and its last chunk.
    assembly: Option<Assembly>,
    pending: VecDeque<Pending>,
    phase: Phase,
    window: usize,
    /// Check every stored message's signature (always, except in a load
    /// generator: [`Session::without_signature_checks`]).
    verify: bool,
    /// Sent in `Hello`, for a relay that creates rooms only with a token.
    creation_token: Option<String>,
}

impl Session {
    /// A session that has applied everything up to `applied` and still has
    /// `pending` to deliver (both as persisted by an earlier session).
    pub fn new(keys: DocKeys, applied: u64, pending: Vec<PendingUpdate>) -> Self {
        Self {
            keys,
            applied,
            assembly: None,
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
            creation_token: None,
        }
    }

    /// Send `token` in every `Hello` from now on (see
    /// [`ClientMsg::Hello`]); `None` stops sending one.
    pub fn set_creation_token(&mut self, token: Option<String>) {
        self.creation_token = token;
    }

    pub fn with_window(mut self, window: usize) -> Self {
        self.window = window.max(1);
        self
    }

    /// Decrypt what arrives without checking the editors' signatures
    /// ([`DocKeys::decrypt`]). Only for a load generator that simulates
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
        signature: &crate::envelope::Signature,
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

    /// The connection opened: the frame to send first. A session that has
    /// applied nothing asks for the snapshot.
    pub fn hello(&mut self) -> Vec<u8> {
        self.phase = Phase::Joining {
            received: 0,
            total: None,
        };
        self.assembly = None;
        for p in &mut self.pending {
            p.in_flight = false;
        }
        ClientMsg::Hello {
            room: self.keys.room(),
            since_seq: (self.applied > 0).then_some(self.applied),
            write_pk: Some(self.keys.writer().to_bytes()),
            creation_token: self.creation_token.clone(),
        }
        .encode()
    }

    /// The connection closed: everything in flight will be resent.
    pub fn disconnected(&mut self) {
        self.phase = Phase::Offline;
        self.assembly = None;
        for p in &mut self.pending {
            p.in_flight = false;
        }
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

    /// The frames to send now: queued updates, up to the window, once live.
    pub fn outgoing(&mut self) -> Result<Vec<Vec<u8>>, SealError> {
        if self.phase != Phase::Live {
            return Ok(Vec::new());
        }
        let in_flight = self.pending.iter().filter(|p| p.in_flight).count();
        let room = self.keys.room();
        let mut frames = Vec::new();
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
    /// when there is nothing to cover.
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

    /// A presence frame; viewers may send one too.
    pub fn awareness(&self, state: &[u8]) -> Result<Vec<u8>, SealError> {
        let (ciphertext, _) = self
            .keys
            .seal(&Context::awareness(self.keys.room()), state)?;
        Ok(ClientMsg::Awareness { ciphertext }.encode())
    }

    fn open_update(&mut self, u: StoredUpdate, out: &mut Vec<Incoming>) {
        if u.seq <= self.applied {
            return;
        }
        let context = Context::update(self.keys.room(), u.msg_id);
        match self.open(&context, &u.ciphertext, &u.signature) {
            Ok(update) => out.push(Incoming::Update { seq: u.seq, update }),
            Err(error) => out.push(Incoming::Invalid {
                seq: Some(u.seq),
                error,
            }),
        }
        // Our own update from an earlier connection whose ack we missed.
        if let Some(i) = self.pending.iter().position(|p| p.item.msg_id == u.msg_id) {
            self.pending.remove(i);
        }
        self.applied = u.seq;
    }

    /// The snapshot is whole: verify, decrypt, report it.
    fn open_snapshot(&mut self, assembly: Assembly, out: &mut Vec<Incoming>) {
        let head = assembly.head;
        let context = Context::snapshot(self.keys.room(), head.msg_id, head.covers_upto);
        match self.open(&context, &assembly.ciphertext, &head.signature) {
            Ok(state) => {
                self.applied = head.covers_upto;
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
        match &msg {
            ServerMsg::SnapshotChunk(_) => {}
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
            } => {
                self.phase = Phase::Joining {
                    received: 0,
                    total: Some(pending),
                };
                out.push(Incoming::Joined { peer, head_seq });
                if let Some(head) = snapshot {
                    if head.len > MAX_SNAPSHOT_BYTES {
                        return Err(SessionError::Wire(WireError::Malformed(format!(
                            "a snapshot of {} bytes is larger than this client accepts",
                            head.len
                        ))));
                    }
                    let assembly = Assembly {
                        ciphertext: Vec::with_capacity(head.len.min(1 << 20) as usize),
                        head,
                    };
                    if assembly.head.len == 0 {
                        self.open_snapshot(assembly, &mut out);
                    } else {
                        self.assembly = Some(assembly);
                    }
                } else if head_seq < self.applied {
                    // The relay has less than we applied (restored from an
                    // older backup): it sends us everything it has.
                    self.applied = 0;
                }
            }
            ServerMsg::Updates(chunk) => {
                let n = chunk.len() as u64;
                for u in chunk {
                    self.open_update(u, &mut out);
                }
                if let Phase::Joining { received, total } = &mut self.phase {
                    *received += n;
                    out.push(Incoming::Progress {
                        received: *received,
                        total: total.unwrap_or(*received),
                    });
                }
            }
            ServerMsg::CaughtUp { head_seq } => {
                self.phase = Phase::Live;
                out.push(Incoming::CaughtUp { head_seq });
            }
            ServerMsg::Update(u) => self.open_update(u, &mut out),
            ServerMsg::Ack { msg_id, seq } => {
                if let Some(i) = self.pending.iter().position(|p| p.item.msg_id == msg_id) {
                    self.pending.remove(i);
                }
                self.applied = self.applied.max(seq);
                out.push(Incoming::Acked { msg_id, seq });
            }
            ServerMsg::SnapshotStored { covers_upto } => {
                out.push(Incoming::SnapshotStored { covers_upto })
            }
            ServerMsg::Awareness { peer, ciphertext } => {
                match self
                    .keys
                    .open(&Context::awareness(self.keys.room()), &ciphertext, None)
                {
                    Ok(state) => out.push(Incoming::Awareness { peer, state }),
                    Err(error) => out.push(Incoming::Invalid { seq: None, error }),
                }
            }
            ServerMsg::SnapshotChunk(bytes) => {
                let Some(assembly) = &mut self.assembly else {
                    return Err(SessionError::Wire(WireError::Malformed(
                        "a snapshot chunk without a snapshot".into(),
                    )));
                };
                let len = assembly.ciphertext.len() as u64 + bytes.len() as u64;
                if len > assembly.head.len {
                    self.assembly = None;
                    return Err(SessionError::Wire(WireError::Malformed(
                        "a snapshot longer than announced".into(),
                    )));
                }
                assembly.ciphertext.extend_from_slice(&bytes);
                if len == assembly.head.len {
                    if let Some(assembly) = self.assembly.take() {
                        self.open_snapshot(assembly, &mut out);
                    }
                }
            }
            ServerMsg::PeerLeft { peer } => out.push(Incoming::PeerLeft { peer }),
            ServerMsg::CompactHint { head_seq } => out.push(Incoming::CompactHint { head_seq }),
            ServerMsg::Error { code, msg_id } => {
                let mut dropped = false;
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
                        _ => self.pending[i].in_flight = false,
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

    fn live(session: &mut Session) {
        session.hello();
        let welcome = ServerMsg::Welcome {
            peer: 1,
            head_seq: 0,
            snapshot: None,
            pending: 0,
        };
        session.receive(&welcome.encode()).expect("welcome");
        session
            .receive(&ServerMsg::CaughtUp { head_seq: 0 }.encode())
            .expect("caught up");
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
    fn the_creation_token_is_sent_in_every_hello_once_set() {
        let mut s = Session::new(keys(), 0, Vec::new());
        let token = |s: &mut Session| match decode_client(&s.hello()) {
            Ok(ClientMsg::Hello { creation_token, .. }) => creation_token,
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
                write_pk: Some(_),
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
        // A replay of an applied seq is ignored; an altered one is reported.
        assert!(reader
            .receive(&ServerMsg::Update(stored.clone()).encode())
            .expect("again")
            .is_empty());
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
        s.receive(&ServerMsg::Ack { msg_id: id, seq: 9 }.encode())
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
        assert_eq!(covers_upto, 9);
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
            head_seq: 9,
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
                    covers_upto: 9
                }),
                last
            );
        }
        assert_eq!(fresh.applied(), 9);
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
        s.receive(&ServerMsg::Ack { msg_id: id, seq: 4 }.encode())
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
        // An ack for nothing we sent changes nothing but `applied`.
        s.receive(
            &ServerMsg::Ack {
                msg_id: [0; 16],
                seq: 3,
            }
            .encode(),
        )
        .expect("ack");
        assert_eq!(s.pending_len(), 1);
        assert_eq!(s.applied(), 3);
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
    fn awareness_round_trips_between_sessions() {
        let k = keys();
        let a = Session::new(k.clone(), 0, Vec::new());
        let frame = a.awareness(b"{\"name\":\"Ana\"}").expect("seal");
        let ClientMsg::Awareness { ciphertext } = decode_client(&frame).expect("awareness") else {
            panic!()
        };
        let mut b = Session::new(k, 0, Vec::new());
        let out = b
            .receive(
                &ServerMsg::Awareness {
                    peer: 4,
                    ciphertext,
                }
                .encode(),
            )
            .expect("awareness");
        assert_eq!(
            out,
            vec![Incoming::Awareness {
                peer: 4,
                state: b"{\"name\":\"Ana\"}".to_vec()
            }]
        );
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
        let mut s = Session::new(keys(), 7, Vec::new());
        s.hello();
        s.receive(&welcome(7)).expect("welcome");
        assert_eq!(s.applied(), 7, "at the relay's head");
        s.receive(&welcome(9)).expect("welcome");
        assert_eq!(s.applied(), 7, "behind the relay's head");
        s.receive(&welcome(6)).expect("welcome");
        assert_eq!(s.applied(), 0, "the relay has less: start over");
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

//! The client without I/O: the protocol's [`Session`] (sealing, opening,
//! the pending queue, acknowledgements by message id, flow control) and
//! the document it keeps in step ([`Replica`]). Frames go in, [`Event`]s
//! and frames to send come out; the caller owns the socket.
//!
//! On top of the session it decides what every native client would decide
//! the same way: apply what arrives to the replica (a co-author's update
//! that does not apply is set aside and reported, never fatal: the replica
//! checks it first, [`model::guard`], and a panic while applying is caught
//! as a second net), answer the relay's `CompactHint` with a snapshot when
//! it may write and its copy may be snapshotted (nothing set aside,
//! nothing missing, nothing of its own unacknowledged), check a
//! co-author's proposed snapshot against the replica when the relay asks
//! (`CheckSnapshot`), report what the replica waits for after a catch-up
//! (edits the relay withheld), and note what the last join brought (a
//! snapshot, how many updates) for reports.
//!
//! [`crate::Client`] drives it over a websocket; the bench drives it inside
//! its own socket loop, beside the Yjs protocols.

use std::panic::{catch_unwind, AssertUnwindSafe};

use model::heads::Missing;
use model::snapshot::{Coverage, SnapshotCheck};
use protocol::session::{Incoming, PendingUpdate, Phase, Session, Suspicion};
use protocol::{DocKeys, ErrorCode, MsgId, OpenError, PeerId, Verdict};

use crate::error::ClientError;
use crate::replica::Replica;

/// What happened, after the engine did its part (updates applied to the
/// replica, snapshots sent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The relay took our `Hello`: our peer id, the room's last sequence
    /// number.
    Joined {
        peer: PeerId,
        head_seq: u64,
    },
    /// The relay's snapshot was loaded into the replica; its plaintext,
    /// for whoever keeps a copy of their own.
    Snapshot {
        covers_upto: u64,
        state: Vec<u8>,
    },
    /// An update was applied to the replica (a co-author's, or one of ours
    /// from an earlier connection); its plaintext, for whoever counts.
    Update {
        seq: u64,
        update: Vec<u8>,
    },
    /// History received so far while joining.
    Progress {
        received: u64,
        total: u64,
    },
    /// The history is in; live from now on.
    CaughtUp {
        head_seq: u64,
    },
    /// One of our updates is stored as `seq`.
    Acked {
        msg_id: MsgId,
        seq: u64,
    },
    /// A co-author's presence, decrypted; `signed` by an editor (an
    /// unsigned peer is a reader, whatever it says).
    Awareness {
        peer: PeerId,
        state: Vec<u8>,
        signed: bool,
    },
    PeerLeft {
        peer: PeerId,
    },
    /// The relay asked for a snapshot; `answered` when one was sent. A
    /// hint that comes while our own updates wait for their acks is
    /// answered once they are acknowledged: this event comes again then,
    /// after the last `Acked`.
    CompactHint {
        head_seq: u64,
        answered: bool,
    },
    SnapshotStored {
        covers_upto: u64,
    },
    /// The relay refused something; `dropped` when it was one of our
    /// updates, refused for good (its text stays in the replica).
    Refused {
        code: ErrorCode,
        msg_id: Option<MsgId>,
        dropped: bool,
    },
    /// A stored message failed its signature or decryption: the relay (or
    /// whoever can write to its disk) altered it. Not applied. `seq` is
    /// `None` for the snapshot.
    Invalid {
        seq: Option<u64>,
        error: OpenError,
    },
    /// A co-author's presence did not open (replayed from another
    /// connection, another key, or altered on the way); ignored.
    BadAwareness {
        peer: PeerId,
        error: OpenError,
    },
    /// The relay sent what an honest relay never sends.
    Suspicious {
        what: Suspicion,
    },
    /// After the history, the replica still waits for edits that updates
    /// it holds refer to: the relay withheld them.
    Missing {
        missing: Missing,
    },
    /// The relay asked us to check a co-author's proposed snapshot; what we
    /// answered, and why.
    CheckedSnapshot {
        msg_id: MsgId,
        covers_upto: u64,
        verdict: Verdict,
        why: String,
    },
    /// A message opened but the replica could not apply it: a co-author
    /// (who holds the keys) sent something that is not an update of this
    /// document, or that the guard refused. Set aside: not applied, and no
    /// snapshot is sent from this replica afterwards.
    Unapplicable {
        seq: Option<u64>,
        error: String,
    },
    /// The connection closed (only [`crate::Client`] says this), with the
    /// relay's close code if it sent one.
    Closed {
        code: Option<u16>,
    },
    /// The room is sealed (issue 15): its document moved to new rooms when
    /// a member was removed. `member_box` (its signature checked against
    /// the room's write key) holds each remaining member's new link,
    /// opened with `protocol::memberbox::open_for` and one's identity key.
    /// The room takes no more updates; the replica stays readable.
    Sealed {
        member_box: Vec<u8>,
    },
}

/// What the last join brought.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Join {
    pub peer: PeerId,
    /// The room's last sequence number when we joined.
    pub head_seq: u64,
    /// The snapshot we started from, if the relay sent one.
    pub snapshot: Option<u64>,
    /// Stored updates received and applied.
    pub updates: u64,
    /// Stored messages that failed verification, or did not apply.
    pub damaged: u64,
}

/// One document's session and replica; see the module docs.
#[derive(Debug)]
pub struct Engine<D> {
    session: Session,
    doc: D,
    answer_hints: bool,
    /// The head of the last `CompactHint` answered, so a hint repeated
    /// before the snapshot is stored is not answered twice.
    hinted: u64,
    /// A hint that came while our own updates were unacknowledged: it is
    /// answered once they are (a snapshot holding them could not be
    /// checked by anyone).
    deferred_hint: Option<u64>,
    join: Join,
    /// Frames decided here (snapshots, verdicts), sent before the session's.
    outbox: Vec<Vec<u8>>,
    /// The updates applied lately, to check a proposed snapshot.
    coverage: Coverage,
    /// Updates and snapshots that did not apply, since this engine began:
    /// a copy that set one aside is never snapshotted and cannot judge a
    /// co-author's snapshot.
    set_aside: u64,
}

/// Apply `update` to `doc`, a panic inside counted as a failure: Yrs on
/// crafted input is the one place a co-author's bytes could panic, and a
/// native client outlives it (the browser cannot: `panic = "abort"`).
fn apply<D: Replica>(doc: &mut D, update: &[u8]) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(|| doc.apply_remote(update))) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("applying it panicked".into()),
    }
}

impl<D: Replica> Engine<D> {
    /// A replica that has applied everything up to `applied` and still has
    /// `pending` to deliver (both as an earlier run left them; `0` and
    /// nothing for a new one).
    pub fn new(keys: DocKeys, doc: D, applied: u64, pending: Vec<PendingUpdate>) -> Self {
        Self {
            session: Session::new(keys, applied, pending),
            doc,
            answer_hints: true,
            hinted: 0,
            deferred_hint: None,
            join: Join::default(),
            outbox: Vec::new(),
            coverage: Coverage::new(applied),
            set_aside: 0,
        }
    }

    /// At most `window` updates in flight (default
    /// [`protocol::session::DEFAULT_WINDOW`]).
    pub fn with_window(mut self, window: usize) -> Self {
        self.session = self.session.with_window(window);
        self
    }

    /// Skip the signature checks; see
    /// [`Session::without_signature_checks`]: for load generators only.
    pub fn without_signature_checks(mut self) -> Self {
        self.session = self.session.without_signature_checks();
        self
    }

    /// Send `token` with the creation proof of every `Hello`: what a relay
    /// started with `--creation-token` wants before it creates a room.
    pub fn with_creation_token(mut self, token: Option<String>) -> Self {
        self.session.set_creation_token(token);
        self
    }

    /// Whether to answer `CompactHint` with a snapshot (the default, when
    /// the link can write, as an editor's app does).
    pub fn answer_compact_hints(mut self, answer: bool) -> Self {
        self.answer_hints = answer;
        self
    }

    pub fn doc(&self) -> &D {
        &self.doc
    }

    pub fn doc_mut(&mut self) -> &mut D {
        &mut self.doc
    }

    pub fn into_doc(self) -> D {
        self.doc
    }

    pub fn keys(&self) -> &DocKeys {
        self.session.keys()
    }

    /// The frame that seals this room with `member_box` (an editor's
    /// only); see [`protocol::session::Session::seal`].
    pub fn seal(&self, member_box: &[u8]) -> Result<Vec<u8>, ClientError> {
        Ok(self.session.seal(member_box)?)
    }

    /// The member box of the room's seal, once the relay showed one.
    pub fn sealed(&self) -> Option<&[u8]> {
        self.session.sealed()
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn phase(&self) -> Phase {
        self.session.phase()
    }

    /// The last sequence number applied.
    pub fn applied(&self) -> u64 {
        self.session.applied()
    }

    /// Local updates not yet acknowledged.
    pub fn pending_len(&self) -> usize {
        self.session.pending_len()
    }

    /// What the last (or current) join brought.
    pub fn join(&self) -> Join {
        self.join
    }

    /// The connection opened: the `Hello` to send first.
    pub fn hello(&mut self) -> Vec<u8> {
        self.join = Join::default();
        self.outbox.clear();
        self.session.hello()
    }

    /// The connection closed: what was in flight will be resent.
    pub fn disconnected(&mut self) {
        self.outbox.clear();
        self.deferred_hint = None;
        self.session.disconnected();
    }

    /// Queue an update the caller already applied to the replica. It
    /// leaves with the next [`Engine::take_outgoing`] once live.
    pub fn local(&mut self, update: Vec<u8>) -> Result<MsgId, ClientError> {
        Ok(self.session.local(update)?)
    }

    /// Merge every queued update not yet sent into one (after a long time
    /// offline: thousands of keystrokes become one message).
    pub fn merge_unsent(&mut self) -> Result<(), ClientError> {
        self.session
            .merge_unsent(|parts| yrs::merge_updates_v1(parts.iter().copied()))
            .map_err(|e| ClientError::Merge(e.to_string()))
    }

    /// The frames to send now: snapshots decided here, then queued updates
    /// up to the window.
    pub fn take_outgoing(&mut self) -> Result<Vec<Vec<u8>>, ClientError> {
        let mut frames = std::mem::take(&mut self.outbox);
        frames.extend(self.session.outgoing()?);
        Ok(frames)
    }

    /// Updates and snapshots that did not apply since this engine began.
    pub fn set_aside(&self) -> u64 {
        self.set_aside
    }

    /// Whether the replica may be snapshotted now: nothing set aside,
    /// nothing missing, none of our own updates unacknowledged (a snapshot
    /// holding them could not be checked by anyone).
    pub fn may_snapshot(&self) -> bool {
        self.set_aside == 0 && self.session.pending_len() == 0 && self.doc.missing().is_none()
    }

    /// A snapshot frame of the replica covering what was applied; `None`
    /// for a read-only link, when nothing was applied yet, or when the
    /// replica may not be snapshotted ([`Engine::may_snapshot`]).
    pub fn snapshot(&self) -> Result<Option<Vec<u8>>, ClientError> {
        if !self.may_snapshot() {
            return Ok(None);
        }
        Ok(self.session.snapshot(&self.doc.encode_state())?)
    }

    /// A presence frame; `None` before the relay welcomed this connection.
    pub fn awareness(&mut self, state: &[u8]) -> Result<Option<Vec<u8>>, ClientError> {
        Ok(self.session.awareness(state)?)
    }

    /// Compare a proposed snapshot with the replica.
    fn check(&self, covers_upto: u64, state: &[u8]) -> SnapshotCheck {
        if self.set_aside > 0 {
            return SnapshotCheck::CannotTell("this copy set an update aside".into());
        }
        if self.doc.missing().is_some() {
            return SnapshotCheck::CannotTell("this copy waits for missing edits".into());
        }
        let unsent: Vec<Vec<u8>> = self
            .session
            .pending()
            .into_iter()
            .map(|p| p.update)
            .collect();
        let unsent: Vec<&[u8]> = unsent.iter().map(Vec::as_slice).collect();
        self.doc
            .check_snapshot(state, covers_upto, &self.coverage, &unsent)
    }

    /// Read one frame from the relay: apply what it carries, and say what
    /// happened. Frames to send in answer wait in [`Engine::take_outgoing`].
    /// Fails only on a frame that is not a message of this protocol.
    pub fn receive(&mut self, frame: &[u8]) -> Result<Vec<Event>, ClientError> {
        let joining = matches!(self.session.phase(), Phase::Joining { .. });
        let incoming = self.session.receive(frame)?;
        let welcome = matches!(incoming.first(), Some(Incoming::Joined { .. }));
        let mut events = Vec::with_capacity(incoming.len());
        for item in incoming {
            let event = match item {
                Incoming::Joined { peer, head_seq } => {
                    self.join.peer = peer;
                    self.join.head_seq = head_seq;
                    Event::Joined { peer, head_seq }
                }
                Incoming::Snapshot { state, covers_upto } => match apply(&mut self.doc, &state) {
                    Ok(()) => {
                        self.join.snapshot = Some(covers_upto);
                        self.coverage = Coverage::new(covers_upto);
                        Event::Snapshot { covers_upto, state }
                    }
                    Err(error) => {
                        self.join.damaged += 1;
                        self.set_aside += 1;
                        Event::Unapplicable { seq: None, error }
                    }
                },
                Incoming::Update { seq, update } => match apply(&mut self.doc, &update) {
                    Ok(()) => {
                        if joining {
                            self.join.updates += 1;
                        }
                        self.coverage.note(seq, &update);
                        Event::Update { seq, update }
                    }
                    Err(error) => {
                        if joining {
                            self.join.damaged += 1;
                        }
                        self.set_aside += 1;
                        Event::Unapplicable {
                            seq: Some(seq),
                            error,
                        }
                    }
                },
                Incoming::Invalid { seq, error } => {
                    if joining || welcome {
                        self.join.damaged += 1;
                    }
                    Event::Invalid { seq, error }
                }
                Incoming::Progress { received, total } => Event::Progress { received, total },
                Incoming::CaughtUp { head_seq } => {
                    events.push(Event::CaughtUp { head_seq });
                    if let Some(missing) = self.doc.missing() {
                        self.join.damaged += 1;
                        events.push(Event::Missing { missing });
                    }
                    continue;
                }
                Incoming::Acked { msg_id, seq } => {
                    events.push(Event::Acked { msg_id, seq });
                    if let Some(head_seq) = self.deferred_hint {
                        if self.session.pending_len() == 0 {
                            self.deferred_hint = None;
                            let answered = self.answer_hint(head_seq)?;
                            events.push(Event::CompactHint { head_seq, answered });
                        }
                    }
                    continue;
                }
                Incoming::Awareness {
                    peer,
                    state,
                    signed,
                } => Event::Awareness {
                    peer,
                    state,
                    signed,
                },
                Incoming::BadAwareness { peer, error } => Event::BadAwareness { peer, error },
                Incoming::Suspicious { what } => Event::Suspicious { what },
                Incoming::CheckSnapshot {
                    msg_id,
                    covers_upto,
                    state,
                } => {
                    let (verdict, why) = match self.check(covers_upto, &state) {
                        SnapshotCheck::Matches => (Verdict::Matches, String::new()),
                        SnapshotCheck::Differs(why) => (Verdict::Differs, why),
                        SnapshotCheck::CannotTell(why) => (Verdict::CannotTell, why),
                    };
                    if verdict == Verdict::Matches {
                        // Most likely stored now: what it covers need not
                        // be remembered one by one.
                        self.coverage.forget_upto(covers_upto);
                    }
                    self.outbox.push(self.session.verdict(msg_id, verdict));
                    Event::CheckedSnapshot {
                        msg_id,
                        covers_upto,
                        verdict,
                        why,
                    }
                }
                Incoming::PeerLeft { peer } => Event::PeerLeft { peer },
                Incoming::CompactHint { head_seq } => {
                    let answered = self.answer_hint(head_seq)?;
                    Event::CompactHint { head_seq, answered }
                }
                Incoming::SnapshotStored { covers_upto } => {
                    self.coverage.forget_upto(covers_upto);
                    Event::SnapshotStored { covers_upto }
                }
                Incoming::Sealed { member_box } => Event::Sealed { member_box },
                Incoming::Refused {
                    code,
                    msg_id,
                    dropped,
                } => Event::Refused {
                    code,
                    msg_id,
                    dropped,
                },
            };
            events.push(event);
        }
        Ok(events)
    }

    fn answer_hint(&mut self, head_seq: u64) -> Result<bool, ClientError> {
        if !self.answer_hints || head_seq <= self.hinted {
            return Ok(false);
        }
        if self.session.pending_len() > 0 && self.session.keys().can_write() {
            self.deferred_hint = Some(head_seq);
            return Ok(false);
        }
        let Some(frame) = self.snapshot()? else {
            return Ok(false);
        };
        self.hinted = head_seq;
        self.outbox.push(frame);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::schema::BODY;
    use protocol::wire::decode_client;
    use protocol::{ClientMsg, EditSecret, ServerMsg, StoredUpdate};
    use yrs::{GetString as _, Text as _, Transact as _};

    fn typed(doc: &yrs::Doc, s: &str) -> Vec<u8> {
        let text = doc.get_or_insert_text(BODY);
        let mut txn = doc.transact_mut();
        let len = text.len(&txn);
        text.insert(&mut txn, len, s);
        txn.encode_update_v1()
    }

    fn body(doc: &yrs::Doc) -> String {
        doc.get_or_insert_text(BODY).get_string(&doc.transact())
    }

    fn live<D: Replica>(engine: &mut Engine<D>, head_seq: u64) {
        engine.hello();
        let welcome = ServerMsg::Welcome {
            peer: 1,
            head_seq,
            snapshot: None,
            pending: 0,
        };
        engine.receive(&welcome.encode()).expect("welcome");
        engine
            .receive(&ServerMsg::CaughtUp { head_seq }.encode())
            .expect("caught up");
    }

    /// The update frame an engine sent, as the relay would forward it.
    fn stored(frame: &[u8], seq: u64) -> StoredUpdate {
        let Ok(ClientMsg::Update {
            msg_id,
            ciphertext,
            signature,
        }) = decode_client(frame)
        else {
            panic!("not an update")
        };
        StoredUpdate {
            seq,
            msg_id,
            ciphertext,
            signature,
        }
    }

    #[test]
    fn what_one_engine_sends_another_applies() {
        let keys = DocKeys::from_edit(&EditSecret::generate());
        let mut ana = Engine::new(keys.clone(), yrs::Doc::with_client_id(1), 0, Vec::new());
        live(&mut ana, 0);
        let update = typed(ana.doc(), "Motion");
        let id = ana.local(update).expect("editor");
        let frames = ana.take_outgoing().expect("seal");
        assert_eq!(frames.len(), 1);

        let mut bruno = Engine::new(keys, yrs::Doc::with_client_id(2), 0, Vec::new());
        live(&mut bruno, 0);
        let events = bruno
            .receive(&ServerMsg::Update(stored(&frames[0], 1)).encode())
            .expect("update");
        assert!(matches!(events.as_slice(), [Event::Update { seq: 1, .. }]));
        assert_eq!(body(bruno.doc()), "Motion");

        let events = ana
            .receive(&ServerMsg::Ack { msg_id: id, seq: 1 }.encode())
            .expect("ack");
        assert_eq!(events, vec![Event::Acked { msg_id: id, seq: 1 }]);
        assert_eq!(ana.pending_len(), 0);
    }

    #[test]
    fn an_update_that_does_not_apply_is_reported_and_the_engine_goes_on() {
        let keys = DocKeys::from_edit(&EditSecret::generate());
        // A co-author with the keys seals garbage.
        let mut hostile = Engine::new(keys.clone(), yrs::Doc::with_client_id(9), 0, Vec::new());
        live(&mut hostile, 0);
        hostile.local(vec![0xff; 8]).expect("editor");
        let garbage = hostile.take_outgoing().expect("seal").remove(0);
        let fine = typed(hostile.doc(), "ok");
        hostile.local(fine).expect("editor");
        let good = hostile.take_outgoing().expect("seal").remove(0);

        let mut reader = Engine::new(keys, yrs::Doc::with_client_id(2), 0, Vec::new());
        live(&mut reader, 0);
        let events = reader
            .receive(&ServerMsg::Update(stored(&garbage, 1)).encode())
            .expect("a frame of the protocol");
        assert!(matches!(
            events.as_slice(),
            [Event::Unapplicable { seq: Some(1), .. }]
        ));
        reader
            .receive(&ServerMsg::Update(stored(&good, 2)).encode())
            .expect("update");
        assert_eq!(body(reader.doc()), "ok");
        assert_eq!(reader.set_aside(), 1);
        // Set aside: no snapshot from this replica.
        assert_eq!(reader.snapshot().expect("no error"), None);
    }

    /// A replica that panics on a marker byte, standing in for Yrs on a
    /// crafted update the guard does not know of yet.
    #[derive(Default)]
    struct Brittle(Vec<Vec<u8>>);

    #[derive(Debug, thiserror::Error)]
    #[error("never")]
    struct Never;

    impl Replica for Brittle {
        type Error = Never;
        fn apply_remote(&mut self, update: &[u8]) -> Result<(), Never> {
            assert_ne!(update, b"boom", "the replica panics");
            self.0.push(update.to_vec());
            Ok(())
        }
        fn encode_state(&self) -> Vec<u8> {
            Vec::new()
        }
    }

    #[test]
    fn a_panic_while_applying_is_caught_reported_and_the_engine_goes_on() {
        let keys = DocKeys::from_edit(&EditSecret::generate());
        let mut hostile = Engine::new(keys.clone(), Brittle::default(), 0, Vec::new());
        live(&mut hostile, 0);
        hostile.local(b"boom".to_vec()).expect("editor");
        let boom = hostile.take_outgoing().expect("seal").remove(0);
        hostile.local(b"fine".to_vec()).expect("editor");
        let fine = hostile.take_outgoing().expect("seal").remove(0);

        let mut reader = Engine::new(keys, Brittle::default(), 0, Vec::new());
        live(&mut reader, 0);
        let events = reader
            .receive(&ServerMsg::Update(stored(&boom, 1)).encode())
            .expect("a frame of the protocol");
        assert_eq!(
            events,
            vec![Event::Unapplicable {
                seq: Some(1),
                error: "applying it panicked".into()
            }]
        );
        reader
            .receive(&ServerMsg::Update(stored(&fine, 2)).encode())
            .expect("update");
        assert_eq!(reader.doc().0, vec![b"fine".to_vec()]);
        assert_eq!(reader.set_aside(), 1);
    }

    #[test]
    fn a_compact_hint_is_answered_once_with_a_snapshot_of_the_replica() {
        let keys = DocKeys::from_edit(&EditSecret::generate());
        let mut ana = Engine::new(keys.clone(), yrs::Doc::with_client_id(1), 0, Vec::new());
        // A room of six empty updates: ours is the seventh.
        live(&mut ana, 6);
        let id = ana.local(typed(ana.doc(), "texte")).expect("editor");
        ana.take_outgoing().expect("seal");
        ana.receive(&ServerMsg::Ack { msg_id: id, seq: 7 }.encode())
            .expect("ack");
        let hint = ServerMsg::CompactHint { head_seq: 7 }.encode();
        assert_eq!(
            ana.receive(&hint).expect("hint"),
            vec![Event::CompactHint {
                head_seq: 7,
                answered: true
            }]
        );
        let frames = ana.take_outgoing().expect("seal");
        let [frame] = frames.as_slice() else {
            panic!("one snapshot, got {}", frames.len())
        };
        let Ok(ClientMsg::Snapshot {
            covers_upto,
            msg_id,
            ciphertext,
            signature,
        }) = decode_client(frame)
        else {
            panic!("not a snapshot")
        };
        assert_eq!(covers_upto, 7);
        // The same hint again is not answered twice.
        assert_eq!(
            ana.receive(&hint).expect("hint"),
            vec![Event::CompactHint {
                head_seq: 7,
                answered: false
            }]
        );
        assert!(ana.take_outgoing().expect("seal").is_empty());

        // A newcomer starts from it.
        let mut bruno = Engine::new(keys.clone(), yrs::Doc::with_client_id(2), 0, Vec::new());
        bruno.hello();
        let stored = protocol::StoredSnapshot {
            covers_upto,
            msg_id,
            ciphertext,
            signature,
        };
        let welcome = ServerMsg::Welcome {
            peer: 2,
            head_seq: 7,
            snapshot: Some(stored.head()),
            pending: 0,
        };
        assert!(bruno.receive(&welcome.encode()).is_ok());
        let chunk = ServerMsg::SnapshotChunk(stored.ciphertext);
        let events = bruno
            .receive(&chunk.encode())
            .expect("the snapshot's one chunk");
        assert!(events
            .iter()
            .any(|e| matches!(e, Event::Snapshot { covers_upto: 7, .. })));
        assert_eq!(body(bruno.doc()), "texte");
        assert_eq!(bruno.join().snapshot, Some(7));

        // A viewer never answers.
        let view = DocKeys::from_view(keys.view_secret().clone(), keys.writer());
        let mut viewer = Engine::new(view, yrs::Doc::with_client_id(3), 0, Vec::new());
        live(&mut viewer, 7);
        assert_eq!(
            viewer.receive(&hint).expect("hint"),
            vec![Event::CompactHint {
                head_seq: 7,
                answered: false
            }]
        );
    }

    #[test]
    fn the_join_report_counts_updates_and_damage() {
        let keys = DocKeys::from_edit(&EditSecret::generate());
        let mut ana = Engine::new(keys.clone(), yrs::Doc::with_client_id(1), 0, Vec::new());
        live(&mut ana, 0);
        let mut frames = Vec::new();
        for word in ["un ", "deux ", "trois "] {
            ana.local(typed(ana.doc(), word)).expect("editor");
            frames.extend(ana.take_outgoing().expect("seal"));
        }
        let mut chunk: Vec<StoredUpdate> = frames
            .iter()
            .enumerate()
            .map(|(i, f)| stored(f, i as u64 + 1))
            .collect();
        chunk[1].ciphertext[40] ^= 1;

        let mut reader = Engine::new(keys, yrs::Doc::with_client_id(2), 0, Vec::new());
        reader.hello();
        reader
            .receive(
                &ServerMsg::Welcome {
                    peer: 4,
                    head_seq: 3,
                    snapshot: None,
                    pending: 3,
                }
                .encode(),
            )
            .expect("welcome");
        let events = reader
            .receive(&ServerMsg::Updates(chunk).encode())
            .expect("chunk");
        assert!(events.contains(&Event::Invalid {
            seq: Some(2),
            error: OpenError::BadSignature
        }));
        assert_eq!(
            events.last(),
            Some(&Event::Progress {
                received: 3,
                total: 3
            })
        );
        let join = reader.join();
        assert_eq!(
            (join.peer, join.head_seq, join.updates, join.damaged),
            (4, 3, 2, 1)
        );
    }
}

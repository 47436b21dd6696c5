//! The frames received from the relay and not yet processed, in order,
//! and the runs through them.
//!
//! Opening a document with a long history means verifying (Ed25519),
//! decrypting and applying every stored update: seconds of work for a
//! quarter of a million keystrokes. Done in the websocket's `message`
//! handler, that work freezes the page. So the session queues frames in
//! an [`Inbox`] and works through them in runs of at most [`BUDGET_MS`],
//! yielding to the browser in between ([`crate::platform::yielder`]: a
//! zero-delay timeout would wait 4 ms each time once nested), so its
//! progress is shown as it goes. Remote changes are shown in the textarea
//! once the inbox is empty, not after each update; the document is saved
//! once it is empty too. The relay sends history in chunks
//! of about 256 KiB (a couple of thousand updates each); the inbox cuts
//! such a chunk into slices of at most [`SLICE_UPDATES`] updates, so that no
//! single piece of work is long either. Order is kept strictly: a slice is
//! a valid `Updates` frame holding the chunk's updates in their order, and
//! `protocol::session::Session` counts them as received one slice at a
//! time, so the progress shown moves with each.

use std::collections::VecDeque;

use gloo_timers::callback::Timeout;
use protocol::session::{Incoming, Phase};
use protocol::wire::{decode_server, ServerMsg};
use protocol::ErrorCode;

use super::{Core, DocSession};
use crate::platform::yielder::Yielder;
use crate::status::{Connection, Problem};

/// Updates per slice of a catch-up chunk: about 8 ms of verifying,
/// decrypting and applying in chromium (the whole automerge-paper history,
/// 259,778 updates, takes about a minute: 0.25 ms each).
pub const SLICE_UPDATES: usize = 32;

/// How long one run through the inbox may last before yielding, in
/// milliseconds: under the 50 ms a browser counts as a long task, with a
/// slice's worth of margin.
pub const BUDGET_MS: f64 = 30.0;

/// Frames shorter than this are never cut: live updates, acks, presence
/// pass through without being decoded twice.
const CUT_ABOVE_BYTES: usize = 16 << 10;

/// The queue of frames to process; see the module docs.
#[derive(Debug, Default)]
pub struct Inbox {
    frames: VecDeque<Vec<u8>>,
}

impl Inbox {
    /// Queue a frame as it came from the socket, cut into slices if it is a
    /// long catch-up chunk. A frame that does not decode is queued as is:
    /// the session reports it when it gets to it.
    pub fn push(&mut self, frame: Vec<u8>) {
        if frame.len() <= CUT_ABOVE_BYTES {
            self.frames.push_back(frame);
            return;
        }
        match decode_server(&frame) {
            Ok(ServerMsg::Updates(mut chunk)) if chunk.len() > SLICE_UPDATES => {
                while !chunk.is_empty() {
                    let rest = chunk.split_off(chunk.len().min(SLICE_UPDATES));
                    self.frames.push_back(ServerMsg::Updates(chunk).encode());
                    chunk = rest;
                }
            }
            _ => self.frames.push_back(frame),
        }
    }

    /// The oldest frame not yet processed.
    pub fn pop(&mut self) -> Option<Vec<u8>> {
        self.frames.pop_front()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Forget every frame (the connection they came on is gone: what they
    /// held is asked for again on the next one).
    pub fn clear(&mut self) {
        self.frames.clear();
    }
}

/// The inbox's side of the core.
#[derive(Default)]
pub(super) struct Intake {
    /// Frames received and not processed yet, oldest first.
    pub inbox: Inbox,
    /// A run through the inbox is scheduled (a frame arriving meanwhile
    /// waits for it).
    scheduled: bool,
    yielder: Option<Yielder>,
}

impl Intake {
    /// No more runs (the page is gone).
    pub fn stop(&mut self) {
        self.yielder = None;
        self.inbox.clear();
    }
}

impl Core {
    /// Process one frame from the relay.
    fn receive(&mut self, frame: &[u8]) {
        let incoming = match self.session.receive(frame) {
            Ok(incoming) => incoming,
            Err(error) => {
                leptos::logging::warn!("{error}");
                self.out.problem = Some(Some(Problem::Unreadable));
                return;
            }
        };
        for message in incoming {
            match message {
                Incoming::Snapshot { state, covers_upto } => {
                    if self.apply(&state) {
                        self.integrity.start_from(covers_upto);
                    } else {
                        self.note_set_aside();
                    }
                }
                Incoming::Update { seq, update } => {
                    if self.apply(&update) {
                        self.note_applied(seq, &update);
                    } else {
                        self.note_set_aside();
                    }
                }
                Incoming::Progress { received, total } => {
                    self.out.progress = Some(Some((received, total)));
                }
                Incoming::CaughtUp { .. } => {
                    self.out.progress = Some(None);
                    self.relay.attempt = 0;
                    self.out.connection = Some(Connection::Online);
                    if let Some(missing) = self.doc.missing() {
                        leptos::logging::warn!("after the history, still missing: {missing:?}");
                        self.out.problem = Some(Some(Problem::Missing));
                    }
                    self.forget_earlier_peers();
                    self.send_presence();
                }
                Incoming::CompactHint { .. } => self.compact_hint(),
                Incoming::Refused {
                    code,
                    dropped,
                    msg_id,
                } => {
                    if msg_id.is_none() && matches!(self.session.phase(), Phase::Joining { .. }) {
                        // Our Hello: the close that follows adds nothing.
                        self.integrity.refused_hello = matches!(
                            code,
                            ErrorCode::NotAllowed
                                | ErrorCode::TokenRequired
                                | ErrorCode::UnknownRoom
                                | ErrorCode::WrongRoomKey
                        );
                    }
                    if code == ErrorCode::TokenRequired {
                        self.relay.token_asked = true;
                    }
                    self.out.problem = Some(Some(Problem::Refused { code, dropped }));
                }
                Incoming::Invalid { seq, error } => {
                    leptos::logging::warn!("message {seq:?} failed verification: {error}");
                    self.out.problem = Some(Some(Problem::Invalid));
                }
                Incoming::Acked { .. } => {
                    self.out.acked = true;
                    self.after_ack();
                }
                Incoming::Awareness {
                    peer,
                    state,
                    signed,
                } => self.heard(peer, &state, signed),
                Incoming::BadAwareness { peer, error } => {
                    // Never the alarm: that is for updates and snapshots.
                    leptos::logging::warn!("presence of peer {peer} ignored: {error}");
                }
                Incoming::CheckSnapshot {
                    msg_id,
                    covers_upto,
                    state,
                } => self.check_snapshot(msg_id, covers_upto, &state),
                Incoming::Suspicious { what } => self.suspicious(what),
                Incoming::PeerLeft { peer } => self.peer_left(peer),
                Incoming::Sealed { member_box } => {
                    // Issue 15: the session sends nothing more to this
                    // room (edits stay in this copy, kept under the old
                    // room). A member kept finds the new link in their
                    // line of the box and the page opens it, as opening
                    // a link does; anyone else is told, and the copy
                    // becomes read-only.
                    if let Some(new) = self.followed(&member_box) {
                        self.follow(&new);
                    } else {
                        if let Some(textarea) = &self.textarea {
                            textarea.set_read_only(true);
                        }
                        self.out.problem = Some(Some(Problem::Refused {
                            code: ErrorCode::RoomSealed,
                            dropped: false,
                        }));
                    }
                }
                Incoming::Joined { .. } | Incoming::SnapshotStored { .. } => {}
            }
        }
        self.out.save = true;
        self.flush();
    }
}

impl Core {
    /// The new link this browser's line of a sealed text room's box holds
    /// (sealed to its identity key, for this room); `None` for another
    /// room, no line, or a box that is not one.
    fn followed(&self, member_box: &[u8]) -> Option<protocol::Link> {
        if self.part != super::Part::Text {
            return None;
        }
        let identity =
            protocol::memberbox::SigningKey::from_bytes(&super::amendments::identity().seed());
        let fragment =
            protocol::memberbox::open_for(member_box, &identity, self.keys.room().as_bytes())?;
        protocol::Link::parse(std::str::from_utf8(&fragment).ok()?).ok()
    }
}

/// Where a followed document's new room is noted, for its page to say
/// so once opened.
pub(super) const FOLLOWED_KEY: &str = "cahier.followed";

impl Core {
    /// Move to `new`: this copy (its whole state, and the edits the old
    /// room refused, still pending) is saved for the new room first, so
    /// the new session starts from it and sends those edits there (the
    /// relay's copy has the same history, so nothing else differs); then
    /// the page opens the new link, as opening a link does (which keeps
    /// it). The old room's copy stays as it was.
    fn follow(&self, new: &protocol::Link) {
        use crate::store;
        let room = new.keys().room().to_string();
        let carried = store::Saved {
            state: self.doc.encode_state(),
            applied: 0,
            pending: self.session.pending(),
        }
        .encode();
        crate::platform::storage::set(FOLLOWED_KEY, &room);
        let fragment = new.fragment();
        match store::save_doc_now(&room, &carried) {
            Ok(true) => crate::platform::page::set_hash(&fragment),
            _ => leptos::task::spawn_local(async move {
                let _ = store::save_doc(&room, &carried).await;
                crate::platform::page::set_hash(&fragment);
            }),
        }
    }
}

impl DocSession {
    /// Get ready to work through the inbox.
    pub(super) fn start_intake(self) {
        let yielder = Yielder::new(move || self.drain());
        self.with_core(|c| c.intake.yielder = yielder);
    }

    /// A frame arrived on the socket: queue it, and start a run unless one
    /// is scheduled.
    pub(super) fn received(self, frame: Vec<u8>) {
        let idle = self.with_core(|c| {
            c.heard_from_relay();
            c.intake.inbox.push(frame);
            !c.intake.scheduled
        });
        if idle == Some(true) {
            self.drain();
        }
    }

    /// Work through the inbox for at most [`BUDGET_MS`] (and one frame),
    /// then yield to the browser and go on from there. Frames arriving
    /// meanwhile queue behind; runs are one at a time and take frames in
    /// order, so a stray run (scheduled before a disconnection) is harmless.
    fn drain(self) {
        let more = self.with_core(|c| {
            c.intake.scheduled = false;
            let started = js_sys::Date::now();
            while let Some(frame) = c.intake.inbox.pop() {
                c.receive(&frame);
                if js_sys::Date::now() - started >= BUDGET_MS {
                    break;
                }
            }
            if c.intake.inbox.is_empty() {
                c.show_waiting();
                false
            } else {
                true
            }
        });
        if more != Some(true) {
            return;
        }
        let posted = self.with_core(|c| {
            c.intake.scheduled = c.intake.yielder.as_ref().is_some_and(Yielder::post);
            c.intake.scheduled
        });
        if posted == Some(false) {
            // No message channel: a zero-delay timeout does it, slower.
            Timeout::new(0, move || self.drain()).forget();
            self.with_core(|c| c.intake.scheduled = true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::wire::StoredUpdate;

    fn update(seq: u64) -> StoredUpdate {
        StoredUpdate {
            seq,
            msg_id: [seq as u8; 16],
            ciphertext: vec![seq as u8; 150],
            signature: [7; 64],
        }
    }

    fn drain(inbox: &mut Inbox) -> Vec<ServerMsg> {
        std::iter::from_fn(|| inbox.pop())
            .map(|frame| decode_server(&frame).expect("a frame the relay could send"))
            .collect()
    }

    #[test]
    fn a_long_chunk_is_cut_into_slices_in_order() {
        let updates: Vec<StoredUpdate> = (1..=1000).map(update).collect();
        let mut inbox = Inbox::default();
        inbox.push(ServerMsg::Updates(updates.clone()).encode());
        let slices = drain(&mut inbox);
        assert_eq!(slices.len(), 1000usize.div_ceil(SLICE_UPDATES));
        let mut again = Vec::new();
        for slice in slices {
            let ServerMsg::Updates(part) = slice else {
                panic!("a slice is an Updates frame: {slice:?}");
            };
            assert!(!part.is_empty() && part.len() <= SLICE_UPDATES);
            again.extend(part);
        }
        assert_eq!(again, updates);
        assert!(inbox.is_empty());
    }

    #[test]
    fn frames_keep_their_order_and_small_ones_pass_untouched() {
        let mut inbox = Inbox::default();
        let caught_up = ServerMsg::CaughtUp { head_seq: 300 }.encode();
        let small = ServerMsg::Updates((1..=3).map(update).collect()).encode();
        let garbage = vec![0xff; CUT_ABOVE_BYTES + 1];
        inbox.push(small.clone());
        inbox.push(ServerMsg::Updates((4..=300).map(update).collect()).encode());
        inbox.push(garbage.clone());
        inbox.push(caught_up.clone());
        assert_eq!(inbox.pop(), Some(small));
        let mut seqs = Vec::new();
        while let Some(frame) = inbox.pop() {
            match decode_server(&frame) {
                Ok(ServerMsg::Updates(part)) => seqs.extend(part.iter().map(|u| u.seq)),
                _ => {
                    assert_eq!(frame, garbage, "the undecodable frame, untouched");
                    break;
                }
            }
        }
        assert_eq!(seqs, (4..=300).collect::<Vec<_>>());
        assert_eq!(inbox.pop(), Some(caught_up));
        assert_eq!(inbox.pop(), None);
    }

    #[test]
    fn clearing_forgets_everything() {
        let mut inbox = Inbox::default();
        inbox.push(ServerMsg::CaughtUp { head_seq: 1 }.encode());
        inbox.clear();
        assert!(inbox.is_empty());
        assert_eq!(inbox.pop(), None);
    }
}

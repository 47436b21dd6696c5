//! Who is here ([`model::awareness`]): once caught up, the page tells the
//! room who it is (name, colour, selection as sticky indices), again when
//! the caret moves (at most every [`awareness::THROTTLE`]), when a peer it
//! does not know speaks (the relay has no "joined" message), and every
//! [`awareness::HEARTBEAT`]. What peers say is kept in a
//! [`Peers`](model::awareness::Peers) and published for the presence
//! list and the remote carets. This visit's `people` entry is written at
//! its first edit, and again when the name or colour changes after that.
//!
//! [`RoomPresence`] is the context the presence list, the backdrop and
//! the editor read.

use gloo_timers::callback::{Interval, Timeout};
use leptos::prelude::*;
use model::awareness::{self, display_name, Heard, Peer, Peers, State, Sticky};
use model::Person;
use protocol::session::Phase;
use protocol::PeerId;

use super::{now_ms, Core, DocSession};
use crate::backdrop::Cursor;
use crate::platform::millis;

/// This page's part in the room's presence.
#[derive(Default)]
pub(super) struct Roster {
    /// This browser's person, once the page said who it is.
    me: Option<Person>,
    peers: Peers,
    /// What this visit wrote in `people`, once it edited.
    written: Option<Person>,
    /// A throttled payload waiting to leave, cancelled when dropped.
    timer: Option<Timeout>,
    sent_at: u64,
}

impl Roster {
    /// A new visit (a new client id) writes its entry again.
    pub fn forget_written(&mut self) {
        self.written = None;
    }

    fn cancel_timer(&mut self) {
        self.timer = None;
    }
}

impl Core {
    /// What this page tells the others, once it knows who it is.
    fn presence_state(&self) -> Option<State> {
        let me = self.roster.me.as_ref()?;
        let selection = self.selection().and_then(|selection| {
            let (anchor, head) = self.doc.stick(selection.start, selection.end)?;
            Some(Sticky { anchor, head })
        });
        Some(State {
            name: me.name.clone(),
            colour: me.colour.clone(),
            client: self.doc.client_id(),
            can_write: self.can_write(),
            selection,
            heads: self.heads(),
        })
    }

    /// Tell the room who is here, if live.
    pub(super) fn send_presence(&mut self) {
        self.roster.cancel_timer();
        if !self.relay.connected() || self.session.phase() != Phase::Live {
            return;
        }
        let Some(state) = self.presence_state() else {
            return;
        };
        match self.session.awareness(&state.encode()) {
            Ok(Some(frame)) => {
                self.send(&frame);
                self.roster.sent_at = now_ms();
            }
            Ok(None) => {}
            Err(error) => leptos::logging::warn!("could not seal the presence: {error}"),
        }
    }

    /// This tab no longer has the document: nobody is listed here.
    pub(super) fn forget_peers(&mut self) {
        self.roster.cancel_timer();
        self.roster.peers = Peers::default();
        self.publish_peers();
    }

    /// The peers as last heard.
    pub(super) fn roster_peers(&self) -> impl Iterator<Item = &Peer> {
        self.roster.peers.iter()
    }

    fn publish_peers(&mut self) {
        self.out.peers = Some(self.roster.peers.iter().cloned().collect());
    }

    /// A peer's presence payload; `signed` by an editor (an unsigned
    /// peer is shown as a reader, whatever it says).
    pub(super) fn heard(&mut self, peer: PeerId, state: &[u8], signed: bool) {
        match self.roster.peers.receive(peer, state, signed, now_ms()) {
            Ok(heard) => {
                let heads = self
                    .roster
                    .peers
                    .iter()
                    .find(|p| p.id == peer)
                    .and_then(|p| p.state.heads);
                self.heard_heads(peer, heads);
                self.publish_peers();
                if heard == Heard::New {
                    self.send_presence();
                }
            }
            Err(error) => leptos::logging::warn!("presence of peer {peer} ignored: {error}"),
        }
    }

    pub(super) fn peer_left(&mut self, peer: PeerId) {
        self.forget_heads(peer);
        if self.roster.peers.left(peer) {
            self.publish_peers();
        }
    }

    /// Write this visit's `people` entry if it edited and the entry is not
    /// (or no longer) who this browser says it is.
    pub(super) fn write_person(&mut self) {
        if !self.saving.ready || !self.can_write() {
            return;
        }
        let Some(me) = self.roster.me.clone() else {
            return;
        };
        if self.roster.written.as_ref() == Some(&me) {
            return;
        }
        let update = self.doc.set_me(&me);
        if let Err(error) = self.session.local(update) {
            leptos::logging::warn!("name not queued: {error}");
            return;
        }
        self.roster.written = Some(me);
        self.out.people = true;
        self.out.save = true;
    }
}

impl DocSession {
    /// Say we are here every [`awareness::HEARTBEAT`] while the page lives.
    pub(super) fn start_presence(self) -> Interval {
        Interval::new(millis(awareness::HEARTBEAT), move || self.heartbeat())
    }

    /// Forget the silent, say we are here.
    fn heartbeat(self) {
        self.with_core(|c| {
            if c.roster.peers.expire(now_ms()) {
                c.publish_peers();
            }
            c.check_missing();
            c.compare_heads();
            c.send_presence();
        });
    }

    fn set_me(self, me: Person) {
        self.with_core(|c| {
            if c.roster.me.as_ref() == Some(&me) {
                return;
            }
            c.roster.me = Some(me);
            if c.roster.written.is_some() {
                c.write_person();
                c.flush();
            }
            c.send_presence();
        });
    }

    fn caret_moved(self) {
        self.with_core(|c| {
            if c.roster.timer.is_some() {
                return;
            }
            let throttle = awareness::THROTTLE.as_millis() as u64;
            let wait = (c.roster.sent_at + throttle).saturating_sub(now_ms());
            if wait == 0 {
                c.send_presence();
            } else {
                let wait = u32::try_from(wait).unwrap_or(u32::MAX);
                c.roster.timer = Some(Timeout::new(wait, move || {
                    self.with_core(Core::send_presence);
                }));
            }
        });
    }

    fn remote_cursors(self, unnamed: &str) -> Vec<Cursor> {
        self.with_core(|c| {
            c.roster
                .peers
                .iter()
                .filter_map(|peer| {
                    let sticky = peer.state.selection.as_ref()?;
                    let (start, end) = c.doc.unstick(&sticky.anchor, &sticky.head)?;
                    Some(Cursor {
                        name: display_name(&peer.state.name, unnamed),
                        colour: peer.state.colour.clone(),
                        start,
                        end,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
    }
}

/// Who is here and who wrote what, for the presence list, the backdrop
/// and the editor. Provided once by the document page's session; read
/// with [`use_room_presence`].
#[derive(Clone, Copy)]
pub struct RoomPresence {
    /// The peers heard from lately, by peer id.
    pub peers: Signal<Vec<Peer>>,
    /// Counts the changes of `people`: what colours text by author tracks it.
    pub people_revision: Signal<u64>,
    session: DocSession,
}

impl RoomPresence {
    pub(super) fn new(session: DocSession) -> Self {
        RoomPresence {
            peers: session.signals.peers.into(),
            people_revision: session.signals.people.into(),
            session,
        }
    }

    /// Who this browser's person is (name, possibly empty, and colour):
    /// told to the room, and written in `people` if this visit edited.
    pub fn set_me(&self, me: Person) {
        self.session.set_me(me);
    }

    /// The selection moved (or the text changed): tell the room, at most
    /// every [`awareness::THROTTLE`].
    pub fn caret_moved(&self) {
        self.session.caret_moved();
    }

    /// The co-authors' selections, where they are in the body now;
    /// `unnamed` names those who gave no name.
    pub fn remote_cursors(&self, unnamed: &str) -> Vec<Cursor> {
        self.session.remote_cursors(unnamed)
    }

    /// Who wrote the body: `(UTF-16 length, colour)` runs, the colour
    /// `None` for a client not in `people` (or with a colour that is not
    /// one).
    pub fn authorship(&self) -> Vec<(u32, Option<String>)> {
        self.session
            .with_core(|c| c.doc.coloured_authorship())
            .unwrap_or_default()
    }
}

/// The [`RoomPresence`] the document page provides.
pub fn use_room_presence() -> RoomPresence {
    use_context().expect("the document page provides its RoomPresence")
}

//! Who is here ([`model::awareness`]): once caught up, the page tells the
//! room who it is (name, colour, selection as sticky indices), again when
//! the caret moves (at most every [`awareness::THROTTLE`]), when a peer it
//! does not know speaks (the relay has no "joined" message), and every
//! [`awareness::HEARTBEAT`]. What peers say is kept in a
//! [`Peers`](model::awareness::Peers) and published for the presence
//! list and the remote carets. This visit's `people` entry is written at
//! its first edit, and again when the name or colour changes after that;
//! this person's entries of earlier visits (same browser identity) are
//! brought to the same name and colour, so all their words take it.
//!
//! The colour shown in the room is [`awareness::room_colour`]'s: worked
//! out again whenever someone comes, leaves, writes in `people` or the
//! person changes, so two people here never show the same one; the one
//! who yields changes and tells the others. A reader sends no selection,
//! and a reader's selection is not drawn. A new connection forgets the
//! peers heard on the last one once caught up: they answer the first
//! payload (a new relay peer id is someone they do not know).
//!
//! [`RoomPresence`] is the context the presence list, the backdrop and
//! the editor read.

use gloo_timers::callback::{Interval, Timeout};
use leptos::prelude::*;
use model::awareness::{
    self, claims, display_name, room_colour, Claims, Heard, Me, Peer, Peers, State, Sticky,
};
use model::Person;
use protocol::session::Phase;
use protocol::PeerId;

use super::{now_ms, Core, DocSession};
use crate::backdrop::Cursor;
use crate::platform::millis;

/// This page's part in the room's presence.
#[derive(Default)]
pub(super) struct Roster {
    /// This browser's person (the preferred colour), once the page said
    /// who it is.
    me: Option<Person>,
    /// The colour shown in this room ([`room_colour`]), once worked out.
    colour: Option<String>,
    peers: Peers,
    /// This visit edited: its entry is in `people`.
    edited: bool,
    /// What this person's entries were last brought to.
    written: Option<Person>,
    /// A throttled payload waiting to leave, cancelled when dropped.
    timer: Option<Timeout>,
    sent_at: u64,
}

impl Roster {
    /// A new visit (a new client id) writes its entry again.
    pub fn forget_written(&mut self) {
        self.written = None;
        self.edited = false;
    }

    fn cancel_timer(&mut self) {
        self.timer = None;
    }
}

impl Core {
    /// The person as this room sees them: their name and identity, the
    /// room's colour.
    fn shown_me(&self) -> Option<Person> {
        let me = self.roster.me.as_ref()?;
        Some(Person {
            colour: self
                .roster
                .colour
                .clone()
                .unwrap_or_else(|| me.colour.clone()),
            ..me.clone()
        })
    }

    /// Who holds which colour here, as this page sees it.
    fn claims(&self) -> Option<(Claims, String)> {
        let me = self.roster.me.as_ref()?;
        let identity = me.identity.as_deref().unwrap_or_default();
        let me = Me {
            identity,
            name: &me.name,
            preferred: &me.colour,
            client: self.doc.client_id(),
        };
        let claims = claims(
            &me,
            &self.doc.people(),
            self.roster.peers.iter().map(|peer| &peer.state),
        );
        let colour = room_colour(&me, &claims);
        Some((claims, colour))
    }

    /// Work out this person's colour in the room again: when it changed,
    /// tell the room and bring their entries in `people` to it.
    pub(super) fn settle_colour(&mut self) {
        let Some((_, colour)) = self.claims() else {
            return;
        };
        if self.roster.colour.as_deref() == Some(colour.as_str()) {
            return;
        }
        self.roster.colour = Some(colour.clone());
        self.out.my_colour = Some(colour);
        self.write_mine();
        self.send_presence();
    }

    /// The person chose their colour: bring their entries to it first, so
    /// [`room_colour`] keeps it (their words' colour comes first there).
    fn choose_colour(&mut self) {
        let Some(me) = self.roster.me.clone() else {
            return;
        };
        self.roster.colour = Some(me.colour);
        self.roster.written = None;
        self.write_mine();
        self.roster.colour = None;
    }

    /// What this page tells the others, once it knows who it is. A reader
    /// tells no selection: it is not drawn.
    fn presence_state(&self) -> Option<State> {
        let me = self.shown_me()?;
        let selection = self
            .selection()
            .filter(|_| self.can_write())
            .and_then(|selection| {
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
        if self.part != super::Part::Text
            || !self.relay.connected()
            || self.session.phase() != Phase::Live
        {
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

    /// Caught up on a new connection: the peers heard on the last one
    /// answer again, or are gone.
    pub(super) fn forget_earlier_peers(&mut self) {
        if self.roster.peers.clear() {
            self.publish_peers();
        }
        self.settle_colour();
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
                let colour = self.roster.colour.clone();
                self.settle_colour();
                if heard == Heard::New && self.roster.colour == colour {
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
            self.settle_colour();
        }
    }

    /// This visit edited: write its `people` entry, if it is not (or no
    /// longer) who this browser says it is.
    pub(super) fn write_person(&mut self) {
        if !self.roster.edited {
            self.roster.edited = true;
            self.roster.written = None;
            self.out.edited = true;
        }
        self.write_mine();
    }

    /// Bring this person's entries in `people` to who they are now: this
    /// visit's once it edited, the earlier visits' whenever they differ.
    fn write_mine(&mut self) {
        // `people` is the text room's; the amendment room has none.
        if !self.saving.ready || !self.can_write() || self.part != super::Part::Text {
            return;
        }
        let Some(person) = self.shown_me() else {
            return;
        };
        if self.roster.written.as_ref() == Some(&person) {
            return;
        }
        let Some(me) = self.roster.me.as_ref() else {
            return;
        };
        let owner = Me {
            identity: me.identity.as_deref().unwrap_or_default(),
            name: &me.name,
            preferred: &me.colour,
            client: self.doc.client_id(),
        };
        let this = self.doc.client_id();
        let people = self.doc.people();
        let mut clients: Vec<u64> = people
            .iter()
            .filter(|(client, entry)| (owner.owns(entry) || *client == this) && *entry != person)
            .map(|(client, _)| *client)
            .collect();
        let has_entry = people.iter().any(|(client, _)| *client == this);
        if self.roster.edited && !has_entry {
            clients.push(this);
        }
        if !self.roster.edited {
            clients.retain(|client| *client != this);
        }
        self.roster.written = Some(person.clone());
        if clients.is_empty() {
            return;
        }
        let update = self.doc.set_people(&clients, &person);
        if let Err(error) = self.session.local(update) {
            leptos::logging::warn!("name not queued: {error}");
            self.roster.written = None;
            return;
        }
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
                c.settle_colour();
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
            let chose = c
                .roster
                .me
                .as_ref()
                .is_some_and(|before| before.colour != me.colour);
            c.roster.me = Some(me);
            if chose {
                // The person chose a colour: it is theirs here, if nobody
                // holds it more firmly (the choice offers only free ones).
                c.roster.colour = None;
                c.choose_colour();
            }
            c.settle_colour();
            c.write_mine();
            c.flush();
            c.send_presence();
        });
    }

    fn caret_moved(self) {
        self.with_core(|c| {
            // A reader's selection is not told: nothing to send.
            if c.roster.timer.is_some() || !c.can_write() {
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

    /// The co-authors' selections; a reader's is not drawn.
    fn remote_cursors(self, unnamed: &str) -> Vec<Cursor> {
        self.with_core(|c| {
            c.roster
                .peers
                .iter()
                .filter(|peer| peer.state.can_write)
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
    /// The colour this person shows in the room ([`room_colour`]), once
    /// worked out; until then, the one they prefer.
    pub my_colour: Signal<Option<String>>,
    /// This visit made its first edit (the name prompt waits for it).
    pub edited: Signal<bool>,
    session: DocSession,
}

impl RoomPresence {
    pub(super) fn new(session: DocSession) -> Self {
        RoomPresence {
            peers: session.signals.peers.into(),
            people_revision: session.signals.people.into(),
            my_colour: session.signals.my_colour.into(),
            edited: session.signals.edited.into(),
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

    /// Everyone in `people`, by client id (untracked: track
    /// [`RoomPresence::people_revision`]).
    pub fn people(&self) -> Vec<(u64, Person)> {
        self.session
            .with_core(|c| c.doc.people())
            .unwrap_or_default()
    }

    /// Who holds which colour here besides this person (untracked: track
    /// `peers` and `people_revision`).
    pub fn claims(&self) -> Claims {
        self.session
            .with_core(|c| c.claims().map(|(claims, _)| claims))
            .flatten()
            .unwrap_or_default()
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

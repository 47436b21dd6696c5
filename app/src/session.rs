//! The [`DocSession`] context: one open document, its connection and its
//! copy in this browser. It owns the Yrs [`Document`], the protocol's
//! sans-IO [`Session`] and the websocket that drives it, the timers
//! (reconnection, saving) and the `<textarea>` the editor attached; it
//! pushes what the person sees into signals (connection state, edits not
//! yet acknowledged, title, problems). Components call its methods; they
//! never open a transaction or touch the socket.
//!
//! The life of a page:
//! 1. [`DocSession::start`] loads the document from IndexedDB
//!    ([`crate::store`]): the text shows without any network.
//! 2. It connects to `ws(s)://<the page's directory>/ws`; `Hello`, the
//!    history, `CaughtUp`: online. Edits made meanwhile wait in the
//!    session's queue, and leave once caught up (merged into one when more
//!    than [`MERGE_ABOVE`] are waiting).
//! 3. A closed connection is retried after a capped exponential delay with
//!    jitter ([`crate::status::backoff`]), or as soon as the browser says
//!    the network is back.
//! 4. The state is saved [`SAVE_DELAY`] after a change, and when the page
//!    is hidden or left.
//!
//! Presence ([`model::awareness`]): once caught up, the page tells the
//! room who is here (name, colour, selection as sticky indices), again
//! when the caret moves (at most every [`awareness::THROTTLE`]), when a
//! peer it does not know speaks (the relay has no "joined" message), and
//! every [`awareness::HEARTBEAT`]. What peers say is kept in
//! [`DocSession::peers`]. This visit's `people` entry is written at its
//! first edit, and again when the name or colour changes after that.
//!
//! Before step 1 the page takes the document's tab lock
//! ([`crate::tab_lock`]): when another tab of this browser has the
//! document, nothing is loaded and the page offers to move it here
//! ([`DocSession::use_here`]); a tab the document moves away from stops
//! connecting and saving ([`Tab::Lost`]).
//!
//! The textarea and the document stay equal except during an IME
//! composition, when remote changes wait (`deferred`) so as not to break
//! the composition; the composed text is then carried through them.
//!
//! Frames from the relay go through an [`Inbox`]: they are processed in
//! order, in runs of at most [`BUDGET_MS`] that yield to the browser in
//! between (a message to ourselves on a `MessageChannel`: a zero-delay
//! timeout would wait 4 ms each time once nested), so a long history (a quarter of a million updates to verify,
//! decrypt and apply) never freezes the page and its progress is shown as
//! it goes. Remote changes are shown in the textarea once the inbox is
//! empty, not after each update; the document is saved once it is empty
//! too.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{ArrayBuffer, Uint8Array};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::{closure::Closure, JsCast};
use protocol::session::{Incoming, Phase, Session};
use protocol::PeerId;
use protocol::{DocKeys, Link};
use send_wrapper::SendWrapper;
use web_sys::{BinaryType, CloseEvent, HtmlTextAreaElement, MessageEvent, WebSocket};

use model::awareness::{self, display_name, Heard, Peer, Peers, State, Sticky};
use model::caret::{Selection, Step};
use model::edit::{diff, diff_at_caret, utf16_len};
use model::{document, Document, Person};

use crate::backdrop::Cursor;
use crate::inbox::{Inbox, BUDGET_MS};
use crate::status::{backoff, Connection, Problem};
use crate::store::{self, Recent, Saved, Value};
use crate::tab_lock::{self, Claim, HandOver, Mode, TabLock, HAND_OVER_TIMEOUT};

/// More unsent edits than this are merged into one before they leave.
pub const MERGE_ABOVE: usize = 50;
/// A local edit inserting more text than this (UTF-8 bytes) is sent as
/// several updates, and unsent updates are not merged past it: a quarter of
/// the relay's default frame limit (1 MiB, `relay/src/config.rs`), which
/// leaves room for the sealing and for a relay configured lower.
pub const MAX_UPDATE_BYTES: usize = 256 << 10;
/// How long after a change the document is saved in this browser.
pub const SAVE_DELAY: Duration = Duration::from_millis(300);
/// How long the page waits for IndexedDB before it opens the document
/// without its saved copy (a browser that refuses storage).
const LOAD_TIMEOUT: Duration = Duration::from_secs(3);

/// Whether this tab has the document (see [`crate::tab_lock`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Asking for it.
    Claiming,
    /// This tab has it (or the browser cannot tell: no Web Locks).
    Mine,
    /// Another tab of this browser has it open.
    Elsewhere,
    /// Another tab took it from this one.
    Lost,
}

/// The open document, as a context; see the module docs.
#[derive(Clone, Copy)]
pub struct DocSession {
    can_write: bool,
    connection: RwSignal<Connection>,
    pending: RwSignal<usize>,
    title: RwSignal<String>,
    problem: RwSignal<Option<Problem>>,
    ready: RwSignal<bool>,
    progress: RwSignal<Option<(u64, u64)>>,
    applied: RwSignal<u64>,
    revision: RwSignal<u64>,
    peers: RwSignal<Vec<Peer>>,
    people: RwSignal<u64>,
    tab: RwSignal<Tab>,
    core: StoredValue<Rc<RefCell<Core>>, LocalStorage>,
}

/// How often the page checks that its connection still answers.
const WATCHDOG: Duration = Duration::from_secs(5);
/// An edit sent with no frame at all from the relay for this long (an
/// acknowledgement comes within milliseconds): the connection is dead,
/// though the browser may not notice for minutes (a laptop that changed
/// networks, a relay that hangs). It is dropped and opened again.
const UNANSWERED: Duration = Duration::from_secs(15);
/// Before the connection is live (opening, `Hello`, the history), this
/// long without a frame means it is stuck.
const SILENT_WHILE_JOINING: Duration = Duration::from_secs(20);

/// The socket, the callbacks it holds, and whether it still answers.
struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    /// When a frame last arrived (or the socket was created), in ms.
    heard_at: f64,
    /// Since when an edit sent on it has had no frame back.
    unanswered_since: Option<f64>,
}

impl Socket {
    /// Close without hearing about it: the caller handles the consequences.
    fn shut(self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        let _ = self.ws.close();
    }

    fn send(&self, frame: &[u8]) {
        // A failed send means the socket is closing; `onclose` follows and
        // the frame is resent after reconnecting.
        let _ = self.ws.send_with_u8_array(frame);
    }
}

/// A message to ourselves: the way to yield to the browser (input,
/// rendering) and be called back right after, without the 4 ms minimum
/// of nested zero-delay timeouts.
struct Yielder {
    channel: web_sys::MessageChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Yielder {
    fn new(mut callback: impl FnMut() + 'static) -> Option<Self> {
        let channel = web_sys::MessageChannel::new().ok()?;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_| callback());
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Yielder {
            channel,
            _on_message: on_message,
        })
    }

    /// Ask to be called back once the browser has had its turn.
    fn post(&self) -> bool {
        self.channel
            .port2()
            .post_message(&leptos::wasm_bindgen::JsValue::NULL)
            .is_ok()
    }

    /// No more callbacks (before the closure is dropped).
    fn stop(&self) {
        self.channel.port1().set_onmessage(None);
        self.channel.port1().close();
    }
}

/// What changed for the signals, collected while the core is borrowed and
/// published after.
#[derive(Default)]
struct Outbox {
    connection: Option<Connection>,
    problem: Option<Option<Problem>>,
    title: Option<String>,
    /// History received while joining: `Some(None)` once caught up.
    progress: Option<Option<(u64, u64)>>,
    /// The relay acknowledged an edit: a passing refusal is over.
    acked: bool,
    /// The body changed (a local edit, a co-author's, undo, the saved copy).
    body: bool,
    save: bool,
    /// The peers heard from changed.
    peers: Option<Vec<Peer>>,
    /// A co-author's update changed `people`.
    people: bool,
}

/// This page's part in the room's presence; see the module docs.
#[derive(Default)]
struct Roster {
    /// This browser's person, once the page said who it is.
    me: Option<Person>,
    peers: Peers,
    /// What this visit wrote in `people`, once it edited.
    written: Option<Person>,
    /// A throttled payload waiting to leave.
    timer: Option<TimeoutHandle>,
    sent_at: u64,
}

struct Core {
    link: Link,
    room: String,
    doc: Document,
    session: Session,
    socket: Option<Socket>,
    /// Reconnection attempts since the last time we were online.
    attempt: u32,
    retry: Option<TimeoutHandle>,
    save_timer: Option<TimeoutHandle>,
    textarea: Option<HtmlTextAreaElement>,
    /// What the textarea showed after the last sync with the document.
    shown: String,
    /// Remote body changes not yet shown (during an IME composition, or
    /// until the inbox is worked through).
    deferred: Vec<Vec<Step>>,
    /// The body also changed in ways `deferred` does not describe (history
    /// applied without deltas): map from `shown` by a diff instead.
    unmapped: bool,
    composing: bool,
    /// Loaded from IndexedDB (or given up on it): edits may start.
    ready: bool,
    /// The page left the document: no more connections.
    closed: bool,
    /// The title last written to the recent list.
    recorded_title: Option<String>,
    roster: Roster,
    /// This tab's hold on the document; `None` where Web Locks are missing.
    tab_lock: Option<TabLock>,
    /// Listening for another tab that asks for the document.
    hand_over: Option<HandOver>,
    /// Counts the times the document was opened in this page (once, plus
    /// each [`DocSession::use_here`]), so a late timer of an earlier
    /// opening does nothing.
    opening: u32,
    out: Outbox,
    // Long histories
    /// Frames received and not processed yet, oldest first.
    inbox: Inbox,
    /// A run through the inbox is scheduled (a frame arriving meanwhile
    /// waits for it).
    drain_scheduled: bool,
    yielder: Option<Yielder>,
}

/// An empty document with a fresh client id, its undo manager on.
fn new_document() -> Document {
    let mut doc = Document::new(random_client_id());
    doc.enable_undo(std::sync::Arc::new(|| js_sys::Date::now() as u64));
    doc
}

fn random_client_id() -> u64 {
    let mut bytes = [0u8; 4];
    // A Yjs-sized id (32 bits); a fresh one per visit, so an earlier
    // visit's unsaved edits can never collide with this one's.
    if getrandom::getrandom(&mut bytes).is_err() {
        return (js_sys::Math::random() * f64::from(u32::MAX)) as u64;
    }
    u64::from(u32::from_le_bytes(bytes))
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// `ws(s)://host/<the page's directory>/ws`: the relay beside the app, so
/// `dist/` served under a sub-path finds it too.
fn relay_url() -> Option<String> {
    let href = window().location().href().ok()?;
    let url = web_sys::Url::new_with_base("ws", &href).ok()?;
    url.set_protocol(if url.protocol() == "https:" {
        "wss:"
    } else {
        "ws:"
    });
    url.set_hash("");
    url.set_search("");
    Some(url.href())
}

fn online() -> bool {
    window().navigator().on_line()
}

impl Core {
    fn keys(&self) -> DocKeys {
        self.link.keys()
    }

    fn send(&self, frame: &[u8]) {
        if let Some(socket) = &self.socket {
            socket.send(frame);
        }
    }

    /// Send what the session lets out now.
    fn flush(&mut self) {
        if self.session.pending_len() > MERGE_ABOVE {
            let merged = self.session.merge_unsent(|parts| {
                // Too big merged: the relay would refuse it. One by one.
                if parts.iter().map(|part| part.len()).sum::<usize>() > MAX_UPDATE_BYTES {
                    return Err(None);
                }
                document::merge_updates(parts).map_err(Some)
            });
            if let Err(Some(_)) = merged {
                leptos::logging::warn!("could not merge the unsent edits; sending them one by one");
            }
        }
        if self.socket.is_none() {
            return;
        }
        match self.session.outgoing() {
            Ok(frames) => {
                if let (Some(socket), false) = (&mut self.socket, frames.is_empty()) {
                    socket
                        .unanswered_since
                        .get_or_insert_with(js_sys::Date::now);
                }
                for frame in frames {
                    self.send(&frame);
                }
            }
            Err(error) => leptos::logging::warn!("could not seal an edit: {error}"),
        }
    }

    /// A frame arrived: the connection is alive.
    fn heard_from_relay(&mut self) {
        if let Some(socket) = &mut self.socket {
            socket.heard_at = js_sys::Date::now();
            socket.unanswered_since = None;
        }
    }

    /// Whether the connection stopped answering (see [`UNANSWERED`]).
    fn connection_dead(&self, now: f64) -> bool {
        let Some(socket) = &self.socket else {
            return false;
        };
        let over = |since: f64, limit: Duration| now - since > limit.as_millis() as f64;
        if !self.inbox.is_empty() {
            // Still working through what arrived (a long history takes
            // tens of seconds): the silence is ours, not the relay's.
            return false;
        }
        if self.session.phase() == Phase::Live {
            socket
                .unanswered_since
                .is_some_and(|since| over(since, UNANSWERED))
        } else {
            over(socket.heard_at, SILENT_WHILE_JOINING)
        }
    }

    /// Show the document's body in the textarea, the selection carried
    /// through `steps` (or kept in bounds when `steps` is `None`).
    fn show_body(&mut self) {
        let body = self.doc.body();
        if let Some(textarea) = &self.textarea {
            let len = utf16_len(&body);
            let start = textarea.selection_start().ok().flatten().unwrap_or(0);
            let end = textarea.selection_end().ok().flatten().unwrap_or(0);
            textarea.set_value(&body);
            let _ = textarea.set_selection_range(start.min(len), end.min(len));
        }
        self.shown = body;
        self.out.body = true;
    }

    /// Show the remote changes waiting in `deferred`, the selection carried
    /// through each in turn: one update of the textarea for a whole run of
    /// updates. Not during an IME composition.
    fn show_deferred(&mut self) {
        if self.composing || (self.deferred.is_empty() && !self.unmapped) {
            return;
        }
        let changes = self.take_deferred();
        let body = self.doc.body();
        if let Some(textarea) = &self.textarea {
            let mut selection = Selection {
                start: textarea.selection_start().ok().flatten().unwrap_or(0),
                end: textarea.selection_end().ok().flatten().unwrap_or(0),
            };
            for steps in &changes {
                selection = selection.transform(steps);
            }
            let len = utf16_len(&body);
            textarea.set_value(&body);
            let _ = textarea.set_selection_range(selection.start.min(len), selection.end.min(len));
        }
        self.shown = body;
        self.out.body = true;
    }

    /// The remote changes since `shown`, oldest first: `deferred`, or the
    /// one edit from `shown` to the body when some came without a delta.
    fn take_deferred(&mut self) -> Vec<Vec<Step>> {
        let deferred = std::mem::take(&mut self.deferred);
        if !std::mem::take(&mut self.unmapped) {
            return deferred;
        }
        diff(&self.shown, &self.doc.body())
            .map(|edit| vec![edit.steps()])
            .unwrap_or_default()
    }

    fn apply(&mut self, update: &[u8]) {
        // While the history comes in, it is shown once at the end: no delta
        // per update (each one walks the whole text).
        let result = if matches!(self.session.phase(), Phase::Joining { .. }) {
            self.doc.apply_remote_unmapped(update)
        } else {
            self.doc.apply_remote(update)
        };
        match result {
            Ok(change) => {
                if !change.body.is_empty() {
                    // Shown by `show_deferred` once the inbox is empty.
                    self.deferred.push(change.body);
                }
                self.unmapped |= change.body_unmapped;
                if change.meta {
                    self.out.title = Some(self.doc.meta().title.unwrap_or_default());
                }
                self.out.people |= change.people;
            }
            Err(error) => {
                leptos::logging::warn!("an update could not be applied: {error}");
                self.out.problem = Some(Some(Problem::Invalid));
                if !self.composing {
                    self.deferred.clear();
                    self.unmapped = false;
                    self.show_body();
                }
            }
        }
    }

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
                Incoming::Snapshot { state, .. } => self.apply(&state),
                Incoming::Update { update, .. } => self.apply(&update),
                Incoming::Progress { received, total } => {
                    self.out.progress = Some(Some((received, total)));
                }
                Incoming::CaughtUp { .. } => {
                    self.out.progress = Some(None);
                    self.attempt = 0;
                    self.out.connection = Some(Connection::Online);
                    self.send_presence();
                }
                Incoming::CompactHint { .. } => {
                    if let Ok(Some(snapshot)) = self.session.snapshot(&self.doc.encode_state()) {
                        self.send(&snapshot);
                    }
                }
                Incoming::Refused { code, dropped, .. } => {
                    self.out.problem = Some(Some(Problem::Refused { code, dropped }));
                }
                Incoming::Invalid { seq, error } => {
                    leptos::logging::warn!("message {seq:?} failed verification: {error}");
                    self.out.problem = Some(Some(Problem::Invalid));
                }
                Incoming::Acked { .. } => self.out.acked = true,
                Incoming::Awareness { peer, state } => self.heard(peer, &state),
                Incoming::PeerLeft { peer } => self.peer_left(peer),
                Incoming::Joined { .. } | Incoming::SnapshotStored { .. } => {}
            }
        }
        self.out.save = true;
        self.flush();
    }

    /// The textarea changed: turn the change into an edit of the body.
    fn input(&mut self) {
        let Some(textarea) = self.textarea.clone() else {
            return;
        };
        if self.composing {
            return;
        }
        let value = textarea.value();
        if !self.ready || !self.keys().can_write() {
            // Read-only: whatever got in is undone.
            textarea.set_value(&self.shown);
            return;
        }
        let caret = textarea.selection_end().ok().flatten().unwrap_or(0);
        let deferred = self.take_deferred();
        let Some(edit) = diff_at_caret(&self.shown, &value, caret) else {
            if !deferred.is_empty() {
                self.show_body();
            }
            return;
        };
        let edit = if deferred.is_empty() {
            edit
        } else {
            edit.carry(&deferred, self.doc.body_len())
        };
        match self.doc.edit_body_in_parts(&edit, MAX_UPDATE_BYTES) {
            Ok(updates) => {
                for update in updates {
                    if let Err(error) = self.session.local(update) {
                        leptos::logging::warn!("edit not queued: {error}");
                    }
                }
                self.out.body = true;
                self.write_person();
            }
            Err(error) => leptos::logging::warn!("edit not applied: {error}"),
        }
        if deferred.is_empty() && self.doc.body_len() == utf16_len(&value) {
            self.shown = value;
        } else {
            let caret = edit.start + edit.insert_len();
            self.show_body();
            let _ = textarea.set_selection_range(caret, caret);
        }
        self.out.save = true;
        self.flush();
    }

    /// Undo (or redo) this browser's last group of body edits, and put the
    /// caret where the text changed.
    fn undo(&mut self, redo: bool) {
        if self.composing || !self.ready || !self.keys().can_write() {
            return;
        }
        let update = if redo {
            self.doc.redo()
        } else {
            self.doc.undo()
        };
        let Some(update) = update else {
            return;
        };
        if let Err(error) = self.session.local(update) {
            leptos::logging::warn!("undo not queued: {error}");
        }
        let old = std::mem::take(&mut self.shown);
        let body = self.doc.body();
        if let Some(textarea) = &self.textarea {
            textarea.set_value(&body);
            if let Some(change) = diff(&old, &body) {
                let caret = change.start + change.insert_len();
                let _ = textarea.set_selection_range(caret, caret);
            }
        }
        self.shown = body;
        self.out.body = true;
        self.out.save = true;
        self.flush();
    }

    fn set_title(&mut self, title: &str) {
        if !self.ready || !self.keys().can_write() {
            return;
        }
        let update = self.doc.set_title(title);
        if let Err(error) = self.session.local(update) {
            leptos::logging::warn!("title not queued: {error}");
        }
        self.out.save = true;
        self.flush();
    }

    fn saved(&self) -> Saved {
        Saved {
            state: self.doc.encode_state(),
            applied: self.session.applied(),
            pending: self.session.pending(),
        }
    }

    /// Stop what runs on its own (the reconnection and save timers, the
    /// socket, presence) and let go of the tab lock: the page was left,
    /// or the document went to another tab, or comes back to this one.
    fn stop(&mut self) {
        if let Some(timer) = self.retry.take() {
            timer.clear();
        }
        if let Some(timer) = self.save_timer.take() {
            timer.clear();
        }
        self.drop_socket();
        self.forget_peers();
        self.tab_lock = None;
        self.hand_over = None;
    }

    fn drop_socket(&mut self) {
        if let Some(socket) = self.socket.take() {
            socket.shut();
        }
        // Frames of the closed connection not processed yet are dropped:
        // `applied` has not moved past them, so the next `Hello` asks for
        // them again (and a lost ack means a harmless resend).
        self.inbox.clear();
        self.show_deferred();
        self.session.disconnected();
    }
}

/// Presence: kept apart from the rest of the core.
impl Core {
    /// What this page tells the others, once it knows who it is.
    fn presence_state(&self) -> Option<State> {
        let me = self.roster.me.as_ref()?;
        let selection = self.textarea.as_ref().and_then(|textarea| {
            let start = textarea.selection_start().ok().flatten()?;
            let end = textarea.selection_end().ok().flatten()?;
            let (anchor, head) = self.doc.stick(start, end)?;
            Some(Sticky { anchor, head })
        });
        Some(State {
            name: me.name.clone(),
            colour: me.colour.clone(),
            client: self.doc.client_id(),
            can_write: self.keys().can_write(),
            selection,
        })
    }

    /// Tell the room who is here, if live.
    fn send_presence(&mut self) {
        if let Some(timer) = self.roster.timer.take() {
            timer.clear();
        }
        if self.socket.is_none() || self.session.phase() != Phase::Live {
            return;
        }
        let Some(state) = self.presence_state() else {
            return;
        };
        match self.session.awareness(&state.encode()) {
            Ok(frame) => {
                self.send(&frame);
                self.roster.sent_at = now_ms();
            }
            Err(error) => leptos::logging::warn!("could not seal the presence: {error}"),
        }
    }

    /// This tab no longer has the document: nobody is listed here.
    fn forget_peers(&mut self) {
        if let Some(timer) = self.roster.timer.take() {
            timer.clear();
        }
        self.roster.peers = Peers::default();
        self.publish_peers();
    }

    fn publish_peers(&mut self) {
        self.out.peers = Some(self.roster.peers.iter().cloned().collect());
    }

    /// A peer's presence payload.
    fn heard(&mut self, peer: PeerId, state: &[u8]) {
        match self.roster.peers.receive(peer, state, now_ms()) {
            Ok(heard) => {
                self.publish_peers();
                if heard == Heard::New {
                    self.send_presence();
                }
            }
            Err(error) => leptos::logging::warn!("presence of peer {peer} ignored: {error}"),
        }
    }

    fn peer_left(&mut self, peer: PeerId) {
        if self.roster.peers.left(peer) {
            self.publish_peers();
        }
    }

    /// Write this visit's `people` entry if it edited and the entry is not
    /// (or no longer) who this browser says it is.
    fn write_person(&mut self) {
        if !self.ready || !self.keys().can_write() {
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
    /// Open the document `link` names: provide the context, load the saved
    /// copy, then connect. Everything stops when the calling component is
    /// cleaned up.
    pub fn start(link: Link) -> Self {
        let keys = link.keys();
        let room = keys.room().to_string();
        let core = Rc::new(RefCell::new(Core {
            session: Session::new(keys.clone(), 0, Vec::new()),
            doc: new_document(),
            link,
            room,
            socket: None,
            attempt: 0,
            retry: None,
            save_timer: None,
            textarea: None,
            shown: String::new(),
            deferred: Vec::new(),
            unmapped: false,
            composing: false,
            ready: false,
            closed: false,
            recorded_title: None,
            roster: Roster::default(),
            tab_lock: None,
            hand_over: None,
            opening: 0,
            out: Outbox::default(),
            inbox: Inbox::default(),
            drain_scheduled: false,
            yielder: None,
        }));
        let me = DocSession {
            can_write: keys.can_write(),
            connection: RwSignal::new(Connection::Connecting),
            pending: RwSignal::new(0),
            title: RwSignal::new(String::new()),
            problem: RwSignal::new(None),
            ready: RwSignal::new(false),
            progress: RwSignal::new(None),
            applied: RwSignal::new(0),
            revision: RwSignal::new(0),
            peers: RwSignal::new(Vec::new()),
            people: RwSignal::new(0),
            tab: RwSignal::new(Tab::Claiming),
            core: StoredValue::new_local(core.clone()),
        };
        provide_context(me);
        if let Ok(heartbeat) =
            set_interval_with_handle(move || me.heartbeat(), awareness::HEARTBEAT)
        {
            on_cleanup(move || heartbeat.clear());
        }
        if let Ok(watchdog) = set_interval_with_handle(move || me.watchdog(), WATCHDOG) {
            on_cleanup(move || watchdog.clear());
        }
        core.borrow_mut().yielder = Yielder::new(move || me.drain());

        let listeners = [
            window_event_listener_untyped("online", move |_| me.network_back()),
            window_event_listener_untyped("offline", move |_| me.network_gone()),
            window_event_listener_untyped("pagehide", move |_| me.save_now()),
            window_event_listener_untyped("visibilitychange", move |_| {
                if document().visibility_state() == web_sys::VisibilityState::Hidden {
                    me.save_now();
                }
            }),
        ];
        let core = SendWrapper::new(core);
        on_cleanup(move || {
            for listener in listeners {
                listener.remove();
            }
            let core = core.take();
            let saved = {
                let mut core = core.borrow_mut();
                core.closed = true;
                core.stop();
                if let Some(yielder) = core.yielder.take() {
                    yielder.stop();
                }
                core.ready.then(|| (core.room.clone(), core.saved()))
            };
            if let Some((room, saved)) = saved {
                let key = store::doc_key(&room);
                let bytes = saved.encode();
                if !matches!(store::put_now(&key, Value::Bytes(&bytes)), Ok(true)) {
                    spawn_local(async move {
                        let _ = store::put(&key, Value::Bytes(&bytes)).await;
                    });
                }
            }
        });

        spawn_local(async move { me.open(false).await });
        me
    }

    /// Take the tab lock, then load and connect; or say the document is
    /// open elsewhere. `moving`: the person asked to move the document
    /// here, so the tab that has it is asked to hand it over.
    async fn open(self, moving: bool) {
        let Some(room) = self.with_core(|c| c.room.clone()) else {
            return;
        };
        let lost = move |_| self.lost_tab();
        let claim = if moving {
            tab_lock::ask_to_hand_over(&room);
            let waited = match web_sys::AbortController::new() {
                Ok(abort) => {
                    let give_up = abort.clone();
                    let timer = set_timeout_with_handle(move || give_up.abort(), HAND_OVER_TIMEOUT);
                    let claim = tab_lock::claim(&room, Mode::Wait(abort), lost).await;
                    if let Ok(timer) = timer {
                        timer.clear();
                    }
                    claim
                }
                Err(_) => Claim::Busy,
            };
            match waited {
                Claim::Busy => tab_lock::claim(&room, Mode::Steal, lost).await,
                claim => claim,
            }
        } else {
            tab_lock::claim(&room, Mode::IfAvailable, lost).await
        };
        match claim {
            Claim::Busy => {
                self.tab.try_set(Tab::Elsewhere);
                return;
            }
            Claim::Held(lock) => {
                let hand_over = HandOver::listen(&room, move || self.hand_over());
                // After the page was left the lock is dropped, so released.
                let kept = self.with_core(|c| {
                    if !c.closed {
                        c.tab_lock = Some(lock);
                        c.hand_over = hand_over;
                    }
                    !c.closed
                });
                if kept != Some(true) {
                    return;
                }
            }
            Claim::Unsupported => {}
        }
        self.tab.try_set(Tab::Mine);
        let Some(opening) = self.with_core(|c| c.opening) else {
            return;
        };
        let _ = set_timeout_with_handle(
            move || {
                // `loaded` itself ignores it once loaded or left.
                if self.with_core(|c| c.opening) == Some(opening) {
                    self.loaded(None);
                }
            },
            LOAD_TIMEOUT,
        );
        self.load().await;
    }

    /// Another tab asks for the document: save it, then let go of the
    /// lock, so that the other tab loads what was saved here last.
    fn hand_over(self) {
        let saved = self.with_core(|c| {
            // No more edits here from now on.
            let saved = c.ready.then(|| (c.room.clone(), c.saved().encode()));
            c.ready = false;
            saved
        });
        self.ready.try_set(false);
        let Some(Some((room, bytes))) = saved else {
            self.lost_tab();
            return;
        };
        let key = store::doc_key(&room);
        // A write started before the lock is released is read by the
        // other tab's load, which starts after.
        if matches!(store::put_now(&key, Value::Bytes(&bytes)), Ok(true)) {
            self.lost_tab();
            return;
        }
        spawn_local(async move {
            if store::put(&key, Value::Bytes(&bytes)).await.is_err() {
                self.problem.try_set(Some(Problem::Storage));
            }
            self.lost_tab();
        });
    }

    /// The document went to another tab: stop syncing and saving here.
    fn lost_tab(self) {
        self.with_core(|c| {
            c.closed = true;
            c.ready = false;
            c.stop();
        });
        self.ready.try_set(false);
        self.tab.try_set(Tab::Lost);
    }

    /// Move the document to this tab, from the tab that has it: start
    /// again from the saved copy that tab keeps up to date.
    pub fn use_here(&self) {
        let me = *self;
        let reset = self.with_core(|c| {
            c.stop();
            c.doc = new_document();
            c.session = Session::new(c.keys(), 0, Vec::new());
            c.shown.clear();
            c.deferred.clear();
            c.composing = false;
            c.ready = false;
            c.closed = false;
            c.attempt = 0;
            c.recorded_title = None;
            // A new client id: its `people` entry is written again.
            c.roster.written = None;
            c.opening += 1;
            c.show_body();
        });
        if reset.is_none() {
            return;
        }
        self.ready.set(false);
        self.tab.set(Tab::Claiming);
        spawn_local(async move { me.open(true).await });
    }

    fn core(&self) -> Option<Rc<RefCell<Core>>> {
        self.core.try_get_value()
    }

    /// Run `f` on the core, then publish what it changed.
    fn with_core<R>(&self, f: impl FnOnce(&mut Core) -> R) -> Option<R> {
        let core = self.core()?;
        let (result, out, pending, applied) = {
            let mut core = core.try_borrow_mut().ok()?;
            let result = f(&mut core);
            (
                result,
                std::mem::take(&mut core.out),
                core.session.pending_len(),
                core.session.applied(),
            )
        };
        if self.applied.get_untracked() != applied {
            self.applied.set(applied);
        }
        self.publish(out, pending);
        Some(result)
    }

    fn publish(&self, out: Outbox, pending: usize) {
        if let Some(connection) = out.connection {
            if self.connection.get_untracked() != connection {
                self.connection.set(connection);
            }
            if connection == Connection::Online
                && self
                    .problem
                    .get_untracked()
                    .is_some_and(Problem::cleared_by_reconnecting)
            {
                self.problem.set(None);
            }
        }
        if let Some(problem) = out.problem {
            self.problem.set(problem);
        } else if out.acked
            && self
                .problem
                .get_untracked()
                .is_some_and(Problem::cleared_by_an_ack)
        {
            self.problem.set(None);
        }
        if let Some(progress) = out.progress {
            self.progress.set(progress);
        }
        if let Some(title) = out.title {
            if self.title.get_untracked() != title {
                self.title.set(title);
            }
        }
        if self.pending.get_untracked() != pending {
            self.pending.set(pending);
        }
        if out.body {
            self.revision.update(|n| *n += 1);
        }
        if out.people {
            self.people.update(|n| *n += 1);
        }
        if let Some(peers) = out.peers {
            self.peers.set(peers);
        }
        if out.save {
            self.schedule_save();
        }
    }

    async fn load(self) {
        let Some((room, fragment)) = self.with_core(|c| (c.room.clone(), c.link.fragment())) else {
            return;
        };
        let saved = match store::get(&store::doc_key(&room)).await {
            Ok(value) => value
                .as_ref()
                .and_then(store::bytes)
                .and_then(|bytes| Saved::decode(&bytes)),
            Err(_) => {
                self.problem.try_set(Some(Problem::Storage));
                None
            }
        };
        self.loaded(saved);
        // Keep the keys, so the start page can open the document again.
        let _ = store::put(&store::link_key(&room), Value::Text(&fragment)).await;
        self.record_recent().await;
    }

    /// The saved copy is in (or will not come): show it, then connect.
    fn loaded(self, saved: Option<Saved>) {
        let started = self.with_core(|c| {
            if c.closed {
                return false;
            }
            if c.ready {
                // The saved copy came after the page gave up waiting for it:
                // merge it rather than lose it (its next save would be
                // overwritten). Its unsent edits are queued again; a
                // duplicate of an edit the relay has is harmless.
                if let Some(saved) = saved {
                    c.apply(&saved.state);
                    c.show_deferred();
                    for pending in saved.pending {
                        if let Err(error) = c.session.local(pending.update) {
                            leptos::logging::warn!("saved edit not queued: {error}");
                        }
                    }
                    c.out.save = true;
                    c.flush();
                }
                return false;
            }
            if let Some(saved) = saved {
                match c.doc.apply_remote(&saved.state) {
                    Ok(_) => c.session = Session::new(c.keys(), saved.applied, saved.pending),
                    Err(error) => leptos::logging::warn!("the saved copy is unreadable: {error}"),
                }
            }
            c.ready = true;
            c.show_body();
            c.out.title = Some(c.doc.meta().title.unwrap_or_default());
            true
        });
        if started == Some(true) {
            self.ready.set(true);
            self.connect();
        }
    }

    async fn record_recent(self) {
        let Some((entry, title)) = self.with_core(|c| {
            let title = c.doc.meta().title.unwrap_or_default();
            let entry = Recent {
                room: c.room.clone(),
                title: title.clone(),
                can_write: c.keys().can_write(),
                fragment: c.link.fragment(),
                opened: now_ms(),
            };
            (entry, title)
        }) else {
            return;
        };
        let mut list = match store::get(store::RECENT_KEY).await {
            Ok(value) => value
                .as_ref()
                .and_then(store::bytes)
                .map(|b| store::decode_recent(&b))
                .unwrap_or_default(),
            Err(_) => return,
        };
        store::remember(&mut list, entry);
        if store::put(
            store::RECENT_KEY,
            Value::Bytes(&store::encode_recent(&list)),
        )
        .await
        .is_ok()
        {
            self.with_core(|c| c.recorded_title = Some(title));
        }
    }

    fn connect(self) {
        let Some(url) = relay_url() else {
            return;
        };
        let go = self.with_core(|c| {
            if let Some(timer) = c.retry.take() {
                timer.clear();
            }
            if c.closed || c.socket.is_some() || !c.ready {
                return false;
            }
            c.out.connection = Some(if c.attempt == 0 {
                Connection::Connecting
            } else {
                Connection::Reconnecting { attempt: c.attempt }
            });
            true
        });
        if go != Some(true) {
            return;
        }
        let ws = match WebSocket::new(&url) {
            Ok(ws) => ws,
            Err(_) => {
                self.retry_later();
                return;
            }
        };
        ws.set_binary_type(BinaryType::Arraybuffer);
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            self.with_core(|c| {
                let hello = c.session.hello();
                c.send(&hello);
            });
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Ok(buffer) = event.data().dyn_into::<ArrayBuffer>() {
                let frame = Uint8Array::new(&buffer).to_vec();
                let idle = self.with_core(|c| {
                    c.heard_from_relay();
                    c.inbox.push(frame);
                    !c.drain_scheduled
                });
                if idle == Some(true) {
                    self.drain();
                }
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            self.disconnected(event.code());
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        self.with_core(move |c| {
            c.socket = Some(Socket {
                ws,
                _on_open: on_open,
                _on_message: on_message,
                _on_close: on_close,
                heard_at: js_sys::Date::now(),
                unanswered_since: None,
            })
        });
    }

    /// Drop a connection that stopped answering and open another.
    fn watchdog(self) {
        let dead = self.with_core(|c| {
            let dead = c.connection_dead(js_sys::Date::now());
            if dead {
                leptos::logging::warn!("the relay stopped answering; reconnecting");
                c.drop_socket();
            }
            dead && !c.closed
        });
        if dead == Some(true) {
            self.retry_later();
        }
    }

    /// The socket closed with `code`.
    fn disconnected(self, code: u16) {
        let closed = self.with_core(|c| {
            // Dropping the socket drops this very callback: wasm-bindgen
            // frees it once it returns.
            c.drop_socket();
            if let Some(problem) = Problem::from_close(code) {
                c.out.problem = Some(Some(problem));
            }
            c.closed
        });
        if closed == Some(false) {
            self.retry_later();
        }
    }

    fn retry_later(self) {
        self.with_core(|c| {
            if c.closed {
                return;
            }
            if let Some(timer) = c.retry.take() {
                timer.clear();
            }
            if !online() {
                // The `online` event will bring us back.
                c.out.connection = Some(Connection::Offline);
                return;
            }
            c.attempt = c.attempt.saturating_add(1);
            c.out.connection = Some(Connection::Reconnecting { attempt: c.attempt });
            let delay = backoff(c.attempt, js_sys::Math::random());
            c.retry = set_timeout_with_handle(move || self.connect(), delay).ok();
        });
    }

    fn network_back(self) {
        self.with_core(|c| c.attempt = c.attempt.max(1));
        self.connect();
    }

    fn network_gone(self) {
        self.with_core(|c| {
            if let Some(timer) = c.retry.take() {
                timer.clear();
            }
            c.drop_socket();
            c.out.connection = Some(Connection::Offline);
        });
    }

    /// Work through the inbox for at most [`BUDGET_MS`] (and one frame),
    /// then yield to the browser and go on from there. Frames arriving
    /// meanwhile queue behind; runs are one at a time and take frames in
    /// order, so a stray run (scheduled before a disconnection) is harmless.
    fn drain(self) {
        let more = self.with_core(|c| {
            c.drain_scheduled = false;
            let started = js_sys::Date::now();
            while let Some(frame) = c.inbox.pop() {
                c.receive(&frame);
                if js_sys::Date::now() - started >= BUDGET_MS {
                    break;
                }
            }
            if c.inbox.is_empty() {
                c.show_deferred();
                false
            } else {
                true
            }
        });
        if more != Some(true) {
            return;
        }
        let posted = self.with_core(|c| {
            c.drain_scheduled = c.yielder.as_ref().is_some_and(Yielder::post);
            c.drain_scheduled
        });
        if posted == Some(false) {
            // No message channel: a zero-delay timeout does it, slower.
            set_timeout(move || self.drain(), Duration::ZERO);
            self.with_core(|c| c.drain_scheduled = true);
        }
    }

    fn schedule_save(self) {
        self.with_core(|c| {
            if c.save_timer.is_none() {
                c.save_timer =
                    set_timeout_with_handle(move || self.save_when_idle(), SAVE_DELAY).ok();
            }
        });
    }

    /// The save timer: save now, or later while frames are still waiting
    /// (each save encodes the whole document: not during a long history).
    fn save_when_idle(self) {
        let busy = self.with_core(|c| {
            if c.inbox.is_empty() {
                return false;
            }
            c.save_timer = set_timeout_with_handle(move || self.save_when_idle(), SAVE_DELAY).ok();
            true
        });
        if busy == Some(false) {
            self.save_now();
        }
    }

    /// Save the document in this browser now.
    fn save_now(self) {
        let Some(Some((room, bytes, title_changed))) = self.with_core(|c| {
            if let Some(timer) = c.save_timer.take() {
                timer.clear();
            }
            if !c.ready {
                return None;
            }
            let title = c.doc.meta().title.unwrap_or_default();
            let title_changed = c.recorded_title.as_deref() != Some(title.as_str());
            Some((c.room.clone(), c.saved().encode(), title_changed))
        }) else {
            return;
        };
        // Synchronously when the database is open: this also runs when the
        // page is being left, and an `await` might never come back.
        let key = store::doc_key(&room);
        let stored = store::put_now(&key, Value::Bytes(&bytes));
        if stored.is_err() {
            self.problem.try_set(Some(Problem::Storage));
        }
        let stored = matches!(stored, Ok(true));
        spawn_local(async move {
            if !stored && store::put(&key, Value::Bytes(&bytes)).await.is_err() {
                self.problem.try_set(Some(Problem::Storage));
            }
            if title_changed {
                self.record_recent().await;
            }
        });
    }

    // What components use.

    pub fn can_write(&self) -> bool {
        self.can_write
    }

    pub fn connection(&self) -> Signal<Connection> {
        self.connection.into()
    }

    /// Edits the relay has not acknowledged yet.
    pub fn pending(&self) -> Signal<usize> {
        self.pending.into()
    }

    pub fn title(&self) -> Signal<String> {
        self.title.into()
    }

    pub fn problem(&self) -> Signal<Option<Problem>> {
        self.problem.into()
    }

    /// The last sequence number applied (the status line's `data-seq`, a
    /// hook for tests).
    pub fn applied(&self) -> Signal<u64> {
        self.applied.into()
    }

    /// While joining: the stored updates received so far, and how many
    /// there are.
    pub fn progress(&self) -> Signal<Option<(u64, u64)>> {
        self.progress.into()
    }

    /// Counts the changes of the body, whoever made them: what shows the
    /// text elsewhere (preview, backdrop) tracks it and reads
    /// [`DocSession::body`].
    pub fn revision(&self) -> Signal<u64> {
        self.revision.into()
    }

    /// The body's text now.
    pub fn body(&self) -> String {
        self.with_core(|c| c.doc.body()).unwrap_or_default()
    }

    /// Whether this tab has the document.
    pub fn tab(&self) -> Signal<Tab> {
        self.tab.into()
    }

    /// The saved copy is loaded: the text can be shown and edited.
    pub fn ready(&self) -> Signal<bool> {
        self.ready.into()
    }

    /// The editor's textarea, to keep in step with the body.
    pub fn attach(&self, textarea: HtmlTextAreaElement) {
        self.with_core(|c| {
            c.textarea = Some(textarea);
            if c.ready {
                c.show_body();
            }
        });
    }

    /// The person typed (or pasted, cut, dropped) in the textarea.
    pub fn input(&self) {
        self.with_core(Core::input);
    }

    pub fn composition_start(&self) {
        self.with_core(|c| c.composing = true);
    }

    pub fn composition_end(&self) {
        self.with_core(|c| {
            c.composing = false;
            c.input();
        });
    }

    /// Undo this browser's last edits of the text (never a co-author's).
    pub fn undo(&self) {
        self.with_core(|c| c.undo(false));
    }

    pub fn redo(&self) {
        self.with_core(|c| c.undo(true));
    }

    pub fn set_title(&self, title: String) {
        self.with_core(|c| c.set_title(&title));
        self.title.set(title);
    }

    // Presence.

    /// The peers heard from lately, by peer id.
    pub fn peers(&self) -> Signal<Vec<Peer>> {
        self.peers.into()
    }

    /// Counts the changes of `people`: what colours text by author tracks it.
    pub fn people_revision(&self) -> Signal<u64> {
        self.people.into()
    }

    /// Who this browser's person is (name, possibly empty, and colour):
    /// told to the room, and written in `people` if this visit edited.
    pub fn set_me(&self, me: Person) {
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

    /// The selection moved (or the text changed): tell the room, at most
    /// every [`awareness::THROTTLE`].
    pub fn caret_moved(&self) {
        let me = *self;
        self.with_core(|c| {
            if c.roster.timer.is_some() {
                return;
            }
            let throttle = awareness::THROTTLE.as_millis() as u64;
            let wait = (c.roster.sent_at + throttle).saturating_sub(now_ms());
            if wait == 0 {
                c.send_presence();
            } else {
                c.roster.timer = set_timeout_with_handle(
                    move || {
                        me.with_core(Core::send_presence);
                    },
                    Duration::from_millis(wait),
                )
                .ok();
            }
        });
    }

    /// Every [`awareness::HEARTBEAT`]: forget the silent, say we are here.
    fn heartbeat(self) {
        self.with_core(|c| {
            if c.roster.peers.expire(now_ms()) {
                c.publish_peers();
            }
            c.send_presence();
        });
    }

    /// The co-authors' selections, where they are in the body now;
    /// `unnamed` names those who gave no name.
    pub fn remote_cursors(&self, unnamed: &str) -> Vec<Cursor> {
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

    /// Who wrote the body: `(UTF-16 length, colour)` runs, the colour
    /// `None` for a client not in `people` (or with a colour that is not
    /// one).
    pub fn authorship(&self) -> Vec<(u32, Option<String>)> {
        self.with_core(|c| c.doc.coloured_authorship())
            .unwrap_or_default()
    }
}

/// The [`DocSession`] the document page provides.
pub fn use_doc_session() -> DocSession {
    use_context().expect("the document page provides its DocSession")
}

//! The open document: one [`DocSession`] per document page. It owns the
//! Yrs [`Document`], the protocol's sans-IO [`Session`], the socket that
//! drives it, the timers, the copy in this browser and the `<textarea>`
//! the editor attached, and pushes what the person sees into signals.
//! Components never open a transaction or touch the socket: they read
//! one narrow context per concern and call its methods.
//!
//! The life of a page:
//! 1. [`DocSession::start`] takes the document's tab lock ([`tabs`]); when
//!    another tab of this browser has the document, nothing is loaded and
//!    the page offers to move it here.
//! 2. It loads the document from IndexedDB ([`persistence`]): the text
//!    shows without any network.
//! 3. It connects ([`connection`]): `Hello`, the history, `CaughtUp`:
//!    online. Edits made meanwhile wait in the session's queue, and leave
//!    once caught up. A closed connection is retried after a capped
//!    exponential delay with jitter, or as soon as the browser says the
//!    network is back; a watchdog drops one that stopped answering.
//! 4. Frames go through the [`inbox`], worked through in runs that yield
//!    to the browser, so a long history never freezes the page.
//! 5. The document is saved shortly after a change, and when the page is
//!    hidden or left ([`persistence`]).
//!
//! The concerns, one module each:
//!
//! - [`connection`]: the socket, reconnection, the watchdog;
//! - [`inbox`]: frames waiting, and the runs through them;
//! - [`persistence`]: loading and saving in this browser;
//! - [`tabs`]: one tab per document, and moving it;
//! - [`roster`]: who is here (the [`RoomPresence`] context);
//! - [`integrity`]: what the page checks of the relay and of co-authors'
//!   snapshots and heads, and what it uploads as a snapshot;
//! - [`text`]: the body, the title and the editor's textarea (the
//!   [`DocText`] context), through [`model::mirror`]: the textarea equals
//!   the document except during an IME composition;
//! - [`history`]: checkpoints, what was seen, names and restores (the
//!   [`DocHistory`] context);
//! - [`signals`]: what changed, collected while the core is borrowed and
//!   published after (the [`Status`] context).
//!
//! The state is one [`Core`] behind a `RefCell`, borrowed for the length
//! of one event's handling and never across an `await`; each module adds
//! its methods to it.

pub mod amendments;
pub mod arguments;
pub mod citations;
mod connection;
mod history;
pub mod inbox;
mod integrity;
pub mod meeting;
mod persistence;
mod roster;
mod signals;
mod tabs;
mod text;
pub mod workspace;

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use leptos::task::spawn_local;
use model::mirror::Mirror;
use model::Document;
use protocol::session::Session;
use protocol::{DocKeys, Link};
use send_wrapper::SendWrapper;
use web_sys::HtmlTextAreaElement;

use crate::platform::page;

use connection::Relay;
use inbox::Intake;
use integrity::Integrity;
use persistence::Saving;
use roster::Roster;
use signals::{Outbox, Signals};
use tabs::Hold;

pub use amendments::{use_doc_amendments, AmendRoomState, DocAmendments};
pub use arguments::{use_doc_arguments, DocArguments};
pub use citations::{use_doc_citations, DocCitations};
pub use history::{use_doc_history, DocHistory};
pub use meeting::{use_doc_meetings, DocMeetings};
pub use roster::{use_room_presence, RoomPresence};
pub use signals::{use_status, Status};
pub use tabs::{use_tab, Tab, TabHandle};

/// A way to give the relay its creation token, when it asked for one
/// (the status line's form). Provided once by the document page's session;
/// read with [`use_token`].
#[derive(Clone, Copy)]
pub struct TokenHandle {
    pub give: Callback<String>,
}

impl TokenHandle {
    fn new(session: DocSession) -> Self {
        TokenHandle {
            give: Callback::new(move |token: String| session.give_creation_token(&token)),
        }
    }
}

/// A way to erase the document from this browser (the document page's
/// "Forget" button). Provided by the document page's session; read with
/// [`use_forget`].
#[derive(Clone, Copy)]
pub struct ForgetHandle {
    session: DocSession,
}

impl ForgetHandle {
    /// Erase the document's keys and copy from this browser; its title,
    /// or `Err` when the browser refused (then nothing was erased). The
    /// caller leaves the page after success.
    pub async fn forget(self) -> Result<String, ()> {
        self.session.forget().await
    }
}

/// The [`ForgetHandle`] the document page provides.
pub fn use_forget() -> ForgetHandle {
    use_context().expect("the document page provides its ForgetHandle")
}

/// The [`TokenHandle`] the document page provides.
pub fn use_token() -> TokenHandle {
    use_context().expect("the document page provides its TokenHandle")
}
pub use text::{use_doc_text, DocText, MAX_UPDATE_BYTES};

/// Which of a document's rooms a session keeps (DESIGN.md, "Rooms, keys
/// and links").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// The text room: the body, the title, people, versions, decisions.
    /// It holds the tab lock, the presence and the address bar.
    Text,
    /// The amendment room: records only. It opens beside the text's
    /// session, under its tab lock, and has no presence of its own.
    Amendments,
    /// Another document this page reads, with its view keys: an argument
    /// map a text quotes ([`citations`]). It loads this browser's copy,
    /// then follows the relay, and never saves: the map's own page keeps
    /// its copy (and its unsent edits), which a save from here would
    /// overwrite.
    Reference,
}

/// The open document's state; see the module docs.
struct Core {
    link: Link,
    part: Part,
    /// This room's keys (for the text, the link's).
    keys: DocKeys,
    room: String,
    doc: Document,
    session: Session,
    /// The editor's textarea, once attached, and what it shows.
    textarea: Option<HtmlTextAreaElement>,
    mirror: Mirror,
    relay: Relay,
    intake: Intake,
    saving: Saving,
    hold: Hold,
    roster: Roster,
    integrity: Integrity,
    checkpointing: history::Checkpointing,
    /// The page left the document, or another tab took it: no more
    /// connections, no more saving.
    closed: bool,
    /// What runs while the page lives (the watchdog, the heartbeat);
    /// stopped when dropped, with the page.
    ticking: Vec<Interval>,
    out: Outbox,
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

impl Core {
    fn can_write(&self) -> bool {
        self.keys.can_write()
    }

    /// Stop what runs on its own (the reconnection and save timers, the
    /// socket, presence) and let go of the tab lock: the page was left,
    /// or the document went to another tab, or comes back to this one.
    fn stop(&mut self) {
        self.saving.stop();
        self.relay.stop_retrying();
        self.drop_socket();
        self.forget_peers();
        self.hold.release();
    }

    /// Stop for good: the page was left, or the document forgotten here.
    fn close(&mut self) {
        self.closed = true;
        self.stop();
        self.intake.stop();
        self.ticking.clear();
    }
}

/// The open document, as a handle: cheap to copy, it lives as long as the
/// document page. Components do not hold it; they read the narrow
/// contexts it provides ([`Status`], [`DocText`], [`RoomPresence`],
/// [`TabHandle`], [`DocHistory`]).
#[derive(Clone, Copy)]
pub struct DocSession {
    signals: Signals,
    core: StoredValue<Rc<RefCell<Core>>, LocalStorage>,
}

impl DocSession {
    /// Open the document `link` names: provide the contexts, take the tab
    /// lock, load the saved copy, then connect. Everything stops when the
    /// calling component is cleaned up.
    pub fn start(link: Link) -> Self {
        let keys = link.keys();
        Self::start_room(link, keys, Part::Text)
    }

    /// Open one room of the document `link` names, with `keys`: the text
    /// room provides the page's contexts; the amendment room is
    /// [`amendments`]'s, and provides none.
    pub(crate) fn start_room(link: Link, keys: DocKeys, part: Part) -> Self {
        let room = keys.room().to_string();
        let core = Rc::new(RefCell::new(Core {
            session: Session::new(keys.clone(), 0, Vec::new()),
            doc: new_document(),
            link,
            part,
            keys: keys.clone(),
            room,
            textarea: None,
            mirror: Mirror::default(),
            relay: Relay::default(),
            intake: Intake::default(),
            saving: Saving::default(),
            hold: Hold::default(),
            roster: Roster::default(),
            integrity: Integrity::default(),
            checkpointing: history::Checkpointing::default(),
            closed: false,
            ticking: Vec::new(),
            out: Outbox::default(),
        }));
        let me = DocSession {
            signals: Signals::new(keys.can_write()),
            core: StoredValue::new_local(core.clone()),
        };
        let text = part == Part::Text;
        if text {
            provide_context(me.signals.status());
            provide_context(DocText::new(me));
            provide_context(RoomPresence::new(me));
            provide_context(DocHistory::new(me));
            provide_context(TabHandle::new(me));
            provide_context(TokenHandle::new(me));
            provide_context(ForgetHandle { session: me });
        }

        let ticking = if text {
            vec![
                me.start_presence(),
                me.start_watchdog(),
                me.start_checkpoints(),
            ]
        } else {
            vec![me.start_watchdog()]
        };
        core.borrow_mut().ticking = ticking;
        me.start_intake();
        let listeners = [
            window_event_listener_untyped("online", move |_| me.network_back()),
            window_event_listener_untyped("offline", move |_| me.network_gone()),
            window_event_listener_untyped("pagehide", move |_| {
                me.leaving();
                me.save_now();
            }),
            window_event_listener_untyped("visibilitychange", move |_| {
                if page::hidden() {
                    me.leaving();
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
                if core.part == Part::Text {
                    core.checkpoint_if_due(true);
                    core.save_seen();
                }
                core.close();
                (core.saving.ready && core.part != Part::Reference)
                    .then(|| (core.room.clone(), core.saved()))
            };
            if let Some((room, saved)) = saved {
                persistence::save_on_leaving(room, saved.encode());
            }
        });

        spawn_local(async move {
            if text {
                me.open(false).await;
            } else {
                // Under the text session's tab lock.
                me.signals.tab.try_set(tabs::Tab::Mine);
                me.load().await;
            }
        });
        me
    }

    fn core(&self) -> Option<Rc<RefCell<Core>>> {
        self.core.try_get_value()
    }

    /// Run `f` on the core, then publish what it changed. `None` once the
    /// page is gone, or when the core is already borrowed (an event
    /// handled inside another's handling, which the browser does not do).
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
        if self.signals.publish(out, pending, applied) {
            self.schedule_save();
        }
        Some(result)
    }
}

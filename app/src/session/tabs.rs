//! One tab per document ([`crate::platform::tab_lock`] says why and how):
//! before loading, the page takes the document's lock; when another tab
//! of this browser has it, nothing is loaded and the page offers to move
//! the document here ([`TabHandle::use_here`]); a tab the document moves
//! away from saves, stops connecting and saving ([`Tab::Lost`]).

use std::cell::RefCell;
use std::collections::HashMap;

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use model::mirror::Mirror;
use protocol::session::Session;

use super::{new_document, Core, DocSession};
use crate::platform::millis;
use crate::platform::tab_lock::{self, Claim, HandOver, Lost, Mode, TabLock, HAND_OVER_TIMEOUT};
use crate::status::Problem;
use crate::store;

/// Whether this tab has the document.
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

impl Tab {
    /// The document section's `data-tab`: the stylesheet hides the
    /// document while another tab has it.
    pub fn data_tab(self) -> &'static str {
        match self {
            Tab::Claiming => "claiming",
            Tab::Mine => "mine",
            Tab::Elsewhere => "elsewhere",
            Tab::Lost => "lost",
        }
    }
}

/// The tabs' side of the core.
#[derive(Default)]
pub(super) struct Hold {
    /// This tab's hold on the document; `None` where Web Locks are missing.
    lock: Option<TabLock>,
    /// Listening for another tab that asks for the document.
    hand_over: Option<HandOver>,
    /// Counts the times the document was opened in this page (once, plus
    /// each [`TabHandle::use_here`]), so a late timer of an earlier
    /// opening does nothing.
    pub opening: u32,
    /// The room whose lock [`Hold::lock`] is.
    room: Option<String>,
}

impl Hold {
    /// Let go of the lock, or of the claim still waiting for it: a claim
    /// granted after this is dropped at once (the session is closed), so
    /// a new session of the same room in this page waits for it rather
    /// than taking it for another tab's.
    pub fn release(&mut self) {
        self.lock = None;
        if let Some(room) = self.room.take() {
            LET_GO.with(|let_go| let_go.borrow_mut().insert(room, js_sys::Date::now()));
        }
        self.hand_over = None;
    }
}

thread_local! {
    /// The rooms whose lock a session of this page let go of, and when.
    static LET_GO: RefCell<HashMap<String, f64>> = RefCell::new(HashMap::new());
}

/// How long after a session of this page let go of a room's lock a new
/// one for the same room waits for it rather than taking itself for a
/// second tab: the page went from a document's local handle to its link
/// (or from its edit link to its view link), the old session let go on
/// cleanup, and the browser frees the lock a moment later.
const LET_GO_MS: f64 = 2_000.0;

fn let_go_lately(room: &str) -> bool {
    LET_GO.with(|let_go| {
        let mut let_go = let_go.borrow_mut();
        let now = js_sys::Date::now();
        let_go.retain(|_, at| now - *at < LET_GO_MS);
        let_go.contains_key(room)
    })
}

/// Queue for the room's lock, for at most [`HAND_OVER_TIMEOUT`]; `None`
/// where the browser cannot abort a wait.
async fn wait_for_lock(room: &str, on_lost: impl FnOnce(Lost) + 'static) -> Option<Claim> {
    let abort = web_sys::AbortController::new().ok()?;
    let give_up = abort.clone();
    let timer = Timeout::new(millis(HAND_OVER_TIMEOUT), move || give_up.abort());
    let claim = tab_lock::claim(room, Mode::Wait(abort), on_lost).await;
    drop(timer);
    Some(claim)
}

impl DocSession {
    /// Take the tab lock, then load and connect; or say the document is
    /// open elsewhere. `moving`: the person asked to move the document
    /// here, so the tab that has it is asked to hand it over.
    pub(super) async fn open(self, moving: bool) {
        let Some(room) = self.with_core(|c| c.room.clone()) else {
            return;
        };
        let lost = move |_| self.lost_tab();
        // Known before the claim resolves, so that closing meanwhile is
        // remembered as letting go (see `Hold::release`).
        self.with_core(|c| c.hold.room = Some(room.clone()));
        let claim = if moving {
            tab_lock::ask_to_hand_over(&room);
            match wait_for_lock(&room, lost).await {
                Some(Claim::Busy) | None => tab_lock::claim(&room, Mode::Steal, lost).await,
                Some(claim) => claim,
            }
        } else if let_go_lately(&room) {
            // This page's previous session of the room is letting go.
            match wait_for_lock(&room, lost).await {
                Some(claim) => claim,
                None => tab_lock::claim(&room, Mode::IfAvailable, lost).await,
            }
        } else {
            tab_lock::claim(&room, Mode::IfAvailable, lost).await
        };
        match claim {
            Claim::Busy => {
                self.signals.tab.try_set(Tab::Elsewhere);
                return;
            }
            Claim::Held(lock) => {
                let hand_over = HandOver::listen(&room, move || self.hand_over());
                // After the page was left the lock is dropped, so released.
                let kept = self.with_core(|c| {
                    if !c.closed {
                        c.hold.lock = Some(lock);
                        c.hold.hand_over = hand_over;
                    }
                    !c.closed
                });
                if kept != Some(true) {
                    return;
                }
            }
            Claim::Unsupported => {}
        }
        self.signals.tab.try_set(Tab::Mine);
        self.load().await;
    }

    /// Another tab asks for the document: save it, then let go of the
    /// lock, so that the other tab loads what was saved here last.
    fn hand_over(self) {
        let saved = self.with_core(|c| {
            // No more edits here from now on.
            let saved = c.saving.ready.then(|| (c.room.clone(), c.saved().encode()));
            c.saving.ready = false;
            saved
        });
        self.signals.ready.try_set(false);
        let Some(Some((room, bytes))) = saved else {
            self.lost_tab();
            return;
        };
        // A write started before the lock is released is read by the
        // other tab's load, which starts after.
        if matches!(store::save_doc_now(&room, &bytes), Ok(true)) {
            self.lost_tab();
            return;
        }
        spawn_local(async move {
            if store::save_doc(&room, &bytes).await.is_err() {
                self.signals.problem.try_set(Some(Problem::Storage));
            }
            self.lost_tab();
        });
    }

    /// The document went to another tab: stop syncing and saving here.
    fn lost_tab(self) {
        self.with_core(|c| {
            c.closed = true;
            c.saving.ready = false;
            c.stop();
        });
        self.signals.ready.try_set(false);
        self.signals.tab.try_set(Tab::Lost);
    }

    /// Move the document to this tab, from the tab that has it: start
    /// again from the saved copy that tab keeps up to date.
    fn use_here(self) {
        let reset = self.with_core(Core::reset_for_another_opening);
        if reset.is_none() {
            return;
        }
        self.signals.ready.set(false);
        self.signals.tab.set(Tab::Claiming);
        spawn_local(async move { self.open(true).await });
    }
}

impl Core {
    /// Forget this opening of the document, as if the page had just
    /// started, with a new client id.
    fn reset_for_another_opening(&mut self) {
        self.stop();
        self.doc = new_document();
        self.session = Session::new(self.keys.clone(), 0, Vec::new());
        self.mirror = Mirror::default();
        self.saving.ready = false;
        self.saving.recorded_title = None;
        self.closed = false;
        self.relay.attempt = 0;
        // A new client id: its `people` entry is written again.
        self.roster.forget_written();
        self.hold.opening += 1;
        self.show_body();
    }
}

/// Whether this tab has the document, and a way to move it here. Provided
/// once by the document page's session; read with [`use_tab`].
#[derive(Clone, Copy)]
pub struct TabHandle {
    /// Whether this tab has the document.
    pub tab: Signal<Tab>,
    /// Move the document here from the tab that has it.
    pub use_here: Callback<()>,
}

impl TabHandle {
    pub(super) fn new(session: DocSession) -> Self {
        TabHandle {
            tab: session.signals.tab.into(),
            use_here: Callback::new(move |()| session.use_here()),
        }
    }
}

/// The [`TabHandle`] the document page provides.
pub fn use_tab() -> TabHandle {
    use_context().expect("the document page provides its TabHandle")
}

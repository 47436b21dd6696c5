//! The document's copy in this browser ([`crate::store`], IndexedDB):
//! loaded before connecting, so a known document opens with no network;
//! saved [`SAVE_DELAY`] after a change (later while frames still wait in
//! the inbox: each save encodes the whole document), and at once,
//! synchronously, when the page is hidden or left, since an `await` might
//! never come back then. The recent list on the start page is kept here
//! too, and the local handle that replaces the link in the address bar
//! once the keys are kept; and the document is forgotten from here.

use std::time::Duration;

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::session::Session;

use super::{now_ms, Core, DocSession};
use crate::platform::{millis, page, storage};
use crate::route::{local_fragment, Route};
use crate::status::Problem;
use crate::store::{self, Recent, Saved};

/// How long after a change the document is saved in this browser.
pub const SAVE_DELAY: Duration = Duration::from_millis(300);
/// How long the page waits for IndexedDB before it opens the document
/// without its saved copy (a browser that refuses storage).
pub(super) const LOAD_TIMEOUT: Duration = Duration::from_secs(3);

/// The saving side of the core.
#[derive(Default)]
pub(super) struct Saving {
    /// Loaded from IndexedDB (or given up on it): edits may start, and
    /// the document may be saved.
    pub ready: bool,
    /// The next save, cancelled when dropped.
    timer: Option<Timeout>,
    /// The title last written to the recent list.
    pub recorded_title: Option<String>,
}

impl Saving {
    pub fn stop(&mut self) {
        self.timer = None;
    }
}

impl Core {
    /// What is kept: the document, how far it caught up, what is unsent.
    pub(super) fn saved(&self) -> Saved {
        Saved {
            state: self.doc.encode_state(),
            applied: self.session.applied(),
            pending: self.session.pending(),
        }
    }
}

/// Save what a page being left has (`bytes`, an encoded [`Saved`]).
pub(super) fn save_on_leaving(room: String, bytes: Vec<u8>) {
    if !matches!(store::save_doc_now(&room, &bytes), Ok(true)) {
        spawn_local(async move {
            let _ = store::save_doc(&room, &bytes).await;
        });
    }
}

impl DocSession {
    /// Load the saved copy (or give up on it after [`LOAD_TIMEOUT`]), then
    /// keep the link and the recent list.
    pub(super) async fn load(self) {
        let Some((room, fragment, opening, part)) =
            self.with_core(|c| (c.room.clone(), c.link.fragment(), c.hold.opening, c.part))
        else {
            return;
        };
        Timeout::new(millis(LOAD_TIMEOUT), move || {
            // `loaded` itself ignores it once loaded or left.
            if self.with_core(|c| c.hold.opening) == Some(opening) {
                self.loaded(None);
            }
        })
        .forget();
        let saved = match store::load_doc(&room).await {
            Ok(saved) => saved,
            Err(_) => {
                self.signals.problem.try_set(Some(Problem::Storage));
                None
            }
        };
        if part != super::Part::Text {
            // The keys, the recent list and the address bar are the text
            // session's.
            self.loaded(saved);
            return;
        }
        // What was seen at the last visit, before this one replaces it.
        self.load_seen().await;
        self.loaded(saved);
        // Issue 15: arrived here by following a sealed room's box.
        if storage::get(super::inbox::FOLLOWED_KEY).as_deref() == Some(room.as_str()) {
            storage::set(super::inbox::FOLLOWED_KEY, "");
            self.signals.problem.try_set(Some(Problem::Followed));
        }
        // Keep the keys, so the start page can open the document again;
        // once kept, the address bar shows the local handle instead.
        if store::save_link(&room, &fragment).await.is_ok() {
            if let Ok(handle) = store::handle_for(&room).await {
                self.show_handle(&handle);
            }
        }
        self.record_recent().await;
    }

    /// Replace the link in the address bar with the local handle, when the
    /// address still holds this document's link (the person may have gone
    /// elsewhere meanwhile, or opened it by its handle).
    fn show_handle(self, handle: &str) {
        let showing_link = self.with_core(|c| {
            !c.closed
                && Route::from_fragment(&page::hash()) == Route::Document(Box::new(c.link.clone()))
        });
        if showing_link == Some(true) {
            page::replace_hash(&local_fragment(handle));
        }
    }

    /// Erase the document from this browser ([`store::forget`]), and say
    /// its title. Saving stops first (a save after the erase would bring
    /// it back); once erased the session closes, and the page is to be
    /// left. When the browser refuses, nothing was erased and saving goes
    /// on.
    pub(super) async fn forget(self) -> Result<String, ()> {
        let (room, title, amendments) = self
            .with_core(|c| {
                c.saving.stop();
                c.saving.ready = false;
                // The amendment room's copy goes with the text's.
                let recorded = c
                    .doc
                    .amendments_room_key()
                    .and_then(|key| protocol::WriterKey::from_b64(&key));
                let amendments = c
                    .link
                    .amendment_keys(recorded)
                    .map(|keys| keys.room().to_string());
                (
                    c.room.clone(),
                    c.doc.meta().title.unwrap_or_default(),
                    amendments,
                )
            })
            .ok_or(())?;
        if let Some(amendments) = &amendments {
            if let Err(error) = store::forget_copy(amendments).await {
                leptos::logging::warn!("could not forget the amendments: {error:?}");
            }
        }
        match store::forget(&room).await {
            Ok(()) => {
                self.with_core(Core::close);
                Ok(title)
            }
            Err(error) => {
                leptos::logging::warn!("could not forget the document: {error:?}");
                self.with_core(|c| c.saving.ready = true);
                self.save_now();
                Err(())
            }
        }
    }

    /// The saved copy is in (or will not come): show it, then connect.
    fn loaded(self, saved: Option<Saved>) {
        let started = self.with_core(|c| {
            if c.closed {
                return false;
            }
            if c.saving.ready {
                // The saved copy came after the page gave up waiting for it:
                // merge it rather than lose it (its next save would be
                // overwritten). Its unsent edits are queued again; a
                // duplicate of an edit the relay has is harmless.
                if let Some(saved) = saved {
                    let _ = c.apply(&saved.state);
                    c.show_waiting();
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
                    Ok(_) => {
                        c.integrity.start_from(saved.applied);
                        c.session = Session::new(c.keys.clone(), saved.applied, saved.pending);
                    }
                    Err(error) => leptos::logging::warn!("the saved copy is unreadable: {error}"),
                }
            }
            c.saving.ready = true;
            c.show_body();
            let meta = c.doc.meta();
            c.out.title = Some(meta.title.unwrap_or_default());
            c.out.kind = Some(meta.kind);
            // What was loaded raised no change of its own: every view
            // that folds a part of the document reads it again.
            c.out.meetings = true;
            c.out.claims = true;
            c.out.citations = true;
            c.settle_colour();
            true
        });
        if started == Some(true) {
            self.signals.ready.set(true);
            self.connect();
        }
    }

    /// Put this document first in the recent list.
    async fn record_recent(self) {
        let Some((entry, title)) = self.with_core(|c| {
            let title = c.doc.meta().title.unwrap_or_default();
            let entry = Recent {
                room: c.room.clone(),
                title: title.clone(),
                can_write: c.can_write(),
                fragment: c.link.fragment(),
                opened: now_ms(),
            };
            (entry, title)
        }) else {
            return;
        };
        if store::record_recent(entry).await.is_ok() {
            self.with_core(|c| c.saving.recorded_title = Some(title));
        }
    }

    /// Save [`SAVE_DELAY`] from now, unless a save is already due.
    pub(super) fn schedule_save(self) {
        self.with_core(|c| {
            if c.saving.timer.is_none() {
                c.saving.timer = Some(Timeout::new(millis(SAVE_DELAY), move || {
                    self.save_when_idle()
                }));
            }
        });
    }

    /// The save timer: save now, or later while frames are still waiting
    /// (each save encodes the whole document: not during a long history).
    fn save_when_idle(self) {
        let busy = self.with_core(|c| {
            if c.intake.inbox.is_empty() {
                return false;
            }
            c.saving.timer = Some(Timeout::new(millis(SAVE_DELAY), move || {
                self.save_when_idle()
            }));
            true
        });
        if busy == Some(false) {
            self.save_now();
        }
    }

    /// Save the document in this browser now.
    pub(super) fn save_now(self) {
        let Some(Some((room, bytes, title_changed))) = self.with_core(|c| {
            c.saving.stop();
            if !c.saving.ready || c.part == super::Part::Reference {
                return None;
            }
            let title = c.doc.meta().title.unwrap_or_default();
            let title_changed = c.saving.recorded_title.as_deref() != Some(title.as_str());
            Some((c.room.clone(), c.saved().encode(), title_changed))
        }) else {
            return;
        };
        // Synchronously when the database is open: this also runs when the
        // page is being left, and an `await` might never come back.
        let stored = store::save_doc_now(&room, &bytes);
        if stored.is_err() {
            self.signals.problem.try_set(Some(Problem::Storage));
        }
        let stored = matches!(stored, Ok(true));
        spawn_local(async move {
            if !stored && store::save_doc(&room, &bytes).await.is_err() {
                self.signals.problem.try_set(Some(Problem::Storage));
            }
            if title_changed {
                self.record_recent().await;
            }
        });
    }
}

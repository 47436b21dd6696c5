//! The history's side of the session ([`model::history`]): checkpoints
//! made when a burst of this person's editing ends ([`Policy`], checked
//! every [`TICK`]) and when the page is hidden or left; the state this
//! browser saw, kept when the page is hidden or left and read back at the
//! next visit ("what changed since your last visit"); and [`DocHistory`],
//! the context the history panel and the comparison read.
//!
//! Edits are noticed by this visit's own Yrs clock moving, whatever made
//! them (typing, the formatting bar, undo, a restore): no edit path has
//! to remember to tell the history.

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use model::history::{Attributed, Checkpoint, Comparison, HistoryError, Moment, Policy};

use super::{Core, DocSession};
use crate::platform::millis;
use crate::store;

/// How often the session looks whether a checkpoint is due.
pub const TICK: std::time::Duration = std::time::Duration::from_secs(5);

/// The checkpointing side of the core.
#[derive(Default)]
pub(super) struct Checkpointing {
    policy: Policy,
    /// This visit's clock when last looked at.
    clock: u32,
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

impl Core {
    /// Note this visit's edits since the last look, then make a checkpoint
    /// if one is due, or, `leaving`, if any edit is not in one yet.
    pub(super) fn checkpoint_if_due(&mut self, leaving: bool) {
        if !self.saving.ready || !self.can_write() || self.closed {
            return;
        }
        let now = now();
        let clock = self.doc.own_clock();
        if clock != self.checkpointing.clock {
            self.checkpointing.clock = clock;
            self.checkpointing.policy.edited(now);
        }
        let policy = &self.checkpointing.policy;
        let due = if leaving {
            policy.pending()
        } else {
            policy.due(now)
        };
        if !due {
            return;
        }
        self.checkpointing.policy.made();
        if let Some(update) = self.doc.checkpoint(now) {
            self.send_history(vec![update]);
        }
    }

    /// Send what the history wrote (a checkpoint, a name, a restore).
    pub(super) fn send_history(&mut self, updates: Vec<Vec<u8>>) {
        for update in updates {
            if let Err(error) = self.session.local(update) {
                leptos::logging::warn!("history not queued: {error}");
            }
        }
        // Its own entries move this visit's clock: not an edit to
        // checkpoint again.
        self.checkpointing.clock = self.doc.own_clock();
        self.out.versions = true;
        self.out.save = true;
        self.flush();
    }

    /// Keep what this browser has seen of the document, for the next
    /// visit.
    pub(super) fn save_seen(&self) {
        if !self.saving.ready || self.closed {
            return;
        }
        store::save_seen_now(&self.room, &self.doc.seen());
    }

    fn name_version(&mut self, name: &str, at: Option<&str>) -> bool {
        if !self.saving.ready || !self.can_write() {
            return false;
        }
        match self.doc.name_version(name, at, now()) {
            Ok(update) => {
                self.send_history(vec![update]);
                true
            }
            Err(error) => {
                leptos::logging::warn!("version not named: {error}");
                false
            }
        }
    }

    fn restore(&mut self, id: &str) -> bool {
        if !self.saving.ready || !self.can_write() {
            return false;
        }
        // What was typed before is checkpointed first, so the restore can
        // itself be undone from the history.
        self.checkpoint_if_due(true);
        match self.doc.restore(id, now()) {
            Ok(updates) => {
                let changed = !updates.is_empty();
                self.send_history(updates);
                self.show_body();
                self.out.body = true;
                changed
            }
            Err(error) => {
                leptos::logging::warn!("not restored: {error}");
                false
            }
        }
    }
}

impl DocSession {
    /// Look for a due checkpoint every [`TICK`], while the page lives.
    pub(super) fn start_checkpoints(self) -> Interval {
        Interval::new(millis(TICK), move || {
            self.with_core(|c| c.checkpoint_if_due(false));
        })
    }

    /// The page is hidden or left: checkpoint what is not in one yet, and
    /// keep what was seen.
    pub(super) fn leaving(self) {
        self.with_core(|c| {
            if c.part == super::Part::Text {
                c.checkpoint_if_due(true);
                c.save_seen();
            }
        });
    }

    /// Read what this browser saw at its previous visit, before anything
    /// replaces it.
    pub(super) async fn load_seen(self) {
        let Some(room) = self.with_core(|c| c.room.clone()) else {
            return;
        };
        if let Ok(Some(seen)) = store::load_seen(&room).await {
            self.signals.last_seen.try_set(Some(seen));
        }
    }
}

/// The document's history, for the history panel and the comparison.
/// Provided once by the document page's session; read with
/// [`use_doc_history`].
#[derive(Clone, Copy)]
pub struct DocHistory {
    /// Whether the link lets this person name versions and restore.
    pub can_write: bool,
    /// Changes when the checkpoints or the text change: what lists or
    /// shows history tracks it.
    pub revision: Signal<u64>,
    /// Changes when the checkpoints change (not with every keystroke):
    /// what lists them tracks it.
    pub versions: Signal<u64>,
    /// What this browser saw at its previous visit ([`Moment::Seen`]),
    /// `None` on a first visit.
    pub last_seen: Signal<Option<Vec<u8>>>,
    session: DocSession,
}

impl DocHistory {
    pub(super) fn new(session: DocSession) -> Self {
        let signals = session.signals;
        DocHistory {
            can_write: signals.can_write,
            revision: Signal::derive(move || signals.versions.get() + signals.revision.get()),
            versions: signals.versions.into(),
            last_seen: signals.last_seen.into(),
            session,
        }
    }

    /// The timeline, oldest first, damaged checkpoints marked.
    pub fn checkpoints(&self) -> Vec<Checkpoint> {
        self.session
            .with_core(|c| c.doc.checkpoints())
            .unwrap_or_default()
    }

    /// The text at a moment, with who wrote what.
    pub fn text_at(&self, moment: &Moment) -> Result<Attributed, HistoryError> {
        self.session
            .with_core(|c| c.doc.text_at(moment))
            .unwrap_or_else(|| Ok(Attributed::default()))
    }

    /// Two moments compared, word by word.
    pub fn compare(&self, from: &Moment, to: &Moment) -> Result<Comparison, HistoryError> {
        self.session
            .with_core(|c| c.doc.compare(from, to))
            .unwrap_or_else(|| Ok(Comparison::default()))
    }

    /// What changed since `meeting` (its base or its result): the text
    /// to now, and the amendments ([`model::meeting::review`]).
    pub fn review(
        &self,
        meeting: &model::meeting::Meeting,
        since: model::meeting::review::Since,
        overview: &model::amendments::Overview,
        decisions: &model::amendments::Decisions,
    ) -> Result<model::meeting::review::Review, HistoryError> {
        self.session
            .with_core(|c| {
                model::meeting::review::review(&c.doc, meeting, since, overview, decisions)
            })
            .unwrap_or_else(|| Err(HistoryError::Unknown(meeting.base.clone())))
    }

    /// Name the text as it is (`at: None`) or the checkpoint `at`.
    /// Whether it was named (never for a reader).
    pub fn name_version(&self, name: &str, at: Option<&str>) -> bool {
        self.session
            .with_core(|c| c.name_version(name, at))
            .unwrap_or(false)
    }

    /// Bring back the text of the checkpoint `id` as one edit of this
    /// person (undone with Ctrl+Z). Whether the text changed.
    pub fn restore(&self, id: &str) -> bool {
        self.session.with_core(|c| c.restore(id)).unwrap_or(false)
    }
}

/// The [`DocHistory`] the document page provides.
pub fn use_doc_history() -> DocHistory {
    use_context().expect("the document page provides its DocHistory")
}

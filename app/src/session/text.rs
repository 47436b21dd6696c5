//! The body and the title, and the editor's `<textarea>`: the session's
//! side of [`model::mirror`], which decides, without a browser, what the
//! textarea shows: the document's body, except during an IME composition
//! (co-authors' changes then wait, and the composed text is carried
//! through them). This module only reads the textarea's value and
//! selection, hands them to the [`Mirror`](model::mirror::Mirror), and
//! sets what it answers.
//!
//! [`DocText`] is the context the editor, the title field, the preview
//! and the backdrop read.

use leptos::prelude::*;
use model::caret::Selection;
use web_sys::HtmlTextAreaElement;

use super::{Core, DocSession};
use crate::status::Problem;

/// A local edit inserting more text than this (UTF-8 bytes) is sent as
/// several updates, and unsent updates are not merged past it: a quarter of
/// the relay's default frame limit (1 MiB, `relay/src/config.rs`), which
/// leaves room for the sealing and for a relay configured lower.
pub const MAX_UPDATE_BYTES: usize = 256 << 10;

impl Core {
    /// The textarea's selection, if there is a textarea.
    pub(super) fn selection(&self) -> Option<Selection> {
        let textarea = self.textarea.as_ref()?;
        let start = textarea.selection_start().ok().flatten()?;
        let end = textarea.selection_end().ok().flatten()?;
        Some(Selection { start, end })
    }

    /// Set the textarea to what the mirror shows, with `selection`, when
    /// the mirror says so. Returns whether it did.
    fn show(&mut self, selection: Option<Selection>) -> bool {
        let Some(selection) = selection else {
            return false;
        };
        if let Some(textarea) = &self.textarea {
            textarea.set_value(self.mirror.shown());
            let _ = textarea.set_selection_range(selection.start, selection.end);
        }
        self.out.body = true;
        true
    }

    /// Show the whole body in the textarea, the selection kept in bounds.
    pub(super) fn show_body(&mut self) {
        let selection = self.selection().unwrap_or_default();
        let shown = self.mirror.reset(&self.doc, selection);
        self.show(shown);
    }

    /// Show the co-authors' changes that wait (not during a composition):
    /// one update of the textarea for a whole run of updates.
    pub(super) fn show_waiting(&mut self) {
        let selection = self.selection().unwrap_or_default();
        let shown = self.mirror.show(&self.doc, selection);
        self.show(shown);
    }

    /// Apply a co-author's update (or the saved copy): shown later, by
    /// [`Core::show_waiting`]. Whether it applied.
    pub(super) fn apply(&mut self, update: &[u8]) -> bool {
        // While the history comes in, it is shown once at the end: no delta
        // per update (each one walks the whole text).
        let result = if matches!(
            self.session.phase(),
            protocol::session::Phase::Joining { .. }
        ) {
            self.doc.apply_remote_unmapped(update)
        } else {
            self.doc.apply_remote(update)
        };
        match result {
            Ok(change) => {
                self.mirror.remote(&change);
                if change.meta {
                    let meta = self.doc.meta();
                    self.out.title = Some(meta.title.unwrap_or_default());
                    self.out.kind = Some(meta.kind);
                }
                self.out.people |= change.people;
                self.out.versions |= change.versions;
                self.out.amendments |= change.records || change.decisions || change.meta;
                self.out.meetings |= change.meetings;
                self.out.claims |= change.claims;
                self.out.citations |= change.citations;
                if change.people && self.session.phase() == protocol::session::Phase::Live {
                    self.settle_colour();
                }
                true
            }
            Err(error) if error.is_set_aside() => {
                // Nothing of it was applied (model::guard): the text stays.
                leptos::logging::warn!("a co-author's update was set aside: {error}");
                self.out.problem = Some(Some(Problem::SetAside));
                false
            }
            Err(error) => {
                leptos::logging::warn!("an update could not be applied: {error}");
                self.out.problem = Some(Some(Problem::Invalid));
                self.show_body();
                false
            }
        }
    }

    /// The textarea changed: turn the change into an edit of the body.
    fn input(&mut self) {
        let Some(textarea) = self.textarea.clone() else {
            return;
        };
        let value = textarea.value();
        let caret = textarea.selection_end().ok().flatten().unwrap_or(0);
        let can_edit = self.saving.ready && self.can_write();
        let typed = self
            .mirror
            .input(&self.doc, &value, caret, can_edit, MAX_UPDATE_BYTES);
        if let Some(error) = &typed.error {
            leptos::logging::warn!("edit not applied: {error}");
        }
        let edited = !typed.updates.is_empty();
        for update in typed.updates {
            if let Err(error) = self.session.local(update) {
                leptos::logging::warn!("edit not queued: {error}");
            }
        }
        self.show(typed.show);
        if edited {
            self.out.body = true;
            self.write_person();
            self.out.save = true;
            self.flush();
        }
    }

    /// Undo (or redo) this browser's last group of body edits, and put the
    /// caret where the text changed.
    fn undo(&mut self, redo: bool) {
        if !self.saving.ready || !self.can_write() {
            return;
        }
        let Some((update, caret)) = self.mirror.undo(&mut self.doc, redo) else {
            return;
        };
        if let Err(error) = self.session.local(update) {
            leptos::logging::warn!("undo not queued: {error}");
        }
        self.show(Some(caret));
        self.out.save = true;
        self.flush();
    }

    fn set_title(&mut self, title: &str) {
        if !self.saving.ready || !self.can_write() {
            return;
        }
        let update = self.doc.set_title(title);
        if let Err(error) = self.session.local(update) {
            leptos::logging::warn!("title not queued: {error}");
        }
        self.out.save = true;
        self.flush();
    }
}

/// The document's text and title, and the editor's hold on them.
/// Provided once by the document page's session; read with
/// [`use_doc_text`].
#[derive(Clone, Copy)]
pub struct DocText {
    /// Whether the link lets this person write.
    pub can_write: bool,
    /// The saved copy is loaded: the text can be shown and edited.
    pub ready: Signal<bool>,
    pub title: Signal<String>,
    /// Counts the changes of the body, whoever made them: what shows the
    /// text elsewhere (preview, backdrop) tracks it and reads
    /// [`DocText::body`].
    pub revision: Signal<u64>,
    session: DocSession,
}

impl DocText {
    pub(super) fn new(session: DocSession) -> Self {
        let signals = session.signals;
        DocText {
            can_write: signals.can_write,
            ready: signals.ready.into(),
            title: signals.title.into(),
            revision: signals.revision.into(),
            session,
        }
    }

    /// The body's text now.
    pub fn body(&self) -> String {
        self.session.with_core(|c| c.doc.body()).unwrap_or_default()
    }

    /// Rename the document.
    pub fn set_title(&self, title: String) {
        self.session.with_core(|c| c.set_title(&title));
        self.session.signals.title.set(title);
    }

    /// The editor's textarea, to keep in step with the body.
    pub fn attach(&self, textarea: HtmlTextAreaElement) {
        self.session.with_core(|c| {
            c.textarea = Some(textarea);
            if c.saving.ready {
                c.show_body();
            }
        });
    }

    /// The person typed (or pasted, cut, dropped) in the textarea.
    pub fn input(&self) {
        self.session.with_core(Core::input);
    }

    pub fn composition_start(&self) {
        self.session.with_core(|c| c.mirror.composition_start());
    }

    pub fn composition_end(&self) {
        self.session.with_core(|c| {
            c.mirror.composition_end();
            c.input();
        });
    }

    /// Start a new undo step: what is typed from now on is undone apart
    /// from what came before (the formatting bar, around its edits).
    pub fn new_undo_step(&self) {
        self.session.with_core(|c| c.doc.stop_capturing());
    }

    /// Undo this browser's last edits of the text (never a co-author's).
    pub fn undo(&self) {
        self.session.with_core(|c| c.undo(false));
    }

    pub fn redo(&self) {
        self.session.with_core(|c| c.undo(true));
    }
}

/// The [`DocText`] the document page provides.
pub fn use_doc_text() -> DocText {
    use_context().expect("the document page provides its DocText")
}

//! The rule between the editor's text field and the document, without a
//! browser: **the field shows the body, except during an IME composition.**
//!
//! A [`Mirror`] remembers what the field shows ([`Mirror::shown`]) and the
//! co-authors' changes to the body it does not show yet. The caller (the
//! app's session) feeds it what happens and applies what it answers to the
//! real `<textarea>`:
//!
//! - a co-author's change ([`Mirror::remote`]) is not shown at once: it
//!   waits, with its delta, until the caller asks to show what waits
//!   ([`Mirror::show`]), which it does once it has applied a whole run of
//!   updates (one repaint for many), and which does nothing during a
//!   composition (changing the field's value would break it). A change
//!   applied without its delta (a history applied in one go) is shown by
//!   a diff from what the field showed instead;
//! - the person's input ([`Mirror::input`]) is turned into one minimal
//!   edit of the body ([`crate::edit::diff_at_caret`]) made on what the
//!   field showed. When co-authors' changes were waiting (a composition
//!   that ended after they came), the edit is carried through them
//!   ([`crate::edit::Edit::carry`]) so the composed text lands where it
//!   was typed, and the field is then set to the body. During a
//!   composition input waits for its end; a reader's input is undone;
//! - undo and redo ([`Mirror::undo`]) show the body with the caret where
//!   it changed.
//!
//! Every answer that changes the field is a [`Selection`] to set after
//! setting its value to [`Mirror::shown`]; `None` means the field is
//! right as it is. After every call that is not during a composition and
//! leaves nothing waiting, `shown` equals the body (the tests check it).

use crate::caret::{Selection, Step};
use crate::document::{DocError, Document, RemoteChange};
use crate::edit::{diff, diff_at_caret, utf16_len};

/// What the field shows, and what it does not show yet; see the module
/// docs.
#[derive(Clone, Debug, Default)]
pub struct Mirror {
    /// What the field showed after the last sync with the body.
    shown: String,
    /// Remote changes of the body not shown yet, oldest first.
    deferred: Vec<Vec<Step>>,
    /// The body also changed in ways `deferred` does not describe (updates
    /// applied without their delta): map from `shown` by a diff instead.
    unmapped: bool,
    composing: bool,
}

/// What [`Mirror::input`] made of the field's new value.
#[derive(Debug, Default)]
pub struct Typed {
    /// The updates to send, in order (a long paste makes several).
    pub updates: Vec<Vec<u8>>,
    /// Set the field to [`Mirror::shown`] with this selection.
    pub show: Option<Selection>,
    /// The edit could not be applied (the field is then set to the body).
    pub error: Option<DocError>,
}

impl Mirror {
    /// What the field shows, as far as the mirror knows.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// An IME composition is under way.
    pub fn composing(&self) -> bool {
        self.composing
    }

    /// Co-authors' changes wait to be shown.
    pub fn waiting(&self) -> bool {
        !self.deferred.is_empty() || self.unmapped
    }

    /// A co-author's update changed the body: wait to show it.
    pub fn remote(&mut self, change: &RemoteChange) {
        if !change.body.is_empty() {
            self.deferred.push(change.body.clone());
        }
        self.unmapped |= change.body_unmapped;
    }

    /// Show the whole body now, whatever waited (the document was loaded
    /// or replaced, or an update failed half-way), the selection kept in
    /// its bounds. Not during a composition: `None` then.
    pub fn reset(&mut self, doc: &Document, selection: Selection) -> Option<Selection> {
        if self.composing {
            return None;
        }
        self.deferred.clear();
        self.unmapped = false;
        self.shown = doc.body();
        Some(clamp(selection, utf16_len(&self.shown)))
    }

    /// Show the co-authors' changes that wait, `selection` (the field's)
    /// carried through each in turn. `None` when nothing waits, or during
    /// a composition.
    pub fn show(&mut self, doc: &Document, selection: Selection) -> Option<Selection> {
        if self.composing || !self.waiting() {
            return None;
        }
        let body = doc.body();
        let changes = self.take_waiting(&body);
        let selection = changes
            .iter()
            .fold(selection, |selection, steps| selection.transform(steps));
        let selection = clamp(selection, utf16_len(&body));
        self.shown = body;
        Some(selection)
    }

    /// The changes since `shown` to `body`, oldest first: those that
    /// waited, or the one edit between them when some came without a delta.
    fn take_waiting(&mut self, body: &str) -> Vec<Vec<Step>> {
        let deferred = std::mem::take(&mut self.deferred);
        if !std::mem::take(&mut self.unmapped) {
            return deferred;
        }
        diff(&self.shown, body)
            .map(|edit| vec![edit.steps()])
            .unwrap_or_default()
    }

    /// A composition started: input and co-authors' changes wait for its end.
    pub fn composition_start(&mut self) {
        self.composing = true;
    }

    /// The composition ended; the caller then gives the field's value to
    /// [`Mirror::input`].
    pub fn composition_end(&mut self) {
        self.composing = false;
    }

    /// The field's value became `value`, the caret (`selectionEnd`) at
    /// `caret`. With `can_edit` false (a view link, or the document not
    /// loaded yet) the input is undone. Otherwise the change is applied to
    /// `doc` as one edit, in updates of at most about `max_bytes` each
    /// ([`Document::edit_body_in_parts`]).
    pub fn input(
        &mut self,
        doc: &Document,
        value: &str,
        caret: u32,
        can_edit: bool,
        max_bytes: usize,
    ) -> Typed {
        let mut typed = Typed::default();
        if self.composing {
            return typed;
        }
        if !can_edit {
            // Whatever got in is taken out again.
            if value != self.shown {
                typed.show = Some(Selection::caret(caret.min(utf16_len(&self.shown))));
            }
            return typed;
        }
        let body_before = self.waiting().then(|| doc.body());
        let waited = body_before
            .as_deref()
            .map(|body| self.take_waiting(body))
            .unwrap_or_default();
        let Some(edit) = diff_at_caret(&self.shown, value, caret) else {
            if body_before.is_some() {
                // Nothing typed, but co-authors' changes waited: show them.
                self.shown = doc.body();
                typed.show = Some(Selection::caret(caret.min(utf16_len(&self.shown))));
            }
            return typed;
        };
        let edit = if waited.is_empty() {
            edit
        } else {
            edit.carry(&waited, doc.body_len())
        };
        match doc.edit_body_in_parts(&edit, max_bytes) {
            Ok(updates) => typed.updates = updates,
            Err(error) => typed.error = Some(error),
        }
        if body_before.is_none() && typed.error.is_none() && doc.body_len() == utf16_len(value) {
            // The field already shows the body: leave it alone (setting
            // its value would cost a layout and lose its undo history).
            self.shown = value.to_owned();
        } else {
            self.shown = doc.body();
            let caret = edit.start + edit.insert_len();
            typed.show = Some(Selection::caret(caret.min(utf16_len(&self.shown))));
        }
        typed
    }

    /// Undo (or, with `redo`, redo) this document's last group of edits
    /// of the body. Returns the update to send and the caret, put where
    /// the text changed; `None` when there is nothing to undo, or during a
    /// composition.
    pub fn undo(&mut self, doc: &mut Document, redo: bool) -> Option<(Vec<u8>, Selection)> {
        if self.composing {
            return None;
        }
        let update = if redo { doc.redo() } else { doc.undo() }?;
        let old = std::mem::take(&mut self.shown);
        self.deferred.clear();
        self.unmapped = false;
        self.shown = doc.body();
        let caret = diff(&old, &self.shown).map_or_else(
            || utf16_len(&self.shown),
            |change| change.start + change.insert_len(),
        );
        Some((update, Selection::caret(caret)))
    }
}

/// `selection` within a text of `len` units.
fn clamp(selection: Selection, len: u32) -> Selection {
    let end = selection.end.min(len);
    Selection {
        start: selection.start.min(end),
        end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::schema::DocKind;

    const MAX: usize = 1 << 20;

    /// The textarea, as far as the tests need one: a value and a selection.
    #[derive(Default)]
    struct Field {
        value: String,
        selection: Selection,
    }

    impl Field {
        fn set(&mut self, mirror: &Mirror, selection: Option<Selection>) {
            if let Some(selection) = selection {
                self.value = mirror.shown().to_owned();
                self.selection = selection;
            }
        }

        /// The person types `text` at the caret (as the browser does:
        /// the value changes, the caret moves after the text).
        fn type_text(&mut self, text: &str) {
            let edit = Edit {
                start: self.selection.start,
                delete: self.selection.end - self.selection.start,
                insert: text.to_owned(),
            };
            self.value = edit.apply(&self.value).expect("the field's own edit fits");
            self.selection = Selection::caret(edit.start + edit.insert_len());
        }

        fn selected(&self, text: &str) -> String {
            let units: Vec<u16> = text.encode_utf16().collect();
            String::from_utf16_lossy(
                &units[self.selection.start as usize..self.selection.end as usize],
            )
        }
    }

    fn edit(start: u32, delete: u32, insert: &str) -> Edit {
        Edit {
            start,
            delete,
            insert: insert.to_owned(),
        }
    }

    /// This browser's document and field, and a co-author's document.
    struct Setup {
        mine: Document,
        theirs: Document,
        mirror: Mirror,
        field: Field,
    }

    impl Setup {
        fn new(text: &str) -> Self {
            let mine = Document::new(1);
            let theirs = Document::new(2);
            let init = theirs.init_meta(DocKind::Text, "Motion", 0);
            mine.apply_remote(&init).expect("applies");
            let update = theirs.edit_body(&edit(0, 0, text)).expect("fits");
            mine.apply_remote(&update).expect("applies");
            let mut mirror = Mirror::default();
            let mut field = Field::default();
            let shown = mirror.reset(&mine, Selection::caret(0));
            field.set(&mirror, shown);
            Setup {
                mine,
                theirs,
                mirror,
                field,
            }
        }

        /// The co-author makes `change`; it reaches this browser.
        fn co_author(&mut self, change: Edit) {
            let update = self.theirs.edit_body(&change).expect("fits");
            let remote = self.mine.apply_remote(&update).expect("applies");
            self.mirror.remote(&remote);
        }

        /// This browser's edits reach the co-author.
        fn send(&self, updates: &[Vec<u8>]) {
            for update in updates {
                self.theirs.apply_remote(update).expect("applies");
            }
        }

        /// The inbox is empty: what waits is shown.
        fn show(&mut self) {
            let shown = self.mirror.show(&self.mine, self.field.selection);
            self.field.set(&self.mirror, shown);
        }

        fn input(&mut self) -> Typed {
            let typed = self.mirror.input(
                &self.mine,
                &self.field.value,
                self.field.selection.end,
                true,
                MAX,
            );
            self.field.set(&self.mirror, typed.show);
            self.send(&typed.updates);
            typed
        }

        /// The field equals the body, and the mirror knows it.
        fn in_step(&self) {
            assert_eq!(self.field.value, self.mine.body());
            assert_eq!(self.mirror.shown(), self.mine.body());
            assert!(!self.mirror.waiting());
        }
    }

    #[test]
    fn typing_edits_the_body_and_leaves_the_field_alone() {
        let mut s = Setup::new("la motion");
        s.field.selection = Selection::caret(9);
        s.field.type_text(" adoptée");
        let typed = s.input();
        assert_eq!(typed.updates.len(), 1);
        assert_eq!(typed.show, None, "the field already shows it");
        s.in_step();
        assert_eq!(s.theirs.body(), "la motion adoptée");
    }

    #[test]
    fn a_co_authors_change_waits_then_keeps_the_selection_on_its_words() {
        let mut s = Setup::new("la motion est adoptée");
        s.field.selection = Selection { start: 14, end: 21 };
        s.co_author(edit(0, 0, "😀 "));
        assert!(s.mirror.waiting());
        assert_eq!(s.field.value, "la motion est adoptée", "not shown yet");
        s.show();
        s.in_step();
        assert_eq!(s.field.selected(&s.field.value), "adoptée");
    }

    #[test]
    fn during_a_composition_remote_changes_wait_and_the_composed_text_lands_where_typed() {
        let mut s = Setup::new("Le texte final");
        // The person composes "日本" after "Le " (caret at 3).
        s.field.selection = Selection::caret(3);
        s.mirror.composition_start();
        s.field.type_text("日本");
        assert!(
            s.input().updates.is_empty(),
            "nothing is diffed mid-composition"
        );
        // A co-author inserts before, and deletes after.
        s.co_author(edit(0, 0, "« "));
        s.co_author(edit(10, 6, ""));
        s.show();
        assert_eq!(
            s.field.value, "Le 日本texte final",
            "the field is not touched"
        );
        assert_eq!(s.mine.body(), "« Le texte");
        // The composition ends: the composed word goes in, carried.
        s.mirror.composition_end();
        let typed = s.input();
        assert!(typed.error.is_none());
        s.in_step();
        assert_eq!(s.mine.body(), "« Le 日本texte");
        assert_eq!(
            s.field.selection,
            Selection::caret(7),
            "after the composed word"
        );
        assert_eq!(s.theirs.body(), s.mine.body());
    }

    #[test]
    fn a_composition_cancelled_after_remote_changes_shows_the_body() {
        let mut s = Setup::new("abc");
        s.field.selection = Selection::caret(3);
        s.mirror.composition_start();
        s.co_author(edit(0, 0, "X"));
        s.show();
        assert_eq!(s.field.value, "abc");
        s.mirror.composition_end();
        let typed = s.input();
        assert!(typed.updates.is_empty());
        s.in_step();
        assert_eq!(s.field.value, "Xabc");
    }

    #[test]
    fn changes_applied_without_their_delta_are_shown_by_a_diff() {
        let mut s = Setup::new("la motion est adoptée");
        s.field.selection = Selection { start: 14, end: 21 };
        let update = s.theirs.edit_body(&edit(3, 0, "grande ")).expect("fits");
        let change = s.mine.apply_remote_unmapped(&update).expect("applies");
        s.mirror.remote(&change);
        assert!(s.mirror.waiting());
        s.show();
        s.in_step();
        assert_eq!(s.field.selected(&s.field.value), "adoptée");
    }

    #[test]
    fn a_readers_input_is_taken_out_again() {
        let mut s = Setup::new("lecture seule");
        s.field.selection = Selection::caret(13);
        s.field.type_text("!");
        let typed = s.mirror.input(&s.mine, &s.field.value, 14, false, MAX);
        assert!(typed.updates.is_empty());
        s.field.set(&s.mirror, typed.show);
        s.in_step();
        assert_eq!(s.field.selection, Selection::caret(13));
    }

    #[test]
    fn typing_while_remote_changes_wait_carries_the_keystroke_and_shows_both() {
        let mut s = Setup::new("ab");
        s.field.selection = Selection::caret(2);
        s.co_author(edit(0, 0, "123"));
        s.field.type_text("c");
        let typed = s.input();
        assert_eq!(typed.updates.len(), 1);
        s.in_step();
        assert_eq!(s.mine.body(), "123abc");
        assert_eq!(s.field.selection, Selection::caret(6));
    }

    #[test]
    fn undo_shows_the_body_with_the_caret_where_it_changed() {
        let mut s = Setup::new("Motion.");
        s.mine.enable_undo(std::sync::Arc::new(|| 0));
        s.field.selection = Selection::caret(7);
        s.field.type_text(" Adoptée.");
        s.input();
        let (update, caret) = s
            .mirror
            .undo(&mut s.mine, false)
            .expect("something to undo");
        s.field.set(&s.mirror, Some(caret));
        s.send(&[update]);
        s.in_step();
        assert_eq!(s.field.value, "Motion.");
        assert_eq!(caret, Selection::caret(7));
        assert_eq!(s.theirs.body(), "Motion.");
        assert!(s.mirror.undo(&mut s.mine, false).is_none(), "theirs stays");
        s.mirror.composition_start();
        assert!(
            s.mirror.undo(&mut s.mine, true).is_none(),
            "not mid-composition"
        );
    }

    #[test]
    fn reset_shows_the_body_in_bounds_but_not_mid_composition() {
        let mut s = Setup::new("un texte assez long");
        s.co_author(edit(0, 19, "court"));
        assert_eq!(
            s.mirror.reset(&s.mine, Selection { start: 10, end: 19 }),
            Some(Selection { start: 5, end: 5 })
        );
        assert!(!s.mirror.waiting());
        s.mirror.composition_start();
        assert_eq!(s.mirror.reset(&s.mine, Selection::caret(0)), None);
    }

    /// A small deterministic generator, so the test needs no dependency.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: u32) -> u32 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % u64::from(n.max(1))) as u32
        }

        fn piece(&mut self) -> &'static str {
            ["a", "é", "😀", " ", "\n", "日本"][self.below(6) as usize]
        }
    }

    #[test]
    fn the_field_equals_the_body_whenever_nothing_is_composed_or_waiting() {
        let mut rng = Lcg(11);
        for _ in 0..40 {
            let mut s = Setup::new("Le congrès");
            for _ in 0..60 {
                match rng.below(7) {
                    0 | 1 => {
                        let len = s.theirs.body_len();
                        let at = rng.below(len + 1);
                        let delete = rng.below(3).min(len - at);
                        let text = rng.piece();
                        // Not inside a surrogate pair of theirs.
                        let change = edit(at, delete, text);
                        if change.apply(&s.theirs.body()).is_some() {
                            s.co_author(change);
                        }
                    }
                    2 => s.show(),
                    3 if !s.mirror.composing() => s.mirror.composition_start(),
                    3 => {
                        s.mirror.composition_end();
                        s.input();
                    }
                    _ => {
                        let len = utf16_len(&s.field.value);
                        let caret = rng.below(len + 1);
                        let selection = Selection::caret(caret);
                        let probe = edit(caret, 0, "x");
                        if probe.apply(&s.field.value).is_some() {
                            s.field.selection = selection;
                            s.field.type_text(rng.piece());
                            s.input();
                        }
                    }
                }
                if !s.mirror.composing() {
                    assert_eq!(
                        s.mirror.shown(),
                        s.field.value,
                        "the mirror knows the field"
                    );
                    if !s.mirror.waiting() {
                        s.in_step();
                    }
                }
            }
            if s.mirror.composing() {
                s.mirror.composition_end();
                s.input();
            }
            s.show();
            s.in_step();
            assert_eq!(s.theirs.body(), s.mine.body(), "both converge");
        }
    }
}

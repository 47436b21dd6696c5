//! Keeping the local selection on the same words while remote edits land.
//!
//! When a co-author's change is applied to the `<textarea>`, the browser
//! would put the caret at the end of the new value. Instead the editor maps
//! the selection it had through the change, described as a [`Step`]
//! sequence (a Y.Text delta: retain, insert, delete, in UTF-16 units), and
//! sets it back.
//!
//! Where text lands exactly on a boundary of the selection, it stays
//! outside: a selected passage does not grow because someone typed next to
//! it, and a caret stays right after the word the person is typing even
//! when someone inserts text at the same spot. A boundary inside a deleted
//! passage moves to where the passage was.
//!
//! Reading deltas out of the document is [`crate::document`]'s job; this
//! module is pure arithmetic.

/// One step of a change to a text, in UTF-16 code units, as in a Y.Text
/// delta: keep `n` units, insert `n` units, or delete `n` units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Retain(u32),
    Insert(u32),
    Delete(u32),
}

/// Which way a position goes when text is inserted exactly at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stick {
    /// Stay before the inserted text (attached to what precedes).
    Before,
    /// Move after the inserted text (attached to what follows).
    After,
}

/// A selection in the textarea, in UTF-16 code units, as
/// `selectionStart`/`selectionEnd` (`start <= end`; equal for a caret).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub start: u32,
    pub end: u32,
}

impl Selection {
    pub fn caret(at: u32) -> Self {
        Selection { start: at, end: at }
    }

    pub fn is_caret(&self) -> bool {
        self.start == self.end
    }

    /// The selection after `change`, on the same text.
    pub fn transform(self, change: &[Step]) -> Self {
        if self.is_caret() {
            return Selection::caret(transform(self.start, change, Stick::Before));
        }
        let start = transform(self.start, change, Stick::After);
        let end = transform(self.end, change, Stick::Before);
        // A selection whose text was all deleted becomes a caret there.
        Selection {
            start: start.min(end),
            end,
        }
    }
}

/// Where `position` ends up after `change`.
pub fn transform(position: u32, change: &[Step], stick: Stick) -> u32 {
    // `old` walks the text before the change, `new` the text after it.
    let mut old: u32 = 0;
    let mut new: u32 = 0;
    for step in change {
        match *step {
            Step::Retain(n) => {
                if position < old.saturating_add(n) {
                    break;
                }
                old = old.saturating_add(n);
                new = new.saturating_add(n);
            }
            Step::Insert(n) => {
                // Retain and delete stop before passing `position`, so here
                // `position >= old`.
                if position == old && stick == Stick::Before {
                    break;
                }
                new = new.saturating_add(n);
            }
            Step::Delete(n) => {
                if position < old.saturating_add(n) {
                    // Inside the deleted passage (or at its start).
                    return new;
                }
                old = old.saturating_add(n);
            }
        }
    }
    // Past the last step, everything is retained.
    new.saturating_add(position.saturating_sub(old))
}

#[cfg(test)]
mod tests {
    use super::Step::{Delete, Insert, Retain};
    use super::*;

    fn sel(start: u32, end: u32) -> Selection {
        Selection { start, end }
    }

    #[test]
    fn nothing_changes_without_a_change() {
        assert_eq!(sel(2, 5).transform(&[]), sel(2, 5));
        assert_eq!(sel(2, 5).transform(&[Retain(10)]), sel(2, 5));
    }

    #[test]
    fn an_insertion_before_shifts_and_after_does_not() {
        // "la motion" → "la bonne motion": insert 6 at 3.
        let change = [Retain(3), Insert(6)];
        assert_eq!(sel(3, 9).transform(&change), sel(9, 15));
        assert_eq!(Selection::caret(9).transform(&change), Selection::caret(15));
        assert_eq!(Selection::caret(2).transform(&change), Selection::caret(2));
    }

    #[test]
    fn text_typed_at_a_selection_boundary_stays_outside() {
        let at_start = [Retain(3), Insert(2)];
        assert_eq!(sel(3, 6).transform(&at_start), sel(5, 8));
        let at_end = [Retain(6), Insert(2)];
        assert_eq!(sel(3, 6).transform(&at_end), sel(3, 6));
    }

    #[test]
    fn a_caret_stays_after_the_word_being_typed() {
        // Typing "motion|" while a co-author inserts at the same spot.
        let change = [Retain(6), Insert(4)];
        assert_eq!(Selection::caret(6).transform(&change), Selection::caret(6));
    }

    #[test]
    fn a_deletion_before_shifts_back() {
        let change = [Retain(1), Delete(2)];
        assert_eq!(sel(5, 8).transform(&change), sel(3, 6));
    }

    #[test]
    fn a_boundary_inside_a_deleted_passage_moves_to_its_start() {
        let change = [Retain(2), Delete(5)];
        assert_eq!(sel(4, 10).transform(&change), sel(2, 5));
        assert_eq!(sel(0, 4).transform(&change), sel(0, 2));
        assert_eq!(Selection::caret(4).transform(&change), Selection::caret(2));
    }

    #[test]
    fn a_selection_deleted_whole_becomes_a_caret() {
        let change = [Retain(2), Delete(10), Insert(3)];
        assert_eq!(sel(4, 8).transform(&change), Selection::caret(2));
    }

    #[test]
    fn a_replacement_inside_the_selection_keeps_it_around_the_new_text() {
        // Select "bonne motion" (3..15); a co-author replaces "bonne" by "belle".
        let change = [Retain(3), Delete(5), Insert(5)];
        assert_eq!(sel(3, 15).transform(&change), sel(3, 15));
    }

    #[test]
    fn steps_apply_in_order_across_the_text() {
        // Insert 2 at 0, delete 1 at old 4, insert 3 at old 8.
        let change = [Insert(2), Retain(4), Delete(1), Retain(3), Insert(3)];
        assert_eq!(transform(0, &change, Stick::Before), 0);
        assert_eq!(transform(0, &change, Stick::After), 2);
        assert_eq!(transform(4, &change, Stick::Before), 6);
        assert_eq!(transform(5, &change, Stick::Before), 6);
        assert_eq!(transform(8, &change, Stick::Before), 9);
        assert_eq!(transform(8, &change, Stick::After), 12);
        assert_eq!(transform(20, &change, Stick::Before), 24);
    }
}

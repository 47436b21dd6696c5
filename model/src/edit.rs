//! From two values of the editor's `<textarea>` to the one edit that turns
//! the first into the second, so a keystroke becomes a small Y.Text change
//! rather than a rewrite of the whole body.
//!
//! Offsets and lengths count UTF-16 code units, like the textarea's
//! `selectionStart` and the `body` text (`OffsetKind::Utf16`). The edit is
//! the common prefix and suffix of the two values, and never splits a
//! surrogate pair: an emoji is inserted or removed whole.
//!
//! A value alone is ambiguous: typing `a` in `a|a` gives `aaa`, which a
//! plain prefix/suffix diff reads as an insertion at the end. Given the
//! caret after the input, [`diff_at_caret`] puts the edit where the person
//! typed, which keeps remote carets and authorship on the right characters.
//! An edit made on a text that has since changed under it (a composition
//! that ended after remote changes arrived) is carried through those
//! changes by [`Edit::carry`]. Applying an edit to the document is
//! [`crate::document`]'s job.

use crate::caret::{transform, Step, Stick};

/// One replacement: remove `delete` units at `start`, then insert `insert`
/// there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Where the change starts, in UTF-16 code units.
    pub start: u32,
    /// How many UTF-16 code units are removed.
    pub delete: u32,
    /// The text inserted at `start`.
    pub insert: String,
}

impl Edit {
    /// The length of [`Edit::insert`] in UTF-16 code units.
    pub fn insert_len(&self) -> u32 {
        utf16_len(&self.insert)
    }

    /// The edit as a delta, for [`crate::caret::Selection::transform`]:
    /// how to map a selection through a change known only by its before
    /// and after.
    pub fn steps(&self) -> Vec<Step> {
        [
            Step::Retain(self.start),
            Step::Delete(self.delete),
            Step::Insert(self.insert_len()),
        ]
        .into_iter()
        .filter(|step| !matches!(step, Step::Retain(0) | Step::Delete(0) | Step::Insert(0)))
        .collect()
    }

    /// The same change as edits whose inserted text is at most
    /// `max_bytes` of UTF-8 each (but never splits a character), to apply
    /// in order: the first deletes and inserts the first piece, each next
    /// one inserts its piece after the previous. A huge paste then travels
    /// as several updates under the relay's frame limit.
    pub fn split(self, max_bytes: usize) -> Vec<Edit> {
        let max_bytes = max_bytes.max(4);
        if self.insert.len() <= max_bytes {
            return vec![self];
        }
        let mut edits = Vec::new();
        let mut rest = self.insert.as_str();
        let mut at = self.start;
        let mut delete = self.delete;
        while !rest.is_empty() {
            let mut cut = max_bytes.min(rest.len());
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            let (piece, tail) = rest.split_at(cut);
            let piece = Edit {
                start: at,
                delete,
                insert: piece.to_owned(),
            };
            at += piece.insert_len();
            delete = 0;
            edits.push(piece);
            rest = tail;
        }
        edits
    }

    /// The same edit, made on a text that `changes` (remote changes, oldest
    /// first) have changed since, on the text after them, whose length is
    /// `len`: its start and end are mapped as a selection would be
    /// ([`crate::caret`]), and kept within `len`.
    pub fn carry(self, changes: &[Vec<Step>], len: u32) -> Edit {
        let (mut start, mut end) = (self.start, self.start.saturating_add(self.delete));
        for steps in changes {
            if start == end {
                start = transform(start, steps, Stick::Before);
                end = start;
            } else {
                start = transform(start, steps, Stick::After);
                end = transform(end, steps, Stick::Before).max(start);
            }
        }
        let start = start.min(len);
        let end = end.clamp(start, len);
        Edit {
            start,
            delete: end - start,
            insert: self.insert,
        }
    }

    /// Apply the edit to `text`: what the document does, for tests and
    /// checks. `None` if the edit does not fit `text` or would split a
    /// surrogate pair.
    pub fn apply(&self, text: &str) -> Option<String> {
        let units: Vec<u16> = text.encode_utf16().collect();
        let start = self.start as usize;
        let end = start.checked_add(self.delete as usize)?;
        if end > units.len() {
            return None;
        }
        let mut out = String::from_utf16(&units[..start]).ok()?;
        out.push_str(&self.insert);
        out.push_str(&String::from_utf16(&units[end..]).ok()?);
        Some(out)
    }
}

/// Length of `text` in UTF-16 code units.
pub fn utf16_len(text: &str) -> u32 {
    let len = text.encode_utf16().count();
    u32::try_from(len).unwrap_or(u32::MAX)
}

fn is_high_surrogate(unit: u16) -> bool {
    (0xD800..0xDC00).contains(&unit)
}

fn is_low_surrogate(unit: u16) -> bool {
    (0xDC00..0xE000).contains(&unit)
}

fn common_prefix(a: &[u16], b: &[u16]) -> usize {
    let mut len = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    // Stop before a high surrogate whose partner differs.
    if len > 0 && is_high_surrogate(a[len - 1]) {
        len -= 1;
    }
    len
}

fn common_suffix(a: &[u16], b: &[u16]) -> usize {
    let mut len = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    // Start after a low surrogate whose partner differs.
    if len > 0 && is_low_surrogate(a[a.len() - len]) {
        len -= 1;
    }
    len
}

fn edit(old: &[u16], new: &[u16], prefix: usize, suffix: usize) -> Option<Edit> {
    let delete = old.len() - prefix - suffix;
    let inserted = &new[prefix..new.len() - suffix];
    if delete == 0 && inserted.is_empty() {
        return None;
    }
    Some(Edit {
        start: u32::try_from(prefix).unwrap_or(u32::MAX),
        delete: u32::try_from(delete).unwrap_or(u32::MAX),
        // The bounds never split a pair of the valid UTF-16 of a `&str`, so
        // nothing is ever replaced here.
        insert: String::from_utf16_lossy(inserted),
    })
}

/// The smallest edit from `old` to `new`: their common prefix first, then
/// the common suffix of what remains. `None` when they are equal.
pub fn diff(old: &str, new: &str) -> Option<Edit> {
    let old: Vec<u16> = old.encode_utf16().collect();
    let new: Vec<u16> = new.encode_utf16().collect();
    let prefix = common_prefix(&old, &new);
    let suffix = common_suffix(&old[prefix..], &new[prefix..]);
    edit(&old, &new, prefix, suffix)
}

/// The edit from `old` to `new` that ends at `caret`, the textarea's
/// `selectionEnd` after the input (UTF-16 units in `new`), when the values
/// allow it; the plain [`diff`] otherwise (a caret past the end, or an
/// input that the caret does not explain, such as a drop elsewhere).
pub fn diff_at_caret(old: &str, new: &str, caret: u32) -> Option<Edit> {
    let old_units: Vec<u16> = old.encode_utf16().collect();
    let new_units: Vec<u16> = new.encode_utf16().collect();
    let caret = caret as usize;
    if caret > new_units.len() {
        return diff(old, new);
    }
    // The text after the caret was not typed: keep as much of it as the
    // values share, then the longest common prefix of what remains.
    let max_suffix = (new_units.len() - caret).min(old_units.len());
    let suffix = common_suffix(
        &old_units[old_units.len() - max_suffix..],
        &new_units[new_units.len() - max_suffix..],
    );
    let prefix = common_prefix(
        &old_units[..old_units.len() - suffix],
        &new_units[..new_units.len() - suffix],
    );
    edit(&old_units, &new_units, prefix, suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: u32, delete: u32, insert: &str) -> Option<Edit> {
        Some(Edit {
            start,
            delete,
            insert: insert.to_owned(),
        })
    }

    #[test]
    fn a_selection_mapped_through_a_diff_stays_on_its_words() {
        use crate::caret::{Selection, Step};
        let old = "la motion est adoptée";
        let new = "la motion amendée n°3 est adoptée";
        let change = diff(old, new).expect("they differ");
        assert_eq!(change.steps(), vec![Step::Retain(10), Step::Insert(12)]);
        // "adoptée" was selected at 14..21.
        let moved = Selection { start: 14, end: 21 }.transform(&change.steps());
        let units: Vec<u16> = new.encode_utf16().collect();
        let words = String::from_utf16_lossy(&units[moved.start as usize..moved.end as usize]);
        assert_eq!(words, "adoptée");
        let replaced = diff("abcdef", "abXef").expect("they differ");
        assert_eq!(
            replaced.steps(),
            vec![Step::Retain(2), Step::Delete(2), Step::Insert(1)]
        );
    }

    #[test]
    fn a_huge_insertion_is_split_into_pieces_that_add_up() {
        let old = "Début. Fin.";
        let pasted = "Paragraphe 🗳 é. ".repeat(1000);
        let whole = Edit {
            start: 7,
            delete: 4,
            insert: pasted.clone(),
        };
        let expected = whole.apply(old).expect("fits");
        let pieces = whole.clone().split(1000);
        assert!(pieces.len() >= pasted.len() / 1000);
        assert!(pieces.iter().all(|p| p.insert.len() <= 1000));
        assert!(pieces[1..].iter().all(|p| p.delete == 0));
        let mut text = old.to_owned();
        for piece in &pieces {
            text = piece
                .apply(&text)
                .expect("each piece fits the text before it");
        }
        assert_eq!(text, expected);
        // A small edit stays whole.
        assert_eq!(whole.clone().split(pasted.len()), vec![whole]);
    }

    #[test]
    fn equal_values_need_no_edit() {
        assert_eq!(diff("", ""), None);
        assert_eq!(diff("motion", "motion"), None);
        assert_eq!(diff_at_caret("motion", "motion", 3), None);
    }

    #[test]
    fn typing_deleting_and_replacing() {
        assert_eq!(diff("", "a"), edit(0, 0, "a"));
        assert_eq!(diff("moton", "motion"), edit(3, 0, "i"));
        assert_eq!(diff("motion", "moton"), edit(3, 1, ""));
        assert_eq!(diff("la motion 3", "la résolution 3"), edit(3, 2, "résolu"));
        assert_eq!(diff("abc", ""), edit(0, 3, ""));
    }

    #[test]
    fn offsets_count_utf16_units() {
        // "é" is one unit, "🗳" (U+1F5F3) two.
        assert_eq!(diff("é🗳x", "é🗳yx"), edit(3, 0, "y"));
        assert_eq!(diff("🗳", ""), edit(0, 2, ""));
        assert_eq!(utf16_len("é🗳"), 3);
    }

    #[test]
    fn a_surrogate_pair_is_never_split() {
        // U+1F600 and U+1F601 share their high surrogate (D83D).
        assert_eq!(diff("😀", "😁"), edit(0, 2, "😁"));
        // U+1F600 and U+1F400 (🐀) share their low surrogate (DE00).
        assert_eq!(diff("a😀", "a🐀"), edit(1, 2, "🐀"));
        assert_eq!(diff("😀😀", "😀😁😀"), edit(2, 0, "😁"));
    }

    #[test]
    fn the_caret_says_where_a_repeated_letter_was_typed() {
        assert_eq!(diff("aa", "aaa"), edit(2, 0, "a"));
        assert_eq!(diff_at_caret("aa", "aaa", 2), edit(1, 0, "a"));
        assert_eq!(diff_at_caret("aa", "aaa", 1), edit(0, 0, "a"));
        assert_eq!(diff_at_caret("aa", "aaa", 3), edit(2, 0, "a"));
    }

    #[test]
    fn the_caret_says_which_repeated_letter_was_deleted() {
        // Backspace after the first "a" of "aaa".
        assert_eq!(diff_at_caret("aaa", "aa", 0), edit(0, 1, ""));
        // Delete (forward) at 1.
        assert_eq!(diff_at_caret("aaa", "aa", 1), edit(1, 1, ""));
    }

    #[test]
    fn a_caret_that_explains_nothing_falls_back_to_the_plain_diff() {
        assert_eq!(diff_at_caret("ab", "abc", 9), diff("ab", "abc"));
        // Paste of "xy" over "b", caret after it.
        assert_eq!(diff_at_caret("abc", "axyc", 3), edit(1, 1, "xy"));
    }

    #[test]
    fn a_caret_inside_a_pair_does_not_split_it() {
        assert_eq!(diff_at_caret("😀", "😀😀", 1), edit(0, 0, "😀"));
        assert_eq!(diff_at_caret("😀", "😀😀", 3), edit(2, 0, "😀"));
    }

    /// A small deterministic generator, so the test needs no dependency.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % below
        }

        fn text(&mut self) -> String {
            const PIECES: [&str; 6] = ["a", "b", "é", "😀", "😁", "\n"];
            (0..self.next(6)).map(|_| PIECES[self.next(6)]).collect()
        }
    }

    #[test]
    fn every_edit_turns_old_into_new() {
        let mut rng = Lcg(7);
        for _ in 0..5000 {
            let old = rng.text();
            let new = rng.text();
            let caret = rng.next(utf16_len(&new) as usize + 2) as u32;
            for found in [diff(&old, &new), diff_at_caret(&old, &new, caret)] {
                match found {
                    None => assert_eq!(old, new),
                    Some(e) => assert_eq!(
                        e.apply(&old).as_deref(),
                        Some(new.as_str()),
                        "{old:?} -> {new:?} by {e:?}"
                    ),
                }
            }
        }
    }

    #[test]
    fn a_composed_word_lands_after_text_inserted_before_it() {
        use crate::caret::Step::Insert;
        // Composing at 5 while a co-author inserted 3 units at 0.
        let carried = edit(5, 0, "日本")
            .expect("an edit")
            .carry(&[vec![Insert(3)]], 20);
        assert_eq!(Some(carried), edit(8, 0, "日本"));
    }

    #[test]
    fn a_replacement_shrinks_with_what_was_deleted_meanwhile() {
        use crate::caret::Step::{Delete, Retain};
        // Replace 4..8; meanwhile 6..10 was deleted.
        let carried = edit(4, 4, "x")
            .expect("an edit")
            .carry(&[vec![Retain(6), Delete(4)]], 20);
        assert_eq!(Some(carried), edit(4, 2, "x"));
    }

    #[test]
    fn a_carried_edit_stays_in_bounds() {
        use crate::caret::Step::Delete;
        let carried = edit(9, 3, "y")
            .expect("an edit")
            .carry(&[vec![Delete(10)]], 2);
        assert!(carried.start + carried.delete <= 2);
        let huge = edit(u32::MAX, u32::MAX, "").expect("an edit").carry(&[], 5);
        assert_eq!(Some(huge), edit(5, 0, ""));
    }

    #[test]
    fn apply_refuses_an_edit_that_does_not_fit() {
        let too_long = Edit {
            start: 1,
            delete: 5,
            insert: String::new(),
        };
        assert_eq!(too_long.apply("abc"), None);
        let splits = Edit {
            start: 1,
            delete: 0,
            insert: "x".into(),
        };
        assert_eq!(splits.apply("😀"), None);
    }
}

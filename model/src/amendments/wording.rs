//! An amendment's passage against its proposed wording, word by word, as
//! the amendment's detail shows it: what stays, what goes (struck), what
//! comes (underlined). Words, runs of spaces and single punctuation marks
//! are the units, so "la paix" → "la justice" reads as one word struck
//! and one underlined, never as letters. [`distance`] counts the words an
//! amendment changes: how far it is from the text, for the order
//! assistant ([`crate::meeting::order`]).

use similar::{capture_diff_slices, Algorithm, DiffOp};

/// One stretch of the comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Same(String),
    Removed(String),
    Added(String),
}

/// The units `text` is compared in: runs of letters and digits (with the
/// apostrophes and hyphens inside a word), runs of white space, and every
/// other character alone.
fn tokens(text: &str) -> Vec<&str> {
    #[derive(PartialEq, Clone, Copy)]
    enum Kind {
        Word,
        Space,
        Other,
    }
    let kind = |c: char| {
        if c.is_alphanumeric() {
            Kind::Word
        } else if c.is_whitespace() {
            Kind::Space
        } else {
            Kind::Other
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut last: Option<Kind> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let mut this = kind(c);
        // An apostrophe or a hyphen between two letters stays in the word.
        if this == Kind::Other
            && matches!(c, '\'' | '’' | '-')
            && last == Some(Kind::Word)
            && chars
                .peek()
                .is_some_and(|&(_, next)| next.is_alphanumeric())
        {
            this = Kind::Word;
        }
        let joins = last == Some(this) && this != Kind::Other;
        if !joins && at > start {
            out.push(&text[start..at]);
            start = at;
        }
        last = Some(this);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// A stretch of the comparison before it is drawn: the same words, or a
/// change (what goes, what comes).
enum Stretch {
    Same(String),
    Change(String, String),
}

/// `before` turned into `after`, word by word: the pieces in reading
/// order, a removal before the addition that replaces it. A run of
/// spaces alone between two changes joins them ("chaque année" → "tous
/// les deux ans" reads as one phrase struck and one underlined, not as
/// words interleaved around a shared space).
pub fn word_diff(before: &str, after: &str) -> Vec<Piece> {
    let old = tokens(before);
    let new = tokens(after);
    let mut stretches: Vec<Stretch> = Vec::new();
    let change = |stretches: &mut Vec<Stretch>, gone: String, come: String| {
        if let Some(Stretch::Change(was, will)) = stretches.last_mut() {
            was.push_str(&gone);
            will.push_str(&come);
            return;
        }
        // A space alone between this change and the one before joins them.
        let joins = matches!(
            stretches.as_slice(),
            [.., Stretch::Change(..), Stretch::Same(space)] if space.chars().all(char::is_whitespace)
        );
        if joins {
            if let Some(Stretch::Same(space)) = stretches.pop() {
                if let Some(Stretch::Change(was, will)) = stretches.last_mut() {
                    was.push_str(&space);
                    was.push_str(&gone);
                    will.push_str(&space);
                    will.push_str(&come);
                }
            }
            return;
        }
        stretches.push(Stretch::Change(gone, come));
    };
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        match op {
            DiffOp::Equal { old_index, len, .. } => {
                let text = old[old_index..old_index + len].concat();
                match stretches.last_mut() {
                    Some(Stretch::Same(last)) => last.push_str(&text),
                    _ => stretches.push(Stretch::Same(text)),
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => change(
                &mut stretches,
                old[old_index..old_index + old_len].concat(),
                String::new(),
            ),
            DiffOp::Insert {
                new_index, new_len, ..
            } => change(
                &mut stretches,
                String::new(),
                new[new_index..new_index + new_len].concat(),
            ),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => change(
                &mut stretches,
                old[old_index..old_index + old_len].concat(),
                new[new_index..new_index + new_len].concat(),
            ),
        }
    }
    let mut pieces = Vec::new();
    for stretch in stretches {
        match stretch {
            Stretch::Same(text) if !text.is_empty() => pieces.push(Piece::Same(text)),
            Stretch::Same(_) => {}
            Stretch::Change(gone, come) => {
                if !gone.is_empty() {
                    pieces.push(Piece::Removed(gone));
                }
                if !come.is_empty() {
                    pieces.push(Piece::Added(come));
                }
            }
        }
    }
    pieces
}

/// How far `after` is from `before`: the words (runs of letters and
/// digits) removed plus the words added, word by word.
pub fn distance(before: &str, after: &str) -> u32 {
    let words = |text: &str| -> u32 {
        tokens(text)
            .iter()
            .filter(|token| token.chars().any(char::is_alphanumeric))
            .count() as u32
    };
    word_diff(before, after)
        .iter()
        .map(|piece| match piece {
            Piece::Same(_) => 0,
            Piece::Removed(text) | Piece::Added(text) => words(text),
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(s: &str) -> Piece {
        Piece::Same(s.into())
    }
    fn removed(s: &str) -> Piece {
        Piece::Removed(s.into())
    }
    fn added(s: &str) -> Piece {
        Piece::Added(s.into())
    }

    /// The pieces read back as the old text and as the new one.
    fn sides(pieces: &[Piece]) -> (String, String) {
        let (mut old, mut new) = (String::new(), String::new());
        for piece in pieces {
            match piece {
                Piece::Same(s) => {
                    old.push_str(s);
                    new.push_str(s);
                }
                Piece::Removed(s) => old.push_str(s),
                Piece::Added(s) => new.push_str(s),
            }
        }
        (old, new)
    }

    #[test]
    fn a_word_replaced_is_one_word_struck_and_one_underlined() {
        assert_eq!(
            word_diff("pour la paix durable", "pour la justice durable"),
            vec![
                same("pour la "),
                removed("paix"),
                added("justice"),
                same(" durable")
            ]
        );
    }

    #[test]
    fn a_phrase_replaced_by_another_is_one_stretch_struck_and_one_underlined() {
        assert_eq!(
            word_diff(
                "les membres élisent le bureau chaque année.",
                "les membres élisent le bureau tous les deux ans."
            ),
            vec![
                same("les membres élisent le bureau "),
                removed("chaque année"),
                added("tous les deux ans"),
                same("."),
            ]
        );
    }

    #[test]
    fn words_inserted_in_the_middle_are_underlined_alone() {
        assert_eq!(
            word_diff("Le congrès adopte.", "Le congrès national adopte."),
            vec![same("Le congrès "), added("national "), same("adopte.")]
        );
    }

    #[test]
    fn a_deletion_strikes_the_whole_passage_and_an_insertion_underlines_the_whole_wording() {
        assert_eq!(word_diff("tout ceci", ""), vec![removed("tout ceci")]);
        assert_eq!(word_diff("", "un ajout"), vec![added("un ajout")]);
        assert_eq!(word_diff("", ""), Vec::<Piece>::new());
    }

    #[test]
    fn french_words_with_apostrophes_and_hyphens_stay_whole() {
        assert_eq!(
            tokens("l'arrière-plan, c’est"),
            vec!["l'arrière-plan", ",", " ", "c’est"]
        );
        assert_eq!(
            word_diff("d'abord l'usine", "d'abord l'école"),
            vec![same("d'abord "), removed("l'usine"), added("l'école")]
        );
    }

    #[test]
    fn the_pieces_always_read_back_as_both_texts() {
        let cases = [
            (
                "Article 3 : les membres élisent le bureau.",
                "Article 3 : les adhérent·es élisent, chaque année, le bureau !",
            ),
            ("a b c d e", "e d c b a"),
            ("  espaces   multiples ", "espaces multiples"),
            ("ligne une\nligne deux\n", "ligne une\n\nligne trois\n"),
            ("émoji 🎉 et « guillemets »", "émoji 🎊 et « guillemets » !"),
        ];
        for (before, after) in cases {
            let pieces = word_diff(before, after);
            assert_eq!(sides(&pieces), (before.to_owned(), after.to_owned()));
            // Neighbours of one kind are merged.
            for pair in pieces.windows(2) {
                assert_ne!(
                    std::mem::discriminant(&pair[0]),
                    std::mem::discriminant(&pair[1]),
                    "{pieces:?}"
                );
            }
        }
    }

    #[test]
    fn distance_counts_the_words_removed_and_added() {
        assert_eq!(distance("la paix", "la paix"), 0);
        assert_eq!(distance("la paix", "la justice"), 2);
        assert_eq!(distance("chaque année", "tous les deux ans"), 6);
        assert_eq!(distance("", "trois mots ici"), 3);
        assert_eq!(distance("un, deux.", ""), 2);
    }
}

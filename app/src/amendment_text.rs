//! The passage an amendment is filed on, read from the body the way the
//! filing form and the detail show it: its words (UTF-16 offsets, the
//! textarea's and the Yrs body's unit), its lines as congress texts cite
//! them ("l. 42-45", numbered by [`model::lines::Lines`], the numbering of
//! the page and the exports), and the paragraph around a caret (for
//! "supprimer le paragraphe"). Pure, tested natively.

use model::amendments::anchors::line_span;
use model::amendments::book::utf16_slice;
use model::amendments::{AmendError, Status};
use model::lines::Lines;

use crate::strings::Strings;

/// The body's words between `start` and `end` (UTF-16); empty when the
/// range is not in the body.
pub fn passage(body: &str, start: u32, end: u32) -> String {
    utf16_slice(body, start, end).unwrap_or_default()
}

/// The lines (1-based, first and last) the range `start..end` covers;
/// `None` when it is on no numbered line (an empty body, a blank line).
pub fn lines_of(body: &str, start: u32, end: u32) -> Option<(u32, u32)> {
    line_span(&Lines::new(body), (start, end))
}

/// "l. 42" or "l. 42-45", in the person's language.
pub fn lines_label(words: &Strings, (first, last): (u32, u32)) -> String {
    if first == last {
        words.amend_line_one.replace("{a}", &first.to_string())
    } else {
        words
            .amend_line_range
            .replace("{a}", &first.to_string())
            .replace("{b}", &last.to_string())
    }
}

/// The amendment's name: "A12", or the provisional mark until a keeper's
/// browser registers it.
pub fn number_label(words: &Strings, number: Option<u32>) -> String {
    match number {
        Some(number) => words.amend_number.replace("{n}", &number.to_string()),
        None => words.amend_provisional.to_owned(),
    }
}

/// `text` (a rationale) with a claim's `wording` quoted after it, as a
/// Markdown quote naming its map.
pub fn with_quote(text: &str, wording: &str, map_title: &str) -> String {
    let mut out = text.trim_end().to_owned();
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str("> ");
    out.push_str(&wording.trim().replace('\n', "\n> "));
    if !map_title.trim().is_empty() {
        out.push_str("\n> — ");
        out.push_str(map_title.trim());
    }
    out.push('\n');
    out
}

/// Why an amendment operation was refused, as a sentence.
pub fn error_words(words: &Strings, error: &AmendError) -> &'static str {
    match error {
        AmendError::NotAllowed => words.amend_error_not_allowed,
        AmendError::NotFound => words.amend_error_not_found,
        AmendError::NotTheAuthor => words.amend_error_not_the_author,
        AmendError::NotFiled => words.amend_error_not_filed,
        AmendError::BadPassage => words.amend_error_bad_passage,
        AmendError::NoChange => words.amend_error_no_change,
        AmendError::PassageGone => words.amend_error_passage_gone,
        AmendError::Decided => words.amend_error_decided,
        AmendError::TooLong => words.amend_error_too_long,
        AmendError::NotOpen => words.amend_error_not_open,
    }
}

/// A status's word, for its badge and the history.
pub fn status_words(words: &Strings, status: Status) -> &'static str {
    match status {
        Status::Filed => words.amend_status_filed,
        Status::Discussion => words.amend_status_discussion,
        Status::Adopted => words.amend_status_adopted,
        Status::Rejected => words.amend_status_rejected,
        Status::Withdrawn => words.amend_status_withdrawn,
        Status::Fallen => words.amend_status_fallen,
    }
}

/// Where the passage `passage`, read at `start..end` when the form
/// opened, is in `body` now: the same place if its words are still
/// there, else the occurrence nearest to it (a co-author typed before
/// it meanwhile); `None` when its words are gone. An insertion point
/// stays where it is.
pub fn relocate(body: &str, start: u32, end: u32, passage_then: &str) -> Option<(u32, u32)> {
    if passage_then.is_empty() || passage(body, start, end) == passage_then {
        return Some((start, end));
    }
    let length = passage_then.encode_utf16().count() as u32;
    body.match_indices(passage_then)
        .map(|(byte, _)| body[..byte].encode_utf16().count() as u32)
        .min_by_key(|&at| at.abs_diff(start))
        .map(|at| (at, at + length))
}

/// The paragraph around `start..end` (UTF-16): from the first line after
/// a blank line (or the body's start) to the last line before one (or the
/// body's end), its final line break excluded. A range on blank lines
/// only is given back as it is.
pub fn paragraph_around(body: &str, start: u32, end: u32) -> (u32, u32) {
    // The source lines: their UTF-16 ranges (the `\n` excluded), and
    // whether they are blank.
    let mut lines: Vec<(u32, u32, bool)> = Vec::new();
    let (mut line_start, mut at, mut blank) = (0u32, 0u32, true);
    for c in body.chars() {
        if c == '\n' {
            lines.push((line_start, at, blank));
            line_start = at + 1;
            blank = true;
        } else if !c.is_whitespace() {
            blank = false;
        }
        at += c.len_utf16() as u32;
    }
    lines.push((line_start, at, blank));
    let containing = |offset: u32| {
        lines
            .iter()
            .position(|&(from, to, _)| from <= offset && offset <= to)
    };
    let (Some(mut first), Some(mut last)) = (containing(start), containing(end)) else {
        return (start, end);
    };
    if lines[first..=last].iter().all(|&(_, _, blank)| blank) {
        return (start, end);
    }
    while lines[first].2 {
        first += 1;
    }
    while lines[last].2 {
        last -= 1;
    }
    while first > 0 && !lines[first - 1].2 {
        first -= 1;
    }
    while last + 1 < lines.len() && !lines[last + 1].2 {
        last += 1;
    }
    (lines[first].0, lines[last].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_claim_follows_the_rationale_as_a_quote_naming_its_map() {
        assert_eq!(
            with_quote("", "Elle rend la ville à tous.", "Transports"),
            "> Elle rend la ville à tous.\n> — Transports\n"
        );
        assert_eq!(
            with_quote("Parce que.\n", "Deux\nlignes", ""),
            "Parce que.\n\n> Deux\n> lignes\n"
        );
    }
    use crate::strings::{EN, FR};

    const BODY: &str =
        "# Motion\n\nPremier paragraphe,\nsur deux lignes.\n\n\nSecond « paragraphe » 🎉.\n";

    fn offset(text: &str) -> u32 {
        let at = BODY.find(text).expect("in the body");
        BODY[..at].encode_utf16().count() as u32
    }

    #[test]
    fn the_paragraph_around_a_caret_runs_between_blank_lines_without_its_last_line_break() {
        let at = offset("deux");
        let (start, end) = paragraph_around(BODY, at, at);
        assert_eq!(
            passage(BODY, start, end),
            "Premier paragraphe,\nsur deux lignes."
        );
        // A selection across two lines of it gives the same paragraph.
        let (s2, e2) = paragraph_around(BODY, offset("paragraphe,"), offset("lignes"));
        assert_eq!((s2, e2), (start, end));
    }

    #[test]
    fn the_first_and_the_last_paragraphs_reach_the_body_s_ends() {
        assert_eq!(passage(BODY, 0, paragraph_around(BODY, 3, 3).1), "# Motion");
        let at = offset("🎉");
        let (start, end) = paragraph_around(BODY, at, at);
        assert_eq!(passage(BODY, start, end), "Second « paragraphe » 🎉.");
        let text = "sans fin de ligne";
        assert_eq!(paragraph_around(text, 4, 4), (0, 17));
    }

    #[test]
    fn a_caret_on_a_blank_line_stays_where_it_is() {
        let at = offset("\n\n\nSecond") + 1;
        assert_eq!(paragraph_around(BODY, at, at), (at, at));
        assert_eq!(paragraph_around("", 0, 0), (0, 0));
    }

    #[test]
    fn a_range_outside_the_body_selects_nothing() {
        assert_eq!(paragraph_around("court", 40, 45), (40, 45));
        assert_eq!(passage("court", 40, 45), "");
    }

    #[test]
    fn a_passage_moved_by_a_co_author_s_typing_is_found_again_nearest_to_where_it_was() {
        let then = "un deux trois deux";
        let at = then.rfind("deux").unwrap_or_default() as u32;
        assert_eq!(relocate(then, at, at + 4, "deux"), Some((at, at + 4)));
        let now = format!("zéro {then}");
        assert_eq!(relocate(&now, at, at + 4, "deux"), Some((at + 5, at + 9)));
        assert_eq!(relocate("un trois", at, at + 4, "deux"), None);
        assert_eq!(relocate("", 3, 3, ""), Some((3, 3)));
    }

    #[test]
    fn every_refusal_and_every_status_has_its_words() {
        for status in Status::ALL {
            assert!(!status_words(&FR, status).is_empty());
            assert_ne!(status_words(&FR, status), status_words(&EN, status));
        }
        assert_eq!(
            error_words(&FR, &AmendError::NoChange),
            FR.amend_error_no_change
        );
    }

    #[test]
    fn lines_are_cited_as_congress_texts_cite_them() {
        assert_eq!(lines_label(&FR, (42, 45)), "l. 42-45");
        assert_eq!(lines_label(&FR, (7, 7)), "l. 7");
        assert!(lines_label(&EN, (42, 45)).contains("42"));
        let body = "un\n\ndeux\ntrois";
        let start = body.find("deux").unwrap_or_default() as u32;
        assert_eq!(lines_of(body, start, body.len() as u32), Some((2, 3)));
        assert_eq!(lines_of(body, 1, 1), Some((1, 1)));
    }

    #[test]
    fn an_amendment_is_named_by_its_number_or_provisionally() {
        assert_eq!(number_label(&FR, Some(12)), "A12");
        assert_eq!(number_label(&FR, None), FR.amend_provisional);
    }
}

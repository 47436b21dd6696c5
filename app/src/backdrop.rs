//! What the editor's backdrop shows, as HTML, without a browser: the layer
//! behind the `<textarea>` that holds the same text, laid out the same way
//! but drawn transparent, so that coloured boxes around its words appear
//! behind the textarea's own (transparent-backgrounded) text.
//!
//! Two layers: [`authorship`] colours runs of text by author (Etherpad's
//! "who wrote what"), [`cursors`] draws co-authors' selections and carets
//! with their names. Both are one string of HTML set at once: on a 100,000
//! character text that is a few hundred spans, not one per character, and
//! the browser parses it far faster than it would build nodes one by one.
//! Offsets are UTF-16 units, as in the textarea. Colours must be `#rrggbb`
//! ([`crate::awareness::is_colour`]); anything else gets the neutral one,
//! since they go into style attributes. When to re-render is the
//! component's business ([`crate::components::backdrop`]).

use crate::awareness::{is_colour, NEUTRAL};

/// The alpha appended to an author's colour for their text's background.
pub const AUTHOR_ALPHA: &str = "38";
/// The alpha appended to a co-author's colour for their selection.
pub const SELECTION_ALPHA: &str = "55";

/// A co-author's selection to draw: `start..end` in UTF-16 units, the
/// caret at `end`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub name: String,
    pub colour: String,
    pub start: u32,
    pub end: u32,
}

fn colour(colour: &str) -> &str {
    if is_colour(colour) {
        colour
    } else {
        NEUTRAL
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The text's UTF-16 units `start..end` (clamped), escaped into `out`.
fn slice_into(out: &mut String, units: &[u16], start: u32, end: u32) {
    let len = units.len();
    let (start, end) = ((start as usize).min(len), (end as usize).min(len));
    if start < end {
        escape_into(out, &String::from_utf16_lossy(&units[start..end]));
    }
}

/// A final newline makes a last, empty line in a textarea but not in a
/// `<div>`: one more character keeps the two the same height.
fn close(out: &mut String) {
    out.push(' ');
}

/// The text in runs of `(UTF-16 length, colour)`, each run's background
/// its author's colour at [`AUTHOR_ALPHA`], or none for `None` (unknown
/// author). Text past the runs is drawn without colour.
pub fn authorship(text: &str, runs: &[(u32, Option<&str>)]) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out = String::with_capacity(text.len() + runs.len() * 64);
    let mut at = 0u32;
    for &(len, author) in runs {
        let end = at.saturating_add(len);
        match author {
            Some(author) => {
                out.push_str("<span class=\"by\" style=\"background-color:");
                out.push_str(colour(author));
                out.push_str(AUTHOR_ALPHA);
                out.push_str("\">");
                slice_into(&mut out, &units, at, end);
                out.push_str("</span>");
            }
            None => slice_into(&mut out, &units, at, end),
        }
        at = end;
    }
    slice_into(&mut out, &units, at, units.len() as u32);
    close(&mut out);
    out
}

/// The text with each cursor's selection highlighted in its colour at
/// [`SELECTION_ALPHA`] and its caret, a thin bar with the name above,
/// drawn at its end. Where selections overlap, the later cursor's colour
/// shows.
pub fn cursors(text: &str, cursors: &[Cursor]) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    let len = units.len() as u32;
    let clamp = |c: &Cursor| {
        let end = c.end.min(len);
        (c.start.min(end), end)
    };
    let mut points: Vec<u32> = vec![0, len];
    for c in cursors {
        let (start, end) = clamp(c);
        points.extend([start, end]);
    }
    points.sort_unstable();
    points.dedup();

    let mut out = String::with_capacity(text.len() + cursors.len() * 200);
    for (i, &point) in points.iter().enumerate() {
        for c in cursors.iter().filter(|c| clamp(c).1 == point) {
            let colour = colour(&c.colour);
            out.push_str("<span class=\"caret\" style=\"border-color:");
            out.push_str(colour);
            out.push_str("\"><span class=\"caret-name\" style=\"background-color:");
            out.push_str(colour);
            out.push_str("\">");
            escape_into(&mut out, &c.name);
            out.push_str("</span></span>");
        }
        let Some(&next) = points.get(i + 1) else {
            break;
        };
        let over = cursors.iter().rev().find(|c| {
            let (start, end) = clamp(c);
            start <= point && next <= end
        });
        match over {
            Some(c) => {
                out.push_str("<span class=\"selection\" style=\"background-color:");
                out.push_str(colour(&c.colour));
                out.push_str(SELECTION_ALPHA);
                out.push_str("\">");
                slice_into(&mut out, &units, point, next);
                out.push_str("</span>");
            }
            None => slice_into(&mut out, &units, point, next),
        }
    }
    close(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text an HTML string shows, tags dropped and entities undone.
    fn shown(html: &str) -> String {
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn authorship_colours_runs_and_keeps_the_text() {
        let text = "Nous 🗳 <voulons> & du pain\n";
        let html = authorship(
            text,
            &[(8, Some("#1d4e89")), (12, None), (3, Some("#a4262c"))],
        );
        assert_eq!(shown(&html), format!("{text} "));
        assert!(html.starts_with(
            "<span class=\"by\" style=\"background-color:#1d4e8938\">Nous 🗳 </span>&lt;voulons&gt; &amp; "
        ));
        assert!(html
            .contains("<span class=\"by\" style=\"background-color:#a4262c38\">du </span>pain\n "));
    }

    #[test]
    fn a_colour_that_is_not_one_is_neutral() {
        let html = authorship("ab", &[(2, Some("red\" onclick=\"x"))]);
        assert!(html.contains(&format!("background-color:{NEUTRAL}{AUTHOR_ALPHA}")));
        assert!(!html.contains("onclick"));
    }

    #[test]
    fn runs_past_the_text_are_cut() {
        let html = authorship("ab", &[(5, Some("#1d4e89")), (3, Some("#a4262c"))]);
        assert_eq!(shown(&html), "ab ");
    }

    fn cursor(name: &str, colour: &str, start: u32, end: u32) -> Cursor {
        Cursor {
            name: name.into(),
            colour: colour.into(),
            start,
            end,
        }
    }

    #[test]
    fn a_caret_is_drawn_where_it_is_with_its_name() {
        let html = cursors("la motion", &[cursor("Jean <3", "#2e6b30", 3, 3)]);
        assert_eq!(
            html,
            "la <span class=\"caret\" style=\"border-color:#2e6b30\"><span class=\"caret-name\" \
             style=\"background-color:#2e6b30\">Jean &lt;3</span></span>motion "
        );
    }

    #[test]
    fn selections_are_highlighted_and_may_overlap() {
        let text = "la motion est adoptée";
        let html = cursors(
            text,
            &[
                cursor("A", "#1d4e89", 3, 13),
                cursor("B", "#a4262c", 10, 21),
            ],
        );
        // The caret names are text too; without them the text is whole.
        assert_eq!(shown(&html).replace(['A', 'B'], ""), format!("{text} "));
        assert!(html.contains("style=\"background-color:#1d4e8955\">motion </span>"));
        // Where both cover "est", B (the later one) shows.
        assert!(html.contains("style=\"background-color:#a4262c55\">est</span>"));
        assert!(html.contains("style=\"background-color:#a4262c55\"> adoptée</span>"));
        let a_caret = html.find(">A<").expect("A's caret");
        let b_caret = html.find(">B<").expect("B's caret");
        assert!(a_caret < html.find(" adoptée").expect("text") && b_caret > a_caret);
    }

    #[test]
    fn cursors_past_the_end_are_drawn_at_the_end() {
        let html = cursors("ab", &[cursor("A", "#1d4e89", 7, 9)]);
        assert!(html.ends_with("ab<span class=\"caret\" style=\"border-color:#1d4e89\"><span class=\"caret-name\" style=\"background-color:#1d4e89\">A</span></span> "));
    }

    #[test]
    fn a_large_text_is_painted_in_runs_not_characters() {
        let text = "mot ".repeat(25_000);
        let runs: Vec<(u32, Option<&str>)> = (0..500)
            .map(|i| (200, Some(if i % 2 == 0 { "#1d4e89" } else { "#a4262c" })))
            .collect();
        let html = authorship(&text, &runs);
        assert_eq!(html.matches("<span").count(), 500);
        assert_eq!(shown(&html).len(), text.len() + 1);
    }
}

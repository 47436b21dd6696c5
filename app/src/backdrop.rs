//! What the editor's backdrop shows, as HTML, without a browser: the layer
//! behind the `<textarea>` that holds the same text, laid out the same way
//! but drawn transparent, so that coloured boxes around its words appear
//! behind the textarea's own (transparent-backgrounded) text.
//!
//! Three layers: [`authorship`] colours runs of text by author (Etherpad's
//! "who wrote what"), [`cursors`] draws co-authors' selections and carets
//! with their names, [`numbers`] marks where each numbered line
//! ([`model::lines`]) starts, so the gutter can put its number level with
//! the row the textarea shows it on. Each is a list of paragraphs (the text's lines), each
//! the inner HTML of one block: on a 100,000 character text that is a few
//! hundred spans, not one per character, and after a keystroke [`patch`]
//! says which few paragraphs to replace, so the browser parses and lays
//! out one paragraph again, not the whole text. Offsets are UTF-16 units,
//! as in the textarea. Colours must be `#rrggbb`
//! ([`model::awareness::is_colour`]); anything else gets the neutral one,
//! since they go into style attributes. When to re-render is the
//! component's business ([`crate::components::backdrop`]).

use std::ops::Range;

use model::awareness::{is_colour, NEUTRAL};
use model::lines::Lines;

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

/// Paragraphs being written: text is cut at each line feed, a span that
/// crosses one is closed and opened again on the next line.
struct Paragraphs<'a> {
    units: &'a [u16],
    done: Vec<String>,
    current: String,
    has_text: bool,
}

impl<'a> Paragraphs<'a> {
    fn new(units: &'a [u16]) -> Self {
        Paragraphs {
            units,
            done: Vec::new(),
            current: String::new(),
            has_text: false,
        }
    }

    /// The text's UTF-16 units `start..end` (clamped), in a span opened
    /// by `open` if any.
    fn text(&mut self, start: u32, end: u32, open: Option<&str>) {
        let len = self.units.len();
        let (start, end) = ((start as usize).min(len), (end as usize).min(len));
        if start >= end {
            return;
        }
        let text = String::from_utf16_lossy(&self.units[start..end]);
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.line_feed();
            }
            if line.is_empty() {
                continue;
            }
            if let Some(open) = open {
                self.current.push_str(open);
            }
            escape_into(&mut self.current, line);
            if open.is_some() {
                self.current.push_str("</span>");
            }
            self.has_text = true;
        }
    }

    /// Markup that takes no room in the text (a caret).
    fn raw(&mut self, html: &str) {
        self.current.push_str(html);
    }

    fn line_feed(&mut self) {
        // An empty block has no height, an empty line has one.
        if !self.has_text {
            self.current.push_str("<br>");
        }
        self.done.push(std::mem::take(&mut self.current));
        self.has_text = false;
    }

    fn finish(mut self) -> Vec<String> {
        self.line_feed();
        self.done
    }
}

/// The text in runs of `(UTF-16 length, colour)`, each run's background
/// its author's colour at [`AUTHOR_ALPHA`], or none for `None` (unknown
/// author). Text past the runs is drawn without colour.
pub fn authorship(text: &str, runs: &[(u32, Option<&str>)]) -> Vec<String> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out = Paragraphs::new(&units);
    let mut at = 0u32;
    for &(len, author) in runs {
        let end = at.saturating_add(len);
        let open = author.map(|author| {
            format!(
                "<span class=\"by\" style=\"background-color:{}{AUTHOR_ALPHA}\">",
                colour(author)
            )
        });
        out.text(at, end, open.as_deref());
        at = end;
    }
    out.text(at, units.len() as u32, None);
    out.finish()
}

/// The text with each cursor's selection highlighted in its colour at
/// [`SELECTION_ALPHA`] and its caret, a thin bar with the name above,
/// drawn at its end. Where selections overlap, the later cursor's colour
/// shows.
pub fn cursors(text: &str, cursors: &[Cursor]) -> Vec<String> {
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

    let mut out = Paragraphs::new(&units);
    for (i, &point) in points.iter().enumerate() {
        for c in cursors.iter().filter(|c| clamp(c).1 == point) {
            let colour = colour(&c.colour);
            let mut caret = format!(
                "<span class=\"caret\" style=\"border-color:{colour}\"><span class=\"caret-name\" \
                 style=\"background-color:{colour}\">"
            );
            escape_into(&mut caret, &c.name);
            caret.push_str("</span></span>");
            out.raw(&caret);
        }
        let Some(&next) = points.get(i + 1) else {
            break;
        };
        let over = cursors.iter().rev().find(|c| {
            let (start, end) = clamp(c);
            start <= point && next <= end
        });
        let open = over.map(|c| {
            format!(
                "<span class=\"selection\" style=\"background-color:{}{SELECTION_ALPHA}\">",
                colour(&c.colour)
            )
        });
        out.text(point, next, open.as_deref());
    }
    out.finish()
}

/// The marker of a numbered line's start: a span around its first
/// character, which changes no wrapping (an empty span would sit at the end
/// of the row before, with the space the row wraps after). Markers carry
/// no number: the `k`-th marker is line `k`, so a line added above changes
/// no other paragraph (and the layer replaces one block, not all that
/// follow).
pub const LINE_MARK: &str = "<span class=\"lm\">";

/// An amendment's range to draw on the numbers layer: UTF-16 offsets in
/// the body (`start == end`: an insertion point), its status's name (the
/// class `s-<status>`), and whether it is still open (drawn as a
/// background; a closed one is only underlined).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range16 {
    pub start: u32,
    pub end: u32,
    pub status: &'static str,
    pub open: bool,
}

/// The amendments' ranges made ready for [`numbers`]: cut into pieces
/// that do not overlap, in byte offsets of the text, each with the class
/// of what covers it (an open range over a closed one, the latest-
/// starting among equals; `many` where several do), and the insertion
/// points. Made once per overview, in one walk of the text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    pieces: Vec<(usize, usize, String)>,
    points: Vec<(usize, String)>,
}

impl Marks {
    pub fn new(text: &str, ranges: &[Range16]) -> Marks {
        if ranges.is_empty() {
            return Marks::default();
        }
        let len16 = text.encode_utf16().count() as u32;
        // Every boundary, in UTF-16, then in bytes in one walk.
        let mut cuts: Vec<u32> = Vec::with_capacity(ranges.len() * 2);
        for r in ranges {
            let end = r.end.min(len16);
            cuts.push(r.start.min(end));
            cuts.push(end);
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut bytes = Vec::with_capacity(cuts.len());
        let mut next = cuts.iter().peekable();
        let mut at16 = 0u32;
        for (at, c) in text.char_indices() {
            while next.peek().is_some_and(|&&cut| cut <= at16) {
                next.next();
                bytes.push(at);
            }
            at16 += c.len_utf16() as u32;
        }
        bytes.resize(cuts.len(), text.len());
        let byte_of = |cut: u32| match cuts.binary_search(&cut) {
            Ok(i) => bytes[i],
            Err(_) => text.len(),
        };

        let mut points: Vec<(usize, String)> = Vec::new();
        // Sweep: at each cut, the ranges that start there join, those
        // ending there leave; between two cuts, the ones in force colour.
        let mut starts: Vec<(u32, usize)> = Vec::new();
        let mut ends: Vec<(u32, usize)> = Vec::new();
        for (i, r) in ranges.iter().enumerate() {
            let end = r.end.min(len16);
            let start = r.start.min(end);
            if start == end {
                points.push((byte_of(start), format!("am-at s-{}", r.status)));
            } else {
                starts.push((start, i));
                ends.push((end, i));
            }
        }
        starts.sort_unstable();
        ends.sort_unstable();
        points.sort();
        let mut live: Vec<usize> = Vec::new();
        let mut pieces: Vec<(usize, usize, String)> = Vec::new();
        let (mut s, mut e) = (0, 0);
        for w in 0..cuts.len() {
            let cut = cuts[w];
            while e < ends.len() && ends[e].0 <= cut {
                let gone = ends[e].1;
                if let Some(k) = live.iter().position(|&i| i == gone) {
                    live.swap_remove(k);
                }
                e += 1;
            }
            while s < starts.len() && starts[s].0 <= cut {
                live.push(starts[s].1);
                s += 1;
            }
            let Some(&next) = cuts.get(w + 1) else {
                break;
            };
            if live.is_empty() {
                continue;
            }
            let top = live
                .iter()
                .copied()
                .max_by_key(|&i| (ranges[i].open, ranges[i].start, i))
                .map(|i| ranges[i]);
            let Some(top) = top else { continue };
            let mut class = format!(
                "am s-{}{}",
                top.status,
                if top.open { "" } else { " closed" }
            );
            if live.len() > 1 {
                class.push_str(" many");
            }
            let (from, to) = (byte_of(cut), byte_of(next));
            match pieces.last_mut() {
                Some(last) if last.1 == from && last.2 == class => last.1 = to,
                _ => pieces.push((from, to, class)),
            }
        }
        Marks { pieces, points }
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty() && self.points.is_empty()
    }
}

/// Writes text with the [`Marks`] in force: walks the pieces and points
/// forward as the text is written in order.
struct Marked<'a> {
    text: &'a str,
    marks: &'a Marks,
    piece: usize,
    point: usize,
}

impl Marked<'_> {
    /// The text's bytes `from..to` (in order, after what was written
    /// before), each piece of a range in its span, an insertion point as
    /// an empty span where it is.
    fn write(&mut self, out: &mut String, from: usize, to: usize) {
        let pieces = &self.marks.pieces;
        let points = &self.marks.points;
        let mut at = from;
        loop {
            while let Some((point, class)) = points.get(self.point) {
                if *point > at {
                    break;
                }
                out.push_str("<span class=\"");
                out.push_str(class);
                out.push_str("\"></span>");
                self.point += 1;
            }
            if at >= to {
                break;
            }
            while pieces.get(self.piece).is_some_and(|piece| piece.1 <= at) {
                self.piece += 1;
            }
            let next_point = points.get(self.point).map_or(usize::MAX, |p| p.0);
            let (stop, class) = match pieces.get(self.piece) {
                Some((start, end, class)) if *start <= at => ((*end).min(to), Some(class)),
                Some((start, _, _)) => ((*start).min(to), None),
                None => (to, None),
            };
            let stop = stop.min(next_point);
            match class {
                Some(class) => {
                    out.push_str("<span class=\"");
                    out.push_str(class);
                    out.push_str("\">");
                    escape_into(out, &self.text[at..stop]);
                    out.push_str("</span>");
                }
                None => escape_into(out, &self.text[at..stop]),
            }
            at = stop;
        }
    }
}

/// The text with each of `lines`' first character in a [`LINE_MARK`]
/// span: one paragraph per line of text, as the other layers. The
/// amendments' ranges ([`Marks`]) are drawn on the same layer, so that
/// drawing them costs no second copy of the text.
pub fn numbers(text: &str, lines: &Lines, marks: &Marks) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len() + 1);
    let mut starts = lines.lines().iter().map(|line| line.bytes.start).peekable();
    let mut marked = Marked {
        text,
        marks,
        piece: 0,
        point: 0,
    };
    let mut at = 0usize;
    for source in text.split('\n') {
        let end = at + source.len();
        let mut paragraph = String::with_capacity(source.len() + 32);
        let mut from = at;
        while let Some(&start) = starts.peek() {
            if start > end {
                break;
            }
            starts.next();
            marked.write(&mut paragraph, from, start);
            let first = text[start..].chars().next().map_or(0, char::len_utf8);
            paragraph.push_str(LINE_MARK);
            marked.write(&mut paragraph, start, start + first);
            paragraph.push_str("</span>");
            from = start + first;
        }
        marked.write(&mut paragraph, from, end);
        if source.is_empty() {
            // An empty block has no height, an empty line has one.
            paragraph.push_str("<br>");
        }
        out.push(paragraph);
        at = end + 1;
    }
    out
}

/// The amendment a caret at `caret` (UTF-16) is in, among `ranges`
/// (indices kept): the shortest open range holding it, else the
/// shortest closed one; an insertion point holds the caret right on it.
pub fn range_at(ranges: &[Range16], caret: u32) -> Option<usize> {
    ranges
        .iter()
        .enumerate()
        .filter(|(_, r)| r.start <= caret && caret <= r.end)
        .min_by_key(|(_, r)| (!r.open, r.end - r.start))
        .map(|(i, _)| i)
}

/// What changed between two lists of paragraphs: replace the old ones at
/// `old` with the new ones at `new` (the same start), keeping the
/// paragraphs both begin and end with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch {
    pub old: Range<usize>,
    pub new: Range<usize>,
}

/// The smallest [`Patch`] from `old` to `new` that keeps a common prefix
/// and suffix: a keystroke changes one paragraph, a line feed adds one.
pub fn patch(old: &[String], new: &[String]) -> Patch {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    Patch {
        old: prefix..old.len() - suffix,
        new: prefix..new.len() - suffix,
    }
}

/// The HTML of paragraphs, as blocks of the layer.
pub fn blocks(paragraphs: &[String]) -> String {
    let mut out = String::with_capacity(paragraphs.iter().map(|p| p.len() + 24).sum());
    for paragraph in paragraphs {
        out.push_str("<div class=\"p\">");
        out.push_str(paragraph);
        out.push_str("</div>");
    }
    out
}

/// The ranges of the amendments that have words in the text (a
/// withdrawn one is not drawn), with their rows' indices.
pub fn amendment_ranges(rows: &[model::amendments::Row]) -> (Vec<Range16>, Vec<usize>) {
    let mut ranges = Vec::new();
    let mut at = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some((start, end)) = row.span else {
            continue;
        };
        if row.status == model::amendments::Status::Withdrawn {
            continue;
        }
        ranges.push(Range16 {
            start,
            end: end.max(start),
            status: row.status.name(),
            open: row.is_open(),
        });
        at.push(i);
    }
    (ranges, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text HTML shows, tags dropped and entities undone.
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

    /// The text the paragraphs show, lines joined with line feeds.
    fn text_of(paragraphs: &[String]) -> String {
        paragraphs
            .iter()
            .map(|p| shown(p))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn authorship_colours_runs_and_keeps_the_text() {
        let text = "Nous 🗳 <voulons> & du pain";
        let html = authorship(
            text,
            &[(8, Some("#1d4e89")), (12, None), (3, Some("#a4262c"))],
        );
        assert_eq!(text_of(&html), text);
        assert_eq!(
            html,
            ["<span class=\"by\" style=\"background-color:#1d4e8938\">Nous 🗳 </span>&lt;voulons&gt; &amp; \
              <span class=\"by\" style=\"background-color:#a4262c38\">du </span>pain"]
        );
    }

    #[test]
    fn lines_are_paragraphs_and_a_run_across_them_is_cut() {
        let text = "un\ndeux\n\ntrois\n";
        let html = authorship(text, &[(6, Some("#1d4e89"))]);
        assert_eq!(html.len(), 5);
        assert_eq!(text_of(&html), text);
        assert_eq!(
            html[0],
            "<span class=\"by\" style=\"background-color:#1d4e8938\">un</span>"
        );
        assert_eq!(
            html[1],
            "<span class=\"by\" style=\"background-color:#1d4e8938\">deu</span>x"
        );
        // Empty lines keep their height.
        assert_eq!(html[2], "<br>");
        assert_eq!(html[4], "<br>");
        assert_eq!(authorship("", &[]), ["<br>"]);
    }

    #[test]
    fn a_colour_that_is_not_one_is_neutral() {
        let html = authorship("ab", &[(2, Some("red\" onclick=\"x"))]).concat();
        assert!(html.contains(&format!("background-color:{NEUTRAL}{AUTHOR_ALPHA}")));
        assert!(!html.contains("onclick"));
    }

    #[test]
    fn runs_past_the_text_are_cut() {
        let html = authorship("ab", &[(5, Some("#1d4e89")), (3, Some("#a4262c"))]);
        assert_eq!(text_of(&html), "ab");
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
            ["la <span class=\"caret\" style=\"border-color:#2e6b30\"><span class=\"caret-name\" \
              style=\"background-color:#2e6b30\">Jean &lt;3</span></span>motion"]
        );
    }

    #[test]
    fn a_caret_on_an_empty_line_keeps_the_line() {
        let html = cursors("a\n\nb", &[cursor("J", "#2e6b30", 2, 2)]);
        assert_eq!(html.len(), 3);
        assert!(html[1].starts_with("<span class=\"caret\""));
        assert!(html[1].ends_with("<br>"));
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
        )
        .concat();
        // The caret names are text too; without them the text is whole.
        assert_eq!(shown(&html).replace(['A', 'B'], ""), text);
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
        assert_eq!(
            html,
            ["ab<span class=\"caret\" style=\"border-color:#1d4e89\"><span class=\"caret-name\" \
              style=\"background-color:#1d4e89\">A</span></span>"]
        );
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_patch_replaces_only_what_changed() {
        let old = strings(&["a", "b", "c", "d"]);
        // A keystroke in one paragraph.
        let new = strings(&["a", "bx", "c", "d"]);
        assert_eq!(
            patch(&old, &new),
            Patch {
                old: 1..2,
                new: 1..2
            }
        );
        // A line feed: one paragraph becomes two.
        let new = strings(&["a", "b", "c1", "c2", "d"]);
        assert_eq!(
            patch(&old, &new),
            Patch {
                old: 2..3,
                new: 2..4
            }
        );
        // Lines joined.
        assert_eq!(
            patch(&new, &old),
            Patch {
                old: 2..4,
                new: 2..3
            }
        );
        // Nothing changed; everything changed; from nothing.
        assert_eq!(
            patch(&old, &old),
            Patch {
                old: 4..4,
                new: 4..4
            }
        );
        assert_eq!(
            patch(&old, &strings(&["z"])),
            Patch {
                old: 0..4,
                new: 0..1
            }
        );
        assert_eq!(
            patch(&[], &old),
            Patch {
                old: 0..0,
                new: 0..4
            }
        );
        // Repeated paragraphs: prefix and suffix never overlap.
        let old = strings(&["x", "x"]);
        let new = strings(&["x", "x", "x"]);
        assert_eq!(
            patch(&old, &new),
            Patch {
                old: 2..2,
                new: 2..3
            }
        );
    }

    #[test]
    fn applying_a_patch_gives_the_new_paragraphs() {
        let texts = [
            "un\ndeux\ntrois",
            "un\ndeux!\ntrois",
            "un\nde\nux!\ntrois",
            "trois",
            "",
        ];
        let mut shown: Vec<String> = Vec::new();
        for text in texts {
            let new = authorship(text, &[(3, Some("#1d4e89"))]);
            let Patch { old, new: range } = patch(&shown, &new);
            shown.splice(old, new[range].iter().cloned());
            assert_eq!(shown, new);
        }
    }

    #[test]
    fn blocks_wrap_each_paragraph() {
        assert_eq!(
            blocks(&strings(&["a", "<br>"])),
            "<div class=\"p\">a</div><div class=\"p\"><br></div>"
        );
    }

    #[test]
    fn numbers_mark_each_numbered_line_and_keep_the_text() {
        let text = format!("{}\n\n<b>fin</b>\n", "mot ".repeat(30));
        let lines = Lines::new(&text);
        let html = numbers(&text, &lines, &Marks::default());
        assert_eq!(html.len(), 4, "one paragraph per line of text");
        assert_eq!(text_of(&html), text);
        assert_eq!(html.concat().matches(LINE_MARK).count(), lines.len());
        let mot = format!("{LINE_MARK}m</span>ot {}", "mot ".repeat(19));
        assert_eq!(
            html[0],
            format!("{mot}{LINE_MARK}m</span>ot {}", "mot ".repeat(9))
        );
        assert_eq!(html[1], "<br>");
        assert_eq!(html[2], format!("{LINE_MARK}&lt;</span>b&gt;fin&lt;/b&gt;"));
        assert_eq!(html[3], "<br>");
        // A first character of several bytes is marked whole.
        let html = numbers("🗳 oui", &Lines::new("🗳 oui"), &Marks::default());
        assert_eq!(html, [format!("{LINE_MARK}🗳</span> oui")]);
        assert_eq!(numbers("", &Lines::new(""), &Marks::default()), ["<br>"]);
    }

    fn range(start: u32, end: u32, status: &'static str, open: bool) -> Range16 {
        Range16 {
            start,
            end,
            status,
            open,
        }
    }

    #[test]
    fn amendment_ranges_are_drawn_on_the_numbers_layer_and_keep_the_text() {
        let text = "Le congrès affirme\nque 🗳 la motion\n";
        let lines = Lines::new(text);
        let marks = Marks::new(
            text,
            &[
                range(3, 10, "filed", true),
                // Across the line feed, with a character of two UTF-16 units.
                range(15, 27, "discussion", true),
                // An insertion point.
                range(0, 0, "filed", true),
            ],
        );
        let html = numbers(text, &lines, &marks);
        assert_eq!(text_of(&html), text);
        assert_eq!(html.concat().matches(LINE_MARK).count(), lines.len());
        assert!(html[0].starts_with(&format!("<span class=\"am-at s-filed\"></span>{LINE_MARK}")));
        assert!(html[0].contains("<span class=\"am s-filed\">congrès</span>"));
        assert!(html[0].contains("<span class=\"am s-discussion\">rme</span>"));
        // A line's marker and a range nest, the range cut around it.
        assert!(html[1].starts_with(&format!(
            "{LINE_MARK}<span class=\"am s-discussion\">q</span></span>"
        )));
        assert!(html[1].contains("<span class=\"am s-discussion\">ue 🗳 l</span>a motion"));
        // Nothing without marks: the layer is what it was.
        assert_eq!(
            numbers(text, &lines, &Marks::default())
                .concat()
                .matches("am")
                .count(),
            0
        );
    }

    #[test]
    fn overlapping_ranges_show_the_open_one_and_say_there_are_several() {
        let text = "abcdefghij";
        let marks = Marks::new(
            text,
            &[range(0, 6, "rejected", false), range(4, 8, "filed", true)],
        );
        let html = numbers(text, &Lines::new(text), &marks).concat();
        assert_eq!(shown(&html), text);
        assert!(
            html.contains("<span class=\"am s-rejected closed\">bcd</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"am s-filed many\">ef</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"am s-filed\">gh</span>"),
            "{html}"
        );
        // Ranges past the text are cut to it.
        let marks = Marks::new(
            text,
            &[range(8, 99, "filed", true), range(50, 50, "filed", true)],
        );
        let html = numbers(text, &Lines::new(text), &marks).concat();
        assert_eq!(shown(&html), text);
        assert!(
            html.ends_with(
                "<span class=\"am s-filed\">ij</span><span class=\"am-at s-filed\"></span>"
            ),
            "{html}"
        );
    }

    #[test]
    fn a_caret_opens_the_shortest_open_range_holding_it() {
        let ranges = [
            range(0, 20, "filed", true),
            range(5, 8, "rejected", false),
            range(4, 10, "discussion", true),
            range(30, 30, "filed", true),
        ];
        assert_eq!(range_at(&ranges, 6), Some(2));
        assert_eq!(range_at(&ranges, 2), Some(0));
        assert_eq!(range_at(&ranges, 30), Some(3));
        assert_eq!(range_at(&ranges, 25), None);
        assert_eq!(range_at(&ranges[1..2], 6), Some(0));
    }

    #[test]
    fn three_thousand_ranges_on_a_long_text_are_pieces_not_characters() {
        let text = "mot ".repeat(50_000);
        let ranges: Vec<Range16> = (0..3000u32)
            .map(|i| range(i * 60, i * 60 + 40 + (i % 3) * 20, "filed", true))
            .collect();
        let marks = Marks::new(&text, &ranges);
        let html = numbers(&text, &Lines::new(&text), &marks);
        assert_eq!(text_of(&html), text);
        let spans = html.concat().matches("class=\"am ").count();
        assert!((3000..12_000).contains(&spans), "{spans}");
    }

    #[test]
    fn a_line_added_above_changes_one_paragraph_of_numbers() {
        let before = "un\ndeux\ntrois";
        let after = "zéro\nun\ndeux\ntrois";
        let old = numbers(before, &Lines::new(before), &Marks::default());
        let new = numbers(after, &Lines::new(after), &Marks::default());
        assert_eq!(
            patch(&old, &new),
            Patch {
                old: 0..0,
                new: 0..1
            }
        );
    }

    #[test]
    fn a_large_text_is_painted_in_runs_not_characters() {
        let text = "mot ".repeat(25_000);
        let runs: Vec<(u32, Option<&str>)> = (0..500)
            .map(|i| (200, Some(if i % 2 == 0 { "#1d4e89" } else { "#a4262c" })))
            .collect();
        let html = authorship(&text, &runs);
        assert_eq!(html.concat().matches("<span").count(), 500);
        assert_eq!(text_of(&html), text);
    }
}

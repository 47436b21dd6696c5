//! Line numbers: the one place where Cahier decides how long a line is and
//! how a body is cut into numbered lines. The editor's gutter, the preview,
//! printing, the HTML and text exports (and the amendments of issue 12,
//! which say "line 12, replace … by …") all number through [`Lines`], so a
//! number read on screen is the number on paper.
//!
//! **The length: [`LINE_LENGTH`], 80 characters.** Assemblies that amend
//! texts line by line need a numbering that does not depend on the
//! reader's screen, font or window: a line is therefore a number of
//! characters, not a width. OpenSlides and Antragsgrün (the tools motions
//! and amendments are usually worked on) both default to 80 characters; so
//! does a line of typewritten text, and 80 characters in a monospace font
//! fit a laptop's window next to a gutter. The editor shows its text in a
//! monospace font 80 characters wide (`styles/lines.css`), so on a laptop
//! its rows *are* the numbered lines; on a narrower screen a numbered line
//! wraps and its continuation rows carry no number.
//!
//! **The numbering.** The body's source lines (split at `\n`) are each
//! broken greedily into lines of at most [`LINE_LENGTH`] characters
//! (Unicode scalar values, not bytes and not UTF-16 units), as a browser
//! wraps a `white-space: pre-wrap` text 80ch wide in a monospace font:
//!
//! - a line may break after a run of spaces (U+0020, tab), and spaces at
//!   the end of a line do not count toward its length ("hanging", as in
//!   CSS): they belong to the line they end;
//! - a line may break after a hyphen-minus between two letters
//!   (`c'est-à-dire`, `arrière-plan`), as Chrome does;
//! - a word longer than the line is cut at [`LINE_LENGTH`] characters
//!   (the editor's `overflow-wrap: break-word`);
//! - but not before closing punctuation, even after a space (French
//!   writes `affirme : …`, `« la paix »`): `!` `?` `:` `;` `,` `.` `/`
//!   `)` `]` `}` `»` `›` stay on the line of the word before, and nothing
//!   breaks after `(` `[` `{` `«` `‹` and the spaces after them (Unicode's
//!   line breaking rules LB13–LB15, which browsers follow);
//! - no-break spaces (U+00A0, U+202F, which French typography puts before
//!   `:` `;` `!` `?` and inside `« »`) never break;
//! - a source line with no visible character (empty, or only spaces) is
//!   not numbered, and a numbered line always holds a visible character;
//! - a carriage return counts as a space (a `\r\n` body numbers as its
//!   `\n` twin), and so does a tab: one character (the editor sets
//!   `tab-size: 1` to agree).
//!
//! Known differences from a browser, all rare in the texts Cahier holds:
//! other Unicode spaces and break opportunities (after `/`, an em dash,
//! between ideographs) are not break points here; a wide character (CJK,
//! most emoji) is one character here but two columns in a monospace font;
//! a combining accent is a character here and no column there. Where they
//! occur the editor's rows and the numbered lines differ; the numbers stay
//! the same everywhere, since they all come from here.
//!
//! **Offsets.** [`Lines::line_of`] takes a UTF-16 offset, the unit of the
//! textarea and of the Yrs body ([`crate::edit`], [`crate::document`]);
//! [`Line`] gives each line's range both in UTF-16 units (for the editor
//! and amendments) and in UTF-8 bytes (for the renderers, which read
//! pulldown-cmark's byte offsets).
//!
//! **What each output does with them.** The preview, printing and the HTML
//! export mark where each numbered line starts ([`crate::markdown`]'s
//! numbered rendering: a marker, and a line break where a line starts
//! inside a paragraph, so rendered lines are the numbered lines); the text
//! export writes the numbers in a left column ([`crate::export`]). The
//! Markdown export writes no number: a file is read back (`cahier import`)
//! and must come back byte for byte, and anyone who opens it numbers it
//! again from its text, the same way.

use std::ops::Range;

/// How many characters a numbered line holds at most (see the module docs
/// for why 80).
pub const LINE_LENGTH: usize = 80;

/// One numbered line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Its number, from 1.
    pub number: u32,
    /// Where it is in the body, in UTF-8 bytes: from its first character
    /// (the start of its source line, for the first line of one, leading
    /// spaces included) to the next line's start or its source line's end
    /// (the `\n` excluded), trailing spaces included.
    pub bytes: Range<usize>,
    /// The same range in UTF-16 units.
    pub units: Range<u32>,
    /// Whether it begins a source line (the others continue one).
    pub first: bool,
}

/// A body cut into numbered lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lines {
    lines: Vec<Line>,
}

/// Whether `c` is a space a line may break after, which hangs at a line's
/// end.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r')
}

/// Whether no line may start with `c`, even after a space: closing
/// punctuation stays with the word before it.
fn closes(c: char) -> bool {
    matches!(
        c,
        '!' | '?' | ':' | ';' | ',' | '.' | '/' | ')' | ']' | '}' | '»' | '›'
    )
}

/// Whether no line may end with `c` and the spaces after it: opening
/// punctuation stays with the word after it.
fn opens(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '«' | '‹')
}

/// One character of the source line being cut.
#[derive(Clone, Copy)]
struct At {
    c: char,
    byte: usize,
    unit: u32,
}

impl Lines {
    /// Number `body`'s lines. One pass over the text.
    pub fn new(body: &str) -> Lines {
        let mut lines = Vec::with_capacity(body.len() / LINE_LENGTH + 1);
        let mut chars: Vec<At> = Vec::with_capacity(LINE_LENGTH * 2);
        let mut unit = 0u32;
        let mut byte = 0usize;
        for source in body.split('\n') {
            chars.clear();
            for (at, c) in source.char_indices() {
                chars.push(At {
                    c,
                    byte: byte + at,
                    unit,
                });
                unit += c.len_utf16() as u32;
            }
            let end = At {
                c: '\n',
                byte: byte + source.len(),
                unit,
            };
            cut(&chars, end, &mut lines);
            byte = end.byte + 1;
            unit = end.unit + 1;
        }
        Lines { lines }
    }

    /// How many lines are numbered.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no line is numbered (the body has no visible character).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The numbered lines, in order.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The line numbered `number`, if there is one.
    pub fn get(&self, number: u32) -> Option<&Line> {
        let index = usize::try_from(number).ok()?.checked_sub(1)?;
        self.lines.get(index)
    }

    /// The number of the line holding the UTF-16 offset `offset`: the line
    /// whose range holds it, or that it ends (a caret after a line's last
    /// character is on that line). `None` in a source line that is not
    /// numbered (blank), and past the text.
    pub fn line_of(&self, offset: u32) -> Option<u32> {
        let after = self
            .lines
            .partition_point(|line| line.units.start <= offset);
        let line = self.lines.get(after.checked_sub(1)?)?;
        (offset <= line.units.end).then_some(line.number)
    }

    /// The number of the line holding the UTF-8 byte offset `offset`, as
    /// [`Lines::line_of`] does for UTF-16 offsets.
    pub fn line_at_byte(&self, offset: usize) -> Option<u32> {
        let after = self
            .lines
            .partition_point(|line| line.bytes.start <= offset);
        let line = self.lines.get(after.checked_sub(1)?)?;
        (offset <= line.bytes.end).then_some(line.number)
    }
}

/// Cut one source line (`chars`, then `end`, where its `\n` or the text's
/// end is) into numbered lines, greedily.
fn cut(chars: &[At], end: At, lines: &mut Vec<Line>) {
    let Some(first_visible) = chars.iter().position(|at| !is_space(at.c)) else {
        // Nothing visible: not numbered.
        return;
    };
    // The line being filled starts at `start` (an index into `chars`);
    // `opportunity` is the latest index a new line may start at, after a
    // visible character of this line.
    let mut start = 0usize;
    let mut opportunity: Option<usize> = None;
    let mut starts = vec![0usize];
    // The last visible character before this one.
    let mut before = ' ';
    for (i, at) in chars.iter().enumerate().skip(first_visible) {
        if is_space(at.c) {
            continue;
        }
        // A visible character: after spaces that follow a visible one (of
        // this line: every line but the first starts with one), a line
        // may start here, unless punctuation holds the two together.
        if i > first_visible && is_space(chars[i - 1].c) && !closes(at.c) && !opens(before) {
            opportunity = Some(i);
        }
        before = at.c;
        if i - start >= LINE_LENGTH {
            // It would be character LINE_LENGTH + 1: a new line, at the
            // last opportunity or here.
            start = match opportunity.take() {
                Some(at) if at > start => at,
                _ => i,
            };
            starts.push(start);
        }
        // After a hyphen between letters, a line may start.
        if at.c == '-'
            && i > start
            && chars[i - 1].c.is_alphabetic()
            && chars.get(i + 1).is_some_and(|next| next.c.is_alphabetic())
        {
            opportunity = Some(i + 1);
        }
    }
    for (k, &from) in starts.iter().enumerate() {
        let until = starts.get(k + 1).map_or(end, |&next| chars[next]);
        let number = lines.len() as u32 + 1;
        lines.push(Line {
            number,
            bytes: chars[from].byte..until.byte,
            units: chars[from].unit..until.unit,
            first: k == 0,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbered lines' texts.
    fn texts(body: &str) -> Vec<&str> {
        Lines::new(body)
            .lines()
            .iter()
            .map(|line| &body[line.bytes.clone()])
            .collect()
    }

    #[test]
    fn a_short_text_is_one_line_per_source_line() {
        assert_eq!(texts("un\ndeux\ntrois"), ["un", "deux", "trois"]);
        let lines = Lines::new("un\ndeux");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.lines()[1].bytes, 3..7);
        assert_eq!(lines.lines()[1].units, 3..7);
        assert!(lines.lines()[1].first);
        assert_eq!(lines.get(2).map(|l| l.number), Some(2));
        assert_eq!(lines.get(0), None);
        assert_eq!(lines.get(3), None);
    }

    #[test]
    fn blank_lines_and_lines_of_spaces_are_not_numbered() {
        assert_eq!(texts("un\n\n   \n\t\ndeux\n"), ["un", "deux"]);
        assert!(Lines::new("").is_empty());
        assert!(Lines::new("\n\n  \n").is_empty());
        let lines = Lines::new("un\n\ndeux");
        assert_eq!(lines.lines()[1].number, 2);
        assert_eq!(lines.lines()[1].bytes, 4..8);
    }

    #[test]
    fn exactly_eighty_characters_is_one_line_and_eighty_one_is_two() {
        let eighty = "a".repeat(LINE_LENGTH);
        assert_eq!(texts(&eighty), [eighty.as_str()]);
        let words = format!("{} {}", "a".repeat(39), "b".repeat(40));
        assert_eq!(words.chars().count(), LINE_LENGTH);
        assert_eq!(texts(&words), [words.as_str()]);
        // One more character: the last word goes to the next line, the
        // space stays with the first.
        let words = format!("{} {}", "a".repeat(39), "b".repeat(41));
        assert_eq!(
            texts(&words),
            [format!("{} ", "a".repeat(39)), "b".repeat(41)]
        );
    }

    #[test]
    fn spaces_at_the_end_of_a_line_hang() {
        // 80 letters then spaces then a word: the spaces do not count.
        let body = format!("{}    suite", "a".repeat(LINE_LENGTH));
        assert_eq!(
            texts(&body),
            [format!("{}    ", "a".repeat(LINE_LENGTH)), "suite".into()]
        );
        // A line of words whose 81st character is a space.
        let body = format!("{} {} fin", "a".repeat(40), "b".repeat(39));
        assert_eq!(
            texts(&body),
            [
                format!("{} {} ", "a".repeat(40), "b".repeat(39)),
                "fin".into()
            ]
        );
    }

    #[test]
    fn a_long_text_breaks_greedily_at_spaces() {
        let body = "mot ".repeat(50);
        let lines = texts(&body);
        // "mot " is 4 characters: 20 words a line, the last space hanging.
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "mot ".repeat(20));
        assert_eq!(lines[2], "mot ".repeat(10));
        assert!(Lines::new(&body).lines()[1..].iter().all(|l| !l.first));
    }

    #[test]
    fn a_word_longer_than_a_line_is_cut_at_the_length() {
        let long = "x".repeat(200);
        let body = format!("court {long} fin");
        assert_eq!(
            texts(&body),
            [
                "court ".to_owned(),
                "x".repeat(80),
                "x".repeat(80),
                format!("{} fin", "x".repeat(40)),
            ]
        );
    }

    #[test]
    fn a_line_may_break_after_a_hyphen_between_letters() {
        let body = format!("{} c'est-à-dire", "a".repeat(73));
        assert_eq!(
            texts(&body),
            [format!("{} c'est-", "a".repeat(73)), "à-dire".into()]
        );
        let body = format!("{} c'est-à-dire", "a".repeat(70));
        assert_eq!(
            texts(&body),
            [format!("{} c'est-à-", "a".repeat(70)), "dire".into()]
        );
        // Not between a letter and a digit, nor after a leading hyphen.
        let body = format!("{} mot-1234567890", "a".repeat(70));
        assert_eq!(
            texts(&body),
            [format!("{} ", "a".repeat(70)), "mot-1234567890".into()]
        );
        let body = format!("{} -abcdefghij", "a".repeat(70));
        assert_eq!(
            texts(&body),
            [format!("{} ", "a".repeat(70)), "-abcdefghij".into()]
        );
    }

    #[test]
    fn closing_punctuation_stays_with_the_word_before_and_opening_with_the_word_after() {
        // A space before a colon, as French is often typed.
        let body = format!("{} affirme : oui", "a".repeat(72));
        assert_eq!(
            texts(&body),
            [format!("{} ", "a".repeat(72)), "affirme : oui".into()]
        );
        for closing in ['!', '?', ';', ')', '»'] {
            let body = format!("{} oui {closing} fin", "a".repeat(76));
            assert_eq!(
                texts(&body),
                [format!("{} ", "a".repeat(76)), format!("oui {closing} fin")],
                "{closing}"
            );
        }
        // « stays with the word after it.
        let body = format!("{} « la paix »", "a".repeat(76));
        assert_eq!(
            texts(&body),
            [format!("{} ", "a".repeat(76)), "« la paix »".into()]
        );
        let body = format!("{} ( voir", "a".repeat(76));
        assert_eq!(
            texts(&body),
            [format!("{} ", "a".repeat(76)), "( voir".into()]
        );
    }

    #[test]
    fn a_no_break_space_does_not_break() {
        // French puts a narrow no-break space before a colon.
        let body = format!("{} affirme\u{202f}:", "a".repeat(72));
        assert_eq!(
            texts(&body),
            [format!("{} ", "a".repeat(72)), "affirme\u{202f}:".into()]
        );
    }

    #[test]
    fn characters_are_counted_not_bytes_and_offsets_are_utf16() {
        // 80 accented letters, two bytes each: one line.
        let body = "é".repeat(LINE_LENGTH);
        assert_eq!(texts(&body).len(), 1);
        // An emoji is one character, two UTF-16 units, four bytes.
        let body = format!("🗳{}\nsuite", "a".repeat(79));
        let lines = Lines::new(&body);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.lines()[0].units, 0..81);
        assert_eq!(lines.lines()[0].bytes, 0..83);
        assert_eq!(lines.lines()[1].units, 82..87);
        assert_eq!(lines.lines()[1].bytes, 84..89);
        assert_eq!(lines.line_of(81), Some(1));
        assert_eq!(lines.line_of(82), Some(2));
        assert_eq!(lines.line_at_byte(83), Some(1));
        assert_eq!(lines.line_at_byte(84), Some(2));
    }

    #[test]
    fn a_crlf_body_numbers_as_its_lf_twin() {
        let lf = format!("{}\n\nfin", "mot ".repeat(30));
        let crlf = lf.replace('\n', "\r\n");
        let numbers = |body: &str| -> Vec<(u32, bool)> {
            Lines::new(body)
                .lines()
                .iter()
                .map(|l| (l.number, l.first))
                .collect()
        };
        assert_eq!(numbers(&lf), numbers(&crlf));
        assert_eq!(texts(&crlf)[1].trim_end(), texts(&lf)[1].trim_end());
        assert!(Lines::new("\r\n\r\n").is_empty());
    }

    #[test]
    fn leading_spaces_belong_to_the_first_line() {
        let lines = Lines::new("    code\n  - item");
        assert_eq!(lines.lines()[0].bytes, 0..8);
        assert_eq!(lines.lines()[1].bytes, 9..17);
        // Leading spaces count toward the length.
        let body = format!("    {}", "a ".repeat(40));
        assert_eq!(texts(&body).len(), 2);
    }

    #[test]
    fn line_of_finds_the_line_holding_an_offset() {
        let body = format!("{}\n\nfin", "mot ".repeat(30));
        let lines = Lines::new(&body);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines.line_of(0), Some(1));
        assert_eq!(lines.line_of(79), Some(1));
        assert_eq!(lines.line_of(80), Some(2));
        // The end of the source line (its `\n`): the last line's end.
        assert_eq!(lines.line_of(120), Some(2));
        // The blank line between.
        assert_eq!(lines.line_of(121), None);
        assert_eq!(lines.line_of(122), Some(3));
        assert_eq!(lines.line_of(125), Some(3));
        assert_eq!(lines.line_of(126), None);
        assert_eq!(Lines::new("").line_of(0), None);
        assert_eq!(Lines::new("\nab").line_of(0), None);
        assert_eq!(Lines::new("\nab").line_at_byte(0), None);
        assert_eq!(Lines::new("\nab").line_at_byte(3), Some(1));
        assert_eq!(Lines::new("\nab").line_at_byte(4), None);
    }

    #[test]
    fn lines_cover_every_visible_character_once_in_order() {
        let body = "Le congrès, réuni le 3 mai à Saint-Étienne-du-Rouvray, affirme\u{a0}: \
                    la section — c'est-à-dire ses adhérent·es — décide ; 🗳 vote.\n\n  \n\
                    - premier point, très-très-très-très-très-très-très-très-très-très long\n"
            .repeat(20);
        let lines = Lines::new(&body);
        let mut previous_end = 0;
        for (i, line) in lines.lines().iter().enumerate() {
            assert_eq!(line.number as usize, i + 1);
            assert!(line.bytes.start >= previous_end);
            let text = &body[line.bytes.clone()];
            assert!(text.trim_end().chars().count() <= LINE_LENGTH, "{text:?}");
            assert!(text.chars().any(|c| !is_space(c)));
            assert!(!text.contains('\n'));
            let units = body[..line.bytes.start].encode_utf16().count() as u32;
            assert_eq!(line.units.start, units);
            previous_end = line.bytes.end;
        }
        let visible: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        let numbered: String = lines
            .lines()
            .iter()
            .flat_map(|l| body[l.bytes.clone()].chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        assert_eq!(numbered, visible);
    }
}

//! What the formatting bar writes, without a browser: a Markdown mark
//! around the selection (bold, italic, a link) or at the start of its
//! lines (a heading, a bulleted list, a quote), or taken away again when it
//! is already there, so a second press undoes the first.
//!
//! A [`Plan`] is a list of small replacements in UTF-16 units (the
//! textarea's unit), applied in order, and the selection to leave. The
//! component ([`crate::components::format_bar`]) applies each one to the
//! textarea and hands it to the session as if typed, one small edit at a
//! time: wrapping a word in `**` is two insertions, never the word deleted
//! and written again, so its authorship and co-authors' carets stay on it,
//! and undo takes it back in one step (the edits come within the undo
//! manager's grouping delay).

/// A formatting the bar offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// `**…**`
    Bold,
    /// `*…*`
    Italic,
    /// `## ` before each line.
    Heading,
    /// `- ` before each line.
    List,
    /// `[…](https://)`
    Link,
    /// `> ` before each line.
    Quote,
}

impl Action {
    /// Every action, in the bar's order.
    pub const ALL: [Action; 6] = [
        Action::Bold,
        Action::Italic,
        Action::Heading,
        Action::List,
        Action::Link,
        Action::Quote,
    ];

    /// The action's short name (the button's `data-format`).
    pub fn tag(self) -> &'static str {
        match self {
            Action::Bold => "bold",
            Action::Italic => "italic",
            Action::Heading => "heading",
            Action::List => "list",
            Action::Link => "link",
            Action::Quote => "quote",
        }
    }
}

/// Replace the UTF-16 units `start..end` of the text (as it is after the
/// steps before) by `insert`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub start: u32,
    pub end: u32,
    pub insert: String,
}

/// The steps of a formatting and the selection after them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub selection: (u32, u32),
}

/// The address a new link starts with, selected so it can be typed over.
pub const LINK_ADDRESS: &str = "https://";

fn len(text: &str) -> u32 {
    text.encode_utf16().count() as u32
}

fn insert(at: u32, text: &str) -> Step {
    Step {
        start: at,
        end: at,
        insert: text.to_owned(),
    }
}

fn delete(start: u32, end: u32) -> Step {
    Step {
        start,
        end,
        insert: String::new(),
    }
}

/// The text's units.
struct Units(Vec<u16>);

impl Units {
    fn len(&self) -> u32 {
        self.0.len() as u32
    }

    fn is(&self, at: u32, what: &str) -> bool {
        let what: Vec<u16> = what.encode_utf16().collect();
        let at = at as usize;
        self.0.get(at..at + what.len()) == Some(&what[..])
    }

    fn unit(&self, at: u32) -> Option<u16> {
        self.0.get(at as usize).copied()
    }

    fn is_space(&self, at: u32) -> bool {
        self.unit(at)
            .is_some_and(|u| u == u16::from(b' ') || u == u16::from(b'\t') || u == u16::from(b'\n'))
    }

    /// The start of the line holding `at`.
    fn line_start(&self, at: u32) -> u32 {
        let at = (at as usize).min(self.0.len());
        self.0[..at]
            .iter()
            .rposition(|&u| u == u16::from(b'\n'))
            .map_or(0, |i| i as u32 + 1)
    }

    /// The end of the line holding `at` (its `\n`, or the text's end).
    fn line_end(&self, at: u32) -> u32 {
        let at = (at as usize).min(self.0.len());
        self.0[at..]
            .iter()
            .position(|&u| u == u16::from(b'\n'))
            .map_or(self.len(), |i| (at + i) as u32)
    }
}

/// What `action` does to `text` with the selection `start..end` (UTF-16
/// units, in any order, clamped); `link_text` is the words of a link made
/// with nothing selected.
pub fn plan(text: &str, start: u32, end: u32, action: Action, link_text: &str) -> Plan {
    let units = Units(text.encode_utf16().collect());
    let (start, end) = (
        start.min(end).min(units.len()),
        start.max(end).min(units.len()),
    );
    match action {
        Action::Bold => wrap(&units, start, end, "**"),
        Action::Italic => wrap(&units, start, end, "*"),
        Action::Link => link(&units, start, end, link_text),
        Action::Heading => prefix(&units, start, end, "## "),
        Action::List => prefix(&units, start, end, "- "),
        Action::Quote => prefix(&units, start, end, "> "),
    }
}

/// The selection without the spaces at its ends (a double click often
/// takes the space after a word, and `**mot **` is not bold).
fn trimmed(units: &Units, mut start: u32, mut end: u32) -> (u32, u32) {
    while start < end && units.is_space(start) {
        start += 1;
    }
    while end > start && units.is_space(end - 1) {
        end -= 1;
    }
    (start, end)
}

impl Units {
    /// How many `*` end just before `at`, not before `floor`.
    fn stars_before(&self, at: u32, floor: u32) -> u32 {
        let mut n = 0;
        while at - n > floor && self.unit(at - n - 1) == Some(u16::from(b'*')) {
            n += 1;
        }
        n
    }

    /// How many `*` start at `at`, not past `ceiling`.
    fn stars_after(&self, at: u32, ceiling: u32) -> u32 {
        let mut n = 0;
        while at + n < ceiling && self.unit(at + n) == Some(u16::from(b'*')) {
            n += 1;
        }
        n
    }
}

/// Whether `stars` asterisks on both sides make the mark `m` (1 for
/// italic, 2 for bold): `*` and `***` are italic, `**` and `***` bold.
fn has_mark(stars: u32, m: u32) -> bool {
    if m == 1 {
        stars % 2 == 1
    } else {
        stars >= 2
    }
}

fn wrap(units: &Units, start: u32, end: u32, mark: &str) -> Plan {
    let m = len(mark);
    let (start, end) = trimmed(units, start, end);
    // The marks selected with the words: take them away.
    let inside = units
        .stars_after(start, end)
        .min(units.stars_before(end, start))
        .min(3);
    if end - start > 2 * inside && has_mark(inside, m) {
        return Plan {
            steps: vec![delete(end - m, end), delete(start, start + m)],
            selection: (start, end - 2 * m),
        };
    }
    // The marks just around the selection: take them away.
    let around = units
        .stars_before(start, 0)
        .min(units.stars_after(end, units.len()))
        .min(3);
    if has_mark(around, m) {
        return Plan {
            steps: vec![delete(end, end + m), delete(start - m, start)],
            selection: (start - m, end - m),
        };
    }
    if start == end {
        return Plan {
            steps: vec![insert(start, &format!("{mark}{mark}"))],
            selection: (start + m, start + m),
        };
    }
    Plan {
        steps: vec![insert(end, mark), insert(start, mark)],
        selection: (start + m, end + m),
    }
}

fn link(units: &Units, start: u32, end: u32, link_text: &str) -> Plan {
    let (start, end) = trimmed(units, start, end);
    let address = len(LINK_ADDRESS);
    if start == end {
        let words = len(link_text);
        return Plan {
            steps: vec![insert(start, &format!("[{link_text}]({LINK_ADDRESS})"))],
            selection: (start + 1, start + 1 + words),
        };
    }
    let after = end + 1 + 2;
    Plan {
        steps: vec![
            insert(end, &format!("]({LINK_ADDRESS})")),
            insert(start, "["),
        ],
        selection: (after, after + address),
    }
}

/// How long the mark `mark` found at the start of the line at `at` is, if
/// it is there (a heading's `#`s and their space, whatever the level).
fn marked(units: &Units, at: u32, mark: &str) -> Option<u32> {
    if mark == "## " {
        let mut n = 0;
        while units.unit(at + n) == Some(u16::from(b'#')) {
            n += 1;
        }
        return (n > 0 && units.unit(at + n) == Some(u16::from(b' '))).then_some(n + 1);
    }
    if mark == "- " && units.is(at, "* ") {
        return Some(2);
    }
    units.is(at, mark).then(|| len(mark))
}

fn prefix(units: &Units, start: u32, end: u32, mark: &str) -> Plan {
    // The lines the selection touches (not one it only reaches the start
    // of).
    let last_at = if end > start && units.line_start(end) == end {
        end - 1
    } else {
        end
    };
    let first = units.line_start(start);
    let mut lines = Vec::new();
    let mut at = first;
    loop {
        let line_end = units.line_end(at);
        let blank = (at..line_end).all(|i| units.is_space(i));
        if !blank || at == line_end && lines.is_empty() && line_end >= last_at {
            lines.push((at, line_end));
        }
        if line_end >= last_at.max(at) || line_end >= units.len() {
            break;
        }
        at = line_end + 1;
    }
    if lines.is_empty() {
        lines.push((first, units.line_end(first)));
    }
    let remove = lines
        .iter()
        .all(|&(at, _)| marked(units, at, mark).is_some());
    let mut steps = Vec::new();
    let mut shift = 0i64;
    let mut first_shift = 0i64;
    // From the last line up, so the offsets of those before hold.
    for (k, &(at, _)) in lines.iter().enumerate().rev() {
        let change = if remove {
            let n = marked(units, at, mark).unwrap_or(0);
            steps.push(delete(at, at + n));
            -i64::from(n)
        } else {
            // A heading replaces a list or quote mark? No: marks add up
            // (`> - point`), as Markdown allows.
            steps.push(insert(at, mark));
            i64::from(len(mark))
        };
        shift += change;
        if k == 0 {
            first_shift = change;
        }
    }
    let clamp = |value: i64| value.max(0) as u32;
    let selection = if start == end {
        let caret = clamp((i64::from(start) + first_shift).max(i64::from(first)));
        (caret, caret)
    } else {
        let last_end = lines.last().map_or(end, |&(_, e)| e);
        (first, clamp(i64::from(last_end) + shift))
    };
    Plan { steps, selection }
}

/// `text` with `plan`'s steps applied (what the textarea ends with).
pub fn apply(text: &str, plan: &Plan) -> String {
    let mut units: Vec<u16> = text.encode_utf16().collect();
    for step in &plan.steps {
        let end = (step.end as usize).min(units.len());
        let start = (step.start as usize).min(end);
        units.splice(start..end, step.insert.encode_utf16());
    }
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` with the selection written `[` … `]` (or a caret `|`),
    /// formatted by `action`, written back the same way.
    fn run(marked: &str, action: Action) -> String {
        let (text, start, end) = if let Some(at) = marked.find('|') {
            let text = marked.replacen('|', "", 1);
            let at = len(&marked[..at]);
            (text, at, at)
        } else {
            let open = marked.find('[').expect("[");
            let close = marked.find(']').expect("]");
            let text = format!(
                "{}{}{}",
                &marked[..open],
                &marked[open + 1..close],
                &marked[close + 1..]
            );
            (text, len(&marked[..open]), len(&marked[..close]) - 1)
        };
        let plan = plan(&text, start, end, action, "texte");
        let out: Vec<u16> = apply(&text, &plan).encode_utf16().collect();
        let (s, e) = (plan.selection.0 as usize, plan.selection.1 as usize);
        if s == e {
            format!(
                "{}|{}",
                String::from_utf16_lossy(&out[..s]),
                String::from_utf16_lossy(&out[s..])
            )
        } else {
            format!(
                "{}[{}]{}",
                String::from_utf16_lossy(&out[..s]),
                String::from_utf16_lossy(&out[s..e]),
                String::from_utf16_lossy(&out[e..])
            )
        }
    }

    #[test]
    fn bold_wraps_the_selection_and_a_second_press_unwraps_it() {
        assert_eq!(run("un [mot] ici", Action::Bold), "un **[mot]** ici");
        assert_eq!(run("un **[mot]** ici", Action::Bold), "un [mot] ici");
        assert_eq!(run("un [**mot**] ici", Action::Bold), "un [mot] ici");
        // The space a double click takes stays outside.
        assert_eq!(run("un [mot ]ici", Action::Bold), "un **[mot]** ici");
        // Nothing selected: the marks, the caret between them.
        assert_eq!(run("un |", Action::Bold), "un **|**");
    }

    #[test]
    fn italic_is_not_confused_with_bold() {
        assert_eq!(run("un [mot] ici", Action::Italic), "un *[mot]* ici");
        assert_eq!(run("un *[mot]* ici", Action::Italic), "un [mot] ici");
        // Inside bold, italic adds its own mark.
        assert_eq!(
            run("un **[mot]** ici", Action::Italic),
            "un ***[mot]*** ici"
        );
        assert_eq!(
            run("un ***[mot]*** ici", Action::Italic),
            "un **[mot]** ici"
        );
    }

    #[test]
    fn non_ascii_text_is_counted_in_utf16_units() {
        assert_eq!(run("🗳 [élu·es] 🕊", Action::Bold), "🗳 **[élu·es]** 🕊");
    }

    #[test]
    fn a_link_selects_its_address_to_type_over() {
        assert_eq!(
            run("voir [le site] ici", Action::Link),
            "voir [le site]([https://]) ici"
        );
        assert_eq!(run("voir |", Action::Link), "voir [[texte]](https://)");
    }

    #[test]
    fn line_marks_go_at_the_start_of_each_selected_line_and_come_off_again() {
        assert_eq!(
            run("un\nde|ux\ntrois", Action::Heading),
            "un\n## de|ux\ntrois"
        );
        assert_eq!(
            run("un\n## de|ux\ntrois", Action::Heading),
            "un\nde|ux\ntrois"
        );
        assert_eq!(run("un\n# de|ux", Action::Heading), "un\nde|ux");
        assert_eq!(
            run("[un\ndeux\n\ntrois]", Action::List),
            "[- un\n- deux\n\n- trois]"
        );
        assert_eq!(
            run("[- un\n- deux\n\n* trois]", Action::List),
            "[un\ndeux\n\ntrois]"
        );
        assert_eq!(run("a\n[cité\n]b", Action::Quote), "a\n[> cité]\nb");
        // Only some lines have it: it is added to all.
        assert_eq!(run("[> un\ndeux]", Action::Quote), "[> > un\n> deux]");
        // An empty text, an empty line.
        assert_eq!(run("|", Action::List), "- |");
        assert_eq!(run("un\n|\ndeux", Action::Quote), "un\n> |\ndeux");
    }

    #[test]
    fn steps_are_small_insertions_not_rewrites() {
        let text = "la motion est adoptée";
        let p = plan(text, 3, 9, Action::Bold, "");
        assert!(p.steps.iter().all(|s| s.start == s.end), "{p:?}");
        assert_eq!(apply(text, &p), "la **motion** est adoptée");
    }

    #[test]
    fn a_selection_out_of_bounds_is_clamped() {
        let p = plan("mot", 7, 99, Action::Bold, "");
        assert_eq!(apply("mot", &p), "mot****");
    }
}

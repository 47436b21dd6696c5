//! A [`Comparison`] of two moments as the page draws it, without a
//! browser: who each change is by (the visits of one person, one yrs
//! client each, merged through `people` by their browser identity), the
//! summary per person, and the HTML of the compared text, inline or side
//! by side.
//!
//! The text is drawn as one HTML string set at once, as the backdrop and
//! the preview are: a comparison between the first and the last moment
//! of a long text has thousands of pieces, and one `innerHTML` costs a
//! fraction of as many components. Every text is escaped; the colours
//! come from `people` only once they are `#rrggbb`
//! ([`model::awareness::is_colour`]).
//!
//! Each change is an `<ins>` or a `<del>` (underlined or struck: colour is
//! not the only cue) in its author's colour, with a visually hidden "Added
//! by Louise" before its words for screen readers, the same words in
//! `data-label` for the name shown on hover and focus, and the change it
//! belongs to in `data-group`. The first element of each change has the id
//! the next/previous buttons focus: `change-{n}` inline, `before-{n}` and
//! `after-{n}` side by side, where a change that left nothing on one side
//! shows there as a small mark (`.gap`).

use std::collections::HashMap;

use model::awareness::is_colour;
use model::history::{Change, Comparison, Piece, Tally};
use model::Person;

/// Who a change is by, as the page shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    /// One key per person: their browser identity, else their visit's
    /// client, else `"unknown"`.
    pub key: String,
    /// Their name; empty when they gave none or are not known.
    pub name: String,
    /// `#rrggbb`, when known and well-formed.
    pub colour: Option<String>,
}

/// The people of a document, to name who made each change.
#[derive(Clone, Debug, Default)]
pub struct Authors {
    by_client: HashMap<u64, Author>,
}

const UNKNOWN: &str = "unknown";

impl Authors {
    /// From `people` (by yrs client): the entries of one identity become
    /// one author, named after the last of them that has a name.
    pub fn new(people: &[(u64, Person)]) -> Self {
        let mut named: HashMap<String, (String, Option<String>)> = HashMap::new();
        for (client, person) in people {
            let key = key_of(*client, person);
            let colour = is_colour(&person.colour).then(|| person.colour.clone());
            let entry = named.entry(key).or_insert_with(|| (String::new(), None));
            if !person.name.trim().is_empty() {
                entry.0 = person.name.clone();
            }
            if colour.is_some() {
                entry.1 = colour;
            }
        }
        let by_client = people
            .iter()
            .map(|(client, person)| {
                let key = key_of(*client, person);
                let (name, colour) = named.get(&key).cloned().unwrap_or_default();
                (*client, Author { key, name, colour })
            })
            .collect();
        Authors { by_client }
    }

    /// Who `who` (a yrs client, `None` when not known) is.
    pub fn of(&self, who: Option<u64>) -> Author {
        match who {
            Some(client) => self.by_client.get(&client).cloned().unwrap_or(Author {
                key: format!("client-{client}"),
                name: String::new(),
                colour: None,
            }),
            None => Author {
                key: UNKNOWN.to_owned(),
                name: String::new(),
                colour: None,
            },
        }
    }

    /// Whether `who` is the person of browser identity `identity`.
    pub fn is(&self, who: Option<u64>, identity: &str) -> bool {
        who.and_then(|client| self.by_client.get(&client))
            .is_some_and(|author| author.key == format!("id-{identity}"))
    }
}

fn key_of(client: u64, person: &Person) -> String {
    match person.identity.as_deref() {
        Some(identity) if !identity.is_empty() => format!("id-{identity}"),
        _ => format!("client-{client}"),
    }
}

/// One person's part in a comparison, their visits together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonTally {
    pub author: Author,
    pub added: u32,
    pub removed: u32,
    /// Paragraphs touched, summed over the person's visits (a paragraph
    /// two visits of one person touched counts twice).
    pub paragraphs: u32,
}

/// The summary per person, in order of their first change.
pub fn summary(tallies: &[Tally], authors: &Authors) -> Vec<PersonTally> {
    let mut out: Vec<PersonTally> = Vec::new();
    for tally in tallies {
        let author = authors.of(tally.who);
        match out.iter_mut().find(|seen| seen.author.key == author.key) {
            Some(seen) => {
                seen.added += tally.added;
                seen.removed += tally.removed;
                seen.paragraphs += tally.paragraphs;
            }
            None => out.push(PersonTally {
                author,
                added: tally.added,
                removed: tally.removed,
                paragraphs: tally.paragraphs,
            }),
        }
    }
    out
}

/// The words the drawing needs, in the page's language.
#[derive(Clone, Copy, Debug)]
pub struct Words<'a> {
    /// "Added by {name}".
    pub added_by: &'a str,
    /// "Removed by {name}".
    pub removed_by: &'a str,
    /// The name of someone who gave none, or is not known.
    pub unknown: &'a str,
}

fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
}

/// Which side of a side-by-side drawing, or both at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Inline,
    Before,
    After,
}

impl Side {
    fn id_prefix(self) -> &'static str {
        match self {
            Side::Inline => "change",
            Side::Before => "before",
            Side::After => "after",
        }
    }
}

struct Drawing<'a> {
    authors: &'a Authors,
    words: Words<'a>,
    out: String,
    /// The last group whose first element was drawn.
    started: Option<u32>,
    side: Side,
}

impl Drawing<'_> {
    fn label(&self, change: Change, author: &Author) -> String {
        let name = if author.name.trim().is_empty() {
            self.words.unknown
        } else {
            author.name.as_str()
        };
        let pattern = match change {
            Change::Removed => self.words.removed_by,
            _ => self.words.added_by,
        };
        pattern.replace("{name}", name)
    }

    /// The attributes every element of a change has: its group (and the id
    /// of the group's first), its author's colour and name.
    fn attributes(&mut self, group: u32, author: &Author, label: &str) {
        use std::fmt::Write;
        if self.started != Some(group) {
            self.started = Some(group);
            let _ = write!(self.out, " id=\"{}-{group}\"", self.side.id_prefix());
        }
        let _ = write!(
            self.out,
            " data-group=\"{group}\" tabindex=\"-1\" data-who=\""
        );
        escape_into(&mut self.out, &author.key);
        self.out.push_str("\" data-label=\"");
        escape_into(&mut self.out, label);
        self.out.push('"');
        if let Some(colour) = &author.colour {
            let _ = write!(self.out, " style=\"--who: {colour}\"");
        }
    }

    fn change(&mut self, piece: &Piece, group: u32) {
        let author = self.authors.of(piece.who);
        let label = self.label(piece.change, &author);
        let tag = match piece.change {
            Change::Removed => "del",
            _ => "ins",
        };
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push_str(" class=\"change\"");
        self.attributes(group, &author, &label);
        self.out.push_str("><span class=\"visually-hidden\">(");
        escape_into(&mut self.out, &label);
        self.out.push_str(") </span><span class=\"words\">");
        escape_into(&mut self.out, &piece.text);
        self.out.push_str("</span></");
        self.out.push_str(tag);
        self.out.push('>');
    }

    /// A change that left nothing on this side: a mark where it is on the
    /// other, drawn once per group.
    fn gap(&mut self, piece: &Piece, group: u32) {
        if self.started == Some(group) {
            return;
        }
        let author = self.authors.of(piece.who);
        let label = self.label(piece.change, &author);
        self.out
            .push_str("<span class=\"gap\" aria-hidden=\"true\"");
        self.attributes(group, &author, &label);
        self.out.push_str("></span>");
    }

    fn piece(&mut self, piece: &Piece) {
        let Some(group) = piece.group.filter(|_| piece.change != Change::Same) else {
            escape_into(&mut self.out, &piece.text);
            return;
        };
        match (self.side, piece.change) {
            (Side::Before, Change::Added) | (Side::After, Change::Removed) => {
                self.gap(piece, group)
            }
            _ => self.change(piece, group),
        }
    }
}

fn draw(comparison: &Comparison, authors: &Authors, words: Words, side: Side) -> String {
    let size: usize = comparison.pieces.iter().map(|p| p.text.len()).sum();
    let mut drawing = Drawing {
        authors,
        words,
        out: String::with_capacity(size + comparison.pieces.len() * 160),
        started: None,
        side,
    };
    for piece in &comparison.pieces {
        drawing.piece(piece);
    }
    drawing.out
}

/// The compared text in one column: kept text, additions and removals in
/// their places.
pub fn inline_html(comparison: &Comparison, authors: &Authors, words: Words) -> String {
    draw(comparison, authors, words, Side::Inline)
}

/// The earlier text and the later one, for two columns.
pub fn side_html(comparison: &Comparison, authors: &Authors, words: Words) -> (String, String) {
    (
        draw(comparison, authors, words, Side::Before),
        draw(comparison, authors, words, Side::After),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: Words = Words {
        added_by: "Added by {name}",
        removed_by: "Removed by {name}",
        unknown: "Unknown",
    };

    fn person(name: &str, colour: &str, identity: Option<&str>) -> Person {
        Person {
            name: name.to_owned(),
            colour: colour.to_owned(),
            identity: identity.map(str::to_owned),
        }
    }

    fn piece(change: Change, text: &str, who: Option<u64>, group: Option<u32>) -> Piece {
        Piece {
            change,
            text: text.to_owned(),
            who,
            group,
        }
    }

    fn people() -> Vec<(u64, Person)> {
        vec![
            (1, person("Louise", "#3344cc", Some("aaa"))),
            (2, person("Jean", "#dd2233", Some("bbb"))),
            // Louise's second visit, before she gave her name again.
            (3, person("", "#3344cc", Some("aaa"))),
        ]
    }

    #[test]
    fn the_visits_of_one_person_are_summed_as_one() {
        let authors = Authors::new(&people());
        let tallies = [
            Tally {
                who: Some(1),
                added: 3,
                removed: 1,
                paragraphs: 1,
            },
            Tally {
                who: Some(2),
                added: 2,
                removed: 0,
                paragraphs: 1,
            },
            Tally {
                who: Some(3),
                added: 4,
                removed: 2,
                paragraphs: 2,
            },
            Tally {
                who: None,
                added: 0,
                removed: 5,
                paragraphs: 1,
            },
        ];
        let summary = summary(&tallies, &authors);
        let shown: Vec<_> = summary
            .iter()
            .map(|t| (t.author.name.as_str(), t.added, t.removed, t.paragraphs))
            .collect();
        assert_eq!(
            shown,
            vec![("Louise", 7, 3, 3), ("Jean", 2, 0, 1), ("", 0, 5, 1)]
        );
        assert_eq!(summary[0].author.colour.as_deref(), Some("#3344cc"));
        assert!(authors.is(Some(3), "aaa"));
        assert!(!authors.is(Some(2), "aaa"));
        assert!(!authors.is(None, "aaa"));
    }

    #[test]
    fn a_change_is_marked_with_its_author_and_its_text_escaped() {
        let authors = Authors::new(&people());
        let comparison = Comparison {
            pieces: vec![
                piece(Change::Same, "a <b> ", None, None),
                piece(Change::Removed, "vieux", Some(2), Some(0)),
                piece(Change::Added, "neuf & \"beau\"", Some(1), Some(0)),
                piece(Change::Same, " fin", None, None),
            ],
            tallies: Vec::new(),
            groups: 1,
        };
        let html = inline_html(&comparison, &authors, WORDS);
        assert!(html.starts_with("a &lt;b&gt; <del class=\"change\" id=\"change-0\""));
        assert!(html.contains("data-label=\"Removed by Jean\" style=\"--who: #dd2233\""));
        // The group's second element has no id: the first is the target.
        assert_eq!(html.matches("id=\"change-0\"").count(), 1);
        assert!(html.contains("<span class=\"words\">neuf &amp; &quot;beau&quot;</span></ins> fin"));
        assert!(html.contains("<span class=\"visually-hidden\">(Added by Louise) </span>"));
    }

    #[test]
    fn side_by_side_each_column_has_its_text_and_a_mark_for_the_other() {
        let authors = Authors::new(&people());
        let comparison = Comparison {
            pieces: vec![
                piece(Change::Same, "Le ", None, None),
                piece(Change::Added, "grand ", Some(2), Some(0)),
                piece(Change::Same, "texte", None, None),
                piece(Change::Removed, " ancien", None, Some(1)),
            ],
            tallies: Vec::new(),
            groups: 2,
        };
        let (before, after) = side_html(&comparison, &authors, WORDS);
        assert!(before.contains("<span class=\"gap\" aria-hidden=\"true\" id=\"before-0\""));
        assert!(!before.contains("grand"));
        assert!(before.contains("id=\"before-1\""));
        assert!(before.contains("data-label=\"Removed by Unknown\""));
        assert!(after.contains("<span class=\"words\">grand </span>"));
        assert!(!after.contains("ancien"));
        assert!(after.contains("<span class=\"gap\" aria-hidden=\"true\" id=\"after-1\""));
    }

    #[test]
    fn a_colour_that_is_not_one_is_not_written() {
        let authors = Authors::new(&[(9, person("X", "red;background:url(x)", None))]);
        assert_eq!(authors.of(Some(9)).colour, None);
        let comparison = Comparison {
            pieces: vec![piece(Change::Added, "x", Some(9), Some(0))],
            tallies: Vec::new(),
            groups: 1,
        };
        assert!(!inline_html(&comparison, &authors, WORDS).contains("style="));
    }
}

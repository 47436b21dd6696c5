//! Argdown import and export (<https://argdown.org>), for the subset a
//! tree needs, so people who keep their maps in Argdown can move in and
//! out.
//!
//! **What is read.** Statements `[Title]: text` and arguments
//! `<Title>: text` (a title alone, or plain text, are statements too);
//! relations by indentation, `+` (or `<+`) for a claim supporting the one
//! above, `-` (or `<-`) for one attacking it; `+>` and `->` (the one above
//! supports or attacks this one) are read the same way, with a warning,
//! since a tree only has one direction; `#tag` and `#(multi word tag)` in
//! the text; `//` and `/* */` comments; the first `# heading` as the
//! map's title; and Argdown's data block `{...}` after the text, in YAML
//! flow syntax, for what Argdown has no syntax for:
//! `{note: "…", sources: [{url: "…", title: "…", date: "…", quote: "…"}],
//! kind: "thesis"}`. The writer writes the data as JSON (valid YAML
//! flow, so Argdown's own parser accepts it).
//!
//! **Nothing dropped silently.** A line this reader does not understand
//! (a premise-conclusion structure, an undercut) is kept as a claim with
//! its text, and every such case is a [`Warning`] with its line number.
//! A title met again is the same claim (Argdown's meaning); a claim has
//! one place in a tree, so it stays where it first stood, with a
//! warning, and what is under the repetition goes under it.
//!
//! **Hostile input.** Bounded: [`MAX_INPUT`] bytes, [`MAX_CLAIMS`]
//! claims, [`MAX_DEPTH`] levels (deeper lines go under the deepest
//! allowed, with a warning), data blocks [`MAX_DATA_DEPTH`] deep. No
//! recursion on the input's shape but the data block's, bounded.

use std::collections::HashMap;

use super::generate::Spec;
use super::{
    clean_tags, ArgError, ArgMap, ClaimEdit, Source, Stance, TopKind, MAX_NOTE, MAX_SOURCES,
    MAX_TAGS, MAX_TEXT,
};
use crate::document::Document;

/// The largest text read, in bytes.
pub const MAX_INPUT: usize = 8 << 20;
/// The most claims read; past it, lines are counted in a warning.
pub const MAX_CLAIMS: usize = 20_000;
/// The deepest level.
pub const MAX_DEPTH: usize = 64;
/// The deepest nesting in a data block.
pub const MAX_DATA_DEPTH: usize = 16;
/// The most warnings kept (the rest are counted in the last one).
pub const MAX_WARNINGS: usize = 500;

/// A claim read from Argdown.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Node {
    /// Index of its parent in [`Parsed::nodes`] (always before it).
    pub parent: Option<usize>,
    /// Its Argdown title, when it had one.
    pub title: Option<String>,
    pub text: String,
    pub note: String,
    pub kind: TopKind,
    pub stance: Stance,
    pub tags: Vec<String>,
    pub sources: Vec<Source>,
    /// Its line, from 1.
    pub line: usize,
}

/// What the reader did with a line it could not read as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// Syntax this reader does not know: the line's text kept as a claim.
    Unknown,
    /// Indented with no relation sign: read as supporting the claim above.
    NoRelation,
    /// A relation sign with nothing above: read as a claim at the top.
    NoParent,
    /// `+>` or `->`: the claim above supports or attacks this one; read
    /// as this one supporting or attacking it.
    Outgoing,
    /// A title met again: one place in a tree, the first.
    Repeated,
    /// Deeper than [`MAX_DEPTH`]: placed at the deepest level.
    TooDeep,
    /// A data block that does not read, or a field it does not know: the
    /// block kept in the text, or the field left out.
    BadData,
    /// A second heading: Cahier has one title.
    Heading,
    /// Front matter (`===`) or a separator line: skipped.
    Skipped,
    /// A comment never closed: the rest of the text is the comment.
    OpenComment,
    /// A statement past [`MAX_TEXT`] characters, cut (or a note past
    /// [`MAX_NOTE`], tags or sources past their maximum).
    TooLong,
    /// Past [`MAX_CLAIMS`]: the lines after it not read.
    TooMany,
    /// Past [`MAX_WARNINGS`]: the others counted here.
    MoreWarnings,
}

impl WarningKind {
    pub const fn name(self) -> &'static str {
        match self {
            WarningKind::Unknown => "unknown",
            WarningKind::NoRelation => "no-relation",
            WarningKind::NoParent => "no-parent",
            WarningKind::Outgoing => "outgoing",
            WarningKind::Repeated => "repeated",
            WarningKind::TooDeep => "too-deep",
            WarningKind::BadData => "bad-data",
            WarningKind::Heading => "heading",
            WarningKind::Skipped => "skipped",
            WarningKind::OpenComment => "open-comment",
            WarningKind::TooLong => "too-long",
            WarningKind::TooMany => "too-many",
            WarningKind::MoreWarnings => "more-warnings",
        }
    }
}

/// One warning: where, what, and the words concerned (cut short).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub line: usize,
    pub kind: WarningKind,
    pub text: String,
}

/// A text read.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Parsed {
    /// The first heading.
    pub title: Option<String>,
    pub nodes: Vec<Node>,
    pub warnings: Vec<Warning>,
}

/// Why a text could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArgdownError {
    #[error("the text is too large")]
    TooLarge,
    #[error("the text has no claim")]
    Empty,
}

// -- writing --

/// The map as Argdown: its title as a heading, each claim at the top a
/// statement, the others arguments under it, `+` for and `-` against,
/// tags as `#tags`, the explanation, sources and kind in a data block.
pub fn to_argdown(map: &ArgMap, title: &str) -> String {
    let mut out = String::with_capacity(map.len() * 96 + 64);
    let title = one_line(title);
    if !title.trim().is_empty() {
        out.push_str("# ");
        out.push_str(title.trim());
        out.push_str("\n\n");
    }
    let mut titles: HashMap<String, usize> = HashMap::new();
    let mut first = true;
    for (id, depth) in map.walk() {
        let Some(claim) = map.claim(id) else { continue };
        if depth == 0 && !first {
            out.push('\n');
        }
        first = false;
        for _ in 0..depth {
            out.push_str("  ");
        }
        let name = unique_title(&mut titles, &claim.text);
        if depth == 0 {
            out.push('[');
            out.push_str(&name);
            out.push_str("]: ");
        } else {
            out.push_str(match claim.stance {
                Stance::Pro => "+ <",
                Stance::Con => "- <",
            });
            out.push_str(&name);
            out.push_str(">: ");
        }
        escape_text(&mut out, &claim.text);
        for tag in &claim.tags {
            out.push(' ');
            write_tag(&mut out, tag);
        }
        let mut data: Vec<(&str, String)> = Vec::new();
        if !claim.note.trim().is_empty() {
            data.push(("note", json_string(&claim.note)));
        }
        if !claim.sources.is_empty() {
            let items: Vec<String> = claim
                .sources
                .iter()
                .map(|s| {
                    let fields: Vec<String> = [
                        ("url", &s.url),
                        ("title", &s.title),
                        ("date", &s.date),
                        ("quote", &s.quote),
                    ]
                    .iter()
                    .filter(|(_, v)| !v.trim().is_empty())
                    .map(|(k, v)| format!("\"{k}\": {}", json_string(v)))
                    .collect();
                    format!("{{{}}}", fields.join(", "))
                })
                .collect();
            data.push(("sources", format!("[{}]", items.join(", "))));
        }
        if depth == 0 && claim.kind != default_kind(&claim.text) {
            data.push(("kind", json_string(claim.kind.name())));
        }
        if !data.is_empty() {
            let fields: Vec<String> = data.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
            out.push_str(" {");
            out.push_str(&fields.join(", "));
            out.push('}');
        }
        out.push('\n');
    }
    out
}

/// A claim at the top with no kind said: a question when it asks one.
fn default_kind(text: &str) -> TopKind {
    if text.trim_end().ends_with('?') {
        TopKind::Question
    } else {
        TopKind::Thesis
    }
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A title from the statement's first words, without Argdown's special
/// characters, unique in the file (Argdown reads one title as one
/// statement).
fn unique_title(seen: &mut HashMap<String, usize>, text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' || c == '\'' || c == '-' || c == ',' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let mut base = String::new();
    for word in cleaned.split_whitespace().take(6) {
        if base.chars().count() + word.chars().count() > 40 {
            break;
        }
        if !base.is_empty() {
            base.push(' ');
        }
        base.push_str(word);
    }
    if base.is_empty() {
        base = "Claim".to_owned();
    }
    let count = seen.entry(base.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        return base;
    }
    // "X 2" may already be taken, as the first title of a statement that
    // begins "X 2…" or as a name given before: count on until one is free.
    let mut number = *count;
    loop {
        let name = format!("{base} {number}");
        if !seen.contains_key(&name) {
            seen.insert(name.clone(), 1);
            seen.insert(base, number);
            return name;
        }
        number += 1;
    }
}

/// A statement in Argdown's text: one line, its special characters
/// escaped with a backslash (what the reader unescapes).
fn escape_text(out: &mut String, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '[' | ']' | '<' | '>' | '{' | '}' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '/' if matches!(chars.get(i + 1), Some('/' | '*')) => out.push_str("\\/"),
            '*' if i > 0 && chars[i - 1] == '/' => out.push_str("\\*"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
}

fn write_tag(out: &mut String, tag: &str) {
    let tag = one_line(tag);
    if !tag.is_empty() && tag.chars().all(is_tag_char) {
        out.push('#');
        out.push_str(&tag);
    } else {
        out.push_str("#(");
        out.push_str(&tag.replace([')', '('], " "));
        out.push(')');
    }
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// -- reading --

/// Read an Argdown text.
pub fn parse(text: &str) -> Result<Parsed, ArgdownError> {
    if text.len() > MAX_INPUT {
        return Err(ArgdownError::TooLarge);
    }
    let mut reader = Reader::default();
    // Control characters are spaces (a statement is one line of words).
    let cleaned: String = reader
        .strip_comments(text)
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect();
    let lines: Vec<&str> = cleaned.split('\n').collect();
    let mut at = 0;
    // Front matter: `===` ... `===` before anything else.
    if let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) {
        if lines[first].trim() == "===" {
            let end = lines[first + 1..]
                .iter()
                .position(|l| l.trim() == "===")
                .map_or(lines.len(), |p| first + 1 + p + 1);
            reader.warn(first + 1, WarningKind::Skipped, "===");
            at = end;
        }
    }
    for (index, line) in lines.iter().enumerate().skip(at) {
        if reader.parsed.nodes.len() >= MAX_CLAIMS {
            let left = lines[index..]
                .iter()
                .filter(|l| !l.trim().is_empty())
                .count();
            if left > 0 {
                reader.warn(index + 1, WarningKind::TooMany, &left.to_string());
            }
            break;
        }
        reader.line(index + 1, line);
    }
    reader.finish_warnings();
    if reader.parsed.nodes.is_empty() {
        return Err(ArgdownError::Empty);
    }
    Ok(reader.parsed)
}

#[derive(Default)]
struct Reader {
    parsed: Parsed,
    /// The open claims: indentation, node.
    stack: Vec<(usize, usize)>,
    /// Titles met: node, and whether its text is still only the title.
    titles: HashMap<String, (usize, bool)>,
    dropped_warnings: usize,
}

enum Relation {
    Root,
    Child { stance: Stance, outgoing: bool },
}

impl Reader {
    fn warn(&mut self, line: usize, kind: WarningKind, text: &str) {
        if self.parsed.warnings.len() >= MAX_WARNINGS {
            self.dropped_warnings += 1;
            return;
        }
        let mut text: String = one_line(text).trim().chars().take(80).collect();
        if text.is_empty() {
            text = String::new();
        }
        self.parsed.warnings.push(Warning { line, kind, text });
    }

    fn finish_warnings(&mut self) {
        if self.dropped_warnings > 0 {
            let line = self.parsed.warnings.last().map_or(0, |w| w.line);
            self.parsed.warnings.push(Warning {
                line,
                kind: WarningKind::MoreWarnings,
                text: self.dropped_warnings.to_string(),
            });
        }
    }

    /// The text without its comments, lines kept where they were (a
    /// block comment's newlines stay). `//` starts a comment at a line's
    /// start or after a space (so a URL's `://` is text); nothing in a
    /// data block's quoted strings is a comment.
    fn strip_comments(&mut self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        let mut braces = 0usize;
        let mut quote: Option<char> = None;
        let mut line = 1;
        while i < chars.len() {
            let c = chars[i];
            if c == '\n' {
                line += 1;
                braces = 0;
                quote = None;
                out.push(c);
                i += 1;
                continue;
            }
            if c == '\r' {
                i += 1;
                continue;
            }
            if let Some(q) = quote {
                out.push(c);
                if c == '\\' && q == '"' {
                    if let Some(&next) = chars.get(i + 1).filter(|n| **n != '\n') {
                        out.push(next);
                        i += 1;
                    }
                } else if c == q {
                    quote = None;
                }
                i += 1;
                continue;
            }
            match c {
                '\\' => {
                    out.push(c);
                    if let Some(&next) = chars.get(i + 1).filter(|n| **n != '\n') {
                        out.push(next);
                        i += 1;
                    }
                    i += 1;
                }
                '{' => {
                    braces += 1;
                    out.push(c);
                    i += 1;
                }
                '}' => {
                    braces = braces.saturating_sub(1);
                    out.push(c);
                    i += 1;
                }
                '"' | '\'' if braces > 0 => {
                    quote = Some(c);
                    out.push(c);
                    i += 1;
                }
                '/' if chars.get(i + 1) == Some(&'*') => {
                    let start = line;
                    i += 2;
                    let mut closed = false;
                    while i < chars.len() {
                        if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                            i += 2;
                            closed = true;
                            break;
                        }
                        if chars[i] == '\n' {
                            line += 1;
                            out.push('\n');
                        }
                        i += 1;
                    }
                    if !closed {
                        self.warn(start, WarningKind::OpenComment, "/*");
                    }
                    out.push(' ');
                }
                '/' if chars.get(i + 1) == Some(&'/')
                    && (i == 0 || chars[i - 1].is_whitespace()) =>
                {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        out
    }

    fn line(&mut self, number: usize, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        let indent: usize = line
            .chars()
            .take_while(|c| c.is_whitespace())
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum();
        let rest = line.trim();
        // A heading.
        if rest.starts_with('#') {
            let hashes = rest.chars().take_while(|c| *c == '#').count();
            let after = &rest[hashes..];
            if after.starts_with(' ') || after.is_empty() {
                let heading = unescape(after.trim());
                if self.parsed.title.is_none() && !heading.is_empty() {
                    self.parsed.title = Some(heading.chars().take(MAX_TEXT).collect());
                } else {
                    self.warn(number, WarningKind::Heading, &heading);
                }
                return;
            }
        }
        // A separator (`----`, `===`): skipped.
        if rest.len() >= 2 && (rest.chars().all(|c| c == '-') || rest.chars().all(|c| c == '=')) {
            self.warn(number, WarningKind::Skipped, rest);
            return;
        }
        let (relation, element, unknown_relation) = relation_of(rest);
        if let Some(sign) = unknown_relation {
            self.warn(number, WarningKind::Unknown, sign);
        }
        let relation = match relation {
            Relation::Root if indent > 0 && !self.stack.is_empty() => {
                self.warn(number, WarningKind::NoRelation, element);
                Relation::Child {
                    stance: Stance::Pro,
                    outgoing: false,
                }
            }
            other => other,
        };
        let parent = match relation {
            Relation::Root => {
                self.stack.clear();
                None
            }
            Relation::Child { outgoing, .. } => {
                if outgoing {
                    self.warn(number, WarningKind::Outgoing, element);
                }
                // Up to the claim this one is indented under; a relation
                // not indented at all goes under the claim at the top.
                while self.stack.len() > 1 && self.stack.last().is_some_and(|(i, _)| *i >= indent) {
                    self.stack.pop();
                }
                if self.stack.is_empty() {
                    self.warn(number, WarningKind::NoParent, element);
                    None
                } else {
                    if self.stack.len() > MAX_DEPTH - 1 {
                        self.warn(number, WarningKind::TooDeep, element);
                        self.stack.truncate(MAX_DEPTH - 1);
                    }
                    self.stack.last().map(|(_, node)| *node)
                }
            }
        };
        let stance = match relation {
            Relation::Child { stance, .. } if parent.is_some() => stance,
            _ => Stance::Pro,
        };
        let node = self.element(number, element, parent, stance);
        if let Some(node) = node {
            self.stack.push((indent, node));
        }
    }

    /// Read one statement or argument; the node it is (new, or met
    /// before under its title).
    fn element(
        &mut self,
        number: usize,
        element: &str,
        parent: Option<usize>,
        stance: Stance,
    ) -> Option<usize> {
        let (title, body) = split_title(element);
        if title.is_none() && body.starts_with('(') && premise_number(body) {
            self.warn(number, WarningKind::Unknown, body);
        }
        let (text_part, data) = split_data(body);
        let mut node = Node {
            parent,
            title: title.clone(),
            stance,
            line: number,
            ..Node::default()
        };
        let mut text_part = text_part.to_owned();
        let mut kind_said = false;
        if let Some(data) = data {
            match parse_flow(data) {
                Some(value) => kind_said = self.apply_data(number, &mut node, value),
                None => {
                    self.warn(number, WarningKind::BadData, data);
                    text_part.push(' ');
                    text_part.push_str(data);
                }
            }
        }
        let (text, tags) = read_tags(&text_part);
        let mut text = text;
        let title_only = text.is_empty();
        if title_only {
            text = title.clone().unwrap_or_default();
        }
        if text.is_empty() {
            // Only a data block, or signs: keep what the line says.
            text = element.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.is_empty() {
                return None;
            }
            self.warn(number, WarningKind::Unknown, element);
        }
        if text.chars().count() > MAX_TEXT {
            self.warn(number, WarningKind::TooLong, &text);
            text = text.chars().take(MAX_TEXT).collect();
        }
        let mut all_tags = node.tags.clone();
        all_tags.extend(tags);
        if all_tags.len() > MAX_TAGS {
            self.warn(
                number,
                WarningKind::TooLong,
                &all_tags[MAX_TAGS..].join(", "),
            );
        }
        node.tags = clean_tags(&all_tags);
        node.text = text;
        if parent.is_none() && !kind_said {
            node.kind = default_kind(&node.text);
        }
        // A title met before: the same claim.
        if let Some(title) = &title {
            if let Some(&(earlier, earlier_title_only)) = self.titles.get(title) {
                if title_only && node.note.is_empty() && node.sources.is_empty() {
                    if parent.is_some() {
                        self.warn(number, WarningKind::Repeated, title);
                    }
                    return Some(earlier);
                }
                if earlier_title_only {
                    // Defined now: the words replace the title.
                    let target = &mut self.parsed.nodes[earlier];
                    target.text = node.text;
                    target.note = node.note;
                    target.sources = node.sources;
                    let mut tags = target.tags.clone();
                    tags.extend(node.tags);
                    target.tags = clean_tags(&tags);
                    if target.parent.is_none() {
                        target.kind = if kind_said {
                            node.kind
                        } else {
                            default_kind(&target.text)
                        };
                    }
                    self.titles.insert(title.clone(), (earlier, false));
                    if parent.is_some() {
                        self.warn(number, WarningKind::Repeated, title);
                    }
                    return Some(earlier);
                }
                // The same title with other words: kept as its own claim.
                self.warn(number, WarningKind::Repeated, title);
                node.title = None;
                self.parsed.nodes.push(node);
                return Some(self.parsed.nodes.len() - 1);
            }
            self.titles
                .insert(title.clone(), (self.parsed.nodes.len(), title_only));
        }
        self.parsed.nodes.push(node);
        Some(self.parsed.nodes.len() - 1)
    }

    /// Read a data block into `node`; whether it said the kind.
    fn apply_data(&mut self, number: usize, node: &mut Node, value: Flow) -> bool {
        let Flow::Map(fields) = value else {
            self.warn(number, WarningKind::BadData, "{}");
            return false;
        };
        let mut kind_said = false;
        for (name, value) in fields {
            match (name.as_str(), value) {
                ("note" | "explanation" | "description", Flow::Str(s)) => {
                    if s.chars().count() > MAX_NOTE {
                        self.warn(number, WarningKind::TooLong, &name);
                    }
                    node.note = s.trim().chars().take(MAX_NOTE).collect();
                }
                ("sources" | "source", Flow::List(items)) => {
                    for item in items {
                        if let Some(source) = source_of(item) {
                            if node.sources.len() < MAX_SOURCES {
                                node.sources.push(source);
                            } else {
                                self.warn(number, WarningKind::TooLong, &source.title);
                            }
                        }
                    }
                }
                ("sources" | "source", item) => {
                    if let Some(source) = source_of(item) {
                        node.sources.push(source);
                    }
                }
                ("kind", Flow::Str(s)) if TopKind::from_name(s.trim()).is_some() => {
                    node.kind = TopKind::from_name(s.trim()).unwrap_or_default();
                    kind_said = true;
                }
                ("tags", Flow::List(items)) => {
                    for item in items {
                        if let Flow::Str(tag) = item {
                            node.tags.push(tag);
                        }
                    }
                }
                // Argdown's own display fields: nothing to keep in a tree.
                ("color" | "isInMap" | "group" | "label", _) => {}
                (other, _) => self.warn(number, WarningKind::BadData, other),
            }
        }
        kind_said
    }
}

fn source_of(item: Flow) -> Option<Source> {
    match item {
        Flow::Str(s) if !s.trim().is_empty() => {
            let s = s.trim().to_owned();
            Some(if s.starts_with("http://") || s.starts_with("https://") {
                Source {
                    url: s,
                    ..Source::default()
                }
            } else {
                Source {
                    title: s,
                    ..Source::default()
                }
            })
        }
        Flow::Map(fields) => {
            let mut source = Source::default();
            for (name, value) in fields {
                let Flow::Str(value) = value else { continue };
                match name.as_str() {
                    "url" | "link" | "href" => source.url = value,
                    "title" | "name" => source.title = value,
                    "date" => source.date = value,
                    "quote" => source.quote = value,
                    _ => {}
                }
            }
            (!source.is_empty()).then_some(source)
        }
        _ => None,
    }
}

/// `(1)` or `(12)`: a premise-conclusion structure's line.
fn premise_number(body: &str) -> bool {
    let inner: String = body[1..].chars().take_while(|c| *c != ')').collect();
    !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit())
}

/// The relation sign at a line's start, and the rest; an unknown sign
/// (undercut, contradiction) is read as an attack and named.
fn relation_of(rest: &str) -> (Relation, &str, Option<&str>) {
    let child = |stance, outgoing| Relation::Child { stance, outgoing };
    for (sign, relation, unknown) in [
        ("<+", child(Stance::Pro, false), false),
        ("<-", child(Stance::Con, false), false),
        ("+>", child(Stance::Pro, true), false),
        ("->", child(Stance::Con, true), false),
        ("<_", child(Stance::Con, false), true),
        ("_>", child(Stance::Con, true), true),
        ("><", child(Stance::Con, false), true),
        ("+", child(Stance::Pro, false), false),
        ("-", child(Stance::Con, false), false),
    ] {
        if let Some(after) = rest.strip_prefix(sign) {
            if after.is_empty() || after.starts_with(char::is_whitespace) {
                return (relation, after.trim(), unknown.then_some(sign));
            }
        }
    }
    (Relation::Root, rest, None)
}

/// `[Title]: text`, `<Title>: text`, `[Title]`, or plain text.
fn split_title(element: &str) -> (Option<String>, &str) {
    let close = match element.chars().next() {
        Some('[') => ']',
        Some('<') => '>',
        _ => return (None, element),
    };
    let mut escaped = false;
    for (at, c) in element.char_indices().skip(1) {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' {
            escaped = true;
            continue;
        }
        if c == close {
            let title = unescape(element[1..at].trim())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let after = element[at + 1..].trim_start();
            let body = after.strip_prefix(':').map_or(after, str::trim_start);
            if title.is_empty() {
                return (None, element);
            }
            return (Some(title), body);
        }
    }
    (None, element)
}

/// The text and its data block (the last `{` not escaped whose block
/// runs to the end).
fn split_data(body: &str) -> (&str, Option<&str>) {
    let trimmed = body.trim_end();
    if !trimmed.ends_with('}') {
        return (body, None);
    }
    let mut escaped = false;
    let mut first = None;
    for (at, c) in trimmed.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '{' => {
                first = Some(at);
                break;
            }
            _ => {}
        }
    }
    match first {
        Some(at) => (trimmed[..at].trim_end(), Some(&trimmed[at..])),
        None => (body, None),
    }
}

/// The text without its tags, unescaped, and the tags.
fn read_tags(text: &str) -> (String, Vec<String>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut tags = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            if let Some(&next) = chars.get(i + 1) {
                out.push(next);
                i += 2;
            } else {
                i += 1;
            }
            continue;
        }
        let starts = i == 0 || chars[i - 1].is_whitespace();
        if c == '#' && starts {
            if chars.get(i + 1) == Some(&'(') {
                if let Some(end) = chars[i + 2..].iter().position(|c| *c == ')') {
                    let tag: String = chars[i + 2..i + 2 + end]
                        .iter()
                        .map(|c| if *c == '(' { ' ' } else { *c })
                        .collect();
                    if !tag.trim().is_empty() {
                        tags.push(tag.trim().to_owned());
                    }
                    i += 3 + end;
                    continue;
                }
            } else {
                let tag: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| is_tag_char(**c))
                    .collect();
                if !tag.is_empty() {
                    i += 1 + tag.chars().count();
                    tags.push(tag);
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    let text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    (text, tags)
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

// -- the data block: YAML's flow syntax, the part a data block uses --

#[derive(Clone, Debug, PartialEq)]
enum Flow {
    Str(String),
    List(Vec<Flow>),
    Map(Vec<(String, Flow)>),
}

/// A whole data block, or `None` when it does not read.
fn parse_flow(text: &str) -> Option<Flow> {
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let value = flow_value(&chars, &mut at, 0)?;
    skip_space(&chars, &mut at);
    (at == chars.len() && matches!(value, Flow::Map(_))).then_some(value)
}

fn skip_space(chars: &[char], at: &mut usize) {
    while chars.get(*at).is_some_and(|c| c.is_whitespace()) {
        *at += 1;
    }
}

fn flow_value(chars: &[char], at: &mut usize, depth: usize) -> Option<Flow> {
    if depth > MAX_DATA_DEPTH {
        return None;
    }
    skip_space(chars, at);
    match chars.get(*at)? {
        '{' => {
            *at += 1;
            let mut fields = Vec::new();
            loop {
                skip_space(chars, at);
                if chars.get(*at) == Some(&'}') {
                    *at += 1;
                    return Some(Flow::Map(fields));
                }
                let name = match chars.get(*at)? {
                    '"' | '\'' => quoted(chars, at)?,
                    _ => bare(chars, at, true),
                };
                skip_space(chars, at);
                if chars.get(*at) != Some(&':') {
                    return None;
                }
                *at += 1;
                let value = flow_value(chars, at, depth + 1)?;
                fields.push((name.trim().to_owned(), value));
                skip_space(chars, at);
                match chars.get(*at)? {
                    ',' => *at += 1,
                    '}' => {}
                    _ => return None,
                }
            }
        }
        '[' => {
            *at += 1;
            let mut items = Vec::new();
            loop {
                skip_space(chars, at);
                if chars.get(*at) == Some(&']') {
                    *at += 1;
                    return Some(Flow::List(items));
                }
                items.push(flow_value(chars, at, depth + 1)?);
                skip_space(chars, at);
                match chars.get(*at)? {
                    ',' => *at += 1,
                    ']' => {}
                    _ => return None,
                }
            }
        }
        '"' | '\'' => quoted(chars, at).map(Flow::Str),
        _ => {
            let s = bare(chars, at, false);
            (!s.is_empty()).then_some(Flow::Str(s))
        }
    }
}

/// A plain scalar: up to `,`, `}`, `]` (and `:` followed by a space, in
/// a key).
fn bare(chars: &[char], at: &mut usize, key: bool) -> String {
    let mut out = String::new();
    while let Some(&c) = chars.get(*at) {
        if matches!(c, ',' | '}' | ']' | '{' | '[') {
            break;
        }
        if c == ':' && (key || chars.get(*at + 1).is_none_or(|n| n.is_whitespace())) {
            break;
        }
        out.push(c);
        *at += 1;
    }
    out.trim().to_owned()
}

fn quoted(chars: &[char], at: &mut usize) -> Option<String> {
    let q = *chars.get(*at)?;
    *at += 1;
    let mut out = String::new();
    loop {
        let c = *chars.get(*at)?;
        *at += 1;
        if c == q {
            if q == '\'' && chars.get(*at) == Some(&'\'') {
                out.push('\'');
                *at += 1;
                continue;
            }
            return Some(out);
        }
        if c == '\\' && q == '"' {
            let e = *chars.get(*at)?;
            *at += 1;
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.get(*at..*at + 4)?.iter().collect();
                    *at += 4;
                    let code = u32::from_str_radix(&hex, 16).ok()?;
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                other => out.push(other),
            }
            continue;
        }
        out.push(c);
    }
}

// -- into a document --

impl Document {
    /// Add the claims read under `parent` (`None`: at the top): the ids
    /// made, in the order of [`Parsed::nodes`], and the updates to send in
    /// order ([`Document::add_tree`]: 100 claims each, so a big map fits
    /// the relay's frames). A claim with no words reads "…"; a statement
    /// past [`MAX_TEXT`] is cut (the warnings said so).
    pub fn import_argdown(
        &self,
        parsed: &Parsed,
        parent: Option<&str>,
        who: &str,
        time: i64,
    ) -> Result<(Vec<String>, Vec<Vec<u8>>), ArgError> {
        if let Some(parent) = parent {
            if !self.arguments().is_visible(parent) {
                return Err(ArgError::NotFound);
            }
        }
        if parsed.nodes.is_empty() {
            return Err(ArgError::Empty);
        }
        let specs: Vec<Spec> = parsed
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let text: String = node.text.trim().chars().take(MAX_TEXT).collect();
                Spec {
                    parent: node.parent.filter(|p| *p < i),
                    claim: ClaimEdit {
                        text: Some(if text.is_empty() {
                            "…".to_owned()
                        } else {
                            text
                        }),
                        note: Some(node.note.clone()),
                        kind: Some(node.kind),
                        stance: Some(node.stance),
                        tags: Some(node.tags.clone()),
                        sources: Some(node.sources.clone()),
                    },
                }
            })
            .collect();
        Ok(self.add_tree(&specs, parent, who, time))
    }
}

#[cfg(test)]
mod tests;

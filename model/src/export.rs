//! The document as a file someone takes away: Markdown, a standalone HTML
//! page, or plain text ([`Format`]). One code path for every program that
//! writes one (`cahier export`, the app's download buttons), and its
//! inverse for a file brought in ([`import`], `cahier import`).
//!
//! **The title.** A document's title (`meta.title`) is kept apart from its
//! body, but a file has only its text, so each format writes the title at
//! its top, as the printed page does:
//!
//! - Markdown: `# Title`, a blank line, then the body exactly as it is;
//! - HTML: the `<title>`, and an `<h1 class="title">` before the body;
//! - plain text: the title underlined with `=`, a blank line, the body.
//!
//! The title is left out when it is empty, and when the body already
//! begins with it as a level-one heading (`# Title` on its first line: a
//! text whose author wrote its own title, or one that came from a
//! Markdown file), so it is never there twice. [`import`] reads a file the
//! same way round: its title is the one given, or else the text of a
//! level-one heading on its first line; its body is the whole text, line
//! endings made `\n`. So a Markdown file imported without a title and
//! exported again comes back byte for byte (once its line endings are
//! `\n` and a byte-order mark is dropped), and so does one imported with
//! the title its first heading already has.
//!
//! **Safety.** A co-author is untrusted, and an exported page is opened
//! from a disk, outside the app's Content-Security-Policy. The HTML body
//! comes from the preview's renderer ([`crate::markdown`]: no raw HTML, no
//! unsafe link, no image loaded); the page adds its own policy
//! (`default-src 'none'`, inline style only), no referrer, and a small
//! inline stylesheet, so it makes no request when opened. Plain text keeps
//! only the destinations of links that [`crate::markdown::safe_url`]
//! allows.
//!
//! **Line numbers** ([`crate::lines`], the numbers the editor, the
//! preview and print show). The HTML page marks each numbered line as the
//! preview does and shows its number in the left margin; the plain text
//! writes the numbers in a left column, each numbered line starting an
//! output line of its own (the numbered lines are the text's own, before
//! its marks are dropped, so the column counts the same lines as the
//! screen). The Markdown file has no numbers: it is the body as it is, so
//! that it renders as the document does and comes back byte for byte
//! through [`import`]; numbers written into it would become part of the
//! text of whoever imports it, and whoever opens it numbers it again the
//! same way from its text.

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use std::ops::Range;

use crate::document::Document;
use crate::lines::Lines;
use crate::markdown::{self, escape_into, safe_url, Destination, Marks};

/// A kind of file the document can be written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// The body as written, Markdown (`.md`).
    Markdown,
    /// A standalone, styled page that loads nothing (`.html`).
    Html,
    /// The text without its Markdown marks (`.txt`).
    Text,
}

impl Format {
    /// Every format, Markdown first (the default).
    pub const ALL: [Format; 3] = [Format::Markdown, Format::Html, Format::Text];

    /// The file name extension, also the format's short name.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Text => "txt",
        }
    }

    /// The media type of a download.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Text => "text/plain; charset=utf-8",
        }
    }

    /// The format named `name`: its extension, or `markdown`, `htm`,
    /// `text` (any case).
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "txt" | "text" => Some(Format::Text),
            _ => None,
        }
    }
}

/// Write a document titled `title` whose body is `body` as `format`;
/// `lang` is the language of the page (a BCP 47 tag, for HTML).
pub fn render(format: Format, title: &str, body: &str, lang: &str) -> String {
    match format {
        Format::Markdown => to_markdown(title, body),
        Format::Html => to_html(title, body, lang),
        Format::Text => to_text_numbered(title, body),
    }
}

impl Document {
    /// This document as `format` (see [`render`]).
    pub fn export(&self, format: Format, lang: &str) -> String {
        let title = self.meta().title.unwrap_or_default();
        render(format, &title, &self.body(), lang)
    }
}

/// A file read for a new document (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The title: the one given, or the first line's level-one heading, or
    /// empty.
    pub title: String,
    /// The body: the file's text with `\n` line endings.
    pub body: String,
}

/// Read `text` (a Markdown or plain text file) as a new document's title
/// and body; `title` overrides the title found in the text.
pub fn import(text: &str, title: Option<&str>) -> Imported {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let body = text.replace("\r\n", "\n").replace('\r', "\n");
    let title = match title {
        Some(title) => clean_title(title),
        None => first_heading(&body).unwrap_or_default(),
    };
    Imported { title, body }
}

/// A title on one line: control characters (line breaks among them) as
/// spaces, runs of white space as one, trimmed.
pub fn clean_title(title: &str) -> String {
    title
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of a level-one ATX heading on the first line of `body`
/// (`# Title`, `# Title #`), without its Markdown escapes.
fn first_heading(body: &str) -> Option<String> {
    let line = body.lines().next()?;
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = line[indent..].strip_prefix('#')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let mut text = rest.trim_matches([' ', '\t']);
    // A closing sequence: `#`s after a space (or the whole text).
    let unclosed = text.trim_end_matches('#');
    if unclosed.is_empty() || unclosed.ends_with([' ', '\t']) {
        text = unclosed.trim_end_matches([' ', '\t']);
    }
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && next.is_ascii_punctuation() => {
                plain.push(next);
                chars.next();
            }
            _ => plain.push(c),
        }
    }
    let plain = clean_title(&plain);
    (!plain.is_empty()).then_some(plain)
}

/// The title to write before `body`, cleaned, unless it is empty or the
/// body begins with it.
fn title_to_add(title: &str, body: &str) -> Option<String> {
    let title = clean_title(title);
    if title.is_empty() || first_heading(body).as_deref() == Some(title.as_str()) {
        return None;
    }
    Some(title)
}

/// `title` as the text of a Markdown heading: the characters that would
/// make it something else than plain words escaped.
fn markdown_heading(title: &str) -> String {
    let mut out = String::with_capacity(title.len() + 8);
    for c in title.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '#' | '!' | '~' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The Markdown file: `# Title`, a blank line, the body as it is.
pub fn to_markdown(title: &str, body: &str) -> String {
    let Some(title) = title_to_add(title, body) else {
        return body.to_owned();
    };
    let mut out = format!("# {}\n", markdown_heading(&title));
    if !body.is_empty() {
        out.push('\n');
        out.push_str(body);
    }
    out
}

/// The page's stylesheet: readable on screen and on paper, light or dark,
/// and nothing fetched.
pub(crate) const STYLE: &str = "\
:root{color-scheme:light dark;--ink:#1b1b1b;--paper:#fff;--muted:#5a5a5a;--line:#c8c8c8;--accent:#1d4e89}
@media (prefers-color-scheme:dark){:root{--ink:#e8e8e8;--paper:#161616;--muted:#a8a8a8;--line:#444;--accent:#8ab4f8}}
body{margin:0;background:var(--paper);color:var(--ink);font:1.05rem/1.6 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif}
main{position:relative;max-width:42rem;margin:0 auto;padding:2rem 1.25rem 4rem 4.5rem;overflow-wrap:break-word}
h1.title{padding-bottom:.4rem;border-bottom:1px solid var(--line)}
a{color:var(--accent)}
a.image::before{content:var(--image-label);font-size:.85em;color:var(--muted)}
pre,code{font-family:ui-monospace,\"Cascadia Mono\",\"DejaVu Sans Mono\",monospace;font-size:.92em}
pre{overflow-x:auto;padding:.6rem .8rem;border:1px solid var(--line);border-radius:.3rem;white-space:pre-wrap}
pre.raw-html{border-left:3px solid var(--muted)}
blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid var(--line);color:var(--muted)}
table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid var(--line);padding:.3rem .6rem}
.left{text-align:left}.center{text-align:center}.right{text-align:right}
li:has(>input[type=checkbox]){list-style:none}
.ln::before{content:attr(data-line);position:absolute;left:0;width:3rem;text-align:right;font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:.75em;font-weight:normal;font-style:normal;line-height:calc(1.6/.75);color:var(--muted);user-select:none;-webkit-user-select:none}
.ln:has(+.ln)::before{content:none}
@media (max-width:30rem){main{padding-left:2.75rem}.ln::before{width:2rem}}
@media print{:root{--ink:#000;--paper:#fff;--muted:#333;--accent:#000}body{font:11pt/1.45 Georgia,\"Times New Roman\",\"DejaVu Serif\",serif}main{max-width:none;padding:0 0 0 2.5rem}.ln::before{width:1.9rem;font-size:8pt;line-height:calc(1.45*11pt)}a.external::after{content:\" (\" attr(href) \")\";font-size:.9em;overflow-wrap:anywhere}pre,blockquote,table,li{break-inside:avoid}h1,h2,h3,h4{break-after:avoid}}
";

/// The page's policy: nothing loaded, not even from its own folder; only
/// its inline stylesheet applies.
pub(crate) const POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// The title of a page whose document has none.
const UNTITLED: &str = "Cahier";

/// `lang` if it looks like a language tag (letters, digits, `-`), else
/// `und` (undetermined): it goes into an attribute.
pub(crate) fn language(lang: &str) -> &str {
    let ok = !lang.is_empty()
        && lang.len() <= 35
        && lang.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        lang
    } else {
        "und"
    }
}

/// The word before an image's link, in the page's language.
fn image_label(lang: &str) -> &'static str {
    if lang.get(..2).is_some_and(|l| l.eq_ignore_ascii_case("fr")) {
        "Image :\u{a0}"
    } else {
        "Image:\u{a0}"
    }
}

/// The standalone HTML page: `<title>`, the title as a heading, the body
/// rendered as the preview renders it.
pub fn to_html(title: &str, body: &str, lang: &str) -> String {
    let lang = language(lang);
    let added = title_to_add(title, body);
    let shown = match &added {
        Some(title) => title.clone(),
        None => match clean_title(title) {
            title if title.is_empty() => UNTITLED.to_owned(),
            title => title,
        },
    };
    let rendered = markdown::to_html_numbered(body);
    let mut out = String::with_capacity(rendered.len() + STYLE.len() + 512);
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(lang);
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"");
    out.push_str(POLICY);
    out.push_str("\">\n<meta name=\"referrer\" content=\"no-referrer\">\n");
    out.push_str("<meta name=\"generator\" content=\"Cahier\">\n<title>");
    escape_into(&mut out, &shown);
    out.push_str("</title>\n<style>\n");
    out.push_str(STYLE);
    out.push_str(":root{--image-label:\"");
    out.push_str(image_label(lang));
    out.push_str("\"}\n</style>\n</head>\n<body>\n<main>\n");
    if let Some(title) = added {
        out.push_str("<h1 class=\"title\">");
        escape_into(&mut out, &title);
        out.push_str("</h1>\n");
    }
    out.push_str(&rendered);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The plain text: the title underlined, then the body without its
/// Markdown marks (see [`TextWriter`]).
pub fn to_text(title: &str, body: &str) -> String {
    let mut writer = TextWriter::default();
    writer.title(title, body);
    for event in Parser::new_ext(body, markdown::options()) {
        writer.event(event);
    }
    writer.finish()
}

/// The plain text as [`to_text`] writes it, with the line numbers of
/// [`crate::lines`] in a left column: each numbered line starts an output
/// line, its number right-aligned before it; the other lines of the body
/// (underlines, a table's rule) have the column blank, and the title
/// stays at the left edge above it.
pub fn to_text_numbered(title: &str, body: &str) -> String {
    let lines = Lines::new(body);
    let digits = lines.len().max(1).to_string().len();
    let mut writer = TextWriter {
        marks: Some(Marks::new(body, &lines)),
        digits,
        column: digits + 2,
        ..TextWriter::default()
    };
    writer.title(title, body);
    for (event, range) in Parser::new_ext(body, markdown::options()).into_offset_iter() {
        writer.numbered_event(event, range);
    }
    writer.finish()
}

/// What starts each line inside a block.
#[derive(Clone, Debug)]
enum Indent {
    /// `> `
    Quote,
    /// Under a list item: as wide as its marker.
    Item(usize),
    /// A code block: four spaces.
    Code,
}

impl Indent {
    fn push_to(&self, out: &mut String) {
        match self {
            Indent::Quote => out.push_str("> "),
            Indent::Item(width) => out.extend(std::iter::repeat_n(' ', *width)),
            Indent::Code => out.push_str("    "),
        }
    }
}

/// Markdown written out as plain text: headings underlined (`=` for the
/// first level, `-` for the second), paragraphs and blocks separated by a
/// blank line, the author's line breaks kept, emphasis and code marks
/// dropped, list items marked `-` or numbered, quotes marked `>`, code
/// blocks indented, table cells separated by `|`, a link's (or an image's)
/// destination in brackets after its text when it is allowed and differs
/// from the text, raw HTML as the text it is.
#[derive(Default)]
struct TextWriter<'a> {
    out: String,
    /// The numbered lines to mark, when numbering.
    marks: Option<Marks<'a>>,
    /// The numbers' width in digits, and the column's (0 without numbers).
    digits: usize,
    column: usize,
    /// Where the current output line starts in `out` (its column first).
    line_start: usize,
    /// Text (not only indents and markers) was written on this line.
    line_has_text: bool,
    indent: Vec<Indent>,
    /// A list item's marker waiting for its first line: the depth of its
    /// indent, and the marker.
    marker: Option<(usize, String)>,
    /// The next number of each open list; `None` for a bullet list.
    lists: Vec<Option<u64>>,
    /// Text was written on the current line.
    line_open: bool,
    /// Where the current heading's text starts in `out`.
    heading: usize,
    /// Open links and images: where their text starts, and the
    /// destination to write after it, if allowed.
    links: Vec<(usize, Option<String>)>,
    /// Cells written in the current table row.
    cells: usize,
}

impl TextWriter<'_> {
    /// The title, underlined, unless the body begins with it; at the left
    /// edge, above the numbers' column (it is not a line of the body).
    fn title(&mut self, title: &str, body: &str) {
        if let Some(title) = title_to_add(title, body) {
            let width = title.chars().count();
            self.out.push_str(&title);
            self.out.push('\n');
            self.out.push_str(&"=".repeat(width));
            self.out.push('\n');
        }
    }

    /// Line `number` starts here: on an output line of its own, its number
    /// in the column.
    fn mark(&mut self, number: u32) {
        if self.line_open && self.line_has_text {
            // A line cut inside a paragraph: its hanging spaces go.
            let kept = self.out.trim_end_matches(' ').len();
            self.out.truncate(kept);
            self.line_break();
        }
        self.open_line();
        let at = self.line_start;
        let digits = self.digits;
        self.out
            .replace_range(at..at + digits, &format!("{number:>digits$}"));
    }

    /// Mark every line starting before `offset`.
    fn flush_marks(&mut self, offset: usize) {
        while let Some(number) = self.marks.as_mut().and_then(|m| m.before(offset)) {
            self.mark(number);
        }
    }

    /// An event with its source range, when numbering.
    fn numbered_event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Text(text)
            | Event::Code(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => {
                let pieces = match self.marks.as_mut() {
                    Some(marks) if marks.pending(range.end.max(range.start + 1)) => {
                        marks.split(&text, &range)
                    }
                    _ => vec![(Vec::new(), &*text)],
                };
                for (numbers, piece) in pieces {
                    for number in numbers {
                        self.mark(number);
                    }
                    self.text(piece);
                }
            }
            Event::Rule => {
                self.separate();
                self.flush_marks(range.end.max(range.start + 1));
                self.text("* * *");
                self.end_line();
            }
            Event::TaskListMarker(_) | Event::FootnoteReference(_) => {
                self.flush_marks(range.end.max(range.start + 1));
                self.event(event);
            }
            other => self.event(other),
        }
    }

    /// Start a line: the number column (blank), the indents, a list
    /// item's marker in its place.
    fn open_line(&mut self) {
        if self.line_open {
            return;
        }
        self.line_start = self.out.len();
        self.line_has_text = false;
        self.out.extend(std::iter::repeat_n(' ', self.column));
        let marker = self.marker.take();
        for (depth, indent) in self.indent.iter().enumerate() {
            match &marker {
                Some((at, marker)) if *at == depth => self.out.push_str(marker),
                _ => indent.push_to(&mut self.out),
            }
        }
        self.line_open = true;
    }

    /// End the current line, if one is open.
    fn end_line(&mut self) {
        if self.line_open {
            self.out.push('\n');
            self.line_open = false;
        }
    }

    /// A line break inside a block (an empty line keeps its `>` marks).
    fn line_break(&mut self) {
        if !self.line_open {
            let start = self.out.len();
            self.open_line();
            let trimmed = self.out[start..].trim_end().len();
            self.out.truncate(start + trimmed);
        }
        self.out.push('\n');
        self.line_open = false;
    }

    /// A blank line before a block, unless it is the first thing written
    /// (in the text, or in a list item).
    fn separate(&mut self) {
        self.end_line();
        if self.out.is_empty() || self.marker.is_some() || self.out.ends_with("\n\n") {
            return;
        }
        self.line_break();
    }

    fn text(&mut self, text: &str) {
        for (i, piece) in text.split('\n').enumerate() {
            if i > 0 {
                self.line_break();
            }
            if !piece.is_empty() {
                self.open_line();
                self.out.push_str(piece);
                self.line_has_text = true;
            }
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text)
            | Event::Code(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => self.text(&text),
            Event::SoftBreak | Event::HardBreak => self.line_break(),
            Event::Rule => {
                self.separate();
                self.text("* * *");
                self.end_line();
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(name) => {
                self.text("[");
                self.text(&name);
                self.text("]");
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock => self.separate(),
            Tag::Heading { .. } => {
                self.separate();
                self.open_line();
                self.heading = self.out.len();
            }
            Tag::BlockQuote(_) => {
                self.separate();
                self.indent.push(Indent::Quote);
            }
            Tag::CodeBlock(_) => {
                self.separate();
                self.indent.push(Indent::Code);
            }
            Tag::List(start) => {
                // A list right under an item's words starts on the next
                // line; elsewhere it is a block of its own.
                if self.line_open {
                    self.end_line();
                } else {
                    self.separate();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.end_line();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}. ");
                        *n += 1;
                        marker
                    }
                    _ => "- ".to_owned(),
                };
                self.marker = Some((self.indent.len(), marker.clone()));
                self.indent.push(Indent::Item(marker.chars().count()));
            }
            Tag::Table(_) => self.separate(),
            Tag::TableHead | Tag::TableRow => {
                self.end_line();
                self.cells = 0;
            }
            Tag::TableCell => {
                if self.cells > 0 {
                    self.text(" | ");
                }
                self.cells += 1;
            }
            Tag::Link {
                link_type,
                dest_url,
                ..
            }
            | Tag::Image {
                link_type,
                dest_url,
                ..
            } => {
                let url = if link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                let destination = safe_url(&url).map(|d| match d {
                    Destination::External(url) | Destination::Relative(url) => url,
                });
                self.links.push((self.out.len(), destination));
            }
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => self.end_line(),
            TagEnd::Heading(level) => {
                let width = self.out[self.heading..].chars().count();
                self.end_line();
                let rule = match level {
                    pulldown_cmark::HeadingLevel::H1 => Some('='),
                    pulldown_cmark::HeadingLevel::H2 => Some('-'),
                    _ => None,
                };
                if let (Some(rule), true) = (rule, width > 0) {
                    self.open_line();
                    self.out.extend(std::iter::repeat_n(rule, width));
                    self.end_line();
                }
            }
            TagEnd::BlockQuote(_) | TagEnd::CodeBlock | TagEnd::Item => {
                self.end_line();
                self.indent.pop();
                self.marker = None;
            }
            TagEnd::List(_) => {
                self.end_line();
                self.lists.pop();
            }
            TagEnd::TableHead => {
                let width = self.out[self.out.rfind('\n').map_or(0, |at| at + 1)..]
                    .chars()
                    .count()
                    .saturating_sub(self.column);
                self.end_line();
                self.open_line();
                self.out.extend(std::iter::repeat_n('-', width));
                self.end_line();
            }
            TagEnd::TableRow | TagEnd::Table => self.end_line(),
            TagEnd::Link | TagEnd::Image => {
                let Some((start, destination)) = self.links.pop() else {
                    return;
                };
                let Some(url) = destination else {
                    return;
                };
                let text = &self.out[start..];
                if text.is_empty() {
                    self.text(&url);
                } else if text != url && format!("mailto:{text}") != url {
                    self.text(" (");
                    self.text(&url);
                    self.text(")");
                }
            }
            TagEnd::TableCell
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => {}
        }
    }

    /// The text, ending with one line feed (or empty).
    fn finish(mut self) -> String {
        self.end_line();
        let kept = self.out.trim_end_matches('\n').len();
        self.out.truncate(kept);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::schema::DocKind;

    const BODY: &str =
        "Le congrès **affirme** que :\n\n- la *section* décide ;\n- le reste suit.\n";

    #[test]
    fn markdown_is_the_title_then_the_body_as_it_is() {
        assert_eq!(
            to_markdown("Motion n°3 🗳", BODY),
            format!("# Motion n°3 🗳\n\n{BODY}")
        );
        assert_eq!(to_markdown("", BODY), BODY);
        assert_eq!(to_markdown("  \n ", BODY), BODY);
        assert_eq!(to_markdown("Motion", ""), "# Motion\n");
    }

    #[test]
    fn a_body_that_begins_with_its_title_gets_it_once() {
        let body = "# Motion d'orientation\n\nTexte.\n";
        assert_eq!(to_markdown("Motion d'orientation", body), body);
        assert_eq!(to_markdown(" Motion  d'orientation ", body), body);
        let html = to_html("Motion d'orientation", body, "fr");
        assert_eq!(html.matches("<h1").count(), 1, "{html}");
        assert!(html.contains("<title>Motion d&#39;orientation</title>"));
        let text = to_text("Motion d'orientation", body);
        assert_eq!(text.matches("Motion d'orientation").count(), 1, "{text}");
        // Another first heading is not the title.
        let other = "# Préambule\n\nTexte.\n";
        assert_eq!(to_markdown("Motion", other), format!("# Motion\n\n{other}"));
    }

    #[test]
    fn a_title_is_one_line_of_plain_words_in_markdown() {
        assert_eq!(
            to_markdown("Motion\n*urgente* #3 #", "x"),
            "# Motion \\*urgente\\* \\#3 \\#\n\nx"
        );
        // Read back, it is the same title.
        let exported = to_markdown("Motion *urgente* #3 #", "x");
        assert_eq!(import(&exported, None).title, "Motion *urgente* #3 #");
    }

    #[test]
    fn import_then_export_gives_the_file_back() {
        let files = [
            "# Motion pour la paix 🕊\n\nLes adhérent·es **réuni·es** le 3 mai…\n\n- un\n- deux\n",
            "Pas de titre, juste un texte. Ça marche aussi 👍🏽\n",
            "# Titre fermé #\nsuite",
            "",
            "#hashtag n'est pas un titre\n",
        ];
        for file in files {
            let imported = import(file, None);
            assert_eq!(
                to_markdown(&imported.title, &imported.body),
                file,
                "{file:?}"
            );
        }
        assert_eq!(import(files[0], None).title, "Motion pour la paix 🕊");
        assert_eq!(import(files[1], None).title, "");
        assert_eq!(import(files[2], None).title, "Titre fermé");
        assert_eq!(import(files[4], None).title, "");
        // Given the title its heading already has: the same file again.
        let given = import(files[0], Some("Motion pour la paix 🕊"));
        assert_eq!(to_markdown(&given.title, &given.body), files[0]);
        // Given another: it is added above.
        let renamed = import(files[1], Some("Tract\n"));
        assert_eq!(renamed.title, "Tract");
        assert_eq!(
            to_markdown(&renamed.title, &renamed.body),
            format!("# Tract\n\n{}", files[1])
        );
    }

    #[test]
    fn import_makes_line_endings_line_feeds_and_drops_a_byte_order_mark() {
        let imported = import("\u{feff}# Motion\r\n\r\nligne 1\rligne 2\r\n", None);
        assert_eq!(imported.title, "Motion");
        assert_eq!(imported.body, "# Motion\n\nligne 1\nligne 2\n");
    }

    #[test]
    fn the_html_page_is_standalone_titled_and_safe() {
        let hostile = "<script>alert(1)</script>\n\n![x](http://tracker.example/p.png) \
                       [a](javascript:alert(1)) [b](https://exemple.org)";
        let html = to_html("</title><script>alert(2)</script>", hostile, "fr");
        assert!(
            html.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"),
            "{html}"
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<title>&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;</title>"),
            "{html}"
        );
        assert!(html.contains("content=\"default-src 'none'"), "{html}");
        assert!(html.contains("<meta name=\"referrer\" content=\"no-referrer\">"));
        // Nothing that a browser would fetch: no stylesheet, script, font
        // or image element, no url() in the style.
        for fetching in ["<link", "src=", "url(", "@import"] {
            assert!(!html.contains(fetching), "{fetching} in {html}");
        }
        assert!(
            html.contains(&markdown::to_html_numbered(hostile)),
            "the preview's HTML"
        );
        assert!(html.contains("Image :\u{a0}"), "the image label in French");
        assert!(to_html("T", "x", "en-GB").contains("Image:\u{a0}"));
    }

    #[test]
    fn the_html_page_has_a_title_and_a_language_whatever_it_is_given() {
        let html = to_html("", "Texte", "\"><script>");
        assert!(html.contains("<html lang=\"und\">"), "{html}");
        assert!(html.contains("<title>Cahier</title>"), "{html}");
        assert!(!html.contains("<h1"), "no empty heading: {html}");
        let titled = to_html("Motion", "Texte", "fr");
        assert!(titled.contains(
            "<h1 class=\"title\">Motion</h1>\n<p><span class=\"ln\" data-line=\"1\"></span>Texte</p>\n"
        ));
    }

    #[test]
    fn plain_text_drops_the_marks_and_keeps_the_words() {
        let body = "# Article 1\n\nUn *peu* de **gras**, `du code` et ~~rien~~.\nSuite.\n\n\
                    ## Points\n\n- un\n- deux\n  - sous-point\n\n3. trois\n4. quatre\n\n\
                    > cité\n> encore\n\n```\nfn main() {}\n\nfin\n```\n\n\
                    | Pour | Contre |\n|---|---|\n| 12 | 3 |\n\n- [x] fait\n\n---\n\n\
                    [site](https://exemple.org) <https://a.fr> [x](javascript:alert(1)) \
                    ![logo](logo.png) <b>brut</b>\n";
        let expected = "Motion\n======\n\n\
                        Article 1\n=========\n\n\
                        Un peu de gras, du code et rien.\nSuite.\n\n\
                        Points\n------\n\n\
                        - un\n- deux\n  - sous-point\n\n\
                        3. trois\n4. quatre\n\n\
                        > cité\n> encore\n\n\
                        \x20   fn main() {}\n\n    fin\n\n\
                        Pour | Contre\n-------------\n12 | 3\n\n\
                        - [x] fait\n\n\
                        * * *\n\n\
                        site (https://exemple.org) https://a.fr x logo (logo.png) <b>brut</b>\n";
        assert_eq!(to_text("Motion", body), expected);
    }

    #[test]
    fn plain_text_of_nothing_is_nothing() {
        assert_eq!(to_text("", ""), "");
        assert_eq!(to_text("Motion", ""), "Motion\n======\n");
        assert_eq!(to_text("", "mot"), "mot\n");
    }

    #[test]
    fn a_quote_keeps_its_marks_on_every_line_and_lists_nest_under_items() {
        let text = to_text("", "> un\n>\n> deux\n\n1. a\n\n   suite de a\n2. b\n");
        assert_eq!(text, "> un\n>\n> deux\n\n1. a\n\n   suite de a\n2. b\n");
    }

    /// A long motion: paragraphs longer than a line, a list, a quote, a
    /// heading, a table, code.
    const LONG: &str = "# Article premier\n\n\
        Le congrès, réuni à Saint-Étienne-du-Rouvray le 3 mai, **affirme** que la section \
        locale doit disposer des moyens nécessaires à son action, c'est-à-dire d'un local, \
        d'un budget et d'un *temps* de parole garanti lors des assemblées générales.\n\
        Il demande que ces moyens soient votés chaque année.\n\n\
        - premier point à l'ordre du jour, qui est long lui aussi et dépasse la longueur d'une ligne\n\
        - second point\n\n\
        > Citation d'un texte adopté l'an passé, qu'on ne modifie pas, et qui tient sur deux lignes.\n\n\
        | Pour | Contre |\n|---|---|\n| 12 | 3 |\n\n```\nfn main() {}\n```\n";

    #[test]
    fn plain_text_has_the_line_numbers_in_a_left_column() {
        assert_eq!(
            to_text_numbered("Motion", "un\ndeux\n\n- trois"),
            "Motion\n======\n\n1  un\n2  deux\n\n3  - trois\n"
        );
        assert_eq!(to_text_numbered("", ""), "");
        assert_eq!(
            to_text_numbered("", "# Titre\n\nx"),
            "1  Titre\n   =====\n\n2  x\n"
        );
        let text = to_text_numbered("", LONG);
        let lines = Lines::new(LONG);
        assert!(lines.len() >= 10, "{}", lines.len());
        let width = lines.len().to_string().len();
        // Every number once, in order, at the start of an output line.
        let numbers: Vec<u32> = text
            .lines()
            .filter_map(|line| line.get(..width)?.trim().parse().ok())
            .collect();
        let mut expected: Vec<u32> = (1..=lines.len() as u32).collect();
        // The table's `|---|` row is written with the row after it.
        expected
            .retain(|&n| !LONG[lines.get(n).expect("a line").bytes.clone()].starts_with("|---"));
        // As are a code fence and the first line it opens.
        expected.retain(|&n| &LONG[lines.get(n).expect("a line").bytes.clone()] != "```");
        assert_eq!(numbers, expected, "{text}");
    }

    /// The first word of each numbered line of `body`, without its marks.
    fn first_words(body: &str) -> Vec<(u32, String)> {
        Lines::new(body)
            .lines()
            .iter()
            .filter_map(|line| {
                let word = body[line.bytes.clone()]
                    .split_whitespace()
                    .find(|w| w.chars().any(char::is_alphanumeric))?
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_owned();
                Some((line.number, word))
            })
            .collect()
    }

    #[test]
    fn the_text_and_html_numbers_start_the_same_words_as_the_lines() {
        let html = to_html("", LONG, "fr");
        let marked = markdown::tests::numbered_texts(&html);
        let text = to_text_numbered("", LONG);
        let width = Lines::new(LONG).len().to_string().len();
        let columns: Vec<(u32, String)> = text
            .lines()
            .filter_map(|line| {
                let number = line.get(..width)?.trim().parse().ok()?;
                Some((number, line[width + 2..].to_owned()))
            })
            .collect();
        for (number, word) in first_words(LONG) {
            if let Some((_, html_text)) = marked.iter().find(|(n, _)| *n == number) {
                // A marker followed at once by another shows nothing.
                if !html_text.is_empty() {
                    assert!(
                        html_text.contains(&word),
                        "html {number}: {html_text:?} / {word}"
                    );
                    let first = html_text.split_whitespace().next().unwrap_or_default();
                    assert!(
                        first.contains(&word),
                        "html {number}: {html_text:?} / {word}"
                    );
                }
            } else {
                panic!("no marker for line {number}");
            }
            if let Some((_, line)) = columns.iter().find(|(n, _)| *n == number) {
                let first = line
                    .split_whitespace()
                    .find(|w| w.chars().any(char::is_alphanumeric))
                    .unwrap_or_default();
                assert!(first.contains(&word), "text {number}: {line:?} / {word}");
            }
        }
        // The page shows the numbers in the margin, and hides a marker
        // that another follows at once.
        assert!(
            html.contains(".ln::before{content:attr(data-line)"),
            "{html}"
        );
    }

    #[test]
    fn formats_are_named_by_their_extension() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.extension()), Some(format));
            assert!(format.media_type().ends_with("charset=utf-8"));
        }
        assert_eq!(Format::from_name("Markdown"), Some(Format::Markdown));
        assert_eq!(Format::from_name("pdf"), None);
    }

    #[test]
    fn a_document_exports_its_own_title_and_body() {
        let doc = Document::new(1);
        doc.init_meta(DocKind::Text, "Motion", 0);
        doc.edit_body(&Edit {
            start: 0,
            delete: 0,
            insert: "Texte **gras**.".into(),
        })
        .expect("fits");
        assert_eq!(
            doc.export(Format::Markdown, "fr"),
            "# Motion\n\nTexte **gras**."
        );
        assert_eq!(
            doc.export(Format::Text, "fr"),
            "Motion\n======\n\n1  Texte gras.\n"
        );
        assert_eq!(
            doc.export(Format::Html, "fr"),
            render(Format::Html, "Motion", "Texte **gras**.", "fr")
        );
    }
}

//! The body's Markdown as HTML for the preview, printing and the HTML
//! export ([`crate::export`]), safe to set with `innerHTML` although a
//! co-author wrote it (DESIGN.md: "the Markdown preview and every export
//! render without raw HTML").
//!
//! `pulldown-cmark` parses CommonMark with tables, strikethrough and task
//! lists; this module writes the HTML itself from the parser's events,
//! from a short list of elements, rather than using the crate's writer,
//! which passes raw HTML through. So:
//!
//! - raw HTML, a block or inline (`<script>`, `<img onerror=…>`, comments),
//!   is shown as text, escaped;
//! - every text and attribute value is escaped; the only attributes are
//!   `href`, `title`, and `class`/`start`/`type` values written here;
//! - a link's destination is kept only if it is `http:`, `https:`,
//!   `mailto:`, a relative path or a fragment ([`safe_url`]); any other
//!   scheme (`javascript:`, `data:`, `vbscript:`, `file:` …) turns the link
//!   into its plain text; so does a link into a Cahier document (a `#e=` or
//!   `#v=` fragment: a co-author's text should not open another document,
//!   with its keys, in the reader's app), see [`opens_a_document`];
//! - a backslash in a destination is written `%5C`, as CommonMark's
//!   reference renderer does: a browser reads a raw `\` in a URL as `/`, so
//!   `[x](/\evil.example/p)` would leave the app while looking relative;
//! - images are never loaded: fetching a co-author's image URL would give
//!   each reader's IP address (and the moment they read) to whoever runs
//!   that server. An image is shown as a link to it, its alt text as the
//!   link's text (class `image`);
//! - links (and image links) open in a new tab with
//!   `rel="noopener noreferrer nofollow"`; those leaving the app (`http(s)`,
//!   `mailto`) also get class `external`, so the print stylesheet can write
//!   their address after them.
//!
//! Headings get no `id` (`{#id}` attributes are off): a co-author cannot
//! give an element an id the page uses itself.
//!
//! **Line numbers.** [`to_html_numbered`] (the preview, printing, the HTML
//! export) marks where each numbered line of [`crate::lines`] starts with
//! an empty `<span class="ln" data-line="N"></span>` before the line's
//! first character, and a `<br>` before it where the line starts inside a
//! block (a soft line break, or a long line cut at 80 characters), so
//! the rendered lines are the numbered lines; the stylesheet writes the
//! number in the margin from `data-line`. The marker is found through
//! pulldown-cmark's source offsets: text that is the source as it is (most
//! text) is split where the line starts; text that is not (an escape, an
//! entity) gets the marker before it. A numbered line that renders nothing
//! (a table's `|---|` row, a code fence, a Setext underline) has its
//! marker just before the next line's, with nothing between: the
//! stylesheet hides a marker followed at once by another. The numbers are
//! written by this module, never taken from the text.

use std::ops::Range;

use pulldown_cmark::{Alignment, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::lines::Lines;

/// The Markdown extensions the preview (and every export) understands.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// What a link's `rel` says: no `window.opener` for the page it opens, no
/// `Referer` telling it where the reader came from, no endorsement.
const REL: &str = "noopener noreferrer nofollow";

/// Render `markdown` as HTML that runs nothing and loads nothing.
pub fn to_html(markdown: &str) -> String {
    let mut writer = Writer {
        // HTML is usually a little longer than its Markdown.
        out: String::with_capacity(markdown.len() + markdown.len() / 4 + 16),
        ..Writer::default()
    };
    for event in Parser::new_ext(markdown, options()) {
        writer.event(event);
    }
    writer.out
}

/// Render `markdown` as [`to_html`] does, with the start of each numbered
/// line ([`crate::lines`]) marked (see the module docs).
pub fn to_html_numbered(markdown: &str) -> String {
    let lines = Lines::new(markdown);
    let mut writer = Writer {
        out: String::with_capacity(markdown.len() + markdown.len() / 4 + 48 * lines.len() + 16),
        marks: Some(Marks::new(markdown, &lines)),
        fresh: true,
        ..Writer::default()
    };
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        writer.numbered_event(event, range);
    }
    // Lines after the last text render nothing (a closing code fence, a
    // link's definition): no marker.
    writer.out
}

/// The numbered lines' starts not yet marked, for a writer that follows
/// the parser's events with their source offsets.
#[derive(Default)]
pub(crate) struct Marks<'a> {
    source: &'a str,
    /// `(byte offset, number)` of each line's start, in order.
    starts: Vec<(usize, u32)>,
    next: usize,
}

impl<'a> Marks<'a> {
    pub(crate) fn new(source: &'a str, lines: &Lines) -> Self {
        Marks {
            source,
            starts: lines
                .lines()
                .iter()
                .map(|line| (line.bytes.start, line.number))
                .collect(),
            next: 0,
        }
    }

    /// Whether a line not yet marked starts before `offset`.
    pub(crate) fn pending(&self, offset: usize) -> bool {
        self.starts
            .get(self.next)
            .is_some_and(|&(start, _)| start < offset)
    }

    /// The next line to mark if it starts before `offset`, taken.
    pub(crate) fn before(&mut self, offset: usize) -> Option<u32> {
        let &(start, number) = self.starts.get(self.next)?;
        (start < offset).then(|| {
            self.next += 1;
            number
        })
    }

    /// Where `text`, an event's text, is in the source, if it is there as
    /// it is inside the event's `range` (not for an escape or an entity).
    pub(crate) fn locate(&self, text: &str, range: &Range<usize>) -> Option<usize> {
        let source = self.source.get(range.clone())?;
        if source == text {
            return Some(range.start);
        }
        if text.is_empty() {
            return None;
        }
        // Inline code: the text inside its backticks.
        source.find(text).map(|at| range.start + at)
    }

    /// `text` (an event's text over `range`) cut where numbered lines
    /// start: each piece with the line numbers to mark before it.
    pub(crate) fn split<'t>(
        &mut self,
        text: &'t str,
        range: &Range<usize>,
    ) -> Vec<(Vec<u32>, &'t str)> {
        let mut pieces = Vec::new();
        let Some(base) = self.locate(text, range) else {
            let mut numbers = Vec::new();
            while let Some(number) = self.before(range.end.max(range.start + 1)) {
                numbers.push(number);
            }
            pieces.push((numbers, text));
            return pieces;
        };
        let mut from = 0;
        let mut numbers = Vec::new();
        while let Some(&(start, number)) = self.starts.get(self.next) {
            if start >= base + text.len().max(1) {
                break;
            }
            self.next += 1;
            let cut = start.saturating_sub(base).max(from);
            if cut > from && text.is_char_boundary(cut) {
                pieces.push((std::mem::take(&mut numbers), &text[from..cut]));
                from = cut;
            }
            numbers.push(number);
        }
        pieces.push((numbers, &text[from..]));
        pieces
    }
}

/// Where a link may lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Out of the app: `http(s):`, `mailto:`, or `//host/…`.
    External(String),
    /// A path relative to the page, or a `#fragment`.
    Relative(String),
}

/// The destination `url` if a link may lead there, as the browser would
/// read it (tabs and line breaks removed, surrounding spaces and control
/// characters trimmed, a backslash written `%5C`); `None` for any scheme
/// other than `http`, `https` and `mailto`, and for a link into a Cahier
/// document ([`opens_a_document`]).
pub fn safe_url(url: &str) -> Option<Destination> {
    // The URL standard drops these before parsing, so `java\tscript:` is
    // `javascript:` to a browser (and `&#9;` in Markdown is a tab).
    let cleaned: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let cleaned = cleaned
        .trim_matches(|c: char| c <= ' ')
        .replace('\\', "%5C");
    if opens_a_document(&cleaned) {
        return None;
    }
    // A scheme is whatever comes before a `:` that precedes any `/`, `?`,
    // `#`. Anything that looks like one and is not allowed is refused,
    // even where a browser would read a relative path.
    match cleaned.find([':', '/', '?', '#']) {
        Some(at) if cleaned[at..].starts_with(':') => {
            let scheme = cleaned[..at].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
                .then(|| Destination::External(cleaned))
        }
        _ if cleaned.starts_with("//") => Some(Destination::External(cleaned)),
        _ => Some(Destination::Relative(cleaned)),
    }
}

/// Whether `url` carries a Cahier link's keys: a fragment whose parameters
/// (`&`-separated) include `e=` or `v=`, whatever the host. Followed from
/// a preview, it would open that document in the reader's app: a co-author
/// could lead a reader into a look-alike document of their own.
pub fn opens_a_document(url: &str) -> bool {
    let Some((_, fragment)) = url.split_once('#') else {
        return false;
    };
    fragment.split('&').any(|part| {
        let part = part.trim_start_matches('/');
        part.starts_with("e=") || part.starts_with("v=")
    })
}

/// Append `text` to `out` with `&`, `<`, `>`, `"` and `'` escaped: safe in
/// element content and in a double-quoted attribute value.
pub fn escape_into(out: &mut String, text: &str) {
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[start..at]);
        out.push_str(entity);
        start = at + 1;
    }
    out.push_str(&text[start..]);
}

/// How a link or an image was opened, so its end closes the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Opened {
    /// `<a>`: close with `</a>`.
    Anchor,
    /// Refused destination: only the text was written.
    Nothing,
}

#[derive(Default)]
struct Writer<'a> {
    out: String,
    /// The numbered lines to mark, when numbering.
    marks: Option<Marks<'a>>,
    /// Nothing written yet on the current rendered line (a block just
    /// opened or closed, a `<br>`, a line feed in a code block): a line
    /// starting here needs no `<br>` before its marker.
    fresh: bool,
    /// Inside `<pre>`: line feeds are shown.
    in_pre: bool,
    /// The open links, innermost last (an image inside a link makes two).
    links: Vec<Opened>,
    /// Inside an image: only its alt text is written, as the link's text.
    image_depth: usize,
    /// Whether the image being written has alt text yet.
    image_alt: bool,
    /// The image's address, written as its text when it has no alt text.
    image_url: String,
    alignments: Vec<Alignment>,
    cell: usize,
    in_head: bool,
}

impl Writer<'_> {
    fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text);
    }

    /// Mark the start of line `number`, on a rendered line of its own.
    fn mark(&mut self, number: u32) {
        if !self.fresh {
            self.out.push_str("<br>");
            self.fresh = true;
        }
        self.out.push_str("<span class=\"ln\" data-line=\"");
        self.out.push_str(&number.to_string());
        self.out.push_str("\"></span>");
    }

    /// Mark every line starting before `offset` (the start of something
    /// written).
    fn flush_marks(&mut self, offset: usize) {
        while let Some(number) = self.marks.as_mut().and_then(|m| m.before(offset)) {
            self.mark(number);
        }
    }

    /// An event, with its source range, when numbering lines.
    fn numbered_event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Code(text) if self.image_depth == 0 => {
                let pieces = self.split(&text, &range);
                self.out.push_str("<code>");
                self.fresh = false;
                for (numbers, piece) in pieces {
                    for number in numbers {
                        self.mark(number);
                    }
                    self.text(piece);
                    self.fresh = false;
                }
                self.out.push_str("</code>");
            }
            Event::Text(text)
            | Event::Code(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => {
                for (numbers, piece) in self.split(&text, &range) {
                    for number in numbers {
                        self.mark(number);
                    }
                    if !piece.is_empty() {
                        // Raw HTML is text too (see `event`).
                        self.event(Event::Text(piece.into()));
                        self.fresh = self.in_pre && piece.ends_with('\n');
                    }
                }
            }
            Event::SoftBreak => self.event(Event::SoftBreak),
            Event::HardBreak => {
                self.event(Event::HardBreak);
                self.fresh = true;
            }
            Event::Start(tag) => {
                let block = is_block(&tag);
                if block && matches!(tag, Tag::CodeBlock(_) | Tag::HtmlBlock) {
                    self.in_pre = true;
                }
                if !block && self.image_depth == 0 {
                    // A line that starts with a link or emphasis is marked
                    // before it, not inside: a link's box would reach the
                    // number in the margin and take its clicks.
                    self.flush_marks(range.start + 1);
                }
                self.event(Event::Start(tag));
                if block {
                    self.fresh = true;
                }
            }
            Event::End(tag) => {
                if matches!(tag, TagEnd::CodeBlock | TagEnd::HtmlBlock) {
                    self.in_pre = false;
                }
                let block = is_block_end(tag);
                self.event(Event::End(tag));
                if block {
                    self.fresh = true;
                }
            }
            other => {
                self.flush_marks(range.end.max(range.start + 1));
                let rule = matches!(other, Event::Rule);
                self.event(other);
                self.fresh = rule;
            }
        }
    }

    /// An event's text cut where numbered lines start (whole, when not
    /// numbering).
    fn split<'t>(&mut self, text: &'t str, range: &Range<usize>) -> Vec<(Vec<u32>, &'t str)> {
        match self.marks.as_mut() {
            Some(marks) if marks.pending(range.end.max(range.start + 1)) => {
                marks.split(text, range)
            }
            _ => vec![(Vec::new(), text)],
        }
    }

    fn event(&mut self, event: Event<'_>) {
        if self.image_depth > 0 {
            self.image_event(event);
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => {
                self.out.push_str("<code>");
                self.text(&code);
                self.out.push_str("</code>");
            }
            // Raw HTML is shown as what it is: text.
            Event::Html(html) | Event::InlineHtml(html) => self.text(&html),
            Event::SoftBreak => self.out.push('\n'),
            Event::HardBreak => self.out.push_str("<br>\n"),
            Event::Rule => self.out.push_str("<hr>\n"),
            Event::TaskListMarker(done) => self.out.push_str(if done {
                "<input type=\"checkbox\" disabled checked> "
            } else {
                "<input type=\"checkbox\" disabled> "
            }),
            // Not enabled in `options()`; kept as text should that change.
            Event::InlineMath(text) | Event::DisplayMath(text) => self.text(&text),
            Event::FootnoteReference(name) => {
                self.out.push('[');
                self.text(&name);
                self.out.push(']');
            }
        }
    }

    /// Inside an image, keep the text of its alt and nothing else.
    fn image_event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(Tag::Image { .. }) => self.image_depth += 1,
            Event::End(TagEnd::Image) => {
                self.image_depth -= 1;
                if self.image_depth == 0 {
                    if !self.image_alt {
                        let url = std::mem::take(&mut self.image_url);
                        self.text(&url);
                    }
                    self.close_link();
                }
            }
            Event::Text(text)
            | Event::Code(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => {
                self.image_alt |= !text.is_empty();
                self.text(&text);
            }
            Event::SoftBreak | Event::HardBreak => self.out.push(' '),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.out.push_str("<p>"),
            Tag::Heading { level, .. } => {
                self.out.push_str(&format!("<{level}>"));
            }
            Tag::BlockQuote(_) => self.out.push_str("<blockquote>\n"),
            // The info string (a language name) is not kept: nothing uses
            // it, and it is one attribute less to worry about.
            Tag::CodeBlock(_) => self.out.push_str("<pre><code>"),
            Tag::HtmlBlock => self.out.push_str("<pre class=\"raw-html\">"),
            Tag::List(Some(1)) => self.out.push_str("<ol>\n"),
            Tag::List(Some(start)) => self.out.push_str(&format!("<ol start=\"{start}\">\n")),
            Tag::List(None) => self.out.push_str("<ul>\n"),
            Tag::Item => self.out.push_str("<li>"),
            Tag::Table(alignments) => {
                self.alignments = alignments;
                self.out.push_str("<table>\n");
            }
            Tag::TableHead => {
                self.in_head = true;
                self.cell = 0;
                self.out.push_str("<thead>\n<tr>");
            }
            Tag::TableRow => {
                self.cell = 0;
                self.out.push_str("<tr>");
            }
            Tag::TableCell => {
                self.out.push_str(if self.in_head { "<th" } else { "<td" });
                self.out
                    .push_str(match self.alignments.get(self.cell).copied() {
                        Some(Alignment::Left) => " class=\"left\">",
                        Some(Alignment::Center) => " class=\"center\">",
                        Some(Alignment::Right) => " class=\"right\">",
                        Some(Alignment::None) | None => ">",
                    });
            }
            Tag::Emphasis => self.out.push_str("<em>"),
            Tag::Strong => self.out.push_str("<strong>"),
            Tag::Strikethrough => self.out.push_str("<del>"),
            Tag::Superscript => self.out.push_str("<sup>"),
            Tag::Subscript => self.out.push_str("<sub>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => self.open_link(link_type, &dest_url, &title, None),
            Tag::Image {
                link_type,
                dest_url,
                title,
                ..
            } => {
                self.image_depth = 1;
                self.image_alt = false;
                self.image_url = dest_url.to_string();
                self.open_link(link_type, &dest_url, &title, Some("image"));
            }
            // Not enabled in `options()`: their content is written as is.
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.out.push_str("</p>\n"),
            TagEnd::Heading(level) => self.out.push_str(&format!("</{level}>\n")),
            TagEnd::BlockQuote(_) => self.out.push_str("</blockquote>\n"),
            TagEnd::CodeBlock => self.out.push_str("</code></pre>\n"),
            TagEnd::HtmlBlock => self.out.push_str("</pre>\n"),
            TagEnd::List(true) => self.out.push_str("</ol>\n"),
            TagEnd::List(false) => self.out.push_str("</ul>\n"),
            TagEnd::Item => self.out.push_str("</li>\n"),
            TagEnd::Table => self.out.push_str("</tbody>\n</table>\n"),
            TagEnd::TableHead => {
                self.in_head = false;
                self.out.push_str("</tr>\n</thead>\n<tbody>\n");
            }
            TagEnd::TableRow => self.out.push_str("</tr>\n"),
            TagEnd::TableCell => {
                self.out
                    .push_str(if self.in_head { "</th>" } else { "</td>" });
                self.cell += 1;
            }
            TagEnd::Emphasis => self.out.push_str("</em>"),
            TagEnd::Strong => self.out.push_str("</strong>"),
            TagEnd::Strikethrough => self.out.push_str("</del>"),
            TagEnd::Superscript => self.out.push_str("</sup>"),
            TagEnd::Subscript => self.out.push_str("</sub>"),
            TagEnd::Link => self.close_link(),
            // Handled by `image_event`.
            TagEnd::Image => {}
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => {}
        }
    }

    fn open_link(
        &mut self,
        link_type: LinkType,
        url: &CowStr<'_>,
        title: &str,
        class: Option<&str>,
    ) {
        let url = if link_type == LinkType::Email {
            format!("mailto:{url}")
        } else {
            url.to_string()
        };
        let Some(destination) = safe_url(&url) else {
            self.links.push(Opened::Nothing);
            return;
        };
        let (href, external) = match destination {
            Destination::External(href) => (href, true),
            Destination::Relative(href) => (href, false),
        };
        self.out.push_str("<a href=\"");
        self.text(&href);
        self.out.push('"');
        if !title.is_empty() {
            self.out.push_str(" title=\"");
            self.text(title);
            self.out.push('"');
        }
        let classes: Vec<&str> = class
            .into_iter()
            .chain(external.then_some("external"))
            .collect();
        if !classes.is_empty() {
            self.out.push_str(" class=\"");
            self.out.push_str(&classes.join(" "));
            self.out.push('"');
        }
        if !href.starts_with('#') {
            self.out.push_str(" target=\"_blank\" rel=\"");
            self.out.push_str(REL);
            self.out.push('"');
        }
        self.out.push('>');
        self.links.push(Opened::Anchor);
    }

    fn close_link(&mut self) {
        if self.links.pop() == Some(Opened::Anchor) {
            self.out.push_str("</a>");
        }
    }
}

/// Whether `tag` opens a block: what follows starts a rendered line.
fn is_block(tag: &Tag<'_>) -> bool {
    !matches!(
        tag,
        Tag::TableCell
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

/// Whether `tag` closes a block.
fn is_block_end(tag: TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::TableCell
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const EXTERNAL: &str = "target=\"_blank\" rel=\"noopener noreferrer nofollow\"";

    #[test]
    fn headings_paragraphs_and_emphasis() {
        assert_eq!(
            to_html("# Titre\n\nUn *peu* de **gras** et ~~rien~~, `du code`.\n\n### Trois"),
            "<h1>Titre</h1>\n<p>Un <em>peu</em> de <strong>gras</strong> et <del>rien</del>, \
             <code>du code</code>.</p>\n<h3>Trois</h3>\n"
        );
    }

    #[test]
    fn lists_ordered_unordered_and_tasks() {
        assert_eq!(
            to_html("- un\n- deux\n\n3. trois\n4. quatre\n\nfin\n\n1. a\n"),
            "<ul>\n<li>un</li>\n<li>deux</li>\n</ul>\n\
             <ol start=\"3\">\n<li>trois</li>\n<li>quatre</li>\n</ol>\n<p>fin</p>\n\
             <ol>\n<li>a</li>\n</ol>\n"
        );
        assert_eq!(
            to_html("- [x] fait\n- [ ] à faire\n"),
            "<ul>\n<li><input type=\"checkbox\" disabled checked> fait</li>\n\
             <li><input type=\"checkbox\" disabled> à faire</li>\n</ul>\n"
        );
    }

    #[test]
    fn tables_with_alignment() {
        assert_eq!(
            to_html("| Pour | Contre |\n|:-----|------:|\n| 12 | 3 |\n"),
            "<table>\n<thead>\n<tr><th class=\"left\">Pour</th><th class=\"right\">Contre</th></tr>\n\
             </thead>\n<tbody>\n<tr><td class=\"left\">12</td><td class=\"right\">3</td></tr>\n\
             </tbody>\n</table>\n"
        );
    }

    #[test]
    fn quotes_code_blocks_breaks_and_rules() {
        assert_eq!(
            to_html("> cité\n\n```rust\nfn main() {}\n```\n\nligne  \nsuite\n\n---\n"),
            "<blockquote>\n<p>cité</p>\n</blockquote>\n<pre><code>fn main() {}\n</code></pre>\n\
             <p>ligne<br>\nsuite</p>\n<hr>\n"
        );
    }

    #[test]
    fn a_script_block_is_shown_as_text() {
        assert_eq!(
            to_html("<script>alert(1)</script>"),
            "<pre class=\"raw-html\">&lt;script&gt;alert(1)&lt;/script&gt;</pre>\n"
        );
    }

    #[test]
    fn inline_html_is_shown_as_text() {
        assert_eq!(
            to_html("Voir <img src=x onerror=alert(1)> et <b>ça</b>"),
            "<p>Voir &lt;img src=x onerror=alert(1)&gt; et &lt;b&gt;ça&lt;/b&gt;</p>\n"
        );
        assert_eq!(
            to_html("<img src=x onerror=\"alert('x')\">\n"),
            "<pre class=\"raw-html\">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;\n</pre>\n"
        );
    }

    #[test]
    fn raw_html_anchors_are_text_not_links() {
        assert_eq!(
            to_html("clic <a href=\"javascript:alert(1)\">ici</a>"),
            "<p>clic &lt;a href=&quot;javascript:alert(1)&quot;&gt;ici&lt;/a&gt;</p>\n"
        );
    }

    #[test]
    fn a_javascript_link_keeps_only_its_text() {
        assert_eq!(to_html("[x](javascript:alert(1))"), "<p>x</p>\n");
        assert_eq!(to_html("[x](JavaScript:alert(1))"), "<p>x</p>\n");
        // `&#9;` is a tab, which the browser would drop from the URL.
        assert_eq!(to_html("[x](java&#9;script:alert(1))"), "<p>x</p>\n");
        assert_eq!(to_html("[x](<\u{1}javascript:alert(1)>)"), "<p>x</p>\n");
        assert_eq!(to_html("[x](data:text/html,<b>)"), "<p>x</p>\n");
        assert_eq!(to_html("[x](vbscript:msgbox)"), "<p>x</p>\n");
        assert_eq!(
            to_html("<javascript:alert(1)>"),
            "<p>javascript:alert(1)</p>\n"
        );
        assert_eq!(to_html("[r]: javascript:alert(1)\n\n[a][r]"), "<p>a</p>\n");
    }

    #[test]
    fn web_links_open_outside_with_no_referrer() {
        assert_eq!(
            to_html("[site](https://example.org/a?b=1&c=\"2\" \"Le titre\")"),
            format!(
                "<p><a href=\"https://example.org/a?b=1&amp;c=&quot;2&quot;\" title=\"Le titre\" \
                 class=\"external\" {EXTERNAL}>site</a></p>\n"
            )
        );
        assert_eq!(
            to_html("<mailto:a@b.fr> <c@d.fr> <http://e.fr>"),
            format!(
                "<p><a href=\"mailto:a@b.fr\" class=\"external\" {EXTERNAL}>mailto:a@b.fr</a> \
                 <a href=\"mailto:c@d.fr\" class=\"external\" {EXTERNAL}>c@d.fr</a> \
                 <a href=\"http://e.fr\" class=\"external\" {EXTERNAL}>http://e.fr</a></p>\n"
            )
        );
    }

    #[test]
    fn a_link_into_a_cahier_document_is_text() {
        assert_eq!(
            to_html("[vote](https://cahier.example/#e=AAAA.bbb) et [lire](#v=CCC.ddd)"),
            "<p>vote et lire</p>\n"
        );
        assert_eq!(
            to_html("<https://cahier.example/#x=1&e=AAAA>"),
            "<p>https://cahier.example/#x=1&amp;e=AAAA</p>\n"
        );
        assert!(!opens_a_document("https://e.fr/#section"));
        assert!(!opens_a_document("https://e.fr/?e=1"));
        assert!(opens_a_document("#/v=abc"));
    }

    #[test]
    fn a_backslash_in_a_destination_is_percent_encoded() {
        // A browser reads `/\evil.example/p` as `//evil.example/p`.
        assert_eq!(
            to_html("[x](/\\evil.example/p)"),
            format!("<p><a href=\"/%5Cevil.example/p\" {EXTERNAL}>x</a></p>\n")
        );
        assert_eq!(
            safe_url("\\\\evil.example/p"),
            Some(Destination::Relative("%5C%5Cevil.example/p".into()))
        );
        assert_eq!(
            safe_url("https://e.fr/a\\b"),
            Some(Destination::External("https://e.fr/a%5Cb".into()))
        );
    }

    #[test]
    fn relative_links_and_fragments_are_kept() {
        assert_eq!(
            to_html("[doc](notes/a.md) [haut](#haut)"),
            format!(
                "<p><a href=\"notes/a.md\" {EXTERNAL}>doc</a> <a href=\"#haut\">haut</a></p>\n"
            )
        );
    }

    #[test]
    fn an_image_is_a_link_to_it_never_loaded() {
        assert_eq!(
            to_html("![a](http://tracker/x.png)"),
            format!("<p><a href=\"http://tracker/x.png\" class=\"image external\" {EXTERNAL}>a</a></p>\n")
        );
        // No alt text: the address is the link's text.
        assert_eq!(
            to_html("![](http://tracker/x.png)"),
            format!(
                "<p><a href=\"http://tracker/x.png\" class=\"image external\" {EXTERNAL}>\
                 http://tracker/x.png</a></p>\n"
            )
        );
        // Formatting in the alt text is dropped, its words kept.
        assert_eq!(
            to_html("![un *beau* <b>logo</b>](logo.png)"),
            format!(
                "<p><a href=\"logo.png\" class=\"image\" {EXTERNAL}>un beau &lt;b&gt;logo&lt;/b&gt;</a></p>\n"
            )
        );
    }

    #[test]
    fn an_image_with_a_refused_address_is_its_alt_text() {
        assert_eq!(to_html("![a](javascript:alert(1))"), "<p>a</p>\n");
        assert_eq!(to_html("![a](data:image/png;base64,AAAA)"), "<p>a</p>\n");
    }

    #[test]
    fn an_image_inside_a_link_closes_both() {
        assert_eq!(
            to_html("[![logo](l.png)](https://e.fr)"),
            format!(
                "<p><a href=\"https://e.fr\" class=\"external\" {EXTERNAL}>\
                 <a href=\"l.png\" class=\"image\" {EXTERNAL}>logo</a></a></p>\n"
            )
        );
    }

    #[test]
    fn no_element_or_attribute_comes_from_the_text() {
        let hostile = "<svg onload=alert(1)>\n\n[a](x \"t\\\" onmouseover=\\\"alert(1)\")\n\n\
                       # T {#status}\n\n<!-- caché -->\n\n`<iframe>`";
        let html = to_html(hostile);
        assert!(!html.contains("<svg"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
        assert!(!html.contains("id="), "{html}");
        assert!(!html.contains("\" onmouseover"), "{html}");
        assert!(html.contains("&lt;!-- caché --&gt;"), "{html}");
    }

    #[test]
    fn safe_url_reads_addresses_as_a_browser_would() {
        use Destination::{External, Relative};
        assert_eq!(
            safe_url(" https://a.fr "),
            Some(External("https://a.fr".into()))
        );
        assert_eq!(safe_url("//a.fr/x"), Some(External("//a.fr/x".into())));
        assert_eq!(safe_url("a/b:c"), Some(Relative("a/b:c".into())));
        assert_eq!(safe_url("?q=1:2"), Some(Relative("?q=1:2".into())));
        assert_eq!(safe_url("#x:y"), Some(Relative("#x:y".into())));
        assert_eq!(safe_url("java\nscript:x"), None);
        assert_eq!(safe_url("file:///etc/passwd"), None);
        assert_eq!(safe_url("blob:https://a.fr/x"), None);
        assert_eq!(safe_url("c:\\windows"), None);
    }

    /// The text after each line marker, up to the next one, tags dropped
    /// and spaces collapsed: `(number, text)`.
    pub(crate) fn numbered_texts(html: &str) -> Vec<(u32, String)> {
        const MARK: &str = "<span class=\"ln\" data-line=\"";
        let mut out = Vec::new();
        for part in html.split(MARK).skip(1) {
            let (number, rest) = part.split_once('"').expect("a number");
            let rest = rest.strip_prefix("></span>").expect("an empty span");
            let mut text = String::new();
            let mut in_tag = false;
            for c in rest.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            let text = text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            let words: Vec<&str> = text.split_whitespace().collect();
            out.push((number.parse().expect("a number"), words.join(" ")));
        }
        out
    }

    #[test]
    fn numbered_lines_are_marked_and_broken_where_they_start() {
        assert_eq!(
            to_html_numbered("# Titre\n\nun\ndeux\n\n- a\n- b"),
            "<h1><span class=\"ln\" data-line=\"1\"></span>Titre</h1>\n\
             <p><span class=\"ln\" data-line=\"2\"></span>un\n<br><span class=\"ln\" data-line=\"3\"></span>deux</p>\n\
             <ul>\n<li><span class=\"ln\" data-line=\"4\"></span>a</li>\n\
             <li><span class=\"ln\" data-line=\"5\"></span>b</li>\n</ul>\n"
        );
        // A line starting with a link is marked before the link.
        assert_eq!(
            to_html_numbered("[haut](#haut) et **gras**"),
            "<p><span class=\"ln\" data-line=\"1\"></span><a href=\"#haut\">haut</a> et \
             <strong>gras</strong></p>\n"
        );
        // A hard break is already a break.
        assert_eq!(
            to_html_numbered("un  \ndeux"),
            "<p><span class=\"ln\" data-line=\"1\"></span>un<br>\n\
             <span class=\"ln\" data-line=\"2\"></span>deux</p>\n"
        );
        assert_eq!(to_html_numbered(""), "");
    }

    #[test]
    fn a_long_paragraph_is_broken_at_its_numbered_lines() {
        let body = "Le congrès **affirme** que la section, réunie en assemblée générale le 3 mai, \
                    décide de *soutenir* la motion [d'orientation](https://exemple.org) présentée \
                    par le bureau, c'est-à-dire le texte adopté `en commission` l'an passé, et \
                    demande sa diffusion.";
        let html = to_html_numbered(body);
        let lines = Lines::new(body);
        assert!(lines.len() >= 3);
        let marked = numbered_texts(&html);
        assert_eq!(marked.len(), lines.len());
        for ((number, text), line) in marked.iter().zip(lines.lines()) {
            assert_eq!(*number, line.number);
            // The words of the line without their Markdown marks.
            let source: String = body[line.bytes.clone()]
                .replace(['*', '`'], "")
                .replace("[d'orientation](https://exemple.org)", "d'orientation")
                .replace("[d'orientation]", "d'orientation");
            let first = source.split_whitespace().next().expect("a word");
            assert!(
                text.starts_with(first.trim_start_matches('[')),
                "{number}: {text:?} / {source:?}"
            );
        }
        assert_eq!(html.matches("<br>").count(), lines.len() - 1);
    }

    #[test]
    fn every_numbered_line_has_one_marker_in_order() {
        let body = "# Titre\n\nTexte \\*échappé\\* &amp; entité, `code` et <b>brut</b>.\n\n\
                    | Pour | Contre |\n|---|---|\n| 12 | 3 |\n\n```\nfn main() {}\n\nfin\n```\n\n\
                    > cité\n> encore\n\n---\n\nTitre\n=====\n\n![logo](l.png)\n\n[r]: https://e.fr\n";
        let lines = Lines::new(body);
        let html = to_html_numbered(body);
        let numbers: Vec<u32> = numbered_texts(&html).iter().map(|(n, _)| *n).collect();
        // All but the last, a link's definition, which renders nothing.
        let expected: Vec<u32> = (1..lines.len() as u32).collect();
        assert_eq!(numbers, expected, "{html}");
        // A code block's lines are marked after their line feeds, no <br>.
        assert!(
            html.contains(
                "<pre><code><span class=\"ln\" data-line=\"6\"></span>\
                               <span class=\"ln\" data-line=\"7\"></span>fn main() {}\n\n\
                               <span class=\"ln\" data-line=\"8\"></span>fin\n"
            ),
            "{html}"
        );
    }

    #[test]
    fn numbering_keeps_the_output_safe() {
        let hostile = "<svg onload=alert(1)>\n\n[a](x \"t\\\" onmouseover=\\\"alert(1)\")\n\n\
                       # T {#status}\n\n<!-- caché -->\n\n`<iframe>` [x](javascript:alert(1))";
        let html = to_html_numbered(hostile);
        assert!(!html.contains("<svg"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
        assert!(!html.contains("id="), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("\" onmouseover"), "{html}");
        // Without the markers and breaks, the same HTML as without numbers.
        let plain = html
            .split("<span class=\"ln\" data-line=\"")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    part.split_once("></span>").map_or(part, |(_, rest)| rest)
                }
            })
            .collect::<String>()
            .replace("<br>", "");
        assert_eq!(plain, to_html(hostile).replace("<br>", ""));
    }

    #[test]
    fn escaping_covers_text_and_attributes() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&\"c'd é");
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&#39;d é");
    }
}

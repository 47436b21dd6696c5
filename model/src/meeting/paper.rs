//! A printed document (the booklet, the adopted text, the amended text:
//! [`super::booklet`]) as a list of blocks, and its HTML and Markdown
//! writers; the ODT writer is [`super::odt`]. One list, three writers, so
//! the three files say the same words in the same order.
//!
//! **Marks that read in black and white.** What an amendment removes is
//! struck, what it adds is underlined and bold: on paper without colour,
//! in LibreOffice, and in a Markdown file (`~~removed~~`, `**added**`).
//!
//! **Safety.** Every string in a block comes from co-authors (titles,
//! names, wordings, rationales): the writers escape all of it. The HTML
//! page is the export's (`crate::export`): a policy that loads nothing,
//! no script, inline style only; its text is escaped, and the Markdown of
//! the base text goes through the preview's renderer (no raw HTML). The
//! running header carries the title as a CSS string, every character but
//! letters and digits escaped. Markdown escapes its punctuation, so a
//! wording cannot open a link, an image or raw HTML.

use crate::export::{language, POLICY, STYLE};
use crate::markdown::{escape_into, to_html_numbered};

/// A stretch of text in a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Span {
    Plain(String),
    Strong(String),
    /// Struck: what an amendment removes.
    Removed(String),
    /// Underlined and bold: what it adds.
    Added(String),
}

impl Span {
    pub fn text(&self) -> &str {
        match self {
            Span::Plain(s) | Span::Strong(s) | Span::Removed(s) | Span::Added(s) => s,
        }
    }
}

/// One block of a printed document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// The cover's big title.
    Title(String),
    /// A heading (levels 1 to 3), with an anchor the contents link to.
    Heading {
        level: u8,
        text: String,
        anchor: Option<String>,
    },
    Para(Vec<Span>),
    /// A passage with its marks, line breaks kept; `boxed` sets it apart
    /// (an amendment's diff).
    Marked {
        spans: Vec<Span>,
        boxed: bool,
    },
    /// The body's Markdown, each line numbered ([`crate::lines`]).
    Numbered(String),
    /// The body's Markdown, clean.
    Clean(String),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// The table of contents: anchors and what they are.
    Contents(Vec<(String, String)>),
    /// One amendment: kept on one page where it fits.
    Group(Vec<Block>),
    PageBreak,
}

/// A printed document: its title (the page's title and running header),
/// its language and its blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paper {
    pub title: String,
    pub lang: String,
    pub blocks: Vec<Block>,
}

/// The formats a paper is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PaperFormat {
    Html,
    Markdown,
    Odt,
}

impl PaperFormat {
    pub const ALL: [PaperFormat; 3] = [PaperFormat::Html, PaperFormat::Markdown, PaperFormat::Odt];

    pub fn extension(self) -> &'static str {
        match self {
            PaperFormat::Html => "html",
            PaperFormat::Markdown => "md",
            PaperFormat::Odt => "odt",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            PaperFormat::Html => "text/html; charset=utf-8",
            PaperFormat::Markdown => "text/markdown; charset=utf-8",
            PaperFormat::Odt => super::odt::MEDIA_TYPE,
        }
    }

    pub fn from_name(name: &str) -> Option<PaperFormat> {
        match name.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(PaperFormat::Html),
            "md" | "markdown" => Some(PaperFormat::Markdown),
            "odt" => Some(PaperFormat::Odt),
            _ => None,
        }
    }
}

impl Paper {
    /// The paper as `format`'s bytes.
    pub fn render(&self, format: PaperFormat) -> Vec<u8> {
        match format {
            PaperFormat::Html => self.to_html().into_bytes(),
            PaperFormat::Markdown => self.to_markdown().into_bytes(),
            PaperFormat::Odt => self.to_odt(),
        }
    }

    /// Every block in reading order, groups opened.
    pub(crate) fn flat(&self) -> Vec<&Block> {
        fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a Block>) {
            for block in blocks {
                match block {
                    Block::Group(inner) => walk(inner, out),
                    other => out.push(other),
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.blocks, &mut out);
        out
    }

    /// A standalone HTML page that paginates on paper: page numbers and
    /// the title in the margins, an amendment's header never alone at a
    /// page's foot, a diff's line never cut.
    pub fn to_html(&self) -> String {
        let mut out = String::with_capacity(self.size_hint() * 2);
        out.push_str("<!DOCTYPE html>\n<html lang=\"");
        out.push_str(language(&self.lang));
        out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"");
        out.push_str(POLICY);
        out.push_str("\">\n<meta name=\"referrer\" content=\"no-referrer\">\n");
        out.push_str("<meta name=\"generator\" content=\"Cahier\">\n<title>");
        escape_into(&mut out, &self.title);
        out.push_str("</title>\n<style>\n");
        out.push_str(STYLE);
        out.push_str(PRINT);
        out.push_str(&self.page_rule());
        out.push_str("\n</style>\n</head>\n<body>\n");
        out.push_str(&self.body_html());
        out.push_str("</body>\n</html>\n");
        out
    }

    /// The blocks as HTML, in `<main class="paper">`: what the page's
    /// print view shows with its own stylesheet (`styles/booklet.css`).
    pub fn body_html(&self) -> String {
        let mut out = String::with_capacity(self.size_hint() * 2);
        out.push_str("<main class=\"paper\">\n");
        for block in &self.blocks {
            html_block(&mut out, block);
        }
        out.push_str("</main>\n");
        out
    }

    /// The `@page` rule that prints the title at the top of every page
    /// (safe inside a `<style>`: the title is a CSS string, escaped).
    pub fn page_rule(&self) -> String {
        let mut out = String::from("@page{@top-center{content:\"");
        css_string(&mut out, &self.title);
        out.push_str("\"}}");
        out
    }

    /// The Markdown file: headings, paragraphs with `~~struck~~` and
    /// `**added**` marks, the numbered text in a fenced block.
    pub fn to_markdown(&self) -> String {
        let mut out = String::with_capacity(self.size_hint() * 2);
        for block in self.flat() {
            markdown_block(&mut out, block);
        }
        out
    }

    fn size_hint(&self) -> usize {
        self.flat()
            .iter()
            .map(|block| match block {
                Block::Numbered(s) | Block::Clean(s) | Block::Title(s) => s.len(),
                Block::Heading { text, .. } => text.len(),
                Block::Para(spans) | Block::Marked { spans, .. } => {
                    spans.iter().map(|s| s.text().len()).sum()
                }
                Block::Table { rows, .. } => rows.len() * 64,
                Block::Contents(items) => items.len() * 64,
                Block::Group(_) | Block::PageBreak => 0,
            })
            .sum()
    }
}

/// The booklet's print stylesheet, after the export's.
const PRINT: &str = "\
.paper h1.cover{font-size:2rem;margin-top:3rem}
.paper .text{position:relative}
.paper .marked{white-space:pre-wrap}
.paper .marked.boxed{margin:.5rem 0;padding:.5rem .75rem;border:1px solid var(--line);border-radius:.3rem}
.paper del{text-decoration:line-through;text-decoration-thickness:.1em}
.paper ins{text-decoration:underline;font-weight:bold}
.paper nav.contents ol{padding-left:1.2rem}
.paper .amendment{margin:1.5rem 0;padding-top:.5rem;border-top:1px solid var(--line)}
.paper .page-break{break-after:page}
.paper table.summary td,.paper table.summary th{font-size:.9em;vertical-align:top}
@page{size:A4;margin:2cm 1.6cm 2cm 1.6cm;@bottom-center{content:counter(page) \" / \" counter(pages);font-size:9pt}}
@page{@top-center{font-size:9pt;color:#333}}
@media print{.paper h2,.paper h3{break-after:avoid}.paper .amendment>h3{break-inside:avoid}.paper .marked{orphans:3;widows:3}.paper .marked.boxed{break-inside:avoid}.paper tr{break-inside:avoid}.paper nav.contents a{color:#000;text-decoration:none}.paper .page-break{break-after:page}}
";

/// `text` inside a double-quoted CSS string: letters, digits and spaces
/// as they are, every other character as a hexadecimal escape (no quote,
/// backslash, newline or `</style>` gets through).
fn css_string(out: &mut String, text: &str) {
    for c in text.chars().take(200) {
        if c.is_alphanumeric() || c == ' ' {
            out.push(c);
        } else if !c.is_control() {
            out.push_str(&format!("\\{:x} ", u32::from(c)));
        }
    }
}

fn html_spans(out: &mut String, spans: &[Span]) {
    for span in spans {
        let (open, close) = match span {
            Span::Plain(_) => ("", ""),
            Span::Strong(_) => ("<strong>", "</strong>"),
            Span::Removed(_) => ("<del>", "</del>"),
            Span::Added(_) => ("<ins>", "</ins>"),
        };
        out.push_str(open);
        escape_into(out, span.text());
        out.push_str(close);
    }
}

fn html_block(out: &mut String, block: &Block) {
    match block {
        Block::Title(text) => {
            out.push_str("<h1 class=\"cover\">");
            escape_into(out, text);
            out.push_str("</h1>\n");
        }
        Block::Heading {
            level,
            text,
            anchor,
        } => {
            let level = (*level).clamp(1, 4) + 1;
            out.push_str(&format!("<h{level}"));
            if let Some(anchor) = anchor {
                out.push_str(" id=\"");
                escape_into(out, anchor);
                out.push('"');
            }
            out.push('>');
            escape_into(out, text);
            out.push_str(&format!("</h{level}>\n"));
        }
        Block::Para(spans) => {
            out.push_str("<p>");
            html_spans(out, spans);
            out.push_str("</p>\n");
        }
        Block::Marked { spans, boxed } => {
            out.push_str(if *boxed {
                "<div class=\"marked boxed\">"
            } else {
                "<div class=\"marked\">"
            });
            html_spans(out, spans);
            out.push_str("</div>\n");
        }
        Block::Numbered(body) | Block::Clean(body) => {
            out.push_str("<div class=\"text\">\n");
            out.push_str(&to_html_numbered(body));
            out.push_str("</div>\n");
        }
        Block::Table { head, rows } => {
            out.push_str("<table class=\"summary\">\n<thead><tr>");
            for cell in head {
                out.push_str("<th>");
                escape_into(out, cell);
                out.push_str("</th>");
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for row in rows {
                out.push_str("<tr>");
                for cell in row {
                    out.push_str("<td>");
                    escape_into(out, cell);
                    out.push_str("</td>");
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Block::Contents(items) => {
            out.push_str("<nav class=\"contents\"><ol>\n");
            for (anchor, text) in items {
                out.push_str("<li><a href=\"#");
                escape_into(out, anchor);
                out.push_str("\">");
                escape_into(out, text);
                out.push_str("</a></li>\n");
            }
            out.push_str("</ol></nav>\n");
        }
        Block::Group(inner) => {
            out.push_str("<section class=\"amendment\">\n");
            for block in inner {
                html_block(out, block);
            }
            out.push_str("</section>\n");
        }
        Block::PageBreak => out.push_str("<div class=\"page-break\"></div>\n"),
    }
}

/// `text` escaped for Markdown inline content: every punctuation mark
/// that could open something is backslashed, and a line cannot start a
/// list, a heading or a quote.
pub(crate) fn markdown_escape(out: &mut String, text: &str) {
    let mut line_start = true;
    for c in text.chars() {
        let special = matches!(
            c,
            '\\' | '`' | '*' | '_' | '~' | '[' | ']' | '<' | '>' | '#' | '|' | '&' | '!' | '$'
        ) || (line_start && matches!(c, '-' | '+' | '=' | '.' | ')'));
        if special {
            out.push('\\');
        }
        out.push(c);
        line_start = c == '\n' || (line_start && c.is_ascii_digit());
    }
}

/// A span's text on one line, its marks around the words only (a mark
/// next to a space does not open or close in Markdown).
fn markdown_piece(out: &mut String, text: &str, mark: &str) {
    let core = text.trim();
    if core.is_empty() || mark.is_empty() {
        markdown_escape(out, text);
        return;
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    out.push_str(lead);
    out.push_str(mark);
    markdown_escape(out, core);
    out.push_str(mark);
    out.push_str(trail);
}

/// Spans cut into lines at each `\n`.
pub(crate) fn span_lines(spans: &[Span]) -> Vec<Vec<Span>> {
    let mut lines = vec![Vec::new()];
    for span in spans {
        for (i, part) in span.text().split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            if part.is_empty() {
                continue;
            }
            let part = part.replace('\r', "");
            let piece = match span {
                Span::Plain(_) => Span::Plain(part),
                Span::Strong(_) => Span::Strong(part),
                Span::Removed(_) => Span::Removed(part),
                Span::Added(_) => Span::Added(part),
            };
            if let Some(line) = lines.last_mut() {
                line.push(piece);
            }
        }
    }
    lines
}

fn markdown_line(out: &mut String, spans: &[Span]) {
    for span in spans {
        let mark = match span {
            Span::Plain(_) => "",
            Span::Strong(_) | Span::Added(_) => "**",
            Span::Removed(_) => "~~",
        };
        markdown_piece(out, span.text(), mark);
    }
}

fn markdown_block(out: &mut String, block: &Block) {
    match block {
        Block::Title(text) => {
            out.push_str("# ");
            markdown_escape(out, &flat(text));
            out.push_str("\n\n");
        }
        Block::Heading { level, text, .. } => {
            out.push_str(&"#".repeat(usize::from((*level).clamp(1, 4)) + 1));
            out.push(' ');
            markdown_escape(out, &flat(text));
            out.push_str("\n\n");
        }
        Block::Para(spans) => {
            let flat: Vec<Span> = span_lines(spans).into_iter().flatten().collect();
            markdown_line(out, &flat);
            out.push_str("\n\n");
        }
        Block::Marked { spans, boxed } => {
            let lines = span_lines(spans);
            let prefix = if *boxed { "> " } else { "" };
            for (i, line) in lines.iter().enumerate() {
                let blank = line.iter().all(|s| s.text().trim().is_empty());
                out.push_str(if blank { prefix.trim_end() } else { prefix });
                if !blank {
                    markdown_line(out, line);
                }
                let next_blank = lines
                    .get(i + 1)
                    .is_none_or(|next| next.iter().all(|s| s.text().trim().is_empty()));
                // A hard break between two lines of one paragraph.
                if !blank && !next_blank {
                    out.push('\\');
                }
                out.push('\n');
            }
            out.push('\n');
        }
        Block::Numbered(body) => {
            let text = crate::export::to_text_numbered("", body);
            fenced(out, &text);
        }
        Block::Clean(body) => {
            out.push_str(body.trim_end());
            out.push_str("\n\n");
        }
        Block::Table { head, rows } => {
            let cell = |out: &mut String, text: &str| {
                out.push(' ');
                markdown_escape(out, &flat(text));
                out.push_str(" |");
            };
            out.push('|');
            for h in head {
                cell(out, h);
            }
            out.push_str("\n|");
            for _ in head {
                out.push_str(" --- |");
            }
            out.push('\n');
            for row in rows {
                out.push('|');
                for c in row {
                    cell(out, c);
                }
                out.push('\n');
            }
            out.push('\n');
        }
        Block::Contents(items) => {
            for (_, text) in items {
                out.push_str("- ");
                markdown_escape(out, &flat(text));
                out.push('\n');
            }
            out.push('\n');
        }
        Block::Group(inner) => {
            for block in inner {
                markdown_block(out, block);
            }
        }
        Block::PageBreak => {}
    }
}

/// One line: white space runs made one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` in a fenced code block whose fence no line of it can close.
fn fenced(out: &mut String, text: &str) {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest.max(2) + 1);
    out.push_str(&fence);
    out.push_str("text\n");
    out.push_str(text.trim_end_matches('\n'));
    out.push('\n');
    out.push_str(&fence);
    out.push_str("\n\n");
}

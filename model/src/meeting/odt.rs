//! A paper ([`super::paper`]) as an OpenDocument text (`.odt`), what
//! LibreOffice opens and edits: a ZIP ([`super::zip`]) whose first entry
//! is `mimetype`, stored; `META-INF/manifest.xml`; `styles.xml` (the
//! page: A4, the title in the header, the page number in the footer; the
//! heading, numbered-line and table styles); `meta.xml`; and
//! `content.xml`, the blocks: headings with their outline level (the
//! navigator and a generated table of contents see them), paragraphs,
//! the struck and underlined spans of a diff, tables.
//!
//! **Escaping.** Text from co-authors goes into XML character data with
//! `&`, `<`, `>` and quotes escaped, and the characters XML 1.0 cannot
//! hold at all (controls other than tab and line feed, lone surrogates
//! cannot occur in a `str`, U+FFFE and U+FFFF) dropped. Runs of spaces,
//! tabs and line breaks become `text:s`, `text:tab` and `text:line-break`,
//! since OpenDocument collapses white space in a paragraph.

use super::paper::{span_lines, Block, Paper, Span};
use super::zip::{Method, Zip};

/// The media type, also the `mimetype` entry.
pub const MEDIA_TYPE: &str = "application/vnd.oasis.opendocument.text";

const NS: &str = concat!(
    " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"",
    " xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\"",
    " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"",
    " xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\"",
    " xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\"",
    " xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\"",
    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"",
    " office:version=\"1.3\""
);

const MANIFEST: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">\n\
 <manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.3\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>\n\
 <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\n\
 <manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>\n\
 <manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>\n\
</manifest:manifest>\n";

/// The named styles and the page.
const STYLES: &str = "\
<office:font-face-decls>\
<style:font-face style:name=\"Liberation Serif\" style:font-family-generic=\"roman\"/>\
<style:font-face style:name=\"Liberation Mono\" style:font-family-generic=\"modern\" style:font-pitch=\"fixed\"/>\
</office:font-face-decls>\
<office:styles>\
<style:default-style style:family=\"paragraph\"><style:text-properties style:font-name=\"Liberation Serif\" fo:font-size=\"11pt\" fo:language=\"fr\"/></style:default-style>\
<style:style style:name=\"Standard\" style:family=\"paragraph\" style:class=\"text\"><style:paragraph-properties fo:margin-bottom=\"0.2cm\"/></style:style>\
<style:style style:name=\"Heading\" style:family=\"paragraph\" style:parent-style-name=\"Standard\" style:next-style-name=\"Standard\" style:class=\"text\"><style:paragraph-properties fo:margin-top=\"0.42cm\" fo:margin-bottom=\"0.21cm\" fo:keep-with-next=\"always\"/><style:text-properties fo:font-weight=\"bold\"/></style:style>\
<style:style style:name=\"Title\" style:family=\"paragraph\" style:parent-style-name=\"Heading\" style:class=\"chapter\"><style:paragraph-properties fo:margin-top=\"3cm\"/><style:text-properties fo:font-size=\"24pt\"/></style:style>\
<style:style style:name=\"Heading_20_1\" style:display-name=\"Heading 1\" style:family=\"paragraph\" style:parent-style-name=\"Heading\" style:default-outline-level=\"1\" style:class=\"text\"><style:text-properties fo:font-size=\"18pt\"/></style:style>\
<style:style style:name=\"Heading_20_2\" style:display-name=\"Heading 2\" style:family=\"paragraph\" style:parent-style-name=\"Heading\" style:default-outline-level=\"2\" style:class=\"text\"><style:text-properties fo:font-size=\"14pt\"/></style:style>\
<style:style style:name=\"Heading_20_3\" style:display-name=\"Heading 3\" style:family=\"paragraph\" style:parent-style-name=\"Heading\" style:default-outline-level=\"3\" style:class=\"text\"><style:text-properties fo:font-size=\"12pt\"/></style:style>\
<style:style style:name=\"Numbered_20_line\" style:display-name=\"Numbered line\" style:family=\"paragraph\" style:parent-style-name=\"Standard\"><style:paragraph-properties fo:margin-bottom=\"0cm\"/><style:text-properties style:font-name=\"Liberation Mono\" fo:font-size=\"9pt\"/></style:style>\
<style:style style:name=\"Diff\" style:family=\"paragraph\" style:parent-style-name=\"Standard\"><style:paragraph-properties fo:margin-left=\"0.6cm\" fo:keep-together=\"always\"/></style:style>\
<style:style style:name=\"Table_20_Contents\" style:display-name=\"Table Contents\" style:family=\"paragraph\" style:parent-style-name=\"Standard\"><style:text-properties fo:font-size=\"9pt\"/></style:style>\
<style:style style:name=\"Header\" style:family=\"paragraph\" style:parent-style-name=\"Standard\"><style:paragraph-properties fo:text-align=\"center\"/><style:text-properties fo:font-size=\"9pt\"/></style:style>\
<style:style style:name=\"Footer\" style:family=\"paragraph\" style:parent-style-name=\"Standard\"><style:paragraph-properties fo:text-align=\"center\"/><style:text-properties fo:font-size=\"9pt\"/></style:style>\
</office:styles>\
<office:automatic-styles>\
<style:page-layout style:name=\"Page\"><style:page-layout-properties fo:page-width=\"21cm\" fo:page-height=\"29.7cm\" fo:margin-top=\"1.5cm\" fo:margin-bottom=\"1.5cm\" fo:margin-left=\"2cm\" fo:margin-right=\"2cm\"/>\
<style:header-style><style:header-footer-properties fo:min-height=\"0.6cm\" fo:margin-bottom=\"0.3cm\"/></style:header-style>\
<style:footer-style><style:header-footer-properties fo:min-height=\"0.6cm\" fo:margin-top=\"0.3cm\"/></style:footer-style>\
</style:page-layout>\
</office:automatic-styles>";

/// The automatic styles of the content: the marks, the page break.
const AUTOMATIC: &str = "<office:automatic-styles>\
<style:style style:name=\"Removed\" style:family=\"text\"><style:text-properties style:text-line-through-style=\"solid\" style:text-line-through-type=\"single\"/></style:style>\
<style:style style:name=\"Added\" style:family=\"text\"><style:text-properties style:text-underline-style=\"solid\" style:text-underline-width=\"auto\" style:text-underline-color=\"font-color\" fo:font-weight=\"bold\"/></style:style>\
<style:style style:name=\"Strong\" style:family=\"text\"><style:text-properties fo:font-weight=\"bold\"/></style:style>\
<style:style style:name=\"Break\" style:family=\"paragraph\" style:parent-style-name=\"Standard\"><style:paragraph-properties fo:break-before=\"page\"/></style:style>\
<style:style style:name=\"Summary\" style:family=\"table\"><style:table-properties style:width=\"17cm\" table:align=\"left\"/></style:style>\
<style:style style:name=\"Cell\" style:family=\"table-cell\"><style:table-cell-properties fo:padding=\"0.05cm\" fo:border=\"0.5pt solid #000000\"/></style:style>\
</office:automatic-styles>";

/// Whether XML 1.0 can hold `c`.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escaped text for an attribute or character data, without the white
/// space handling of a paragraph.
fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// A paragraph's text being written: runs of spaces kept.
struct Para<'a> {
    out: &'a mut String,
    /// The last character written was a space (or nothing yet): the next
    /// space must be a `text:s`.
    after_space: bool,
    spaces: usize,
}

impl<'a> Para<'a> {
    fn new(out: &'a mut String) -> Para<'a> {
        Para {
            out,
            after_space: true,
            spaces: 0,
        }
    }

    fn flush(&mut self) {
        if self.spaces > 0 {
            if self.spaces == 1 {
                self.out.push_str("<text:s/>");
            } else {
                self.out
                    .push_str(&format!("<text:s text:c=\"{}\"/>", self.spaces));
            }
            self.spaces = 0;
        }
    }

    fn text(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                ' ' if !self.after_space => {
                    self.out.push(' ');
                    self.after_space = true;
                }
                ' ' => self.spaces += 1,
                '\t' => {
                    self.flush();
                    self.out.push_str("<text:tab/>");
                    self.after_space = true;
                }
                '\n' => {
                    self.flush();
                    self.out.push_str("<text:line-break/>");
                    self.after_space = true;
                }
                '\r' => {}
                c if xml_char(c) => {
                    self.flush();
                    match c {
                        '&' => self.out.push_str("&amp;"),
                        '<' => self.out.push_str("&lt;"),
                        '>' => self.out.push_str("&gt;"),
                        c => self.out.push(c),
                    }
                    self.after_space = false;
                }
                _ => {}
            }
        }
    }

    fn spans(&mut self, spans: &[Span]) {
        for span in spans {
            let style = match span {
                Span::Plain(_) => None,
                Span::Strong(_) => Some("Strong"),
                Span::Removed(_) => Some("Removed"),
                Span::Added(_) => Some("Added"),
            };
            match style {
                Some(style) => {
                    self.flush();
                    self.out
                        .push_str(&format!("<text:span text:style-name=\"{style}\">"));
                    self.text(span.text());
                    self.flush();
                    self.out.push_str("</text:span>");
                }
                None => self.text(span.text()),
            }
        }
        self.flush();
    }
}

fn paragraph(out: &mut String, style: &str, spans: &[Span]) {
    out.push_str(&format!("<text:p text:style-name=\"{style}\">"));
    Para::new(out).spans(spans);
    out.push_str("</text:p>\n");
}

fn plain(out: &mut String, style: &str, text: &str) {
    paragraph(out, style, &[Span::Plain(text.to_owned())]);
}

fn block(out: &mut String, block: &Block, table: &mut usize) {
    match block {
        Block::Title(text) => plain(out, "Title", text),
        Block::Heading {
            level,
            text,
            anchor,
        } => {
            let level = (*level).clamp(1, 3);
            out.push_str(&format!(
                "<text:h text:style-name=\"Heading_20_{level}\" text:outline-level=\"{level}\">"
            ));
            if let Some(anchor) = anchor {
                out.push_str("<text:bookmark text:name=\"");
                escape(out, anchor);
                out.push_str("\"/>");
            }
            Para::new(out).spans(&[Span::Plain(text.clone())]);
            out.push_str("</text:h>\n");
        }
        Block::Para(spans) => paragraph(out, "Standard", spans),
        Block::Marked { spans, boxed } => {
            let style = if *boxed { "Diff" } else { "Standard" };
            for line in span_lines(spans) {
                paragraph(out, style, &line);
            }
        }
        Block::Numbered(body) => {
            let text = crate::export::to_text_numbered("", body);
            for line in text.lines() {
                plain(out, "Numbered_20_line", line);
            }
        }
        Block::Clean(body) => {
            let text = crate::export::to_text("", body);
            for line in text.lines() {
                plain(out, "Standard", line);
            }
        }
        Block::Table { head, rows } => {
            *table += 1;
            out.push_str(&format!(
                "<table:table table:name=\"Table{table}\" table:style-name=\"Summary\"><table:table-column table:number-columns-repeated=\"{}\"/>\n<table:table-header-rows><table:table-row>",
                head.len().max(1)
            ));
            let cell = |out: &mut String, text: &str| {
                out.push_str(
                    "<table:table-cell table:style-name=\"Cell\" office:value-type=\"string\">",
                );
                plain(out, "Table_20_Contents", text);
                out.push_str("</table:table-cell>");
            };
            for h in head {
                cell(out, h);
            }
            out.push_str("</table:table-row></table:table-header-rows>\n");
            for row in rows {
                out.push_str("<table:table-row>");
                for c in row.iter().take(head.len()) {
                    cell(out, c);
                }
                for _ in row.len()..head.len() {
                    cell(out, "");
                }
                out.push_str("</table:table-row>\n");
            }
            out.push_str("</table:table>\n");
        }
        Block::Contents(items) => {
            for (anchor, text) in items {
                out.push_str("<text:p text:style-name=\"Standard\"><text:bookmark-ref text:reference-format=\"text\" text:ref-name=\"");
                escape(out, anchor);
                out.push_str("\">");
                Para::new(out).text(text);
                out.push_str("</text:bookmark-ref></text:p>\n");
            }
        }
        Block::Group(inner) => {
            for b in inner {
                self::block(out, b, table);
            }
        }
        Block::PageBreak => out.push_str("<text:p text:style-name=\"Break\"/>\n"),
    }
}

impl Paper {
    /// The paper as an OpenDocument text.
    pub fn to_odt(&self) -> Vec<u8> {
        let mut content = String::with_capacity(1 << 16);
        content.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content");
        content.push_str(NS);
        content.push('>');
        content.push_str(AUTOMATIC);
        content.push_str("<office:body><office:text>\n");
        let mut tables = 0;
        for b in &self.blocks {
            block(&mut content, b, &mut tables);
        }
        content.push_str("</office:text></office:body></office:document-content>\n");

        let mut styles = String::with_capacity(STYLES.len() + 1024);
        styles.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-styles");
        styles.push_str(NS);
        styles.push('>');
        styles.push_str(STYLES);
        styles.push_str("<office:master-styles><style:master-page style:name=\"Standard\" style:page-layout-name=\"Page\"><style:header><text:p text:style-name=\"Header\">");
        escape(&mut styles, &self.title);
        styles.push_str("</text:p></style:header><style:footer><text:p text:style-name=\"Footer\"><text:page-number text:select-page=\"current\">1</text:page-number> / <text:page-count>1</text:page-count></text:p></style:footer></style:master-page></office:master-styles></office:document-styles>\n");

        let mut meta = String::new();
        meta.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-meta");
        meta.push_str(NS);
        meta.push_str("><office:meta><meta:generator>Cahier</meta:generator><dc:title>");
        escape(&mut meta, &self.title);
        meta.push_str("</dc:title><dc:language>");
        escape(&mut meta, crate::export::language(&self.lang));
        meta.push_str("</dc:language></office:meta></office:document-meta>\n");

        let mut zip = Zip::new();
        // Sizes stay far under 4 GiB: a text and its amendments are
        // bounded by the relay's limits.
        let written = zip
            .add("mimetype", MEDIA_TYPE.as_bytes(), Method::Stored)
            .and_then(|()| {
                zip.add(
                    "META-INF/manifest.xml",
                    MANIFEST.as_bytes(),
                    Method::Deflated(6),
                )
            })
            .and_then(|()| zip.add("meta.xml", meta.as_bytes(), Method::Deflated(6)))
            .and_then(|()| zip.add("styles.xml", styles.as_bytes(), Method::Deflated(6)))
            .and_then(|()| zip.add("content.xml", content.as_bytes(), Method::Deflated(1)));
        // Past 4 GiB: an empty file says nothing false.
        written.and_then(|()| zip.finish()).unwrap_or_default()
    }
}

//! The talking-points sheet on paper: [`super::sheet::Sheet`] as the
//! booklet's [`Paper`] ([`crate::meeting::paper`]), so it prints, and
//! writes HTML, Markdown and ODT, the same way.
//!
//! One or two A4 pages: the title, the key message set apart, "Nos trois
//! arguments" numbered (each with the start of its explanation and its
//! footnote marks), the "Ils disent… / Nous répondons…" pairs, then the
//! sources as numbered footnotes (title, date, the URL as text, never a
//! link: a sheet is read on paper, and a co-author's URL opens nothing).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::sheet::{Point, Sheet};
use super::Source;
use crate::meeting::paper::{Block, Paper, Span};

/// An explanation on the sheet: its first paragraph, at most this many
/// characters.
pub const SHORT_NOTE: usize = 280;

struct Words {
    sheet: &'static str,
    key: &'static str,
    three: &'static str,
    arguments: &'static str,
    pairs: &'static str,
    they: &'static str,
    we: &'static str,
    sources: &'static str,
    sep: &'static str,
}

const FR: Words = Words {
    sheet: "Argumentaire",
    key: "Notre message",
    three: "Nos trois arguments",
    arguments: "Nos arguments",
    pairs: "Ils disent… / Nous répondons…",
    they: "Ils disent",
    we: "Nous répondons",
    sources: "Sources",
    sep: "\u{a0}: ",
};

const EN: Words = Words {
    sheet: "Talking points",
    key: "Our message",
    three: "Our three arguments",
    arguments: "Our arguments",
    pairs: "They say… / We answer…",
    they: "They say",
    we: "We answer",
    sources: "Sources",
    sep: ": ",
};

fn words(lang: &str) -> &'static Words {
    if lang.starts_with("fr") {
        &FR
    } else {
        &EN
    }
}

/// The sheet as a paper, in `lang` (`fr`, else English).
pub fn sheet_paper(sheet: &Sheet, map_title: &str, lang: &str) -> Paper {
    let w = words(lang);
    let map_title = map_title.trim();
    let mut blocks = vec![Block::Title(sheet.subject.clone())];
    blocks.push(Block::Para(vec![Span::Plain(if map_title.is_empty() {
        w.sheet.to_owned()
    } else {
        format!("{} — {map_title}", w.sheet)
    })]));
    blocks.push(Block::Heading {
        level: 1,
        text: w.key.to_owned(),
        anchor: None,
    });
    blocks.push(Block::Marked {
        spans: vec![Span::Strong(sheet.key_message.clone())],
        boxed: true,
    });
    if !sheet.arguments.is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: if sheet.arguments.len() == 3 {
                w.three
            } else {
                w.arguments
            }
            .to_owned(),
            anchor: None,
        });
        for (at, point) in sheet.arguments.iter().enumerate() {
            let mut spans = vec![Span::Strong(format!("{}. {}", at + 1, point.text))];
            marks(&mut spans, point);
            let mut group = vec![Block::Para(spans)];
            if let Some(note) = short_note(&point.note) {
                group.push(Block::Para(vec![Span::Plain(note)]));
            }
            blocks.extend(group);
        }
    }
    if !sheet.pairs.is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: w.pairs.to_owned(),
            anchor: None,
        });
        for pair in &sheet.pairs {
            let mut they = vec![
                Span::Strong(format!("{}{}", w.they, w.sep)),
                Span::Plain(pair.they.text.clone()),
            ];
            marks(&mut they, &pair.they);
            let mut we = vec![
                Span::Strong(format!("{}{}", w.we, w.sep)),
                Span::Plain(pair.we.text.clone()),
            ];
            marks(&mut we, &pair.we);
            let mut group = vec![Block::Para(they), Block::Para(we)];
            if let Some(note) = short_note(&pair.we.note) {
                group.push(Block::Para(vec![Span::Plain(note)]));
            }
            blocks.extend(group);
        }
    }
    if !sheet.sources.is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: w.sources.to_owned(),
            anchor: None,
        });
        for (at, source) in sheet.sources.iter().enumerate() {
            blocks.push(Block::Para(vec![
                Span::Strong(format!("[{}]", at + 1)),
                Span::Plain(format!(" {}", footnote(source))),
            ]));
        }
    }
    Paper {
        title: if map_title.is_empty() {
            format!("{} — {}", w.sheet, sheet.subject)
        } else {
            format!("{} — {map_title}", w.sheet)
        },
        lang: if lang.starts_with("fr") { "fr" } else { "en" }.to_owned(),
        blocks,
    }
}

/// ` [1, 2]` after a point with sources.
fn marks(spans: &mut Vec<Span>, point: &Point) {
    if point.notes.is_empty() {
        return;
    }
    let list: Vec<String> = point.notes.iter().map(usize::to_string).collect();
    spans.push(Span::Plain(format!(" [{}]", list.join(", "))));
}

/// A source as a short footnote: title, date, URL, and the quote when
/// there is nothing else.
pub fn footnote(source: &Source) -> String {
    let mut parts: Vec<String> = Vec::new();
    let title = source.title.trim();
    if !title.is_empty() {
        parts.push(title.to_owned());
    }
    if !source.date.trim().is_empty() {
        parts.push(format!("({})", source.date.trim()));
    }
    let mut out = parts.join(" ");
    if !source.url.trim().is_empty() {
        if !out.is_empty() {
            out.push_str(". ");
        }
        out.push_str(source.url.trim());
    }
    if out.is_empty() {
        let quote: String = source.quote.trim().chars().take(SHORT_NOTE).collect();
        out = format!("« {quote} »");
    }
    out
}

/// The explanation's first paragraph as plain words (its Markdown
/// read, not printed), cut at a word near [`SHORT_NOTE`] characters.
pub fn short_note(note: &str) -> Option<String> {
    let mut out = String::new();
    let mut started = false;
    for event in Parser::new(note) {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item) => started = true,
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item)
                if started && !out.trim().is_empty() =>
            {
                break
            }
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.is_empty() {
        return None;
    }
    if out.chars().count() <= SHORT_NOTE {
        return Some(out);
    }
    let cut: String = out.chars().take(SHORT_NOTE).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    Some(format!("{}…", cut.trim_end_matches([',', ';', ':', '.'])))
}

#[cfg(test)]
mod tests;

//! The sheet on paper: the chosen claims in the chosen order in HTML,
//! Markdown and ODT (read back with pandoc), hostile words escaped.

use std::io::Write;
use std::process::{Command, Stdio};

use super::*;
use crate::arguments::rank::Standings;
use crate::arguments::sheet::{select, Choice, Subject};
use crate::arguments::{ClaimEdit, Stance};
use crate::document::Document;
use crate::meeting::paper::PaperFormat;

fn add(
    doc: &Document,
    parent: Option<&str>,
    text: &str,
    stance: Stance,
    sources: Vec<Source>,
) -> String {
    doc.add_claim(
        parent,
        None,
        &ClaimEdit {
            text: Some(text.into()),
            stance: Some(stance),
            note: Some(format!("Pourquoi **{text}** compte.\n\nLa suite, longue.")),
            sources: Some(sources),
            ..ClaimEdit::default()
        },
        "Louise",
        1_000,
    )
    .expect("adds")
    .0
}

struct Map {
    doc: Document,
    question: String,
    pros: Vec<String>,
    con: String,
    answer: String,
}

fn map() -> Map {
    let doc = Document::new(1);
    let question = add(
        &doc,
        None,
        "Faut-il la gratuité des transports ?",
        Stance::Pro,
        vec![],
    );
    let source = Source {
        url: "https://example.org/etude?a=1&b=<2>".into(),
        title: "Étude <b>VTS</b>".into(),
        date: "2019".into(),
        quote: String::new(),
    };
    let pros = vec![
        add(
            &doc,
            Some(&question),
            "Elle rend la ville à tous.",
            Stance::Pro,
            vec![source.clone()],
        ),
        add(
            &doc,
            Some(&question),
            "Elle réduit la pollution <script>alert(1)</script>.",
            Stance::Pro,
            vec![],
        ),
        add(
            &doc,
            Some(&question),
            "Elle simplifie le réseau.",
            Stance::Pro,
            vec![source],
        ),
        add(
            &doc,
            Some(&question),
            "Elle attire du monde.",
            Stance::Pro,
            vec![],
        ),
    ];
    let con = add(
        &doc,
        Some(&question),
        "Elle coûte trop cher.",
        Stance::Con,
        vec![],
    );
    let answer = add(
        &doc,
        Some(&con),
        "La billetterie coûte déjà cher.",
        Stance::Con,
        vec![Source {
            title: "Rapport du GART".into(),
            date: "2022-03".into(),
            ..Source::default()
        }],
    );
    Map {
        doc,
        question,
        pros,
        con,
        answer,
    }
}

/// The HTML's words: every tag made a space (escaped text stays escaped).
fn untag(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => {
                inside = false;
                out.push(' ');
            }
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where each of `needles` is in `hay`, in order; panics when one is
/// missing or out of order.
fn in_order(hay: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        match hay[from..].find(needle) {
            Some(at) => from += at + needle.len(),
            None => panic!("{needle:?} missing, or out of order, after byte {from} in {hay}"),
        }
    }
}

#[test]
fn the_sheet_prints_the_chosen_claims_in_order() {
    let m = map();
    let arg_map = m.doc.arguments();
    let choice = Choice {
        arguments: Some(vec![
            m.pros[2].clone(),
            m.pros[0].clone(),
            m.pros[1].clone(),
        ]),
        pairs: Some(vec![(m.con.clone(), m.answer.clone())]),
        key_message: Some("La gratuité, c'est <la> liberté & l'égalité.".into()),
    };
    let sheet = select(
        &arg_map,
        &Standings::new(),
        &Subject::Claim(m.question.clone()),
        &choice,
    )
    .expect("a sheet");
    let paper = sheet_paper(&sheet, "Transports", "fr");
    let html = String::from_utf8(paper.render(PaperFormat::Html)).expect("utf-8");
    let text = flat(&untag(&html[html.find("<body>").expect("a body")..]));
    in_order(
        &text,
        &[
            "Faut-il la gratuité des transports ?",
            "Notre message",
            "La gratuité, c&#39;est &lt;la&gt; liberté &amp; l&#39;égalité.",
            "Nos trois arguments",
            "1. Elle simplifie le réseau. [1]",
            "Pourquoi Elle simplifie le réseau. compte.",
            "2. Elle rend la ville à tous. [1]",
            "3. Elle réduit la pollution &lt;script&gt;alert(1)&lt;/script&gt;.",
            "Ils disent… / Nous répondons…",
            "Ils disent : Elle coûte trop cher.",
            "Nous répondons : La billetterie coûte déjà cher. [2]",
            "Sources",
            "[1]",
            "Étude &lt;b&gt;VTS&lt;/b&gt; (2019). https://example.org/etude?a=1&amp;b=&lt;2&gt;",
            "[2]",
            "Rapport du GART (2022-03)",
        ],
    );
    assert!(!html.contains("<script>"), "escaped");
    assert!(
        !html.contains("La suite, longue"),
        "the explanation kept short"
    );
    assert!(
        !text.contains("Elle attire du monde"),
        "not chosen, not printed"
    );
    let md = String::from_utf8(paper.render(PaperFormat::Markdown)).expect("utf-8");
    in_order(
        &flat(&md),
        &[
            "Notre message",
            "Nos trois arguments",
            "simplifie",
            "rend la ville",
            "pollution",
            "Ils disent",
            "Nous répondons",
            "Sources",
        ],
    );
    assert!(!md.contains("<script>"), "escaped in Markdown: {md}");
    // In English, the same in English words.
    let en = String::from_utf8(sheet_paper(&sheet, "Transports", "en").render(PaperFormat::Html))
        .expect("utf-8");
    in_order(
        &flat(&untag(&en)),
        &[
            "Our message",
            "Our three arguments",
            "They say: Elle coûte",
            "We answer: La billetterie",
            "Sources",
        ],
    );
}

#[test]
fn the_sheet_as_odt_reads_back() {
    let m = map();
    let arg_map = m.doc.arguments();
    let sheet = select(
        &arg_map,
        &Standings::new(),
        &Subject::Claim(m.question.clone()),
        &Choice::default(),
    )
    .expect("a sheet");
    assert_eq!(sheet.arguments.len(), 3);
    let odt = sheet_paper(&sheet, "Transports", "fr").render(PaperFormat::Odt);
    let Some(text) = pandoc(&odt, "plain") else {
        return;
    };
    in_order(
        &flat(&text),
        &[
            "Faut-il la gratuité des transports ?",
            "Notre message",
            "Nos trois arguments",
            "1. Elle rend la ville à tous. [1]",
            "2. Elle réduit la pollution <script>alert(1)</script>.",
            "3. Elle simplifie le réseau. [1]",
            "Ils disent",
            "Elle coûte trop cher.",
            "Nous répondons",
            "La billetterie coûte déjà cher. [2]",
            "Sources",
            "[1] Étude <b>VTS</b> (2019). https://example.org/etude?a=1&b=<2>",
            "[2] Rapport du GART (2022-03)",
        ],
    );
}

#[test]
fn a_short_note_is_the_first_paragraph_in_plain_words() {
    assert_eq!(short_note("").as_deref(), None);
    assert_eq!(short_note("# Titre\n\nTexte").as_deref(), Some("Titre"));
    assert_eq!(
        short_note("Un [lien](https://x) et `code` <b>.\n\nNon.").as_deref(),
        Some("Un lien et code .")
    );
    let long = "mot ".repeat(200);
    let short = short_note(&long).expect("some");
    assert!(
        short.chars().count() <= SHORT_NOTE + 1 && short.ends_with('…'),
        "{short}"
    );
}

/// What pandoc reads of `odt` as `to`; `None` (skipped, said) without
/// pandoc only when `CAHIER_NO_PANDOC` says why, as the booklet's tests.
fn pandoc(odt: &[u8], to: &str) -> Option<String> {
    let child = Command::new("pandoc")
        .args(["-f", "odt", "-t", to, "--wrap=none"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => {
            if let Ok(why) = std::env::var("CAHIER_NO_PANDOC") {
                eprintln!("SKIPPED: pandoc is not installed ({why}); the ODT is not read back");
                return None;
            }
            panic!("pandoc is needed to check the ODT ({error}): apt-get install pandoc");
        }
    };
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(odt)
        .expect("pandoc reads");
    let out = child.wait_with_output().expect("pandoc runs");
    assert!(
        out.status.success(),
        "pandoc: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("UTF-8"))
}

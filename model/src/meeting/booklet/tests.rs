//! The booklet, the adopted text and the amended text natively: the
//! word diff of an entry, every amendment listed with its number and
//! lines in each format, a meeting's papers against what its decisions
//! imply, hostile strings escaped, and the ODT read by a real reader
//! (pandoc), its text matching the booklet's.

use std::io::Write;
use std::process::{Command, Stdio};

use super::*;
use crate::amendments::decisions::Decision;
use crate::amendments::fixture::*;
use crate::amendments::{Book, Draft};
use crate::meeting::paper::PaperFormat;

const MOTION: &str = "# Motion de la section\n\n\
La section demande la gratuité des transports publics.\n\n\
Elle propose une réunion publique en mai.\n\n\
Elle mandate le bureau pour écrire aux élus.\n";

struct World {
    body: Document,
    book: Book,
    ids: Vec<String>,
}

fn world() -> World {
    let body = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let (awa, ben) = (member(1, "Awa Diallo"), member(2, "Ben <b>Martin</b>"));
    let drafts = [
        (
            &awa,
            replace(
                &body,
                "gratuité des transports",
                "gratuité totale des transports",
                "Aller plus loin.",
            ),
        ),
        (
            &ben,
            replace(&body, "en mai", "en juin", "Mai est trop tôt."),
        ),
        (&awa, {
            let (start, end) = at(&body.body(), " pour écrire aux élus");
            Draft {
                start,
                end,
                proposal: Proposal::Delete,
                rationale: String::new(),
                parent: None,
            }
        }),
        (
            &ben,
            replace(&body, "gratuité des transports", "baisse des tarifs", ""),
        ),
    ];
    let ids: Vec<String> = drafts
        .iter()
        .enumerate()
        .map(|(n, (who, draft))| file(&room, &mut book, &body, who, draft, n as u8 + 1))
        .collect();
    for (n, id) in ids.iter().enumerate() {
        body.register(id, n as u32 + 1, "Chair", 2_000);
    }
    World { body, book, ids }
}

fn options(lang: &str) -> Options<'_> {
    Options {
        title: "Motion <script>alert(1)</script> & co",
        lang,
        comments: true,
    }
}

fn paper(w: &World, meeting: Option<&Meeting>, lang: &str) -> Paper {
    let overview = Overview::build(&w.book, &w.body.decisions(), &w.body, None);
    let decisions = w.body.decisions();
    let src = Sources {
        text: &w.body,
        book: &w.book,
        overview: &overview,
        decisions: &decisions,
    };
    booklet(&src, meeting, &options(lang)).expect("builds")
}

/// What pandoc reads of `odt` as `to` (`plain`, `markdown`). Pandoc is
/// installed by `scripts/test.sh`; without it the test fails, unless the
/// script said why it could not install it.
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
            panic!(
                "pandoc is needed to check the ODT ({error}): scripts/test.sh installs it \
                 (apt-get install pandoc)"
            );
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
        "pandoc could not read the ODT: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("UTF-8"))
}

/// White space runs made one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_booklet_entry_marks_exactly_the_changed_words() {
    let w = world();
    let overview = Overview::build(&w.book, &w.body.decisions(), &w.body, None);
    let decisions = w.body.decisions();
    let src = Sources {
        text: &w.body,
        book: &w.book,
        overview: &overview,
        decisions: &decisions,
    };
    let entries = entries(&src, None, &options("fr"));
    let first = entries.iter().find(|e| e.id == w.ids[0]).unwrap();
    assert_eq!(
        first.diff,
        vec![
            Piece::Same("gratuité ".into()),
            Piece::Added("totale ".into()),
            Piece::Same("des transports".into()),
        ]
    );
    let second = entries.iter().find(|e| e.id == w.ids[1]).unwrap();
    assert_eq!(
        second.diff,
        vec![
            Piece::Same("en ".into()),
            Piece::Removed("mai".into()),
            Piece::Added("juin".into()),
        ]
    );
    let deletion = entries.iter().find(|e| e.id == w.ids[2]).unwrap();
    assert_eq!(
        deletion.diff,
        vec![Piece::Removed(" pour écrire aux élus".into())]
    );
    let p = paper(&w, None, "fr");
    let html = p.to_html();
    assert!(html.contains("gratuité <ins>totale </ins>des transports"));
    assert!(html.contains("en <del>mai</del><ins>juin</ins>"));
    let md = p.to_markdown();
    assert!(md.contains("> gratuité **totale** des transports"), "{md}");
    assert!(md.contains("> en ~~mai~~**juin**"), "{md}");
}

#[test]
fn the_booklet_lists_every_amendment_in_text_order_with_its_number_and_lines_in_every_format() {
    let w = world();
    let p = paper(&w, None, "fr");
    let html = p.to_html();
    let md = p.to_markdown();
    let odt = pandoc(&p.to_odt(), "plain").map(|t| flat(&t));
    // Text order: the two on line 2, then line 3, then line 4.
    let expected = ["A1, l. 2", "A4, l. 2", "A2, l. 3", "A3, l. 4"];
    let mut last = 0;
    for cite in expected {
        let at = md[last..]
            .find(&format!("\n### {cite} — "))
            .unwrap_or_else(|| panic!("{cite} after the one before in {md}"));
        last += at + 1;
        assert!(html.contains(&format!("{cite} — ")), "{cite} in the HTML");
        if let Some(odt) = &odt {
            assert!(
                odt.contains(&format!("{cite} — ")),
                "{cite} in the ODT: {odt}"
            );
        }
    }
    for (number, lines) in [
        ("A1", "l. 2"),
        ("A2", "l. 3"),
        ("A3", "l. 4"),
        ("A4", "l. 2"),
    ] {
        assert!(
            md.contains(&format!("| {number} | {lines} |")),
            "{number} in the summary table"
        );
    }
    assert!(md.contains("| n° | lignes | auteur·e | statut | résultat |"));
    assert!(html.contains("<title>Liasse d’amendements — Motion &lt;script&gt;"));
    assert!(!html.contains("<script"), "no raw HTML from a title");
    assert!(!html.contains("<b>Martin"), "no raw HTML from a name");
    assert!(html.contains("Ben &lt;b&gt;Martin&lt;/b&gt;"));
    assert!(!md.contains("<b>"), "{md}");
    assert!(md.contains("Ben \\<b\\>Martin\\</b\\>"));
    // The base text, numbered.
    assert!(md.contains("2  La section demande la gratuité des transports publics."));
    assert!(html.contains("data-line=\"4\""));
}

#[test]
fn the_odt_is_an_opendocument_pandoc_reads_and_its_text_is_the_booklets() {
    let w = world();
    let p = paper(&w, None, "fr");
    let odt = p.to_odt();
    assert_eq!(&odt[..4], b"PK\x03\x04");
    assert_eq!(&odt[30..38], b"mimetype", "mimetype first");
    assert_eq!(
        &odt[38..38 + crate::meeting::odt::MEDIA_TYPE.len()],
        crate::meeting::odt::MEDIA_TYPE.as_bytes(),
        "stored, right after its name"
    );
    let Some(plain) = pandoc(&odt, "plain") else {
        return;
    };
    // Pandoc's plain text marks what is struck with `~~`.
    let plain = flat(&plain.replace("~~", ""));
    // Every paragraph of the booklet, in order, as pandoc reads it.
    let mut last = 0;
    for block in p.flat() {
        let said = match block {
            Block::Title(t) => flat(t),
            Block::Heading { text, .. } => flat(text),
            Block::Para(spans) => flat(&spans.iter().map(Span::text).collect::<String>()),
            Block::Marked { spans, .. } => flat(&spans.iter().map(Span::text).collect::<String>()),
            Block::Numbered(body) => flat(&crate::export::to_text_numbered("", body)),
            _ => continue,
        };
        let at = plain[last..]
            .find(&said)
            .unwrap_or_else(|| panic!("«{said}» after position {last} in «{plain}»"));
        last += at + said.len();
    }
    assert!(
        plain.contains("Motion <script>alert(1)</script> & co"),
        "the title as text"
    );
    assert!(plain.contains("Ben <b>Martin</b>"));
    // The marks are styles pandoc sees: struck and underlined.
    let md = pandoc(&odt, "markdown").expect("pandoc is there");
    // Pandoc 2.17 reads the underline as emphasis, the bold as strong.
    assert!(md.contains("en ~~mai~~***juin***"), "{md}");
    assert!(md.contains("gratuité ***totale ***des transports"), "{md}");
    // The summary is a table.
    let html = pandoc(&odt, "html").expect("pandoc is there");
    assert!(
        html.contains("<table") && html.contains("<td>A3</td>"),
        "{html}"
    );
}

#[test]
fn hostile_strings_make_a_valid_odt_and_an_escaped_page() {
    let w = world();
    let overview = Overview::build(&w.book, &w.body.decisions(), &w.body, None);
    let decisions = w.body.decisions();
    let src = Sources {
        text: &w.body,
        book: &w.book,
        overview: &overview,
        decisions: &decisions,
    };
    let nasty = "]]></text:p><x a=\"'\u{1}\u{b}\u{fffe}\">&amp; \"}</style><script>x()</script>\t  [lien](javascript:x) ![i](http://e/x.png)";
    let p = booklet(
        &src,
        None,
        &Options {
            title: nasty,
            lang: "en",
            comments: false,
        },
    )
    .unwrap();
    let html = p.to_html();
    assert!(!html.contains("<script>x()"));
    assert!(
        !html.contains("</style><"),
        "the title cannot close the stylesheet"
    );
    let md = p.to_markdown();
    assert!(md.contains("\\[lien\\](javascript:x) \\!\\[i\\]"), "{md}");
    if let Some(plain) = pandoc(&p.to_odt(), "plain") {
        assert!(plain.contains("</text:p><x a="), "{plain}");
        assert!(plain.contains("Amendment booklet"));
    }
}

/// A meeting over the world: A3 rejected, A4 adopted (A1, on the same
/// words, falls), A2 withdrawn; closed.
fn meeting(w: &World) -> Meeting {
    let overview = Overview::build(&w.book, &w.body.decisions(), &w.body, None);
    let agenda = crate::meeting::order::assistant(&overview);
    let opened = w.body.start_meeting(
        "Assemblée <de> section",
        "2026-12-12",
        "Base — assemblée",
        &agenda,
        &overview,
        "Chair",
        10_000,
    );
    let decide = |id: &str, to: Status, counts: Option<Counts>, note: &str| {
        w.body.decide(
            &Decision {
                amendment: id.into(),
                from: Status::Filed,
                to,
                rev: 0,
                counts,
                note: note.into(),
                because: None,
            },
            "Chair",
            10_100,
        );
    };
    decide(
        &w.ids[2],
        Status::Rejected,
        Some(Counts {
            yes: 3,
            no: 20,
            abstain: 1,
            unanimous: false,
        }),
        "",
    );
    w.body
        .adopt(
            &w.book,
            &w.body.decisions(),
            &w.ids[3],
            Some(Counts {
                yes: 15,
                no: 4,
                abstain: 2,
                unanimous: false,
            }),
            "Chair",
            10_200,
        )
        .expect("adopts");
    decide(&w.ids[1], Status::Withdrawn, None, "retiré en séance");
    let now = Overview::build(&w.book, &w.body.decisions(), &w.body, None);
    let meeting = w.body.meeting(&opened.id).unwrap();
    let minutes = meeting.minutes(&now, &w.body.decisions());
    w.body
        .close_meeting(
            &opened.id,
            "Texte adopté — assemblée",
            &minutes,
            "Chair",
            11_000,
        )
        .expect("closes");
    w.body.meeting(&opened.id).unwrap()
}

#[test]
fn after_a_meeting_the_papers_say_what_the_decisions_imply() {
    let w = world();
    let meeting = meeting(&w);
    let closed = meeting.closed.clone().expect("closed");
    // The text goes on changing after the meeting: the papers do not.
    w.body
        .edit_body(&crate::edit::Edit {
            start: 0,
            delete: 0,
            insert: "Ajouté après. ".into(),
        })
        .unwrap();
    let overview = Overview::build(&w.book, &w.body.decisions(), &w.body, None);
    let decisions = w.body.decisions();
    let src = Sources {
        text: &w.body,
        book: &w.book,
        overview: &overview,
        decisions: &decisions,
    };
    let o = options("fr");
    let list = entries(&src, Some(&meeting), &o);
    assert_eq!(
        list.iter().map(|e| e.id.clone()).collect::<Vec<_>>(),
        meeting.agenda,
        "agenda order"
    );
    for (entry, minute) in list.iter().zip(&closed.minutes) {
        assert_eq!(entry.status, minute.status, "{}", entry.citation);
        assert_eq!(entry.counts, minute.counts);
        assert_eq!(Some(entry.lines), minute.lines);
    }
    let a1 = list.iter().find(|e| e.id == w.ids[0]).unwrap();
    assert_eq!(a1.status, Status::Fallen);
    assert_eq!(a1.fallen_by.as_deref(), Some("A4"));

    let md = booklet(&src, Some(&meeting), &o).unwrap().to_markdown();
    assert!(
        md.contains("**Séance\u{a0}:** Assemblée \\<de\\> section"),
        "{md}"
    );
    assert!(md.contains("**Version\u{a0}:** Base — assemblée"));
    assert!(
        md.contains(
            "| A4 | l. 2 | Ben \\<b\\>Martin\\</b\\> | adopté | pour 15, contre 4, abstentions 2 |"
        ),
        "{md}"
    );
    assert!(md.contains("| A1 | l. 2 | Awa Diallo | tombé | tombé : remplacé par A4 |"));
    assert!(md.contains("| A2 | l. 3 | Ben \\<b\\>Martin\\</b\\> | retiré | retiré en séance |"));
    assert!(
        !md.contains("Ajouté après"),
        "the base text is the meeting's base"
    );

    // The adopted text is the result version, with exactly A4 annexed.
    let result = w
        .body
        .text_at(&Moment::Checkpoint(closed.result.clone()))
        .unwrap()
        .text;
    assert!(result.contains("La section demande la baisse des tarifs publics."));
    let paper = adopted(&src, Some(&meeting), &o).unwrap();
    let clean: Vec<&String> = paper
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Clean(text) => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(clean, vec![&result]);
    let md = paper.to_markdown();
    assert!(md.contains("### A4, l. 2"), "{md}");
    for other in ["### A1", "### A2", "### A3"] {
        assert!(!md.contains(other), "{other} is not adopted");
    }

    // The amended text: base to result, A4's words marked.
    let paper = amended(&w.body, &meeting, &o).unwrap();
    let marked: Vec<Span> = paper
        .flat()
        .into_iter()
        .filter_map(|b| match b {
            Block::Marked { spans, .. } => Some(spans.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let removed: Vec<&str> = marked
        .iter()
        .filter_map(|s| match s {
            Span::Removed(t) => Some(t.trim()),
            _ => None,
        })
        .collect();
    let added: Vec<&str> = marked
        .iter()
        .filter_map(|s| match s {
            Span::Added(t) => Some(t.trim()),
            _ => None,
        })
        .collect();
    assert_eq!(removed, ["gratuité", "transports"], "{marked:?}");
    assert_eq!(added, ["baisse", "tarifs"]);
    let old: String = marked
        .iter()
        .filter(|s| !matches!(s, Span::Added(_)))
        .map(Span::text)
        .collect();
    assert_eq!(old, MOTION);
    if let Some(plain) = pandoc(&paper.to_odt(), "markdown") {
        assert!(plain.contains("~~gratuité~~"), "{plain}");
    }
    for format in PaperFormat::ALL {
        assert!(!paper.render(format).is_empty());
    }
}

//! The booklet at a congress's scale (issue 13): a 660,000-character
//! French-like motion ([`model::amendments::generate::text`]) and 3,000
//! amendments on it ([`model::amendments::generate::drafts`]: realistic
//! passages, a fifth competing, deletions and insertions), filed by 200
//! members as signed records, all registered, a comment on every third.
//! The booklet (cover, contents, summary table, the base text numbered,
//! every amendment with its word diff) is built and written as HTML,
//! Markdown and ODT, without a meeting (text order) and for a meeting
//! opened on a named version (agenda order, the base read from history);
//! then the adopted text and the amended text of that meeting once 300
//! amendments are adopted.
//!
//! It prints the median and the slowest of a few runs (milliseconds).
//! Target (issue 13): the booklet, ODT included, under 2 s natively. A
//! benchmark, not a test: it asserts nothing about time.
//!
//! `cargo bench -p cahier-model --bench booklet`.

use std::hint::black_box;
use std::time::Instant;

use model::amendments::generate::{self, Rng};
use model::amendments::record::Stance;
use model::amendments::{Book, Identity, Overview};
use model::edit::Edit;
use model::meeting::booklet::{adopted, amended, booklet, Options, Sources};
use model::meeting::order::assistant;
use model::meeting::paper::PaperFormat;
use model::Document;

const ROOM: [u8; 16] = [7; 16];

/// The median and the slowest of `runs` runs of `f` (after one warm-up),
/// in milliseconds.
fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[times.len() - 1])
}

fn row(what: &str, (median, slowest): (f64, f64)) {
    println!("| {what} | {median:.1} | {slowest:.1} |");
}

fn main() {
    let start = Instant::now();
    let text = Document::new(1);
    let body = generate::text(2026, 660_000);
    // Typed in pieces of a paragraph, as a text is written.
    for piece in body.split_inclusive("\n\n") {
        text.edit_body(&Edit {
            start: text.body_len(),
            delete: 0,
            insert: piece.into(),
        })
        .expect("in the body");
    }
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let mut rng = Rng::new(13);
    let members: Vec<(Identity, String)> = (0..200)
        .map(|i| (Identity::from_seed(rng.bytes()), format!("Membre {i}")))
        .collect();
    let drafts = generate::drafts(2026, &body, 3_000);
    let mut ids = Vec::with_capacity(drafts.len());
    for (k, draft) in drafts.iter().enumerate() {
        let (identity, name) = &members[rng.below(200) as usize];
        let (id, line) = book
            .file(identity, &text, draft, name, 1_000 + k as i64, rng.bytes())
            .expect("files");
        room.append_record(&line);
        text.register(&id, k as u32 + 1, "Secrétariat", 2_000);
        ids.push(id);
    }
    book.refresh(&room);
    for (k, id) in ids.iter().enumerate().step_by(3) {
        let (identity, name) = &members[k % 200];
        let (_, line) = book
            .comment(
                identity,
                id,
                None,
                [Stance::For, Stance::Against][k % 2],
                &generate::sentence(&mut rng),
                name,
                3_000,
                rng.bytes(),
            )
            .expect("comments");
        room.append_record(&line);
    }
    book.refresh(&room);
    let setup = start.elapsed().as_secs_f64();
    let decisions = text.decisions();
    let overview = Overview::build(&book, &decisions, &text, None);
    let src = Sources {
        text: &text,
        book: &book,
        overview: &overview,
        decisions: &decisions,
    };
    let options = Options {
        title: "Motion d’orientation",
        lang: "fr",
        comments: false,
    };
    let paper = booklet(&src, None, &options).expect("builds");
    let sizes: Vec<String> = PaperFormat::ALL
        .iter()
        .map(|f| {
            format!(
                "{} {:.1} MB",
                f.extension(),
                paper.render(*f).len() as f64 / 1e6
            )
        })
        .collect();
    println!(
        "booklet: {} characters, {} amendments; files: {}; set up in {setup:.1} s",
        body.chars().count(),
        overview.rows.len(),
        sizes.join(", ")
    );
    println!();
    println!("| step | median ms | slowest ms |");
    println!("| --- | ---: | ---: |");
    row(
        "the booklet's blocks (`booklet`: entries, word diffs, summary, contents), text order",
        time(5, || {
            black_box(booklet(&src, None, &options).expect("builds"));
        }),
    );
    for format in PaperFormat::ALL {
        row(
            &format!("written as {}", format.extension()),
            time(5, || {
                black_box(paper.render(format));
            }),
        );
    }
    row(
        "the whole ODT from the document (blocks + ODT)",
        time(5, || {
            black_box(booklet(&src, None, &options).expect("builds").to_odt());
        }),
    );
    let with_comments = Options {
        comments: true,
        ..options
    };
    row(
        "the whole ODT with the comments",
        time(5, || {
            black_box(
                booklet(&src, None, &with_comments)
                    .expect("builds")
                    .to_odt(),
            );
        }),
    );

    // A meeting on the same amendments: agenda order, the base version.
    let agenda = assistant(&overview);
    let opened = text.start_meeting(
        "Congrès",
        "2026-12-12",
        "Texte de base — congrès",
        &agenda,
        &overview,
        "Présidence",
        5_000,
    );
    let meeting = text.meeting(&opened.id).expect("opened");
    row(
        &format!(
            "the meeting's booklet ({} on the agenda, base from history) + HTML",
            agenda.len()
        ),
        time(5, || {
            black_box(
                booklet(&src, Some(&meeting), &options)
                    .expect("builds")
                    .to_html(),
            );
        }),
    );
    row(
        "the meeting's booklet + ODT",
        time(5, || {
            black_box(
                booklet(&src, Some(&meeting), &options)
                    .expect("builds")
                    .to_odt(),
            );
        }),
    );
    // 300 amendments adopted, one after another, then the meeting closed.
    let mut adopted_n = 0;
    for id in &agenda {
        if adopted_n == 300 {
            break;
        }
        if text
            .adopt(&book, &text.decisions(), id, None, "Présidence", 6_000)
            .is_ok()
        {
            adopted_n += 1;
        }
    }
    let decisions = text.decisions();
    let overview = Overview::build(&book, &decisions, &text, None);
    let minutes = meeting.minutes(&overview, &decisions);
    text.close_meeting(
        &opened.id,
        "Texte adopté — congrès",
        &minutes,
        "Présidence",
        7_000,
    )
    .expect("closes");
    let meeting = text.meeting(&opened.id).expect("closed");
    let src = Sources {
        text: &text,
        book: &book,
        overview: &overview,
        decisions: &decisions,
    };
    row(
        &format!("the adopted text with its annex ({adopted_n} adopted) + ODT"),
        time(5, || {
            black_box(
                adopted(&src, Some(&meeting), &options)
                    .expect("builds")
                    .to_odt(),
            );
        }),
    );
    row(
        "the amended text (base → result compared) + HTML",
        time(3, || {
            black_box(
                amended(&text, &meeting, &options)
                    .expect("builds")
                    .to_html(),
            );
        }),
    );
    row(
        "the amended text + ODT",
        time(3, || {
            black_box(amended(&text, &meeting, &options).expect("builds").to_odt());
        }),
    );
}

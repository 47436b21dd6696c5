//! Argument maps at scale (issue 14): a generated map of 2,000 claims, 8
//! levels deep (a question at the top, tags, explanations, sources on a
//! claim in five), imported in one update, then: opening it from a saved
//! state (load + the tree folded), folding alone, filtering by tag and by
//! words, the walk, the talking-points sheet (selection and the paper as
//! HTML and ODT), and Argdown written and read.
//!
//! It prints the median and the slowest of a few runs (milliseconds).
//! Targets (issue 14): open under 1 s; expanding a branch and filtering
//! under 50 ms; the sheet under 200 ms. A benchmark, not a test: it
//! asserts nothing about time.
//!
//! `cargo bench -p cahier-model --bench arguments`.

use std::hint::black_box;
use std::time::Instant;

use model::arguments::argdown::{self, Node, Parsed};
use model::arguments::paper::sheet_paper;
use model::arguments::rank::{Standing, Standings};
use model::arguments::sheet::{select, Choice, Subject};
use model::arguments::{Source, Stance, TopKind};
use model::meeting::paper::PaperFormat;
use model::Document;

const CLAIMS: usize = 2_000;
const DEPTH: usize = 8;

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

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "la",
    "gratuité",
    "des",
    "transports",
    "rend",
    "ville",
    "accessible",
    "coûte",
    "cher",
    "billetterie",
    "réseau",
    "pollution",
    "voitures",
    "quartiers",
    "emplois",
    "budget",
    "commune",
    "usagers",
    "bus",
    "tram",
    "salariés",
    "jeunes",
    "retraités",
    "impôt",
];
const TAGS: &[&str] = &[
    "social",
    "climat",
    "budget",
    "emploi",
    "santé",
    "jeunesse",
    "ville durable",
    "mobilité",
];

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut out: Vec<&str> = (0..words).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    out[0] = "Elle";
    format!("{}.", out.join(" "))
}

/// The map: each claim under a random one above the deepest level, so
/// the tree is bushy near the top and reaches 8 levels.
fn generated() -> Parsed {
    let mut rng = Rng(2026);
    let mut nodes: Vec<Node> = Vec::with_capacity(CLAIMS);
    let mut depth: Vec<usize> = Vec::with_capacity(CLAIMS);
    nodes.push(Node {
        text: "Faut-il la gratuité des transports publics ?".into(),
        kind: TopKind::Question,
        tags: vec!["transports".into()],
        ..Node::default()
    });
    depth.push(0);
    // A spine first, so the deepest level is there for sure.
    for d in 1..DEPTH {
        nodes.push(Node {
            parent: Some(d - 1),
            text: sentence(&mut rng, 10),
            stance: if d % 2 == 0 { Stance::Con } else { Stance::Pro },
            ..Node::default()
        });
        depth.push(d);
    }
    while nodes.len() < CLAIMS {
        // Parents near the top more often: a map is bushy there.
        let parent = loop {
            let candidate = rng.below(nodes.len().min(20 + nodes.len() / 2));
            if depth[candidate] < DEPTH - 1 {
                break candidate;
            }
        };
        let i = nodes.len();
        let words = 8 + rng.below(14);
        nodes.push(Node {
            parent: Some(parent),
            text: sentence(&mut rng, words),
            note: if i % 3 == 0 {
                format!("{}\n\n{}", sentence(&mut rng, 30), sentence(&mut rng, 40))
            } else {
                String::new()
            },
            stance: if rng.below(3) == 0 {
                Stance::Con
            } else {
                Stance::Pro
            },
            tags: (0..rng.below(3))
                .map(|_| TAGS[rng.below(TAGS.len())].to_owned())
                .collect(),
            sources: if i % 5 == 0 {
                vec![Source {
                    url: format!("https://example.org/etude/{i}"),
                    title: format!("Étude n° {i}"),
                    date: "2024-05".into(),
                    quote: String::new(),
                }]
            } else {
                Vec::new()
            },
            ..Node::default()
        });
        depth.push(depth[parent] + 1);
    }
    Parsed {
        title: Some("Transports".into()),
        nodes,
        warnings: Vec::new(),
    }
}

fn main() {
    let parsed = generated();
    let doc = Document::new(1);
    let start = Instant::now();
    let (_, updates) = doc
        .import_argdown(&parsed, None, "Louise", 1_000)
        .expect("imports");
    let imported = start.elapsed().as_secs_f64() * 1000.0;
    let state = doc.encode_state();
    let map = doc.arguments();
    let deepest = map.walk().iter().map(|(_, d)| *d).max().unwrap_or(0);
    println!(
        "A map of {} claims, {} levels deep; its state {} kB (the import's {} updates {} kB, made in {imported:.0} ms).\n",
        map.len(),
        deepest + 1,
        state.len() / 1000,
        updates.len(),
        updates.iter().map(Vec::len).sum::<usize>() / 1000
    );
    let mut rng = Rng(7);
    let mut standings = Standings::new();
    for (id, _) in map.walk() {
        if rng.below(2) == 0 {
            let mut votes = [0; 5];
            votes[rng.below(5)] = 1 + rng.below(4) as u32;
            standings.insert(
                id.to_owned(),
                Standing {
                    endorsers: rng.below(12) as u32,
                    votes,
                },
            );
        }
    }
    let root = map.roots()[0].clone();
    let subject = Subject::Claim(root.clone());
    println!("| step | median ms | slowest ms |");
    println!("| --- | --- | --- |");
    row(
        "open: load the saved state and fold the tree",
        time(5, || {
            let doc = Document::load(2, &state).expect("loads");
            black_box(doc.arguments().len());
        }),
    );
    row(
        "fold the tree (Document::arguments)",
        time(10, || {
            black_box(doc.arguments().len());
        }),
    );
    row(
        "filter by tag",
        time(20, || {
            black_box(map.filter("", Some("climat")).matches.len());
        }),
    );
    row(
        "filter by words",
        time(20, || {
            black_box(map.filter("billetterie budget", None).matches.len());
        }),
    );
    row(
        "walk (the tree's order)",
        time(20, || {
            black_box(map.walk().len());
        }),
    );
    row(
        "expand a branch (children, descendants, pros and cons)",
        time(20, || {
            for child in map.children(&root) {
                black_box(map.children(child).len());
                black_box(map.descendants(child));
                black_box(map.pros_and_cons(child).0.len());
            }
        }),
    );
    let mut sheet = None;
    row(
        "sheet: candidates and selection",
        time(10, || {
            sheet = select(&map, &standings, &subject, &Choice::default());
        }),
    );
    let sheet = sheet.expect("a sheet");
    row(
        "sheet by tag: candidates and selection",
        time(10, || {
            black_box(select(
                &map,
                &standings,
                &Subject::Tag("climat".into()),
                &Choice::default(),
            ));
        }),
    );
    row(
        "sheet: paper as HTML",
        time(20, || {
            black_box(
                sheet_paper(&sheet, "Transports", "fr")
                    .render(PaperFormat::Html)
                    .len(),
            );
        }),
    );
    row(
        "sheet: paper as ODT",
        time(20, || {
            black_box(
                sheet_paper(&sheet, "Transports", "fr")
                    .render(PaperFormat::Odt)
                    .len(),
            );
        }),
    );
    row(
        "sheet: all of it (select + HTML + ODT)",
        time(10, || {
            let sheet = select(&map, &standings, &subject, &Choice::default()).expect("a sheet");
            let paper = sheet_paper(&sheet, "Transports", "fr");
            black_box(paper.render(PaperFormat::Html).len() + paper.render(PaperFormat::Odt).len());
        }),
    );
    let mut text = String::new();
    row(
        "Argdown: write",
        time(10, || {
            text = argdown::to_argdown(&map, "Transports");
        }),
    );
    row(
        "Argdown: parse",
        time(10, || {
            black_box(argdown::parse(&text).expect("reads").nodes.len());
        }),
    );
    row(
        "Argdown: import (updates of 100 claims)",
        time(5, || {
            let doc = Document::new(3);
            let parsed = argdown::parse(&text).expect("reads");
            black_box(
                doc.import_argdown(&parsed, None, "x", 1)
                    .expect("imports")
                    .1
                    .len(),
            );
        }),
    );
    println!("\nThe Argdown text: {} kB.", text.len() / 1000);
}

//! Workspaces at scale (issue 15): a workspace of 500 documents in 12
//! folders (titles of a section's motions, leaflets and maps), then:
//! opening it from a saved state (load + the index read), sorting, title
//! search as typed, and full-text search over 200 documents of 20,000
//! characters each (indexing them once, then queries of one, two and three
//! words, one that matches nothing).
//!
//! It prints the median and the slowest of a few runs (milliseconds).
//! Targets (issue 15): open under 1 s, title search under 20 ms, full text
//! over 200 × 20,000 characters under 200 ms. A benchmark, not a test: it
//! asserts nothing about time. The browser's figures (IndexedDB included)
//! are `tests/workspace_bench.test.mjs`'s.
//!
//! `cargo bench -p cahier-model --bench workspace`.

use std::hint::black_box;
use std::time::Instant;

use model::workspace::search::FullText;
use model::workspace::{search_titles, sorted, EntryKind, NewEntry, Sort};
use model::Document;

const DOCS: usize = 500;
const FOLDERS: usize = 12;
const OPENED: usize = 200;
const CHARS: usize = 20_000;

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
    println!("| {what} | {median:.2} | {slowest:.2} |");
}

const WORDS: [&str; 24] = [
    "section", "congrès", "motion", "salaires", "retraites", "sécurité", "sociale", "transports",
    "gratuité", "logement", "école", "hôpital", "services", "publics", "écologie", "paix",
    "solidarité", "fédération", "tract", "marché", "adhérents", "réunion", "budget", "égalité",
];

fn room(i: usize) -> String {
    // 22 characters of base64url, distinct.
    format!("{:0>22}", format!("R{i}"))
}

fn text(seed: usize, chars: usize) -> String {
    let mut out = String::with_capacity(chars + 200);
    let mut n = seed;
    let mut count = 0;
    while count < chars {
        n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let word = WORDS[(n >> 33) as usize % WORDS.len()];
        out.push_str(word);
        out.push(if (n >> 20) % 11 == 0 { '\n' } else { ' ' });
        count += word.chars().count() + 1;
    }
    out
}

fn main() {
    let doc = Document::new(1);
    doc.new_workspace("Fédération du Nord", "🌹", 1);
    let folders: Vec<String> = (0..FOLDERS)
        .map(|i| doc.add_folder(&format!("Dossier {i} {}", WORDS[i]), 2).unwrap().0)
        .collect();
    let view = format!("v={}.{}.abcd", "a".repeat(43), "b".repeat(43));
    for i in 0..DOCS {
        let title = format!("{} {} n° {i}", WORDS[i % WORDS.len()], WORDS[(i * 7 + 3) % WORDS.len()]);
        let (id, _) = doc
            .add_entry(&NewEntry {
                room: &room(i),
                kind: Some(if i % 5 == 0 { EntryKind::Arguments } else { EntryKind::Text }),
                title: &title,
                view: &view,
                sealed: Some(&"s".repeat(180)),
                level: Some(model::workspace::Level::Edit),
                added_by: "Louise",
                time: i as i64,
                ..NewEntry::default()
            })
            .unwrap();
        doc.move_entry(&id, &folders[i % FOLDERS]).unwrap();
    }
    let saved = doc.encode_state();
    println!("workspace: {DOCS} documents in {FOLDERS} folders, saved state {} KiB", saved.len() / 1024);
    println!("| step | median ms | slowest ms |");
    println!("| --- | ---: | ---: |");
    row(&format!("open: load the saved state and read the index ({DOCS} entries)"), time(10, || {
        let loaded = Document::load(2, &saved).unwrap();
        black_box(loaded.workspace());
    }));
    let ws = doc.workspace();
    assert_eq!(ws.entries.len(), DOCS);
    row("read the index alone", time(10, || {
        black_box(doc.workspace());
    }));
    row("sort by title", time(20, || {
        black_box(sorted(&ws.entries, Sort::Title));
    }));
    for query in ["s", "sécu", "securite sociale", "zzz"] {
        row(&format!("title search {query:?}"), time(50, || {
            black_box(search_titles(&ws, query, Sort::Recent));
        }));
    }

    let bodies: Vec<String> = (0..OPENED).map(|i| text(i + 1, CHARS)).collect();
    let mut index = FullText::new();
    row(&format!("index {OPENED} documents of {CHARS} characters"), time(3, || {
        index = FullText::new();
        for (i, body) in bodies.iter().enumerate() {
            index.insert(&room(i), &format!("Document {i}"), body);
        }
    }));
    for query in ["hôpital", "securite sociale", "paix budget egalite", "introuvable"] {
        let hits = index.query(query).len();
        row(&format!("full text {query:?} ({hits} documents)"), time(10, || {
            black_box(index.query(query));
        }));
    }
}

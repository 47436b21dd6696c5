//! The history on the automerge-paper trace with a checkpoint every 250
//! edits (about 1,000 checkpoints, 104,852 final characters): what making
//! the checkpoints costs, what they add to the document, and the figures
//! the history panel needs: listing them, the text at one (a slider
//! step), comparing the first with the last and two neighbours.
//!
//! Then the same figures at a congress's scale: a 660,000-character text
//! and 3,000 amendments written into it (a word replaced here and there),
//! a checkpoint every 30 of them.
//!
//! `cargo bench -p cahier-model --bench history` (CAHIER_TRACES or the
//! traces beside the repository).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use model::history::Moment;
use model::Document;

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// The median of `runs` runs of `f`, in milliseconds.
fn median(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            ms(start)
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    trace();
    congress();
}

/// A motion-like paragraph.
fn paragraph(n: usize) -> String {
    format!(
        "Article {n} : le congrès, réuni à Saint-Étienne-du-Rouvray, affirme que la section \
         doit disposer de moyens ; les adhérentes et adhérents ont débattu longuement des \
         amendements déposés, rejetés ou retenus, c'est-à-dire de l'ensemble du texte soumis \
         au vote des délégué·es.\n\n"
    )
}

fn congress() {
    let doc = Document::new(1);
    let mut n = 0;
    while doc.body_len() < 660_000 {
        n += 1;
        let end = doc.body_len();
        doc.edit_body(&model::edit::Edit {
            start: end,
            delete: 0,
            insert: paragraph(n),
        })
        .expect("fits");
    }
    doc.checkpoint(0).expect("the first");
    // 3,000 amendments: in a pseudo-random paragraph, "moyens" becomes
    // "moyens suffisants", or "longuement" is deleted.
    let mut seed: u64 = 42;
    let mut checkpointing = 0.0;
    for i in 0..3_000 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let body = doc.body();
        let mut at = (seed >> 33) as usize % body.len();
        while !body.is_char_boundary(at) {
            at -= 1;
        }
        let (word, insert) = if i % 2 == 0 {
            ("moyens", "moyens suffisants")
        } else {
            ("longuement ", "")
        };
        let Some(found) = body[at..].find(word) else {
            continue;
        };
        let start = at + found;
        let start16 = body[..start].encode_utf16().count() as u32;
        doc.edit_body(&model::edit::Edit {
            start: start16,
            delete: word.encode_utf16().count() as u32,
            insert: insert.to_owned(),
        })
        .expect("fits");
        if (i + 1) % 30 == 0 {
            let start = Instant::now();
            doc.checkpoint(i64::from(i + 1)).expect("a change");
            checkpointing += ms(start);
        }
    }
    let list = doc.checkpoints();
    println!(
        "congress: {} characters, 3,000 amendments, {} checkpoints; making one: {:.1} ms on average",
        doc.body_len(),
        list.len(),
        checkpointing / (list.len() - 1) as f64
    );
    let at = |k: usize| Moment::Checkpoint(list[k].id.clone());
    let mut k = list.len() / 3;
    let step = median(11, || {
        k += 1;
        doc.text_at(&at(k)).expect("reads");
    });
    println!("congress: one slider step: {step:.1} ms median");
    let first_last = median(5, || {
        doc.compare(&at(0), &at(list.len() - 1)).expect("compares");
    });
    println!("congress: compare first and last (3,000 changes): {first_last:.1} ms median");
    let mut k = list.len() / 2;
    let neighbours = median(11, || {
        k += 1;
        doc.compare(&at(k), &at(k + 1)).expect("compares");
    });
    println!("congress: compare two neighbours: {neighbours:.1} ms median");
}

fn trace() {
    let Some((edits, end)) = common::edits("automerge-paper") else {
        eprintln!("skipped: no editing traces (CAHIER_TRACES)");
        return;
    };
    let plain = Document::new(1);
    for edit in &edits {
        plain.edit_body(edit).expect("fits");
    }
    let plain_bytes = plain.encode_state().len();

    let doc = Document::new(1);
    let mut checkpointing = 0.0;
    let mut made = 0;
    for (i, edit) in edits.iter().enumerate() {
        doc.edit_body(edit).expect("fits");
        if (i + 1) % 250 == 0 {
            let start = Instant::now();
            if doc.checkpoint(i as i64).is_some() {
                made += 1;
            }
            checkpointing += ms(start);
        }
    }
    assert_eq!(doc.body(), end);
    let bytes = doc.encode_state().len();
    println!(
        "automerge-paper: {} edits, {} characters, {made} checkpoints",
        edits.len(),
        end.chars().count()
    );
    println!(
        "document: {plain_bytes} bytes without checkpoints, {bytes} with: {:.0} bytes per checkpoint",
        (bytes - plain_bytes) as f64 / f64::from(made)
    );
    println!(
        "making a checkpoint: {:.2} ms on average",
        checkpointing / f64::from(made)
    );

    let loaded = Document::load(2, &doc.encode_state()).expect("loads");
    let start = Instant::now();
    let list = loaded.checkpoints();
    println!("listing {} checkpoints: {:.1} ms", list.len(), ms(start));
    let at = |k: usize| Moment::Checkpoint(list[k].id.clone());
    let start = Instant::now();
    loaded.text_at(&at(list.len() - 1)).expect("reads");
    println!(
        "the text at the last checkpoint, cold (its chain rebuilt): {:.1} ms",
        ms(start)
    );
    let mut k = list.len() / 3;
    let step = median(21, || {
        k += 1;
        loaded.text_at(&at(k)).expect("reads");
    });
    println!("one slider step (the text at the next checkpoint): {step:.1} ms median");
    let first_last = median(5, || {
        loaded
            .compare(&at(0), &at(list.len() - 1))
            .expect("compares");
    });
    println!("compare first and last: {first_last:.1} ms median");
    let mut k = list.len() / 2;
    let neighbours = median(21, || {
        k += 1;
        loaded.compare(&at(k), &at(k + 1)).expect("compares");
    });
    println!("compare two neighbours: {neighbours:.1} ms median");
    let now = median(5, || {
        loaded
            .compare(&at(list.len() / 2), &Moment::Now)
            .expect("compares");
    });
    println!("compare the middle one and now: {now:.1} ms median");
}

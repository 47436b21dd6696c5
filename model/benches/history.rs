//! The history on the automerge-paper trace with a checkpoint every 250
//! edits (about 1,000 checkpoints, 104,852 final characters): what making
//! the checkpoints costs, what they add to the document, and the figures
//! the history panel needs: listing them, the text at one (a slider
//! step), comparing the first with the last and two neighbours.
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

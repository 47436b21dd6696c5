//! What the guard costs: the automerge-paper trace typed into a document
//! (259,779 updates, one per keystroke, and the snapshot of the result),
//! then, on each update in turn, the guard alone ([`model::guard::check`]),
//! yrs's decoding alone, and applying them all as a co-author's: on a bare
//! Yrs doc, on one with the guard as the document runs it, and through [`model::Document::apply_remote_unmapped`] (what the
//! app's catch-up does). Then the snapshot of the result: checked, loaded.
//! Prints the totals. A benchmark, not a test: it asserts nothing about
//! time.
//!
//! `cargo bench -p cahier-model --bench guard` (the release profile; the
//! trace is found beside the repository, or in `CAHIER_TRACES`).

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use model::{guard, Document};
use yrs::updates::decoder::Decode;
use yrs::{OffsetKind, Options, ReadTxn, StateVector, Transact, Update};

fn best_of<T>(runs: usize, mut work: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(work());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let Some((updates, _)) = common::typed("automerge-paper", None) else {
        println!("guard: skipped, no automerge-paper trace (CAHIER_TRACES)");
        return;
    };
    let bytes: usize = updates.iter().map(Vec::len).sum();
    let check = best_of(5, || {
        for update in &updates {
            black_box(guard::check(black_box(update)).is_ok());
        }
    });
    let decode = best_of(5, || {
        for update in &updates {
            black_box(Update::decode_v1(black_box(update)).is_ok());
        }
    });
    let bare_doc = || {
        yrs::Doc::with_options(Options {
            skip_gc: true,
            offset_kind: OffsetKind::Utf16,
            ..Options::with_client_id(yrs::ClientID::new(2))
        })
    };
    let bare = best_of(2, || {
        let doc = bare_doc();
        for update in &updates {
            if let Ok(update) = Update::decode_v1(update) {
                black_box(doc.transact_mut().apply_update(update).is_ok());
            }
        }
        doc
    });
    // What the document adds: the guard at the entry, and what it learns
    // of the types.
    let guarded_bare = best_of(2, || {
        let doc = bare_doc();
        let mut parents = guard::Parents::default();
        for update in &updates {
            let Ok(shape) = guard::check(update) else {
                continue;
            };
            if parents.check(&shape).is_err() {
                continue;
            }
            if let Ok(decoded) = Update::decode_v1(update) {
                if doc.transact_mut().apply_update(decoded).is_ok() {
                    parents.learn(&shape);
                }
            }
        }
        doc
    });
    let unmapped = best_of(2, || {
        let doc = Document::new(2);
        for update in &updates {
            black_box(doc.apply_remote_unmapped(update).is_ok());
        }
        doc
    });
    let state = {
        let doc = Document::new(2);
        for update in &updates {
            let _ = doc.apply_remote(update);
        }
        doc.encode_state()
    };
    let check_state = best_of(20, || guard::check(black_box(&state)).is_ok());
    let load_state = best_of(5, || Document::load(3, black_box(&state)).is_ok());
    let bare_load = best_of(5, || {
        let doc = yrs::Doc::new();
        if let Ok(update) = Update::decode_v1(&state) {
            let _ = doc.transact_mut().apply_update(update);
        }
        let loaded = doc.transact().state_vector() != StateVector::default();
        loaded
    });
    let per = |d: Duration| d.as_nanos() as f64 / updates.len() as f64;
    println!(
        "guard: automerge-paper, {} updates, {bytes} bytes (best of several runs)",
        updates.len()
    );
    println!(
        "  check all:   {check:>10.2?}  ({:.0} ns/update, {:.0} MB/s)",
        per(check),
        bytes as f64 / check.as_secs_f64() / 1e6
    );
    println!(
        "  decode all:  {decode:>10.2?}  ({:.0} ns/update)",
        per(decode)
    );
    println!(
        "  apply all, bare Yrs doc, no guard:        {bare:>10.2?}  ({:.0} ns/update)",
        per(bare)
    );
    println!(
        "  apply all, bare Yrs doc, with the guard:   {guarded_bare:>10.2?}  ({:.0} ns/update)",
        per(guarded_bare)
    );
    println!(
        "  apply all, Document::apply_remote_unmapped (the app's catch-up): {unmapped:>10.2?}  ({:.0} ns/update)",
        per(unmapped)
    );
    println!(
        "  the guard's share of applying: check alone {:.1} % of a bare apply; measured with it {:.1} %",
        100.0 * check.as_secs_f64() / bare.as_secs_f64(),
        100.0 * (guarded_bare.as_secs_f64() - bare.as_secs_f64()) / bare.as_secs_f64()
    );
    println!(
        "  snapshot, {} bytes: check {check_state:.2?}, load (guard included) {load_state:.2?}, bare load {bare_load:.2?}",
        state.len()
    );
}

//! The history on a real editing trace (automerge-paper, beside the
//! repository): with a checkpoint every 250 edits, the text at a sample of
//! 50 checkpoints equals the trace replayed to that point, before and
//! after a reload from the saved state, and comparing two checkpoints
//! gives the later text from the earlier.

mod common;

use model::edit::Edit;
use model::history::Moment;
use model::Document;

/// Checkpoints every this many edits.
const EVERY: usize = 250;

/// Replay a trace's first `limit` edits with a checkpoint every
/// [`EVERY`]; the document and the text at each checkpoint.
fn replay(edits: &[Edit]) -> (Document, Vec<String>) {
    let doc = Document::new(1);
    let mut texts = Vec::new();
    for (i, edit) in edits.iter().enumerate() {
        doc.edit_body(edit).expect("the trace fits its text");
        if (i + 1) % EVERY == 0 && doc.checkpoint(i as i64).is_some() {
            texts.push(doc.body());
        }
    }
    (doc, texts)
}

#[test]
fn the_text_at_a_sample_of_checkpoints_is_the_trace_replayed_to_there() {
    let Some((edits, _)) = common::edits("automerge-paper") else {
        eprintln!("skipped: no editing traces beside the repository (CAHIER_TRACES)");
        return;
    };
    let limit = common::trace_limit()
        .unwrap_or(edits.len())
        .min(edits.len());
    let (doc, texts) = replay(&edits[..limit]);
    let checkpoints = doc.checkpoints();
    assert_eq!(checkpoints.len(), texts.len());
    assert!(checkpoints.len() >= 50, "{} checkpoints", checkpoints.len());
    let loaded = Document::load(2, &doc.encode_state()).expect("the saved state loads");
    let step = checkpoints.len() / 50;
    for copy in [&doc, &loaded] {
        let list = copy.checkpoints();
        for k in (0..list.len()).step_by(step).take(50) {
            let at = copy
                .text_at(&Moment::Checkpoint(list[k].id.clone()))
                .expect("readable");
            assert_eq!(at.text, texts[k], "checkpoint {k}");
            let len: u32 = at.runs.iter().map(|run| run.len).sum();
            assert_eq!(len as usize, at.text.encode_utf16().count());
        }
    }
    // From the first to the last, and between neighbours.
    let (first, last) = (&checkpoints[0].id, &checkpoints[checkpoints.len() - 1].id);
    let all = doc
        .compare(
            &Moment::Checkpoint(first.clone()),
            &Moment::Checkpoint(last.clone()),
        )
        .unwrap();
    assert_eq!(all.old_text(), texts[0]);
    assert_eq!(&all.new_text(), texts.last().unwrap());
    let mid = checkpoints.len() / 2;
    let near = doc
        .compare(
            &Moment::Checkpoint(checkpoints[mid].id.clone()),
            &Moment::Checkpoint(checkpoints[mid + 1].id.clone()),
        )
        .unwrap();
    assert_eq!(near.old_text(), texts[mid]);
    assert_eq!(near.new_text(), texts[mid + 1]);
    assert!(near.groups > 0);
    assert_eq!(near.editors(), vec![1]);
}

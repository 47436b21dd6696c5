//! What the fuzz targets and the seed generator share: the document a
//! co-author's update lands on, how one input holds several updates, and
//! the fixed keys of the envelope target. The targets are in
//! `fuzz_targets/`; `examples/seeds.rs` writes the seed corpora.

use std::sync::OnceLock;

use model::edit::Edit;
use model::{DocKind, Document, Person};
use protocol::keys::{DocKeys, EditSecret};

/// Between two updates of one input of `remote_update` (🗳 in UTF-8,
/// which a v1 update rarely holds at an update's edge).
pub const SEPARATOR: &[u8] = "🗳".as_bytes();

/// The updates one input holds, in order: at most 4.
pub fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() < 3 {
        match rest
            .windows(SEPARATOR.len())
            .position(|window| window == SEPARATOR)
        {
            Some(at) => {
                parts.push(&rest[..at]);
                rest = &rest[at + SEPARATOR.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

/// Several updates as one input of `remote_update`.
pub fn join<B: AsRef<[u8]>>(updates: &[B]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, update) in updates.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(SEPARATOR);
        }
        out.extend_from_slice(update.as_ref());
    }
    out
}

/// The author of the base document.
pub const ALICE: u64 = 1;
/// The reader, whose document the fuzzed updates land on.
pub const BOB: u64 = 2;

fn edit(start: u32, delete: u32, insert: &str) -> Edit {
    Edit {
        start,
        delete,
        insert: insert.to_owned(),
    }
}

/// Alice's document, as a Cahier text is after a few minutes: meta, a
/// body typed and corrected, her entry in `people`. Returns it with every
/// update it sent, in order.
pub fn alice() -> (Document, Vec<Vec<u8>>) {
    let doc = Document::new(ALICE);
    let mut updates = vec![doc.init_meta(DocKind::Text, "Motion", 1_700_000_000_000)];
    for step in [
        edit(0, 0, "La motion est adoptée."),
        edit(3, 0, "première "),
        edit(13, 7, "proposée 🗳"),
        edit(0, 0, "# Titre\n\n"),
    ] {
        updates.push(doc.edit_body(&step).expect("fits"));
    }
    updates.push(doc.set_me(&Person {
        name: "Alice".into(),
        colour: "#1d4e89".into(),
        identity: None,
    }));
    updates.push(doc.set_title("Motion d'orientation"));
    (doc, updates)
}

/// Bob's copy of alice's document: what a fuzzed update lands on (her
/// state is computed once).
pub fn bob() -> Document {
    static STATE: OnceLock<Vec<u8>> = OnceLock::new();
    let state = STATE.get_or_init(|| alice().0.encode_state());
    Document::load(BOB, state).expect("alice's state loads")
}

/// The envelope target's keys: fixed, so that sealed seeds open.
pub fn keys() -> DocKeys {
    DocKeys::from_edit(&EditSecret::from_bytes([7; 32]))
}

/// A document with a text and two checkpoints, encoded, and the
/// checkpoints' ids: what the `history` target's entries land on.
pub fn with_history() -> &'static (Vec<u8>, Vec<String>) {
    static BASE: OnceLock<(Vec<u8>, Vec<String>)> = OnceLock::new();
    BASE.get_or_init(|| {
        let doc = Document::new(ALICE);
        let _ = doc.init_meta(DocKind::Text, "Motion", 0);
        let _ = doc.edit_body(&edit(0, 0, "Le congrès affirme."));
        let _ = doc.checkpoint(10);
        let _ = doc.edit_body(&edit(3, 7, "conseil"));
        let _ = doc.checkpoint(20);
        let ids = doc.checkpoints().into_iter().map(|c| c.id).collect();
        (doc.encode_state(), ids)
    })
}

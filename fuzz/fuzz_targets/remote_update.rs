//! A co-author's updates (up to 4 in one input, split by
//! [`cahier_fuzz::SEPARATOR`]) applied to a document that has content,
//! as the app and the native client apply them: whatever the bytes, no
//! panic, no overflow, and afterwards the document still reads, edits,
//! saves, and its saved copy passes the guard and loads again (or a
//! crafted update could make every later opening fail). Also: what the
//! guard passes, yrs decodes. The readers the app runs after an update
//! run too, a workspace's index among them.

#![no_main]

use libfuzzer_sys::fuzz_target;
use model::edit::Edit;
use model::{guard, Document};
use yrs::updates::decoder::Decode;

fuzz_target!(|data: &[u8]| {
    let doc = cahier_fuzz::bob();
    for update in cahier_fuzz::split(data) {
        if guard::check(update).is_ok() {
            match yrs::Update::decode_v1(update) {
                Ok(_) | Err(yrs::encoding::read::Error::InvalidJSON(_)) => {}
                Err(error) => panic!("the guard passed what yrs cannot read: {error}"),
            }
        }
        let _ = doc.apply_remote(update);
    }
    // What the app reads after an update.
    let body = doc.body();
    let _ = doc.meta();
    let _ = doc.people();
    let _ = doc.coloured_authorship();
    // A workspace's index, whatever a co-member wrote into it, and an
    // entry written on top of it.
    let workspace = doc.workspace();
    let _ = model::workspace::search_titles(&workspace, "a b", model::workspace::Sort::Title);
    let _ = model::workspace::files::markdown_paths(&workspace);
    if let Some(entry) = workspace.entries.first() {
        let _ = doc.move_entry(&entry.id, "");
        let _ = doc.set_entry_title(&entry.id, "t", 1);
    }
    let len = doc.body_len();
    if let Some((anchor, head)) = doc.stick(0, len) {
        let _ = doc.unstick(&anchor, &head);
    }
    // Saved, and loaded again as the next opening would.
    let state = doc.encode_state();
    if let Err(refusal) = guard::check(&state) {
        panic!("the saved copy would be refused: {refusal}");
    }
    let copy = Document::load(3, &state).expect("the saved copy loads");
    assert_eq!(copy.body(), body, "the saved copy reads the same text");
    // And it still edits.
    doc.edit_body(&Edit {
        start: 0,
        delete: 0,
        insert: "x".into(),
    })
    .expect("an edit at the start fits");
});

//! What this browser has of a workspace's documents: for each entry
//! whose document was opened here, the saved copy read back
//! ([`crate::store::load_doc`]) as its title, kind and text. The
//! workspace page builds three things from it: the titles it shows (and
//! an editor's page writes into the index when they changed), the full
//! text search, and the Markdown export.
//!
//! The copies are read one at a time, yielding to the browser between
//! them, so a workspace of hundreds of documents opens at once and fills
//! in; a copy that does not read is counted, not shown.

use std::collections::HashMap;

use model::export::Format;
use model::{DocKind, Document};

/// One document as this browser's saved copy has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalCopy {
    pub title: String,
    pub kind: Option<DocKind>,
    /// The text to search and export: a text's Markdown, a map's Argdown.
    pub text: String,
}

/// Read a saved Yrs state as a [`LocalCopy`]; `None` when it does not read.
pub fn read_copy(state: &[u8]) -> Option<LocalCopy> {
    let doc = Document::new(1);
    doc.apply_remote_unmapped(state).ok()?;
    let meta = doc.meta();
    let title = meta.title.unwrap_or_default();
    let text = match meta.kind {
        Some(DocKind::Arguments) => model::arguments::argdown::to_argdown(&doc.arguments(), &title),
        Some(DocKind::Workspace) => String::new(),
        _ => doc.export(Format::Markdown, "fr"),
    };
    Some(LocalCopy {
        title,
        kind: meta.kind,
        text,
    })
}

/// The copies read so far, by room, and how many rooms were asked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Copies {
    pub by_room: HashMap<String, LocalCopy>,
    /// Rooms looked for (read or not).
    pub asked: usize,
    /// Whether every room asked was looked for.
    pub done: bool,
}

/// Read the saved copies of `rooms`, calling `progress` after each batch.
pub async fn load_copies(rooms: Vec<String>, mut progress: impl FnMut(&Copies)) -> Copies {
    let mut copies = Copies::default();
    for (n, room) in rooms.iter().enumerate() {
        if copies.by_room.contains_key(room) {
            copies.asked += 1;
            continue;
        }
        if let Ok(Some(saved)) = crate::store::load_doc(room).await {
            if let Some(copy) = read_copy(&saved.state) {
                copies.by_room.insert(room.clone(), copy);
            }
        }
        copies.asked += 1;
        if n % 20 == 19 {
            progress(&copies);
            next_task().await;
        }
    }
    copies.done = true;
    progress(&copies);
    copies
}

/// Wait for the browser's next task (a zero-delay timeout), so it can
/// draw and handle input between two batches.
pub async fn next_task() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

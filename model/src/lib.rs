//! Cahier's document model, in pure Rust: no browser, no runtime, no
//! cryptography. It compiles for wasm32 (the app) and natively (the bench,
//! the command line), and whatever can be decided without a browser is
//! decided and tested here (`cargo test -p cahier-model`).
//!
//! - [`schema`]: the names of the roots and keys, and the kinds of document.
//! - [`document`]: the Yrs document (meta, body, people), local edits as
//!   updates to send, co-authors' updates and what they changed, undo.
//! - [`guard`]: a co-author's update read in full before Yrs sees it, and
//!   refused in words when it could break the reader.
//! - [`edit`]: a textarea change as one minimal edit, in UTF-16 units.
//! - [`caret`]: a selection carried through a change.
//! - [`mirror`]: the editor's text field kept equal to the body, except
//!   during an IME composition.
//! - [`amendments`]: amendments to the body (issue 12): their anchors,
//!   competing groups, and the overview's filters.
//! - [`meeting`]: meetings that walk the amendments (issue 13): the
//!   agenda and its order assistant, the amendment on screen, the
//!   minutes, the booklet and the adopted text.
//! - [`arguments`]: argument maps (issue 14): claims in a tree that no
//!   concurrent move can loop, their ranking, the talking-points sheet.
//! - [`authorship`]: who wrote each part of the body, and in which colour.
//! - [`awareness`]: the presence payload, the peers heard, the palette.
//! - [`heads`]: what a copy waits for, its heads, and co-authors' copies
//!   that diverge from it (a relay withholding updates).
//! - [`history`]: checkpoints in the document, the text at a moment, two
//!   moments compared word by word with who changed what, restore.
//! - [`snapshot`]: a co-author's snapshot compared with this copy before
//!   the relay lets it replace anything.
//! - [`lines`]: the line length (80 characters) and the body cut into
//!   numbered lines, for the gutter, the preview, print and the exports.
//! - [`markdown`]: the body's Markdown as HTML that runs and loads nothing.
//! - [`export`]: the document as a Markdown, HTML or text file, and a file
//!   read back as a document.

pub mod amendments;
pub mod arguments;
pub mod authorship;
pub mod awareness;
pub mod caret;
pub mod document;
pub mod edit;
pub mod export;
pub mod guard;
pub mod heads;
pub mod history;
pub mod lines;
pub mod markdown;
pub mod meeting;
pub mod mirror;
pub mod schema;
pub mod snapshot;
pub mod workspace;

pub use document::{DocError, Document, Meta, Person, RemoteChange};
pub use guard::{Reason, Refusal};
pub use schema::DocKind;

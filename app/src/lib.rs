//! Cahier's browser app: a Leptos client-side app, compiled to wasm by trunk.
//!
//! The browser layer stays thin: the document model, text edits, carets,
//! presence payloads and the Markdown renderer are the `model` crate's
//! (`cahier-model`); what is left here that needs no browser lives in
//! plain modules tested natively with `cargo test -p cahier-app`.
//!
//! - [`strings`]: every word of the interface, one typed catalogue per language.
//! - [`locale`]: the `Locale` context, chosen from the browser, switched by hand.
//! - [`route`]: which page the address fragment asks for.
//! - [`platform`]: the browser's APIs the app uses outside Leptos: the
//!   page, `localStorage`, IndexedDB, the websocket, tab locks, yielding.
//! - [`components`]: the Leptos components, one per file.
//! - [`presence`]: the `Presence` context: this browser's name and colour.
//! - [`creation_token`]: the relay's creation token, kept in this browser.
//! - [`qr`]: a link's QR code as an SVG path, with its quiet zone.
//! - [`file_name`]: a safe file name made from a document's title.
//! - [`links_file`]: the text of the file that saves a document's links.
//! - [`backdrop`]: the HTML behind the textarea: authors, remote carets,
//!   where numbered lines start.
//! - [`comparison`]: two moments compared, as the page draws them: who
//!   made each change, the summary per person, the HTML of the text.
//! - [`amendment_text`]: the passage a filing targets: its words, its lines,
//!   the paragraph around a caret.
//! - [`format`]: the Markdown the formatting bar writes around a selection.
//! - [`status`]: the connection state, the reconnection delay, problems.
//! - [`panels`]: the document page's side panel area, one panel at a time.
//! - [`view_mode`]: write, side by side or preview, remembered in this browser.
//! - [`store`]: what this browser keeps in IndexedDB.
//! - [`session`]: the open document: its connection, inbox, saving, tab,
//!   presence and text, one module each, one context per concern.

pub mod amendment_text;
pub mod amendment_ui;
pub mod argument_text;
pub mod backdrop;
pub mod comparison;
pub mod components;
pub mod creation_token;
pub mod file_name;
pub mod format;
pub mod history_view;
pub mod links_file;
pub mod locale;
pub mod meeting_text;
pub mod meeting_ui;
pub mod panels;
pub mod platform;
pub mod presence;
pub mod qr;
pub mod route;
pub mod session;
pub mod status;
pub mod store;
pub mod strings;
pub mod view_mode;
pub mod workspace_local;

pub use components::app::App;

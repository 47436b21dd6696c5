//! Cahier's browser app: a Leptos client-side app, compiled to wasm by trunk.
//!
//! The browser layer stays thin; logic that needs no browser lives in plain
//! modules tested natively with `cargo test -p cahier-app`.
//!
//! - [`strings`]: every word of the interface, one typed catalogue per language.
//! - [`locale`]: the `Locale` context, chosen from the browser, switched by hand.
//! - [`route`]: which page the address fragment asks for.
//! - [`browser`]: the few browser APIs used outside Leptos.
//! - [`components`]: the Leptos components, one per file.
//! - [`diff`]: a textarea change as one minimal edit, in UTF-16 units.
//! - [`caret`]: the local selection carried through a remote change.
//! - [`doc`]: the Yrs document model (meta, body, people), who wrote what.
//! - [`awareness`]: the presence payload, the peers heard, the palette.
//! - [`presence`]: the `Presence` context: this browser's name and colour.
//! - [`backdrop`]: the HTML behind the textarea: authors, remote carets.
//! - [`status`]: the connection state, the reconnection delay, problems.
//! - [`markdown`]: the body's Markdown as HTML that runs and loads nothing.
//! - [`view_mode`]: write, side by side or preview, remembered in this browser.
//! - [`store`]: what this browser keeps in IndexedDB.
//! - [`inbox`]: frames from the relay waiting to be processed, long
//!   catch-up chunks cut into slices.
//! - [`session`]: the open document's context: Yrs doc, protocol session,
//!   websocket, saving.
//! - [`tab_lock`]: one tab per document (a Web Lock), so two tabs never
//!   overwrite each other's saved copy.

pub mod awareness;
pub mod backdrop;
pub(crate) mod browser;
pub mod caret;
pub mod components;
pub mod diff;
pub mod doc;
pub mod inbox;
pub mod locale;
pub mod markdown;
pub mod presence;
pub mod route;
pub mod session;
pub mod status;
pub mod store;
pub mod strings;
pub mod tab_lock;
pub mod view_mode;

pub use components::app::App;

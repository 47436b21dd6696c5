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
//! - [`doc`]: the Yrs document model (meta, body, people).
//! - [`status`]: the connection state, the reconnection delay, problems.
//! - [`store`]: what this browser keeps in IndexedDB.
//! - [`inbox`]: frames from the relay waiting to be processed, long
//!   catch-up chunks cut into slices.
//! - [`session`]: the open document's context: Yrs doc, protocol session,
//!   websocket, saving.

pub(crate) mod browser;
pub mod caret;
pub mod components;
pub mod diff;
pub mod doc;
pub mod inbox;
pub mod locale;
pub mod route;
pub mod session;
pub mod status;
pub mod store;
pub mod strings;

pub use components::app::App;

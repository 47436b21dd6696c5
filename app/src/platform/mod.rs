//! The browser's APIs the app uses outside Leptos's own, each behind a
//! small Rust interface that tolerates a missing or refusing API. Only
//! this layer (and the few components that draw into the DOM) calls
//! `web-sys`; the session and the rest of the app call these. Timers and
//! event listeners are `gloo-timers`' and `gloo-events'` (cancelled or
//! removed when dropped); `localStorage`, IndexedDB, Web Locks and the
//! yielder are hand-written, each saying why.
//!
//! - [`page`]: the address, languages, title, online state, printing,
//!   the print media query, the service worker.
//! - [`clipboard`]: copying a link, with the older fallback.
//! - [`download`]: saving a file the app made (`gloo-file`'s Blob and
//!   object URL).
//! - [`menu`]: a press outside a pop-up menu, focus leaving it.
//! - [`storage`]: `localStorage`, for a few small strings.
//! - [`idb`]: IndexedDB as a key-value store.
//! - [`socket`]: the websocket to the relay.
//! - [`tab_lock`]: one tab per document (Web Locks, a `BroadcastChannel`).
//! - [`yielder`]: yielding to the browser without the 4 ms timer clamp.

pub mod clipboard;
pub mod download;
pub mod idb;
pub mod menu;
pub mod page;
pub mod socket;
pub mod storage;
pub mod tab_lock;
pub mod yielder;

/// A delay as the whole milliseconds `gloo-timers` takes.
pub fn millis(delay: std::time::Duration) -> u32 {
    u32::try_from(delay.as_millis()).unwrap_or(u32::MAX)
}

//! The browser's APIs the app uses outside Leptos's own, each behind a
//! small Rust interface that tolerates a missing or refusing API. Only
//! this layer (and the few components that draw into the DOM) calls
//! `web-sys`; the session and the rest of the app call these.
//!
//! - [`page`]: the address, languages, title, online state, service worker.
//! - [`storage`]: `localStorage`, for a few small strings.
//! - [`idb`]: IndexedDB as a key-value store.
//! - [`socket`]: the websocket to the relay.
//! - [`tab_lock`]: one tab per document (Web Locks, a `BroadcastChannel`).
//! - [`yielder`]: yielding to the browser without the 4 ms timer clamp.

pub mod idb;
pub mod page;
pub mod socket;
pub mod storage;
pub mod tab_lock;
pub mod yielder;

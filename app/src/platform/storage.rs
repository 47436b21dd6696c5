//! `localStorage`: the few small strings this browser keeps for every
//! document (the language picked, the name and colour, the view mode).
//!
//! Hand-written rather than `gloo-storage`, which stores JSON (the values
//! already kept, such as `fr`, are not JSON and would read as missing) and
//! throws a JavaScript exception where storage is refused (private modes),
//! which unwinds past the wasm code; here a refused storage means the
//! choice lasts this visit only.

use leptos::prelude::window;

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// What this browser keeps under `key`, if anything.
pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Keep `value` under `key` in this browser; where storage is refused, it
/// lasts this visit only.
pub fn set(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

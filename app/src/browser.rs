//! The few browser APIs the app touches outside Leptos: the address bar's
//! fragment, the preferred languages, and `localStorage` for the language a
//! person picked and the name and colour they go by. Every function tolerates a missing API (private browsing
//! can refuse storage) and reports failure as `None` or a no-op: none of
//! these is worth breaking the page for.
//!
//! These call into JavaScript, so they only work in a browser; the native
//! build compiles them but the native tests never call them.

use leptos::prelude::{document, window};

const LANG_KEY: &str = "cahier.lang";

/// The fragment of the current address, without its `#`.
pub fn hash() -> String {
    let hash = window().location().hash().unwrap_or_default();
    hash.strip_prefix('#').unwrap_or(&hash).to_owned()
}

/// Go to `#fragment`: a new history entry, and a `hashchange` event.
pub fn set_hash(fragment: &str) {
    if window().location().set_hash(fragment).is_err() {
        leptos::logging::warn!("could not change the address fragment");
    }
}

/// The current address without its fragment: the base of every link.
pub fn page_base() -> String {
    let href = window().location().href().unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_owned()
}

/// The person's languages, most preferred first.
pub fn languages() -> Vec<String> {
    let navigator = window().navigator();
    let listed: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .collect();
    if listed.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        listed
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The language tag a person chose earlier with the switch, if any.
pub fn stored_lang() -> Option<String> {
    storage()?.get_item(LANG_KEY).ok().flatten()
}

/// Remember the language a person chose, for their next visit.
pub fn store_lang(tag: &str) {
    if let Some(storage) = storage() {
        // Refused in some private modes; the choice then lasts this visit.
        let _ = storage.set_item(LANG_KEY, tag);
    }
}

/// What this browser keeps under `key`, if anything.
pub fn stored(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Keep `value` under `key` in this browser; where storage is refused, it
/// lasts this visit only.
pub fn store(key: &str, value: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(key, value);
    }
}

/// Set `<html lang>`, so screen readers and hyphenation follow the switch.
pub fn set_document_lang(tag: &str) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", tag);
    }
}

/// Register the service worker (`public/sw.js`), which keeps the app's
/// files for a reload without network. Where there is none (an insecure
/// origin, a browser without it) the app works online only.
pub fn register_service_worker() {
    let navigator = window().navigator();
    let has_worker = js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false);
    if !has_worker {
        return;
    }
    let registered = navigator.service_worker().register("sw.js");
    leptos::task::spawn_local(async move {
        if let Err(error) = wasm_bindgen_futures::JsFuture::from(registered).await {
            leptos::logging::warn!("no service worker: {error:?}");
        }
    });
}

/// Set the window's title.
pub fn set_title(title: &str) {
    document().set_title(title);
}

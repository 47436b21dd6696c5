//! Saving a file the app made (an export, the saved links) to the
//! person's downloads: a `gloo-file` Blob, an object URL for it, and a
//! click on a link with a `download` attribute. Nothing leaves the
//! browser; the relay never sees the text.
//!
//! An object URL holds its Blob until it is revoked. The download reads
//! it after the click returns, so the URL cannot be revoked at once: the
//! last one is kept here and revoked (by `gloo-file`, when dropped) at
//! the next download, which holds one file in memory at most.

use std::cell::RefCell;

use gloo_file::{Blob, ObjectUrl};
use leptos::prelude::document;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::HtmlAnchorElement;

thread_local! {
    /// The object URL of the last download, revoked when replaced.
    static LAST: RefCell<Option<ObjectUrl>> = const { RefCell::new(None) };
}

/// Offer `contents` as a file named `name` of type `media_type`; whether
/// the browser could start the download.
pub fn save(name: &str, media_type: &str, contents: &str) -> bool {
    save_bytes(name, media_type, contents.as_bytes())
}

/// [`save`] for a binary file (an ODT).
pub fn save_bytes(name: &str, media_type: &str, contents: &[u8]) -> bool {
    let url = ObjectUrl::from(Blob::new_with_options(contents, Some(media_type)));
    let Some(anchor) = document()
        .create_element("a")
        .ok()
        .and_then(|element| element.dyn_into::<HtmlAnchorElement>().ok())
    else {
        return false;
    };
    anchor.set_href(&url);
    anchor.set_download(name);
    // Attached while clicked: some browsers ignore a click on a link that
    // is not in the page.
    let Some(body) = document().body() else {
        return false;
    };
    if body.append_child(&anchor).is_err() {
        return false;
    }
    anchor.click();
    anchor.remove();
    LAST.with(|last| last.replace(Some(url)));
    true
}

//! Copying a link: `navigator.clipboard.writeText` where the browser has
//! it (a secure context: https, or localhost), else the field selected
//! and the older `document.execCommand("copy")`. Saying what happened is
//! the copy button's job.

use leptos::prelude::{document, window};
use leptos::wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Clipboard, HtmlDocument, HtmlInputElement};

/// `navigator.clipboard`, where the browser has it.
fn clipboard() -> Option<Clipboard> {
    let navigator = window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok()?;
    clipboard
        .is_object()
        .then(|| clipboard.unchecked_into::<Clipboard>())
}

/// Start writing `text` to the clipboard, now (while the click that asked
/// for it still counts as the person's): the future says whether it was
/// written. `None` when the browser has no clipboard here.
pub fn write_text(text: &str) -> Option<impl std::future::Future<Output = bool>> {
    let written = JsFuture::from(clipboard()?.write_text(text));
    Some(async move {
        match written.await {
            Ok(_) => true,
            Err(error) => {
                leptos::logging::warn!("the clipboard refused the text: {error:?}");
                false
            }
        }
    })
}

/// Select the text of the field `id`, and try the older copy command.
/// Returns whether it copied; the text stays selected either way.
pub fn select_and_copy(id: &str) -> bool {
    let Some(input) = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<HtmlInputElement>().ok())
    else {
        return false;
    };
    let _ = input.focus();
    input.select();
    document()
        .dyn_into::<HtmlDocument>()
        .ok()
        .and_then(|doc| doc.exec_command("copy").ok())
        .unwrap_or(false)
}

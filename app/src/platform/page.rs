//! The page itself: the address bar's fragment (read, set, replaced) and
//! base, the person's languages, the window's title and `<html lang>`,
//! whether the browser says it is online, and the service worker. Every function tolerates a
//! missing API and reports failure as a default or a no-op: none of these
//! is worth breaking the page for.

use leptos::prelude::{document, window};
use leptos::wasm_bindgen::JsValue;

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

/// Replace the fragment of the current address with `#fragment`, in
/// place: no new history entry, no `hashchange`. What the page shows
/// stays; the entry the browser keeps (history, a synced history, the
/// back button) now holds `fragment` instead of what was there.
pub fn replace_hash(fragment: &str) {
    let url = format!("{}#{fragment}", page_base());
    let replaced = window()
        .history()
        .and_then(|history| history.replace_state_with_url(&JsValue::NULL, "", Some(&url)));
    if replaced.is_err() {
        leptos::logging::warn!("could not replace the address fragment");
    }
}

/// The current address without its fragment: the base of every link.
pub fn page_base() -> String {
    let href = window().location().href().unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_owned()
}

/// `ws(s)://host/<the page's directory>/ws`: the relay beside the app, so
/// `dist/` served under a sub-path finds it too.
pub fn relay_url() -> Option<String> {
    let href = window().location().href().ok()?;
    let url = web_sys::Url::new_with_base("ws", &href).ok()?;
    url.set_protocol(if url.protocol() == "https:" {
        "wss:"
    } else {
        "ws:"
    });
    url.set_hash("");
    url.set_search("");
    Some(url.href())
}

/// Whether the browser believes it has a network.
pub fn online() -> bool {
    window().navigator().on_line()
}

/// Whether the page is hidden (another tab, a minimised window).
pub fn hidden() -> bool {
    document().visibility_state() == web_sys::VisibilityState::Hidden
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

/// Set `<html lang>`, so screen readers and hyphenation follow the switch.
pub fn set_document_lang(tag: &str) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", tag);
    }
}

/// Put the class `name` on `<html>` or take it off.
pub fn set_root_class(name: &str, on: bool) {
    if let Some(root) = document().document_element() {
        let list = root.class_list();
        let _ = if on {
            list.add_1(name)
        } else {
            list.remove_1(name)
        };
    }
}

/// Open the browser's print dialog.
pub fn print() {
    if window().print().is_err() {
        leptos::logging::warn!("this browser cannot print the page");
    }
}

/// Call `on_print` when the `print` media query starts to match (what a
/// browser without `beforeprint`, and Playwright's `emulateMedia`, give).
/// Stops when the returned listener is dropped; `None` where the browser
/// has no media queries.
pub fn on_print_media(mut on_print: impl FnMut() + 'static) -> Option<gloo_events::EventListener> {
    let query = window().match_media("print").ok().flatten()?;
    let watched = query.clone();
    Some(gloo_events::EventListener::new(
        &query,
        "change",
        move |_| {
            if watched.matches() {
                on_print();
            }
        },
    ))
}

/// Set the window's title.
pub fn set_title(title: &str) {
    document().set_title(title);
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

/// Give focus to the element with this id, if it is there and focusable.
pub fn focus_id(id: &str) {
    use leptos::wasm_bindgen::JsCast;
    if let Some(element) = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<leptos::web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Give focus back to the element with this id, unless the person put it
/// somewhere meanwhile: only when focus is nowhere (on the page's body,
/// or on an element that left the page, such as a closed panel's).
pub fn restore_focus(id: &str) {
    let lost = match document().active_element() {
        None => true,
        Some(element) => element.tag_name() == "BODY" || !element.is_connected(),
    };
    if lost {
        focus_id(id);
    }
}

/// Give focus to the first element inside the element with this id that
/// asks for it (`[data-autofocus]`), else to the element itself (which
/// then needs `tabindex="-1"`).
pub fn focus_first_in(id: &str) {
    use leptos::wasm_bindgen::JsCast;
    let Some(container) = document().get_element_by_id(id) else {
        return;
    };
    let target = container
        .query_selector("[data-autofocus]")
        .ok()
        .flatten()
        .unwrap_or(container);
    if let Ok(element) = target.dyn_into::<leptos::web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

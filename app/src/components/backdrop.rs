//! The backdrop behind the editor's textarea: two layers with the same
//! text, font, padding and wrapping as the textarea, the text itself
//! transparent, scrolled with it. One colours the text by author when the
//! "who wrote what" switch is on; the other draws co-authors' selections
//! and carets. Their HTML comes from [`crate::backdrop`]; it is rebuilt at
//! most once per animation frame, however fast the text changes. The
//! authorship layer's `data-ms` says how long its last rebuild took (a
//! hook for tests and for measuring).

use leptos::html::Div;
use leptos::prelude::*;

use crate::backdrop::{authorship, cursors};
use crate::locale::use_locale;
use crate::presence::use_presence;
use crate::session::use_doc_session;

fn now() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or_default()
}

/// `ms` to a tenth, without pulling float formatting into the wasm.
fn tenths(ms: f64) -> String {
    let tenths = (ms.max(0.0) * 10.0).round() as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[component]
pub fn Backdrop(
    /// The textarea's scroll offset, `(top, left)`.
    scroll: Signal<(i32, i32)>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_doc_session();
    let presence = use_presence();

    // Whatever changes, one rebuild in the next animation frame.
    let frame = RwSignal::new(0u64);
    let waiting = StoredValue::new(false);
    Effect::new(move |_| {
        session.revision().track();
        session.people_revision().track();
        session.peers().track();
        presence.authorship().track();
        if !waiting.get_value() {
            waiting.set_value(true);
            request_animation_frame(move || {
                waiting.set_value(false);
                frame.try_update(|n| *n += 1);
            });
        }
    });

    // The HTML, and how long it took to make.
    let authors_html = Memo::new(move |_| {
        frame.track();
        if !presence.authorship().get_untracked() {
            return (String::new(), 0.0);
        }
        let started = now();
        let runs = session.authorship();
        let runs: Vec<(u32, Option<&str>)> = runs
            .iter()
            .map(|(len, colour)| (*len, colour.as_deref()))
            .collect();
        let html = authorship(&session.body(), &runs);
        (html, now() - started)
    });
    let cursors_html = Memo::new(move |_| {
        frame.track();
        let remote = session.remote_cursors(locale.strings().presence_unnamed);
        if remote.is_empty() {
            return String::new();
        }
        cursors(&session.body(), &remote)
    });

    let authors: NodeRef<Div> = NodeRef::new();
    let carets: NodeRef<Div> = NodeRef::new();
    // Follow the textarea's scrolling, and after a rebuild too.
    Effect::new(move |_| {
        let (top, left) = scroll.get();
        authors_html.track();
        cursors_html.track();
        for layer in [authors.get(), carets.get()].into_iter().flatten() {
            layer.set_scroll_top(top);
            layer.set_scroll_left(left);
        }
    });

    view! {
        <div
            class="backdrop authors"
            aria-hidden="true"
            node_ref=authors
            data-ms=move || authors_html.with(|(_, ms)| tenths(*ms))
            inner_html=move || authors_html.with(|(html, _)| html.clone())
        ></div>
        <div class="backdrop cursors" aria-hidden="true" node_ref=carets inner_html=move || cursors_html.get()></div>
    }
}

//! The rendered text (`#preview`): the body's Markdown as HTML from
//! [`model::markdown`], which writes no raw HTML, loads no image and keeps
//! only safe links, so it is set with `innerHTML` whoever wrote the text.
//! Each numbered line ([`model::lines`]) starts with a marker whose number
//! `styles/lines.css` draws in the margin, on screen and on paper.
//!
//! It follows the body live while it is shown: each change of the
//! session's revision asks for one render at the next animation frame
//! (several changes in one frame make one render); a render that took
//! longer than [`SLOW_RENDER_MS`] makes the next ones wait
//! [`SLOW_RENDER_WAIT`] instead, so a long text does not slow typing.
//! While it is hidden nothing is rendered, except when the page is about to
//! be printed (`beforeprint`, or the `print` media query starting to
//! match, which is what a browser without `beforeprint` and Playwright's
//! `emulateMedia` give): printing shows this element whatever the view.
//!
//! Images are links (see [`model::markdown`]); the stylesheet puts the word
//! "Image:" before them, in the page's language, from `--image-label`.
//!
//! A click on a `#fragment` link is stopped: the app's address fragment
//! holds the document's keys and chooses the page.

use std::time::Duration;

use leptos::html::Div;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, MouseEvent};
use model::markdown;
use send_wrapper::SendWrapper;

use crate::locale::use_locale;
use crate::platform::page;
use crate::session::use_doc_text;

/// A render slower than this (in milliseconds) is one a frame cannot
/// afford on every keystroke.
pub const SLOW_RENDER_MS: f64 = 8.0;
/// How long renders wait, after a slow one, to group the changes.
pub const SLOW_RENDER_WAIT: Duration = Duration::from_millis(100);

/// The render waiting to happen, and what the last one cost.
#[derive(Default)]
struct Pending {
    frame: Option<AnimationFrameRequestHandle>,
    timer: Option<TimeoutHandle>,
    /// The revision shown, if any.
    shown: Option<u64>,
    slow: bool,
}

#[component]
pub fn Preview(
    /// Whether the preview is on screen (the view mode).
    visible: Signal<bool>,
) -> impl IntoView {
    let locale = use_locale();
    let text = use_doc_text();
    let node: NodeRef<Div> = NodeRef::new();
    let pending = StoredValue::new_local(Pending::default());

    // Render now if the text changed since the last render.
    let render = move || {
        pending.update_value(|p| {
            p.frame = None;
            p.timer = None;
        });
        let Some(element) = node.get_untracked() else {
            return;
        };
        let revision = text.revision.get_untracked();
        if pending.with_value(|p| p.shown) == Some(revision) {
            return;
        }
        let started = js_sys::Date::now();
        element.set_inner_html(&markdown::to_html_numbered(&text.body()));
        let slow = js_sys::Date::now() - started > SLOW_RENDER_MS;
        pending.update_value(|p| {
            p.shown = Some(revision);
            p.slow = slow;
        });
    };

    // Render once at the next frame (or after a pause, when slow).
    let schedule = move || {
        if pending.with_value(|p| p.frame.is_some() || p.timer.is_some()) {
            return;
        }
        if pending.with_value(|p| p.slow) {
            let timer = set_timeout_with_handle(render, SLOW_RENDER_WAIT).ok();
            pending.update_value(|p| p.timer = timer);
        } else {
            let frame = request_animation_frame_with_handle(render).ok();
            pending.update_value(|p| p.frame = frame);
        }
    };

    Effect::new(move |_| {
        text.revision.track();
        if visible.get() {
            schedule();
        }
    });

    // Printing shows the preview whatever the view: bring it up to date.
    let before_print = window_event_listener_untyped("beforeprint", move |_| render());
    let print_media = SendWrapper::new(page::on_print_media(render));
    on_cleanup(move || {
        before_print.remove();
        drop(print_media.take());
        pending.update_value(|p| {
            if let Some(frame) = p.frame.take() {
                frame.cancel();
            }
            if let Some(timer) = p.timer.take() {
                timer.clear();
            }
        });
    });

    view! {
        <div
            id="preview"
            class="preview"
            node_ref=node
            role="region"
            aria-label=move || locale.strings().preview_label
            data-empty=move || locale.strings().preview_empty
            style=move || format!("--image-label: \"{}\"", locale.strings().preview_image)
            on:click=move |ev: MouseEvent| {
                let link = ev
                    .target()
                    .and_then(|target| target.dyn_into::<Element>().ok())
                    .and_then(|element| element.closest("a").ok().flatten());
                if link.and_then(|a| a.get_attribute("href")).is_some_and(|href| href.starts_with('#')) {
                    ev.prevent_default();
                }
            }
        ></div>
    }
}

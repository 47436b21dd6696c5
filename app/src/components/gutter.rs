//! The editor's gutter: the line numbers of [`model::lines`] beside the
//! textarea, each level with the row where its line starts. The rows are
//! the browser's, not computed: the backdrop's numbers layer
//! ([`crate::backdrop::numbers`]) holds the same text with the same box,
//! font and wrapping as the textarea, each numbered line's first
//! character in a marker span; a marker's `offsetTop` is its row's.
//!
//! On a laptop the editor is 80 characters wide in a monospace font
//! (`styles/lines.css`), so each row is one numbered line; on a phone a
//! numbered line wraps and its continuation rows have no number.
//!
//! Cheap on a long text: the numbers are placed at most once per animation
//! frame (after a rebuild of the layer, a scroll of the textarea or of the
//! page, a resize), and only those in view (in the textarea and in the
//! window) are measured and drawn: the markers are in order, so a
//! binary search over their rows finds the first one in view, and the
//! reading stops after the last (a few dozen reads, not thousands).

use leptos::html::{Div, Textarea};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::HtmlElement;

/// Rows measured beyond the visible ones, above and below, so a number
/// half in view is drawn.
const MARGIN_PX: i32 = 40;

/// How often a hidden editor is looked at again.
const HIDDEN_RETRY: std::time::Duration = std::time::Duration::from_millis(400);

/// The `i`-th marker's row (its `offsetTop` in the layer).
fn row(markers: &leptos::web_sys::HtmlCollection, i: u32) -> Option<(i32, i32)> {
    let marker: HtmlElement = markers.item(i)?.dyn_into().ok()?;
    Some((marker.offset_top(), marker.offset_height()))
}

/// Where `element` is from the top of the page (its `offsetTop`s up to
/// the page).
fn page_top(element: &HtmlElement) -> i32 {
    let mut top = 0;
    let mut at = Some(element.clone());
    while let Some(element) = at {
        top += element.offset_top();
        at = element
            .offset_parent()
            .and_then(|parent| parent.dyn_into::<HtmlElement>().ok());
    }
    top
}

/// The part of the textarea's text in view, in its own coordinates: what
/// it shows (its scroll offset and height), cut to the window (on a phone
/// the textarea grows with its text and the page scrolls instead).
fn in_view(textarea: &HtmlElement) -> (i32, i32) {
    let top = textarea.scroll_top();
    let mut shown = (top, top + textarea.client_height());
    let window = window();
    let (Ok(scrolled), Some(height)) = (
        window.scroll_y(),
        window.inner_height().ok().and_then(|h| h.as_f64()),
    ) else {
        return shown;
    };
    let page_top = page_top(textarea);
    let window_top = scrolled as i32 - page_top + top;
    shown.0 = shown.0.max(window_top);
    shown.1 = shown.1.min(window_top + height as i32);
    shown
}

/// The gutter's HTML: the numbers of the markers in view, each at its row
/// (`top` in pixels from the gutter's top, `height` the text's height).
fn place(layer: &HtmlElement, textarea: &HtmlElement) -> String {
    let markers = layer.get_elements_by_class_name("lm");
    let count = markers.length();
    if count == 0 || textarea.client_height() == 0 {
        return String::new();
    }
    // Rows are placed from the textarea's scroll offset; only those in
    // view are measured.
    let scrolled = textarea.scroll_top();
    let (top, bottom) = in_view(textarea);
    // The first marker whose row ends below the top of the view.
    let (mut low, mut high) = (0u32, count);
    while low < high {
        let mid = low + (high - low) / 2;
        match row(&markers, mid) {
            Some((y, h)) if y + h < top - MARGIN_PX => low = mid + 1,
            _ => high = mid,
        }
    }
    // The layer's border: its markers' rows start below it, as the
    // textarea's do.
    let border = layer.client_top();
    let mut html = String::new();
    for i in low..count {
        let Some((y, h)) = row(&markers, i) else {
            break;
        };
        if y > bottom + MARGIN_PX {
            break;
        }
        html.push_str(&format!(
            "<div class=\"gutter-number\" style=\"top:{}px;height:{h}px;line-height:{h}px\">{}</div>",
            y + border - scrolled,
            i + 1
        ));
    }
    html
}

#[component]
pub fn Gutter(
    /// The backdrop's numbers layer.
    layer: NodeRef<Div>,
    /// The textarea, for its scroll offset and height.
    textarea: NodeRef<Textarea>,
    /// The textarea's scroll offset.
    scroll: Signal<(i32, i32)>,
    /// Counts the layer's rebuilds.
    drawn: Signal<u64>,
) -> impl IntoView {
    let gutter: NodeRef<Div> = NodeRef::new();
    let shown = StoredValue::new(String::new());
    let waiting = StoredValue::new(false);
    // A resize, or the editor shown again (a view switch): the rows moved.
    let resized = RwSignal::new(0u64);
    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        resized.try_update(|n| *n += 1);
    });
    // The page scrolling brings other rows into view (on a phone).
    let on_scroll = window_event_listener(leptos::ev::scroll, move |_| {
        resized.try_update(|n| *n += 1);
    });
    on_cleanup(move || {
        on_resize.remove();
        on_scroll.remove();
    });

    Effect::new(move |_| {
        drawn.track();
        scroll.track();
        resized.track();
        if waiting.get_value() {
            return;
        }
        waiting.set_value(true);
        // The frame may come after the editor is gone (a language switch,
        // leaving the page): every read is a `try_`.
        request_animation_frame(move || {
            if waiting.try_set_value(false).is_some() {
                return;
            }
            let (Some(Some(gutter)), Some(Some(layer)), Some(Some(textarea))) = (
                gutter.try_get_untracked(),
                layer.try_get_untracked(),
                textarea.try_get_untracked(),
            ) else {
                return;
            };
            if textarea.client_height() == 0 {
                // Hidden (the preview alone): look again in a while, since
                // showing the editor moves nothing this component hears.
                set_timeout(
                    move || {
                        resized.try_update(|n| *n += 1);
                    },
                    HIDDEN_RETRY,
                );
                return;
            }
            let html = place(&layer, &textarea);
            if shown.try_with_value(|shown| *shown != html) == Some(true) {
                gutter.set_inner_html(&html);
                let _ = shown.try_set_value(html);
            }
        });
    });

    view! { <div class="gutter" aria-hidden="true" node_ref=gutter></div> }
}

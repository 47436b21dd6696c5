//! The backdrop behind the editor's textarea: three layers with the same
//! text, font, padding and wrapping as the textarea, the text itself
//! transparent, scrolled with it. One colours the text by author when the
//! "who wrote what" switch is on; one draws co-authors' selections
//! and carets; one marks where each numbered line starts, for the
//! [`Gutter`](crate::components::gutter::Gutter), which reads the markers'
//! rows after each rebuild (`drawn` counts them). Their HTML comes from [`crate::backdrop`], one block per
//! line of text; it is recomputed at most once per animation frame,
//! however fast the text changes, and only the blocks that changed are
//! replaced, so the browser lays out again one line, not the whole text.
//! The numbers layer also draws the amendments' ranges (one colour per
//! status, [`crate::backdrop::Marks`]): rebuilt with the text at once (the
//! ranges move with it), and when only the amendments change (a record or
//! a decision arriving: thousands of them while a congress's document
//! loads) at most every [`AMENDMENTS_EVERY_MS`]; not when carets move.
//! The authorship layer's `data-ms` says how long its last rebuild took,
//! runs, HTML and DOM, the numbers layer's how long the numbers and the
//! ranges took (`data-overview-ms` of it getting the amendments'
//! overview, `data-ranges` how many ranges it drew): hooks for tests and
//! for measuring.

use leptos::html::Div;
use leptos::prelude::*;
use leptos::web_sys::HtmlDivElement;

use model::lines::Lines;

use crate::backdrop::{
    amendment_ranges, authorship, blocks, cursors, numbers, patch, Marks, Patch,
};
use crate::locale::use_locale;
use crate::presence::use_presence;
use crate::session::{use_doc_text, use_room_presence, use_status, DocAmendments};
use crate::status::Connection;

/// How often, at most, the ranges are drawn again for amendments that
/// changed while the text did not.
pub const AMENDMENTS_EVERY_MS: f64 = 400.0;

fn now() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or_default()
}

/// `ms` to a tenth, without pulling float formatting into the wasm.
fn tenths(ms: f64) -> String {
    let tenths = (ms.max(0.0) * 10.0).round() as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Bring `layer`'s blocks from `shown` to `paragraphs`, replacing only the
/// paragraphs that changed ([`patch`]).
fn update(layer: &HtmlDivElement, shown: &mut Vec<String>, paragraphs: Vec<String>) {
    let children = layer.children();
    if children.length() as usize != shown.len() {
        // Not what we left (the first time): start over.
        layer.set_inner_html(&blocks(&paragraphs));
        *shown = paragraphs;
        return;
    }
    let Patch { old, new } = patch(shown, &paragraphs);
    for _ in old.clone() {
        if let Some(child) = children.item(old.start as u32) {
            child.remove();
        }
    }
    let html = blocks(&paragraphs[new]);
    if !html.is_empty() {
        let placed = match children.item(old.start as u32) {
            Some(next) => next.insert_adjacent_html("beforebegin", &html),
            None => layer.insert_adjacent_html("beforeend", &html),
        };
        if placed.is_err() {
            layer.set_inner_html(&blocks(&paragraphs));
        }
    }
    *shown = paragraphs;
}

#[component]
pub fn Backdrop(
    /// The textarea's scroll offset, `(top, left)`.
    scroll: Signal<(i32, i32)>,
    /// The layer marking the numbered lines, which the gutter reads.
    numbers_layer: NodeRef<Div>,
    /// Counts the rebuilds: the gutter places its numbers after each.
    drawn: RwSignal<u64>,
) -> impl IntoView {
    let locale = use_locale();
    let text = use_doc_text();
    let room = use_room_presence();
    let presence = use_presence();
    let status = use_status();
    // Not on every page that has an editor: the amendments' context.
    let amendments = use_context::<DocAmendments>();

    // Whatever changes, one rebuild in the next animation frame.
    let frame = RwSignal::new(0u64);
    let waiting = StoredValue::new(false);
    Effect::new(move |_| {
        text.revision.track();
        room.people_revision.track();
        room.peers.track();
        status.connection.track();
        presence.authorship().track();
        if let Some(amendments) = amendments {
            amendments.revision.track();
        }
        if !waiting.get_value() {
            waiting.set_value(true);
            request_animation_frame(move || {
                waiting.set_value(false);
                frame.try_update(|n| *n += 1);
            });
        }
    });

    let authors: NodeRef<Div> = NodeRef::new();
    let carets: NodeRef<Div> = NodeRef::new();
    let authors_shown = StoredValue::new(Vec::<String>::new());
    let carets_shown = StoredValue::new(Vec::<String>::new());
    let numbers_shown = StoredValue::new(Vec::<String>::new());
    // The revision the numbers layer shows: carets moving or colours
    // switched do not number the text again.
    let numbered = StoredValue::new(None::<(u64, u64)>);
    // When the ranges were last drawn, and whether a later drawing waits.
    let ranged_at = StoredValue::new(f64::NEG_INFINITY);
    let ranges_waiting = StoredValue::new(false);
    let overview_ms = RwSignal::new(0.0);
    let authors_ms = RwSignal::new(0.0);
    let numbers_ms = RwSignal::new(0.0);
    let ranges_drawn = RwSignal::new(0usize);

    Effect::new(move |_| {
        frame.track();
        let (Some(authors), Some(carets)) = (authors.get(), carets.get()) else {
            return;
        };
        // The body is copied out of the document once per frame, and only
        // when a layer has something to draw.
        let body_text = std::cell::OnceCell::new();
        let body = || body_text.get_or_init(|| text.body()).as_str();

        let started = now();
        let paragraphs = if presence.authorship().get_untracked() {
            let runs = room.authorship();
            let runs: Vec<(u32, Option<&str>)> = runs
                .iter()
                .map(|(len, colour)| (*len, colour.as_deref()))
                .collect();
            authorship(body(), &runs)
        } else {
            Vec::new()
        };
        authors_shown.update_value(|shown| update(&authors, shown, paragraphs));
        authors_ms.set(now() - started);

        // Offline, where the others are is not known: no carets.
        let remote = if status.connection.get_untracked() == Connection::Online {
            room.remote_cursors(locale.strings().presence_unnamed)
        } else {
            Vec::new()
        };
        let paragraphs = if remote.is_empty() {
            Vec::new()
        } else {
            cursors(body(), &remote)
        };
        carets_shown.update_value(|shown| update(&carets, shown, paragraphs));

        let revision = (
            text.revision.get_untracked(),
            amendments.map_or(0, |a| a.revision.get_untracked()),
        );
        if let Some(layer) = numbers_layer.get() {
            let shown = numbered.get_value();
            // Only the amendments changed, and they were drawn a moment
            // ago: draw them once the moment is over.
            let amendments_only = shown.is_some_and(|(text, _)| text == revision.0);
            let since = now() - ranged_at.get_value();
            let wait = amendments_only && since < AMENDMENTS_EVERY_MS;
            if wait && shown != Some(revision) && !ranges_waiting.get_value() {
                ranges_waiting.set_value(true);
                set_timeout(
                    move || {
                        ranges_waiting.set_value(false);
                        frame.try_update(|n| *n += 1);
                    },
                    std::time::Duration::from_millis((AMENDMENTS_EVERY_MS - since) as u64 + 1),
                );
            }
            if shown != Some(revision) && !wait {
                let started = now();
                let body = body();
                let marks = match amendments {
                    Some(amendments) => {
                        let overview = amendments.overview();
                        overview_ms.set(now() - started);
                        let (ranges, _) = amendment_ranges(&overview.rows);
                        ranges_drawn.set(ranges.len());
                        Marks::new(body, &ranges)
                    }
                    None => Marks::default(),
                };
                ranged_at.set_value(now());
                let paragraphs = numbers(body, &Lines::new(body), &marks);
                numbers_shown.update_value(|shown| update(&layer, shown, paragraphs));
                numbered.set_value(Some(revision));
                numbers_ms.set(now() - started);
            }
        }
        drawn.try_update(|n| *n += 1);
    });

    // Follow the textarea's scrolling, and after a rebuild too, at the
    // next frame: setting a layer's scroll lays it out first, and the
    // layers of a long text take long to lay out. Set while the page is
    // still changing (a history arriving rebuilds them every second), it
    // laid them out once more each time; in the frame it is the one
    // layout the frame does anyway, and several changes make one.
    let scroll_pending = StoredValue::new(false);
    Effect::new(move |_| {
        scroll.track();
        frame.track();
        if scroll_pending.get_value() {
            return;
        }
        scroll_pending.set_value(true);
        request_animation_frame(move || {
            scroll_pending.set_value(false);
            let Some((top, left)) = scroll.try_get_untracked() else {
                return;
            };
            for layer in [
                authors.get_untracked(),
                carets.get_untracked(),
                numbers_layer.get_untracked(),
            ]
            .into_iter()
            .flatten()
            {
                layer.set_scroll_top(top);
                layer.set_scroll_left(left);
            }
        });
    });

    view! {
        <div
            class="backdrop authors"
            aria-hidden="true"
            node_ref=authors
            data-ms=move || tenths(authors_ms.get())
        ></div>
        <div class="backdrop cursors" aria-hidden="true" node_ref=carets></div>
        <div
            class="backdrop numbers"
            aria-hidden="true"
            node_ref=numbers_layer
            data-ms=move || tenths(numbers_ms.get())
            data-ranges=move || ranges_drawn.get().to_string()
            data-overview-ms=move || tenths(overview_ms.get())
        ></div>
    }
}

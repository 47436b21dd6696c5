//! Two moments compared (issue 11), in place of the editor: the attributed
//! word-level diff ([`model::history::compare`], drawn by
//! [`crate::comparison`]), inline or side by side (a switch), the summary
//! per person (their visits merged by identity: words added, removed,
//! paragraphs touched), "next / previous change" (buttons, and the keys
//! n / p or Alt + ↓ / ↑ anywhere but in a field) that scroll to and
//! focus each change, an honest "no difference", and print.
//!
//! The comparison is worked out again when a moment is "now" and the text
//! changes; between two checkpoints it stays. `data-ms` on the view says
//! how long the last one took (the model's comparison and the drawing's
//! HTML), `data-groups` how many changes it has, `data-state` whether it
//! is `ready`, `empty` or `failed`.

use leptos::ev;
use leptos::prelude::*;
use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys::{Element, HtmlElement, KeyboardEvent};
use model::history::{Checkpoint, Comparison, HistoryError, Moment};

use crate::comparison::{inline_html, side_html, summary, Authors, PersonTally, Words};
use crate::history_view::{use_history_view, HistoryView};
use crate::locale::use_locale;
use crate::platform::page;
use crate::session::{use_doc_history, use_room_presence};
use crate::strings::{Lang, Strings};

/// Inline or side by side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    Inline,
    Side,
}

impl Layout {
    fn tag(self) -> &'static str {
        match self {
            Layout::Inline => "inline",
            Layout::Side => "side",
        }
    }
}

/// The comparison and how long it took, in milliseconds.
#[derive(Clone, Debug, PartialEq)]
struct Worked {
    result: Result<Comparison, HistoryError>,
    ms: f64,
}

fn now_ms() -> f64 {
    window()
        .performance()
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// A moment in words: "now", "your last visit", or the checkpoint's name
/// and time in the person's language.
fn moment_words(
    moment: &Moment,
    checkpoints: &[Checkpoint],
    strings: &Strings,
    lang: Lang,
) -> String {
    match moment {
        Moment::Now => strings.compare_now.to_owned(),
        Moment::Seen(_) => strings.compare_seen.to_owned(),
        Moment::Checkpoint(id) => {
            let Some(checkpoint) = checkpoints.iter().find(|c| &c.id == id) else {
                return id.clone();
            };
            let time = local_time(checkpoint.time, lang);
            match checkpoint.name() {
                Some(name) => format!("« {name} » ({time})"),
                None => time,
            }
        }
    }
}

/// A time (milliseconds since the epoch) as the person's locale writes it.
pub(crate) fn local_time(ms: i64, lang: Lang) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(lang.tag(), &options).into()
}

/// Whether a key pressed in `target` belongs to what is typed there.
fn typing_in(target: Option<Element>) -> bool {
    target.is_some_and(|element| {
        matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || element.has_attribute("contenteditable")
    })
}

fn html_element(id: &str) -> Option<HtmlElement> {
    document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<HtmlElement>().ok())
}

/// Scroll the column holding `element` so that it is in its middle.
fn centre_in_column(element: &HtmlElement) {
    let Some(column) = element
        .closest(".compare-column")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let top = element.offset_top() - column.client_height() / 2;
    column.set_scroll_top(top.max(0));
}

/// Focus change `group` (and, side by side, bring it into view in both
/// columns).
fn focus_change(group: u32, layout: Layout) {
    match layout {
        Layout::Inline => {
            if let Some(element) = html_element(&format!("change-{group}")) {
                element.scroll_into_view_with_bool(false);
                let _ = element.focus();
            }
        }
        Layout::Side => {
            let before = html_element(&format!("before-{group}"));
            let after = html_element(&format!("after-{group}"));
            for element in before.iter().chain(after.iter()) {
                centre_in_column(element);
            }
            // Focus the side where the change has words.
            let target = match (&before, &after) {
                (Some(b), Some(a)) if a.class_name() == "gap" => Some(b),
                (_, Some(a)) => Some(a),
                (b, None) => b.as_ref(),
            };
            if let Some(element) = target {
                let _ = element.focus();
            }
        }
    }
}

#[component]
pub fn CompareView(
    #[prop(into)] from: Signal<Moment>,
    #[prop(into)] to: Signal<Moment>,
) -> impl IntoView {
    let locale = use_locale();
    let history = use_doc_history();
    let room = use_room_presence();
    let view_state = use_history_view();
    let layout = RwSignal::new(Layout::Inline);
    // The change in focus, for the position and for next / previous.
    let current = RwSignal::new(None::<u32>);

    let worked = Memo::new(move |_| {
        let (from, to) = (from.get(), to.get());
        if from == Moment::Now || to == Moment::Now {
            history.revision.track();
        }
        let started = now_ms();
        let result = history.compare(&from, &to);
        Worked {
            result,
            ms: now_ms() - started,
        }
    });
    let groups = Memo::new(move |_| worked.with(|w| w.result.as_ref().map_or(0, |c| c.groups)));
    let authors = Memo::new(move |_| {
        room.people_revision.track();
        AuthorsValue(Authors::new(&room.people()))
    });
    let state = move || {
        worked.with(|w| match &w.result {
            Err(_) => "failed",
            Ok(c) if c.groups == 0 => "empty",
            Ok(_) => "ready",
        })
    };

    // The drawing: its HTML and how long it took.
    let drawn = Memo::new(move |_| {
        let strings = locale.strings();
        let words = Words {
            added_by: strings.compare_added_by,
            removed_by: strings.compare_removed_by,
            unknown: strings.compare_unknown,
        };
        let layout = layout.get();
        authors.with(|authors| {
            worked.with(|w| {
                let started = now_ms();
                let html = match (&w.result, layout) {
                    (Ok(c), Layout::Inline) => Drawn::Inline(inline_html(c, &authors.0, words)),
                    (Ok(c), Layout::Side) => {
                        let (before, after) = side_html(c, &authors.0, words);
                        Drawn::Side(before, after)
                    }
                    (Err(_), _) => Drawn::Inline(String::new()),
                };
                (html, w.ms + now_ms() - started)
            })
        })
    });
    let ms = move || drawn.with(|(_, ms)| format!("{ms:.1}"));

    let step = move |forward: bool| {
        let total = groups.get_untracked();
        if total == 0 {
            return;
        }
        let next = match (current.get_untracked(), forward) {
            (None, true) => 0,
            (None, false) => total - 1,
            (Some(g), true) => (g + 1).min(total - 1),
            (Some(g), false) => g.saturating_sub(1),
        };
        current.set(Some(next));
        focus_change(next, layout.get_untracked());
    };

    let keys = window_event_listener(ev::keydown, move |ev: KeyboardEvent| {
        if ev.default_prevented() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
        let forward = match (ev.key().as_str(), ev.alt_key()) {
            ("n", false) | ("ArrowDown", true) => true,
            ("p", false) | ("ArrowUp", true) => false,
            _ => return,
        };
        if typing_in(target) {
            return;
        }
        ev.prevent_default();
        step(forward);
    });
    on_cleanup(move || keys.remove());

    // A change clicked or focused becomes the current one.
    let on_focus = move |ev: ev::FocusEvent| {
        let group = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("[data-group]").ok().flatten())
            .and_then(|e| e.get_attribute("data-group"))
            .and_then(|g| g.parse::<u32>().ok());
        if group.is_some() {
            current.set(group);
        }
    };
    // A new comparison starts before its first change.
    Effect::new(move |_| {
        groups.track();
        current.set(None);
    });

    let between = move || {
        let strings = locale.strings();
        let (from, to) = (from.get(), to.get());
        // The timeline is read only to name a checkpoint.
        let named = |m: &Moment| matches!(m, Moment::Checkpoint(_));
        let checkpoints = if named(&from) || named(&to) {
            history.checkpoints()
        } else {
            Vec::new()
        };
        let lang = locale.lang();
        strings
            .compare_between
            .replace("{from}", &moment_words(&from, &checkpoints, strings, lang))
            .replace("{to}", &moment_words(&to, &checkpoints, strings, lang))
    };
    let position = move || {
        let strings = locale.strings();
        let total = groups.get().to_string();
        match current.get() {
            Some(g) => strings
                .compare_position
                .replace("{n}", &(g + 1).to_string())
                .replace("{total}", &total),
            None => strings.compare_count.replace("{total}", &total),
        }
    };
    let layout_button = move |choice: Layout| {
        let label = move || match choice {
            Layout::Inline => locale.strings().compare_inline,
            Layout::Side => locale.strings().compare_side,
        };
        view! {
            <button
                type="button"
                data-layout=choice.tag()
                aria-pressed=move || (layout.get() == choice).to_string()
                on:click=move |_| layout.set(choice)
            >
                {label}
            </button>
        }
    };
    let people = Memo::new(move |_| {
        authors.with(|authors| {
            worked.with(|w| {
                w.result
                    .as_ref()
                    .map(|c| summary(&c.tallies, &authors.0))
                    .unwrap_or_default()
            })
        })
    });

    let body = move || match state() {
        "failed" => view! {
            <p class="compare-failed" role="alert">
                {move || locale.strings().compare_failed}
            </p>
        }
        .into_any(),
        "empty" => view! {
            <div class="compare-empty">
                <p class="compare-empty-title">{move || locale.strings().compare_empty}</p>
                <p>{move || locale.strings().compare_empty_detail}</p>
            </div>
        }
        .into_any(),
        _ => view! {
            <Summary people />
            <CompareText drawn=Signal::derive(move || drawn.with(|(d, _)| d.clone())) on_focus />
        }
        .into_any(),
    };

    view! {
        <div
            class="compare-view"
            data-state=state
            data-groups=move || groups.get().to_string()
            data-layout=move || layout.get().tag()
            data-ms=ms
        >
            <div class="compare-head">
                <h2 id="compare-heading" tabindex="-1">
                    {move || locale.strings().compare_heading}
                </h2>
                <p class="compare-between">{between}</p>
            </div>
            <div class="compare-tools">
                <div
                    class="compare-layout"
                    role="group"
                    aria-label=move || locale.strings().compare_layout
                >
                    {layout_button(Layout::Inline)}
                    {layout_button(Layout::Side)}
                </div>
                <div class="compare-steps">
                    <button
                        type="button"
                        id="compare-previous"
                        disabled=move || groups.get() == 0
                        on:click=move |_| step(false)
                    >
                        <span aria-hidden="true">"↑ "</span>
                        {move || locale.strings().compare_previous}
                    </button>
                    <button
                        type="button"
                        id="compare-next"
                        disabled=move || groups.get() == 0
                        on:click=move |_| step(true)
                    >
                        <span aria-hidden="true">"↓ "</span>
                        {move || locale.strings().compare_next}
                    </button>
                    <span id="compare-position" class="compare-position" aria-live="polite">
                        {position}
                    </span>
                </div>
                <button type="button" id="compare-print" on:click=move |_| page::print()>
                    {move || locale.strings().compare_print}
                </button>
                <button
                    type="button"
                    id="compare-close"
                    on:click=move |_| {
                        view_state.0.set(HistoryView::Text);
                        request_animation_frame(crate::components::shortcuts::focus_text);
                    }
                >
                    {move || locale.strings().compare_close}
                </button>
            </div>
            <p class="compare-keys">{move || locale.strings().compare_keys}</p>
            {body}
        </div>
    }
}

/// [`Authors`] in a memo (it has no meaningful equality: every change of
/// `people` is a new value).
#[derive(Clone, Debug)]
struct AuthorsValue(Authors);

impl PartialEq for AuthorsValue {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

/// The drawing's HTML, one column or two.
#[derive(Clone, Debug, PartialEq)]
enum Drawn {
    Inline(String),
    Side(String, String),
}

/// The summary per person.
#[component]
fn Summary(people: Memo<Vec<PersonTally>>) -> impl IntoView {
    let locale = use_locale();
    let rows = move || {
        let unknown = locale.strings().compare_unknown;
        people
            .get()
            .into_iter()
            .map(|tally| {
                let name = if tally.author.name.trim().is_empty() {
                    unknown.to_owned()
                } else {
                    tally.author.name.clone()
                };
                let colour = tally.author.colour.clone().unwrap_or_default();
                let style = tally
                    .author
                    .colour
                    .as_ref()
                    .map(|c| format!("--who: {c}"))
                    .unwrap_or_default();
                view! {
                    <tr
                        data-name=name.clone()
                        data-colour=colour
                        data-added=tally.added.to_string()
                        data-removed=tally.removed.to_string()
                        data-paragraphs=tally.paragraphs.to_string()
                    >
                        <th scope="row">
                            <span class="swatch" style=style aria-hidden="true"></span>
                            {name.clone()}
                        </th>
                        <td>{tally.added}</td>
                        <td>{tally.removed}</td>
                        <td>{tally.paragraphs}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <table id="compare-summary" class="compare-summary">
            <caption>{move || locale.strings().compare_summary}</caption>
            <thead>
                <tr>
                    <th scope="col">{move || locale.strings().compare_person}</th>
                    <th scope="col">{move || locale.strings().compare_added}</th>
                    <th scope="col">{move || locale.strings().compare_removed}</th>
                    <th scope="col">{move || locale.strings().compare_paragraphs}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The compared text, one column or two.
#[component]
fn CompareText(
    drawn: Signal<Drawn>,
    on_focus: impl Fn(ev::FocusEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let locale = use_locale();
    move || match drawn.get() {
        Drawn::Inline(html) => view! {
            <div id="compare-text" class="compare-text" on:focusin=on_focus inner_html=html></div>
        }
        .into_any(),
        Drawn::Side(before, after) => view! {
            <div class="compare-columns" on:focusin=on_focus>
                <section class="compare-column" aria-labelledby="compare-before-heading">
                    <h3 id="compare-before-heading">{move || locale.strings().compare_before}</h3>
                    <div id="compare-before" class="compare-text" inner_html=before></div>
                </section>
                <section class="compare-column" aria-labelledby="compare-after-heading">
                    <h3 id="compare-after-heading">{move || locale.strings().compare_after}</h3>
                    <div id="compare-after" class="compare-text" inner_html=after></div>
                </section>
            </div>
        }
        .into_any(),
    }
}

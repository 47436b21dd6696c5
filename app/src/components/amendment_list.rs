//! The Amendments panel: the list of a document's amendments beside the
//! text (a bottom sheet on a phone), its filters and orders, competing
//! amendments ("discussion commune") shown together, and one amendment
//! in full ([`AmendmentDetail`]) when a row is opened.
//!
//! Filtering and sorting are the model's ([`Overview::select`]); this
//! file only gathers each competing group behind its first member
//! ([`gather`]) and draws the rows. A congress has thousands of
//! amendments, so the list is windowed: rows have one fixed height
//! ([`ROW_PX`]), a spacer as tall as all of them gives the scroll bar, and
//! only the rows in view plus [`MARGIN_ROWS`] either side are in the DOM
//! ([`window_of`]). Keys: the list is one `listbox` holding focus, the
//! arrows (Page Up/Down, Home, End) move the active row
//! (`aria-activedescendant`), Enter opens it.
//!
//! The overview is rebuilt by the session at each revision (a keystroke
//! is one); the list follows it at most every [`REFRESH_MS`], so typing
//! with the panel open does not redraw the rows at every key.

use std::ops::Range;
use std::rc::Rc;

use leptos::ev::KeyboardEvent;
use leptos::html::Div;
use leptos::prelude::*;
use model::amendments::{Filter, Overview, Proposal, Row, Sort, Status};

use crate::amendment_ui::use_amend_ui;
use crate::components::amendment_detail::AmendmentDetail;
use crate::locale::use_locale;
use crate::panels::{use_panels, Panel};
use crate::session::amendments::AmendRoomState;
use crate::session::use_doc_amendments;
use crate::strings::Strings;

/// One row's height, in CSS pixels (`styles/amendments.css` sizes the
/// row's content to fit).
pub const ROW_PX: f64 = 72.0;
/// Rows drawn above and below the ones in view.
pub const MARGIN_ROWS: usize = 6;
/// The list's height before it is measured.
const DEFAULT_VIEW_PX: f64 = 480.0;
/// How often, at most, the list follows the overview.
const REFRESH_MS: f64 = 250.0;
/// How much of a passage or a wording a row's summary shows.
const SUMMARY_CHARS: usize = 48;

/// One line of the list: the row (an index into `Overview::rows`), and
/// its place in a competing group if it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub row: usize,
    pub group: Option<Place>,
}

/// Where a row stands in its competing group, as the list shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub group: usize,
    /// How many of the group the list shows.
    pub size: usize,
    pub first: bool,
    pub last: bool,
}

/// The rows in `order` (what [`Overview::select`] gave), each competing
/// group gathered where its first member comes: the others shown follow
/// it, in `order`'s order. A group of which one row is shown is no group
/// on the list.
pub fn gather(order: &[usize], rows: &[Row]) -> Vec<Item> {
    let group_of = |row: usize| rows.get(row).and_then(|row| row.group);
    let mut members: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for &row in order {
        if let Some(group) = group_of(row) {
            members.entry(group).or_default().push(row);
        }
    }
    let mut items = Vec::with_capacity(order.len());
    for &row in order {
        match group_of(row) {
            None => items.push(Item { row, group: None }),
            Some(group) => {
                let Some(all) = members.remove(&group) else {
                    continue; // Already placed behind its first member.
                };
                let size = all.len();
                for (k, &row) in all.iter().enumerate() {
                    let group = (size > 1).then_some(Place {
                        group,
                        size,
                        first: k == 0,
                        last: k + 1 == size,
                    });
                    items.push(Item { row, group });
                }
            }
        }
    }
    items
}

/// The items to draw for a list of `len` items scrolled to `top` and
/// `height` pixels tall: those in view and [`MARGIN_ROWS`] either side.
pub fn window_of(top: f64, height: f64, len: usize) -> Range<usize> {
    let first = (top.max(0.0) / ROW_PX).floor() as usize;
    let shown = (height.max(0.0) / ROW_PX).ceil() as usize + 1;
    let start = first.saturating_sub(MARGIN_ROWS).min(len);
    let end = (first + shown + MARGIN_ROWS).min(len);
    start..end
}

/// Where to scroll so that item `at` is in view, from `top` in a list
/// `height` pixels tall; `None` if it is already.
pub fn scroll_to_show(at: usize, top: f64, height: f64) -> Option<f64> {
    let row_top = at as f64 * ROW_PX;
    let row_bottom = row_top + ROW_PX;
    if row_top < top {
        Some(row_top)
    } else if row_bottom > top + height {
        Some((row_bottom - height).max(0.0))
    } else {
        None
    }
}

/// At most `max` characters of `text` on one line, with an ellipsis if cut.
pub fn clip(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let flat = flat.trim();
    if flat.chars().count() <= max {
        return flat.to_owned();
    }
    let mut out: String = flat.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A status in words.
pub fn status_label(strings: &Strings, status: Status) -> &'static str {
    match status {
        Status::Filed => strings.amendments_status_filed,
        Status::Discussion => strings.amendments_status_discussion,
        Status::Adopted => strings.amendments_status_adopted,
        Status::Rejected => strings.amendments_status_rejected,
        Status::Withdrawn => strings.amendments_status_withdrawn,
        Status::Fallen => strings.amendments_status_fallen,
    }
}

/// Its number, or the provisional mark.
pub fn number_label(strings: &Strings, row: &Row) -> String {
    match row.number {
        Some(n) => strings.amendments_number.replace("{n}", &n.to_string()),
        None => strings.amendments_provisional.to_owned(),
    }
}

/// "l. 42-45" (its lines now), or that its words are gone.
pub fn lines_label(strings: &Strings, row: &Row) -> String {
    match row.lines {
        Some((from, to)) if from == to => {
            strings.amendments_line.replace("{from}", &from.to_string())
        }
        Some((from, to)) => strings
            .amendments_lines
            .replace("{from}", &from.to_string())
            .replace("{to}", &to.to_string()),
        None => strings.amendments_gone.to_owned(),
    }
}

/// The change in one line: a replacement, a deletion or an insertion.
pub fn summary(strings: &Strings, row: &Row) -> String {
    let passage = clip(
        row.current.as_deref().unwrap_or(&row.passage),
        SUMMARY_CHARS,
    );
    match &row.proposal {
        Proposal::Delete => strings.amendments_delete.replace("{passage}", &passage),
        Proposal::Replace(wording) if row.passage.is_empty() => strings
            .amendments_insert
            .replace("{wording}", &clip(wording, SUMMARY_CHARS)),
        Proposal::Replace(wording) => strings
            .amendments_replace
            .replace("{passage}", &passage)
            .replace("{wording}", &clip(wording, SUMMARY_CHARS)),
    }
}

/// How many filters are set (the order is not one).
pub fn active_filters(filter: &Filter) -> usize {
    [
        !filter.statuses.is_empty(),
        filter.author.is_some(),
        filter.lines.is_some(),
        filter.colliding,
        filter.undiscussed,
        filter.mine,
        !filter.words.trim().is_empty(),
    ]
    .into_iter()
    .filter(|on| *on)
    .count()
}

/// The authors of the amendments, by name then key, each once.
fn authors(overview: &Overview) -> Vec<(String, String)> {
    let mut seen: Vec<(String, String)> = overview
        .rows
        .iter()
        .map(|row| (row.author_name.clone(), row.author.clone()))
        .collect();
    seen.sort();
    seen.dedup_by(|a, b| a.1 == b.1);
    seen
}

/// A line number typed in a filter: a positive whole number, or nothing.
fn line_number(text: &str) -> Option<u32> {
    text.trim().parse::<u32>().ok().filter(|n| *n > 0)
}

fn now() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or_default()
}

#[component]
pub fn AmendmentsPanel() -> impl IntoView {
    let locale = use_locale();
    let panels = use_panels();
    let amendments = use_doc_amendments();
    let ui = use_amend_ui();
    let heading = format!("{}-heading", Panel::Amendments.id());

    // The overview the list shows, following the session's at most every
    // REFRESH_MS.
    let shown = RwSignal::new_local(amendments.overview());
    let last = StoredValue::new(0.0f64);
    let waiting = StoredValue::new(false);
    Effect::new(move |_| {
        amendments.revision.track();
        if waiting.get_value() {
            return;
        }
        let since = now() - last.get_value();
        if since >= REFRESH_MS {
            last.set_value(now());
            shown.set(amendments.overview());
        } else {
            waiting.set_value(true);
            set_timeout(
                move || {
                    waiting.set_value(false);
                    last.set_value(now());
                    let _ = amendments.revision.try_get_untracked();
                    shown.try_set(amendments.overview());
                },
                std::time::Duration::from_millis((REFRESH_MS - since).max(0.0) as u64),
            );
        }
    });

    let items = Memo::new(move |_| {
        let filter = ui.filter.get();
        let sort = ui.sort.get();
        shown.with(|overview| gather(&overview.select(&filter, sort), &overview.rows))
    });

    let counts = move || {
        let s = locale.strings();
        shown.with(|overview| {
            let mut by = [0usize; 6];
            for row in &overview.rows {
                by[Status::ALL
                    .iter()
                    .position(|st| *st == row.status)
                    .unwrap_or(0)] += 1;
            }
            let total = overview.rows.len();
            let mut parts = vec![s.amendments_count.replace("{n}", &total.to_string())];
            for (status, n) in Status::ALL.iter().zip(by) {
                if n > 0 {
                    parts.push(format!("{} {n}", status_label(s, *status)));
                }
            }
            parts.join(" · ")
        })
    };

    let notices = move || {
        let s = locale.strings();
        let notices = shown.with(|overview| overview.notices);
        let mut lines = Vec::new();
        if notices.forged > 0 {
            lines.push(
                s.amendments_forged
                    .replace("{n}", &notices.forged.to_string()),
            );
        }
        if notices.unreadable > 0 {
            lines.push(
                s.amendments_unreadable
                    .replace("{n}", &notices.unreadable.to_string()),
            );
        }
        if notices.removed > 0 {
            lines.push(s.amendments_removed.to_owned());
        }
        lines
            .into_iter()
            .map(|line| view! { <p class="amend-notice" role="alert">{line}</p> })
            .collect_view()
    };

    let state = move || match amendments.state.get() {
        AmendRoomState::Unavailable => Some(locale.strings().amendments_unavailable),
        AmendRoomState::Opening if shown.with(|o| o.rows.is_empty()) => {
            Some(locale.strings().amendments_opening)
        }
        _ => None,
    };

    let detail = move || {
        ui.selected.get().map(|id| {
            // Where its words are, for the tests and the text's hooks.
            let span = shown.with_untracked(|o| {
                o.row(&id)
                    .and_then(|row| row.span)
                    .map(|(start, end)| format!("{start}-{end}"))
            });
            let open_id = id.clone();
            view! {
                <div class="amend-open" data-id=open_id data-span=span>
                    <button
                        type="button"
                        class="amend-back"
                        id="amend-back"
                        on:click=move |_| {
                            ui.selected.set(None);
                            request_animation_frame(|| crate::platform::page::focus_id("amend-rows"));
                        }
                    >
                        {move || locale.strings().amendments_back}
                    </button>
                    <AmendmentDetail id />
                </div>
            }
        })
    };

    view! {
        <div class="panel-head">
            <h2 id=heading tabindex="-1" data-autofocus>
                {move || locale.strings().amendments_button}
            </h2>
            <button type="button" class="panel-close" on:click=move |_| panels.close()>
                {move || locale.strings().panel_close}
            </button>
        </div>
        <p class="amend-counts" id="amend-counts">{counts}</p>
        {notices}
        {move || state().map(|text| view! { <p class="amend-state">{text}</p> })}
        {detail}
        <div class="amend-list" hidden=move || ui.selected.with(Option::is_some)>
            <Filters shown />
            <p class="amend-shown" id="amend-shown" aria-live="polite">
                {move || {
                    let total = shown.with(|o| o.rows.len());
                    let n = items.with(Vec::len);
                    if total == 0 {
                        locale.strings().amendments_none.to_owned()
                    } else if n == 0 {
                        locale.strings().amendments_none_match.to_owned()
                    } else {
                        locale
                            .strings()
                            .amendments_shown
                            .replace("{shown}", &n.to_string())
                            .replace("{total}", &total.to_string())
                    }
                }}
            </p>
            <Rows shown items />
        </div>
    }
}

/// The filters and the order, bound to [`use_amend_ui`].
#[component]
fn Filters(shown: RwSignal<Rc<Overview>, LocalStorage>) -> impl IntoView {
    let locale = use_locale();
    let ui = use_amend_ui();
    let filter = ui.filter;
    let status_boxes = move || {
        let s = locale.strings();
        Status::ALL
            .into_iter()
            .map(|status| {
                view! {
                    <label class="amend-chip" data-status=status.name()>
                        <input
                            type="checkbox"
                            name="amend-status"
                            value=status.name()
                            prop:checked=move || filter.with(|f| f.statuses.contains(&status))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                filter.update(|f| {
                                    f.statuses.retain(|s| *s != status);
                                    if on {
                                        f.statuses.push(status);
                                        f.statuses.sort();
                                    }
                                });
                            }
                        />
                        {status_label(s, status)}
                    </label>
                }
            })
            .collect_view()
    };
    let author_options = move || {
        shown.with(|overview| {
            authors(overview)
                .into_iter()
                .map(|(name, key)| {
                    let selected = {
                        let key = key.clone();
                        move || filter.with(|f| f.author.as_deref() == Some(key.as_str()))
                    };
                    view! { <option value=key prop:selected=selected>{name}</option> }
                })
                .collect_view()
        })
    };
    let line_from =
        move || filter.with(|f| f.lines.map(|(a, _)| a.to_string()).unwrap_or_default());
    let line_to = move || {
        filter.with(|f| {
            f.lines
                .filter(|(_, b)| *b != u32::MAX)
                .map(|(_, b)| b.to_string())
                .unwrap_or_default()
        })
    };
    // The range typed so far: a missing end is the text's end, a missing
    // start its beginning.
    let set_lines = move |from: Option<u32>, to: Option<u32>| {
        filter.update(|f| {
            f.lines = match (from, to) {
                (None, None) => None,
                (from, to) => Some((from.unwrap_or(1), to.unwrap_or(u32::MAX))),
            }
        })
    };
    let flag = move |get: fn(&Filter) -> bool, set: fn(&mut Filter, bool)| {
        view! {
            <input
                type="checkbox"
                prop:checked=move || filter.with(get)
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    filter.update(|f| set(f, on));
                }
            />
        }
    };
    view! {
        <div class="amend-search">
            <input
                type="search"
                id="amend-words"
                aria-label=move || locale.strings().amendments_words
                placeholder=move || locale.strings().amendments_words
                prop:value=move || filter.with(|f| f.words.clone())
                on:input=move |ev| {
                    let words = event_target_value(&ev);
                    filter.update(|f| f.words = words);
                }
            />
            <label class="amend-sort">
                {move || locale.strings().amendments_sort}
                " "
                <select
                    id="amend-sort"
                    on:change=move |ev| {
                        let sort = match event_target_value(&ev).as_str() {
                            "number" => Sort::Number,
                            "supports" => Sort::Supports,
                            _ => Sort::Text,
                        };
                        ui.sort.set(sort);
                    }
                >
                    <option value="text" prop:selected=move || ui.sort.get() == Sort::Text>
                        {move || locale.strings().amendments_sort_text}
                    </option>
                    <option value="number" prop:selected=move || ui.sort.get() == Sort::Number>
                        {move || locale.strings().amendments_sort_number}
                    </option>
                    <option value="supports" prop:selected=move || ui.sort.get() == Sort::Supports>
                        {move || locale.strings().amendments_sort_supports}
                    </option>
                </select>
            </label>
        </div>
        <details class="amend-filters" id="amend-filters">
            <summary>
                {move || {
                    locale
                        .strings()
                        .amendments_filters
                        .replace("{n}", &filter.with(active_filters).to_string())
                }}
            </summary>
            <fieldset class="amend-statuses">
                <legend>{move || locale.strings().amendments_status_legend}</legend>
                {status_boxes}
            </fieldset>
            <label class="amend-field">
                {move || locale.strings().amendments_author}
                " "
                <select
                    id="amend-author"
                    on:change=move |ev| {
                        let key = event_target_value(&ev);
                        filter.update(|f| f.author = (!key.is_empty()).then_some(key));
                    }
                >
                    <option value="" prop:selected=move || filter.with(|f| f.author.is_none())>
                        {move || locale.strings().amendments_author_any}
                    </option>
                    {author_options}
                </select>
            </label>
            <fieldset class="amend-lines">
                <legend>{move || locale.strings().amendments_lines_legend}</legend>
                <label>
                    {move || locale.strings().amendments_lines_from}
                    " "
                    <input
                        type="number"
                        min="1"
                        inputmode="numeric"
                        id="amend-line-from"
                        prop:value=line_from
                        on:change=move |ev| {
                            let to = filter.with_untracked(|f| f.lines.map(|(_, b)| b).filter(|b| *b != u32::MAX));
                            set_lines(line_number(&event_target_value(&ev)), to);
                        }
                    />
                </label>
                " "
                <label>
                    {move || locale.strings().amendments_lines_to}
                    " "
                    <input
                        type="number"
                        min="1"
                        inputmode="numeric"
                        id="amend-line-to"
                        prop:value=line_to
                        on:change=move |ev| {
                            let from = filter.with_untracked(|f| f.lines.map(|(a, _)| a).filter(|a| *a != 1));
                            set_lines(from, line_number(&event_target_value(&ev)));
                        }
                    />
                </label>
            </fieldset>
            <div class="amend-flags">
                <label id="amend-colliding">
                    {flag(|f| f.colliding, |f, on| f.colliding = on)}
                    {move || locale.strings().amendments_colliding}
                </label>
                <label id="amend-undiscussed">
                    {flag(|f| f.undiscussed, |f, on| f.undiscussed = on)}
                    {move || locale.strings().amendments_undiscussed}
                </label>
                <label id="amend-mine">
                    {flag(|f| f.mine, |f, on| f.mine = on)}
                    {move || locale.strings().amendments_mine}
                </label>
            </div>
            <button
                type="button"
                id="amend-clear"
                class="amend-clear"
                disabled=move || filter.with(|f| active_filters(f) == 0)
                on:click=move |_| filter.set(Filter::default())
            >
                {move || locale.strings().amendments_clear}
            </button>
        </details>
    }
}

/// The windowed list itself.
#[component]
fn Rows(shown: RwSignal<Rc<Overview>, LocalStorage>, items: Memo<Vec<Item>>) -> impl IntoView {
    let locale = use_locale();
    let ui = use_amend_ui();
    let scroller: NodeRef<Div> = NodeRef::new();
    let top = RwSignal::new(0.0f64);
    let height = RwSignal::new(DEFAULT_VIEW_PX);
    // The active row, by position in the list.
    let active = RwSignal::new(0usize);

    let measure = move || {
        if let Some(element) = scroller.get_untracked() {
            top.set(f64::from(element.scroll_top()));
            let h = f64::from(element.client_height());
            if h > 0.0 {
                height.set(h);
            }
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            request_animation_frame(measure);
        }
    });
    // When the list changes under it, the active row stays on the list,
    // and on the amendment that was open if it is still shown.
    Effect::new(move |_| {
        let len = items.with(Vec::len);
        if active.get_untracked() >= len {
            active.set(len.saturating_sub(1));
        }
    });
    let scroll_to = move |at: usize| {
        if let Some(element) = scroller.get_untracked() {
            let h = f64::from(element.client_height()).max(ROW_PX);
            if let Some(to) = scroll_to_show(at, f64::from(element.scroll_top()), h) {
                element.set_scroll_top(to as i32);
                top.set(to);
            }
        }
    };
    // Coming back from an amendment: its row is the active one, in view.
    Effect::new(move |previous: Option<Option<String>>| {
        let selected = ui.selected.get();
        if selected.is_none() {
            if let Some(Some(id)) = &previous {
                let at = shown.with_untracked(|o| {
                    items.with_untracked(|items| {
                        items
                            .iter()
                            .position(|item| o.rows.get(item.row).is_some_and(|r| &r.id == id))
                    })
                });
                if let Some(at) = at {
                    active.set(at);
                    request_animation_frame(move || {
                        measure();
                        scroll_to(at);
                    });
                }
            }
        }
        selected
    });

    let open = move |at: usize| {
        let id = shown.with_untracked(|o| {
            items.with_untracked(|items| {
                items
                    .get(at)
                    .and_then(|item| o.rows.get(item.row))
                    .map(|r| r.id.clone())
            })
        });
        if let Some(id) = id {
            active.set(at);
            ui.selected.set(Some(id));
        }
    };

    let on_keydown = move |ev: KeyboardEvent| {
        let len = items.with_untracked(Vec::len);
        if len == 0 {
            return;
        }
        let page = (height.get_untracked() / ROW_PX).floor().max(1.0) as usize;
        let at = active.get_untracked().min(len - 1);
        let to = match ev.key().as_str() {
            "ArrowDown" => (at + 1).min(len - 1),
            "ArrowUp" => at.saturating_sub(1),
            "PageDown" => (at + page).min(len - 1),
            "PageUp" => at.saturating_sub(page),
            "Home" => 0,
            "End" => len - 1,
            "Enter" | " " => {
                ev.prevent_default();
                open(at);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        active.set(to);
        scroll_to(to);
    };

    let rows = move || {
        let s = locale.strings();
        let range = window_of(top.get(), height.get(), items.with(Vec::len));
        let active_at = active.get();
        let selected = ui.selected.get();
        shown.with(|overview| {
            items.with(|items| {
                items[range.clone()]
                    .iter()
                    .zip(range.clone())
                    .filter_map(|(item, at)| {
                        let row = overview.rows.get(item.row)?;
                        Some(row_view(
                            s,
                            row,
                            item.group,
                            at,
                            at == active_at,
                            selected.as_deref() == Some(row.id.as_str()),
                            open,
                        ))
                    })
                    .collect_view()
            })
        })
    };

    view! {
        <div
            class="amend-rows"
            id="amend-rows"
            node_ref=scroller
            role="listbox"
            tabindex="0"
            aria-label=move || locale.strings().amendments_list_label
            aria-activedescendant=move || {
                (items.with(Vec::len) > 0).then(|| format!("amend-item-{}", active.get()))
            }
            on:scroll=move |_| measure()
            on:keydown=on_keydown
            on:focus=move |_| measure()
        >
            <div
                class="amend-spacer"
                style=move || format!("height:{}px", items.with(Vec::len) as f64 * ROW_PX)
            >
                {rows}
            </div>
        </div>
    }
}

/// One row, placed at item `at`.
fn row_view(
    s: &'static Strings,
    row: &Row,
    group: Option<Place>,
    at: usize,
    active: bool,
    selected: bool,
    open: impl Fn(usize) + Copy + 'static,
) -> impl IntoView {
    let mut class = String::from("amend-row");
    if active {
        class.push_str(" active");
    }
    if let Some(place) = group {
        class.push_str(" grouped");
        if place.first {
            class.push_str(" group-first");
        }
        if place.last {
            class.push_str(" group-last");
        }
    }
    let group_mark = group.filter(|p| p.first).map(|p| {
        view! { <span class="amend-group">{s.amendments_group.replace("{n}", &p.size.to_string())}</span> }
    });
    let provisional = row.number.is_none();
    let altered = row
        .altered
        .then(|| view! { <span class="amend-altered">{s.amendments_altered}</span> });
    view! {
        <div
            class=class
            id=format!("amend-item-{at}")
            role="option"
            aria-selected=selected.to_string()
            data-id=row.id.clone()
            data-status=row.status.name()
            data-span=row.span.map(|(start, end)| format!("{start}-{end}"))
            data-group=group.map(|p| p.group.to_string())
            style=format!("top:{}px;height:{}px", at as f64 * ROW_PX, ROW_PX)
            on:click=move |_| open(at)
        >
            <div class="amend-row-top">
                <span
                    class="amend-number"
                    data-provisional=provisional.to_string()
                    title=provisional.then_some(s.amendments_provisional_title)
                >
                    {number_label(s, row)}
                </span>
                <span class="amend-lines">{lines_label(s, row)}</span>
                <span class="amend-status" data-status=row.status.name()>
                    {status_label(s, row.status)}
                </span>
                {altered}
                <span class="amend-supports">
                    {s.amendments_supports.replace("{n}", &row.supports.to_string())}
                </span>
            </div>
            <div class="amend-summary">{summary(s, row)}</div>
            <div class="amend-row-foot">
                <span class="amend-author">{row.author_name.clone()}</span>
                {group_mark}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, group: Option<usize>) -> Row {
        Row {
            id: id.into(),
            number: None,
            author: "k".into(),
            author_name: "Ana".into(),
            mine: false,
            status: Status::Filed,
            fallen_by: None,
            span: Some((0, 1)),
            lines: Some((1, 1)),
            filed_lines: (1, 1),
            passage: "a".into(),
            current: None,
            proposal: Proposal::Delete,
            rationale: String::new(),
            parent: None,
            supports: 0,
            supported: false,
            comments: 0,
            group,
            altered: false,
            filed_at: 0,
            edited_at: 0,
            discussed: false,
            rev: 0,
        }
    }

    #[test]
    fn a_group_is_gathered_behind_its_first_member() {
        let rows = vec![
            row("a", Some(0)),
            row("b", None),
            row("c", Some(0)),
            row("d", Some(1)),
            row("e", Some(0)),
        ];
        // Sorted by something else: e, b, a, d, c.
        let items = gather(&[4, 1, 0, 3, 2], &rows);
        let order: Vec<usize> = items.iter().map(|i| i.row).collect();
        assert_eq!(order, [4, 0, 2, 1, 3]);
        let place = items[0].group.expect("grouped");
        assert_eq!((place.size, place.first, place.last), (3, true, false));
        assert!(items[2].group.expect("grouped").last);
        // A group of which one row is shown is no group on the list.
        assert_eq!(items[4].group, None);
        assert_eq!(items[3].group, None);
    }

    #[test]
    fn filtered_out_members_do_not_count_in_the_group() {
        let rows = vec![row("a", Some(0)), row("b", Some(0)), row("c", Some(0))];
        let items = gather(&[0, 2], &rows);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].group.map(|p| p.size), Some(2));
    }

    #[test]
    fn the_window_holds_the_rows_in_view_and_a_margin() {
        assert_eq!(window_of(0.0, 480.0, 3000), 0..(7 + 1 + MARGIN_ROWS));
        let top = 1000.0 * ROW_PX;
        let range = window_of(top, 480.0, 3000);
        assert_eq!(range.start, 1000 - MARGIN_ROWS);
        assert!(range.end - range.start < 30, "{range:?}");
        assert_eq!(window_of(top, 480.0, 10), 10..10);
        assert_eq!(window_of(0.0, 480.0, 0), 0..0);
        assert_eq!(window_of(3000.0 * ROW_PX, 480.0, 3000).end, 3000);
    }

    #[test]
    fn scrolling_to_a_row_moves_only_when_it_is_out_of_view() {
        assert_eq!(scroll_to_show(0, 0.0, 480.0), None);
        assert_eq!(scroll_to_show(10, 0.0, 480.0), Some(11.0 * ROW_PX - 480.0));
        assert_eq!(scroll_to_show(2, 10.0 * ROW_PX, 480.0), Some(2.0 * ROW_PX));
    }

    #[test]
    fn summaries_are_one_short_line() {
        assert_eq!(clip("un\ndeux  trois", 40), "un deux  trois");
        assert_eq!(clip(&"mot ".repeat(40), 10).chars().count(), 10);
        assert!(clip(&"mot ".repeat(40), 10).ends_with('…'));
        let s = &crate::strings::EN;
        let mut r = row("a", None);
        r.passage = "the old words".into();
        r.proposal = Proposal::Replace("new ones".into());
        assert_eq!(summary(s, &r), "“the old words” → “new ones”");
        r.passage = String::new();
        assert_eq!(summary(s, &r), "Insert “new ones”");
        r.passage = "gone".into();
        r.proposal = Proposal::Delete;
        assert_eq!(summary(s, &r), "Delete “gone”");
        assert_eq!(number_label(s, &r), "provisional");
        r.number = Some(12);
        assert_eq!(number_label(s, &r), "A12");
        r.lines = Some((42, 45));
        assert_eq!(lines_label(s, &r), "l. 42-45");
        r.lines = None;
        assert_eq!(lines_label(s, &r), "passage gone");
    }
}

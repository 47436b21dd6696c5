//! The agenda of the meeting under way (issue 13), for the chair: the
//! amendments in the order the assistant proposed (its rules said in one
//! sentence), each with its number (or "provisoire"), lines, author and
//! status; the ones decided, fallen or withdrawn shown as having left the
//! agenda, with the reason ("tombé : remplacé par A3", "retiré en
//! séance", "adopté, pour 12…"). The chair reorders by dragging a row or
//! with its buttons (and Alt+↑ / Alt+↓ on them), puts one on screen,
//! removes one, and adds an open amendment that is not on it.
//!
//! Rows are keyed by what they show: putting another amendment on screen
//! only moves the "à l'écran" mark, and a decision redraws the rows that
//! changed.

use std::collections::{HashMap, HashSet};

use leptos::ev::{DragEvent, KeyboardEvent};
use leptos::prelude::*;
use model::amendments::{AmendError, Status};

use crate::amendment_text::{error_words, lines_label, number_label, status_words};
use crate::components::meeting_amendment::person;
use crate::locale::use_locale;
use crate::meeting_text::{moved, outcome, outcome_words};
use crate::platform::page;
use crate::session::{use_doc_amendments, use_doc_meetings};

/// One agenda row, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Item {
    id: String,
    name: String,
    provisional: bool,
    lines: Option<String>,
    author: String,
    status: Status,
    /// Why it left the agenda (decided, fallen, withdrawn).
    left: Option<String>,
}

/// The agenda of the meeting `meeting` (its id), for its chair.
/// `current` is the amendment on screen.
#[component]
pub fn MeetingAgenda(
    meeting: String,
    agenda: Memo<Vec<String>>,
    current: Memo<Option<String>>,
) -> impl IntoView {
    let meetings = use_doc_meetings();
    let amendments = use_doc_amendments();
    let locale = use_locale();
    let words = move || locale.strings();
    let meeting = StoredValue::new(meeting);
    let problem = RwSignal::new(None::<&'static str>);
    let said = move |result: Result<(), AmendError>| match result {
        Ok(()) => problem.set(None),
        Err(error) => problem.set(Some(error_words(words(), &error))),
    };

    let items = Memo::new(move |_| {
        amendments.revision.track();
        let words = words();
        let overview = amendments.overview();
        let index: HashMap<&str, usize> = overview
            .rows
            .iter()
            .enumerate()
            .map(|(at, row)| (row.id.as_str(), at))
            .collect();
        let mut decisions = None;
        agenda.with(|agenda| {
            agenda
                .iter()
                .map(|id| {
                    let Some(row) = index.get(id.as_str()).map(|&at| &overview.rows[at]) else {
                        return Item {
                            id: id.clone(),
                            name: words.amend_error_not_found.to_owned(),
                            provisional: false,
                            lines: None,
                            author: String::new(),
                            status: Status::Filed,
                            left: None,
                        };
                    };
                    let left = row.status.is_closed().then(|| {
                        let decisions = decisions.get_or_insert_with(|| amendments.decisions());
                        words.meeting_left.replace(
                            "{reason}",
                            &outcome_words(words, &outcome(words, row, decisions)),
                        )
                    });
                    Item {
                        id: id.clone(),
                        name: number_label(words, row.number),
                        provisional: row.number.is_none(),
                        lines: row.lines.map(|lines| lines_label(words, lines)),
                        author: words
                            .amend_by
                            .replace("{name}", &person(words, &row.author_name)),
                        status: row.status,
                        left,
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    let remaining = move || {
        let (left, total) = items.with(|items| {
            (
                items.iter().filter(|item| item.left.is_none()).count(),
                items.len(),
            )
        });
        words()
            .meeting_agenda_counts
            .replace("{left}", &left.to_string())
            .replace("{total}", &total.to_string())
    };

    let set =
        move |order: Vec<String>| said(meeting.with_value(|id| meetings.set_agenda(id, &order)));
    // Move `id` by `by` places; focus comes back to the button `focus`.
    let shift = move |id: &str, by: isize, focus: &'static str| {
        let order = agenda.get_untracked();
        let Some(from) = order.iter().position(|other| other == id) else {
            return;
        };
        let to = from as isize + by;
        if to < 0 || to as usize >= order.len() {
            return;
        }
        set(moved(&order, from, to as usize));
        let target = format!("meeting-{focus}-{id}");
        request_animation_frame(move || page::focus_id(&target));
    };
    let dragging = RwSignal::new(None::<String>);

    // Which row is on screen: a selector, so putting another amendment on
    // screen wakes the two rows concerned, not every row of the agenda.
    let screen = StoredValue::new(Selector::new(move || current.get()));
    let row = move |item: Item| {
        let id = StoredValue::new(item.id.clone());
        let key = Some(item.id.clone());
        let on_screen = move || screen.with_value(|screen| screen.selected(&key));
        let mark_hidden = {
            let on_screen = on_screen.clone();
            move || !on_screen()
        };
        let name = item.name.clone();
        let label = move |template: &'static str| template.replace("{n}", &name);
        let (show, up, down, remove) = {
            let w = words();
            (
                label(w.meeting_show),
                label(w.meeting_move_up),
                label(w.meeting_move_down),
                label(w.meeting_remove),
            )
        };
        let keys = move |ev: KeyboardEvent| {
            if !ev.alt_key() {
                return;
            }
            let (by, focus) = match ev.key().as_str() {
                "ArrowUp" => (-1, "up"),
                "ArrowDown" => (1, "down"),
                _ => return,
            };
            ev.prevent_default();
            id.with_value(|id| shift(id, by, focus));
        };
        view! {
            <li
                class="agenda-item"
                id=format!("meeting-item-{}", item.id)
                data-id=item.id.clone()
                data-status=item.status.name()
                data-left=item.left.is_some().to_string()
                class:on-screen=on_screen
                draggable="true"
                on:dragstart=move |ev: DragEvent| {
                    if let Some(data) = ev.data_transfer() {
                        let _ = data.set_data("text/plain", &id.get_value());
                    }
                    dragging.set(Some(id.get_value()));
                }
                on:dragover=move |ev: DragEvent| ev.prevent_default()
                on:drop=move |ev: DragEvent| {
                    ev.prevent_default();
                    let Some(from) = dragging.get_untracked() else { return };
                    dragging.set(None);
                    let order = agenda.get_untracked();
                    let here = id.get_value();
                    let (Some(a), Some(b)) = (
                        order.iter().position(|other| *other == from),
                        order.iter().position(|other| *other == here),
                    ) else {
                        return;
                    };
                    if a != b {
                        set(moved(&order, a, b));
                    }
                }
                on:dragend=move |_| dragging.set(None)
                on:keydown=keys
            >
                <span class="agenda-number" data-provisional=item.provisional.to_string()>{item.name.clone()}</span>
                {item.lines.clone().map(|lines| view! { <span class="agenda-lines">{lines}</span> })}
                <span class="agenda-author">{item.author.clone()}</span>
                <span class="agenda-status" data-status=item.status.name()>{status_words(words(), item.status)}</span>
                <span class="agenda-on-screen" hidden=mark_hidden>{move || words().meeting_on_screen_mark}</span>
                {item.left.clone().map(|left| view! { <span class="agenda-left">{left}</span> })}
                <span class="agenda-actions">
                    <button
                        type="button"
                        class="agenda-show"
                        id=format!("meeting-show-{}", item.id)
                        aria-label=show.clone()
                        title=show
                        on:click=move |_| said(meeting.with_value(|m| id.with_value(|id| meetings.show(m, Some(id)))))
                    >
                        "▶"
                    </button>
                    <button
                        type="button"
                        class="agenda-up"
                        id=format!("meeting-up-{}", item.id)
                        aria-label=up.clone()
                        title=up
                        on:click=move |_| id.with_value(|id| shift(id, -1, "up"))
                    >
                        "↑"
                    </button>
                    <button
                        type="button"
                        class="agenda-down"
                        id=format!("meeting-down-{}", item.id)
                        aria-label=down.clone()
                        title=down
                        on:click=move |_| id.with_value(|id| shift(id, 1, "down"))
                    >
                        "↓"
                    </button>
                    <button
                        type="button"
                        class="agenda-remove"
                        aria-label=remove.clone()
                        title=remove
                        on:click=move |_| {
                            let here = id.get_value();
                            let order: Vec<String> = agenda
                                .get_untracked()
                                .into_iter()
                                .filter(|other| *other != here)
                                .collect();
                            set(order);
                            page::focus_id("meeting-agenda-heading");
                        }
                    >
                        "✕"
                    </button>
                </span>
            </li>
        }
    };

    // Open amendments not on the agenda, to add.
    let addable = Memo::new(move |_| {
        amendments.revision.track();
        let words = words();
        let overview = amendments.overview();
        agenda.with(|agenda| {
            let on: HashSet<&str> = agenda.iter().map(String::as_str).collect();
            overview
                .rows
                .iter()
                .filter(|row| row.is_open() && !on.contains(row.id.as_str()))
                .map(|row| {
                    let lines = row
                        .lines
                        .map(|lines| format!(" — {}", lines_label(words, lines)))
                        .unwrap_or_default();
                    (
                        row.id.clone(),
                        format!("{}{lines}", number_label(words, row.number)),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let picked = RwSignal::new(String::new());
    let add = move |_| {
        let choice = picked.get_untracked();
        let choice = if choice.is_empty() {
            addable.with_untracked(|list| list.first().map(|(id, _)| id.clone()))
        } else {
            Some(choice)
        };
        let Some(choice) = choice else { return };
        let mut order = agenda.get_untracked();
        if !order.contains(&choice) {
            order.push(choice);
            set(order);
        }
        picked.set(String::new());
    };
    let add_form = move || {
        let list = addable.get();
        (!list.is_empty()).then(|| {
            view! {
                <p class="agenda-add">
                    <label for="meeting-add-select">{move || words().meeting_add_label}</label>
                    <select
                        id="meeting-add-select"
                        on:change=move |ev| picked.set(event_target_value(&ev))
                    >
                        {list
                            .into_iter()
                            .map(|(id, label)| view! { <option value=id>{label}</option> })
                            .collect_view()}
                    </select>
                    <button type="button" id="meeting-add" on:click=add>
                        {move || words().meeting_add_submit}
                    </button>
                </p>
            }
        })
    };

    view! {
        <section class="meeting-agenda" aria-labelledby="meeting-agenda-heading">
            <h3 id="meeting-agenda-heading" tabindex="-1">{move || words().meeting_agenda_heading}</h3>
            <p class="meeting-hint">{move || words().meeting_agenda_rules}</p>
            <p class="meeting-hint">{move || words().meeting_agenda_keys}</p>
            <p class="meeting-agenda-counts" id="meeting-agenda-counts">{remaining}</p>
            <p class="meeting-problem" role="alert" hidden=move || problem.with(Option::is_none)>
                {move || problem.get()}
            </p>
            {move || {
                items
                    .with(Vec::is_empty)
                    .then(|| view! { <p class="meeting-empty">{words().meeting_agenda_empty}</p> })
            }}
            <ol id="meeting-agenda" class="agenda">
                <For each=move || items.get() key=|item| item.clone() children=row />
            </ol>
            {add_form}
        </section>
    }
}

//! The workspace's search, as the person types: the titles of every
//! entry (the index has them all), and the full text of the documents
//! this browser has a copy of ([`model::workspace::search::FullText`],
//! built in the page from [`crate::workspace_local`]). The results say
//! how many documents the full text covered: the others were never
//! opened here, and nothing of them is on this machine to search.

use std::rc::Rc;

use leptos::prelude::*;
use model::workspace::search::FullText;
use model::workspace::{self, Entry};

use crate::components::workspace_entry::kind_label;
use crate::components::workspace_page::use_workspace_view;
use crate::locale::use_locale;
use crate::session::workspace::use_doc_workspace;

/// How many results of each kind are shown.
const SHOWN: usize = 30;

#[component]
pub fn WorkspaceSearch() -> impl IntoView {
    let locale = use_locale();
    let ws = use_doc_workspace();
    let view_state = use_workspace_view();
    let query = RwSignal::new(String::new());
    // The index of full text, built again when the copies change; the
    // signal says how many documents it holds.
    let full = StoredValue::new_local(Rc::new(FullText::default()));
    let indexed = RwSignal::new(0usize);
    Effect::new(move |_| {
        let copies = view_state.copies.get();
        let mut built = FullText::default();
        for (room, copy) in &copies.by_room {
            built.insert(room, &copy.title, &copy.text);
        }
        full.set_value(Rc::new(built));
        indexed.set(copies.by_room.len());
    });
    let titles = move || {
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        let index = ws.workspace();
        workspace::search_titles(&index, &q, view_state.sort.get())
            .into_iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<Entry>>()
    };
    let hits = move || {
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        indexed.track();
        let full = full.get_value();
        let entries = ws.workspace().entries;
        full.query(&q)
            .into_iter()
            .take(SHOWN)
            .filter_map(|hit| {
                let entry = entries.iter().find(|e| e.room == hit.room)?.clone();
                Some((entry, hit.snippet.clone()))
            })
            .collect::<Vec<_>>()
    };
    let link_of = move |entry: &Entry| {
        protocol::keybox::hand_on(
            &ws.link(),
            &entry.room,
            &entry.view,
            entry.sealed.as_deref(),
        )
        .ok()
        .map(|link| format!("#{}", link.fragment()))
        .unwrap_or_default()
    };
    let shown_title = move |entry: &Entry| {
        let seen = view_state
            .copies
            .with_untracked(|c| c.by_room.get(&entry.room).map(|c| c.title.clone()))
            .filter(|t| !t.trim().is_empty());
        let title = seen.unwrap_or_else(|| entry.title.clone());
        if title.trim().is_empty() {
            locale.strings().title_placeholder.to_owned()
        } else {
            title
        }
    };
    let title_results = move || {
        let found = titles();
        let w = locale.strings().ws;
        let items = found
            .iter()
            .map(|entry| {
                let (icon, word) = kind_label(entry.kind, w);
                view! {
                    <li data-room=entry.room.clone()>
                        <span aria-hidden="true">{icon}" "</span>
                        <span class="visually-hidden">{word}" "</span>
                        <a href=link_of(entry)>{shown_title(entry)}</a>
                    </li>
                }
            })
            .collect_view();
        let count = found.len();
        view! {
            <h3>{w.title_results}" (" {count} ")"</h3>
            <ul id="ws-title-results">{items}</ul>
        }
    };
    let text_results = move || {
        let found = hits();
        let w = locale.strings().ws;
        indexed.track();
        let entries = ws.workspace().entries;
        let total = entries.len();
        let searched = view_state.copies.with_untracked(|c| {
            entries
                .iter()
                .filter(|e| c.by_room.contains_key(&e.room))
                .count()
        });
        let items = found
            .iter()
            .map(|(entry, snippet)| {
                view! {
                    <li data-room=entry.room.clone()>
                        <a href=link_of(entry)>{shown_title(entry)}</a>
                        <p class="ws-snippet">{snippet.clone()}</p>
                    </li>
                }
            })
            .collect_view();
        let count = found.len();
        view! {
            <h3>{w.text_results}" (" {count} ")"</h3>
            <p id="ws-searched" class="hint" data-searched=searched data-total=total>
                {w.searched(searched, total)}
            </p>
            <ul id="ws-text-results">{items}</ul>
        }
    };
    view! {
        <div role="search" class="ws-search">
            <label for="ws-search">{move || locale.strings().ws.search_label}</label>
            <input
                id="ws-search"
                type="search"
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <Show when=move || !query.get().trim().is_empty()>
                <div id="ws-search-results" class="ws-search-results" aria-live="polite">
                    {title_results}
                    {text_results}
                </div>
            </Show>
        </div>
    }
}

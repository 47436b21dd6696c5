//! The workspace page: what a document of kind `workspace` shows instead
//! of the editor. Its index ([`crate::session::workspace`]) lists the
//! group's documents: pinned ones first, then those at the top level,
//! then one section per folder, sorted by recent activity or by title.
//!
//! An editor (the workspace's edit link) adds, creates, moves, pins and
//! removes entries; everyone else reads and opens them, with the link
//! [`protocol::keybox::hand_on`] gives their own link.
//!
//! What this browser has of the documents (their saved copies,
//! [`crate::workspace_local`]) is read once the page opens: it gives the
//! titles last seen here (an editor's page writes a changed one into the
//! index), the full text search and the export.

use std::collections::HashMap;

use leptos::prelude::*;
use model::workspace::{self, Entry, Folder, Sort};

use crate::components::workspace_actions::WorkspaceActions;
use crate::components::workspace_entry::EntryRow;
use crate::components::workspace_import::{WorkspaceExport, WorkspaceImport};
use crate::components::workspace_leave::LeaveWorkspace;
use crate::components::workspace_search::WorkspaceSearch;
use crate::locale::use_locale;
use crate::session::workspace::use_doc_workspace;
use crate::workspace_local::{load_copies, Copies};

/// What the page shares with its parts: the copies read here, and the
/// sort chosen.
#[derive(Clone, Copy)]
pub struct WorkspaceView {
    pub copies: RwSignal<Copies>,
    pub sort: RwSignal<Sort>,
    /// The entry whose removal is being confirmed.
    pub confirming: RwSignal<Option<String>>,
}

pub fn use_workspace_view() -> WorkspaceView {
    use_context().expect("the workspace page provides its WorkspaceView")
}

#[component]
pub fn WorkspacePage() -> impl IntoView {
    let locale = use_locale();
    let ws = use_doc_workspace();
    let view_state = WorkspaceView {
        copies: RwSignal::new(Copies::default()),
        sort: RwSignal::new(Sort::Recent),
        confirming: RwSignal::new(None),
    };
    provide_context(view_state);

    // Read this browser's copies of the listed documents once the index
    // is loaded, and again when entries are added.
    let rooms = Memo::new(move |_| {
        if !ws.ready() {
            return Vec::new();
        }
        let mut rooms: Vec<String> = ws
            .workspace()
            .entries
            .iter()
            .map(|e| e.room.clone())
            .collect();
        rooms.sort();
        rooms
    });
    // Each room is looked for once per visit: a room added later (an
    // import, a new document) is read then.
    let asked = StoredValue::new_local(std::collections::HashSet::<String>::new());
    Effect::new(move |_| {
        let rooms: Vec<String> = rooms
            .get()
            .into_iter()
            .filter(|room| asked.with_value(|a| !a.contains(room)))
            .collect();
        if rooms.is_empty() {
            if ws.ready() {
                view_state.copies.update(|c| c.done = true);
            }
            return;
        }
        asked.update_value(|a| a.extend(rooms.iter().cloned()));
        let copies = view_state.copies;
        copies.update(|c| c.done = false);
        leptos::task::spawn_local(async move {
            let merge = |partial: &Copies, done: bool| {
                copies.try_update(|c| {
                    for (room, copy) in &partial.by_room {
                        c.by_room.insert(room.clone(), copy.clone());
                    }
                    c.done = done;
                });
            };
            let read = load_copies(rooms, |partial| merge(partial, false)).await;
            merge(&read, true);
        });
    });

    // Titles kept up to date: a document this browser opened whose title
    // changed is written into its entry, by an editor's page.
    Effect::new(move |_| {
        if !ws.can_edit() {
            return;
        }
        let copies = view_state.copies.get();
        if !copies.done {
            return;
        }
        let now = js_sys::Date::now() as i64;
        for entry in ws.workspace_untracked().entries {
            if let Some(copy) = copies.by_room.get(&entry.room) {
                if !copy.title.is_empty() && copy.title != entry.title {
                    ws.set_title(&entry.id, &copy.title, now);
                }
            }
        }
    });

    // The start page lists the workspaces this browser opened: this one
    // is remembered (again when its name or emblem changes).
    let identity = Memo::new(move |_| {
        let index = ws.workspace();
        (ws.ready() && ws.is_workspace()).then_some((index.name, index.emblem))
    });
    Effect::new(move |_| {
        let Some((name, emblem)) = identity.get() else {
            return;
        };
        let known = crate::store::KnownWorkspace {
            room: ws.room(),
            name,
            emblem,
            fragment: ws.link().fragment(),
            opened: js_sys::Date::now() as u64,
        };
        leptos::task::spawn_local(async move {
            let _ = crate::store::remember_workspace(known).await;
        });
    });

    let sort_choice = move |sort: Sort, label: &'static str, id: &'static str| {
        view! {
            <label class="ws-sort-choice">
                <input
                    type="radio"
                    name="ws-sort"
                    id=id
                    prop:checked=move || view_state.sort.get() == sort
                    on:change=move |_| view_state.sort.set(sort)
                />
                {label}
            </label>
        }
    };

    let emblem = move || ws.workspace().emblem;
    view! {
        <div id="workspace" class="workspace" data-can-edit=move || ws.can_edit().to_string()>
            <div class="ws-identity">
                <span class="ws-emblem" aria-hidden="true" style=move || emblem_style(&emblem())>
                    {move || emblem_text(&emblem())}
                </span>
                <p class="ws-kind">{move || locale.strings().ws.page_kind}</p>
            </div>
            <WorkspaceSearch />
            <Show when=move || ws.can_edit()>
                <WorkspaceActions />
                <WorkspaceImport />
            </Show>
            <div class="ws-list-head">
                <h2 id="ws-entries-heading" tabindex="-1">
                    {move || locale.strings().ws.entries_heading}
                </h2>
                <fieldset class="ws-sort">
                    <legend>{move || locale.strings().ws.sort_label}</legend>
                    {move || {
                        let w = locale.strings().ws;
                        view! {
                            {sort_choice(Sort::Recent, w.sort_recent, "ws-sort-recent")}
                            {sort_choice(Sort::Title, w.sort_title, "ws-sort-title")}
                        }
                    }}
                </fieldset>
            </div>
            <Refused />
            <EntryList />
            <WorkspaceExport />
            // -- helper revoke: the members panel
            // (components/workspace_members.rs) mounts here. --
            <div id="ws-members-slot" class="ws-members-slot"></div>
            <LeaveWorkspace />
        </div>
    }
}

/// An emblem that is a colour (`#rrggbb`) is drawn as a swatch.
fn is_colour(emblem: &str) -> bool {
    emblem.len() == 7
        && emblem.starts_with('#')
        && emblem[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

pub fn emblem_style(emblem: &str) -> String {
    if is_colour(emblem) {
        format!("background:{emblem}")
    } else {
        String::new()
    }
}

/// The emblem's text: an emoji as it is (at most a few characters: a
/// co-member may write anything), nothing for a colour.
pub fn emblem_text(emblem: &str) -> String {
    if is_colour(emblem) {
        return String::new();
    }
    emblem.chars().take(8).collect()
}

/// The entries in the order shown: pinned first, then the rest, each
/// sorted as chosen ([`workspace::sorted`]).
pub fn ordered(entries: &[Entry], sort: Sort) -> Vec<Entry> {
    workspace::sorted(entries, sort)
        .into_iter()
        .cloned()
        .collect()
}

/// The entries grouped as shown: the top level (pinned first), then each
/// folder. An entry whose folder is not in the index is at the top level.
fn grouped(
    entries: &[Entry],
    folders: &[Folder],
    sort: Sort,
) -> (Vec<Entry>, Vec<(Folder, Vec<Entry>)>) {
    let ordered = ordered(entries, sort);
    let known: HashMap<&str, usize> = folders
        .iter()
        .enumerate()
        .map(|(i, f)| (f.id.as_str(), i))
        .collect();
    let mut top = Vec::new();
    let mut inside: Vec<Vec<Entry>> = vec![Vec::new(); folders.len()];
    for entry in ordered {
        match known.get(entry.folder.as_str()) {
            Some(&i) => inside[i].push(entry),
            None => top.push(entry),
        }
    }
    let mut folders: Vec<(Folder, Vec<Entry>)> = folders.iter().cloned().zip(inside).collect();
    folders.sort_by_cached_key(|f| f.0.name.to_lowercase());
    (top, folders)
}

#[component]
fn EntryList() -> impl IntoView {
    let locale = use_locale();
    let ws = use_doc_workspace();
    let view_state = use_workspace_view();
    let groups = Memo::new(move |_| {
        let index = ws.workspace();
        grouped(&index.entries, &index.folders, view_state.sort.get())
    });
    let top = move || {
        groups
            .get()
            .0
            .into_iter()
            .map(|entry| view! { <EntryRow entry /> })
            .collect_view()
    };
    let folders = move || {
        groups
            .get()
            .1
            .into_iter()
            .map(|(folder, entries)| view! { <FolderSection folder entries /> })
            .collect_view()
    };
    let empty = move || {
        let index = ws.workspace();
        (ws.ready() && index.entries.is_empty()).then(|| {
            view! { <p class="ws-empty" id="ws-empty">{move || locale.strings().ws.empty}</p> }
        })
    };
    view! {
        {empty}
        <ul id="ws-entries" class="ws-entries" aria-labelledby="ws-entries-heading">
            {top}
        </ul>
        <div id="ws-folders">{folders}</div>
    }
}

#[component]
fn FolderSection(folder: Folder, entries: Vec<Entry>) -> impl IntoView {
    let locale = use_locale();
    let ws = use_doc_workspace();
    let renaming = RwSignal::new(false);
    let name = RwSignal::new(folder.name.clone());
    let id = folder.id.clone();
    let heading_id = format!("ws-folder-{}", short_id(&id));
    let rename = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let new = name.get_untracked();
            if !new.trim().is_empty() {
                ws.rename_folder(&id, new.trim());
            }
            renaming.set(false);
        }
    };
    let remove = {
        let id = id.clone();
        move |_| {
            ws.remove_folder(&id);
        }
    };
    let count = entries.len();
    let rows = entries
        .into_iter()
        .map(|entry| view! { <EntryRow entry /> })
        .collect_view();
    let shown_name = folder.name.clone();
    let label_name = folder.name.clone();
    view! {
        <section class="ws-folder" data-folder=id.clone() aria-labelledby=heading_id.clone()>
            <div class="ws-folder-head">
                <h3 id=heading_id.clone()>
                    <span aria-hidden="true">"📁 "</span>
                    {shown_name}
                    <small class="ws-count">" (" {count} ")"</small>
                </h3>
                <Show when=move || ws.can_edit() && !renaming.get()>
                    <button type="button" class="ws-folder-rename" on:click=move |_| renaming.set(true)>
                        {move || locale.strings().ws.folder_rename}
                    </button>
                    <button
                        type="button"
                        class="ws-folder-remove"
                        title=move || locale.strings().ws.folder_remove_hint
                        on:click=remove.clone()
                    >
                        {move || locale.strings().ws.folder_remove}
                    </button>
                </Show>
            </div>
            <Show when=move || renaming.get()>
                <form class="ws-folder-form row" on:submit=rename.clone()>
                    <label>
                        <span class="visually-hidden">{let n = label_name.clone(); move || format!("{} {}", locale.strings().ws.folder_rename, n)}</span>
                        <input
                            type="text"
                            class="ws-folder-name"
                            maxlength="200"
                            autofocus
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))
                        />
                    </label>
                    <button type="submit">{move || locale.strings().ws.folder_save}</button>
                </form>
            </Show>
            <ul class="ws-entries">{rows}</ul>
        </section>
    }
}

/// A short, id-safe form of an id a co-member wrote (anything).
pub fn short_id(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(24)
        .collect()
}

/// What the index held that the page does not show: entries that do not
/// read (a hostile or newer co-member's), and second entries of a
/// document already listed (an editor removes them here).
#[component]
fn Refused() -> impl IntoView {
    let locale = use_locale();
    let ws = use_doc_workspace();
    let counts = Memo::new(move |_| {
        let index = ws.workspace();
        (index.refused, index.duplicates)
    });
    let remove_duplicates = move |_| {
        for id in counts.get_untracked().1 {
            ws.remove(&id);
        }
    };
    move || {
        let (refused, duplicates) = counts.get();
        let w = locale.strings().ws;
        let refused = (refused > 0).then(|| {
            view! { <p id="ws-refused" class="warning" role="status">{w.refused(refused)}</p> }
        });
        let duplicates = (!duplicates.is_empty()).then(|| {
            let count = duplicates.len();
            view! {
                <p id="ws-duplicates" class="warning" role="status">
                    {w.duplicates(count)}
                    " "
                    {ws.can_edit().then(|| view! {
                        <button type="button" id="ws-remove-duplicates" on:click=remove_duplicates>
                            {w.remove_duplicates}
                        </button>
                    })}
                </p>
            }
        });
        view! { {refused} {duplicates} }
    }
}

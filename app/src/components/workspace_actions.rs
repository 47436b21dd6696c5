//! What an editor of a workspace adds to it: a new text, argument map or
//! meeting (a text whose page opens the meeting panel) made inside it, a
//! document that exists already (its pasted link: the link itself is
//! sealed for the workspace's editors, its view link kept for everyone
//! else), and folders.
//!
//! A new document gets a fresh edit secret, its entry is written, then
//! the page goes to the document (which creates it at the relay, as the
//! home page's buttons do).

use leptos::prelude::*;
use model::workspace::{EntryKind, Level, NewEntry};
use protocol::{EditSecret, Link, Role};

use crate::locale::use_locale;
use crate::platform::page;
use crate::session::workspace::{use_doc_workspace, will_be_meeting, DocWorkspace};

/// Add the document `link` to the workspace (its strongest link sealed
/// with the workspace's edit secret, its view link in the clear), as
/// `kind`, titled `title`; the entry's id. `None` for a link that does
/// not write the workspace, or a change that did not apply.
pub fn add_link(ws: &DocWorkspace, link: &Link, kind: EntryKind, title: &str) -> Option<String> {
    let Link::Edit(ws_edit) = ws.link() else {
        return None;
    };
    let room = link.keys().room().to_string();
    let sealed = protocol::keybox::seal_link(&ws_edit, &room, &link.fragment());
    let view = link.to_view().fragment();
    let level = match link.role() {
        Role::Edit => Level::Edit,
        Role::Amend => Level::Amend,
        Role::View => Level::View,
    };
    ws.add(&NewEntry {
        room: &room,
        kind: Some(kind),
        title,
        folder: "",
        view: &view,
        sealed: Some(&sealed),
        level: Some(level),
        added_by: "",
        time: js_sys::Date::now() as i64,
    })
}

#[component]
pub fn WorkspaceActions() -> impl IntoView {
    let locale = use_locale();
    let ws = use_doc_workspace();
    let create = move |kind: EntryKind| {
        let link = Link::Edit(EditSecret::generate());
        let room = link.keys().room().to_string();
        if add_link(&ws, &link, kind, "").is_none() {
            return;
        }
        match kind {
            EntryKind::Arguments => crate::session::arguments::will_be_map(&room),
            EntryKind::Meeting => will_be_meeting(&room),
            EntryKind::Text => {}
        }
        page::set_hash(&link.fragment());
    };

    let pasted = RwSignal::new(String::new());
    let add_error = RwSignal::new(None::<String>);
    let added = RwSignal::new(false);
    let add_existing = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        added.set(false);
        let w = locale.strings().ws;
        let text = pasted.get_untracked();
        let link = match Link::parse(&text) {
            Ok(link) => link,
            Err(error) => {
                add_error.set(Some(locale.strings().link_error(&error).to_owned()));
                return;
            }
        };
        let room = link.keys().room().to_string();
        if room == ws.room() {
            add_error.set(Some(w.add_self.to_owned()));
            return;
        }
        if ws
            .workspace_untracked()
            .entries
            .iter()
            .any(|e| e.room == room)
        {
            add_error.set(Some(w.add_twice.to_owned()));
            return;
        }
        // What this browser knows of it already (its kind, its title),
        // from its saved copy; a document never opened here is listed as
        // a text until it is.
        leptos::task::spawn_local(async move {
            let copy = match crate::store::load_doc(&room).await {
                Ok(Some(saved)) => crate::workspace_local::read_copy(&saved.state),
                _ => None,
            };
            let kind = match copy.as_ref().and_then(|c| c.kind) {
                Some(model::DocKind::Arguments) => EntryKind::Arguments,
                _ => EntryKind::Text,
            };
            let title = copy.map(|c| c.title).unwrap_or_default();
            if add_link(&ws, &link, kind, &title).is_some() {
                add_error.set(None);
                pasted.set(String::new());
                added.set(true);
            } else {
                add_error.set(Some(w.add_failed.to_owned()));
            }
        });
    };

    let folder_name = RwSignal::new(String::new());
    let add_folder = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = folder_name.get_untracked();
        if name.trim().is_empty() {
            return;
        }
        if ws.add_folder(name.trim()).is_some() {
            folder_name.set(String::new());
        }
    };

    view! {
        <section class="ws-actions" aria-labelledby="ws-actions-heading">
            <h2 id="ws-actions-heading" class="visually-hidden">{move || locale.strings().ws.actions_heading}</h2>
            <div class="row ws-new">
                <button type="button" id="ws-new-text" class="primary" on:click=move |_| create(EntryKind::Text)>
                    {move || locale.strings().ws.new_text}
                </button>
                <button type="button" id="ws-new-map" on:click=move |_| create(EntryKind::Arguments)>
                    {move || locale.strings().ws.new_map}
                </button>
                <button type="button" id="ws-new-meeting" on:click=move |_| create(EntryKind::Meeting)>
                    {move || locale.strings().ws.new_meeting}
                </button>
            </div>
            <form class="ws-add-link" on:submit=add_existing>
                <label for="ws-add-link">{move || locale.strings().ws.add_existing}</label>
                <div class="row">
                    <input
                        id="ws-add-link"
                        type="text"
                        spellcheck="false"
                        autocomplete="off"
                        aria-describedby="ws-add-link-hint ws-add-link-error"
                        prop:value=move || pasted.get()
                        on:input=move |ev| pasted.set(event_target_value(&ev))
                    />
                    <button type="submit" id="ws-add-link-button">{move || locale.strings().ws.add_button}</button>
                </div>
                <small id="ws-add-link-hint">{move || locale.strings().ws.add_existing_hint}</small>
                <p id="ws-add-link-error" class="error" role="alert">{move || add_error.get()}</p>
                <p class="notice" role="status">
                    {move || added.get().then(|| locale.strings().ws.added)}
                </p>
            </form>
            <form class="ws-new-folder row" on:submit=add_folder>
                <label for="ws-new-folder">{move || locale.strings().ws.new_folder}</label>
                <input
                    id="ws-new-folder"
                    type="text"
                    maxlength="200"
                    prop:value=move || folder_name.get()
                    on:input=move |ev| folder_name.set(event_target_value(&ev))
                />
                <button type="submit" id="ws-new-folder-button">{move || locale.strings().ws.new_folder_button}</button>
            </form>
        </section>
    }
}

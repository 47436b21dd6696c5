//! One entry of the workspace page: its kind (an icon and a word), its
//! title (the index's, and the one last seen in this browser when they
//! differ), its folder, and a link that opens it at the level this
//! person's workspace link hands on ([`protocol::keybox::hand_on`]: the
//! strongest link for an editor of the workspace, the view link for
//! everyone else).
//!
//! An editor also pins it, moves it to a folder (a `<select>`, so the
//! keyboard does it too) and removes it, after a confirmation that says
//! the document itself is not deleted.

use leptos::prelude::*;
use model::workspace::{Entry, EntryKind};

use crate::components::workspace_page::{short_id, use_workspace_view};
use crate::locale::use_locale;
use crate::platform::page;
use crate::session::workspace::use_doc_workspace;
use crate::strings::WorkspaceStrings;

/// The kind's icon and word.
pub fn kind_label(kind: EntryKind, w: &'static WorkspaceStrings) -> (&'static str, &'static str) {
    match kind {
        EntryKind::Arguments => ("🗺️", w.kind_arguments),
        EntryKind::Meeting => ("🗓️", w.kind_meeting),
        EntryKind::Text => ("📄", w.kind_text),
    }
}

/// When the entry last moved, in the page's language.
fn when(ms: i64, lang: &str) -> String {
    if ms <= 0 {
        return String::new();
    }
    let date = js_sys::Date::new(&(ms as f64).into());
    let options = js_sys::Object::new();
    for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_string(lang, &options).into()
}

#[component]
pub fn EntryRow(entry: Entry) -> impl IntoView {
    let locale = use_locale();
    let ws = use_doc_workspace();
    let view_state = use_workspace_view();
    let id = entry.id.clone();
    let dom_id = short_id(&id);
    let kind = entry.kind;
    let href = protocol::keybox::hand_on(
        &ws.link(),
        &entry.room,
        &entry.view,
        entry.sealed.as_deref(),
    )
    .ok()
    .map(|link| format!("#{}", link.fragment()));
    let room = entry.room.clone();
    let seen = {
        let room = room.clone();
        Memo::new(move |_| {
            view_state
                .copies
                .with(|c| c.by_room.get(&room).map(|copy| copy.title.clone()))
        })
    };
    let index_title = entry.title.clone();
    let title = {
        let index_title = index_title.clone();
        move || {
            let seen = seen.get().filter(|t| !t.trim().is_empty());
            let title = seen.unwrap_or_else(|| index_title.clone());
            if title.trim().is_empty() {
                locale.strings().title_placeholder.to_owned()
            } else {
                title
            }
        }
    };
    let seen_note = {
        let index_title = index_title.clone();
        move || {
            let seen = seen.get().filter(|t| !t.trim().is_empty())?;
            (seen != index_title && !index_title.trim().is_empty()).then(|| {
                view! {
                    <small class="ws-seen">
                        {move || locale.strings().ws.index_title}
                        " "
                        {index_title.clone()}
                    </small>
                }
            })
        }
    };
    let opened_here = {
        let room = room.clone();
        move || view_state.copies.with(|c| c.by_room.contains_key(&room))
    };
    let label = move || kind_label(kind, locale.strings().ws);
    let folder_select_id = format!("ws-move-{dom_id}");
    let pinned = entry.pinned;
    // The list is drawn again after a change: the keyboard's focus goes
    // back to the control that made it, unless the person moved it
    // meanwhile (a Tab to the next control right after choosing a
    // folder went back to the folder's select, and the Enter after it
    // was lost: a CI run of the phone test).
    let pin_id = format!("ws-pin-{dom_id}");
    let pin = {
        let id = id.clone();
        let pin_id = pin_id.clone();
        move |_| {
            ws.pin(&id, !pinned);
            let pin_id = pin_id.clone();
            request_animation_frame(move || page::restore_focus(&pin_id));
        }
    };
    let folder = entry.folder.clone();
    let move_to = {
        let id = id.clone();
        let select_id = folder_select_id.clone();
        move |ev: leptos::ev::Event| {
            ws.move_to(&id, &event_target_value(&ev));
            let select_id = select_id.clone();
            request_animation_frame(move || page::restore_focus(&select_id));
        }
    };
    let folders = move || {
        let chosen = folder.clone();
        let none = locale.strings().ws.no_folder;
        let mut options = vec![(String::new(), none.to_owned(), chosen.is_empty())];
        for f in ws.workspace().folders {
            let selected = f.id == chosen;
            options.push((f.id, f.name, selected));
        }
        options
            .into_iter()
            .map(|(value, name, selected)| view! { <option value=value selected=selected>{name}</option> })
            .collect_view()
    };
    let is_confirming = {
        let id = id.clone();
        Memo::new(move |_| {
            view_state
                .confirming
                .with(|c| c.as_deref() == Some(id.as_str()))
        })
    };
    let remove_id = format!("ws-remove-{dom_id}");
    let ask = {
        let id = id.clone();
        move |_| {
            view_state.confirming.set(Some(id.clone()));
            request_animation_frame(|| page::focus_id("ws-remove-confirm"));
        }
    };
    let cancel = {
        let remove_id = remove_id.clone();
        move || {
            view_state.confirming.set(None);
            let remove_id = remove_id.clone();
            request_animation_frame(move || page::restore_focus(&remove_id));
        }
    };
    let confirm = {
        let id = id.clone();
        move |_| {
            ws.remove(&id);
            view_state.confirming.set(None);
            request_animation_frame(|| page::restore_focus("ws-entries-heading"));
        }
    };
    let confirmation = move || {
        is_confirming.get().then(|| {
            let cancel_key = cancel.clone();
            let cancel_click = cancel.clone();
            view! {
                <div
                    class="forget-confirm ws-remove-confirm"
                    role="group"
                    on:keydown=move |ev: leptos::web_sys::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            ev.prevent_default();
                            cancel_key();
                        }
                    }
                >
                    <p>{move || locale.strings().ws.remove_text}</p>
                    <div class="row">
                        <button type="button" id="ws-remove-confirm" class="danger" on:click=confirm.clone()>
                            {move || locale.strings().ws.remove_confirm}
                        </button>
                        <button type="button" on:click=move |_| cancel_click()>
                            {move || locale.strings().forget_cancel}
                        </button>
                    </div>
                </div>
            }
        })
    };
    let activity = entry.activity;
    let title_for_label = title.clone();
    let link = match href {
        Some(href) => view! { <a class="ws-open" href=href>{title.clone()}</a> }.into_any(),
        None => view! {
            <span class="ws-open ws-unreadable">
                {title.clone()}
                " "
                <small>{move || locale.strings().ws.link_unreadable}</small>
            </span>
        }
        .into_any(),
    };
    view! {
        <li
            class="ws-entry"
            data-entry=id.clone()
            data-room=room.clone()
            data-kind=kind.name()
            data-pinned=pinned.to_string()
        >
            <div class="ws-entry-line">
                <span class="ws-kind-label" data-kind=kind.name()>
                    <span aria-hidden="true">{move || label().0}</span>
                    " "
                    <span class="ws-kind-word">{move || label().1}</span>
                </span>
                {pinned.then(|| view! { <span class="ws-pinned" title=move || locale.strings().ws.pinned>"📌"<span class="visually-hidden">{move || locale.strings().ws.pinned}</span></span> })}
                {link}
                {seen_note}
                <small class="ws-activity">{move || when(activity, locale.lang().tag())}</small>
                <small class="ws-here">
                    {move || if opened_here() { locale.strings().ws.opened_here } else { "" }}
                </small>
            </div>
            <Show when=move || ws.can_edit()>
                <div class="ws-entry-tools row">
                    <button
                        type="button"
                        class="ws-pin"
                        id=pin_id.clone()
                        aria-pressed=pinned.to_string()
                        aria-label={
                            let t = title_for_label.clone();
                            move || format!("{} {}", locale.strings().ws.pin, t())
                        }
                        on:click=pin.clone()
                    >
                        {move || if pinned { locale.strings().ws.unpin } else { locale.strings().ws.pin }}
                    </button>
                    <label class="ws-move">
                        <span>{move || locale.strings().ws.folder_label}</span>
                        <select id=folder_select_id.clone() on:change=move_to.clone()>
                            {folders.clone()}
                        </select>
                    </label>
                    <button
                        type="button"
                        id=remove_id.clone()
                        class="ws-remove"
                        aria-expanded=move || is_confirming.get().to_string()
                        on:click=ask.clone()
                    >
                        {move || locale.strings().ws.remove}
                    </button>
                </div>
            </Show>
            {confirmation}
        </li>
    }
}

//! "Nouvel espace de travail" on the start page: a name and an emblem (an
//! emoji or a colour), then a fresh edit secret; the workspace's page
//! writes its kind, name and emblem once it has loaded
//! ([`crate::session::workspace::will_be_workspace`]).

use leptos::prelude::*;
use protocol::{EditSecret, Link};

use crate::locale::use_locale;
use crate::platform::page;
use crate::session::workspace::will_be_workspace;

/// The emblems offered: a few emoji and colours (any other emoji may be
/// typed).
const EMBLEMS: [&str; 8] = [
    "📁", "🌱", "✊", "🏛️", "📣", "#c0392b", "#2471a3", "#1e8449",
];

#[component]
pub fn NewWorkspace() -> impl IntoView {
    let locale = use_locale();
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let emblem = RwSignal::new(EMBLEMS[0].to_owned());
    let error = RwSignal::new(false);
    let start = move |_| {
        open.set(true);
        request_animation_frame(|| page::focus_id("new-workspace-name"));
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = name.get_untracked();
        let chosen = chosen.trim();
        if chosen.is_empty() {
            error.set(true);
            page::focus_id("new-workspace-name");
            return;
        }
        let link = Link::Edit(EditSecret::generate());
        let mark: String = emblem.get_untracked().trim().chars().take(8).collect();
        will_be_workspace(&link.keys().room().to_string(), chosen, &mark);
        page::set_hash(&link.fragment());
    };
    let choices = move || {
        EMBLEMS
            .iter()
            .enumerate()
            .map(|(i, &choice)| {
                let id = format!("new-workspace-emblem-{i}");
                let colour = choice.starts_with('#');
                let style = if colour {
                    format!("background:{choice}")
                } else {
                    String::new()
                };
                let label = if colour {
                    format!("{} {choice}", locale.strings().ws.emblem_colour)
                } else {
                    choice.to_owned()
                };
                let (for_id, title) = (id.clone(), label.clone());
                view! {
                    <label class="ws-emblem-choice" for=for_id title=title>
                        <input
                            type="radio"
                            name="new-workspace-emblem"
                            id=id
                            value=choice
                            prop:checked=move || emblem.get() == choice
                            on:change=move |_| emblem.set(choice.to_owned())
                        />
                        <span class="ws-emblem" style=style aria-hidden="true">
                            {(!colour).then_some(choice)}
                        </span>
                        <span class="visually-hidden">{label}</span>
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <div class="new-text new-workspace">
            <button
                id="new-workspace"
                type="button"
                aria-expanded=move || open.get().to_string()
                aria-controls="new-workspace-form"
                on:click=start
            >
                {move || locale.strings().ws.new_workspace}
            </button>
            <p class="hint">{move || locale.strings().ws.new_workspace_hint}</p>
            <Show when=move || open.get()>
                <form id="new-workspace-form" class="new-workspace-form" on:submit=create>
                    <label for="new-workspace-name">{move || locale.strings().ws.name_label}</label>
                    <input
                        id="new-workspace-name"
                        type="text"
                        maxlength="200"
                        aria-invalid=move || error.get().to_string()
                        aria-describedby="new-workspace-error"
                        prop:value=move || name.get()
                        on:input=move |ev| {
                            error.set(false);
                            name.set(event_target_value(&ev));
                        }
                    />
                    <p id="new-workspace-error" class="error" role="alert">
                        {move || error.get().then(|| locale.strings().ws.name_missing)}
                    </p>
                    <fieldset class="ws-emblems">
                        <legend>{move || locale.strings().ws.emblem_label}</legend>
                        {choices}
                        <label class="ws-emblem-other">
                            <span>{move || locale.strings().ws.emblem_other}</span>
                            <input
                                id="new-workspace-emblem"
                                type="text"
                                maxlength="16"
                                prop:value=move || emblem.get()
                                on:input=move |ev| emblem.set(event_target_value(&ev))
                            />
                        </label>
                    </fieldset>
                    <button type="submit" id="new-workspace-create" class="primary">
                        {move || locale.strings().ws.create}
                    </button>
                </form>
            </Show>
        </div>
    }
}

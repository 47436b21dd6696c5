//! The name this browser's person goes by, asked in a small inline form
//! until given, then shown with a button to change it. It is kept in this
//! browser ([`crate::presence::Presence`]), so it is asked once.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::web_sys::SubmitEvent;

use model::awareness::MAX_NAME_CHARS;

use crate::locale::use_locale;
use crate::presence::use_presence;

#[component]
pub fn NameField() -> impl IntoView {
    let locale = use_locale();
    let presence = use_presence();
    let editing = RwSignal::new(presence.name().get_untracked().is_empty());
    let input: NodeRef<Input> = NodeRef::new();
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = input.get() {
            presence.set_name(&input.value());
        }
        editing.set(presence.name().get_untracked().is_empty());
    };
    move || {
        if editing.get() {
            view! {
                <form class="name-form" on:submit=save>
                    <label for="my-name">{move || locale.strings().name_label}</label>
                    " "
                    <input
                        id="my-name"
                        type="text"
                        node_ref=input
                        maxlength=MAX_NAME_CHARS.to_string()
                        autocomplete="nickname"
                        prop:value=move || presence.name().get_untracked()
                    />
                    " "
                    <button type="submit">{move || locale.strings().name_save}</button>
                    " "
                    <small>{move || locale.strings().name_hint}</small>
                </form>
            }
            .into_any()
        } else {
            view! {
                <p class="name-form">
                    {move || locale.strings().name_current}
                    " "
                    <strong id="my-name-shown">{move || presence.name().get()}</strong>
                    " "
                    <button type="button" id="change-name" on:click=move |_| editing.set(true)>
                        {move || locale.strings().name_change}
                    </button>
                </p>
            }
            .into_any()
        }
    }
}

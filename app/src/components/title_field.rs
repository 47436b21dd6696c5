//! The document's title (`meta.title`), editable by editors. A co-author's
//! rename shows as it arrives.

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::session::use_doc_text;

#[component]
pub fn TitleField() -> impl IntoView {
    let locale = use_locale();
    let text = use_doc_text();
    let ready = text.ready;
    view! {
        <label class="title-field">
            <span>{move || locale.strings().title_label}</span>
            <input
                id="title"
                type="text"
                autocomplete="off"
                readonly=move || !text.can_write || !ready.get()
                placeholder=move || locale.strings().title_placeholder
                prop:value=text.title
                on:input=move |ev| text.set_title(event_target_value(&ev))
            />
        </label>
    }
}

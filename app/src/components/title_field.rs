//! The document's title (`meta.title`), editable by editors. A co-author's
//! rename shows as it arrives.

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::session::use_doc_session;

#[component]
pub fn TitleField() -> impl IntoView {
    let locale = use_locale();
    let session = use_doc_session();
    let ready = session.ready();
    view! {
        <label class="title-field">
            <span>{move || locale.strings().title_label}</span>
            <input
                id="title"
                type="text"
                autocomplete="off"
                readonly=move || !session.can_write() || !ready.get()
                placeholder=move || locale.strings().title_placeholder
                prop:value=session.title()
                on:input=move |ev| session.set_title(event_target_value(&ev))
            />
        </label>
    }
}

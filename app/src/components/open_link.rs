//! The field where a person pastes a link they received. It checks the link
//! as they type and says in words what is wrong with a damaged one.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use protocol::Link;

use crate::locale::use_locale;
use crate::platform::page;

#[component]
pub fn OpenLink() -> impl IntoView {
    let locale = use_locale();
    let (text, set_text) = signal(String::new());
    let parsed =
        Memo::new(move |_| text.with(|text| (!text.trim().is_empty()).then(|| Link::parse(text))));
    let error = move || match parsed.get() {
        Some(Err(error)) => locale.strings().link_error(&error),
        _ => "",
    };
    let open = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(Ok(link)) = parsed.get_untracked() {
            page::set_hash(&link.fragment());
        }
    };
    view! {
        <form class="open-link" on:submit=open>
            <label for="open-link">{move || locale.strings().open_label}</label>
            <div class="row">
                <input
                    id="open-link"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder=move || locale.strings().open_placeholder
                    aria-invalid=move || matches!(parsed.get(), Some(Err(_))).to_string()
                    aria-describedby="open-link-error"
                    prop:value=text
                    on:input=move |ev| set_text.set(event_target_value(&ev))
                />
                <button type="submit" disabled=move || !matches!(parsed.get(), Some(Ok(_)))>
                    {move || locale.strings().open_button}
                </button>
            </div>
            <p id="open-link-error" class="error" role="alert">
                {error}
            </p>
        </form>
    }
}

//! The "New text" and "New argument map" buttons: a fresh edit secret,
//! then its edit link (a map's page writes its kind once it has loaded).
//!
//! The secret is generated in the browser (`crypto.getRandomValues`) and
//! goes straight into the address fragment, which is never sent to a
//! server; the document page then shows the link to share.

use leptos::prelude::*;
use protocol::{EditSecret, Link};

use crate::locale::use_locale;
use crate::platform::page;

#[component]
pub fn NewText() -> impl IntoView {
    let locale = use_locale();
    let create = move |_| {
        let link = Link::Edit(EditSecret::generate());
        page::set_hash(&link.fragment());
    };
    view! {
        <div class="new-text">
            <button id="new-text" type="button" class="primary" on:click=create>
                {move || locale.strings().new_text}
            </button>
            <p class="hint">{move || locale.strings().new_text_hint}</p>
        </div>
    }
}

#[component]
pub fn NewMap() -> impl IntoView {
    let locale = use_locale();
    let create = move |_| {
        let link = Link::Edit(EditSecret::generate());
        crate::session::arguments::will_be_map(&link.keys().room().to_string());
        page::set_hash(&link.fragment());
    };
    view! {
        <div class="new-text new-map">
            <button id="new-map" type="button" on:click=create>
                {move || locale.strings().new_map}
            </button>
            <p class="hint">{move || locale.strings().new_map_hint}</p>
        </div>
    }
}

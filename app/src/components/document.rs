//! The document page, for now a placeholder: which room the link opens,
//! what it allows, and the links to share. The editor comes next.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::HtmlInputElement;
use protocol::Link;

use crate::browser;
use crate::locale::use_locale;
use crate::strings::APP_NAME;

#[component]
pub fn DocumentPage(link: Link) -> impl IntoView {
    let locale = use_locale();
    let keys = link.keys();
    let base = browser::page_base();
    let edit_url = keys.can_write().then(|| link.to_url(&base));
    let view_url = link.to_view().to_url(&base);
    let room = keys.room().to_string();

    Effect::new(move |_| {
        browser::set_title(&format!("{} · {APP_NAME}", locale.strings().document_title))
    });

    let access = move || {
        if keys.can_write() {
            locale.strings().edit_access
        } else {
            locale.strings().view_access
        }
    };
    let edit_share = edit_url.map(|url| {
        view! {
            <ShareLink
                label=Signal::derive(move || locale.strings().edit_link_label)
                hint=Signal::derive(move || locale.strings().edit_link_warning)
                url
            />
        }
    });

    view! {
        <section class="document">
            <h1>{move || locale.strings().document_title}</h1>
            <p>{access}</p>
            {edit_share}
            <ShareLink
                label=Signal::derive(move || locale.strings().view_link_label)
                hint=Signal::derive(move || locale.strings().view_link_hint)
                url=view_url
            />
            <p class="room">
                {move || locale.strings().room_label}
                " "
                <code>{room}</code>
            </p>
            <p class="hint">{move || locale.strings().editor_coming}</p>
        </section>
    }
}

/// A link to share, in a read-only field that selects itself on focus.
#[component]
fn ShareLink(
    label: Signal<&'static str>,
    hint: Signal<&'static str>,
    url: String,
) -> impl IntoView {
    view! {
        <label class="share">
            <span>{label}</span>
            <input
                type="text"
                readonly
                spellcheck="false"
                prop:value=url
                on:focus=move |ev| {
                    if let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                        input.select();
                    }
                }
            />
            <small>{hint}</small>
        </label>
    }
}

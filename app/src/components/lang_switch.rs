//! The language switch: one button per language, the current one pressed.

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::strings::Lang;

#[component]
pub fn LangSwitch() -> impl IntoView {
    let locale = use_locale();
    let buttons = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <button
                    type="button"
                    lang=lang.tag()
                    aria-pressed=move || (locale.lang() == lang).to_string()
                    on:click=move |_| locale.set(lang)
                >
                    {lang.native_name()}
                </button>
            }
        })
        .collect_view();
    view! {
        <nav class="lang" aria-label=move || locale.strings().language>
            {buttons}
        </nav>
    }
}

//! The language switch: one button per language, the current one pressed.
//! The document's bar shows it compact (`FR`, `EN`).

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::strings::Lang;

#[component]
pub fn LangSwitch(
    /// Two letters per language (the document's bar), the language's name
    /// still its accessible name.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let locale = use_locale();
    let buttons = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <button
                    type="button"
                    lang=lang.tag()
                    aria-pressed=move || (locale.lang() == lang).to_string()
                    aria-label=compact.then(|| format!("{} ({})", lang.tag().to_uppercase(), lang.native_name()))
                    on:click=move |_| locale.set(lang)
                >
                    {if compact { lang.tag().to_uppercase() } else { lang.native_name().to_owned() }}
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

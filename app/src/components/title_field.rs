//! The document's title (`meta.title`) as the page's heading: with the
//! edit link, a field inside the `h1`, edited in place (`#title`); with a
//! view link, plain text. A co-author's rename shows as it arrives; an
//! empty title reads "Sans titre" / "Untitled".

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::session::use_doc_text;

#[component]
pub fn TitleHeading() -> impl IntoView {
    let locale = use_locale();
    let text = use_doc_text();
    let ready = text.ready;
    let title = text.title;
    let shown = move || {
        let title = title.get();
        if title.trim().is_empty() {
            locale.strings().title_placeholder.to_owned()
        } else {
            title
        }
    };
    let content = if text.can_write {
        view! {
            <input
                id="title"
                type="text"
                autocomplete="off"
                spellcheck="true"
                readonly=move || !ready.get()
                aria-label=move || locale.strings().title_edit_label
                placeholder=move || locale.strings().title_placeholder
                prop:value=title
                on:input=move |ev| text.set_title(event_target_value(&ev))
            />
        }
        .into_any()
    } else {
        view! { <span id="title-text">{shown}</span> }.into_any()
    };
    view! {
        <h1 class="doc-title" data-editable=text.can_write.to_string()>
            {content}
        </h1>
    }
}

//! The "who wrote what" switch (`#authorship`): colours the text by
//! author, behind the textarea ([`super::backdrop::Backdrop`]).

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::presence::use_presence;

#[component]
pub fn AuthorshipToggle() -> impl IntoView {
    let locale = use_locale();
    let presence = use_presence();
    view! {
        <label class="authorship-toggle" title=move || locale.strings().authorship_label>
            <input
                id="authorship"
                type="checkbox"
                prop:checked=move || presence.authorship().get()
                on:change=move |ev| presence.set_authorship(event_target_checked(&ev))
            />
            " "
            {move || locale.strings().authorship_short}
        </label>
    }
}

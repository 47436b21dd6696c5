//! The page for an address whose fragment is not a good link: what is
//! wrong, in words, and a way to paste it again.

use leptos::prelude::*;
use protocol::LinkError;

use crate::components::open_link::OpenLink;
use crate::locale::use_locale;

#[component]
pub fn BadLink(error: LinkError) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="bad-link">
            <h1>{move || locale.strings().bad_link_title}</h1>
            <p class="error" role="alert">
                {move || locale.strings().link_error(&error)}
            </p>
            <OpenLink />
            <p>
                <a href="#">{move || locale.strings().back_home}</a>
            </p>
        </section>
    }
}

//! The start page: create a new text, or open a link someone sent.

use leptos::prelude::*;

use crate::components::new_text::NewText;
use crate::components::open_link::OpenLink;
use crate::components::recent::RecentList;
use crate::locale::use_locale;
use crate::strings::APP_NAME;

#[component]
pub fn Home() -> impl IntoView {
    let locale = use_locale();
    Effect::new(move |_| crate::platform::page::set_title(APP_NAME));
    view! {
        <section class="home">
            <h1>{APP_NAME}</h1>
            <p class="tagline">{move || locale.strings().tagline}</p>
            <NewText />
            <OpenLink />
            <RecentList />
        </section>
    }
}

//! The start page: create a new text, or open a link someone sent.

use leptos::prelude::*;

use crate::components::app::use_forgotten;
use crate::components::new_text::{NewMap, NewText};
use crate::components::new_workspace::NewWorkspace;
use crate::components::open_link::OpenLink;
use crate::components::recent::RecentList;
use crate::components::workspace_list::WorkspaceList;
use crate::locale::use_locale;
use crate::strings::APP_NAME;

#[component]
pub fn Home() -> impl IntoView {
    let locale = use_locale();
    Effect::new(move |_| crate::platform::page::set_title(APP_NAME));
    // Said on the start page the forgetting led to (or where it happened),
    // until the person leaves it.
    let forgotten = use_forgotten().0;
    on_cleanup(move || {
        forgotten.try_set(None);
    });
    let forgotten = move || {
        forgotten.get().map(|title| {
            let title = if title.trim().is_empty() {
                locale.strings().title_placeholder.to_owned()
            } else {
                title
            };
            view! {
                <p id="forgotten" class="notice" role="status">
                    <strong>{title}</strong>
                    " "
                    {move || locale.strings().forgotten}
                </p>
            }
        })
    };
    view! {
        <section class="home">
            <h1>{APP_NAME}</h1>
            <p class="tagline">{move || locale.strings().tagline}</p>
            {forgotten}
            <NewText />
            <NewMap />
            <NewWorkspace />
            <OpenLink />
            <WorkspaceList />
            <RecentList />
        </section>
    }
}

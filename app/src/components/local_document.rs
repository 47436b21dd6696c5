//! The page for `#d=<handle>`, the local handle that replaces a link in
//! the address bar once this browser keeps its keys ([`crate::store`]):
//! the document, when this browser keeps one under that handle; else, in
//! words, why the address opens nothing here (another browser, a
//! forgotten document, a damaged address), and a way to paste the link.

use leptos::prelude::*;
use protocol::Link;

use crate::components::document::DocumentPage;
use crate::components::open_link::OpenLink;
use crate::locale::use_locale;
use crate::store;

/// What the handle led to.
#[derive(Clone)]
enum Found {
    Looking,
    Link(Box<Link>),
    Nothing,
}

#[component]
pub fn LocalDocument(handle: String) -> impl IntoView {
    let locale = use_locale();
    let found = RwSignal::new(Found::Looking);
    leptos::task::spawn_local(async move {
        let fragment = if store::is_handle(&handle) {
            store::link_of_handle(&handle).await.ok().flatten()
        } else {
            None
        };
        let link = fragment.and_then(|fragment| Link::parse(&fragment).ok());
        found.try_set(match link {
            Some(link) => Found::Link(Box::new(link)),
            None => Found::Nothing,
        });
    });
    move || match found.get() {
        Found::Looking => view! {
            <p class="opening" role="status">
                {move || locale.strings().local_opening}
            </p>
        }
        .into_any(),
        Found::Link(link) => view! { <DocumentPage link=*link /> }.into_any(),
        Found::Nothing => view! {
            <section class="bad-link" id="not-kept">
                <h1>{move || locale.strings().local_missing_title}</h1>
                <p class="error" role="alert">
                    {move || locale.strings().local_missing}
                </p>
                <OpenLink />
                <p>
                    <a href="#">{move || locale.strings().back_home}</a>
                </p>
            </section>
        }
        .into_any(),
    }
}

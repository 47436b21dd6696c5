//! The root component: provides the [`Locale`] and [`Forgotten`], follows
//! the address fragment and shows the page it names.

use leptos::ev;
use leptos::prelude::*;

use crate::components::bad_link::BadLink;
use crate::components::document::DocumentPage;
use crate::components::home::Home;
use crate::components::lang_switch::LangSwitch;
use crate::components::local_document::LocalDocument;
use crate::locale::Locale;
use crate::platform::page;
use crate::route::Route;
use crate::strings::APP_NAME;

/// The title of the document just erased from this browser, for the
/// start page to say so (once: it is taken when shown).
#[derive(Clone, Copy)]
pub struct Forgotten(pub RwSignal<Option<String>>);

/// The [`Forgotten`] the root component provides.
pub fn use_forgotten() -> Forgotten {
    use_context().expect("the root component provides Forgotten")
}

#[component]
pub fn App() -> impl IntoView {
    let locale = Locale::provide();
    provide_context(Forgotten(RwSignal::new(None)));
    page::register_service_worker();

    let (route, set_route) = signal(Route::from_fragment(&page::hash()));
    let listener = window_event_listener(ev::hashchange, move |_| {
        set_route.set(Route::from_fragment(&page::hash()));
    });
    on_cleanup(move || listener.remove());

    // Keep `<html lang>` in step with the switch.
    Effect::new(move |_| page::set_document_lang(locale.lang().tag()));

    let page = move || match route.get() {
        Route::Home => view! { <Home /> }.into_any(),
        Route::Document(link) => view! { <DocumentPage link=*link /> }.into_any(),
        Route::Local(handle) => view! { <LocalDocument handle /> }.into_any(),
        Route::BadLink(error) => view! { <BadLink error /> }.into_any(),
    };

    // A document page has its own bar (brand and languages included), so
    // the text starts right below one line.
    let on_document = move || matches!(route.get(), Route::Document(_) | Route::Local(_));
    view! {
        <Show when=move || !on_document()>
            <header class="bar">
                <a class="brand" href="#">
                    {APP_NAME}
                </a>
                <LangSwitch />
            </header>
        </Show>
        <main data-page=move || if on_document() { "document" } else { "other" }>{page}</main>
        <footer class="note">{move || locale.strings().privacy_note}</footer>
    }
}

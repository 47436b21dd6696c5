//! The start page's list of documents opened in this browser, read from
//! IndexedDB ([`crate::store`]): title, edit or read-only, a link back (by
//! the document's local handle, so that opening it puts no key in the
//! address bar; by its link for a document kept before handles were).

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::route::local_fragment;
use crate::store::{self, Recent};

#[component]
pub fn RecentList() -> impl IntoView {
    let locale = use_locale();
    let list = RwSignal::new(Vec::<(Recent, String)>::new());
    leptos::task::spawn_local(async move {
        let Ok(recent) = store::load_recent().await else {
            return;
        };
        let mut shown = Vec::with_capacity(recent.len());
        for entry in recent {
            let fragment = match store::handle_of(&entry.room).await {
                Ok(Some(handle)) => local_fragment(&handle),
                _ => entry.fragment.clone(),
            };
            shown.push((entry, fragment));
        }
        list.try_set(shown);
    });
    let items = move || {
        list.get()
            .into_iter()
            .map(|(recent, fragment)| {
                let strings = locale.strings();
                let title = if recent.title.trim().is_empty() {
                    strings.title_placeholder.to_owned()
                } else {
                    recent.title.clone()
                };
                let kind = if recent.can_write {
                    strings.recent_edit
                } else {
                    strings.recent_view
                };
                view! {
                    <li data-room=recent.room.clone()>
                        <a href=format!("#{fragment}")>{title}</a>
                        " "
                        <small>{kind}</small>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || list.with(|l| !l.is_empty())>
            <section class="recent">
                <h2>{move || locale.strings().recent_title}</h2>
                <ul>{items}</ul>
            </section>
        </Show>
    }
}

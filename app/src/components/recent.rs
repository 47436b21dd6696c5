//! The start page's list of documents opened in this browser, read from
//! IndexedDB ([`crate::store`]): title, edit or read-only, a link back.

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::store::{self, Recent};

#[component]
pub fn RecentList() -> impl IntoView {
    let locale = use_locale();
    let list = RwSignal::new(Vec::<Recent>::new());
    leptos::task::spawn_local(async move {
        if let Ok(recent) = store::load_recent().await {
            list.try_set(recent);
        }
    });
    let items = move || {
        list.get()
            .into_iter()
            .map(|recent| {
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
                        <a href=format!("#{}", recent.fragment)>{title}</a>
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

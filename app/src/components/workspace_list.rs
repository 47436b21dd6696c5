//! The start page's list of the workspaces this browser opened
//! ([`crate::store::load_workspaces`]): emblem, name, a link back by the
//! local handle (no key in the address bar), read from IndexedDB, so it
//! shows offline. Leaving one is on its own page ("Quitter l'espace").

use leptos::prelude::*;

use crate::components::workspace_page::{emblem_style, emblem_text};
use crate::locale::use_locale;
use crate::route::local_fragment;
use crate::store::{self, KnownWorkspace};

#[component]
pub fn WorkspaceList() -> impl IntoView {
    let locale = use_locale();
    let list = RwSignal::new(Vec::<(KnownWorkspace, String)>::new());
    leptos::task::spawn_local(async move {
        let Ok(known) = store::load_workspaces().await else {
            return;
        };
        let mut shown = Vec::with_capacity(known.len());
        for workspace in known {
            let fragment = match store::handle_of(&workspace.room).await {
                Ok(Some(handle)) => local_fragment(&handle),
                _ => workspace.fragment.clone(),
            };
            shown.push((workspace, fragment));
        }
        list.try_set(shown);
    });
    let items = move || {
        list.get()
            .into_iter()
            .map(|(workspace, fragment)| {
                let name = if workspace.name.trim().is_empty() {
                    locale.strings().title_placeholder.to_owned()
                } else {
                    workspace.name.clone()
                };
                view! {
                    <li data-room=workspace.room.clone()>
                        <span class="ws-emblem" aria-hidden="true" style=emblem_style(&workspace.emblem)>
                            {emblem_text(&workspace.emblem)}
                        </span>
                        <a href=format!("#{fragment}")>{name}</a>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || list.with(|l| !l.is_empty())>
            <section class="recent workspaces">
                <h2 id="workspaces-heading">{move || locale.strings().ws.home_heading}</h2>
                <ul id="workspaces">{items}</ul>
            </section>
        </Show>
    }
}

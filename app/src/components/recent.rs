//! The start page's list of documents opened in this browser, read from
//! IndexedDB ([`crate::store`]): title, edit or read-only, when it was
//! last opened, a link back (by the document's local handle, so that
//! opening it puts no key in the address bar; by its link for a document
//! kept before handles were), and a way to remove it from this browser.
//!
//! Removing is forgetting ([`store::forget`]: keys, copy, handle and
//! entry, in one transaction), after the same confirmation as on the
//! document page, which says when changes made here never reached the
//! server (read from the saved copy) and that whoever has the link keeps
//! the document. Focus then goes to the list's heading, and the start page
//! says what was erased.

use leptos::prelude::*;

use crate::components::app::use_forgotten;
use crate::locale::use_locale;
use crate::platform::page;
use crate::route::local_fragment;
use crate::store::{self, Recent};

/// One entry as shown: the entry and the fragment that opens it.
type Shown = (Recent, String);

#[component]
pub fn RecentList() -> impl IntoView {
    let locale = use_locale();
    let list = RwSignal::new(Vec::<Shown>::new());
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
    // The room whose removal is being confirmed, with the changes its
    // saved copy holds that the server never acknowledged.
    let confirming = RwSignal::new(None::<(String, usize)>);
    let items = move || {
        list.get()
            .into_iter()
            .map(|shown| view! { <RecentItem shown list confirming /> })
            .collect_view()
    };
    view! {
        <Show when=move || list.with(|l| !l.is_empty())>
            <section class="recent">
                <h2 id="recent-heading" tabindex="-1">
                    {move || locale.strings().recent_title}
                </h2>
                <ul id="recent">{items}</ul>
            </section>
        </Show>
    }
}

#[component]
fn RecentItem(
    shown: Shown,
    list: RwSignal<Vec<Shown>>,
    confirming: RwSignal<Option<(String, usize)>>,
) -> impl IntoView {
    let locale = use_locale();
    let forgotten = use_forgotten().0;
    let (recent, fragment) = shown;
    let room = recent.room.clone();
    let title = move || {
        if recent.title.trim().is_empty() {
            locale.strings().title_placeholder.to_owned()
        } else {
            recent.title.clone()
        }
    };
    let kind = move || {
        if recent.can_write {
            locale.strings().recent_edit
        } else {
            locale.strings().recent_view
        }
    };
    let opened = move || {
        let date = js_sys::Date::new(&(recent.opened as f64).into());
        let options = js_sys::Object::new();
        for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
            let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
        }
        let when = date.to_locale_string(locale.lang().tag(), &options);
        format!("{} {}", locale.strings().recent_opened, String::from(when))
    };
    let failed = RwSignal::new(false);
    let ask = {
        let room = room.clone();
        move |_| {
            let room = room.clone();
            leptos::task::spawn_local(async move {
                let pending = match store::load_doc(&room).await {
                    Ok(Some(saved)) => saved.pending.len(),
                    _ => 0,
                };
                confirming.set(Some((room, pending)));
                request_animation_frame(|| page::focus_id("recent-confirm"));
            });
        }
    };
    let is_confirming = {
        let room = room.clone();
        Memo::new(move |_| confirming.with(|c| c.as_ref().is_some_and(|(r, _)| *r == room)))
    };
    let pending = move || confirming.with(|c| c.as_ref().map_or(0, |(_, n)| *n));
    let title_for_confirm = title.clone();
    let remove_id = format!("recent-remove-{room}");
    let cancel = {
        let remove_id = remove_id.clone();
        move || {
            confirming.set(None);
            let remove_id = remove_id.clone();
            request_animation_frame(move || page::focus_id(&remove_id));
        }
    };
    let confirm = {
        let room = room.clone();
        move |_| {
            let room = room.clone();
            let title = title_for_confirm();
            leptos::task::spawn_local(async move {
                if store::forget(&room).await.is_err() {
                    failed.set(true);
                    return;
                }
                confirming.set(None);
                forgotten.set(Some(title));
                list.update(|list| list.retain(|(r, _)| r.room != room));
                request_animation_frame(|| page::focus_id("recent-heading"));
            });
        }
    };
    let cancel_click = cancel.clone();
    let confirmation = move || {
        is_confirming.get().then(|| {
            let cancel_key = cancel.clone();
            let cancel_click = cancel_click.clone();
            view! {
                <div
                    class="forget-confirm"
                    role="group"
                    on:keydown=move |ev: leptos::web_sys::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            ev.prevent_default();
                            cancel_key();
                        }
                    }
                >
                    <p>{move || locale.strings().forget_confirm_text}</p>
                    {move || {
                        (pending() > 0)
                            .then(|| {
                                view! {
                                    <p class="warning">
                                        <strong>{pending}</strong>
                                        " "
                                        {move || locale.strings().forget_pending}
                                    </p>
                                }
                            })
                    }}
                    <p class="error" role="alert">
                        {move || failed.get().then(|| locale.strings().forget_failed)}
                    </p>
                    <div class="row">
                        <button type="button" id="recent-confirm" class="danger" on:click=confirm.clone()>
                            {move || locale.strings().forget_confirm}
                        </button>
                        <button type="button" on:click=move |_| cancel_click()>
                            {move || locale.strings().forget_cancel}
                        </button>
                    </div>
                </div>
            }
        })
    };
    let title_label = title.clone();
    view! {
        <li data-room=room.clone()>
            <div class="recent-line">
                <a href=format!("#{fragment}")>{title}</a>
                <small class="recent-kind">{kind}</small>
                <small class="recent-opened">{opened}</small>
                <button
                    type="button"
                    id=remove_id
                    class="recent-remove"
                    aria-label=move || {
                        format!("{} {}", locale.strings().recent_remove_named, title_label())
                    }
                    aria-expanded=move || is_confirming.get().to_string()
                    on:click=ask
                >
                    {move || locale.strings().recent_remove}
                </button>
            </div>
            {confirmation}
        </li>
    }
}

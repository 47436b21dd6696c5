//! "Forget this document in this browser": what this browser keeps of the
//! document (its keys, a copy of the text), and a button that erases
//! both, after a confirmation that says what is lost (edits the server
//! has not received yet) and what is not (the document on the server).
//! Keyboard: the button opens the confirmation with the focus on
//! "Forget"; Escape or "Cancel" closes it and gives the focus back.
//! Test hooks: `#forget`, `#forget-confirm`, `#forget-cancel`,
//! `#forget-error`.

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;

use crate::components::app::use_forgotten;
use crate::locale::use_locale;
use crate::platform::page;
use crate::session::{use_forget, use_status};

#[component]
pub fn ForgetDocument() -> impl IntoView {
    let locale = use_locale();
    let handle = use_forget();
    let status = use_status();
    let forgotten = use_forgotten();
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let open_button = NodeRef::<html::Button>::new();
    let confirm_button = NodeRef::<html::Button>::new();

    // The confirmation takes the focus when it opens.
    Effect::new(move |_| {
        if asking.get() {
            if let Some(button) = confirm_button.get() {
                let _ = button.focus();
            }
        }
    });
    let close = move || {
        asking.set(false);
        if let Some(button) = open_button.get_untracked() {
            let _ = button.focus();
        }
    };
    let forget = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failed.set(false);
        leptos::task::spawn_local(async move {
            match handle.forget().await {
                Ok(title) => {
                    forgotten.0.set(Some(title));
                    page::set_hash("");
                }
                Err(()) => {
                    busy.try_set(false);
                    failed.try_set(true);
                }
            }
        });
    };
    let on_key = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        }
    };
    let pending = move || {
        let pending = status.pending.get();
        (pending > 0).then(|| {
            view! {
                <p class="warning" id="forget-pending">
                    <strong>{pending}</strong>
                    " "
                    {move || locale.strings().forget_pending}
                </p>
            }
        })
    };

    view! {
        <section class="forget" aria-labelledby="forget-title">
            <h2 id="forget-title">{move || locale.strings().forget_title}</h2>
            <p>{move || locale.strings().forget_explain}</p>
            <button
                id="forget"
                type="button"
                node_ref=open_button
                aria-expanded=move || asking.get().to_string()
                aria-controls="forget-confirm-group"
                prop:disabled=move || !status.ready.get()
                on:click=move |_| asking.set(true)
            >
                {move || locale.strings().forget_button}
            </button>
            <Show when=move || asking.get()>
                <div
                    id="forget-confirm-group"
                    class="forget-confirm"
                    role="group"
                    aria-labelledby="forget-title"
                    aria-describedby="forget-confirm-text"
                    on:keydown=on_key
                >
                    <p id="forget-confirm-text">{move || locale.strings().forget_confirm_text}</p>
                    {pending}
                    <button
                        id="forget-confirm"
                        class="danger"
                        type="button"
                        node_ref=confirm_button
                        prop:disabled=move || busy.get()
                        on:click=forget
                    >
                        {move || locale.strings().forget_confirm}
                    </button>
                    " "
                    <button id="forget-cancel" type="button" on:click=move |_| close()>
                        {move || locale.strings().forget_cancel}
                    </button>
                </div>
            </Show>
            <Show when=move || failed.get()>
                <p id="forget-error" class="error" role="alert">
                    {move || locale.strings().forget_failed}
                </p>
            </Show>
        </section>
    }
}

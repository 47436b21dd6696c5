//! "Quitter l'espace": erase the workspace's keys and copy from this
//! browser ([`crate::session::ForgetHandle`], as for any document) and
//! its line on the start page, after a confirmation. The workspace and
//! its documents stay on the relay for whoever holds their links; the
//! documents this browser opened keep their own keys here.
//! Keyboard: the button opens the confirmation with the focus on
//! "Quitter"; Escape or "Annuler" closes it and gives the focus back.

use leptos::prelude::*;

use crate::components::app::use_forgotten;
use crate::locale::use_locale;
use crate::platform::page;
use crate::session::use_forget;
use crate::session::workspace::use_doc_workspace;

#[component]
pub fn LeaveWorkspace() -> impl IntoView {
    let locale = use_locale();
    let handle = use_forget();
    let ws = use_doc_workspace();
    let forgotten = use_forgotten();
    let asking = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let open = move |_| {
        asking.set(true);
        request_animation_frame(|| page::focus_id("ws-leave-confirm"));
    };
    let close = move || {
        asking.set(false);
        request_animation_frame(|| page::focus_id("ws-leave"));
    };
    let leave = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let room = ws.room();
        leptos::task::spawn_local(async move {
            match handle.forget().await {
                Ok(title) => {
                    let _ = crate::store::forget_workspace(&room).await;
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
    view! {
        <section class="ws-leave" aria-labelledby="ws-leave-heading">
            <h2 id="ws-leave-heading" class="visually-hidden">{move || locale.strings().ws.leave}</h2>
            <button type="button" id="ws-leave" aria-expanded=move || asking.get().to_string() on:click=open>
                {move || locale.strings().ws.leave}
            </button>
            <Show when=move || asking.get()>
                <div
                    class="forget-confirm"
                    role="group"
                    on:keydown=move |ev: leptos::web_sys::KeyboardEvent| {
                        if ev.key() == "Escape" {
                            ev.prevent_default();
                            close();
                        }
                    }
                >
                    <p>{move || locale.strings().ws.leave_text}</p>
                    <p id="ws-leave-error" class="error" role="alert">
                        {move || failed.get().then(|| locale.strings().forget_failed)}
                    </p>
                    <div class="row">
                        <button type="button" id="ws-leave-confirm" class="danger" on:click=leave>
                            {move || locale.strings().ws.leave_confirm}
                        </button>
                        <button type="button" id="ws-leave-cancel" on:click=move |_| close()>
                            {move || locale.strings().forget_cancel}
                        </button>
                    </div>
                </div>
            </Show>
        </section>
    }
}

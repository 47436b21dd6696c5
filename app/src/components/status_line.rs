//! Where the connection stands, in the bar: a small badge ([`StatusBadge`],
//! `#status`) whose word says the state ("En ligne", "Hors ligne") and
//! whose sentence (shown on hover and focus, and said by its live region)
//! says whether everything typed here reached the server, in words. While
//! offline with changes not sent, the badge says so in full, visibly.
//! Its attributes are the tests' hooks: `data-state` (connecting, online,
//! offline, reconnecting), `data-pending` (edits not yet acknowledged),
//! `data-synced`, `data-seq` (the last sequence number applied).
//!
//! Below the bar, [`StatusProblem`] says what went wrong (`#problem`);
//! when the relay refuses to create the document without its creation
//! token, it asks for it in a small form (`#token-form`); the token is
//! then kept in this browser ([`crate::creation_token`]).

use leptos::html::Input;
use leptos::prelude::*;
use leptos::web_sys::SubmitEvent;
use protocol::ErrorCode;

use crate::locale::use_locale;
use crate::session::{use_status, use_token};
use crate::status::{Connection, Problem};

#[component]
pub fn StatusBadge() -> impl IntoView {
    let locale = use_locale();
    let status = use_status();
    let connection = status.connection;
    let pending = status.pending;
    let ready = status.ready;
    let synced =
        move || ready.get() && connection.get() == Connection::Online && pending.get() == 0;
    let progress = status.progress;
    let sentence = move || {
        locale
            .strings()
            .status_sentence(connection.get(), pending.get() > 0, progress.get())
    };
    // Offline with changes kept here: said in full, not only on hover.
    let waiting = move || connection.get() != Connection::Online && pending.get() > 0;
    view! {
        <span
            id="status"
            class="status-badge"
            role="status"
            tabindex="0"
            title=sentence
            data-state=move || connection.get().data_state()
            data-pending=move || pending.get().to_string()
            data-synced=move || synced().to_string()
            data-seq=move || status.applied.get().to_string()
            data-waiting=move || waiting().to_string()
        >
            <span class="dot" aria-hidden="true"></span>
            <span class="state">{move || locale.strings().connection(connection.get())}</span>
            {move || {
                waiting()
                    .then(|| {
                        view! {
                            <span class="waiting" aria-hidden="true">
                                {move || locale.strings().badge_pending}
                            </span>
                        }
                    })
            }}
            <span class="detail">{sentence}</span>
        </span>
    }
}

#[component]
pub fn StatusProblem() -> impl IntoView {
    let locale = use_locale();
    let status = use_status();
    let problem = move || {
        let problem = status.problem.get()?;
        let strings = locale.strings();
        let names = status.diverged_with.get();
        if problem == Problem::Diverged && !names.is_empty() {
            return Some(strings.diverged_with(&names));
        }
        strings.problem(problem).map(str::to_owned)
    };
    let token = use_token();
    let input: NodeRef<Input> = NodeRef::new();
    let asked = move || {
        matches!(
            status.problem.get(),
            Some(Problem::Refused {
                code: ErrorCode::TokenRequired,
                ..
            })
        )
    };
    let give = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = input.get() {
            token.give.run(input.value());
        }
    };
    let form = move || {
        asked().then(|| {
            view! {
                <form id="token-form" class="token-form" on:submit=give>
                    <label for="creation-token">{move || locale.strings().token_label}</label>
                    <div class="row">
                        <input
                            id="creation-token"
                            type="password"
                            node_ref=input
                            maxlength=protocol::wire::MAX_TOKEN_BYTES.to_string()
                            autocomplete="off"
                            aria-describedby="creation-token-hint"
                        />
                        <button type="submit">{move || locale.strings().token_save}</button>
                    </div>
                    <small id="creation-token-hint">{move || locale.strings().token_hint}</small>
                </form>
            }
        })
    };
    view! {
        <p id="problem" class="error" role="alert">
            {problem}
        </p>
        {form}
    }
}

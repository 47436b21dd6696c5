//! The status line: where the connection stands, whether everything typed
//! is on the server, and what went wrong, in words. Its attributes are the
//! tests' hooks: `data-state` (connecting, online, offline, reconnecting),
//! `data-pending` (edits not yet acknowledged), `data-synced`, `data-seq`
//! (the last sequence number applied).
//!
//! When the relay refuses to create the document without its creation
//! token, the line below asks for it in a small form (`#token-form`); the
//! token is then kept in this browser ([`crate::creation_token`]).

use leptos::html::Input;
use leptos::prelude::*;
use leptos::web_sys::SubmitEvent;
use protocol::ErrorCode;

use crate::locale::use_locale;
use crate::session::{use_status, use_token};
use crate::status::{Connection, Problem};

#[component]
pub fn StatusLine() -> impl IntoView {
    let locale = use_locale();
    let status = use_status();
    let connection = status.connection;
    let pending = status.pending;
    let ready = status.ready;
    let synced =
        move || ready.get() && connection.get() == Connection::Online && pending.get() == 0;
    let progress = status.progress;
    let detail = move || {
        let strings = locale.strings();
        if let (Some((received, total)), false) =
            (progress.get(), connection.get() == Connection::Online)
        {
            format!("{} {received} / {total}", strings.status_history)
        } else if synced() {
            strings.status_synced.to_owned()
        } else if pending.get() > 0 {
            format!("{} {}", strings.status_unsent, pending.get())
        } else {
            String::new()
        }
    };
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
        <div
            id="status"
            class="status"
            role="status"
            data-state=move || connection.get().data_state()
            data-pending=move || pending.get().to_string()
            data-synced=move || synced().to_string()
            data-seq=move || status.applied.get().to_string()
        >
            <span class="state">{move || locale.strings().connection(connection.get())}</span>
            " "
            <span class="detail">{detail}</span>
        </div>
        <p id="problem" class="error" role="alert">
            {problem}
        </p>
        {form}
    }
}

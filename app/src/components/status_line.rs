//! The status line: where the connection stands, whether everything typed
//! is on the server, and what went wrong, in words. Its attributes are the
//! tests' hooks: `data-state` (connecting, online, offline, reconnecting),
//! `data-pending` (edits not yet acknowledged), `data-synced`, `data-seq`
//! (the last sequence number applied).

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::session::use_status;
use crate::status::Connection;

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
        status
            .problem
            .get()
            .and_then(|problem| locale.strings().problem(problem))
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
    }
}

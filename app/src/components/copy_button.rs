//! A "Copy" button for a link in a read-only field, with its answer in
//! words beside it (`role="status"`, read out by screen readers).
//!
//! It writes to the clipboard with `navigator.clipboard.writeText`. That
//! API exists only in a secure context (https, or localhost): a group
//! serving Cahier over plain http on a LAN address has none, and a browser
//! may refuse the write. Then the link is selected in its field and copied
//! with the older `document.execCommand("copy")`; if that fails too, it
//! stays selected and the person is told to press Ctrl+C (Cmd+C on a Mac).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::locale::use_locale;
use crate::platform::clipboard;

/// How long "copied" stays shown.
const DONE_SHOWN: Duration = Duration::from_secs(4);

/// What the last click did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Copied,
    /// Selected for the person to copy by hand.
    Refused,
}

/// Select the text of the field `id`, and try the older copy command.
fn select_and_copy(id: &str) -> Outcome {
    if clipboard::select_and_copy(id) {
        Outcome::Copied
    } else {
        Outcome::Refused
    }
}

#[component]
pub fn CopyButton(
    /// The id of the field holding `text`, selected when copying fails.
    field: &'static str,
    text: String,
) -> impl IntoView {
    let locale = use_locale();
    let outcome = RwSignal::new(None::<Outcome>);
    let timer = StoredValue::new_local(None::<TimeoutHandle>);

    let show = move |result: Outcome| {
        if let Some(timer) = timer.get_value() {
            timer.clear();
        }
        outcome.set(Some(result));
        // A refusal stays: the person has something to do.
        let clear = (result == Outcome::Copied)
            .then(|| set_timeout_with_handle(move || outcome.set(None), DONE_SHOWN).ok())
            .flatten();
        timer.set_value(clear);
    };

    let copy = move |_| {
        outcome.set(None);
        let Some(written) = clipboard::write_text(&text) else {
            show(select_and_copy(field));
            return;
        };
        spawn_local(async move {
            if written.await {
                show(Outcome::Copied);
            } else {
                show(select_and_copy(field));
            }
        });
    };
    on_cleanup(move || {
        if let Some(timer) = timer.try_get_value().flatten() {
            timer.clear();
        }
    });

    let message = move || match outcome.get() {
        Some(Outcome::Copied) => locale.strings().copy_done,
        Some(Outcome::Refused) => locale.strings().copy_refused,
        None => "",
    };
    view! {
        <button type="button" class="copy" aria-controls=field on:click=copy>
            {move || locale.strings().copy_button}
        </button>
        <span
            class="copy-status"
            role="status"
            aria-live="polite"
            data-outcome=move || match outcome.get() {
                Some(Outcome::Copied) => "copied",
                Some(Outcome::Refused) => "refused",
                None => "",
            }
        >
            {message}
        </span>
    }
}

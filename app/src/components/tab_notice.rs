//! Said when another tab of this browser has the document
//! ([`crate::tab_lock`]): why this one shows nothing, and a button that
//! moves the document here. Test hooks: `#tab-notice`, `#use-here`.

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::session::{use_doc_session, Tab};

#[component]
pub fn TabNotice() -> impl IntoView {
    let locale = use_locale();
    let session = use_doc_session();
    let tab = session.tab();
    let message = move || match tab.get() {
        Tab::Elsewhere => Some(locale.strings().tab_elsewhere),
        Tab::Lost => Some(locale.strings().tab_lost),
        Tab::Claiming | Tab::Mine => None,
    };
    move || {
        message().map(|message| {
            view! {
                <div id="tab-notice" class="tab-notice" role="alert">
                    <p>{message}</p>
                    <button id="use-here" type="button" on:click=move |_| session.use_here()>
                        {move || locale.strings().tab_use_here}
                    </button>
                </div>
            }
        })
    }
}

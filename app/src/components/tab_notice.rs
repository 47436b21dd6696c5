//! Said when another tab of this browser has the document
//! ([`crate::platform::tab_lock`]): why this one shows nothing, and a button that
//! moves the document here. Test hooks: `#tab-notice`, `#use-here`.

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::session::{use_tab, Tab};

#[component]
pub fn TabNotice() -> impl IntoView {
    let locale = use_locale();
    let handle = use_tab();
    let tab = handle.tab;
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
                    <button id="use-here" type="button" on:click=move |_| handle.use_here.run(())>
                        {move || locale.strings().tab_use_here}
                    </button>
                </div>
            }
        })
    }
}

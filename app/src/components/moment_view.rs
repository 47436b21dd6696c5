//! The text at one checkpoint (issue 11; helper timeline), read-only,
//! with who-wrote-what colours, in place of the editor.

use leptos::prelude::*;

#[component]
pub fn MomentView(#[prop(into)] id: Signal<String>) -> impl IntoView {
    view! { <div class="moment-view" data-checkpoint=id></div> }
}

//! Arguments inside texts (issue 14, lead): "Insérer un argument" and the
//! panel of the arguments a text quotes. Placeholders until they land.

use leptos::prelude::*;

#[component]
pub fn CiteButton() -> impl IntoView {
    view! { <span class="cite" hidden=true></span> }
}

#[component]
pub fn CitationsPanel() -> impl IntoView {
    view! { <div class="citations"></div> }
}

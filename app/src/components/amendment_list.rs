//! The Amendments panel (helper list): the list, its filters and orders,
//! competing groups shown together. Stub until the helper lands it.

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::panels::Panel;

#[component]
pub fn AmendmentsPanel() -> impl IntoView {
    let locale = use_locale();
    let heading = format!("{}-heading", Panel::Amendments.id());
    view! {
        <h2 id=heading tabindex="-1">{move || locale.strings().amendments_button}</h2>
    }
}

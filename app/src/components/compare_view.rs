//! Two moments compared (issue 11; helper compare), in place of the
//! editor: the attributed word-level diff, inline and side by side, the
//! summary per person, next and previous change, print.

use leptos::prelude::*;
use model::history::Moment;

#[component]
pub fn CompareView(
    #[prop(into)] from: Signal<Moment>,
    #[prop(into)] to: Signal<Moment>,
) -> impl IntoView {
    let _ = (from, to);
    view! { <div class="compare-view"></div> }
}

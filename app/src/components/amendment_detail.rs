//! One amendment in full (helper detail): its number and lines, the
//! passage and the proposed wording as a diff, its rationale, history,
//! comments and supports, and what this link may do with it. Stub until
//! the helper lands it.

use leptos::prelude::*;

#[component]
pub fn AmendmentDetail(id: String) -> impl IntoView {
    view! { <article class="amendment-detail" data-id=id></article> }
}

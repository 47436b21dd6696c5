//! Filing an amendment (helper detail): the bar's "Proposer un
//! amendement" button and the form it opens for the selected passage.
//! Stub until the helper lands it.

use leptos::prelude::*;

/// The bar's button; nothing for a view link.
#[component]
pub fn ProposeButton() -> impl IntoView {}

/// The filing form, shown while [`crate::amendment_ui::AmendUi::filing`]
/// is set.
#[component]
pub fn AmendmentForm() -> impl IntoView {}

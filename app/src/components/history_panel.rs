//! The history panel (issue 11; helper timeline): the timeline of
//! checkpoints, the slider and step buttons, play, named versions,
//! restore, and the way into the comparison.

use leptos::prelude::*;

use crate::panels::Panel;

#[component]
pub fn HistoryPanel() -> impl IntoView {
    view! { <h2 id=format!("{}-heading", Panel::History.id()) tabindex="-1">"History"</h2> }
}

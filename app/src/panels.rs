//! The document page's side panel area: one panel at a time (right of the
//! text on a wide screen, a bottom sheet on a phone). The bar's buttons
//! toggle a [`Panel`] through the [`Panels`] context; closing a panel
//! (its close button, Escape, or the same bar button again) gives focus
//! back to the button that opened it, so focus is never lost.
//!
//! History and amendments (issues 11 and 12) get their places here now so
//! the page does not change shape when they arrive.

use leptos::prelude::*;

use crate::platform::page;

/// What the panel area can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Panel {
    /// The links, their QR code, saving them.
    Share,
    /// Everyone here, this person's name and colour, the colours' legend.
    People,
    /// The Markdown syntax, on one screen.
    Markdown,
    /// The keyboard shortcuts.
    Shortcuts,
    /// The text's history (issue 11).
    History,
    /// The amendments (issue 12).
    Amendments,
    /// Meetings: the one under way (the chair's controls), the past ones,
    /// their booklet and review (issue 13).
    Meeting,
    /// The arguments a text quotes, and their updates (issue 14).
    Citations,
}

impl Panel {
    /// The id of the bar button that opens it, which gets focus back when
    /// it closes.
    pub fn opener_id(self) -> &'static str {
        match self {
            Panel::Share => "open-share",
            Panel::People => "open-people",
            Panel::Markdown => "open-markdown",
            Panel::Shortcuts => "open-shortcuts",
            Panel::History => "open-history",
            Panel::Amendments => "open-amendments",
            Panel::Meeting => "open-meeting",
            Panel::Citations => "open-citations",
        }
    }

    /// The panel element's id (`aria-controls` of its opener).
    pub fn id(self) -> &'static str {
        match self {
            Panel::Share => "share-panel",
            Panel::People => "people-panel",
            Panel::Markdown => "markdown-panel",
            Panel::Shortcuts => "shortcuts-panel",
            Panel::History => "history-panel",
            Panel::Amendments => "amendments-panel",
            Panel::Meeting => "meeting-panel",
            Panel::Citations => "citations-panel",
        }
    }
}

/// Which panel is open, if any, and where focus goes back on closing.
#[derive(Clone, Copy, Debug)]
pub struct Panels {
    open: RwSignal<Option<Panel>>,
    /// The element id focus returns to when the open panel closes: its bar
    /// button, or whatever opened it otherwise (the editor, for the name
    /// prompt).
    return_to: StoredValue<Option<String>>,
}

impl Panels {
    pub fn provide() -> Self {
        let panels = Panels {
            open: RwSignal::new(None),
            return_to: StoredValue::new(None),
        };
        provide_context(panels);
        panels
    }

    /// The open panel (tracked).
    pub fn open(self) -> Option<Panel> {
        self.open.get()
    }

    /// Whether `panel` is the open one (tracked).
    pub fn is_open(self, panel: Panel) -> bool {
        self.open.get() == Some(panel)
    }

    /// Open `panel` (closing any other); focus comes back to its bar
    /// button when it closes.
    pub fn show(self, panel: Panel) {
        self.show_from(panel, panel.opener_id());
    }

    /// Open `panel`; focus comes back to the element `return_to` (an id)
    /// when it closes.
    pub fn show_from(self, panel: Panel, return_to: &str) {
        self.return_to.set_value(Some(return_to.to_owned()));
        self.open.set(Some(panel));
        // The panel's heading takes focus once it is drawn, so a screen
        // reader says where the person is.
        request_animation_frame(move || page::focus_first_in(panel.id()));
    }

    /// Open `panel` without moving focus (a click in the text opening an
    /// amendment beside it: the person keeps typing); focus comes back to
    /// its bar button if it closes by Escape.
    pub fn reveal(self, panel: Panel) {
        if self.open.get_untracked() != Some(panel) {
            self.return_to.set_value(Some(panel.opener_id().to_owned()));
            self.open.set(Some(panel));
        }
    }

    /// Open `panel`, or close it if it is the open one.
    pub fn toggle(self, panel: Panel) {
        if self.open.get_untracked() == Some(panel) {
            self.close();
        } else {
            self.show(panel);
        }
    }

    /// Close the open panel and give focus back.
    pub fn close(self) {
        if self.open.get_untracked().is_none() {
            return;
        }
        self.open.set(None);
        if let Some(id) = self.return_to.get_value() {
            // On the next frame, once the panel is gone; not if the
            // person went back to the text meanwhile (a keystroke there
            // would go to the button).
            request_animation_frame(move || page::restore_focus(&id));
        }
    }
}

/// The [`Panels`] the document page provides.
pub fn use_panels() -> Panels {
    use_context().expect("the document page provides Panels")
}

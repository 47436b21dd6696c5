//! How the document page shows the text: the editor alone, the editor and
//! the Markdown preview side by side, or the preview alone. The choice is
//! the person's and is remembered in this browser (`localStorage`), for
//! every document; the switch itself is
//! [`crate::components::text_views`].

use crate::platform::storage;

const STORAGE_KEY: &str = "cahier.view";

/// What the document page shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ViewMode {
    /// The editor only.
    #[default]
    Write,
    /// The editor and the preview beside it (stacked on a narrow screen).
    Split,
    /// The rendered text only.
    Preview,
}

impl ViewMode {
    /// Every mode, in the order the switch shows them.
    pub const ALL: [ViewMode; 3] = [ViewMode::Write, ViewMode::Split, ViewMode::Preview];

    /// The name kept in storage and set as `data-mode` (the tests' hook).
    pub fn tag(self) -> &'static str {
        match self {
            ViewMode::Write => "write",
            ViewMode::Split => "split",
            ViewMode::Preview => "preview",
        }
    }

    /// The mode named `tag`, if there is one.
    pub fn from_tag(tag: &str) -> Option<ViewMode> {
        ViewMode::ALL.into_iter().find(|mode| mode.tag() == tag)
    }

    pub fn shows_editor(self) -> bool {
        self != ViewMode::Preview
    }

    pub fn shows_preview(self) -> bool {
        self != ViewMode::Write
    }

    /// The mode chosen earlier in this browser, or the default. Browser
    /// only.
    pub fn stored() -> ViewMode {
        storage::get(STORAGE_KEY)
            .and_then(|tag| ViewMode::from_tag(&tag))
            .unwrap_or_default()
    }

    /// Remember this mode in this browser. Browser only.
    pub fn store(self) {
        storage::set(STORAGE_KEY, self.tag());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_reads_back_from_its_tag() {
        for mode in ViewMode::ALL {
            assert_eq!(ViewMode::from_tag(mode.tag()), Some(mode));
        }
        assert_eq!(ViewMode::from_tag("Preview"), None);
        assert_eq!(ViewMode::from_tag(""), None);
    }

    #[test]
    fn each_mode_shows_the_editor_the_preview_or_both() {
        let shown: Vec<(bool, bool)> = ViewMode::ALL
            .iter()
            .map(|m| (m.shows_editor(), m.shows_preview()))
            .collect();
        assert_eq!(shown, [(true, false), (true, true), (false, true)]);
        assert_eq!(ViewMode::default(), ViewMode::Write);
    }
}

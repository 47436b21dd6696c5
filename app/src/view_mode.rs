//! How the document page shows the text: the editor alone, the editor and
//! the Markdown preview side by side, or the preview alone. The choice is
//! the person's and is remembered in this browser (`localStorage`), for
//! every document; the switch itself is
//! [`crate::components::text_views`].

use crate::platform::storage;

const STORAGE_KEY: &str = "cahier.view";
/// A reader's choice is kept apart: the editor is of no use to them, so
/// their default is the rendered text.
const READER_KEY: &str = "cahier.view.reader";

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

    /// The mode a person gets before choosing one: the editor for a
    /// writer, the rendered text for a reader.
    pub fn default_for(can_write: bool) -> ViewMode {
        if can_write {
            ViewMode::Write
        } else {
            ViewMode::Preview
        }
    }

    /// The mode chosen earlier in this browser (writers and readers each
    /// have theirs), or the default. Browser only.
    pub fn stored(can_write: bool) -> ViewMode {
        storage::get(Self::key(can_write))
            .and_then(|tag| ViewMode::from_tag(&tag))
            .unwrap_or_else(|| Self::default_for(can_write))
    }

    /// Remember this mode in this browser. Browser only.
    pub fn store(self, can_write: bool) {
        storage::set(Self::key(can_write), self.tag());
    }

    fn key(can_write: bool) -> &'static str {
        if can_write {
            STORAGE_KEY
        } else {
            READER_KEY
        }
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
        assert_eq!(ViewMode::default_for(true), ViewMode::Write);
        assert_eq!(ViewMode::default_for(false), ViewMode::Preview);
        assert_ne!(ViewMode::key(true), ViewMode::key(false));
    }
}

//! What the document page's text area shows: the text being edited, or,
//! from the history panel, the text at one checkpoint (read-only, with
//! who-wrote-what colours), or two moments compared. The history panel
//! sets it; the page's text area reads it; closing the panel goes back to
//! the text.

use leptos::prelude::*;
use model::history::Moment;

/// What the text area shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum HistoryView {
    /// The text, as edited.
    #[default]
    Text,
    /// The text at a checkpoint, by id.
    At(String),
    /// Two moments compared, the earlier first.
    Compare { from: Moment, to: Moment },
}

/// The page's [`HistoryView`], a context.
#[derive(Clone, Copy)]
pub struct HistoryViewState(pub RwSignal<HistoryView>);

impl HistoryViewState {
    pub fn provide() -> Self {
        let state = HistoryViewState(RwSignal::new(HistoryView::Text));
        provide_context(state);
        state
    }
}

/// The [`HistoryViewState`] the document page provides.
pub fn use_history_view() -> HistoryViewState {
    use_context().expect("the document page provides its HistoryViewState")
}

//! What the amendment views share on the document page: the amendment
//! open in the detail, the list's filter and order, and the filing form's
//! target. Provided by the document page ([`AmendUi::provide`]); read with
//! [`use_amend_ui`].

use leptos::prelude::*;
use model::amendments::{Filter, Sort};

/// Where the filing form files: a passage of the body (UTF-16 offsets;
/// `start == end` an insertion point), or a sub-amendment of `parent`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilingTarget {
    pub start: u32,
    pub end: u32,
    pub parent: Option<String>,
    /// Revising this amendment (its author), instead of filing a new one.
    pub revising: Option<String>,
}

#[derive(Clone, Copy)]
pub struct AmendUi {
    /// The amendment shown in the detail, by id.
    pub selected: RwSignal<Option<String>>,
    pub filter: RwSignal<Filter>,
    pub sort: RwSignal<Sort>,
    /// The filing form is open, for this target.
    pub filing: RwSignal<Option<FilingTarget>>,
}

impl AmendUi {
    pub fn provide() -> Self {
        let ui = AmendUi {
            selected: RwSignal::new(None),
            filter: RwSignal::new(Filter::default()),
            sort: RwSignal::new(Sort::default()),
            filing: RwSignal::new(None),
        };
        provide_context(ui);
        ui
    }
}

/// The [`AmendUi`] the document page provides.
pub fn use_amend_ui() -> AmendUi {
    use_context().expect("the document page provides AmendUi")
}

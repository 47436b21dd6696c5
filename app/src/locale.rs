//! The `Locale` context: which language the interface speaks, chosen once
//! from the browser and changed by the switch. Components read their words
//! with `use_locale().strings()`; the words themselves are in
//! [`crate::strings`].

use leptos::prelude::*;

use crate::platform::{page, storage};
use crate::strings::{Lang, Strings};

/// Where the language a person picked with the switch is kept.
const LANG_KEY: &str = "cahier.lang";

/// The interface language, shared by every component.
#[derive(Clone, Copy, Debug)]
pub struct Locale {
    lang: RwSignal<Lang>,
}

impl Locale {
    /// Provide the context, starting from the person's earlier choice, or
    /// else from the browser's languages.
    pub fn provide() -> Self {
        let start = storage::get(LANG_KEY)
            .as_deref()
            .and_then(Lang::from_tag)
            .unwrap_or_else(|| Lang::negotiate(page::languages().iter().map(String::as_str)));
        let locale = Locale {
            lang: RwSignal::new(start),
        };
        provide_context(locale);
        locale
    }

    /// The current language (tracked).
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// The current language's words (tracked).
    pub fn strings(&self) -> &'static Strings {
        self.lang.get().strings()
    }

    /// Switch language, and remember the choice in this browser.
    pub fn set(&self, lang: Lang) {
        storage::set(LANG_KEY, lang.tag());
        self.lang.set(lang);
    }
}

/// The [`Locale`] that [`crate::App`] provides.
pub fn use_locale() -> Locale {
    use_context().expect("App provides the Locale before mounting any component")
}

//! The `Presence` context: who this browser's person is (the name they go
//! by, possibly not given yet, and their colour), kept in `localStorage`
//! so it is the same in every document and every visit, and whether the
//! text is coloured by author. The room's side of presence (telling the
//! others, hearing them) is the session's ([`crate::session`]); the
//! payload and the palette are [`model::awareness`]'s.

use leptos::prelude::*;

use model::awareness::{clean_name, is_colour, pick_colour};
use model::Person;

use crate::platform::storage;

const NAME_KEY: &str = "cahier.name";
const COLOUR_KEY: &str = "cahier.colour";

/// This browser's person, and the "who wrote what" switch.
#[derive(Clone, Copy, Debug)]
pub struct Presence {
    /// Empty until the person gives one.
    name: RwSignal<String>,
    colour: RwSignal<String>,
    authorship: RwSignal<bool>,
}

impl Presence {
    /// Provide the context from what this browser kept, choosing (and
    /// keeping) a colour the first time.
    pub fn provide() -> Self {
        let name = storage::get(NAME_KEY)
            .map(|name| clean_name(&name))
            .unwrap_or_default();
        let colour = storage::get(COLOUR_KEY)
            .filter(|colour| is_colour(colour))
            .unwrap_or_else(|| {
                let colour = pick_colour(js_sys::Math::random()).to_owned();
                storage::set(COLOUR_KEY, &colour);
                colour
            });
        let presence = Presence {
            name: RwSignal::new(name),
            colour: RwSignal::new(colour),
            authorship: RwSignal::new(false),
        };
        provide_context(presence);
        presence
    }

    /// The name given, or an empty string (tracked).
    pub fn name(&self) -> Signal<String> {
        self.name.into()
    }

    pub fn colour(&self) -> Signal<String> {
        self.colour.into()
    }

    /// The person as the room sees them (tracked).
    pub fn person(&self) -> Person {
        Person {
            name: self.name.get(),
            colour: self.colour.get(),
        }
    }

    /// Change the name, and keep it in this browser.
    pub fn set_name(&self, name: &str) {
        let name = clean_name(name);
        storage::set(NAME_KEY, &name);
        self.name.set(name);
    }

    /// Whether the text is coloured by author.
    pub fn authorship(&self) -> Signal<bool> {
        self.authorship.into()
    }

    pub fn set_authorship(&self, on: bool) {
        self.authorship.set(on);
    }
}

/// The [`Presence`] the document page provides.
pub fn use_presence() -> Presence {
    use_context().expect("the document page provides the Presence")
}

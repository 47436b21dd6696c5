//! The `Presence` context: who this browser's person is (the name they go
//! by, possibly not given yet, the colour they prefer, and the browser's
//! identity: 16 random bytes in hex, written in each `people` entry so a
//! person's entries are known as theirs), kept in `localStorage` so it is
//! the same in every document and every visit, and whether the text is
//! coloured by author. The colour a room shows may differ from the one
//! preferred when someone else holds it there
//! ([`crate::session::RoomPresence::my_colour`]). The room's side of presence (telling the
//! others, hearing them) is the session's ([`crate::session`]); the
//! payload and the palette are [`model::awareness`]'s.

use leptos::prelude::*;

use model::awareness::{clean_name, is_colour, pick_colour, PALETTE};
use model::Person;

use crate::platform::storage;

const NAME_KEY: &str = "cahier.name";
const COLOUR_KEY: &str = "cahier.colour";
const IDENTITY_KEY: &str = "cahier.identity";
/// Set when the person waved the name prompt away: not asked again.
const DECLINED_KEY: &str = "cahier.name-declined";
/// How many random bytes an identity has (written in hex).
const IDENTITY_BYTES: usize = 16;

/// This browser's person, and the "who wrote what" switch.
#[derive(Clone, Copy, Debug)]
pub struct Presence {
    /// Empty until the person gives one.
    name: RwSignal<String>,
    colour: RwSignal<String>,
    identity: StoredValue<String>,
    /// The person waved the name prompt away.
    declined: RwSignal<bool>,
    authorship: RwSignal<bool>,
}

/// This browser's identity: the one kept, or a new one (kept if the
/// browser lets it be).
fn identity() -> String {
    if let Some(kept) = storage::get(IDENTITY_KEY).filter(|id| is_identity(id)) {
        return kept;
    }
    let mut bytes = [0u8; IDENTITY_BYTES];
    if getrandom::getrandom(&mut bytes).is_err() {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    let identity: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    storage::set(IDENTITY_KEY, &identity);
    identity
}

/// The palette's colour nearest to `colour` (`#rrggbb`), by RGB distance.
fn nearest(colour: &str) -> &'static str {
    let rgb =
        |c: &str| [1, 3, 5].map(|i| i32::from(u8::from_str_radix(&c[i..i + 2], 16).unwrap_or(0)));
    let from = rgb(colour);
    PALETTE
        .iter()
        .min_by_key(|c| {
            let to = rgb(c);
            (0..3).map(|i| (from[i] - to[i]).pow(2)).sum::<i32>()
        })
        .copied()
        .unwrap_or(PALETTE[0])
}

fn is_identity(text: &str) -> bool {
    text.len() == 2 * IDENTITY_BYTES && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Presence {
    /// Provide the context from what this browser kept, choosing (and
    /// keeping) a colour the first time.
    pub fn provide() -> Self {
        let name = storage::get(NAME_KEY)
            .map(|name| clean_name(&name))
            .unwrap_or_default();
        // A colour of an earlier palette becomes the nearest of this one.
        let colour = match storage::get(COLOUR_KEY).filter(|colour| is_colour(colour)) {
            Some(colour) if PALETTE.contains(&colour.as_str()) => colour,
            kept => {
                let colour = kept
                    .map(|colour| nearest(&colour))
                    .unwrap_or_else(|| pick_colour(js_sys::Math::random()))
                    .to_owned();
                storage::set(COLOUR_KEY, &colour);
                colour
            }
        };
        let presence = Presence {
            name: RwSignal::new(name),
            colour: RwSignal::new(colour),
            identity: StoredValue::new(identity()),
            declined: RwSignal::new(storage::get(DECLINED_KEY).is_some()),
            authorship: RwSignal::new(false),
        };
        provide_context(presence);
        presence
    }

    /// The name given, or an empty string (tracked).
    pub fn name(&self) -> Signal<String> {
        self.name.into()
    }

    /// The colour the person prefers (tracked).
    pub fn colour(&self) -> Signal<String> {
        self.colour.into()
    }

    /// The person as this browser keeps them (tracked): the room may show
    /// another colour.
    pub fn person(&self) -> Person {
        Person {
            name: self.name.get(),
            colour: self.colour.get(),
            identity: Some(self.identity.get_value()),
        }
    }

    /// Choose a colour of the palette, and keep it in this browser.
    pub fn set_colour(&self, colour: &str) {
        if let Some(colour) = PALETTE.iter().find(|c| **c == colour) {
            storage::set(COLOUR_KEY, colour);
            self.colour.set((*colour).to_owned());
        }
    }

    /// Whether the person waved the name prompt away (tracked).
    pub fn declined(&self) -> Signal<bool> {
        self.declined.into()
    }

    /// The person does not want to give a name now: not asked again in
    /// this browser (the People panel still has the form).
    pub fn decline(&self) {
        storage::set(DECLINED_KEY, "1");
        self.declined.set(true);
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

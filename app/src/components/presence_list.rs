//! Who is here: this browser's person first, then the co-authors heard
//! from lately ([`crate::session::RoomPresence::peers`]), each with a dot of
//! their colour, and a mark for read-only links. The test hooks: the list
//! is `#presence`, one `li` per person with `data-name`, `data-colour`,
//! `data-you` and `data-read-only`.

use leptos::prelude::*;
use model::awareness::display_name;

use crate::locale::use_locale;
use crate::presence::use_presence;
use crate::session::{use_doc_text, use_room_presence};

/// One line of the list.
#[derive(Clone, PartialEq)]
struct Row {
    name: String,
    colour: String,
    you: bool,
    can_write: bool,
}

#[component]
pub fn PresenceList() -> impl IntoView {
    let locale = use_locale();
    let can_write = use_doc_text().can_write;
    let peers = use_room_presence().peers;
    let presence = use_presence();
    let rows = move || {
        let unnamed = locale.strings().presence_unnamed;
        let me = Row {
            name: display_name(&presence.name().get(), unnamed),
            colour: presence.colour().get(),
            you: true,
            can_write,
        };
        // The others in the order the relay let them in (its peer ids).
        let others = peers
            .get()
            .into_iter()
            .map(|peer| Row {
                name: display_name(&peer.state.name, unnamed),
                colour: peer.state.colour,
                you: false,
                can_write: peer.state.can_write,
            })
            .map(|row| view! { <PersonRow row /> });
        (view! { <PersonRow row=me /> }, others.collect_view())
    };
    view! {
        <section class="presence">
            <h2>{move || locale.strings().presence_title}</h2>
            <ul id="presence">
                {rows}
            </ul>
        </section>
    }
}

#[component]
fn PersonRow(row: Row) -> impl IntoView {
    let locale = use_locale();
    let Row {
        name,
        colour,
        you,
        can_write,
    } = row;
    let (data_name, data_colour) = (name.clone(), colour.clone());
    view! {
        <li
            data-name=data_name
            data-colour=data_colour
            data-you=you.to_string()
            data-read-only=(!can_write).to_string()
        >
            <span class="dot" style:background-color=colour aria-hidden="true"></span>
            <span class="name">{name}</span>
            {you.then(|| view! { " " <span class="you">{move || locale.strings().presence_you}</span> })}
            {(!can_write)
                .then(|| {
                    view! {
                        " "
                        <span class="read-only">{move || locale.strings().presence_read_only}</span>
                    }
                })}
        </li>
    }
}

//! Who is here: this browser's person first, then the co-authors heard
//! from lately ([`crate::session::RoomPresence::peers`]), each with a dot of
//! their colour, and a mark for read-only links. While offline, the others
//! are those who were here at the last contact, each marked with when they
//! were last heard. The People panel shows it ([`super::people`]).
//!
//! The test hooks: the list is `#presence`, one `li` per person with
//! `data-name`, `data-colour`, `data-you`, `data-read-only` and, while
//! offline, `data-last-seen` (the time shown) on the others.

use leptos::prelude::*;
use model::awareness::{display_name, Peer};

use crate::locale::use_locale;
use crate::presence::use_presence;
use crate::session::{use_doc_text, use_room_presence, use_status};
use crate::status::Connection;

/// One person of the list (and of the bar's initials).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub name: String,
    pub colour: String,
    pub you: bool,
    pub can_write: bool,
    /// While offline, when the person was last heard (`HH:MM`).
    pub last_seen: Option<String>,
}

/// Everyone here, this person first, then the others in the order the
/// relay let them in (its peer ids). Tracked.
pub fn people_here() -> Vec<Row> {
    let locale = use_locale();
    let can_write = use_doc_text().can_write;
    let room = use_room_presence();
    let presence = use_presence();
    let online = use_status().connection.get() == Connection::Online;
    let unnamed = locale.strings().presence_unnamed;
    let me = Row {
        name: display_name(&presence.name().get(), unnamed),
        colour: room
            .my_colour
            .get()
            .unwrap_or_else(|| presence.colour().get()),
        you: true,
        can_write,
        last_seen: None,
    };
    let others = room.peers.get().into_iter().map(|peer: Peer| Row {
        name: display_name(&peer.state.name, unnamed),
        colour: peer.state.colour,
        you: false,
        can_write: peer.state.can_write,
        last_seen: (!online).then(|| clock(peer.seen)),
    });
    std::iter::once(me).chain(others).collect()
}

/// `HH:MM` in the browser's time zone, for a time in milliseconds.
fn clock(ms: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

#[component]
pub fn PresenceList() -> impl IntoView {
    let locale = use_locale();
    let status = use_status();
    let offline_note = move || {
        (status.connection.get() != Connection::Online).then(
            || view! { <p class="people-offline">{move || locale.strings().people_offline}</p> },
        )
    };
    view! {
        <section class="presence">
            <h3>{move || locale.strings().presence_title}</h3>
            {offline_note}
            <ul id="presence">
                {move || {
                    people_here()
                        .into_iter()
                        .map(|row| view! { <PersonRow row /> })
                        .collect_view()
                }}
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
        last_seen,
    } = row;
    let (data_name, data_colour) = (name.clone(), colour.clone());
    let stale = last_seen.is_some();
    let seen = last_seen.clone().map(|time| {
        view! {
            " "
            <span class="last-seen">
                {move || locale.strings().people_last_seen.replace("{time}", &time)}
            </span>
        }
    });
    view! {
        <li
            data-name=data_name
            data-colour=data_colour
            data-you=you.to_string()
            data-read-only=(!can_write).to_string()
            data-last-seen=last_seen
            class:stale=stale
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
            {seen}
        </li>
    }
}

//! The people of the document page: the bar's button (coloured initials of
//! the people here, a few then "+N", opening the People panel), the panel
//! itself (everyone here, this person's name and colour, the legend of
//! who wrote what), and the name prompt a writer without a name gets at
//! their first edit.
//!
//! The prompt is not modal and takes no focus: it is a strip under the
//! bar, above the text, that covers nothing (the text moves down by a line)
//! while the person keeps typing, so it never steals the caret. It comes
//! right after the bar in the page's order, before the text, so Shift+Tab
//! from the text reaches it (past the formatting bar, if any), and so does
//! the mouse; it is not shown while the People panel (which has the name
//! form) is open; saving the name or "Not now" (or Escape in
//! it) puts focus back in the editor. "Not now" is remembered in this
//! browser: the panel's name form stays there for later. A reader is
//! never prompted.
//!
//! The colours are [`model::awareness`]'s: the choice offers the palette,
//! each colour someone else holds here marked with their name and not
//! offered; the room may show another colour than the one chosen when
//! someone holds it more firmly ([`crate::session::RoomPresence::my_colour`]).

use std::collections::BTreeMap;

use leptos::ev::KeyboardEvent;
use leptos::html::Input;
use leptos::prelude::*;
use leptos::web_sys::SubmitEvent;
use model::awareness::{display_name, MAX_NAME_CHARS, PALETTE};

use crate::components::name_field::NameField;
use crate::components::presence_list::{people_here, PresenceList};
use crate::locale::use_locale;
use crate::panels::{use_panels, Panel};
use crate::platform::page;
use crate::presence::use_presence;
use crate::session::{use_doc_text, use_room_presence};

/// How many initials the bar shows before "+N".
const INITIALS: usize = 3;

/// The first letter of a name, as the bar shows it.
fn initial(name: &str) -> String {
    name.chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".to_owned())
}

/// The bar's button: the people here as coloured initials; it opens and
/// closes the People panel.
#[component]
pub fn PeopleButton() -> impl IntoView {
    let locale = use_locale();
    let panels = use_panels();
    let rows = Memo::new(move |_| people_here());
    let label = move || {
        locale
            .strings()
            .people_button
            .replace("{n}", &rows.get().len().to_string())
    };
    let initials = move || {
        let rows = rows.get();
        let more = rows.len().saturating_sub(INITIALS);
        let shown = rows
            .into_iter()
            .take(INITIALS)
            .map(|row| {
                view! {
                    <span
                        class="initial"
                        class:you=row.you
                        class:stale=row.last_seen.is_some()
                        style:background-color=row.colour
                    >
                        {initial(&row.name)}
                    </span>
                }
            })
            .collect_view();
        (
            shown,
            (more > 0).then(|| view! { <span class="more">{format!("+{more}")}</span> }),
        )
    };
    view! {
        <button
            type="button"
            id=Panel::People.opener_id()
            class="people-button"
            aria-expanded=move || panels.is_open(Panel::People).to_string()
            aria-controls=Panel::People.id()
            aria-label=label
            title=label
            on:click=move |_| panels.toggle(Panel::People)
        >
            <span class="initials" aria-hidden="true">
                {initials}
            </span>
        </button>
    }
}

/// The People panel's content: its heading and close button, everyone
/// here, the name form, the colour choice and the legend.
#[component]
pub fn PeoplePanel() -> impl IntoView {
    let locale = use_locale();
    let panels = use_panels();
    let heading = format!("{}-heading", Panel::People.id());
    view! {
        <div class="panel-head">
            <h2 id=heading tabindex="-1" data-autofocus>
                {move || locale.strings().people_heading}
            </h2>
            <button type="button" class="panel-close" on:click=move |_| panels.close()>
                {move || locale.strings().panel_close}
            </button>
        </div>
        <div class="people">
            <PresenceList />
            <NameField />
            <ColourChoice />
            <Legend />
        </div>
    }
}

/// The palette as radio buttons: the colour shown here checked, the ones
/// someone else holds marked with their name and disabled.
#[component]
fn ColourChoice() -> impl IntoView {
    let locale = use_locale();
    let presence = use_presence();
    let room = use_room_presence();
    let choices = move || {
        room.peers.track();
        room.people_revision.track();
        let mine = room
            .my_colour
            .get()
            .unwrap_or_else(|| presence.colour().get());
        let claims = room.claims();
        let strings = locale.strings();
        PALETTE
            .iter()
            .zip(strings.colour_names)
            .map(|(colour, name)| {
                let colour = *colour;
                let holder = claims
                    .holder(colour)
                    .filter(|_| colour != mine)
                    .map(|claim| display_name(&claim.name, strings.presence_unnamed));
                let taken = holder.clone().map(|who| {
                    let said = strings.colour_taken_by.replace("{name}", &who);
                    view! { <small class="taken-by">{said}</small> }
                });
                view! {
                    <label class="colour" class:taken=holder.is_some()>
                        <input
                            type="radio"
                            name="my-colour"
                            value=colour
                            prop:checked=colour == mine
                            disabled=holder.is_some()
                            on:change=move |_| presence.set_colour(colour)
                        />
                        <span class="swatch" style:background-color=colour aria-hidden="true"></span>
                        <span class="colour-text">
                            <span class="colour-name">{name}</span>
                            {taken}
                        </span>
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset id="colour-choice" class="colour-choice">
            <legend>{move || locale.strings().colour_heading}</legend>
            <p class="hint">{move || locale.strings().colour_hint}</p>
            <div class="colours">{choices}</div>
        </fieldset>
    }
}

/// Everyone in `people` with their colour: whose words have which colour.
/// One line per person (per browser identity; an entry from before
/// identities is its name and colour).
#[component]
fn Legend() -> impl IntoView {
    let locale = use_locale();
    let room = use_room_presence();
    let entries = move || {
        room.people_revision.track();
        let unnamed = locale.strings().presence_unnamed;
        let mut people: BTreeMap<String, (u64, String, String)> = BTreeMap::new();
        for (client, person) in room.people() {
            let key = person
                .identity
                .clone()
                .unwrap_or_else(|| format!("{}\u{0}{}", person.name, person.colour));
            people.entry(key).or_insert((
                client,
                display_name(&person.name, unnamed),
                person.colour,
            ));
        }
        let mut people: Vec<_> = people.into_values().collect();
        people.sort_by_key(|(client, _, _)| *client);
        people
    };
    let list = move || {
        let people = entries();
        if people.is_empty() {
            return view! { <p class="legend-empty">{move || locale.strings().legend_empty}</p> }
                .into_any();
        }
        let items = people
            .into_iter()
            .map(|(_, name, colour)| {
                let safe = model::awareness::is_colour(&colour).then(|| colour.clone());
                let data_name = name.clone();
                view! {
                    <li data-name=data_name data-colour=colour>
                        <span class="swatch" style:background-color=safe aria-hidden="true"></span>
                        <span class="name">{name}</span>
                    </li>
                }
            })
            .collect_view();
        view! { <ul id="legend">{items}</ul> }.into_any()
    };
    view! {
        <section class="legend">
            <h3>{move || locale.strings().legend_heading}</h3>
            {list}
        </section>
    }
}

/// The name prompt: a writer without a name, at their first edit. See the
/// module docs for how it behaves.
#[component]
pub fn NamePrompt() -> impl IntoView {
    let locale = use_locale();
    let presence = use_presence();
    let room = use_room_presence();
    let can_write = use_doc_text().can_write;
    // Waved away, or answered, during this visit.
    let done = RwSignal::new(false);
    let input: NodeRef<Input> = NodeRef::new();
    let panels = use_panels();
    let shown = move || {
        can_write
            && room.edited.get()
            && !panels.is_open(Panel::People)
            && !done.get()
            && !presence.declined().get()
            && presence.name().get().is_empty()
    };
    // Focus moves to the text before the prompt goes, so it never falls to
    // the page's body in between (a screen reader would announce that, and
    // the next keystroke would be lost).
    let back_to_text = move || page::focus_id("editor");
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(field) = input.get() else {
            return;
        };
        presence.set_name(&field.value());
        if !presence.name().get_untracked().is_empty() {
            back_to_text();
            done.set(true);
        }
    };
    let later = move || {
        back_to_text();
        presence.decline();
        done.set(true);
    };
    let escape = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            later();
        }
    };
    move || {
        shown().then(|| {
            view! {
                <form
                    id="name-prompt"
                    class="name-prompt"
                    aria-labelledby="name-prompt-label"
                    on:submit=save
                    on:keydown=escape
                >
                    <label id="name-prompt-label" for="name-prompt-input">
                        {move || locale.strings().prompt_text}
                    </label>
                    <input
                        id="name-prompt-input"
                        type="text"
                        node_ref=input
                        maxlength=MAX_NAME_CHARS.to_string()
                        autocomplete="nickname"
                    />
                    <button type="submit">{move || locale.strings().name_save}</button>
                    <button type="button" class="later" on:click=move |_| later()>
                        {move || locale.strings().prompt_later}
                    </button>
                </form>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_initial_is_the_first_letter_in_capitals() {
        assert_eq!(initial("louise"), "L");
        assert_eq!(initial("  élodie"), "É");
        assert_eq!(initial("« Jean »"), "J");
        assert_eq!(initial("ßa"), "SS");
        assert_eq!(initial(""), "?");
    }
}

//! The projector / follow view (issue 13): full screen, large type, high
//! contrast, the amendment the chair put on screen (through the document,
//! so a late joiner and a view link follow too), the meeting's name and
//! the progress through the agenda ("3 / 12"), and "Aucun amendement à
//! l'écran" when there is none. Shown over the page while
//! [`crate::meeting_ui::MeetingUi::projector`] is set; Escape leaves it.
//!
//! An edit link's chair works it from the keyboard alone: → or N next,
//! ← or P previous, A adopt and R reject (a small form asks the vote;
//! Enter records it, Escape cancels), Shift+A adopted unanimously. A view
//! or amend link's projector has no control.
//!
//! Switching is fast because only the meeting's events are read again:
//! the amendments' overview is not rebuilt when the chair moves on, and
//! only the one amendment on screen is drawn.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::Element;
use model::amendments::{Counts, Status};

use crate::amendment_text::error_words;
use crate::components::meeting_amendment::OnScreen;
use crate::components::meeting_vote::{decide_and_say, MeetingVote};
use crate::locale::use_locale;
use crate::meeting_text::progress;
use crate::meeting_ui::use_meeting_ui;
use crate::platform::page;
use crate::session::{use_doc_amendments, use_doc_meetings};

#[component]
pub fn Projector() -> impl IntoView {
    let ui = use_meeting_ui();
    move || ui.projector.get().then(|| view! { <Screen /> })
}

/// Whether a key pressed in `target` belongs to what is typed there.
fn typing_in(target: Option<Element>) -> bool {
    target.is_some_and(|element| {
        matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
    })
}

#[component]
fn Screen() -> impl IntoView {
    let ui = use_meeting_ui();
    let meetings = use_doc_meetings();
    let amendments = use_doc_amendments();
    let locale = use_locale();
    let words = move || locale.strings();
    let chair = meetings.can_chair();
    let meeting = Memo::new(move |_| meetings.under_way());
    let id = Memo::new(move |_| meeting.with(|m| m.as_ref().map(|m| m.id.clone())));
    let agenda = Memo::new(move |_| {
        meeting.with(|m| m.as_ref().map(|m| m.agenda.clone()).unwrap_or_default())
    });
    let current = Memo::new(move |_| meeting.with(|m| m.as_ref().and_then(|m| m.current.clone())));
    let open_now = move || {
        let current = current.get_untracked();
        current
            .as_deref()
            .and_then(|id| amendments.overview().row(id).map(|row| row.is_open()))
            .unwrap_or(false)
    };
    let deciding = RwSignal::new(None::<Status>);
    let said = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<&'static str>);

    let leave = move || {
        ui.projector.set(false);
        request_animation_frame(|| page::focus_id("meeting-follow"));
    };
    let step = move |forward: bool| {
        let Some(id) = id.get_untracked() else { return };
        let result = if forward {
            meetings.next(&id)
        } else {
            meetings.previous(&id)
        };
        match result {
            Ok(_) => {
                problem.set(None);
                said.set(None);
                deciding.set(None);
            }
            Err(error) => problem.set(Some(error_words(words(), &error))),
        }
    };
    let ask = move |to: Status| {
        if !open_now() {
            return;
        }
        said.set(None);
        deciding.set(Some(to));
        request_animation_frame(|| page::focus_id("projector-vote-yes"));
    };
    let unanimous = move || {
        let Some(amendment) = current.get_untracked() else {
            return;
        };
        if !open_now() {
            return;
        }
        let counts = Counts {
            unanimous: true,
            ..Counts::default()
        };
        match decide_and_say(
            (meetings, amendments),
            words(),
            &amendment,
            Status::Adopted,
            Some(counts),
        ) {
            Ok(sentence) => {
                problem.set(None);
                said.set(Some(sentence));
            }
            Err(error) => problem.set(Some(error_words(words(), &error))),
        }
    };
    let keys = move |ev: KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
        let key = ev.key();
        if key == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            if deciding.get_untracked().is_some() {
                deciding.set(None);
                page::focus_id("projector");
            } else {
                leave();
            }
            return;
        }
        if !chair || typing_in(target) {
            return;
        }
        match key.as_str() {
            "ArrowRight" | "n" | "N" => step(true),
            "ArrowLeft" | "p" | "P" => step(false),
            "A" if ev.shift_key() => unanimous(),
            "a" => ask(Status::Adopted),
            "r" | "R" => ask(Status::Rejected),
            _ => return,
        }
        ev.prevent_default();
    };
    // The focus goes in when it opens.
    request_animation_frame(|| page::focus_id("projector"));

    let title = move || {
        meeting.with(|m| match m {
            Some(m) => m.name.clone(),
            None => words().meeting_projector_no_meeting.to_owned(),
        })
    };
    let place = move || {
        let (at, total) = agenda.with(|agenda| progress(agenda, current.get().as_deref()))?;
        let (at, total) = (at.to_string(), total.to_string());
        Some(view! {
            <p
                class="projector-progress"
                id="projector-progress"
                aria-label=words().meeting_progress_label.replace("{at}", &at).replace("{total}", &total)
            >
                {words().meeting_progress.replace("{at}", &at).replace("{total}", &total)}
            </p>
        })
    };
    let body = move || match current.get() {
        Some(amendment) => view! { <OnScreen id=amendment full=false /> }.into_any(),
        None => view! {
            <p class="projector-empty" id="projector-nothing">
                {move || {
                    if meeting.with(Option::is_some) {
                        words().meeting_nothing_on_screen
                    } else {
                        words().meeting_projector_no_meeting
                    }
                }}
            </p>
        }
        .into_any(),
    };
    let controls = chair.then(|| {
        let button = move |id_: &'static str, label: fn(&crate::strings::Strings) -> &'static str, run: Callback<()>| {
            view! {
                <button type="button" id=id_ on:click=move |_| run.run(())>
                    {move || label(words())}
                </button>
            }
        };
        view! {
            <footer class="projector-controls">
                <p class="projector-buttons">
                    {button("projector-previous", |w| w.meeting_previous, Callback::new(move |()| step(false)))}
                    {button("projector-next", |w| w.meeting_next, Callback::new(move |()| step(true)))}
                    {button("projector-adopt", |w| w.meeting_adopt, Callback::new(move |()| ask(Status::Adopted)))}
                    {button("projector-reject", |w| w.meeting_reject, Callback::new(move |()| ask(Status::Rejected)))}
                </p>
                <p class="projector-keys">{move || words().meeting_projector_keys}</p>
                <div class="projector-vote" hidden=move || deciding.get().is_none()>
                    <MeetingVote
                        target=current.into()
                        prefix="projector-vote"
                        only=deciding
                        said
                        done=Callback::new(move |()| {
                            deciding.set(None);
                            page::focus_id("projector");
                        })
                        cancel=Callback::new(move |()| {
                            deciding.set(None);
                            page::focus_id("projector");
                        })
                    />
                </div>
                <p class="projector-said" id="projector-said" role="status">{move || said.get()}</p>
                <p class="meeting-problem" role="alert" hidden=move || problem.with(Option::is_none)>
                    {move || problem.get()}
                </p>
            </footer>
        }
    });
    view! {
        <div
            id="projector"
            class="projector"
            role="dialog"
            aria-modal="true"
            aria-labelledby="projector-title"
            tabindex="-1"
            on:keydown=keys
        >
            <header class="projector-bar">
                <h2 id="projector-title">{title}</h2>
                {place}
                <button type="button" id="projector-leave" on:click=move |_| leave()>
                    {move || words().meeting_projector_leave}
                </button>
            </header>
            <div class="projector-body">{body}</div>
            {controls}
        </div>
    }
}

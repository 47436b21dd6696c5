//! The meeting panel (issue 13): for an edit link, "Ouvrir une séance"
//! (name, date), the agenda with the order assistant (drag or keyboard to
//! reorder, [`super::meeting_agenda`]), the amendment on screen with the
//! vote (pour / contre / abstention, unanimité, retiré en séance,
//! [`super::meeting_vote`]) and the decision, and "Clore la séance" (after
//! a confirmation); for every link, the meeting under way (what is on
//! screen, and "Suivre sur l'écran / projecteur") and the past meetings
//! with their minutes and their review ("Depuis cette séance"). Reads and
//! writes through [`crate::session::DocMeetings`]; an amend or view link
//! sees everything and no control.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use model::amendments::AmendError;
use model::meeting::{Meeting, Minute};

use crate::amendment_text::{error_words, lines_label, number_label};
use crate::components::meeting_agenda::MeetingAgenda;
use crate::components::meeting_amendment::OnScreen;
use crate::components::meeting_vote::MeetingVote;
use crate::locale::use_locale;
use crate::meeting_text::{outcome_words, progress, Outcome};
use crate::meeting_ui::use_meeting_ui;
use crate::panels::{use_panels, Panel};
use crate::platform::page;
use crate::session::{use_doc_amendments, use_doc_meetings};

/// Today's date as a date field holds it (`2026-12-12`), in local time.
fn today() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}

#[component]
pub fn MeetingPanel() -> impl IntoView {
    let locale = use_locale();
    let panels = use_panels();
    let meetings = use_doc_meetings();
    let heading = format!("{}-heading", Panel::Meeting.id());
    let chair = meetings.can_chair();
    let said = RwSignal::new(None::<String>);
    let under_way = Memo::new(move |_| meetings.under_way().map(|meeting| meeting.id));
    let body = move || {
        match under_way.get() {
        Some(id) => view! { <UnderWay id chair said /> }.into_any(),
        None if chair => view! { <OpenForm said /> }.into_any(),
        None => view! {
            <p class="meeting-none" id="meeting-none">{move || locale.strings().meeting_none_under_way}</p>
        }
        .into_any(),
    }
    };
    view! {
        <div class="panel-head">
            <h2 id=heading tabindex="-1" data-autofocus>
                {move || locale.strings().meeting_heading}
            </h2>
            <button type="button" class="panel-close" on:click=move |_| panels.close()>
                {move || locale.strings().panel_close}
            </button>
        </div>
        <p class="meeting-said" id="meeting-said" role="status">{move || said.get()}</p>
        {body}
        <PastMeetings />
    }
}

/// "Ouvrir une séance": a name and a date (today by default).
#[component]
fn OpenForm(said: RwSignal<Option<String>>) -> impl IntoView {
    let locale = use_locale();
    let meetings = use_doc_meetings();
    let words = move || locale.strings();
    let name = RwSignal::new(String::new());
    let date = RwSignal::new(today());
    let problem = RwSignal::new(None::<&'static str>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let words = words();
        let title = name.get_untracked().trim().to_owned();
        if title.is_empty() {
            problem.set(Some(words.meeting_name_missing));
            page::focus_id("meeting-name");
            return;
        }
        let version = words.meeting_base_version.replace("{name}", &title);
        match meetings.open(&title, date.get_untracked().trim(), &version, None) {
            Ok(_) => {
                problem.set(None);
                said.set(Some(words.meeting_opened.replace("{version}", &version)));
                request_animation_frame(|| page::focus_id("meeting-under-way-heading"));
            }
            Err(error) => problem.set(Some(error_words(words, &error))),
        }
    };
    view! {
        <form class="meeting-open" id="meeting-open-form" on:submit=submit>
            <h3>{move || words().meeting_open_heading}</h3>
            <p class="meeting-hint">{move || words().meeting_open_hint}</p>
            <label class="meeting-field">
                <span>{move || words().meeting_name_label}</span>
                <input
                    type="text"
                    id="meeting-name"
                    maxlength="200"
                    autocomplete="off"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
            </label>
            <label class="meeting-field">
                <span>{move || words().meeting_date_label}</span>
                <input
                    type="date"
                    id="meeting-date"
                    prop:value=move || date.get()
                    on:input=move |ev| date.set(event_target_value(&ev))
                />
            </label>
            <p class="meeting-problem" role="alert" hidden=move || problem.with(Option::is_none)>
                {move || problem.get()}
            </p>
            <p>
                <button type="submit" id="meeting-open-submit" class="primary">
                    {move || words().meeting_open_submit}
                </button>
            </p>
        </form>
    }
}

/// The meeting under way: what is on screen, and the chair's controls.
#[component]
fn UnderWay(id: String, chair: bool, said: RwSignal<Option<String>>) -> impl IntoView {
    let locale = use_locale();
    let meetings = use_doc_meetings();
    let amendments = use_doc_amendments();
    let ui = use_meeting_ui();
    let words = move || locale.strings();
    let id = StoredValue::new(id);
    let meeting = Memo::new(move |_| id.with_value(|id| meetings.get(id)));
    let agenda = Memo::new(move |_| {
        meeting.with(|meeting| {
            meeting
                .as_ref()
                .map(|m| m.agenda.clone())
                .unwrap_or_default()
        })
    });
    let current = Memo::new(move |_| {
        meeting.with(|meeting| meeting.as_ref().and_then(|m| m.current.clone()))
    });
    let open_now = Memo::new(move |_| {
        amendments.revision.track();
        current.with(|current| {
            current
                .as_deref()
                .and_then(|id| amendments.overview().row(id).map(|row| row.is_open()))
                .unwrap_or(false)
        })
    });
    let title = move || {
        meeting.with(|meeting| {
            meeting.as_ref().map(|m| {
                words()
                    .meeting_under_way
                    .replace("{name}", &m.name)
                    .replace("{date}", &m.date)
            })
        })
    };
    let place = move || {
        let (at, total) = agenda.with(|agenda| progress(agenda, current.get().as_deref()))?;
        Some(view! {
            <span
                class="meeting-progress"
                id="meeting-progress"
                aria-label=words()
                    .meeting_progress_label
                    .replace("{at}", &at.to_string())
                    .replace("{total}", &total.to_string())
            >
                {words().meeting_progress.replace("{at}", &at.to_string()).replace("{total}", &total.to_string())}
            </span>
        })
    };
    let screen = move || match current.get() {
        Some(id) => view! { <OnScreen id full=true /> }.into_any(),
        None => view! {
            <p class="meeting-nothing" id="meeting-nothing">{words().meeting_nothing_on_screen}</p>
        }
        .into_any(),
    };
    let decided = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<&'static str>);
    let step = move |result: Result<Option<String>, AmendError>| match result {
        Ok(_) => {
            problem.set(None);
            decided.set(None);
        }
        Err(error) => problem.set(Some(error_words(words(), &error))),
    };
    let controls = chair.then(|| {
        view! {
            <p class="meeting-steps">
                <button type="button" id="meeting-previous" on:click=move |_| step(id.with_value(|id| meetings.previous(id)))>
                    {move || words().meeting_previous}
                </button>
                <button type="button" id="meeting-next" class="primary" on:click=move |_| step(id.with_value(|id| meetings.next(id)))>
                    {move || words().meeting_next}
                </button>
            </p>
            <p class="meeting-problem" role="alert" hidden=move || problem.with(Option::is_none)>
                {move || problem.get()}
            </p>
            <div hidden=move || !open_now.get()>
                <MeetingVote
                    target=current.into()
                    prefix="meeting-vote"
                    only=Signal::derive(|| None)
                    said=decided
                    done=Callback::new(|()| page::focus_id("meeting-next"))
                />
            </div>
            <p class="meeting-decided" id="meeting-decided" role="status">{move || decided.get()}</p>
        }
    });
    let agenda_view =
        chair.then(|| view! { <MeetingAgenda meeting=id.get_value() agenda current /> });

    // "Clore la séance", after a confirmation.
    let confirming = RwSignal::new(false);
    let close_problem = RwSignal::new(None::<&'static str>);
    let close = move |_| {
        let words = words();
        let Some(name) = meeting.with_untracked(|m| m.as_ref().map(|m| m.name.clone())) else {
            return;
        };
        let version = words.meeting_result_version.replace("{name}", &name);
        match id.with_value(|id| meetings.close(id, &version)) {
            Ok(()) => {
                confirming.set(false);
                said.set(Some(words.meeting_closed.replace("{version}", &version)));
                request_animation_frame(|| page::focus_id("meeting-panel-heading"));
            }
            Err(error) => close_problem.set(Some(error_words(words, &error))),
        }
    };
    let closing = chair.then(|| {
        view! {
            <section class="meeting-closing">
                <button
                    type="button"
                    id="meeting-close"
                    aria-expanded=move || confirming.get().to_string()
                    on:click=move |_| {
                        confirming.set(true);
                        request_animation_frame(|| page::focus_id("meeting-close-no"));
                    }
                >
                    {move || words().meeting_close}
                </button>
                <div class="meeting-confirm" role="group" hidden=move || !confirming.get()>
                    <p>
                        {move || {
                            let name = meeting.with(|m| m.as_ref().map(|m| m.name.clone())).unwrap_or_default();
                            words().meeting_close_confirm.replace("{name}", &name)
                        }}
                    </p>
                    <button type="button" id="meeting-close-yes" class="primary" on:click=close>
                        {move || words().meeting_close_yes}
                    </button>
                    <button
                        type="button"
                        id="meeting-close-no"
                        on:click=move |_| {
                            confirming.set(false);
                            page::focus_id("meeting-close");
                        }
                    >
                        {move || words().amend_cancel}
                    </button>
                </div>
                <p class="meeting-problem" role="alert" hidden=move || close_problem.with(Option::is_none)>
                    {move || close_problem.get()}
                </p>
            </section>
        }
    });

    view! {
        <section class="meeting-under-way" id="meeting-under-way" aria-labelledby="meeting-under-way-heading">
            <h3 id="meeting-under-way-heading" tabindex="-1">{title}</h3>
            <p>
                <button type="button" id="meeting-follow" on:click=move |_| ui.projector.set(true)>
                    {move || words().meeting_follow}
                </button>
            </p>
            <section class="meeting-screen" aria-labelledby="meeting-screen-heading">
                <h4 id="meeting-screen-heading">{move || words().meeting_screen_heading} " " {place}</h4>
                {screen}
            </section>
            {controls}
            {agenda_view}
            {closing}
        </section>
    }
}

/// The words of one line of the minutes.
fn minute_words(words: &'static crate::strings::Strings, minute: &Minute) -> String {
    outcome_words(
        words,
        &Outcome {
            status: minute.status,
            counts: minute.counts,
            fallen_by: minute.because.map(|n| number_label(words, Some(n))),
            in_meeting: !minute.note.trim().is_empty(),
        },
    )
}

/// The closed meetings, newest first, each with its minutes and its
/// review.
#[component]
fn PastMeetings() -> impl IntoView {
    let locale = use_locale();
    let meetings = use_doc_meetings();
    let ui = use_meeting_ui();
    let words = move || locale.strings();
    let past = Memo::new(move |_| {
        let mut past: Vec<Meeting> = meetings
            .list()
            .into_iter()
            .filter(|m| !m.is_open())
            .collect();
        past.reverse();
        past
    });
    let item = move |meeting: Meeting| {
        let words = words();
        let minutes = meeting
            .closed
            .as_ref()
            .map(|closed| closed.minutes.clone())
            .unwrap_or_default();
        let rows = minutes
            .iter()
            .map(|minute| {
                view! {
                    <tr data-amendment=minute.amendment.clone() data-status=minute.status.name()>
                        <th scope="row">{number_label(words, minute.number)}</th>
                        <td>{minute.lines.map(|lines| lines_label(words, lines)).unwrap_or_default()}</td>
                        <td>{minute_words(words, minute)}</td>
                    </tr>
                }
            })
            .collect_view();
        let id = meeting.id.clone();
        view! {
            <li class="past-meeting" data-id=meeting.id.clone()>
                <h4>{words.meeting_past_item.replace("{name}", &meeting.name).replace("{date}", &meeting.date)}</h4>
                <table class="minutes">
                    <caption>{words.meeting_minutes}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{words.meeting_col_number}</th>
                            <th scope="col">{words.meeting_col_lines}</th>
                            <th scope="col">{words.meeting_col_decision}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                <button type="button" class="meeting-since" on:click=move |_| ui.review.set(Some(id.clone()))>
                    {words.meeting_since}
                </button>
            </li>
        }
    };
    view! {
        <section class="meeting-past" id="meeting-past" aria-labelledby="meeting-past-heading">
            <h3 id="meeting-past-heading">{move || words().meeting_past_heading}</h3>
            {move || {
                let past = past.get();
                if past.is_empty() {
                    return view! { <p class="meeting-empty">{words().meeting_past_none}</p> }.into_any();
                }
                view! { <ul class="past-meetings">{past.into_iter().map(item).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

//! The vote on the amendment on screen (issue 13): pour / contre /
//! abstention counts, "à l'unanimité" or no count, then the decision.
//! The panel offers the three (Adopter, Rejeter, Retiré en séance); the
//! projector's keyboard chair opens it for one (A or R) and Enter records
//! it. After a decision it says, in words, what became of the amendment
//! and which ones fell with it, and why ([`crate::meeting_text`]).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use model::amendments::{AmendError, Counts, Status};

use crate::amendment_text::{error_words, number_label};
use crate::locale::use_locale;
use crate::meeting_text::decided_words;
use crate::session::{use_doc_amendments, use_doc_meetings, DocAmendments, DocMeetings};
use crate::strings::Strings;

/// The largest vote count accepted.
const MOST_VOTES: u32 = 1_000_000;

/// How the vote is recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vote {
    Counts,
    Unanimous,
    None,
}

/// Decide `id` as the assembly voted and say what became of it (and of
/// those that fell).
pub fn decide_and_say(
    (meetings, amendments): (DocMeetings, DocAmendments),
    words: &'static Strings,
    id: &str,
    to: Status,
    counts: Option<Counts>,
) -> Result<String, AmendError> {
    let name = number_label(
        words,
        amendments.overview().row(id).and_then(|row| row.number),
    );
    let note = if to == Status::Withdrawn {
        words.meeting_withdrawn_note
    } else {
        ""
    };
    let counts = counts.filter(|_| to != Status::Withdrawn);
    let fallen = meetings.decide(id, to, counts, note)?;
    let overview = amendments.overview();
    let fallen: Vec<String> = fallen
        .iter()
        .map(|other| number_label(words, overview.row(other).and_then(|row| row.number)))
        .collect();
    Ok(decided_words(words, &name, to, counts.as_ref(), &fallen))
}

/// The vote form for the amendment `target`. `prefix` names its fields
/// (`meeting-vote`, `projector-vote`); `only` is the one decision it
/// records (the projector), or `None` for the three buttons (the panel).
/// `said` gets the sentence after a decision; `done` runs after it.
#[component]
pub fn MeetingVote(
    target: Signal<Option<String>>,
    prefix: &'static str,
    #[prop(into)] only: Signal<Option<Status>>,
    said: RwSignal<Option<String>>,
    #[prop(optional)] done: Option<Callback<()>>,
    #[prop(optional)] cancel: Option<Callback<()>>,
) -> impl IntoView {
    let locale = use_locale();
    let amendments = use_doc_amendments();
    let meetings = use_doc_meetings();
    let words = move || locale.strings();
    let vote = RwSignal::new(Vote::Counts);
    let (yes, no, abstain) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let problem = RwSignal::new(None::<String>);
    let name = move || {
        amendments.revision.track();
        let id = target.get()?;
        Some(number_label(
            words(),
            amendments.overview().row(&id).and_then(|row| row.number),
        ))
    };

    let counts = move || -> Result<Option<Counts>, ()> {
        let parse = |field: RwSignal<String>| {
            let text = field.get_untracked();
            let text = text.trim().to_owned();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse::<u32>()
                .ok()
                .filter(|n| *n <= MOST_VOTES)
                .map(Some)
                .ok_or(())
        };
        match vote.get_untracked() {
            Vote::None => Ok(None),
            Vote::Unanimous => Ok(Some(Counts {
                unanimous: true,
                ..Counts::default()
            })),
            Vote::Counts => {
                let (y, n, a) = (parse(yes)?, parse(no)?, parse(abstain)?);
                if y.is_none() && n.is_none() && a.is_none() {
                    return Ok(None);
                }
                Ok(Some(Counts {
                    yes: y.unwrap_or(0),
                    no: n.unwrap_or(0),
                    abstain: a.unwrap_or(0),
                    unanimous: false,
                }))
            }
        }
    };
    let run = move |to: Status| {
        let Some(id) = target.get_untracked() else {
            return;
        };
        let words = words();
        let Ok(counts) = counts() else {
            problem.set(Some(words.amend_vote_bad.to_owned()));
            return;
        };
        match decide_and_say((meetings, amendments), words, &id, to, counts) {
            Ok(sentence) => {
                problem.set(None);
                said.set(Some(sentence));
                yes.set(String::new());
                no.set(String::new());
                abstain.set(String::new());
                vote.set(Vote::Counts);
                if let Some(done) = done {
                    done.run(());
                }
            }
            Err(error) => problem.set(Some(error_words(words, &error).to_owned())),
        }
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(to) = only.get_untracked() {
            run(to);
        }
    };

    let choice = move |which: Vote, value: &'static str, label: fn(&Strings) -> &'static str| {
        view! {
            <label class="meeting-vote-choice">
                <input
                    type="radio"
                    name=format!("{prefix}-kind")
                    id=format!("{prefix}-{value}")
                    value=value
                    prop:checked=move || vote.get() == which
                    on:change=move |_| vote.set(which)
                />
                {move || label(words())}
            </label>
        }
    };
    let field =
        move |value: RwSignal<String>, key: &'static str, label: fn(&Strings) -> &'static str| {
            view! {
                <label class="meeting-vote-count">
                    <span>{move || label(words())}</span>
                    <input
                        type="number"
                        min="0"
                        inputmode="numeric"
                        id=format!("{prefix}-{key}")
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                </label>
            }
        };
    let actions = move || {
        match only.get() {
        Some(to) => {
            let template = if to == Status::Rejected {
                words().amend_vote_reject
            } else {
                words().amend_vote_adopt
            };
            view! {
                <button type="submit" id=format!("{prefix}-save") class="primary">
                    {move || template.replace("{n}", &name().unwrap_or_default())}
                </button>
                <button
                    type="button"
                    id=format!("{prefix}-cancel")
                    on:click=move |_| {
                        if let Some(cancel) = cancel {
                            cancel.run(());
                        }
                    }
                >
                    {move || words().amend_cancel}
                </button>
            }
            .into_any()
        }
        None => view! {
            <button type="button" id=format!("{prefix}-adopt") class="primary" on:click=move |_| run(Status::Adopted)>
                {move || words().meeting_adopt}
            </button>
            <button type="button" id=format!("{prefix}-reject") on:click=move |_| run(Status::Rejected)>
                {move || words().meeting_reject}
            </button>
            <button type="button" id=format!("{prefix}-withdraw") on:click=move |_| run(Status::Withdrawn)>
                {move || words().meeting_withdraw}
            </button>
        }
        .into_any(),
    }
    };
    view! {
        <form class="meeting-vote" id=prefix on:submit=submit>
            <fieldset>
                <legend>{move || words().meeting_vote_legend}</legend>
                <div class="meeting-vote-kinds">
                    {choice(Vote::Counts, "counts", |w| w.amend_vote_counts)}
                    {choice(Vote::Unanimous, "unanimous", |w| w.amend_vote_unanimous)}
                    {choice(Vote::None, "none", |w| w.amend_vote_none)}
                </div>
                <div class="meeting-vote-counts" hidden=move || vote.get() != Vote::Counts>
                    {field(yes, "yes", |w| w.amend_vote_yes)}
                    {field(no, "no", |w| w.amend_vote_no)}
                    {field(abstain, "abstain", |w| w.amend_vote_abstain)}
                </div>
            </fieldset>
            <p class="meeting-vote-actions">{actions}</p>
            <p class="meeting-problem" role="alert" hidden=move || problem.with(Option::is_none)>
                {move || problem.get()}
            </p>
        </form>
    }
}

//! "Depuis la dernière séance" (issue 13): for a past meeting, the text's
//! changes since its result (or its base), word by word with who made
//! them, only the paragraphs they touch; the amendments filed, decided
//! (each with its history, what came after the meeting marked) and
//! withdrawn since. One page to print for the members who missed it, or
//! to download as Markdown. Shown over the page while
//! [`crate::meeting_ui::MeetingUi::review`] names a meeting; Escape or
//! "Fermer" closes it and gives focus back to the meeting panel.
//!
//! The model says what changed ([`model::meeting::review`]); the text's
//! changes are drawn like the comparison view's ([`crate::comparison`]),
//! one paragraph at a time, escaped.

use leptos::prelude::*;
use model::amendments::decisions::Change as StatusChange;
use model::amendments::export::{citation, lines_words, status_words};
use model::amendments::{Counts, Overview};
use model::history::Comparison;
use model::meeting::review::{self, Review, Since};
use model::meeting::Meeting;

use crate::comparison::{inline_html, Authors, Words};
use crate::components::compare_view::local_time;
use crate::components::meeting_amendment::person;
use crate::locale::use_locale;
use crate::meeting_ui::use_meeting_ui;
use crate::platform::{download, page};
use crate::session::{use_doc_amendments, use_doc_history, use_doc_meetings, use_room_presence};
use crate::strings::Strings;

fn counts_words(counts: &Counts, strings: &Strings) -> String {
    if counts.unanimous {
        strings.review_unanimous.to_owned()
    } else {
        strings
            .review_votes
            .replace("{yes}", &counts.yes.to_string())
            .replace("{no}", &counts.no.to_string())
            .replace("{abstain}", &counts.abstain.to_string())
    }
}

/// What the review shows.
struct Shown {
    meeting: Meeting,
    review: Result<Review, String>,
    overview: std::rc::Rc<Overview>,
}

#[component]
pub fn MeetingReview() -> impl IntoView {
    let ui = use_meeting_ui();
    move || ui.review.get().map(|id| view! { <ReviewDialog id /> })
}

#[component]
fn ReviewDialog(id: String) -> impl IntoView {
    let ui = use_meeting_ui();
    let locale = use_locale();
    let meetings = use_doc_meetings();
    let amendments = use_doc_amendments();
    let history = use_doc_history();
    let room = use_room_presence();
    let since = RwSignal::new(Since::Result);
    let id = StoredValue::new(id);
    // Recomputed when drawn (the body tracks what it reads).
    let shown = move || {
        amendments.revision.track();
        history.revision.track();
        let meeting = meetings.get(&id.get_value())?;
        let overview = amendments.overview();
        let decisions = amendments.decisions();
        let review = history
            .review(&meeting, since.get(), &overview, &decisions)
            .map_err(|error| error.to_string());
        Some(Shown {
            meeting,
            review,
            overview,
        })
    };
    let authors = Memo::new(move |_| {
        room.people_revision.track();
        AuthorsValue(Authors::new(&room.people()))
    });
    let close = move || {
        ui.review.set(None);
        page::focus_id("open-meeting");
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        }
    };
    let download_md = move |_| {
        let Some(shown) = untrack(shown) else {
            return;
        };
        let Ok(review) = &shown.review else {
            return;
        };
        let lang = locale.lang().tag();
        let names = authors.get_untracked();
        let name = |client: u64| {
            let author = names.0.of(Some(client));
            if author.name.is_empty() {
                locale.strings().compare_unknown.to_owned()
            } else {
                author.name
            }
        };
        let text = review::markdown(
            review,
            &shown.meeting,
            since.get_untracked(),
            &shown.overview,
            &name,
            lang,
        );
        let file = crate::file_name::tagged_file_name(
            &shown.meeting.name,
            locale.strings().meeting_button,
            locale.strings().review_file,
            "md",
        );
        download::save(&file, "text/markdown;charset=utf-8", &text);
    };
    // Focus the dialog's heading when it opens, for the keyboard.
    Effect::new(move |_| page::focus_id("meeting-review-heading"));

    let body = move || {
        let strings = locale.strings();
        let tag = locale.lang().tag();
        let Some(shown) = shown() else {
            return view! { <p class="note">{strings.review_gone}</p> }.into_any();
        };
        let meeting = shown.meeting.clone();
        let heading = strings
            .review_heading
            .replace("{name}", &meeting.name)
            .replace("{date}", &meeting.date);
        let review = match &shown.review {
            Ok(review) => review.clone(),
            Err(error) => {
                return view! {
                    <h2 id="meeting-review-heading" tabindex="-1">{heading}</h2>
                    <p class="note" role="alert">{strings.review_failed.replace("{error}", error)}</p>
                }
                .into_any();
            }
        };
        let overview = shown.overview.clone();
        let since_words = strings
            .review_since_time
            .replace("{time}", &local_time(review.since, locale.lang()));
        let (added, removed) = review.text.words();
        let words = Words {
            added_by: strings.compare_added_by,
            removed_by: strings.compare_removed_by,
            unknown: strings.compare_unknown,
        };
        let names: Vec<String> = authors.with(|authors| {
            let mut names: Vec<String> = Vec::new();
            for client in review.text.editors() {
                let author = authors.0.of(Some(client));
                let name = if author.name.is_empty() {
                    strings.compare_unknown.to_owned()
                } else {
                    author.name
                };
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            names
        });
        let paragraphs: Vec<String> = authors.with(|authors| {
            review
                .changed_paragraphs()
                .into_iter()
                .map(|pieces| {
                    let comparison = Comparison {
                        pieces,
                        ..Comparison::default()
                    };
                    inline_html(&comparison, &authors.0, words)
                })
                .collect()
        });
        let text = if review.text.groups == 0 {
            view! { <p class="review-unchanged">{strings.review_unchanged}</p> }.into_any()
        } else {
            let summary = strings
                .review_text_summary
                .replace("{added}", &added.to_string())
                .replace("{removed}", &removed.to_string())
                .replace("{names}", &names.join(", "));
            view! {
                <p class="review-summary">{summary}</p>
                <div class="review-paragraphs compare-text">
                    {paragraphs
                        .into_iter()
                        .map(|html| view! { <p class="review-paragraph" inner_html=html></p> })
                        .collect_view()}
                </div>
            }
            .into_any()
        };
        let cite = {
            let overview = overview.clone();
            move |id: &str| -> String {
                overview.row(id).map_or_else(
                    || id.to_owned(),
                    |row| {
                        let lines = row.lines.unwrap_or(row.filed_lines);
                        format!(
                            "{}, {} — {} — {}",
                            citation(row, tag),
                            lines_words(lines),
                            person(strings, &row.author_name),
                            status_words(row.status, tag)
                        )
                    },
                )
            }
        };
        let simple_list = |ids: &[String], list_id: &'static str| {
            if ids.is_empty() {
                return view! { <p class="review-none">{strings.review_none}</p> }.into_any();
            }
            view! {
                <ul id=list_id class="review-list">
                    {ids
                        .iter()
                        .map(|id| view! { <li data-amendment=id.clone()>{cite(id)}</li> })
                        .collect_view()}
                </ul>
            }
            .into_any()
        };
        let filed = simple_list(&review.filed, "review-filed");
        let withdrawn = simple_list(&review.withdrawn, "review-withdrawn");
        let change_words = |change: &StatusChange| -> String {
            let mut out = format!(
                "{} → {} · {}",
                status_words(change.from, tag),
                status_words(change.to, tag),
                local_time(change.time, locale.lang())
            );
            if let Some(counts) = &change.counts {
                out.push_str(" · ");
                out.push_str(&counts_words(counts, strings));
            }
            if !change.note.is_empty() {
                out.push_str(" · ");
                out.push_str(&change.note);
            }
            if let Some(by) = &change.because {
                out.push_str(" · ");
                out.push_str(
                    &strings.review_fallen_by.replace(
                        "{n}",
                        &overview
                            .row(by)
                            .map_or_else(|| by.clone(), |row| citation(row, tag)),
                    ),
                );
            }
            out
        };
        let decided = if review.decided.is_empty() {
            view! { <p class="review-none">{strings.review_none}</p> }.into_any()
        } else {
            view! {
                <ul id="review-decided" class="review-list">
                    {review
                        .decided
                        .iter()
                        .map(|decided| {
                            view! {
                                <li data-amendment=decided.id.clone()>
                                    {cite(&decided.id)}
                                    <ol class="review-history">
                                        {decided
                                            .history
                                            .iter()
                                            .map(|change| {
                                                let new = change.time > review.since;
                                                view! {
                                                    <li class:review-new=new>
                                                        {new
                                                            .then(|| {
                                                                view! {
                                                                    <span class="review-new-mark">{strings.review_new}</span>
                                                                    " "
                                                                }
                                                            })}
                                                        {change_words(change)}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        };
        view! {
            <h2 id="meeting-review-heading" tabindex="-1">{heading}</h2>
            <p class="review-since">{since_words}</p>
            <section aria-labelledby="review-text-heading">
                <h3 id="review-text-heading">{strings.review_text_heading}</h3>
                {text}
            </section>
            <section aria-labelledby="review-filed-heading">
                <h3 id="review-filed-heading">{strings.review_filed}</h3>
                {filed}
            </section>
            <section aria-labelledby="review-decided-heading">
                <h3 id="review-decided-heading">{strings.review_decided}</h3>
                {decided}
            </section>
            <section aria-labelledby="review-withdrawn-heading">
                <h3 id="review-withdrawn-heading">{strings.review_withdrawn}</h3>
                {withdrawn}
            </section>
        }
        .into_any()
    };

    let choice = move |value: Since, label: fn(&Strings) -> &'static str| {
        view! {
            <label class="review-choice">
                <input
                    type="radio"
                    name="review-since"
                    value=if value == Since::Base { "base" } else { "result" }
                    prop:checked=move || since.get() == value
                    on:change=move |_| since.set(value)
                />
                {move || label(locale.strings())}
            </label>
        }
    };

    view! {
        <div
            id="meeting-review"
            class="meeting-review"
            role="dialog"
            aria-modal="true"
            aria-labelledby="meeting-review-heading"
            on:keydown=on_keydown
        >
            <div class="review-tools">
                <fieldset class="review-since-choice">
                    <legend class="visually-hidden">{move || locale.strings().review_since_legend}</legend>
                    {choice(Since::Result, |s| s.review_since_result)}
                    {choice(Since::Base, |s| s.review_since_base)}
                </fieldset>
                <button type="button" id="review-print" on:click=move |_| page::print()>
                    {move || locale.strings().review_print}
                </button>
                <button type="button" id="review-download" on:click=download_md>
                    {move || locale.strings().review_download}
                </button>
                <button type="button" id="review-close" on:click=move |_| close()>
                    {move || locale.strings().review_close}
                </button>
            </div>
            <div class="review-body">{body}</div>
        </div>
    }
}

/// [`Authors`] in a memo (compared as never equal: it is rebuilt only
/// when `people` changes).
#[derive(Clone)]
struct AuthorsValue(Authors);

impl PartialEq for AuthorsValue {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

//! How the members stand by one claim, in its focused view: "J'utilise
//! cet argument" (a toggle, `aria-pressed`), how many use it and, on
//! request, who; a strength vote 0 to 4 (Kialo's impact) and the mean
//! ([`ClaimStanding`], edit and amend links). The proposals on the claim
//! (an argument for, against, or a rewording: the amend link's way to
//! take part), which an edit link turns into a claim in one click
//! ([`ClaimComments`]).
//!
//! All of them are signed records of the amendment room
//! ([`crate::session::DocArguments::endorse`], `rate`, `comment`);
//! refusals are said with [`crate::amendment_text::error_words`].

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use model::amendments::{AmendError, Stance as CommentStance};
use model::arguments::rank::standing;
use model::arguments::{ClaimEdit, Stance};

use super::argument_map::{person, use_map_ui, MapUi};
use crate::amendment_text;
use crate::locale::use_locale;
use crate::session::use_doc_arguments;
use crate::strings::{Lang, Strings};

fn report(ui: MapUi, words: &Strings, result: Result<(), AmendError>, done: &str) -> bool {
    match result {
        Ok(()) => {
            ui.say(done);
            true
        }
        Err(error) => {
            ui.refuse(amendment_text::error_words(words, &error));
            false
        }
    }
}

fn strength_words(words: &Strings, value: u8) -> &'static str {
    match value {
        0 => words.map_strength_0,
        1 => words.map_strength_1,
        2 => words.map_strength_2,
        3 => words.map_strength_3,
        _ => words.map_strength_4,
    }
}

/// A mean strength as the language writes it ("2,5" in French).
fn mean_words(lang: Lang, mean: f32) -> String {
    let text = format!("{mean:.1}");
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

#[component]
pub fn ClaimStanding(id: String) -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let id = StoredValue::new(id);
    let show_who = RwSignal::new(false);
    let endorsed = Memo::new(move |_| arguments.endorsers(&id.get_value()));
    let standing_now = move || standing(&arguments.map(), &arguments.standings(), &id.get_value());
    let toggle = move |_| {
        let on = !endorsed.get_untracked().1;
        let words = locale.strings();
        if let Err(error) = arguments.endorse(&id.get_value(), on) {
            ui.refuse(amendment_text::error_words(words, &error));
        }
    };
    let vote = move |value: Option<u8>| {
        let words = locale.strings();
        if let Err(error) = arguments.rate(&id.get_value(), value) {
            ui.refuse(amendment_text::error_words(words, &error));
        }
    };
    let mine = Memo::new(move |_| arguments.my_impact(&id.get_value()));
    let radios = move || {
        let words = locale.strings();
        (0..=4u8)
            .map(|value| {
                let field = format!("claim-strength-{value}");
                let label_for = field.clone();
                view! {
                    <label for=label_for class="strength-choice">
                        <input
                            type="radio"
                            id=field
                            name="claim-strength"
                            value=value.to_string()
                            prop:checked=move || mine.get() == Some(value)
                            on:change=move |_| vote(Some(value))
                        />
                        <span class="strength-number">{value.to_string()}</span>
                        " "
                        <span class="strength-words">{strength_words(words, value)}</span>
                    </label>
                }
            })
            .collect_view()
    };
    let mean = move || {
        let words = locale.strings();
        let standing = standing_now();
        match standing.mean() {
            Some(mean) => words
                .map_strength_mean
                .replace("{mean}", &mean_words(locale.lang(), mean))
                .replace("{n}", &standing.voters().to_string()),
            None => words.map_strength_none.to_owned(),
        }
    };
    view! {
        <div class="claim-standing" id="claim-standing">
            <div class="endorse">
                <button
                    type="button"
                    id="claim-endorse"
                    aria-pressed=move || endorsed.get().1.to_string()
                    on:click=toggle
                >
                    <span class="check" aria-hidden="true">
                        {move || if endorsed.get().1 { "✓ " } else { "" }}
                    </span>
                    {move || locale.strings().map_endorse}
                </button>
                <span id="claim-endorse-count" data-count=move || standing_now().endorsers.to_string()>
                    {move || {
                        locale
                            .strings()
                            .map_endorse_count
                            .replace("{n}", &standing_now().endorsers.to_string())
                    }}
                </span>
                <button
                    type="button"
                    id="claim-who"
                    aria-expanded=move || show_who.get().to_string()
                    aria-controls="claim-who-list"
                    on:click=move |_| show_who.update(|s| *s = !*s)
                >
                    {move || locale.strings().map_who}
                </button>
                <Show when=move || show_who.get()>
                    <p id="claim-who-list">
                        {move || {
                            let words = locale.strings();
                            let names = endorsed.get().0;
                            if names.is_empty() {
                                words.map_nobody.to_owned()
                            } else {
                                names.iter().map(|n| person(words, n)).collect::<Vec<_>>().join(", ")
                            }
                        }}
                    </p>
                </Show>
            </div>
            <fieldset class="strength" id="claim-strength">
                <legend>{move || locale.strings().map_strength_legend}</legend>
                {radios}
                <Show when=move || mine.get().is_some()>
                    <button type="button" id="claim-strength-clear" on:click=move |_| vote(None)>
                        {move || locale.strings().map_strength_clear}
                    </button>
                </Show>
            </fieldset>
            <p id="claim-strength-mean" class="mean">
                {mean}
            </p>
        </div>
    }
}

fn comment_stance_words(words: &Strings, stance: CommentStance) -> &'static str {
    match stance {
        CommentStance::For => words.map_comment_pro,
        CommentStance::Against => words.map_comment_con,
        CommentStance::Neutral => words.map_comment_reword,
    }
}

fn comment_stance_name(stance: CommentStance) -> &'static str {
    match stance {
        CommentStance::For => "pro",
        CommentStance::Against => "con",
        CommentStance::Neutral => "reword",
    }
}

#[component]
pub fn ClaimComments(id: String) -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let id = StoredValue::new(id);
    let stance = RwSignal::new(CommentStance::For);
    let draft = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let words = locale.strings();
        let text = draft.get_untracked();
        if report(
            ui,
            words,
            arguments.comment(&id.get_value(), stance.get_untracked(), &text),
            words.map_commented,
        ) {
            draft.set(String::new());
        }
    };
    let list = move || {
        let words = locale.strings();
        let comments = arguments.comments(&id.get_value());
        if comments.is_empty() {
            return view! { <li class="none">{words.map_no_comments}</li> }.into_any();
        }
        let can_edit = arguments.can_edit();
        comments
            .into_iter()
            .map(|comment| {
                let accept = can_edit.then(|| {
                    let text = comment.text.clone();
                    let parent = id.get_value();
                    let kind = comment.stance;
                    let (label, done) = match kind {
                        CommentStance::Neutral => {
                            (words.map_comment_accept_reword, words.map_saved)
                        }
                        _ => (words.map_comment_accept_claim, words.map_added),
                    };
                    view! {
                        <button
                            type="button"
                            class="comment-accept"
                            on:click=move |_| {
                                let result = match kind {
                                    CommentStance::Neutral => arguments.edit(
                                        &parent,
                                        &ClaimEdit {
                                            text: Some(text.clone()),
                                            ..ClaimEdit::default()
                                        },
                                    ),
                                    _ => {
                                        let stance = if kind == CommentStance::For {
                                            Stance::Pro
                                        } else {
                                            Stance::Con
                                        };
                                        arguments
                                            .add(
                                                Some(&parent),
                                                None,
                                                &ClaimEdit {
                                                    text: Some(text.clone()),
                                                    stance: Some(stance),
                                                    ..ClaimEdit::default()
                                                },
                                            )
                                            .map(|_| ())
                                    }
                                };
                                ui.report(words, result, done);
                            }
                        >
                            {label}
                        </button>
                    }
                });
                view! {
                    <li
                        class="comment"
                        data-comment=comment.id.clone()
                        data-stance=comment_stance_name(comment.stance)
                    >
                        <p class="comment-head">
                            <span class="comment-stance">
                                {comment_stance_words(words, comment.stance)}
                            </span>
                            " · "
                            <span class="who">{person(words, &comment.author_name)}</span>
                        </p>
                        <p class="comment-text">{comment.text.clone()}</p>
                        {accept}
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let stance_radio = move |value: CommentStance| {
        let field = format!("claim-comment-{}", comment_stance_name(value));
        let label_for = field.clone();
        view! {
            <label for=label_for>
                <input
                    type="radio"
                    id=field
                    name="claim-comment-stance"
                    prop:checked=move || stance.get() == value
                    on:change=move |_| stance.set(value)
                />
                {move || comment_stance_words(locale.strings(), value)}
            </label>
        }
    };
    view! {
        <section class="claim-comments" id="claim-comments">
            <h3>{move || locale.strings().map_comments_heading}</h3>
            <ul class="comments">{list}</ul>
            <Show when=move || arguments.can_take_part()>
                <form class="comment-form" id="claim-comment-form" on:submit=submit>
                    <fieldset>
                        <legend>{move || locale.strings().map_comment_stance_label}</legend>
                        {stance_radio(CommentStance::For)}
                        {stance_radio(CommentStance::Against)}
                        {stance_radio(CommentStance::Neutral)}
                    </fieldset>
                    <label for="claim-comment-text">{move || locale.strings().map_comment_text_label}</label>
                    <textarea
                        id="claim-comment-text"
                        rows="3"
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                    ></textarea>
                    <button type="submit" id="claim-comment-submit">
                        {move || locale.strings().map_comment_submit}
                    </button>
                </form>
            </Show>
        </section>
    }
}

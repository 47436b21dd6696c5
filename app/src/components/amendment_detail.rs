//! One amendment in full, as the Amendments panel shows it when a row is
//! opened ([`crate::amendment_ui::AmendUi::selected`]): its number ("A12",
//! or "provisoire" until a keeper's browser registers it), its lines
//! ("l. 42-45", and the filed ones when they moved), its author and
//! status; the passage against the proposed wording, word by word
//! ([`model::amendments::wording`]: insertions underlined, deletions struck, so
//! it reads in black and white); "le passage a changé depuis le dépôt"
//! with both passages; the "altéré" warning; the rationale; its history
//! (every change of status, who, when, the votes, what made it fall);
//! supports; comments with their stance, threaded one level, and the
//! form to comment or reply.
//!
//! What this link may do is drawn from [`DocAmendments::role`] and the
//! row: its author edits it while it is only filed and withdraws it
//! (after a confirmation) until it is decided; keepers (an edit link) put
//! it under discussion, adopt or reject it (with an optional vote: counts
//! or "à l'unanimité"), and reopen a fallen or rejected one. After an
//! adoption it says which amendments fell. A view link sees everything
//! and no control. The session refuses what the link may not do anyway;
//! a refusal is said in words.
//!
//! The parts that move with the text (lines, passages) are redrawn from a
//! memo of the row; the buttons and forms only when the status changes,
//! so a co-author's typing never takes the focus away.

use std::collections::HashMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use model::amendments::{AmendError, Change, Comment, Counts, Proposal, Stance, Status};
use protocol::Role;

use crate::amendment_text::{error_words, lines_label, number_label, status_words};
use crate::amendment_ui::{use_amend_ui, FilingTarget};
use crate::components::history_panel::when;
use crate::components::meeting_amendment::person;
use crate::locale::use_locale;
use crate::platform::page;
use crate::session::{use_doc_amendments, DocAmendments};
use crate::strings::Strings;
use model::amendments::wording::{word_diff, Piece};

/// The largest vote count accepted.
const MOST_VOTES: u32 = 1_000_000;

/// How a keeper records the vote with a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Vote {
    None,
    Unanimous,
    Counts,
}

/// The name of amendment `id` ("A7", or provisional).
fn name_of(amendments: &DocAmendments, words: &Strings, id: &str) -> String {
    let overview = amendments.overview();
    number_label(words, overview.row(id).and_then(|row| row.number))
}

fn stance_words(words: &Strings, stance: Stance) -> &'static str {
    match stance {
        Stance::For => words.amend_stance_for,
        Stance::Against => words.amend_stance_against,
        Stance::Neutral => words.amend_stance_neutral,
    }
}

fn stance_name(stance: Stance) -> &'static str {
    match stance {
        Stance::For => "for",
        Stance::Against => "against",
        Stance::Neutral => "neutral",
    }
}

/// The pieces of the comparison as `<ins>`, `<del>` and plain text.
fn diff_view(before: &str, after: &str) -> impl IntoView {
    word_diff(before, after)
        .into_iter()
        .map(|piece| match piece {
            Piece::Same(text) => view! { <span>{text}</span> }.into_any(),
            Piece::Removed(text) => view! { <del>{text}</del> }.into_any(),
            Piece::Added(text) => view! { <ins>{text}</ins> }.into_any(),
        })
        .collect_view()
}

/// Comments threaded one level: each first-level comment with its
/// replies (a reply to a reply joins its thread), oldest first.
fn threads(comments: &[Comment]) -> Vec<(Comment, Vec<Comment>)> {
    let ids: HashMap<&str, &Comment> = comments.iter().map(|c| (c.id.as_str(), c)).collect();
    let root_of = |comment: &Comment| -> String {
        let mut at = comment;
        // Bounded: a cycle of forged replies must not loop.
        for _ in 0..comments.len() {
            match at.reply_to.as_deref().and_then(|id| ids.get(id)) {
                Some(parent) if parent.id != at.id => at = parent,
                _ => break,
            }
        }
        at.id.clone()
    };
    let mut out: Vec<(Comment, Vec<Comment>)> = Vec::new();
    let mut at_of: HashMap<String, usize> = HashMap::new();
    let mut replies: Vec<(String, Comment)> = Vec::new();
    for comment in comments {
        let root = root_of(comment);
        if root == comment.id {
            at_of.insert(comment.id.clone(), out.len());
            out.push((comment.clone(), Vec::new()));
        } else {
            replies.push((root, comment.clone()));
        }
    }
    for (root, reply) in replies {
        match at_of.get(&root) {
            Some(&at) => out[at].1.push(reply),
            // A forged cycle of replies has no first comment: each
            // stands on its own rather than vanish.
            None => out.push((reply, Vec::new())),
        }
    }
    out
}

#[component]
pub fn AmendmentDetail(id: String) -> impl IntoView {
    let amendments = use_doc_amendments();
    let ui = use_amend_ui();
    let locale = use_locale();
    let words = move || locale.strings();
    let role = amendments.role;
    let id = StoredValue::new(id);

    let row = Memo::new(move |_| {
        amendments.revision.track();
        id.with_value(|id| amendments.overview().row(id).cloned())
    });
    let comments = Memo::new(move |_| {
        amendments.revision.track();
        id.with_value(|id| amendments.comments(id))
    });
    let history = Memo::new(move |_| {
        amendments.revision.track();
        id.with_value(|id| amendments.history(id))
    });
    // What the buttons depend on: they are redrawn only when it changes.
    let standing = Memo::new(move |_| {
        row.with(|row| {
            row.as_ref()
                .map(|row| (row.status, row.mine, row.span.is_some()))
        })
    });
    let problem = RwSignal::new(None::<AmendError>);
    let notice = RwSignal::new(None::<String>);
    let said = move |result: Result<(), AmendError>| match result {
        Ok(()) => problem.set(None),
        Err(error) => problem.set(Some(error)),
    };

    let name = move || row.with(|row| row.as_ref().map(|row| number_label(words(), row.number)));
    let head = move || {
        let row = row.get()?;
        let words = words();
        let number = match row.number {
            Some(number) => view! {
                <span class="amendment-number">{number_label(words, Some(number))}</span>
            }
            .into_any(),
            None => view! {
                <span class="amendment-number amend-provisional" title=words.amend_provisional_hint>
                    {words.amend_provisional}
                    <span class="visually-hidden">{format!(" ({})", words.amend_provisional_hint)}</span>
                </span>
            }
            .into_any(),
        };
        let lines = row.lines.map(|lines| lines_label(words, lines));
        let filed = (row.lines != Some(row.filed_lines)).then(|| {
            words
                .amend_lines_filed
                .replace("{lines}", &lines_label(words, row.filed_lines))
        });
        let parent = row.parent.as_deref().map(|parent| {
            words
                .amend_sub_of
                .replace("{n}", &name_of(&amendments, words, parent))
        });
        Some(view! {
            <header class="amendment-head">
                <h3 id="amendment-detail-heading" tabindex="-1" data-autofocus>
                    {number}
                    <span class="amendment-status" data-status=row.status.name()>
                        {status_words(words, row.status)}
                    </span>
                </h3>
                <p class="amendment-meta">
                    {lines.map(|lines| view! { <span class="amendment-lines">{lines}</span> })}
                    {filed.map(|filed| view! { <span class="amendment-lines-filed">{filed}</span> })}
                    <span class="amendment-author">
                        {words.amend_by.replace("{name}", &person(words, &row.author_name))}
                    </span>
                    {parent.map(|parent| view! { <span class="amendment-parent">{parent}</span> })}
                </p>
            </header>
        })
    };

    let altered = move || {
        row.with(|row| row.as_ref().is_some_and(|row| row.altered))
            .then(|| view! { <p class="amendment-altered" role="note">{words().amend_altered}</p> })
    };

    let wording = move || {
        let row = row.get()?;
        let words = words();
        Some(view! {
            <section class="amendment-wording" aria-labelledby="amend-wording-heading">
                <h4 id="amend-wording-heading">{words.amend_wording}</h4>
                <p class="amendment-diff" data-kind=match row.proposal {
                    Proposal::Delete => "delete",
                    Proposal::Replace(_) if row.passage.is_empty() => "insert",
                    Proposal::Replace(_) => "replace",
                }>
                    {diff_view(&row.passage, row.proposal.wording())}
                </p>
                <p class="amendment-legend">{words.amend_diff_legend}</p>
            </section>
        })
    };

    let changed = move || {
        let row = row.get()?;
        let current = row.current.clone()?;
        let words = words();
        let now = if current.is_empty() {
            view! { <p class="amendment-gone">{words.amend_passage_gone}</p> }.into_any()
        } else {
            view! { <blockquote class="amendment-passage">{current}</blockquote> }.into_any()
        };
        Some(view! {
            <section class="amendment-changed" role="note">
                <p class="amendment-changed-said">{words.amend_changed}</p>
                <dl>
                    <dt>{words.amend_passage_filed}</dt>
                    <dd>
                        <blockquote class="amendment-passage">{row.passage.clone()}</blockquote>
                    </dd>
                    <dt>{words.amend_passage_now}</dt>
                    <dd>{now}</dd>
                </dl>
            </section>
        })
    };

    let rationale = move || {
        let text = row.with(|row| row.as_ref().map(|row| row.rationale.clone()))?;
        (!text.trim().is_empty()).then(|| {
            view! {
                <section class="amendment-rationale" aria-labelledby="amend-rationale-heading">
                    <h4 id="amend-rationale-heading">{words().amend_rationale}</h4>
                    <p>{text}</p>
                </section>
            }
        })
    };

    // Supports: the count for everyone, the toggle for those who may.
    let supported = move || row.with(|row| row.as_ref().is_some_and(|row| row.supported));
    let supports = move || {
        let count = row.with(|row| row.as_ref().map_or(0, |row| row.supports));
        words().amend_supports.replace("{n}", &count.to_string())
    };
    let support_toggle = (role != Role::View).then(|| {
        view! {
            <button
                type="button"
                id="amend-support"
                aria-pressed=move || supported().to_string()
                on:click=move |_| {
                    let on = !supported();
                    said(id.with_value(|id| amendments.support(id, on)));
                }
            >
                {move || words().amend_support}
            </button>
        }
    });

    // The author's withdrawal asks first.
    let confirming = RwSignal::new(false);
    let withdraw_confirm = (role != Role::View).then(|| {
        view! {
            <div class="amendment-confirm" role="group" hidden=move || !confirming.get()>
                <p>{move || words().amend_withdraw_confirm.replace("{n}", &name().unwrap_or_default())}</p>
                <button
                    type="button"
                    id="amend-withdraw-yes"
                    on:click=move |_| {
                        confirming.set(false);
                        said(id.with_value(|id| amendments.withdraw(id)));
                        page::focus_id("amendment-detail-heading");
                    }
                >
                    {move || words().amend_withdraw_yes}
                </button>
                <button
                    type="button"
                    id="amend-withdraw-no"
                    on:click=move |_| {
                        confirming.set(false);
                        page::focus_id("amend-withdraw");
                    }
                >
                    {move || words().amend_cancel}
                </button>
            </div>
        }
    });

    // A keeper's decision, with its vote.
    let deciding = RwSignal::new(None::<Status>);
    let vote = RwSignal::new(Vote::None);
    let (yes, no, abstain) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let decide = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(to) = deciding.get_untracked() else {
            return;
        };
        let parse = |field: RwSignal<String>| {
            let text = field.get_untracked();
            let text = text.trim();
            if text.is_empty() {
                return Some(0);
            }
            text.parse::<u32>().ok().filter(|n| *n <= MOST_VOTES)
        };
        let counts = match vote.get_untracked() {
            Vote::None => None,
            Vote::Unanimous => Some(Counts {
                unanimous: true,
                ..Counts::default()
            }),
            Vote::Counts => match (parse(yes), parse(no), parse(abstain)) {
                (Some(yes), Some(no), Some(abstain)) => Some(Counts {
                    yes,
                    no,
                    abstain,
                    unanimous: false,
                }),
                _ => {
                    notice.set(None);
                    problem.set(None);
                    notice.set(Some(words().amend_vote_bad.to_owned()));
                    return;
                }
            },
        };
        let result = id.with_value(|id| {
            if to == Status::Adopted {
                amendments.adopt(id, counts).map(Some)
            } else {
                amendments.set_status(id, to, counts, "").map(|()| None)
            }
        });
        match result {
            Ok(fallen) => {
                problem.set(None);
                deciding.set(None);
                notice.set(fallen.map(|fallen| {
                    let words = words();
                    let me = name().unwrap_or_default();
                    if fallen.is_empty() {
                        words.amend_adopted_alone.replace("{n}", &me)
                    } else {
                        let list: Vec<String> = fallen
                            .iter()
                            .map(|other| name_of(&amendments, words, other))
                            .collect();
                        words
                            .amend_adopted_fell
                            .replace("{n}", &me)
                            .replace("{list}", &list.join(", "))
                    }
                }));
                page::focus_id("amendment-detail-heading");
            }
            Err(error) => problem.set(Some(error)),
        }
    };
    let vote_choice =
        move |which: Vote, value: &'static str, label: fn(&Strings) -> &'static str| {
            view! {
                <label>
                    <input
                        type="radio"
                        name="amend-vote"
                        id=format!("amend-vote-{value}")
                        value=value
                        prop:checked=move || vote.get() == which
                        on:change=move |_| vote.set(which)
                    />
                    {move || label(words())}
                </label>
            }
        };
    let count_field =
        move |field: RwSignal<String>, key: &'static str, label: fn(&Strings) -> &'static str| {
            view! {
                <label class="amendment-count">
                    <span>{move || label(words())}</span>
                    <input
                        type="number"
                        min="0"
                        inputmode="numeric"
                        id=format!("amend-vote-{key}")
                        prop:value=move || field.get()
                        on:input=move |ev| field.set(event_target_value(&ev))
                    />
                </label>
            }
        };
    let vote_form = (role == Role::Edit).then(|| {
        view! {
            <form class="amendment-vote" hidden=move || deciding.get().is_none() on:submit=decide>
                <fieldset>
                    <legend>{move || words().amend_vote}</legend>
                    {vote_choice(Vote::None, "none", |w| w.amend_vote_none)}
                    {vote_choice(Vote::Unanimous, "unanimous", |w| w.amend_vote_unanimous)}
                    {vote_choice(Vote::Counts, "counts", |w| w.amend_vote_counts)}
                    <div class="amendment-counts" hidden=move || vote.get() != Vote::Counts>
                        {count_field(yes, "yes", |w| w.amend_vote_yes)}
                        {count_field(no, "no", |w| w.amend_vote_no)}
                        {count_field(abstain, "abstain", |w| w.amend_vote_abstain)}
                    </div>
                </fieldset>
                <p class="amendment-form-actions">
                    <button type="submit" id="amend-decide" class="primary">
                        {move || {
                            let template = if deciding.get() == Some(Status::Rejected) {
                                words().amend_vote_reject
                            } else {
                                words().amend_vote_adopt
                            };
                            template.replace("{n}", &name().unwrap_or_default())
                        }}
                    </button>
                    <button
                        type="button"
                        id="amend-decide-cancel"
                        on:click=move |_| deciding.set(None)
                    >
                        {move || words().amend_cancel}
                    </button>
                </p>
            </form>
        }
    });

    let actions = move || {
        let (status, mine, placed) = standing.get()?;
        let words = words();
        let mut buttons: Vec<AnyView> = Vec::new();
        if role != Role::View && mine && status == Status::Filed && placed {
            buttons.push(
                view! {
                    <button
                        type="button"
                        id="amend-edit"
                        on:click=move |_| {
                            let Some(row) = row.get_untracked() else { return };
                            let Some((start, end)) = row.span else { return };
                            ui.filing.set(Some(FilingTarget {
                                start,
                                end,
                                parent: row.parent.clone(),
                                revising: Some(row.id.clone()),
                            }));
                        }
                    >
                        {words.amend_edit}
                    </button>
                }
                .into_any(),
            );
        }
        if role != Role::View && mine && !status.is_closed() {
            buttons.push(
                view! {
                    <button
                        type="button"
                        id="amend-withdraw"
                        aria-expanded=move || confirming.get().to_string()
                        on:click=move |_| {
                            confirming.set(true);
                            request_animation_frame(|| page::focus_id("amend-withdraw-no"));
                        }
                    >
                        {words.amend_withdraw}
                    </button>
                }
                .into_any(),
            );
        }
        if role == Role::Edit {
            let decide_button = move |to: Status, id_: &'static str, label: &'static str| {
                view! {
                    <button
                        type="button"
                        id=id_
                        aria-expanded=move || (deciding.get() == Some(to)).to_string()
                        on:click=move |_| {
                            notice.set(None);
                            deciding.set(Some(to));
                            request_animation_frame(|| page::focus_id("amend-vote-none"));
                        }
                    >
                        {label}
                    </button>
                }
                .into_any()
            };
            if status == Status::Filed {
                buttons.push(
                    view! {
                        <button
                            type="button"
                            id="amend-discuss"
                            on:click=move |_| {
                                notice.set(None);
                                said(id.with_value(|id| {
                                    amendments.set_status(id, Status::Discussion, None, "")
                                }));
                            }
                        >
                            {words.amend_discuss}
                        </button>
                    }
                    .into_any(),
                );
            }
            if matches!(status, Status::Filed | Status::Discussion) {
                buttons.push(decide_button(
                    Status::Adopted,
                    "amend-adopt",
                    words.amend_adopt,
                ));
                buttons.push(decide_button(
                    Status::Rejected,
                    "amend-reject",
                    words.amend_reject,
                ));
            }
            if matches!(status, Status::Fallen | Status::Rejected) {
                buttons.push(
                    view! {
                        <button
                            type="button"
                            id="amend-reopen"
                            on:click=move |_| {
                                notice.set(None);
                                said(id.with_value(|id| amendments.reopen(id)));
                            }
                        >
                            {words.amend_reopen}
                        </button>
                    }
                    .into_any(),
                );
            }
        }
        (!buttons.is_empty()).then(|| {
            view! {
                <div class="amendment-actions" role="group" aria-label=words.amend_actions>
                    {buttons}
                </div>
            }
        })
    };

    let history_view = move || {
        let row = row.get()?;
        let words = words();
        let lang = locale.lang();
        let filed = words
            .amend_history_filed
            .replace("{name}", &person(words, &row.author_name))
            .replace("{time}", &when(row.filed_at, lang));
        let changes = history
            .get()
            .into_iter()
            .map(|change: Change| {
                let said = words
                    .amend_history_change
                    .replace("{from}", status_words(words, change.from))
                    .replace("{to}", status_words(words, change.to))
                    .replace("{name}", &person(words, &change.by))
                    .replace("{time}", &when(change.time, lang));
                let counts = change.counts.map(|counts| {
                    if counts.unanimous {
                        words.amend_unanimous.to_owned()
                    } else {
                        words
                            .amend_counts
                            .replace("{yes}", &counts.yes.to_string())
                            .replace("{no}", &counts.no.to_string())
                            .replace("{abstain}", &counts.abstain.to_string())
                    }
                });
                let because = change.because.as_deref().map(|other| {
                    words
                        .amend_fallen_by
                        .replace("{n}", &name_of(&amendments, words, other))
                });
                let note = (!change.note.trim().is_empty()).then(|| change.note.clone());
                view! {
                    <li data-to=change.to.name()>
                        <span>{said}</span>
                        {counts.map(|counts| view! { <span class="amendment-votes">{counts}</span> })}
                        {because.map(|because| view! { <span class="amendment-because">{because}</span> })}
                        {note.map(|note| view! { <span class="amendment-note">{note}</span> })}
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <section class="amendment-history" aria-labelledby="amend-history-heading">
                <h4 id="amend-history-heading">{words.amend_history}</h4>
                <ol>
                    <li data-to="filed">{filed}</li>
                    {changes}
                </ol>
            </section>
        })
    };

    // Comments, and the form to comment or reply.
    let reply_to = RwSignal::new(None::<(String, String)>);
    let stance = RwSignal::new(Stance::Neutral);
    let draft = RwSignal::new(String::new());
    let comment_problem = RwSignal::new(None::<&'static str>);
    let can_comment = role != Role::View;
    let comment_item = move |comment: Comment, reply: bool| {
        let words = words();
        let lang = locale.lang();
        let who = person(words, &comment.author_name);
        let reply_button = (can_comment && !reply).then(|| {
            let target = (comment.id.clone(), who.clone());
            view! {
                <button
                    type="button"
                    class="amendment-reply"
                    on:click=move |_| {
                        reply_to.set(Some(target.clone()));
                        page::focus_id("amend-comment-text");
                    }
                >
                    {words.amend_reply}
                </button>
            }
        });
        view! {
            <div class="amendment-comment" data-stance=stance_name(comment.stance) data-id=comment.id.clone()>
                <p class="amendment-comment-meta">
                    <span class="amendment-stance">{stance_words(words, comment.stance)}</span>
                    <b>{who.clone()}</b>
                    <span class="amendment-time">{when(comment.time, lang)}</span>
                </p>
                {comment
                    .altered
                    .then(|| view! { <p class="amendment-altered" role="note">{words.amend_comment_altered}</p> })}
                <p class="amendment-comment-text">{comment.text.clone()}</p>
                {reply_button}
            </div>
        }
    };
    let comment_list = move || {
        let threads = threads(&comments.get());
        if threads.is_empty() {
            return view! { <p class="amendment-no-comments">{words().amend_no_comments}</p> }
                .into_any();
        }
        view! {
            <ul class="amendment-comments">
                {threads
                    .into_iter()
                    .map(|(comment, replies)| {
                        let replies = (!replies.is_empty()).then(|| {
                            view! {
                                <ul class="amendment-replies">
                                    {replies
                                        .into_iter()
                                        .map(|reply| view! { <li>{comment_item(reply, true)}</li> })
                                        .collect_view()}
                                </ul>
                            }
                        });
                        view! { <li>{comment_item(comment, false)} {replies}</li> }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let send_comment = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            comment_problem.set(Some(words().amend_comment_empty));
            return;
        }
        let to = reply_to.get_untracked().map(|(id, _)| id);
        let result =
            id.with_value(|id| amendments.comment(id, to, stance.get_untracked(), text.trim()));
        match result {
            Ok(()) => {
                draft.set(String::new());
                reply_to.set(None);
                stance.set(Stance::Neutral);
                comment_problem.set(None);
            }
            Err(error) => comment_problem.set(Some(error_words(words(), &error))),
        }
    };
    let stance_choice = move |which: Stance| {
        view! {
            <label>
                <input
                    type="radio"
                    name="amend-stance"
                    id=format!("amend-stance-{}", stance_name(which))
                    value=stance_name(which)
                    prop:checked=move || stance.get() == which
                    on:change=move |_| stance.set(which)
                />
                {move || stance_words(words(), which)}
            </label>
        }
    };
    let comment_form = can_comment.then(|| {
        view! {
            <form class="amendment-comment-form" on:submit=send_comment>
                {move || {
                    reply_to
                        .get()
                        .map(|(_, who)| {
                            view! {
                                <p class="amendment-replying">
                                    {words().amend_reply_to.replace("{name}", &who)}
                                    <button
                                        type="button"
                                        id="amend-reply-cancel"
                                        on:click=move |_| reply_to.set(None)
                                    >
                                        {words().amend_reply_cancel}
                                    </button>
                                </p>
                            }
                        })
                }}
                <fieldset class="amendment-stances">
                    <legend>{move || words().amend_stance}</legend>
                    {stance_choice(Stance::For)}
                    {stance_choice(Stance::Against)}
                    {stance_choice(Stance::Neutral)}
                </fieldset>
                <label class="amendment-field">
                    <span>{move || words().amend_comment_label}</span>
                    <textarea
                        id="amend-comment-text"
                        rows="3"
                        prop:value=move || draft.get()
                        on:input=move |ev| {
                            draft.set(event_target_value(&ev));
                            comment_problem.set(None);
                        }
                    ></textarea>
                </label>
                <p class="amendment-error" role="alert">{move || comment_problem.get()}</p>
                <p>
                    <button type="submit" id="amend-comment-send">
                        {move || words().amend_comment_send}
                    </button>
                </p>
            </form>
        }
    });

    let missing = move || {
        row.with(Option::is_none)
            .then(|| view! { <p class="amendment-error">{words().amend_error_not_found}</p> })
    };

    view! {
        <article
            class="amendment-detail"
            data-id=id.get_value()
            data-status=move || row.with(|row| row.as_ref().map(|row| row.status.name()))
            aria-labelledby="amendment-detail-heading"
        >
            {missing}
            {head}
            {altered}
            {wording}
            {changed}
            {rationale}
            <p class="amendment-supports">
                <span id="amend-support-count">{supports}</span>
                {support_toggle}
            </p>
            {actions}
            {withdraw_confirm}
            {vote_form}
            <p class="amendment-notice" role="status">{move || notice.get()}</p>
            <p class="amendment-error" role="alert">
                {move || problem.get().map(|error| error_words(words(), &error))}
            </p>
            {history_view}
            <section class="amendment-debate" aria-labelledby="amend-comments-heading">
                <h4 id="amend-comments-heading">{move || words().amend_comments}</h4>
                {comment_list}
                {comment_form}
            </section>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(id: &str, reply_to: Option<&str>) -> Comment {
        Comment {
            id: id.into(),
            amendment: "a".into(),
            reply_to: reply_to.map(Into::into),
            stance: Stance::Neutral,
            text: id.into(),
            author: [0; 32],
            author_name: String::new(),
            time: 0,
            altered: false,
        }
    }

    fn ids(threads: &[(Comment, Vec<Comment>)]) -> Vec<(String, Vec<String>)> {
        threads
            .iter()
            .map(|(c, replies)| (c.id.clone(), replies.iter().map(|r| r.id.clone()).collect()))
            .collect()
    }

    #[test]
    fn replies_are_threaded_one_level_under_their_first_comment() {
        let comments = [
            comment("1", None),
            comment("2", Some("1")),
            comment("3", None),
            comment("4", Some("2")),
            comment("5", Some("3")),
        ];
        assert_eq!(
            ids(&threads(&comments)),
            vec![
                ("1".into(), vec!["2".into(), "4".into()]),
                ("3".into(), vec!["5".into()]),
            ]
        );
    }

    #[test]
    fn a_reply_to_an_unknown_comment_or_a_forged_cycle_stands_on_its_own() {
        let comments = [
            comment("1", Some("missing")),
            comment("2", Some("3")),
            comment("3", Some("5")),
            comment("5", Some("2")),
            comment("4", Some("4")),
        ];
        let threaded = threads(&comments);
        let all: usize = threaded.iter().map(|(_, r)| 1 + r.len()).sum();
        assert_eq!(all, comments.len(), "nothing vanishes");
        assert!(ids(&threaded).iter().any(|(id, _)| id == "1"));
        assert!(ids(&threaded).iter().any(|(id, _)| id == "4"));
    }
}

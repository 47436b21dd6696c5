//! The amendment on screen in a meeting (issue 13), as the chair's panel
//! and the projector show it: its number (or "provisoire"), lines and
//! author, the passage against the proposed wording word by word
//! (insertions underlined, deletions struck: it reads in black and
//! white and from the back of a room), the rationale, the supports, the
//! pour / contre comments (the panel only), and, once decided, the
//! decision with its vote.
//!
//! It is built for one amendment and thrown away when another comes on
//! screen; only its own row is read again when the amendments move, so
//! switching never rebuilds the list of 3,000.

use leptos::prelude::*;
use model::amendments::wording::{word_diff, Piece};
use model::amendments::{Proposal, Stance, Status};

use crate::amendment_text::{lines_label, number_label};
use crate::locale::use_locale;
use crate::meeting_text::{outcome, outcome_words};
use crate::session::use_doc_amendments;
use crate::strings::Strings;

/// The pieces of the comparison as `<ins>`, `<del>` and plain text.
pub fn diff_view(before: &str, after: &str) -> impl IntoView {
    word_diff(before, after)
        .into_iter()
        .map(|piece| match piece {
            Piece::Same(text) => view! { <span>{text}</span> }.into_any(),
            Piece::Removed(text) => view! { <del>{text}</del> }.into_any(),
            Piece::Added(text) => view! { <ins>{text}</ins> }.into_any(),
        })
        .collect_view()
}

/// A person's name, or the words for someone unnamed.
pub fn person(words: &Strings, name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        words.amend_unnamed.to_owned()
    } else {
        name.to_owned()
    }
}

/// The amendment `id` on screen. `full`: with the comments (the panel);
/// without, large type for the projector (`class` says which).
#[component]
pub fn OnScreen(id: String, full: bool) -> impl IntoView {
    let amendments = use_doc_amendments();
    let locale = use_locale();
    let words = move || locale.strings();
    let id = StoredValue::new(id);
    let row = Memo::new(move |_| {
        amendments.revision.track();
        id.with_value(|id| amendments.overview().row(id).cloned())
    });
    // The decision: read from the decisions only once there is one.
    let status = Memo::new(move |_| row.with(|row| row.as_ref().map(|row| row.status)));
    let decision = Memo::new(move |_| {
        let status = status.get()?;
        if !status.is_closed() {
            return None;
        }
        let row = row.get_untracked()?;
        let words = words();
        let decisions = amendments.decisions();
        Some((
            status,
            outcome_words(words, &outcome(words, &row, &decisions)),
        ))
    });
    let prefix = if full { "meeting-screen" } else { "projector" };

    let head = move || {
        let row = row.get()?;
        let words = words();
        let number = number_label(words, row.number);
        let lines = row.lines.map(|lines| lines_label(words, lines));
        let by = words
            .amend_by
            .replace("{name}", &person(words, &row.author_name));
        let supports = words
            .amend_supports
            .replace("{n}", &row.supports.to_string());
        Some(view! {
            <p class="on-screen-head">
                <span class=format!("{prefix}-number on-screen-number") data-provisional=row.number.is_none().to_string()>
                    {number}
                </span>
                {lines.map(|lines| view! { <span class="on-screen-lines">{lines}</span> })}
                <span class="on-screen-author">{by}</span>
                <span class="on-screen-supports">{supports}</span>
            </p>
        })
    };
    let wording = move || {
        let row = row.get()?;
        let kind = match row.proposal {
            Proposal::Delete => "delete",
            Proposal::Replace(_) if row.passage.is_empty() => "insert",
            Proposal::Replace(_) => "replace",
        };
        Some(view! {
            <p class=format!("{prefix}-diff on-screen-diff") data-kind=kind>
                {diff_view(&row.passage, row.proposal.wording())}
            </p>
        })
    };
    let rationale = move || {
        let text = row.with(|row| row.as_ref().map(|row| row.rationale.clone()))?;
        (!text.trim().is_empty()).then(|| {
            view! {
                <div class="on-screen-rationale">
                    <h4>{move || words().amend_rationale}</h4>
                    <p>{text}</p>
                </div>
            }
        })
    };
    let decided = move || {
        let (status, said) = decision.get()?;
        Some(view! {
            <p class=format!("{prefix}-decision on-screen-decision") data-status=status.name() role="status">
                {words().meeting_decision.replace("{decision}", &said)}
            </p>
        })
    };
    let comments = full.then_some({
        move || {
            amendments.revision.track();
            let list = id.with_value(|id| amendments.comments(id));
            let argued: Vec<_> = list
                .into_iter()
                .filter(|comment| comment.stance != Stance::Neutral)
                .collect();
            if argued.is_empty() {
                return None;
            }
            let words = words();
            Some(view! {
                <ul class="on-screen-comments">
                    {argued
                        .into_iter()
                        .map(|comment| {
                            let (stance, label) = match comment.stance {
                                Stance::For => ("for", words.amend_stance_for),
                                _ => ("against", words.amend_stance_against),
                            };
                            view! {
                                <li data-stance=stance>
                                    <b>{format!("{label} — {}", person(words, &comment.author_name))}</b>
                                    " "
                                    <span>{comment.text}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            })
        }
    });
    let gone = move || {
        row.with(|row| row.is_none()).then(|| {
            view! { <p class="on-screen-gone">{words().amend_error_not_found}</p> }
        })
    };
    view! {
        <article
            class=if full { "on-screen" } else { "on-screen projector-amendment" }
            data-amendment=id.get_value()
            data-status=move || status.get().map_or("", Status::name)
        >
            {head}
            {gone}
            {wording}
            {rationale}
            {comments}
            {decided}
        </article>
    }
}

//! Filing an amendment: the bar's "Proposer un amendement" button
//! ([`ProposeButton`], for an edit or an amend link) and the form it
//! opens ([`AmendmentForm`], while [`AmendUi::filing`] is set).
//!
//! The button takes the editor's selection: a selected passage is to be
//! replaced (or deleted), a caret is an insertion point; in the form,
//! "supprimer tout le paragraphe" widens the target to the paragraph
//! around it, for a deletion. The form is a modal `<dialog>`: the page
//! behind is inert, so focus stays in it; Escape and "Annuler" close it
//! and give focus back to what opened it. It shows the passage with its
//! lines ("l. 42-45"), the proposed wording (prefilled with the passage)
//! or the deletion, the rationale, and optionally the open amendment this
//! one amends. Filed, it closes, and the new amendment opens in the
//! Amendments panel. The same form revises an amendment its author filed
//! ([`FilingTarget::revising`]) while it is only filed.
//!
//! The offsets are the textarea's when the form opened; if a co-author's
//! typing moved the passage meanwhile, it is found again by its words
//! ([`crate::amendment_text::relocate`]) before filing.

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html::Dialog;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::HtmlElement;
use model::amendments::{AmendError, Draft, Proposal};
use protocol::Role;

use crate::amendment_text::{
    error_words, lines_label, lines_of, number_label, paragraph_around, passage, relocate,
};
use crate::amendment_ui::{use_amend_ui, FilingTarget};
use crate::components::cite::ClaimPicker;
use crate::locale::use_locale;
use crate::panels::{use_panels, Panel};
use crate::platform::page;
use crate::session::{use_doc_amendments, use_doc_text};

/// How many characters before an insertion point the form quotes.
const CONTEXT: usize = 40;

/// The bar's button; nothing for a view link.
#[component]
pub fn ProposeButton() -> impl IntoView {
    let amendments = use_doc_amendments();
    let ui = use_amend_ui();
    let locale = use_locale();
    let text = use_doc_text();
    (amendments.role != Role::View).then(|| {
        let open = move |_| {
            // Without an editor (a preview only), an insertion at the end.
            let (start, end) = amendments.selection().unwrap_or_else(|| {
                let end = text.body().encode_utf16().count() as u32;
                (end, end)
            });
            ui.filing.set(Some(FilingTarget {
                start,
                end,
                parent: None,
                revising: None,
            }));
        };
        view! {
            <button
                type="button"
                id="propose-amendment"
                aria-haspopup="dialog"
                title=move || locale.strings().amend_propose_hint
                on:click=open
            >
                {move || locale.strings().propose_amendment}
            </button>
        }
    })
}

/// The filing form, shown while [`crate::amendment_ui::AmendUi::filing`]
/// is set.
#[component]
pub fn AmendmentForm() -> impl IntoView {
    let ui = use_amend_ui();
    move || {
        ui.filing
            .get()
            .map(|target| view! { <FilingDialog target /> })
    }
}

/// What went wrong, said in the person's language when drawn.
#[derive(Clone, Debug, PartialEq)]
enum Problem {
    /// Neither a wording nor a deletion.
    Empty,
    Refused(AmendError),
}

#[component]
fn FilingDialog(target: FilingTarget) -> impl IntoView {
    let amendments = use_doc_amendments();
    let ui = use_amend_ui();
    let panels = use_panels();
    let locale = use_locale();
    let text = use_doc_text();
    let words = move || locale.strings();

    // Where focus goes back when the form closes without filing.
    let opener = document()
        .active_element()
        .and_then(|element| element.dyn_into::<HtmlElement>().ok())
        .map(send_wrapper::SendWrapper::new);
    let give_focus_back = StoredValue::new(true);
    // Once the dialog is gone: while it is open, the page behind is inert
    // and cannot take the focus.
    on_cleanup(move || {
        if give_focus_back.get_value() {
            if let Some(opener) = opener {
                request_animation_frame(move || {
                    let _ = opener.focus();
                });
            }
        }
    });

    let revising = target.revising.clone();
    let overview = amendments.overview();
    let revised = revising.as_deref().and_then(|id| overview.row(id)).cloned();
    let body = text.body();
    let range = RwSignal::new((target.start, target.end));
    let shown = Memo::new(move |_| {
        let (start, end) = range.get();
        passage(&body, start, end)
    });
    let body = text.body();
    let lines = Memo::new(move |_| {
        let (start, end) = range.get();
        lines_of(&body, start, end)
    });
    let body = text.body();
    let before = Memo::new(move |_| {
        let (start, _) = range.get();
        let before = passage(&body, 0, start);
        let count = before.chars().count();
        let tail: String = before.chars().skip(count.saturating_sub(CONTEXT)).collect();
        tail.trim_start().to_owned()
    });
    let insertion = move || shown.with(String::is_empty);

    let deleting = RwSignal::new(matches!(
        revised.as_ref().map(|row| &row.proposal),
        Some(Proposal::Delete)
    ));
    let wording = RwSignal::new(match revised.as_ref().map(|row| &row.proposal) {
        Some(Proposal::Replace(wording)) => wording.clone(),
        _ => shown.get_untracked(),
    });
    let rationale = RwSignal::new(
        revised
            .as_ref()
            .map(|row| row.rationale.clone())
            .unwrap_or_default(),
    );
    let parent = RwSignal::new(
        revised
            .as_ref()
            .map_or(target.parent.clone(), |row| row.parent.clone()),
    );
    let problem = RwSignal::new(None::<Problem>);
    // A claim of an argument map quoted into the rationale, with its map
    // named (a rationale is signed as written: the quote stays as words).
    let cite = Callback::new(move |offer: crate::session::citations::Offer| {
        let title = Some(offer.quote.map_title.trim())
            .filter(|t| !t.is_empty())
            .unwrap_or(locale.strings().title_placeholder)
            .to_owned();
        rationale.update(|text| {
            *text = crate::amendment_text::with_quote(text, &offer.quote.wording, &title)
        });
        page::focus_id("amendment-rationale");
    });

    // The open amendments this one could amend, by number.
    let parents: Vec<(String, String)> = overview
        .rows
        .iter()
        .filter(|row| row.is_open() && Some(&row.id) != revising.as_ref())
        .map(|row| {
            let mut label = number_label(locale.strings(), row.number);
            if let Some(lines) = row.lines {
                label = format!("{label} · {}", lines_label(locale.strings(), lines));
            }
            (row.id.clone(), label)
        })
        .collect();

    let close = move || ui.filing.set(None);
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        }
    });
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            close();
        }
    };

    let whole_paragraph = move |_| {
        let (start, end) = range.get_untracked();
        let body = text.body();
        let (start, end) = paragraph_around(&body, start, end);
        range.set((start, end));
        wording.set(passage(&body, start, end));
        deleting.set(true);
        problem.set(None);
    };

    let revising_id = revising.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let replacing = !deleting.get_untracked();
        let wording_now = wording.get_untracked();
        if replacing && wording_now.trim().is_empty() {
            problem.set(Some(Problem::Empty));
            return;
        }
        let (start, end) = range.get_untracked();
        let Some((start, end)) = relocate(&text.body(), start, end, &shown.get_untracked()) else {
            problem.set(Some(Problem::Refused(AmendError::PassageGone)));
            return;
        };
        let draft = Draft {
            start,
            end,
            proposal: if replacing {
                Proposal::Replace(wording_now)
            } else {
                Proposal::Delete
            },
            rationale: rationale.get_untracked().trim().to_owned(),
            parent: parent.get_untracked(),
        };
        let filed = match &revising_id {
            Some(id) => amendments.revise(id, draft).map(|()| id.clone()),
            None => amendments.file(draft),
        };
        match filed {
            Ok(id) => {
                give_focus_back.set_value(false);
                ui.selected.set(Some(id));
                close();
                panels.show(Panel::Amendments);
            }
            Err(error) => problem.set(Some(Problem::Refused(error))),
        }
    };

    let heading = {
        let revised = revised.clone();
        move || match &revised {
            Some(row) => words()
                .amend_form_revise
                .replace("{n}", &number_label(words(), row.number)),
            None => words().propose_amendment.to_owned(),
        }
    };
    let passage_heading = move || {
        let label = lines.get().map(|lines| lines_label(words(), lines));
        match label {
            Some(label) => format!("{} · {label}", words().amend_form_passage),
            None => words().amend_form_passage.to_owned(),
        }
    };
    let passage_view = move || {
        if insertion() {
            let before = before.get();
            let said = if before.is_empty() {
                words().amend_form_insertion_start.to_owned()
            } else {
                words().amend_form_insertion.replace("{before}", &before)
            };
            view! { <p class="amendment-insertion">{said}</p> }.into_any()
        } else {
            view! { <blockquote class="amendment-passage" id="amendment-form-passage">{shown}</blockquote> }
                .into_any()
        }
    };
    let problem_view = move || {
        problem.get().map(|problem| match problem {
            Problem::Empty => words().amend_form_empty,
            Problem::Refused(error) => error_words(words(), &error),
        })
    };
    let parent_choice = (!parents.is_empty()).then(|| {
        let options = parents
            .into_iter()
            .map(|(id, label)| {
                let selected = parent.get_untracked().as_deref() == Some(id.as_str());
                view! { <option value=id selected=selected>{label}</option> }
            })
            .collect_view();
        view! {
            <label class="amendment-field">
                <span>{move || words().amend_form_parent}</span>
                <select
                    id="amendment-parent"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        parent.set((!value.is_empty()).then_some(value));
                    }
                >
                    <option value="" selected=parent.get_untracked().is_none()>
                        {move || words().amend_form_parent_none}
                    </option>
                    {options}
                </select>
            </label>
        }
    });
    let submit_label = {
        let revising = revising.is_some();
        move || {
            if revising {
                words().amend_form_save
            } else {
                words().amend_form_submit
            }
        }
    };

    view! {
        <dialog
            node_ref=dialog
            id="amendment-form"
            class="amendment-form"
            aria-labelledby="amendment-form-heading"
            on:keydown=on_keydown
            on:cancel=move |ev: leptos::ev::Event| {
                ev.prevent_default();
                close();
            }
        >
            <form on:submit=submit novalidate>
                <h2 id="amendment-form-heading">{heading}</h2>
                <section class="amendment-target" aria-labelledby="amendment-form-passage-heading">
                    <h3 id="amendment-form-passage-heading">{passage_heading}</h3>
                    {passage_view}
                </section>
                <fieldset class="amendment-kind" hidden=insertion>
                    <legend class="visually-hidden">{move || words().amend_wording}</legend>
                    <label>
                        <input
                            type="radio"
                            name="amendment-kind"
                            id="amendment-replace"
                            value="replace"
                            prop:checked=move || !deleting.get()
                            on:change=move |_| deleting.set(false)
                        />
                        {move || words().amend_form_replace}
                    </label>
                    <label>
                        <input
                            type="radio"
                            name="amendment-kind"
                            id="amendment-delete"
                            value="delete"
                            prop:checked=move || deleting.get()
                            on:change=move |_| deleting.set(true)
                        />
                        {move || words().amend_form_delete}
                    </label>
                </fieldset>
                <label class="amendment-field" hidden=move || deleting.get()>
                    <span>
                        {move || {
                            if insertion() {
                                words().amend_form_insert
                            } else {
                                words().amend_wording
                            }
                        }}
                    </span>
                    <textarea
                        id="amendment-wording"
                        rows="5"
                        autofocus
                        prop:value=move || wording.get()
                        on:input=move |ev| {
                            wording.set(event_target_value(&ev));
                            problem.set(None);
                        }
                    ></textarea>
                </label>
                <p class="amendment-paragraph">
                    <button type="button" id="amendment-paragraph" on:click=whole_paragraph>
                        {move || words().amend_form_paragraph}
                    </button>
                </p>
                <label class="amendment-field">
                    <span>{move || words().amend_rationale}</span>
                    <textarea
                        id="amendment-rationale"
                        rows="4"
                        aria-describedby="amendment-rationale-hint"
                        prop:value=move || rationale.get()
                        on:input=move |ev| rationale.set(event_target_value(&ev))
                    ></textarea>
                    <small id="amendment-rationale-hint">
                        {move || words().amend_form_rationale_hint}
                    </small>
                </label>
                <details class="rationale-cite" id="rationale-cite">
                    <summary>{move || words().cite_in_rationale}</summary>
                    <ClaimPicker on_pick=cite id="rationale-picker" />
                </details>
                {parent_choice}
                <p class="amendment-error" id="amendment-form-error" role="alert">
                    {problem_view}
                </p>
                <p class="amendment-form-actions">
                    <button type="submit" id="amendment-submit" class="primary">
                        {submit_label}
                    </button>
                    <button type="button" id="amendment-cancel" on:click=move |_| close()>
                        {move || words().amend_cancel}
                    </button>
                </p>
            </form>
        </dialog>
    }
}

//! What an edit link does to one claim in the focused view: add an
//! argument for or against it ([`AddClaimForm`]); edit its statement,
//! explanation, kind or stance, tags and sources; move it ("Déplacer…":
//! back to the tree, where the keyboard picks the new parent); mark it as
//! a duplicate of another claim; delete it, after a confirmation saying
//! how many claims under it go too ([`ClaimActions`]).
//!
//! The edit form reads the claim once, when it opens: a co-author's
//! change meanwhile does not overwrite what the person is typing.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use model::arguments::{ClaimEdit, Source, Stance, TopKind};

use super::argument_map::{statement_of, use_map_ui};
use super::argument_tree::start_move;
use crate::locale::use_locale;
use crate::session::use_doc_arguments;

/// The form to add an argument for (or against) `parent`.
#[component]
pub fn AddClaimForm(parent: String, stance: Stance) -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let draft = RwSignal::new(String::new());
    let parent = StoredValue::new(parent);
    let field = format!("add-{}", stance.name());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let words = locale.strings();
        let edit = ClaimEdit {
            text: Some(draft.get_untracked()),
            stance: Some(stance),
            ..ClaimEdit::default()
        };
        let parent = parent.get_value();
        if ui.report(
            words,
            arguments.add(Some(&parent), None, &edit),
            words.map_added,
        ) {
            draft.set(String::new());
        }
    };
    let label = move || {
        if stance == Stance::Pro {
            locale.strings().map_add_pro
        } else {
            locale.strings().map_add_con
        }
    };
    view! {
        <form class="add-claim" data-stance=stance.name() on:submit=submit>
            <label for=field.clone()>{label}</label>
            <textarea
                id=field.clone()
                rows="2"
                maxlength="2000"
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
            ></textarea>
            <button type="submit" id=format!("{field}-submit")>
                {move || locale.strings().map_add_submit}
            </button>
        </form>
    }
}

/// What an edit link can do to the claim `id`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Nothing,
    Edit,
    Merge,
    Delete,
}

#[component]
pub fn ClaimActions(id: String) -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let id = StoredValue::new(id);
    let open = RwSignal::new(Open::Nothing);
    let toggle = move |what: Open| {
        open.update(|o| *o = if *o == what { Open::Nothing } else { what });
    };
    let start = move |_| {
        let map = arguments.map();
        start_move(ui, &map, locale.strings(), &id.get_value());
        // Back to the tree, where the keyboard picks the new parent.
        ui.focus.set(None);
        request_animation_frame(super::argument_map::focus_active_item);
    };
    view! {
        <div class="claim-actions" role="group">
            <button
                type="button"
                id="claim-edit"
                aria-expanded=move || (open.get() == Open::Edit).to_string()
                on:click=move |_| toggle(Open::Edit)
            >
                {move || locale.strings().map_edit}
            </button>
            <button type="button" id="claim-move" on:click=start>
                {move || locale.strings().map_move}
            </button>
            <button
                type="button"
                id="claim-merge"
                aria-expanded=move || (open.get() == Open::Merge).to_string()
                on:click=move |_| toggle(Open::Merge)
            >
                {move || locale.strings().map_merge}
            </button>
            <button
                type="button"
                id="claim-delete"
                class="danger"
                aria-expanded=move || (open.get() == Open::Delete).to_string()
                on:click=move |_| toggle(Open::Delete)
            >
                {move || locale.strings().map_delete}
            </button>
        </div>
        {move || match open.get() {
            Open::Nothing => ().into_any(),
            Open::Edit => view! { <EditForm id=id.get_value() open /> }.into_any(),
            Open::Merge => view! { <MergeForm id=id.get_value() open /> }.into_any(),
            Open::Delete => view! { <DeleteConfirm id=id.get_value() open /> }.into_any(),
        }}
    }
}

/// The claim's words and facts, as a form.
#[component]
fn EditForm(id: String, open: RwSignal<Open>) -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let map = arguments.map();
    let claim = map.claim(&id).cloned().unwrap_or_default();
    let top = map.parent(&id).is_none();
    let text = RwSignal::new(claim.text.clone());
    let note = RwSignal::new(claim.note.clone());
    let tags = RwSignal::new(claim.tags.join(", "));
    let kind = RwSignal::new(claim.kind);
    let stance = RwSignal::new(claim.stance);
    let sources = RwSignal::new(claim.sources.clone());
    let id = StoredValue::new(id);
    request_animation_frame(|| crate::platform::page::focus_id("claim-edit-text"));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let words = locale.strings();
        let edit = ClaimEdit {
            text: Some(text.get_untracked()),
            note: Some(note.get_untracked()),
            kind: top.then(|| kind.get_untracked()),
            stance: (!top).then(|| stance.get_untracked()),
            tags: Some(
                tags.get_untracked()
                    .split(',')
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect(),
            ),
            sources: Some(sources.get_untracked()),
        };
        if ui.report(
            words,
            arguments.edit(&id.get_value(), &edit),
            words.map_saved,
        ) {
            open.set(Open::Nothing);
        }
    };
    let source_rows = move || {
        let words = locale.strings();
        let count = sources.with(Vec::len);
        (0..count)
            .map(|i| {
                let field = move |label: &'static str,
                                  name: &'static str,
                                  get: fn(&Source) -> String,
                                  set: fn(&mut Source, String)| {
                    let field_id = format!("claim-source-{i}-{name}");
                    view! {
                        <label for=field_id.clone()>{label}</label>
                        <input
                            id=field_id
                            type="text"
                            prop:value=move || sources.with(|s| s.get(i).map(get).unwrap_or_default())
                            on:input=move |ev| {
                                let value = event_target_value(&ev);
                                sources.update(|s| {
                                    if let Some(source) = s.get_mut(i) {
                                        set(source, value);
                                    }
                                });
                            }
                        />
                    }
                };
                view! {
                    <fieldset class="source-row" data-source=i.to_string()>
                        <legend>{format!("{} {}", words.map_sources_heading, i + 1)}</legend>
                        {field(words.map_source_url, "url", |s| s.url.clone(), |s, v| s.url = v)}
                        {field(words.map_source_title, "title", |s| s.title.clone(), |s, v| s.title = v)}
                        {field(words.map_source_quote, "quote", |s| s.quote.clone(), |s, v| s.quote = v)}
                        {field(words.map_source_date, "date", |s| s.date.clone(), |s, v| s.date = v)}
                        <button
                            type="button"
                            class="source-remove"
                            on:click=move |_| {
                                sources.update(|s| {
                                    if i < s.len() {
                                        s.remove(i);
                                    }
                                })
                            }
                        >
                            {words.map_source_remove}
                        </button>
                    </fieldset>
                }
            })
            .collect_view()
    };
    let words = locale.strings();
    let kind_or_stance = if top {
        view! {
            <label for="claim-edit-kind">{words.map_top_kind_label}</label>
            <select
                id="claim-edit-kind"
                on:change=move |ev| {
                    if let Some(k) = TopKind::from_name(&event_target_value(&ev)) {
                        kind.set(k);
                    }
                }
            >
                <option value="question" selected=claim.kind == TopKind::Question>
                    {words.map_kind_question}
                </option>
                <option value="thesis" selected=claim.kind == TopKind::Thesis>
                    {words.map_kind_thesis}
                </option>
            </select>
        }
        .into_any()
    } else {
        view! {
            <label for="claim-edit-stance">{words.map_stance_label}</label>
            <select
                id="claim-edit-stance"
                on:change=move |ev| {
                    if let Some(s) = Stance::from_name(&event_target_value(&ev)) {
                        stance.set(s);
                    }
                }
            >
                <option value="pro" selected=claim.stance == Stance::Pro>
                    {words.map_stance_pro}
                </option>
                <option value="con" selected=claim.stance == Stance::Con>
                    {words.map_stance_con}
                </option>
            </select>
        }
        .into_any()
    };
    view! {
        <form class="claim-edit-form" id="claim-edit-form" on:submit=submit>
            <label for="claim-edit-text">{words.map_statement_label}</label>
            <textarea
                id="claim-edit-text"
                rows="2"
                maxlength="2000"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            {kind_or_stance}
            <label for="claim-edit-note">{words.map_note_label}</label>
            <textarea
                id="claim-edit-note"
                rows="5"
                prop:value=move || note.get()
                on:input=move |ev| note.set(event_target_value(&ev))
            ></textarea>
            <label for="claim-edit-tags">{words.map_tags_field_label}</label>
            <input
                id="claim-edit-tags"
                type="text"
                prop:value=move || tags.get()
                on:input=move |ev| tags.set(event_target_value(&ev))
            />
            <div class="sources-fields">
                <p class="label">{words.map_sources_heading}</p>
                {source_rows}
                <button
                    type="button"
                    id="claim-source-add"
                    on:click=move |_| sources.update(|s| s.push(Source::default()))
                >
                    {words.map_source_add}
                </button>
            </div>
            <div class="form-buttons">
                <button type="submit" id="claim-edit-save">
                    {words.map_save}
                </button>
                <button type="button" on:click=move |_| open.set(Open::Nothing)>
                    {words.map_cancel}
                </button>
            </div>
        </form>
    }
}

/// "Marquer comme doublon de…": pick the claim it repeats.
#[component]
fn MergeForm(id: String, open: RwSignal<Open>) -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let words = locale.strings();
    let map = arguments.map();
    // Any shown claim but itself and what is under it.
    let choices: Vec<(String, String)> = map
        .walk()
        .into_iter()
        .filter(|(other, _)| !map.is_under(other, &id))
        .map(|(other, depth)| {
            (
                other.to_owned(),
                format!("{}{}", "  ".repeat(depth), statement_of(&map, other)),
            )
        })
        .collect();
    let into = RwSignal::new(choices.first().map(|(c, _)| c.clone()).unwrap_or_default());
    let id = StoredValue::new(id);
    request_animation_frame(|| crate::platform::page::focus_id("claim-merge-into"));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let target = into.get_untracked();
        let map = arguments.map();
        let done = words
            .map_merged
            .replace("{text}", &statement_of(&map, &target));
        if ui.report(words, arguments.merge(&id.get_value(), &target), &done) {
            open.set(Open::Nothing);
        }
    };
    let options = choices
        .into_iter()
        .map(|(value, label)| view! { <option value=value>{label}</option> })
        .collect_view();
    view! {
        <form class="claim-merge-form" id="claim-merge-form" on:submit=submit>
            <label for="claim-merge-into">{words.map_merge_label}</label>
            <select id="claim-merge-into" on:change=move |ev| into.set(event_target_value(&ev))>
                {options}
            </select>
            <button type="submit" id="claim-merge-submit">
                {words.map_merge_submit}
            </button>
            <button type="button" on:click=move |_| open.set(Open::Nothing)>
                {words.map_cancel}
            </button>
        </form>
    }
}

/// The confirmation before deleting: how many claims go with it.
#[component]
fn DeleteConfirm(id: String, open: RwSignal<Open>) -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let words = locale.strings();
    let map = arguments.map();
    let under = map.descendants(&id);
    let text = statement_of(&map, &id);
    let question = if under == 0 {
        words.map_delete_confirm_alone.replace("{text}", &text)
    } else {
        words
            .map_delete_confirm
            .replace("{text}", &text)
            .replace("{n}", &under.to_string())
    };
    let id = StoredValue::new(id);
    request_animation_frame(|| crate::platform::page::focus_id("claim-delete-no"));
    let yes = move |_| {
        if ui.report(
            words,
            arguments.delete(&id.get_value(), true),
            words.map_deleted_said,
        ) {
            ui.focus.set(None);
        }
    };
    view! {
        <div class="claim-delete-confirm" id="claim-delete-confirm" role="alertdialog" aria-labelledby="claim-delete-question">
            <p id="claim-delete-question">{question}</p>
            <button type="button" id="claim-delete-yes" class="danger" on:click=yes>
                {words.map_delete_yes}
            </button>
            <button type="button" id="claim-delete-no" on:click=move |_| open.set(Open::Nothing)>
                {words.map_cancel}
            </button>
        </div>
    }
}

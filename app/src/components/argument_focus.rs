//! The focused view of one claim (`#claim-focus`), Kialo's layout: its
//! ancestors as a breadcrumb, its statement big, its explanation
//! (Markdown through [`model::markdown`], which writes no raw HTML),
//! sources and tags, who wrote it; its direct arguments for and against
//! side by side in two columns (stacked on a phone), each opening its
//! own focused view. Escape or "Retour à l'arbre" goes back to the tree.
//!
//! Around it, what the link may do: endorse and rate it, propose
//! ([`super::argument_standing`]); edit, move, merge, delete it and add
//! arguments under it (an edit link, [`super::argument_claim_form`]).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use model::arguments::{ArgMap, Claim, Stance};
use model::markdown::{self, Destination};

use super::argument_claim_form::{AddClaimForm, ClaimActions};
use super::argument_map::{person, role_icon, role_words, use_map_ui};
use super::argument_standing::{ClaimComments, ClaimStanding};
use crate::locale::use_locale;
use crate::session::use_doc_arguments;
use crate::strings::Strings;

#[component]
pub fn ClaimFocus(id: String) -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let id = StoredValue::new(id);
    // Escape goes back to the tree, but not from a field being written
    // (it would lose the draft).
    let keydown = move |ev: KeyboardEvent| {
        let in_field = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
            .is_some_and(|t| matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if ev.key() == "Escape" && !ev.default_prevented() && !in_field {
            ev.prevent_default();
            ui.close();
        }
    };
    // Focus the heading when the view opens, so the keyboard starts here.
    request_animation_frame(|| crate::platform::page::focus_id("claim-focus-statement"));
    let breadcrumb = move || {
        let map = arguments.map();
        let words = locale.strings();
        let mut ancestors: Vec<&str> = map.ancestors(&id.get_value());
        ancestors.reverse();
        ancestors
            .into_iter()
            .map(|up| {
                let role = map.role(up);
                let text = map.claim(up).map(|c| c.text.clone()).unwrap_or_default();
                let up = up.to_owned();
                view! {
                    <li>
                        <button
                            type="button"
                            data-claim=up.clone()
                            data-role=role.name()
                            on:click=move |_| ui.open(&up)
                        >
                            <span class="role-icon" aria-hidden="true">
                                {role_icon(role)}
                            </span>
                            <span class="visually-hidden">{role_words(words, role)} " : "</span>
                            {text}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let head = move || {
        let map = arguments.map();
        let words = locale.strings();
        let id = id.get_value();
        let claim = map.claim(&id)?.clone();
        let role = map.role(&id);
        Some(view! {
            <p class="role-badge" data-role=role.name()>
                <span class="role-icon" aria-hidden="true">
                    {role_icon(role)}
                </span>
                {role_words(words, role)}
            </p>
            <h2 id="claim-focus-statement" class="focus-statement" tabindex="-1">
                {claim.text.clone()}
            </h2>
            <p class="who">{who_line(words, &claim)}</p>
            {details(words, &claim)}
            {merged_here(&map, words, &id)}
        })
    };
    view! {
        <section
            class="claim-focus"
            id="claim-focus"
            data-claim=id.get_value()
            aria-label=move || locale.strings().map_focus_label
            on:keydown=keydown
        >
            <button type="button" id="claim-focus-back" class="back" on:click=move |_| ui.close()>
                "← "
                {move || locale.strings().map_back}
            </button>
            <nav class="breadcrumb" aria-label=move || locale.strings().map_breadcrumb>
                <ol>{breadcrumb}</ol>
            </nav>
            <article class="focus-claim">
                {head}
                <Show when=move || arguments.can_take_part()>
                    <ClaimStanding id=id.get_value() />
                </Show>
                <Show when=move || arguments.can_edit()>
                    <ClaimActions id=id.get_value() />
                </Show>
            </article>
            <div class="focus-columns">
                <Column id=id.get_value() stance=Stance::Pro />
                <Column id=id.get_value() stance=Stance::Con />
            </div>
            <ClaimComments id=id.get_value() />
        </section>
    }
}

/// "par Alice · modifié par Bob".
pub fn who_line(words: &Strings, claim: &Claim) -> String {
    let by = words
        .map_by
        .replace("{name}", &person(words, &claim.author));
    if claim.edited_by != claim.author && !claim.edited_by.trim().is_empty() {
        format!(
            "{by} · {}",
            words
                .map_edited_by
                .replace("{name}", &person(words, &claim.edited_by))
        )
    } else {
        by
    }
}

/// The explanation, tags and sources of a claim.
fn details(words: &'static Strings, claim: &Claim) -> impl IntoView {
    let note = (!claim.note.trim().is_empty()).then(|| {
        view! { <div class="focus-note" inner_html=markdown::to_html(&claim.note)></div> }
    });
    let tags = (!claim.tags.is_empty()).then(|| {
        view! {
            <ul class="tags" aria-label=words.map_tag_label>
                {claim.tags.iter().map(|t| view! { <li class="tag">{t.clone()}</li> }).collect_view()}
            </ul>
        }
    });
    let sources = (!claim.sources.is_empty()).then(|| {
        let items = claim
            .sources
            .iter()
            .map(|source| {
                let title = if source.title.trim().is_empty() {
                    source.url.clone()
                } else {
                    source.title.clone()
                };
                let link = match markdown::safe_url(&source.url) {
                    Some(Destination::External(url)) => view! {
                        <a href=url target="_blank" rel="noopener noreferrer nofollow">
                            {title}
                        </a>
                    }
                    .into_any(),
                    _ => view! { <span>{title}</span> }.into_any(),
                };
                let quote = (!source.quote.trim().is_empty())
                    .then(|| view! { <q>{source.quote.clone()}</q> });
                let date = (!source.date.trim().is_empty())
                    .then(|| view! { <span class="date">{source.date.clone()}</span> });
                view! { <li>{link} " " {date} " " {quote}</li> }
            })
            .collect_view();
        view! {
            <section class="sources">
                <h3>{words.map_sources_heading}</h3>
                <ol>{items}</ol>
            </section>
        }
    });
    view! { {note} {tags} {sources} }
}

/// The duplicates merged into `id`, each with its "undo".
fn merged_here(map: &ArgMap, words: &'static Strings, id: &str) -> Option<impl IntoView> {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let merged = map.merged_into(id);
    if merged.is_empty() {
        return None;
    }
    let can_edit = arguments.can_edit();
    let items = merged
        .iter()
        .map(|dup| {
            let text = map.claim(dup).map(|c| c.text.clone()).unwrap_or_default();
            let undo = can_edit.then(|| {
                let dup = dup.clone();
                view! {
                    <button
                        type="button"
                        class="unmerge"
                        on:click=move |_| {
                            ui.report(words, arguments.unmerge(&dup), words.map_unmerged);
                        }
                    >
                        {words.map_unmerge}
                    </button>
                }
            });
            view! {
                <li data-merged=dup.clone()>
                    <span class="statement">{text}</span>
                    " "
                    {undo}
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <section class="merged-here">
            <h3>{words.map_merged_here}</h3>
            <ul>{items}</ul>
        </section>
    })
}

/// One column of the focused view: the direct arguments for, or
/// against, each opening its own view; the form to add one.
#[component]
fn Column(id: String, stance: Stance) -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let parent = StoredValue::new(id);
    let cards = move || {
        let map = arguments.map();
        let standings = arguments.standings();
        let words = locale.strings();
        let (pros, cons) = map.pros_and_cons(&parent.get_value());
        let list = if stance == Stance::Pro { pros } else { cons };
        if list.is_empty() {
            let none = if stance == Stance::Pro {
                words.map_no_pros
            } else {
                words.map_no_cons
            };
            return view! { <li class="none">{none}</li> }.into_any();
        }
        list.into_iter()
            .map(|claim| {
                let role = map.role(&claim.id);
                let endorsers =
                    model::arguments::rank::standing(&map, &standings, &claim.id).endorsers;
                let under = map.descendants(&claim.id);
                let open = claim.id.clone();
                view! {
                    <li class="card" data-claim=claim.id.clone() data-role=role.name()>
                        <button type="button" class="card-open" on:click=move |_| ui.open(&open)>
                            <span class="role-badge" data-role=role.name()>
                                <span class="role-icon" aria-hidden="true">
                                    {role_icon(role)}
                                </span>
                                {role_words(words, role)}
                            </span>
                            <span class="statement">{claim.text.clone()}</span>
                        </button>
                        <p class="counts">
                            {(endorsers > 0)
                                .then(|| {
                                    view! {
                                        <span class="endorsements" data-count=endorsers.to_string()>
                                            {words.map_endorse_count.replace("{n}", &endorsers.to_string())}
                                        </span>
                                    }
                                })}
                            {(under > 0)
                                .then(|| {
                                    view! {
                                        <span class="under" data-count=under.to_string()>
                                            {words.map_under_count.replace("{n}", &under.to_string())}
                                        </span>
                                    }
                                })}
                            <span class="who">{who_line(words, claim)}</span>
                        </p>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let name = stance.name();
    view! {
        <section class="focus-column" data-stance=name id=format!("focus-{name}s")>
            <h3>
                <span class="role-icon" aria-hidden="true">
                    {if stance == Stance::Pro { "+" } else { "−" }}
                </span>
                {move || {
                    if stance == Stance::Pro {
                        locale.strings().map_pros_heading
                    } else {
                        locale.strings().map_cons_heading
                    }
                }}
            </h3>
            <ul class="cards">{cards}</ul>
            <Show when=move || arguments.can_edit()>
                <AddClaimForm parent=parent.get_value() stance />
            </Show>
        </section>
    }
}

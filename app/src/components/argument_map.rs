//! The argument map's page body (issue 14): the tree of claims
//! ([`super::argument_tree`]) with its search and tag filter, or the
//! focused view of one claim ([`super::argument_focus`]); the form that
//! starts an empty map; the notice of the moves the fold refused; the
//! list of deleted claims to restore.
//!
//! The page's own state (which claim is focused, which branches are
//! folded, which claim is being moved, what was last said) is a
//! [`MapUi`] provided here and read by the views with [`use_map_ui`].
//! Everything the map holds comes from [`crate::session::DocArguments`];
//! edit controls are drawn only for a link that may use them
//! (`can_edit`, `can_take_part`), and the session refuses anyway.

use std::collections::HashSet;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use model::arguments::{ArgError, ArgMap, ClaimEdit, RefusedWhy, Role, TopKind};

use super::argument_focus::ClaimFocus;
use super::argument_tree::ArgumentTree;
use crate::argument_text::error_words;
use crate::locale::use_locale;
use crate::session::{use_doc_arguments, DocArguments};
use crate::strings::Strings;

/// What the map page shows and does besides the map itself.
#[derive(Clone, Copy)]
pub struct MapUi {
    /// The claim of the focused view (`None`: the tree).
    pub focus: RwSignal<Option<String>>,
    /// The tree's current item (roving focus).
    pub active: RwSignal<Option<String>>,
    /// Branches the person folded or unfolded: a change from the default
    /// ([`MapUi::open_by_default`]).
    pub collapsed: RwSignal<HashSet<String>>,
    /// The claim being moved by keyboard ("Déplacer…"): the next Enter in
    /// the tree puts it under the current item.
    pub moving: RwSignal<Option<String>>,
    /// What the last action said, and whether it was a refusal.
    pub said: RwSignal<Option<(String, bool)>>,
    /// The search words and the tag filter.
    pub query: RwSignal<String>,
    pub tag: RwSignal<Option<String>>,
    /// How many matches of a filter the tree draws: [`FILTER_PAGE`] more
    /// each time the person asks, back to one page when the filter changes.
    pub limit: RwSignal<usize>,
    arguments: DocArguments,
}

/// Matches of a filter drawn at once: a tag or a word can match hundreds
/// of claims, and drawing them all (with their ancestors) took 130–470 ms
/// on a 2,000-claim map; a page of them keeps filtering quick.
pub const FILTER_PAGE: usize = 30;

/// A map larger than this opens with its branches folded below the
/// arguments directly under the top, so drawing the tree stays quick.
pub const FOLD_DEEPER_THAN: usize = 300;

impl MapUi {
    /// Whether a branch at `depth` is open unless the person changed it:
    /// everything in a small map; the top and what is directly under it in
    /// a large one.
    pub fn open_by_default(map: &ArgMap, depth: usize) -> bool {
        map.len() <= FOLD_DEEPER_THAN || depth < 1
    }

    /// Whether the branch of `id` (at `depth`) is open.
    pub fn is_open(map: &ArgMap, toggled: &HashSet<String>, id: &str, depth: usize) -> bool {
        Self::open_by_default(map, depth) != toggled.contains(id)
    }

    /// Fold or unfold the branch of `id`.
    pub fn toggle(&self, id: &str) {
        self.collapsed.update(|set| {
            if !set.remove(id) {
                set.insert(id.to_owned());
            }
        });
    }

    /// Make sure the branch of `id` is open.
    pub fn unfold(&self, map: &ArgMap, id: &str) {
        let depth = map.depth(id);
        if !Self::is_open(map, &self.collapsed.get_untracked(), id, depth) {
            self.toggle(id);
        }
    }

    /// Tell the person something went well.
    pub fn say(&self, text: impl Into<String>) {
        self.said.set(Some((text.into(), false)));
    }

    /// Tell the person why something was refused.
    pub fn refuse(&self, text: impl Into<String>) {
        self.said.set(Some((text.into(), true)));
    }

    /// Report a map operation's outcome: `done` on success, the refusal
    /// in words otherwise. Whether it went through.
    pub fn report<T>(&self, words: &Strings, result: Result<T, ArgError>, done: &str) -> bool {
        match result {
            Ok(_) => {
                self.say(done);
                true
            }
            Err(error) => {
                self.refuse(error_words(words, &error));
                false
            }
        }
    }

    /// Filter by `query` and `tag`, from the first page of matches.
    pub fn set_filter(&self, query: String, tag: Option<String>) {
        self.query.set(query);
        self.tag.set(tag);
        self.limit.set(FILTER_PAGE);
    }

    /// Open the focused view of `id`.
    pub fn open(&self, id: &str) {
        self.active.set(Some(id.to_owned()));
        self.focus.set(Some(id.to_owned()));
        self.said.set(None);
    }

    /// Back to the tree, its current item focused (its branch unfolded).
    pub fn close(&self) {
        if let Some(id) = self.focus.get_untracked() {
            let map = untrack(|| self.arguments.map());
            for up in map.ancestors(&id) {
                self.unfold(&map, up);
            }
            self.active.set(Some(id));
        }
        self.focus.set(None);
        request_animation_frame(focus_active_item);
    }
}

/// The [`MapUi`] the map page provides.
pub fn use_map_ui() -> MapUi {
    use_context().expect("the map page provides MapUi")
}

/// Give focus to the tree's current item (`tabindex="0"`).
pub fn focus_active_item() {
    use leptos::wasm_bindgen::JsCast;
    if let Some(element) = document()
        .query_selector("#argument-tree [role=treeitem][tabindex=\"0\"]")
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<leptos::web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// A role in words.
pub fn role_words(words: &Strings, role: Role) -> &'static str {
    match role {
        Role::Question => words.map_role_question,
        Role::Thesis => words.map_role_thesis,
        Role::Pro => words.map_role_pro,
        Role::Con => words.map_role_con,
        Role::Objection => words.map_role_objection,
        Role::Answer => words.map_role_answer,
        Role::Support => words.map_role_support,
    }
}

/// A role's sign, so the tree reads without colour.
pub fn role_icon(role: Role) -> &'static str {
    match role {
        Role::Question => "?",
        Role::Thesis => "!",
        Role::Pro | Role::Support | Role::Answer => "+",
        Role::Con | Role::Objection => "−",
    }
}

/// A person's name, or the words for someone unnamed.
pub fn person(words: &Strings, name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        words.map_unnamed.to_owned()
    } else {
        name.to_owned()
    }
}

/// A claim's statement for a sentence (cut when long), or "?" when it is
/// not in the map.
pub fn statement_of(map: &ArgMap, id: &str) -> String {
    let text = map.claim(id).map_or("?", |c| c.text.as_str());
    let mut short: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        short.push('…');
    }
    short
}

#[component]
pub fn ArgumentMap() -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = MapUi {
        focus: RwSignal::new(None),
        active: RwSignal::new(None),
        collapsed: RwSignal::new(HashSet::new()),
        moving: RwSignal::new(None),
        said: RwSignal::new(None),
        query: RwSignal::new(String::new()),
        tag: RwSignal::new(None),
        limit: RwSignal::new(FILTER_PAGE),
        arguments,
    };
    provide_context(ui);
    let locale = use_locale();
    let empty = Memo::new(move |_| arguments.map().is_empty());
    // A focused claim that left the map (deleted, merged by someone):
    // back to the tree.
    Effect::new(move |_| {
        if let Some(id) = ui.focus.get() {
            if !arguments.map().is_visible(&id) {
                ui.focus.set(None);
            }
        }
    });
    let focused = Memo::new(move |_| ui.focus.get());
    let said = move || {
        ui.said.get().map(|(text, refused)| {
            view! {
                <p class="map-said" class:refused=refused data-refused=refused.to_string()>
                    {text}
                </p>
            }
        })
    };
    view! {
        <div class="argument-map" id="argument-map">
            <Show when=move || !arguments.can_edit()>
                <p class="map-read-only">{move || locale.strings().map_read_only}</p>
            </Show>
            <RefusedNotice />
            <div id="map-said" role="status" aria-live="polite">
                {said}
            </div>
            {move || {
                if empty.get() {
                    view! { <EmptyMap /> }.into_any()
                } else if let Some(id) = focused.get() {
                    view! { <ClaimFocus id /> }.into_any()
                } else {
                    view! {
                        <FilterBar />
                        <ArgumentTree />
                        <Show when=move || arguments.can_edit()>
                            <details class="add-top">
                                <summary>{move || locale.strings().map_add_top}</summary>
                                <TopForm first=false />
                            </details>
                        </Show>
                        <DeletedList />
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// A new map: the form to write its question or thesis (an edit link),
/// or the words saying it is empty.
#[component]
fn EmptyMap() -> impl IntoView {
    let arguments = use_doc_arguments();
    let locale = use_locale();
    view! {
        <div class="map-empty" id="map-empty">
            {move || {
                if arguments.can_edit() {
                    view! {
                        <h2>{locale.strings().map_empty_heading}</h2>
                        <TopForm first=true />
                    }
                        .into_any()
                } else {
                    view! { <p>{locale.strings().map_empty_read_only}</p> }.into_any()
                }
            }}
        </div>
    }
}

/// A question or thesis at the top of the map.
#[component]
fn TopForm(first: bool) -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let draft = RwSignal::new(String::new());
    let kind = RwSignal::new(TopKind::Question);
    let prefix = if first { "new-question" } else { "new-top" };
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let words = locale.strings();
        let edit = ClaimEdit {
            text: Some(draft.get_untracked()),
            kind: Some(kind.get_untracked()),
            ..ClaimEdit::default()
        };
        let result = arguments.add(None, None, &edit);
        if let Ok(id) = &result {
            ui.active.set(Some(id.clone()));
            draft.set(String::new());
        }
        ui.report(words, result, words.map_added);
    };
    let kind_radio = move |value: TopKind, label: fn(&Strings) -> &'static str| {
        let id = format!("{prefix}-{}", value.name());
        let label_for = id.clone();
        view! {
            <label for=label_for>
                <input
                    type="radio"
                    id=id
                    name=format!("{prefix}-kind")
                    value=value.name()
                    prop:checked=move || kind.get() == value
                    on:change=move |_| kind.set(value)
                />
                {move || label(locale.strings())}
            </label>
        }
    };
    view! {
        <form class="top-form" on:submit=add>
            <fieldset class="top-kind">
                <legend>{move || locale.strings().map_top_kind_label}</legend>
                {kind_radio(TopKind::Question, |w| w.map_kind_question)}
                {kind_radio(TopKind::Thesis, |w| w.map_kind_thesis)}
            </fieldset>
            <label for=prefix>{move || locale.strings().map_top_text_label}</label>
            <input
                id=prefix
                type="text"
                maxlength="2000"
                placeholder=move || locale.strings().map_top_placeholder
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
            />
            <button type="submit" id=format!("{prefix}-submit")>
                {move || {
                    if first {
                        locale.strings().map_top_submit
                    } else {
                        locale.strings().map_add_top_submit
                    }
                }}
            </button>
        </form>
    }
}

/// The search field and the tag filter, and how many claims match.
#[component]
fn FilterBar() -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let tags = Memo::new(move |_| {
        arguments
            .map()
            .tags()
            .into_iter()
            .collect::<Vec<(String, usize)>>()
    });
    let filtering = move || !ui.query.get().trim().is_empty() || ui.tag.get().is_some();
    let found = Memo::new(move |_| {
        filtering().then(|| {
            arguments
                .map()
                .filter_upto(&ui.query.get(), ui.tag.get().as_deref(), 0)
                .found
        })
    });
    let count = move || {
        let found = found.get()?;
        let words = locale.strings();
        Some(if found == 0 {
            words.map_no_match.to_owned()
        } else {
            let mut said = words
                .map_matches
                .replace("{n}", &found.to_string())
                .replace("{total}", &arguments.map().len().to_string());
            let limit = ui.limit.get();
            if found > limit {
                said.push(' ');
                said.push_str(&words.map_matches_first.replace("{n}", &limit.to_string()));
            }
            said
        })
    };
    let more = move || found.get().is_some_and(|found| found > ui.limit.get());
    view! {
        <div class="map-filter" role="search">
            <label for="map-search">{move || locale.strings().map_search_label}</label>
            <input
                id="map-search"
                type="search"
                placeholder=move || locale.strings().map_search_placeholder
                prop:value=move || ui.query.get()
                on:input=move |ev| ui.set_filter(event_target_value(&ev), ui.tag.get_untracked())
            />
            <Show when=move || !tags.get().is_empty()>
                <label for="map-tag">{move || locale.strings().map_tag_label}</label>
                <select
                    id="map-tag"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        ui.set_filter(ui.query.get_untracked(), (!value.is_empty()).then_some(value));
                    }
                >
                    <option value="" selected=move || ui.tag.get().is_none()>
                        {move || locale.strings().map_tag_all}
                    </option>
                    {move || {
                        tags.get()
                            .into_iter()
                            .map(|(tag, n)| {
                                let selected = {
                                    let tag = tag.clone();
                                    move || ui.tag.get().as_deref() == Some(tag.as_str())
                                };
                                view! {
                                    <option value=tag.clone() selected=selected>
                                        {format!("{tag} ({n})")}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </Show>
            <Show when=filtering>
                <button
                    type="button"
                    id="map-clear-filter"
                    on:click=move |_| {
                        ui.set_filter(String::new(), None);
                    }
                >
                    {move || locale.strings().map_clear_filter}
                </button>
            </Show>
            <p id="map-matches" role="status" aria-live="polite">
                {count}
            </p>
            <Show when=more>
                <button
                    type="button"
                    id="map-more-matches"
                    on:click=move |_| ui.limit.update(|limit| *limit += FILTER_PAGE)
                >
                    {move || {
                        locale.strings().map_more_matches.replace("{n}", &FILTER_PAGE.to_string())
                    }}
                </button>
            </Show>
        </div>
    }
}

/// The placements the fold did not apply, in words.
#[component]
fn RefusedNotice() -> impl IntoView {
    let arguments = use_doc_arguments();
    let locale = use_locale();
    let lines = move || {
        let map = arguments.map();
        let words = locale.strings();
        map.refused
            .iter()
            .map(|refused| {
                let claim = statement_of(&map, &refused.claim);
                let parent = refused
                    .parent
                    .as_deref()
                    .map_or_else(String::new, |p| statement_of(&map, p));
                match refused.why {
                    RefusedWhy::Cycle => words.map_refused_cycle,
                    RefusedWhy::NoParent => words.map_refused_no_parent,
                    RefusedWhy::Unreachable => words.map_refused_unreachable,
                }
                .replace("{claim}", &claim)
                .replace("{parent}", &parent)
            })
            .collect::<Vec<String>>()
    };
    view! {
        <Show when=move || !lines().is_empty()>
            <section class="map-refused" id="map-refused" role="alert">
                <h2>{move || locale.strings().map_refused_heading}</h2>
                <ul>
                    {move || lines().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

/// Deleted claims, to restore (their parent still shows).
#[component]
fn DeletedList() -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let deleted = Memo::new(move |_| {
        arguments
            .map()
            .deleted()
            .into_iter()
            .map(|c| (c.id.clone(), c.text.clone(), c.edited_by.clone()))
            .collect::<Vec<_>>()
    });
    view! {
        <Show when=move || !deleted.get().is_empty()>
            <details class="map-deleted" id="map-deleted">
                <summary>
                    {move || {
                        locale
                            .strings()
                            .map_deleted_heading
                            .replace("{n}", &deleted.get().len().to_string())
                    }}
                </summary>
                <ul>
                    {move || {
                        deleted
                            .get()
                            .into_iter()
                            .map(|(id, text, by)| {
                                let words = locale.strings();
                                let restore = {
                                    let id = id.clone();
                                    move |_| {
                                        let words = locale.strings();
                                        ui.report(
                                            words,
                                            arguments.delete(&id, false),
                                            words.map_restored,
                                        );
                                    }
                                };
                                view! {
                                    <li data-deleted=id.clone()>
                                        <span class="statement">{text}</span>
                                        " "
                                        <span class="who">
                                            {words.map_edited_by.replace("{name}", &person(words, &by))}
                                        </span>
                                        <Show when=move || arguments.can_edit()>
                                            <button type="button" class="restore" on:click=restore.clone()>
                                                {words.map_restore}
                                            </button>
                                        </Show>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </details>
        </Show>
    }
}

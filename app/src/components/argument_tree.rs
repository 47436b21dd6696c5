//! The tree of claims (`#argument-tree`): an ARIA tree, one `treeitem`
//! per shown claim (`data-claim`, `data-role`), nested in `group`s, its
//! role in words and by a sign (readable without colour), how many use
//! it and how many claims are under it, who wrote it.
//!
//! The keyboard (one item in the tab order, the current one): ↑ ↓ go
//! through the shown items, → opens a branch or goes to its first child,
//! ← closes it or goes to the parent, Home/End, Enter opens the focused
//! view. With an edit link: Alt+↑ ↓ reorder among siblings, M starts a
//! move ("Déplacer…"), then Enter on another item puts the claim under it
//! (Escape cancels); a mouse drags a claim onto another (HTML5 drag and
//! drop) to put it under it. A refused move (under its own descendant) is
//! said in words ([`MapUi::refuse`]).
//!
//! The tree is drawn again when the map, the filter or a fold changes;
//! moving through it only moves `tabindex`, so a keystroke redraws
//! nothing. A redraw while the focus is in the tree gives it back to the
//! current item.

use std::collections::HashSet;

use leptos::ev::{DragEvent, KeyboardEvent, MouseEvent};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement};
use model::arguments::rank::{standing, Standings};
use model::arguments::ArgMap;

use super::argument_map::{
    focus_active_item, person, role_icon, role_words, statement_of, use_map_ui, MapUi,
};
use crate::locale::use_locale;
use crate::session::{use_doc_arguments, DocArguments};
use crate::strings::Strings;

/// What one drawing of the tree reads.
struct Draw<'a> {
    map: &'a ArgMap,
    standings: &'a Standings,
    words: &'static Strings,
    /// With a filter: the claims to show (matches and their ancestors).
    shown: Option<HashSet<String>>,
    matches: HashSet<String>,
    collapsed: &'a HashSet<String>,
    ui: MapUi,
    can_edit: bool,
    dragging: StoredValue<Option<String>>,
    arguments: DocArguments,
}

impl Draw<'_> {
    fn children(&self, id: &str) -> Vec<String> {
        self.map
            .children(id)
            .iter()
            .filter(|child| self.shown.as_ref().is_none_or(|s| s.contains(*child)))
            .cloned()
            .collect()
    }

    fn item(&self, id: &str, depth: usize, position: usize, size: usize) -> AnyView {
        let Some(claim) = self.map.claim(id) else {
            return ().into_any();
        };
        let words = self.words;
        let role = self.map.role(id);
        let children = self.children(id);
        let has_children = !children.is_empty();
        let open = has_children
            && (self.shown.is_some() || MapUi::is_open(self.map, self.collapsed, id, depth));
        let under = self.map.descendants(id);
        let endorsers = standing(self.map, self.standings, id).endorsers;
        let ui = self.ui;
        let label_id = format!("claim-{id}-text");
        let role_id = format!("claim-{id}-role");
        let labelled_by = format!("{role_id} {label_id}");
        let is_match = self.matches.contains(id);
        let id_owned = id.to_owned();
        let tabindex = {
            let id = id_owned.clone();
            move || {
                if ui.active.get().as_deref() == Some(id.as_str()) {
                    "0"
                } else {
                    "-1"
                }
            }
        };
        let moving = {
            let id = id_owned.clone();
            move || ui.moving.get().as_deref() == Some(id.as_str())
        };
        let moving_badge = moving.clone();
        let toggle = {
            let id = id_owned.clone();
            move |ev: MouseEvent| {
                ev.stop_propagation();
                ui.active.set(Some(id.clone()));
                toggle_branch(ui, &id);
            }
        };
        let click = {
            let id = id_owned.clone();
            move |ev: MouseEvent| {
                ev.stop_propagation();
                ui.active.set(Some(id.clone()));
            }
        };
        let open_focus = {
            let id = id_owned.clone();
            move |ev: MouseEvent| {
                ev.stop_propagation();
                ui.open(&id);
            }
        };
        let who = if claim.edited_by != claim.author && !claim.edited_by.trim().is_empty() {
            format!(
                "{} · {}",
                words
                    .map_by
                    .replace("{name}", &person(words, &claim.author)),
                words
                    .map_edited_by
                    .replace("{name}", &person(words, &claim.edited_by))
            )
        } else {
            words
                .map_by
                .replace("{name}", &person(words, &claim.author))
        };
        // Drag and drop: a claim dropped on another goes under it.
        let dragging = self.dragging;
        let arguments = self.arguments;
        let drag_start = {
            let id = id_owned.clone();
            move |ev: DragEvent| {
                ev.stop_propagation();
                if let Some(data) = ev.data_transfer() {
                    let _ = data.set_data("text/plain", &id);
                    data.set_effect_allowed("move");
                }
                dragging.set_value(Some(id.clone()));
            }
        };
        let drag_over = move |ev: DragEvent| {
            if dragging.with_value(Option::is_some) {
                ev.prevent_default();
                ev.stop_propagation();
                set_drop_class(&ev, true);
            }
        };
        let drag_leave = move |ev: DragEvent| set_drop_class(&ev, false);
        let drop = {
            let id = id_owned.clone();
            move |ev: DragEvent| {
                ev.prevent_default();
                ev.stop_propagation();
                set_drop_class(&ev, false);
                if let Some(moved) = dragging.get_value() {
                    dragging.set_value(None);
                    if moved != id {
                        put_under(arguments, ui, words, &moved, Some(&id));
                    }
                }
            }
        };
        let drag_end = move |_: DragEvent| dragging.set_value(None);
        let group = open.then(|| {
            let size = children.len();
            let items = children
                .iter()
                .enumerate()
                .map(|(i, child)| self.item(child, depth + 1, i + 1, size))
                .collect::<Vec<AnyView>>();
            view! { <ul role="group">{items}</ul> }
        });
        view! {
            <li
                role="treeitem"
                class="claim"
                class:match=is_match
                class:moving=moving
                data-claim=id_owned.clone()
                data-role=role.name()
                data-parent=self.map.parent(id).unwrap_or("").to_owned()
                data-depth=depth.to_string()
                aria-posinset=position.to_string()
                aria-setsize=size.to_string()
                aria-expanded=has_children.then_some(if open { "true" } else { "false" })
                aria-labelledby=labelled_by
                tabindex=tabindex
                on:click=click
            >
                <div
                    class="claim-row"
                    draggable=self.can_edit.then_some("true")
                    on:dragstart=drag_start
                    on:dragover=drag_over
                    on:dragleave=drag_leave
                    on:drop=drop
                    on:dragend=drag_end
                >
                    {has_children
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="toggle"
                                    tabindex="-1"
                                    aria-hidden="true"
                                    title=if open { words.map_collapse } else { words.map_expand }
                                    on:click=toggle
                                >
                                    {if open { "▾" } else { "▸" }}
                                </button>
                            }
                        })}
                    <span class="role-badge" data-role=role.name() id=role_id>
                        <span class="role-icon" aria-hidden="true">
                            {role_icon(role)}
                        </span>
                        {role_words(words, role)}
                    </span>
                    <span class="statement" id=label_id>
                        {claim.text.clone()}
                    </span>
                    <span class="counts">
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
                    </span>
                    <span class="who">{who}</span>
                    <span class="moving-badge" hidden=move || !moving_badge()>
                        {words.map_moving_badge}
                    </span>
                    <button type="button" class="open" tabindex="-1" on:click=open_focus>
                        {words.map_open}
                    </button>
                </div>
                {group}
            </li>
        }
        .into_any()
    }
}

/// Mark the row under a drag as the drop target.
fn set_drop_class(ev: &DragEvent, on: bool) {
    if let Some(row) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<Element>().ok())
    {
        let _ = if on {
            row.class_list().add_1("drop-target")
        } else {
            row.class_list().remove_1("drop-target")
        };
    }
}

/// Fold or unfold the branch of `id`.
fn toggle_branch(ui: MapUi, id: &str) {
    ui.toggle(id);
}

/// Put `id` under `parent` (`None`: the top), last, and say how it went.
pub fn put_under(
    arguments: DocArguments,
    ui: MapUi,
    words: &'static Strings,
    id: &str,
    parent: Option<&str>,
) {
    let map = arguments.map();
    let done = match parent {
        Some(parent) => words
            .map_moved
            .replace("{text}", &statement_of(&map, parent)),
        None => words.map_moved_top.to_owned(),
    };
    if ui.report(words, arguments.move_to(id, parent, usize::MAX), &done) {
        if let Some(parent) = parent {
            ui.unfold(&arguments.map(), parent);
        }
        ui.active.set(Some(id.to_owned()));
    }
}

/// The shown items, in order, and where `id` is among them.
fn items() -> Vec<HtmlElement> {
    let Some(list) = document()
        .get_element_by_id("argument-tree")
        .map(|tree| tree.get_elements_by_class_name("claim"))
    else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .collect()
}

fn claim_of(element: &Element) -> Option<String> {
    element.get_attribute("data-claim")
}

/// Make `element` the current item and focus it.
fn go_to(ui: MapUi, element: &HtmlElement) {
    if let Some(id) = claim_of(element) {
        ui.active.set(Some(id));
        let _ = element.focus();
        element.scroll_into_view_with_bool(false);
    }
}

#[component]
pub fn ArgumentTree() -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    let dragging = StoredValue::new(None::<String>);
    // The current item, once there is one: the first top claim.
    Effect::new(move |_| {
        let map = arguments.map();
        let active = ui.active.get();
        if active.as_deref().is_none_or(|id| !map.is_visible(id)) {
            ui.active.set(map.roots().first().cloned());
        }
    });
    let tree = move || {
        let had_focus = document()
            .active_element()
            .and_then(|e| e.closest("#argument-tree").ok().flatten())
            .is_some();
        let map = arguments.map();
        let standings = arguments.standings();
        let collapsed = ui.collapsed.get();
        let query = ui.query.get();
        let tag = ui.tag.get();
        let filtering = !query.trim().is_empty() || tag.is_some();
        let (shown, matches) = if filtering {
            let found = map.filter_upto(&query, tag.as_deref(), ui.limit.get());
            let shown: HashSet<String> = found.matches.union(&found.open).cloned().collect();
            (Some(shown), found.matches)
        } else {
            (None, HashSet::new())
        };
        let draw = Draw {
            map: &map,
            standings: &standings,
            words: locale.strings(),
            shown,
            matches,
            collapsed: &collapsed,
            ui,
            can_edit: arguments.can_edit(),
            dragging,
            arguments,
        };
        let roots = draw.children("");
        let size = roots.len();
        let items = roots
            .iter()
            .enumerate()
            .map(|(i, id)| draw.item(id, 0, i + 1, size))
            .collect::<Vec<AnyView>>();
        if had_focus {
            request_animation_frame(focus_active_item);
        }
        items
    };
    let keydown = move |ev: KeyboardEvent| {
        let Some(item) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|t| t.closest("[role=treeitem]").ok().flatten())
        else {
            return;
        };
        let Some(id) = claim_of(&item) else {
            return;
        };
        let all = items();
        let at = all
            .iter()
            .position(|e| claim_of(e).as_deref() == Some(id.as_str()));
        let expanded = item.get_attribute("aria-expanded");
        let can_edit = arguments.can_edit();
        let key = ev.key();
        let handled = match key.as_str() {
            "ArrowUp" | "ArrowDown" if ev.alt_key() => {
                if can_edit {
                    reorder(arguments, ui, locale.strings(), &id, key == "ArrowUp");
                }
                true
            }
            "ArrowDown" => {
                if let Some(next) = at.and_then(|i| all.get(i + 1)) {
                    go_to(ui, next);
                }
                true
            }
            "ArrowUp" => {
                if let Some(previous) = at.and_then(|i| i.checked_sub(1)).and_then(|i| all.get(i)) {
                    go_to(ui, previous);
                }
                true
            }
            "Home" => {
                if let Some(first) = all.first() {
                    go_to(ui, first);
                }
                true
            }
            "End" => {
                if let Some(last) = all.last() {
                    go_to(ui, last);
                }
                true
            }
            "ArrowRight" => {
                match expanded.as_deref() {
                    Some("false") => toggle_branch(ui, &id),
                    Some("true") => {
                        if let Some(child) = at.and_then(|i| all.get(i + 1)) {
                            go_to(ui, child);
                        }
                    }
                    _ => {}
                }
                true
            }
            "ArrowLeft" => {
                if expanded.as_deref() == Some("true") {
                    toggle_branch(ui, &id);
                } else if let Some(parent) =
                    item.get_attribute("data-parent").filter(|p| !p.is_empty())
                {
                    if let Some(element) = all
                        .iter()
                        .find(|e| claim_of(e).as_deref() == Some(parent.as_str()))
                    {
                        go_to(ui, element);
                    }
                }
                true
            }
            "Enter" => {
                match ui.moving.get_untracked() {
                    Some(moving) if moving == id => {
                        ui.moving.set(None);
                        ui.say(locale.strings().map_move_cancelled);
                    }
                    Some(moving) => {
                        ui.moving.set(None);
                        put_under(arguments, ui, locale.strings(), &moving, Some(&id));
                    }
                    None => ui.open(&id),
                }
                true
            }
            "Escape" if ui.moving.get_untracked().is_some() => {
                ui.moving.set(None);
                ui.say(locale.strings().map_move_cancelled);
                true
            }
            "m" | "M" if can_edit && !ev.ctrl_key() && !ev.meta_key() && !ev.alt_key() => {
                start_move(ui, &arguments.map(), locale.strings(), &id);
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    };
    view! {
        <MoveBar />
        <p class="map-keys" id="map-keys">
            {move || {
                if arguments.can_edit() {
                    locale.strings().map_keys_hint
                } else {
                    locale.strings().map_keys_hint_read
                }
            }}
        </p>
        <ul
            role="tree"
            id="argument-tree"
            class="argument-tree"
            aria-label=move || locale.strings().map_tree_label
            aria-describedby="map-keys"
            on:keydown=keydown
        >
            {tree}
        </ul>
    }
}

/// Start moving `id` by keyboard.
pub fn start_move(ui: MapUi, map: &ArgMap, words: &Strings, id: &str) {
    ui.moving.set(Some(id.to_owned()));
    ui.active.set(Some(id.to_owned()));
    ui.say(
        words
            .map_move_hint
            .replace("{text}", &statement_of(map, id)),
    );
}

/// Move `id` one place up or down among its siblings.
fn reorder(arguments: DocArguments, ui: MapUi, words: &'static Strings, id: &str, up: bool) {
    let map = arguments.map();
    let parent = map.parent(id).map(str::to_owned);
    let siblings = map.children(parent.as_deref().unwrap_or(""));
    let Some(index) = siblings.iter().position(|s| s == id) else {
        return;
    };
    let to = if up {
        match index.checked_sub(1) {
            Some(to) => to,
            None => return,
        }
    } else if index + 1 < siblings.len() {
        index + 1
    } else {
        return;
    };
    ui.report(
        words,
        arguments.move_to(id, parent.as_deref(), to),
        words.map_reordered,
    );
}

/// While a claim is being moved by keyboard: what to do, and the
/// buttons to put it at the top or cancel.
#[component]
fn MoveBar() -> impl IntoView {
    let arguments = use_doc_arguments();
    let ui = use_map_ui();
    let locale = use_locale();
    view! {
        <Show when=move || ui.moving.get().is_some()>
            <div class="map-move-bar" id="map-move-bar">
                <p>
                    {move || {
                        let map = arguments.map();
                        ui.moving
                            .get()
                            .map(|id| {
                                locale.strings().map_move_hint.replace("{text}", &statement_of(&map, &id))
                            })
                    }}
                </p>
                <button
                    type="button"
                    id="map-move-top"
                    on:click=move |_| {
                        if let Some(id) = ui.moving.get_untracked() {
                            ui.moving.set(None);
                            put_under(arguments, ui, locale.strings(), &id, None);
                        }
                    }
                >
                    {move || locale.strings().map_move_to_top}
                </button>
                <button
                    type="button"
                    id="map-move-cancel"
                    on:click=move |_| {
                        ui.moving.set(None);
                        ui.say(locale.strings().map_move_cancelled);
                        request_animation_frame(focus_active_item);
                    }
                >
                    {move || locale.strings().map_move_cancel}
                </button>
            </div>
        </Show>
    }
}

//! The argument map's export menu (issue 14, helper sheet): the
//! talking-points sheet ([`super::argument_sheet_builder`]: choose, order,
//! preview, then print, HTML, Markdown, ODT), Argdown export (a
//! `.argdown` file, `model::arguments::argdown`) and, for the edit link,
//! Argdown import (paste or a file; what was read otherwise than written
//! is told line by line).
//!
//! The menu is a disclosure like the text's Export menu: Tab moves
//! through the buttons, the arrow keys between them, Escape closes it and
//! gives focus back to its button.

use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::portal::Portal;
use leptos::prelude::*;
use model::arguments::argdown::{self, ArgdownError, WarningKind};
use wasm_bindgen::JsCast;

use crate::components::argument_sheet_builder::SheetBuilder;
use crate::components::booklet::{PrintView, Printed};
use crate::file_name::file_name;
use crate::locale::use_locale;
use crate::platform::{download, menu, page};
use crate::session::arguments::use_doc_arguments;
use crate::strings::Strings;

/// The menu's button (the print view gives focus back to it).
const BUTTON_ID: &str = "export-button";
const LIST_ID: &str = "map-export-menu";
const WRAPPER_ID: &str = "map-export";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    Sheet,
    ArgdownExport,
    ArgdownImport,
}

impl Item {
    fn id(self) -> &'static str {
        match self {
            Item::Sheet => "map-sheet-open",
            Item::ArgdownExport => "map-argdown-export",
            Item::ArgdownImport => "map-argdown-import",
        }
    }
}

/// An Argdown warning in words.
pub fn warning_words(words: &Strings, kind: WarningKind) -> &'static str {
    let at = match kind {
        WarningKind::Unknown => 0,
        WarningKind::NoRelation => 1,
        WarningKind::NoParent => 2,
        WarningKind::Outgoing => 3,
        WarningKind::Repeated => 4,
        WarningKind::TooDeep => 5,
        WarningKind::BadData => 6,
        WarningKind::Heading => 7,
        WarningKind::Skipped => 8,
        WarningKind::OpenComment => 9,
        WarningKind::TooLong => 10,
        WarningKind::TooMany => 11,
        WarningKind::MoreWarnings => 12,
    };
    words.import_warnings[at]
}

#[component]
pub fn MapExportMenu() -> impl IntoView {
    let locale = use_locale();
    let args = use_doc_arguments();
    let open = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let building = RwSignal::new(false);
    let importing = RwSignal::new(false);
    let printed = RwSignal::new(None::<Printed>);
    let items = move || {
        let mut all = vec![Item::Sheet, Item::ArgdownExport];
        if args.can_edit() {
            all.push(Item::ArgdownImport);
        }
        all
    };

    let close = move |give_focus_back: bool| {
        open.set(false);
        if give_focus_back {
            page::focus_id(BUTTON_ID);
        }
    };
    let outside = StoredValue::new_local(Some(menu::on_press_outside(WRAPPER_ID, move || {
        if open.get_untracked() {
            close(false);
        }
    })));
    on_cleanup(move || drop(outside.try_update_value(Option::take)));

    let choose = move |item: Item| {
        open.set(false);
        failed.set(false);
        match item {
            Item::Sheet => {
                importing.set(false);
                building.set(true);
            }
            Item::ArgdownImport => {
                building.set(false);
                importing.set(true);
            }
            Item::ArgdownExport => {
                let words = locale.strings();
                let title = args.title();
                let text = argdown::to_argdown(&args.map(), &title);
                let name = file_name(&title, words.untitled_file, "argdown");
                failed.set(!download::save(&name, "text/plain; charset=utf-8", &text));
                page::focus_id(BUTTON_ID);
            }
        }
    };

    let on_keydown = move |ev: KeyboardEvent| {
        if !open.get_untracked() {
            if ev.key() == "ArrowDown" && menu::focused_id() == BUTTON_ID {
                ev.prevent_default();
                open.set(true);
                request_animation_frame(|| page::focus_id(Item::Sheet.id()));
            }
            return;
        }
        let all = items();
        let step: isize = match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                ev.stop_propagation();
                close(true);
                return;
            }
            "ArrowDown" => 1,
            "ArrowUp" => -1,
            _ => return,
        };
        ev.prevent_default();
        let focused = menu::focused_id();
        let at = all.iter().position(|item| item.id() == focused);
        let next = match at {
            Some(at) => (at as isize + step).rem_euclid(all.len() as isize) as usize,
            None if step > 0 => 0,
            None => all.len() - 1,
        };
        page::focus_id(all[next].id());
    };
    let on_focusout = move |ev: FocusEvent| {
        if open.get_untracked() && menu::focus_left(WRAPPER_ID, &ev) {
            close(false);
        }
    };
    let label = move |item: Item| {
        let words = locale.strings();
        match item {
            Item::Sheet => words.map_sheet_open,
            Item::ArgdownExport => words.map_argdown_export,
            Item::ArgdownImport => words.map_argdown_import,
        }
    };
    let list = move || {
        items()
            .into_iter()
            .map(|item| {
                view! {
                    <li>
                        <button type="button" id=item.id() on:click=move |_| choose(item)>
                            {move || label(item)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <div id=WRAPPER_ID class="export map-export" on:keydown=on_keydown on:focusout=on_focusout>
            <button
                type="button"
                id=BUTTON_ID
                aria-expanded=move || open.get().to_string()
                aria-controls=LIST_ID
                on:click=move |_| open.update(|open| *open = !*open)
            >
                {move || locale.strings().map_export_button}
            </button>
            <ul id=LIST_ID class="export-menu" hidden=move || !open.get()>
                {list}
            </ul>
            <span class="export-status" role="status">
                {move || failed.get().then(|| locale.strings().map_export_failed)}
            </span>
            <Show when=move || building.get()>
                <Portal>
                    <SheetBuilder open=building printed />
                </Portal>
            </Show>
            <Show when=move || importing.get()>
                <Portal>
                    <ArgdownImport open=importing />
                </Portal>
            </Show>
            <PrintView printed />
        </div>
    }
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Done {
        count: usize,
        warnings: Vec<argdown::Warning>,
    },
    Failed(&'static str),
}

/// Paste or choose an Argdown text; its claims go at the top of the map.
#[component]
fn ArgdownImport(open: RwSignal<bool>) -> impl IntoView {
    let locale = use_locale();
    let args = use_doc_arguments();
    let text = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    request_animation_frame(|| page::focus_id("argdown-text"));
    let close = move || {
        open.set(false);
        request_animation_frame(|| page::focus_id(BUTTON_ID));
    };
    let run = move |_| {
        let words = locale.strings();
        let result = match argdown::parse(&text.get_untracked()) {
            Err(ArgdownError::TooLarge) => Outcome::Failed(words.import_too_large),
            Err(ArgdownError::Empty) => Outcome::Failed(words.import_empty),
            Ok(parsed) => match args.import_argdown(&parsed, None) {
                Ok(count) => Outcome::Done {
                    count,
                    warnings: parsed.warnings,
                },
                Err(error) => Outcome::Failed(crate::argument_text::error_words(words, &error)),
            },
        };
        if matches!(result, Outcome::Done { .. }) {
            text.set(String::new());
        }
        outcome.set(Some(result));
    };
    let on_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(promise) = file_text(&input) else {
            return;
        };
        let unreadable = locale.strings().import_unreadable;
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(value) => match value.as_string() {
                    Some(read) => text.set(read),
                    None => outcome.set(Some(Outcome::Failed(unreadable))),
                },
                Err(_) => outcome.set(Some(Outcome::Failed(unreadable))),
            }
        });
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        }
    };
    let report = move || {
        let words = locale.strings();
        outcome.get().map(|outcome| match outcome {
            Outcome::Failed(why) => view! {
                <p id="argdown-import-status" class="sheet-alert" role="alert">{why}</p>
            }
            .into_any(),
            Outcome::Done { count, warnings } => {
                let told = warnings
                    .into_iter()
                    .map(|w| {
                        let line = words.import_line.replace("{n}", &w.line.to_string());
                        let what = warning_words(words, w.kind);
                        let quoted = if w.text.is_empty() {
                            String::new()
                        } else {
                            format!(" — « {} »", w.text)
                        };
                        view! {
                            <li data-kind=w.kind.name() data-line=w.line>
                                <strong>{line}</strong>
                                {format!(" : {what}{quoted}")}
                            </li>
                        }
                    })
                    .collect::<Vec<_>>();
                let any = !told.is_empty();
                view! {
                    <div id="argdown-import-status" role="status">
                        <p>{words.import_done.replace("{n}", &count.to_string())}</p>
                        <Show when=move || any>
                            <p>{words.import_warnings_heading}</p>
                        </Show>
                        <ul id="argdown-warnings">{told}</ul>
                    </div>
                }
                .into_any()
            }
        })
    };
    view! {
        <section
            id="argdown-import"
            class="sheet-dialog"
            role="dialog"
            aria-labelledby="argdown-import-title"
            on:keydown=on_keydown
        >
            <h2 id="argdown-import-title">{move || locale.strings().import_heading}</h2>
            <p class="sheet-help">{move || locale.strings().import_help}</p>
            <label class="sheet-field">
                <span>{move || locale.strings().import_text_label}</span>
                <textarea
                    id="argdown-text"
                    rows="10"
                    spellcheck="false"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
            </label>
            <label class="sheet-field">
                <span>{move || locale.strings().import_file_label}</span>
                <input id="argdown-file" type="file" accept=".argdown,.ad,.txt,text/plain" on:change=on_file />
            </label>
            <div class="sheet-actions">
                <button
                    type="button"
                    id="argdown-import-go"
                    disabled=move || text.with(|t| t.trim().is_empty())
                    on:click=run
                >
                    {move || locale.strings().import_button}
                </button>
                <button type="button" id="argdown-import-close" on:click=move |_| close()>
                    {move || locale.strings().import_close}
                </button>
            </div>
            {report}
        </section>
    }
}

/// The chosen file's text, as a promise (`File.text()`, read through
/// `Reflect`: the web-sys features for files are not enabled).
fn file_text(input: &web_sys::HtmlInputElement) -> Option<js_sys::Promise> {
    let files = js_sys::Reflect::get(input, &"files".into()).ok()?;
    let file = js_sys::Reflect::get(&files, &0.into()).ok()?;
    if file.is_undefined() || file.is_null() {
        return None;
    }
    let read = js_sys::Reflect::get(&file, &"text".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    read.call0(&file).ok()?.dyn_into::<js_sys::Promise>().ok()
}

//! The export menu: a button ("Exporter") that discloses a short list of
//! buttons, one per file the text can be saved as (Markdown, a web page,
//! plain text) and Print. Each file is written by [`model::export`], the
//! same code as `cahier export`, from the title and body as they are now,
//! and saved by [`crate::platform::download`] under the title's name.
//!
//! It is a disclosure, not an ARIA menu: Tab moves through the buttons,
//! Escape closes it and gives focus back to its button, the arrow keys
//! move between the items; a press outside, or focus moving out, closes
//! it. Choosing an item closes it too, and focus goes back to the button.

use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::prelude::*;
use model::export::{self, Format};

use crate::file_name::file_name;
use crate::locale::use_locale;
use crate::platform::{download, menu, page};
use crate::session::use_doc_text;

/// The menu's button, which gets focus back when it closes.
const BUTTON_ID: &str = "export-button";
/// The list of items.
const LIST_ID: &str = "export-menu";
/// The element holding both, outside which a press closes the list.
const WRAPPER_ID: &str = "export";

/// What an item of the menu does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    Save(Format),
    /// The amendments, as Markdown (`model::amendments::export`).
    Amendments,
    Print,
}

/// Every item, in the menu's order.
const ITEMS: [Item; 5] = [
    Item::Save(Format::Markdown),
    Item::Save(Format::Html),
    Item::Save(Format::Text),
    Item::Amendments,
    Item::Print,
];

impl Item {
    /// The item's button id, for the arrow keys.
    fn id(self) -> &'static str {
        match self {
            Item::Save(Format::Markdown) => "export-md",
            Item::Save(Format::Html) => "export-html",
            Item::Save(Format::Text) => "export-txt",
            Item::Amendments => "export-amendments",
            Item::Print => "export-print",
        }
    }
}

#[component]
pub fn ExportMenu() -> impl IntoView {
    let locale = use_locale();
    let text = use_doc_text();
    let amendments = crate::session::use_doc_amendments();
    let open = RwSignal::new(false);
    let failed = RwSignal::new(false);

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
        close(true);
        match item {
            Item::Save(format) => {
                let words = locale.strings();
                let title = text.title.get_untracked();
                let contents = export::render(format, &title, &text.body(), locale.lang().tag());
                let name = file_name(&title, words.untitled_file, format.extension());
                failed.set(!download::save(&name, format.media_type(), &contents));
            }
            Item::Amendments => {
                let words = locale.strings();
                let title = text.title.get_untracked();
                let contents = amendments.markdown(&title, locale.lang().tag());
                let name = crate::file_name::tagged_file_name(
                    &title,
                    words.untitled_file,
                    words.amendments_file_suffix,
                    "md",
                );
                failed.set(!download::save(
                    &name,
                    Format::Markdown.media_type(),
                    &contents,
                ));
            }
            // After the menu is drawn closed, so it is not in the print.
            Item::Print => {
                failed.set(false);
                set_timeout(page::print, std::time::Duration::ZERO);
            }
        }
    };

    let on_keydown = move |ev: KeyboardEvent| {
        if !open.get_untracked() {
            if ev.key() == "ArrowDown" {
                ev.prevent_default();
                open.set(true);
                request_animation_frame(|| page::focus_id(ITEMS[0].id()));
            }
            return;
        }
        let step: isize = match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                // Not the panel's Escape too.
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
        let at = ITEMS.iter().position(|item| item.id() == focused);
        let next = match at {
            Some(at) => (at as isize + step).rem_euclid(ITEMS.len() as isize) as usize,
            None if step > 0 => 0,
            None => ITEMS.len() - 1,
        };
        page::focus_id(ITEMS[next].id());
    };
    let on_focusout = move |ev: FocusEvent| {
        if open.get_untracked() && menu::focus_left(WRAPPER_ID, &ev) {
            close(false);
        }
    };

    let label = move |item: Item| {
        let words = locale.strings();
        match item {
            Item::Save(Format::Markdown) => words.export_markdown,
            Item::Save(Format::Html) => words.export_html,
            Item::Save(Format::Text) => words.export_text,
            Item::Amendments => words.export_amendments,
            Item::Print => words.export_print,
        }
    };
    let items = ITEMS
        .into_iter()
        .map(|item| {
            let format = match item {
                Item::Save(format) => format.extension(),
                Item::Amendments => "amendments",
                Item::Print => "print",
            };
            view! {
                <li>
                    <button
                        type="button"
                        id=item.id()
                        data-format=format
                        on:click=move |_| choose(item)
                    >
                        {move || label(item)}
                    </button>
                </li>
            }
        })
        .collect_view();

    view! {
        <div id=WRAPPER_ID class="export" on:keydown=on_keydown on:focusout=on_focusout>
            <button
                type="button"
                id=BUTTON_ID
                aria-expanded=move || open.get().to_string()
                aria-controls=LIST_ID
                on:click=move |_| open.update(|open| *open = !*open)
            >
                {move || locale.strings().export_button}
            </button>
            <ul id=LIST_ID class="export-menu" hidden=move || !open.get()>
                {items}
            </ul>
            <span class="export-status" role="status">
                {move || failed.get().then(|| locale.strings().export_failed)}
            </span>
        </div>
    }
}

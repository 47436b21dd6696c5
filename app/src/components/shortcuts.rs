//! The keyboard shortcuts: the panel that lists them ([`ShortcutsPanel`],
//! opened by the bar's `?` button or the `?` key outside the text), and
//! the page-wide keys ([`use_page_keys`]): `?` opens the list, Escape
//! closes the open panel or menu (focus goes back to what opened it), and
//! Escape again, with nothing open, takes focus back to the text. The
//! editor's own keys (undo, redo, bold, italic) are the editor's.

use leptos::ev;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, KeyboardEvent};

use crate::locale::use_locale;
use crate::panels::{use_panels, Panel};
use crate::platform::page;

/// Where Escape takes focus when nothing is open: the first of these that
/// is on screen (the editor, else the rendered text).
const TEXT_TARGETS: [&str; 2] = ["editor", "preview"];

/// Whether a key pressed in `target` belongs to what is being typed there.
fn typing_in(target: Option<Element>) -> bool {
    target.is_some_and(|element| {
        matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            || element.has_attribute("contenteditable")
    })
}

/// Install the page-wide keys for as long as the calling component lives.
/// `close_menu` closes the bar's menu on a phone and says whether it was
/// open.
pub fn use_page_keys(close_menu: impl Fn() -> bool + 'static) {
    let panels = use_panels();
    let meeting_ui = use_context::<crate::meeting_ui::MeetingUi>();
    let listener = window_event_listener(ev::keydown, move |ev: KeyboardEvent| {
        if ev.default_prevented() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
        match ev.key().as_str() {
            "Escape" => {
                // The review sits over the page and its panel: it closes
                // first.
                let review = meeting_ui.filter(|ui| ui.review.get_untracked().is_some());
                if let Some(ui) = review {
                    ev.prevent_default();
                    ui.review.set(None);
                    page::focus_id("open-meeting");
                } else if panels.open().is_some() {
                    ev.prevent_default();
                    panels.close();
                } else if close_menu() {
                    ev.prevent_default();
                } else if !target
                    .as_ref()
                    .is_some_and(|t| TEXT_TARGETS.contains(&t.id().as_str()))
                {
                    focus_text();
                }
            }
            "?" if !typing_in(target) => {
                ev.prevent_default();
                panels.toggle(Panel::Shortcuts);
            }
            _ => {}
        }
    });
    on_cleanup(move || listener.remove());
}

/// Focus the text: the editor when it is shown, else the rendered text.
pub fn focus_text() {
    for id in TEXT_TARGETS {
        let shown = document()
            .get_element_by_id(id)
            .and_then(|element| element.dyn_into::<leptos::web_sys::HtmlElement>().ok())
            .is_some_and(|element| element.offset_parent().is_some());
        if shown {
            page::focus_id(id);
            return;
        }
    }
}

#[component]
pub fn ShortcutsPanel() -> impl IntoView {
    let locale = use_locale();
    let panels = use_panels();
    let rows = move || {
        let s = locale.strings();
        let (shift, escape) = (s.key_shift, s.key_escape);
        [
            ("?".to_owned(), s.shortcut_help),
            (escape.to_owned(), s.shortcut_close),
            (format!("{escape}, {escape}"), s.shortcut_text),
            ("Ctrl + Z".to_owned(), s.shortcut_undo),
            (format!("Ctrl + {shift} + Z, Ctrl + Y"), s.shortcut_redo),
            ("Ctrl + B".to_owned(), s.shortcut_bold),
            ("Ctrl + I".to_owned(), s.shortcut_italic),
            ("Ctrl + P".to_owned(), s.shortcut_print),
            ("Alt + A".to_owned(), s.shortcut_amendment),
            ("→ / N, ← / P".to_owned(), s.shortcut_projector_next),
            ("A, R".to_owned(), s.shortcut_projector_decide),
            (format!("{shift} + A"), s.shortcut_projector_unanimous),
        ]
        .map(|(keys, what)| {
            view! {
                <tr>
                    <th scope="row">
                        <kbd>{keys}</kbd>
                    </th>
                    <td>{what}</td>
                </tr>
            }
        })
        .collect_view()
    };
    view! {
        <div class="panel-head">
            <h2 id="shortcuts-heading" tabindex="-1" data-autofocus>
                {move || locale.strings().shortcuts_title}
            </h2>
            <button type="button" class="panel-close" on:click=move |_| panels.close()>
                {move || locale.strings().panel_close}
            </button>
        </div>
        <table class="shortcuts">
            <tbody>{rows}</tbody>
        </table>
    }
}

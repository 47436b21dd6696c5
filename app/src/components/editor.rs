//! The text itself: a `<textarea>` bound to the document's body. Every
//! input goes to the session ([`crate::session::DocText`]), which diffs it
//! into a Yrs edit; remote edits come back into the textarea through the
//! session too, the selection kept on its words. During an IME composition nothing
//! is diffed: the composed text goes in at `compositionend`. Undo and
//! redo (keys, or the browser's menu) go to the document's undo manager:
//! the textarea's own history does not survive remote edits.
//!
//! Above it, the [`FormatBar`] writes Markdown around the selection;
//! Ctrl+B and Ctrl+I (Cmd on a Mac) do bold and italic.
//!
//! A click that puts the caret inside an amendment's range (drawn by the
//! backdrop) shows that amendment in the Amendments panel, focus staying
//! in the text; Alt+A does it from the keyboard, focus going to the panel.
//!
//! Behind the textarea (whose background is transparent) lies the
//! [`Backdrop`]: co-authors' carets, the text coloured by author, and the
//! markers of the numbered lines that the [`Gutter`] beside it reads. The
//! editor tells the session when the selection moves, for presence.
//!
//! The text is 80 characters wide in a monospace font on a wide screen
//! (`styles/lines.css`, [`model::lines::LINE_LENGTH`]), so its rows are the
//! numbered lines; `--scrollbar` (measured once) lets the stylesheet add
//! the scroll bar's width to those 80 characters.

use leptos::html::{Div, Textarea};
use leptos::prelude::*;
use leptos::web_sys::{InputEvent, KeyboardEvent};

use crate::amendment_ui::AmendUi;
use crate::backdrop::{amendment_ranges, range_at};
use crate::components::backdrop::Backdrop;
use crate::components::format_bar::{self, FormatBar};
use crate::components::gutter::Gutter;
use crate::format::Action;
use crate::locale::use_locale;
use crate::panels::{Panel, Panels};
use crate::session::{use_doc_text, use_room_presence, DocAmendments};

#[component]
pub fn Editor() -> impl IntoView {
    let locale = use_locale();
    let text = use_doc_text();
    let presence = use_room_presence();
    let textarea: NodeRef<Textarea> = NodeRef::new();
    let wrap: NodeRef<Div> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(element) = textarea.get() {
            // The scroll bar's width (the textarea always shows one), so
            // the text area is 80 characters wide inside it.
            let scrollbar =
                element.offset_width() - element.client_width() - 2 * element.client_left();
            if let Some(wrap) = wrap.get_untracked() {
                let _ =
                    wrap.set_attribute("style", &format!("--scrollbar: {}px", scrollbar.max(0)));
            }
            text.attach(element);
        }
    });
    let ready = text.ready;
    let caret_moved = move || presence.caret_moved();
    let scroll = RwSignal::new((0, 0));
    let numbers_layer: NodeRef<Div> = NodeRef::new();
    let drawn = RwSignal::new(0u64);
    // The amendment under the caret, shown in the panel; `focus`: the
    // panel takes focus (the keyboard's way), else the text keeps it.
    let amendments = use_context::<DocAmendments>();
    let amend_ui = use_context::<AmendUi>();
    let panels = use_context::<Panels>();
    let open_at_caret = move |focus: bool| -> bool {
        let (Some(amendments), Some(ui), Some(panels), Some(element)) =
            (amendments, amend_ui, panels, textarea.get_untracked())
        else {
            return false;
        };
        let (Ok(Some(start)), Ok(Some(end))) = (element.selection_start(), element.selection_end())
        else {
            return false;
        };
        if start != end && !focus {
            return false;
        }
        let overview = amendments.overview();
        let (ranges, rows) = amendment_ranges(&overview.rows);
        let Some(found) = range_at(&ranges, start) else {
            return false;
        };
        let Some(row) = rows.get(found).and_then(|&i| overview.rows.get(i)) else {
            return false;
        };
        ui.selected.set(Some(row.id.clone()));
        if focus {
            panels.show_from(Panel::Amendments, "editor");
        } else {
            panels.reveal(Panel::Amendments);
        }
        true
    };
    view! {
        <label for="editor" class="editor-label">
            {move || locale.strings().editor_label}
        </label>
        <FormatBar textarea=textarea />
        <div class="editor-wrap" node_ref=wrap>
            <Gutter layer=numbers_layer textarea=textarea scroll=scroll.into() drawn=drawn.into() />
            <div class="editor-text">
            <Backdrop scroll=scroll.into() numbers_layer=numbers_layer drawn=drawn />
            <textarea
                id="editor"
                node_ref=textarea
                spellcheck="true"
                aria-busy=move || (!ready.get()).to_string()
                readonly=move || !text.can_write || !ready.get()
                placeholder=move || {
                    if !ready.get() {
                        locale.strings().loading
                    } else if text.can_write {
                        locale.strings().editor_placeholder
                    } else {
                        ""
                    }
                }
                on:keydown=move |ev: KeyboardEvent| {
                    if ev.alt_key() && !ev.ctrl_key() && !ev.meta_key() && ev.code() == "KeyA" {
                        ev.prevent_default();
                        open_at_caret(true);
                        return;
                    }
                    if !(ev.ctrl_key() || ev.meta_key()) || ev.alt_key() {
                        return;
                    }
                    match ev.key().as_str() {
                        "z" | "Z" => {
                            ev.prevent_default();
                            if ev.shift_key() { text.redo() } else { text.undo() }
                        }
                        "y" | "Y" if !ev.shift_key() => {
                            ev.prevent_default();
                            text.redo();
                        }
                        "b" | "B" | "i" | "I" if !ev.shift_key() => {
                            ev.prevent_default();
                            let action = if ev.key().eq_ignore_ascii_case("b") {
                                Action::Bold
                            } else {
                                Action::Italic
                            };
                            if let Some(element) = textarea.get_untracked() {
                                format_bar::apply(&element, text, action, locale.strings().format_link_text);
                                caret_moved();
                            }
                        }
                        _ => {}
                    }
                }
                on:beforeinput=move |ev: InputEvent| {
                    match ev.input_type().as_str() {
                        "historyUndo" => {
                            ev.prevent_default();
                            text.undo();
                        }
                        "historyRedo" => {
                            ev.prevent_default();
                            text.redo();
                        }
                        _ => {}
                    }
                }
                on:input=move |_| {
                    text.input();
                    caret_moved();
                }
                on:compositionstart=move |_| text.composition_start()
                on:compositionend=move |_| text.composition_end()
                on:select=move |_| caret_moved()
                on:keyup=move |_| caret_moved()
                on:mouseup=move |_| caret_moved()
                on:click=move |_| {
                    open_at_caret(false);
                }
                on:focus=move |_| caret_moved()
                on:scroll=move |_| {
                    if let Some(element) = textarea.get_untracked() {
                        scroll.set((element.scroll_top(), element.scroll_left()));
                    }
                }
            ></textarea>
            </div>
        </div>
    }
}

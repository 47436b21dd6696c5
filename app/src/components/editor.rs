//! The text itself: a `<textarea>` bound to the document's body. Every
//! input goes to the session ([`crate::session::DocText`]), which diffs it
//! into a Yrs edit; remote edits come back into the textarea through the
//! session too, the selection kept on its words. During an IME composition nothing
//! is diffed: the composed text goes in at `compositionend`. Undo and
//! redo (keys, or the browser's menu) go to the document's undo manager:
//! the textarea's own history does not survive remote edits.
//!
//! Behind the textarea (whose background is transparent) lies the
//! [`Backdrop`]: co-authors' carets, and the text coloured by author. The
//! editor tells the session when the selection moves, for presence.

use leptos::html::Textarea;
use leptos::prelude::*;
use leptos::web_sys::{InputEvent, KeyboardEvent};

use crate::components::backdrop::Backdrop;
use crate::locale::use_locale;
use crate::session::{use_doc_text, use_room_presence};

#[component]
pub fn Editor() -> impl IntoView {
    let locale = use_locale();
    let text = use_doc_text();
    let presence = use_room_presence();
    let textarea: NodeRef<Textarea> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(element) = textarea.get() {
            text.attach(element);
        }
    });
    let ready = text.ready;
    let caret_moved = move || presence.caret_moved();
    let scroll = RwSignal::new((0, 0));
    view! {
        <label for="editor" class="editor-label">
            {move || locale.strings().editor_label}
        </label>
        <div class="editor-wrap">
            <Backdrop scroll=scroll.into() />
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
                on:focus=move |_| caret_moved()
                on:scroll=move |_| {
                    if let Some(element) = textarea.get_untracked() {
                        scroll.set((element.scroll_top(), element.scroll_left()));
                    }
                }
            ></textarea>
        </div>
    }
}

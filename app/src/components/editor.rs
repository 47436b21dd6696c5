//! The text itself: a `<textarea>` bound to the document's body. Every
//! input goes to the [`crate::session::DocSession`], which diffs it into a
//! Yrs edit; remote edits come back into the textarea through the session
//! too, the selection kept on its words. During an IME composition nothing
//! is diffed: the composed text goes in at `compositionend`.

use leptos::html::Textarea;
use leptos::prelude::*;

use crate::locale::use_locale;
use crate::session::use_doc_session;

#[component]
pub fn Editor() -> impl IntoView {
    let locale = use_locale();
    let session = use_doc_session();
    let textarea: NodeRef<Textarea> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(element) = textarea.get() {
            session.attach(element);
        }
    });
    let ready = session.ready();
    view! {
        <label for="editor" class="editor-label">
            {move || locale.strings().editor_label}
        </label>
        <textarea
            id="editor"
            node_ref=textarea
            spellcheck="true"
            aria-busy=move || (!ready.get()).to_string()
            readonly=move || !session.can_write() || !ready.get()
            placeholder=move || {
                if !ready.get() {
                    locale.strings().loading
                } else if session.can_write() {
                    locale.strings().editor_placeholder
                } else {
                    ""
                }
            }
            on:input=move |_| session.input()
            on:compositionstart=move |_| session.composition_start()
            on:compositionend=move |_| session.composition_end()
        ></textarea>
    }
}

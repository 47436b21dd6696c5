//! The formatting bar above the editor: bold, italic, heading, bulleted
//! list, link and quote, each writing Markdown around the selection (or at
//! the start of its lines) through [`crate::format`], and taking it away
//! when it is already there. Ctrl+B and Ctrl+I (Cmd on a Mac) do bold and
//! italic from the editor ([`apply`], called by
//! [`crate::components::editor`]).
//!
//! Each step of a formatting is written into the textarea and handed to
//! the session as typing is ([`DocText::input`]), so it is one small edit
//! of the body, sent to co-authors and undone like typing, in one undo
//! step of its own ([`DocText::new_undo_step`] before and after). A reader sees
//! no bar. Its last button opens the Markdown help
//! ([`Panel::Markdown`], `#open-markdown`). Buttons keep the textarea's focus and selection (the mouse does
//! not take focus; a keyboard press gives it back to the text after).

use leptos::html::Textarea;
use leptos::prelude::*;
use leptos::web_sys::{HtmlTextAreaElement, MouseEvent};

use crate::format::{plan, Action};
use crate::locale::use_locale;
use crate::panels::{use_panels, Panel};
use crate::session::{use_doc_text, use_room_presence, DocText};
use crate::strings::Strings;

/// The button's name and title (with its shortcut, if any).
fn words(strings: &'static Strings, action: Action) -> (&'static str, &'static str) {
    match action {
        Action::Bold => (strings.format_bold, strings.format_bold_title),
        Action::Italic => (strings.format_italic, strings.format_italic_title),
        Action::Heading => (strings.format_heading, strings.format_heading),
        Action::List => (strings.format_list, strings.format_list),
        Action::Link => (strings.format_link, strings.format_link),
        Action::Quote => (strings.format_quote, strings.format_quote),
    }
}

/// What the button shows: a sign; its name is in words for screen
/// readers (visually hidden text, not `aria-label`, so the accessible name
/// holds what is shown, as WCAG's "label in name" asks).
fn sign(action: Action) -> &'static str {
    match action {
        Action::Bold => "B",
        Action::Italic => "I",
        Action::Heading => "H",
        Action::List => "•",
        Action::Link => "⇗",
        Action::Quote => "❝",
    }
}

/// Format the textarea's selection with `action`, step by step through
/// the session (see the module docs). Nothing for a reader, or before the
/// text is loaded.
pub fn apply(textarea: &HtmlTextAreaElement, text: DocText, action: Action, link_text: &str) {
    if !text.can_write || !text.ready.get_untracked() || textarea.read_only() {
        return;
    }
    let value = textarea.value();
    let start = textarea.selection_start().ok().flatten().unwrap_or(0);
    let end = textarea.selection_end().ok().flatten().unwrap_or(start);
    let plan = plan(&value, start, end, action, link_text);
    // The formatting is one undo step of its own.
    text.new_undo_step();
    for step in &plan.steps {
        if textarea
            .set_range_text_with_start_and_end(&step.insert, step.start, step.end)
            .is_err()
        {
            break;
        }
        // The caret after the step, as after typing it: the session reads
        // it to place the edit.
        let caret = step.start + step.insert.encode_utf16().count() as u32;
        let _ = textarea.set_selection_range(caret, caret);
        text.input();
    }
    text.new_undo_step();
    let (start, end) = plan.selection;
    let _ = textarea.set_selection_range(start, end);
}

#[component]
pub fn FormatBar(
    /// The editor's textarea.
    textarea: NodeRef<Textarea>,
) -> impl IntoView {
    let locale = use_locale();
    let text = use_doc_text();
    let presence = use_room_presence();
    let panels = use_panels();
    let ready = text.ready;
    let buttons = Action::ALL.map(|action| {
        let label = move || words(locale.strings(), action).0;
        let title = move || words(locale.strings(), action).1;
        view! {
            <button
                type="button"
                class="format-button"
                data-format=action.tag()
                title=title
                disabled=move || !ready.get()
                // The mouse leaves focus (and the selection) in the text.
                on:mousedown=|ev: MouseEvent| ev.prevent_default()
                on:click=move |_| {
                    let Some(element) = textarea.get_untracked() else {
                        return;
                    };
                    apply(&element, text, action, locale.strings().format_link_text);
                    let _ = element.focus();
                    presence.caret_moved();
                }
            >
                <span aria-hidden="true">{sign(action)}</span>
                <span class="visually-hidden">{label}</span>
            </button>
        }
    });
    text.can_write.then(|| {
        view! {
            <div
                class="format-bar"
                role="toolbar"
                aria-label=move || locale.strings().format_bar_label
                aria-controls="editor"
            >
                {buttons.into_iter().collect_view()}
                <button
                    type="button"
                    id=Panel::Markdown.opener_id()
                    class="format-button format-help"
                    title=move || locale.strings().format_help
                    aria-expanded=move || panels.is_open(Panel::Markdown).to_string()
                    aria-controls=Panel::Markdown.id()
                    on:click=move |_| panels.toggle(Panel::Markdown)
                >
                    <span aria-hidden="true">"M↓ ?"</span>
                    <span class="visually-hidden">{move || locale.strings().format_help}</span>
                </button>
            </div>
        }
    })
}

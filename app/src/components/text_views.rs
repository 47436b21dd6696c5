//! The text on the document page, shown the way the person chose
//! ([`ViewMode`], remembered in this browser): the editor, the editor and
//! the preview side by side (stacked on a narrow screen, in one scroll),
//! or the preview alone. [`ViewModeSwitch`] is the bar's group of buttons
//! (`#view-mode`, one per mode with `data-mode`); a reader's "editor" is
//! the Markdown source, read-only, so its button says "Source".
//!
//! Printing shows the title and the preview only, whatever the mode: the
//! print stylesheet (`styles/main.css`, `@media print`) hides the rest of
//! the page, and [`Preview`] renders itself before printing even when it
//! is hidden. The title is printed from a heading that only print shows.

use leptos::prelude::*;

use crate::components::editor::Editor;
use crate::components::preview::Preview;
use crate::locale::use_locale;
use crate::session::use_doc_text;
use crate::view_mode::ViewMode;

/// The bar's switch between the views.
#[component]
pub fn ViewModeSwitch(mode: RwSignal<ViewMode>) -> impl IntoView {
    let locale = use_locale();
    let can_write = use_doc_text().can_write;
    let buttons = ViewMode::ALL.map(|choice| {
        let label = move || {
            let strings = locale.strings();
            match choice {
                ViewMode::Write if can_write => strings.view_write,
                ViewMode::Write => strings.view_source,
                ViewMode::Split => strings.view_split,
                ViewMode::Preview => strings.view_preview,
            }
        };
        view! {
            <button
                type="button"
                data-mode=choice.tag()
                aria-pressed=move || (mode.get() == choice).to_string()
                on:click=move |_| {
                    choice.store(can_write);
                    mode.set(choice);
                }
            >
                {label}
            </button>
        }
    });
    view! {
        <div
            id="view-mode"
            class="view-mode"
            role="group"
            aria-label=move || locale.strings().view_mode_label
        >
            {buttons}
        </div>
    }
}

#[component]
pub fn TextViews(mode: RwSignal<ViewMode>) -> impl IntoView {
    let locale = use_locale();
    let title_signal = use_doc_text().title;
    let title = move || {
        let title = title_signal.get();
        if title.trim().is_empty() {
            locale.strings().title_placeholder.to_owned()
        } else {
            title
        }
    };
    view! {
        <div class="views" data-mode=move || mode.get().tag()>
            <div class="pane write-pane">
                <Editor />
            </div>
            <div class="pane preview-pane">
                <h1 class="print-title">{title}</h1>
                <Preview visible=Signal::derive(move || mode.get().shows_preview()) />
            </div>
        </div>
    }
}

//! The text on the document page, shown the way the person chose: the
//! editor, the editor and the preview side by side (stacked on a narrow
//! screen), or the preview alone ([`ViewMode`], remembered in this
//! browser). Its switch (`#view-mode`, one button per mode with
//! `data-mode`) and the print button sit above the text.
//!
//! Printing shows the title and the preview only, whatever the mode: the
//! print stylesheet (`styles/main.css`, `@media print`) hides the rest of
//! the page, and [`Preview`] renders itself before printing even when it
//! is hidden. The title is printed from a heading that only print shows.

use leptos::prelude::*;

use crate::components::editor::Editor;
use crate::components::preview::Preview;
use crate::locale::use_locale;
use crate::platform::page;
use crate::session::use_doc_text;
use crate::view_mode::ViewMode;

#[component]
pub fn TextViews() -> impl IntoView {
    let locale = use_locale();
    let title_signal = use_doc_text().title;
    let mode = RwSignal::new(ViewMode::stored());
    let title = move || {
        let title = title_signal.get();
        if title.trim().is_empty() {
            locale.strings().document_title.to_owned()
        } else {
            title
        }
    };
    let buttons = ViewMode::ALL.map(|choice| {
        let label = move || {
            let strings = locale.strings();
            match choice {
                ViewMode::Write => strings.view_write,
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
                    choice.store();
                    mode.set(choice);
                }
            >
                {label}
            </button>
        }
    });

    view! {
        <div class="text-tools">
            <div
                id="view-mode"
                class="view-mode"
                role="group"
                aria-label=move || locale.strings().view_mode_label
            >
                {buttons}
            </div>
            <button
                type="button"
                id="print"
                on:click=move |_| page::print()
            >
                {move || locale.strings().print_button}
            </button>
        </div>
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

//! The Markdown syntax on one screen (the content of
//! [`Panel::Markdown`](crate::panels::Panel::Markdown)): what each sign
//! does, written as it is typed and as it shows. The "shows" column is the
//! example rendered by [`model::markdown`], the preview's own renderer (its
//! output is safe as `innerHTML`, and these examples are ours anyway), so
//! the help never says something the preview does not do. The rendered
//! examples are `inert`: shown, but out of the page's outline and of the
//! tab order (an example heading is not a heading of the page, an example
//! link leads nowhere useful); the source column says the same in words.

use leptos::prelude::*;
use model::markdown;

use crate::locale::use_locale;
use crate::panels::{use_panels, Panel};

#[component]
pub fn MarkdownHelp() -> impl IntoView {
    let locale = use_locale();
    let panels = use_panels();
    let rows = move || {
        locale
            .strings()
            .markdown_help_rows
            .iter()
            .map(|&(what, example)| {
                view! {
                    <tr>
                        <th scope="row">{what}</th>
                        <td><pre class="markdown-source">{example}</pre></td>
                        <td class="markdown-result" inert inner_html=markdown::to_html(example)></td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="markdown-help">
            <div class="panel-head">
                <h2 id=format!("{}-heading", Panel::Markdown.id()) data-autofocus tabindex="-1">
                    {move || locale.strings().markdown_help_title}
                </h2>
                <button type="button" class="panel-close" on:click=move |_| panels.close()>
                    {move || locale.strings().panel_close}
                </button>
            </div>
            <p>{move || locale.strings().markdown_help_intro}</p>
            <table class="markdown-table" aria-labelledby=format!("{}-heading", Panel::Markdown.id())>
                <thead>
                    <tr>
                        <th scope="col">{move || locale.strings().markdown_help_what}</th>
                        <th scope="col">{move || locale.strings().markdown_help_write}</th>
                        <th scope="col">{move || locale.strings().markdown_help_shows}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="markdown-help-lines">{move || locale.strings().markdown_help_lines}</p>
        </div>
    }
}

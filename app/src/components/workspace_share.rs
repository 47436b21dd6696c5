//! The share panel of a workspace: its edit link (for its editors: they
//! add, move and remove entries, and open every document at the level it
//! was added with) and its read link, which is the workspace's **amend**
//! link (DESIGN.md, "Members"): it reads the index and opens each
//! document's view link, and lets the member's browser sign itself in.
//! Someone holding only a view link sees that link.

use leptos::prelude::*;

use crate::components::copy_button::CopyButton;
use crate::locale::use_locale;
use crate::panels::use_panels;

#[component]
pub fn WorkspaceShare(
    edit_url: Option<String>,
    amend_url: Option<String>,
    view_url: String,
) -> impl IntoView {
    let locale = use_locale();
    let panels = use_panels();
    let row = move |id: &'static str, label: &'static str, hint: &'static str, url: String| {
        view! {
            <label class="share">
                <span class="share-label" id=format!("{id}-label")>{label}</span>
                <span class="share-field">
                    <input
                        id=id
                        type="text"
                        readonly
                        spellcheck="false"
                        aria-labelledby=format!("{id}-label")
                        aria-describedby=format!("{id}-hint")
                        prop:value=url.clone()
                        on:focus=|ev| {
                            use leptos::wasm_bindgen::JsCast;
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                input.select();
                            }
                        }
                    />
                    <CopyButton field=id text=url />
                </span>
                <small id=format!("{id}-hint")>{hint}</small>
            </label>
        }
    };
    move || {
        let w = locale.strings().ws;
        let edit = edit_url
            .clone()
            .map(|url| row("edit-link", w.share_edit_label, w.share_edit_hint, url));
        let read = match amend_url.clone() {
            Some(url) => row("ws-read-link", w.share_read_label, w.share_read_hint, url),
            None => row(
                "view-link",
                w.share_view_label,
                w.share_view_hint,
                view_url.clone(),
            ),
        };
        view! {
            <div class="share-panel ws-share">
                <div class="panel-head">
                    <h2 id="share-panel-heading" data-autofocus tabindex="-1">
                        {locale.strings().share_button}
                    </h2>
                    <button type="button" class="panel-close" on:click=move |_| panels.close()>
                        {locale.strings().panel_close}
                    </button>
                </div>
                <p class="share-keep">{locale.strings().share_keep}</p>
                {edit}
                {read}
            </div>
        }
    }
}

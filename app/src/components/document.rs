//! The document page: the title, the status line, who is here, the text,
//! and the links to share. It starts the [`DocSession`] for its link
//! (which provides one context per concern) and the [`Presence`]; the
//! pieces read what they need from those contexts.

use leptos::prelude::*;
use leptos::web_sys::HtmlInputElement;
use protocol::Link;

use crate::components::authorship_toggle::AuthorshipToggle;
use crate::components::copy_button::CopyButton;
use crate::components::forget::ForgetDocument;
use crate::components::name_field::NameField;
use crate::components::presence_list::PresenceList;
use crate::components::status_line::StatusLine;
use crate::components::tab_notice::TabNotice;
use crate::components::text_views::TextViews;
use crate::components::title_field::TitleField;
use crate::locale::use_locale;
use crate::presence::Presence;
use crate::session::{use_doc_text, use_room_presence, use_tab, DocSession};
use crate::strings::APP_NAME;

#[component]
pub fn DocumentPage(link: Link) -> impl IntoView {
    let locale = use_locale();
    let keys = link.keys();
    let base = crate::platform::page::page_base();
    let edit_url = keys.can_write().then(|| link.to_url(&base));
    let view_url = link.to_view().to_url(&base);
    let room = keys.room().to_string();
    DocSession::start(link);
    let presence = Presence::provide();
    let text = use_doc_text();
    let room_presence = use_room_presence();
    let tab = use_tab().tab;
    // The room learns who this is, and again when the name changes.
    Effect::new(move |_| room_presence.set_me(presence.person()));

    Effect::new(move |_| {
        let title = text.title.get();
        let name = if title.trim().is_empty() {
            locale.strings().document_title.to_owned()
        } else {
            title
        };
        crate::platform::page::set_title(&format!("{name} · {APP_NAME}"))
    });

    let access = move || {
        if keys.can_write() {
            locale.strings().edit_access
        } else {
            locale.strings().view_access
        }
    };
    let edit_share = edit_url.map(|url| {
        view! {
            <ShareLink
                id="edit-link"
                label=Signal::derive(move || locale.strings().edit_link_label)
                hint=Signal::derive(move || locale.strings().edit_link_warning)
                url
            />
        }
    });

    view! {
        <section class="document" data-tab=move || tab.get().data_tab()>
            <h1>{move || locale.strings().document_title}</h1>
            <TabNotice />
            <p data-testid="access">{access}</p>
            <TitleField />
            <StatusLine />
            <NameField />
            <PresenceList />
            <AuthorshipToggle />
            <TextViews />
            <details class="sharing" open>
                <summary>{move || locale.strings().view_link_label}</summary>
                {edit_share}
                <ShareLink
                    id="view-link"
                    label=Signal::derive(move || locale.strings().view_link_label)
                    hint=Signal::derive(move || locale.strings().view_link_hint)
                    url=view_url
                />
                <p class="room">
                    {move || locale.strings().room_label}
                    " "
                    <code>{room}</code>
                </p>
            </details>
            <ForgetDocument />
        </section>
    }
}

/// A link to share, in a read-only field that selects itself on focus,
/// and a button to copy it. The field is named by the label's first line
/// only (not the button's word) and described by the hint.
#[component]
fn ShareLink(
    id: &'static str,
    label: Signal<&'static str>,
    hint: Signal<&'static str>,
    url: String,
) -> impl IntoView {
    let copy = view! { <CopyButton field=id text=url.clone() /> };
    let select_all = |ev: leptos::ev::FocusEvent| event_target::<HtmlInputElement>(&ev).select();
    view! {
        <label class="share">
            <span id=format!("{id}-label")>{label}</span>
            <span class="share-field">
                <input
                    id=id
                    type="text"
                    readonly
                    spellcheck="false"
                    aria-labelledby=format!("{id}-label")
                    aria-describedby=format!("{id}-hint")
                    prop:value=url
                    on:focus=select_all
                />
                {copy}
            </span>
            <small id=format!("{id}-hint")>{hint}</small>
        </label>
    }
}

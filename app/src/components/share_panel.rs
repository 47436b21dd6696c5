//! The share panel ([`crate::panels::Panel::Share`]): the links this person holds, each
//! with one sentence on what it allows and a copy button: the edit link
//! (write the text, decide amendments) only for someone who holds it, the
//! amend link (propose amendments, comment, support) for an edit or an
//! amend link, the view link for everyone; a QR code of one of them, and
//! a button saving them to a file. It says once, here where the links are, that
//! without accounts losing the link means losing the document. The room
//! id is not shown: nobody has a use for it.
//!
//! The QR code holds the view link unless the person picks another (the
//! amend link, the edit link): a code on a projector is seen by the whole
//! room. It is drawn as an SVG
//! from [`crate::qr`], scaled to the panel's width, and can fill the
//! screen for a projector.
//!
//! The panel area around it (its `<aside>`, Escape, the bottom sheet on a
//! phone) is the document page's ([`crate::panels`]).

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::web_sys::HtmlInputElement;

use crate::components::copy_button::CopyButton;
use crate::file_name::tagged_file_name;
use crate::links_file::links_text;
use crate::locale::use_locale;
use crate::panels::use_panels;
use crate::platform::download;
use crate::qr::{self, QrPicture};
use crate::session::use_doc_text;
use crate::strings::Strings;

/// The heading's id, which names the panel (`<aside aria-labelledby>`,
/// drawn by the document page: `<panel id>-heading`).
const HEADING_ID: &str = "share-panel-heading";

/// Which link the QR code holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Edit,
    Amend,
    View,
}

/// The panel for a person holding `edit_url` (if they may write),
/// `amend_url` (if they may propose amendments) and `view_url`: the links
/// at this page's address.
#[component]
pub fn SharePanel(
    edit_url: Option<String>,
    /// The amend link (members propose amendments), for an edit or an
    /// amend link.
    amend_url: Option<String>,
    view_url: String,
) -> impl IntoView {
    let locale = use_locale();
    // Drawn again, whole, when the language changes: one closure instead
    // of one per sentence keeps the wasm smaller (the QR code's choice
    // starts again at the view link then).
    move || {
        view! {
            <SharePanelIn
                words=locale.strings()
                edit_url=edit_url.clone()
                amend_url=amend_url.clone()
                view_url=view_url.clone()
            />
        }
    }
}

/// The panel in the words of one language.
#[component]
fn SharePanelIn(
    words: &'static Strings,
    edit_url: Option<String>,
    amend_url: Option<String>,
    view_url: String,
) -> impl IntoView {
    let panels = use_panels();
    let text = use_doc_text();
    let saved = RwSignal::new(None::<bool>);
    let save = {
        let edit_url = edit_url.clone();
        let amend_url = amend_url.clone();
        let view_url = view_url.clone();
        move |_| {
            let title = text.title.get_untracked();
            let contents = links_text(
                words,
                &title,
                edit_url.as_deref(),
                amend_url.as_deref(),
                &view_url,
            );
            let name =
                tagged_file_name(&title, words.untitled_file, words.share_file_suffix, "txt");
            saved.set(Some(download::save(
                &name,
                "text/plain; charset=utf-8",
                &contents,
            )));
        }
    };

    let edit_row = edit_url.clone().map(|url| {
        view! {
            <ShareLink
                id="edit-link"
                label=words.share_edit_label
                hint=words.share_edit_hint
                url
            />
        }
    });
    let amend_row = amend_url.clone().map(|url| {
        view! {
            <ShareLink
                id="share-amend-link"
                label=words.share_amend_label
                hint=words.share_amend_hint
                url
            />
        }
    });

    view! {
        <div class="share-panel">
            <div class="panel-head">
                <h2 id=HEADING_ID data-autofocus tabindex="-1">
                    {words.share_button}
                </h2>
                <button type="button" class="panel-close" on:click=move |_| panels.close()>
                    {words.panel_close}
                </button>
            </div>
            <p class="share-keep">{words.share_keep}</p>
            {edit_row}
            {amend_row}
            <ShareLink
                id="view-link"
                label=words.share_view_label
                hint=words.share_view_hint
                url=view_url.clone()
            />
            <p class="share-save">
                <button type="button" id="save-links" on:click=save>
                    {words.share_save}
                </button>
                <span class="save-status" role="status">
                    {move || (saved.get() == Some(false)).then_some(words.export_failed)}
                </span>
            </p>
            <QrCode words edit=edit_url amend=amend_url view=view_url />
        </div>
    }
}

/// The QR code of the view link, or of the amend or edit link if the
/// person picks it; and the button showing it as large as the screen.
#[component]
fn QrCode(
    words: &'static Strings,
    edit: Option<String>,
    amend: Option<String>,
    view: String,
) -> impl IntoView {
    let which = RwSignal::new(Which::View);
    let large = RwSignal::new(false);
    let edit_qr = edit.as_deref().map(qr::encode);
    let amend_qr = amend.as_deref().map(qr::encode);
    let view_qr = qr::encode(&view);
    let has_edit = edit_qr.is_some();
    let has_amend = amend_qr.is_some();

    let choice = (has_edit || has_amend).then(|| {
        let pick = move |link: Which, data: &'static str, label: &'static str| {
            view! {
                <button
                    type="button"
                    data-link=data
                    aria-pressed=move || (which.get() == link).to_string()
                    on:click=move |_| which.set(link)
                >
                    {label}
                </button>
            }
        };
        view! {
            <div class="qr-choice" role="group" aria-labelledby="qr-choice-label">
                <span id="qr-choice-label">{words.share_qr_choice}</span>
                {pick(Which::View, "view", words.share_view_label)}
                {has_amend.then(|| pick(Which::Amend, "amend", words.share_amend_label))}
                {has_edit.then(|| pick(Which::Edit, "edit", words.share_edit_label))}
            </div>
        }
    });

    let drawing = move || {
        let (picture, label) = match which.get() {
            Which::Edit => (edit_qr.clone().flatten(), words.share_qr_of_edit),
            Which::Amend => (amend_qr.clone().flatten(), words.share_qr_of_amend),
            Which::View => (view_qr.clone(), words.share_qr_of_view),
        };
        match picture {
            Some(picture) => qr_svg(picture, label).into_any(),
            None => view! { <p class="qr-none">{words.share_qr_too_long}</p> }.into_any(),
        }
    };
    // Escape leaves the full screen before it closes the panel.
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && large.get_untracked() {
            ev.prevent_default();
            ev.stop_propagation();
            large.set(false);
        }
    };

    view! {
        <figure class="qr" class:large=move || large.get() on:keydown=on_keydown>
            {choice}
            {drawing}
            <figcaption>{words.share_qr_hint}</figcaption>
            <button
                type="button"
                id="qr-large"
                aria-pressed=move || large.get().to_string()
                on:click=move |_| large.update(|large| *large = !*large)
            >
                {words.share_qr_enlarge}
            </button>
        </figure>
    }
}

/// The SVG drawing of `picture`, named `label` for screen readers.
fn qr_svg(picture: QrPicture, label: &'static str) -> impl IntoView {
    let size = picture.size;
    view! {
        <svg
            id="share-qr"
            role="img"
            aria-label=label
            viewBox=format!("0 0 {size} {size}")
            shape-rendering="crispEdges"
            xmlns="http://www.w3.org/2000/svg"
        >
            <rect width=size height=size fill="#fff" />
            <path d=picture.path fill="#000" />
        </svg>
    }
}

/// A link to share, in a read-only field that selects itself on focus,
/// and a button to copy it. The field is named by the label's first line
/// only (not the button's word) and described by the hint.
#[component]
fn ShareLink(
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    url: String,
) -> impl IntoView {
    let copy = view! { <CopyButton field=id text=url.clone() /> };
    let select_all = |ev: leptos::ev::FocusEvent| event_target::<HtmlInputElement>(&ev).select();
    view! {
        <label class="share">
            <span class="share-label" id=format!("{id}-label")>
                {label}
            </span>
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

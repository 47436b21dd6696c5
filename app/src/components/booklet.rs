//! The booklet and the adopted text in the page (issue 13): what the
//! Export menu offers (liasse d'amendements, texte adopté, texte amendé;
//! print, HTML, Markdown, ODT), generated in the browser from
//! `model::meeting::booklet`, and the print view that paginates cleanly.
//!
//! The files are the model's ([`model::meeting::paper::Paper`], the same
//! as `cahier export --booklet`). Printing shows the paper in place of the
//! page ([`PrintView`]: the blocks' HTML, escaped by the model, under the
//! page's own stylesheet `styles/booklet.css`, with the paper's `@page`
//! rule for its running title), opens the print dialog, and keeps a
//! button back to the text: the person can print again or leave.

use leptos::portal::Portal;
use leptos::prelude::*;
use model::meeting::booklet::Kind;
use model::meeting::paper::{Paper, PaperFormat};
use model::meeting::Meeting;

use crate::file_name::tagged_file_name;
use crate::locale::use_locale;
use crate::platform::{download, page};
use crate::session::amendments::DocAmendments;
use crate::strings::Strings;

/// The class on `<html>` while the print view replaces the page.
const PRINTING: &str = "paper-printing";

/// A paper ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Printed {
    pub html: String,
    pub page_rule: String,
}

impl Printed {
    pub fn of(paper: &Paper) -> Printed {
        Printed {
            html: paper.body_html(),
            page_rule: paper.page_rule(),
        }
    }
}

/// What the menu calls a paper.
pub fn kind_label(words: &Strings, kind: Kind) -> &'static str {
    match kind {
        Kind::Booklet => words.export_booklet,
        Kind::Adopted => words.export_adopted,
        Kind::Amended => words.export_amended,
    }
}

fn file_tag(words: &Strings, kind: Kind) -> &'static str {
    match kind {
        Kind::Booklet => words.booklet_file_suffix,
        Kind::Adopted => words.adopted_file_suffix,
        Kind::Amended => words.amended_file_suffix,
    }
}

/// The meeting a choice names: `None` for the latest (the default),
/// `Some("")` for none, or an id.
pub fn chosen_meeting(meetings: &[Meeting], choice: Option<&str>) -> Option<Meeting> {
    match choice {
        None => meetings.last().cloned(),
        Some("") => None,
        Some(id) => meetings.iter().find(|m| m.id == id).cloned(),
    }
}

/// Make the paper `kind` and save it as `format`; whether it worked.
pub fn save(
    amendments: &DocAmendments,
    kind: Kind,
    format: PaperFormat,
    meeting: Option<&Meeting>,
    title: &str,
    words: &Strings,
    lang: &str,
) -> bool {
    let Some(Ok(paper)) = amendments.paper(kind, meeting, title, lang) else {
        return false;
    };
    let bytes = paper.render(format);
    let name = tagged_file_name(
        title,
        words.untitled_file,
        file_tag(words, kind),
        format.extension(),
    );
    download::save_bytes(&name, format.media_type(), &bytes)
}

/// The print view: the paper in place of the page until the person goes
/// back; the print dialog opens once it is drawn.
#[component]
pub fn PrintView(printed: RwSignal<Option<Printed>>) -> impl IntoView {
    let locale = use_locale();
    Effect::new(move |_| {
        let on = printed.with(Option::is_some);
        page::set_root_class(PRINTING, on);
        if on {
            // Once drawn: the dialog prints what is on screen.
            request_animation_frame(page::print);
        }
    });
    on_cleanup(|| page::set_root_class(PRINTING, false));
    let back = move |_| {
        printed.set(None);
        request_animation_frame(|| page::focus_id("export-button"));
    };
    view! {
        <Show when=move || printed.with(Option::is_some)>
            <Portal>
                <div
                    id="paper-view"
                    class="paper-view"
                    role="region"
                    aria-label=move || locale.strings().print_view_label
                >
                    <div class="paper-view-bar">
                        <button type="button" id="paper-view-back" on:click=back>
                            {move || locale.strings().print_view_back}
                        </button>
                        <button type="button" id="paper-view-print" on:click=|_| page::print()>
                            {move || locale.strings().print_view_print}
                        </button>
                    </div>
                    <style>{move || printed.with(|p| p.as_ref().map(|p| p.page_rule.clone()))}</style>
                    <div
                        class="paper-view-sheet"
                        inner_html=move || printed.with(|p| p.as_ref().map(|p| p.html.clone()))
                    ></div>
                </div>
            </Portal>
        </Show>
    }
}

//! The export menu: a button ("Exporter") that discloses a short list of
//! buttons, one per file the text can be saved as (Markdown, a web page,
//! plain text) and Print. Each file is written by [`model::export`], the
//! same code as `cahier export`, from the title and body as they are now,
//! and saved by [`crate::platform::download`] under the title's name.
//!
//! It is a disclosure, not an ARIA menu: Tab moves through the buttons,
//! Escape closes it and gives focus back to its button, the arrow keys
//! move between the items; a press outside, or focus moving out, closes
//! it. Choosing an item closes it too, and focus goes back to the button.
//!
//! Below them, a meeting's papers (issue 13, [`super::booklet`]): the
//! booklet of amendments, the adopted text and, once there is a meeting,
//! the amended text, each printed or saved as HTML, Markdown or ODT, for
//! the latest meeting or the one chosen when there are several.

use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::prelude::*;
use model::export::{self, Format};
use model::meeting::booklet::Kind;
use model::meeting::paper::PaperFormat;

use crate::components::booklet::{self, PrintView, Printed};
use crate::file_name::file_name;
use crate::locale::use_locale;
use crate::platform::{download, menu, page};
use crate::session::{use_doc_meetings, use_doc_text};

/// The menu's button, which gets focus back when it closes.
const BUTTON_ID: &str = "export-button";
/// The list of items.
const LIST_ID: &str = "export-menu";
/// The element holding both, outside which a press closes the list.
const WRAPPER_ID: &str = "export";
/// The meeting chooser.
const MEETING_ID: &str = "export-meeting";

/// What an item of the menu does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    Save(Format),
    /// The amendments, as Markdown (`model::amendments::export`).
    Amendments,
    Print,
    /// A meeting's paper, printed (`None`) or saved.
    Paper(Kind, Option<PaperFormat>),
}

/// The text's items, in the menu's order.
const ITEMS: [Item; 5] = [
    Item::Save(Format::Markdown),
    Item::Save(Format::Html),
    Item::Save(Format::Text),
    Item::Amendments,
    Item::Print,
];

/// How each paper is taken away, in the menu's order.
const PAPER_OUTS: [Option<PaperFormat>; 4] = [
    None,
    Some(PaperFormat::Html),
    Some(PaperFormat::Markdown),
    Some(PaperFormat::Odt),
];

/// Every item, in the menu's order: the amended text only once there is
/// a meeting.
fn items(with_meeting: bool) -> Vec<Item> {
    let papers = Kind::ALL
        .into_iter()
        .filter(move |kind| with_meeting || *kind != Kind::Amended)
        .flat_map(|kind| {
            PAPER_OUTS
                .into_iter()
                .map(move |out| Item::Paper(kind, out))
        });
    ITEMS.into_iter().chain(papers).collect()
}

impl Item {
    /// The item's button id, for the arrow keys.
    fn id(self) -> String {
        match self {
            Item::Save(Format::Markdown) => "export-md".into(),
            Item::Save(Format::Html) => "export-html".into(),
            Item::Save(Format::Text) => "export-txt".into(),
            Item::Amendments => "export-amendments".into(),
            Item::Print => "export-print".into(),
            Item::Paper(kind, out) => format!(
                "export-{}-{}",
                kind.name(),
                out.map_or("print", PaperFormat::extension)
            ),
        }
    }
}

#[component]
pub fn ExportMenu() -> impl IntoView {
    let locale = use_locale();
    let text = use_doc_text();
    let amendments = crate::session::use_doc_amendments();
    let meetings = use_doc_meetings();
    let open = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let paper_failed = RwSignal::new(false);
    let printed = RwSignal::new(None::<Printed>);
    // The meeting chosen: `None` for the latest, `Some("")` for none.
    let chosen = RwSignal::new(None::<String>);
    let with_meeting = Memo::new(move |_| !meetings.list().is_empty());

    let close = move |give_focus_back: bool| {
        open.set(false);
        if give_focus_back {
            page::focus_id(BUTTON_ID);
        }
    };
    let outside = StoredValue::new_local(Some(menu::on_press_outside(WRAPPER_ID, move || {
        if open.get_untracked() {
            close(false);
        }
    })));
    on_cleanup(move || drop(outside.try_update_value(Option::take)));

    let choose = move |item: Item| {
        close(true);
        paper_failed.set(false);
        match item {
            Item::Paper(kind, out) => {
                let words = locale.strings();
                let title = text.title.get_untracked();
                let lang = locale.lang().tag();
                let all = meetings.list();
                let meeting = booklet::chosen_meeting(&all, chosen.get_untracked().as_deref());
                match out {
                    Some(format) => {
                        let done = booklet::save(
                            &amendments,
                            kind,
                            format,
                            meeting.as_ref(),
                            &title,
                            words,
                            lang,
                        );
                        paper_failed.set(!done);
                    }
                    None => match amendments.paper(kind, meeting.as_ref(), &title, lang) {
                        Some(Ok(paper)) => printed.set(Some(Printed::of(&paper))),
                        _ => paper_failed.set(true),
                    },
                }
            }
            Item::Save(format) => {
                let words = locale.strings();
                let title = text.title.get_untracked();
                let contents = export::render(format, &title, &text.body(), locale.lang().tag());
                let name = file_name(&title, words.untitled_file, format.extension());
                failed.set(!download::save(&name, format.media_type(), &contents));
            }
            Item::Amendments => {
                let words = locale.strings();
                let title = text.title.get_untracked();
                let contents = amendments.markdown(&title, locale.lang().tag());
                let name = crate::file_name::tagged_file_name(
                    &title,
                    words.untitled_file,
                    words.amendments_file_suffix,
                    "md",
                );
                failed.set(!download::save(
                    &name,
                    Format::Markdown.media_type(),
                    &contents,
                ));
            }
            // After the menu is drawn closed, so it is not in the print.
            Item::Print => {
                failed.set(false);
                set_timeout(page::print, std::time::Duration::ZERO);
            }
        }
    };

    let on_keydown = move |ev: KeyboardEvent| {
        if !open.get_untracked() {
            if ev.key() == "ArrowDown" {
                ev.prevent_default();
                open.set(true);
                request_animation_frame(|| page::focus_id(&ITEMS[0].id()));
            }
            return;
        }
        // The meeting chooser keeps its own arrow keys.
        if menu::focused_id() == MEETING_ID && ev.key() != "Escape" {
            return;
        }
        let all = items(with_meeting.get_untracked());
        let step: isize = match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                // Not the panel's Escape too.
                ev.stop_propagation();
                close(true);
                return;
            }
            "ArrowDown" => 1,
            "ArrowUp" => -1,
            _ => return,
        };
        ev.prevent_default();
        let focused = menu::focused_id();
        let at = all.iter().position(|item| item.id() == focused);
        let next = match at {
            Some(at) => (at as isize + step).rem_euclid(all.len() as isize) as usize,
            None if step > 0 => 0,
            None => all.len() - 1,
        };
        page::focus_id(&all[next].id());
    };
    let on_focusout = move |ev: FocusEvent| {
        if open.get_untracked() && menu::focus_left(WRAPPER_ID, &ev) {
            close(false);
        }
    };

    let label = move |item: Item| {
        let words = locale.strings();
        match item {
            Item::Save(Format::Markdown) => words.export_markdown,
            Item::Save(Format::Html) => words.export_html,
            Item::Save(Format::Text) => words.export_text,
            Item::Amendments => words.export_amendments,
            Item::Print => words.export_print,
            Item::Paper(_, None) => words.export_paper_print,
            Item::Paper(_, Some(PaperFormat::Html)) => words.export_html,
            Item::Paper(_, Some(PaperFormat::Markdown)) => words.export_markdown,
            Item::Paper(_, Some(PaperFormat::Odt)) => "ODT",
        }
    };
    let items = ITEMS
        .into_iter()
        .map(|item| {
            let format = match item {
                Item::Save(format) => format.extension(),
                Item::Amendments => "amendments",
                Item::Print => "print",
                Item::Paper(kind, _) => kind.name(),
            };
            view! {
                <li>
                    <button
                        type="button"
                        id=item.id()
                        data-format=format
                        on:click=move |_| choose(item)
                    >
                        {move || label(item)}
                    </button>
                </li>
            }
        })
        .collect_view();

    let meeting_chooser = move || {
        let all = meetings.list();
        (!all.is_empty()).then(|| {
            let words = locale.strings();
            let choice = chosen.get();
            let options = all
                .iter()
                .rev()
                .enumerate()
                .map(|(at, meeting)| {
                    let selected = match &choice {
                        None => at == 0,
                        Some(id) => *id == meeting.id,
                    };
                    let label = if meeting.date.is_empty() {
                        meeting.name.clone()
                    } else {
                        format!("{} — {}", meeting.name, meeting.date)
                    };
                    view! { <option value=meeting.id.clone() selected=selected>{label}</option> }
                })
                .collect_view();
            view! {
                <label class="export-meeting">
                    <span>{words.export_meeting_label}</span>
                    <select
                        id=MEETING_ID
                        on:change=move |ev| chosen.set(Some(event_target_value(&ev)))
                    >
                        {options}
                        <option value="" selected=choice.as_deref() == Some("")>
                            {words.export_meeting_none}
                        </option>
                    </select>
                </label>
            }
        })
    };
    let papers = move || {
        Kind::ALL
            .into_iter()
            .filter(|kind| with_meeting.get() || *kind != Kind::Amended)
            .map(|kind| {
                let buttons = PAPER_OUTS
                    .into_iter()
                    .map(|out| {
                        let item = Item::Paper(kind, out);
                        let aria = move || {
                            let words = locale.strings();
                            format!("{} : {}", booklet::kind_label(words, kind), label(item))
                        };
                        view! {
                            <button
                                type="button"
                                id=item.id()
                                data-paper=kind.name()
                                data-paper-format=out.map_or("print", PaperFormat::extension)
                                aria-label=aria
                                on:click=move |_| choose(item)
                            >
                                {move || label(item)}
                            </button>
                        }
                    })
                    .collect_view();
                view! {
                    <li class="export-paper">
                        <span class="export-paper-name">
                            {move || booklet::kind_label(locale.strings(), kind)}
                        </span>
                        {buttons}
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <div id=WRAPPER_ID class="export" on:keydown=on_keydown on:focusout=on_focusout>
            <button
                type="button"
                id=BUTTON_ID
                aria-expanded=move || open.get().to_string()
                aria-controls=LIST_ID
                on:click=move |_| open.update(|open| *open = !*open)
            >
                {move || locale.strings().export_button}
            </button>
            <ul id=LIST_ID class="export-menu" hidden=move || !open.get()>
                {items}
                <li class="export-papers" role="presentation">
                    <span class="export-papers-heading">
                        {move || locale.strings().export_papers_heading}
                    </span>
                    {meeting_chooser}
                </li>
                {papers}
            </ul>
            <span class="export-status" role="status">
                {move || failed.get().then(|| locale.strings().export_failed)}
                {move || paper_failed.get().then(|| locale.strings().paper_failed)}
            </span>
            <PrintView printed />
        </div>
    }
}

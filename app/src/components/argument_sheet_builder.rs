//! The talking-points sheet builder (issue 14, helper sheet): pick a
//! question (any claim at the top) or a tag; the candidates come ranked
//! by the members' endorsements ([`DocArguments::candidates`]); tick the
//! arguments and the "Ils disent / Nous répondons" pairs that go in,
//! order them (↑/↓, or Alt+↑/↓ on a row), write the key message; the
//! preview is the paper itself ([`model::arguments::paper`], escaped by
//! the model), live as co-authors change the map; then print (the
//! booklet's print view), or save as HTML, Markdown or ODT.
//!
//! A co-author's new claim joins the lists unticked at the end; a claim
//! deleted leaves them; the person's ticks and order stay.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use model::arguments::paper::sheet_paper;
use model::arguments::sheet::{Choice, Subject, ARGUMENTS, PAIRS};
use model::meeting::paper::{Paper, PaperFormat};

use crate::components::booklet::Printed;
use crate::file_name::tagged_file_name;
use crate::locale::use_locale;
use crate::platform::{download, page};
use crate::session::arguments::use_doc_arguments;

/// The lists as the person has them: each candidate, ticked or not.
type Ticks<T> = Vec<(T, bool)>;

/// `old` brought up to the candidates `ranked`: what is still a
/// candidate keeps its place and tick, new ones come last unticked; a
/// fresh list ticks the first `take`.
fn merge<T: Clone + PartialEq>(
    old: &[(T, bool)],
    ranked: &[T],
    fresh: bool,
    take: usize,
) -> Ticks<T> {
    if fresh {
        return ranked
            .iter()
            .enumerate()
            .map(|(at, item)| (item.clone(), at < take))
            .collect();
    }
    let mut out: Ticks<T> = old
        .iter()
        .filter(|(item, _)| ranked.contains(item))
        .cloned()
        .collect();
    for item in ranked {
        if !out.iter().any(|(o, _)| o == item) {
            out.push((item.clone(), false));
        }
    }
    out
}

fn moved<T: Clone>(list: &mut [(T, bool)], at: usize, up: bool) -> Option<usize> {
    let to = if up { at.checked_sub(1)? } else { at + 1 };
    if to >= list.len() {
        return None;
    }
    list.swap(at, to);
    Some(to)
}

/// A subject as the chooser's value.
fn subject_value(subject: &Subject) -> String {
    match subject {
        Subject::Claim(id) => format!("c:{id}"),
        Subject::Tag(tag) => format!("t:{tag}"),
    }
}

fn subject_of(value: &str) -> Option<Subject> {
    if let Some(id) = value.strip_prefix("c:") {
        Some(Subject::Claim(id.to_owned()))
    } else {
        value.strip_prefix("t:").map(|t| Subject::Tag(t.to_owned()))
    }
}

/// An id safe in an element id (claim ids are `client-clock`, but a
/// co-author's copy may say anything).
fn id_part(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[component]
pub fn SheetBuilder(open: RwSignal<bool>, printed: RwSignal<Option<Printed>>) -> impl IntoView {
    let locale = use_locale();
    let args = use_doc_arguments();
    let subject = RwSignal::new(None::<Subject>);
    let key = RwSignal::new(String::new());
    let arguments = RwSignal::new(Ticks::<String>::new());
    let pairs = RwSignal::new(Ticks::<(String, String)>::new());
    let said = RwSignal::new(String::new());
    let failed = RwSignal::new(false);
    // The subject shown: the chosen one while it exists, else the first
    // claim at the top.
    let current = Memo::new(move |_| {
        let map = args.map();
        let chosen = subject.get().filter(|s| match s {
            Subject::Claim(id) => map.is_visible(map.resolve(id)),
            Subject::Tag(tag) => map.tags().contains_key(tag),
        });
        chosen.or_else(|| map.roots().first().map(|id| Subject::Claim(id.clone())))
    });
    // The lists follow the candidates; a new subject starts them afresh.
    let seeded = StoredValue::new(None::<Subject>);
    Effect::new(move |_| {
        let Some(now) = current.get() else {
            arguments.set(Vec::new());
            pairs.set(Vec::new());
            return;
        };
        let found = args.candidates(&now);
        let fresh = seeded.get_value().as_ref() != Some(&now);
        seeded.set_value(Some(now));
        arguments.update(|list| *list = merge(list, &found.arguments, fresh, ARGUMENTS));
        pairs.update(|list| *list = merge(list, &found.pairs, fresh, PAIRS));
    });
    let unanswered = Memo::new(move |_| {
        current
            .get()
            .map_or(0, |now| args.candidates(&now).unanswered.len())
    });
    let choice = move || Choice {
        arguments: Some(
            arguments
                .get()
                .into_iter()
                .filter(|(_, on)| *on)
                .map(|(id, _)| id)
                .collect(),
        ),
        pairs: Some(
            pairs
                .get()
                .into_iter()
                .filter(|(_, on)| *on)
                .map(|(pair, _)| pair)
                .collect(),
        ),
        key_message: Some(key.get()),
    };
    let paper = Memo::new(move |_| -> Option<Paper> {
        let now = current.get()?;
        let sheet = args.sheet(&now, &choice())?;
        Some(sheet_paper(&sheet, &args.title(), locale.lang().tag()))
    });

    request_animation_frame(|| page::focus_id("sheet-subject"));
    let close = move || {
        open.set(false);
        request_animation_frame(|| page::focus_id("export-button"));
    };
    let save = move |format: PaperFormat| {
        let words = locale.strings();
        let done = paper.with_untracked(|paper| {
            paper.as_ref().is_some_and(|paper| {
                let name = tagged_file_name(
                    &args.title(),
                    words.untitled_file,
                    words.sheet_file_suffix,
                    format.extension(),
                );
                download::save_bytes(&name, format.media_type(), &paper.render(format))
            })
        });
        failed.set(!done);
    };
    let print = move |_| {
        if let Some(paper) = paper.get_untracked() {
            printed.set(Some(Printed::of(&paper)));
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        if ev.key() == "Escape" && printed.with_untracked(Option::is_none) {
            ev.prevent_default();
            close();
        }
    };

    let text_of = move |id: &str| {
        args.map()
            .claim(id)
            .map(|c| c.text.clone())
            .unwrap_or_default()
    };
    // Move row `at` of a list, keep focus on what was pressed, say where.
    let announce = move |what: String, to: usize| {
        let words = locale.strings();
        said.set(
            words
                .sheet_moved
                .replace("{what}", &what)
                .replace("{n}", &(to + 1).to_string()),
        );
    };
    let move_argument = move |id: String, up: bool, focus: String| {
        let mut to = None;
        arguments.update(|list| {
            if let Some(at) = list.iter().position(|(i, _)| *i == id) {
                to = moved(list, at, up);
            }
        });
        if let Some(to) = to {
            announce(text_of(&id), to);
            request_animation_frame(move || page::focus_id(&focus));
        }
    };
    let move_pair = move |pair: (String, String), up: bool, focus: String| {
        let mut to = None;
        pairs.update(|list| {
            if let Some(at) = list.iter().position(|(p, _)| *p == pair) {
                to = moved(list, at, up);
            }
        });
        if let Some(to) = to {
            announce(text_of(&pair.0), to);
            request_animation_frame(move || page::focus_id(&focus));
        }
    };

    let subjects = move || {
        let words = locale.strings();
        let map = args.map();
        let chosen = current.get().map(|s| subject_value(&s));
        let claims = map
            .roots()
            .iter()
            .map(|id| {
                let value = subject_value(&Subject::Claim(id.clone()));
                let selected = chosen.as_deref() == Some(value.as_str());
                let text = map.claim(id).map(|c| c.text.clone()).unwrap_or_default();
                view! { <option value=value selected=selected>{text}</option> }
            })
            .collect_view();
        let tags = map
            .tags()
            .into_keys()
            .map(|tag| {
                let value = subject_value(&Subject::Tag(tag.clone()));
                let selected = chosen.as_deref() == Some(value.as_str());
                view! { <option value=value selected=selected>{format!("#{tag}")}</option> }
            })
            .collect_view();
        view! {
            <optgroup label=words.sheet_subject_claims>{claims}</optgroup>
            <optgroup label=words.sheet_subject_tags>{tags}</optgroup>
        }
    };

    // Rows keyed by claim: ticking one redraws nothing (focus stays on
    // the box); moving one moves its element, and focus is put back.
    let argument_row = move |id: String| {
        let words = locale.strings();
        let part = id_part(&id);
        let check_id = format!("sheet-arg-{part}");
        let up_id = format!("sheet-arg-up-{part}");
        let down_id = format!("sheet-arg-down-{part}");
        let at = {
            let id = id.clone();
            move || arguments.with(|l| l.iter().position(|(i, _)| *i == id))
        };
        let last = move || arguments.with(|l| l.len().saturating_sub(1));
        let on = {
            let id = id.clone();
            move || arguments.with(|l| l.iter().any(|(i, on)| *i == id && *on))
        };
        let toggle = {
            let id = id.clone();
            move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                arguments.update(|list| {
                    if let Some(row) = list.iter_mut().find(|(i, _)| *i == id) {
                        row.1 = on;
                    }
                });
            }
        };
        let on_row_key = {
            let (id, check_id) = (id.clone(), check_id.clone());
            move |ev: KeyboardEvent| {
                if ev.alt_key() && (ev.key() == "ArrowUp" || ev.key() == "ArrowDown") {
                    ev.prevent_default();
                    move_argument(id.clone(), ev.key() == "ArrowUp", check_id.clone());
                }
            }
        };
        let text = text_of(&id);
        let (up_claim, down_claim, up_focus, down_focus) =
            (id.clone(), id.clone(), up_id.clone(), down_id.clone());
        let (at_up, at_down) = (at.clone(), at);
        view! {
            <li class="sheet-row" data-claim=id.clone() on:keydown=on_row_key>
                <input type="checkbox" id=check_id.clone() prop:checked=on on:change=toggle />
                <label for=check_id class="sheet-row-text">{text.clone()}</label>
                <button
                    type="button"
                    id=up_id
                    class="sheet-move"
                    disabled=move || at_up() == Some(0)
                    aria-label=format!("{} : {text}", words.sheet_up)
                    on:click=move |_| move_argument(up_claim.clone(), true, up_focus.clone())
                >
                    "↑"
                </button>
                <button
                    type="button"
                    id=down_id
                    class="sheet-move"
                    disabled=move || at_down() == Some(last())
                    aria-label=format!("{} : {text}", words.sheet_down)
                    on:click=move |_| move_argument(down_claim.clone(), false, down_focus.clone())
                >
                    "↓"
                </button>
            </li>
        }
    };

    let pair_row = move |pair: (String, String)| {
        let words = locale.strings();
        let they = text_of(&pair.0);
        let we = text_of(&pair.1);
        let part = format!("{}-{}", id_part(&pair.0), id_part(&pair.1));
        let check_id = format!("sheet-pair-{part}");
        let up_id = format!("sheet-pair-up-{part}");
        let down_id = format!("sheet-pair-down-{part}");
        let at = {
            let pair = pair.clone();
            move || pairs.with(|l| l.iter().position(|(p, _)| *p == pair))
        };
        let last = move || pairs.with(|l| l.len().saturating_sub(1));
        let on = {
            let pair = pair.clone();
            move || pairs.with(|l| l.iter().any(|(p, on)| *p == pair && *on))
        };
        let toggle = {
            let pair = pair.clone();
            move |ev: leptos::ev::Event| {
                let on = event_target_checked(&ev);
                pairs.update(|list| {
                    if let Some(row) = list.iter_mut().find(|(p, _)| *p == pair) {
                        row.1 = on;
                    }
                });
            }
        };
        let on_row_key = {
            let (pair, check_id) = (pair.clone(), check_id.clone());
            move |ev: KeyboardEvent| {
                if ev.alt_key() && (ev.key() == "ArrowUp" || ev.key() == "ArrowDown") {
                    ev.prevent_default();
                    move_pair(pair.clone(), ev.key() == "ArrowUp", check_id.clone());
                }
            }
        };
        let (up_pair, down_pair, up_focus, down_focus) =
            (pair.clone(), pair.clone(), up_id.clone(), down_id.clone());
        let (at_up, at_down) = (at.clone(), at);
        view! {
            <li class="sheet-row sheet-pair" data-claim=pair.0.clone() on:keydown=on_row_key>
                <input type="checkbox" id=check_id.clone() prop:checked=on on:change=toggle />
                <label for=check_id class="sheet-row-text">
                    <span class="sheet-they">
                        <strong>{format!("{} : ", words.sheet_they)}</strong>
                        {they.clone()}
                    </span>
                    <span class="sheet-we">
                        <strong>{format!("{} : ", words.sheet_we)}</strong>
                        {we}
                    </span>
                </label>
                <button
                    type="button"
                    id=up_id
                    class="sheet-move"
                    disabled=move || at_up() == Some(0)
                    aria-label=format!("{} : {they}", words.sheet_up)
                    on:click=move |_| move_pair(up_pair.clone(), true, up_focus.clone())
                >
                    "↑"
                </button>
                <button
                    type="button"
                    id=down_id
                    class="sheet-move"
                    disabled=move || at_down() == Some(last())
                    aria-label=format!("{} : {they}", words.sheet_down)
                    on:click=move |_| move_pair(down_pair.clone(), false, down_focus.clone())
                >
                    "↓"
                </button>
            </li>
        }
    };

    view! {
        <section
            id="sheet-builder"
            class="sheet-dialog sheet-builder"
            role="dialog"
            aria-labelledby="sheet-title"
            on:keydown=on_keydown
        >
            <div class="sheet-head">
                <h2 id="sheet-title">{move || locale.strings().sheet_heading}</h2>
                <button type="button" id="sheet-close" on:click=move |_| close()>
                    {move || locale.strings().sheet_close}
                </button>
            </div>
            <Show
                when=move || current.get().is_some()
                fallback=move || view! { <p role="status">{locale.strings().sheet_empty_map}</p> }
            >
                <div class="sheet-columns">
                    <div class="sheet-choose">
                        <label class="sheet-field">
                            <span>{move || locale.strings().sheet_subject_label}</span>
                            <select
                                id="sheet-subject"
                                on:change=move |ev| subject.set(subject_of(&event_target_value(&ev)))
                            >
                                {subjects}
                            </select>
                        </label>
                        <label class="sheet-field">
                            <span>{move || locale.strings().sheet_key_label}</span>
                            <textarea
                                id="sheet-key"
                                rows="2"
                                placeholder=move || locale.strings().sheet_key_help
                                prop:value=move || key.get()
                                on:input=move |ev| key.set(event_target_value(&ev))
                            ></textarea>
                        </label>
                        <h3>{move || locale.strings().sheet_arguments_heading}</h3>
                        <Show
                            when=move || arguments.with(|l| !l.is_empty())
                            fallback=move || view! { <p class="sheet-help">{locale.strings().sheet_no_arguments}</p> }
                        >
                            <ol id="sheet-arguments" class="sheet-list">
                                <For
                                    each=move || arguments.with(|l| l.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>())
                                    key=|id| id.clone()
                                    children=argument_row
                                />
                            </ol>
                        </Show>
                        <h3>{move || locale.strings().sheet_pairs_heading}</h3>
                        <Show
                            when=move || pairs.with(|l| !l.is_empty())
                            fallback=move || view! { <p class="sheet-help">{locale.strings().sheet_no_pairs}</p> }
                        >
                            <ol id="sheet-pairs" class="sheet-list">
                                <For
                                    each=move || pairs.with(|l| l.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>())
                                    key=|pair| pair.clone()
                                    children=pair_row
                                />
                            </ol>
                        </Show>
                        <Show when=move || { unanswered.get() > 0 }>
                            <p class="sheet-help" id="sheet-unanswered">
                                {move || locale.strings().sheet_unanswered.replace("{n}", &unanswered.get().to_string())}
                            </p>
                        </Show>
                        <p class="sheet-said" role="status">{move || said.get()}</p>
                    </div>
                    <div class="sheet-out">
                        <div class="sheet-actions">
                            <button type="button" id="sheet-print" on:click=print>
                                {move || locale.strings().sheet_print}
                            </button>
                            <button type="button" id="sheet-html" data-format="html" on:click=move |_| save(PaperFormat::Html)>
                                "HTML"
                            </button>
                            <button type="button" id="sheet-md" data-format="md" on:click=move |_| save(PaperFormat::Markdown)>
                                "Markdown"
                            </button>
                            <button type="button" id="sheet-odt" data-format="odt" on:click=move |_| save(PaperFormat::Odt)>
                                "ODT"
                            </button>
                        </div>
                        <p class="export-status" role="status">
                            {move || failed.get().then(|| locale.strings().map_export_failed)}
                        </p>
                        <div
                            id="sheet-preview"
                            class="sheet-preview"
                            role="region"
                            aria-label=move || locale.strings().sheet_preview_label
                            inner_html=move || paper.with(|p| p.as_ref().map(Paper::body_html).unwrap_or_default())
                        ></div>
                    </div>
                </div>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_keep_the_persons_order_and_ticks() {
        let fresh = merge::<&str>(&[], &["a", "b", "c", "d"], true, 3);
        assert_eq!(
            fresh,
            vec![("a", true), ("b", true), ("c", true), ("d", false)]
        );
        let mine = vec![("c", true), ("a", false), ("b", true), ("d", false)];
        // "b" gone, "e" new: the rest as the person left it.
        let now = merge(&mine, &["a", "c", "d", "e"], false, 3);
        assert_eq!(
            now,
            vec![("c", true), ("a", false), ("d", false), ("e", false)]
        );
        let mut list = now;
        assert_eq!(moved(&mut list, 0, true), None);
        assert_eq!(moved(&mut list, 0, false), Some(1));
        assert_eq!(list[1], ("c", true));
        assert_eq!(moved(&mut list, 3, false), None);
    }

    #[test]
    fn subjects_go_through_the_chooser_and_back() {
        for subject in [
            Subject::Claim("1-2".into()),
            Subject::Tag("ville durable".into()),
        ] {
            assert_eq!(subject_of(&subject_value(&subject)), Some(subject));
        }
        assert_eq!(subject_of("x"), None);
        assert_eq!(id_part("1-2\"><b>"), "1-2---b-");
    }
}

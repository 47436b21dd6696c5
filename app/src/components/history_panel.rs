//! The history panel (issue 11): the timeline of checkpoints (newest
//! first: when, who was editing, words added and removed; named versions
//! stand out, damaged ones are said and skipped), a slider with step
//! buttons from the first readable checkpoint to "now", the arrow keys
//! (Shift jumps between named versions), Play, and for the version shown:
//! restore (asking first), export, and naming it; then the way into the
//! comparison of two moments.
//!
//! The panel holds no copy of the history: it reads [`DocHistory`] and
//! says what the text area shows through [`HistoryViewState`] (a
//! checkpoint shown is `HistoryView::At`, "now" is the text itself), so
//! the slider, the list and the moment view always agree. Naming and
//! restoring are offered only with the edit link; the session refuses
//! them for a reader anyway.

use std::time::Duration;

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use model::awareness::{display_name, is_colour};
use model::export::{self, Format};
use model::history::{Checkpoint, CheckpointKind, Moment};
use model::Person;

use crate::file_name::file_name;
use crate::history_view::{use_history_view, HistoryView};
use crate::locale::use_locale;
use crate::panels::{use_panels, Panel};
use crate::platform::{download, page};
use crate::session::{use_doc_history, use_doc_text, use_room_presence};
use crate::strings::Lang;

/// How long Play shows each checkpoint.
const PLAY_STEP: Duration = Duration::from_millis(700);

/// The value of the comparison's choice that means "now".
const NOW: &str = "now";

thread_local! {
    /// One `Intl.DateTimeFormat` per language, made once: a timeline of
    /// a thousand checkpoints formats a thousand times.
    static CLOCK: std::cell::RefCell<Option<(Lang, js_sys::Function)>> =
        const { std::cell::RefCell::new(None) };
}

/// A checkpoint's time in the person's language: the date and the time.
pub(crate) fn when(time: i64, lang: Lang) -> String {
    let format = CLOCK.with(|clock| {
        let mut clock = clock.borrow_mut();
        match clock.as_ref() {
            Some((made_for, format)) if *made_for == lang => format.clone(),
            _ => {
                let options = js_sys::Object::new();
                for (key, value) in [("dateStyle", "medium"), ("timeStyle", "medium")] {
                    let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
                }
                let locales = js_sys::Array::of1(&lang.tag().into());
                let format = js_sys::Intl::DateTimeFormat::new(&locales, &options).format();
                *clock = Some((lang, format.clone()));
                format
            }
        }
    });
    let date = js_sys::Date::new(&(time as f64).into());
    format
        .call1(&leptos::wasm_bindgen::JsValue::UNDEFINED, &date)
        .ok()
        .and_then(|said| said.as_string())
        .unwrap_or_default()
}

/// The people behind yrs clients, one entry per person (the visits of one
/// browser identity merged), in the order first met: their name and
/// colour (`None` when it is not a `#rrggbb`).
pub(crate) fn people_of(
    clients: &[u64],
    people: &[(u64, Person)],
    unnamed: &str,
) -> Vec<(String, Option<String>)> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for client in clients {
        let person = people
            .binary_search_by_key(client, |(id, _)| *id)
            .ok()
            .map(|at| &people[at].1);
        let key = match person {
            Some(Person {
                identity: Some(identity),
                ..
            }) => format!("i:{identity}"),
            _ => format!("c:{client}"),
        };
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let name = display_name(person.map(|p| p.name.as_str()).unwrap_or(""), unnamed);
        let colour = person
            .map(|p| p.colour.clone())
            .filter(|colour| is_colour(colour));
        out.push((name, colour));
    }
    out
}

/// The people as the timeline shows them: a dot of their colour, then
/// their name, separated by commas.
pub(crate) fn people_view(people: Vec<(String, Option<String>)>) -> impl IntoView {
    people
        .into_iter()
        .enumerate()
        .map(|(i, (name, colour))| {
            view! {
                {(i > 0).then_some(", ")}
                <span class="person">
                    <span
                        class="swatch"
                        aria-hidden="true"
                        style:background-color=colour.unwrap_or_default()
                    ></span>
                    {name}
                </span>
            }
        })
        .collect_view()
}

/// A checkpoint in a few words: its time, and its name if it has one.
pub(crate) fn moment_label(checkpoint: &Checkpoint, lang: Lang) -> String {
    let time = when(checkpoint.time, lang);
    match checkpoint.name() {
        Some(name) => format!("{time} · {name}"),
        None => time,
    }
}

/// The stop `by` steps from `at`, on a slider of `len` checkpoints and
/// now (stop `len`): never past either end.
fn stepped(at: usize, len: usize, by: isize) -> usize {
    (at as isize).saturating_add(by).clamp(0, len as isize) as usize
}

/// The next named version from `at` in the direction of `by` (`named`:
/// whether each stop is one); forward past the last one is now (stop
/// `named.len()`), back before the first is nowhere.
fn jumped(named: &[bool], at: usize, by: isize) -> Option<usize> {
    if by > 0 {
        (at + 1..named.len())
            .find(|&i| named[i])
            .or(Some(named.len()))
    } else {
        (0..at.min(named.len())).rev().find(|&i| named[i])
    }
}

/// What the panel last said in its status line.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Said {
    Named(String),
    NameFailed,
    Restored,
    RestoreSame,
}

/// Whether arrow keys belong to the element the event comes from (a text
/// field, a choice), not to stepping through the history.
fn arrows_belong_to_target(ev: &KeyboardEvent) -> bool {
    let Some(element) = ev
        .target()
        .and_then(|target| target.dyn_into::<leptos::web_sys::Element>().ok())
    else {
        return false;
    };
    match element.tag_name().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => element.get_attribute("type").as_deref() != Some("range"),
        _ => false,
    }
}

#[component]
pub fn HistoryPanel() -> impl IntoView {
    let locale = use_locale();
    let panels = use_panels();
    let history = use_doc_history();
    let shown = use_history_view();
    let room = use_room_presence();

    let all = Memo::new(move |_| {
        // Not on every keystroke: only when a checkpoint comes.
        history.versions.track();
        history.checkpoints()
    });
    let people = Memo::new(move |_| {
        room.people_revision.track();
        room.people()
    });
    // The slider's stops: every readable checkpoint, oldest first; one
    // more stop past them is now.
    let stops = Memo::new(move |_| {
        all.with(|all| {
            all.iter()
                .filter(|c| c.damaged.is_none())
                .map(|c| (c.id.clone(), c.name().is_some()))
                .collect::<Vec<_>>()
        })
    });
    let selected = Memo::new(move |_| match shown.0.get() {
        HistoryView::At(id) => Some(id),
        _ => None,
    });
    let position = Memo::new(move |_| {
        let len = stops.with(Vec::len);
        selected
            .with(|id| {
                id.as_ref()
                    .and_then(|id| stops.with(|s| s.iter().position(|(stop, _)| stop == id)))
            })
            .unwrap_or(len)
    });
    let said = RwSignal::new(None::<Said>);
    let confirming = RwSignal::new(false);

    let select = move |id: Option<String>| {
        confirming.set(false);
        shown.0.set(match id {
            Some(id) => HistoryView::At(id),
            None => HistoryView::Text,
        });
    };
    let go_to = move |at: usize| {
        let id = stops.with_untracked(|s| s.get(at).map(|(id, _)| id.clone()));
        select(id);
    };
    let step = move |by: isize| {
        let len = stops.with_untracked(Vec::len);
        go_to(stepped(position.get_untracked(), len, by));
    };
    let jump = move |by: isize| {
        let at = position.get_untracked();
        let target = stops.with_untracked(|s| {
            let named: Vec<bool> = s.iter().map(|(_, named)| *named).collect();
            jumped(&named, at, by)
        });
        if let Some(target) = target {
            go_to(target);
        }
    };

    // Play: one checkpoint after the other, up to now.
    let playing = RwSignal::new(false);
    let timer = StoredValue::new(None::<IntervalHandle>);
    let stop_playing = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
        playing.try_set(false);
    };
    on_cleanup(stop_playing);
    let play = move || {
        if position.get_untracked() >= stops.with_untracked(Vec::len) {
            go_to(0);
        }
        playing.set(true);
        let handle = set_interval_with_handle(
            move || {
                step(1);
                if position.get_untracked() >= stops.with_untracked(Vec::len) {
                    stop_playing();
                }
            },
            PLAY_STEP,
        );
        timer.set_value(handle.ok());
    };

    let on_keydown = move |ev: KeyboardEvent| {
        let by = match ev.key().as_str() {
            "ArrowLeft" => -1,
            "ArrowRight" => 1,
            _ => return,
        };
        if arrows_belong_to_target(&ev) || ev.alt_key() || ev.ctrl_key() || ev.meta_key() {
            return;
        }
        ev.prevent_default();
        stop_playing();
        if ev.shift_key() {
            jump(by);
        } else {
            step(by);
        }
    };

    let label_of = move |id: &str| -> String {
        let lang = locale.lang();
        all.with(|all| {
            all.iter()
                .find(|c| c.id == id)
                .map(|c| moment_label(c, lang))
                .unwrap_or_default()
        })
    };
    let value_text = move || {
        let words = locale.strings();
        let total = stops.with(Vec::len) + 1;
        let at = position.get();
        let moment = match selected.get() {
            Some(id) => label_of(&id),
            None => words.history_now.to_owned(),
        };
        words
            .history_slider_value
            .replace("{n}", &(at + 1).to_string())
            .replace("{total}", &total.to_string())
            .replace("{moment}", &moment)
    };

    let heading = format!("{}-heading", Panel::History.id());
    let rows = move || all.get().into_iter().rev().collect::<Vec<_>>();
    view! {
        <div class="panel-head">
            <h2 id=heading tabindex="-1" data-autofocus>
                {move || locale.strings().history_heading}
            </h2>
            <button type="button" class="panel-close" on:click=move |_| panels.close()>
                {move || locale.strings().panel_close}
            </button>
        </div>
        <div class="history" on:keydown=on_keydown data-position=move || position.get().to_string()>
            <p class="hint">{move || locale.strings().history_intro}</p>
            <div class="history-steps">
                <button
                    type="button"
                    id="history-previous"
                    aria-label=move || locale.strings().history_previous
                    title=move || locale.strings().history_previous
                    aria-disabled=move || (position.get() == 0).to_string()
                    on:click=move |_| {
                        stop_playing();
                        step(-1)
                    }
                >
                    <span aria-hidden="true">"◀"</span>
                </button>
                <input
                    type="range"
                    id="history-slider"
                    min="0"
                    step="1"
                    max=move || stops.with(Vec::len).to_string()
                    prop:value=move || position.get().to_string()
                    aria-label=move || locale.strings().history_slider
                    aria-valuetext=value_text
                    on:input=move |ev| {
                        stop_playing();
                        if let Ok(at) = event_target_value(&ev).parse::<usize>() {
                            go_to(at);
                        }
                    }
                />
                <button
                    type="button"
                    id="history-next"
                    aria-label=move || locale.strings().history_next
                    title=move || locale.strings().history_next
                    aria-disabled=move || (position.get() >= stops.with(Vec::len)).to_string()
                    on:click=move |_| {
                        stop_playing();
                        step(1)
                    }
                >
                    <span aria-hidden="true">"▶"</span>
                </button>
                <button
                    type="button"
                    id="history-play"
                    class="play"
                    data-playing=move || playing.get().to_string()
                    on:click=move |_| {
                        if playing.get_untracked() { stop_playing() } else { play() }
                    }
                >
                    {move || {
                        let words = locale.strings();
                        if playing.get() { words.history_pause } else { words.history_play }
                    }}
                </button>
            </div>
            <p class="hint history-keys">{move || locale.strings().history_keys}</p>
            <p class="history-shown" aria-hidden="true">{value_text}</p>
            <Shown selected confirming said select=Callback::new(select) />
            <p id="history-status" class="history-status" role="status" tabindex="-1">
                {move || {
                    let words = locale.strings();
                    said.get()
                        .map(|said| match said {
                            Said::Named(name) => words.history_named.replace("{name}", &name),
                            Said::NameFailed => words.history_name_failed.to_owned(),
                            Said::Restored => words.history_restored.to_owned(),
                            Said::RestoreSame => words.history_restore_same.to_owned(),
                        })
                }}
            </p>
            <ol class="timeline" aria-label=move || locale.strings().history_list_label>
                <li class="checkpoint now" data-checkpoint=NOW>
                    <button
                        type="button"
                        class="moment"
                        aria-current=move || selected.with(Option::is_none).then_some("true")
                        on:click=move |_| {
                            stop_playing();
                            select(None)
                        }
                    >
                        <span class="when">{move || locale.strings().history_now}</span>
                    </button>
                </li>
                <For each=rows key=|checkpoint| checkpoint.id.clone() let:checkpoint>
                    <Row
                        checkpoint
                        all
                        people
                        selected
                        select=Callback::new(move |id| {
                            stop_playing();
                            select(Some(id))
                        })
                    />
                </For>
            </ol>
            {move || {
                all.with(Vec::is_empty)
                    .then(|| view! { <p class="hint history-empty">{move || locale.strings().history_empty}</p> })
            }}
            {history.can_write.then(|| view! { <NameForm selected said /> })}
            <CompareChoice all selected />
            {(!history.can_write)
                .then(|| view! { <p class="hint history-reader">{move || locale.strings().history_reader}</p> })}
        </div>
    }
}

/// One checkpoint of the timeline: a button showing it, or, damaged, a
/// line saying so.
#[component]
fn Row(
    checkpoint: Checkpoint,
    all: Memo<Vec<Checkpoint>>,
    people: Memo<Vec<(u64, Person)>>,
    selected: Memo<Option<String>>,
    select: Callback<String>,
) -> impl IntoView {
    let locale = use_locale();
    let Checkpoint {
        id,
        kind,
        client,
        time,
        added,
        removed,
        editors,
        damaged,
    } = checkpoint;
    let kind_tag = match &kind {
        CheckpointKind::Auto => "auto",
        CheckpointKind::Named(_) => "named",
        CheckpointKind::Restored { .. } => "restored",
    };
    let time_text = move || when(time, locale.lang());
    if damaged.is_some() {
        return view! {
            <li class="checkpoint damaged" data-checkpoint=id data-kind=kind_tag data-damaged="true">
                <span class="when">{time_text}</span>
                " "
                <span class="damaged-note">{move || locale.strings().history_damaged}</span>
            </li>
        }
        .into_any();
    }
    let name = match &kind {
        CheckpointKind::Named(name) => {
            Some(view! { <strong class="version-name">{name.clone()}</strong> })
        }
        _ => None,
    };
    let restored = match &kind {
        CheckpointKind::Restored { from } => {
            let from = from.clone();
            Some(view! {
                <span class="restored">
                    {move || {
                        let lang = locale.lang();
                        let label = all.with_untracked(|all| {
                            all.iter().find(|c| c.id == from).map(|c| moment_label(c, lang))
                        });
                        locale
                            .strings()
                            .history_restored_from
                            .replace("{from}", &label.unwrap_or_else(|| from.clone()))
                    }}
                </span>
            })
        }
        _ => None,
    };
    let who = move || {
        let clients = if editors.is_empty() {
            vec![client]
        } else {
            editors.clone()
        };
        let unnamed = locale.strings().presence_unnamed;
        people.with(|people| people_view(people_of(&clients, people, unnamed)))
    };
    let words = move || {
        locale
            .strings()
            .history_words
            .replace("{added}", &added.to_string())
            .replace("{removed}", &removed.to_string())
    };
    let is_named = name.is_some();
    let this = id.clone();
    let is_selected = move || selected.with(|s| s.as_deref() == Some(this.as_str()));
    let chosen = id.clone();
    view! {
        <li
            class="checkpoint"
            class:named=is_named
            data-checkpoint=id
            data-kind=kind_tag
            data-added=added.to_string()
            data-removed=removed.to_string()
        >
            <button
                type="button"
                class="moment"
                aria-current=move || is_selected().then_some("true")
                on:click=move |_| select.run(chosen.clone())
            >
                <span class="when">{time_text}</span>
                {name}
                {restored}
                <span class="who">{move || locale.strings().history_by} " " {who}</span>
                <span class="words">
                    <span aria-hidden="true">
                        <span class="added">{format!("+{added}")}</span>
                        " "
                        <span class="removed">{format!("\u{2212}{removed}")}</span>
                    </span>
                    <span class="visually-hidden">{words}</span>
                </span>
            </button>
        </li>
    }
    .into_any()
}

/// What can be done with the checkpoint shown: restore it (asking
/// first; edit link only), save it as a file or print it.
#[component]
fn Shown(
    selected: Memo<Option<String>>,
    confirming: RwSignal<bool>,
    said: RwSignal<Option<Said>>,
    select: Callback<Option<String>>,
) -> impl IntoView {
    let locale = use_locale();
    let history = use_doc_history();
    let text = use_doc_text();
    let restore = move |_| {
        let Some(id) = selected.get_untracked() else {
            return;
        };
        let changed = history.restore(&id);
        said.set(Some(if changed {
            Said::Restored
        } else {
            Said::RestoreSame
        }));
        // The text as restored, where Ctrl+Z undoes it.
        select.run(None);
        request_animation_frame(|| page::focus_id("history-status"));
    };
    let save = move |format: Format| {
        let Some(id) = selected.get_untracked() else {
            return;
        };
        let Ok(at) = history.text_at(&Moment::Checkpoint(id)) else {
            return;
        };
        let words = locale.strings();
        let title = text.title.get_untracked();
        let contents = export::render(format, &title, &at.text, locale.lang().tag());
        let name = file_name(&title, words.untitled_file, format.extension());
        let _ = download::save(&name, format.media_type(), &contents);
    };
    let restore_part = move || {
        if !history.can_write {
            return None;
        }
        let words = locale.strings();
        Some(if confirming.get() {
            view! {
                <div id="history-restore-confirm" class="history-confirm" role="group" aria-labelledby="history-restore-question">
                    <p id="history-restore-question">{words.history_restore_question}</p>
                    <button type="button" id="history-restore-yes" class="danger" on:click=restore>
                        {words.history_restore_yes}
                    </button>
                    <button
                        type="button"
                        id="history-restore-no"
                        on:click=move |_| {
                            confirming.set(false);
                            request_animation_frame(|| page::focus_id("history-restore"));
                        }
                    >
                        {words.history_restore_no}
                    </button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <button
                    type="button"
                    id="history-restore"
                    on:click=move |_| {
                        confirming.set(true);
                        request_animation_frame(|| page::focus_id("history-restore-no"));
                    }
                >
                    {words.history_restore}
                </button>
            }
            .into_any()
        })
    };
    move || {
        selected.with(Option::is_some).then(|| {
            let words = locale.strings();
            view! {
                <div class="history-actions">
                    {restore_part}
                    <div class="history-export" role="group" aria-labelledby="history-export-heading">
                        <h3 id="history-export-heading">{words.history_export_heading}</h3>
                        <button type="button" id="history-export-md" data-format="md" on:click=move |_| save(Format::Markdown)>
                            {words.export_markdown}
                        </button>
                        <button type="button" id="history-export-html" data-format="html" on:click=move |_| save(Format::Html)>
                            {words.export_html}
                        </button>
                        <button
                            type="button"
                            id="history-export-print"
                            data-format="print"
                            on:click=move |_| set_timeout(page::print, Duration::ZERO)
                        >
                            {words.export_print}
                        </button>
                    </div>
                </div>
            }
        })
    }
}

/// "Name this version": the checkpoint shown, or the text as it is.
#[component]
fn NameForm(selected: Memo<Option<String>>, said: RwSignal<Option<Said>>) -> impl IntoView {
    let locale = use_locale();
    let history = use_doc_history();
    let name = RwSignal::new(String::new());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let given = name.get_untracked().trim().to_owned();
        if given.is_empty() {
            return;
        }
        let at = selected.get_untracked();
        if history.name_version(&given, at.as_deref()) {
            said.set(Some(Said::Named(given)));
            name.set(String::new());
        } else {
            said.set(Some(Said::NameFailed));
        }
    };
    view! {
        <form id="history-name-form" class="history-name" on:submit=on_submit>
            <h3>
                <label for="history-name">{move || locale.strings().history_name_label}</label>
            </h3>
            <div class="history-name-row">
                <input
                    type="text"
                    id="history-name"
                    maxlength="120"
                    autocomplete="off"
                    aria-describedby="history-name-hint"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <button type="submit">{move || locale.strings().history_name_save}</button>
            </div>
            <p id="history-name-hint" class="hint">{move || locale.strings().history_name_hint}</p>
        </form>
    }
}

/// Two moments to compare: from the checkpoint shown (else the latest)
/// to now, unless chosen otherwise. The earlier of the two goes first.
#[component]
fn CompareChoice(all: Memo<Vec<Checkpoint>>, selected: Memo<Option<String>>) -> impl IntoView {
    let locale = use_locale();
    let shown = use_history_view();
    let from = RwSignal::new(None::<String>);
    let to = RwSignal::new(None::<String>);
    let readable = Memo::new(move |_| {
        all.with(|all| {
            all.iter()
                .filter(|c| c.damaged.is_none())
                .map(|c| (c.id.clone(), c.time, c.name().map(str::to_owned)))
                .collect::<Vec<_>>()
        })
    });
    let from_value = move || {
        from.get()
            .or_else(|| selected.get())
            .or_else(|| readable.with(|r| r.last().map(|(id, _, _)| id.clone())))
            .unwrap_or_else(|| NOW.to_owned())
    };
    let to_value = move || to.get().unwrap_or_else(|| NOW.to_owned());
    let options = move |chosen: String| {
        let lang = locale.lang();
        let now = locale.strings().history_now;
        let mut list: Vec<_> = readable.with(|r| {
            r.iter()
                .rev()
                .map(|(id, time, name)| {
                    let label = match name {
                        Some(name) => format!("{} · {name}", when(*time, lang)),
                        None => when(*time, lang),
                    };
                    (id.clone(), label)
                })
                .collect()
        });
        list.insert(0, (NOW.to_owned(), now.to_owned()));
        list.into_iter()
            .map(|(id, label)| {
                let is = id == chosen;
                view! { <option value=id selected=is>{label}</option> }
            })
            .collect_view()
    };
    let moment = |value: String| {
        if value == NOW {
            Moment::Now
        } else {
            Moment::Checkpoint(value)
        }
    };
    let compare = move |_| {
        let (a, b) = (from_value(), to_value());
        if a == b {
            return;
        }
        // The earlier first: now is the latest; checkpoints by their order.
        let order = |value: &str| {
            readable.with_untracked(|r| {
                r.iter()
                    .position(|(id, _, _)| id == value)
                    .unwrap_or(r.len())
            })
        };
        let (a, b) = if order(&a) <= order(&b) {
            (a, b)
        } else {
            (b, a)
        };
        shown.0.set(HistoryView::Compare {
            from: moment(a),
            to: moment(b),
        });
    };
    view! {
        <fieldset class="history-compare">
            <legend>{move || locale.strings().history_compare_heading}</legend>
            <label for="history-compare-from">{move || locale.strings().history_compare_from}</label>
            <select
                id="history-compare-from"
                prop:value=from_value
                on:change=move |ev| from.set(Some(event_target_value(&ev)))
            >
                {move || options(from_value())}
            </select>
            <label for="history-compare-to">{move || locale.strings().history_compare_to}</label>
            <select
                id="history-compare-to"
                prop:value=to_value
                on:change=move |ev| to.set(Some(event_target_value(&ev)))
            >
                {move || options(to_value())}
            </select>
            <button type="button" id="history-compare" on:click=compare>
                {move || locale.strings().history_compare}
            </button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_stop_at_the_first_checkpoint_and_at_now() {
        assert_eq!(stepped(0, 4, -1), 0);
        assert_eq!(stepped(2, 4, -1), 1);
        assert_eq!(stepped(3, 4, 1), 4);
        assert_eq!(stepped(4, 4, 1), 4);
        assert_eq!(stepped(0, 0, 1), 0);
    }

    #[test]
    fn shift_jumps_between_named_versions_and_forward_to_now() {
        let named = [false, true, false, false, true, false];
        assert_eq!(
            jumped(&named, 6, -1),
            Some(4),
            "from now back to the last named"
        );
        assert_eq!(jumped(&named, 4, -1), Some(1));
        assert_eq!(jumped(&named, 1, -1), None, "none before the first");
        assert_eq!(jumped(&named, 0, 1), Some(1));
        assert_eq!(jumped(&named, 1, 1), Some(4));
        assert_eq!(jumped(&named, 4, 1), Some(6), "after the last named: now");
        assert_eq!(jumped(&named, 6, 1), Some(6));
        assert_eq!(jumped(&[], 0, -1), None);
    }

    #[test]
    fn the_visits_of_one_person_are_one_entry() {
        let person = |name: &str, colour: &str, identity: Option<&str>| Person {
            name: name.to_owned(),
            colour: colour.to_owned(),
            identity: identity.map(str::to_owned),
        };
        let people = vec![
            (1, person("Louise", "#3344cc", Some("l"))),
            (2, person("Jean", "#dd2233", Some("j"))),
            (3, person("Louise", "#3344cc", Some("l"))),
            (4, person(" ", "red; x", None)),
        ];
        let shown = people_of(&[3, 1, 2, 4, 9], &people, "Anonyme");
        assert_eq!(
            shown,
            vec![
                ("Louise".to_owned(), Some("#3344cc".to_owned())),
                ("Jean".to_owned(), Some("#dd2233".to_owned())),
                ("Anonyme".to_owned(), None),
                ("Anonyme".to_owned(), None),
            ]
        );
    }
}

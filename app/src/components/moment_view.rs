//! The text at one checkpoint (issue 11), read-only, in place of the
//! editor: a caption (when, the version's name, who made it), then the
//! text with each person's words on their colour, as the "who wrote
//! what" layer draws them ([`crate::backdrop::authorship`]: one block per
//! paragraph, escaped HTML, a few hundred spans for a long text). It is
//! drawn in one `innerHTML` per moment, so stepping through the history
//! costs one layout of the text. `data-ms` says how long the last drawing
//! took (reading the moment, colouring, HTML and DOM), for measuring.

use leptos::html::Div;
use leptos::prelude::*;
use model::authorship::colours;
use model::history::{Checkpoint, Moment};

use crate::backdrop::{authorship, blocks};
use crate::components::history_panel::{people_of, people_view, when};
use crate::locale::use_locale;
use crate::session::{use_doc_history, use_room_presence};

fn now() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or_default()
}

/// `ms` to a tenth, without pulling float formatting into the wasm.
fn tenths(ms: f64) -> String {
    let tenths = (ms.max(0.0) * 10.0).round() as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[component]
pub fn MomentView(#[prop(into)] id: Signal<String>) -> impl IntoView {
    let locale = use_locale();
    let history = use_doc_history();
    let room = use_room_presence();
    let text_ref = NodeRef::<Div>::new();
    let ms = RwSignal::new(String::new());
    let failed = RwSignal::new(false);

    // A checkpoint never changes once written: the history is read again
    // only while the one asked for is not there (not arrived yet).
    let checkpoint = Memo::new(move |_| {
        let found: Option<Checkpoint> =
            id.with(|id| history.checkpoints().into_iter().find(|c| c.id == *id));
        if found.is_none() {
            history.revision.track();
        }
        found
    });

    // Draw the text: an effect, since it writes the DOM directly.
    Effect::new(move |_| {
        let Some(layer) = text_ref.get() else {
            return;
        };
        room.people_revision.track();
        let start = now();
        let read = id.with(|id| history.text_at(&Moment::Checkpoint(id.clone())));
        match read {
            Ok(at) => {
                let people = room.people();
                let runs = colours(&at.runs, &people);
                let runs: Vec<(u32, Option<&str>)> = runs
                    .iter()
                    .map(|(len, colour)| (*len, colour.as_deref()))
                    .collect();
                layer.set_inner_html(&blocks(&authorship(&at.text, &runs)));
                failed.set(false);
            }
            Err(error) => {
                leptos::logging::warn!("moment not shown: {error}");
                layer.set_inner_html("");
                failed.set(true);
                // It may arrive with the next update.
                history.revision.track();
            }
        }
        ms.set(tenths(now() - start));
    });

    let caption = move || {
        let words = locale.strings();
        checkpoint.get().map(|c| {
            let time = words
                .moment_caption
                .replace("{time}", &when(c.time, locale.lang()));
            let name = c.name().map(
                |name| view! { " · " <strong class="version-name">{name.to_owned()}</strong> },
            );
            let who = room.people_revision.with(|_| {
                people_view(people_of(
                    &[c.client],
                    &room.people(),
                    words.presence_unnamed,
                ))
            });
            view! {
                <span class="when">{time}</span>
                {name}
                " · "
                <span class="who">{words.history_by} " " {who}</span>
            }
        })
    };

    view! {
        <div class="moment-view" data-checkpoint=id data-ms=move || ms.get()>
            <p class="moment-caption">{caption}</p>
            <p class="moment-error" role="alert">
                {move || failed.get().then(|| locale.strings().moment_unreadable)}
            </p>
            <div
                class="moment-text"
                role="region"
                tabindex="0"
                aria-label=move || locale.strings().moment_label
                node_ref=text_ref
            ></div>
        </div>
    }
}

//! "See what changed since your last visit" (issue 11): a strip under the
//! bar, offered once per visit when this browser kept what it saw at its
//! previous one ([`crate::session::DocHistory::last_seen`]) and, once the
//! page is caught up with the relay, the text has changes since then by
//! someone other than this person (their visits merged by identity, as
//! the comparison's summary does; a removal whose author is not known
//! counts as someone else's). It opens the History panel and compares
//! that moment with now; it can be waved away.
//!
//! Looked at once: when the page is first online with what it saw before.
//! Co-authors typing while the person is here are not "since the last
//! visit".

use leptos::prelude::*;
use model::history::Moment;

use crate::comparison::Authors;
use crate::history_view::{use_history_view, HistoryView};
use crate::locale::use_locale;
use crate::panels::{use_panels, Panel};
use crate::platform::page;
use crate::presence::use_presence;
use crate::session::{use_doc_history, use_room_presence, use_status};
use crate::status::Connection;

#[component]
pub fn SinceLastVisit() -> impl IntoView {
    let locale = use_locale();
    let history = use_doc_history();
    let status = use_status();
    let presence = use_presence();
    let room = use_room_presence();
    let view_state = use_history_view();
    let panels = use_panels();
    let dismissed = RwSignal::new(false);

    // `Some(seen)` once looked at and someone else changed the text;
    // decided once, then it reads nothing more.
    let offer: Memo<Option<Option<Vec<u8>>>> =
        Memo::new(move |before: Option<&Option<Option<Vec<u8>>>>| {
            if let Some(Some(decided)) = before {
                return Some(decided.clone());
            }
            if status.connection.get() != Connection::Online {
                return None;
            }
            let seen = history.last_seen.get();
            let Some(seen) = seen else {
                return Some(None);
            };
            let identity = presence.person().identity.unwrap_or_default();
            let authors = Authors::new(&room.people());
            let by_others = match history.compare(&Moment::Seen(seen.clone()), &Moment::Now) {
                Ok(comparison) => comparison
                    .tallies
                    .iter()
                    .any(|tally| !authors.is(tally.who, &identity)),
                Err(error) => {
                    leptos::logging::warn!(
                        "what was seen at the last visit is unreadable: {error}"
                    );
                    false
                }
            };
            Some(by_others.then_some(seen))
        });
    let shown = move || (!dismissed.get()).then(|| offer.get().flatten()).flatten();

    move || {
        shown().map(|seen| {
            let open = move |_| {
                dismissed.set(true);
                panels.show(Panel::History);
                view_state.0.set(HistoryView::Compare {
                    from: Moment::Seen(seen.clone()),
                    to: Moment::Now,
                });
                // After the panel's heading took focus: the comparison's.
                request_animation_frame(|| {
                    request_animation_frame(|| page::focus_id("compare-heading"))
                });
            };
            view! {
                <div id="since-last-visit" class="since-last-visit" role="region"
                    aria-label=move || locale.strings().since_visit_open>
                    <p>{move || locale.strings().since_visit_text}</p>
                    <button type="button" id="since-last-visit-open" class="primary" on:click=open>
                        {move || locale.strings().since_visit_open}
                    </button>
                    <button
                        type="button"
                        id="since-last-visit-dismiss"
                        on:click=move |_| {
                            dismissed.set(true);
                            request_animation_frame(crate::components::shortcuts::focus_text);
                        }
                    >
                        {move || locale.strings().since_visit_dismiss}
                    </button>
                </div>
            }
        })
    }
}

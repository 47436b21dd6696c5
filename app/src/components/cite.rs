//! Arguments inside texts (issue 14): the "Insérer un argument" panel —
//! a search over the argument maps this browser knows, whose claims go in
//! at the caret as quotes — and the list of the arguments the text quotes,
//! each saying whether its map still words it so, with "Mettre à jour la
//! citation" when it does not. A strip above the text says when a quoted
//! claim was reworded; nothing is updated without the person asking.
//!
//! [`ClaimPicker`] is shared with the amendment form (a rationale cites a
//! claim the same way, as words).

use leptos::prelude::*;
use model::arguments::cite::Standing;

use crate::locale::use_locale;
use crate::panels::{use_panels, Panel};
use crate::session::citations::{known_maps, search, KnownMap, Offer};
use crate::session::{use_doc_amendments, use_doc_citations};

/// A search over the maps this browser knows; `on_pick` gets the claim
/// chosen. Reads the maps when it is first shown.
#[component]
pub fn ClaimPicker(#[prop(into)] on_pick: Callback<Offer>, id: &'static str) -> impl IntoView {
    let locale = use_locale();
    let maps: RwSignal<Option<Vec<KnownMap>>, LocalStorage> = RwSignal::new_local(None);
    leptos::task::spawn_local(async move {
        let known = known_maps().await;
        maps.try_set(Some(known));
    });
    let query = RwSignal::new(String::new());
    let input_id = format!("{id}-search");
    let results = move || {
        maps.with(|maps| {
            let Some(maps) = maps else {
                return view! { <p class="hint" role="status">{locale.strings().cite_loading}</p> }
                    .into_any();
            };
            if maps.is_empty() {
                return view! { <p class="hint cite-no-maps">{locale.strings().cite_no_maps}</p> }
                    .into_any();
            }
            let offers = search(maps, &query.get());
            if offers.is_empty() {
                return view! { <p class="hint" role="status">{locale.strings().cite_no_match}</p> }
                    .into_any();
            }
            let items = offers
                .into_iter()
                .map(|offer| {
                    let title = Some(offer.quote.map_title.clone())
                        .filter(|t| !t.trim().is_empty())
                        .unwrap_or_else(|| locale.strings().title_placeholder.to_owned());
                    let wording = offer.quote.wording.clone();
                    let claim = offer.quote.claim.clone();
                    let pick = offer.clone();
                    view! {
                        <li class="cite-offer" data-claim=claim>
                            <span class="cite-wording">{wording}</span>
                            <span class="cite-map">{title}</span>
                            <button type="button" class="cite-insert" on:click=move |_| on_pick.run(pick.clone())>
                                {locale.strings().cite_insert}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="cite-offers">{items}</ul> }.into_any()
        })
    };
    view! {
        <div class="claim-picker" id=id>
            <label for=input_id.clone()>{move || locale.strings().cite_search_label}</label>
            <input
                id=input_id
                type="search"
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            {results}
        </div>
    }
}

/// The panel: insert an argument, then the arguments quoted.
#[component]
pub fn CitationsPanel() -> impl IntoView {
    let locale = use_locale();
    let panels = use_panels();
    let citations = use_doc_citations();
    let amendments = use_doc_amendments();
    let said = RwSignal::new(None::<&'static str>);
    let pick = Callback::new(move |offer: Offer| {
        let at = amendments.selection().map(|(_, end)| end);
        let words = locale.strings();
        match citations.insert(&offer.quote, at, &amendments.name()) {
            Ok(()) => said.set(Some(words.cite_inserted)),
            Err(_) => said.set(Some(words.cite_read_only)),
        }
    });
    let heading = format!("{}-heading", Panel::Citations.id());
    let rows = move || {
        let list = citations.list();
        if list.is_empty() {
            return view! { <p class="hint" id="citations-empty">{locale.strings().citations_empty}</p> }
                .into_any();
        }
        let items = list
            .into_iter()
            .map(|cited| {
                let words = locale.strings();
                let id = cited.citation.id.clone();
                let state = match &cited.standing {
                    None => "unknown",
                    Some(Standing::Current) => "current",
                    Some(Standing::Changed(_)) => "changed",
                    Some(Standing::Gone) => "gone",
                };
                let detail = match cited.standing.clone() {
                    None => view! { <p class="citation-state">{words.citation_unknown}</p> }.into_any(),
                    Some(Standing::Current) => {
                        view! { <p class="citation-state">{words.citation_current}</p> }.into_any()
                    }
                    Some(Standing::Gone) => {
                        view! { <p class="citation-state">{words.citation_gone}</p> }.into_any()
                    }
                    Some(Standing::Changed(now)) => {
                        let update_id = id.clone();
                        let wording = now.clone();
                        let update = move |_| {
                            let words = locale.strings();
                            match citations.update(&update_id, &wording, &amendments.name()) {
                                Ok(()) => said.set(Some(words.citation_updated)),
                                Err(_) => said.set(Some(words.citation_gone)),
                            }
                        };
                        let can = citations.can_cite() && cited.citation.range.is_some();
                        view! {
                            <p class="citation-state">{words.citation_changed}</p>
                            <blockquote class="citation-new">{now}</blockquote>
                            <Show when=move || can>
                                <button type="button" class="citation-update" on:click=update.clone()>
                                    {move || locale.strings().citation_update}
                                </button>
                            </Show>
                        }
                        .into_any()
                    }
                };
                let href = format!("#{}", cited.citation.map);
                view! {
                    <li class="citation" data-citation=id data-state=state>
                        <blockquote class="citation-quoted">{cited.citation.wording.clone()}</blockquote>
                        <p class="citation-map">
                            {Some(cited.citation.map_title.clone())
                                .filter(|t| !t.trim().is_empty())
                                .unwrap_or_else(|| words.title_placeholder.to_owned())}
                            " · "
                            <a href=href>{words.citation_open_map}</a>
                        </p>
                        {detail}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="citations-list">{items}</ul> }.into_any()
    };
    view! {
        <div class="panel-head">
            <h2 id=heading tabindex="-1" data-autofocus>
                {move || locale.strings().cite_heading}
            </h2>
            <button type="button" class="panel-close" on:click=move |_| panels.close()>
                {move || locale.strings().panel_close}
            </button>
        </div>
        <div class="citations">
            <p class="notice" role="status" id="cite-said">{move || said.get()}</p>
            <Show
                when=move || citations.can_cite()
                fallback=move || view! { <p class="hint">{locale.strings().cite_read_only}</p> }
            >
                <p class="hint">{move || locale.strings().cite_view_link_note}</p>
                <ClaimPicker on_pick=pick id="cite-picker" />
            </Show>
            <h3>{move || locale.strings().citations_heading}</h3>
            {rows}
        </div>
    }
}

/// Above the text: a quoted claim was reworded in its map.
#[component]
pub fn CitationsNotice() -> impl IntoView {
    let locale = use_locale();
    let panels = use_panels();
    let citations = use_doc_citations();
    let changed = Memo::new(move |_| citations.changed());
    move || {
        (changed.get() > 0 && !panels.is_open(Panel::Citations)).then(|| {
            view! {
                <p class="notice citations-notice" id="citations-notice" role="status">
                    <span class="citations-notice-text">{move || locale.strings().citation_changed}</span>
                    " "
                    <button type="button" on:click=move |_| panels.show(Panel::Citations)>
                        {move || locale.strings().citations_button}
                    </button>
                </p>
            }
        })
    }
}

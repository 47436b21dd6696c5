//! The argument map's page body (issue 14, helper map): the tree and the
//! focused claim. A first version: the claims as a nested list, and a
//! field to add a question at the top.

use leptos::prelude::*;
use model::arguments::ClaimEdit;

use crate::session::use_doc_arguments;

#[component]
pub fn ArgumentMap() -> impl IntoView {
    let arguments = use_doc_arguments();
    let rows = move || {
        let map = arguments.map();
        map.walk()
            .into_iter()
            .filter_map(|(id, depth)| {
                let claim = map.claim(id)?;
                Some(view! {
                    <li data-claim=id.to_owned() data-depth=depth.to_string() data-role=map.role(id).name()>
                        {claim.text.clone()}
                    </li>
                })
            })
            .collect_view()
    };
    let draft = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let edit = ClaimEdit {
            text: Some(draft.get_untracked()),
            ..ClaimEdit::default()
        };
        if arguments.add(None, None, &edit).is_ok() {
            draft.set(String::new());
        }
    };
    view! {
        <div class="argument-map" id="argument-map">
            <ul class="claims">{rows}</ul>
            <Show when=move || arguments.can_edit()>
                <form class="add-question" on:submit=add>
                    <input
                        id="new-question"
                        type="text"
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                    />
                    <button type="submit">"+"</button>
                </form>
            </Show>
        </div>
    }
}

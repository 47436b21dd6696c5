//! What a small pop-up menu (the export menu) needs from the page: to
//! hear a press anywhere outside it, and to tell whether focus moved out
//! of it, so it closes as a person expects whether they use a mouse, a
//! finger or the keyboard.

use gloo_events::EventListener;
use leptos::prelude::document;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Event, FocusEvent, Node};

/// Whether `node` is the element with id `id` or inside it.
fn within(id: &str, node: Option<&Node>) -> bool {
    let Some(container) = document().get_element_by_id(id) else {
        return false;
    };
    node.is_some_and(|node| container.contains(Some(node)))
}

/// Call `on_outside` on every press (mouse, pen or touch) on the page
/// outside the element with id `id`, until the listener is dropped.
pub fn on_press_outside(id: &'static str, on_outside: impl Fn() + 'static) -> EventListener {
    EventListener::new(&document(), "pointerdown", move |event: &Event| {
        let target = event
            .target()
            .and_then(|target| target.dyn_into::<Node>().ok());
        if !within(id, target.as_ref()) {
            on_outside();
        }
    })
}

/// The id of the element that has focus (empty if none, or it has none).
pub fn focused_id() -> String {
    document()
        .active_element()
        .map(|element| element.id())
        .unwrap_or_default()
}

/// Whether this `focusout` moves focus to an element outside the element
/// with id `id`. Focus going nowhere (a click on a button in a browser
/// that does not focus buttons, such as Safari) is not leaving.
pub fn focus_left(id: &str, event: &FocusEvent) -> bool {
    match event.related_target() {
        Some(target) => !within(id, target.dyn_ref::<Node>()),
        None => false,
    }
}

//! One tab per document: a Web Lock (`navigator.locks`) named after the
//! room, held by the tab that has the document open.
//!
//! Every tab keeps its own Yrs document and saves it, whole, under the same
//! IndexedDB key; two tabs of one document would overwrite each other's
//! saved copy, and with the network gone the edits of the tab that saved
//! first (still waiting to be sent) would be lost once both are closed. So
//! a second tab asks for the lock without waiting ([`Mode::IfAvailable`]):
//! when another tab holds it, the page says so and offers to move the
//! document here.
//!
//! Moving is a hand-over, so that nothing typed in the first tab is lost:
//! the new tab asks on a `BroadcastChannel` ([`ask_to_hand_over`]) and
//! queues for the lock ([`Mode::Wait`]); the holder, listening
//! ([`HandOver`]), saves its copy, then releases the lock. IndexedDB runs
//! a read after a write created before it, so the new tab loads what the
//! old one saved last. A holder that does not answer (a frozen tab) has
//! the lock taken from it after [`HAND_OVER_TIMEOUT`] ([`Mode::Steal`]) and
//! is told so when it wakes.
//!
//! Where the browser has no Web Locks (an old browser, or a page served
//! over plain http from another machine: locks need a secure context), the
//! document opens as before, unguarded ([`Claim::Unsupported`]).
//!
//! Hand-written JavaScript interop through `js_sys`: gloo has no Web Locks
//! crate, and web-sys marks its bindings unstable. The channel's listener
//! is `gloo-events`'. It only runs in a browser.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use gloo_events::EventListener;
use js_sys::{Function, Object, Promise, Reflect};
use leptos::prelude::window;
use leptos::wasm_bindgen::closure::Closure;
use leptos::wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, BroadcastChannel, MessageEvent};

/// How long a tab waits for the holder to hand the document over before
/// taking it.
pub const HAND_OVER_TIMEOUT: Duration = Duration::from_secs(3);

/// The message a tab sends to ask for the document.
const TAKE: &str = "take";

/// The lock's (and the channel's) name for a room.
pub fn lock_name(room: &str) -> String {
    format!("cahier/doc/{room}")
}

/// How to ask for the lock.
pub enum Mode {
    /// Only if no other tab holds it.
    IfAvailable,
    /// Queue behind the holder, until it releases the lock or `abort` is
    /// aborted.
    Wait(AbortController),
    /// Take it from whichever tab holds it.
    Steal,
}

/// The outcome of [`claim`].
pub enum Claim {
    /// This tab has the document; it keeps it while the [`TabLock`] lives.
    Held(TabLock),
    /// Another tab of this browser has it (or, waiting, was aborted).
    Busy,
    /// No Web Locks here: nothing guards against a second tab.
    Unsupported,
}

/// The lock this tab holds. Dropping it releases the lock.
pub struct TabLock {
    release: Function,
    // The callbacks live as long as the lock request does.
    _granted: Closure<dyn FnMut(JsValue) -> Promise>,
    _settled: Closure<dyn FnMut(JsValue)>,
}

impl Drop for TabLock {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::UNDEFINED);
    }
}

/// Said to the holder whose lock another tab took without a hand-over.
pub struct Lost;

/// A one-shot answer: a promise, and the function that settles it.
fn answer() -> (Promise, Rc<RefCell<Option<Function>>>) {
    let resolve: Rc<RefCell<Option<Function>>> = Rc::default();
    let promise = Promise::new(&mut |ok, _| *resolve.borrow_mut() = Some(ok));
    (promise, resolve)
}

fn settle(resolve: &Rc<RefCell<Option<Function>>>, value: bool) {
    if let Some(resolve) = resolve.borrow_mut().take() {
        let _ = resolve.call1(&JsValue::UNDEFINED, &JsValue::from_bool(value));
    }
}

/// Ask for the document's lock in `mode`. `on_lost` runs if another tab
/// later steals it from this one.
pub async fn claim(room: &str, mode: Mode, on_lost: impl FnOnce(Lost) + 'static) -> Claim {
    let Some((locks, request)) = lock_manager() else {
        return Claim::Unsupported;
    };
    let options = Object::new();
    let set = |key: &str, value: &JsValue| Reflect::set(&options, &key.into(), value).is_ok();
    let ok = match &mode {
        Mode::IfAvailable => set("ifAvailable", &JsValue::TRUE),
        Mode::Wait(abort) => set("signal", abort.signal().as_ref()),
        Mode::Steal => set("steal", &JsValue::TRUE),
    };
    if !ok {
        return Claim::Unsupported;
    }

    // `request` calls `granted` with the lock (null when it is busy); the
    // lock is held until the promise `granted` returns settles, which
    // `release` does.
    let (answered, answer_with) = answer();
    let release: Rc<RefCell<Option<Function>>> = Rc::default();
    let granted = {
        let release = release.clone();
        let answer_with = answer_with.clone();
        Closure::<dyn FnMut(JsValue) -> Promise>::new(move |lock: JsValue| {
            let held = !lock.is_null() && !lock.is_undefined();
            settle(&answer_with, held);
            if !held {
                return Promise::resolve(&JsValue::UNDEFINED);
            }
            Promise::new(&mut |resolve, _| *release.borrow_mut() = Some(resolve))
        })
    };
    // The request's promise rejects (AbortError) when a waiting request is
    // aborted before it is granted, or when another tab steals the lock
    // after; it resolves when we release the lock ourselves.
    let mut on_lost = Some(on_lost);
    let settled = {
        let answer_with = answer_with.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_error: JsValue| {
            if answer_with.borrow().is_some() {
                settle(&answer_with, false);
            } else if let Some(on_lost) = on_lost.take() {
                on_lost(Lost);
            }
        })
    };
    let requested = request
        .call3(&locks, &lock_name(room).into(), &options, granted.as_ref())
        .ok()
        .and_then(|promise| promise.dyn_into::<Promise>().ok());
    let Some(requested) = requested else {
        return Claim::Unsupported;
    };
    let _ = requested.catch(&settled);

    let held = matches!(JsFuture::from(answered).await, Ok(value) if value.as_bool() == Some(true));
    let release = release.borrow_mut().take();
    match (held, release) {
        (true, Some(release)) => Claim::Held(TabLock {
            release,
            _granted: granted,
            _settled: settled,
        }),
        _ => Claim::Busy,
    }
}

/// Ask the tab that has the document to hand it over (see the module docs).
pub fn ask_to_hand_over(room: &str) {
    if let Ok(channel) = BroadcastChannel::new(&lock_name(room)) {
        let _ = channel.post_message(&TAKE.into());
        channel.close();
    }
}

/// The holder's ear: calls `on_ask` when another tab asks for the
/// document. Stops listening when dropped.
pub struct HandOver {
    channel: BroadcastChannel,
    _on_message: EventListener,
}

impl HandOver {
    pub fn listen(room: &str, on_ask: impl Fn() + 'static) -> Option<Self> {
        let channel = BroadcastChannel::new(&lock_name(room)).ok()?;
        let on_message = EventListener::new(&channel, "message", move |event| {
            let data = event.unchecked_ref::<MessageEvent>().data();
            if data.as_string().as_deref() == Some(TAKE) {
                on_ask();
            }
        });
        Some(HandOver {
            channel,
            _on_message: on_message,
        })
    }
}

impl Drop for HandOver {
    fn drop(&mut self) {
        self.channel.close();
    }
}

/// `navigator.locks` and its `request` method, where the browser has them.
fn lock_manager() -> Option<(JsValue, Function)> {
    let locks = Reflect::get(&window().navigator(), &"locks".into()).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    Some((locks, request))
}

//! Yielding to the browser and being called back right after: a message
//! to ourselves on a `MessageChannel`.
//!
//! Hand-written rather than a zero-delay `gloo-timers` timeout: browsers
//! clamp nested timeouts to 4 ms, which a long history (thousands of
//! yields) would pay each time. (The port's `onmessage` starts it; a
//! `gloo-events` listener would need an explicit `start()`.)

use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{MessageChannel, MessageEvent};

/// A way to yield; see the module docs. Stops calling back when dropped.
pub struct Yielder {
    channel: MessageChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Yielder {
    /// `callback` runs after each [`Yielder::post`], once the browser has
    /// had its turn (input, rendering). `None` where the browser has no
    /// `MessageChannel`.
    pub fn new(mut callback: impl FnMut() + 'static) -> Option<Self> {
        let channel = MessageChannel::new().ok()?;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |_| callback());
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Yielder {
            channel,
            _on_message: on_message,
        })
    }

    /// Ask to be called back once the browser has had its turn.
    pub fn post(&self) -> bool {
        self.channel.port2().post_message(&JsValue::NULL).is_ok()
    }
}

impl Drop for Yielder {
    fn drop(&mut self) {
        // No more callbacks once the closure is gone.
        self.channel.port1().set_onmessage(None);
        self.channel.port1().close();
    }
}

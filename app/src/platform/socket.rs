//! The websocket to the relay: binary frames in and out, and its closing
//! code. What to send and when to reconnect is the session's. The
//! listeners are `gloo-events`' (removed when dropped).

use gloo_events::EventListener;
use js_sys::{ArrayBuffer, Uint8Array};
use leptos::wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

/// An open (or opening) websocket and its listeners. Dropping it closes it
/// without a word: the caller handles the consequences.
pub struct Socket {
    ws: WebSocket,
    _listeners: [EventListener; 3],
}

impl Socket {
    /// Open `url`: `on_open` runs once connected, `on_frame` for each
    /// binary frame, `on_close` with the close code (after which nothing
    /// more runs). `None` when the browser refuses the address.
    pub fn open(
        url: &str,
        mut on_open: impl FnMut() + 'static,
        mut on_frame: impl FnMut(Vec<u8>) + 'static,
        mut on_close: impl FnMut(u16) + 'static,
    ) -> Option<Socket> {
        let ws = WebSocket::new(url).ok()?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let listeners = [
            EventListener::new(&ws, "open", move |_| on_open()),
            EventListener::new(&ws, "message", move |event| {
                let data = event.unchecked_ref::<MessageEvent>().data();
                if let Ok(buffer) = data.dyn_into::<ArrayBuffer>() {
                    on_frame(Uint8Array::new(&buffer).to_vec());
                }
            }),
            EventListener::new(&ws, "close", move |event| {
                on_close(event.unchecked_ref::<CloseEvent>().code());
            }),
        ];
        Some(Socket {
            ws,
            _listeners: listeners,
        })
    }

    /// Send a binary frame, if the socket is open. One that is closing (the
    /// relay went away, `on_close` not yet run) takes nothing: what the
    /// session sends is kept until acknowledged and sent again after
    /// reconnecting, and presence is sent afresh. (Sending anyway would
    /// only make the browser log an error.)
    pub fn send(&self, frame: &[u8]) {
        if self.ws.ready_state() == WebSocket::OPEN {
            let _ = self.ws.send_with_u8_array(frame);
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        // Its `close` event comes later, after the listeners are removed
        // (they are dropped right after this).
        let _ = self.ws.close();
    }
}

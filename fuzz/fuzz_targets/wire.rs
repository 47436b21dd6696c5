//! The wire decoder on any bytes, as the relay (client messages) and every
//! client (relay messages) read frames: no panic, and a message that
//! decodes encodes back to a frame that decodes to the same message.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::wire::{decode_client, decode_server};

fuzz_target!(|frame: &[u8]| {
    if let Ok(msg) = decode_client(frame) {
        assert_eq!(decode_client(&msg.encode()).as_ref(), Ok(&msg));
    }
    if let Ok(msg) = decode_server(frame) {
        assert_eq!(decode_server(&msg.encode()).as_ref(), Ok(&msg));
    }
});

//! The envelope opener with fixed keys on any bytes: the first byte picks
//! the kind (update, snapshot, unsigned or signed awareness), then 16
//! bytes of message id (for awareness: the peer id and the counter, 8
//! bytes each, big-endian), 8 of `covers_upto`, 64 of signature (updates,
//! snapshots, signed awareness), and the ciphertext. No panic; what opens is what was sealed (the seeds), and
//! what opens as an update goes on to the guard, as a client does.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::envelope::{Context, Kind};

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Some((msg_id, rest)) = rest.split_first_chunk::<16>() else {
        return;
    };
    let Some((covers_upto, rest)) = rest.split_first_chunk::<8>() else {
        return;
    };
    let keys = cahier_fuzz::keys();
    let room = keys.room();
    let covers_upto = u64::from_le_bytes(*covers_upto);
    let (peer, counter) = msg_id.split_at(8);
    let peer = u64::from_be_bytes(peer.try_into().unwrap_or_default());
    let counter = u64::from_be_bytes(counter.try_into().unwrap_or_default());
    let context = match kind % 4 {
        0 => Context::update(room, *msg_id),
        1 => Context::snapshot(room, *msg_id, covers_upto),
        _ => Context::awareness(room, peer, counter),
    };
    let (signature, ciphertext) = match kind % 4 {
        2 => (None, rest),
        _ => match rest.split_first_chunk::<64>() {
            Some((signature, ciphertext)) => (Some(signature), ciphertext),
            None => return,
        },
    };
    if let Ok(plaintext) = keys.open(&context, ciphertext, signature) {
        if context.kind != Kind::Awareness {
            let _ = model::guard::check(&plaintext);
        }
    }
});

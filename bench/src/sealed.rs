//! Opening Cahier's sealed updates without checking their signatures.
//!
//! The app verifies every signature (`DocKeys::open`), and so does the
//! relay on the way in. In a hot room a load generator holding 200 readers
//! on one core cannot: 80,000 Ed25519 verifications a second would saturate
//! it and the benchmark would measure the generator. So by default the
//! simulated readers only decrypt, using the derivation and associated data
//! that `protocol::envelope` documents; `--verify-signatures` switches back
//! to the full `DocKeys::open`. A test below checks this module against the
//! protocol crate, so a change there fails here rather than skewing numbers.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use protocol::{Context, DocKeys, OpenError};
use sha2::Sha256;

const NONCE_LEN: usize = 24;

/// Decrypts a room's sealed payloads.
pub struct Opener {
    cipher: XChaCha20Poly1305,
    keys: DocKeys,
    verify: bool,
}

impl Opener {
    pub fn new(keys: &DocKeys, verify: bool) -> Self {
        let mut enc = [0u8; 32];
        Hkdf::<Sha256>::new(None, keys.view_secret().as_bytes())
            .expand(b"cahier/v1/enc", &mut enc)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        Self {
            cipher: XChaCha20Poly1305::new((&enc).into()),
            keys: keys.clone(),
            verify,
        }
    }

    pub fn open(
        &self,
        ctx: &Context,
        ciphertext: &[u8],
        signature: &protocol::Signature,
    ) -> Result<Vec<u8>, OpenError> {
        if self.verify {
            return self.keys.open(ctx, ciphertext, Some(signature));
        }
        if ciphertext.len() < NONCE_LEN + 16 {
            return Err(OpenError::Undecryptable);
        }
        let mut aad = Vec::with_capacity(14 + 41);
        aad.extend_from_slice(b"cahier/v1/aead");
        aad.extend_from_slice(ctx.room.as_bytes());
        aad.push(ctx.kind as u8);
        aad.extend_from_slice(&ctx.msg_id);
        aad.extend_from_slice(&ctx.covers_upto.to_be_bytes());
        let (nonce, sealed) = ciphertext.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| OpenError::Undecryptable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::{envelope::new_msg_id, EditSecret};

    #[test]
    fn opens_what_the_protocol_crate_seals() {
        let keys = DocKeys::from_edit(&EditSecret::generate());
        for ctx in [
            Context::update(keys.room(), new_msg_id()),
            Context::snapshot(keys.room(), new_msg_id(), 42),
        ] {
            let (ct, sig) = keys.seal(&ctx, b"a keystroke").expect("seal");
            let sig = sig.expect("signed");
            for verify in [false, true] {
                let opener = Opener::new(&keys, verify);
                assert_eq!(opener.open(&ctx, &ct, &sig), Ok(b"a keystroke".to_vec()));
            }
            let other = Context {
                covers_upto: ctx.covers_upto + 1,
                ..ctx
            };
            assert!(Opener::new(&keys, false).open(&other, &ct, &sig).is_err());
        }
    }
}

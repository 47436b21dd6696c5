//! Sealed envelopes: how a payload (a Yrs update, a snapshot, a presence
//! state) becomes bytes the relay can store and forward without reading.
//!
//! Sealing encrypts, then signs:
//!
//! ```text
//! ciphertext = nonce (24 random bytes) ‖ XChaCha20-Poly1305(K, nonce, plaintext, aad)
//! aad        = "cahier/v1/aead" ‖ context
//! signature  = Ed25519(write key, "cahier/v1/sig" ‖ context ‖ ciphertext)
//! context    = room id (16) ‖ kind (1) ‖ msg_id (16) ‖ covers_upto (8, big-endian)
//! ```
//!
//! `kind` is 1 for an update, 2 for a snapshot, 3 for awareness;
//! `covers_upto` is 0 except in snapshots. Every field has a fixed length, so
//! the signed bytes are unambiguous. Because the signature binds the room,
//! the kind and the message id, a message cannot be replayed into another
//! room or passed off as another kind; a flipped bit anywhere fails.
//!
//! Awareness is encrypted (with the same associated data) but not signed:
//! viewers send presence too, and it is never stored.
//!
//! The relay only ever calls [`WriterKey::verify`]; clients call
//! [`DocKeys::seal`] and [`DocKeys::open`]. This module is the only place
//! that builds the associated data and the signed bytes: every program
//! (the app, the relay, the native client, the bench) seals and opens
//! through it.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use ed25519_dalek::Signer as _;
use rand_core::{OsRng, RngCore};

use crate::keys::{DocKeys, RoomId, WriterKey};

/// A message id: 16 random bytes chosen by the sender, used for dedup and
/// acknowledgement.
pub type MsgId = [u8; 16];
/// An Ed25519 signature.
pub type Signature = [u8; 64];

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// What a sealed payload is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kind {
    Update = 1,
    Snapshot = 2,
    Awareness = 3,
}

/// Everything a sealed payload is bound to besides its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Context {
    pub room: RoomId,
    pub kind: Kind,
    pub msg_id: MsgId,
    pub covers_upto: u64,
}

impl Context {
    pub fn update(room: RoomId, msg_id: MsgId) -> Self {
        Self {
            room,
            kind: Kind::Update,
            msg_id,
            covers_upto: 0,
        }
    }

    pub fn snapshot(room: RoomId, msg_id: MsgId, covers_upto: u64) -> Self {
        Self {
            room,
            kind: Kind::Snapshot,
            msg_id,
            covers_upto,
        }
    }

    pub fn awareness(room: RoomId) -> Self {
        Self {
            room,
            kind: Kind::Awareness,
            msg_id: [0; 16],
            covers_upto: 0,
        }
    }

    fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.room.as_bytes());
        out.push(self.kind as u8);
        out.extend_from_slice(&self.msg_id);
        out.extend_from_slice(&self.covers_upto.to_be_bytes());
    }

    fn aad(&self) -> Vec<u8> {
        let mut aad = b"cahier/v1/aead".to_vec();
        self.write_to(&mut aad);
        aad
    }

    fn signed_bytes(&self, ciphertext: &[u8]) -> Vec<u8> {
        let mut msg = Vec::with_capacity(13 + 41 + ciphertext.len());
        msg.extend_from_slice(b"cahier/v1/sig");
        self.write_to(&mut msg);
        msg.extend_from_slice(ciphertext);
        msg
    }
}

/// A fresh random message id.
pub fn new_msg_id() -> MsgId {
    let mut id = [0u8; 16];
    OsRng.fill_bytes(&mut id);
    id
}

/// Why a payload could not be sealed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("this link can only read the document: it cannot sign changes")]
    ReadOnly,
    #[error("the payload is too large to encrypt")]
    TooLarge,
}

/// Why a sealed payload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the signature does not match: the message was altered or not written by an editor")]
    BadSignature,
    #[error("the message is missing its signature")]
    Unsigned,
    #[error("the message could not be decrypted: wrong key, or altered")]
    Undecryptable,
}

impl WriterKey {
    /// Check that `signature` was made by this room's write key over
    /// `context` and `ciphertext` (`verify_strict`: no malleable signatures).
    pub fn verify(
        &self,
        context: &Context,
        ciphertext: &[u8],
        signature: &Signature,
    ) -> Result<(), OpenError> {
        let signature = ed25519_dalek::Signature::from_bytes(signature);
        self.0
            .verify_strict(&context.signed_bytes(ciphertext), &signature)
            .map_err(|_| OpenError::BadSignature)
    }
}

impl DocKeys {
    /// Encrypt with a random nonce.
    pub fn encrypt(&self, context: &Context, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        self.encrypt_with_nonce(context, &nonce, plaintext)
    }

    /// Encrypt with a given nonce. Reusing a nonce under one key breaks the
    /// encryption: this exists for known-answer tests; use [`Self::encrypt`].
    pub fn encrypt_with_nonce(
        &self,
        context: &Context,
        nonce: &[u8; NONCE_LEN],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, SealError> {
        let cipher = XChaCha20Poly1305::new((&self.enc).into());
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: plaintext,
                    aad: &context.aad(),
                },
            )
            .map_err(|_| SealError::TooLarge)?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Sign a ciphertext; only an editor can.
    pub fn sign(&self, context: &Context, ciphertext: &[u8]) -> Result<Signature, SealError> {
        let key = self.signing.as_ref().ok_or(SealError::ReadOnly)?;
        Ok(key.sign(&context.signed_bytes(ciphertext)).to_bytes())
    }

    /// Encrypt and, unless it is awareness, sign.
    pub fn seal(
        &self,
        context: &Context,
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, Option<Signature>), SealError> {
        if context.kind != Kind::Awareness && !self.can_write() {
            return Err(SealError::ReadOnly);
        }
        let ciphertext = self.encrypt(context, plaintext)?;
        let signature = match context.kind {
            Kind::Awareness => None,
            _ => Some(self.sign(context, &ciphertext)?),
        };
        Ok((ciphertext, signature))
    }

    /// Verify (updates and snapshots must be signed), then decrypt.
    pub fn open(
        &self,
        context: &Context,
        ciphertext: &[u8],
        signature: Option<&Signature>,
    ) -> Result<Vec<u8>, OpenError> {
        if context.kind != Kind::Awareness {
            let signature = signature.ok_or(OpenError::Unsigned)?;
            self.writer.verify(context, ciphertext, signature)?;
        }
        self.decrypt(context, ciphertext)
    }

    /// Decrypt without looking at the signature. The authentication tag
    /// still refuses any altered byte, but it proves only that someone
    /// holding the view secret sealed it, not an editor: a person's app
    /// calls [`Self::open`]. This is for a load generator simulating
    /// hundreds of readers on one core, which trusts the relay's check.
    pub fn decrypt(&self, context: &Context, ciphertext: &[u8]) -> Result<Vec<u8>, OpenError> {
        if ciphertext.len() < NONCE_LEN + TAG_LEN {
            return Err(OpenError::Undecryptable);
        }
        let (nonce, sealed) = ciphertext.split_at(NONCE_LEN);
        XChaCha20Poly1305::new((&self.enc).into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &context.aad(),
                },
            )
            .map_err(|_| OpenError::Undecryptable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{EditSecret, RoomId};

    fn kat_keys() -> DocKeys {
        DocKeys::from_edit(&EditSecret::from_bytes(std::array::from_fn(|i| i as u8)))
    }

    /// The vectors in the crate documentation. If this fails, the protocol
    /// changed: bump the version instead of editing the numbers.
    #[test]
    fn known_answer_vectors() {
        let secret = EditSecret::from_bytes(std::array::from_fn(|i| i as u8));
        let keys = kat_keys();
        assert_eq!(hex::encode(keys.writer().to_bytes()), KAT_WRITE_PK);
        assert_eq!(hex::encode(secret.view_secret().as_bytes()), KAT_VIEW);
        assert_eq!(hex::encode(keys.room().as_bytes()), KAT_ROOM_HEX);
        assert_eq!(keys.room().to_string(), KAT_ROOM_B64);

        let ctx = Context::update(keys.room(), [0x11; 16]);
        let ciphertext = keys
            .encrypt_with_nonce(&ctx, &[0x22; 24], b"Cahier")
            .expect("encrypt");
        assert_eq!(hex::encode(&ciphertext), KAT_CIPHERTEXT);
        let signature = keys.sign(&ctx, &ciphertext).expect("sign");
        assert_eq!(hex::encode(signature), KAT_SIGNATURE);
        assert_eq!(
            keys.open(&ctx, &ciphertext, Some(&signature)).as_deref(),
            Ok(&b"Cahier"[..])
        );
    }

    const KAT_WRITE_PK: &str = "9275b484403561a83d237028060ac2d278ef8ce8d78fef2fc8e7b195b477fbc6";
    const KAT_VIEW: &str = "1ab755d31d1f60fc76bba8364d4506b253a866fca2371799e3b12910aabd5602";
    const KAT_ROOM_HEX: &str = "4c32bedb4048bcbf14e604dac85c777e";
    const KAT_ROOM_B64: &str = "TDK-20BIvL8U5gTayFx3fg";
    const KAT_CIPHERTEXT: &str =
        "2222222222222222222222222222222222222222222222223913781d17fc1adf1c541ef02f2faa75f030aca6f1d8";
    const KAT_SIGNATURE: &str =
        "3b713a806dc02ef18f8ceea64bedaad7fe6b9a3f77713d1c498641be7830cddc07d829caf0e3bec2301e70e3246179489e70928ba2d8bfd4856bf4c456910104";

    #[test]
    fn decrypting_without_the_signature_still_refuses_an_altered_byte() {
        let keys = kat_keys();
        let ctx = Context::update(keys.room(), [7; 16]);
        let (ct, _) = keys.seal(&ctx, b"a sentence").expect("seal");
        assert_eq!(keys.decrypt(&ctx, &ct), Ok(b"a sentence".to_vec()));
        let mut bad = ct.clone();
        bad[30] ^= 1;
        assert_eq!(keys.decrypt(&ctx, &bad), Err(OpenError::Undecryptable));
        let other = Context {
            covers_upto: 1,
            ..ctx
        };
        assert_eq!(keys.decrypt(&other, &ct), Err(OpenError::Undecryptable));
        assert_eq!(
            keys.decrypt(&ctx, &ct[..NONCE_LEN + TAG_LEN - 1]),
            Err(OpenError::Undecryptable)
        );
    }

    #[test]
    fn sealed_update_opens_for_editor_and_viewer() {
        let editor = kat_keys();
        let viewer = editor_view(&editor);
        let ctx = Context::update(editor.room(), new_msg_id());
        let (ct, sig) = editor.seal(&ctx, b"hello").expect("seal");
        assert_eq!(viewer.open(&ctx, &ct, sig.as_ref()), Ok(b"hello".to_vec()));
        assert!(!String::from_utf8_lossy(&ct).contains("hello"));
    }

    fn editor_view(editor: &DocKeys) -> DocKeys {
        DocKeys::from_view(editor.view_secret().clone(), editor.writer())
    }

    #[test]
    fn viewer_cannot_seal_updates_but_can_seal_awareness() {
        let viewer = editor_view(&kat_keys());
        let room = viewer.room();
        assert_eq!(
            viewer.seal(&Context::update(room, [1; 16]), b"x"),
            Err(SealError::ReadOnly)
        );
        let ctx = Context::awareness(room);
        let (ct, sig) = viewer.seal(&ctx, b"here").expect("awareness");
        assert!(sig.is_none());
        assert_eq!(kat_keys().open(&ctx, &ct, None), Ok(b"here".to_vec()));
    }

    #[test]
    fn every_flipped_bit_is_refused() {
        let keys = kat_keys();
        let ctx = Context::update(keys.room(), [7; 16]);
        let (ct, sig) = keys.seal(&ctx, b"a sentence").expect("seal");
        let sig = sig.expect("signed");
        for bit in 0..ct.len() * 8 {
            let mut bad = ct.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(
                keys.open(&ctx, &bad, Some(&sig)),
                Err(OpenError::BadSignature)
            );
        }
        for bit in 0..512 {
            let mut bad = sig;
            bad[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(
                keys.open(&ctx, &ct, Some(&bad)),
                Err(OpenError::BadSignature)
            );
        }
    }

    #[test]
    fn a_message_cannot_be_replayed_into_another_room_kind_or_id() {
        let keys = kat_keys();
        let ctx = Context::update(keys.room(), [7; 16]);
        let (ct, sig) = keys.seal(&ctx, b"motion").expect("seal");
        let writer = keys.writer();
        let sig = sig.expect("signed");
        assert_eq!(writer.verify(&ctx, &ct, &sig), Ok(()));
        let other_room = Context {
            room: RoomId([9; 16]),
            ..ctx
        };
        let other_kind = Context {
            kind: Kind::Snapshot,
            ..ctx
        };
        let other_id = Context {
            msg_id: [8; 16],
            ..ctx
        };
        let other_cover = Context {
            covers_upto: 1,
            ..ctx
        };
        for bad in [other_room, other_kind, other_id, other_cover] {
            assert_eq!(writer.verify(&bad, &ct, &sig), Err(OpenError::BadSignature));
        }
    }

    #[test]
    fn another_documents_key_cannot_decrypt_awareness() {
        let keys = kat_keys();
        let other = DocKeys::from_edit(&EditSecret::generate());
        let ctx = Context::awareness(keys.room());
        let (ct, _) = keys.seal(&ctx, b"cursor").expect("seal");
        assert_eq!(other.open(&ctx, &ct, None), Err(OpenError::Undecryptable));
        assert_eq!(
            keys.open(&ctx, &ct[..10], None),
            Err(OpenError::Undecryptable)
        );
    }

    #[test]
    fn an_empty_payload_seals_and_opens() {
        let keys = kat_keys();
        let ctx = Context::update(keys.room(), [3; 16]);
        let (ct, sig) = keys.seal(&ctx, b"").expect("seal");
        assert_eq!(ct.len(), NONCE_LEN + TAG_LEN);
        assert_eq!(keys.open(&ctx, &ct, sig.as_ref()), Ok(Vec::new()));
    }

    #[test]
    fn an_unsigned_update_is_refused_before_decryption() {
        let keys = kat_keys();
        let ctx = Context::update(keys.room(), [3; 16]);
        let (ct, _) = keys.seal(&ctx, b"x").expect("seal");
        assert_eq!(keys.open(&ctx, &ct, None), Err(OpenError::Unsigned));
    }
}

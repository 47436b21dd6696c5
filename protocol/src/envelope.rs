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
//! `kind` is 1 for an update, 2 for a snapshot, 3 for awareness, 4 for a
//! room's seal (whose "ciphertext" is the member box, signed as it is);
//! `covers_upto` is 0 except in snapshots. Every field has a fixed length, so
//! the signed bytes are unambiguous. Because the signature binds the room,
//! the kind and the message id, a message cannot be replayed into another
//! room or passed off as another kind; a flipped bit anywhere fails.
//!
//! Awareness (protocol v2) is bound to the connection that sends it: its
//! message id is the sender's peer id (from `Welcome`, 8 bytes big-endian)
//! followed by the connection's presence counter (8 bytes big-endian). An
//! editor signs it; a reader cannot, and its presence is shown as a
//! reader's whatever it says. Presence replayed from another connection
//! fails both the signature and the decryption (the associated data binds
//! the peer id), and a receiver ignores a counter that does not grow.
//!
//! The creation proof (protocol v2, [`CreateProof`]) is an Ed25519
//! signature by the write key over
//!
//! ```text
//! "cahier/v2/create" ‖ room id (16) ‖ read_check (32)
//! ```
//!
//! which lets the relay register the room's read check only for someone
//! who can write it.
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

use crate::keys::{DocKeys, ReadCheck, RoomId, WriterKey, WriterKeyError, KEY_LEN};
use crate::wire::{CreateProof, PeerId};

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
    /// A room's seal (protocol v2, issue 15): its message id is 16 zero
    /// bytes, as a room is sealed once.
    Seal = 4,
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

    /// The context of the `counter`-th presence frame of the connection
    /// the relay numbered `peer`.
    pub fn awareness(room: RoomId, peer: PeerId, counter: u64) -> Self {
        let mut msg_id = [0; 16];
        msg_id[..8].copy_from_slice(&peer.to_be_bytes());
        msg_id[8..].copy_from_slice(&counter.to_be_bytes());
        Self {
            room,
            kind: Kind::Awareness,
            msg_id,
            covers_upto: 0,
        }
    }

    /// The context a room's seal is signed in: the member box is signed
    /// as `"cahier/v1/sig" ‖ room ‖ 4 ‖ 0 × 16 ‖ 0 × 8 ‖ box`, not
    /// encrypted (each line is).
    pub fn seal(room: RoomId) -> Self {
        Self {
            room,
            kind: Kind::Seal,
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

/// The bytes a creation proof signs.
fn creation_bytes(room: &RoomId, check: &ReadCheck) -> Vec<u8> {
    let mut msg = Vec::with_capacity(16 + 16 + KEY_LEN);
    msg.extend_from_slice(b"cahier/v2/create");
    msg.extend_from_slice(room.as_bytes());
    msg.extend_from_slice(&check.0);
    msg
}

impl CreateProof {
    /// The write key this proof is for, if it hashes to `room` and signed
    /// `check` for it: what the relay asks before creating a room or
    /// registering its read check.
    pub fn verify(&self, room: &RoomId, check: &ReadCheck) -> Result<WriterKey, WriterKeyError> {
        let writer = WriterKey::for_room(room, &self.write_pk)?;
        let signature = ed25519_dalek::Signature::from_bytes(&self.signature);
        writer
            .0
            .verify_strict(&creation_bytes(room, check), &signature)
            .map_err(|_| WriterKeyError::BadProof)?;
        Ok(writer)
    }
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

impl WriterKey {
    /// Check a room's seal: `signature` by this write key over
    /// [`Context::seal`] and `member_box`.
    pub fn verify_seal(
        &self,
        room: RoomId,
        member_box: &[u8],
        signature: &Signature,
    ) -> Result<(), OpenError> {
        self.verify(&Context::seal(room), member_box, signature)
    }
}

impl DocKeys {
    /// Sign a seal of this room carrying `member_box`; only an editor
    /// (of this room) can.
    pub fn sign_seal(&self, member_box: &[u8]) -> Result<Signature, SealError> {
        self.sign(&Context::seal(self.room), member_box)
    }

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

    /// Encrypt and sign. A reader can seal only awareness, unsigned; an
    /// editor signs everything, its presence included.
    pub fn seal(
        &self,
        context: &Context,
        plaintext: &[u8],
    ) -> Result<(Vec<u8>, Option<Signature>), SealError> {
        if context.kind != Kind::Awareness && !self.can_write() {
            return Err(SealError::ReadOnly);
        }
        let ciphertext = self.encrypt(context, plaintext)?;
        let signature = match self.can_write() {
            true => Some(self.sign(context, &ciphertext)?),
            false => None,
        };
        Ok((ciphertext, signature))
    }

    /// Verify, then decrypt. Updates and snapshots must be signed;
    /// awareness may be unsigned (a reader's), but a signature that is
    /// there must verify.
    pub fn open(
        &self,
        context: &Context,
        ciphertext: &[u8],
        signature: Option<&Signature>,
    ) -> Result<Vec<u8>, OpenError> {
        match (context.kind, signature) {
            (Kind::Awareness, None) => {}
            (_, None) => return Err(OpenError::Unsigned),
            (_, Some(signature)) => self.writer.verify(context, ciphertext, signature)?,
        }
        self.decrypt(context, ciphertext)
    }

    /// The creation proof for this room and this read capability, with a
    /// creation token if the relay wants one; `None` for a reader.
    pub fn create_proof(&self, token: Option<String>) -> Option<CreateProof> {
        let key = self.signing.as_ref()?;
        let check = self.read_capability().check();
        let signature = key.sign(&creation_bytes(&self.room, &check)).to_bytes();
        Some(CreateProof {
            write_pk: self.writer.to_bytes(),
            signature,
            token,
        })
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
    use crate::keys::{EditSecret, RoomId, WriterKeyError};

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

    /// The version 2 derivations (crate docs): the read capability, its
    /// check, the creation proof, and a presence frame of peer 5's seventh
    /// presence, sealed with nonce `33` × 24.
    #[test]
    fn known_answer_vectors_of_version_2() {
        let keys = kat_keys();
        let cap = keys.read_capability();
        assert_eq!(hex::encode(cap.0), KAT_CAP);
        assert_eq!(hex::encode(cap.check().0), KAT_READ_CHECK);
        let proof = keys.create_proof(None).expect("an editor");
        assert_eq!(hex::encode(proof.signature), KAT_CREATE_SIGNATURE);
        assert_eq!(proof.write_pk, keys.writer().to_bytes());
        assert_eq!(proof.verify(&keys.room(), &cap.check()), Ok(keys.writer()));

        let ctx = Context::awareness(keys.room(), 5, 7);
        let mut expected_id = [0; 16];
        expected_id[7] = 5;
        expected_id[15] = 7;
        assert_eq!(ctx.msg_id, expected_id);
        let ciphertext = keys
            .encrypt_with_nonce(&ctx, &[0x33; 24], b"here")
            .expect("encrypt");
        assert_eq!(hex::encode(&ciphertext), KAT_AWARENESS_CIPHERTEXT);
        let signature = keys.sign(&ctx, &ciphertext).expect("sign");
        assert_eq!(hex::encode(signature), KAT_AWARENESS_SIGNATURE);
        assert_eq!(
            keys.open(&ctx, &ciphertext, Some(&signature)).as_deref(),
            Ok(&b"here"[..])
        );
    }

    const KAT_CAP: &str = "19d7f75e00c558d6244be426245b0c53f994584edca6409117d325b62b3f4b93";
    const KAT_READ_CHECK: &str = "2dcbff2643e4d9538f579ff41471c53ce6e1e2ccc3d9b6b5812e5d5341481803";
    const KAT_CREATE_SIGNATURE: &str =
        "fa61e30f450576ec4a531aac2c96aac7cd3d16e45c2a0b44d9c8f71208777460d3213d4bb8b30e517ebfbde445114655d0eed91636f1b61f67d66d7d0020950f";
    const KAT_AWARENESS_CIPHERTEXT: &str =
        "333333333333333333333333333333333333333333333333dfda45aa695936beeb21f7b0519ba54896746932";
    const KAT_AWARENESS_SIGNATURE: &str =
        "07ede2a2ad2be712d41ab5414f62b62851a7ce0285ce558809136478cb44a347c2130ba138a84374696f4eeaa8d42a7d7607d1747af3e6fe2846cea198eb4b0e";

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
    fn viewer_cannot_seal_updates_but_can_seal_awareness_unsigned() {
        let viewer = editor_view(&kat_keys());
        let room = viewer.room();
        assert_eq!(
            viewer.seal(&Context::update(room, [1; 16]), b"x"),
            Err(SealError::ReadOnly)
        );
        let ctx = Context::awareness(room, 3, 1);
        let (ct, sig) = viewer.seal(&ctx, b"here").expect("awareness");
        assert!(sig.is_none());
        assert_eq!(kat_keys().open(&ctx, &ct, None), Ok(b"here".to_vec()));
        assert_eq!(viewer.create_proof(None), None, "a reader proves nothing");
    }

    #[test]
    fn an_editors_presence_is_signed_and_bound_to_its_connection_and_counter() {
        let editor = kat_keys();
        let viewer = editor_view(&editor);
        let ctx = Context::awareness(editor.room(), 4, 9);
        let (ct, sig) = editor.seal(&ctx, b"Alice").expect("awareness");
        let sig = sig.expect("an editor signs its presence");
        assert_eq!(viewer.open(&ctx, &ct, Some(&sig)), Ok(b"Alice".to_vec()));
        // The same bytes relayed as another connection's, or another
        // counter's, open neither with the signature nor without it.
        for other in [
            Context::awareness(editor.room(), 5, 9),
            Context::awareness(editor.room(), 4, 10),
        ] {
            assert_eq!(
                viewer.open(&other, &ct, Some(&sig)),
                Err(OpenError::BadSignature)
            );
            assert_eq!(
                viewer.open(&other, &ct, None),
                Err(OpenError::Undecryptable)
            );
        }
        // A signature that is there must verify, even on presence.
        let mut bad = sig;
        bad[0] ^= 1;
        assert_eq!(
            viewer.open(&ctx, &ct, Some(&bad)),
            Err(OpenError::BadSignature)
        );
    }

    #[test]
    fn a_creation_proof_holds_only_for_its_room_and_its_read_check() {
        let keys = kat_keys();
        let other = DocKeys::from_edit(&EditSecret::from_bytes([9; 32]));
        let check = keys.read_capability().check();
        let proof = keys.create_proof(Some("jeton".into())).expect("an editor");
        assert_eq!(proof.token.as_deref(), Some("jeton"));
        assert_eq!(proof.verify(&keys.room(), &check), Ok(keys.writer()));
        // Another capability (a squatter's guess): the signature fails.
        assert_eq!(
            proof.verify(&keys.room(), &other.read_capability().check()),
            Err(WriterKeyError::BadProof)
        );
        // Another room: the key does not hash to it.
        assert_eq!(
            proof.verify(&other.room(), &check),
            Err(WriterKeyError::WrongRoom)
        );
        // A stranger who knows write_pk signs with another key.
        let mut forged = other.create_proof(None).expect("an editor");
        forged.write_pk = keys.writer().to_bytes();
        assert_eq!(
            forged.verify(&keys.room(), &check),
            Err(WriterKeyError::BadProof)
        );
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
        let ctx = Context::awareness(keys.room(), 1, 1);
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

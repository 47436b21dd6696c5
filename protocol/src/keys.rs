//! Key derivation. One random edit secret is the root of everything a
//! document needs:
//!
//! ```text
//! S (32 random bytes)                      edit secret, in the edit link
//! ├─ HKDF-SHA256(S, "cahier/v1/write")     seed of the Ed25519 write key pair
//! │    └─ room id = SHA-256("cahier/v1/room" ‖ write_pk)[..16]
//! ├─ V = HKDF-SHA256(S, "cahier/v1/view")  view secret, in the view link
//! │    ├─ K = HKDF-SHA256(V, "cahier/v1/enc")  XChaCha20-Poly1305 key
//! │    ├─ cap = HKDF-SHA256(V, "cahier/v2/read")  read capability (v2)
//! │    │    └─ read_check = SHA-256("cahier/v2/read-check" ‖ cap)
//! │    └─ V_a = HKDF-SHA256(V, "cahier/v3/amendments/view")
//! │         the amendment room's view secret: its K and cap as above
//! └─ A = HKDF-SHA256(S, "cahier/v3/amend")  amend secret, in the amend link
//!      └─ HKDF-SHA256(A, "cahier/v3/amendments/write")
//!           seed of the amendment room's write key pair (and so its id)
//! ```
//!
//! A document is two rooms (DESIGN.md, "Rooms, keys and links"): the
//! **text room**, written with the key from `S` (the text, decisions,
//! versions), and the **amendment room**, written with the key from `A`
//! (amendments, comments, supports). Both are read with keys from `V`. An
//! amend link carries `A`, `V` and the text room's `write_pk`: it writes
//! the amendment room and reads both, and the relay refuses its writes to
//! the text room because it cannot sign them. A view link cannot derive
//! the amendment room's `write_pk`: editors record it in the text room's
//! `meta`, which only they can sign, and a viewer finds the room there.
//!
//! HKDF is used with no salt; the info string is the label above and the
//! output is 32 bytes. The room id is self-certifying: the relay accepts a
//! room only with the `write_pk` that hashes to it, so it never has to trust
//! whoever came first. A view secret cannot be turned back into an edit
//! secret, so a view link cannot become an edit link.
//!
//! The read capability (protocol v2) is what a client shows the relay in
//! `Hello` to be served a room: whoever holds the view secret has it, a
//! room id alone does not give it. The relay keeps only its `read_check`
//! (a hash), registered when the room is created by an editor's signed
//! creation proof ([`crate::envelope`]), so the relay's disk does not hold
//! the capability either. The labels that existed in v1 keep their `v1`
//! names: the keys, room ids and ciphertexts of v1 documents are unchanged.
//!
//! This module owns secrets and the keys derived from them; sealing and
//! opening messages is [`crate::envelope`]'s job.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use hkdf::Hkdf;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of every secret and key in the protocol.
pub const KEY_LEN: usize = 32;
/// Length of a room id in bytes (22 characters in base64url).
pub const ROOM_ID_LEN: usize = 16;

fn hkdf(ikm: &[u8], label: &[u8]) -> [u8; KEY_LEN] {
    let mut okm = [0u8; KEY_LEN];
    Hkdf::<Sha256>::new(None, ikm)
        .expand(label, &mut okm)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    okm
}

/// The edit secret `S`: whoever holds it can read and write the document.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct EditSecret([u8; KEY_LEN]);

impl EditSecret {
    /// A fresh secret from the operating system's random source.
    pub fn generate() -> Self {
        let mut bytes = [0u8; KEY_LEN];
        OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The Ed25519 key pair that signs updates and snapshots.
    pub fn signing_key(&self) -> SigningKey {
        let mut seed = hkdf(&self.0, b"cahier/v1/write");
        let key = SigningKey::from_bytes(&seed);
        seed.zeroize();
        key
    }

    /// The view secret `V`, which reads but cannot write.
    pub fn view_secret(&self) -> ViewSecret {
        ViewSecret(hkdf(&self.0, b"cahier/v1/view"))
    }
}

impl EditSecret {
    /// The amend secret `A`, which writes amendments but not the text.
    pub fn amend_secret(&self) -> AmendSecret {
        AmendSecret(hkdf(&self.0, b"cahier/v3/amend"))
    }

    /// For a workspace: the key that seals its documents' strongest links
    /// for its editors ([`crate::keybox`]).
    pub(crate) fn workspace_links_key(&self) -> [u8; KEY_LEN] {
        hkdf(&self.0, b"cahier/v4/workspace/links")
    }
}

impl fmt::Debug for EditSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EditSecret(…)")
    }
}

/// The amend secret `A`: whoever holds it writes the amendment room
/// (amendments, comments, supports), and with `V` reads both rooms.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct AmendSecret([u8; KEY_LEN]);

impl AmendSecret {
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The Ed25519 key pair that signs the amendment room's updates.
    pub fn signing_key(&self) -> SigningKey {
        let mut seed = hkdf(&self.0, b"cahier/v3/amendments/write");
        let key = SigningKey::from_bytes(&seed);
        seed.zeroize();
        key
    }

    /// The amendment room's `write_pk`, as editors record it in `meta`.
    pub fn writer(&self) -> WriterKey {
        WriterKey(self.signing_key().verifying_key())
    }
}

impl fmt::Debug for AmendSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AmendSecret(…)")
    }
}

/// The view secret `V`: whoever holds it (and the `write_pk`) can read.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct ViewSecret([u8; KEY_LEN]);

impl ViewSecret {
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The XChaCha20-Poly1305 key `K`.
    pub(crate) fn encryption_key(&self) -> [u8; KEY_LEN] {
        hkdf(&self.0, b"cahier/v1/enc")
    }

    /// The read capability `cap` the relay asks for in `Hello`.
    pub fn read_capability(&self) -> ReadCapability {
        ReadCapability(hkdf(&self.0, b"cahier/v2/read"))
    }

    /// The amendment room's view secret `V_a`: the same derivations give
    /// that room its encryption key and read capability, distinct from
    /// the text room's.
    pub fn amendments(&self) -> ViewSecret {
        ViewSecret(hkdf(&self.0, b"cahier/v3/amendments/view"))
    }
}

/// The read capability: shown to the relay in `Hello`, it proves the
/// client holds the view secret without revealing it. Not a secret that
/// decrypts anything, but one that opens the room: keep it out of logs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ReadCapability(pub [u8; KEY_LEN]);

impl ReadCapability {
    /// What the relay stores and compares: `SHA-256("cahier/v2/read-check"
    /// ‖ cap)`.
    pub fn check(&self) -> ReadCheck {
        let digest = Sha256::new()
            .chain_update(b"cahier/v2/read-check")
            .chain_update(self.0)
            .finalize();
        ReadCheck(digest.into())
    }
}

impl fmt::Debug for ReadCapability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReadCapability(…)")
    }
}

/// The hash of a room's read capability, as the relay keeps it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ReadCheck(pub [u8; KEY_LEN]);

impl fmt::Debug for ViewSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ViewSecret(…)")
    }
}

/// A room's id: the first 16 bytes of `SHA-256("cahier/v1/room" ‖ write_pk)`.
/// Shown as 22 characters of unpadded base64url.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoomId(pub [u8; ROOM_ID_LEN]);

impl RoomId {
    pub fn for_writer(write_pk: &[u8; KEY_LEN]) -> Self {
        let digest = Sha256::new()
            .chain_update(b"cahier/v1/room")
            .chain_update(write_pk)
            .finalize();
        let mut id = [0u8; ROOM_ID_LEN];
        id.copy_from_slice(&digest[..ROOM_ID_LEN]);
        Self(id)
    }

    pub fn as_bytes(&self) -> &[u8; ROOM_ID_LEN] {
        &self.0
    }
}

impl fmt::Display for RoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&B64.encode(self.0))
    }
}

impl fmt::Debug for RoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RoomId({self})")
    }
}

/// A room id that is not 22 characters of base64url.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a room id is 22 characters of base64url")]
pub struct BadRoomId;

impl FromStr for RoomId {
    type Err = BadRoomId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = B64.decode(s).map_err(|_| BadRoomId)?;
        let id = <[u8; ROOM_ID_LEN]>::try_from(bytes.as_slice()).map_err(|_| BadRoomId)?;
        Ok(Self(id))
    }
}

/// The public half of a document's write key: what the relay keeps per
/// room to check that every update and snapshot comes from an editor.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct WriterKey(pub(crate) VerifyingKey);

/// Bytes that are not an Ed25519 public key, or one that does not match the
/// room.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriterKeyError {
    #[error("the bytes are not an Ed25519 public key")]
    NotAKey,
    #[error("the public key does not belong to this room")]
    WrongRoom,
    #[error("the creation proof's signature does not verify")]
    BadProof,
}

impl WriterKey {
    pub fn from_bytes(bytes: &[u8; KEY_LEN]) -> Result<Self, WriterKeyError> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| WriterKeyError::NotAKey)?;
        if key.is_weak() {
            return Err(WriterKeyError::NotAKey);
        }
        Ok(Self(key))
    }

    /// Parse `bytes` and check that they hash to `room`: how the relay admits
    /// a room's key from a client it has no reason to trust.
    pub fn for_room(room: &RoomId, bytes: &[u8; KEY_LEN]) -> Result<Self, WriterKeyError> {
        if RoomId::for_writer(bytes) != *room {
            return Err(WriterKeyError::WrongRoom);
        }
        Self::from_bytes(bytes)
    }

    pub fn to_bytes(&self) -> [u8; KEY_LEN] {
        self.0.to_bytes()
    }

    /// The key as 43 characters of base64url, as a document records the
    /// amendment room's (`meta.amendments`).
    pub fn to_b64(&self) -> String {
        B64.encode(self.0.as_bytes())
    }

    /// A key written by [`WriterKey::to_b64`]; `None` for anything else.
    pub fn from_b64(text: &str) -> Option<Self> {
        let bytes = B64.decode(text).ok()?;
        Self::from_bytes(&<[u8; KEY_LEN]>::try_from(bytes.as_slice()).ok()?).ok()
    }

    pub fn room_id(&self) -> RoomId {
        RoomId::for_writer(self.0.as_bytes())
    }
}

impl fmt::Debug for WriterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WriterKey({})", B64.encode(self.0.as_bytes()))
    }
}

/// Everything a client needs for one document: the room, the key that
/// checks signatures, the encryption key and, for an editor, the signing key.
#[derive(Clone)]
pub struct DocKeys {
    pub(crate) room: RoomId,
    pub(crate) writer: WriterKey,
    pub(crate) view: ViewSecret,
    pub(crate) enc: [u8; KEY_LEN],
    pub(crate) signing: Option<SigningKey>,
}

impl DocKeys {
    /// An editor's keys.
    pub fn from_edit(secret: &EditSecret) -> Self {
        let signing = secret.signing_key();
        let writer = WriterKey(signing.verifying_key());
        let view = secret.view_secret();
        Self {
            room: writer.room_id(),
            writer,
            enc: view.encryption_key(),
            view,
            signing: Some(signing),
        }
    }

    /// A reader's keys: no signing key, so [`DocKeys::can_write`] is false.
    pub fn from_view(view: ViewSecret, writer: WriterKey) -> Self {
        Self {
            room: writer.room_id(),
            writer,
            enc: view.encryption_key(),
            view,
            signing: None,
        }
    }

    /// The amendment room's keys for whoever holds `A` (an editor or an
    /// amend link): they read and write it.
    pub fn amendments_with(view: &ViewSecret, amend: &AmendSecret) -> Self {
        let signing = amend.signing_key();
        let writer = WriterKey(signing.verifying_key());
        let view = view.amendments();
        Self {
            room: writer.room_id(),
            writer,
            enc: view.encryption_key(),
            view,
            signing: Some(signing),
        }
    }

    /// The amendment room's keys for a reader, who learnt its `write_pk`
    /// from the text room's `meta`.
    pub fn amendments_read(view: &ViewSecret, writer: WriterKey) -> Self {
        Self::from_view(view.amendments(), writer)
    }

    pub fn room(&self) -> RoomId {
        self.room
    }

    pub fn writer(&self) -> WriterKey {
        self.writer
    }

    pub fn view_secret(&self) -> &ViewSecret {
        &self.view
    }

    /// The read capability for `Hello`.
    pub fn read_capability(&self) -> ReadCapability {
        self.view.read_capability()
    }

    pub fn can_write(&self) -> bool {
        self.signing.is_some()
    }
}

impl Drop for DocKeys {
    fn drop(&mut self) {
        self.enc.zeroize();
    }
}

impl fmt::Debug for DocKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocKeys")
            .field("room", &self.room)
            .field("can_write", &self.can_write())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_id_round_trips_through_text() {
        let keys = DocKeys::from_edit(&EditSecret::generate());
        let text = keys.room().to_string();
        assert_eq!(text.len(), 22);
        assert_eq!(text.parse::<RoomId>(), Ok(keys.room()));
        assert_eq!("short".parse::<RoomId>(), Err(BadRoomId));
    }

    #[test]
    fn viewer_derives_the_same_room_and_key_but_cannot_write() {
        let secret = EditSecret::generate();
        let editor = DocKeys::from_edit(&secret);
        let viewer = DocKeys::from_view(secret.view_secret(), editor.writer());
        assert_eq!(viewer.room(), editor.room());
        assert_eq!(viewer.enc, editor.enc);
        assert!(editor.can_write());
        assert!(!viewer.can_write());
    }

    #[test]
    fn the_read_capability_is_the_view_secrets_and_its_check_a_hash_of_it() {
        let secret = EditSecret::generate();
        let editor = DocKeys::from_edit(&secret);
        let viewer = DocKeys::from_view(secret.view_secret(), editor.writer());
        assert_eq!(viewer.read_capability(), editor.read_capability());
        let other = DocKeys::from_edit(&EditSecret::generate());
        assert_ne!(other.read_capability(), editor.read_capability());
        let cap = editor.read_capability();
        assert_ne!(
            cap.check().0,
            cap.0,
            "the relay never stores the capability"
        );
        assert_ne!(
            cap.0, editor.enc,
            "the capability is not the encryption key"
        );
        assert_eq!(format!("{cap:?}"), "ReadCapability(…)");
    }

    #[test]
    fn the_amendment_room_is_its_own_room_with_its_own_keys() {
        let secret = EditSecret::generate();
        let text = DocKeys::from_edit(&secret);
        let amend = secret.amend_secret();
        let room = DocKeys::amendments_with(&secret.view_secret(), &amend);
        let read = DocKeys::amendments_read(&secret.view_secret(), amend.writer());
        assert_ne!(room.room(), text.room());
        assert_ne!(room.enc, text.enc);
        assert_ne!(room.read_capability(), text.read_capability());
        assert_eq!(read.room(), room.room());
        assert_eq!(read.enc, room.enc);
        assert_eq!(read.read_capability(), room.read_capability());
        assert!(room.can_write() && !read.can_write());
        assert_ne!(
            amend.writer(),
            text.writer(),
            "the amend key cannot sign the text"
        );
        assert_ne!(amend.as_bytes(), secret.as_bytes());
        assert_ne!(amend.as_bytes(), secret.view_secret().as_bytes());
        assert_eq!(format!("{amend:?}"), "AmendSecret(…)");
    }

    #[test]
    fn a_key_is_admitted_only_for_its_own_room() {
        let a = DocKeys::from_edit(&EditSecret::generate());
        let b = DocKeys::from_edit(&EditSecret::generate());
        let pk = a.writer().to_bytes();
        assert!(WriterKey::for_room(&a.room(), &pk).is_ok());
        assert_eq!(
            WriterKey::for_room(&b.room(), &pk),
            Err(WriterKeyError::WrongRoom)
        );
    }

    #[test]
    fn debug_output_names_keys_but_never_shows_a_secret() {
        let secret = EditSecret::from_bytes([7; 32]);
        let keys = DocKeys::from_edit(&secret);
        assert_eq!(format!("{secret:?}"), "EditSecret(…)");
        assert_eq!(format!("{:?}", secret.view_secret()), "ViewSecret(…)");
        assert_eq!(
            format!("{:?}", keys.room()),
            format!("RoomId({})", keys.room())
        );
        let writer = format!("{:?}", keys.writer());
        assert!(
            writer.starts_with("WriterKey(") && writer.len() > 40,
            "{writer}"
        );
        let doc = format!("{keys:?}");
        assert!(
            doc.contains(&keys.room().to_string()) && doc.contains("can_write: true"),
            "{doc}"
        );
        assert!(!doc.contains(&format!("{:?}", [7u8; 32])));
    }

    #[test]
    fn a_writer_key_round_trips_through_base64_and_garbage_is_none() {
        let key = DocKeys::from_edit(&EditSecret::generate()).writer();
        assert_eq!(WriterKey::from_b64(&key.to_b64()), Some(key));
        assert_eq!(WriterKey::from_b64("not a key"), None);
        assert_eq!(WriterKey::from_b64(&key.to_b64()[..40]), None);
    }

    #[test]
    fn a_weak_key_is_not_a_writer() {
        // The identity point: a "signature" by it verifies too easily.
        let mut identity = [0u8; KEY_LEN];
        identity[0] = 1;
        assert_eq!(
            WriterKey::from_bytes(&identity),
            Err(WriterKeyError::NotAKey)
        );
    }
}

//! Member boxes: a payload (a new link) sealed to each remaining member of
//! a workspace by their identity key, so that a sealed room can tell
//! everyone who still belongs where the document went, and nobody else.
//!
//! A member's identity is an Ed25519 key pair (the browser's, which signs
//! their amendments and `Join`). Sealing to it converts the public key to
//! its Montgomery form (X25519) and does an ephemeral Diffie-Hellman:
//!
//! ```text
//! e            = 32 random bytes, eph = X25519(e, base)
//! shared       = X25519(e, montgomery(member_pk))        (refused if all zero)
//! key          = HKDF-SHA256(ikm = shared, no salt,
//!                  info = "cahier/v4/member-box" ‖ eph (32) ‖ member_pk (32) ‖ context)
//! sealed       = XChaCha20-Poly1305(key, nonce (24 random bytes), payload,
//!                  aad = "cahier/v4/member-box" ‖ to (8) ‖ context)
//! to           = SHA-256("cahier/v4/member-box/to" ‖ member_pk)[..8]
//! ```
//!
//! `context` binds the line to its use (the sealed room's id), so a line
//! copied into another room's box does not open; the key binds both public
//! keys, so a line cannot be re-addressed. The member opens with the
//! X25519 form of their Ed25519 secret (the clamped scalar from the seed's
//! SHA-512, as `ed25519-dalek`'s `to_scalar_bytes`).
//!
//! A [`MemberBox`] is a postcard `Vec` of [`Line`]s (each: `to`, 8 bytes;
//! `eph`, 32; `nonce`, 24; `sealed`, a byte string). Whoever can write the
//! room can write its box, a hostile co-member included: decoding refuses
//! a box over [`MAX_MEMBER_BOX_BYTES`], more than [`MAX_MEMBER_BOX_LINES`]
//! lines or a line over [`MAX_MEMBER_LINE_BYTES`], and never panics; a
//! line that does not open is someone else's (or garbage), and
//! [`MemberBox::open_for`] tries every line addressed to the key, so a
//! forged line at one's address does not hide the true one.
//!
//! What this does not do: prove who sealed it (the relay's `Seal` is
//! signed by the room's write key, which the client checks), nor hide how
//! many members there are.

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use curve25519_dalek::montgomery::MontgomeryPoint;
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use hkdf::Hkdf;
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

pub use crate::limits::{MAX_MEMBER_BOX_BYTES, MAX_MEMBER_BOX_LINES, MAX_MEMBER_LINE_BYTES};

const LABEL: &[u8] = b"cahier/v4/member-box";
const TO_LABEL: &[u8] = b"cahier/v4/member-box/to";

/// The short address of a member's line: the first 8 bytes of
/// `SHA-256("cahier/v4/member-box/to" ‖ member_pk)`.
pub type Address = [u8; 8];

/// One member's line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub to: Address,
    pub eph: [u8; 32],
    pub nonce: [u8; 24],
    #[serde(with = "serde_bytes")]
    pub sealed: Vec<u8>,
}

/// A payload sealed to each of a list of members.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberBox {
    pub lines: Vec<Line>,
}

/// Why a box could not be built or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoxError {
    #[error("a member's key is not an Ed25519 public key")]
    BadKey,
    #[error("the box is larger than a relay accepts")]
    TooLarge,
    #[error("the box is not a list of member lines")]
    Malformed,
}

/// The address of `member`'s line.
pub fn address(member: &VerifyingKey) -> Address {
    let digest = Sha256::new()
        .chain_update(TO_LABEL)
        .chain_update(member.as_bytes())
        .finalize();
    let mut to = [0; 8];
    to.copy_from_slice(&digest[..8]);
    to
}

fn line_key(shared: &[u8; 32], eph: &[u8; 32], member: &[u8; 32], context: &[u8]) -> [u8; 32] {
    let mut info = Vec::with_capacity(LABEL.len() + 64 + context.len());
    info.extend_from_slice(LABEL);
    info.extend_from_slice(eph);
    info.extend_from_slice(member);
    info.extend_from_slice(context);
    let mut key = [0; 32];
    Hkdf::<Sha256>::new(None, shared)
        .expand(&info, &mut key)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    key
}

fn aad(to: &Address, context: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(LABEL.len() + 8 + context.len());
    aad.extend_from_slice(LABEL);
    aad.extend_from_slice(to);
    aad.extend_from_slice(context);
    aad
}

impl Line {
    /// Seal `payload` to `member` for `context`.
    pub fn seal(member: &VerifyingKey, context: &[u8], payload: &[u8]) -> Result<Self, BoxError> {
        if member.is_weak() {
            return Err(BoxError::BadKey);
        }
        if payload.len() + 16 > MAX_MEMBER_LINE_BYTES {
            return Err(BoxError::TooLarge);
        }
        let mut e = [0u8; 32];
        OsRng.fill_bytes(&mut e);
        let eph = MontgomeryPoint::mul_base_clamped(e).to_bytes();
        let mut shared = member.to_montgomery().mul_clamped(e).to_bytes();
        e.zeroize();
        if shared == [0; 32] {
            return Err(BoxError::BadKey);
        }
        let mut key = line_key(&shared, &eph, member.as_bytes(), context);
        shared.zeroize();
        let to = address(member);
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let sealed = XChaCha20Poly1305::new((&key).into())
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: payload,
                    aad: &aad(&to, context),
                },
            )
            .map_err(|_| BoxError::TooLarge);
        key.zeroize();
        Ok(Self {
            to,
            eph,
            nonce,
            sealed: sealed?,
        })
    }

    /// Open this line with `identity`, if it was sealed to it for
    /// `context`.
    pub fn open(&self, identity: &SigningKey, context: &[u8]) -> Option<Vec<u8>> {
        let member = identity.verifying_key();
        if self.to != address(&member) {
            return None;
        }
        let mut scalar = identity.to_scalar_bytes();
        let mut shared = MontgomeryPoint(self.eph).mul_clamped(scalar).to_bytes();
        scalar.zeroize();
        if shared == [0; 32] {
            return None;
        }
        let mut key = line_key(&shared, &self.eph, member.as_bytes(), context);
        shared.zeroize();
        let opened = XChaCha20Poly1305::new((&key).into())
            .decrypt(
                XNonce::from_slice(&self.nonce),
                Payload {
                    msg: &self.sealed,
                    aad: &aad(&self.to, context),
                },
            )
            .ok();
        key.zeroize();
        opened
    }
}

impl MemberBox {
    /// A box with one line per member, each holding that member's
    /// payload.
    pub fn seal<'a>(
        members: impl IntoIterator<Item = (&'a VerifyingKey, &'a [u8])>,
        context: &[u8],
    ) -> Result<Self, BoxError> {
        let mut lines = Vec::new();
        for (member, payload) in members {
            lines.push(Line::seal(member, context, payload)?);
            if lines.len() > MAX_MEMBER_BOX_LINES {
                return Err(BoxError::TooLarge);
            }
        }
        let built = Self { lines };
        if built.encode().len() > MAX_MEMBER_BOX_BYTES {
            return Err(BoxError::TooLarge);
        }
        Ok(built)
    }

    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("encoding into a Vec cannot fail")
    }

    /// Read a box, whoever wrote it: over-large boxes, too many lines,
    /// over-large lines and trailing bytes are refused.
    pub fn decode(bytes: &[u8]) -> Result<Self, BoxError> {
        if bytes.len() > MAX_MEMBER_BOX_BYTES {
            return Err(BoxError::TooLarge);
        }
        let (decoded, rest): (Self, _) =
            postcard::take_from_bytes(bytes).map_err(|_| BoxError::Malformed)?;
        if !rest.is_empty() {
            return Err(BoxError::Malformed);
        }
        if decoded.lines.len() > MAX_MEMBER_BOX_LINES
            || decoded
                .lines
                .iter()
                .any(|line| line.sealed.len() > MAX_MEMBER_LINE_BYTES)
        {
            return Err(BoxError::TooLarge);
        }
        Ok(decoded)
    }

    /// The payload of the first line addressed to `identity` that opens.
    pub fn open_for(&self, identity: &SigningKey, context: &[u8]) -> Option<Vec<u8>> {
        let to = address(&identity.verifying_key());
        self.lines
            .iter()
            .filter(|line| line.to == to)
            .find_map(|line| line.open(identity, context))
    }
}

/// Decode `bytes` and open the line for `identity`: `None` for a box with
/// no line that opens, a malformed or over-large one included.
pub fn open_for(bytes: &[u8], identity: &SigningKey, context: &[u8]) -> Option<Vec<u8>> {
    MemberBox::decode(bytes).ok()?.open_for(identity, context)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::generate(&mut OsRng)
    }

    #[test]
    fn the_addressee_opens_its_line_and_only_its_line() {
        let (a, b, c) = (key(), key(), key());
        let (pa, pb) = (a.verifying_key(), b.verifying_key());
        let sealed = MemberBox::seal(
            [
                (&pa, b"link for a".as_slice()),
                (&pb, b"link for b".as_slice()),
            ],
            b"room",
        )
        .expect("seals");
        let bytes = sealed.encode();
        assert_eq!(
            open_for(&bytes, &a, b"room").as_deref(),
            Some(&b"link for a"[..])
        );
        assert_eq!(
            open_for(&bytes, &b, b"room").as_deref(),
            Some(&b"link for b"[..])
        );
        assert_eq!(open_for(&bytes, &c, b"room"), None, "not a member");
        assert_eq!(open_for(&bytes, &a, b"other room"), None, "another context");
    }

    #[test]
    fn a_line_readdressed_or_tampered_with_does_not_open() {
        let (a, b) = (key(), key());
        let line = Line::seal(&a.verifying_key(), b"room", b"secret").expect("seals");
        // Every byte of the line, flipped in turn.
        for i in 0..line.sealed.len() {
            let mut bad = line.clone();
            bad.sealed[i] ^= 1;
            assert_eq!(bad.open(&a, b"room"), None);
        }
        for i in 0..32 {
            let mut bad = line.clone();
            bad.eph[i] ^= 1;
            assert_eq!(bad.open(&a, b"room"), None);
        }
        let mut bad = line.clone();
        bad.nonce[0] ^= 1;
        assert_eq!(bad.open(&a, b"room"), None);
        // Sent to b's address: b cannot open it, and neither can a now.
        let mut moved = line.clone();
        moved.to = address(&b.verifying_key());
        assert_eq!(moved.open(&b, b"room"), None);
        assert_eq!(moved.open(&a, b"room"), None);
        assert_eq!(line.open(&a, b"room").as_deref(), Some(&b"secret"[..]));
    }

    #[test]
    fn a_forged_line_at_ones_address_does_not_hide_the_true_one() {
        let a = key();
        let pa = a.verifying_key();
        let mut sealed = MemberBox::seal([(&pa, b"true".as_slice())], b"room").expect("seals");
        let forged = Line {
            to: address(&pa),
            eph: [9; 32],
            nonce: [1; 24],
            sealed: vec![0; 40],
        };
        sealed.lines.insert(0, forged);
        assert_eq!(sealed.open_for(&a, b"room").as_deref(), Some(&b"true"[..]));
    }

    #[test]
    fn a_hostile_box_is_refused_without_panic() {
        let a = key();
        // Garbage of every length.
        let mut seed = 0x9e3779b97f4a7c15u64;
        for len in 0..600 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u8
                })
                .collect();
            assert_eq!(open_for(&bytes, &a, b"room"), None);
        }
        // A count of lines far beyond the bytes.
        assert_eq!(
            MemberBox::decode(&[0xff, 0xff, 0xff, 0xff, 0x0f]),
            Err(BoxError::Malformed)
        );
        // A line claiming a huge ciphertext.
        let mut huge = vec![1];
        huge.extend([0; 8 + 32 + 24]);
        huge.extend([0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(MemberBox::decode(&huge), Err(BoxError::Malformed));
        // Too many lines, each well-formed.
        let many = MemberBox {
            lines: vec![
                Line {
                    to: [0; 8],
                    eph: [0; 32],
                    nonce: [0; 24],
                    sealed: vec![],
                };
                MAX_MEMBER_BOX_LINES + 1
            ],
        };
        assert_eq!(MemberBox::decode(&many.encode()), Err(BoxError::TooLarge));
        // A box over the size limit.
        assert_eq!(
            MemberBox::decode(&vec![0; MAX_MEMBER_BOX_BYTES + 1]),
            Err(BoxError::TooLarge)
        );
        // Trailing bytes.
        let mut trailing = MemberBox::default().encode();
        trailing.push(0);
        assert_eq!(MemberBox::decode(&trailing), Err(BoxError::Malformed));
        // A low-order ephemeral key (all zero): no line opens, no panic.
        let zero = MemberBox {
            lines: vec![Line {
                to: address(&a.verifying_key()),
                eph: [0; 32],
                nonce: [0; 24],
                sealed: vec![0; 32],
            }],
        };
        assert_eq!(zero.open_for(&a, b"room"), None);
    }

    #[test]
    fn sealing_refuses_what_a_relay_would_not_take() {
        let a = key();
        let pa = a.verifying_key();
        let big = vec![0; MAX_MEMBER_LINE_BYTES];
        assert_eq!(Line::seal(&pa, b"room", &big), Err(BoxError::TooLarge));
        let keys: Vec<VerifyingKey> = (0..MAX_MEMBER_BOX_LINES + 1).map(|_| pa).collect();
        assert_eq!(
            MemberBox::seal(keys.iter().map(|k| (k, b"x".as_slice())), b"room"),
            Err(BoxError::TooLarge)
        );
    }
}

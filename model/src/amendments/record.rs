//! Signed records: what members write in the amendment room, one per line
//! of its `records` text ([`super::log`]).
//!
//! A record is `base64url(body) "." base64url(signature)`, where `body` is
//! postcard of [`Body`] (a version byte, the author's identity key, the
//! name they went by, their clock, and the [`Entry`]), and the signature
//! is the author's Ed25519 signature over
//! `"cahier/v1/record" ‖ room ‖ body` (`room` the amendment room's 16-byte
//! id), so a record cannot be replayed into another document.
//!
//! Identity keys are each browser's own ([`Identity`]); nobody vouches for
//! them. What a signature proves is that every record claiming a key was
//! made by the holder of that key: an amendment's id is
//! `SHA-256("cahier/v1/amendment" ‖ author ‖ nonce)[..12]`, so only its
//! author can write a revision of it, and a forged one (signed by someone
//! else, or not at all) is seen as such ([`super::book`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The longest record line accepted, in bytes: a passage of a whole
/// chapter and its new wording fit; a flood does not.
pub const MAX_RECORD: usize = 256 * 1024;
/// The record format written today.
pub const VERSION: u8 = 1;

/// What an amendment proposes for its passage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Proposal {
    /// This wording instead of the passage (for an insertion point, the
    /// words to insert).
    Replace(String),
    /// Delete the passage.
    Delete,
}

impl Proposal {
    /// The text that would stand in the passage's place.
    pub fn wording(&self) -> &str {
        match self {
            Proposal::Replace(text) => text,
            Proposal::Delete => "",
        }
    }
}

/// A comment's position on the amendment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stance {
    For,
    Against,
    Neutral,
}

/// One revision of an amendment: revision 0 files it; later ones, by its
/// author only, change it while it is only filed, or withdraw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// With the author's key, what the amendment's id commits to.
    pub nonce: [u8; 12],
    pub rev: u32,
    /// Sticky indices into the text room's body ([`crate::Document::stick`]).
    #[serde(with = "serde_bytes")]
    pub start: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub end: Vec<u8>,
    /// The passage as it stood when filed (or revised).
    pub passage: String,
    /// Its lines then, 1-based, first and last.
    pub lines: (u32, u32),
    pub proposal: Proposal,
    pub rationale: String,
    /// The amendment this one amends, by id.
    pub parent: Option<String>,
    pub withdrawn: bool,
}

/// A comment on an amendment, or a reply to one (one level).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentEntry {
    pub nonce: [u8; 12],
    pub amendment: String,
    pub reply_to: Option<String>,
    pub stance: Stance,
    pub text: String,
}

/// "Je soutiens": the latest `rev` of one author's supports of one
/// amendment counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportEntry {
    pub amendment: String,
    pub on: bool,
    pub rev: u32,
}

/// "J'utilise cet argument": a claim of an argument map endorsed (or the
/// endorsement taken back); the latest `rev` of one author's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndorseEntry {
    pub claim: String,
    pub on: bool,
    pub rev: u32,
}

/// A claim's strength as one member sees it (0 to 4, `None`: the vote
/// taken back); the latest `rev` of one author's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpactEntry {
    pub claim: String,
    pub value: Option<u8>,
    pub rev: u32,
}

/// What a record says. New kinds go at the end: a build that does not
/// know one reads the line as unreadable, and says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Entry {
    Amendment(Revision),
    Comment(CommentEntry),
    Support(SupportEntry),
    Endorse(EndorseEntry),
    Impact(ImpactEntry),
    Join(JoinEntry),
}

/// In a workspace's amendment room: its author's browser joins the
/// workspace as a member with a read link (`on`), or leaves it; the latest
/// `rev` counts. What an editor reads to list the members a rotation
/// hands new keys to ([`crate::workspace`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinEntry {
    pub on: bool,
    pub rev: u32,
}

/// What is signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    pub version: u8,
    pub author: [u8; 32],
    /// The name the author went by when writing it.
    pub name: String,
    /// The author's clock, milliseconds since the Unix epoch.
    pub time: i64,
    pub entry: Entry,
}

/// A record read from a line: its body, and whether its signature holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    pub body: Body,
    /// The signature verifies against `body.author` for this room.
    pub valid: bool,
}

/// A line that is not a record at all (not base64, not postcard, too
/// long, a version this build does not know).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an entry of the amendments is unreadable")]
pub struct Unreadable;

/// This browser's identity key: it signs this person's amendments,
/// comments and supports. Kept by the page (the browser's storage); its
/// public half identifies the person in `people` too.
#[derive(Clone)]
pub struct Identity(SigningKey);

impl Identity {
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Identity(SigningKey::from_bytes(&seed))
    }

    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn public(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// The public key as 43 characters of base64url: how the page and the
    /// rows name an author.
    pub fn public_b64(&self) -> String {
        B64.encode(self.public())
    }

    /// The record line for `entry`, signed for `room`.
    pub fn sign(&self, room: &[u8; 16], name: &str, time: i64, entry: Entry) -> String {
        let body = Body {
            version: VERSION,
            author: self.public(),
            name: name.to_owned(),
            time,
            entry,
        };
        let bytes = postcard::to_allocvec(&body).unwrap_or_default();
        let signature = self.0.sign(&signed(room, &bytes));
        format!(
            "{}.{}",
            B64.encode(&bytes),
            B64.encode(signature.to_bytes())
        )
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identity({})", self.public_b64())
    }
}

fn signed(room: &[u8; 16], body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(16 + 16 + body.len());
    message.extend_from_slice(b"cahier/v1/record");
    message.extend_from_slice(room);
    message.extend_from_slice(body);
    message
}

/// Read one record line and check its signature for `room`.
pub fn read(room: &[u8; 16], line: &str) -> Result<Read, Unreadable> {
    if line.len() > MAX_RECORD * 2 {
        return Err(Unreadable);
    }
    let (body, signature) = line.split_once('.').ok_or(Unreadable)?;
    let bytes = B64.decode(body).map_err(|_| Unreadable)?;
    if bytes.len() > MAX_RECORD {
        return Err(Unreadable);
    }
    let parsed: Body = postcard::from_bytes(&bytes).map_err(|_| Unreadable)?;
    if parsed.version != VERSION {
        return Err(Unreadable);
    }
    let valid = B64
        .decode(signature)
        .ok()
        .and_then(|sig| <[u8; 64]>::try_from(sig.as_slice()).ok())
        .zip(VerifyingKey::from_bytes(&parsed.author).ok())
        .is_some_and(|(sig, key)| {
            !key.is_weak()
                // Strict: no malleable signatures, no small-order keys.
                && key
                    .verify_strict(&signed(room, &bytes), &Signature::from_bytes(&sig))
                    .is_ok()
        });
    Ok(Read {
        body: parsed,
        valid,
    })
}

/// Read a line this browser checked before ([`super::Book::trust`]):
/// decoded, its signature taken as valid.
pub fn read_trusted(line: &str) -> Result<Read, Unreadable> {
    let (body, _) = line.split_once('.').ok_or(Unreadable)?;
    let bytes = B64.decode(body).map_err(|_| Unreadable)?;
    let parsed: Body = postcard::from_bytes(&bytes).map_err(|_| Unreadable)?;
    if parsed.version != VERSION {
        return Err(Unreadable);
    }
    Ok(Read {
        body: parsed,
        valid: true,
    })
}

fn short_hash(label: &[u8], author: &[u8; 32], nonce: &[u8; 12]) -> String {
    let digest = Sha256::new()
        .chain_update(label)
        .chain_update(author)
        .chain_update(nonce)
        .finalize();
    B64.encode(&digest[..12])
}

/// An amendment's id: it commits to its author's key.
pub fn amendment_id(author: &[u8; 32], nonce: &[u8; 12]) -> String {
    short_hash(b"cahier/v1/amendment", author, nonce)
}

/// A comment's id, the same way.
pub fn comment_id(author: &[u8; 32], nonce: &[u8; 12]) -> String {
    short_hash(b"cahier/v1/comment", author, nonce)
}

/// An author's key as the rows show it.
pub fn author_b64(author: &[u8; 32]) -> String {
    B64.encode(author)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry::Support(SupportEntry {
            amendment: "x".into(),
            on: true,
            rev: 1,
        })
    }

    #[test]
    fn a_record_reads_back_with_a_valid_signature_only_in_its_own_room() {
        let me = Identity::from_seed([3; 32]);
        let line = me.sign(&[1; 16], "Awa", 42, entry());
        let read_back = read(&[1; 16], &line).expect("readable");
        assert!(read_back.valid);
        assert_eq!(read_back.body.author, me.public());
        assert_eq!(read_back.body.name, "Awa");
        assert_eq!(read_back.body.time, 42);
        assert_eq!(read_back.body.entry, entry());
        let elsewhere = read(&[2; 16], &line).expect("readable");
        assert!(!elsewhere.valid, "a record replayed into another room");
    }

    #[test]
    fn a_changed_body_or_a_claimed_author_fails_its_signature() {
        let me = Identity::from_seed([3; 32]);
        let other = Identity::from_seed([4; 32]);
        let line = me.sign(&[1; 16], "Awa", 42, entry());
        let (_, signature) = line.split_once('.').expect("two parts");
        // Someone else's body under my signature.
        let forged = other.sign(&[1; 16], "Awa", 43, entry());
        let (body, _) = forged.split_once('.').expect("two parts");
        let swapped = format!("{body}.{signature}");
        assert!(!read(&[1; 16], &swapped).expect("readable").valid);
        // A body claiming my key, signed by someone else.
        let mut claimed: Body =
            postcard::from_bytes(&B64.decode(body).expect("b64")).expect("postcard");
        claimed.author = me.public();
        let bytes = postcard::to_allocvec(&claimed).expect("encodes");
        let sig = other.0.sign(&signed(&[1; 16], &bytes));
        let line = format!("{}.{}", B64.encode(&bytes), B64.encode(sig.to_bytes()));
        assert!(!read(&[1; 16], &line).expect("readable").valid);
        assert!(read(&[1; 16], &format!("{body}.")).is_ok_and(|r| !r.valid));
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        for line in ["", ".", "abc", "a.b", "!!!.???", &"A".repeat(600_000)] {
            assert_eq!(read(&[0; 16], line), Err(Unreadable), "{line:.20}");
        }
    }

    #[test]
    fn ids_commit_to_the_author() {
        let a = Identity::from_seed([3; 32]).public();
        let b = Identity::from_seed([4; 32]).public();
        assert_ne!(amendment_id(&a, &[0; 12]), amendment_id(&b, &[0; 12]));
        assert_ne!(amendment_id(&a, &[0; 12]), amendment_id(&a, &[1; 12]));
        assert_ne!(amendment_id(&a, &[0; 12]), comment_id(&a, &[0; 12]));
        assert_eq!(amendment_id(&a, &[0; 12]).len(), 16);
    }
}

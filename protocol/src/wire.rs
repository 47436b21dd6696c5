//! The messages on the websocket: one binary frame per message, a version
//! byte ([`VERSION`], `2`) followed by the message encoded with [postcard].
//!
//! Postcard is compact and fully specified (see its "wire format" spec), so
//! another implementation can speak this without Rust. In short:
//!
//! - an enum is its variant index as a varint, then the variant's fields in
//!   order; the indices are the order of the variants below, starting at 0;
//! - `u64` is a LEB128 varint; `Option` is a byte `0` (none) or `1` then the
//!   value; a struct is its fields in order, with no names or lengths; a
//!   `String` is a varint length then its UTF-8 bytes;
//! - fixed byte arrays (room id: 16, message id: 16, `write_pk`: 32, `cap`:
//!   32) are their bytes with no length; byte strings (ciphertexts) and
//!   signatures are a varint length then the bytes; a `Vec` is a varint
//!   count then the items.
//!
//! Client → relay, in a session: one `Hello`, then any number of `Update`,
//! `Snapshot`, `Awareness` and `SnapshotVerdict`. Relay → client: `Welcome`
//! (with the head of the latest confirmed snapshot, if the client needs
//! it), the snapshot's ciphertext in `SnapshotChunk` frames, stored updates
//! in `Updates` chunks, `CaughtUp`, then live traffic: `Update`, `Ack`,
//! `Awareness`, `PeerLeft`, `CompactHint`, `SnapshotStored`,
//! `CheckSnapshot` (followed by its ciphertext in `CheckChunk` frames,
//! between which other live frames may come), `Sealed`, `Error`. The relay sends
//! nothing about a room (no
//! `Welcome`, no update, no presence) before the `Hello`'s read capability
//! matched the room's.
//!
//! [`decode_client`] and [`decode_server`] never panic, whatever the bytes,
//! and refuse trailing garbage.
//!
//! # Changes in version 2
//!
//! Version 1 frames are refused (`UnsupportedVersion`): everything that
//! speaks the protocol (the relay, the app, `client/`, the command line,
//! the bench) moved to version 2 together. Keys, room ids, ciphertexts and
//! signatures of updates and snapshots are unchanged, so rooms stored by a
//! v1 relay are served by a v2 relay as they are.
//!
//! - **A room id alone opens nothing.** `Hello` carries `cap`, the read
//!   capability `HKDF-SHA256(V, "cahier/v2/read")`, instead of `write_pk`.
//!   The relay stores only `read_check = SHA-256("cahier/v2/read-check" ‖
//!   cap)` and refuses a `Hello` whose `cap` does not match it
//!   (`NotAllowed`, new), before sending anything. `write_pk` moved into
//!   `create`, a [`CreateProof`]: the room's write key signs
//!   `"cahier/v2/create" ‖ room ‖ read_check`, so only an edit-link holder
//!   creates a room or registers its check, and a stranger who learnt
//!   `write_pk` (it is in view links) cannot squat a room with a wrong
//!   capability. Editors send it on every connection. A room stored by v1
//!   has no read check: the first editor's `Hello` registers it; until
//!   then only editors are served (`NotAllowed` for the others).
//! - **Creation tokens.** [`CreateProof`] carries an optional `token`; a
//!   relay started with `--creation-token` creates a room only for a
//!   `Hello` with one of its tokens (`TokenRequired`, new) and serves
//!   existing rooms without one.
//! - **Presence is bound to its connection and signed by editors.**
//!   `Awareness` carries a per-connection `counter` and, from an editor, a
//!   signature; the relay forwards both with the sender's peer id. The
//!   sealing context's message id is `peer (8 bytes, big-endian) ‖ counter
//!   (8, big-endian)` (see [`crate::envelope`]), so presence replayed from
//!   another connection does not open, and an unsigned one is shown as a
//!   reader's whatever it says.
//! - **Snapshots are confirmed before they replace anything.** A snapshot
//!   upload is kept as a proposal; the relay sends it to another caught-up
//!   connection as `CheckSnapshot`, which answers `SnapshotVerdict`. Only
//!   `Matches` from a connection other than the uploader's makes it replace
//!   the updates it covers (then `SnapshotStored` goes to the uploader);
//!   `Differs` drops it (`SnapshotRefused`, new, to the uploader);
//!   `CannotTell` makes the relay ask another connection.
//! - **Dedup survives compaction.** The relay keeps the message ids of the
//!   updates a snapshot replaced (without their ciphertexts), so an old
//!   signed update replayed after a compaction is acknowledged again, not
//!   stored again. Nothing changes on the wire for this, but a client may
//!   now get an `Ack` whose `seq` is at or below what it applied.
//! - **Clients check the relay's ordering** ([`crate::session`]): nothing
//!   changed in the frames, but a relay that reorders, replays, withholds
//!   live updates or acknowledges what it was not sent is reported.
//! - **Snapshots are served in chunks.** `Welcome.snapshot` is a
//!   [`SnapshotHead`] (what the signature covers, and the ciphertext's
//!   length), and the ciphertext follows in order in `SnapshotChunk`
//!   frames (about [`SNAPSHOT_CHUNK_BYTES`] each) until `len` bytes have
//!   come, before any `Updates`. The relay reads a stored snapshot chunk by
//!   chunk into the connection's bounded queue, so a catch-up holds about
//!   one chunk instead of a copy of the whole snapshot (up to 32 MiB) per
//!   newcomer; a client refuses a head longer than
//!   [`MAX_SNAPSHOT_BYTES`] and chunks past the announced length. Uploads
//!   are unchanged (one `Snapshot` frame: its signature covers the whole
//!   ciphertext).
//! - **Snapshots to check are sent in chunks too.** (A change within
//!   version 2, made before it shipped: the first drafts of version 2 sent
//!   `CheckSnapshot { snapshot: StoredSnapshot }`, the whole ciphertext in
//!   one frame, which the relay sent only when it fitted in half of the
//!   checker's queue, so a snapshot over about 2 MiB was never confirmed.)
//!   `CheckSnapshot` (variant 11) now carries `head`, a [`SnapshotHead`]
//!   (the same fields as `Welcome`'s: `covers_upto`, `msg_id`, `len`,
//!   `signature`), and the ciphertext follows in `CheckChunk` frames (new,
//!   variant 12: a byte string, like `SnapshotChunk`) until `len` bytes
//!   have come. Unlike a catch-up's chunks, a check's may be interleaved
//!   with any other frame of the live connection (updates, acks, presence:
//!   the relay feeds them to the checker's queue only while it is half
//!   free, so live traffic never waits behind a big snapshot), except
//!   another `CheckSnapshot`: the relay sends one check at a time per
//!   connection, to its end. A client refuses, as malformed, a head longer
//!   than [`MAX_SNAPSHOT_BYTES`], a `CheckChunk` with no check announced or
//!   past its length, and a `CheckSnapshot` while another is still
//!   arriving; each of these drops the check being assembled, if any, as
//!   does the connection closing, and an unfinished check gets no
//!   verdict.
//! - **New error codes** (numbered after the others): `QuotaExceeded` (the
//!   room, or the relay's storage, is full: nothing more is stored until
//!   space is made; the room can still be read) and `TooManyCreations`
//!   (this address created as many rooms as the relay allows for now);
//!   `NotAllowed`, `TokenRequired` and `SnapshotRefused` are above.
//! - **Sealed rooms** (issue 15, added within version 2: an older peer
//!   reads neither message, and an older relay answers `Seal` with
//!   `Malformed`). `ClientMsg::Seal` (variant 5): `member_box`, a byte
//!   string (varint length, at most [`crate::limits::MAX_MEMBER_BOX_BYTES`],
//!   then the postcard bytes of a [`crate::memberbox::MemberBox`]), then
//!   `signature`, a byte string of 64: Ed25519 by the room's write key
//!   over `"cahier/v1/sig" ‖ room (16) ‖ 4 ‖ 0 × 16 ‖ 0 × 8 ‖ member_box`
//!   ([`crate::envelope::Context::seal`]). The relay stores it once; a
//!   second seal, and every later `Update` or `Snapshot`, get
//!   `RoomSealed` (error code 20). `ServerMsg::Sealed` (variant 13), the
//!   same two fields, goes to every connection of the room when the seal
//!   is stored, and to each `Hello` after its `CaughtUp`; reading stays
//!   allowed (a removed member keeps what it could read).

use serde::{Deserialize, Serialize};

use crate::envelope::{MsgId, Signature};
use crate::keys::{RoomId, KEY_LEN};

/// The protocol version, first byte of every frame.
pub const VERSION: u8 = 2;

/// Proof, in `Hello`, that the client holds the room's write key: it may
/// create the room, or register the read check of a room stored without
/// one. See [`crate::envelope`] for what `signature` signs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateProof {
    /// Must hash to the room id.
    pub write_pk: [u8; KEY_LEN],
    /// Ed25519 by the write key over `"cahier/v2/create" ‖ room ‖
    /// read_check`.
    #[serde(with = "serde_bytes")]
    pub signature: Signature,
    /// A creation token, for a relay that creates rooms only with one
    /// (at most [`crate::limits::MAX_TOKEN_BYTES`] bytes are read).
    pub token: Option<String>,
}

/// A client's answer to [`ServerMsg::CheckSnapshot`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// The snapshot holds what this client applied up to its
    /// `covers_upto`, and nothing else.
    Matches,
    /// It does not: the relay must not let it replace anything.
    Differs,
    /// This client cannot judge (it set an update aside, waits for a
    /// missing one, or keeps no document): ask another.
    CannotTell,
}

/// About how many ciphertext bytes the relay puts in one `SnapshotChunk`
/// or `CheckChunk` (its default; a client accepts any size).
pub const SNAPSHOT_CHUNK_BYTES: usize = 256 << 10;

/// The largest snapshot a client assembles: above the relay's largest
/// (32 MiB by default), with room for a relay configured higher.
pub const MAX_SNAPSHOT_BYTES: u64 = 256 << 20;

/// The longest creation token a relay reads.
pub use crate::limits::MAX_TOKEN_BYTES;

/// The relay's number for a connection in a room, used in awareness.
pub type PeerId = u64;

/// Client → relay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientMsg {
    /// Join `room`. `since_seq`: the last sequence number this client has
    /// applied (none for a new client, which then gets the latest snapshot
    /// and the updates after it). `cap`: the read capability, which must
    /// match the room's read check. `create`: an editor's proof, to create
    /// the room (or register its read check); a reader sends none.
    Hello {
        room: RoomId,
        since_seq: Option<u64>,
        cap: [u8; KEY_LEN],
        create: Option<CreateProof>,
    },
    /// A sealed Yrs update.
    Update {
        msg_id: MsgId,
        #[serde(with = "serde_bytes")]
        ciphertext: Vec<u8>,
        #[serde(with = "serde_bytes")]
        signature: Signature,
    },
    /// A sealed snapshot of the whole document, replacing every update up to
    /// and including `covers_upto`.
    Snapshot {
        msg_id: MsgId,
        covers_upto: u64,
        #[serde(with = "serde_bytes")]
        ciphertext: Vec<u8>,
        #[serde(with = "serde_bytes")]
        signature: Signature,
    },
    /// Sealed presence (cursor, name, heads); forwarded, never stored.
    /// `counter` grows with each presence frame of this connection; an
    /// editor signs, a reader cannot.
    Awareness {
        counter: u64,
        #[serde(with = "serde_bytes")]
        ciphertext: Vec<u8>,
        #[serde(with = "serde_bytes")]
        signature: Option<Signature>,
    },
    /// The answer to [`ServerMsg::CheckSnapshot`] for the snapshot
    /// `msg_id`.
    SnapshotVerdict { msg_id: MsgId, verdict: Verdict },
    /// Seal the room (issue 15, variant 5): from now on the relay refuses
    /// every update and snapshot to it (`RoomSealed`) and hands
    /// `member_box` (a [`crate::memberbox::MemberBox`], at most
    /// [`crate::limits::MAX_MEMBER_BOX_BYTES`]) to whoever joins.
    /// `signature`: the room's write key over
    /// [`crate::envelope::Context::seal`] and the box. Once only.
    Seal {
        #[serde(with = "serde_bytes")]
        member_box: Vec<u8>,
        #[serde(with = "serde_bytes")]
        signature: Signature,
    },
}

/// An update as the relay stores and forwards it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredUpdate {
    pub seq: u64,
    pub msg_id: MsgId,
    #[serde(with = "serde_bytes")]
    pub ciphertext: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub signature: Signature,
}

/// A snapshot as the relay stores and forwards it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSnapshot {
    pub covers_upto: u64,
    pub msg_id: MsgId,
    #[serde(with = "serde_bytes")]
    pub ciphertext: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub signature: Signature,
}

impl StoredSnapshot {
    /// What a `Welcome` says of it; the ciphertext follows in chunks.
    pub fn head(&self) -> SnapshotHead {
        SnapshotHead {
            covers_upto: self.covers_upto,
            msg_id: self.msg_id,
            len: self.ciphertext.len() as u64,
            signature: self.signature,
        }
    }
}

/// A snapshot without its ciphertext, which follows in `SnapshotChunk`
/// frames (after `Welcome`) or `CheckChunk` frames (after
/// `CheckSnapshot`): `len` bytes in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotHead {
    pub covers_upto: u64,
    pub msg_id: MsgId,
    pub len: u64,
    #[serde(with = "serde_bytes")]
    pub signature: Signature,
}

/// Relay → client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerMsg {
    /// The answer to `Hello`: this connection's peer id, the room's last
    /// sequence number, the head of the snapshot to start from (if the
    /// client needs one: its ciphertext follows in `SnapshotChunk`
    /// frames), and how many stored updates follow before `CaughtUp`.
    Welcome {
        peer: PeerId,
        head_seq: u64,
        snapshot: Option<SnapshotHead>,
        pending: u64,
    },
    /// A chunk of stored updates, in sequence order.
    Updates(Vec<StoredUpdate>),
    /// Catch-up is complete: everything up to `head_seq` has been sent.
    CaughtUp { head_seq: u64 },
    /// The update `msg_id` is durably stored as `seq`.
    Ack { msg_id: MsgId, seq: u64 },
    /// Another peer's update, live.
    Update(StoredUpdate),
    /// The snapshot was confirmed by another connection and stored;
    /// updates up to `covers_upto` are gone.
    SnapshotStored { covers_upto: u64 },
    /// Another peer's presence, with the connection's counter and the
    /// signature as it sent them.
    Awareness {
        peer: PeerId,
        counter: u64,
        #[serde(with = "serde_bytes")]
        ciphertext: Vec<u8>,
        #[serde(with = "serde_bytes")]
        signature: Option<Signature>,
    },
    /// A peer left the room: forget its presence.
    PeerLeft { peer: PeerId },
    /// The room's log is long: an editor should upload a snapshot covering
    /// up to `head_seq`.
    CompactHint { head_seq: u64 },
    /// Something was refused; `msg_id` names the message, if it had one.
    Error {
        code: ErrorCode,
        msg_id: Option<MsgId>,
    },
    /// The next piece of the snapshot announced by `Welcome`.
    SnapshotChunk(#[serde(with = "serde_bytes")] Vec<u8>),
    /// A co-author proposed this snapshot: compare it with what this
    /// client applied and answer [`ClientMsg::SnapshotVerdict`]. Its
    /// ciphertext follows in `CheckChunk` frames, `head.len` bytes in all,
    /// which other frames may come between (live traffic goes on while a
    /// big snapshot is sent), but not another `CheckSnapshot`.
    CheckSnapshot { head: SnapshotHead },
    /// The next piece of the snapshot announced by `CheckSnapshot`.
    CheckChunk(#[serde(with = "serde_bytes")] Vec<u8>),
    /// The room is sealed (variant 13): an editor moved the document to
    /// new rooms and left, in `member_box`, the new link for each
    /// remaining member. Sent after `CaughtUp` to a `Hello`, and live to
    /// every connection when the seal is stored. `signature` is the
    /// seal's, for the client to check against the room's write key (the
    /// relay checked it too, but a client does not trust the relay).
    Sealed {
        #[serde(with = "serde_bytes")]
        member_box: Vec<u8>,
        #[serde(with = "serde_bytes")]
        signature: Signature,
    },
}

/// Why the relay refused something. Encoded as a `u16` varint so that an
/// older client can still read a newer relay's codes (as `Other`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "u16", into = "u16")]
pub enum ErrorCode {
    /// The frame was not a valid message.
    Malformed,
    /// The version byte is not one this relay speaks.
    UnsupportedVersion,
    /// A frame over the size limit.
    TooLarge,
    /// The signature does not verify against the room's write key.
    BadSignature,
    /// A snapshot older than (or as old as) the stored one.
    StaleSnapshot,
    /// A snapshot claiming to cover updates the room does not have.
    InvalidSnapshot,
    /// Over the message rate limit; the message was not processed.
    RateLimited,
    /// `Hello` without a creation proof for a room the relay does not know.
    UnknownRoom,
    /// The creation proof's `write_pk` does not hash to the room id, or
    /// its signature does not verify.
    WrongRoomKey,
    /// A message other than `Hello` before `Hello`, or a second `Hello`.
    NotInRoom,
    /// The room has as many peers as allowed.
    RoomFull,
    /// The relay has as many rooms open as allowed.
    TooManyRooms,
    /// The relay could not store the message; it was not acknowledged.
    StorageFailed,
    /// The relay is shutting down.
    ShuttingDown,
    /// The read capability does not match the room's (or the room, stored
    /// before version 2, has none yet and only an editor may register it).
    NotAllowed,
    /// The relay creates rooms only for holders of a creation token, and
    /// `Hello` had none of its tokens.
    TokenRequired,
    /// Another connection found that the snapshot does not match what it
    /// applied: it was dropped.
    SnapshotRefused,
    /// The room, or the relay's storage as a whole, is full: the update
    /// was not stored (nor forwarded). The room can still be read; a
    /// snapshot that makes it smaller is taken.
    QuotaExceeded,
    /// This address has created as many rooms as the relay allows for now.
    TooManyCreations,
    /// The room is sealed (its document moved to new rooms when a member
    /// was removed): it takes no more updates, snapshots, nor a second
    /// seal.
    RoomSealed,
    /// A code this version does not know.
    Other(u16),
}

impl ErrorCode {
    /// Every known code, in wire order (the code of `ALL[i]` is `i + 1`):
    /// new codes go at the end.
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::Malformed,
        ErrorCode::UnsupportedVersion,
        ErrorCode::TooLarge,
        ErrorCode::BadSignature,
        ErrorCode::StaleSnapshot,
        ErrorCode::InvalidSnapshot,
        ErrorCode::RateLimited,
        ErrorCode::UnknownRoom,
        ErrorCode::WrongRoomKey,
        ErrorCode::NotInRoom,
        ErrorCode::RoomFull,
        ErrorCode::TooManyRooms,
        ErrorCode::StorageFailed,
        ErrorCode::ShuttingDown,
        ErrorCode::NotAllowed,
        ErrorCode::TokenRequired,
        ErrorCode::SnapshotRefused,
        ErrorCode::QuotaExceeded,
        ErrorCode::TooManyCreations,
        ErrorCode::RoomSealed,
    ];

    /// A stable snake_case name, for metrics and logs.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::Malformed => "malformed",
            ErrorCode::UnsupportedVersion => "unsupported_version",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::BadSignature => "bad_signature",
            ErrorCode::StaleSnapshot => "stale_snapshot",
            ErrorCode::InvalidSnapshot => "invalid_snapshot",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::UnknownRoom => "unknown_room",
            ErrorCode::WrongRoomKey => "wrong_room_key",
            ErrorCode::NotInRoom => "not_in_room",
            ErrorCode::RoomFull => "room_full",
            ErrorCode::TooManyRooms => "too_many_rooms",
            ErrorCode::StorageFailed => "storage_failed",
            ErrorCode::ShuttingDown => "shutting_down",
            ErrorCode::NotAllowed => "not_allowed",
            ErrorCode::TokenRequired => "token_required",
            ErrorCode::SnapshotRefused => "snapshot_refused",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::TooManyCreations => "too_many_creations",
            ErrorCode::RoomSealed => "room_sealed",
            ErrorCode::Other(_) => "other",
        }
    }
}

impl ErrorCode {
    /// A short English sentence for a person (the command line, logs);
    /// the app has its own words in each language.
    pub fn describe(self) -> &'static str {
        match self {
            ErrorCode::Malformed => "the relay could not read a message",
            ErrorCode::UnsupportedVersion => "the relay speaks another version of the protocol",
            ErrorCode::TooLarge => "a message was larger than the relay accepts",
            ErrorCode::BadSignature => {
                "the signature did not match: this link cannot write, or the message was altered"
            }
            ErrorCode::StaleSnapshot => "the relay already holds a newer snapshot",
            ErrorCode::InvalidSnapshot => "the snapshot claims updates the relay does not have",
            ErrorCode::RateLimited => "too many messages were sent too quickly",
            ErrorCode::UnknownRoom => "the relay does not know this document",
            ErrorCode::WrongRoomKey => "the document's key does not match its room",
            ErrorCode::NotInRoom => "a message came before joining the document",
            ErrorCode::RoomFull => "the document has as many people as the relay allows",
            ErrorCode::TooManyRooms => "the relay has as many documents open as it allows",
            ErrorCode::StorageFailed => "the relay could not store the message",
            ErrorCode::ShuttingDown => "the relay is shutting down",
            ErrorCode::NotAllowed => {
                "the relay does not open this document for this link (a document stored before protocol version 2 opens for readers once an editor opened it)"
            }
            ErrorCode::TokenRequired => {
                "this relay creates new documents only with one of its creation tokens"
            }
            ErrorCode::SnapshotRefused => {
                "a co-author's copy did not match the snapshot, which was refused"
            }
            ErrorCode::QuotaExceeded => {
                "the document, or the relay's storage, is full: nothing more can be stored for now"
            }
            ErrorCode::TooManyCreations => {
                "too many documents were created from this address recently: try again later"
            }
            ErrorCode::RoomSealed => {
                "this document moved to new keys after a member was removed: its old address takes no more changes"
            }
            ErrorCode::Other(_) => "the relay refused, for a reason this version does not know",
        }
    }
}

impl From<u16> for ErrorCode {
    fn from(n: u16) -> Self {
        match n
            .checked_sub(1)
            .and_then(|i| ErrorCode::ALL.get(usize::from(i)))
        {
            Some(code) => *code,
            None => ErrorCode::Other(n),
        }
    }
}

impl From<ErrorCode> for u16 {
    fn from(code: ErrorCode) -> u16 {
        match code {
            ErrorCode::Other(n) => n,
            known => ErrorCode::ALL
                .iter()
                .position(|c| *c == known)
                .map_or(0, |i| i as u16 + 1),
        }
    }
}

/// A frame that is not a valid message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("empty frame")]
    Empty,
    #[error("protocol version {0} is not supported (this side speaks {VERSION})")]
    UnsupportedVersion(u8),
    #[error("malformed message: {0}")]
    Malformed(String),
}

impl WireError {
    pub fn code(&self) -> ErrorCode {
        match self {
            WireError::UnsupportedVersion(_) => ErrorCode::UnsupportedVersion,
            _ => ErrorCode::Malformed,
        }
    }
}

fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    postcard::to_extend(msg, vec![VERSION]).expect("encoding into a Vec cannot fail")
}

fn decode<'a, T: Deserialize<'a>>(frame: &'a [u8]) -> Result<T, WireError> {
    let (&version, body) = frame.split_first().ok_or(WireError::Empty)?;
    if version != VERSION {
        return Err(WireError::UnsupportedVersion(version));
    }
    let (msg, rest) =
        postcard::take_from_bytes(body).map_err(|e| WireError::Malformed(e.to_string()))?;
    if !rest.is_empty() {
        return Err(WireError::Malformed(format!(
            "{} trailing bytes",
            rest.len()
        )));
    }
    Ok(msg)
}

impl ClientMsg {
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }
}

impl ServerMsg {
    pub fn encode(&self) -> Vec<u8> {
        encode(self)
    }
}

pub fn decode_client(frame: &[u8]) -> Result<ClientMsg, WireError> {
    decode(frame)
}

pub fn decode_server(frame: &[u8]) -> Result<ServerMsg, WireError> {
    decode(frame)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn samples() -> (Vec<ClientMsg>, Vec<ServerMsg>) {
        let update = StoredUpdate {
            seq: 300,
            msg_id: [3; 16],
            ciphertext: vec![1, 2, 3],
            signature: [4; 64],
        };
        let client = vec![
            ClientMsg::Hello {
                room: RoomId([1; 16]),
                since_seq: Some(7),
                cap: [2; 32],
                create: Some(CreateProof {
                    write_pk: [3; 32],
                    signature: [4; 64],
                    token: Some("jeton de création".into()),
                }),
            },
            ClientMsg::Hello {
                room: RoomId([1; 16]),
                since_seq: None,
                cap: [2; 32],
                create: None,
            },
            ClientMsg::Update {
                msg_id: [5; 16],
                ciphertext: vec![9; 40],
                signature: [6; 64],
            },
            ClientMsg::Snapshot {
                msg_id: [5; 16],
                covers_upto: 12,
                ciphertext: vec![8; 100],
                signature: [6; 64],
            },
            ClientMsg::Awareness {
                counter: 3,
                ciphertext: vec![1; 30],
                signature: Some([7; 64]),
            },
            ClientMsg::Awareness {
                counter: 1 << 40,
                ciphertext: vec![1; 30],
                signature: None,
            },
            ClientMsg::SnapshotVerdict {
                msg_id: [8; 16],
                verdict: Verdict::Matches,
            },
            ClientMsg::SnapshotVerdict {
                msg_id: [8; 16],
                verdict: Verdict::CannotTell,
            },
            ClientMsg::Seal {
                member_box: vec![1, 2, 3],
                signature: [9; 64],
            },
        ];
        let server = vec![
            ServerMsg::Welcome {
                peer: 4,
                head_seq: 10,
                snapshot: Some(
                    StoredSnapshot {
                        covers_upto: 8,
                        msg_id: [1; 16],
                        ciphertext: vec![2; 5],
                        signature: [3; 64],
                    }
                    .head(),
                ),
                pending: 2,
            },
            ServerMsg::SnapshotChunk(vec![2; 5]),
            ServerMsg::Updates(vec![update.clone(), update.clone()]),
            ServerMsg::CaughtUp { head_seq: 10 },
            ServerMsg::Ack {
                msg_id: [5; 16],
                seq: 11,
            },
            ServerMsg::Update(update),
            ServerMsg::SnapshotStored { covers_upto: 8 },
            ServerMsg::Awareness {
                peer: 2,
                counter: 9,
                ciphertext: vec![7; 9],
                signature: Some([1; 64]),
            },
            ServerMsg::Awareness {
                peer: 2,
                counter: 10,
                ciphertext: vec![7; 9],
                signature: None,
            },
            ServerMsg::PeerLeft { peer: 2 },
            ServerMsg::CompactHint { head_seq: 10 },
            ServerMsg::Error {
                code: ErrorCode::BadSignature,
                msg_id: Some([5; 16]),
            },
            ServerMsg::Error {
                code: ErrorCode::Other(999),
                msg_id: None,
            },
            ServerMsg::CheckSnapshot {
                head: StoredSnapshot {
                    covers_upto: 8,
                    msg_id: [1; 16],
                    ciphertext: vec![2; 5],
                    signature: [3; 64],
                }
                .head(),
            },
            ServerMsg::CheckChunk(vec![2; 5]),
            ServerMsg::Sealed {
                member_box: vec![4; 7],
                signature: [5; 64],
            },
        ];
        (client, server)
    }

    #[test]
    fn every_message_round_trips() {
        let (client, server) = samples();
        for msg in client {
            assert_eq!(decode_client(&msg.encode()), Ok(msg));
        }
        for msg in server {
            assert_eq!(decode_server(&msg.encode()), Ok(msg));
        }
    }

    #[test]
    fn the_encoding_is_the_documented_one() {
        // version 2, variant 1 (Update), 16 id bytes, length 2, two bytes,
        // length 64 and the signature.
        let msg = ClientMsg::Update {
            msg_id: [0xaa; 16],
            ciphertext: vec![1, 2],
            signature: [0xbb; 64],
        };
        let mut expected = vec![2, 1];
        expected.extend([0xaa; 16]);
        expected.extend([2, 1, 2, 64]);
        expected.extend([0xbb; 64]);
        assert_eq!(msg.encode(), expected);
        assert_eq!(
            ServerMsg::Ack {
                msg_id: [0; 16],
                seq: 300
            }
            .encode()[..2],
            [2, 3]
        );
        let code = ServerMsg::Error {
            code: ErrorCode::TooLarge,
            msg_id: None,
        }
        .encode();
        assert_eq!(code, vec![2, 9, 3, 0]);
        // Hello: variant 0, room, no since_seq, the 32 capability bytes,
        // then a creation proof: write_pk, length 64 and the signature,
        // and a token "ab" (length 2, its bytes).
        let hello = ClientMsg::Hello {
            room: RoomId([0x11; 16]),
            since_seq: None,
            cap: [0x22; 32],
            create: Some(CreateProof {
                write_pk: [0x33; 32],
                signature: [0x44; 64],
                token: Some("ab".into()),
            }),
        };
        let mut expected = vec![2, 0];
        expected.extend([0x11; 16]);
        expected.push(0);
        expected.extend([0x22; 32]);
        expected.push(1);
        expected.extend([0x33; 32]);
        expected.push(64);
        expected.extend([0x44; 64]);
        expected.extend([1, 2, b'a', b'b']);
        assert_eq!(hello.encode(), expected);
        // Awareness: variant 3, counter 300 (varint ac 02), length 1, the
        // byte, then no signature.
        let aware = ClientMsg::Awareness {
            counter: 300,
            ciphertext: vec![9],
            signature: None,
        };
        assert_eq!(aware.encode(), vec![2, 3, 0xac, 0x02, 1, 9, 0]);
        // A verdict: variant 4, the id, variant 1 (Differs).
        let mut expected = vec![2, 4];
        expected.extend([0x55; 16]);
        expected.push(1);
        assert_eq!(
            ClientMsg::SnapshotVerdict {
                msg_id: [0x55; 16],
                verdict: Verdict::Differs
            }
            .encode(),
            expected
        );
        // The new codes come after the fourteen of version 1.
        assert_eq!(u16::from(ErrorCode::NotAllowed), 15);
        assert_eq!(u16::from(ErrorCode::TokenRequired), 16);
        assert_eq!(u16::from(ErrorCode::SnapshotRefused), 17);
        // Shield's codes come after those.
        let quota = ServerMsg::Error {
            code: ErrorCode::QuotaExceeded,
            msg_id: None,
        }
        .encode();
        assert_eq!(quota, vec![2, 9, 18, 0]);
        assert_eq!(u16::from(ErrorCode::TooManyCreations), 19);
        // A chunk: version, variant 10, length, bytes.
        assert_eq!(
            ServerMsg::SnapshotChunk(vec![7, 8]).encode(),
            vec![2, 10, 2, 7, 8]
        );
        // A check's head: variant 11, covers_upto 300 (ac 02), the id, the
        // length 5, then length 64 and the signature; its chunks are
        // variant 12.
        let check = ServerMsg::CheckSnapshot {
            head: SnapshotHead {
                covers_upto: 300,
                msg_id: [0x66; 16],
                len: 5,
                signature: [0x77; 64],
            },
        };
        let mut expected = vec![2, 11, 0xac, 0x02];
        expected.extend([0x66; 16]);
        expected.extend([5, 64]);
        expected.extend([0x77; 64]);
        assert_eq!(check.encode(), expected);
        assert_eq!(
            ServerMsg::CheckChunk(vec![7, 8]).encode(),
            vec![2, 12, 2, 7, 8]
        );
        // A seal: variant 5, the box (length 2, its bytes), length 64 and
        // the signature; the relay's `Sealed` is variant 13, the same
        // fields; `RoomSealed` is code 20.
        let mut expected = vec![2, 5, 2, 7, 8, 64];
        expected.extend([0x88; 64]);
        assert_eq!(
            ClientMsg::Seal {
                member_box: vec![7, 8],
                signature: [0x88; 64]
            }
            .encode(),
            expected
        );
        expected[1] = 13;
        assert_eq!(
            ServerMsg::Sealed {
                member_box: vec![7, 8],
                signature: [0x88; 64]
            }
            .encode(),
            expected
        );
        assert_eq!(u16::from(ErrorCode::RoomSealed), 20);
    }

    #[test]
    fn error_codes_round_trip_and_unknown_ones_survive() {
        let mut said = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from(u16::from(code)), code);
            assert!(said.insert(code.describe()), "{code:?} shares its words");
        }
        assert!(said.insert(ErrorCode::Other(77).describe()));
        assert_eq!(ErrorCode::from(500), ErrorCode::Other(500));
        assert_eq!(ErrorCode::from(0), ErrorCode::Other(0));
    }

    #[test]
    fn bad_frames_get_errors_not_panics() {
        assert_eq!(decode_client(&[]), Err(WireError::Empty));
        assert_eq!(
            decode_client(&[1, 0]),
            Err(WireError::UnsupportedVersion(1)),
            "version 1 is over"
        );
        let mut trailing = ClientMsg::Awareness {
            counter: 1,
            ciphertext: vec![1],
            signature: None,
        }
        .encode();
        trailing.push(0);
        assert!(matches!(
            decode_client(&trailing),
            Err(WireError::Malformed(_))
        ));
        // a length prefix far larger than the frame
        assert!(decode_client(&[2, 3, 1, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
    }

    /// Random frames, every truncation and single-byte mutations of valid
    /// frames: decoding must return, never panic, never over-allocate.
    #[test]
    fn decoding_never_panics() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0xca41e5);
        let (client, server) = samples();
        let mut frames: Vec<Vec<u8>> = client.iter().map(ClientMsg::encode).collect();
        frames.extend(server.iter().map(ServerMsg::encode));
        for frame in &frames {
            for cut in 0..frame.len() {
                let _ = decode_client(&frame[..cut]);
                let _ = decode_server(&frame[..cut]);
            }
            for _ in 0..2_000 {
                let mut bad = frame.clone();
                let at = rng.gen_range(0..bad.len());
                bad[at] = rng.gen();
                let _ = decode_client(&bad);
                let _ = decode_server(&bad);
            }
        }
        for _ in 0..20_000 {
            let len = rng.gen_range(0..200);
            let mut bytes: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
            if let Some(first) = bytes.first_mut() {
                *first = VERSION;
            }
            let _ = decode_client(&bytes);
            let _ = decode_server(&bytes);
        }
    }

    #[test]
    fn every_code_has_its_own_name_and_sentence() {
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.name()).collect();
        assert!(names
            .iter()
            .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        assert_eq!(ErrorCode::StorageFailed.name(), "storage_failed");
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        let mut sentences: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.describe()).collect();
        sentences.push(ErrorCode::Other(999).describe());
        assert!(sentences.iter().all(|s| s.len() > 10));
        sentences.sort_unstable();
        sentences.dedup();
        assert_eq!(sentences.len(), ErrorCode::ALL.len() + 1);
    }

    #[test]
    fn a_frame_of_another_version_is_told_apart_from_a_malformed_one() {
        assert_eq!(
            WireError::UnsupportedVersion(2).code(),
            ErrorCode::UnsupportedVersion
        );
        assert_eq!(WireError::Empty.code(), ErrorCode::Malformed);
        assert_eq!(
            WireError::Malformed("x".into()).code(),
            ErrorCode::Malformed
        );
    }
}

//! The protocol's limits, in one place (STYLE.md, "one set of limits"):
//! the sizes every program that speaks the protocol must agree on, so
//! that what the app or the command line sends fits what a relay with
//! its default configuration accepts. The relay's own configuration
//! (`relay/src/config.rs`) takes its defaults from here; an operator may
//! raise or lower them, and a client that meets a lower limit is told so
//! (`ErrorCode::TooLarge`).
//!
//! The numbers are byte sizes. Frame limits count the whole websocket
//! frame (version byte, message, envelope); payload limits count the
//! plaintext before sealing.

/// The relay's default limit on a frame other than a snapshot or a
/// presence frame (an update, a hello): `--max-frame`.
pub const MAX_FRAME_BYTES: usize = 1 << 20;

/// The relay's default limit on a snapshot frame: `--max-snapshot`.
pub const MAX_SNAPSHOT_BYTES: usize = 32 << 20;

/// The largest update a client sends, in bytes of inserted text: a
/// quarter of [`MAX_FRAME_BYTES`], which leaves room for Yrs' encoding of
/// a text (at most a few bytes per character beyond its UTF-8), the
/// envelope (nonce, tag, signature) and the message. A paste or an import
/// longer than this is cut into several updates (`model::edit::Edit::split`).
pub const MAX_UPDATE_BYTES: usize = 256 << 10;

/// The largest presence payload a page sends or reads (plaintext): a
/// name, a colour, two sticky indices and the heads fit in a few hundred
/// bytes; `model::awareness::MAX_PAYLOAD` is the same number (the model
/// crate does not depend on this one; a test in `client/` checks they
/// agree).
pub const MAX_AWARENESS_PAYLOAD: usize = 4 << 10;

/// The relay's default limit on a presence frame: the payload, its
/// envelope (nonce 24, tag 16, signature 64) and the message around it,
/// rounded up: `--max-awareness`.
pub const MAX_AWARENESS_FRAME: usize = 5 << 10;

/// The longest creation token a relay reads (`Hello`'s `create.token`);
/// a longer one is not one of its tokens.
pub const MAX_TOKEN_BYTES: usize = 256;

// What the limits promise each other, checked when the crate compiles: a
// sealed update of the largest size fits a frame (Yrs writes a string as
// its UTF-8 bytes with a length, the rest of an update is a few dozen
// bytes; nonce 24, tag 16, signature 64, the message around them), and a
// sealed presence payload fits a presence frame.
const _: () = assert!(MAX_UPDATE_BYTES + 1024 + 24 + 16 + 64 + 64 < MAX_FRAME_BYTES);
const _: () = assert!(MAX_AWARENESS_PAYLOAD + 24 + 16 + 64 + 32 < MAX_AWARENESS_FRAME);
const _: () = assert!(MAX_AWARENESS_FRAME < MAX_FRAME_BYTES);
const _: () = assert!(MAX_FRAME_BYTES < MAX_SNAPSHOT_BYTES);

/// The largest member box (`Seal`'s `box`, `protocol::memberbox`): a
/// line per remaining member of about a hundred bytes plus their link;
/// a relay refuses a larger seal, a client a larger box.
pub const MAX_MEMBER_BOX_BYTES: usize = 256 << 10;

/// The most lines a member box holds (one per remaining member).
pub const MAX_MEMBER_BOX_LINES: usize = 1024;

/// The largest sealed payload of one line (a link, with its tag).
pub const MAX_MEMBER_LINE_BYTES: usize = 2 << 10;

// A seal (the box, its signature, the message around them) fits a frame.
const _: () = assert!(MAX_MEMBER_BOX_BYTES + 64 + 64 < MAX_FRAME_BYTES);

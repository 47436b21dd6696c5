//! Cahier's wire protocol, version 2: everything a browser and the relay
//! must agree on, and nothing that needs a runtime (no tokio, no web-sys),
//! so the same code runs in the wasm app, the native relay and the tests.
//!
//! - [`keys`]: from an edit secret to a write key pair, a view secret, an
//!   encryption key and a self-certifying room id.
//! - [`link`]: edit and view links, built and parsed, with a checksum that
//!   tells a damaged or truncated link from a good one.
//! - [`envelope`]: sealing a payload (encrypt, then sign) and opening it
//!   (verify, then decrypt); the relay uses the verifying half only.
//! - [`wire`]: the binary messages on the websocket, their version byte and
//!   their encoding; decoding never panics on any input.
//! - [`close`]: the websocket close codes the relay uses.
//! - [`session`]: the client side of a connection as a state machine
//!   without I/O: pending queue, acks, catch-up, flow control.
//!
//! # Known-answer vectors
//!
//! Another implementation can check itself against these (all hex). Edit
//! secret `S` = bytes `00 01 02 … 1f`:
//!
//! ```text
//! write_pk    = 9275b484403561a83d237028060ac2d278ef8ce8d78fef2fc8e7b195b477fbc6
//! view secret = 1ab755d31d1f60fc76bba8364d4506b253a866fca2371799e3b12910aabd5602
//! room id     = 4c32bedb4048bcbf14e604dac85c777e (base64url: TDK-20BIvL8U5gTayFx3fg)
//! ```
//!
//! Sealing the update `"Cahier"` (context: that room, kind 1, message id
//! `11` × 16, `covers_upto` 0) with nonce `22` × 24:
//!
//! ```text
//! ciphertext = 222222222222222222222222222222222222222222222222
//!              3913781d17fc1adf1c541ef02f2faa75f030aca6f1d8
//! signature  = 3b713a806dc02ef18f8ceea64bedaad7fe6b9a3f77713d1c498641be7830cddc
//!              07d829caf0e3bec2301e70e3246179489e70928ba2d8bfd4856bf4c456910104
//! ```
//!
//! `vectors/kat.py` recomputes them with Python's `hmac` and PyNaCl, an
//! implementation that shares no code with this one; `cargo run --example
//! kat` prints them from this crate.
//! The test `known_answer_vectors` in [`envelope`] holds every value,
//! signature included, and fails if any derivation changes.

pub mod close;
pub mod envelope;
pub mod keys;
pub mod link;
pub mod session;
pub mod wire;

pub use envelope::{Context, Kind, MsgId, OpenError, SealError, Signature};
pub use keys::{DocKeys, EditSecret, RoomId, ViewSecret, WriterKey};
pub use link::{Link, LinkError};
pub use wire::{
    ClientMsg, ErrorCode, PeerId, ServerMsg, SnapshotHead, StoredSnapshot, StoredUpdate, WireError,
};

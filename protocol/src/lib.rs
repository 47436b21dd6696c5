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
//! - [`limits`]: the sizes the app, the command line and the relay's
//!   defaults share.
//! - [`session`]: the client side of a connection as a state machine
//!   without I/O: pending queue, acks, catch-up, flow control, and the
//!   checks that catch a relay reordering, replaying or withholding.
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
//! Version 2's derivations, from the same secret:
//!
//! ```text
//! cap        = 19d7f75e00c558d6244be426245b0c53f994584edca6409117d325b62b3f4b93
//! read_check = 2dcbff2643e4d9538f579ff41471c53ce6e1e2ccc3d9b6b5812e5d5341481803
//! create     = fa61e30f450576ec4a531aac2c96aac7cd3d16e45c2a0b44d9c8f71208777460
//!              d3213d4bb8b30e517ebfbde445114655d0eed91636f1b61f67d66d7d0020950f
//! ```
//!
//! (`cap = HKDF-SHA256(V, "cahier/v2/read")`, `read_check =
//! SHA-256("cahier/v2/read-check" ‖ cap)`, `create` the creation proof's
//! Ed25519 signature over `"cahier/v2/create" ‖ room ‖ read_check`)
//!
//! and the presence frame `"here"` of peer 5's seventh presence (context:
//! that room, kind 3, message id `00…05 00…07`, `covers_upto` 0), sealed
//! with nonce `33` × 24:
//!
//! ```text
//! ciphertext = 333333333333333333333333333333333333333333333333
//!              dfda45aa695936beeb21f7b0519ba54896746932
//! signature  = 07ede2a2ad2be712d41ab5414f62b62851a7ce0285ce558809136478cb44a347
//!              c2130ba138a84374696f4eeaa8d42a7d7607d1747af3e6fe2846cea198eb4b0e
//! ```
//!
//! `vectors/kat.py` recomputes them with Python's `hmac` and PyNaCl, an
//! implementation that shares no code with this one; `cargo run --example
//! kat` prints them from this crate.
//! The tests `known_answer_vectors` and `known_answer_vectors_of_version_2`
//! in [`envelope`] hold every value, signatures included, and fail if any
//! derivation changes.

pub mod close;
pub mod envelope;
pub mod keybox;
pub mod keys;
pub mod limits;
pub mod link;
pub mod session;
pub mod wire;

pub use envelope::{Context, Kind, MsgId, OpenError, SealError, Signature};
pub use keys::{
    AmendSecret, DocKeys, EditSecret, ReadCapability, ReadCheck, RoomId, ViewSecret, WriterKey,
};
pub use link::{Link, LinkError, Role};
pub use session::Suspicion;
pub use wire::{
    ClientMsg, CreateProof, ErrorCode, PeerId, ServerMsg, SnapshotHead, StoredSnapshot,
    StoredUpdate, Verdict, WireError,
};

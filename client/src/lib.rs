//! Cahier's native client: one document kept in step with a relay, the
//! way the browser app keeps it, for every program that is not the app
//! (the `cahier` command, the relay's integration tests, the bench, the
//! fan-out example). It is built on the protocol's sans-IO
//! [`protocol::session::Session`], so sealing, opening (every signature
//! verified), the pending queue and acknowledgements by message id are
//! the protocol crate's; this crate adds the document and the socket.
//!
//! - [`replica`]: what the client needs of the document it keeps (apply an
//!   update, give its state), implemented for a bare Yrs doc.
//! - [`engine`]: the session and the replica without I/O: frames in,
//!   [`Event`]s and frames to send out; answers `CompactHint`.
//! - [`client`]: the engine over a tokio-tungstenite websocket: connect,
//!   catch up with progress, submit, wait for acks by id, reconnect.
//! - [`address`]: where a relay is, from a link or an address a person
//!   typed, and how its links begin.
//! - [`rotate`]: revoking a member by moving a document to fresh rooms
//!   and sealing the old ones with each remaining member's new link.
//! - [`raw`]: messages built by hand, for tests that forge frames.
//! - [`error`]: failures in words.

pub mod address;
pub mod client;
pub mod engine;
pub mod error;
pub mod raw;
pub mod replica;
pub mod rotate;

pub use address::{AddressError, RelayAddress};
pub use client::{Client, Frame, DEFAULT_WAIT};
pub use engine::{Engine, Event, Join};
pub use error::ClientError;
pub use replica::Replica;

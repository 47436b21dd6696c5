//! `cahier`, the command line: a Cahier document read, written and checked
//! from a terminal, against any relay, the way the app does it (every
//! signature verified, everything decrypted here; the relay sees only
//! ciphertext). The binary (`src/main.rs`) parses the arguments and calls
//! one of these; the tests and the bench use them too.
//!
//! - [`export`]: `cahier export LINK`: the document as Markdown, HTML or
//!   text (`model::export`).
//! - [`import`]: `cahier import FILE`: a new document from a file; prints
//!   its edit and view links.
//! - [`verify`]: `cahier verify LINK`: every stored update and snapshot
//!   checked; says what is damaged.
//! - [`populate`]: `cahier populate`: a room filled with an editing trace,
//!   for the browser tests and measurements.
//! - [`rotate`]: `cahier rotate LINK --keep KEY:LEVEL`: members revoked
//!   by moving the document to fresh keys; prints the new links.
//! - [`trace`]: editing traces, found beside the clone, replayed as updates
//!   (the bench's W4 uses them too).
//! - [`open`]: a link and a relay address read, and a document downloaded
//!   with a progress bar.
//! - [`error`]: what went wrong, in words.

pub mod error;
pub mod export;
pub mod import;
pub mod open;
pub mod populate;
pub mod rotate;
pub mod trace;
pub mod verify;

pub use error::CliError;

/// The relay when none is given: the relay's own default address.
pub const DEFAULT_RELAY: &str = "http://127.0.0.1:8080/";

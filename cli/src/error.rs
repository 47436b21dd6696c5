//! What `cahier` says when it cannot do what it was asked: each variant is
//! a sentence for the person at the terminal (the relay cannot be reached,
//! the link is damaged, the relay refused), keeping its cause.

use std::path::PathBuf;

use client::{AddressError, ClientError};
use protocol::{ErrorCode, LinkError};

use crate::trace::TraceError;

/// A failure of one command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Link(#[from] LinkError),
    #[error(transparent)]
    Address(#[from] AddressError),
    #[error(
        "this link is only the part after #: it does not say which relay holds the \
         document; give it with --relay (or CAHIER_RELAY)"
    )]
    NoRelay,
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("could not read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a text file in UTF-8 (byte {at} is not)", path.display())]
    NotText { path: PathBuf, at: usize },
    #[error("could not write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the relay refused {count} of the document's updates: {}", code.describe())]
    Refused { code: ErrorCode, count: usize },
    #[error("a second connection did not confirm the loader's snapshot: {0}")]
    SnapshotNotConfirmed(String),
    #[error("the text could not be made into updates: {0}")]
    Model(#[from] model::DocError),
    #[error(transparent)]
    Trace(#[from] TraceError),
    #[error("a generated amendment could not be filed: {0}")]
    Amendment(#[from] model::amendments::AmendError),
    #[error("{0}")]
    Format(String),
    #[error("this document has no meeting {0:?} (`--meeting latest` takes the latest)")]
    NoMeeting(String),
    #[error("this document has had no meeting yet: the amended text compares a meeting's base text with its result")]
    NoMeetingYet,
    #[error("no sheet to make: {0}")]
    NoSheet(String),
    #[error("the document's history could not be read")]
    History(#[from] model::history::HistoryError),
    #[error("the document could not be moved to new keys: {0}")]
    Rotate(#[source] client::rotate::RotateError),
    #[error("could not start: {0}")]
    Runtime(#[source] std::io::Error),
}

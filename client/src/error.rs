//! Why the client could not do what it was asked, in words a person can
//! act on: the relay is unreachable, it closed the connection (and why),
//! it refused the document, it stopped answering; the link cannot write.

use std::time::Duration;

use protocol::session::SessionError;
use protocol::{close, ErrorCode, SealError};

/// A failure of the client.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("could not reach the relay at {url}: {source}")]
    Unreachable {
        url: String,
        #[source]
        source: Box<tokio_tungstenite::tungstenite::Error>,
    },
    #[error("the connection to the relay was lost: {0}")]
    ConnectionLost(#[source] Box<tokio_tungstenite::tungstenite::Error>),
    #[error("the relay closed the connection: {}", closed_words(*.code))]
    Closed { code: Option<u16> },
    #[error("the relay refused: {}", .code.describe())]
    Refused { code: ErrorCode },
    #[error("the relay did not answer within {} s", .0.as_secs())]
    Timeout(Duration),
    #[error("not connected to the relay")]
    Offline,
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error("the waiting updates could not be merged: {0}")]
    Merge(String),
}

fn closed_words(code: Option<u16>) -> String {
    match code {
        Some(code) => format!("{} (code {code})", close::describe(code)),
        None => "without saying why".to_owned(),
    }
}

impl ClientError {
    pub(crate) fn lost(error: tokio_tungstenite::tungstenite::Error) -> Self {
        ClientError::ConnectionLost(Box::new(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_what_happened_in_words() {
        let closed = ClientError::Closed {
            code: Some(close::REFUSED),
        };
        assert_eq!(
            closed.to_string(),
            "the relay closed the connection: the relay refused this document (code 4003)"
        );
        let refused = ClientError::Refused {
            code: ErrorCode::RoomFull,
        };
        assert!(refused.to_string().contains("as many people"), "{refused}");
        assert_eq!(
            ClientError::Timeout(Duration::from_secs(30)).to_string(),
            "the relay did not answer within 30 s"
        );
    }
}

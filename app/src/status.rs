//! Where the connection to the relay stands, and what went wrong, as the
//! person sees it: the [`Connection`] enum shown by the status line, the
//! reconnection delay ([`backoff`]), and the [`Problem`]s worth telling in
//! words. Pure values, tested natively; the socket itself is
//! [`crate::session`]'s, the words [`crate::strings`]'.

use std::time::Duration;

use protocol::session::Suspicion;
use protocol::{close, ErrorCode};

/// The connection, as the status line shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    /// The first connection is being opened, or the history is arriving.
    Connecting,
    /// Caught up: edits flow both ways.
    Online,
    /// The browser says it has no network; we wait for it to come back.
    Offline,
    /// The connection dropped; `attempt` counts the tries since.
    Reconnecting { attempt: u32 },
}

impl Connection {
    /// The `data-state` attribute of the status element.
    pub fn data_state(self) -> &'static str {
        match self {
            Connection::Connecting => "connecting",
            Connection::Online => "online",
            Connection::Offline => "offline",
            Connection::Reconnecting { .. } => "reconnecting",
        }
    }
}

/// The first delay before reconnecting.
pub const BACKOFF_FIRST: Duration = Duration::from_millis(500);
/// The longest delay before reconnecting.
pub const BACKOFF_CAP: Duration = Duration::from_secs(30);

/// How long to wait before reconnection `attempt` (1 for the first retry):
/// doubling from [`BACKOFF_FIRST`] up to [`BACKOFF_CAP`], of which a random
/// half (`jitter` in `0.0..=1.0`) is taken off so that the browsers a
/// relay restart disconnected together do not all come back at once.
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let doublings = attempt.saturating_sub(1).min(16);
    let full = (BACKOFF_FIRST * (1u32 << doublings)).min(BACKOFF_CAP);
    full.mul_f64(1.0 - 0.5 * jitter.clamp(0.0, 1.0))
}

/// Something the person should know about, beyond the connection state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The relay closed the connection with this code (see
    /// [`protocol::close`]); a normal close is not a problem.
    Closed(u16),
    /// The relay refused a message. `dropped`: an edit will not be sent
    /// (it stays in this browser's copy).
    Refused { code: ErrorCode, dropped: bool },
    /// A message failed verification or decryption and was ignored.
    Invalid,
    /// A co-author's update could not be read (the guard refused it, or
    /// Yrs could not decode it): set aside, not applied nor saved.
    SetAside,
    /// The relay sent something this version cannot read.
    Unreadable,
    /// This browser could not keep the document (IndexedDB refused).
    Storage,
    /// The relay sent what an honest relay never sends (protocol
    /// `Suspicion`): updates reordered, replayed or withheld,
    /// acknowledgements for nothing sent.
    Suspicious(Suspicion),
    /// After the history, this copy still waits for edits that updates it
    /// holds refer to: the relay withheld them.
    Missing,
    /// A co-author's copy has held edits this one lacks, or other ones,
    /// for a while: the copies diverge.
    Diverged,
    /// A co-author proposed a snapshot that does not match this copy; it
    /// was refused, and replaces nothing.
    ForgedSnapshot,
    /// Not a fault: the document changed keys after a member was removed
    /// (issue 15), and this browser, still a member, followed it to its
    /// new address, carrying over its edits the old room had refused.
    Followed,
}

impl Problem {
    /// The problem a close code reveals, if any: going away (a relay
    /// restart) and an abnormal close (a network cut) are ordinary events
    /// the connection state already shows.
    pub fn from_close(code: u16) -> Option<Problem> {
        match code {
            1000 | close::GOING_AWAY | 1005 | 1006 => None,
            code => Some(Problem::Closed(code)),
        }
    }

    /// Whether a new connection makes the problem moot.
    pub fn cleared_by_reconnecting(self) -> bool {
        matches!(self, Problem::Closed(_))
    }

    /// What kind of misbehaviour a suspicion is, for the words.
    pub fn suspicion_kind(what: Suspicion) -> SuspicionKind {
        match what {
            Suspicion::Withheld { .. } => SuspicionKind::Withheld,
            Suspicion::UnknownAck { .. } | Suspicion::AckTooFar { .. } => SuspicionKind::Acks,
            Suspicion::RelayBehind { .. } => SuspicionKind::Behind,
            Suspicion::OutOfOrder { .. }
            | Suspicion::BeyondHead { .. }
            | Suspicion::CaughtUpMismatch { .. }
            | Suspicion::MisplacedSnapshot { .. }
            | Suspicion::Unexpected { .. } => SuspicionKind::Reordered,
        }
    }

    /// Whether an acknowledged edit makes the problem moot: the relay
    /// refused an edit for a passing reason, and takes edits again.
    pub fn cleared_by_an_ack(self) -> bool {
        matches!(
            self,
            Problem::Refused {
                code: ErrorCode::RateLimited | ErrorCode::StorageFailed | ErrorCode::ShuttingDown,
                dropped: false,
            }
        )
    }
}

/// The suspicions, grouped as the person is told about them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SuspicionKind {
    /// Updates replayed, reordered, or a history that does not add up.
    Reordered,
    /// Updates skipped: withheld.
    Withheld,
    /// Acknowledgements for edits not sent, or numbered past the others.
    Acks,
    /// The relay holds less than this copy applied.
    Behind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_up_to_the_cap() {
        let delays: Vec<u128> = (1..=9).map(|n| backoff(n, 0.0).as_millis()).collect();
        assert_eq!(
            delays,
            [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
        );
        assert_eq!(backoff(u32::MAX, 0.0), BACKOFF_CAP);
        assert_eq!(backoff(0, 0.0), BACKOFF_FIRST);
    }

    #[test]
    fn jitter_takes_off_at_most_half() {
        assert_eq!(backoff(1, 1.0).as_millis(), 250);
        assert_eq!(backoff(20, 1.0), BACKOFF_CAP / 2);
        assert_eq!(backoff(3, 0.5).as_millis(), 1500);
        // Out-of-range jitter is clamped.
        assert_eq!(backoff(1, 7.0).as_millis(), 250);
        assert_eq!(backoff(1, -1.0).as_millis(), 500);
    }

    #[test]
    fn ordinary_closes_are_not_problems() {
        assert_eq!(Problem::from_close(close::GOING_AWAY), None);
        assert_eq!(Problem::from_close(1006), None);
        assert_eq!(
            Problem::from_close(close::LAGGING),
            Some(Problem::Closed(close::LAGGING))
        );
        assert!(Problem::Closed(close::REFUSED).cleared_by_reconnecting());
        assert!(!Problem::Invalid.cleared_by_reconnecting());
        let passing = Problem::Refused {
            code: ErrorCode::RateLimited,
            dropped: false,
        };
        assert!(passing.cleared_by_an_ack());
        let for_good = Problem::Refused {
            code: ErrorCode::TooLarge,
            dropped: true,
        };
        assert!(!for_good.cleared_by_an_ack());
    }

    #[test]
    fn every_state_has_its_attribute() {
        let states = [
            Connection::Connecting,
            Connection::Online,
            Connection::Offline,
            Connection::Reconnecting { attempt: 2 },
        ];
        let names: Vec<_> = states.iter().map(|s| s.data_state()).collect();
        assert_eq!(names, ["connecting", "online", "offline", "reconnecting"]);
    }
}

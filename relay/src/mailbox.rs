//! How the relay's tasks reach each other: the commands a room accepts,
//! what a connection gets back when it joins, and the handle through which
//! a room reaches a connection (its bounded queue and its [`Closer`]).
//!
//! Both [`crate::peer`] and [`crate::room`] speak these types; neither
//! imports the other. The registry ([`crate::rooms`]) passes them between.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use protocol::{
    close, ErrorCode, MsgId, PeerId, ReadCheck, Signature, StoredSnapshot, Verdict, WriterKey,
};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::addresses::IpKey;
use crate::outbox::Outbox;

/// Who joins, as far as creating a room goes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Joiner {
    /// Where the client connects from: a creation counts against it.
    pub client: IpKey,
    /// Whether its `Hello` carried a creation token the relay accepts (or
    /// the relay needs none).
    pub may_create: bool,
}

/// Commands a room's task accepts. Only `Join` comes from outside a room's
/// membership; the rest come from connections that joined (or, for
/// `CaughtUp` and `CheckSent`, from the catch-up or the check the room
/// started for one).
#[derive(Debug)]
pub(crate) enum RoomCmd {
    Join {
        peer: PeerHandle,
        since_seq: Option<u64>,
        /// Boxed: a write key is large beside the other commands.
        access: Box<Access>,
        /// Who asks, should the room have to be created.
        joiner: Joiner,
        reply: oneshot::Sender<Result<Joined, JoinError>>,
    },
    Leave {
        peer: PeerId,
    },
    /// An update whose signature the connection has already verified.
    Update {
        peer: PeerId,
        msg_id: MsgId,
        ciphertext: Bytes,
        signature: Signature,
    },
    /// A snapshot whose signature the connection has already verified.
    Snapshot {
        peer: PeerId,
        snapshot: StoredSnapshot,
    },
    /// Presence, forwarded as it came with the sender's peer id.
    Awareness {
        peer: PeerId,
        counter: u64,
        ciphertext: Vec<u8>,
        signature: Option<Signature>,
    },
    /// A peer's answer about the room's proposed snapshot.
    Verdict {
        peer: PeerId,
        msg_id: MsgId,
        verdict: Verdict,
    },
    /// A seal whose signature the connection has already verified.
    Seal {
        peer: PeerId,
        member_box: Vec<u8>,
        signature: Signature,
    },
    /// The peer's history is in its queue: release what was held back.
    CaughtUp {
        peer: PeerId,
    },
    /// The snapshot to check is all in the peer's queue, or will never be
    /// (the peer went away): another check may be sent.
    CheckSent {
        peer: PeerId,
    },
}

/// What a `Hello` proved, as the connection checked it: the hash of its
/// read capability, the write key its creation proof verified for (an
/// editor's), and whether it carried one of the relay's creation tokens
/// (always, when creation is open).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Access {
    pub check: ReadCheck,
    pub creator: Option<WriterKey>,
    pub may_create: bool,
}

#[cfg(test)]
impl Access {
    /// What an editor's `Hello` proves, on a relay open to creation.
    pub fn editor(keys: &protocol::DocKeys) -> Self {
        Self {
            check: keys.read_capability().check(),
            creator: Some(keys.writer()),
            may_create: true,
        }
    }

    /// What a reader's `Hello` proves.
    pub fn reader(keys: &protocol::DocKeys) -> Self {
        Self {
            creator: None,
            ..Self::editor(keys)
        }
    }
}

/// What a connection gets when it joins.
#[derive(Debug)]
pub(crate) struct Joined {
    /// The room's write key, which every update and snapshot must verify
    /// against.
    pub writer: WriterKey,
    /// The room's queue, for everything after the join.
    pub room: mpsc::Sender<RoomCmd>,
}

/// Why a join did not happen.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JoinError {
    /// The room said no; tell the client.
    Refused(ErrorCode),
    /// The room task is retiring; look it up again (the registry does).
    Gone,
}

/// Records why a connection closes (the first reason wins) and wakes its
/// tasks. Cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct Closer {
    token: CancellationToken,
    reason: Arc<OnceLock<(u16, &'static str)>>,
}

impl std::fmt::Debug for Closer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Closer")
            .field("reason", &self.reason.get())
            .finish()
    }
}

impl Closer {
    /// Close now with `code` (the caller counts the reason in metrics).
    pub fn close(&self, code: u16) {
        let _ = self.reason.set((code, close::describe(code)));
        self.token.cancel();
    }

    /// Say which code to close with once the queue is drained, without
    /// closing now.
    pub fn close_when_drained(&self, code: u16) {
        let _ = self.reason.set((code, close::describe(code)));
    }

    /// The close code and reason recorded first, if any.
    pub fn reason(&self) -> Option<(u16, &'static str)> {
        self.reason.get().copied()
    }

    pub async fn cancelled(&self) {
        self.token.cancelled().await;
    }
}

/// How a room reaches a connection.
#[derive(Clone, Debug)]
pub(crate) struct PeerHandle {
    pub id: PeerId,
    /// The connection's outbound queue, bounded in frames and bytes; the
    /// room uses `try_send`.
    pub tx: Outbox,
    pub closer: Closer,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_close_reason_wins_and_only_close_wakes() {
        let closer = Closer::default();
        assert_eq!(closer.reason(), None);
        closer.close_when_drained(close::GOING_AWAY);
        assert!(
            !closer.token.is_cancelled(),
            "closing when drained does not wake"
        );
        closer.close(close::LAGGING);
        assert!(closer.token.is_cancelled());
        assert_eq!(
            closer.reason(),
            Some((close::GOING_AWAY, close::describe(close::GOING_AWAY)))
        );
        assert!(format!("{closer:?}").contains("1001"), "{closer:?}");
        let other = Closer::default();
        other.close(close::LAGGING);
        assert_eq!(other.reason().map(|r| r.0), Some(close::LAGGING));
    }
}

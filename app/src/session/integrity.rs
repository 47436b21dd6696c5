//! What the page checks so that a dishonest relay, or a co-author's forged
//! snapshot, does not go unnoticed (ARCHITECTURE.md, "What a dishonest
//! relay can do"), each finding told in words ([`Problem`]):
//!
//! - the protocol session's ordering checks: a relay that reorders,
//!   replays, skips updates or acknowledges what it was not sent
//!   ([`Problem::Suspicious`]);
//! - after the history, and on each heartbeat, edits that updates we hold
//!   refer to and that never came ([`model::heads`]: Yrs' pending structs;
//!   [`Problem::Missing`]);
//! - co-authors' heads, carried in their presence, compared with ours
//!   while live with nothing waiting in the inbox: a peer ahead of us, or
//!   as far as us with other edits, for [`heads::GRACE_MS`] means the
//!   copies diverge ([`Problem::Diverged`]);
//! - a co-author's proposed snapshot, when the relay asks us to confirm
//!   it, checked against this copy ([`model::snapshot`]); one that does not
//!   match is refused and said so ([`Problem::ForgedSnapshot`]);
//! - and what this page uploads: a snapshot only when nothing was set
//!   aside, nothing is missing and none of our edits waits for its ack (a
//!   hint that comes meanwhile is answered once they are acknowledged).

use std::collections::BTreeMap;

use model::heads::{self, Divergence, Heads};
use model::snapshot::{Coverage, SnapshotCheck};
use protocol::session::{Phase, Suspicion};
use protocol::{MsgId, PeerId, Verdict};

use super::{now_ms, Core};
use crate::status::Problem;

/// The checks' side of the core.
#[derive(Default)]
pub(super) struct Integrity {
    /// The updates applied lately, by sequence number, to check a proposed
    /// snapshot against.
    coverage: Coverage,
    /// The last heads each peer told.
    theirs: BTreeMap<PeerId, Heads>,
    divergence: Divergence,
    /// A compact hint came while our edits waited for their acks.
    hint_waiting: bool,
    /// Remote updates (or snapshots) that did not apply since the page
    /// opened: this copy is never snapshotted and judges no snapshot.
    set_aside: u64,
    /// The relay refused our `Hello` (with words already shown): its close
    /// that follows says nothing more.
    pub refused_hello: bool,
}

impl Integrity {
    /// A copy that applied everything up to `applied` (loaded from this
    /// browser, or from the relay's snapshot).
    pub fn start_from(&mut self, applied: u64) {
        self.coverage = Coverage::new(applied);
    }
}

impl Core {
    /// The remote update numbered `seq` was applied.
    pub(super) fn note_applied(&mut self, seq: u64, update: &[u8]) {
        self.integrity.coverage.note(seq, update);
    }

    /// A remote update or snapshot did not apply.
    pub(super) fn note_set_aside(&mut self) {
        self.integrity.set_aside += 1;
    }

    pub(super) fn suspicious(&mut self, what: Suspicion) {
        leptos::logging::warn!("{}", what.describe());
        self.out.problem = Some(Some(Problem::Suspicious(what)));
    }

    /// Our edits not acknowledged yet, which no one else can have.
    fn unsent(&self) -> Vec<Vec<u8>> {
        self.session
            .pending()
            .into_iter()
            .map(|p| p.update)
            .collect()
    }

    fn may_snapshot(&self) -> bool {
        self.can_write()
            && self.integrity.set_aside == 0
            && self.doc.set_aside() == 0
            && self.session.pending_len() == 0
            && self.doc.missing().is_none()
    }

    /// The relay asks for a snapshot.
    pub(super) fn compact_hint(&mut self) {
        if !self.can_write() {
            return;
        }
        if self.session.pending_len() > 0 {
            self.integrity.hint_waiting = true;
            return;
        }
        if !self.may_snapshot() {
            return;
        }
        match self.session.snapshot(&self.doc.encode_state()) {
            Ok(Some(snapshot)) => self.send(&snapshot),
            Ok(None) => {}
            Err(error) => leptos::logging::warn!("could not seal a snapshot: {error}"),
        }
    }

    /// One of our edits was acknowledged.
    pub(super) fn after_ack(&mut self) {
        if self.integrity.hint_waiting && self.session.pending_len() == 0 {
            self.integrity.hint_waiting = false;
            self.compact_hint();
        }
        self.compare_heads();
    }

    /// The connection closed: what was asked on it is asked again on the
    /// next one.
    pub(super) fn integrity_disconnected(&mut self) {
        self.integrity.hint_waiting = false;
        self.integrity.theirs.clear();
        self.integrity.divergence.pause();
    }

    /// The relay asks us to confirm a co-author's snapshot.
    pub(super) fn check_snapshot(&mut self, msg_id: MsgId, covers_upto: u64, state: &[u8]) {
        let check = if self.integrity.set_aside > 0 || self.doc.set_aside() > 0 {
            SnapshotCheck::CannotTell("this copy set an update aside".into())
        } else if self.doc.missing().is_some() {
            SnapshotCheck::CannotTell("this copy waits for missing edits".into())
        } else {
            let unsent = self.unsent();
            let unsent: Vec<&[u8]> = unsent.iter().map(Vec::as_slice).collect();
            self.doc
                .check_snapshot(state, covers_upto, &self.integrity.coverage, &unsent)
        };
        let verdict = match check {
            SnapshotCheck::Matches => {
                self.integrity.coverage.forget_upto(covers_upto);
                Verdict::Matches
            }
            SnapshotCheck::Differs(why) => {
                leptos::logging::warn!("a co-author's snapshot was refused: {why}");
                self.out.problem = Some(Some(Problem::ForgedSnapshot));
                Verdict::Differs
            }
            SnapshotCheck::CannotTell(why) => {
                leptos::logging::log!("a co-author's snapshot not judged: {why}");
                Verdict::CannotTell
            }
        };
        self.send(&self.session.verdict(msg_id, verdict));
    }

    /// Say so if this copy waits for edits the relay never sent.
    pub(super) fn check_missing(&mut self) {
        if self.session.phase() != Phase::Live || !self.intake.inbox.is_empty() {
            return;
        }
        if let Some(missing) = self.doc.missing() {
            leptos::logging::warn!("this copy waits for edits never received: {missing:?}");
            self.out.problem = Some(Some(Problem::Missing));
        }
    }

    /// Our heads for our presence, once live.
    pub(super) fn heads(&self) -> Option<Heads> {
        if self.session.phase() != Phase::Live {
            return None;
        }
        let unsent = self.unsent();
        let unsent: Vec<&[u8]> = unsent.iter().map(Vec::as_slice).collect();
        Some(self.doc.heads(&unsent))
    }

    /// A peer told its heads.
    pub(super) fn heard_heads(&mut self, peer: PeerId, theirs: Option<Heads>) {
        match theirs {
            Some(heads) => {
                self.integrity.theirs.insert(peer, heads);
            }
            None => {
                self.integrity.theirs.remove(&peer);
                self.integrity.divergence.forget(peer);
            }
        }
        self.compare_heads();
    }

    pub(super) fn forget_heads(&mut self, peer: PeerId) {
        self.integrity.theirs.remove(&peer);
        self.integrity.divergence.forget(peer);
    }

    /// Compare every peer's last heads with ours now, and say so if one
    /// has diverged for the grace period.
    pub(super) fn compare_heads(&mut self) {
        if self.session.phase() != Phase::Live {
            self.integrity.divergence.pause();
            return;
        }
        if !self.intake.inbox.is_empty() || self.integrity.theirs.is_empty() {
            return;
        }
        let Some(ours) = self.heads() else {
            return;
        };
        let now = now_ms();
        for (peer, theirs) in &self.integrity.theirs {
            self.integrity
                .divergence
                .observe(*peer, heads::compare(ours, *theirs), now);
        }
        let diverged = self.integrity.divergence.newly_diverged(now);
        if !diverged.is_empty() {
            leptos::logging::warn!("this copy and those of peers {diverged:?} diverge");
            let names = self
                .roster_peers()
                .filter(|p| diverged.contains(&p.id))
                .map(|p| p.state.name.clone())
                .collect();
            self.out.diverged_with = Some(names);
            self.out.problem = Some(Some(Problem::Diverged));
        }
    }
}

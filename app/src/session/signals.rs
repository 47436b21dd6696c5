//! What the person sees of the session, as signals: the core collects
//! what changed in an [`Outbox`] while it is borrowed, and
//! [`Signals::publish`] sets the signals after, so no effect runs (and
//! calls back into the session) while the core is borrowed. A signal is
//! set only when its value changes.
//!
//! [`Status`] is the status line's context: where the connection stands,
//! what is not on the server yet, what went wrong.

use leptos::prelude::*;
use model::awareness::Peer;

use super::tabs::Tab;
use crate::status::{Connection, Problem};

/// What changed for the signals, collected while the core is borrowed.
#[derive(Default)]
pub(super) struct Outbox {
    pub connection: Option<Connection>,
    pub problem: Option<Option<Problem>>,
    pub title: Option<String>,
    /// History received while joining: `Some(None)` once caught up.
    pub progress: Option<Option<(u64, u64)>>,
    /// The relay acknowledged an edit: a passing refusal is over.
    pub acked: bool,
    /// The body changed (a local edit, a co-author's, undo, the saved copy).
    pub body: bool,
    /// Something to save changed.
    pub save: bool,
    /// The peers heard from changed.
    pub peers: Option<Vec<Peer>>,
    /// `people` changed.
    pub people: bool,
    /// The checkpoints changed.
    pub versions: bool,
    /// Amendments' records, decisions or `meta` changed
    /// ([`super::amendments`]).
    pub amendments: bool,
    /// A meeting's event came or was made ([`super::meeting`]).
    pub meetings: bool,
    /// An argument map's claims or places changed ([`super::arguments`]).
    pub claims: bool,
    /// A text's quotes of claims changed.
    pub citations: bool,
    /// The document's kind, when `meta` was read.
    pub kind: Option<Option<model::DocKind>>,
    /// The colour this person shows in the room changed.
    pub my_colour: Option<String>,
    /// This visit made its first edit.
    pub edited: bool,
    /// The names of the co-authors whose copies diverge from ours, when
    /// that is newly found.
    pub diverged_with: Option<Vec<String>>,
}

/// The session's signals, written only by the session.
#[derive(Clone, Copy)]
pub(super) struct Signals {
    pub can_write: bool,
    pub connection: RwSignal<Connection>,
    pub pending: RwSignal<usize>,
    pub title: RwSignal<String>,
    pub problem: RwSignal<Option<Problem>>,
    pub ready: RwSignal<bool>,
    pub progress: RwSignal<Option<(u64, u64)>>,
    pub applied: RwSignal<u64>,
    pub revision: RwSignal<u64>,
    pub peers: RwSignal<Vec<Peer>>,
    pub people: RwSignal<u64>,
    pub versions: RwSignal<u64>,
    pub amendments: RwSignal<u64>,
    pub meetings: RwSignal<u64>,
    pub claims: RwSignal<u64>,
    pub citations: RwSignal<u64>,
    pub kind: RwSignal<Option<model::DocKind>>,
    pub last_seen: RwSignal<Option<Vec<u8>>>,
    pub my_colour: RwSignal<Option<String>>,
    pub edited: RwSignal<bool>,
    pub tab: RwSignal<Tab>,
    pub diverged_with: RwSignal<Vec<String>>,
}

impl Signals {
    pub fn new(can_write: bool) -> Self {
        Signals {
            can_write,
            connection: RwSignal::new(Connection::Connecting),
            pending: RwSignal::new(0),
            title: RwSignal::new(String::new()),
            problem: RwSignal::new(None),
            ready: RwSignal::new(false),
            progress: RwSignal::new(None),
            applied: RwSignal::new(0),
            revision: RwSignal::new(0),
            peers: RwSignal::new(Vec::new()),
            people: RwSignal::new(0),
            versions: RwSignal::new(0),
            amendments: RwSignal::new(0),
            meetings: RwSignal::new(0),
            claims: RwSignal::new(0),
            citations: RwSignal::new(0),
            kind: RwSignal::new(None),
            last_seen: RwSignal::new(None),
            my_colour: RwSignal::new(None),
            edited: RwSignal::new(false),
            tab: RwSignal::new(Tab::Claiming),
            diverged_with: RwSignal::new(Vec::new()),
        }
    }

    /// The status line's read-only view.
    pub fn status(self) -> Status {
        Status {
            connection: self.connection.into(),
            pending: self.pending.into(),
            problem: self.problem.into(),
            ready: self.ready.into(),
            progress: self.progress.into(),
            applied: self.applied.into(),
            diverged_with: self.diverged_with.into(),
        }
    }

    /// Set what `out` says changed, with the session's count of edits not
    /// acknowledged and last sequence number applied. Returns whether
    /// something asks to be saved.
    pub fn publish(&self, out: Outbox, pending: usize, applied: u64) -> bool {
        if self.applied.get_untracked() != applied {
            self.applied.set(applied);
        }
        if let Some(connection) = out.connection {
            if self.connection.get_untracked() != connection {
                self.connection.set(connection);
            }
            if connection == Connection::Online
                && self
                    .problem
                    .get_untracked()
                    .is_some_and(Problem::cleared_by_reconnecting)
            {
                self.problem.set(None);
            }
        }
        if let Some(problem) = out.problem {
            self.problem.set(problem);
        } else if out.acked
            && self
                .problem
                .get_untracked()
                .is_some_and(Problem::cleared_by_an_ack)
        {
            self.problem.set(None);
        }
        if let Some(progress) = out.progress {
            self.progress.set(progress);
        }
        if let Some(title) = out.title {
            if self.title.get_untracked() != title {
                self.title.set(title);
            }
        }
        if self.pending.get_untracked() != pending {
            self.pending.set(pending);
        }
        if out.body {
            self.revision.update(|n| *n += 1);
        }
        if out.people {
            self.people.update(|n| *n += 1);
        }
        if out.versions {
            self.versions.update(|n| *n += 1);
        }
        if out.meetings {
            self.meetings.update(|n| *n += 1);
        }
        if out.claims {
            self.claims.update(|n| *n += 1);
        }
        if out.citations {
            self.citations.update(|n| *n += 1);
        }
        if let Some(kind) = out.kind {
            if self.kind.get_untracked() != kind {
                self.kind.set(kind);
            }
        }
        if out.amendments {
            self.amendments.update(|n| *n += 1);
        }
        if let Some(names) = out.diverged_with {
            self.diverged_with.set(names);
        }
        if let Some(peers) = out.peers {
            self.peers.set(peers);
        }
        if let Some(colour) = out.my_colour {
            if self.my_colour.get_untracked().as_ref() != Some(&colour) {
                self.my_colour.set(Some(colour));
            }
        }
        if out.edited && !self.edited.get_untracked() {
            self.edited.set(true);
        }
        out.save
    }
}

/// Where the document stands, for the status line. Provided once by the
/// document page's session; read with [`use_status`].
#[derive(Clone, Copy)]
pub struct Status {
    /// The connection, as the person sees it.
    pub connection: Signal<Connection>,
    /// Edits the relay has not acknowledged yet.
    pub pending: Signal<usize>,
    /// What went wrong, if anything worth telling.
    pub problem: Signal<Option<Problem>>,
    /// The saved copy is loaded: the text can be shown and edited.
    pub ready: Signal<bool>,
    /// While joining: the stored updates received so far, and how many
    /// there are.
    pub progress: Signal<Option<(u64, u64)>>,
    /// The last sequence number applied (the status line's `data-seq`, a
    /// hook for tests).
    pub applied: Signal<u64>,
    /// Who [`Problem::Diverged`] is about: the co-authors' names as they
    /// give them (empty for one who gave none).
    pub diverged_with: Signal<Vec<String>>,
}

/// The [`Status`] the document page provides.
pub fn use_status() -> Status {
    use_context().expect("the document page provides its Status")
}

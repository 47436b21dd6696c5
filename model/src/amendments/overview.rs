//! The rows every view shows: each amendment with where its words are
//! now, its lines, its number and status, its supports, and the groups of
//! competing amendments ("discussion commune"). Built from the book, the
//! decisions and the body in one pass each: anchors in one walk
//! ([`super::anchors`]), lines from one numbering, groups by a sweep
//! ([`super::collide`]).

use super::anchors::{line_span, slices};
use super::book::{Amendment, Book};
use super::decisions::{Decided, Decisions};
use super::record::{author_b64, Proposal};
use super::{collide, Status};
use crate::document::Document;
use crate::lines::Lines;

/// One amendment as the list, the margin and the detail show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    /// Its registered number; `None` until the keepers' browsers register
    /// it (the page shows it as provisional).
    pub number: Option<u32>,
    /// The author's identity key, base64url.
    pub author: String,
    pub author_name: String,
    /// Filed from this browser's identity.
    pub mine: bool,
    pub status: Status,
    /// For a fallen one: the adopted amendment that replaced its passage.
    pub fallen_by: Option<String>,
    /// Where its passage is in the body now (UTF-16); `None` when its
    /// anchors do not resolve.
    pub span: Option<(u32, u32)>,
    /// Its lines now, 1-based.
    pub lines: Option<(u32, u32)>,
    /// Its lines when filed.
    pub filed_lines: (u32, u32),
    /// The passage as filed.
    pub passage: String,
    /// The passage now, when it changed since filing.
    pub current: Option<String>,
    pub proposal: Proposal,
    pub rationale: String,
    pub parent: Option<String>,
    pub supports: u32,
    pub supported: bool,
    pub comments: u32,
    /// Its group of competing amendments ([`Overview::groups`]).
    pub group: Option<usize>,
    /// A record failing its check claimed to be this amendment.
    pub altered: bool,
    pub filed_at: i64,
    pub edited_at: i64,
    /// The keepers took it up at some point.
    pub discussed: bool,
    /// Its revision that stands.
    pub rev: u32,
}

impl Row {
    /// Its passage changed since it was filed.
    pub fn changed(&self) -> bool {
        self.current.is_some()
    }

    /// Still to be decided.
    pub fn is_open(&self) -> bool {
        !self.status.is_closed()
    }
}

/// What did not check out in the amendment room, to tell the person.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Notices {
    /// Lines that are not records.
    pub unreadable: u32,
    /// Records whose signature fails.
    pub forged: u32,
    /// Characters of records someone deleted (still read and shown).
    pub removed: u32,
}

impl Notices {
    pub fn any(&self) -> bool {
        *self != Notices::default()
    }
}

/// Every amendment, in text order, and the competing groups.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overview {
    pub rows: Vec<Row>,
    /// Indices into `rows`, each group in text order.
    pub groups: Vec<Vec<usize>>,
    pub notices: Notices,
    /// The next number to register.
    pub next_number: u32,
}

/// An amendment's status from its records and the keepers' decisions.
pub fn status_of(amendment: &Amendment, decided: Option<&Decided>) -> Status {
    let decided = decided.map_or(Status::Filed, Decided::status);
    if amendment.withdrawn() && !decided.is_closed() {
        Status::Withdrawn
    } else {
        decided
    }
}

impl Overview {
    /// Build the rows. `me` is this browser's identity key.
    pub fn build(
        book: &Book,
        decisions: &Decisions,
        text: &Document,
        me: Option<&[u8; 32]>,
    ) -> Overview {
        let body = text.body();
        let lines = Lines::new(&body);
        let standing: Vec<_> = book
            .amendments()
            .map(|amendment| {
                let decided = decisions.get(&amendment.id);
                let frozen = decided.and_then(|d| d.frozen_rev);
                (amendment, decided, amendment.current(frozen), frozen)
            })
            .collect();
        let pairs: Vec<(&[u8], &[u8])> = standing
            .iter()
            .map(|(_, _, revision, _)| (revision.start.as_slice(), revision.end.as_slice()))
            .collect();
        let spans = text.resolve_spans(&pairs);
        // The passages now, in one pass over the body.
        let passages = slices(&body, &spans);
        let mut rows: Vec<Row> = standing
            .iter()
            .zip(&spans)
            .zip(passages)
            .map(|(((amendment, decided, revision, frozen), span), now)| {
                let status = status_of(amendment, *decided);
                let current = match now {
                    Some(now) if now == revision.passage => None,
                    Some(now) => Some(now),
                    None => Some(String::new()),
                };
                let (supports, supported) = book.supports(&amendment.id, me);
                let fallen_by = decided
                    .and_then(|d| d.history.last())
                    .filter(|change| change.to == Status::Fallen)
                    .and_then(|change| change.because.clone());
                Row {
                    id: amendment.id.clone(),
                    number: decided.and_then(|d| d.number),
                    author: author_b64(&amendment.author),
                    author_name: amendment.author_name.clone(),
                    mine: me == Some(&amendment.author),
                    status,
                    fallen_by,
                    span: *span,
                    lines: span.and_then(|span| line_span(&lines, span)),
                    filed_lines: revision.lines,
                    passage: revision.passage.clone(),
                    current,
                    proposal: revision.proposal.clone(),
                    rationale: revision.rationale.clone(),
                    parent: revision.parent.clone(),
                    supports,
                    supported,
                    comments: book.comments(&amendment.id).len() as u32,
                    group: None,
                    altered: amendment.altered,
                    filed_at: amendment.filed_at,
                    edited_at: amendment.edited_at(*frozen),
                    discussed: decided.is_some_and(|d| !d.history.is_empty()),
                    rev: revision.rev,
                }
            })
            .collect();
        // Text order; the ones whose words are gone last, in filing order
        // (the sort is stable).
        rows.sort_by_key(|row| row.span.map_or((1, 0, 0), |(s, e)| (0, s, e)));
        // Competing: open amendments of the text (a sub-amendment amends
        // its amendment, not the text).
        let spans: Vec<Option<(u32, u32)>> = rows
            .iter()
            .map(|row| row.span.filter(|_| row.is_open() && row.parent.is_none()))
            .collect();
        let groups = collide::groups(&spans);
        for (at, group) in collide::group_of(&groups, rows.len())
            .into_iter()
            .enumerate()
        {
            rows[at].group = group;
        }
        Overview {
            rows,
            groups,
            notices: Notices {
                unreadable: book.unreadable,
                forged: book.forged,
                removed: book.removed,
            },
            next_number: decisions.next_number,
        }
    }

    /// The row of `id`.
    pub fn row(&self, id: &str) -> Option<&Row> {
        self.rows.iter().find(|row| row.id == id)
    }

    /// The amendments without a number, in filing order: what a keeper's
    /// browser registers.
    pub fn unregistered(&self) -> Vec<&Row> {
        let mut rows: Vec<&Row> = self
            .rows
            .iter()
            .filter(|row| row.number.is_none())
            .collect();
        rows.sort_by(|a, b| (a.filed_at, &a.id).cmp(&(b.filed_at, &b.id)));
        rows
    }
}

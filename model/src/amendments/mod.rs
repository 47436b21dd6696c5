//! Amendments (DESIGN.md, "Document model"): members propose changes to a
//! passage of the text; the text's keepers decide.
//!
//! A document is two rooms. The **amendment room** holds what members
//! write: one Yrs text, [`crate::schema::RECORDS`], one line per signed
//! record ([`record`]): an amendment's revision, a comment, a support. The
//! **text room** holds what keepers decide: [`crate::schema::DECISIONS`],
//! an array of events ([`decisions`]): registration numbers, statuses,
//! votes, who decided when. Members cannot write the text room (the relay
//! refuses what they cannot sign), and cannot forge each other's records
//! (each is signed by its author's browser identity key, and an
//! amendment's id commits to that key).
//!
//! What every view shows is folded from both: [`Book`] (the records,
//! verified, read incrementally), [`decisions::Decisions`] (the events),
//! and the body (anchors resolved to where the words are now, line
//! numbers, competing amendments): [`Overview`], one [`Row`] per
//! amendment in text order.
//!
//! | module | owns |
//! | --- | --- |
//! | [`record`] | the records, their encoding, the identity key, signing and checking |
//! | [`log`] | the amendment room's `records` text: appending, reading what is new, noticing removals |
//! | [`book`] | the records folded: amendments with their last valid revision, comments, supports |
//! | [`decisions`] | the text room's events folded: numbers, statuses, histories |
//! | [`adopt`] | adopting: the wording into the body in one edit, the amendments that fall |
//! | [`anchors`] | every amendment's anchors resolved in one walk of the body, line spans |
//! | [`collide`] | competing amendments, by a sweep over their ranges |
//! | [`select`] | filters and sorts over the overview |
//! | [`generate`] | made-up motions and amendments at scale, for measuring and tests |
//! | [`overview`] | the rows every view shows |
//! | [`wording`] | a passage against its wording, word by word: what the detail, the booklet and the order assistant compare |

pub mod adopt;
pub mod anchors;
pub mod book;
pub mod collide;
pub mod decisions;
pub mod export;
pub mod generate;
pub mod log;
pub mod overview;
pub mod record;
pub mod select;
pub mod wording;

pub use book::{Amendment, Book, Comment};
pub use decisions::{Change, Counts, Decisions};
pub use overview::{Notices, Overview, Row};
pub use record::{Identity, Proposal, Stance};
pub use select::{Filter, Sort};

/// Where an amendment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Filed by its author, not yet taken up.
    Filed,
    /// Taken up by the keepers: the author can no longer change it.
    Discussion,
    Adopted,
    Rejected,
    /// Withdrawn by its author.
    Withdrawn,
    /// An adopted amendment replaced its passage ([`Row::fallen_by`]).
    Fallen,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Filed,
        Status::Discussion,
        Status::Adopted,
        Status::Rejected,
        Status::Withdrawn,
        Status::Fallen,
    ];

    /// The name stored in decisions and used in the page's classes.
    pub const fn name(self) -> &'static str {
        match self {
            Status::Filed => "filed",
            Status::Discussion => "discussion",
            Status::Adopted => "adopted",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
            Status::Fallen => "fallen",
        }
    }

    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.name() == name)
    }

    /// Decided for good (until the keepers reopen it).
    pub const fn is_closed(self) -> bool {
        !matches!(self, Status::Filed | Status::Discussion)
    }
}

/// What a person asks for when filing (or revising) an amendment: a
/// passage of the body (UTF-16 offsets; `start == end` is an insertion
/// point) and what should stand there instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub start: u32,
    pub end: u32,
    pub proposal: Proposal,
    pub rationale: String,
    /// The amendment this one amends (a sub-amendment), by id.
    pub parent: Option<String>,
}

/// Why an amendment operation was refused; each says what to tell the
/// person (the page words them through its strings).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmendError {
    #[error("this link does not allow it")]
    NotAllowed,
    #[error("no such amendment")]
    NotFound,
    #[error("only its author can change or withdraw an amendment")]
    NotTheAuthor,
    #[error("the amendment is no longer only filed: it cannot be changed")]
    NotFiled,
    #[error("the passage is not in the text")]
    BadPassage,
    #[error("the proposed wording is the passage itself")]
    NoChange,
    #[error("the passage is gone from the text: its words were deleted")]
    PassageGone,
    #[error("the amendment is already decided")]
    Decided,
    #[error("the text is too long for an amendment")]
    TooLong,
    #[error("the amendment's room is not open yet")]
    NotOpen,
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;

//! What the client needs of the document it keeps in step: take in an
//! update from the relay, give its whole state for a snapshot, say what
//! it waits for (edits that updates it holds refer to), and compare a
//! co-author's proposed snapshot with itself. The
//! client never edits the document itself; its owner does, and hands the
//! client the update each edit produced ([`crate::Client::submit`]).
//!
//! Implemented here for the document model ([`model::Document`], what the
//! app holds and what the command line reads and writes) and for a bare
//! Yrs [`yrs::Doc`] (a tool that only checks updates). A program with its
//! own bookkeeping (the bench counts each keystroke as it arrives) can
//! implement it to do nothing and apply what it gets in
//! [`crate::Event::Update`] and [`crate::Event::Snapshot`] itself.

use model::heads::Missing;
use model::snapshot::{Coverage, SnapshotCheck};
use yrs::updates::decoder::Decode as _;
use yrs::{ReadTxn as _, StateVector, Transact as _};

/// A local copy of one document.
pub trait Replica {
    /// Why an update could not be applied (a co-author sent bytes that are
    /// not a Yrs update of this document).
    type Error: std::error::Error + Send + Sync + 'static;

    /// Integrate an update (v1 encoding) or a snapshot of the whole
    /// document, from the relay.
    fn apply_remote(&mut self, update: &[u8]) -> Result<(), Self::Error>;

    /// The whole document as one update: what a snapshot seals.
    fn encode_state(&self) -> Vec<u8>;

    /// Edits that updates the replica holds refer to and that never came
    /// (Yrs' pending structs). A replica that cannot tell says none.
    fn missing(&self) -> Option<Missing> {
        None
    }

    /// Compare a co-author's snapshot, claiming to hold everything up to
    /// `covers_upto`, with the replica ([`model::snapshot`]); `coverage`
    /// holds the updates applied lately, `unsent` our own unacknowledged
    /// ones. A replica that keeps no document cannot tell.
    fn check_snapshot(
        &self,
        _state: &[u8],
        _covers_upto: u64,
        _coverage: &Coverage,
        _unsent: &[&[u8]],
    ) -> SnapshotCheck {
        SnapshotCheck::CannotTell("this client keeps no document to compare".into())
    }
}

impl Replica for model::Document {
    type Error = model::DocError;

    /// Without the body's delta: a native client has no selection to carry
    /// through it, and computing one per update is quadratic over a long
    /// history ([`model::Document::apply_remote_unmapped`]).
    fn apply_remote(&mut self, update: &[u8]) -> Result<(), model::DocError> {
        self.apply_remote_unmapped(update).map(|_| ())
    }

    fn encode_state(&self) -> Vec<u8> {
        model::Document::encode_state(self)
    }

    fn missing(&self) -> Option<Missing> {
        model::Document::missing(self)
    }

    fn check_snapshot(
        &self,
        state: &[u8],
        covers_upto: u64,
        coverage: &Coverage,
        unsent: &[&[u8]],
    ) -> SnapshotCheck {
        model::Document::check_snapshot(self, state, covers_upto, coverage, unsent)
    }
}

/// Why a bare Yrs document refused an update.
#[derive(Debug, thiserror::Error)]
pub enum YrsError {
    /// The guard refused it before Yrs saw it ([`model::guard`]).
    #[error("the update was set aside: {0}")]
    Refused(#[from] model::Refusal),
    #[error("the update is not a Yrs v1 update")]
    Decode(#[from] yrs::encoding::read::Error),
    #[error("the update cannot be applied to this document")]
    Apply(#[from] yrs::error::UpdateError),
}

impl Replica for yrs::Doc {
    type Error = YrsError;

    /// Through the guard's reading of the bytes; a bare doc does not
    /// track its types, so an item whose parent is not one is left to Yrs
    /// (which stops with [`YrsError::Apply`] half-way).
    fn apply_remote(&mut self, update: &[u8]) -> Result<(), YrsError> {
        model::guard::check(update)?;
        let update = yrs::Update::decode_v1(update)?;
        self.transact_mut().apply_update(update)?;
        Ok(())
    }

    fn encode_state(&self) -> Vec<u8> {
        self.transact()
            .encode_state_as_update_v1(&StateVector::default())
    }

    fn missing(&self) -> Option<Missing> {
        model::heads::missing_in(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::schema::BODY;
    use yrs::{GetString as _, Text as _};

    #[test]
    fn a_yrs_doc_takes_an_update_and_refuses_garbage() {
        let source = yrs::Doc::with_client_id(1);
        let text = source.get_or_insert_text(BODY);
        let update = {
            let mut txn = source.transact_mut();
            text.insert(&mut txn, 0, "motion");
            txn.encode_update_v1()
        };
        let mut copy = yrs::Doc::with_client_id(2);
        copy.apply_remote(&update).expect("a real update applies");
        let body = copy.get_or_insert_text(BODY);
        assert_eq!(body.get_string(&copy.transact()), "motion");
        assert!(matches!(
            copy.apply_remote(&[0xff, 0xff, 0xff]),
            Err(YrsError::Refused(_))
        ));
        let mut again = yrs::Doc::with_client_id(3);
        again
            .apply_remote(&copy.encode_state())
            .expect("a state applies");
        let body = again.get_or_insert_text(BODY);
        assert_eq!(body.get_string(&again.transact()), "motion");
    }

    #[test]
    fn the_document_model_takes_an_update_and_gives_its_state() {
        let source = model::Document::new(1);
        let update = source.init_meta(model::DocKind::Text, "Motion", 0);
        let mut copy = model::Document::new(2);
        Replica::apply_remote(&mut copy, &update).expect("a real update applies");
        assert_eq!(copy.meta().title.as_deref(), Some("Motion"));
        assert!(Replica::apply_remote(&mut copy, &[0xff, 0xff, 0xff]).is_err());
        let state = Replica::encode_state(&copy);
        let again = model::Document::load(3, &state).expect("a state loads");
        assert_eq!(again.meta().title.as_deref(), Some("Motion"));
    }
}

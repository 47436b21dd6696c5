//! What the client needs of the document it keeps in step: take in an
//! update from the relay, and give its whole state for a snapshot. The
//! client never edits the document itself; its owner does, and hands the
//! client the update each edit produced ([`crate::Client::submit`]).
//!
//! Implemented here for a bare Yrs [`yrs::Doc`] (a test or a tool that
//! reads the text directly); the document model (`model::Document`)
//! implements it the same way. A program with its own bookkeeping (the
//! bench counts each keystroke as it arrives) can implement it to do
//! nothing and apply the updates it gets in [`crate::Event::Update`].

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
}

/// Why a bare Yrs document refused an update.
#[derive(Debug, thiserror::Error)]
pub enum YrsError {
    #[error("the update is not a Yrs v1 update")]
    Decode(#[from] yrs::encoding::read::Error),
    #[error("the update cannot be applied to this document")]
    Apply(#[from] yrs::error::UpdateError),
}

impl Replica for yrs::Doc {
    type Error = YrsError;

    fn apply_remote(&mut self, update: &[u8]) -> Result<(), YrsError> {
        let update = yrs::Update::decode_v1(update)?;
        self.transact_mut().apply_update(update)?;
        Ok(())
    }

    fn encode_state(&self) -> Vec<u8> {
        self.transact()
            .encode_state_as_update_v1(&StateVector::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{GetString as _, Text as _};

    #[test]
    fn a_yrs_doc_takes_an_update_and_refuses_garbage() {
        let source = yrs::Doc::with_client_id(1);
        let text = source.get_or_insert_text("body");
        let update = {
            let mut txn = source.transact_mut();
            text.insert(&mut txn, 0, "motion");
            txn.encode_update_v1()
        };
        let mut copy = yrs::Doc::with_client_id(2);
        copy.apply_remote(&update).expect("a real update applies");
        let body = copy.get_or_insert_text("body");
        assert_eq!(body.get_string(&copy.transact()), "motion");
        assert!(copy.apply_remote(&[0xff, 0xff, 0xff]).is_err());
        let mut again = yrs::Doc::with_client_id(3);
        again
            .apply_remote(&copy.encode_state())
            .expect("a state applies");
        let body = again.get_or_insert_text("body");
        assert_eq!(body.get_string(&again.transact()), "motion");
    }
}

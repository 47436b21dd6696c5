//! Revoking a member by key rotation (issue 15), natively: move a
//! document to fresh rooms under a fresh edit secret, and seal the old
//! rooms with a box that tells each remaining member where it went.
//!
//! A removed member holds the old keys, and keys cannot be taken back:
//! the only way to stop them reading what is written next is to write it
//! elsewhere, under keys they never had. So [`rotate`]:
//!
//! 1. joins both old rooms (text and amendments) with the old edit link,
//!    and records every plaintext update as it is applied (the snapshot,
//!    if the relay starts from one, is the first);
//! 2. creates the new rooms (the new secret's creation proofs go with
//!    the first `Hello`) and copies every update into them in the order it
//!    came, each opened with the old keys and sealed again with the new
//!    ones. Yrs updates are not tied to a room, so the history, the
//!    authorship of every edit and the signed amendment records survive;
//! 3. records the new amendment room's key in the new text room's `meta`
//!    (an editor's update on top of the copied history), so readers find
//!    it;
//! 4. seals each old room with a [`MemberBox`]: for each remaining member
//!    the new link of the level they had, sealed to their identity key,
//!    with the old room's id as context. From then on the relay refuses
//!    every write to the old rooms (the removed member's included);
//! 5. copies what the old rooms accepted before their seal but after the
//!    copy: the relay forwards every update it took before it hands out
//!    the seal, so what the old connection applied up to `Sealed` is all
//!    of it.
//!
//! Limits: each copied update goes as one update frame, so one larger
//! than the relay's frame limit (a big snapshot the old relay served) is
//! refused with [`RotateError::TooLarge`] before anything is sealed; the
//! new rooms then exist, unsealed old rooms still work, and a later run
//! with another fresh secret starts again.

use model::Document;
use protocol::envelope::new_msg_id;
use protocol::limits::MAX_FRAME_BYTES;
use protocol::memberbox::{self, MemberBox, SigningKey, VerifyingKey};
use protocol::{DocKeys, EditSecret, Link, Role, RoomId};

use crate::client::Client;
use crate::engine::{Engine, Event};
use crate::error::ClientError;
use crate::replica::Replica;

/// A copied update, its envelope and the message around it: what an
/// update frame adds to its plaintext, with room to spare.
const FRAME_OVERHEAD: usize = 4096;

/// How many copied updates may wait for their acknowledgement at once.
const COPY_WINDOW: usize = 64;

/// A member who stays: the identity key their box line is sealed to, and
/// the level of link they get.
#[derive(Clone, Debug)]
pub struct Member {
    pub identity: VerifyingKey,
    pub role: Role,
}

/// What a rotation did.
#[derive(Debug)]
pub struct Rotation {
    /// The document's new edit link.
    pub link: Link,
    /// Updates copied into the new text room and the new amendment room.
    pub text_updates: usize,
    pub amendment_updates: usize,
}

/// Why a rotation stopped.
#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    #[error("only an edit link can move a document to new keys")]
    NotAnEditor,
    #[error("an update of {0} bytes is larger than a relay takes in one frame")]
    TooLarge(usize),
    #[error("the relay refused a copied update: {}", .0.describe())]
    CopyRefused(protocol::ErrorCode),
    #[error("the member box could not be made: {0}")]
    Box(#[from] memberbox::BoxError),
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// A replica that keeps every plaintext update it applies, in order.
struct Recorder {
    doc: Document,
    log: Vec<Vec<u8>>,
}

impl Replica for Recorder {
    type Error = model::DocError;

    fn apply_remote(&mut self, update: &[u8]) -> Result<(), Self::Error> {
        Replica::apply_remote(&mut self.doc, update)?;
        self.log.push(update.to_vec());
        Ok(())
    }

    fn encode_state(&self) -> Vec<u8> {
        Replica::encode_state(&self.doc)
    }
}

fn client_id() -> u64 {
    let id = new_msg_id();
    // A 32-bit id, as the app's.
    u64::from(u32::from_be_bytes([id[0], id[1], id[2], id[3]]))
}

/// The link of `role` for the document of `secret`.
fn link_at(secret: &EditSecret, role: Role) -> Link {
    let edit = Link::Edit(secret.clone());
    match role {
        Role::Edit => edit,
        Role::Amend => edit.to_amend().unwrap_or_else(|| edit.to_view()),
        Role::View => edit.to_view(),
    }
}

/// The box each old room is sealed with: each member's new link, sealed
/// to their identity for that room.
pub fn member_box(
    secret: &EditSecret,
    members: &[Member],
    sealed_room: RoomId,
) -> Result<Vec<u8>, memberbox::BoxError> {
    let links: Vec<String> = members
        .iter()
        .map(|m| link_at(secret, m.role).fragment())
        .collect();
    let sealed = MemberBox::seal(
        members
            .iter()
            .zip(&links)
            .map(|(m, link)| (&m.identity, link.as_bytes())),
        sealed_room.as_bytes(),
    )?;
    Ok(sealed.encode())
}

/// The new link a sealed room's box holds for `identity`; `None` when
/// there is no line for it (the member was removed) or the box is not one.
pub fn new_link(member_box: &[u8], identity: &SigningKey, sealed_room: RoomId) -> Option<Link> {
    let fragment = memberbox::open_for(member_box, identity, sealed_room.as_bytes())?;
    Link::parse(std::str::from_utf8(&fragment).ok()?).ok()
}

async fn join_recording(url: &str, keys: DocKeys) -> Result<Client<Recorder>, ClientError> {
    let recorder = Recorder {
        doc: Document::new(client_id()),
        log: Vec::new(),
    };
    let engine = Engine::new(keys, recorder, 0, Vec::new()).answer_compact_hints(false);
    let mut client = Client::new(url, engine);
    client.connect().await?;
    Ok(client)
}

async fn join_new(url: &str, keys: DocKeys) -> Result<Client<Document>, ClientError> {
    let engine = Engine::new(keys, Document::new(client_id()), 0, Vec::new())
        .with_window(COPY_WINDOW)
        .answer_compact_hints(false);
    let mut client = Client::new(url, engine);
    client.connect().await?;
    Ok(client)
}

/// Copy `updates` into `to` in order, applying each to its replica.
async fn copy(to: &mut Client<Document>, updates: &[Vec<u8>]) -> Result<(), RotateError> {
    for update in updates {
        Replica::apply_remote(to.doc_mut(), update)
            .map_err(|e| ClientError::Merge(e.to_string()))?;
        to.submit(update.clone()).await?;
        if to.pending_len() >= COPY_WINDOW {
            to.settle_to(COPY_WINDOW / 2).await?;
        }
    }
    to.settle().await?;
    // An update the relay refused for good (a frame limit lower than the
    // default, a quota) would be missing from the new room: stop before
    // anything is sealed (or, for the late ones, say so).
    if let Some(code) = to.take_inbox().into_iter().find_map(|e| match e {
        Event::Refused { code, .. } => Some(code),
        _ => None,
    }) {
        return Err(RotateError::CopyRefused(code));
    }
    Ok(())
}

fn check_sizes(updates: &[Vec<u8>]) -> Result<(), RotateError> {
    match updates
        .iter()
        .find(|u| u.len() + FRAME_OVERHEAD > MAX_FRAME_BYTES)
    {
        Some(big) => Err(RotateError::TooLarge(big.len())),
        None => Ok(()),
    }
}

/// Move the document of `old` (an edit link) to the rooms of `fresh`, on
/// the relay at `url`, and seal the old rooms for `members` (those who
/// stay; the caller leaves out whoever is removed). See the module docs.
pub async fn rotate(
    url: &str,
    old: &Link,
    fresh: EditSecret,
    members: &[Member],
) -> Result<Rotation, RotateError> {
    let Link::Edit(_) = old else {
        return Err(RotateError::NotAnEditor);
    };
    let old_amend_keys = old.amendment_keys(None).ok_or(RotateError::NotAnEditor)?;
    let new_link = Link::Edit(fresh.clone());
    let new_amend_keys = new_link
        .amendment_keys(None)
        .ok_or(RotateError::NotAnEditor)?;

    // 1. Read both old rooms.
    let mut old_text = join_recording(url, old.keys()).await?;
    let mut old_amend = join_recording(url, old_amend_keys.clone()).await?;
    let text_log = old_text.doc().log.clone();
    let amend_log = old_amend.doc().log.clone();
    check_sizes(&text_log)?;
    check_sizes(&amend_log)?;

    // 2. Copy into the new rooms (created by their first Hello).
    let mut new_text = join_new(url, new_link.keys()).await?;
    let mut new_amend = join_new(url, new_amend_keys.clone()).await?;
    copy(&mut new_text, &text_log).await?;
    copy(&mut new_amend, &amend_log).await?;

    // 3. The new text room names the new amendment room.
    let record = new_text
        .doc()
        .set_amendments_room_key(&new_amend_keys.writer().to_b64());
    new_text.submit(record).await?;
    new_text.settle().await?;

    // 4. Seal the old rooms, each with its own box.
    let text_box = member_box(&fresh, members, old.keys().room())?;
    let amend_box = member_box(&fresh, members, old_amend_keys.room())?;
    old_text.seal(&text_box).await?;
    old_amend.seal(&amend_box).await?;

    // 5. What the old rooms took after the copy, before their seal.
    let late_text = old_text.doc().log[text_log.len()..].to_vec();
    let late_amend = old_amend.doc().log[amend_log.len()..].to_vec();
    check_sizes(&late_text)?;
    check_sizes(&late_amend)?;
    copy(&mut new_text, &late_text).await?;
    copy(&mut new_amend, &late_amend).await?;

    for client in [&mut new_text, &mut new_amend] {
        client.disconnect().await;
    }
    old_text.disconnect().await;
    old_amend.disconnect().await;
    Ok(Rotation {
        link: new_link,
        text_updates: text_log.len() + late_text.len() + 1,
        amendment_updates: amend_log.len() + late_amend.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    #[test]
    fn each_member_finds_the_link_of_their_level_and_a_removed_one_none() {
        let fresh = EditSecret::from_bytes([5; 32]);
        let room = DocKeys::from_edit(&EditSecret::from_bytes([6; 32])).room();
        let other_room = DocKeys::from_edit(&EditSecret::from_bytes([7; 32])).room();
        let (editor, member, reader, removed) =
            (identity(1), identity(2), identity(3), identity(4));
        let members = [
            (&editor, Role::Edit),
            (&member, Role::Amend),
            (&reader, Role::View),
        ]
        .map(|(key, role)| Member {
            identity: key.verifying_key(),
            role,
        });
        let sealed = member_box(&fresh, &members, room).expect("a box");
        let edit = Link::Edit(fresh.clone());
        assert_eq!(new_link(&sealed, &editor, room), Some(edit.clone()));
        assert_eq!(new_link(&sealed, &member, room), edit.to_amend());
        assert_eq!(new_link(&sealed, &reader, room), Some(edit.to_view()));
        assert_eq!(new_link(&sealed, &removed, room), None);
        assert_eq!(
            new_link(&sealed, &editor, other_room),
            None,
            "a box is its room's"
        );
        assert_eq!(new_link(b"garbage", &editor, room), None);
    }
}

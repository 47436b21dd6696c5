//! Handing a workspace's documents on at the right level. A workspace
//! (`model::workspace`) lists each document with its **view** link in the
//! clear, inside the workspace's encryption, so every member reads every
//! document, and with the strongest link its adder had **sealed** for the
//! workspace's editors:
//!
//! ```text
//! L  = HKDF-SHA256(S_ws, "cahier/v4/workspace/links")
//! sealed = base64url(nonce (24 random bytes) ‖ XChaCha20-Poly1305(L, nonce, fragment, aad = "cahier/v4/workspace/link" ‖ room))
//! ```
//!
//! `S_ws` is the workspace's edit secret: its read link (an amend link) and
//! its view link derive `V_ws`, never `S_ws`, so their holders cannot open
//! a sealed link; they are handed the view link ([`hand_on`]). The room
//! id in the associated data binds a sealed link to its entry: a co-editor
//! moving a sealed blob onto another document's entry makes it fail to
//! open, not open a different document under the wrong name.
//!
//! An opened link must also be a link *to that room*: an editor of the
//! workspace who seals some other document's link under an entry is
//! caught by [`hand_on`], which compares the link's room with the entry's.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use rand_core::{OsRng, RngCore};
use zeroize::Zeroize;

use crate::keys::EditSecret;
use crate::link::{Link, LinkError};

const NONCE_LEN: usize = 24;
/// The longest fragment sealed (an amend link is ~140 characters).
const MAX_FRAGMENT: usize = 512;

/// Why a workspace could not hand a document on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandOnError {
    #[error("the document's link in the workspace is damaged: {0}")]
    Link(#[from] LinkError),
    #[error("the workspace lists this document with a link to another document")]
    WrongRoom,
    #[error("the workspace's sealed link for this document does not open")]
    Sealed,
}

fn aad(room: &str) -> Vec<u8> {
    let mut aad = b"cahier/v4/workspace/link".to_vec();
    aad.extend_from_slice(room.as_bytes());
    aad
}

/// Seal `fragment` (a document's link, without `#`) for the editors of the
/// workspace whose edit secret is `workspace`, bound to the document's
/// text room `room`.
pub fn seal_link(workspace: &EditSecret, room: &str, fragment: &str) -> String {
    let mut key = workspace.workspace_links_key();
    let cipher = XChaCha20Poly1305::new((&key).into());
    key.zeroize();
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: fragment.as_bytes(),
                aad: &aad(room),
            },
        )
        .unwrap_or_default();
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    B64.encode(out)
}

/// Open a link sealed by [`seal_link`]; `None` when it does not open with
/// this workspace's key for this room.
pub fn open_link(workspace: &EditSecret, room: &str, sealed: &str) -> Option<String> {
    if sealed.len() > 2 * MAX_FRAGMENT {
        return None;
    }
    let bytes = B64.decode(sealed).ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, body) = bytes.split_at(NONCE_LEN);
    let mut key = workspace.workspace_links_key();
    let cipher = XChaCha20Poly1305::new((&key).into());
    key.zeroize();
    let plain = cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: body,
                aad: &aad(room),
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

/// The link a holder of `workspace` gets for the entry of `room`: for the
/// workspace's editors, the sealed link when there is one (else the view
/// link); for everyone else the view link, whatever the entry says. The
/// link returned always opens `room`.
pub fn hand_on(
    workspace: &Link,
    room: &str,
    view: &str,
    sealed: Option<&str>,
) -> Result<Link, HandOnError> {
    let link = match (workspace, sealed) {
        (Link::Edit(secret), Some(sealed)) => {
            let fragment = open_link(secret, room, sealed).ok_or(HandOnError::Sealed)?;
            Link::parse(&fragment)?
        }
        _ => Link::parse(view)?,
    };
    if link.keys().room().to_string() != room {
        return Err(HandOnError::WrongRoom);
    }
    // A view field holding a stronger link is not handed on as such.
    match (workspace, &link) {
        (Link::Edit(_), _) | (_, Link::View { .. }) => Ok(link),
        _ => Ok(link.to_view()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::Role;

    fn workspace() -> (EditSecret, Link) {
        let secret = EditSecret::generate();
        (secret.clone(), Link::Edit(secret))
    }

    fn document() -> (Link, String) {
        let link = Link::Edit(EditSecret::generate());
        let room = link.keys().room().to_string();
        (link, room)
    }

    #[test]
    fn editors_get_the_sealed_link_everyone_else_the_view_link() {
        let (secret, ws_edit) = workspace();
        let (doc, room) = document();
        let view = doc.to_view().fragment();
        let sealed = seal_link(&secret, &room, &doc.fragment());

        let edit = hand_on(&ws_edit, &room, &view, Some(&sealed)).unwrap();
        assert_eq!(edit, doc, "the workspace's editor gets the edit link");
        let ws_amend = ws_edit.to_amend().unwrap();
        let ws_view = ws_edit.to_view();
        for member in [&ws_amend, &ws_view] {
            let got = hand_on(member, &room, &view, Some(&sealed)).unwrap();
            assert_eq!(got.role(), Role::View, "a read member never gets more than a view link");
            assert_eq!(got, doc.to_view());
        }
    }

    #[test]
    fn a_view_level_workspace_never_yields_an_edit_secret() {
        let (secret, ws_edit) = workspace();
        let (doc, room) = document();
        let sealed = seal_link(&secret, &room, &doc.fragment());
        // What a read member holds: the workspace's view secret. Every
        // derivation of it, used as a workspace key, fails to open.
        let ws_view = ws_edit.to_view();
        let Link::View { view, .. } = &ws_view else { unreachable!() };
        let guess = EditSecret::from_bytes(*view.as_bytes());
        assert_eq!(open_link(&guess, &room, &sealed), None);
        // A hostile editor who put the edit link in the view field: a
        // read member still gets only a view link.
        let got = hand_on(&ws_view, &room, &doc.fragment(), None).unwrap();
        assert_eq!(got.role(), Role::View);
        // And the sealed text is not the link in the clear.
        assert!(!sealed.contains(&doc.fragment()[2..20]));
    }

    #[test]
    fn a_sealed_link_moved_to_another_entry_or_to_another_document_is_refused() {
        let (secret, ws_edit) = workspace();
        let (doc, room) = document();
        let (other, other_room) = document();
        let sealed = seal_link(&secret, &room, &doc.fragment());
        assert_eq!(
            hand_on(&ws_edit, &other_room, &other.to_view().fragment(), Some(&sealed)),
            Err(HandOnError::Sealed),
            "bound to its room"
        );
        let lying = seal_link(&secret, &room, &other.fragment());
        assert_eq!(
            hand_on(&ws_edit, &room, &doc.to_view().fragment(), Some(&lying)),
            Err(HandOnError::WrongRoom)
        );
        assert_eq!(
            hand_on(&ws_edit.to_view(), &room, &other.to_view().fragment(), None),
            Err(HandOnError::WrongRoom)
        );
        let (other_ws, _) = workspace();
        assert_eq!(open_link(&other_ws, &room, &sealed), None, "another workspace's key");
        for garbage in ["", "!!", &"A".repeat(5_000), "AAAA"] {
            assert_eq!(open_link(&secret, &room, garbage), None);
        }
    }
}

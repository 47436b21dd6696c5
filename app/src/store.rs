//! What this browser keeps between visits, in IndexedDB: per document, its
//! state ([`Saved`]: the Yrs state, the last sequence number applied, the
//! edits not yet acknowledged) and its link (the keys); and the list of
//! recent documents ([`Recent`]) the start page shows.
//!
//! One database `cahier`, one object store `kv`, keys `doc/<room>`,
//! `link/<room>` and `recent`, values the postcard bytes of the records
//! below (a link is its fragment, as text). The records are plain Rust
//! values, tested natively; the reads and writes go through
//! [`crate::platform::idb`] and only work in a browser. When to save is
//! the session's decision.

use leptos::wasm_bindgen::JsValue;
use protocol::session::PendingUpdate;
use serde::{Deserialize, Serialize};

use crate::platform::idb::{self, Value};

/// How many documents the recent list keeps.
pub const RECENT_MAX: usize = 30;

/// One document's state, as this browser last saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// The whole Yrs document (`Document::encode_state`).
    #[serde(with = "serde_bytes")]
    pub state: Vec<u8>,
    /// The last sequence number applied (`Session::applied`).
    pub applied: u64,
    /// Local edits the relay has not acknowledged (`Session::pending`).
    pub pending: Vec<PendingUpdate>,
}

impl Saved {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("a Saved always serialises")
    }

    pub fn decode(bytes: &[u8]) -> Option<Self> {
        postcard::from_bytes(bytes).ok()
    }
}

/// A document in the recent list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recent {
    /// The room id, base64url.
    pub room: String,
    pub title: String,
    /// Whether this browser holds the edit link (else the view link).
    pub can_write: bool,
    /// The link's fragment, without `#`.
    pub fragment: String,
    /// When it was last opened, in milliseconds since the Unix epoch.
    pub opened: u64,
}

/// Put `entry` first in `list`, replacing the same room's entry but never
/// trading an edit link for a view link, and keep [`RECENT_MAX`] entries.
pub fn remember(list: &mut Vec<Recent>, mut entry: Recent) {
    if let Some(i) = list.iter().position(|r| r.room == entry.room) {
        let old = list.remove(i);
        if old.can_write && !entry.can_write {
            entry.can_write = true;
            entry.fragment = old.fragment;
        }
        if entry.title.is_empty() {
            entry.title = old.title;
        }
    }
    list.insert(0, entry);
    list.truncate(RECENT_MAX);
}

pub fn encode_recent(list: &[Recent]) -> Vec<u8> {
    postcard::to_allocvec(list).expect("a recent list always serialises")
}

pub fn decode_recent(bytes: &[u8]) -> Vec<Recent> {
    postcard::from_bytes(bytes).unwrap_or_default()
}

fn doc_key(room: &str) -> String {
    format!("doc/{room}")
}

fn link_key(room: &str) -> String {
    format!("link/{room}")
}

const RECENT_KEY: &str = "recent";

/// The saved copy of the document `room`, if this browser has one that
/// reads. `Err` when IndexedDB refused.
pub async fn load_doc(room: &str) -> Result<Option<Saved>, JsValue> {
    let value = idb::get(&doc_key(room)).await?;
    Ok(value
        .as_ref()
        .and_then(idb::bytes)
        .and_then(|bytes| Saved::decode(&bytes)))
}

/// Save `saved` (encoded) for `room` in a transaction started now, when
/// the database is open (what a page being left can still do), else
/// when it is. `Err` when IndexedDB refused.
pub async fn save_doc(room: &str, saved: &[u8]) -> Result<(), JsValue> {
    if save_doc_now(room, saved)? {
        return Ok(());
    }
    idb::put(&doc_key(room), Value::Bytes(saved)).await
}

/// Start saving `saved` for `room` now, synchronously: `Ok(false)` when
/// the database is not open yet ([`save_doc`] then).
pub fn save_doc_now(room: &str, saved: &[u8]) -> Result<bool, JsValue> {
    idb::put_now(&doc_key(room), Value::Bytes(saved))
}

/// Keep the link's fragment for `room`, so the start page can open it.
pub async fn save_link(room: &str, fragment: &str) -> Result<(), JsValue> {
    idb::put(&link_key(room), Value::Text(fragment)).await
}

/// The recent list, empty when there is none or it does not read.
pub async fn load_recent() -> Result<Vec<Recent>, JsValue> {
    let value = idb::get(RECENT_KEY).await?;
    Ok(value
        .as_ref()
        .and_then(idb::bytes)
        .map(|bytes| decode_recent(&bytes))
        .unwrap_or_default())
}

/// Put `entry` first in the recent list ([`remember`]).
pub async fn record_recent(entry: Recent) -> Result<(), JsValue> {
    let mut list = load_recent().await?;
    remember(&mut list, entry);
    idb::put(RECENT_KEY, Value::Bytes(&encode_recent(&list))).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recent(room: &str, can_write: bool, title: &str) -> Recent {
        Recent {
            room: room.into(),
            title: title.into(),
            can_write,
            fragment: format!("{}={room}", if can_write { "e" } else { "v" }),
            opened: 1,
        }
    }

    #[test]
    fn saved_state_round_trips() {
        let saved = Saved {
            state: vec![1, 2, 3],
            applied: 42,
            pending: vec![PendingUpdate {
                msg_id: [7; 16],
                update: vec![9, 9],
            }],
        };
        assert_eq!(Saved::decode(&saved.encode()), Some(saved));
        assert_eq!(Saved::decode(&[0xff; 3]), None);
    }

    #[test]
    fn the_last_opened_comes_first_and_an_edit_link_is_kept() {
        let mut list = Vec::new();
        remember(&mut list, recent("a", true, "Motion"));
        remember(&mut list, recent("b", false, "Tract"));
        remember(&mut list, recent("a", false, ""));
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].room, "a");
        assert!(list[0].can_write, "opening a view link keeps the edit link");
        assert_eq!(list[0].fragment, "e=a");
        assert_eq!(
            list[0].title, "Motion",
            "an empty title keeps the known one"
        );
        assert_eq!(decode_recent(&encode_recent(&list)), list);
        assert!(decode_recent(b"\xff\xff").is_empty());
    }

    #[test]
    fn the_list_is_bounded() {
        let mut list = Vec::new();
        for i in 0..RECENT_MAX + 5 {
            remember(&mut list, recent(&i.to_string(), true, "t"));
        }
        assert_eq!(list.len(), RECENT_MAX);
        assert_eq!(list[0].room, (RECENT_MAX + 4).to_string());
    }
}

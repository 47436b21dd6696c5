//! What this browser keeps between visits, in IndexedDB: per document, its
//! state ([`Saved`]: the Yrs state, the last sequence number applied, the
//! edits not yet acknowledged) and its link (the keys); and the list of
//! recent documents ([`Recent`]) the start page shows.
//!
//! One database `cahier`, one object store `kv`, keys `doc/<room>`,
//! `link/<room>` and `recent`, values the postcard bytes of the records
//! below (a link is its fragment, as text). The records are plain Rust
//! values, tested natively; the IndexedDB calls only work in a browser.
//! When to save is [`crate::session`]'s decision.

use protocol::session::PendingUpdate;
use serde::{Deserialize, Serialize};

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

pub fn doc_key(room: &str) -> String {
    format!("doc/{room}")
}

pub fn link_key(room: &str) -> String {
    format!("link/{room}")
}

pub const RECENT_KEY: &str = "recent";

pub use idb::{get, put, put_now};

/// The IndexedDB calls: a key-value store over one object store.
mod idb {
    use std::cell::RefCell;

    use js_sys::{Promise, Uint8Array};
    use leptos::prelude::window;
    use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

    const DB: &str = "cahier";
    const STORE: &str = "kv";

    thread_local! {
        static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
    }

    /// Wait for a request's `success` (its result) or `error`.
    async fn done(request: &IdbRequest) -> Result<JsValue, JsValue> {
        let promise = Promise::new(&mut |resolve, reject| {
            request.set_onsuccess(Some(&resolve));
            request.set_onerror(Some(&reject));
        });
        JsFuture::from(promise).await?;
        request.result()
    }

    async fn database() -> Result<IdbDatabase, JsValue> {
        if let Some(db) = OPEN.with(|open| open.borrow().clone()) {
            return Ok(db);
        }
        let factory = window()
            .indexed_db()?
            .ok_or_else(|| JsValue::from_str("no IndexedDB"))?;
        let request: IdbOpenDbRequest = factory.open_with_u32(DB, 1)?;
        let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let db = event
                .target()
                .and_then(|t| t.dyn_into::<IdbRequest>().ok())
                .and_then(|r| r.result().ok())
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
            if let Some(db) = db {
                if !db.object_store_names().contains(STORE) {
                    let _ = db.create_object_store(STORE);
                }
            }
        });
        request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let result = done(&request).await;
        request.set_onupgradeneeded(None);
        drop(upgrade);
        let db: IdbDatabase = result?.dyn_into()?;
        OPEN.with(|open| *open.borrow_mut() = Some(db.clone()));
        Ok(db)
    }

    /// The bytes or text stored under `key`.
    pub async fn get(key: &str) -> Result<Option<JsValue>, JsValue> {
        let db = database().await?;
        let store = db
            .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readonly)?
            .object_store(STORE)?;
        let value = done(&store.get(&JsValue::from_str(key))?).await?;
        Ok((!value.is_undefined()).then_some(value))
    }

    /// Store `bytes` under `key`.
    pub async fn put(key: &str, value: Value<'_>) -> Result<(), JsValue> {
        let db = database().await?;
        let store = db
            .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?
            .object_store(STORE)?;
        let value = match value {
            Value::Bytes(bytes) => Uint8Array::from(bytes).into(),
            Value::Text(text) => JsValue::from_str(text),
        };
        done(&store.put_with_key(&value, &JsValue::from_str(key))?).await?;
        Ok(())
    }

    /// Store `value` under `key` in a transaction created right now, and
    /// ask for its commit: what a page that is being left can still do.
    /// `Ok(false)` when the database is not open yet (use [`put`]).
    pub fn put_now(key: &str, value: Value<'_>) -> Result<bool, JsValue> {
        let Some(db) = OPEN.with(|open| open.borrow().clone()) else {
            return Ok(false);
        };
        let transaction = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?;
        let value = match value {
            Value::Bytes(bytes) => Uint8Array::from(bytes).into(),
            Value::Text(text) => JsValue::from_str(text),
        };
        transaction
            .object_store(STORE)?
            .put_with_key(&value, &JsValue::from_str(key))?;
        // Commit now rather than when the task ends: the page may be gone.
        // (web-sys marks `commit` deprecated from an old WebIDL; every
        // current browser has it, and where it is missing the error is
        // ignored and the transaction commits at the end of the task.)
        #[allow(deprecated)]
        let _ = transaction.commit();
        Ok(true)
    }

    /// What [`put`] stores.
    pub enum Value<'a> {
        Bytes(&'a [u8]),
        Text(&'a str),
    }

    /// The bytes of a stored value, if it holds bytes.
    pub fn bytes(value: &JsValue) -> Option<Vec<u8>> {
        value.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec)
    }
}

pub use idb::{bytes, Value};

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

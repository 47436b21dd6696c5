//! What this browser keeps between visits, in IndexedDB: per document, its
//! state ([`Saved`]: the Yrs state, the last sequence number applied, the
//! edits not yet acknowledged), its link (the keys) and its local handle;
//! and the list of recent documents ([`Recent`]) the start page shows.
//!
//! The local handle is a random name this browser gives a document once
//! its keys are kept: the address bar shows `#d=<handle>` instead of the
//! link's fragment, so the browser's history (and a synced history, a
//! screen share, a bookmark) holds no key. It opens the document only in
//! the browser that keeps the keys; anywhere else it opens nothing.
//! [`forget`] removes all of a document's records at once.
//!
//! One database `cahier`, one object store `kv`, keys `doc/<room>`,
//! `link/<room>`, `handle/<room>` and `local/<handle>` (the two
//! directions of the handle), and `recent`; values the postcard bytes of
//! the records below, or text (a link is its fragment, a handle and a
//! room id themselves). The records are plain Rust
//! values, tested natively; the reads and writes go through
//! [`crate::platform::idb`] and only work in a browser. When to save is
//! the session's decision.

use leptos::wasm_bindgen::JsValue;
use protocol::session::PendingUpdate;
use serde::{Deserialize, Serialize};

use crate::platform::idb::{self, Value, Write};

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

/// Remove `room` from `list`; whether it was there.
pub fn drop_recent(list: &mut Vec<Recent>, room: &str) -> bool {
    let before = list.len();
    list.retain(|r| r.room != room);
    list.len() != before
}

/// How many random bytes a local handle has (written in hex).
const HANDLE_BYTES: usize = 12;

/// A local handle from its random bytes.
pub fn handle_from(bytes: [u8; HANDLE_BYTES]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `text` has the shape of a local handle (a typed or damaged
/// address is told apart from a handle this browser does not know only
/// by the words the page shows; both open nothing).
pub fn is_handle(text: &str) -> bool {
    text.len() == 2 * HANDLE_BYTES
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Which of a kept link and a new one (fragments, for one room) to keep:
/// the new one, unless that would trade an edit link for a view link
/// (what [`remember`] does for the recent list).
pub fn stronger_link<'a>(kept: Option<&'a str>, new: &'a str) -> &'a str {
    let writes =
        |fragment: &str| protocol::Link::parse(fragment).is_ok_and(|link| link.keys().can_write());
    match kept {
        Some(kept) if writes(kept) && !writes(new) => kept,
        _ => new,
    }
}

fn doc_key(room: &str) -> String {
    format!("doc/{room}")
}

fn seen_key(room: &str) -> String {
    format!("seen/{room}")
}

fn link_key(room: &str) -> String {
    format!("link/{room}")
}

fn handle_key(room: &str) -> String {
    format!("handle/{room}")
}

fn local_key(handle: &str) -> String {
    format!("local/{handle}")
}

const RECENT_KEY: &str = "recent";
/// The rooms of the argument maps this browser opened (postcard of a
/// list of room ids): what "Insérer un argument" searches. Kept apart
/// from the recent list, whose records older pages read.
const MAPS_KEY: &str = "maps";

async fn get_text(key: &str) -> Result<Option<String>, JsValue> {
    Ok(idb::get(key).await?.as_ref().and_then(idb::text))
}

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

/// What this browser saw of `room` at its last visit
/// (`model::Document::seen`), if it kept it.
pub async fn load_seen(room: &str) -> Result<Option<Vec<u8>>, JsValue> {
    Ok(idb::get(&seen_key(room))
        .await?
        .as_ref()
        .and_then(idb::bytes))
}

/// Keep what this browser saw of `room`, now when the database is open
/// (a page being left), else when it opens; a refusal only loses "since
/// your last visit".
pub fn save_seen_now(room: &str, seen: &[u8]) {
    if !matches!(idb::put_now(&seen_key(room), Value::Bytes(seen)), Ok(true)) {
        let (key, seen) = (seen_key(room), seen.to_vec());
        leptos::task::spawn_local(async move {
            let _ = idb::put(&key, Value::Bytes(&seen)).await;
        });
    }
}

/// Keep the link's fragment for `room`, so the start page and the local
/// handle can open it; an edit link already kept stays ([`stronger_link`]).
pub async fn save_link(room: &str, fragment: &str) -> Result<(), JsValue> {
    let kept = get_text(&link_key(room)).await?;
    let keep = stronger_link(kept.as_deref(), fragment);
    if kept.as_deref() == Some(keep) {
        return Ok(());
    }
    idb::put(&link_key(room), Value::Text(keep)).await
}

/// The local handle of `room`, if this browser gave it one.
pub async fn handle_of(room: &str) -> Result<Option<String>, JsValue> {
    get_text(&handle_key(room)).await
}

/// The local handle of `room`: the one it has, or a new one, kept.
pub async fn handle_for(room: &str) -> Result<String, JsValue> {
    if let Some(handle) = handle_of(room).await? {
        return Ok(handle);
    }
    let mut bytes = [0u8; HANDLE_BYTES];
    getrandom::getrandom(&mut bytes).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let handle = handle_from(bytes);
    idb::write_all(&[
        Write::Put(&handle_key(room), Value::Text(&handle)),
        Write::Put(&local_key(&handle), Value::Text(room)),
    ])
    .await?;
    Ok(handle)
}

/// The link's fragment the local handle `handle` stands for, if this
/// browser keeps it.
pub async fn link_of_handle(handle: &str) -> Result<Option<String>, JsValue> {
    let Some(room) = get_text(&local_key(handle)).await? else {
        return Ok(None);
    };
    get_text(&link_key(&room)).await
}

/// Remove everything this browser keeps of `room`, in one transaction:
/// its saved copy (with the edits not yet sent), what it last saw, its
/// link, its handle and its entry in the recent list. Nothing is sent anywhere: the document
/// stays on the relay for whoever has its link.
pub async fn forget(room: &str) -> Result<(), JsValue> {
    let handle = handle_of(room).await?;
    let mut list = load_recent().await?;
    drop_recent(&mut list, room);
    let recent = encode_recent(&list);
    let seen = seen_key(room);
    let (doc, link, handle_key, local) = (
        doc_key(room),
        link_key(room),
        handle_key(room),
        handle.as_deref().map(local_key),
    );
    let mut writes = vec![
        Write::Delete(&doc),
        Write::Delete(&seen),
        Write::Delete(&link),
        Write::Delete(&handle_key),
        Write::Put(RECENT_KEY, Value::Bytes(&recent)),
    ];
    if let Some(local) = &local {
        writes.push(Write::Delete(local));
    }
    idb::write_all(&writes).await
}

/// Erase one room's saved copy (a document's amendment room, with the
/// document) and the signatures checked in it.
pub async fn forget_copy(room: &str) -> Result<(), JsValue> {
    let (doc, checked) = (doc_key(room), checked_key(room));
    idb::write_all(&[Write::Delete(&doc), Write::Delete(&checked)]).await
}

fn checked_key(room: &str) -> String {
    format!("checked/{room}")
}

/// The records of an amendment room whose signatures this browser
/// checked (`model::amendments::Book::remembered`).
pub async fn load_checked(room: &str) -> Result<Option<Vec<u8>>, JsValue> {
    Ok(idb::get(&checked_key(room))
        .await?
        .as_ref()
        .and_then(idb::bytes))
}

/// Keep the records checked; a refusal only costs checking them again.
pub async fn save_checked(room: &str, checked: &[u8]) -> Result<(), JsValue> {
    idb::put(&checked_key(room), Value::Bytes(checked)).await
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

/// Add `room` to `list` of maps (first, once), keeping [`RECENT_MAX`] × 4.
pub fn remember_map_in(list: &mut Vec<String>, room: &str) -> bool {
    if list.first().is_some_and(|first| first == room) {
        return false;
    }
    list.retain(|r| r != room);
    list.insert(0, room.to_owned());
    list.truncate(RECENT_MAX * 4);
    true
}

/// The argument maps this browser opened, most recent first.
pub async fn load_maps() -> Result<Vec<String>, JsValue> {
    let value = idb::get(MAPS_KEY).await?;
    Ok(value
        .as_ref()
        .and_then(idb::bytes)
        .and_then(|bytes| postcard::from_bytes(&bytes).ok())
        .unwrap_or_default())
}

/// Remember that `room` is an argument map.
pub async fn remember_map(room: &str) -> Result<(), JsValue> {
    let mut list = load_maps().await?;
    if remember_map_in(&mut list, room) {
        let bytes = postcard::to_allocvec(&list).expect("a list of strings serialises");
        idb::put(MAPS_KEY, Value::Bytes(&bytes)).await?;
    }
    Ok(())
}

// -- issue 15: the workspaces this browser knows (helper space) --

/// The workspaces this browser opened (postcard of a list of
/// [`KnownWorkspace`]): what the start page lists, offline too. Kept apart
/// from the recent list, which is bounded and older pages read.
const WORKSPACES_KEY: &str = "workspaces";

/// A workspace as the start page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownWorkspace {
    pub room: String,
    pub name: String,
    /// An emoji or a colour (`#rrggbb`), as its editors chose.
    pub emblem: String,
    /// The link's fragment, without `#`.
    pub fragment: String,
    /// When it was last opened, in milliseconds since the Unix epoch.
    pub opened: u64,
}

/// Put `known` first in `list`, never trading an edit link kept for a
/// weaker one; whether the list changed.
pub fn remember_workspace_in(list: &mut Vec<KnownWorkspace>, mut known: KnownWorkspace) -> bool {
    if let Some(i) = list.iter().position(|w| w.room == known.room) {
        let old = list.remove(i);
        known.fragment = stronger_link(Some(&old.fragment), &known.fragment).to_owned();
        if known.name.is_empty() {
            known.name = old.name;
        }
    }
    list.insert(0, known);
    list.truncate(RECENT_MAX * 4);
    true
}

/// The workspaces this browser knows, most recently opened first.
pub async fn load_workspaces() -> Result<Vec<KnownWorkspace>, JsValue> {
    let value = idb::get(WORKSPACES_KEY).await?;
    Ok(value
        .as_ref()
        .and_then(idb::bytes)
        .and_then(|bytes| postcard::from_bytes(&bytes).ok())
        .unwrap_or_default())
}

async fn save_workspaces(list: &[KnownWorkspace]) -> Result<(), JsValue> {
    let bytes = postcard::to_allocvec(list).expect("a list of workspaces serialises");
    idb::put(WORKSPACES_KEY, Value::Bytes(&bytes)).await
}

/// Remember that this browser opened the workspace `known`.
pub async fn remember_workspace(known: KnownWorkspace) -> Result<(), JsValue> {
    let mut list = load_workspaces().await?;
    if remember_workspace_in(&mut list, known) {
        save_workspaces(&list).await?;
    }
    Ok(())
}

/// Forget the workspace `room` in this browser: its keys and copy
/// ([`forget`]) and its line in the list.
pub async fn forget_workspace(room: &str) -> Result<(), JsValue> {
    forget(room).await?;
    let mut list = load_workspaces().await?;
    let before = list.len();
    list.retain(|w| w.room != room);
    if list.len() != before {
        save_workspaces(&list).await?;
    }
    Ok(())
}

// -- end of the workspaces this browser knows (helper space) --

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_are_remembered_once_most_recent_first() {
        let mut list = Vec::new();
        assert!(remember_map_in(&mut list, "a"));
        assert!(remember_map_in(&mut list, "b"));
        assert!(!remember_map_in(&mut list, "b"));
        assert!(remember_map_in(&mut list, "a"));
        assert_eq!(list, ["a", "b"]);
        for n in 0..500 {
            remember_map_in(&mut list, &n.to_string());
        }
        assert_eq!(list.len(), RECENT_MAX * 4);
        assert_eq!(list[0], "499");
    }

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
    fn a_forgotten_document_leaves_the_list() {
        let mut list = Vec::new();
        remember(&mut list, recent("a", true, "Motion"));
        remember(&mut list, recent("b", false, "Tract"));
        assert!(drop_recent(&mut list, "a"));
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].room, "b");
        assert!(!drop_recent(&mut list, "a"), "already gone");
    }

    #[test]
    fn a_handle_is_hex_of_its_random_bytes() {
        let handle = handle_from([0xab; HANDLE_BYTES]);
        assert_eq!(handle, "ab".repeat(HANDLE_BYTES));
        assert!(is_handle(&handle));
        assert!(is_handle(&handle_from([0; HANDLE_BYTES])));
        assert!(!is_handle(&handle[1..]), "too short");
        assert!(!is_handle(&"AB".repeat(HANDLE_BYTES)), "upper case");
        assert!(!is_handle(&format!("{}g", &handle[1..])), "not hex");
    }

    #[test]
    fn an_edit_link_kept_is_never_traded_for_a_view_link() {
        let edit = protocol::Link::Edit(protocol::EditSecret::generate());
        let view = edit.to_view();
        let (edit, view) = (edit.fragment(), view.fragment());
        assert_eq!(stronger_link(None, &view), view);
        assert_eq!(stronger_link(Some(&view), &edit), edit);
        assert_eq!(stronger_link(Some(&edit), &view), edit);
        assert_eq!(stronger_link(Some(&edit), &edit), edit);
        assert_eq!(stronger_link(Some("damaged"), &view), view);
    }

    #[test]
    fn a_workspace_keeps_its_edit_link_and_comes_first() {
        let edit = protocol::Link::Edit(protocol::EditSecret::generate());
        let known = |fragment: String, name: &str| KnownWorkspace {
            room: "w".into(),
            name: name.into(),
            emblem: "🌱".into(),
            fragment,
            opened: 1,
        };
        let mut list = Vec::new();
        remember_workspace_in(&mut list, known(edit.fragment(), "Section"));
        remember_workspace_in(
            &mut list,
            KnownWorkspace {
                room: "x".into(),
                ..known(String::new(), "Autre")
            },
        );
        remember_workspace_in(&mut list, known(edit.to_view().fragment(), ""));
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].room, "w");
        assert_eq!(list[0].fragment, edit.fragment());
        assert_eq!(list[0].name, "Section");
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

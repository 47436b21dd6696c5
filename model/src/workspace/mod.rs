//! A workspace: one encrypted place for a group's texts, argument maps and
//! meetings (a document of kind [`DocKind::Workspace`]). The relay sees a
//! room like any other; which documents belong together, their titles and
//! how many there are live only here, inside the encryption.
//!
//! The index is three root maps of the text room:
//!
//! - [`schema::ENTRIES`]: one nested Yrs Map per document, keys in
//!   [`schema::entry`]. Nested, so that two members moving and pinning one
//!   entry at once both hold. An entry carries the document's **view**
//!   link in the clear (every member may read every document) and its
//!   strongest link *sealed* for the workspace's editors: only the holder
//!   of the workspace's edit secret opens it (`protocol::keybox`), so a
//!   member with a read link is handed read links and nothing stronger.
//! - [`schema::FOLDERS`]: one level of folders. An entry whose folder is
//!   gone shows at the top, so removing a folder never hides a document.
//! - [`schema::MEMBERS`]: the members' identity keys as editors list them,
//!   for revocation (ARCHITECTURE.md, "Revoking a member").
//!
//! What concurrent edits do: two additions are two entries (two members
//! adding one document at once give two entries for one room: the reader
//! keeps the earliest and lists the others in [`Workspace::duplicates`],
//! which an editor's page removes); a move and a pin merge; a removal and
//! a concurrent move: the removal wins (Yrs drops what is written inside a
//! deleted map). Everything a co-member may have written is read
//! defensively: an entry that is not a map, or without a room id or a
//! view link of the right shape, is skipped and counted in
//! [`Workspace::refused`], so the page can say so.

pub mod files;
pub mod search;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use yrs::{Any, Map, MapPrelim, MapRef, Number, Out, Transact};

use crate::amendments::select::fold;
use crate::document::Document;
use crate::schema::{self, entry as key, folder as fkey, member as mkey, DocKind};

/// The origin of the transactions made here.
pub const ORIGIN: &str = "cahier/workspace";
/// The longest name or title kept, in characters; longer ones are cut.
pub const MAX_TITLE: usize = 300;
/// The longest emblem (an emoji with its modifiers, or `#rrggbb`).
pub const MAX_EMBLEM: usize = 16;
/// Entries a workspace reads at most: past it a hostile co-member's
/// flood is cut, and said.
pub const MAX_ENTRIES: usize = 20_000;

/// What a document in a workspace is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Text,
    Arguments,
    /// A text made for a meeting: it opens on the meeting panel.
    Meeting,
}

impl EntryKind {
    pub const ALL: [EntryKind; 3] = [EntryKind::Text, EntryKind::Arguments, EntryKind::Meeting];

    pub const fn name(self) -> &'static str {
        match self {
            EntryKind::Text => "text",
            EntryKind::Arguments => "arguments",
            EntryKind::Meeting => "meeting",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        EntryKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The kind of the document itself.
    pub const fn doc_kind(self) -> DocKind {
        match self {
            EntryKind::Text | EntryKind::Meeting => DocKind::Text,
            EntryKind::Arguments => DocKind::Arguments,
        }
    }
}

/// The strength of the link an entry's adder sealed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Edit,
    Amend,
    View,
}

impl Level {
    pub const fn name(self) -> &'static str {
        match self {
            Level::Edit => "edit",
            Level::Amend => "amend",
            Level::View => "view",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "edit" => Some(Level::Edit),
            "amend" => Some(Level::Amend),
            "view" => Some(Level::View),
            _ => None,
        }
    }
}

/// One document of a workspace, as read.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: String,
    /// The document's text room id.
    pub room: String,
    pub kind: EntryKind,
    pub title: String,
    /// The folder's id; empty at the top (also when its folder is gone).
    pub folder: String,
    pub pinned: bool,
    /// The document's view link fragment (`v=…`).
    pub view: String,
    /// Its strongest link, sealed for the workspace's editors.
    pub sealed: Option<String>,
    pub level: Level,
    pub added_by: String,
    pub added_at: i64,
    /// When a member last saw it change (ms); its addition at first.
    pub activity: i64,
}

/// A document to add.
#[derive(Clone, Debug, Default)]
pub struct NewEntry<'a> {
    pub room: &'a str,
    pub kind: Option<EntryKind>,
    pub title: &'a str,
    pub folder: &'a str,
    pub view: &'a str,
    pub sealed: Option<&'a str>,
    pub level: Option<Level>,
    pub added_by: &'a str,
    pub time: i64,
}

/// A folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folder {
    pub id: String,
    pub name: String,
    pub created: i64,
}

/// A member as the editors listed them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The identity key, base64url.
    pub key: String,
    pub name: String,
    /// `true` for an editor of the workspace.
    pub editor: bool,
    pub added_at: i64,
    pub removed_at: Option<i64>,
}

/// The whole index, as read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Workspace {
    pub name: String,
    pub emblem: String,
    /// One per document (the earliest entry of a room), in no order:
    /// [`sorted`] orders them.
    pub entries: Vec<Entry>,
    pub folders: Vec<Folder>,
    pub members: Vec<Member>,
    /// Later entries of a room already listed: an editor removes them.
    pub duplicates: Vec<String>,
    /// Entries skipped because they were not readable (a hostile or newer
    /// co-member's): the page says how many.
    pub refused: usize,
}

impl Workspace {
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.id == id)
    }

    pub fn by_room(&self, room: &str) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.room == room)
    }

    pub fn folder(&self, id: &str) -> Option<&Folder> {
        self.folders.iter().find(|folder| folder.id == id)
    }

    /// The members still in.
    pub fn current_members(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| m.removed_at.is_none())
    }
}

/// Why an edit of the index was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WsError {
    #[error("this is not a document's room id")]
    BadRoom,
    #[error("this is not a view link")]
    BadView,
    #[error("the title is empty")]
    EmptyTitle,
    #[error("no such entry or folder")]
    NotFound,
}

/// How the list is ordered. Pinned entries come first either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    /// Most recent activity first.
    #[default]
    Recent,
    /// By title, case and accents aside.
    Title,
}

/// A room id as the relay spells it: 22 characters of base64url.
pub fn is_room_id(text: &str) -> bool {
    text.len() == 22
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A view link's fragment, checked for shape only (the protocol checks the
/// rest when it is opened).
fn is_view_fragment(text: &str) -> bool {
    text.len() < 200
        && text.strip_prefix("v=").is_some_and(|rest| {
            rest.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

fn cut(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

fn string(map: &MapRef, txn: &impl yrs::ReadTxn, key: &str) -> Option<String> {
    match map.get(txn, key) {
        Some(Out::Any(Any::String(text))) => Some(text.to_string()),
        _ => None,
    }
}

fn int(map: &MapRef, txn: &impl yrs::ReadTxn, key: &str) -> Option<i64> {
    match map.get(txn, key) {
        Some(Out::Any(Any::Number(Number::Int(n)))) => Some(n),
        Some(Out::Any(Any::Number(Number::Float(n)))) if n.is_finite() => Some(n as i64),
        _ => None,
    }
}

fn int_any(n: i64) -> Any {
    Any::Number(Number::Int(n))
}

fn boolean(map: &MapRef, txn: &impl yrs::ReadTxn, key: &str) -> bool {
    matches!(map.get(txn, key), Some(Out::Any(Any::Bool(true))))
}

fn nested(map: &MapRef, txn: &impl yrs::ReadTxn, key: &str) -> Option<MapRef> {
    match map.get(txn, key) {
        Some(Out::YMap(inner)) => Some(inner),
        _ => None,
    }
}

impl Document {
    /// The workspace's index.
    pub fn workspace(&self) -> Workspace {
        let meta = self.meta();
        let txn = self.doc.transact();
        let emblem = self
            .meta_string(&txn, schema::meta::EMBLEM)
            .map(|e| cut(&e, MAX_EMBLEM))
            .unwrap_or_default();

        let mut folders: Vec<Folder> = Vec::new();
        for (id, value) in self.folders.iter(&txn) {
            let Out::YMap(folder) = value else { continue };
            let name = string(&folder, &txn, fkey::NAME).map(|n| cut(&n, MAX_TITLE));
            let Some(name) = name.filter(|n| !n.is_empty()) else {
                continue;
            };
            folders.push(Folder {
                id: id.to_string(),
                name,
                created: int(&folder, &txn, fkey::CREATED).unwrap_or(0),
            });
        }
        folders.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)).then(a.id.cmp(&b.id)));

        let mut refused = 0;
        let mut all: Vec<Entry> = Vec::new();
        for (id, value) in self.entries.iter(&txn) {
            if all.len() >= MAX_ENTRIES {
                refused += 1;
                continue;
            }
            let Out::YMap(map) = value else {
                refused += 1;
                continue;
            };
            let room = string(&map, &txn, key::ROOM).filter(|r| is_room_id(r));
            let view = string(&map, &txn, key::VIEW).filter(|v| is_view_fragment(v));
            let (Some(room), Some(view)) = (room, view) else {
                refused += 1;
                continue;
            };
            let folder = string(&map, &txn, key::FOLDER).unwrap_or_default();
            let folder = if folders.iter().any(|f| f.id == folder) {
                folder
            } else {
                String::new()
            };
            let added_at = int(&map, &txn, key::ADDED_AT).unwrap_or(0);
            let sealed = string(&map, &txn, key::SEALED).filter(|s| !s.is_empty() && s.len() < 1_000);
            all.push(Entry {
                id: id.to_string(),
                room,
                kind: string(&map, &txn, key::KIND)
                    .as_deref()
                    .and_then(EntryKind::from_name)
                    .unwrap_or(EntryKind::Text),
                title: string(&map, &txn, key::TITLE)
                    .map(|t| cut(&t, MAX_TITLE))
                    .unwrap_or_default(),
                folder,
                pinned: boolean(&map, &txn, key::PINNED),
                view,
                level: if sealed.is_some() {
                    string(&map, &txn, key::LEVEL)
                        .as_deref()
                        .and_then(Level::from_name)
                        .unwrap_or(Level::View)
                } else {
                    Level::View
                },
                sealed,
                added_by: string(&map, &txn, key::ADDED_BY)
                    .map(|t| cut(&t, MAX_TITLE))
                    .unwrap_or_default(),
                added_at,
                activity: int(&map, &txn, key::ACTIVITY).unwrap_or(added_at).max(added_at),
            });
        }
        // One entry per room: the earliest added (then the smallest id),
        // the same in every copy.
        all.sort_by(|a, b| {
            a.room
                .cmp(&b.room)
                .then(a.added_at.cmp(&b.added_at))
                .then(a.id.cmp(&b.id))
        });
        let mut entries: Vec<Entry> = Vec::with_capacity(all.len());
        let mut duplicates = Vec::new();
        for entry in all {
            match entries.last_mut() {
                Some(kept) if kept.room == entry.room => {
                    // The kept entry takes the freshest title and
                    // activity, and the strongest sealed link.
                    if entry.activity > kept.activity {
                        kept.activity = entry.activity;
                        if !entry.title.is_empty() {
                            kept.title = entry.title.clone();
                        }
                    }
                    if entry.sealed.is_some() && (kept.sealed.is_none() || entry.level < kept.level) {
                        kept.sealed = entry.sealed.clone();
                        kept.level = entry.level;
                    }
                    duplicates.push(entry.id);
                }
                _ => entries.push(entry),
            }
        }

        let mut members: Vec<Member> = Vec::new();
        for (id, value) in self.members.iter(&txn) {
            let Out::YMap(map) = value else { continue };
            if id.len() != 43 {
                continue;
            }
            members.push(Member {
                key: id.to_string(),
                name: string(&map, &txn, mkey::NAME)
                    .map(|t| cut(&t, MAX_TITLE))
                    .unwrap_or_default(),
                editor: string(&map, &txn, mkey::LEVEL).as_deref() == Some("edit"),
                added_at: int(&map, &txn, mkey::ADDED_AT).unwrap_or(0),
                removed_at: int(&map, &txn, mkey::REMOVED_AT),
            });
        }
        members.sort_by(|a, b| a.added_at.cmp(&b.added_at).then(a.key.cmp(&b.key)));

        Workspace {
            name: meta.title.map(|t| cut(&t, MAX_TITLE)).unwrap_or_default(),
            emblem,
            entries,
            folders,
            members,
            duplicates,
            refused,
        }
    }

    fn meta_string(&self, txn: &impl yrs::ReadTxn, name: &str) -> Option<String> {
        string(&self.meta, txn, name)
    }

    /// Fill a new workspace's `meta`: kind, name, emblem. The update to
    /// send.
    pub fn new_workspace(&self, name: &str, emblem: &str, created: i64) -> Vec<u8> {
        let first = self.init_meta(DocKind::Workspace, &cut(name, MAX_TITLE), created);
        let second = self.set_emblem(emblem);
        crate::document::merge_updates(&[first, second]).unwrap_or_default()
    }

    /// Rename the workspace and change its emblem. The update to send.
    pub fn set_workspace(&self, name: &str, emblem: &str) -> Vec<u8> {
        let first = self.set_title(&cut(name, MAX_TITLE));
        let second = self.set_emblem(emblem);
        crate::document::merge_updates(&[first, second]).unwrap_or_default()
    }

    fn set_emblem(&self, emblem: &str) -> Vec<u8> {
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        self.meta.insert(&mut txn, schema::meta::EMBLEM, cut(emblem, MAX_EMBLEM));
        let update = txn.encode_update_v1();
        drop(txn);
        self.made(update)
    }

    fn next_id(&self) -> String {
        format!("{}-{}", self.client_id(), self.own_clock())
    }

    /// Add a document. Its id and the update to send.
    pub fn add_entry(&self, new: &NewEntry<'_>) -> Result<(String, Vec<u8>), WsError> {
        if !is_room_id(new.room) {
            return Err(WsError::BadRoom);
        }
        if !is_view_fragment(new.view) {
            return Err(WsError::BadView);
        }
        let id = self.next_id();
        let kind = new.kind.unwrap_or(EntryKind::Text);
        let mut fields: Vec<(&str, Any)> = vec![
            (key::ROOM, Any::from(new.room)),
            (key::KIND, Any::from(kind.name())),
            (key::TITLE, Any::from(cut(new.title, MAX_TITLE))),
            (key::FOLDER, Any::from(new.folder)),
            (key::PINNED, Any::Bool(false)),
            (key::VIEW, Any::from(new.view)),
            (key::ADDED_BY, Any::from(cut(new.added_by, MAX_TITLE))),
            (key::ADDED_AT, int_any(new.time)),
            (key::ACTIVITY, int_any(new.time)),
        ];
        if let Some(sealed) = new.sealed {
            fields.push((key::SEALED, Any::from(sealed)));
            fields.push((key::LEVEL, Any::from(new.level.unwrap_or(Level::View).name())));
        }
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        let prelim: MapPrelim = fields.into_iter().map(|(k, v)| (k, yrs::In::Any(v))).collect();
        self.entries.insert(&mut txn, id.as_str(), prelim);
        let update = txn.encode_update_v1();
        drop(txn);
        Ok((id, self.made(update)))
    }

    fn with_entry(
        &self,
        id: &str,
        write: impl FnOnce(&MapRef, &mut yrs::TransactionMut),
    ) -> Result<Vec<u8>, WsError> {
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        let map = nested(&self.entries, &txn, id).ok_or(WsError::NotFound)?;
        write(&map, &mut txn);
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }

    /// The title a member saw in the document, and when it changed. Only
    /// what differs is written: a page opening a document whose entry is
    /// up to date sends nothing (`Ok(None)`).
    pub fn set_entry_title(
        &self,
        id: &str,
        title: &str,
        activity: i64,
    ) -> Result<Option<Vec<u8>>, WsError> {
        let title = cut(title, MAX_TITLE);
        let txn = self.doc.transact();
        let map = nested(&self.entries, &txn, id).ok_or(WsError::NotFound)?;
        let same_title = string(&map, &txn, key::TITLE).as_deref() == Some(title.as_str());
        let later = int(&map, &txn, key::ACTIVITY).is_none_or(|at| activity > at);
        drop(txn);
        if same_title && !later {
            return Ok(None);
        }
        self.with_entry(id, |map, txn| {
            if !same_title && !title.is_empty() {
                map.insert(txn, key::TITLE, title);
            }
            if later {
                map.insert(txn, key::ACTIVITY, int_any(activity));
            }
        })
        .map(Some)
    }

    /// Put an entry in a folder (`""`: at the top).
    pub fn move_entry(&self, id: &str, folder: &str) -> Result<Vec<u8>, WsError> {
        if !folder.is_empty() {
            let txn = self.doc.transact();
            if nested(&self.folders, &txn, folder).is_none() {
                return Err(WsError::NotFound);
            }
        }
        self.with_entry(id, |map, txn| {
            map.insert(txn, key::FOLDER, folder);
        })
    }

    pub fn pin_entry(&self, id: &str, pinned: bool) -> Result<Vec<u8>, WsError> {
        self.with_entry(id, |map, txn| {
            map.insert(txn, key::PINNED, pinned);
        })
    }

    /// Give an entry another link (a rotation's new rooms): its room, view
    /// link and sealed link together.
    pub fn relink_entry(
        &self,
        id: &str,
        room: &str,
        view: &str,
        sealed: Option<(&str, Level)>,
    ) -> Result<Vec<u8>, WsError> {
        if !is_room_id(room) {
            return Err(WsError::BadRoom);
        }
        if !is_view_fragment(view) {
            return Err(WsError::BadView);
        }
        self.with_entry(id, |map, txn| {
            map.insert(txn, key::ROOM, room);
            map.insert(txn, key::VIEW, view);
            match sealed {
                Some((sealed, level)) => {
                    map.insert(txn, key::SEALED, sealed);
                    map.insert(txn, key::LEVEL, level.name());
                }
                None => {
                    map.remove(txn, key::SEALED);
                    map.remove(txn, key::LEVEL);
                }
            }
        })
    }

    /// Take a document out of the workspace. The document itself is not
    /// touched: whoever has its link still opens it.
    pub fn remove_entry(&self, id: &str) -> Result<Vec<u8>, WsError> {
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        if self.entries.remove(&mut txn, id).is_none() {
            return Err(WsError::NotFound);
        }
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }

    /// A new folder. Its id and the update to send.
    pub fn add_folder(&self, name: &str, time: i64) -> Result<(String, Vec<u8>), WsError> {
        let name = cut(name, MAX_TITLE);
        if name.is_empty() {
            return Err(WsError::EmptyTitle);
        }
        let id = self.next_id();
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        let prelim = MapPrelim::from([
            (fkey::NAME, yrs::In::Any(Any::from(name))),
            (fkey::CREATED, yrs::In::Any(int_any(time))),
        ]);
        self.folders.insert(&mut txn, id.as_str(), prelim);
        let update = txn.encode_update_v1();
        drop(txn);
        Ok((id, self.made(update)))
    }

    pub fn rename_folder(&self, id: &str, name: &str) -> Result<Vec<u8>, WsError> {
        let name = cut(name, MAX_TITLE);
        if name.is_empty() {
            return Err(WsError::EmptyTitle);
        }
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        let map = nested(&self.folders, &txn, id).ok_or(WsError::NotFound)?;
        map.insert(&mut txn, fkey::NAME, name);
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }

    /// Remove a folder: its documents go back to the top (in every copy,
    /// even for an entry moved into it at the same moment, because a
    /// reader puts an entry of a folder that is gone at the top).
    pub fn remove_folder(&self, id: &str) -> Result<Vec<u8>, WsError> {
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        if self.folders.remove(&mut txn, id).is_none() {
            return Err(WsError::NotFound);
        }
        let inside: Vec<MapRef> = self
            .entries
            .iter(&txn)
            .filter_map(|(_, value)| match value {
                Out::YMap(map) => Some(map),
                _ => None,
            })
            .filter(|map| string(map, &txn, key::FOLDER).as_deref() == Some(id))
            .collect();
        for map in inside {
            map.insert(&mut txn, key::FOLDER, "");
        }
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }

    /// List a member (an editor does): their identity key (base64url),
    /// name and whether they edit. Listing again renames; it does not
    /// bring a removed member back ([`Document::remove_member`] is final
    /// for that key).
    pub fn list_member(
        &self,
        identity: &str,
        name: &str,
        editor: bool,
        time: i64,
    ) -> Result<Vec<u8>, WsError> {
        if identity.len() != 43 {
            return Err(WsError::NotFound);
        }
        let name = cut(name, MAX_TITLE);
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        let level = if editor { "edit" } else { "read" };
        match nested(&self.members, &txn, identity) {
            Some(map) => {
                if string(&map, &txn, mkey::NAME).as_deref() != Some(name.as_str()) {
                    map.insert(&mut txn, mkey::NAME, name);
                }
                if string(&map, &txn, mkey::LEVEL).as_deref() != Some(level) {
                    map.insert(&mut txn, mkey::LEVEL, level);
                }
            }
            None => {
                let prelim = MapPrelim::from([
                    (mkey::NAME, yrs::In::Any(Any::from(name))),
                    (mkey::LEVEL, yrs::In::Any(Any::from(level))),
                    (mkey::ADDED_AT, yrs::In::Any(int_any(time))),
                ]);
                self.members.insert(&mut txn, identity, prelim);
            }
        }
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }

    /// Mark a member removed. The rotation that makes it mean something
    /// is the caller's (ARCHITECTURE.md, "Revoking a member").
    pub fn remove_member(&self, identity: &str, time: i64) -> Result<Vec<u8>, WsError> {
        let mut txn = self.doc.transact_mut_with(ORIGIN);
        let map = nested(&self.members, &txn, identity).ok_or(WsError::NotFound)?;
        map.insert(&mut txn, mkey::REMOVED_AT, int_any(time));
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }
}

/// The entries in list order: pinned first, then by `sort`.
pub fn sorted(entries: &[Entry], sort: Sort) -> Vec<&Entry> {
    let mut list: Vec<&Entry> = entries.iter().collect();
    match sort {
        Sort::Recent => list.sort_by(|a, b| {
            b.pinned
                .cmp(&a.pinned)
                .then(b.activity.cmp(&a.activity))
                .then(a.id.cmp(&b.id))
        }),
        Sort::Title => {
            let mut keyed: HashMap<&str, String> = HashMap::with_capacity(list.len());
            for entry in &list {
                keyed.insert(entry.id.as_str(), fold(&entry.title));
            }
            list.sort_by(|a, b| {
                b.pinned
                    .cmp(&a.pinned)
                    .then_with(|| keyed[a.id.as_str()].cmp(&keyed[b.id.as_str()]))
                    .then(a.id.cmp(&b.id))
            });
        }
    }
    list
}

/// The entries whose title (or folder's name) holds every word of
/// `query`, case and accents aside, in `sorted` order. An empty query
/// gives them all.
pub fn search_titles<'a>(workspace: &'a Workspace, query: &str, sort: Sort) -> Vec<&'a Entry> {
    let query = fold(query);
    let words: Vec<&str> = query.split_whitespace().collect();
    let folders: HashMap<&str, String> = workspace
        .folders
        .iter()
        .map(|f| (f.id.as_str(), fold(&f.name)))
        .collect();
    let mut haystack = String::new();
    sorted(&workspace.entries, sort)
        .into_iter()
        .filter(|entry| {
            if words.is_empty() {
                return true;
            }
            haystack.clear();
            crate::amendments::select::fold_into(&entry.title, &mut haystack);
            if let Some(folder) = folders.get(entry.folder.as_str()) {
                haystack.push('\n');
                haystack.push_str(folder);
            }
            words.iter().all(|word| haystack.contains(word))
        })
        .collect()
}

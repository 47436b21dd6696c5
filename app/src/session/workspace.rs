//! The workspace of the open document, when its kind is `workspace`
//! ([`model::workspace`]): what the workspace page reads and writes.
//!
//! The index lives in the text room, like an argument map's claims: an
//! edit link writes it (sent like any edit, offline like a text), every
//! other link reads it. The page never opens a transaction: it calls the
//! methods here, which turn one change into one update, queue it and
//! send it.
//!
//! What the index holds is written by co-members, so anything may be in
//! it: the model folds it into plain values and leaves out what does not
//! read; this module only moves updates.

use leptos::prelude::*;
use model::workspace::{NewEntry, Workspace};
use model::DocKind;
use protocol::Link;

use super::DocSession;

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// The key under which the home page leaves "this new document is a
/// workspace named …" for the page that opens it (sessionStorage, by
/// room): its name and emblem, a line each.
const NEW_WORKSPACE_KEY: &str = "cahier-new-workspace:";

/// The key under which a workspace leaves "this new text is a meeting's:
/// open the meeting panel" for the page that opens it.
const NEW_MEETING_KEY: &str = "cahier-new-meeting:";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// Say that the document `room`, about to be created in this tab, is a
/// workspace named `name` with `emblem`: its page writes them once it has
/// loaded.
pub fn will_be_workspace(room: &str, name: &str, emblem: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(
            &format!("{NEW_WORKSPACE_KEY}{room}"),
            &format!("{name}\n{emblem}"),
        );
    }
}

fn take_new_workspace(room: &str) -> Option<(String, String)> {
    let storage = session_storage()?;
    let key = format!("{NEW_WORKSPACE_KEY}{room}");
    let value = storage.get_item(&key).ok().flatten()?;
    let _ = storage.remove_item(&key);
    let (name, emblem) = value.split_once('\n').unwrap_or((&value, ""));
    Some((name.to_owned(), emblem.to_owned()))
}

/// Say that the text `room`, about to be opened in this tab, is a
/// meeting's: its page opens the meeting panel once.
pub fn will_be_meeting(room: &str) {
    if let Some(storage) = session_storage() {
        let _ = storage.set_item(&format!("{NEW_MEETING_KEY}{room}"), "1");
    }
}

/// Whether the text `room` was just created as a meeting's (taken: asked
/// once).
pub fn take_new_meeting(room: &str) -> bool {
    let Some(storage) = session_storage() else {
        return false;
    };
    let key = format!("{NEW_MEETING_KEY}{room}");
    let found = storage.get_item(&key).ok().flatten().is_some();
    if found {
        let _ = storage.remove_item(&key);
    }
    found
}

/// The workspace of the document page. Provided by the page
/// ([`DocWorkspace::provide`]); read with [`use_doc_workspace`].
#[derive(Clone, Copy)]
pub struct DocWorkspace {
    /// Bumps when the index may have changed, here or from a co-member.
    pub revision: Signal<u64>,
    text: DocSession,
    link: StoredValue<Link>,
}

impl DocWorkspace {
    pub fn provide(text: DocSession, link: Link) -> Self {
        let signals = text.signals;
        // The index is in the text room: any update applied may touch it
        // (`applied`), and a load or a local change says so (`claims`,
        // which the saved copy's load and every local change bump).
        let revision = Signal::derive(move || {
            signals.claims.get() + signals.applied.get() + signals.revision.get()
        });
        let me = DocWorkspace {
            revision,
            text,
            link: StoredValue::new(link),
        };
        // A workspace created from the home page: its kind, name and
        // emblem are written once the (empty) document has loaded.
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) || !signals.ready.get() {
                return done.unwrap_or(false);
            }
            if signals.kind.get_untracked().is_none() && signals.can_write {
                let room = text.with_core(|c| c.room.clone()).unwrap_or_default();
                if let Some((name, emblem)) = take_new_workspace(&room) {
                    me.text.with_core(|c| {
                        let update = c.doc.new_workspace(&name, &emblem, now());
                        c.out.kind = Some(Some(DocKind::Workspace));
                        c.out.title = Some(name.clone());
                        c.send_claims(update);
                    });
                }
            }
            true
        });
        provide_context(me);
        me
    }

    /// Whether the open document is a workspace. Tracks the kind.
    pub fn is_workspace(&self) -> bool {
        self.text.signals.kind.get() == Some(DocKind::Workspace)
    }

    /// Whether this link writes the index (the workspace's edit link).
    pub fn can_edit(&self) -> bool {
        self.text.signals.can_write
    }

    /// Whether the saved copy is loaded. Tracks it.
    pub fn ready(&self) -> bool {
        self.text.signals.ready.get()
    }

    /// The workspace's link, as this browser holds it.
    pub fn link(&self) -> Link {
        self.link.get_value()
    }

    /// The workspace's room id.
    pub fn room(&self) -> String {
        self.link.with_value(|link| link.keys().room().to_string())
    }

    /// The index as it stands. Tracks the revision.
    pub fn workspace(&self) -> Workspace {
        self.revision.track();
        self.text
            .with_core(|c| c.doc.workspace())
            .unwrap_or_default()
    }

    /// The index, not tracked.
    pub fn workspace_untracked(&self) -> Workspace {
        self.text
            .with_core(|c| c.doc.workspace())
            .unwrap_or_default()
    }

    /// Make one change with the document and send it; `false` when this
    /// link may not write or the change did not apply.
    fn change(&self, f: impl FnOnce(&model::Document) -> Option<Vec<u8>>) -> bool {
        if !self.can_edit() {
            return false;
        }
        self.text
            .with_core(|c| match f(&c.doc) {
                Some(update) => {
                    c.send_claims(update);
                    true
                }
                None => false,
            })
            .unwrap_or(false)
    }

    /// Rename the workspace, or change its emblem.
    pub fn set_identity(&self, name: &str, emblem: &str) -> bool {
        let done = self.change(|doc| Some(doc.set_workspace(name, emblem)));
        if done {
            self.text.with_core(|c| c.out.title = Some(name.to_owned()));
        }
        done
    }

    /// Add an entry; its id.
    pub fn add(&self, entry: &NewEntry<'_>) -> Option<String> {
        let mut id = None;
        self.change(|doc| {
            let (new_id, update) = doc.add_entry(entry).ok()?;
            id = Some(new_id);
            Some(update)
        });
        id
    }

    /// Write the title a document has now into its entry, with when it
    /// was seen.
    pub fn set_title(&self, id: &str, title: &str, activity: i64) -> bool {
        self.change(|doc| doc.set_entry_title(id, title, activity).ok().flatten())
    }

    /// Put an entry in `folder` (`""`: at the top level).
    pub fn move_to(&self, id: &str, folder: &str) -> bool {
        self.change(|doc| doc.move_entry(id, folder).ok())
    }

    pub fn pin(&self, id: &str, pinned: bool) -> bool {
        self.change(|doc| doc.pin_entry(id, pinned).ok())
    }

    /// Take an entry out of the workspace (the document stays).
    pub fn remove(&self, id: &str) -> bool {
        self.change(|doc| doc.remove_entry(id).ok())
    }

    /// A new folder; its id.
    pub fn add_folder(&self, name: &str) -> Option<String> {
        let mut id = None;
        self.change(|doc| {
            let (new_id, update) = doc.add_folder(name, now()).ok()?;
            id = Some(new_id);
            Some(update)
        });
        id
    }

    pub fn rename_folder(&self, id: &str, name: &str) -> bool {
        self.change(|doc| doc.rename_folder(id, name).ok())
    }

    /// Remove a folder: its entries go back to the top level.
    pub fn remove_folder(&self, id: &str) -> bool {
        self.change(|doc| doc.remove_folder(id).ok())
    }
}

/// The [`DocWorkspace`] the document page provides.
pub fn use_doc_workspace() -> DocWorkspace {
    use_context().expect("the document page provides DocWorkspace")
}

/// A text document made in this browser from a file (an import into the
/// workspace): its edit link, kept here with a saved copy whose edits are
/// all still to send, then a session of its own that sends them
/// ([`DocSession`]'s reference part, under `owner`: it lives as long as
/// the caller disposes of `owner` once it has sent them). The document's own page, when opened, finds the
/// same edits in the saved copy and sends them again if they were not
/// acknowledged (the relay keeps each message id once).
pub async fn create_text(
    owner: &Owner,
    title: &str,
    body: &str,
) -> Result<(Link, DocSession), String> {
    use protocol::session::Session;

    let link = Link::Edit(protocol::EditSecret::generate());
    let keys = link.keys();
    let room = keys.room().to_string();
    let doc = super::new_document();
    let mut updates = vec![doc.init_meta(DocKind::Text, title, now())];
    let edit = model::edit::Edit {
        start: 0,
        delete: 0,
        insert: body.to_owned(),
    };
    updates.extend(
        doc.edit_body_in_parts(&edit, super::MAX_UPDATE_BYTES)
            .map_err(|e| e.to_string())?,
    );
    let mut session = Session::new(keys.clone(), 0, Vec::new());
    for update in updates {
        session.local(update).map_err(|e| e.to_string())?;
    }
    let saved = crate::store::Saved {
        state: doc.encode_state(),
        applied: 0,
        pending: session.pending(),
    };
    crate::store::save_doc(&room, &saved.encode())
        .await
        .map_err(|e| format!("{e:?}"))?;
    crate::store::save_link(&room, &link.fragment())
        .await
        .map_err(|e| format!("{e:?}"))?;
    let sending = owner.with(|| DocSession::start_room(link.clone(), keys, super::Part::Reference));
    Ok((link, sending))
}

impl DocSession {
    /// Whether every edit of this session reached the relay. Tracks it.
    pub fn all_sent(&self) -> bool {
        self.signals.ready.get() && self.signals.pending.get() == 0
    }
}

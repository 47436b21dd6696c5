//! The document model inside the encryption (DESIGN.md, "Document model"):
//! one Yrs `Doc` per document, created with `skip_gc` (history must stay
//! reconstructable) and `OffsetKind::Utf16` (indices match the textarea and
//! JavaScript strings), holding the roots [`crate::schema`] names:
//! `meta` (kind, title, created), `body` (the text, Markdown) and `people`
//! (yrs client id → name, colour).
//!
//! [`Document`] owns the `Doc` and its observers. Every local change is one
//! transaction whose v1 update is returned, for the caller to seal and
//! send; [`Document::apply_remote`] integrates a co-author's update and
//! reports what it changed, the body as a [`Step`] delta so an editor can
//! move the local selection ([`crate::caret`]). [`Document::undo`] and
//! [`Document::redo`] use a Yrs `UndoManager` over the body that tracks
//! only this document's own edits (a co-author's are never undone here),
//! since a textarea's own undo history is lost each time a remote edit is
//! shown. [`Document::stick`] and [`Document::unstick`] turn a selection
//! into Yrs sticky indices and back, so a co-author's caret stays on its
//! words ([`crate::awareness`]); who wrote what is [`crate::authorship`]'s.
//! The history (`versions`) is [`crate::history`]'s; amendments and
//! arguments come later; sealing and the socket
//! are the caller's job (the app's session, the native client).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use yrs::branch::BranchPtr;
use yrs::types::text::TextEvent;
use yrs::types::Delta;
use yrs::undo::{Options as UndoOptions, UndoManager};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::DeepObservable as _;
use yrs::{
    Any, ArrayRef, Assoc, Doc, GetString, IdSet, IndexedSequence, Map, MapRef, Number, Observable,
    OffsetKind, Options, Origin, Out, ReadTxn, StateVector, StickyIndex, Text, TextRef, Transact,
    TransactionMut, Update,
};

use crate::caret::Step;
use crate::edit::{utf16_len, Edit};
use crate::guard::{self, Parents, Refusal};
use crate::schema::{self, DocKind};

/// The origin of the transactions that integrate co-authors' updates; the
/// observers report only those.
const REMOTE: &str = "cahier/remote";

/// The document's `meta` map, read back. Fields a co-author's (possibly
/// newer) app wrote in a shape this one does not know are `None`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub kind: Option<DocKind>,
    pub title: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub created: Option<i64>,
}

/// A person, as listed in `people`: no account, a name and a colour chosen
/// in the browser, and the browser's identity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    /// A CSS colour, such as `#1d4e89`.
    pub colour: String,
    /// The identity of the browser that wrote the entry
    /// ([`schema::person::IDENTITY`]); `None` in entries written before
    /// there was one.
    pub identity: Option<String>,
}

/// What a co-author's update changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemoteChange {
    /// The change to `body`, for [`crate::caret::Selection::transform`];
    /// empty when the body did not change.
    pub body: Vec<Step>,
    pub meta: bool,
    pub people: bool,
    /// A checkpoint came ([`crate::history`]).
    pub versions: bool,
    /// A keeper's decision came ([`crate::amendments::decisions`]).
    pub decisions: bool,
    /// A meeting's event came ([`crate::meeting`]): opened, agenda, the
    /// amendment on screen, closed.
    pub meetings: bool,
    /// A record came, in an amendment room ([`crate::amendments::log`]).
    pub records: bool,
    /// An argument map's claims or their places changed
    /// ([`crate::arguments`]).
    pub claims: bool,
    /// A text's quotes of claims changed.
    pub citations: bool,
    /// A workspace's index changed: its entries, folders or members
    /// ([`crate::workspace`]).
    pub workspace: bool,
    /// The body changed but its delta was not computed
    /// ([`Document::apply_remote_unmapped`]).
    pub body_unmapped: bool,
}

/// Why an edit or an update could not be applied. An update refused by
/// the guard or that Yrs cannot decode is set aside: not applied, so never
/// saved nor in a snapshot ([`DocError::is_set_aside`]).
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error("the edit does not fit the text: {start} + {delete} is past its length {len}")]
    EditOutOfRange { start: u32, delete: u32, len: u32 },
    /// The guard refused the update before yrs saw it.
    #[error("the update was set aside: {0}")]
    Refused(#[from] Refusal),
    #[error("the update is not a Yrs v1 update")]
    Decode(#[source] yrs::encoding::read::Error),
    /// yrs stopped half-way, part of the update applied; the guard's
    /// checks leave no known way here.
    #[error("the update cannot be applied to this document")]
    Apply(#[source] yrs::error::UpdateError),
}

impl DocError {
    /// Whether a co-author's update was set aside whole: nothing of it
    /// applied.
    pub fn is_set_aside(&self) -> bool {
        matches!(self, DocError::Refused(_) | DocError::Decode(_))
    }
}

/// The key of the update observer that sees what undo and redo make.
const UNDO_OBSERVER: &str = "cahier/undo";

/// How close in time local edits must be to be undone together.
pub const UNDO_CAPTURE_MS: u64 = 500;

/// Milliseconds from some fixed point, for grouping edits to undo. The
/// caller gives it: `SystemTime` is not available in a browser.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// Changes seen by the observers since [`Document::apply_remote`] last
/// took them. Behind a `std::sync::Mutex`: observers run synchronously
/// inside the transaction, nothing awaits while holding it.
#[derive(Debug, Default)]
struct Observed {
    body: Vec<Step>,
    meta: bool,
    people: bool,
    versions: bool,
    decisions: bool,
    meetings: bool,
    records: bool,
    claims: bool,
    citations: bool,
    workspace: bool,
    /// The updates of undo and redo transactions, to send.
    undone: Vec<Vec<u8>>,
    /// Set by [`Document::apply_remote_unmapped`]: note that the body
    /// changed, without its delta.
    quiet: bool,
    body_unmapped: bool,
}

type Shared = Arc<Mutex<Observed>>;

fn lock(shared: &Shared) -> MutexGuard<'_, Observed> {
    // A panic in an observer cannot leave `Observed` half-written in a way
    // that matters: it only accumulates flags and steps.
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

fn is_remote(txn: &TransactionMut) -> bool {
    txn.origin() == Some(&Origin::from(REMOTE))
}

fn steps(event: &TextEvent, txn: &TransactionMut) -> Vec<Step> {
    event
        .delta(txn)
        .iter()
        .map(|delta| match delta {
            Delta::Retain(n, _) => Step::Retain(*n),
            Delta::Deleted(n) => Step::Delete(*n),
            Delta::Inserted(Out::Any(Any::String(text)), _) => Step::Insert(utf16_len(text)),
            // An embed counts as one position.
            Delta::Inserted(_, _) => Step::Insert(1),
        })
        .collect()
}

/// One collaborative document.
pub struct Document {
    pub(crate) doc: Doc,
    pub(crate) meta: MapRef,
    pub(crate) body: TextRef,
    people: MapRef,
    pub(crate) versions: ArrayRef,
    pub(crate) decisions: ArrayRef,
    pub(crate) meetings: ArrayRef,
    pub(crate) records: TextRef,
    pub(crate) claims: MapRef,
    pub(crate) moves: ArrayRef,
    pub(crate) citations: MapRef,
    pub(crate) entries: MapRef,
    pub(crate) folders: MapRef,
    pub(crate) members: MapRef,
    /// This browser's deletions since its last checkpoint, for saying who
    /// deleted what ([`crate::history`]).
    pub(crate) own_deleted: Arc<Mutex<IdSet>>,
    pub(crate) history: Mutex<crate::history::Cache>,
    observed: Shared,
    /// Where the document holds shared types, learnt from every update
    /// applied or made here (a remote one that Yrs keeps pending in part
    /// too: what refers to its types waits with it). Behind a
    /// `std::sync::Mutex`, never held across a transaction.
    parents: Mutex<Parents>,
    /// How many co-authors' updates were set aside since this document
    /// was made.
    set_aside: AtomicU32,
    undo: Option<UndoManager<()>>,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("client_id", &self.client_id())
            .finish_non_exhaustive()
    }
}

impl Document {
    /// An empty document for the Yrs client `client_id` (53 bits at most;
    /// unique per browser and document).
    pub fn new(client_id: u64) -> Self {
        let options = Options {
            skip_gc: true,
            offset_kind: OffsetKind::Utf16,
            ..Options::with_client_id(yrs::ClientID::new(client_id & ((1 << 53) - 1)))
        };
        let doc = Doc::with_options(options);
        let meta = doc.get_or_insert_map(schema::META);
        let body = doc.get_or_insert_text(schema::BODY);
        let people = doc.get_or_insert_map(schema::PEOPLE);
        let versions = doc.get_or_insert_array(schema::VERSIONS);
        let decisions = doc.get_or_insert_array(schema::DECISIONS);
        let meetings = doc.get_or_insert_array(schema::MEETINGS);
        let records = doc.get_or_insert_text(schema::RECORDS);
        let claims = doc.get_or_insert_map(schema::CLAIMS);
        let moves = doc.get_or_insert_array(schema::MOVES);
        let citations = doc.get_or_insert_map(schema::CITATIONS);
        let entries = doc.get_or_insert_map(schema::ENTRIES);
        let folders = doc.get_or_insert_map(schema::FOLDERS);
        let members = doc.get_or_insert_map(schema::MEMBERS);
        let observed = Shared::default();
        let own_deleted: Arc<Mutex<IdSet>> = Arc::default();

        let shared = observed.clone();
        body.observe("cahier/body", move |txn, event| {
            if is_remote(txn) {
                let mut observed = lock(&shared);
                if observed.quiet {
                    observed.body_unmapped = true;
                } else {
                    observed.body.extend(steps(event, txn));
                }
            }
        });
        let shared = observed.clone();
        meta.observe("cahier/meta", move |txn, _| {
            if is_remote(txn) {
                lock(&shared).meta = true;
            }
        });
        let shared = observed.clone();
        people.observe("cahier/people", move |txn, _| {
            if is_remote(txn) {
                lock(&shared).people = true;
            }
        });
        let shared = observed.clone();
        versions.observe("cahier/versions", move |txn, _| {
            if is_remote(txn) {
                lock(&shared).versions = true;
            }
        });
        let shared = observed.clone();
        decisions.observe("cahier/decisions", move |txn, _| {
            if is_remote(txn) {
                lock(&shared).decisions = true;
            }
        });
        let shared = observed.clone();
        meetings.observe("cahier/meetings", move |txn, _| {
            if is_remote(txn) {
                lock(&shared).meetings = true;
            }
        });
        let shared = observed.clone();
        records.observe("cahier/records", move |txn, _| {
            if is_remote(txn) {
                lock(&shared).records = true;
            }
        });
        let shared = observed.clone();
        // Deep: a claim's statement is a text nested in its map.
        claims.observe_deep("cahier/claims", move |txn, _| {
            if is_remote(txn) {
                lock(&shared).claims = true;
            }
        });
        let shared = observed.clone();
        moves.observe("cahier/moves", move |txn, _| {
            if is_remote(txn) {
                lock(&shared).claims = true;
            }
        });
        // Deep: an entry is a map nested in `entries`.
        for (root, name) in [
            (&entries, "cahier/entries"),
            (&folders, "cahier/folders"),
            (&members, "cahier/members"),
        ] {
            let shared = observed.clone();
            root.observe_deep(name, move |txn, _| {
                if is_remote(txn) {
                    lock(&shared).workspace = true;
                }
            });
        }
        let shared = observed.clone();
        citations.observe("cahier/citations", move |txn, _| {
            if is_remote(txn) {
                lock(&shared).citations = true;
            }
        });
        let own = own_deleted.clone();
        // Without it only who deleted what is lost; a document still works.
        let _ = doc.observe_after_transaction("cahier/own-deleted", move |txn| {
            if !is_remote(txn) && !txn.delete_set().is_empty() {
                own.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .merge_with(txn.delete_set().clone());
            }
        });
        Document {
            doc,
            meta,
            body,
            people,
            versions,
            decisions,
            meetings,
            records,
            claims,
            moves,
            citations,
            entries,
            folders,
            members,
            own_deleted,
            history: Mutex::default(),
            observed,
            parents: Mutex::new(Parents::default()),
            set_aside: AtomicU32::new(0),
            undo: None,
        }
    }

    /// Track this browser's edits of the body from now on, for
    /// [`Document::undo`] and [`Document::redo`], grouping the edits made
    /// within [`UNDO_CAPTURE_MS`] of each other by `clock`.
    pub fn enable_undo(&mut self, clock: Clock) {
        let options = UndoOptions {
            capture_timeout_millis: UNDO_CAPTURE_MS,
            tracked_origins: Default::default(),
            capture_transaction: None,
            timestamp: Arc::new(move || clock()),
            init_undo_stack: Vec::new(),
            init_redo_stack: Vec::new(),
        };
        let mut undo = UndoManager::with_options(options);
        undo.expand_scope(&self.doc, &self.body);
        // Adopting an amendment changes the body and records the decision
        // in one transaction: undone together. Other decisions carry an
        // origin the undo manager does not track.
        undo.expand_scope(&self.doc, &self.decisions);
        self.undo = Some(undo);
    }

    /// Run the undo manager (`redo` or undo) and take the updates it made.
    /// Those updates are seen through an update observer that lives only
    /// while it runs: with one always there, Yrs encodes every
    /// transaction's update at commit, a co-author's too, and encoding
    /// slices long string items from their start (`split_str`); opening
    /// a congress's text from the relay spent most of its catch-up there
    /// (BENCHMARKS.md, "Meetings").
    fn run_undo(&mut self, redo: bool) -> Option<Vec<u8>> {
        let undo = self.undo.as_mut()?;
        let origin = undo.as_origin();
        let shared = self.observed.clone();
        let observed = self
            .doc
            .observe_update_v1(UNDO_OBSERVER, move |txn, event| {
                if txn.origin() == Some(&origin) {
                    lock(&shared).undone.push(event.update.clone());
                }
            });
        if observed.is_err() {
            return None;
        }
        let done = if redo {
            undo.redo_blocking()
        } else {
            undo.undo_blocking()
        };
        let _ = self.doc.unobserve_update_v1(UNDO_OBSERVER);
        self.take_undone(done)
    }

    /// Undo this browser's last group of body edits. Returns the update to
    /// send, or `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Option<Vec<u8>> {
        self.run_undo(false)
    }

    /// Make the next local edit start a group of its own for
    /// [`Document::undo`], however soon it comes: a formatting (bold, a
    /// heading) is undone apart from the typing just before and after it.
    pub fn stop_capturing(&mut self) {
        if let Some(undo) = self.undo.as_mut() {
            undo.reset();
        }
    }

    /// Redo what [`Document::undo`] undid last.
    pub fn redo(&mut self) -> Option<Vec<u8>> {
        self.run_undo(true)
    }

    fn take_undone(&self, done: bool) -> Option<Vec<u8>> {
        let updates = std::mem::take(&mut lock(&self.observed).undone);
        if !done || updates.is_empty() {
            return None;
        }
        if updates.len() == 1 {
            return updates.into_iter().next().map(|update| self.made(update));
        }
        yrs::merge_updates_v1(&updates)
            .ok()
            .map(|update| self.made(update))
    }

    /// A document from a snapshot ([`Document::encode_state`]), for `client_id`.
    pub fn load(client_id: u64, snapshot: &[u8]) -> Result<Self, DocError> {
        let document = Document::new(client_id);
        document.apply_remote(snapshot)?;
        Ok(document)
    }

    pub fn client_id(&self) -> u64 {
        self.doc.client_id().get()
    }

    /// How many items this visit has written: it moves with every local
    /// change, of any kind.
    pub fn own_clock(&self) -> u32 {
        self.doc
            .transact()
            .state_vector()
            .get(&self.doc.client_id())
    }

    /// Fill `meta` for a new document. Returns the update to send.
    pub fn init_meta(&self, kind: DocKind, title: &str, created: i64) -> Vec<u8> {
        let mut txn = self.doc.transact_mut();
        self.meta.insert(&mut txn, schema::meta::KIND, kind.name());
        self.meta.insert(&mut txn, schema::meta::TITLE, title);
        self.meta.insert(
            &mut txn,
            schema::meta::CREATED,
            Any::Number(Number::Int(created)),
        );
        self.made(txn.encode_update_v1())
    }

    /// The amendment room's `write_pk` (base64url) as editors recorded it
    /// ([`schema::meta::AMENDMENTS`]).
    pub fn amendments_room_key(&self) -> Option<String> {
        let txn = self.doc.transact();
        match self.meta.get(&txn, schema::meta::AMENDMENTS) {
            Some(Out::Any(Any::String(text))) => Some(text.to_string()),
            _ => None,
        }
    }

    /// Record the amendment room's `write_pk` (an editor does, once).
    /// Returns the update to send.
    pub fn set_amendments_room_key(&self, key: &str) -> Vec<u8> {
        let mut txn = self.doc.transact_mut();
        self.meta.insert(&mut txn, schema::meta::AMENDMENTS, key);
        self.made(txn.encode_update_v1())
    }

    /// Rename the document. Returns the update to send.
    pub fn set_title(&self, title: &str) -> Vec<u8> {
        let mut txn = self.doc.transact_mut();
        self.meta.insert(&mut txn, schema::meta::TITLE, title);
        self.made(txn.encode_update_v1())
    }

    pub fn meta(&self) -> Meta {
        let txn = self.doc.transact();
        let string = |key: &str| match self.meta.get(&txn, key) {
            Some(Out::Any(Any::String(text))) => Some(text.to_string()),
            _ => None,
        };
        let created = match self.meta.get(&txn, schema::meta::CREATED) {
            Some(Out::Any(Any::Number(Number::Int(ms)))) => Some(ms),
            // Another app may have written a JavaScript number.
            Some(Out::Any(Any::Number(Number::Float(ms)))) if ms.is_finite() => Some(ms as i64),
            _ => None,
        };
        Meta {
            kind: string(schema::meta::KIND)
                .as_deref()
                .and_then(DocKind::from_name),
            title: string(schema::meta::TITLE),
            created,
        }
    }

    /// The body's text.
    pub fn body(&self) -> String {
        self.body.get_string(&self.doc.transact())
    }

    /// The body's length in UTF-16 code units.
    pub fn body_len(&self) -> u32 {
        self.body.len(&self.doc.transact())
    }

    /// Apply a local edit of the body (from [`crate::edit`]) as one
    /// transaction. Returns the update to send.
    pub fn edit_body(&self, edit: &Edit) -> Result<Vec<u8>, DocError> {
        let mut txn = self.doc.transact_mut();
        let len = self.body.len(&txn);
        if edit
            .start
            .checked_add(edit.delete)
            .is_none_or(|end| end > len)
        {
            return Err(DocError::EditOutOfRange {
                start: edit.start,
                delete: edit.delete,
                len,
            });
        }
        if edit.delete > 0 {
            self.body.remove_range(&mut txn, edit.start, edit.delete);
        }
        if !edit.insert.is_empty() {
            self.body.insert(&mut txn, edit.start, &edit.insert);
        }
        Ok(self.made(txn.encode_update_v1()))
    }

    /// Apply a local edit of the body as several transactions if its
    /// inserted text is over `max_bytes` ([`Edit::split`]), so that no
    /// update outgrows the relay's frame limit. Returns the updates to send,
    /// in order; undo takes them back together (they are made at once).
    pub fn edit_body_in_parts(
        &self,
        edit: &Edit,
        max_bytes: usize,
    ) -> Result<Vec<Vec<u8>>, DocError> {
        if edit.insert.len() <= max_bytes {
            return self.edit_body(edit).map(|update| vec![update]);
        }
        let mut updates = Vec::new();
        for piece in edit.clone().split(max_bytes) {
            updates.push(self.edit_body(&piece)?);
        }
        Ok(updates)
    }

    /// Set this browser's entry in `people`. Returns the update to send.
    pub fn set_me(&self, person: &Person) -> Vec<u8> {
        self.set_people(&[self.client_id()], person)
    }

    /// Set the entries of `clients` in `people` to `person`, in one
    /// transaction: this visit's and the earlier visits' of the same
    /// person, so all their words take their colour. Returns the update
    /// to send.
    pub fn set_people(&self, clients: &[u64], person: &Person) -> Vec<u8> {
        let mut fields = HashMap::from([
            (
                schema::person::NAME.to_owned(),
                Any::from(person.name.as_str()),
            ),
            (
                schema::person::COLOUR.to_owned(),
                Any::from(person.colour.as_str()),
            ),
        ]);
        if let Some(identity) = &person.identity {
            fields.insert(
                schema::person::IDENTITY.to_owned(),
                Any::from(identity.as_str()),
            );
        }
        let entry = Any::from(fields);
        let mut txn = self.doc.transact_mut();
        for client in clients {
            self.people
                .insert(&mut txn, client.to_string(), entry.clone());
        }
        self.made(txn.encode_update_v1())
    }

    /// Everyone listed in `people`, by yrs client id, in id order. Entries
    /// in a shape this app does not know are skipped; an identity that is
    /// not a string is read as none.
    pub fn people(&self) -> Vec<(u64, Person)> {
        let txn = self.doc.transact();
        let mut people: Vec<(u64, Person)> = self
            .people
            .iter(&txn)
            .filter_map(|(key, value)| {
                let id = key.parse().ok()?;
                let Out::Any(Any::Map(fields)) = value else {
                    return None;
                };
                let field = |name: &str| match fields.get(name) {
                    Some(Any::String(text)) => Some(text.to_string()),
                    _ => None,
                };
                Some((
                    id,
                    Person {
                        name: field(schema::person::NAME)?,
                        colour: field(schema::person::COLOUR)?,
                        identity: field(schema::person::IDENTITY),
                    },
                ))
            })
            .collect();
        people.sort_by_key(|(id, _)| *id);
        people
    }

    /// A selection (UTF-16 offsets) of the body as two encoded sticky
    /// indices, `(anchor, head)`: the start sticks to the character after
    /// it, the end of a non-empty selection to the one before it, so text
    /// typed at either edge stays out. `None` when out of the body.
    pub fn stick(&self, start: u32, end: u32) -> Option<(Vec<u8>, Vec<u8>)> {
        let txn = self.doc.transact();
        if start > end || end > self.body.len(&txn) {
            return None;
        }
        let end_assoc = if start == end {
            Assoc::After
        } else {
            Assoc::Before
        };
        // Yrs has no "after" index at the very end: the end sticks to the
        // last character there.
        let index = |at: u32, assoc: Assoc| {
            self.body
                .sticky_index(&txn, at, assoc)
                .or_else(|| self.body.sticky_index(&txn, at, Assoc::Before))
        };
        let anchor = index(start, Assoc::After)?;
        let head = index(end, end_assoc)?;
        Some((anchor.encode_v1(), head.encode_v1()))
    }

    /// Where encoded sticky indices from [`Document::stick`] are in the
    /// body now, as `(start, end)` in UTF-16 units, `start <= end`. `None`
    /// when they do not decode, or point into something else than the body
    /// (a peer's bytes are not trusted), or at text not received yet.
    pub fn unstick(&self, anchor: &[u8], head: &[u8]) -> Option<(u32, u32)> {
        let txn = self.doc.transact();
        let body = BranchPtr::from(AsRef::<yrs::branch::Branch>::as_ref(&self.body));
        let len = self.body.len(&txn);
        let offset = |bytes: &[u8]| {
            let index = StickyIndex::decode_v1(bytes).ok()?;
            let offset = index.get_offset(&txn)?;
            (offset.branch == body).then_some(offset.index.min(len))
        };
        let (a, b) = (offset(anchor)?, offset(head)?);
        Some((a.min(b), a.max(b)))
    }

    /// Integrate a co-author's update (or a snapshot) and say what changed.
    /// The update goes through [`crate::guard`] first; one that fails, or
    /// that yrs cannot decode, is set aside: not applied (so never saved
    /// nor in a snapshot), counted in [`Document::set_aside`], and the
    /// document goes on with the next. An update whose structs refer to
    /// the ones set aside (text typed right after, or inside, them) is
    /// kept pending by Yrs, waiting for structs that will not come, and
    /// so is whatever refers to it; the others apply, the same author's
    /// later ones included (Yrs leaves a hole for the clocks it lacks).
    pub fn apply_remote(&self, update: &[u8]) -> Result<RemoteChange, DocError> {
        self.integrate(update).inspect_err(|_| {
            self.set_aside.fetch_add(1, Ordering::Relaxed);
        })
    }

    /// How many co-authors' updates were not applied (set aside, or, for
    /// none known, failed half-way) since this document was made. A
    /// document that set one aside should not upload a snapshot: it would
    /// silently drop what it could not read.
    pub fn set_aside(&self) -> u32 {
        self.set_aside.load(Ordering::Relaxed)
    }

    fn parents(&self) -> MutexGuard<'_, Parents> {
        // `Parents` only grows; a panic cannot leave it half-written.
        self.parents.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Learn the types of an update made here (none, through the methods
    /// of this type today), and return it.
    pub(crate) fn made(&self, update: Vec<u8>) -> Vec<u8> {
        if let Ok(shape) = guard::check(&update) {
            self.parents().learn(&shape);
        }
        update
    }

    /// Refuse an update one of whose items has its right origin before its
    /// left origin, or in another type, as this document has them: yrs
    /// would place it wherever its conflict resolution runs out, which is
    /// not where a copy loading the saved state places it, so a page would
    /// show one text and, reloaded, another. Only origins this document
    /// already has are checked (the ones inside the update are not placed
    /// yet), and an order hidden in a run of deleted text cannot be told:
    /// Yrs gives positions in visible text only (a deleted item's position
    /// is where it was).
    ///
    /// Costs a walk from each origin to the start of its type, for items
    /// inserted before the end of a text only.
    fn check_origins(&self, shape: &guard::Shape) -> Result<(), Refusal> {
        if shape.origins.is_empty() {
            return Ok(());
        }
        let txn = self.doc.transact();
        let at = |(client, clock): guard::Id, assoc| {
            StickyIndex::from_id(yrs::ID::new(yrs::ClientID::new(client), clock), assoc)
                .get_offset(&txn)
        };
        for &(offset, origin, right_origin) in &shape.origins {
            // Where the left origin ends (after it if it is visible), and
            // where the right origin starts.
            let (Some(left), Some(right)) =
                (at(origin, Assoc::Before), at(right_origin, Assoc::After))
            else {
                continue;
            };
            if left.branch != right.branch || right.index < left.index {
                return Err(Refusal {
                    at: offset,
                    reason: guard::Reason::OriginsOutOfOrder {
                        origin,
                        right_origin,
                    },
                });
            }
        }
        Ok(())
    }

    fn integrate(&self, update: &[u8]) -> Result<RemoteChange, DocError> {
        let shape = guard::check(update)?;
        let state = self.doc.transact().state_vector();
        let clock = |client: u64| state.get(&yrs::ClientID::new(client));
        {
            let parents = self.parents();
            parents.check(&shape)?;
            parents.check_known(&shape, clock)?;
        }
        self.check_origins(&shape)?;
        let update = Update::decode_v1(update).map_err(DocError::Decode)?;
        let applied = {
            let mut txn = self.doc.transact_mut_with(REMOTE);
            txn.apply_update(update)
            // Observers run when `txn` commits, at the end of this scope,
            // even after an error: take what they saw either way, so it is
            // never reported with the next update.
        };
        let observed = std::mem::take(&mut *lock(&self.observed));
        applied.map_err(DocError::Apply)?;
        let mut parents = self.parents();
        parents.learn(&shape);
        parents.learn_holes(&shape, clock);
        drop(parents);
        Ok(RemoteChange {
            body: observed.body,
            meta: observed.meta,
            people: observed.people,
            versions: observed.versions,
            decisions: observed.decisions,
            meetings: observed.meetings,
            records: observed.records,
            claims: observed.claims,
            workspace: observed.workspace,
            citations: observed.citations,
            body_unmapped: observed.body_unmapped,
        })
    }

    /// [`Document::apply_remote`] without the body's delta: the change
    /// reports `body_unmapped` instead of its steps. A Yrs text delta is
    /// computed by walking the text from its start, so for a history of
    /// many updates applied in a row (a document opened for the first
    /// time) the deltas cost more than everything else; the caller shows
    /// the result once, mapping the selection by a diff.
    pub fn apply_remote_unmapped(&self, update: &[u8]) -> Result<RemoteChange, DocError> {
        lock(&self.observed).quiet = true;
        let change = self.apply_remote(update);
        // `apply_remote` took the flag with what the observers saw, unless
        // it failed before: never leave it set.
        lock(&self.observed).quiet = false;
        change
    }

    /// The whole document as one update: what a snapshot seals, and what
    /// [`Document::load`] reads.
    pub fn encode_state(&self) -> Vec<u8> {
        self.doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default())
    }
}

/// Several updates of a document as one (an offline backlog sent at once).
pub fn merge_updates<B: AsRef<[u8]>>(updates: &[B]) -> Result<Vec<u8>, DocError> {
    yrs::merge_updates_v1(updates.iter()).map_err(DocError::Decode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caret::Selection;
    use crate::edit::diff;

    fn edit(start: u32, delete: u32, insert: &str) -> Edit {
        Edit {
            start,
            delete,
            insert: insert.to_owned(),
        }
    }

    /// Two documents that exchanged their initial state.
    fn pair() -> (Document, Document) {
        let alice = Document::new(1);
        let bob = Document::new(2);
        let init = alice.init_meta(DocKind::Text, "Motion", 1_700_000_000_000);
        bob.apply_remote(&init).expect("alice's update applies");
        (alice, bob)
    }

    #[test]
    fn a_new_document_is_empty_with_the_designed_options() {
        let doc = Document::new(42);
        assert_eq!(doc.client_id(), 42);
        assert_eq!(doc.body(), "");
        assert_eq!(doc.meta(), Meta::default());
        assert!(doc.doc.skip_gc());
        assert_eq!(doc.doc.offset_kind(), OffsetKind::Utf16);
    }

    #[test]
    fn meta_travels_to_a_co_author() {
        let (alice, bob) = pair();
        let expected = Meta {
            kind: Some(DocKind::Text),
            title: Some("Motion".into()),
            created: Some(1_700_000_000_000),
        };
        assert_eq!(alice.meta(), expected);
        assert_eq!(bob.meta(), expected);

        let change = bob
            .apply_remote(&alice.set_title("Motion d'orientation"))
            .expect("applies");
        assert!(change.meta && !change.people && change.body.is_empty());
        assert_eq!(bob.meta().title.as_deref(), Some("Motion d'orientation"));
    }

    #[test]
    fn local_edits_count_utf16_units() {
        let doc = Document::new(1);
        doc.edit_body(&edit(0, 0, "vote 🗳 ici")).expect("fits");
        assert_eq!(doc.body_len(), 11);
        // Insert after the emoji: index 7 in UTF-16, 6 in chars.
        doc.edit_body(&edit(7, 0, "!")).expect("fits");
        assert_eq!(doc.body(), "vote 🗳! ici");
        doc.edit_body(&edit(5, 2, "")).expect("fits");
        assert_eq!(doc.body(), "vote ! ici");
    }

    #[test]
    fn an_edit_past_the_end_is_refused() {
        let doc = Document::new(1);
        doc.edit_body(&edit(0, 0, "abc")).expect("fits");
        assert!(matches!(
            doc.edit_body(&edit(2, 5, "")),
            Err(DocError::EditOutOfRange { len: 3, .. })
        ));
        assert!(doc.edit_body(&edit(u32::MAX, 1, "")).is_err());
        assert_eq!(doc.body(), "abc");
    }

    #[test]
    fn textarea_values_round_trip_through_diffs_and_updates() {
        let (alice, bob) = pair();
        let values = ["", "Motion", "Motion 🗳", "La motion 🗳 n°3", "La motion n°3"];
        let mut old = String::new();
        for new in values {
            if let Some(e) = diff(&old, new) {
                let update = alice.edit_body(&e).expect("a diff always fits");
                bob.apply_remote(&update).expect("applies");
            }
            assert_eq!(alice.body(), new);
            assert_eq!(bob.body(), new);
            old = new.to_owned();
        }
    }

    #[test]
    fn a_remote_edit_reports_its_delta_and_keeps_the_selection_on_its_words() {
        let (alice, bob) = pair();
        let start = alice
            .edit_body(&edit(0, 0, "la motion est adoptée"))
            .expect("fits");
        bob.apply_remote(&start).expect("applies");

        // Bob has "adoptée" selected (14..21); Alice inserts "😀 " at 3.
        let selection = Selection { start: 14, end: 21 };
        let update = alice.edit_body(&edit(3, 0, "😀 ")).expect("fits");
        let change = bob.apply_remote(&update).expect("applies");
        assert_eq!(change.body, vec![Step::Retain(3), Step::Insert(3)]);
        let moved = selection.transform(&change.body);
        let units: Vec<u16> = bob.body().encode_utf16().collect();
        let words = String::from_utf16_lossy(&units[moved.start as usize..moved.end as usize]);
        assert_eq!(words, "adoptée");
    }

    #[test]
    fn local_edits_are_not_reported_as_remote() {
        let (alice, bob) = pair();
        alice.edit_body(&edit(0, 0, "mine")).expect("fits");
        let update = bob.edit_body(&edit(0, 0, "yours")).expect("fits");
        let change = alice.apply_remote(&update).expect("applies");
        // Only bob's insertion, not alice's own earlier one.
        assert_eq!(
            change
                .body
                .iter()
                .filter(|s| matches!(s, Step::Insert(_)))
                .count(),
            1
        );
    }

    #[test]
    fn concurrent_edits_converge() {
        let (alice, bob) = pair();
        let base = alice.edit_body(&edit(0, 0, "texte")).expect("fits");
        bob.apply_remote(&base).expect("applies");
        let a = alice.edit_body(&edit(0, 0, "Le ")).expect("fits");
        let b = bob.edit_body(&edit(5, 0, " final")).expect("fits");
        alice.apply_remote(&b).expect("applies");
        bob.apply_remote(&a).expect("applies");
        assert_eq!(alice.body(), "Le texte final");
        assert_eq!(bob.body(), alice.body());
    }

    #[test]
    fn people_are_listed_by_client_id() {
        let (alice, bob) = pair();
        let me = Person {
            name: "Louise".into(),
            colour: "#1d4e89".into(),
            identity: None,
        };
        let change = bob.apply_remote(&alice.set_me(&me)).expect("applies");
        assert!(change.people);
        let other = Person {
            name: "Jean".into(),
            colour: "#a4262c".into(),
            identity: None,
        };
        alice.apply_remote(&bob.set_me(&other)).expect("applies");
        assert_eq!(alice.people(), vec![(1, me.clone()), (2, other.clone())]);
        assert_eq!(bob.people(), alice.people());
    }

    #[test]
    fn a_person_s_entries_are_rewritten_together_with_their_identity() {
        let (alice, bob) = pair();
        // An entry from before identities (client 1) and one with an
        // identity (client 2): both show.
        let old = Person {
            name: "Louise".into(),
            colour: "#3344cc".into(),
            identity: None,
        };
        bob.apply_remote(&alice.set_me(&old)).expect("applies");
        let jean = Person {
            name: "Jean".into(),
            colour: "#dd2233".into(),
            identity: Some("bb".repeat(16)),
        };
        alice.apply_remote(&bob.set_me(&jean)).expect("applies");
        assert_eq!(alice.people(), vec![(1, old.clone()), (2, jean.clone())]);
        // Louise, on a later visit (client 3), takes both her entries.
        let later = Document::new(3);
        later.apply_remote(&alice.encode_state()).expect("applies");
        let louise = Person {
            colour: "#007700".into(),
            identity: Some("aa".repeat(16)),
            ..old
        };
        let update = later.set_people(&[1, 3], &louise);
        alice.apply_remote(&update).expect("applies");
        assert_eq!(
            alice.people(),
            vec![(1, louise.clone()), (2, jean), (3, louise)]
        );
    }

    #[test]
    fn a_snapshot_restores_everything() {
        let (alice, _) = pair();
        alice.edit_body(&edit(0, 0, "Texte")).expect("fits");
        let copy = Document::load(9, &alice.encode_state()).expect("loads");
        assert_eq!(copy.body(), "Texte");
        assert_eq!(copy.meta(), alice.meta());
        assert_eq!(copy.client_id(), 9);
    }

    fn clock() -> (Clock, Arc<std::sync::atomic::AtomicU64>) {
        let now = Arc::new(std::sync::atomic::AtomicU64::new(1_000));
        let read = now.clone();
        (
            Arc::new(move || read.load(std::sync::atomic::Ordering::SeqCst)),
            now,
        )
    }

    #[test]
    fn an_edit_after_stop_capturing_is_undone_alone() {
        let mut doc = Document::new(1);
        // Every edit at the same moment: all would be one step.
        doc.enable_undo(Arc::new(|| 1_000));
        let insert = |doc: &Document, start, text: &str| {
            doc.edit_body(&Edit {
                start,
                delete: 0,
                insert: text.into(),
            })
            .expect("fits");
        };
        insert(&doc, 0, "mot");
        doc.stop_capturing();
        insert(&doc, 3, "**");
        insert(&doc, 0, "**");
        doc.stop_capturing();
        assert_eq!(doc.body(), "**mot**");
        assert!(doc.undo().is_some());
        assert_eq!(doc.body(), "mot", "the two marks, one step; the word stays");
    }

    #[test]
    fn undo_takes_back_only_my_edits_and_the_co_author_sees_it() {
        let (mut alice, bob) = pair();
        let (clock, now) = clock();
        alice.enable_undo(clock);
        let mine = alice.edit_body(&edit(0, 0, "Motion. ")).expect("fits");
        bob.apply_remote(&mine).expect("applies");
        let theirs = bob.edit_body(&edit(8, 0, "Amendement.")).expect("fits");
        alice.apply_remote(&theirs).expect("applies");
        now.fetch_add(UNDO_CAPTURE_MS + 1, std::sync::atomic::Ordering::SeqCst);
        let more = alice.edit_body(&edit(0, 0, "La ")).expect("fits");
        bob.apply_remote(&more).expect("applies");
        assert_eq!(alice.body(), "La Motion. Amendement.");

        let undone = alice.undo().expect("something to undo");
        assert_eq!(alice.body(), "Motion. Amendement.");
        bob.apply_remote(&undone).expect("applies");
        assert_eq!(bob.body(), alice.body());

        let undone = alice.undo().expect("something to undo");
        assert_eq!(alice.body(), "Amendement.", "bob's words stay");
        bob.apply_remote(&undone).expect("applies");
        assert_eq!(alice.undo(), None, "nothing more of mine");

        let redone = alice.redo().expect("something to redo");
        bob.apply_remote(&redone).expect("applies");
        assert_eq!(alice.body(), "Motion. Amendement.");
        assert_eq!(bob.body(), alice.body());
    }

    #[test]
    fn edits_close_in_time_are_undone_together() {
        let (mut alice, _) = pair();
        let (clock, _) = clock();
        alice.enable_undo(clock);
        for (i, c) in "abc".chars().enumerate() {
            alice
                .edit_body(&edit(i as u32, 0, &c.to_string()))
                .expect("fits");
        }
        assert!(alice.undo().is_some());
        assert_eq!(alice.body(), "");
    }

    #[test]
    fn without_undo_enabled_nothing_is_undone() {
        let (mut alice, _) = pair();
        alice.edit_body(&edit(0, 0, "x")).expect("fits");
        assert_eq!(alice.undo(), None);
        assert_eq!(alice.body(), "x");
    }

    #[test]
    fn a_remote_caret_stays_on_its_words() {
        let (alice, bob) = pair();
        bob.apply_remote(
            &alice
                .edit_body(&edit(0, 0, "la motion est adoptée"))
                .expect("fits"),
        )
        .expect("applies");
        // Bob selects "adoptée" and tells alice.
        let (anchor, head) = bob.stick(14, 21).expect("in the body");
        assert_eq!(alice.unstick(&anchor, &head), Some((14, 21)));
        // Alice inserts before, and types at both edges of the selection.
        alice.edit_body(&edit(0, 0, "😀 ")).expect("fits");
        alice.edit_body(&edit(24, 0, "!")).expect("fits");
        alice.edit_body(&edit(17, 0, "« ")).expect("fits");
        assert_eq!(alice.body(), "😀 la motion est « adoptée!");
        let (start, end) = alice.unstick(&anchor, &head).expect("resolves");
        let units: Vec<u16> = alice.body().encode_utf16().collect();
        assert_eq!(
            String::from_utf16_lossy(&units[start as usize..end as usize]),
            "adoptée"
        );
        // A caret at the end stays after the last word, before the "!"
        // typed after it.
        let (a, h) = bob.stick(21, 21).expect("in the body");
        assert_eq!(alice.body_len(), 27);
        assert_eq!(alice.unstick(&a, &h), Some((26, 26)));
        assert_eq!(bob.unstick(&a, &h), Some((21, 21)));
        // Out of the body, or garbage: nothing.
        assert_eq!(bob.stick(22, 22), None);
        assert_eq!(alice.unstick(&[0xff], &head), None);
    }

    #[test]
    fn a_sticky_index_into_another_type_is_refused() {
        let (alice, bob) = pair();
        // An index into `people`, which bob's document has too.
        let txn = alice.doc.transact();
        let root = StickyIndex::from_type(&txn, &alice.people, Assoc::After).encode_v1();
        drop(txn);
        assert_eq!(bob.unstick(&root, &root), None);
    }

    #[test]
    fn an_unmapped_change_says_the_body_changed_without_its_delta() {
        let (alice, bob) = pair();
        let update = alice.edit_body(&edit(0, 0, "Motion")).expect("fits");
        let change = bob.apply_remote_unmapped(&update).expect("applies");
        assert!(change.body_unmapped && change.body.is_empty());
        assert_eq!(bob.body(), "Motion");
        // The next update is mapped again.
        let update = alice.edit_body(&edit(6, 0, "!")).expect("fits");
        let change = bob.apply_remote(&update).expect("applies");
        assert!(!change.body_unmapped);
        assert_eq!(change.body, vec![Step::Retain(6), Step::Insert(1)]);
        // A change of the title alone leaves the body mapped.
        let change = bob
            .apply_remote_unmapped(&alice.set_title("Titre"))
            .expect("applies");
        assert!(change.meta && !change.body_unmapped);
        // Garbage does not leave the document quiet.
        assert!(bob.apply_remote_unmapped(&[0xff, 0xff]).is_err());
        let update = alice.edit_body(&edit(0, 0, "La ")).expect("fits");
        let change = bob.apply_remote(&update).expect("applies");
        assert_eq!(change.body, vec![Step::Insert(3)]);
    }

    #[test]
    fn a_huge_paste_travels_as_several_small_updates() {
        let (mut alice, bob) = pair();
        let (clock, now) = clock();
        alice.enable_undo(clock);
        let first = alice.edit_body(&edit(0, 0, "avant après")).expect("fits");
        bob.apply_remote(&first).expect("applies");
        now.fetch_add(UNDO_CAPTURE_MS + 1, std::sync::atomic::Ordering::SeqCst);
        let pasted = "Un très long texte collé, ligne après ligne. 🗳\n".repeat(5000);
        let max = 16 << 10;
        let updates = alice
            .edit_body_in_parts(&edit(6, 0, &pasted), max)
            .expect("fits");
        assert!(updates.len() >= pasted.len() / max, "{}", updates.len());
        for update in &updates {
            // The text, plus a few dozen bytes of Yrs.
            assert!(
                update.len() <= max + 64,
                "an update of {} bytes",
                update.len()
            );
        }
        for update in &updates {
            bob.apply_remote(update).expect("applies");
        }
        let expected = format!("avant {pasted}après");
        // Not assert_eq: a failure would print a megabyte.
        assert!(
            alice.body() == expected,
            "alice: {} bytes",
            alice.body().len()
        );
        assert!(bob.body() == expected, "bob: {} bytes", bob.body().len());
        // One undo takes the whole paste back.
        alice.undo().expect("something to undo");
        assert_eq!(alice.body(), "avant après");
    }

    #[test]
    fn merged_updates_apply_as_the_parts_do() {
        let (alice, bob) = pair();
        let parts: Vec<Vec<u8>> = ["Mo", "ti", "on"]
            .iter()
            .enumerate()
            .map(|(i, piece)| {
                alice
                    .edit_body(&edit(2 * i as u32, 0, piece))
                    .expect("fits")
            })
            .collect();
        let merged = merge_updates(&parts).expect("they merge");
        bob.apply_remote(&merged).expect("applies");
        assert_eq!(bob.body(), "Motion");
        assert!(merge_updates(&[vec![0xff, 0xff]]).is_err());
    }

    #[test]
    fn garbage_is_refused_in_words() {
        let doc = Document::new(1);
        let err = doc
            .apply_remote(&[0xff, 0xff, 0xff])
            .expect_err("not an update");
        assert!(matches!(err, DocError::Refused(_)), "{err:?}");
        assert!(err.is_set_aside());
        assert_eq!(
            err.to_string(),
            "the update was set aside: at byte 3: it ends in the middle of the list of clients"
        );
        assert_eq!(doc.set_aside(), 1);
    }

    /// A co-author's update that writes `value` (raw `any` bytes) into
    /// `people` under `key`, as client 66.
    fn raw_people_update(clock: u8, value: &[u8]) -> Vec<u8> {
        let mut update = vec![1, 1, 66, clock, 0x28, 1, 6];
        update.extend_from_slice(b"people");
        update.extend_from_slice(&[1, b'x', 1]);
        update.extend_from_slice(value);
        update.push(0);
        update
    }

    #[test]
    fn an_update_set_aside_is_not_applied_nor_saved_and_the_next_ones_apply() {
        let (alice, bob) = pair();
        let update = alice.edit_body(&edit(0, 0, "Motion")).expect("fits");
        bob.apply_remote(&update).expect("applies");
        let before = bob.encode_state();

        let mut deep = [117, 1].repeat(100);
        deep.push(126);
        let err = bob
            .apply_remote(&raw_people_update(0, &deep))
            .expect_err("too deep");
        assert!(
            matches!(
                &err,
                DocError::Refused(Refusal {
                    reason: guard::Reason::TooDeep,
                    ..
                })
            ),
            "{err:?}"
        );
        assert_eq!(bob.set_aside(), 1);
        // Not applied: the saved copy (and a snapshot) is what it was.
        assert_eq!(bob.encode_state(), before);
        assert!(bob.people().is_empty());

        // The next updates, from anyone, apply.
        let update = alice.edit_body(&edit(6, 0, " adoptée")).expect("fits");
        let change = bob.apply_remote(&update).expect("applies");
        assert_eq!(change.body, vec![Step::Retain(6), Step::Insert(8)]);
        assert_eq!(bob.body(), "Motion adoptée");
        let update = bob.edit_body(&edit(0, 0, "La ")).expect("fits");
        alice.apply_remote(&update).expect("applies");
        assert_eq!(alice.body(), "La Motion adoptée");
        assert_eq!(bob.set_aside(), 1);
    }

    #[test]
    fn an_update_that_builds_on_one_set_aside_is_set_aside_too_and_the_others_apply() {
        let (alice, bob) = pair();
        let mut deep = [117, 1].repeat(100);
        deep.push(126);
        // Client 66's first struct (66, 0) is refused.
        assert!(bob.apply_remote(&raw_people_update(0, &deep)).is_err());
        // Its next one, typed right after it (origin (66, 0)), would wait
        // for it in Yrs' pending structs for ever, and hold back every
        // later struct of client 66 in a copy loading the saved state (but
        // not live): refused.
        let dependent = [1, 1, 66, 1, 0x88, 66, 0, 1, 119, 1, b'y', 0];
        let err = bob.apply_remote(&dependent).expect_err("refused");
        assert!(
            matches!(
                err,
                DocError::Refused(Refusal {
                    reason: guard::Reason::Unknown((66, 0)),
                    ..
                })
            ),
            "{err:?}"
        );
        assert!(bob.doc.transact().store().pending_update().is_none());
        // One of its later updates that refers to nothing missing applies
        // (Yrs leaves a hole for the clocks it lacks).
        let mut later = vec![1, 1, 66, 2, 0x28, 1, 4];
        later.extend_from_slice(b"meta");
        later.push(5);
        later.extend_from_slice(b"title");
        later.extend_from_slice(&[1, 119, 5]);
        later.extend_from_slice(b"Suite");
        later.push(0);
        bob.apply_remote(&later).expect("applies");
        assert_eq!(bob.meta().title.as_deref(), Some("Suite"));
        // Nothing may write into the hole afterwards.
        let mut into = vec![1, 1, 66, 1, 0x28, 1, 4];
        into.extend_from_slice(b"meta");
        into.push(5);
        into.extend_from_slice(b"title");
        into.extend_from_slice(&[1, 119, 1, b'x', 0]);
        let err = bob.apply_remote(&into).expect_err("refused");
        assert!(
            matches!(
                err,
                DocError::Refused(Refusal {
                    reason: guard::Reason::IntoAHole {
                        client: 66,
                        clock: 1
                    },
                    ..
                })
            ),
            "{err:?}"
        );
        // Alice's edits still apply, and the document still edits.
        let update = alice.edit_body(&edit(0, 0, "Texte")).expect("fits");
        bob.apply_remote(&update).expect("applies");
        bob.edit_body(&edit(5, 0, "!")).expect("fits");
        assert_eq!(bob.body(), "Texte!");
        assert_eq!(bob.set_aside(), 3);
        // What is saved passes the guard and loads, the same.
        let copy = Document::load(9, &bob.encode_state()).expect("loads");
        assert_eq!(copy.body(), "Texte!");
        assert_eq!(copy.meta().title.as_deref(), Some("Suite"));
    }

    #[test]
    fn an_update_placing_an_item_inside_text_is_refused_before_anything_applies() {
        let (alice, bob) = pair();
        let update = alice.edit_body(&edit(0, 0, "Motion")).expect("fits");
        bob.apply_remote(&update).expect("applies");
        let before = bob.encode_state();
        // Client 66: a title, then an item whose parent is alice's text
        // item (1, 3), which is not a type: yrs would apply the title and
        // stop with an error at the item.
        let mut update = vec![1, 2, 66, 0, 0x28, 1, 4];
        update.extend_from_slice(b"meta");
        update.extend_from_slice(&[5]);
        update.extend_from_slice(b"title");
        update.extend_from_slice(&[1, 119, 3]);
        update.extend_from_slice(b"Pwn");
        update.extend_from_slice(&[0x08, 0, 1, 3, 1, 126, 0]);
        let err = bob.apply_remote(&update).expect_err("refused");
        assert!(
            matches!(
                &err,
                DocError::Refused(Refusal {
                    reason: guard::Reason::ParentNotAType((1, 3)),
                    ..
                })
            ),
            "{err:?}"
        );
        assert_eq!(bob.encode_state(), before);
        assert_eq!(bob.meta().title.as_deref(), Some("Motion"));
    }

    #[test]
    fn items_inside_a_nested_type_of_the_document_apply() {
        let (alice, bob) = pair();
        let update = {
            let mut txn = alice.doc.transact_mut();
            let inner = alice
                .meta
                .insert(&mut txn, "inner", yrs::MapPrelim::default());
            inner.insert(&mut txn, "a", 1);
            txn.encode_update_v1()
        };
        bob.apply_remote(&update).expect("applies");
        // A later item in that map names it by id.
        let update = {
            let mut txn = alice.doc.transact_mut();
            let Some(Out::YMap(inner)) = alice.meta.get(&txn, "inner") else {
                panic!("a map");
            };
            inner.insert(&mut txn, "b", 2);
            txn.encode_update_v1()
        };
        assert!(!guard::check(&update).expect("passes").parents.is_empty());
        bob.apply_remote(&update).expect("applies");
        let txn = bob.doc.transact();
        let Some(Out::YMap(inner)) = bob.meta.get(&txn, "inner") else {
            panic!("a map");
        };
        assert_eq!(inner.len(&txn), 2);
        // And from a snapshot.
        drop(txn);
        let copy = Document::load(9, &alice.encode_state()).expect("loads");
        copy.apply_remote(&{
            let mut txn = alice.doc.transact_mut();
            let Some(Out::YMap(inner)) = alice.meta.get(&txn, "inner") else {
                panic!("a map");
            };
            inner.insert(&mut txn, "c", 3);
            txn.encode_update_v1()
        })
        .expect("applies");
        assert_eq!(copy.set_aside(), 0);
    }
}

//! The history of a text, kept in the document itself (DESIGN.md,
//! "Document model": `versions`). The document is `skip_gc`, so every
//! deleted item is still in it: a Yrs snapshot (a state vector and a
//! delete set) is enough to read the text as it stood, and two snapshots
//! to say what changed between them and who wrote it. The relay's log is
//! not needed (compaction drops it), nor any server: the checkpoints are
//! encrypted with the rest.
//!
//! - A **checkpoint** is an entry of the `versions` array
//!   ([`crate::schema::version`]): its id, kind (automatic, named,
//!   restored), the visit that made it, the time by its author's clock,
//!   words added and removed and who edited since the checkpoint it builds
//!   on, and its snapshot ([`state`]: the state vector whole, the delete set
//!   as what was deleted since that base). Each browser makes its own
//!   ([`policy`]); entries are plain values appended to an array, so
//!   concurrent checkpoints of several people merge like any insertion, and
//!   offline ones carry the time they were made. The timeline orders them
//!   by time ([`Document::checkpoints`]).
//! - **Reading a moment** ([`Document::text_at`]) and **comparing two**
//!   ([`Document::compare`]) are Yrs text diffs between snapshots: the merged
//!   text with each item marked as kept, added (with its writer's client)
//!   or removed. Who removed a word is not in a Yrs document; each
//!   checkpoint records its author's own deletions, and [`compare`] widens
//!   the changes to words and aligns them with `similar`.
//! - **Restoring** ([`Document::restore`]) walks the same diff between now
//!   and the checkpoint, deleting what it lacks and inserting again what it
//!   had, as one edit of this browser (undone in one step), then records a
//!   checkpoint "restored from".
//!
//! Entries come from co-authors: one that cannot be read, whose base is
//! missing or damaged, or whose id is used twice is listed as damaged and
//! skipped; it never stops the rest.

pub mod compare;
pub mod policy;
mod state;

use std::collections::HashMap;
use std::sync::{Arc, MutexGuard, PoisonError};

use yrs::types::text::{ChangeKind, YChange};
use yrs::{
    Any, Array, ArrayRef, GetString, IdSet, Number, Out, ReadTxn, Snapshot, Text, TextRef,
    Transact, TransactionMut,
};

pub use compare::{Change, Comparison, Piece, Tally};
pub use policy::Policy;
pub use state::StateError;

use crate::authorship::Run;
use crate::document::Document;
use crate::edit::utf16_len;
use crate::schema::version;
use state::Stored;

/// The origin of the transactions that only read history (a diff between
/// snapshots splits items, and splitting needs a write transaction).
const HISTORY: &str = "cahier/history";

/// How many of the latest checkpoints a new one looks through for the one
/// to build on.
const BASE_SEARCH: usize = 16;

/// Past this many cached snapshots the cache starts again.
const CACHE_MAX: usize = 512;

/// What a checkpoint is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckpointKind {
    /// Made when a burst of editing ended, or when the page was left.
    Auto,
    /// Named by someone: "Texte soumis au vote du 12 mars".
    Named(String),
    /// A restore: the text of the checkpoint `from` brought back.
    Restored { from: String },
}

/// Why a checkpoint cannot be shown.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Damage {
    #[error("the entry is not a checkpoint this version can read")]
    Unreadable,
    #[error("its snapshot cannot be read: {0}")]
    State(StateError),
    #[error("it builds on a checkpoint that is not in the document")]
    NoBase,
    #[error("it builds on a damaged checkpoint")]
    BaseDamaged,
    #[error("its id is used by another entry")]
    Twice,
}

/// A checkpoint, as the timeline lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub id: String,
    pub kind: CheckpointKind,
    /// The yrs client (one visit of one person) that made it: its name
    /// and colour are in `people`.
    pub client: u64,
    /// Milliseconds since the Unix epoch, by its author's clock.
    pub time: i64,
    /// Words added and removed since the checkpoint it built on.
    pub added: u32,
    pub removed: u32,
    /// Who edited since then (yrs clients).
    pub editors: Vec<u64>,
    /// Why it cannot be shown, if it cannot.
    pub damaged: Option<Damage>,
}

impl Checkpoint {
    pub fn name(&self) -> Option<&str> {
        match &self.kind {
            CheckpointKind::Named(name) => Some(name),
            _ => None,
        }
    }
}

/// A moment of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moment {
    /// A checkpoint, by id.
    Checkpoint(String),
    /// What a browser saw last ([`Document::seen`]).
    Seen(Vec<u8>),
    /// The text as it is.
    Now,
}

/// Why a moment cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    #[error("there is no checkpoint {0}")]
    Unknown(String),
    #[error("the checkpoint {id} is damaged: {damage}")]
    Damaged { id: String, damage: Damage },
    #[error("the state last seen cannot be read: {0}")]
    Seen(StateError),
}

/// The text at a moment with who wrote each part.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributed {
    pub text: String,
    /// Runs of one writer each, adding up to the text's UTF-16 length.
    pub runs: Vec<Run>,
}

/// An entry of `versions`, read.
#[derive(Clone, Debug)]
struct Entry {
    checkpoint: Checkpoint,
    /// Its place in the array: the same in every copy, so checkpoints of
    /// one time keep one order everywhere.
    index: u32,
    base: Option<String>,
    stored: Option<Stored>,
}

/// Snapshots rebuilt from their chains, by checkpoint id. Entries are
/// never changed once written, and an id used twice is damaged, so a
/// cached snapshot stays true.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    snapshots: HashMap<String, Arc<Snapshot>>,
}

/// Who deleted what: per writer's client, sorted ranges of clocks with the
/// client that deleted them.
#[derive(Debug, Default)]
struct Deleters {
    by_writer: HashMap<u64, Vec<(u32, u32, u64)>>,
}

impl Deleters {
    fn add(&mut self, set: &IdSet, who: u64) {
        for (client, ranges) in set.iter() {
            let list = self.by_writer.entry(client.get()).or_default();
            list.extend(ranges.iter().map(|range| (range.start, range.end, who)));
        }
    }

    fn sort(&mut self) {
        for list in self.by_writer.values_mut() {
            list.sort_unstable();
        }
    }

    fn who(&self, writer: u64, clock: u32) -> Option<u64> {
        let list = self.by_writer.get(&writer)?;
        let after = list.partition_point(|range| range.0 <= clock);
        // Ranges of several deleters may overlap: look back while they can
        // still cover the clock.
        list[..after]
            .iter()
            .rev()
            .take(8)
            .find(|range| clock < range.1)
            .map(|range| range.2)
    }
}

fn int(value: Option<&Any>) -> Option<i64> {
    match value? {
        Any::Number(Number::Int(n)) => Some(*n),
        Any::Number(Number::Float(n)) if n.is_finite() && n.fract() == 0.0 => Some(*n as i64),
        _ => None,
    }
}

fn string(value: Option<&Any>) -> Option<String> {
    match value? {
        Any::String(text) => Some(text.to_string()),
        _ => None,
    }
}

fn count(value: Option<&Any>) -> u32 {
    int(value).and_then(|n| u32::try_from(n).ok()).unwrap_or(0)
}

/// Read one entry; `index` names an entry without a readable id.
fn read_entry(index: u32, value: &Out) -> Entry {
    let damaged = |id: String| Entry {
        index,
        checkpoint: Checkpoint {
            id,
            kind: CheckpointKind::Auto,
            client: 0,
            time: 0,
            added: 0,
            removed: 0,
            editors: Vec::new(),
            damaged: Some(Damage::Unreadable),
        },
        base: None,
        stored: None,
    };
    let Out::Any(Any::Map(fields)) = value else {
        return damaged(format!("#{index}"));
    };
    let Some(id) = string(fields.get(version::ID)) else {
        return damaged(format!("#{index}"));
    };
    let kind = match string(fields.get(version::KIND)).as_deref() {
        Some("auto") => Some(CheckpointKind::Auto),
        Some("named") => string(fields.get(version::NAME)).map(CheckpointKind::Named),
        Some("restored") => {
            string(fields.get(version::FROM)).map(|from| CheckpointKind::Restored { from })
        }
        _ => None,
    };
    let client = int(fields.get(version::CLIENT)).and_then(|n| u64::try_from(n).ok());
    let time = int(fields.get(version::TIME));
    let (Some(kind), Some(client), Some(time)) = (kind, client, time) else {
        return damaged(id);
    };
    let stored = match fields.get(version::STATE) {
        Some(Any::Buffer(bytes)) => Stored::decode(bytes).map_err(Damage::State),
        _ => Err(Damage::Unreadable),
    };
    let editors = match fields.get(version::EDITORS) {
        Some(Any::Array(values)) => values
            .iter()
            .filter_map(|value| int(Some(value)).and_then(|n| u64::try_from(n).ok()))
            .collect(),
        _ => Vec::new(),
    };
    let (stored, damage) = match stored {
        Ok(stored) => (Some(stored), None),
        Err(damage) => (None, Some(damage)),
    };
    Entry {
        index,
        checkpoint: Checkpoint {
            id,
            kind,
            client,
            time,
            added: count(fields.get(version::ADDED)),
            removed: count(fields.get(version::REMOVED)),
            editors,
            damaged: damage,
        },
        base: string(fields.get(version::BASE)),
        stored,
    }
}

/// Every entry, in array order, with the damage of ids used twice and of
/// chains that do not end well marked.
fn read_entries<T: ReadTxn>(versions: &ArrayRef, txn: &T) -> HashMap<String, Entry> {
    let mut entries: HashMap<String, Entry> = HashMap::new();
    for (index, value) in versions.iter(txn).enumerate() {
        let entry = read_entry(index as u32, &value);
        match entries.get_mut(&entry.checkpoint.id) {
            Some(first) => {
                first.checkpoint.damaged = Some(Damage::Twice);
                first.stored = None;
            }
            None => {
                entries.insert(entry.checkpoint.id.clone(), entry);
            }
        }
    }
    // Chains: a checkpoint whose base is missing or damaged is damaged.
    let mut verdict: HashMap<String, Option<Damage>> = HashMap::new();
    let ids: Vec<String> = entries.keys().cloned().collect();
    for id in ids {
        let mut chain = Vec::new();
        let mut at = Some(id);
        let mut outcome: Option<Damage> = None;
        while let Some(current) = at.take() {
            if let Some(known) = verdict.get(&current) {
                outcome = known.clone().map(|_| Damage::BaseDamaged);
                break;
            }
            let Some(entry) = entries.get(&current) else {
                outcome = Some(Damage::NoBase);
                break;
            };
            if let Some(damage) = &entry.checkpoint.damaged {
                verdict.insert(current.clone(), Some(damage.clone()));
                outcome = Some(Damage::BaseDamaged);
                break;
            }
            if chain.len() > entries.len() {
                // A cycle.
                outcome = Some(Damage::BaseDamaged);
                break;
            }
            chain.push(current);
            at = entry.base.clone();
        }
        // The first link of the chain damaged by what follows it says why.
        for (depth, id) in chain.iter().enumerate().rev() {
            let damage = match (&outcome, depth) {
                (None, _) => None,
                (Some(Damage::NoBase), d) if d + 1 == chain.len() => Some(Damage::NoBase),
                (Some(_), _) => Some(Damage::BaseDamaged),
            };
            verdict.insert(id.clone(), damage);
        }
    }
    for (id, damage) in verdict {
        if let (Some(entry), Some(damage)) = (entries.get_mut(&id), damage) {
            if entry.checkpoint.damaged.is_none() {
                entry.checkpoint.damaged = Some(damage);
            }
        }
    }
    entries
}

/// `snapshot` with only the deletions `now` has: yrs walks a snapshot's
/// deletions through this copy's blocks and panics on a client it has no
/// block of (`IdSet` iteration in `split_by_snapshot`, found by the
/// `history` fuzz target: a co-author's checkpoint naming deletions of a
/// made-up client). An honest checkpoint's deletions are all in a copy
/// that has caught up; one this copy has not received yet cannot be shown
/// anyway.
fn within(now: &Snapshot, snapshot: Arc<Snapshot>) -> Arc<Snapshot> {
    if snapshot.delete_set.diff(&now.delete_set).is_empty() {
        return snapshot;
    }
    Arc::new(Snapshot::new(
        snapshot.state_map.clone(),
        snapshot.delete_set.intersect(&now.delete_set),
    ))
}

/// The merged text of `body` between two snapshots, character by
/// character.
fn marks(
    body: &TextRef,
    txn: &mut TransactionMut,
    hi: &Snapshot,
    lo: &Snapshot,
    deleters: &Deleters,
) -> Vec<compare::Mark> {
    let chunks = body.diff_range(txn, Some(hi), Some(lo), |change: YChange| change);
    let mut marks = Vec::new();
    for chunk in chunks {
        let Out::Any(Any::String(text)) = &chunk.insert else {
            continue;
        };
        match &chunk.ychange {
            None => marks.extend(text.chars().map(|ch| compare::Mark {
                ch,
                change: Change::Same,
                who: None,
            })),
            Some(YChange {
                kind: ChangeKind::Added,
                id,
            }) => marks.extend(text.chars().map(|ch| compare::Mark {
                ch,
                change: Change::Added,
                who: Some(id.client.get()),
            })),
            Some(YChange {
                kind: ChangeKind::Removed,
                id,
            }) => {
                let mut clock = id.clock;
                for ch in text.chars() {
                    marks.push(compare::Mark {
                        ch,
                        change: Change::Removed,
                        who: deleters.who(id.client.get(), clock),
                    });
                    clock += ch.len_utf16() as u32;
                }
            }
        }
    }
    marks
}

impl Document {
    fn cache(&self) -> MutexGuard<'_, Cache> {
        // The cache only holds finished snapshots.
        self.history.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn own_deleted(&self) -> MutexGuard<'_, IdSet> {
        self.own_deleted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The timeline: every checkpoint, oldest first (by time, then place in
    /// the array),
    /// the damaged ones included and marked.
    pub fn checkpoints(&self) -> Vec<Checkpoint> {
        let entries = read_entries(&self.versions, &self.doc.transact());
        let mut list: Vec<Entry> = entries.into_values().collect();
        list.sort_by_key(|entry| (entry.checkpoint.time, entry.index));
        list.into_iter().map(|entry| entry.checkpoint).collect()
    }

    /// The snapshot of a checkpoint, rebuilt along its chain of bases.
    fn snapshot_of(
        &self,
        entries: &HashMap<String, Entry>,
        id: &str,
    ) -> Result<Arc<Snapshot>, HistoryError> {
        let entry = entries
            .get(id)
            .ok_or_else(|| HistoryError::Unknown(id.to_owned()))?;
        if let Some(damage) = &entry.checkpoint.damaged {
            return Err(HistoryError::Damaged {
                id: id.to_owned(),
                damage: damage.clone(),
            });
        }
        let mut cache = self.cache();
        if let Some(snapshot) = cache.snapshots.get(id) {
            return Ok(snapshot.clone());
        }
        // Undamaged: every link of the chain is there and readable, and it
        // ends (read_entries checked).
        let mut chain = Vec::new();
        let mut at = Some(id.to_owned());
        let mut start = None;
        while let Some(current) = at.take() {
            if let Some(snapshot) = cache.snapshots.get(&current) {
                start = Some(snapshot.clone());
                break;
            }
            let Some(entry) = entries.get(&current) else {
                break;
            };
            at = entry.base.clone();
            chain.push((current, entry));
        }
        if cache.snapshots.len() + chain.len() > CACHE_MAX {
            cache.snapshots.clear();
        }
        let mut deleted = start
            .map(|snapshot| snapshot.delete_set.clone())
            .unwrap_or_default();
        let mut last = None;
        for (current, entry) in chain.into_iter().rev() {
            let Some(stored) = &entry.stored else {
                break;
            };
            deleted.merge_with(state::to_set(&stored.deleted));
            let snapshot = Arc::new(Snapshot::new(stored.state_vector(), deleted.clone()));
            cache.snapshots.insert(current, snapshot.clone());
            last = Some(snapshot);
        }
        last.ok_or_else(|| HistoryError::Damaged {
            id: id.to_owned(),
            damage: Damage::BaseDamaged,
        })
    }

    fn moment(
        &self,
        entries: &HashMap<String, Entry>,
        moment: &Moment,
        now: &Snapshot,
    ) -> Result<Arc<Snapshot>, HistoryError> {
        let snapshot = match moment {
            Moment::Checkpoint(id) => self.snapshot_of(entries, id),
            Moment::Seen(bytes) => state::decode_seen(bytes)
                .map(Arc::new)
                .map_err(HistoryError::Seen),
            Moment::Now => Ok(Arc::new(now.clone())),
        }?;
        Ok(within(now, snapshot))
    }

    fn deleters(&self, entries: &HashMap<String, Entry>) -> Deleters {
        let mut deleters = Deleters::default();
        for entry in entries.values() {
            if let (Some(stored), None) = (&entry.stored, &entry.checkpoint.damaged) {
                deleters.add(&stored.own(), entry.checkpoint.client);
            }
        }
        deleters.add(&self.own_deleted(), self.client_id());
        deleters.sort();
        deleters
    }

    /// The text at a moment, with who wrote each part (for the
    /// who-wrote-what colours through [`crate::authorship::colours`]).
    pub fn text_at(&self, moment: &Moment) -> Result<Attributed, HistoryError> {
        let mut txn = self.doc.transact_mut_with(HISTORY);
        let now = txn.snapshot();
        let entries = read_entries(&self.versions, &txn);
        let snapshot = self.moment(&entries, moment, &now)?;
        let chunks = self.body.diff_range(
            &mut txn,
            Some(&snapshot),
            Some(&Snapshot::default()),
            |change: YChange| change.id.client.get(),
        );
        let mut attributed = Attributed::default();
        for chunk in chunks {
            let Out::Any(Any::String(text)) = &chunk.insert else {
                continue;
            };
            attributed.text.push_str(text);
            let (client, len) = (chunk.ychange.unwrap_or(0), utf16_len(text));
            match attributed.runs.last_mut() {
                Some(last) if last.client == client => last.len += len,
                _ if len > 0 => attributed.runs.push(Run { client, len }),
                _ => {}
            }
        }
        Ok(attributed)
    }

    /// What changed from `from` to `to`, word by word, with who did it.
    pub fn compare(&self, from: &Moment, to: &Moment) -> Result<Comparison, HistoryError> {
        let mut txn = self.doc.transact_mut_with(HISTORY);
        let now = txn.snapshot();
        let entries = read_entries(&self.versions, &txn);
        let old = self.moment(&entries, from, &now)?;
        let new = self.moment(&entries, to, &now)?;
        let deleters = self.deleters(&entries);
        Ok(compare::build(&marks(
            &self.body, &mut txn, &new, &old, &deleters,
        )))
    }

    /// This browser's view of the document, to keep and compare with later
    /// ([`Moment::Seen`]): "what changed since your last visit".
    pub fn seen(&self) -> Vec<u8> {
        state::encode_seen(&self.doc.transact().snapshot())
    }

    /// Make an automatic checkpoint now (`time`: milliseconds since the
    /// epoch, this browser's clock). Returns the update to send, or `None`
    /// when the text did not change since the checkpoint it would build
    /// on.
    pub fn checkpoint(&self, time: i64) -> Option<Vec<u8>> {
        self.write_checkpoint(CheckpointKind::Auto, time, false)
            .map(|(_, update)| update)
    }

    /// Name the text as it is now, and say the new checkpoint's id (a
    /// meeting records the version it started from and the one it ended
    /// with: [`crate::meeting`]). Returns the id and the update to send.
    pub fn name_version_now(&self, name: &str, time: i64) -> (String, Vec<u8>) {
        self.write_checkpoint(CheckpointKind::Named(name.to_owned()), time, true)
            .expect("a forced checkpoint is always written")
    }

    /// Name a version: the text as it is now (`at: None`), or the moment of
    /// the checkpoint `at`. Returns the update to send.
    pub fn name_version(
        &self,
        name: &str,
        at: Option<&str>,
        time: i64,
    ) -> Result<Vec<u8>, HistoryError> {
        let kind = CheckpointKind::Named(name.to_owned());
        let Some(at) = at else {
            return self
                .write_checkpoint(kind, time, true)
                .map(|(_, update)| update)
                .ok_or_else(|| HistoryError::Unknown(String::new()));
        };
        let mut txn = self.doc.transact_mut();
        let entries = read_entries(&self.versions, &txn);
        let snapshot = self.snapshot_of(&entries, at)?;
        let named = entries
            .get(at)
            .ok_or_else(|| HistoryError::Unknown(at.to_owned()))?;
        let stored = Stored {
            clocks: state::clocks(&snapshot.state_map),
            deleted: Vec::new(),
            own: None,
        };
        let clock = txn.state_vector().get(&self.doc.client_id());
        let id = format!("{}-{clock}", self.client_id());
        let mut fields = entry_fields(&id, &kind, self.client_id(), named.checkpoint.time);
        fields.insert(version::BASE.to_owned(), Any::from(at));
        fields.insert(
            version::STATE.to_owned(),
            Any::Buffer(stored.encode().into()),
        );
        self.versions.push_back(&mut txn, Any::from(fields));
        let update = txn.encode_update_v1();
        drop(txn);
        Ok(self.made(update))
    }

    fn write_checkpoint(
        &self,
        kind: CheckpointKind,
        time: i64,
        force: bool,
    ) -> Option<(String, Vec<u8>)> {
        let mut txn = self.doc.transact_mut();
        let now = txn.snapshot();
        let entries = read_entries(&self.versions, &txn);
        // Build on the latest checkpoint this copy has all of.
        let mut latest: Vec<&Entry> = entries
            .values()
            .filter(|entry| entry.checkpoint.damaged.is_none())
            .collect();
        latest.sort_by_key(|entry| std::cmp::Reverse((entry.checkpoint.time, entry.index)));
        let base = latest.iter().take(BASE_SEARCH).find_map(|entry| {
            let snapshot = self.snapshot_of(&entries, &entry.checkpoint.id).ok()?;
            state::covers(&now, &snapshot).then(|| (entry.checkpoint.id.clone(), snapshot))
        });
        let empty = Arc::new(Snapshot::default());
        let base_snapshot = base.as_ref().map_or(&empty, |(_, snapshot)| snapshot);
        let deleters = self.deleters(&entries);
        let comparison =
            compare::build(&marks(&self.body, &mut txn, &now, base_snapshot, &deleters));
        if !force && comparison.groups == 0 {
            return None;
        }
        let deleted = state::from_set(&now.delete_set.diff(&base_snapshot.delete_set));
        let own = state::from_set(&std::mem::take(&mut *self.own_deleted()));
        let stored = Stored {
            clocks: state::clocks(&now.state_map),
            own: (own != deleted).then_some(own),
            deleted,
        };
        let clock = now.state_map.get(&self.doc.client_id());
        let id = format!("{}-{clock}", self.client_id());
        let (added, removed) = comparison.words();
        let mut fields = entry_fields(&id, &kind, self.client_id(), time);
        if let Some((base, _)) = base {
            fields.insert(version::BASE.to_owned(), Any::from(base));
        }
        fields.insert(
            version::STATE.to_owned(),
            Any::Buffer(stored.encode().into()),
        );
        fields.insert(
            version::ADDED.to_owned(),
            Any::Number(Number::Int(i64::from(added))),
        );
        fields.insert(
            version::REMOVED.to_owned(),
            Any::Number(Number::Int(i64::from(removed))),
        );
        let editors: Vec<Any> = comparison
            .editors()
            .into_iter()
            .map(|client| Any::Number(Number::Int(client as i64)))
            .collect();
        fields.insert(version::EDITORS.to_owned(), Any::from(editors));
        self.versions.push_back(&mut txn, Any::from(fields));
        let update = txn.encode_update_v1();
        drop(txn);
        Some((id, self.made(update)))
    }

    /// Bring back the text of the checkpoint `id`, as one edit of this
    /// browser (one undo step), then record a checkpoint "restored from
    /// `id`". Returns the updates to send, in order: none when the text is
    /// already that one.
    pub fn restore(&mut self, id: &str, time: i64) -> Result<Vec<Vec<u8>>, HistoryError> {
        self.stop_capturing();
        let edit = {
            let mut txn = self.doc.transact_mut();
            let now = txn.snapshot();
            let entries = read_entries(&self.versions, &txn);
            let target = within(&now, self.snapshot_of(&entries, id)?);
            let chunks =
                self.body
                    .diff_range(&mut txn, Some(&now), Some(&target), |change: YChange| {
                        change.kind
                    });
            // Restoring the text it already has (typed again, redone) is
            // no edit.
            let target: String = chunks
                .iter()
                .filter(|chunk| chunk.ychange != Some(ChangeKind::Added))
                .filter_map(|chunk| match &chunk.insert {
                    Out::Any(Any::String(text)) => Some(text.as_ref()),
                    _ => None,
                })
                .collect();
            if target == self.body.get_string(&txn) {
                return Ok(Vec::new());
            }
            let mut at = 0;
            let mut changed = false;
            for chunk in chunks {
                let Out::Any(Any::String(text)) = &chunk.insert else {
                    at += 1;
                    continue;
                };
                let len = utf16_len(text);
                match chunk.ychange {
                    None => at += len,
                    Some(ChangeKind::Added) => {
                        self.body.remove_range(&mut txn, at, len);
                        changed = true;
                    }
                    Some(ChangeKind::Removed) => {
                        self.body.insert(&mut txn, at, text);
                        at += len;
                        changed = true;
                    }
                }
            }
            changed.then(|| txn.encode_update_v1())
        };
        self.stop_capturing();
        let Some(edit) = edit else {
            return Ok(Vec::new());
        };
        let edit = self.made(edit);
        let restored = CheckpointKind::Restored {
            from: id.to_owned(),
        };
        Ok(std::iter::once(edit)
            .chain(
                self.write_checkpoint(restored, time, true)
                    .map(|(_, update)| update),
            )
            .collect())
    }
}

fn entry_fields(id: &str, kind: &CheckpointKind, client: u64, time: i64) -> HashMap<String, Any> {
    let mut fields = HashMap::from([
        (version::ID.to_owned(), Any::from(id)),
        (
            version::CLIENT.to_owned(),
            Any::Number(Number::Int(client as i64)),
        ),
        (version::TIME.to_owned(), Any::Number(Number::Int(time))),
    ]);
    let (name, extra) = match kind {
        CheckpointKind::Auto => ("auto", None),
        CheckpointKind::Named(name) => ("named", Some((version::NAME, name))),
        CheckpointKind::Restored { from } => ("restored", Some((version::FROM, from))),
    };
    fields.insert(version::KIND.to_owned(), Any::from(name));
    if let Some((key, value)) = extra {
        fields.insert(key.to_owned(), Any::from(value.as_str()));
    }
    fields
}

#[cfg(test)]
mod tests;

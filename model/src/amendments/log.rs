//! The amendment room's `records` text ([`crate::schema::RECORDS`]): one
//! signed record per line ([`super::record`]), appended, never changed.
//!
//! A co-holder of the amend link can write anything in this text: insert
//! junk, cut into someone's line, delete lines. None of it hides a
//! record. The document is `skip_gc`, so every character ever inserted is
//! kept, and the records are read from the snapshot "everything this copy
//! has, nothing deleted" (its state vector with an empty delete set),
//! through the same `diff_range` the history uses: each chunk is one Yrs
//! item with its id, and the items of one client with consecutive clocks
//! are put back together before the lines are cut, so text inserted into
//! the middle of someone's line does not break it either. A deletion is
//! only noticed ([`Lines::removed`]) and reported.
//!
//! Reading is incremental: [`Reader`] keeps the state vector it read up
//! to and asks only for what came since.

use std::collections::BTreeMap;

use yrs::types::text::YChange;
use yrs::{Any, IdSet, Out, ReadTxn, Snapshot, StateVector, Text, Transact};

use crate::document::Document;

impl Document {
    /// Append one record line; the update to send.
    pub fn append_record(&self, line: &str) -> Vec<u8> {
        let mut txn = self.doc.transact_mut();
        let end = self.records.len(&txn);
        self.records.insert(&mut txn, end, &format!("{line}\n"));
        self.made(txn.encode_update_v1())
    }
}

/// What a read brought: the new record lines, and whether anything of the
/// records text was deleted so far.
#[derive(Debug, Default)]
pub struct Lines {
    pub lines: Vec<String>,
    /// UTF-16 units of the records text that someone deleted (none of
    /// this app's own doing: it never deletes there).
    pub removed: u32,
}

/// Reads the records text from where it last stopped.
#[derive(Debug, Default)]
pub struct Reader {
    read_upto: StateVector,
    /// Text of each client's run not yet ended by a line break, by the
    /// clock it continues at.
    partial: BTreeMap<(u64, u32), String>,
    inserted: u32,
}

impl Reader {
    /// The lines added to `doc`'s records since the last read.
    pub fn read(&mut self, doc: &Document) -> Lines {
        let records = &doc.records;
        let mut txn = doc.doc.transact_mut_with("cahier/records");
        let now = txn.state_vector();
        if now == self.read_upto {
            let visible = records.len(&txn);
            return Lines {
                lines: Vec::new(),
                removed: self.inserted.saturating_sub(visible),
            };
        }
        let all = Snapshot::new(now.clone(), IdSet::default());
        let before = Snapshot::new(self.read_upto.clone(), IdSet::default());
        let chunks = records.diff_range(&mut txn, Some(&all), Some(&before), |change: YChange| {
            (change.id.client.get(), change.id.clock)
        });
        // (client, clock) → text, for the chunks that are new.
        let mut runs: BTreeMap<(u64, u32), String> = BTreeMap::new();
        for chunk in chunks {
            let (Some(id), Out::Any(Any::String(text))) = (chunk.ychange, &chunk.insert) else {
                continue;
            };
            runs.insert(id, text.to_string());
        }
        let visible = records.len(&txn);
        drop(txn);
        let mut lines = Vec::new();
        // Each client's runs in clock order, joined where consecutive,
        // and continuing what an earlier read left unfinished.
        for ((client, clock), text) in runs {
            self.inserted += crate::edit::utf16_len(&text);
            let continued = self
                .partial
                .iter()
                .find(|((c, next), _)| *c == client && *next == clock)
                .map(|(key, _)| *key);
            let mut whole = continued
                .and_then(|key| self.partial.remove(&key))
                .unwrap_or_default();
            whole.push_str(&text);
            let next = clock + crate::edit::utf16_len(&text);
            match whole.rfind('\n') {
                Some(at) => {
                    let (done, rest) = whole.split_at(at + 1);
                    lines.extend(
                        done.split('\n')
                            .filter(|line| !line.is_empty())
                            .map(str::to_owned),
                    );
                    if !rest.is_empty() {
                        self.partial.insert((client, next), rest.to_owned());
                    }
                }
                None => {
                    self.partial.insert((client, next), whole);
                }
            }
        }
        self.read_upto = now;
        Lines {
            lines,
            removed: self.inserted.saturating_sub(visible),
        }
    }
}

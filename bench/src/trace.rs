//! Editing traces: a real keystroke-by-keystroke history, turned into the
//! Yrs updates a person typing it would have sent, one per edit.
//!
//! The sequential format (see the README beside the traces) is gzipped
//! JSON: `startContent`, `endContent`, and transactions holding patches
//! `[position, deleted, inserted]` with positions in Unicode code points.
//! Replaying a trace that does not end on `endContent` is an error, not a
//! warning: a benchmark that types the wrong document measures nothing.

use std::io::Read as _;
use std::path::Path;

use anyhow::{bail, Context as _};
use serde::Deserialize;
use yrs::{GetString as _, Text as _, Transact as _};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTrace {
    start_content: String,
    end_content: String,
    txns: Vec<RawTxn>,
}

#[derive(Deserialize)]
struct RawTxn {
    patches: Vec<(usize, usize, String)>,
}

/// One edit: delete `deleted` code points at `pos`, then insert `inserted`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch {
    pub pos: usize,
    pub deleted: usize,
    pub inserted: String,
}

/// A sequential editing trace.
pub struct Trace {
    pub start: String,
    pub end: String,
    pub patches: Vec<Patch>,
}

impl Trace {
    /// Read a gzipped sequential trace.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let file = std::fs::File::open(path).with_context(|| format!("open {}", path.display()))?;
        let mut json = String::new();
        flate2::read::GzDecoder::new(file)
            .read_to_string(&mut json)
            .with_context(|| format!("gunzip {}", path.display()))?;
        Self::from_json(&json)
    }

    pub fn from_json(json: &str) -> anyhow::Result<Self> {
        let raw: RawTrace = serde_json::from_str(json).context("parse the trace")?;
        let patches = raw
            .txns
            .into_iter()
            .flat_map(|t| t.patches)
            .map(|(pos, deleted, inserted)| Patch {
                pos,
                deleted,
                inserted,
            })
            .collect();
        Ok(Self {
            start: raw.start_content,
            end: raw.end_content,
            patches,
        })
    }

    /// Keep only the first `n` patches, and make `end` the text they give.
    pub fn truncate(&mut self, n: usize) {
        if n < self.patches.len() {
            self.patches.truncate(n);
            self.end = self.replay_plain();
        }
    }

    /// Apply the patches to a `String`: the reference the Yrs replay is
    /// checked against.
    pub fn replay_plain(&self) -> String {
        let mut text: Vec<char> = self.start.chars().collect();
        for p in &self.patches {
            let end = (p.pos + p.deleted).min(text.len());
            text.splice(p.pos.min(end)..end, p.inserted.chars());
        }
        text.into_iter().collect()
    }

    /// Type the trace into a fresh Yrs document owned by `client_id`, one
    /// transaction per patch, and return the update each one produced (the
    /// bytes a browser would send) with the final document's text, checked
    /// against `end`.
    pub fn to_updates(&self, client_id: u64, text_name: &str) -> anyhow::Result<Vec<Vec<u8>>> {
        if !self.start.is_ascii() || !self.end.is_ascii() {
            // Yrs counts offsets in bytes or UTF-16 units; for ASCII all of
            // them equal code points. A non-ASCII trace needs a conversion
            // this harness does not do yet.
            bail!("only ASCII traces are supported");
        }
        let doc = yrs::Doc::with_client_id(client_id);
        let text = doc.get_or_insert_text(text_name);
        let mut updates = Vec::with_capacity(self.patches.len() + 1);
        if !self.start.is_empty() {
            let mut txn = doc.transact_mut();
            text.insert(&mut txn, 0, &self.start);
            updates.push(txn.encode_update_v1());
        }
        for p in &self.patches {
            let mut txn = doc.transact_mut();
            if p.deleted > 0 {
                text.remove_range(&mut txn, p.pos as u32, p.deleted as u32);
            }
            if !p.inserted.is_empty() {
                text.insert(&mut txn, p.pos as u32, &p.inserted);
            }
            updates.push(txn.encode_update_v1());
        }
        let got = text.get_string(&doc.transact());
        if got != self.end {
            bail!(
                "replaying the trace gave {} characters, expected {}",
                got.len(),
                self.end.len()
            );
        }
        Ok(updates)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::schema::BODY;
    use yrs::updates::decoder::Decode as _;

    const SMALL: &str = r#"{"startContent":"","endContent":"Hllo!","txns":[
        {"time":"t","patches":[[0,0,"H"],[1,0,"e"],[2,0,"l"]]},
        {"time":"t","patches":[[3,0,"lo"],[1,1,""],[4,0,"!"]]}]}"#;

    #[test]
    fn replaying_a_small_trace_gives_its_end_content() {
        let trace = Trace::from_json(SMALL).expect("parse");
        assert_eq!(trace.patches.len(), 6);
        assert_eq!(trace.replay_plain(), "Hllo!");
        let updates = trace.to_updates(7, BODY).expect("updates");
        assert_eq!(updates.len(), 6);
        let doc = yrs::Doc::with_client_id(8);
        let text = doc.get_or_insert_text(BODY);
        let mut txn = doc.transact_mut();
        for u in updates {
            txn.apply_update(yrs::Update::decode_v1(&u).expect("decode"))
                .expect("apply");
        }
        assert_eq!(text.get_string(&txn), "Hllo!");
    }

    #[test]
    fn a_trace_that_does_not_reach_its_end_is_refused() {
        let bad = SMALL.replace("Hllo!", "Hello!");
        let trace = Trace::from_json(&bad).expect("parse");
        assert!(trace.to_updates(7, BODY).is_err());
    }

    #[test]
    fn truncating_recomputes_the_end() {
        let mut trace = Trace::from_json(SMALL).expect("parse");
        trace.truncate(4);
        assert_eq!(trace.end, "Hello");
        assert!(trace.to_updates(1, BODY).is_ok());
    }
}

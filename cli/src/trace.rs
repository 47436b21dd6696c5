//! Editing traces: a real keystroke-by-keystroke history, turned into the
//! Yrs updates a person typing it would have sent, one per edit. `cahier
//! populate` types one into a room; the bench's W4 loads one into every
//! server.
//!
//! The sequential format (see the README beside the traces) is gzipped
//! JSON: `startContent`, `endContent`, and transactions holding patches
//! `[position, deleted, inserted]` with positions in Unicode code points.
//! Replaying a trace that does not end on `endContent` is an error, not a
//! warning: a benchmark that types the wrong document measures nothing.
//!
//! **Where they are.** The traces are shared data, never copied into the
//! project: [`locate`] finds one by name in `$CAHIER_TRACES`, or else in
//! `shared/data/editing-traces/` beside the clone (`<clone>/../shared/…`,
//! which every developer and CI have), looking up from the current
//! directory; a path to a file is taken as it is.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use yrs::{GetString as _, Text as _, Transact as _};

/// Why a trace could not be had or replayed.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error(
        "no editing traces here: set {TRACES_ENV} to the folder holding {name}.json.gz, \
         or give the trace's path (they live in {BESIDE_THE_CLONE} from a clone's root)"
    )]
    NoTraces { name: String },
    #[error("no editing trace {name:?} in {}", dir.display())]
    Missing { name: String, dir: PathBuf },
    #[error("could not read the trace {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the trace is not the sequential format: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("only ASCII traces are supported")]
    NotAscii,
    #[error("replaying the trace gave {got} characters, expected {expected}")]
    Diverged { got: usize, expected: usize },
}

/// The environment variable naming the folder of the editing traces.
pub const TRACES_ENV: &str = "CAHIER_TRACES";

/// The trace the tests and the bench use by default.
pub const DEFAULT_TRACE: &str = "automerge-paper";

/// Where the traces are relative to a clone's root: beside it.
const BESIDE_THE_CLONE: &str = "../shared/data/editing-traces";

/// The folder of the editing traces: `$CAHIER_TRACES`, else the first
/// `<dir>/../shared/data/editing-traces` that exists, `<dir>` being the
/// current directory or one of its parents. `None` when there is none.
pub fn traces_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(TRACES_ENV) {
        return Some(PathBuf::from(dir));
    }
    let here = std::env::current_dir().ok()?;
    here.ancestors()
        .map(|dir| dir.join(BESIDE_THE_CLONE))
        .find(|candidate| candidate.is_dir())
}

/// The trace `name` (`automerge-paper`, found as
/// `automerge-paper.json.gz` in [`traces_dir`]), or the file `name` if it
/// is a path to one. The error says where it looked.
pub fn locate(name: &str) -> Result<PathBuf, TraceError> {
    let as_path = Path::new(name);
    if as_path.is_file() {
        return Ok(as_path.to_owned());
    }
    let Some(dir) = traces_dir() else {
        return Err(TraceError::NoTraces {
            name: name.to_owned(),
        });
    };
    let file = dir.join(format!("{name}.json.gz"));
    if file.is_file() {
        return Ok(file);
    }
    Err(TraceError::Missing {
        name: name.to_owned(),
        dir,
    })
}

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
    pub fn load(path: &Path) -> Result<Self, TraceError> {
        let read = |source| TraceError::Read {
            path: path.to_owned(),
            source,
        };
        let file = std::fs::File::open(path).map_err(read)?;
        let mut json = String::new();
        flate2::read::GzDecoder::new(file)
            .read_to_string(&mut json)
            .map_err(read)?;
        Self::from_json(&json)
    }

    pub fn from_json(json: &str) -> Result<Self, TraceError> {
        let raw: RawTrace = serde_json::from_str(json)?;
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
    pub fn to_updates(&self, client_id: u64, text_name: &str) -> Result<Vec<Vec<u8>>, TraceError> {
        if !self.start.is_ascii() || !self.end.is_ascii() {
            // Yrs counts offsets in bytes or UTF-16 units; for ASCII all of
            // them equal code points. A non-ASCII trace needs a conversion
            // this harness does not do yet.
            return Err(TraceError::NotAscii);
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
            return Err(TraceError::Diverged {
                got: got.len(),
                expected: self.end.len(),
            });
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
    fn a_missing_trace_is_told_with_where_it_was_looked_for() {
        let dir = std::env::temp_dir().join(format!("cahier-traces-{}", std::process::id()));
        let err = locate(&dir.join("nowhere.json.gz").to_string_lossy())
            .expect_err("no such trace")
            .to_string();
        assert!(err.contains("nowhere"), "{err}");
        let file = dir.join("small.json.gz");
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(&file, b"").expect("write");
        assert_eq!(locate(&file.to_string_lossy()).expect("a path"), file);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn truncating_recomputes_the_end() {
        let mut trace = Trace::from_json(SMALL).expect("parse");
        trace.truncate(4);
        assert_eq!(trace.end, "Hello");
        assert!(trace.to_updates(1, BODY).is_ok());
    }
}

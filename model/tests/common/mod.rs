//! What the guard's tests and bench share: the editing traces beside the
//! repository (`<root>/../shared/data/editing-traces/`, or the directory
//! in `CAHIER_TRACES`), typed into a [`model::Document`] one patch per
//! update, the way a person typing them would have sent them.

#![allow(dead_code)]

use std::io::Read as _;
use std::path::PathBuf;

use model::edit::Edit;
use model::{DocKind, Document};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTrace {
    end_content: String,
    txns: Vec<RawTxn>,
}

#[derive(Deserialize)]
struct RawTxn {
    patches: Vec<(usize, usize, String)>,
}

/// The directory of the editing traces, if it is there.
pub fn traces_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("CAHIER_TRACES") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/editing-traces"),
    };
    dir.is_dir().then_some(dir)
}

/// How many patches of a trace the tests type: `CAHIER_TRACE_LIMIT` (0 for
/// all), else 30,000.
pub fn trace_limit() -> Option<usize> {
    match std::env::var("CAHIER_TRACE_LIMIT").map(|v| v.parse::<usize>()) {
        Ok(Ok(0)) => None,
        Ok(Ok(n)) => Some(n),
        _ => Some(30_000),
    }
}

fn read(name: &str) -> Option<RawTrace> {
    let path = traces_dir()?.join(format!("{name}.json.gz"));
    let file = std::fs::File::open(&path).ok()?;
    let mut json = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut json)
        .expect("a gzipped trace");
    Some(serde_json::from_str(&json).expect("a sequential trace"))
}

/// A sequential trace's edits, in UTF-16 units (the traces used hold no
/// character outside the BMP), and the text it ends on. `None` when the
/// trace is absent.
pub fn edits(name: &str) -> Option<(Vec<Edit>, String)> {
    let raw = read(name)?;
    let edits = raw
        .txns
        .into_iter()
        .flat_map(|t| t.patches)
        .map(|(pos, deleted, inserted)| Edit {
            start: pos as u32,
            delete: deleted as u32,
            insert: inserted,
        })
        .collect();
    Some((edits, raw.end_content))
}

/// A sequential trace typed into a document by client 1, its first
/// `limit` patches (all with `None`): every update it sent (the meta
/// first), and the text it ends on, checked against the trace's own end
/// when all of it is typed. `None` when the trace is absent. Positions
/// count code points; the traces used hold no character outside the BMP,
/// where they equal UTF-16 units (checked).
pub fn typed(name: &str, limit: Option<usize>) -> Option<(Vec<Vec<u8>>, String)> {
    let raw = read(name)?;
    let doc = Document::new(1);
    let mut updates = vec![doc.init_meta(DocKind::Text, name, 0)];
    let patches = raw.txns.into_iter().flat_map(|t| t.patches);
    let mut all = true;
    for (i, (pos, deleted, inserted)) in patches.enumerate() {
        if limit.is_some_and(|limit| i >= limit) {
            all = false;
            break;
        }
        assert!(
            inserted.chars().all(|c| c.len_utf16() == 1),
            "{name}: a character outside the BMP"
        );
        let edit = Edit {
            start: pos as u32,
            delete: deleted as u32,
            insert: inserted,
        };
        updates.push(doc.edit_body(&edit).expect("the trace fits its text"));
    }
    if all {
        assert_eq!(doc.body(), raw.end_content, "{name}: replayed wrong");
    }
    Some((updates, doc.body()))
}

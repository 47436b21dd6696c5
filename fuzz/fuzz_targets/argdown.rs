//! Someone pastes or opens any text as Argdown: whatever the bytes (read
//! as UTF-8, lossily), the parser returns without a panic, within its
//! bounds (claims, depth, warnings), every parent before its child;
//! imported into a document, the map shows every claim read, no deeper
//! than the bound; written back as Argdown and read again, the same
//! claims come back (text, parent, stance, tags, explanation, sources).

#![no_main]

use libfuzzer_sys::fuzz_target;
use model::arguments::argdown::{self, MAX_CLAIMS, MAX_DEPTH, MAX_WARNINGS};
use model::Document;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let Ok(parsed) = argdown::parse(&text) else {
        return;
    };
    assert!(parsed.nodes.len() <= MAX_CLAIMS);
    assert!(parsed.warnings.len() <= MAX_WARNINGS + 1);
    for (at, node) in parsed.nodes.iter().enumerate() {
        assert!(node.parent.is_none_or(|p| p < at), "a parent before its child");
    }
    let doc = Document::new(1);
    let Ok((ids, _)) = doc.import_argdown(&parsed, None, "fuzz", 1) else {
        return;
    };
    let map = doc.arguments();
    assert_eq!(map.len(), ids.len(), "every claim read is shown");
    assert!(map.walk().iter().all(|(_, depth)| *depth < MAX_DEPTH));
    let written = argdown::to_argdown(&map, parsed.title.as_deref().unwrap_or(""));
    let again = argdown::parse(&written).expect("what the writer wrote reads");
    assert!(again.warnings.is_empty(), "{:?} in {written}", again.warnings);
    let walked = map.walk();
    assert_eq!(again.nodes.len(), walked.len(), "{written}");
    let index = |id: &str| walked.iter().position(|(w, _)| *w == id);
    for ((id, _), node) in walked.iter().zip(&again.nodes) {
        let claim = map.claim(id).expect("shown");
        assert_eq!(node.text, claim.text, "{written}");
        assert_eq!(node.note, claim.note, "{written}");
        assert_eq!(node.tags, claim.tags, "{written}");
        assert_eq!(node.sources, claim.sources, "{written}");
        assert_eq!(node.parent, map.parent(id).and_then(index), "{written}");
        if node.parent.is_some() {
            assert_eq!(node.stance, claim.stance, "{written}");
        }
    }
});

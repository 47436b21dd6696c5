//! What the amendments' and the meetings' tests build on: a text, an
//! amendment room and members who file into it.

use super::*;
use crate::edit::Edit;
use crate::Document;

pub(crate) const ROOM: [u8; 16] = [9; 16];

pub(crate) fn text(body: &str) -> Document {
    let doc = Document::new(1);
    doc.edit_body(&Edit {
        start: 0,
        delete: 0,
        insert: body.into(),
    })
    .expect("fits");
    doc
}

pub(crate) fn copy(of: &Document, client: u64) -> Document {
    let doc = Document::new(client);
    doc.apply_remote(&of.encode_state()).expect("applies");
    doc
}

pub(crate) fn sync(a: &Document, b: &Document) {
    a.apply_remote(&b.encode_state()).expect("applies");
    b.apply_remote(&a.encode_state()).expect("applies");
}

pub(crate) fn at(body: &str, words: &str) -> (u32, u32) {
    let start = body.find(words).expect("the words are there");
    let utf16 = |s: &str| s.encode_utf16().count() as u32;
    let start = utf16(&body[..start]);
    (start, start + utf16(words))
}

pub(crate) fn replace(doc: &Document, words: &str, wording: &str, rationale: &str) -> Draft {
    let (start, end) = at(&doc.body(), words);
    Draft {
        start,
        end,
        proposal: Proposal::Replace(wording.into()),
        rationale: rationale.into(),
        parent: None,
    }
}

pub(crate) struct Member {
    pub identity: Identity,
    pub name: &'static str,
}

pub(crate) fn member(seed: u8, name: &'static str) -> Member {
    Member {
        identity: Identity::from_seed([seed; 32]),
        name,
    }
}

/// File `draft` from `who` into the amendment room `room`; its id.
pub(crate) fn file(
    room: &Document,
    book: &mut Book,
    text: &Document,
    who: &Member,
    draft: &Draft,
    n: u8,
) -> String {
    let (id, line) = book
        .file(
            &who.identity,
            text,
            draft,
            who.name,
            1_000 + i64::from(n),
            [n; 12],
        )
        .expect("files");
    room.append_record(&line);
    book.refresh(room);
    id
}

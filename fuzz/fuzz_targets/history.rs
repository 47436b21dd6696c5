//! A co-author's entries in the history (`versions`): up to 4 entries
//! (split by [`cahier_fuzz::SEPARATOR`]), each three bytes choosing its id,
//! its base and its kind among a few (the real checkpoints' ids among
//! them, so chains, twins and cycles come up), then the bytes of its
//! snapshot. Written by a Yrs document as a co-author's app would, applied
//! to a document with a text and two checkpoints: whatever the bytes, no
//! panic, the timeline lists every entry, every checkpoint not marked
//! damaged reads and compares with now, a restore yields exactly the
//! text it read, and new checkpoints are still made and read.

#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use model::history::Moment;
use model::Document;
use yrs::updates::decoder::Decode;
use yrs::{Any, Array, Number, ReadTxn, Transact};

fuzz_target!(|data: &[u8]| {
    let (state, ids) = cahier_fuzz::with_history();
    let mut doc = Document::load(cahier_fuzz::BOB, state).expect("the base loads");
    let author = yrs::Doc::with_client_id(77);
    {
        let mut txn = author.transact_mut();
        let update = yrs::Update::decode_v1(state).expect("the base decodes");
        txn.apply_update(update).expect("the base applies");
    }
    let before = author.transact().state_vector();
    let versions = author.get_or_insert_array(model::schema::VERSIONS);
    let names = [ids[0].as_str(), ids[1].as_str(), "x", "y", "77-0", ""];
    let entries = cahier_fuzz::split(data);
    for part in &entries {
        let [id, base, kind, snapshot @ ..] = part else {
            continue;
        };
        let mut fields = HashMap::from([
            ("id".to_owned(), Any::from(names[*id as usize % names.len()])),
            ("client".to_owned(), Any::Number(Number::Int(77))),
            ("time".to_owned(), Any::Number(Number::Int(i64::from(*kind)))),
            ("state".to_owned(), Any::Buffer(snapshot.to_vec().into())),
        ]);
        let kind = match kind % 4 {
            0 => "auto",
            1 => "named",
            2 => "restored",
            _ => "other",
        };
        fields.insert("kind".to_owned(), Any::from(kind));
        fields.insert("name".to_owned(), Any::from("v"));
        fields.insert("from".to_owned(), Any::from(names[0]));
        if *base % 7 < names.len() as u8 {
            fields.insert("base".to_owned(), Any::from(names[*base as usize % 7]));
        }
        versions.push_back(&mut author.transact_mut(), Any::from(fields));
    }
    let update = author.transact().encode_state_as_update_v1(&before);
    doc.apply_remote(&update).expect("an honest Yrs update applies");

    let list = doc.checkpoints();
    assert!(list.len() >= 2, "the base's checkpoints are listed");
    for checkpoint in &list {
        let moment = Moment::Checkpoint(checkpoint.id.clone());
        match (&checkpoint.damaged, doc.text_at(&moment)) {
            (None, Ok(_)) => {
                doc.compare(&moment, &Moment::Now)
                    .expect("an undamaged checkpoint compares");
            }
            (None, Err(error)) => panic!("{} is not marked damaged: {error}", checkpoint.id),
            (Some(_), _) => {}
        }
    }
    if let Some(good) = list.iter().find(|c| c.damaged.is_none()) {
        let moment = Moment::Checkpoint(good.id.clone());
        let text = doc.text_at(&moment).expect("reads").text;
        doc.restore(&good.id, 1).expect("restores");
        assert_eq!(doc.body(), text, "a restore yields the text it read");
    }
    let body = doc.body();
    let end = doc.body_len();
    doc.edit_body(&model::edit::Edit {
        start: end,
        delete: 0,
        insert: " fin".into(),
    })
    .expect("an edit at the end fits");
    doc.checkpoint(2).expect("a checkpoint after an edit");
    let last = doc.checkpoints().into_iter().rev().find(|c| c.time == 2);
    let last = last.expect("the new checkpoint is listed");
    assert_eq!(last.damaged, None);
    let read = doc.text_at(&Moment::Checkpoint(last.id)).expect("reads");
    assert_eq!(read.text, format!("{body} fin"));
});

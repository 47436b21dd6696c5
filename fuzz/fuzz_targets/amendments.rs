//! A co-holder of the amend link writes what they like into the
//! amendment room's records: up to 8 lines (split by
//! [`cahier_fuzz::SEPARATOR`]), each either raw bytes or, when it starts
//! with 0, a real record of the member's (an amendment filed on the text)
//! cut and changed at a place the bytes choose. Appended, deleted in part
//! and cut into, as a Yrs document would write them: whatever the bytes,
//! no panic, the member's own amendment is still read with its wording,
//! and the rows build over the text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use model::amendments::{Book, Draft, Identity, Overview, Proposal};
use model::edit::Edit;
use model::Document;
use yrs::{GetString, Text, Transact};

const ROOM: [u8; 16] = [7; 16];

/// The character boundary at or before byte `at` of `text`: where a Yrs
/// peer (this document counts in bytes) can put its cursor. Inside a
/// character, Yrs' own `insert` panics: that is the harness's mistake,
/// not what a peer's update can do.
fn boundary(text: &str, at: u32) -> u32 {
    let mut at = (at as usize).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at as u32
}

fuzz_target!(|data: &[u8]| {
    let text = Document::new(1);
    let _ = text.edit_body(&Edit {
        start: 0,
        delete: 0,
        insert: "La section demande la gratuité des transports.\n".into(),
    });
    let room = Document::new(2);
    let mut book = Book::new(ROOM);
    let awa = Identity::from_seed([1; 32]);
    let draft = Draft {
        start: 19,
        end: 30,
        proposal: Proposal::Replace("la baisse".into()),
        rationale: String::new(),
        parent: None,
    };
    let Ok((id, line)) = book.file(&awa, &text, &draft, "Awa", 1, [3; 12]) else {
        return;
    };
    let update = room.append_record(&line);
    // The hostile co-holder's copy.
    let mallory = yrs::Doc::with_client_id(66);
    {
        let mut txn = mallory.transact_mut();
        if let Ok(update) = yrs::updates::decoder::Decode::decode_v1(&update) {
            let _ = txn.apply_update(update);
        }
    }
    let records = mallory.get_or_insert_text(model::schema::RECORDS);
    for part in cahier_fuzz::split(data).into_iter().take(8) {
        let mut txn = mallory.transact_mut();
        let len = records.len(&txn);
        match part {
            [0, at, cut, rest @ ..] => {
                let mut forged = line.clone().into_bytes();
                let at = usize::from(*at) % forged.len().max(1);
                forged.truncate(at + usize::from(*cut));
                forged.extend_from_slice(rest);
                let forged = String::from_utf8_lossy(&forged).into_owned();
                records.insert(&mut txn, len, &format!("{forged}\n"));
            }
            [1, at, n, ..] => {
                let now = records.get_string(&txn);
                let at = boundary(&now, u32::from(*at) % len.max(1));
                let end = boundary(&now, at + u32::from(*n).min(len - at));
                records.remove_range(&mut txn, at, end - at);
            }
            [2, at, rest @ ..] => {
                let now = records.get_string(&txn);
                let at = boundary(&now, u32::from(*at) % len.max(1));
                records.insert(&mut txn, at, &String::from_utf8_lossy(rest));
            }
            bytes => {
                records.insert(&mut txn, len, &String::from_utf8_lossy(bytes));
            }
        }
    }
    let state = {
        let txn = mallory.transact();
        yrs::ReadTxn::encode_state_as_update_v1(&txn, &yrs::StateVector::default())
    };
    let _ = room.apply_remote(&state);
    book.refresh(&room);
    let mut fresh = Book::new(ROOM);
    fresh.refresh(&room);
    for book in [&book, &fresh] {
        let overview = Overview::build(book, &text.decisions(), &text, None);
        let row = overview.row(&id).expect("the member's amendment is still read");
        assert_eq!(row.passage, "la gratuité");
        if !row.altered {
            assert_eq!(row.proposal, Proposal::Replace("la baisse".into()));
        }
    }
});

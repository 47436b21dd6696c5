//! A co-editor writes what they like into the text room's `meetings`
//! array: after an honest meeting is opened, up to 16 entries built from
//! the bytes (maps whose keys are the meeting keys and whose values are
//! strings, numbers of every kind, booleans, lists and maps, nested), as a
//! Yrs document would write them. Whatever the bytes: no panic, the
//! honest meeting is still read with its name and base (it came first),
//! and every reading of a meeting (remaining, next, previous, minutes,
//! the review) returns.

#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use model::amendments::{Book, Overview};
use model::edit::Edit;
use model::meeting::{self, review};
use model::schema::meeting as key;
use model::Document;
use yrs::{Any, Array, Transact};

const KEYS: [&str; 12] = [
    key::KIND,
    key::MEETING,
    key::NAME,
    key::DATE,
    key::BASE,
    key::AGENDA,
    key::LINES,
    key::AMENDMENT,
    key::RESULT,
    key::MINUTES,
    key::TIME,
    key::WHO,
];

const WORDS: [&str; 8] = ["open", "agenda", "current", "close", "", "x", "m", "é🗳"];

/// A value from the bytes, at most `depth` levels deep.
fn value(bytes: &mut impl Iterator<Item = u8>, depth: u8, honest: &str) -> Any {
    let Some(tag) = bytes.next() else {
        return Any::Null;
    };
    let n = bytes.next().unwrap_or(0);
    match tag % 10 {
        0 => Any::from(WORDS[usize::from(n) % WORDS.len()]),
        1 => Any::from(honest),
        2 => Any::from(i64::from(n as i8) * 1_000_000_007),
        3 => Any::from([f64::NAN, f64::INFINITY, -1.5, 1e300][usize::from(n) % 4]),
        4 => Any::Bool(n % 2 == 0),
        5 if depth > 0 => {
            let items: Vec<Any> = (0..n % 6).map(|_| value(bytes, depth - 1, honest)).collect();
            Any::from(items)
        }
        6 if depth > 0 => Any::from(map(bytes, depth - 1, honest, n % 6)),
        7 => Any::from(i64::MAX - i64::from(n)),
        8 => Any::Null,
        _ => Any::from(format!("{n}")),
    }
}

fn map(
    bytes: &mut impl Iterator<Item = u8>,
    depth: u8,
    honest: &str,
    len: u8,
) -> HashMap<String, Any> {
    (0..len)
        .filter_map(|_| {
            let k = bytes.next()?;
            Some((
                KEYS[usize::from(k) % KEYS.len()].to_owned(),
                value(bytes, depth, honest),
            ))
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let text = Document::new(1);
    let _ = text.edit_body(&Edit {
        start: 0,
        delete: 0,
        insert: "La section demande la gratuité des transports.\n".into(),
    });
    let overview = Overview::build(&Book::new([7; 16]), &text.decisions(), &text, None);
    let opened = text.start_meeting("Séance", "2026-12-12", "Base", &[], &overview, "Chair", 10);
    let base = text.open_meeting().map(|m| m.base).unwrap_or_default();
    // The hostile co-editor's entries, in its own copy, merged.
    let mut bytes = data.iter().copied();
    let hostile = yrs::Doc::with_client_id(67);
    {
        let mut txn = hostile.transact_mut();
        if let Ok(update) = yrs::updates::decoder::Decode::decode_v1(&text.encode_state()) {
            let _ = txn.apply_update(update);
        }
    }
    let meetings = hostile.get_or_insert_array(model::schema::MEETINGS);
    for _ in 0..16 {
        let Some(len) = bytes.next() else {
            break;
        };
        let mut txn = hostile.transact_mut();
        let entry = if len % 7 == 0 {
            value(&mut bytes, 3, &opened.id)
        } else {
            Any::from(map(&mut bytes, 3, &opened.id, len % 9))
        };
        meetings.push_back(&mut txn, entry);
    }
    let update = {
        let txn = hostile.transact();
        yrs::ReadTxn::encode_state_as_update_v1(&txn, &yrs::StateVector::default())
    };
    let _ = text.apply_remote(&update);
    let read = text.meetings();
    let honest = read
        .iter()
        .find(|m| m.id == opened.id)
        .expect("the honest meeting is still read");
    assert_eq!(honest.name, "Séance");
    assert_eq!(honest.base, base);
    let decisions = text.decisions();
    for m in &read {
        let _ = m.remaining(&overview).count();
        let _ = m.next_open(&overview, m.current.as_deref());
        let _ = m.previous(m.current.as_deref());
        let _ = m.following(m.current.as_deref());
        let _ = m.minutes(&overview, &decisions);
        let _ = meeting::minutes(m, &overview, &decisions);
        let _ = review::review(&text, m, review::Since::Result, &overview, &decisions);
        let _ = review::review(&text, m, review::Since::Base, &overview, &decisions);
    }
});

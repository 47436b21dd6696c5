//! A co-editor writes what they like into an argument map: placements in
//! the `moves` array (claims, parents and orders drawn from the honest
//! ids, made-up ones and junk, values of every kind) and claims in the
//! `claims` map (nested maps with the claim keys, or plain values: a
//! duplicate mark pointing anywhere, a deletion flag, tags and sources of
//! the wrong shape), as a Yrs document would write them, merged into an
//! honest map. Whatever the bytes: no panic; the tree shows every visible
//! claim exactly once, at the depth its ancestors say, from the top; a
//! copy that merged the same updates in the other order shows the same
//! tree once the two have exchanged what they hold; and every reading (roles, sides, filter, ranking, the sheet)
//! returns.

#![no_main]

use std::collections::{HashMap, HashSet};

use libfuzzer_sys::fuzz_target;
use model::arguments::rank::Standings;
use model::arguments::sheet::{self, Choice, Subject};
use model::arguments::{ArgMap, ClaimEdit, Stance};
use model::schema::{claim as ck, placement as pk};
use model::Document;
use yrs::{Any, Array, Map, MapPrelim, MapRef, ReadTxn, Transact};

const KEYS: [&str; 11] = [
    ck::TEXT,
    ck::NOTE,
    ck::KIND,
    ck::STANCE,
    ck::TAGS,
    ck::SOURCES,
    ck::DUPLICATE_OF,
    ck::DELETED,
    ck::NAME,
    ck::CREATED,
    ck::EDITED,
];

const WORDS: [&str; 10] = ["pro", "con", "question", "thesis", "", "x", "a", "zz", "0", "é🗳"];

fn word(ids: &[String], n: u8) -> String {
    let all = ids.len() + WORDS.len();
    let i = usize::from(n) % all;
    if i < ids.len() {
        ids[i].clone()
    } else {
        WORDS[i - ids.len()].to_owned()
    }
}

fn value(bytes: &mut impl Iterator<Item = u8>, depth: u8, ids: &[String]) -> Any {
    let Some(tag) = bytes.next() else {
        return Any::Null;
    };
    let n = bytes.next().unwrap_or(0);
    match tag % 9 {
        0 | 1 => Any::from(word(ids, n)),
        2 => Any::from(i64::from(n as i8) * 1_000_000_007),
        3 => Any::from([f64::NAN, f64::INFINITY, -1.5, 1e300][usize::from(n) % 4]),
        4 => Any::Bool(n % 2 == 0),
        5 if depth > 0 => {
            let items: Vec<Any> = (0..n % 5).map(|_| value(bytes, depth - 1, ids)).collect();
            Any::from(items)
        }
        6 if depth > 0 => {
            let fields: HashMap<String, Any> = (0..n % 5)
                .map(|i| (WORDS[usize::from(i) % WORDS.len()].to_owned(), value(bytes, depth - 1, ids)))
                .collect();
            Any::from(fields)
        }
        7 => Any::Null,
        _ => Any::from(format!("{n}")),
    }
}

fn assert_tree(map: &ArgMap) {
    let walked = map.walk();
    assert_eq!(walked.len(), map.len());
    let mut seen = HashSet::new();
    for (id, depth) in &walked {
        assert!(seen.insert(id.to_string()), "shown twice");
        assert_eq!(map.depth(id), *depth);
    }
}

fn shape(map: &ArgMap) -> Vec<(String, Option<String>)> {
    map.walk()
        .into_iter()
        .map(|(id, _)| (id.to_owned(), map.parent(id).map(str::to_owned)))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let honest = Document::new(1);
    let edit = |text: &str, stance| ClaimEdit {
        text: Some(text.into()),
        stance: Some(stance),
        ..ClaimEdit::default()
    };
    let mut ids = Vec::new();
    let Ok((q, _)) = honest.add_claim(None, None, &edit("Faut-il ?", Stance::Pro), "L", 1) else {
        return;
    };
    ids.push(q.clone());
    for (i, text) in ["Oui.", "Non.", "Parce que."].iter().enumerate() {
        let parent = ids[i / 2].clone();
        if let Ok((id, _)) = honest.add_claim(Some(&parent), None, &edit(text, Stance::Con), "L", 2) {
            ids.push(id);
        }
    }
    let hostile = yrs::Doc::with_client_id(67);
    {
        let mut txn = hostile.transact_mut();
        if let Ok(update) = yrs::updates::decoder::Decode::decode_v1(&honest.encode_state()) {
            let _ = txn.apply_update(update);
        }
    }
    let moves = hostile.get_or_insert_array(model::schema::MOVES);
    let claims = hostile.get_or_insert_map(model::schema::CLAIMS);
    let mut bytes = data.iter().copied();
    let mut updates = Vec::new();
    for _ in 0..24 {
        let Some(op) = bytes.next() else {
            break;
        };
        let before = hostile.transact().state_vector();
        {
            let mut txn = hostile.transact_mut();
            match op % 4 {
                0 | 1 => {
                    let fields: HashMap<String, Any> = [
                        (pk::CLAIM, value(&mut bytes, 1, &ids)),
                        (pk::PARENT, value(&mut bytes, 1, &ids)),
                        (pk::ORDER, value(&mut bytes, 1, &ids)),
                    ]
                    .into_iter()
                    .filter(|_| bytes.next().is_none_or(|b| b % 5 != 0))
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect();
                    moves.push_back(&mut txn, Any::from(fields));
                }
                2 => {
                    // A field of a claim's map, honest or new.
                    let id = word(&ids, bytes.next().unwrap_or(0));
                    let node: Option<MapRef> = match claims.get(&txn, &id) {
                        Some(yrs::Out::YMap(node)) => Some(node),
                        _ if op % 8 == 2 => Some(claims.insert(&mut txn, id.as_str(), MapPrelim::default())),
                        _ => None,
                    };
                    if let Some(node) = node {
                        let k = KEYS[usize::from(bytes.next().unwrap_or(0)) % KEYS.len()];
                        node.insert(&mut txn, k, value(&mut bytes, 2, &ids));
                    }
                }
                _ => {
                    let id = word(&ids, bytes.next().unwrap_or(0));
                    claims.insert(&mut txn, id.as_str(), value(&mut bytes, 2, &ids));
                }
            }
        }
        let txn = hostile.transact();
        updates.push(txn.encode_state_as_update_v1(&before));
    }
    // One copy takes the updates in order, the other in reverse.
    let forward = Document::new(2);
    let backward = Document::new(3);
    let _ = forward.apply_remote(&honest.encode_state());
    let _ = backward.apply_remote(&honest.encode_state());
    for update in &updates {
        let _ = forward.apply_remote(update);
    }
    for update in updates.iter().rev() {
        let _ = backward.apply_remote(update);
    }
    assert_tree(&backward.arguments());
    // Then each takes what the other has: the same tree.
    let _ = forward.apply_remote(&backward.encode_state());
    let _ = backward.apply_remote(&forward.encode_state());
    let map = forward.arguments();
    assert_tree(&map);
    let other = backward.arguments();
    assert_tree(&other);
    if forward.encode_state() == backward.encode_state() {
        assert_eq!(shape(&map), shape(&other), "the same updates, the same tree");
    }
    let standings = Standings::new();
    for (id, _) in map.walk() {
        let _ = map.role(id);
        let _ = map.side(id);
        let _ = map.pros_and_cons(id);
        let _ = sheet::select(&map, &standings, &Subject::Claim(id.to_owned()), &Choice::default());
    }
    for tag in map.tags().keys() {
        let _ = sheet::select(&map, &standings, &Subject::Tag(tag.clone()), &Choice::default());
    }
    let _ = map.filter("a", None);
});

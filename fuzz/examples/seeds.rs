//! Writes the seed corpora of the fuzz targets into `corpus/<target>/`:
//! real frames, real sealed envelopes, real updates of every kind Yrs
//! writes, and a few hostile ones. Run from `fuzz/` with
//! `cargo run --example seeds` (no instrumentation needed); the corpora it
//! writes are committed, so this is only needed when the formats change.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use cahier_fuzz::{alice, join, keys, BOB};
use model::edit::Edit;
use model::{Document, Person};
use protocol::envelope::{Context, Kind};
use protocol::keys::RoomId;
use protocol::wire::{ClientMsg, CreateProof, ErrorCode, ServerMsg, SnapshotHead, StoredUpdate};
use yrs::types::Attrs;
use yrs::{
    Any, Array, ArrayPrelim, Doc, Map, MapPrelim, Options, ReadTxn, StateVector, Text, TextPrelim,
    Transact, Xml, XmlElementPrelim, XmlFragment, XmlTextPrelim,
};

fn write(target: &str, seeds: &[Vec<u8>]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    std::fs::create_dir_all(&dir).expect("the corpus directory");
    for (i, seed) in seeds.iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{i:03}")), seed).expect("a seed");
    }
    println!("{target}: {} seeds", seeds.len());
}

fn edit(start: u32, delete: u32, insert: &str) -> Edit {
    Edit {
        start,
        delete,
        insert: insert.to_owned(),
    }
}

/// Updates of every kind of content Yrs writes, from client 9: nested
/// maps, arrays and texts, formatting, embeds, XML, a sub-document, every
/// kind of value, deletions; written by a doc with and without GC.
fn every_kind(skip_gc: bool) -> Vec<Vec<u8>> {
    let doc = Doc::with_options(Options {
        skip_gc,
        ..Options::with_client_id(yrs::ClientID::new(9))
    });
    let body = doc.get_or_insert_text(model::schema::BODY);
    let meta = doc.get_or_insert_map(model::schema::META);
    let list = doc.get_or_insert_array("list");
    let xml = doc.get_or_insert_xml_fragment("xml");
    let bold: Attrs = HashMap::from([(Arc::from("bold"), Any::Bool(true))]);
    let values = Any::from(HashMap::from([
        ("n".to_owned(), Any::Null),
        ("u".to_owned(), Any::Undefined),
        ("b".to_owned(), Any::Bool(true)),
        ("i".to_owned(), Any::from(-42i64)),
        ("big".to_owned(), Any::from(i64::MAX)),
        ("f".to_owned(), Any::from(0.5f64)),
        ("s".to_owned(), Any::from("texte")),
        ("bytes".to_owned(), Any::from(vec![1u8, 2])),
        (
            "deep".to_owned(),
            (0..4).fold(Any::Null, |inner, _| Any::from(vec![inner])),
        ),
    ]));
    let mut updates = Vec::new();
    {
        let mut txn = doc.transact_mut();
        body.insert(&mut txn, 0, "Texte 🗳 en gras");
        body.format(&mut txn, 0, 5, bold.clone());
        body.insert_embed(&mut txn, 2, values.clone());
        meta.insert(&mut txn, "values", values.clone());
        let inner = meta.insert(&mut txn, "inner", MapPrelim::default());
        inner.insert(&mut txn, "list", ArrayPrelim::from([1, 2]));
        inner.insert(&mut txn, "text", TextPrelim::new("imbriqué"));
        meta.insert(&mut txn, "sub", Doc::new());
        list.insert_range(&mut txn, 0, ["a", "b", "c"]);
        list.push_back(&mut txn, ArrayPrelim::from([Any::from("x")]));
        let element = xml.push_back(&mut txn, XmlElementPrelim::empty("p"));
        element.insert_attribute(&mut txn, "class", "c");
        element.push_back(&mut txn, XmlTextPrelim::new("xml"));
        updates.push(txn.encode_update_v1());
    }
    {
        let mut txn = doc.transact_mut();
        body.remove_range(&mut txn, 1, 4);
        body.insert_with_attributes(&mut txn, 0, "!", bold);
        meta.remove(&mut txn, "values");
        list.remove_range(&mut txn, 0, 2);
        updates.push(txn.encode_update_v1());
    }
    updates.push(
        doc.transact()
            .encode_state_as_update_v1(&StateVector::default()),
    );
    updates
}

fn model_seeds() -> Vec<Vec<u8>> {
    let (alice, mut sent) = alice();
    let bob = Document::load(BOB, &alice.encode_state()).expect("loads");
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    // What bob has already (duplicates), then what he has not.
    seeds.extend(sent.iter().cloned());
    let next = [
        alice.edit_body(&edit(0, 0, "Amendement : ")).expect("fits"),
        alice.edit_body(&edit(5, 3, "")).expect("fits"),
        alice.set_title("Nouveau titre"),
    ];
    seeds.extend(next.iter().cloned());
    // A dependent pair in the wrong order: pending, then applied.
    seeds.push(join(&[&next[1], &next[0]]));
    seeds.push(join(&next));
    // A co-author typing concurrently with alice.
    let carol = Document::load(3, &bob.encode_state()).expect("loads");
    let carol_sent = [
        carol.edit_body(&edit(4, 0, "de Carol ")).expect("fits"),
        carol.set_me(&Person {
            name: "Carol".into(),
            colour: "#a4262c".into(),
            identity: None,
        }),
    ];
    seeds.push(join(&carol_sent));
    sent.extend(next);
    seeds.push(model::document::merge_updates(&sent).expect("merge"));
    seeds.push(alice.encode_state());
    for skip_gc in [true, false] {
        let every = every_kind(skip_gc);
        seeds.push(join(&every[..2]));
        seeds.extend(every);
    }
    // Hostile: values nested past the guard's limit.
    let mut deep = vec![1, 1, 66, 0, 0x28, 1, 6];
    deep.extend_from_slice(b"people");
    deep.extend_from_slice(&[1, b'x', 1]);
    deep.extend([117, 1].repeat(model::guard::MAX_DEPTH + 1));
    deep.extend([126, 0]);
    seeds.push(deep);
    seeds
}

fn sealed(kind: Kind, msg_id: [u8; 16], covers_upto: u64, plaintext: &[u8]) -> Vec<u8> {
    let keys = keys();
    let context = match kind {
        Kind::Update => Context::update(keys.room(), msg_id),
        Kind::Snapshot => Context::snapshot(keys.room(), msg_id, covers_upto),
        Kind::Awareness => Context::awareness(
            keys.room(),
            u64::from_be_bytes(msg_id[..8].try_into().expect("8 bytes")),
            u64::from_be_bytes(msg_id[8..].try_into().expect("8 bytes")),
        ),
    };
    let (ciphertext, signature) = keys.seal(&context, plaintext).expect("seals");
    let mut input = vec![kind as u8 - 1];
    input.extend(msg_id);
    input.extend(covers_upto.to_le_bytes());
    if let Some(signature) = signature {
        input.extend(signature);
    }
    input.extend(ciphertext);
    input
}

fn envelope_seeds() -> Vec<Vec<u8>> {
    let (alice, sent) = alice();
    vec![
        sealed(Kind::Update, [1; 16], 0, &sent[1]),
        sealed(Kind::Update, [2; 16], 0, &sent[2]),
        sealed(Kind::Snapshot, [3; 16], 42, &alice.encode_state()),
        sealed(Kind::Awareness, [0; 16], 0, b"\x01presence"),
        sealed(Kind::Update, [4; 16], 0, b""),
    ]
}

fn wire_seeds() -> Vec<Vec<u8>> {
    let (alice, sent) = alice();
    let keys = keys();
    let room = keys.room();
    let seal = |msg_id: [u8; 16], update: &[u8]| {
        let (ciphertext, signature) = keys
            .seal(&Context::update(room, msg_id), update)
            .expect("seals");
        (ciphertext, signature.expect("signed"))
    };
    let (ciphertext, signature) = seal([5; 16], &sent[1]);
    let stored = StoredUpdate {
        seq: 300,
        msg_id: [5; 16],
        ciphertext: ciphertext.clone(),
        signature,
    };
    let (snapshot, snapshot_signature) = keys
        .seal(&Context::snapshot(room, [6; 16], 12), &alice.encode_state())
        .expect("seals");
    let client = [
        ClientMsg::Hello {
            room,
            since_seq: Some(7),
            cap: [2; 32],
            create: Some(CreateProof {
                write_pk: keys.writer().to_bytes(),
                signature: [4; 64],
                token: Some("jeton".into()),
            }),
        },
        ClientMsg::Hello {
            room: RoomId([1; 16]),
            since_seq: None,
            cap: [2; 32],
            create: None,
        },
        ClientMsg::Update {
            msg_id: [5; 16],
            ciphertext,
            signature,
        },
        ClientMsg::Snapshot {
            msg_id: [6; 16],
            covers_upto: 12,
            ciphertext: snapshot.clone(),
            signature: snapshot_signature.expect("signed"),
        },
        ClientMsg::Awareness {
            counter: 3,
            ciphertext: vec![1; 30],
            signature: Some([7; 64]),
        },
    ];
    let server = [
        ServerMsg::Welcome {
            peer: 4,
            head_seq: 10,
            snapshot: Some(SnapshotHead {
                covers_upto: 8,
                msg_id: [6; 16],
                len: snapshot.len() as u64,
                signature: [3; 64],
            }),
            pending: 2,
        },
        ServerMsg::SnapshotChunk(snapshot.clone()),
        ServerMsg::CheckSnapshot {
            head: SnapshotHead {
                covers_upto: 8,
                msg_id: [6; 16],
                len: snapshot.len() as u64,
                signature: [3; 64],
            },
        },
        ServerMsg::CheckChunk(snapshot),
        ServerMsg::Updates(vec![stored.clone(), stored.clone()]),
        ServerMsg::CaughtUp { head_seq: 10 },
        ServerMsg::Ack {
            msg_id: [5; 16],
            seq: 11,
        },
        ServerMsg::Update(stored),
        ServerMsg::SnapshotStored { covers_upto: 8 },
        ServerMsg::Awareness {
            peer: 2,
            counter: 1,
            ciphertext: vec![7; 9],
            signature: None,
        },
        ServerMsg::PeerLeft { peer: 2 },
        ServerMsg::CompactHint { head_seq: 10 },
        ServerMsg::Error {
            code: ErrorCode::BadSignature,
            msg_id: Some([5; 16]),
        },
        ServerMsg::Error {
            code: ErrorCode::Other(999),
            msg_id: None,
        },
    ];
    client
        .iter()
        .map(ClientMsg::encode)
        .chain(server.iter().map(ServerMsg::encode))
        .collect()
}

fn main() {
    write("remote_update", &model_seeds());
    write("envelope", &envelope_seeds());
    write("wire", &wire_seeds());
}

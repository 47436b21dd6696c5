//! The guard against real histories and against the attack it exists
//! for: every update of the editing traces passes it and applies as a
//! co-author's, and a 20 KB update of 10,000 nested arrays, which
//! overflows the stack of a thread of 1 MiB when yrs reads it, is set
//! aside on such a thread with the document going on.

mod common;

use std::process::Command;

use model::edit::Edit;
use model::guard::{self, Reason};
use model::{DocError, DocKind, Document, Refusal};
use yrs::updates::decoder::Decode;
use yrs::{Transact, Update};

/// A signed-size attack: an update writing into `people` a value of
/// `levels` nested arrays (two bytes each) around a null.
fn nested_arrays(levels: usize) -> Vec<u8> {
    let mut update = vec![1, 1, 66, 0, 0x28, 1, 6];
    update.extend_from_slice(b"people");
    update.extend_from_slice(&[1, b'x', 1]);
    update.extend([117, 1].repeat(levels));
    update.extend([126, 0]);
    update
}

/// Run `work` on a thread with a 1 MiB stack, as small as a browser's
/// main thread gives wasm (and half of a tokio worker's).
fn on_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(work)
        .expect("a thread")
        .join()
        .expect("no panic")
}

const CHILD: &str = "CAHIER_GUARD_UNGUARDED_CHILD";

#[test]
fn without_the_guard_yrs_overflows_a_1_mib_stack_on_10000_nested_arrays() {
    let attack = nested_arrays(10_000);
    assert!(attack.len() <= 20_100, "{} bytes", attack.len());
    if std::env::var_os(CHILD).is_some() {
        // In the child: what the app did before the guard. This aborts the
        // process ("has overflowed its stack").
        on_small_stack(move || {
            let doc = yrs::Doc::new();
            let update = Update::decode_v1(&attack);
            if let Ok(update) = update {
                let _ = doc.transact_mut().apply_update(update);
            }
        });
        return;
    }
    // The overflow kills the whole process, so it runs in a child: this
    // test binary, running only this test.
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "without_the_guard_yrs_overflows_a_1_mib_stack_on_10000_nested_arrays",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .output()
        .expect("the child runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the child survived: {stderr}");
    assert!(stderr.contains("has overflowed its stack"), "{stderr}");
}

#[test]
fn the_nesting_attack_is_set_aside_on_a_1_mib_stack_and_the_document_goes_on() {
    on_small_stack(|| {
        let alice = Document::new(1);
        let bob = Document::new(2);
        bob.apply_remote(&alice.init_meta(DocKind::Text, "Motion", 0))
            .expect("applies");
        let typed = alice
            .edit_body(&Edit {
                start: 0,
                delete: 0,
                insert: "Le texte honnête".into(),
            })
            .expect("fits");
        bob.apply_remote(&typed).expect("applies");
        let before = bob.encode_state();

        let err = bob
            .apply_remote(&nested_arrays(10_000))
            .expect_err("refused");
        assert!(
            matches!(
                err,
                DocError::Refused(Refusal {
                    reason: Reason::TooDeep,
                    ..
                })
            ),
            "{err:?}"
        );
        assert_eq!(bob.set_aside(), 1);
        assert_eq!(bob.encode_state(), before, "nothing of it applied");

        let later = alice
            .edit_body(&Edit {
                start: 16,
                delete: 0,
                insert: ", et la suite".into(),
            })
            .expect("fits");
        bob.apply_remote(&later)
            .expect("a later honest update applies");
        assert_eq!(bob.body(), "Le texte honnête, et la suite");
        // A newcomer loading bob's copy gets the text, not the attack.
        let copy = Document::load(3, &bob.encode_state()).expect("loads");
        assert_eq!(copy.body(), bob.body());
        assert!(copy.people().is_empty());
    });
}

/// The first 30,000 patches of each trace, or as many as
/// `CAHIER_TRACE_LIMIT` says (0: the whole trace, a few minutes in a
/// debug build).
#[test]
fn every_update_of_the_editing_traces_passes_the_guard_and_applies() {
    let Some(dir) = common::traces_dir() else {
        eprintln!("skipped: no editing traces beside the repository (CAHIER_TRACES)");
        return;
    };
    for name in ["automerge-paper", "seph-blog1"] {
        let Some((updates, end)) = common::typed(name, common::trace_limit()) else {
            eprintln!("skipped {name}: not in {}", dir.display());
            continue;
        };
        // As a newcomer catching up does (a text delta per update would
        // walk the whole text each time), then live for the last ones.
        let reader = Document::new(2);
        let live = updates.len().saturating_sub(200);
        for (i, update) in updates.iter().enumerate() {
            let applied = if i < live {
                reader.apply_remote_unmapped(update)
            } else {
                reader.apply_remote(update)
            };
            if let Err(err) = applied {
                panic!("{name}: update {i} set aside: {err}");
            }
        }
        assert_eq!(reader.body(), end, "{name}");
        // The whole document, as a snapshot, and merged backlogs.
        let state = reader.encode_state();
        guard::check(&state).expect("the snapshot passes");
        let copy = Document::load(3, &state).expect("loads");
        assert_eq!(copy.body(), end);
        for chunk in updates.chunks(10_000) {
            let merged = model::document::merge_updates(chunk).expect("merge");
            guard::check(&merged).expect("a merged backlog passes");
        }
        eprintln!("{name}: {} updates and the snapshot pass", updates.len());
    }
}

/// A v1 update by client 3 inserting `text` with the given origins.
fn with_origins(origin: (u8, u8), right_origin: (u8, u8), text: &str) -> Vec<u8> {
    let mut update = vec![
        1,
        1,
        3,
        0,
        0xc4,
        origin.0,
        origin.1,
        right_origin.0,
        right_origin.1,
    ];
    update.push(text.len() as u8);
    update.extend_from_slice(text.as_bytes());
    update.push(0);
    update
}

/// Found by fuzzing (`fuzz/`, target `remote_update`): an item whose left
/// and right origins are one id is placed by Yrs in one spot when it
/// arrives and in another when the saved copy is loaded, so a page showed
/// one text and, after a reload, another. Refused.
#[test]
fn an_item_whose_two_origins_are_one_id_is_refused() {
    let alice = Document::new(1);
    let typed = alice
        .edit_body(&Edit {
            start: 0,
            delete: 0,
            insert: "# Titre\n\nLa motion est adoptée.".into(),
        })
        .expect("fits");
    let crafted = with_origins((1, 4), (1, 4), "de Carol ");

    // Without the guard, on a bare Yrs doc.
    let bare = yrs::Doc::with_client_id(2);
    let text = bare.get_or_insert_text(model::schema::BODY);
    for update in [&typed, &crafted] {
        let update = Update::decode_v1(update).expect("well formed");
        bare.transact_mut().apply_update(update).expect("applies");
    }
    let live = yrs::GetString::get_string(&text, &bare.transact());
    let saved = yrs::ReadTxn::encode_state_as_update_v1(&bare.transact(), &Default::default());
    let copy = yrs::Doc::with_client_id(3);
    let update = Update::decode_v1(&saved).expect("well formed");
    copy.transact_mut().apply_update(update).expect("applies");
    let reloaded = yrs::GetString::get_string(
        &copy.get_or_insert_text(model::schema::BODY),
        &copy.transact(),
    );
    assert_ne!(live, reloaded, "live and reloaded copies differ");

    let bob = Document::new(2);
    bob.apply_remote(&typed).expect("applies");
    let err = bob.apply_remote(&crafted).expect_err("refused");
    assert!(
        matches!(
            err,
            DocError::Refused(Refusal {
                reason: Reason::SameOrigins((1, 4)),
                ..
            })
        ),
        "{err:?}"
    );
}

/// The document the fuzz target `remote_update` applies its inputs to
/// (`fuzz/src/lib.rs`, `bob`): Alice's text after a few edits, loaded by
/// Bob (client 2).
fn fuzzed_base() -> Document {
    let alice = Document::new(1);
    alice.init_meta(DocKind::Text, "Motion", 1_700_000_000_000);
    for (start, delete, insert) in [
        (0, 0, "La motion est adoptée."),
        (3, 0, "première "),
        (13, 7, "proposée 🗳"),
        (0, 0, "# Titre\n\n"),
    ] {
        alice
            .edit_body(&Edit {
                start,
                delete,
                insert: insert.into(),
            })
            .expect("fits");
    }
    alice.set_me(&model::Person {
        name: "Alice".into(),
        colour: "#1d4e89".into(),
        identity: None,
    });
    alice.set_title("Motion d'orientation");
    Document::load(2, &alice.encode_state()).expect("loads")
}

/// The updates of one fuzz input (split by 🗳, at most four), as the
/// target splits them.
fn fuzzed_updates(input: &[u8]) -> Vec<&[u8]> {
    let separator = "🗳".as_bytes();
    let mut parts = Vec::new();
    let mut rest = input;
    while parts.len() < 3 {
        match rest.windows(separator.len()).position(|w| w == separator) {
            Some(at) => {
                parts.push(&rest[..at]);
                rest = &rest[at + separator.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    parts
}

/// Apply a fuzz input as the target does; the live text, the text a copy
/// loaded from the saved state reads, and what each update gave.
fn replay(input: &[u8]) -> (String, String, Vec<Result<(), Reason>>) {
    let doc = fuzzed_base();
    let results = fuzzed_updates(input)
        .into_iter()
        .map(|update| match doc.apply_remote(update) {
            Ok(_) => Ok(()),
            Err(DocError::Refused(refusal)) => Err(refusal.reason),
            Err(other) => panic!("not refused by the guard: {other}"),
        })
        .collect();
    let copy = Document::load(3, &doc.encode_state()).expect("the saved copy loads");
    (doc.body(), copy.body(), results)
}

/// Found by fuzzing (`fuzz/`, target `remote_update`, crash-52a74bf8): an
/// item whose right origin, `(1, 49)`, lies to the left of its left
/// origin, `(1, 53)`, in the text. Yrs placed it where its conflict
/// resolution ran out: "# Titre\n\nde Carol La première…" live, "# Tide
/// Carol tre\n\nLa première…" in a copy loaded from the saved state, so a
/// page showed one text and, reloaded, another. Refused, the document the
/// same live and reloaded.
#[test]
fn an_item_whose_right_origin_is_left_of_its_left_origin_is_refused() {
    let input = include_bytes!("fuzzed/contradicting-origins");
    let updates = fuzzed_updates(input);

    // Without the check, on a bare Yrs doc holding the same text.
    let bare = yrs::Doc::with_client_id(2);
    let base = Update::decode_v1(&fuzzed_base().encode_state()).expect("well formed");
    bare.transact_mut().apply_update(base).expect("applies");
    let crafted = Update::decode_v1(updates[0]).expect("well formed");
    bare.transact_mut().apply_update(crafted).expect("applies");
    let text = bare.get_or_insert_text(model::schema::BODY);
    let live = yrs::GetString::get_string(&text, &bare.transact());
    let saved = yrs::ReadTxn::encode_state_as_update_v1(&bare.transact(), &Default::default());
    let copy = Document::load(3, &saved).expect("the guard passes the state");
    assert_ne!(live, copy.body(), "live and reloaded copies differ");

    let (live, reloaded, results) = replay(input);
    assert_eq!(
        results[0],
        Err(Reason::OriginsOutOfOrder {
            origin: (1, 53),
            right_origin: (1, 49)
        })
    );
    assert_eq!(live, reloaded);
    assert!(!live.contains("Carol"), "{live}");
}

/// Found by fuzzing (crash-9a58a40d): the same shape, an item whose two
/// origins are one id (`(1, 49)`), then an entry in `people`. Refused by
/// the guard from the bytes alone; what follows it applies.
#[test]
fn a_fuzzed_item_whose_origins_are_one_id_is_refused_and_the_rest_applies() {
    let (live, reloaded, results) = replay(include_bytes!("fuzzed/same-origins"));
    assert_eq!(results[0], Err(Reason::SameOrigins((1, 49))));
    assert_eq!(live, reloaded);
    assert!(!live.contains("Carol"), "{live}");
}

/// yrs keeps the 53 low bits of a client id (and a debug build panics on
/// more): an update by client `2^53 + 1` would be written as client 1's.
#[test]
fn a_client_id_past_53_bits_is_refused() {
    let alice = Document::new(1);
    let honest = alice
        .edit_body(&Edit {
            start: 0,
            delete: 0,
            insert: "texte".into(),
        })
        .expect("fits");
    // `1, 1, 1, 0, …`: one client, one struct, client 1, clock 0. The
    // same update from client 2^53 + 1 (an eight-byte varint).
    assert_eq!(&honest[..3], &[1, 1, 1]);
    let mut forged = vec![1, 1];
    let mut client = (1u64 << 53) + 1;
    while client >= 0x80 {
        forged.push((client as u8) | 0x80);
        client >>= 7;
    }
    forged.push(client as u8);
    forged.extend_from_slice(&honest[3..]);
    let bob = Document::new(2);
    let err = bob.apply_remote(&forged).expect_err("refused");
    assert!(
        matches!(
            err,
            DocError::Refused(Refusal {
                reason: Reason::ClientTooLarge(_),
                ..
            })
        ),
        "{err:?}"
    );
    bob.apply_remote(&honest).expect("the honest one applies");
    assert_eq!(bob.body(), "texte");
}

/// The order check must not refuse what honest co-authors write around
/// deleted, undone and redone text, where Yrs's positions are those of
/// visible text: insertions next to a deleted word, inside a run put back
/// by undo, and a concurrent one at the same place, all apply and the
/// copies agree, live and reloaded.
#[test]
fn honest_insertions_around_deleted_and_undone_text_pass_the_order_check() {
    let mut alice = Document::new(1);
    let now = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(1_000));
    let read = now.clone();
    alice.enable_undo(std::sync::Arc::new(move || {
        read.load(std::sync::atomic::Ordering::SeqCst)
    }));
    let bob = Document::new(2);
    let carol = Document::new(3);
    let edit = |start, delete, insert: &str| Edit {
        start,
        delete,
        insert: insert.into(),
    };
    let to_all = |from: &Document, update: Vec<u8>, docs: &[&Document]| {
        for doc in docs {
            if doc.client_id() != from.client_id() {
                doc.apply_remote(&update)
                    .unwrap_or_else(|err| panic!("{} refused it: {err}", doc.client_id()));
            }
        }
    };
    let step = |now: &std::sync::atomic::AtomicU64| {
        now.fetch_add(10_000, std::sync::atomic::Ordering::SeqCst);
    };
    let u = alice
        .edit_body(&edit(0, 0, "La motion urgente est adoptée."))
        .expect("fits");
    to_all(&alice, u, &[&bob, &carol]);
    step(&now);
    // Alice deletes "urgente "; Bob, not knowing it, types inside it.
    let deleted = alice.edit_body(&edit(10, 8, "")).expect("fits");
    let inside = bob.edit_body(&edit(13, 0, "-très-")).expect("fits");
    to_all(&alice, deleted.clone(), &[&bob, &carol]);
    to_all(&bob, inside.clone(), &[&alice, &carol]);
    // Carol types where the word was, after it is gone.
    let after = carol.edit_body(&edit(10, 0, "vite ")).expect("fits");
    to_all(&carol, after, &[&alice, &bob]);
    step(&now);
    // Alice puts the word back, and deletes it again.
    let undone = alice.undo().expect("something to undo");
    to_all(&alice, undone, &[&bob, &carol]);
    let redone = alice.redo().expect("something to redo");
    let beside = bob.edit_body(&edit(11, 0, "x")).expect("fits");
    to_all(&alice, redone, &[&bob, &carol]);
    to_all(&bob, beside, &[&alice, &carol]);
    let undone = alice.undo().expect("something to undo");
    let end = carol.body_len();
    let tail = carol.edit_body(&edit(end - 1, 0, " enfin")).expect("fits");
    to_all(&alice, undone, &[&bob, &carol]);
    to_all(&carol, tail, &[&alice, &bob]);
    for doc in [&alice, &bob, &carol] {
        assert_eq!(doc.set_aside(), 0);
        assert_eq!(doc.body(), alice.body());
        let copy = Document::load(4, &doc.encode_state()).expect("loads");
        assert_eq!(copy.body(), alice.body());
    }
}

/// Found by fuzzing (crash-fe03f357): client 1 writes at clock 65 while
/// the document has its clocks up to 56 (Yrs applies it, leaving a hole),
/// then at clock 58, inside the hole, an item whose origin no one has.
/// Live, Yrs kept that one pending and showed the text at 65; a copy
/// loading the saved state stopped client 1 at the pending one and lost
/// "Amendeient : ". Writing into a hole is refused (and so is needing an
/// id no one has), the document the same live and reloaded.
#[test]
fn an_update_writing_into_a_hole_an_earlier_one_left_is_refused() {
    let (live, reloaded, results) = replay(include_bytes!("fuzzed/into-a-hole"));
    assert_eq!(results[0], Ok(()), "past the end, with a hole: applies");
    assert!(matches!(results[1], Err(Reason::CountTooLarge { .. })));
    assert_eq!(
        results[2],
        Err(Reason::IntoAHole {
            client: 1,
            clock: 58
        })
    );
    assert_eq!(live, reloaded);
    assert!(live.starts_with("Amendeient : "), "{live}");
}

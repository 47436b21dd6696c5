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

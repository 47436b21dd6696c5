//! The history on small documents: checkpoints, moments, comparisons with
//! who changed what, restore and undo, named versions, damaged entries,
//! and two offline timelines merged.

use std::sync::Arc;

use yrs::{Any, Array, Number, Transact};

use super::*;
use crate::edit::Edit;
use crate::DocKind;

fn typed(doc: &Document, start: u32, delete: u32, insert: &str) -> Vec<u8> {
    doc.edit_body(&Edit {
        start,
        delete,
        insert: insert.to_owned(),
    })
    .expect("the edit fits")
}

/// Two copies that exchange everything.
fn sync(a: &Document, b: &Document) {
    b.apply_remote(&a.encode_state()).expect("a to b");
    a.apply_remote(&b.encode_state()).expect("b to a");
}

fn at(id: &str) -> Moment {
    Moment::Checkpoint(id.to_owned())
}

#[test]
fn a_checkpoint_keeps_the_text_as_it_stood() {
    let doc = Document::new(1);
    doc.init_meta(DocKind::Text, "t", 0);
    typed(&doc, 0, 0, "Le chat dort.");
    doc.checkpoint(1_000).expect("a first checkpoint");
    typed(&doc, 3, 4, "chien");
    doc.checkpoint(2_000).expect("a second checkpoint");
    typed(&doc, 0, 0, "Ici, ");
    let list = doc.checkpoints();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].time, 1_000);
    assert_eq!((list[0].added, list[0].removed), (3, 0));
    assert_eq!((list[1].added, list[1].removed), (1, 1));
    assert_eq!(list[1].editors, vec![1]);
    assert!(list.iter().all(|c| c.damaged.is_none() && c.client == 1));
    assert_eq!(doc.text_at(&at(&list[0].id)).unwrap().text, "Le chat dort.");
    assert_eq!(
        doc.text_at(&at(&list[1].id)).unwrap().text,
        "Le chien dort."
    );
    assert_eq!(
        doc.text_at(&Moment::Now).unwrap().text,
        "Ici, Le chien dort."
    );
    // Typed and deleted again since the last: nothing to record.
    typed(&doc, 0, 5, "");
    assert_eq!(doc.checkpoint(3_000), None);
    typed(&doc, 0, 3, "");
    doc.checkpoint(4_000).expect("a deletion is a change");
    assert_eq!(doc.checkpoint(5_000), None);
    let list = doc.checkpoints();
    assert_eq!(list.len(), 3);
    assert_eq!((list[2].added, list[2].removed), (0, 1));
}

#[test]
fn a_moment_is_attributed_to_its_writers() {
    let (a, b) = (Document::new(1), Document::new(2));
    typed(&a, 0, 0, "abc ");
    sync(&a, &b);
    typed(&b, 4, 0, "def");
    sync(&a, &b);
    let id = a.checkpoints().len();
    assert_eq!(id, 0);
    a.checkpoint(10).expect("made");
    typed(&a, 0, 4, "");
    let first = &a.checkpoints()[0].id;
    let text = a.text_at(&at(first)).unwrap();
    assert_eq!(text.text, "abc def");
    assert_eq!(
        text.runs,
        vec![Run { client: 1, len: 4 }, Run { client: 2, len: 3 }]
    );
}

#[test]
fn a_comparison_names_who_inserted_and_who_deleted_every_word() {
    let (a, b) = (Document::new(1), Document::new(2));
    typed(&a, 0, 0, "un deux trois quatre cinq");
    sync(&a, &b);
    a.checkpoint(100).expect("made");
    sync(&a, &b);
    let start = a.checkpoints()[0].id.clone();
    // Concurrently: Anne deletes "deux " and adds "six" at the end; Bruno
    // deletes "quatre " and adds "zéro " at the start.
    typed(&a, 3, 5, "");
    typed(&a, 20, 0, " six");
    typed(&b, 14, 7, "");
    typed(&b, 0, 0, "zéro ");
    a.checkpoint(200).expect("Anne's");
    b.checkpoint(201).expect("Bruno's");
    sync(&a, &b);
    for doc in [&a, &b] {
        let comparison = doc.compare(&at(&start), &Moment::Now).unwrap();
        assert_eq!(comparison.new_text(), "zéro un trois cinq six");
        assert_eq!(comparison.old_text(), "un deux trois quatre cinq");
        let changes: Vec<(Change, String, Option<u64>)> = comparison
            .pieces
            .iter()
            .filter(|piece| piece.change != Change::Same)
            .map(|piece| (piece.change, piece.text.trim().to_owned(), piece.who))
            .collect();
        assert_eq!(
            changes,
            vec![
                (Change::Added, "zéro".to_owned(), Some(2)),
                (Change::Removed, "deux".to_owned(), Some(1)),
                (Change::Removed, "quatre".to_owned(), Some(2)),
                (Change::Added, "six".to_owned(), Some(1)),
            ]
        );
        let tally = |who| {
            comparison
                .tallies
                .iter()
                .find(|tally| tally.who == Some(who))
                .cloned()
                .unwrap()
        };
        assert_eq!((tally(1).added, tally(1).removed), (1, 1));
        assert_eq!((tally(2).added, tally(2).removed), (1, 1));
        assert_eq!(comparison.groups, 4);
    }
}

#[test]
fn a_deletion_not_yet_in_a_checkpoint_is_this_browsers_own() {
    let doc = Document::new(1);
    typed(&doc, 0, 0, "garder couper");
    doc.checkpoint(1).unwrap();
    let first = doc.checkpoints()[0].id.clone();
    typed(&doc, 6, 7, "");
    let comparison = doc.compare(&at(&first), &Moment::Now).unwrap();
    let removed: Vec<_> = comparison
        .pieces
        .iter()
        .filter(|piece| piece.change == Change::Removed)
        .map(|piece| (piece.text.as_str(), piece.who))
        .collect();
    assert_eq!(removed, vec![(" couper", Some(1))]);
}

#[test]
fn restore_brings_back_exactly_the_old_text_and_undoes_in_one_step() {
    let clock: crate::document::Clock = Arc::new(|| 0);
    let mut doc = Document::new(1);
    doc.enable_undo(clock);
    typed(&doc, 0, 0, "Premier jet.\n\nDeuxième paragraphe.");
    doc.checkpoint(1).unwrap();
    let first = doc.checkpoints()[0].id.clone();
    typed(&doc, 0, 7, "Second");
    typed(&doc, 12, 0, " Plus");
    typed(&doc, 14, 10, "");
    let before = doc.body();
    let updates = doc.restore(&first, 5).unwrap();
    assert_eq!(updates.len(), 2, "the edit, then the checkpoint");
    assert_eq!(doc.body(), "Premier jet.\n\nDeuxième paragraphe.");
    let last = doc.checkpoints().pop().unwrap();
    assert_eq!(
        last.kind,
        CheckpointKind::Restored {
            from: first.clone()
        }
    );
    // Another copy gets the same text from the updates.
    let other = Document::new(2);
    other.apply_remote(&doc.encode_state()).unwrap();
    assert_eq!(other.body(), doc.body());
    // One undo takes the whole restore back.
    doc.undo().expect("undone");
    assert_eq!(doc.body(), before);
    // Restoring to the text it already has changes nothing.
    doc.redo().expect("redone");
    assert_eq!(doc.restore(&first, 6).unwrap(), Vec::<Vec<u8>>::new());
}

#[test]
fn a_restore_is_written_by_the_person_who_restored() {
    let (mut a, b) = (Document::new(1), Document::new(2));
    typed(&a, 0, 0, "texte de Anne");
    a.checkpoint(1).unwrap();
    sync(&a, &b);
    typed(&b, 0, 13, "tout autre");
    sync(&a, &b);
    let first = a.checkpoints()[0].id.clone();
    a.restore(&first, 2).unwrap();
    let now = a.text_at(&Moment::Now).unwrap();
    assert_eq!(now.text, "texte de Anne");
    assert!(now.runs.iter().all(|run| run.client == 1));
}

#[test]
fn named_versions_now_and_at_a_checkpoint() {
    let doc = Document::new(1);
    typed(&doc, 0, 0, "v1");
    doc.checkpoint(10).unwrap();
    let first = doc.checkpoints()[0].id.clone();
    typed(&doc, 2, 0, " puis v2");
    doc.name_version("Texte soumis au vote du 12 mars", None, 20)
        .unwrap();
    doc.name_version("Premier jet", Some(&first), 30).unwrap();
    let list = doc.checkpoints();
    assert_eq!(list.len(), 3);
    // The version named later sits at the moment it names.
    assert_eq!(list[0].id, first);
    assert_eq!(list[1].name(), Some("Premier jet"));
    assert_eq!(list[1].time, 10);
    assert_eq!(list[2].name(), Some("Texte soumis au vote du 12 mars"));
    assert_eq!(doc.text_at(&at(&list[1].id)).unwrap().text, "v1");
    assert_eq!(doc.text_at(&at(&list[2].id)).unwrap().text, "v1 puis v2");
    // A name for the present is made even with nothing changed.
    doc.name_version("Encore", None, 40).unwrap();
    assert_eq!(doc.checkpoints().len(), 4);
    assert!(matches!(
        doc.name_version("x", Some("nowhere"), 1),
        Err(HistoryError::Unknown(_))
    ));
}

#[test]
fn offline_checkpoints_of_two_people_merge_into_one_timeline() {
    let (a, b) = (Document::new(1), Document::new(2));
    typed(&a, 0, 0, "base ");
    a.checkpoint(1_000).unwrap();
    sync(&a, &b);
    // Both offline: each types and checkpoints, dated when they typed.
    typed(&a, 5, 0, "anne1 ");
    a.checkpoint(2_000).unwrap();
    typed(&b, 5, 0, "bruno1 ");
    b.checkpoint(2_500).unwrap();
    typed(&a, 0, 0, "anne2 ");
    a.checkpoint(3_000).unwrap();
    sync(&a, &b);
    let (list_a, list_b) = (a.checkpoints(), b.checkpoints());
    assert_eq!(list_a, list_b);
    let times: Vec<i64> = list_a.iter().map(|c| c.time).collect();
    assert_eq!(times, vec![1_000, 2_000, 2_500, 3_000]);
    let clients: Vec<u64> = list_a.iter().map(|c| c.client).collect();
    assert_eq!(clients, vec![1, 1, 2, 1]);
    // Each shows what its author had then.
    let texts: Vec<String> = list_a
        .iter()
        .map(|c| a.text_at(&at(&c.id)).unwrap().text)
        .collect();
    assert_eq!(texts[1], "base anne1 ");
    assert_eq!(texts[2], "base bruno1 ");
    assert_eq!(texts[3], "anne2 base anne1 ");
    // A checkpoint after the merge builds on what both had.
    typed(&b, 0, 0, "fin ");
    b.checkpoint(4_000).unwrap();
    sync(&a, &b);
    let last = a.checkpoints().pop().unwrap();
    assert_eq!(a.text_at(&at(&last.id)).unwrap().text, b.body());
}

#[test]
fn history_survives_a_reload_from_the_saved_state() {
    let doc = Document::new(1);
    for (i, word) in ["un ", "deux ", "trois "].iter().enumerate() {
        let end = doc.body_len();
        typed(&doc, end, 0, word);
        doc.checkpoint(i as i64).unwrap();
    }
    typed(&doc, 0, 3, "");
    doc.checkpoint(9).unwrap();
    let loaded = Document::load(7, &doc.encode_state()).unwrap();
    let texts = |doc: &Document| -> Vec<String> {
        doc.checkpoints()
            .iter()
            .map(|c| doc.text_at(&at(&c.id)).unwrap().text)
            .collect()
    };
    assert_eq!(
        texts(&loaded),
        vec!["un ", "un deux ", "un deux trois ", "deux trois "]
    );
    assert_eq!(texts(&loaded), texts(&doc));
    // Who deleted "un " is still known after the reload.
    let first = loaded.checkpoints()[0].id.clone();
    let comparison = loaded.compare(&at(&first), &Moment::Now).unwrap();
    let removed = comparison
        .pieces
        .iter()
        .find(|piece| piece.change == Change::Removed)
        .unwrap();
    assert_eq!(removed.who, Some(1));
}

#[test]
fn what_changed_since_a_visit_is_only_what_came_after() {
    let (a, b) = (Document::new(1), Document::new(2));
    typed(&a, 0, 0, "mon texte");
    sync(&a, &b);
    typed(&a, 9, 0, " à moi");
    let seen = a.seen();
    typed(&b, 0, 0, "Bruno : ");
    sync(&a, &b);
    let comparison = a.compare(&Moment::Seen(seen), &Moment::Now).unwrap();
    let changes: Vec<_> = comparison
        .pieces
        .iter()
        .filter(|piece| piece.change != Change::Same)
        .map(|piece| (piece.text.as_str(), piece.who))
        .collect();
    assert_eq!(changes, vec![("Bruno : ", Some(2))]);
    assert!(matches!(
        a.compare(&Moment::Seen(vec![9, 9]), &Moment::Now),
        Err(HistoryError::Seen(_))
    ));
}

/// Append a raw entry to `versions`, as a hostile co-author could.
fn append(doc: &Document, fields: Vec<(&str, Any)>) {
    let mut txn = doc.doc.transact_mut();
    let map: std::collections::HashMap<String, Any> = fields
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect();
    doc.versions.push_back(&mut txn, Any::from(map));
}

#[test]
fn damaged_entries_are_listed_as_damaged_and_the_rest_still_reads() {
    let doc = Document::new(1);
    typed(&doc, 0, 0, "sain");
    doc.checkpoint(5).unwrap();
    let good = doc.checkpoints()[0].id.clone();
    let int = |n: i64| Any::Number(Number::Int(n));
    let common = |id: &str| {
        vec![
            ("id", Any::from(id)),
            ("kind", Any::from("auto")),
            ("client", int(9)),
            ("time", int(6)),
        ]
    };
    // Not a map.
    {
        let mut txn = doc.doc.transact_mut();
        doc.versions.push_back(&mut txn, Any::from("nonsense"));
    }
    // Bytes that are no snapshot.
    let mut bad_state = common("bad-state");
    bad_state.push(("state", Any::Buffer(vec![1, 255, 255].into())));
    append(&doc, bad_state);
    // A base that is not there; one that builds on a damaged one.
    let ok_state = Any::Buffer(Stored::default().encode().into());
    let mut orphan = common("orphan");
    orphan.push(("state", ok_state.clone()));
    orphan.push(("base", Any::from("missing")));
    append(&doc, orphan);
    let mut grandchild = common("grandchild");
    grandchild.push(("state", ok_state.clone()));
    grandchild.push(("base", Any::from("orphan")));
    append(&doc, grandchild);
    let mut child = common("child");
    child.push(("state", ok_state.clone()));
    child.push(("base", Any::from("bad-state")));
    append(&doc, child);
    // A cycle.
    for (id, base) in [("loop-a", "loop-b"), ("loop-b", "loop-a")] {
        let mut entry = common(id);
        entry.push(("state", ok_state.clone()));
        entry.push(("base", Any::from(base)));
        append(&doc, entry);
    }
    // An id used twice: the good one's.
    let mut twice = common(&good);
    twice.push(("state", ok_state));
    append(&doc, twice);
    let list = doc.checkpoints();
    let damage = |id: &str| {
        list.iter()
            .find(|c| c.id == id)
            .and_then(|c| c.damaged.clone())
    };
    assert_eq!(damage("#1"), Some(Damage::Unreadable));
    assert!(matches!(damage("bad-state"), Some(Damage::State(_))));
    assert_eq!(damage("orphan"), Some(Damage::NoBase));
    assert_eq!(damage("grandchild"), Some(Damage::BaseDamaged));
    assert_eq!(damage("child"), Some(Damage::BaseDamaged));
    assert_eq!(damage("loop-a"), Some(Damage::BaseDamaged));
    assert_eq!(damage("loop-b"), Some(Damage::BaseDamaged));
    assert_eq!(damage(&good), Some(Damage::Twice));
    assert!(matches!(
        doc.text_at(&at("child")),
        Err(HistoryError::Damaged { .. })
    ));
    // Nothing stops: a new checkpoint is made and reads.
    typed(&doc, 4, 0, " encore");
    doc.checkpoint(10).unwrap();
    let last = doc.checkpoints().pop().unwrap();
    assert_eq!(last.damaged, None);
    assert_eq!(doc.text_at(&at(&last.id)).unwrap().text, "sain encore");
}

#[test]
fn a_co_authors_checkpoint_arrives_as_a_versions_change() {
    let (a, b) = (Document::new(1), Document::new(2));
    typed(&a, 0, 0, "x");
    b.apply_remote(&a.encode_state()).unwrap();
    let update = a.checkpoint(1).unwrap();
    let change = b.apply_remote(&update).unwrap();
    assert!(change.versions);
    assert!(change.body.is_empty());
    let change = b.apply_remote(&typed(&a, 1, 0, "y")).unwrap();
    assert!(!change.versions);
}

#[test]
fn deleters_are_found_whatever_order_their_deletions_came_in() {
    let (a, b) = (Document::new(1), Document::new(2));
    let words: Vec<String> = (0..12).map(|i| format!("m{i:02} ")).collect();
    typed(&a, 0, 0, &words.concat());
    a.checkpoint(1).unwrap();
    sync(&a, &b);
    let first = a.checkpoints()[0].id.clone();
    // From the end back to the start, each word deleted by one or the
    // other in turn, each deletion in its own checkpoint.
    for i in (0..12u32).rev() {
        let doc = if i % 2 == 0 { &a } else { &b };
        typed(doc, i * 4, 4, "");
        doc.checkpoint(i64::from(100 - i)).unwrap();
        sync(&a, &b);
    }
    let comparison = a.compare(&at(&first), &Moment::Now).unwrap();
    let removed: Vec<(String, Option<u64>)> = comparison
        .pieces
        .iter()
        .filter(|piece| piece.change == Change::Removed)
        .map(|piece| (piece.text.clone(), piece.who))
        .collect();
    let expected: Vec<(String, Option<u64>)> = words
        .iter()
        .enumerate()
        .map(|(i, word)| (word.clone(), Some(if i % 2 == 0 { 1 } else { 2 })))
        .collect();
    assert_eq!(removed, expected);
}

#[test]
fn a_deletion_nobody_recorded_has_no_deleter_even_next_to_a_recorded_one() {
    let a = Document::new(1);
    typed(&a, 0, 0, "un deux trois");
    a.checkpoint(1).unwrap();
    let first = a.checkpoints()[0].id.clone();
    typed(&a, 0, 3, "");
    a.checkpoint(2).unwrap();
    // Another visit deletes "deux " and is gone before any checkpoint of its
    // own: its deletion reaches Anne with nobody's name on it.
    let b = Document::load(2, &a.encode_state()).unwrap();
    let update = typed(&b, 0, 5, "");
    a.apply_remote(&update).unwrap();
    let comparison = a.compare(&at(&first), &Moment::Now).unwrap();
    let removed: Vec<_> = comparison
        .pieces
        .iter()
        .filter(|piece| piece.change == Change::Removed)
        .map(|piece| (piece.text.as_str(), piece.who))
        .collect();
    assert_eq!(removed, vec![("un ", Some(1)), ("deux ", None)]);
}

#[test]
fn numbers_another_app_wrote_as_floats_read_when_whole() {
    let doc = Document::new(1);
    typed(&doc, 0, 0, "texte");
    let state = Any::Buffer(Stored::default().encode().into());
    let float = |n: f64| Any::Number(Number::Float(n));
    for (id, time) in [
        ("whole", 5.0),
        ("fraction", 5.5),
        ("infinite", f64::INFINITY),
    ] {
        append(
            &doc,
            vec![
                ("id", Any::from(id)),
                ("kind", Any::from("auto")),
                ("client", float(9.0)),
                ("time", float(time)),
                ("added", float(3.0)),
                ("state", state.clone()),
            ],
        );
    }
    let list = doc.checkpoints();
    let find = |id: &str| list.iter().find(|c| c.id == id).unwrap().clone();
    let whole = find("whole");
    assert_eq!((whole.time, whole.client, whole.added), (5, 9, 3));
    assert_eq!(whole.damaged, None);
    assert_eq!(find("fraction").damaged, Some(Damage::Unreadable));
    assert_eq!(find("infinite").damaged, Some(Damage::Unreadable));
}

#[test]
fn a_checkpoint_that_carries_a_co_authors_deletions_names_only_its_own() {
    let (a, b) = (Document::new(1), Document::new(2));
    typed(&a, 0, 0, "un deux trois quatre");
    a.checkpoint(1).unwrap();
    sync(&a, &b);
    let first = a.checkpoints()[0].id.clone();
    // Anne deletes "deux " and makes no checkpoint; Bruno receives it,
    // deletes "quatre" and checkpoints: his checkpoint's deletions since
    // its base hold both, his own only his.
    typed(&a, 3, 5, "");
    sync(&a, &b);
    typed(&b, 9, 6, "");
    b.checkpoint(2).unwrap();
    let comparison = b.compare(&at(&first), &Moment::Now).unwrap();
    let removed: Vec<_> = comparison
        .pieces
        .iter()
        .filter(|piece| piece.change == Change::Removed)
        .map(|piece| (piece.text.as_str(), piece.who))
        .collect();
    assert_eq!(removed, vec![("deux ", None), ("quatre", Some(2))]);
}

#[test]
fn a_restore_in_several_places_puts_each_passage_back_where_it_was() {
    let mut doc = Document::new(1);
    typed(&doc, 0, 0, "a bbb c dddd e");
    doc.checkpoint(1).unwrap();
    let first = doc.checkpoints()[0].id.clone();
    typed(&doc, 8, 5, "");
    typed(&doc, 2, 4, "");
    typed(&doc, 0, 0, "zz ");
    assert_eq!(doc.body(), "zz a c e");
    doc.restore(&first, 2).unwrap();
    assert_eq!(doc.body(), "a bbb c dddd e");
}

#[test]
fn a_moment_written_by_one_person_is_one_run() {
    let doc = Document::new(1);
    typed(&doc, 0, 0, "abc");
    typed(&doc, 0, 0, "x");
    typed(&doc, 4, 0, "y");
    doc.checkpoint(1).unwrap();
    let first = doc.checkpoints()[0].id.clone();
    let text = doc.text_at(&at(&first)).unwrap();
    assert_eq!(text.text, "xabcy");
    assert_eq!(text.runs, vec![Run { client: 1, len: 5 }]);
}

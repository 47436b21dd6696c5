//! The amendments end to end, natively: filing against a text, anchors
//! through concurrent edits, numbering by two keepers offline, adopting,
//! falling, and records that do not check out.

use super::decisions::Decision;
use super::record::{Entry, Revision};
use super::*;
use crate::edit::Edit;
use crate::Document;

use super::fixture::*;

const MOTION: &str =
    "La section demande la gratuité des transports.\n\nElle propose une réunion publique en mai.\n";

#[test]
fn a_filed_amendment_shows_its_passage_lines_and_a_provisional_mark() {
    let body = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let awa = member(1, "Awa");
    let draft = replace(&body, "en mai", "en juin", "Les vacances.");
    let id = file(&room, &mut book, &body, &awa, &draft, 1);
    let overview = Overview::build(
        &book,
        &body.decisions(),
        &body,
        Some(&awa.identity.public()),
    );
    let row = overview.row(&id).expect("listed");
    assert_eq!(row.passage, "en mai");
    assert_eq!(row.proposal, Proposal::Replace("en juin".into()));
    assert_eq!(row.rationale, "Les vacances.");
    assert_eq!(row.number, None, "provisional until registered");
    assert_eq!(row.status, Status::Filed);
    assert_eq!(row.lines, Some((2, 2)));
    assert_eq!(row.filed_lines, (2, 2));
    assert_eq!(row.author_name, "Awa");
    assert!(row.mine && !row.changed() && !row.altered);
    let other = Overview::build(&book, &body.decisions(), &body, None);
    assert!(!other.rows[0].mine);
}

#[test]
fn anchors_follow_their_words_through_concurrent_edits_around_and_inside() {
    let alice = text(MOTION);
    let bob = copy(&alice, 2);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let awa = member(1, "Awa");
    let id = file(
        &room,
        &mut book,
        &alice,
        &awa,
        &replace(&alice, "gratuité", "baisse", ""),
        1,
    );
    // Alice writes before the passage, Bob after it and inside it.
    alice
        .edit_body(&Edit {
            start: 0,
            delete: 0,
            insert: "Préambule. ".into(),
        })
        .expect("fits");
    let end = bob.body_len();
    bob.edit_body(&Edit {
        start: end,
        delete: 0,
        insert: "Fin.".into(),
    })
    .expect("fits");
    sync(&alice, &bob);
    assert_eq!(alice.body(), bob.body());
    for doc in [&alice, &bob] {
        let overview = Overview::build(&book, &doc.decisions(), doc, None);
        let row = overview.row(&id).expect("listed");
        let (start, end) = row.span.expect("resolves");
        assert_eq!(
            book::utf16_slice(&doc.body(), start, end).as_deref(),
            Some("gratuité")
        );
        assert!(!row.changed());
    }
    // Inside the passage: it says it changed, and shows both.
    let (start, _) = at(&bob.body(), "gratuité");
    bob.edit_body(&Edit {
        start: start + 4,
        delete: 0,
        insert: "-totale-".into(),
    })
    .expect("fits");
    let overview = Overview::build(&book, &bob.decisions(), &bob, None);
    let row = overview.row(&id).expect("listed");
    assert_eq!(row.passage, "gratuité");
    assert_eq!(row.current.as_deref(), Some("grat-totale-uité"));
}

#[test]
fn two_keepers_registering_offline_end_with_unique_numbers_that_do_not_move() {
    let keeper_a = text(MOTION);
    let keeper_b = copy(&keeper_a, 2);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let (awa, ben) = (member(1, "Awa"), member(2, "Ben"));
    let first = file(
        &room,
        &mut book,
        &keeper_a,
        &awa,
        &replace(&keeper_a, "en mai", "en juin", ""),
        1,
    );
    keeper_a.register(&first, 1, "A", 10);
    keeper_b
        .apply_remote(&keeper_a.encode_state())
        .expect("applies");
    let x = file(
        &room,
        &mut book,
        &keeper_a,
        &awa,
        &replace(&keeper_a, "gratuité", "baisse", ""),
        2,
    );
    let y = file(
        &room,
        &mut book,
        &keeper_a,
        &ben,
        &replace(&keeper_a, "section", "fédération", ""),
        3,
    );
    // Offline, each registers a different amendment as number 2.
    keeper_a.register(&x, 2, "A", 20);
    keeper_b.register(&y, 2, "B", 21);
    assert_eq!(keeper_a.decisions().number(&x), Some(2));
    assert_eq!(keeper_b.decisions().number(&y), Some(2));
    sync(&keeper_a, &keeper_b);
    let (da, db) = (keeper_a.decisions(), keeper_b.decisions());
    assert_eq!(da, db, "every copy agrees");
    assert_eq!(
        da.number(&first),
        Some(1),
        "a number once shown never moves"
    );
    let numbers = [da.number(&x), da.number(&y)];
    assert!(
        numbers.contains(&Some(2)) && numbers.contains(&None),
        "{numbers:?}"
    );
    // The one left without registers next, and everyone agrees again.
    let overview = Overview::build(&book, &da, &keeper_a, None);
    let left = overview.unregistered();
    assert_eq!(left.len(), 1);
    keeper_a.register(&left[0].id, overview.next_number, "A", 30);
    sync(&keeper_a, &keeper_b);
    let done = keeper_b.decisions();
    let mut all = [done.number(&first), done.number(&x), done.number(&y)];
    all.sort();
    assert_eq!(all, [Some(1), Some(2), Some(3)]);
    // A late registration of a taken number changes nothing.
    keeper_b.register(&first, 3, "B", 40);
    keeper_b.register(&x, 1, "B", 41);
    let after = keeper_b.decisions();
    for id in [&first, &x, &y] {
        assert_eq!(after.number(id), done.number(id));
    }
}

#[test]
fn adopting_applies_exactly_the_wording_and_the_colliding_ones_fall_naming_it() {
    let mut keeper = text(MOTION);
    keeper.enable_undo(std::sync::Arc::new(|| 0));
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let (awa, ben) = (member(1, "Awa"), member(2, "Ben"));
    let chosen = file(
        &room,
        &mut book,
        &keeper,
        &awa,
        &replace(
            &keeper,
            "la gratuité des transports",
            "la gratuité totale des transports publics",
            "",
        ),
        1,
    );
    let rival = file(
        &room,
        &mut book,
        &keeper,
        &ben,
        &replace(&keeper, "des transports", "du métro", ""),
        2,
    );
    let elsewhere = file(
        &room,
        &mut book,
        &keeper,
        &ben,
        &replace(&keeper, "en mai", "en juin", ""),
        3,
    );
    let (start, _) = at(&keeper.body(), "transports");
    let inside = file(
        &room,
        &mut book,
        &keeper,
        &ben,
        &Draft {
            start,
            end: start,
            proposal: Proposal::Replace("bons ".into()),
            rationale: String::new(),
            parent: None,
        },
        4,
    );
    let before = Overview::build(&book, &keeper.decisions(), &keeper, None);
    let group = before
        .row(&chosen)
        .and_then(|row| row.group)
        .expect("competes");
    assert_eq!(before.row(&rival).and_then(|r| r.group), Some(group));
    assert_eq!(before.row(&inside).and_then(|r| r.group), Some(group));
    assert_eq!(before.row(&elsewhere).and_then(|r| r.group), None);

    let counts = Counts {
        yes: 31,
        no: 4,
        abstain: 2,
        unanimous: false,
    };
    let adopted = keeper
        .adopt(
            &book,
            &keeper.decisions(),
            &chosen,
            Some(counts),
            "Présidence",
            5_000,
        )
        .expect("adopts");
    assert_eq!(
        keeper.body(),
        MOTION.replace(
            "la gratuité des transports",
            "la gratuité totale des transports publics"
        )
    );
    let mut fallen = adopted.fallen.clone();
    fallen.sort();
    let mut expected = vec![rival.clone(), inside.clone()];
    expected.sort();
    assert_eq!(fallen, expected);
    let overview = Overview::build(&book, &keeper.decisions(), &keeper, None);
    assert_eq!(
        overview.row(&chosen).map(|r| r.status),
        Some(Status::Adopted)
    );
    for id in [&rival, &inside] {
        let row = overview.row(id).expect("listed");
        assert_eq!(row.status, Status::Fallen);
        assert_eq!(row.fallen_by.as_deref(), Some(chosen.as_str()));
    }
    assert_eq!(
        overview.row(&elsewhere).map(|r| r.status),
        Some(Status::Filed)
    );
    let history = keeper
        .decisions()
        .get(&chosen)
        .expect("decided")
        .history
        .clone();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].counts, Some(counts));
    assert_eq!(
        (history[0].from, history[0].to),
        (Status::Filed, Status::Adopted)
    );
    assert_eq!(history[0].by, "Présidence");
    // A co-author receives one update: the text and the decisions.
    let other = Document::new(7);
    other
        .apply_remote(&text(MOTION).encode_state())
        .expect("applies");
    let reader = copy(&keeper, 8);
    assert_eq!(reader.body(), keeper.body());
    assert_eq!(reader.decisions(), keeper.decisions());
    // One undo takes back the edit and the decisions.
    keeper.undo().expect("undoes");
    assert_eq!(keeper.body(), MOTION);
    let undone = Overview::build(&book, &keeper.decisions(), &keeper, None);
    assert!(undone.rows.iter().all(|row| row.status == Status::Filed));
    // Deciding twice is refused.
    let again = keeper
        .adopt(&book, &keeper.decisions(), &chosen, None, "P", 6_000)
        .expect("adopts again after undo");
    assert!(!again.update.is_empty());
    assert_eq!(
        keeper.adopt(&book, &keeper.decisions(), &chosen, None, "P", 7_000),
        Err(AmendError::Decided)
    );
}

#[test]
fn a_deletion_adopted_removes_the_passage() {
    let keeper = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let awa = member(1, "Awa");
    let (start, end) = at(&keeper.body(), " publique");
    let id = file(
        &room,
        &mut book,
        &keeper,
        &awa,
        &Draft {
            start,
            end,
            proposal: Proposal::Delete,
            rationale: String::new(),
            parent: None,
        },
        1,
    );
    keeper
        .adopt(&book, &keeper.decisions(), &id, None, "P", 1)
        .expect("adopts");
    assert_eq!(keeper.body(), MOTION.replace(" publique", ""));
}

#[test]
fn a_sub_amendment_adopted_changes_the_wording_its_amendment_brings() {
    let keeper = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let (awa, ben) = (member(1, "Awa"), member(2, "Ben"));
    let parent = file(
        &room,
        &mut book,
        &keeper,
        &awa,
        &replace(&keeper, "en mai", "en juin", ""),
        1,
    );
    let mut sub = replace(&keeper, "en mai", "en septembre", "");
    sub.parent = Some(parent.clone());
    let sub = file(&room, &mut book, &keeper, &ben, &sub, 2);
    let overview = Overview::build(&book, &keeper.decisions(), &keeper, None);
    assert_eq!(
        overview.row(&sub).and_then(|r| r.group),
        None,
        "amends the amendment"
    );
    let adopted = keeper
        .adopt(&book, &keeper.decisions(), &sub, None, "P", 1)
        .expect("adopts");
    assert!(adopted.fallen.is_empty());
    assert_eq!(keeper.body(), MOTION, "the text waits for its amendment");
    keeper
        .adopt(&book, &keeper.decisions(), &parent, None, "P", 2)
        .expect("adopts");
    assert_eq!(keeper.body(), MOTION.replace("en mai", "en septembre"));
}

#[test]
fn a_forged_revision_shows_the_amendment_altered_with_its_last_valid_version() {
    let body = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let (awa, mallory) = (member(1, "Awa"), member(6, "Mallory"));
    let id = file(
        &room,
        &mut book,
        &body,
        &awa,
        &replace(&body, "en mai", "en juin", "Vacances."),
        1,
    );
    // Mallory holds the same amend link: she writes a revision 1 of Awa's
    // amendment, withdrawing it, signed with her own key but claiming Awa's.
    let mut forged = book.amendment(&id).expect("filed").current(None).clone();
    forged.rev = 1;
    forged.withdrawn = true;
    forged.proposal = Proposal::Replace("jamais".into());
    let line = mallory
        .identity
        .sign(&ROOM, "Awa", 2_000, Entry::Amendment(forged.clone()));
    room.append_record(&line);
    book.refresh(&room);
    // Signed by Mallory as Mallory, it is Mallory's own amendment, not Awa's.
    let overview = Overview::build(&book, &body.decisions(), &body, None);
    let row = overview.row(&id).expect("still listed");
    assert!(
        !row.altered,
        "a record signed by its own author names its own amendment"
    );
    assert_eq!(row.status, Status::Filed);
    // Now the body claims Awa's key, signed by Mallory.
    let claimed = claim(&mallory.identity, &awa.identity.public(), forged);
    room.append_record(&claimed);
    book.refresh(&room);
    let overview = Overview::build(&book, &body.decisions(), &body, None);
    let row = overview.row(&id).expect("still listed");
    assert!(row.altered, "shown as altered");
    assert_eq!(row.status, Status::Filed, "not withdrawn");
    assert_eq!(
        row.proposal,
        Proposal::Replace("en juin".into()),
        "the last valid version"
    );
    assert_eq!(overview.notices.forged, 1);
}

/// A record whose body claims `author`, signed by `signer`.
fn claim(signer: &Identity, author: &[u8; 32], revision: Revision) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine as _;
    let honest = signer.sign(&ROOM, "Awa", 2_000, Entry::Amendment(revision));
    let (body, signature) = honest.split_once('.').expect("two parts");
    let mut parsed: record::Body =
        postcard::from_bytes(&B64.decode(body).expect("b64")).expect("postcard");
    parsed.author = *author;
    let bytes = postcard::to_allocvec(&parsed).expect("encodes");
    format!("{}.{signature}", B64.encode(bytes))
}

#[test]
fn records_deleted_or_cut_into_by_a_co_holder_are_still_read_and_the_removal_noticed() {
    let body = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let awa = member(1, "Awa");
    let id = file(
        &room,
        &mut book,
        &body,
        &awa,
        &replace(&body, "en mai", "en juin", ""),
        1,
    );
    // Mallory's copy of the room: she cuts into Awa's line, then deletes it.
    let mallory = copy(&room, 66);
    let update = {
        use yrs::{Text, Transact};
        let mut txn = mallory.doc.transact_mut();
        mallory.records.insert(&mut txn, 10, "JUNK\n");
        let len = mallory.records.len(&txn);
        mallory.records.remove_range(&mut txn, 0, len);
        txn.encode_update_v1()
    };
    // A newcomer who gets everything at once, and the old reader.
    room.apply_remote(&update).expect("applies");
    book.refresh(&room);
    let mut fresh = Book::new(ROOM);
    fresh.refresh(&room);
    for book in [&book, &fresh] {
        let overview = Overview::build(book, &body.decisions(), &body, None);
        assert!(overview.row(&id).is_some(), "still there");
        assert!(overview.notices.removed > 0, "{:?}", overview.notices);
    }
    assert_eq!(fresh.unreadable, 1, "the junk line");
}

#[test]
fn the_author_revises_while_filed_and_withdraws_others_cannot() {
    let keeper = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let (awa, ben) = (member(1, "Awa"), member(2, "Ben"));
    let id = file(
        &room,
        &mut book,
        &keeper,
        &awa,
        &replace(&keeper, "en mai", "en juin", ""),
        1,
    );
    let draft = replace(&keeper, "en mai", "en juillet", "Mieux.");
    assert_eq!(
        book.revise(&ben.identity, &keeper, &id, &draft, false, "Ben", 5),
        Err(AmendError::NotTheAuthor)
    );
    room.append_record(
        &book
            .revise(&awa.identity, &keeper, &id, &draft, false, "Awa", 5)
            .expect("revises"),
    );
    book.refresh(&room);
    let overview = Overview::build(&book, &keeper.decisions(), &keeper, None);
    assert_eq!(
        overview.row(&id).map(|r| r.proposal.clone()),
        Some(Proposal::Replace("en juillet".into()))
    );
    // Taken up: a later revision does not count.
    keeper.decide(
        &Decision {
            amendment: id.clone(),
            from: Status::Filed,
            to: Status::Discussion,
            rev: 1,
            counts: None,
            note: String::new(),
            because: None,
        },
        "P",
        6,
    );
    let late = replace(&keeper, "en mai", "en août", "");
    let line = {
        let mut revision = book.amendment(&id).expect("filed").current(None).clone();
        revision.rev = 2;
        revision.proposal = late.proposal.clone();
        awa.identity
            .sign(&ROOM, "Awa", 7, Entry::Amendment(revision))
    };
    room.append_record(&line);
    book.refresh(&room);
    let overview = Overview::build(&book, &keeper.decisions(), &keeper, None);
    let row = overview.row(&id).expect("listed");
    assert_eq!(row.proposal, Proposal::Replace("en juillet".into()));
    assert_eq!(row.status, Status::Discussion);
    assert!(row.discussed);
    room.append_record(
        &book
            .withdraw(&awa.identity, &id, "Awa", 8)
            .expect("withdraws"),
    );
    book.refresh(&room);
    let overview = Overview::build(&book, &keeper.decisions(), &keeper, None);
    assert_eq!(overview.row(&id).map(|r| r.status), Some(Status::Withdrawn));
    assert_eq!(
        book.withdraw(&ben.identity, &id, "Ben", 9),
        Err(AmendError::NotTheAuthor)
    );
}

#[test]
fn comments_thread_one_level_and_supports_count_once_per_key() {
    let body = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let (awa, ben) = (member(1, "Awa"), member(2, "Ben"));
    let id = file(
        &room,
        &mut book,
        &body,
        &awa,
        &replace(&body, "en mai", "en juin", ""),
        1,
    );
    let (first, line) = book
        .comment(
            &ben.identity,
            &id,
            None,
            Stance::Against,
            "Trop tard.",
            "Ben",
            10,
            [1; 12],
        )
        .expect("comments");
    room.append_record(&line);
    book.refresh(&room);
    let (reply, line) = book
        .comment(
            &awa.identity,
            &id,
            Some(first.clone()),
            Stance::For,
            "Non.",
            "Awa",
            11,
            [2; 12],
        )
        .expect("replies");
    room.append_record(&line);
    book.refresh(&room);
    let (_, line) = book
        .comment(
            &ben.identity,
            &id,
            Some(reply),
            Stance::Neutral,
            "Soit.",
            "Ben",
            12,
            [3; 12],
        )
        .expect("replies");
    room.append_record(&line);
    book.refresh(&room);
    let comments = book.comments(&id);
    assert_eq!(comments.len(), 3);
    assert_eq!(comments[1].reply_to.as_deref(), Some(first.as_str()));
    assert_eq!(
        comments[2].reply_to.as_deref(),
        Some(first.as_str()),
        "one level"
    );
    for _ in 0..2 {
        room.append_record(
            &book
                .support(&ben.identity, &id, true, "Ben", 13)
                .expect("supports"),
        );
        book.refresh(&room);
    }
    room.append_record(
        &book
            .support(&awa.identity, &id, true, "Awa", 14)
            .expect("supports"),
    );
    book.refresh(&room);
    assert_eq!(book.supports(&id, Some(&ben.identity.public())), (2, true));
    room.append_record(
        &book
            .support(&ben.identity, &id, false, "Ben", 15)
            .expect("unsupports"),
    );
    book.refresh(&room);
    assert_eq!(book.supports(&id, Some(&ben.identity.public())), (1, false));
}

#[test]
fn lines_checked_before_are_trusted_and_forged_ones_never_remembered() {
    let body = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let (awa, mallory) = (member(1, "Awa"), member(6, "Mallory"));
    let id = file(
        &room,
        &mut book,
        &body,
        &awa,
        &replace(&body, "en mai", "en juin", ""),
        1,
    );
    let forged = {
        let mut revision = book.amendment(&id).expect("filed").current(None).clone();
        revision.rev = 1;
        revision.withdrawn = true;
        claim(&mallory.identity, &awa.identity.public(), revision)
    };
    room.append_record(&forged);
    book.refresh(&room);
    assert_eq!(book.checked(), 1, "only the valid line");
    let remembered = book.remembered();
    // The next opening trusts it, and still catches the forgery.
    let mut again = Book::new(ROOM);
    again.trust(&remembered);
    again.refresh(&room);
    let overview = Overview::build(&again, &body.decisions(), &body, None);
    let row = overview.row(&id).expect("listed");
    assert!(row.altered && row.status == Status::Filed);
    // A trust list from another room trusts nothing here.
    let mut elsewhere = Book::new([1; 16]);
    elsewhere.trust(&remembered);
    elsewhere.refresh(&room);
    assert!(elsewhere.is_empty(), "signed for another room");
}

#[test]
fn the_export_cites_each_amendment_with_its_number_lines_and_decision() {
    let keeper = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let (awa, ben) = (member(1, "Awa"), member(2, "Ben"));
    let a = file(
        &room,
        &mut book,
        &keeper,
        &awa,
        &replace(&keeper, "en mai", "en juin", "Les vacances."),
        1,
    );
    let b = file(
        &room,
        &mut book,
        &keeper,
        &ben,
        &replace(&keeper, "mai", "avril", ""),
        2,
    );
    keeper.register(&a, 1, "P", 1);
    keeper.register(&b, 2, "P", 2);
    let counts = Counts {
        yes: 12,
        no: 3,
        abstain: 1,
        unanimous: false,
    };
    keeper
        .adopt(&book, &keeper.decisions(), &a, Some(counts), "P", 3)
        .expect("adopts");
    let decisions = keeper.decisions();
    let overview = Overview::build(&book, &decisions, &keeper, None);
    let fr = export::markdown(&overview, &decisions, "Motion", "fr");
    assert!(fr.starts_with("# Amendements — Motion\n"), "{fr}");
    assert!(fr.contains("| A1 | l. 2 | Awa | adopté |"), "{fr}");
    assert!(fr.contains("## A1, l. 2 — Awa — adopté"), "{fr}");
    assert!(fr.contains("Remplacer « en mai » par « en juin »."), "{fr}");
    assert!(fr.contains("**Motif** : Les vacances."), "{fr}");
    assert!(fr.contains("pour 12, contre 3, abstentions 1"), "{fr}");
    assert!(fr.contains("tombé : remplacé par A1"), "{fr}");
    let en = export::markdown(&overview, &decisions, "Motion", "en");
    assert!(en.contains("| A2 | l. 2 | Ben | fallen |"), "{en}");
    assert!(en.contains("Replace “en mai” with “en juin”."), "{en}");
}

#[test]
fn adopting_an_insertion_inserts_and_a_passage_deleted_whole_cannot_be_adopted() {
    let keeper = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let (awa, ben) = (member(1, "Awa"), member(2, "Ben"));
    let (_, end) = at(&keeper.body(), "transports");
    let insertion = Draft {
        start: end,
        end,
        proposal: Proposal::Replace(" publics".into()),
        rationale: String::new(),
        parent: None,
    };
    let inserted = file(&room, &mut book, &keeper, &awa, &insertion, 1);
    // An insertion point at the very end of the adopted passage touches
    // it without competing: it still applies.
    let touching = file(
        &room,
        &mut book,
        &keeper,
        &ben,
        &replace(&keeper, "des transports", "du métro", ""),
        2,
    );
    let gone = file(
        &room,
        &mut book,
        &keeper,
        &ben,
        &replace(&keeper, "réunion publique", "assemblée", ""),
        3,
    );
    let adopted = keeper
        .adopt(&book, &keeper.decisions(), &touching, None, "P", 1)
        .expect("adopts");
    assert!(adopted.fallen.is_empty(), "{:?}", adopted.fallen);
    keeper
        .adopt(&book, &keeper.decisions(), &inserted, None, "P", 2)
        .expect("an insertion adopts");
    assert!(
        keeper
            .body()
            .starts_with("La section demande la gratuité du métro publics."),
        "{}",
        keeper.body()
    );
    let (start, end) = at(&keeper.body(), "une réunion publique en mai");
    keeper
        .edit_body(&Edit {
            start,
            delete: end - start,
            insert: String::new(),
        })
        .expect("fits");
    assert_eq!(
        keeper.adopt(&book, &keeper.decisions(), &gone, None, "P", 3),
        Err(AmendError::PassageGone)
    );
}

#[test]
fn revisions_count_up_and_say_when_they_were_written() {
    let keeper = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let awa = member(1, "Awa");
    let id = file(
        &room,
        &mut book,
        &keeper,
        &awa,
        &replace(&keeper, "en mai", "en juin", ""),
        1,
    );
    assert!(!book.refresh(&room), "nothing new");
    let draft = replace(&keeper, "en mai", "en juillet", "");
    room.append_record(
        &book
            .revise(&awa.identity, &keeper, &id, &draft, false, "Awa", 5_000)
            .expect("revises"),
    );
    assert!(book.refresh(&room), "a revision came");
    room.append_record(
        &book
            .withdraw(&awa.identity, &id, "Awa", 6_000)
            .expect("withdraws"),
    );
    book.refresh(&room);
    let amendment = book.amendment(&id).expect("filed");
    assert_eq!(amendment.last_rev(), 2);
    assert_eq!(amendment.filed_at, 1_001);
    assert_eq!(amendment.edited_at(None), 6_000);
    assert_eq!(amendment.edited_at(Some(1)), 5_000);
    assert_eq!(amendment.edited_at(Some(0)), 1_001);
    assert_eq!(book.room(), &ROOM);
}

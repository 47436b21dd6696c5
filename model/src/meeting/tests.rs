//! Meetings natively: the order assistant's rules on a constructed set,
//! a meeting from opening to minutes, offline chairs merging, and events
//! that do not read.

use yrs::{Any, Array, Transact};

use super::order::assistant;
use super::*;
use crate::amendments::decisions::Decision;
use crate::amendments::fixture::*;
use crate::amendments::{Book, Draft, Proposal};
use crate::history::Moment;

const MOTION: &str = "La section demande la gratuité des transports publics.\n\n\
Elle propose une réunion publique en mai.\n\n\
Elle mandate le bureau pour écrire aux élus.\n";

fn delete(doc: &Document, words: &str) -> Draft {
    let (start, end) = at(&doc.body(), words);
    Draft {
        start,
        end,
        proposal: Proposal::Delete,
        rationale: String::new(),
        parent: None,
    }
}

fn overview(book: &Book, body: &Document) -> Overview {
    Overview::build(book, &body.decisions(), body, None)
}

/// Number every amendment in filing order.
fn register(body: &Document, ids: &[&String]) {
    for (n, id) in ids.iter().enumerate() {
        body.register(id, n as u32 + 1, "Chair", 2_000);
    }
}

struct Set {
    body: Document,
    room: Document,
    book: Book,
    near: String,
    far: String,
    deletion: String,
    sub: String,
    lone: String,
    orphan: String,
    rejected: String,
}

fn set() -> Set {
    let body = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let (awa, ben) = (member(1, "Awa"), member(2, "Ben"));
    // Filed in an order the rules must undo: the closest to the text first.
    let near = file(
        &room,
        &mut book,
        &body,
        &awa,
        &replace(
            &body,
            "gratuité des transports",
            "gratuité totale des transports",
            "",
        ),
        1,
    );
    let lone = file(
        &room,
        &mut book,
        &body,
        &awa,
        &replace(&body, "en mai", "en juin", ""),
        2,
    );
    let far = file(
        &room,
        &mut book,
        &body,
        &ben,
        &replace(
            &body,
            "gratuité des transports",
            "baisse de moitié des tarifs pour les jeunes et les chômeurs",
            "",
        ),
        3,
    );
    let deletion = file(
        &room,
        &mut book,
        &body,
        &ben,
        &delete(&body, "la gratuité des transports publics"),
        4,
    );
    let mut sub = replace(&body, "gratuité des transports", "baisse des tarifs", "");
    sub.parent = Some(far.clone());
    let sub = file(&room, &mut book, &body, &awa, &sub, 5);
    let rejected = file(
        &room,
        &mut book,
        &body,
        &ben,
        &replace(&body, "aux élus", "au maire", ""),
        6,
    );
    let mut orphan = replace(&body, "aux élus", "aux députés", "");
    orphan.parent = Some(rejected.clone());
    let orphan = file(&room, &mut book, &body, &awa, &orphan, 7);
    register(
        &body,
        &[&near, &lone, &far, &deletion, &sub, &rejected, &orphan],
    );
    body.decide(
        &Decision {
            amendment: rejected.clone(),
            from: Status::Filed,
            to: Status::Rejected,
            rev: 1,
            counts: None,
            note: String::new(),
            because: None,
        },
        "Chair",
        2_500,
    );
    Set {
        body,
        room,
        book,
        near,
        far,
        deletion,
        sub,
        lone,
        orphan,
        rejected,
    }
}

#[test]
fn the_assistant_takes_deletions_first_then_the_furthest_and_sub_amendments_before_theirs() {
    let s = set();
    let overview = overview(&s.book, &s.body);
    let agenda = assistant(&overview);
    assert_eq!(
        agenda,
        vec![
            s.deletion.clone(),
            s.sub.clone(),
            s.far.clone(),
            s.near.clone(),
            s.lone.clone()
        ],
        "deletion, sub-amendment before its (furthest) amendment, the nearest, then the next passage"
    );
    assert!(!agenda.contains(&s.rejected), "closed ones are not taken");
    assert!(
        !agenda.contains(&s.orphan),
        "a sub-amendment of a closed amendment has nothing to amend"
    );
}

#[test]
fn the_assistant_leaves_text_order_alone_without_competition() {
    let body = text(MOTION);
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let awa = member(1, "Awa");
    // Filed bottom up; a lone deletion does not jump ahead of the text.
    let third = file(
        &room,
        &mut book,
        &body,
        &awa,
        &replace(&body, "aux élus", "au maire", ""),
        1,
    );
    let second = file(&room, &mut book, &body, &awa, &delete(&body, "en mai"), 2);
    let first = file(
        &room,
        &mut book,
        &body,
        &awa,
        &replace(&body, "La section", "Notre section", ""),
        3,
    );
    assert_eq!(
        assistant(&overview(&book, &body)),
        vec![first, second, third]
    );
}

#[test]
fn a_meeting_opens_on_a_named_version_walks_its_agenda_and_closes_on_its_minutes() {
    let s = set();
    let before = overview(&s.book, &s.body);
    let agenda = assistant(&before);
    let opened = s.body.start_meeting(
        "Assemblée de section",
        "2026-12-12",
        "Texte de base — Assemblée de section",
        &agenda,
        &before,
        "Chair",
        10_000,
    );
    let meeting = s.body.open_meeting().expect("under way");
    assert_eq!(meeting.id, opened.id);
    assert_eq!(meeting.name, "Assemblée de section");
    assert_eq!(meeting.date, "2026-12-12");
    assert_eq!(meeting.agenda, agenda);
    assert_eq!(
        meeting.base_lines.get(&s.lone),
        Some(&(2, 2)),
        "blank lines are not numbered"
    );
    let base = s
        .body
        .checkpoints()
        .into_iter()
        .find(|c| c.id == meeting.base)
        .expect("the base is a checkpoint");
    assert_eq!(base.name(), Some("Texte de base — Assemblée de section"));
    assert_eq!(
        s.body
            .text_at(&Moment::Checkpoint(meeting.base.clone()))
            .unwrap()
            .text,
        MOTION
    );
    assert_eq!(meeting.next_open(&before, None), Some(s.deletion.clone()));

    // The chair takes the first: the deletion is rejected.
    s.body
        .show_amendment(&meeting.id, Some(&s.deletion), "Chair", 10_100);
    assert_eq!(
        s.body.meeting(&meeting.id).unwrap().current.as_deref(),
        Some(s.deletion.as_str())
    );
    let counts = Counts {
        yes: 3,
        no: 20,
        abstain: 1,
        unanimous: false,
    };
    s.body.decide(
        &Decision {
            amendment: s.deletion.clone(),
            from: Status::Filed,
            to: Status::Rejected,
            rev: 1,
            counts: Some(counts),
            note: String::new(),
            because: None,
        },
        "Chair",
        10_200,
    );
    // The far one is adopted: the near one, on the same words, falls.
    let adopted_counts = Counts {
        unanimous: true,
        ..Counts::default()
    };
    let adopted = s
        .body
        .adopt(
            &s.book,
            &s.body.decisions(),
            &s.far,
            Some(adopted_counts),
            "Chair",
            10_300,
        )
        .expect("adopts");
    assert!(adopted.fallen.contains(&s.near));
    assert!(
        adopted.fallen.contains(&s.sub),
        "its open sub-amendment too"
    );
    let now = overview(&s.book, &s.body);
    let meeting = s.body.meeting(&meeting.id).unwrap();
    assert_eq!(
        meeting.next_open(&now, Some(&s.deletion)),
        Some(s.lone.clone()),
        "what fell leaves the agenda's remaining ones"
    );
    assert_eq!(
        meeting.remaining(&now).collect::<Vec<_>>(),
        vec![s.lone.as_str()]
    );
    s.body.decide(
        &Decision {
            amendment: s.lone.clone(),
            from: Status::Filed,
            to: Status::Withdrawn,
            rev: 1,
            counts: None,
            note: "retiré en séance".into(),
            because: None,
        },
        "Chair",
        10_400,
    );
    let now = overview(&s.book, &s.body);
    let minutes = meeting.minutes(&now, &s.body.decisions());
    let number = |id: &str| s.body.decisions().number(id);
    let expect = |id: &String, status, counts, note: &str, because| Minute {
        amendment: id.clone(),
        number: number(id),
        lines: meeting.base_lines.get(id).copied(),
        status,
        counts,
        note: note.into(),
        because,
    };
    let far_number = number(&s.far);
    assert_eq!(
        minutes,
        vec![
            expect(&s.deletion, Status::Rejected, Some(counts), "", None),
            expect(&s.sub, Status::Fallen, None, "", far_number),
            expect(&s.far, Status::Adopted, Some(adopted_counts), "", None),
            expect(&s.near, Status::Fallen, None, "", far_number),
            expect(&s.lone, Status::Withdrawn, None, "retiré en séance", None),
        ]
    );

    let updates = s
        .body
        .close_meeting(&meeting.id, "Texte adopté", &minutes, "Chair", 11_000)
        .expect("closes");
    assert_eq!(updates.len(), 2);
    assert!(s.body.open_meeting().is_none());
    let closed = s.body.meeting(&meeting.id).unwrap();
    let frozen = closed.closed.as_ref().expect("closed");
    assert_eq!(frozen.minutes, minutes, "the minutes read back as written");
    let adopted_text = s
        .body
        .text_at(&Moment::Checkpoint(frozen.result.clone()))
        .unwrap()
        .text;
    assert_eq!(adopted_text, s.body.body());
    assert!(adopted_text
        .contains("baisse de moitié des tarifs pour les jeunes et les chômeurs publics"));
    // Decided later (a reopening) does not change the frozen minutes.
    s.body.decide(
        &Decision {
            amendment: s.deletion.clone(),
            from: Status::Rejected,
            to: Status::Discussion,
            rev: 1,
            counts: None,
            note: String::new(),
            because: None,
        },
        "Chair",
        12_000,
    );
    let later = overview(&s.book, &s.body);
    assert_eq!(
        closed.minutes(&later, &s.body.decisions()),
        minutes,
        "a closed meeting's minutes stay as they were"
    );
    let _ = &s.room;
}

#[test]
fn a_chair_offline_and_a_co_editor_merge_on_the_agenda_and_the_screen() {
    let s = set();
    let before = overview(&s.book, &s.body);
    let agenda = assistant(&before);
    let opened = s
        .body
        .start_meeting("CF", "2026-12-12", "Base", &agenda, &before, "Chair", 1_000);
    let hall = copy(&s.body, 7);
    // Offline: the chair moves on; a co-editor at home reorders.
    hall.show_amendment(&opened.id, Some(&s.lone), "Chair", 2_000);
    let mut reordered = agenda.clone();
    reordered.reverse();
    s.body
        .set_agenda(&opened.id, &reordered, "Secrétaire", 2_100);
    sync(&hall, &s.body);
    let a = hall.meeting(&opened.id).unwrap();
    let b = s.body.meeting(&opened.id).unwrap();
    assert_eq!(a, b, "both copies agree once merged");
    assert_eq!(a.current.as_deref(), Some(s.lone.as_str()));
    assert_eq!(a.agenda, reordered);
}

#[test]
fn events_that_do_not_read_are_skipped_and_a_meeting_opens_once() {
    let s = set();
    let before = overview(&s.book, &s.body);
    let opened = s.body.start_meeting(
        "Séance",
        "2026-12-12",
        "Base",
        std::slice::from_ref(&s.lone),
        &before,
        "Chair",
        1_000,
    );
    {
        let mut txn = s.body.doc.transact_mut();
        let meetings = &s.body.meetings;
        // Not a map; no id; a meeting never opened; a second opening of
        // the same id with another agenda; an agenda that is not a list;
        // a close without a result; a list with junk and duplicates.
        meetings.push_back(&mut txn, Any::from("junk"));
        meetings.push_back(
            &mut txn,
            Any::from(HashMap::from([(key::KIND.to_owned(), Any::from("open"))])),
        );
        meetings.push_back(
            &mut txn,
            Any::from(HashMap::from([
                (key::KIND.to_owned(), Any::from("current")),
                (key::MEETING.to_owned(), Any::from("nowhere")),
                (key::AMENDMENT.to_owned(), Any::from("x")),
            ])),
        );
        meetings.push_back(
            &mut txn,
            Any::from(HashMap::from([
                (key::KIND.to_owned(), Any::from("open")),
                (key::MEETING.to_owned(), Any::from(opened.id.as_str())),
                (key::BASE.to_owned(), Any::from("other")),
                (key::NAME.to_owned(), Any::from("Usurpée")),
            ])),
        );
        meetings.push_back(
            &mut txn,
            Any::from(HashMap::from([
                (key::KIND.to_owned(), Any::from("agenda")),
                (key::MEETING.to_owned(), Any::from(opened.id.as_str())),
                (key::AGENDA.to_owned(), Any::from("not a list")),
            ])),
        );
        meetings.push_back(
            &mut txn,
            Any::from(HashMap::from([
                (key::KIND.to_owned(), Any::from("close")),
                (key::MEETING.to_owned(), Any::from(opened.id.as_str())),
            ])),
        );
    }
    let meetings = s.body.meetings();
    assert_eq!(meetings.len(), 1, "only the real meeting");
    let meeting = &meetings[0];
    assert_eq!(meeting.name, "Séance");
    assert_eq!(meeting.agenda, vec![s.lone.clone()]);
    assert!(
        meeting.is_open(),
        "a close without a result does not close it"
    );
    let junk = Any::from(vec![
        Any::from(s.lone.as_str()),
        Any::from(3),
        Any::from(s.lone.as_str()),
        Any::from(s.far.as_str()),
    ]);
    {
        let mut txn = s.body.doc.transact_mut();
        s.body.meetings.push_back(
            &mut txn,
            Any::from(HashMap::from([
                (key::KIND.to_owned(), Any::from("agenda")),
                (key::MEETING.to_owned(), Any::from(opened.id.as_str())),
                (key::AGENDA.to_owned(), junk),
            ])),
        );
    }
    assert_eq!(
        s.body.meeting(&opened.id).unwrap().agenda,
        vec![s.lone.clone(), s.far.clone()],
        "strings only, each once"
    );
}

#[test]
fn since_a_meeting_shows_only_what_changed_after_it() {
    let s = set();
    let before = overview(&s.book, &s.body);
    let opened = s.body.start_meeting(
        "Assemblée",
        "2026-12-12",
        "Base",
        &[s.lone.clone(), s.far.clone()],
        &before,
        "Chair",
        10_000,
    );
    // In the meeting: the far one adopted (the text changes), then closed.
    s.body
        .adopt(&s.book, &s.body.decisions(), &s.far, None, "Chair", 10_100)
        .expect("adopts");
    let minutes = s
        .body
        .meeting(&opened.id)
        .unwrap()
        .minutes(&overview(&s.book, &s.body), &s.body.decisions());
    s.body
        .close_meeting(&opened.id, "Adopté", &minutes, "Chair", 11_000)
        .expect("closes");
    let meeting = s.body.meeting(&opened.id).unwrap();

    // Nothing since the result yet.
    let now = overview(&s.book, &s.body);
    let quiet = review::review(
        &s.body,
        &meeting,
        review::Since::Result,
        &now,
        &s.body.decisions(),
    )
    .expect("reads");
    assert!(quiet.is_empty(), "{quiet:?}");
    // Since the base: the meeting's own adoption.
    let from_base = review::review(
        &s.body,
        &meeting,
        review::Since::Base,
        &now,
        &s.body.decisions(),
    )
    .expect("reads");
    assert!(from_base.text.groups > 0);
    assert!(!from_base.is_empty());
    assert!(from_base.decided.iter().any(|d| d.id == s.far));

    // A second round: an edit, a new amendment, one withdrawn in a later
    // meeting, one rejected.
    let body = s.body.body();
    let at = body.find("en mai").unwrap() as u32;
    let at16 = body[..at as usize].encode_utf16().count() as u32;
    s.body
        .edit_body(&crate::edit::Edit {
            start: at16,
            delete: 0,
            insert: "dès ".into(),
        })
        .expect("fits");
    let mut book = s.book;
    let ben = member(2, "Ben");
    let draft = replace(&s.body, "aux élus", "à tous les élus", "");
    let (late, line) = book
        .file(&ben.identity, &s.body, &draft, ben.name, 20_000, [77; 12])
        .expect("files");
    s.room.append_record(&line);
    book.refresh(&s.room);
    let row_rev = |id: &str| overview(&book, &s.body).row(id).unwrap().rev;
    s.body.decide(
        &Decision {
            amendment: s.lone.clone(),
            from: Status::Filed,
            to: Status::Withdrawn,
            rev: row_rev(&s.lone),
            counts: None,
            note: "retiré en séance".into(),
            because: None,
        },
        "Chair",
        21_000,
    );
    s.body.decide(
        &Decision {
            amendment: s.deletion.clone(),
            from: Status::Filed,
            to: Status::Rejected,
            rev: row_rev(&s.deletion),
            counts: None,
            note: String::new(),
            because: None,
        },
        "Chair",
        22_000,
    );
    let now = overview(&book, &s.body);
    let since = review::review(
        &s.body,
        &meeting,
        review::Since::Result,
        &now,
        &s.body.decisions(),
    )
    .expect("reads");
    assert_eq!(since.filed, vec![late.clone()], "only the one filed after");
    assert_eq!(since.withdrawn, vec![s.lone.clone()]);
    let decided: Vec<&str> = since.decided.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        decided,
        vec![s.deletion.as_str()],
        "not the meeting's own adoption"
    );
    assert_eq!(since.text.words(), (1, 0), "one word added since");
    let paragraphs = since.changed_paragraphs();
    assert_eq!(paragraphs.len(), 1, "only the paragraph that changed");
    let added: String = paragraphs[0]
        .iter()
        .filter(|p| p.change == crate::history::Change::Added)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(added.trim(), "dès");
    let whole: String = paragraphs[0].iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        whole.trim(),
        "Elle propose une réunion publique dès en mai."
    );
    assert!(!since.is_empty());
    let md = review::markdown(
        &since,
        &meeting,
        review::Since::Result,
        &now,
        &|_| "Awa".into(),
        "fr",
    );
    assert!(md.contains("**dès**"), "{md}");
    assert!(
        !md.contains("transports"),
        "kept paragraphs are left out: {md}"
    );
    assert!(md.contains("retiré"), "{md}");
}

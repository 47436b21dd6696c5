//! Argument maps natively: the tree and its roles, concurrent moves that
//! would loop, rewording merged, deletion and duplicates, the filter,
//! endorsements and votes through signed records, ranking, and the sheet.

use super::rank::{ranked, Standing, Standings};
use super::sheet::{candidates, select, Choice, Subject};
use super::*;
use crate::amendments::fixture::{member, sync, ROOM};
use crate::amendments::Book;

fn claim(text: &str, stance: Stance) -> ClaimEdit {
    ClaimEdit {
        text: Some(text.into()),
        stance: Some(stance),
        ..ClaimEdit::default()
    }
}

fn add(doc: &Document, parent: Option<&str>, text: &str, stance: Stance) -> String {
    doc.add_claim(parent, None, &claim(text, stance), "Louise", 1_000)
        .expect("adds")
        .0
}

/// Two copies of one map: a question, two pros, a con with an answer.
struct Sample {
    a: Document,
    b: Document,
    question: String,
    pro1: String,
    pro2: String,
    con: String,
    answer: String,
}

fn sample() -> Sample {
    let a = Document::new(1);
    let question = add(
        &a,
        None,
        "Faut-il la gratuité des transports ?",
        Stance::Pro,
    );
    let pro1 = add(
        &a,
        Some(&question),
        "Elle rend la ville à tous.",
        Stance::Pro,
    );
    let pro2 = add(
        &a,
        Some(&question),
        "Elle réduit la pollution.",
        Stance::Pro,
    );
    let con = add(&a, Some(&question), "Elle coûte trop cher.", Stance::Con);
    let answer = add(
        &a,
        Some(&con),
        "La billetterie coûte déjà cher.",
        Stance::Con,
    );
    let b = Document::new(2);
    sync(&a, &b);
    Sample {
        a,
        b,
        question,
        pro1,
        pro2,
        con,
        answer,
    }
}

/// Every shown claim reaches the top without passing twice anywhere, and
/// the children lists hold each shown claim once.
fn assert_tree(map: &ArgMap) {
    let walked = map.walk();
    assert_eq!(walked.len(), map.len(), "the walk shows every claim once");
    let mut seen = HashSet::new();
    for (id, depth) in &walked {
        assert!(seen.insert(*id), "{id} shown twice");
        assert_eq!(map.depth(id), *depth);
    }
}

fn shape(map: &ArgMap) -> Vec<(String, Option<String>)> {
    map.walk()
        .into_iter()
        .map(|(id, _)| (id.to_owned(), map.parent(id).map(str::to_owned)))
        .collect()
}

#[test]
fn claims_stand_in_a_tree_with_their_roles_and_order() {
    let s = sample();
    let map = s.b.arguments();
    assert_tree(&map);
    assert_eq!(map.roots(), std::slice::from_ref(&s.question));
    assert_eq!(
        map.children(&s.question),
        [s.pro1.clone(), s.pro2.clone(), s.con.clone()]
    );
    assert_eq!(map.role(&s.question), Role::Question);
    assert_eq!(map.role(&s.pro1), Role::Pro);
    assert_eq!(map.role(&s.con), Role::Con);
    assert_eq!(map.role(&s.answer), Role::Answer);
    assert_eq!(map.side(&s.con), Stance::Con);
    assert_eq!(map.side(&s.answer), Stance::Pro);
    let objection = add(
        &s.a,
        Some(&s.pro1),
        "Les bus sont déjà pleins.",
        Stance::Con,
    );
    let support = add(&s.a, Some(&s.pro1), "Tallinn l'a fait.", Stance::Pro);
    let map = s.a.arguments();
    assert_eq!(map.role(&objection), Role::Objection);
    assert_eq!(map.role(&support), Role::Support);
    assert_eq!(map.claim(&s.pro1).unwrap().author, "Louise");
    assert_eq!(map.descendants(&s.question), 6);
    let (pros, cons) = map.pros_and_cons(&s.question);
    assert_eq!(pros.len(), 2);
    assert_eq!(cons.len(), 1);

    // Placed at an index: between the two pros.
    let (middle, _) =
        s.a.add_claim(
            Some(&s.question),
            Some(1),
            &claim("Entre les deux.", Stance::Pro),
            "Jean",
            2,
        )
        .unwrap();
    let map = s.a.arguments();
    assert_eq!(map.children(&s.question)[1], middle);
    assert_eq!(map.children(&s.question).len(), 4);
}

#[test]
fn an_empty_or_long_statement_and_an_unknown_parent_are_refused() {
    let doc = Document::new(1);
    assert_eq!(
        doc.add_claim(None, None, &claim("  ", Stance::Pro), "L", 1),
        Err(ArgError::Empty)
    );
    let long = "x".repeat(MAX_TEXT + 1);
    assert_eq!(
        doc.add_claim(None, None, &claim(&long, Stance::Pro), "L", 1),
        Err(ArgError::TooLong)
    );
    assert_eq!(
        doc.add_claim(Some("nope"), None, &claim("A", Stance::Pro), "L", 1),
        Err(ArgError::NotFound)
    );
    assert!(doc.arguments().is_empty());
}

#[test]
fn a_move_under_its_own_descendant_is_refused_here() {
    let s = sample();
    assert_eq!(
        s.a.move_claim(&s.con, Some(&s.answer), 0, 5),
        Err(ArgError::Cycle)
    );
    assert_eq!(
        s.a.move_claim(&s.con, Some(&s.con), 0, 5),
        Err(ArgError::Cycle)
    );
    // Moving it under a pro works, and takes its answer along.
    s.a.move_claim(&s.con, Some(&s.pro1), 0, 5).unwrap();
    let map = s.a.arguments();
    assert_eq!(map.parent(&s.con), Some(s.pro1.as_str()));
    assert_eq!(map.parent(&s.answer), Some(s.con.as_str()));
    assert_eq!(map.role(&s.con), Role::Objection);
    assert_tree(&map);
    // To the top, then first among the top.
    s.a.move_claim(&s.answer, None, 0, 6).unwrap();
    let map = s.a.arguments();
    assert_eq!(map.roots()[0], s.answer);
    assert_eq!(map.role(&s.answer), Role::Question);
}

#[test]
fn two_people_moving_two_claims_under_each_other_converge_without_a_loop() {
    let s = sample();
    // Alice puts pro1 under pro2; Bob, at the same time, pro2 under pro1.
    s.a.move_claim(&s.pro1, Some(&s.pro2), 0, 10).unwrap();
    s.b.move_claim(&s.pro2, Some(&s.pro1), 0, 10).unwrap();
    assert_eq!(s.a.arguments().parent(&s.pro1), Some(s.pro2.as_str()));
    assert_eq!(s.b.arguments().parent(&s.pro2), Some(s.pro1.as_str()));
    sync(&s.a, &s.b);
    let (ma, mb) = (s.a.arguments(), s.b.arguments());
    assert_tree(&ma);
    assert_tree(&mb);
    assert_eq!(shape(&ma), shape(&mb), "both copies show the same tree");
    // Exactly one of the two moves holds, the other is said refused.
    let one = ma.parent(&s.pro1) == Some(s.pro2.as_str());
    let other = ma.parent(&s.pro2) == Some(s.pro1.as_str());
    assert!(one ^ other, "one move holds");
    assert_eq!(ma.refused.len(), 1);
    assert_eq!(ma.refused[0].why, RefusedWhy::Cycle);
    assert_eq!(ma.refused, mb.refused);
}

#[test]
fn a_three_way_concurrent_loop_is_broken_the_same_way_everywhere() {
    let s = sample();
    let c = Document::new(3);
    sync(&s.a, &c);
    // A→B, B→C, C→A: each alone fine, together a loop.
    s.a.move_claim(&s.pro1, Some(&s.pro2), 0, 10).unwrap();
    s.b.move_claim(&s.pro2, Some(&s.con), 0, 10).unwrap();
    c.move_claim(&s.con, Some(&s.pro1), 0, 10).unwrap();
    sync(&s.a, &s.b);
    sync(&s.b, &c);
    sync(&s.a, &c);
    let maps = [s.a.arguments(), s.b.arguments(), c.arguments()];
    for map in &maps {
        assert_tree(map);
        assert_eq!(map.len(), 5);
        assert_eq!(map.refused.len(), 1);
    }
    assert_eq!(shape(&maps[0]), shape(&maps[1]));
    assert_eq!(shape(&maps[1]), shape(&maps[2]));
}

/// A small generator, the same on every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[test]
fn many_random_concurrent_moves_never_loop_and_converge() {
    let mut rng = Lcg(7);
    for round in 0..20 {
        let origin = Document::new(100);
        let mut ids = Vec::new();
        let top = add(&origin, None, "Q", Stance::Pro);
        ids.push(top.clone());
        for i in 0..12 {
            let parent = ids[rng.next(ids.len())].clone();
            ids.push(add(&origin, Some(&parent), &format!("c{i}"), Stance::Pro));
        }
        let copies: Vec<Document> = (0..3u64)
            .map(|n| {
                let d = Document::new(200 + n);
                d.apply_remote(&origin.encode_state()).unwrap();
                d
            })
            .collect();
        for copy in &copies {
            for _ in 0..6 {
                let map = copy.arguments();
                let id = &ids[rng.next(ids.len())];
                let to = &ids[rng.next(ids.len())];
                if map.is_under(to, id) {
                    assert_eq!(copy.move_claim(id, Some(to), 0, 1), Err(ArgError::Cycle));
                } else {
                    let index = rng.next(4);
                    copy.move_claim(id, Some(to), index, 1).unwrap();
                }
            }
        }
        for a in &copies {
            for b in &copies {
                sync(a, b);
            }
        }
        let first = shape(&copies[0].arguments());
        for copy in &copies {
            let map = copy.arguments();
            assert_tree(&map);
            assert_eq!(map.len(), ids.len(), "round {round}: nothing lost");
            assert_eq!(shape(&map), first, "round {round}: converged");
        }
    }
}

#[test]
fn two_people_rewording_one_claim_both_keep_their_words() {
    let s = sample();
    let edit = |text: &str| ClaimEdit {
        text: Some(text.into()),
        ..ClaimEdit::default()
    };
    s.a.edit_claim(
        &s.pro1,
        &edit("Elle rend vraiment la ville à tous."),
        "Louise",
        5,
    )
    .unwrap()
    .expect("changed");
    s.b.edit_claim(
        &s.pro1,
        &edit("Elle rend la ville à tous, enfin."),
        "Jean",
        6,
    )
    .unwrap()
    .expect("changed");
    sync(&s.a, &s.b);
    let text = s.a.arguments().claim(&s.pro1).unwrap().text.clone();
    assert_eq!(text, "Elle rend vraiment la ville à tous, enfin.");
    assert_eq!(s.b.arguments().claim(&s.pro1).unwrap().text, text);
    // Nothing changed: no update.
    assert_eq!(s.a.edit_claim(&s.pro1, &edit(&text), "Louise", 7), Ok(None));
    assert_eq!(
        s.a.edit_claim(&s.pro1, &edit(" "), "Louise", 7),
        Err(ArgError::Empty)
    );
}

#[test]
fn tags_sources_and_the_explanation_are_kept_and_cleaned() {
    let s = sample();
    let edit = ClaimEdit {
        note: Some("Voir **Tallinn**.".into()),
        tags: Some(vec![
            "#budget".into(),
            " budget ".into(),
            "écologie".into(),
            "".into(),
        ]),
        sources: Some(vec![
            Source {
                url: "https://example.org/etude".into(),
                title: "Étude".into(),
                quote: "".into(),
                date: "2024".into(),
            },
            Source::default(),
        ]),
        stance: Some(Stance::Con),
        ..ClaimEdit::default()
    };
    s.a.edit_claim(&s.pro2, &edit, "Jean", 9).unwrap().unwrap();
    sync(&s.a, &s.b);
    let map = s.b.arguments();
    let c = map.claim(&s.pro2).unwrap();
    assert_eq!(c.note, "Voir **Tallinn**.");
    assert_eq!(c.tags, ["budget", "écologie"]);
    assert_eq!(c.sources.len(), 1);
    assert_eq!(c.sources[0].title, "Étude");
    assert_eq!(c.stance, Stance::Con);
    assert_eq!(c.edited_by, "Jean");
    assert_eq!(map.tags().get("budget"), Some(&1));
}

#[test]
fn deleting_hides_the_branch_and_restoring_brings_it_back() {
    let s = sample();
    s.a.delete_claim(&s.con, true, "Louise", 20).unwrap();
    let map = s.a.arguments();
    assert!(!map.is_visible(&s.con));
    assert!(!map.is_visible(&s.answer), "what is under it goes too");
    assert_eq!(map.len(), 3);
    assert_eq!(map.deleted()[0].id, s.con);
    assert_tree(&map);
    // Someone offline adds under the deleted claim: hidden with it.
    let late = add(&s.b, Some(&s.answer), "Et la santé.", Stance::Pro);
    sync(&s.a, &s.b);
    assert!(!s.a.arguments().is_visible(&late));
    s.a.delete_claim(&s.con, false, "Louise", 21).unwrap();
    let map = s.a.arguments();
    assert!(map.is_visible(&s.con) && map.is_visible(&s.answer) && map.is_visible(&late));
    assert_eq!(map.parent(&late), Some(s.answer.as_str()));
}

#[test]
fn a_merged_duplicate_leaves_the_tree_and_what_was_under_it_follows() {
    let s = sample();
    let dup = add(
        &s.a,
        Some(&s.question),
        "La gratuité rend la ville à tous.",
        Stance::Pro,
    );
    let under_dup = add(
        &s.a,
        Some(&dup),
        "Les quartiers éloignés surtout.",
        Stance::Pro,
    );
    sync(&s.a, &s.b);
    assert_eq!(
        s.a.merge_claims(&s.question, &s.pro1, "L", 1),
        Err(ArgError::BadMerge)
    );
    assert_eq!(
        s.a.merge_claims(&dup, &dup, "L", 1),
        Err(ArgError::BadMerge)
    );
    s.a.merge_claims(&dup, &s.pro1, "Louise", 30).unwrap();
    // Meanwhile, offline, Bob adds under the duplicate.
    let late = add(&s.b, Some(&dup), "Et les familles.", Stance::Pro);
    sync(&s.a, &s.b);
    let map = s.b.arguments();
    assert_tree(&map);
    assert!(!map.is_visible(&dup));
    assert_eq!(map.merged_into(&s.pro1), std::slice::from_ref(&dup));
    assert_eq!(map.parent(&under_dup), Some(s.pro1.as_str()));
    assert_eq!(map.parent(&late), Some(s.pro1.as_str()));
    assert_eq!(map.resolve(&dup), s.pro1);
    // Endorsements of the duplicate count for the claim.
    let mut standings = Standings::new();
    standings.insert(
        dup.clone(),
        Standing {
            endorsers: 2,
            votes: [0; 5],
        },
    );
    standings.insert(
        s.pro1.clone(),
        Standing {
            endorsers: 1,
            votes: [0; 5],
        },
    );
    assert_eq!(rank::standing(&map, &standings, &s.pro1).endorsers, 3);
    // Undone: it stands again.
    s.a.unmerge_claim(&dup, "Louise", 31).unwrap();
    assert!(s.a.arguments().is_visible(&dup));
}

#[test]
fn two_duplicates_merged_into_each_other_at_once_still_show_one() {
    let s = sample();
    s.a.merge_claims(&s.pro1, &s.pro2, "L", 1).unwrap();
    s.b.merge_claims(&s.pro2, &s.pro1, "J", 1).unwrap();
    sync(&s.a, &s.b);
    let (ma, mb) = (s.a.arguments(), s.b.arguments());
    assert_tree(&ma);
    assert_eq!(shape(&ma), shape(&mb));
    let shown = [&s.pro1, &s.pro2]
        .iter()
        .filter(|id| ma.is_visible(id))
        .count();
    assert_eq!(shown, 1, "one of the two stands");
}

#[test]
fn a_claim_merged_into_what_is_under_it_gives_it_its_place() {
    let s = sample();
    // Merged from a copy that did not yet know the answer was under it
    // (the mark written directly: merge_claims refuses it here).
    let mut txn = s.a.doc.transact_mut();
    let Some(Out::YMap(node)) = s.a.claims.get(&txn, &s.con) else {
        panic!("the claim is a map")
    };
    node.insert(&mut txn, key::DUPLICATE_OF, s.answer.as_str());
    drop(txn);
    let map = s.a.arguments();
    assert_tree(&map);
    assert_eq!(
        map.parent(&s.answer),
        Some(s.question.as_str()),
        "in its place"
    );
    assert_eq!(map.len(), 4);
}

#[test]
fn a_loop_through_a_merge_is_placed_at_the_top_and_reported() {
    let s = sample();
    let deeper = add(&s.a, Some(&s.answer), "Et l'entretien aussi.", Stance::Pro);
    // The con merged into a claim under its own child: that claim's
    // parent (the answer) is under the con, which now is that claim.
    let mut txn = s.a.doc.transact_mut();
    let Some(Out::YMap(node)) = s.a.claims.get(&txn, &s.con) else {
        panic!("the claim is a map")
    };
    node.insert(&mut txn, key::DUPLICATE_OF, deeper.as_str());
    drop(txn);
    let map = s.a.arguments();
    assert_tree(&map);
    assert!(
        map.is_visible(&s.answer) && map.is_visible(&deeper),
        "both still show"
    );
    assert_eq!(map.len(), 5);
    assert!(map.refused.iter().any(|r| r.why == RefusedWhy::Unreachable));
}

#[test]
fn the_filter_finds_words_without_accents_and_keeps_ancestors_open() {
    let s = sample();
    let tags = ClaimEdit {
        tags: Some(vec!["budget".into()]),
        ..ClaimEdit::default()
    };
    s.a.edit_claim(&s.answer, &tags, "L", 1).unwrap();
    let map = s.a.arguments();
    let found = map.filter("billetterie", None);
    assert_eq!(found.matches, HashSet::from([s.answer.clone()]));
    assert_eq!(
        found.open,
        HashSet::from([s.question.clone(), s.con.clone()])
    );
    assert_eq!(
        map.filter("POLLUTION reduit", None).matches,
        HashSet::from([s.pro2.clone()])
    );
    assert_eq!(
        map.filter("", Some("budget")).matches,
        HashSet::from([s.answer.clone()])
    );
    assert!(map.filter("pollution", Some("budget")).matches.is_empty());
}

#[test]
fn endorsements_and_votes_are_signed_records_the_latest_counting() {
    let s = sample();
    let room = Document::new(50);
    let mut book = Book::new(ROOM);
    let louise = member(1, "Louise");
    let jean = member(2, "Jean");
    let append = |book: &mut Book, line: String| {
        room.append_record(&line);
        book.refresh(&room);
    };
    let line = book.endorse(&louise.identity, &s.pro2, true, "Louise", 1);
    append(&mut book, line);
    let line = book.endorse(&jean.identity, &s.pro2, true, "Jean", 2);
    append(&mut book, line);
    let line = book.endorse(&jean.identity, &s.pro2, false, "Jean", 3);
    append(&mut book, line);
    let line = book.endorse(&jean.identity, &s.pro1, true, "Jean", 3);
    append(&mut book, line);
    let line = book
        .rate(&louise.identity, &s.pro1, Some(4), "Louise", 4)
        .unwrap();
    append(&mut book, line);
    let line = book
        .rate(&jean.identity, &s.pro1, Some(1), "Jean", 4)
        .unwrap();
    append(&mut book, line);
    let line = book
        .rate(&jean.identity, &s.pro1, Some(3), "Jean", 5)
        .unwrap();
    append(&mut book, line);
    assert!(book
        .rate(&jean.identity, &s.pro1, Some(5), "Jean", 5)
        .is_none());
    let (names, mine) = book.endorsers(&s.pro2, Some(&louise.identity.public()));
    assert_eq!(names, ["Louise"]);
    assert!(mine);
    assert_eq!(book.my_impact(&s.pro1, &jean.identity.public()), Some(3));
    let standings = book.standings();
    assert_eq!(standings[&s.pro2].endorsers, 1);
    assert_eq!(standings[&s.pro1].endorsers, 1);
    assert_eq!(standings[&s.pro1].votes, [0, 0, 0, 1, 1]);
    assert_eq!(standings[&s.pro1].mean(), Some(3.5));
    // A copy that reads the records in another order agrees.
    let mut other = Book::new(ROOM);
    let lines: Vec<String> = crate::amendments::log::Reader::default().read(&room).lines;
    other.ingest_all(lines.iter().rev().map(String::as_str));
    assert_eq!(other.standings(), standings);
    // Ranked: equal endorsements, pro1 the stronger.
    let map = s.a.arguments();
    assert_eq!(
        ranked(&map, &standings, &[&s.pro2, &s.pro1]),
        [s.pro1.clone(), s.pro2.clone()]
    );
}

#[test]
fn ranking_puts_use_first_then_strength_then_the_maps_order() {
    let s = sample();
    let map = s.a.arguments();
    let mut standings = Standings::new();
    let ids = [s.pro1.clone(), s.pro2.clone(), s.con.clone()];
    assert_eq!(
        ranked(&map, &standings, &ids),
        ids,
        "no votes: the map's order"
    );
    standings.insert(
        s.con.clone(),
        Standing {
            endorsers: 0,
            votes: [0, 0, 0, 0, 2],
        },
    );
    standings.insert(
        s.pro1.clone(),
        Standing {
            endorsers: 0,
            votes: [3, 0, 0, 0, 0],
        },
    );
    assert_eq!(
        ranked(&map, &standings, &ids),
        [s.con.clone(), s.pro2.clone(), s.pro1.clone()]
    );
    standings.insert(
        s.pro1.clone(),
        Standing {
            endorsers: 1,
            votes: [3, 0, 0, 0, 0],
        },
    );
    assert_eq!(ranked(&map, &standings, &ids)[0], s.pro1);
}

#[test]
fn the_sheet_takes_the_strongest_and_respects_the_persons_choice() {
    let s = sample();
    let pro3 = add(
        &s.a,
        Some(&s.question),
        "Elle crée des emplois.",
        Stance::Pro,
    );
    let pro4 = add(&s.a, Some(&s.question), "Elle simplifie tout.", Stance::Pro);
    let objection = add(&s.a, Some(&s.pro2), "Les voitures restent.", Stance::Con);
    let answer2 = add(
        &s.a,
        Some(&objection),
        "Moins, chiffres à l'appui.",
        Stance::Con,
    );
    let weak_answer = add(&s.a, Some(&objection), "Pas toutes.", Stance::Con);
    let unanswered = add(&s.a, Some(&s.pro1), "Personne ne le demande.", Stance::Con);
    let source = Source {
        url: "https://example.org/tallinn".into(),
        title: "Tallinn, dix ans après".into(),
        quote: String::new(),
        date: "2023".into(),
    };
    let with_source = ClaimEdit {
        sources: Some(vec![source.clone()]),
        ..ClaimEdit::default()
    };
    s.a.edit_claim(&pro4, &with_source, "L", 1).unwrap();
    s.a.edit_claim(&answer2, &with_source, "L", 1).unwrap();
    let map = s.a.arguments();
    let mut standings = Standings::new();
    standings.insert(
        pro4.clone(),
        Standing {
            endorsers: 3,
            votes: [0; 5],
        },
    );
    standings.insert(
        pro3.clone(),
        Standing {
            endorsers: 2,
            votes: [0; 5],
        },
    );
    standings.insert(
        answer2.clone(),
        Standing {
            endorsers: 1,
            votes: [0; 5],
        },
    );
    let subject = Subject::Claim(s.question.clone());
    let found = candidates(&map, &standings, &subject);
    assert_eq!(
        found.arguments,
        [pro4.clone(), pro3.clone(), s.pro1.clone(), s.pro2.clone()]
    );
    // Objections nobody endorsed: in the map's order (pro2's branch
    // comes before the con).
    assert_eq!(
        found.pairs,
        [
            (objection.clone(), answer2.clone()),
            (s.con.clone(), s.answer.clone())
        ]
    );
    assert!(!found.pairs.iter().any(|(_, we)| *we == weak_answer));
    assert_eq!(found.unanswered, std::slice::from_ref(&unanswered));

    let sheet = select(&map, &standings, &subject, &Choice::default()).unwrap();
    assert_eq!(sheet.key_message, "Faut-il la gratuité des transports ?");
    let texts: Vec<&str> = sheet.arguments.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Elle simplifie tout.",
            "Elle crée des emplois.",
            "Elle rend la ville à tous."
        ]
    );
    assert_eq!(sheet.pairs.len(), 2);
    // One source, cited twice, one footnote.
    assert_eq!(sheet.sources, [source]);
    assert_eq!(sheet.arguments[0].notes, [1]);
    let pair = sheet.pairs.iter().find(|p| p.they.id == objection).unwrap();
    assert_eq!(pair.we.notes, [1]);

    // The person's choice and order, and their key message.
    let choice = Choice {
        arguments: Some(vec![
            s.pro2.clone(),
            "gone".into(),
            s.pro2.clone(),
            pro3.clone(),
        ]),
        pairs: Some(vec![
            (objection.clone(), weak_answer.clone()),
            ("gone".into(), s.answer.clone()),
            (s.con.clone(), "gone".into()),
        ]),
        key_message: Some("  Gratuits, ensemble.  ".into()),
    };
    let sheet = select(&map, &standings, &subject, &choice).unwrap();
    let ids: Vec<&str> = sheet.arguments.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, [s.pro2.as_str(), pro3.as_str()]);
    assert_eq!(sheet.pairs.len(), 1);
    assert_eq!(sheet.pairs[0].we.id, weak_answer);
    assert_eq!(sheet.key_message, "Gratuits, ensemble.");
    assert!(sheet.sources.is_empty());

    assert!(select(&map, &standings, &Subject::Claim("gone".into()), &choice).is_none());
}

#[test]
fn a_sheet_by_tag_gathers_the_tagged_claims() {
    let s = sample();
    let tag = ClaimEdit {
        tags: Some(vec!["budget".into()]),
        ..ClaimEdit::default()
    };
    s.a.edit_claim(&s.pro2, &tag, "L", 1).unwrap();
    s.a.edit_claim(&s.con, &tag, "L", 1).unwrap();
    // An answer on the question's side is not an argument of the sheet.
    s.a.edit_claim(&s.answer, &tag, "L", 1).unwrap();
    let map = s.a.arguments();
    let sheet = select(
        &map,
        &Standings::new(),
        &Subject::Tag("budget".into()),
        &Choice::default(),
    )
    .unwrap();
    assert_eq!(sheet.subject, "#budget");
    assert_eq!(sheet.key_message, "Faut-il la gratuité des transports ?");
    assert_eq!(sheet.arguments.len(), 1);
    assert_eq!(sheet.arguments[0].id, s.pro2);
    assert_eq!(sheet.pairs.len(), 1);
    assert_eq!(sheet.pairs[0].we.id, s.answer);
    assert!(select(
        &map,
        &Standings::new(),
        &Subject::Tag("none".into()),
        &Choice::default()
    )
    .is_none());
}

#[test]
fn a_co_authors_hostile_entries_do_not_break_the_map() {
    let s = sample();
    // Placements that name nothing, bad types, a parent that is not there.
    let mut txn = s.b.doc.transact_mut();
    s.b.moves.push_back(&mut txn, Any::from("not a map"));
    let bad: HashMap<String, Any> = [
        (at::CLAIM.to_owned(), Any::from(s.pro1.as_str())),
        (at::PARENT.to_owned(), Any::from("nobody")),
    ]
    .into_iter()
    .collect();
    s.b.moves.push_back(&mut txn, Any::from(bad));
    s.b.claims.insert(&mut txn, "junk", Any::from(12));
    // A claim under the empty id, which names the top.
    let top: yrs::MapRef = s.b.claims.insert(&mut txn, "", yrs::MapPrelim::default());
    top.insert(&mut txn, key::TEXT, "Moi, en haut");
    drop(txn);
    sync(&s.a, &s.b);
    let map = s.a.arguments();
    assert_tree(&map);
    assert_eq!(map.len(), 5);
    assert_eq!(map.parent(&s.pro1), Some(s.question.as_str()));
    assert!(map.refused.iter().any(|r| r.why == RefusedWhy::NoParent));
}

mod citations {
    use super::super::cite::{status, Quote, Standing as Quoted};
    use super::*;
    use crate::amendments::fixture::text;

    fn quote(s: &Sample, claim: &str) -> Quote {
        Quote {
            map: "v/abc".into(),
            map_title: "Transports".into(),
            claim: claim.to_owned(),
            wording: s.a.arguments().claim(claim).unwrap().text.clone(),
        }
    }

    #[test]
    fn a_quote_goes_in_as_its_own_paragraph_and_follows_the_text() {
        let s = sample();
        let doc = text("Nous demandons la gratuité.\nVoici pourquoi.");
        let at = "Nous demandons la gratuité.".encode_utf16().count() as u32;
        let super::super::cite::Cited { id, range, .. } =
            doc.cite(at, &quote(&s, &s.pro1), "Louise", 5).unwrap();
        assert_eq!(
            doc.body(),
            "Nous demandons la gratuité.\n\n> Elle rend la ville à tous.\n\nVoici pourquoi."
        );
        let list = doc.citations();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].id, id);
        assert_eq!(list[0].range, Some(range));
        assert_eq!(list[0].map, "v/abc");
        // A co-author's copy sees it too, and the range follows edits
        // before it.
        let other = crate::amendments::fixture::copy(&doc, 9);
        other
            .edit_body(&crate::edit::Edit {
                start: 0,
                delete: 0,
                insert: "Motion. ".into(),
            })
            .unwrap();
        let (start, end) = other.citations()[0].range.unwrap();
        let units: Vec<u16> = other.body().encode_utf16().collect();
        assert_eq!(
            String::from_utf16_lossy(&units[start as usize..end as usize]),
            "Elle rend la ville à tous."
        );
    }

    #[test]
    fn a_reworded_claim_is_offered_and_the_update_replaces_only_the_quote() {
        let s = sample();
        let doc = text("Début.");
        let id = doc.cite(6, &quote(&s, &s.pro1), "Louise", 5).unwrap().id;
        let citation = doc.citations().remove(0);
        assert_eq!(status(&citation, &s.a.arguments()), Quoted::Current);
        let reword = ClaimEdit {
            text: Some("Elle rend enfin la ville à toutes et à tous.".into()),
            ..ClaimEdit::default()
        };
        s.a.edit_claim(&s.pro1, &reword, "Jean", 6).unwrap();
        let Quoted::Changed(now) = status(&citation, &s.a.arguments()) else {
            panic!("the change is seen")
        };
        // The text around was edited meanwhile.
        let body = doc.body();
        doc.edit_body(&crate::edit::Edit {
            start: crate::edit::utf16_len(&body),
            delete: 0,
            insert: "Fin.".into(),
        })
        .unwrap();
        doc.update_citation(&id, &now, "Louise", 7).unwrap();
        assert_eq!(
            doc.body(),
            "Début.\n\n> Elle rend enfin la ville à toutes et à tous.\nFin."
        );
        let citation = doc.citations().remove(0);
        assert_eq!(citation.wording, now);
        assert_eq!(status(&citation, &s.a.arguments()), Quoted::Current);
        // Its range is the new words.
        let (start, end) = citation.range.unwrap();
        let units: Vec<u16> = doc.body().encode_utf16().collect();
        assert_eq!(
            String::from_utf16_lossy(&units[start as usize..end as usize]),
            now
        );
    }

    #[test]
    fn a_deleted_claim_or_deleted_words_are_said() {
        let s = sample();
        let doc = text("");
        let cited = doc.cite(0, &quote(&s, &s.pro2), "Louise", 5).unwrap();
        let (id, (start, end)) = (cited.id, cited.range);
        assert_eq!(doc.body(), "> Elle réduit la pollution.\n");
        s.a.delete_claim(&s.pro2, true, "Jean", 6).unwrap();
        assert_eq!(status(&doc.citations()[0], &s.a.arguments()), Quoted::Gone);
        doc.edit_body(&crate::edit::Edit {
            start,
            delete: end - start,
            insert: String::new(),
        })
        .unwrap();
        assert_eq!(doc.citations()[0].range, None);
        assert_eq!(
            doc.update_citation(&id, "Autre.", "L", 7),
            Err(super::super::cite::CiteError::Gone)
        );
        assert_eq!(
            doc.update_citation("nope", "Autre.", "L", 7),
            Err(super::super::cite::CiteError::NotFound)
        );
        assert_eq!(
            doc.cite(999, &quote(&s, &s.pro1), "L", 1).map(|_| ()),
            Err(super::super::cite::CiteError::OutOfRange)
        );
    }
}

#[test]
fn a_generated_map_of_two_thousand_claims_goes_eight_deep_in_one_update() {
    let specs = generate::map(2_000);
    assert_eq!(generate::depth(&specs), 8);
    let doc = Document::new(5);
    let (ids, updates) = doc.add_tree(&specs, None, "Bench", 1);
    assert_eq!(ids.len(), 2_000);
    assert!(ids.iter().all(|id| !id.is_empty()));
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        2_000,
        "ids are unique"
    );
    assert_eq!(updates.len(), 20);
    let largest = updates.iter().map(Vec::len).max().unwrap();
    assert!(largest < 64 * 1024, "an update fits a frame: {largest} B");
    let copy = Document::new(6);
    for update in &updates {
        copy.apply_remote(update).unwrap();
    }
    let map = copy.arguments();
    assert_tree(&map);
    assert_eq!(map.len(), 2_000);
    assert_eq!(map.roots().len(), 1);
    assert_eq!(map.walk().iter().map(|(_, d)| *d).max(), Some(7));
    assert_eq!(map.children(&ids[0]).len(), 3);
    assert_eq!(
        map.children(&ids[0])[0],
        ids[1],
        "children keep their order"
    );
    assert_eq!(map.claim(&ids[3]).unwrap().tags, ["écologie"]);
    // Under an existing claim, after its children.
    let more = [generate::Spec {
        parent: None,
        claim: claim("Encore un.", Stance::Pro),
    }];
    let (added, _) = copy.add_tree(&more, Some(&ids[0]), "L", 2);
    let map = copy.arguments();
    assert_eq!(map.children(&ids[0]).last(), Some(&added[0]));
}

#[test]
fn a_filter_up_to_a_limit_keeps_the_first_matches_in_tree_order_and_counts_all() {
    let doc = Document::new(5);
    doc.add_tree(&generate::map(300), None, "Bench", 1);
    let map = doc.arguments();
    let all = map.filter("", Some("budget"));
    assert!(all.found > 10, "enough matches to cut: {}", all.found);
    assert_eq!(all.found, all.matches.len());
    let first = map.filter_upto("", Some("budget"), 10);
    assert_eq!(first.found, all.found, "the count is of every match");
    let in_order: Vec<&str> = map
        .walk()
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| all.matches.contains(*id))
        .take(10)
        .collect();
    assert_eq!(
        first.matches,
        in_order
            .iter()
            .map(|id| id.to_string())
            .collect::<HashSet<_>>()
    );
    let ancestors: HashSet<String> = in_order
        .iter()
        .flat_map(|id| map.ancestors(id))
        .map(str::to_owned)
        .collect();
    assert_eq!(first.open, ancestors, "only the kept matches' ancestors");
    assert!(first.open.len() < all.open.len());
    assert_eq!(map.filter_upto("", Some("budget"), 0).matches.len(), 0);
}

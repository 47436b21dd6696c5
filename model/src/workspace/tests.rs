use yrs::{Map, MapPrelim, Transact};

use super::files::{import_file, markdown_paths, title_from_file, zip_markdown, ImportError};
use super::search::FullText;
use super::*;
use crate::meeting::zip;

const ROOM_A: &str = "AAAAAAAAAAAAAAAAAAAAAA";
const ROOM_B: &str = "BBBBBBBBBBBBBBBBBBBBBB";
const ROOM_C: &str = "CCCCCCCCCCCCCCCCCCCCCC";

fn view(n: u8) -> String {
    format!("v={}.{}.abcd", (b'a' + n) as char, "x".repeat(43))
}

fn add(doc: &Document, room: &str, title: &str, time: i64) -> (String, Vec<u8>) {
    let v = view(room.as_bytes()[0] - b'A');
    doc.add_entry(&NewEntry {
        room,
        kind: Some(EntryKind::Text),
        title,
        view: &v,
        added_by: "Louise",
        time,
        ..NewEntry::default()
    })
    .unwrap()
}

/// Three copies of one workspace, synced.
fn copies() -> (Document, Document, Document) {
    let a = Document::new(1);
    let b = Document::new(2);
    let c = Document::new(3);
    let first = a.new_workspace("Section Nord", "🌹", 1);
    b.apply_remote(&first).unwrap();
    c.apply_remote(&first).unwrap();
    (a, b, c)
}

fn sync(docs: &[&Document]) {
    let states: Vec<Vec<u8>> = docs.iter().map(|d| d.encode_state()).collect();
    for doc in docs {
        for state in &states {
            doc.apply_remote(state).unwrap();
        }
    }
}

#[test]
fn a_new_workspace_has_its_name_emblem_and_kind() {
    let (a, _, _) = copies();
    let ws = a.workspace();
    assert_eq!(ws.name, "Section Nord");
    assert_eq!(ws.emblem, "🌹");
    assert_eq!(a.meta().kind, Some(DocKind::Workspace));
    assert!(ws.entries.is_empty());
    a.set_workspace("  Section Sud ", "#aa3355");
    assert_eq!(a.workspace().name, "Section Sud");
    assert_eq!(a.workspace().emblem, "#aa3355");
}

#[test]
fn concurrent_additions_moves_and_removals_merge_in_every_copy() {
    let (a, b, c) = copies();
    let (x, _) = add(&a, ROOM_A, "Motion", 10);
    let (y, _) = add(&a, ROOM_B, "Tract", 11);
    sync(&[&a, &b, &c]);
    let (folder, _) = a.add_folder("Congrès", 12).unwrap();
    sync(&[&a, &b, &c]);

    // At once: A moves x into the folder, B pins x and adds a document,
    // C removes y.
    a.move_entry(&x, &folder).unwrap();
    b.pin_entry(&x, true).unwrap();
    let (z, _) = add(&b, ROOM_C, "Argumentaire", 13);
    c.remove_entry(&y).unwrap();
    sync(&[&a, &b, &c]);

    let ws = a.workspace();
    assert_eq!(ws, b.workspace());
    assert_eq!(ws, c.workspace());
    let ids: Vec<&str> = sorted(&ws.entries, Sort::Title).iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, vec![x.as_str(), z.as_str()], "pinned first, then by title; y removed");
    let moved = ws.entry(&x).unwrap();
    assert_eq!(moved.folder, folder, "the move holds");
    assert!(moved.pinned, "the pin made at the same time holds too");
    assert!(ws.entry(&y).is_none(), "the removal holds");
}

#[test]
fn a_removal_wins_over_a_concurrent_move_and_a_removed_folder_sends_its_documents_to_the_top() {
    let (a, b, _) = copies();
    let (x, _) = add(&a, ROOM_A, "Motion", 10);
    let (w, _) = add(&a, ROOM_B, "Tract", 10);
    let (folder, _) = a.add_folder("Congrès", 12).unwrap();
    sync(&[&a, &b]);
    a.remove_entry(&x).unwrap();
    b.move_entry(&x, &folder).unwrap();
    // A removes the folder while B moves another document into it.
    a.remove_folder(&folder).unwrap();
    b.move_entry(&w, &folder).unwrap();
    sync(&[&a, &b]);
    let ws = a.workspace();
    assert_eq!(ws, b.workspace());
    assert!(ws.entry(&x).is_none());
    assert!(ws.folders.is_empty());
    assert_eq!(ws.entry(&w).unwrap().folder, "", "a document of a folder that is gone is at the top");
    assert_eq!(a.move_entry(&w, &folder), Err(WsError::NotFound));
}

#[test]
fn one_document_added_twice_at_once_is_listed_once_the_same_in_every_copy() {
    let (a, b, _) = copies();
    let (first, _) = add(&a, ROOM_A, "Motion", 10);
    let (second, _) = add(&b, ROOM_A, "Motion (copie)", 20);
    sync(&[&a, &b]);
    let ws = a.workspace();
    assert_eq!(ws, b.workspace());
    assert_eq!(ws.entries.len(), 1);
    assert_eq!(ws.entries[0].id, first, "the earliest addition is kept");
    assert_eq!(ws.entries[0].title, "Motion (copie)", "with the freshest title");
    assert_eq!(ws.duplicates, vec![second]);
}

#[test]
fn titles_are_kept_up_to_date_and_an_entry_up_to_date_sends_nothing() {
    let (a, b, _) = copies();
    let (x, _) = add(&a, ROOM_A, "Motion", 10);
    sync(&[&a, &b]);
    assert_eq!(b.set_entry_title(&x, "Motion", 10).unwrap(), None);
    let update = b.set_entry_title(&x, "Motion d'orientation", 50).unwrap().unwrap();
    a.apply_remote(&update).unwrap();
    let entry = a.workspace().entry(&x).cloned().unwrap();
    assert_eq!(entry.title, "Motion d'orientation");
    assert_eq!(entry.activity, 50);
    // An older sighting does not move the activity back.
    a.set_entry_title(&x, "Motion d'orientation", 40).unwrap();
    assert_eq!(a.workspace().entry(&x).unwrap().activity, 50);
    let (y, _) = add(&a, ROOM_B, "Tract", 30);
    let ws = a.workspace();
    let recent: Vec<&str> = sorted(&ws.entries, Sort::Recent).iter().map(|e| e.id.as_str()).collect();
    assert_eq!(recent, vec![x.as_str(), y.as_str()], "most recent activity first");
}

#[test]
fn what_a_hostile_co_member_writes_is_skipped_and_counted_never_trusted() {
    let (a, _, _) = copies();
    add(&a, ROOM_A, "Motion", 10);
    {
        let mut txn = a.doc.transact_mut();
        a.entries.insert(&mut txn, "plain", "not a map");
        a.entries.insert(
            &mut txn,
            "no-room",
            MapPrelim::from([(schema::entry::VIEW, yrs::In::Any(Any::from("v=abc")))]),
        );
        a.entries.insert(
            &mut txn,
            "edit-link-in-view",
            MapPrelim::from([
                (schema::entry::ROOM, yrs::In::Any(Any::from(ROOM_B))),
                (schema::entry::VIEW, yrs::In::Any(Any::from("e=secret.abcd"))),
            ]),
        );
        a.entries.insert(
            &mut txn,
            "long",
            MapPrelim::from([
                (schema::entry::ROOM, yrs::In::Any(Any::from(ROOM_C))),
                (schema::entry::VIEW, yrs::In::Any(Any::from("v=abc.def.ghij"))),
                (schema::entry::TITLE, yrs::In::Any(Any::from("x".repeat(10_000)))),
                (schema::entry::KIND, yrs::In::Any(Any::from("virus"))),
                (schema::entry::ADDED_AT, yrs::In::Any(Any::Number(Number::Float(f64::NAN)))),
            ]),
        );
    }
    let ws = a.workspace();
    assert_eq!(ws.refused, 3, "not a map, no room, an edit link where a view link goes");
    assert_eq!(ws.entries.len(), 2);
    let long = ws.by_room(ROOM_C).unwrap();
    assert_eq!(long.title.chars().count(), MAX_TITLE);
    assert_eq!(long.kind, EntryKind::Text, "an unknown kind reads as a text");
    assert_eq!(long.added_at, 0);
    assert_eq!(long.level, Level::View, "no sealed link: a view link, whatever `level` says");
    assert_eq!(
        a.add_entry(&NewEntry { room: ROOM_A, view: "e=abc", ..NewEntry::default() }),
        Err(WsError::BadView)
    );
    assert_eq!(
        a.add_entry(&NewEntry { room: "short", view: "v=abc", ..NewEntry::default() }),
        Err(WsError::BadRoom)
    );
}

#[test]
fn members_are_listed_renamed_and_removed_for_good() {
    let (a, b, _) = copies();
    let louise = "L".repeat(43);
    let jean = "J".repeat(43);
    a.list_member(&louise, "Louise", true, 1).unwrap();
    a.list_member(&jean, "Jean", false, 2).unwrap();
    sync(&[&a, &b]);
    b.remove_member(&jean, 3).unwrap();
    a.list_member(&jean, "Jean D.", false, 4).unwrap();
    sync(&[&a, &b]);
    let ws = a.workspace();
    assert_eq!(ws, b.workspace());
    let current: Vec<&str> = ws.current_members().map(|m| m.name.as_str()).collect();
    assert_eq!(current, vec!["Louise"], "a rename at the same time does not bring Jean back");
    assert!(ws.members[0].editor);
    assert_eq!(ws.members[1].removed_at, Some(3));
    assert_eq!(a.list_member("short", "x", false, 1), Err(WsError::NotFound));
}

#[test]
fn title_search_folds_case_and_accents_and_looks_in_folders() {
    let (a, _, _) = copies();
    let (x, _) = add(&a, ROOM_A, "Motion d'Orientation", 10);
    let (y, _) = add(&a, ROOM_B, "Tract élections", 11);
    let (folder, _) = a.add_folder("Congrès régional", 12).unwrap();
    a.move_entry(&y, &folder).unwrap();
    let ws = a.workspace();
    let found = |q: &str| -> Vec<String> { search_titles(&ws, q, Sort::Title).iter().map(|e| e.id.clone()).collect() };
    assert_eq!(found("ELECTIONS"), vec![y.clone()]);
    assert_eq!(found("orientation motion"), vec![x.clone()], "every word, in any order");
    assert_eq!(found("congres"), vec![y.clone()], "a folder's name counts");
    assert!(found("motion tract").is_empty());
    assert_eq!(found("  ").len(), 2);
}

#[test]
fn full_text_finds_every_word_in_one_document_with_a_snippet_from_the_original() {
    let mut index = FullText::new();
    let long = format!("{}La Sécurité sociale est à nous.{}", "Préambule. ".repeat(40), " Fin.".repeat(20));
    index.insert(ROOM_A, "Motion", &long);
    index.insert(ROOM_B, "Tract", "Nous défendons la sécurité sociale, la sécurité de tous.");
    index.insert(ROOM_C, "Autre", "Rien à voir.");
    let hits = index.query("securite SOCIALE");
    let rooms: Vec<&str> = hits.iter().map(|h| h.room.as_str()).collect();
    assert_eq!(rooms, vec![ROOM_B, ROOM_A], "most matches first");
    let hit = &hits[1];
    assert_eq!(&hit.snippet[hit.mark.0..hit.mark.1], "Sécurité", "the match, as written");
    assert!(hit.snippet.starts_with('…') && hit.snippet.ends_with('…'));
    assert!(index.query("sécurité absent").is_empty(), "every word must be there");
    assert_eq!(index.query("motion").len(), 1, "the title counts");
    index.insert(ROOM_C, "Autre", "La sécurité sociale aussi.");
    assert_eq!(index.query("sociale").len(), 3, "indexing again replaces");
    index.remove(ROOM_C);
    assert_eq!(index.query("sociale").len(), 2);
    assert!(index.query("   ").is_empty());
}

#[test]
fn a_snippet_maps_back_through_ligatures_and_past_a_stride() {
    let mut index = FullText::new();
    let text = format!("{}œuvre commune", "œ".repeat(super::search::STRIDE * 3 + 5));
    index.insert(ROOM_A, "", &text);
    let hit = &index.query("commune")[0];
    assert_eq!(&hit.snippet[hit.mark.0..hit.mark.1], "commune");
}

#[test]
fn files_import_with_a_title_and_refuse_what_is_not_text() {
    let file = import_file("motions/Motion_Nord.md", "\u{feff}# Pour la paix\r\n\r\nTexte.".as_bytes()).unwrap();
    assert_eq!(file.title, "Pour la paix");
    assert_eq!(file.body, "# Pour la paix\n\nTexte.");
    assert_eq!(import_file("tract-ete.txt", b"Rien").unwrap().title, "tract ete");
    assert_eq!(import_file("photo.png", b"\x89PNG"), Err(ImportError::NotText));
    assert_eq!(import_file("x.md", b"\xff\xfe"), Err(ImportError::NotUtf8));
    assert_eq!(import_file("x.md", b"a\0b"), Err(ImportError::NotUtf8));
    assert_eq!(title_from_file("#notes.md", "#hashtag only"), "#notes");
    assert_eq!(title_from_file(".md", ""), "Sans titre");
}

#[test]
fn the_archive_holds_every_document_under_a_safe_unique_name_and_an_index() {
    let (a, _, _) = copies();
    let (x, _) = add(&a, ROOM_A, "Tract", 10);
    let (y, _) = add(&a, ROOM_B, "tract", 11);
    let (z, _) = add(&a, ROOM_C, "../etc/passwd: index", 12);
    let (folder, _) = a.add_folder("Congrès/2027", 12).unwrap();
    a.move_entry(&z, &folder).unwrap();
    let ws = a.workspace();
    let paths: HashMap<String, String> = markdown_paths(&ws).into_iter().collect();
    let mut two = [paths[&x].to_lowercase(), paths[&y].to_lowercase()];
    two.sort();
    assert_eq!(two, ["tract (2).md", "tract.md"], "no two names that differ only in case");
    assert_eq!(paths[&z], "Congrès-2027/-etc-passwd- index.md");
    let files: Vec<(String, String)> = vec![
        ("Tract.md".to_owned(), "# Tract\n\nUn.".to_owned()),
        (paths[&z].clone(), "Deux.".to_owned()),
    ];
    let bytes = zip_markdown(&ws, &files, &[("tract".to_owned(), "jamais ouvert dans ce navigateur".to_owned())]).unwrap();
    let read = zip::read(&bytes).unwrap();
    let names: Vec<&str> = read.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["Tract.md", "Congrès-2027/-etc-passwd- index.md", "index.md"]);
    assert_eq!(read[0].1, b"# Tract\n\nUn.");
    let index = String::from_utf8(read[2].1.clone()).unwrap();
    assert!(index.starts_with("# Section Nord\n"));
    assert!(index.contains("- tract: jamais ouvert dans ce navigateur"), "{index}");
    assert!(!index.contains("v="), "no link in the archive");
    assert_eq!(zip::read(&bytes[..40]), Err(zip::ZipError::Damaged), "a cut archive is said damaged");
}

#[test]
fn read_members_join_by_a_signed_record_and_leave_the_same_way() {
    use crate::amendments::book::Book;
    use crate::amendments::record::Identity;
    let room = [7u8; 16];
    let mut book = Book::new(room);
    let awa = Identity::from_seed([1; 32]);
    let ben = Identity::from_seed([2; 32]);
    let first = book.join(&awa, true, "Awa", 10).unwrap();
    book.ingest_all([first.as_str()]);
    assert_eq!(book.join(&awa, true, "Awa", 11), None, "already in: nothing to write");
    let ben_in = book.join(&ben, true, "Ben", 12).unwrap();
    book.ingest_all([ben_in.as_str()]);
    let leave = book.join(&awa, false, "Awa", 13).unwrap();
    book.ingest_all([leave.as_str()]);
    let joined = book.joined();
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0].0, ben.public());
    assert_eq!(joined[0].1, "Ben");
    // A record signed for another room is forged here, and lists nobody.
    let mut other = Book::new([8u8; 16]);
    other.ingest_all([ben_in.as_str()]);
    assert!(other.joined().is_empty());
    assert_eq!(other.forged, 1);
}

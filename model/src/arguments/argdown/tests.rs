//! Argdown natively: a round trip keeps every claim, stance, parent, tag,
//! explanation and source; a text written by hand in Argdown's style
//! reads; what does not read is told, line by line; hostile input stays
//! bounded.

use super::*;
use crate::arguments::{ClaimEdit, Stance};
use crate::document::Document;

fn add(doc: &Document, parent: Option<&str>, edit: ClaimEdit) -> String {
    doc.add_claim(parent, None, &edit, "Louise", 1_000)
        .expect("adds")
        .0
}

fn edit(text: &str, stance: Stance) -> ClaimEdit {
    ClaimEdit {
        text: Some(text.into()),
        stance: Some(stance),
        ..ClaimEdit::default()
    }
}

/// A claim as a comparable line: depth, stance, text, note, kind, tags,
/// sources.
fn shape(map: &ArgMap) -> Vec<String> {
    map.walk()
        .into_iter()
        .map(|(id, depth)| {
            let c = map.claim(id).expect("claim");
            let parent = map
                .parent(id)
                .and_then(|p| map.claim(p))
                .map_or("-".to_owned(), |p| p.text.clone());
            format!(
                "{depth} {:?} {:?} under {parent:?} note={:?} kind={:?} tags={:?} sources={:?}",
                c.stance,
                c.text,
                c.note,
                if depth == 0 { Some(c.kind) } else { None },
                c.tags,
                c.sources
            )
        })
        .collect()
}

fn sample() -> Document {
    let doc = Document::new(1);
    let q = add(
        &doc,
        None,
        ClaimEdit {
            tags: Some(vec!["transports".into(), "ville durable".into()]),
            ..edit("Faut-il la gratuité des transports ?", Stance::Pro)
        },
    );
    let pro = add(
        &doc,
        Some(&q),
        ClaimEdit {
            note: Some(
                "À Dunkerque, **+60 %** de voyageurs.\n\nDeuxième paragraphe \"cité\".".into(),
            ),
            sources: Some(vec![Source {
                url: "https://example.org/dunkerque?a=1&b=2".into(),
                title: "Étude {VTS} // bilan".into(),
                quote: "Une hausse \"nette\"".into(),
                date: "2019-09".into(),
            }]),
            tags: Some(vec!["social".into()]),
            ..edit("Elle rend la ville à tous [enfin] <vraiment>.", Stance::Pro)
        },
    );
    add(
        &doc,
        Some(&pro),
        edit("Les plus pauvres se déplacent enfin.", Stance::Pro),
    );
    let con = add(
        &doc,
        Some(&q),
        edit(
            "Elle coûte trop cher # vraiment, /* non */ // ici",
            Stance::Con,
        ),
    );
    let answer = add(
        &doc,
        Some(&con),
        edit("La billetterie coûte déjà cher.", Stance::Con),
    );
    add(
        &doc,
        Some(&answer),
        edit("Faux : elle rapporte 10 %.", Stance::Con),
    );
    // Two claims with the same words: two titles.
    add(&doc, Some(&q), edit("Elle coûte trop cher", Stance::Con));
    add(
        &doc,
        None,
        ClaimEdit {
            kind: Some(TopKind::Thesis),
            ..edit("Nous défendons le tram.", Stance::Pro)
        },
    );
    add(
        &doc,
        None,
        ClaimEdit {
            kind: Some(TopKind::Question),
            ..edit("Une question sans point d'interrogation", Stance::Pro)
        },
    );
    doc
}

#[test]
fn a_round_trip_keeps_every_claim_and_relation() {
    let doc = sample();
    let map = doc.arguments();
    let text = to_argdown(&map, "Transports: la carte");
    assert!(text.starts_with("# Transports: la carte\n"), "{text}");
    let parsed = parse(&text).expect("reads");
    assert_eq!(parsed.warnings, vec![], "{text}");
    assert_eq!(parsed.title.as_deref(), Some("Transports: la carte"));
    let copy = Document::new(2);
    let (ids, updates) = copy
        .import_argdown(&parsed, None, "Rémi", 2_000)
        .expect("imports");
    assert_eq!(ids.len(), map.len());
    assert!(!updates.is_empty());
    let back = copy.arguments();
    assert_eq!(shape(&back), shape(&map), "{text}");
    // And it writes the same text again.
    assert_eq!(to_argdown(&back, "Transports: la carte"), text);
}

#[test]
fn import_goes_under_a_claim_and_after_its_children() {
    let doc = sample();
    let map = doc.arguments();
    let q = map.roots()[0].clone();
    let before = map.children(&q).len();
    let parsed = parse("+ <Nouveau>: Un argument de plus.\n  - Une objection.\n").expect("reads");
    let (ids, _) = doc
        .import_argdown(&parsed, Some(&q), "Rémi", 3_000)
        .expect("imports");
    let map = doc.arguments();
    assert_eq!(map.children(&q).len(), before + 1);
    assert_eq!(map.children(&q).last(), Some(&ids[0]));
    assert_eq!(map.parent(&ids[1]), Some(ids[0].as_str()));
    assert_eq!(map.claim(&ids[1]).map(|c| c.stance), Some(Stance::Con));
    // Another claim added after keeps a fresh id.
    let next = add(&doc, Some(&q), edit("Encore un.", Stance::Pro));
    assert!(!ids.contains(&next));
    assert_eq!(
        doc.import_argdown(&parsed, Some("nope"), "Rémi", 1),
        Err(ArgError::NotFound)
    );
}

const HANDWRITTEN: &str = r#"===
title: Une carte
===

# Gratuité des transports

// Notre question
[Gratuité]: Faut-il rendre les transports gratuits ? #transports
  + <Ville>: Elle rend la ville à tous. #social #(justice sociale)
    + [Pauvres]: Les plus pauvres se déplacent enfin.
  <+ <Climat>: Moins de voitures, moins de CO2. {note: "Voir le rapport.", sources: [{url: "https://example.org/r", title: 'Rapport ''Air''', date: 2021}]}
  - <Coût>: Elle coûte trop cher.
    - <Billetterie>: La billetterie coûte déjà cher. /* chiffres
    à trouver */
  <- <Saturation>: Les bus seront bondés.
  +> [Gratuité]
  -> <Effet>: Un effet rebond.
[Pauvres]
  + Un témoignage.

# Une seconde partie
(1) Une prémisse
----
(2) Une conclusion
  _> <Sape>: Un argument qui sape.
  {isInMap: false}
"#;

#[test]
fn a_handwritten_map_reads_with_its_warnings() {
    let parsed = parse(HANDWRITTEN).expect("reads");
    assert_eq!(parsed.title.as_deref(), Some("Gratuité des transports"));
    let texts: Vec<(&str, Option<usize>, Stance)> = parsed
        .nodes
        .iter()
        .map(|n| (n.text.as_str(), n.parent, n.stance))
        .collect();
    assert_eq!(
        texts[..9],
        [
            (
                "Faut-il rendre les transports gratuits ?",
                None,
                Stance::Pro
            ),
            ("Elle rend la ville à tous.", Some(0), Stance::Pro),
            ("Les plus pauvres se déplacent enfin.", Some(1), Stance::Pro),
            ("Moins de voitures, moins de CO2.", Some(0), Stance::Pro),
            ("Elle coûte trop cher.", Some(0), Stance::Con),
            ("La billetterie coûte déjà cher.", Some(4), Stance::Con),
            ("Les bus seront bondés.", Some(0), Stance::Con),
            ("Un effet rebond.", Some(0), Stance::Con),
            // Under the repeated [Pauvres]: under the first.
            ("Un témoignage.", Some(2), Stance::Pro),
        ]
    );
    let root = &parsed.nodes[0];
    assert_eq!(root.kind, TopKind::Question);
    assert_eq!(root.tags, vec!["transports"]);
    assert_eq!(parsed.nodes[1].tags, vec!["social", "justice sociale"]);
    let climat = &parsed.nodes[3];
    assert_eq!(climat.note, "Voir le rapport.");
    assert_eq!(
        climat.sources,
        vec![Source {
            url: "https://example.org/r".into(),
            title: "Rapport 'Air'".into(),
            date: "2021".into(),
            quote: String::new(),
        }]
    );
    // The premise-conclusion lines kept as claims, with their text.
    assert!(parsed.nodes.iter().any(|n| n.text == "(1) Une prémisse"));
    assert!(parsed.nodes.iter().any(|n| n.text == "(2) Une conclusion"));
    assert!(parsed
        .nodes
        .iter()
        .any(|n| n.text == "Un argument qui sape."));
    let told: Vec<(usize, WarningKind)> =
        parsed.warnings.iter().map(|w| (w.line, w.kind)).collect();
    for expected in [
        (1, WarningKind::Skipped),
        (16, WarningKind::Outgoing),
        (16, WarningKind::Repeated),
        (17, WarningKind::Outgoing),
        (21, WarningKind::Heading),
        (22, WarningKind::Unknown),
        (23, WarningKind::Skipped),
        (24, WarningKind::Unknown),
        (25, WarningKind::Unknown),
        (25, WarningKind::Outgoing),
        (26, WarningKind::NoRelation),
        (26, WarningKind::Unknown),
    ] {
        assert!(told.contains(&expected), "{expected:?} in {told:?}");
    }
    // Nothing else was told: each warning above is the whole list.
    assert_eq!(told.len(), 12, "{told:?}");
    let doc = Document::new(3);
    doc.import_argdown(&parsed, None, "Rémi", 1)
        .expect("imports");
    assert_eq!(doc.arguments().len(), parsed.nodes.len());
}

#[test]
fn unknown_lines_are_kept_and_told() {
    let parsed =
        parse("Une thèse\n   texte indenté sans signe\n+ <A>: {pas: [fermé}\n").expect("reads");
    assert_eq!(parsed.nodes.len(), 3);
    // Not indented, still under the claim at the top.
    assert_eq!(parsed.nodes[2].parent, Some(0));
    assert_eq!(parsed.nodes[0].kind, TopKind::Thesis);
    assert_eq!(parsed.nodes[1].text, "texte indenté sans signe");
    assert_eq!(parsed.nodes[1].parent, Some(0));
    assert!(
        parsed.nodes[2].text.contains("{pas: [fermé}"),
        "{:?}",
        parsed.nodes[2]
    );
    let kinds: Vec<WarningKind> = parsed.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(kinds, vec![WarningKind::NoRelation, WarningKind::BadData]);
    assert_eq!(parsed.warnings[0].line, 2);
    assert_eq!(
        parse("  // rien\n/* du tout */\n"),
        Err(ArgdownError::Empty)
    );
    let open = parse("[A]: a\n/* jamais fermé\n+ b\n").expect("reads");
    assert_eq!(open.nodes.len(), 1);
    assert_eq!(open.warnings[0].kind, WarningKind::OpenComment);
    assert_eq!(open.warnings[0].line, 2);
}

#[test]
fn hostile_input_stays_bounded() {
    assert_eq!(
        parse(&"a".repeat(MAX_INPUT + 1)),
        Err(ArgdownError::TooLarge)
    );
    // Very deep: placed at the deepest level, told.
    let mut deep = String::from("[Top]: top\n");
    for depth in 1..200 {
        deep.push_str(&" ".repeat(depth));
        deep.push_str("+ deeper\n");
    }
    let parsed = parse(&deep).expect("reads");
    assert_eq!(parsed.nodes.len(), 200);
    assert!(parsed
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::TooDeep));
    let doc = Document::new(4);
    doc.import_argdown(&parsed, None, "x", 1).expect("imports");
    let map = doc.arguments();
    assert_eq!(map.len(), 200);
    assert!(map.walk().iter().all(|(_, d)| *d < MAX_DEPTH));
    // Data nested past the bound does not read, and is kept as text.
    let nested = format!("[A]: a {}{}", "{b: [".repeat(40), "]}".repeat(40));
    let parsed = parse(&nested).expect("reads");
    assert_eq!(parsed.warnings[0].kind, WarningKind::BadData);
    // Odd bytes and signs alone never panic.
    for text in [
        "+",
        "-",
        "<+",
        "[",
        "<>",
        "[]: x",
        "#",
        "#(",
        "{",
        "}",
        "\\",
        "[a\\",
        "# ",
        "\u{0}\u{feff}+ \\",
        "(",
        "+ {a: \"\\u12\"}",
    ] {
        let _ = parse(text);
    }
    // Too many warnings: counted.
    let many = "[A]: a\n".to_owned() + &"  texte\n   + [A]\n".repeat(400);
    let parsed = parse(&many).expect("reads");
    assert_eq!(
        parsed.warnings.last().map(|w| w.kind),
        Some(WarningKind::MoreWarnings)
    );
}

#[test]
fn an_imported_map_gives_its_pairs_to_the_sheet() {
    let text = "[G]: Faut-il ?\n  + <V>: Pour.\n  - <C>: Contre.\n    - <B>: Réponse.\n";
    let parsed = parse(text).expect("reads");
    let doc = Document::new(5);
    doc.import_argdown(&parsed, None, "x", 1).expect("imports");
    let map = doc.arguments();
    let root = map.roots()[0].clone();
    let found = crate::arguments::sheet::candidates(
        &map,
        &Default::default(),
        &crate::arguments::sheet::Subject::Claim(root),
    );
    assert_eq!(found.pairs.len(), 1, "{found:?} {:?}", map.walk());
}

/// The fuzz target's check (fuzz/fuzz_targets/argdown.rs), natively, on
/// texts made of Argdown's pieces in random order.
#[test]
fn random_texts_import_and_round_trip() {
    const PIECES: &[&str] = &[
        "\n",
        "\n  ",
        "\n    ",
        "\n\t",
        "+ ",
        "- ",
        "<+ ",
        "+> ",
        "-> ",
        "_> ",
        "[T]",
        "[T]: ",
        "<A>: ",
        "<A>",
        "#tag ",
        "#(deux mots) ",
        "#(a(b) ",
        "{note: \"n\\n\"} ",
        "{sources: [x, {url: 'u'}]} ",
        "{kind: thesis}",
        "{bad",
        "// c",
        "/* x */",
        "/*",
        "\\",
        "\\#",
        "mot ",
        "é ",
        "? ",
        "(1) ",
        "----",
        "# H\n",
        "===\n",
        "{}",
        ":",
        "\u{0}",
        "\u{7f}",
        "https://a.b/c ",
        "a//b ",
        "  ",
        "]",
        ">",
        "}",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..800 {
        let count = 1 + (next() % 40) as usize;
        let text: String = (0..count)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        check(&text);
    }
}

fn check(text: &str) {
    let Ok(parsed) = parse(text) else { return };
    for (at, node) in parsed.nodes.iter().enumerate() {
        assert!(node.parent.is_none_or(|p| p < at), "{text:?}");
    }
    let doc = Document::new(1);
    let Ok((ids, _)) = doc.import_argdown(&parsed, None, "x", 1) else {
        return;
    };
    let map = doc.arguments();
    assert_eq!(map.len(), ids.len(), "{text:?}");
    let written = to_argdown(&map, parsed.title.as_deref().unwrap_or(""));
    let again = parse(&written).expect("reads");
    assert!(
        again.warnings.is_empty(),
        "{:?} in {written:?} from {text:?}",
        again.warnings
    );
    let walked = map.walk();
    assert_eq!(again.nodes.len(), walked.len(), "{written:?} from {text:?}");
    let index = |id: &str| walked.iter().position(|(w, _)| *w == id);
    for ((id, _), node) in walked.iter().zip(&again.nodes) {
        let claim = map.claim(id).expect("shown");
        let got = (
            &node.text,
            &node.note,
            &node.tags,
            &node.sources,
            node.parent,
        );
        let want = (
            &claim.text,
            &claim.note,
            &claim.tags,
            &claim.sources,
            map.parent(id).and_then(index),
        );
        assert_eq!(got, want, "{written:?} from {text:?}");
        if node.parent.is_some() {
            assert_eq!(node.stance, claim.stance, "{written:?}");
        } else {
            assert_eq!(node.kind, claim.kind, "{written:?}");
        }
    }
}

/// Found by the fuzz target: a statement whose first words are "X 2" and
/// two statements titled "X" must not write "X 2" twice, in either order.
#[test]
fn titles_numbered_past_a_statement_that_begins_with_the_number() {
    for texts in [
        [
            "La billetterie coûte déjà cher 2 chiffres",
            "La billetterie coûte déjà cher.",
            "La billetterie coûte déjà cher !",
        ],
        [
            "La billetterie coûte déjà cher.",
            "La billetterie coûte déjà cher !",
            "La billetterie coûte déjà cher 2 chiffres",
        ],
        [
            "La billetterie coûte déjà cher.",
            "La billetterie coûte déjà cher 2 chiffres",
            "La billetterie coûte déjà cher !",
        ],
    ] {
        let doc = Document::new(1);
        let top = add(&doc, None, edit("Faut-il la gratuité ?", Stance::Pro));
        for text in texts {
            add(&doc, Some(&top), edit(text, Stance::Con));
        }
        let written = to_argdown(&doc.arguments(), "");
        check(&written);
        let parsed = parse(&written).expect("reads");
        assert_eq!(parsed.nodes.len(), 4, "{written}");
    }
}

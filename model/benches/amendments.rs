//! Amendments at a congress's scale (issue 12): a 660,000-character
//! French-like Markdown text, written by three people in pieces and then
//! edited here and there (so its items are many, as in a real document),
//! and 3,000 amendments on it with realistic sizes: passages of 20 to 400
//! characters, mostly short; about 10 % deletions, 5 % insertions (an
//! empty passage), 20 % placed over another amendment's passage so they
//! compete. Their anchors are made with `Document::stick`; then the text is
//! edited again (words typed inside passages, a few passages deleted) so
//! some anchors move and some are lost.
//!
//! It prints the median and the slowest of a few runs (milliseconds) of
//! what the overview needs each time it is drawn: resolving every anchor
//! (one walk of the body, and `unstick` pair by pair for comparison), the
//! competing groups, the line spans. A benchmark, not a test: it asserts
//! nothing about time.
//!
//! `cargo bench -p cahier-model --bench amendments`.

use std::hint::black_box;
use std::time::Instant;

use model::amendments::anchors::{line_span, slices};
use model::amendments::decisions::Decision;
use model::amendments::record::{amendment_id, CommentEntry, Entry, Revision, SupportEntry};
use model::amendments::{
    collide, Book, Filter, Identity, Overview, Proposal, Sort, Stance, Status,
};
use model::edit::Edit;
use model::lines::Lines;
use model::Document;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }

    /// A length from `low` to `high`, most of them near `low` (a square
    /// law: half of them in the first quarter).
    fn skewed(&mut self, low: u32, high: u32) -> u32 {
        let x = self.below(1_000) as f64 / 1_000.0;
        low + ((high - low) as f64 * x * x) as u32
    }
}

const WORDS: &[&str] = &[
    "le",
    "la",
    "les",
    "des",
    "du",
    "de",
    "et",
    "à",
    "pour",
    "contre",
    "dans",
    "sur",
    "par",
    "congrès",
    "section",
    "fédération",
    "motion",
    "amendement",
    "adhérentes",
    "adhérents",
    "délégué·es",
    "affirme",
    "considère",
    "demande",
    "propose",
    "exige",
    "salaires",
    "logement",
    "écologie",
    "égalité",
    "services",
    "publics",
    "travailleuses",
    "travailleurs",
    "démocratie",
    "européenne",
    "régions",
    "communes",
    "transition",
    "énergétique",
    "solidarité",
    "réforme",
    "retraites",
    "santé",
    "éducation",
    "formation",
    "jeunesse",
    "précarité",
    "économie",
    "sociale",
    "collectivités",
    "territoriales",
    "c'est-à-dire",
    "notamment",
    "également",
    "ainsi",
    "afin",
    "que",
    "qui",
    "doit",
    "doivent",
    "être",
    "garantir",
    "renforcer",
    "développer",
    "soutenir",
];

/// A sentence of a motion.
fn sentence(rng: &mut Rng) -> String {
    let n = 8 + rng.below(22);
    let mut s = String::new();
    for i in 0..n {
        let word = WORDS[rng.below(WORDS.len() as u32) as usize];
        if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                s.extend(first.to_uppercase());
                s.push_str(chars.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(word);
        }
        if i + 1 < n && rng.below(9) == 0 {
            s.push_str([",", " ;", "\u{a0}:"][rng.below(3) as usize]);
        }
    }
    s.push('.');
    s
}

/// The text as pieces (a heading, or a paragraph), `chars` characters in
/// all at least. Only characters of the Basic Multilingual Plane: every
/// UTF-16 offset is a character boundary.
fn pieces(rng: &mut Rng, chars: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut total = 0;
    let mut chapter = 0;
    while total < chars {
        let piece = if rng.below(8) == 0 {
            chapter += 1;
            format!("## {chapter}. {}\n\n", sentence(rng).trim_end_matches('.'))
        } else {
            let n = 1 + rng.below(6);
            let mut p: Vec<String> = (0..n).map(|_| sentence(rng)).collect();
            if rng.below(10) == 0 {
                p[0] = format!("**{}**", p[0]);
            }
            format!("{}\n\n", p.join(" "))
        };
        total += piece.chars().count();
        pieces.push(piece);
    }
    pieces
}

fn edit(start: u32, delete: u32, insert: &str) -> Edit {
    Edit {
        start,
        delete,
        insert: insert.to_owned(),
    }
}

/// A few small edits by each of `docs`, heard by the others.
fn scatter(rng: &mut Rng, docs: &[Document], edits: usize) {
    for i in 0..edits {
        let doc = &docs[i % docs.len()];
        let len = doc.body_len();
        let at = rng.below(len);
        let update = if rng.below(3) == 0 {
            doc.edit_body(&edit(at, rng.below(12).min(len - at), ""))
        } else {
            let word = WORDS[rng.below(WORDS.len() as u32) as usize];
            doc.edit_body(&edit(at, 0, &format!(" {word}")))
        };
        let update = update.expect("in the body");
        for other in docs {
            if !std::ptr::eq(other, doc) {
                other.apply_remote(&update).expect("applies");
            }
        }
    }
}

/// What kind of change an amendment proposes.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Replace,
    Delete,
    Insert,
}

/// 3,000 amendments' passages on a body of `len` units: 80 % alone, each
/// in its own stretch of the text, and 20 % over one of those.
fn passages(rng: &mut Rng, len: u32, n: usize) -> Vec<((u32, u32), Kind)> {
    let alone = n * 4 / 5;
    let slot = len / alone as u32;
    let kind = |rng: &mut Rng| match rng.below(20) {
        0..=1 => Kind::Delete,
        2 => Kind::Insert,
        _ => Kind::Replace,
    };
    let mut out: Vec<((u32, u32), Kind)> = Vec::with_capacity(n);
    for i in 0..alone as u32 {
        let kind = kind(rng);
        // Leave room between slots: alone means alone.
        let size = rng.skewed(20, 400).min(slot - 2);
        let start = i * slot + rng.below(slot - size - 1) + 1;
        let end = if kind == Kind::Insert {
            start
        } else {
            start + size
        };
        out.push(((start, end), kind));
    }
    for _ in alone..n {
        let ((s, e), _) = out[rng.below(alone as u32) as usize];
        let kind = kind(rng);
        let passage = if s < e {
            match kind {
                // Strictly inside the other's passage.
                Kind::Insert => {
                    let p = s + 1 + rng.below(e - s - 1);
                    (p, p)
                }
                // Starts inside it, ends inside or after it.
                _ => {
                    let start = s + rng.below(e - s);
                    (start, (start + rng.skewed(20, 400)).min(len))
                }
            }
        } else {
            match kind {
                // At the same place.
                Kind::Insert => (s, s),
                // Around it.
                _ => {
                    let start = s - 1 - rng.below(10.min(s));
                    (start, (s + 1 + rng.skewed(20, 400)).min(len))
                }
            }
        };
        out.push((passage, kind));
    }
    out
}

/// The amendment room's id in the bench.
const ROOM: [u8; 16] = *b"bench-amendments";

/// Words to about `len` characters (70 % to 130 % of it).
fn wording(rng: &mut Rng, len: u32) -> String {
    let target = (len * (70 + rng.below(61)) / 100).max(3) as usize;
    let mut s = String::new();
    while s.chars().count() < target {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(WORDS[rng.below(WORDS.len() as u32) as usize]);
    }
    s
}

/// A nonce from a counter.
fn nonce(kind: u8, n: usize) -> [u8; 12] {
    let mut nonce = [kind; 12];
    nonce[..8].copy_from_slice(&(n as u64).to_le_bytes());
    nonce
}

/// The records of the amendment room at filing time: one amendment for
/// each of `filed` (anchored by `anchors`) by one of `members`, then
/// 6,000 supports and 3,000 comments; the ids of the amendments.
fn records(
    rng: &mut Rng,
    text: &Document,
    filed: &[((u32, u32), Kind)],
    anchors: &[(Vec<u8>, Vec<u8>)],
    members: &[Identity],
) -> (Vec<String>, Vec<String>) {
    let body = text.body();
    let units: Vec<u16> = body.encode_utf16().collect();
    let lines = Lines::new(&body);
    let mut ids = Vec::with_capacity(filed.len());
    let mut out = Vec::with_capacity(filed.len() * 4);
    let time = |n: usize| 1_780_000_000_000 + n as i64 * 60_000;
    for (n, (((s, e), kind), (start, end))) in filed.iter().zip(anchors).enumerate() {
        let who = rng.below(members.len() as u32) as usize;
        let passage = String::from_utf16_lossy(&units[*s as usize..*e as usize]);
        let proposal = match kind {
            Kind::Delete => Proposal::Delete,
            _ => Proposal::Replace(wording(rng, (e - s).max(20))),
        };
        let rationale = (0..1 + rng.below(3))
            .map(|_| sentence(rng))
            .collect::<Vec<_>>()
            .join(" ");
        let revision = Revision {
            nonce: nonce(1, n),
            rev: 0,
            start: start.clone(),
            end: end.clone(),
            passage,
            lines: line_span(&lines, (*s, *e)).unwrap_or((1, 1)),
            proposal,
            rationale,
            parent: None,
            withdrawn: false,
        };
        let identity = &members[who];
        ids.push(amendment_id(&identity.public(), &nonce(1, n)));
        out.push(identity.sign(
            &ROOM,
            &format!("Membre {who}"),
            time(n),
            Entry::Amendment(revision),
        ));
    }
    for n in 0..6_000 {
        let who = rng.below(members.len() as u32) as usize;
        let entry = SupportEntry {
            amendment: ids[rng.below(ids.len() as u32) as usize].clone(),
            on: true,
            rev: 0,
        };
        out.push(members[who].sign(
            &ROOM,
            &format!("Membre {who}"),
            time(3_000 + n),
            Entry::Support(entry),
        ));
    }
    for n in 0..3_000 {
        let who = rng.below(members.len() as u32) as usize;
        let entry = CommentEntry {
            nonce: nonce(2, n),
            amendment: ids[rng.below(ids.len() as u32) as usize].clone(),
            reply_to: None,
            stance: [Stance::For, Stance::Against, Stance::Neutral][rng.below(3) as usize],
            text: (0..1 + rng.below(3))
                .map(|_| sentence(rng))
                .collect::<Vec<_>>()
                .join(" "),
        };
        out.push(members[who].sign(
            &ROOM,
            &format!("Membre {who}"),
            time(9_000 + n),
            Entry::Comment(entry),
        ));
    }
    (ids, out)
}

/// The median and the slowest of `runs` runs of `f` (after one warm-up),
/// in milliseconds.
fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[times.len() - 1])
}

fn row(what: &str, (median, slowest): (f64, f64)) {
    println!("| {what} | {median:.2} | {slowest:.2} |");
}

fn main() {
    let mut rng = Rng(0x5eed_c0de_2026_0012);
    let start = Instant::now();
    // Three people write the text, piece by piece, then edit it.
    let docs = [Document::new(1), Document::new(2), Document::new(3)];
    for (i, piece) in pieces(&mut rng, 648_000).iter().enumerate() {
        let doc = &docs[i % 3];
        let update = doc
            .edit_body(&edit(doc.body_len(), 0, piece))
            .expect("in the body");
        for other in &docs {
            if !std::ptr::eq(other, doc) {
                other.apply_remote(&update).expect("applies");
            }
        }
    }
    scatter(&mut rng, &docs, 3_000);
    let doc = &docs[0];
    let len = doc.body_len();

    let filed = passages(&mut rng, len, 3_000);
    let anchors: Vec<(Vec<u8>, Vec<u8>)> = filed
        .iter()
        .map(|((s, e), _)| doc.stick(*s, *e).expect("in the body"))
        .collect();
    // The same amendments as signed records in their room, by 200
    // members, with supports and comments; the keepers register 2,500 of
    // them and take 400 up.
    let members: Vec<Identity> = (0..200u8).map(|i| Identity::from_seed([i; 32])).collect();
    let (ids, lines_filed) = records(&mut rng, doc, &filed, &anchors, &members);
    let room = Document::new(50);
    for line in &lines_filed {
        room.append_record(line);
    }
    for (n, id) in ids.iter().take(2_500).enumerate() {
        let update = doc.register(id, n as u32 + 1, "Secrétariat", 1_790_000_000_000);
        for other in &docs[1..] {
            other.apply_remote(&update).expect("applies");
        }
    }
    for id in ids.iter().take(400) {
        let decision = Decision {
            amendment: id.clone(),
            from: Status::Filed,
            to: Status::Discussion,
            rev: 0,
            counts: None,
            note: String::new(),
            because: None,
        };
        let update = doc.decide(&decision, "Secrétariat", 1_790_000_100_000);
        for other in &docs[1..] {
            other.apply_remote(&update).expect("applies");
        }
    }
    // The text goes on changing: words typed anywhere (inside passages
    // too), and 30 passages deleted whole.
    scatter(&mut rng, &docs, 1_000);
    for _ in 0..30 {
        let pairs: Vec<(&[u8], &[u8])> = anchors
            .iter()
            .map(|(a, h)| (a.as_slice(), h.as_slice()))
            .collect();
        let at = rng.below(filed.len() as u32) as usize;
        if let Some((s, e)) = doc.unstick(pairs[at].0, pairs[at].1) {
            let update = doc.edit_body(&edit(s, e - s, "")).expect("in the body");
            for other in &docs[1..] {
                other.apply_remote(&update).expect("applies");
            }
        }
    }
    let setup = start.elapsed().as_secs_f64();

    let pairs: Vec<(&[u8], &[u8])> = anchors
        .iter()
        .map(|(a, h)| (a.as_slice(), h.as_slice()))
        .collect();
    let spans = doc.resolve_spans(&pairs);
    let by_unstick: Vec<Option<(u32, u32)>> =
        pairs.iter().map(|(a, h)| doc.unstick(a, h)).collect();
    assert_eq!(spans, by_unstick, "the walk and unstick agree");
    let groups = collide::groups(&spans);
    let competing: usize = groups.iter().map(Vec::len).sum();
    let body = doc.body();
    let lines = Lines::new(&body);
    let count = |kind: Kind| filed.iter().filter(|(_, k)| *k == kind).count();
    let lost = filed
        .iter()
        .zip(&spans)
        .filter(|(((s, e), _), now)| s != e && now.is_some_and(|(a, b)| a == b))
        .count();

    println!(
        "amendments: {} characters, {} lines, {} amendments ({} deletions, {} insertions), \
         {} of them in {} competing groups, {} passages deleted since; set up in {setup:.1} s",
        body.chars().count(),
        lines.len(),
        filed.len(),
        count(Kind::Delete),
        count(Kind::Insert),
        competing,
        groups.len(),
        lost,
    );
    println!();
    println!("| step | median ms | slowest ms |");
    println!("| --- | ---: | ---: |");
    row(
        "resolve every anchor (`resolve_spans`, some on deleted text: the walk of everything)",
        time(10, || {
            black_box(doc.resolve_spans(black_box(&pairs)));
        }),
    );
    // The same passages anchored again now: no anchor on deleted text,
    // the walk of the visible text is enough.
    let fresh: Vec<(Vec<u8>, Vec<u8>)> = spans
        .iter()
        .flatten()
        .map(|(s, e)| doc.stick(*s, *e).expect("in the body"))
        .collect();
    let fresh: Vec<(&[u8], &[u8])> = fresh
        .iter()
        .map(|(a, h)| (a.as_slice(), h.as_slice()))
        .collect();
    row(
        "the same anchored again now, none on deleted text (the walk of the visible text)",
        time(10, || {
            black_box(doc.resolve_spans(black_box(&fresh)));
        }),
    );
    row(
        "resolve every anchor, `unstick` pair by pair",
        time(3, || {
            for (a, h) in &pairs {
                black_box(doc.unstick(a, h));
            }
        }),
    );
    row(
        "competing groups (`collide::groups`, sweep)",
        time(30, || {
            black_box(collide::groups(black_box(&spans)));
        }),
    );
    row(
        "line spans: the body numbered (`Lines::new`)",
        time(10, || {
            black_box(Lines::new(black_box(&body)));
        }),
    );
    row(
        "line spans: 3,000 `line_span`",
        time(30, || {
            for span in spans.iter().flatten() {
                black_box(line_span(&lines, *span));
            }
        }),
    );

    row(
        "the passages now, one pass (`anchors::slices`)",
        time(10, || {
            black_box(slices(&body, black_box(&spans)));
        }),
    );
    // The amendment room opened from its saved state, its records read
    // and verified, and the overview every view shows.
    let saved = room.encode_state();
    let me = members[0].public();
    row(
        &format!(
            "open: the amendment room loaded, its {} records read and verified (`Book::refresh`)",
            lines_filed.len()
        ),
        time(3, || {
            let room = Document::load(60, black_box(&saved)).expect("loads");
            let mut book = Book::new(ROOM);
            book.refresh(&room);
            black_box(book.len());
        }),
    );
    let mut book = Book::new(ROOM);
    book.refresh(&room);
    row(
        "the keepers' decisions read (`Document::decisions`)",
        time(10, || {
            black_box(doc.decisions());
        }),
    );
    let decisions = doc.decisions();
    row(
        "the whole overview built (`Overview::build`: anchors, lines, groups, rows)",
        time(10, || {
            black_box(Overview::build(&book, &decisions, doc, Some(&me)));
        }),
    );
    let overview = Overview::build(&book, &decisions, doc, Some(&me));
    let filters = [
        (
            "statuses filed and under discussion",
            Filter {
                statuses: vec![Status::Filed, Status::Discussion],
                ..Filter::default()
            },
        ),
        (
            "colliding, not yet discussed",
            Filter {
                colliding: true,
                undiscussed: true,
                ..Filter::default()
            },
        ),
        (
            "lines 2,000 to 4,000",
            Filter {
                lines: Some((2_000, 4_000)),
                ..Filter::default()
            },
        ),
        (
            "the words \"egalite salaires\"",
            Filter {
                words: "egalite salaires".into(),
                ..Filter::default()
            },
        ),
        (
            "the word \"zzz\" (found in none: every text folded)",
            Filter {
                words: "zzz".into(),
                ..Filter::default()
            },
        ),
    ];
    for (what, filter) in &filters {
        let shown = overview.select(filter, Sort::Text).len();
        row(
            &format!("one filter change (`Overview::select`): {what}, {shown} shown"),
            time(10, || {
                black_box(overview.select(black_box(filter), Sort::Text));
            }),
        );
    }
    for sort in [Sort::Number, Sort::Supports] {
        row(
            &format!("everything sorted by {sort:?}"),
            time(10, || {
                black_box(overview.select(&Filter::default(), sort));
            }),
        );
    }
    // Someone files one more from another copy of the room: it arrives,
    // is read, and the overview is built again.
    let other = Document::load(61, &saved).expect("loads");
    let mut filed_more = 0;
    row(
        "one new record arrives: applied, read (`Book::refresh`), the overview built again",
        time(10, || {
            filed_more += 1;
            let n = filed.len() + filed_more;
            let (start, end) = &anchors[filed_more];
            let revision = Revision {
                nonce: nonce(3, n),
                rev: 0,
                start: start.clone(),
                end: end.clone(),
                passage: String::new(),
                lines: (1, 1),
                proposal: Proposal::Replace("la paix".into()),
                rationale: String::new(),
                parent: None,
                withdrawn: false,
            };
            let line = members[1].sign(
                &ROOM,
                "Membre 1",
                1_800_000_000_000,
                Entry::Amendment(revision),
            );
            let update = other.append_record(&line);
            room.apply_remote(&update).expect("applies");
            book.refresh(&room);
            black_box(Overview::build(&book, &decisions, doc, Some(&me)));
        }),
    );
    // A keeper adopts one: the wording into the body, the competing ones
    // that fall, in one transaction (each run another amendment).
    let mut next = 500;
    let mut fell = 0;
    row(
        "one amendment adopted (`Document::adopt`: every open one resolved, the edit, the fallen)",
        time(5, || {
            let decisions = doc.decisions();
            loop {
                next += 1;
                if let Ok(adopted) = doc.adopt(
                    &book,
                    &decisions,
                    &ids[next],
                    None,
                    "Secrétariat",
                    1_800_000_000_000,
                ) {
                    fell += adopted.fallen.len();
                    break;
                }
            }
        }),
    );
    println!();
    println!("({fell} amendments fell in the {} adoptions timed)", 6);
}

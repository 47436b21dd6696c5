//! What the amendments list shows, and in which order: a [`Filter`] and a
//! [`Sort`] over the overview's rows, answered as indices into
//! [`Overview::rows`]. The rows themselves (text order, competing groups)
//! are [`super::overview`]'s; drawing the list is the app's.
//!
//! A filter keeps a row when every criterion set keeps it: its status is
//! one of `statuses` (none listed: any), its author is `author` (the
//! identity key, base64url, as [`Row::author`]), its lines now meet
//! `lines` (an amendment whose words are gone has no lines and is left
//! out), it competes with another (`colliding`), the keepers never took
//! it up (`undiscussed`), it is this browser's (`mine`), and each word of
//! `words` is found in its passage (as filed or now), its proposed wording
//! or its rationale. Words are compared folded: lower case, and the
//! accents and ligatures of French and its neighbours taken off (`é`,
//! `È`, `ê` are `e`; `œ` is `oe`), so "Egalite" finds "égalité"; no
//! Unicode tables beyond that.
//!
//! The filter runs at each keystroke in the search field over 3,000 rows:
//! each row's texts are folded into one buffer, reused, and only until all
//! the words are found (`cargo bench -p cahier-model --bench amendments`
//! times it).

use std::cmp::Reverse;

use super::overview::Row;
use super::{Overview, Proposal, Status};

/// What the list shows; the default shows everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// The statuses shown; empty: all of them.
    pub statuses: Vec<Status>,
    /// Only this author's (identity key, base64url).
    pub author: Option<String>,
    /// Only those whose lines now meet these (first, last), 1-based,
    /// inclusive.
    pub lines: Option<(u32, u32)>,
    /// Only those competing with another.
    pub colliding: bool,
    /// Only those the keepers never took up.
    pub undiscussed: bool,
    /// Only this browser's.
    pub mine: bool,
    /// Words (separated by spaces) that must all be found in the passage,
    /// the proposed wording or the rationale.
    pub words: String,
}

impl Filter {
    /// Whether it lets every row through.
    pub fn is_everything(&self) -> bool {
        self.statuses.is_empty()
            && self.author.is_none()
            && self.lines.is_none()
            && !self.colliding
            && !self.undiscussed
            && !self.mine
            && self.words.split_whitespace().next().is_none()
    }

    /// Whether `row` passes every criterion but the words.
    fn keeps(&self, row: &Row) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&row.status))
            && self
                .author
                .as_ref()
                .is_none_or(|author| *author == row.author)
            && self.lines.is_none_or(|(first, last)| {
                let (first, last) = (first.min(last), first.max(last));
                row.lines
                    .is_some_and(|(start, end)| start <= last && first <= end)
            })
            && (!self.colliding || row.group.is_some())
            && (!self.undiscussed || !row.discussed)
            && (!self.mine || row.mine)
    }
}

/// The list's order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// The rows' own order: where their passages are in the text.
    #[default]
    Text,
    /// Registered numbers, increasing; the provisional ones after them,
    /// in filing order.
    Number,
    /// The most supported first; equal ones in text order.
    Supports,
}

impl Overview {
    /// The rows `filter` lets through, in `sort` order: indices into
    /// [`Overview::rows`].
    pub fn select(&self, filter: &Filter, sort: Sort) -> Vec<usize> {
        let words: Vec<String> = filter.words.split_whitespace().map(fold).collect();
        let mut buffer = String::new();
        let mut chosen: Vec<usize> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, row)| filter.keeps(row) && has_words(row, &words, &mut buffer))
            .map(|(at, _)| at)
            .collect();
        match sort {
            Sort::Text => {}
            Sort::Number => chosen.sort_by(|&a, &b| {
                let key = |row: &Row| (row.number.is_none(), row.number, row.filed_at);
                let (ra, rb) = (&self.rows[a], &self.rows[b]);
                key(ra)
                    .cmp(&key(rb))
                    .then_with(|| ra.id.cmp(&rb.id))
                    .then(a.cmp(&b))
            }),
            // Stable: equal supports keep the text order.
            Sort::Supports => chosen.sort_by_key(|&at| Reverse(self.rows[at].supports)),
        }
        chosen
    }
}

/// Whether every one of `words` (folded) is in `row`'s texts, folded into
/// `buffer` one after the other until all are found.
fn has_words(row: &Row, words: &[String], buffer: &mut String) -> bool {
    if words.is_empty() {
        return true;
    }
    let proposal = match &row.proposal {
        Proposal::Replace(wording) => wording.as_str(),
        Proposal::Delete => "",
    };
    let texts = [
        row.passage.as_str(),
        proposal,
        row.rationale.as_str(),
        row.current.as_deref().unwrap_or(""),
    ];
    buffer.clear();
    for text in texts {
        // A separator, so no word is found across two texts.
        buffer.push('\n');
        fold_into(text, buffer);
        if words.iter().all(|word| buffer.contains(word.as_str())) {
            return true;
        }
    }
    false
}

/// `text` in lower case without its accents (see the module docs).
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    fold_into(text, &mut folded);
    folded
}

/// [`fold`], appended to `out`: runs of ASCII copied and lowered in
/// place, the other characters one by one.
pub(crate) fn fold_into(text: &str, out: &mut String) {
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let from = out.len();
        out.push_str(&rest[..ascii]);
        out[from..].make_ascii_lowercase();
        rest = &rest[ascii..];
        let Some(c) = rest.chars().next() else {
            break;
        };
        rest = &rest[c.len_utf8()..];
        // Lower-case letters first: Unicode's case tables are the slow
        // part.
        if !fold_char(c, out) {
            for lower in c.to_lowercase() {
                if !fold_char(lower, out) {
                    out.push(lower);
                }
            }
        }
    }
}

/// One lower-case character folded into `out` (see the module docs), or
/// `false` when it is not one that folding changes or knows.
fn fold_char(lower: char, out: &mut String) -> bool {
    match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => out.push('a'),
        'ç' | 'ć' | 'č' => out.push('c'),
        'ď' => out.push('d'),
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => out.push('e'),
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => out.push('i'),
        'ł' => out.push('l'),
        'ñ' | 'ń' | 'ň' => out.push('n'),
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
        'ř' => out.push('r'),
        'ś' | 'š' | 'ş' => out.push('s'),
        'ť' | 'ţ' => out.push('t'),
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => out.push('u'),
        'ý' | 'ÿ' => out.push('y'),
        'ź' | 'ż' | 'ž' => out.push('z'),
        'œ' => out.push_str("oe"),
        'æ' => out.push_str("ae"),
        'ß' => out.push_str("ss"),
        // Typographic apostrophes and no-break spaces, as typed on a
        // keyboard.
        '\u{2019}' | '\u{2018}' | '\u{02bc}' => out.push('\''),
        '\u{a0}' | '\u{202f}' => out.push(' '),
        // A combining accent (a decomposed "é"): dropped.
        '\u{300}'..='\u{36f}' => {}
        // Punctuation French texts are full of, which has no case.
        '«' | '»' | '·' | '–' | '—' | '…' => out.push(lower),
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amendments::Notices;

    fn row(id: &str, number: Option<u32>, status: Status) -> Row {
        Row {
            id: id.into(),
            number,
            author: "key-louise".into(),
            author_name: "Louise".into(),
            mine: false,
            status,
            fallen_by: None,
            span: Some((0, 10)),
            lines: Some((1, 1)),
            filed_lines: (1, 1),
            passage: "la paix".into(),
            current: None,
            proposal: Proposal::Replace("la paix durable".into()),
            rationale: String::new(),
            parent: None,
            supports: 0,
            supported: false,
            comments: 0,
            group: None,
            altered: false,
            filed_at: 1_000,
            edited_at: 1_000,
            discussed: false,
            rev: 0,
        }
    }

    /// Six amendments, in text order.
    fn overview() -> Overview {
        let mut rows = vec![
            row("a", Some(3), Status::Filed),
            row("b", None, Status::Discussion),
            row("c", Some(1), Status::Adopted),
            row("d", None, Status::Filed),
            row("e", Some(2), Status::Fallen),
            row("f", None, Status::Withdrawn),
        ];
        rows[0].author = "key-jean".into();
        rows[0].mine = true;
        rows[0].lines = Some((3, 5));
        rows[0].supports = 2;
        rows[0].rationale = "Pour l'Égalité réelle.".into();
        rows[1].lines = Some((5, 5));
        rows[1].group = Some(0);
        rows[1].discussed = true;
        rows[1].filed_at = 3_000;
        rows[1].supports = 7;
        rows[1].proposal = Proposal::Delete;
        rows[1].passage = "les salaires des travailleuses".into();
        rows[2].lines = Some((8, 9));
        rows[2].group = Some(0);
        rows[2].discussed = true;
        rows[2].supports = 2;
        rows[2].current = Some("le pain et les roses".into());
        rows[3].lines = None;
        rows[3].span = None;
        rows[3].filed_at = 2_000;
        rows[3].mine = true;
        rows[3].proposal = Proposal::Replace("le cœur du PROGRAMME".into());
        rows[4].lines = Some((12, 12));
        rows[4].discussed = true;
        rows[4].supports = 7;
        rows[5].lines = Some((20, 22));
        rows[5].filed_at = 2_000;
        Overview {
            rows,
            groups: vec![vec![1, 2]],
            notices: Notices::default(),
            next_number: 4,
        }
    }

    fn ids(overview: &Overview, filter: &Filter, sort: Sort) -> String {
        overview
            .select(filter, sort)
            .iter()
            .map(|&at| overview.rows[at].id.as_str())
            .collect()
    }

    #[test]
    fn the_default_filter_shows_everything_in_text_order() {
        let overview = overview();
        assert!(Filter::default().is_everything());
        assert_eq!(ids(&overview, &Filter::default(), Sort::Text), "abcdef");
        assert_eq!(
            ids(&Overview::default(), &Filter::default(), Sort::Number),
            ""
        );
    }

    #[test]
    fn each_criterion_keeps_only_its_rows_and_they_add_up() {
        let overview = overview();
        let with = |change: fn(&mut Filter)| {
            let mut filter = Filter::default();
            change(&mut filter);
            assert!(!filter.is_everything());
            ids(&overview, &filter, Sort::Text)
        };
        assert_eq!(
            with(|f| f.statuses = vec![Status::Filed, Status::Fallen]),
            "ade"
        );
        assert_eq!(with(|f| f.author = Some("key-jean".into())), "a");
        assert_eq!(with(|f| f.author = Some("key-nobody".into())), "");
        // Lines meet the range, ends included; the row without lines is
        // left out; a range given backwards is read forwards.
        assert_eq!(with(|f| f.lines = Some((5, 8))), "abc");
        assert_eq!(with(|f| f.lines = Some((9, 5))), "abc");
        assert_eq!(with(|f| f.lines = Some((6, 7))), "");
        assert_eq!(with(|f| f.lines = Some((1, 1000))), "abcef");
        assert_eq!(with(|f| f.colliding = true), "bc");
        assert_eq!(with(|f| f.undiscussed = true), "adf");
        assert_eq!(with(|f| f.mine = true), "ad");
        // Together: all at once.
        assert_eq!(
            with(|f| {
                f.mine = true;
                f.undiscussed = true;
                f.statuses = vec![Status::Filed];
                f.lines = Some((4, 4));
            }),
            "a"
        );
    }

    #[test]
    fn words_are_found_folded_in_the_passage_the_wording_the_rationale_or_the_passage_now() {
        let overview = overview();
        let words = |words: &str| {
            let filter = Filter {
                words: words.into(),
                ..Filter::default()
            };
            ids(&overview, &filter, Sort::Text)
        };
        assert_eq!(words("   "), "abcdef");
        // The passage, every row but b's and d's... all have "la paix"
        // except b.
        assert_eq!(words("PAIX"), "acdef");
        assert_eq!(words("travailleuses"), "b");
        // The wording: accents and ligatures folded both ways.
        assert_eq!(words("coeur programme"), "d");
        assert_eq!(words("Cœur"), "d");
        // The rationale, and the passage now.
        assert_eq!(words("egalite reelle"), "a");
        assert_eq!(words("l’égalité"), "a");
        assert_eq!(words("roses"), "c");
        // Every word must be there; not across two texts.
        assert_eq!(words("paix roses"), "c");
        assert_eq!(words("paix travailleuses"), "");
        assert_eq!(words("durable pour"), "a");
        assert_eq!(words("paixdurable"), "");
        assert_eq!(words("durablepour"), "");
    }

    #[test]
    fn by_number_the_registered_come_first_then_the_provisional_by_filing_time() {
        let overview = overview();
        // c 1, e 2, a 3; then d and f filed at 2,000 (by id), b at 3,000.
        assert_eq!(ids(&overview, &Filter::default(), Sort::Number), "ceadfb");
        let filed = Filter {
            statuses: vec![Status::Filed, Status::Discussion],
            ..Filter::default()
        };
        assert_eq!(ids(&overview, &filed, Sort::Number), "adb");
    }

    #[test]
    fn by_supports_the_most_come_first_and_ties_keep_the_text_order() {
        let overview = overview();
        assert_eq!(ids(&overview, &Filter::default(), Sort::Supports), "beacdf");
    }

    #[test]
    fn an_overview_built_from_records_and_decisions_filters_as_its_rows_say() {
        use crate::amendments::decisions::Decision;
        use crate::amendments::{Book, Draft, Identity};
        use crate::edit::Edit;
        use crate::Document;

        const ROOM: [u8; 16] = [7; 16];
        let text = Document::new(1);
        let body = "La section demande la gratuité des transports publics.\n\n\
                    Elle propose une réunion en mai.\n";
        text.edit_body(&Edit {
            start: 0,
            delete: 0,
            insert: body.into(),
        })
        .expect("fits");
        let room = Document::new(50);
        let mut book = Book::new(ROOM);
        let (awa, ben) = (Identity::from_seed([1; 32]), Identity::from_seed([2; 32]));
        let mut file = |who: &Identity, name: &str, start: u32, end: u32, wording: &str, n: u8| {
            let draft = Draft {
                start,
                end,
                proposal: Proposal::Replace(wording.into()),
                rationale: "Pour l'Égalité.".into(),
                parent: None,
            };
            let (id, line) = book
                .file(who, &text, &draft, name, 1_000 + i64::from(n), [n; 12])
                .expect("files");
            room.append_record(&line);
            book.refresh(&room);
            id
        };
        // "la gratuité des transports" and "des transports publics"
        // compete; "en mai" is alone.
        let gratuite = file(&awa, "Awa", 19, 45, "la baisse des prix", 1);
        let publics = file(&ben, "Ben", 31, 53, "des trains", 2);
        let mai = file(&ben, "Ben", 81, 87, "en juin", 3);
        text.register(&mai, 1, "Secrétariat", 2_000);
        text.decide(
            &Decision {
                amendment: publics.clone(),
                from: Status::Filed,
                to: Status::Discussion,
                rev: 0,
                counts: None,
                note: String::new(),
                because: None,
            },
            "Secrétariat",
            3_000,
        );
        let overview = Overview::build(&book, &text.decisions(), &text, Some(&awa.public()));
        let ids = |filter: &Filter, sort: Sort| -> Vec<&str> {
            overview
                .select(filter, sort)
                .iter()
                .map(|&at| overview.rows[at].id.as_str())
                .collect()
        };
        let everything = Filter::default();
        assert_eq!(ids(&everything, Sort::Text), [&gratuite, &publics, &mai]);
        assert_eq!(ids(&everything, Sort::Number), [&mai, &gratuite, &publics]);
        let only = |change: &dyn Fn(&mut Filter)| {
            let mut filter = Filter::default();
            change(&mut filter);
            ids(&filter, Sort::Text)
        };
        assert_eq!(only(&|f| f.colliding = true), [&gratuite, &publics]);
        assert_eq!(only(&|f| f.undiscussed = true), [&gratuite, &mai]);
        assert_eq!(only(&|f| f.mine = true), [&gratuite]);
        assert_eq!(
            only(&|f| f.author = Some(ben.public_b64())),
            [&publics, &mai]
        );
        assert_eq!(only(&|f| f.statuses = vec![Status::Discussion]), [&publics]);
        assert_eq!(only(&|f| f.lines = Some((2, 2))), [&mai]);
        assert_eq!(only(&|f| f.words = "TRAINS".into()), [&publics]);
        assert_eq!(overview.rows[2].passage, "en mai");
        assert_eq!(overview.rows[0].passage, "la gratuité des transports");
        assert_eq!(only(&|f| f.words = "egalite".into()).len(), 3);
    }

    #[test]
    fn folding_takes_case_accents_and_ligatures_off() {
        assert_eq!(
            fold("Égalité À ÇA œuvre Æ straße"),
            "egalite a ca oeuvre ae strasse"
        );
        assert_eq!(fold("e\u{301}te\u{301}"), "ete");
        assert_eq!(fold("l’été\u{a0}:"), "l'ete :");
        assert_eq!(fold("délégué·es 😀"), "delegue·es 😀");
    }
}

//! Two moments of the text compared, word by word, each change with the
//! person who made it. Yrs says what changed and who inserted it: the
//! merged text of a diff between two snapshots marks each character as
//! kept, added (by the client that wrote the item) or removed (the
//! deleter comes from the checkpoints, [`super`]). That is exact, but at
//! the characters' level: "chat" made "chats" is one added "s", and a
//! passage deleted and typed again the same is a deletion and an insertion.
//! So each stretch of changes is widened to the words it touches, and
//! within it the old words and the new are aligned by `similar` (Myers, on
//! word tokens): a word typed again identical is kept, "chat" → "chats"
//! reads as one word replaced. A stretch too big to align cheaply (a whole
//! text written between the two moments) keeps Yrs's characters as they
//! are.

use std::collections::HashSet;

use similar::{capture_diff_slices, Algorithm, DiffOp};

/// What happened to a piece of text between the two moments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    Same,
    Added,
    Removed,
}

/// A stretch of the compared text: kept, added or removed, by whom (the
/// yrs client who wrote an addition or made a deletion; `None` when not
/// known, or for kept text), and the change it belongs to, for "next
/// change" (`None` for kept text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub change: Change,
    pub text: String,
    pub who: Option<u64>,
    pub group: Option<u32>,
}

/// One person's part in a comparison (by yrs client; the page merges the
/// visits of one person): words added and removed, and how many
/// paragraphs they touched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub who: Option<u64>,
    pub added: u32,
    pub removed: u32,
    pub paragraphs: u32,
}

/// Two moments of the text compared.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// The merged text, in order: the earlier text is the kept and removed
    /// pieces, the later one the kept and added pieces.
    pub pieces: Vec<Piece>,
    /// Per person, in order of their first change.
    pub tallies: Vec<Tally>,
    /// How many changes there are (groups of the pieces).
    pub groups: u32,
}

impl Comparison {
    /// The earlier text.
    pub fn old_text(&self) -> String {
        self.side(Change::Added)
    }

    /// The later text.
    pub fn new_text(&self) -> String {
        self.side(Change::Removed)
    }

    fn side(&self, without: Change) -> String {
        self.pieces
            .iter()
            .filter(|piece| piece.change != without)
            .map(|piece| piece.text.as_str())
            .collect()
    }

    /// Words added and removed, everyone together.
    pub fn words(&self) -> (u32, u32) {
        self.tallies.iter().fold((0, 0), |(added, removed), tally| {
            (added + tally.added, removed + tally.removed)
        })
    }

    /// The clients with a change here, in order of their first change.
    pub fn editors(&self) -> Vec<u64> {
        self.tallies.iter().filter_map(|tally| tally.who).collect()
    }
}

/// One character of the merged text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mark {
    pub ch: char,
    pub change: Change,
    pub who: Option<u64>,
}

/// A stretch is aligned when Myers's cost, about the number of tokens
/// times the number of differences, stays small: at most
/// [`ALIGN_TOKENS`] tokens on both sides together, and at most
/// [`ALIGN_DIFFERENCES`] differences counted cheaply first (the tokens one
/// side has more of than the other: a lower bound of Myers's distance).
/// A paragraph rewritten in part aligns; a passage replaced by another
/// does not, and shows as Yrs marked it. On the automerge-paper trace,
/// aligning every stretch up to 500 × 500 tokens made comparing a middle
/// checkpoint with the end take 100 to 300 ms instead of about 40
/// (`cargo bench -p cahier-model --bench history`).
const ALIGN_TOKENS: usize = 2_000;
const ALIGN_DIFFERENCES: usize = 64;

/// Whether old and new tokens differ little enough to align cheaply.
fn close_enough(old: &[&str], new: &[&str]) -> bool {
    if old.len() + new.len() > ALIGN_TOKENS {
        return false;
    }
    let mut counts: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for token in old {
        *counts.entry(token).or_default() += 1;
    }
    for token in new {
        *counts.entry(token).or_default() -= 1;
    }
    let differences: i64 = counts.values().map(|n| n.abs()).sum();
    differences as usize <= ALIGN_DIFFERENCES
}

pub(crate) fn is_word(ch: char) -> bool {
    ch.is_alphanumeric() || matches!(ch, '\'' | '’' | '_')
}

/// Cut characters into tokens: a word, a run of white space, or one other
/// character. Returns the end of each token.
fn tokens(chars: &[char]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let first = chars[at];
        at += 1;
        if is_word(first) {
            while at < chars.len() && is_word(chars[at]) {
                at += 1;
            }
        } else if first.is_whitespace() {
            while at < chars.len() && chars[at].is_whitespace() {
                at += 1;
            }
        }
        ends.push(at);
    }
    ends
}

/// Counts paragraphs (blank-line separated) along the later text.
#[derive(Default)]
struct Paragraphs {
    index: u32,
    after_newline: bool,
}

impl Paragraphs {
    fn feed(&mut self, text: &str) {
        for ch in text.chars() {
            if ch == '\n' {
                if self.after_newline {
                    self.index += 1;
                }
                self.after_newline = true;
            } else if !ch.is_whitespace() {
                self.after_newline = false;
            }
        }
    }
}

struct Builder {
    pieces: Vec<Piece>,
    tallies: Vec<Tally>,
    touched: HashSet<(Option<u64>, u32)>,
    paragraphs: Paragraphs,
    groups: u32,
    /// Whether the stretch being emitted has had a change yet.
    changed: bool,
}

impl Builder {
    fn push(&mut self, change: Change, text: &str, who: Option<u64>, word: bool) {
        if text.is_empty() {
            return;
        }
        let group = (change != Change::Same).then(|| {
            if !self.changed {
                self.changed = true;
                self.groups += 1;
            }
            self.groups - 1
        });
        let who = if change == Change::Same { None } else { who };
        if change != Change::Same {
            let at = match self.tallies.iter().position(|tally| tally.who == who) {
                Some(at) => at,
                None => {
                    self.tallies.push(Tally {
                        who,
                        ..Tally::default()
                    });
                    self.tallies.len() - 1
                }
            };
            let tally = &mut self.tallies[at];
            if word {
                match change {
                    Change::Added => tally.added += 1,
                    _ => tally.removed += 1,
                }
            }
            // A change is in the paragraph where it starts; a removal
            // sits where it was.
            if self.touched.insert((who, self.paragraphs.index)) {
                tally.paragraphs += 1;
            }
        }
        if change != Change::Removed {
            self.paragraphs.feed(text);
        }
        match self.pieces.last_mut() {
            Some(last) if last.change == change && last.who == who && last.group == group => {
                last.text.push_str(text)
            }
            _ => self.pieces.push(Piece {
                change,
                text: text.to_owned(),
                who,
                group,
            }),
        }
    }

    /// A stretch as Yrs marked it, character by character, words counted
    /// by the word tokens each side holds.
    fn raw(&mut self, marks: &[Mark]) {
        let mut at = 0;
        while at < marks.len() {
            let (change, who) = (marks[at].change, marks[at].who);
            let mut end = at + 1;
            while end < marks.len() && marks[end].change == change && marks[end].who == who {
                end += 1;
            }
            let chars: Vec<char> = marks[at..end].iter().map(|mark| mark.ch).collect();
            let mut start = 0;
            for token_end in tokens(&chars) {
                let token: String = chars[start..token_end].iter().collect();
                let word = is_word(chars[start]);
                self.push(change, &token, who, word);
                start = token_end;
            }
            at = end;
        }
    }

    /// A stretch of changes widened to whole words: its earlier and later
    /// words aligned.
    fn aligned(&mut self, marks: &[Mark]) {
        let side = |without: Change| -> (Vec<char>, Vec<Option<u64>>) {
            marks
                .iter()
                .filter(|mark| mark.change != without)
                .map(|mark| (mark.ch, mark.who))
                .unzip()
        };
        let (old, old_who) = side(Change::Added);
        let (new, new_who) = side(Change::Removed);
        let (old_ends, new_ends) = (tokens(&old), tokens(&new));
        if old_ends.len() + new_ends.len() > ALIGN_TOKENS {
            return self.raw(marks);
        }
        let texts = |chars: &[char], ends: &[usize], who: &[Option<u64>]| {
            let mut start = 0;
            ends.iter()
                .map(|&end| {
                    let text: String = chars[start..end].iter().collect();
                    let author = majority(&who[start..end]);
                    let word = is_word(chars[start]);
                    start = end;
                    (text, author, word)
                })
                .collect::<Vec<_>>()
        };
        // A word kept in part ("chat" in "chats") was changed by whoever
        // changed the stretch.
        let all: Vec<Option<u64>> = marks.iter().map(|mark| mark.who).collect();
        let changer = majority(&all);
        let mut old_tokens = texts(&old, &old_ends, &old_who);
        let mut new_tokens = texts(&new, &new_ends, &new_who);
        for token in old_tokens.iter_mut().chain(new_tokens.iter_mut()) {
            token.1 = token.1.or(changer);
        }
        let old_keys: Vec<&str> = old_tokens.iter().map(|t| t.0.as_str()).collect();
        let new_keys: Vec<&str> = new_tokens.iter().map(|t| t.0.as_str()).collect();
        if !close_enough(&old_keys, &new_keys) {
            return self.raw(marks);
        }
        for op in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
            let (old_range, new_range) = (op.old_range(), op.new_range());
            match op {
                DiffOp::Equal { .. } => {
                    for (text, _, word) in &new_tokens[new_range] {
                        self.push(Change::Same, text, None, *word);
                    }
                }
                DiffOp::Delete { .. } | DiffOp::Insert { .. } | DiffOp::Replace { .. } => {
                    for (text, who, word) in &old_tokens[old_range] {
                        self.push(Change::Removed, text, *who, *word);
                    }
                    for (text, who, word) in &new_tokens[new_range] {
                        self.push(Change::Added, text, *who, *word);
                    }
                }
            }
        }
    }
}

/// The most frequent known author among a token's characters.
fn majority(who: &[Option<u64>]) -> Option<u64> {
    let mut counts: Vec<(u64, usize)> = Vec::new();
    for client in who.iter().flatten() {
        match counts.iter_mut().find(|(known, _)| known == client) {
            Some((_, count)) => *count += 1,
            None => counts.push((*client, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(client, count)| (count, std::cmp::Reverse(client)))
        .map(|(client, _)| client)
}

/// The comparison of a merged text.
pub(crate) fn build(marks: &[Mark]) -> Comparison {
    let mut builder = Builder {
        pieces: Vec::new(),
        tallies: Vec::new(),
        touched: HashSet::new(),
        paragraphs: Paragraphs::default(),
        groups: 0,
        changed: false,
    };
    let same = |at: usize| marks[at].change == Change::Same;
    let n = marks.len();
    let mut done = 0;
    let mut at = 0;
    while at < n {
        if same(at) {
            at += 1;
            continue;
        }
        // A stretch of changes, widened to the words it touches.
        let mut start = at;
        if is_word(marks[at].ch) {
            while start > done && same(start - 1) && is_word(marks[start - 1].ch) {
                start -= 1;
            }
        }
        let mut end = at;
        loop {
            while end < n && !same(end) {
                end += 1;
            }
            let mut past = end;
            if is_word(marks[end - 1].ch) {
                while past < n && same(past) && is_word(marks[past].ch) {
                    past += 1;
                }
            }
            let more = past < n && past > end && !same(past);
            end = past;
            if !more {
                break;
            }
        }
        let kept: String = marks[done..start].iter().map(|mark| mark.ch).collect();
        builder.push(Change::Same, &kept, None, false);
        let stretch = &marks[start..end];
        let widened = start < at
            || stretch
                .last()
                .is_some_and(|mark| mark.change == Change::Same);
        let both = stretch.iter().any(|m| m.change == Change::Added)
            && stretch.iter().any(|m| m.change == Change::Removed);
        builder.changed = false;
        if widened || both {
            builder.aligned(stretch);
        } else {
            builder.raw(stretch);
        }
        builder.changed = false;
        done = end;
        at = end;
    }
    let kept: String = marks[done..].iter().map(|mark| mark.ch).collect();
    builder.push(Change::Same, &kept, None, false);
    Comparison {
        pieces: builder.pieces,
        tallies: builder.tallies,
        groups: builder.groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Marks from a little language: `[+text:who]` added, `[-text:who]`
    /// removed, the rest kept.
    fn marks(spec: &str) -> Vec<Mark> {
        let mut marks = Vec::new();
        let mut rest = spec;
        while let Some(open) = rest.find('[') {
            marks.extend(rest[..open].chars().map(|ch| Mark {
                ch,
                change: Change::Same,
                who: None,
            }));
            let close = open + rest[open..].find(']').unwrap();
            let inner = &rest[open + 1..close];
            let change = if inner.starts_with('+') {
                Change::Added
            } else {
                Change::Removed
            };
            let (text, who) = inner[1..].rsplit_once(':').unwrap();
            let who = who.parse().ok();
            marks.extend(text.chars().map(|ch| Mark { ch, change, who }));
            rest = &rest[close + 1..];
        }
        marks.extend(rest.chars().map(|ch| Mark {
            ch,
            change: Change::Same,
            who: None,
        }));
        marks
    }

    fn shown(comparison: &Comparison) -> String {
        comparison
            .pieces
            .iter()
            .map(|piece| match piece.change {
                Change::Same => piece.text.clone(),
                Change::Added => format!("[+{}:{}]", piece.text, piece.who.unwrap_or(0)),
                Change::Removed => format!("[-{}:{}]", piece.text, piece.who.unwrap_or(0)),
            })
            .collect()
    }

    #[test]
    fn words_inserted_between_words_stay_as_yrs_marked_them() {
        let comparison = build(&marks("le [+grand :1]chat dort"));
        assert_eq!(shown(&comparison), "le [+grand :1]chat dort");
        assert_eq!(comparison.old_text(), "le chat dort");
        assert_eq!(comparison.new_text(), "le grand chat dort");
        assert_eq!(
            comparison.tallies,
            vec![Tally {
                who: Some(1),
                added: 1,
                removed: 0,
                paragraphs: 1
            }]
        );
        assert_eq!(comparison.groups, 1);
    }

    #[test]
    fn a_word_changed_inside_reads_as_the_word_replaced() {
        let comparison = build(&marks("le ch[-at:2][+ien:3] dort"));
        assert_eq!(shown(&comparison), "le [-chat:2][+chien:3] dort");
        assert_eq!(comparison.words(), (1, 1));
        assert_eq!(comparison.editors(), vec![2, 3]);
    }

    #[test]
    fn a_word_deleted_and_typed_again_identical_is_kept() {
        let comparison = build(&marks("un [-texte:1][+texte:2] commun"));
        assert_eq!(shown(&comparison), "un texte commun");
        assert_eq!(comparison.words(), (0, 0));
        assert_eq!(comparison.groups, 0);
    }

    #[test]
    fn a_plural_s_is_the_word_replaced_by_its_author() {
        let comparison = build(&marks("les chat[+s:4] dorment"));
        assert_eq!(shown(&comparison), "les [-chat:4][+chats:4] dorment");
        assert_eq!(comparison.tallies.len(), 1);
        assert_eq!(comparison.new_text(), "les chats dorment");
        assert_eq!(comparison.old_text(), "les chat dorment");
    }

    #[test]
    fn changes_in_separate_places_are_separate_groups_and_paragraphs() {
        let comparison = build(&marks("Un [+deux :1]trois.\n\nQuatre [-cinq :2]six."));
        assert_eq!(comparison.groups, 2);
        let groups: Vec<_> = comparison
            .pieces
            .iter()
            .filter_map(|piece| piece.group)
            .collect();
        assert_eq!(groups, vec![0, 1]);
        assert_eq!(comparison.tallies.len(), 2);
        assert!(comparison.tallies.iter().all(|tally| tally.paragraphs == 1));
        let one = build(&marks("[+Un :1]deux.\n\n[+Trois :1]quatre."));
        assert_eq!(one.tallies[0].paragraphs, 2);
        assert_eq!(one.tallies[0].added, 2);
    }

    #[test]
    fn a_paragraph_rewritten_in_part_aligns_word_by_word() {
        let old: String = (0..60).map(|i| format!("w{i} ")).collect();
        let new = old.replace("w7 ", "x7 ").replace("w30 ", "");
        let spec = format!("[-{old}:1][+{new}:1]");
        let comparison = build(&marks(&spec));
        assert_eq!(comparison.words(), (1, 2));
        assert_eq!(comparison.new_text(), new);
    }

    #[test]
    fn a_stretch_too_long_to_align_keeps_the_characters() {
        let long: String = (0..600).map(|i| format!("w{i} ")).collect();
        let spec = format!("[-{long}:1][+{long}x:2]");
        let comparison = build(&marks(&spec));
        assert_eq!(comparison.old_text(), long);
        assert_eq!(comparison.new_text(), format!("{long}x"));
        assert_eq!(comparison.words(), (601, 600));
    }

    #[test]
    fn no_change_is_one_kept_piece() {
        let comparison = build(&marks("rien ne change"));
        assert_eq!(comparison.pieces.len(), 1);
        assert_eq!(comparison.groups, 0);
        assert!(comparison.tallies.is_empty());
        assert_eq!(build(&[]), Comparison::default());
    }

    #[test]
    fn tokens_are_words_runs_of_white_space_and_single_other_characters() {
        let chars: Vec<char> = "l'été,  ici\n\n".chars().collect();
        // "l'été" "," "  " "ici" "\n\n"
        assert_eq!(tokens(&chars), vec![5, 6, 8, 11, 13]);
    }

    #[test]
    fn a_token_written_by_two_people_is_the_one_who_wrote_most_of_it() {
        let comparison = build(&marks("le ch[-at:2][+ie:4][+n:3] dort"));
        assert_eq!(shown(&comparison), "le [-chat:2][+chien:4] dort");
    }

    #[test]
    fn single_line_breaks_do_not_start_paragraphs() {
        let comparison = build(&marks("[+Un:1]\nDeux\n[+Trois:1]\n \nQuatre [+cinq:1]"));
        assert_eq!(comparison.tallies[0].paragraphs, 2);
    }
}

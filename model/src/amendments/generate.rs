//! Made-up congress material, for measuring and for tests at scale: a
//! French-like motion of any length, and amendments on it with realistic
//! shapes (passages of 20 to 400 characters, mostly short; about 10 %
//! deletions, 5 % insertions, 20 % over another one's passage so that they
//! compete). Deterministic from a seed (xorshift64*), no randomness source
//! needed, so the command line (`cahier populate --amendments`) and the
//! tests make the same document every time.

use super::{Draft, Proposal};

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 for `n == 0`).
    pub fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % u64::from(n.max(1))) as u32
    }

    /// From `low` to `high`, most near `low` (half in the first quarter).
    pub fn skewed(&mut self, low: u32, high: u32) -> u32 {
        let x = f64::from(self.below(1_000)) / 1_000.0;
        low + (f64::from(high.saturating_sub(low)) * x * x) as u32
    }

    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for chunk in out.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        out
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

/// A sentence of a motion, capitalised, with its full stop.
pub fn sentence(rng: &mut Rng) -> String {
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

/// A motion of at least `chars` characters: Markdown headings and
/// paragraphs of a few sentences, only characters of the Basic
/// Multilingual Plane (each one UTF-16 unit).
pub fn text(seed: u64, chars: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(chars + chars / 4);
    let mut count = 0;
    let mut part = 0;
    while count < chars {
        let piece = if rng.below(12) == 0 {
            part += 1;
            format!("## Partie {part}\n\n")
        } else {
            let mut paragraph = String::new();
            for k in 0..(2 + rng.below(5)) {
                if k > 0 {
                    paragraph.push(' ');
                }
                paragraph.push_str(&sentence(&mut rng));
            }
            paragraph.push_str("\n\n");
            paragraph
        };
        count += piece.chars().count();
        out.push_str(&piece);
    }
    out
}

/// `n` amendments on `body` (UTF-16 offsets into it), in filing order.
pub fn drafts(seed: u64, body: &str, n: usize) -> Vec<Draft> {
    let mut rng = Rng::new(seed ^ 0x9e37_79b9_7f4a_7c15);
    let units: Vec<u16> = body.encode_utf16().collect();
    let len = units.len() as u32;
    // Never cut a surrogate pair.
    let boundary = |mut at: u32| {
        while at > 0 && at < len && (0xDC00..0xE000).contains(&units[at as usize]) {
            at -= 1;
        }
        at
    };
    let mut out: Vec<Draft> = Vec::with_capacity(n);
    for _ in 0..n {
        let kind = rng.below(100);
        let (start, end) = if kind < 20 && !out.is_empty() {
            // Over another one's passage: competing.
            let other = &out[rng.below(out.len() as u32) as usize];
            let start = other.start.saturating_sub(rng.below(30));
            let end = (other.end + rng.below(30)).min(len).max(start);
            (boundary(start), boundary(end))
        } else if kind < 25 {
            let at = boundary(rng.below(len + 1));
            (at, at)
        } else {
            let size = rng.skewed(20, 400);
            let start = boundary(rng.below(len.saturating_sub(size).max(1)));
            (start, boundary((start + size).min(len)))
        };
        let proposal = if start < end && kind % 10 == 9 {
            Proposal::Delete
        } else {
            Proposal::Replace(sentence(&mut rng))
        };
        out.push(Draft {
            start,
            end,
            proposal,
            rationale: sentence(&mut rng),
            parent: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_as_long_as_asked_and_the_same_every_time() {
        let text = text(7, 10_000);
        assert!(text.chars().count() >= 10_000);
        assert_eq!(text, super::text(7, 10_000));
        assert_ne!(text, super::text(8, 10_000));
        assert_eq!(text.chars().count(), text.encode_utf16().count());
    }

    #[test]
    fn drafts_lie_in_the_text_and_a_fifth_compete() {
        let body = text(1, 50_000);
        let len = body.encode_utf16().count() as u32;
        let drafts = drafts(1, &body, 500);
        assert_eq!(drafts.len(), 500);
        assert!(drafts.iter().all(|d| d.start <= d.end && d.end <= len));
        let insertions = drafts.iter().filter(|d| d.start == d.end).count();
        let deletions = drafts
            .iter()
            .filter(|d| d.proposal == Proposal::Delete)
            .count();
        assert!((10..60).contains(&insertions), "{insertions}");
        assert!((20..90).contains(&deletions), "{deletions}");
        let ranges: Vec<Option<(u32, u32)>> =
            drafts.iter().map(|d| Some((d.start, d.end))).collect();
        let grouped: usize = super::super::collide::groups(&ranges)
            .iter()
            .map(Vec::len)
            .sum();
        assert!(grouped >= 100, "{grouped} of 500 compete");
    }
}

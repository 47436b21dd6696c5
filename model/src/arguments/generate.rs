//! Made-up argument maps at scale, for measuring and tests: a question at
//! the top and claims under it, three per claim, level by level, so 2,000
//! claims reach 8 levels; stances alternate, one claim in three carries a
//! tag of [`TAGS`], one in five a source. The same map on every run.

use super::{ClaimEdit, Source, Stance, TopKind};

/// The tags the generated claims carry.
pub const TAGS: [&str; 8] = [
    "budget",
    "écologie",
    "emploi",
    "santé",
    "transports",
    "logement",
    "école",
    "démocratie",
];

const WORDS: [&str; 24] = [
    "la",
    "gratuité",
    "des",
    "transports",
    "rend",
    "la ville",
    "à tous",
    "réduit",
    "la pollution",
    "coûte",
    "moins",
    "que",
    "la billetterie",
    "les familles",
    "gagnent",
    "du temps",
    "et",
    "les",
    "quartiers",
    "éloignés",
    "sont",
    "enfin",
    "desservis",
    "chaque jour",
];

/// One claim to add: its parent by index in the list (`None`: the top),
/// and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub parent: Option<usize>,
    pub claim: ClaimEdit,
}

/// `n` claims (at least one: the question), three under each, breadth
/// first.
pub fn map(n: usize) -> Vec<Spec> {
    let mut out = Vec::with_capacity(n.max(1));
    for i in 0..n.max(1) {
        let parent = (i > 0).then(|| (i - 1) / 3);
        let words: Vec<&str> = (0..8)
            .map(|k| WORDS[(i * 7 + k * 5) % WORDS.len()])
            .collect();
        let mut text = words.join(" ");
        text.push_str(&format!(" ({i})."));
        let tags = if i % 3 == 0 {
            vec![TAGS[(i / 3) % TAGS.len()].to_owned()]
        } else {
            Vec::new()
        };
        let sources = if i % 5 == 0 {
            vec![Source {
                url: format!("https://example.org/etude/{i}"),
                title: format!("Étude {i}"),
                quote: String::new(),
                date: "2025".into(),
            }]
        } else {
            Vec::new()
        };
        out.push(Spec {
            parent,
            claim: ClaimEdit {
                text: Some(if i == 0 {
                    "Faut-il rendre les transports publics gratuits ?".into()
                } else {
                    text
                }),
                note: (i % 4 == 0).then(|| format!("Explication **{i}**.")),
                kind: (i == 0).then_some(TopKind::Question),
                stance: Some(if i % 2 == 0 { Stance::Con } else { Stance::Pro }),
                tags: Some(tags),
                sources: Some(sources),
            },
        });
    }
    out
}

/// How deep a list of specs goes (levels, the top counting as one).
pub fn depth(specs: &[Spec]) -> usize {
    let mut levels = vec![0usize; specs.len()];
    for (i, spec) in specs.iter().enumerate() {
        levels[i] = spec.parent.map_or(1, |p| levels[p] + 1);
    }
    levels.into_iter().max().unwrap_or(0)
}

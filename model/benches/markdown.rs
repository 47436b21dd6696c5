//! How long the preview takes to render a long text: a 100,000-character
//! Markdown document (headings, paragraphs with emphasis and links, lists,
//! tables, a quote, some raw HTML), rendered by [`model::markdown`]
//! many times; prints the median and the slowest run. A benchmark, not a
//! test: it asserts nothing about time.
//!
//! `cargo bench -p cahier-model --bench markdown` measures it optimised (the
//! release profile). To reuse the debug build's dependencies instead of
//! building them all again optimised:
//!
//! ```text
//! cargo bench -p cahier-model --bench markdown --profile dev \
//!     --config 'profile.dev.opt-level=3' \
//!     --config 'profile.dev.package.pulldown-cmark.opt-level=3'
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use model::markdown::to_html;

/// A motion-like text of at least `chars` characters.
fn document(chars: usize) -> String {
    let mut text = String::new();
    let mut section = 0;
    while text.chars().count() < chars {
        section += 1;
        text.push_str(&format!(
            "## Article {section} : *considérant* que\n\n\
             Le congrès, réuni le {section} mai, **affirme** que la section doit \
             disposer de moyens ; voir [le compte rendu](https://exemple.org/cr/{section}) \
             et `la motion {section}`. Les adhérentes et adhérents ont débattu \
             longuement des amendements déposés, ~~rejetés~~ ou retenus.\n\n\
             - premier point à l'ordre du jour\n- second point, avec <b>du HTML</b>\n\
             - [x] vote effectué\n- [ ] diffusion du tract\n\n\
             | Pour | Contre | Abstention |\n|---:|---:|---:|\n| {section} | 3 | 1 |\n\n\
             > Citation d'un texte adopté l'an passé, qu'on ne modifie pas.\n\n"
        ));
    }
    text
}

fn main() {
    let text = document(100_000);
    let chars = text.chars().count();
    let html = to_html(&text);
    // Warm up, then measure.
    for _ in 0..5 {
        black_box(to_html(black_box(&text)));
    }
    let mut runs: Vec<Duration> = (0..50)
        .map(|_| {
            let start = Instant::now();
            black_box(to_html(black_box(&text)));
            start.elapsed()
        })
        .collect();
    runs.sort();
    println!(
        "markdown: {chars} characters -> {} bytes of HTML; median {:.2?}, slowest {:.2?} over {} runs",
        html.len(),
        runs[runs.len() / 2],
        runs[runs.len() - 1],
        runs.len()
    );
}

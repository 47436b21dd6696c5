//! How long numbering takes on a long text: a 660,000-character body (the
//! size of a long congress's motions book) cut into numbered lines by
//! [`model::lines`], then rendered with its numbers as the preview and the
//! HTML export do, and as numbered plain text; prints the median and the
//! slowest run of each. A benchmark, not a test: it asserts nothing about
//! time.
//!
//! `cargo bench -p cahier-model --bench lines` measures it optimised; the
//! `markdown` bench's docs say how to reuse the debug build instead.

use std::hint::black_box;
use std::time::{Duration, Instant};

use model::export::to_text_numbered;
use model::lines::Lines;
use model::markdown::{to_html, to_html_numbered};

/// A motion-like text of at least `chars` characters, with long
/// paragraphs (several numbered lines each).
fn document(chars: usize) -> String {
    let mut text = String::new();
    let mut section = 0;
    while text.chars().count() < chars {
        section += 1;
        text.push_str(&format!(
            "## Article {section} : *considérant* que\n\n\
             Le congrès, réuni le {section} mai à Saint-Étienne-du-Rouvray, **affirme** que la \
             section doit disposer de moyens ; voir [le compte rendu](https://exemple.org/cr/{section}) \
             et `la motion {section}`. Les adhérentes et adhérents ont débattu longuement des \
             amendements déposés, ~~rejetés~~ ou retenus, c'est-à-dire de l'ensemble du texte \
             soumis au vote des délégué·es.\n\n\
             - premier point à l'ordre du jour\n- second point, avec <b>du HTML</b>\n\n\
             | Pour | Contre | Abstention |\n|---:|---:|---:|\n| {section} | 3 | 1 |\n\n\
             > Citation d'un texte adopté l'an passé, qu'on ne modifie pas.\n\n"
        ));
    }
    text
}

/// The median and slowest of `runs` runs of `f`, after a warm-up.
fn time(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    for _ in 0..3 {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[times.len() - 1])
}

fn main() {
    let text = document(660_000);
    let chars = text.chars().count();
    let lines = Lines::new(&text);
    println!("lines: {chars} characters, {} numbered lines", lines.len());
    let (median, slowest) = time(30, || {
        black_box(Lines::new(black_box(&text)));
    });
    println!("  Lines::new: median {median:.2?}, slowest {slowest:.2?}");
    let (median, slowest) = time(30, || {
        black_box(lines.line_of(black_box(300_000)));
    });
    println!("  line_of: median {median:.2?}, slowest {slowest:.2?}");
    let (median, slowest) = time(10, || {
        black_box(to_html(black_box(&text)));
    });
    println!("  markdown::to_html (no numbers): median {median:.2?}, slowest {slowest:.2?}");
    let (median, slowest) = time(10, || {
        black_box(to_html_numbered(black_box(&text)));
    });
    println!("  markdown::to_html_numbered: median {median:.2?}, slowest {slowest:.2?}");
    let (median, slowest) = time(10, || {
        black_box(to_text_numbered("", black_box(&text)));
    });
    println!("  export::to_text_numbered: median {median:.2?}, slowest {slowest:.2?}");
}

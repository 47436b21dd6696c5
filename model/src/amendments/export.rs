//! The amendments as a Markdown file: a summary table (n° | lines |
//! author | status), then each amendment cited the way congress texts
//! cite them ("A12, l. 42-45 : remplacer « … » par « … »"), with its
//! rationale, its supports and the keepers' decision. `cahier export
//! --amendments` and the page's Export menu write it; the booklet of
//! issue 13 builds on it. French or English, by `lang`.

use super::decisions::Decisions;
use super::{Overview, Proposal, Row, Status};

pub(crate) struct Words {
    pub(crate) heading: &'static str,
    pub(crate) number: &'static str,
    pub(crate) lines: &'static str,
    pub(crate) author: &'static str,
    pub(crate) status: &'static str,
    pub(crate) provisional: &'static str,
    pub(crate) replace: &'static str,
    pub(crate) by: &'static str,
    pub(crate) delete: &'static str,
    pub(crate) insert: &'static str,
    pub(crate) rationale: &'static str,
    pub(crate) supports: &'static str,
    pub(crate) changed: &'static str,
    pub(crate) fallen_by: &'static str,
    pub(crate) sub: &'static str,
    pub(crate) none: &'static str,
    pub(crate) votes: &'static str,
    pub(crate) unanimous: &'static str,
}

pub(crate) const FR: Words = Words {
    heading: "Amendements",
    number: "n°",
    lines: "lignes",
    author: "auteur·e",
    status: "statut",
    provisional: "provisoire",
    replace: "remplacer",
    by: "par",
    delete: "supprimer",
    insert: "insérer",
    rationale: "Motif",
    supports: "soutiens",
    changed: "le passage a changé depuis le dépôt ; il se lit maintenant",
    fallen_by: "tombé : remplacé par",
    sub: "sous-amendement de",
    none: "Aucun amendement.",
    votes: "pour {yes}, contre {no}, abstentions {abstain}",
    unanimous: "à l’unanimité",
};

pub(crate) const EN: Words = Words {
    heading: "Amendments",
    number: "No.",
    lines: "lines",
    author: "author",
    status: "status",
    provisional: "provisional",
    replace: "replace",
    by: "with",
    delete: "delete",
    insert: "insert",
    rationale: "Rationale",
    supports: "supports",
    changed: "the passage changed since filing; it now reads",
    fallen_by: "fallen: replaced by",
    sub: "sub-amendment of",
    none: "No amendments.",
    votes: "{yes} for, {no} against, {abstain} abstentions",
    unanimous: "unanimously",
};

/// A status in words.
pub fn status_words(status: Status, lang: &str) -> &'static str {
    let fr = lang.starts_with("fr");
    match (status, fr) {
        (Status::Filed, true) => "déposé",
        (Status::Discussion, true) => "en discussion",
        (Status::Adopted, true) => "adopté",
        (Status::Rejected, true) => "rejeté",
        (Status::Withdrawn, true) => "retiré",
        (Status::Fallen, true) => "tombé",
        (Status::Filed, false) => "filed",
        (Status::Discussion, false) => "under discussion",
        (Status::Adopted, false) => "adopted",
        (Status::Rejected, false) => "rejected",
        (Status::Withdrawn, false) => "withdrawn",
        (Status::Fallen, false) => "fallen",
    }
}

/// How a row is cited: "A12", or the provisional mark.
pub fn citation(row: &Row, lang: &str) -> String {
    match row.number {
        Some(number) => format!("A{number}"),
        None => words(lang).provisional.to_owned(),
    }
}

/// "l. 42-45", "l. 42".
pub fn lines_words(lines: (u32, u32)) -> String {
    if lines.0 == lines.1 {
        format!("l. {}", lines.0)
    } else {
        format!("l. {}-{}", lines.0, lines.1)
    }
}

pub(crate) fn words(lang: &str) -> &'static Words {
    if lang.starts_with("fr") {
        &FR
    } else {
        &EN
    }
}

/// Text quoted inline: one line, no table breakage.
fn quote(text: &str, fr: bool) -> String {
    let flat = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|");
    if fr {
        format!("« {flat} »")
    } else {
        format!("“{flat}”")
    }
}

/// The amendments of the document titled `title` as Markdown, in number
/// order (provisional ones last, in text order).
pub fn markdown(overview: &Overview, decisions: &Decisions, title: &str, lang: &str) -> String {
    let w = words(lang);
    let fr = lang.starts_with("fr");
    let mut out = format!("# {} — {}\n\n", w.heading, title.trim());
    if overview.rows.is_empty() {
        out.push_str(w.none);
        out.push('\n');
        return out;
    }
    let mut order: Vec<&Row> = overview.rows.iter().collect();
    order.sort_by_key(|row| row.number.map_or((1, 0), |n| (0, n)));
    let cite = |id: &str| {
        overview
            .row(id)
            .map_or_else(|| id.to_owned(), |row| citation(row, lang))
    };
    out.push_str(&format!(
        "| {} | {} | {} | {} |\n| --- | --- | --- | --- |\n",
        w.number, w.lines, w.author, w.status
    ));
    for row in &order {
        let lines = row.lines.unwrap_or(row.filed_lines);
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            citation(row, lang),
            lines_words(lines),
            row.author_name.replace('|', "\\|"),
            status_words(row.status, lang)
        ));
    }
    for row in order {
        let lines = row.lines.unwrap_or(row.filed_lines);
        out.push_str(&format!(
            "\n## {}, {} — {} — {}\n\n",
            citation(row, lang),
            lines_words(lines),
            row.author_name,
            status_words(row.status, lang)
        ));
        if let Some(parent) = &row.parent {
            out.push_str(&format!("{} {}.\n\n", w.sub, cite(parent)));
        }
        let change = match (&row.proposal, row.passage.is_empty()) {
            (Proposal::Delete, _) => format!("{} {}", w.delete, quote(&row.passage, fr)),
            (Proposal::Replace(text), true) => format!("{} {}", w.insert, quote(text, fr)),
            (Proposal::Replace(text), false) => format!(
                "{} {} {} {}",
                w.replace,
                quote(&row.passage, fr),
                w.by,
                quote(text, fr)
            ),
        };
        let mut change = change;
        if let Some(first) = change.get(..1) {
            change = first.to_uppercase() + &change[1..];
        }
        out.push_str(&change);
        out.push_str(".\n");
        if let Some(now) = &row.current {
            out.push_str(&format!("\n({} {}.)\n", w.changed, quote(now, fr)));
        }
        if !row.rationale.is_empty() {
            out.push_str(&format!(
                "\n**{}** : {}\n",
                w.rationale,
                row.rationale.trim()
            ));
        }
        out.push_str(&format!("\n{} : {}", w.supports, row.supports));
        if let Some(last) = decisions.get(&row.id).and_then(|d| d.history.last()) {
            if let Some(counts) = last.counts {
                let votes = if counts.unanimous {
                    w.unanimous.to_owned()
                } else {
                    w.votes
                        .replace("{yes}", &counts.yes.to_string())
                        .replace("{no}", &counts.no.to_string())
                        .replace("{abstain}", &counts.abstain.to_string())
                };
                out.push_str(&format!(" · {votes}"));
            }
        }
        if let Some(by) = &row.fallen_by {
            out.push_str(&format!(" · {} {}", w.fallen_by, cite(by)));
        }
        out.push('\n');
    }
    out
}

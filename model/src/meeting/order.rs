//! The order assistant: the agenda a chair starts from, by the rules
//! assemblies use (the French règlements of congresses and councils
//! follow them, as do the parliaments they copy):
//!
//! 1. The text in order: passages are taken from the top of the text down.
//! 2. On one passage, when amendments compete ([`Overview::groups`]),
//!    deletions first (if the passage goes, the others have nothing left
//!    to amend), then the one furthest from the text first (the most
//!    words changed, [`wording::distance`]), so that adopting it makes
//!    the closer ones fall rather than the other way round.
//! 3. A sub-amendment before the amendment it amends (it changes what
//!    the assembly then votes on), by the same rules among siblings.
//! 4. Only what is still open; a sub-amendment of a closed amendment has
//!    nothing left to amend and is left out. Amendments whose words are
//!    gone from the text come last, in filing order, so the chair sees
//!    them and can reject them.
//!
//! Ties go by number, then filing time. The chair then drags to reorder.

use std::cmp::Reverse;
use std::collections::HashMap;

use crate::amendments::{wording, Overview, Proposal, Row};

/// How far a row's wording is from the text as it stands.
fn distance(row: &Row) -> u32 {
    let passage = row.current.as_deref().unwrap_or(&row.passage);
    wording::distance(passage, row.proposal.wording())
}

/// Rows compared: deletions first, then furthest from the text, then by
/// number (unnumbered last), then filing time and id.
fn sort(overview: &Overview, members: &mut [usize]) {
    members.sort_by_cached_key(|&at| {
        let row = &overview.rows[at];
        (
            !matches!(row.proposal, Proposal::Delete),
            Reverse(distance(row)),
            row.number.map_or((1, 0), |n| (0, n)),
            row.filed_at,
            row.id.clone(),
        )
    });
}

/// The agenda the assistant proposes, by amendment id.
pub fn assistant(overview: &Overview) -> Vec<String> {
    let rows = &overview.rows;
    let open = |at: usize| rows[at].is_open();
    let index: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(at, row)| (row.id.as_str(), at))
        .collect();
    // Open sub-amendments under their open parent.
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    for (at, row) in rows.iter().enumerate() {
        let Some(parent) = row.parent.as_deref() else {
            continue;
        };
        if let Some(&parent) = index.get(parent) {
            if open(at) && open(parent) && parent != at {
                children.entry(parent).or_default().push(at);
            }
        }
    }
    for members in children.values_mut() {
        sort(overview, members);
    }
    // Units in text order: a competing group where its first member is,
    // a lone amendment where it is; the ones without a place last.
    let mut units: Vec<Vec<usize>> = Vec::new();
    let mut gone: Vec<usize> = Vec::new();
    let mut taken = vec![false; overview.groups.len()];
    for (at, row) in rows.iter().enumerate() {
        if !open(at) || row.parent.is_some() {
            continue;
        }
        if row.span.is_none() {
            gone.push(at);
            continue;
        }
        match row.group {
            Some(group) if group < taken.len() => {
                if !taken[group] {
                    taken[group] = true;
                    let mut members: Vec<usize> = overview.groups[group]
                        .iter()
                        .copied()
                        .filter(|&m| m < rows.len() && open(m))
                        .collect();
                    sort(overview, &mut members);
                    units.push(members);
                }
            }
            _ => units.push(vec![at]),
        }
    }
    gone.sort_by_key(|&at| (rows[at].filed_at, rows[at].id.clone()));
    units.push(gone);
    let mut agenda = Vec::new();
    let mut placed = vec![false; rows.len()];
    // Each amendment after its sub-amendments (and theirs), once.
    fn place(
        at: usize,
        children: &HashMap<usize, Vec<usize>>,
        placed: &mut [bool],
        agenda: &mut Vec<usize>,
    ) {
        if placed[at] {
            return;
        }
        placed[at] = true;
        for &child in children.get(&at).map_or(&[][..], Vec::as_slice) {
            place(child, children, placed, agenda);
        }
        agenda.push(at);
    }
    let mut order = Vec::new();
    for unit in units {
        for at in unit {
            place(at, &children, &mut placed, &mut order);
        }
    }
    agenda.extend(order.into_iter().map(|at| rows[at].id.clone()));
    agenda
}

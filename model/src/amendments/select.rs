//! Filters and sorts over the overview (placeholder; helper anchors
//! writes the real one).

use super::{Overview, Status};

/// What the list shows; the default shows everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub statuses: Vec<Status>,
    pub author: Option<String>,
    pub lines: Option<(u32, u32)>,
    pub colliding: bool,
    pub undiscussed: bool,
    pub mine: bool,
    pub words: String,
}

/// The list's order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Text,
    Number,
    Supports,
}

impl Overview {
    /// The rows `filter` lets through, in `sort` order: indices into rows.
    pub fn select(&self, filter: &Filter, _sort: Sort) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&i| {
                let row = &self.rows[i];
                (filter.statuses.is_empty() || filter.statuses.contains(&row.status))
                    && (!filter.mine || row.mine)
            })
            .collect()
    }
}

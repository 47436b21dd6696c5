//! Every amendment's anchors resolved to where its words are now
//! (placeholder: one `unstick` per pair; helper anchors replaces it with
//! one walk of the body), and line spans.

use crate::document::Document;
use crate::lines::Lines;

impl Document {
    /// Each pair of encoded sticky indices as a span of the body now.
    pub fn resolve_spans(&self, pairs: &[(&[u8], &[u8])]) -> Vec<Option<(u32, u32)>> {
        pairs
            .iter()
            .map(|(start, end)| self.unstick(start, end))
            .collect()
    }
}

/// The first and last line (1-based) of `span`.
pub fn line_span(lines: &Lines, span: (u32, u32)) -> Option<(u32, u32)> {
    let first = lines.line_of(span.0)?;
    let last = if span.1 > span.0 {
        lines.line_of(span.1 - 1).unwrap_or(first)
    } else {
        first
    };
    Some((first, last.max(first)))
}

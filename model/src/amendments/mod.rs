//! Amendments (issue 12). Placeholder until the lead's module lands: only
//! the helper's parts.

pub mod anchors;
pub mod collide;

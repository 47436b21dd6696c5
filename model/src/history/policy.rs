//! When a browser makes a checkpoint: when a burst of this person's
//! editing ends ([`PAUSE_MS`] without an edit), at most every
//! [`EVERY_MS`] while they keep typing, and when the page is left with
//! edits not yet checkpointed. The page drives it with its clock and a
//! timer ([`Policy::wait`]); deciding lives here, where it is tested.

/// How long without an edit ends a burst.
pub const PAUSE_MS: i64 = 60_000;
/// The longest a person types before a checkpoint is made anyway.
pub const EVERY_MS: i64 = 5 * 60_000;

/// One browser's checkpoint timing for one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// The first edit since the last checkpoint, and the last one.
    first: Option<i64>,
    last: Option<i64>,
}

impl Policy {
    pub fn new() -> Self {
        Self::default()
    }

    /// This person edited the text at `now`.
    pub fn edited(&mut self, now: i64) {
        self.first.get_or_insert(now);
        self.last = Some(now.max(self.last.unwrap_or(now)));
    }

    /// Whether there are edits not yet in a checkpoint: what leaving the
    /// page checkpoints.
    pub fn pending(&self) -> bool {
        self.first.is_some()
    }

    /// Whether a checkpoint is due at `now`: the burst ended, or it has
    /// lasted [`EVERY_MS`].
    pub fn due(&self, now: i64) -> bool {
        self.wait(now) == Some(0)
    }

    /// How long from `now` until a checkpoint is due (0: now), or `None`
    /// with nothing to checkpoint.
    pub fn wait(&self, now: i64) -> Option<i64> {
        let (first, last) = (self.first?, self.last?);
        let due = (last + PAUSE_MS).min(first + EVERY_MS);
        Some((due - now).max(0))
    }

    /// A checkpoint was made (or there was nothing to record): the edits
    /// until now are in it.
    pub fn made(&mut self) {
        self.first = None;
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_due_before_an_edit() {
        let policy = Policy::new();
        assert!(!policy.pending());
        assert!(!policy.due(1_000_000));
        assert_eq!(policy.wait(0), None);
    }

    #[test]
    fn a_burst_ends_after_a_minute_without_an_edit() {
        let mut policy = Policy::new();
        policy.edited(0);
        policy.edited(20_000);
        assert!(policy.pending());
        assert!(!policy.due(20_000 + PAUSE_MS - 1));
        assert_eq!(policy.wait(20_000), Some(PAUSE_MS));
        assert!(policy.due(20_000 + PAUSE_MS));
        policy.made();
        assert!(!policy.pending());
        assert!(!policy.due(10 * PAUSE_MS));
    }

    #[test]
    fn typing_without_a_pause_checkpoints_every_five_minutes() {
        let mut policy = Policy::new();
        let mut made = Vec::new();
        // An edit every 10 s for 16 minutes.
        for now in (0..16 * 60_000).step_by(10_000) {
            if policy.due(now) {
                made.push(now);
                policy.made();
            }
            policy.edited(now);
        }
        assert_eq!(made, vec![EVERY_MS, 2 * EVERY_MS, 3 * EVERY_MS]);
    }

    #[test]
    fn a_clock_going_back_does_not_move_the_burst_end_back() {
        let mut policy = Policy::new();
        policy.edited(100_000);
        policy.edited(40_000);
        assert!(!policy.due(100_000 + PAUSE_MS - 1));
        assert!(policy.due(100_000 + PAUSE_MS));
    }
}

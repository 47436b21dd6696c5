//! Presence from one sender, forwarded at most once per interval, the
//! latest state winning.
//!
//! A caret moves with every keystroke and every click; in a hall of
//! hundreds, forwarding each move to everyone is most of what the room
//! sends. Presence is a state, not a log: the newest replaces the older
//! one on every client (which drops a counter at or below the last it
//! showed, and takes gaps). So the first move after a quiet interval goes
//! at once, and the ones inside the interval wait, each replacing the one
//! before, until the interval since the last forwarded one has passed.
//!
//! Pure: time comes in as an argument, so the tests need no clock.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::Hash;
use std::time::Duration;

use tokio::time::Instant;

pub struct Throttle<K, V> {
    interval: Duration,
    senders: HashMap<K, Sender<V>>,
    /// When a held state is due, per sender; entries whose sender was
    /// released or forgotten since are skipped when they come up.
    due: BinaryHeap<Reverse<(Instant, K)>>,
}

struct Sender<V> {
    /// When its last state was forwarded.
    last: Instant,
    /// The newest state not forwarded yet, and when it is due.
    held: Option<(V, Instant)>,
}

impl<K: Copy + Eq + Hash + Ord, V> Throttle<K, V> {
    /// A zero interval forwards everything at once.
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            senders: HashMap::new(),
            due: BinaryHeap::new(),
        }
    }

    /// A new state from `key`: it is to be forwarded now if the interval
    /// since its last one has passed (returned); otherwise it is held, in
    /// place of any held before, which is returned as `Replaced`.
    pub fn offer(&mut self, key: K, value: V, now: Instant) -> Offer<V> {
        if self.interval.is_zero() {
            return Offer::Now(value);
        }
        let Some(sender) = self.senders.get_mut(&key) else {
            self.senders.insert(
                key,
                Sender {
                    last: now,
                    held: None,
                },
            );
            return Offer::Now(value);
        };
        if let Some((held, _)) = &mut sender.held {
            return Offer::Replaced(std::mem::replace(held, value));
        }
        let at = sender.last + self.interval;
        if at <= now {
            sender.last = now;
            return Offer::Now(value);
        }
        sender.held = Some((value, at));
        self.due.push(Reverse((at, key)));
        Offer::Held
    }

    /// When the next held state is due, if any is held.
    pub fn next_due(&mut self) -> Option<Instant> {
        while let Some(Reverse((at, key))) = self.due.peek() {
            if self.holds(key, *at) {
                return Some(*at);
            }
            self.due.pop();
        }
        None
    }

    /// The held states due by `now`, in the order they fell due; each
    /// sender's interval starts again from `now`.
    pub fn release(&mut self, now: Instant) -> Vec<(K, V)> {
        let mut out = Vec::new();
        while let Some(Reverse((at, key))) = self.due.peek().copied() {
            if at > now {
                break;
            }
            self.due.pop();
            if !self.holds(&key, at) {
                continue;
            }
            if let Some(sender) = self.senders.get_mut(&key) {
                if let Some((value, _)) = sender.held.take() {
                    sender.last = now;
                    out.push((key, value));
                }
            }
        }
        out
    }

    /// A sender left: what it held is not forwarded (it would bring its
    /// caret back after its departure was told).
    pub fn forget(&mut self, key: &K) {
        self.senders.remove(key);
    }

    /// Senders remembered (those seen within the room's life, until they
    /// leave).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.senders.len()
    }

    fn holds(&self, key: &K, at: Instant) -> bool {
        self.senders
            .get(key)
            .and_then(|s| s.held.as_ref())
            .is_some_and(|(_, due)| *due == at)
    }
}

/// What became of an offered state.
#[derive(Debug, PartialEq, Eq)]
pub enum Offer<V> {
    /// Forward it now.
    Now(V),
    /// Held until its sender's interval has passed.
    Held,
    /// Held, in place of this older state, which will never be forwarded.
    Replaced(V),
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn throttle() -> (Throttle<u64, &'static str>, Instant) {
        (Throttle::new(50 * MS), Instant::now())
    }

    #[test]
    fn the_first_state_goes_at_once_and_one_after_the_interval_too() {
        let (mut t, t0) = throttle();
        assert_eq!(t.offer(1, "a", t0), Offer::Now("a"));
        assert_eq!(t.next_due(), None);
        assert_eq!(t.offer(1, "b", t0 + 50 * MS), Offer::Now("b"));
        assert_eq!(t.offer(1, "c", t0 + 120 * MS), Offer::Now("c"));
        assert_eq!(t.release(t0 + 500 * MS), vec![]);
    }

    #[test]
    fn states_inside_the_interval_wait_and_the_latest_wins() {
        let (mut t, t0) = throttle();
        assert_eq!(t.offer(1, "a", t0), Offer::Now("a"));
        assert_eq!(t.offer(1, "b", t0 + 10 * MS), Offer::Held);
        assert_eq!(t.offer(1, "c", t0 + 20 * MS), Offer::Replaced("b"));
        assert_eq!(t.offer(1, "d", t0 + 30 * MS), Offer::Replaced("c"));
        assert_eq!(t.next_due(), Some(t0 + 50 * MS));
        assert_eq!(t.release(t0 + 49 * MS), vec![]);
        assert_eq!(t.release(t0 + 50 * MS), vec![(1, "d")]);
        assert_eq!(t.next_due(), None);
        // The interval starts again from that release.
        assert_eq!(t.offer(1, "e", t0 + 60 * MS), Offer::Held);
        assert_eq!(t.next_due(), Some(t0 + 100 * MS));
        assert_eq!(t.release(t0 + 100 * MS), vec![(1, "e")]);
    }

    #[test]
    fn a_late_release_restarts_the_interval_from_when_it_went() {
        let (mut t, t0) = throttle();
        t.offer(1, "a", t0);
        t.offer(1, "b", t0 + 10 * MS);
        assert_eq!(t.release(t0 + 80 * MS), vec![(1, "b")]);
        assert_eq!(t.offer(1, "c", t0 + 100 * MS), Offer::Held);
        assert_eq!(t.next_due(), Some(t0 + 130 * MS));
    }

    #[test]
    fn senders_are_throttled_apart_and_released_in_the_order_they_fall_due() {
        let (mut t, t0) = throttle();
        assert_eq!(t.offer(1, "a1", t0), Offer::Now("a1"));
        assert_eq!(t.offer(2, "b1", t0 + 20 * MS), Offer::Now("b1"));
        assert_eq!(t.offer(2, "b2", t0 + 25 * MS), Offer::Held);
        assert_eq!(t.offer(1, "a2", t0 + 30 * MS), Offer::Held);
        assert_eq!(t.offer(3, "c1", t0 + 30 * MS), Offer::Now("c1"));
        assert_eq!(t.next_due(), Some(t0 + 50 * MS));
        assert_eq!(t.release(t0 + 60 * MS), vec![(1, "a2")]);
        assert_eq!(t.next_due(), Some(t0 + 70 * MS));
        assert_eq!(t.release(t0 + 200 * MS), vec![(2, "b2")]);
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn a_sender_that_left_has_nothing_released() {
        let (mut t, t0) = throttle();
        t.offer(1, "a", t0);
        t.offer(1, "b", t0 + 10 * MS);
        t.forget(&1);
        assert_eq!(t.next_due(), None);
        assert_eq!(t.release(t0 + 100 * MS), vec![]);
        assert_eq!(t.len(), 0);
        // Back (a new connection would have a new id; still): at once.
        assert_eq!(t.offer(1, "c", t0 + 20 * MS), Offer::Now("c"));
        assert_eq!(t.release(t0 + 100 * MS), vec![]);
    }

    #[test]
    fn a_sender_forgotten_and_back_is_not_released_by_its_old_due_time() {
        let (mut t, t0) = throttle();
        t.offer(1, "a", t0);
        t.offer(1, "b", t0 + 10 * MS); // due at 50
        t.forget(&1);
        t.offer(1, "c", t0 + 40 * MS); // at once
        assert_eq!(t.offer(1, "d", t0 + 45 * MS), Offer::Held); // due at 90
        assert_eq!(t.next_due(), Some(t0 + 90 * MS));
        assert_eq!(t.release(t0 + 60 * MS), vec![]);
        assert_eq!(t.release(t0 + 90 * MS), vec![(1, "d")]);
    }

    #[test]
    fn a_zero_interval_forwards_everything() {
        let mut t = Throttle::new(Duration::ZERO);
        let t0 = Instant::now();
        for n in 0..5 {
            assert_eq!(t.offer(1u64, n, t0), Offer::Now(n));
        }
        assert_eq!(t.next_due(), None);
        assert_eq!(t.len(), 0);
    }
}

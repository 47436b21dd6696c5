//! The per-connection message rate: a token bucket, with strikes.
//!
//! A connection may send `per_second` messages a second, in bursts of up to
//! twice that. A message over the rate is refused by id (the client resends
//! it later); a connection that keeps sending while refused, more than a
//! burst's worth in a row, is closed. The clock is passed in, so the rules
//! are tested without waiting.

use std::time::Instant;

/// What to do with one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Allow,
    /// Refuse this message; the connection stays open.
    Refuse,
    /// Refuse it and close: the client ignores the refusals.
    StrikeOut,
}

/// A token bucket for one connection.
#[derive(Debug)]
pub(crate) struct Rate {
    per_second: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
    /// Messages refused in a row.
    strikes: u32,
}

impl Rate {
    /// A full bucket at `now`.
    pub fn new(per_second: u32, now: Instant) -> Self {
        let per_second = f64::from(per_second);
        Self {
            per_second,
            burst: per_second * 2.0,
            tokens: per_second * 2.0,
            last: now,
            strikes: 0,
        }
    }

    /// Take a token for a message arriving at `now`.
    pub fn check(&mut self, now: Instant) -> Verdict {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.strikes = 0;
            return Verdict::Allow;
        }
        self.strikes += 1;
        if f64::from(self.strikes) > self.burst {
            Verdict::StrikeOut
        } else {
            Verdict::Refuse
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn run(rate: &mut Rate, at: Instant, n: usize) -> Vec<Verdict> {
        (0..n).map(|_| rate.check(at)).collect()
    }

    #[test]
    fn a_burst_of_twice_the_rate_passes_then_messages_are_refused() {
        let t0 = Instant::now();
        let mut rate = Rate::new(5, t0);
        assert_eq!(run(&mut rate, t0, 10), vec![Verdict::Allow; 10]);
        assert_eq!(rate.check(t0), Verdict::Refuse);
    }

    #[test]
    fn the_bucket_refills_at_the_rate_and_no_further_than_a_burst() {
        let t0 = Instant::now();
        let mut rate = Rate::new(5, t0);
        run(&mut rate, t0, 10);
        // A fifth of a second later, one token is back (5 per second).
        let t1 = t0 + Duration::from_millis(200);
        assert_eq!(rate.check(t1), Verdict::Allow);
        assert_eq!(rate.check(t1), Verdict::Refuse);
        // A long silence fills the bucket to a burst, not more.
        let t2 = t1 + Duration::from_secs(60);
        assert_eq!(run(&mut rate, t2, 10), vec![Verdict::Allow; 10]);
        assert_eq!(rate.check(t2), Verdict::Refuse);
    }

    #[test]
    fn a_client_that_ignores_more_than_a_bursts_worth_of_refusals_is_struck_out() {
        let t0 = Instant::now();
        let mut rate = Rate::new(2, t0);
        run(&mut rate, t0, 4);
        assert_eq!(run(&mut rate, t0, 4), vec![Verdict::Refuse; 4]);
        assert_eq!(rate.check(t0), Verdict::StrikeOut);
    }

    #[test]
    fn an_allowed_message_clears_the_strikes() {
        let t0 = Instant::now();
        let mut rate = Rate::new(2, t0);
        run(&mut rate, t0, 4);
        assert_eq!(run(&mut rate, t0, 4), vec![Verdict::Refuse; 4]);
        let t1 = t0 + Duration::from_millis(500);
        assert_eq!(rate.check(t1), Verdict::Allow);
        assert_eq!(
            run(&mut rate, t1, 4),
            vec![Verdict::Refuse; 4],
            "counting from zero again"
        );
        assert_eq!(rate.check(t1), Verdict::StrikeOut);
    }

    #[test]
    fn a_clock_that_goes_backwards_refills_nothing() {
        let t0 = Instant::now() + Duration::from_secs(1);
        let mut rate = Rate::new(1, t0);
        run(&mut rate, t0, 2);
        assert_eq!(rate.check(t0 - Duration::from_secs(1)), Verdict::Refuse);
    }
}

//! Places among siblings: strings compared byte by byte, with a new one
//! always found between any two (fractional indexing), so placing a claim
//! between two others writes one key and never renumbers its siblings.
//!
//! Keys are digits of base 36 (`0-9a-z`), read as a fraction: `"i"` is
//! one half. A key made here never ends in `0`, so there is always room
//! below it. Two people placing a claim in the same gap at once may make
//! the same key: siblings are then ordered by id, the same in every copy.

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const BASE: u32 = 36;

fn digit(byte: u8) -> u32 {
    DIGITS.iter().position(|&d| d == byte).unwrap_or(0) as u32
}

/// A key after `lo` and before `hi` (`None`: no bound). When `lo` is not
/// before `hi` (two equal keys, or a co-author's key out of order), the
/// key is after `lo`.
pub fn between(lo: Option<&str>, hi: Option<&str>) -> String {
    let lo = lo.unwrap_or("").as_bytes();
    let mut hi = hi.map(str::as_bytes).filter(|hi| *hi > lo);
    let appending = hi.is_none() && !lo.is_empty();
    let mut out = Vec::new();
    for i in 0.. {
        let a = lo.get(i).map_or(0, |&b| digit(b));
        let b = match hi {
            Some(hi) => hi.get(i).map_or(BASE, |&b| digit(b)),
            None => BASE,
        };
        if b > a + 1 {
            // Between two keys, the middle; after the last, the next digit
            // (appending is what people do most, and it keeps keys short).
            let next = if appending { a + 1 } else { (a + b) / 2 };
            out.push(DIGITS[next as usize]);
            break;
        }
        out.push(DIGITS[a as usize]);
        if b == a + 1 {
            // Anything after this digit is below `hi` now.
            hi = None;
        }
        // This ends: past the end of `hi`, or of `lo` once `hi` is gone,
        // the gap is the whole base.
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_between_two_sorts_between_them() {
        let first = between(None, None);
        assert_eq!(first, "i");
        let after = between(Some(&first), None);
        let before = between(None, Some(&first));
        assert!(before < first && first < after, "{before} {first} {after}");
        let mid = between(Some(&first), Some(&after));
        assert!(first < mid && mid < after, "{first} {mid} {after}");
    }

    #[test]
    fn a_gap_never_runs_out() {
        let lo = between(None, None);
        let mut hi = between(Some(&lo), None);
        for _ in 0..200 {
            let mid = between(Some(&lo), Some(&hi));
            assert!(lo < mid && mid < hi, "{lo} < {mid} < {hi}");
            assert!(!mid.ends_with('0'));
            hi = mid;
        }
        assert!(hi.len() < 80, "keys stay short: {}", hi.len());
        let mut lo = between(None, None);
        for _ in 0..200 {
            let next = between(Some(&lo), None);
            assert!(next > lo);
            lo = next;
        }
        assert!(lo.len() < 10, "appending keeps keys short: {}", lo.len());
    }

    #[test]
    fn adjacent_and_out_of_order_bounds_still_give_a_key_after_lo() {
        assert!(between(Some("a"), Some("b")).as_str() > "a");
        assert!(between(Some("a"), Some("b")).as_str() < "b");
        assert!(between(Some("az"), Some("b")).as_str() > "az");
        assert!(between(Some("az"), Some("b")).as_str() < "b");
        assert!(between(Some("m"), Some("m")).as_str() > "m");
        assert!(between(Some("m"), Some("c")).as_str() > "m");
        assert!(between(None, Some("01")).as_str() < "01");
    }
}

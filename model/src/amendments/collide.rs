//! Competing amendments ("discussion commune"): amendments whose passages
//! overlap are debated and voted together, since adopting one changes the
//! words the others amend. This module owns the overlap rule and the
//! grouping, computed from the amendments' spans in the body as they are
//! now ([`crate::amendments::anchors`] resolves them); what falls when one
//! of a group is adopted is decided elsewhere in [`crate::amendments`].
//!
//! **The rule.** A span is `(start, end)` in UTF-16 units of the body,
//! `start <= end`; an empty span is an insertion point.
//! - Two non-empty spans compete when they share at least one character:
//!   `s1 < e2 && s2 < e1`. Spans that only touch (`e1 == s2`) do not: the
//!   two passages can both be adopted.
//! - An insertion point `p` competes with a non-empty span when it is
//!   strictly inside it (`s < p < e`): inserting at either edge of a
//!   passage leaves its words alone, inserting inside does not.
//! - Two insertion points compete when they are at the same place: the
//!   order of the two insertions is for the assembly to decide.
//!
//! Competing is made transitive: a group is a connected component of the
//! relation (A overlaps B, B overlaps C: A, B and C are discussed
//! together), with at least two members. A span that is `None` (its words
//! are gone) competes with nothing.
//!
//! **The computation** is a sweep, not a comparison of every pair: the
//! non-empty spans sorted by start are merged into components while each
//! next one starts before the furthest end seen so far (each component's
//! spans are consecutive in that order, and its hull `(first start,
//! furthest end)` holds no point that is not strictly inside one of its
//! spans); then each insertion point, sorted, finds by binary search the
//! hull strictly around it, and points at the same place join each other.
//! O(n log n) for n spans; 3,000 amendments take well under a millisecond
//! (`cargo bench -p cahier-model --bench amendments`).

/// The groups of competing amendments among `spans` (indexed like the
/// amendments; `None` for one whose anchors are lost): each group lists
/// its members' indices in increasing order, at least two, and the groups
/// come in text order (by their first position, then their first index).
/// A span given backwards (`start > end`) is read as `(end, start)`.
pub fn groups(spans: &[Option<(u32, u32)>]) -> Vec<Vec<usize>> {
    let spans: Vec<Option<(u32, u32)>> = spans
        .iter()
        .map(|span| span.map(|(a, b)| (a.min(b), a.max(b))))
        .collect();
    let mut ranges: Vec<usize> = Vec::new();
    let mut points: Vec<usize> = Vec::new();
    for (at, span) in spans.iter().enumerate() {
        match span {
            Some((start, end)) if start < end => ranges.push(at),
            Some(_) => points.push(at),
            None => {}
        }
    }
    let span = |at: usize| spans[at].unwrap_or_default();

    // The non-empty spans, by start, cut into components.
    ranges.sort_by_key(|&at| (span(at).0, at));
    // Each component: its hull and its members.
    let mut components: Vec<((u32, u32), Vec<usize>)> = Vec::new();
    for &at in &ranges {
        let (start, end) = span(at);
        match components.last_mut() {
            Some((hull, members)) if start < hull.1 => {
                hull.1 = hull.1.max(end);
                members.push(at);
            }
            _ => components.push(((start, end), vec![at])),
        }
    }

    // The insertion points, by place: those at one place compete with
    // each other, and with the component whose hull holds them strictly.
    points.sort_by_key(|&at| (span(at).0, at));
    let mut alone: Vec<((u32, u32), Vec<usize>)> = Vec::new();
    for same in points.chunk_by(|&a, &b| span(a).0 == span(b).0) {
        let p = span(same[0]).0;
        // The first component starting at or after p; the one before it
        // is the only one whose hull can hold p.
        let after = components.partition_point(|((start, _), _)| *start < p);
        match after.checked_sub(1).map(|at| &mut components[at]) {
            Some(((start, end), members)) if *start < p && p < *end => {
                members.extend_from_slice(same);
            }
            _ => alone.push(((p, p), same.to_vec())),
        }
    }

    let mut groups: Vec<((u32, u32), Vec<usize>)> = components
        .into_iter()
        .chain(alone)
        .filter(|(_, members)| members.len() >= 2)
        .map(|(hull, mut members)| {
            members.sort_unstable();
            (hull, members)
        })
        .collect();
    groups.sort_by_key(|((start, _), members)| (*start, members[0]));
    groups.into_iter().map(|(_, members)| members).collect()
}

/// For each of `len` amendments, the index of its group in `groups` (as
/// [`groups`] returns them), or `None` when it competes with none.
pub fn group_of(groups: &[Vec<usize>], len: usize) -> Vec<Option<usize>> {
    let mut of = vec![None; len];
    for (group, members) in groups.iter().enumerate() {
        for &member in members {
            if let Some(slot) = of.get_mut(member) {
                *slot = Some(group);
            }
        }
    }
    of
}

/// Whether two spans compete, pair by pair, as the module docs state the
/// rule: what adopting checks for one amendment, and the reference the
/// sweep is tested against.
pub fn competes(a: (u32, u32), b: (u32, u32)) -> bool {
    match (a.0 == a.1, b.0 == b.1) {
        (false, false) => a.0 < b.1 && b.0 < a.1,
        (true, false) => b.0 < a.0 && a.0 < b.1,
        (false, true) => a.0 < b.0 && b.0 < a.1,
        (true, true) => a.0 == b.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: every pair compared, joined with a union-find.
    fn brute_force(spans: &[Option<(u32, u32)>]) -> Vec<Vec<usize>> {
        fn root(parent: &mut [usize], mut at: usize) -> usize {
            while parent[at] != at {
                parent[at] = parent[parent[at]];
                at = parent[at];
            }
            at
        }
        let mut parent: Vec<usize> = (0..spans.len()).collect();
        for i in 0..spans.len() {
            for j in i + 1..spans.len() {
                if let (Some(a), Some(b)) = (spans[i], spans[j]) {
                    if competes(a, b) {
                        let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                        parent[ri] = rj;
                    }
                }
            }
        }
        let mut by_root: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for i in 0..spans.len() {
            let r = root(&mut parent, i);
            by_root.entry(r).or_default().push(i);
        }
        let mut groups: Vec<Vec<usize>> = by_root.into_values().filter(|g| g.len() >= 2).collect();
        let first = |g: &Vec<usize>| {
            g.iter()
                .map(|&i| spans[i].map_or(u32::MAX, |(s, _)| s))
                .min()
                .unwrap_or(u32::MAX)
        };
        groups.sort_by_key(|g| (first(g), g[0]));
        groups
    }

    /// A small deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u32) -> u32 {
            (self.next() % u64::from(n.max(1))) as u32
        }
    }

    /// `n` random spans in a text of `len` units: some lost, some empty,
    /// some copies of an earlier one, some touching an earlier one, some
    /// nested in one.
    fn random_spans(rng: &mut Rng, n: usize, len: u32, longest: u32) -> Vec<Option<(u32, u32)>> {
        let mut spans: Vec<Option<(u32, u32)>> = Vec::with_capacity(n);
        for _ in 0..n {
            let earlier = (!spans.is_empty())
                .then(|| spans[rng.below(spans.len() as u32) as usize])
                .flatten();
            let span = match (rng.below(10), earlier) {
                (0, _) => None,
                (1, _) => {
                    let p = rng.below(len + 1);
                    Some((p, p))
                }
                (2, Some(e)) => Some(e),
                (3, Some((s, e))) => {
                    let l = rng.below(longest) + 1;
                    if rng.below(2) == 0 {
                        Some((e, e + l))
                    } else {
                        Some((s.saturating_sub(l), s))
                    }
                }
                (4, Some((s, e))) => {
                    let a = s + rng.below(e - s + 1);
                    let b = a + rng.below(e - a + 1);
                    Some((a, b))
                }
                (5, Some((s, e))) => {
                    let p = if rng.below(2) == 0 { s } else { e };
                    Some((p, p))
                }
                _ => {
                    let s = rng.below(len);
                    Some((s, s + rng.below(longest) + 1))
                }
            };
            spans.push(span);
        }
        spans
    }

    #[test]
    fn random_spans_group_as_the_pairwise_reference_does() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut nonempty_groups = 0;
        for round in 0..600 {
            let n = match round % 6 {
                0 => 0,
                1 => 1,
                2 => 2,
                3 => rng.below(12) as usize,
                4 => rng.below(80) as usize,
                _ => 500,
            };
            // Short texts crowd the spans, long ones spread them.
            let len = [10, 60, 1_000, 20_000][rng.below(4) as usize];
            let longest = [1, 5, 40, 400][rng.below(4) as usize];
            let spans = random_spans(&mut rng, n, len, longest);
            let expected = brute_force(&spans);
            assert_eq!(groups(&spans), expected, "round {round}: {spans:?}");
            nonempty_groups += usize::from(!expected.is_empty());
        }
        // The rounds exercised something.
        assert!(nonempty_groups > 200, "{nonempty_groups}");
    }

    #[test]
    fn touching_passages_do_not_compete_and_overlapping_ones_do() {
        assert_eq!(
            groups(&[Some((0, 5)), Some((5, 9))]),
            Vec::<Vec<usize>>::new()
        );
        assert_eq!(groups(&[Some((0, 5)), Some((4, 9))]), vec![vec![0, 1]]);
        // A bridge joins two that only touch.
        assert_eq!(
            groups(&[Some((0, 5)), Some((5, 9)), Some((3, 7))]),
            vec![vec![0, 1, 2]]
        );
        // Identical and nested passages compete.
        assert_eq!(groups(&[Some((2, 8)), Some((2, 8))]), vec![vec![0, 1]]);
        assert_eq!(groups(&[Some((2, 8)), Some((3, 4))]), vec![vec![0, 1]]);
    }

    #[test]
    fn an_insertion_point_competes_only_strictly_inside_a_passage_or_at_another_point() {
        let at = |p: u32| Some((p, p));
        assert_eq!(
            groups(&[Some((2, 8)), at(2), at(8)]),
            Vec::<Vec<usize>>::new()
        );
        assert_eq!(groups(&[Some((2, 8)), at(3)]), vec![vec![0, 1]]);
        assert_eq!(groups(&[at(4), at(4), at(5)]), vec![vec![0, 1]]);
        // Two points inside a passage join its group, and so does a third
        // at the same place as one of them.
        assert_eq!(
            groups(&[at(6), Some((2, 8)), at(3), Some((20, 30)), at(6)]),
            vec![vec![0, 1, 2, 4]]
        );
        // At a boundary inside a group's hull, strictly inside a bridge.
        assert_eq!(
            groups(&[Some((0, 5)), Some((5, 9)), Some((3, 7)), at(5)]),
            vec![vec![0, 1, 2, 3]]
        );
    }

    #[test]
    fn lost_anchors_compete_with_nothing_and_groups_come_in_text_order() {
        let spans = [
            Some((50, 60)),
            None,
            Some((55, 58)),
            Some((1, 3)),
            None,
            Some((2, 2)),
            Some((10, 10)),
            Some((10, 10)),
        ];
        assert_eq!(groups(&spans), vec![vec![3, 5], vec![6, 7], vec![0, 2]]);
        assert_eq!(groups(&[None, None]), Vec::<Vec<usize>>::new());
        assert_eq!(groups(&[]), Vec::<Vec<usize>>::new());
        // A span given backwards is read forwards.
        assert_eq!(groups(&[Some((8, 2)), Some((3, 4))]), vec![vec![0, 1]]);
    }

    #[test]
    fn group_of_says_which_group_each_amendment_is_in() {
        let spans = [Some((0, 4)), Some((9, 9)), Some((2, 6)), Some((9, 9))];
        let found = groups(&spans);
        assert_eq!(found, vec![vec![0, 2], vec![1, 3]]);
        assert_eq!(
            group_of(&found, 5),
            vec![Some(0), Some(1), Some(0), Some(1), None]
        );
    }
}

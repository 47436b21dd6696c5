//! Competing amendments (placeholder; helper anchors replaces it with a
//! sweep).

/// Groups of at least two competing spans, indices sorted, in text order.
pub fn groups(spans: &[Option<(u32, u32)>]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..spans.len()).collect();
    fn find(parent: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while parent[i] != i {
            i = parent[i];
        }
        i
    }
    let overlap = |a: (u32, u32), b: (u32, u32)| match (a.0 == a.1, b.0 == b.1) {
        (false, false) => a.0 < b.1 && b.0 < a.1,
        (true, true) => a.0 == b.0,
        (true, false) => b.0 < a.0 && a.0 < b.1,
        (false, true) => a.0 < b.0 && b.0 < a.1,
    };
    for i in 0..spans.len() {
        for j in i + 1..spans.len() {
            if let (Some(a), Some(b)) = (spans[i], spans[j]) {
                if overlap(a, b) {
                    let (x, y) = (find(&mut parent, i), find(&mut parent, j));
                    parent[x.max(y)] = x.min(y);
                }
            }
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut root_group = std::collections::HashMap::new();
    for i in 0..spans.len() {
        let root = find(&mut parent, i);
        let at = *root_group.entry(root).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[at].push(i);
    }
    out.retain(|group| group.len() > 1);
    out.sort_by_key(|group| group.iter().filter_map(|&i| spans[i]).min());
    out
}

/// For each of `len` spans, the index of its group.
pub fn group_of(groups: &[Vec<usize>], len: usize) -> Vec<Option<usize>> {
    let mut of = vec![None; len];
    for (at, group) in groups.iter().enumerate() {
        for &i in group {
            of[i] = Some(at);
        }
    }
    of
}

//! Did-you-mean suggestions: edit distances over Unicode scalar values and the closest-candidate choice that every
//! layer uses (the expression parsers, the rules, the configuration loader, the test runner). Kept outside the
//! rules so lower layers do not depend on them.

/// Did-you-mean: the candidate closest to `word` by edit distance, when close enough to be a plausible typo and
/// closer than every other candidate (two equally close names are no certain suggestion, and no certain fix).
pub fn did_you_mean<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    let lw = word.to_ascii_lowercase();
    for c in candidates {
        if c == word {
            continue;
        }
        let d = if c.to_ascii_lowercase() == lw {
            0
        } else {
            typo_distance(&lw, &c.to_ascii_lowercase())
        };
        let limit = (word.chars().count().max(c.chars().count()) / 3).max(1);
        if d > limit {
            continue;
        }
        match best {
            Some((bd, bc)) if d == bd && c != bc => tied = true,
            Some((bd, _)) if d >= bd => {}
            _ => {
                best = Some((d, c));
                tied = false;
            }
        }
    }
    if tied {
        return None;
    }
    best.map(|(_, c)| c)
}

/// Edit distance for typos: Levenshtein plus the swap of two adjacent characters as one edit (optimal string
/// alignment), over Unicode scalar values, so that `statsu` is one edit from `status` and two from `states`.
pub fn typo_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: i-2, i-1, i.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 0..a.len() {
        cur[0] = i + 1;
        for j in 0..b.len() {
            let cost = usize::from(a[i] != b[j]);
            let mut d = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                d = d.min(before[j - 1] + 1);
            }
            cur[j + 1] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Levenshtein distance over Unicode scalar values.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_distance_counts_a_swap_once() {
        assert_eq!(typo_distance("statsu", "status"), 1);
        assert_eq!(typo_distance("statsu", "states"), 2);
        assert_eq!(typo_distance("nmae", "name"), 1);
        assert_eq!(typo_distance("", "abc"), 3);
        assert_eq!(typo_distance("kitten", "sitting"), 3);
        assert_eq!(did_you_mean("statsu", ["states", "status"]), Some("status"));
    }

    #[test]
    fn levenshtein_basics() {
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("é", "e"), 1);
    }

    #[test]
    fn did_you_mean_finds_typos() {
        assert_eq!(did_you_mean("Nxt", ["Next", "End", "Type"]), Some("Next"));
        assert_eq!(
            did_you_mean("resultpath", ["ResultPath", "InputPath"]),
            Some("ResultPath")
        );
        assert_eq!(did_you_mean("Banana", ["Next", "End"]), None);
        // Two equally close names: no suggestion.
        assert_eq!(did_you_mean("Stap", ["Stop", "Step"]), None);
        assert_eq!(did_you_mean("Stap", ["Stop", "Stop"]), Some("Stop"));
        assert_eq!(
            did_you_mean("Stap", ["Stoop", "Stop", "Step2"]),
            Some("Stop")
        );
    }
}

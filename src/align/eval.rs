//! Strict / lax precision, recall and F1 of bead alignments, pooled over documents.
//!
//! A faithful port of the project's reference scorer (`tools/score_align.py`, Vecalign /
//! Bertalign convention): precision over all non-empty predicted beads (null beads can only
//! match strictly), recall over non-null gold beads against non-null predicted beads. Lax
//! credit goes to a non-null predicted bead that shares at least one gold link.

use super::{Alignment, Bead};
use std::collections::{HashMap, HashSet};

/// One bead as two lists of zero-based segment indices (either may be empty).
pub type IndexBead = (Vec<usize>, Vec<usize>);

/// Scores of one evaluation, as the reference scorer reports them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Scores {
    /// Strict precision.
    pub precision_strict: f64,
    /// Strict recall.
    pub recall_strict: f64,
    /// Strict F1.
    pub f1_strict: f64,
    /// Lax precision.
    pub precision_lax: f64,
    /// Lax recall.
    pub recall_lax: f64,
    /// Lax F1.
    pub f1_lax: f64,
}

/// Parses a bead file: one bead a line, `[i, j]:[k]`; empty lines are skipped and anything
/// after a second `:` (e.g. a score) is ignored. Errors name the 1-based line.
pub fn parse_beads(text: &str) -> Result<Vec<IndexBead>, String> {
    let mut beads = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split(':');
        let (Some(a), Some(b)) = (parts.next(), parts.next()) else {
            return Err(format!("line {}: bad bead line {line:?}", n + 1));
        };
        let side = |s: &str| -> Result<Vec<usize>, String> {
            let s = s.trim().trim_matches(|c| c == '[' || c == ']').trim();
            s.split(',')
                .filter(|x| !x.trim().is_empty())
                .map(|x| {
                    x.trim()
                        .parse::<usize>()
                        .map_err(|e| format!("line {}: bad index {x:?}: {e}", n + 1))
                })
                .collect()
        };
        beads.push((side(a)?, side(b)?));
    }
    Ok(beads)
}

/// Formats beads as the bead-file lines the reference scorer reads (`[i,j]:[k]`, no score).
pub fn format_beads(alignment: &Alignment) -> String {
    let mut out = String::new();
    for b in &alignment.beads {
        let (s, t) = bead_indices(b);
        out.push_str(&format_side(&s));
        out.push(':');
        out.push_str(&format_side(&t));
        out.push('\n');
    }
    out
}

fn format_side(v: &[usize]) -> String {
    let inner: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    format!("[{}]", inner.join(","))
}

/// The index lists of a [`Bead`].
pub fn bead_indices(b: &Bead) -> IndexBead {
    (b.src.clone().collect(), b.tgt.clone().collect())
}

/// The index beads of an [`Alignment`].
pub fn alignment_beads(a: &Alignment) -> Vec<IndexBead> {
    a.beads.iter().map(bead_indices).collect()
}

/// `(tp_strict, fp_strict, tp_lax, fp_lax)` of `test` measured against `gold`; beads empty on
/// both sides are ignored and duplicates count once (the reference uses sets).
pub fn counts(gold: &[IndexBead], test: &[IndexBead]) -> [u64; 4] {
    let gold: HashSet<&IndexBead> = gold
        .iter()
        .filter(|b| !b.0.is_empty() || !b.1.is_empty())
        .collect();
    let test: HashSet<&IndexBead> = test
        .iter()
        .filter(|b| !b.0.is_empty() || !b.1.is_empty())
        .collect();
    let mut src_to_tgt: HashMap<usize, HashSet<usize>> = HashMap::new();
    for (gs, gt) in &gold {
        for s in gs {
            src_to_tgt.entry(*s).or_default().extend(gt.iter().copied());
        }
    }
    let (mut tps, mut fps, mut tpl, mut fpl) = (0, 0, 0, 0);
    for b in &test {
        if gold.contains(b) {
            tps += 1;
            tpl += 1;
            continue;
        }
        fps += 1;
        let (ts, tt) = b;
        if !ts.is_empty() && !tt.is_empty() {
            let hit = ts.iter().any(|s| {
                src_to_tgt
                    .get(s)
                    .is_some_and(|set| tt.iter().any(|t| set.contains(t)))
            });
            if hit {
                tpl += 1;
            } else {
                fpl += 1;
            }
        } else {
            fpl += 1;
        }
    }
    [tps, fps, tpl, fpl]
}

/// Pooled scores over `(gold, predicted)` document pairs.
pub fn score(pairs: &[(Vec<IndexBead>, Vec<IndexBead>)]) -> Scores {
    let mut p = [0u64; 4];
    let mut r = [0u64; 4];
    for (gold, test) in pairs {
        for (acc, v) in p.iter_mut().zip(counts(gold, test)) {
            *acc += v;
        }
        let g: Vec<IndexBead> = gold
            .iter()
            .filter(|b| !b.0.is_empty() && !b.1.is_empty())
            .cloned()
            .collect();
        let t: Vec<IndexBead> = test
            .iter()
            .filter(|b| !b.0.is_empty() && !b.1.is_empty())
            .cloned()
            .collect();
        for (acc, v) in r.iter_mut().zip(counts(&t, &g)) {
            *acc += v;
        }
    }
    let div = |a: u64, b: u64| {
        if a + b > 0 {
            a as f64 / (a + b) as f64
        } else {
            0.0
        }
    };
    let f = |p: f64, r: f64| {
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    };
    let (ps, pl, rs, rl) = (
        div(p[0], p[1]),
        div(p[2], p[3]),
        div(r[0], r[1]),
        div(r[2], r[3]),
    );
    Scores {
        precision_strict: ps,
        recall_strict: rs,
        f1_strict: f(ps, rs),
        precision_lax: pl,
        recall_lax: rl,
        f1_lax: f(pl, rl),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_scores_identity() {
        let g = parse_beads("[0]:[0]\n[1,2]:[1]\n[]:[2]\n[3]:[]:0.5\n").unwrap();
        assert_eq!(g[1], (vec![1, 2], vec![1]));
        assert_eq!(g[3], (vec![3], vec![]));
        let s = score(&[(g.clone(), g)]);
        assert_eq!(s.f1_strict, 1.0);
        assert_eq!(s.f1_lax, 1.0);
    }

    #[test]
    fn lax_credits_overlap_only() {
        let g = parse_beads("[0]:[0]\n[1,2]:[1]\n").unwrap();
        let t = parse_beads("[0]:[0]\n[1]:[1]\n[2]:[]\n").unwrap();
        let s = score(&[(g, t)]);
        assert!((s.precision_strict - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.precision_lax - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.recall_strict - 0.5).abs() < 1e-12);
        assert!((s.recall_lax - 1.0).abs() < 1e-12);
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_beads("[0][1]\n").is_err());
        assert!(parse_beads("[x]:[1]\n").is_err());
    }
}

//! Alignment scoring: strict and lax precision / recall / F1 of predicted beads against gold
//! beads, pooled over documents.
//!
//! This is a faithful port of the reference scorer `tools/score_align.py` shipped with the
//! shared eval sets, so that `tmalign eval` and the Python script print the same numbers.
//! Conventions (those of Vecalign / Bertalign):
//!
//! * **precision** is measured over every non-empty predicted bead. A predicted bead is a
//!   strict hit when the gold set holds exactly the same bead; it is a lax hit when it is a
//!   strict hit, or when both of its sides are non-empty and one of its source segments is
//!   linked in gold to one of its target segments. Null beads (`1-0`, `0-1`) can only match
//!   strictly.
//! * **recall** is the same measure with the roles swapped, over the non-null beads only.
//! * duplicate beads count once (the scorer works on sets), and a bead `[]:[]` is ignored.
//! * a gold file without a prediction counts as an empty prediction (and as `missing`).

use crate::{Error, Result};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// One bead as the scorer sees it: the source and target segment indices, in file order.
///
/// Indices are kept signed and unsorted because the reference scorer compares them exactly as
/// written (`[4,3]` is not `[3,4]`).
pub type EvalBead = (Vec<i64>, Vec<i64>);

/// Parses a bead file: one bead a line, `[i, j]:[k]` with `[]` for an empty side; anything
/// after a second `:` (a confidence) is ignored, blank lines are skipped.
pub fn parse_beads(path: &Path) -> Result<Vec<EvalBead>> {
    let text = crate::ingest::read_string_of(path, crate::ingest::FileKind::Beads)?;
    parse_beads_str(&text).map_err(|m| Error::bad_input(path, m))
}

/// Parses the text of a bead file (see [`parse_beads`]); the error names the bad line.
pub fn parse_beads_str(text: &str) -> std::result::Result<Vec<EvalBead>, String> {
    let mut beads = Vec::new();
    // `lines` plus `trim` also drops the `\r` of CRLF files, as Python's text mode does.
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.split(':');
        let (Some(src), Some(tgt)) = (parts.next(), parts.next()) else {
            return Err(format!(
                "line {}: bad bead line {}",
                n + 1,
                crate::error::quote(line)
            ));
        };
        let side = |s: &str| -> std::result::Result<Vec<i64>, String> {
            let s = s.trim().trim_matches(['[', ']']).trim();
            s.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| {
                    x.parse::<i64>().map_err(|_| {
                        format!(
                            "line {}: bad index {} in {}",
                            n + 1,
                            crate::error::quote(x),
                            crate::error::quote(line)
                        )
                    })
                })
                .collect()
        };
        beads.push((side(src)?, side(tgt)?));
    }
    Ok(beads)
}

/// Strict and lax precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
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

/// Hit counts of `test` measured against `gold`: (strict tp, strict fp, lax tp, lax fp).
fn counts(gold: &[EvalBead], test: &[EvalBead]) -> [u64; 4] {
    let nonempty = |b: &&EvalBead| !b.0.is_empty() || !b.1.is_empty();
    let gold: HashSet<&EvalBead> = gold.iter().filter(nonempty).collect();
    let test: HashSet<&EvalBead> = test.iter().filter(nonempty).collect();
    let mut src_to_tgt: HashMap<i64, HashSet<i64>> = HashMap::new();
    for (gs, gt) in &gold {
        for s in gs {
            src_to_tgt.entry(*s).or_default().extend(gt.iter().copied());
        }
    }
    let [mut tps, mut fps, mut tpl, mut fpl] = [0u64; 4];
    for bead in test {
        if gold.contains(bead) {
            tps += 1;
            tpl += 1;
            continue;
        }
        fps += 1;
        let (ts, tt) = bead;
        let linked = !ts.is_empty()
            && !tt.is_empty()
            && ts.iter().any(|s| {
                src_to_tgt
                    .get(s)
                    .is_some_and(|links| tt.iter().any(|t| links.contains(t)))
            });
        if linked {
            tpl += 1;
        } else {
            fpl += 1;
        }
    }
    [tps, fps, tpl, fpl]
}

/// Scores (gold, prediction) pairs, one per document, pooling the counts over documents.
pub fn score(pairs: &[(Vec<EvalBead>, Vec<EvalBead>)]) -> Scores {
    let mut p = [0u64; 4];
    let mut r = [0u64; 4];
    for (gold, test) in pairs {
        for (acc, v) in p.iter_mut().zip(counts(gold, test)) {
            *acc += v;
        }
        let both = |b: &&EvalBead| !b.0.is_empty() && !b.1.is_empty();
        let g: Vec<EvalBead> = gold.iter().filter(both).cloned().collect();
        let t: Vec<EvalBead> = test.iter().filter(both).cloned().collect();
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
    let f1 = |p: f64, r: f64| {
        if p + r != 0.0 {
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
        f1_strict: f1(ps, rs),
        precision_lax: pl,
        recall_lax: rl,
        f1_lax: f1(pl, rl),
    }
}

/// The result of scoring a directory of predictions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// Pooled scores.
    #[serde(flatten)]
    pub scores: Scores,
    /// Number of gold documents scored.
    pub docs: usize,
    /// Stems of the gold documents that had no prediction file (scored as empty predictions).
    #[serde(skip)]
    pub missing: Vec<String>,
}

impl EvalReport {
    /// The summary line of the reference scorer:
    /// `strict_f1=0.6800 lax_f1=0.8130 docs=21 missing=0`.
    pub fn summary_line(&self) -> String {
        format!(
            "strict_f1={} lax_f1={} docs={} missing={}",
            fmt4(self.scores.f1_strict),
            fmt4(self.scores.f1_lax),
            self.docs,
            self.missing.len()
        )
    }

    /// The JSON line of the reference scorer, byte for byte: same keys, order, separators and
    /// float spelling as Python's `json.dumps`.
    pub fn json_line(&self) -> String {
        let s = &self.scores;
        let fields = [
            ("precision_strict", s.precision_strict),
            ("recall_strict", s.recall_strict),
            ("f1_strict", s.f1_strict),
            ("precision_lax", s.precision_lax),
            ("recall_lax", s.recall_lax),
            ("f1_lax", s.f1_lax),
        ];
        let mut out = String::from("{");
        for (k, v) in fields {
            out.push_str(&format!("\"{k}\": {}, ", py_float(v)));
        }
        out.push_str(&format!(
            "\"docs\": {}, \"missing\": {}}}",
            self.docs,
            self.missing.len()
        ));
        out
    }
}

/// A float spelled as Python's `repr` spells it: the shortest string that reads back to the
/// same value, with a two-digit signed exponent (`1e-05`) when one is used. Rust's `Debug`
/// picks the same digits and the same switch to exponent form (below 1e-4, from 1e16).
pub fn py_float(x: f64) -> String {
    let s = format!("{x:?}");
    match s.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

/// Formats a score with four decimals, rounding half to even on the exact binary value as
/// Python's `format(x, ".4f")` does.
pub fn fmt4(x: f64) -> String {
    format!("{x:.4}")
}

/// Scores every `GOLD_DIR/NAME<gold_ext>` against `PRED_DIR/NAME<pred_ext>`, in name order.
pub fn score_dirs(
    gold_dir: &Path,
    pred_dir: &Path,
    gold_ext: &str,
    pred_ext: &str,
) -> Result<EvalReport> {
    let entries = std::fs::read_dir(gold_dir).map_err(|e| Error::io(gold_dir, e))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(gold_dir, e))?;
        if let Some(name) = entry.file_name().to_str() {
            if name.ends_with(gold_ext) {
                names.push(name.to_owned());
            }
        }
    }
    names.sort();
    let mut pairs = Vec::with_capacity(names.len());
    let mut missing = Vec::new();
    for name in names {
        let stem = &name[..name.len() - gold_ext.len()];
        let gold = parse_beads(&gold_dir.join(&name))?;
        let pred_path = pred_dir.join(format!("{stem}{pred_ext}"));
        if !pred_path.exists() {
            missing.push(stem.to_owned());
            pairs.push((gold, Vec::new()));
            continue;
        }
        pairs.push((gold, parse_beads(&pred_path)?));
    }
    Ok(EvalReport {
        scores: score(&pairs),
        docs: pairs.len(),
        missing,
    })
}

/// The index lists of one aligner [`Bead`](crate::align::Bead), as the scorer compares them.
pub fn bead_indices(bead: &crate::align::Bead) -> EvalBead {
    (
        bead.src.clone().map(|i| i as i64).collect(),
        bead.tgt.clone().map(|i| i as i64).collect(),
    )
}

/// The beads of an [`Alignment`](crate::align::Alignment), ready for [`score`].
pub fn alignment_beads(alignment: &crate::align::Alignment) -> Vec<EvalBead> {
    alignment.beads.iter().map(bead_indices).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &[i64], t: &[i64]) -> EvalBead {
        (s.to_vec(), t.to_vec())
    }

    #[test]
    fn parses_bead_lines_like_the_reference() {
        let beads = parse_beads_str("[0]:[0]\n\n[1, 2]:[]:0.5\r\n [] : [3] \n[[4]]:[4]\n").unwrap();
        assert_eq!(
            beads,
            vec![b(&[0], &[0]), b(&[1, 2], &[]), b(&[], &[3]), b(&[4], &[4])]
        );
        assert!(parse_beads_str("[0][0]").is_err());
        assert!(parse_beads_str("[x]:[0]").is_err());
    }

    #[test]
    fn perfect_prediction_scores_one() {
        let gold = vec![b(&[0], &[0]), b(&[1, 2], &[1]), b(&[3], &[])];
        let s = score(&[(gold.clone(), gold)]);
        assert_eq!(s.f1_strict, 1.0);
        assert_eq!(s.f1_lax, 1.0);
    }

    #[test]
    fn lax_credits_overlapping_beads_but_not_nulls() {
        let gold = vec![b(&[0], &[0]), b(&[1, 2], &[1])];
        let test = vec![b(&[0], &[0]), b(&[1], &[1]), b(&[2], &[])];
        let s = score(&[(gold, test)]);
        // precision: 3 predicted beads, 1 strict hit, 2 lax hits ([1]:[1] overlaps, the null does not)
        assert!((s.precision_strict - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.precision_lax - 2.0 / 3.0).abs() < 1e-12);
        // recall: 2 gold beads, 1 strict hit, both lax hits
        assert_eq!(s.recall_strict, 0.5);
        assert_eq!(s.recall_lax, 1.0);
    }

    #[test]
    fn empty_everything_is_zero_not_nan() {
        let s = score(&[(vec![b(&[0], &[0])], vec![])]);
        assert_eq!(s.f1_strict, 0.0);
        assert_eq!(score(&[]).f1_lax, 0.0);
    }

    #[test]
    fn formats_like_python() {
        assert_eq!(fmt4(1.0), "1.0000");
        assert_eq!(fmt4(0.0), "0.0000");
        assert_eq!(fmt4(2.0 / 3.0), "0.6667");
        // exact binary ties round half to even, as in Python
        assert_eq!(fmt4(0.03125), "0.0312");
        assert_eq!(fmt4(0.09375), "0.0938");
        assert_eq!(py_float(1.0), "1.0");
        assert_eq!(py_float(0.0), "0.0");
        assert_eq!(py_float(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(py_float(5e-5), "5e-05");
        assert_eq!(py_float(1.25e-7), "1.25e-07");
        assert_eq!(py_float(0.0001), "0.0001");
    }
}

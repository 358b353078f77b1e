//! Splitting the single segment of a 1-k / k-1 bead: groupings of the other side, the
//! clause-mark rule against a full stop, and the accept rule.

use super::candidates::{candidates, Candidate};
use super::local::DocContext;
use super::maxsum::{maxsum, unit_links};
use super::punct::{clause_positions, ends_with_full_stop, NonSpace};
use crate::Lang;
use std::collections::HashMap;
use std::ops::Range;

/// Most candidate positions for which a three-way split is tried.
pub(super) const MAX_CANDIDATES_3: usize = 40;

/// A split under consideration: (selection score, bead costs, cuts, groups).
pub(super) type Choice = (f32, f32, Vec<usize>, Vec<Range<usize>>);

/// The best split of one 1-k / k-1 bead, if it is clearly better than the bead: the pieces'
/// byte cuts in X (without 0 and the end) and the other side's groups, one per piece.
pub(super) fn best_split(
    ctx: &DocContext,
    whole_is_src: bool,
    x: usize,
    others: Range<usize>,
) -> Option<(Vec<usize>, Vec<Range<usize>>)> {
    let (wsegs, _, wlang) = ctx.side(whole_is_src, true);
    let text = wsegs[x].text.as_str();
    let words = if whole_is_src {
        ctx.lower.0
    } else {
        ctx.lower.1
    };
    let cands: Vec<Candidate> = candidates(text, wlang, ctx.stats, words)
        .into_iter()
        .map(|c| Candidate {
            prior: c.prior + ctx.params.boundary * c.boundary,
            ..c
        })
        .collect();
    if cands.is_empty() {
        return None;
    }
    let k = others.len();
    let p = ctx.params;
    let mut memo: HashMap<(usize, usize, usize, usize), f32> = HashMap::new();
    let mut cost = |a: usize, b: usize, g: Range<usize>| -> f32 {
        *memo
            .entry((a, b, g.start, g.end))
            .or_insert_with(|| ctx.bead_cost(whole_is_src, x, a..b, g))
    };
    let original = cost(0, text.len(), others.clone());
    // Groupings of the k other segments into 2..=k contiguous groups.
    let o = others.start;
    let mut groupings: Vec<Vec<Range<usize>>> = Vec::new();
    for g in 1..k {
        groupings.push(vec![o..o + g, o + g..others.end]);
    }
    // Three pieces cost a quadratic number of evaluations: only for segments of ordinary
    // length.
    if k == 3 && cands.len() <= MAX_CANDIDATES_3 {
        groupings.push(vec![o..o + 1, o + 1..o + 2, o + 2..others.end]);
    }
    // Where the other side ends a sentence with a full stop, the translator has usually split
    // one sentence in two, and X's matching point is a comma (never a candidate). But a writer
    // may also have left out X's own full stop (`…却徒劳无功` | `埃德南…`): then the matching
    // point is a bare word boundary. So such a grouping (two pieces only) is split at a bare
    // boundary only when that beats every clause mark of X by `clause_margin`.
    let (osegs, _, _) = ctx.side(whole_is_src, false);
    let stops = |groups: &[Range<usize>]| {
        groups[..groups.len() - 1]
            .iter()
            .any(|g| ends_with_full_stop(&osegs[g.end - 1].text))
    };
    // (Only Chinese leaves full stops out; an alphabetic X keeps the strict rule.)
    let chinese = wlang == Lang::Zh;
    let clauses = if chinese {
        clause_positions(text)
    } else {
        Vec::new()
    };
    groupings.retain(|groups| !stops(groups) || (chinese && groups.len() == 2));
    let nonspace = NonSpace::new(text);
    let mut best: Option<Choice> = None;
    for groups in groupings {
        let units = unit_links(ctx, whole_is_src, x, &groups);
        if stops(&groups) {
            // Bead costs and max-sum term of the two pieces cut at `pos`.
            let two = |pos: usize, cost: &mut dyn FnMut(usize, usize, Range<usize>) -> f32| {
                cost(0, pos, groups[0].clone()) + cost(pos, text.len(), groups[1].clone())
                    - p.maxsum * maxsum(&units, &[0, pos, text.len()])
            };
            let clause_best = clauses
                .iter()
                .map(|&pos| two(pos, &mut cost))
                .fold(f32::INFINITY, f32::min);
            // The bare boundary must also look like a sentence boundary by the input's own
            // statistics.
            let bare_best = cands
                .iter()
                .filter(|c| c.boundary > 0.0)
                .map(|c| (two(c.pos, &mut cost) - p.prior * c.prior, c))
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((score, c)) = bare_best {
                if score + p.clause_margin < clause_best {
                    let s = cost(0, c.pos, groups[0].clone())
                        + cost(c.pos, text.len(), groups[1].clone());
                    if best.as_ref().is_none_or(|b| score < b.0) {
                        best = Some((score, s, vec![c.pos], groups.clone()));
                    }
                }
            }
            continue;
        }
        let mut consider = |cuts: Vec<usize>, prior: f32, cost_sum: f32| {
            let mut full = vec![0];
            full.extend(&cuts);
            full.push(text.len());
            let score = cost_sum - p.prior * prior - p.maxsum * maxsum(&units, &full);
            if best.as_ref().is_none_or(|b| score < b.0) {
                best = Some((score, cost_sum, cuts, groups.clone()));
            }
        };
        if groups.len() == 2 {
            for c in &cands {
                let s =
                    cost(0, c.pos, groups[0].clone()) + cost(c.pos, text.len(), groups[1].clone());
                consider(vec![c.pos], c.prior, s);
            }
        } else {
            for (i, c1) in cands.iter().enumerate() {
                for c2 in &cands[i + 1..] {
                    if nonspace.between(c1.pos, c2.pos) < 4 {
                        continue;
                    }
                    let s = cost(0, c1.pos, groups[0].clone())
                        + cost(c1.pos, c2.pos, groups[1].clone())
                        + cost(c2.pos, text.len(), groups[2].clone());
                    consider(vec![c1.pos, c2.pos], c1.prior + c2.prior, s);
                }
            }
        }
    }
    // The priors and the max-sum term choose the position; the bead costs alone decide
    // whether to split at all.
    let (_, score, cuts, groups) = best?;
    // Where the other side breaks without punctuation as well, the learnt boundary evidence
    // of the chosen positions counts toward the decision too (a headline's bead costs barely
    // change when its lede restates it); against a full stop the bead costs decide alone.
    let evidence: f32 = if stops(&groups) {
        0.0
    } else {
        cuts.iter()
            .filter_map(|&pos| cands.iter().find(|c| c.pos == pos))
            .map(|c| c.boundary)
            .sum()
    };
    (score - p.accept_boundary * evidence + p.margin < original).then_some((cuts, groups))
}

//! Joint splits of a 1-1 bead whose two segments both glue a headline to the next sentence:
//! candidates with evidence on each side, chosen together.

use super::candidates::{alpha_candidates, zh_candidates, Candidate, DIRECT_SEARCH_BYTES};
use super::local::{DocContext, Part};
use super::start::{start_evidence_at, StartEvidence, StemIndex};
use crate::align::boundary::BoundaryStats;
use crate::Lang;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Prior bonus of a joint candidate before a common word over one before a repeat.
pub(super) const COMMON_WORD_PRIOR: f32 = 1.0;

/// Candidate positions for the joint split of a 1-1 bead: for an alphabetic language, also
/// between capitalised words, and only where the next word opens a sentence by the document's
/// evidence ([`start_evidence`]).
pub(super) fn joint_candidates(
    text: &str,
    lang: Lang,
    lower: &HashSet<String>,
    stats: &BoundaryStats,
) -> Vec<Candidate> {
    if lang == Lang::Zh {
        return zh_candidates(text, stats);
    }
    let cands = alpha_candidates(text, true, lower);
    let positions: Vec<usize> = cands.iter().map(|c| c.pos).collect();
    let repeated = repeated_names(text, &positions);
    let index = StemIndex::new(text, lang);
    cands
        .into_iter()
        .zip(repeated)
        .filter(|(_, repeated)| !repeated)
        .filter_map(|(c, _)| {
            let evidence = start_evidence_at(text, c.pos, lower, &index)?;
            let bonus = if evidence == StartEvidence::CommonWord {
                COMMON_WORD_PRIOR
            } else {
                0.0
            };
            Some(Candidate {
                prior: c.prior + bonus,
                ..c
            })
        })
        .collect()
}

/// Whether byte `pos` of `text` stands between two words that the text writes together
/// elsewhere too: a name the lede repeats from its headline (`…забить гол Серхио | Агуэро и
/// Рахим…` after `Смотрите: Серхио Агуэро…`) is not cut between its words.
#[cfg(test)]
pub(super) fn inside_repeated_name(text: &str, pos: usize) -> bool {
    name_pair(text, pos).is_some_and(|pair| text.matches(&pair).count() >= 2)
}

/// The two words around byte `pos` as the text would write them together (`Серхио Агуэро`),
/// if there is a word on either side.
pub(super) fn name_pair(text: &str, pos: usize) -> Option<String> {
    let word_char = |c: char| c.is_alphanumeric() || c == '-';
    let head = text[..pos].trim_end();
    let prev = &head[head.rfind(|c: char| !word_char(c)).map_or(0, |i| {
        i + head[i..].chars().next().map_or(1, char::len_utf8)
    })..];
    let tail = &text[pos..];
    let next = &tail[..tail.find(|c: char| !word_char(c)).unwrap_or(tail.len())];
    if prev.is_empty() || next.is_empty() {
        return None;
    }
    Some(format!("{prev} {next}"))
}

/// [`inside_repeated_name`] at each of `positions`, in one pass over the text for all of them
/// (counting each pair anew is quadratic over a long sentence): the pair occurs twice or more,
/// counted without overlaps as `str::matches` counts.
pub(super) fn repeated_names(text: &str, positions: &[usize]) -> Vec<bool> {
    let pairs: Vec<Option<String>> = positions.iter().map(|&p| name_pair(text, p)).collect();
    let mut patterns: Vec<&str> = pairs.iter().flatten().map(String::as_str).collect();
    patterns.sort_unstable();
    patterns.dedup();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    // (a short text, or too many patterns for the automaton: each pattern counted directly)
    let ac = (text.len() > DIRECT_SEARCH_BYTES)
        .then(|| {
            aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
                .build(&patterns)
                .ok()
        })
        .flatten();
    match ac {
        Some(ac) => {
            // Matches of one pattern (all of one length) come in order; a match counts when it
            // starts at or after the end of the last one counted.
            let mut last_end: HashMap<usize, usize> = HashMap::new();
            for m in ac.find_overlapping_iter(text) {
                let p = m.pattern().as_usize();
                if last_end.get(&p).is_none_or(|&e| m.start() >= e) {
                    last_end.insert(p, m.end());
                    *counts.entry(patterns[p]).or_insert(0) += 1;
                }
            }
        }
        None => {
            for p in patterns {
                counts.insert(p, text.matches(p).count());
            }
        }
    }
    pairs
        .iter()
        .map(|p| {
            p.as_deref()
                .is_some_and(|p| counts.get(p).copied().unwrap_or(0) >= 2)
        })
        .collect()
}

/// The best joint split of a 1-1 bead whose two segments both run a headline into the next
/// sentence: byte cuts in the source and the target segment, when the two 1-1 beads they make
/// are clearly better than the bead.
///
/// Neither side has a mark at the boundary, so each must show its own evidence: the
/// alphabetic side a capitalised word that opens a sentence ([`start_evidence`]), the Chinese
/// side words that end and open sentences in this input ([`BoundaryStats`], log-odds above
/// zero). The pair of positions is chosen by bead costs and priors; the split is taken when
/// the bead costs improve by `joint_margin`, less `joint_boundary` times the Chinese
/// position's log-odds.
pub(super) fn best_joint_split(ctx: &DocContext, x: usize, y: usize) -> Option<(usize, usize)> {
    let (zh_src, zh_tgt) = (ctx.cfg.src_lang == Lang::Zh, ctx.cfg.tgt_lang == Lang::Zh);
    if zh_src == zh_tgt {
        return None;
    }
    let (stext, ttext) = (ctx.src.0[x].text.as_str(), ctx.tgt.0[y].text.as_str());
    let side = |text: &str, lang: Lang, lower: &HashSet<String>| -> Vec<Candidate> {
        let mut cands = joint_candidates(text, lang, lower, ctx.stats);
        if lang == Lang::Zh {
            cands.retain(|c| c.boundary > 0.0);
        }
        cands
    };
    let sc = side(stext, ctx.cfg.src_lang, ctx.lower.0);
    let tc = side(ttext, ctx.cfg.tgt_lang, ctx.lower.1);
    if sc.is_empty() || tc.is_empty() {
        return None;
    }
    let p = ctx.params;
    let cost = |a: Range<usize>, b: Range<usize>| {
        ctx.local_cost(&[Part::Piece(x, a)], &[Part::Piece(y, b)])
    };
    let original = cost(0..stext.len(), 0..ttext.len());
    let prior = |c: &Candidate| c.prior + p.boundary * c.boundary;
    let mut best: Option<(f32, f32, usize, usize, f32)> = None;
    for c in &sc {
        for d in &tc {
            let sum = cost(0..c.pos, 0..d.pos) + cost(c.pos..stext.len(), d.pos..ttext.len());
            let score = sum - p.prior * (prior(c) + prior(d));
            if best.is_none_or(|b| score < b.0) {
                best = Some((score, sum, c.pos, d.pos, c.boundary + d.boundary));
            }
        }
    }
    let (_, sum, c, d, ev) = best?;
    (sum - p.joint_boundary * ev + p.joint_margin < original).then_some((c, d))
}

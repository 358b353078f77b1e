//! The max-sum term: lexical units of the split segment linked by the learnt table to their
//! own piece's counterpart (for a position) or only to another piece's (against).

use super::local::DocContext;
use crate::align::features::{self, K_STEM, K_ZH};
use crate::Lang;
use std::collections::HashSet;
use std::ops::Range;

/// Lexical units of a text with their byte ranges (Chinese character unigrams and bigrams, or
/// word stems), as `features::featurize` forms them.
pub(super) fn positioned_units(text: &str, lang: Lang) -> Vec<(Range<usize>, u64)> {
    let mut out = Vec::new();
    if lang == Lang::Zh {
        let cs: Vec<(usize, char)> = text.char_indices().collect();
        for (k, &(i, c)) in cs.iter().enumerate() {
            if !features::han(c) {
                continue;
            }
            let e = i + c.len_utf8();
            out.push((i..e, features::hash_tok(K_ZH, &text[i..e])));
            if let Some(&(j, d)) = cs.get(k + 1) {
                if features::han(d) {
                    let e2 = j + d.len_utf8();
                    out.push((i..e2, features::hash_tok(K_ZH, &text[i..e2])));
                }
            }
        }
        return out;
    }
    let stemmer = features::Stemmer::new(lang);
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() && !features::han(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            let w = &text[s..i];
            if w.chars().count() >= 3 && w.chars().any(char::is_alphabetic) {
                let lower = w.to_lowercase();
                out.push((s..i, features::hash_tok(K_STEM, &stemmer.stem(&lower))));
            }
        }
    }
    out
}

/// Per lexical unit of X: its byte range and, per group of the other side, whether the learnt
/// table links it to that group.
pub(super) fn unit_links(
    ctx: &DocContext,
    whole_is_src: bool,
    x: usize,
    groups: &[Range<usize>],
) -> Vec<(Range<usize>, Vec<bool>)> {
    let (wsegs, _, wlang) = ctx.side(whole_is_src, true);
    let (_, ofeats, _) = ctx.side(whole_is_src, false);
    let sets: Vec<HashSet<u64>> = groups
        .iter()
        .map(|g| {
            let units = ofeats[g.clone()].iter().flat_map(|f| f.lex.iter().copied());
            if whole_is_src {
                // X's units are source units: compare their translations with the group's.
                units.collect()
            } else {
                // X's units are target units: the group's source units' translations.
                units
                    .flat_map(|u| ctx.lex.translations(u).iter().copied())
                    .collect()
            }
        })
        .collect();
    positioned_units(&wsegs[x].text, wlang)
        .into_iter()
        .filter_map(|(r, u)| {
            let linked: Vec<bool> = sets
                .iter()
                .map(|set| {
                    if whole_is_src {
                        ctx.lex.translations(u).iter().any(|t| set.contains(t))
                    } else {
                        set.contains(&u)
                    }
                })
                .collect();
            linked.iter().any(|&b| b).then_some((r, linked))
        })
        .collect()
}

/// Max-sum score of pieces `cuts` (byte offsets, first 0, last the text length) matched to
/// groups in order: a unit inside piece `i` counts +1 when linked to group `i` and −1 when
/// linked only elsewhere.
pub(super) fn maxsum(units: &[(Range<usize>, Vec<bool>)], cuts: &[usize]) -> f32 {
    let mut s = 0.0;
    for (r, linked) in units {
        let Some(i) = (0..cuts.len() - 1).find(|&i| r.start >= cuts[i] && r.end <= cuts[i + 1])
        else {
            continue;
        };
        if linked[i] {
            s += 1.0;
        } else {
            s -= 1.0;
        }
    }
    s
}

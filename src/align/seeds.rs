//! Seed glossary terms as anchors: a shared key on every segment holding a term pair's source
//! term (on the source side) or its target term (on the target side, case-folded).
//!
//! The terms are compiled once into two Aho–Corasick automata, so a segment is scanned once
//! for all terms whatever their number, and resegmentation can ask for the terms of many
//! pieces of one segment without rebuilding anything (it used to rebuild a term index per
//! candidate split: 60% of `tmalign run` with the seed glossary).

use super::features::{self, SegFeat};
use super::{AlignConfig, Segment};
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use std::collections::HashMap;

/// Hash tag of seed-term keys.
const K_SEED: u8 = 6;

/// One side's distinct patterns and the automaton over them.
#[derive(Debug, Clone)]
struct PatternSet {
    /// Per distinct pattern, the indices of the terms that have it.
    terms: Vec<Vec<usize>>,
    ac: Option<AhoCorasick>,
}

impl PatternSet {
    fn new<'a>(pats: impl Iterator<Item = &'a str>) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut distinct: Vec<&str> = Vec::new();
        let mut terms: Vec<Vec<usize>> = Vec::new();
        for (k, p) in pats.enumerate() {
            let id = *index.entry(p).or_insert_with(|| {
                distinct.push(p);
                terms.push(Vec::new());
                distinct.len() - 1
            });
            terms[id].push(k);
        }
        let ac = if distinct.is_empty() {
            None
        } else {
            // (too many patterns for the automaton: then no seed anchors at all, rather than a
            // quadratic scan; a glossary of a million terms is not a seed glossary)
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&distinct)
                .ok()
        };
        PatternSet { terms, ac }
    }

    /// Indices of the terms whose pattern occurs in `text`, each once, in no set order.
    fn terms_in(&self, text: &str, out: &mut Vec<usize>) {
        let Some(ac) = &self.ac else { return };
        let mut seen: Vec<bool> = Vec::new();
        for m in ac.find_overlapping_iter(text) {
            let p = m.pattern().as_usize();
            if seen.is_empty() {
                seen = vec![false; self.terms.len()];
            }
            if !seen[p] {
                seen[p] = true;
                out.extend(&self.terms[p]);
            }
        }
    }
}

/// The seed terms of an [`AlignConfig`], compiled for matching.
#[derive(Debug, Clone)]
pub(crate) struct SeedTerms {
    /// Key of each term pair.
    keys: Vec<u64>,
    src: PatternSet,
    /// Target terms, lower-cased (matched in lower-cased text).
    tgt: PatternSet,
}

impl SeedTerms {
    /// Compiles the seed terms of `cfg` (pairs with an empty side are left out).
    pub(crate) fn new(cfg: &AlignConfig) -> Self {
        let terms: Vec<(u64, &str, String)> = cfg
            .seed_terms
            .iter()
            .filter(|(a, b)| !a.trim().is_empty() && !b.trim().is_empty())
            .map(|(a, b)| {
                let key = features::hash_tok(K_SEED, &format!("{a}\u{0}{b}"));
                (key, a.as_str(), b.to_lowercase())
            })
            .collect();
        SeedTerms {
            keys: terms.iter().map(|t| t.0).collect(),
            src: PatternSet::new(terms.iter().map(|t| t.1)),
            tgt: PatternSet::new(terms.iter().map(|t| t.2.as_str())),
        }
    }

    /// Whether there is no term to look for.
    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Pushes the key of every term that `text` (a source segment when `src_side`, else a
    /// target one) holds, once per term.
    pub(crate) fn add_keys(&self, src_side: bool, text: &str, keys: &mut Vec<u64>) {
        if self.is_empty() {
            return;
        }
        let mut found = Vec::new();
        if src_side {
            self.src.terms_in(text, &mut found);
        } else {
            self.tgt.terms_in(&text.to_lowercase(), &mut found);
        }
        keys.extend(found.into_iter().map(|k| self.keys[k]));
    }
}

/// Seed terms become anchors like names: a shared key on every segment holding the term. The
/// names of every segment are sorted afterwards (name anchors come first, deduplicated by the
/// name matcher; a term listed twice adds its key twice).
#[cfg(test)]
pub(crate) fn add_seed_anchors(
    src: &mut [SegFeat],
    st: &[Segment],
    tgt: &mut [SegFeat],
    tt: &[Segment],
    cfg: &AlignConfig,
) {
    add_anchors(&SeedTerms::new(cfg), src, st, tgt, tt);
}

/// Adds the seed-term anchors: a term's key on every segment holding it (see
/// [`SeedTerms::add_keys`]); the names of every segment are sorted afterwards (name anchors
/// come first, deduplicated by the name matcher; a term listed twice adds its key twice).
pub(crate) fn add_anchors(
    terms: &SeedTerms,
    src: &mut [SegFeat],
    st: &[Segment],
    tgt: &mut [SegFeat],
    tt: &[Segment],
) {
    for (f, s) in src.iter_mut().zip(st) {
        terms.add_keys(true, &s.text, &mut f.names);
    }
    for (f, s) in tgt.iter_mut().zip(tt) {
        terms.add_keys(false, &s.text, &mut f.names);
    }
    for f in src.iter_mut().chain(tgt.iter_mut()) {
        f.names.sort_unstable();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use proptest::prelude::*;

    /// The plain definition: a term's key on every segment that contains it (target side
    /// case-folded), once per term.
    fn direct(cfg: &AlignConfig, src_side: bool, text: &str) -> Vec<u64> {
        let mut out: Vec<u64> = cfg
            .seed_terms
            .iter()
            .filter(|(a, b)| !a.trim().is_empty() && !b.trim().is_empty())
            .filter(|(a, b)| {
                if src_side {
                    text.contains(a.as_str())
                } else {
                    text.to_lowercase().contains(&b.to_lowercase())
                }
            })
            .map(|(a, b)| features::hash_tok(K_SEED, &format!("{a}\u{0}{b}")))
            .collect();
        out.sort_unstable();
        out
    }

    fn config(terms: &[(&str, &str)]) -> AlignConfig {
        let mut cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
        cfg.seed_terms = terms
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        cfg
    }

    #[test]
    fn matches_plain_search() {
        let cfg = config(&[
            ("中国", "Китай"),
            ("国", "страна"),
            ("中国", "Китай"),
            ("俄罗斯", "Россия"),
            ("x", "ВА"),
            ("", "пусто"),
            (" ", "пробел"),
            ("莫斯科", "Москва"),
        ]);
        let terms = SeedTerms::new(&cfg);
        for text in [
            "中国人",
            "美国",
            "в москве и МОСКВА",
            "москва",
            "",
            "xx",
            "Китай, Россия, страна",
            "ΣΑΣ Москва",
        ] {
            for side in [true, false] {
                let mut got = Vec::new();
                terms.add_keys(side, text, &mut got);
                got.sort_unstable();
                assert_eq!(got, direct(&cfg, side, text), "{text} {side}");
            }
        }
        // a term listed twice: its key twice
        let mut got = Vec::new();
        terms.add_keys(true, "中国", &mut got);
        assert_eq!(got.len(), 3, "{got:?}");
    }

    proptest! {
        #[test]
        fn matches_plain_search_on_any_text(
            terms in proptest::collection::vec(("[中国俄a-c ]{0,3}", "[А-Га-гİΣ ]{0,3}"), 0..12),
            text in "[中国俄a-cА-Га-гİΣς ]{0,24}",
        ) {
            let pairs: Vec<(&str, &str)> =
                terms.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let cfg = config(&pairs);
            let compiled = SeedTerms::new(&cfg);
            for side in [true, false] {
                let mut got = Vec::new();
                compiled.add_keys(side, &text, &mut got);
                got.sort_unstable();
                prop_assert_eq!(got, direct(&cfg, side, &text));
            }
        }
    }
}

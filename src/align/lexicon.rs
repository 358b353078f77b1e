//! A translation table learnt from the input documents themselves.
//!
//! Pass 1 aligns with dictionary-free signals; its confident beads are treated as a small
//! parallel corpus, and units that keep co-occurring in them (Chinese character unigrams and
//! bigrams on one side, word stems on the other) are linked by their Dice coefficient. Pass 2
//! then rewards beads whose units are covered by links. Nothing is stored between runs.

use std::collections::{HashMap, HashSet};

/// Learnt links between source units and target units (both hashed, see `features`).
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    links: HashMap<u64, Vec<u64>>,
    src_known: HashSet<u64>,
    tgt_known: HashSet<u64>,
}

/// Learning settings.
#[derive(Debug, Clone, Copy)]
pub struct LearnConfig {
    /// Smallest number of beads a linked pair must share.
    pub min_joint: u32,
    /// Smallest Dice coefficient of a link.
    pub min_dice: f32,
    /// Links kept per unit (by Dice), from each side's point of view.
    pub top_k: usize,
    /// Most beads used (the most confident ones); bounds time and memory on huge inputs.
    pub max_beads: usize,
    /// Units found in more than this share of the beads are not linked.
    pub max_share: f32,
}

impl Default for LearnConfig {
    fn default() -> Self {
        LearnConfig {
            min_joint: 2,
            min_dice: 0.3,
            top_k: 3,
            max_beads: 3000,
            max_share: 0.5,
        }
    }
}

impl Lexicon {
    /// Learns links from beads given as (source units, target units) sets.
    pub fn learn(beads: &[(&[u64], &[u64])], cfg: LearnConfig) -> Lexicon {
        let beads = &beads[..beads.len().min(cfg.max_beads)];
        let mut cs: HashMap<u64, u32> = HashMap::new();
        let mut ct: HashMap<u64, u32> = HashMap::new();
        for (s, t) in beads {
            for u in s.iter() {
                *cs.entry(*u).or_default() += 1;
            }
            for r in t.iter() {
                *ct.entry(*r).or_default() += 1;
            }
        }
        // Units seen once can never reach min_joint, and units in most beads (function words,
        // 的, в) cannot get a useful Dice: skipping both early drops many pairs.
        let max_count = ((beads.len() as f32 * cfg.max_share) as u32).max(5);
        // Pairs are collected in a flat vector (each unit cut to 32 bits of its hash, the
        // pair packed in one u64) and counted by sorting: far less memory than a hash map.
        let keep = |c: u32| (cfg.min_joint..=max_count).contains(&c);
        let mut full: HashMap<u32, u64> = HashMap::new();
        let mut ss: Vec<u32> = Vec::new();
        let mut tt: Vec<u32> = Vec::new();
        let mut total = 0usize;
        for (s, t) in beads {
            let a = s.iter().filter(|u| keep(cs[*u])).count();
            let b = t.iter().filter(|r| keep(ct[*r])).count();
            total += a * b;
        }
        let mut pairs: Vec<u64> = Vec::with_capacity(total);
        for (s, t) in beads {
            ss.clear();
            tt.clear();
            for &u in s.iter().filter(|u| keep(cs[*u])) {
                full.insert(u as u32, u);
                ss.push(u as u32);
            }
            for &r in t.iter().filter(|r| keep(ct[*r])) {
                full.insert(r as u32, r);
                tt.push(r as u32);
            }
            for &u in &ss {
                for &r in &tt {
                    pairs.push(((u as u64) << 32) | r as u64);
                }
            }
        }
        pairs.sort_unstable();
        let mut joint: Vec<((u64, u64), u32)> = Vec::new();
        let mut k = 0;
        while k < pairs.len() {
            let p = pairs[k];
            let mut e = k;
            while e < pairs.len() && pairs[e] == p {
                e += 1;
            }
            let c = (e - k) as u32;
            if c >= cfg.min_joint {
                let (u, r) = ((p >> 32) as u32, p as u32);
                if let (Some(&u), Some(&r)) = (full.get(&u), full.get(&r)) {
                    // Only pairs that can become links are kept (bounds memory).
                    let dice = 2.0 * c as f32 / (cs[&u] + ct[&r]) as f32;
                    if dice >= cfg.min_dice {
                        joint.push(((u, r), c));
                    }
                }
            }
            k = e;
        }
        drop(pairs);
        let mut by_src: HashMap<u64, Vec<(f32, u64)>> = HashMap::new();
        let mut by_tgt: HashMap<u64, Vec<(f32, u64)>> = HashMap::new();
        for &((u, r), c) in &joint {
            let dice = 2.0 * c as f32 / (cs[&u] + ct[&r]) as f32;
            if dice >= cfg.min_dice {
                by_src.entry(u).or_default().push((dice, r));
                by_tgt.entry(r).or_default().push((dice, u));
            }
        }
        let top = |v: &mut Vec<(f32, u64)>, k: usize| {
            v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            v.truncate(k);
        };
        let mut keep: HashSet<(u64, u64)> = HashSet::new();
        for (u, v) in by_src.iter_mut() {
            top(v, cfg.top_k);
            keep.extend(v.iter().map(|&(_, r)| (*u, r)));
        }
        let mut rev: HashSet<(u64, u64)> = HashSet::new();
        for (r, v) in by_tgt.iter_mut() {
            top(v, cfg.top_k);
            rev.extend(v.iter().map(|&(_, u)| (u, *r)));
        }
        // A link must be among the best of both of its units: mutual choice filters the
        // frequent-unit noise Dice alone lets through.
        let mut lex = Lexicon::default();
        for (u, r) in keep.intersection(&rev) {
            lex.links.entry(*u).or_default().push(*r);
            lex.src_known.insert(*u);
            lex.tgt_known.insert(*r);
        }
        for v in lex.links.values_mut() {
            v.sort_unstable();
        }
        lex
    }

    /// Target units linked to source unit `u`.
    pub fn translations(&self, u: u64) -> &[u64] {
        self.links.get(&u).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether a source unit has links.
    pub fn knows_src(&self, u: u64) -> bool {
        self.src_known.contains(&u)
    }

    /// Whether a target unit has links.
    pub fn knows_tgt(&self, r: u64) -> bool {
        self.tgt_known.contains(&r)
    }

    /// Number of links.
    pub fn len(&self) -> usize {
        self.links.values().map(Vec::len).sum()
    }

    /// Whether there are no links.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_recurring_pairs_only() {
        let data: Vec<(Vec<u64>, Vec<u64>)> = vec![
            (vec![1, 2], vec![10, 20]),
            (vec![1, 3], vec![10, 30]),
            (vec![1, 4], vec![10, 40]),
            (vec![5], vec![50]),
        ];
        let beads: Vec<(&[u64], &[u64])> = data
            .iter()
            .map(|(a, b)| (a.as_slice(), b.as_slice()))
            .collect();
        let lex = Lexicon::learn(&beads, LearnConfig::default());
        assert_eq!(lex.translations(1), &[10]);
        assert!(lex.translations(5).is_empty());
        assert!(lex.knows_tgt(10) && !lex.knows_tgt(20));
    }
}

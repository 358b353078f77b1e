//! A translation table learnt from the input documents themselves.
//!
//! Pass 1 aligns with dictionary-free signals; its confident beads are treated as a small
//! parallel corpus, and units that keep co-occurring in them (Chinese character unigrams and
//! bigrams on one side, word stems on the other) are linked by their Dice coefficient. Pass 2
//! then rewards beads whose units are covered by links. Nothing is stored between runs.

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;

/// Learnt links between source units and target units (both hashed, see `features`).
///
/// The maps use the Fx hash: their keys are FNV hashes already, and the aligner looks them up
/// for every unit of every segment in each lexical pass.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    links: FxHashMap<u64, Vec<u64>>,
    src_known: FxHashSet<u64>,
    tgt_known: FxHashSet<u64>,
    /// The same units, sorted: every bead-cost index sorts its vocabulary from them, and
    /// resegmentation builds thousands of small indices.
    tgt_sorted: Vec<u64>,
    /// Dense ids of the source units with links (see [`Lexicon::src_id`]).
    src_ids: FxHashMap<u64, u32>,
    /// Per source id, its translations as target ids (indices into `tgt_sorted`), in the
    /// order of `links`: source id `k` is `trans_ids[trans_off[k]..trans_off[k + 1]]`. The
    /// bead cost resolves a segment's units to these once, instead of hashing each unit and
    /// searching each translation for every pair of segments it compares.
    trans_off: Vec<u32>,
    trans_ids: Vec<u32>,
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
    ///
    /// Memory stays small and linear in the beads' unit occurrences: no table of all
    /// co-occurring pairs is built. Kept units get dense ids; an inverted list gives, per source
    /// unit, the beads holding it, and the joint counts of that unit with every target unit are
    /// tallied in one reusable counter array, then turned into Dice candidates at once.
    pub fn learn(beads: &[(&[u64], &[u64])], cfg: LearnConfig) -> Lexicon {
        Self::learn_shared(beads, cfg, false)
    }

    /// [`Lexicon::learn`], with the candidate counting shared over the thread pool when
    /// `split` is on (the same table either way).
    pub(crate) fn learn_shared(
        beads: &[(&[u64], &[u64])],
        cfg: LearnConfig,
        split: bool,
    ) -> Lexicon {
        let beads = &beads[..beads.len().min(cfg.max_beads)];
        // Each unit hashed once per occurrence: numbered in order of appearance, every bead's
        // units kept as those numbers, and the numbers of the kept units mapped to dense ids
        // in unit order by a table.
        let src = SideUnits::number(beads.iter().map(|b| b.0));
        let tgt = SideUnits::number(beads.iter().map(|b| b.1));
        // Units seen fewer than min_joint times can never reach it, and units in most beads
        // (function words, 的, в) cannot get a useful Dice: both are left out before counting.
        let max_count = ((beads.len() as f32 * cfg.max_share) as u32).max(5);
        let keep = |c: u32| (cfg.min_joint..=max_count).contains(&c);
        let (sid, sunits, scount) = src.dense(keep);
        let (tid, tunits, tcount) = tgt.dense(keep);
        // Kept target ids per bead (CSR), each bead's sorted by the target's count, and, per
        // source id, the beads holding it (CSR).
        let mut t_off: Vec<u32> = Vec::with_capacity(beads.len() + 1);
        let mut t_ids: Vec<u32> = Vec::new();
        let mut s_len = vec![0u32; sunits.len() + 1];
        t_off.push(0);
        for b in 0..beads.len() {
            let from = t_ids.len();
            t_ids.extend(
                tgt.of_bead(b)
                    .iter()
                    .map(|&p| tid[p as usize])
                    .filter(|&r| r != u32::MAX),
            );
            t_ids[from..].sort_unstable_by_key(|&r| tcount[r as usize]);
            t_off.push(t_ids.len() as u32);
            for &p in src.of_bead(b) {
                let u = sid[p as usize];
                if u != u32::MAX {
                    s_len[u as usize + 1] += 1;
                }
            }
        }
        // The targets' counts in the same order, for the searches below.
        let t_counts: Vec<u32> = t_ids.iter().map(|&r| tcount[r as usize]).collect();
        for k in 1..s_len.len() {
            s_len[k] += s_len[k - 1];
        }
        let s_off = s_len;
        let mut fill = s_off.clone();
        let mut s_beads = vec![0u32; s_off[sunits.len()] as usize];
        for b in 0..beads.len() {
            for &p in src.of_bead(b) {
                let u = sid[p as usize];
                if u != u32::MAX {
                    s_beads[fill[u as usize] as usize] = b as u32;
                    fill[u as usize] += 1;
                }
            }
        }
        drop((fill, sid, tid, src, tgt));
        // Candidates `(source id, target id, dice)`: only pairs that can become links. Each
        // source unit's are counted on their own, so ranges of source units may be counted
        // on several threads and their lists put back in order: the same list.
        let candidates = |units: std::ops::Range<usize>| {
            let mut cand: Vec<(u32, u32, f32)> = Vec::new();
            let mut joint = vec![0u32; tunits.len()];
            let mut touched: Vec<u32> = Vec::new();
            for u in units {
                Self::count_candidates(
                    u,
                    (&s_beads, &s_off),
                    (&t_ids, &t_off, &t_counts),
                    (&scount, &tcount),
                    &cfg,
                    (&mut joint, &mut touched),
                    &mut cand,
                );
            }
            cand
        };
        let cand = super::split::map_ranges(
            sunits.len(),
            split,
            super::split::MIN_CHUNK,
            "align.learn",
            candidates,
        );
        drop((s_beads, t_ids, t_counts));
        Lexicon::link_dense(cand, &sunits, &tunits, cfg.top_k)
    }

    /// Adds the candidate links of source unit `u` to `cand`: the targets that share enough
    /// of its beads (`s_beads` from `s_off[u]`: the beads holding it; `t_ids` from
    /// `t_off[b]`: bead `b`'s kept targets, by count, whose counts `t_counts` holds in the
    /// same order) for a Dice of at least the floor. `joint` (zeros) and `touched` (empty)
    /// are scratch, left as they came.
    #[inline]
    fn count_candidates(
        u: usize,
        (s_beads, s_off): (&[u32], &[u32]),
        (t_ids, t_off, t_counts): (&[u32], &[u32], &[u32]),
        (scount, tcount): (&[u32], &[u32]),
        cfg: &LearnConfig,
        (joint, touched): (&mut [u32], &mut Vec<u32>),
        cand: &mut Vec<(u32, u32, f32)>,
    ) {
        let dice = |c: u32, cs: u32, ct: u32| 2.0 * c as f32 / (cs + ct) as f32;
        // A pair shares at most as many beads as its rarer unit is in, so a target whose
        // count puts Dice below the floor even then is never counted: the frequent
        // targets of a rare unit and the rare targets of a frequent one, most pairs.
        let Some((lo, hi)) = dice_reach(scount[u], |ct| {
            dice(scount[u].min(ct), scount[u], ct) >= cfg.min_dice
        }) else {
            return;
        };
        for &b in &s_beads[s_off[u] as usize..s_off[u + 1] as usize] {
            let b = b as usize;
            let (from, to) = (t_off[b] as usize, t_off[b + 1] as usize);
            // Searched only when an end of the bead's counts is out of range: for most
            // units one end is always in (a rare unit's floor, a frequent one's ceiling).
            let counts = &t_counts[from..to];
            let first = match counts.first() {
                Some(&c) if c < lo => from + counts.partition_point(|&c| c < lo),
                _ => from,
            };
            let last = match counts.last() {
                Some(&c) if c > hi => from + counts.partition_point(|&c| c <= hi),
                _ => to,
            };
            for &r in &t_ids[first..last] {
                if joint[r as usize] == 0 {
                    touched.push(r);
                }
                joint[r as usize] += 1;
            }
        }
        for &r in touched.iter() {
            let c = std::mem::take(&mut joint[r as usize]);
            if c >= cfg.min_joint {
                let dice = dice(c, scount[u], tcount[r as usize]);
                if dice >= cfg.min_dice {
                    cand.push((u as u32, r, dice));
                }
            }
        }
        touched.clear();
    }

    /// Builds the table from co-occurrence counts instead of beads: `beads` learning beads,
    /// `src` / `tgt` the number of beads holding each unit, `joint` the number holding each
    /// (source unit, target unit) pair. Gives the links [`Lexicon::learn`] gives on the same
    /// beads (without its `max_beads` cut): counts are what map-reduce learning can sum over
    /// shards, in any order and grouping (see [`super::learn`]).
    pub fn from_counts<S: std::hash::BuildHasher>(
        beads: u64,
        src: &HashMap<u64, u64, S>,
        tgt: &HashMap<u64, u64, S>,
        joint: &HashMap<(u64, u64), u64, S>,
        cfg: LearnConfig,
    ) -> Lexicon {
        let max_count = ((beads as f32 * cfg.max_share) as u64).max(5);
        let keep = |c: u64| (cfg.min_joint as u64..=max_count).contains(&c);
        let mut cand: Vec<(u64, u64, f32)> = Vec::new();
        for (&(u, r), &c) in joint {
            let (Some(&cu), Some(&cr)) = (src.get(&u), tgt.get(&r)) else {
                continue;
            };
            if !keep(cu) || !keep(cr) || c < cfg.min_joint as u64 {
                continue;
            }
            let dice = 2.0 * c as f32 / (cu + cr) as f32;
            if dice >= cfg.min_dice {
                cand.push((u, r, dice));
            }
        }
        Lexicon::link(cand, cfg.top_k)
    }

    /// Competitive linking of candidates `(source unit, target unit, Dice)`: each unit keeps
    /// its best `top_k` partners by Dice (ties broken by the partner's key, so the result
    /// never depends on the candidates' order), and a pair is linked when it is among the
    /// best of both of its units: mutual choice filters the frequent-unit noise Dice alone
    /// lets through. [`Lexicon::from_counts`] links through this; [`Lexicon::learn`], which
    /// has dense ids already, calls [`Lexicon::link_dense`], the one implementation of both,
    /// so the two give the same links.
    fn link(cand: Vec<(u64, u64, f32)>, top_k: usize) -> Lexicon {
        // Dense ids in unit order (so ids compare as their units do), candidates grouped by
        // source id: what [`Lexicon::link_dense`] links.
        let units = |side: fn(&(u64, u64, f32)) -> u64| {
            let mut v: Vec<u64> = cand.iter().map(side).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let (sunits, tunits) = (units(|c| c.0), units(|c| c.1));
        // (every candidate's unit is in its list: the position is its id)
        let id = |units: &[u64], u: u64| units.partition_point(|&x| x < u) as u32;
        let mut dense: Vec<(u32, u32, f32)> = cand
            .iter()
            .map(|&(u, r, dice)| (id(&sunits, u), id(&tunits, r), dice))
            .collect();
        drop(cand);
        dense.sort_unstable_by_key(|c| c.0);
        Lexicon::link_dense(dense, &sunits, &tunits, top_k)
    }

    /// [`Lexicon::link`] of candidates `(source id, target id, Dice)` given by dense ids
    /// (`sunits[id]`, `tunits[id]` their units, both sorted, so ids compare as their units
    /// do) and grouped by source id, as [`Lexicon::learn`] makes them. Each target's best
    /// `top_k` are kept as the candidates stream past, in a small array per target: no
    /// second grouping of the candidates by target (sorting or counting them all was most
    /// of this step's time on a long document).
    fn link_dense(
        mut cand: Vec<(u32, u32, f32)>,
        sunits: &[u64],
        tunits: &[u64],
        top_k: usize,
    ) -> Lexicon {
        if top_k == 0 {
            return Lexicon::mutual(std::iter::empty());
        }
        // `a` before `b` in a unit's ranking of its partners: by Dice, ties broken by the
        // partner (see [`Lexicon::link`]).
        fn ahead(a: (f32, u32), b: (f32, u32)) -> bool {
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).is_lt()
        }
        // Per target, its best `top_k` (Dice, source) so far, best first; the filler is
        // behind every candidate.
        const NONE: (f32, u32) = (f32::NEG_INFINITY, u32::MAX);
        let mut best = vec![NONE; tunits.len() * top_k];
        for &(u, r, dice) in &cand {
            let slots = &mut best[r as usize * top_k..(r as usize + 1) * top_k];
            let c = (dice, u);
            if ahead(c, slots[top_k - 1]) {
                let at = slots.iter().position(|&s| ahead(c, s)).unwrap_or(top_k - 1);
                slots.copy_within(at..top_k - 1, at + 1);
                slots[at] = c;
            }
        }
        // A pair is linked when it is among the best of its source and of its target.
        let mut mutual: Vec<(u32, u32)> = Vec::new();
        for group in cand.chunk_by_mut(|a, b| a.0 == b.0) {
            if group.len() > top_k {
                group.select_nth_unstable_by(top_k - 1, |a, b| {
                    b.2.total_cmp(&a.2).then(a.1.cmp(&b.1))
                });
            }
            let kept = group.len().min(top_k);
            mutual.extend(
                group[..kept]
                    .iter()
                    .filter(|&&(u, r, _)| {
                        best[r as usize * top_k..(r as usize + 1) * top_k]
                            .iter()
                            .any(|s| s.1 == u)
                    })
                    .map(|&(u, r, _)| (u, r)),
            );
        }
        drop((cand, best));
        mutual.sort_unstable();
        Lexicon::mutual(
            mutual
                .into_iter()
                .map(|(u, r)| (sunits[u as usize], tunits[r as usize])),
        )
    }

    /// The table of the mutually chosen pairs `(source unit, target unit)`, given in sorted
    /// order.
    fn mutual(pairs: impl Iterator<Item = (u64, u64)>) -> Lexicon {
        let mut lex = Lexicon::default();
        for (u, r) in pairs {
            lex.links.entry(u).or_default().push(r);
            lex.src_known.insert(u);
            lex.tgt_known.insert(r);
        }
        for v in lex.links.values_mut() {
            v.sort_unstable();
        }
        lex.index();
        lex
    }

    /// Builds the sorted target units and the dense translation lists from `links`.
    fn index(&mut self) {
        self.tgt_sorted = self.tgt_known.iter().copied().collect();
        self.tgt_sorted.sort_unstable();
        self.src_ids.clear();
        self.trans_off = vec![0];
        self.trans_ids.clear();
        for (&u, rs) in &self.links {
            self.src_ids.insert(u, self.trans_off.len() as u32 - 1);
            // Every linked target unit is known, so the search cannot fail.
            self.trans_ids.extend(
                rs.iter()
                    .filter_map(|r| self.tgt_sorted.binary_search(r).ok())
                    .map(|id| id as u32),
            );
            self.trans_off.push(self.trans_ids.len() as u32);
        }
    }

    /// The dense id of source unit `u`, when it has links.
    pub fn src_id(&self, u: u64) -> Option<u32> {
        self.src_ids.get(&u).copied()
    }

    /// The translations of source id `id` (see [`Lexicon::src_id`]) as target ids: indices
    /// into [`Lexicon::tgt_known`]'s order.
    pub fn translation_ids(&self, id: u32) -> &[u32] {
        let k = id as usize;
        &self.trans_ids[self.trans_off[k] as usize..self.trans_off[k + 1] as usize]
    }

    /// The id of target unit `r` (its index in [`Lexicon::tgt_known`]'s order), when it has
    /// links.
    pub fn tgt_id(&self, r: u64) -> Option<u32> {
        self.tgt_sorted.binary_search(&r).ok().map(|k| k as u32)
    }

    /// Number of target units with links (ids are below it).
    pub fn tgt_count(&self) -> usize {
        self.tgt_sorted.len()
    }

    /// Every link (source unit, target unit), sorted.
    pub fn links_sorted(&self) -> Vec<(u64, u64)> {
        let mut v: Vec<(u64, u64)> = self
            .links
            .iter()
            .flat_map(|(&u, rs)| rs.iter().map(move |&r| (u, r)))
            .collect();
        v.sort_unstable();
        v
    }

    /// The table of the given links (as [`Lexicon::links_sorted`] lists them).
    pub fn from_links(links: &[(u64, u64)]) -> Lexicon {
        let mut lex = Lexicon::default();
        for &(u, r) in links {
            lex.links.entry(u).or_default().push(r);
            lex.src_known.insert(u);
            lex.tgt_known.insert(r);
        }
        for v in lex.links.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        lex.index();
        lex
    }

    /// Target units linked to source unit `u`.
    pub fn translations(&self, u: u64) -> &[u64] {
        self.links.get(&u).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Every source unit that has a dense id (see [`Lexicon::src_id`]), in no order.
    pub fn src_linked(&self) -> impl Iterator<Item = u64> + '_ {
        self.src_ids.keys().copied()
    }

    /// Whether a source unit has links.
    pub fn knows_src(&self, u: u64) -> bool {
        self.src_known.contains(&u)
    }

    /// Whether a target unit has links.
    pub fn knows_tgt(&self, r: u64) -> bool {
        self.tgt_known.contains(&r)
    }

    /// Every target unit that has links, in increasing order.
    pub fn tgt_known(&self) -> impl Iterator<Item = u64> + '_ {
        self.tgt_sorted.iter().copied()
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

/// One side's units of a list of beads, numbered in order of first appearance: the numbers
/// of every bead's units (CSR), and per number its unit and how many beads hold it.
struct SideUnits {
    occ: Vec<u32>,
    off: Vec<u32>,
    units: Vec<u64>,
    counts: Vec<u32>,
}

impl SideUnits {
    /// Numbers the units of `beads` (each a set: a unit at most once per bead).
    fn number<'a>(beads: impl Iterator<Item = &'a [u64]>) -> SideUnits {
        let mut ids: FxHashMap<u64, u32> = FxHashMap::default();
        let mut s = SideUnits {
            occ: Vec::new(),
            off: vec![0],
            units: Vec::new(),
            counts: Vec::new(),
        };
        for bead in beads {
            for &u in bead {
                let next = s.units.len() as u32;
                let p = *ids.entry(u).or_insert(next);
                if p == next {
                    s.units.push(u);
                    s.counts.push(0);
                }
                s.counts[p as usize] += 1;
                s.occ.push(p);
            }
            s.off.push(s.occ.len() as u32);
        }
        s
    }

    /// The numbers of bead `b`'s units.
    fn of_bead(&self, b: usize) -> &[u32] {
        &self.occ[self.off[b] as usize..self.off[b + 1] as usize]
    }

    /// Dense ids of the units whose count passes `keep`, in unit order: per number its id
    /// (`u32::MAX` when left out), and per id its unit and count.
    fn dense(&self, keep: impl Fn(u32) -> bool) -> (Vec<u32>, Vec<u64>, Vec<u32>) {
        let mut kept: Vec<u32> = (0..self.units.len() as u32)
            .filter(|&p| keep(self.counts[p as usize]))
            .collect();
        kept.sort_unstable_by_key(|&p| self.units[p as usize]);
        let mut id = vec![u32::MAX; self.units.len()];
        for (k, &p) in kept.iter().enumerate() {
            id[p as usize] = k as u32;
        }
        let units = kept.iter().map(|&p| self.units[p as usize]).collect();
        let counts = kept.iter().map(|&p| self.counts[p as usize]).collect();
        (id, units, counts)
    }
}

/// The counts `lo..=hi` a target may have to pass `reaches` with a source unit of count `cs`:
/// `reaches(ct)` must hold on one interval of counts, rising up to `cs` and falling after it
/// (the best Dice a pair can reach, `2 min(cs, ct) / (cs + ct)`, does: it is computed in
/// `f32`, whose rounding keeps the order of exact quotients). `None` when no count passes.
fn dice_reach(cs: u32, reaches: impl Fn(u32) -> bool) -> Option<(u32, u32)> {
    if cs == 0 || !reaches(cs) {
        return None;
    }
    // the smallest count in 1..=cs that passes, and the largest in cs..=u32::MAX / 2
    let (mut a, mut b) = (1u32, cs);
    while a < b {
        let mid = a + (b - a) / 2;
        if reaches(mid) {
            b = mid;
        } else {
            a = mid + 1;
        }
    }
    let lo = a;
    let (mut a, mut b) = (cs, u32::MAX / 2);
    while a < b {
        let mid = a + (b - a).div_ceil(2);
        if reaches(mid) {
            a = mid;
        } else {
            b = mid - 1;
        }
    }
    Some((lo, a))
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

    /// Counting and then linking gives the links learning from the beads gives.
    #[test]
    fn counts_give_the_same_links() {
        let data: Vec<(Vec<u64>, Vec<u64>)> = (0..40u64)
            .map(|k| {
                let s = vec![k % 7, 100 + k % 3, 200 + k % 11];
                let t = vec![1000 + k % 7, 1100 + k % 3, 1300 + k % 5];
                (s, t)
            })
            .collect();
        let beads: Vec<(&[u64], &[u64])> = data
            .iter()
            .map(|(a, b)| (a.as_slice(), b.as_slice()))
            .collect();
        let (mut cs, mut ct, mut joint) = (HashMap::new(), HashMap::new(), HashMap::new());
        for (s, t) in &data {
            for &u in s {
                *cs.entry(u).or_default() += 1;
                for &r in t {
                    *joint.entry((u, r)).or_default() += 1;
                }
            }
            for &r in t {
                *ct.entry(r).or_default() += 1;
            }
        }
        let a = Lexicon::learn(&beads, LearnConfig::default());
        let b = Lexicon::from_counts(40, &cs, &ct, &joint, LearnConfig::default());
        assert!(!a.is_empty());
        for u in 0..300 {
            assert_eq!(a.translations(u), b.translations(u), "{u}");
        }
        assert_eq!(a.tgt_sorted, b.tgt_sorted);
    }
    /// The counts [`dice_reach`] gives are exactly those that pass, for any source count.
    #[test]
    fn dice_reach_is_the_passing_interval() {
        for min_dice in [0.0f32, 0.1, 0.3, 0.5, 0.9, 1.0] {
            for cs in 0..200u32 {
                let reaches =
                    |ct: u32| 2.0 * cs.min(ct) as f32 / (cs + ct) as f32 >= min_dice && cs > 0;
                let passing: Vec<u32> = (1..2000).filter(|&ct| reaches(ct)).collect();
                match dice_reach(cs, reaches) {
                    None => assert!(passing.is_empty(), "{cs} {min_dice}"),
                    Some((lo, hi)) => {
                        let want: Vec<u32> = (lo..=hi.min(1999)).collect();
                        assert_eq!(passing, want, "{cs} {min_dice}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// Learning from beads, with its pruning of pairs that cannot reach the Dice floor,
        /// links what counting every co-occurring pair and then linking links, on skewed
        /// (Zipf-like) vocabularies where frequent and rare units meet.
        #[test]
        fn pruned_learning_links_what_full_counts_link(
            raw in proptest::collection::vec(
                (proptest::collection::vec(0u64..400, 1..12), proptest::collection::vec(0u64..400, 1..12)),
                1..120,
            ),
            min_dice in 0.05f32..0.9,
            top_k in 1usize..4,
        ) {
            // squaring skews the draws toward small ids: a few units are in many beads
            let skew = |v: &Vec<u64>, base: u64| {
                let mut v: Vec<u64> = v.iter().map(|&x| base + x * x / 400).collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            let data: Vec<(Vec<u64>, Vec<u64>)> =
                raw.iter().map(|(s, t)| (skew(s, 0), skew(t, 10_000))).collect();
            let beads: Vec<(&[u64], &[u64])> =
                data.iter().map(|(a, b)| (a.as_slice(), b.as_slice())).collect();
            let (mut cs, mut ct, mut joint) = (HashMap::new(), HashMap::new(), HashMap::new());
            for (s, t) in &data {
                for &u in s {
                    *cs.entry(u).or_default() += 1;
                    for &r in t {
                        *joint.entry((u, r)).or_default() += 1;
                    }
                }
                for &r in t {
                    *ct.entry(r).or_default() += 1;
                }
            }
            let cfg = LearnConfig { min_dice, top_k, ..LearnConfig::default() };
            let a = Lexicon::learn(&beads, cfg);
            let b = Lexicon::from_counts(data.len() as u64, &cs, &ct, &joint, cfg);
            for u in 0..400 {
                proptest::prop_assert_eq!(a.translations(u), b.translations(u));
            }
            proptest::prop_assert_eq!(&a.tgt_sorted, &b.tgt_sorted);
        }
    }
    proptest::proptest! {
        /// Linking keeps exactly the pairs among the best `top_k` of both their units (by
        /// Dice, ties by the partner), as sorting each unit's candidates would find them;
        /// Dice values are drawn from a few so that ties are common.
        #[test]
        fn linking_is_mutual_best_choice(
            pairs in proptest::collection::btree_map((0u32..30, 0u32..30), 0u8..6, 0..200),
            top_k in 1usize..4,
        ) {
            let cand: Vec<(u32, u32, f32)> = pairs
                .iter()
                .map(|(&(u, r), &d)| (u, r, 0.3 + 0.1 * d as f32))
                .collect();
            let units: Vec<u64> = (0..30).collect();
            let tunits: Vec<u64> = (100..130).collect();
            let lex = Lexicon::link_dense(cand.clone(), &units, &tunits, top_k);
            let best = |mut v: Vec<(f32, u32)>| -> Vec<u32> {
                v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                v.into_iter().take(top_k).map(|x| x.1).collect()
            };
            for u in 0..30u32 {
                let of_u = best(cand.iter().filter(|c| c.0 == u).map(|c| (c.2, c.1)).collect());
                let mut want: Vec<u64> = of_u
                    .into_iter()
                    .filter(|&r| {
                        best(cand.iter().filter(|c| c.1 == r).map(|c| (c.2, c.0)).collect())
                            .contains(&u)
                    })
                    .map(|r| tunits[r as usize])
                    .collect();
                want.sort_unstable();
                proptest::prop_assert_eq!(lex.translations(u as u64), want.as_slice());
            }
        }
    }
}

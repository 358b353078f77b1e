//! The coarse first pass (pass 0): where in the band of a long pair the path lies, found
//! cheaply, coarse to fine in the spirit of Vecalign.
//!
//! First over blocks of [`BLOCK`] segments (lengths, anchors, punctuation summed per block) in
//! a band around the length diagonal, then over segments in a band of [`BLOCK`] around that
//! path; both with a bead cost that keeps the full scorer's terms (lengths, anchors,
//! punctuation, paragraphs, boilerplate, merges, skips) with the aligner's default shapes unrolled in one loop, no
//! cost memo, and a lower bound that rules most beads out before their length term and
//! anchor matches are computed. Its path lands within a segment or two of the full scorer's;
//! the full scorer then realigns in a narrow band around it (pass 1, `pipeline::prepare`).
//! Each level widens its band only where its path runs along the edge, as [`dp`] does.

use super::dp::{self, Band, BandRows, Span};
use super::features::SegFeat;
use super::score::{
    common_keys, punct_diff, LengthModel, SideKeys, SideSum, SideTables, Weights, SIDE_RUNS,
};

/// Segments per block at the first level: the blocks' DP has `BLOCK²` times fewer nodes, and
/// a projected block path lies within about a block of the segments' path.
pub const BLOCK: usize = 4;

/// Half-width of pass 1's band around this pass's path: the full scorer's path lies within a
/// segment or two of it (with exact anchor matches in the cost), and pass 1 widens its band
/// where its path touches the edge all the same. A band of 2 instead of the later passes' 4
/// changed no bead on any evaluation set (both dev sets batch and one pair at a time, fresh
/// `make_eval.py` sets long and short, 10k and 20k concatenations).
pub const PASS1_BAND: usize = 2;

/// Bead shapes of the coarse pass: the aligner's default ones (`AlignConfig::bead_types`), in
/// its order. With fewer (no 1-3, 3-1, 2-2) the path stays as close, but its 1-1 beads, on
/// which pass 1's length model is refitted, differ more from the full scorer's.
pub const COARSE_TYPES: [(usize, usize); 8] = [
    (1, 1),
    (1, 0),
    (0, 1),
    (1, 2),
    (2, 1),
    (1, 3),
    (3, 1),
    (2, 2),
];

/// Shapes of the block level: the first five of [`COARSE_TYPES`] (a 1-3 bead of blocks is
/// 4 segments against 12, which one-sided insertions rarely make; the segment level, which
/// has them all, follows such a stretch within its band or widens it).
const BLOCK_SHAPES: usize = 5;

/// Longest run of segments a bead side of [`COARSE_TYPES`] has.
const RUNS: usize = SIDE_RUNS;

/// The index of run `i0..i1` (`1 <= i1 - i0 <= RUNS`) in the anchor bounds of [`CoarseCost`].
#[inline]
fn run_index(i0: usize, i1: usize) -> usize {
    RUNS * i1 + (i1 - i0 - 1)
}

/// The coarse bead cost: the full scorer's terms (lengths, anchors, punctuation, paragraphs,
/// boilerplate, merges, skips) for beads of up to [`RUNS`] segments a side, read from the
/// sides' [`SideTables`].
pub struct CoarseCost<'a> {
    /// The sides' tables; their anchor keys give exact matches when signatures overlap.
    src: &'a SideTables,
    tgt: &'a SideTables,
    /// The most the anchor terms of a bead can take off its cost, by its source (target)
    /// run at [`run_index`]: with the other terms never negative, `merge - reward` bounds the
    /// cost from below without reading the runs (`INFINITY` when some weight is negative).
    src_reward: Vec<f32>,
    tgt_reward: Vec<f32>,
    len: LengthModel,
    exp_neg_mu: f32,
    w: Weights,
}

impl<'a> CoarseCost<'a> {
    /// The coarse cost of one pair: `sides` are the tables of its two sides
    /// ([`SideTables::new`]).
    pub fn new(sides: (&'a SideTables, &'a SideTables), len: LengthModel, w: Weights) -> Self {
        let nonneg = [
            w.len,
            w.punct,
            w.paragraph,
            w.merge_repeated,
            w.anchor_miss,
            w.anchor_match,
            w.name_miss,
            w.name_match,
        ]
        .iter()
        .all(|&x| x >= 0.0);
        // per kind, the anchor term is at least `-(miss + match) * min(na, nb)`
        let reward = |keys: &SideKeys, side: &SideTables| -> Vec<f32> {
            let n = side.len();
            let mut r = vec![f32::INFINITY; RUNS * (n + 1)];
            if nonneg {
                for end in 1..=n {
                    for count in 1..=RUNS.min(end) {
                        let a = Self::counts(keys, side, end - count, end);
                        r[run_index(end - count, end)] = (w.anchor_miss + w.anchor_match)
                            * (a[0] + a[1]) as f32
                            + (w.name_miss + w.name_match) * a[2] as f32;
                    }
                }
            }
            r
        };
        CoarseCost {
            src: sides.0,
            tgt: sides.1,
            src_reward: reward(sides.0.keys(), sides.0),
            tgt_reward: reward(sides.1.keys(), sides.1),
            len,
            exp_neg_mu: (-len.mu).exp(),
            w,
        }
    }

    /// The anchor counts of segments `i0..i1` (`1 <= i1 - i0 <= RUNS`) by kind.
    #[inline]
    fn counts(keys: &SideKeys, side: &SideTables, i0: usize, i1: usize) -> [u32; 3] {
        match side.short_run(i0, i1) {
            Some(r) if !r.big => r.anchors,
            _ => keys.counts(i0, i1),
        }
    }

    #[inline]
    fn skip(&self, r: &SideSum, keys: &SideKeys, i: usize) -> f32 {
        let w = &self.w;
        let anchors = if r.big {
            keys.counts(i, i + 1)
        } else {
            r.anchors
        };
        w.anchor_miss * (anchors[0] + anchors[1]) as f32 + w.name_miss * anchors[2] as f32 + w.skip
            - (w.skip - w.skip_repeated) * r.repeated as f32
    }

    /// The cost of a bead with both sides non-empty (up to [`RUNS`] segments each), or
    /// `INFINITY` as soon as a lower bound shows that `prev` plus it cannot beat `best`: the
    /// length term's divisions and the exact anchor matches are then never computed.
    #[inline]
    fn both(&self, bead: Span, prev: f32, best: f32) -> f32 {
        let (i0, i1, j0, j1) = bead;
        match (self.src.short_run(i0, i1), self.tgt.short_run(j0, j1)) {
            (Some(s), Some(t)) => self.both_sums(bead, (s, t), prev, best),
            _ => f32::INFINITY,
        }
    }

    /// [`CoarseCost::both`] with the bead's side sums `(s, t)` given (the DP reads each
    /// source side once per row).
    #[inline(always)]
    fn both_sums(&self, bead: Span, (s, t): (&SideSum, &SideSum), prev: f32, best: f32) -> f32 {
        let (i0, i1, j0, j1) = bead;
        let (a, b) = (i1 - i0, j1 - j0);
        let (sa, ta) = if s.big || t.big {
            (
                self.src.keys().counts(i0, i1),
                self.tgt.keys().counts(j0, j1),
            )
        } else {
            (s.anchors, t.anchors)
        };
        let w = &self.w;
        let mut c =
            w.merge[(a + b - 2).min(4)] + w.merge_repeated * (s.repeated + t.repeated) as f32;
        if s.breaks != t.breaks {
            c += w.paragraph;
        }
        c += w.punct * punct_diff(s.punct, t.punct);
        // Anchors as if none matched; `most` is what the most matches the counts allow
        // would take off, for the bound.
        let mut overlap = [false; 3];
        let mut most = 0.0;
        for (k, o) in overlap.iter_mut().enumerate() {
            let (miss, matched) = self.anchor_weights(k);
            let (na, nb) = (sa[k], ta[k]);
            c += miss * (na + nb) as f32;
            *o = s.sig[k] & t.sig[k] != 0;
            if *o {
                most += (2.0 * miss + matched) * na.min(nb) as f32;
            }
        }
        if prev + c - most >= best {
            return f32::INFINITY;
        }
        c += w.len
            * self
                .len
                .cost_of_sides(s.len, t.len, t.ln1 - s.ln1, self.exp_neg_mu);
        if most > 0.0 {
            if prev + c - most >= best {
                return f32::INFINITY;
            }
            for (k, &o) in overlap.iter().enumerate() {
                if o {
                    let (miss, matched) = self.anchor_weights(k);
                    let common = common_keys(
                        self.src.keys().get(k, i0, i1),
                        self.tgt.keys().get(k, j0, j1),
                    );
                    c -= (2.0 * miss + matched) * common as f32;
                }
            }
        }
        c
    }

    /// A lower bound of the cost of bead `i0..i1` × `j0..j1` (both sides non-empty) from its
    /// shape and anchor counts alone (see [`CoarseCost::bound`]).
    #[cfg(test)]
    fn quick_bound(&self, (i0, i1, j0, j1): Span) -> f32 {
        let reward = (
            self.src_reward[run_index(i0, i1)],
            self.tgt_reward[run_index(j0, j1)],
        );
        self.bound((i1 - i0, j1 - j0), reward)
    }

    /// A lower bound of the cost of an `a`-`b` bead (both sides non-empty) whose source and
    /// target runs have these anchor rewards: its merge term less the smaller of the
    /// two rewards (the most its anchor matches can take off).
    #[inline(always)]
    fn bound(&self, (a, b): (usize, usize), (sr, tr): (f32, f32)) -> f32 {
        self.w.merge[(a + b - 2).min(4)] - sr.min(tr)
    }

    /// The side sum and anchor reward of source run `i0..i1` (`None` unless the run is one
    /// to [`RUNS`] segments long).
    #[inline(always)]
    fn src_run(&self, i0: usize, i1: usize) -> Option<(&SideSum, f32)> {
        let s = self.src.short_run(i0, i1)?;
        Some((s, self.src_reward[run_index(i0, i1)]))
    }

    /// [`CoarseCost::src_run`] of the target side.
    #[inline(always)]
    fn tgt_run(&self, j0: usize, j1: usize) -> Option<(&SideSum, f32)> {
        let t = self.tgt.short_run(j0, j1)?;
        Some((t, self.tgt_reward[run_index(j0, j1)]))
    }

    fn anchor_weights(&self, kind: usize) -> (f32, f32) {
        if kind == 2 {
            (self.w.name_miss, self.w.name_match)
        } else {
            (self.w.anchor_miss, self.w.anchor_match)
        }
    }

    /// The coarse cost of bead `i0..i1` × `j0..j1` (up to [`RUNS`] segments a side, or a single
    /// segment left unaligned; `INFINITY` for other shapes).
    pub fn cost(&self, (i0, i1, j0, j1): Span) -> f32 {
        match (i1 - i0, j1 - j0) {
            (1, 0) => self.skip(self.src.one(i0), self.src.keys(), i0),
            (0, 1) => self.skip(self.tgt.one(j0), self.tgt.keys(), j0),
            _ => self.both((i0, i1, j0, j1), 0.0, f32::INFINITY),
        }
    }
}

/// Segments merged `k` at a time, for the first, coarsest level: lengths, anchors and
/// punctuation summed, boilerplate only when every segment of the block is, the paragraph of
/// the block's first segment.
fn blocks(v: &[SegFeat], k: usize) -> Vec<SegFeat> {
    v.chunks(k)
        .map(|c| {
            // (each anchor list sized once: extended segment by segment, it grew by
            // reallocations, and most lists are empty)
            let joined = |of: fn(&SegFeat) -> &Vec<u64>| -> Vec<u64> {
                Vec::with_capacity(c.iter().map(|f| of(f).len()).sum())
            };
            let mut b = SegFeat {
                paragraph: c[0].paragraph,
                repeated: c.iter().all(|f| f.repeated),
                nums: joined(|f| &f.nums),
                latin: joined(|f| &f.latin),
                names: joined(|f| &f.names),
                ..SegFeat::default()
            };
            for f in c {
                b.len += f.len;
                b.nums.extend(&f.nums);
                b.latin.extend(&f.latin);
                b.names.extend(&f.names);
                for (x, y) in b.punct.iter_mut().zip(f.punct) {
                    *x = x.saturating_add(y);
                }
            }
            b
        })
        .collect()
}

/// Cumulative segment lengths, `len + 1` entries from 0 (what [`Band::along_lengths`] takes).
pub(super) fn cumulative(f: &[SegFeat]) -> Vec<f64> {
    let mut v = Vec::with_capacity(f.len() + 1);
    v.push(0.0);
    let mut t = 0.0;
    for x in f {
        t += x.len as f64 + 1.0;
        v.push(t);
    }
    v
}

/// The coarse path of a pair, coarse to fine: the coarse cost's best path over blocks of
/// [`BLOCK`] segments in a band of half-width `band_w / BLOCK` blocks around the length
/// diagonal, then over segments in a band of [`BLOCK`] around that path projected onto
/// segments; each widened where its path runs along its edge (at most by `max_grow`).
/// `sides` are the tables of `fs` and `ft` ([`SideTables::new`]).
pub fn path(
    fs: &[SegFeat],
    ft: &[SegFeat],
    sides: (&SideTables, &SideTables),
    len: LengthModel,
    w: Weights,
    band_w: usize,
    max_grow: usize,
) -> Vec<Span> {
    let (n, m) = (fs.len(), ft.len());
    let k = BLOCK;
    // (a short pair gains nothing from blocks)
    let band = if n.min(m) >= 8 * k {
        let (bs, bt) = (blocks(fs, k), blocks(ft, k));
        let bw = band_w.div_ceil(k);
        let bsides = (SideTables::new(&bs), SideTables::new(&bt));
        let bpath = run_band(
            (&bs, &bt),
            (&bsides.0, &bsides.1),
            len,
            w,
            Band::along_lengths(&cumulative(&bs), &cumulative(&bt), bw),
            (bw, max_grow / k),
            BLOCK_SHAPES,
        );
        let nodes: Vec<(usize, usize)> = dp::path_nodes(&bpath)
            .into_iter()
            .map(|(i, j)| ((i * k).min(n), (j * k).min(m)))
            .collect();
        Band::around_path(n, m, &nodes, k)
    } else {
        Band::along_lengths(&cumulative(fs), &cumulative(ft), band_w)
    };
    run_band(
        (fs, ft),
        sides,
        len,
        w,
        band,
        (k, max_grow),
        COARSE_TYPES.len(),
    )
}

/// The coarse cost's best path in `band`, widened where the path runs along its edge (as
/// [`dp::run_widening`] does: by `first_grow`, doubling, up to `max_grow`), with the
/// [`COARSE_TYPES`] unrolled in one loop and no cost memo.
fn run_band(
    (fs, ft): (&[SegFeat], &[SegFeat]),
    sides: (&SideTables, &SideTables),
    len: LengthModel,
    w: Weights,
    mut band: Band,
    (first_grow, max_grow): (usize, usize),
    shapes: usize,
) -> Vec<Span> {
    let (n, m) = (fs.len(), ft.len());
    let cost = CoarseCost::new(sides, len, w);
    let skip_src: Vec<f32> = (0..n).map(|i| cost.cost((i, i + 1, 0, 0))).collect();
    let skip_tgt: Vec<f32> = (0..m).map(|j| cost.cost((0, 0, j, j + 1))).collect();
    // (one buffer each for every row's costs and backpointers, laid out again for each
    // widening: the rows before the first changed one keep their place and values)
    let mut rows = BandRows::default();
    let mut bp = BandRows::default();
    let mut grow = first_grow.max(1);
    let mut filled: Option<Band> = None;
    loop {
        let start = filled.as_ref().map_or(0, |f| first_changed_row(f, &band));
        rows.relayout(&band, start, f32::INFINITY);
        bp.relayout(&band, start, u8::MAX);
        for i in start..=n {
            fill_row(
                i, &band, &mut rows, &mut bp, &skip_src, &skip_tgt, &cost, shapes,
            );
        }
        filled = Some(band.clone());
        let full = band.is_full();
        match dp::backtrace(n, &band, &COARSE_TYPES, &rows[n], &bp) {
            Some(r) if !r.touched_edge || full || grow > max_grow => return r.path,
            Some(r) => band.widen_where_touched(&r.path, grow),
            // (unreachable with 1-0 and 0-1 beads in a gapless band)
            None if full => return dp::trivial_path(n, m),
            None => band.widen_everywhere(grow),
        }
        grow = grow.saturating_mul(2);
    }
}

/// The first row whose range differs between two bands (see `dp`).
fn first_changed_row(a: &Band, b: &Band) -> usize {
    (0..a.lo.len())
        .find(|&i| a.lo[i] != b.lo[i] || a.hi[i] != b.hi[i])
        .unwrap_or(a.lo.len())
}

/// Fills row `i` of the coarse DP: the best cost of reaching each node of the row and the
/// index in [`COARSE_TYPES`] of the bead that reaches it (ties to the earlier type).
#[allow(clippy::too_many_arguments)]
fn fill_row(
    i: usize,
    band: &Band,
    rows: &mut BandRows<f32>,
    bp: &mut BandRows<u8>,
    skip_src: &[f32],
    skip_tgt: &[f32],
    cost: &CoarseCost<'_>,
    shapes: usize,
) {
    let (lo, hi) = (band.lo[i], band.hi[i]);
    // (every node of the row is written below; the layout filled it with INFINITY and the
    // backpointers with u8::MAX, which node (0, 0) keeps)
    let (starts, done, row) = rows.split_at_row(i);
    let brow = bp.row_mut(i);
    // The three rows before, with their ranges (empty before row 0).
    let none: &[f32] = &[];
    let before = |k: usize| {
        if i >= k {
            let r = i - k;
            (&done[starts[r]..starts[r + 1]], band.lo[r], band.hi[r])
        } else {
            (none, 1, 0)
        }
    };
    let (p1, lo1, hi1) = before(1);
    let (p2, lo2, hi2) = before(2);
    let (p3, lo3, hi3) = before(3);
    // The source runs ending at row `i`, by length (the same for every node of the row).
    let srun: [Option<(&SideSum, f32)>; RUNS + 1] = std::array::from_fn(|a| {
        if a >= 1 && i >= a {
            cost.src_run(i - a, i)
        } else {
            None
        }
    });
    let at = |p: &[f32], plo: usize, phi: usize, j: usize| {
        if j >= plo && j <= phi {
            p[j - plo]
        } else {
            f32::INFINITY
        }
    };
    // The bead shapes with both sides non-empty: type, the row they come from, (a, b).
    let beads = [
        (0u8, (p1, lo1, hi1), (1, 1)),
        (3, (p1, lo1, hi1), (1, 2)),
        (4, (p2, lo2, hi2), (2, 1)),
        (5, (p1, lo1, hi1), (1, 3)),
        (6, (p3, lo3, hi3), (3, 1)),
        (7, (p2, lo2, hi2), (2, 2)),
    ];
    let beads = &beads[..shapes - 2];
    for j in lo..=hi {
        if i == 0 && j == 0 {
            row[0] = 0.0;
            continue;
        }
        let mut best = f32::INFINITY;
        let mut arg = u8::MAX;
        // The unaligned shapes first (read from tables), so the best so far can rule out
        // the others before their costs are computed; ties go to the earlier shape of
        // COARSE_TYPES, as in `dp`.
        let up = at(p1, lo1, hi1, j);
        if up.is_finite() {
            take(&mut best, &mut arg, up + skip_src[i - 1], 1);
        }
        if j > lo {
            let left = row[j - 1 - lo];
            if left.is_finite() {
                take(&mut best, &mut arg, left + skip_tgt[j - 1], 2);
            }
        }
        // The target runs ending at column `j`, by length.
        let trun: [Option<(&SideSum, f32)>; RUNS + 1] = std::array::from_fn(|b| {
            if b >= 1 && j >= b {
                cost.tgt_run(j - b, j)
            } else {
                None
            }
        });
        // (the first two shapes are the unaligned ones, taken above)
        for &(t, (p, plo, phi), (a, b)) in beads {
            // (a bead longer than the prefix on either side does not fit)
            let (Some((ss, sr)), Some((ts, tr))) = (srun[a], trun[b]) else {
                continue;
            };
            let prev = at(p, plo, phi, j - b);
            if prev.is_finite() && prev + cost.bound((a, b), (sr, tr)) < best {
                let c = cost.both_sums((i - a, i, j - b, j), (ss, ts), prev, best);
                take(&mut best, &mut arg, prev + c, t);
            }
        }
        row[j - lo] = best;
        brow[j - lo] = arg;
    }
}

/// Keeps bead type `t` reaching a node at cost `c` if it beats the best so far.
#[inline]
fn take(best: &mut f32, arg: &mut u8, c: f32, t: u8) {
    if c < *best || (c == *best && t < *arg) {
        *best = c;
        *arg = t;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::score::common_keys_sorted;
    use crate::align::xorshift;

    /// A pair built from a known bead sequence: source lengths pseudo-random, each target
    /// side three times its source side's length, split as the bead says, a quarter of the
    /// beads with a number on both sides; `extra` one-sided
    /// target segments (a passage the source lacks) after bead 50. Returns the features and
    /// the gold path.
    fn pair(n_beads: usize, extra: usize) -> (Vec<SegFeat>, Vec<SegFeat>, Vec<Span>) {
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        let seg = |len: f32| SegFeat {
            len,
            ..SegFeat::default()
        };
        let (mut fs, mut ft, mut gold) = (Vec::new(), Vec::new(), Vec::new());
        for b in 0..n_beads {
            if b == 50 {
                for _ in 0..extra {
                    gold.push((fs.len(), fs.len(), ft.len(), ft.len() + 1));
                    ft.push(seg(20.0 + next(100) as f32));
                }
            }
            let (a, c) = match next(20) {
                0 => (1, 2),
                1 => (2, 1),
                2 => (1, 3),
                _ => (1, 1),
            };
            let (i0, j0) = (fs.len(), ft.len());
            let lens: Vec<f32> = (0..a).map(|_| 8.0 + next(40) as f32).collect();
            let total: f32 = lens.iter().sum::<f32>() * 3.0;
            fs.extend(lens.iter().map(|&l| seg(l)));
            ft.extend((0..c).map(|_| seg(total / c as f32)));
            if next(4) == 0 {
                // a number both sides of the bead write (keys repeat within the pair)
                let key = next(50);
                fs[i0].nums.push(key);
                ft[j0].nums.push(key);
            }
            gold.push((i0, fs.len(), j0, ft.len()));
        }
        (fs, ft, gold)
    }

    fn model(fs: &[SegFeat], ft: &[SegFeat]) -> LengthModel {
        LengthModel::from_totals(fs, ft)
    }

    /// The coarse path with the aligner's default band and weights.
    fn default_path(fs: &[SegFeat], ft: &[SegFeat]) -> Vec<Span> {
        let sides = (SideTables::new(fs), SideTables::new(ft));
        let w = Weights::default();
        path(fs, ft, (&sides.0, &sides.1), model(fs, ft), w, 20, 4000)
    }

    #[test]
    fn finds_a_known_path() {
        let (fs, ft, gold) = pair(400, 0);
        let got = default_path(&fs, &ft);
        let right = got.iter().filter(|b| gold.contains(b)).count();
        assert!(
            right * 100 >= gold.len() * 95,
            "{right} of {} gold beads found",
            gold.len()
        );
    }

    #[test]
    fn band_around_it_holds_the_gold_path_on_a_shifted_pair() {
        // 60 target segments the source lacks: the path leaves the length diagonal by far
        // more than the first band's half-width.
        let (fs, ft, gold) = pair(400, 60);
        let (n, m) = (fs.len(), ft.len());
        let got = default_path(&fs, &ft);
        let band = Band::around_path(n, m, &dp::path_nodes(&got), 4);
        // Where the passage starts, random target lengths may pair with source segments by
        // chance (no length model can tell); everywhere else the band holds the gold path.
        let start = gold[50].0;
        for (i, j) in dp::path_nodes(&gold) {
            assert!(
                band.lo[i] <= j && j <= band.hi[i] || i.abs_diff(start) <= 5,
                "gold node ({i}, {j}) outside the band"
            );
        }
    }

    #[test]
    fn common_keys_counts_shared_keys_as_multisets() {
        let seg = |nums: &[u64]| SegFeat {
            nums: nums.to_vec(),
            ..SegFeat::default()
        };
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        for round in 0..500 {
            // (some rounds past the 64 keys the scan takes, so the sorting fallback runs)
            let most = if round % 10 == 0 { 40 } else { 5 };
            let side = |next: &mut dyn FnMut(u64) -> u64| -> Vec<SegFeat> {
                (0..1 + next(3))
                    .map(|_| {
                        let keys: Vec<u64> = (0..next(most)).map(|_| next(6)).collect();
                        seg(&keys)
                    })
                    .collect()
            };
            let (a, b) = (side(&mut next), side(&mut next));
            let (ka, kb) = (SideKeys::new(&a), SideKeys::new(&b));
            let (a, b) = (ka.get(0, 0, a.len()), kb.get(0, 0, b.len()));
            assert_eq!(common_keys(a, b), common_keys_sorted(a, b));
            assert_eq!(common_keys(b, a), common_keys_sorted(a, b));
        }
        assert_eq!(common_keys(&[1, 1, 2, 3], &[1, 2, 2, 4]), 2);
    }

    #[test]
    fn counts_anchors_past_a_side_sums_cap() {
        // 300 numbers in one segment: its side sum caps the count, the cost must not
        let many = SegFeat {
            len: 900.0,
            nums: (0..300).collect(),
            ..SegFeat::default()
        };
        let one = SegFeat {
            len: 30.0,
            ..SegFeat::default()
        };
        let (fs, ft) = (vec![many.clone(), one.clone()], vec![many, one]);
        let sides = (SideTables::new(&fs), SideTables::new(&ft));
        let w = Weights::default();
        let c = CoarseCost::new((&sides.0, &sides.1), model(&fs, &ft), w);
        assert_eq!(c.cost((0, 1, 0, 0)), 300.0 * w.anchor_miss + w.skip);
        // all 300 match: the anchor terms are `-300 * match`
        let matched = c.cost((0, 1, 0, 1)) - c.cost((1, 2, 1, 2));
        assert!((matched + 300.0 * w.anchor_match).abs() < 1e-2 * (1.0 + 300.0 * w.anchor_match));
    }

    #[test]
    fn bound_never_exceeds_the_cost() {
        let (fs, ft, _) = pair(100, 0);
        let sides = (SideTables::new(&fs), SideTables::new(&ft));
        let c = CoarseCost::new((&sides.0, &sides.1), model(&fs, &ft), Weights::default());
        for i in 3..fs.len() {
            for j in 3..ft.len().min(i + 10) {
                for &(a, b) in &COARSE_TYPES[..] {
                    if a > 0 && b > 0 {
                        let bead = (i - a, i, j - b, j);
                        assert!(c.quick_bound(bead) <= c.cost(bead) + 1e-4);
                    }
                }
            }
        }
    }
}

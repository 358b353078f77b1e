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

use super::dp::{self, Band, Span};
use super::features::{SegFeat, N_PUNCT};
use super::score::{count_common_sorted, LengthModel, Weights};

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

/// What the coarse cost reads of one run of one to [`RUNS`] segments of a side, packed.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    /// Anchor signatures (numbers, Latin tokens, names): one bit per key.
    sig: [u64; 3],
    /// Anchor counts by kind.
    anchors: [u32; 3],
    len: f32,
    /// `ln(len + 1)`.
    ln1: f32,
    /// Punctuation counts by class, each capped at 3.
    punct: [u8; N_PUNCT],
    repeated: u8,
    /// A segment after the first starts another paragraph.
    breaks: bool,
}

fn sig_bit(key: u64) -> u64 {
    1u64 << (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58)
}

impl Run {
    fn of(segs: &[SegFeat]) -> Run {
        let mut r = Run::default();
        for (k, f) in segs.iter().enumerate() {
            let lists = [&f.nums, &f.latin, &f.names];
            for (kind, l) in lists.iter().enumerate() {
                r.sig[kind] |= l.iter().fold(0, |s, &key| s | sig_bit(key));
                r.anchors[kind] += l.len() as u32;
            }
            r.len += f.len;
            for (p, &q) in r.punct.iter_mut().zip(&f.punct) {
                *p += q.min(3);
            }
            r.repeated += f.repeated as u8;
            r.breaks |= k > 0 && f.paragraph != segs[k - 1].paragraph;
        }
        r.ln1 = (r.len + 1.0).ln();
        r.punct = r.punct.map(|p| p.min(3));
        r
    }
}

/// Longest run of segments a bead side of [`COARSE_TYPES`] has.
const RUNS: usize = 3;

/// The index of run `i0..i1` (`1 <= i1 - i0 <= RUNS`) in [`runs`] and [`RunKeys`].
#[inline]
fn run_index(i0: usize, i1: usize) -> usize {
    RUNS * i1 + (i1 - i0 - 1)
}

/// Runs of one to [`RUNS`] segments of one side, at [`run_index`].
fn runs(v: &[SegFeat]) -> Vec<Run> {
    let mut r = vec![Run::default(); RUNS * (v.len() + 1)];
    for end in 1..=v.len() {
        for count in 1..=RUNS.min(end) {
            r[run_index(end - count, end)] = Run::of(&v[end - count..end]);
        }
    }
    r
}

/// The anchor keys of every run of [`runs`], sorted, by kind, in one flat list: run `r`'s
/// keys of kind `k` are `flat[start[3 * r + k]..start[3 * r + k + 1]]`.
struct RunKeys {
    flat: Vec<u64>,
    start: Vec<u32>,
}

impl RunKeys {
    fn new(v: &[SegFeat]) -> RunKeys {
        let mut keys = RunKeys {
            flat: Vec::new(),
            start: Vec::with_capacity(3 * RUNS * (v.len() + 1) + 1),
        };
        fn list(f: &SegFeat, kind: usize) -> &[u64] {
            match kind {
                0 => &f.nums,
                1 => &f.latin,
                _ => &f.names,
            }
        }
        for r in 0..RUNS * (v.len() + 1) {
            let (end, count) = (r / RUNS, r % RUNS + 1);
            for k in 0..3 {
                keys.start.push(keys.flat.len() as u32);
                if end >= count {
                    let from = keys.flat.len();
                    for f in &v[end - count..end] {
                        keys.flat.extend(list(f, k));
                    }
                    keys.flat[from..].sort_unstable();
                }
            }
        }
        keys.start.push(keys.flat.len() as u32);
        keys
    }

    #[inline]
    fn get(&self, run: usize, kind: usize) -> &[u64] {
        let at = 3 * run + kind;
        &self.flat[self.start[at] as usize..self.start[at + 1] as usize]
    }
}

/// The coarse bead cost: the full scorer's terms (lengths, anchors, punctuation, paragraphs,
/// boilerplate, merges, skips) for beads of up to [`RUNS`] segments a side.
pub struct CoarseCost {
    /// Anchor keys of the runs, for exact matches when the signatures overlap.
    src_keys: RunKeys,
    tgt_keys: RunKeys,
    src: Vec<Run>,
    tgt: Vec<Run>,
    /// The most the anchor terms of a bead can take off its cost, by its source (target)
    /// run: with the other terms never negative, `merge - reward` bounds the cost from below
    /// without reading the runs (`-INFINITY` when some weight is negative).
    src_reward: Vec<f32>,
    tgt_reward: Vec<f32>,
    len: LengthModel,
    exp_neg_mu: f32,
    w: Weights,
}

impl CoarseCost {
    /// The coarse cost of one pair.
    pub fn new(fs: &[SegFeat], ft: &[SegFeat], len: LengthModel, w: Weights) -> Self {
        let (src, tgt) = (runs(fs), runs(ft));
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
        let reward = |v: &[Run]| -> Vec<f32> {
            v.iter()
                .map(|r| {
                    if !nonneg {
                        return f32::INFINITY;
                    }
                    (w.anchor_miss + w.anchor_match) * (r.anchors[0] + r.anchors[1]) as f32
                        + (w.name_miss + w.name_match) * r.anchors[2] as f32
                })
                .collect()
        };
        CoarseCost {
            src_keys: RunKeys::new(fs),
            tgt_keys: RunKeys::new(ft),
            src_reward: reward(&src),
            tgt_reward: reward(&tgt),
            src,
            tgt,
            len,
            exp_neg_mu: (-len.mu).exp(),
            w,
        }
    }

    #[inline]
    fn run(v: &[Run], i0: usize, i1: usize) -> Option<&Run> {
        match i1 - i0 {
            1..=RUNS => Some(&v[run_index(i0, i1)]),
            _ => None,
        }
    }

    #[inline]
    fn skip(&self, r: &Run) -> f32 {
        let w = &self.w;
        w.anchor_miss * (r.anchors[0] + r.anchors[1]) as f32
            + w.name_miss * r.anchors[2] as f32
            + w.skip
            - (w.skip - w.skip_repeated) * r.repeated as f32
    }

    /// Anchors of kind `k` that source `i0..i1` and target `j0..j1` share (as multisets).
    #[inline]
    fn common(&self, (i0, i1, j0, j1): Span, k: usize) -> u32 {
        count_common_sorted(
            self.src_keys.get(run_index(i0, i1), k),
            self.tgt_keys.get(run_index(j0, j1), k),
        ) as u32
    }

    /// The cost of a bead with both sides non-empty (up to [`RUNS`] segments each), or
    /// `INFINITY` as soon as a lower bound shows that `prev` plus it cannot beat `best`: the
    /// length term's divisions and the exact anchor matches are then never computed.
    #[inline]
    fn both(&mut self, bead: Span, prev: f32, best: f32) -> f32 {
        let (i0, i1, j0, j1) = bead;
        let (a, b) = (i1 - i0, j1 - j0);
        let (Some(s), Some(t)) = (Self::run(&self.src, i0, i1), Self::run(&self.tgt, j0, j1))
        else {
            return f32::INFINITY;
        };
        let w = &self.w;
        let mut c =
            w.merge[(a + b - 2).min(4)] + w.merge_repeated * (s.repeated + t.repeated) as f32;
        if s.breaks != t.breaks {
            c += w.paragraph;
        }
        let punct: u32 = (0..N_PUNCT)
            .map(|k| s.punct[k].abs_diff(t.punct[k]) as u32)
            .sum();
        c += w.punct * punct as f32;
        // Anchors as if none matched; `most` is what the most matches the counts allow
        // would take off, for the bound.
        let mut overlap = [false; 3];
        let mut most = 0.0;
        for (k, o) in overlap.iter_mut().enumerate() {
            let (miss, matched) = self.anchor_weights(k);
            let (na, nb) = (s.anchors[k], t.anchors[k]);
            c += miss * (na + nb) as f32;
            *o = s.sig[k] & t.sig[k] != 0;
            if *o {
                most += (2.0 * miss + matched) * na.min(nb) as f32;
            }
        }
        if prev + c - most >= best {
            return f32::INFINITY;
        }
        let d = t.ln1 - s.ln1 - self.len.mu;
        let var = self.len.sigma * self.len.sigma + 1.5 / (s.len + t.len * self.exp_neg_mu + 2.0);
        c += w.len * (d * d / (2.0 * var)).min(30.0);
        if most > 0.0 {
            if prev + c - most >= best {
                return f32::INFINITY;
            }
            for (k, &o) in overlap.iter().enumerate() {
                if o {
                    let (miss, matched) = self.anchor_weights(k);
                    c -= (2.0 * miss + matched) * self.common(bead, k) as f32;
                }
            }
        }
        c
    }

    /// A lower bound of the cost of bead `i0..i1` × `j0..j1` (both sides non-empty) from its
    /// shape and anchor counts alone.
    #[inline]
    fn quick_bound(&self, (i0, i1, j0, j1): Span) -> f32 {
        let (a, b) = (i1 - i0, j1 - j0);
        let reward = self.src_reward[run_index(i0, i1)].min(self.tgt_reward[run_index(j0, j1)]);
        self.w.merge[(a + b - 2).min(4)] - reward
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
    pub fn cost(&mut self, (i0, i1, j0, j1): Span) -> f32 {
        match (i1 - i0, j1 - j0) {
            (1, 0) => self.skip(&self.src[run_index(i0, i1)]),
            (0, 1) => self.skip(&self.tgt[run_index(j0, j1)]),
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
            let mut b = SegFeat {
                paragraph: c[0].paragraph,
                repeated: c.iter().all(|f| f.repeated),
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
pub fn path(
    fs: &[SegFeat],
    ft: &[SegFeat],
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
        let bpath = run_band(
            &bs,
            &bt,
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
    run_band(fs, ft, len, w, band, (k, max_grow), COARSE_TYPES.len())
}

/// The coarse cost's best path in `band`, widened where the path runs along its edge (as
/// [`dp::run_widening`] does: by `first_grow`, doubling, up to `max_grow`), with the
/// [`COARSE_TYPES`] unrolled in one loop and no cost memo.
fn run_band(
    fs: &[SegFeat],
    ft: &[SegFeat],
    len: LengthModel,
    w: Weights,
    mut band: Band,
    (first_grow, max_grow): (usize, usize),
    shapes: usize,
) -> Vec<Span> {
    let (n, m) = (fs.len(), ft.len());
    let mut cost = CoarseCost::new(fs, ft, len, w);
    let skip_src: Vec<f32> = (0..n).map(|i| cost.cost((i, i + 1, 0, 0))).collect();
    let skip_tgt: Vec<f32> = (0..m).map(|j| cost.cost((0, 0, j, j + 1))).collect();
    let mut rows: Vec<Vec<f32>> = vec![Vec::new(); n + 1];
    let mut bp: Vec<Vec<u8>> = vec![Vec::new(); n + 1];
    let mut grow = first_grow.max(1);
    let mut filled: Option<Band> = None;
    loop {
        let start = filled.as_ref().map_or(0, |f| first_changed_row(f, &band));
        for i in start..=n {
            fill_row(
                i, &band, &mut rows, &mut bp, &skip_src, &skip_tgt, &mut cost, shapes,
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
    rows: &mut [Vec<f32>],
    bp: &mut [Vec<u8>],
    skip_src: &[f32],
    skip_tgt: &[f32],
    cost: &mut CoarseCost,
    shapes: usize,
) {
    let (lo, hi) = (band.lo[i], band.hi[i]);
    let mut row = std::mem::take(&mut rows[i]);
    row.clear();
    row.resize(hi - lo + 1, f32::INFINITY);
    let mut brow = std::mem::take(&mut bp[i]);
    brow.clear();
    brow.resize(hi - lo + 1, u8::MAX);
    // The two rows before, with their ranges (empty before row 0).
    let none: &[f32] = &[];
    let (p1, lo1, hi1) = if i >= 1 {
        (&rows[i - 1][..], band.lo[i - 1], band.hi[i - 1])
    } else {
        (none, 1, 0)
    };
    let (p2, lo2, hi2) = if i >= 2 {
        (&rows[i - 2][..], band.lo[i - 2], band.hi[i - 2])
    } else {
        (none, 1, 0)
    };
    let (p3, lo3, hi3) = if i >= 3 {
        (&rows[i - 3][..], band.lo[i - 3], band.hi[i - 3])
    } else {
        (none, 1, 0)
    };
    let at = |p: &[f32], plo: usize, phi: usize, j: usize| {
        if j >= plo && j <= phi {
            p[j - plo]
        } else {
            f32::INFINITY
        }
    };
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
        let beads = [
            (0u8, (p1, lo1, hi1), (1, 1)),
            (3, (p1, lo1, hi1), (1, 2)),
            (4, (p2, lo2, hi2), (2, 1)),
            (5, (p1, lo1, hi1), (1, 3)),
            (6, (p3, lo3, hi3), (3, 1)),
            (7, (p2, lo2, hi2), (2, 2)),
        ];
        // (the first two shapes are the unaligned ones, taken above)
        for &(t, (p, plo, phi), (a, b)) in &beads[..shapes - 2] {
            // (a bead longer than the prefix on either side does not fit)
            if i < a || j < b {
                continue;
            }
            let prev = at(p, plo, phi, j - b);
            let bead = (i - a, i, j - b, j);
            if prev.is_finite() && prev + cost.quick_bound(bead) < best {
                let c = cost.both(bead, prev, best);
                take(&mut best, &mut arg, prev + c, t);
            }
        }
        row[j - lo] = best;
        brow[j - lo] = arg;
    }
    rows[i] = row;
    bp[i] = brow;
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

    /// A pair built from a known bead sequence: source lengths pseudo-random, each target
    /// side three times its source side's length, split as the bead says, a quarter of the
    /// beads with a number on both sides; `extra` one-sided
    /// target segments (a passage the source lacks) after bead 50. Returns the features and
    /// the gold path.
    fn pair(n_beads: usize, extra: usize) -> (Vec<SegFeat>, Vec<SegFeat>, Vec<Span>) {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |k: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % k
        };
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

    #[test]
    fn finds_a_known_path() {
        let (fs, ft, gold) = pair(400, 0);
        let got = path(&fs, &ft, model(&fs, &ft), Weights::default(), 20, 4000);
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
        let got = path(&fs, &ft, model(&fs, &ft), Weights::default(), 20, 4000);
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
    fn bound_never_exceeds_the_cost() {
        let (fs, ft, _) = pair(100, 0);
        let mut c = CoarseCost::new(&fs, &ft, model(&fs, &ft), Weights::default());
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

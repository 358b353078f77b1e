//! The bead cost: length model, anchors, punctuation, paragraphs and lexical coverage.

use super::dp::{Band, BeadCost, Span};
use super::features::{SegFeat, N_PUNCT};
use super::lexicon::Lexicon;
use super::semantic::SemDoc;

/// Length model of one document pair: `ln((Lt + 1) / (Ls + 1))` is normal around `mu` with
/// standard deviation `sigma` (zh→ru ≈ ln 3.2, but with a wide spread, so both are
/// estimated per pair).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LengthModel {
    /// Mean log ratio.
    pub mu: f32,
    /// Spread of the log ratio for long segments.
    pub sigma: f32,
}

impl LengthModel {
    /// A first guess from the document totals, before any alignment is known.
    pub fn from_totals(src: &[SegFeat], tgt: &[SegFeat]) -> LengthModel {
        let ls: f32 = src.iter().map(|f| f.len).sum();
        let lt: f32 = tgt.iter().map(|f| f.len).sum();
        LengthModel {
            mu: ((lt + 1.0) / (ls + 1.0)).ln(),
            sigma: 0.35,
        }
    }

    /// Re-estimates from aligned 1-1 beads `(src len, tgt len)`, robustly (median and MAD), so
    /// that a few wrong beads cannot drag the model. Keeps `self` when there is too little data.
    pub fn refit(&self, pairs: &[(f32, f32)]) -> LengthModel {
        if pairs.len() < 8 {
            return *self;
        }
        let mut d: Vec<f32> = pairs
            .iter()
            .map(|&(s, t)| ((t + 1.0) / (s + 1.0)).ln())
            .collect();
        d.sort_by(f32::total_cmp);
        let med = d[d.len() / 2];
        let mut dev: Vec<f32> = d.iter().map(|x| (x - med).abs()).collect();
        dev.sort_by(f32::total_cmp);
        let mad = dev[dev.len() / 2] * 1.4826;
        LengthModel {
            mu: med,
            sigma: mad.clamp(0.12, 0.6),
        }
    }

    /// Negative log-likelihood (up to a constant) of a bead with these total lengths. Short
    /// segments get a wider spread: one word more or less moves their ratio a lot.
    pub fn cost(&self, ls: f32, lt: f32) -> f32 {
        self.cost_with(ls, lt, (-self.mu).exp())
    }

    /// [`LengthModel::cost`] with `exp(-mu)` given (the DP asks for millions of beads).
    #[inline]
    fn cost_with(&self, ls: f32, lt: f32, exp_neg_mu: f32) -> f32 {
        self.cost_of_sides(ls, lt, log_ratio(ls, lt), exp_neg_mu)
    }

    /// [`LengthModel::cost_with`] with the log ratio given (the sides' [`ln_1p`] difference).
    #[inline]
    pub(super) fn cost_of_sides(&self, ls: f32, lt: f32, ratio: f32, exp_neg_mu: f32) -> f32 {
        let d = ratio - self.mu;
        let var = self.sigma * self.sigma + 1.5 / (ls + lt * exp_neg_mu + 2.0);
        (d * d / (2.0 * var)).min(30.0)
    }

    /// The z-score of a bead (signed), for confidence features.
    pub fn z(&self, ls: f32, lt: f32) -> f32 {
        let d = log_ratio(ls, lt) - self.mu;
        let var = self.sigma * self.sigma + 1.5 / (ls + lt * (-self.mu).exp() + 2.0);
        d / var.sqrt()
    }
}

/// Lengths below this take `ln(1 + len)` from a table.
const LN_TABLE: usize = 4096;

/// `ln(1 + k)` for `k` in `0..LN_TABLE`.
fn ln_table() -> &'static [f32] {
    static T: std::sync::OnceLock<Vec<f32>> = std::sync::OnceLock::new();
    T.get_or_init(|| (0..LN_TABLE).map(|k| (k as f32 + 1.0).ln()).collect())
}

/// `ln(len + 1)`: from the table when `len` is a small integer (bead lengths are character
/// counts, so nearly always), which spares the DP a logarithm per bead. The table holds the
/// same `f32` logarithm, so the result does not depend on which way it is taken.
#[inline]
fn ln_1p(len: f32) -> f32 {
    let k = len as usize;
    if k < LN_TABLE && k as f32 == len {
        ln_table()[k]
    } else {
        (len + 1.0).ln()
    }
}

/// `ln((lt + 1) / (ls + 1))`, as the difference of the two sides' [`ln_1p`].
#[inline]
fn log_ratio(ls: f32, lt: f32) -> f32 {
    ln_1p(lt) - ln_1p(ls)
}

/// Weights of the cost terms (global, not per document).
#[derive(Debug, Clone, Copy)]
pub struct Weights {
    /// Length term multiplier.
    pub len: f32,
    /// Reward per matched anchor (number, Latin token).
    pub anchor_match: f32,
    /// Penalty per unmatched anchor.
    pub anchor_miss: f32,
    /// Reward per matched name.
    pub name_match: f32,
    /// Penalty per unmatched name.
    pub name_miss: f32,
    /// Penalty per differing punctuation mark count.
    pub punct: f32,
    /// Penalty for a bead crossing a paragraph boundary on one side only.
    pub paragraph: f32,
    /// Weight of lexical non-coverage.
    pub lex: f32,
    /// Coverage at which the lexical term is neutral: beads covered better than this earn a
    /// reward (so leaving segments unaligned forgoes it), worse ones pay.
    pub lex_center: f32,
    /// Chance coverage added per extra segment on the other side of a bead (merged beads cover
    /// more by chance, so they must cover more to earn the same).
    pub lex_grow: f32,
    /// Weight of the coverage log-likelihood ratio (replaces `lex` / `lex_center` when > 0).
    pub lex_llr: f32,
    /// Base cost of a 1-0 / 0-1 bead.
    pub skip: f32,
    /// Cost of leaving a repeated (boilerplate) segment unaligned.
    pub skip_repeated: f32,
    /// Extra cost per repeated segment inside an aligned bead.
    pub merge_repeated: f32,
    /// Extra cost per bead shape beyond 1-1: index = a + b - 2.
    pub merge: [f32; 5],
    /// Weight of the semantic score per segment of the bead (only with sentence vectors).
    pub sem: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            len: 0.5,
            anchor_match: 2.0,
            anchor_miss: 1.0,
            name_match: 1.5,
            name_miss: 0.3,
            punct: 1.0,
            paragraph: 3.0,
            lex: 8.0,
            lex_center: 0.3,
            lex_llr: 0.0,
            lex_grow: 0.0,
            skip: 3.0,
            skip_repeated: 0.5,
            merge_repeated: 2.0,
            merge: [0.0, 2.0, 4.0, 6.0, 8.0],
            sem: 4.0,
        }
    }
}

impl Weights {
    /// Sets one weight by name (`len`, `anchor_match`, `anchor_miss`, `name_match`,
    /// `name_miss`, `punct`, `paragraph`, `lex`, `skip`, `merge1`..`merge4`); for experiments
    /// and command-line overrides. Returns false for an unknown name.
    pub fn set(&mut self, name: &str, v: f32) -> bool {
        let slot = match name {
            "len" => &mut self.len,
            "anchor_match" => &mut self.anchor_match,
            "anchor_miss" => &mut self.anchor_miss,
            "name_match" => &mut self.name_match,
            "name_miss" => &mut self.name_miss,
            "punct" => &mut self.punct,
            "paragraph" => &mut self.paragraph,
            "lex" => &mut self.lex,
            "lex_center" => &mut self.lex_center,
            "lex_llr" => &mut self.lex_llr,
            "lex_grow" => &mut self.lex_grow,
            "skip" => &mut self.skip,
            "skip_repeated" => &mut self.skip_repeated,
            "merge_repeated" => &mut self.merge_repeated,
            "merge1" => &mut self.merge[1],
            "merge2" => &mut self.merge[2],
            "merge3" => &mut self.merge[3],
            "merge4" => &mut self.merge[4],
            "sem" => &mut self.sem,
            _ => return false,
        };
        *slot = v;
        true
    }
}

/// Known lexical units of every segment and, per source segment, the target range whose
/// coverage masks a bead inside the band can ask for.
///
/// The masks themselves are not stored (an `n × band` table was the aligner's largest
/// allocation): the [`Scorer`] computes them a source row at a time into a small ring, which
/// the DP, reading rows in order (forwards or backwards), fills once per row and pass.
/// Target units are kept as dense ids into the lexicon's target vocabulary (in unit order, so
/// a segment's units sort the same either way), which lets a row be computed with one table
/// look-up per target unit.
pub struct LexIndex {
    /// Source: known units per segment (first 64) as the lexicon's source ids (see
    /// [`Lexicon::src_id`]), flattened; segment `s` is `src_flat[src_off[s]..src_off[s + 1]]`.
    src_flat: Vec<u32>,
    src_off: Vec<u32>,
    /// Target: known units per segment (first 32) as the lexicon's target ids, sorted,
    /// flattened like the source.
    tgt_flat: Vec<u32>,
    tgt_off: Vec<u32>,
    /// Number of target ids (the lexicon's known target units).
    vocab_len: usize,
    /// Per source segment, the target range `lo..hi` of its mask row.
    ranges: Vec<(u32, u32)>,
}

impl LexIndex {
    /// Indexes the known units; mask rows cover every pair a bead inside `band` can touch
    /// (`max_side` segments back).
    pub fn build(
        src: &[SegFeat],
        tgt: &[SegFeat],
        lex: &Lexicon,
        band: &Band,
        max_side: usize,
    ) -> LexIndex {
        // Target ids are in unit order, so a segment's units sort the same by id as by unit
        // (and a known unit has an id, so the search cannot fail).
        let tgt_id = |u: u64| lex.knows_tgt(u).then(|| lex.tgt_id(u)).flatten();
        let ids = (|u| lex.src_id(u), tgt_id);
        Self::build_by(src, tgt, lex.tgt_count(), ids, band, max_side)
    }

    /// [`LexIndex::build`] with the look-ups of `keys` (made once for `lex`), which skip
    /// most units the lexicon does not know without hashing them: the same index, for
    /// indexing many segments with one lexicon.
    pub fn build_with(
        src: &[SegFeat],
        tgt: &[SegFeat],
        lex: &Lexicon,
        keys: &LexKeys,
        band: &Band,
        max_side: usize,
    ) -> LexIndex {
        let src_id = |u: u64| keys.src.may_contain(u).then(|| lex.src_id(u)).flatten();
        let tgt_id = |u: u64| {
            keys.tgt
                .may_contain(u)
                .then(|| keys.tgt_ids.get(&u).copied())
                .flatten()
        };
        Self::build_by(src, tgt, lex.tgt_count(), (src_id, tgt_id), band, max_side)
    }

    /// The index with source and target ids given by `ids` (`None` for a unit the lexicon
    /// does not know).
    fn build_by(
        src: &[SegFeat],
        tgt: &[SegFeat],
        vocab_len: usize,
        (src_id, tgt_id): (impl Fn(u64) -> Option<u32>, impl Fn(u64) -> Option<u32>),
        band: &Band,
        max_side: usize,
    ) -> LexIndex {
        let mut src_flat = Vec::new();
        let mut src_off = Vec::with_capacity(src.len() + 1);
        src_off.push(0);
        for f in src {
            src_flat.extend(f.lex.iter().filter_map(|&u| src_id(u)).take(64));
            src_off.push(src_flat.len() as u32);
        }
        // The first 32 known units of each segment, sorted (by id, which is unit order).
        let mut tgt_flat = Vec::new();
        let mut tgt_off = Vec::with_capacity(tgt.len() + 1);
        tgt_off.push(0);
        for f in tgt {
            let start = tgt_flat.len();
            tgt_flat.extend(f.lex.iter().filter_map(|&u| tgt_id(u)).take(32));
            tgt_flat[start..].sort_unstable();
            tgt_off.push(tgt_flat.len() as u32);
        }
        tgt_flat.shrink_to_fit();
        src_flat.shrink_to_fit();
        let mut idx = LexIndex {
            src_flat,
            src_off,
            tgt_flat,
            tgt_off,
            vocab_len,
            ranges: Vec::new(),
        };
        idx.set_band(band, max_side);
        idx
    }

    /// Points the mask rows at `band` (`max_side` as in [`LexIndex::build`]), keeping the
    /// units: the index [`LexIndex::build`] gives for `band`, without looking every unit up
    /// in the lexicon again.
    pub fn set_band(&mut self, band: &Band, max_side: usize) {
        let n = self.src_off.len() - 1;
        let m = self.tgt_off.len() - 1;
        self.ranges = (0..n)
            .map(|s| {
                let lo = band.lo[s + 1].saturating_sub(max_side);
                let hi = band.hi[(s + max_side).min(n)].min(m);
                (lo as u32, hi.max(lo) as u32)
            })
            .collect();
    }

    /// Entries of all the mask rows together.
    fn row_entries(&self) -> usize {
        self.ranges.iter().map(|&(lo, hi)| (hi - lo) as usize).sum()
    }

    fn src_units(&self, s: usize) -> &[u32] {
        &self.src_flat[self.src_off[s] as usize..self.src_off[s + 1] as usize]
    }

    fn tgt_units(&self, t: usize) -> &[u32] {
        &self.tgt_flat[self.tgt_off[t] as usize..self.tgt_off[t + 1] as usize]
    }

    /// Coverage masks of one pair, directly: bit `k` of the first is set when source unit `k`
    /// has a translation among the target's units, bit `p` of the second when target unit `p`
    /// is such a translation.
    fn compute(&self, s: usize, t: usize, lex: &Lexicon) -> (u64, u32) {
        let tu = self.tgt_units(t);
        let (mut sm, mut tm) = (0u64, 0u32);
        if tu.is_empty() {
            return (0, 0);
        }
        for (bit, &u) in self.src_units(s).iter().enumerate() {
            for id in lex.translation_ids(u) {
                if let Ok(p) = tu.binary_search(id) {
                    sm |= 1u64 << bit;
                    tm |= 1u32 << p;
                }
            }
        }
        (sm, tm)
    }

    /// The masks of source row `s` against targets `lo..hi` into `out` (`hi - lo` entries;
    /// the same as [`LexIndex::compute`] pair by pair). `by_id` is scratch of `vocab_len`
    /// zeros and is left zeroed; `touched` is scratch.
    fn compute_row(
        &self,
        s: usize,
        (lo, hi): (usize, usize),
        lex: &Lexicon,
        by_id: &mut [u64],
        touched: &mut Vec<u32>,
        out: &mut [(u64, u32)],
    ) {
        debug_assert_eq!(out.len(), hi - lo);
        // Per target unit id, the source units (bits) it translates.
        touched.clear();
        for (bit, &u) in self.src_units(s).iter().enumerate() {
            for &id in lex.translation_ids(u) {
                let id = id as usize;
                if by_id[id] == 0 {
                    touched.push(id as u32);
                }
                by_id[id] |= 1u64 << bit;
            }
        }
        if touched.is_empty() {
            out.fill((0, 0));
            return;
        }
        for (o, t) in out.iter_mut().zip(lo..hi) {
            let (mut sm, mut tm) = (0u64, 0u32);
            for (p, &id) in self.tgt_units(t).iter().enumerate() {
                // Without a branch: whether a unit is covered is as good as random.
                let b = by_id[id as usize];
                sm |= b;
                tm |= u32::from(b != 0) << p;
            }
            *o = (sm, tm);
        }
        for &id in touched.iter() {
            by_id[id as usize] = 0;
        }
    }

    /// [`LexIndex::pair_counts`] with a table in place of the searches: `pos` is scratch of
    /// `vocab_len` zeros (left zeroed) that marks the target's units by position, so each
    /// translation of a source unit costs one look-up. (A segment's units are distinct, so
    /// a unit has one position, as in the search.)
    pub fn pair_counts_in(&self, s: usize, t: usize, lex: &Lexicon, pos: &mut [u8]) -> (u32, u32) {
        let (su, tu) = (self.src_units(s), self.tgt_units(t));
        let known = (su.len() + tu.len()) as u32;
        for (p, &id) in tu.iter().enumerate() {
            // (at most 32 target units: positions fit a byte, 0 meaning "not a unit here")
            pos[id as usize] = p as u8 + 1;
        }
        let (mut sm, mut tm) = (0u64, 0u32);
        if !tu.is_empty() {
            for (bit, &u) in su.iter().enumerate() {
                for &id in lex.translation_ids(u) {
                    let p = pos[id as usize];
                    if p != 0 {
                        sm |= 1u64 << bit;
                        tm |= 1u32 << (p - 1);
                    }
                }
            }
        }
        for &id in tu {
            pos[id as usize] = 0;
        }
        (sm.count_ones() + tm.count_ones(), known)
    }

    /// `(covered, known)` units of both segments of the pair `(s, t)`, both sides added.
    pub fn pair_counts(&self, s: usize, t: usize, lex: &Lexicon) -> (u32, u32) {
        let (a, b) = self.compute(s, t, lex);
        (
            a.count_ones() + b.count_ones(),
            (self.src_units(s).len() + self.tgt_units(t).len()) as u32,
        )
    }
}

/// A set of units that may answer "yes" wrongly but never "no" wrongly: one bit per unit
/// (by its key's top bits after a multiplicative mix), 16 to 32 bits per member. Most units
/// of a segment are unknown to the lexicon, and testing a bit in a table of a few hundred
/// kilobytes is cheaper than probing a hash map several times that size.
pub struct UnitFilter {
    bits: Vec<u64>,
    /// `64 - log2(bit count)`.
    shift: u32,
}

impl UnitFilter {
    /// The filter of `units` (`count` of them, for sizing).
    pub fn new(units: impl Iterator<Item = u64>, count: usize) -> UnitFilter {
        let nbits = count
            .saturating_mul(16)
            .next_power_of_two()
            .clamp(1 << 12, 1 << 28);
        let shift = 64 - nbits.trailing_zeros();
        let mut f = UnitFilter {
            bits: vec![0; nbits / 64],
            shift,
        };
        for u in units {
            let b = f.bit(u);
            f.bits[b / 64] |= 1 << (b % 64);
        }
        f
    }

    #[inline]
    fn bit(&self, u: u64) -> usize {
        (u.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// False when `u` is surely not a member.
    #[inline]
    pub fn may_contain(&self, u: u64) -> bool {
        let b = self.bit(u);
        self.bits[b / 64] >> (b % 64) & 1 != 0
    }
}

/// Look-ups of one lexicon's units made once for indexing many documents with it
/// ([`LexIndex::build_with`]): which units it may know, and the target units' ids by hash
/// (instead of a membership test and a binary search each).
pub struct LexKeys {
    src: UnitFilter,
    tgt: UnitFilter,
    tgt_ids: rustc_hash::FxHashMap<u64, u32>,
}

impl LexKeys {
    /// The look-ups of `lex`.
    pub fn new(lex: &Lexicon) -> LexKeys {
        let n_src = lex.src_linked().count();
        LexKeys {
            src: UnitFilter::new(lex.src_linked(), n_src),
            tgt: UnitFilter::new(lex.tgt_known(), lex.tgt_count()),
            tgt_ids: lex.tgt_known().zip(0u32..).collect(),
        }
    }
}

/// Rows kept by a scorer's mask ring: a bead reaches at most `max_side` (≤ 3 by default)
/// source rows back, so eight leave room for any bead shape the DP uses in practice; a row
/// evicted too early is only recomputed, never wrong.
const MASK_RING: usize = 8;

/// Largest total of mask-row entries (16 bytes each, 16 MB) for which a scorer keeps every
/// source row's masks rather than a ring: the forward pass, the backward pass (which reads
/// the rows in reverse) and the beads' evidence each went through every row, so a ring
/// computed each row three times. A longer document keeps the ring and its flat memory.
const MASK_ROWS_KEPT_MAX: usize = 1 << 20;

/// Where a scorer keeps the coverage masks of one source row: `(source segment, first
/// target, start, len)`, its masks at `start..start + len` of the scorer's `mask_data`.
type MaskRow = (usize, usize, usize, usize);

/// Per-bead evidence, shared by the cost and the confidence estimate.
#[derive(Debug, Clone, Copy, Default)]
pub struct BeadStats {
    /// Length z-score.
    pub len_z: f32,
    /// Length cost.
    pub len_cost: f32,
    /// Matched / unmatched number and Latin anchors.
    pub anchor_m: f32,
    /// Unmatched anchors.
    pub anchor_u: f32,
    /// Matched names.
    pub name_m: f32,
    /// Unmatched names.
    pub name_u: f32,
    /// Punctuation count difference.
    pub punct: f32,
    /// One-sided paragraph crossing.
    pub para: f32,
    /// Covered / known lexical units (both sides together).
    pub lex_cov: f32,
    /// Known lexical units.
    pub lex_known: f32,
    /// Sum over the bead's segments of each one's own smoothed coverage.
    pub seg_cov: f32,
    /// Log-likelihood ratio of the covered / uncovered units under "translations" vs
    /// "unrelated" (see [`Scorer::set_coverage_rates`]).
    pub llr: f32,
    /// Normalised semantic score of the bead (see [`SemDoc::score`]; 0 without vectors).
    pub sem: f32,
}

/// Smoothed coverage of one segment: covered of known units, pulled towards 0.1 when few
/// units are known (a short segment with no known unit says nothing either way).
fn seg_coverage(covered: u32, known: u32) -> f32 {
    (covered as f32 + 0.2) / (known as f32 + 2.0)
}

/// [`SegInfo`] flags: the segment is boilerplate; it starts a paragraph other than the
/// previous segment's.
const F_REPEATED: u8 = 1;
const F_PARA_BREAK: u8 = 2;

/// Anchor kinds in [`SegInfo`]: numbers, Latin-script tokens, names.
const A_NUMS: usize = 0;
const A_LATIN: usize = 1;
const A_NAMES: usize = 2;

fn anchor_list(f: &SegFeat, kind: usize) -> &Vec<u64> {
    match kind {
        A_NUMS => &f.nums,
        A_LATIN => &f.latin,
        _ => &f.names,
    }
}

/// One bit of a 64-bit signature per anchor key: sides whose signatures share no bit share
/// no key.
fn sig_bit(key: u64) -> u64 {
    1u64 << (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58)
}

/// What the bead cost reads of one segment, packed: the DP asks for every bead shape at
/// every node, and a [`SegFeat`] spans several cache lines.
#[derive(Debug, Clone, Copy, Default)]
struct SegInfo {
    /// Anchor signatures by kind.
    sig: [u64; 3],
    len: f32,
    /// Punctuation counts by class, each capped at 3, one byte each: a bead's sum of at most
    /// a few segments stays within its byte, and capping before summing changes nothing
    /// since the cost caps the sum at 3.
    punct: u32,
    /// Anchors by kind; `u8::MAX` means "that many or more" (the cost then counts exactly).
    anchors: [u8; 3],
    flags: u8,
    /// Known lexical units in the [`LexIndex`] (at most 64), when there is one.
    known: u8,
}

/// One side of a bead summed in one pass over its packed segments (what the bead costs of
/// this module and of the coarse pass read of a side).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SideSum {
    /// Anchor signatures by kind (numbers, Latin tokens, names): one bit per key, so sides
    /// whose signatures share no bit share no key.
    pub(super) sig: [u64; 3],
    /// Anchors by kind, each segment's count capped at `u8::MAX` (see `big`).
    pub(super) anchors: [u32; 3],
    pub(super) len: f32,
    /// `ln(len + 1)`: the length term's logarithm of this side (see [`log_ratio`]).
    pub(super) ln1: f32,
    /// Boilerplate segments.
    pub(super) repeated: u32,
    /// Punctuation counts by class, each capped at 3, two bits each (the cost caps them).
    pub(super) punct: u8,
    /// A segment after the first starts a new paragraph.
    pub(super) breaks: bool,
    /// Some segment has `u8::MAX` or more anchors of a kind (count them exactly).
    pub(super) big: bool,
    /// Sum of the segments' smoothed coverage ([`seg_coverage`]) were all their known
    /// units covered, and were none: the bounds of the side's lexical terms.
    cov_all: f32,
    cov_none: f32,
}

impl SideSum {
    #[inline]
    fn of(v: &[SegInfo]) -> SideSum {
        let mut s = SideSum::default();
        let mut punct = 0u32;
        for (k, x) in v.iter().enumerate() {
            s.len += x.len;
            punct += x.punct;
            s.repeated += (x.flags & F_REPEATED != 0) as u32;
            s.breaks |= k > 0 && x.flags & F_PARA_BREAK != 0;
            for kind in 0..3 {
                s.anchors[kind] += x.anchors[kind] as u32;
                s.sig[kind] |= x.sig[kind];
                s.big |= x.anchors[kind] == u8::MAX;
            }
            let k = x.known as u32;
            s.cov_all += seg_coverage(k, k);
            s.cov_none += seg_coverage(0, k);
        }
        s.ln1 = ln_1p(s.len);
        s.punct = cap_punct(punct);
        s
    }
}

/// Longest run of segments whose [`SideSum`] a [`SideTable`] keeps: the default bead shapes
/// have at most three segments a side.
pub(super) const SIDE_RUNS: usize = 3;

/// The [`SideSum`] of every run of one to [`SIDE_RUNS`] consecutive segments of one side,
/// by the run's end: the DP asks for each of them at every node of its band, for several
/// bead shapes (a source run once per node and shape, a target run in every row the node's
/// column crosses), so summing them once per scorer spares most of the cost's work.
#[derive(Clone)]
struct SideTable {
    /// Run `i0..i1` (`1 <= i1 - i0 <= SIDE_RUNS`) at `i1 * SIDE_RUNS + (i1 - i0 - 1)`.
    runs: Vec<SideSum>,
}

impl SideTable {
    fn new(info: &[SegInfo]) -> SideTable {
        let mut runs = vec![SideSum::default(); (info.len() + 1) * SIDE_RUNS];
        for end in 1..=info.len() {
            for count in 1..=SIDE_RUNS.min(end) {
                runs[end * SIDE_RUNS + count - 1] = SideSum::of(&info[end - count..end]);
            }
        }
        SideTable { runs }
    }

    /// The kept sum of segments `i0..i1`, by reference; `None` for a run longer than the
    /// table keeps. The bead cost reads its two sides in place: copying the two sums out of
    /// the table was a tenth of its work.
    #[inline(always)]
    fn kept(&self, i0: usize, i1: usize) -> Option<&SideSum> {
        if i0 == i1 {
            // (slot 0 is never filled: the empty run's sum, all zero)
            Some(&self.runs[0])
        } else {
            self.short_run(i0, i1)
        }
    }

    /// The sum of segments `i0..i1` when `1 <= i1 - i0 <= SIDE_RUNS`.
    #[inline(always)]
    fn short_run(&self, i0: usize, i1: usize) -> Option<&SideSum> {
        match i1 - i0 {
            c @ 1..=SIDE_RUNS => Some(&self.runs[i1 * SIDE_RUNS + c - 1]),
            _ => None,
        }
    }

    /// A run longer than the table keeps (only with `max_bead_side` above [`SIDE_RUNS`]).
    #[cold]
    #[inline(never)]
    fn long_run(info: &[SegInfo]) -> SideSum {
        SideSum::of(info)
    }
}

/// One side of a pair packed for the bead costs: its segments and the [`SideSum`] of every
/// run of one to [`SIDE_RUNS`] of them. Built once without lexical counts for the coarse
/// pass and the full scorer of pass 1 (see [`Scorer::over_sides`]).
#[derive(Clone)]
pub struct SideTables {
    info: Vec<SegInfo>,
    table: SideTable,
    keys: SideKeys,
}

impl SideTables {
    /// The tables of one side's segments, without lexical counts (no lexicon yet).
    pub fn new(v: &[SegFeat]) -> SideTables {
        let info = seg_infos(v, |_| 0);
        let table = SideTable::new(&info);
        SideTables {
            info,
            table,
            keys: SideKeys::new(v),
        }
    }

    /// The side's anchor keys, run by run.
    #[inline]
    pub(super) fn keys(&self) -> &SideKeys {
        &self.keys
    }

    /// The sum of segments `i0..i1` when `1 <= i1 - i0 <= SIDE_RUNS` (`i1` at most the
    /// side's length).
    #[inline(always)]
    pub(super) fn short_run(&self, i0: usize, i1: usize) -> Option<&SideSum> {
        self.table.short_run(i0, i1)
    }

    /// The sum of segment `i` alone.
    #[inline]
    pub(super) fn one(&self, i: usize) -> &SideSum {
        &self.table.runs[(i + 1) * SIDE_RUNS]
    }

    /// Segments of the side.
    pub(super) fn len(&self) -> usize {
        self.info.len()
    }
}

/// Caps each of the four punctuation byte counts of a packed sum at 3, two bits each.
#[inline]
fn cap_punct(p: u32) -> u8 {
    (0..N_PUNCT).fold(0u8, |acc, k| {
        acc | (((p >> (8 * k)) & 0xff).min(3) as u8) << (2 * k)
    })
}

fn seg_infos(v: &[SegFeat], known: impl Fn(usize) -> usize) -> Vec<SegInfo> {
    v.iter()
        .enumerate()
        .map(|(k, f)| {
            let mut x = SegInfo {
                len: f.len,
                punct: f
                    .punct
                    .iter()
                    .enumerate()
                    .fold(0, |p, (k, &c)| p | (c.min(3) as u32) << (8 * k)),
                known: known(k).min(u8::MAX as usize) as u8,
                ..SegInfo::default()
            };
            for kind in [A_NUMS, A_LATIN, A_NAMES] {
                let keys = anchor_list(f, kind);
                x.anchors[kind] = keys.len().min(u8::MAX as usize) as u8;
                x.sig[kind] = keys.iter().fold(0, |s, &key| s | sig_bit(key));
            }
            if f.repeated {
                x.flags |= F_REPEATED;
            }
            if k > 0 && v[k - 1].paragraph != f.paragraph {
                x.flags |= F_PARA_BREAK;
            }
            x
        })
        .collect()
}

/// Largest known-unit count per segment (source side; the target keeps 32).
const MAX_KNOWN: usize = 64;

/// The bead cost of one document pair.
pub struct Scorer<'a> {
    /// Source features.
    pub src: &'a [SegFeat],
    /// Target features.
    pub tgt: &'a [SegFeat],
    /// Length model.
    pub len: LengthModel,
    /// Weights.
    pub w: Weights,
    /// Lexicon and coverage masks (pass 2).
    pub lex: Option<(&'a Lexicon, &'a LexIndex)>,
    /// Sentence vectors, when the semantic scorer runs.
    pub sem: Option<&'a SemDoc>,
    /// Per covered / per uncovered unit log-likelihood ratio, by the number of segments on
    /// the other side of the bead (index 0 = one segment): chance coverage grows with them.
    llr: [(f32, f32); 4],
    /// Each side's anchor keys, run by run (see [`Scorer::anchors`]).
    src_keys: SideKeys,
    tgt_keys: SideKeys,
    /// Per target segment of a bead, the OR of its target masks (scratch).
    tgt_or: Vec<u32>,
    /// Mask rows (see [`LexIndex`]): slot `s`, one per source row, when they fit
    /// [`MASK_ROWS_KEPT_MAX`]; else a ring of [`MASK_RING`], slot `s % MASK_RING`.
    mask_rows: Vec<MaskRow>,
    /// The masks of every slot, in one buffer (a slot's place is fixed: laid out from the
    /// index's row ranges, or as wide as the widest row in a ring), rather than a vector per
    /// row made and freed by every scorer.
    mask_data: Vec<(u64, u32)>,
    /// Scratch for [`LexIndex::compute_row`]: one word per target vocabulary id (bounded by
    /// the lexicon, not by the document), always zero between rows.
    by_id: Vec<u64>,
    touched: Vec<u32>,
    /// Packed source and target segments.
    sinfo: Vec<SegInfo>,
    tinfo: Vec<SegInfo>,
    /// Side sums of short runs of source and target segments.
    stab: SideTable,
    ttab: SideTable,
    /// `seg_coverage(c, k)` at `k * (MAX_KNOWN + 1) + c`.
    cov_table: Vec<f32>,
    /// `exp(-len.mu)`.
    exp_neg_mu: f32,
    /// The cost of leaving each source (target) segment unaligned: a 1-0 (0-1) bead's cost
    /// depends on that one segment only, and the DP asks for it at every node of its band.
    skip_src: Vec<f32>,
    skip_tgt: Vec<f32>,
    /// The lexical bound's terms that depend on the bead's shape only, by `(a, b)`.
    lex_shape: [[LexShape; 5]; 5],
}

/// What the lexical term's bound ([`Scorer::lex_bound`]) of an `a`-`b` bead needs besides
/// the sides' coverage sums `p`: the term is `lex * (centre_grow - p) / 2`.
#[derive(Debug, Clone, Copy, Default)]
struct LexShape {
    /// `lex_center * (a + b)` plus the chance-coverage allowance of the bead's segments.
    centre_grow: f32,
    /// `|lex_center * (a + b)|`.
    centre_abs: f32,
    /// The allowance's magnitude, twice (for the rounding slack).
    grow_abs: f32,
}

impl LexShape {
    fn new(w: &Weights, a: usize, b: usize) -> LexShape {
        let gs = w.lex_grow * b.saturating_sub(1) as f32;
        let gt = w.lex_grow * a.saturating_sub(1) as f32;
        let centre = w.lex_center * (a + b) as f32;
        LexShape {
            centre_grow: centre + a as f32 * gs + b as f32 * gt,
            centre_abs: centre.abs(),
            grow_abs: 2.0 * (a as f32 * gs.abs() + b as f32 * gt.abs()),
        }
    }
}

/// The anchor keys of one side by kind, segment after segment in one flat list per kind:
/// the keys of kind `k` of segments `i0..i1` are one slice, with no copy per run.
#[derive(Clone)]
pub(super) struct SideKeys {
    keys: [Vec<u64>; 3],
    /// Segment `i`'s keys of kind `k` start at `start[k][i]` (`len + 1` entries).
    start: [Vec<u32>; 3],
}

impl SideKeys {
    pub(super) fn new(v: &[SegFeat]) -> SideKeys {
        fn lists(f: &SegFeat) -> [&Vec<u64>; 3] {
            [&f.nums, &f.latin, &f.names]
        }
        let mut total = [0; 3];
        for f in v {
            for (t, l) in total.iter_mut().zip(lists(f)) {
                *t += l.len();
            }
        }
        let mut keys: [Vec<u64>; 3] = total.map(Vec::with_capacity);
        let mut start: [Vec<u32>; 3] = std::array::from_fn(|_| Vec::with_capacity(v.len() + 1));
        for f in v {
            for (k, l) in lists(f).into_iter().enumerate() {
                start[k].push(keys[k].len() as u32);
                // (most segments have no anchors of a kind: no copy call for an empty list)
                if !l.is_empty() {
                    keys[k].extend_from_slice(l);
                }
            }
        }
        for k in 0..3 {
            start[k].push(keys[k].len() as u32);
        }
        SideKeys { keys, start }
    }

    /// The keys of kind `kind` of segments `i0..i1`.
    #[inline]
    pub(super) fn get(&self, kind: usize, i0: usize, i1: usize) -> &[u64] {
        let s = &self.start[kind];
        &self.keys[kind][s[i0] as usize..s[i1] as usize]
    }

    /// Anchors of each kind of segments `i0..i1`, counted exactly (a [`SideSum`] caps each
    /// segment's count; see `SideSum::big`).
    #[cold]
    #[inline(never)]
    pub(super) fn counts(&self, i0: usize, i1: usize) -> [u32; 3] {
        std::array::from_fn(|k| self.start[k][i1] - self.start[k][i0])
    }
}

/// Keys that `a` and `b` share, as multisets: each key of `a` takes the first equal key of
/// `b` not taken yet (the greedy matching is a largest one). Beads carry a few anchors at
/// most, so this scans the lists instead of sorting copies; more than 64 keys in `b` are
/// sorted and merged.
#[inline]
pub(super) fn common_keys(a: &[u64], b: &[u64]) -> u32 {
    if b.len() > 64 {
        return common_keys_sorted(a, b);
    }
    // bit `p`: `b[p]` is taken
    let mut taken = 0u64;
    let mut c = 0;
    for &key in a {
        for (p, &other) in b.iter().enumerate() {
            if other == key && taken & (1 << p) == 0 {
                taken |= 1 << p;
                c += 1;
                break;
            }
        }
    }
    c
}

/// [`common_keys`] by sorting both lists.
#[cold]
#[inline(never)]
pub(super) fn common_keys_sorted(a: &[u64], b: &[u64]) -> u32 {
    let sorted = |v: &[u64]| {
        let mut k = v.to_vec();
        k.sort_unstable();
        k
    };
    count_common_sorted(&sorted(a), &sorted(b)) as u32
}

/// Common elements of two sorted multisets.
pub(super) fn count_common_sorted(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut c) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                c += 1;
                i += 1;
                j += 1;
            }
        }
    }
    c
}

/// Lexical evidence of a bead: covered and known units, summed per-segment coverage and the
/// coverage log-likelihood ratio (see [`BeadStats`]).
#[derive(Debug, Clone, Copy, Default)]
struct LexTerms {
    cov: u32,
    known: u32,
    seg_sum: f32,
    llr: f32,
}

impl<'a> Scorer<'a> {
    /// A scorer for one pair.
    pub fn new(
        src: &'a [SegFeat],
        tgt: &'a [SegFeat],
        len: LengthModel,
        w: Weights,
        lex: Option<(&'a Lexicon, &'a LexIndex)>,
    ) -> Self {
        let side = |info: Vec<SegInfo>, v: &[SegFeat]| SideTables {
            table: SideTable::new(&info),
            info,
            keys: SideKeys::new(v),
        };
        let sinfo = seg_infos(src, |s| lex.map_or(0, |(_, idx)| idx.src_units(s).len()));
        let tinfo = seg_infos(tgt, |t| lex.map_or(0, |(_, idx)| idx.tgt_units(t).len()));
        Self::with_sides(src, tgt, len, w, lex, (side(sinfo, src), side(tinfo, tgt)))
    }

    /// A scorer without a lexicon over side tables already built from `src` and `tgt`
    /// ([`SideTables::new`]; the coarse pass reads the same ones).
    pub fn over_sides(
        src: &'a [SegFeat],
        tgt: &'a [SegFeat],
        len: LengthModel,
        w: Weights,
        sides: (SideTables, SideTables),
    ) -> Self {
        debug_assert!(sides.0.len() == src.len() && sides.1.len() == tgt.len());
        Self::with_sides(src, tgt, len, w, None, sides)
    }

    fn with_sides(
        src: &'a [SegFeat],
        tgt: &'a [SegFeat],
        len: LengthModel,
        w: Weights,
        lex: Option<(&'a Lexicon, &'a LexIndex)>,
        (s, t): (SideTables, SideTables),
    ) -> Self {
        let (sinfo, stab, src_keys, tinfo, ttab, tgt_keys) =
            (s.info, s.table, s.keys, t.info, t.table, t.keys);
        let mut sc = Scorer {
            src,
            tgt,
            len,
            w,
            lex,
            sem: None,
            llr: Self::llr_table(0.4, 0.05),
            src_keys,
            tgt_keys,
            tgt_or: Vec::new(),
            mask_rows: Vec::new(),
            mask_data: Vec::new(),
            by_id: vec![0; lex.map_or(0, |(_, idx)| idx.vocab_len)],
            touched: Vec::new(),
            sinfo,
            tinfo,
            stab,
            ttab,
            cov_table: (0..=MAX_KNOWN as u32)
                .flat_map(|k| (0..=MAX_KNOWN as u32).map(move |c| seg_coverage(c, k)))
                .collect(),
            exp_neg_mu: (-len.mu).exp(),
            skip_src: Vec::new(),
            skip_tgt: Vec::new(),
            lex_shape: std::array::from_fn(|a| std::array::from_fn(|b| LexShape::new(&w, a, b))),
        };
        sc.lay_out_mask_rows(lex.map(|l| l.1));
        // (the cost of a bead with one side empty reads neither the lexicon's coverage nor
        // the sentence vectors, so these stay right whatever of those is set later)
        let skip = |sc: &mut Scorer, bead| sc.cost_computed(bead, None).unwrap_or(f32::INFINITY);
        sc.skip_src = (0..src.len())
            .map(|i| skip(&mut sc, (i, i + 1, 0, 0)))
            .collect();
        sc.skip_tgt = (0..tgt.len())
            .map(|j| skip(&mut sc, (0, 0, j, j + 1)))
            .collect();
        sc
    }

    /// A scorer giving the same costs as this one, with scratch space of its own: for
    /// another thread to compute costs of the same pair, row after row. Its tables are copies
    /// (cheaper than building them again); its mask rows are a ring of [`MASK_RING`] rows
    /// (a bead reaches a few rows back), not a slot per row: a fork's rows are its chunk's.
    pub fn fork(&self) -> Self {
        let mut sc = Scorer {
            src: self.src,
            tgt: self.tgt,
            len: self.len,
            w: self.w,
            lex: self.lex,
            sem: self.sem,
            llr: self.llr,
            src_keys: self.src_keys.clone(),
            tgt_keys: self.tgt_keys.clone(),
            tgt_or: Vec::new(),
            mask_rows: Vec::new(),
            mask_data: Vec::new(),
            by_id: vec![0; self.by_id.len()],
            touched: Vec::new(),
            sinfo: self.sinfo.clone(),
            tinfo: self.tinfo.clone(),
            stab: self.stab.clone(),
            ttab: self.ttab.clone(),
            cov_table: self.cov_table.clone(),
            exp_neg_mu: self.exp_neg_mu,
            skip_src: self.skip_src.clone(),
            skip_tgt: self.skip_tgt.clone(),
            lex_shape: self.lex_shape,
        };
        sc.lay_out_mask_slots(self.lex.map(|l| l.1), MASK_RING);
        sc
    }

    /// Adds the semantic evidence of `sem` to the cost.
    pub fn with_semantic(mut self, sem: Option<&'a SemDoc>) -> Self {
        self.sem = sem;
        self
    }

    fn seg_cov(&self, covered: u32, known: u32) -> f32 {
        self.cov_table
            .get(known as usize * (MAX_KNOWN + 1) + covered as usize)
            .copied()
            .unwrap_or_else(|| seg_coverage(covered, known))
    }

    /// Slots of the mask ring for `idx`: a row each when they all fit [`MASK_ROWS_KEPT_MAX`].
    fn mask_ring(idx: Option<&LexIndex>) -> usize {
        match idx {
            Some(idx) if idx.row_entries() <= MASK_ROWS_KEPT_MAX => idx.ranges.len().max(MASK_RING),
            _ => MASK_RING,
        }
    }

    /// The slots of the mask rows for `idx` ([`Scorer::mask_ring`] of them) and their places
    /// in one buffer: each row's own range when every row is kept, the widest row's in a
    /// ring.
    fn lay_out_mask_rows(&mut self, idx: Option<&LexIndex>) {
        self.lay_out_mask_slots(idx, Self::mask_ring(idx));
    }

    /// [`Scorer::lay_out_mask_rows`] with `slots` slots: a row each, or a ring of
    /// [`MASK_RING`].
    fn lay_out_mask_slots(&mut self, idx: Option<&LexIndex>, slots: usize) {
        let widths = idx.map_or(&[][..], |idx| &idx.ranges[..]);
        let width = |s: usize| widths.get(s).map_or(0, |&(lo, hi)| (hi - lo) as usize);
        let widest = (0..widths.len()).map(width).max().unwrap_or(0);
        self.mask_rows = Vec::with_capacity(slots);
        let mut at = 0;
        for k in 0..slots {
            self.mask_rows.push((usize::MAX, 0, at, 0));
            at += if slots > MASK_RING || widths.len() <= MASK_RING {
                width(k)
            } else {
                widest
            };
        }
        self.mask_data = vec![(0, 0); at];
    }

    /// Makes sure the ring holds source row `s` and returns its slot.
    #[inline(always)]
    fn mask_row(&mut self, lex: &Lexicon, idx: &LexIndex, s: usize) -> usize {
        // (a slot per row, or the fixed ring: no division either way)
        let k = if self.mask_rows.len() > s {
            s
        } else {
            s % MASK_RING
        };
        if self.mask_rows[k].0 != s {
            self.fill_mask_row(lex, idx, s, k);
        }
        k
    }

    /// Computes source row `s` into ring slot `k` (once per row and pass).
    #[cold]
    #[inline(never)]
    fn fill_mask_row(&mut self, lex: &Lexicon, idx: &LexIndex, s: usize, k: usize) {
        let (lo, hi) = (idx.ranges[s].0 as usize, idx.ranges[s].1 as usize);
        let row = &mut self.mask_rows[k];
        (row.0, row.1, row.3) = (s, lo, hi - lo);
        let start = row.2;
        idx.compute_row(
            s,
            (lo, hi),
            lex,
            &mut self.by_id,
            &mut self.touched,
            &mut self.mask_data[start..start + (hi - lo)],
        );
    }

    /// The lexical terms of bead `i0..i1` × `j0..j1` (`want_llr`: also the log-likelihood
    /// ratio, which the cost only needs when it is weighted).
    #[inline]
    fn lex_terms(
        &mut self,
        lex: &Lexicon,
        idx: &LexIndex,
        bead: (usize, usize, usize, usize),
        want_llr: bool,
    ) -> LexTerms {
        let (j0, j1) = (bead.2, bead.3);
        if j1 - j0 <= SIDE_RUNS {
            // The usual bead: the target sides' masks on the stack, not in the scratch vector.
            let mut tgt_or = [0u32; SIDE_RUNS];
            self.lex_terms_into(lex, idx, bead, want_llr, &mut tgt_or[..j1 - j0])
        } else {
            let mut tgt_or = std::mem::take(&mut self.tgt_or);
            tgt_or.clear();
            tgt_or.resize(j1 - j0, 0);
            let out = self.lex_terms_into(lex, idx, bead, want_llr, &mut tgt_or);
            self.tgt_or = tgt_or;
            out
        }
    }

    /// [`Scorer::lex_terms`] with `tgt_or`, zeros, one per target segment of the bead, as
    /// scratch for the target segments' masks.
    #[inline(always)]
    fn lex_terms_into(
        &mut self,
        lex: &Lexicon,
        idx: &LexIndex,
        (i0, i1, j0, j1): (usize, usize, usize, usize),
        want_llr: bool,
        tgt_or: &mut [u32],
    ) -> LexTerms {
        let mut out = LexTerms::default();
        // Source segments first, then target segments: the sums keep that order.
        for s in i0..i1 {
            let slot = self.mask_row(lex, idx, s);
            let (_, first, start, len) = self.mask_rows[slot];
            let masks = &self.mask_data[start..start + len];
            let mut m = 0u64;
            match masks.get(j0.wrapping_sub(first)..j1.wrapping_sub(first)) {
                Some(row) if j0 >= first => {
                    for (&(sm, tm), acc) in row.iter().zip(tgt_or.iter_mut()) {
                        m |= sm;
                        *acc |= tm;
                    }
                }
                _ => {
                    for (t, acc) in (j0..j1).zip(tgt_or.iter_mut()) {
                        let (sm, tm) = idx.compute(s, t, lex);
                        m |= sm;
                        *acc |= tm;
                    }
                }
            }
            self.add_segment(
                &mut out,
                self.sinfo[s].known,
                m.count_ones(),
                j1 - j0,
                want_llr,
            );
        }
        for (t, &m) in (j0..j1).zip(tgt_or.iter()) {
            self.add_segment(
                &mut out,
                self.tinfo[t].known,
                m.count_ones(),
                i1 - i0,
                want_llr,
            );
        }
        out
    }

    /// Adds one segment's lexical terms: `known` units, `c` of them covered by the `others`
    /// segments of the other side.
    #[inline]
    fn add_segment(&self, out: &mut LexTerms, known: u8, c: u32, others: usize, want_llr: bool) {
        let k = known as u32;
        out.known += k;
        out.cov += c;
        out.seg_sum += self.seg_cov(c, k) - self.w.lex_grow * others.saturating_sub(1) as f32;
        if want_llr {
            let (cv, un) = self.llr[others.saturating_sub(1).min(3)];
            out.llr += cv * c as f32 + un * (k - c) as f32;
        }
    }

    fn llr_coefficients(p1: f32, p0: f32) -> (f32, f32) {
        let p1 = p1.clamp(0.05, 0.95);
        let p0 = p0.clamp(0.002, p1 * 0.5);
        ((p1 / p0).ln(), ((1.0 - p1) / (1.0 - p0)).ln())
    }

    /// Sets the unit coverage rates measured on this input: `p1` the share of known units a
    /// true translation covers, `p0` the share an unrelated segment covers by chance.
    pub fn set_coverage_rates(&mut self, p1: f32, p0: f32) {
        self.llr = Self::llr_table(p1, p0);
    }

    fn llr_table(p1: f32, p0: f32) -> [(f32, f32); 4] {
        let mut t = [(0.0, 0.0); 4];
        for (k, slot) in t.iter_mut().enumerate() {
            let n = (k + 1) as i32;
            let q0 = 1.0 - (1.0 - p0).powi(n);
            let q1 = 1.0 - (1.0 - p1) * (1.0 - p0).powi(n - 1);
            *slot = Self::llr_coefficients(q1, q0);
        }
        t
    }

    /// `(matched, unmatched)` anchors of one kind between the bead's two sides: each side's
    /// keys of the run are one slice of its flat list ([`SideKeys`]), counted in place.
    fn anchors(&self, i0: usize, i1: usize, j0: usize, j1: usize, kind: usize) -> (f32, f32) {
        let (a, b) = (
            self.src_keys.get(kind, i0, i1),
            self.tgt_keys.get(kind, j0, j1),
        );
        if a.is_empty() || b.is_empty() {
            // Nothing can match (most beads: anchors are rare).
            return (0.0, (a.len() + b.len()) as f32);
        }
        let c = common_keys(a, b) as usize;
        (c as f32, (a.len() + b.len() - 2 * c) as f32)
    }

    /// Punctuation count difference of a bead with segments on both sides.
    fn punct(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
        let mut p = 0f32;
        for k in 0..N_PUNCT {
            let a: u32 = self.src[i0..i1].iter().map(|f| f.punct[k] as u32).sum();
            let b: u32 = self.tgt[j0..j1].iter().map(|f| f.punct[k] as u32).sum();
            p += (a.min(3) as f32 - b.min(3) as f32).abs();
        }
        p
    }

    /// Whether the bead crosses a paragraph boundary on one side only.
    fn para(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
        let crosses = |v: &[SegFeat]| v.windows(2).any(|w| w[0].paragraph != w[1].paragraph);
        let cs = crosses(&self.src[i0..i1]);
        let ct = crosses(&self.tgt[j0..j1]);
        if cs != ct {
            1.0
        } else {
            0.0
        }
    }

    fn lengths(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> (f32, f32) {
        let ls: f32 = self.src[i0..i1].iter().map(|f| f.len).sum();
        let lt: f32 = self.tgt[j0..j1].iter().map(|f| f.len).sum();
        (ls, lt)
    }

    /// The evidence for a bead.
    pub fn stats(&mut self, i0: usize, i1: usize, j0: usize, j1: usize) -> BeadStats {
        let mut st = BeadStats::default();
        let (ls, lt) = self.lengths(i0, i1, j0, j1);
        if i1 > i0 && j1 > j0 {
            st.len_cost = self.len.cost(ls, lt);
            st.len_z = self.len.z(ls, lt);
        }
        let (m1, u1) = self.anchors(i0, i1, j0, j1, A_NUMS);
        let (m2, u2) = self.anchors(i0, i1, j0, j1, A_LATIN);
        st.anchor_m = m1 + m2;
        st.anchor_u = u1 + u2;
        let (m3, u3) = self.anchors(i0, i1, j0, j1, A_NAMES);
        st.name_m = m3;
        st.name_u = u3;
        if i1 > i0 && j1 > j0 {
            st.punct = self.punct(i0, i1, j0, j1);
        }
        st.para = self.para(i0, i1, j0, j1);
        if let Some((lex, idx)) = self.lex {
            let l = self.lex_terms(lex, idx, (i0, i1, j0, j1), true);
            st.llr = l.llr;
            st.lex_cov = l.cov as f32;
            st.lex_known = l.known as f32;
            st.seg_cov = l.seg_sum;
        }
        if let Some(sem) = self.sem {
            st.sem = sem.score(i0, i1, j0, j1);
        }
        st
    }

    /// Lexical coverage in [0, 1], smoothed towards a low prior when few units are known.
    pub fn coverage(st: &BeadStats) -> f32 {
        (st.lex_cov + 0.5) / (st.lex_known + 3.0)
    }

    /// The cost of a bead from its evidence.
    pub fn cost_of(&self, i0: usize, i1: usize, j0: usize, j1: usize, st: &BeadStats) -> f32 {
        let (a, b) = (i1 - i0, j1 - j0);
        let w = &self.w;
        let mut c = w.anchor_miss * st.anchor_u - w.anchor_match * st.anchor_m
            + w.name_miss * st.name_u
            - w.name_match * st.name_m
            + w.paragraph * st.para;
        let rep = self.repeated(i0, i1, j0, j1);
        if a == 0 || b == 0 {
            return c + w.skip * (a + b) as f32 - (w.skip - w.skip_repeated) * rep;
        }
        c += w.merge_repeated * rep;
        c += w.len * st.len_cost + w.punct * st.punct + w.merge[(a + b - 2).min(4)];
        if self.lex.is_some() {
            if w.lex_llr > 0.0 {
                c -= w.lex_llr * st.llr;
            } else {
                c += w.lex * (w.lex_center * (a + b) as f32 - st.seg_cov) / 2.0;
            }
        }
        if self.sem.is_some() {
            c -= w.sem * st.sem * (a + b) as f32 / 2.0;
        }
        c
    }

    /// Repeated (boilerplate) segments in the bead.
    fn repeated(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
        self.src[i0..i1]
            .iter()
            .chain(&self.tgt[j0..j1])
            .filter(|f| f.repeated)
            .count() as f32
    }
}

impl BeadCost for Scorer<'_> {
    #[inline]
    fn cost(&mut self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
        self.cost_gated((i0, i1, j0, j1), None)
            .unwrap_or(f32::INFINITY)
    }

    #[inline]
    fn cost_if_better(&mut self, bead: Span, prev: f32, best: f32) -> Option<f32> {
        self.cost_or_bound(bead, prev, best).ok()
    }

    #[inline]
    fn cost_or_bound(&mut self, bead: Span, prev: f32, best: f32) -> Result<f32, f32> {
        self.cost_gated(bead, Some((prev, best)))
    }
}

/// Slack taken off a bead cost's lower bound, per unit of the magnitude of its terms: the
/// bound adds the terms in another order than the cost, so the two may round differently
/// (by about 1e-7 of the magnitude per operation); the bound must never exceed the cost.
const BOUND_SLACK: f32 = 1e-4;

/// The bound `lb` of terms whose magnitudes add up to `mag`, lowered by the rounding slack so
/// that it stays below the exact cost summed in another order.
#[inline]
fn slack_bound(lb: f32, mag: f32) -> f32 {
    lb - BOUND_SLACK * mag - 1e-3
}

impl Scorer<'_> {
    /// A lower bound of the anchor terms of one kind with `na` and `nb` anchors on the two
    /// sides, over every number of matches the sides' counts allow: the terms are linear in
    /// the matches, so the bound is at an end. `(bound, magnitude)`.
    #[inline]
    fn anchor_bound(miss: f32, matched: f32, na: usize, nb: usize, overlap: bool) -> (f32, f32) {
        let all = miss * (na + nb) as f32;
        if !overlap {
            return (all, all.abs());
        }
        let k = na.min(nb) as f32;
        let most = miss * (na + nb) as f32 - 2.0 * miss * k - matched * k;
        (all.min(most), all.abs() + most.abs())
    }

    /// A lower bound of the lexical term of bead `i0..i1` × `j0..j1` from the known-unit
    /// counts alone (every segment's units all covered, or none, whichever costs less), and
    /// its magnitude.
    #[inline]
    fn lex_bound(&self, bead: Span, ss: &SideSum, st: &SideSum) -> (f32, f32) {
        let w = &self.w;
        let (a, b) = (bead.1 - bead.0, bead.3 - bead.2);
        if w.lex_llr <= 0.0 {
            // The sides' best (or, with a negative weight, worst) coverage sums, kept with
            // their side sums; the rest depends on the bead's shape only.
            let (ps, pt) = if w.lex >= 0.0 {
                (ss.cov_all, st.cov_all)
            } else {
                (ss.cov_none, st.cov_none)
            };
            let k = match self.lex_shape.get(a).and_then(|r| r.get(b)) {
                Some(k) => *k,
                None => LexShape::new(w, a, b),
            };
            let p = ps + pt;
            let t = w.lex * (k.centre_grow - p) / 2.0;
            return (t, t.abs() + w.lex.abs() * (k.centre_abs + p + k.grow_abs));
        }
        self.llr_bound(bead)
    }

    /// [`Scorer::lex_bound`] with the coverage log-likelihood ratio weighted.
    #[cold]
    #[inline(never)]
    fn llr_bound(&self, (i0, i1, j0, j1): Span) -> (f32, f32) {
        let w = &self.w;
        let (a, b) = (i1 - i0, j1 - j0);
        let segs = self.sinfo[i0..i1]
            .iter()
            .map(|x| (x.known, b))
            .chain(self.tinfo[j0..j1].iter().map(|x| (x.known, a)));
        let mut llr = 0f32;
        let mut mag = 0f32;
        for (k, others) in segs {
            let (cv, un) = self.llr[others.saturating_sub(1).min(3)];
            let k = k as f32;
            let hi = (cv * k).max(un * k);
            llr += hi;
            mag += hi.abs();
        }
        let t = -w.lex_llr * llr;
        (t, t.abs() + w.lex_llr.abs() * mag)
    }

    /// The length term of a bead with these two sides (both non-empty): the same number as
    /// [`LengthModel::cost`] of their lengths, from the sides' logarithms.
    #[inline]
    fn side_len_cost(&self, ss: &SideSum, st: &SideSum) -> f32 {
        self.len
            .cost_of_sides(ss.len, st.len, st.ln1 - ss.ln1, self.exp_neg_mu)
    }

    /// The bead cost (see [`BeadCost`]): the same as `cost_of(stats(..))`, term for term in
    /// the same order (so the same number), but computing only the evidence the cost uses,
    /// from the packed segments: this runs for every bead shape at every node of every DP
    /// pass. With `gate = Some((prev, best))`, `Err(bound)` when a lower bound of the cost
    /// from its cheap terms (lengths, punctuation, merges, anchor counts, known-unit counts)
    /// already shows `prev + cost >= best`: the exact anchor matches and the lexical
    /// coverage, the dear terms, are then never computed.
    #[inline]
    fn cost_gated(&mut self, bead: Span, gate: Option<(f32, f32)>) -> Result<f32, f32> {
        let (i0, i1, j0, j1) = bead;
        match (i1 - i0, j1 - j0) {
            (1, 0) => Ok(self.skip_src[i0]),
            (0, 1) => Ok(self.skip_tgt[j0]),
            _ => self.cost_computed(bead, gate),
        }
    }

    /// [`Scorer::cost_gated`] computed, not read from the skip tables.
    #[inline]
    fn cost_computed(&mut self, bead: Span, gate: Option<(f32, f32)>) -> Result<f32, f32> {
        let (i0, i1, j0, j1) = bead;
        let (a, b) = (i1 - i0, j1 - j0);
        let (long_s, long_t);
        let ss = match self.stab.kept(i0, i1) {
            Some(sum) => sum,
            None => {
                long_s = SideTable::long_run(&self.sinfo[i0..i1]);
                &long_s
            }
        };
        let st = match self.ttab.kept(j0, j1) {
            Some(sum) => sum,
            None => {
                long_t = SideTable::long_run(&self.tinfo[j0..j1]);
                &long_t
            }
        };
        let para = if ss.breaks != st.breaks { 1.0 } else { 0.0 };
        let rep = (ss.repeated + st.repeated) as f32;
        let big = ss.big || st.big;
        let both = a > 0 && b > 0;
        // Terms the gate's bound and the cost share, each computed once.
        let punct = if both {
            punct_diff(ss.punct, st.punct)
        } else {
            0.0
        };
        let mut len_cost = None;
        // The weights are read in place: copying them was a tenth of this function's work.
        if let Some((prev, best)) = gate {
            if both && !big && self.sem.is_none() && best.is_finite() {
                let mut lb = self.w.paragraph * para
                    + self.w.merge_repeated * rep
                    + self.w.punct * punct
                    + self.w.merge[(a + b - 2).min(4)];
                let mut mag = lb.abs();
                let mut dear = false;
                for k in 0..3 {
                    let (miss, matched) = if k == A_NAMES {
                        (self.w.name_miss, self.w.name_match)
                    } else {
                        (self.w.anchor_miss, self.w.anchor_match)
                    };
                    let overlap = ss.sig[k] & st.sig[k] != 0;
                    dear |= overlap;
                    let (t, tm) = Self::anchor_bound(
                        miss,
                        matched,
                        ss.anchors[k] as usize,
                        st.anchors[k] as usize,
                        overlap,
                    );
                    lb += t;
                    mag += tm;
                }
                if self.lex.is_some() {
                    dear = true;
                    let (t, tm) = self.lex_bound(bead, ss, st);
                    lb += t;
                    mag += tm;
                }
                // The length term is never negative: a bead losing without it is skipped
                // before its two divisions.
                let bound = slack_bound(lb, mag);
                if self.w.len >= 0.0 && prev + bound >= best {
                    return Err(bound);
                }
                if dear {
                    let lc = self.side_len_cost(ss, st);
                    len_cost = Some(lc);
                    let len = self.w.len * lc;
                    lb += len;
                    mag += len.abs();
                    let bound = slack_bound(lb, mag);
                    if prev + bound >= best {
                        return Err(bound);
                    }
                }
            }
        }
        let mut an = [(0.0, 0.0); 3];
        for (k, slot) in an.iter_mut().enumerate() {
            *slot = if big || ss.sig[k] & st.sig[k] != 0 {
                self.anchors(i0, i1, j0, j1, k)
            } else {
                (0.0, (ss.anchors[k] + st.anchors[k]) as f32)
            };
        }
        let ((m1, u1), (m2, u2), (name_m, name_u)) = (an[A_NUMS], an[A_LATIN], an[A_NAMES]);
        let (anchor_m, anchor_u) = (m1 + m2, u1 + u2);
        let mut c = self.w.anchor_miss * anchor_u - self.w.anchor_match * anchor_m
            + self.w.name_miss * name_u
            - self.w.name_match * name_m
            + self.w.paragraph * para;
        if !both {
            return Ok(
                c + self.w.skip * (a + b) as f32 - (self.w.skip - self.w.skip_repeated) * rep
            );
        }
        c += self.w.merge_repeated * rep;
        let len_cost = len_cost.unwrap_or_else(|| self.side_len_cost(ss, st));
        c += self.w.len * len_cost + self.w.punct * punct + self.w.merge[(a + b - 2).min(4)];
        if let Some((lex, idx)) = self.lex {
            let want_llr = self.w.lex_llr > 0.0;
            let l = self.lex_terms(lex, idx, (i0, i1, j0, j1), want_llr);
            if want_llr {
                c -= self.w.lex_llr * l.llr;
            } else {
                c += self.w.lex * (self.w.lex_center * (a + b) as f32 - l.seg_sum) / 2.0;
            }
        }
        if let Some(sem) = self.sem {
            c -= self.w.sem * sem.score(i0, i1, j0, j1) * (a + b) as f32 / 2.0;
        }
        Ok(c)
    }
}

/// The punctuation term of two side sums (see [`SideSum::punct`]): two classes per look-up
/// of [`PUNCT_DIFF_HALF`] (the DP asks for it at every bead).
#[inline]
pub(super) fn punct_diff(pa: u8, pb: u8) -> f32 {
    const _: () = assert!(N_PUNCT == 4, "four 2-bit classes in a byte");
    let low = PUNCT_DIFF_HALF[((pa & 15) << 4 | (pb & 15)) as usize];
    let high = PUNCT_DIFF_HALF[((pa >> 4) << 4 | (pb >> 4)) as usize];
    (low + high) as f32
}

/// Per two half-bytes `x << 4 | y` of packed punctuation sums (two classes of two bits
/// each), the summed class differences.
static PUNCT_DIFF_HALF: [u8; 256] = punct_diff_half_table();

const fn punct_diff_half_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let (x, y) = ((i >> 4) as u8, (i & 15) as u8);
        let mut d = 0;
        let mut k = 0;
        while k < 2 {
            let (a, b) = ((x >> (2 * k)) & 3, (y >> (2 * k)) & 3);
            d += a.abs_diff(b);
            k += 1;
        }
        t[i] = d;
        i += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_model_prefers_expected_ratio() {
        let m = LengthModel {
            mu: 3.2f32.ln(),
            sigma: 0.3,
        };
        assert!(m.cost(30.0, 96.0) < 0.05);
        assert!(m.cost(30.0, 96.0) < m.cost(30.0, 40.0));
        assert!(m.cost(30.0, 96.0) < m.cost(30.0, 200.0));
        // Short segments are judged more leniently.
        assert!(m.cost(3.0, 20.0) < m.cost(30.0, 200.0));
    }

    /// A small deterministic pseudo-random document pair with every kind of evidence:
    /// lexical units that translate each other along the diagonal (concept `c` is unit `c` on
    /// the source side and `c + 2^40` on the target side), anchors, punctuation, paragraphs,
    /// boilerplate.
    fn synthetic_pair(n: usize, m: usize) -> (Vec<SegFeat>, Vec<SegFeat>) {
        let mut next = crate::align::xorshift(0x2545_f491_4f6c_dd1d);
        let seg = |next: &mut dyn FnMut(u64) -> u64, s: usize, concepts: &[u64], base: u64| {
            let mut lex: Vec<u64> = concepts.iter().map(|c| base + c).collect();
            lex.extend((0..next(4)).map(|_| base + 1000 + next(300)));
            lex.sort_unstable();
            lex.dedup();
            let mut nums: Vec<u64> = (0..next(3)).map(|_| next(6)).collect();
            nums.sort_unstable();
            let latin: Vec<u64> = if next(5) == 0 {
                vec![100 + next(3)]
            } else {
                vec![]
            };
            let names: Vec<u64> = if next(4) == 0 {
                vec![200 + next(4)]
            } else {
                vec![]
            };
            SegFeat {
                len: 1.0 + next(60) as f32,
                nums,
                latin,
                names,
                punct: [next(3) as u8, next(2) as u8, 0, next(5) as u8],
                lex,
                paragraph: s / 4 + next(2) as usize,
                repeated: next(9) == 0,
                ..SegFeat::default()
            }
        };
        let (mut src, mut tgt) = (Vec::new(), Vec::new());
        for s in 0..n.max(m) {
            let concepts: Vec<u64> = (0..1 + next(6)).map(|_| next(40)).collect();
            if s < n {
                src.push(seg(&mut next, s, &concepts, 0));
            }
            if s < m {
                tgt.push(seg(&mut next, s, &concepts, 1 << 40));
            }
        }
        (src, tgt)
    }

    fn lexicon_of(src: &[SegFeat], tgt: &[SegFeat]) -> Lexicon {
        let beads: Vec<(&[u64], &[u64])> = src
            .iter()
            .zip(tgt)
            .map(|(a, b)| (a.lex.as_slice(), b.lex.as_slice()))
            .collect();
        let cfg = super::super::lexicon::LearnConfig {
            min_dice: 0.1,
            ..Default::default()
        };
        Lexicon::learn(&beads, cfg)
    }

    /// Sentence vectors for a synthetic pair: target `j` is close to source `j`.
    fn synthetic_vectors(n: usize, m: usize) -> SemDoc {
        let dim = 32;
        let mut rng = crate::align::xorshift(0x9e37_79b9);
        let mut rnd = move || rng(2000) as f32 / 1000.0 - 1.0;
        let base: Vec<Vec<f32>> = (0..n.max(m))
            .map(|_| (0..dim).map(|_| rnd()).collect())
            .collect();
        let noisy = |v: &Vec<f32>, r: &mut dyn FnMut() -> f32| -> Vec<f32> {
            let mut w: Vec<f32> = v.iter().map(|a| a + 0.6 * r()).collect();
            let norm = w.iter().map(|a| a * a).sum::<f32>().sqrt();
            w.iter_mut().for_each(|a| *a /= norm);
            w
        };
        let s: Vec<Vec<f32>> = base[..n].iter().map(|v| noisy(v, &mut rnd)).collect();
        let t: Vec<Vec<f32>> = base[..m].iter().map(|v| noisy(v, &mut rnd)).collect();
        let sr: Vec<&[f32]> = s.iter().map(|v| v.as_slice()).collect();
        let tr: Vec<&[f32]> = t.iter().map(|v| v.as_slice()).collect();
        let lens = (
            (0..n).map(|k| (k % 7 + 3) as f32).collect(),
            (0..m).map(|k| (k % 5 + 8) as f32).collect(),
        );
        SemDoc::new(&sr, &tr, lens)
    }

    #[test]
    fn semantic_term_rewards_translations_and_penalises_merges() {
        let (src, tgt) = synthetic_pair(30, 30);
        let sem = synthetic_vectors(30, 30);
        let len = LengthModel::from_totals(&src, &tgt);
        let mut plain = Scorer::new(&src, &tgt, len, Weights::default(), None);
        let mut sc =
            Scorer::new(&src, &tgt, len, Weights::default(), None).with_semantic(Some(&sem));
        // A translation earns a reward, an unrelated pair pays.
        assert!(sc.cost(5, 6, 5, 6) < plain.cost(5, 6, 5, 6) - 2.0);
        assert!(sc.cost(5, 6, 12, 13) > plain.cost(5, 6, 12, 13) + 2.0);
        // Two 1-1 beads beat the 2-2 bead that merges them, by more than without vectors.
        let split = |s: &mut Scorer| s.cost(5, 6, 5, 6) + s.cost(6, 7, 6, 7);
        let merged_gap = sc.cost(5, 7, 5, 7) - split(&mut sc);
        assert!(merged_gap > plain.cost(5, 7, 5, 7) - split(&mut plain));
        // Skips carry no semantic term.
        assert_eq!(sc.cost(5, 6, 5, 5), plain.cost(5, 6, 5, 5));
    }

    #[test]
    fn an_index_pointed_at_a_band_is_the_index_built_for_it() {
        let (src, tgt) = synthetic_pair(40, 44);
        let lex = lexicon_of(&src, &tgt);
        let (n, m) = (src.len(), tgt.len());
        let (first, then) = (Band::diagonal(n, m, 0), Band::diagonal(n, m, 5));
        let mut moved = LexIndex::build(&src, &tgt, &lex, &first, 3);
        assert_ne!(
            moved.ranges,
            LexIndex::build(&src, &tgt, &lex, &then, 3).ranges
        );
        moved.set_band(&then, 3);
        let built = LexIndex::build(&src, &tgt, &lex, &then, 3);
        assert_eq!(moved.ranges, built.ranges);
        assert_eq!(
            (
                &moved.src_flat,
                &moved.src_off,
                &moved.tgt_flat,
                &moved.tgt_off
            ),
            (
                &built.src_flat,
                &built.src_off,
                &built.tgt_flat,
                &built.tgt_off
            )
        );
        assert_eq!(moved.vocab_len, built.vocab_len);
    }

    #[test]
    fn a_unit_filter_never_misses_a_member() {
        let members: Vec<u64> = (0..5000u64)
            .map(|k| k.wrapping_mul(0x1000_0000_01b3) ^ k)
            .collect();
        let f = UnitFilter::new(members.iter().copied(), members.len());
        assert!(members.iter().all(|&u| f.may_contain(u)));
        // Sized at 16 to 32 bits a member, it lets few others through.
        let others = (1u64 << 50..(1u64 << 50) + 20_000)
            .filter(|&u| f.may_contain(u))
            .count();
        assert!(others < 20_000 / 10, "{others}");
        // An empty filter rejects everything.
        let empty = UnitFilter::new(std::iter::empty(), 0);
        assert!(!members.iter().any(|&u| empty.may_contain(u)));
    }

    #[test]
    fn an_index_built_with_keys_is_the_index_built_without() {
        for (n, m) in [(40, 44), (1, 3), (0, 5), (60, 30)] {
            let (src, tgt) = synthetic_pair(n, m);
            let lex = lexicon_of(&src, &tgt);
            let keys = LexKeys::new(&lex);
            let band = Band::diagonal(n, m, 4);
            let (a, b) = (
                LexIndex::build(&src, &tgt, &lex, &band, 3),
                LexIndex::build_with(&src, &tgt, &lex, &keys, &band, 3),
            );
            if n >= 40 {
                assert!(!a.src_flat.is_empty() && !a.tgt_flat.is_empty());
            }
            assert_eq!(
                (&a.src_flat, &a.src_off, &a.tgt_flat, &a.tgt_off, &a.ranges),
                (&b.src_flat, &b.src_off, &b.tgt_flat, &b.tgt_off, &b.ranges)
            );
            assert_eq!(a.vocab_len, b.vocab_len);
        }
    }

    #[test]
    fn pair_counts_by_table_equal_pair_counts_by_search() {
        let (src, tgt) = synthetic_pair(50, 47);
        let lex = lexicon_of(&src, &tgt);
        let idx = LexIndex::build(&src, &tgt, &lex, &Band::full(50, 47), 3);
        let mut pos = vec![0u8; lex.tgt_count()];
        let mut covered = 0;
        for s in 0..50 {
            for t in 0..47 {
                let c = idx.pair_counts(s, t, &lex);
                assert_eq!(idx.pair_counts_in(s, t, &lex, &mut pos), c, "{s} {t}");
                covered += c.0;
            }
        }
        assert!(covered > 0);
        assert!(pos.iter().all(|&p| p == 0));
    }

    #[test]
    fn fast_cost_equals_cost_of_stats() {
        let (src, tgt) = synthetic_pair(40, 44);
        let lex = lexicon_of(&src, &tgt);
        assert!(!lex.is_empty());
        let (n, m) = (src.len(), tgt.len());
        let full = Band::full(n, m);
        let narrow = Band::diagonal(n, m, 1);
        let idx_full = LexIndex::build(&src, &tgt, &lex, &full, 3);
        // A narrow index: beads outside its rows are computed pair by pair.
        let idx_narrow = LexIndex::build(&src, &tgt, &lex, &narrow, 3);
        let len = LengthModel::from_totals(&src, &tgt);
        let w_llr = Weights {
            lex_llr: 1.5,
            lex_grow: 0.05,
            ..Weights::default()
        };
        let sem = synthetic_vectors(n, m);
        let cases: Vec<(Weights, Option<&LexIndex>, Option<&SemDoc>)> = vec![
            (Weights::default(), None, None),
            (Weights::default(), Some(&idx_full), None),
            (Weights::default(), Some(&idx_narrow), None),
            (w_llr, Some(&idx_full), None),
            (Weights::default(), None, Some(&sem)),
            (Weights::default(), Some(&idx_narrow), Some(&sem)),
        ];
        // Every shape the semantic scorer uses (1-4, 2-3 …).
        let types = crate::align::AlignConfig::new(crate::Lang::Zh, crate::Lang::Ru)
            .semantic()
            .bead_types();
        let mut seen_lexical = 0;
        let mut seen_semantic = 0;
        for (w, idx, sem) in cases {
            let mut fast =
                Scorer::new(&src, &tgt, len, w, idx.map(|i| (&lex, i))).with_semantic(sem);
            let mut slow =
                Scorer::new(&src, &tgt, len, w, idx.map(|i| (&lex, i))).with_semantic(sem);
            fast.set_coverage_rates(0.5, 0.04);
            slow.set_coverage_rates(0.5, 0.04);
            for i1 in 0..=n {
                for j1 in 0..=m {
                    for &(a, b) in &types {
                        if a > i1 || b > j1 {
                            continue;
                        }
                        let (i0, j0) = (i1 - a, j1 - b);
                        let st = slow.stats(i0, i1, j0, j1);
                        let want = slow.cost_of(i0, i1, j0, j1, &st);
                        let got = fast.cost(i0, i1, j0, j1);
                        assert_eq!(got.to_bits(), want.to_bits(), "{i0} {i1} {j0} {j1}");
                        if st.lex_cov > 0.0 {
                            seen_lexical += 1;
                        }
                        if st.sem != 0.0 {
                            seen_semantic += 1;
                        }
                    }
                }
            }
        }
        assert!(seen_lexical > 100, "{seen_lexical}");
        assert!(seen_semantic > 1000, "{seen_semantic}");
    }

    /// The gated cost skips a bead only when it cannot beat the best so far, and otherwise
    /// gives the exact cost, whatever the weights' signs.
    #[test]
    fn gated_cost_skips_only_losing_beads() {
        let (src, tgt) = synthetic_pair(40, 44);
        let lex = lexicon_of(&src, &tgt);
        let (n, m) = (src.len(), tgt.len());
        let idx = LexIndex::build(&src, &tgt, &lex, &Band::diagonal(n, m, 2), 3);
        let len = LengthModel::from_totals(&src, &tgt);
        let odd = Weights {
            anchor_miss: -0.7,
            anchor_match: -1.0,
            name_match: 3.0,
            lex: -2.0,
            lex_grow: 0.1,
            ..Weights::default()
        };
        let llr = Weights {
            lex_llr: 1.5,
            ..Weights::default()
        };
        let types = crate::align::AlignConfig::new(crate::Lang::Zh, crate::Lang::Ru).bead_types();
        let mut skipped = 0;
        for (w, idx) in [
            (Weights::default(), None),
            (Weights::default(), Some(&idx)),
            (odd, Some(&idx)),
            (llr, Some(&idx)),
        ] {
            let mut sc = Scorer::new(&src, &tgt, len, w, idx.map(|i| (&lex, i)));
            sc.set_coverage_rates(0.5, 0.04);
            for i1 in 0..=n {
                for j1 in 0..=m {
                    for &(a, b) in &types {
                        if a > i1 || b > j1 {
                            continue;
                        }
                        let (i0, j0) = (i1 - a, j1 - b);
                        let exact = sc.cost(i0, i1, j0, j1);
                        for prev in [0.0f32, 17.25, -3.5] {
                            for d in [-4.0f32, -0.5, -1e-6, 0.0, 1e-6, 0.5, 4.0, f32::INFINITY] {
                                let best = prev + exact + d;
                                match sc.cost_if_better((i0, i1, j0, j1), prev, best) {
                                    Some(c) => assert_eq!(c.to_bits(), exact.to_bits()),
                                    None => {
                                        assert!(prev + exact >= best, "{i0} {i1} {j0} {j1}");
                                        skipped += 1;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(skipped > 1000, "{skipped}");
    }

    /// A DP run reading a memo that holds the costs and the bounds of skipped beads of an
    /// earlier run finds what a run computing every cost finds, with the default weights and
    /// with odd ones.
    #[test]
    fn memo_bounds_keep_the_runs() {
        use super::super::dp::{self, CostMemo, Kept};
        let (src, tgt) = synthetic_pair(60, 66);
        let lex = lexicon_of(&src, &tgt);
        let (n, m) = (src.len(), tgt.len());
        let band = Band::diagonal(n, m, 6);
        let idx = LexIndex::build(&src, &tgt, &lex, &band, 3);
        let len = LengthModel::from_totals(&src, &tgt);
        let types = crate::align::AlignConfig::new(crate::Lang::Zh, crate::Lang::Ru).bead_types();
        let odd = Weights {
            anchor_miss: -0.7,
            lex_grow: 0.1,
            ..Weights::default()
        };
        for w in [Weights::default(), odd] {
            let mut sc = Scorer::new(&src, &tgt, len, w, Some((&lex, &idx)));
            let plain = dp::run(n, &band, &types, true, None, &mut sc).unwrap();
            let mut memo = CostMemo::new(&band, &types);
            let first = dp::run(n, &band, &types, true, Some(&mut memo), &mut sc).unwrap();
            let mut bounds = 0;
            for i in 0..=n {
                for j in band.lo[i]..=band.hi[i] {
                    for &(a, b) in &types {
                        if a <= i && b <= j {
                            let bead = (i - a, i, j - b, j);
                            bounds += matches!(memo.kept(bead), Some(Kept::Bound(_))) as usize;
                        }
                    }
                }
            }
            assert!(bounds > 0);
            let again = dp::run(n, &band, &types, true, Some(&mut memo), &mut sc).unwrap();
            for r in [&first, &again] {
                assert_eq!(r.path, plain.path);
                assert_eq!(r.total.to_bits(), plain.total.to_bits());
                assert_eq!(r.costs, plain.costs);
            }
        }
    }

    /// A scorer whose mask rows are a ring (as on a long document) gives every bead the
    /// cost one that keeps every row gives, the rows asked for in any order.
    #[test]
    fn ring_of_mask_rows_gives_the_kept_costs() {
        let (src, tgt) = synthetic_pair(40, 44);
        let lex = lexicon_of(&src, &tgt);
        let (n, m) = (src.len(), tgt.len());
        let idx = LexIndex::build(&src, &tgt, &lex, &Band::diagonal(n, m, 6), 3);
        let len = LengthModel::from_totals(&src, &tgt);
        let w = Weights::default();
        let mut kept = Scorer::new(&src, &tgt, len, w, Some((&lex, &idx)));
        let mut ring = Scorer::new(&src, &tgt, len, w, Some((&lex, &idx)));
        assert_eq!(kept.mask_rows.len(), n);
        ring.lay_out_mask_slots(Some(&idx), MASK_RING);
        let types = crate::align::AlignConfig::new(crate::Lang::Zh, crate::Lang::Ru).bead_types();
        let mut beads = Vec::new();
        for i1 in 0..=n {
            for j1 in 0..=m {
                for &(a, b) in &types {
                    if a <= i1 && b <= j1 {
                        beads.push((i1 - a, i1, j1 - b, j1));
                    }
                }
            }
        }
        let mut lexical = 0;
        for order in [false, true] {
            if order {
                beads.reverse();
            }
            for &(i0, i1, j0, j1) in &beads {
                let want = kept.cost(i0, i1, j0, j1);
                assert_eq!(ring.cost(i0, i1, j0, j1).to_bits(), want.to_bits());
                lexical += usize::from(kept.stats(i0, i1, j0, j1).lex_cov > 0.0);
            }
        }
        assert!(lexical > 100, "{lexical}");
    }

    #[test]
    fn mask_rows_equal_pairwise_masks() {
        let (src, tgt) = synthetic_pair(30, 31);
        let lex = lexicon_of(&src, &tgt);
        let idx = LexIndex::build(&src, &tgt, &lex, &Band::full(30, 31), 3);
        let mut by_id = vec![0; idx.vocab_len];
        let (mut touched, mut row) = (Vec::new(), vec![(0, 0); tgt.len()]);
        let mut nonzero = 0;
        for s in 0..src.len() {
            idx.compute_row(s, (0, tgt.len()), &lex, &mut by_id, &mut touched, &mut row);
            for (t, &masks) in row.iter().enumerate() {
                assert_eq!(masks, idx.compute(s, t, &lex), "{s} {t}");
                nonzero += (masks.0 != 0) as usize;
            }
            assert!(by_id.iter().all(|&b| b == 0));
        }
        assert!(nonzero > 20, "{nonzero}");
    }

    /// The punctuation term from the table is the sum of the four class differences.
    #[test]
    fn punct_diff_sums_class_differences() {
        for pa in 0..=255u8 {
            for pb in 0..=255u8 {
                let want: u32 = (0..N_PUNCT)
                    .map(|k| ((pa >> (2 * k)) & 3).abs_diff((pb >> (2 * k)) & 3) as u32)
                    .sum();
                assert_eq!(punct_diff(pa, pb), want as f32, "{pa:08b} {pb:08b}");
            }
        }
    }

    #[test]
    fn refit_is_robust() {
        let mut pairs: Vec<(f32, f32)> = (10..60).map(|x| (x as f32, x as f32 * 3.0)).collect();
        pairs.push((10.0, 500.0));
        pairs.push((80.0, 2.0));
        let m = LengthModel::from_totals(&[], &[]).refit(&pairs);
        assert!((m.mu - 3.0f32.ln()).abs() < 0.05, "{m:?}");
        assert!(m.sigma <= 0.15);
    }
}

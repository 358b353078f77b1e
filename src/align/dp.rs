//! Banded dynamic programming over beads.
//!
//! Nodes are `(i, j)` = "the first `i` source and `j` target segments are aligned". Only the
//! nodes inside a [`Band`] (for each `i`, a range of `j`, both ends non-decreasing in `i`) are
//! visited, so time and memory grow with `n × band width`, not `n × m`.

use rayon::prelude::*;

/// For each source prefix length `i` in `0..=n`, the allowed target prefix lengths
/// `lo[i]..=hi[i]`; both non-decreasing, `lo[0] = 0`, `hi[n] = m`.
#[derive(Debug, Clone)]
pub struct Band {
    /// Lowest allowed `j` per row.
    pub lo: Vec<usize>,
    /// Highest allowed `j` per row.
    pub hi: Vec<usize>,
    /// Target length.
    pub m: usize,
}

impl Band {
    /// Every node: for small inputs.
    pub fn full(n: usize, m: usize) -> Band {
        Band {
            lo: vec![0; n + 1],
            hi: vec![m; n + 1],
            m,
        }
    }

    /// A band of half-width `w` around the straight diagonal.
    pub fn diagonal(n: usize, m: usize, w: usize) -> Band {
        let mut lo = Vec::with_capacity(n + 1);
        let mut hi = Vec::with_capacity(n + 1);
        for i in 0..=n {
            let c = (i * m).checked_div(n).unwrap_or(0);
            lo.push(c.saturating_sub(w));
            hi.push((c + w).min(m));
        }
        let mut b = Band { lo, hi, m };
        b.fix_ends();
        b
    }

    /// A band of half-width `w` around the length diagonal: row `i` centred on the target
    /// prefix whose share of the target's length (`tcum`, cumulative, `m + 1` entries) is
    /// the source prefix's share of the source's (`scum`, `n + 1` entries). Sentence lengths
    /// follow a long document's local imbalances (a dropped or merged sentence here, a
    /// boilerplate line there) that the straight diagonal ignores: on 10,000-segment
    /// concatenations the true path strays up to 46 segments from the straight diagonal,
    /// 30 from this one.
    pub fn along_lengths(scum: &[f64], tcum: &[f64], w: usize) -> Band {
        let (n, m) = (scum.len() - 1, tcum.len() - 1);
        let (ss, ts) = (scum[n].max(1.0), tcum[m].max(1.0));
        let mut lo = Vec::with_capacity(n + 1);
        let mut hi = Vec::with_capacity(n + 1);
        let mut j = 0;
        for &x in scum {
            let want = x / ss * ts;
            while j < m && tcum[j + 1] <= want {
                j += 1;
            }
            lo.push(j.saturating_sub(w));
            hi.push((j + w).min(m));
        }
        let mut b = Band { lo, hi, m };
        b.fix_ends();
        b
    }

    /// A band of half-width `w` around a path of nodes (monotone, from `(0,0)` to `(n,m)`).
    pub fn around_path(n: usize, m: usize, nodes: &[(usize, usize)], w: usize) -> Band {
        let mut pmin = vec![usize::MAX; n + 1];
        let mut pmax = vec![0usize; n + 1];
        for &(i, j) in nodes {
            if i <= n {
                pmin[i] = pmin[i].min(j);
                pmax[i] = pmax[i].max(j);
            }
        }
        // Rows the path jumps over (an m-n bead) take the neighbouring rows' values.
        for i in 1..=n {
            if pmin[i] == usize::MAX {
                pmin[i] = pmax[i - 1];
                pmax[i] = pmax[i - 1];
            }
        }
        if pmin[0] == usize::MAX {
            pmin[0] = 0;
        }
        let mut lo = vec![0; n + 1];
        let mut hi = vec![0; n + 1];
        // Widen in both directions: w rows up/down as well as w columns left/right.
        for i in 0..=n {
            let a = i.saturating_sub(w);
            let b = (i + w).min(n);
            lo[i] = pmin[a].saturating_sub(w);
            hi[i] = (pmax[b] + w).min(m);
        }
        let mut band = Band { lo, hi, m };
        band.fix_ends();
        band
    }

    fn fix_ends(&mut self) {
        let n = self.lo.len() - 1;
        self.lo[0] = 0;
        self.hi[n] = self.m;
        for i in 1..=n {
            self.lo[i] = self.lo[i].max(self.lo[i - 1]);
        }
        for i in (0..n).rev() {
            self.hi[i] = self.hi[i].min(self.hi[i + 1]);
        }
        for i in 0..=n {
            if self.hi[i] < self.lo[i] {
                self.hi[i] = self.lo[i];
            }
        }
        // Keep hi non-decreasing after the fix above.
        for i in 1..=n {
            self.hi[i] = self.hi[i].max(self.hi[i - 1]);
        }
    }

    /// Number of nodes in the band.
    pub fn cells(&self) -> usize {
        self.lo.iter().zip(&self.hi).map(|(l, h)| h - l + 1).sum()
    }

    /// The same band for the reversed problem (both sequences read backwards).
    pub fn reversed(&self) -> Band {
        let n = self.lo.len() - 1;
        let m = self.m;
        let lo = (0..=n).map(|i| m - self.hi[n - i]).collect();
        let hi = (0..=n).map(|i| m - self.lo[n - i]).collect();
        Band { lo, hi, m }
    }

    /// Whether the band holds every node.
    pub fn is_full(&self) -> bool {
        self.lo.iter().all(|&l| l == 0) && self.hi.iter().all(|&h| h == self.m)
    }

    /// Moves both edges out by `g` in every row.
    pub fn widen_everywhere(&mut self, g: usize) {
        for (l, h) in self.lo.iter_mut().zip(self.hi.iter_mut()) {
            *l = l.saturating_sub(g);
            *h = (*h + g).min(self.m);
        }
        self.fix_ends();
    }

    /// Moves the edge that a node of `path` lies on out by `g`, in the rows within `2g` of
    /// that node; the rows beyond follow only as far as the edges must stay monotone.
    pub fn widen_where_touched(&mut self, path: &[Span], g: usize) {
        let n = self.lo.len() - 1;
        let m = self.m;
        // +1 / -1 marks of row ranges to widen (difference arrays), one per edge.
        let mut dlo = vec![0i32; n + 2];
        let mut dhi = vec![0i32; n + 2];
        for (i, j) in path_nodes(path) {
            // Rows up to 2g before and after: a path pushed against the edge over a stretch
            // usually strays a while before it touches and after it leaves.
            let (a, b) = (i.saturating_sub(2 * g), (i + 2 * g).min(n) + 1);
            if j == self.lo[i] && j > 0 && i > 0 {
                dlo[a] += 1;
                dlo[b] -= 1;
            }
            if j == self.hi[i] && j < m && i < n {
                dhi[a] += 1;
                dhi[b] -= 1;
            }
        }
        let (mut cl, mut ch) = (0, 0);
        for i in 0..=n {
            cl += dlo[i];
            ch += dhi[i];
            if cl > 0 {
                self.lo[i] = self.lo[i].saturating_sub(g);
            }
            if ch > 0 {
                self.hi[i] = (self.hi[i] + g).min(m);
            }
        }
        // Monotone again: a lowered `lo` pulls the rows before it down, a raised `hi` pushes
        // the rows after it up.
        for i in (0..n).rev() {
            self.lo[i] = self.lo[i].min(self.lo[i + 1]);
        }
        for i in 1..=n {
            self.hi[i] = self.hi[i].max(self.hi[i - 1]);
        }
        self.fix_ends();
    }

    fn contains(&self, i: usize, j: usize) -> bool {
        i < self.lo.len() && j >= self.lo[i] && j <= self.hi[i]
    }
}

/// One bead of a DP path: source `i0..i1`, target `j0..j1`.
pub type Span = (usize, usize, usize, usize);

/// The cost of a bead; lower is better.
pub trait BeadCost {
    /// Cost of aligning source segments `i0..i1` with target segments `j0..j1`.
    fn cost(&mut self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32;

    /// The cost of `bead` (`(i0, i1, j0, j1)`, as for [`BeadCost::cost`]) that a path
    /// arriving with cost `prev` may take to beat `best`, the
    /// best cost found so far for the bead's end node; `None` only when `prev + cost >= best`
    /// is certain, so a DP that skips those beads keeps the same best paths, costs and ties
    /// (the first of equal candidates wins). Lets a cost skip its dear terms when a cheap
    /// bound already loses; the default computes the cost.
    #[inline]
    fn cost_if_better(&mut self, bead: Span, prev: f32, best: f32) -> Option<f32> {
        let _ = (prev, best);
        let (i0, i1, j0, j1) = bead;
        Some(self.cost(i0, i1, j0, j1))
    }

    /// [`BeadCost::cost_if_better`], with the lower bound that showed a skipped bead loses:
    /// `Err(bound)` with `prev + bound >= best`, where any later query of the same bead whose
    /// `prev' + bound >= best'` may be skipped as well (so a [`CostMemo`] keeps the bound and
    /// another pass need not compute the bead again). The default gives `-inf` (no bound).
    #[inline]
    fn cost_or_bound(&mut self, bead: Span, prev: f32, best: f32) -> Result<f32, f32> {
        self.cost_if_better(bead, prev, best)
            .ok_or(f32::NEG_INFINITY)
    }
}

/// What a [`CostMemo`] holds of one bead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kept {
    /// Its cost.
    Cost(f32),
    /// A lower bound that once showed it cannot win (see [`BeadCost::cost_or_bound`]).
    Bound(f32),
}

impl Kept {
    /// What this settles for a path arriving with `prev` that must beat `best`, as
    /// [`BeadCost::cost_or_bound`] would answer: the cost, or the bound when it loses here
    /// too; `None` when the bead must be computed.
    #[inline]
    pub fn settles(self, prev: f32, best: f32) -> Option<Result<f32, f32>> {
        match self {
            Kept::Cost(v) => Some(Ok(v)),
            Kept::Bound(b) if prev + b >= best => Some(Err(b)),
            Kept::Bound(_) => None,
        }
    }
}

/// Largest [`CostMemo`] kept (slots of 4 bytes, 16 MB): the first pass's band fits for
/// documents of up to about 12,000 segments, the later passes' for about 30,000; a longer
/// document computes its costs again rather than grow its peak memory.
pub const MEMO_MAX_SLOTS: usize = 1 << 22;

/// Rows in a block of [`CostMemo::fill_on_pool`]: small enough that the threads finish
/// together, large enough that taking one is rare (a fork's ring of mask rows computes a
/// few rows again at each block's start).
const FILL_BLOCK_ROWS: usize = 256;

/// Fewest rows a band needs for each cost [`CostMemo::fill_on_pool`] works with: a fork of a
/// scorer copies its tables.
const MIN_FILL_ROWS: usize = 512;

/// How many costs [`CostMemo::fill_on_pool`] is worth running with over a band of `rows`
/// rows on `threads` threads: one a thread, each with at least [`MIN_FILL_ROWS`] rows.
pub fn fill_workers(rows: usize, threads: usize) -> usize {
    threads.min(rows / MIN_FILL_ROWS).max(1)
}

/// The bead costs DP passes computed, by end node (inside a band) and shape; for a bead
/// skipped by [`BeadCost::cost_or_bound`], the lower bound that showed it loses; `NaN` for
/// those not computed (outside a path's reach). A bead's cost is a pure function of the bead,
/// so a later pass over the same problem (a widening retry, the backward pass) may read them
/// instead of computing them again, and skip a bead whose bound loses there too.
pub struct CostMemo {
    /// Band rows: lowest and highest node per row and the first slot of each row.
    lo: Vec<usize>,
    hi: Vec<usize>,
    off: Vec<usize>,
    /// Shape index by `(source count, target count)`, `u8::MAX` for shapes not used.
    shape: [[u8; 5]; 5],
    shapes: usize,
    costs: Vec<f32>,
    /// Per slot, one bit: whether `costs` holds a lower bound rather than the cost.
    bounds: Vec<u64>,
}

impl CostMemo {
    /// An empty memo for the bead shapes `types` ending in `band`.
    pub fn new(band: &Band, types: &[(usize, usize)]) -> CostMemo {
        let mut shape = [[u8::MAX; 5]; 5];
        for (t, &(a, b)) in types.iter().enumerate() {
            if a < 5 && b < 5 {
                shape[a][b] = t as u8;
            }
        }
        let mut off = Vec::with_capacity(band.lo.len() + 1);
        let mut total = 0;
        for (l, h) in band.lo.iter().zip(&band.hi) {
            off.push(total);
            total += (h - l + 1) * types.len();
        }
        let (costs, bounds) = spare_buffers(total);
        CostMemo {
            lo: band.lo.clone(),
            hi: band.hi.clone(),
            off,
            shape,
            shapes: types.len(),
            costs,
            bounds,
        }
    }

    /// Carries this memo over to `band`, a widening of its band, in place: the costs it
    /// holds stay, the new nodes' slots are empty. Growing the one buffer rather than
    /// copying into a new one spares the pages of a second memo. Returns false, leaving the
    /// memo as it was, when `band` does not hold every node of the memo's band.
    fn widen(&mut self, band: &Band) -> bool {
        let rows = self.lo.len();
        if band.lo.len() != rows
            || (0..rows).any(|i| band.lo[i] > self.lo[i] || band.hi[i] < self.hi[i])
        {
            return false;
        }
        let shapes = self.shapes;
        let mut off = Vec::with_capacity(rows);
        let mut total = 0;
        for (l, h) in band.lo.iter().zip(&band.hi) {
            off.push(total);
            total += (h - l + 1) * shapes;
        }
        self.costs.resize(total, f32::NAN);
        self.bounds.resize(total.div_ceil(64), 0);
        // Every row is at least as wide as before, so each row's new place starts at or after
        // its old one and ends before the next row's: moved from the last row back, no row
        // overwrites one not yet moved.
        for i in (0..rows).rev() {
            let len = (self.hi[i] - self.lo[i] + 1) * shapes;
            let from = self.off[i];
            let start = off[i];
            let end = start + (band.hi[i] - band.lo[i] + 1) * shapes;
            let to = start + (self.lo[i] - band.lo[i]) * shapes;
            self.costs.copy_within(from..from + len, to);
            move_bits(&mut self.bounds, from, to, len);
            self.costs[start..to].fill(f32::NAN);
            self.costs[to + len..end].fill(f32::NAN);
            clear_bits(&mut self.bounds, start, to);
            clear_bits(&mut self.bounds, to + len, end);
        }
        self.lo.clone_from(&band.lo);
        self.hi.clone_from(&band.hi);
        self.off = off;
        true
    }

    /// Computes the cost of every bead a DP run over the memo's band can ask for (those
    /// whose both ends are nodes of the band), with `here` and each of `others` on the
    /// thread pool (a share of timing task `task` each), all taking blocks of
    /// [`FILL_BLOCK_ROWS`] rows one after another until none is left: a cost that is slower
    /// in some part of the band does not leave the other threads waiting.
    ///
    /// A bead's cost is a pure function of the bead, so a run reading them here takes the
    /// path, costs and ties it takes computing them itself. It would have skipped some beads
    /// by their lower bounds ([`BeadCost::cost_or_bound`]); computing those anyway is the
    /// price of sharing the costs out (a tenth more cost work on a lexical pass), and the
    /// run that follows on one thread is left with the recurrence alone.
    pub fn fill_on_pool<C: BeadCost + Send>(
        &mut self,
        types: &[(usize, usize)],
        task: &'static str,
        here: &mut C,
        others: &mut [C],
    ) {
        debug_assert_eq!(types.len(), self.shapes);
        let rows = self.lo.len();
        // each block's slots: rows `r0..r1`, one slice of the buffer starting at slot `first`
        let mut blocks = Vec::with_capacity(rows.div_ceil(FILL_BLOCK_ROWS));
        let mut rest: &mut [f32] = &mut self.costs;
        let mut first = 0;
        for r0 in (0..rows).step_by(FILL_BLOCK_ROWS) {
            let r1 = (r0 + FILL_BLOCK_ROWS).min(rows);
            let end = self.off.get(r1).copied().unwrap_or(first + rest.len());
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(end - first);
            blocks.push((r0..r1, head, first));
            rest = tail;
            first = end;
        }
        let blocks = std::sync::Mutex::new(blocks.into_iter());
        let (lo, hi, off) = (&self.lo, &self.hi, &self.off);
        let work = |cost: &mut C| {
            let inside = |i: usize, j: usize| j >= lo[i] && j <= hi[i];
            loop {
                // (a poisoned lock: another worker panicked; its panic is the one reported)
                let Some((chunk, slots, first)) = blocks.lock().ok().and_then(|mut b| b.next())
                else {
                    return;
                };
                for i in chunk {
                    let row = off[i] - first;
                    for j in lo[i]..=hi[i] {
                        let node = row + (j - lo[i]) * types.len();
                        for (t, &(a, b)) in types.iter().enumerate() {
                            if a > i || b > j || (a == 0 && b == 0) || !inside(i - a, j - b) {
                                continue;
                            }
                            slots[node + t] = cost.cost(i - a, i, j - b, j);
                        }
                    }
                }
            }
        };
        rayon::join(
            || {
                // (this closure too may run on a thread of the pool other than the caller's)
                let _share = crate::timing::share(task);
                work(here)
            },
            || {
                others.par_iter_mut().for_each(|cost| {
                    let _share = crate::timing::share(task);
                    work(cost);
                })
            },
        );
    }

    /// The slot of the bead of shape `a`-`b` ending at node `(i1, j1)`.
    #[inline]
    fn slot(&self, i1: usize, j1: usize, a: usize, b: usize) -> Option<usize> {
        let t = *self.shape.get(a)?.get(b)?;
        if t == u8::MAX || i1 >= self.lo.len() || j1 < self.lo[i1] || j1 > self.hi[i1] {
            return None;
        }
        Some(self.off[i1] + (j1 - self.lo[i1]) * self.shapes + t as usize)
    }

    /// The kept cost of `bead`, if any.
    #[inline]
    pub fn get(&self, bead: Span) -> Option<f32> {
        match self.kept(bead)? {
            Kept::Cost(v) => Some(v),
            Kept::Bound(_) => None,
        }
    }

    /// What is kept of `bead`, if anything.
    #[inline]
    pub fn kept(&self, (i0, i1, j0, j1): Span) -> Option<Kept> {
        let k = self.slot(i1, j1, i1 - i0, j1 - j0)?;
        kept_in(&self.costs, &self.bounds, k, k)
    }

    /// The slots of row `i` (node by node, shape by shape within a node).
    #[inline]
    fn row_mut(&mut self, i: usize) -> MemoRow<'_> {
        let len = (self.hi[i] - self.lo[i] + 1) * self.shapes;
        let first = self.off[i];
        MemoRow {
            costs: &mut self.costs[first..first + len],
            bounds: &mut self.bounds,
            first,
        }
    }
}

impl Drop for CostMemo {
    /// Hands the buffers to the next memo made on this thread (see [`spare_buffers`]).
    fn drop(&mut self) {
        let buffers = (
            std::mem::take(&mut self.costs),
            std::mem::take(&mut self.bounds),
        );
        SPARE_MEMOS.with(|spare| {
            let mut spare = spare.borrow_mut();
            if spare.len() < SPARE_MEMOS_KEPT {
                spare.push(buffers);
            }
        });
    }
}

/// Buffers of memos dropped on a thread, at most one pair (a run holds one memo at a time,
/// widened in place): every DP run (each pass, each lexical round) makes a memo of up to
/// [`MEMO_MAX_SLOTS`] slots, and a fresh one of that size is fresh pages from the system,
/// whose faults took a tenth of a 10,000-segment alignment's time. The pair stays with the
/// thread (at most 16.5 MB) for its next alignment.
const SPARE_MEMOS_KEPT: usize = 1;

thread_local! {
    static SPARE_MEMOS: std::cell::RefCell<Vec<(Vec<f32>, Vec<u64>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A memo's buffers for `slots` slots, all empty (`NaN` costs, no bound bits): a spare pair
/// of this thread's when there is one (the largest), else new ones.
fn spare_buffers(slots: usize) -> (Vec<f32>, Vec<u64>) {
    let (mut costs, mut bounds) = SPARE_MEMOS.with(|spare| {
        let mut spare = spare.borrow_mut();
        let largest = (0..spare.len()).max_by_key(|&k| spare[k].0.capacity());
        largest.map(|k| spare.swap_remove(k)).unwrap_or_default()
    });
    costs.clear();
    costs.resize(slots, f32::NAN);
    bounds.clear();
    bounds.resize(slots.div_ceil(64), 0);
    (costs, bounds)
}

/// What slot `k` of `costs` keeps, its bound bit being bit `bit_k` of `bounds`.
#[inline]
fn kept_in(costs: &[f32], bounds: &[u64], k: usize, bit_k: usize) -> Option<Kept> {
    let v = costs[k];
    if v.is_nan() {
        None
    } else if bit(bounds, bit_k) {
        Some(Kept::Bound(v))
    } else {
        Some(Kept::Cost(v))
    }
}

/// Bit `k` of a bit set.
#[inline]
fn bit(set: &[u64], k: usize) -> bool {
    set[k / 64] >> (k % 64) & 1 != 0
}

/// Sets bit `k` of a bit set to `v`.
#[inline]
fn set_bit(set: &mut [u64], k: usize, v: bool) {
    let m = 1u64 << (k % 64);
    if v {
        set[k / 64] |= m;
    } else {
        set[k / 64] &= !m;
    }
}

/// `count` (at most 64) bits of a bit set from bit `pos`, as the low bits of a word.
#[inline]
fn get_bits(set: &[u64], pos: usize, count: usize) -> u64 {
    let (w, s) = (pos / 64, pos % 64);
    let mut v = set[w] >> s;
    if s > 0 && s + count > 64 {
        v |= set[w + 1] << (64 - s);
    }
    v & low_mask(count)
}

/// Writes the low `count` (at most 64) bits of `v` to a bit set from bit `pos`.
#[inline]
fn put_bits(set: &mut [u64], pos: usize, count: usize, v: u64) {
    let (w, s) = (pos / 64, pos % 64);
    let mask = low_mask(count);
    set[w] = (set[w] & !(mask << s)) | ((v & mask) << s);
    if s > 0 && s + count > 64 {
        // the bits that did not fit in word `w`
        let done = 64 - s;
        set[w + 1] = (set[w + 1] & !(mask >> done)) | ((v & mask) >> done);
    }
}

/// A word of `count` (at most 64) low bits set.
#[inline]
fn low_mask(count: usize) -> u64 {
    if count >= 64 {
        u64::MAX
    } else {
        (1u64 << count) - 1
    }
}

/// Moves bits `from..from + len` of a bit set to `to..to + len`, `to >= from` (the ranges
/// may overlap), a word at a time from the last.
fn move_bits(set: &mut [u64], from: usize, to: usize, len: usize) {
    debug_assert!(to >= from);
    let mut left = len;
    while left > 0 {
        let count = left.min(64);
        left -= count;
        // every bit still to read lies below `from + left <= to + left`
        let v = get_bits(set, from + left, count);
        put_bits(set, to + left, count, v);
    }
}

/// Clears bits `start..end` of a bit set.
fn clear_bits(set: &mut [u64], start: usize, end: usize) {
    let mut pos = start;
    while pos < end {
        let count = (end - pos).min(64);
        put_bits(set, pos, count, 0);
        pos += count;
    }
}

/// One row's slots of a [`CostMemo`]: its costs, and the memo's bound bits from the row's
/// first slot, `first`.
struct MemoRow<'m> {
    costs: &'m mut [f32],
    bounds: &'m mut [u64],
    first: usize,
}

impl MemoRow<'_> {
    /// The cost of the bead in slot `k` that a path arriving with `prev` may take to beat
    /// `best` (as [`BeadCost::cost_if_better`]): from the slot when it holds the cost or a
    /// bound that already loses, else from `cost`, and kept. (Always inlined: the DP asks at
    /// every bead.)
    #[inline(always)]
    fn cost<C: BeadCost + ?Sized>(
        &mut self,
        k: usize,
        bead: Span,
        prev: f32,
        best: f32,
        cost: &mut C,
    ) -> Option<f32> {
        let kept = kept_in(self.costs, self.bounds, k, self.first + k);
        if let Some(settled) = kept.and_then(|kept| kept.settles(prev, best)) {
            return settled.ok();
        }
        match cost.cost_or_bound(bead, prev, best) {
            Ok(c) => {
                self.costs[k] = c;
                set_bit(self.bounds, self.first + k, false);
                Some(c)
            }
            Err(b) => {
                // a bound of -inf tells nothing: leave the slot empty
                if b > f32::NEG_INFINITY {
                    self.costs[k] = b;
                    set_bit(self.bounds, self.first + k, true);
                }
                None
            }
        }
    }
}

/// Result of one DP run.
pub struct DpResult {
    /// Beads of the best path, in order.
    pub path: Vec<Span>,
    /// Whether the path ran along the band's edge (the band may have been too narrow).
    pub touched_edge: bool,
    /// Cost of the best path.
    pub total: f32,
    /// Best cost of reaching each node, row by row (only when asked for).
    pub costs: Option<BandRows<f32>>,
}

/// One value per node of a [`Band`], row by row in one buffer: row `i` (nodes
/// `lo[i]..=hi[i]`) at `start[i]..start[i + 1]`; `rows[i][j - lo[i]]` is node `(i, j)`.
///
/// A DP run keeps its costs and backpointers in two of these rather than in a vector per
/// row: one allocation per run instead of one per row and run (on a 10,000-segment document,
/// some 100,000 small allocations and as many frees, a percent or two of its time).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BandRows<T> {
    /// Where each row starts in `data`, and where the last one ends (`rows + 1` entries).
    start: Vec<usize>,
    data: Vec<T>,
}

impl<T: Copy> BandRows<T> {
    /// Rows for `band`, every node holding `fill`.
    pub fn new(band: &Band, fill: T) -> Self {
        let mut rows = BandRows {
            start: Vec::with_capacity(band.lo.len() + 1),
            data: Vec::new(),
        };
        rows.relayout(band, 0, fill);
        rows
    }

    /// Lays the rows out for `band`, keeping the values of the rows before `keep` (whose
    /// ranges in `band` must be those they were laid out for, as [`first_changed_row`] finds
    /// them): the rows from `keep` on hold `fill`. Rows before an unchanged row start where
    /// they started, so the kept ones stay in place and the buffer only grows or shrinks
    /// at its end.
    pub(super) fn relayout(&mut self, band: &Band, keep: usize, fill: T) {
        let rows = band.lo.len();
        let keep = keep.min(rows).min(self.start.len().saturating_sub(1));
        self.start.truncate(keep + 1);
        if self.start.is_empty() {
            self.start.push(0);
        }
        let mut at = self.start[keep];
        self.data.truncate(at);
        for i in keep..rows {
            at += band.hi[i] - band.lo[i] + 1;
            self.start.push(at);
        }
        self.data.resize(at, fill);
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// Where each row starts, the rows before row `i` (one slice: row `r` at
    /// `start[r]..start[r + 1]` of it) and row `i` itself, writable.
    #[inline]
    pub(super) fn split_at_row(&mut self, i: usize) -> (&[usize], &[T], &mut [T]) {
        let (a, b) = (self.start[i], self.start[i + 1]);
        let (done, rest) = self.data.split_at_mut(a);
        (&self.start, done, &mut rest[..b - a])
    }

    /// Row `i`, writable.
    #[inline]
    pub(super) fn row_mut(&mut self, i: usize) -> &mut [T] {
        let (a, b) = (self.start[i], self.start[i + 1]);
        &mut self.data[a..b]
    }
}

impl<T> std::ops::Index<usize> for BandRows<T> {
    type Output = [T];

    /// Row `i`: the values of nodes `lo[i]..=hi[i]`.
    #[inline]
    fn index(&self, i: usize) -> &[T] {
        &self.data[self.start[i]..self.start[i + 1]]
    }
}

/// Fills row `i` of the DP: best cost of reaching each node of the row (and, when asked, the
/// bead type that reaches it). `earlier(pi, pj)` is the best cost of reaching node
/// `(pi, pj)` of an earlier row (inside the band). `memo`, the row's slots of a [`CostMemo`]
/// of this band, gives the bead costs it holds and keeps those computed.
#[allow(clippy::too_many_arguments)]
fn fill_row<C: BeadCost + ?Sized, E: Fn(usize, usize) -> f32>(
    i: usize,
    band: &Band,
    types: &[(usize, usize)],
    earlier: &E,
    row: &mut [f32],
    mut brow: Option<&mut [u8]>,
    mut memo: Option<MemoRow<'_>>,
    cost: &mut C,
) {
    let (lo, hi) = (band.lo[i], band.hi[i]);
    for j in lo..=hi {
        if i == 0 && j == 0 {
            row[0] = 0.0;
            continue;
        }
        let mut best = f32::INFINITY;
        let mut arg = u8::MAX;
        for (t, &(a, b)) in types.iter().enumerate() {
            if a > i || b > j {
                continue;
            }
            let (pi, pj) = (i - a, j - b);
            if !band.contains(pi, pj) {
                continue;
            }
            let prev = if a == 0 {
                row[pj - lo]
            } else {
                earlier(pi, pj)
            };
            if !prev.is_finite() {
                continue;
            }
            let bead = match memo.as_mut() {
                Some(memo) => {
                    memo.cost((j - lo) * types.len() + t, (pi, i, pj, j), prev, best, cost)
                }
                None => cost.cost_if_better((pi, i, pj, j), prev, best),
            };
            let Some(bead) = bead else {
                continue;
            };
            let c = prev + bead;
            if c < best {
                best = c;
                arg = t as u8;
            }
        }
        row[j - lo] = best;
        if let Some(b) = brow.as_deref_mut() {
            b[j - lo] = arg;
        }
    }
}

/// Runs the DP over `band` with bead shapes `types` (each `(a, b)`: `a` source and `b` target
/// segments), reading and keeping bead costs in `memo` (made for this band) when given.
/// Returns `None` when no path fits in the band.
pub fn run<C: BeadCost + ?Sized>(
    n: usize,
    band: &Band,
    types: &[(usize, usize)],
    keep_costs: bool,
    mut memo: Option<&mut CostMemo>,
    cost: &mut C,
) -> Option<DpResult> {
    // Backpointers for every node; costs for every node when kept, else in a ring of rows.
    let mut bp = BandRows::new(band, u8::MAX);
    if keep_costs {
        let mut rows = BandRows::new(band, f32::INFINITY);
        fill(n, band, types, 0, &mut rows, &mut bp, memo, cost);
        let r = backtrace(n, band, types, &rows[n], &bp)?;
        return Some(DpResult {
            costs: Some(rows),
            ..r
        });
    }
    let mut ring = Ring::new(types);
    for i in 0..=n {
        let memo_row = memo.as_deref_mut().map(|m| m.row_mut(i));
        ring.fill_row(i, band, types, Some(bp.row_mut(i)), memo_row, cost);
    }
    backtrace(n, band, types, ring.row(n), &bp)
}

/// The last few rows of a DP's costs, for a run that keeps no others: as many as the
/// longest bead reaches back, rounded up to a power of two, so that a row's slot is a mask,
/// not a division (the DP asks for it per bead).
struct Ring {
    rows: Vec<Vec<f32>>,
    mask: usize,
}

impl Ring {
    fn new(types: &[(usize, usize)]) -> Ring {
        let amax = types.iter().map(|t| t.0).max().unwrap_or(1);
        let len = (amax + 1).next_power_of_two();
        Ring {
            rows: vec![Vec::new(); len],
            mask: len - 1,
        }
    }

    /// The costs of row `i` (one of the last rows filled).
    fn row(&self, i: usize) -> &[f32] {
        &self.rows[i & self.mask]
    }

    /// Fills row `i` (see [`fill_row`]) in the slot of the row it replaces.
    fn fill_row<C: BeadCost + ?Sized>(
        &mut self,
        i: usize,
        band: &Band,
        types: &[(usize, usize)],
        brow: Option<&mut [u8]>,
        memo: Option<MemoRow<'_>>,
        cost: &mut C,
    ) {
        let mut row = std::mem::take(&mut self.rows[i & self.mask]);
        row.clear();
        row.resize(band.hi[i] - band.lo[i] + 1, f32::INFINITY);
        let (rows, mask) = (&self.rows, self.mask);
        let earlier = |pi: usize, pj: usize| rows[pi & mask][pj - band.lo[pi]];
        fill_row(i, band, types, &earlier, &mut row, brow, memo, cost);
        self.rows[i & mask] = row;
    }
}

/// Fills rows `start..=n` of the costs (`rows`) and backpointers, laid out for `band`; the
/// rows before `start` must hold the costs of this band already. `memo`, made for this band,
/// gives and keeps bead costs.
#[allow(clippy::too_many_arguments)]
fn fill<C: BeadCost + ?Sized>(
    n: usize,
    band: &Band,
    types: &[(usize, usize)],
    start: usize,
    rows: &mut BandRows<f32>,
    bp: &mut BandRows<u8>,
    mut memo: Option<&mut CostMemo>,
    cost: &mut C,
) {
    for i in start..=n {
        let (starts, done, row) = rows.split_at_row(i);
        let earlier = |pi: usize, pj: usize| done[starts[pi] + (pj - band.lo[pi])];
        let memo_row = memo.as_deref_mut().map(|m| m.row_mut(i));
        fill_row(
            i,
            band,
            types,
            &earlier,
            row,
            Some(bp.row_mut(i)),
            memo_row,
            cost,
        );
    }
}

/// The best path from the filled backpointers; `last` is row `n`'s costs. `None` when no
/// path fits. `costs` is left empty.
pub(super) fn backtrace(
    n: usize,
    band: &Band,
    types: &[(usize, usize)],
    last: &[f32],
    bp: &BandRows<u8>,
) -> Option<DpResult> {
    let m = band.m;
    let total = last[m - band.lo[n]];
    if !total.is_finite() {
        return None;
    }
    let mut path = Vec::new();
    let mut touched = false;
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        if (j == band.lo[i] && j > 0 && i > 0 && band.lo[i] > 0) || (j == band.hi[i] && j < m) {
            touched = true;
        }
        let t = bp[i][j - band.lo[i]];
        let (a, b) = *types.get(t as usize)?;
        path.push((i - a, i, j - b, j));
        i -= a;
        j -= b;
    }
    path.reverse();
    Some(DpResult {
        path,
        touched_edge: touched,
        total,
        costs: None,
    })
}

/// The first row whose range differs between two bands of the same problem (`n + 1` when
/// none does): a row's costs depend only on the band's rows up to it, so a widened band's
/// DP can start again from there.
fn first_changed_row(a: &Band, b: &Band) -> usize {
    (0..a.lo.len())
        .find(|&i| a.lo[i] != b.lo[i] || a.hi[i] != b.hi[i])
        .unwrap_or(a.lo.len())
}

/// Runs the DP over `band` like [`run`], but keeps only the best cost of reaching each node
/// of `want` (`(i, j)`, sorted; `INFINITY` outside the band): a few rows in a ring, no
/// backpointers, so memory is `O(band + want)` rather than `O(n × band)`. `None` when no path
/// fits.
pub fn costs_at<C: BeadCost + ?Sized>(
    n: usize,
    band: &Band,
    types: &[(usize, usize)],
    want: &[(u32, u32)],
    cost: &mut C,
) -> Option<Vec<f32>> {
    let m = band.m;
    let mut ring = Ring::new(types);
    let mut out = vec![f32::INFINITY; want.len()];
    let mut k = 0;
    for i in 0..=n {
        ring.fill_row(i, band, types, None, None, cost);
        let row = ring.row(i);
        while k < want.len() && want[k].0 as usize <= i {
            let (wi, wj) = (want[k].0 as usize, want[k].1 as usize);
            if wi == i && band.contains(i, wj) {
                out[k] = row[wj - band.lo[i]];
            }
            k += 1;
        }
    }
    let total = ring.row(n)[m - band.lo[n]];
    total.is_finite().then_some(out)
}

/// Runs the DP in `band`, widening it only where the best path runs along its edge, until
/// the path stays inside or the widening reaches `max_grow`. Returns the result and the band.
///
/// Each retry moves the edge out by `grow` (doubling from `first_grow`) in the rows around
/// each touching node (`grow` rows either way), so a band follows a drifting path at the
/// cost of a few more cells where it drifts, instead of doubling everywhere: the cells per
/// segment stay flat however long the document and however far the sides' counts differ.
#[allow(clippy::too_many_arguments)]
pub fn run_widening<C: BeadCost + ?Sized>(
    n: usize,
    mut band: Band,
    first_grow: usize,
    max_grow: usize,
    types: &[(usize, usize)],
    keep_costs: bool,
    cost: &mut C,
) -> (DpResult, Band) {
    let m = band.m;
    let mut grow = first_grow.max(1);
    // Every row's costs are kept between retries: a retry recomputes only the rows from the
    // first one the widening changed (on a long document, a touch near its end no longer
    // costs a whole pass).
    let mut rows = BandRows::default();
    let mut bp = BandRows::default();
    let mut filled: Option<Band> = None;
    // The bead costs computed so far, when they fit: a retry recomputes the rows after the
    // first changed one, but most of their beads were in the band before.
    let fits = |b: &Band| b.cells() * types.len() <= MEMO_MAX_SLOTS;
    let mut memo = fits(&band).then(|| CostMemo::new(&band, types));
    loop {
        let full = band.is_full();
        let start = filled.as_ref().map_or(0, |f| first_changed_row(f, &band));
        rows.relayout(&band, start, f32::INFINITY);
        bp.relayout(&band, start, u8::MAX);
        fill(
            n,
            &band,
            types,
            start,
            &mut rows,
            &mut bp,
            memo.as_mut(),
            cost,
        );
        filled = Some(band.clone());
        match backtrace(n, &band, types, &rows[n], &bp) {
            Some(r) if !r.touched_edge || full || grow > max_grow => {
                let r = DpResult {
                    costs: if keep_costs { Some(rows) } else { None },
                    ..r
                };
                return (r, band);
            }
            Some(r) => {
                band.widen_where_touched(&r.path, grow);
                memo = memo.and_then(|mut m| (fits(&band) && m.widen(&band)).then_some(m));
            }
            None if full => {
                // Cannot happen with 1-0 and 0-1 beads; keep going defensively.
                let path = trivial_path(n, m);
                return (
                    DpResult {
                        path,
                        touched_edge: false,
                        total: f32::INFINITY,
                        costs: None,
                    },
                    band,
                );
            }
            None => {
                band.widen_everywhere(grow);
                memo = memo.and_then(|mut m| (fits(&band) && m.widen(&band)).then_some(m));
            }
        }
        grow = grow.saturating_mul(2);
    }
}

/// All source segments as 1-0 beads then all target segments as 0-1 beads.
pub fn trivial_path(n: usize, m: usize) -> Vec<Span> {
    (0..n)
        .map(|i| (i, i + 1, 0, 0))
        .chain((0..m).map(|j| (n, n, j, j + 1)))
        .collect()
}

/// Nodes visited by a path, including `(0, 0)`.
pub fn path_nodes(path: &[Span]) -> Vec<(usize, usize)> {
    let mut v = vec![(0, 0)];
    v.extend(path.iter().map(|&(_, i1, _, j1)| (i1, j1)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Diag;
    impl BeadCost for Diag {
        fn cost(&mut self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
            if i1 - i0 == 1 && j1 - j0 == 1 {
                0.0
            } else {
                3.0
            }
        }
    }

    #[test]
    fn band_is_monotone_and_reversible() {
        let b = Band::diagonal(10, 7, 2);
        assert!(b.lo.windows(2).all(|w| w[0] <= w[1]));
        assert!(b.hi.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(b.reversed().reversed().lo, b.lo);
        let p = Band::around_path(3, 3, &[(0, 0), (1, 1), (2, 2), (3, 3)], 0);
        assert_eq!(p.cells(), 4);
    }

    /// [`Wobbly`] with a lower bound that lets the DP skip beads, as the scorer's gate does
    /// (`cost - 0.3`, given only when it shows the bead loses).
    struct GatedWobbly;
    impl BeadCost for GatedWobbly {
        fn cost(&mut self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
            Wobbly.cost(i0, i1, j0, j1) + ((i0 * 13 + j1 * 5) % 11) as f32 * 0.0731
        }

        fn cost_or_bound(&mut self, bead: Span, prev: f32, best: f32) -> Result<f32, f32> {
            let c = self.cost(bead.0, bead.1, bead.2, bead.3);
            let bound = c - 0.3;
            if prev + bound >= best {
                Err(bound)
            } else {
                Ok(c)
            }
        }
    }

    /// Costs filled on a pool before the run give the path, costs and ties the run gives
    /// computing (and skipping) them itself.
    #[test]
    fn costs_filled_on_a_pool_change_no_result() {
        let types = crate::align::AlignConfig::new(crate::Lang::Zh, crate::Lang::Ru).bead_types();
        let (n, m) = (3_000, 2_981);
        let band = Band::diagonal(n, m, 6);
        let mut alone = CostMemo::new(&band, &types);
        let one = run(n, &band, &types, true, Some(&mut alone), &mut GatedWobbly).unwrap();
        for threads in [1, 2, 3] {
            let mut filled = CostMemo::new(&band, &types);
            let mut others: Vec<GatedWobbly> = (1..threads).map(|_| GatedWobbly).collect();
            crate::align::split::test_pool(threads).install(|| {
                filled.fill_on_pool(&types, "test.fill", &mut GatedWobbly, &mut others)
            });
            // every bead starting and ending in the band holds its cost
            for i in 0..=n {
                for j in band.lo[i]..=band.hi[i] {
                    for &(a, b) in &types {
                        if a <= i && b <= j && band.contains(i - a, j - b) && a + b > 0 {
                            let bead = (i - a, i, j - b, j);
                            let want = GatedWobbly.cost(bead.0, bead.1, bead.2, bead.3);
                            assert_eq!(filled.kept(bead), Some(Kept::Cost(want)), "{bead:?}");
                        }
                    }
                }
            }
            let many = run(n, &band, &types, true, Some(&mut filled), &mut GatedWobbly).unwrap();
            assert_eq!(one.path, many.path, "{threads} threads");
            assert_eq!(one.total.to_bits(), many.total.to_bits());
            let (a, b) = (one.costs.as_ref().unwrap(), many.costs.as_ref().unwrap());
            for i in 0..=n {
                let bits = |r: &[f32]| r.iter().map(|c| c.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&a[i]), bits(&b[i]), "row {i}");
            }
        }
    }

    /// A cost with some structure, so that node costs differ.
    struct Wobbly;
    impl BeadCost for Wobbly {
        fn cost(&mut self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
            let shape = (i1 - i0) * 4 + (j1 - j0);
            ((i0 * 7 + j0 * 3 + shape) % 5) as f32 * 0.5 + shape as f32 * 0.1
        }
    }

    #[test]
    fn costs_at_equals_kept_rows() {
        let types = crate::align::AlignConfig::new(crate::Lang::Zh, crate::Lang::Ru).bead_types();
        let band = Band::diagonal(30, 26, 4);
        let kept = run(30, &band, &types, true, None, &mut Wobbly).unwrap();
        let rows = kept.costs.unwrap();
        let want: Vec<(u32, u32)> = (0..=30u32)
            .flat_map(|i| (0..=26u32).map(move |j| (i, j)))
            .filter(|&(i, j)| (i + j) % 3 != 0)
            .collect();
        let got = costs_at(30, &band, &types, &want, &mut Wobbly).unwrap();
        for (&(i, j), &c) in want.iter().zip(&got) {
            let (i, j) = (i as usize, j as usize);
            if band.contains(i, j) {
                assert_eq!(c.to_bits(), rows[i][j - band.lo[i]].to_bits(), "{i} {j}");
            } else {
                assert!(c.is_infinite());
            }
        }
    }

    /// The best path skips the first 30 target segments, then runs 1-1: 30 segments off
    /// the diagonal, far outside a band of 3.
    struct Offset;
    impl BeadCost for Offset {
        fn cost(&mut self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
            match (i1 - i0, j1 - j0) {
                (1, 1) if j0 == i0 + 30 => 0.0,
                (0, 1) | (1, 0) => 1.0,
                _ => 5.0,
            }
        }
    }

    #[test]
    fn widening_follows_a_drifting_path() {
        let types = [(1, 1), (1, 0), (0, 1), (1, 2), (2, 1)];
        let (n, m) = (200, 230);
        let best = run(n, &Band::full(n, m), &types, false, None, &mut Offset).unwrap();
        assert_eq!(best.total, 30.0);
        let start = Band::diagonal(n, m, 3);
        let (r, band) = run_widening(n, start.clone(), 3, 4000, &types, false, &mut Offset);
        assert_eq!(r.total, best.total);
        assert_eq!(r.path, best.path);
        assert!(!r.touched_edge);
        // Widened where the path strays, not everywhere.
        assert!(
            band.cells() < Band::full(n, m).cells() / 2,
            "{}",
            band.cells()
        );
        assert!(band.lo.windows(2).all(|w| w[0] <= w[1]));
        assert!(band.hi.windows(2).all(|w| w[0] <= w[1]));
    }

    /// [`Offset`] with [`Wobbly`]'s structure on top, so that node costs differ everywhere.
    struct OffsetWobbly;
    impl BeadCost for OffsetWobbly {
        fn cost(&mut self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
            Offset.cost(i0, i1, j0, j1) + 0.01 * Wobbly.cost(i0, i1, j0, j1)
        }
    }

    #[test]
    fn widening_retries_equal_a_fresh_run_on_the_final_band() {
        let types = crate::align::AlignConfig::new(crate::Lang::Zh, crate::Lang::Ru).bead_types();
        let (n, m) = (300, 340);
        for keep in [false, true] {
            let start = Band::diagonal(n, m, 2);
            let (r, band) = run_widening(n, start, 2, 4000, &types, keep, &mut OffsetWobbly);
            let fresh = run(n, &band, &types, keep, None, &mut OffsetWobbly).unwrap();
            assert_eq!(r.path, fresh.path);
            assert_eq!(r.total.to_bits(), fresh.total.to_bits());
            assert_eq!(r.touched_edge, fresh.touched_edge);
            if keep {
                let (a, b) = (r.costs.unwrap(), fresh.costs.unwrap());
                for i in 0..=n {
                    let x: Vec<u32> = a[i].iter().map(|c| c.to_bits()).collect();
                    let y: Vec<u32> = b[i].iter().map(|c| c.to_bits()).collect();
                    assert_eq!(x, y, "row {i}");
                }
            }
        }
    }

    /// A run that reads every bead cost from a [`CostMemo`] (filled by an earlier run, then
    /// carried into a wider band) finds what a run computing them finds.
    #[test]
    fn memoised_costs_give_the_same_run() {
        let types = crate::align::AlignConfig::new(crate::Lang::Zh, crate::Lang::Ru).bead_types();
        let (n, m) = (120, 131);
        let band = Band::diagonal(n, m, 6);
        let mut memo = CostMemo::new(&band, &types);
        let plain = run(n, &band, &types, true, None, &mut OffsetWobbly).unwrap();
        let first = run(n, &band, &types, true, Some(&mut memo), &mut OffsetWobbly).unwrap();
        let again = run(n, &band, &types, true, Some(&mut memo), &mut OffsetWobbly).unwrap();
        let mut wide = band.clone();
        wide.widen_everywhere(5);
        // the narrower band's costs are carried to the same beads
        let bead = (40, 41, 44, 45);
        let kept = memo.get(bead);
        assert!(kept.is_some());
        let mut carried = memo;
        assert!(carried.widen(&wide));
        assert_eq!(carried.get(bead), kept);
        let fresh = run(n, &wide, &types, true, None, &mut OffsetWobbly).unwrap();
        let read = run(
            n,
            &wide,
            &types,
            true,
            Some(&mut carried),
            &mut OffsetWobbly,
        )
        .unwrap();
        for (a, b) in [(&plain, &first), (&plain, &again), (&fresh, &read)] {
            assert_eq!(a.path, b.path);
            assert_eq!(a.total.to_bits(), b.total.to_bits());
            assert_eq!(a.costs, b.costs);
        }
    }

    /// Moving and clearing bit ranges a word at a time does what doing it bit by bit does,
    /// at every alignment and overlap.
    #[test]
    fn bit_ranges_move_as_bits() {
        let mut rng = crate::align::xorshift(0x0123_4567_89ab_cdef);
        let mut next = move || rng(u64::MAX);
        for _ in 0..3000 {
            let set: Vec<u64> = (0..6).map(|_| next()).collect();
            let bits = set.len() * 64;
            let from = (next() % 200) as usize;
            let to = from + (next() % 100) as usize;
            let len = (next() % (bits - to) as u64) as usize;
            let mut want = set.clone();
            for k in (0..len).rev() {
                let b = bit(&want, from + k);
                set_bit(&mut want, to + k, b);
            }
            let mut got = set.clone();
            move_bits(&mut got, from, to, len);
            assert_eq!(got, want, "{from} {to} {len}");
            let (a, b) = (from.min(to + len / 2), to + len);
            for k in a..b {
                set_bit(&mut want, k, false);
            }
            clear_bits(&mut got, a, b);
            assert_eq!(got, want, "clear {a} {b}");
        }
    }

    /// Widening a memo in place keeps what it holds of every bead (costs and bounds) and
    /// leaves the new nodes' slots empty, however unevenly the band grows.
    #[test]
    fn widening_a_memo_keeps_its_beads() {
        let types = crate::align::AlignConfig::new(crate::Lang::Zh, crate::Lang::Ru).bead_types();
        let (n, m) = (90, 97);
        let band = Band::diagonal(n, m, 3);
        let mut memo = CostMemo::new(&band, &types);
        let beads = |b: &Band| -> Vec<Span> {
            let mut v = Vec::new();
            for i in 0..=n {
                for j in b.lo[i]..=b.hi[i] {
                    for &(a, c) in &types {
                        if a <= i && c <= j {
                            v.push((i - a, i, j - c, j));
                        }
                    }
                }
            }
            v
        };
        // Every third slot a cost, every fifth a bound, the rest empty.
        for (k, &bead) in beads(&band).iter().enumerate() {
            let (i0, i1, j0, j1) = bead;
            let slot = memo.slot(i1, j1, i1 - i0, j1 - j0).unwrap();
            if k % 3 == 0 {
                memo.costs[slot] = k as f32;
            } else if k % 5 == 0 {
                memo.costs[slot] = -(k as f32);
                set_bit(&mut memo.bounds, slot, true);
            }
        }
        let before: Vec<(Span, Option<Kept>)> = beads(&band)
            .into_iter()
            .map(|b| (b, memo.kept(b)))
            .collect();
        let mut wide = band.clone();
        // Paths along the lower edge in some rows, the upper one in another.
        let along = |e: &[usize], r: std::ops::Range<usize>| -> Vec<Span> {
            r.map(|i| (i, i + 1, e[i], e[i + 1])).collect()
        };
        wide.widen_where_touched(&along(&band.lo, 20..40), 4);
        wide.widen_where_touched(&along(&band.hi, 60..61), 9);
        assert!(wide.cells() > band.cells());
        assert!(memo.widen(&wide));
        for &(b, k) in &before {
            assert_eq!(memo.kept(b), k, "{b:?}");
        }
        let old: std::collections::HashSet<Span> = before.iter().map(|x| x.0).collect();
        for b in beads(&wide) {
            if !old.contains(&b) {
                assert_eq!(memo.kept(b), None, "{b:?}");
            }
        }
        // A band that does not hold the memo's is refused.
        assert!(!memo.widen(&band));
    }

    /// The DP's node costs and path equal a plain reading of the recurrence (every shape
    /// in order, the first of equal candidates winning), with shapes reaching further back
    /// than the default ones.
    #[test]
    fn rows_equal_the_plain_recurrence() {
        let mut types =
            crate::align::AlignConfig::new(crate::Lang::Zh, crate::Lang::Ru).bead_types();
        types.extend([(5, 1), (9, 3), (1, 7)]);
        let (n, m) = (70, 64);
        for band in [Band::diagonal(n, m, 5), Band::full(n, m)] {
            let r = run(n, &band, &types, true, None, &mut OffsetWobbly).unwrap();
            let rows = r.costs.unwrap();
            let mut want: Vec<Vec<f32>> = Vec::new();
            for i in 0..=n {
                let mut row = Vec::new();
                for j in band.lo[i]..=band.hi[i] {
                    let mut best = if i == 0 && j == 0 { 0.0 } else { f32::INFINITY };
                    for &(a, b) in &types {
                        if (i, j) == (0, 0) || a > i || b > j || !band.contains(i - a, j - b) {
                            continue;
                        }
                        let (pi, pj) = (i - a, j - b);
                        let prev = if a == 0 {
                            row[pj - band.lo[i]]
                        } else {
                            want[pi][pj - band.lo[pi]]
                        };
                        let c: f32 = prev + OffsetWobbly.cost(pi, i, pj, j);
                        if c < best {
                            best = c;
                        }
                    }
                    row.push(best);
                }
                want.push(row);
            }
            for i in 0..=n {
                let x: Vec<u32> = rows[i].iter().map(|c| c.to_bits()).collect();
                let y: Vec<u32> = want[i].iter().map(|c| c.to_bits()).collect();
                assert_eq!(x, y, "row {i}");
            }
            // The ring of rows (sixteen here) reads the same costs.
            let nodes: Vec<(u32, u32)> = (0..=n)
                .flat_map(|i| (band.lo[i]..=band.hi[i]).map(move |j| (i as u32, j as u32)))
                .collect();
            let got = costs_at(n, &band, &types, &nodes, &mut OffsetWobbly).unwrap();
            for (&(i, j), c) in nodes.iter().zip(got) {
                let (i, j) = (i as usize, j as usize);
                assert_eq!(c.to_bits(), want[i][j - band.lo[i]].to_bits(), "{i} {j}");
            }
        }
    }

    /// Rows in one buffer hold what a vector per row holds, node by node; the rows before a
    /// row read from [`BandRows::split_at_row`] are the earlier rows; and laying the rows out
    /// again for a band changed from some row on keeps the rows before it, whether the band
    /// grew or shrank.
    #[test]
    fn band_rows_match_a_vector_per_row() {
        let (n, m) = (40, 37);
        let band = Band::diagonal(n, m, 3);
        let node = |i: usize, j: usize| (i * 100 + j) as i32;
        let mut flat = BandRows::new(&band, -1);
        let mut per_row: Vec<Vec<i32>> = (0..=n)
            .map(|i| vec![-1; band.hi[i] - band.lo[i] + 1])
            .collect();
        for i in 0..=n {
            for j in band.lo[i]..=band.hi[i] {
                flat.row_mut(i)[j - band.lo[i]] = node(i, j);
                per_row[i][j - band.lo[i]] = node(i, j);
            }
        }
        assert_eq!(flat.rows(), n + 1);
        for i in 0..=n {
            assert_eq!(&flat[i], &per_row[i][..], "row {i}");
        }
        for i in [0, 1, 20, n] {
            let (starts, done, row) = flat.split_at_row(i);
            assert_eq!(row, &per_row[i][..]);
            for r in 0..i {
                assert_eq!(&done[starts[r]..starts[r + 1]], &per_row[r][..], "{i} {r}");
            }
        }
        // Widened along the lower edge from row 30: rows before the first changed one keep
        // their values, the others hold the fill, each as wide as the new band's row.
        let mut wide = band.clone();
        let along: Vec<Span> = (30..36)
            .map(|i| (i, i + 1, band.lo[i], band.lo[i + 1]))
            .collect();
        wide.widen_where_touched(&along, 5);
        let keep = first_changed_row(&band, &wide);
        assert!(keep > 0 && keep <= n, "{keep}");
        for (to, from) in [(&wide, &band), (&band, &wide)] {
            flat.relayout(to, keep, -2);
            assert_eq!(flat.rows(), n + 1);
            for i in 0..=n {
                if i < keep {
                    assert_eq!(&flat[i], &per_row[i][..], "row {i}");
                    assert_eq!((to.lo[i], to.hi[i]), (from.lo[i], from.hi[i]));
                } else {
                    assert_eq!(flat[i].len(), to.hi[i] - to.lo[i] + 1, "row {i}");
                    assert!(flat[i].iter().all(|&v| v == -2), "row {i}");
                }
            }
            // (as the DP fills them again)
            for i in keep..=n {
                for j in to.lo[i]..=to.hi[i] {
                    flat.row_mut(i)[j - to.lo[i]] = node(i, j);
                }
            }
        }
        // back on the first band, the same as rows laid out for it at once
        let mut fresh = BandRows::new(&band, 0);
        for i in 0..=n {
            for j in band.lo[i]..=band.hi[i] {
                fresh.row_mut(i)[j - band.lo[i]] = node(i, j);
            }
        }
        assert_eq!(flat, fresh);
        assert_eq!(flat.data.len(), band.cells());
    }

    #[test]
    fn length_band_follows_lengths() {
        // Source segments of length 1 then 3; target all 2: the centre lags then catches up.
        let scum: Vec<f64> = (0..=10)
            .map(|i: usize| (i.min(5) + 3 * i.saturating_sub(5)) as f64)
            .collect();
        let tcum: Vec<f64> = (0..=10).map(|j| 2.0 * j as f64).collect();
        let b = Band::along_lengths(&scum, &tcum, 0);
        assert_eq!(b.lo[0], 0);
        assert_eq!(b.hi[10], 10);
        assert!(b.lo[5] < 5, "{:?}", b.lo);
        assert!(b.lo.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn diagonal_path_found() {
        let types = [(1, 1), (1, 0), (0, 1), (1, 2), (2, 1)];
        let r = run(5, &Band::full(5, 6), &types, false, None, &mut Diag).unwrap();
        assert_eq!(r.total, 3.0);
    }
}

//! The two-pass aligner: dictionary-free pass, translation table learnt from its confident
//! beads, lexical pass, then confidence from forward/backward path costs.

use super::bead_cache::{BeadCache, DocBeads};
use super::coarse;
use super::dp::{self, Band, BeadCost, CostMemo, DpResult, Span, MEMO_MAX_SLOTS};
use super::feature_cache::DocFeats;
use super::features::{self, SegFeat};
use super::learn::{self, BeadCounts, Counts, Model, StageCounts};
use super::lexicon::Lexicon;
use super::names;
use super::resplit::{self, DocContext, ResplitCounts};
use super::score::{BeadStats, LengthModel, LexIndex, LexKeys, Scorer, SideTables};
use super::seeds::{self, SeedTerms};
use super::semantic::{self, SemDoc, SentenceEmbedder, Which};
use super::split;
use super::{AlignConfig, AlignedDoc, Alignment, Bead, Segment};
use crate::{Error, Lang, Result};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// One document pair after pass 1.
struct DocState {
    src: Vec<SegFeat>,
    tgt: Vec<SegFeat>,
    len: LengthModel,
    /// Current beads with a badness each (lower = more trusted): pass-1 cost per segment, or
    /// one minus confidence after a lexical pass.
    pass1: Vec<(Span, f32)>,
    /// Sentence vectors (semantic scorer only).
    sem: Option<SemDoc>,
    /// Whether this document's own work is shared over the pool ([`split::within`]).
    split: bool,
}

/// Largest single widening step of a band before giving up widening (memory bound).
const MAX_BAND: usize = 4000;

/// The features of one side's segments; with `split`, in chunks on the pool (each with its
/// own stem cache: a cache holds keys that do not depend on it, so the features are the same).
fn featurize_side(segs: &[Segment], lang: Lang, split: bool) -> Vec<SegFeat> {
    let mut out = vec![SegFeat::default(); segs.len()];
    split::fill_chunks(
        segs,
        &mut out,
        split,
        split::MIN_CHUNK,
        "align.features",
        |segs, out| {
            let mut stems = features::StemKeys::new(lang);
            for (f, s) in out.iter_mut().zip(segs) {
                *f = features::featurize_with(&s.text, s.paragraph, lang, &mut stems);
            }
        },
    );
    out
}

/// Marks boilerplate: texts repeated across [`learn::REPEAT_MIN_DOCS`] or more documents of the batch
/// (within one document, repetition is no evidence: a long pair may repeat whole passages on
/// both sides), and segments that are a known web or wire boilerplate phrase of the language
/// (`责任编辑：王明`, `Источник: ТАСС`; the segmenter's list), which a single pair cannot show
/// by repetition.
fn mark_repeated(f: &mut [SegFeat], segs: &[Segment], batch: &HashSet<u64>, lang: Lang) {
    for (x, s) in f.iter_mut().zip(segs) {
        let t = s.text.trim();
        x.repeated = batch.contains(&learn::line_key(t)) || crate::segment::is_boilerplate(lang, t);
    }
}

/// The features of one document's segments, with the batch's repeated lines marked and the
/// anchors both sides share; with `split`, the two sides at once, each in chunks.
fn doc_features(src: &[Segment], tgt: &[Segment], batch: &BatchInputs) -> DocFeats {
    let BatchInputs {
        cfg,
        rep,
        seeds,
        split,
    } = *batch;
    let t = crate::timing::task("align.features");
    let (mut fs, mut ft) = split::join(
        split,
        "align.features",
        || featurize_side(src, cfg.src_lang, split),
        || featurize_side(tgt, cfg.tgt_lang, split),
    );
    mark_repeated(&mut fs, src, rep.0, cfg.src_lang);
    mark_repeated(&mut ft, tgt, rep.1, cfg.tgt_lang);
    features::filter_shared_anchors(&mut fs, &mut ft);
    if cfg.names {
        let tn = crate::timing::task("align.names");
        let st: Vec<&str> = src.iter().map(|s| s.text.as_str()).collect();
        let tt: Vec<&str> = tgt.iter().map(|s| s.text.as_str()).collect();
        match (cfg.src_lang, cfg.tgt_lang) {
            (Lang::Zh, l) if l != Lang::Zh => names::add_name_anchors(&mut fs, &st, &mut ft, l),
            (l, Lang::Zh) if l != Lang::Zh => names::add_name_anchors(&mut ft, &tt, &mut fs, l),
            _ => {}
        }
        tn.end();
    }
    seeds::add_anchors(seeds, &mut fs, src, &mut ft, tgt);
    t.end();
    (fs, ft)
}

/// What every document of a batch is prepared with.
#[derive(Clone, Copy)]
struct BatchInputs<'a> {
    cfg: &'a AlignConfig,
    /// Each side's repeated lines (boilerplate) over the batch.
    rep: (&'a HashSet<u64>, &'a HashSet<u64>),
    seeds: &'a SeedTerms,
    /// Whether a document's own work is shared over the pool ([`split::within`]).
    split: bool,
}

fn prepare(
    src: &[Segment],
    tgt: &[Segment],
    batch: &BatchInputs,
    sem: Option<SemDoc>,
    cached: (Option<DocFeats>, Option<DocBeads>),
) -> DocState {
    let cfg = batch.cfg;
    let (fs, ft) = match cached.0 {
        // computed by an earlier step (see [`BeadCache`])
        Some(f) => f,
        None => doc_features(src, tgt, batch),
    };
    let cached = cached.1;
    if let Some(c) = cached {
        // the passes below gave these beads in an earlier step (see [`BeadCache`])
        return DocState {
            src: fs,
            tgt: ft,
            len: c.len,
            pass1: c.beads,
            sem,
            split: batch.split,
        };
    }
    let t = crate::timing::task("align.pass0");
    let types = cfg.bead_types();
    let (n, m) = (fs.len(), ft.len());
    let mut len = LengthModel::from_totals(&fs, &ft);
    let w = cfg.weights;
    // Pass 0: where the path lies. Without sentence vectors, the coarse pass (blocks, then
    // segments, with a cheap cost; see [`coarse`]); with them, the full scorer around the
    // length diagonal (the encoder's time dwarfs the DP's there, and the vectors are the
    // strongest evidence of where the path lies). Both widen where the path hugs the edge.
    // (the side tables without a lexicon: pass 0 and pass 1 read the same ones)
    let sides = (SideTables::new(&fs), SideTables::new(&ft));
    let r0_path = match sem {
        None => coarse::path(&fs, &ft, (&sides.0, &sides.1), len, w, cfg.band, MAX_BAND),
        Some(_) => {
            let mut sc =
                Scorer::over_sides(&fs, &ft, len, w, sides.clone()).with_semantic(sem.as_ref());
            let band =
                Band::along_lengths(&coarse::cumulative(&fs), &coarse::cumulative(&ft), cfg.band);
            dp::run_widening(n, band, cfg.band, MAX_BAND, &types, false, &mut sc)
                .0
                .path
        }
    };
    t.end();
    let t = crate::timing::task("align.pass1");
    // Recalibrate the length model on the 1-1 beads and realign with the full scorer in a
    // band around that path.
    len = len.refit(&one_to_one_lengths(&fs, &ft, &r0_path));
    let nodes = dp::path_nodes(&r0_path);
    let mut sc = Scorer::over_sides(&fs, &ft, len, w, sides).with_semantic(sem.as_ref());
    let pass1_band = match sem {
        None => coarse::PASS1_BAND.min(cfg.path_band),
        Some(_) => cfg.path_band,
    };
    let (r1, _) = dp::run_widening(
        n,
        Band::around_path(n, m, &nodes, pass1_band),
        cfg.path_band,
        MAX_BAND,
        &types,
        false,
        &mut sc,
    );
    let r1_path = r1.path;
    len = len.refit(&one_to_one_lengths(&fs, &ft, &r1_path));
    let pass1 = r1_path
        .iter()
        .map(|&(a, b, c, d)| {
            // Cost per segment, so long beads are not always "unconfident".
            let k = (b - a + d - c).max(1) as f32;
            ((a, b, c, d), sc.cost(a, b, c, d) / k)
        })
        .collect();
    t.end();
    DocState {
        src: fs,
        tgt: ft,
        len,
        pass1,
        sem,
        split: batch.split,
    }
}

fn one_to_one_lengths(fs: &[SegFeat], ft: &[SegFeat], path: &[Span]) -> Vec<(f32, f32)> {
    path.iter()
        .filter(|&&(a, b, c, d)| b - a == 1 && d - c == 1)
        .map(|&(a, _, c, _)| (fs[a].len, ft[c].len))
        .collect()
}

/// The unit sets of one bead's two sides, borrowed when a side is one segment.
type BeadUnits<'a> = (Cow<'a, [u64]>, Cow<'a, [u64]>);

/// Unit sets of one bead (for lexicon learning). A side of one segment lends that segment's
/// units, already a sorted set: most learning beads are 1-1, and copying and sorting their
/// units again was most of this function's time.
fn bead_units(st: &DocState, (a, b, c, d): Span) -> BeadUnits<'_> {
    fn side(feats: &[SegFeat]) -> Cow<'_, [u64]> {
        match feats {
            [one] => Cow::Borrowed(&one.lex),
            _ => {
                let mut v: Vec<u64> = feats.iter().flat_map(|f| f.lex.iter().copied()).collect();
                v.sort_unstable();
                v.dedup();
                Cow::Owned(v)
            }
        }
    }
    (side(&st.src[a..b]), side(&st.tgt[c..d]))
}

/// The badness histogram of one document's non-null beads (see [`learn`]).
fn cost_counts(st: &DocState) -> HashMap<u32, u64> {
    let mut h = HashMap::new();
    for &((a, b, c, d), cost) in &st.pass1 {
        if b > a && d > c {
            *h.entry(cost.to_bits()).or_default() += 1;
        }
    }
    h
}

/// Adds the learning beads of one document to `into`: its non-null beads the batch's cut lets
/// teach (the batch's most trusted; see [`learn::teaches`]). Unit sets are built only for the
/// beads used, which bounds memory on huge inputs.
fn bead_counts(st: &DocState, cut: Option<u32>, into: &mut BeadCounts) {
    for &(span, cost) in &st.pass1 {
        let (a, b, c, d) = span;
        if b > a && d > c && learn::teaches(cost, cut) {
            let (s, t) = bead_units(st, span);
            learn::add_bead(into, &s, &t);
        }
    }
}

/// The unit sets of the learning beads of one document (those [`bead_counts`] counts).
fn teaching_beads(st: &DocState, cut: Option<u32>) -> Vec<BeadUnits<'_>> {
    st.pass1
        .iter()
        .filter(|&&((a, b, c, d), cost)| b > a && d > c && learn::teaches(cost, cut))
        .map(|&(span, _)| bead_units(st, span))
        .collect()
}

/// Reverses a bead cost: bead `(i0, i1, j0, j1)` of the reversed problem is bead
/// `(n - i1, n - i0, m - j1, m - j0)` of the original.
///
/// With `memo`, the costs the forward pass computed are read from it instead of computed
/// again (the backward pass's band lies mostly inside the forward pass's).
struct Reversed<'s, 'a> {
    inner: &'s mut Scorer<'a>,
    n: usize,
    m: usize,
    memo: Option<&'s CostMemo>,
}

impl Reversed<'_, '_> {
    /// The forward pass's cost of the original bead `i0..i1` × `j0..j1`, when it has one.
    #[inline]
    fn memo(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> Option<f32> {
        self.memo?.get((i0, i1, j0, j1))
    }
}

impl BeadCost for Reversed<'_, '_> {
    fn cost(&mut self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
        let (i0, i1, j0, j1) = (self.n - i1, self.n - i0, self.m - j1, self.m - j0);
        match self.memo(i0, i1, j0, j1) {
            Some(v) => v,
            None => self.inner.cost(i0, i1, j0, j1),
        }
    }

    fn cost_if_better(&mut self, bead: Span, prev: f32, best: f32) -> Option<f32> {
        self.cost_or_bound(bead, prev, best).ok()
    }

    fn cost_or_bound(&mut self, bead: Span, prev: f32, best: f32) -> Result<f32, f32> {
        let (i0, i1, j0, j1) = bead;
        let bead = (self.n - i1, self.n - i0, self.m - j1, self.m - j0);
        // The forward pass's cost, or its bound when that shows the bead loses here too.
        let kept = self.memo.and_then(|m| m.kept(bead));
        match kept.and_then(|kept| kept.settles(prev, best)) {
            Some(settled) => settled,
            None => self.inner.cost_or_bound(bead, prev, best),
        }
    }
}

/// Coverage counts `(covered, known)` of the current 1-1 beads (true translations, mostly) and
/// of pairs a few segments off the path (unrelated, mostly).
///
/// Also gives the index it built, for [`finish`] to point at its band: its units are what
/// finish looks up again otherwise.
///
/// `keys`: the look-ups of `lex`, made once for every document of the round.
fn coverage_counts(
    st: &DocState,
    lex: &Lexicon,
    keys: &LexKeys,
    cfg: &AlignConfig,
) -> ([(u64, u64); 2], LexIndex) {
    let (n, m) = (st.src.len(), st.tgt.len());
    let idx = LexIndex::build_with(
        &st.src,
        &st.tgt,
        lex,
        keys,
        &Band::diagonal(n, m, 0),
        cfg.max_bead_side.max(1),
    );
    let mut out = [(0u64, 0u64); 2];
    // (scratch of [`LexIndex::pair_counts_in`])
    let mut pos = vec![0u8; lex.tgt_count()];
    for &((a, b, c, d), _) in &st.pass1 {
        if b - a != 1 || d - c != 1 {
            continue;
        }
        let (cv, kn) = idx.pair_counts_in(a, c, lex, &mut pos);
        out[0].0 += cv as u64;
        out[0].1 += kn as u64;
        let off = c + 7;
        if off < m {
            let (cv, kn) = idx.pair_counts_in(a, off, lex, &mut pos);
            out[1].0 += cv as u64;
            out[1].1 += kn as u64;
        }
    }
    (out, idx)
}

///
/// `idx`: the index of `lex` over this document when one was built already
/// ([`coverage_counts`]), for any band.
fn finish(
    st: &DocState,
    lex: Option<&Lexicon>,
    rates: Option<(f32, f32)>,
    cfg: &AlignConfig,
    idx: Option<LexIndex>,
) -> Alignment {
    let (n, m) = (st.src.len(), st.tgt.len());
    if n == 0 && m == 0 {
        return Alignment::default();
    }
    let _t = crate::timing::task("align.lexical");
    let types = cfg.bead_types();
    let nodes: Vec<(usize, usize)> = {
        let path: Vec<Span> = st.pass1.iter().map(|p| p.0).collect();
        dp::path_nodes(&path)
    };
    let mut band = Band::around_path(n, m, &nodes, cfg.path_band);
    let mut grow = cfg.path_band.max(1);
    let side = cfg.max_bead_side.max(1);
    let mut idx = match idx {
        Some(i) if lex.is_some() => Some(i),
        _ => lex.map(|l| LexIndex::build(&st.src, &st.tgt, l, &band, side)),
    };
    loop {
        if let Some(i) = idx.as_mut() {
            i.set_band(&band, side);
        }
        let lexpair = match (lex, idx.as_ref()) {
            (Some(l), Some(i)) => Some((l, i)),
            _ => None,
        };
        let mut sc = Scorer::new(&st.src, &st.tgt, st.len, cfg.weights, lexpair)
            .with_semantic(st.sem.as_ref());
        if let Some((p1, p0)) = rates {
            sc.set_coverage_rates(p1, p0);
        }
        let full = band.is_full();
        // The memo costs 4 bytes per node and shape: kept for documents of up to about
        // 30,000 segments, so that a long one's peak memory stays where it was.
        let mut memo =
            (band.cells() * types.len() <= MEMO_MAX_SLOTS).then(|| CostMemo::new(&band, &types));
        // One document alone: its bead costs are computed on every thread first (the same
        // costs), and the passes below read them. One worker computes with this scorer (the
        // mask rows it fills serve the beads' evidence later), each other with a fork.
        // (one worker would only compute the beads the DP skips: no fill then)
        let workers = dp::fill_workers(n + 1, rayon::current_num_threads());
        if let Some(memo) = memo.as_mut().filter(|_| st.split && workers > 1) {
            let mut forks: Vec<Scorer> = (1..workers).map(|_| sc.fork()).collect();
            memo.fill_on_pool(&types, "align.lexical", &mut sc, &mut forks);
        }
        let fwd = dp::run(n, &band, &types, true, memo.as_mut(), &mut sc);
        let Some(fwd) = fwd else {
            band.widen_everywhere(grow);
            grow = grow.saturating_mul(2);
            continue;
        };
        if fwd.touched_edge && !full && grow <= MAX_BAND {
            band.widen_where_touched(&fwd.path, grow);
            grow = grow.saturating_mul(2);
            continue;
        }
        // The confidence needs backward costs only next to the path: run the backward pass
        // in a band just wide enough to hold those nodes and the paths through them.
        let want = margin_nodes(&fwd.path, n, m);
        let rband = Band::around_path(n, m, &dp::path_nodes(&fwd.path), BACKWARD_BAND).reversed();
        let bwd = {
            let mut rev = Reversed {
                inner: &mut sc,
                n,
                m,
                memo: memo.as_ref(),
            };
            dp::costs_at(n, &rband, &types, &want, &mut rev)
        };
        drop(memo);
        let bwd = bwd.map(|v| (want, v));
        return build_alignment(&fwd, bwd.as_ref(), &band, &mut sc);
    }
}

/// Half-width of the backward pass's band around the forward path: the margins read nodes
/// up to [`MARGIN_REACH`] away, and a competing path through such a node rejoins the best
/// path within a bead or two.
const BACKWARD_BAND: usize = MARGIN_REACH + 1;

/// Backward costs of some nodes: the nodes (as [`margin_nodes`] gives them) and their costs.
type NodeCosts = (Vec<(u32, u32)>, Vec<f32>);

/// How far from a path node [`build_alignment`] looks for competing nodes.
const MARGIN_REACH: usize = 3;

/// The nodes whose backward costs [`build_alignment`] reads, in reversed coordinates
/// `(n - i, m - j)`, sorted: the neighbours of every node of the path within
/// [`MARGIN_REACH`] along a row or a column.
fn margin_nodes(path: &[Span], n: usize, m: usize) -> Vec<(u32, u32)> {
    // Written straight in reversed `u32` coordinates: on a 100,000-segment document the list
    // holds over a million nodes before deduplication. Sorted by row first (counted, then
    // placed: one list, no copy), then within each row's dozen nodes: sorting the whole list
    // took a percent of a 10,000-segment alignment.
    let nodes = || std::iter::once((0, 0)).chain(path.iter().map(|&(_, i, _, j)| (i, j)));
    let mut starts = vec![0u32; n + 2];
    for node in nodes() {
        push_node_neighbours(&mut |i, _| starts[n - i + 1] += 1, node, n, m);
    }
    for r in 1..starts.len() {
        starts[r] += starts[r - 1];
    }
    let mut v = vec![(0u32, 0u32); starts[n + 1] as usize];
    let mut next = starts.clone();
    for node in nodes() {
        let mut place = |i: usize, j: usize| {
            let r = n - i;
            v[next[r] as usize] = (r as u32, (m - j) as u32);
            next[r] += 1;
        };
        push_node_neighbours(&mut place, node, n, m);
    }
    drop(next);
    for r in 0..=n {
        v[starts[r] as usize..starts[r + 1] as usize].sort_unstable();
    }
    v.dedup();
    v.shrink_to_fit();
    v
}

/// Calls `push` with the neighbours of node `(i, j)` within [`MARGIN_REACH`] along its row
/// and its column.
fn push_node_neighbours(
    push: &mut impl FnMut(usize, usize),
    (i, j): (usize, usize),
    n: usize,
    m: usize,
) {
    for d in 1..=MARGIN_REACH {
        if j >= d {
            push(i, j - d);
        }
        if j + d <= m {
            push(i, j + d);
        }
        if i >= d {
            push(i - d, j);
        }
        if i + d <= n {
            push(i + d, j);
        }
    }
}

/// Turns the best path into beads with a confidence each.
///
/// Confidence combines (a) the margin of the path's nodes: how much more the best path through
/// a competing node (same source prefix with a different target prefix, or vice versa) costs,
/// from forward + backward costs; a bead whose boundaries could move cheaply is doubtful; and
/// (b) the bead's own evidence (lexical coverage, anchors, length fit).
///
/// `bwd` holds the backward costs of the nodes [`margin_nodes`] lists.
fn build_alignment(
    fwd: &DpResult,
    bwd: Option<&NodeCosts>,
    band: &Band,
    sc: &mut Scorer,
) -> Alignment {
    let n = band.lo.len() - 1;
    let m = band.m;
    let f = fwd.costs.as_ref();
    // Where each reversed row's nodes start in `want` (sorted by row): a look-up scans the
    // few nodes of one row instead of searching the whole list.
    let starts: Vec<u32> = bwd.map_or_else(Vec::new, |(want, _)| {
        let mut starts = vec![0u32; n + 2];
        for &(ri, _) in want {
            starts[ri as usize + 1] += 1;
        }
        for r in 1..starts.len() {
            starts[r] += starts[r - 1];
        }
        starts
    });
    let b = bwd.map(|(want, v)| {
        let starts = &starts;
        move |ri: usize, rj: usize| -> f32 {
            let (a, z) = (starts[ri] as usize, starts[ri + 1] as usize);
            want[a..z]
                .iter()
                .position(|&(_, c)| c as usize == rj)
                .map_or(f32::INFINITY, |k| v[a + k])
        }
    });
    let total = fwd.total;
    let rband = band.reversed();
    // Best total cost of a path through node (i, j).
    let through = |i: usize, j: usize| -> f32 {
        let (Some(f), Some(b)) = (f, b) else {
            return f32::INFINITY;
        };
        if j < band.lo[i] || j > band.hi[i] {
            return f32::INFINITY;
        }
        let (ri, rj) = (n - i, m - j);
        if rj < rband.lo[ri] || rj > rband.hi[ri] {
            return f32::INFINITY;
        }
        f[i][j - band.lo[i]] + b(ri, rj)
    };
    let margin = |i: usize, j: usize| -> f32 {
        if (i == 0 && j == 0) || (i == n && j == m) {
            return f32::INFINITY;
        }
        let mut best = f32::INFINITY;
        for dj in 1..=MARGIN_REACH {
            if j >= dj {
                best = best.min(through(i, j - dj));
            }
            if j + dj <= m {
                best = best.min(through(i, j + dj));
            }
            if i >= dj {
                best = best.min(through(i - dj, j));
            }
            if i + dj <= n {
                best = best.min(through(i + dj, j));
            }
        }
        (best - total).max(0.0)
    };
    let beads = fwd
        .path
        .iter()
        .map(|&(i0, i1, j0, j1)| {
            let mg = margin(i0, j0).min(margin(i1, j1));
            let st = sc.stats(i0, i1, j0, j1);
            Bead {
                src: i0..i1,
                tgt: j0..j1,
                confidence: confidence(
                    mg,
                    &st,
                    i1 - i0,
                    j1 - j0,
                    sc.lex.is_some(),
                    sc.sem.is_some(),
                ),
            }
        })
        .collect();
    Alignment { beads }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// A logistic combination of the margin and the bead's evidence; the coefficients were set
/// by hand on development data so that wrong beads sink to the bottom.
fn confidence(
    margin: f32,
    st: &BeadStats,
    a: usize,
    b: usize,
    lexical: bool,
    semantic: bool,
) -> f64 {
    let mg = margin.min(20.0);
    let mut x = -1.0 + 0.6 * mg;
    if a > 0 && b > 0 {
        x += 0.8 * st.anchor_m.min(3.0) - 0.5 * st.anchor_u.min(4.0) + 0.5 * st.name_m.min(2.0);
        x -= 0.3 * st.len_z.abs().min(6.0);
        if lexical {
            x += 4.0 * (Scorer::coverage(st) - 0.3);
        }
        if semantic {
            // The normalised score: +1 at a typical translation, 0 halfway to unrelated.
            x += 1.5 * st.sem;
        }
    } else {
        x -= 0.5;
    }
    sigmoid(x) as f64
}

/// Aligns `src` with `tgt`.
pub fn align(src: &[Segment], tgt: &[Segment], config: &AlignConfig) -> Alignment {
    let mut config = config.clone();
    config.resegment = false;
    let docs = [(src.to_vec(), tgt.to_vec())];
    let mut counts = Counts::new(learn::Header::for_config(&config));
    match drive(&docs, &config, None, &mut counts, Goal::Align, None) {
        Ok(Driven::Aligned(mut v)) => v.pop().map(|d| d.alignment).unwrap_or_default(),
        _ => Alignment::default(),
    }
}

/// Aligns many document pairs, learning the lexical table over the whole batch (documents are
/// processed in parallel; the table is shared). Bead indices refer to the given segments:
/// [`AlignConfig::resegment`] is ignored here (see [`align_batch_segments`]).
pub fn align_batch(docs: &[(Vec<Segment>, Vec<Segment>)], config: &AlignConfig) -> Vec<Alignment> {
    let mut config = config.clone();
    config.resegment = false;
    align_batch_segments(docs, &config)
        .into_iter()
        .map(|d| d.alignment)
        .collect()
}

/// Every document's [`DocState`]; with `cached` features or beads (one per document), what
/// gave them is not run again.
fn prepare_batch(
    docs: &[(Vec<Segment>, Vec<Segment>)],
    config: &AlignConfig,
    sems: Vec<Option<SemDoc>>,
    rep: &[HashSet<u64>; 2],
    cached: Cached,
) -> Vec<DocState> {
    let seeds = SeedTerms::new(config);
    let batch = BatchInputs {
        cfg: config,
        rep: (&rep[0], &rep[1]),
        seeds: &seeds,
        split: split::within(docs.len()),
    };
    let feats: Vec<Option<DocFeats>> = match cached.feats {
        Some(c) => c.into_iter().map(Some).collect(),
        None => vec![None; docs.len()],
    };
    let beads: Vec<Option<DocBeads>> = match cached.beads {
        Some(c) => c.into_iter().map(Some).collect(),
        None => vec![None; docs.len()],
    };
    docs.par_iter()
        .zip(sems.into_par_iter())
        .zip(feats.into_par_iter().zip(beads.into_par_iter()))
        .map(|(((s, t), sem), c)| prepare(s, t, &batch, sem, c))
        .collect()
}

/// What an earlier step left in the [`BeadCache`] for this shard, one per document.
#[derive(Default)]
struct Cached {
    feats: Option<Vec<DocFeats>>,
    beads: Option<Vec<DocBeads>>,
}

/// The current beads of every document, to keep in a [`BeadCache`].
fn doc_beads(states: &[DocState]) -> Vec<DocBeads> {
    states
        .iter()
        .map(|st| DocBeads {
            len: st.len,
            beads: st.pass1.clone(),
        })
        .collect()
}

/// What [`drive`] is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Goal {
    /// The documents are one shard: return their counts of the first stage `counts` lacks.
    Count,
    /// Align: stages `counts` lacks are counted over these documents (the whole batch).
    Align,
}

/// What [`drive`] gives.
pub(crate) enum Driven {
    /// The shard's counts of the next stage.
    Counts(StageCounts),
    /// The aligned documents.
    Aligned(Vec<AlignedDoc>),
}

/// The batch's learning and alignment, stage by stage (see [`learn`]): stage 0 (texts), then
/// per lexical round, the learning beads' counts and the coverage counts, and at last the
/// alignment. A stage `counts` already holds (merged over a corpus) is used as it is; a stage
/// it lacks is counted over `docs`, and with [`Goal::Count`] returned at once.
///
/// With a `cache`, the beads each round starts from are stored there, and the furthest round
/// whose beads are found is started from them instead of aligning the rounds before again
/// (the stages of `counts` must then be sealed, [`Counts::seal`], as the cache's keys are
/// taken over sealed stages). Not with an `embedder`: its joined windows are chosen from the
/// first pass's beads.
pub(crate) fn drive(
    docs: &[(Vec<Segment>, Vec<Segment>)],
    config: &AlignConfig,
    embedder: Option<&dyn SentenceEmbedder>,
    counts: &mut Counts,
    goal: Goal,
    cache: Option<&BeadCache>,
) -> Result<Driven> {
    let cache = cache.filter(|_| embedder.is_none());
    let mut model = Model::new(counts);
    // Hands a stage's counts back (one shard) or makes them part of the model (whole batch).
    let step = |c: StageCounts, counts: &mut Counts, model: &mut Model| -> Option<StageCounts> {
        if goal == Goal::Count {
            return Some(c);
        }
        model.push(&c);
        counts.stages.push(c);
        None
    };
    if !model.texts {
        // Mostly the boundary statistics (jieba tagging); keeps the stage name it had.
        let t = crate::timing::task("align.resegment.stats");
        let c = docs
            .par_iter()
            .map(|(s, t)| {
                StageCounts::Texts(Box::new(learn::count_texts(
                    s.iter().map(|x| x.text.as_str()),
                    t.iter().map(|x| x.text.as_str()),
                    config,
                )))
            })
            .reduce(|| StageCounts::empty(0), add_counts);
        t.end();
        if let Some(c) = step(c, counts, &mut model) {
            return Ok(Driven::Counts(c));
        }
    }
    let rounds = (counts.header.stages as usize - 1) / 3;
    // The furthest round whose starting beads are cached: its stages before are all known.
    let mut start = 0;
    let mut cached = None;
    if let Some(cache) = cache {
        let known = (0..rounds)
            // round r starts after its 1 + 3r stages before
            .take_while(|r| 3 * r < counts.stages.len())
            .count();
        for r in (0..known).rev() {
            if let Some(b) = cache.load(&BeadCache::key(docs, counts, r), docs) {
                crate::timing::count("align.bead_cache.hits", 1);
                (start, cached) = (r, Some(b));
                break;
            }
        }
        if cached.is_none() {
            crate::timing::count("align.bead_cache.misses", 1);
        }
    }
    let fresh = cached.is_none();
    // the features depend on the first stage only: cached once for every later step
    let feats_key = cache.map(|_| BeadCache::features_key(docs, counts));
    let feats = match (cache, &feats_key) {
        (Some(cache), Some(key)) => {
            let f = cache.load_features(key, docs);
            crate::timing::count(
                if f.is_some() {
                    "align.feature_cache.hits"
                } else {
                    "align.feature_cache.misses"
                },
                1,
            );
            f
        }
        _ => None,
    };
    let feats_fresh = feats.is_none();
    let cached = Cached {
        feats,
        beads: cached,
    };
    let mut states = prepare_semantic(docs, config, embedder, &model.repeated, cached)?;
    if let (Some(cache), Some(key), true) = (cache, &feats_key, feats_fresh) {
        let feats: Vec<DocFeats> = states
            .iter()
            .map(|st| (st.src.clone(), st.tgt.clone()))
            .collect();
        // a failure to store only costs a later step the features
        let _ = cache.store_features(key, &feats);
    }
    let keep = |states: &[DocState], counts: &Counts, round: usize| {
        if let Some(cache) = cache {
            // a failure to store only costs a later step the alignment
            let _ = cache.store(&BeadCache::key(docs, counts, round), &doc_beads(states));
        }
    };
    if fresh && rounds > 0 {
        keep(&states, counts, 0);
    }
    let complete = || Error::Usage("the lexicon is already complete: align with it".into());
    if rounds == 0 {
        if goal == Goal::Count {
            return Err(complete());
        }
        let out: Vec<Alignment> = states
            .par_iter()
            .map(|st| finish(st, None, None, config, None))
            .collect();
        return Ok(Driven::Aligned(plain(docs, out)));
    }
    let mut out = Vec::new();
    for round in start..rounds {
        if model.rounds.len() <= round {
            let c = states
                .par_iter()
                .map(|st| StageCounts::Costs(cost_counts(st)))
                .reduce(|| StageCounts::empty(1), add_counts);
            if let Some(c) = step(c, counts, &mut model) {
                return Ok(Driven::Counts(c));
            }
        }
        if model.rounds[round].lex.is_none() {
            let _t = crate::timing::task("align.learn");
            let cut = model.rounds[round].cut;
            let c = if goal == Goal::Align {
                // The whole batch is here and its counts go nowhere else: learn the table
                // from the beads (the same links) and keep it as the sealed stage would.
                let beads: Vec<Vec<_>> = states
                    .par_iter()
                    .map(|st| teaching_beads(st, cut))
                    .collect();
                let beads: Vec<(&[u64], &[u64])> =
                    beads.iter().flatten().map(|(s, t)| (&**s, &**t)).collect();
                // (nothing else runs meanwhile: the counting may take every thread)
                let split = rayon::current_num_threads() > 1;
                StageCounts::Links(learn::learn_from_beads(&beads, split).links_sorted())
            } else {
                // folded into one map per rayon job, not one per document added up pairwise:
                // the pairwise sums re-inserted every pair count at every level of the
                // reduction (three fifths of this stage's time)
                // (one job per worker thread: no reduction at all on a Spark task's one thread)
                let per_job = states.len().div_ceil(rayon::current_num_threads()).max(1);
                let b = states
                    .par_iter()
                    .with_min_len(per_job)
                    .fold(BeadCounts::default, |mut b, st| {
                        bead_counts(st, cut, &mut b);
                        b
                    })
                    .reduce(BeadCounts::default, BeadCounts::sum);
                StageCounts::Beads(b)
            };
            if let Some(c) = step(c, counts, &mut model) {
                return Ok(Driven::Counts(c));
            }
        }
        let lex = model.rounds[round].lex.as_ref().ok_or_else(no_lex)?;
        // the coverage stage's indexes of the lexicon's units, which the round reuses
        let mut indexes: Vec<Option<LexIndex>> = Vec::new();
        if model.rounds[round].rates.is_none() {
            let keys = LexKeys::new(lex);
            let (c, idx): (Vec<[(u64, u64); 2]>, Vec<LexIndex>) = states
                .par_iter()
                .map(|st| coverage_counts(st, lex, &keys, config))
                .unzip();
            let c = c
                .into_iter()
                .map(StageCounts::Coverage)
                .fold(StageCounts::empty(3), add_counts);
            if let Some(c) = step(c, counts, &mut model) {
                return Ok(Driven::Counts(c));
            }
            indexes = idx.into_iter().map(Some).collect();
        }
        indexes.resize_with(states.len(), || None);
        let r = &model.rounds[round];
        let (lex, rates) = (r.lex.as_ref().ok_or_else(no_lex)?, r.rates);
        out = states
            .par_iter()
            .zip(indexes)
            .map(|(st, idx)| finish(st, Some(lex), rates, config, idx))
            .collect::<Vec<Alignment>>();
        if round + 1 < rounds {
            for (st, al) in states.iter_mut().zip(&out) {
                st.pass1 = al
                    .beads
                    .iter()
                    .map(|b| {
                        let span = (b.src.start, b.src.end, b.tgt.start, b.tgt.end);
                        (span, 1.0 - b.confidence as f32)
                    })
                    .collect();
            }
            keep(&states, counts, round + 1);
        }
    }
    if goal == Goal::Count {
        return Err(complete());
    }
    if !config.resegment {
        return Ok(Driven::Aligned(plain(docs, out)));
    }
    let (lex, rates) = match model.rounds.last() {
        Some(learn::Round {
            lex: Some(lex),
            rates: Some(rates),
            ..
        }) => (lex, *rates),
        _ => return Err(Error::Internal("lexical round without rates".into())),
    };
    Ok(Driven::Aligned(resegment_all(
        docs, config, &states, out, &model, lex, rates,
    )))
}

fn no_lex() -> Error {
    Error::Internal("lexical round without a table".into())
}

fn add_counts(mut a: StageCounts, b: StageCounts) -> StageCounts {
    a.add(&b);
    a
}

/// The documents with their beads, segments as given.
fn plain(docs: &[(Vec<Segment>, Vec<Segment>)], al: Vec<Alignment>) -> Vec<AlignedDoc> {
    docs.iter()
        .zip(al)
        .map(|((s, t), alignment)| AlignedDoc {
            src: s.clone(),
            tgt: t.clone(),
            alignment,
            resplit: ResplitCounts::default(),
        })
        .collect()
}

/// Prepares a batch with sentence vectors from `embedder` when there is one: every distinct
/// segment text embedded once, then (with [`AlignConfig::joined_windows`]) the joined text of
/// the windows that the first pass puts into m:n beads, and of their immediate alternatives.
fn prepare_semantic(
    docs: &[(Vec<Segment>, Vec<Segment>)],
    config: &AlignConfig,
    embedder: Option<&dyn SentenceEmbedder>,
    rep: &[HashSet<u64>; 2],
    cached: Cached,
) -> Result<Vec<DocState>> {
    let Some(embedder) = embedder else {
        return Ok(prepare_batch(
            docs,
            config,
            vec![None; docs.len()],
            rep,
            cached,
        ));
    };
    let texts: Vec<(Vec<&str>, Vec<&str>)> = docs
        .iter()
        .map(|(s, t)| {
            (
                s.iter().map(|x| x.text.as_str()).collect(),
                t.iter().map(|x| x.text.as_str()).collect(),
            )
        })
        .collect();
    let t = crate::timing::stage("embed");
    let sems = semantic::embed_docs(&texts, embedder)?;
    t.end();
    // (`drive` uses no cached beads with sentence vectors: the joined windows below are
    // chosen from the first pass's beads)
    let mut states = prepare_batch(
        docs,
        config,
        sems.into_iter().map(Some).collect(),
        rep,
        Cached::default(),
    );
    if config.joined_windows {
        let _t = crate::timing::stage("embed.joined");
        add_joined_windows(&mut states, docs, config, embedder)?;
    }
    Ok(states)
}

/// Windows `(badness, side, start, len)` worth a joined embedding, least trusted bead first:
/// the multi-segment sides of the current path's m:n beads, the same windows one segment
/// longer, shorter or shifted, and the windows that would absorb a 1-0 / 0-1 bead into a
/// neighbouring bead.
///
/// The alternatives matter: joining only the path's own windows (averaged vectors for their
/// competitors) biased the second pass towards the first pass's merges (one pair at a time,
/// zh-en 0.970 -> 0.963, zh-ru 0.964 -> 0.956, below averaged windows alone on zh-en).
fn joined_candidates(st: &DocState) -> Vec<(f32, Which, usize, usize)> {
    let (n, m) = (st.src.len(), st.tgt.len());
    let mut out = Vec::new();
    let mut push = |bad: f32, w: Which, s: isize, l: usize, lim: usize| {
        if s >= 0 && (2..=semantic::MAX_WINDOW).contains(&l) && s as usize + l <= lim {
            out.push((bad, w, s as usize, l));
        }
    };
    let path: Vec<Span> = st.pass1.iter().map(|p| p.0).collect();
    for (k, &(a, b, c, d)) in path.iter().enumerate() {
        let bad = st.pass1[k].1;
        for (w, s, l, lim) in [(Which::Src, a, b - a, n), (Which::Tgt, c, d - c, m)] {
            if l >= 2 {
                let s = s as isize;
                push(bad, w, s, l, lim);
                push(bad, w, s, l + 1, lim);
                push(bad, w, s - 1, l + 1, lim);
                push(bad, w, s, l - 1, lim);
                push(bad, w, s + 1, l - 1, lim);
                push(bad, w, s - 1, l, lim);
                push(bad, w, s + 1, l, lim);
            }
        }
        // A skipped segment next to a bead: the bead's side grown by it.
        if (b - a == 0) != (d - c == 0) {
            let (w, s, lim) = if b > a {
                (Which::Src, a, n)
            } else {
                (Which::Tgt, c, m)
            };
            let s = s as isize;
            let prev = k.checked_sub(1).map(|p| path[p]);
            let next = path.get(k + 1).copied();
            for nb in [prev, next].into_iter().flatten() {
                let (ns, nl) = if w == Which::Src {
                    (nb.0, nb.1 - nb.0)
                } else {
                    (nb.2, nb.3 - nb.2)
                };
                if nl >= 1 {
                    let start = (ns as isize).min(s);
                    push(bad, w, start, nl + 1, lim);
                }
            }
        }
    }
    // Least trusted beads first; a window keeps its first (worst) badness.
    out.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut seen = HashSet::new();
    out.retain(|&(_, w, s, l)| seen.insert((w, s, l)));
    out
}

fn add_joined_windows(
    states: &mut [DocState],
    docs: &[(Vec<Segment>, Vec<Segment>)],
    config: &AlignConfig,
    embedder: &dyn SentenceEmbedder,
) -> Result<()> {
    let (js, jt) = (
        semantic::joiner(config.src_lang),
        semantic::joiner(config.tgt_lang),
    );
    let mut wanted: Vec<(usize, Which, usize, usize, String)> = Vec::new();
    for (d, (st, (src, tgt))) in states.iter().zip(docs).enumerate() {
        let chars: usize = src.iter().chain(tgt).map(|x| x.text.chars().count()).sum();
        let budget = config.joined_budget * chars as f32;
        let mut spent = 0usize;
        for (_, w, s, l) in joined_candidates(st) {
            let (segs, j) = if w == Which::Src {
                (src, js)
            } else {
                (tgt, jt)
            };
            let text: Vec<&str> = segs[s..s + l].iter().map(|x| x.text.trim()).collect();
            let text = text.join(j);
            spent += text.chars().count();
            if spent as f32 > budget {
                break;
            }
            wanted.push((d, w, s, l, text));
        }
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut texts: Vec<&str> = Vec::new();
    for x in &wanted {
        index.entry(x.4.as_str()).or_insert_with(|| {
            texts.push(x.4.as_str());
            texts.len() - 1
        });
    }
    let vecs = semantic::embed_checked(embedder, &texts)?;
    for (d, w, s, l, text) in &wanted {
        if let Some(sem) = states[*d].sem.as_mut() {
            sem.set_joined(*w, *s, *l, &vecs[index[text.as_str()]]);
        }
    }
    Ok(())
}

/// Like [`align_batch`], and with [`AlignConfig::resegment`] set, splits a segment that one
/// side has as one and the other as two or three (an unpunctuated headline glued to the next
/// sentence; see [`super::resplit`]): each result carries the segments its beads refer to.
/// Without resegmentation (or without a lexical pass) the segments are the given ones.
pub fn align_batch_segments(
    docs: &[(Vec<Segment>, Vec<Segment>)],
    config: &AlignConfig,
) -> Vec<AlignedDoc> {
    // Without an embedder nothing can fail.
    align_batch_segments_with(docs, config, None).unwrap_or_default()
}

/// [`align_batch_segments`] with sentence vectors from `embedder` in the bead cost (the
/// semantic scorer), or without them when `embedder` is `None` (the same result as
/// [`align_batch_segments`]). Fails only when the embedder does.
///
/// The same as counting the batch's learning statistics ([`count_shard`]) over any split of
/// the batch into shards, merging them, and aligning each shard with [`align_with_counts`].
pub fn align_batch_segments_with(
    docs: &[(Vec<Segment>, Vec<Segment>)],
    config: &AlignConfig,
    embedder: Option<&dyn SentenceEmbedder>,
) -> Result<Vec<AlignedDoc>> {
    let mut counts = Counts::new(learn::Header::for_config(config));
    match drive(docs, config, embedder, &mut counts, Goal::Align, None)? {
        Driven::Aligned(v) => Ok(v),
        Driven::Counts(_) => Err(Error::Internal("alignment stopped at counting".into())),
    }
}

/// One shard's counts of the next learning stage: `prior` holds the merged counts of the
/// stages before it (none for the first stage), and the result is `prior` with the shard's
/// counts as its last, partial, stage. Errors when `prior` is complete or its header does not
/// match `config`.
///
/// With a `cache`, the shard's beads of a round are aligned once and read back by the
/// other stages of the round and by [`align_with_counts`] (see [`BeadCache`]); the counts are
/// the same with or without it.
pub fn count_shard(
    docs: &[(Vec<Segment>, Vec<Segment>)],
    config: &AlignConfig,
    embedder: Option<&dyn SentenceEmbedder>,
    prior: Option<Counts>,
    cache: Option<&BeadCache>,
) -> Result<Counts> {
    let header = learn::Header::for_config(config);
    let mut counts = match prior {
        Some(p) => {
            learn::check_header(&p.header, &header).map_err(|e| Error::Usage(e.to_string()))?;
            if p.partial {
                return Err(Error::Usage(
                    "the lexicon holds one shard's counts: merge the shards' counts first".into(),
                ));
            }
            let mut p = p;
            p.seal();
            p
        }
        None => Counts::new(header),
    };
    match drive(docs, config, embedder, &mut counts, Goal::Count, cache)? {
        Driven::Counts(c) => {
            counts.stages.push(c);
            counts.partial = true;
            Ok(counts)
        }
        Driven::Aligned(_) => Err(Error::Internal("counting aligned instead".into())),
    }
}

/// Aligns a shard of a corpus with the corpus's complete, merged learning counts: the same
/// beads as aligning the whole corpus at once with [`align_batch_segments_with`]. With a
/// `cache` that [`count_shard`] filled for the same shard, the rounds before the last are
/// not aligned again (the same beads either way).
pub fn align_with_counts(
    docs: &[(Vec<Segment>, Vec<Segment>)],
    config: &AlignConfig,
    embedder: Option<&dyn SentenceEmbedder>,
    counts: &Counts,
    cache: Option<&BeadCache>,
) -> Result<Vec<AlignedDoc>> {
    learn::check_header(&counts.header, &learn::Header::for_config(config))
        .map_err(|e| Error::Usage(e.to_string()))?;
    if !counts.is_complete() {
        return Err(Error::Usage(format!(
            "the lexicon is incomplete ({} of {} stages merged): run `lexicon count` with it \
             on every shard and `lexicon merge` until it is complete",
            counts.finished().len(),
            counts.header.stages
        )));
    }
    let mut counts = counts.clone();
    if cache.is_some() {
        // the cache's keys are taken over sealed stages; sealing keeps the model
        counts.seal();
    }
    match drive(docs, config, embedder, &mut counts, Goal::Align, cache)? {
        Driven::Aligned(v) => Ok(v),
        Driven::Counts(_) => Err(Error::Internal("alignment stopped at counting".into())),
    }
}

/// Resegments every document (see [`resplit`]) with the batch's statistics.
fn resegment_all(
    docs: &[(Vec<Segment>, Vec<Segment>)],
    config: &AlignConfig,
    states: &[DocState],
    alignments: Vec<Alignment>,
    model: &Model,
    lex: &Lexicon,
    rates: (f32, f32),
) -> Vec<AlignedDoc> {
    let seeds = SeedTerms::new(config);
    docs.par_iter()
        .zip(states.par_iter())
        .zip(alignments.into_par_iter())
        .map(|(((s, t), st), al)| {
            let _t = crate::timing::task("align.resegment");
            let ctx = DocContext {
                src: (s, &st.src),
                tgt: (t, &st.tgt),
                len: st.len,
                lex,
                rates,
                cfg: config,
                params: config.resplit,
                stats: &model.boundary,
                lower: (&model.lower[0], &model.lower[1]),
                seeds: &seeds,
                store: Default::default(),
            };
            let (src, tgt, alignment, resplit) = resplit::resegment(&ctx, &al);
            AlignedDoc {
                src,
                tgt,
                alignment,
                resplit,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A side featurised in chunks on a pool (a stem cache each) has the features of the
    /// side featurised on one thread.
    #[test]
    fn a_side_featurised_in_chunks_has_the_same_features() {
        let ru = [
            "Председатель",
            "Си",
            "Цзиньпин",
            "встретился",
            "с",
            "президентом",
            "России",
            "Путиным",
            "в",
            "Москве",
            "2023",
            "года",
            "обсудили",
            "торговлю",
            "на",
            "15,3",
            "млрд",
            "долларов",
            "BRICS",
            "партнёрства",
            "стратегического",
            "взаимодействия",
        ];
        let zh = [
            "习近平",
            "主席",
            "同",
            "俄罗斯",
            "总统",
            "普京",
            "会晤",
            "2023年",
            "贸易额",
            "达到",
            "153亿",
            "美元",
            "金砖",
            "BRICS",
            "全面",
            "战略",
            "协作",
            "伙伴关系",
        ];
        let mut rng = crate::align::xorshift(0x1234_5678_9ABC_DEF1);
        let mut next = move |m: usize| rng(m as u64) as usize;
        for (lang, words, sep, end) in
            [(Lang::Ru, &ru[..], " ", "."), (Lang::Zh, &zh[..], "", "。")]
        {
            let lines: Vec<String> = (0..5_000)
                .map(|_| {
                    let w: Vec<&str> = (0..next(12) + 3)
                        .map(|_| words[next(words.len())])
                        .collect();
                    w.join(sep) + end
                })
                .collect();
            let segs = Segment::from_lines(&lines);
            let one = featurize_side(&segs, lang, false);
            let many = split::test_pool(2).install(|| featurize_side(&segs, lang, true));
            assert_eq!(one.len(), many.len());
            for (k, (a, b)) in one.iter().zip(&many).enumerate() {
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{lang:?} segment {k}");
            }
        }
    }

    /// The margin nodes, sorted by rows then within rows, are the whole list sorted and
    /// deduplicated.
    #[test]
    fn margin_nodes_are_sorted_and_unique() {
        let (n, m) = (50, 57);
        // A path of every shape, with skips at both ends.
        let shapes = [
            (1, 1),
            (0, 1),
            (1, 2),
            (2, 1),
            (1, 0),
            (2, 2),
            (1, 3),
            (3, 1),
        ];
        let (mut i, mut j, mut k) = (0, 0, 0);
        let mut path = Vec::new();
        while i < n || j < m {
            let (a, b) = shapes[k % shapes.len()];
            let (a, b) = (a.min(n - i), b.min(m - j));
            let (a, b) = if a + b == 0 {
                (0, 1.min(m - j))
            } else {
                (a, b)
            };
            let (a, b) = if a + b == 0 { (1, 0) } else { (a, b) };
            path.push((i, i + a, j, j + b));
            (i, j, k) = (i + a, j + b, k + 1);
        }
        let mut want = Vec::new();
        let mut push = |i: usize, j: usize| want.push(((n - i) as u32, (m - j) as u32));
        push_node_neighbours(&mut push, (0, 0), n, m);
        for &(_, i, _, j) in &path {
            push_node_neighbours(&mut push, (i, j), n, m);
        }
        want.sort_unstable();
        want.dedup();
        assert_eq!(margin_nodes(&path, n, m), want);
    }

    /// One pair on its own has no cross-document repetition, yet the credit lines on either
    /// side must stay unaligned rather than be merged into a neighbouring bead.
    #[test]
    fn single_pair_leaves_known_boilerplate_unaligned() {
        let zh = Segment::from_lines(&[
            "俄罗斯总统普京周二在莫斯科会见了来访的法国外交部长。",
            "双方讨论了两国在能源和交通领域的合作。",
            "责任编辑：王明",
            "普京表示，俄罗斯愿意扩大与法国的贸易往来。",
            "法国外长说，两国关系在过去一年中取得了进展。",
            "会谈持续了大约三个小时。",
        ]);
        let ru = Segment::from_lines(&[
            "Во вторник президент России Путин встретился в Москве с министром иностранных дел Франции.",
            "Стороны обсудили сотрудничество двух стран в области энергетики и транспорта.",
            "Путин заявил, что Россия готова расширять торговлю с Францией.",
            "Источник: ТАСС",
            "Министр иностранных дел Франции сказал, что отношения двух стран за последний год продвинулись.",
            "Переговоры продолжались около трех часов.",
        ]);
        let al = align(&zh, &ru, &AlignConfig::new(Lang::Zh, Lang::Ru));
        let spans: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> = al
            .beads
            .iter()
            .map(|b| (b.src.clone(), b.tgt.clone()))
            .collect();
        assert!(spans.contains(&(2..3, 2..2)), "{spans:?}");
        assert!(spans.contains(&(4..4, 3..4)), "{spans:?}");
    }
}

//! Semantic evidence for the bead cost: sentence vectors from a multilingual encoder.
//!
//! Per document pair, every segment is embedded once (texts are deduplicated across a batch);
//! each side's vectors are *centred* (the document's mean vector for that side is subtracted,
//! then each vector is renormalised): the encoder gives every sentence of a language a large
//! shared component, and removing it is what makes cosines between the two languages
//! discriminative. A window of consecutive segments (one side of an m:n bead) is the
//! renormalised sum of its members' centred vectors (= their average), or, where
//! [`SemDoc::set_joined`] supplied one, the centred embedding of the joined text.
//!
//! The bead score is the window cosine normalised by the document's own distribution
//! ([`Calibration`]): `0` halfway between the typical cosine of unrelated pairs (the median of
//! pairs near the diagonal) and that of translations (the median of mutual nearest neighbours),
//! `+1` at the typical translation, `−1` at the typical unrelated pair. Nothing is fitted to
//! a data set: the two medians are measured on each input.

use crate::{Error, Lang, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The sentence encoder the aligner sees.
pub trait SentenceEmbedder: Sync {
    /// One L2-normalised vector per text, all of the same dimension.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
    /// A short name for headers and messages (model name and quantisation).
    fn name(&self) -> String;
    /// As [`SentenceEmbedder::embed`], calling `progress(n)` as `n` more texts are done.
    fn embed_with_progress(
        &self,
        texts: &[&str],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<Vec<f32>>> {
        let v = self.embed(texts)?;
        progress(texts.len());
        Ok(v)
    }
}

/// Largest window (segments on one side of a bead) with a vector.
pub const MAX_WINDOW: usize = 4;

/// Bounds of the normalised score (see [`Calibration::score`]).
const SCORE_MIN: f32 = -2.0;
const SCORE_MAX: f32 = 1.5;

/// Half-width (segments) of the diagonal neighbourhood the calibration samples.
const CALIB_REACH: usize = 8;

/// What a cosine means in one document pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Typical cosine of unrelated pairs (median over pairs near the diagonal).
    pub unrelated: f32,
    /// Typical cosine of translations (median over mutual nearest neighbours).
    pub translation: f32,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration {
            unrelated: 0.0,
            translation: 0.5,
        }
    }
}

impl Calibration {
    /// The normalised score of a cosine: 0 halfway between the two typical values, 1 at a
    /// typical translation, −1 at a typical unrelated pair (clamped).
    pub fn score(&self, cos: f32) -> f32 {
        let mid = 0.5 * (self.unrelated + self.translation);
        let half = (0.5 * (self.translation - self.unrelated)).max(0.05);
        ((cos - mid) / half).clamp(SCORE_MIN, SCORE_MAX)
    }
}

/// Window vectors of one side of one document.
#[derive(Debug, Clone)]
struct Side {
    dim: usize,
    n: usize,
    /// Segment lengths (characters other than white space), for the members' weights.
    len: Vec<f32>,
    /// Mean of the raw sentence vectors (subtracted from joined windows too).
    mean: Vec<f32>,
    /// Per segment, the mean cosine of its [`KNN`] nearest neighbours on the other side
    /// (margin mode; zeros otherwise).
    knn: Vec<f32>,
    /// Window `(start, len)` at `(start * MAX_WINDOW + len - 1) * dim`; zero where the window
    /// would run past the end.
    win: Vec<f32>,
}

fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 1e-12 {
        for x in v.iter_mut() {
            *x /= norm;
        }
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight accumulators: the compiler vectorises this.
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut s: f32 = acc.iter().sum();
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// Centres raw vectors: subtracts their mean and renormalises. Returns the centred vectors
/// (flattened) and the mean.
pub fn centre(raw: &[&[f32]], dim: usize) -> (Vec<f32>, Vec<f32>) {
    let mut mean = vec![0f32; dim];
    for v in raw {
        for (m, x) in mean.iter_mut().zip(v.iter()) {
            *m += x;
        }
    }
    if !raw.is_empty() {
        for m in mean.iter_mut() {
            *m /= raw.len() as f32;
        }
    }
    let mut out = Vec::with_capacity(raw.len() * dim);
    for v in raw {
        let start = out.len();
        out.extend(v.iter().zip(&mean).map(|(x, m)| x - m));
        normalize(&mut out[start..]);
    }
    (out, mean)
}

impl Side {
    fn new(raw: &[&[f32]], dim: usize, len: Vec<f32>) -> Side {
        let n = raw.len();
        let (c, mean) = centre(raw, dim);
        let mut win = vec![0f32; n * MAX_WINDOW * dim];
        for s in 0..n {
            for len in 1..=MAX_WINDOW.min(n - s) {
                let at = (s * MAX_WINDOW + len - 1) * dim;
                let slot = &mut win[at..at + dim];
                for k in s..s + len {
                    for (w, x) in slot.iter_mut().zip(&c[k * dim..(k + 1) * dim]) {
                        *w += x;
                    }
                }
                normalize(slot);
            }
        }
        Side {
            dim,
            n,
            knn: vec![0.0; len.len()],
            len,
            mean,
            win,
        }
    }

    fn window(&self, start: usize, len: usize) -> &[f32] {
        let at = (start * MAX_WINDOW + len - 1) * self.dim;
        &self.win[at..at + self.dim]
    }

    fn set_joined(&mut self, start: usize, len: usize, raw: &[f32]) {
        if len == 0 || len > MAX_WINDOW || start + len > self.n || raw.len() != self.dim {
            return;
        }
        let at = (start * MAX_WINDOW + len - 1) * self.dim;
        let slot = &mut self.win[at..at + self.dim];
        for ((w, x), m) in slot.iter_mut().zip(raw).zip(&self.mean) {
            *w = x - m;
        }
        normalize(slot);
    }
}

/// The semantic view of one document pair: window vectors of both sides and the pair's
/// [`Calibration`].
#[derive(Debug, Clone)]
pub struct SemDoc {
    src: Side,
    tgt: Side,
    /// What a cosine means in this pair.
    pub calib: Calibration,
}

/// Which side of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Which {
    /// Source side.
    Src,
    /// Target side.
    Tgt,
}

impl SemDoc {
    /// From the raw (L2-normalised, uncentred) sentence vectors of both sides and the
    /// segments' lengths.
    pub fn new(src: &[&[f32]], tgt: &[&[f32]], lens: (Vec<f32>, Vec<f32>)) -> SemDoc {
        let dim = src.first().or(tgt.first()).map_or(1, |v| v.len());
        let mut d = SemDoc {
            src: Side::new(src, dim, lens.0),
            tgt: Side::new(tgt, dim, lens.1),
            calib: Calibration::default(),
        };
        if margin_mode() {
            d.set_knn();
        }
        d.calib = d.calibrate();
        d
    }

    /// Mean cosine of each segment's [`KNN`] nearest neighbours among the other side's
    /// segments near the diagonal.
    fn set_knn(&mut self) {
        let (n, m) = (self.src.n, self.tgt.n);
        if n == 0 || m == 0 {
            return;
        }
        let mut ls: Vec<Vec<f32>> = vec![Vec::new(); n];
        let mut lt: Vec<Vec<f32>> = vec![Vec::new(); m];
        for (i, li) in ls.iter_mut().enumerate() {
            let c = ((i * m + m / 2) / n).min(m - 1);
            let lo = c.saturating_sub(KNN_REACH);
            let hi = (c + KNN_REACH + 1).min(m);
            for (j, lj) in lt.iter_mut().enumerate().take(hi).skip(lo) {
                let x = self.cos(i, i + 1, j, j + 1);
                li.push(x);
                lj.push(x);
            }
        }
        let top = |v: &mut Vec<f32>| -> f32 {
            if v.is_empty() {
                return 0.0;
            }
            v.sort_by(|a, b| b.total_cmp(a));
            let k = KNN.min(v.len());
            v[..k].iter().sum::<f32>() / k as f32
        };
        self.src.knn = ls.iter_mut().map(top).collect();
        self.tgt.knn = lt.iter_mut().map(top).collect();
    }

    /// Mean k-NN cosine of a window.
    fn window_knn(side: &Side, r: std::ops::Range<usize>) -> f32 {
        let k = r.len().max(1) as f32;
        side.knn[r].iter().sum::<f32>() / k
    }

    /// Number of segments of each side.
    pub fn sizes(&self) -> (usize, usize) {
        (self.src.n, self.tgt.n)
    }

    /// Cosine between source window `i0..i1` and target window `j0..j1` (both non-empty, at
    /// most [`MAX_WINDOW`] long).
    pub fn cos(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
        dot(self.src.window(i0, i1 - i0), self.tgt.window(j0, j1 - j0))
    }

    /// The normalised score of a bead (0 when either side is empty or too wide).
    ///
    /// Like the lexical coverage, every segment must be explained by the other side: each
    /// segment is scored against the other side's window, the scores are averaged per side
    /// weighted by the segments' lengths, and the two sides' averages are averaged. Merging a
    /// translation with an unrelated neighbour lowers the neighbour's own score in proportion
    /// to its length, where the window-to-window cosine would hardly move (averaged windows
    /// are smoother than single sentences and score *higher*: scored that way, two 1-1 beads
    /// merged into a 2-2 won, strict F1 0.842 on zh-ru); a short segment absorbed into a long
    /// bead costs little, as it should.
    pub fn score(&self, i0: usize, i1: usize, j0: usize, j1: usize) -> f32 {
        let (a, b) = (i1 - i0, j1 - j0);
        if a == 0 || b == 0 || a > MAX_WINDOW || b > MAX_WINDOW {
            return 0.0;
        }
        let (sw, tw) = (self.src.window(i0, a), self.tgt.window(j0, b));
        let (ks, kt) = (
            Self::window_knn(&self.src, i0..i1),
            Self::window_knn(&self.tgt, j0..j1),
        );
        if a == 1 && b == 1 {
            return self.calib.score(dot(sw, tw) - 0.5 * (ks + kt));
        }
        0.5 * (self.side_score(&self.src, i0..i1, tw, kt)
            + self.side_score(&self.tgt, j0..j1, sw, ks))
    }

    /// Length-weighted mean score of the segments `r` of side `me` against `other`.
    fn side_score(&self, me: &Side, r: std::ops::Range<usize>, other: &[f32], ko: f32) -> f32 {
        let one = |k: usize| {
            self.calib
                .score(dot(me.window(k, 1), other) - 0.5 * (me.knn[k] + ko))
        };
        if r.len() == 1 {
            return one(r.start);
        }
        let total: f32 = me.len[r.clone()].iter().map(|l| l + 1.0).sum();
        r.map(|k| (me.len[k] + 1.0) * one(k)).sum::<f32>() / total
    }

    /// Replaces the averaged vector of a window with the embedding of its joined text (raw,
    /// as the encoder gave it; centred here with the side's mean).
    pub fn set_joined(&mut self, side: Which, start: usize, len: usize, raw: &[f32]) {
        match side {
            Which::Src => self.src.set_joined(start, len, raw),
            Which::Tgt => self.tgt.set_joined(start, len, raw),
        }
    }

    /// Measures the two typical cosines on single sentences near the diagonal.
    fn calibrate(&self) -> Calibration {
        let (n, m) = (self.src.n, self.tgt.n);
        if n == 0 || m == 0 {
            return Calibration::default();
        }
        let centre = |i: usize| (i * m + m / 2) / n.max(1);
        let mut all = Vec::new();
        // Best target per source and best source per target, within the neighbourhood.
        let mut best_t = vec![(f32::NEG_INFINITY, usize::MAX); n];
        let mut best_s = vec![(f32::NEG_INFINITY, usize::MAX); m];
        for (i, bt) in best_t.iter_mut().enumerate() {
            let c = centre(i).min(m - 1);
            let lo = c.saturating_sub(CALIB_REACH);
            let hi = (c + CALIB_REACH + 1).min(m);
            for (j, bs) in best_s.iter_mut().enumerate().take(hi).skip(lo) {
                let x = self.cos(i, i + 1, j, j + 1) - 0.5 * (self.src.knn[i] + self.tgt.knn[j]);
                all.push(x);
                if x > bt.0 {
                    *bt = (x, j);
                }
                if x > bs.0 {
                    *bs = (x, i);
                }
            }
        }
        let mut mutual: Vec<f32> = best_t
            .iter()
            .enumerate()
            .filter(|&(i, &(_, j))| j != usize::MAX && best_s[j].1 == i)
            .map(|(_, &(x, _))| x)
            .collect();
        if mutual.len() < 3 || all.len() < 10 {
            return Calibration::default();
        }
        let median = |v: &mut Vec<f32>| {
            v.sort_by(f32::total_cmp);
            v[v.len() / 2]
        };
        let unrelated = median(&mut all);
        let translation = median(&mut mutual);
        if translation - unrelated < 0.1 {
            return Calibration::default();
        }
        Calibration {
            unrelated,
            translation,
        }
    }
}

/// Neighbours a segment's margin is measured against, and how far from the diagonal they are
/// looked for.
const KNN: usize = 4;
const KNN_REACH: usize = 8;

/// Margin mode (an experiment switch, `TMALIGN_SEM_MARGIN=1`): every cosine is taken
/// relative to the two sides' mean k-NN cosine, `cos − (knn(x) + knn(y)) / 2`, as in
/// margin-based bitext mining, before the same calibration. Measured one pair at a time:
/// zh-ru 0.964 -> 0.969, zh-en 0.970 -> 0.969 (below the 0.97 bar: fewer 0-1 beads), fresh
/// zh-ru 0.959 -> 0.963, fresh zh-en 0.971 -> 0.972, hard zh-ru 0.935 -> 0.943. Off by
/// default for the zh-en bar; a candidate default once the Rust encoder's figures are in.
fn margin_mode() -> bool {
    std::env::var_os("TMALIGN_SEM_MARGIN").is_some_and(|v| v != "0")
}

/// Segment length as the features count it: characters other than white space.
fn text_len(t: &str) -> f32 {
    t.chars().filter(|c| !c.is_whitespace()).count() as f32
}

/// Embeds the segments of a batch (each distinct text once) and builds each pair's
/// [`SemDoc`].
pub fn embed_docs(
    docs: &[(Vec<&str>, Vec<&str>)],
    embedder: &dyn SentenceEmbedder,
) -> Result<Vec<SemDoc>> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut texts: Vec<&str> = Vec::new();
    for (s, t) in docs {
        for &x in s.iter().chain(t) {
            index.entry(x).or_insert_with(|| {
                texts.push(x);
                texts.len() - 1
            });
        }
    }
    let vecs = embed_checked(embedder, &texts)?;
    Ok(docs
        .iter()
        .map(|(s, t)| {
            let sv: Vec<&[f32]> = s.iter().map(|x| vecs[index[x]].as_slice()).collect();
            let tv: Vec<&[f32]> = t.iter().map(|x| vecs[index[x]].as_slice()).collect();
            let lens = (
                s.iter().map(|x| text_len(x)).collect(),
                t.iter().map(|x| text_len(x)).collect(),
            );
            SemDoc::new(&sv, &tv, lens)
        })
        .collect())
}

/// Calls the embedder and checks that it kept its promise (one vector per text, one
/// dimension).
pub fn embed_checked(embedder: &dyn SentenceEmbedder, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
    if texts.is_empty() {
        return Ok(Vec::new());
    }
    let vecs = embedder.embed(texts)?;
    let dim = vecs.first().map_or(0, |v| v.len());
    if vecs.len() != texts.len() || dim == 0 || vecs.iter().any(|v| v.len() != dim) {
        return Err(Error::Internal(format!(
            "{}: {} vectors for {} texts",
            embedder.name(),
            vecs.len(),
            texts.len()
        )));
    }
    Ok(vecs)
}

/// How the sentences of a language are joined into one text.
pub fn joiner(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "",
        _ => " ",
    }
}

/// An embedder that reads vectors from a cache folder, for experiments and tests only (the
/// hidden environment variable `TMALIGN_EMBED_CACHE`): files `NAME.txt` (one text a line)
/// beside `NAME.f32` (as many little-endian f32 × dim vectors). Texts it lacks are embedded
/// by the reference engine named by `TMALIGN_EMBED_REF` (`python3 REF IN.txt OUT.f32 query`)
/// and added to the folder; without it they are an error.
pub struct CacheEmbedder {
    dir: PathBuf,
    dim: usize,
    map: Mutex<HashMap<String, Vec<f32>>>,
    reference: Option<PathBuf>,
}

impl CacheEmbedder {
    /// Loads every `*.txt` / `*.f32` pair of `dir`.
    pub fn load(dir: &Path, dim: usize, reference: Option<PathBuf>) -> Result<CacheEmbedder> {
        let mut map = HashMap::new();
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        for e in entries {
            let p = e.map_err(|e| Error::io(dir, e))?.path();
            if p.extension().is_some_and(|x| x == "txt") {
                let f = p.with_extension("f32");
                if f.exists() {
                    Self::read_pair(&p, &f, dim, &mut map)?;
                }
            }
        }
        Ok(CacheEmbedder {
            dir: dir.to_owned(),
            dim,
            map: Mutex::new(map),
            reference,
        })
    }

    /// From `TMALIGN_EMBED_CACHE` (and `TMALIGN_EMBED_REF`), when set.
    pub fn from_env() -> Option<Result<CacheEmbedder>> {
        let dir = std::env::var_os("TMALIGN_EMBED_CACHE")?;
        let reference = std::env::var_os("TMALIGN_EMBED_REF").map(PathBuf::from);
        Some(Self::load(Path::new(&dir), 384, reference))
    }

    fn read_pair(
        txt: &Path,
        f32s: &Path,
        dim: usize,
        map: &mut HashMap<String, Vec<f32>>,
    ) -> Result<()> {
        let text = std::fs::read_to_string(txt).map_err(|e| Error::io(txt, e))?;
        let bytes = std::fs::read(f32s).map_err(|e| Error::io(f32s, e))?;
        let lines: Vec<&str> = text.lines().collect();
        if bytes.len() != lines.len() * dim * 4 {
            return Err(Error::bad_input(
                f32s,
                format!("{} bytes for {} texts", bytes.len(), lines.len()),
            ));
        }
        for (k, l) in lines.iter().enumerate() {
            let v: Vec<f32> = bytes[k * dim * 4..(k + 1) * dim * 4]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            map.insert((*l).to_owned(), v);
        }
        Ok(())
    }

    fn key(t: &str) -> String {
        // The cache stores one text a line.
        t.replace(['\n', '\r'], " ")
    }
}

impl SentenceEmbedder for CacheEmbedder {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let mut map = self
            .map
            .lock()
            .map_err(|_| Error::Internal("cache".into()))?;
        let mut missing: Vec<String> = texts
            .iter()
            .map(|t| Self::key(t))
            .filter(|k| !map.contains_key(k))
            .collect();
        missing.sort();
        missing.dedup();
        if std::env::var_os("TMALIGN_EMBED_CACHE_LOG").is_some() {
            let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
            eprintln!(
                "embed: {} texts, {} not cached, {chars} chars",
                texts.len(),
                missing.len()
            );
        }
        if !missing.is_empty() {
            let Some(reference) = &self.reference else {
                return Err(Error::Internal(format!(
                    "embedding cache {}: {} texts missing, e.g. {:?}",
                    self.dir.display(),
                    missing.len(),
                    missing[0]
                )));
            };
            let stem = format!(
                "miss-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos())
            );
            let txt = self.dir.join(format!("{stem}.tmp"));
            let out = self.dir.join(format!("{stem}.f32"));
            std::fs::write(&txt, missing.join("\n") + "\n").map_err(|e| Error::io(&txt, e))?;
            let status = std::process::Command::new("python3")
                .arg(reference)
                .arg(&txt)
                .arg(&out)
                .arg("query")
                .status()
                .map_err(|e| Error::io(reference, e))?;
            if !status.success() {
                return Err(Error::Internal(format!(
                    "{}: {status}",
                    reference.display()
                )));
            }
            let final_txt = self.dir.join(format!("{stem}.txt"));
            std::fs::rename(&txt, &final_txt).map_err(|e| Error::io(&txt, e))?;
            Self::read_pair(&final_txt, &out, self.dim, &mut map)?;
        }
        Ok(texts.iter().map(|t| map[&Self::key(t)].clone()).collect())
    }

    fn name(&self) -> String {
        "multilingual-e5-small-q4 (cache)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let mut v = v.to_vec();
        normalize(&mut v);
        v
    }

    #[test]
    fn centring_removes_the_shared_component() {
        // Two sentences sharing a large common direction: raw cosine near 1, centred −1.
        let a = unit(&[1.0, 0.1, 0.0]);
        let b = unit(&[1.0, -0.1, 0.0]);
        assert!(dot(&a, &b) > 0.95);
        let (c, mean) = centre(&[&a, &b], 3);
        assert!((mean[0] - a[0]).abs() < 1e-6);
        let (x, y) = (&c[0..3], &c[3..6]);
        assert!((dot(x, x) - 1.0).abs() < 1e-5);
        assert!((dot(x, y) + 1.0).abs() < 1e-5, "{}", dot(x, y));
    }

    #[test]
    fn window_is_the_normalised_sum_of_centred_members() {
        let raw: Vec<Vec<f32>> = (0..5)
            .map(|k| unit(&[1.0, k as f32, (k * k) as f32 * 0.1, 0.5]))
            .collect();
        let refs: Vec<&[f32]> = raw.iter().map(|v| v.as_slice()).collect();
        let side = Side::new(&refs, 4, vec![1.0; 5]);
        let (c, _) = centre(&refs, 4);
        let mut want: Vec<f32> = (0..4).map(|d| c[4 + d] + c[8 + d] + c[12 + d]).collect();
        normalize(&mut want);
        let got = side.window(1, 3);
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-6);
        }
        // A window past the end is all zeros (never read by a bead).
        assert!(side.window(4, 2).iter().all(|&x| x == 0.0));
    }

    #[test]
    fn joined_window_replaces_the_average() {
        let raw: Vec<Vec<f32>> = (0..3).map(|k| unit(&[1.0, k as f32, 0.2])).collect();
        let refs: Vec<&[f32]> = raw.iter().map(|v| v.as_slice()).collect();
        let mut d = SemDoc::new(&refs, &refs, (vec![1.0; 3], vec![1.0; 3]));
        let before = d.cos(0, 2, 0, 1);
        d.set_joined(Which::Src, 0, 2, &raw[0]);
        // The joined vector of window 0..2 is now sentence 0's own (centred): cosine 1.
        assert!((d.cos(0, 2, 0, 1) - 1.0).abs() < 1e-5);
        assert!(before < 0.999);
    }

    #[test]
    fn knn_is_the_mean_of_the_nearest_other_side_cosines() {
        let raw: Vec<Vec<f32>> = (0..6)
            .map(|k| unit(&[1.0, k as f32, (k % 3) as f32, 0.3 * k as f32]))
            .collect();
        let refs: Vec<&[f32]> = raw.iter().map(|v| v.as_slice()).collect();
        let mut d = SemDoc::new(&refs, &refs, (vec![1.0; 6], vec![1.0; 6]));
        // Off by default: no margin, scores as plain calibrated cosines.
        assert!(d.src.knn.iter().all(|&k| k == 0.0));
        d.set_knn();
        for i in 0..6 {
            let mut c: Vec<f32> = (0..6).map(|j| d.cos(i, i + 1, j, j + 1)).collect();
            c.sort_by(|a, b| b.total_cmp(a));
            let want = c[..KNN].iter().sum::<f32>() / KNN as f32;
            assert!((d.src.knn[i] - want).abs() < 1e-6, "{i}");
        }
    }

    #[test]
    fn calibration_places_translations_and_unrelated_pairs() {
        // Target j is source j's vector plus noise; other pairs are nearly orthogonal.
        let dim = 64;
        let mut rng = crate::align::xorshift(7);
        let mut rnd = move || rng(1000) as f32 / 500.0 - 1.0;
        let src: Vec<Vec<f32>> = (0..40)
            .map(|_| unit(&(0..dim).map(|_| rnd()).collect::<Vec<_>>()))
            .collect();
        let tgt: Vec<Vec<f32>> = src
            .iter()
            .map(|v| unit(&v.iter().map(|a| a + 0.06 * rnd()).collect::<Vec<_>>()))
            .collect();
        let s: Vec<&[f32]> = src.iter().map(|v| v.as_slice()).collect();
        let t: Vec<&[f32]> = tgt.iter().map(|v| v.as_slice()).collect();
        let d = SemDoc::new(&s, &t, (vec![1.0; 40], vec![1.0; 40]));
        assert!(d.calib.translation > 0.7, "{:?}", d.calib);
        assert!(d.calib.unrelated.abs() < 0.1, "{:?}", d.calib);
        assert!(d.score(3, 4, 3, 4) > 0.5);
        assert!(d.score(3, 4, 9, 10) < -0.5);
        assert_eq!(d.score(3, 3, 3, 4), 0.0);
        let c = d.calib;
        assert!((c.score(0.5 * (c.translation + c.unrelated))).abs() < 1e-6);
        assert!((c.score(c.translation) - 1.0).abs() < 1e-5);
        assert!((c.score(c.unrelated) + 1.0).abs() < 1e-5);
    }
}

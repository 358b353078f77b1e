//! The batch's learning step as map-reduce: what a batch learns from its own documents
//! (boilerplate lines repeated across documents, the translation table of each lexical round
//! and its coverage rates, the sentence-boundary statistics of resegmentation) is kept as
//! integer counts summed over documents, so that the counts of any split of a corpus into
//! shards, merged in any order and grouping, are the counts of the whole corpus.
//!
//! Learning proceeds in *stages*, each needing the result of the ones before it:
//!
//! 0. texts: per side, in how many documents each short line occurs (hashed); the Chinese
//!    side's sentence start / end counts ([`BoundaryStats`]) and the alphabetic sides'
//!    lower-case words ([`LowerCounts`]) when resegmenting;
//! 1. for each lexical round r: how many of the current beads (after the first pass for r = 0,
//!    after round r - 1 otherwise) have each badness: this gives the badness below which a
//!    bead teaches (the batch's best four fifths, as many as `max_beads` at most);
//! 2. the unit and unit-pair counts of those beads, which give the round's [`Lexicon`];
//! 3. then the coverage counts of the round's table on the current beads (its two rates).
//!
//! [`Counts`] holds the merged counts of the finished stages and one stage's counts in
//! progress; [`Counts::merge`] sums the stage in progress of two files that agree on
//! everything else; [`Model`] is what the aligner uses, computed from the counts of finished
//! stages. One machine runs all stages over the whole batch in one process
//! ([`super::align_batch_segments_with`]); a cluster runs `lexicon count` per shard and
//! `lexicon merge` once per stage, then `align --batch --lexicon` per shard: both give the
//! same beads.
//!
//! The binary layout of `.lexc` / `.lex` files is documented in `docs/lexicon-format.md`.

use super::boundary::BoundaryStats;
use super::features::hash_tok;
use super::lexicon::{LearnConfig, Lexicon};
use super::resplit::LowerCounts;
use super::AlignConfig;
use crate::Lang;
use rustc_hash::FxHashMap;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Hash kind of a repeated line (see [`hash_tok`]).
const K_LINE: u8 = 0xA1;

/// Documents a text must recur in to count as boilerplate.
pub const REPEAT_MIN_DOCS: u64 = 3;

/// Longest line (characters, trimmed) counted as possible boilerplate.
const REPEAT_MAX_CHARS: usize = 40;

/// Below this many learning beads (one or two document pairs), each unit keeps fewer links:
/// its third-best partner is then mostly a chance co-occurrence seen twice, while a large
/// corpus fills the slots with real variants (synonyms, other word forms).
const SMALL_CORPUS_BEADS: u64 = 500;

/// The hash identifying a line for boilerplate detection.
pub fn line_key(text: &str) -> u64 {
    hash_tok(K_LINE, text.trim())
}

/// Stage 0 counts: what the batch's texts show before any alignment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextCounts {
    /// Document pairs counted.
    pub docs: u64,
    /// Per side, line key → documents holding the line (short lines only).
    pub lines: [HashMap<u64, u64>; 2],
    /// Sentence start / end statistics of the Chinese side (resegmentation only).
    pub boundary: BoundaryStats,
    /// Lower-case words per side (resegmentation only).
    pub lower: [LowerCounts; 2],
}

/// Counts of one lexical round's learning beads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BeadCounts {
    /// Learning beads.
    pub beads: u64,
    /// Source unit → beads holding it.
    pub src: FxHashMap<u64, u64>,
    /// Target unit → beads holding it.
    pub tgt: FxHashMap<u64, u64>,
    /// (Source unit, target unit) → beads holding both. (Fx hashing: the units are hashes
    /// already, and SipHash took a third of the counting's time on these maps.)
    pub joint: FxHashMap<(u64, u64), u64>,
}

impl BeadCounts {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &BeadCounts) {
        fn sum<K: std::hash::Hash + Eq + Copy>(a: &mut FxHashMap<K, u64>, b: &FxHashMap<K, u64>) {
            a.reserve(b.len());
            for (k, v) in b {
                *a.entry(*k).or_default() += v;
            }
        }
        self.beads += other.beads;
        sum(&mut self.src, &other.src);
        sum(&mut self.tgt, &other.tgt);
        sum(&mut self.joint, &other.joint);
    }

    /// The sum of `a` and `b`, the smaller added into the larger: what a reduction over many
    /// shards' or documents' counts wants (each count is then moved O(log n) times at most,
    /// not once per level of the reduction from the small side's point of view).
    pub fn sum(a: BeadCounts, b: BeadCounts) -> BeadCounts {
        let (mut big, small) = if a.joint.len() >= b.joint.len() {
            (a, b)
        } else {
            (b, a)
        };
        big.add(&small);
        big
    }
}

/// The counts of one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageCounts {
    /// Stage 0.
    Texts(Box<TextCounts>),
    /// A lexical round's learning beads.
    Beads(BeadCounts),
    /// A lexical round's coverage counts `[(covered, known) on the path, (…) off it]`.
    Coverage([(u64, u64); 2]),
    /// A lexical round's bead badness histogram: f32 bits → non-null beads.
    Costs(HashMap<u32, u64>),
    /// A finished histogram reduced to its cut: the badness (f32 bits) of the last teaching
    /// bead, or `None` when no bead teaches.
    Cut(Option<u32>),
    /// A finished round's table, as its links (source unit, target unit), sorted: what a
    /// [`StageCounts::Beads`] stage becomes once merged over the corpus and followed by
    /// another stage ([`Counts::seal`]); much smaller than the pair counts.
    Links(Vec<(u64, u64)>),
}

/// Which kind of counts stage `k` holds.
fn stage_kind(k: usize) -> u8 {
    // (a sealed bead stage, kind 3, stands where kind 1 does; a cut, 5, where a histogram, 4)
    match k {
        0 => 0,
        k if k % 3 == 1 => 4,
        k if k % 3 == 2 => 1,
        _ => 2,
    }
}

/// The kind a stage stands for (its unsealed kind).
fn base_kind(kind: u8) -> u8 {
    match kind {
        3 => 1,
        5 => 4,
        k => k,
    }
}

impl StageCounts {
    fn kind(&self) -> u8 {
        match self {
            StageCounts::Texts(_) => 0,
            StageCounts::Beads(_) => 1,
            StageCounts::Coverage(_) => 2,
            StageCounts::Links(_) => 3,
            StageCounts::Costs(_) => 4,
            StageCounts::Cut(_) => 5,
        }
    }

    /// The empty counts of stage `k`.
    pub fn empty(k: usize) -> StageCounts {
        match stage_kind(k) {
            0 => StageCounts::Texts(Box::default()),
            1 => StageCounts::Beads(BeadCounts::default()),
            4 => StageCounts::Costs(HashMap::new()),
            _ => StageCounts::Coverage([(0, 0); 2]),
        }
    }

    /// Adds `other` (counts of the same stage) to these.
    pub fn add(&mut self, other: &StageCounts) {
        fn sum<K: std::hash::Hash + Eq + Clone>(a: &mut HashMap<K, u64>, b: &HashMap<K, u64>) {
            for (k, v) in b {
                *a.entry(k.clone()).or_default() += v;
            }
        }
        match (self, other) {
            (StageCounts::Texts(a), StageCounts::Texts(b)) => {
                a.docs += b.docs;
                sum(&mut a.lines[0], &b.lines[0]);
                sum(&mut a.lines[1], &b.lines[1]);
                a.boundary.merge(&b.boundary);
                a.lower[0].merge(&b.lower[0]);
                a.lower[1].merge(&b.lower[1]);
            }
            (StageCounts::Beads(a), StageCounts::Beads(b)) => a.add(b),
            (StageCounts::Costs(a), StageCounts::Costs(b)) => {
                sum(a, b);
                // amortised: the head is found by sorting, so only once the map has grown
                if a.len() > 4 * max_teaching() as usize {
                    bound_costs(a);
                }
            }
            (StageCounts::Coverage(a), StageCounts::Coverage(b)) => {
                for k in 0..2 {
                    a[k].0 += b[k].0;
                    a[k].1 += b[k].1;
                }
            }
            // Callers check kinds first (`Counts::merge`); counts of different stages never
            // add up to anything.
            _ => {}
        }
    }
}

/// What a counts file is about: counts of different headers never merge, and a lexicon is
/// only used by an aligner with the same header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Source language.
    pub src: Lang,
    /// Target language.
    pub tgt: Lang,
    /// The tmalign version that counted.
    pub version: String,
    /// SHA-256 of the aligner settings (bead shapes, scorer, seed terms, rounds…): counts are
    /// only meaningful to an aligner with the same settings.
    pub config: [u8; 32],
    /// Stages of a complete lexicon: 1 + 3 × lexical rounds.
    pub stages: u32,
}

impl Header {
    /// The header for `config` and this build of tmalign.
    pub fn for_config(config: &AlignConfig) -> Header {
        let rounds = if config.lexical_pass {
            config.lexical_rounds.max(1)
        } else {
            0
        };
        let digest = Sha256::digest(format!("{config:?}").as_bytes());
        Header {
            src: config.src_lang,
            tgt: config.tgt_lang,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            config: digest.into(),
            stages: 1 + 3 * rounds as u32,
        }
    }
}

/// Learning counts: the merged counts of finished stages and, in a shard's file, the shard's
/// counts of the next stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    /// What the counts are about.
    pub header: Header,
    /// Counts of stages `0..stages.len()`; all merged over the corpus except the last one of
    /// a shard's file (`partial`).
    pub stages: Vec<StageCounts>,
    /// Whether the last stage holds one shard's counts (written by `lexicon count`) rather
    /// than merged ones (written by `lexicon merge`).
    pub partial: bool,
}

/// Why counts cannot be merged or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LearnError {
    /// The file is not a tmalign lexicon at all.
    #[error("not a tmalign lexicon file (bad magic bytes)")]
    Magic,
    /// Written by an incompatible format version.
    #[error("lexicon format version {0}, this tmalign reads version {FORMAT_VERSION}")]
    FormatVersion(u32),
    /// The checksum does not match: corrupt or cut.
    #[error("lexicon file is corrupt or truncated (checksum mismatch)")]
    Checksum,
    /// The layout is inconsistent although the checksum matched.
    #[error("lexicon file is malformed: {0}")]
    Malformed(String),
    /// Different language pairs.
    #[error("lexicon is for {0}, the documents are {1}")]
    LanguagePair(String, String),
    /// Different tmalign versions.
    #[error("lexicon was counted by tmalign {0}, this is tmalign {1}")]
    Version(String, String),
    /// Different aligner settings.
    #[error(
        "lexicon was counted with other aligner settings (scorer, bead size, seed glossary or \
         rounds); count again with the same options"
    )]
    Settings,
    /// Files of different stages, or counted against different earlier stages.
    #[error("{0}")]
    Stage(String),
}

fn pair_name(h: &Header) -> String {
    format!("{}-{}", h.src.code(), h.tgt.code())
}

/// Checks that `a` (from a file) may be used with or merged into `b`.
pub fn check_header(a: &Header, b: &Header) -> Result<(), LearnError> {
    if (a.src, a.tgt) != (b.src, b.tgt) {
        return Err(LearnError::LanguagePair(pair_name(a), pair_name(b)));
    }
    if a.version != b.version {
        return Err(LearnError::Version(a.version.clone(), b.version.clone()));
    }
    if a.config != b.config || a.stages != b.stages {
        return Err(LearnError::Settings);
    }
    Ok(())
}

impl Counts {
    /// No stage counted yet.
    pub fn new(header: Header) -> Counts {
        Counts {
            header,
            stages: Vec::new(),
            partial: false,
        }
    }

    /// Whether every stage is counted and merged: the aligner can use it.
    pub fn is_complete(&self) -> bool {
        !self.partial && self.stages.len() == self.header.stages as usize
    }

    /// The finished (merged) stages.
    pub fn finished(&self) -> &[StageCounts] {
        if self.partial {
            &self.stages[..self.stages.len() - 1]
        } else {
            &self.stages
        }
    }

    /// Merges two counts files of the same stage: sums their last stage's counts, which must
    /// follow the same finished stages. Associative and commutative; the result is marked
    /// merged (a lexicon usable for the next stage or for aligning).
    pub fn merge(&self, other: &Counts) -> Result<Counts, LearnError> {
        self.clone().merge_into(other)
    }

    /// [`Counts::merge`] into these counts, without copying them: merging many files costs
    /// their total size, not their number times the sum's.
    pub fn merge_into(mut self, other: &Counts) -> Result<Counts, LearnError> {
        check_header(&other.header, &self.header)?;
        if self.stages.len() != other.stages.len() {
            return Err(LearnError::Stage(format!(
                "counts of stage {} and of stage {} cannot be merged",
                self.stages.len(),
                other.stages.len()
            )));
        }
        let Some((olast, obefore)) = other.stages.split_last() else {
            return Ok(self);
        };
        let Some((last, before)) = self.stages.split_last_mut() else {
            return Ok(self);
        };
        if before != obefore {
            return Err(LearnError::Stage(
                "the counts were made with different lexicons of the earlier stages".into(),
            ));
        }
        if last.kind() != olast.kind() {
            return Err(LearnError::Stage("counts of different stages".into()));
        }
        if matches!(last, StageCounts::Links(_) | StageCounts::Cut(_)) {
            return Err(LearnError::Stage(
                "a finished stage cannot be merged again".into(),
            ));
        }
        last.add(olast);
        self.partial = false;
        Ok(self)
    }

    /// Shrinks the finished stages to what later stages need, without changing the model:
    /// a bead stage becomes its table's links, and only the boilerplate lines are kept of the
    /// line counts. Done to a merged lexicon before it is counted against: the counts of every
    /// line and pair are needed only until they are merged over the whole corpus.
    pub fn seal(&mut self) {
        for s in self.stages.iter_mut() {
            match s {
                StageCounts::Texts(t) => {
                    for side in t.lines.iter_mut() {
                        side.retain(|_, c| *c >= REPEAT_MIN_DOCS);
                    }
                }
                StageCounts::Beads(b) => {
                    *s = StageCounts::Links(finish_beads(b).links_sorted());
                }
                StageCounts::Costs(h) => *s = StageCounts::Cut(cut_of(h)),
                _ => {}
            }
        }
    }
}

/// The badness of the last teaching bead: the batch's best four fifths of its non-null beads
/// teach (the worst fifth is too often wrong to teach anything), `max_beads` at most; beads
/// as bad as the last one teach too, so the choice never depends on the beads' order.
fn cut_of(h: &HashMap<u32, u64>) -> Option<u32> {
    let mut v: Vec<(u32, u64)> = h.iter().map(|(&b, &n)| (b, n)).collect();
    v.sort_by(|a, b| f32::from_bits(a.0).total_cmp(&f32::from_bits(b.0)));
    let total: u64 = v.iter().map(|x| x.1).sum();
    let keep = (total * 4)
        .div_ceil(5)
        .min(LearnConfig::default().max_beads as u64);
    let mut seen = 0;
    for (bits, n) in v {
        if seen >= keep {
            break;
        }
        seen += n;
        if seen >= keep {
            return Some(bits);
        }
    }
    None
}

/// Whether a bead of badness `cost` teaches under `cut`.
pub fn teaches(cost: f32, cut: Option<u32>) -> bool {
    cut.is_some_and(|c| cost.total_cmp(&f32::from_bits(c)).is_le())
}

/// Most beads that teach in one round (whatever the corpus size).
fn max_teaching() -> u64 {
    LearnConfig::default().max_beads as u64
}

/// Badness of the bucket that stands for every bead beyond a bounded histogram's head.
const REST: u32 = 0x7f80_0000; // f32::INFINITY

/// Bounds a badness histogram by what its cut can depend on: the cut is among the
/// [`max_teaching`] best beads, so only the least bad entries that hold that many beads are
/// kept exactly and every other bead is counted in one [`REST`] bucket (the total, which sets
/// how many teach, is kept). The cut is unchanged, and bounding commutes with summing: the
/// best beads of a sum are among the best of its parts, so any grouping of merges gives the
/// same bounded histogram, whose size no longer grows with the corpus (a `lexicon merge` over
/// millions of beads holds a few thousand entries).
fn bound_costs(h: &mut HashMap<u32, u64>) {
    let mut v: Vec<(u32, u64)> = h.iter().map(|(&b, &n)| (b, n)).collect();
    v.sort_by(|a, b| f32::from_bits(a.0).total_cmp(&f32::from_bits(b.0)));
    let mut seen = 0;
    let mut end = v.len();
    for (k, &(_, n)) in v.iter().enumerate() {
        seen += n;
        if seen >= max_teaching() {
            end = k + 1;
            break;
        }
    }
    if v[end..].iter().all(|&(b, _)| b == REST) {
        return;
    }
    let rest: u64 = v[end..].iter().map(|x| x.1).sum();
    h.clear();
    h.extend(v[..end].iter().copied());
    *h.entry(REST).or_default() += rest;
}

/// The table of a bead stage's merged counts.
fn finish_beads(b: &BeadCounts) -> Lexicon {
    let mut cfg = LearnConfig::default();
    if b.beads < SMALL_CORPUS_BEADS {
        cfg.top_k = cfg.top_k.min(2);
    }
    Lexicon::from_counts(b.beads, &b.src, &b.tgt, &b.joint, cfg)
}

/// The table [`finish_beads`] gives for the counts of these learning beads (each a pair of
/// sorted, deduplicated unit sets), learnt from the beads directly ([`Lexicon::learn`] gives
/// the links counting and then linking gives). One process aligning a whole batch needs the
/// table, not the counts: their map of every co-occurring unit pair (millions on a
/// 10,000-segment document) was the learning step's main cost in time and memory.
///
/// `split`: the counting is shared over the thread pool (the same table).
pub(crate) fn learn_from_beads(beads: &[(&[u64], &[u64])], split: bool) -> Lexicon {
    let mut cfg = LearnConfig::default();
    if (beads.len() as u64) < SMALL_CORPUS_BEADS {
        cfg.top_k = cfg.top_k.min(2);
    }
    // The batch's cut ([`teaches`]) has chosen the beads already.
    cfg.max_beads = usize::MAX;
    Lexicon::learn_shared(beads, cfg, split)
}

/// What the aligner uses, computed from the finished stages of [`Counts`].
#[derive(Debug, Default)]
pub struct Model {
    /// Per side, the keys ([`line_key`]) of boilerplate lines.
    pub repeated: [HashSet<u64>; 2],
    /// Sentence-boundary statistics of the Chinese side.
    pub boundary: BoundaryStats,
    /// Lower-case words per side.
    pub lower: [HashSet<String>; 2],
    /// Per lexical round, its cut (see [`teaches`]), then its table (once learnt) and
    /// coverage rates (once counted).
    pub rounds: Vec<Round>,
    /// Whether stage 0 is finished.
    pub texts: bool,
}

/// What one lexical round has learnt so far.
#[derive(Debug, Default)]
pub struct Round {
    /// Which beads teach (see [`teaches`]).
    pub cut: Option<u32>,
    /// The table, once learnt.
    pub lex: Option<Lexicon>,
    /// The coverage rates `(on the path, off it)`, once counted.
    pub rates: Option<(f32, f32)>,
}

impl Model {
    /// The model of the finished stages of `counts`.
    pub fn new(counts: &Counts) -> Model {
        let mut m = Model::default();
        for s in counts.finished() {
            m.push(s);
        }
        m
    }

    /// Adds a finished stage.
    pub fn push(&mut self, stage: &StageCounts) {
        match stage {
            StageCounts::Texts(t) => {
                for k in 0..2 {
                    self.repeated[k] = t.lines[k]
                        .iter()
                        .filter(|&(_, &c)| c >= REPEAT_MIN_DOCS)
                        .map(|(&h, _)| h)
                        .collect();
                    self.lower[k] = t.lower[k].finish();
                }
                self.boundary = t.boundary.clone();
                self.texts = true;
            }
            StageCounts::Costs(h) => self.rounds.push(Round {
                cut: cut_of(h),
                ..Default::default()
            }),
            StageCounts::Cut(c) => self.rounds.push(Round {
                cut: *c,
                ..Default::default()
            }),
            StageCounts::Beads(b) => {
                if let Some(r) = self.rounds.last_mut() {
                    r.lex = Some(finish_beads(b));
                }
            }
            StageCounts::Links(l) => {
                if let Some(r) = self.rounds.last_mut() {
                    r.lex = Some(Lexicon::from_links(l));
                }
            }
            StageCounts::Coverage(c) => {
                let rate = |(cv, n): (u64, u64)| (cv as f32 + 1.0) / (n as f32 + 10.0);
                if let Some(r) = self.rounds.last_mut() {
                    r.rates = Some((rate(c[0]), rate(c[1])));
                }
            }
        }
    }
}

/// Stage 0 counts of one document pair's segments.
pub fn count_texts<'a>(
    src: impl Iterator<Item = &'a str> + Clone,
    tgt: impl Iterator<Item = &'a str> + Clone,
    config: &AlignConfig,
) -> TextCounts {
    let mut out = TextCounts {
        docs: 1,
        ..Default::default()
    };
    for (k, side) in [src.clone().collect::<Vec<_>>(), tgt.clone().collect()]
        .iter()
        .enumerate()
    {
        let distinct: HashSet<u64> = side
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty() && t.chars().count() <= REPEAT_MAX_CHARS)
            .map(line_key)
            .collect();
        out.lines[k] = distinct.into_iter().map(|h| (h, 1)).collect();
    }
    if config.resegment {
        if config.src_lang == Lang::Zh {
            out.boundary = BoundaryStats::learn(src.clone());
        } else if config.tgt_lang == Lang::Zh {
            out.boundary = BoundaryStats::learn(tgt.clone());
        }
        out.lower = [
            LowerCounts::count(src, config.src_lang),
            LowerCounts::count(tgt, config.tgt_lang),
        ];
    }
    out
}

/// The counts of one learning bead, given as its sorted, deduplicated unit sets.
pub fn add_bead(counts: &mut BeadCounts, src: &[u64], tgt: &[u64]) {
    counts.beads += 1;
    for &u in src {
        *counts.src.entry(u).or_default() += 1;
    }
    for &r in tgt {
        *counts.tgt.entry(r).or_default() += 1;
    }
    for &u in src {
        for &r in tgt {
            *counts.joint.entry((u, r)).or_default() += 1;
        }
    }
}

// ---- the binary format (see docs/lexicon-format.md) ----

/// The first eight bytes of every file.
pub const MAGIC: &[u8; 8] = b"TMALEXC\0";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

struct W(Vec<u8>);

impl W {
    fn u8(&mut self, x: u8) {
        self.0.push(x);
    }
    fn u32(&mut self, x: u32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn u64(&mut self, x: u64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn counts3(&mut self, c: &super::boundary::Counts) {
        self.u64(c.total);
        self.u64(c.starts);
        self.u64(c.ends);
    }
}

struct R<'a> {
    b: &'a [u8],
    at: usize,
}

fn short() -> LearnError {
    LearnError::Malformed("ends early".into())
}

impl R<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], LearnError> {
        let end = self.at.checked_add(n).ok_or_else(short)?;
        let s = self.b.get(self.at..end).ok_or_else(short)?;
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, LearnError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, LearnError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Result<u64, LearnError> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(u64::from_le_bytes(a))
    }
    fn str(&mut self) -> Result<String, LearnError> {
        let n = self.u32()? as usize;
        let s = self.take(n)?;
        String::from_utf8(s.to_vec()).map_err(|_| LearnError::Malformed("text is not UTF-8".into()))
    }
    /// A count of items each at least `min` bytes long: refused when the rest of the file
    /// cannot hold them (no huge allocation from a corrupt length).
    fn len(&mut self, min: usize) -> Result<usize, LearnError> {
        let n = self.u64()?;
        let left = (self.b.len() - self.at) as u64;
        if n.saturating_mul(min as u64) > left {
            return Err(LearnError::Malformed(format!("{n} entries cannot fit")));
        }
        Ok(n as usize)
    }
    fn counts3(&mut self) -> Result<super::boundary::Counts, LearnError> {
        Ok(super::boundary::Counts {
            total: self.u64()?,
            starts: self.u64()?,
            ends: self.u64()?,
        })
    }
}

fn sorted<K: Ord + Clone, V: Clone, S>(m: &HashMap<K, V, S>) -> Vec<(K, V)> {
    let mut v: Vec<(K, V)> = m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn lang_code(l: Lang) -> u8 {
    match l {
        Lang::Zh => 1,
        Lang::Ru => 2,
        Lang::En => 3,
    }
}

fn code_lang(c: u8) -> Result<Lang, LearnError> {
    match c {
        1 => Ok(Lang::Zh),
        2 => Ok(Lang::Ru),
        3 => Ok(Lang::En),
        _ => Err(LearnError::Malformed(format!("unknown language code {c}"))),
    }
}

fn write_stage(w: &mut W, s: &StageCounts) {
    w.u8(s.kind());
    match s {
        StageCounts::Texts(t) => {
            w.u64(t.docs);
            for side in &t.lines {
                let v = sorted(side);
                w.u64(v.len() as u64);
                for (h, c) in v {
                    w.u64(h);
                    w.u64(c);
                }
            }
            w.u64(t.boundary.stopped);
            w.counts3(&t.boundary.all);
            for m in [&t.boundary.words, &t.boundary.tags] {
                let v = sorted(m);
                w.u64(v.len() as u64);
                for (k, c) in v {
                    w.str(&k);
                    w.counts3(&c);
                }
            }
            for l in &t.lower {
                let mut words: Vec<&String> = l.words.iter().collect();
                words.sort();
                w.u64(words.len() as u64);
                for x in words {
                    w.str(x);
                }
                let v = sorted(&l.short);
                w.u64(v.len() as u64);
                for (k, (n, e)) in v {
                    w.str(&k);
                    w.u64(n);
                    w.u64(e);
                }
            }
        }
        StageCounts::Beads(b) => {
            w.u64(b.beads);
            for m in [&b.src, &b.tgt] {
                let v = sorted(m);
                w.u64(v.len() as u64);
                for (k, c) in v {
                    w.u64(k);
                    w.u64(c);
                }
            }
            let v = sorted(&b.joint);
            w.u64(v.len() as u64);
            for ((u, r), c) in v {
                w.u64(u);
                w.u64(r);
                w.u64(c);
            }
        }
        StageCounts::Coverage(c) => {
            for (a, b) in c {
                w.u64(*a);
                w.u64(*b);
            }
        }
        StageCounts::Costs(h) => {
            let mut h = h.clone();
            bound_costs(&mut h);
            let v = sorted(&h);
            w.u64(v.len() as u64);
            for (b, n) in v {
                w.u32(b);
                w.u64(n);
            }
        }
        StageCounts::Cut(c) => {
            w.u8(u8::from(c.is_some()));
            w.u32(c.unwrap_or(0));
        }
        StageCounts::Links(l) => {
            w.u64(l.len() as u64);
            for (u, r) in l {
                w.u64(*u);
                w.u64(*r);
            }
        }
    }
}

fn read_stage(r: &mut R) -> Result<StageCounts, LearnError> {
    Ok(match r.u8()? {
        0 => {
            let mut t = TextCounts {
                docs: r.u64()?,
                ..Default::default()
            };
            for side in t.lines.iter_mut() {
                for _ in 0..r.len(16)? {
                    let h = r.u64()?;
                    side.insert(h, r.u64()?);
                }
            }
            t.boundary.stopped = r.u64()?;
            t.boundary.all = r.counts3()?;
            for k in 0..2 {
                let mut m = HashMap::new();
                for _ in 0..r.len(28)? {
                    let s = r.str()?;
                    m.insert(s, r.counts3()?);
                }
                if k == 0 {
                    t.boundary.words = m;
                } else {
                    t.boundary.tags = m;
                }
            }
            for l in t.lower.iter_mut() {
                for _ in 0..r.len(4)? {
                    l.words.insert(r.str()?);
                }
                for _ in 0..r.len(20)? {
                    let s = r.str()?;
                    let n = r.u64()?;
                    l.short.insert(s, (n, r.u64()?));
                }
            }
            StageCounts::Texts(Box::new(t))
        }
        1 => {
            let mut b = BeadCounts {
                beads: r.u64()?,
                ..Default::default()
            };
            for k in 0..2 {
                let n = r.len(16)?;
                let m = if k == 0 { &mut b.src } else { &mut b.tgt };
                m.reserve(n);
                for _ in 0..n {
                    let u = r.u64()?;
                    m.insert(u, r.u64()?);
                }
            }
            let n = r.len(24)?;
            b.joint.reserve(n);
            for _ in 0..n {
                let u = r.u64()?;
                let v = r.u64()?;
                b.joint.insert((u, v), r.u64()?);
            }
            StageCounts::Beads(b)
        }
        2 => {
            let mut c = [(0, 0); 2];
            for x in c.iter_mut() {
                *x = (r.u64()?, r.u64()?);
            }
            StageCounts::Coverage(c)
        }
        4 => {
            let n = r.len(12)?;
            let mut h = HashMap::with_capacity(n);
            for _ in 0..n {
                let b = r.u32()?;
                h.insert(b, r.u64()?);
            }
            StageCounts::Costs(h)
        }
        5 => {
            let some = r.u8()?;
            let b = r.u32()?;
            match some {
                0 => StageCounts::Cut(None),
                1 => StageCounts::Cut(Some(b)),
                x => return Err(LearnError::Malformed(format!("bad cut flag {x}"))),
            }
        }
        3 => {
            let n = r.len(16)?;
            let mut l = Vec::with_capacity(n);
            for _ in 0..n {
                let u = r.u64()?;
                l.push((u, r.u64()?));
            }
            if l.windows(2).any(|w| w[0] >= w[1]) {
                return Err(LearnError::Malformed("links out of order".into()));
            }
            StageCounts::Links(l)
        }
        k => return Err(LearnError::Malformed(format!("unknown stage kind {k}"))),
    })
}

impl Counts {
    /// The file's bytes: same counts, same bytes (every table sorted by key).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = W(Vec::new());
        w.0.extend_from_slice(MAGIC);
        w.u32(FORMAT_VERSION);
        w.u8(u8::from(self.partial));
        w.u8(lang_code(self.header.src));
        w.u8(lang_code(self.header.tgt));
        w.str(&self.header.version);
        w.0.extend_from_slice(&self.header.config);
        w.u32(self.header.stages);
        w.u32(self.stages.len() as u32);
        for s in &self.stages {
            write_stage(&mut w, s);
        }
        let sum = Sha256::digest(&w.0);
        w.0.extend_from_slice(&sum);
        w.0
    }

    /// SHA-256 of the header and of the first `k` stages as [`Counts::to_bytes`] writes
    /// them: what the beads of a round depend on (see [`super::BeadCache`]). Callers hash
    /// sealed stages ([`Counts::seal`]), whose bytes do not depend on how the corpus was
    /// split or merged.
    pub fn prefix_digest(&self, k: usize) -> [u8; 32] {
        let mut w = W(Vec::new());
        w.u8(lang_code(self.header.src));
        w.u8(lang_code(self.header.tgt));
        w.str(&self.header.version);
        w.0.extend_from_slice(&self.header.config);
        w.u32(self.header.stages);
        let k = k.min(self.stages.len());
        w.u32(k as u32);
        for s in &self.stages[..k] {
            write_stage(&mut w, s);
        }
        Sha256::digest(&w.0).into()
    }

    /// Reads a file written by [`Counts::to_bytes`]; refuses anything else with a reason.
    pub fn from_bytes(b: &[u8]) -> Result<Counts, LearnError> {
        if b.len() < 8 || &b[..8] != MAGIC {
            return Err(LearnError::Magic);
        }
        if b.len() < 12 + 32 {
            return Err(LearnError::Checksum);
        }
        let version = u32::from_le_bytes([b[8], b[9], b[10], b[11]]);
        if version != FORMAT_VERSION {
            return Err(LearnError::FormatVersion(version));
        }
        let (body, sum) = b.split_at(b.len() - 32);
        if Sha256::digest(body).as_slice() != sum {
            return Err(LearnError::Checksum);
        }
        let mut r = R { b: body, at: 12 };
        let partial = match r.u8()? {
            0 => false,
            1 => true,
            x => return Err(LearnError::Malformed(format!("bad kind byte {x}"))),
        };
        let src = code_lang(r.u8()?)?;
        let tgt = code_lang(r.u8()?)?;
        let version = r.str()?;
        let mut config = [0u8; 32];
        config.copy_from_slice(r.take(32)?);
        let total = r.u32()?;
        let n = r.u32()? as usize;
        if n > total as usize || (partial && n == 0) {
            return Err(LearnError::Malformed(format!(
                "{n} stages of {total} ({})",
                if partial { "partial" } else { "merged" }
            )));
        }
        let mut stages = Vec::new();
        for k in 0..n {
            let s = read_stage(&mut r)?;
            let sealed = base_kind(s.kind()) != s.kind();
            // a sealed last stage only in a merged file (`lexicon merge --seal`): a shard's
            // counts are never sealed
            if base_kind(s.kind()) != stage_kind(k) || (sealed && k + 1 == n && partial) {
                return Err(LearnError::Malformed(format!(
                    "stage {k} has the wrong kind"
                )));
            }
            stages.push(s);
        }
        if r.at != body.len() {
            return Err(LearnError::Malformed("bytes after the last stage".into()));
        }
        Ok(Counts {
            header: Header {
                src,
                tgt,
                version,
                config,
                stages: total,
            },
            stages,
            partial,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Counts {
        let cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
        let mut c = Counts::new(Header::for_config(&cfg));
        let mut t = count_texts(
            ["中国。", "责任编辑：王明"].into_iter(),
            ["Китай.", "Источник: ТАСС"].into_iter(),
            &cfg,
        );
        t.boundary.stopped = 3;
        t.lower[1].short.insert("год".into(), (4, 1));
        c.stages.push(StageCounts::Texts(Box::new(t)));
        c.stages.push(StageCounts::Cut(Some(0.5f32.to_bits())));
        let mut b = BeadCounts::default();
        add_bead(&mut b, &[1, 2], &[10, 20]);
        add_bead(&mut b, &[1], &[10]);
        c.stages.push(StageCounts::Beads(b));
        c.partial = true;
        c
    }

    /// `n` random learning beads (sorted, deduplicated unit sets): each of `len.1` plus a
    /// number below `len.0` source units below `vocab`; each target unit is `base` plus its
    /// source unit, except one in `noise` that is `base` plus a number below `noise_vocab`
    /// (targets follow the sources most of the time, so real links form).
    fn random_beads(
        next: &mut impl FnMut(u64) -> u64,
        n: usize,
        len: (u64, u64),
        vocab: u64,
        (base, noise, noise_vocab): (u64, u64, u64),
    ) -> Vec<(Vec<u64>, Vec<u64>)> {
        (0..n)
            .map(|_| {
                let k = next(len.0) + len.1;
                let mut s: Vec<u64> = (0..k).map(|_| next(vocab)).collect();
                let mut t: Vec<u64> = s
                    .iter()
                    .map(|&u| {
                        base + if next(noise) > 0 {
                            u
                        } else {
                            next(noise_vocab)
                        }
                    })
                    .collect();
                s.sort_unstable();
                s.dedup();
                t.sort_unstable();
                t.dedup();
                (s, t)
            })
            .collect()
    }

    /// Learning from the beads directly gives the table their counts give, below and above
    /// the small-corpus size.
    #[test]
    fn learning_from_beads_equals_learning_from_counts() {
        let mut next = crate::align::xorshift(0x2545_F491_4F6C_DD1D);
        for n in [0usize, 3, 40, 499, 500, 1300] {
            let data = random_beads(&mut next, n, (12, 1), 60, (1000, 4, 90));
            let mut b = BeadCounts::default();
            for (s, t) in &data {
                add_bead(&mut b, s, t);
            }
            let beads: Vec<(&[u64], &[u64])> = data.iter().map(|(s, t)| (&s[..], &t[..])).collect();
            let direct = learn_from_beads(&beads, false);
            assert_eq!(
                direct.links_sorted(),
                finish_beads(&b).links_sorted(),
                "{n} beads"
            );
            assert!(n < 40 || !direct.is_empty());
        }
    }

    /// The counting shared over threads learns the table one thread learns, on a vocabulary
    /// large enough to be cut into chunks.
    #[test]
    fn learning_shared_over_threads_equals_learning_on_one() {
        let mut next = crate::align::xorshift(0x9E37_79B9_7F4A_7C15);
        let data = random_beads(&mut next, 20_000, (10, 2), 6_000, (100_000, 5, 6_000));
        let beads: Vec<(&[u64], &[u64])> = data.iter().map(|(s, t)| (&s[..], &t[..])).collect();
        let one = learn_from_beads(&beads, false).links_sorted();
        assert!(one.len() > 3_000, "{} links", one.len());
        for threads in [2, 3] {
            let pool = crate::align::split::test_pool(threads);
            let shared = pool
                .install(|| learn_from_beads(&beads, true))
                .links_sorted();
            assert!(one == shared, "{threads} threads: another table");
        }
    }

    #[test]
    fn round_trips_and_refuses_damage() {
        let c = sample();
        let bytes = c.to_bytes();
        assert_eq!(Counts::from_bytes(&bytes).unwrap(), c);
        // Every truncation and every flipped byte is refused, never a panic.
        for n in 0..bytes.len() {
            assert!(Counts::from_bytes(&bytes[..n]).is_err(), "cut at {n}");
        }
        for k in 0..bytes.len() {
            let mut b = bytes.clone();
            b[k] ^= 0x5a;
            assert!(Counts::from_bytes(&b).is_err(), "flip at {k}");
        }
    }

    #[test]
    fn the_cut_keeps_four_fifths_and_all_ties() {
        let h: HashMap<u32, u64> = [(1.0f32, 3u64), (2.0, 4), (3.0, 3)]
            .into_iter()
            .map(|(c, n)| (c.to_bits(), n))
            .collect();
        // 8 of 10 beads: the last one taught has badness 3.0 (all 3.0 beads teach)
        assert_eq!(cut_of(&h), Some(3.0f32.to_bits()));
        assert!(teaches(3.0, cut_of(&h)) && !teaches(3.5, cut_of(&h)));
        assert_eq!(cut_of(&HashMap::new()), None);
        assert!(!teaches(0.0, None));
    }

    /// A histogram of many more beads than ever teach is bounded to its head and a rest
    /// bucket: same cut, same bytes whatever the grouping of the sums, and a size that does
    /// not grow with the beads.
    #[test]
    fn bounded_histograms_keep_the_cut_and_merge_in_any_grouping() {
        let part = |seed: u32, n: u32| -> StageCounts {
            let h: HashMap<u32, u64> = (0..n)
                .map(|k| {
                    let x = (k.wrapping_mul(2_654_435_761).wrapping_add(seed) % 100_000) as f32;
                    ((x / 1000.0).to_bits(), 1 + (k % 3) as u64)
                })
                .collect();
            StageCounts::Costs(h)
        };
        let parts: Vec<StageCounts> = (0..6).map(|s| part(s * 7919, 5000)).collect();
        let mut exact: HashMap<u32, u64> = HashMap::new();
        for p in &parts {
            let StageCounts::Costs(h) = p else { panic!() };
            for (k, v) in h {
                *exact.entry(*k).or_default() += v;
            }
        }
        let sum = |order: &[usize]| {
            let mut acc = StageCounts::empty(1);
            for &k in order {
                acc.add(&parts[k]);
            }
            acc
        };
        let a = sum(&[0, 1, 2, 3, 4, 5]);
        let mut b = sum(&[5, 3]);
        b.add(&sum(&[1, 4, 0, 2]));
        let (StageCounts::Costs(ha), StageCounts::Costs(hb)) = (&a, &b) else {
            panic!()
        };
        assert_eq!(cut_of(ha), cut_of(&exact));
        assert_eq!(cut_of(hb), cut_of(&exact));
        assert!(cut_of(&exact).is_some());
        let bytes = |s: &StageCounts| {
            let mut w = W(Vec::new());
            write_stage(&mut w, s);
            w.0
        };
        assert_eq!(bytes(&a), bytes(&b));
        assert_eq!(bytes(&a), bytes(&StageCounts::Costs(exact.clone())));
        let mut bounded = exact.clone();
        bound_costs(&mut bounded);
        assert!(
            bounded.len() <= max_teaching() as usize + 1,
            "{}",
            bounded.len()
        );
        assert_eq!(bounded.values().sum::<u64>(), exact.values().sum::<u64>());
        // a small histogram is left as it is
        let small: HashMap<u32, u64> = [(1.0f32.to_bits(), 5), (2.0f32.to_bits(), 7)].into();
        let mut s2 = small.clone();
        bound_costs(&mut s2);
        assert_eq!(s2, small);
    }

    #[test]
    fn merge_sums_the_last_stage_and_checks_the_rest() {
        let a = sample();
        let m = a.merge(&a).unwrap();
        let StageCounts::Beads(b) = &m.stages[2] else {
            panic!()
        };
        assert_eq!((b.beads, b.joint[&(1, 10)]), (4, 4));
        assert!(!m.partial);
        let mut other = sample();
        other.header.tgt = Lang::En;
        assert!(matches!(a.merge(&other), Err(LearnError::LanguagePair(..))));
        let mut other = sample();
        other.header.version = "0.0.1".into();
        assert!(matches!(a.merge(&other), Err(LearnError::Version(..))));
        let mut other = sample();
        other.stages.pop();
        assert!(matches!(a.merge(&other), Err(LearnError::Stage(..))));
    }
}

//! Sentence alignment of two parallel documents with m:n beads and a confidence per bead.
//!
//! No external dictionary: everything is learnt from the input at run time.
//!
//! 1. [`features`]: per segment, its length, number anchors ([`numbers`]: Arabic and Chinese
//!    numerals, 万/亿 vs тыс./млн/млрд, month names, number words), Latin-script tokens,
//!    punctuation counts, lexical units (Chinese character unigrams + bigrams, Snowball stems)
//!    and name anchors ([`names`]: pinyin → Palladius, fuzzy skeleton matching).
//! 2. Pass 0/1 ([`dp`], [`score`]): banded DP over beads 1-1, 1-0, 0-1, 1-2, 2-1, 2-2, 1-3, 3-1
//!    with a length model calibrated per pair (log-ratio, robust median/MAD refit), anchors,
//!    punctuation and paragraph crossings. Pass 0 finds where the path lies, coarse to fine
//!    ([`coarse`]: blocks of segments, then segments, with a cheap cost); pass 1 realigns with
//!    the full cost in a band around it. Every band widens where its path hugs its edge.
//! 3. [`lexicon`]: Dice links between units that co-occur in the trusted beads (over the whole
//!    batch in [`align_batch`]); the lexical passes reward per-segment coverage by links, twice
//!    (the second round learns from the first's beads).
//! 4. Confidence: forward + backward DP costs give the margin of the path's nodes against
//!    neighbouring nodes; a logistic mixes it with the bead's own evidence.
//! 5. Optionally ([`AlignConfig::resegment`], [`align_batch_segments`]), [`resplit`]: a 1-2
//!    bead whose single segment glues an unpunctuated headline to the next sentence is split
//!    into 1-1 beads where the other side shows the boundary, and a 1-1 bead glued on both
//!    sides is split where each side shows evidence of a sentence start ([`boundary`]: which
//!    Chinese words end and open sentences, counted over the input).
//!
//! 6. [`learn`]: what a batch learns (boilerplate lines, the tables, their coverage rates,
//!    the boundary statistics) as integer counts that merge over shards of a corpus
//!    ([`count_shard`], [`align_with_counts`]): the map-reduce form of batch alignment;
//!    [`BeadCache`] lets the steps of one shard share the beads of a round.
//!
//! [`crate::eval`] ports the reference scorer (strict / lax P/R/F1).

mod bead_cache;
pub mod boundary;
mod cache_entry;
pub mod coarse;
pub mod dp;
mod feature_cache;
pub mod features;
pub mod learn;
pub mod lexicon;
pub mod names;
pub mod numbers;
mod pipeline;
pub mod resplit;
pub mod score;
pub mod scorer;
mod seeds;
pub mod semantic;
mod split;

/// A deterministic pseudo-random generator for tests (xorshift): each call gives a number
/// below `k`.
#[cfg(test)]
pub(crate) fn xorshift(mut x: u64) -> impl FnMut(u64) -> u64 {
    move |k| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % k
    }
}

use crate::Lang;
use std::ops::Range;

pub use bead_cache::BeadCache;
pub use pipeline::{
    align, align_batch, align_batch_segments, align_batch_segments_with, align_with_counts,
    count_shard,
};

/// One sentence (or line) to align.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The text.
    pub text: String,
    /// Index of the paragraph it belongs to (paragraph boundaries are soft anchors).
    pub paragraph: usize,
}

impl Segment {
    /// Segments from one-per-line text: each line its own paragraph-less segment (paragraph 0).
    pub fn from_lines<S: AsRef<str>>(lines: &[S]) -> Vec<Segment> {
        lines
            .iter()
            .map(|l| Segment {
                text: l.as_ref().to_owned(),
                paragraph: 0,
            })
            .collect()
    }

    /// [`Segment::from_lines`] taking the lines: their texts move into the segments (a long
    /// document's lines are not copied).
    pub fn from_owned_lines(lines: Vec<String>) -> Vec<Segment> {
        lines
            .into_iter()
            .map(|text| Segment { text, paragraph: 0 })
            .collect()
    }

    /// Segments from paragraphs of sentences.
    pub fn from_paragraphs(paragraphs: &[Vec<String>]) -> Vec<Segment> {
        paragraphs
            .iter()
            .enumerate()
            .flat_map(|(p, sents)| {
                sents.iter().map(move |s| Segment {
                    text: s.clone(),
                    paragraph: p,
                })
            })
            .collect()
    }
}

/// One bead: consecutive source segments aligned to consecutive target segments. Either side
/// may be empty (1-0 / 0-1 beads).
#[derive(Debug, Clone, PartialEq)]
pub struct Bead {
    /// Source segment indices.
    pub src: Range<usize>,
    /// Target segment indices.
    pub tgt: Range<usize>,
    /// Confidence in [0, 1] that the bead is right.
    pub confidence: f64,
}

impl Bead {
    /// Bead type as `m-n`, e.g. `2-1`.
    pub fn kind(&self) -> String {
        format!("{}-{}", self.src.len(), self.tgt.len())
    }
}

/// The result of aligning two documents: beads in order, covering every segment of both sides
/// exactly once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alignment {
    /// The beads, monotonic.
    pub beads: Vec<Bead>,
}

/// One document pair aligned by [`align_batch_segments`]: the segments (resegmented or as
/// given) and the beads over them.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignedDoc {
    /// Source segments the beads refer to.
    pub src: Vec<Segment>,
    /// Target segments the beads refer to.
    pub tgt: Vec<Segment>,
    /// The beads.
    pub alignment: Alignment,
    /// What resegmentation did.
    pub resplit: resplit::ResplitCounts,
}

/// Aligner settings.
#[derive(Debug, Clone)]
pub struct AlignConfig {
    /// Source language.
    pub src_lang: Lang,
    /// Target language.
    pub tgt_lang: Lang,
    /// Largest number of segments on one side of a bead (2 → up to 2-2; 3 → also 1-3, 3-1).
    pub max_bead_side: usize,
    /// Seed term pairs (source term, target term) used as optional anchors.
    pub seed_terms: Vec<(String, String)>,
    /// Learn a translation table from the documents and realign with it (pass 2).
    pub lexical_pass: bool,
    /// Rounds of (learn table, realign); each round learns from the previous one's beads.
    pub lexical_rounds: usize,
    /// Match transliterated names (pinyin → Palladius for Russian, pinyin for English).
    pub names: bool,
    /// Half-width (in segments) of the first DP pass's band around the diagonal; widened
    /// where the path runs along the band's edge (and only there).
    pub band: usize,
    /// Half-width of the band of the later passes, around the previous pass's path; widened
    /// like [`AlignConfig::band`]. A path moves by a segment or two from pass to pass.
    pub path_band: usize,
    /// Cost weights (global; the length model is calibrated per document pair).
    pub weights: score::Weights,
    /// After alignment, split a segment at an unpunctuated boundary the other side shows
    /// (1-2 → 1-1 + 1-1; see [`resplit`]). Only [`align_batch_segments`] does it, since the
    /// segments change; off by default so that presegmented input keeps its line numbers.
    pub resegment: bool,
    /// Settings of the resegmentation.
    pub resplit: resplit::ResplitParams,
    /// Also 2-3 and 3-2 beads (when `max_bead_side` ≥ 3); the semantic scorer turns it on.
    pub wide_shapes: bool,
    /// Semantic scorer: embed the joined text of the windows that the first pass puts in m:n
    /// beads (and their immediate alternatives) instead of averaging their sentences' vectors.
    pub joined_windows: bool,
    /// Largest total length of the joined windows' texts, as a multiple of the pair's own
    /// text length (characters), spent on the least trusted first-pass beads first; infinite
    /// by default. 1.0 bounds the extra encoder work to about the sentences' own, for 0.2-0.4
    /// points of strict F1 (see the README).
    pub joined_budget: f32,
}

impl AlignConfig {
    /// Defaults for a language pair.
    pub fn new(src_lang: Lang, tgt_lang: Lang) -> Self {
        AlignConfig {
            src_lang,
            tgt_lang,
            max_bead_side: 3,
            seed_terms: Vec::new(),
            lexical_pass: true,
            lexical_rounds: 2,
            // Pinyin-vs-English name matching measured slightly harmful on zh–en (English
            // spells most Chinese-transliterated foreign names in their own way); Palladius
            // for Russian helps.
            names: src_lang == Lang::Ru || tgt_lang == Lang::Ru,
            band: 20,
            path_band: 4,
            weights: score::Weights::default(),
            resegment: false,
            resplit: resplit::ResplitParams::default(),
            wide_shapes: false,
            joined_windows: false,
            joined_budget: f32::INFINITY,
        }
    }

    /// Settings for the semantic scorer: beads up to 1-4 / 4-1 and 2-3 / 3-2, joined windows.
    pub fn semantic(mut self) -> Self {
        self.max_bead_side = self.max_bead_side.max(semantic::MAX_WINDOW);
        self.wide_shapes = true;
        self.joined_windows = true;
        // Experiments only: `TMALIGN_JOINED_WINDOWS=0` measures averaged windows alone, a
        // positive number sets `joined_budget`.
        if let Some(x) = std::env::var("TMALIGN_JOINED_WINDOWS")
            .ok()
            .and_then(|v| v.parse::<f32>().ok())
        {
            self.joined_windows = x > 0.0;
            self.joined_budget = x;
        }
        self
    }

    /// Bead shapes `(source count, target count)` the DP may use.
    pub fn bead_types(&self) -> Vec<(usize, usize)> {
        let k = self.max_bead_side.max(1);
        let mut v = vec![(1, 1), (1, 0), (0, 1)];
        for x in 2..=k {
            v.push((1, x));
            v.push((x, 1));
        }
        if k >= 2 {
            v.push((2, 2));
        }
        if k >= 3 && self.wide_shapes {
            v.push((2, 3));
            v.push((3, 2));
        }
        v
    }
}

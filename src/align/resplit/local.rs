//! The local problem: the aligner's own bead cost of a piece of a segment against a group of
//! the other side, with features, names and seed anchors formed for that problem alone.

use super::ResplitParams;
use crate::align::boundary::BoundaryStats;
use crate::align::features::{self, SegFeat};
use crate::align::lexicon::Lexicon;
use crate::align::names;
use crate::align::score::{LengthModel, LexIndex, Scorer};
use crate::align::{AlignConfig, Segment};
use crate::Lang;
use std::collections::HashSet;
use std::ops::Range;

/// Everything the local bead costs need that is fixed for a document pair.
pub(crate) struct DocContext<'a> {
    /// Source segments and features of the document pair (features as the aligner saw them).
    pub src: (&'a [Segment], &'a [SegFeat]),
    /// Target segments and features.
    pub tgt: (&'a [Segment], &'a [SegFeat]),
    /// The pair's length model.
    pub len: LengthModel,
    /// The last lexical round's table.
    pub lex: &'a Lexicon,
    /// Coverage rates of that round.
    pub rates: (f32, f32),
    /// Aligner settings.
    pub cfg: &'a AlignConfig,
    /// Resplit settings.
    pub params: ResplitParams,
    /// Sentence start / end statistics of the Chinese side.
    pub stats: &'a BoundaryStats,
    /// Word forms each side writes in lower case ([`lowercase_words`]; empty for Chinese).
    pub lower: (&'a HashSet<String>, &'a HashSet<String>),
}

/// One side of a local problem: texts and features.
pub(super) struct LocalSide {
    segs: Vec<Segment>,
    feats: Vec<SegFeat>,
}

/// A stretch of one side in a local problem: a whole segment, or a byte range of one.
#[derive(Debug, Clone)]
pub(super) enum Part {
    Whole(usize),
    Piece(usize, Range<usize>),
}

impl DocContext<'_> {
    pub(super) fn side(&self, whole_is_src: bool, whole: bool) -> (&[Segment], &[SegFeat], Lang) {
        self.of(whole_is_src == whole)
    }

    pub(super) fn of(&self, src_side: bool) -> (&[Segment], &[SegFeat], Lang) {
        if src_side {
            (self.src.0, self.src.1, self.cfg.src_lang)
        } else {
            (self.tgt.0, self.tgt.1, self.cfg.tgt_lang)
        }
    }

    /// Texts and features of `parts` of one side. A piece is featurised afresh but keeps only
    /// the number / Latin anchors its segment kept after the document-level filter; names are
    /// left to the local problem's own matching.
    pub(super) fn local_side(&self, src_side: bool, parts: &[Part]) -> LocalSide {
        let (segs, feats, lang) = self.of(src_side);
        let mut out = LocalSide {
            segs: Vec::with_capacity(parts.len()),
            feats: Vec::with_capacity(parts.len()),
        };
        for part in parts {
            let (seg, feat) = match part {
                Part::Whole(i) => {
                    let mut f = feats[*i].clone();
                    f.names.clear();
                    (segs[*i].clone(), f)
                }
                Part::Piece(i, r) => {
                    let piece = segs[*i].text[r.clone()].trim();
                    let orig = &feats[*i];
                    let mut f = features::featurize(piece, segs[*i].paragraph, lang);
                    f.nums.retain(|k| orig.nums.binary_search(k).is_ok());
                    f.latin.retain(|k| orig.latin.binary_search(k).is_ok());
                    f.repeated = false;
                    let seg = Segment {
                        text: piece.to_owned(),
                        paragraph: segs[*i].paragraph,
                    };
                    (seg, f)
                }
            };
            out.segs.push(seg);
            out.feats.push(feat);
        }
        out
    }

    /// Cost of one bead made of `src` against `tgt`, as the aligner's scorer sees it.
    pub(super) fn local_cost(&self, src: &[Part], tgt: &[Part]) -> f32 {
        let mut s = self.local_side(true, src);
        let mut t = self.local_side(false, tgt);
        if self.cfg.names {
            let st: Vec<&str> = s.segs.iter().map(|g| g.text.as_str()).collect();
            let tt: Vec<&str> = t.segs.iter().map(|g| g.text.as_str()).collect();
            match (self.cfg.src_lang, self.cfg.tgt_lang) {
                (Lang::Zh, l) if l != Lang::Zh => {
                    names::add_name_anchors(&mut s.feats, &st, &mut t.feats, l)
                }
                (l, Lang::Zh) if l != Lang::Zh => {
                    names::add_name_anchors(&mut t.feats, &tt, &mut s.feats, l)
                }
                _ => {}
            }
        }
        crate::align::pipeline::add_seed_anchors(
            &mut s.feats,
            &s.segs,
            &mut t.feats,
            &t.segs,
            self.cfg,
        );
        let (n, m) = (s.feats.len(), t.feats.len());
        let band = crate::align::dp::Band::full(n, m);
        let idx = LexIndex::build(&s.feats, &t.feats, self.lex, &band, n.max(m));
        let mut sc = Scorer::new(
            &s.feats,
            &t.feats,
            self.len,
            self.cfg.weights,
            Some((self.lex, &idx)),
        );
        sc.set_coverage_rates(self.rates.0, self.rates.1);
        let st = sc.stats(0, n, 0, m);
        sc.cost_of(0, n, 0, m, &st)
    }

    /// Cost of one bead: bytes `piece` of segment `x` of the whole side against the other
    /// side's segments `group`.
    pub(super) fn bead_cost(
        &self,
        whole_is_src: bool,
        x: usize,
        piece: Range<usize>,
        group: Range<usize>,
    ) -> f32 {
        let whole = [Part::Piece(x, piece)];
        let other: Vec<Part> = group.map(Part::Whole).collect();
        if whole_is_src {
            self.local_cost(&whole, &other)
        } else {
            self.local_cost(&other, &whole)
        }
    }
}

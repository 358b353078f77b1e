//! The local problem: the aligner's own bead cost of a piece of a segment against a group of
//! the other side, with features, names and seed anchors formed for that problem alone.

use super::ResplitParams;
use crate::align::boundary::BoundaryStats;
use crate::align::features::{self, SegFeat};
use crate::align::lexicon::Lexicon;
#[cfg(test)]
use crate::align::names;
use crate::align::names::NameTable;
use crate::align::score::{LengthModel, LexIndex, Scorer};
use crate::align::seeds::SeedTerms;
use crate::align::{AlignConfig, Segment};
use crate::Lang;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;

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
    /// Word forms each side writes in lower case (`lowercase_words`; empty for Chinese).
    pub lower: (&'a HashSet<String>, &'a HashSet<String>),
    /// The seed terms, compiled once for the batch.
    pub seeds: &'a SeedTerms,
    /// Parts of local problems formed so far (empty to begin with).
    pub store: LocalStore,
}

/// A stretch of one side in a local problem: a whole segment, or a byte range of one.
#[derive(Debug, Clone)]
pub(super) enum Part {
    Whole(usize),
    Piece(usize, Range<usize>),
}

/// What a local problem needs of one part, formed once: its features (without names), its
/// name material ([`NameTable::windows`] on the Chinese side, [`NameTable::caps`] on the
/// other) and its seed-term keys.
#[derive(Debug)]
struct PartData {
    feat: SegFeat,
    names: Vec<u32>,
    seeds: Vec<u64>,
}

/// Parts are kept until their texts add up to this many bytes (then the store starts
/// afresh): a joint split asks for each piece once per candidate of the other side, but a
/// long unpunctuated line has so many pieces that keeping them all would be quadratic.
const PART_STORE_BYTES: usize = 1 << 20;

/// The store of one document's local problems (see [`DocContext::local_cost`]).
#[derive(Debug, Default)]
pub(crate) struct LocalStore(RefCell<StoreInner>);

#[derive(Debug, Default)]
struct StoreInner {
    names: Option<NameTable>,
    /// By (source side, segment, byte range; `usize::MAX` twice for a whole segment).
    parts: HashMap<(bool, usize, usize, usize), Rc<PartData>>,
    bytes: usize,
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

    /// Which side is Chinese when name anchors apply: `Some(true)` for the source side.
    fn names_zh_src(&self) -> Option<bool> {
        if !self.cfg.names {
            return None;
        }
        match (self.cfg.src_lang, self.cfg.tgt_lang) {
            (Lang::Zh, l) if l != Lang::Zh => Some(true),
            (l, Lang::Zh) if l != Lang::Zh => Some(false),
            _ => None,
        }
    }

    /// Features, name material and seed keys of one part. A piece is featurised afresh but
    /// keeps only the number / Latin anchors its segment kept after the document-level
    /// filter; names are left to the local problem's own matching.
    fn part(&self, src_side: bool, part: &Part) -> Rc<PartData> {
        let (segs, feats, lang) = self.of(src_side);
        let key = match part {
            Part::Whole(i) => (src_side, *i, usize::MAX, usize::MAX),
            Part::Piece(i, r) => (src_side, *i, r.start, r.end),
        };
        let mut store = self.store.0.borrow_mut();
        if let Some(d) = store.parts.get(&key) {
            return d.clone();
        }
        let (text, feat) = match part {
            Part::Whole(i) => {
                let mut f = feats[*i].clone();
                f.names.clear();
                (segs[*i].text.as_str(), f)
            }
            Part::Piece(i, r) => {
                let piece = segs[*i].text[r.clone()].trim();
                let orig = &feats[*i];
                let mut f = features::featurize(piece, segs[*i].paragraph, lang);
                f.nums.retain(|k| orig.nums.binary_search(k).is_ok());
                f.latin.retain(|k| orig.latin.binary_search(k).is_ok());
                f.repeated = false;
                (piece, f)
            }
        };
        let names = match self.names_zh_src() {
            Some(zh_src) => {
                let other = if zh_src {
                    self.cfg.tgt_lang
                } else {
                    self.cfg.src_lang
                };
                let table = store.names.get_or_insert_with(|| NameTable::new(other));
                if zh_src == src_side {
                    table.windows(text)
                } else {
                    table.caps(&feat.caps)
                }
            }
            None => Vec::new(),
        };
        let mut seeds = Vec::new();
        self.seeds.add_keys(src_side, text, &mut seeds);
        if store.bytes + text.len() > PART_STORE_BYTES {
            store.parts.clear();
            store.bytes = 0;
        }
        store.bytes += text.len();
        let d = Rc::new(PartData { feat, names, seeds });
        store.parts.insert(key, d.clone());
        d
    }

    /// Cost of one bead made of `src` against `tgt`, as the aligner's scorer sees it: the
    /// parts' features with the name anchors of this problem alone (as the aligner matches
    /// names over a document, here over the bead) and the seed-term anchors.
    pub(super) fn local_cost(&self, src: &[Part], tgt: &[Part]) -> f32 {
        let s: Vec<Rc<PartData>> = src.iter().map(|p| self.part(true, p)).collect();
        let t: Vec<Rc<PartData>> = tgt.iter().map(|p| self.part(false, p)).collect();
        let mut sf: Vec<SegFeat> = s.iter().map(|d| d.feat.clone()).collect();
        let mut tf: Vec<SegFeat> = t.iter().map(|d| d.feat.clone()).collect();
        if let Some(zh_src) = self.names_zh_src() {
            let (zh, other) = if zh_src { (&s, &t) } else { (&t, &s) };
            let windows: Vec<Vec<u32>> = zh.iter().map(|d| d.names.clone()).collect();
            let caps: Vec<Vec<u32>> = other.iter().map(|d| d.names.clone()).collect();
            let store = self.store.0.borrow();
            if let Some(table) = store.names.as_ref() {
                let (zk, ok) = table.anchors(&windows, &caps);
                let (zf, of) = if zh_src {
                    (&mut sf, &mut tf)
                } else {
                    (&mut tf, &mut sf)
                };
                for (f, k) in zf.iter_mut().zip(zk).chain(of.iter_mut().zip(ok)) {
                    f.names = k;
                }
            }
        }
        for (f, d) in sf.iter_mut().zip(&s).chain(tf.iter_mut().zip(&t)) {
            f.names.extend(&d.seeds);
            f.names.sort_unstable();
        }
        self.cost_of_feats(&sf, &tf)
    }

    /// The scorer's cost of one bead of all of `s` against all of `t`.
    fn cost_of_feats(&self, s: &[SegFeat], t: &[SegFeat]) -> f32 {
        let (n, m) = (s.len(), t.len());
        let band = crate::align::dp::Band::full(n, m);
        let idx = LexIndex::build(s, t, self.lex, &band, n.max(m));
        let mut sc = Scorer::new(s, t, self.len, self.cfg.weights, Some((self.lex, &idx)));
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

    /// Texts and features of `parts` of one side, as [`Self::part`] forms them (the
    /// reference computation's).
    #[cfg(test)]
    fn local_side_direct(&self, src_side: bool, parts: &[Part]) -> LocalSide {
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

    /// [`Self::local_cost`] as it was, forming everything afresh: the reference for the tests.
    #[cfg(test)]
    pub(super) fn local_cost_direct(&self, src: &[Part], tgt: &[Part]) -> f32 {
        let mut s = self.local_side_direct(true, src);
        let mut t = self.local_side_direct(false, tgt);
        if self.cfg.names {
            let st: Vec<&str> = s.segs.iter().map(|g| g.text.as_str()).collect();
            let tt: Vec<&str> = t.segs.iter().map(|g| g.text.as_str()).collect();
            match (self.cfg.src_lang, self.cfg.tgt_lang) {
                (Lang::Zh, l) if l != Lang::Zh => {
                    names::add_name_anchors_direct(&mut s.feats, &st, &mut t.feats, l)
                }
                (l, Lang::Zh) if l != Lang::Zh => {
                    names::add_name_anchors_direct(&mut t.feats, &tt, &mut s.feats, l)
                }
                _ => {}
            }
        }
        crate::align::seeds::add_seed_anchors(
            &mut s.feats,
            &s.segs,
            &mut t.feats,
            &t.segs,
            self.cfg,
        );
        self.cost_of_feats(&s.feats, &t.feats)
    }
}

/// One side of a local problem: texts and features (the reference computation's).
#[cfg(test)]
struct LocalSide {
    segs: Vec<Segment>,
    feats: Vec<SegFeat>,
}

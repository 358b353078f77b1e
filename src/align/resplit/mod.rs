//! Cross-lingual resegmentation: splitting a segment at an unpunctuated boundary that the other
//! language shows.
//!
//! A news headline without final punctuation glued to the article's first sentence
//! (`加州鲨鱼伤害潜水抓龙虾的13岁孩童官员表示，周六，…`) is one segment to a monolingual
//! segmenter, while the other side may well have it as two (`… лобстеров` | `По сообщениям …`).
//! The aligner then makes a 1-2 bead. Here, after alignment, such a bead's single segment X is
//! tried at every plausible split position, and the bead is replaced by 1-1 beads when the
//! aligner's own evidence says so clearly:
//!
//! * **the other side's boundary should be unpunctuated too**: a group of the other side that
//!   ends with a full stop, comma, colon or dash is usually a translator's sentence split, not
//!   a missed boundary. Such a grouping is tried only in two pieces, and taken only when the
//!   best bare boundary of X beats every clause mark of X (where the translator would have
//!   split) by a margin: that is a sentence whose full stop the writer left out;
//! * **candidate positions** (see [`candidates`]): for Chinese, jieba word boundaries outside
//!   brackets, not next to punctuation, not after a preposition / conjunction / auxiliary /
//!   adverb / pronoun / numeral, not before an auxiliary / localiser (`前` before a noun is
//!   "former" and may open one) / measure word; a prior
//!   for a closing quote before, an opening quote or typical opener after, the lede repeating a
//!   headline word, and against a noun compound or a verb / adverb opening the next piece; and
//!   the log-odds that a sentence ends with the word before and opens with the word after,
//!   learnt from the input's own punctuated sentences ([`super::boundary`]). For
//!   alphabetic languages, spaces before a capitalised word, not after a comma, colon, dash, a
//!   quotation closed by a comma (`…," Trump said`), a short lower-case word (`в`, `of`, `г-н`;
//!   not one the input often ends sentences with, `гол`, `day`) or another capitalised word;
//! * **evidence per split**: the bead cost of every new piece with its share of the other
//!   side, from the same [`Scorer`](super::score::Scorer) the DP uses (the pair's length
//!   model, number / Latin / name anchors, punctuation, paragraphs, coverage by the learnt
//!   lexicon), computed on a small local problem. The position is chosen by these costs,
//!   the prior and a max-sum term over the lexical units of X (a unit linked to its own
//!   piece's counterpart counts for, linked only to another piece's against);
//! * **accept rule**: the chosen split's bead costs must beat the original bead's cost by a
//!   margin (priors and the max-sum term only choose the position); where the other side
//!   breaks without punctuation too, the learnt boundary log-odds of the chosen positions
//!   count toward it.
//!
//! A headline glued to its lede on *both* sides makes a 1-1 bead. Such a bead is split in
//! two 1-1 beads ([`ResplitCounts::joint`]) only with evidence on each side: on the
//! alphabetic side a capitalised word after a lower-case one that the input writes in lower
//! case elsewhere (favoured) or that repeats a word of the headline (never between two words
//! the segment repeats together, a name), on the Chinese side a positive
//! log-odds of a sentence boundary from the input's own statistics; the two positions are
//! chosen together by bead costs and priors, and the bead costs must improve by
//! `joint_margin` (less a share of that log-odds).
//!
//! Measured on the NTREX dev sets with the other side split at the gold headline boundaries:
//! about half of the added boundaries are exact to the character, a quarter a word or two off
//! (the lexicon cannot tell a headline's last word from the lede's first when the lede repeats
//! it). Nothing is split without a learnt lexicon.
//!
//! One idea per module: `punct` (quotation, bracket and clause-mark scanning), `candidates`
//! (positions and priors), `start` (sentence-start evidence on the alphabetic side), `local`
//! (the local problem's bead cost), `maxsum` (the lexical max-sum term), `split` (1-k / k-1
//! beads and their accept rule), `joint` (1-1 beads split on both sides); this file walks
//! the beads.

mod candidates;
mod joint;
mod local;
mod maxsum;
mod punct;
mod split;
mod start;

pub use candidates::{candidates, Candidate};
pub(crate) use local::DocContext;
pub(crate) use start::LowerCounts;

use crate::align::{Alignment, Bead, Segment};
use joint::best_joint_split;
use split::best_split;
use std::ops::Range;

/// What resegmentation did to one document pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResplitCounts {
    /// 1-2 / 2-1 / 1-3 / 3-1 beads examined.
    pub considered: usize,
    /// Of those, beads whose single segment was split.
    pub split: usize,
    /// 1-1 beads split on both sides.
    pub joint: usize,
}

/// Settings of the resplitter (cost units, like the bead costs).
#[derive(Debug, Clone, Copy)]
pub struct ResplitParams {
    /// The best split must cost this much less than the original bead.
    pub margin: f32,
    /// Weight of the candidate position's prior.
    pub prior: f32,
    /// Weight per lexical unit of the max-sum term.
    pub maxsum: f32,
    /// Weight of a Chinese candidate's learnt boundary evidence in its prior.
    pub boundary: f32,
    /// Weight of the chosen positions' learnt boundary evidence in the accept rule (only where
    /// the other side's boundary is unpunctuated too).
    pub accept_boundary: f32,
    /// Where the other side ends a sentence with a full stop, the best bare split must beat
    /// the best split at a clause mark by this much.
    pub clause_margin: f32,
    /// A 1-1 bead is split on both sides when the two new beads cost this much less ...
    pub joint_margin: f32,
    /// ... less this weight times the learnt boundary log-odds of the Chinese position.
    pub joint_boundary: f32,
}

impl Default for ResplitParams {
    fn default() -> Self {
        ResplitParams {
            margin: 1.0,
            prior: 1.0,
            maxsum: 0.1,
            boundary: 1.0,
            accept_boundary: 1.0,
            clause_margin: 2.0,
            joint_margin: 2.5,
            joint_boundary: 0.5,
        }
    }
}

/// Resegments one aligned document pair: returns the new source and target segments, the
/// alignment over them (indices renumbered) and what was done. 1-k / k-1 beads (k = 2, 3)
/// may lose their single segment's split, 1-1 beads may be split on both sides; the others
/// are kept as they are. Split pieces keep their segment's paragraph and inherit the bead's
/// confidence.
pub(crate) fn resegment(
    ctx: &DocContext,
    alignment: &Alignment,
) -> (Vec<Segment>, Vec<Segment>, Alignment, ResplitCounts) {
    let mut counts = ResplitCounts::default();
    let mut src: Vec<Segment> = Vec::with_capacity(ctx.src.0.len());
    let mut tgt: Vec<Segment> = Vec::with_capacity(ctx.tgt.0.len());
    let mut beads = Vec::with_capacity(alignment.beads.len());
    let push_all = |out: &mut Vec<Segment>, from: &[Segment], r: Range<usize>| -> Range<usize> {
        let s = out.len();
        out.extend_from_slice(&from[r]);
        s..out.len()
    };
    for bead in &alignment.beads {
        let (a, b) = (bead.src.len(), bead.tgt.len());
        let shape = match (a, b) {
            (1, 2..=3) => Some(true),
            (2..=3, 1) => Some(false),
            _ => None,
        };
        let split = shape.and_then(|whole_is_src| {
            counts.considered += 1;
            let (x, others) = if whole_is_src {
                (bead.src.start, bead.tgt.clone())
            } else {
                (bead.tgt.start, bead.src.clone())
            };
            best_split(ctx, whole_is_src, x, others).map(|s| (whole_is_src, x, s))
        });
        if a == 1 && b == 1 {
            if let Some((c, d)) = best_joint_split(ctx, bead.src.start, bead.tgt.start) {
                counts.joint += 1;
                let (x, y) = (&ctx.src.0[bead.src.start], &ctx.tgt.0[bead.tgt.start]);
                for (sp, tp) in [(0..c, 0..d), (c..x.text.len(), d..y.text.len())] {
                    src.push(Segment {
                        text: x.text[sp].trim().to_owned(),
                        paragraph: x.paragraph,
                    });
                    tgt.push(Segment {
                        text: y.text[tp].trim().to_owned(),
                        paragraph: y.paragraph,
                    });
                    beads.push(Bead {
                        src: src.len() - 1..src.len(),
                        tgt: tgt.len() - 1..tgt.len(),
                        confidence: bead.confidence,
                    });
                }
                continue;
            }
        }
        let Some((whole_is_src, x, (cuts, groups))) = split else {
            let s = push_all(&mut src, ctx.src.0, bead.src.clone());
            let t = push_all(&mut tgt, ctx.tgt.0, bead.tgt.clone());
            beads.push(Bead {
                src: s,
                tgt: t,
                confidence: bead.confidence,
            });
            continue;
        };
        counts.split += 1;
        let (wsegs, osegs) = if whole_is_src {
            (ctx.src.0, ctx.tgt.0)
        } else {
            (ctx.tgt.0, ctx.src.0)
        };
        let text = &wsegs[x].text;
        let mut bounds = vec![0];
        bounds.extend(&cuts);
        bounds.push(text.len());
        for (piece, g) in bounds.windows(2).zip(&groups) {
            let seg = Segment {
                text: text[piece[0]..piece[1]].trim().to_owned(),
                paragraph: wsegs[x].paragraph,
            };
            let (wout, oout) = if whole_is_src {
                (&mut src, &mut tgt)
            } else {
                (&mut tgt, &mut src)
            };
            let w = wout.len()..wout.len() + 1;
            wout.push(seg);
            let o = push_all(oout, osegs, g.clone());
            let (s, t) = if whole_is_src { (w, o) } else { (o, w) };
            beads.push(Bead {
                src: s,
                tgt: t,
                confidence: bead.confidence,
            });
        }
    }
    (src, tgt, Alignment { beads }, counts)
}

#[cfg(test)]
mod tests;

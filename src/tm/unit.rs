//! The one builder shared by every output format: an [`Alignment`] plus the two segment lists
//! become [`AlignedPair`]s (joined texts, line ranges, review flags), which the TMX and CSV
//! writers only render.

use super::numbers::numbers_match;
use crate::align::{Alignment, Bead, Segment};
use crate::{Error, Lang, Result};
use std::fmt;

/// A review flag on an aligned pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flag {
    /// A 1-0 or 0-1 bead: one side has no counterpart.
    Unaligned,
    /// One side is blank (a blank line of presegmented input).
    Empty,
    /// The two sides do not carry the same Arabic numbers.
    NumberMismatch,
    /// The length ratio of the pair is far from the document's.
    LengthOutlier,
    /// The aligner's confidence is below the threshold.
    LowConfidence,
    /// The two documents differ wildly in size, so the whole alignment is suspect.
    SizeMismatch,
    /// Some inline tags of one side have no counterpart on the other (moved to the end of
    /// their segment, see [`super::tags`]).
    TagMismatch,
}

impl Flag {
    /// The flag as written in the CSV: `unaligned`, `empty`, `number-mismatch`,
    /// `length-outlier`, `low-confidence`, `size-mismatch`, `tag-mismatch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Unaligned => "unaligned",
            Flag::Empty => "empty",
            Flag::NumberMismatch => "number-mismatch",
            Flag::LengthOutlier => "length-outlier",
            Flag::LowConfidence => "low-confidence",
            Flag::SizeMismatch => "size-mismatch",
            Flag::TagMismatch => "tag-mismatch",
        }
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One bead made ready for output.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignedPair {
    /// 1-based position of the bead in document order.
    pub id: usize,
    /// The bead (zero-based segment ranges and confidence).
    pub bead: Bead,
    /// Source segments joined (see [`join_segments`]); empty for a 0-1 bead.
    pub source: String,
    /// Target segments joined; empty for a 1-0 bead.
    pub target: String,
    /// Review flags, in [`Flag`] order.
    pub flags: Vec<Flag>,
}

impl AlignedPair {
    /// Whether the pair belongs in a translation memory: both sides have text.
    pub fn is_translation(&self) -> bool {
        !self.source.trim().is_empty() && !self.target.trim().is_empty()
    }

    /// 1-based human line range of the source side (`12-13`, `7`, or empty when none).
    ///
    /// Lines are the segments' positions: for presegmented input they are the line numbers of
    /// the input file; otherwise they are sentence numbers within the document.
    pub fn source_lines(&self) -> String {
        human_range(&self.bead.src)
    }

    /// 1-based human line range of the target side; see [`AlignedPair::source_lines`].
    pub fn target_lines(&self) -> String {
        human_range(&self.bead.tgt)
    }
}

/// `2..4` → `3-4`, `2..3` → `3`, `2..2` → ``.
pub fn human_range(r: &std::ops::Range<usize>) -> String {
    match r.len() {
        0 => String::new(),
        1 => (r.start + 1).to_string(),
        _ => format!("{}-{}", r.start + 1, r.end),
    }
}

/// The `x-paragraph` property of each pair (by [`AlignedPair::id`]): the 1-based paragraph of
/// its first source segment (of its first target segment for a 0-1 bead), so that a reader of
/// the TMX (the review page) can group units by paragraph. Empty when the source has one
/// paragraph only (presegmented input, which has none), where it would say nothing.
pub fn paragraph_props(
    pairs: &[AlignedPair],
    src: &[Segment],
    tgt: &[Segment],
) -> std::collections::BTreeMap<usize, Vec<(String, String)>> {
    let mut out = std::collections::BTreeMap::new();
    if src
        .iter()
        .all(|s| s.paragraph == src.first().map_or(0, |f| f.paragraph))
    {
        return out;
    }
    for p in pairs {
        let seg = if p.bead.src.is_empty() {
            tgt.get(p.bead.tgt.start)
        } else {
            src.get(p.bead.src.start)
        };
        if let Some(seg) = seg {
            out.insert(
                p.id,
                vec![("x-paragraph".to_string(), (seg.paragraph + 1).to_string())],
            );
        }
    }
    out
}

/// Joins the sentences of one bead side: Chinese without a separator, other languages with a
/// space.
pub fn join_segments<S: AsRef<str>>(lang: Lang, parts: &[S]) -> String {
    let sep = if lang == Lang::Zh { "" } else { " " };
    parts
        .iter()
        .map(|p| p.as_ref().trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

/// Thresholds of the review flags.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Source language (decides how source segments are joined).
    pub src_lang: Lang,
    /// Target language.
    pub tgt_lang: Lang,
    /// Beads below this confidence get [`Flag::LowConfidence`].
    pub low_confidence: f64,
    /// A pair whose target/source length ratio is more than this factor away from the
    /// document's ratio gets [`Flag::LengthOutlier`].
    pub length_outlier_factor: f64,
    /// Put [`Flag::SizeMismatch`] on every pair (see [`is_size_mismatch`]).
    pub size_mismatch: bool,
    /// Judge the pairs' texts for [`Flag::NumberMismatch`] and [`Flag::LengthOutlier`]:
    /// most of the building's time, and no output but the TMX, CSV and review files shows
    /// them (a run writing only beads files leaves them out).
    pub text_flags: bool,
}

impl BuildOptions {
    /// Defaults: low confidence below 0.5, length outlier beyond a factor 2.5.
    pub fn new(src_lang: Lang, tgt_lang: Lang) -> Self {
        BuildOptions {
            src_lang,
            tgt_lang,
            low_confidence: 0.5,
            length_outlier_factor: 2.5,
            size_mismatch: false,
            text_flags: true,
        }
    }
}

/// Whether two documents of `n_src` and `n_tgt` segments are too different in size to be
/// translations of each other (one more than 2.5 times the other, and more than 3 apart).
pub fn is_size_mismatch(n_src: usize, n_tgt: usize) -> bool {
    let (lo, hi) = (n_src.min(n_tgt), n_src.max(n_tgt));
    hi > lo + 3 && (hi as f64) > 2.5 * lo as f64
}

/// Checks that `alignment` covers every segment of both sides exactly once, in order.
pub fn check_coverage(alignment: &Alignment, n_src: usize, n_tgt: usize) -> Result<()> {
    let (mut s, mut t) = (0, 0);
    for (k, bead) in alignment.beads.iter().enumerate() {
        if bead.src.start != s || bead.tgt.start != t || bead.src.end < s || bead.tgt.end < t {
            return Err(Error::Internal(format!(
                "alignment bead {k} ({:?}, {:?}) does not continue at ({s}, {t})",
                bead.src, bead.tgt
            )));
        }
        s = bead.src.end;
        t = bead.tgt.end;
    }
    if s != n_src || t != n_tgt {
        return Err(Error::Internal(format!(
            "alignment covers {s}/{n_src} source and {t}/{n_tgt} target segments"
        )));
    }
    Ok(())
}

/// The texts of some segments.
fn texts(segs: &[Segment]) -> Vec<&str> {
    segs.iter().map(|s| s.text.as_str()).collect()
}

/// Whether a pair of visible lengths `ls` → `lt` is a length outlier for a document whose
/// target/source ratio is `ratio`: more than `factor` away from it. Very short pairs have
/// noisy ratios, so only pairs of some length are judged.
pub fn is_length_outlier(ls: f64, lt: f64, ratio: f64, factor: f64) -> bool {
    let expected = ls * ratio;
    expected.max(lt) >= 15.0 && (lt > expected * factor || lt * factor < expected)
}

/// Visible characters: whitespace does not count towards a length.
pub fn visible_len(s: &str) -> usize {
    // Counted on the bytes (every output pair and segment is measured): a character is its
    // leading byte, and only the leading bytes of whitespace and tag characters need the
    // character decoded (U+0085, U+00A0: 0xC2; U+1680: 0xE1; U+2000–U+205F: 0xE2; U+3000:
    // 0xE3; tags, U+100000 and up: 0xF4).
    let bytes = s.as_bytes();
    let mut n = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            // continuation bytes and ASCII whitespace (as `char::is_whitespace` has it)
            0x80..=0xBF | b' ' | 0x09..=0x0D => {}
            0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xF4 => {
                let c = s[i..].chars().next().unwrap_or(' ');
                if !c.is_whitespace() && super::tags::Tag::from_char(c).is_none() {
                    n += 1;
                }
            }
            _ => n += 1,
        }
    }
    n
}

/// Builds the output pairs of an alignment, one per bead in document order (1-0 / 0-1 beads
/// included), after checking that the alignment covers both segment lists.
pub fn build_pairs(
    alignment: &Alignment,
    src: &[Segment],
    tgt: &[Segment],
    options: &BuildOptions,
) -> Result<Vec<AlignedPair>> {
    check_coverage(alignment, src.len(), tgt.len())?;
    let text_flags = options.text_flags;
    let total = |segs: &[Segment]| -> usize {
        if text_flags {
            segs.iter().map(|s| visible_len(&s.text)).sum()
        } else {
            0
        }
    };
    let (total_src, total_tgt) = (total(src), total(tgt));
    // The document's own ratio is the yardstick, so no per-language-pair constant is needed.
    let doc_ratio = if total_src > 0 && total_tgt > 0 {
        Some(total_tgt as f64 / total_src as f64)
    } else {
        None
    };
    let mut out = Vec::with_capacity(alignment.beads.len());
    // One rule for every output: what the TMX cannot hold (controls XML 1.0 forbids) is left
    // out of the CSV too, and the user is told.
    let (mut dropped, mut first_dropped) = (0usize, None);
    for (k, bead) in alignment.beads.iter().enumerate() {
        let mut source = join_segments(options.src_lang, &texts(&src[bead.src.clone()]));
        let mut target = join_segments(options.tgt_lang, &texts(&tgt[bead.tgt.clone()]));
        for text in [&mut source, &mut target] {
            let n = crate::ingest::normalize::drop_controls(text);
            if n > 0 {
                dropped += n;
                first_dropped.get_or_insert(k + 1);
            }
        }
        let mut flags = Vec::new();
        if bead.src.is_empty() || bead.tgt.is_empty() {
            flags.push(Flag::Unaligned);
        } else {
            if source.trim().is_empty() || target.trim().is_empty() {
                flags.push(Flag::Empty);
            }
            if text_flags && !numbers_match(&source, &target) {
                flags.push(Flag::NumberMismatch);
            }
            // (no ratio without `text_flags`)
            if let Some(ratio) = doc_ratio {
                let (ls, lt) = (visible_len(&source) as f64, visible_len(&target) as f64);
                if is_length_outlier(ls, lt, ratio, options.length_outlier_factor) {
                    flags.push(Flag::LengthOutlier);
                }
            }
        }
        if bead.confidence < options.low_confidence {
            flags.push(Flag::LowConfidence);
        }
        if options.size_mismatch {
            flags.push(Flag::SizeMismatch);
        }
        out.push(AlignedPair {
            id: k + 1,
            bead: bead.clone(),
            source,
            target,
            flags,
        });
    }
    if let Some(first) = first_dropped {
        crate::warning::warn(&format!(
            "{dropped} control character(s) left out of the TMX and CSV (the first in pair \
             {first})"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-wise count agrees with counting the characters that are neither whitespace
    /// nor tags, for every character.
    #[test]
    fn visible_len_counts_every_character_as_the_definition_does() {
        let reference = |s: &str| {
            s.chars()
                .filter(|c| !c.is_whitespace() && crate::tm::tags::Tag::from_char(*c).is_none())
                .count()
        };
        let mut text = String::new();
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            let one = c.to_string();
            assert_eq!(visible_len(&one), reference(&one), "U+{:04X}", c as u32);
            text.push(c);
        }
        assert_eq!(visible_len(&text), reference(&text));
    }

    fn bead(s: std::ops::Range<usize>, t: std::ops::Range<usize>, c: f64) -> Bead {
        Bead {
            src: s,
            tgt: t,
            confidence: c,
        }
    }

    #[test]
    fn builds_pairs_with_joined_text_and_flags() {
        let src = Segment::from_lines(&["第一句。", "第二句有3个人。", "多余的。"]);
        let tgt = Segment::from_lines(&["Первое.", "Второе: 4 человека."]);
        let al = Alignment {
            beads: vec![
                bead(0..1, 0..1, 0.9),
                bead(1..2, 1..2, 0.3),
                bead(2..3, 2..2, 0.0),
            ],
        };
        let pairs = build_pairs(&al, &src, &tgt, &BuildOptions::new(Lang::Zh, Lang::Ru)).unwrap();
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs[0].flags, vec![]);
        assert_eq!(
            pairs[1].flags,
            vec![Flag::NumberMismatch, Flag::LowConfidence]
        );
        assert_eq!(pairs[2].flags, vec![Flag::Unaligned, Flag::LowConfidence]);
        assert!(!pairs[2].is_translation());
        assert_eq!(pairs[2].target_lines(), "");
        assert_eq!(pairs[1].source_lines(), "2");
    }

    #[test]
    fn joins_chinese_without_spaces() {
        assert_eq!(
            join_segments(Lang::Zh, &["你好。", " 再见。"]),
            "你好。再见。"
        );
        assert_eq!(join_segments(Lang::Ru, &["Да.", "Нет."]), "Да. Нет.");
        assert_eq!(human_range(&(11..13)), "12-13");
    }

    #[test]
    fn rejects_alignments_that_skip_or_overlap() {
        let gap = Alignment {
            beads: vec![bead(0..1, 0..1, 1.0), bead(2..3, 1..2, 1.0)],
        };
        assert!(check_coverage(&gap, 3, 2).is_err());
        let short = Alignment {
            beads: vec![bead(0..1, 0..1, 1.0)],
        };
        assert!(check_coverage(&short, 2, 1).is_err());
        assert!(check_coverage(&short, 1, 1).is_ok());
    }

    #[test]
    fn length_outliers_and_size_mismatch() {
        let src = Segment::from_lines(&["一二三四五六七八九十", "一二三四五六七八九十"]);
        let tgt = Segment::from_lines(&[
            "abcdefghijabcdefghij",
            "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij",
        ]);
        let al = Alignment {
            beads: vec![bead(0..1, 0..1, 1.0), bead(1..2, 1..2, 1.0)],
        };
        let pairs = build_pairs(&al, &src, &tgt, &BuildOptions::new(Lang::Zh, Lang::En)).unwrap();
        // doc ratio 5; pair 0 has ratio 2 (within 2.5x), pair 1 has ratio 8 (within 2.5x)
        assert!(pairs
            .iter()
            .all(|p| !p.flags.contains(&Flag::LengthOutlier)));
        let tgt2 = Segment::from_lines(&["ab", &"x".repeat(200)]);
        let pairs = build_pairs(&al, &src, &tgt2, &BuildOptions::new(Lang::Zh, Lang::En)).unwrap();
        assert!(pairs[0].flags.contains(&Flag::LengthOutlier));
        assert!(is_size_mismatch(10, 40));
        assert!(!is_size_mismatch(10, 14));
        assert!(!is_size_mismatch(1, 3));
    }

    /// Without `text_flags` the pairs are the same but for the two flags that read the texts.
    #[test]
    fn text_flags_off_leaves_out_only_number_and_length_flags() {
        let src = Segment::from_lines(&["第二句有3个人。", "一二三四五六七八九十", "多余的。"]);
        let tgt = Segment::from_lines(&["Второе: 4 человека.", &"x".repeat(200)]);
        let al = Alignment {
            beads: vec![
                bead(0..1, 0..1, 0.3),
                bead(1..2, 1..2, 0.9),
                bead(2..3, 2..2, 0.0),
            ],
        };
        let mut options = BuildOptions::new(Lang::Zh, Lang::Ru);
        let full = build_pairs(&al, &src, &tgt, &options).unwrap();
        assert!(full[0].flags.contains(&Flag::NumberMismatch));
        assert!(full.iter().any(|p| p.flags.contains(&Flag::LengthOutlier)));
        options.text_flags = false;
        let light = build_pairs(&al, &src, &tgt, &options).unwrap();
        for (mut f, l) in full.into_iter().zip(light) {
            f.flags
                .retain(|x| !matches!(x, Flag::NumberMismatch | Flag::LengthOutlier));
            assert_eq!(f, l);
        }
    }
}

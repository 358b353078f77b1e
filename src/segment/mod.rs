//! Sentence segmentation per language: own rule tables interpreted by a fast scanner (SRX 2.0
//! files can be loaded instead), with plain UAX #29 sentence boundaries from
//! `unicode-segmentation` available as a baseline.
//!
//! * `rules.rs`: per-language tables (terminators, closers, abbreviations, surname endings…).
//! * `engine.rs`: [`RuleSegmenter`], which interprets them in one pass over a paragraph.
//! * `glued.rs`: breaks with no punctuation (a headline run into its article, boilerplate).
//! * `srx.rs`: [`SrxSegmenter`] for SRX 2.0 rule files.
//! * `uax29.rs`: [`Uax29Segmenter`], the Unicode default rules alone.
//!
//! Conventions (the hand-labelled test set in `tests/data/segment/` follows them): a
//! sentence keeps its closing quotes and brackets (`他说：“好。”`, `«Да».`); an opening quote
//! after a terminator starts the next sentence; terminators inside quotations end a sentence
//! like anywhere else, unless what follows shows the sentence goes on (a lower-case word, a
//! comma, a dialogue dash before a lower-case word); Chinese book titles `《…》` never break.

mod engine;
mod glued;
pub mod rules;
mod srx;
mod uax29;

pub use engine::RuleSegmenter;
pub use srx::{SrxFile, SrxRule, SrxSegmenter, LOOKAHEAD, LOOKBEHIND};
pub use uax29::Uax29Segmenter;

use crate::{Lang, Result};
use std::ops::Range;
use std::path::Path;

/// Splits a paragraph into sentences.
pub trait Segmenter: Send + Sync {
    /// Byte ranges of the sentences of `paragraph`, in order, trimmed of surrounding
    /// whitespace, never empty.
    fn split(&self, paragraph: &str) -> Vec<Range<usize>>;

    /// The sentences of `paragraph` as string slices.
    fn sentences<'a>(&self, paragraph: &'a str) -> Vec<&'a str> {
        self.split(paragraph)
            .into_iter()
            .map(|r| &paragraph[r])
            .collect()
    }
}

/// The built-in rule-based segmenter for a language.
pub fn segmenter_for(lang: Lang) -> Box<dyn Segmenter> {
    Box::new(RuleSegmenter::new(lang))
}

/// Whether the whole sentence is a boilerplate phrase or editorial mark in `lang`
/// (`责任编辑：王明`, `（完）`, `Поделиться`, `Фото: пресс-служба`): the aligner lets such
/// segments stand unaligned cheaply.
pub fn is_boilerplate(lang: Lang, sentence: &str) -> bool {
    static SEGMENTERS: std::sync::OnceLock<[RuleSegmenter; 3]> = std::sync::OnceLock::new();
    let segs = SEGMENTERS.get_or_init(|| {
        [
            RuleSegmenter::new(Lang::Zh),
            RuleSegmenter::new(Lang::Ru),
            RuleSegmenter::new(Lang::En),
        ]
    });
    let k = match lang {
        Lang::Zh => 0,
        Lang::Ru => 1,
        Lang::En => 2,
    };
    segs[k].is_boilerplate(sentence)
}

/// A segmenter from an SRX 2.0 rule file, using the language rules that apply to `lang`.
pub fn segmenter_from_srx(path: &Path, lang: Lang) -> Result<Box<dyn Segmenter>> {
    Ok(Box::new(SrxSegmenter::from_file(path, lang)?))
}

/// Segments every paragraph: one `Vec` of sentences per paragraph.
pub fn segment_paragraphs(segmenter: &dyn Segmenter, paragraphs: &[String]) -> Vec<Vec<String>> {
    paragraphs
        .iter()
        .map(|p| {
            segmenter
                .sentences(p)
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_paragraphs_per_language() {
        let s = segmenter_for(Lang::Ru);
        let out = segment_paragraphs(s.as_ref(), &["Да. Нет.".into(), "  ".into()]);
        assert_eq!(
            out,
            vec![vec!["Да.".to_string(), "Нет.".to_string()], vec![]]
        );
    }
}

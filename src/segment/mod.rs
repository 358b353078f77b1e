//! Sentence segmentation per language: `unicode-segmentation` sentence boundaries refined by
//! language rule tables (own tables; SRX 2.0 files can be loaded).

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
    let _ = lang;
    todo!("segment::segmenter_for")
}

/// A segmenter from an SRX 2.0 rule file, using the language rules that apply to `lang`.
pub fn segmenter_from_srx(path: &Path, lang: Lang) -> Result<Box<dyn Segmenter>> {
    let _ = (path, lang);
    todo!("segment::segmenter_from_srx")
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

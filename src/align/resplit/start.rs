//! Evidence that a capitalised word opens a sentence on the alphabetic side: words the input
//! writes in lower case, short words that end sentences, a lede repeating its headline.

use super::punct::ZH_CLOSERS;
use crate::align::features;
use crate::Lang;
use std::collections::{HashMap, HashSet};

/// The word forms that `texts` (one sentence each) write in lower case somewhere, and their
/// stems of [`LONG_STEM`] letters or more: a capitalised word among them is a common word
/// opening a sentence rather than a name. (Short stems are left out: they conflate names with
/// common words, `Кореи` with `коре…`.) Also, marked with [`END_MARK`], the short lower-case
/// words that end a sentence: nouns like `гол`, `год`, never a preposition that governs what
/// follows.
#[cfg(test)]
pub(crate) fn lowercase_words<'a>(
    texts: impl Iterator<Item = &'a str>,
    lang: Lang,
) -> HashSet<String> {
    LowerCounts::count(texts, lang).finish()
}

/// What [`lowercase_words`] counts, before its decision: sums over sentences, so the counts of
/// shards of a corpus merge into the counts of the corpus (see [`crate::align::learn`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LowerCounts {
    /// Lower-case word forms and marked long stems.
    pub(crate) words: HashSet<String>,
    /// Short lower-case words: (occurrences, sentence ends).
    pub(crate) short: HashMap<String, (u64, u64)>,
}

impl LowerCounts {
    /// The counts of `texts` (one sentence each) in `lang` (nothing for Chinese).
    pub fn count<'a>(texts: impl Iterator<Item = &'a str>, lang: Lang) -> Self {
        let mut out = LowerCounts::default();
        if lang == Lang::Zh {
            return out;
        }
        let stemmer = features::Stemmer::new(lang);
        for text in texts {
            for w in text.split(|c: char| !c.is_alphanumeric()) {
                if w.chars().next().is_some_and(char::is_lowercase) {
                    if (2..=3).contains(&w.chars().count()) {
                        out.short.entry(w.to_owned()).or_default().0 += 1;
                    }
                    out.words.insert(w.to_owned());
                    let stem = stemmer.stem(w);
                    if stem.chars().count() >= LONG_STEM {
                        out.words.insert(format!("{STEM_MARK}{stem}"));
                    }
                }
            }
            let body = text
                .trim_end()
                .trim_end_matches(|c: char| ZH_CLOSERS.contains(&c) || matches!(c, '»' | '’'));
            if let Some(body) = body.strip_suffix(['.', '!', '?', '…']) {
                let last = body
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .next()
                    .unwrap_or("");
                if let Some(counts) = out.short.get_mut(last) {
                    counts.1 += 1;
                }
            }
        }
        out
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &LowerCounts) {
        self.words.extend(other.words.iter().cloned());
        for (w, (n, e)) in &other.short {
            let c = self.short.entry(w.clone()).or_default();
            c.0 += n;
            c.1 += e;
        }
    }

    /// The set [`lowercase_words`] returns.
    pub fn finish(&self) -> HashSet<String> {
        let mut out = self.words.clone();
        // A preposition may end an English sentence now and then (`…looking for.`); a noun
        // does so a good share of the time.
        for (w, &(n, ends)) in &self.short {
            if ends * SHORT_END_SHARE as u64 >= n {
                out.insert(format!("{END_MARK}{w}"));
            }
        }
        out
    }
}

/// A short word ends at least one in this many of its occurrences to count as a content
/// word in [`lowercase_words`].
pub(super) const SHORT_END_SHARE: u32 = 20;

/// Stems at least this long stand for their word in [`lowercase_words`] (shorter ones
/// conflate names with common words).
pub(super) const LONG_STEM: usize = 6;

/// Marks a stem entry in the [`lowercase_words`] set.
pub(super) const STEM_MARK: char = '\u{1}';

/// Marks a short word that ends a sentence in the [`lowercase_words`] set.
pub(super) const END_MARK: char = '\u{2}';

/// Whether the capitalised word at byte `pos` of `text` (an alphabetic language) opens a
/// sentence by the evidence of the input: it is a common word (written in lower case
/// elsewhere: `Новейший`, `Команда`), or one of the next three words repeats a content word
/// (stem of four letters or more) of the text before it (a lede restates its headline's
/// subject: `Сирия «готова» … | Сирия заявляет …`).
#[cfg(test)]
pub(super) fn start_evidence(
    text: &str,
    pos: usize,
    lang: Lang,
    lower: &HashSet<String>,
) -> Option<StartEvidence> {
    start_evidence_at(text, pos, lower, &StemIndex::new(text, lang))
}

/// The words (two letters or more) of one alphabetic text with their stems, so that
/// [`start_evidence`] at each of many positions costs O(log n) instead of stemming the
/// whole text again (quadratic over a long sentence).
pub(super) struct StemIndex {
    stemmer: features::Stemmer,
    /// (byte start, stem, capitalised) of each word, in order.
    words: Vec<(usize, String, bool)>,
    /// Where each stem first ends (byte offset).
    first_end: HashMap<String, usize>,
}

impl StemIndex {
    pub(super) fn new(text: &str, lang: Lang) -> Self {
        let stemmer = features::Stemmer::new(lang);
        let mut words = Vec::new();
        let mut first_end = HashMap::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            if c.is_alphanumeric() {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                let w = &text[s..i];
                if w.chars().count() >= 2 {
                    let stem = stemmer.stem(&w.to_lowercase());
                    first_end.entry(stem.clone()).or_insert(i);
                    words.push((s, stem, w.chars().next().is_some_and(char::is_uppercase)));
                }
            }
        }
        StemIndex {
            stemmer,
            words,
            first_end,
        }
    }
}

/// [`start_evidence`] with the text's [`StemIndex`]; `pos` stands at the start of a word (as
/// every candidate does), so the words before it are those that end at or before it.
pub(super) fn start_evidence_at(
    text: &str,
    pos: usize,
    lower: &HashSet<String>,
    index: &StemIndex,
) -> Option<StartEvidence> {
    let first = text[pos..]
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())?;
    // An initial (`В. В. Путин`) or a one-letter word is no evidence either way.
    let after_first = &text[pos..][text[pos..].find(first).unwrap_or(0) + first.len()..];
    if first.chars().count() < 2 || after_first.starts_with('.') {
        return None;
    }
    let first_lower = first.to_lowercase();
    let first_stem = index.stemmer.stem(&first_lower);
    if lower.contains(&first_lower)
        || (first_stem.chars().count() >= LONG_STEM
            && lower.contains(&format!("{STEM_MARK}{first_stem}")))
    {
        return Some(StartEvidence::CommonWord);
    }
    let k = index.words.partition_point(|w| w.0 < pos);
    let in_head = |stem: &String| index.first_end.get(stem).is_some_and(|&end| end <= pos);
    // A repeated name may have a short stem (`Сирия` → `сир`); a common word needs four letters.
    let repeats = index.words[k..].iter().take(3).any(|(_, w, cap)| {
        let n = w.chars().count();
        (n >= 4 || (*cap && n >= 3)) && in_head(w)
    });
    repeats.then_some(StartEvidence::Repeat)
}

/// Why a capitalised word is taken to open a sentence ([`start_evidence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StartEvidence {
    /// A common word: the input writes it in lower case elsewhere.
    CommonWord,
    /// It or one of the next two words repeats a word of the text before (a lede restating
    /// its headline); weaker, since the lede's restatement may start a word or two earlier
    /// (`… Olympic diver | Tom Daley …`).
    Repeat,
}

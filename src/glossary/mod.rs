//! Glossary building and terminology QA.
//!
//! [`extract()`] turns aligned Chinese–Russian pairs into a bilingual term list:
//!
//! 1. **Candidates** — Chinese: jieba words, 1–5-word n-grams inside a clause that start on a
//!    content word and end on a noun-like word ([`zh`]). Russian: 1–6-word noun phrases over
//!    Snowball stems with a suffix-guessed part of speech ([`ru`]). Candidates below the
//!    minimum frequency are dropped, and so is a candidate every occurrence of which sits
//!    inside one longer candidate (the C-value idea: it is not a term on its own), and a
//!    Chinese fragment that nearly always continues with the same character (a name jieba
//!    cut; the middle dot joins a name's parts into one candidate).
//! 2. **Association** — per-pair co-occurrence counts over translation units; the score is
//!    Dice × ln(1 + co-occurrences), mildly weighted by a length prior and boosted for
//!    transliterated names (pinyin → Palladius, [`crate::align::names`]), and weighted by the
//!    Chinese term's termhood (its frequency here against jieba's general-language
//!    frequencies); a Chinese name takes no Russian term opening with a common word. Then the counts are
//!    redone at the token level: in each unit the pairs present are linked best first, and a
//!    pair that crosses a better link of the unit (shares words with it without one lying inside
//!    the other on both sides) is not linked there; the score is recomputed from these link
//!    counts, so a term does not borrow the partner of a neighbour it always stands next to.
//! 3. **Competitive linking** — pairs are taken best first and each term keeps the first
//!    translation it is linked to. A linked Russian term gives way to a longer candidate that is
//!    more specific to the Chinese term and holds most of its co-occurrences (`Корея` →
//!    `Северная Корея`); the shorter stays in the entry as a short form. A second rendering is
//!    admitted, as a variant of the entry, only when the units where the first one is missing
//!    support it on their own ([`extract()`]'s variant pass). Pairs below
//!    [`ExtractOptions::min_score`] are dropped.
//! 4. **Seed** — unless disabled, curated pairs (`glossary/zh-ru.tsv`) that occur in the corpus
//!    are linked first and marked.
//!
//! [`mod@write`] renders the result as CSV, OmegaT TSV, TBX-Basic or TMX; [`qa`] checks a TM
//! against a glossary; [`mod@file`] reads glossary files; [`corpus`] loads TMX files and document
//! pairs.

pub mod corpus;
pub mod en;
pub mod extract;
pub mod file;
mod forms;
mod hash;
pub mod morph;
mod occs;
#[cfg(test)]
mod perf_harness;
pub mod qa;
pub mod ru;
pub mod rufreq;
pub mod target;
mod timing;
pub mod write;
pub mod zh;

pub use extract::extract;
pub use target::TargetLanguage;

/// One aligned translation unit fed to the extractor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BiPair {
    /// Unit id for examples and reports (TMX `tuid`, or `FILE#N`).
    pub id: String,
    /// Chinese text.
    pub zh: String,
    /// Target-language text (Russian or English; the field keeps the name of the first
    /// target the glossary had).
    pub ru: String,
}

/// One glossary entry: one concept, its preferred pair of terms and their variants.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GlossEntry {
    /// Chinese term.
    pub zh: String,
    /// Russian term (most frequent surface form, or the seed's dictionary form).
    pub ru: String,
    /// Association score (higher is better); the output is sorted by it.
    pub score: f64,
    /// Number of units in which both terms occur.
    pub freq: usize,
    /// Id of a unit where both occur.
    pub example: String,
    /// Whether the pair comes from the seed list.
    pub seed: bool,
    /// A note (the seed's note, `name` for transliterated names, `variant` for a second
    /// rendering).
    pub note: String,
    /// Part of speech of the preferred terms.
    pub pos: PartOfSpeech,
    /// Other terms naming the same concept (abbreviations, short forms, variants), in either
    /// language; the preferred pair is `zh`/`ru` (full form).
    pub variants: Vec<TermVariant>,
    /// One real sentence pair in which the preferred terms occur (empty when unknown).
    pub context: ContextPair,
    /// Domain or scope note (seed entries bound to a domain, e.g. `finance`); empty when the
    /// entry is general.
    pub domain: String,
}

/// Part of speech of a term, as termbases record it (TBX `partOfSpeech`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartOfSpeech {
    /// Common noun or noun phrase.
    #[default]
    Noun,
    /// Proper noun (person, place, organisation) — capitalisation is kept.
    ProperNoun,
    /// Verb or verb phrase.
    Verb,
    /// Adjective.
    Adjective,
    /// Anything else.
    Other,
}

/// Which form of a concept a term is (TBX `termType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TermType {
    /// The full form.
    #[default]
    FullForm,
    /// An abbreviation or acronym (`Минюст`, `外交部`→`МИД`).
    Abbreviation,
    /// A short form (`峰会` for `二十国集团峰会`).
    ShortForm,
    /// Another rendering of the same concept.
    Variant,
}

/// Which side of the pair a variant belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The Chinese side.
    Zh,
    /// The Russian (or other target language) side.
    Ru,
}

/// A further term of a concept entry.
#[derive(Debug, Clone, PartialEq)]
pub struct TermVariant {
    /// Language side of the term.
    pub side: Side,
    /// The term as written (dictionary form).
    pub term: String,
    /// Its type.
    pub term_type: TermType,
    /// Number of units in which it occurs.
    pub freq: usize,
}

/// A source and target sentence in which a term pair occurs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContextPair {
    /// The Chinese sentence.
    pub zh: String,
    /// The Russian sentence.
    pub ru: String,
}

/// A curated term pair.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SeedTerm {
    /// Chinese term.
    pub zh: String,
    /// Russian term.
    pub ru: String,
    /// Note (may be empty).
    pub note: String,
    /// Domain or scope the entry is bound to (empty: general).
    pub domain: String,
}

/// The default [`ExtractOptions::min_score`].
pub const DEFAULT_MIN_SCORE: f64 = 0.55;

/// Extraction settings.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Minimum number of units a candidate and a pair must occur in.
    pub min_freq: usize,
    /// Keep only the best N entries.
    pub top: Option<usize>,
    /// Drop corpus pairs scoring below this (seed pairs are kept). The default, 0.55, is the
    /// score of a pair seen in two units whose terms occur together in half of their units
    /// (Dice 0.5 × ln 3): below it the list is mostly chance pairs.
    pub min_score: f64,
    /// Seed pairs to include when found (empty: none).
    pub seed: Vec<SeedTerm>,
    /// Longest Chinese candidate in words.
    pub max_zh_words: usize,
    /// Longest Russian candidate in words.
    pub max_ru_words: usize,
    /// The target language (the TMX's; Russian by default).
    pub target: TargetLanguage,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            min_freq: 2,
            top: None,
            min_score: DEFAULT_MIN_SCORE,
            seed: Vec::new(),
            max_zh_words: 5,
            max_ru_words: 6,
            target: TargetLanguage::Russian,
        }
    }
}

//! The target language of a glossary (the side that is not Chinese): what the extractor asks
//! of it — tokens with lemmas and parts of speech, noun-phrase candidates, dictionary forms,
//! the general-language frequency list of the termhood prior and the romanisation that names
//! are matched by. Russian ([`super::ru`], [`super::morph`]) and English ([`super::en`]) are
//! supported; the language comes from the input (the TMX's language tags, the documents'
//! detected languages), never from a flag.

use super::hash::FastMap;
use super::ru::{self, Pos, Span, StemCache, Token};
use super::{en, rufreq};
use crate::align::names;
use crate::Lang;

/// A supported target language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TargetLanguage {
    /// Russian: OpenCorpora lemmas, nominative-singular dictionary forms, Palladius names.
    #[default]
    Russian,
    /// English: lemminflect lemmas, singular head nouns, pinyin names.
    English,
}

impl TargetLanguage {
    /// The target language for `lang`, `None` when the glossary does not support it.
    pub fn of(lang: Lang) -> Option<TargetLanguage> {
        match lang {
            Lang::Ru => Some(TargetLanguage::Russian),
            Lang::En => Some(TargetLanguage::English),
            Lang::Zh => None,
        }
    }

    /// The language.
    pub fn lang(self) -> Lang {
        match self {
            TargetLanguage::Russian => Lang::Ru,
            TargetLanguage::English => Lang::En,
        }
    }

    /// Tokens of a sentence, the cache shared across sentences.
    pub fn tokenize_cached(self, text: &str, cache: &mut StemCache) -> Vec<Token> {
        match self {
            TargetLanguage::Russian => ru::tokenize_cached(text, cache),
            TargetLanguage::English => en::tokenize_cached(text, cache),
        }
    }

    /// Tokens of a sentence.
    pub fn tokenize(self, text: &str) -> Vec<Token> {
        self.tokenize_cached(text, &mut StemCache::default())
    }

    /// The noun-phrase candidates of a tokenised sentence (both languages share the pattern
    /// over their parts of speech: modifiers, head noun, connected dependents).
    pub fn noun_phrases(self, tokens: &[Token], max_words: usize) -> Vec<Span> {
        ru::noun_phrases(tokens, max_words)
    }

    /// The part of speech of a lemma key (to tell connectors from content words).
    pub fn guess_pos(self, key: &str) -> Pos {
        match self {
            TargetLanguage::Russian => ru::guess_pos(key),
            TargetLanguage::English => en::guess_pos(key),
        }
    }

    /// The lemma key of a written word.
    pub fn lemma(self, word: &str) -> String {
        match self {
            TargetLanguage::Russian => ru::lemma(word),
            TargetLanguage::English => en::lemma(word),
        }
    }

    /// The lemma key of a phrase: inflected forms of one term compare equal under it.
    pub fn lemma_key(self, text: &str) -> String {
        match self {
            TargetLanguage::Russian => ru::lemma_key(text),
            TargetLanguage::English => en::lemma_key(text),
        }
    }

    /// The key a word's capitalisation votes are kept under: the lemma for Russian (names
    /// inflect), the folded word for English (`States` of `United States` is not `state`).
    pub fn case_key(self, token: &Token) -> &str {
        match self {
            TargetLanguage::Russian => &token.lemma,
            TargetLanguage::English => &token.folded,
        }
    }

    /// Whether [`TargetLanguage::case_key`] is the lemma (Russian).
    pub fn cases_by_lemma(self) -> bool {
        self == TargetLanguage::Russian
    }

    /// [`TargetLanguage::case_key`] of a written word.
    pub fn case_key_of(self, word: &str) -> String {
        match self {
            TargetLanguage::Russian => ru::lemma(word),
            TargetLanguage::English => en::fold(word),
        }
    }

    /// Whether a term's capitals follow its own occurrences (English: `Ministry of Foreign
    /// Affairs` is written so wherever it stands, while `ministry` alone is mostly lowercase)
    /// rather than each word's votes across the corpus (Russian, whose inflected names are
    /// counted by lemma).
    pub fn cases_by_term(self) -> bool {
        self == TargetLanguage::English
    }

    /// Whether a word the text only writes where a capital is due anyway (a sentence start)
    /// is a common word, to be entered in lowercase: English asks its lexicon (`Officials`
    /// at a sentence start is `officials`; a name the lexicon lacks keeps its capital);
    /// Russian keeps the written form (false).
    pub fn common_word(self, folded: &str) -> bool {
        match self {
            TargetLanguage::Russian => false,
            TargetLanguage::English => en::lexicon().is_some_and(|l| l.contains(folded)),
        }
    }

    /// The folded word a part-of-speech guess takes.
    pub fn fold(self, word: &str) -> String {
        match self {
            TargetLanguage::Russian => ru::fold(word),
            TargetLanguage::English => en::fold(word),
        }
    }

    /// The dictionary's forms of a lemma (Russian: the OpenCorpora lexeme); empty when the
    /// termhood prior should sum the forms the corpus writes instead (English: a lemma's forms
    /// in news are few and the corpus has them).
    pub fn lexeme_forms(self, key: &str) -> Vec<String> {
        match self {
            TargetLanguage::Russian => super::morph::lexeme_forms(key),
            TargetLanguage::English => Vec::new(),
        }
    }

    /// The installed general-language word list (`None`, warned once, when missing).
    pub fn frequency_list(self) -> Option<&'static rufreq::FreqList> {
        match self {
            TargetLanguage::Russian => rufreq::installed(),
            TargetLanguage::English => rufreq::installed_en(),
        }
    }

    /// Whether dictionary forms can be computed (the language's dictionary is installed).
    pub fn has_dictionary(self) -> bool {
        match self {
            TargetLanguage::Russian => super::morph::available(),
            TargetLanguage::English => en::available(),
        }
    }

    /// The folded romanisation skeleton of a 2–4-character Chinese term (a possible name) as
    /// this language writes Chinese names: Palladius for Russian, pinyin for English.
    pub fn name_skeleton(self, zh_term: &str) -> Option<String> {
        let n = zh_term.chars().count();
        if !(2..=4).contains(&n) {
            return None;
        }
        Some(match self {
            TargetLanguage::Russian => {
                names::fold(&names::chinese_name_ru(zh_term).replace(' ', ""))
            }
            TargetLanguage::English => names::fold(
                &zh_term
                    .chars()
                    .filter_map(names::pinyin_of)
                    .collect::<String>(),
            ),
        })
    }

    /// Whether a transliteration skeleton `tr` ([`TargetLanguage::name_skeleton`]) and the
    /// skeleton of a candidate's lemma keys spell the same name: similar skeletons, or for
    /// Russian, whose keys may be stems, a candidate that begins with the transliteration
    /// (`Пекин` of a stem). English keys are whole words, so a name's skeleton must be the
    /// whole candidate's (`Paris` is not `Paris Fashion`).
    pub fn skeletons_match(self, tr: &str, candidate: &str) -> bool {
        names::similar(tr, candidate)
            || (self == TargetLanguage::Russian && tr.len() >= 4 && candidate.starts_with(tr))
    }

    /// How much a lowercase surface form counts when the reported form is chosen: Russian
    /// weighs nominative-looking forms up ([`ru::nominative_weight`]); English forms count
    /// equally.
    pub fn form_weight(self, lower: &str) -> f64 {
        match self {
            TargetLanguage::Russian => ru::nominative_weight(lower),
            TargetLanguage::English => 1.0,
        }
    }

    /// The dictionary form of a term from its lowercase surface forms (form → occurrences,
    /// weighted occurrences), with the capitalisation votes by [`TargetLanguage::case_key`]
    /// and the folded words the corpus writes (`attested`); `None` without the dictionary or
    /// a form ([`ru::dictionary_form_of`], [`en::dictionary_form_of`]).
    pub fn dictionary_form(
        self,
        forms: &FastMap<String, (u32, f64)>,
        caps: &std::collections::HashMap<String, (u32, u32)>,
        attested: &dyn Fn(&str) -> bool,
    ) -> Option<String> {
        if !self.has_dictionary() {
            return None;
        }
        match self {
            TargetLanguage::Russian => ru::dictionary_form_of(forms, caps, attested),
            TargetLanguage::English => {
                let name = |w: &str| caps.get(w).is_some_and(|&(up, total)| up * 2 > total);
                en::dictionary_form_of(forms, &name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_map_both_ways() {
        for l in [Lang::Ru, Lang::En] {
            assert_eq!(TargetLanguage::of(l).unwrap().lang(), l);
        }
        assert_eq!(TargetLanguage::of(Lang::Zh), None);
    }

    #[test]
    fn names_romanise_by_language() {
        let ru = TargetLanguage::Russian.name_skeleton("习近平").unwrap();
        assert_eq!(ru, names::fold("Сицзиньпин"));
        let en = TargetLanguage::English.name_skeleton("习近平").unwrap();
        assert_eq!(en, names::fold("Xijinping"));
    }
}

//! Per-segment features the bead scorer compares: length, anchors (numbers, Latin-script
//! tokens, names), punctuation structure and lexical units for the learnt translation table.
//!
//! Tokens are identified by 64-bit FNV hashes, not interned strings, so documents can be
//! featurised in parallel and still share one lexicon across a batch.

use super::numbers;
use crate::lang::{
    is_alphabetic_fast, is_alphanumeric_fast, is_han, to_lowercase_fast, to_lowercase_into,
};
use crate::Lang;
use rustc_hash::FxHashMap;

/// FNV-1a over bytes with a kind tag, so equal strings of different kinds never collide.
pub fn hash_tok(kind: u8, s: &str) -> u64 {
    hash_bytes(kind, s.as_bytes())
}

/// [`hash_tok`] of the UTF-8 bytes of a string.
fn hash_bytes(kind: u8, bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ kind as u64;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// [`hash_tok`] of the text of the characters `chars` (one or two Chinese characters).
fn hash_chars(kind: u8, chars: &[char]) -> u64 {
    let mut buf = [0u8; 16];
    let mut n = 0;
    for c in chars {
        n += c.encode_utf8(&mut buf[n..]).len();
    }
    hash_bytes(kind, &buf[..n])
}

/// Kinds of tokens (hash tags).
pub const K_NUM: u8 = 1;
/// Latin-script token.
pub const K_LATIN: u8 = 2;
/// Chinese character unit (unigram or bigram).
pub const K_ZH: u8 = 3;
/// Word stem of an alphabetic language.
pub const K_STEM: u8 = 4;

/// Punctuation classes counted per segment.
pub const N_PUNCT: usize = 4;

/// Features of one segment.
#[derive(Debug, Clone, Default)]
pub struct SegFeat {
    /// Length in characters, whitespace excluded.
    pub len: f32,
    /// Number anchors (hashed number keys), sorted.
    pub nums: Vec<u64>,
    /// Latin-script tokens (lowercased, hashed), sorted and deduplicated.
    pub latin: Vec<u64>,
    /// Name anchors (filled in by the name matcher), sorted.
    pub names: Vec<u64>,
    /// Counts of `?`, `!`, quotations, brackets.
    pub punct: [u8; N_PUNCT],
    /// Lexical units: Chinese character unigrams/bigrams or word stems, deduplicated.
    pub lex: Vec<u64>,
    /// Capitalised words (lowercased) of an alphabetic language, for the name matcher.
    pub caps: Vec<String>,
    /// Paragraph index.
    pub paragraph: usize,
    /// The exact text recurs elsewhere in the input on the same side (boilerplate such as
    /// "Источник: ТАСС" or "（完）" that usually has no counterpart).
    pub repeated: bool,
}

/// Whether `c` is a Chinese character.
pub fn han(c: char) -> bool {
    is_han(c)
}

/// Stems lower-cased word forms of one language: Snowball for Russian and English, [`stem`]
/// for the others.
pub struct Stemmer(Option<rust_stemmers::Stemmer>);

impl Stemmer {
    /// The stemmer for `lang`.
    pub fn new(lang: Lang) -> Self {
        Stemmer(match lang {
            Lang::Ru => Some(rust_stemmers::Stemmer::create(
                rust_stemmers::Algorithm::Russian,
            )),
            Lang::En => Some(rust_stemmers::Stemmer::create(
                rust_stemmers::Algorithm::English,
            )),
            Lang::Zh => None,
        })
    }

    /// Stem of `lower` (already lower-cased).
    pub fn stem(&self, lower: &str) -> String {
        match &self.0 {
            Some(sm) => sm.stem(lower).into_owned(),
            None => stem(lower),
        }
    }
}

/// Crude stem for languages without a Snowball stemmer here: lowercase, first five characters
/// (inflection sits at the end).
pub fn stem(word: &str) -> String {
    to_lowercase_fast(word).chars().take(5).collect()
}

/// The lexical unit keys of stems (`hash_tok(K_STEM, stem)`) by lower-cased word form, for
/// the segments of one side: a document repeats its word forms, and stemming them afresh
/// each time was a fifth of a Russian side's featurisation.
pub struct StemKeys {
    stemmer: Stemmer,
    keys: FxHashMap<String, u64>,
}

impl StemKeys {
    /// An empty cache for words of `lang`.
    pub fn new(lang: Lang) -> Self {
        StemKeys {
            stemmer: Stemmer::new(lang),
            keys: FxHashMap::default(),
        }
    }

    /// The stem key of `lower` (already lower-cased).
    fn key(&mut self, lower: &str) -> u64 {
        if let Some(&k) = self.keys.get(lower) {
            return k;
        }
        let k = hash_tok(K_STEM, &self.stemmer.stem(lower));
        self.keys.insert(lower.to_owned(), k);
        k
    }
}

/// Features of `text` in `lang`.
pub fn featurize(text: &str, paragraph: usize, lang: Lang) -> SegFeat {
    featurize_with(text, paragraph, lang, &mut StemKeys::new(lang))
}

/// The class of a punctuation mark counted in [`SegFeat::punct`].
fn punct_class(c: char) -> Option<usize> {
    Some(match c {
        '?' | '？' => 0,
        '!' | '！' => 1,
        '“' | '«' | '《' | '「' | '『' | '„' | '"' => 2,
        '(' | '（' | '[' | '【' => 3,
        _ => return None,
    })
}

/// [`featurize`] with the stems of earlier segments of the same side (`stems` of `lang`).
pub fn featurize_with(text: &str, paragraph: usize, lang: Lang, stems: &mut StemKeys) -> SegFeat {
    let mut f = SegFeat {
        paragraph,
        ..SegFeat::default()
    };
    let mut num = String::new();
    f.nums = numbers::extract(text, lang)
        .into_iter()
        .map(|k| {
            use std::fmt::Write;
            num.clear();
            let _ = write!(num, "{k}");
            hash_tok(K_NUM, &num)
        })
        .collect();
    f.nums.sort_unstable();
    // One scan for the length, the punctuation and the words (maximal runs of alphanumerics
    // that are not Chinese characters), with one buffer for every word and its lower case.
    let mut len = 0usize;
    let (mut word, mut lower) = (String::new(), String::new());
    let mut first = true;
    for c in text.chars().chain(std::iter::once(' ')) {
        // `is_han` first: it is a range test, and `is_alphanumeric` of a Chinese character
        // is a table search (a tenth of featurisation's time on a Chinese side).
        if !is_han(c) && is_alphanumeric_fast(c) {
            word.push(c);
        } else if !word.is_empty() {
            add_word(&mut f, &word, first, lang, stems, &mut lower);
            word.clear();
            first = false;
        }
        if let Some(k) = punct_class(c) {
            f.punct[k] = f.punct[k].saturating_add(1);
        }
        len += usize::from(!c.is_whitespace());
    }
    f.len = len as f32;
    if lang == Lang::Zh {
        // units: each Chinese character, and each pair of adjacent ones
        let mut prev: Option<char> = None;
        for c in text.chars() {
            if !is_han(c) {
                prev = None;
                continue;
            }
            f.lex.push(hash_chars(K_ZH, &[c]));
            if let Some(p) = prev {
                f.lex.push(hash_chars(K_ZH, &[p, c]));
            }
            prev = Some(c);
        }
    }
    f.latin.sort_unstable();
    f.latin.dedup();
    f.lex.sort_unstable();
    f.lex.dedup();
    // A long document keeps the features of every segment: no spare capacity (a Chinese
    // segment's units grow to twice what dedup leaves).
    f.lex.shrink_to_fit();
    f.latin.shrink_to_fit();
    f.nums.shrink_to_fit();
    f.caps.shrink_to_fit();
    f
}

/// Adds the features of one word `w` of a segment (`initial`: its first word): a Latin
/// token, a stem, a capitalised word. `lower` is scratch space.
fn add_word(
    f: &mut SegFeat,
    w: &str,
    initial: bool,
    lang: Lang,
    stems: &mut StemKeys,
    lower: &mut String,
) {
    let has_alpha = w.chars().any(is_alphabetic_fast);
    if !has_alpha {
        return;
    }
    let ascii = w.bytes().all(|b| b.is_ascii_alphanumeric());
    let count = w.chars().count();
    to_lowercase_into(w, lower);
    // Latin tokens are anchors on a Chinese or Russian side; on an English side every word
    // is Latin, so only those that look like names/acronyms (capital or digit inside) count.
    if ascii && count >= 2 {
        let marked = lang != Lang::En
            || w.bytes()
                .skip(1)
                .any(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            || (!initial && w.as_bytes()[0].is_ascii_uppercase());
        if marked {
            f.latin.push(hash_tok(K_LATIN, lower));
        }
    }
    if lang != Lang::Zh && count >= 3 {
        f.lex.push(stems.key(lower));
        if w.chars().next().is_some_and(char::is_uppercase) {
            f.caps.push(lower.clone());
        }
    }
}

/// Keeps in each segment only the anchors (numbers, Latin tokens) that also occur somewhere on
/// the other side of the document pair: a value stated on one side only carries no alignment
/// information and would just add noise.
pub fn filter_shared_anchors(src: &mut [SegFeat], tgt: &mut [SegFeat]) {
    use std::collections::HashSet;
    let collect = |v: &[SegFeat], g: fn(&SegFeat) -> &Vec<u64>| -> HashSet<u64> {
        v.iter().flat_map(|f| g(f).iter().copied()).collect()
    };
    let sn = collect(src, |f| &f.nums);
    let tn = collect(tgt, |f| &f.nums);
    let sl = collect(src, |f| &f.latin);
    let tl = collect(tgt, |f| &f.latin);
    for f in src.iter_mut() {
        f.nums.retain(|x| tn.contains(x));
        f.latin.retain(|x| tl.contains(x));
    }
    for f in tgt.iter_mut() {
        f.nums.retain(|x| sn.contains(x));
        f.latin.retain(|x| sl.contains(x));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zh_and_ru_features() {
        let z = featurize("有人提议应将 AM 的头衔改为MWP（2017年）？", 0, Lang::Zh);
        assert_eq!(z.latin.len(), 2);
        assert_eq!(z.nums.len(), 1);
        assert_eq!(z.punct[0], 1);
        assert_eq!(z.punct[3], 1);
        let r = featurize("Члены Ассамблеи MWP в 2017 году?", 0, Lang::Ru);
        assert_eq!(r.latin, vec![hash_tok(K_LATIN, "mwp")]);
        assert_eq!(r.nums, z.nums);
        assert!(r.caps.contains(&"ассамблеи".to_string()));
        assert_eq!(r.len, 27.0);
    }

    /// A side's shared stem cache gives every segment the features it has alone.
    #[test]
    fn shared_stems_change_nothing() {
        let texts = [
            "Члены Ассамблеи MWP в 2017 году?",
            "Члены ассамблеи собрались; члены комиссии тоже.",
            "Ассамблея приняла резолюцию 2017 года",
        ];
        let mut stems = StemKeys::new(Lang::Ru);
        for t in texts {
            let (a, b) = (
                featurize(t, 0, Lang::Ru),
                featurize_with(t, 0, Lang::Ru, &mut stems),
            );
            assert_eq!(a.lex, b.lex, "{t}");
            assert_eq!((a.latin, a.nums, a.caps), (b.latin, b.nums, b.caps), "{t}");
        }
    }

    #[test]
    fn english_latin_anchors_are_marked_words_only() {
        let e = featurize("The AM said iPhone sales fell", 0, Lang::En);
        assert_eq!(e.latin.len(), 2);
    }
}

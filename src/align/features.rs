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
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// FNV-1a over bytes with a kind tag, so equal strings of different kinds never collide.
pub fn hash_tok(kind: u8, s: &str) -> u64 {
    hash_bytes(kind, s.as_bytes())
}

/// [`hash_tok`] of the UTF-8 bytes of a string.
fn hash_bytes(kind: u8, bytes: &[u8]) -> u64 {
    fnv_extend(0xcbf2_9ce4_8422_2325 ^ kind as u64, bytes)
}

/// [`hash_tok`] of the text of the characters `chars` (one or two Chinese characters): the
/// keys [`featurize_with`] gives Chinese units by [`fnv_extend`].
#[cfg(test)]
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

    /// The lexical unit key of the stem of `lower` (already lower-cased):
    /// `hash_tok(K_STEM, &self.stem(lower))` without an owned copy of a Snowball stem.
    fn stem_key(&self, lower: &str) -> u64 {
        match &self.0 {
            Some(sm) => hash_tok(K_STEM, &sm.stem(lower)),
            None => hash_tok(K_STEM, &stem(lower)),
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
/// each time was a fifth of a Russian side's featurisation. Also holds the scratch buffers
/// [`featurize_with`] reuses from one segment of the side to the next.
pub struct StemKeys {
    stemmer: Stemmer,
    /// The word forms seen (as written), one after another: one growing string rather than
    /// a string per form (tens of thousands on a long side, each allocated and freed).
    forms: String,
    /// The stem key of each form in `forms`, found by the form's hash and text.
    keys: hashbrown::HashTable<FormKey>,
    scratch: Scratch,
}

/// One word form of [`StemKeys`]: its hash, its place in `forms`, its stem key.
struct FormKey {
    hash: u64,
    start: usize,
    len: usize,
    key: u64,
}

/// Buffers [`featurize_with`] fills for each segment and copies out of at its end: a feature
/// list grown in place by pushes, then shrunk to its length, cost a reallocation or two per
/// list and segment (a tenth of featurisation's time went to the allocator).
#[derive(Default)]
struct Scratch {
    /// The current word's lower case.
    lower: String,
    /// Lexical units and Latin tokens before sorting and deduplication.
    lex: Vec<u64>,
    latin: Vec<u64>,
    /// The segment's number keys, and its characters as [`numbers::extract_into`] reads them.
    nums: Vec<numbers::NumKey>,
    chars: Vec<char>,
    /// The segment's capitalised words, moved out into a list of their number at its end.
    caps: Vec<String>,
}

impl StemKeys {
    /// An empty cache for words of `lang`.
    pub fn new(lang: Lang) -> Self {
        StemKeys {
            stemmer: Stemmer::new(lang),
            forms: String::new(),
            keys: hashbrown::HashTable::new(),
            scratch: Scratch::default(),
        }
    }

    /// The stem key of word `w` (as written: most words need no lower case then, and a
    /// form is looked up before it is lowered), `lower` scratch space.
    fn key(&mut self, w: &str, lower: &mut String) -> u64 {
        let hash = FxBuildHasher.hash_one(w);
        let forms = &self.forms;
        if let Some(f) = self
            .keys
            .find(hash, |f| &forms[f.start..f.start + f.len] == w)
        {
            return f.key;
        }
        to_lowercase_into(w, lower);
        let key = self.stemmer.stem_key(lower);
        let start = self.forms.len();
        self.forms.push_str(w);
        let form = FormKey {
            hash,
            start,
            len: w.len(),
            key,
        };
        self.keys.insert_unique(hash, form, |f| f.hash);
        key
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

/// The token key of a number key: [`hash_tok`] of its decimal text.
fn number_token(k: numbers::NumKey) -> u64 {
    hash_tok(K_NUM, itoa::Buffer::new().format(k))
}

/// FNV-1a state after `bytes`, from state `h` ([`hash_bytes`] is this from its seed): the
/// key of a pair of Chinese characters continues the key of its first character.
fn fnv_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// [`featurize`] with the stems of earlier segments of the same side (`stems` of `lang`).
pub fn featurize_with(text: &str, paragraph: usize, lang: Lang, stems: &mut StemKeys) -> SegFeat {
    let mut f = SegFeat {
        paragraph,
        ..SegFeat::default()
    };
    // (taken out of `stems` for the segment, so that the stem cache can be borrowed beside it)
    let mut s = std::mem::take(&mut stems.scratch);
    numbers::extract_into(text, lang, &mut s.chars, &mut s.nums);
    f.nums = s.nums.iter().map(|&k| number_token(k)).collect();
    f.nums.sort_unstable();
    s.lex.clear();
    s.latin.clear();
    s.caps.clear();
    // One scan for the length, the punctuation, the words (maximal runs of alphanumerics
    // that are not Chinese characters) and, on a Chinese side, the lexical units: each
    // Chinese character, and each pair of adjacent ones.
    let zh = lang == Lang::Zh;
    let mut len = 0usize;
    // where the current word starts (a word is a slice of `text`: no copy of its letters)
    let mut word_start: Option<usize> = None;
    let mut first = true;
    // the key state after the previous character when it is Chinese
    let mut prev_unit: Option<u64> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        // `is_han` first: it is a range test, and `is_alphanumeric` of a Chinese character
        // is a table search (a tenth of featurisation's time on a Chinese side). A Chinese
        // character ends a word and counts in the length; it is no punctuation.
        // (a range test of its own first: most characters of an alphabetic text are below
        // every Chinese block)
        if c >= '\u{3400}' && is_han(c) {
            if let Some(start) = word_start.take() {
                add_word(&mut s, &text[start..i], first, lang, stems);
                first = false;
            }
            if zh {
                let mut buf = [0u8; 4];
                let bytes = c.encode_utf8(&mut buf).as_bytes();
                let unit = fnv_extend(hash_bytes(K_ZH, &[]), bytes);
                s.lex.push(unit);
                if let Some(p) = prev_unit {
                    s.lex.push(fnv_extend(p, bytes));
                }
                prev_unit = Some(unit);
            }
            len += 1;
            continue;
        }
        prev_unit = None;
        if is_alphanumeric_fast(c) {
            // (an alphanumeric character is neither whitespace nor counted punctuation)
            word_start.get_or_insert(i);
            len += 1;
            continue;
        }
        if let Some(start) = word_start.take() {
            add_word(&mut s, &text[start..i], first, lang, stems);
            first = false;
        }
        if let Some(k) = punct_class(c) {
            f.punct[k] = f.punct[k].saturating_add(1);
        }
        len += usize::from(!c.is_whitespace());
    }
    f.len = len as f32;
    s.latin.sort_unstable();
    s.latin.dedup();
    s.lex.sort_unstable();
    s.lex.dedup();
    // A long document keeps the features of every segment: no spare capacity.
    f.lex = s.lex.to_vec();
    f.latin = s.latin.to_vec();
    f.caps = s.caps.drain(..).collect();
    stems.scratch = s;
    f
}

/// Adds the features of one word `w` of a segment (`initial`: its first word) to `s`: a
/// Latin token, a stem, a capitalised word.
fn add_word(s: &mut Scratch, w: &str, initial: bool, lang: Lang, stems: &mut StemKeys) {
    let has_alpha = w.chars().any(is_alphabetic_fast);
    if !has_alpha {
        return;
    }
    let ascii = w.bytes().all(|b| b.is_ascii_alphanumeric());
    let count = w.chars().count();
    let lower = &mut s.lower;
    // Latin tokens are anchors on a Chinese or Russian side; on an English side every word
    // is Latin, so only those that look like names/acronyms (capital or digit inside) count.
    if ascii && count >= 2 {
        let marked = lang != Lang::En
            || w.bytes()
                .skip(1)
                .any(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            || (!initial && w.as_bytes()[0].is_ascii_uppercase());
        if marked {
            to_lowercase_into(w, lower);
            s.latin.push(hash_tok(K_LATIN, lower));
        }
    }
    if lang != Lang::Zh && count >= 3 {
        s.lex.push(stems.key(w, lower));
        if w.chars().next().is_some_and(char::is_uppercase) {
            to_lowercase_into(w, lower);
            s.caps.push(lower.clone());
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

    /// The units of a Chinese segment are its characters and adjacent pairs, keyed by
    /// [`hash_chars`], and reusing one side's buffers changes no feature.
    #[test]
    fn chinese_units_and_reused_buffers() {
        let texts = [
            "有人提议应将 AM 的头衔改为MWP（2017年）？",
            "",
            "习近平𠀀会见 了",
            "三千五百万",
        ];
        let mut side = StemKeys::new(Lang::Zh);
        for t in texts {
            let chars: Vec<char> = t.chars().collect();
            let mut units = Vec::new();
            for (k, &c) in chars.iter().enumerate() {
                if han(c) {
                    units.push(hash_chars(K_ZH, &[c]));
                    if k > 0 && han(chars[k - 1]) {
                        units.push(hash_chars(K_ZH, &[chars[k - 1], c]));
                    }
                }
            }
            units.sort_unstable();
            units.dedup();
            let (a, b) = (
                featurize(t, 0, Lang::Zh),
                featurize_with(t, 0, Lang::Zh, &mut side),
            );
            assert_eq!(a.lex, units, "{t}");
            assert_eq!(b.lex, units, "{t}");
            assert_eq!((a.latin, a.nums, a.len), (b.latin, b.nums, b.len), "{t}");
        }
    }

    /// A stem's key is the hash of the stem, with or without a Snowball stemmer.
    #[test]
    fn stem_keys_hash_the_stem() {
        for (lang, words) in [
            (Lang::Ru, ["ассамблеи", "члены", "года"]),
            (Lang::En, ["assemblies", "members", "year"]),
            (Lang::Zh, ["abcdefg", "ab", "членами"]),
        ] {
            let st = Stemmer::new(lang);
            for w in words {
                assert_eq!(st.stem_key(w), hash_tok(K_STEM, &st.stem(w)), "{w}");
            }
        }
    }

    /// The side's cache of word forms gives each form, new or seen before, the key its
    /// stem has, however many forms it holds (forms that are prefixes of one another too).
    #[test]
    fn stem_cache_gives_each_form_its_stems_key() {
        let mut stems = StemKeys::new(Lang::Ru);
        let words: Vec<String> = (0..3000)
            .map(|k| {
                let base = ["Член", "член", "Ассамблея", "ассамбле", "год", "Годы"][k % 6];
                format!("{base}{}", "аоыи".chars().nth(k / 6 % 4).unwrap()).repeat(1 + k / 24 % 3)
            })
            .collect();
        let mut lower = String::new();
        for pass in 0..2 {
            for w in &words {
                let want = stems.stemmer.stem_key(&w.to_lowercase());
                assert_eq!(stems.key(w, &mut lower), want, "{w} {pass}");
            }
        }
        assert!(stems.keys.len() < words.len());
    }

    /// A number's token is the hash of its decimal text.
    #[test]
    fn number_tokens_hash_the_decimal_text() {
        for k in [0, 7, 1000, 2_017_000, 9_000_000_000_000_000] {
            assert_eq!(number_token(k), hash_tok(K_NUM, &k.to_string()));
        }
    }

    #[test]
    fn english_latin_anchors_are_marked_words_only() {
        let e = featurize("The AM said iPhone sales fell", 0, Lang::En);
        assert_eq!(e.latin.len(), 2);
    }
}

//! Splitting a segment into the units that scoring, indexing and diffing share.
//!
//! One tokenizer serves every language, so that a Chinese segment with an embedded
//! `iPhone 15` or a Russian one with a Latin acronym is handled without asking which
//! language it is:
//! - every CJK character (Han, kana, Hangul) is a unit of its own — character-level
//!   matching for Chinese;
//! - a run of other letters / digits is one *word* unit — token-level matching for Russian
//!   and English;
//! - every other visible character (punctuation, symbols) is a *punctuation* unit;
//! - whitespace only separates units and is otherwise ignored, which is what "identical after
//!   normalising whitespace" means here.
//!
//! Each unit carries two 64-bit keys: `exact` (hash of the text as written) and `folded`
//! (hash after lowercasing, `ё` → `е` and full-width → half-width folding), so that case- or
//! width-only differences can be told apart from real ones without comparing strings.

use std::ops::Range;

/// What kind of unit a piece of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// One CJK character.
    Cjk,
    /// A run of letters / digits outside CJK.
    Word,
    /// One punctuation or symbol character.
    Punct,
}

/// One unit of a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Its kind.
    pub kind: UnitKind,
    /// Byte range in the segment it came from.
    pub range: Range<usize>,
    /// Hash of the text as written.
    pub exact: u64,
    /// Hash of the folded text (case, `ё`, character width).
    pub folded: u64,
    /// Hash of the first five folded characters (words only; equal to `folded` otherwise):
    /// a crude stem so that Russian inflection endings still share index keys.
    pub stem: u64,
}

impl Unit {
    /// Whether the unit is content (a word or a CJK character) rather than punctuation.
    pub fn is_content(&self) -> bool {
        self.kind != UnitKind::Punct
    }
}

/// Whether `c` is written one character per unit (CJK ideographs, kana, Hangul).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // hiragana, katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xAC00..=0xD7AF   // Hangul syllables
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0x20000..=0x3FFFF // CJK extensions B…
    )
}

/// Full-width ASCII variants (`，`, `Ａ`, `１`) → their ASCII counterparts; other characters
/// unchanged. Chinese text mixes both widths freely, and the difference is only typographic.
pub fn fold_width(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Small, fast, stable 64-bit hash (FNV-1a over bytes with a final avalanche). Stable across
/// runs and platforms because index files store its values.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    finish(h)
}

/// Final avalanche so that hashes of similar inputs differ in all bits.
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Hash of a sequence of unit keys (the context of a segment, compared for 101% matches).
pub fn hash_keys(keys: impl IntoIterator<Item = u64>) -> u64 {
    let mut h: u64 = 0x8422_2325_cbf2_9ce4;
    for k in keys {
        h = (h ^ k).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(27);
    }
    finish(h)
}

/// Collapses every run of whitespace to one space and trims the ends.
pub fn normalize_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits `text` into units (see the module docs).
pub fn units(text: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut word_start: Option<usize> = None;
    let flush = |out: &mut Vec<Unit>, start: usize, end: usize| {
        out.push(word_unit(text, start..end));
    };
    for (i, c) in text.char_indices() {
        let is_word_char = c.is_alphanumeric() && !is_cjk(c) || is_joiner(c);
        if is_word_char {
            if word_start.is_none() {
                word_start = Some(i);
            }
            continue;
        }
        if let Some(s) = word_start.take() {
            flush(&mut out, s, i);
        }
        if c.is_whitespace() || c.is_control() {
            continue;
        }
        let range = i..i + c.len_utf8();
        let mut buf = [0u8; 4];
        let exact = hash_bytes(c.encode_utf8(&mut buf).as_bytes());
        let (kind, folded) = if is_cjk(c) {
            (UnitKind::Cjk, exact)
        } else {
            let f = fold_width(c);
            let folded = hash_bytes(f.encode_utf8(&mut buf).as_bytes());
            // A full-width letter or digit is a one-character word.
            let kind = if f.is_alphanumeric() {
                UnitKind::Word
            } else {
                UnitKind::Punct
            };
            (kind, folded)
        };
        out.push(Unit {
            kind,
            range,
            exact,
            folded,
            stem: folded,
        });
    }
    if let Some(s) = word_start {
        flush(&mut out, s, text.len());
    }
    out
}

/// Combining marks and zero-width joiners stay inside the word they decorate.
fn is_joiner(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x200C | 0x200D)
}

/// A word unit over `text[range]`, with its folded and stem keys.
fn word_unit(text: &str, range: Range<usize>) -> Unit {
    let word = &text[range.clone()];
    let mut folded = String::with_capacity(word.len());
    for c in word.chars().map(fold_width) {
        for l in c.to_lowercase() {
            folded.push(if l == 'ё' { 'е' } else { l });
        }
    }
    let stem_end = folded
        .char_indices()
        .nth(5)
        .map(|(i, _)| i)
        .unwrap_or(folded.len());
    Unit {
        kind: UnitKind::Word,
        exact: hash_bytes(word.as_bytes()),
        folded: hash_bytes(folded.as_bytes()),
        stem: hash_bytes(&folded.as_bytes()[..stem_end]),
        range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(s: &'a str, u: &[Unit]) -> Vec<&'a str> {
        u.iter().map(|u| &s[u.range.clone()]).collect()
    }

    #[test]
    fn chinese_is_split_per_character_with_latin_words_whole() {
        let s = "我买了 iPhone 15，很好。";
        let u = units(s);
        assert_eq!(
            texts(s, &u),
            ["我", "买", "了", "iPhone", "15", "，", "很", "好", "。"]
        );
        assert_eq!(u[3].kind, UnitKind::Word);
        assert_eq!(u[5].kind, UnitKind::Punct);
    }

    #[test]
    fn russian_words_and_punctuation() {
        let s = "Ёлка, стоит  в лесу.";
        let u = units(s);
        assert_eq!(texts(s, &u), ["Ёлка", ",", "стоит", "в", "лесу", "."]);
        let v = units("елка , стоит в лесу .");
        assert_eq!(u[0].folded, v[0].folded);
        assert_ne!(u[0].exact, v[0].exact);
    }

    #[test]
    fn full_width_folds_to_ascii() {
        let a = units("，Ａ");
        let b = units(",a");
        assert_eq!(a[0].folded, b[0].folded);
        assert_eq!(a[1].folded, b[1].folded);
        assert_eq!(a[1].kind, UnitKind::Word);
    }

    #[test]
    fn stems_ignore_endings() {
        let a = units("ассамблеи");
        let b = units("Ассамблея");
        assert_eq!(a[0].stem, b[0].stem);
        assert_ne!(a[0].folded, b[0].folded);
    }

    #[test]
    fn whitespace_normalised() {
        assert_eq!(normalize_whitespace("  a \t b\n"), "a b");
        assert!(units(" \n\t").is_empty());
    }
}

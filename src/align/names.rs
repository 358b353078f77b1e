//! Names as anchors: Chinese characters romanised (pinyin, then the Palladius system for
//! Russian) and matched fuzzily against capitalised words of the other side.
//!
//! Chinese names come out exactly (习近平 → Си Цзиньпин); foreign names written in Chinese
//! characters by sound (普京, 扎耶夫) only come out approximately, so both sides are folded to a
//! coarse phonetic skeleton (voicing and sibilants merged, soft signs dropped) and compared
//! with Jaro–Winkler similarity. A match is never required: it only adds evidence.

use super::features::{han, hash_tok, SegFeat};
use crate::lang::{lower_simple, to_lowercase_fast};
use crate::Lang;
use pinyin::ToPinyin;
use rustc_hash::{FxHashMap, FxHashSet};
#[cfg(test)]
use std::collections::{HashMap, HashSet};

/// Tag for name anchors in token hashes.
const K_NAME: u8 = 5;

fn cyr_initial(ini: &str) -> &'static str {
    match ini {
        "b" => "б",
        "p" => "п",
        "m" => "м",
        "f" => "ф",
        "d" => "д",
        "t" => "т",
        "n" => "н",
        "l" => "л",
        "g" => "г",
        "k" => "к",
        "h" => "х",
        "j" | "z" => "цз",
        "q" | "c" => "ц",
        "x" | "s" => "с",
        "zh" => "чж",
        "ch" => "ч",
        "sh" => "ш",
        "r" => "ж",
        _ => "",
    }
}

/// Palladius (Russian) spelling of one toneless pinyin syllable (`ü` may be written `v`).
pub fn palladius(syllable: &str) -> Option<String> {
    let s = syllable.to_lowercase().replace('ü', "v");
    // Zero-initial syllables spelled with y / w.
    let whole = match s.as_str() {
        "yi" => "и",
        "ya" => "я",
        "yao" => "яо",
        "ye" => "е",
        "you" => "ю",
        "yan" => "янь",
        "yin" => "инь",
        "yang" => "ян",
        "ying" => "ин",
        "yong" => "юн",
        "yu" => "юй",
        "yue" => "юэ",
        "yuan" => "юань",
        "yun" => "юнь",
        "yo" => "ё",
        "wu" => "у",
        "wa" => "ва",
        "wo" => "во",
        "wai" => "вай",
        "wei" => "вэй",
        "wan" => "вань",
        "wen" => "вэнь",
        "wang" => "ван",
        "weng" => "вэн",
        _ => "",
    };
    if !whole.is_empty() {
        return Some(whole.to_owned());
    }
    let ini = ["zh", "ch", "sh"]
        .iter()
        .find(|p| s.starts_with(*p))
        .map(|p| p.to_string())
        .or_else(|| {
            s.chars()
                .next()
                .filter(|c| "bpmfdtnlgkhjqxrzcs".contains(*c))
                .map(|c| c.to_string())
        })
        .unwrap_or_default();
    let fin = &s[ini.len()..];
    let palatal = matches!(ini.as_str(), "j" | "q" | "x");
    let dental = matches!(ini.as_str(), "z" | "c" | "s");
    let cf = match fin {
        "a" => "а",
        "o" => "о",
        "e" => "э",
        "ai" => "ай",
        "ei" => "эй",
        "ao" => "ао",
        "ou" => "оу",
        "an" => "ань",
        "en" => "энь",
        "ang" => "ан",
        "eng" => "эн",
        "ong" => "ун",
        "er" => "эр",
        "i" if dental => "ы",
        "i" => "и",
        "ia" => "я",
        "ie" => "е",
        "iao" => "яо",
        "iu" => "ю",
        "ian" => "янь",
        "in" => "инь",
        "iang" => "ян",
        "ing" => "ин",
        "iong" => "юн",
        "u" if palatal => "юй",
        "u" => "у",
        "ua" => "уа",
        "uo" => "о",
        "uai" => "уай",
        "ui" => "уй",
        "uan" if palatal => "юань",
        "uan" => "уань",
        "un" if palatal => "юнь",
        "un" => "унь",
        "uang" => "уан",
        "ue" | "ve" => "юэ",
        "v" => "юй",
        _ => return None,
    };
    // After a consonant, ё/е/я/ю keep their letters (лю, цзе, ся).
    Some(format!("{}{}", cyr_initial(&ini), cf))
}

/// Toneless pinyin of a Chinese character.
pub fn pinyin_of(c: char) -> Option<&'static str> {
    c.to_pinyin().map(|p| p.plain())
}

/// Romanisation of one character for `lang` (Palladius for Russian, pinyin otherwise).
fn romanize(c: char, lang: Lang) -> Option<String> {
    let p = pinyin_of(c)?;
    if lang == Lang::Ru {
        palladius(p)
    } else {
        Some(p.to_owned())
    }
}

/// A Chinese personal name in Russian (surname, space, given name), by Palladius:
/// 习近平 → Си Цзиньпин.
pub fn chinese_name_ru(name: &str) -> String {
    let parts: Vec<String> = name.chars().filter_map(|c| romanize(c, Lang::Ru)).collect();
    let cap = |s: &str| {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    match parts.split_first() {
        None => String::new(),
        Some((sur, [])) => cap(sur),
        Some((sur, rest)) => format!("{} {}", cap(sur), cap(&rest.concat())),
    }
}

/// Folds a Cyrillic or Latin word to a coarse phonetic skeleton, so that approximate
/// transliterations compare well: voicing and sibilants merged, soft signs dropped, doubled
/// letters collapsed, the Chinese `-фу` / `-fu` rendering of `-ов` / `-ov` cut.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(16);
    let mut lower = Vec::with_capacity(word.len());
    fold_into(word.chars(), &mut lower, &mut out);
    out
}

/// [`fold`] of the characters `word`, written to `out` (cleared first); `lower` is scratch
/// space. Runs for every distinct window of Chinese characters a document holds (over a
/// hundred thousand in a long one), so it reuses the caller's buffers: most windows are
/// dropped right after folding and need no string of their own.
fn fold_into(word: impl Iterator<Item = char> + Clone, lower: &mut Vec<char>, out: &mut String) {
    lower.clear();
    out.clear();
    // Characters lowered one by one when they are ASCII or basic Cyrillic (the same
    // characters as `str::to_lowercase`, which the others take: it knows context rules).
    for c in word.clone() {
        match lower_simple(c) {
            Some(l) => lower.push(l),
            None => {
                lower.clear();
                let s: String = word.collect();
                lower.extend(s.to_lowercase().chars());
                break;
            }
        }
    }
    // Scottish/Irish "Mc" is written "Мак" in Russian.
    if lower.starts_with(&['m', 'c']) {
        lower.insert(1, 'a');
    }
    fold_lower(lower, out);
}

/// The skeleton letter of each Latin letter `a`–`z` without its context (see [`fold_lower`]).
const LATIN_FOLD: &[u8; 26] = b"abgdevggizglmnobglzduvvziz";
/// The skeleton letter of each Cyrillic letter `а`–`я` (0 for the signs, which are dropped).
const CYRILLIC_FOLD: [u8; 32] = [
    b'a', b'b', b'v', b'g', b'd', b'e', b'z', b'z', b'i', b'i', b'g', b'l', b'm', b'n', b'o', b'b',
    b'l', b'z', b'd', b'u', b'v', b'g', b'z', b'z', b'z', b'z', 0, b'i', 0, b'e', b'u', b'a',
];

/// [`fold`] of a lower-cased word (`Mc` already made `Mac`), appended to `out`: voicing and
/// sibilants merged, Latin digraphs read as one sound, signs dropped, doubled letters
/// collapsed, a final `-vu` (the Chinese rendering of `-ов`) cut.
fn fold_lower(lower: &[char], out: &mut String) {
    fold_letters(lower, out);
    if out.ends_with("vu") {
        out.pop();
    }
}

/// [`fold_lower`] without the cut of a final `-vu`: the skeleton of a piece of a word, which
/// [`join_folds`] joins to others.
fn fold_letters(lower: &[char], out: &mut String) {
    // The last letter written (all are ASCII): doubled letters collapse.
    let mut last = 0u8;
    let mut i = 0;
    while i < lower.len() {
        let c = lower[i];
        let next = lower.get(i + 1).copied();
        i += 1;
        let mut m = match c {
            'a'..='z' => LATIN_FOLD[c as usize - 'a' as usize],
            'а'..='я' => CYRILLIC_FOLD[c as usize - 'а' as usize],
            'ё' => b'o',
            _ => 0,
        };
        if c.is_ascii() {
            match (c, next) {
                ('p', Some('h')) => {
                    i += 1;
                    m = b'v';
                }
                ('c' | 's' | 'z', Some('h')) => {
                    i += 1;
                    m = b'z';
                }
                // Latin c is /k/ before back vowels and consonants, /s/ before e, i, y.
                ('c', Some('e' | 'i' | 'y')) => m = b'z',
                ('t', Some('h')) => {
                    i += 1;
                    m = b'd';
                }
                ('e', Some('w')) => {
                    i += 1;
                    m = b'u';
                }
                _ => {}
            }
        }
        if m != 0 && m != last {
            out.push(m as char);
            last = m;
        }
    }
}

/// Whether Latin letters `a` then `b` are read as one sound by [`fold_lower`] (`ph`, `ch`,
/// `sh`, `zh`, `th`, `ew`, and `c` before `e`, `i`, `y`): a window whose characters'
/// romanisations meet on such a pair is folded whole rather than joined.
fn digraph(a: char, b: char) -> bool {
    matches!(
        (a, b),
        ('p' | 'c' | 's' | 'z' | 't', 'h') | ('c', 'e' | 'i' | 'y') | ('e', 'w')
    )
}

/// The skeleton of one character's romanisation alone, kept to join the skeletons of the
/// windows it starts or continues ([`join_folds`]) instead of folding each window's text
/// again: a character is folded once per document, a window is a few bytes copied.
#[derive(Debug, Clone, Copy, Default)]
struct PieceFold {
    /// [`fold_letters`] of the piece, `n` of them.
    letters: [u8; 8],
    n: u8,
    /// The first and last characters of the piece (lower-cased): where it meets the pieces
    /// beside it.
    first: char,
    last: char,
    /// The piece can be joined: its skeleton fits `letters` and it is not empty.
    joinable: bool,
    /// The piece may begin a `Mc` (an `m` alone or before a `c`), which [`fold`] reads as
    /// `Mac` at the start of a word: it is not joined at a window's start.
    mc: bool,
}

impl PieceFold {
    /// The fold of a lower-cased piece.
    fn new(lower: &[char]) -> PieceFold {
        let mut out = String::new();
        fold_letters(lower, &mut out);
        let mut f = PieceFold {
            first: lower.first().copied().unwrap_or('\0'),
            last: lower.last().copied().unwrap_or('\0'),
            joinable: !lower.is_empty() && out.len() <= 8,
            mc: lower.first() == Some(&'m') && matches!(lower.get(1), None | Some('c')),
            ..PieceFold::default()
        };
        if f.joinable {
            f.letters[..out.len()].copy_from_slice(out.as_bytes());
            f.n = out.len() as u8;
        }
        f
    }
}

/// [`fold_lower`] of the concatenated pieces, joined from their folds (written to `out`,
/// cleared first), or `false` when a piece cannot be joined and the text must be folded whole.
///
/// Joining gives the whole fold because every rule of [`fold_letters`] reads at most the
/// next character: a piece folds alone as within the text unless its last character and the
/// next piece's first make a [`digraph`]; the doubled-letter rule compares a piece's first
/// letter with the last letter written before it, and the `-vu` cut and the `Mc` rule only
/// look at the ends of the whole text.
fn join_folds<'a>(pieces: impl Iterator<Item = &'a PieceFold>, out: &mut String) -> bool {
    out.clear();
    let mut last_letter = 0u8;
    let mut prev: Option<char> = None;
    for p in pieces {
        if !p.joinable || (prev.is_none() && p.mc) || prev.is_some_and(|a| digraph(a, p.first)) {
            return false;
        }
        let letters = &p.letters[..p.n as usize];
        let skip = usize::from(letters.first() == Some(&last_letter));
        // (letter by letter: a copy of the slice through `str::from_utf8` cost more)
        for &b in &letters[skip..] {
            out.push(b as char);
        }
        if let Some(&l) = letters.last() {
            last_letter = l;
        }
        prev = Some(p.last);
    }
    if out.ends_with("vu") {
        out.pop();
    }
    true
}

/// Whether two folded skeletons plausibly spell the same name.
pub fn similar(a: &str, b: &str) -> bool {
    name_score(a, b) > 0.0
}

/// Similarity of two folded skeletons in (0, 1], or 0 when they should not be matched: short
/// skeletons must be equal (too many Chinese syllable runs fold to `dena` or `li`), long ones
/// may differ a little.
fn name_score(a: &str, b: &str) -> f64 {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la < 4 || lb < 4 || la.abs_diff(lb) > 1 {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    if la.min(lb) < 6 {
        return 0.0;
    }
    let s = strsim::jaro_winkler(a, b);
    if s >= 0.92 {
        s
    } else {
        0.0
    }
}

/// Adds name anchors to the segments: a capitalised word of the alphabetic side and a run of
/// two to four Chinese characters whose romanisation folds to a similar skeleton become one
/// shared anchor. Documents are compared as a whole (distinct words × distinct character
/// windows, blocked by first letter), so the cost does not depend on the band.
pub fn add_name_anchors(
    zh: &mut [SegFeat],
    zh_text: &[&str],
    other: &mut [SegFeat],
    other_lang: Lang,
) {
    let mut table = NameTable::new(other_lang);
    let caps: Vec<Vec<u32>> = other.iter().map(|f| table.caps(&f.caps)).collect();
    if caps.iter().all(Vec::is_empty) {
        return;
    }
    // Only the windows the matcher can ever compare with a capitalised word are kept: a
    // long document has a hundred windows a segment, and keeping them all was the largest
    // allocation of a 100,000-segment alignment.
    let mut reach = Reach::new(&table, &caps);
    let windows: Vec<Vec<u32>> = zh_text
        .iter()
        .map(|t| reach.windows(&mut table, t))
        .collect();
    let (zk, ok) = table.anchors(&windows, &caps);
    for (f, keys) in zh.iter_mut().zip(zk) {
        f.names.extend(keys);
    }
    for (f, keys) in other.iter_mut().zip(ok) {
        f.names.extend(keys);
    }
    for f in zh.iter_mut().chain(other.iter_mut()) {
        f.names.sort_unstable();
        f.names.dedup();
    }
}

/// Which window skeletons [`NameTable::anchors`] can match with a document's capitalised
/// skeletons: those equal to one, and those of six letters or more in the block (first two
/// letters, length within one) of a capitalised skeleton of six letters or more whose
/// letter counts let them reach the fuzzy threshold ([`reaches`]). Dropping the other
/// windows before calling it changes nothing in its result.
struct Reach {
    caps: FxHashSet<u32>,
    /// Per `(first two letters, length)` of a window block the fuzzy matcher reads, the
    /// letter counts of the capitalised skeletons that read it and the letters a window of
    /// that length must share with each ([`shared_needed`]).
    blocks: FxHashMap<(u64, usize), Vec<(u32, Letters)>>,
    /// Per skeleton id: 0 not decided yet, 1 kept, 2 dropped.
    memo: Vec<u8>,
    /// Per window of Chinese characters (its key, see [`han_windows`]), the skeleton id
    /// when kept, `u32::MAX` when dropped.
    windows: FxHashMap<u64, u32>,
    /// Scratch space of [`Reach::windows`]: a window's romanisation (lower-cased), its
    /// skeleton.
    lower: Vec<char>,
    folded: String,
    /// Scratch space of [`Reach::windows`]: a segment's [`romanising_chars`].
    chars: Vec<Option<(char, u32)>>,
}

/// The first two characters of a skeleton (or of its head), packed (21 bits each).
fn head_key(text: &str) -> u64 {
    text.chars().take(2).fold(0u64, |k, c| k << 21 | c as u64)
}

impl Reach {
    fn new(table: &NameTable, caps: &[Vec<u32>]) -> Reach {
        let caps: FxHashSet<u32> = caps.iter().flatten().copied().collect();
        let mut blocks: FxHashMap<(u64, usize), Vec<(u32, Letters)>> = FxHashMap::default();
        for &c in &caps {
            let sk = &table.skeletons[c as usize];
            if sk.len >= 6 {
                for len in sk.len - 1..=sk.len + 1 {
                    blocks
                        .entry((sk.head, len))
                        .or_default()
                        .push((shared_needed(sk.len, len), sk.letters));
                }
            }
        }
        Reach {
            caps,
            blocks,
            memo: Vec::new(),
            windows: FxHashMap::default(),
            lower: Vec::new(),
            folded: String::new(),
            chars: Vec::new(),
        }
    }

    /// Whether the matcher can look at window skeleton `w`.
    fn keeps(&mut self, table: &NameTable, w: u32) -> bool {
        let k = w as usize;
        if self.memo.len() <= k {
            self.memo.resize(table.skeletons.len().max(k + 1), 0);
        }
        if self.memo[k] == 0 {
            let sk = &table.skeletons[k];
            let keep = self.caps.contains(&w)
                || (sk.len >= 6
                    && self.blocks.get(&(sk.head, sk.len)).is_some_and(|v| {
                        v.iter()
                            .any(|(need, cs)| shares_enough(*need, cs, &sk.letters))
                    }));
            self.memo[k] = if keep { 1 } else { 2 };
        }
        self.memo[k] == 1
    }

    /// Whether the matcher can look at a window whose folded skeleton is `text` (not
    /// interned): [`Reach::keeps`] from the text alone.
    fn keeps_text(
        caps: &FxHashSet<u32>,
        blocks: &FxHashMap<(u64, usize), Vec<(u32, Letters)>>,
        table: &NameTable,
        text: &str,
    ) -> bool {
        if table.ids.get(text).is_some_and(|id| caps.contains(id)) {
            return true;
        }
        // a skeleton is ASCII: its length in bytes is its length in characters
        let len = text.len();
        if len < 6 {
            return false;
        }
        // Most windows have no block: the letter counts are taken only for those that do.
        let Some(block) = blocks.get(&(head_key(text), len)) else {
            return false;
        };
        let letters = letter_counts(text);
        block
            .iter()
            .any(|(need, cs)| shares_enough(*need, cs, &letters))
    }

    /// [`NameTable::windows`] of `text` that the matcher can look at ([`Reach::keeps`]), in
    /// the same order. A window of Chinese characters is folded once per document and
    /// interned only when kept: most are not, and interning them all (their skeleton,
    /// letter counts and key) was most of the name matcher's time.
    fn windows(&mut self, table: &mut NameTable, text: &str) -> Vec<u32> {
        let lang = table.other_lang;
        let mut chars = std::mem::take(&mut self.chars);
        romanising_chars_into(text, &mut table.roman, lang, &mut chars);
        let mut out = Vec::new();
        let (lower, folded) = (&mut self.lower, &mut self.folded);
        han_windows(&chars, |packed, window| {
            let id = match self.windows.get(&packed) {
                Some(&id) => id,
                None => {
                    fold_window(window, &table.roman, lower, folded);
                    let id = if Self::keeps_text(&self.caps, &self.blocks, table, folded) {
                        table.intern(folded.clone())
                    } else {
                        u32::MAX
                    };
                    self.windows.insert(packed, id);
                    id
                }
            };
            if id != u32::MAX {
                out.push(id);
            }
        });
        self.chars = chars;
        if lang != Lang::En {
            for w in latin_names(text) {
                let id = table.fold_id(w);
                if self.keeps(table, id) {
                    out.push(id);
                }
            }
        }
        out
    }
}

/// The Latin-script names inside a Chinese segment: capitalised ASCII words of three letters
/// or more (McCarthy, NATO), which the other side writes in its own script.
fn latin_names(text: &str) -> impl Iterator<Item = &str> {
    // Most Chinese segments hold no capital letter: a scan of their bytes spares decoding them.
    let words = if text.bytes().any(|b| b.is_ascii_uppercase()) {
        text
    } else {
        ""
    };
    words
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 3 && w.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
}

/// The characters of `text` that romanise into `lang`'s script (their romanisation cached in
/// `roman`), `None` for the others: those end a window of [`han_windows`].
fn romanising_chars(text: &str, roman: &mut Romanised, lang: Lang) -> Vec<Option<(char, u32)>> {
    let mut out = Vec::new();
    romanising_chars_into(text, roman, lang, &mut out);
    out
}

/// [`romanising_chars`] written to `out` (cleared first): the name matcher reuses one
/// buffer for every segment of a document.
fn romanising_chars_into(
    text: &str,
    roman: &mut Romanised,
    lang: Lang,
    out: &mut Vec<Option<(char, u32)>>,
) {
    out.clear();
    out.extend(text.chars().map(|c| {
        if !han(c) {
            return None;
        }
        roman.id(c, lang).map(|id| (c, id))
    }));
}

/// The romanisation of each Chinese character met (pinyin, or Palladius for Russian),
/// lower-cased and kept as characters: windows of characters are folded from it
/// ([`fold_lower`]) without decoding or lowering their text again.
#[derive(Debug, Clone, Default)]
struct Romanised {
    /// Per character of the basic multilingual plane from U+3400 (where the Chinese blocks
    /// start), its romanisation's index in `lower`, [`Romanised::NONE`] when it has none,
    /// [`Romanised::UNSEEN`] before it is met: a document's every character is looked up,
    /// and indexing beat hashing them. Allocated at the first character.
    by_code: Vec<u32>,
    /// The same for the characters beyond that plane (extension B).
    beyond: FxHashMap<char, u32>,
    lower: Vec<Vec<char>>,
    /// The fold of each romanisation of `lower`, by the same index.
    folds: Vec<PieceFold>,
}

impl Romanised {
    const UNSEEN: u32 = u32::MAX;
    const NONE: u32 = u32::MAX - 1;
    /// The first code point of [`Romanised::by_code`].
    const FIRST: u32 = 0x3400;

    /// The index in `lower` of the romanisation of Chinese character `c`, romanised at its
    /// first meeting.
    #[inline]
    fn id(&mut self, c: char, lang: Lang) -> Option<u32> {
        let code = c as u32;
        let id = match code.checked_sub(Self::FIRST) {
            Some(k) if code < 0x1_0000 && !self.by_code.is_empty() => self.by_code[k as usize],
            _ => Self::UNSEEN,
        };
        let id = if id == Self::UNSEEN {
            self.meet(c, lang)
        } else {
            id
        };
        (id != Self::NONE).then_some(id)
    }

    /// [`Romanised::id`] of a character met for the first time (or beyond the basic
    /// multilingual plane): its romanisation and fold, or [`Romanised::NONE`]. Out of line:
    /// a document's characters are nearly all met before.
    #[cold]
    #[inline(never)]
    fn meet(&mut self, c: char, lang: Lang) -> u32 {
        let slot = match (c as u32).checked_sub(Self::FIRST) {
            Some(k) if (c as u32) < 0x1_0000 => {
                if self.by_code.is_empty() {
                    self.by_code = vec![Self::UNSEEN; (0x1_0000 - Self::FIRST) as usize];
                }
                &mut self.by_code[k as usize]
            }
            _ => self.beyond.entry(c).or_insert(Self::UNSEEN),
        };
        if *slot == Self::UNSEEN {
            *slot = match romanize(c, lang) {
                // (a window's key packs 16 bits an id: see [`han_windows`]; there are fewer
                // romanising characters than that, `romanising_characters_fit_a_window_key`)
                Some(r) if self.lower.len() < WINDOW_KEY_IDS => {
                    let lower: Vec<char> = to_lowercase_fast(&r).chars().collect();
                    self.folds.push(PieceFold::new(&lower));
                    self.lower.push(lower);
                    self.lower.len() as u32 - 1
                }
                _ => Self::NONE,
            };
        }
        *slot
    }
}

/// Romanisation ids a window key holds: 16 bits a character, 0 for none.
const WINDOW_KEY_IDS: usize = u16::MAX as usize;

/// Calls `each` with every window of two to four consecutive romanising characters of
/// `chars` ([`romanising_chars`]), by start then length, with the window's packed key (each
/// character's romanisation id plus one, 16 bits each: unique per window text, and half the
/// size of a key of code points, which kept the window tables out of the cache) and its
/// characters.
fn han_windows(chars: &[Option<(char, u32)>], mut each: impl FnMut(u64, &[Option<(char, u32)>])) {
    for s in 0..chars.len() {
        let mut packed = 0u64;
        for len in 1..=4 {
            let Some(Some((_, id))) = chars.get(s + len - 1) else {
                break;
            };
            packed |= (*id as u64 + 1) << (16 * (len - 1));
            if len >= 2 {
                each(packed, &chars[s..s + len]);
            }
        }
    }
}

/// The skeleton of a window of characters (written to `folded`): joined from its
/// characters' folds ([`join_folds`]) or, when they cannot be joined, folded from its
/// romanisation (`lower` scratch space).
fn fold_window(
    window: &[Option<(char, u32)>],
    roman: &Romanised,
    lower: &mut Vec<char>,
    folded: &mut String,
) {
    let pieces = window
        .iter()
        .flatten()
        .map(|(_, id)| &roman.folds[*id as usize]);
    if !join_folds(pieces, folded) {
        romanise_window(window, roman, lower);
        folded.clear();
        fold_lower(lower, folded);
    }
}

/// The lower-cased romanisation of a window's characters, concatenated into `lower`
/// (cleared first), `Mc` made `Mac` as [`fold`] does.
fn romanise_window(window: &[Option<(char, u32)>], roman: &Romanised, lower: &mut Vec<char>) {
    lower.clear();
    for (_, id) in window.iter().flatten() {
        lower.extend_from_slice(&roman.lower[*id as usize]);
    }
    if lower.starts_with(&['m', 'c']) {
        lower.insert(1, 'a');
    }
}

/// A folded skeleton (of a capitalised word or of a window of Chinese characters) with what
/// the matcher asks of it.
#[derive(Debug, Clone)]
struct Skeleton {
    text: String,
    /// Length in characters.
    len: usize,
    /// First two characters (the fuzzy matcher's block), packed by [`head_key`].
    head: u64,
    /// The anchor key of a capitalised word with this skeleton.
    key: u64,
    /// How often each letter of the skeleton alphabet occurs (see [`letter_counts`]).
    letters: Letters,
}

/// Letter counts of a folded skeleton over the letters [`fold`] writes, or `None` when it
/// holds another character (then no bound is taken from it).
type Letters = Option<[u8; 13]>;

/// The letter counts of a skeleton.
fn letter_counts(text: &str) -> Letters {
    let mut v = [0u8; 13];
    for b in text.bytes() {
        let k = SKELETON_LETTER_INDEX[b as usize];
        if k == u8::MAX {
            return None;
        }
        v[k as usize] = v[k as usize].saturating_add(1);
    }
    Some(v)
}

/// The letters [`fold`] writes, in the order of [`Letters`].
const SKELETON_LETTERS: &[u8; 13] = b"bvgzdlmnaouei";

/// Per byte, its index in [`SKELETON_LETTERS`] (`u8::MAX`: not a skeleton letter).
const SKELETON_LETTER_INDEX: [u8; 256] = {
    let mut t = [u8::MAX; 256];
    let mut k = 0;
    while k < SKELETON_LETTERS.len() {
        t[SKELETON_LETTERS[k] as usize] = k as u8;
        k += 1;
    }
    t
};

/// [`reaches`] for two skeletons of `la` and `lb` characters with these letter counts (no
/// bound when one holds another character), as the matcher took it pair by pair before
/// [`shared_needed`]: the reference of the tests.
#[cfg(test)]
fn may_reach(la: usize, a: &Letters, lb: usize, b: &Letters) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return true;
    };
    reaches(shared_letters(a, b), la, lb)
}

/// The letters two skeletons share, as multisets.
fn shared_letters(a: &[u8; 13], b: &[u8; 13]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (*x).min(*y) as u32).sum()
}

/// Whether two skeletons of `la` and `lb` characters sharing `shared` letters (as
/// multisets) can reach [`name_score`]'s Jaro–Winkler threshold: the Jaro similarity is at
/// most `(M / la + M / lb + 1) / 3` with `M` the letters shared, and the Winkler prefix bonus
/// lifts `j` to at most `0.6 j + 0.4`, so 0.92 needs `j ≥ 0.8667`. Skips most of the pairs
/// a block offers without reading their text (the bound is taken a little lower, at 0.86,
/// so rounding can never drop a pair that passes).
fn reaches(shared: u32, la: usize, lb: usize) -> bool {
    let m = shared as f64;
    (m / la as f64 + m / lb as f64 + 1.0) / 3.0 >= 0.86
}

/// The fewest shared letters with which skeletons of `la` and `lb` characters pass
/// [`reaches`] (`u32::MAX`: none; no two skeletons share more letters than the longer has).
/// The bound grows with the letters shared (each rounded operation is monotonic), so
/// [`shares_enough`] with this number is [`reaches`] without its two divisions: the matcher
/// takes it once per block length instead of once per pair.
fn shared_needed(la: usize, lb: usize) -> u32 {
    let most = u32::try_from(la.max(lb)).unwrap_or(u32::MAX);
    (0..=most).find(|&m| reaches(m, la, lb)).unwrap_or(u32::MAX)
}

/// [`reaches`] for two skeletons' letter counts (no bound when one holds another character),
/// their lengths needing `need` shared letters ([`shared_needed`]).
fn shares_enough(need: u32, a: &Letters, b: &Letters) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => shared_letters(a, b) >= need,
        _ => true,
    }
}

/// The name material of one document pair: skeletons interned to integer ids, the
/// romanisation of each Chinese character and the skeleton of each romanised window or word
/// computed once. [`add_name_anchors`] runs on it, and so does resegmentation, which asks for
/// the anchors of thousands of small problems (pieces of one segment against a few segments
/// of the other side).
#[derive(Debug, Clone)]
pub(crate) struct NameTable {
    other_lang: Lang,
    skeletons: Vec<Skeleton>,
    ids: FxHashMap<String, u32>,
    /// Skeleton id of a word (the text before folding).
    folded: FxHashMap<String, u32>,
    /// Skeleton id of a window of Chinese characters (its key, see [`han_windows`]).
    window_ids: FxHashMap<u64, u32>,
    roman: Romanised,
}

impl NameTable {
    /// An empty table for a Chinese side against `other_lang`.
    pub(crate) fn new(other_lang: Lang) -> Self {
        NameTable {
            other_lang,
            skeletons: Vec::new(),
            ids: FxHashMap::default(),
            folded: FxHashMap::default(),
            window_ids: FxHashMap::default(),
            roman: Romanised::default(),
        }
    }

    /// The id of `fold(raw)`.
    fn fold_id(&mut self, raw: &str) -> u32 {
        if let Some(&id) = self.folded.get(raw) {
            return id;
        }
        let id = self.intern(fold(raw));
        self.folded.insert(raw.to_owned(), id);
        id
    }

    /// The id of a folded skeleton.
    fn intern(&mut self, text: String) -> u32 {
        match self.ids.get(&text) {
            Some(&id) => id,
            None => {
                let id = self.skeletons.len() as u32;
                self.ids.insert(text.clone(), id);
                self.skeletons.push(Skeleton {
                    len: text.chars().count(),
                    letters: letter_counts(&text),
                    head: head_key(&text),
                    key: hash_tok(K_NAME, &text),
                    text,
                });
                id
            }
        }
    }

    /// Skeletons of the capitalised words `caps` (lower-cased, as [`SegFeat::caps`] holds
    /// them) that are long enough to be names (three letters or more after folding).
    pub(crate) fn caps(&mut self, caps: &[String]) -> Vec<u32> {
        let mut out = Vec::new();
        for w in caps {
            let id = self.fold_id(w);
            if self.skeletons[id as usize].len >= 3 {
                out.push(id);
            }
        }
        out
    }

    /// Skeletons of the windows of two to four Chinese characters of `text`, romanised, and
    /// (not against English) of the Latin-script names inside it: McCarthy ↔ Маккарти share
    /// the skeleton. With repeats.
    pub(crate) fn windows(&mut self, text: &str) -> Vec<u32> {
        let lang = self.other_lang;
        let chars = romanising_chars(text, &mut self.roman, lang);
        let mut out = Vec::new();
        let (mut lower, mut folded) = (Vec::new(), String::new());
        han_windows(&chars, |packed, window| {
            let id = match self.window_ids.get(&packed) {
                Some(&id) => id,
                None => {
                    fold_window(window, &self.roman, &mut lower, &mut folded);
                    let id = self.intern(folded.clone());
                    self.window_ids.insert(packed, id);
                    id
                }
            };
            out.push(id);
        });
        if lang != Lang::En {
            for w in latin_names(text) {
                out.push(self.fold_id(w));
            }
        }
        out
    }

    /// The name anchors of a problem whose Chinese segments have the skeletons `windows`
    /// ([`NameTable::windows`]) and whose other segments the skeletons `caps`
    /// ([`NameTable::caps`]): the keys to add to each segment, Chinese and other, sorted
    /// and deduplicated.
    ///
    /// A capitalised word's skeleton matches the windows equal to it or, failing that and
    /// when it has six letters or more, those close to it (same first two letters, length
    /// within one; the best score wins); a skeleton that fits more than two different windows
    /// is not a name anchor.
    pub(crate) fn anchors(
        &self,
        windows: &[Vec<u32>],
        caps: &[Vec<u32>],
    ) -> (Vec<Vec<u64>>, Vec<Vec<u64>>) {
        let mut zh_keys = vec![Vec::new(); windows.len()];
        let mut other_keys = vec![Vec::new(); caps.len()];
        // Distinct capitalised skeletons and the segments holding them.
        let mut by_cap: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        for (j, ids) in caps.iter().enumerate() {
            for &id in ids {
                by_cap.entry(id).or_default().push(j);
            }
        }
        if by_cap.is_empty() {
            return (zh_keys, other_keys);
        }
        // The skeletons of the windows, marked by id (ids are dense: a mark each is cheaper
        // than hashing the hundred thousand windows of a long document).
        let mut present = vec![false; self.skeletons.len()];
        // Blocks: first two letters and length. Short skeletons must match exactly; long ones
        // are compared fuzzily within their block and the neighbouring lengths.
        // A block holds its skeletons' letter counts beside their ids, so most pairs are
        // ruled out (see [`reaches`]) without touching the skeletons themselves.
        let mut blocks: FxHashMap<(u64, usize), Vec<(u32, Letters)>> = FxHashMap::default();
        for &w in windows.iter().flatten() {
            if std::mem::replace(&mut present[w as usize], true) {
                continue;
            }
            let sk = &self.skeletons[w as usize];
            if sk.len >= 6 {
                blocks
                    .entry((sk.head, sk.len))
                    .or_default()
                    .push((w, sk.letters));
            }
        }
        let mut matched: FxHashMap<u32, Vec<u64>> = FxHashMap::default();
        let mut scored: Vec<(f64, u32)> = Vec::new();
        for (&cap, segs) in &by_cap {
            let sk = &self.skeletons[cap as usize];
            scored.clear();
            if present[cap as usize] {
                scored.push((1.0, cap));
            } else if sk.len >= 6 {
                for len in sk.len - 1..=sk.len + 1 {
                    let need = shared_needed(sk.len, len);
                    for &(w, ref letters) in blocks.get(&(sk.head, len)).into_iter().flatten() {
                        if !shares_enough(need, &sk.letters, letters) {
                            continue;
                        }
                        let sc = name_score(&sk.text, &self.skeletons[w as usize].text);
                        if sc > 0.0 {
                            scored.push((sc, w));
                        }
                    }
                }
            }
            let best = scored.iter().map(|x| x.0).fold(0.0, f64::max);
            let hits = scored.iter().filter(|x| x.0 >= best).count();
            // A skeleton that fits many different character runs is not a name anchor.
            if hits == 0 || hits > 2 {
                continue;
            }
            for &j in segs {
                other_keys[j].push(sk.key);
            }
            for &(_, w) in scored.iter().filter(|x| x.0 >= best) {
                matched.entry(w).or_default().push(sk.key);
            }
        }
        if !matched.is_empty() {
            for (keys, ids) in zh_keys.iter_mut().zip(windows) {
                for w in ids {
                    if let Some(k) = matched.get(w) {
                        keys.extend(k.iter().copied());
                    }
                }
            }
        }
        for keys in zh_keys.iter_mut().chain(other_keys.iter_mut()) {
            keys.sort_unstable();
            keys.dedup();
        }
        (zh_keys, other_keys)
    }
}

/// [`add_name_anchors`] as it was before [`NameTable`] (the reference for the tests): a capitalised word of the alphabetic side and a run of
/// two to four Chinese characters whose romanisation folds to a similar skeleton become one
/// shared anchor. Documents are compared as a whole (distinct words × distinct character
/// windows, blocked by first letter), so the cost does not depend on the band.
#[cfg(test)]
pub(crate) fn add_name_anchors_direct(
    zh: &mut [SegFeat],
    zh_text: &[&str],
    other: &mut [SegFeat],
    other_lang: Lang,
) {
    // Distinct folded capitalised words and the segments holding them.
    let mut caps: HashMap<String, Vec<usize>> = HashMap::new();
    for (j, f) in other.iter().enumerate() {
        for w in &f.caps {
            let k = fold(w);
            if k.chars().count() >= 3 {
                caps.entry(k).or_default().push(j);
            }
        }
    }
    if caps.is_empty() {
        return;
    }
    // Distinct folded windows of 2–4 characters (and Latin-script names inside the Chinese
    // text: McCarthy ↔ Маккарти share the skeleton). Windows are generated twice (to find
    // matches, then to mark segments) rather than stored per segment, to save memory.
    let seg_windows = |text: &str| -> Vec<String> {
        let rom: Vec<Option<String>> = text
            .chars()
            .map(|c| {
                if han(c) {
                    romanize(c, other_lang)
                } else {
                    None
                }
            })
            .collect();
        let mut out = Vec::new();
        for s in 0..rom.len() {
            let mut acc = String::new();
            for len in 1..=4 {
                let Some(Some(r)) = rom.get(s + len - 1) else {
                    break;
                };
                acc.push_str(r);
                if len >= 2 {
                    out.push(fold(&acc));
                }
            }
        }
        if other_lang != Lang::En {
            for w in text.split(|c: char| !c.is_ascii_alphabetic()) {
                if w.len() >= 3 && w.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                    out.push(fold(w));
                }
            }
        }
        out
    };
    let mut windows: HashSet<String> = HashSet::new();
    for text in zh_text {
        windows.extend(seg_windows(text));
    }
    // Blocks: first two letters and length. Short skeletons must match exactly (a hash
    // look-up); long ones are compared fuzzily within their block and the neighbouring lengths,
    // so the work stays near-linear in the document size.
    let mut blocks: HashMap<(String, usize), Vec<&String>> = HashMap::new();
    for w in &windows {
        let n = w.chars().count();
        if n >= 6 {
            blocks
                .entry((w.chars().take(2).collect(), n))
                .or_default()
                .push(w);
        }
    }
    let empty: Vec<&String> = Vec::new();
    let mut matched: HashMap<String, Vec<u64>> = HashMap::new();
    for (cap, segs) in &caps {
        let n = cap.chars().count();
        let mut scored: Vec<(f64, &String)> = Vec::new();
        if let Some(w) = windows.get(cap) {
            scored.push((1.0, w));
        } else if n >= 6 {
            let head: String = cap.chars().take(2).collect();
            for len in n - 1..=n + 1 {
                for w in blocks.get(&(head.clone(), len)).unwrap_or(&empty) {
                    let sc = name_score(cap, w);
                    if sc > 0.0 {
                        scored.push((sc, w));
                    }
                }
            }
        }
        let best = scored.iter().map(|x| x.0).fold(0.0, f64::max);
        let hits: Vec<&String> = scored.iter().filter(|x| x.0 >= best).map(|x| x.1).collect();
        // A skeleton that fits many different character runs is not a name anchor.
        if hits.is_empty() || hits.len() > 2 {
            continue;
        }
        let key = hash_tok(K_NAME, cap);
        for &j in segs {
            other[j].names.push(key);
        }
        for w in hits {
            matched.entry(w.clone()).or_default().push(key);
        }
    }
    if !matched.is_empty() {
        for (f, text) in zh.iter_mut().zip(zh_text) {
            for w in seg_windows(text) {
                if let Some(keys) = matched.get(&w) {
                    f.names.extend(keys.iter().copied());
                }
            }
        }
    }
    for f in zh.iter_mut().chain(other.iter_mut()) {
        f.names.sort_unstable();
        f.names.dedup();
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn romanising_characters_fit_a_window_key() {
        // every character the romanisation table knows gets its own id below the key's limit
        let known = (0..=0x2_FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| han(c) && pinyin_of(c).is_some())
            .count();
        assert!(known > 20_000, "{known}");
        assert!(known < super::WINDOW_KEY_IDS, "{known}");
    }

    /// [`fold`] as it was written first (allocating, `str::to_lowercase`): the reference.
    fn fold_reference(word: &str) -> String {
        let mut out = String::new();
        let mut lower = word.to_lowercase();
        if let Some(rest) = lower.strip_prefix("mc") {
            lower = format!("mac{rest}");
        }
        let chars: Vec<char> = lower.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            let m: &str = match c {
                'p' | 'c' | 's' | 'z' | 't' if next == Some('h') => {
                    i += 1;
                    match c {
                        'p' => "v",
                        't' => "d",
                        _ => "z",
                    }
                }
                'б' | 'п' | 'b' | 'p' => "b",
                'в' | 'ф' | 'v' | 'f' | 'w' => "v",
                'г' | 'к' | 'х' | 'g' | 'k' | 'q' => "g",
                'c' if next.is_some_and(|n| matches!(n, 'e' | 'i' | 'y')) => "z",
                'c' => "g",
                'e' if next == Some('w') => {
                    i += 1;
                    "u"
                }
                'h' => "g",
                'x' => "z",
                'д' | 'т' | 'd' | 't' => "d",
                'ж' | 'з' | 'с' | 'ц' | 'ч' | 'ш' | 'щ' | 'j' | 's' | 'z' => "z",
                'л' | 'р' | 'l' | 'r' => "l",
                'м' | 'm' => "m",
                'н' | 'n' => "n",
                'а' | 'a' | 'я' => "a",
                'о' | 'o' | 'ё' => "o",
                'у' | 'u' | 'ю' => "u",
                'е' | 'э' | 'e' => "e",
                'и' | 'ы' | 'й' | 'i' | 'y' => "i",
                _ => "",
            };
            if !m.is_empty() && !out.ends_with(m) {
                out.push_str(m);
            }
            i += 1;
        }
        if out.ends_with("vu") {
            out.pop();
        }
        out
    }

    proptest::proptest! {
        /// The allocation-free [`fold`] gives the reference's skeleton for any word over
        /// the letters it reads (both cases, Latin and Cyrillic, digraphs, `Mc`) and others.
        #[test]
        fn fold_equals_reference(w in "(Mc|mc|MC)?[a-zA-ZА-Яа-яЁё'\\-ÄéΣς0-9 ]{0,14}") {
            proptest::prop_assert_eq!(fold(&w), fold_reference(&w));
        }
    }

    #[test]
    fn fold_equals_reference_on_romanised_windows() {
        for lang in [Lang::Ru, Lang::En] {
            let text = "习近平普京扎耶夫麦卡锡泽连斯基特朗普赫鲁晓夫彼得堡契诃夫";
            let chars: Vec<char> = text.chars().collect();
            for s in 0..chars.len() {
                for len in 1..=4.min(chars.len() - s) {
                    let acc: String = chars[s..s + len]
                        .iter()
                        .filter_map(|&c| romanize(c, lang))
                        .collect();
                    assert_eq!(fold(&acc), fold_reference(&acc), "{acc}");
                }
            }
        }
    }
    use super::*;

    /// [`join_folds`] of pieces, checked against [`fold_lower`] of their concatenation;
    /// whether they were joined.
    fn joins_as_whole(pieces: &[&str]) -> bool {
        let lower: Vec<Vec<char>> = pieces
            .iter()
            .map(|p| to_lowercase_fast(p).chars().collect())
            .collect();
        let folds: Vec<PieceFold> = lower.iter().map(|l| PieceFold::new(l)).collect();
        let mut joined = String::new();
        if !join_folds(folds.iter(), &mut joined) {
            return false;
        }
        let mut whole = String::new();
        fold_lower(&lower.concat(), &mut whole);
        assert_eq!(joined, whole, "{pieces:?}");
        true
    }

    proptest::proptest! {
        /// Joined folds equal the fold of the whole text, for pieces over the letters the
        /// fold reads (digraphs, doubled letters, `-vu`, `Mc`, signs, other characters).
        #[test]
        fn joined_folds_equal_the_whole_fold(
            pieces in proptest::collection::vec("(m|mc|Mc|h|w|e|vu|v|u)?[a-zA-ZА-Яа-яЁёьъü'0-9]{0,5}", 1..9)
        ) {
            let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
            joins_as_whole(&pieces);
        }
    }

    /// Windows of real romanisations are joined (not folded whole) nearly always, and
    /// always as their whole fold.
    #[test]
    fn romanised_windows_join_as_whole() {
        let text = "习近平普京扎耶夫麦卡锡泽连斯基特朗普赫鲁晓夫彼得堡契诃夫德维和平呣擦的威";
        let chars: Vec<char> = text.chars().collect();
        for lang in [Lang::Ru, Lang::En] {
            let (mut joined, mut total) = (0, 0);
            for s in 0..chars.len() {
                for len in 1..=4.min(chars.len() - s) {
                    let rom: Vec<String> = chars[s..s + len]
                        .iter()
                        .filter_map(|&c| romanize(c, lang))
                        .collect();
                    let rom: Vec<&str> = rom.iter().map(String::as_str).collect();
                    total += 1;
                    joined += usize::from(joins_as_whole(&rom));
                }
            }
            assert!(joined * 10 > total * 9, "{lang:?} {joined}/{total}");
        }
    }

    /// The letter bound never rules out a pair that scores: random skeletons over the fold
    /// alphabet, many of them close variants of each other.
    #[test]
    fn letter_bound_keeps_every_scoring_pair() {
        let alpha: Vec<char> = "bvgzdlmnaouei".chars().collect();
        let mut rng = crate::align::xorshift(0x9E37_79B9_7F4A_7C15);
        let mut next = move |m: usize| rng(m as u64) as usize;
        let (mut scored, mut cut) = (0, 0);
        for _ in 0..20_000 {
            let la = 6 + next(5);
            let a: Vec<char> = (0..la).map(|_| alpha[next(13)]).collect();
            let mut b = a.clone();
            for _ in 0..next(4) {
                match next(3) {
                    0 if b.len() > 4 => {
                        b.remove(next(b.len()));
                    }
                    1 => b.insert(next(b.len() + 1), alpha[next(13)]),
                    _ => {
                        let k = next(b.len());
                        b[k] = alpha[next(13)];
                    }
                }
            }
            let (a, b): (String, String) = (a.into_iter().collect(), b.into_iter().collect());
            let (la, lb) = (a.chars().count(), b.chars().count());
            let ok = may_reach(la, &letter_counts(&a), lb, &letter_counts(&b));
            if name_score(&a, &b) > 0.0 {
                scored += 1;
                assert!(ok, "{a} {b}");
            } else if !ok {
                cut += 1;
            }
        }
        assert!(scored > 100 && cut > 1000, "{scored} {cut}");
    }

    /// [`shares_enough`] with [`shared_needed`] is [`reaches`], for every length pair and
    /// number of shared letters a skeleton can have.
    #[test]
    fn shared_needed_is_the_bound() {
        for la in 1..=40 {
            for lb in 1..=40 {
                let need = shared_needed(la, lb);
                for m in 0..=la.max(lb) as u32 {
                    assert_eq!(m >= need, reaches(m, la, lb), "{la} {lb} {m}");
                }
            }
        }
    }

    proptest::proptest! {
        /// Random documents whose other side names the Chinese side's characters (their
        /// Palladius or pinyin spelling, whole or with a letter changed, so that both exact
        /// and fuzzy matches occur) among ordinary capitalised words: the fast matcher gives
        /// the reference's anchors.
        #[test]
        fn fast_matcher_equals_the_reference_on_named_documents(
            zh in proptest::collection::vec(
                proptest::collection::vec(0usize..48, 0..14), 1..6),
            names in proptest::collection::vec(
                (proptest::collection::vec(0usize..48, 1..5), 0usize..40, 0usize..4), 0..8),
            words in proptest::collection::vec("[А-Я][а-я]{2,9}|[A-Z][a-z]{2,9}", 0..6),
            english in proptest::bool::ANY,
        ) {
            const CHARS: &str = "习近平普京扎耶夫佐兰丹尼斯李强王毅马克龙泽连斯基特朗普赫鲁晓契诃德维和的威\
                                 麦卡锡彼得堡会见了在北京说将访问纽波今天气很好";
            let chars: Vec<char> = CHARS.chars().collect();
            let lang = if english { Lang::En } else { Lang::Ru };
            let mut zh: Vec<String> = zh
                .iter()
                .map(|s| s.iter().map(|&k| chars[k % chars.len()]).collect())
                .collect();
            // Most names are written on the Chinese side too, inside a segment.
            for (k, (name, at, _)) in names.iter().enumerate() {
                if at % 5 != 0 {
                    let segs = zh.len();
                    let seg = &mut zh[k % segs];
                    let cut = seg.char_indices().nth(at % 7).map_or(seg.len(), |(i, _)| i);
                    let name: String = name.iter().map(|&c| chars[c % chars.len()]).collect();
                    seg.insert_str(cut, &name);
                }
            }
            // Names: the romanisation of a few characters, capitalised, a letter changed.
            let mut other: Vec<String> = Vec::new();
            for (k, (name, at, edit)) in names.iter().enumerate() {
                let mut rom: Vec<char> = name
                    .iter()
                    .filter_map(|&c| romanize(chars[c % chars.len()], lang))
                    .collect::<String>()
                    .chars()
                    .collect();
                if rom.is_empty() {
                    continue;
                }
                let at = at % rom.len();
                match edit {
                    1 => {
                        rom.remove(at);
                    }
                    2 => rom.insert(at, rom[at]),
                    3 => rom[at] = if lang == Lang::Ru { 'о' } else { 'o' },
                    _ => {}
                }
                let name: String = rom.iter().collect();
                let mut c = name.chars();
                let cap: String = c.next().into_iter().flat_map(char::to_uppercase).chain(c).collect();
                let word = words.get(k).map_or("", String::as_str);
                other.push(format!("{word} и {cap} сказал"));
            }
            other.extend(words.iter().map(|w| format!("Сегодня {w} пришёл")));
            let zh: Vec<&str> = zh.iter().map(String::as_str).collect();
            let other: Vec<&str> = other.iter().map(String::as_str).collect();
            let [fast, direct] = both_ways(&zh, &other, lang);
            proptest::prop_assert_eq!(fast, direct);
        }
    }

    #[test]
    fn palladius_syllables() {
        assert_eq!(palladius("xi").as_deref(), Some("си"));
        assert_eq!(palladius("jin").as_deref(), Some("цзинь"));
        assert_eq!(palladius("qiang").as_deref(), Some("цян"));
        assert_eq!(palladius("zhong").as_deref(), Some("чжун"));
        assert_eq!(palladius("si").as_deref(), Some("сы"));
        assert_eq!(palladius("xue").as_deref(), Some("сюэ"));
        assert_eq!(palladius("ju").as_deref(), Some("цзюй"));
        assert_eq!(palladius("guo").as_deref(), Some("го"));
        assert_eq!(palladius("yu").as_deref(), Some("юй"));
        assert_eq!(palladius("lv").as_deref(), Some("люй"));
    }

    #[test]
    fn chinese_names() {
        assert_eq!(chinese_name_ru("习近平"), "Си Цзиньпин");
        assert_eq!(chinese_name_ru("李强"), "Ли Цян");
        assert_eq!(chinese_name_ru("王毅"), "Ван И");
    }

    #[test]
    fn foreign_names_match_only_fuzzily() {
        // 普京 is a transliteration of a Russian name: Palladius gives Пуцзин, not Путин.
        let pu = chinese_name_ru("普京");
        assert_eq!(pu, "Пу Цзин");
        assert_ne!(fold(&pu), fold("Путин"));
        // ... yet the skeletons stay close enough to compare.
        assert!(strsim::jaro_winkler(&fold(&pu), &fold("Путин")) > 0.7);
        // 扎耶夫 (Zayefu) ↔ Заев, 佐兰 ↔ Зоран.
        let za: String = "扎耶夫"
            .chars()
            .filter_map(|c| romanize(c, Lang::Ru))
            .collect();
        assert!(
            similar(&fold(&za), &fold("Заев")),
            "{} {}",
            fold(&za),
            fold("Заев")
        );
        let zo: String = "佐兰"
            .chars()
            .filter_map(|c| romanize(c, Lang::Ru))
            .collect();
        assert!(similar(&fold(&zo), &fold("Зоран")));
    }

    #[test]
    fn latin_and_cyrillic_spellings_fold_alike() {
        assert!(similar(&fold("McCarthy"), &fold("Маккарти")));
        assert_eq!(fold("Dennis"), fold("Деннис"));
        assert!(similar(&fold("Newport"), &fold("Ньюпорт")));
    }

    #[test]
    fn anchors_link_segments() {
        let zh_text = ["习近平会见了客人", "今天天气很好"];
        let ru_text = ["Си Цзиньпин встретился с гостями", "Сегодня хорошая погода"];
        let mut zh: Vec<SegFeat> = zh_text
            .iter()
            .map(|t| super::super::features::featurize(t, 0, Lang::Zh))
            .collect();
        let mut ru: Vec<SegFeat> = ru_text
            .iter()
            .map(|t| super::super::features::featurize(t, 0, Lang::Ru))
            .collect();
        add_name_anchors(&mut zh, &zh_text, &mut ru, Lang::Ru);
        assert!(!zh[0].names.is_empty());
        assert!(zh[0].names.iter().any(|k| ru[0].names.contains(k)));
        assert!(zh[1].names.iter().all(|k| !ru[0].names.contains(k)));
    }

    /// Both sides' names after [`add_name_anchors`] and after the reference.
    fn both_ways(zh_text: &[&str], other_text: &[&str], lang: Lang) -> [Vec<Vec<u64>>; 2] {
        let feats = |texts: &[&str], l: Lang| -> Vec<SegFeat> {
            texts
                .iter()
                .map(|t| super::super::features::featurize(t, 0, l))
                .collect()
        };
        let run = |direct: bool| {
            let (mut zh, mut other) = (feats(zh_text, Lang::Zh), feats(other_text, lang));
            if direct {
                add_name_anchors_direct(&mut zh, zh_text, &mut other, lang);
            } else {
                add_name_anchors(&mut zh, zh_text, &mut other, lang);
            }
            zh.iter()
                .chain(&other)
                .map(|f| f.names.clone())
                .collect::<Vec<_>>()
        };
        [run(false), run(true)]
    }

    #[test]
    fn table_matches_the_reference_on_news() {
        let zh = [
            "习近平会见了普京和扎耶夫",
            "佐兰·扎耶夫说，麦卡锡（McCarthy）和丹尼斯将访问纽波特",
            "今天天气很好",
            "李强和王毅在北京会见了马克龙",
        ];
        let ru = [
            "Си Цзиньпин встретился с Путиным и Заевым",
            "Зоран Заев сказал, что Маккарти и Деннис посетят Ньюпорт",
            "Сегодня хорошая погода",
            "Ли Цян и Ван И встретились в Пекине с Макроном",
        ];
        let [fast, direct] = both_ways(&zh, &ru, Lang::Ru);
        assert!(fast.iter().any(|k| !k.is_empty()));
        assert_eq!(fast, direct);
        let en = [
            "Xi Jinping met McCarthy",
            "Dennis visited Newport",
            "Nothing",
        ];
        let [fast, direct] = both_ways(&zh[..3], &en, Lang::En);
        assert_eq!(fast, direct);
    }

    proptest::proptest! {
        #[test]
        fn table_matches_the_reference(
            zh in proptest::collection::vec("[习近平普京扎耶夫佐兰丹尼斯李强王毅马克龙 McarthyD·]{0,12}", 0..5),
            ru in proptest::collection::vec("[СиЦзиньпнПутЗаевЗоранДеМкЛЯВ ]{0,24}", 0..5),
        ) {
            let zh: Vec<&str> = zh.iter().map(String::as_str).collect();
            let ru: Vec<&str> = ru.iter().map(String::as_str).collect();
            let [fast, direct] = both_ways(&zh, &ru, Lang::Ru);
            proptest::prop_assert_eq!(fast, direct);
        }
    }
}

//! Names as anchors: Chinese characters romanised (pinyin, then the Palladius system for
//! Russian) and matched fuzzily against capitalised words of the other side.
//!
//! Chinese names come out exactly (习近平 → Си Цзиньпин); foreign names written in Chinese
//! characters by sound (普京, 扎耶夫) only come out approximately, so both sides are folded to a
//! coarse phonetic skeleton (voicing and sibilants merged, soft signs dropped) and compared
//! with Jaro–Winkler similarity. A match is never required: it only adds evidence.

use super::features::{han, hash_tok, SegFeat};
use crate::Lang;
use pinyin::ToPinyin;
use rustc_hash::FxHashMap;
use std::collections::HashMap;

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
    let mut out = String::new();
    let mut lower = word.to_lowercase();
    // Scottish/Irish "Mc" is written "Мак" in Russian.
    if let Some(rest) = lower.strip_prefix("mc") {
        lower = format!("mac{rest}");
    }
    let chars: Vec<char> = lower.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let m: &str = match c {
            'p' if next == Some('h') => {
                i += 1;
                "v"
            }
            'б' | 'п' | 'b' | 'p' => "b",
            'в' | 'ф' | 'v' | 'f' | 'w' => "v",
            'г' | 'к' | 'х' | 'g' | 'k' | 'q' => "g",
            'c' if next == Some('h') => {
                i += 1;
                "z"
            }
            's' if next == Some('h') => {
                i += 1;
                "z"
            }
            'z' if next == Some('h') => {
                i += 1;
                "z"
            }
            // Latin c is /k/ before back vowels and consonants, /s/ before e, i, y.
            'c' if next.is_some_and(|n| matches!(n, 'e' | 'i' | 'y')) => "z",
            'c' => "g",
            't' if next == Some('h') => {
                i += 1;
                "d"
            }
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
            'ь' | 'ъ' | '-' | '\'' => "",
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

/// The folded skeletons of a Chinese text's character windows, as ids of distinct skeletons.
///
/// A window of at most four characters is packed into one integer, so romanising and
/// folding (string work, half the time of a long document's preparation when done per
/// window) happens once per distinct window of the document.
struct Windows {
    lang: Lang,
    /// Romanisation per character.
    rom: FxHashMap<char, Option<String>>,
    /// Skeleton id per packed window.
    by_window: FxHashMap<u128, u32>,
    /// Distinct skeletons and their ids.
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Windows {
    fn new(lang: Lang) -> Self {
        Windows {
            lang,
            rom: FxHashMap::default(),
            by_window: FxHashMap::default(),
            names: Vec::new(),
            ids: HashMap::new(),
        }
    }

    fn intern(&mut self, skeleton: String) -> u32 {
        if let Some(&id) = self.ids.get(&skeleton) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(skeleton.clone());
        self.ids.insert(skeleton, id);
        id
    }

    /// The skeleton ids of `text`'s windows of 2–4 romanisable Chinese characters (and, unless
    /// the other side is English, its capitalised Latin words) into `out`, in text order.
    fn of(&mut self, text: &str, out: &mut Vec<u32>) {
        out.clear();
        let chars: Vec<char> = text.chars().collect();
        let lang = self.lang;
        let ok: Vec<bool> = chars
            .iter()
            .map(|&c| {
                han(c)
                    && self
                        .rom
                        .entry(c)
                        .or_insert_with(|| romanize(c, lang))
                        .is_some()
            })
            .collect();
        for s in 0..chars.len() {
            let mut key: u128 = 0;
            for len in 1..=4 {
                let k = s + len - 1;
                if k >= chars.len() || !ok[k] {
                    break;
                }
                key = key << 32 | chars[k] as u128;
                if len < 2 {
                    continue;
                }
                let id = match self.by_window.get(&key) {
                    Some(&id) => id,
                    None => {
                        let acc: String = chars[s..=k]
                            .iter()
                            .filter_map(|c| self.rom.get(c).and_then(|r| r.as_deref()))
                            .collect();
                        let id = self.intern(fold(&acc));
                        self.by_window.insert(key, id);
                        id
                    }
                };
                out.push(id);
            }
        }
        if self.lang != Lang::En {
            for w in text.split(|c: char| !c.is_ascii_alphabetic()) {
                if w.len() >= 3 && w.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
                    let id = self.intern(fold(w));
                    out.push(id);
                }
            }
        }
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
    // matches, then to mark segments) rather than stored per segment, to save memory; each
    // distinct run of characters is romanised and folded once (`Windows`), and skeletons
    // are compared as integer ids.
    // Every skeleton `win` knows comes from some window of the text.
    let mut win = Windows::new(other_lang);
    let mut ids = Vec::new();
    for text in zh_text {
        win.of(text, &mut ids);
    }
    // Blocks: first two letters and length. Short skeletons must match exactly (a hash
    // look-up); long ones are compared fuzzily within their block and the neighbouring lengths,
    // so the work stays near-linear in the document size.
    let mut blocks: HashMap<(String, usize), Vec<u32>> = HashMap::new();
    for (w, text) in win.names.iter().enumerate() {
        let w = w as u32;
        let n = text.chars().count();
        if n >= 6 {
            blocks
                .entry((text.chars().take(2).collect(), n))
                .or_default()
                .push(w);
        }
    }
    let empty: Vec<u32> = Vec::new();
    // Name keys per skeleton id.
    let mut matched: Vec<Vec<u64>> = vec![Vec::new(); win.names.len()];
    let mut any = false;
    for (cap, segs) in &caps {
        let n = cap.chars().count();
        let mut scored: Vec<(f64, u32)> = Vec::new();
        if let Some(&w) = win.ids.get(cap.as_str()) {
            scored.push((1.0, w));
        } else if n >= 6 {
            let head: String = cap.chars().take(2).collect();
            for len in n - 1..=n + 1 {
                for &w in blocks.get(&(head.clone(), len)).unwrap_or(&empty) {
                    let sc = name_score(cap, &win.names[w as usize]);
                    if sc > 0.0 {
                        scored.push((sc, w));
                    }
                }
            }
        }
        let best = scored.iter().map(|x| x.0).fold(0.0, f64::max);
        let hits: Vec<u32> = scored.iter().filter(|x| x.0 >= best).map(|x| x.1).collect();
        // A skeleton that fits many different character runs is not a name anchor.
        if hits.is_empty() || hits.len() > 2 {
            continue;
        }
        let key = hash_tok(K_NAME, cap);
        for &j in segs {
            other[j].names.push(key);
        }
        for w in hits {
            matched[w as usize].push(key);
            any = true;
        }
    }
    if any {
        for (f, text) in zh.iter_mut().zip(zh_text) {
            win.of(text, &mut ids);
            for &w in &ids {
                f.names.extend(matched[w as usize].iter().copied());
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
    use super::*;

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
}

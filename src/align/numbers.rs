//! Number normalisation: every number a sentence states, in whatever form, as a comparable key.
//!
//! Numbers are the strongest dictionary-free anchors between Chinese and Russian/English: the
//! same quantity is written `3.5亿`, `三亿五千万`, `350 млн` or `0,35 млрд`, so each side is
//! reduced to the values it states (scaled by 万/亿 or тыс./млн/млрд), plus month numbers of
//! month names (`3月` ↔ `марта`), so that a bead can count shared values.

use crate::lang::months::{EN_MONTHS, RU_MONTH_STEMS};
use crate::lang::{chars_to_lowercase_into, is_alphabetic_fast, lower_simple};
use crate::Lang;

/// A normalised numeric value: the value times 1000, rounded (keeps three decimals, exact
/// comparison, and still fits 10^15).
pub type NumKey = i64;

fn key(v: f64) -> Option<NumKey> {
    if !v.is_finite() || !(0.0..=9.0e15).contains(&v) {
        return None;
    }
    Some((v * 1000.0).round() as NumKey)
}

/// The numbers `text` states, as keys, in order of appearance (duplicates kept).
pub fn extract(text: &str, lang: Lang) -> Vec<NumKey> {
    let mut out = Vec::new();
    extract_into(text, lang, &mut Vec::new(), &mut out);
    out
}

/// [`extract`] written to `out` (cleared first), with `chars` as scratch space: a caller
/// featurising every segment of a document reuses both.
pub fn extract_into(text: &str, lang: Lang, chars: &mut Vec<char>, out: &mut Vec<NumKey>) {
    out.clear();
    chars.clear();
    match lang {
        Lang::Zh => {
            // Every number of a Chinese text has a digit or a numeral character; most
            // segments have neither, and are spared the copy of their characters.
            if text
                .chars()
                .any(|c| fold_fullwidth(c).is_ascii_digit() || is_zh_numeral(c))
            {
                chars.extend(text.chars().map(fold_fullwidth));
                extract_zh(chars, out);
            }
        }
        _ => {
            chars.extend(text.chars().map(fold_fullwidth));
            extract_western(chars, lang, out);
        }
    }
}

fn fold_fullwidth(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' => '.',
        '，' => ',',
        '％' => '%',
        _ => c,
    }
}

fn zh_digit(c: char) -> Option<u64> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn zh_small_unit(c: char) -> Option<u64> {
    Some(match c {
        '十' => 10,
        '百' => 100,
        '千' => 1000,
        _ => return None,
    })
}

fn zh_big_unit(c: char) -> Option<f64> {
    Some(match c {
        '万' | '萬' => 1e4,
        '亿' | '億' => 1e8,
        _ => return None,
    })
}

/// Characters after a lone Chinese digit that make it a quantity rather than part of a word
/// (一些, 统一 are not numbers; 三个, 五年 are).
const ZH_COUNTERS: &str =
    "个名位年月日号天周次岁人家倍辆架艘座项条件种分秒点亿万千百十%％国所只头枚届期轮场";

/// Parses a run of Chinese numeral characters (`一百二十`, `三千五百万`, `二〇一三`).
fn parse_zh_numeral(chars: &[char]) -> Option<f64> {
    if chars.is_empty() {
        return None;
    }
    // Digit-by-digit form (years like 二〇一三): only digits, two or more.
    if chars.len() >= 2 && chars.iter().all(|&c| zh_digit(c).is_some()) {
        let mut v = 0f64;
        for &c in chars {
            v = v * 10.0 + zh_digit(c)? as f64;
        }
        return Some(v);
    }
    let mut total = 0f64; // completed 亿/万 groups
    let mut section = 0u64; // below 万
    let mut digit: Option<u64> = None;
    for &c in chars {
        if let Some(d) = zh_digit(c) {
            digit = Some(d);
        } else if let Some(u) = zh_small_unit(c) {
            section += digit.unwrap_or(1) * u;
            digit = None;
        } else if let Some(u) = zh_big_unit(c) {
            let s = section + digit.unwrap_or(0);
            let s = if s == 0 && total == 0.0 { 1 } else { s };
            total = (total + s as f64) * u;
            section = 0;
            digit = None;
        } else {
            return None;
        }
    }
    Some(total + (section + digit.unwrap_or(0)) as f64)
}

fn is_zh_numeral(c: char) -> bool {
    zh_digit(c).is_some() || zh_small_unit(c).is_some() || zh_big_unit(c).is_some()
}

fn extract_zh(chars: &[char], out: &mut Vec<NumKey>) {
    let mut percent = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let (v, mut j) = scan_arabic(chars, i, ',', '.');
            // A multiplier right after: 3.5亿, 350万, 1.2万亿, 5千.
            let mut mult = 1f64;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let mut k = j;
            while k < chars.len() {
                match chars[k] {
                    '万' | '萬' => mult *= 1e4,
                    '亿' | '億' => mult *= 1e8,
                    '千' => mult *= 1e3,
                    '百' if k + 1 < chars.len() && chars[k + 1] == '万' => mult *= 100.0,
                    _ => break,
                }
                k += 1;
            }
            i = push_scaled(out, v, (k > j).then_some(mult), i, j, k);
            continue;
        }
        if c == '百' && chars.get(i + 1) == Some(&'分') && chars.get(i + 2) == Some(&'之') {
            i += 3; // 百分之五 is "5 percent": the value is what follows
            percent = true;
            continue;
        }
        if is_zh_numeral(c) {
            let start = i;
            while i < chars.len() && is_zh_numeral(chars[i]) {
                i += 1;
            }
            let run = &chars[start..i];
            let ordinal = start > 0 && chars[start - 1] == '第';
            let next = chars.get(i).copied();
            let has_unit = run.iter().any(|&c| zh_small_unit(c).is_some());
            let only_big = run.iter().all(|&c| zh_big_unit(c).is_some());
            if only_big || zh_big_unit(run[0]).is_some() {
                continue; // 万一, 亿万: words, not numbers
            }
            let counted = next.is_some_and(|n| ZH_COUNTERS.contains(n));
            // A lone 一 is nearly always part of a word (一些, 一直, 统一).
            let accept = if run.len() == 1 && !has_unit {
                (run[0] != '一' && counted) || ordinal || percent
            } else {
                true
            };
            percent = false;
            if accept {
                if let Some(v) = parse_zh_numeral(run) {
                    if let Some(x) = key(v) {
                        out.push(x);
                    }
                }
            }
            continue;
        }
        i += 1;
    }
}

/// Scans an Arabic number at `i`: digits, thousands groups (`group` separator or spaces
/// followed by exactly three digits) and one decimal part (`dec` or, for Russian, `,`).
/// Returns the value and the index after it.
fn scan_arabic(chars: &[char], i: usize, group: char, dec: char) -> (f64, usize) {
    let mut j = i;
    let mut int = String::new();
    while j < chars.len() && chars[j].is_ascii_digit() {
        int.push(chars[j]);
        j += 1;
    }
    // Thousands groups: sep + exactly 3 digits + non-digit.
    loop {
        if j < chars.len() && is_group_sep(chars[j], group) {
            let g = &chars[j + 1..];
            if g.len() >= 3
                && g[..3].iter().all(|c| c.is_ascii_digit())
                && !g.get(3).is_some_and(|c| c.is_ascii_digit())
                && !(chars[j] == group && group == dec)
            {
                int.extend(&g[..3]);
                j += 4;
                continue;
            }
        }
        break;
    }
    let mut frac = String::new();
    if j + 1 < chars.len() && (chars[j] == dec) && chars[j + 1].is_ascii_digit() {
        let mut k = j + 1;
        while k < chars.len() && chars[k].is_ascii_digit() {
            frac.push(chars[k]);
            k += 1;
        }
        j = k;
    }
    let s = if frac.is_empty() {
        int
    } else {
        format!("{int}.{frac}")
    };
    (s.parse::<f64>().unwrap_or(0.0), j)
}

fn is_group_sep(c: char, group: char) -> bool {
    c == group || c == ' ' || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}'
}

/// Scale words after a number (`350 млн`, `2 billion`) and their factor.
fn scale_word(w: &str) -> Option<f64> {
    let w = w.trim_end_matches('.');
    Some(match w {
        "тыс" | "тысяч" | "тысячи" | "тысяча" | "тысячу" | "тысячами" | "тысячам" => {
            1e3
        }
        "thousand" | "thousands" => 1e3,
        "млн" | "миллион" | "миллиона" | "миллионов" | "миллионам" | "миллионами" => {
            1e6
        }
        "million" | "millions" | "mln" => 1e6,
        "млрд" | "миллиард" | "миллиарда" | "миллиардов" | "миллиардами" => {
            1e9
        }
        "billion" | "billions" | "bn" => 1e9,
        "трлн" | "триллион" | "триллиона" | "триллионов" | "trillion" | "trillions" => {
            1e12
        }
        _ => return None,
    })
}

fn month_word(w: &str) -> Option<u32> {
    // May / "ма" is ambiguous: only the exact case forms count.
    if matches!(w, "май" | "мая" | "мае" | "маем") {
        return Some(5);
    }
    if w == "may" {
        return None; // the modal verb is far more common
    }
    for (n, stem) in RU_MONTH_STEMS.iter().enumerate() {
        if n != 4 && w.starts_with(stem) && w.chars().count() <= stem.chars().count() + 3 {
            return Some(n as u32 + 1);
        }
    }
    // `w` is lower-case: compare with the capitalised names ignoring case.
    EN_MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(w))
        .map(|n| n as u32 + 1)
}

/// Number words and their values (ordinals count as their number).
const NUMBER_WORDS: &[(&str, f64)] = &[
    ("два", 2.0),
    ("две", 2.0),
    ("двух", 2.0),
    ("двум", 2.0),
    ("двумя", 2.0),
    ("второй", 2.0),
    ("второго", 2.0),
    ("второе", 2.0),
    ("вторая", 2.0),
    ("two", 2.0),
    ("second", 2.0),
    ("три", 3.0),
    ("трех", 3.0),
    ("трёх", 3.0),
    ("трем", 3.0),
    ("тремя", 3.0),
    ("третий", 3.0),
    ("третьего", 3.0),
    ("третья", 3.0),
    ("three", 3.0),
    ("third", 3.0),
    ("четыре", 4.0),
    ("четырех", 4.0),
    ("четырёх", 4.0),
    ("четвертый", 4.0),
    ("четвёртый", 4.0),
    ("four", 4.0),
    ("fourth", 4.0),
    ("пять", 5.0),
    ("пяти", 5.0),
    ("пятый", 5.0),
    ("five", 5.0),
    ("fifth", 5.0),
    ("шесть", 6.0),
    ("шести", 6.0),
    ("шестой", 6.0),
    ("six", 6.0),
    ("sixth", 6.0),
    ("семь", 7.0),
    ("семи", 7.0),
    ("седьмой", 7.0),
    ("seven", 7.0),
    ("seventh", 7.0),
    ("восемь", 8.0),
    ("восьми", 8.0),
    ("восьмой", 8.0),
    ("eight", 8.0),
    ("eighth", 8.0),
    ("девять", 9.0),
    ("девяти", 9.0),
    ("девятый", 9.0),
    ("nine", 9.0),
    ("ninth", 9.0),
    ("десять", 10.0),
    ("десяти", 10.0),
    ("десятый", 10.0),
    ("ten", 10.0),
    ("tenth", 10.0),
    ("двадцать", 20.0),
    ("двадцати", 20.0),
    ("twenty", 20.0),
    ("тридцать", 30.0),
    ("тридцати", 30.0),
    ("thirty", 30.0),
    ("сорок", 40.0),
    ("сорока", 40.0),
    ("forty", 40.0),
    ("пятьдесят", 50.0),
    ("пятидесяти", 50.0),
    ("fifty", 50.0),
    ("шестьдесят", 60.0),
    ("шестидесяти", 60.0),
    ("sixty", 60.0),
    ("семьдесят", 70.0),
    ("семидесяти", 70.0),
    ("seventy", 70.0),
    ("восемьдесят", 80.0),
    ("восьмидесяти", 80.0),
    ("eighty", 80.0),
    ("девяносто", 90.0),
    ("девяноста", 90.0),
    ("ninety", 90.0),
    ("сто", 100.0),
    ("hundred", 100.0),
    ("половина", 0.5),
    ("половину", 0.5),
    ("half", 0.5),
];

fn number_word(w: &str) -> Option<f64> {
    // (a table look-up rather than a scan of the list: every word that begins like a
    // number or month word asks)
    static WORDS: std::sync::OnceLock<rustc_hash::FxHashMap<&'static str, f64>> =
        std::sync::OnceLock::new();
    WORDS
        .get_or_init(|| {
            let mut m = rustc_hash::FxHashMap::default();
            for &(n, v) in NUMBER_WORDS {
                // the first entry of a word wins, as in a scan of the list
                m.entry(n).or_insert(v);
            }
            m
        })
        .get(w)
        .copied()
}

/// Whether a word whose first two letters, lower-cased, are `head` may be a month or a
/// number word ([`month_word`], [`number_word`]): most words of a text are neither, and
/// this spares them the lower-casing.
fn may_be_month_or_number(head: (char, char)) -> bool {
    static HEADS: std::sync::OnceLock<rustc_hash::FxHashSet<(char, char)>> =
        std::sync::OnceLock::new();
    HEADS
        .get_or_init(|| {
            let lower_en = EN_MONTHS.iter().map(|m| m.to_lowercase());
            RU_MONTH_STEMS
                .iter()
                .map(|s| s.to_string())
                .chain(lower_en)
                .chain(NUMBER_WORDS.iter().map(|(w, _)| w.to_string()))
                .filter_map(|w| {
                    let mut c = w.chars();
                    Some((c.next()?, c.next()?))
                })
                .collect()
        })
        .contains(&head)
}

fn extract_western(chars: &[char], lang: Lang, out: &mut Vec<NumKey>) {
    let (group, dec) = if lang == Lang::Ru {
        (' ', ',')
    } else {
        (',', '.')
    };
    let mut last_word_num: Option<f64> = None;
    // one buffer for every word's lower case
    let mut word = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            // "3.5" in Russian text is still a decimal; "1.000" a rare grouping we ignore.
            let (mut v, mut j) = scan_arabic(chars, i, group, dec);
            if lang == Lang::Ru
                && j + 1 < chars.len()
                && chars[j] == '.'
                && chars[j + 1].is_ascii_digit()
            {
                let (f, k) = scan_arabic(chars, j + 1, '\u{0}', '\u{0}');
                let digits = k - (j + 1);
                v += f / 10f64.powi(digits as i32);
                j = k;
            }
            // Scale word after optional space.
            let mut k = j;
            while k < chars.len() && (chars[k] == ' ' || chars[k] == '\u{a0}') {
                k += 1;
            }
            let w_start = k;
            while k < chars.len() && is_alphabetic_fast(chars[k]) {
                k += 1;
            }
            chars_to_lowercase_into(&chars[w_start..k], &mut word);
            let scale = scale_word(&word).filter(|_| k > w_start);
            i = push_scaled(out, v, scale, i, j, k);
            continue;
        }
        if is_alphabetic_fast(c) {
            let start = i;
            while i < chars.len() && is_alphabetic_fast(chars[i]) {
                i += 1;
            }
            // Every month and number word has two letters or more: a word that does not
            // begin as one does is neither.
            let neither = match &chars[start..i] {
                [a, b, ..] => matches!(
                    (lower_simple(*a), lower_simple(*b)),
                    (Some(a), Some(b)) if !may_be_month_or_number((a, b))
                ),
                _ => true,
            };
            if neither {
                last_word_num = None;
                continue;
            }
            chars_to_lowercase_into(&chars[start..i], &mut word);
            let w = word.as_str();
            if let Some(m) = month_word(w) {
                if let Some(x) = key(m as f64) {
                    out.push(x);
                }
            } else if let Some(v) = number_word(w) {
                // "сорока восьми" / "forty-eight": a unit right after a ten adds to it.
                let prev_ten =
                    last_word_num.filter(|p| *p >= 20.0 && *p < 100.0 && p % 10.0 == 0.0);
                if let (Some(p), true) = (prev_ten, (1.0..10.0).contains(&v)) {
                    out.pop();
                    if let Some(x) = key(p + v) {
                        out.push(x);
                    }
                    last_word_num = None;
                } else {
                    if let Some(x) = key(v) {
                        out.push(x);
                    }
                    last_word_num = Some(v);
                }
                continue;
            }
            last_word_num = None;
            continue;
        }
        i += 1;
    }
}

/// Records a number found at `i` whose digits end at `j`: scaled when a scale word or
/// character (万, млн, million…) follows and ends at `k`, plain otherwise. Returns where the
/// scan goes on (after the scale, or after the digits).
fn push_scaled(
    out: &mut Vec<NumKey>,
    v: f64,
    scale: Option<f64>,
    i: usize,
    j: usize,
    k: usize,
) -> usize {
    match scale {
        Some(m) => {
            out.extend(key(v * m));
            k
        }
        None => {
            out.extend(key(v));
            j.max(i + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(text: &str, lang: Lang) -> Vec<f64> {
        extract(text, lang)
            .into_iter()
            .map(|k| k as f64 / 1000.0)
            .collect()
    }

    #[test]
    fn chinese_forms() {
        assert_eq!(vals("收入3.5亿元", Lang::Zh), vec![3.5e8]);
        assert_eq!(vals("一百二十人", Lang::Zh), vec![120.0]);
        assert_eq!(vals("三千五百万", Lang::Zh), vec![3.5e7]);
        assert_eq!(vals("2013年3月21日", Lang::Zh), vec![2013.0, 3.0, 21.0]);
        assert_eq!(vals("二〇一三年", Lang::Zh), vec![2013.0]);
        assert_eq!(vals("增长5%", Lang::Zh), vec![5.0]);
        assert_eq!(vals("百分之五", Lang::Zh), vec![5.0]);
        assert_eq!(vals("第三次", Lang::Zh), vec![3.0]);
        assert_eq!(vals("１２３人", Lang::Zh), vec![123.0]);
        assert_eq!(vals("1,200名", Lang::Zh), vec![1200.0]);
        assert_eq!(vals("两个", Lang::Zh), vec![2.0]);
        assert!(vals("一些人统一了万一", Lang::Zh).is_empty());
        assert_eq!(vals("十月", Lang::Zh), vec![10.0]);
    }

    #[test]
    fn russian_forms() {
        assert_eq!(vals("350 млн рублей", Lang::Ru), vec![3.5e8]);
        assert_eq!(vals("0,35 млрд", Lang::Ru), vec![3.5e8]);
        assert_eq!(vals("в 2013 году", Lang::Ru), vec![2013.0]);
        assert_eq!(vals("21 марта", Lang::Ru), vec![21.0, 3.0]);
        assert_eq!(vals("на 5 процентов", Lang::Ru), vec![5.0]);
        assert_eq!(vals("1 200 человек", Lang::Ru), vec![1200.0]);
        assert_eq!(vals("3.5 тыс.", Lang::Ru), vec![3500.0]);
        assert_eq!(vals("две страны, 9 мая", Lang::Ru), vec![2.0, 9.0, 5.0]);
        assert_eq!(vals("меньше сорока восьми", Lang::Ru), vec![48.0]);
    }

    #[test]
    fn english_forms() {
        assert_eq!(
            vals("$3.5 billion on March 21", Lang::En),
            vec![3.5e9, 3.0, 21.0]
        );
        assert_eq!(vals("1,200 people, two", Lang::En), vec![1200.0, 2.0]);
        assert!(vals("you may go", Lang::En).is_empty());
    }
}

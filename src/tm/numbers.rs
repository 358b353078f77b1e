//! A small number normaliser for the review CSV's `number-mismatch` flag.
//!
//! Both sides of a bead should carry the same Arabic numbers; when they do not, the pair
//! deserves a look. The normaliser only has to make the usual spellings of one number compare
//! equal: full-width digits, thousands separators (`1,000`, `1 000`, `1.000`), decimal comma
//! versus decimal point (`3,5` / `3.5`), trailing decimal zeros, clock times (`7:55` /
//! `7.55`); numbers are then compared by their significant digits so that scale words
//! (`1100万` / `11 млн`, `3亿` / `300 млн`) need no dictionary. Dates and centuries written
//! differently count as their numbers ([`word_numbers`]): a month name is its number
//! (`4 февраля` = `2月4日`, `March 2025` = `2025年3月`), a Roman numeral before a Russian word
//! its value (`XXI века` = `21世纪`). Numbers written in words or Chinese numerals are not
//! seen; the flag is a hint for a reviewer, not a verdict. On the gold alignments of the
//! shared NTREX eval sets it fires on 8.4% (zh–ru, 120 of 1,433) and 7.0% (zh–en, 102 of
//! 1,466) of the pairs (9.8% and 8.0% before month names and Roman numerals counted), mostly
//! Chinese numerals (`三点` / `3 p.m.`) and numbers one translation spells out
//! (`cargo test --test tm_flags -- --nocapture`).

use crate::lang::months::{EN_MONTHS, RU_MONTH_STEMS};

/// Whether `c` may sit between digit groups when followed by exactly three digits
/// (a space-like thousands separator).
fn is_space_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\'')
}

/// Whether `c` may be a thousands or a decimal separator.
fn is_mark_separator(c: char) -> bool {
    matches!(c, ',' | '.')
}

/// Maps full-width digits and the full-width full stop to ASCII; everything else unchanged.
fn half_width(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
        '\u{FF0E}' => '.',
        '\u{FF1A}' => ':',
        _ => c,
    }
}

/// The Arabic numbers of `text`, normalised (`"1 000,50"` → `"1000.5"`), in text order.
pub fn numbers(text: &str) -> Vec<String> {
    // Most texts of a pair hold no digit at all: spare them the character copy.
    if !text.bytes().any(|b| b.is_ascii_digit())
        && !text.contains(|c| matches!(c, '\u{FF10}'..='\u{FF19}'))
    {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().map(half_width).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // groups of digits and the separator that preceded each group after the first
        let mut groups: Vec<String> = Vec::new();
        let mut seps: Vec<char> = Vec::new();
        loop {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            groups.push(chars[start..i].iter().collect());
            let Some(&sep) = chars.get(i) else { break };
            let next_group_len = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let joins = if is_mark_separator(sep) {
                next_group_len > 0
            } else if sep == ':' {
                // a clock time ("7:55", written "7.55" in British English), not a score ("0:1")
                next_group_len == 2
            } else {
                // a space only groups thousands: "1 000", never "3 5"
                is_space_separator(sep) && next_group_len == 3
            };
            if !joins {
                break;
            }
            seps.push(sep);
            i += 1;
        }
        out.push(normalise(&groups, &seps));
    }
    out
}

/// Turns digit groups and their separators into one canonical decimal string.
fn normalise(groups: &[String], seps: &[char]) -> String {
    // Which separator, if any, is the decimal mark: the last `,`/`.` when the marks are mixed
    // ("1,234.5", "1.234,5"), or a lone mark that is not followed by exactly three digits
    // ("3,5", "0.125" with a zero integer part).
    let marks: Vec<usize> = (0..seps.len())
        .filter(|&k| is_mark_separator(seps[k]))
        .collect();
    let decimal_at = match marks.as_slice() {
        [] => None,
        [only] => {
            let after = &groups[only + 1];
            let before = &groups[*only];
            if after.len() != 3 || before == "0" || (*only == 0 && before.len() > 3) {
                Some(*only)
            } else {
                None
            }
        }
        [.., last] => {
            if marks.iter().any(|&k| seps[k] != seps[*last]) {
                Some(*last)
            } else {
                None
            }
        }
    };
    let (int_groups, frac) = match decimal_at {
        Some(k) => (&groups[..=k], groups[k + 1..].concat()),
        None => (groups, String::new()),
    };
    let int: String = int_groups.concat();
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int.to_owned()
    } else {
        format!("{int}.{frac}")
    }
}

/// The significant digits of a normalised number: `"1100"` → `"11"`, `"2.8"` → `"28"`,
/// `"0.05"` → `"5"`, `"0"` → `"0"`.
///
/// Scale words differ between the languages (28亿 = 2,8 млрд = 2.8 billion; 1100万 = 11 млн),
/// and recognising all of them is the aligner's richer normaliser's job; comparing significant
/// digits makes them agree without knowing any of them, at the price of not seeing a
/// factor-of-ten error.
pub fn significant_digits(number: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let d = digits.trim_start_matches('0').trim_end_matches('0');
    if d.is_empty() {
        "0".to_owned()
    } else {
        d.to_owned()
    }
}

/// Russian case endings a month stem takes (`января`, `январе`, `январь`, `мая`, `май`,
/// `марта`…); `ма` takes only `я`, `й`, `е`, `ю`.
const RU_MONTH_ENDINGS: [&str; 10] = ["", "ь", "я", "е", "ю", "а", "у", "ём", "ем", "ом"];

/// Russian abbreviated months (`сент.`), without their dot.
const RU_MONTH_ABBREVIATIONS: [(&str, u32); 12] = [
    ("янв", 1),
    ("февр", 2),
    ("фев", 2),
    ("мар", 3),
    ("апр", 4),
    ("авг", 8),
    ("сент", 9),
    ("сен", 9),
    ("окт", 10),
    ("нояб", 11),
    ("ноя", 11),
    ("дек", 12),
];

/// The month number of a word, if it is a month name: Russian in any case (lower-case, as
/// Russian writes them, or capitalised at a sentence start), an abbreviation followed by a
/// dot, or an English name (capitalised: `may` is a verb).
fn month_of(word: &str, dotted: bool) -> Option<u32> {
    if let Some(k) = EN_MONTHS.iter().position(|m| *m == word) {
        return Some(k as u32 + 1);
    }
    // Every Russian month stem and abbreviation starts with one of these letters: spare the
    // other words (nearly all) the lower-casing's allocation.
    if !word.chars().next().is_some_and(|c| {
        matches!(
            c,
            'я' | 'Я'
                | 'ф'
                | 'Ф'
                | 'м'
                | 'М'
                | 'а'
                | 'А'
                | 'и'
                | 'И'
                | 'с'
                | 'С'
                | 'о'
                | 'О'
                | 'н'
                | 'Н'
                | 'д'
                | 'Д'
        )
    }) {
        return None;
    }
    // Nor do most of the rest begin as a month does: the first two letters decide, lowered
    // one by one (when both are ASCII or basic Cyrillic), before the word is.
    let mut head = word.chars().map(crate::lang::lower_simple);
    if let (Some(Some(a)), Some(Some(b))) = (head.next(), head.next()) {
        let starts = |s: &str| {
            let mut c = s.chars();
            c.next() == Some(a) && c.next() == Some(b)
        };
        if !RU_MONTH_STEMS.iter().any(|s| starts(s))
            && !RU_MONTH_ABBREVIATIONS.iter().any(|(s, _)| starts(s))
        {
            return None;
        }
    }
    let lower = crate::lang::to_lowercase_fast(word);
    if dotted {
        if let Some((_, n)) = RU_MONTH_ABBREVIATIONS.iter().find(|(a, _)| *a == lower) {
            return Some(*n);
        }
    }
    for (k, stem) in RU_MONTH_STEMS.iter().enumerate() {
        let Some(ending) = lower.strip_prefix(stem) else {
            continue;
        };
        let ok = if *stem == "ма" {
            matches!(ending, "я" | "й" | "е" | "ю")
        } else {
            RU_MONTH_ENDINGS.contains(&ending) && (*stem != "март" || ending != "ом")
        };
        if ok {
            return Some(k as u32 + 1);
        }
    }
    None
}

/// The value of a Roman numeral (`XXI` → 21), if `word` is a well-formed one.
fn roman_value(word: &str) -> Option<u32> {
    let value = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let digits: Vec<u32> = word.chars().map(value).collect::<Option<_>>()?;
    if digits.is_empty() || digits.len() > 12 {
        return None;
    }
    let mut total = 0u32;
    for (k, &d) in digits.iter().enumerate() {
        match digits.get(k + 1) {
            Some(&next) if next > d => total = total.saturating_sub(d),
            _ => total += d,
        }
    }
    // well formed: writing the value back gives the same numeral (no `IIII`, `VX`)
    (to_roman(total) == word).then_some(total)
}

fn to_roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// Numbers a text writes as words: month names (their number) and Roman numerals followed
/// by a lower-case Cyrillic word (`XXI века`, `II съезд`: their value; alone, `I` and `DC`
/// are more often a pronoun or a name).
pub fn word_numbers(text: &str) -> Vec<String> {
    // Words are maximal runs of letters and digits, each with whether a dot follows it.
    let mut words: Vec<(&str, bool)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if crate::lang::is_alphanumeric_fast(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            words.push((&text[s..i], c == '.'));
        }
    }
    if let Some(s) = start {
        words.push((&text[s..], false));
    }
    let mut out = Vec::new();
    for (k, &(word, dotted)) in words.iter().enumerate() {
        if let Some(m) = month_of(word, dotted) {
            out.push(m.to_string());
            continue;
        }
        if let Some(v) = roman_value(word) {
            let next_russian = words.get(k + 1).is_some_and(|(w, _)| {
                w.chars()
                    .next()
                    .is_some_and(|c| matches!(c, 'а'..='я' | 'ё'))
            });
            if next_russian {
                out.push(v.to_string());
            }
        }
    }
    out
}

/// Whether both texts carry the same multiset of numbers ([`numbers`] and
/// [`word_numbers`]), compared by [`significant_digits`].
pub fn numbers_match(a: &str, b: &str) -> bool {
    let key = |t: &str| {
        let mut v: Vec<String> = numbers(t)
            .into_iter()
            .chain(word_numbers(t))
            .map(|n| significant_digits(&n))
            .collect();
        v.sort();
        v
    };
    key(a) == key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_common_spellings() {
        assert_eq!(numbers("共１２３４５人"), vec!["12345"]);
        assert_eq!(numbers("1,000 and 1 000 and 1.000"), vec!["1000"; 3]);
        assert_eq!(numbers("3,5 or 3.50 or 3．5"), vec!["3.5"; 3]);
        assert_eq!(numbers("1,234.5 = 1.234,5 = 1 234,5"), vec!["1234.5"; 3]);
        assert_eq!(numbers("0,125"), vec!["0.125"]);
        assert_eq!(numbers("in 2019."), vec!["2019"]);
        assert_eq!(numbers("1, 2, 3"), vec!["1", "2", "3"]);
        assert_eq!(numbers("2019年3月5日"), vec!["2019", "3", "5"]);
        assert_eq!(numbers("007"), vec!["7"]);
        assert!(numbers("нет чисел").is_empty());
    }

    #[test]
    fn compares_multisets() {
        assert!(numbers_match(
            "增长了３.５%，达到1,200亿",
            "рост на 3,5% до 1 200"
        ));
        assert!(!numbers_match("5 и 5", "5"));
        assert!(!numbers_match("2019年", "2018 году"));
        assert!(numbers_match(
            "价值1100 万英镑，28亿英镑",
            "на 11 млн фунтов, 2,8 млрд"
        ));
        assert!(numbers_match("早上 7:55", "at 7.55am"));
        assert_eq!(numbers("0:1落后"), vec!["0", "1"], "a score is two numbers");
        assert_eq!(significant_digits("0.05"), "5");
    }

    #[test]
    fn dates_centuries_and_scales_written_differently_match() {
        for (zh, other) in [
            ("2月4日", "4 февраля"),
            (
                "2025年3月21日，国家主席通电话。",
                "21 марта 2025 года состоялся разговор.",
            ),
            ("21世纪", "XXI века"),
            ("5月在莫斯科", "в мае в Москве"),
            ("2025年9月5日", "5 сент. 2025 г."),
            ("2025年3月", "March 2025"),
            ("3亿元", "300 млн юаней"),
            ("1.2万人", "12 тысяч человек"),
            ("19世纪末", "в конце XIX века"),
        ] {
            assert!(numbers_match(zh, other), "{zh} / {other}");
        }
        // still told apart
        assert!(!numbers_match("2月4日", "4 марта"));
        assert!(!numbers_match("20世纪", "XXI века"));
        // a pronoun, a name, a verb and a word like `март` inside another are no numbers
        assert!(word_numbers("I think DC may grow, Мартин said").is_empty());
        assert_eq!(roman_value("XIV"), Some(14));
        assert_eq!(roman_value("IIII"), None);
        assert_eq!(significant_digits("0"), "0");
    }
}

//! A small number normaliser for the review CSV's `number-mismatch` flag.
//!
//! Both sides of a bead should carry the same Arabic numbers; when they do not, the pair
//! deserves a look. The normaliser only has to make the usual spellings of one number compare
//! equal: full-width digits, thousands separators (`1,000`, `1 000`, `1.000`), decimal comma
//! versus decimal point (`3,5` / `3.5`), trailing decimal zeros, clock times (`7:55` /
//! `7.55`); numbers are then compared by their significant digits so that scale words
//! (`1100万` / `11 млн`) need no dictionary. Numbers written in words or Chinese numerals are
//! not seen; the flag is a hint for a reviewer, not a verdict. On the gold alignments of the
//! shared NTREX eval sets it fires on about 10% (zh–ru) and 8% (zh–en) of the pairs, mostly
//! Chinese numerals (`三点` / `3 p.m.`) and numbers one translation spells out.

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

/// Whether both texts carry the same multiset of numbers, compared by
/// [`significant_digits`].
pub fn numbers_match(a: &str, b: &str) -> bool {
    let key = |t: &str| {
        let mut v: Vec<String> = numbers(t).iter().map(|n| significant_digits(n)).collect();
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
        assert_eq!(significant_digits("0"), "0");
    }
}

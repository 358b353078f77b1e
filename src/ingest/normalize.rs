//! Character-level normalisation of one line, and joining of lines into a paragraph.
//!
//! * Full-width digits and Latin letters (U+FF10–FF19, U+FF21–FF3A, U+FF41–FF5A) become ASCII:
//!   `２０１５` → `2015`. Other full-width forms — Chinese punctuation `，。！？：；（）` — stay as
//!   they are: they are the correct punctuation of Chinese text, and the segmenter needs them.
//! * The ideographic space U+3000, NBSP and the other Unicode spaces, tabs → a plain space;
//!   runs of spaces collapse to one; the line is trimmed (this drops the `　　` indentation
//!   of Chinese paragraphs).
//! * Zero-width characters (U+200B–U+200D, U+2060, U+FEFF), the soft hyphen, control
//!   characters (C0 and C1) and replacement characters U+FFFD are dropped.

/// Whether `c` counts as a space for collapsing.
fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// The one rule for control characters, the same for every output (TMX, CSV, `.seg`, review
/// CSV, split streams): Unicode control characters (C0, DEL, C1) other than tab, line feed and
/// carriage return never reach an output, nor do U+FFFE / U+FFFF (not characters; XML 1.0
/// forbids them like C0). Ingest drops them while normalising (tab, line ends, VT and FF
/// become spaces first), the aligner drops them from presegmented input, the review import
/// from fix texts and comments; each reports how many with a warning.
pub fn is_dropped_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Removes the characters of [`is_dropped_control`] from `text`; returns how many.
pub fn drop_controls(text: &mut String) -> usize {
    if !has_dropped_control(text) {
        return 0;
    }
    let before = text.chars().count();
    text.retain(|c| !is_dropped_control(c));
    before - text.chars().count()
}

/// Whether `text` holds a character of [`is_dropped_control`], read on the bytes: every
/// aligned pair's text is checked before it is written, and decoding each character to ask
/// was ~1 % of an alignment. In UTF-8 these characters are the bytes below 0x20 (but tab, LF,
/// CR) and 0x7F, C1 controls `C2 80`–`C2 9F`, and U+FFFE / U+FFFF `EF BF BE` / `EF BF BF`;
/// `C2` and `EF` only ever lead a character, so no continuation byte is mistaken for them.
fn has_dropped_control(text: &str) -> bool {
    let b = text.as_bytes();
    // One pass over every byte without an early exit (which the compiler vectorises) for the
    // ASCII controls; then only the lead bytes `C2` / `EF`, found by `memchr`, are looked at.
    let ascii = b.iter().fold(false, |hit, &x| {
        hit | ((x < 0x20) & (x != b'\t') & (x != b'\n') & (x != b'\r')) | (x == 0x7F)
    });
    ascii
        || memchr::memchr2_iter(0xC2, 0xEF, b).any(|i| match b[i] {
            0xC2 => matches!(b.get(i + 1), Some(0x80..=0x9F)),
            _ => b.get(i + 1) == Some(&0xBF) && matches!(b.get(i + 2), Some(0xBE | 0xBF)),
        })
}

/// Whether `c` is dropped altogether.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{AD}' | '\u{FFFD}'
    ) || is_dropped_control(c)
}

/// Normalises one line (or any text: newlines count as spaces) and appends it to `out`.
///
/// Hot path of the whole stage: runs of characters that need no change (ASCII letters and
/// punctuation, CJK, Cyrillic…) are found on the bytes and copied in bulk; only bytes that can
/// start a special character (ASCII controls and space; UTF-8 leads `C2 E1 E2 E3 EF`, which
/// cover NBSP, the Unicode spaces, U+3000, full-width forms, BOM, U+FFFD) are decoded.
pub fn normalize_into(s: &str, out: &mut String) {
    let start = out.len();
    let bytes = s.as_bytes();
    let mut pending_space = false;
    let mut run = 0; // start of the current run of unchanged text
    let mut i = 0;
    // Appends `s[run..end]`, preceded by a space if one is pending.
    let flush = |out: &mut String, pending_space: &mut bool, run: usize, end: usize| {
        if run < end {
            if *pending_space && out.len() > start {
                out.push(' ');
            }
            *pending_space = false;
            out.push_str(&s[run..end]);
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        let maybe_special = b < 0x21 || b == 0x7F || matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF);
        if !maybe_special {
            i += 1;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        let len = c.len_utf8();
        let replacement = match c {
            // Full-width digits and Latin letters sit at a fixed offset from ASCII.
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                Some(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c))
            }
            c if is_space(c) || is_dropped(c) => None,
            _ => {
                // An ordinary character after all (CJK punctuation, Cyrillic Ё…): keep the run.
                i += len;
                continue;
            }
        };
        flush(out, &mut pending_space, run, i);
        match replacement {
            Some(ascii) => {
                if pending_space && out.len() > start {
                    out.push(' ');
                }
                pending_space = false;
                out.push(ascii);
            }
            None => {
                if is_space(c) {
                    pending_space = true;
                }
            }
        }
        i += len;
        run = i;
    }
    flush(out, &mut pending_space, run, bytes.len());
}

/// Normalises a line into a new string.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    normalize_into(s, &mut out);
    out
}

/// Whether `c` belongs to the CJK scripts or CJK punctuation: text on both sides of a line
/// break between such characters is joined without a space.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{3FFFF}')
}

/// How many Han and Cyrillic letters on each side of a line break [`script_changes`] looks at.
const SCRIPT_WINDOW: usize = 64;

/// The main script of some letters: Han or Cyrillic by majority (ties and text without either
/// give `None`). Latin letters are left out: names and acronyms in Latin letters sit inside
/// text of either language.
fn main_script(letters: impl Iterator<Item = char>) -> Option<bool> {
    let (mut han, mut cyr) = (0usize, 0usize);
    for c in letters
        .filter(|&c| is_cjk(c) && c.is_alphabetic() || is_cyrillic(c))
        .take(SCRIPT_WINDOW)
    {
        if is_cyrillic(c) {
            cyr += 1;
        } else {
            han += 1;
        }
    }
    (han != cyr).then_some(han > cyr)
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{052F}')
}

/// Whether a line break between `before` and `after` changes the language: the Han and
/// Cyrillic letters just before it (up to [`SCRIPT_WINDOW`]) are mostly of one script and
/// those just after it mostly of the other. A paragraph wrapped over lines is in one
/// language, so such a break ends the paragraph (a Chinese headline above its Russian
/// translation, `北京 Beijing` above `Москва`) instead of being joined into it.
pub fn script_changes(before: &str, after: &str) -> bool {
    match (
        main_script(before.chars().rev()),
        main_script(after.chars()),
    ) {
        (Some(a), Some(b)) => a != b,
        _ => false,
    }
}

/// [`push_line`], unless the line break changes the language ([`script_changes`]): then the
/// paragraph so far is returned (finished) and `next` starts a new one.
pub fn push_line_or_break(para: &mut String, next: &str) -> Option<String> {
    if !para.is_empty() && !next.is_empty() && script_changes(para, next) {
        return Some(std::mem::replace(para, next.to_string()));
    }
    push_line(para, next);
    None
}

/// Appends the normalised line `next` to the paragraph `para`, as a soft line break: CJK on
/// either side → no space; a word hyphenated at the line end (`сотруд-` + `ничество`) → the
/// hyphen goes and the halves join; otherwise one space.
pub fn push_line(para: &mut String, next: &str) {
    if next.is_empty() {
        return;
    }
    if para.is_empty() {
        para.push_str(next);
        return;
    }
    let last = para.chars().next_back().unwrap_or(' ');
    let first = next.chars().next().unwrap_or(' ');
    if last == '-' && first.is_lowercase() {
        let mut chars = para.chars();
        chars.next_back();
        if chars
            .next_back()
            .is_some_and(|c| c.is_alphabetic() && !is_cjk(c))
        {
            para.pop();
            para.push_str(next);
            return;
        }
    }
    if !(is_cjk(last) || is_cjk(first)) {
        para.push(' ');
    }
    para.push_str(next);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_of_script_breaks_the_paragraph() {
        let mut p = "中俄建交76周年纪念活动在京举行".to_string();
        let done = push_line_or_break(&mut p, "76-я годовщина");
        assert_eq!(done.as_deref(), Some("中俄建交76周年纪念活动在京举行"));
        assert_eq!(p, "76-я годовщина");
        let mut p = "北京 Beijing".to_string();
        assert!(push_line_or_break(&mut p, "Москва").is_some());
        // A Chinese name inside Russian text, a Latin word, digits: no change of language.
        let mut p = "Председатель Си Цзиньпин (习近平)".to_string();
        assert!(push_line_or_break(&mut p, "заявил").is_none());
        assert_eq!(p, "Председатель Си Цзиньпин (习近平) заявил");
        let mut p = "发布了".to_string();
        assert!(push_line_or_break(&mut p, "iPhone 15").is_none());
        assert!(push_line_or_break(&mut p, "2024").is_none());
        assert!(push_line_or_break(&mut p, "新款").is_none());
        assert_eq!(p, "发布了iPhone 15 2024新款");
    }

    #[test]
    fn fullwidth_alnum_only() {
        assert_eq!(normalize("２０１５年ＡＢＣｘｙｚ"), "2015年ABCxyz");
        assert_eq!(
            normalize("你好，世界！（注）：“是”；？。"),
            "你好，世界！（注）：“是”；？。"
        );
    }

    #[test]
    fn spaces_and_invisibles() {
        assert_eq!(
            normalize("　　国家\u{3000}主席\u{A0}\u{A0}习近平  "),
            "国家 主席 习近平"
        );
        assert_eq!(
            normalize("a\u{200B}b\u{FEFF}c\u{7}d\u{AD}e\u{FFFD}"),
            "abcde"
        );
        assert_eq!(normalize(" \t "), "");
        assert_eq!(normalize("a\u{2003}\tb"), "a b");
    }

    #[test]
    fn joining_lines() {
        let mut p = String::from("百年变");
        push_line(&mut p, "局加速演进");
        assert_eq!(p, "百年变局加速演进");
        let mut p = String::from("развивать сотруд-");
        push_line(&mut p, "ничество и");
        push_line(&mut p, "торговлю");
        assert_eq!(p, "развивать сотрудничество и торговлю");
        let mut p = String::from("north-");
        push_line(&mut p, "West");
        assert_eq!(p, "north- West");
        let mut p = String::from("记者");
        push_line(&mut p, "Reuters");
        assert_eq!(p, "记者Reuters");
    }

    #[test]
    fn dropped_controls_are_found_on_the_bytes() {
        for c in [
            '\u{0}', '\u{1F}', '\u{7F}', '\u{80}', '\u{9F}', '\u{FFFE}', '\u{FFFF}',
        ] {
            assert!(has_dropped_control(&format!("ab{c}中")), "{c:?}");
        }
        for c in [
            '\t', '\n', '\r', '\u{A0}', '\u{FFFD}', '\u{FEFF}', '\u{EFBF}', 'я',
        ] {
            assert!(!has_dropped_control(&format!("ab{c}中")), "{c:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn byte_check_agrees_with_the_character_rule(
            s in "(\\PC|[\\x00-\\x1F\\x7F-\\u{9F}\\u{FFFE}\\u{FFFF}\\u{FFFD}\\u{EFBF}])*"
        ) {
            proptest::prop_assert_eq!(has_dropped_control(&s), s.chars().any(is_dropped_control));
        }
    }

    proptest::proptest! {
        #[test]
        fn normalize_is_idempotent_and_tidy(s in "\\PC{0,40}|[ \t\u{3000}\u{a0}\u{200b}ａ-ｚ０-９a-z。，\n]{0,40}") {
            let once = normalize(&s);
            proptest::prop_assert_eq!(normalize(&once), once.clone());
            proptest::prop_assert!(!once.contains("  "));
            proptest::prop_assert_eq!(once.trim_matches(' '), once.as_str());
            let odd = |c: char| c.is_control() || c == '\u{3000}' || c == '\u{a0}';
            proptest::prop_assert!(!once.chars().any(odd), "odd space or control left");
            let fullwidth_digit = |c: char| ('\u{FF10}'..='\u{FF19}').contains(&c);
            proptest::prop_assert!(!once.chars().any(fullwidth_digit), "full-width digit left");
        }
    }
}

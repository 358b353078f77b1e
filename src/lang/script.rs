//! Character classes and script runs: the cheap first pass of language splitting.
//!
//! One scan over a line classifies every character by Unicode range and groups the text into
//! runs of one script (Han, Cyrillic, Latin). Neutral characters (spaces, digits, most
//! punctuation) never start a run: between two runs of the same script they simply belong to
//! it, and at a script change they are shared out by [`cut_between`] — closing quotes and
//! brackets stay with the text on their left, opening ones go with the text on their right,
//! CJK punctuation goes with the Han side, numbers go with the side they are written against
//! (`15日`, `15 июня`, `76-я`), and separators (` / `, ` — `) go to neither.

/// The writing system of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Script {
    /// Chinese characters (and kana), with CJK punctuation as context.
    Han,
    /// Cyrillic letters.
    Cyrillic,
    /// Latin letters.
    Latin,
}

/// What a character is to the run builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// A letter of one of the scripts tmalign tells apart.
    Letter(Script),
    /// CJK punctuation (`。，、：；！？（）《》「」`…): Han context, but not a letter.
    HanPunct,
    /// An opening quote or bracket: belongs with what follows.
    Open,
    /// A closing quote or bracket: belongs with what precedes.
    Close,
    /// An ASCII `"` or `'`, whose direction depends on its neighbours.
    Quote,
    /// Whitespace.
    Space,
    /// Digits, other punctuation, symbols, letters of other scripts.
    Neutral,
}

/// Classes of the ASCII characters, so the common case is one table look-up.
const ASCII: [Class; 128] = {
    let mut t = [Class::Neutral; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphabetic() {
            Class::Letter(Script::Latin)
        } else if b.is_ascii_whitespace() || b == 0x0b {
            Class::Space
        } else if b == b'(' || b == b'[' || b == b'{' {
            Class::Open
        } else if b == b')' || b == b']' || b == b'}' {
            Class::Close
        } else if b == b'"' || b == b'\'' {
            Class::Quote
        } else {
            Class::Neutral
        };
        i += 1;
    }
    t
};

/// Classifies one character by Unicode range.
#[inline]
pub(crate) fn classify(c: char) -> Class {
    let u = c as u32;
    if u < 0x80 {
        return ASCII[u as usize];
    }
    match u {
        // The bulk of Chinese text first.
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => {
            Class::Letter(Script::Han)
        }
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
            Class::Letter(Script::Cyrillic)
        }
        0xD7 | 0xF7 => Class::Neutral, // × ÷ sit inside the Latin-1 letter block
        0xC0..=0x24F | 0x1E00..=0x1EFF => Class::Letter(Script::Latin),
        // Kana: not Chinese, but only ever seen inside Chinese text here.
        0x3040..=0x30FF | 0x31F0..=0x31FF => Class::Letter(Script::Han),
        0x3000 => Class::Space, // ideographic space
        0x3001..=0x303F | 0xFE30..=0xFE4F => Class::HanPunct,
        0xFF10..=0xFF19 => Class::Neutral, // full-width digits
        0xFF21..=0xFF3A | 0xFF41..=0xFF5A => Class::Letter(Script::Latin),
        0xFF01..=0xFF60 => Class::HanPunct, // full-width punctuation （），：！？
        0xFF61..=0xFF9F => Class::Letter(Script::Han), // half-width katakana
        0x201C | 0x2018 | 0x201E | 0x201A | 0xAB | 0x2039 => Class::Open,
        0x201D | 0x2019 | 0xBB | 0x203A => Class::Close,
        _ if c.is_whitespace() => Class::Space,
        _ => Class::Neutral,
    }
}

/// A maximal stretch of one script, with the neutral characters shared out to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    /// Byte offset of the first byte (in the line the runs were built from).
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The script of its letters.
    pub script: Script,
    /// How many letters it holds (CJK punctuation and neutrals are not letters).
    pub letters: u32,
}

/// Splits one line (no line breaks expected, but harmless) into script runs, in order. They
/// cover the whole line except what lies between two runs and belongs to neither (spaces,
/// separators such as ` / `; see [`cut_between`]). A line without any letter gives no run.
pub(crate) fn runs(line: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut cur: Option<Run> = None;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Hand-decoded UTF-8 (the input is a valid `str`): this loop is the hot path of the
        // whole stage, and the ASCII case must stay a single table look-up.
        let (class, len) = decode_class(bytes, i);
        let at = i;
        i += len;
        let (script, is_letter) = match class {
            Class::Letter(s) => (s, true),
            // CJK punctuation continues a Han run but never starts or interrupts another one.
            Class::HanPunct if matches!(cur, Some(r) if r.script == Script::Han) => {
                (Script::Han, false)
            }
            _ => continue,
        };
        let end = i;
        match cur.as_mut() {
            Some(r) if r.script == script => {
                r.end = end;
                r.letters += u32::from(is_letter);
            }
            Some(r) => {
                let (l, rs) = cut_between(line, r.end, at, r.script, script);
                r.end = l;
                out.push(*r);
                cur = Some(Run {
                    start: rs,
                    end,
                    script,
                    letters: u32::from(is_letter),
                });
            }
            None => {
                cur = Some(Run {
                    start: 0,
                    end,
                    script,
                    letters: u32::from(is_letter),
                });
            }
        }
    }
    if let Some(mut r) = cur {
        r.end = line.len();
        out.push(r);
    }
    out
}

/// The class of the character starting at byte `i` of valid UTF-8 `bytes`, and its length.
#[inline]
fn decode_class(bytes: &[u8], i: usize) -> (Class, usize) {
    let b = bytes[i];
    if b < 0x80 {
        return (ASCII[usize::from(b)], 1);
    }
    // Lead bytes that alone settle the class: U+5000–U+9FFF are all CJK ideographs,
    // U+0400–U+04FF all Cyrillic.
    if (0xE5..=0xE9).contains(&b) {
        return (Class::Letter(Script::Han), 3);
    }
    if (0xD0..=0xD3).contains(&b) {
        return (Class::Letter(Script::Cyrillic), 2);
    }
    let cont = |k: usize| u32::from(bytes.get(i + k).copied().unwrap_or(0x80) & 0x3F);
    let (u, len) = if b < 0xE0 {
        ((u32::from(b & 0x1F) << 6) | cont(1), 2)
    } else if b < 0xF0 {
        ((u32::from(b & 0x0F) << 12) | (cont(1) << 6) | cont(2), 3)
    } else {
        (
            (u32::from(b & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3),
            4,
        )
    };
    (char::from_u32(u).map_or(Class::Neutral, classify), len)
}

/// A separator between two texts rather than part of either: dashes, slashes, bars, bullets
/// and the like (`新闻稿 / ПРЕСС-РЕЛИЗ`, `中文 — English`).
pub(crate) fn is_separator(c: char) -> bool {
    matches!(
        c,
        '/' | '\\'
            | '|'
            | '-'
            | '~'
            | '='
            | '*'
            | '#'
            | '+'
            | '_'
            | '\u{00A6}'
            | '\u{00B7}'
            | '\u{2010}'..='\u{2015}'
            | '\u{2016}'
            | '\u{2022}'
            | '\u{2023}'
            | '\u{2027}'
            | '\u{2043}'
            | '\u{2192}'
            | '\u{25A0}'..='\u{25FF}'
            | '\u{FF0F}'
            | '\u{FF5C}'
    )
}

/// Punctuation that ends what precedes it (`2024.`, `15,`): it stays with the left side.
fn is_trailing_punct(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '…' | '%' | '‰')
}

/// Where a neutral token goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Neither,
    Right,
}

/// How the neutral stretch `line[a..b]` between a run of `left` script and one of `right`
/// script is shared out: `(l, r)` with `line[a..l]` going left, `line[r..b]` going right and
/// `line[l..r]` to neither (spaces, and separators such as ` / ` between the two languages).
///
/// Marks first: closing quotes and brackets (and CJK punctuation after Han) stay left, opening
/// ones (and CJK punctuation before Han) go right. What lies between is cut into
/// space-separated tokens, each placed by how it is written against its neighbours:
/// * a token of separators (`/`, `—`, `|`, `·`) belongs to neither side;
/// * a token written against one side without a space belongs to it (`开幕15日`, `15日`,
///   `2024.`), except a number written against Han on the left and followed by a space and a
///   lowercase word on the right: that is the start of the other text (`开幕15 июня`, a date
///   or quantity, since no sentence starts in lowercase);
/// * a token written against both sides goes with the Han side (Chinese writes numbers
///   against its characters: `于2017年`), unless a hyphen ties it to the other one
///   (`举行76-я`, `COVID-19疫情`); trailing punctuation in it stays left;
/// * a token spaced on both sides: a number goes with the side that spaces its numbers
///   (not Han: `会晤 2024 ВСТРЕЧА`), plain punctuation stays left, anything else goes right.
///
/// Tokens are kept in order: everything before the last token going left goes left.
pub(crate) fn cut_between(
    line: &str,
    a: usize,
    b: usize,
    left: Script,
    right: Script,
) -> (usize, usize) {
    let stretch = &line[a..b];
    let mut prev = line[..a].chars().next_back();
    let mut chars = stretch.char_indices().peekable();
    let mut classes: Vec<(usize, Class)> = Vec::with_capacity(stretch.len());
    while let Some((i, c)) = chars.next() {
        let next = chars
            .peek()
            .map(|&(_, n)| n)
            .or_else(|| line[b..].chars().next());
        let class = match classify(c) {
            Class::Quote => quote_direction(prev, next),
            Class::HanPunct if left == Script::Han => Class::Close,
            Class::HanPunct if right == Script::Han => Class::Open,
            // Between two other scripts, CJK punctuation still closes what precedes it
            // (`iPhone 15。`), except an opening bracket.
            Class::HanPunct
                if matches!(
                    c,
                    '（' | '《' | '「' | '『' | '【' | '〔' | '〈' | '［' | '｛'
                ) =>
            {
                Class::Open
            }
            Class::HanPunct => Class::Close,
            other => other,
        };
        classes.push((a + i, class));
        prev = Some(c);
    }
    // Everything up to and including the last closing mark stays left.
    let lo = classes
        .iter()
        .rposition(|&(_, class)| class == Class::Close)
        .map_or(a, |k| classes.get(k + 1).map_or(b, |&(p, _)| p));
    // Everything from the first opening mark after that goes right.
    let hi = classes
        .iter()
        .find(|&&(pos, class)| pos >= lo && class == Class::Open)
        .map_or(b, |&(pos, _)| pos);
    // Tokens: split at spaces, and separators (`/`, `|`, `—`; not the hyphen, which joins
    // words: `76-я`, `COVID-19`) are tokens of their own.
    let pure = |c: char| is_separator(c) && !matches!(c, '-' | '\u{2010}');
    let mut tokens: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in line[lo..hi].char_indices() {
        let i = lo + i;
        if c.is_whitespace() || pure(c) {
            if let Some(s) = start.take() {
                tokens.push((s, i));
            }
            if pure(c) {
                tokens.push((i, i + c.len_utf8()));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        tokens.push((s, hi));
    }
    let right_word_lowercase = line[hi..]
        .chars()
        .find(|c| !matches!(classify(*c), Class::Open | Class::Quote))
        .is_some_and(char::is_lowercase);
    // (start, end, side) of each token, or of its two parts.
    let mut placed: Vec<(usize, usize, Side)> = Vec::with_capacity(tokens.len() + 1);
    for (k, &(ts, te)) in tokens.iter().enumerate() {
        let token = &line[ts..te];
        let glued_left = ts == lo;
        let glued_right = te == hi;
        let has_digit = token.chars().any(|c| c.is_numeric());
        let side = if token.chars().all(is_separator) {
            Side::Neither
        } else if glued_left && glued_right {
            // Trailing punctuation of the left text, then the rest by script.
            let body = token.trim_start_matches(is_trailing_punct);
            let cut = ts + (token.len() - body.len());
            let body_right = !body.is_empty()
                && if left == Script::Han {
                    body.ends_with('-')
                } else {
                    right == Script::Han && !body.starts_with('-')
                };
            if body_right {
                if cut > ts {
                    placed.push((ts, cut, Side::Left));
                }
                placed.push((cut, te, Side::Right));
                continue;
            }
            Side::Left
        } else if glued_left {
            let lone_number = k + 1 == tokens.len() && has_digit;
            if lone_number && left == Script::Han && right != Script::Han && right_word_lowercase {
                Side::Right
            } else {
                Side::Left
            }
        } else if glued_right {
            Side::Right
        } else if has_digit {
            if right == Script::Han {
                Side::Left
            } else {
                Side::Right
            }
        } else if token.chars().all(is_trailing_punct) {
            Side::Left
        } else {
            Side::Right
        };
        placed.push((ts, te, side));
    }
    // Order is kept: everything up to the last token going left goes left, everything from
    // the first token going right after it goes right, separators in between to neither.
    let l = placed
        .iter()
        .rposition(|&(_, _, side)| side == Side::Left)
        .map_or(lo, |k| placed[k].1);
    let r = placed
        .iter()
        .find(|&&(s, _, side)| s >= l && side == Side::Right)
        .map_or(hi, |&(s, _, _)| s);
    (l, r)
}

/// An ASCII quote opens after a space, an opening mark or the start; it closes before a
/// space, punctuation or the end; between two letters (an apostrophe) it is neutral.
fn quote_direction(prev: Option<char>, next: Option<char>) -> Class {
    let opens_after = |c: char| matches!(classify(c), Class::Space | Class::Open);
    match prev {
        None => Class::Open,
        Some(p) if opens_after(p) => Class::Open,
        Some(_) => match next {
            Some(n) if matches!(classify(n), Class::Letter(_)) || n.is_ascii_digit() => {
                Class::Neutral
            }
            _ => Class::Close,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<(&str, Script)> {
        runs(line)
            .iter()
            .map(|r| (&line[r.start..r.end], r.script))
            .collect()
    }

    #[test]
    fn classes_by_range() {
        assert_eq!(classify('中'), Class::Letter(Script::Han));
        assert_eq!(classify('Ж'), Class::Letter(Script::Cyrillic));
        assert_eq!(classify('é'), Class::Letter(Script::Latin));
        assert_eq!(classify('q'), Class::Letter(Script::Latin));
        assert_eq!(classify('。'), Class::HanPunct);
        assert_eq!(classify('（'), Class::HanPunct);
        assert_eq!(classify('《'), Class::HanPunct);
        assert_eq!(classify('“'), Class::Open);
        assert_eq!(classify('»'), Class::Close);
        assert_eq!(classify('7'), Class::Neutral);
        assert_eq!(classify('×'), Class::Neutral);
        assert_eq!(classify('\u{3000}'), Class::Space);
    }

    #[test]
    fn runs_cover_the_line_and_alternate() {
        let line = "“你好” Hello (world) Привет, 2024!";
        let rs = runs(line);
        assert_eq!(rs.first().map(|r| r.start), Some(0));
        assert_eq!(rs.last().map(|r| r.end), Some(line.len()));
        for w in rs.windows(2) {
            assert!(line[w[0].end..w[1].start].trim().is_empty());
            assert_ne!(w[0].script, w[1].script);
        }
    }

    #[test]
    fn closing_marks_attach_left_opening_right() {
        let t = texts("议员(AM)担心“看起来像笨蛋” Welsh AMs 'looking like muppets'");
        assert_eq!(t[0], ("议员", Script::Han));
        assert_eq!(t[1], ("(AM)", Script::Latin));
        assert_eq!(t[2], ("担心“看起来像笨蛋”", Script::Han));
        assert_eq!(t[3], ("Welsh AMs 'looking like muppets'", Script::Latin));
    }

    #[test]
    fn cjk_punctuation_is_han_context() {
        let t = texts("MWP（威尔士议会议员)，这");
        assert_eq!(t[0], ("MWP", Script::Latin));
        assert_eq!(t[1], ("（威尔士议会议员)，这", Script::Han));
        let t = texts("自卑：Discs");
        assert_eq!(t[0], ("自卑：", Script::Han));
    }

    #[test]
    fn digits_follow_spaces() {
        let t = texts("周六下午5：30 Perfect time");
        assert_eq!(t[0].0, "周六下午5：30");
        let t = texts("年 2017 Act");
        assert_eq!(t[1].0, "2017 Act");
    }

    #[test]
    fn numbers_go_with_the_side_they_are_written_with() {
        let t = texts("论坛于6月15日开幕15 июня открылся форум");
        assert_eq!(t[0].0, "论坛于6月15日开幕");
        assert_eq!(t[1].0, "15 июня открылся форум");
        let t = texts("中俄建交76周年纪念活动在京举行76-я годовщина");
        assert_eq!(t[0].0, "中俄建交76周年纪念活动在京举行");
        assert_eq!(t[1].0, "76-я годовщина");
        let t = texts("открылся 15 июня 15日论坛开幕");
        assert_eq!(t[0].0, "открылся 15 июня");
        assert_eq!(t[1].0, "15日论坛开幕");
        let t = texts("成立于2017 Компания основана");
        assert_eq!(t[0].0, "成立于2017");
        let t = texts("в Пекине.6月15日");
        assert_eq!(t[0].0, "в Пекине.");
        assert_eq!(t[1].0, "6月15日");
        let t = texts("COVID-19疫情");
        assert_eq!(t[0].0, "COVID-19");
        let t = texts("会晤 2024 ВСТРЕЧА 2024 习近平");
        assert_eq!(t[1].0, "2024 ВСТРЕЧА 2024");
    }

    #[test]
    fn separators_between_scripts_go_to_neither_side() {
        for line in [
            "新闻稿 / ПРЕСС-РЕЛИЗ",
            "新闻稿/ПРЕСС-РЕЛИЗ",
            "新闻稿 — ПРЕСС-РЕЛИЗ",
            "新闻稿 | ПРЕСС-РЕЛИЗ",
        ] {
            let t = texts(line);
            assert_eq!(
                t,
                [("新闻稿", Script::Han), ("ПРЕСС-РЕЛИЗ", Script::Cyrillic)],
                "{line}"
            );
        }
        let t = texts("Форум открылся 15 июня 2024. / 论坛开幕。");
        assert_eq!(t[0].0, "Форум открылся 15 июня 2024.");
        assert_eq!(t[1].0, "论坛开幕。");
    }

    #[test]
    fn apostrophes_do_not_break_words() {
        let t = texts("it's Welsh");
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn hand_decoding_agrees_with_std() {
        let text = "aé中Ж😀\u{3000}（»\u{10FFFF}\u{4DC0}\u{4E00}\u{5000}\u{9FFF}\u{0400}\u{04FF}ӿ";
        for (i, c) in text.char_indices() {
            assert_eq!(
                decode_class(text.as_bytes(), i),
                (classify(c), c.len_utf8())
            );
        }
    }

    #[test]
    fn letterless_line_has_no_run() {
        assert!(runs("12 - 3, …").is_empty());
        assert!(runs("").is_empty());
    }
}

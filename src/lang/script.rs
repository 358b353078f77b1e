//! Character classes and script runs: the cheap first pass of language splitting.
//!
//! One scan over a line classifies every character by Unicode range and groups the text into
//! runs of one script (Han, Cyrillic, Latin). Neutral characters (spaces, digits, most
//! punctuation) never start a run: between two runs of the same script they simply belong to
//! it, and at a script change they are shared out by [`cut_between`] — closing quotes and
//! brackets stay with the text on their left, opening ones go with the text on their right,
//! CJK punctuation goes with the Han side, and the rest is cut at the first space.

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

/// Splits one line (no line breaks expected, but harmless) into script runs that together
/// cover the whole line. A line without any letter gives no run.
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
                let cut = cut_between(line, r.end, at, r.script, script);
                r.end = cut;
                out.push(*r);
                cur = Some(Run {
                    start: cut,
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

/// Where the neutral stretch `line[a..b]` between a run of `left` script and one of `right`
/// script is cut: everything before the returned offset goes left, the rest right.
///
/// Closing marks (and CJK punctuation after Han) stay left; after the last of them the cut
/// falls at the first space or opening mark (or CJK punctuation before Han); if there is
/// none, the whole stretch stays left (`年2017` keeps its digits).
pub(crate) fn cut_between(line: &str, a: usize, b: usize, left: Script, right: Script) -> usize {
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
            other => other,
        };
        classes.push((a + i, class));
        prev = Some(c);
    }
    // Everything up to and including the last closing mark stays left.
    let left_min = classes
        .iter()
        .rposition(|&(_, class)| class == Class::Close)
        .map_or(a, |k| classes.get(k + 1).map_or(b, |&(p, _)| p));
    classes
        .iter()
        .find(|&&(pos, class)| pos >= left_min && matches!(class, Class::Space | Class::Open))
        .map_or(b, |&(pos, _)| pos)
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
            assert_eq!(w[0].end, w[1].start);
            assert_ne!(w[0].script, w[1].script);
        }
    }

    #[test]
    fn closing_marks_attach_left_opening_right() {
        let t = texts("议员(AM)担心“看起来像笨蛋” Welsh AMs 'looking like muppets'");
        assert_eq!(t[0], ("议员", Script::Han));
        assert_eq!(t[1], ("(AM)", Script::Latin));
        assert_eq!(t[2], ("担心“看起来像笨蛋”", Script::Han));
        assert_eq!(t[3], (" Welsh AMs 'looking like muppets'", Script::Latin));
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
        assert_eq!(t[1].0, " 2017 Act");
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

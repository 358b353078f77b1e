//! Language identification and splitting of bilingual text into per-language streams.
//!
//! Script runs decide first (Han → Chinese, Cyrillic → Russian); `lingua`, restricted to the
//! configured languages, decides what script alone cannot (Latin-script runs). Latin tokens
//! embedded in Chinese text (`AM`, `iPhone 15`) stay in the Chinese stream; digits and
//! punctuation go with their neighbours.
//!
//! Submodules: `script` classifies characters and builds script runs in one scan,
//! `resolve` gives runs their language, `detector` wraps `lingua`, `split` builds spans and
//! streams.

mod detector;
pub mod months;
mod resolve;
mod script;
mod split;

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Whether `c` is a Chinese character (CJK unified ideographs, extension A, compatibility
/// ideographs, extension B).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2A6DF)
}

/// Whether `c` is a basic Russian letter (`А`–`я`, `Ё`, `ё`): every one is alphabetic and
/// has a one-letter lower case, which the fast paths below use instead of the Unicode tables.
#[inline]
fn basic_cyrillic(c: char) -> bool {
    matches!(c as u32, 0x0410..=0x044F | 0x0401 | 0x0451)
}

/// [`char::is_alphabetic`], with ASCII and basic Cyrillic letters decided by a range test (the Unicode table search was a tenth of featurising a Russian side).
/// Chinese characters (CJK unified ideographs and extension A) are decided by a range test
/// too: every one of them is a letter, and a Chinese text is mostly them.
#[inline]
pub fn is_alphabetic_fast(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else if basic_cyrillic(c) || unified_ideograph(c) {
        true
    } else {
        c.is_alphabetic()
    }
}

/// [`char::is_alphanumeric`] with the fast paths of [`is_alphabetic_fast`].
#[inline]
pub fn is_alphanumeric_fast(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if basic_cyrillic(c) || unified_ideograph(c) {
        true
    } else {
        c.is_alphanumeric()
    }
}

/// Whether `c` is a CJK unified ideograph of the basic block or extension A, all assigned
/// and alphabetic (unlike the compatibility block, which has holes).
#[inline]
fn unified_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

/// The lower case of an ASCII or basic Cyrillic character, `None` for any other (whose
/// lower case [`str::to_lowercase`] must give, with its context rules).
#[inline]
pub fn lower_simple(c: char) -> Option<char> {
    match c as u32 {
        0x41..=0x5A | 0x0410..=0x042F => char::from_u32(c as u32 + 0x20),
        0x0401 => Some('ё'),
        _ if c.is_ascii() || basic_cyrillic(c) => Some(c),
        _ => None,
    }
}

/// [`str::to_lowercase`], with ASCII and basic Cyrillic lowered directly; any other
/// non-ASCII character takes the full conversion (which knows context rules such as the
/// Greek final sigma).
pub fn to_lowercase_fast(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    to_lowercase_into(s, &mut out);
    out
}

/// [`to_lowercase_fast`] written to `out` (cleared first), so that a caller lowering every
/// word of a text reuses one buffer.
pub fn to_lowercase_into(s: &str, out: &mut String) {
    out.clear();
    // On the bytes: ASCII is one byte and basic Cyrillic two (lead 0xD0 or 0xD1), decoded
    // here without the general decoder.
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            out.push(x.to_ascii_lowercase() as char);
            i += 1;
            continue;
        }
        if let (0xD0 | 0xD1, Some(&y)) = (x, b.get(i + 1)) {
            let c = char::from_u32((u32::from(x) & 0x1F) << 6 | (u32::from(y) & 0x3F));
            if let Some(l) = c.and_then(lower_simple) {
                out.push(l);
                i += 2;
                continue;
            }
        }
        out.clear();
        out.push_str(&s.to_lowercase());
        return;
    }
}

/// [`to_lowercase_fast`] of the text the characters `chars` spell, written to `out` (cleared
/// first).
pub fn chars_to_lowercase_into(chars: &[char], out: &mut String) {
    out.clear();
    for &c in chars {
        match lower_simple(c) {
            Some(l) => out.push(l),
            None => {
                out.clear();
                let s: String = chars.iter().collect();
                out.push_str(&s.to_lowercase());
                return;
            }
        }
    }
}

/// The language a text's script says it is in: Han → zh, Cyrillic → ru, Latin → en, when one
/// script has at least 60 % of the letters (of the first 200,000 characters, at least 20 of
/// them); `None` when no script dominates.
pub fn script_language<S: AsRef<str>>(texts: &[S]) -> Option<Lang> {
    let counts = script_counts(texts);
    let total: usize = counts.iter().sum();
    if total < 20 {
        return None;
    }
    let (best, n) = counts
        .iter()
        .enumerate()
        .max_by_key(|(_, n)| **n)
        .map(|(i, n)| (Lang::ALL[i], *n))?;
    (n * 10 >= total * 6).then_some(best)
}

/// Letters of each script in the first 200,000 characters, in the order of [`Lang::ALL`].
fn script_counts<S: AsRef<str>>(texts: &[S]) -> [usize; 3] {
    let mut counts = [0usize; 3];
    let chars = texts.iter().flat_map(|t| t.as_ref().chars()).take(200_000);
    for c in chars {
        let i = if is_han(c) {
            Lang::ALL.iter().position(|l| *l == Lang::Zh)
        } else if ('\u{0400}'..='\u{04FF}').contains(&c) {
            Lang::ALL.iter().position(|l| *l == Lang::Ru)
        } else if c.is_ascii_alphabetic()
            || (('\u{00C0}'..='\u{024F}').contains(&c) && c.is_alphabetic())
        {
            Lang::ALL.iter().position(|l| *l == Lang::En)
        } else {
            None
        };
        if let Some(i) = i {
            counts[i] += 1;
        }
    }
    counts
}

/// Refuses a language given with `flag` (`--src-lang`…) that the script of `texts` (from
/// `path`) contradicts: another script has 60 % of the letters or more and the given
/// language's script less than a quarter (Chinese text given as `ru`, Russian as `en`). A
/// Russian text quoting some English is still `ru` only.
pub fn check_given_language<S: AsRef<str>>(
    path: &std::path::Path,
    flag: &str,
    given: Lang,
    texts: &[S],
) -> crate::Result<()> {
    let Some(seen) = script_language(texts) else {
        return Ok(());
    };
    let counts = script_counts(texts);
    let total: usize = counts.iter().sum();
    let given_count = Lang::ALL
        .iter()
        .position(|l| *l == given)
        .map_or(0, |i| counts[i]);
    if seen != given && given_count * 4 < total {
        return Err(crate::Error::bad_input(
            path,
            format!(
                "{flag} {given} contradicts the text, which is written in the script of {seen}; \
                 leave {flag} out or give {seen}"
            ),
        ));
    }
    Ok(())
}

/// A language tmalign handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Chinese (Simplified, Mandarin).
    Zh,
    /// Russian.
    Ru,
    /// English.
    En,
}

impl Lang {
    /// Every supported language, in a fixed order.
    pub const ALL: [Lang; 3] = [Lang::Zh, Lang::Ru, Lang::En];

    /// ISO 639-1 code: `zh`, `ru`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Default TMX / CAT-tool language tag: `zh-CN`, `ru-RU`, `en-US`.
    pub fn default_locale(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::Ru => "ru-RU",
            Lang::En => "en-US",
        }
    }

    /// Parses a language code or locale the way CAT tools write them (`zh`, `ZH-cn`, `zh_CN`,
    /// `zh-Hans-CN`, `ru-RU`, `en`). Returns `None` for anything else.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" | "zho" | "chi" | "cmn" => Some(Lang::Zh),
            "ru" | "rus" => Some(Lang::Ru),
            "en" | "eng" => Some(Lang::En),
            _ => None,
        }
    }

    /// Parses a comma-separated list such as `zh,ru,en`.
    pub fn parse_list(list: &str) -> crate::Result<Vec<Lang>> {
        let mut out = Vec::new();
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let lang = Lang::parse(part).ok_or_else(|| {
                crate::Error::Usage(format!(
                    "unknown language {} (supported: zh, ru, en)",
                    crate::error::quote(part)
                ))
            })?;
            if !out.contains(&lang) {
                out.push(lang);
            }
        }
        if out.is_empty() {
            return Err(crate::Error::Usage("no language given".into()));
        }
        Ok(out)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Lang {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Lang> {
        Lang::parse(s).ok_or_else(|| {
            crate::Error::Usage(format!(
                "unknown language {} (supported: zh, ru, en)",
                crate::error::quote(s)
            ))
        })
    }
}

/// A run of text in one language, with byte offsets into the text it was detected in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LangSpan {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// The language of the run.
    pub lang: Lang,
    /// The text of the run (`&text[start..end]`).
    pub text: String,
}

/// Paragraph streams of one document, one per language found, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LangStreams {
    /// Language → its paragraphs.
    pub streams: BTreeMap<Lang, Vec<String>>,
}

/// Splits text into language runs. Build once, reuse: the `lingua` detector inside is built
/// on first need and kept.
///
/// `LanguageSplitter` is `Send + Sync`, so one instance can serve parallel workers.
pub struct LanguageSplitter {
    languages: Vec<Lang>,
    detector: detector::Detector,
}

impl LanguageSplitter {
    /// A splitter that knows only `languages`.
    pub fn new(languages: &[Lang]) -> Self {
        LanguageSplitter {
            languages: languages.to_vec(),
            detector: detector::Detector::new(languages),
        }
    }

    /// The configured languages.
    pub fn languages(&self) -> &[Lang] {
        &self.languages
    }

    fn resolver(&self) -> resolve::Resolver<'_> {
        resolve::Resolver::new(&self.languages, &self.detector)
    }

    /// Language runs of `text` (byte offsets into `text`), covering every non-blank part
    /// that is in a configured language.
    ///
    /// Each line is analysed on its own and spans never cross a line break; spans are trimmed
    /// of surrounding whitespace and `text[start..end] == span.text`. A line without letters
    /// (`2024`, `***`) takes the language of the span before it. Text in no configured
    /// language (a Latin-only line when `en` is not configured, Han text when `zh` is not)
    /// gets no span. To detect a document, join its paragraphs with `"\n\n"`.
    pub fn detect(&self, text: &str) -> Vec<LangSpan> {
        split::detect(&self.resolver(), text)
    }

    /// Splits paragraphs into per-language streams; a paragraph carrying two languages
    /// (a bilingual heading) contributes one paragraph to each stream, trimmed.
    ///
    /// Paragraphs without letters, or without text in any configured language, are left out:
    /// a lone number or punctuation line never makes a paragraph of its own.
    pub fn split(&self, paragraphs: &[String]) -> LangStreams {
        split::split(&self.resolver(), paragraphs)
    }

    /// The language that most of the text is in (by letters; a Han character is one
    /// letter), if any configured one is.
    pub fn dominant(&self, paragraphs: &[String]) -> Option<Lang> {
        split::dominant(&self.resolver(), paragraphs)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn fast_letter_tests_agree_with_unicode() {
        let ranges = [
            (0u32, 0x3000u32),
            (0x3300, 0x4E00),
            (0x4E00, 0xA100),
            (0xF900, 0xFB00),
        ];
        for (a, b) in ranges {
            for c in (a..b).filter_map(char::from_u32) {
                assert_eq!(is_alphabetic_fast(c), c.is_alphabetic(), "{c:?}");
                assert_eq!(is_alphanumeric_fast(c), c.is_alphanumeric(), "{c:?}");
                let s = format!("{c}Ая{c}Ёё{c}");
                assert_eq!(to_lowercase_fast(&s), s.to_lowercase(), "{c:?}");
            }
        }
        for w in ["ΟΔΟΣ", "Москва", "İstanbul", "ПРИВЕТ, Мир!", "Straße"] {
            assert_eq!(to_lowercase_fast(w), w.to_lowercase());
        }
    }
    use super::*;

    #[test]
    fn parses_cat_tool_codes() {
        for c in ["zh", "ZH-CN", "zh_CN", "zh-Hans-CN", "cmn"] {
            assert_eq!(Lang::parse(c), Some(Lang::Zh), "{c}");
        }
        assert_eq!(Lang::parse("ru-RU"), Some(Lang::Ru));
        assert_eq!(Lang::parse("en-us"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert!(Lang::parse_list("zh, ru,xx").is_err());
        assert_eq!(
            Lang::parse_list("zh,ru,zh").unwrap(),
            vec![Lang::Zh, Lang::Ru]
        );
    }

    fn paras(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn zh_ru_heading_splits_into_halves() {
        let s = LanguageSplitter::new(&[Lang::Zh, Lang::Ru, Lang::En]);
        let streams = s
            .split(&paras(&[
                "习近平主席同俄罗斯总统普京视频会晤 ВСТРЕЧА ПРЕДСЕДАТЕЛЯ КНР СИ ЦЗИНЬПИНА И ПРЕЗИДЕНТА РФ В. В. ПУТИНА",
            ]))
            .streams;
        assert_eq!(streams.len(), 2);
        assert_eq!(streams[&Lang::Zh], ["习近平主席同俄罗斯总统普京视频会晤"]);
        assert_eq!(
            streams[&Lang::Ru],
            ["ВСТРЕЧА ПРЕДСЕДАТЕЛЯ КНР СИ ЦЗИНЬПИНА И ПРЕЗИДЕНТА РФ В. В. ПУТИНА"]
        );
    }

    #[test]
    fn zh_en_heading_splits_into_halves() {
        let line = "威尔士国民议会议员(AM)担心“看起来像笨蛋” Welsh AMs worried about 'looking like muppets'";
        for langs in [
            &[Lang::Zh, Lang::En][..],
            &[Lang::Zh, Lang::Ru, Lang::En][..],
        ] {
            let s = LanguageSplitter::new(langs);
            let streams = s.split(&paras(&[line])).streams;
            assert_eq!(
                streams[&Lang::Zh],
                ["威尔士国民议会议员(AM)担心“看起来像笨蛋”"]
            );
            assert_eq!(
                streams[&Lang::En],
                ["Welsh AMs worried about 'looking like muppets'"]
            );
            assert_eq!(streams.len(), 2);
        }
    }

    #[test]
    fn iphone_stays_chinese() {
        let s = LanguageSplitter::new(&[Lang::Zh, Lang::Ru, Lang::En]);
        for line in [
            "苹果公司今天发布了 iPhone 15",
            "iPhone 15 今天上市，售价 799 美元。",
            "新款 iPhone 15 的电池更大。",
        ] {
            let spans = s.detect(line);
            assert_eq!(spans.len(), 1, "{line}: {spans:?}");
            assert_eq!(spans[0].lang, Lang::Zh);
            assert_eq!(spans[0].text, line);
        }
    }

    #[test]
    fn dominant_language() {
        let s = LanguageSplitter::new(&[Lang::Zh, Lang::Ru]);
        let p = paras(&["中文段落，很长很长很长。", "Коротко."]);
        assert_eq!(s.dominant(&p), Some(Lang::Zh));
        assert_eq!(s.dominant(&paras(&["2024", "Only English"])), None);
    }

    use proptest::strategy::Strategy;

    #[test]
    fn splitter_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<LanguageSplitter>();
    }

    proptest::proptest! {
        #[test]
        fn split_keeps_every_letter(
            paras in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "中文", "。", "“", "”", " ", "Привет", "мир", "«", "»", "AM", "iPhone",
                        "Welsh", "worried", "about", "'", "(", ")", "2017", ":", "·",
                    ]),
                    0..25,
                ).prop_map(|p: Vec<&str>| p.concat()),
                0..6,
            )
        ) {
            let s = LanguageSplitter::new(&[Lang::Zh, Lang::Ru, Lang::En]);
            let letters = |t: &str| t.chars().filter(|c| c.is_alphabetic()).count();
            let streams = s.split(&paras).streams;
            let got: usize = streams.values().flatten().map(|p| letters(p)).sum();
            let want: usize = paras.iter().map(|p| letters(p)).sum();
            proptest::prop_assert_eq!(got, want);
            for p in streams.values().flatten() {
                proptest::prop_assert!(!p.is_empty() && p.trim() == p);
            }
        }


        // Issue #12: a Chinese and a Russian paragraph written one after the other on one
        // line, in either order, with or without a separator between them, split into
        // exactly those two paragraphs: numbers stay with their units (`15 июня`, `6月15日`,
        // `76-я`), separators go to neither side, nothing else is lost or moved.
        #[test]
        fn zh_and_ru_paragraphs_on_one_line_split_back(
            zh in proptest::collection::vec(
                proptest::sample::select(vec![
                    "习近平主席同俄罗斯总统普京视频会晤", "论坛于6月15日开幕", "新闻稿",
                    "中俄建交76周年纪念活动在京举行", "双方讨论了合作问题。",
                    "苹果发布了 iPhone 15。", "会谈在友好气氛中进行。", "成立于2017年。",
                    "“一带一路”倡议", "（新华社记者）", "6月15日，论坛开幕。",
                ]),
                1..4,
            ).prop_map(|v| v.concat()),
            ru in proptest::collection::vec(
                proptest::sample::select(vec![
                    "ВСТРЕЧА ПРЕДСЕДАТЕЛЯ КНР", "15 июня открылся форум.", "76-я годовщина отношений",
                    "Стороны обсудили сотрудничество.", "Форум закрылся в 2025 году.",
                    "ПРЕСС-РЕЛИЗ", "«Один пояс, один путь»", "Apple выпустила iPhone 15.",
                    "(конец)", "5 процентов",
                ]),
                1..4,
            ).prop_map(|v| v.join(" ")),
            sep in proptest::sample::select(vec![
                " ", "  ", " / ", "/", " — ", " | ", " · ", "\u{3000}", " - ", " // ",
            ]),
            zh_first in proptest::bool::ANY,
        ) {
            let line = if zh_first {
                format!("{zh}{sep}{ru}")
            } else {
                format!("{ru}{sep}{zh}")
            };
            let s = LanguageSplitter::new(&[Lang::Zh, Lang::Ru, Lang::En]);
            let streams = s.split(std::slice::from_ref(&line)).streams;
            proptest::prop_assert_eq!(streams.len(), 2, "{} -> {:?}", line, streams);
            proptest::prop_assert_eq!(&streams[&Lang::Zh], &vec![zh.clone()], "{}", line);
            proptest::prop_assert_eq!(&streams[&Lang::Ru], &vec![ru.clone()], "{}", line);
        }

        // Splitting never duplicates a character, and loses only spaces and separators
        // between two languages: every letter, digit and other mark lands in one stream.
        #[test]
        fn split_loses_or_duplicates_nothing(
            paras in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "中文", "。", "“", "”", " ", "Привет", "мир", "«", "»", "AM", "iPhone",
                        "Welsh", "worried", "'", "(", ")", "2017", "15", ":", "·", "/", " / ",
                        "—", "-я", "日", "июня", "，", ".", "|", "αβ", "%",
                    ]),
                    0..25,
                ).prop_map(|p: Vec<&str>| p.concat()),
                0..6,
            )
        ) {
            let s = LanguageSplitter::new(&[Lang::Zh, Lang::Ru, Lang::En]);
            for p in &paras {
                let streams = s.split(std::slice::from_ref(p)).streams;
                if streams.is_empty() {
                    continue;
                }
                let mut want: Vec<char> = p.chars().filter(|c| !c.is_whitespace()).collect();
                let mut got: Vec<char> = streams
                    .values()
                    .flatten()
                    .flat_map(|q| q.chars())
                    .filter(|c| !c.is_whitespace())
                    .collect();
                want.sort_unstable();
                got.sort_unstable();
                // got ⊆ want, and what is missing is separators.
                let mut missing = Vec::new();
                let mut j = 0;
                for &c in &want {
                    if got.get(j) == Some(&c) {
                        j += 1;
                    } else {
                        missing.push(c);
                    }
                }
                proptest::prop_assert_eq!(j, got.len(), "{:?}: duplicated or invented: {:?}", p, streams);
                proptest::prop_assert!(
                    missing.iter().all(|&c| script::is_separator(c)),
                    "{:?} lost {:?}: {:?}", p, missing, streams
                );
            }
        }

        #[test]
        fn spans_are_char_boundaries_and_cover_the_text(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "中文", "习近平", "。", "，", "“", "”", "（", "）", " ", "  ", "\n", "\n\n",
                    "Привет", "мир", "«", "»", "AM", "iPhone", "Welsh", "worried", "'", "\"",
                    "(", ")", "2017", "5", "—", "-", ":", "é", "·", "\u{3000}",
                ]),
                0..40,
            )
        ) {
            let text: String = parts.concat();
            let s = LanguageSplitter::new(&[Lang::Zh, Lang::Ru, Lang::En]);
            let spans = s.detect(&text);
            let mut last = 0;
            for span in &spans {
                proptest::prop_assert!(span.start < span.end);
                proptest::prop_assert!(span.start >= last, "spans overlap or go backwards");
                proptest::prop_assert!(text.is_char_boundary(span.start));
                proptest::prop_assert!(text.is_char_boundary(span.end));
                proptest::prop_assert_eq!(&text[span.start..span.end], span.text.as_str());
                // Nothing but spaces and separators between spans: they cover the text.
                proptest::prop_assert!(text[last..span.start]
                    .chars()
                    .all(|c| c.is_whitespace() || script::is_separator(c)));
                last = span.end;
            }
            if spans.is_empty() {
                // Only a text without letters has no language at all.
                proptest::prop_assert!(text.chars().all(|c| !c.is_alphabetic()));
            } else {
                proptest::prop_assert!(text[last..].trim().is_empty());
            }
        }
    }
}

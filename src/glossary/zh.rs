//! Chinese side: jieba word segmentation with part-of-speech tags, and term candidates as
//! 1–5-word n-grams that stay inside a clause, start on a content word and end on a noun-like
//! word.
//!
//! Function words (的, 了, 和, prepositions, pronouns, adverbs, measure words) never stand at
//! either edge of a candidate, so 合作的 or 和俄罗斯 are not proposed; 的 and 了 are not
//! allowed inside either, because terms with them are rare and phrases with them are many.

use super::hash::FastSet;
use crate::lang::is_han;
use jieba_rs::Jieba;
use std::sync::OnceLock;

/// The shared segmenter (its dictionary takes a moment to load, so it is built once).
pub fn jieba() -> &'static Jieba {
    static J: OnceLock<Jieba> = OnceLock::new();
    J.get_or_init(Jieba::new)
}

/// A segmented word.
#[derive(Debug, Clone, Copy)]
pub struct Word {
    /// Byte range in the sentence.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// Whether the word may stand first in a term.
    pub can_start: bool,
    /// Whether the word may stand last in a term.
    pub can_end: bool,
    /// Whether the word may stand inside a term at all.
    pub inner: bool,
    /// A verb that may close a compound after a noun (合作组织: 组织 is tagged as a verb).
    pub verb_end: bool,
    /// Whether the word is noun-like (by tag).
    pub noun: bool,
    /// A single content character: jieba often cuts transliterated names into pieces
    /// (卡瓦 + 诺), so such a character may close or open a multi-word candidate.
    pub single: bool,
    /// Whether a clause break (punctuation, digits, Latin) precedes the word.
    pub break_before: bool,
    /// Length in characters.
    pub chars: usize,
}

/// Words that are never the edge of a term, whatever jieba's tag says.
const EDGE_STOP: &[&str] = &[
    "的", "了", "和", "与", "及", "并", "在", "是", "对", "把", "被", "将", "也", "都", "而", "等",
    "之", "以", "为", "于", "从", "向", "这", "那", "其", "该", "此", "各", "我", "你", "他", "她",
    "它", "们", "我们", "他们", "就", "还", "又", "或", "但", "到", "上", "下", "中", "里", "着",
    "过", "地", "得", "所", "给", "同", "跟", "已", "已经", "正在", "进行", "一个", "这个", "那个",
    "表示", "指出", "认为", "称", "说", "有", "没有", "不", "会", "能", "要", "可以", "问题",
];

/// Words that may not appear inside a term either.
const INNER_STOP: &[&str] = &[
    "的", "了", "着", "过", "地", "得", "是", "在", "把", "被", "吗", "呢", "吧",
];

/// Characters that commonly attach to terms without being part of them (particles,
/// conjunctions, prepositions, plural and locative suffixes, common verbs).
const GLUE_CHARS: &str = "的了和与及在是对将也都而并等之以为于从向这那其该此各们就还又或但到上下中里着过地得所给同跟已有不会能要说称表被把让使与其年月日后前时内外间";

/// Whether `c` is a Chinese character that is not a common particle or function character:
/// a neighbour that, when always present, shows a candidate is a fragment of a longer word.
pub fn is_content_char(c: char) -> bool {
    is_han(c) && !GLUE_CHARS.contains(c)
}

/// Tags of words that can end a term: nouns of all kinds, verbal and adjectival nouns,
/// abbreviations, idioms used as names.
fn noun_tag(tag: &str) -> bool {
    tag.starts_with('n') || matches!(tag, "vn" | "an" | "j" | "nz" | "l" | "eng")
}

/// Tags of words that never start a term: particles, prepositions, conjunctions, pronouns,
/// adverbs, numerals, measure words, interjections, modal particles, punctuation.
///
/// Tag families are matched by their first letter (`uj`, `ul`, `mq`, `rr`, `df` …), except
/// the interjection `e`: jieba tags Latin-script words `eng`, and those are content words
/// ([`noun_tag`] counts them as nouns), not interjections. ([`words`] still treats Latin
/// tokens as clause breaks before reading any tag: letting them open terms was measured and
/// not taken, see the commit history.)
fn function_tag(tag: &str) -> bool {
    tag == "e"
        || matches!(
            tag.chars().next(),
            Some('u' | 'p' | 'c' | 'r' | 'd' | 'm' | 'q' | 'y' | 'o' | 'x' | 'w' | 'f')
        )
}

/// [`EDGE_STOP`] and [`INNER_STOP`] as hash sets (a linear scan per word was a hot spot).
fn stop_sets() -> &'static (FastSet<&'static str>, FastSet<&'static str>) {
    static S: OnceLock<(FastSet<&'static str>, FastSet<&'static str>)> = OnceLock::new();
    S.get_or_init(|| {
        (
            EDGE_STOP.iter().copied().collect(),
            INNER_STOP.iter().copied().collect(),
        )
    })
}

/// Segments a sentence into words with their term roles.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut brk = true;
    for t in jieba().tag(text, true) {
        let all_han = !t.word.is_empty() && t.word.chars().all(is_han);
        if !all_han {
            // punctuation, digits, Latin or spaces: a clause break for term purposes
            if !t.word.trim().is_empty() || t.word.contains('\n') {
                brk = true;
            }
            continue;
        }
        let stop_edge = stop_sets().0.contains(t.word);
        let inner = !stop_sets().1.contains(t.word);
        out.push(Word {
            start: t.byte_start,
            end: t.byte_end,
            can_start: !stop_edge && !function_tag(t.tag) && inner,
            can_end: !stop_edge && noun_tag(t.tag) && inner,
            inner,
            verb_end: !stop_edge && inner && t.tag == "v" && t.word.chars().count() >= 2,
            noun: noun_tag(t.tag),
            single: t.word.chars().count() == 1 && !stop_edge && inner && !function_tag(t.tag),
            break_before: brk,
            chars: t.word.chars().count(),
        });
        brk = false;
    }
    out
}

/// Candidate n-grams of a segmented sentence as word ranges `[i, j)`, 1 to `max_words`
/// words, at least two characters and at most 16.
pub fn candidates(words: &[Word], max_words: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..words.len() {
        let single_start =
            words[i].single && words.get(i + 1).is_some_and(|n| !n.break_before && n.inner);
        if !words[i].can_start && !single_start {
            continue;
        }
        let mut chars = 0;
        for j in i..words.len().min(i + max_words) {
            let w = &words[j];
            if j > i && w.break_before || !w.inner {
                break;
            }
            chars += w.chars;
            if chars > 16 {
                break;
            }
            let ends = (w.can_end && (j > i || words[i].can_start))
                || (j > i && w.verb_end && words[j - 1].noun)
                || (j > i && w.single);
            if ends && chars >= 2 {
                out.push((i, j + 1));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cands(text: &str) -> Vec<String> {
        let w = words(text);
        candidates(&w, 5)
            .into_iter()
            .map(|(i, j)| text[w[i].start..w[j - 1].end].to_owned())
            .collect()
    }

    #[test]
    fn proposes_terms_without_dangling_particles() {
        let c = cands("双方高度评价上海合作组织的作用，支持全面战略协作伙伴关系。");
        assert!(c.iter().any(|x| x == "上海合作组织"), "{c:?}");
        assert!(c.iter().any(|x| x == "全面战略协作伙伴关系"), "{c:?}");
        for x in &c {
            assert!(
                !x.starts_with('的') && !x.ends_with('的') && !x.contains('，'),
                "{x}"
            );
            assert!(!x.ends_with('和') && !x.starts_with('和'), "{x}");
        }
    }

    #[test]
    fn latin_words_are_not_interjections() {
        // jieba's tags: 嗯 is an interjection (e), HIV a Latin-script word (eng)
        let tag = |w: &str| jieba().tag(w, true).first().map(|t| t.tag.to_owned());
        assert_eq!(tag("嗯").as_deref(), Some("e"));
        assert_eq!(tag("HIV").as_deref(), Some("eng"));
        assert!(function_tag("e"));
        assert!(!function_tag("eng"));
        assert!(noun_tag("eng"));
        // the interjection opens no candidate, though 嗯嗯 would pass the length test
        let w = words("嗯科学家");
        assert!(!w[0].can_start && !w[0].single, "{w:?}");
        assert!(cands("嗯科学家").iter().all(|x| !x.starts_with('嗯')));
    }

    #[test]
    fn digits_and_latin_break_clauses() {
        let w = words("2026年BRICS峰会");
        assert!(w.iter().all(|w| w.chars >= 1));
        let c = cands("在2026年召开峰会");
        assert!(!c.iter().any(|x| x.contains("2026")));
    }
}

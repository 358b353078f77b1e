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

/// jieba's dictionary frequency of `term` and the dictionary's total (the general-language
/// prior of termhood): for a dictionary word its count, otherwise jieba's estimate from the
/// words it cuts `term` into (at least 1). `None` when the total cannot be read.
pub fn general_frequency(term: &str) -> Option<(f64, f64)> {
    static TOTAL: OnceLock<Option<f64>> = OnceLock::new();
    // The crate exposes its total count only through its `Debug` output (`total_freq`).
    let total = *TOTAL.get_or_init(|| {
        let d = format!("{:?}", jieba());
        let at = d.find("total_freq: ")? + "total_freq: ".len();
        let digits: String = d[at..].chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<f64>().ok().filter(|&t| t > 0.0)
    });
    Some((jieba().suggest_freq(term).max(1) as f64, total?))
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
    /// Whether jieba tags the word as a personal or place name (`nr`, `nrt`, `nrfg`, `ns`).
    pub name: bool,
}

impl Word {
    /// Whether jieba's dictionary delimits the word (`text` is its sentence): it has it, and
    /// not as a name. A word it does not have was found by its hidden Markov model (most
    /// transliterated names), and the dictionary's names are often pieces of longer ones
    /// (莫利纳 of 莫利纳里), so in both cases where the word ends is a guess.
    pub fn delimited(&self, text: &str) -> bool {
        !self.name
            && text
                .get(self.start..self.end)
                .is_some_and(|w| jieba().has_word(w))
    }
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

/// Whether `c` is a Chinese character that may stand inside a term (not one of the particles
/// of [`INNER_STOP`], which never do): next to a word jieba's dictionary does not know, such a
/// character may be the rest of a name the model cut (莫利纳 + 里 of 莫利纳里).
pub fn is_term_char(c: char) -> bool {
    is_han(c) && !INNER_STOP.iter().any(|s| s.chars().eq(std::iter::once(c)))
}

/// The middle dots that join the parts of a transliterated name (佐兰·扎埃夫): not a clause
/// break, and a name part always next to one is a fragment of the name.
pub fn is_name_joiner(c: char) -> bool {
    matches!(c, '·' | '・' | '•' | '‧' | '･')
}

/// Tags of words that can end a term: nouns of all kinds, verbal and adjectival nouns,
/// abbreviations, idioms used as names.
fn noun_tag(tag: &str) -> bool {
    tag.starts_with('n') || matches!(tag, "vn" | "an" | "j" | "nz" | "l" | "eng")
}

/// Tags of personal and place names (`nr`, `nrt`, `nrfg`, `ns`); `nt` (organisations) and
/// `nz` (other proper nouns) are whole words.
fn name_tag(tag: &str) -> bool {
    tag.starts_with("nr") || tag == "ns"
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
    let mut out: Vec<Word> = Vec::new();
    let mut brk = true;
    // end of a middle dot that directly follows a word (a name continues after it)
    let mut joiner_end: Option<usize> = None;
    for t in jieba().tag(text, true) {
        let all_han = !t.word.is_empty() && t.word.chars().all(is_han);
        let after_joiner = joiner_end.take();
        if !all_han {
            if after_joiner.is_some() {
                // a middle dot not followed at once by a word is punctuation after all
                brk = true;
            }
            // A middle dot right after a Chinese word joins the parts of a name.
            if !brk
                && t.word.chars().count() == 1
                && t.word.chars().all(is_name_joiner)
                && out.last().is_some_and(|w| w.end == t.byte_start)
            {
                joiner_end = Some(t.byte_end);
                continue;
            }
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
            name: name_tag(t.tag),
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
    fn a_middle_dot_joins_a_name_and_nothing_else() {
        let c = cands("包括总理佐兰·扎埃夫在内");
        assert!(c.iter().any(|x| x == "佐兰·扎埃夫"), "{c:?}");
        // a dot with a space after it, or at the end, is punctuation
        let c = cands("总理佐兰· 扎埃夫");
        assert!(!c.iter().any(|x| x.contains('·')), "{c:?}");
        let c = cands("总理佐兰·");
        assert!(!c.iter().any(|x| x.contains('·')), "{c:?}");
        assert!(is_name_joiner('·') && !is_name_joiner('，'));
    }

    #[test]
    fn dictionary_names_are_not_trusted_boundaries() {
        // 莫利纳 is a name in jieba's dictionary, 最高法院 an organisation: only the latter
        // delimits itself
        let w = words("莫利纳里说");
        assert!(!w[0].delimited("莫利纳里说") && w[0].name, "{w:?}");
        let w = words("最高法院");
        assert!(w[0].delimited("最高法院") && !w[0].name, "{w:?}");
        assert!(is_term_char('里') && !is_term_char('的') && !is_term_char('a'));
    }

    #[test]
    fn general_frequency_orders_everyday_words_above_names() {
        let (hour, total) = general_frequency("小时").expect("jieba's total");
        let (name, _) = general_frequency("卡瓦诺").unwrap();
        assert!(
            hour > 1000.0 * name && total > hour,
            "{hour} {name} {total}"
        );
    }

    #[test]
    fn digits_and_latin_break_clauses() {
        let w = words("2026年BRICS峰会");
        assert!(w.iter().all(|w| w.chars >= 1));
        let c = cands("在2026年召开峰会");
        assert!(!c.iter().any(|x| x.contains("2026")));
    }
}

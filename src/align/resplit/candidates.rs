//! Candidate split positions of one segment and their priors: jieba word boundaries with
//! their tags and the learnt boundary log-odds for Chinese, spaces before a capitalised word
//! for alphabetic languages.

use super::punct::{
    comma_then_quote, is_break_punct, nesting, Nest, NonSpace, UNKNOWN_NEST, ZH_CLOSERS,
    ZH_OPENERS_PUNCT,
};
use super::start::END_MARK;
use crate::align::boundary::BoundaryStats;
use crate::align::features;
use crate::Lang;
use std::collections::{HashMap, HashSet};

/// Chinese words that typically open a news sentence (time, source, a subject counted with a
/// classifier): a split before one is more likely a sentence boundary.
pub(super) const ZH_OPENERS: &[&str] = &[
    "据",
    "周一",
    "周二",
    "周三",
    "周四",
    "周五",
    "周六",
    "周日",
    "星期",
    "当地时间",
    "日前",
    "近日",
    "今天",
    "今日",
    "昨天",
    "昨日",
    "本周",
    "上周",
    "周末",
    "该",
    "这",
    "他",
    "她",
    "他们",
    "我们",
    "此前",
    "目前",
];

/// A split position: byte offset into the segment text and its prior (cost units, higher is
/// more plausible).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Byte offset: the first piece is `text[..pos]`, the next starts at `pos`.
    pub pos: usize,
    /// Prior bonus.
    pub prior: f32,
    /// Log-odds of a sentence boundary from the input's own start / end statistics
    /// ([`BoundaryStats`]; 0 for alphabetic languages).
    pub boundary: f32,
}

/// Candidate split positions of `text` in `lang` (never at the ends; every piece has at least a
/// few characters).
///
/// `stats`: sentence start / end statistics of the input's Chinese words, which add their
/// evidence to a Chinese candidate's prior. `words`: the input's alphabetic words written in lower
/// case, and its short words that end sentences (built by the pipeline from the whole input).
pub fn candidates(
    text: &str,
    lang: Lang,
    stats: &BoundaryStats,
    words: &HashSet<String>,
) -> Vec<Candidate> {
    match lang {
        Lang::Zh => zh_candidates(text, stats),
        _ => alpha_candidates(text, false, words),
    }
}

/// Whether a jieba tag marks a word that cannot end a headline or clause before a missing
/// boundary: prepositions, conjunctions, auxiliaries (的, 了), adverbs, pronouns, numerals and
/// measure words (they lean on what follows).
pub(super) fn zh_dangling_end(tag: &str) -> bool {
    matches!(
        tag.chars().next(),
        Some('p' | 'c' | 'u' | 'd' | 'r' | 'm' | 'q')
    )
}

/// Whether a jieba tag marks a word that cannot open a sentence: auxiliaries, localisers
/// (中, 后), measure words, modal particles, interjections (they lean on what precedes).
/// Latin words (tag `eng`) are not interjections (`e`): a sentence may open with a name.
pub(super) fn zh_dangling_start(tag: &str, word: &str) -> bool {
    matches!(tag.chars().next(), Some('u' | 'f' | 'q' | 'y'))
        || tag == "e"
        || matches!(
            word,
            "的" | "了" | "着" | "过" | "等" | "时" | "中" | "后" | "上" | "人士"
        )
}

/// Texts up to this long are searched for each pattern directly rather than with an
/// automaton built for them ([`first_ends`], `repeated_names`): the search is quadratic only
/// on long texts, and building the automaton costs more than searching a sentence.
pub(super) const DIRECT_SEARCH_BYTES: usize = 512;

/// Where each of `words` first ends in `text` (byte offset), found in one pass: `word` occurs
/// in `text[..pos]` exactly when it first ends at or before `pos` (asking each position anew
/// is quadratic).
pub(super) fn first_ends<'a>(
    text: &str,
    words: impl Iterator<Item = &'a str>,
) -> HashMap<&'a str, usize> {
    let mut patterns: Vec<&str> = words.filter(|w| !w.is_empty()).collect();
    patterns.sort_unstable();
    patterns.dedup();
    let mut out = HashMap::with_capacity(patterns.len());
    // A short text is searched for each word directly (cheaper than building an automaton
    // for it); so is one with too many patterns for the automaton.
    let ac = (text.len() > DIRECT_SEARCH_BYTES)
        .then(|| {
            aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
                .build(&patterns)
                .ok()
        })
        .flatten();
    let Some(ac) = ac else {
        for w in patterns {
            if let Some(i) = text.find(w) {
                out.insert(w, i + w.len());
            }
        }
        return out;
    };
    // Overlapping matches come in order of their end: the first seen is the first end.
    for m in ac.find_overlapping_iter(text) {
        out.entry(patterns[m.pattern().as_usize()])
            .or_insert(m.end());
    }
    out
}

/// [`BoundaryStats::score_at`] for every position of one tagged text in O(log n) each (it
/// scans the tokens, which is quadratic over a long sentence): the last word token ending at
/// or before the position, and the first one starting at or after it.
pub(super) struct BoundaryAt<'a> {
    tagged: &'a [jieba_rs::Tag<'a>],
    stats: &'a BoundaryStats,
    /// Indices of the tokens that are words, not punctuation or space.
    words: Vec<usize>,
}

impl<'a> BoundaryAt<'a> {
    pub(super) fn new(tagged: &'a [jieba_rs::Tag<'a>], stats: &'a BoundaryStats) -> Self {
        // the test of `boundary::is_punct`
        let punct = |w: &str| {
            w.chars()
                .all(|c| c.is_whitespace() || (!c.is_alphanumeric() && !crate::lang::is_han(c)))
        };
        let words = (0..tagged.len())
            .filter(|&i| !punct(tagged[i].word))
            .collect();
        BoundaryAt {
            tagged,
            stats,
            words,
        }
    }

    pub(super) fn score_at(&self, pos: usize) -> Option<f32> {
        let t = self.tagged;
        let before = self.words.partition_point(|&i| t[i].byte_end <= pos);
        let after = self.words.partition_point(|&i| t[i].byte_start < pos);
        let prev = &t[*self.words.get(before.checked_sub(1)?)?];
        let next = &t[*self.words.get(after)?];
        Some(
            self.stats
                .score((prev.word, prev.tag), (next.word, next.tag)),
        )
    }
}

pub(super) fn zh_candidates(text: &str, stats: &BoundaryStats) -> Vec<Candidate> {
    let tagged = crate::glossary::zh::jieba().tag(text, true);
    let nest = nesting(text);
    let nonspace = NonSpace::new(text);
    let mut out = Vec::new();
    // Words that are not spaces, with their tags.
    let words: Vec<_> = tagged
        .iter()
        .filter(|w| !w.word.trim().is_empty())
        .collect();
    let first_end = first_ends(text, words.iter().map(|w| w.word));
    let scorer = BoundaryAt::new(&tagged, stats);
    for k in 1..words.len() {
        let (prev, w) = (words[k - 1], words[k]);
        let pos = w.byte_start;
        let (head, tail) = text.split_at(pos);
        let (Some(last), Some(next)) = (head.trim_end().chars().last(), tail.chars().next()) else {
            continue;
        };
        if nonspace.between(0, pos) < 4 || nonspace.between(pos, text.len()) < 4 {
            continue;
        }
        if is_break_punct(last) || is_break_punct(next) {
            continue;
        }
        let Nest {
            depth,
            balanced,
            double_open,
        } = nest.get(&pos).copied().unwrap_or(UNKNOWN_NEST);
        // A `“` or `"` that closed a quotation (`…“穷人的大钟“|七月份…`) is a closer here; a
        // `"` with no quotation open before it opens one (`…愤怒”|"给卡瓦诺…`).
        let typed_closer = matches!(last, '“' | '"') && !double_open;
        let opened_before = matches!(last, '“' | '"') && double_open
            || ZH_OPENERS_PUNCT.contains(&last) && last != '“';
        let closes_next = ZH_CLOSERS.contains(&next) && (next != '"' || double_open);
        if opened_before || closes_next {
            continue;
        }
        // Inside a run of Latin letters or digits (jieba may cut `Sainsbury's`).
        let wordy = |c: char| c.is_ascii_alphanumeric() || matches!(c, '\'' | '’');
        if wordy(last) && wordy(next) {
            continue;
        }
        // `前` before a noun is "former" (`前阿拉斯加州州长`), not the localiser "before".
        let former = w.word == "前" && words.get(k + 1).is_some_and(|n| n.tag.starts_with('n'));
        if zh_dangling_end(prev.tag) || (zh_dangling_start(w.tag, w.word) && !former) {
            continue;
        }
        if depth != 0 {
            continue;
        }
        let mut prior = if balanced { 0.0 } else { -1.5 };
        if ZH_CLOSERS.contains(&last) || typed_closer {
            prior += 1.0;
        }
        if ZH_OPENERS_PUNCT.contains(&next) || next == '"' {
            prior += 0.5;
        }
        // A lede repeats its headline's subject (`叙利亚外长表示…` | `叙利亚表示…`): one of the
        // next two words already in the first piece marks a sentence start.
        let repeats = words[k..].iter().take(2).any(|n| {
            n.word.chars().count() >= 2
                && !zh_dangling_end(n.tag)
                && first_end.get(n.word).is_some_and(|&end| end <= pos)
        });
        if repeats {
            prior += 1.0;
        }
        // A news sentence opens with its subject, a time or a preposition, rarely with a
        // verb, adjective or adverb: a split before one most likely cuts a headline short.
        if matches!(w.tag, "v" | "vd" | "a" | "ad" | "d") {
            prior -= 1.0;
        }
        // A common noun after a noun, not followed by a verb, is more likely the head of a
        // compound (竞选|集会, 语言|技巧) than the subject of a new sentence.
        let nounish = |t: &str| t == "n" || t == "vn" || t == "nz";
        let then_verb = words.get(k + 1).is_some_and(|n| n.tag.starts_with('v'));
        if nounish(prev.tag) && w.tag == "n" && !then_verb {
            prior -= 1.0;
        }
        let counted = tail.starts_with('一') && tail.chars().nth(1).is_some_and(features::han);
        if counted || ZH_OPENERS.iter().any(|o| tail.starts_with(o)) {
            prior += 0.5;
        }
        let boundary = scorer.score_at(pos).unwrap_or(0.0);
        out.push(Candidate {
            pos,
            prior,
            boundary,
        });
    }
    out
}

/// `between_capitals`: also a position between two capitalised words (`… в Париже | Команда
/// Европы …`), which is far more often inside a name than at a boundary; only the joint split
/// (which then asks for evidence of a sentence start, see [`start_evidence`]) wants them.
/// `words`: see [`lowercase_words`].
pub(super) fn alpha_candidates(
    text: &str,
    between_capitals: bool,
    words: &HashSet<String>,
) -> Vec<Candidate> {
    let nest = nesting(text);
    let nonspace = NonSpace::new(text);
    let mut out = Vec::new();
    let mut words_before = 0usize;
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for k in 1..bytes.len() {
        let (pos, c) = bytes[k];
        let prev = bytes[k - 1].1;
        if !prev.is_whitespace() || c.is_whitespace() {
            continue;
        }
        let head = text[..pos].trim_end();
        words_before += 1;
        let first_alpha = text[pos..].chars().find(|c| c.is_alphanumeric());
        let opener = matches!(c, '«' | '"' | '“' | '„' | '(');
        let cap = first_alpha.is_some_and(char::is_uppercase) && (c.is_alphabetic() || opener);
        let last = head.chars().last().unwrap_or(' ');
        // The previous word is capitalised (a name like `Тереза Мэй` goes on).
        let prev_word_cap = head
            .rsplit(char::is_whitespace)
            .next()
            .and_then(|w| w.chars().find(|c| c.is_alphabetic()))
            .is_some_and(char::is_uppercase);
        if !cap || words_before < 2 {
            continue;
        }
        if matches!(
            last,
            ',' | ';' | ':' | '(' | '-' | '–' | '—' | '«' | '„' | '“' | '/' | '&'
        ) || comma_then_quote(head)
        {
            continue;
        }
        // A short lower-case word (в, на, из, of, the) governs what follows: a capitalised
        // word after it is a name inside the sentence. Hyphenated abbreviations count by their
        // letters (`г-н Трамп`, `г-жа Мэй`). A short word that the input has ending a
        // sentence is a content word (`…забить гол | Серхио…`).
        let prev_word = head.rsplit(char::is_whitespace).next().unwrap_or("");
        let letters: Vec<char> = prev_word.chars().filter(|c| c.is_alphabetic()).collect();
        let ends_sentences = || words.contains(&format!("{END_MARK}{prev_word}"));
        if (1..=3).contains(&letters.len())
            && letters.iter().all(|c| c.is_lowercase())
            && !ends_sentences()
        {
            continue;
        }
        if matches!(last, '.' | '!' | '?' | '…') {
            // The segmenter saw this one and decided against it (an abbreviation, initials).
            continue;
        }
        let Nest {
            depth, balanced, ..
        } = nest.get(&pos).copied().unwrap_or(UNKNOWN_NEST);
        if depth != 0 || nonspace.between(pos, text.len()) < 8 {
            continue;
        }
        if prev_word_cap && !between_capitals {
            // Between two capitalised words: far more often inside a name (`Западной
            // Вирджинии`) than at a boundary.
            continue;
        }
        let mut prior = if balanced { 0.0 } else { -1.5 };
        if prev_word_cap {
            prior -= 1.0;
        }
        if opener {
            prior += 0.5;
        }
        if matches!(last, '»' | '"' | '”' | ')') {
            prior += 0.5;
        }
        out.push(Candidate {
            pos,
            prior,
            boundary: 0.0,
        });
    }
    out
}

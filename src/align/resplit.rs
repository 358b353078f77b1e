//! Cross-lingual resegmentation: splitting a segment at an unpunctuated boundary that the other
//! language shows.
//!
//! A news headline without final punctuation glued to the article's first sentence
//! (`加州鲨鱼伤害潜水抓龙虾的13岁孩童官员表示，周六，…`) is one segment to a monolingual
//! segmenter, while the other side may well have it as two (`… лобстеров` | `По сообщениям …`).
//! The aligner then makes a 1-2 bead. Here, after alignment, such a bead's single segment X is
//! tried at every plausible split position, and the bead is replaced by 1-1 beads when the
//! aligner's own evidence says so clearly:
//!
//! * **the other side's boundary should be unpunctuated too**: a group of the other side that
//!   ends with a full stop, comma, colon or dash is usually a translator's sentence split, not
//!   a missed boundary. Such a grouping is tried only in two pieces, and taken only when the
//!   best bare boundary of X beats every clause mark of X (where the translator would have
//!   split) by a margin: that is a sentence whose full stop the writer left out;
//! * **candidate positions** (see [`candidates`]): for Chinese, jieba word boundaries outside
//!   brackets, not next to punctuation, not after a preposition / conjunction / auxiliary /
//!   adverb / pronoun / numeral, not before an auxiliary / localiser (`前` before a noun is
//!   "former" and may open one) / measure word; a prior
//!   for a closing quote before, an opening quote or typical opener after, the lede repeating a
//!   headline word, and against a noun compound or a verb / adverb opening the next piece; and
//!   the log-odds that a sentence ends with the word before and opens with the word after,
//!   learnt from the input's own punctuated sentences ([`super::boundary`]). For
//!   alphabetic languages, spaces before a capitalised word, not after a comma, colon, dash, a
//!   quotation closed by a comma (`…," Trump said`), a short lower-case word (`в`, `of`, `г-н`;
//!   not one the input often ends sentences with, `гол`, `day`) or another capitalised word;
//! * **evidence per split**: the bead cost of every new piece with its share of the other
//!   side, from the same [`Scorer`] the DP uses (the pair's length model, number / Latin / name
//!   anchors, punctuation, paragraphs, coverage by the learnt lexicon), computed on a small
//!   local problem. The position is chosen by these costs, the prior and a max-sum term over
//!   the lexical units of X (a unit linked to its own piece's counterpart counts for, linked
//!   only to another piece's against);
//! * **accept rule**: the chosen split's bead costs must beat the original bead's cost by a
//!   margin (priors and the max-sum term only choose the position); where the other side
//!   breaks without punctuation too, the learnt boundary log-odds of the chosen positions
//!   count toward it.
//!
//! A headline glued to its lede on *both* sides makes a 1-1 bead. Such a bead is split in
//! two 1-1 beads ([`ResplitCounts::joint`]) only with evidence on each side: on the
//! alphabetic side a capitalised word after a lower-case one that the input writes in lower
//! case elsewhere (favoured) or that repeats a word of the headline (never between two words
//! the segment repeats together, a name), on the Chinese side a positive
//! log-odds of a sentence boundary from the input's own statistics; the two positions are
//! chosen together by bead costs and priors, and the bead costs must improve by
//! `joint_margin` (less a share of that log-odds).
//!
//! Measured on the NTREX dev sets with the other side split at the gold headline boundaries:
//! about half of the added boundaries are exact to the character, a quarter a word or two off
//! (the lexicon cannot tell a headline's last word from the lede's first when the lede repeats
//! it). Nothing is split without a learnt lexicon.

use super::boundary::BoundaryStats;
use super::features::{self, SegFeat, K_STEM, K_ZH};
use super::lexicon::Lexicon;
use super::names;
use super::score::{LengthModel, LexIndex, Scorer};
use super::{AlignConfig, Alignment, Bead, Segment};
use crate::Lang;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// What resegmentation did to one document pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResplitCounts {
    /// 1-2 / 2-1 / 1-3 / 3-1 beads examined.
    pub considered: usize,
    /// Of those, beads whose single segment was split.
    pub split: usize,
    /// 1-1 beads split on both sides.
    pub joint: usize,
}

/// Chinese words that typically open a news sentence (time, source, a subject counted with a
/// classifier): a split before one is more likely a sentence boundary.
const ZH_OPENERS: &[&str] = &[
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

const ZH_CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '》', '】', '"'];
const ZH_OPENERS_PUNCT: &[char] = &['“', '‘', '「', '『', '（', '(', '《', '【'];

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

fn is_break_punct(c: char) -> bool {
    // Marks after or before which a split is not a missing sentence boundary: the segmenter has
    // seen the punctuation already, or the clause plainly goes on.
    matches!(
        c,
        '，' | '、'
            | '：'
            | '；'
            | ','
            | ':'
            | ';'
            | '。'
            | '！'
            | '？'
            | '.'
            | '!'
            | '?'
            | '…'
            | '-'
            | '–'
            | '—'
            | '·'
            | '/'
            | '&'
            | '+'
            | '%'
            | '‰'
            | '°'
    )
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

/// Quotation and bracket state at one byte offset (see [`nesting`]).
#[derive(Debug, Clone, Copy)]
struct Nest {
    /// Round brackets and book-title marks open.
    depth: i32,
    /// No quotation open.
    balanced: bool,
    /// The innermost open quotation is a double one (`"`, `“`, `„`): a straight `"` here
    /// closes it rather than opening another.
    double_open: bool,
}

/// Bracket depth (round brackets, book-title marks) and the open quotations at every byte
/// offset of `text` that starts a character.
fn nesting(text: &str) -> HashMap<usize, Nest> {
    let mut out = HashMap::new();
    let mut depth = 0i32;
    // Open quotation marks. Web text mixes its quotes (`“…“`, `“…"`, `"…“`, Russian inner
    // `„…“`): a `“` or a straight `"` closes an open double quotation and opens otherwise.
    let mut quotes: Vec<char> = Vec::new();
    let state = |depth: i32, quotes: &[char]| Nest {
        depth,
        balanced: quotes.is_empty(),
        double_open: matches!(quotes.last(), Some('"' | '“' | '„')),
    };
    for (i, c) in text.char_indices() {
        let here = state(depth, &quotes);
        out.insert(i, here);
        match c {
            '(' | '（' | '《' | '【' | '[' => depth += 1,
            ')' | '）' | '》' | '】' | ']' => depth -= 1,
            '“' | '"' if here.double_open => {
                quotes.pop();
            }
            '“' | '"' | '«' | '„' | '「' | '『' => quotes.push(c),
            '”' | '»' | '」' | '』' => {
                quotes.pop();
            }
            _ => {}
        }
    }
    out.insert(text.len(), state(depth, &quotes));
    out
}

/// Whether `head` ends with a quotation mark after a comma, colon or semicolon: in an
/// alphabetic language the quotation closes inside a sentence that goes on (`…tactics of the
/// Party," Trump said`, `…», — сказал`). (Chinese translations of such news do break there:
/// `…就会哭，”|“我认为…`.)
fn comma_then_quote(head: &str) -> bool {
    let mut rev = head.trim_end().chars().rev();
    matches!(rev.next(), Some('"' | '“' | '”' | '»' | '\'' | '’'))
        && matches!(
            rev.next(),
            Some(',' | '，' | ';' | '；' | ':' | '：' | '、')
        )
}

/// The state assumed where [`nesting`] has none (never at a character boundary).
const UNKNOWN_NEST: Nest = Nest {
    depth: 1,
    balanced: false,
    double_open: false,
};

/// The non-space characters of one text, for counting those of any slice in O(log n):
/// counting each slice anew is quadratic on a long sentence (a 100k-character line without
/// punctuation has tens of thousands of candidate positions).
struct NonSpace(Vec<usize>);

impl NonSpace {
    fn new(text: &str) -> Self {
        NonSpace(
            text.char_indices()
                .filter(|(_, c)| !c.is_whitespace())
                .map(|(i, _)| i)
                .collect(),
        )
    }

    /// Number of non-space characters in `text[a..b]`.
    fn between(&self, a: usize, b: usize) -> usize {
        let before = |end: usize| self.0.partition_point(|&i| i < end);
        before(b) - before(a)
    }
}

/// Whether a jieba tag marks a word that cannot end a headline or clause before a missing
/// boundary: prepositions, conjunctions, auxiliaries (的, 了), adverbs, pronouns, numerals and
/// measure words (they lean on what follows).
fn zh_dangling_end(tag: &str) -> bool {
    matches!(
        tag.chars().next(),
        Some('p' | 'c' | 'u' | 'd' | 'r' | 'm' | 'q')
    )
}

/// Whether a jieba tag marks a word that cannot open a sentence: auxiliaries, localisers
/// (中, 后), measure words, modal particles, interjections (they lean on what precedes).
/// Latin words (tag `eng`) are not interjections (`e`): a sentence may open with a name.
fn zh_dangling_start(tag: &str, word: &str) -> bool {
    matches!(tag.chars().next(), Some('u' | 'f' | 'q' | 'y'))
        || tag == "e"
        || matches!(
            word,
            "的" | "了" | "着" | "过" | "等" | "时" | "中" | "后" | "上" | "人士"
        )
}

/// Where each of `words` first ends in `text` (byte offset), found in one pass: `word` occurs
/// in `text[..pos]` exactly when it first ends at or before `pos` (asking each position anew
/// is quadratic).
fn first_ends<'a>(text: &str, words: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut patterns: Vec<&str> = words.filter(|w| !w.is_empty()).collect();
    patterns.sort_unstable();
    patterns.dedup();
    let mut out = HashMap::with_capacity(patterns.len());
    let Ok(ac) = aho_corasick::AhoCorasick::new(&patterns) else {
        // (too many patterns for the automaton: the slow, exact way)
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
struct BoundaryAt<'a> {
    tagged: &'a [jieba_rs::Tag<'a>],
    stats: &'a BoundaryStats,
    /// Indices of the tokens that are words, not punctuation or space.
    words: Vec<usize>,
}

impl<'a> BoundaryAt<'a> {
    fn new(tagged: &'a [jieba_rs::Tag<'a>], stats: &'a BoundaryStats) -> Self {
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

    fn score_at(&self, pos: usize) -> Option<f32> {
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

fn zh_candidates(text: &str, stats: &BoundaryStats) -> Vec<Candidate> {
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
fn alpha_candidates(text: &str, between_capitals: bool, words: &HashSet<String>) -> Vec<Candidate> {
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

/// Most candidate positions for which a three-way split is tried.
const MAX_CANDIDATES_3: usize = 40;

/// Settings of the resplitter (cost units, like the bead costs).
#[derive(Debug, Clone, Copy)]
pub struct ResplitParams {
    /// The best split must cost this much less than the original bead.
    pub margin: f32,
    /// Weight of the candidate position's prior.
    pub prior: f32,
    /// Weight per lexical unit of the max-sum term.
    pub maxsum: f32,
    /// Weight of a Chinese candidate's learnt boundary evidence in its prior.
    pub boundary: f32,
    /// Weight of the chosen positions' learnt boundary evidence in the accept rule (only where
    /// the other side's boundary is unpunctuated too).
    pub accept_boundary: f32,
    /// Where the other side ends a sentence with a full stop, the best bare split must beat
    /// the best split at a clause mark by this much.
    pub clause_margin: f32,
    /// A 1-1 bead is split on both sides when the two new beads cost this much less ...
    pub joint_margin: f32,
    /// ... less this weight times the learnt boundary log-odds of the Chinese position.
    pub joint_boundary: f32,
}

impl Default for ResplitParams {
    fn default() -> Self {
        ResplitParams {
            margin: 1.0,
            prior: 1.0,
            maxsum: 0.1,
            boundary: 1.0,
            accept_boundary: 1.0,
            clause_margin: 2.0,
            joint_margin: 2.5,
            joint_boundary: 0.5,
        }
    }
}

/// Everything the local bead costs need that is fixed for a document pair.
pub(crate) struct DocContext<'a> {
    /// Source segments and features of the document pair (features as the aligner saw them).
    pub src: (&'a [Segment], &'a [SegFeat]),
    /// Target segments and features.
    pub tgt: (&'a [Segment], &'a [SegFeat]),
    /// The pair's length model.
    pub len: LengthModel,
    /// The last lexical round's table.
    pub lex: &'a Lexicon,
    /// Coverage rates of that round.
    pub rates: (f32, f32),
    /// Aligner settings.
    pub cfg: &'a AlignConfig,
    /// Resplit settings.
    pub params: ResplitParams,
    /// Sentence start / end statistics of the Chinese side.
    pub stats: &'a BoundaryStats,
    /// Word forms each side writes in lower case ([`lowercase_words`]; empty for Chinese).
    pub lower: (&'a HashSet<String>, &'a HashSet<String>),
}

/// One side of a local problem: texts and features.
struct LocalSide {
    segs: Vec<Segment>,
    feats: Vec<SegFeat>,
}

/// A stretch of one side in a local problem: a whole segment, or a byte range of one.
#[derive(Debug, Clone)]
enum Part {
    Whole(usize),
    Piece(usize, Range<usize>),
}

impl DocContext<'_> {
    fn side(&self, whole_is_src: bool, whole: bool) -> (&[Segment], &[SegFeat], Lang) {
        self.of(whole_is_src == whole)
    }

    fn of(&self, src_side: bool) -> (&[Segment], &[SegFeat], Lang) {
        if src_side {
            (self.src.0, self.src.1, self.cfg.src_lang)
        } else {
            (self.tgt.0, self.tgt.1, self.cfg.tgt_lang)
        }
    }

    /// Texts and features of `parts` of one side. A piece is featurised afresh but keeps only
    /// the number / Latin anchors its segment kept after the document-level filter; names are
    /// left to the local problem's own matching.
    fn local_side(&self, src_side: bool, parts: &[Part]) -> LocalSide {
        let (segs, feats, lang) = self.of(src_side);
        let mut out = LocalSide {
            segs: Vec::with_capacity(parts.len()),
            feats: Vec::with_capacity(parts.len()),
        };
        for part in parts {
            let (seg, feat) = match part {
                Part::Whole(i) => {
                    let mut f = feats[*i].clone();
                    f.names.clear();
                    (segs[*i].clone(), f)
                }
                Part::Piece(i, r) => {
                    let piece = segs[*i].text[r.clone()].trim();
                    let orig = &feats[*i];
                    let mut f = features::featurize(piece, segs[*i].paragraph, lang);
                    f.nums.retain(|k| orig.nums.binary_search(k).is_ok());
                    f.latin.retain(|k| orig.latin.binary_search(k).is_ok());
                    f.repeated = false;
                    let seg = Segment {
                        text: piece.to_owned(),
                        paragraph: segs[*i].paragraph,
                    };
                    (seg, f)
                }
            };
            out.segs.push(seg);
            out.feats.push(feat);
        }
        out
    }

    /// Cost of one bead made of `src` against `tgt`, as the aligner's scorer sees it.
    fn local_cost(&self, src: &[Part], tgt: &[Part]) -> f32 {
        let mut s = self.local_side(true, src);
        let mut t = self.local_side(false, tgt);
        if self.cfg.names {
            let st: Vec<&str> = s.segs.iter().map(|g| g.text.as_str()).collect();
            let tt: Vec<&str> = t.segs.iter().map(|g| g.text.as_str()).collect();
            match (self.cfg.src_lang, self.cfg.tgt_lang) {
                (Lang::Zh, l) if l != Lang::Zh => {
                    names::add_name_anchors(&mut s.feats, &st, &mut t.feats, l)
                }
                (l, Lang::Zh) if l != Lang::Zh => {
                    names::add_name_anchors(&mut t.feats, &tt, &mut s.feats, l)
                }
                _ => {}
            }
        }
        super::pipeline::add_seed_anchors(&mut s.feats, &s.segs, &mut t.feats, &t.segs, self.cfg);
        let (n, m) = (s.feats.len(), t.feats.len());
        let band = super::dp::Band::full(n, m);
        let idx = LexIndex::build(&s.feats, &t.feats, self.lex, &band, n.max(m));
        let mut sc = Scorer::new(
            &s.feats,
            &t.feats,
            self.len,
            self.cfg.weights,
            Some((self.lex, &idx)),
        );
        sc.set_coverage_rates(self.rates.0, self.rates.1);
        let st = sc.stats(0, n, 0, m);
        sc.cost_of(0, n, 0, m, &st)
    }

    /// Cost of one bead: bytes `piece` of segment `x` of the whole side against the other
    /// side's segments `group`.
    fn bead_cost(
        &self,
        whole_is_src: bool,
        x: usize,
        piece: Range<usize>,
        group: Range<usize>,
    ) -> f32 {
        let whole = [Part::Piece(x, piece)];
        let other: Vec<Part> = group.map(Part::Whole).collect();
        if whole_is_src {
            self.local_cost(&whole, &other)
        } else {
            self.local_cost(&other, &whole)
        }
    }
}

/// Lexical units of a text with their byte ranges (Chinese character unigrams and bigrams, or
/// word stems), as `features::featurize` forms them.
fn positioned_units(text: &str, lang: Lang) -> Vec<(Range<usize>, u64)> {
    let mut out = Vec::new();
    if lang == Lang::Zh {
        let cs: Vec<(usize, char)> = text.char_indices().collect();
        for (k, &(i, c)) in cs.iter().enumerate() {
            if !features::han(c) {
                continue;
            }
            let e = i + c.len_utf8();
            out.push((i..e, features::hash_tok(K_ZH, &text[i..e])));
            if let Some(&(j, d)) = cs.get(k + 1) {
                if features::han(d) {
                    let e2 = j + d.len_utf8();
                    out.push((i..e2, features::hash_tok(K_ZH, &text[i..e2])));
                }
            }
        }
        return out;
    }
    let stemmer = features::Stemmer::new(lang);
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() && !features::han(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            let w = &text[s..i];
            if w.chars().count() >= 3 && w.chars().any(char::is_alphabetic) {
                let lower = w.to_lowercase();
                out.push((s..i, features::hash_tok(K_STEM, &stemmer.stem(&lower))));
            }
        }
    }
    out
}

/// Per lexical unit of X: its byte range and, per group of the other side, whether the learnt
/// table links it to that group.
fn unit_links(
    ctx: &DocContext,
    whole_is_src: bool,
    x: usize,
    groups: &[Range<usize>],
) -> Vec<(Range<usize>, Vec<bool>)> {
    let (wsegs, _, wlang) = ctx.side(whole_is_src, true);
    let (_, ofeats, _) = ctx.side(whole_is_src, false);
    let sets: Vec<HashSet<u64>> = groups
        .iter()
        .map(|g| {
            let units = ofeats[g.clone()].iter().flat_map(|f| f.lex.iter().copied());
            if whole_is_src {
                // X's units are source units: compare their translations with the group's.
                units.collect()
            } else {
                // X's units are target units: the group's source units' translations.
                units
                    .flat_map(|u| ctx.lex.translations(u).iter().copied())
                    .collect()
            }
        })
        .collect();
    positioned_units(&wsegs[x].text, wlang)
        .into_iter()
        .filter_map(|(r, u)| {
            let linked: Vec<bool> = sets
                .iter()
                .map(|set| {
                    if whole_is_src {
                        ctx.lex.translations(u).iter().any(|t| set.contains(t))
                    } else {
                        set.contains(&u)
                    }
                })
                .collect();
            linked.iter().any(|&b| b).then_some((r, linked))
        })
        .collect()
}

/// Max-sum score of pieces `cuts` (byte offsets, first 0, last the text length) matched to
/// groups in order: a unit inside piece `i` counts +1 when linked to group `i` and −1 when
/// linked only elsewhere.
fn maxsum(units: &[(Range<usize>, Vec<bool>)], cuts: &[usize]) -> f32 {
    let mut s = 0.0;
    for (r, linked) in units {
        let Some(i) = (0..cuts.len() - 1).find(|&i| r.start >= cuts[i] && r.end <= cuts[i + 1])
        else {
            continue;
        };
        if linked[i] {
            s += 1.0;
        } else {
            s -= 1.0;
        }
    }
    s
}

/// A split under consideration: (selection score, bead costs, cuts, groups).
type Choice = (f32, f32, Vec<usize>, Vec<Range<usize>>);

/// Whether `text` ends with a full stop or a mark that continues the sentence (comma, colon,
/// dash), closing quotes and brackets after it allowed: not the end of an unpunctuated
/// headline. (`?` and `!` pass: a headline may ask or exclaim.)
fn ends_with_full_stop(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(|c: char| ZH_CLOSERS.contains(&c) || matches!(c, '»' | '’' | '"'))
        .ends_with(|c: char| {
            (is_break_punct(c) && !matches!(c, '?' | '!' | '？' | '！'))
                || matches!(c, '．' | '(' | '（')
        })
}

/// Byte offsets of the clause boundaries of a Chinese text: right after a clause mark (comma,
/// enumeration comma, colon, semicolon, closing quotes after it) and right before a
/// conjunction (`以及`, `并`, `但`), leaving a few characters on either side. That is where a
/// translator who made two sentences of one would have split it.
fn clause_positions(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((_, c)) = it.next() {
        if !matches!(c, '，' | '、' | '；' | '：' | ',' | ';' | ':') {
            continue;
        }
        let mut end = it.peek().map_or(text.len(), |&(i, _)| i);
        while let Some(&(_, d)) = it.peek() {
            if !(ZH_CLOSERS.contains(&d) || d.is_whitespace()) {
                break;
            }
            it.next();
            end = it.peek().map_or(text.len(), |&(j, _)| j);
        }
        out.push(end);
    }
    let tagged = crate::glossary::zh::jieba().tag(text, true);
    out.extend(
        tagged
            .iter()
            .filter(|w| w.tag.starts_with('c'))
            .map(|w| w.byte_start),
    );
    let nonspace = NonSpace::new(text);
    out.retain(|&p| nonspace.between(0, p) >= 4 && nonspace.between(p, text.len()) >= 4);
    out.sort_unstable();
    out.dedup();
    out
}

/// The best split of one 1-k / k-1 bead, if it is clearly better than the bead: the pieces'
/// byte cuts in X (without 0 and the end) and the other side's groups, one per piece.
fn best_split(
    ctx: &DocContext,
    whole_is_src: bool,
    x: usize,
    others: Range<usize>,
) -> Option<(Vec<usize>, Vec<Range<usize>>)> {
    let (wsegs, _, wlang) = ctx.side(whole_is_src, true);
    let text = wsegs[x].text.as_str();
    let words = if whole_is_src {
        ctx.lower.0
    } else {
        ctx.lower.1
    };
    let cands: Vec<Candidate> = candidates(text, wlang, ctx.stats, words)
        .into_iter()
        .map(|c| Candidate {
            prior: c.prior + ctx.params.boundary * c.boundary,
            ..c
        })
        .collect();
    if cands.is_empty() {
        return None;
    }
    let k = others.len();
    let p = ctx.params;
    let mut memo: HashMap<(usize, usize, usize, usize), f32> = HashMap::new();
    let mut cost = |a: usize, b: usize, g: Range<usize>| -> f32 {
        *memo
            .entry((a, b, g.start, g.end))
            .or_insert_with(|| ctx.bead_cost(whole_is_src, x, a..b, g))
    };
    let original = cost(0, text.len(), others.clone());
    // Groupings of the k other segments into 2..=k contiguous groups.
    let o = others.start;
    let mut groupings: Vec<Vec<Range<usize>>> = Vec::new();
    for g in 1..k {
        groupings.push(vec![o..o + g, o + g..others.end]);
    }
    // Three pieces cost a quadratic number of evaluations: only for segments of ordinary
    // length.
    if k == 3 && cands.len() <= MAX_CANDIDATES_3 {
        groupings.push(vec![o..o + 1, o + 1..o + 2, o + 2..others.end]);
    }
    // Where the other side ends a sentence with a full stop, the translator has usually split
    // one sentence in two, and X's matching point is a comma (never a candidate). But a writer
    // may also have left out X's own full stop (`…却徒劳无功` | `埃德南…`): then the matching
    // point is a bare word boundary. So such a grouping (two pieces only) is split at a bare
    // boundary only when that beats every clause mark of X by `clause_margin`.
    let (osegs, _, _) = ctx.side(whole_is_src, false);
    let stops = |groups: &[Range<usize>]| {
        groups[..groups.len() - 1]
            .iter()
            .any(|g| ends_with_full_stop(&osegs[g.end - 1].text))
    };
    // (Only Chinese leaves full stops out; an alphabetic X keeps the strict rule.)
    let chinese = wlang == Lang::Zh;
    let clauses = if chinese {
        clause_positions(text)
    } else {
        Vec::new()
    };
    groupings.retain(|groups| !stops(groups) || (chinese && groups.len() == 2));
    let nonspace = NonSpace::new(text);
    let mut best: Option<Choice> = None;
    for groups in groupings {
        let units = unit_links(ctx, whole_is_src, x, &groups);
        if stops(&groups) {
            // Bead costs and max-sum term of the two pieces cut at `pos`.
            let two = |pos: usize, cost: &mut dyn FnMut(usize, usize, Range<usize>) -> f32| {
                cost(0, pos, groups[0].clone()) + cost(pos, text.len(), groups[1].clone())
                    - p.maxsum * maxsum(&units, &[0, pos, text.len()])
            };
            let clause_best = clauses
                .iter()
                .map(|&pos| two(pos, &mut cost))
                .fold(f32::INFINITY, f32::min);
            // The bare boundary must also look like a sentence boundary by the input's own
            // statistics.
            let bare_best = cands
                .iter()
                .filter(|c| c.boundary > 0.0)
                .map(|c| (two(c.pos, &mut cost) - p.prior * c.prior, c))
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((score, c)) = bare_best {
                if score + p.clause_margin < clause_best {
                    let s = cost(0, c.pos, groups[0].clone())
                        + cost(c.pos, text.len(), groups[1].clone());
                    if best.as_ref().is_none_or(|b| score < b.0) {
                        best = Some((score, s, vec![c.pos], groups.clone()));
                    }
                }
            }
            continue;
        }
        let mut consider = |cuts: Vec<usize>, prior: f32, cost_sum: f32| {
            let mut full = vec![0];
            full.extend(&cuts);
            full.push(text.len());
            let score = cost_sum - p.prior * prior - p.maxsum * maxsum(&units, &full);
            if best.as_ref().is_none_or(|b| score < b.0) {
                best = Some((score, cost_sum, cuts, groups.clone()));
            }
        };
        if groups.len() == 2 {
            for c in &cands {
                let s =
                    cost(0, c.pos, groups[0].clone()) + cost(c.pos, text.len(), groups[1].clone());
                consider(vec![c.pos], c.prior, s);
            }
        } else {
            for (i, c1) in cands.iter().enumerate() {
                for c2 in &cands[i + 1..] {
                    if nonspace.between(c1.pos, c2.pos) < 4 {
                        continue;
                    }
                    let s = cost(0, c1.pos, groups[0].clone())
                        + cost(c1.pos, c2.pos, groups[1].clone())
                        + cost(c2.pos, text.len(), groups[2].clone());
                    consider(vec![c1.pos, c2.pos], c1.prior + c2.prior, s);
                }
            }
        }
    }
    // The priors and the max-sum term choose the position; the bead costs alone decide
    // whether to split at all.
    let (_, score, cuts, groups) = best?;
    // Where the other side breaks without punctuation as well, the learnt boundary evidence
    // of the chosen positions counts toward the decision too (a headline's bead costs barely
    // change when its lede restates it); against a full stop the bead costs decide alone.
    let evidence: f32 = if stops(&groups) {
        0.0
    } else {
        cuts.iter()
            .filter_map(|&pos| cands.iter().find(|c| c.pos == pos))
            .map(|c| c.boundary)
            .sum()
    };
    (score - p.accept_boundary * evidence + p.margin < original).then_some((cuts, groups))
}

/// The word forms that `texts` (one sentence each) write in lower case somewhere, and their
/// stems of [`LONG_STEM`] letters or more: a capitalised word among them is a common word
/// opening a sentence rather than a name. (Short stems are left out: they conflate names with
/// common words, `Кореи` with `коре…`.) Also, marked with [`END_MARK`], the short lower-case
/// words that end a sentence: nouns like `гол`, `год`, never a preposition that governs what
/// follows.
pub(crate) fn lowercase_words<'a>(
    texts: impl Iterator<Item = &'a str>,
    lang: Lang,
) -> HashSet<String> {
    let mut out = HashSet::new();
    if lang == Lang::Zh {
        return out;
    }
    let stemmer = features::Stemmer::new(lang);
    // Short lower-case words: (occurrences, sentence ends).
    let mut short: HashMap<&str, (u32, u32)> = HashMap::new();
    for text in texts {
        for w in text.split(|c: char| !c.is_alphanumeric()) {
            if w.chars().next().is_some_and(char::is_lowercase) {
                if (2..=3).contains(&w.chars().count()) {
                    short.entry(w).or_default().0 += 1;
                }
                out.insert(w.to_owned());
                let stem = stemmer.stem(w);
                if stem.chars().count() >= LONG_STEM {
                    out.insert(format!("{STEM_MARK}{stem}"));
                }
            }
        }
        let body = text
            .trim_end()
            .trim_end_matches(|c: char| ZH_CLOSERS.contains(&c) || matches!(c, '»' | '’'));
        if let Some(body) = body.strip_suffix(['.', '!', '?', '…']) {
            let last = body
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            if let Some(counts) = short.get_mut(last) {
                counts.1 += 1;
            }
        }
    }
    // A preposition may end an English sentence now and then (`…looking for.`); a noun does
    // so a good share of the time.
    for (w, (n, ends)) in short {
        if ends * SHORT_END_SHARE >= n {
            out.insert(format!("{END_MARK}{w}"));
        }
    }
    out
}

/// A short word ends at least one in this many of its occurrences to count as a content
/// word in [`lowercase_words`].
const SHORT_END_SHARE: u32 = 20;

/// Stems at least this long stand for their word in [`lowercase_words`] (shorter ones
/// conflate names with common words).
const LONG_STEM: usize = 6;
/// Marks a stem entry in the [`lowercase_words`] set.
const STEM_MARK: char = '\u{1}';
/// Marks a short word that ends a sentence in the [`lowercase_words`] set.
const END_MARK: char = '\u{2}';

/// Whether the capitalised word at byte `pos` of `text` (an alphabetic language) opens a
/// sentence by the evidence of the input: it is a common word (written in lower case
/// elsewhere: `Новейший`, `Команда`), or one of the next three words repeats a content word
/// (stem of four letters or more) of the text before it (a lede restates its headline's
/// subject: `Сирия «готова» … | Сирия заявляет …`).
#[cfg(test)]
fn start_evidence(
    text: &str,
    pos: usize,
    lang: Lang,
    lower: &HashSet<String>,
) -> Option<StartEvidence> {
    start_evidence_at(text, pos, lower, &StemIndex::new(text, lang))
}

/// The words (two letters or more) of one alphabetic text with their stems, so that
/// [`start_evidence`] at each of many positions costs O(log n) instead of stemming the
/// whole text again (quadratic over a long sentence).
struct StemIndex {
    stemmer: features::Stemmer,
    /// (byte start, stem, capitalised) of each word, in order.
    words: Vec<(usize, String, bool)>,
    /// Where each stem first ends (byte offset).
    first_end: HashMap<String, usize>,
}

impl StemIndex {
    fn new(text: &str, lang: Lang) -> Self {
        let stemmer = features::Stemmer::new(lang);
        let mut words = Vec::new();
        let mut first_end = HashMap::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            if c.is_alphanumeric() {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                let w = &text[s..i];
                if w.chars().count() >= 2 {
                    let stem = stemmer.stem(&w.to_lowercase());
                    first_end.entry(stem.clone()).or_insert(i);
                    words.push((s, stem, w.chars().next().is_some_and(char::is_uppercase)));
                }
            }
        }
        StemIndex {
            stemmer,
            words,
            first_end,
        }
    }
}

/// [`start_evidence`] with the text's [`StemIndex`]; `pos` stands at the start of a word (as
/// every candidate does), so the words before it are those that end at or before it.
fn start_evidence_at(
    text: &str,
    pos: usize,
    lower: &HashSet<String>,
    index: &StemIndex,
) -> Option<StartEvidence> {
    let first = text[pos..]
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())?;
    // An initial (`В. В. Путин`) or a one-letter word is no evidence either way.
    let after_first = &text[pos..][text[pos..].find(first).unwrap_or(0) + first.len()..];
    if first.chars().count() < 2 || after_first.starts_with('.') {
        return None;
    }
    let first_lower = first.to_lowercase();
    let first_stem = index.stemmer.stem(&first_lower);
    if lower.contains(&first_lower)
        || (first_stem.chars().count() >= LONG_STEM
            && lower.contains(&format!("{STEM_MARK}{first_stem}")))
    {
        return Some(StartEvidence::CommonWord);
    }
    let k = index.words.partition_point(|w| w.0 < pos);
    let in_head = |stem: &String| index.first_end.get(stem).is_some_and(|&end| end <= pos);
    // A repeated name may have a short stem (`Сирия` → `сир`); a common word needs four letters.
    let repeats = index.words[k..].iter().take(3).any(|(_, w, cap)| {
        let n = w.chars().count();
        (n >= 4 || (*cap && n >= 3)) && in_head(w)
    });
    repeats.then_some(StartEvidence::Repeat)
}

/// Why a capitalised word is taken to open a sentence ([`start_evidence`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartEvidence {
    /// A common word: the input writes it in lower case elsewhere.
    CommonWord,
    /// It or one of the next two words repeats a word of the text before (a lede restating
    /// its headline); weaker, since the lede's restatement may start a word or two earlier
    /// (`… Olympic diver | Tom Daley …`).
    Repeat,
}

/// Prior bonus of a joint candidate before a common word over one before a repeat.
const COMMON_WORD_PRIOR: f32 = 1.0;

/// Candidate positions for the joint split of a 1-1 bead: for an alphabetic language, also
/// between capitalised words, and only where the next word opens a sentence by the document's
/// evidence ([`start_evidence`]).
fn joint_candidates(
    text: &str,
    lang: Lang,
    lower: &HashSet<String>,
    stats: &BoundaryStats,
) -> Vec<Candidate> {
    if lang == Lang::Zh {
        return zh_candidates(text, stats);
    }
    let cands = alpha_candidates(text, true, lower);
    let positions: Vec<usize> = cands.iter().map(|c| c.pos).collect();
    let repeated = repeated_names(text, &positions);
    let index = StemIndex::new(text, lang);
    cands
        .into_iter()
        .zip(repeated)
        .filter(|(_, repeated)| !repeated)
        .filter_map(|(c, _)| {
            let evidence = start_evidence_at(text, c.pos, lower, &index)?;
            let bonus = if evidence == StartEvidence::CommonWord {
                COMMON_WORD_PRIOR
            } else {
                0.0
            };
            Some(Candidate {
                prior: c.prior + bonus,
                ..c
            })
        })
        .collect()
}

/// Whether byte `pos` of `text` stands between two words that the text writes together
/// elsewhere too: a name the lede repeats from its headline (`…забить гол Серхио | Агуэро и
/// Рахим…` after `Смотрите: Серхио Агуэро…`) is not cut between its words.
#[cfg(test)]
fn inside_repeated_name(text: &str, pos: usize) -> bool {
    name_pair(text, pos).is_some_and(|pair| text.matches(&pair).count() >= 2)
}

/// The two words around byte `pos` as the text would write them together (`Серхио Агуэро`),
/// if there is a word on either side.
fn name_pair(text: &str, pos: usize) -> Option<String> {
    let word_char = |c: char| c.is_alphanumeric() || c == '-';
    let head = text[..pos].trim_end();
    let prev = &head[head.rfind(|c: char| !word_char(c)).map_or(0, |i| {
        i + head[i..].chars().next().map_or(1, char::len_utf8)
    })..];
    let tail = &text[pos..];
    let next = &tail[..tail.find(|c: char| !word_char(c)).unwrap_or(tail.len())];
    if prev.is_empty() || next.is_empty() {
        return None;
    }
    Some(format!("{prev} {next}"))
}

/// [`inside_repeated_name`] at each of `positions`, in one pass over the text for all of them
/// (counting each pair anew is quadratic over a long sentence): the pair occurs twice or more,
/// counted without overlaps as `str::matches` counts.
fn repeated_names(text: &str, positions: &[usize]) -> Vec<bool> {
    let pairs: Vec<Option<String>> = positions.iter().map(|&p| name_pair(text, p)).collect();
    let mut patterns: Vec<&str> = pairs.iter().flatten().map(String::as_str).collect();
    patterns.sort_unstable();
    patterns.dedup();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    match aho_corasick::AhoCorasick::new(&patterns) {
        Ok(ac) => {
            // Matches of one pattern (all of one length) come in order; a match counts when it
            // starts at or after the end of the last one counted.
            let mut last_end: HashMap<usize, usize> = HashMap::new();
            for m in ac.find_overlapping_iter(text) {
                let p = m.pattern().as_usize();
                if last_end.get(&p).is_none_or(|&e| m.start() >= e) {
                    last_end.insert(p, m.end());
                    *counts.entry(patterns[p]).or_insert(0) += 1;
                }
            }
        }
        Err(_) => {
            for p in patterns {
                counts.insert(p, text.matches(p).count());
            }
        }
    }
    pairs
        .iter()
        .map(|p| {
            p.as_deref()
                .is_some_and(|p| counts.get(p).copied().unwrap_or(0) >= 2)
        })
        .collect()
}

/// The best joint split of a 1-1 bead whose two segments both run a headline into the next
/// sentence: byte cuts in the source and the target segment, when the two 1-1 beads they make
/// are clearly better than the bead.
///
/// Neither side has a mark at the boundary, so each must show its own evidence: the
/// alphabetic side a capitalised word that opens a sentence ([`start_evidence`]), the Chinese
/// side words that end and open sentences in this input ([`BoundaryStats`], log-odds above
/// zero). The pair of positions is chosen by bead costs and priors; the split is taken when
/// the bead costs improve by `joint_margin`, less `joint_boundary` times the Chinese
/// position's log-odds.
fn best_joint_split(ctx: &DocContext, x: usize, y: usize) -> Option<(usize, usize)> {
    let (zh_src, zh_tgt) = (ctx.cfg.src_lang == Lang::Zh, ctx.cfg.tgt_lang == Lang::Zh);
    if zh_src == zh_tgt {
        return None;
    }
    let (stext, ttext) = (ctx.src.0[x].text.as_str(), ctx.tgt.0[y].text.as_str());
    let side = |text: &str, lang: Lang, lower: &HashSet<String>| -> Vec<Candidate> {
        let mut cands = joint_candidates(text, lang, lower, ctx.stats);
        if lang == Lang::Zh {
            cands.retain(|c| c.boundary > 0.0);
        }
        cands
    };
    let sc = side(stext, ctx.cfg.src_lang, ctx.lower.0);
    let tc = side(ttext, ctx.cfg.tgt_lang, ctx.lower.1);
    if sc.is_empty() || tc.is_empty() {
        return None;
    }
    let p = ctx.params;
    let cost = |a: Range<usize>, b: Range<usize>| {
        ctx.local_cost(&[Part::Piece(x, a)], &[Part::Piece(y, b)])
    };
    let original = cost(0..stext.len(), 0..ttext.len());
    let prior = |c: &Candidate| c.prior + p.boundary * c.boundary;
    let mut best: Option<(f32, f32, usize, usize, f32)> = None;
    for c in &sc {
        for d in &tc {
            let sum = cost(0..c.pos, 0..d.pos) + cost(c.pos..stext.len(), d.pos..ttext.len());
            let score = sum - p.prior * (prior(c) + prior(d));
            if best.is_none_or(|b| score < b.0) {
                best = Some((score, sum, c.pos, d.pos, c.boundary + d.boundary));
            }
        }
    }
    let (_, sum, c, d, ev) = best?;
    (sum - p.joint_boundary * ev + p.joint_margin < original).then_some((c, d))
}

/// Resegments one aligned document pair: returns the new source and target segments, the
/// alignment over them (indices renumbered) and what was done. 1-k / k-1 beads (k = 2, 3)
/// may lose their single segment's split, 1-1 beads may be split on both sides; the others
/// are kept as they are. Split pieces keep their segment's paragraph and inherit the bead's
/// confidence.
pub(crate) fn resegment(
    ctx: &DocContext,
    alignment: &Alignment,
) -> (Vec<Segment>, Vec<Segment>, Alignment, ResplitCounts) {
    let mut counts = ResplitCounts::default();
    let mut src: Vec<Segment> = Vec::with_capacity(ctx.src.0.len());
    let mut tgt: Vec<Segment> = Vec::with_capacity(ctx.tgt.0.len());
    let mut beads = Vec::with_capacity(alignment.beads.len());
    let push_all = |out: &mut Vec<Segment>, from: &[Segment], r: Range<usize>| -> Range<usize> {
        let s = out.len();
        out.extend_from_slice(&from[r]);
        s..out.len()
    };
    for bead in &alignment.beads {
        let (a, b) = (bead.src.len(), bead.tgt.len());
        let shape = match (a, b) {
            (1, 2..=3) => Some(true),
            (2..=3, 1) => Some(false),
            _ => None,
        };
        let split = shape.and_then(|whole_is_src| {
            counts.considered += 1;
            let (x, others) = if whole_is_src {
                (bead.src.start, bead.tgt.clone())
            } else {
                (bead.tgt.start, bead.src.clone())
            };
            best_split(ctx, whole_is_src, x, others).map(|s| (whole_is_src, x, s))
        });
        if a == 1 && b == 1 {
            if let Some((c, d)) = best_joint_split(ctx, bead.src.start, bead.tgt.start) {
                counts.joint += 1;
                let (x, y) = (&ctx.src.0[bead.src.start], &ctx.tgt.0[bead.tgt.start]);
                for (sp, tp) in [(0..c, 0..d), (c..x.text.len(), d..y.text.len())] {
                    src.push(Segment {
                        text: x.text[sp].trim().to_owned(),
                        paragraph: x.paragraph,
                    });
                    tgt.push(Segment {
                        text: y.text[tp].trim().to_owned(),
                        paragraph: y.paragraph,
                    });
                    beads.push(Bead {
                        src: src.len() - 1..src.len(),
                        tgt: tgt.len() - 1..tgt.len(),
                        confidence: bead.confidence,
                    });
                }
                continue;
            }
        }
        let Some((whole_is_src, x, (cuts, groups))) = split else {
            let s = push_all(&mut src, ctx.src.0, bead.src.clone());
            let t = push_all(&mut tgt, ctx.tgt.0, bead.tgt.clone());
            beads.push(Bead {
                src: s,
                tgt: t,
                confidence: bead.confidence,
            });
            continue;
        };
        counts.split += 1;
        let (wsegs, osegs) = if whole_is_src {
            (ctx.src.0, ctx.tgt.0)
        } else {
            (ctx.tgt.0, ctx.src.0)
        };
        let text = &wsegs[x].text;
        let mut bounds = vec![0];
        bounds.extend(&cuts);
        bounds.push(text.len());
        for (piece, g) in bounds.windows(2).zip(&groups) {
            let seg = Segment {
                text: text[piece[0]..piece[1]].trim().to_owned(),
                paragraph: wsegs[x].paragraph,
            };
            let (wout, oout) = if whole_is_src {
                (&mut src, &mut tgt)
            } else {
                (&mut tgt, &mut src)
            };
            let w = wout.len()..wout.len() + 1;
            wout.push(seg);
            let o = push_all(oout, osegs, g.clone());
            let (s, t) = if whole_is_src { (w, o) } else { (o, w) };
            beads.push(Bead {
                src: s,
                tgt: t,
                confidence: bead.confidence,
            });
        }
    }
    (src, tgt, Alignment { beads }, counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, c: &Candidate) -> String {
        format!("{}|{}", &text[..c.pos], &text[c.pos..])
    }

    /// Candidates of `text` without any statistics of the input.
    fn bare(text: &str, lang: Lang) -> Vec<Candidate> {
        candidates(text, lang, &BoundaryStats::default(), &HashSet::new())
    }

    /// Each candidate shown as the text with `|` at its position.
    fn cuts(text: &str, cs: &[Candidate]) -> Vec<String> {
        cs.iter().map(|c| cut(text, c)).collect()
    }

    /// One zh-ru pair aligned with resegmentation on.
    fn resegmented(zh: &[Segment], ru: &[Segment]) -> crate::align::AlignedDoc {
        let mut cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
        cfg.resegment = true;
        crate::align::align_batch_segments(&[(zh.to_vec(), ru.to_vec())], &cfg)
            .pop()
            .expect("one result per pair")
    }

    /// Parallel "news" sentences built from word lists: each opens with a subject, goes on
    /// with objects and ends with a result word, so the lexicon can learn the words and the
    /// Chinese start / end statistics have something to learn ([`BoundaryStats`] wants a few
    /// hundred sentences).
    fn news_sentences(n: usize) -> Vec<(String, String)> {
        const OPENERS: &[(&str, &str)] = &[
            ("警察", "полиция"),
            ("银行", "банк"),
            ("公司", "компания"),
            ("军队", "армия"),
        ];
        const MIDDLE: &[(&str, &str)] = &[
            ("城市", "город"),
            ("医院", "больница"),
            ("学校", "школа"),
            ("铁路", "железная"),
            ("农民", "фермер"),
            ("工厂", "завод"),
            ("电影", "фильм"),
            ("天气", "погода"),
        ];
        const ENDS: &[(&str, &str)] = &[
            ("合作", "сотрудничество"),
            ("经济", "экономика"),
            ("足球", "футбол"),
            ("音乐", "музыка"),
        ];
        let mut seed = 11u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) as usize
        };
        (0..n)
            .map(|_| {
                let mut words = vec![OPENERS[next() % OPENERS.len()]];
                words.extend((0..2 + next() % 3).map(|_| MIDDLE[next() % MIDDLE.len()]));
                words.push(ENDS[next() % ENDS.len()]);
                let zh: String = words.iter().map(|w| w.0).collect();
                let ru: Vec<&str> = words.iter().map(|w| w.1).collect();
                (zh, ru.join(" "))
            })
            .collect()
    }

    fn capitalised(s: &str) -> String {
        let mut c = s.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    }

    fn seg(text: String) -> Segment {
        Segment { text, paragraph: 0 }
    }

    /// A Chinese headline glued to the next sentence (sentence 20) while the Russian side has
    /// them apart (the headline without a full stop unless `stop`; the Chinese pieces joined
    /// by a comma when `comma`, as a translator who made one sentence of two would write
    /// them).
    fn glued_pair(stop: bool, comma: bool) -> (Vec<Segment>, Vec<Segment>) {
        let sentences = news_sentences(240);
        let (mut zh, mut ru) = (Vec::new(), Vec::new());
        for (i, (z, r)) in sentences.iter().enumerate() {
            if i == 20 {
                let (z2, r2) = &sentences[i + 1];
                let join = if comma { "，" } else { "" };
                zh.push(seg(format!("{z}{join}{z2}。")));
                let end = if stop { "." } else { "" };
                ru.push(seg(format!("{}{end}", capitalised(r))));
                ru.push(seg(format!("{}.", capitalised(r2))));
            } else if i != 21 {
                zh.push(seg(format!("{z}。")));
                ru.push(seg(format!("{}.", capitalised(r))));
            }
        }
        (zh, ru)
    }

    /// The same sentences with a headline glued to the next sentence on both sides at
    /// sentence 20 when `glue`.
    fn glued_both_pair(glue: bool) -> (Vec<Segment>, Vec<Segment>) {
        let sentences = news_sentences(240);
        let (mut zh, mut ru) = (Vec::new(), Vec::new());
        let mut i = 0;
        while i < sentences.len() {
            let (z, r) = &sentences[i];
            if i == 20 && glue {
                let (z2, r2) = &sentences[i + 1];
                zh.push(seg(format!("{z}{z2}。")));
                ru.push(seg(format!("{} {}.", capitalised(r), capitalised(r2))));
                i += 2;
                continue;
            }
            zh.push(seg(format!("{z}。")));
            ru.push(seg(format!("{}.", capitalised(r))));
            i += 1;
        }
        (zh, ru)
    }

    #[test]
    fn splits_a_headline_glued_on_both_sides() {
        let (zh, ru) = glued_both_pair(true);
        let (zh_whole, ru_whole) = (zh[20].text.clone(), ru[20].text.clone());
        let d = &resegmented(&zh, &ru);
        assert_eq!(d.resplit.joint, 1, "{:?}", d.resplit);
        assert_eq!((d.src.len(), d.tgt.len()), (zh.len() + 1, ru.len() + 1));
        assert_eq!(format!("{}{}", d.src[20].text, d.src[21].text), zh_whole);
        assert_eq!(format!("{} {}", d.tgt[20].text, d.tgt[21].text), ru_whole);
        // Both cuts at the sentence boundary: the Russian head has as many words as the
        // Chinese head has two-character words.
        let head_words = d.tgt[20].text.split(' ').count();
        assert_eq!(
            d.src[20].text.chars().count(),
            2 * head_words,
            "{:?}",
            d.src[20]
        );
        assert!(d.tgt[21]
            .text
            .chars()
            .next()
            .is_some_and(char::is_uppercase));
        // Every other bead is untouched.
        assert_eq!(d.alignment.beads.len(), zh.len() + 1);
        // Without the glued pair nothing is split.
        let (zh, ru) = glued_both_pair(false);
        let d = resegmented(&zh, &ru);
        assert_eq!(d.resplit.joint, 0);
        assert_eq!(d.src, zh);
    }

    #[test]
    fn splits_a_glued_headline_where_the_other_side_does() {
        let (zh, ru) = glued_pair(false, false);
        let headline = zh[20].text.clone();
        let d = &resegmented(&zh, &ru);
        assert_eq!(d.resplit.split, 1, "{:?}", d.resplit);
        assert_eq!(d.src.len(), zh.len() + 1);
        assert_eq!(format!("{}{}", d.src[20].text, d.src[21].text), headline);
        assert!(!d.src[20].text.ends_with('。') && d.src[21].text.ends_with('。'));
        // The first piece is exactly the first sentence's words.
        let ru_words = ru[20].text.split(' ').count();
        assert_eq!(
            d.src[20].text.chars().count(),
            2 * ru_words,
            "{:?}",
            d.src[20]
        );
        let b = d
            .alignment
            .beads
            .iter()
            .find(|b| b.src.start == 20)
            .expect("bead of the headline");
        assert_eq!((b.src.clone(), b.tgt.clone()), (20..21, 20..21));
        // Off by default: the segments are the given ones.
        let plain = crate::align::align_batch_segments(
            &[(zh.clone(), ru)],
            &AlignConfig::new(Lang::Zh, Lang::Ru),
        );
        assert_eq!(plain[0].src, zh);
    }

    #[test]
    fn no_split_where_the_other_side_has_a_full_stop_and_this_side_a_comma() {
        let (zh, ru) = glued_pair(true, true);
        let d = resegmented(&zh, &ru);
        // The 1-2 bead is there and examined, but not split: the comma explains the full stop.
        assert_eq!(d.resplit.considered, 1);
        assert_eq!(d.resplit.split, 0);
        assert_eq!(d.src, zh);
    }

    #[test]
    fn split_where_the_other_side_has_a_full_stop_and_this_side_nothing() {
        // A Chinese sentence whose `。` the writer left out: no clause mark explains the
        // other side's full stop, so the bare boundary is taken.
        let (zh, ru) = glued_pair(true, false);
        let headline = zh[20].text.clone();
        let d = &resegmented(&zh, &ru);
        assert_eq!(d.resplit.split, 1, "{:?}", d.resplit);
        assert_eq!(format!("{}{}", d.src[20].text, d.src[21].text), headline);
        let ru_words = ru[20].text.split(' ').count();
        assert_eq!(d.src[20].text.chars().count(), 2 * ru_words);
    }

    #[test]
    fn chinese_candidates_avoid_punctuation_and_brackets() {
        let t = "加州鲨鱼伤害潜水抓龙虾的13岁孩童官员表示，周六，一名13岁男童（在加州）遭到袭击。";
        let cs = bare(t, Lang::Zh);
        let shown = cuts(t, &cs);
        assert!(shown.iter().any(|s| s.contains("孩童|官员")), "{shown:?}");
        assert!(!shown.iter().any(|s| s.contains("，|") || s.contains("|，")));
        assert!(!shown
            .iter()
            .any(|s| s.contains("（在|") || s.contains("在|加州）")));
        // `前` opens a sentence as "former" before a noun, never as the localiser "before".
        let t = "萨拉·佩林的长子因家庭暴力指控被捕前阿拉斯加州州长萨拉·佩林的长子被捕。";
        let cs = bare(t, Lang::Zh);
        assert!(cs.iter().any(|c| cut(t, c).contains("被捕|前阿拉斯加")));
        let t = "美国总统在三天前抵达北京并会见了中国领导人。";
        let cs = bare(t, Lang::Zh);
        assert!(!cs.iter().any(|c| cut(t, c).contains("|前")));
        // A sentence may open with a Latin name (jieba tags it `eng`, not an interjection).
        let t = "Sainsbury's计划进军英国的美容市场Sainsbury's将依托Boots采取百货商店的风格。";
        let cs = bare(t, Lang::Zh);
        let shown = cuts(t, &cs);
        assert!(
            shown.iter().any(|s| s.contains("市场|Sainsbury")),
            "{shown:?}"
        );
    }

    #[test]
    fn a_quote_typed_as_opening_that_closes_counts_as_a_closer() {
        let t = "他自豪地将该大钟称之为“穷人的大钟“七月份专家将其称为文化宝藏";
        let cs = bare(t, Lang::Zh);
        let at = |s: &str| {
            cs.iter()
                .find(|c| cut(t, c).starts_with(s))
                .map(|c| c.prior)
        };
        let after_quote =
            at("他自豪地将该大钟称之为“穷人的大钟“|").expect("candidate after the quote");
        // Balanced there, with the closing-quote bonus; inside the quotation is unbalanced.
        assert!(after_quote >= 1.0, "{after_quote}");
        assert!(cs
            .iter()
            .filter(|c| c.pos > t.find('穷').unwrap() && c.pos < t.rfind('“').unwrap())
            .all(|c| c.prior < 0.0));
    }

    #[test]
    fn sentence_start_evidence_on_the_alphabetic_side() {
        let lower = lowercase_words(
            [
                "в независимых исследованиях",
                "по сообщению команды",
                "в регионе коре деревьев",
            ]
            .into_iter(),
            Lang::Ru,
        );
        let at = |text: &str, word: &str| {
            let pos = text.find(word).expect("word in text");
            start_evidence(text, pos, Lang::Ru, &lower).is_some()
        };
        // A common word written in lower case elsewhere (an exact form, or a long stem).
        let t = "Знание языков важно для граждан мира Независимые школы продолжают традицию";
        assert!(at(t, "Независимые"));
        assert!(at(
            "Европа победила в Париже Команда выиграла кубок",
            "Команда"
        ));
        // A repeated headline word, even with a short stem (`Сирия` → `сир`).
        let t = "Министр заявил, что Сирия готова к возвращению беженцев Сирия заявляет";
        assert!(at(t, "Сирия заявляет"));
        // A name seen nowhere in lower case; a short stem (`Кореи` → `коре`) is not enough;
        // an initial is no evidence.
        assert!(!at(
            "Министр иностранных дел Северной Кореи заявил",
            "Кореи"
        ));
        assert!(!at(
            "Президент Российской Федерации В. В. Путин посетил",
            "В. В."
        ));
    }

    #[test]
    fn short_words_that_end_sentences_do_not_govern_a_name() {
        // `гол` ends a sentence; `в` never does; `for` ends one of its many uses only.
        let mut texts = vec!["Он забил гол.", "Это был гол в ворота."];
        texts.extend(std::iter::repeat_n("Он играл за клуб в Лондоне.", 10));
        let words = lowercase_words(texts.into_iter(), Lang::Ru);
        let t = "Смотрите, как Агуэро обходит защиту, чтобы забить гол Агуэро и Стерлинг расправились с защитой.";
        let shown = cuts(
            t,
            &candidates(t, Lang::Ru, &BoundaryStats::default(), &words),
        );
        assert!(shown.iter().any(|s| s.contains("гол |Агуэро")), "{shown:?}");
        let none = bare(t, Lang::Ru);
        assert!(!none.iter().any(|c| cut(t, c).contains("гол |Агуэро")));
        let mut texts = vec!["What is it for?"];
        texts.extend(std::iter::repeat_n("He voted for the bill.", 30));
        let words = lowercase_words(texts.into_iter(), Lang::En);
        let t = "Trump promised guarantees for North Korea and its security.";
        let cs = candidates(t, Lang::En, &BoundaryStats::default(), &words);
        assert!(!cs.iter().any(|c| cut(t, c).contains("for |North")));
    }

    #[test]
    fn a_common_word_outweighs_a_repeat_as_sentence_start() {
        // `Команда Европы` repeats the headline's `Европа`; that `команда` is a common word
        // (written in lower case elsewhere) is the stronger evidence.
        let t = "Европа закрепляет победу на Кубке Райдера в Париже Команда Европы выиграла Кубок Райдера со счетом.";
        let prior = |lower: &HashSet<String>| {
            joint_candidates(t, Lang::Ru, lower, &BoundaryStats::default())
                .iter()
                .find(|c| cut(t, c).contains("Париже |Команда"))
                .map(|c| c.prior)
                .expect("candidate before Команда")
        };
        let common = lowercase_words(["наша команда играла"].into_iter(), Lang::Ru);
        let none = lowercase_words(["наша игра"].into_iter(), Lang::Ru);
        assert_eq!(prior(&common) - prior(&none), COMMON_WORD_PRIOR);
    }

    #[test]
    fn a_name_the_lede_repeats_is_not_cut() {
        let words = lowercase_words(["смотрите и мир"].into_iter(), Lang::Ru);
        let t = "Смотрите: Серхио Агуэро обходит защиту «Брайтона» Серхио Агуэро и Рахим Стерлинг расправились с защитой.";
        let shown = cuts(
            t,
            &joint_candidates(t, Lang::Ru, &words, &BoundaryStats::default()),
        );
        assert!(shown.iter().any(|s| s.contains("» |Серхио")), "{shown:?}");
        assert!(
            !shown.iter().any(|s| s.contains("Серхио |Агуэро")),
            "{shown:?}"
        );
    }

    #[test]
    fn chinese_prior_prefers_after_a_closing_quote() {
        let t = "议员担心“看起来像笨蛋”有人提议应将头衔改为新的名称";
        let cs = bare(t, Lang::Zh);
        let best = cs
            .iter()
            .max_by(|a, b| a.prior.total_cmp(&b.prior))
            .expect("candidates");
        assert_eq!(
            cut(t, best),
            "议员担心“看起来像笨蛋”|有人提议应将头衔改为新的名称"
        );
    }

    #[test]
    fn alphabetic_candidates_stand_before_capitals() {
        let t = "В Калифорнии акула ранила ныряльщика По сообщениям источников, в субботу, Иван пострадал.";
        let cs = bare(t, Lang::Ru);
        let shown = cuts(t, &cs);
        assert!(
            shown.iter().any(|s| s.contains("ныряльщика |По")),
            "{shown:?}"
        );
        // `, Иван`: after a comma.
        assert!(!shown.iter().any(|s| s.contains(", |Иван")), "{shown:?}");
        // Not after a hyphenated title (`г-н Трамп`), nor after a quotation closed by a comma
        // (the sentence goes on: `…," Trump said`).
        let t =
            "Почему Трамп выиграет второй срок Следуя этой логике, г-н Трамп победит на выборах.";
        let cs = bare(t, Lang::Ru);
        assert!(!cs.iter().any(|c| cut(t, c).contains("г-н |Трамп")));
        let t = "Trump says Kavanaugh suffered the anger \"A vote for Judge Kavanaugh is a vote to reject the tactics of the Party,\" Trump said at a rally in Wheeling.";
        let cs = bare(t, Lang::En);
        let shown = cuts(t, &cs);
        assert!(shown.iter().any(|s| s.contains("anger |\"A")), "{shown:?}");
        assert!(
            !shown.iter().any(|s| s.contains("Party,\" |Trump")),
            "{shown:?}"
        );
    }

    #[test]
    fn straight_quotes_open_or_close_by_what_is_open() {
        // `"` after a closed `“…”` opens: a candidate before it; a `"` that closes a `“`
        // counts as a closer.
        let t = "特朗普说卡瓦诺“遭受到民主党的卑鄙和愤怒”\"给卡瓦诺法官投票就是反对民主党的策略\"他说。";
        let cs = bare(t, Lang::Zh);
        let shown = cuts(t, &cs);
        assert!(shown.iter().any(|s| s.contains("愤怒”|\"给")), "{shown:?}");
        assert!(!shown.iter().any(|s| s.contains("\"|给")), "{shown:?}");
        let t = "他所在的党团担心“他们与别人押韵\"对于威尔士境外的读者来说这是愚蠢的意思";
        let cs = bare(t, Lang::Zh);
        let closer = cs
            .iter()
            .find(|c| cut(t, c).contains("押韵\"|对于"))
            .expect("candidate after the closing quote");
        assert!(closer.prior >= 1.0, "{}", closer.prior);
    }
    #[test]
    fn linear_helpers_agree_with_the_direct_computations() {
        let sentences = [
            "王明周五在北京表示，会议取得了成功。",
            "李华说，谈判还在继续。",
            "叙利亚外长表示 叙利亚表示支持  “和平”（进程）Sainsbury's 2025年",
        ];
        let stats = BoundaryStats::learn(sentences.iter().cycle().take(60).copied());
        for text in sentences {
            let tagged = crate::glossary::zh::jieba().tag(text, true);
            let at = BoundaryAt::new(&tagged, &stats);
            let nonspace = NonSpace::new(text);
            let count = |t: &str| t.chars().filter(|c| !c.is_whitespace()).count();
            let first = first_ends(text, tagged.iter().map(|w| w.word));
            for (pos, _) in text.char_indices().chain([(text.len(), ' ')]) {
                assert_eq!(
                    at.score_at(pos),
                    stats.score_at(&tagged, pos),
                    "{text} @{pos}"
                );
                assert_eq!(nonspace.between(0, pos), count(&text[..pos]));
                assert_eq!(nonspace.between(pos, text.len()), count(&text[pos..]));
                for w in tagged.iter().filter(|w| !w.word.is_empty()) {
                    let end = first.get(w.word).copied();
                    assert_eq!(
                        end.is_some_and(|e| e <= pos),
                        text[..pos].contains(w.word),
                        "{text} {:?} @{pos}",
                        w.word
                    );
                }
            }
        }
    }

    /// [`start_evidence`] as it was before [`StemIndex`]: the reference for the test below.
    fn start_evidence_direct(
        text: &str,
        pos: usize,
        lang: Lang,
        lower: &HashSet<String>,
    ) -> Option<StartEvidence> {
        let stemmer = features::Stemmer::new(lang);
        let words = |t: &str| -> Vec<String> {
            t.split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 2)
                .map(|w| stemmer.stem(&w.to_lowercase()))
                .collect()
        };
        let next = words(&text[pos..]);
        let first = text[pos..]
            .split(|c: char| !c.is_alphanumeric())
            .find(|w| !w.is_empty())?;
        // An initial (`В. В. Путин`) or a one-letter word is no evidence either way.
        let after_first = &text[pos..][text[pos..].find(first).unwrap_or(0) + first.len()..];
        if first.chars().count() < 2 || after_first.starts_with('.') {
            return None;
        }
        let first_lower = first.to_lowercase();
        let first_stem = stemmer.stem(&first_lower);
        if lower.contains(&first_lower)
            || (first_stem.chars().count() >= LONG_STEM
                && lower.contains(&format!("{STEM_MARK}{first_stem}")))
        {
            return Some(StartEvidence::CommonWord);
        }
        let head: HashSet<String> = words(&text[..pos]).into_iter().collect();
        let capitalised = text[pos..]
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 2)
            .map(|w| w.chars().next().is_some_and(char::is_uppercase));
        // A repeated name may have a short stem (`Сирия` → `сир`); a common word needs four letters.
        let repeats = next.iter().zip(capitalised).take(3).any(|(w, cap)| {
            let n = w.chars().count();
            (n >= 4 || (cap && n >= 3)) && head.contains(w)
        });
        repeats.then_some(StartEvidence::Repeat)
    }

    #[test]
    fn alphabetic_indexes_agree_with_the_direct_computations() {
        let lower = lowercase_words(
            ["в независимых исследованиях", "по сообщению команды"].into_iter(),
            Lang::Ru,
        );
        let texts = [
            "Смотрите: Серхио Агуэро забил Серхио Агуэро и Рахим Стерлинг «Команда» Сирия готова Сирия заявляет",
            "ab ab ab Ab ab Ab Ab Независимые школы В. В. Путин Независимые-школы 2025 Года",
        ];
        for text in texts {
            let positions: Vec<usize> = text
                .char_indices()
                .filter(|&(i, c)| i > 0 && !c.is_whitespace() && text[..i].ends_with(' '))
                .map(|(i, _)| i)
                .collect();
            let repeated = repeated_names(text, &positions);
            for (&pos, rep) in positions.iter().zip(repeated) {
                assert_eq!(rep, inside_repeated_name(text, pos), "{text} @{pos}");
                assert_eq!(
                    start_evidence(text, pos, Lang::Ru, &lower),
                    start_evidence_direct(text, pos, Lang::Ru, &lower),
                    "{text} @{pos}"
                );
            }
        }
    }
}

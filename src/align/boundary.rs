//! How likely a Chinese word boundary is a sentence boundary, learnt from the input itself.
//!
//! Chinese marks clause boundaries with punctuation, so a sentence boundary without a full stop
//! (a headline glued to its article, a line whose `。` the writer left out) has no mark at all.
//! What is left is which words end and which open sentences: a headline ends with a verb or
//! noun (`…推迟服役`, `…徒劳无功`) and a sentence opens with a name, a time, a pronoun
//! (`德怀尔…`, `周五…`, `他…`), rarely with a measure word or a preposition's object. These
//! tendencies are counted over the punctuated sentences of the same input (in batch mode the
//! whole batch): per word, backed off to its part of speech, the share of its occurrences
//! that end a sentence before a full stop and that open one. No table ships with the tool.

use std::collections::HashMap;

/// Start / end counts of one word form or tag.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) total: u64,
    pub(crate) starts: u64,
    pub(crate) ends: u64,
}

/// Sentence start and end statistics of the Chinese words of one input.
///
/// The counts are sums over sentences, so the statistics of shards of a corpus merge
/// ([`BoundaryStats::merge`]) into the statistics of the corpus (see [`super::learn`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BoundaryStats {
    pub(crate) words: HashMap<String, Counts>,
    pub(crate) tags: HashMap<String, Counts>,
    pub(crate) all: Counts,
    /// Sentences that ended with a full stop.
    pub(crate) stopped: u64,
}

/// Fewer punctuated sentences than this teach nothing reliable: the scores are then 0.
pub const MIN_SENTENCES: u64 = 200;

/// Pseudo-count of the part-of-speech prior in a word's estimate.
const WORD_PRIOR: f32 = 5.0;
/// Pseudo-counts of a tag's estimate (toward the overall rate).
const TAG_PRIOR: f32 = 5.0;

/// Whether a jieba token is punctuation or space rather than a word.
fn is_punct(word: &str) -> bool {
    word.chars()
        .all(|c| c.is_whitespace() || (!c.is_alphanumeric() && !crate::lang::is_han(c)))
}

/// Whether a sentence ends with a full stop (`。！？!?`, closing quotes and brackets after it
/// allowed): only then does its last word count as a sentence end.
fn ends_with_stop(text: &str) -> bool {
    let t = text
        .trim_end()
        .trim_end_matches(|c: char| crate::segment::rules::is_closer(c) || c == '"');
    t.ends_with(['。', '！', '？', '!', '?', '…'])
}

impl BoundaryStats {
    /// Counts over `sentences` (Chinese, one sentence each as the segmenter gave them).
    pub fn learn<'a>(sentences: impl Iterator<Item = &'a str>) -> Self {
        let mut stats = BoundaryStats::default();
        let jieba = crate::glossary::zh::jieba();
        for s in sentences {
            let tagged = jieba.tag(s, true);
            let words: Vec<_> = tagged.iter().filter(|w| !is_punct(w.word)).collect();
            let Some(last_index) = words.len().checked_sub(1) else {
                continue;
            };
            let stop = ends_with_stop(s);
            stats.stopped += u64::from(stop);
            for (k, w) in words.iter().enumerate() {
                let start = k == 0;
                let end = stop && k == last_index;
                for c in [
                    stats.words.entry(w.word.to_owned()).or_default(),
                    stats.tags.entry(w.tag.to_owned()).or_default(),
                    &mut stats.all,
                ] {
                    c.total += 1;
                    c.starts += u64::from(start);
                    c.ends += u64::from(end);
                }
            }
        }
        stats
    }

    /// Adds the counts of `other` (the statistics of more sentences).
    pub fn merge(&mut self, other: &BoundaryStats) {
        fn add(a: &mut Counts, b: &Counts) {
            a.total += b.total;
            a.starts += b.starts;
            a.ends += b.ends;
        }
        for (k, v) in &other.words {
            add(self.words.entry(k.clone()).or_default(), v);
        }
        for (k, v) in &other.tags {
            add(self.tags.entry(k.clone()).or_default(), v);
        }
        add(&mut self.all, &other.all);
        self.stopped += other.stopped;
    }

    /// Smoothed rate of `pick` (starts or ends) for `word` tagged `tag`.
    fn rate(&self, word: &str, tag: &str, pick: fn(&Counts) -> u64) -> f32 {
        let all = pick(&self.all) as f32 / self.all.total.max(1) as f32;
        let t = self.tags.get(tag).copied().unwrap_or_default();
        let tag_rate = (pick(&t) as f32 + TAG_PRIOR * all) / (t.total as f32 + TAG_PRIOR);
        let w = self.words.get(word).copied().unwrap_or_default();
        (pick(&w) as f32 + WORD_PRIOR * tag_rate) / (w.total as f32 + WORD_PRIOR)
    }

    /// Log-odds (natural log, relative to an average word boundary) that a sentence ends after
    /// `prev` and a new one opens with `next`; 0 without enough statistics
    /// ([`MIN_SENTENCES`]).
    pub fn score(&self, prev: (&str, &str), next: (&str, &str)) -> f32 {
        if self.stopped < MIN_SENTENCES || self.all.starts == 0 || self.all.ends == 0 {
            return 0.0;
        }
        let base_end = self.all.ends as f32 / self.all.total as f32;
        let base_start = self.all.starts as f32 / self.all.total as f32;
        let end = self.rate(prev.0, prev.1, |c| c.ends);
        let start = self.rate(next.0, next.1, |c| c.starts);
        (end / base_end).ln() + (start / base_start).ln()
    }

    /// The score of the boundary at byte `pos`, from the nearest words of `tagged` (jieba's
    /// tagging of the text) on either side, punctuation skipped; `None` at the ends.
    pub fn score_at(&self, tagged: &[jieba_rs::Tag], pos: usize) -> Option<f32> {
        let prev = tagged
            .iter()
            .rev()
            .find(|w| w.byte_end <= pos && !is_punct(w.word))?;
        let next = tagged
            .iter()
            .find(|w| w.byte_start >= pos && !is_punct(w.word))?;
        Some(self.score((prev.word, prev.tag), (next.word, next.tag)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_open_and_verbs_close_sentences() {
        let text = [
            "王明周五在北京表示，会议取得了成功。",
            "李华说，谈判还在继续。",
            "张伟认为，问题已经解决。",
            "他们在会上讨论了合作。",
            "王明昨天抵达上海。",
            "会谈持续了三个小时。",
        ];
        let stats = BoundaryStats::learn(text.iter().cycle().take(300).copied());
        // A name that opened sentences, after a verb that ended one, beats a measure word
        // after a preposition.
        let good = stats.score(("解决", "v"), ("王明", "nr"));
        let bad = stats.score(("在", "p"), ("个", "q"));
        assert!(good > 0.0 && bad < 0.0, "{good} {bad}");
        // Without statistics nothing is known.
        assert_eq!(
            BoundaryStats::default().score(("解决", "v"), ("王明", "nr")),
            0.0
        );
    }

    #[test]
    fn only_punctuated_sentences_teach_ends() {
        let stats = BoundaryStats::learn(["他说完了", "他说完了。"].into_iter());
        let w = stats.words.get("了").copied().unwrap_or_default();
        assert_eq!((w.total, w.ends), (2, 1));
        // Two sentences are too few to say anything.
        assert_eq!(stats.score(("了", "ul"), ("他", "r")), 0.0);
    }
}

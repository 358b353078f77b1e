//! The match percentage, on the scale CAT tools use.
//!
//! | score | meaning |
//! |---|---|
//! | 101 | in-context exact match: 100 and the previous segment matches too (decided by [`super::lookup`]) |
//! | 100 | identical after normalising whitespace (same units, same spelling) |
//! | 99 | the same words, differing only in case / `ё`·`е` / character width, **or** only in punctuation |
//! | 98 | the same words, differing in both case and punctuation |
//! | ≤ 97 | the words differ: `floor(100 × similarity)`, capped at 97 |
//!
//! `similarity = 1 − (d_content + ½·d_punct) / (n_content + ½·n_punct)`, where `d_content` is
//! the Levenshtein distance (strsim's `generic_levenshtein`) between the folded content units
//! (CJK characters, words — so character-level for Chinese and token-level for Russian and
//! English), `d_punct` the same between the punctuation units, and `n_*` the longer of the two
//! sequences. Punctuation counts half, because a changed comma matters less than a changed
//! word. The cap at 97 keeps every real difference below every formatting-only one.

use super::units::{units, Unit};

/// Weight of a punctuation edit relative to a content edit.
const PUNCT_WEIGHT: f64 = 0.5;

/// Highest score for segments whose words differ.
pub const MAX_FUZZY: u8 = 97;

/// A segment split once for scoring: folded content keys, folded punctuation keys, and the
/// exact keys of both for the case / width check.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Folded keys of the content units, in order.
    pub content: Vec<u64>,
    /// Exact keys of the content units.
    pub content_exact: Vec<u64>,
    /// Folded keys of the punctuation units.
    pub punct: Vec<u64>,
    /// Exact keys of the punctuation units.
    pub punct_exact: Vec<u64>,
    /// Exact keys of every unit in order (100% means these are equal).
    pub all_exact: Vec<u64>,
}

impl Profile {
    /// Profiles `text`.
    pub fn new(text: &str) -> Profile {
        Profile::from_units(&units(text))
    }

    /// Profiles already split units.
    pub fn from_units(units: &[Unit]) -> Profile {
        let mut p = Profile::default();
        for u in units {
            if u.is_content() {
                p.content.push(u.folded);
                p.content_exact.push(u.exact);
            } else {
                p.punct.push(u.folded);
                p.punct_exact.push(u.exact);
            }
            p.all_exact.push(u.exact);
        }
        p
    }
}

/// Match percentage (0–100) of `candidate` (a TM source) against `query`; see the module
/// docs for the scale. Symmetric.
pub fn score(query: &str, candidate: &str) -> u8 {
    score_profiles(&Profile::new(query), &Profile::new(candidate))
}

/// [`score`] on profiles, for callers that score one query against many candidates.
pub fn score_profiles(q: &Profile, c: &Profile) -> u8 {
    if q.all_exact == c.all_exact {
        return 100;
    }
    let d_content = strsim::generic_levenshtein(&q.content, &c.content);
    if d_content == 0 {
        let case_differs = q.content_exact != c.content_exact;
        let punct_differs = q.punct_exact != c.punct_exact;
        return match (case_differs, punct_differs) {
            (true, true) => 98,
            _ => 99,
        };
    }
    let sim = similarity_with(d_content, q, c);
    ((sim * 100.0).floor().max(0.0) as u8).min(MAX_FUZZY)
}

/// The weighted similarity in [0, 1] given the content distance.
fn similarity_with(d_content: usize, q: &Profile, c: &Profile) -> f64 {
    let d_punct = strsim::generic_levenshtein(&q.punct, &c.punct);
    let n = q.content.len().max(c.content.len()) as f64
        + PUNCT_WEIGHT * q.punct.len().max(c.punct.len()) as f64;
    if n == 0.0 {
        return 1.0;
    }
    let d = d_content as f64 + PUNCT_WEIGHT * d_punct as f64;
    (1.0 - d / n).max(0.0)
}

/// Upper bound of [`score_profiles`] from the content units as multisets: every unit of the
/// longer side that has no counterpart on the other side costs at least one edit. Much cheaper
/// than the edit distance (a sort and a merge), so [`super::lookup`] uses it to skip candidates
/// that cannot beat the matches it already has. `q_sorted` is `q.content` sorted.
pub fn bag_bound(q: &Profile, q_sorted: &[u64], c: &Profile) -> u8 {
    let mut cs = c.content.clone();
    cs.sort_unstable();
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < q_sorted.len() && j < cs.len() {
        match q_sorted[i].cmp(&cs[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let longest = q_sorted.len().max(cs.len());
    if common == longest {
        return 100; // same content units: possibly only reordered or a formatting difference
    }
    // the punctuation distance only lowers the score, so ignoring it keeps this an upper bound
    let n = longest as f64 + PUNCT_WEIGHT * q.punct.len().max(c.punct.len()) as f64;
    let sim = 1.0 - (longest - common) as f64 / n.max(1.0);
    ((sim * 100.0).floor().max(0.0) as u8).min(MAX_FUZZY)
}

/// Upper bound of [`score_profiles`] from lengths alone (content and punctuation unit counts),
/// used by the index to skip candidates that cannot reach the minimum: every length
/// difference costs at least that many edits.
pub fn score_bound(q_content: usize, q_punct: usize, c_content: usize, c_punct: usize) -> u8 {
    if q_content == c_content {
        return 100; // same length: a formatting-only difference is still possible
    }
    let n = q_content.max(c_content) as f64 + PUNCT_WEIGHT * q_punct.max(c_punct) as f64;
    let d = q_content.abs_diff(c_content) as f64 + PUNCT_WEIGHT * q_punct.abs_diff(c_punct) as f64;
    let sim = (1.0 - d / n).max(0.0);
    ((sim * 100.0).floor() as u8).min(MAX_FUZZY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale() {
        assert_eq!(score("Привет, мир.", "Привет,  мир. "), 100);
        assert_eq!(score("Привет, мир.", "привет, мир."), 99);
        assert_eq!(score("Привет, мир.", "Привет мир!"), 99);
        assert_eq!(score("Привет, мир.", "привет мир!"), 98);
        assert_eq!(score("我们明天去北京。", "我们明天去北京，"), 99);
        assert_eq!(score("我们明天去北京。", "我们明天去北京。"), 100);
        assert_eq!(score("我们明天去北京。", "我们明天去北 京。"), 100);
        assert_eq!(score("我们明天去北京。", "我们明天去上海。"), 73); // 1 − 2/7.5
        assert_eq!(score("a", "b"), 0);
        assert_eq!(score("", ""), 100);
    }

    #[test]
    fn full_width_is_punctuation_only() {
        assert_eq!(score("你好,世界", "你好，世界"), 99);
    }

    #[test]
    fn long_sentence_one_word_caps_at_97() {
        let words: Vec<String> = (0..40).map(|i| format!("слово{i}")).collect();
        let a = words.join(" ");
        let b = a.replace("слово7 ", "сорок ");
        assert_eq!(score(&a, &b), 97);
    }

    #[test]
    fn more_edits_score_lower() {
        let base = "Совет директоров утвердил новый план развития компании на пять лет.";
        let one = "Совет директоров утвердил старый план развития компании на пять лет.";
        let two = "Совет директоров отклонил старый план развития компании на пять лет.";
        assert!(score(base, one) > score(base, two));
        assert_eq!(score(base, one), score(one, base));
    }

    #[test]
    fn bag_bound_is_an_upper_bound() {
        let pairs = [
            ("один два три.", "один два три четыре пять"),
            ("我们明天去北京。", "北京明天我们去"),
            ("a, b, c, d", "a b x y"),
            ("甲乙丙丁戊己庚辛", "甲乙丙丁，戊己庚辛！"),
        ];
        for (a, b) in pairs {
            let (pa, pb) = (Profile::new(a), Profile::new(b));
            let mut sorted = pa.content.clone();
            sorted.sort_unstable();
            assert!(
                score_profiles(&pa, &pb) <= bag_bound(&pa, &sorted, &pb),
                "{a} / {b}"
            );
        }
    }

    #[test]
    fn bound_is_an_upper_bound() {
        let pairs = [
            ("один два три.", "один два три четыре пять"),
            ("我们明天去北京。", "我们去北京"),
            ("a, b, c", "a b c d e f g"),
        ];
        for (a, b) in pairs {
            let (pa, pb) = (Profile::new(a), Profile::new(b));
            let bound = score_bound(
                pa.content.len(),
                pa.punct.len(),
                pb.content.len(),
                pb.punct.len(),
            );
            assert!(score_profiles(&pa, &pb) <= bound, "{a} / {b}");
        }
    }
}

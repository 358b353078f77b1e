//! Fuzzy lookup in a translation memory, the way CAT tools show TM matches.
//!
//! - [`score()`] — the match percentage (100 = identical after whitespace normalisation, 99/98 =
//!   case- or punctuation-only differences, ≤ 97 = the words differ; see [`score`](mod@score)
//!   for the scale), plus 101 for an in-context exact match decided by [`lookup`].
//! - [`Index`] — an n-gram index over the TM sources (character bigrams for Chinese, word
//!   stems for Russian / English) that finds candidates among a million TUs in milliseconds;
//!   [`format`](mod@format) saves it as `FILE.tmx.idx` and [`store`] keeps that file in step
//!   with the TMX.
//! - [`diff`] — which parts of a TM source differ from the query.
//!
//! [`lookup`] takes the best `candidates` (150) units by key overlap, scores them exactly
//! (skipping, once `top` matches are in hand, those whose cheap multiset bound cannot beat
//! them), and returns the best `top` at or above `min`. On a synthetic 1,000,000-TU zh→ru
//! memory (`benches/lookup.rs`) a lookup took ≈ 4–6 ms median, 9–12 ms p95 after the index was
//! loaded, with the index format 2 (≈ 405 MiB on disk, 325 MiB of it the texts) and its
//! postings in memory; format 3 keeps everything but 6 bytes a unit on disk, and a lookup reads
//! the key table blocks and postings of its query's keys and the records of the units it
//! scores (see [`index`](mod@index)); the benchmark has not been re-run since.
//!
//! ```
//! use tmalign::tm::lookup::{lookup, Index, LookupOptions};
//! let tm = Index::from_pairs(
//!     &[("我们明天去北京。", "Завтра мы едем в Пекин."), ("今天天气很好。", "Сегодня хорошая погода.")],
//!     "zh",
//!     "ru",
//! );
//! let found = lookup(&tm, "我们明天去上海。", &LookupOptions::default());
//! assert_eq!(found[0].target, "Завтра мы едем в Пекин.");
//! assert!(found[0].score < 100 && found[0].score >= 70);
//! ```

pub mod diff;
pub mod format;
pub mod index;
pub mod score;
pub mod store;
pub mod units;

pub use diff::{diff as diff_spans, render_ansi, render_markers, Span, SpanKind};
pub use index::{context_hash, Builder, Index, Stamp, Store, StoredEntry};
pub use score::{score, score_profiles, Profile};
pub use store::{index_path, open, IndexOrigin, OpenOptions, Opened};

use serde::Serialize;

/// One TU to index: what the TMX (or a caller with plain pairs) provides.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    /// Source-language text.
    pub source: String,
    /// Target-language text.
    pub target: String,
    /// TU id (`tuid`), if any.
    pub id: Option<String>,
    /// 1-based line of the `<tu>` in the TMX (0 = unknown).
    pub line: usize,
    /// The segment before this one (its context), if known.
    pub prev: Option<String>,
}

/// How to look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupOptions {
    /// Lowest score reported (percent).
    pub min: u8,
    /// Most matches reported.
    pub top: usize,
    /// Candidates taken from the index for exact scoring (more = slower, more thorough).
    pub candidates: usize,
    /// The segment before the query in the caller's document, for 101% matches.
    pub prev: Option<String>,
    /// Whether to compute the diff of each match.
    pub diff: bool,
}

impl Default for LookupOptions {
    fn default() -> Self {
        LookupOptions {
            min: 70,
            top: 5,
            candidates: 150,
            prev: None,
            diff: true,
        }
    }
}

/// One fuzzy match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Match {
    /// Match percentage: 0–100, or 101 for an in-context exact match.
    pub score: u8,
    /// Position of the TU in the memory (0-based, TMX order).
    pub unit: usize,
    /// TU id, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Line of the `<tu>` in the TMX, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The TM source.
    pub source: String,
    /// The TM target (the translation to reuse).
    pub target: String,
    /// How the TM source differs from the query (empty when not asked for).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diff: Vec<Span>,
}

/// Finds the best matches for `query` in `index`: candidates from the n-gram index, scored
/// exactly, those ≥ `min` kept, best first (ties: earlier TU first), at most `top`.
pub fn lookup(index: &Index, query: &str, options: &LookupOptions) -> Vec<Match> {
    let q_units = units::units(query);
    let q_profile = Profile::from_units(&q_units);
    let want = options.candidates.max(options.top);
    let context = options
        .prev
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(context_hash);
    let mut q_sorted = q_profile.content.clone();
    q_sorted.sort_unstable();
    // Candidates come best-first by key overlap; once `top` matches are in hand, a candidate
    // whose cheap multiset bound is below the weakest of them cannot enter the list, and its
    // edit distance is not computed.
    let mut found: Vec<(u8, usize)> = Vec::new();
    let mut floor = options.min;
    for u in index.candidates(&q_units, options.min, want) {
        let u = u as usize;
        let Some(entry) = index.get(u) else { continue };
        let c_profile = Profile::new(&entry.source);
        let bound = match score::bag_bound(&q_profile, &q_sorted, &c_profile) {
            100 => 101, // an exact match may still be in context
            b => b,
        };
        if bound < floor {
            continue;
        }
        let mut s = score_profiles(&q_profile, &c_profile);
        if s == 100 && context.is_some() && entry.context == context {
            s = 101;
        }
        if s < floor {
            continue;
        }
        found.push((s, u));
        if options.top > 0 && found.len() >= options.top {
            found.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            found.truncate(options.top);
            floor = floor.max(found[options.top - 1].0);
        }
    }
    found.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.truncate(options.top);
    found
        .into_iter()
        .filter_map(|(score, unit)| {
            let e = index.get(unit)?;
            let diff = if options.diff {
                diff::diff(&e.source, query)
            } else {
                Vec::new()
            };
            Some(Match {
                score,
                unit,
                id: e.id,
                line: e.line,
                source: e.source,
                target: e.target,
                diff,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tm() -> Index {
        Index::from_pairs(
            &[
                ("第一句。", "Первое."),
                ("我们明天去北京。", "Завтра мы едем в Пекин."),
                ("另一句。", "Другое."),
                ("我们明天去北京。", "Завтра едем в Пекин."),
            ],
            "zh",
            "ru",
        )
    }

    #[test]
    fn in_context_match_scores_101() {
        let idx = tm();
        let mut o = LookupOptions {
            prev: Some("另一句。".into()),
            ..LookupOptions::default()
        };
        let m = lookup(&idx, "我们明天去北京。", &o);
        assert_eq!((m[0].score, m[0].unit), (101, 3));
        assert_eq!((m[1].score, m[1].unit), (100, 1));
        o.prev = None;
        let m = lookup(&idx, "我们明天去北京。", &o);
        assert_eq!((m[0].score, m[0].unit), (100, 1));
        assert_eq!(m[0].diff.len(), 1);
    }

    #[test]
    fn min_and_top() {
        let idx = tm();
        let o = LookupOptions {
            min: 99,
            top: 1,
            ..LookupOptions::default()
        };
        let m = lookup(&idx, "我们明天去北京！", &o);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].score, 99);
        assert!(lookup(&idx, "完全不同的话", &LookupOptions::default()).is_empty());
        assert!(lookup(&idx, "", &LookupOptions::default()).is_empty());
    }
}

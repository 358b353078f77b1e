//! Which parts of a TM source differ from the query: a longest-common-subsequence alignment
//! over the same units the score uses (characters for Chinese, words and punctuation marks
//! otherwise), compared as written so that case changes show too.
//!
//! The result is a list of spans of three kinds: text both share, text only the TM source has
//! ("removed" — the translator must drop it from the TM translation), text only the query has
//! ("added"). [`render_markers`] writes them as `[-removed-]{+added+}`, [`render_ansi`] with
//! terminal colours.

use super::units::{units, Unit};
use serde::Serialize;

/// Beyond this many DP cells (≈ two 2,000-unit segments) the diff falls back to "everything
/// removed, everything added" rather than spend memory on a quadratic table.
const MAX_CELLS: usize = 4_000_000;

/// What a diff span is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanKind {
    /// In both the TM source and the query.
    Same,
    /// Only in the TM source.
    Removed,
    /// Only in the query.
    Added,
}

/// One span of a diff: a kind and its text (with the whitespace that preceded it, so that
/// concatenating the `Same` + `Removed` spans gives back the TM source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Kind.
    pub kind: SpanKind,
    /// Text.
    pub text: String,
}

/// Diffs the TM source `tm` against `query`.
pub fn diff(tm: &str, query: &str) -> Vec<Span> {
    let a = units(tm);
    let b = units(query);
    let ops = lcs_ops(&a, &b);
    let mut spans: Vec<Span> = Vec::new();
    // Each unit is emitted with the whitespace between it and the previous unit of its own
    // side, so that both sides keep their spacing.
    let piece = |text: &str, units: &[Unit], i: usize| -> String {
        let start = if i == 0 { 0 } else { units[i - 1].range.end };
        let gap = &text[start..units[i].range.start];
        let sep = if gap.is_empty() || i == 0 { "" } else { " " };
        format!("{sep}{}", &text[units[i].range.clone()])
    };
    for op in ops {
        let (kind, text) = match op {
            Op::Same(i, _) => (SpanKind::Same, piece(tm, &a, i)),
            Op::Removed(i) => (SpanKind::Removed, piece(tm, &a, i)),
            Op::Added(j) => (SpanKind::Added, piece(query, &b, j)),
        };
        match spans.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(&text),
            _ => spans.push(Span { kind, text }),
        }
    }
    spans
}

/// One step of the alignment: indices into the TM units and / or query units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same(usize, usize),
    Removed(usize),
    Added(usize),
}

/// LCS alignment of `a` (TM) and `b` (query) by exact unit key; removals are listed before
/// additions at each point of difference, which reads naturally as "replace X by Y".
fn lcs_ops(a: &[Unit], b: &[Unit]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    // Common prefix and suffix first: cheap, and usually most of a fuzzy match.
    let mut pre = 0;
    while pre < n && pre < m && a[pre].exact == b[pre].exact {
        pre += 1;
    }
    let mut suf = 0;
    while suf < n - pre && suf < m - pre && a[n - 1 - suf].exact == b[m - 1 - suf].exact {
        suf += 1;
    }
    let (a_mid, b_mid) = (&a[pre..n - suf], &b[pre..m - suf]);
    let mut ops: Vec<Op> = (0..pre).map(|i| Op::Same(i, i)).collect();
    let (h, w) = (a_mid.len(), b_mid.len());
    if (h + 1).saturating_mul(w + 1) > MAX_CELLS {
        ops.extend((0..h).map(|i| Op::Removed(pre + i)));
        ops.extend((0..w).map(|j| Op::Added(pre + j)));
    } else {
        // table[i][j] = LCS length of a_mid[i..] and b_mid[j..]
        let width = w + 1;
        let mut table = vec![0u32; (h + 1) * width];
        for i in (0..h).rev() {
            for j in (0..w).rev() {
                table[i * width + j] = if a_mid[i].exact == b_mid[j].exact {
                    table[(i + 1) * width + j + 1] + 1
                } else {
                    table[(i + 1) * width + j].max(table[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < h || j < w {
            if i < h && j < w && a_mid[i].exact == b_mid[j].exact {
                ops.push(Op::Same(pre + i, pre + j));
                i += 1;
                j += 1;
            } else if i < h && (j == w || table[(i + 1) * width + j] >= table[i * width + j + 1]) {
                ops.push(Op::Removed(pre + i));
                i += 1;
            } else {
                ops.push(Op::Added(pre + j));
                j += 1;
            }
        }
    }
    ops.extend((0..suf).map(|k| Op::Same(n - suf + k, m - suf + k)));
    ops
}

/// `[-removed-]{+added+}` markers around the differing parts; shared text as is.
pub fn render_markers(spans: &[Span]) -> String {
    render_with(spans, ("[-", "-]"), ("{+", "+}"))
}

/// Terminal colours: removed text red and struck through, added text green and underlined.
pub fn render_ansi(spans: &[Span]) -> String {
    render_with(spans, ("\x1b[31;9m", "\x1b[0m"), ("\x1b[32;4m", "\x1b[0m"))
}

/// The spans with removed and added text each between its (open, close) pair.
fn render_with(spans: &[Span], removed: (&str, &str), added: (&str, &str)) -> String {
    let mut out = String::new();
    for s in spans {
        match s.kind {
            SpanKind::Same => out.push_str(&s.text),
            SpanKind::Removed => marked(&mut out, &s.text, removed.0, removed.1),
            SpanKind::Added => marked(&mut out, &s.text, added.0, added.1),
        }
    }
    out
}

/// Pushes `text` wrapped in `open`/`close`, keeping a leading space outside the markers.
fn marked(out: &mut String, text: &str, open: &str, close: &str) {
    let body = text.trim_start();
    out.push_str(&text[..text.len() - body.len()]);
    out.push_str(open);
    out.push_str(body);
    out.push_str(close);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_replacement() {
        let d = diff("the red car is fast", "the blue car is fast");
        assert_eq!(render_markers(&d), "the [-red-] {+blue+} car is fast");
    }

    #[test]
    fn chinese_characters() {
        let d = diff("我们明天去北京。", "我们今天去北京！");
        assert_eq!(render_markers(&d), "我们[-明-]{+今+}天去北京[-。-]{+！+}");
    }

    #[test]
    fn same_and_removed_rebuild_the_tm_side() {
        let tm = "Он пришёл домой, поздно вечером.";
        let d = diff(tm, "Она пришла домой вечером!");
        let rebuilt: String = d
            .iter()
            .filter(|s| s.kind != SpanKind::Added)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(rebuilt, tm);
    }

    #[test]
    fn identical_has_one_span() {
        let d = diff("a b", "a b");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].kind, SpanKind::Same);
        assert!(diff("", "").is_empty());
        assert_eq!(
            render_ansi(&diff("a", "b")),
            "\x1b[31;9ma\x1b[0m\x1b[32;4mb\x1b[0m"
        );
    }

    proptest::proptest! {
        #[test]
        fn spans_rebuild_the_tm_side(tm in "[我们去北京 ab,.，。A]{0,24}", q in "[我们去上海 ab,.！B]{0,24}") {
            let d = diff(&tm, &q);
            let rebuilt: String = d
                .iter()
                .filter(|s| s.kind != SpanKind::Added)
                .map(|s| s.text.as_str())
                .collect();
            proptest::prop_assert_eq!(rebuilt, crate::tm::lookup::units::normalize_whitespace(&tm));
            let score = crate::tm::lookup::score(&tm, &q);
            proptest::prop_assert!(score <= 100);
            proptest::prop_assert_eq!(score, crate::tm::lookup::score(&q, &tm));
            proptest::prop_assert_eq!(score == 100, d.iter().all(|s| s.kind == SpanKind::Same));
        }
    }
}

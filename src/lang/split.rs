//! Spans, streams and the dominant language, built from the pieces of each line.

use super::resolve::{Piece, Resolver};
use super::{Lang, LangSpan, LangStreams};
use std::collections::BTreeMap;

/// Byte range of `text[start..end]` with surrounding whitespace removed.
fn trimmed(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    (start + lead, (end - trail).max(start + lead))
}

/// Non-blank lines of `text` with their byte offsets.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let base = text.as_ptr() as usize;
    text.split('\n')
        .map(move |l| (l.as_ptr() as usize - base, l))
        .filter(|(_, l)| !l.trim().is_empty())
}

/// Language spans of `text`: one per language piece of each line, trimmed. A line without
/// letters takes the language of the span before it (after it, at the start), so the spans
/// cover every non-blank line as long as some text is in a configured language.
pub(crate) fn detect(resolver: &Resolver<'_>, text: &str) -> Vec<LangSpan> {
    let mut spans: Vec<LangSpan> = Vec::new();
    // Letterless lines waiting for a language: (start, end) in `text`.
    let mut pending: Vec<(usize, usize)> = Vec::new();
    let span = |start: usize, end: usize, lang: Lang| LangSpan {
        start,
        end,
        lang,
        text: text[start..end].to_string(),
    };
    for (off, line) in lines(text) {
        let pieces = resolver.pieces(line);
        if pieces.is_empty() {
            let (s, e) = trimmed(text, off, off + line.len());
            match spans.last() {
                Some(prev) => spans.push(span(s, e, prev.lang)),
                None => pending.push((s, e)),
            }
            continue;
        }
        for p in pieces {
            let Some(lang) = p.lang else { continue };
            let (s, e) = trimmed(text, off + p.start, off + p.end);
            if s == e {
                continue;
            }
            if !pending.is_empty() {
                for (ps, pe) in pending.drain(..) {
                    spans.push(span(ps, pe, lang));
                }
            }
            spans.push(span(s, e, lang));
        }
    }
    spans
}

/// Per-language streams of `paragraphs`.
pub(crate) fn split(resolver: &Resolver<'_>, paragraphs: &[String]) -> LangStreams {
    let mut streams: BTreeMap<Lang, Vec<String>> = BTreeMap::new();
    let mut pieces: Vec<(usize, Piece)> = Vec::new();
    for para in paragraphs {
        pieces.clear();
        for (off, line) in lines(para) {
            pieces.extend(resolver.pieces(line).into_iter().map(|p| (off, p)));
        }
        let mut langs = pieces.iter().filter_map(|(_, p)| p.lang);
        let Some(first) = langs.next() else {
            // No letters, or none in a configured language: nothing to give any stream.
            continue;
        };
        if pieces.iter().all(|(_, p)| p.lang == Some(first)) {
            streams
                .entry(first)
                .or_default()
                .push(para.trim().to_string());
            continue;
        }
        // A paragraph carrying several languages gives each its own part, in order: the
        // spans `detect` finds (so letterless lines go with the text before them, as there).
        let mut parts: Vec<(Lang, String)> = Vec::new();
        for span in detect(resolver, para) {
            match parts.iter_mut().find(|(l, _)| *l == span.lang) {
                Some((_, acc)) => {
                    // Chinese parts join as Chinese text does, without a space.
                    if span.lang != Lang::Zh {
                        acc.push(' ');
                    }
                    acc.push_str(&span.text);
                }
                None => parts.push((span.lang, span.text)),
            }
        }
        for (lang, part) in parts {
            streams.entry(lang).or_default().push(part);
        }
    }
    LangStreams { streams }
}

/// The configured language with the most letters in `paragraphs`.
pub(crate) fn dominant(resolver: &Resolver<'_>, paragraphs: &[String]) -> Option<Lang> {
    let mut counts: BTreeMap<Lang, u64> = BTreeMap::new();
    for para in paragraphs {
        for (_, line) in lines(para) {
            for p in resolver.pieces(line) {
                if let Some(lang) = p.lang {
                    *counts.entry(lang).or_default() += u64::from(p.letters);
                }
            }
        }
    }
    // Ties go to the language listed first in `Lang::ALL`.
    counts
        .into_iter()
        .filter(|&(_, n)| n > 0)
        .fold(None, |best: Option<(Lang, u64)>, (l, n)| match best {
            Some((_, b)) if b >= n => best,
            _ => Some((l, n)),
        })
        .map(|(l, _)| l)
}

#[cfg(test)]
mod tests {
    use super::super::detector::Detector;
    use super::*;

    const ALL: &[Lang] = &[Lang::Zh, Lang::Ru, Lang::En];

    fn with<T>(languages: &[Lang], f: impl FnOnce(&Resolver<'_>) -> T) -> T {
        let det = Detector::new(languages);
        f(&Resolver::new(languages, &det))
    }

    #[test]
    fn trims_inside_the_range() {
        assert_eq!(trimmed("  ab  ", 0, 6), (2, 4));
        assert_eq!(trimmed("   ", 0, 3), (3, 3));
    }

    #[test]
    fn detect_spans_are_trimmed_char_boundaries_covering_lines() {
        let text = "中文标题 Русский заголовок\n\n2024\n\nПервый абзац.\n\n第一段。";
        let spans = with(ALL, |r| detect(r, text));
        let langs: Vec<Lang> = spans.iter().map(|s| s.lang).collect();
        assert_eq!(
            langs,
            vec![Lang::Zh, Lang::Ru, Lang::Ru, Lang::Ru, Lang::Zh]
        );
        for s in &spans {
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            assert_eq!(&text[s.start..s.end], s.text);
            assert_eq!(s.text.trim(), s.text);
        }
        assert_eq!(spans[2].text, "2024");
    }

    #[test]
    fn letterless_lines_first_take_the_next_language() {
        let spans = with(ALL, |r| detect(r, "1.\nHello there world"));
        assert_eq!(spans.len(), 2);
        assert!(spans.iter().all(|s| s.lang == Lang::En));
    }

    #[test]
    fn split_heading_and_drops_fragments() {
        let paras: Vec<String> = [
            "习近平主席同俄罗斯总统普京视频会晤 ВСТРЕЧА ПРЕДСЕДАТЕЛЯ КНР СИ ЦЗИНЬПИНА",
            "12",
            "正文。",
            "Текст.",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let s = with(ALL, |r| split(r, &paras)).streams;
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[&Lang::Zh],
            vec!["习近平主席同俄罗斯总统普京视频会晤", "正文。"]
        );
        assert_eq!(
            s[&Lang::Ru],
            vec!["ВСТРЕЧА ПРЕДСЕДАТЕЛЯ КНР СИ ЦЗИНЬПИНА", "Текст."]
        );
    }

    #[test]
    fn letterless_lines_of_a_mixed_paragraph_go_with_the_text_before_them() {
        // Found by the lang_split fuzz target: such lines were lost.
        let paras = vec!["12\ne. В. ПУТИН\n2024\n正文。\n（1）".to_string()];
        let s = with(ALL, |r| split(r, &paras)).streams;
        assert_eq!(s[&Lang::Ru], vec!["12 e. В. ПУТИН 2024"]);
        assert_eq!(s[&Lang::Zh], vec!["正文。（1）"]);
    }

    #[test]
    fn dominant_counts_letters() {
        let paras = vec!["中文".to_string(), "Русский текст".to_string()];
        assert_eq!(with(ALL, |r| dominant(r, &paras)), Some(Lang::Ru));
        assert_eq!(with(&[Lang::Zh], |r| dominant(r, &paras)), Some(Lang::Zh));
        assert_eq!(with(ALL, |r| dominant(r, &["12".to_string()])), None);
    }
}

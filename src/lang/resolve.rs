//! From script runs to language pieces: the rules that decide which language a run is in.
//!
//! * A Han run is Chinese, a Cyrillic run Russian (if that language is configured; text in a
//!   language that is not configured gets no language).
//! * A Latin run is usually *embedded*: a name, an acronym or a product (`AM`, `iPhone 15`,
//!   `Member of the Welsh Parliament` inside Russian) goes with its neighbours.
//! * A Latin run *stands on its own* — and is handed to `lingua` if a Latin-script language
//!   is configured, or gets no language if none is — only when it is the whole line, or it
//!   has at least three words, sits at the
//!   edge of the line or between two different languages, and is long enough compared with the
//!   rest of the line to be a translation of it rather than a quotation (see [`STANDALONE_EDGE`]).
//!   It must also be separated from the other language by a space and not be a quotation
//!   (`他说：“We will…”`) or follow a colon at the end of the line.
//! * Pieces too small to be a paragraph (a lone letter) join a neighbour, and a piece quoted
//!   inside the line's main language (`普京说“Спасибо”，…`) joins it.

use super::detector::Detector;
use super::script::{self, classify, Class, Run, Script};
use super::Lang;

/// An edge Latin run stands on its own if its letters are at least this share of the weight
/// of the rest of the line. Bilingual headings put two translations side by side, so the
/// halves have comparable weight; a name or quotation at the edge of a paragraph is small.
pub(crate) const STANDALONE_EDGE: f64 = 0.5;

/// The same share for a Latin run between two different languages: then it must hold its
/// own against both of them (a third language in a heading is rare; `Desert Island Discs:`
/// before a Russian title is not one).
pub(crate) const STANDALONE_BETWEEN: f64 = 0.25;

/// A Latin run needs at least this many words to stand on its own: two capitalised words
/// at the end of a Chinese line are far more often a name (`嫌疑人 Dyteon Simpson`) than an
/// English half.
pub(crate) const STANDALONE_MIN_WORDS: usize = 3;

/// Pieces with at most this weight never stand alone (a lone letter or Han character).
const TINY_WEIGHT: u32 = 2;

/// A stretch of a line in one language (or in none of the configured ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    /// Byte offset of the first byte, relative to the line.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Its language; `None` if it is in no configured language.
    pub lang: Option<Lang>,
    /// Letters it holds.
    pub letters: u32,
    /// Letters weighted by how much meaning they carry: a Han character counts two.
    pub weight: u32,
}

/// The configured languages, as the resolver needs them.
pub(crate) struct Resolver<'a> {
    zh: bool,
    ru: bool,
    detector: &'a Detector,
}

fn weight(run: &Run) -> u32 {
    match run.script {
        Script::Han => run.letters * 2,
        _ => run.letters,
    }
}

/// Words with at least one Latin letter.
fn latin_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| {
            w.chars()
                .any(|c| classify(c) == Class::Letter(Script::Latin))
        })
        .count()
}

/// Latin letters in `text`.
fn latin_letters(text: &str) -> u32 {
    let n = text
        .chars()
        .filter(|&c| classify(c) == Class::Letter(Script::Latin))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn is_break(c: char) -> bool {
    classify(c) == Class::Space || script::is_separator(c)
}

/// Whether the text starting at `pos` is set off from what precedes it (start of the line,
/// a space, or a separator such as `/` that went to neither side).
fn apart_before(line: &str, pos: usize) -> bool {
    line[..pos].chars().next_back().is_none_or(is_break)
}

/// Whether the text ending at `pos` is set off from what follows it.
fn apart_after(line: &str, pos: usize) -> bool {
    line[pos..].chars().next().is_none_or(is_break)
}

/// Whether a Latin run reads as part of the text beside it rather than as a half of its own:
/// it is written against a neighbour without a space (`他说：“We…”`, `谷歌和Facebook`), it is
/// one quotation from opening to closing mark, or it ends the line after a colon
/// (`Он сказал: We will…`). The halves of a bilingual heading are separated by a space and
/// are not quotations.
fn quoted_or_glued(line: &str, run: &Run, has_left: bool, has_right: bool) -> bool {
    let text = &line[run.start..run.end];
    if (has_left && !apart_before(line, run.start)) || (has_right && !apart_after(line, run.end)) {
        return true;
    }
    if is_quotation(text) {
        return true;
    }
    has_left && !has_right && line[..run.start].trim_end().ends_with([':', '：'])
}

/// Whether `text` is one quotation: it opens with a quote or bracket and closes with one
/// (before any final punctuation).
fn is_quotation(text: &str) -> bool {
    let t = text.trim();
    let opens = t
        .chars()
        .next()
        .is_some_and(|c| matches!(classify(c), Class::Open | Class::Quote | Class::HanPunct));
    let closes = t
        .trim_end_matches([
            '.', ',', '!', '?', ';', ':', '…', '。', '，', '！', '？', '；',
        ])
        .chars()
        .next_back()
        .is_some_and(|c| matches!(classify(c), Class::Close | Class::Quote | Class::HanPunct));
    opens && closes
}

/// Where a trailing Latin run after Chinese really starts, when its first word or two end the
/// Chinese half (`更名为 Ye Kanye West: Rapper changes his name to Ye`): the run is cut before
/// the first word pair that already appeared earlier in the line (a name given in both
/// halves), provided the pair at its very start did not.
fn echo_split(line: &str, run: &Run) -> Option<usize> {
    let text = &line[run.start..run.end];
    let base = text.as_ptr() as usize;
    let tokens: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|t| (t.as_ptr() as usize - base + run.start, t))
        .collect();
    if tokens.len() < 3 {
        return None;
    }
    let earlier = &line[..run.start];
    let pair = |k: usize| -> String {
        let clean = |t: &str| t.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
        format!("{} {}", clean(tokens[k].1), clean(tokens[k + 1].1))
    };
    if earlier.contains(&pair(0)) {
        return None;
    }
    (1..=2)
        .take_while(|&k| k + 2 < tokens.len())
        .find(|&k| {
            let p = pair(k);
            p.len() >= 4 && earlier.contains(&p)
        })
        .map(|k| tokens[k].0)
}

impl<'a> Resolver<'a> {
    /// A resolver for `languages`, asking `detector` about standalone Latin runs.
    pub(crate) fn new(languages: &[Lang], detector: &'a Detector) -> Self {
        Resolver {
            zh: languages.contains(&Lang::Zh),
            ru: languages.contains(&Lang::Ru),
            detector,
        }
    }

    fn script_lang(&self, script: Script) -> Option<Lang> {
        match script {
            Script::Han if self.zh => Some(Lang::Zh),
            Script::Cyrillic if self.ru => Some(Lang::Ru),
            _ => None,
        }
    }

    /// Language pieces of one line, in order, covering it; empty if the line has no letter.
    pub(crate) fn pieces(&self, line: &str) -> Vec<Piece> {
        let runs = script::runs(line);
        let mut out: Vec<Piece> = Vec::with_capacity(runs.len());
        if let [run] = runs.as_slice() {
            // The common case: a monolingual paragraph.
            let lang = match run.script {
                Script::Latin if self.detector.has_latin_language() => self.detector.detect(line),
                Script::Latin => None,
                s => self.script_lang(s),
            };
            out.push(Piece {
                start: 0,
                end: line.len(),
                lang,
                letters: run.letters,
                weight: weight(run),
            });
            return out;
        }
        let total: u32 = runs.iter().map(weight).sum();
        for (i, run) in runs.iter().enumerate() {
            if run.script != Script::Latin {
                push(
                    &mut out,
                    run.start,
                    run.end,
                    self.script_lang(run.script),
                    run,
                );
                continue;
            }
            // Neighbours of a Latin run are never Latin: adjacent runs differ in script.
            let left = i.checked_sub(1).map(|j| self.script_lang(runs[j].script));
            let right = runs.get(i + 1).map(|r| self.script_lang(r.script));
            let edge = left.is_none() || right.is_none();
            // The run, or what is left of it once an echo-split head went to the left.
            let mut run = *run;
            if i > 0 && runs[i - 1].script == Script::Han {
                // A Chinese sentence end inside the run (`iPhone 15。 Apple выпустила`): what
                // comes before it ends the Chinese text.
                if let Some(cut) = chinese_sentence_end(&line[run.start..run.end]) {
                    let cut = run.start + cut;
                    let head_letters = latin_letters(&line[run.start..cut]);
                    let head = Run {
                        end: cut,
                        letters: head_letters,
                        ..run
                    };
                    push(&mut out, run.start, cut, left.flatten(), &head);
                    let rest = &line[cut..run.end];
                    // Spaces and separators after the sentence end belong to neither text.
                    let tail = rest.trim_start_matches(|c: char| is_break(c));
                    run.start = cut + (rest.len() - tail.len());
                    run.letters -= head_letters;
                }
            }
            if edge || left != right {
                let share = if edge {
                    STANDALONE_EDGE
                } else {
                    STANDALONE_BETWEEN
                };
                let own = weight(&run);
                let rest = total - own;
                if latin_words(&line[run.start..run.end]) >= STANDALONE_MIN_WORDS
                    && f64::from(own) >= share * f64::from(rest)
                    && !quoted_or_glued(line, &run, i > 0, i + 1 < runs.len())
                {
                    if right.is_none() && runs[i - 1].script == Script::Han {
                        if let Some(cut) = echo_split(line, &run) {
                            let head_letters = latin_letters(&line[run.start..cut]);
                            let head = Run {
                                end: cut,
                                letters: head_letters,
                                ..run
                            };
                            push(&mut out, run.start, cut, left.flatten(), &head);
                            run.start = cut;
                            run.letters -= head_letters;
                        }
                    }
                    if !self.detector.has_latin_language() {
                        // A half in a language that is not configured: no stream gets it.
                        push(&mut out, run.start, run.end, None, &run);
                        continue;
                    }
                    if let Some(lang) = self.detector.detect(&line[run.start..run.end]) {
                        push(&mut out, run.start, run.end, Some(lang), &run);
                        continue;
                    }
                }
            }
            let lang = match (left, right) {
                (Some(l), None) => l,
                (None, Some(r)) => r,
                (Some(l), Some(r)) if l == r => l,
                (Some(l), Some(r)) => {
                    // Between two languages. CJK punctuation in the run (`更名为 Ye。 Канье`)
                    // means it is part of the Chinese text; otherwise it goes with the side
                    // it is written against, and with the right side (the start of the next
                    // half, as in `自卑 Brexit: Великобритания`) when spaced on both.
                    let text = &line[run.start..run.end];
                    let han_context = text.chars().any(|c| classify(c) == Class::HanPunct);
                    let glued_left = !apart_before(line, run.start);
                    let glued_right = !apart_after(line, run.end);
                    if han_context && runs[i - 1].script == Script::Han {
                        l
                    } else if han_context && runs[i + 1].script == Script::Han {
                        r
                    } else if (glued_left && !glued_right) || ends_sentence(text) {
                        // Written against the left side, or ending its sentence (`Apple
                        // выпустила iPhone 15. 习近平…`).
                        l
                    } else {
                        r
                    }
                }
                (None, None) => None,
            };
            push(&mut out, run.start, run.end, lang, &run);
        }
        absorb(line, &mut out);
        out
    }
}

/// Appends a piece, merging it into the previous one if the language is the same.
fn push(out: &mut Vec<Piece>, start: usize, end: usize, lang: Option<Lang>, run: &Run) {
    let (letters, w) = (run.letters, weight(run));
    if let Some(last) = out.last_mut() {
        if last.lang == lang {
            last.end = end;
            last.letters += letters;
            last.weight += w;
            return;
        }
    }
    out.push(Piece {
        start,
        end,
        lang,
        letters,
        weight: w,
    });
}

/// Where the text after the last Chinese sentence end (`。！？`, with closing marks after it)
/// in `text` starts, if letters follow it.
fn chinese_sentence_end(text: &str) -> Option<usize> {
    let (k, c) = text
        .char_indices()
        .rfind(|&(_, c)| matches!(c, '。' | '！' | '？'))?;
    let after = &text[k + c.len_utf8()..];
    let closes = after
        .char_indices()
        .find(|&(_, c)| !matches!(classify(c), Class::Close | Class::HanPunct))
        .map_or(after.len(), |(j, _)| j);
    let cut = k + c.len_utf8() + closes;
    text[cut..].chars().any(char::is_alphabetic).then_some(cut)
}

/// Whether `text` ends a sentence: final punctuation, possibly inside closing marks.
fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(|c| matches!(classify(c), Class::Close | Class::Quote) || c == '）')
        .ends_with(['。', '！', '？', '.', '!', '?', '…'])
}

/// Whether the text on both sides of `pos` is written together: letters (or quote marks)
/// directly against each other, as a foreign word is written into a sentence (`他说Спасибо`).
/// A number between them (`举行76-я`) or a space is no such tie.
fn letters_touch(line: &str, pos: usize) -> bool {
    let tie = |c: char| {
        c.is_alphabetic()
            || matches!(
                classify(c),
                Class::Open | Class::Close | Class::Quote | Class::HanPunct
            )
    };
    line[..pos].chars().next_back().is_some_and(tie) && line[pos..].chars().next().is_some_and(tie)
}

/// Relabels pieces that belong to the text around them, then merges neighbours of one
/// language. Only pieces outside the line's main language (by weight) are candidates,
/// except tiny ones:
/// * a piece too small to be a paragraph of its own (a lone letter) takes its left
///   neighbour's language (its right one's at the start of the line);
/// * a piece between two pieces of one other language, and lighter than they are together,
///   is a word or phrase quoted inside them (`普京说“Спасибо”，然后…`) — unless it is a
///   sentence of its own after a finished one (`…сотрудничество. 会谈在友好气氛中进行。 …`:
///   a one-paragraph bilingual text alternates sentences);
/// * a piece at the edge written against its neighbour, letters touching, that is a
///   quotation or much lighter than that neighbour, is part of it (`普京说“Спасибо”。`).
fn absorb(line: &str, pieces: &mut Vec<Piece>) {
    if pieces.len() < 2 {
        return;
    }
    let mut langs: Vec<Option<Lang>> = pieces.iter().map(|p| p.lang).collect();
    // Only text outside the line's main language can be embedded in it.
    let main = {
        let mut totals: Vec<(Option<Lang>, u32)> = Vec::new();
        for p in pieces.iter() {
            match totals.iter_mut().find(|(l, _)| *l == p.lang) {
                Some((_, w)) => *w += p.weight,
                None => totals.push((p.lang, p.weight)),
            }
        }
        totals.iter().max_by_key(|&&(_, w)| w).and_then(|&(l, _)| l)
    };
    for (i, p) in pieces.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| &pieces[j]);
        let next = pieces.get(i + 1);
        let relabel = if p.weight <= TINY_WEIGHT {
            Some(match prev {
                Some(_) => langs[i - 1],
                None => next.map_or(p.lang, |n| n.lang),
            })
        } else if p.lang == main {
            None
        } else if let (Some(a), Some(b)) = (prev, next) {
            let text = &line[p.start..p.end];
            // Sentences of their own after a finished sentence alternate with the other
            // language (a one-paragraph bilingual text); a quoted word does not end one.
            let own_sentence = ends_sentence(text) && ends_sentence(&line[a.start..a.end]);
            (a.lang == b.lang
                && (is_quotation(text) || (p.weight < a.weight + b.weight && !own_sentence)))
                .then_some(a.lang)
        } else if let Some(other) = prev.or(next) {
            let text = &line[p.start..p.end];
            let touching = match prev {
                Some(_) => letters_touch(line, p.start),
                None => letters_touch(line, p.end),
            };
            (touching && (is_quotation(text) || p.weight * 2 < other.weight)).then_some(other.lang)
        } else {
            None
        };
        if let Some(lang) = relabel {
            langs[i] = lang;
        }
    }
    let mut merged: Vec<Piece> = Vec::with_capacity(pieces.len());
    for (p, lang) in pieces.iter().zip(langs) {
        match merged.last_mut() {
            Some(last) if last.lang == lang => {
                last.end = p.end;
                last.letters += p.letters;
                last.weight += p.weight;
            }
            _ => merged.push(Piece { lang, ..*p }),
        }
    }
    *pieces = merged;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn langs(line: &str, languages: &[Lang]) -> Vec<(String, Option<Lang>)> {
        let det = Detector::new(languages);
        let r = Resolver::new(languages, &det);
        r.pieces(line)
            .iter()
            .map(|p| (line[p.start..p.end].trim().to_string(), p.lang))
            .collect()
    }

    const ALL: &[Lang] = &[Lang::Zh, Lang::Ru, Lang::En];

    #[test]
    fn latin_inside_chinese_stays_chinese() {
        let p = langs("苹果发布了 iPhone 15，售价 799 美元。", ALL);
        assert_eq!(
            p,
            vec![(
                "苹果发布了 iPhone 15，售价 799 美元。".into(),
                Some(Lang::Zh)
            )]
        );
        let p = langs(
            "一位工党的 AM 表示，他所在的党团担心“ MWP 与 Twp 和 Pwp 押韵\"对于",
            ALL,
        );
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn latin_inside_russian_stays_russian() {
        let line =
            "аббревиатуру MWP (от англ. Member of the Welsh Parliament — член Парламента Уэльса).";
        assert_eq!(langs(line, ALL), vec![(line.into(), Some(Lang::Ru))]);
    }

    #[test]
    fn short_quotation_at_the_edge_stays() {
        let line = "Il faut bien le faire. Так говорят французы, когда нужно сделать что-то неприятное, но необходимое.";
        assert_eq!(langs(line, ALL), vec![(line.into(), Some(Lang::Ru))]);
        let line = "警方表示，嫌疑人 Dyteon Simpson";
        assert_eq!(langs(line, ALL), vec![(line.into(), Some(Lang::Zh))]);
    }

    #[test]
    fn heading_halves() {
        let p = langs(
            "坎耶·维斯特（Kanye West）:饶舌歌手更名为 Ye Kanye West: Rapper changes his name to Ye",
            ALL,
        );
        assert_eq!(
            p,
            vec![
                (
                    "坎耶·维斯特（Kanye West）:饶舌歌手更名为 Ye".into(),
                    Some(Lang::Zh)
                ),
                (
                    "Kanye West: Rapper changes his name to Ye".into(),
                    Some(Lang::En)
                ),
            ]
        );
        let p = langs(
            "荒岛电台：汤姆·戴利觉得在性方面自己很自卑 Desert Island Discs: Том Дейли испытывал чувство неполноценности",
            ALL,
        );
        assert_eq!(p[0].1, Some(Lang::Zh));
        assert_eq!(
            p[1].0,
            "Desert Island Discs: Том Дейли испытывал чувство неполноценности"
        );
    }

    #[test]
    fn latin_between_halves() {
        let p = langs(
            "他更名为 Ye。 Канье Уэст сменил имя на Йе",
            &[Lang::Zh, Lang::Ru],
        );
        assert_eq!(p[0].0, "他更名为 Ye。");
        let p = langs(
            "英国将懊悔不已 Brexit: Великобритания пожалеет",
            &[Lang::Zh, Lang::Ru],
        );
        assert_eq!(p[1].0, "Brexit: Великобритания пожалеет");
        let p = langs("谷歌和Facebook Изобретатель сети", &[Lang::Zh, Lang::Ru]);
        assert_eq!(p[0].0, "谷歌和Facebook");
    }

    #[test]
    fn quotations_at_the_edge_stay() {
        for line in [
            "他说：“We will never give up on this fight for freedom.”",
            "他说： “We will never give up on this fight for freedom.”",
            "Он сказал: We will never give up on this fight.",
            "Он сказал «We will never give up on this fight».",
        ] {
            let p = langs(line, ALL);
            assert_eq!(p.len(), 1, "{line}: {p:?}");
        }
    }

    #[test]
    fn english_half_without_english_configured_goes_nowhere() {
        let p = langs(
            "叙利亚外长表示，叙利亚已做好准备让难民回国 Syria 'ready' for refugees to return, says Foreign Minister",
            &[Lang::Zh, Lang::Ru],
        );
        assert_eq!(
            p[0],
            (
                "叙利亚外长表示，叙利亚已做好准备让难民回国".into(),
                Some(Lang::Zh)
            )
        );
        assert_eq!(p[1].1, None);
    }

    #[test]
    fn latin_paragraph_without_latin_language_has_none() {
        let p = langs("Welsh AMs worried", &[Lang::Zh, Lang::Ru]);
        assert_eq!(p, vec![("Welsh AMs worried".into(), None)]);
        let p = langs("Welsh AMs worried", ALL);
        assert_eq!(p[0].1, Some(Lang::En));
    }

    #[test]
    fn russian_quoted_in_chinese_stays_chinese() {
        for line in [
            "普京说“Спасибо большое”，然后离开了会场。",
            "普京说“Спасибо большое”。",
            "Путин сказал «谢谢» и ушёл со сцены.",
        ] {
            let p = langs(line, ALL);
            assert_eq!(p.len(), 1, "{line}: {p:?}");
        }
    }

    #[test]
    fn lone_letters_join_a_neighbour() {
        let p = langs("Это я 中 и ты", ALL);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].1, Some(Lang::Ru));
    }
}

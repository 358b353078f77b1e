//! Sentence boundaries with no punctuation at all: a headline glued to the first sentence of
//! its article (`… добычей лобстеров По сообщениям …`) and web or wire boilerplate run into the
//! text around it (`责任编辑：王明ABC位列第二`). Such text comes from pages whose line breaks
//! were lost (copy and paste, OCR, scraped HTML with block tags stripped).
//!
//! Both rules run after the punctuation scan and only add cuts. Headlines are recognised in
//! languages with letter case: a capitalised closed-class word (`По`, `Он`, `There`) after a
//! word that ends in a lower-case letter or a closing quote, outside any quotation or
//! bracket. Chinese has no such cue; there the aligner splits a glued Chinese sentence using
//! the other side's break (`align::resplit`).

use super::rules::{BoilerTail, Boilerplate, LangRules, NEWS_SOURCES};
use crate::lang::is_han;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashSet;

/// The glued-sentence tables of one language, prepared for lookup.
#[derive(Debug)]
pub(crate) struct GluedRules {
    /// [`LangRules::glued_starters`] as a set.
    starters: HashSet<&'static str>,
    /// All boilerplate leads at once (one pass over the paragraph, longest lead first:
    /// `本文来源：` before `来源：`).
    leads: Option<AhoCorasick>,
}

impl GluedRules {
    /// Whether `word` is one of the language's glued sentence starters.
    pub(crate) fn is_starter(&self, word: &str) -> bool {
        self.starters.contains(word)
    }

    /// Prepares the tables of `rules`.
    pub(crate) fn new(rules: &LangRules) -> Self {
        let leads = (!rules.boilerplate.is_empty())
            .then(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(rules.boilerplate.iter().map(|b| b.lead))
                    .ok()
            })
            .flatten();
        GluedRules {
            starters: rules.glued_starters.iter().copied().collect(),
            leads,
        }
    }
}

/// Longest glued starter in bytes, with room to spare (`По-видимому` is 21).
const MAX_STARTER_BYTES: usize = 32;

/// Most words a boilerplate credit (`Фото: пресс-служба Кремля`) is taken to have.
const MAX_CREDIT_WORDS: usize = 6;

/// Whether the whole of `sentence` (trimmed) is one boilerplate phrase or editorial mark of
/// the language (`责任编辑：王明`, `（完）`, `Поделиться`, `Фото: пресс-служба`): such a segment
/// usually has no counterpart in a translation.
pub(crate) fn is_boilerplate(rules: &LangRules, glued: &GluedRules, sentence: &str) -> bool {
    let t = sentence.trim();
    if t.is_empty() {
        return false;
    }
    if rules.standalone_marks.contains(&t) {
        return true;
    }
    let Some(leads) = &glued.leads else {
        return false;
    };
    // Brackets around the phrase (`（责任编辑：王明）`) are part of it.
    let inner = t
        .strip_prefix(['（', '(', '【'])
        .and_then(|x| x.strip_suffix(['）', ')', '】']))
        .unwrap_or(t);
    let Some(m) = leads.find(inner) else {
        return false;
    };
    if m.start() != 0 {
        return false;
    }
    let bp = &rules.boilerplate[m.pattern().as_usize()];
    if phrase_end(bp, &glued.starters, inner, m.end()) == Some(inner.len()) {
        return true;
    }
    // A whole segment needs no exact extent: any short credit after a lead that takes one
    // (`Фото: Иван Петров / ТАСС`), but not a sentence that happens to begin like a lead
    // (`Источник: в правительстве заявили, что …`).
    let rest = inner[m.end()..].trim();
    bp.tail != BoilerTail::Nothing
        && !rest.is_empty()
        && rest.chars().count() <= 40
        && rest.split_whitespace().count() <= 4
        && !rest.ends_with(['.', '。', '!', '！', '?', '？'])
}

/// Cuts for glued sentences and boilerplate, merged with the punctuation `cuts` (sorted,
/// without duplicates).
pub(crate) fn add_glued_cuts(
    rules: &LangRules,
    glued: &GluedRules,
    p: &str,
    cuts: Vec<usize>,
) -> Vec<usize> {
    let mut out = cuts;
    if !glued.starters.is_empty() {
        let extra = starter_cuts(rules, &glued.starters, p, &out);
        merge(&mut out, extra);
    }
    if let Some(leads) = &glued.leads {
        let extra = boilerplate_cuts(rules, leads, &glued.starters, p, &out);
        merge(&mut out, extra);
    }
    out
}

fn merge(cuts: &mut Vec<usize>, extra: Vec<usize>) {
    if extra.is_empty() {
        return;
    }
    cuts.extend(extra);
    cuts.sort_unstable();
    cuts.dedup();
}

/// The sentence start (last cut at or before `i`, else 0).
fn sentence_start(cuts: &[usize], i: usize) -> usize {
    match cuts.binary_search(&i) {
        Ok(k) => cuts[k],
        Err(0) => 0,
        Err(k) => cuts[k - 1],
    }
}

/// Whether `p[start..end]` leaves no quotation or bracket open.
fn balanced(s: &str) -> bool {
    let (mut guil, mut paren, mut curly, mut ascii) = (0i32, 0i32, 0i32, 0u32);
    for c in s.chars() {
        match c {
            '«' => guil += 1,
            '»' => guil -= 1,
            '(' | '（' => paren += 1,
            ')' | '）' => paren -= 1,
            '“' => curly += 1,
            '”' => curly -= 1,
            '"' => ascii += 1,
            _ => {}
        }
    }
    guil <= 0 && paren <= 0 && curly <= 0 && ascii % 2 == 0
}

/// The word at the start of `s`: letters, digits, inner hyphens.
fn leading_word(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|&(k, c)| !(c.is_alphanumeric() || (c == '-' && k > 0)))
        .map_or(s.len(), |(k, _)| k);
    s[..end].trim_end_matches('-')
}

/// The word ending at the end of `s` (letters and hyphens).
fn trailing_word(s: &str) -> &str {
    let start = s
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphabetic() || c == '-'))
        .map_or(0, |(k, c)| k + c.len_utf8());
    &s[start..]
}

fn is_upper_initial(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn is_all_caps(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() > 1 && w.chars().all(|c| !c.is_lowercase())
}

/// Closing quotes and brackets that may end a glued headline.
fn closes_headline(c: char) -> bool {
    matches!(c, '»' | '”' | '"' | '\'' | '’' | ')')
}

fn starter_cuts(
    rules: &LangRules,
    starters: &HashSet<&'static str>,
    p: &str,
    cuts: &[usize],
) -> Vec<usize> {
    let b = p.as_bytes();
    let mut out = Vec::new();
    // `match_indices` on a char finds the spaces with a vectorised byte search; this pass
    // runs over every Russian and English paragraph, so it must stay cheap.
    for (ws, _) in p.match_indices(' ') {
        let i = ws + 1;
        // Cheap byte test first: an ASCII capital or a Cyrillic capital (D0 81, D0 90–AF).
        let upper_lead = i < b.len()
            && (b[i].is_ascii_uppercase()
                || (b[i] == 0xD0
                    && i + 1 < b.len()
                    && (b[i + 1] == 0x81 || (0x90..=0xAF).contains(&b[i + 1]))));
        if !upper_lead {
            continue;
        }
        // A starter is a short word followed by a space or a comma: find that end in a few
        // bytes instead of classifying every character of every capitalised word.
        let Some(len) = b[i..b.len().min(i + MAX_STARTER_BYTES)]
            .iter()
            .position(|&c| c == b' ' || c == b',')
        else {
            continue;
        };
        let rest = &p[i..];
        let word = &rest[..len];
        if !starters.contains(word) {
            continue;
        }
        let after = &rest[word.len()..];
        if !(after.starts_with(' ') || after.starts_with(',')) {
            // `С.` is an initial, `В-третьих` another word.
            continue;
        }
        let next = leading_word(after.trim_start_matches([' ', ',']));
        if next.is_empty()
            || (word.chars().count() == 1
                && next.chars().count() < 2
                && !next.chars().all(|c| c.is_ascii_digit()))
        {
            // `В и С`, `А б`: a one-letter label, not a preposition.
            continue;
        }
        if matches!(word, "Его" | "Ее" | "Её" | "Их" | "His" | "Her" | "Their")
            && is_upper_initial(next)
        {
            // `службе Её Величества`, `His Majesty`: a title, not a new sentence.
            continue;
        }
        if word.chars().count() == 1 && matches!(next, "и" | "или" | "and" | "or") {
            // `группы В и С`.
            continue;
        }
        let before = &p[..ws];
        let Some(prev) = before.chars().next_back() else {
            continue;
        };
        let prev_word = trailing_word(before.trim_end_matches(closes_headline));
        if word.chars().count() == 1
            && is_upper_initial(prev_word)
            && prev_word.chars().count() <= 5
        {
            // `Ван И провёл`, `Ли И`: a one-letter syllable of a transliterated Chinese or
            // Korean name (Palladius syllables have at most five letters), not `И` "and".
            continue;
        }
        // After an acronym (`юго-запада США Согласно …`) only a word of two letters or more:
        // `США В` may be a label.
        let acronym = is_all_caps(prev_word) && word.chars().nth(1).is_some();
        if !(prev.is_lowercase() || closes_headline(prev) || acronym) {
            continue;
        }
        if rules.name_cues.contains(&prev_word.to_lowercase().as_str()) {
            continue;
        }
        let start = sentence_start(cuts, ws);
        let sentence = &p[start..ws];
        if sentence.split_whitespace().count() < 2 || !balanced(sentence) {
            continue;
        }
        out.push(ws);
    }
    out
}

fn boilerplate_cuts(
    rules: &LangRules,
    leads: &AhoCorasick,
    starters: &HashSet<&'static str>,
    p: &str,
    cuts: &[usize],
) -> Vec<usize> {
    let mut out = Vec::new();
    for m in leads.find_iter(p) {
        let bp = &rules.boilerplate[m.pattern().as_usize()];
        let pos = m.start();
        let body = m.end();
        if !bp.anywhere && !at_sentence_start(p, pos, cuts) {
            continue;
        }
        let Some(end) = phrase_end(bp, starters, p, body) else {
            continue;
        };
        let (mut from, mut to) = (pos, end);
        // `（责任编辑：王明）`: the brackets go with the phrase.
        let opener = p[..from].chars().next_back();
        let closer = p[to..].chars().next();
        if matches!(
            (opener, closer),
            (Some('（'), Some('）')) | (Some('('), Some(')')) | (Some('【'), Some('】'))
        ) {
            from -= opener.map_or(0, char::len_utf8);
            to += closer.map_or(0, char::len_utf8);
        }
        out.push(from);
        out.push(to);
    }
    out
}

/// Whether only whitespace separates `pos` from the paragraph start or a cut.
fn at_sentence_start(p: &str, pos: usize, cuts: &[usize]) -> bool {
    let start = sentence_start(cuts, pos);
    p[start..pos].trim().is_empty()
}

/// Where the boilerplate phrase whose lead ends at `body` ends, or `None` when the text there
/// is not the phrase after all.
fn phrase_end(
    bp: &Boilerplate,
    starters: &HashSet<&'static str>,
    p: &str,
    body: usize,
) -> Option<usize> {
    let rest = &p[body..];
    match bp.tail {
        BoilerTail::Nothing => {
            let letter_lead = bp
                .lead
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphabetic() && !is_han(c));
            if letter_lead {
                // `Реклама` is also a noun: a phrase only before a capitalised word or at
                // the end, and not inside a longer word.
                let next = rest.trim_start();
                if rest.starts_with(|c: char| c.is_alphanumeric())
                    || !(next.is_empty() || is_upper_initial(next))
                {
                    return None;
                }
            }
            Some(body)
        }
        BoilerTail::Source => {
            let lead_ws = rest.len() - rest.trim_start().len();
            let src = NEWS_SOURCES
                .iter()
                .find(|s| rest[lead_ws..].starts_with(*s))?;
            Some(body + lead_ws + src.len())
        }
        BoilerTail::PersonName => {
            let lead_ws = rest.len() - rest.trim_start().len();
            let name = &rest[lead_ws..];
            let n = person_name_len(name)?;
            let bytes: usize = name.chars().take(n).map(char::len_utf8).sum();
            Some(body + lead_ws + bytes)
        }
        BoilerTail::Credit => {
            let mut end = body;
            let mut prev: Option<&str> = None;
            let mut words = 0;
            let mut k = body;
            while words < MAX_CREDIT_WORDS {
                let ws = p[k..].len() - p[k..].trim_start().len();
                let start = k + ws;
                if start >= p.len() {
                    break;
                }
                let tok_len = p[start..]
                    .find(char::is_whitespace)
                    .unwrap_or(p.len() - start);
                let tok = &p[start..start + tok_len];
                if let Some(prev) = prev {
                    let word = leading_word(tok.trim_start_matches(['«', '"', '“']));
                    // A capitalised word that ends the sentence is the credit's own
                    // (`пресс-служба Кремля.`, `ИА Синьхуа.`), not a glued sentence.
                    let closes = tok.ends_with(['.', '!', '?']) && !starters.contains(word);
                    if is_upper_initial(tok)
                        && !closes
                        && (starters.contains(word) || !is_upper_initial(prev) || is_all_caps(prev))
                    {
                        break;
                    }
                }
                end = start + tok_len;
                words += 1;
                if tok.ends_with(['.', '!', '?']) {
                    break;
                }
                prev = Some(tok);
                k = end;
            }
            (end > body).then_some(end)
        }
    }
}

/// Characters of a Chinese personal name at the start of `s` (two or three), or `None` when
/// no name is there. Given names run straight into the next sentence, so when more Chinese
/// follows, the word segmenter decides between `王明|即便` and `欧阳明|表示`.
fn person_name_len(s: &str) -> Option<usize> {
    let han: Vec<char> = s.chars().take_while(|&c| is_han(c)).take(12).collect();
    match han.len() {
        0 | 1 => None,
        2 | 3 => Some(han.len()),
        _ => {
            let head: String = han.iter().collect();
            let words = crate::glossary::zh::jieba().cut(&head, true);
            let lens: Vec<usize> = words.iter().map(|w| w.word.chars().count()).collect();
            Some(match lens.as_slice() {
                [2 | 3, ..] => lens[0],
                [1, 1 | 2, ..] => 1 + lens[1],
                _ => 2,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::segment::segmenter_for;
    use crate::Lang;

    fn seg(lang: Lang, text: &str) -> Vec<String> {
        segmenter_for(lang)
            .sentences(text)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn starters_fit_the_byte_window() {
        for lang in [Lang::Ru, Lang::En] {
            for w in crate::segment::rules::rules_for(lang).glued_starters {
                assert!(w.len() < super::MAX_STARTER_BYTES, "{w}");
            }
        }
    }

    #[test]
    fn russian_headline_glued_to_article() {
        assert_eq!(
            seg(
                Lang::Ru,
                "В Калифорнии акула ранила ныряльщика По сообщениям властей, мальчик выжил."
            ),
            vec![
                "В Калифорнии акула ранила ныряльщика",
                "По сообщениям властей, мальчик выжил."
            ]
        );
        assert_eq!(
            seg(
                Lang::Ru,
                "Ураган принесёт ливни на юго-запад США Согласно прогнозу, он ослабеет."
            )
            .len(),
            2
        );
        assert_eq!(
            seg(
                Lang::Ru,
                "Члены Ассамблеи не хотят «походить на маппетов» Среди членов зреет недовольство."
            )
            .len(),
            2
        );
    }

    #[test]
    fn russian_capitals_that_are_not_sentence_starts() {
        for text in [
            "Президент России Владимир Путин заявил об этом.",
            "Об этом сообщила газета Это не так.",
            "Сборная в группе В и С сыграла.",
            "Матч прошёл по плану А затем команды ушли.",
            "Он прочитал роман «Война и мир В огне» вчера.",
            "Это сказал С. Лавров на встрече.",
            "Он служил в секретной службе Её Величества много лет.",
            "Министр иностранных дел КНР Ван И провёл переговоры в Москве.",
            "Мы спросили: «Почему вы молчите Он не ответил», — сказал он.",
        ] {
            assert_eq!(seg(Lang::Ru, text), vec![text], "{text}");
        }
    }

    #[test]
    fn english_headline_glued_to_article() {
        assert_eq!(
            seg(
                Lang::En,
                "Welsh AMs worried about 'looking like muppets' There is consternation among AMs."
            ),
            vec![
                "Welsh AMs worried about 'looking like muppets'",
                "There is consternation among AMs."
            ]
        );
        let text = "The story was reported by The Times on Monday.";
        assert_eq!(seg(Lang::En, text), vec![text]);
    }

    #[test]
    fn chinese_boilerplate_stands_apart() {
        assert_eq!(
            seg(Lang::Zh, "比赛结束。责任编辑：王明ABC位列第二。"),
            vec!["比赛结束。", "责任编辑：王明", "ABC位列第二。"]
        );
        assert_eq!(
            seg(Lang::Zh, "点击查看更多图片马其顿人将进行全民公投。"),
            vec!["点击查看更多图片", "马其顿人将进行全民公投。"]
        );
        assert_eq!(
            seg(Lang::Zh, "本文来源：新华社佐科先生还面临压力。"),
            vec!["本文来源：新华社", "佐科先生还面临压力。"]
        );
        assert_eq!(
            seg(Lang::Zh, "他说了这些话（责任编辑：李华）"),
            vec!["他说了这些话", "（责任编辑：李华）"]
        );
        // Not a source line: `资金来源` in running text.
        let text = "资金来源：企业自筹和银行贷款。";
        assert_eq!(seg(Lang::Zh, text), vec![text]);
    }

    #[test]
    fn whole_boilerplate_segments_are_recognised() {
        use crate::segment::is_boilerplate;
        for (lang, t) in [
            (Lang::Zh, "责任编辑：王明"),
            (Lang::Zh, "（责任编辑：李华）"),
            (Lang::Zh, "本文来源：新华社"),
            (Lang::Zh, "点击查看更多图片"),
            (Lang::Zh, "（完）"),
            (Lang::Ru, "Поделиться"),
            (Lang::Ru, "Фото: пресс-служба"),
            (Lang::Ru, "Источник: ТАСС"),
            (Lang::En, "Read more:"),
            (Lang::En, "Share this article"),
            (Lang::Zh, "【纠错】"),
            (Lang::Ru, " Источник: ТАСС"),
            (Lang::Ru, "Фото: Иван Петров / ТАСС"),
        ] {
            assert!(is_boilerplate(lang, t), "{t}");
        }
        for (lang, t) in [
            (Lang::Zh, "责任编辑：王明表示反对。"),
            (Lang::Zh, "资金来源：企业自筹。"),
            (Lang::Ru, "Реклама стала дороже."),
            (Lang::Ru, "Поделиться опытом полезно."),
            (Lang::Ru, "Источник в правительстве сообщил об этом."),
            (
                Lang::Ru,
                "Источник: в правительстве заявили, что решение уже принято.",
            ),
            (Lang::Zh, "年鉴：盖革计数器发明人"),
        ] {
            assert!(!is_boilerplate(lang, t), "{t}");
        }
    }

    #[test]
    fn russian_boilerplate_stands_apart() {
        assert_eq!(
            seg(
                Lang::Ru,
                "Дожди пришли. Фото: пресс-служба Это первые осадки сезона."
            ),
            vec![
                "Дожди пришли.",
                "Фото: пресс-служба",
                "Это первые осадки сезона."
            ]
        );
        assert_eq!(
            seg(Lang::Ru, "Всё прошло. Реклама Мэй заявила о планах."),
            vec!["Всё прошло.", "Реклама", "Мэй заявила о планах."]
        );
        let text = "Реклама стала дороже.";
        assert_eq!(seg(Lang::Ru, text), vec![text]);
        assert_eq!(
            seg(Lang::Ru, "Итоги. Источник: ТАСС Премьер-министр уехал."),
            vec!["Итоги.", "Источник: ТАСС", "Премьер-министр уехал."]
        );
        // credit lines that end with their own full stop stay whole
        assert_eq!(
            seg(Lang::Ru, "Лидеры встретились. Источник: ИА Синьхуа."),
            vec!["Лидеры встретились.", "Источник: ИА Синьхуа."]
        );
        assert_eq!(
            seg(
                Lang::Ru,
                "Фото: пресс-служба Кремля. Президент провёл совещание."
            ),
            vec!["Фото: пресс-служба Кремля.", "Президент провёл совещание."]
        );
    }
}

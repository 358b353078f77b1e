//! Paragraph structure: plain-text paragraphs, OCR fragment repair, boilerplate, duplicates.
//!
//! ## Plain text paragraphs
//! A blank line (also one holding only odd spaces) ends a paragraph; so does an indented line
//! (`　　`, two spaces or a tab: Chinese texts often mark paragraphs that way without blank
//! lines, as in the second copy of the speech-db seed). A single newline inside a block is a
//! paragraph break in *line* mode and a soft break in *wrapped* mode. The mode is decided for
//! the whole document: if fewer than half of the unindented in-block line breaks follow
//! sentence-final punctuation, lines are hard-wrapped and are joined.
//!
//! ## OCR fragments (plain text only)
//! OCR'd newspapers break paragraphs mid-sentence at columns and pages (`…百年变` / `局加速演进…`,
//! `сотруд-` / `ничество`). Two neighbouring paragraphs A, B are joined when
//! * B starts with a lowercase letter and A ends with a letter or a hyphen (Latin or
//!   Cyrillic: a new paragraph never starts in lowercase right after a word; after a comma
//!   it can be a deliberate split, as in NTREX), or
//! * the document looks OCR'd (ASCII commas between hanzi outnumber `，`: clean Chinese text
//!   has paragraphs that merely lack a final `。`, which must stay apart), A ends with a CJK
//!   ideograph (no closing punctuation at all), A already contains clause
//!   punctuation (`，,、；;：:` — so it is a broken sentence, not a headline or a byline like
//!   `新华社发` / `倪四义 范伟国`), B starts with an ideograph that does not open a numbered
//!   item (`一、`), and A is not in the heading block at the top of the document (everything
//!   before the first paragraph that ends a sentence: headlines there carry commas too).
//!
//! Joining uses [`push_line`]: CJK without a space, others with one, hyphenated words mended.
//! A line break where the text changes from mostly Han to mostly Cyrillic letters or back
//! ([`script_changes`]) is never joined: a paragraph is in one language.

use super::normalize::{is_cjk, normalize_into, push_line, push_line_or_break, script_changes};
use super::Metadata;
use std::collections::HashSet;

/// Characters that end a sentence (or close one) — a line ending in them is complete.
fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '。' | '！'
            | '？'
            | '!'
            | '?'
            | '.'
            | '…'
            | '；'
            | ';'
            | '”'
            | '"'
            | '’'
            | '」'
            | '』'
            | '）'
            | ')'
            | '》'
            | '»'
            | '】'
            | ']'
    )
}

/// Strictly sentence-final (used for the heading block test: a headline may end in `”`).
fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(['”', '"', '’', '」', '』', '）', ')', '»']);
    t.ends_with(['。', '！', '？', '!', '?', '.', '…'])
}

/// A CJK ideograph (not CJK punctuation or full-width forms).
fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

/// One source line; its normalised text is `buf[start..end]` (one buffer for all lines
/// saves an allocation per line).
struct Line {
    start: usize,
    end: usize,
    indented: bool,
    blank_before: bool,
}

/// Splits plain text into paragraphs (normalised) and repairs OCR fragments.
pub fn plain_paragraphs(text: &str) -> Vec<String> {
    let mut buf = String::with_capacity(text.len());
    let mut lines: Vec<Line> = Vec::new();
    let mut blank = true;
    for raw in text.lines() {
        let start = buf.len();
        normalize_into(raw, &mut buf);
        if buf.len() == start {
            blank = true;
            continue;
        }
        let indented = raw.starts_with(['\u{3000}', '\t']) || raw.starts_with("  ");
        lines.push(Line {
            start,
            end: buf.len(),
            indented,
            blank_before: blank,
        });
        blank = false;
    }

    // Wrapped or one paragraph per line?
    let (mut breaks, mut complete) = (0usize, 0usize);
    for w in lines.windows(2) {
        if !w[1].blank_before && !w[1].indented {
            breaks += 1;
            if buf[w[0].start..w[0].end]
                .chars()
                .next_back()
                .is_some_and(is_terminal)
            {
                complete += 1;
            }
        }
    }
    let wrapped = breaks > 0 && complete * 2 < breaks;
    let headings = if wrapped {
        heading_lines(&buf, &lines)
    } else {
        Vec::new()
    };

    // (paragraph, whether it started with indentation)
    let mut paragraphs: Vec<(String, bool)> = Vec::new();
    let mut cur = String::new();
    let mut cur_indented = false;
    let mut after_heading = false;
    for (k, line) in lines.iter().enumerate() {
        let new_paragraph = line.blank_before || line.indented || !wrapped || after_heading;
        if new_paragraph && !cur.is_empty() {
            paragraphs.push((std::mem::take(&mut cur), cur_indented));
        }
        if cur.is_empty() {
            cur_indented = line.indented;
        }
        if let Some(done) = push_line_or_break(&mut cur, &buf[line.start..line.end]) {
            paragraphs.push((done, cur_indented));
            cur_indented = false;
        }
        after_heading = headings.binary_search(&k).is_ok();
    }
    if !cur.is_empty() {
        paragraphs.push((cur, cur_indented));
    }
    let ocr = looks_like_ocr(text);
    join_fragments(paragraphs, ocr)
}

/// Display columns of a line (CJK characters are two columns wide), to compare line lengths
/// across scripts.
fn columns(s: &str) -> usize {
    s.chars().map(|c| if is_cjk(c) { 2 } else { 1 }).sum()
}

/// Narrowest wrap width (columns) at which a short first line is taken for a heading: in
/// narrow columns a normal first line can be short too.
const MIN_WRAP_COLUMNS: usize = 40;

/// In hard-wrapped text, the indices of lines that are headings over the block they open
/// (`ВСТРЕЧА ЛИДЕРОВ` then the wrapped paragraph, with no blank line between): the first line
/// of a block, at most half the wrap width, not ending in punctuation that continues, and
/// followed by a line that does not start in lower case.
fn heading_lines(buf: &str, lines: &[Line]) -> Vec<usize> {
    // The wrap width: the median length of lines that continue into the next one.
    let mut widths: Vec<usize> = lines
        .windows(2)
        .filter(|w| !w[1].blank_before && !w[1].indented)
        .map(|w| columns(&buf[w[0].start..w[0].end]))
        .collect();
    if widths.is_empty() {
        return Vec::new();
    }
    let mid = widths.len() / 2;
    let width = *widths.select_nth_unstable(mid).1;
    if width < MIN_WRAP_COLUMNS {
        return Vec::new();
    }
    let mut out = Vec::new();
    for k in 0..lines.len().saturating_sub(1) {
        let (line, next) = (&lines[k], &lines[k + 1]);
        let first_of_block = k == 0 || line.blank_before || line.indented;
        if !first_of_block || next.blank_before || next.indented {
            continue;
        }
        let text = &buf[line.start..line.end];
        let Some(last) = text.chars().next_back() else {
            continue;
        };
        let continues = matches!(
            last,
            ',' | '，' | '、' | ':' | '：' | '-' | '—' | '–' | ';' | '；' | '(' | '（' | '«' | '“'
        );
        let next_first = buf[next.start..next.end]
            .chars()
            .find(|c| c.is_alphabetic());
        if columns(text) * 2 <= width
            && !continues
            && !is_terminal(last)
            && !next_first.is_some_and(char::is_lowercase)
        {
            out.push(k);
        }
    }
    out
}

/// Whether Chinese text looks OCR'd: ASCII commas between hanzi outnumber full-width ones.
/// Typeset or typed Chinese uses `，`; OCR engines emit `,` — and OCR output is where
/// paragraphs break mid-sentence at columns and pages. Clean text also has paragraphs that
/// merely lack a final `。` (a headline, a translator's omission), so the CJK fragment rule
/// must not run there (on the NTREX zh documents it would glue real paragraphs).
fn looks_like_ocr(text: &str) -> bool {
    let mut end = text.len().min(256 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let full_width = sample.matches('，').count();
    let mut ascii = 0;
    for (i, _) in sample.match_indices(',') {
        let before = sample[..i].chars().next_back();
        let after = sample[i + 1..].chars().next();
        if before.is_some_and(is_ideograph) && after.is_some_and(is_ideograph) {
            ascii += 1;
        }
    }
    ascii >= 3 && ascii > full_width
}

/// Joins paragraphs that are fragments of one (see the module doc).
fn join_fragments(paragraphs: Vec<(String, bool)>, ocr: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(paragraphs.len());
    let mut in_heading_block = true;
    for (p, indented) in paragraphs {
        // A photo credit ends in an ideograph (`… 黄敬文 摄`) but ends no sentence: cut it
        // first so that it does not look like a broken line.
        let p = cut_photo_credit(p);
        if p.is_empty() {
            continue;
        }
        if let Some(prev) = out.last_mut() {
            // An indented line starts a paragraph by the author's own marking.
            // A change of language is never a broken line, whatever the case of the letters.
            if !indented
                && is_continuation(prev, &p, in_heading_block, ocr)
                && !script_changes(prev, &p)
            {
                push_line(prev, &p);
                if ends_sentence(prev) {
                    in_heading_block = false;
                }
                continue;
            }
        }
        if ends_sentence(&p) {
            in_heading_block = false;
        }
        out.push(p);
    }
    out
}

/// Whether `b` continues the sentence that `a` breaks off.
fn is_continuation(a: &str, b: &str, a_in_heading_block: bool, ocr: bool) -> bool {
    let (Some(last), Some(first)) = (a.chars().next_back(), b.chars().next()) else {
        return false;
    };
    if first.is_lowercase() && !is_cjk(first) {
        // Not after a comma: a lowercase paragraph after `,` is a deliberate split in clean
        // text (NTREX has them); a break right after a word or a hyphen is a broken line.
        return (last.is_alphabetic() && !is_cjk(last)) || last == '-';
    }
    if !ocr || a_in_heading_block || !is_ideograph(last) || !is_ideograph(first) {
        return false;
    }
    if !a.contains(['，', ',', '、', '；', ';', '：', ':']) {
        return false;
    }
    !opens_numbered_item(b)
}

/// `一、`, `十二、`, `（一）`-less numbered items of Chinese documents.
fn opens_numbered_item(s: &str) -> bool {
    let n = s
        .chars()
        .take_while(|c| "一二三四五六七八九十百零".contains(*c))
        .count();
    n > 0 && s.chars().nth(n) == Some('、')
}

/// Paragraphs shorter than this (in characters) are never dropped as duplicates: short
/// lines — credits, `新华社发`, `（完）`, `问：`, headings — legitimately recur, and the
/// translation has them at the same places, so dropping one copy would unbalance the
/// alignment. A repeat is dropped only as part of a repeated *run* (two or more neighbouring
/// paragraphs that all occurred before: an article printed twice, as in the speech-db
/// seed); a lone repeat — a heading printed twice, as the NTREX split streams have, or a
/// pull quote — stays, because the translation repeats it too.
pub const DEDUP_MIN_CHARS: usize = 12;

/// Cleans the raw paragraphs of any format: boilerplate out (dates and keywords go to
/// `metadata`), photo credits cut, the title made paragraph 0, verbatim repeats dropped.
pub fn finish(raw: Vec<String>, metadata: &mut Metadata) -> Vec<String> {
    let mut paragraphs = Vec::with_capacity(raw.len() + 1);
    let mut raw = raw.into_iter().peekable();
    while let Some(mut p) = raw.next() {
        // A bare metadata label (`关键词：`, `发布时间：`) with its value in the next paragraph:
        // read them as one line so that the value goes to metadata too.
        let bare_label = split_label(&p).is_some_and(|(label, value)| {
            value.is_empty()
                && [DATE_LABELS, KEYWORD_LABELS, SOURCE_LABELS]
                    .iter()
                    .any(|l| l.contains(&label))
        });
        if bare_label {
            if let Some(next) = raw.next_if(|n| !n.contains('。') && n.chars().count() <= 400) {
                p.push_str(&next);
            }
        }
        if let Some(p) = clean_paragraph(p, metadata) {
            paragraphs.push(p);
        }
    }
    if let Some(title) = metadata.title.as_ref().filter(|_| !metadata.title_only) {
        // The title is paragraph 0; a repeat of it as a heading further down is dropped below.
        if paragraphs.first() != Some(title) {
            paragraphs.insert(0, title.clone());
        }
    }
    let mut seen: HashSet<&str, FastHash> =
        HashSet::with_capacity_and_hasher(paragraphs.len(), FastHash);
    // Characters of each paragraph that repeats an earlier one (0: not a repeat).
    let repeat: Vec<usize> = paragraphs
        .iter()
        .map(|p| {
            if seen.insert(p.as_str()) {
                0
            } else {
                p.chars().count()
            }
        })
        .collect();
    let is_repeat = |i: usize| repeat.get(i).is_some_and(|&n| n > 0);
    let mut keep = vec![true; paragraphs.len()];
    for (i, p) in paragraphs.iter().enumerate() {
        let is_title_repeat =
            i > 0 && !metadata.title_only && metadata.title.as_deref() == Some(p.as_str());
        let n = repeat[i];
        let in_run = (i > 0 && is_repeat(i - 1)) || is_repeat(i + 1);
        if is_title_repeat || (n >= DEDUP_MIN_CHARS && in_run) {
            keep[i] = false;
        }
    }
    let mut k = keep.into_iter();
    paragraphs.retain(|_| k.next().unwrap_or(true));
    paragraphs
}

/// A fast non-cryptographic string hasher for the duplicate set (SipHash was a tenth of the
/// stage's time; the input is not adversarial enough for hash flooding to matter).
#[derive(Clone, Copy, Default)]
struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0x9E37_79B9_7F4A_7C15)
    }
}

/// Word-at-a-time multiply–rotate hashing.
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xF135_7AEA_2E62_A9C5;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(26) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(26) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// Labels of date stamps (the value goes to [`Metadata::date`]).
const DATE_LABELS: &[&str] = &[
    "发布时间",
    "发布日期",
    "发稿时间",
    "更新时间",
    "日期",
    "Дата публикации",
    "Опубликовано",
    "Published",
    "Date",
];
/// Labels of keyword lists (the value goes to `metadata.extra["keywords"]`).
const KEYWORD_LABELS: &[&str] = &["关键词", "关键字", "Ключевые слова", "Keywords", "Tags"];
/// Labels of credit lines (staff lists of a news article), dropped when short.
const CREDIT_LABELS: &[&str] = &[
    "出品人",
    "出品",
    "策划",
    "监制",
    "统筹",
    "记者",
    "摄影",
    "摄像",
    "编辑",
    "责任编辑",
    "责编",
    "主编",
    "校对",
    "审核",
    "制图",
    "设计",
    "视频",
    "文字",
    "作者",
    "Редактор",
    "Фото",
];
/// Labels of source lines (the value goes to `metadata.extra["source"]`).
const SOURCE_LABELS: &[&str] = &["文章来源", "来源", "稿件来源", "Источник", "Source"];
/// Whole paragraphs that are photo/wire credits, not text.
/// (`（完）`, the wire "end" marker, stays: translations often carry it as "(End)", and
/// dropping it would shift the paragraphs of evaluation texts that include it.)
const CREDIT_LINES: &[&str] = &["新华社发"];

/// `Label：value` (full-width or ASCII colon, optional brackets around the line) →
/// (label, value). Only a colon in the first few characters counts.
fn split_label(p: &str) -> Option<(&str, &str)> {
    // Cheap memchr test first: this runs on every paragraph, and most have no early colon.
    let mut end = p.len().min(80);
    while !p.is_char_boundary(end) {
        end -= 1;
    }
    let head = &p[..end];
    if !(head.contains(':') || head.contains('：')) {
        return None;
    }
    let t = p
        .trim_start_matches(['（', '(', '【', '['])
        .trim_end_matches(['）', ')', '】', ']']);
    let head_end = t.char_indices().nth(24).map_or(t.len(), |(i, _)| i);
    let colon = t[..head_end].find(['：', ':'])?;
    let value = &t[colon..];
    let value = value
        .strip_prefix('：')
        .or_else(|| value.strip_prefix(':'))
        .unwrap_or(value);
    Some((t[..colon].trim_end(), value.trim()))
}

/// Boilerplate rules for one paragraph; `None` drops it.
fn clean_paragraph(p: String, metadata: &mut Metadata) -> Option<String> {
    // Characters = bytes that are not UTF-8 continuation bytes (a loop LLVM vectorises).
    let chars = p.bytes().filter(|&b| (b as i8) >= -0x40).count();
    let label = split_label(&p);
    let labelled = |labels: &[&str]| label.filter(|(l, _)| labels.contains(l)).map(|(_, v)| v);
    if chars <= 60 {
        if let Some(v) = labelled(DATE_LABELS) {
            if v.chars().any(|c| c.is_ascii_digit()) {
                if metadata.date.is_none() {
                    metadata.date = Some(v.to_string());
                }
                return None;
            }
        }
        if let Some(v) = labelled(SOURCE_LABELS) {
            if !ends_sentence(v) {
                metadata
                    .extra
                    .entry("source".into())
                    .or_insert_with(|| v.to_string());
                return None;
            }
        }
        if labelled(CREDIT_LABELS).is_some() && !ends_sentence(&p) && !p.contains(['，', ',']) {
            return None;
        }
        if CREDIT_LINES.contains(&p.as_str()) {
            return None;
        }
    }
    if chars <= 400 && !p.contains('。') {
        if let Some(v) = labelled(KEYWORD_LABELS) {
            let keywords: String = v
                .split([' ', '，', ',', '、', ';', '；'])
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            let entry = metadata.extra.entry("keywords".into()).or_default();
            if entry.is_empty() {
                *entry = keywords;
            }
            return None;
        }
    }
    if is_bare_url(&p) {
        return None;
    }
    let p = cut_photo_credit(p);
    (!p.is_empty()).then_some(p)
}

/// A paragraph that is only a URL.
fn is_bare_url(p: &str) -> bool {
    let t = p.trim_matches(['<', '>']);
    (t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www."))
        && !t.contains(' ')
}

/// Cuts a trailing photo credit (`… 新华社记者 黄敬文 摄`) from a caption: the caption text is
/// a real sentence and stays; the credit has no counterpart in a translation. Only a tail
/// after the last sentence end that names a 记者 or has the `NAME 摄` shape is cut, so a
/// sentence that merely ends in 摄 stays.
fn cut_photo_credit(p: String) -> String {
    let t = p.trim_end_matches(['）', ')']);
    if !t.ends_with('摄') {
        return p;
    }
    let tail_start = t
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, '。' | '！' | '？' | '（' | '('))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let tail = &t[tail_start..];
    let short = tail.chars().count() <= 24 && !tail.contains(['，', ',']);
    let credit_shape = tail.contains("记者") || tail.trim_end_matches('摄').ends_with(' ');
    if !(short && credit_shape) {
        return p;
    }
    let mut head = p[..tail_start].trim_end().to_string();
    // A credit in brackets: drop the opening bracket left behind.
    if head.ends_with(['（', '(']) {
        head.pop();
        head = head.trim_end().to_string();
    }
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_and_indentation() {
        assert_eq!(plain_paragraphs("a.\n\nb.\n\n\n c."), ["a.", "b.", "c."]);
        assert_eq!(
            plain_paragraphs("　　第一段。\n　　第二段。\n　　第三段。"),
            ["第一段。", "第二段。", "第三段。"]
        );
    }

    #[test]
    fn line_mode_and_wrapped_mode() {
        // One paragraph per line: line breaks are paragraph breaks.
        assert_eq!(
            plain_paragraphs("标题\n第一句。\n第二句。\n第三句。"),
            ["标题", "第一句。", "第二句。", "第三句。"]
        );
        // Hard-wrapped prose: lines join.
        assert_eq!(
            plain_paragraphs("Стороны договорились\nрасширять сотруд-\nничество в энергетике.\n\nВторой абзац\nтекста."),
            ["Стороны договорились расширять сотрудничество в энергетике.", "Второй абзац текста."]
        );
        assert_eq!(
            plain_paragraphs("关键词：\n合作 发展\n\n正文。"),
            ["关键词：合作 发展", "正文。"]
        );
    }

    #[test]
    fn heading_over_a_wrapped_block() {
        let text = "ВСТРЕЧА ЛИДЕРОВ\n\
                    Председатель КНР Си Цзиньпин провёл переговоры с Президентом\n\
                    России Владимиром Путиным в режиме видеосвязи, стороны\n\
                    обсудили двусторонние отношения.\n\
                    \n\
                    Итоги встречи\n\
                    Стороны подтвердили приверженность договору о добрососедстве,\n\
                    дружбе и сотрудничестве и договорились расширять сотрудничество\n\
                    в энергетике.\n";
        assert_eq!(
            plain_paragraphs(text),
            [
                "ВСТРЕЧА ЛИДЕРОВ",
                "Председатель КНР Си Цзиньпин провёл переговоры с Президентом России \
                 Владимиром Путиным в режиме видеосвязи, стороны обсудили двусторонние \
                 отношения.",
                "Итоги встречи",
                "Стороны подтвердили приверженность договору о добрососедстве, дружбе и \
                 сотрудничестве и договорились расширять сотрудничество в энергетике."
            ]
        );
        // A short first line that the next one continues in lower case is not a heading.
        let text = "Второй абзац\n\
                    текста, который продолжается на следующей строке и ещё дальше\n\
                    до самого конца абзаца, где стоит точка в конце этой строки.\n";
        assert_eq!(plain_paragraphs(text).len(), 1);
    }

    #[test]
    fn ocr_fragments() {
        let text = "习近平同普京会谈\n\n达成共识,签署声明\n\n当地时间下午,会谈举行。\n\n新华社发\n\n\
                    习近平指出,当前,百年变\n\n局加速演进,力量对比深刻演变。\n\n五、双方重申致力于坚\n\n定维护国际体系。\n\n\
                    六、双方将继续密切协作。\n\n倪四义 范伟国\n\n又讯 晚上回到北京。\n\nОни обсудили сотруд-\n\nничество и\n\nторговлю.";
        assert_eq!(
            plain_paragraphs(text),
            [
                "习近平同普京会谈",
                "达成共识,签署声明",
                "当地时间下午,会谈举行。",
                "新华社发",
                "习近平指出,当前,百年变局加速演进,力量对比深刻演变。",
                "五、双方重申致力于坚定维护国际体系。",
                "六、双方将继续密切协作。",
                "倪四义 范伟国",
                "又讯 晚上回到北京。",
                "Они обсудили сотрудничество и торговлю.",
            ]
        );
    }

    #[test]
    fn numbered_items_not_joined() {
        assert_eq!(
            plain_paragraphs("开始。\n\n双方指出,要点如下\n\n一、加强合作。"),
            ["开始。", "双方指出,要点如下", "一、加强合作。"]
        );
    }

    fn fin(v: &[&str]) -> (Vec<String>, Metadata) {
        let mut m = Metadata::default();
        let p = finish(v.iter().map(|s| s.to_string()).collect(), &mut m);
        (p, m)
    }

    #[test]
    fn boilerplate() {
        let (p, m) = fin(&[
            "关键词：合作 习近平 双方",
            "发布时间：2013-03-23",
            "正文第一句。",
            "3月22日，会谈举行。 新华社记者 黄敬文 摄",
            "新华社记者 黄敬文 摄",
            "新华社发",
            "（文章来源：央视新闻客户端）",
            "出品人：严文斌",
            "记者：你怎么看这个问题？",
            "责任编辑：刘万里 SF014",
            "<http://finews.zning.xyz/a.html>",
            "他用相机拍摄",
        ]);
        assert_eq!(
            p,
            [
                "正文第一句。",
                "3月22日，会谈举行。",
                "记者：你怎么看这个问题？",
                "他用相机拍摄"
            ]
        );
        assert_eq!(m.date.as_deref(), Some("2013-03-23"));
        assert_eq!(m.extra["keywords"], "合作, 习近平, 双方");
        assert_eq!(m.extra["source"], "央视新闻客户端");
        // Label and value in separate paragraphs.
        let (p, m) = fin(&[
            "关键词：",
            "合作 发展",
            "发布时间：",
            "2013-03-23",
            "正文。",
        ]);
        assert_eq!(p, ["正文。"]);
        assert_eq!(m.extra["keywords"], "合作, 发展");
        assert_eq!(m.date.as_deref(), Some("2013-03-23"));
    }

    #[test]
    fn title_and_duplicates() {
        let mut m = Metadata {
            title: Some("标题".into()),
            ..Default::default()
        };
        let long = "这是一个足够长的段落，会被重复打印两次。".to_string();
        let p = finish(
            vec![
                "标题".into(),
                long.clone(),
                "新华社电".into(),
                long.clone(),
                "新华社电".into(),
            ],
            &mut m,
        );
        assert_eq!(p, ["标题", long.as_str(), "新华社电", "新华社电"]);
        // A lone repeat stays (a heading printed twice); a repeated run goes.
        let mut m2 = Metadata::default();
        let heading = "Killer Pig Mauls Chinese Farmer to Death".to_string();
        let (a, b) = (
            "First paragraph of it.".to_string(),
            "Second paragraph of it.".to_string(),
        );
        let p = finish(
            vec![
                heading.clone(),
                heading.clone(),
                a.clone(),
                b.clone(),
                "Break.".into(),
                a.clone(),
                b.clone(),
            ],
            &mut m2,
        );
        assert_eq!(
            p,
            [
                heading.as_str(),
                heading.as_str(),
                a.as_str(),
                b.as_str(),
                "Break."
            ]
        );
        let p = finish(vec!["正文。".into(), "标题".into()], &mut m);
        assert_eq!(p, ["标题", "正文。"]);
    }
}

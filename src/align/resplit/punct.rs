//! Punctuation, quotation and bracket scanning of one segment text: the marks a split must
//! not stand next to, the nesting at each offset, clause marks and full stops.

use std::collections::HashMap;

pub(super) const ZH_CLOSERS: &[char] = &['”', '’', '」', '』', '）', ')', '》', '】', '"'];

pub(super) const ZH_OPENERS_PUNCT: &[char] = &['“', '‘', '「', '『', '（', '(', '《', '【'];

pub(super) fn is_break_punct(c: char) -> bool {
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

/// Quotation and bracket state at one byte offset (see [`nesting`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Nest {
    /// Round brackets and book-title marks open.
    pub(super) depth: i32,
    /// No quotation open.
    pub(super) balanced: bool,
    /// The innermost open quotation is a double one (`"`, `“`, `„`): a straight `"` here
    /// closes it rather than opening another.
    pub(super) double_open: bool,
}

/// Bracket depth (round brackets, book-title marks) and the open quotations at every byte
/// offset of `text` that starts a character.
pub(super) fn nesting(text: &str) -> HashMap<usize, Nest> {
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
pub(super) fn comma_then_quote(head: &str) -> bool {
    let mut rev = head.trim_end().chars().rev();
    matches!(rev.next(), Some('"' | '“' | '”' | '»' | '\'' | '’'))
        && matches!(
            rev.next(),
            Some(',' | '，' | ';' | '；' | ':' | '：' | '、')
        )
}

/// The state assumed where [`nesting`] has none (never at a character boundary).
pub(super) const UNKNOWN_NEST: Nest = Nest {
    depth: 1,
    balanced: false,
    double_open: false,
};

/// The non-space characters of one text, for counting those of any slice in O(log n):
/// counting each slice anew is quadratic on a long sentence (a 100k-character line without
/// punctuation has tens of thousands of candidate positions).
pub(super) struct NonSpace(Vec<usize>);

impl NonSpace {
    pub(super) fn new(text: &str) -> Self {
        NonSpace(
            text.char_indices()
                .filter(|(_, c)| !c.is_whitespace())
                .map(|(i, _)| i)
                .collect(),
        )
    }

    /// Number of non-space characters in `text[a..b]`.
    pub(super) fn between(&self, a: usize, b: usize) -> usize {
        let before = |end: usize| self.0.partition_point(|&i| i < end);
        before(b) - before(a)
    }
}

/// Whether `text` ends with a full stop or a mark that continues the sentence (comma, colon,
/// dash), closing quotes and brackets after it allowed: not the end of an unpunctuated
/// headline. (`?` and `!` pass: a headline may ask or exclaim.)
pub(super) fn ends_with_full_stop(text: &str) -> bool {
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
pub(super) fn clause_positions(text: &str) -> Vec<usize> {
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

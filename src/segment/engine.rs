//! The built-in rule engine: a single forward scan over the bytes of a paragraph.
//!
//! Candidate breaks come from a byte scan (UAX #29 sentence segmentation over every character
//! measured 60–90 MB/s, too slow for the pipeline's budget, and it breaks neither Chinese
//! without spaces nor Russian abbreviations correctly anyway). The words either side of a
//! candidate — what the rules decide on — are read with UAX #29 word boundaries from
//! `unicode-segmentation`; `Uax29Segmenter` keeps the plain Unicode sentence rules as a
//! baseline for comparison.
//!
//! Only a handful of byte values can start a character that matters (terminators, quotes,
//! book-title and guillemet brackets), so the scan skips everything else a byte at a time and
//! decodes a character only at those bytes. Each terminator run (`?!`, `……`, `...`) is
//! extended over its closing quotes and brackets, then the tables in `rules.rs` decide from the
//! context on both sides whether a sentence ends there.

use super::glued::{add_glued_cuts, GluedRules};
use super::rules::{
    is_closer, is_strong, rules_for, AbbrevKind, LangRules, CONTINUATION_PUNCT, DASHES, OPENERS,
};
use super::Segmenter;
use crate::Lang;
use std::collections::HashMap;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// Bytes that can begin a character the scan must look at: `.`, `!`, `?`, `"` and the lead
/// bytes of `«»` (C2), `…“”„‼⁇` (E2), `。《》〈〉` (E3) and full-width `！？` (EF).
const INTERESTING: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[b'"' as usize] = true;
    t[0xC2] = true;
    t[0xE2] = true;
    t[0xE3] = true;
    t[0xEF] = true;
    t
};

/// Bytes before a Chinese ellipsis searched for the `、` of a list it may close.
const LIST_LOOKBACK: usize = 240;

/// Most words a sentence-initial date phrase (`С 1 января 2025`) is taken to have.
const MAX_DATE_PHRASE: usize = 8;

/// What kind of terminator run ended a candidate sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `!`, `?`, `。` and their kin.
    Strong,
    /// `...`, `…`, `……`.
    Ellipsis,
    /// A single ASCII full stop: the ambiguous one.
    Period,
}

/// Where a date phrase before a year abbreviation begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateLead {
    /// At the start of the sentence.
    Sentence,
    /// At the start of a clause (after a comma, colon or semicolon).
    Clause,
    /// After other words.
    Inside,
}

/// Quote and bracket nesting seen so far in the paragraph.
#[derive(Debug, Default)]
struct QuoteState {
    /// Depth of `《》` / `〈〉` (Chinese book titles may contain terminators).
    book: u32,
    /// An ASCII or English-style double quote is open.
    double_open: bool,
    /// A low `„` quote is open (Russian inner quotes close with `“`).
    low_open: bool,
}

impl QuoteState {
    fn update(&mut self, c: char) {
        match c {
            '《' | '〈' => self.book += 1,
            '》' | '〉' => self.book = self.book.saturating_sub(1),
            '"' => self.double_open = !self.double_open,
            '„' => self.low_open = true,
            '“' => {
                if self.low_open {
                    self.low_open = false;
                } else {
                    // Double quotes do not nest (inner quotes are single), so a second `“`
                    // while one is open closes it: Chinese web text often types `“…“`.
                    self.double_open = !self.double_open;
                }
            }
            '”' => self.double_open = false,
            _ => {}
        }
    }
}

/// The built-in segmenter: [`LangRules`] tables interpreted by one forward scan.
#[derive(Debug)]
pub struct RuleSegmenter {
    rules: &'static LangRules,
    abbreviations: HashMap<&'static str, AbbrevKind>,
    continuations: HashMap<&'static str, &'static [&'static str]>,
    /// Longest last segment (in chars) of any abbreviation: longer words skip the lookup.
    max_last_segment: usize,
    /// The glued-sentence tables, prepared.
    glued: GluedRules,
}

impl RuleSegmenter {
    /// The segmenter with the built-in tables of `lang`.
    pub fn new(lang: Lang) -> Self {
        Self::with_rules(rules_for(lang))
    }

    /// A segmenter interpreting the given tables.
    pub fn with_rules(rules: &'static LangRules) -> Self {
        RuleSegmenter {
            rules,
            abbreviations: rules.abbreviations.iter().copied().collect(),
            continuations: rules.continuations.iter().copied().collect(),
            glued: GluedRules::new(rules),
            max_last_segment: rules
                .abbreviations
                .iter()
                .map(|(k, _)| {
                    let body = k.trim_end_matches('.');
                    body.rsplit('.').next().unwrap_or(body).chars().count()
                })
                .max()
                .unwrap_or(0),
        }
    }

    /// The language whose tables this segmenter uses.
    pub fn lang(&self) -> Lang {
        self.rules.lang
    }

    /// Whether the whole sentence is a boilerplate phrase or editorial mark of the language
    /// (`责任编辑：王明`, `（完）`, `Поделиться`), which usually has no counterpart in a
    /// translation.
    pub fn is_boilerplate(&self, sentence: &str) -> bool {
        super::glued::is_boilerplate(self.rules, &self.glued, sentence)
    }

    /// Byte offsets where one sentence ends and the next may begin (after closing quotes,
    /// before any whitespace), in increasing order.
    pub fn cuts(&self, p: &str) -> Vec<usize> {
        let b = p.as_bytes();
        let mut cuts = Vec::new();
        let mut state = QuoteState::default();
        let mut sentence_start = 0;
        let mut i = 0;
        while i < b.len() {
            if !INTERESTING[b[i] as usize] {
                i += 1;
                continue;
            }
            let Some(c) = p[i..].chars().next() else {
                break;
            };
            if let Some(mark) = self
                .rules
                .standalone_marks
                .iter()
                .filter(|m| m.starts_with(c))
                .find(|m| p[i..].starts_with(*m))
            {
                for cut in [i, i + mark.len()] {
                    if cuts.last() != Some(&cut) {
                        cuts.push(cut);
                    }
                }
                sentence_start = i + mark.len();
                i = sentence_start;
                continue;
            }
            if !is_terminator(c) {
                state.update(c);
                i += c.len_utf8();
                continue;
            }
            let in_book = state.book > 0;
            let (kind, run_end, cut) = scan_run(p, i, &mut state);
            if !in_book {
                if let Some(cut) = self.decide(p, i, run_end, cut, kind, sentence_start) {
                    if p[sentence_start..i].chars().any(char::is_alphanumeric) {
                        cuts.push(cut);
                    } else if let Some(last) = cuts.last_mut() {
                        // A stray terminator after a sentence end (`? !`, `。 。`) belongs
                        // to that sentence.
                        *last = cut;
                    }
                    // Otherwise nothing precedes it in the paragraph (`…И тогда`): no cut.
                    sentence_start = cut;
                }
            }
            i = cut;
        }
        add_glued_cuts(self.rules, &self.glued, p, cuts)
    }

    /// Whether a sentence ends after the terminator run `p[start..run_end]` and its closers
    /// `p[run_end..cut]`; returns the cut position if so.
    fn decide(
        &self,
        p: &str,
        start: usize,
        run_end: usize,
        cut: usize,
        kind: Kind,
        sentence_start: usize,
    ) -> Option<usize> {
        let next = skip_ws(p, cut);
        let nc = p[next..].chars().next()?;
        if CONTINUATION_PUNCT.contains(&nc) || (next == cut && is_terminator(nc)) {
            // `，` goes on; `!».` and `？》。`: the following terminator decides.
            return None;
        }
        let prev = p[..start].chars().next_back();
        if self.rules.cjk {
            let cjk_stop = kind == Kind::Period && prev.is_some_and(is_cjk);
            let full_width = p[start..run_end]
                .chars()
                .any(|c| c != '.' && c != '!' && c != '?');
            match kind {
                Kind::Strong if full_width || prev.is_some_and(is_cjk) || is_cjk(nc) => {
                    return Some(cut)
                }
                Kind::Ellipsis if full_width || prev.is_some_and(is_cjk) => {
                    let rest = &p[next..];
                    // The list is in the last few clauses; bound the look-back so that a
                    // paragraph of ellipses stays linear.
                    let mut from = sentence_start.max(start.saturating_sub(LIST_LOOKBACK));
                    while !p.is_char_boundary(from) {
                        from += 1;
                    }
                    let sentence = &p[from..start];
                    if sentence
                        .rfind('、')
                        .is_some_and(|k| !sentence[k..].contains(['，', ',']))
                    {
                        // `蜂蜜、巧克力、套娃……应有尽有`: the ellipsis closes a list.
                        return None;
                    }
                    if self
                        .rules
                        .ellipsis_continuations
                        .iter()
                        .any(|w| rest.starts_with(w))
                    {
                        return None;
                    }
                    return Some(cut);
                }
                Kind::Period if cjk_stop && !nc.is_ascii_digit() => return Some(cut),
                _ => {}
            }
        }
        // Latin and Cyrillic text from here on (also Latin runs inside Chinese).
        if DASHES.contains(&nc) {
            if kind == Kind::Period && self.is_dateline(&p[sentence_start..run_end]) {
                // `Харбин, 10 мая 2026 г. — Сегодня …`: a dateline opens its story.
                return None;
            }
            // `«Да!» — сказал он` goes on; `— Да. — Он улыбнулся.` is a new sentence.
            return (!is_lower(first_letter(p, next + nc.len_utf8()))).then_some(cut);
        }
        match kind {
            Kind::Strong => (!nc.is_lowercase()).then_some(cut),
            Kind::Ellipsis => {
                let f = first_letter(p, next);
                (f.is_some_and(|c| c.is_uppercase() || is_cjk(c))).then_some(cut)
            }
            Kind::Period => self.decide_period(p, start, cut, next, nc, sentence_start),
        }
    }

    /// The ambiguous ASCII full stop at `p[dot]`.
    fn decide_period(
        &self,
        p: &str,
        dot: usize,
        cut: usize,
        next: usize,
        nc: char,
        sentence_start: usize,
    ) -> Option<usize> {
        if next == cut && cut == dot + 1 && nc.is_alphanumeric() {
            // `3.5`, `U.S.`, `т.е.`, `example.com`: no space, no sentence end.
            return None;
        }
        if nc.is_lowercase() {
            return None;
        }
        let word = prev_word(p, dot);
        if word.is_empty() {
            if let Some(at) = self.clause_number(p, sentence_start, dot, next) {
                return at;
            }
            // After a number or a closing bracket: an ordinary full stop.
            return (!is_lower(first_letter(p, next))).then_some(cut);
        }
        let single_upper = is_single_upper(word);
        let short = word.chars().nth(self.max_last_segment).is_none();
        let found = short
            .then(|| abbrev_keys(p, dot))
            .into_iter()
            .flatten()
            .find_map(|(key, n, start)| self.lookup(&key).map(|kind| (key, kind, n, start)));
        let (key, kind, abbr_start) = match found {
            // A lone capital with a dot is an initial, not `в.` or `с.`.
            Some((_, _, 1, _)) if single_upper => (String::new(), None, dot),
            Some((key, kind, _, start)) => (key, Some(kind), start),
            None => (String::new(), None, dot),
        };
        let next_word = word_at(p, next);
        match kind {
            Some(AbbrevKind::NonFinal) => None,
            Some(AbbrevKind::BeforeName) => {
                let name = is_single_upper(next_word)
                    || self.surname_like(next_word)
                    || (starts_upper(next_word)
                        && !self.rules.sentence_starters.contains(&next_word)
                        && self
                            .rules
                            .genitive_endings
                            .iter()
                            .any(|e| next_word.ends_with(e)));
                (!name && starts_upper(next_word)).then_some(cut)
            }
            Some(AbbrevKind::MayEnd) => {
                (starts_upper(next_word) && !self.continues(&key, next_word)).then_some(cut)
            }
            Some(AbbrevKind::AfterNumber) => {
                let before = p[sentence_start..abbr_start].trim_end();
                let number = before.rsplit(char::is_whitespace).next().unwrap_or("");
                if number.is_empty() || !is_number_token(number) {
                    // `г. Москва`, `в. д.`: not after a number, not a sentence end.
                    return None;
                }
                if !starts_upper(next_word) || self.continues(&key, next_word) {
                    return None;
                }
                let lead = &before[..before.len() - number.len()];
                match self.date_phrase_start(lead) {
                    DateLead::Sentence => None,
                    // `Как сообщалось, в 2024 г. Москва …`: a date phrase that opens a clause
                    // goes on, unless a word that starts sentences follows (`…, в 1990 г.
                    // Затем …`).
                    DateLead::Clause if !self.glued.is_starter(next_word) => None,
                    _ => Some(cut),
                }
            }
            None if single_upper => self.decide_initial(p, dot, cut, next_word),
            None => (!is_lower(first_letter(p, next))).then_some(cut),
        }
    }

    /// After an initial (`В.`): `В. В. Путин`, `С. В. Лавров` go on; `… провёл Путин В. В.
    /// Затем …` ends (a surname before the initials and no surname after them).
    fn decide_initial(&self, p: &str, dot: usize, cut: usize, next_word: &str) -> Option<usize> {
        if !starts_upper(next_word) || self.surname_like(next_word) {
            return None;
        }
        if next_word.chars().nth(1).is_some() && self.glued.is_starter(next_word) {
            // `класса А. Затем …`: no name goes on with a word like `Затем`.
            return Some(cut);
        }
        let initial = p[..dot].chars().next_back();
        let first = next_word.chars().next();
        if let (Some(a), Some(b)) = (initial, first) {
            if is_cyrillic(a) != is_cyrillic(b) || is_cjk(b) {
                // `Washington, D.C. В пятницу`: a Latin initial cannot start a Cyrillic name.
                return Some(cut);
            }
        }
        // Another initial follows: `J. K. Rowling`.
        let after = skip_openers(p, skip_ws(p, cut));
        if is_single_upper(next_word) && p[after + next_word.len()..].starts_with('.') {
            return None;
        }
        // Walk back over the run of initials to the word before it.
        let mut pos = dot;
        // At most a few initials: a longer run is not a name (and the walk stays linear).
        for _ in 0..4 {
            let ws = pos - prev_word(p, pos).len();
            let before = p[..ws].trim_end();
            if before.len() == ws {
                // Glued to something that is not a space (`(В.`): no surname before it.
                return None;
            }
            if let Some(b) = before.strip_suffix('.') {
                if is_single_upper(prev_word(p, b.len())) {
                    pos = b.len();
                    continue;
                }
                return None;
            }
            let w_before = prev_word(p, before.len());
            return self.surname_like(w_before).then_some(cut);
        }
        None
    }

    /// A numbered clause of a contract or a law (`1.` `Предмет договора`, `1.1.` `Продавец
    /// обязуется …`) when the full stop at `p[dot]` closes a clause number: `Some(None)` when
    /// the number opens the sentence (it stays with its text), `Some(Some(at))` to cut before a
    /// sub-clause number of the clause the sentence opened with (`1. Предмет договора | 1.1.
    /// Продавец …`: a heading without a full stop), `None` when this is no clause number.
    fn clause_number(
        &self,
        p: &str,
        sentence_start: usize,
        dot: usize,
        next: usize,
    ) -> Option<Option<usize>> {
        let next_word = word_at(p, next);
        if !starts_upper(next_word) {
            return None;
        }
        let before = p[sentence_start..dot].trim_start();
        let number = before.rsplit(char::is_whitespace).next().unwrap_or("");
        let is_clause = |n: &str| {
            !n.is_empty()
                && n.len() <= 12
                && n.split('.').all(|part| {
                    !part.is_empty() && part.len() <= 3 && part.bytes().all(|b| b.is_ascii_digit())
                })
        };
        if !is_clause(number) {
            return None;
        }
        let lead = before[..before.len() - number.len()].trim_end();
        if lead.is_empty() {
            return Some(None);
        }
        // the clause the sentence opened with (`1.`), and this number one of its sub-clauses
        let (head, rest) = lead.split_once(char::is_whitespace)?;
        let head = head.strip_suffix('.')?;
        let sub = number.strip_prefix(head)?.strip_prefix('.')?;
        if !is_clause(head) || !is_clause(sub) || rest.contains(['.', '!', '?']) {
            return None;
        }
        Some(Some(dot - number.len()))
    }

    /// Whether `sentence` (up to its final full stop) is a dateline: a place of one to three
    /// capitalised words, a comma, then a date (`Харбин, 10 мая 2026 г.`, `МОСКВА, 5 сент.
    /// 2025 г.`): numbers and date words only, at least one number.
    fn is_dateline(&self, sentence: &str) -> bool {
        let Some((place, date)) = sentence.trim().split_once(',') else {
            return false;
        };
        let place_words: Vec<&str> = place.split_whitespace().collect();
        if place_words.is_empty()
            || place_words.len() > 3
            || !place_words
                .iter()
                .all(|w| starts_upper(w) && w.chars().all(|c| c.is_alphabetic() || c == '-'))
        {
            return false;
        }
        let mut numbers = 0;
        for token in date.split_whitespace() {
            let lower = token.to_lowercase();
            if is_number_token(token) {
                numbers += 1;
            } else if !self.rules.date_words.contains(&lower.as_str())
                && !self.rules.date_words.contains(&lower.trim_end_matches('.'))
            {
                return false;
            }
        }
        numbers > 0
    }

    /// Where the date phrase ending `lead` (the text of the sentence before a year) starts:
    /// at the sentence start (`С 1 января`), after a comma or colon (`Как сообщалось, в`), or
    /// elsewhere.
    fn date_phrase_start(&self, lead: &str) -> DateLead {
        // A date phrase is a handful of words; looking further would make long runs of
        // numbers quadratic.
        for (k, token) in lead.split_whitespace().rev().enumerate() {
            if k >= MAX_DATE_PHRASE {
                return DateLead::Inside;
            }
            let lower = token.to_lowercase();
            if is_number_token(token) || self.rules.date_words.contains(&lower.as_str()) {
                continue;
            }
            return if k > 0 && token.ends_with([',', ':', ';']) {
                DateLead::Clause
            } else {
                DateLead::Inside
            };
        }
        DateLead::Sentence
    }

    fn lookup(&self, key: &str) -> Option<AbbrevKind> {
        self.abbreviations.get(key).copied()
    }

    fn continues(&self, key: &str, next_word: &str) -> bool {
        self.continuations
            .get(key)
            .is_some_and(|ws| ws.contains(&next_word))
    }

    fn surname_like(&self, word: &str) -> bool {
        if !starts_upper(word) || word.chars().count() < 3 {
            return false;
        }
        let lower = word.to_lowercase();
        self.rules
            .surname_suffixes
            .iter()
            .any(|s| lower.ends_with(s))
    }
}

impl Segmenter for RuleSegmenter {
    fn split(&self, paragraph: &str) -> Vec<Range<usize>> {
        ranges_from_cuts(paragraph, &self.cuts(paragraph))
    }
}

/// Sentence ranges between `cuts`, trimmed of whitespace, empty ones dropped.
pub(crate) fn ranges_from_cuts(p: &str, cuts: &[usize]) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&p.len())) {
        if cut < start {
            continue;
        }
        let piece = &p[start..cut];
        let trimmed_start = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            let s = start + trimmed_start;
            out.push(s..s + trimmed.len());
        }
        start = cut;
    }
    out
}

fn is_terminator(c: char) -> bool {
    c == '.' || c == '…' || is_strong(c)
}

/// Scans the terminator run starting at `i` and the closers after it. Returns the kind, the
/// end of the run and the cut position.
fn scan_run(p: &str, i: usize, state: &mut QuoteState) -> (Kind, usize, usize) {
    let mut j = i;
    let mut dots = 0usize;
    let mut strong = false;
    let mut ellipsis = false;
    for c in p[j..].chars() {
        if c == '.' {
            dots += 1;
        } else if c == '…' {
            ellipsis = true;
        } else if is_strong(c) {
            strong = true;
        } else {
            break;
        }
        j += c.len_utf8();
    }
    let run_end = j;
    let mut rest = p[j..].chars().peekable();
    while let Some(c) = rest.next() {
        let after = rest.peek().copied();
        let rest_text = &p[j + c.len_utf8()..];
        // An ASCII apostrophe right after the terminator, before a space or the end, closes
        // a single-quoted quotation (`… by the party.' Shadow Chancellor …`).
        let closes = is_closer(c)
            || (c == '\'' && after.is_none_or(char::is_whitespace))
            || (c == '"'
                && ascii_quote_closes(after, state.double_open)
                && !(after.is_some_and(crate::lang::is_han) && pairs_ahead(rest_text)))
            || (c == '“' && (state.low_open || (state.double_open && !pairs_ahead(rest_text))));
        if !closes {
            break;
        }
        state.update(c);
        if c == '"' || c == '“' {
            // Closing here even if the quote was written as an opening one (common in
            // Chinese web text).
            state.double_open = false;
        }
        j += c.len_utf8();
    }
    let kind = if strong {
        Kind::Strong
    } else if ellipsis || dots > 1 {
        Kind::Ellipsis
    } else {
        Kind::Period
    };
    (kind, run_end, j)
}

/// Whether a double quote written as an opening one (`“`, or `"` before a Chinese character),
/// right after a terminator while a quotation is open, rather opens the next sentence's
/// quotation. Chinese web text leaves quotations unclosed (`…听从民意。“契克斯”计划…`) as often
/// as it types `“…“`, so the next sentence decides: if it holds an odd number of double quotes
/// (of any shape, up to its full stop and the closers after it), one of them closes this one
/// (`。“我们很担心。”`); if an even number (`。“上周一“研究所”发布…。`) or none, this one
/// closed the open quotation.
fn pairs_ahead(rest: &str) -> bool {
    let mut quotes = 0usize;
    let mut ended = false;
    for d in rest.chars() {
        // After the full stop only closing marks belong to this sentence (`“` opens the next).
        if ended && !(is_closer(d) || d == '"') {
            break;
        }
        quotes += usize::from(matches!(d, '“' | '”' | '"'));
        ended |= is_terminator(d);
    }
    quotes % 2 == 1
}

/// Whether an ASCII `"` right after a terminator closes the quotation: it does when a space,
/// the end, or punctuation follows (`."  Then`); before a letter with no space it opens the
/// next sentence unless a quotation is open (Chinese text has no spaces to tell).
fn ascii_quote_closes(after: Option<char>, open: bool) -> bool {
    match after {
        None => true,
        Some(c) if c.is_whitespace() => true,
        Some(c) if CONTINUATION_PUNCT.contains(&c) || is_closer(c) || is_terminator(c) => true,
        Some(_) => open,
    }
}

fn skip_ws(p: &str, mut i: usize) -> usize {
    for c in p[i..].chars() {
        if !c.is_whitespace() {
            break;
        }
        i += c.len_utf8();
    }
    i
}

fn skip_openers(p: &str, mut i: usize) -> usize {
    for c in p[i..].chars() {
        if !(OPENERS.contains(&c) || c.is_whitespace()) {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// The first character after any opening quotes or brackets from `i`.
fn first_letter(p: &str, i: usize) -> Option<char> {
    let i = skip_openers(p, skip_ws(p, i));
    p[i..].chars().next()
}

/// The word starting at `i`, after opening quotes: UAX #29 word segments (so that letters,
/// combining marks and digits group the way Unicode says) joined over hyphens, so that a
/// compound such as `Санкт-Петербург` or `Нью-Йорк` reads as one word.
fn word_at(p: &str, i: usize) -> &str {
    let s = &p[skip_openers(p, i)..];
    let mut end = 0;
    for piece in s.split_word_bounds() {
        let wordlike = piece.chars().all(|c| c.is_alphanumeric() || is_mark(c));
        if wordlike || (piece == "-" && end > 0) {
            end += piece.len();
        } else {
            break;
        }
    }
    s[..end].trim_end_matches('-')
}

/// Combining marks (an accented `е́` in a dictionary-style text stays inside its word).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// The letters right before byte `end`.
fn prev_word(p: &str, end: usize) -> &str {
    let s = &p[..end];
    let start = s
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(end, |(k, _)| k);
    &s[start..]
}

/// The dotted abbreviations that end with the dot at `dot`, longest first: lower-cased,
/// without inner spaces (`и т. д.` → `т.д.`, then `д.`), each with its segment count and start.
fn abbrev_keys(p: &str, dot: usize) -> Vec<(String, usize, usize)> {
    let mut segments: Vec<(&str, usize)> = Vec::with_capacity(4);
    let w = prev_word(p, dot);
    segments.push((w, dot - w.len()));
    while segments.len() < 4 {
        let pos = segments[segments.len() - 1].1;
        let before = &p[..pos];
        let before = before.strip_suffix(' ').unwrap_or(before);
        let Some(before) = before.strip_suffix('.') else {
            break;
        };
        let w = prev_word(p, before.len());
        if w.is_empty() || w.chars().count() > 4 {
            break;
        }
        segments.push((w, before.len() - w.len()));
    }
    (1..=segments.len())
        .rev()
        .map(|n| {
            let mut key = String::new();
            for (w, _) in segments[..n].iter().rev() {
                key.push_str(&w.to_lowercase());
                key.push('.');
            }
            (key, n, segments[n - 1].1)
        })
        .collect()
}

fn is_single_upper(w: &str) -> bool {
    let mut cs = w.chars();
    matches!((cs.next(), cs.next()), (Some(c), None) if c.is_uppercase())
}

/// `2024`, `2023–2024`, `1990-х`, `XIX`: a number a unit abbreviation can follow.
fn is_number_token(t: &str) -> bool {
    let t = t.trim_start_matches(['(', '«', '"']);
    let has_digit = t.chars().any(|c| c.is_ascii_digit());
    let roman = !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | '–' | '-'));
    (has_digit
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '–' | '-' | '—' | 'х' | 'е' | 'ы' | 'x')))
        || roman
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{052F}').contains(&c)
}

fn starts_upper(w: &str) -> bool {
    w.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || is_cjk(c))
}

fn is_lower(c: Option<char>) -> bool {
    c.is_some_and(char::is_lowercase)
}

/// CJK ideographs, kana, full-width forms and CJK punctuation (everything from U+2E80 up that
/// is not a letter with case).
fn is_cjk(c: char) -> bool {
    let u = c as u32;
    (0x2E80..=0x9FFF).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFF00..=0xFFEF).contains(&u)
        || (0x20000..=0x3FFFF).contains(&u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(lang: Lang, text: &str) -> Vec<String> {
        RuleSegmenter::new(lang)
            .sentences(text)
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn chinese_terminators_and_closers() {
        let s = seg(
            Lang::Zh,
            "他说：“我们准备好了。”然后离开了。你来吗？！来吧……明天见。",
        );
        assert_eq!(
            s,
            [
                "他说：“我们准备好了。”",
                "然后离开了。",
                "你来吗？！",
                "来吧……",
                "明天见。"
            ]
        );
        // `“…“` typed for `“…”`: the second quote closes, so the third opens.
        assert_eq!(
            seg(
                Lang::Zh,
                "他说，通讯“已完全中断，没有任何消息“。“我们很担心。”"
            ),
            ["他说，通讯“已完全中断，没有任何消息“。", "“我们很担心。”"]
        );
        // A quotation left unclosed: after the full stop, `“` opens the next sentence's
        // quotation when the next double quote closes one ...
        assert_eq!(
            seg(
                Lang::Zh,
                "她说：“我只是想让首相听从民意。“契克斯”计划不受欢迎。"
            ),
            ["她说：“我只是想让首相听从民意。", "“契克斯”计划不受欢迎。"]
        );
        // ... and closes the open one when an opening quote comes next.
        assert_eq!(
            seg(
                Lang::Zh,
                "他说，结果将“确定我们的未来。“上周一“研究所”发布了调查。"
            ),
            [
                "他说，结果将“确定我们的未来。“",
                "上周一“研究所”发布了调查。"
            ]
        );
        // The next sentence's own opening quote is not counted.
        assert_eq!(
            seg(
                Lang::Zh,
                "他说：“我们可以成为一体化的一部分。“总理表示，将带来投资。“我相信会赞成。”"
            ),
            [
                "他说：“我们可以成为一体化的一部分。“",
                "总理表示，将带来投资。",
                "“我相信会赞成。”"
            ]
        );
        // The same for an ASCII quote before a Chinese character.
        assert_eq!(
            seg(
                Lang::Zh,
                "他说：“竞选充满争议。\"我们重返太平洋也就一步之遥了\"。"
            ),
            [
                "他说：“竞选充满争议。",
                "\"我们重返太平洋也就一步之遥了\"。"
            ]
        );
    }

    #[test]
    fn chinese_book_titles_and_decimals() {
        let s = seg(Lang::Zh, "他读了《你好！再见。》这本书。增长3.5亿元.下一句");
        assert_eq!(
            s,
            ["他读了《你好！再见。》这本书。", "增长3.5亿元.", "下一句"]
        );
    }

    #[test]
    fn russian_abbreviations_and_initials() {
        let s = seg(
            Lang::Ru,
            "Президент В. В. Путин провёл встречу, т. е. переговоры. В 2024 г. Москва \
             приняла гостей. Соглашение подписано в 2024 г. Глава региона доволен.",
        );
        assert_eq!(
            s,
            [
                "Президент В. В. Путин провёл встречу, т. е. переговоры.",
                "В 2024 г. Москва приняла гостей.",
                "Соглашение подписано в 2024 г.",
                "Глава региона доволен."
            ]
        );
        assert_eq!(
            seg(
                Lang::Ru,
                "Как сообщалось, в 2024 г. Москва приняла гостей. Он родился в Туле, в 1990 г. \
                 Затем переехал. Машина класса А. Затем грузовик."
            ),
            [
                "Как сообщалось, в 2024 г. Москва приняла гостей.",
                "Он родился в Туле, в 1990 г.",
                "Затем переехал.",
                "Машина класса А.",
                "Затем грузовик."
            ]
        );
    }

    #[test]
    fn russian_dates_datelines_and_clauses() {
        for (label, text, want) in [
            (
                "abbreviated month before a year",
                "5 сент. 2025 г. в Москве прошла встреча. Стороны подписали соглашение.",
                vec![
                    "5 сент. 2025 г. в Москве прошла встреча.",
                    "Стороны подписали соглашение.",
                ],
            ),
            (
                "dateline",
                "Харбин, 10 мая 2026 г. — Сегодня открылась ярмарка. В ней 500 компаний.",
                vec![
                    "Харбин, 10 мая 2026 г. — Сегодня открылась ярмарка.",
                    "В ней 500 компаний.",
                ],
            ),
            (
                "clause heading and sub-clause",
                "1. Предмет договора 1.1. Продавец передаёт товар. 1.2. Покупатель платит.",
                vec![
                    "1. Предмет договора",
                    "1.1. Продавец передаёт товар.",
                    "1.2. Покупатель платит.",
                ],
            ),
        ] {
            assert_eq!(seg(Lang::Ru, text), want, "{label}");
        }
        // a decimal at the end of a sentence is no clause
        assert_eq!(
            seg(Lang::Ru, "Рост составил 1.5. Это много."),
            vec!["Рост составил 1.5.", "Это много."]
        );
    }

    #[test]
    fn russian_quotes_and_dialogue() {
        let s = seg(
            Lang::Ru,
            "Он сказал: «Мы готовы». Затем ушёл. «Да!» — ответил он. — Хорошо. — Он улыбнулся.",
        );
        assert_eq!(
            s,
            [
                "Он сказал: «Мы готовы».",
                "Затем ушёл.",
                "«Да!» — ответил он.",
                "— Хорошо.",
                "— Он улыбнулся."
            ]
        );
    }

    #[test]
    fn surname_before_initials() {
        let s = seg(
            Lang::Ru,
            "Документ подписал Путин В. В. Затем начались переговоры.",
        );
        assert_eq!(
            s,
            [
                "Документ подписал Путин В. В.",
                "Затем начались переговоры."
            ]
        );
    }

    #[test]
    fn english_abbreviations() {
        let s = seg(
            Lang::En,
            "Mr. Smith met Dr. J. K. Rowling in the U.S. on Monday. Prices rose 3.5 percent, \
             e.g. in Europe. He lives in the U.S. The talks ended.",
        );
        assert_eq!(
            s,
            [
                "Mr. Smith met Dr. J. K. Rowling in the U.S. on Monday.",
                "Prices rose 3.5 percent, e.g. in Europe.",
                "He lives in the U.S.",
                "The talks ended."
            ]
        );
    }

    #[test]
    fn name_after_im_and_pronoun_im() {
        let s = seg(
            Lang::Ru,
            "Лекция прошла в МГУ им. Ломоносова. Нужно доверять им. По опросам, это важно.",
        );
        assert_eq!(
            s,
            [
                "Лекция прошла в МГУ им. Ломоносова.",
                "Нужно доверять им.",
                "По опросам, это важно."
            ]
        );
    }

    #[test]
    fn latin_initials_before_cyrillic() {
        let s = seg(
            Lang::Ru,
            "Об этом пишет газета Washington, D.C. В пятницу начался протест.",
        );
        assert_eq!(
            s,
            [
                "Об этом пишет газета Washington, D.C.",
                "В пятницу начался протест."
            ]
        );
    }

    #[test]
    fn stray_terminators_and_editorial_marks() {
        let s = seg(
            Lang::Zh,
            "又是他吗? !纽约下雪了。（完）新闻结束。 。下一条【纠错】",
        );
        assert_eq!(
            s,
            [
                "又是他吗? !",
                "纽约下雪了。",
                "（完）",
                "新闻结束。 。",
                "下一条",
                "【纠错】"
            ]
        );
        assert_eq!(
            seg(Lang::Ru, "…И тогда всё изменилось."),
            ["…И тогда всё изменилось."]
        );
    }

    #[test]
    fn ascii_quotes_close_by_spacing() {
        let s = seg(
            Lang::En,
            r#"She said it was "hilarious." Others disagreed. "Why?" he asked."#,
        );
        assert_eq!(
            s,
            [
                r#"She said it was "hilarious.""#,
                "Others disagreed.",
                r#""Why?" he asked."#
            ]
        );
        // A single quote closing after the full stop stays with its sentence; an apostrophe
        // inside a word does not end anything.
        assert_eq!(
            seg(
                Lang::En,
                "He said: 'It is not being considered by the party.' Shadow Chancellor John McDonnell's plan went on."
            ),
            [
                "He said: 'It is not being considered by the party.'",
                "Shadow Chancellor John McDonnell's plan went on."
            ]
        );
    }

    #[test]
    fn chinese_list_ellipsis_goes_on() {
        let s = seg(
            Lang::Zh,
            "蜂蜜、巧克力、套娃……应有尽有。他沉默了……然后笑了。",
        );
        assert_eq!(
            s,
            ["蜂蜜、巧克力、套娃……应有尽有。", "他沉默了……", "然后笑了。"]
        );
    }

    #[test]
    fn keys() {
        assert_eq!(abbrev_keys("и т. д.", 9)[0].0, "т.д.");
        assert_eq!(abbrev_keys("и т. д.", 9)[1].0, "д.");
        assert_eq!(abbrev_keys("the U.S.", 7)[0].0, "u.s.");
    }

    #[test]
    fn ranges_are_trimmed() {
        assert_eq!(ranges_from_cuts("  a. b ", &[4]), vec![2..4, 5..6]);
    }
}

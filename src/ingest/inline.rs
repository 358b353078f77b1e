//! Inline formatting of office documents (bold, italic, underline, superscript, subscript,
//! hyperlinks, footnote references) carried beside the plain text as codes at character
//! offsets, so that everything from segmentation to scoring sees exactly the text of the same
//! document without formatting.
//!
//! * The readers ([`super::docx`], [`super::odt`]) put one reserved character (Supplementary
//!   Private Use Area) into the raw paragraph text per code *event* (a start, an end, an
//!   isolated code) and list the events in a table; [`FormatTracker`] turns the formatting of
//!   each piece of text into properly nested start / end events.
//! * [`split_codes`] takes a raw paragraph after normalisation with its reserved characters and
//!   the plain paragraph (normalised without them) and gives the codes at *plain* character
//!   offsets: a start snaps forward to the next non-space character, an end or isolated code
//!   back to just after the previous one, so that no code sits in the space between two
//!   sentences. Starts and ends are paired by kind (crossed pairs re-nested), a start without
//!   an end is closed at the paragraph's end, an end without a start and an empty pair dropped.
//! * [`segment_codes`] cuts a paragraph's codes at its sentences: a pair that spans a sentence
//!   boundary becomes one closed pair per sentence.
//!
//! When the reserved characters would not line up with the plain text (a code inside a word
//! joined across a line break), the paragraph keeps its text and loses its codes: formatting
//! never changes the text.

use serde::Serialize;

/// What an inline code stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeKind {
    /// Bold run.
    Bold,
    /// Italic run.
    Italic,
    /// Underlined run.
    Underline,
    /// Superscript run.
    Superscript,
    /// Subscript run.
    Subscript,
    /// Hyperlink.
    Link,
    /// Footnote reference (isolated).
    FootnoteRef,
    /// Endnote reference (isolated).
    EndnoteRef,
}

impl CodeKind {
    /// The TMX `type` attribute: the TMX 1.4b values where there is one (`bold`, `italic`,
    /// `ulined`, `link`, `fnote`, `enote`), `x-` names otherwise.
    pub fn tmx_type(self) -> &'static str {
        match self {
            CodeKind::Bold => "bold",
            CodeKind::Italic => "italic",
            CodeKind::Underline => "ulined",
            CodeKind::Superscript => "x-sup",
            CodeKind::Subscript => "x-sub",
            CodeKind::Link => "link",
            CodeKind::FootnoteRef => "fnote",
            CodeKind::EndnoteRef => "enote",
        }
    }

    /// Whether the code stands alone (a `<ph>`) rather than opening and closing a span.
    pub fn is_isolated(self) -> bool {
        matches!(self, CodeKind::FootnoteRef | CodeKind::EndnoteRef)
    }

    /// The paired kinds in the order [`FormatTracker`] nests them (outermost first).
    const PAIRED: [CodeKind; 6] = [
        CodeKind::Link,
        CodeKind::Bold,
        CodeKind::Italic,
        CodeKind::Underline,
        CodeKind::Superscript,
        CodeKind::Subscript,
    ];
}

/// Start, end or isolated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Opens a span (`<bpt>`).
    Open,
    /// Closes the span opened by the [`Role::Open`] of the same `pair` (`<ept>`).
    Close,
    /// Stands alone (`<ph>`).
    Isolated,
}

/// One code event as a reader records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// What the code stands for.
    pub kind: CodeKind,
    /// Start, end or isolated.
    pub role: Role,
}

/// A code at a character offset of a plain text (a paragraph or a sentence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InlineCode {
    /// Offset in characters (the code stands before the character at this offset).
    pub offset: usize,
    /// Start, end or isolated.
    pub role: Role,
    /// What the code stands for.
    pub kind: CodeKind,
    /// Pairs a start with its end (unique within the paragraph or sentence); 0 for isolated.
    pub pair: u32,
}

/// First reserved character; the event table's index is added to it.
const BASE: u32 = 0xF0000;
/// How many events one document can carry (the Supplementary Private Use Areas A and B
/// without their two last code points each); later formatting is dropped, the text kept.
pub const MAX_EVENTS: usize = 2 * 0xFFFE;

/// The reserved character of event `index`.
fn marker(index: usize) -> Option<char> {
    let i = u32::try_from(index).ok()?;
    let cp = if index < 0xFFFE {
        BASE + i
    } else if index < MAX_EVENTS {
        0x100000 + (i - 0xFFFE)
    } else {
        return None;
    };
    char::from_u32(cp)
}

/// The event index of a reserved character.
pub fn marker_index(c: char) -> Option<usize> {
    let cp = c as u32;
    match cp {
        0xF0000..=0xFFFFD => Some((cp - BASE) as usize),
        0x100000..=0x10FFFD => Some((cp - 0x100000) as usize + 0xFFFE),
        _ => None,
    }
}

/// Whether `c` is a reserved marker character.
pub fn is_marker(c: char) -> bool {
    marker_index(c).is_some()
}

/// `s` without marker characters.
pub fn strip_markers(s: &str) -> String {
    s.chars().filter(|c| !is_marker(*c)).collect()
}

/// What one formatting property does to the formatting in force: the kinds it clears and the
/// kind it sets. Styles and direct formatting are lists of these applied in order, so that a
/// later property overrides an earlier one (DOCX `<w:b w:val="0"/>` after a bold character
/// style, ODT `fo:font-weight="normal"` in a style whose parent is bold).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatChange {
    /// Kinds the property turns off (all kinds it decides about).
    pub clears: &'static [CodeKind],
    /// The kind it turns on, if any.
    pub sets: Option<CodeKind>,
}

impl FormatChange {
    /// Applies the change to the kinds in force.
    pub fn apply(self, kinds: &mut Vec<CodeKind>) {
        kinds.retain(|k| !self.clears.contains(k));
        if let Some(k) = self.sets {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
    }
}

/// The event table of one document and the formatting state of the paragraph being read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FormatTracker {
    /// The events, indexed by marker.
    pub events: Vec<Event>,
    /// Kinds open in the current paragraph, outermost first.
    open: Vec<CodeKind>,
}

impl FormatTracker {
    /// Records `event` and returns its marker (none when the table is full).
    fn record(&mut self, event: Event) -> Option<char> {
        let m = marker(self.events.len())?;
        self.events.push(event);
        Some(m)
    }

    /// The markers that bring the open formatting to `wanted` (kinds in any order), to be
    /// appended before text with that formatting: ends of what no longer applies (and of what
    /// is nested inside it, reopened after), starts of what is new.
    pub fn transition(&mut self, wanted: &[CodeKind]) -> String {
        let mut out = String::new();
        // the first open kind that is not wanted: it and everything inside it close
        if let Some(cut) = self.open.iter().position(|k| !wanted.contains(k)) {
            while self.open.len() > cut {
                let k = self.open.pop().expect("len > cut");
                out.extend(self.record(Event {
                    kind: k,
                    role: Role::Close,
                }));
            }
        }
        for k in CodeKind::PAIRED {
            if wanted.contains(&k) && !self.open.contains(&k) {
                match self.record(Event {
                    kind: k,
                    role: Role::Open,
                }) {
                    Some(m) => {
                        out.push(m);
                        self.open.push(k);
                    }
                    None => break,
                }
            }
        }
        out
    }

    /// The markers that close everything open (at a paragraph's end).
    pub fn close_all(&mut self) -> String {
        self.transition(&[])
    }

    /// The marker of an isolated code.
    pub fn isolated(&mut self, kind: CodeKind) -> String {
        self.record(Event {
            kind,
            role: Role::Isolated,
        })
        .map(String::from)
        .unwrap_or_default()
    }
}

/// The codes of one paragraph at offsets of `plain`, from `marked` (the same paragraph
/// normalised with its markers; see the module documentation). Empty when the two do not
/// line up.
pub fn split_codes(marked: &str, plain: &str, events: &[Event]) -> Vec<InlineCode> {
    if !marked.chars().any(is_marker) {
        return Vec::new();
    }
    // plain offsets of the non-space characters
    let nonspace: Vec<usize> = plain
        .chars()
        .enumerate()
        .filter(|(_, c)| !c.is_whitespace())
        .map(|(i, _)| i)
        .collect();
    let plain_len = plain.chars().count();
    let mut plain_chars = plain.chars().filter(|c| !c.is_whitespace());
    let mut n = 0usize; // non-space characters seen
    let mut raw: Vec<(usize, Event)> = Vec::new();
    for c in marked.chars() {
        if let Some(i) = marker_index(c) {
            if let Some(e) = events.get(i) {
                raw.push((n, *e));
            }
        } else if !c.is_whitespace() {
            if plain_chars.next() != Some(c) {
                return Vec::new();
            }
            n += 1;
        }
    }
    if plain_chars.next().is_some() {
        return Vec::new();
    }
    let at = |n: usize, role: Role| -> usize {
        match role {
            Role::Open => nonspace.get(n).copied().unwrap_or(plain_len),
            _ => {
                if n == 0 {
                    0
                } else {
                    nonspace[n - 1] + 1
                }
            }
        }
    };
    let placed: Vec<(usize, Event)> = raw.into_iter().map(|(n, e)| (at(n, e.role), e)).collect();
    pair_up(&placed, plain_len)
}

/// Pairs starts and ends by kind with proper nesting (see the module documentation).
fn pair_up(events: &[(usize, Event)], len: usize) -> Vec<InlineCode> {
    let mut out: Vec<InlineCode> = Vec::new();
    // open spans: (kind, index in out)
    let mut stack: Vec<(CodeKind, usize)> = Vec::new();
    let mut next_pair = 1u32;
    let open = |out: &mut Vec<InlineCode>, stack: &mut Vec<(CodeKind, usize)>, at, kind, p| {
        out.push(InlineCode {
            offset: at,
            role: Role::Open,
            kind,
            pair: p,
        });
        stack.push((kind, out.len() - 1));
    };
    for &(at, e) in events {
        match e.role {
            Role::Isolated => out.push(InlineCode {
                offset: at,
                role: Role::Isolated,
                kind: e.kind,
                pair: 0,
            }),
            Role::Open => {
                open(&mut out, &mut stack, at, e.kind, next_pair);
                next_pair += 1;
            }
            Role::Close => {
                let Some(pos) = stack.iter().rposition(|(k, _)| *k == e.kind) else {
                    continue; // an end without a start
                };
                // spans opened inside it close first and reopen after
                let inner: Vec<CodeKind> = stack[pos + 1..].iter().map(|s| s.0).collect();
                while stack.len() > pos {
                    let (kind, idx) = stack.pop().expect("len > pos");
                    out.push(InlineCode {
                        offset: at,
                        role: Role::Close,
                        kind,
                        pair: out[idx].pair,
                    });
                }
                for kind in inner {
                    open(&mut out, &mut stack, at, kind, next_pair);
                    next_pair += 1;
                }
            }
        }
    }
    while let Some((kind, idx)) = stack.pop() {
        out.push(InlineCode {
            offset: len,
            role: Role::Close,
            kind,
            pair: out[idx].pair,
        });
    }
    drop_empty_pairs(out)
}

/// Removes pairs whose start and end are at the same offset.
fn drop_empty_pairs(codes: Vec<InlineCode>) -> Vec<InlineCode> {
    let empty: std::collections::HashSet<u32> = codes
        .iter()
        .filter(|c| c.role == Role::Open)
        .filter(|o| {
            codes
                .iter()
                .any(|c| c.role == Role::Close && c.pair == o.pair && c.offset == o.offset)
        })
        .map(|o| o.pair)
        .collect();
    codes
        .into_iter()
        .filter(|c| c.role == Role::Isolated || !empty.contains(&c.pair))
        .collect()
}

/// The codes of `codes` (offsets in `paragraph`) that fall in its part `[start, end)`,
/// re-based at `start`; pairs cut by the bounds are closed at them (see [`segment_codes`]).
pub fn slice_codes(codes: &[InlineCode], start: usize, end: usize) -> Vec<InlineCode> {
    // spans open at the slice start re-open at its start
    let mut head: Vec<InlineCode> = Vec::new();
    for c in codes {
        match c.role {
            Role::Open if c.offset < start => head.push(InlineCode { offset: 0, ..*c }),
            Role::Close if c.offset <= start => head.retain(|o| o.pair != c.pair),
            _ => {}
        }
    }
    for c in codes {
        let inside = match c.role {
            Role::Open => c.offset >= start && c.offset < end,
            Role::Close => c.offset > start && c.offset <= end,
            // an isolated code snaps to the end of what precedes it: at a slice's start it
            // belongs to the slice before (unless at the paragraph's start)
            Role::Isolated => (c.offset > start || c.offset == 0) && c.offset <= end,
        };
        if inside {
            head.push(InlineCode {
                offset: c.offset - start,
                ..*c
            });
        }
    }
    let len = end - start;
    let mut stack: Vec<InlineCode> = Vec::new();
    let mut fixed = Vec::with_capacity(head.len());
    for c in head {
        match c.role {
            Role::Open => stack.push(c),
            Role::Close => {
                if !stack.iter().any(|o| o.pair == c.pair) {
                    continue;
                }
                stack.retain(|o| o.pair != c.pair);
            }
            Role::Isolated => {}
        }
        fixed.push(c);
    }
    // spans still open close at the slice end
    for o in stack.iter().rev() {
        fixed.push(InlineCode {
            offset: len,
            role: Role::Close,
            ..*o
        });
    }
    drop_empty_pairs(fixed)
}

/// Finds `sentence` in `paragraph` (character offsets) from `from` on, comparing non-space
/// characters only: the range from its first to just after its last non-space character.
pub fn locate(paragraph: &[char], from: usize, sentence: &str) -> Option<(usize, usize)> {
    let mut i = from;
    let mut first = None;
    let mut last = from;
    for c in sentence.chars().filter(|c| !c.is_whitespace()) {
        while i < paragraph.len() && paragraph[i].is_whitespace() {
            i += 1;
        }
        if paragraph.get(i) != Some(&c) {
            return None;
        }
        first.get_or_insert(i);
        i += 1;
        last = i;
    }
    Some((first.unwrap_or(from), last))
}

/// Moves `offset` (in `paragraph[start..end]`, counted from `start`) to the matching offset of
/// `sentence`, whose non-space characters are those of the range: a start before the next
/// non-space character, an end or isolated code after the previous one.
fn to_sentence_offset(range: &[char], sentence: &[char], offset: usize, role: Role) -> usize {
    let n = range[..offset.min(range.len())]
        .iter()
        .filter(|c| !c.is_whitespace())
        .count();
    let mut seen = 0;
    if role == Role::Open {
        for (i, c) in sentence.iter().enumerate() {
            if !c.is_whitespace() {
                if seen == n {
                    return i;
                }
                seen += 1;
            }
        }
        sentence.len()
    } else {
        if n == 0 {
            return 0;
        }
        for (i, c) in sentence.iter().enumerate() {
            if !c.is_whitespace() {
                seen += 1;
                if seen == n {
                    return i + 1;
                }
            }
        }
        sentence.len()
    }
}

/// The codes of each sentence of a paragraph: `sentences` in order, each found in
/// `paragraph` ([`locate`]); codes between two sentences go to the first. A sentence that is
/// not found gets none.
pub fn segment_codes(
    paragraph: &str,
    codes: &[InlineCode],
    sentences: &[&str],
) -> Vec<Vec<InlineCode>> {
    if codes.is_empty() {
        return vec![Vec::new(); sentences.len()];
    }
    let chars: Vec<char> = paragraph.chars().collect();
    let mut ranges: Vec<Option<(usize, usize)>> = Vec::with_capacity(sentences.len());
    let mut cursor = 0;
    for s in sentences {
        let r = locate(&chars, cursor, s);
        if let Some((_, end)) = r {
            cursor = end;
        }
        ranges.push(r);
    }
    // each found sentence owns up to the next found one's start (the last to the end)
    let found: Vec<usize> = (0..sentences.len())
        .filter(|&k| ranges[k].is_some())
        .collect();
    let mut out = vec![Vec::new(); sentences.len()];
    for (j, &k) in found.iter().enumerate() {
        let (a, b) = ranges[k].expect("found");
        let start = if j == 0 { 0 } else { a };
        let owned_end = match found.get(j + 1) {
            Some(&next) => ranges[next].expect("found").0,
            None => chars.len(),
        };
        // codes in the gap after the sentence belong to it, at its end
        let clamp: Vec<InlineCode> = codes
            .iter()
            .map(|c| {
                let mut c = *c;
                if c.offset > b && c.offset <= owned_end && !(c.role == Role::Open) {
                    c.offset = b;
                }
                if c.offset < a && c.offset >= start && c.role == Role::Open {
                    c.offset = a;
                }
                c
            })
            .collect();
        let sliced = slice_codes(&clamp, a, b);
        let sentence: Vec<char> = sentences[k].chars().collect();
        let range = &chars[a..b];
        out[k] = sliced
            .into_iter()
            .map(|c| InlineCode {
                offset: to_sentence_offset(range, &sentence, c.offset, c.role),
                ..c
            })
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str, codes: &[InlineCode]) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut k = 0;
        for i in 0..=chars.len() {
            while k < codes.len() && codes[k].offset == i {
                let c = codes[k];
                out.push_str(&match c.role {
                    Role::Open => format!("<{:?}>", c.kind),
                    Role::Close => format!("</{:?}>", c.kind),
                    Role::Isolated => format!("<{:?}/>", c.kind),
                });
                k += 1;
            }
            if let Some(c) = chars.get(i) {
                out.push(*c);
            }
        }
        out
    }

    fn marked(parts: &[(&str, &[CodeKind])], t: &mut FormatTracker) -> String {
        let mut s = String::new();
        for (text, kinds) in parts {
            s.push_str(&t.transition(kinds));
            s.push_str(text);
        }
        s.push_str(&t.close_all());
        s
    }

    #[test]
    fn runs_become_nested_pairs_at_plain_offsets() {
        let mut t = FormatTracker::default();
        let raw = marked(
            &[
                ("Hello ", &[]),
                ("big ", &[CodeKind::Bold]),
                ("bold", &[CodeKind::Bold, CodeKind::Italic]),
                (" world", &[]),
            ],
            &mut t,
        );
        let plain = strip_markers(&raw);
        let codes = split_codes(&raw, &plain, &t.events);
        assert_eq!(
            render(&plain, &codes),
            "Hello <Bold>big <Italic>bold</Italic></Bold> world"
        );
    }

    #[test]
    fn codes_snap_off_spaces_and_survive_normalisation() {
        let mut t = FormatTracker::default();
        let raw = marked(
            &[("  a ", &[]), (" b ", &[CodeKind::Bold]), ("c  ", &[])],
            &mut t,
        );
        let norm = crate::ingest::office::normalize_paragraph(&raw);
        let plain = crate::ingest::office::normalize_paragraph(&strip_markers(&raw));
        assert_eq!(plain, "a b c");
        let codes = split_codes(&norm, &plain, &t.events);
        assert_eq!(render(&plain, &codes), "a <Bold>b</Bold> c");
    }

    #[test]
    fn pairs_split_at_sentences() {
        let mut t = FormatTracker::default();
        let raw = marked(
            &[
                ("One ", &[]),
                ("two. Three", &[CodeKind::Bold]),
                (" four.", &[]),
            ],
            &mut t,
        );
        let plain = strip_markers(&raw);
        let codes = split_codes(&raw, &plain, &t.events);
        let per = segment_codes(&plain, &codes, &["One two.", "Three four."]);
        assert_eq!(render("One two.", &per[0]), "One <Bold>two.</Bold>");
        assert_eq!(render("Three four.", &per[1]), "<Bold>Three</Bold> four.");
    }

    #[test]
    fn isolated_codes_and_unbalanced_events() {
        let mut t = FormatTracker::default();
        let mut raw = String::from("Text");
        raw.push_str(&t.isolated(CodeKind::FootnoteRef));
        raw.push_str(". ");
        raw.push_str(&t.transition(&[CodeKind::Italic]));
        raw.push_str("Tail");
        // never closed: closed at the paragraph's end
        let plain = strip_markers(&raw);
        let codes = split_codes(&raw, &plain, &t.events);
        assert_eq!(
            render(&plain, &codes),
            "Text<FootnoteRef/>. <Italic>Tail</Italic>"
        );
        let per = segment_codes(&plain, &codes, &["Text.", "Tail"]);
        assert_eq!(render("Text.", &per[0]), "Text<FootnoteRef/>.");
        assert_eq!(render("Tail", &per[1]), "<Italic>Tail</Italic>");
    }

    #[test]
    fn mismatched_text_drops_codes() {
        let mut t = FormatTracker::default();
        let raw = marked(&[("a", &[CodeKind::Bold])], &mut t);
        assert!(split_codes(&raw, "b", &t.events).is_empty());
    }

    #[test]
    fn markers_round_trip() {
        for i in [0, 1, 0xFFFD, 0xFFFE, MAX_EVENTS - 1] {
            assert_eq!(marker_index(marker(i).unwrap()), Some(i));
        }
        assert!(marker(MAX_EVENTS).is_none());
        assert!(!is_marker('a') && !is_marker('\u{E000}'));
    }
}

//! Inline tags of office documents in the output pairs.
//!
//! [`attach`] puts the inline codes of each aligned sentence ([`crate::ingest::inline`]) into
//! the joined texts of its pair as reserved characters (plane 16 private use), one per tag,
//! each naming its role (start, end, isolated), its kind and its correspondence number `x`:
//! the k-th source pair of a kind corresponds to the k-th target pair of that kind, and both
//! get the same `x`. A tag with no counterpart on the other side moves to the end of its
//! segment (a pair becomes an empty pair there) and the pair gets the flag `tag-mismatch`.
//! The writers render them: the TMX as `<bpt i x type/>` / `<ept i/>` / `<ph x type/>`
//! ([`render_tmx`], `i` numbering the pairs of one segment), the review CSV and page as
//! readable placeholders `{1}bold{/1}`, `{2/}` ([`render_placeholders`]); every measure of
//! the text (lengths, numbers, review keys) reads it without them ([`strip`]). Text that
//! never had tags has no reserved characters, so plain-text outputs are unchanged.
//!
//! The native code inside the tags is left empty: a TMX reader such as OmegaT then matches
//! the unit against the document's text and shows the tags as its own (`<b0>`…).

use super::tmx::escape_xml;
use super::unit::{AlignedPair, Flag};
use crate::align::Segment;
use crate::ingest::inline::{CodeKind, InlineCode, Role};
use crate::Lang;

/// First reserved character of a tag.
const BASE: u32 = 0x100000;
/// Kinds, in the order of their number in a tag character.
const KINDS: [CodeKind; 8] = [
    CodeKind::Bold,
    CodeKind::Italic,
    CodeKind::Underline,
    CodeKind::Superscript,
    CodeKind::Subscript,
    CodeKind::Link,
    CodeKind::FootnoteRef,
    CodeKind::EndnoteRef,
];
/// Largest correspondence number a tag character holds.
pub const MAX_X: u32 = 0xFFFD / 24;

/// A tag as the reserved character holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tag {
    /// Start, end or isolated.
    pub role: Role,
    /// What it stands for.
    pub kind: CodeKind,
    /// Correspondence number (1-based), shared by a start and its end and by the
    /// corresponding tags of source and target.
    pub x: u32,
}

impl Tag {
    /// The reserved character of the tag (none when `x` is out of range).
    pub fn to_char(self) -> Option<char> {
        if self.x == 0 || self.x > MAX_X {
            return None;
        }
        let kind = KINDS.iter().position(|k| *k == self.kind)? as u32;
        let role = match self.role {
            Role::Open => 0,
            Role::Close => 1,
            Role::Isolated => 2,
        };
        char::from_u32(BASE + ((self.x - 1) * 8 + kind) * 3 + role)
    }

    /// The tag a reserved character holds.
    pub fn from_char(c: char) -> Option<Tag> {
        let v = (c as u32).checked_sub(BASE)?;
        if v >= MAX_X * 24 {
            return None;
        }
        let role = match v % 3 {
            0 => Role::Open,
            1 => Role::Close,
            _ => Role::Isolated,
        };
        let v = v / 3;
        Some(Tag {
            role,
            kind: KINDS[(v % 8) as usize],
            x: v / 8 + 1,
        })
    }
}

/// Whether `s` holds tags.
pub fn has_tags(s: &str) -> bool {
    s.chars().any(|c| Tag::from_char(c).is_some())
}

/// `s` without its tags.
pub fn strip(s: &str) -> std::borrow::Cow<'_, str> {
    if has_tags(s) {
        std::borrow::Cow::Owned(s.chars().filter(|c| Tag::from_char(*c).is_none()).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// `s` with its tags as placeholders: `{x}` a start, `{/x}` an end, `{x/}` an isolated code.
pub fn render_placeholders(s: &str) -> std::borrow::Cow<'_, str> {
    if !has_tags(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match Tag::from_char(c) {
            Some(t) => out.push_str(&match t.role {
                Role::Open => format!("{{{}}}", t.x),
                Role::Close => format!("{{/{}}}", t.x),
                Role::Isolated => format!("{{{}/}}", t.x),
            }),
            None => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `s` without the placeholders [`render_placeholders`] writes (`{1}`, `{/1}`, `{1/}`): how
/// `tm import-csv` reads a review file's texts, since a TMX it rewrites holds its units'
/// texts with inline markup reduced to text (see [`super::reader`]).
pub fn strip_placeholders(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('{') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let body_len = tail.find('}').filter(|&e| {
            let body = &tail[..e];
            let digits = body.trim_start_matches('/').trim_end_matches('/');
            !digits.is_empty()
                && digits.len() <= 6
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !(body.starts_with('/') && body.ends_with('/'))
        });
        match body_len {
            Some(e) => rest = &tail[e + 1..],
            None => {
                out.push('{');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// `s` as the content of a TMX `<seg>`: text escaped, tags as `<bpt>` / `<ept>` / `<ph>`.
pub fn render_tmx(s: &str) -> String {
    if !has_tags(s) {
        return escape_xml(s, false);
    }
    let mut out = String::with_capacity(s.len() + 64);
    let mut text = String::new();
    // i of each open pair, by x
    let mut open: Vec<(u32, u32)> = Vec::new();
    let mut next_i = 1;
    for c in s.chars() {
        let Some(t) = Tag::from_char(c) else {
            text.push(c);
            continue;
        };
        out.push_str(&escape_xml(&std::mem::take(&mut text), false));
        let ty = t.kind.tmx_type();
        match t.role {
            Role::Open => {
                out.push_str(&format!(r#"<bpt i="{next_i}" x="{}" type="{ty}"/>"#, t.x));
                open.push((t.x, next_i));
                next_i += 1;
            }
            Role::Close => {
                if let Some(p) = open.iter().position(|(x, _)| *x == t.x) {
                    let (_, i) = open.remove(p);
                    out.push_str(&format!(r#"<ept i="{i}"/>"#));
                }
            }
            Role::Isolated => out.push_str(&format!(r#"<ph x="{}" type="{ty}"/>"#, t.x)),
        }
    }
    out.push_str(&escape_xml(&text, false));
    out
}

/// The inline codes of each segment of one side: `texts[p]` and `codes[p]` are paragraph
/// `p`'s plain text and codes (empty `codes`: a document without formatting, all empty).
pub fn segment_codes(
    segments: &[Segment],
    texts: &[String],
    codes: &[Vec<InlineCode>],
) -> Vec<Vec<InlineCode>> {
    let mut out = vec![Vec::new(); segments.len()];
    if codes.is_empty() {
        return out;
    }
    let mut k = 0;
    while k < segments.len() {
        let p = segments[k].paragraph;
        let end = (k..segments.len())
            .find(|&j| segments[j].paragraph != p)
            .unwrap_or(segments.len());
        if let (Some(text), Some(pc)) = (texts.get(p), codes.get(p)) {
            if !pc.is_empty() {
                let sentences: Vec<&str> =
                    segments[k..end].iter().map(|s| s.text.as_str()).collect();
                for (j, c) in crate::ingest::inline::segment_codes(text, pc, &sentences)
                    .into_iter()
                    .enumerate()
                {
                    out[k + j] = c;
                }
            }
        }
        k = end;
    }
    out
}

/// One side's tags of a pair before numbering: (char offset in the joined text, code).
fn join_codes(
    lang: Lang,
    segments: &[Segment],
    codes: &[Vec<InlineCode>],
) -> Vec<(usize, InlineCode)> {
    // as super::unit::join_segments joins: trimmed, empty ones skipped, a space between
    // sentences except in Chinese
    let sep = if lang == Lang::Zh { 0 } else { 1 };
    let mut out = Vec::new();
    let mut pos = 0;
    let mut first = true;
    for (k, (seg, cs)) in segments.iter().zip(codes).enumerate() {
        let trimmed = seg.text.trim();
        if trimmed.is_empty() {
            continue;
        }
        if !first {
            pos += sep;
        }
        first = false;
        let lead = seg.text.chars().count() - seg.text.trim_start().chars().count();
        let len = trimmed.chars().count();
        for (n, c) in cs.iter().enumerate() {
            let at = c.offset.saturating_sub(lead).min(len);
            // pairs are numbered per paragraph (a span cut at a sentence end has the same
            // number in both sentences): unique in the bead with the segment's place;
            // isolated codes each their own
            let pair = match c.role {
                Role::Isolated => n as u32,
                _ => c.pair & 0xF_FFFF,
            } | ((k as u32 + 1) << 20);
            out.push((pos + at, InlineCode { pair, ..*c }));
        }
        pos += len;
    }
    out
}

/// Puts the tags of `src_codes` / `tgt_codes` (per segment, [`segment_codes`]) into the
/// texts of `pairs` and flags pairs whose tags do not all correspond.
pub fn attach(
    pairs: &mut [AlignedPair],
    (src, src_codes, src_lang): (&[Segment], &[Vec<InlineCode>], Lang),
    (tgt, tgt_codes, tgt_lang): (&[Segment], &[Vec<InlineCode>], Lang),
) {
    if src_codes.iter().all(Vec::is_empty) && tgt_codes.iter().all(Vec::is_empty) {
        return;
    }
    for pair in pairs.iter_mut() {
        let (bs, bt) = (pair.bead.src.clone(), pair.bead.tgt.clone());
        let s = join_codes(src_lang, &src[bs.clone()], &src_codes[bs]);
        let t = join_codes(tgt_lang, &tgt[bt.clone()], &tgt_codes[bt]);
        if s.is_empty() && t.is_empty() {
            continue;
        }
        // units: a pair (start and end) or an isolated code, in order of their start
        let units = |codes: &[(usize, InlineCode)]| -> Vec<(CodeKind, u32)> {
            codes
                .iter()
                .filter(|(_, c)| c.role != Role::Close)
                .map(|(_, c)| (c.kind, c.pair))
                .collect()
        };
        let (us, ut) = (units(&s), units(&t));
        // x of each unit: the k-th of a kind on both sides share one
        let mut xs_s = std::collections::HashMap::new();
        let mut xs_t = std::collections::HashMap::new();
        let mut matched = 0u32;
        for kind in KINDS {
            let a: Vec<u32> = us.iter().filter(|u| u.0 == kind).map(|u| u.1).collect();
            let b: Vec<u32> = ut.iter().filter(|u| u.0 == kind).map(|u| u.1).collect();
            for (pa, pb) in a.iter().zip(&b) {
                matched += 1;
                xs_s.insert((kind, *pa), matched);
                xs_t.insert((kind, *pb), matched);
            }
        }
        let mut next = matched;
        let mut mismatch = false;
        let mut number = |units: &[(CodeKind, u32)], xs: &mut std::collections::HashMap<_, u32>| {
            for u in units {
                xs.entry(*u).or_insert_with(|| {
                    next += 1;
                    mismatch = true;
                    next
                });
            }
        };
        number(&us, &mut xs_s);
        number(&ut, &mut xs_t);
        let nmatched = matched;
        pair.source = insert_tags(&pair.source, &s, &xs_s, nmatched);
        pair.target = insert_tags(&pair.target, &t, &xs_t, nmatched);
        if mismatch && !pair.flags.contains(&Flag::TagMismatch) {
            pair.flags.push(Flag::TagMismatch);
            pair.flags.sort();
        }
    }
}

/// `text` with the tag characters of `codes` inserted; tags whose `x` is above `matched`
/// (no counterpart) go to the end.
fn insert_tags(
    text: &str,
    codes: &[(usize, InlineCode)],
    xs: &std::collections::HashMap<(CodeKind, u32), u32>,
    matched: u32,
) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut at_end = String::new();
    let mut placed: Vec<(usize, char)> = Vec::new();
    for (pos, c) in codes {
        let Some(&x) = xs.get(&(c.kind, c.pair)) else {
            continue;
        };
        let Some(ch) = (Tag {
            role: c.role,
            kind: c.kind,
            x,
        })
        .to_char() else {
            continue;
        };
        if x > matched {
            at_end.push(ch);
        } else {
            placed.push(((*pos).min(chars.len()), ch));
        }
    }
    let mut out = String::with_capacity(text.len() + 4 * (placed.len() + at_end.len()));
    let mut k = 0;
    for (i, c) in chars.iter().enumerate() {
        while k < placed.len() && placed[k].0 == i {
            out.push(placed[k].1);
            k += 1;
        }
        out.push(*c);
    }
    for (_, ch) in &placed[k..] {
        out.push(*ch);
    }
    out.push_str(&at_end);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_chars_round_trip() {
        for kind in KINDS {
            for role in [Role::Open, Role::Close, Role::Isolated] {
                for x in [1, 2, MAX_X] {
                    let t = Tag { role, kind, x };
                    assert_eq!(Tag::from_char(t.to_char().unwrap()), Some(t));
                }
            }
        }
        assert!(Tag {
            role: Role::Open,
            kind: CodeKind::Bold,
            x: MAX_X + 1
        }
        .to_char()
        .is_none());
    }

    fn tagged(parts: &[(&str, Option<Tag>)]) -> String {
        parts
            .iter()
            .map(|(t, tag)| match tag {
                Some(tag) => tag.to_char().unwrap().to_string(),
                None => t.to_string(),
            })
            .collect()
    }

    fn tag(role: Role, kind: CodeKind, x: u32) -> Option<Tag> {
        Some(Tag { role, kind, x })
    }

    #[test]
    fn renders_tmx_and_placeholders() {
        let s = tagged(&[
            ("a<", None),
            ("", tag(Role::Open, CodeKind::Bold, 1)),
            ("b", None),
            ("", tag(Role::Close, CodeKind::Bold, 1)),
            ("", tag(Role::Isolated, CodeKind::FootnoteRef, 2)),
        ]);
        assert_eq!(
            render_tmx(&s),
            r#"a&lt;<bpt i="1" x="1" type="bold"/>b<ept i="1"/><ph x="2" type="fnote"/>"#
        );
        assert_eq!(render_placeholders(&s), "a<{1}b{/1}{2/}");
        assert_eq!(strip(&s), "a<b");
        assert_eq!(
            strip_placeholders("a<{1}b{/1}{2/} {x} {/3/} {}"),
            "a<b {x} {/3/} {}"
        );
        assert_eq!(render_tmx("a&b"), "a&amp;b");
    }

    fn code(offset: usize, role: Role, kind: CodeKind, pair: u32) -> InlineCode {
        InlineCode {
            offset,
            role,
            kind,
            pair,
        }
    }

    #[test]
    fn tags_correspond_by_kind_and_order_and_strays_move_to_the_end() {
        use crate::align::{Alignment, Bead};
        let src = vec![Segment {
            text: "我们的合作很好。".into(),
            paragraph: 0,
        }];
        let tgt = vec![Segment {
            text: "Наше сотрудничество хорошее.".into(),
            paragraph: 0,
        }];
        let al = Alignment {
            beads: vec![Bead {
                src: 0..1,
                tgt: 0..1,
                confidence: 0.9,
            }],
        };
        let opts = crate::tm::BuildOptions::new(Lang::Zh, Lang::Ru);
        let mut pairs = crate::tm::build_pairs(&al, &src, &tgt, &opts).unwrap();
        // source: bold 合作, italic 很好; target: bold сотрудничество only
        let sc = vec![vec![
            code(3, Role::Open, CodeKind::Bold, 1),
            code(5, Role::Close, CodeKind::Bold, 1),
            code(5, Role::Open, CodeKind::Italic, 2),
            code(7, Role::Close, CodeKind::Italic, 2),
        ]];
        let tc = vec![vec![
            code(5, Role::Open, CodeKind::Bold, 1),
            code(19, Role::Close, CodeKind::Bold, 1),
        ]];
        attach(&mut pairs, (&src, &sc, Lang::Zh), (&tgt, &tc, Lang::Ru));
        assert_eq!(
            render_placeholders(&pairs[0].source),
            "我们的{1}合作{/1}很好。{2}{/2}"
        );
        assert_eq!(
            render_placeholders(&pairs[0].target),
            "Наше {1}сотрудничество{/1} хорошее."
        );
        assert!(pairs[0].flags.contains(&Flag::TagMismatch));
        assert_eq!(
            render_tmx(&pairs[0].target),
            r#"Наше <bpt i="1" x="1" type="bold"/>сотрудничество<ept i="1"/> хорошее."#
        );
        assert_eq!(strip(&pairs[0].source), "我们的合作很好。");
    }
}

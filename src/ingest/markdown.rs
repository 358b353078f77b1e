//! Markdown text (after HTML extraction) → paragraphs.
//!
//! Just enough Markdown to get running text out of blog posts: blank lines end paragraphs and
//! single newlines are soft breaks, except before a line indented with `　` (U+3000); ATX headings (`# …`), list items (`- `, `* `, `+ `, `1. `),
//! table rows and `>` quotes are paragraphs of their own; rules (`---`, `***`), setext
//! underlines, code fences and link reference definitions are dropped. Inline: images
//! `![alt](url)` vanish, links `[text](url)` / `[text][ref]` keep their text, `**` `__` and
//! backticks go. A line made only of links and separators (`[返回新闻](…)｜[返回首页](…)`) is
//! site navigation and is dropped.

use super::normalize::{normalize, push_line_or_break};

/// Appends the paragraphs of a Markdown block to `out` (normalised, non-empty).
pub fn paragraphs(block: &str, out: &mut Vec<String>) {
    let mut para = String::new();
    let end = |para: &mut String, out: &mut Vec<String>| {
        if !para.is_empty() {
            out.push(std::mem::take(para));
        }
    };
    for line in block.lines() {
        let mut t = line.trim();
        while let Some(rest) = t.strip_prefix('>') {
            t = rest.trim_start();
        }
        if t.is_empty() || is_rule(t) || t.starts_with("```") || t.starts_with("~~~") {
            end(&mut para, out);
            continue;
        }
        if is_reference_definition(t) {
            continue;
        }
        let (own_paragraph, text) = if let Some(h) = heading(t) {
            (true, h)
        } else if let Some(item) = bullet_item(t) {
            (true, item)
        } else if starts_ordered_item(t) {
            (true, t)
        } else if t.starts_with('|') && t.ends_with('|') && t.len() > 1 {
            if t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
                continue;
            }
            (true, t)
        } else {
            (false, t)
        };
        let mut cleaned = inline(text);
        if own_paragraph && text.starts_with('|') {
            cleaned = cleaned.replace('|', " ");
        }
        let line_text = normalize(&cleaned);
        if own_paragraph {
            end(&mut para, out);
            if !line_text.is_empty() {
                out.push(line_text);
            }
        } else {
            // `　　` indentation marks a new paragraph in Chinese text (scraped posts often
            // have one paragraph per line with no blank lines between them).
            if line.starts_with('\u{3000}') {
                end(&mut para, out);
            }
            if let Some(done) = push_line_or_break(&mut para, &line_text) {
                out.push(done);
            }
        }
    }
    end(&mut para, out);
}

/// `---`, `***`, `___`, `===` (three or more, spaces allowed): a rule or setext underline.
fn is_rule(t: &str) -> bool {
    let c = t.as_bytes()[0];
    matches!(c, b'-' | b'*' | b'_' | b'=')
        && t.bytes().filter(|&b| b == c).count() >= 3
        && t.bytes().all(|b| b == c || b == b' ')
}

/// `[id]: url` lines.
fn is_reference_definition(t: &str) -> bool {
    t.starts_with('[')
        && t.find("]:")
            .is_some_and(|i| !t[1..i].contains(']') && !t[i + 2..].trim().is_empty())
}

/// Text of an ATX heading.
fn heading(t: &str) -> Option<&str> {
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &t[hashes..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some(rest.trim().trim_end_matches('#').trim_end())
}

/// Text of a `- `, `* `, `+ ` list item.
fn bullet_item(t: &str) -> Option<&str> {
    let rest = t.strip_prefix(['-', '*', '+'])?;
    rest.starts_with([' ', '\t']).then(|| rest.trim_start())
}

/// `1. ` / `1) ` at the start of a line.
fn starts_ordered_item(t: &str) -> bool {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    (1..=9).contains(&digits)
        && matches!(t.as_bytes().get(digits), Some(b'.' | b')'))
        && matches!(t.as_bytes().get(digits + 1), Some(b' ' | b'\t'))
}

/// Removes inline Markdown syntax; returns "" for a navigation-only line.
fn inline(t: &str) -> String {
    if !t.contains(['[', '*', '_', '`']) {
        return t.to_string();
    }
    let mut out = String::with_capacity(t.len());
    let mut links = 0;
    let mut other = false;
    let mut i = 0;
    while i < t.len() {
        let rest = &t[i..];
        let image = rest.starts_with("![");
        if image || rest.starts_with('[') {
            let open = if image { 2 } else { 1 };
            if let Some((text_end, total)) = link_at(&rest[open..]) {
                if !image {
                    out.push_str(&rest[open..open + text_end]);
                }
                links += 1;
                i += open + total;
                continue;
            }
        }
        if rest.starts_with("**") || rest.starts_with("__") {
            i += 2;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        if c != '`' {
            out.push(c);
            if !(c.is_whitespace() || matches!(c, '｜' | '|' | '·' | '/' | '•' | '-' | '>' | '»'))
            {
                other = true;
            }
        }
        i += c.len_utf8();
    }
    if links > 0 && !other {
        return String::new();
    }
    out
}

/// After `[`: if a link `text](url)` or `text][ref]` follows, (length of text, length of the
/// whole rest of the link).
fn link_at(s: &str) -> Option<(usize, usize)> {
    let close = s.find(']')?;
    if s[..close].contains('[') {
        return None;
    }
    let after = &s[close + 1..];
    let end = if after.starts_with('(') {
        ')'
    } else if after.starts_with('[') {
        ']'
    } else {
        return None;
    };
    let target_end = after.find(end)?;
    Some((close, close + 1 + target_end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        paragraphs(s, &mut v);
        v
    }

    #[test]
    fn blocks_and_soft_breaks() {
        assert_eq!(
            paras("# 标题 #\n\n第一段\n继续。\n\nline one\nline two\n\n- a\n- b\n1. c\n---\n> q"),
            [
                "标题",
                "第一段继续。",
                "line one line two",
                "a",
                "b",
                "1. c",
                "q"
            ]
        );
    }

    #[test]
    fn links_and_navigation() {
        assert_eq!(
            paras("见[新华网](http://x.cn)报道 ![图](a.png)**重点**`code`"),
            ["见新华网报道 重点code"]
        );
        assert!(paras("[返回央视新闻客户端新闻](//a.com/b.html)｜[返回首页](//a.com/)").is_empty());
        assert!(paras("[1]: http://example.com").is_empty());
        assert_eq!(paras("[1] 注释"), ["[1] 注释"]);
    }

    #[test]
    fn ideographic_indent_starts_a_paragraph() {
        assert_eq!(
            paras("　　第一段。\n　　第二段\n接上。"),
            ["第一段。", "第二段接上。"]
        );
    }

    #[test]
    fn tables() {
        assert_eq!(paras("| a | b |\n|---|---|\n| 1 | 2 |"), ["a b", "1 2"]);
    }
}

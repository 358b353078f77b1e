//! A small, tolerant HTML tokenizer that turns a page or fragment into text blocks.
//!
//! We do not build a DOM: scraped pages are routinely malformed (unclosed `<p>`, stray `</div>`,
//! `<` in text), and all we need is where paragraphs start and end. The scanner jumps from `<`
//! to `<` (memchr-fast), so it runs at plain-text speed on text with few tags.
//!
//! * Block elements (`p div h1–h6 li ul ol tr table blockquote section article header footer
//!   main aside nav figure figcaption dl dt dd pre hr title address center caption form`) and
//!   `<br>` end the current block, opening or closing. `td`/`th` add a space between cells.
//! * Inline elements (`span font a b strong em …`) vanish without adding a space, so that
//!   `<font>元首</font>外交` stays one word.
//! * `<script>`, `<style>`, `<noscript>`, `<template>`, `<svg>`, `<iframe>`, `<object>` are
//!   skipped with their content; comments, `<!DOCTYPE>`, `<?…?>` and CDATA are dropped;
//!   `<img>` leaves nothing (we keep no alt text: it is not part of the running text).
//! * Markdown autolinks `<http://…>` / `<mailto:…>` are dropped: a bare URL is not text.
//! * Entities are decoded by `html-escape` (all HTML5 named entities, `&#123;`, `&#x7B;`).
//! * `<title>` text is returned separately (it becomes the document title).
//!
//! Blocks keep the newlines of their text: the caller decides what a line break means
//! (nothing in HTML, a soft break or paragraph break in Markdown).

/// What [`extract`] found.
#[derive(Debug, Default)]
pub struct Extracted {
    /// Text blocks in document order; may contain newlines; may be blank.
    pub blocks: Vec<String>,
    /// Text of the first `<title>` element.
    pub title: Option<String>,
    /// Whether the body has a heading of its own (`<h1>`): then the title (often a file
    /// property such as `Document1`) is metadata only and not among the blocks.
    pub has_heading: bool,
}

/// Elements whose start or end tag ends a block.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "br",
    "tr",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "pre",
    "hr",
    "title",
    "address",
    "center",
    "caption",
    "form",
    "body",
    "html",
    "head",
    "details",
    "summary",
    "fieldset",
    "legend",
    "option",
];

/// Elements skipped together with their content.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "object", "select", "textarea",
];

/// Extracts text blocks from HTML (or Markdown with embedded HTML).
pub fn extract(html: &str) -> Extracted {
    let mut out = Extracted::default();
    let mut cur = String::new();
    let bytes = html.as_bytes();
    let mut pos = 0;
    // Index of the block that an open <title> is collecting, and of the first title's.
    let mut title_block: Option<usize> = None;
    let mut first_title: Option<usize> = None;
    while pos < bytes.len() {
        let Some(rel) = html[pos..].find('<') else {
            push_text(&mut cur, &html[pos..]);
            break;
        };
        let lt = pos + rel;
        push_text(&mut cur, &html[pos..lt]);
        let rest = &html[lt..];
        let rb = rest.as_bytes();
        if let Some(comment) = rest.strip_prefix("<!--") {
            pos = match comment.find("-->") {
                Some(i) => lt + 4 + i + 3,
                None => bytes.len(),
            };
            continue;
        }
        if rb.len() > 1 && (rb[1] == b'!' || rb[1] == b'?') {
            pos = match rest.find('>') {
                Some(i) => lt + i + 1,
                None => bytes.len(),
            };
            continue;
        }
        if let Some(len) = autolink_len(rest) {
            pos = lt + len;
            continue;
        }
        let closing = rb.get(1) == Some(&b'/');
        let name_start = if closing { 2 } else { 1 };
        let name_len = rb[name_start.min(rb.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !rb[name_start].is_ascii_alphabetic() {
            // Not a tag: a literal `<` in text.
            cur.push('<');
            pos = lt + 1;
            continue;
        }
        let name = rest[name_start..name_start + name_len].to_ascii_lowercase();
        let Some(tag_len) = tag_end(&rest[name_start + name_len..]) else {
            // No `>` anywhere after it: not a tag but a literal `<`.
            cur.push('<');
            pos = lt + 1;
            continue;
        };
        pos = lt + name_start + name_len + tag_len;

        if !closing && SKIP.contains(&name.as_str()) {
            pos = skip_element(html, pos, &name);
            continue;
        }
        if name == "title" {
            flush(&mut out, &mut cur);
            if !closing {
                title_block = Some(out.blocks.len());
            } else if let Some(i) = title_block.take() {
                if out.title.is_none() {
                    out.title = out.blocks.get(i).cloned();
                    first_title = out.title.as_ref().map(|_| i);
                }
            }
            continue;
        }
        if name == "h1" && !closing {
            out.has_heading = true;
        }
        if BLOCK.contains(&name.as_str()) {
            flush(&mut out, &mut cur);
        } else if name == "td" || name == "th" {
            cur.push(' ');
        }
    }
    flush(&mut out, &mut cur);
    if out.has_heading {
        if let Some(i) = first_title {
            out.blocks.remove(i);
        }
    }
    out
}

/// Pushes text with its entities decoded.
fn push_text(cur: &mut String, raw: &str) {
    if raw.is_empty() {
        return;
    }
    if raw.contains('&') {
        html_escape::decode_html_entities_to_string(raw, cur);
    } else {
        cur.push_str(raw);
    }
}

/// Ends the current block.
fn flush(out: &mut Extracted, cur: &mut String) {
    if !cur.trim().is_empty() {
        out.blocks.push(std::mem::take(cur));
    }
    cur.clear();
}

/// Length of a Markdown autolink `<scheme:…>` at the start of `s`.
fn autolink_len(s: &str) -> Option<usize> {
    let body = &s[1..];
    let lower_prefix = body
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !(lower_prefix.starts_with("http://")
        || lower_prefix.starts_with("https://")
        || lower_prefix.starts_with("mailto:"))
    {
        return None;
    }
    let end = body.find(|c: char| c == '>' || c.is_whitespace() || c == '<')?;
    (body.as_bytes()[end] == b'>').then_some(end + 2)
}

/// Length of the rest of a tag (attributes and `>`), honouring quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut quote = 0u8;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            // Only a quote right after `=` opens a value; stray quotes are ignored.
            if i > 0 && s[..i].trim_end().ends_with('=') {
                quote = c;
            }
        } else if c == b'>' {
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// Position after `</name …>` starting the search at `pos`; the end of input if unclosed.
fn skip_element(html: &str, mut pos: usize, name: &str) -> usize {
    while let Some(rel) = html[pos..].find("</") {
        let at = pos + rel + 2;
        let cand = html.get(at..at + name.len());
        if cand.is_some_and(|c| c.eq_ignore_ascii_case(name)) {
            return match html[at..].find('>') {
                Some(i) => at + i + 1,
                None => html.len(),
            };
        }
        pos = at;
    }
    html.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(s: &str) -> Vec<String> {
        extract(s)
            .blocks
            .into_iter()
            .map(|b| {
                b.split([' ', '\n'])
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn paragraphs_and_inline() {
        assert_eq!(
            blocks("<p>一</p><p>　　<font a=\"b\"><font>元首</font></font>外交</p>"),
            ["一", "　　元首外交"]
        );
        assert_eq!(blocks("a<br>b<br/>c"), ["a", "b", "c"]);
        assert_eq!(blocks("<ul><li>x</li><li>y</li></ul>"), ["x", "y"]);
        assert_eq!(
            blocks("<table><tr><td>a</td><td>b</td></tr></table>"),
            ["a b"]
        );
    }

    #[test]
    fn dropped_things() {
        let s = "<div class=\"img_wrapper\"><img id=\"0\" src=\"x.jpg\" alt><span class=\"img_descr\"></span></div>\
                 <!-- 正文 --><style>.a&#123;x:y;&#125;</style><script>var a = '</p>';</script>\
                 <p>正文</p><!DOCTYPE html><?xml x?>";
        assert_eq!(blocks(s), ["正文"]);
        assert_eq!(blocks("<http://example.com/a?b=c>\n\ntext"), ["text"]);
    }

    #[test]
    fn entities() {
        assert_eq!(
            blocks("<p>&laquo;a&raquo; &mdash; &nbsp;b &#123;&#x7D; &amp;amp; &lt;p&gt;</p>"),
            ["«a» — \u{a0}b {} &amp; <p>"]
        );
    }

    #[test]
    fn tolerant() {
        assert_eq!(blocks("a < b and c<d"), ["a < b and c<d"]);
        assert_eq!(blocks("<p title='a>b'>x</p><p>y"), ["x", "y"]);
        assert_eq!(
            blocks("x</div></div>y<p>z<unclosed"),
            ["x", "y", "z<unclosed"]
        );
    }

    #[test]
    fn title() {
        let e =
            extract("<html><head><title>标题 &amp; 副</title></head><body><h1>标题</h1></body>");
        // the body's own heading wins: the title is metadata only
        assert_eq!(e.blocks, ["标题"]);
        assert_eq!(e.title.as_deref(), Some("标题 & 副"));
        assert!(e.has_heading);
        let e = extract("<html><head><title>Заголовок</title></head><body><p>Текст.</p></body>");
        assert_eq!(e.blocks, ["Заголовок", "Текст."]);
        assert!(!e.has_heading);
    }
}

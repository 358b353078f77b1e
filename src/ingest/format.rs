//! Format recognition (by content first, extension second) and per-format extraction.
//!
//! * Front matter at the top (`---` … `---`, blank lines before it allowed) → Markdown.
//! * `<!DOCTYPE html`, `<html`, or at least two known HTML tags (`<p>`, `</div>`, `<br>`, …)
//!   → HTML (a stray `<b>` in prose does not make a page).
//! * Extension `.md` / `.markdown`, or Markdown headings / links in the text → Markdown.
//! * Everything else → plain text.
//!
//! Markdown bodies always pass through the HTML tokenizer first (posts mix Markdown with
//! HTML: the cctv and sina seeds are HTML inside front-mattered Markdown); what the tokenizer
//! leaves is then read as Markdown.

use super::{frontmatter, html, markdown, structure, Format, Metadata};
use std::path::Path;

/// HTML tags that count as evidence of HTML.
const HTML_EVIDENCE: &[&str] = &[
    "<p>",
    "<p ",
    "</p>",
    "<div",
    "</div>",
    "<br>",
    "<br/>",
    "<br />",
    "<span",
    "</span>",
    "<li>",
    "</li>",
    "<h1",
    "<h2",
    "<h3",
    "</h1>",
    "</h2>",
    "</h3>",
    "<table",
    "<tr",
    "<td",
    "<img ",
    "<a href",
    "</a>",
    "<font",
    "<strong>",
    "<em>",
    "<section",
    "<article",
    "<blockquote",
];

/// Recognises the format of decoded text. `path` gives a hint through its extension.
pub fn detect(path: &Path, text: &str) -> Format {
    if frontmatter::split(text).is_some() {
        return Format::Markdown;
    }
    if looks_like_html(text) {
        return Format::Html;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if matches!(ext.as_str(), "md" | "markdown" | "mdown" | "mkd") || looks_like_markdown(text) {
        return Format::Markdown;
    }
    Format::PlainText
}

/// Whether text is an HTML page or fragment.
fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(256)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
    {
        return true;
    }
    // Look at the first 64 KiB only: enough to see markup, cheap on big files.
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = text[..end].to_ascii_lowercase();
    let mut hits = 0;
    for tag in HTML_EVIDENCE {
        hits += sample.matches(tag).take(2).count();
        if hits >= 2 {
            return true;
        }
    }
    false
}

/// Whether text has Markdown-only constructs (ATX headings, inline links).
fn looks_like_markdown(text: &str) -> bool {
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &text[..end];
    let headings = sample
        .lines()
        .filter(|l| {
            let h = l.bytes().take_while(|&b| b == b'#').count();
            (1..=6).contains(&h) && l.as_bytes().get(h) == Some(&b' ')
        })
        .count();
    headings >= 2 || sample.contains("](http") || sample.contains("](//")
}

/// Detects the format and extracts metadata and raw paragraphs (normalised, not yet cleaned
/// of boilerplate).
pub fn extract(path: &Path, text: &str) -> (Format, Metadata, Vec<String>) {
    let format = detect(path, text);
    let mut paragraphs = Vec::new();
    let mut metadata = Metadata::default();
    match format {
        Format::Markdown => {
            let body = match frontmatter::split(text) {
                Some((meta, body)) => {
                    metadata = meta;
                    body
                }
                None => text,
            };
            for block in html::extract(body).blocks {
                markdown::paragraphs(&block, &mut paragraphs);
            }
        }
        Format::Html => {
            let extracted = html::extract(text);
            metadata.title = extracted
                .title
                .map(|t| super::normalize::normalize(&t))
                .filter(|t| !t.is_empty());
            metadata.title_only = extracted.has_heading;
            for block in extracted.blocks {
                // Newlines inside an HTML block are soft: join the lines, CJK without a space.
                // A blank line still ends a paragraph: browsers ignore it, but in scraped
                // fragments (text with a few tags) it is how paragraphs are separated.
                let mut para = String::new();
                for line in block.lines() {
                    let line = super::normalize::normalize(line);
                    if line.is_empty() {
                        if !para.is_empty() {
                            paragraphs.push(std::mem::take(&mut para));
                        }
                        continue;
                    }
                    if let Some(done) = super::normalize::push_line_or_break(&mut para, &line) {
                        paragraphs.push(done);
                    }
                }
                if !para.is_empty() {
                    paragraphs.push(para);
                }
            }
        }
        // Office documents never reach text detection (see `super::office`).
        Format::PlainText | Format::Docx | Format::Odt | Format::Pdf => {
            paragraphs = structure::plain_paragraphs(text)
        }
    }
    (format, metadata, paragraphs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection() {
        let p = Path::new("a.txt");
        assert_eq!(detect(p, "plain text\n\nmore"), Format::PlainText);
        assert_eq!(
            detect(p, "a < b, 2 > 1, <b>bold</b> once"),
            Format::PlainText
        );
        assert_eq!(detect(p, "<p>one</p><p>two</p>"), Format::Html);
        assert_eq!(detect(p, "<!DOCTYPE html><title>x</title>"), Format::Html);
        assert_eq!(
            detect(p, "\n---\ntitle: x\n---\n<p>a</p><p>b</p>"),
            Format::Markdown
        );
        assert_eq!(detect(Path::new("a.md"), "text"), Format::Markdown);
        assert_eq!(detect(p, "# A\n\ntext\n\n## B\n"), Format::Markdown);
    }

    #[test]
    fn markdown_with_html_body() {
        let (f, m, p) = extract(
            Path::new("x.md"),
            "---\ntitle: T\n---\n<p>一</p><p>二</p>\n\n<http://a.b/c>\n\n[返回](//a)｜[首页](//b)\n",
        );
        assert_eq!(f, Format::Markdown);
        assert_eq!(m.title.as_deref(), Some("T"));
        assert_eq!(p, ["一", "二"]);
    }

    #[test]
    fn html_soft_newlines() {
        let (_, m, p) = extract(
            Path::new("x.html"),
            "<title>题</title><p>中\n文</p><p>two\nlines</p>text <b>one</b>\n\ntext two<br>",
        );
        assert_eq!(m.title.as_deref(), Some("题"));
        assert_eq!(p, ["题", "中文", "two lines", "text one", "text two"]);
    }
}

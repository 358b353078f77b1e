//! Jekyll-style YAML front matter: `---` … `---` at the top of a Markdown file.
//!
//! Only the YAML that front matter actually uses is understood — that keeps us free of a YAML
//! dependency and tolerant of the sloppy headers found in scraped posts:
//! `key: value` with plain, `'single'` (`''` escapes a quote) or `"double"` quoted values;
//! block lists (`key:` then `- item` lines, indented or not); inline lists `[a, 'b', "c"]`;
//! `|` / `>` block scalars (folded into one line); `#` comment lines. Blank lines before the
//! opening `---` are allowed (the scraper that made the sina seed writes one).
//!
//! `title` → [`Metadata::title`]; `date` → [`Metadata::date`]; `categories`, `category`,
//! `tags`, `tag`, `keywords` → [`Metadata::categories`] (a plain scalar there is split at spaces,
//! as Jekyll does); everything else → [`Metadata::extra`] (lists joined with `, `).

use super::normalize::normalize;
use super::Metadata;

/// Splits front matter off `text`: returns the metadata and the body after the closing line,
/// or `None` when the text does not start with front matter.
pub fn split(text: &str) -> Option<(Metadata, &str)> {
    let mut rest = text;
    // Skip blank lines before the opening fence.
    loop {
        let (line, after) = next_line(rest)?;
        if line.trim().is_empty() {
            rest = after;
            continue;
        }
        if line.trim_end() != "---" {
            return None;
        }
        rest = after;
        break;
    }
    let mut header_lines = Vec::new();
    let mut cursor = rest;
    loop {
        // No closing fence: not front matter (maybe a Markdown rule at the top).
        let (line, after) = next_line(cursor)?;
        let t = line.trim_end();
        if t == "---" || t == "..." {
            cursor = after;
            break;
        }
        header_lines.push(line.trim_end_matches('\r'));
        cursor = after;
        if header_lines.len() > 500 {
            return None;
        }
    }
    // Front matter has keys; a `---` pair around prose is something else.
    if !header_lines.iter().any(|l| key_value(l).is_some()) {
        return None;
    }
    Some((parse(&header_lines), cursor))
}

/// The first line of `s` (without its `\n`) and the rest; `None` at the end of the text.
fn next_line(s: &str) -> Option<(&str, &str)> {
    if s.is_empty() {
        return None;
    }
    Some(match s.find('\n') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    })
}

/// `key: value` at the start of a line (no indentation) → (key, raw value).
fn key_value(line: &str) -> Option<(&str, &str)> {
    if line.starts_with([' ', '\t', '-', '#']) {
        return None;
    }
    let colon = line.find(':')?;
    let key = line[..colon].trim();
    if key.is_empty() || key.contains(char::is_whitespace) && !key.starts_with(['"', '\'']) {
        return None;
    }
    let value = &line[colon + 1..];
    // `key:value` without a space is not YAML (and catches `http://…` lines).
    if !(value.is_empty() || value.starts_with([' ', '\t'])) {
        return None;
    }
    Some((unquote(key), value.trim()))
}

/// Strips one level of matching quotes (for keys: no escapes needed).
fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return &s[1..s.len() - 1];
        }
    }
    s
}

/// A scalar value: quotes removed with their escapes, trailing ` # comment` dropped.
fn scalar(raw: &str) -> String {
    let raw = raw.trim();
    if let Some(inner) = raw.strip_prefix('\'') {
        let end = find_single_quote_end(inner).unwrap_or(inner.len());
        return inner[..end].replace("''", "'");
    }
    if let Some(inner) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).collect();
                        if let Some(ch) =
                            u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                        {
                            out.push(ch);
                        }
                    }
                    Some(other) => out.push(other),
                    None => {}
                },
                c => out.push(c),
            }
        }
        return out;
    }
    match raw.find(" #") {
        Some(i) => raw[..i].trim_end().to_string(),
        None => raw.to_string(),
    }
}

/// End of a single-quoted scalar (`''` is an escaped quote).
fn find_single_quote_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Items of an inline list `[a, 'b, c', "d"]`.
fn inline_list(raw: &str) -> Vec<String> {
    let inner = raw.trim().trim_start_matches('[').trim_end_matches(']');
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in inner.chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                cur.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (None, ',') => {
                items.push(scalar(&cur));
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    items.push(scalar(&cur));
    items.retain(|s| !s.trim().is_empty());
    items
}

/// A parsed value.
enum Value {
    Scalar(String),
    List(Vec<String>),
}

/// Parses the header lines into metadata.
fn parse(lines: &[&str]) -> Metadata {
    let mut entries: Vec<(String, Value)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((key, raw)) = key_value(lines[i]) else {
            i += 1;
            continue;
        };
        let key = key.to_ascii_lowercase();
        i += 1;
        let value = if raw.starts_with('[') {
            Value::List(inline_list(raw))
        } else if raw.is_empty()
            || raw == "|"
            || raw == ">"
            || raw.starts_with("|-")
            || raw.starts_with(">-")
        {
            // Block list or block scalar: the following indented / `- ` lines.
            let mut items = Vec::new();
            let mut text = Vec::new();
            while i < lines.len() {
                let l = lines[i];
                let t = l.trim_start();
                if let Some(item) = t
                    .strip_prefix("- ")
                    .or(if t == "-" { Some("") } else { None })
                {
                    items.push(scalar(item));
                } else if l.starts_with([' ', '\t']) && !t.is_empty() {
                    text.push(t.trim_end());
                } else if !t.is_empty() && !t.starts_with('#') {
                    break;
                }
                i += 1;
            }
            if !items.is_empty() {
                Value::List(items.into_iter().filter(|s| !s.is_empty()).collect())
            } else {
                Value::Scalar(text.join(" "))
            }
        } else {
            Value::Scalar(scalar(raw))
        };
        entries.push((key, value));
    }

    let mut meta = Metadata::default();
    for (key, value) in entries {
        match (key.as_str(), value) {
            ("title", Value::Scalar(s)) => {
                meta.title = Some(normalize(&s)).filter(|t| !t.is_empty())
            }
            ("date", Value::Scalar(s)) => meta.date = Some(normalize(&s)).filter(|t| !t.is_empty()),
            ("categories" | "category" | "tags" | "tag" | "keywords", v) => {
                let items = match v {
                    Value::List(items) => items,
                    Value::Scalar(s) => s.split_whitespace().map(str::to_string).collect(),
                };
                for item in items {
                    let item = normalize(&item);
                    if !item.is_empty() && !meta.categories.contains(&item) {
                        meta.categories.push(item);
                    }
                }
            }
            (_, Value::Scalar(s)) => {
                let s = normalize(&s);
                if !s.is_empty() {
                    meta.extra.insert(key, s);
                }
            }
            (_, Value::List(items)) => {
                meta.extra.insert(
                    key,
                    items
                        .iter()
                        .map(|s| normalize(s))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
        }
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_header() {
        let text = "---\nlayout: post\ntitle: \"习近平：会谈\"\ndate: 2022-02-04 17:56:23 +0800\n\
                    categories: yangshi news\ntags: 央视新闻\n---\n<p>正文</p>\n";
        let (m, body) = split(text).unwrap();
        assert_eq!(m.title.as_deref(), Some("习近平：会谈"));
        assert_eq!(m.date.as_deref(), Some("2022-02-04 17:56:23 +0800"));
        assert_eq!(m.categories, ["yangshi", "news", "央视新闻"]);
        assert_eq!(m.extra.get("layout").map(String::as_str), Some("post"));
        assert_eq!(body, "<p>正文</p>\n");
    }

    #[test]
    fn leading_blank_line_block_list_single_quotes() {
        let text =
            "\n---\ntitle: '中俄 ''元首'''\ncategories: \n - 金融\n - 新浪财经\nauthor: 新浪\n\
                    comments: false\ndate: Thu, 16 Dec 2021 06:21:53 GMT\n---\n\nbody";
        let (m, body) = split(text).unwrap();
        assert_eq!(m.title.as_deref(), Some("中俄 '元首'"));
        assert_eq!(m.categories, ["金融", "新浪财经"]);
        assert_eq!(m.date.as_deref(), Some("Thu, 16 Dec 2021 06:21:53 GMT"));
        assert_eq!(m.extra.get("comments").map(String::as_str), Some("false"));
        assert_eq!(body, "\nbody");
    }

    #[test]
    fn inline_lists_and_comments() {
        let text = "---\ntags: [a, 'b, c', \"d\"]\n# note\ntitle: T # c\n---\n";
        let (m, _) = split(text).unwrap();
        assert_eq!(m.categories, ["a", "b, c", "d"]);
        assert_eq!(m.title.as_deref(), Some("T"));
    }

    #[test]
    fn not_front_matter() {
        assert!(split("hello\n---\n").is_none());
        assert!(split("---\njust prose\n---\n").is_none());
        assert!(split("---\ntitle: x\n").is_none());
    }
}

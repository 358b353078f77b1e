//! Renders a [`ReviewPage`] into one HTML file: the template `page.html` with `page.css` and
//! `page.js` inlined, a summary per document rendered here (escaped), and the page model as
//! JSON in a `<script type="application/json">` element, from which the script draws the
//! units with `textContent` only, so no text of a document can become markup or code.

use super::{PageDoc, ReviewPage, HISTOGRAM_BINS};
use std::fmt::Write;

const TEMPLATE: &str = include_str!("page.html");
const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The page model as JSON safe inside `<script>`: `<`, `>` and `&` (which occur only inside
/// JSON strings) become `\u003c`, `\u003e`, `\u0026`, so no `</script>` or `<!--` can end or
/// change the element; U+2028/U+2029 are escaped as well for older script parsers.
pub fn script_json<T: serde::Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

/// Replaces each `{{NAME}}` of `template` by its value, in one pass (a value is never
/// scanned for markers; an unknown marker is left as it is).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (end, *v))
        }) {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The confidence histogram of a document as a small inline SVG (bars of 0.1, height scaled
/// to the fullest bin, each bar with its count as a tooltip).
pub fn histogram_svg(bins: &[usize; HISTOGRAM_BINS]) -> String {
    let (w, h, pad) = (220.0_f64, 70.0_f64, 14.0_f64);
    let max = bins.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bw = w / HISTOGRAM_BINS as f64;
    let mut svg = format!(
        r#"<svg class="hist" width="{w}" height="{}" viewBox="0 0 {w} {}" role="img" aria-label="confidence histogram">"#,
        h + pad,
        h + pad
    );
    for (i, &n) in bins.iter().enumerate() {
        let bh = if n == 0 {
            0.0
        } else {
            (n as f64 / max * h).max(1.0)
        };
        let lo = i as f64 / HISTOGRAM_BINS as f64;
        let _ = write!(
            svg,
            r#"<rect class="b{}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{:.1}–{:.1}: {n}</title></rect>"#,
            i,
            i as f64 * bw + 1.0,
            h - bh,
            bw - 2.0,
            bh,
            lo,
            lo + 0.1
        );
    }
    let _ = write!(
        svg,
        r#"<line x1="0" y1="{h}" x2="{w}" y2="{h}" stroke="gray"/><text x="0" y="{y}">0</text><text x="{m}" y="{y}" text-anchor="middle">0.5</text><text x="{w}" y="{y}" text-anchor="end">1</text></svg>"#,
        y = h + pad - 2.0,
        m = w / 2.0
    );
    svg
}

/// The summary block of one document.
fn summary_html(doc: &PageDoc) -> String {
    let s = &doc.summary;
    let mut html = String::new();
    let _ = write!(
        html,
        r#"<div class="summary"><div><b>{}</b> units, {} in the TMX<table class="kinds"><tr><th>bead</th><th>units</th></tr>"#,
        s.units, s.in_tmx
    );
    for (kind, n) in &s.bead_kinds {
        let _ = write!(html, "<tr><td>{}</td><td>{n}</td></tr>", escape(kind));
    }
    html.push_str("</table></div><div>confidence<br>");
    html.push_str(&histogram_svg(&s.histogram));
    html.push_str(r#"</div><div>flags<table class="flags"><tr><th>flag</th><th>units</th></tr>"#);
    if s.flags.is_empty() {
        html.push_str(r#"<tr><td colspan="2">none</td></tr>"#);
    }
    for (flag, n) in &s.flags {
        let _ = write!(
            html,
            r#"<tr><td><span class="flag f-{}">{}</span></td><td>{n}</td></tr>"#,
            escape(flag),
            escape(flag)
        );
    }
    html.push_str("</table></div></div>");
    html
}

/// The HTML of the whole page.
pub fn render(page: &ReviewPage) -> String {
    let mut docs = String::new();
    for (i, doc) in page.docs.iter().enumerate() {
        let _ = write!(
            docs,
            r#"<section class="doc" data-doc="{i}"><h2>{} <small>{} → {} · {}</small></h2>{}<div class="doctools"><button type="button" class="save" data-doc="{i}">Save review file</button> <span class="saveinfo">then: <code>tmalign tm import-csv {}.review.csv --tm {} -o reviewed.tmx</code></span></div><div class="units" data-doc="{i}"></div></section>"#,
            escape(&doc.name),
            escape(&doc.src_lang),
            escape(&doc.tgt_lang),
            escape(&doc.tmx),
            summary_html(doc),
            escape(&doc.name),
            escape(&doc.tmx),
        );
    }
    let glossary = match &page.glossary {
        Some(g) => format!("glossary QA: {}", escape(g)),
        None => "no glossary QA".to_string(),
    };
    let data = script_json(page);
    fill(
        TEMPLATE,
        &[
            ("TITLE", &escape(&page.title)),
            ("CSS", CSS),
            ("JS", JS),
            ("GLOSSARY", &glossary),
            ("DOCS", &docs),
            ("DATA", &data),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::{PageUnit, RowCells, Summary};

    fn page_with(text: &str) -> ReviewPage {
        let unit = PageUnit {
            row: Some(RowCells {
                id: "1".into(),
                confidence: "0.5".into(),
                bead: "1-1".into(),
                source_lines: String::new(),
                target_lines: String::new(),
                flags: String::new(),
                key: "k1".into(),
            }),
            paragraph: Some(1),
            source: vec![text.into()],
            target: vec![text.into()],
            source_text: text.into(),
            target_text: text.into(),
            confidence: Some(0.5),
            bead: text.into(),
            flags: vec![text.into()],
            qa: vec![text.into()],
        };
        let units = vec![unit];
        ReviewPage {
            title: text.into(),
            glossary: Some(text.into()),
            docs: vec![PageDoc {
                name: text.into(),
                tmx: text.into(),
                src_lang: "zh".into(),
                tgt_lang: "ru".into(),
                summary: Summary::of(&units),
                units,
            }],
        }
    }

    #[test]
    fn hostile_text_is_never_markup() {
        let evil = "</script><script>alert(1)</script><img src=x onerror=alert(2)>\"'&{{JS}}<!--";
        let html = render(&page_with(evil));
        // the only script elements are the template's two
        assert_eq!(html.matches("<script").count(), 2, "{html}");
        assert!(!html.contains("<img"));
        assert!(!html.contains("<!--"));
        // a value is not scanned for markers: the script is inlined once
        assert_eq!(html.matches("function saveReview").count(), 1);
        // the data survives: JSON parses back to the same text
        let start = html.find(r#"id="tmalign-data">"#).unwrap() + r#"id="tmalign-data">"#.len();
        let end = start + html[start..].find("</script>").unwrap();
        let v: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
        assert_eq!(v["docs"][0]["units"][0]["source"][0], evil);
    }

    #[test]
    fn fill_leaves_unknown_markers() {
        assert_eq!(
            fill("a{{X}}b{{Y}}c{{", &[("X", "{{Y}}")]),
            "a{{Y}}b{{Y}}c{{"
        );
    }

    #[test]
    fn histogram_has_a_bar_per_bin() {
        let svg = histogram_svg(&[0, 1, 2, 0, 0, 0, 0, 0, 0, 4]);
        assert_eq!(svg.matches("<rect").count(), HISTOGRAM_BINS);
        assert!(svg.contains("0.9–1.0: 4"));
        assert!(
            svg.contains(r#"height="70.0""#),
            "the fullest bin is full height"
        );
    }
}

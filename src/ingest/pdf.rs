//! PDF text extraction (`pdf-extract`), page by page, into paragraphs.
//!
//! * Text comes in content order with `pdf-extract`'s layout heuristics: a line step is a line
//!   break, a larger vertical gap a blank line (a paragraph break).
//! * Running headers and footers are removed by repetition: among the first and the last
//!   [`EDGE_LINES`] lines of each page, a line that recurs (digits ignored, so `Page 3` and
//!   `Page 4` are one line) on at least half of the pages (and on two or more) is dropped; a
//!   bare page number (`3`, `- 3 -`, `第3页`, `Стр. 3`, `3/10`) at a page edge always is.
//! * Lines are joined as in plain text: a word hyphenated at a line end is rejoined
//!   (`сотруд-` + `ничество`), Chinese lines join without a space; a paragraph cut by a page
//!   break continues on the next page unless it ended a sentence.
//! * No text layer (a scanned PDF: images only) → a clear error suggesting OCR. Encrypted
//!   and malformed PDFs → an error; `pdf-extract` panics on some malformed files, which is
//!   caught and reported as bad input.
//!
//! PDFs carry no inline tags and no reading order by columns beyond what `pdf-extract` gives.

use super::{normalize, structure, Document, Format, Metadata};
use crate::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

/// How many lines at the top and at the bottom of a page count as its edges.
pub const EDGE_LINES: usize = 2;

/// Reads a PDF (`bytes` start with `%PDF-`).
pub fn ingest(path: &Path, bytes: &[u8]) -> Result<Document> {
    let pages = extract_pages(path, bytes)?;
    super::report_controls(path, pages.iter().map(String::as_str));
    let paragraphs = paragraphs_from_pages(&pages);
    let chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();
    if chars < 10 {
        let images = bytes.windows(6).any(|w| w == b"/Image");
        let what = if images {
            "its pages are images without a text layer: a scanned document"
        } else {
            "no extractable text (no text layer, or fonts without a Unicode map)"
        };
        return Err(Error::bad_input(
            path,
            format!(
                "PDF with {} page(s) and {chars} characters of text: {what}; if it is a scan, \
                 run OCR first (e.g. `ocrmypdf --language chi_sim+rus IN.pdf OUT.pdf`)",
                pages.len()
            ),
        ));
    }
    let mut metadata = Metadata::default();
    let paragraphs = structure::finish(paragraphs, &mut metadata);
    if paragraphs.is_empty() {
        return Err(Error::bad_input(path, "no text left after cleaning"));
    }
    Ok(Document {
        path: path.to_path_buf(),
        encoding: "UTF-8".into(),
        format: Format::Pdf,
        metadata,
        paragraphs,
        parts: Vec::new(),
        inline: Vec::new(),
    })
}

/// The text of each page, `pdf-extract`'s panics and errors turned into bad input.
fn extract_pages(path: &Path, bytes: &[u8]) -> Result<Vec<String>> {
    // its panics are caught (and not printed by the panic hook) and reported as bad input
    let result = crate::panic_guard::catch(|| pdf_extract::extract_text_from_mem_by_pages(bytes));
    match result {
        Ok(Ok(pages)) => Ok(pages),
        Ok(Err(e)) => {
            let msg = e.to_string();
            let why = if msg.to_ascii_lowercase().contains("encrypt")
                || msg.to_ascii_lowercase().contains("password")
            {
                "encrypted (password-protected) PDF: remove the password and try again".to_string()
            } else {
                format!("cannot read the PDF: {msg}")
            };
            Err(Error::bad_input(path, why))
        }
        Err(panic) => {
            let what =
                crate::panic_guard::message(panic.as_ref()).unwrap_or("unsupported construct");
            Err(Error::bad_input(
                path,
                format!("cannot read the PDF (damaged or unsupported: {what})"),
            ))
        }
    }
}

/// A line with digits folded, for recognising running headers (`Page 3` ~ `Page 4`).
fn edge_key(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Whether a line is only a page number (`3`, `- 3 -`, `第3页`, `Стр. 3`, `Page 3 of 9`, `3/10`).
pub fn is_page_number(line: &str) -> bool {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    if !t.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let rest: String = t
        .to_lowercase()
        .replace("page", "")
        .replace("of", "")
        .replace("стр.", "")
        .replace("страница", "")
        .replace("из", "")
        .replace(['第', '页', '共', '-', '–', '—', '/', '|', '(', ')'], "");
    rest.chars().all(|c| c.is_ascii_digit())
}

/// Paragraphs from page texts: running headers / footers dropped, lines joined.
pub fn paragraphs_from_pages(pages: &[String]) -> Vec<String> {
    let page_lines: Vec<Vec<String>> = pages
        .iter()
        .map(|p| p.lines().map(normalize::normalize).collect::<Vec<_>>())
        .collect();
    // Edge lines of each page (indices into its lines, blank lines skipped).
    let edges = |lines: &[String]| -> Vec<usize> {
        let text: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].is_empty()).collect();
        let mut e: Vec<usize> = text.iter().take(EDGE_LINES).copied().collect();
        e.extend(text.iter().rev().take(EDGE_LINES).copied());
        e.sort_unstable();
        e.dedup();
        e
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for lines in &page_lines {
        let mut keys: Vec<String> = edges(lines).iter().map(|&i| edge_key(&lines[i])).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *counts.entry(k).or_default() += 1;
        }
    }
    let pages_with_text = page_lines
        .iter()
        .filter(|l| l.iter().any(|x| !x.is_empty()))
        .count();
    let threshold = (pages_with_text.div_ceil(2)).max(2);
    let mut paragraphs: Vec<String> = Vec::new();
    // Whether the last paragraph so far ended on a page break without ending a sentence.
    let mut open_end = false;
    for lines in &page_lines {
        let drop: Vec<usize> = edges(lines)
            .into_iter()
            .filter(|&i| {
                is_page_number(&lines[i])
                    || counts.get(&edge_key(&lines[i])).copied().unwrap_or(0) >= threshold
            })
            .collect();
        let mut page: Vec<String> = Vec::new();
        let mut para = String::new();
        // Widths of the page's lines (CJK counts two) and of its last text line.
        let (mut widest, mut last_width) = (0usize, 0usize);
        for (i, line) in lines.iter().enumerate() {
            if drop.contains(&i) {
                continue;
            }
            if line.is_empty() {
                if !para.is_empty() {
                    page.push(std::mem::take(&mut para));
                }
                continue;
            }
            last_width = line
                .chars()
                .map(|c| if normalize::is_cjk(c) { 2 } else { 1 })
                .sum();
            widest = widest.max(last_width);
            if let Some(done) = normalize::push_line_or_break(&mut para, line) {
                page.push(done);
            }
        }
        if !para.is_empty() {
            page.push(para);
        }
        let mut page = page.into_iter();
        if open_end {
            // A paragraph cut by the page break goes on with the page's first paragraph.
            if let (Some(last), Some(first)) = (paragraphs.last_mut(), page.next()) {
                if let Some(done) = normalize::push_line_or_break(last, &first) {
                    paragraphs.push(done);
                }
            }
        }
        paragraphs.extend(page);
        // Cut by the page break: no sentence end, and a last line that fills the measure (a
        // short last line is a heading or a table cell that simply ends the page).
        open_end = paragraphs.last().is_some_and(|p| !ends_sentence(p))
            && last_width * 5 >= widest * 4
            && widest > 0;
    }
    paragraphs
}

/// Whether a paragraph ends a sentence (closing quotes and brackets looked through).
fn ends_sentence(p: &str) -> bool {
    p.chars()
        .rev()
        .find(|c| !matches!(c, '»' | '"' | '”' | '’' | ')' | '）' | '」' | '』'))
        .is_some_and(|c| {
            matches!(
                c,
                '.' | '!' | '?' | '。' | '！' | '？' | '…' | ':' | '：' | ';' | '；'
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_headers_page_numbers_and_hyphens() {
        let topics = ["энергетики", "торговли", "сельского хозяйства", "логистики"];
        let pages: Vec<String> = topics
            .iter()
            .enumerate()
            .map(|(n, t)| {
                format!(
                    "Пресс-релиз МИД\n\nВ области {t} сотруд-\nничество подтверждено.\n\nАбзац\nпродолжается темой {t} и далее\n\n- {} -\n",
                    n + 1
                )
            })
            .collect();
        let ps = paragraphs_from_pages(&pages);
        assert_eq!(ps.len(), 5, "{ps:#?}");
        assert_eq!(ps[0], "В области энергетики сотрудничество подтверждено.");
        // Not a sentence end: continues on the next page.
        assert_eq!(
            ps[1],
            "Абзац продолжается темой энергетики и далее В области торговли сотрудничество подтверждено."
        );
        assert!(ps
            .iter()
            .all(|p| !p.contains("Пресс-релиз") && !p.contains("- 2 -")));
        assert_eq!(ps[4], "Абзац продолжается темой логистики и далее");
    }

    #[test]
    fn chinese_lines_join_without_space() {
        let ps = paragraphs_from_pages(&["两国元首\n通了电话。\n".to_string()]);
        assert_eq!(ps, ["两国元首通了电话。"]);
    }

    #[test]
    fn page_numbers() {
        for s in [
            "3",
            "- 3 -",
            "第3页",
            "Стр. 3",
            "Page 3 of 9",
            "3/10",
            "— 12 —",
        ] {
            assert!(is_page_number(s), "{s}");
        }
        for s in ["2026年", "Статья 3", "3 мая"] {
            assert!(!is_page_number(s), "{s}");
        }
    }

    #[test]
    fn garbage_is_bad_input_not_a_panic() {
        let e = ingest(Path::new("x.pdf"), b"%PDF-1.4\n garbage \x00\x01").unwrap_err();
        assert!(e.is_bad_input(), "{e}");
    }
}

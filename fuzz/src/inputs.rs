//! The targets for document input: `ingest` (every format and encoding ingest reads, and
//! XLIFF) and `lang_split` (the language splitter). Self-contained on purpose (std and
//! `tmalign` only): the main test suite includes this very file
//! (`tests/fuzz_inputs.rs`, `#[path]`) to replay saved inputs through the same oracles.

use std::path::Path;
use std::sync::OnceLock;

/// File names the ingest target chooses from (by the low bits of the first input byte): the
/// name is a format hint to ingest, and `.xlf` goes to the XLIFF reader instead.
pub const INGEST_NAMES: [&str; 8] = [
    "doc.txt", "doc.md", "doc.html", "doc.docx", "doc.odt", "doc.pdf", "doc.xlf", "doc",
];

/// Encodings the ingest target forces (bits 3–5 of the first byte; the others detect).
const INGEST_ENCODINGS: [Option<&str>; 8] = [
    None,
    None,
    None,
    None,
    Some("utf-8"),
    Some("utf-16le"),
    Some("gbk"),
    Some("windows-1251"),
];

/// The characters no ingested paragraph may hold: C0 controls (line feed and tab included:
/// a paragraph is one line of words), DEL, C1 controls and U+FFFD's neighbours that the
/// normalisation promises to drop (zero-width space, BOM).
fn forbidden_in_paragraph(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200B}' | '\u{FEFF}')
}

/// Target `ingest`: the first byte chooses a file name (format hint; see [`INGEST_NAMES`]),
/// a forced encoding or detection, and `--strict`; the rest goes through
/// `tmalign::ingest::ingest_bytes` (or `tm::xliff::read_xliff_bytes` for `.xlf`). A document
/// that reads must be clean: paragraphs non-empty, trimmed, free of control characters.
pub fn ingest(data: &[u8]) -> String {
    quiet();
    let Some((&sel, bytes)) = data.split_first() else {
        return "empty".into();
    };
    let name = INGEST_NAMES[usize::from(sel & 7)];
    let path = Path::new(name);
    if name.ends_with(".xlf") {
        let options = tmalign::tm::xliff::XliffOptions {
            approved_only: sel & 0x80 != 0,
        };
        return match tmalign::tm::xliff::read_xliff_bytes(path, bytes.to_vec(), &options) {
            Ok(doc) => {
                for u in &doc.units {
                    for t in [&u.source, &u.target] {
                        assert!(!t.is_empty(), "empty side of unit {}", u.id);
                    }
                }
                format!("ok-xlf:{}:{}", doc.units.len().min(8), doc.skipped.min(4))
            }
            Err(e) => format!("xlf:{}", error_shape(&e.to_string())),
        };
    }
    let options = tmalign::ingest::IngestOptions {
        encoding: INGEST_ENCODINGS[usize::from((sel >> 3) & 7)].map(str::to_string),
        strict: sel & 0x80 != 0,
    };
    match tmalign::ingest::ingest_bytes(path, bytes, &options) {
        Ok(doc) => {
            assert!(!doc.paragraphs.is_empty(), "a document without paragraphs");
            for p in &doc.paragraphs {
                assert!(!p.is_empty(), "an empty paragraph");
                assert_eq!(p.trim(), p, "an untrimmed paragraph");
                if let Some(c) = p.chars().find(|&c| forbidden_in_paragraph(c)) {
                    panic!("paragraph holds U+{:04X}: {p:?}", u32::from(c));
                }
            }
            format!(
                "ok:{:?}:{}:{}",
                doc.format,
                doc.encoding,
                doc.paragraphs.len().min(8)
            )
        }
        Err(e) => error_shape(&e.to_string()),
    }
}

/// Warnings are the normal outcome for much fuzz input; printing them would dominate the run.
fn quiet() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| tmalign::warning::set_handler(|_| {}));
}

/// The splitter, built once (the lingua detector inside is costly to build).
fn splitter() -> &'static tmalign::lang::LanguageSplitter {
    use tmalign::lang::{Lang, LanguageSplitter};
    static S: OnceLock<LanguageSplitter> = OnceLock::new();
    S.get_or_init(|| LanguageSplitter::new(&[Lang::Zh, Lang::Ru, Lang::En]))
}

/// Target `lang_split`: `data` (as UTF-8, invalid bytes replaced) through the language
/// splitter's `detect` and `split`. Oracles: spans are non-empty, trimmed, ordered, on
/// character boundaries and never cross a blank line; `split` of a paragraph gives the streams
/// exactly the characters of its `detect` spans (multisets: each stream keeps its own order),
/// and of a paragraph without Latin letters loses nothing but spaces and separators (no
/// letter, no digit); a paragraph with Chinese characters always gives something.
pub fn lang_split(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let s = splitter();
    let spans = s.detect(text);
    let mut last = 0;
    for span in &spans {
        assert!(span.start < span.end, "empty span {span:?}");
        assert!(
            span.start >= last,
            "spans overlap or go backwards: {spans:?}"
        );
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        assert_eq!(&text[span.start..span.end], span.text);
        assert_eq!(span.text.trim(), span.text, "untrimmed span");
        assert!(
            !span.text.contains("\n\n") && !blank_line_inside(&span.text),
            "span crosses a paragraph break: {:?}",
            span.text
        );
        last = span.end;
    }
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    let streams = s.split(&paragraphs).streams;
    for p in streams.values().flatten() {
        assert!(!p.is_empty() && p.trim() == p, "bad stream paragraph {p:?}");
    }
    // Paragraph by paragraph: `split` gives the streams exactly the text `detect` finds in
    // the paragraph (no character duplicated, invented or lost on the way), and `detect`
    // leaves out no letter or digit but those of text in no configured language.
    for p in &paragraphs {
        let one = s.split(std::slice::from_ref(p)).streams;
        if one.is_empty() {
            assert!(
                !p.chars().any(tmalign::lang::is_han),
                "Chinese paragraph given to no stream: {p:?}"
            );
            continue;
        }
        let mut want: Vec<char> = s
            .detect(p)
            .iter()
            .flat_map(|span| span.text.chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut got: Vec<char> = one
            .values()
            .flatten()
            .flat_map(|q| q.chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        want.sort_unstable();
        got.sort_unstable();
        let (missing, extra) = multiset_difference(&want, &got);
        assert!(
            missing.is_empty() && extra.is_empty(),
            "split of {p:?} differs from its spans: lost {missing:?}, invented / duplicated {extra:?}"
        );
        if p.chars()
            .all(|c| !c.is_alphabetic() || tmalign::lang::is_han(c) || is_cyrillic(c))
        {
            // No Latin text (the only kind that can be in no configured language here):
            // nothing but spaces and separators may be left out.
            let mut all: Vec<char> = p.chars().filter(|c| !c.is_whitespace()).collect();
            all.sort_unstable();
            let (lost, extra) = multiset_difference(&all, &got);
            assert!(
                extra.is_empty() && lost.chars().all(|c| !c.is_alphanumeric()),
                "split of {p:?} lost {lost:?}"
            );
        }
    }
    format!(
        "split:{}:{}",
        spans.len().min(8),
        streams
            .keys()
            .map(|l| l.code())
            .collect::<Vec<_>>()
            .join("+")
    )
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{052F}')
}

/// Whether `text` has a line that is blank between two non-blank ones.
fn blank_line_inside(text: &str) -> bool {
    text.split('\n').any(|l| l.trim().is_empty())
}

/// (missing from `got`, extra in `got`) of two sorted lists.
fn multiset_difference(want: &[char], got: &[char]) -> (String, String) {
    let (mut i, mut j) = (0, 0);
    let (mut missing, mut extra) = (String::new(), String::new());
    while i < want.len() || j < got.len() {
        match (want.get(i), got.get(j)) {
            (Some(a), Some(b)) if a == b => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                missing.push(*a);
                i += 1;
            }
            (Some(a), None) => {
                missing.push(*a);
                i += 1;
            }
            (_, Some(b)) => {
                extra.push(*b);
                j += 1;
            }
            (None, None) => break,
        }
    }
    (missing, extra)
}

/// The "shape" of an error message: its first plain words after the file name, up to the
/// first quote (where input gets echoed back), so that one kind of error with other names,
/// numbers or echoed text counts once.
pub fn error_shape(message: &str) -> String {
    let rest = message.split_once(": ").map_or(message, |(_, r)| r);
    let head = rest.split(['"', '`', '\'']).next().unwrap_or("");
    head.split_whitespace()
        .filter(|w| w.chars().all(|c| c.is_ascii_lowercase()))
        .take(4)
        .collect::<Vec<_>>()
        .join(" ")
}

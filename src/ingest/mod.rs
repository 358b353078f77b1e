//! Ingest: bytes of a txt / Markdown (YAML front matter) / HTML file → clean paragraphs.
//!
//! Encoding is detected (BOM, then `chardetng`) and decoded with `encoding_rs`; the format is
//! decided by content, not only by extension; text is normalised (full-width ASCII to ASCII,
//! odd spaces collapsed) with Chinese punctuation kept as is.
//!
//! The stages, one submodule each (their module docs give the exact rules):
//!
//! 1. [`encoding`] — refuse binary input (magic numbers, NUL bytes without a UTF-16 BOM, many
//!    control bytes); BOM → UTF-8 / UTF-16LE / UTF-16BE; valid UTF-8 → UTF-8; else
//!    `chardetng`, with a plausibility vote inside the Cyrillic and the CJK encoding families
//!    (short Windows-1251 Russian and short GBK Chinese come out right). `--encoding LABEL`
//!    overrides detection; an unknown label is a usage error; forced UTF-8 is strict; a
//!    decoding with more than 1% replacement characters is refused, and so is a guessed one
//!    that reads as symbol soup (random or binary bytes).
//! 2. [`format`](mod@format) — front matter → Markdown; `<!DOCTYPE html>`/`<html>`/two known tags → HTML;
//!    `.md` or Markdown headings/links → Markdown; else plain text. [`frontmatter`] parses the
//!    YAML header (title, date, categories/tags, other scalars); [`html`] turns HTML — pages,
//!    fragments, and HTML inside Markdown bodies — into blocks (block elements and `<br>` break,
//!    inline tags vanish, script/style/comments/images dropped, all entities decoded; a
//!    blank line inside a block still separates paragraphs); [`markdown`] reads what is left
//!    as Markdown (links keep their text, navigation-only lines and bare URLs go).
//! 3. [`normalize`] — per line: full-width digits and Latin letters → ASCII (only
//!    U+FF10–FF19, FF21–FF3A, FF41–FF5A; `，。！？：；（）“”` stay), U+3000 / NBSP / other
//!    spaces → space, whitespace collapsed and trimmed (drops `　　` indentation), zero-width,
//!    control and replacement characters dropped. Lines of one paragraph join without a space
//!    between CJK characters, with one otherwise; `сотруд-` + `ничество` → `сотрудничество`.
//! 4. [`structure`] — plain text paragraphs (blank lines, indentation, wrapped vs line-per-
//!    paragraph), OCR fragment repair (plain text only), then for every format: date stamps
//!    (`发布时间：…`) → [`Metadata::date`], keyword lists (`关键词：…`) and source lines
//!    (`（文章来源：…）`) → [`Metadata::extra`], short staff-credit lines (`责任编辑：…`,
//!    `出品人：…`), `新华社发`, bare URLs and Markdown navigation lines dropped, trailing photo
//!    credits (`… 新华社记者 黄敬文 摄`) cut from captions; the title becomes paragraph 0;
//!    verbatim repeats of at least [`structure::DEDUP_MIN_CHARS`] characters are dropped when
//!    they form a repeated run (an article printed twice); short lines and a lone repeat (a
//!    heading printed twice) may legitimately recur and stay.
//!
//! Errors are [`crate::Error::BadInput`] naming the file: missing, a directory, empty,
//! whitespace-only, binary, undecodable, or nothing left after cleaning.

pub mod archive;
pub mod docx;
pub mod encoding;
pub mod format;
pub mod frontmatter;
pub mod html;
pub mod inline;
pub mod markdown;
pub mod normalize;
pub mod odt;
pub mod office;
pub mod pdf;
pub mod structure;
pub mod xml;

use crate::Result;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How to read a file.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Force this encoding (a WHATWG label such as `gb18030`, `windows-1251`, `utf-16le`)
    /// instead of detecting it.
    pub encoding: Option<String>,
    /// Refuse a UTF-8 file with invalid bytes instead of reading it with U+FFFD in their
    /// place (and a warning).
    pub strict: bool,
}

/// The format a document was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text: paragraphs separated by blank lines.
    PlainText,
    /// Markdown, optionally with YAML front matter (Jekyll style).
    Markdown,
    /// An HTML page or fragment.
    Html,
    /// An Office Open XML word-processing document (`.docx`), see [`office`].
    Docx,
    /// An OpenDocument text (`.odt`), see [`office`].
    Odt,
    /// A PDF with a text layer, see [`pdf`].
    Pdf,
}

/// Document metadata kept out of the text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Metadata {
    /// Title (from front matter or `<title>`); also the first paragraph, unless
    /// [`Metadata::title_only`].
    pub title: Option<String>,
    /// The title is metadata only, not a paragraph: an HTML page whose body has a heading of
    /// its own (its `<title>` is often a file property: `Document1`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub title_only: bool,
    /// Date as written in the source.
    pub date: Option<String>,
    /// Categories / tags.
    pub categories: Vec<String>,
    /// Any other front-matter key with a scalar value.
    pub extra: BTreeMap<String, String>,
}

/// A cleaned document: what every later stage works on.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// The file it came from.
    pub path: PathBuf,
    /// Name of the encoding it was decoded from (`UTF-8`, `GB18030`, …).
    pub encoding: String,
    /// The format it was recognised as.
    pub format: Format,
    /// Metadata kept out of the text.
    pub metadata: Metadata,
    /// Clean paragraphs in document order (no empty ones).
    pub paragraphs: Vec<String>,
    /// Which paragraphs belong to which stream (body, footnotes, headers…) of an office
    /// document; empty for text formats (all body).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<office::Part>,
    /// Inline formatting codes per paragraph (offsets in characters of the paragraph) of an
    /// office document ([`inline`]); empty when the document has none (all text formats).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inline: Vec<Vec<inline::InlineCode>>,
}

/// The control characters of `text` that the normalisation drops
/// ([`normalize::is_dropped_control`]; VT and FF are not counted: they become spaces): their
/// count and the byte offset of the first.
fn control_chars(text: &str) -> Option<(usize, usize)> {
    let mut count = 0;
    let mut first = None;
    for (i, c) in text.char_indices() {
        if normalize::is_dropped_control(c) && !matches!(c, '\u{B}' | '\u{C}') {
            count += 1;
            first.get_or_insert(i);
        }
    }
    first.map(|f| (count, f))
}

/// Warns about the control characters the normalisation will drop from the extracted texts
/// of a DOCX / ODT / PDF (their text is not decoded from bytes, so byte offsets mean little).
pub(crate) fn report_controls<'a>(path: &Path, texts: impl IntoIterator<Item = &'a str>) {
    let count: usize = texts
        .into_iter()
        .filter_map(control_chars)
        .map(|(n, _)| n)
        .sum();
    if count > 0 {
        crate::warning::warn(&format!(
            "{}: {count} control character(s) removed from the extracted text",
            path.display()
        ));
    }
}

/// Reads and cleans one file.
pub fn ingest_file(path: &Path, options: &IngestOptions) -> Result<Document> {
    // Check the label before touching the file: a bad label is a usage error either way.
    if let Some(label) = &options.encoding {
        encoding::lookup_label(label)?;
    }
    if path.is_dir() {
        return Err(crate::Error::bad_input(path, "is a directory, not a file"));
    }
    let bytes = read_input(path, options)?;
    ingest_bytes(path, &bytes, options)
}

/// Largest input file (1 GiB): more is refused with a message, not read until memory runs out.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// A kind of file that tmalign reads whole, with its size cap: a file larger than any real one
/// of its kind (or endless, `/dev/zero`, a pipe that never closes) is refused with a message
/// naming the cap instead of being read until memory runs out. Streamed files (TMX for `tm
/// stats`, `tm export-csv`, `qa`) have no total cap but one per unit
/// ([`crate::tm::reader::MAX_UNIT_BYTES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A review CSV, or presegmented lines: [`MAX_INPUT_BYTES`].
    Text,
    /// A glossary (CSV, TSV, TBX): 256 MiB.
    Glossary,
    /// A TMX read whole (`tm import-csv`, `tm merge`, `tm lookup`): [`MAX_INPUT_BYTES`].
    Tmx,
    /// An XLIFF file: [`MAX_INPUT_BYTES`].
    Xliff,
    /// SRX segmentation rules: 16 MiB.
    Srx,
    /// A batch manifest: 16 MiB.
    Manifest,
    /// A bead file (`eval` gold or system beads): 256 MiB.
    Beads,
}

impl FileKind {
    /// The largest file of this kind read, in bytes.
    pub const fn cap(self) -> u64 {
        match self {
            FileKind::Text | FileKind::Tmx | FileKind::Xliff => MAX_INPUT_BYTES,
            FileKind::Glossary | FileKind::Beads => 256 << 20,
            FileKind::Srx | FileKind::Manifest => 16 << 20,
        }
    }

    /// The kind's name in messages (plural).
    pub const fn name(self) -> &'static str {
        match self {
            FileKind::Text => "review CSVs and presegmented files",
            FileKind::Glossary => "glossaries",
            FileKind::Tmx => "TMX files read whole",
            FileKind::Xliff => "XLIFF files",
            FileKind::Srx => "SRX rules",
            FileKind::Manifest => "manifests",
            FileKind::Beads => "bead files",
        }
    }
}

/// Reads a UTF-8 text file that tmalign reads whole (review CSV, presegmented lines): see
/// [`read_file_of`].
pub fn read_text_file(path: &Path) -> Result<Vec<u8>> {
    read_file_of(path, FileKind::Text)
}

/// Reads a whole file of `kind`: at most [`FileKind::cap`] bytes, and refused at once when its
/// first 64 KiB hold a NUL byte (binary, `/dev/zero`) without a UTF-16 byte-order mark (which
/// the TMX and XLIFF readers decode).
pub fn read_file_of(path: &Path, kind: FileKind) -> Result<Vec<u8>> {
    read_checked(path, kind.cap(), kind.name(), |head| {
        let utf16 = matches!(kind, FileKind::Tmx | FileKind::Xliff)
            && encoding_rs::Encoding::for_bom(head).is_some_and(|(e, _)| e != encoding_rs::UTF_8);
        if head.contains(&0) && !utf16 {
            return Err(crate::Error::bad_input(
                path,
                format!(
                    "looks like a binary file (NUL bytes); {} are text",
                    kind.name()
                ),
            ));
        }
        Ok(())
    })
}

/// Reads a review file: an XLSX workbook (a ZIP container) or UTF-8 text, as
/// [`read_text_file`] reads it.
pub fn read_review_file(path: &Path) -> Result<Vec<u8>> {
    read_checked(path, FileKind::Text.cap(), FileKind::Text.name(), |head| {
        if head.contains(&0) && !head.starts_with(b"PK\x03\x04") {
            return Err(crate::Error::bad_input(
                path,
                "looks like a binary file (NUL bytes), neither a CSV nor an XLSX workbook",
            ));
        }
        Ok(())
    })
}

/// [`read_file_of`] as text: the bytes must be UTF-8.
pub fn read_string_of(path: &Path, kind: FileKind) -> Result<String> {
    let bytes = read_file_of(path, kind)?;
    String::from_utf8(bytes).map_err(|e| {
        crate::Error::bad_input(
            path,
            format!(
                "byte {}: not valid UTF-8 ({} must be UTF-8)",
                e.utf8_error().valid_up_to(),
                kind.name()
            ),
        )
    })
}

/// Reads a file of at most `cap` bytes, handing its first 64 KiB to `check_head` before the
/// rest is read, so that a binary file is refused at once.
fn read_checked(
    path: &Path,
    cap: u64,
    what: &str,
    check_head: impl FnOnce(&[u8]) -> Result<()>,
) -> Result<Vec<u8>> {
    use std::io::Read;
    let io = |e| crate::Error::io(path, e);
    crate::output::before_reading(path)?;
    let file = std::fs::File::open(path).map_err(io)?;
    let mut input = file.take(cap + 1);
    let mut bytes = Vec::new();
    (&mut input)
        .take(64 * 1024)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    check_head(&bytes)?;
    input.read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > cap {
        return Err(crate::Error::bad_input(
            path,
            format!(
                "larger than {} MiB, the limit for {what}: split it into smaller files",
                cap >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// Reads a file of at most [`MAX_INPUT_BYTES`]. The first 64 KiB are checked for binary
/// content before the rest is read, so `/dev/zero` or a disk image is refused at once.
fn read_input(path: &Path, options: &IngestOptions) -> Result<Vec<u8>> {
    read_checked(path, MAX_INPUT_BYTES, "documents", |bytes| {
        // UTF-16 (by BOM or by --encoding) has NUL bytes; `decode` makes the same exception
        let utf16 = match &options.encoding {
            Some(label) => {
                let enc = encoding::lookup_label(label)?;
                enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE
            }
            None => encoding_rs::Encoding::for_bom(bytes)
                .is_some_and(|(enc, _)| enc != encoding_rs::UTF_8),
        };
        // Office containers and PDFs are binary by design: `ingest_bytes` reads them.
        if !utf16 && !office::is_container(bytes) {
            encoding::check_not_binary(path, bytes)?;
        }
        Ok(())
    })
}

/// Cleans the bytes of a file; `path` is used for messages and format hints only.
pub fn ingest_bytes(path: &Path, bytes: &[u8], options: &IngestOptions) -> Result<Document> {
    if bytes.is_empty() {
        return Err(crate::Error::bad_input(path, "empty file"));
    }
    // DOCX / ODT (ZIP containers) and encrypted Office files are recognised by content.
    if let Some(doc) = office::ingest(path, bytes)? {
        return Ok(doc);
    }
    if bytes.starts_with(b"%PDF-") {
        return pdf::ingest(path, bytes);
    }
    let (mut text, encoding) =
        encoding::decode_with(path, bytes, options.encoding.as_deref(), options.strict)?;
    // Control characters (NUL included, wherever they are) are dropped by the normalisation,
    // as the TMX writer would drop them: the user is told how many.
    if let Some((count, first)) = control_chars(&text) {
        crate::warning::warn(&format!(
            "{}: {count} control character(s) removed (the first at byte {first} of the decoded text)",
            path.display()
        ));
    }
    if text.contains('\r') {
        // Windows and old Mac line ends → `\n`, so that every later stage sees one kind.
        text = text.replace("\r\n", "\n").replace('\r', "\n").into();
    }
    let (format, mut metadata, raw) = format::extract(path, &text);
    let paragraphs = structure::finish(raw, &mut metadata);
    if paragraphs.is_empty() {
        let why = if normalize::normalize(&text).is_empty() {
            "file has only whitespace, no text"
        } else {
            "no text left after removing markup and boilerplate"
        };
        return Err(crate::Error::bad_input(path, why));
    }
    Ok(Document {
        path: path.to_path_buf(),
        encoding: encoding.to_string(),
        format,
        metadata,
        paragraphs,
        parts: Vec::new(),
        inline: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingest(bytes: &[u8]) -> Result<Document> {
        ingest_bytes(Path::new("doc.txt"), bytes, &IngestOptions::default())
    }

    #[test]
    fn crlf_and_old_mac_line_ends() {
        let d = ingest(b"One.\r\n\r\nTwo\r\rThree").unwrap();
        assert_eq!(d.paragraphs, ["One.", "Two", "Three"]);
    }

    #[test]
    fn empty_and_blank_are_bad_input() {
        let e = ingest(b"").unwrap_err();
        assert!(
            e.is_bad_input() && e.to_string().contains("doc.txt: empty file"),
            "{e}"
        );
        let e = ingest(" \n\u{3000}\n".as_bytes()).unwrap_err();
        assert!(e.to_string().contains("only whitespace"), "{e}");
    }

    #[test]
    fn document_fields() {
        let d = ingest(b"<html><title>T</title><body><p>x &amp; y</p></body></html>").unwrap();
        assert_eq!(d.format, Format::Html);
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.metadata.title.as_deref(), Some("T"));
        assert_eq!(d.paragraphs, ["T", "x & y"]);
    }

    proptest::proptest! {
        /// Arbitrary bytes never panic, and a success has clean, non-empty paragraphs.
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            if let Ok(d) = ingest(&bytes) {
                proptest::prop_assert!(!d.paragraphs.is_empty());
                for p in &d.paragraphs {
                    proptest::prop_assert!(!p.is_empty() && !p.contains("  ") && p.trim_matches(' ') == p);
                }
            }
        }

        /// Text-like input with markup characters never panics either.
        #[test]
        fn markup_soup_never_panics(s in "[<>/&;#a-z0-9 \n\u{4e00}-\u{4e0f}:\\-]{0,200}") {
            let _ = ingest(s.as_bytes());
            let _ = ingest_bytes(Path::new("x.md"), s.as_bytes(), &IngestOptions::default());
        }
    }
}

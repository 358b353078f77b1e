//! Ingest: bytes of a txt / Markdown (YAML front matter) / HTML file → clean paragraphs.
//!
//! Encoding is detected (BOM, then `chardetng`) and decoded with `encoding_rs`; the format is
//! decided by content, not only by extension; text is normalised (full-width ASCII to ASCII,
//! odd spaces collapsed) with Chinese punctuation kept as is.

use crate::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How to read a file.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Force this encoding (a WHATWG label such as `gb18030`, `windows-1251`, `utf-16le`)
    /// instead of detecting it.
    pub encoding: Option<String>,
}

/// The format a document was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text: paragraphs separated by blank lines.
    PlainText,
    /// Markdown, optionally with YAML front matter (Jekyll style).
    Markdown,
    /// An HTML page or fragment.
    Html,
}

/// Document metadata kept out of the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Title (from front matter or `<title>`); also the first paragraph.
    pub title: Option<String>,
    /// Date as written in the source.
    pub date: Option<String>,
    /// Categories / tags.
    pub categories: Vec<String>,
    /// Any other front-matter key with a scalar value.
    pub extra: BTreeMap<String, String>,
}

/// A cleaned document: what every later stage works on.
#[derive(Debug, Clone)]
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
}

/// Reads and cleans one file.
pub fn ingest_file(path: &Path, options: &IngestOptions) -> Result<Document> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
    ingest_bytes(path, &bytes, options)
}

/// Cleans the bytes of a file; `path` is used for messages and format hints only.
pub fn ingest_bytes(path: &Path, bytes: &[u8], options: &IngestOptions) -> Result<Document> {
    // PLACEHOLDER until the real ingest lands: UTF-8 plain text, paragraphs at blank lines.
    let _ = options;
    let text =
        std::str::from_utf8(bytes).map_err(|_| crate::Error::bad_input(path, "not valid UTF-8"))?;
    let paragraphs: Vec<String> = text
        .trim_start_matches('\u{feff}')
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    if paragraphs.is_empty() {
        return Err(crate::Error::bad_input(path, "file has no text"));
    }
    Ok(Document {
        path: path.to_path_buf(),
        encoding: "UTF-8".into(),
        format: Format::PlainText,
        metadata: Metadata::default(),
        paragraphs,
    })
}

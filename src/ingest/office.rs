//! Office documents (DOCX, ODT): recognised by content, read into [`Document`]s.
//!
//! A ZIP container with `[Content_Types].xml` is read as Office Open XML ([`super::docx`]),
//! one with an OpenDocument `mimetype` or `content.xml` as ODF ([`super::odt`]); the archive is
//! opened through [`super::archive`], which refuses zip bombs, path-traversal entries and
//! encrypted entries. A password-protected Word file is not a ZIP at all but an OLE compound
//! file holding an `EncryptedPackage` stream; that is recognised and refused too.
//!
//! The text comes out as *streams*: the body (paragraphs in reading order: table cells row by
//! row, text boxes after the paragraph that anchors them), then footnotes, endnotes, headers
//! and footers. [`Document::paragraphs`] holds them in that order and [`Document::parts`] says
//! which paragraphs belong to which stream. Each paragraph is normalised like a paragraph of
//! plain text (line breaks joined, NBSP and odd spaces → space, soft hyphens dropped); the body
//! then goes through the same clean-up as other formats ([`super::structure::finish`]).
//! Tracked changes are read as accepted (deleted text dropped, inserted text kept), noted in
//! [`Metadata::extra`] under `tracked-changes`.

use super::archive::{Archive, Limits};
use super::inline::{self, InlineCode};
use super::{normalize, structure, Document, Format, Metadata};
use crate::{Error, Result};
use serde::Serialize;
use std::path::Path;

/// Which stream of a document a paragraph comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartKind {
    /// The main text (with tables and text boxes).
    Body,
    /// Footnotes.
    Footnote,
    /// Endnotes.
    Endnote,
    /// Page headers.
    Header,
    /// Page footers.
    Footer,
}

impl PartKind {
    /// The name used in outputs (`x-part` in the TMX).
    pub fn name(self) -> &'static str {
        match self {
            PartKind::Body => "body",
            PartKind::Footnote => "footnote",
            PartKind::Endnote => "endnote",
            PartKind::Header => "header",
            PartKind::Footer => "footer",
        }
    }
}

/// A run of paragraphs of one stream: `paragraphs[start..end]` of the [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Part {
    /// The stream.
    pub kind: PartKind,
    /// First paragraph index.
    pub start: usize,
    /// One past the last paragraph index.
    pub end: usize,
}

/// The stream a paragraph index falls in, if `parts` cover it.
pub fn part_of(parts: &[Part], paragraph: usize) -> Option<PartKind> {
    parts
        .iter()
        .find(|p| (p.start..p.end).contains(&paragraph))
        .map(|p| p.kind)
}

/// `x-part` properties of the units whose source comes from a stream other than the body
/// (keyed by [`crate::tm::AlignedPair::id`]; the stream of a unit's first source segment).
pub fn part_props(
    parts: &[Part],
    src: &[crate::align::Segment],
    pairs: &[crate::tm::AlignedPair],
) -> std::collections::BTreeMap<usize, Vec<(String, String)>> {
    let mut out = std::collections::BTreeMap::new();
    for pair in pairs {
        let kind = src
            .get(pair.bead.src.start)
            .filter(|_| !pair.bead.src.is_empty())
            .and_then(|s| part_of(parts, s.paragraph));
        if let Some(kind) = kind.filter(|k| *k != PartKind::Body) {
            out.insert(
                pair.id,
                vec![("x-part".to_string(), kind.name().to_string())],
            );
        }
    }
    out
}

/// The raw text of an office document, per stream. Paragraph strings may contain `\n` (line
/// breaks) and `\t`; they are normalised by [`build_document`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficeText {
    /// Body paragraphs in reading order.
    pub body: Vec<String>,
    /// Footnote paragraphs.
    pub footnotes: Vec<String>,
    /// Endnote paragraphs.
    pub endnotes: Vec<String>,
    /// Header paragraphs.
    pub headers: Vec<String>,
    /// Footer paragraphs.
    pub footers: Vec<String>,
    /// Tracked deletions dropped.
    pub deletions: usize,
    /// Tracked insertions kept.
    pub insertions: usize,
    /// The inline codes whose markers the paragraphs hold ([`super::inline`]).
    pub format: super::inline::FormatTracker,
}

/// Collects paragraphs, with nesting: a paragraph inside another (a text box anchored in a
/// paragraph) is emitted after the paragraph that holds it.
#[derive(Debug, Default)]
pub(crate) struct Paragraphs {
    stack: Vec<(String, Vec<String>)>,
    /// Finished paragraphs.
    pub out: Vec<String>,
}

impl Paragraphs {
    /// Opens a paragraph.
    pub fn open(&mut self) {
        self.stack.push(Default::default());
    }

    /// Appends text to the innermost open paragraph (text outside paragraphs is dropped).
    pub fn text(&mut self, s: &str) {
        if let Some(top) = self.stack.last_mut() {
            top.0.push_str(s);
        }
    }

    /// Closes the innermost paragraph.
    pub fn close(&mut self) {
        let Some((text, deferred)) = self.stack.pop() else {
            return;
        };
        let sink = match self.stack.last_mut() {
            Some(parent) => &mut parent.1,
            None => &mut self.out,
        };
        sink.push(text);
        sink.extend(deferred);
    }

    /// Whether a paragraph is open.
    pub fn is_open(&self) -> bool {
        !self.stack.is_empty()
    }
}

/// Whether `bytes` start like a file [`super::ingest_bytes`] reads as a binary document rather
/// than as text: a ZIP container (DOCX, ODT), an OLE compound file (checked for encryption),
/// a PDF.
pub fn is_container(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
        || bytes.starts_with(b"%PDF-")
}

/// Reads `bytes` as an office document if it is one: `Ok(None)` when it is not a container
/// tmalign reads (the caller goes on with text detection).
pub fn ingest(path: &Path, bytes: &[u8]) -> Result<Option<Document>> {
    ingest_with_limits(path, bytes, Limits::default())
}

/// [`ingest`] with explicit archive limits.
pub fn ingest_with_limits(path: &Path, bytes: &[u8], limits: Limits) -> Result<Option<Document>> {
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo") {
            return Err(Error::bad_input(
                path,
                "encrypted (password-protected) Office document: remove the password in the \
                 word processor and save it again",
            ));
        }
        return Ok(None);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(None);
    }
    let mut archive = Archive::open(path, bytes, limits)?;
    let (format, text) = if archive.contains("[Content_Types].xml") {
        (Format::Docx, super::docx::read(path, &mut archive)?)
    } else if archive.contains("mimetype") || archive.contains("content.xml") {
        (Format::Odt, super::odt::read(path, &mut archive)?)
    } else {
        return Err(Error::bad_input(
            path,
            "a ZIP archive that is neither a DOCX nor an ODT document: extract its text first",
        ));
    };
    build_document(path, format, text).map(Some)
}

/// Normalises one raw paragraph: lines (`\n`) normalised and joined as in plain text.
pub fn normalize_paragraph(raw: &str) -> String {
    let mut para = String::new();
    for line in raw.split('\n') {
        let line = normalize::normalize(line);
        normalize::push_line(&mut para, &line);
    }
    para
}

/// Builds the [`Document`] from the streams of an office file.
pub fn build_document(path: &Path, format: Format, text: OfficeText) -> Result<Document> {
    super::report_controls(
        path,
        [
            &text.body,
            &text.footnotes,
            &text.endnotes,
            &text.headers,
            &text.footers,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str),
    );
    let mut metadata = Metadata::default();
    let events = &text.format.events;
    // each paragraph as plain text with its codes; empty ones dropped
    let clean = |raw: &[String]| -> Vec<(String, Vec<InlineCode>)> {
        raw.iter()
            .map(|p| {
                if !p.chars().any(inline::is_marker) {
                    return (normalize_paragraph(p), Vec::new());
                }
                let plain = normalize_paragraph(&inline::strip_markers(p));
                let codes = inline::split_codes(&normalize_paragraph(p), &plain, events);
                (plain, codes)
            })
            .filter(|p| !p.0.is_empty())
            .collect()
    };
    let body = clean(&text.body);
    let finished = structure::finish(body.iter().map(|p| p.0.clone()).collect(), &mut metadata);
    let body = refind_codes(&body, finished);
    let mut paragraphs = Vec::new();
    let mut inline_codes = Vec::new();
    let mut parts = Vec::new();
    let dedup = |v: Vec<(String, Vec<InlineCode>)>| {
        let mut seen = std::collections::HashSet::new();
        v.into_iter()
            .filter(|p| seen.insert(p.0.clone()))
            .collect::<Vec<_>>()
    };
    let streams = [
        (PartKind::Body, body),
        (PartKind::Footnote, clean(&text.footnotes)),
        (PartKind::Endnote, clean(&text.endnotes)),
        // Headers and footers repeat per section (first page, even pages): each text once.
        (PartKind::Header, dedup(clean(&text.headers))),
        (PartKind::Footer, dedup(clean(&text.footers))),
    ];
    for (kind, ps) in streams {
        if ps.is_empty() {
            continue;
        }
        let start = paragraphs.len();
        for (p, codes) in ps {
            paragraphs.push(p);
            inline_codes.push(codes);
        }
        parts.push(Part {
            kind,
            start,
            end: paragraphs.len(),
        });
    }
    if inline_codes.iter().all(Vec::is_empty) {
        inline_codes.clear();
    }
    if text.deletions + text.insertions > 0 {
        crate::warning::warn(&format!(
            "{}: tracked changes read as accepted ({} deletion(s) dropped, {} insertion(s) kept)",
            path.display(),
            text.deletions,
            text.insertions
        ));
        metadata.extra.insert(
            "tracked-changes".into(),
            format!(
                "read as accepted: {} deletion(s) dropped, {} insertion(s) kept",
                text.deletions, text.insertions
            ),
        );
    }
    if paragraphs.is_empty() {
        return Err(Error::bad_input(path, "document has no text"));
    }
    Ok(Document {
        path: path.to_path_buf(),
        encoding: "UTF-8".into(),
        format,
        metadata,
        paragraphs,
        parts,
        inline: inline_codes,
    })
}

/// The codes of the paragraphs `finished` that [`structure::finish`] made of `before` (which
/// may drop, move or trim paragraphs): each is looked up in the paragraph it came from (the
/// next one holding it, else any) and takes the codes of that stretch.
fn refind_codes(
    before: &[(String, Vec<InlineCode>)],
    finished: Vec<String>,
) -> Vec<(String, Vec<InlineCode>)> {
    let mut cursor = 0;
    finished
        .into_iter()
        .map(|p| {
            let found = (cursor..before.len())
                .chain(0..cursor.min(before.len()))
                .find_map(|i| before[i].0.find(&p).map(|at| (i, at)));
            let codes = match found {
                Some((i, at)) => {
                    cursor = i + 1;
                    let (text, codes) = &before[i];
                    if codes.is_empty() {
                        Vec::new()
                    } else {
                        let start = text[..at].chars().count();
                        inline::slice_codes(codes, start, start + p.chars().count())
                    }
                }
                None => Vec::new(),
            };
            (p, codes)
        })
        .collect()
}

/// Whether `bytes` contain `s` encoded as UTF-16LE.
fn contains_utf16(bytes: &[u8], s: &str) -> bool {
    let needle: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// Whether a field instruction (`PAGE`, `TOC \o "1-3"`, …) produces text that is layout, not
/// content: page numbers, tables of contents and indexes, dates.
pub fn dropped_field(instr: &str) -> bool {
    let word = instr
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    matches!(
        word.as_str(),
        "PAGE"
            | "NUMPAGES"
            | "SECTIONPAGES"
            | "SECTION"
            | "PAGEREF"
            | "TOC"
            | "TOA"
            | "INDEX"
            | "TC"
            | "TA"
            | "XE"
            | "RD"
            | "NOTEREF"
            | "DATE"
            | "TIME"
            | "PRINTDATE"
            | "SAVEDATE"
            | "CREATEDATE"
            | "EDITTIME"
            | "FILENAME"
            | "FILESIZE"
            | "NUMWORDS"
            | "NUMCHARS"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_paragraphs_follow_their_anchor() {
        let mut p = Paragraphs::default();
        p.open();
        p.text("outer ");
        p.open();
        p.text("box");
        p.close();
        p.text("tail");
        p.close();
        p.open();
        p.text("next");
        p.close();
        assert_eq!(p.out, ["outer tail", "box", "next"]);
    }

    #[test]
    fn paragraphs_normalised() {
        assert_eq!(normalize_paragraph("a\u{A0}b\u{AD}c\nd"), "a bc d");
        assert_eq!(normalize_paragraph("中文\n继续\t了"), "中文继续 了");
    }

    #[test]
    fn fields() {
        assert!(dropped_field(" PAGE \\* MERGEFORMAT "));
        assert!(dropped_field("TOC \\o \"1-3\""));
        assert!(!dropped_field("HYPERLINK \"http://x\""));
    }

    #[test]
    fn encrypted_ole_refused_other_ole_passed_on() {
        let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        bytes.extend(vec![0u8; 100]);
        assert!(ingest(Path::new("a.doc"), &bytes).unwrap().is_none());
        bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        let e = ingest(Path::new("a.docx"), &bytes).unwrap_err();
        assert!(
            e.is_bad_input() && e.to_string().contains("password"),
            "{e}"
        );
    }
}

//! The review file: one row per bead or unit, for a human to check the alignment in a
//! spreadsheet, and read back by `tmalign tm import-csv` (see [`crate::tm::ops::review`]).
//!
//! One schema everywhere — the review CSV that `run` and `align` write, the one
//! `tm export-csv` writes of any TMX, and the XLSX of both ([`crate::tm::xlsx`]): UTF-8 with a
//! byte-order mark (so that spreadsheet programs detect the encoding), comma separated,
//! RFC 4180 quoting, the header row [`REVIEW_HEADER`], then the columns
//!
//! | column | content |
//! |---|---|
//! | `id` | the unit's `tuid` in the TMX (tmalign numbers its units by bead, so a 1-0 / 0-1 bead's row has an id no unit has); for a TMX whose `tuid`s are not distinct positive numbers, the unit's 1-based position |
//! | `confidence` | the aligner's confidence, three decimals |
//! | `bead` | bead type `m-n` (`1-0` / `0-1` for unaligned segments) |
//! | `source_text` / `target_text` | the joined segments of each side (empty when none) |
//! | `source_lines` / `target_lines` | 1-based inclusive segment range: `12-13`, `7`, or empty when the side is empty (or the row comes from a TMX); the line numbers of the input for presegmented input, sentence numbers otherwise |
//! | `flags` | review flags, `;`-separated: `unaligned`, `empty`, `number-mismatch`, `length-outlier`, `low-confidence`, `size-mismatch`, `tag-mismatch` (inline tags without a counterpart, [`super::tags`]) |
//! | `status` | the reviewer's decision: `ok`, `reject`, `fix` (empty: not reviewed) |
//! | `comment` | the reviewer's comment (becomes a `<note>` of the unit) |
//! | `key` | [`review_key`], which ties the row to its unit (empty on a 1-0 / 0-1 row) |
//!
//! Unlike the TMX, 1-0 and 0-1 beads are kept (flagged `unaligned`). Read back by
//! [`read_review_csv`]; besides `ok`, `reject` and `fix`, `status` may be the structural `merge` /
//! `split` of the review page (see [`crate::tm::ops::review`]).
//!
//! Spreadsheet safety (the OWASP rule against CSV injection): a cell whose text starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return — after any apostrophes — is written with
//! one more leading `'`, so that a spreadsheet shows it as text instead of evaluating it
//! ([`protect_cell`]); reading removes exactly that one apostrophe again ([`unprotect_cell`]),
//! so every text survives the round trip, one that really starts with `'` included. The
//! delimiter is a comma by default; `;` (what spreadsheets in Russian locales save) and tab
//! may be chosen on export ([`Delimiter`]), and are recognised on import from the header row.

use super::unit::AlignedPair;
use crate::{Error, Result};
use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

/// What a spreadsheet takes for the start of a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text`, after its leading apostrophes, starts like a formula.
fn formula_like(text: &str) -> bool {
    text.trim_start_matches('\'')
        .starts_with(|c: char| FORMULA_START.contains(&c))
}

/// A cell as written to a CSV: with one more leading `'` when its text (after any leading
/// apostrophes) starts with `=`, `+`, `-`, `@`, tab or CR; otherwise unchanged.
pub fn protect_cell(text: &str) -> Cow<'_, str> {
    if formula_like(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text of a cell read from a CSV: [`protect_cell`] undone (one leading `'` removed where
/// it protects a formula-like text).
pub fn unprotect_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

/// 1-based line numbers of byte offsets into one text, asked in increasing order (each
/// newline is counted once). The csv crate's own line numbers are one short after CRLF line
/// ends, which is what spreadsheets save.
pub struct LineOf<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineOf<'a> {
    /// Line numbers into `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        LineOf {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The line of the record that starts at byte `offset` (an earlier offset than the last
    /// one asked starts over). The csv crate places a record after CRLF at the `\n`: line
    /// ends at the offset belong to the line before.
    pub fn line(&mut self, offset: u64) -> u64 {
        let mut offset = (offset as usize).min(self.bytes.len());
        while offset < self.bytes.len() && matches!(self.bytes[offset], b'\r' | b'\n') {
            offset += 1;
        }
        if offset < self.at {
            self.at = 0;
            self.line = 1;
        }
        self.line += self.bytes[self.at..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.at = offset;
        self.line
    }
}

/// The field delimiter of a CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Delimiter {
    /// `,` (the default).
    #[default]
    Comma,
    /// `;`, what spreadsheets in locales with a decimal comma (Russian) save.
    Semicolon,
    /// A tab.
    Tab,
}

impl Delimiter {
    /// The byte.
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    /// Parses `,` / `comma`, `;` / `semicolon`, a tab / `tab` / `\t`.
    pub fn parse(s: &str) -> Option<Delimiter> {
        match s {
            "," | "comma" => Some(Delimiter::Comma),
            ";" | "semicolon" => Some(Delimiter::Semicolon),
            "\t" | "\\t" | "tab" | "TAB" => Some(Delimiter::Tab),
            _ => None,
        }
    }

    /// The delimiter of a CSV by its first line: the one of `,` `;` tab that occurs most
    /// there (a header row of plain names), a comma when none does.
    pub fn detect(bytes: &[u8]) -> Delimiter {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let first = bytes.split(|&b| b == b'\n').next().unwrap_or(&[]);
        let count = |d: Delimiter| first.iter().filter(|&&b| b == d.byte()).count();
        [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab]
            .into_iter()
            .max_by_key(|&d| (count(d), d == Delimiter::Comma))
            .unwrap_or_default()
    }
}

impl std::str::FromStr for Delimiter {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        Delimiter::parse(s).ok_or_else(|| format!("unknown delimiter {s:?} (',', ';' or tab)"))
    }
}

/// The first eight columns of [`REVIEW_HEADER`] (the review file of tmalign before 0.2 had
/// only these).
pub const CSV_HEADER: [&str; 8] = [
    "id",
    "confidence",
    "bead",
    "source_text",
    "target_text",
    "source_lines",
    "target_lines",
    "flags",
];

/// The header row of every review file: [`CSV_HEADER`] plus `status`, `comment` and `key`
/// (see [`review_key`]).
pub const REVIEW_HEADER: [&str; 11] = {
    // Built from CSV_HEADER so the two cannot drift apart.
    let mut header = [""; 11];
    let mut i = 0;
    while i < CSV_HEADER.len() {
        header[i] = CSV_HEADER[i];
        i += 1;
    }
    header[8] = "status";
    header[9] = "comment";
    header[10] = "key";
    header
};

/// The key of a review row: a hash of the unit's `tuid` and original texts, written on export
/// and checked on import, so that a row whose `id` was edited (or that comes from another
/// TMX) is refused instead of applied to another unit, `fix` rows included. It starts with a
/// letter so that spreadsheets keep it as text.
pub fn review_key(tuid: &str, source: &str, target: &str) -> String {
    // FNV-1a 64: stable across versions and platforms
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [tuid, source, target] {
        for b in part.bytes().chain([0xFF]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("k{h:016x}")
}

/// Writes a BOM, `header` and the rows, RFC 4180 quoted, every cell through
/// [`protect_cell`]; the one CSV writer of the review files.
fn write_rows<W, I, R>(
    out: &mut W,
    header: &[&str],
    rows: I,
    delimiter: Delimiter,
) -> io::Result<()>
where
    W: Write + ?Sized,
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    out.write_all("\u{FEFF}".as_bytes())?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter.byte())
        .from_writer(out);
    w.write_record(header)?;
    for row in rows {
        let row: Vec<String> = row
            .into_iter()
            .map(|c| match protect_cell(&c) {
                Cow::Owned(p) => p,
                Cow::Borrowed(_) => c,
            })
            .collect();
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// Writes the review CSV of `pairs` (already in document order) to `out`.
pub fn write_csv<W: Write + ?Sized>(out: &mut W, pairs: &[AlignedPair]) -> io::Result<()> {
    write_csv_with(out, pairs, Delimiter::Comma)
}

/// [`write_csv`] with another delimiter.
pub fn write_csv_with<W: Write + ?Sized>(
    out: &mut W,
    pairs: &[AlignedPair],
    delimiter: Delimiter,
) -> io::Result<()> {
    write_review_rows(out, review_rows_of(pairs), delimiter)
}

/// The review rows of aligned pairs: `id` the bead number (the `tuid` the TMX writer gives
/// the pair's unit), status empty, `key` that of the unit as the TMX holds it (empty for a
/// pair that is no translation unit: a 1-0 / 0-1 bead).
pub fn review_rows_of(pairs: &[AlignedPair]) -> Vec<ReviewRow> {
    pairs
        .iter()
        .map(|p| {
            let flags: Vec<&str> = p.flags.iter().map(|f| f.as_str()).collect();
            let key = if p.is_translation() {
                // the key of the unit as it will be read back: the writer drops characters
                // XML forbids
                review_key(
                    &p.id.to_string(),
                    &xml_text(&super::tags::strip(&p.source)),
                    &xml_text(&super::tags::strip(&p.target)),
                )
            } else {
                String::new()
            };
            ReviewRow {
                line: 0,
                id: p.id,
                confidence: format!("{:.3}", p.bead.confidence),
                bead: p.bead.kind(),
                // inline tags as placeholders ({1}bold{/1}, {2/})
                source: super::tags::render_placeholders(&p.source).into_owned(),
                target: super::tags::render_placeholders(&p.target).into_owned(),
                source_lines: p.source_lines(),
                target_lines: p.target_lines(),
                flags: flags.join(";"),
                status: ReviewStatus::Blank,
                comment: String::new(),
                key,
            }
        })
        .collect()
}

/// `text` as a TMX holds it after writing and reading: without the characters XML 1.0
/// forbids.
fn xml_text(text: &str) -> Cow<'_, str> {
    if text.chars().all(super::tmx::is_xml_char) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .filter(|&c| super::tmx::is_xml_char(c))
                .collect(),
        )
    }
}

/// A reviewer's decision on one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStatus {
    /// Not reviewed yet: an empty cell. The unit is kept as it is.
    Blank,
    /// Keep the unit as it is.
    Ok,
    /// Drop the unit.
    Reject,
    /// Replace the unit's texts with the row's `source_text` / `target_text`.
    Fix,
    /// Join the unit to the unit of the row above (the preceding unit of the TMX): see
    /// [`crate::tm::ops::restructure`].
    Merge,
    /// Replace the unit by several: one `split` row per part, consecutive, same `id`; see
    /// [`crate::tm::ops::restructure`].
    Split,
}

impl ReviewStatus {
    /// The spelling in the CSV (`Blank` is the empty cell).
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Blank => "",
            ReviewStatus::Ok => "ok",
            ReviewStatus::Reject => "reject",
            ReviewStatus::Fix => "fix",
            ReviewStatus::Merge => "merge",
            ReviewStatus::Split => "split",
        }
    }

    /// Parses a cell: empty, `ok`, `reject`, `fix`, `merge`, `split`, case-insensitive.
    pub fn parse(cell: &str) -> Option<ReviewStatus> {
        match cell.trim().to_ascii_lowercase().as_str() {
            "" => Some(ReviewStatus::Blank),
            "ok" => Some(ReviewStatus::Ok),
            "reject" => Some(ReviewStatus::Reject),
            "fix" => Some(ReviewStatus::Fix),
            "merge" => Some(ReviewStatus::Merge),
            "split" => Some(ReviewStatus::Split),
            _ => None,
        }
    }
}

/// One row of the review CSV of a TMX.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    /// 1-based line of the row in the CSV file (0 for rows not read from a file).
    pub line: u64,
    /// The `id` cell: the unit's `tuid` (its 1-based position in a TMX whose `tuid`s are not
    /// distinct positive numbers, see [`crate::tm::ops::review::tuid_index`]).
    pub id: usize,
    /// `confidence` (the unit's `x-confidence`, or empty).
    pub confidence: String,
    /// `bead` (the unit's `x-bead`, or empty).
    pub bead: String,
    /// `source_text`.
    pub source: String,
    /// `target_text`.
    pub target: String,
    /// `source_lines` (empty for a TMX export).
    pub source_lines: String,
    /// `target_lines` (empty for a TMX export).
    pub target_lines: String,
    /// `flags`, `;`-separated.
    pub flags: String,
    /// `status`.
    pub status: ReviewStatus,
    /// `comment`.
    pub comment: String,
    /// `key` ([`review_key`]; empty in a CSV of an older tmalign, which had no such column).
    pub key: String,
}

/// Writes a review CSV ([`REVIEW_HEADER`]); a blank status is an empty cell.
pub fn write_review_csv<W: Write + ?Sized>(out: &mut W, rows: &[ReviewRow]) -> io::Result<()> {
    write_review_csv_with(out, rows, Delimiter::Comma)
}

/// [`write_review_csv`] with another delimiter.
pub fn write_review_csv_with<W: Write + ?Sized>(
    out: &mut W,
    rows: &[ReviewRow],
    delimiter: Delimiter,
) -> io::Result<()> {
    write_review_rows(out, rows.iter().cloned(), delimiter)
}

/// [`write_review_csv_with`] of rows as they come (a stream of a big TMX's rows).
pub fn write_review_rows<W: Write + ?Sized>(
    out: &mut W,
    rows: impl IntoIterator<Item = ReviewRow>,
    delimiter: Delimiter,
) -> io::Result<()> {
    write_rows(
        out,
        &REVIEW_HEADER,
        rows.into_iter().map(|r| {
            [
                r.id.to_string(),
                r.confidence.clone(),
                r.bead.clone(),
                r.source.clone(),
                r.target.clone(),
                r.source_lines.clone(),
                r.target_lines.clone(),
                r.flags.clone(),
                r.status.as_str().to_string(),
                r.comment.clone(),
                r.key.clone(),
            ]
        }),
        delimiter,
    )
}

/// Reads a review CSV (UTF-8, BOM optional; delimiter `,`, `;` or tab, recognised from the
/// header row). Refuses, naming the line, a header that is not [`REVIEW_HEADER`], a row with
/// another number of cells, an id that is not a positive number, and an unknown status.
/// Cells are read through [`unprotect_cell`].
pub fn read_review_csv(path: &Path, bytes: &[u8]) -> Result<Vec<ReviewRow>> {
    read_review_csv_with(path, bytes, None)
}

/// [`read_review_csv`] with the delimiter given (`None`: recognised from the header row).
pub fn read_review_csv_with(
    path: &Path,
    bytes: &[u8],
    delimiter: Option<Delimiter>,
) -> Result<Vec<ReviewRow>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let delimiter = delimiter.unwrap_or_else(|| Delimiter::detect(bytes));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = RowParser::new(path);
    let mut record = csv::ByteRecord::new();
    let mut lines = LineOf::new(bytes);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| lines.line(p.byte())).unwrap_or(0);
                return Err(Error::bad_input(path, format!("line {line}: bad CSV: {e}")));
            }
        }
        let line = record.position().map(|p| lines.line(p.byte())).unwrap_or(0);
        let cells: Vec<&str> = match record
            .iter()
            .map(|c| std::str::from_utf8(c).map(unprotect_cell))
            .collect()
        {
            Ok(c) => c,
            Err(_) => {
                return Err(Error::bad_input(
                    path,
                    format!("line {line}: not valid UTF-8 (save the CSV as UTF-8)"),
                ))
            }
        };
        rows.push(line, &cells)?;
    }
    rows.finish()
}

/// Turns the cells of a review file (CSV or XLSX), one record at a time, into
/// [`ReviewRow`]s: the header first, then the rows, with the checks of [`read_review_csv`].
pub struct RowParser<'a> {
    path: &'a Path,
    columns: Option<usize>,
    rows: Vec<ReviewRow>,
}

impl<'a> RowParser<'a> {
    /// A parser for the file at `path` (named in its errors).
    pub fn new(path: &'a Path) -> Self {
        RowParser {
            path,
            columns: None,
            rows: Vec::new(),
        }
    }

    /// Takes the next record, read from `line`.
    pub fn push(&mut self, line: u64, cells: &[&str]) -> Result<()> {
        let path = self.path;
        let Some(columns) = self.columns else {
            // (an older tmalign wrote the header without `key`)
            if cells != REVIEW_HEADER && cells != &REVIEW_HEADER[..10] {
                return Err(Error::bad_input(
                    path,
                    format!(
                        "line {line}: the columns are {}, expected {:?} (a review file from tmalign)",
                        crate::error::quote(&cells.join(",")),
                        REVIEW_HEADER.join(",")
                    ),
                ));
            }
            self.columns = Some(cells.len());
            return Ok(());
        };
        if cells.len() != columns {
            return Err(Error::bad_input(
                path,
                format!("line {line}: {} cells, expected {columns}", cells.len()),
            ));
        }
        let id = match cells[0].trim().parse::<usize>() {
            Ok(id) if id > 0 => id,
            _ => {
                return Err(Error::bad_input(
                    path,
                    format!(
                        "line {line}: id {} is not a positive number",
                        crate::error::quote(cells[0])
                    ),
                ))
            }
        };
        let status = ReviewStatus::parse(cells[8]).ok_or_else(|| {
            Error::bad_input(
                path,
                format!(
                    "line {line}: status {} is not ok, reject, fix, merge, split or empty",
                    crate::error::quote(cells[8])
                ),
            )
        })?;
        self.rows.push(ReviewRow {
            line,
            id,
            confidence: cells[1].to_string(),
            bead: cells[2].to_string(),
            source: cells[3].to_string(),
            target: cells[4].to_string(),
            source_lines: cells[5].to_string(),
            target_lines: cells[6].to_string(),
            flags: cells[7].to_string(),
            status,
            comment: cells[9].to_string(),
            key: cells
                .get(10)
                .map(|k| k.trim().to_string())
                .unwrap_or_default(),
        });
        Ok(())
    }

    /// The rows read; an error when there was not even a header row.
    pub fn finish(self) -> Result<Vec<ReviewRow>> {
        if self.columns.is_none() {
            return Err(Error::bad_input(
                self.path,
                "empty review file: no header row",
            ));
        }
        Ok(self.rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::Bead;
    use crate::tm::unit::Flag;

    #[test]
    fn bom_header_and_quoting() {
        let pairs = vec![
            AlignedPair {
                id: 1,
                bead: Bead {
                    src: 0..2,
                    tgt: 0..1,
                    confidence: 0.5,
                },
                source: "他说：\"好,的\"".into(),
                target: "Он сказал: \"хорошо\"".into(),
                flags: vec![],
            },
            AlignedPair {
                id: 2,
                bead: Bead {
                    src: 2..2,
                    tgt: 1..2,
                    confidence: 0.0,
                },
                source: String::new(),
                target: "Лишнее.".into(),
                flags: vec![Flag::Unaligned, Flag::LowConfidence],
            },
        ];
        let mut buf = Vec::new();
        write_csv(&mut buf, &pairs).unwrap();
        assert!(buf.starts_with(b"\xEF\xBB\xBF"));
        let mut r = csv::Reader::from_reader(&buf[3..]);
        assert_eq!(r.headers().unwrap(), REVIEW_HEADER.as_slice());
        let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(
            rows[0].iter().collect::<Vec<_>>(),
            vec![
                "1",
                "0.500",
                "2-1",
                "他说：\"好,的\"",
                "Он сказал: \"хорошо\"",
                "1-2",
                "1",
                "",
                "",
                "",
                review_key("1", "他说：\"好,的\"", "Он сказал: \"хорошо\"").as_str(),
            ]
        );
        assert_eq!(
            rows[1].iter().collect::<Vec<_>>(),
            vec![
                "2",
                "0.000",
                "0-1",
                "",
                "Лишнее.",
                "",
                "2",
                "unaligned;low-confidence",
                "",
                "",
                ""
            ]
        );
        // the file reads back as a review file
        let back = read_review_csv(Path::new("r.csv"), &buf).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!((back[1].id, back[1].key.as_str()), (2, ""));
    }

    #[test]
    fn formula_cells_round_trip() {
        for text in [
            "=SUM(A1:A9)",
            "+7 495 123",
            "-5 градусов",
            "@user",
            "\tindented",
            "\rx",
            "'quoted",
            "'=already",
            "''=two",
            "'",
            "",
            "обычный текст",
            "a=b",
        ] {
            let cell = protect_cell(text);
            assert!(
                !cell.starts_with(|c: char| FORMULA_START.contains(&c)),
                "{text:?} -> {cell:?}"
            );
            assert_eq!(unprotect_cell(&cell), text, "{text:?} -> {cell:?}");
        }
        assert_eq!(protect_cell("=1+1"), "'=1+1");
        assert_eq!(protect_cell("'quoted"), "'quoted");
    }

    #[test]
    fn delimiters() {
        assert_eq!(
            Delimiter::detect(b"\xEF\xBB\xBFid;confidence;bead\n1;2;3"),
            Delimiter::Semicolon
        );
        assert_eq!(Delimiter::detect(b"id\tconfidence\n"), Delimiter::Tab);
        assert_eq!(Delimiter::detect(b"id,confidence\n"), Delimiter::Comma);
        assert_eq!(Delimiter::detect(b""), Delimiter::Comma);
        assert_eq!(Delimiter::parse("tab"), Some(Delimiter::Tab));
        assert_eq!(Delimiter::parse(";"), Some(Delimiter::Semicolon));
        assert_eq!(Delimiter::parse("|"), None);
    }

    #[test]
    fn crlf_line_numbers() {
        for end in ["\n", "\r\n"] {
            let text = ["id", "1", "2", "3"].join(end) + end;
            let mut lines = LineOf::new(text.as_bytes());
            let mut rd = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(text.as_bytes());
            let got: Vec<u64> = rd
                .byte_records()
                .map(|r| lines.line(r.unwrap().position().unwrap().byte()))
                .collect();
            assert_eq!(got, vec![1, 2, 3, 4], "{end:?}");
        }
    }
}

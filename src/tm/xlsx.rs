//! The review file as an XLSX workbook: the rows and columns of the review CSV
//! ([`crate::tm::csv`], [`REVIEW_HEADER`]) in one sheet, made for a reviewer working in a
//! spreadsheet program.
//!
//! - Every text cell is a string cell in a column formatted as text (`@`), so that neither
//!   the file nor what a reviewer types turns `1-2` into a date or `=…` into a formula; no
//!   apostrophe protection is needed (unlike the CSV, [`crate::tm::csv::protect_cell`]).
//! - `id` and `confidence` are numbers; `confidence` is coloured red → yellow → green by a
//!   three-colour scale (0 → 0.5 → 1).
//! - Column widths set, long texts wrapped, the header row bold and frozen, an autofilter on
//!   the header, and a drop-down list (data validation) `ok` / `reject` / `fix` on `status`.
//!
//! [`read_review_xlsx`] reads the first sheet back into [`ReviewRow`]s with the checks of the
//! CSV reader ([`RowParser`]); numbers come back as their shortest decimal text (`4`, `0.912`).

use super::csv::{ReviewRow, RowParser, REVIEW_HEADER};
use crate::{Error, Result};
use rust_xlsxwriter::{
    ConditionalFormat3ColorScale, ConditionalFormatType, DataValidation, DocProperties,
    ExcelDateTime, Format, Workbook, XlsxError,
};
use std::path::Path;

/// Column widths (in characters) of the [`REVIEW_HEADER`] columns.
const WIDTHS: [f64; 11] = [7.0, 11.0, 6.0, 50.0, 60.0, 9.0, 9.0, 18.0, 9.0, 30.0, 19.0];

/// Whether `bytes` look like an XLSX file (a ZIP container).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The review workbook of `rows` as the bytes of an `.xlsx` file.
pub fn review_xlsx_bytes(rows: &[ReviewRow]) -> Result<Vec<u8>> {
    build(rows).map_err(|e| match e {
        XlsxError::MaxStringLengthExceeded => Error::Usage(
            "a text longer than 32,767 characters does not fit in an XLSX cell; write the \
             review file as CSV (--review-format csv)"
                .into(),
        ),
        e => Error::Internal(format!("writing the XLSX review file: {e}")),
    })
}

fn build(rows: &[ReviewRow]) -> std::result::Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // the workbook's own date from the run's (SOURCE_DATE_EPOCH makes the file reproducible)
    let when = ExcelDateTime::from_timestamp(super::tmx::creation_date().unix_timestamp())?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&when));
    let sheet = book.add_worksheet();
    sheet.set_name("review")?;
    let text = Format::new().set_num_format("@");
    let wrapped = Format::new().set_num_format("@").set_text_wrap();
    let header = Format::new().set_bold().set_num_format("@");
    let number = Format::new().set_num_format("0");
    let confidence = Format::new().set_num_format("0.000");
    for (col, width) in WIDTHS.iter().enumerate() {
        let col = col as u16;
        sheet.set_column_width(col, *width)?;
        let format = match col {
            0 => &number,
            1 => &confidence,
            3 | 4 | 9 => &wrapped,
            _ => &text,
        };
        sheet.set_column_format(col, format)?;
        sheet.write_string_with_format(0, col, REVIEW_HEADER[col as usize], &header)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_number_with_format(r, 0, row.id as f64, &number)?;
        match row.confidence.trim().parse::<f64>() {
            Ok(c) => sheet.write_number_with_format(r, 1, c, &confidence)?,
            Err(_) => sheet.write_string_with_format(r, 1, &row.confidence, &text)?,
        };
        let cells = [
            (2, &row.bead, &text),
            (3, &row.source, &wrapped),
            (4, &row.target, &wrapped),
            (5, &row.source_lines, &text),
            (6, &row.target_lines, &text),
            (7, &row.flags, &text),
            (9, &row.comment, &wrapped),
            (10, &row.key, &text),
        ];
        for (col, value, format) in cells {
            if !value.is_empty() {
                sheet.write_string_with_format(r, col, value, format)?;
            }
        }
        if !row.status.as_str().is_empty() {
            sheet.write_string_with_format(r, 8, row.status.as_str(), &text)?;
        }
    }
    let last = rows.len().max(1) as u32;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last, 10)?;
    let scale = ConditionalFormat3ColorScale::new()
        .set_minimum(ConditionalFormatType::Number, 0)
        .set_midpoint(ConditionalFormatType::Number, 0.5)
        .set_maximum(ConditionalFormatType::Number, 1)
        .set_minimum_color("F8696B")
        .set_midpoint_color("FFEB84")
        .set_maximum_color("63BE7B");
    sheet.add_conditional_format(1, 1, last, 1, &scale)?;
    // the whole column below the header, so rows a reviewer adds get the list too
    let status = DataValidation::new()
        .allow_list_strings(&["ok", "reject", "fix"])?
        .ignore_blank(true)
        .set_error_title("status")?
        .set_error_message("ok, reject, fix, or empty (not reviewed)")?;
    sheet.add_data_validation(1, 8, 1_048_575, 8, &status)?;
    book.save_to_buffer()
}

/// Reads the first sheet of an XLSX review file (the bytes of `path`) into rows, refusing
/// what [`crate::tm::csv::read_review_csv`] refuses; the line of a row is its row number in
/// the sheet. Blank rows are skipped, and empty cells right of the columns ignored.
pub fn read_review_xlsx(path: &Path, bytes: &[u8]) -> Result<Vec<ReviewRow>> {
    use calamine::{Data, Reader, Xlsx};
    let bad = |e: &dyn std::fmt::Display| {
        Error::bad_input(path, format!("not a readable XLSX file: {e}"))
    };
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| bad(&e))?,
        None => return Err(Error::bad_input(path, "the workbook has no sheet")),
    };
    let first_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
    let first_col = range.start().map(|(_, c)| c).unwrap_or(0);
    let mut parser = RowParser::new(path);
    for (i, cells) in range.rows().enumerate() {
        let line = first_row + i as u64 + 1;
        let mut texts: Vec<String> = std::iter::repeat_n(String::new(), first_col as usize)
            .chain(cells.iter().map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Float(f) => f.to_string(),
                Data::Int(n) => n.to_string(),
                Data::Bool(b) => b.to_string(),
                other => other.to_string(),
            }))
            .collect();
        if texts.iter().all(|t| t.is_empty()) {
            continue;
        }
        while texts.len() > REVIEW_HEADER.len() && texts.last().is_some_and(String::is_empty) {
            texts.pop();
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        parser.push(line, &refs)?;
    }
    parser.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tm::csv::ReviewStatus;

    fn row(id: usize, source: &str, target: &str) -> ReviewRow {
        ReviewRow {
            line: 0,
            id,
            confidence: "0.912".into(),
            bead: "1-2".into(),
            source: source.into(),
            target: target.into(),
            source_lines: "3".into(),
            target_lines: "3-4".into(),
            flags: "number-mismatch".into(),
            status: ReviewStatus::Blank,
            comment: String::new(),
            key: "k0123456789abcdef".into(),
        }
    }

    #[test]
    fn round_trip_keeps_every_text() {
        let mut rows = vec![
            row(1, "=SUM(A1)", "1-2"),
            row(4, "他说：\"好\"\n第二行", "+7 495 -5 @x 'q"),
            row(7, "", "Лишнее."),
        ];
        rows[1].status = ReviewStatus::Fix;
        rows[1].comment = "проверено".into();
        rows[2].confidence = "0.000".into();
        rows[2].key.clear();
        let bytes = review_xlsx_bytes(&rows).unwrap();
        assert!(is_xlsx(&bytes));
        let back = read_review_xlsx(Path::new("r.xlsx"), &bytes).unwrap();
        assert_eq!(back.len(), 3);
        for (a, b) in rows.iter().zip(&back) {
            assert_eq!(
                (
                    &a.id,
                    &a.bead,
                    &a.source,
                    &a.target,
                    &a.source_lines,
                    &a.target_lines
                ),
                (
                    &b.id,
                    &b.bead,
                    &b.source,
                    &b.target,
                    &b.source_lines,
                    &b.target_lines
                )
            );
            assert_eq!(
                (a.status, &a.comment, &a.key),
                (b.status, &b.comment, &b.key)
            );
        }
        assert_eq!(back[0].confidence, "0.912");
        assert_eq!(back[2].confidence, "0");
        assert_eq!(back[1].line, 3);
    }

    #[test]
    fn refuses_other_sheets() {
        let e = read_review_xlsx(Path::new("r.xlsx"), b"PK\x03\x04junk").unwrap_err();
        assert!(e.to_string().contains("not a readable XLSX"), "{e}");
    }
}

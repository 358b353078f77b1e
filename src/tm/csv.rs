//! Review CSV: one row per bead in document order, for a human to check the alignment in a
//! spreadsheet.
//!
//! UTF-8 with a byte-order mark (so that spreadsheet programs detect the encoding), comma
//! separated, RFC 4180 quoting, a header row, then the columns
//!
//! | column | content |
//! |---|---|
//! | `id` | 1-based bead number in document order |
//! | `confidence` | the aligner's confidence, three decimals |
//! | `bead` | bead type `m-n` (`1-0` / `0-1` for unaligned segments) |
//! | `source_text` / `target_text` | the joined segments of each side (empty when none) |
//! | `source_lines` / `target_lines` | 1-based inclusive segment range: `12-13`, `7`, or empty when the side is empty; the line numbers of the input for presegmented input, sentence numbers otherwise |
//! | `flags` | review flags, `;`-separated: `unaligned`, `empty`, `number-mismatch`, `length-outlier`, `low-confidence`, `size-mismatch` |
//!
//! Unlike the TMX, 1-0 and 0-1 beads are kept (flagged `unaligned`).

use super::unit::AlignedPair;
use std::io::{self, Write};

/// The header row.
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

/// Writes the review CSV of `pairs` (already in document order) to `out`.
pub fn write_csv<W: Write + ?Sized>(out: &mut W, pairs: &[AlignedPair]) -> io::Result<()> {
    out.write_all("\u{FEFF}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_HEADER)?;
    for p in pairs {
        let flags: Vec<&str> = p.flags.iter().map(|f| f.as_str()).collect();
        w.write_record([
            p.id.to_string(),
            format!("{:.3}", p.bead.confidence),
            p.bead.kind(),
            p.source.clone(),
            p.target.clone(),
            p.source_lines(),
            p.target_lines(),
            flags.join(";"),
        ])?;
    }
    w.flush()?;
    Ok(())
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
        assert_eq!(r.headers().unwrap(), CSV_HEADER.as_slice());
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
                ""
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
                "unaligned;low-confidence"
            ]
        );
    }
}

//! Reading glossary files: the curated TSV (`zh<TAB>ru<TAB>note` header), OmegaT TSV (no
//! header, `source<TAB>target[<TAB>comment]`) and tmalign's CSV (`zh,ru,…` header).
//!
//! Unlike [`crate::tm::seed::load_seed_terms`], which serves the aligner and skips what it
//! cannot use, this reader is strict: a row with the wrong number of columns or an empty term
//! is an error naming the file and the line, because QA against a half-read glossary would
//! silently miss terms.

use super::SeedTerm;
use crate::tm::seed::find_seed_glossary;
use crate::{Error, Lang, Result};
use std::path::{Path, PathBuf};

/// Reads a glossary file (format by extension: `.csv` is CSV, anything else tab-separated).
pub fn read_glossary(path: &Path) -> Result<Vec<SeedTerm>> {
    let bytes = crate::ingest::read_file_of(path, crate::ingest::FileKind::Glossary)?;
    let text =
        String::from_utf8(bytes).map_err(|e| Error::bad_input(path, format!("not UTF-8 ({e})")))?;
    read_glossary_text(path, &text)
}

/// [`read_glossary`] of `text` already read (`path` names it and gives the format).
pub fn read_glossary_text(path: &Path, text: &str) -> Result<Vec<SeedTerm>> {
    let text = text.trim_start_matches('\u{FEFF}');
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let terms = if is_csv {
        read_csv(path, text)?
    } else {
        read_tsv(path, text)?
    };
    if terms.is_empty() {
        return Err(Error::bad_input(path, "the glossary has no term pairs"));
    }
    Ok(terms)
}

/// The default glossary: `glossary/zh-ru.tsv` (see [`find_seed_glossary`]).
pub fn default_glossary() -> Option<PathBuf> {
    find_seed_glossary(Lang::Zh, Lang::Ru)
}

fn read_tsv(path: &Path, text: &str) -> Result<Vec<SeedTerm>> {
    let mut out = Vec::new();
    // (zh column, ru column, note column, expected column count); None until the first row
    let mut layout: Option<(usize, usize, Option<usize>, Option<usize>)> = None;
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let (zi, ri, ni, width) = match layout {
            Some(l) => l,
            None => {
                let langs: Vec<Option<Lang>> =
                    fields.iter().map(|f| Lang::parse(f.trim())).collect();
                let find = |l: Lang| langs.iter().position(|c| *c == Some(l));
                if let (Some(z), Some(r)) = (find(Lang::Zh), find(Lang::Ru)) {
                    let note = fields
                        .iter()
                        .position(|f| f.trim().eq_ignore_ascii_case("note"));
                    layout = Some((z, r, note, Some(fields.len())));
                    continue; // header line
                }
                // OmegaT: no header, source (zh) then target (ru), optional comment
                let l = (0, 1, Some(2), None);
                layout = Some(l);
                l
            }
        };
        let ok_width = match width {
            Some(w) => fields.len() == w,
            None => (2..=3).contains(&fields.len()),
        };
        if !ok_width {
            let expected = width
                .map(|w| w.to_string())
                .unwrap_or_else(|| "2 or 3".into());
            return Err(Error::bad_input(
                path,
                format!(
                    "line {line_no}: {} tab-separated columns, expected {expected}",
                    fields.len()
                ),
            ));
        }
        let get = |i: usize| fields.get(i).map(|s| s.trim()).unwrap_or("");
        let (zh, ru) = (get(zi), get(ri));
        if zh.is_empty() || ru.is_empty() {
            return Err(Error::bad_input(
                path,
                format!("line {line_no}: empty term"),
            ));
        }
        out.push(SeedTerm {
            zh: zh.to_owned(),
            ru: ru.to_owned(),
            note: ni.map(get).unwrap_or("").to_owned(),
            domain: String::new(),
        });
    }
    Ok(out)
}

fn read_csv(path: &Path, text: &str) -> Result<Vec<SeedTerm>> {
    // `,`, `;` or tab, by the header row; cells as `protect_cell` wrote them
    let delimiter = crate::tm::csv::Delimiter::detect(text.as_bytes());
    let mut rd = ::csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = rd
        .headers()
        .map_err(|e| Error::bad_input(path, format!("line 1: {e}")))?
        .clone();
    let find = |l: Lang| {
        headers
            .iter()
            .position(|h| Lang::parse(h.trim()) == Some(l))
    };
    let (Some(zi), Some(ri)) = (find(Lang::Zh), find(Lang::Ru)) else {
        return Err(Error::bad_input(
            path,
            "line 1: the CSV header has no zh and ru columns",
        ));
    };
    let ni = headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case("note"));
    let mut out = Vec::new();
    let mut lines = crate::tm::csv::LineOf::new(text.as_bytes());
    for rec in rd.records() {
        let rec = rec.map_err(|e| {
            let line = e
                .position()
                .map(|p| crate::tm::csv::LineOf::new(text.as_bytes()).line(p.byte()))
                .unwrap_or(0);
            let what = match e.kind() {
                ::csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("{len} columns, expected {expected_len}"),
                _ => e.to_string(),
            };
            Error::bad_input(path, format!("line {line}: {what}"))
        })?;
        let line = rec.position().map(|p| lines.line(p.byte())).unwrap_or(0);
        let cell = |i: usize| crate::tm::csv::unprotect_cell(rec.get(i).unwrap_or("")).trim();
        let (zh, ru) = (cell(zi), cell(ri));
        if zh.is_empty() || ru.is_empty() {
            return Err(Error::bad_input(path, format!("line {line}: empty term")));
        }
        out.push(SeedTerm {
            zh: zh.to_owned(),
            ru: ru.to_owned(),
            note: ni.map(cell).unwrap_or("").to_owned(),
            domain: String::new(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(name);
        std::fs::write(&p, text).unwrap();
        (d, p)
    }

    #[test]
    fn reads_all_three_layouts() {
        let (_d, p) = write("g.tsv", "zh\tru\tnote\n中方\tкитайская сторона\tformula\n");
        let g = read_glossary(&p).unwrap();
        assert_eq!(g[0].ru, "китайская сторона");
        assert_eq!(g[0].note, "formula");
        let (_d, p) = write(
            "g.txt",
            "中方\tкитайская сторона\n俄方\tроссийская сторона\tc\n",
        );
        assert_eq!(read_glossary(&p).unwrap().len(), 2);
        let (_d, p) = write("g.csv", "zh,ru,score\n中方,китайская сторона,1\n");
        assert_eq!(read_glossary(&p).unwrap()[0].zh, "中方");
    }

    #[test]
    fn broken_rows_name_the_line() {
        let (_d, p) = write("g.tsv", "zh\tru\tnote\n中方\tкитайская сторона\tx\n俄方\n");
        let e = read_glossary(&p).unwrap_err().to_string();
        assert!(e.contains("g.tsv") && e.contains("line 3"), "{e}");
        let (_d, p) = write("g.csv", "zh,ru\n中方,a\n俄方,b,c\n");
        let e = read_glossary(&p).unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
    }

    #[test]
    fn the_seed_list_reads() {
        let p = default_glossary().expect("glossary/zh-ru.tsv");
        assert!(read_glossary(&p).unwrap().len() > 500);
    }

    #[test]
    fn protected_csv_cells_and_other_delimiters_read_back() {
        use crate::glossary::write::write_csv_with;
        use crate::glossary::GlossEntry;
        use crate::tm::csv::Delimiter;
        let entries = vec![GlossEntry {
            zh: "=中方".into(),
            ru: "-китайская сторона".into(),
            score: 1.0,
            freq: 2,
            example: "@1".into(),
            seed: false,
            note: "'note".into(),
            ..Default::default()
        }];
        for delimiter in [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab] {
            let mut buf = Vec::new();
            write_csv_with(&mut buf, &entries, delimiter).unwrap();
            let text = String::from_utf8(buf).unwrap();
            assert!(
                text.contains("'=中方") && text.contains("'-китайская"),
                "{text}"
            );
            let (_d, p) = write("g.csv", &text);
            let g = read_glossary(&p).unwrap();
            assert_eq!(
                (g[0].zh.as_str(), g[0].ru.as_str(), g[0].note.as_str()),
                ("=中方", "-китайская сторона", "'note")
            );
        }
    }
}

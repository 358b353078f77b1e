//! Glossary output formats: CSV, OmegaT glossary TSV, TBX-Basic and TMX (phrase segments).
//! Every format is written atomically through [`crate::output`].

use super::GlossEntry;
use crate::align::Bead;
use crate::tm::csv::{protect_cell, Delimiter};
use crate::tm::tmx::{escape_xml, write_tmx, TmxOptions};
use crate::tm::AlignedPair;
use crate::{output, Error, Lang, Result};
use std::io::{self, Write};
use std::path::Path;

/// A glossary file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlossFormat {
    /// `zh,ru,score,freq,example,note` with a header line.
    Csv,
    /// OmegaT glossary: `source<TAB>target<TAB>comment`, UTF-8, no header.
    Tsv,
    /// TBX-Basic (TBX v2, `martif`).
    Tbx,
    /// TMX 1.4b with `segtype="phrase"`.
    Tmx,
}

impl GlossFormat {
    /// Parses `csv`, `tsv` (also `txt`, `utf8`: OmegaT's glossary extensions), `tbx`, `tmx`.
    pub fn parse(name: &str) -> Option<GlossFormat> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Some(GlossFormat::Csv),
            "tsv" | "txt" | "utf8" => Some(GlossFormat::Tsv),
            "tbx" => Some(GlossFormat::Tbx),
            "tmx" => Some(GlossFormat::Tmx),
            _ => None,
        }
    }

    /// The format named by a path's extension.
    pub fn from_path(path: &Path) -> Option<GlossFormat> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(GlossFormat::parse)
    }
}

/// Writes `entries` to `path` in `format`, atomically.
pub fn write_glossary(path: &Path, entries: &[GlossEntry], format: GlossFormat) -> Result<()> {
    write_glossary_with(path, entries, format, Delimiter::Comma)
}

/// [`write_glossary`] with the delimiter of the CSV format.
pub fn write_glossary_with(
    path: &Path,
    entries: &[GlossEntry],
    format: GlossFormat,
    delimiter: Delimiter,
) -> Result<()> {
    match format {
        GlossFormat::Csv => {
            output::write_atomic_with(path, |w| write_csv_with(w, entries, delimiter))
        }
        GlossFormat::Tsv => output::write_atomic_with(path, |w| write_omegat(w, entries)),
        GlossFormat::Tbx => output::write_atomic_with(path, |w| write_tbx(w, entries)),
        GlossFormat::Tmx => {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            output::write_atomic_with(path, |w| write_phrase_tmx(w, entries, &name))
        }
    }
    .map_err(|e| match e {
        Error::Io { .. } | Error::BadInput { .. } => e,
        other => Error::Internal(other.to_string()),
    })
}

/// CSV with a header: `zh,ru,score,freq,example,note` (score with four decimals).
pub fn write_csv(out: &mut dyn Write, entries: &[GlossEntry]) -> io::Result<()> {
    write_csv_with(out, entries, Delimiter::Comma)
}

/// [`write_csv`] with another delimiter. Cells go through [`protect_cell`] (spreadsheet
/// safety, see [`crate::tm::csv`]).
pub fn write_csv_with(
    out: &mut dyn Write,
    entries: &[GlossEntry],
    delimiter: Delimiter,
) -> io::Result<()> {
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(delimiter.byte())
        .from_writer(out);
    let err = |e: ::csv::Error| io::Error::other(e.to_string());
    w.write_record(["zh", "ru", "score", "freq", "example", "note"])
        .map_err(err)?;
    for e in entries {
        w.write_record([
            protect_cell(&e.zh).as_ref(),
            protect_cell(&e.ru).as_ref(),
            &format!("{:.4}", e.score),
            &e.freq.to_string(),
            protect_cell(&e.example).as_ref(),
            protect_cell(&e.note).as_ref(),
        ])
        .map_err(err)?;
    }
    w.flush()
}

/// One field of a tab-separated line: tabs and line breaks become spaces.
fn tsv_field(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The comment column of an entry (score, frequency, example unit, note).
pub fn comment(e: &GlossEntry) -> String {
    let mut c = format!(
        "score {:.3}; freq {}; example {}",
        e.score, e.freq, e.example
    );
    if !e.note.is_empty() {
        c.push_str("; ");
        c.push_str(&e.note);
    }
    c
}

/// OmegaT glossary: one entry a line, `source<TAB>target<TAB>comment`, UTF-8 without BOM, no
/// header, LF line ends.
pub fn write_omegat(out: &mut dyn Write, entries: &[GlossEntry]) -> io::Result<()> {
    for e in entries {
        writeln!(
            out,
            "{}\t{}\t{}",
            tsv_field(&e.zh),
            tsv_field(&e.ru),
            tsv_field(&comment(e))
        )?;
    }
    Ok(())
}

/// TBX-Basic: `<martif type="TBX-Basic" xml:lang="en">` with a header naming the source and
/// one `termEntry` per pair, a `langSet` per language, `tig/term` inside; score and example go
/// to a `note` of the entry.
pub fn write_tbx(out: &mut dyn Write, entries: &[GlossEntry]) -> io::Result<()> {
    let (zh, ru) = (Lang::Zh.code(), Lang::Ru.code());
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<martif type="TBX-Basic" xml:lang="en">"#)?;
    writeln!(out, "  <martifHeader>")?;
    writeln!(out, "    <fileDesc>")?;
    writeln!(
        out,
        "      <sourceDesc><p>Chinese–Russian glossary extracted by tmalign {} from aligned translation units</p></sourceDesc>",
        escape_xml(env!("CARGO_PKG_VERSION"), false)
    )?;
    writeln!(out, "    </fileDesc>")?;
    writeln!(out, "  </martifHeader>")?;
    writeln!(out, "  <text>")?;
    writeln!(out, "    <body>")?;
    for (k, e) in entries.iter().enumerate() {
        writeln!(out, r#"      <termEntry id="t{}">"#, k + 1)?;
        writeln!(
            out,
            "        <note>{}</note>",
            escape_xml(&comment(e), false)
        )?;
        for (lang, term) in [(zh, &e.zh), (ru, &e.ru)] {
            writeln!(out, r#"        <langSet xml:lang="{lang}">"#)?;
            writeln!(
                out,
                "          <tig><term>{}</term></tig>",
                escape_xml(term, false)
            )?;
            writeln!(out, "        </langSet>")?;
        }
        writeln!(out, "      </termEntry>")?;
    }
    writeln!(out, "    </body>")?;
    writeln!(out, "  </text>")?;
    writeln!(out, "</martif>")?;
    Ok(())
}

/// TMX 1.4b through the shared writer, header `segtype="phrase"`, one unit per entry; the
/// unit's `x-confidence` is the entry's score scaled to the best score.
pub fn write_phrase_tmx(
    out: &mut dyn Write,
    entries: &[GlossEntry],
    file_name: &str,
) -> io::Result<()> {
    let best = entries
        .iter()
        .map(|e| e.score)
        .fold(0.0f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let pairs: Vec<AlignedPair> = entries
        .iter()
        .enumerate()
        .map(|(k, e)| AlignedPair {
            id: k + 1,
            bead: Bead {
                src: 0..1,
                tgt: 0..1,
                confidence: (e.score / best).clamp(0.0, 1.0),
            },
            source: e.zh.clone(),
            target: e.ru.clone(),
            flags: Vec::new(),
        })
        .collect();
    let mut options = TmxOptions::new(Lang::Zh, Lang::Ru, file_name);
    options.segtype = "phrase";
    write_tmx(out, &pairs, &options).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<GlossEntry> {
        vec![GlossEntry {
            zh: "上海合作组织".into(),
            ru: "Шанхайская организация\tсотрудничества".into(),
            score: 1.5,
            freq: 3,
            example: "a<1>".into(),
            seed: false,
            note: String::new(),
            ..Default::default()
        }]
    }

    #[test]
    fn omegat_lines_have_three_fields() {
        let mut v = Vec::new();
        write_omegat(&mut v, &entries()).unwrap();
        let s = String::from_utf8(v).unwrap();
        assert_eq!(
            s,
            "上海合作组织\tШанхайская организация сотрудничества\tscore 1.500; freq 3; example a<1>\n"
        );
    }

    #[test]
    fn tbx_and_tmx_escape() {
        let mut v = Vec::new();
        write_tbx(&mut v, &entries()).unwrap();
        let s = String::from_utf8(v).unwrap();
        assert!(s.contains(r#"<martif type="TBX-Basic" xml:lang="en">"#));
        assert!(s.contains("example a&lt;1&gt;"));
        let mut v = Vec::new();
        write_phrase_tmx(&mut v, &entries(), "g.tmx").unwrap();
        let s = String::from_utf8(v).unwrap();
        assert!(s.contains(r#"segtype="phrase""#));
        assert!(s.contains("<seg>上海合作组织</seg>"));
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(
            GlossFormat::from_path(Path::new("x.TBX")),
            Some(GlossFormat::Tbx)
        );
        assert_eq!(GlossFormat::parse("utf8"), Some(GlossFormat::Tsv));
        assert_eq!(GlossFormat::parse("xlsx"), None);
    }
}

//! Translation-memory outputs: TMX 1.4b, review CSV and bead files.
//!
//! [`unit::build_pairs`] turns an alignment and its two segment lists into
//! [`unit::AlignedPair`]s once; [`tmx`], [`csv`] and [`beads`] render them. [`write_outputs`]
//! writes the chosen formats of one document pair atomically. [`naming`] derives output names
//! and pairs input files; [`seed`] loads the seed glossary for the aligner.
//!
//! [`reader`] reads existing TMX files (any tool's, TMX 1.1–1.4b, hostile ones refused) and
//! [`ops`] works on them: merge, statistics, and the review CSV round trip (`tmalign tm …`).

pub mod beads;
pub mod csv;
pub mod input;
pub mod lookup;
pub mod naming;
pub mod numbers;
pub mod ops;
pub mod reader;
pub mod seed;
pub mod tags;
pub mod tmx;
pub mod unit;
pub mod xliff;
pub mod xlsx;

pub use unit::{build_pairs, AlignedPair, BuildOptions, Flag};

use crate::align::Alignment;
use crate::{output, Error, Result};
use std::path::{Path, PathBuf};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OutputFormat {
    /// TMX 1.4b (`.tmx`).
    Tmx,
    /// Review CSV (`.csv`).
    Csv,
    /// The review file as an XLSX workbook (`.xlsx`, see [`xlsx`]).
    Xlsx,
    /// Bead list (`.beads`).
    Beads,
}

impl OutputFormat {
    /// The formats written by default (the review file as CSV).
    pub const ALL: [OutputFormat; 3] = [OutputFormat::Tmx, OutputFormat::Csv, OutputFormat::Beads];

    /// Every format.
    pub const EVERY: [OutputFormat; 4] = [
        OutputFormat::Tmx,
        OutputFormat::Csv,
        OutputFormat::Xlsx,
        OutputFormat::Beads,
    ];

    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Tmx => "tmx",
            OutputFormat::Csv => "csv",
            OutputFormat::Xlsx => "xlsx",
            OutputFormat::Beads => "beads",
        }
    }

    /// Parses a comma-separated list such as `tmx,csv` (duplicates ignored).
    pub fn parse_list(list: &str) -> Result<Vec<OutputFormat>> {
        let mut out = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let f = OutputFormat::EVERY
                .into_iter()
                .find(|f| f.extension().eq_ignore_ascii_case(item))
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "unknown output format {} (tmx, csv, xlsx, beads)",
                        crate::error::quote(item)
                    ))
                })?;
            if !out.contains(&f) {
                out.push(f);
            }
        }
        if out.is_empty() {
            return Err(Error::Usage("no output format given".into()));
        }
        Ok(out)
    }
}

/// The output paths of one document pair: `dir/<stem>.<ext>` per format.
pub fn output_paths(
    dir: &Path,
    stem: &str,
    formats: &[OutputFormat],
) -> Vec<(OutputFormat, PathBuf)> {
    formats
        .iter()
        .map(|f| (*f, dir.join(format!("{stem}.{}", f.extension()))))
        .collect()
}

/// `dir/<stem>.low.tmx`: the units below `--min-confidence` ([`tmx::TmxOptions::split_below`]).
pub fn low_tmx_path(dir: &Path, stem: &str) -> PathBuf {
    dir.join(format!("{stem}.low.tmx"))
}

/// Writes the chosen formats of one document pair to `dir/<stem>.<ext>`, put in place
/// together (see [`output::OutputSet`]). `pairs` must come from [`build_pairs`] on
/// `alignment`.
pub fn write_outputs(
    dir: &Path,
    stem: &str,
    formats: &[OutputFormat],
    alignment: &Alignment,
    pairs: &[AlignedPair],
    tmx_options: &tmx::TmxOptions,
) -> Result<Vec<PathBuf>> {
    let mut set = output::OutputSet::new();
    stage_outputs(&mut set, dir, stem, formats, alignment, pairs, tmx_options)?;
    set.commit()
}

/// Stages the chosen formats of one document pair in `set` (nothing is visible before the
/// set is committed); returns their paths.
pub fn stage_outputs(
    set: &mut output::OutputSet,
    dir: &Path,
    stem: &str,
    formats: &[OutputFormat],
    alignment: &Alignment,
    pairs: &[AlignedPair],
    tmx_options: &tmx::TmxOptions,
) -> Result<Vec<PathBuf>> {
    let mut staged = Vec::new();
    for (format, path) in output_paths(dir, stem, formats) {
        match format {
            OutputFormat::Tmx => match tmx_options.split_below {
                None => {
                    set.add_with(&path, |w| tmx::write_tmx(w, pairs, tmx_options).map(|_| ()))?
                }
                Some(min) => {
                    let (high, low): (Vec<AlignedPair>, Vec<AlignedPair>) = pairs
                        .iter()
                        .cloned()
                        .partition(|p| p.bead.confidence >= min);
                    set.add_with(&path, |w| tmx::write_tmx(w, &high, tmx_options).map(|_| ()))?;
                    let low_path = low_tmx_path(dir, stem);
                    set.add_with(&low_path, |w| {
                        tmx::write_tmx(w, &low, tmx_options).map(|_| ())
                    })?;
                    staged.push(path);
                    staged.push(low_path);
                    continue;
                }
            },
            OutputFormat::Csv => set.add_with(&path, |w| csv::write_csv(w, pairs))?,
            OutputFormat::Xlsx => {
                let bytes = xlsx::review_xlsx_bytes(&csv::review_rows_of(pairs))?;
                set.add_with(&path, |w| w.write_all(&bytes))?
            }
            OutputFormat::Beads => set.add_with(&path, |w| beads::write_beads(w, alignment))?,
        }
        staged.push(path);
    }
    Ok(staged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_lists() {
        assert_eq!(
            OutputFormat::parse_list("tmx, CSV,tmx").unwrap(),
            vec![OutputFormat::Tmx, OutputFormat::Csv]
        );
        assert!(OutputFormat::parse_list("xliff").is_err());
        assert!(OutputFormat::parse_list("").is_err());
    }
}

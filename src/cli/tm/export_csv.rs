//! `tmalign tm export-csv FILE.tmx -o review.csv` (or `-o review.xlsx`: the XLSX workbook).

use std::path::PathBuf;
use tmalign::tm::csv::Delimiter;
use tmalign::tm::ops::review::export_csv_file;
use tmalign::{output, Result};

/// Arguments of `tmalign tm export-csv`.
#[derive(clap::Args)]
pub struct Args {
    /// The TMX file.
    pub input: PathBuf,
    /// Output review file (written atomically; may not be the input); a name ending in
    /// `.xlsx` writes an XLSX workbook, any other a CSV.
    #[arg(short = 'o', long = "output", value_name = "REVIEW.csv")]
    pub output: PathBuf,
    /// Language tag mapping, e.g. `zh-TW=none,x-chs=zh`.
    #[arg(long, value_name = "TAG=LANG,...")]
    pub lang_map: Option<String>,
    /// Field delimiter: `,`, `;` (spreadsheets in Russian locales) or `tab`.
    #[arg(long, default_value = ",", value_name = "DELIM")]
    pub delimiter: Delimiter,
}

/// Runs `tmalign tm export-csv`.
pub fn run(args: Args) -> Result<()> {
    let map = super::lang_map(args.lang_map.as_deref())?;
    output::ensure_not_input(&args.output, std::slice::from_ref(&args.input))?;
    let xlsx = args
        .output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if xlsx {
        // a workbook is built whole (it is a ZIP container), so the TMX is read whole too
        let doc = tmalign::tm::reader::read_tmx(&args.input)?;
        let rows = tmalign::tm::ops::review::export_rows(&doc, &args.input, &map)?;
        let bytes = tmalign::tm::xlsx::review_xlsx_bytes(&rows)?;
        output::write_atomic_with(&args.output, |w| w.write_all(&bytes))?;
        return super::print_out(&format!(
            "{} rows → {}\n",
            rows.len(),
            args.output.display()
        ));
    }
    // streaming: a row is written as its unit is read (memory does not grow with the TMX)
    let mut exported: Option<Result<usize>> = None;
    let written = output::write_atomic_with(&args.output, |w| {
        let r = export_csv_file(&args.input, &map, w, args.delimiter);
        let failed = r.is_err();
        exported = Some(r);
        if failed {
            Err(std::io::Error::other("reading the TMX failed"))
        } else {
            Ok(())
        }
    });
    // the TMX's own error (named, with its line) rather than the write's
    let rows = match (exported, written) {
        (Some(Err(e)), _) => return Err(e),
        (_, Err(e)) => return Err(e),
        (Some(Ok(n)), Ok(())) => n,
        (None, Ok(())) => 0,
    };
    super::print_out(&format!("{rows} rows → {}\n", args.output.display()))?;
    Ok(())
}

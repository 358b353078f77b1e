//! `tmalign tm export-csv FILE.tmx -o review.csv`.

use std::path::PathBuf;
use tmalign::tm::csv::{write_review_csv_with, Delimiter};
use tmalign::tm::ops::review::export_rows;
use tmalign::tm::reader::read_tmx;
use tmalign::{output, Result};

/// Arguments of `tmalign tm export-csv`.
#[derive(clap::Args)]
pub struct Args {
    /// The TMX file.
    pub input: PathBuf,
    /// Output CSV (written atomically; may not be the input).
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
    let doc = read_tmx(&args.input)?;
    let rows = export_rows(&doc, &args.input, &map)?;
    output::write_atomic_with(&args.output, |w| {
        write_review_csv_with(w, &rows, args.delimiter)
    })?;
    super::print_out(&format!(
        "{} rows → {}\n",
        rows.len(),
        args.output.display()
    ))?;
    Ok(())
}

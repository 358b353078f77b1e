//! `tmalign tm export-csv FILE.tmx -o review.csv`.

use std::path::PathBuf;
use tmalign::tm::csv::Delimiter;
use tmalign::tm::ops::review::export_csv_file;
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

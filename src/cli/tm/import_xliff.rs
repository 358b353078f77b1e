//! `tmalign tm import-xliff FILE.xlf… -o OUT.tmx`.

use std::path::PathBuf;
use tmalign::tm::xliff::{import_xliff, XliffOptions};
use tmalign::Result;

/// Arguments of `tmalign tm import-xliff`.
#[derive(clap::Args)]
pub struct Args {
    /// XLIFF files (1.2 or 2.0; .xlf, .xliff, .sdlxliff, .mqxliff), all of one language pair.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output TMX (written atomically; may not be one of the inputs).
    #[arg(short = 'o', long = "output", value_name = "OUT.tmx")]
    pub output: PathBuf,
    /// Take approved / signed-off / final units only (default: translated or confirmed).
    #[arg(long)]
    pub approved_only: bool,
    /// Print the counts as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `tmalign tm import-xliff`.
pub fn run(args: Args) -> Result<()> {
    let options = XliffOptions {
        approved_only: args.approved_only,
    };
    let report = import_xliff(&args.inputs, &args.output, &options)?;
    super::print_report(&report, args.json, || {
        format!(
            "{}: {} units ({}→{}) from {} file(s); {} left out (untranslated, unconfirmed or empty)\n",
            args.output.display(),
            report.written,
            report.languages.0,
            report.languages.1,
            report.files,
            report.skipped
        )
    })
}

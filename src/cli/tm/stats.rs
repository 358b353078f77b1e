//! `tmalign tm stats FILE.tmx`.

use std::path::PathBuf;
use tmalign::tm::ops::stats::tm_stats_file;
use tmalign::Result;

/// Arguments of `tmalign tm stats`.
#[derive(clap::Args)]
pub struct Args {
    /// The TMX file.
    pub input: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Language tag mapping, e.g. `zh-TW=none,x-chs=zh`.
    #[arg(long, value_name = "TAG=LANG,...")]
    pub lang_map: Option<String>,
}

/// Runs `tmalign tm stats`.
pub fn run(args: Args) -> Result<()> {
    let map = super::lang_map(args.lang_map.as_deref())?;
    // streaming: memory does not grow with the file (hashes of the texts only)
    let stats = tm_stats_file(&args.input, &map)?;
    super::print_report(&stats, args.json, || stats.to_string())
}

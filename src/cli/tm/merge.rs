//! `tmalign tm merge A.tmx B.tmx … -o OUT.tmx`.

use std::path::PathBuf;
use tmalign::tm::ops::merge::{merge_to_file, Keep, MergeOptions};
use tmalign::Result;

/// Arguments of `tmalign tm merge`.
#[derive(clap::Args)]
pub struct Args {
    /// TMX files to merge (all of one language pair; a file in the opposite direction, ru→zh
    /// into zh→ru, is turned round, with a note). Every unit written is kept whole: all its
    /// variants, notes, props and inline markup; the header is the first file's.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output TMX (written atomically; may not be one of the inputs).
    #[arg(short = 'o', long = "output", value_name = "OUT.tmx")]
    pub output: PathBuf,
    /// Which variants of one source to keep: all, latest (changedate/creationdate, then input
    /// order) or highest-confidence (x-confidence).
    #[arg(
        long,
        default_value = "all",
        value_name = "all|latest|highest-confidence"
    )]
    pub keep: Keep,
    /// Language tag mapping, e.g. `zh-TW=none,x-chs=zh`.
    #[arg(long, value_name = "TAG=LANG,...")]
    pub lang_map: Option<String>,
    /// Renumber the units 1, 2, 3… in output order even when their tuids are all present and
    /// distinct (they are renumbered anyway when some are missing or clash): merging merged
    /// files with it gives the same file as merging all their inputs at once.
    #[arg(long)]
    pub renumber: bool,
    /// Print the counts as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `tmalign tm merge`.
pub fn run(args: Args) -> Result<()> {
    let options = MergeOptions {
        keep: args.keep,
        lang_map: super::lang_map(args.lang_map.as_deref())?,
        renumber: args.renumber,
    };
    let report = merge_to_file(&args.inputs, &args.output, &options)?;
    for file in &report.flipped {
        crate::cli::out::ewriteln!(
            "tmalign: note: {file} is in the opposite direction; its units were turned round to the memory's"
        );
    }
    super::print_report(&report, args.json, || {
        format!(
            "read {}, lacking a side (kept) {}, duplicates removed {}, variants collapsed {}, written {}{} → {}\n",
            report.read,
            report.one_sided,
            report.duplicates_removed,
            report.variants_collapsed,
            report.written,
            if report.renumbered && args.renumber {
                " (tuids renumbered)"
            } else if report.renumbered {
                " (tuids renumbered: they were missing or clashed)"
            } else {
                ""
            },
            args.output.display()
        )
    })
}

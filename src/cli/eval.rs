//! `tmalign eval`: scores predicted bead files against gold ones (see [`tmalign::eval`]).

use std::path::PathBuf;

/// Arguments of `tmalign eval`.
#[derive(clap::Args)]
pub struct Args {
    /// Directory of gold bead files (`NAME.gold`).
    pub gold_dir: PathBuf,
    /// Directory of predicted bead files (`NAME.beads`); a missing one scores as empty.
    pub pred_dir: PathBuf,
    /// Extension of the gold files.
    #[arg(long, default_value = ".gold")]
    pub ext: String,
    /// Extension of the predicted files.
    #[arg(long, default_value = ".beads")]
    pub pred_ext: String,
    /// Print the reference scorer's JSON line instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `tmalign eval`: a table (or `--json`), then the line
/// `strict_f1=… lax_f1=… docs=… missing=…` exactly as `score_align.py` prints it.
pub fn run(args: Args) -> tmalign::Result<()> {
    if !args.gold_dir.is_dir() {
        return Err(tmalign::Error::bad_input(
            &args.gold_dir,
            "gold directory not found",
        ));
    }
    if !args.pred_dir.is_dir() {
        return Err(tmalign::Error::bad_input(
            &args.pred_dir,
            "prediction directory not found",
        ));
    }
    let report =
        tmalign::eval::score_dirs(&args.gold_dir, &args.pred_dir, &args.ext, &args.pred_ext)?;
    if report.docs == 0 {
        return Err(tmalign::Error::bad_input(
            &args.gold_dir,
            format!("no gold files ending in {:?}", args.ext),
        ));
    }
    if args.json {
        crate::cli::out::outln!("{}", report.json_line())?;
    } else {
        let s = &report.scores;
        let f = tmalign::eval::fmt4;
        crate::cli::out::outln!("{:<8} {:>9} {:>9} {:>9}", "", "precision", "recall", "F1")?;
        crate::cli::out::outln!(
            "{:<8} {:>9} {:>9} {:>9}",
            "strict",
            f(s.precision_strict),
            f(s.recall_strict),
            f(s.f1_strict)
        )?;
        crate::cli::out::outln!(
            "{:<8} {:>9} {:>9} {:>9}",
            "lax",
            f(s.precision_lax),
            f(s.recall_lax),
            f(s.f1_lax)
        )?;
        if !report.missing.is_empty() {
            crate::cli::out::outln!(
                "missing predictions (scored as empty): {}",
                report.missing.join(", ")
            )?;
        }
    }
    crate::cli::out::outln!("{}", report.summary_line())?;
    Ok(())
}

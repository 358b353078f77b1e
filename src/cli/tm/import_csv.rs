//! `tmalign tm import-csv review.csv|review.xlsx --tm ORIG.tmx -o NEW.tmx` (or `--in-place`;
//! also spelt `tm import-review`).
//!
//! The TMX the CSV was exported from is named explicitly with `--tm` (the CSV does not record
//! it, so that moving files around cannot silently pick another base). The result goes to
//! `-o`; overwriting the original requires `--in-place` (then `-o` may be left out), and is
//! atomic.

use std::path::PathBuf;
use tmalign::tm::csv::{read_review_csv_with, Delimiter};
use tmalign::tm::ops::review::{
    apply_review_as, default_user, sibling_tmx, tuid_set, ReviewOptions,
};
use tmalign::tm::ops::{rewrite_losses, rewrite_options, write_records};
use tmalign::tm::reader::read_tmx;
use tmalign::tm::xlsx::{is_xlsx, read_review_xlsx};
use tmalign::{output, Error, Result};

/// Arguments of `tmalign tm import-csv`.
#[derive(clap::Args)]
pub struct Args {
    /// The review file: CSV or XLSX (from `run`, `align` or `tm export-csv`), recognised by
    /// its content.
    pub csv: PathBuf,
    /// The TMX the CSV was exported from.
    #[arg(long = "tm", value_name = "ORIG.tmx")]
    pub tm: PathBuf,
    /// Output TMX (required unless --in-place).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "NEW.tmx",
        required_unless_present = "in_place"
    )]
    pub output: Option<PathBuf>,
    /// Write the result over ORIG.tmx (atomically).
    #[arg(long)]
    pub in_place: bool,
    /// Language tag mapping, e.g. `zh-TW=none,x-chs=zh`.
    #[arg(long, value_name = "TAG=LANG,...")]
    pub lang_map: Option<String>,
    /// Field delimiter: `,`, `;` or `tab` (default: recognised from the header row).
    #[arg(long, value_name = "DELIM")]
    pub delimiter: Option<Delimiter>,
    /// The reviewer, written as `changeid` of fixed units (default: $TMALIGN_USER, else
    /// $USER, else `tmalign`).
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
}

/// Runs `tmalign tm import-csv`.
pub fn run(args: Args) -> Result<()> {
    let map = super::lang_map(args.lang_map.as_deref())?;
    let output = args.output.clone().unwrap_or_else(|| args.tm.clone());
    output::ensure_not_input(&output, std::slice::from_ref(&args.csv))?;
    if !args.in_place {
        output::ensure_not_input(&output, std::slice::from_ref(&args.tm))?;
    } else if !output::same_file(&output, &args.tm) {
        return Err(Error::Usage(format!(
            "--in-place writes over {}; leave out -o or give the same file",
            args.tm.display()
        )));
    }
    let doc = read_tmx(&args.tm)?;
    let bytes = tmalign::ingest::read_review_file(&args.csv)?;
    let rows = if is_xlsx(&bytes) {
        read_review_xlsx(&args.csv, &bytes)?
    } else {
        read_review_csv_with(&args.csv, &bytes, args.delimiter)?
    };
    // `<stem>.tmx` and `<stem>.low.tmx` of a --min-confidence split share one review file
    let other_ids = match sibling_tmx(&args.tm) {
        Some(other) => tuid_set(&read_tmx(&other)?),
        None => Default::default(),
    };
    let review = ReviewOptions {
        user: args.user.clone().unwrap_or_else(default_user),
        other_ids,
        ..ReviewOptions::default()
    };
    let (pair, records, report) = apply_review_as(&doc, &args.tm, &rows, &args.csv, &map, &review)?;
    // the rewritten TMX has the pair's two variants, the header's props and the unit's
    // props and notes only
    let losses = rewrite_losses(&doc, &pair, &map);
    if !losses.is_empty() {
        let list = losses.join(", ");
        if args.in_place {
            return Err(Error::bad_input(
                &args.tm,
                format!(
                    "refusing --in-place: the rewritten TMX would lose {list}; write it to -o NEW.tmx instead"
                ),
            ));
        }
        crate::cli::out::ewriteln!(
            "tmalign: warning: {} will not have {list} of {}",
            output.display(),
            args.tm.display()
        );
    }
    if report.elsewhere_decisions > 0 {
        crate::cli::out::ewriteln!(
            "tmalign: warning: {} decision(s) on units of the other TMX of the alignment were skipped (not in {}): import {} against that one too",
            report.elsewhere_decisions,
            args.tm.display(),
            args.csv.display()
        );
    }
    write_records(&output, &records, &rewrite_options(&doc, &pair))?;
    // merges and splits (from the review page) are named only when there are some
    let structural = if report.merged + report.split > 0 {
        format!(", merged {}, split {}", report.merged, report.split)
    } else {
        String::new()
    };
    let mut extra = String::new();
    for (n, what) in [
        (report.added, "added from unaligned rows"),
        (report.unaligned, "unaligned rows left"),
        (
            report.elsewhere,
            "rows of units in another TMX (e.g. <stem>.low.tmx) left",
        ),
    ] {
        if n > 0 {
            extra.push_str(&format!(", {what} {n}"));
        }
    }
    super::print_out(&format!(
        "ok {}, fixed {}{structural}, rejected {}, not reviewed {}, comments kept as notes {}, skipped (missing a side) {}{extra}, written {} → {}\n",
        report.ok,
        report.fixed,
        report.rejected,
        report.not_reviewed,
        report.comments,
        report.skipped,
        report.written,
        output.display()
    ))?;
    Ok(())
}

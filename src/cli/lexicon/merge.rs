//! `tmalign lexicon merge`: sums counts files of one stage (associative and commutative: any
//! grouping and order gives the same bytes).

use crate::cli::align::read_counts;
use crate::cli::out::outln;
use std::path::PathBuf;
use tmalign::{Error, Result};

/// Arguments of `tmalign lexicon merge`.
#[derive(clap::Args)]
pub struct Args {
    /// Counts files (`lexicon count` or earlier merges) of the same stage.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// The merged file to write (`corpus.lex`).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// This is the stage's last merge (every shard is in): keep only what the later stages
    /// and the aligner use (a bead stage's table instead of its pair counts, the boilerplate
    /// lines instead of every short line), as `lexicon count` would do to it anyway. The file
    /// is much smaller (kilobytes instead of tens of megabytes for a bead stage), so shipping
    /// it to every shard and reading it there is cheap, but it cannot be merged again.
    #[arg(long)]
    pub seal: bool,
}

/// Runs `tmalign lexicon merge`.
pub fn run(args: Args) -> Result<()> {
    tmalign::output::ensure_not_input(&args.output, &args.parts)?;
    let mut merged: Option<tmalign::align::learn::Counts> = None;
    // One file in memory at a time besides the sum.
    for p in &args.parts {
        let c = read_counts(p)?;
        merged = Some(
            match merged {
                None => Ok(tmalign::align::learn::Counts {
                    partial: false,
                    ..c
                }),
                Some(m) => m.merge_into(&c),
            }
            .map_err(|e| Error::bad_input(p, e.to_string()))?,
        );
    }
    let mut merged = merged.ok_or_else(|| Error::Usage("no counts files given".into()))?;
    if args.seal {
        merged.seal();
    }
    let mut set = tmalign::output::OutputSet::new();
    set.add(&args.output, &merged.to_bytes())?;
    set.commit()?;
    outln!(
        "{} files merged: stage {} of {}{} -> {}",
        args.parts.len(),
        merged.stages.len(),
        merged.header.stages,
        if merged.is_complete() {
            " (complete)"
        } else {
            ""
        },
        args.output.display()
    )?;
    Ok(())
}

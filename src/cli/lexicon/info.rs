//! `tmalign lexicon info`: what a counts file holds.

use crate::cli::align::read_counts;
use crate::cli::out::outln;
use std::path::PathBuf;
use tmalign::Result;

/// Arguments of `tmalign lexicon info`.
#[derive(clap::Args)]
pub struct Args {
    /// A `.lexc` or `.lex` file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// Runs `tmalign lexicon info`.
pub fn run(args: Args) -> Result<()> {
    let c = read_counts(&args.file)?;
    let docs = match c.stages.first() {
        Some(tmalign::align::learn::StageCounts::Texts(t)) => t.docs,
        _ => 0,
    };
    let line = serde_json::json!({
        "pair": format!("{}-{}", c.header.src.code(), c.header.tgt.code()),
        "tmalign": c.header.version,
        "stages": c.stages.len(),
        "of": c.header.stages,
        "partial": c.partial,
        "complete": c.is_complete(),
        "docs": docs,
    });
    outln!("{line}")?;
    Ok(())
}

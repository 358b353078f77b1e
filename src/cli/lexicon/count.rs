//! `tmalign lexicon count`: one shard's counts of the next learning stage.

use crate::cli::align::{align_config, batch_jobs, check_opts, load_batch, read_counts, LearnOpts};
use crate::cli::out::outln;
use std::path::PathBuf;
use tmalign::align::scorer;
use tmalign::{Error, Result};

/// Arguments of `tmalign lexicon count`.
#[derive(clap::Args)]
pub struct Args {
    /// The shard: a manifest (`SOURCE<TAB>TARGET` a line) or a folder of pairs, as for
    /// `align --batch`.
    #[arg(value_name = "MANIFEST_SHARD")]
    pub shard: PathBuf,
    /// The counts file to write (`part.lexc`).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// The merged lexicon of the earlier stages (`lexicon merge`); none for the first stage.
    #[arg(long, value_name = "LEX")]
    pub lexicon: Option<PathBuf>,
    /// Let the manifest name files outside its own folder (absolute paths, `..`).
    #[arg(long)]
    pub allow_outside: bool,
    #[command(flatten)]
    pub learn: LearnOpts,
}

/// Runs `tmalign lexicon count`.
pub fn run(args: Args) -> Result<()> {
    check_opts(&args.learn)?;
    let jobs = batch_jobs(&args.shard, args.allow_outside, &args.learn)?;
    let selected = scorer::select(args.learn.scorer)?;
    let prior = match &args.lexicon {
        Some(p) => Some((p, read_counts(p)?)),
        None => None,
    };
    let batch = load_batch(&jobs, &args.learn, false)?;
    let mut inputs: Vec<PathBuf> = jobs
        .iter()
        .flat_map(|j| [j.src.clone(), j.tgt.clone()])
        .collect();
    inputs.extend(args.lexicon.clone());
    tmalign::output::ensure_not_input(&args.output, &inputs)?;
    let (config, _) = align_config(&args.learn, batch.langs, selected.embedder.is_some())?;
    let path = prior.as_ref().map(|p| p.0.clone());
    let counts = tmalign::align::count_shard(
        &batch.docs,
        &config,
        selected.embedder.as_deref(),
        prior.map(|p| p.1),
    )
    .map_err(|e| match (&path, e.is_bad_input()) {
        (Some(p), true) => Error::bad_input(p, e.to_string()),
        _ => e,
    })?;
    let mut set = tmalign::output::OutputSet::new();
    set.add(&args.output, &counts.to_bytes())?;
    set.commit()?;
    outln!(
        "{}: stage {} of {} counted over {} pairs -> {}",
        args.shard.display(),
        counts.stages.len(),
        counts.header.stages,
        batch.docs.len(),
        args.output.display()
    )?;
    Ok(())
}

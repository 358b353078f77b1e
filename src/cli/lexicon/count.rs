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
    /// A folder where this shard keeps the beads of each lexical round for the later steps
    /// (`lexicon count` of the round's other stages, `align --batch --lexicon`), which then
    /// read them instead of aligning again; the same counts either way. Entries are never
    /// removed: use a folder that goes away with the job.
    #[arg(long, value_name = "DIR")]
    pub bead_cache: Option<PathBuf>,
    /// Print the CPU and wall time of each stage on stderr as JSON lines (with the bead
    /// cache's hits and misses); `TMALIGN_TIMING=1` does the same.
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub learn: LearnOpts,
}

/// Runs `tmalign lexicon count`.
pub fn run(args: Args) -> Result<()> {
    let total = crate::cli::out::timings_start(args.timings);
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
    let cache = args.bead_cache.as_ref().map(tmalign::align::BeadCache::new);
    let t = tmalign::timing::stage("count");
    let counts = tmalign::align::count_shard(
        &batch.docs,
        &config,
        selected.embedder.as_deref(),
        prior.map(|p| p.1),
        cache.as_ref(),
    )
    .map_err(|e| match (&path, e.is_bad_input()) {
        (Some(p), true) => Error::bad_input(p, e.to_string()),
        _ => e,
    })?;
    t.end();
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
    crate::cli::out::timings_print(total);
    Ok(())
}

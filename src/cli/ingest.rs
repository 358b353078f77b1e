//! `tmalign ingest`.

/// Arguments of `tmalign ingest`.
#[derive(clap::Args)]
pub struct Args {
    /// Input file.
    pub file: std::path::PathBuf,
}

/// Runs `tmalign ingest`.
pub fn run(args: Args) -> tmalign::Result<()> {
    let _ = args;
    Err(tmalign::Error::Internal(
        "ingest: not implemented yet".into(),
    ))
}

//! `tmalign split`.

/// Arguments of `tmalign split`.
#[derive(clap::Args)]
pub struct Args {
    /// Input file.
    pub file: std::path::PathBuf,
}

/// Runs `tmalign split`.
pub fn run(args: Args) -> tmalign::Result<()> {
    let _ = args;
    Err(tmalign::Error::Internal(
        "split: not implemented yet".into(),
    ))
}

//! `tmalign detect`.

/// Arguments of `tmalign detect`.
#[derive(clap::Args)]
pub struct Args {
    /// Input file.
    pub file: std::path::PathBuf,
}

/// Runs `tmalign detect`.
pub fn run(args: Args) -> tmalign::Result<()> {
    let _ = args;
    Err(tmalign::Error::Internal(
        "detect: not implemented yet".into(),
    ))
}

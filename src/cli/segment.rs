//! `tmalign segment`.

/// Arguments of `tmalign segment`.
#[derive(clap::Args)]
pub struct Args {
    /// Input file.
    pub file: std::path::PathBuf,
}

/// Runs `tmalign segment`.
pub fn run(args: Args) -> tmalign::Result<()> {
    let _ = args;
    Err(tmalign::Error::Internal(
        "segment: not implemented yet".into(),
    ))
}

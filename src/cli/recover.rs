//! `tmalign recover DIR…`: finish interrupted writes (see `tmalign::output`).

use std::path::PathBuf;

/// Arguments of `tmalign recover`.
#[derive(clap::Args)]
#[command(
    after_help = "A run, align, tm merge or import killed while putting its files in place \
                  leaves a journal (.tmalign-….journal) in the output folder; the new files \
                  are complete by then and only their renames remain. Every tmalign command \
                  that reads or writes a file in that folder finishes them first; this \
                  command does only that (for a folder that was read-only at the time, for \
                  instance). Prints each file put in place; fails if a rename does."
)]
pub struct Args {
    /// Folders to recover.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
}

/// Runs `tmalign recover`.
pub fn run(args: Args) -> tmalign::Result<()> {
    for dir in &args.dirs {
        if !dir.is_dir() {
            return Err(tmalign::Error::bad_input(dir, "not a folder"));
        }
    }
    for dir in &args.dirs {
        let (moved, removed) = tmalign::output::recover(dir)?;
        for p in &moved {
            crate::cli::out::outln!("put in place: {}", p.display())?;
        }
        if !removed.is_empty() {
            crate::cli::out::outln!(
                "removed {} stale temporary file{} in {}",
                removed.len(),
                if removed.len() == 1 { "" } else { "s" },
                dir.display()
            )?;
        }
        if moved.is_empty() && removed.is_empty() {
            crate::cli::out::outln!("{}: nothing to recover", dir.display())?;
        }
    }
    Ok(())
}

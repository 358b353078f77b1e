//! `tmalign data fetch` and `tmalign data info`: data installed at setup time (the Russian and
//! English word-frequency lists of the glossary's termhood prior, the English lemma table).

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
    /// Install the word-frequency lists (wordfreq 3.1.1's large_ru / large_en.msgpack.gz, CC
    /// BY-SA 4.0) and the English lemma table (lemminflect 0.2.3's lemma_lu.csv.gz, MIT) into
    /// the data directory: from --from FILE (a wheel or a file itself: what it carries), else
    /// all with pip. Checks sha256; keeps correct files already there unless --force.
    Fetch(FetchArgs),
    /// Show the installed files: path and whether each is the expected file.
    Info(DirArg),
}

/// Arguments of `tmalign data fetch`.
#[derive(clap::Args)]
struct FetchArgs {
    /// The wheel wordfreq-3.1.1-py3-none-any.whl or lemminflect-0.2.3-py3-none-any.whl, or a
    /// file itself (no network).
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
            let done: Vec<(data::DataFile, data::Outcome)> = match a.from.as_deref() {
                Some(from) => {
                    let files = data::sources_of(from).unwrap_or_default();
                    // a file that is none of them: the Russian list's check says why
                    let files = if files.is_empty() {
                        vec![data::RU_FREQ]
                    } else {
                        files
                    };
                    let mut done = Vec::new();
                    for f in files {
                        let o = data::fetch_file(&dir, &f, Some(from), a.force)?;
                        done.push((f, o));
                    }
                    done
                }
                None => data::FILES
                    .iter()
                    .copied()
                    .zip(data::fetch_all(&dir, a.force)?)
                    .collect(),
            };
            for (f, o) in done {
                match o {
                    data::Outcome::Kept(p) => outln!(
                        "{}: already installed and checked (sha256 {}); nothing fetched",
                        p.display(),
                        f.sha256
                    )?,
                    data::Outcome::Installed(p, from) => outln!(
                        "{}: installed from {from} (sha256 {})",
                        p.display(),
                        f.sha256
                    )?,
                }
            }
            Ok(())
        }
        DataCommand::Info(a) => {
            // exit 2 when a file is not the expected one, or when none is installed; a file
            // missing while others are there is said (the glossary goes without it)
            let dir = data::data_dir(a.dir.as_deref())?;
            let mut wrong = None;
            let mut installed = 0;
            for f in &data::FILES {
                let path = dir.join(f.file);
                outln!("path:     {}", path.display())?;
                match data::check_file(&dir, f) {
                    Ok(None) => {
                        installed += 1;
                        outln!(
                            "expected: yes ({} {} {}, {})",
                            f.package,
                            f.version,
                            f.member,
                            f.licence
                        )?;
                    }
                    Ok(Some(problem)) => {
                        outln!("expected: no")?;
                        wrong.get_or_insert(tmalign::Error::bad_input(
                            path,
                            format!("{problem}: run `tmalign data fetch --force`"),
                        ));
                    }
                    Err(_) => outln!("expected: not installed ({})", f.what)?,
                }
            }
            match wrong {
                Some(e) => Err(e),
                None if installed == 0 => Err(tmalign::Error::bad_input(
                    dir,
                    "no data installed: run `tmalign data fetch`",
                )),
                None => Ok(()),
            }
        }
    }
}

//! `tmalign lexicon …`: the batch's learning step as map-reduce over shards of a corpus. One
//! variant per subcommand, each in its own file under `lexicon/`.

use clap::Subcommand;

mod count;
mod info;
mod merge;

/// Arguments of `tmalign lexicon`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: LexiconCommand,
}

/// The `lexicon` subcommands.
#[derive(Subcommand)]
enum LexiconCommand {
    /// Count one shard's statistics of the next learning stage (`.lexc`): give the merged
    /// lexicon of the stages before with --lexicon (none for the first stage).
    Count(count::Args),
    /// Merge counts files of one stage (any number, any order) into one (`.lex`).
    Merge(merge::Args),
    /// Print what a counts file holds as one JSON line: language pair, stages, completeness.
    Info(info::Args),
}

/// Runs a `lexicon` subcommand.
pub fn run(args: Args) -> tmalign::Result<()> {
    match args.command {
        LexiconCommand::Count(a) => count::run(a),
        LexiconCommand::Merge(a) => merge::run(a),
        LexiconCommand::Info(a) => info::run(a),
    }
}

//! `tmalign tm …`: operations on existing TMX files. One variant per subcommand, each
//! implemented in its own file under `tm/`.

use clap::Subcommand;

mod export_csv;
mod import_csv;
mod import_xliff;
mod lookup;
mod merge;
mod stats;

/// Arguments of `tmalign tm`.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: TmCommand,
}

/// The `tm` subcommands.
#[derive(Subcommand)]
enum TmCommand {
    /// Merge TMX files of one language pair into one, removing exact duplicates.
    Merge(merge::Args),
    /// Count the units, languages, duplicates and suspicious units of a TMX.
    Stats(stats::Args),
    /// Write the review file (CSV or XLSX) of a TMX: one row per unit, with status and comment
    /// columns.
    ExportCsv(export_csv::Args),
    /// Apply a review file, CSV or XLSX (status ok / reject / fix), to the TMX it belongs to.
    #[command(visible_alias = "import-review")]
    ImportCsv(import_csv::Args),
    /// Find fuzzy matches for a query (or stdin lines) with CAT-style scores and differences.
    Lookup(lookup::Args),
    /// Turn XLIFF 1.2 / 2.0 files (also .sdlxliff, .mqxliff) into a TMX: translated units only.
    ImportXliff(import_xliff::Args),
}

/// Runs a `tm` subcommand.
pub fn run(args: Args) -> tmalign::Result<()> {
    match args.command {
        TmCommand::Merge(a) => merge::run(a),
        TmCommand::Stats(a) => stats::run(a),
        TmCommand::ExportCsv(a) => export_csv::run(a),
        TmCommand::ImportCsv(a) => import_csv::run(a),
        TmCommand::Lookup(a) => lookup::run(a),
        TmCommand::ImportXliff(a) => import_xliff::run(a),
    }
}

/// Parses the shared `--lang-map` option.
fn lang_map(arg: Option<&str>) -> tmalign::Result<tmalign::tm::reader::LangMap> {
    match arg {
        Some(list) => tmalign::tm::reader::LangMap::parse(list),
        None => Ok(tmalign::tm::reader::LangMap::default()),
    }
}

/// Writes `text` to standard output; a closed pipe (`… | head`) is not an error.
fn print_out(text: &str) -> tmalign::Result<()> {
    super::out::print(text)
}

/// Prints `report` as one line of JSON when `json`, else the line(s) `text` makes.
fn print_report(
    report: &impl serde::Serialize,
    json: bool,
    text: impl FnOnce() -> String,
) -> tmalign::Result<()> {
    if json {
        print_out(&format!(
            "{}\n",
            serde_json::to_string(report).map_err(|e| tmalign::Error::Internal(e.to_string()))?
        ))
    } else {
        print_out(&text())
    }
}

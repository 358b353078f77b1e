//! Subcommands, one file each. Each exposes `Args` (clap) and `run(args) -> tmalign::Result<()>`.

use clap::{Parser, Subcommand};

pub(crate) mod align;
mod data;
mod detect;
mod eval;
mod glossary;
mod ingest;
mod lexicon;
mod model;
pub(crate) mod out;
mod qa;
mod recover;
mod review;
mod run;
mod segment;
mod split;
mod tm;

/// Align Chinese–Russian (and Chinese–English) document pairs and bilingual documents into a
/// translation memory (TMX), a review file and a glossary.
#[derive(Parser)]
#[command(
    name = "tmalign",
    version,
    after_help = "A bead is one group of aligned sentences: 1-1 pairs one sentence with one, \
                  1-2 one with two, 1-0 / 0-1 a sentence the other side lacks; every bead with \
                  text on both sides becomes one translation unit."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the main job: ingest, split, segment and align document pairs and bilingual
    /// documents (default: `examples/`), writing TMX, review, bead and sentence files to
    /// `output/`.
    Run(run::Args),
    /// Print the cleaned paragraphs of a file, a blank line between them.
    Ingest(ingest::Args),
    /// Print the language runs of a file as JSON lines {"start","end","lang","text"}.
    Detect(detect::Args),
    /// Split a bilingual file into one file per language: DIR/<stem>.<lang>.txt.
    Split(split::Args),
    /// Print the sentences of a file, one a line, a blank line between paragraphs.
    Segment(segment::Args),
    /// Align a document pair (or a batch) and write DIR/<stem>.tmx, .csv, .beads.
    Align(align::Args),
    /// Work on a corpus's lexicon, learnt as map-reduce over its shards: count (one shard's
    /// statistics), merge (sum them), info; then `align --batch SHARD --lexicon LEX`.
    Lexicon(lexicon::Args),
    /// Score predicted bead files against gold ones (strict / lax precision, recall, F1).
    Eval(eval::Args),
    /// Work on TMX files: merge, stats, lookup, export-csv, import-csv, import-xliff.
    Tm(tm::Args),
    /// Extract a zh–ru glossary from TMX files or document pairs (CSV, OmegaT TSV, TBX, TMX).
    Glossary(glossary::Args),
    /// Report units whose target lacks a glossary term's rendering.
    Qa(qa::Args),
    /// Write the review page of a TMX (or of every TMX of a folder): one HTML file to check,
    /// fix and save the alignment in a browser; `tm import-csv` applies the saved review.
    Review(review::Args),
    /// Finish the interrupted writes in folders (a run or align killed while putting its
    /// files in place) and remove their temporary files; every command does this for the
    /// folders it reads or writes, this does only that.
    Recover(recover::Args),
    /// Install or inspect the sentence-encoder model: fetch (install it), info (what is
    /// installed).
    Model(model::Args),
    /// Install or inspect data fetched at setup time: fetch (the word-frequency lists of the
    /// glossary's termhood prior, the English lemma table of zh–en glossaries), info.
    Data(data::Args),
}

/// The parser of a count option: a whole number in `min..=max`, refused by clap (exit 2, the
/// range in the message) before anything is read or allocated.
pub(crate) fn count(min: u64, max: u64) -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(min..=max)
}

/// The parser of a number in `0..=1` (`--min-confidence`).
pub(crate) fn unit_interval(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{text:?} is not a number from 0 to 1")),
    }
}

/// The output formats of `--formats` with the review file in the format `--review-format`
/// asks for (`csv` or `xlsx`: it takes the place of the other).
pub(crate) fn review_formats(
    formats: &str,
    review: Option<&str>,
) -> tmalign::Result<Vec<tmalign::tm::OutputFormat>> {
    use tmalign::tm::OutputFormat;
    let mut list = OutputFormat::parse_list(formats)?;
    let Some(review) = review else {
        return Ok(list);
    };
    let (want, other) = match review.trim().to_ascii_lowercase().as_str() {
        "csv" => (OutputFormat::Csv, OutputFormat::Xlsx),
        "xlsx" => (OutputFormat::Xlsx, OutputFormat::Csv),
        _ => {
            return Err(tmalign::Error::Usage(format!(
                "--review-format {}: csv or xlsx",
                tmalign::error::quote(review)
            )))
        }
    };
    match list.iter().position(|f| *f == other) {
        Some(i) => list[i] = want,
        None if !list.contains(&want) => list.push(want),
        None => {}
    }
    list.dedup();
    Ok(list)
}

/// Runs the CLI and returns the process exit code: 0 ok, 2 bad input, 1 internal failure.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run::run(a),
        Command::Ingest(a) => ingest::run(a),
        Command::Detect(a) => detect::run(a),
        Command::Split(a) => split::run(a),
        Command::Segment(a) => segment::run(a),
        Command::Align(a) => align::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Lexicon(a) => lexicon::run(a),
        Command::Tm(a) => tm::run(a),
        Command::Glossary(a) => glossary::run(a),
        Command::Qa(a) => qa::run(a),
        Command::Review(a) => review::run(a),
        Command::Recover(a) => recover::run(a),
        Command::Model(a) => model::run(a),
        Command::Data(a) => data::run(a),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            // one message, never a megabyte of quoted input
            out::ewriteln!("tmalign: {}", tmalign::error::clip_message(&e.to_string()));
            if e.is_bad_input() {
                2
            } else {
                1
            }
        }
    }
}

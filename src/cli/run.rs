//! `tmalign run`: the main job.

use std::io::IsTerminal;
use std::path::PathBuf;
use tmalign::pipeline::{self, RunOptions};
use tmalign::Lang;

/// Arguments of `tmalign run`.
#[derive(clap::Args)]
pub struct Args {
    /// Input files or folders (pairs `NAME.zh.txt` + `NAME.ru.txt`, or bilingual documents).
    /// Default: `examples/`.
    pub inputs: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = "output")]
    pub output: PathBuf,
    /// Languages to look for in bilingual documents.
    #[arg(long, default_value = "zh,ru,en")]
    pub languages: String,
    /// Preferred source language of each pair.
    #[arg(long, default_value = "zh")]
    pub src_lang: Lang,
    /// Force the input encoding (a WHATWG label such as gb18030 or windows-1251).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Refuse a UTF-8 input with invalid bytes (default: read it with U+FFFD and warn).
    #[arg(long)]
    pub strict: bool,
    /// Do not use a seed glossary as alignment anchors.
    #[arg(long)]
    pub no_seed: bool,
    /// Seed glossary (TSV with a header naming the language columns) instead of the built-in
    /// zh-ru one.
    #[arg(long, value_name = "TSV", conflicts_with = "no_seed")]
    pub seed: Option<PathBuf>,
    /// Output formats, comma-separated: tmx, csv, xlsx, beads (the `.seg` files come with the
    /// beads).
    #[arg(long, default_value = "tmx,csv,beads")]
    pub formats: String,
    /// The review file's format: csv or xlsx (replaces csv in --formats).
    #[arg(long, value_name = "csv|xlsx")]
    pub review_format: Option<String>,
    /// Largest number of segments on one side of a bead (default 3; 4 with the semantic
    /// scorer).
    #[arg(long, value_parser = crate::cli::count(1, 8))]
    pub max_bead: Option<usize>,
    /// Language tags for the TMX, e.g. `zh=zh-TW,en=en-GB` (defaults zh-CN, ru-RU, en-US).
    #[arg(long, value_name = "LANG=TAG,...")]
    pub locales: Option<String>,
    /// SRX 2.0 rule file for the sentence segmentation instead of the built-in rules.
    #[arg(long, value_name = "FILE.srx")]
    pub rules: Option<PathBuf>,
    /// Units below this confidence go to `<stem>.low.tmx` instead of `<stem>.tmx` (for
    /// OmegaT's tm/penalty-NN folder or a lower-priority memoQ TM).
    #[arg(long, value_name = "X", value_parser = crate::cli::unit_interval)]
    pub min_confidence: Option<f64>,
    /// Name of the combined TMX over all jobs (`DIR/NAME.tmx`, written with two jobs or more).
    #[arg(long, value_name = "NAME", default_value = "project")]
    pub project: String,
    /// Do not write the combined TMX.
    #[arg(long, conflicts_with = "project")]
    pub no_project: bool,
    /// The `creationid` of the units (default: $TMALIGN_USER, else $USER, else `tmalign`).
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// Do not write the review page `<stem>.html` beside each TMX.
    #[arg(long)]
    pub no_html: bool,
    /// Bead scorer: `semantic` adds a multilingual sentence encoder to the lexical evidence
    /// (needs `tmalign model fetch`), `lexical` does without, `auto` is semantic when the
    /// model is installed.
    #[arg(long, default_value = "auto", value_name = "auto|semantic|lexical")]
    pub scorer: tmalign::align::scorer::ScorerMode,
    /// Print the CPU and wall time of each stage (ingest, segmentation, scorer, alignment
    /// passes, resegmentation, outputs…) on stderr as JSON lines; `TMALIGN_TIMING=1` does
    /// the same.
    #[arg(long)]
    pub timings: bool,
}

/// Runs `tmalign run`.
pub fn run(args: Args) -> tmalign::Result<()> {
    let total = crate::cli::out::timings_start(args.timings);
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("examples")]
    } else {
        args.inputs
    };
    let mut options = RunOptions::new(inputs, args.output);
    options.languages = Lang::parse_list(&args.languages)?;
    options.src_lang = args.src_lang;
    options.ingest = tmalign::ingest::IngestOptions {
        encoding: args.encoding,
        strict: args.strict,
    };
    options.use_seed = !args.no_seed;
    options.seed = args.seed;
    options.scorer = args.scorer;
    options.formats = crate::cli::review_formats(&args.formats, args.review_format.as_deref())?;
    options.max_bead = args.max_bead;
    if let Some(l) = &args.locales {
        options.locales = tmalign::tm::tmx::Locales::parse_overrides(l)?;
    }
    options.rules = args.rules;
    if let Some(user) = args.user {
        options.user = user;
    }
    options.min_confidence = args.min_confidence;
    options.project = (!args.no_project).then_some(args.project);
    options.progress = std::io::stderr().is_terminal();
    options.review_page = !args.no_html;
    let report = pipeline::run(&options)?;
    for seed in &report.seeds {
        crate::cli::out::outln!("seed glossary {seed}")?;
    }
    for (file, why) in report.unpaired.iter().zip(&report.unpaired_why) {
        crate::cli::out::ewriteln!(
            "tmalign: {}: skipped: {why}; to align it with its translation: tmalign align {} TRANSLATION",
            file.display(),
            file.display()
        );
    }
    for pair in &report.paired_by_content {
        crate::cli::out::outln!("paired by content: {pair}")?;
    }
    for job in &report.jobs {
        crate::cli::out::outln!("{job}")?;
    }
    for file in &report.written {
        crate::cli::out::outln!("wrote {}", file.display())?;
    }
    crate::cli::out::timings_print(total);
    Ok(())
}

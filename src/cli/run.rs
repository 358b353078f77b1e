//! `tmalign run`: the main job.

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
    /// Do not use the seed glossary (`glossary/zh-ru.tsv`) as alignment anchors.
    #[arg(long)]
    pub no_seed: bool,
    /// Do not write the review page `<stem>.html` beside each TMX.
    #[arg(long)]
    pub no_html: bool,
    /// Bead scorer: `semantic` adds a multilingual sentence encoder to the lexical evidence
    /// (needs `tmalign model fetch`), `lexical` does without, `auto` is semantic when the
    /// model is installed.
    #[arg(long, default_value = "auto", value_name = "auto|semantic|lexical")]
    pub scorer: tmalign::align::scorer::ScorerMode,
}

/// Runs `tmalign run`.
pub fn run(args: Args) -> tmalign::Result<()> {
    let inputs = if args.inputs.is_empty() {
        vec![PathBuf::from("examples")]
    } else {
        args.inputs
    };
    let options = RunOptions {
        inputs,
        out_dir: args.output,
        languages: Lang::parse_list(&args.languages)?,
        src_lang: args.src_lang,
        ingest: tmalign::ingest::IngestOptions {
            encoding: args.encoding,
            strict: args.strict,
        },
        use_seed: !args.no_seed,
        scorer: args.scorer,
        review_page: !args.no_html,
    };
    let report = pipeline::run(&options)?;
    for file in &report.unpaired {
        crate::cli::out::ewriteln!(
            "tmalign: {}: skipped: no partner file and not bilingual",
            file.display()
        );
    }
    for job in &report.jobs {
        crate::cli::out::outln!("{job}")?;
    }
    for file in &report.written {
        crate::cli::out::outln!("wrote {}", file.display())?;
    }
    Ok(())
}

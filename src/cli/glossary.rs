//! `tmalign glossary`: extracts a zh–ru or zh–en term list from TMX files or document pairs
//! (see [`tmalign::glossary`]); the target language is the input's.

use std::path::PathBuf;
use tmalign::glossary::extract::extract_from;
use tmalign::glossary::write::{write_glossary_in, GlossFormat, GlossLanguages};
use tmalign::glossary::{corpus, file, ExtractOptions, TargetLanguage};
use tmalign::tm::csv::Delimiter;
use tmalign::{output, Error};

/// Arguments of `tmalign glossary`.
#[derive(clap::Args)]
pub struct Args {
    /// TMX files, document pairs (`NAME.zh.txt NAME.ru.txt` or `NAME.en.txt`) or folders of
    /// them. The target language (Russian or English) is theirs.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output file.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Output format: tbx (TBX-Basic v3), tbx-v2 (TBX-Basic 2, `martif`), csv (termbase
    /// import), omegat (OmegaT glossary text; also `tsv`, `txt`, `utf8`), tmx (default: by
    /// the output's extension; `.tbx` is TBX v3).
    #[arg(long)]
    pub format: Option<String>,
    /// Do not use the seed glossary (`glossary/zh-ru.tsv`, or `glossary/zh-en.tsv` for a
    /// zh–en corpus) at all.
    #[arg(long)]
    pub no_seed: bool,
    /// Seed glossary to use instead of `glossary/zh-ru.tsv`.
    #[arg(long)]
    pub seed: Option<PathBuf>,
    /// Minimum number of units a term pair must occur in.
    #[arg(long, default_value_t = 2, value_parser = crate::cli::count(1, 1_000_000_000))]
    pub min_freq: usize,
    /// Field delimiter of the CSV format: `,`, `;` (spreadsheets in Russian locales) or `tab`.
    #[arg(long, default_value = ",", value_name = "DELIM")]
    pub delimiter: Delimiter,
    /// Keep only the N best pairs.
    #[arg(long, value_parser = crate::cli::count(1, 1_000_000_000))]
    pub top: Option<usize>,
    /// Drop pairs scoring below X (default 0.55: Dice 0.5 × ln 3, a pair seen twice whose
    /// terms meet in half their units; 0 keeps every linked pair). Seed pairs are kept.
    #[arg(long, value_name = "X", default_value_t = tmalign::glossary::DEFAULT_MIN_SCORE)]
    pub min_score: f64,
}

/// Runs `tmalign glossary`: loads, extracts, writes atomically, prints a summary to stderr.
pub fn run(args: Args) -> tmalign::Result<()> {
    let format = match &args.format {
        Some(f) => GlossFormat::parse(f).ok_or_else(|| {
            Error::Usage(format!(
                "unknown glossary format {f:?} (tbx, tbx-v2, csv, omegat, tmx)"
            ))
        })?,
        None => GlossFormat::from_path(&args.output).ok_or_else(|| {
            Error::Usage(format!(
                "cannot tell the format of {} by its extension: give --format tbx|tbx-v2|csv|omegat|tmx",
                args.output.display()
            ))
        })?,
    };
    if !args.min_score.is_finite() || args.min_score < 0.0 {
        return Err(Error::Usage(format!(
            "--min-score must be a number of 0 or more, not {}",
            args.min_score
        )));
    }
    if args.min_freq == 0 {
        return Err(Error::Usage("--min-freq must be at least 1".into()));
    }
    let mut inputs = args.inputs.clone();
    for i in &args.inputs {
        if i.is_dir() {
            inputs.extend(tmalign::pipeline::collect_inputs(std::slice::from_ref(i))?);
        }
    }
    inputs.extend(args.seed.iter().cloned());
    output::ensure_not_input(&args.output, &inputs)?;
    let mut seed = if args.no_seed {
        Vec::new()
    } else {
        match args.seed.clone().or_else(file::default_glossary) {
            Some(p) => file::read_glossary(&p)?,
            None => Vec::new(),
        }
    };
    let anchors: Vec<(String, String)> =
        seed.iter().map(|s| (s.zh.clone(), s.ru.clone())).collect();
    // TMX files are streamed on each of the extractor's passes, not held
    let units = corpus::open_inputs(&args.inputs, anchors)?;
    let target_lang = units.target();
    let target = TargetLanguage::of(target_lang).ok_or_else(|| {
        Error::Internal(format!("corpus target {target_lang:?} is not supported"))
    })?;
    if target != TargetLanguage::Russian && args.seed.is_none() && !args.no_seed {
        // the default seed list is for the corpus's language pair
        seed = match tmalign::tm::seed::find_seed_glossary(tmalign::Lang::Zh, target_lang) {
            Some(p) => file::read_glossary(&p)?,
            None => Vec::new(),
        };
    }
    let (zh_tag, target_tag) = units.language_tags();
    let langs = GlossLanguages::new(target_lang, zh_tag, target_tag);
    let options = ExtractOptions {
        min_freq: args.min_freq,
        top: args.top,
        min_score: args.min_score,
        seed,
        target,
        ..ExtractOptions::default()
    };
    let entries = extract_from(&units, &options)?;
    write_glossary_in(&args.output, &entries, format, args.delimiter, &langs)?;
    let seeds = entries.iter().filter(|e| e.seed).count();
    let ext = args
        .output
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if format == GlossFormat::Tsv && !matches!(ext.as_deref(), Some("txt" | "utf8")) {
        // written as asked, but the user is told why OmegaT would not show it
        crate::cli::out::ewriteln!(
            "note: OmegaT reads glossaries from its glossary folder only as .txt or .utf8 (OmegaT 3.6 ignores .tsv): rename {} before putting it there",
            args.output.display()
        );
    }
    crate::cli::out::ewriteln!(
        "{}: {} term pairs ({} from the seed list) from {} units",
        args.output.display(),
        entries.len(),
        seeds,
        units.len()
    );
    Ok(())
}

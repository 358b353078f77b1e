//! `tmalign review FILE.tmx|DIR -o report.html`: writes the review page (see
//! [`tmalign::review`]).

use std::path::PathBuf;
use tmalign::review::{load_glossary_in, page_for_path, render};
use tmalign::{output, Result};

/// Arguments of `tmalign review`.
#[derive(clap::Args)]
pub struct Args {
    /// A TMX file, or a folder whose `*.tmx` files go on one page (e.g. the output folder of
    /// `run`).
    pub input: PathBuf,
    /// The HTML file to write (default: FILE.html beside the TMX, or DIR/review.html).
    #[arg(short = 'o', long = "output", value_name = "report.html")]
    pub output: Option<PathBuf>,
    /// Glossary for the terminology QA hits (default: the seed glossary `glossary/zh-ru.tsv`).
    #[arg(long, value_name = "FILE")]
    pub glossary: Option<PathBuf>,
    /// Check also the glossary entries of these domains (comma-separated, or `all`), as
    /// `tmalign qa --domain` does: entries without a domain are always checked, state-bound
    /// ones (`China`) in units that mention the state, others (the seed's `diplomacy`,
    /// `numeral`) only when named here.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "DOMAINS",
        conflicts_with = "no_qa"
    )]
    pub domain: Vec<String>,
    /// No terminology QA.
    #[arg(long, conflicts_with = "glossary")]
    pub no_qa: bool,
    /// Language tag mapping, e.g. `zh-TW=none,x-chs=zh`.
    #[arg(long, value_name = "TAG=LANG,...")]
    pub lang_map: Option<String>,
}

/// Runs `tmalign review`.
pub fn run(args: Args) -> Result<()> {
    let map = match args.lang_map.as_deref() {
        Some(list) => tmalign::tm::reader::LangMap::parse(list)?,
        None => tmalign::tm::reader::LangMap::default(),
    };
    let output = args.output.clone().unwrap_or_else(|| {
        if args.input.is_dir() {
            args.input.join("review.html")
        } else {
            args.input.with_extension("html")
        }
    });
    let mut inputs = vec![args.input.clone()];
    inputs.extend(args.glossary.clone());
    output::ensure_not_input(&output, &inputs)?;
    let qa = if args.no_qa {
        None
    } else {
        load_glossary_in(args.glossary.as_deref(), &args.domain)?
    };
    let page = page_for_path(&args.input, &map, qa.as_ref().map(|(n, g)| (n.as_str(), g)))?;
    output::write_atomic(&output, render(&page).as_bytes())?;
    let units: usize = page.docs.iter().map(|d| d.units.len()).sum();
    let docs = page.docs.len();
    crate::cli::out::outln!(
        "{docs} document{}, {units} units → {}",
        if docs == 1 { "" } else { "s" },
        output.display()
    )?;
    Ok(())
}

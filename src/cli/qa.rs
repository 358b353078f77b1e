//! `tmalign qa`: checks a TMX against a glossary (see [`tmalign::glossary::qa`]).

use std::io::Write;
use std::path::PathBuf;
use tmalign::glossary::{corpus, file, qa};
use tmalign::Error;

/// Arguments of `tmalign qa`.
#[derive(clap::Args)]
pub struct Args {
    /// The TMX file to check.
    pub tmx: PathBuf,
    /// Glossary (`.tsv` with a `zh ru note` header, OmegaT `.txt`/`.tsv`, or tmalign `.csv`);
    /// default: the seed list `glossary/zh-ru.tsv`.
    #[arg(long)]
    pub glossary: Option<PathBuf>,
    /// Report format: text or csv.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// Runs `tmalign qa`: one finding per line (or CSV row) on stdout, a summary on stderr;
/// findings are not a failure (exit 0).
pub fn run(args: Args) -> tmalign::Result<()> {
    let csv_out = match args.format.to_ascii_lowercase().as_str() {
        "text" => false,
        "csv" => true,
        f => {
            return Err(Error::Usage(format!(
                "unknown report format {f:?} (text, csv)"
            )))
        }
    };
    let gpath = match args.glossary.clone().or_else(file::default_glossary) {
        Some(p) => p,
        None => {
            return Err(Error::Usage(
                "no glossary given and glossary/zh-ru.tsv not found: use --glossary FILE".into(),
            ))
        }
    };
    let glossary = file::read_glossary(&gpath)?;
    let units = corpus::read_tmx_pairs(&args.tmx, false)?;
    let (issues, summary) = qa::check(&units, &glossary);
    let mut out = super::out::stdout();
    let io = super::out::io_error;
    if csv_out {
        let mut w = csv::Writer::from_writer(&mut out);
        let err = |e: csv::Error| Error::Internal(e.to_string());
        w.write_record(["unit", "term", "expected", "target"])
            .map_err(err)?;
        for i in &issues {
            let cells = [&i.unit, &i.term, &i.expected.join(" | "), &i.target];
            w.write_record(cells.map(|c| tmalign::tm::csv::protect_cell(c).into_owned()))
                .map_err(err)?;
        }
        w.flush().map_err(io)?;
        drop(w);
    } else {
        for i in &issues {
            writeln!(
                out,
                "{}\t{}\texpected: {}\ttarget: {}",
                i.unit,
                i.term,
                i.expected.join(" | "),
                i.target
            )
            .map_err(io)?;
        }
    }
    out.flush().map_err(io)?;
    crate::cli::out::ewriteln!(
        "{}: {} terminology issues in {} of {} units (glossary {})",
        args.tmx.display(),
        summary.issues,
        summary.units_with_issues,
        summary.units,
        gpath.display()
    );
    Ok(())
}

//! `tmalign qa`: checks a TMX against a glossary (see [`tmalign::glossary::qa`]).

use std::io::Write;
use std::path::PathBuf;
use tmalign::glossary::{file, qa};
use tmalign::{Error, Lang};

/// Arguments of `tmalign qa`.
#[derive(clap::Args)]
pub struct Args {
    /// The TMX file to check.
    pub tmx: PathBuf,
    /// Glossary in any format `tmalign glossary` writes (TBX v3 or v2, CSV, OmegaT `.txt` /
    /// `.utf8`, TMX) or the seed format (`.tsv` with a `zh ru note domain` header); default:
    /// the seed list of the TMX's language pair (`glossary/zh-ru.tsv`; there is no zh–en one).
    #[arg(long)]
    pub glossary: Option<PathBuf>,
    /// Check also the glossary entries of these domains (comma-separated, or `all`): entries
    /// without a domain are always checked, state-bound ones (`China`) in units that mention
    /// the state, others (the seed's `diplomacy`, `numeral`) only when named here.
    #[arg(long, value_delimiter = ',', value_name = "DOMAINS")]
    pub domain: Vec<String>,
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
    // an interrupted commit in the TMX's folder is finished (or the TMX refused) first
    tmalign::output::before_reading(&args.tmx)?;
    // the default glossary is the seed list of the TMX's language pair (zh–ru or zh–en)
    let gpath = match args.glossary.clone() {
        Some(p) => p,
        None => {
            let target = tmalign::glossary::corpus::tmx_target(&args.tmx)?.unwrap_or(Lang::Ru);
            match target {
                Lang::Ru => file::default_glossary(),
                t => tmalign::tm::seed::find_seed_glossary(Lang::Zh, t),
            }
            .ok_or_else(|| {
                Error::Usage(format!(
                    "no glossary given and glossary/zh-{}.tsv not found: use --glossary FILE",
                    target.code()
                ))
            })?
        }
    };
    let glossary = file::read_glossary(&gpath)?;
    // streaming: each unit is checked as it is read and its findings printed at once (memory
    // does not grow with the TMX); the CSV header goes out with the first finding, or at the
    // end, so a TMX refused at its start prints nothing
    let mut out = super::out::stdout();
    let io = super::out::io_error;
    let csv_record = |cells: &[String]| -> tmalign::Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(cells)
            .map_err(|e| Error::Internal(e.to_string()))?;
        w.into_inner().map_err(|e| Error::Internal(e.to_string()))
    };
    let header: Vec<String> = ["unit", "term", "expected", "target"]
        .map(String::from)
        .to_vec();
    let mut header_done = !csv_out;
    let summary = qa::check_tmx_in(&args.tmx, &glossary, &args.domain, |i| {
        if !header_done {
            out.write_all(&csv_record(&header)?).map_err(io)?;
            header_done = true;
        }
        if csv_out {
            let cells = [&i.unit, &i.term, &i.expected.join(" | "), &i.target]
                .map(|c| tmalign::tm::csv::protect_cell(c).into_owned());
            out.write_all(&csv_record(&cells)?).map_err(io)
        } else {
            writeln!(
                out,
                "{}\t{}\texpected: {}\ttarget: {}",
                i.unit,
                i.term,
                i.expected.join(" | "),
                i.target
            )
            .map_err(io)
        }
    })?;
    if !header_done {
        out.write_all(&csv_record(&header)?).map_err(io)?;
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

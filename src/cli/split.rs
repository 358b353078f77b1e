//! `tmalign split`.

use std::path::{Path, PathBuf};
use tmalign::ingest::{ingest_file, IngestOptions};
use tmalign::lang::LanguageSplitter;
use tmalign::Lang;

/// Arguments of `tmalign split`.
#[derive(clap::Args)]
pub struct Args {
    /// Input file.
    pub file: PathBuf,
    /// Output directory (created if missing); writes DIR/<stem>.<lang>.txt.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Languages to look for, comma-separated (zh, ru, en).
    #[arg(long, default_value = "zh,ru,en")]
    pub languages: String,
}

/// The error for a file with no text in any configured language.
pub fn no_language(path: &Path, languages: &[Lang]) -> tmalign::Error {
    let list: Vec<&str> = languages.iter().map(|l| l.code()).collect();
    tmalign::Error::bad_input(
        path,
        format!(
            "no text in any of the configured languages ({})",
            list.join(", ")
        ),
    )
}

/// Runs `tmalign split`: one file per language found, paragraphs separated by a blank line.
/// Nothing is written unless the file has text in a configured language.
pub fn run(args: Args) -> tmalign::Result<()> {
    let languages = Lang::parse_list(&args.languages)?;
    let doc = ingest_file(&args.file, &IngestOptions::default())?;
    let splitter = LanguageSplitter::new(&languages);
    let streams = splitter.split(&doc.paragraphs).streams;
    if streams.values().all(Vec::is_empty) {
        return Err(no_language(&args.file, &languages));
    }
    let stem = args
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let inputs = [args.file.clone()];
    let targets: Vec<(PathBuf, &Vec<String>)> = streams
        .iter()
        .filter(|(_, paras)| !paras.is_empty())
        .map(|(lang, paras)| (args.output.join(format!("{stem}.{lang}.txt")), paras))
        .collect();
    for (path, _) in &targets {
        tmalign::output::ensure_not_input(path, &inputs)?;
    }
    for (path, paras) in &targets {
        tmalign::output::write_atomic_with(path, |w| {
            for (i, p) in paras.iter().enumerate() {
                if i > 0 {
                    w.write_all(b"\n")?;
                }
                w.write_all(p.as_bytes())?;
                w.write_all(b"\n")?;
            }
            Ok(())
        })?;
        crate::cli::out::outln!("{}", path.display())?;
    }
    Ok(())
}

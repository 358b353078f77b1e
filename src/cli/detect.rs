//! `tmalign detect`.

use std::io::Write;
use tmalign::ingest::{ingest_file, IngestOptions};
use tmalign::lang::LanguageSplitter;
use tmalign::Lang;

/// Arguments of `tmalign detect`.
#[derive(clap::Args)]
#[command(
    after_help = "Offsets are byte offsets into the cleaned text: the ingested paragraphs \
                  joined with a blank line (\"\\n\\n\"), as `tmalign ingest` prints them."
)]
pub struct Args {
    /// Input file.
    pub file: std::path::PathBuf,
    /// Languages to look for, comma-separated (zh, ru, en).
    #[arg(long, default_value = "zh,ru,en")]
    pub languages: String,
}

/// Runs `tmalign detect`: one JSON object per language span,
/// `{"start":…,"end":…,"lang":"zh","text":…}`. Offsets are byte offsets into the cleaned text:
/// the ingested paragraphs joined with `"\n\n"` (what `tmalign ingest` prints).
pub fn run(args: Args) -> tmalign::Result<()> {
    let languages = Lang::parse_list(&args.languages)?;
    let doc = ingest_file(&args.file, &IngestOptions::default())?;
    let text = doc.paragraphs.join("\n\n");
    let splitter = LanguageSplitter::new(&languages);
    let spans = splitter.detect(&text);
    if spans.is_empty() {
        return Err(super::split::no_language(&args.file, &languages));
    }
    let mut out = super::out::stdout();
    let mut line = Vec::new();
    let written = spans.iter().try_for_each(|span| {
        line.clear();
        serde_json::to_writer(&mut line, span).map_err(std::io::Error::other)?;
        line.push(b'\n');
        out.write_all(&line)
    });
    // `tmalign detect f | head` is fine: the reader has all it wanted (see `out`).
    written
        .and_then(|()| out.flush())
        .map_err(super::out::io_error)
}

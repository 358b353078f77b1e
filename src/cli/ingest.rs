//! `tmalign ingest`.

use std::io::Write;
use tmalign::ingest::{ingest_file, IngestOptions};

/// Arguments of `tmalign ingest`.
#[derive(clap::Args)]
pub struct Args {
    /// Input file (plain text, Markdown with front matter, or HTML).
    pub file: std::path::PathBuf,
    /// Read the file in this encoding (a WHATWG label: utf-8, utf-16le, gb18030, gbk,
    /// windows-1251, …) instead of detecting it.
    #[arg(long, value_name = "LABEL")]
    pub encoding: Option<String>,
    /// Refuse a UTF-8 file with invalid bytes (default: read it with U+FFFD in their place
    /// and warn, naming the byte offset).
    #[arg(long)]
    pub strict: bool,
    /// Print one JSON object (path, encoding, format, metadata, paragraphs) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `tmalign ingest`.
pub fn run(args: Args) -> tmalign::Result<()> {
    let options = IngestOptions {
        encoding: args.encoding,
        strict: args.strict,
    };
    let doc = ingest_file(&args.file, &options)?;
    let mut stdout = super::out::stdout();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut stdout, &doc)
            .map_err(std::io::Error::from)
            .and_then(|()| stdout.write_all(b"\n"))
    } else {
        doc.paragraphs.iter().enumerate().try_for_each(|(i, p)| {
            if i > 0 {
                stdout.write_all(b"\n")?;
            }
            stdout.write_all(p.as_bytes())?;
            stdout.write_all(b"\n")
        })
    };
    // `tmalign ingest f | head` closes the pipe early: not an error (see `out`).
    written
        .and_then(|()| stdout.flush())
        .map_err(super::out::io_error)
}

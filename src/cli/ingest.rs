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
    /// Print one JSON object (path, encoding, format, metadata, paragraphs) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `tmalign ingest`.
pub fn run(args: Args) -> tmalign::Result<()> {
    let options = IngestOptions {
        encoding: args.encoding,
    };
    let doc = ingest_file(&args.file, &options)?;
    let mut out = String::new();
    if args.json {
        let json = serde_json::to_string_pretty(&doc)
            .map_err(|e| tmalign::Error::Internal(format!("JSON output: {e}")))?;
        out.push_str(&json);
        out.push('\n');
    } else {
        for (i, p) in doc.paragraphs.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(p);
            out.push('\n');
        }
    }
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        // `tmalign ingest f | head` closes the pipe early: not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(tmalign::Error::io("<stdout>", e)),
    }
}

//! `tmalign segment`.

use std::io::Write;
use tmalign::segment::{segment_paragraphs, segmenter_for, segmenter_from_srx};
use tmalign::Lang;

/// Arguments of `tmalign segment`.
#[derive(clap::Args)]
pub struct Args {
    /// Input file.
    pub file: std::path::PathBuf,
    /// Language of the text (zh, ru, en); detected when absent.
    #[arg(long)]
    pub lang: Option<Lang>,
    /// SRX 2.0 rule file to use instead of the built-in rules.
    #[arg(long, value_name = "FILE.srx")]
    pub rules: Option<std::path::PathBuf>,
}

/// Runs `tmalign segment`: one sentence a line, a blank line between paragraphs.
pub fn run(args: Args) -> tmalign::Result<()> {
    let doc = tmalign::ingest::ingest_file(&args.file, &Default::default())?;
    let lang = match args.lang {
        Some(l) => {
            tmalign::lang::check_given_language(&args.file, "--lang", l, &doc.paragraphs)?;
            l
        }
        None => tmalign::lang::LanguageSplitter::new(&Lang::ALL)
            .dominant(&doc.paragraphs)
            .ok_or_else(|| {
                tmalign::Error::bad_input(&args.file, "no text in a supported language")
            })?,
    };
    let segmenter = match &args.rules {
        Some(srx) => segmenter_from_srx(srx, lang)?,
        None => segmenter_for(lang),
    };
    let mut out = super::out::stdout();
    let io = super::out::io_error;
    for (k, sentences) in segment_paragraphs(segmenter.as_ref(), &doc.paragraphs)
        .iter()
        .enumerate()
    {
        if super::out::closed() {
            break;
        }
        if k > 0 {
            writeln!(out).map_err(io)?;
        }
        for s in sentences {
            writeln!(out, "{s}").map_err(io)?;
        }
    }
    out.flush().map_err(io)
}

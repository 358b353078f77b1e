//! `tmalign tm lookup`: fuzzy matches for a query (or one query per stdin line) in a TMX,
//! through the saved n-gram index `FILE.tmx.idx` (built or refreshed as needed).

use clap::{Parser, ValueEnum};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use tmalign::tm::lookup::{self, IndexOrigin, LookupOptions, Match, OpenOptions};
use tmalign::{Error, Lang, Result};

/// When to colour the differences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always (ANSI escapes).
    Always,
    /// Never: `[-removed-]{+added+}` markers instead.
    Never,
}

/// Fuzzy-match queries against a translation memory, with CAT-style percentages (101 =
/// in-context exact, 100 = exact, 99/98 = case or punctuation only, ≤ 97 = fuzzy) and the
/// differences of each TM source from the query: `[-only in TM-]{+only in query+}`.
#[derive(Debug, Parser)]
pub struct Args {
    /// The translation memory (TMX). Its index is kept in FILE.tmx.idx.
    #[arg(long = "tm", value_name = "FILE.tmx")]
    pub tm: PathBuf,
    /// The query; without it, queries are read from stdin, one per line (each line is the
    /// context of the next, for 101% matches).
    pub query: Option<String>,
    /// Lowest score shown (percent).
    #[arg(long, default_value_t = 70, value_parser = clap::value_parser!(u8).range(0..=101))]
    pub min: u8,
    /// Most matches shown per query.
    #[arg(long, default_value_t = 5, value_parser = crate::cli::count(1, 10_000))]
    pub top: usize,
    /// Source language of the TM (default: the TMX header's srclang).
    #[arg(long, value_name = "LANG")]
    pub src_lang: Option<String>,
    /// Target language (default: per TU, the first variant in another language).
    #[arg(long, value_name = "LANG")]
    pub tgt_lang: Option<String>,
    /// The segment before the query in your document: an exact match whose TM context is
    /// the same scores 101.
    #[arg(long, value_name = "TEXT")]
    pub prev: Option<String>,
    /// Candidates taken from the index for exact scoring.
    #[arg(long, default_value_t = 150, value_parser = crate::cli::count(1, 1_000_000))]
    pub candidates: usize,
    /// One JSON object per query: {"query", "matches": [{score, unit, id, line, source,
    /// target, diff: [{kind, text}]}]}.
    #[arg(long)]
    pub json: bool,
    /// Colour the differences.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Rebuild the index even if it looks current.
    #[arg(long)]
    pub rebuild: bool,
    /// Keep the index in memory; do not write FILE.tmx.idx.
    #[arg(long)]
    pub no_save: bool,
    /// Language-tag mapping, e.g. `zh-TW=none,x-cn=zh` (default: tags by their primary
    /// subtag).
    #[arg(long, value_name = "TAG=LANG,...")]
    pub lang_map: Option<String>,
}

fn lang(code: &Option<String>) -> Result<Option<Lang>> {
    code.as_deref()
        .map(|c| {
            Lang::parse(c)
                .ok_or_else(|| Error::Usage(format!("unknown language {c:?} (zh, ru, en)")))
        })
        .transpose()
}

/// Runs `tm lookup`.
pub fn run(args: Args) -> Result<()> {
    let open_options = OpenOptions {
        src_lang: lang(&args.src_lang)?,
        tgt_lang: lang(&args.tgt_lang)?,
        rebuild: args.rebuild,
        no_save: args.no_save,
        lang_map: super::lang_map(args.lang_map.as_deref())?,
    };
    let opened = lookup::open(&args.tm, &open_options)?;
    match &opened.origin {
        IndexOrigin::Loaded => {}
        IndexOrigin::Restamped => crate::cli::out::ewriteln!(
            "tmalign: {}: TMX touched but unchanged; index stamp refreshed",
            opened.index_path.display()
        ),
        IndexOrigin::Built(reason) => crate::cli::out::ewriteln!(
            "tmalign: {}: index built ({reason}): {} units, {} keys",
            opened.index_path.display(),
            opened.index.len(),
            opened.index.key_count()
        ),
    }
    if let Some(note) = &opened.note {
        crate::cli::out::ewriteln!("tmalign: note: {note}");
    }
    let colour = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut options = LookupOptions {
        min: args.min,
        top: args.top,
        candidates: args.candidates,
        prev: args.prev.clone(),
        diff: true,
    };
    let mut out = crate::cli::out::stdout();
    let io_err = crate::cli::out::io_error;
    if let Some(q) = &args.query {
        let found = lookup::lookup(&opened.index, q, &options);
        print(&mut out, q, &found, args.json, colour, false).map_err(io_err)?;
    } else {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            if crate::cli::out::closed() {
                break;
            }
            let line = line.map_err(|e| Error::io("<stdin>", e))?;
            let q = line.trim_end_matches('\r');
            if q.trim().is_empty() {
                continue;
            }
            let found = lookup::lookup(&opened.index, q, &options);
            print(&mut out, q, &found, args.json, colour, true).map_err(io_err)?;
            out.flush().map_err(io_err)?;
            options.prev = Some(q.to_string());
        }
    }
    out.flush().map_err(io_err)
}

/// Prints the matches of one query: a JSON line, or a readable block.
fn print(
    out: &mut dyn Write,
    query: &str,
    found: &[Match],
    json: bool,
    colour: bool,
    with_header: bool,
) -> std::io::Result<()> {
    if json {
        let value = serde_json::json!({ "query": query, "matches": found });
        return writeln!(out, "{value}");
    }
    if with_header {
        writeln!(out, "> {query}")?;
    }
    if found.is_empty() {
        writeln!(out, "  (no match)")?;
    }
    for m in found {
        let where_ = match (&m.id, m.line) {
            (Some(id), Some(line)) => format!("tu {id}, line {line}"),
            (None, Some(line)) => format!("line {line}"),
            (Some(id), None) => format!("tu {id}"),
            (None, None) => format!("#{}", m.unit + 1),
        };
        let source = if colour {
            lookup::render_ansi(&m.diff)
        } else {
            lookup::render_markers(&m.diff)
        };
        writeln!(out, "{:>4}%  {source}  ({where_})", m.score)?;
        writeln!(out, "       {}", m.target)?;
    }
    if with_header {
        writeln!(out)?;
    }
    Ok(())
}

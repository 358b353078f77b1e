//! `tmalign align`: aligns one document pair, or a batch, and writes TMX / CSV / bead files.

use indicatif::MultiProgress;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use tmalign::align::scorer::{self, ScorerMode};
use tmalign::align::{align_batch_segments_with, align_with_counts, AlignConfig, Segment};
use tmalign::tm::input::{Compact, InputOptions, LoadedPair, Loader, PairJob};
use tmalign::tm::naming::{output_stem, pair_directory, read_manifest_with};
use tmalign::tm::ops::review::default_user;
use tmalign::tm::tmx::{creation_date, Locales, TmxOptions};
use tmalign::tm::{
    build_pairs, low_tmx_path, output_paths, stage_outputs, BuildOptions, OutputFormat,
};
use tmalign::{Error, Lang, Result};

/// Arguments of `tmalign align`.
#[derive(clap::Args)]
pub struct Args {
    /// Source document (e.g. `report.zh.txt`).
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    pub src: Option<PathBuf>,
    /// Target document (e.g. `report.ru.txt`).
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    pub tgt: Option<PathBuf>,
    /// Align every pair of a directory (`NAME.zh[.txt]` + `NAME.ru[.txt]`) or of a manifest
    /// file (one `SOURCE<TAB>TARGET` a line, paths relative to the manifest).
    #[arg(long, value_name = "DIR_OR_MANIFEST")]
    pub batch: Option<PathBuf>,
    /// Let a batch manifest name files outside its own folder (absolute paths, `..`).
    #[arg(long, requires = "batch")]
    pub allow_outside: bool,
    /// Output directory: writes `DIR/<stem>.tmx`, `.csv`, `.beads`, and the review page
    /// `.html` (with the TMX).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "DIR",
        default_value = "output"
    )]
    pub out_dir: PathBuf,
    /// Output formats, comma-separated: tmx, csv, xlsx, beads.
    #[arg(long, default_value = "tmx,csv,beads")]
    pub formats: String,
    /// The review file's format: csv or xlsx (replaces csv in --formats).
    #[arg(long, value_name = "csv|xlsx")]
    pub review_format: Option<String>,
    /// Units below this confidence go to `<stem>.low.tmx` instead of `<stem>.tmx` (for
    /// OmegaT's tm/penalty-NN folder or a lower-priority memoQ TM).
    #[arg(long, value_name = "X", value_parser = crate::cli::unit_interval)]
    pub min_confidence: Option<f64>,
    /// The `creationid` of the units (default: $TMALIGN_USER, else $USER, else `tmalign`).
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// Do not write the review page `DIR/<stem>.html`.
    #[arg(long)]
    pub no_html: bool,
    #[command(flatten)]
    pub learn: LearnOpts,
    /// Language tags for the TMX, e.g. `zh=zh-TW,en=en-GB` (defaults zh-CN, ru-RU, en-US).
    #[arg(long, value_name = "LANG=TAG,...")]
    pub locales: Option<String>,
    /// The batch's learnt statistics (`tmalign lexicon merge`, complete): align this batch
    /// (a shard of a corpus) with the corpus's lexicon instead of learning its own; the same
    /// beads as aligning the whole corpus at once.
    #[arg(long, value_name = "LEX")]
    pub lexicon: Option<PathBuf>,
    /// With --lexicon: the folder where `lexicon count --bead-cache` kept this shard's beads;
    /// the rounds found there are not aligned again (the same beads either way).
    #[arg(long, value_name = "DIR", requires = "lexicon")]
    pub bead_cache: Option<PathBuf>,
    /// Print the CPU and wall time of each stage (ingest, segmentation, scorer, alignment
    /// passes, resegmentation, outputs…) on stderr as JSON lines; `TMALIGN_TIMING=1` does
    /// the same.
    #[arg(long)]
    pub timings: bool,
}

/// The options that decide what a batch learns and how it is aligned (shared with `tmalign
/// lexicon count`, whose counts are only usable with the same options).
#[derive(clap::Args, Clone)]
pub struct LearnOpts {
    /// Inputs are already one segment a line (bead indices = line numbers); blank lines mark
    /// paragraphs and are never segments (then the lines go to `<stem>.<lang>.seg`).
    #[arg(long)]
    pub presegmented: bool,
    /// Source language (default: from the file name, else detected).
    #[arg(long, value_name = "LANG")]
    pub src_lang: Option<Lang>,
    /// Target language (default: from the file name, else detected).
    #[arg(long, value_name = "LANG")]
    pub tgt_lang: Option<Lang>,
    /// Largest number of segments on one side of a bead (default 3; 4 with the semantic
    /// scorer, which also allows 2-3 / 3-2).
    #[arg(long, value_parser = crate::cli::count(1, 8))]
    pub max_bead: Option<usize>,
    /// Bead scorer: `semantic` adds a multilingual sentence encoder to the lexical evidence
    /// (needs `tmalign model fetch`), `lexical` does without, `auto` is semantic when the
    /// model is installed.
    #[arg(long, default_value = "auto", value_name = "auto|semantic|lexical")]
    pub scorer: ScorerMode,
    /// Seed glossary (TSV with a header naming the language columns) instead of the built-in
    /// zh-ru one.
    #[arg(long, value_name = "TSV", conflicts_with = "no_seed")]
    pub seed: Option<PathBuf>,
    /// Do not load a seed glossary.
    #[arg(long)]
    pub no_seed: bool,
}

/// Loaded pairs ready for the aligner.
pub(crate) struct Batch {
    /// The pairs (segments moved out into `docs`).
    pub loaded: Vec<LoadedPair>,
    /// The segments of every pair, as the aligner takes them.
    pub docs: Vec<(Vec<Segment>, Vec<Segment>)>,
    /// Per pair, whether presegmented input had blank lines (see `run`).
    pub blanks: Vec<bool>,
    /// The batch's languages.
    pub langs: (Lang, Lang),
    /// Segments of each pair as read (for the size-mismatch warning).
    pub sizes: Vec<(usize, usize)>,
}

/// Reads and checks every pair of `jobs`.
pub(crate) fn load_batch(jobs: &[PairJob], opts: &LearnOpts, interactive: bool) -> Result<Batch> {
    let loader = Loader::new(InputOptions {
        presegmented: opts.presegmented,
        src_lang: opts.src_lang,
        tgt_lang: opts.tgt_lang,
        ..Default::default()
    });
    let bar = tmalign::pipeline::progress_bar(interactive, jobs.len(), "reading");
    let mut loaded: Vec<LoadedPair> = Vec::with_capacity(jobs.len());
    for job in jobs {
        loaded.push(loader.load_pair(job)?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let langs = common_languages(&loaded)?;
    let sizes = loaded.iter().map(|p| (p.src.len(), p.tgt.len())).collect();
    // the segments move into the aligner's input; `loaded` keeps the rest of each pair
    let docs: Vec<_> = loaded
        .iter_mut()
        .map(|p| (std::mem::take(&mut p.src), std::mem::take(&mut p.tgt)))
        .collect();
    // Presegmented: blank lines mark paragraphs and are never segments. A pair that has them
    // is aligned without them, and its lines are written to `<stem>.<lang>.seg` like our own
    // segmentation, so that bead indices are line numbers there.
    let mut blanks = Vec::with_capacity(docs.len());
    let docs: Vec<_> = docs
        .into_iter()
        .map(|(s, t)| {
            if !opts.presegmented {
                blanks.push(false);
                return (s, t);
            }
            let (cs, ct) = (Compact::of_owned_lines(s), Compact::of_owned_lines(t));
            blanks.push(cs.segments.len() < cs.n_lines || ct.segments.len() < ct.n_lines);
            (cs.segments, ct.segments)
        })
        .collect();
    Ok(Batch {
        loaded,
        docs,
        blanks,
        langs,
        sizes,
    })
}

/// The aligner settings of a batch and the seed glossary it uses (`None`: no seed).
pub(crate) fn align_config(
    opts: &LearnOpts,
    (src_lang, tgt_lang): (Lang, Lang),
    semantic: bool,
) -> Result<(AlignConfig, Option<tmalign::tm::seed::SeedGlossary>)> {
    let mut config = AlignConfig::new(src_lang, tgt_lang);
    if semantic {
        config = config.semantic();
    }
    config.max_bead_side = opts.max_bead.unwrap_or(config.max_bead_side);
    // Presegmented input keeps its lines (bead indices are line numbers); our own
    // segmentation may be corrected where the other language shows a missed boundary.
    config.resegment = !opts.presegmented;
    let seed = if opts.no_seed {
        None
    } else {
        let _t = tmalign::timing::stage("seed");
        tmalign::tm::seed::choose_seed(opts.seed.as_deref(), src_lang, tgt_lang)?
    };
    if let Some(seed) = &seed {
        config.seed_terms = seed.terms.clone();
    }
    Ok((config, seed))
}

/// Checks the language options of a run.
pub(crate) fn check_opts(opts: &LearnOpts) -> Result<()> {
    if opts.max_bead == Some(0) {
        return Err(Error::Usage("--max-bead must be at least 1".into()));
    }
    if let (Some(s), Some(t)) = (opts.src_lang, opts.tgt_lang) {
        if s == t {
            return Err(Error::Usage(format!(
                "--src-lang and --tgt-lang are both {s}"
            )));
        }
    }
    Ok(())
}

/// Reads a `.lex` / `.lexc` file; a damaged or foreign file is bad input.
pub(crate) fn read_counts(path: &Path) -> Result<tmalign::align::learn::Counts> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    tmalign::align::learn::Counts::from_bytes(&bytes)
        .map_err(|e| Error::bad_input(path, e.to_string()))
}

/// Runs `tmalign align`. Every input is read and checked before the first output is written.
pub fn run(args: Args) -> Result<()> {
    let total = crate::cli::out::timings_start(args.timings);
    let formats = crate::cli::review_formats(&args.formats, args.review_format.as_deref())?;
    let locales = match &args.locales {
        Some(l) => Locales::parse_overrides(l)?,
        None => Locales::default(),
    };
    check_opts(&args.learn)?;

    let jobs = collect_jobs(&args)?;
    // Which scorer runs is settled (and a missing or unusable model refused) before any work.
    let t = tmalign::timing::stage("scorer");
    let selected = scorer::select(args.learn.scorer)?;
    t.end();
    // A lexicon is read and checked before the documents.
    let lexicon = match &args.lexicon {
        Some(p) => Some((p, read_counts(p)?)),
        None => None,
    };
    let t = tmalign::timing::stage("read");
    let interactive = args.batch.is_some() && std::io::stderr().is_terminal();

    // 1. read and check everything
    let Batch {
        loaded,
        docs: inputs,
        blanks,
        langs: (src_lang, tgt_lang),
        sizes,
    } = load_batch(&jobs, &args.learn, interactive)?;
    t.end();
    // Our own segmentation: the sentences go to `<stem>.<lang>.seg` beside the beads, whose
    // indices are their line numbers (presegmented input already is that file).
    let seg_langs = (!args.learn.presegmented && formats.contains(&OutputFormat::Beads))
        .then_some((src_lang, tgt_lang));
    // the review page reviews the TMX: written with it
    let html = !args.no_html && formats.contains(&OutputFormat::Tmx);
    check_outputs(
        &args.out_dir,
        &formats,
        seg_langs,
        html,
        &loaded,
        args.min_confidence.is_some(),
    )?;
    // the review pages' glossary loads while the documents align
    let qa = html.then(tmalign::review::PendingGlossary::start);
    for (p, n) in loaded.iter().zip(&sizes).filter(|(p, _)| p.size_mismatch) {
        crate::cli::out::ewriteln!(
            "tmalign: warning: {} has {} segments but {} has {}; aligning anyway, rows flagged size-mismatch",
            p.job.src.display(),
            n.0,
            p.job.tgt.display(),
            n.1
        );
    }

    // 2. align
    let (config, seed) = align_config(
        &args.learn,
        (src_lang, tgt_lang),
        selected.embedder.is_some(),
    )?;
    let seed_said = tmalign::tm::seed::describe_seed(seed.as_ref(), !args.learn.no_seed);
    let seed_prop = seed.as_ref().map(|s| s.describe());
    // The spinner and the embedding bar share the terminal.
    let bars = MultiProgress::new();
    let spinner = bars.add(tmalign::pipeline::progress_bar(interactive, 0, "aligning"));
    let with_bar = selected
        .embedder
        .as_deref()
        .map(|inner| scorer::WithProgress {
            inner,
            bar: bars.add(scorer::embedding_bar()),
        });
    let embedder = with_bar
        .as_ref()
        .map(|e| e as &dyn tmalign::align::semantic::SentenceEmbedder);
    let t = tmalign::timing::stage("align");
    let aligned = match &lexicon {
        Some((path, counts)) => align_with_counts(
            &inputs,
            &config,
            embedder,
            counts,
            args.bead_cache
                .as_ref()
                .map(tmalign::align::BeadCache::new)
                .as_ref(),
        )
        .map_err(|e| {
            if e.is_bad_input() {
                Error::bad_input(path.as_path(), e.to_string())
            } else {
                e
            }
        }),
        None => align_batch_segments_with(&inputs, &config, embedder),
    };
    t.end();
    if let Some(e) = &with_bar {
        e.bar.finish_and_clear();
    }
    let (docs, alignments): (Vec<_>, Vec<_>) = aligned?
        .into_iter()
        .map(|d| ((d.src, d.tgt), d.alignment))
        .unzip();
    spinner.finish_and_clear();
    if alignments.len() != loaded.len() {
        return Err(Error::Internal(format!(
            "aligner returned {} alignments for {} pairs",
            alignments.len(),
            loaded.len()
        )));
    }

    // 3. build the rows of every pair before writing any, so a bad alignment fails first
    let outputs = tmalign::timing::stage("outputs");
    let mut built = Vec::with_capacity(loaded.len());
    for ((pair, alignment), (src, tgt)) in loaded.iter().zip(&alignments).zip(&docs) {
        let mut options = BuildOptions::new(src_lang, tgt_lang);
        options.size_mismatch = pair.size_mismatch;
        // beads files show no flag
        options.text_flags = html || formats.iter().any(|f| *f != OutputFormat::Beads);
        let mut pairs = build_pairs(alignment, src, tgt, &options)?;
        // inline tags of office documents
        if !pair.src_inline.1.is_empty() || !pair.tgt_inline.1.is_empty() {
            use tmalign::tm::tags;
            let sc = tags::segment_codes(src, &pair.src_inline.0, &pair.src_inline.1);
            let tc = tags::segment_codes(tgt, &pair.tgt_inline.0, &pair.tgt_inline.1);
            tags::attach(&mut pairs, (src, &sc, src_lang), (tgt, &tc, tgt_lang));
        }
        built.push(pairs);
    }

    // 4. write
    let date = creation_date();
    let user = args.user.clone().unwrap_or_else(default_user);
    let qa = match qa {
        Some(pending) => pending.wait()?,
        None => None,
    };
    let bar = tmalign::pipeline::progress_bar(interactive, loaded.len(), "writing");
    // every pair's files are staged, then all put in place together
    let mut set = tmalign::output::OutputSet::new();
    let mut lines = Vec::with_capacity(loaded.len());
    for (k, (((pair, alignment), units), (src, tgt))) in loaded
        .iter()
        .zip(&alignments)
        .zip(&built)
        .zip(&docs)
        .enumerate()
    {
        let source_file = pair
            .job
            .src
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut tmx = TmxOptions::new(src_lang, tgt_lang, source_file);
        tmx.locales = locales.clone();
        tmx.creation_date = date;
        tmx.creation_id = Some(user.clone());
        tmx.target_file = pair
            .job
            .tgt
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        tmx.document = pair.job.stem.clone();
        tmx.split_below = args.min_confidence;
        tmx.unit_props = tmalign::tm::unit::paragraph_props(units, src, tgt);
        // Which scorer ran; none written means lexical (whose output stays as it was).
        if selected.embedder.is_some() {
            tmx.header_props
                .push(("x-tmalign-scorer".into(), selected.describe()));
        }
        if let Some(seed) = &seed_prop {
            tmx.header_props
                .push(("x-tmalign-seed".into(), seed.clone()));
        }
        let mut written = Vec::new();
        let seg_langs = seg_langs.or_else(|| {
            (blanks[k] && formats.contains(&OutputFormat::Beads)).then_some((src_lang, tgt_lang))
        });
        if let Some(langs) = seg_langs {
            let paths = seg_paths(&args.out_dir, &pair.job.stem, langs);
            for (path, segs) in paths.into_iter().zip([src, tgt]) {
                set.add_lines(&path, segs.iter().map(|s| s.text.as_str()))?;
                written.push(path);
            }
        }
        written.extend(stage_outputs(
            &mut set,
            &args.out_dir,
            &pair.job.stem,
            &formats,
            alignment,
            units,
            &tmx,
        )?);
        if html {
            let path = tmalign::review::page_path(&args.out_dir, &pair.job.stem);
            let doc = tmalign::review::doc_for_alignment(
                &pair.job.stem,
                units,
                (src, tgt),
                &tmx,
                qa.as_ref().map(|q| &q.1),
            )?;
            let page = tmalign::review::ReviewPage::single(doc, qa.as_ref().map(|q| q.0.as_str()));
            set.add(&path, tmalign::review::render(&page).as_bytes())?;
            written.push(path);
        }
        bar.inc(1);
        let tus = units.iter().filter(|u| u.is_translation()).count();
        let list: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        lines.push(format!(
            "{}: {} beads, {} translation units -> {}",
            pair.job.stem,
            alignment.beads.len(),
            tus,
            list.join(", ")
        ));
    }
    set.commit()?;
    bar.finish_and_clear();
    outputs.end();
    crate::cli::out::outln!("seed glossary {src_lang}-{tgt_lang}: {seed_said}")?;
    for line in lines {
        crate::cli::out::outln!("{line}")?;
    }
    crate::cli::out::timings_print(total);
    // The process exits when this returns, and every output is committed: the segments,
    // beads and rows (on a long document, tens of thousands of small allocations, about 1 %
    // of a 10,000-segment alignment's time to free one by one) are left for the system to
    // reclaim at exit instead of freed. A common technique for a command line tool's last
    // step; only this binary's own path does it, the library frees everything it allocates.
    std::mem::forget((inputs, docs, alignments, built, loaded));
    Ok(())
}

/// The pairs to align: the two positional files, or a batch directory / manifest.
fn collect_jobs(args: &Args) -> Result<Vec<PairJob>> {
    let Some(batch) = &args.batch else {
        let (Some(src), Some(tgt)) = (&args.src, &args.tgt) else {
            return Err(Error::Usage("give SRC and TGT, or --batch".into()));
        };
        return Ok(vec![PairJob {
            stem: output_stem(src),
            src: src.clone(),
            tgt: tgt.clone(),
        }]);
    };
    batch_jobs(batch, args.allow_outside, &args.learn)
}

/// The pairs of a batch directory or manifest file.
pub(crate) fn batch_jobs(
    batch: &Path,
    allow_outside: bool,
    opts: &LearnOpts,
) -> Result<Vec<PairJob>> {
    let jobs: Vec<PairJob> = if batch.is_dir() {
        let src = opts.src_lang.unwrap_or(Lang::Zh);
        let tgt = match opts.tgt_lang {
            Some(t) => t,
            None => guess_target(batch, src)?,
        };
        let pairing = pair_directory(batch, src, tgt)?;
        for p in &pairing.unpaired {
            crate::cli::out::ewriteln!(
                "tmalign: warning: {}: no partner file, skipped",
                p.display()
            );
        }
        pairing
            .pairs
            .into_iter()
            .map(|(stem, src, tgt)| PairJob { stem, src, tgt })
            .collect()
    } else if batch.is_file() {
        read_manifest_with(batch, allow_outside)?
            .into_iter()
            .map(|(stem, src, tgt)| PairJob { stem, src, tgt })
            .collect()
    } else {
        return Err(Error::bad_input(
            batch,
            "no such directory or manifest file",
        ));
    };
    if jobs.is_empty() {
        return Err(Error::bad_input(batch, "no document pairs found"));
    }
    Ok(jobs)
}

/// For a batch directory without `--tgt-lang`: the commonest other language among the file
/// names' language suffixes.
fn guess_target(dir: &Path, src: Lang) -> Result<Lang> {
    let mut counts = [0usize; 3];
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries.flatten() {
        if let Some(l) = tmalign::tm::naming::name_lang(&entry.path()) {
            if l != src {
                counts[Lang::ALL.iter().position(|x| *x == l).unwrap_or(0)] += 1;
            }
        }
    }
    let best = (0..3)
        .filter(|&i| counts[i] > 0)
        .max_by_key(|&i| (counts[i], 3 - i));
    best.map(|i| Lang::ALL[i]).ok_or_else(|| {
        Error::bad_input(
            dir,
            format!("no files named NAME.<lang>[.txt] in a language other than {src}"),
        )
    })
}

/// All pairs of a run share one aligner configuration, hence one language pair.
fn common_languages(loaded: &[LoadedPair]) -> Result<(Lang, Lang)> {
    let first = loaded
        .first()
        .ok_or_else(|| Error::Internal("no pairs".into()))?;
    let langs = (first.src_lang, first.tgt_lang);
    for p in loaded {
        if (p.src_lang, p.tgt_lang) != langs {
            return Err(Error::bad_input(
                &p.job.src,
                format!(
                    "pair is {}-{} but the batch is {}-{}; use --src-lang/--tgt-lang or split the batch",
                    p.src_lang, p.tgt_lang, langs.0, langs.1
                ),
            ));
        }
    }
    Ok(langs)
}

/// No two pairs may write the same file, and no output may overwrite an input.
/// `<stem>.<src>.seg` and `<stem>.<tgt>.seg` in `dir`.
fn seg_paths(dir: &Path, stem: &str, (src, tgt): (Lang, Lang)) -> [PathBuf; 2] {
    [src, tgt].map(|l| dir.join(format!("{stem}.{}.seg", l.code())))
}

fn check_outputs(
    dir: &Path,
    formats: &[OutputFormat],
    seg_langs: Option<(Lang, Lang)>,
    html: bool,
    loaded: &[LoadedPair],
    split: bool,
) -> Result<()> {
    let inputs: Vec<PathBuf> = loaded
        .iter()
        .flat_map(|p| [p.job.src.clone(), p.job.tgt.clone()])
        .collect();
    // the inputs are looked up once, not once per output (a batch has thousands of each)
    let guard = tmalign::output::InputGuard::new(&inputs)?;
    let mut seen = std::collections::HashSet::new();
    for p in loaded {
        if !seen.insert(p.job.stem.clone()) {
            return Err(Error::bad_input(
                &p.job.src,
                format!(
                    "another pair also writes {}.*; rename one of them",
                    dir.join(&p.job.stem).display()
                ),
            ));
        }
        for (_, out) in output_paths(dir, &p.job.stem, formats) {
            guard.check(&out)?;
        }
        if split && formats.contains(&OutputFormat::Tmx) {
            guard.check(&low_tmx_path(dir, &p.job.stem))?;
        }
        let page = html.then(|| tmalign::review::page_path(dir, &p.job.stem));
        for out in seg_langs
            .map(|l| seg_paths(dir, &p.job.stem, l))
            .into_iter()
            .flatten()
            .chain(page)
        {
            guard.check(&out)?;
        }
    }
    Ok(())
}

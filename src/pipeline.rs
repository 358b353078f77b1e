//! The main job (`tmalign run`): ingest → split → segment → align → write.
//!
//! Inputs are files or folders. Files are grouped into *jobs*:
//! - a **pair**: `NAME.zh.EXT` next to `NAME.ru.EXT` (or `NAME.en.EXT`), the same statement in
//!   two languages;
//! - a **bilingual document**: a file without a language suffix whose text carries two
//!   languages (a bulletin with Chinese and Russian paragraphs); it is split by language first.
//!
//! Files that fit neither (a lone `NAME.zh.txt`, a monolingual document) are reported as
//! unpaired and skipped; they are not an error unless nothing is left to align.

use crate::align::scorer::{self, ScorerMode};
use crate::align::{align_batch_segments_with, AlignConfig, Alignment, Segment};
use crate::ingest::{self, IngestOptions};
use crate::lang::LanguageSplitter;
use crate::segment::{segment_paragraphs, segmenter_for};
use crate::tm::naming::split_name;
use crate::tm::{self, tmx::TmxOptions, BuildOptions, OutputFormat};
use crate::{Error, Lang, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// File extensions the main job picks up when given a folder.
pub const INPUT_EXTENSIONS: &[&str] = &[
    "txt", "md", "markdown", "html", "htm", "xhtml", "docx", "odt", "pdf",
];

/// A unit of work for the main job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// The same text in two files, one per language.
    Pair {
        /// Output name (file name without language and format suffixes).
        stem: String,
        /// The source-language file and its language.
        src: (PathBuf, Lang),
        /// The target-language file and its language.
        tgt: (PathBuf, Lang),
    },
    /// One file carrying two languages.
    Bilingual {
        /// Output name.
        stem: String,
        /// The file.
        path: PathBuf,
    },
}

impl Job {
    /// The output name of the job.
    pub fn stem(&self) -> &str {
        match self {
            Job::Pair { stem, .. } | Job::Bilingual { stem, .. } => stem,
        }
    }

    /// The input files of the job.
    pub fn inputs(&self) -> Vec<PathBuf> {
        match self {
            Job::Pair { src, tgt, .. } => vec![src.0.clone(), tgt.0.clone()],
            Job::Bilingual { path, .. } => vec![path.clone()],
        }
    }
}

/// Splits a path's file name into its stem and language suffix (see [`crate::tm::naming`]).
fn stem_and_lang(path: &Path) -> (String, Option<Lang>) {
    split_name(
        &path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
    )
}

/// Collects the input files: files as given, folders walked (sorted, hidden entries skipped).
pub fn collect_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if meta.is_dir() {
            walk(input, &mut files)?;
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .map(|n| n.to_string_lossy().starts_with('.'))
                .unwrap_or(true)
        })
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .map(|e| INPUT_EXTENSIONS.contains(&e.to_string_lossy().to_ascii_lowercase().as_str()))
            .unwrap_or(false)
            // README.md and the like document a folder; they are not inputs.
            && !path
                .file_stem()
                .map(|s| s.to_string_lossy().eq_ignore_ascii_case("readme"))
                .unwrap_or(false)
            // nor is the review page of an earlier run (`<stem>.html`)
            && !crate::review::is_review_page(&path)
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Groups files into jobs. `src_lang` is the preferred source language of pairs (zh by default);
/// returns the jobs and the files that could not be paired.
pub fn plan_jobs(files: &[PathBuf], src_lang: Lang) -> (Vec<Job>, Vec<PathBuf>) {
    // (folder, stem) → language → file
    let mut by_stem: BTreeMap<(PathBuf, String), BTreeMap<Lang, PathBuf>> = BTreeMap::new();
    let mut jobs = Vec::new();
    let mut unpaired = Vec::new();
    for file in files {
        let (stem, lang) = stem_and_lang(file);
        let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
        match lang {
            Some(lang) => {
                let slot = by_stem.entry((folder, stem)).or_default();
                match slot.entry(lang) {
                    // a second `x.zh.md` beside `x.zh.txt`
                    std::collections::btree_map::Entry::Occupied(_) => unpaired.push(file.clone()),
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(file.clone());
                    }
                }
            }
            None => jobs.push(Job::Bilingual {
                stem,
                path: file.clone(),
            }),
        }
    }
    for ((_, stem), mut langs) in by_stem {
        let src = langs.remove_entry(&src_lang).or_else(|| langs.pop_first());
        let tgt = langs.pop_first();
        match (src, tgt) {
            (Some((sl, sp)), Some((tl, tp))) => {
                jobs.push(Job::Pair {
                    stem,
                    src: (sp, sl),
                    tgt: (tp, tl),
                });
                unpaired.extend(langs.into_values());
            }
            (Some((_, p)), None) => unpaired.push(p),
            _ => {}
        }
    }
    jobs.sort_by(|a, b| a.stem().cmp(b.stem()).then(a.inputs().cmp(&b.inputs())));
    (jobs, unpaired)
}

/// One side of a prepared job: sentences grouped in paragraphs.
#[derive(Debug, Clone)]
pub struct Side {
    /// Language of the side.
    pub lang: Lang,
    /// The file it came from.
    pub path: PathBuf,
    /// Sentences per paragraph.
    pub paragraphs: Vec<Vec<String>>,
    /// The streams of an office document (body, footnotes…) by paragraph; empty: all body.
    pub parts: Vec<ingest::office::Part>,
    /// The inline codes of an office document per paragraph ([`ingest::inline`]); empty when
    /// it has none (then `texts` is empty too).
    pub inline: Vec<Vec<ingest::inline::InlineCode>>,
    /// The plain text of each paragraph, where the codes' offsets count (kept only with
    /// `inline`).
    pub texts: Vec<String>,
}

impl Side {
    /// The sentences as alignment segments, with their paragraph indices.
    pub fn segments(&self) -> Vec<Segment> {
        Segment::from_paragraphs(&self.paragraphs)
    }

    /// Number of sentences.
    pub fn sentence_count(&self) -> usize {
        self.paragraphs.iter().map(Vec::len).sum()
    }

    /// Replaces the sentences with `segments` (the aligner's, after resegmentation), each in
    /// the paragraph its index names; the paragraph list keeps its length.
    pub fn set_segments(&mut self, segments: &[Segment]) {
        let n = self
            .paragraphs
            .len()
            .max(segments.iter().map(|s| s.paragraph + 1).max().unwrap_or(0));
        let mut paragraphs = vec![Vec::new(); n];
        for s in segments {
            paragraphs[s.paragraph].push(s.text.clone());
        }
        self.paragraphs = paragraphs;
    }
}

/// A job after ingest, language split and segmentation: two sides ready to align.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Output name.
    pub stem: String,
    /// Source side.
    pub src: Side,
    /// Target side.
    pub tgt: Side,
}

/// Ingests, splits and segments one job. `src_lang` is the preferred source language.
pub fn prepare(
    job: &Job,
    splitter: &LanguageSplitter,
    ingest_options: &IngestOptions,
    src_lang: Lang,
) -> Result<Prepared> {
    prepare_with_rules(job, splitter, ingest_options, src_lang, None)
}

/// [`prepare`] with the sentences cut by the SRX rules of `rules` (`--rules`) when given.
pub fn prepare_with_rules(
    job: &Job,
    splitter: &LanguageSplitter,
    ingest_options: &IngestOptions,
    src_lang: Lang,
    rules: Option<&Path>,
) -> Result<Prepared> {
    // (an SRX file need not have rules for every language, only for those of the job)
    let segment = |lang: Lang, paragraphs: &[String]| -> Result<Vec<Vec<String>>> {
        let _t = crate::timing::task("segment");
        let segmenter = match rules {
            Some(srx) => crate::segment::segmenter_from_srx(srx, lang)?,
            None => segmenter_for(lang),
        };
        Ok(segment_paragraphs(segmenter.as_ref(), paragraphs))
    };
    let ingest_file = |path: &Path| {
        let _t = crate::timing::task("ingest");
        ingest::ingest_file(path, ingest_options)
    };
    match job {
        Job::Pair { stem, src, tgt } => {
            let src_doc = ingest_file(&src.0)?;
            let tgt_doc = ingest_file(&tgt.0)?;
            Ok(Prepared {
                stem: stem.clone(),
                src: Side {
                    lang: src.1,
                    path: src.0.clone(),
                    paragraphs: segment(src.1, &src_doc.paragraphs)?,
                    parts: src_doc.parts.clone(),
                    texts: texts_for_codes(&src_doc),
                    inline: src_doc.inline,
                },
                tgt: Side {
                    lang: tgt.1,
                    path: tgt.0.clone(),
                    paragraphs: segment(tgt.1, &tgt_doc.paragraphs)?,
                    parts: tgt_doc.parts.clone(),
                    texts: texts_for_codes(&tgt_doc),
                    inline: tgt_doc.inline,
                },
            })
        }
        Job::Bilingual { stem, path } => {
            let doc = ingest_file(path)?;
            let t = crate::timing::task("lang");
            let mut streams = splitter.split(&doc.paragraphs).streams;
            t.end();
            // Largest streams first: stray words of a third language must not win a side.
            let mut langs: Vec<(Lang, usize)> = streams
                .iter()
                .map(|(l, ps)| (*l, ps.iter().map(|p| p.chars().count()).sum()))
                .collect();
            langs.sort_by_key(|l| std::cmp::Reverse(l.1));
            if langs.len() < 2 {
                let found = langs
                    .first()
                    .map(|(l, _)| format!("only {l} text found"))
                    .unwrap_or_else(|| "no text in any configured language".into());
                return Err(Error::bad_input(
                    path,
                    format!("not a bilingual document: {found}"),
                ));
            }
            let (mut a, mut b) = (langs[0].0, langs[1].0);
            if b == src_lang {
                std::mem::swap(&mut a, &mut b);
            }
            let (pa, pb) = (
                streams.remove(&a).unwrap_or_default(),
                streams.remove(&b).unwrap_or_default(),
            );
            Ok(Prepared {
                stem: stem.clone(),
                src: Side {
                    lang: a,
                    path: path.clone(),
                    paragraphs: segment(a, &pa)?,
                    parts: Vec::new(),
                    inline: Vec::new(),
                    texts: Vec::new(),
                },
                tgt: Side {
                    lang: b,
                    path: path.clone(),
                    paragraphs: segment(b, &pb)?,
                    parts: Vec::new(),
                    inline: Vec::new(),
                    texts: Vec::new(),
                },
            })
        }
    }
}

/// The paragraphs of `doc` when it has inline codes (their offsets count in them), else none.
fn texts_for_codes(doc: &ingest::Document) -> Vec<String> {
    if doc.inline.is_empty() {
        Vec::new()
    } else {
        doc.paragraphs.clone()
    }
}

/// Settings of the main job.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Files or folders to process.
    pub inputs: Vec<PathBuf>,
    /// Where outputs go (created if missing).
    pub out_dir: PathBuf,
    /// Languages the splitter knows.
    pub languages: Vec<Lang>,
    /// Preferred source language of each pair.
    pub src_lang: Lang,
    /// How to read the inputs.
    pub ingest: IngestOptions,
    /// Use the seed glossary as alignment anchors.
    pub use_seed: bool,
    /// Bead scorer (`--scorer`).
    pub scorer: ScorerMode,
    /// Output formats (`--formats`; default TMX, review CSV, beads). The `.seg` files are
    /// written with the beads, whose indices are their line numbers.
    pub formats: Vec<OutputFormat>,
    /// Seed glossary file (`--seed`) instead of the built-in one.
    pub seed: Option<PathBuf>,
    /// Largest number of segments on one side of a bead (`--max-bead`; default the aligner's).
    pub max_bead: Option<usize>,
    /// Language tags of the TMX (`--locales`).
    pub locales: crate::tm::tmx::Locales,
    /// SRX rules for the segmentation (`--rules`) instead of the built-in ones.
    pub rules: Option<PathBuf>,
    /// `creationid` of the units (`--user`).
    pub user: String,
    /// Units below this confidence go to `<stem>.low.tmx` (`--min-confidence`).
    pub min_confidence: Option<f64>,
    /// Name of the combined TMX over all jobs (`DIR/<name>.tmx`, written when there are two
    /// or more jobs); `None`: not written.
    pub project: Option<String>,
    /// Show progress bars on standard error (the CLI sets it when that is a terminal).
    pub progress: bool,
    /// Write the review page `<stem>.html` of each job ([`crate::review`]).
    pub review_page: bool,
}

impl RunOptions {
    /// The defaults of `tmalign run` for `inputs` and `out_dir`.
    pub fn new(inputs: Vec<PathBuf>, out_dir: PathBuf) -> Self {
        RunOptions {
            inputs,
            out_dir,
            languages: Lang::ALL.to_vec(),
            src_lang: Lang::Zh,
            ingest: IngestOptions::default(),
            use_seed: true,
            scorer: ScorerMode::Auto,
            formats: OutputFormat::ALL.to_vec(),
            seed: None,
            max_bead: None,
            locales: Default::default(),
            rules: None,
            user: crate::tm::ops::review::default_user(),
            min_confidence: None,
            project: Some("project".into()),
            progress: false,
            review_page: true,
        }
    }
}

/// What one job produced.
#[derive(Debug, Clone)]
pub struct JobReport {
    /// Output name.
    pub stem: String,
    /// Source language and sentence count.
    pub src: (Lang, usize),
    /// Target language and sentence count.
    pub tgt: (Lang, usize),
    /// Number of beads by kind (`1-1`, `1-2`, …).
    pub bead_kinds: BTreeMap<String, usize>,
    /// Mean confidence of the non-null beads.
    pub mean_confidence: f64,
}

impl std::fmt::Display for JobReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kinds: Vec<String> = self
            .bead_kinds
            .iter()
            .map(|(k, n)| format!("{k}:{n}"))
            .collect();
        write!(
            f,
            "{}: {} {} sentences, {} {} sentences → beads {} (mean confidence {:.3})",
            self.stem,
            self.src.1,
            self.src.0,
            self.tgt.1,
            self.tgt.0,
            kinds.join(" "),
            self.mean_confidence
        )
    }
}

/// What the main job did.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// One entry per aligned job.
    pub jobs: Vec<JobReport>,
    /// Files that were skipped (no partner, not bilingual).
    pub unpaired: Vec<PathBuf>,
    /// Files written.
    pub written: Vec<PathBuf>,
    /// The seed glossary of each language pair aligned, as said to the user
    /// (`zh-ru: built-in glossary/zh-ru.tsv (538 term pairs)`).
    pub seeds: Vec<String>,
    /// Why each file of [`RunReport::unpaired`] was skipped, in the same order.
    pub unpaired_why: Vec<String>,
    /// Monolingual files paired by their content (names that say no language), as said to
    /// the user: `A + B (…)`.
    pub paired_by_content: Vec<String>,
}

/// A monolingual document that found no partner by name: its language and text.
struct Lone {
    path: PathBuf,
    lang: Lang,
    paragraphs: Vec<String>,
}

/// The numbers of a document (Arabic, month names, Roman numerals), as a sorted multiset.
fn number_bag(paragraphs: &[String]) -> Vec<String> {
    let mut bag: Vec<String> = paragraphs
        .iter()
        .flat_map(|p| {
            tm::numbers::numbers(p)
                .into_iter()
                .chain(tm::numbers::word_numbers(p))
        })
        .map(|n| tm::numbers::significant_digits(&n))
        .collect();
    bag.sort();
    bag
}

/// How alike two documents in different languages are, 0–1: the overlap (Dice) of their
/// number multisets, times how plausible their length ratio is against `ratio`, the typical
/// target/source ratio of visible characters (0 when more than three times off).
fn content_match(a: &[String], b: &[String], a_len: usize, b_len: usize, ratio: f64) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    if a.is_empty() || b.is_empty() || a_len == 0 || b_len == 0 {
        return 0.0;
    }
    let dice = 2.0 * common as f64 / (a.len() + b.len()) as f64;
    let off = ((b_len as f64 / a_len as f64) / ratio).ln().abs();
    let length = (1.0 - off / 3f64.ln()).max(0.0);
    dice * length
}

/// Pairs monolingual documents across languages by content where the match is clear: the
/// two are each other's best, share numbers (score at least 0.5, see [`content_match`]) and
/// every rival scores under two thirds of it. Returns the pairs (source first, `src_lang`
/// preferred as the source) with their scores, and the documents left.
fn pair_by_content(lone: Vec<Lone>, src_lang: Lang) -> (Vec<(Lone, Lone, f64)>, Vec<Lone>) {
    let bags: Vec<Vec<String>> = lone.iter().map(|d| number_bag(&d.paragraphs)).collect();
    let lens: Vec<usize> = lone
        .iter()
        .map(|d| {
            d.paragraphs
                .iter()
                .map(|p| crate::tm::unit::visible_len(p))
                .sum()
        })
        .collect();
    // visible-character ratios of a translation into the other language, roughly: Russian
    // and English run about three times as long as Chinese
    let weight = |l: Lang| if l == Lang::Zh { 1.0 } else { 3.0 };
    let n = lone.len();
    let score = |i: usize, j: usize| {
        if lone[i].lang == lone[j].lang {
            return 0.0;
        }
        let ratio = weight(lone[j].lang) / weight(lone[i].lang);
        content_match(&bags[i], &bags[j], lens[i], lens[j], ratio)
    };
    let best_of = |i: usize| {
        (0..n)
            .filter(|&j| j != i)
            .map(|j| (score(i, j), j))
            .fold((0.0, usize::MAX), |a, b| if b.0 > a.0 { b } else { a })
    };
    let second_of = |i: usize, best: usize| {
        (0..n)
            .filter(|&j| j != i && j != best)
            .map(|j| score(i, j))
            .fold(0.0, f64::max)
    };
    let mut taken = vec![false; n];
    let mut pairs = Vec::new();
    for i in 0..n {
        let (s, j) = best_of(i);
        if taken[i] || j == usize::MAX || taken[j] || j < i || s < 0.5 {
            continue;
        }
        if best_of(j).1 != i || second_of(i, j) * 1.5 > s || second_of(j, i) * 1.5 > s {
            continue;
        }
        taken[i] = true;
        taken[j] = true;
        pairs.push((i, j, s));
    }
    let mut slots: Vec<Option<Lone>> = lone.into_iter().map(Some).collect();
    let mut out = Vec::new();
    for (i, j, s) in pairs {
        let (Some(a), Some(b)) = (slots[i].take(), slots[j].take()) else {
            continue;
        };
        let (a, b) = if b.lang == src_lang { (b, a) } else { (a, b) };
        out.push((a, b, s));
    }
    (out, slots.into_iter().flatten().collect())
}

/// A progress bar on standard error when `visible`, else a hidden one: a spinner when `len`
/// is 0.
pub fn progress_bar(visible: bool, len: usize, what: &'static str) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressStyle};
    if !visible {
        return ProgressBar::hidden();
    }
    if len == 0 {
        let s = ProgressBar::new_spinner().with_message(what);
        s.enable_steady_tick(std::time::Duration::from_millis(120));
        return s;
    }
    let style = ProgressStyle::with_template("{msg:>9} [{bar:30}] {pos}/{len} {prefix}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::new(len as u64)
        .with_style(style)
        .with_message(what)
}

/// Runs the main job: plans jobs from the inputs, prepares all of them (so that bad input
/// fails before anything is written), aligns them as one batch, writes the outputs.
pub fn run(options: &RunOptions) -> Result<RunReport> {
    // A missing or unusable model is refused before any work when semantic was asked for.
    let t = crate::timing::stage("scorer");
    let selected = scorer::select(options.scorer)?;
    t.end();
    let t = crate::timing::stage("prepare");
    let files = collect_inputs(&options.inputs)?;
    // the review pages' glossary loads while the documents are read and aligned
    let qa = options
        .review_page
        .then(crate::review::PendingGlossary::start);
    let (jobs, mut unpaired) = plan_jobs(&files, options.src_lang);
    let splitter = LanguageSplitter::new(&options.languages);
    let mut prepared = Vec::with_capacity(jobs.len());
    let bar = progress_bar(options.progress, jobs.len(), "reading");
    // why each skipped file was skipped; a file with a language suffix had no partner
    let mut why: Vec<String> = unpaired
        .iter()
        .map(|f| match stem_and_lang(f).1 {
            Some(l) => format!("named as {l} but no file of the same name in another language"),
            None => "no partner".into(),
        })
        .collect();
    let mut lone: Vec<Lone> = Vec::new();
    let mut jobs = jobs;
    // Jobs are prepared in parallel; their results (and the first error) are taken in job
    // order, as a sequential loop would (each job's warnings too).
    let results: Vec<(Result<Prepared>, Vec<String>)> = jobs
        .par_iter()
        .map(|job| {
            let result = crate::warning::capture(|| {
                prepare_with_rules(
                    job,
                    &splitter,
                    &options.ingest,
                    options.src_lang,
                    options.rules.as_deref(),
                )
            });
            bar.inc(1);
            result
        })
        .collect();
    t.end();
    for (job, (result, warnings)) in jobs.iter().zip(results) {
        crate::warning::emit_all(&warnings);
        match result {
            Ok(p) => prepared.push(p),
            // A monolingual document among the inputs is not a job, but is not fatal either:
            // it may pair with another by content below.
            Err(Error::BadInput { message, .. })
                if matches!(job, Job::Bilingual { .. })
                    && message.starts_with("not a bilingual document: only") =>
            {
                if let Job::Bilingual { path, .. } = job {
                    let doc = ingest::ingest_file(path, &options.ingest)?;
                    match splitter.dominant(&doc.paragraphs) {
                        Some(lang) => lone.push(Lone {
                            path: path.clone(),
                            lang,
                            paragraphs: doc.paragraphs,
                        }),
                        None => {
                            unpaired.push(path.clone());
                            why.push("no text in a configured language".into());
                        }
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    bar.finish_and_clear();
    let (by_content, left) = pair_by_content(lone, options.src_lang);
    let mut paired_by_content = Vec::new();
    for (a, b, score) in by_content {
        let job = Job::Pair {
            stem: stem_and_lang(&a.path).0,
            src: (a.path.clone(), a.lang),
            tgt: (b.path.clone(), b.lang),
        };
        prepared.push(prepare_with_rules(
            &job,
            &splitter,
            &options.ingest,
            options.src_lang,
            options.rules.as_deref(),
        )?);
        paired_by_content.push(format!(
            "{} ({}) + {} ({}): they share their numbers (match {score:.2})",
            a.path.display(),
            a.lang,
            b.path.display(),
            b.lang
        ));
        jobs.retain(
            |j| !matches!(j, Job::Bilingual { path, .. } if *path == a.path || *path == b.path),
        );
        jobs.push(job);
    }
    for d in left {
        why.push(format!(
            "only {} text, and no file of the same name in another language nor one clearly \
             like it in content",
            d.lang
        ));
        unpaired.push(d.path);
    }
    if prepared.is_empty() {
        let what = options
            .inputs
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        let list: Vec<String> = unpaired
            .iter()
            .zip(&why)
            .map(|(f, w)| format!("{}: {w}", f.display()))
            .collect();
        return Err(Error::bad_input(
            what,
            format!(
                "nothing to align: no document pairs (NAME.zh.txt + NAME.ru.txt) or bilingual \
                 documents found{}{}; to align two files whatever their names: tmalign align A B",
                if list.is_empty() { "" } else { ": " },
                list.join("; ")
            ),
        ));
    }
    let inputs: Vec<PathBuf> = jobs.iter().flat_map(Job::inputs).collect();
    // Pairs of different language combinations are aligned in separate batches, so the
    // lexicon learnt over a batch is always for one language pair.
    let mut groups: BTreeMap<(Lang, Lang), Vec<usize>> = BTreeMap::new();
    for (i, p) in prepared.iter().enumerate() {
        groups.entry((p.src.lang, p.tgt.lang)).or_default().push(i);
    }
    // Every check before the first write: no two jobs may write the same files, and no
    // output may overwrite an input.
    check_outputs(&prepared, &groups, options, &inputs)?;
    let mut report = RunReport {
        unpaired,
        unpaired_why: why,
        paired_by_content,
        ..RunReport::default()
    };
    let mut alignments: Vec<Option<Alignment>> = vec![None; prepared.len()];
    let with_bar = selected
        .embedder
        .as_deref()
        .map(|inner| scorer::WithProgress {
            inner,
            bar: scorer::embedding_bar(),
        });
    let embedder = with_bar
        .as_ref()
        .map(|e| e as &dyn crate::align::semantic::SentenceEmbedder);
    let mut seeds: BTreeMap<(Lang, Lang), Option<String>> = BTreeMap::new();
    for ((sl, tl), members) in &groups {
        let mut config = AlignConfig::new(*sl, *tl);
        // Our own segmentation misses unpunctuated boundaries (headlines); the aligner may
        // split a sentence where the other language has two.
        config.resegment = true;
        if embedder.is_some() {
            config = config.semantic();
        }
        config.max_bead_side = options.max_bead.unwrap_or(config.max_bead_side);
        let seed = if options.use_seed {
            let _t = crate::timing::stage("seed");
            tm::seed::choose_seed(options.seed.as_deref(), *sl, *tl)?
        } else {
            None
        };
        let said = tm::seed::describe_seed(seed.as_ref(), options.use_seed);
        report.seeds.push(format!("{sl}-{tl}: {said}"));
        seeds.insert((*sl, *tl), seed.as_ref().map(|s| s.describe()));
        if let Some(seed) = seed {
            config.seed_terms = seed.terms;
        }
        let docs: Vec<(Vec<Segment>, Vec<Segment>)> = members
            .iter()
            .map(|&i| (prepared[i].src.segments(), prepared[i].tgt.segments()))
            .collect();
        let spinner = progress_bar(options.progress && with_bar.is_none(), 0, "aligning");
        let t = crate::timing::stage("align");
        let aligned = align_batch_segments_with(&docs, &config, embedder);
        t.end();
        spinner.finish_and_clear();
        for (&i, a) in members.iter().zip(aligned?) {
            prepared[i].src.set_segments(&a.src);
            prepared[i].tgt.set_segments(&a.tgt);
            alignments[i] = Some(a.alignment);
        }
    }
    if let Some(b) = &with_bar {
        b.bar.finish_and_clear();
    }
    // All outputs are staged under temporary names and put in place together at the end, so
    // a failure (or a kill) never leaves a new `.seg` beside an old `.tmx`.
    let _t = crate::timing::stage("outputs");
    let mut set = crate::output::OutputSet::new();
    let qa = match qa {
        Some(pending) => pending.wait()?,
        None => None,
    };
    let date = tm::tmx::creation_date();
    let mut staged: Vec<(Vec<tm::AlignedPair>, TmxOptions)> = Vec::with_capacity(prepared.len());
    for (p, alignment) in prepared.iter().zip(alignments) {
        let alignment = alignment.unwrap_or_default();
        let seed = seeds.get(&(p.src.lang, p.tgt.lang)).cloned().flatten();
        staged.push(stage_outputs(
            &mut set,
            p,
            &alignment,
            options,
            &selected,
            date,
            seed,
            qa.as_ref(),
        )?);
        report.jobs.push(job_report(p, &alignment));
    }
    if options.formats.contains(&OutputFormat::Tmx) {
        for (langs, members) in &groups {
            if let Some(path) = project_path(options, &groups, *langs) {
                let parts: Vec<&(Vec<tm::AlignedPair>, TmxOptions)> =
                    members.iter().map(|&i| &staged[i]).collect();
                stage_project(&mut set, &path, &parts, options)?;
            }
        }
    }
    report.written = set.commit()?;
    Ok(report)
}

/// The combined TMX of the jobs in `langs`: `DIR/<project>.tmx`, or
/// `DIR/<project>.<src>-<tgt>.tmx` when the run aligned several language pairs; `None` when
/// not asked for or the run has fewer than two jobs.
fn project_path(
    options: &RunOptions,
    groups: &BTreeMap<(Lang, Lang), Vec<usize>>,
    (sl, tl): (Lang, Lang),
) -> Option<PathBuf> {
    let name = options.project.as_deref()?;
    let jobs: usize = groups.values().map(Vec::len).sum();
    if jobs < 2 || groups.get(&(sl, tl)).is_none_or(Vec::is_empty) {
        return None;
    }
    Some(if groups.len() == 1 {
        options.out_dir.join(format!("{name}.tmx"))
    } else {
        options.out_dir.join(format!("{name}.{sl}-{tl}.tmx"))
    })
}

/// Stages the combined TMX of `parts` (each job's pairs and TMX options, in job order): every
/// unit as the job's TMX has it (its `x-document` names the job), `tuid`s renumbered 1, 2, 3…
/// over the file; split into `.low.tmx` like the jobs' TMX with `--min-confidence`.
fn stage_project(
    set: &mut crate::output::OutputSet,
    path: &Path,
    parts: &[&(Vec<tm::AlignedPair>, TmxOptions)],
    options: &RunOptions,
) -> Result<()> {
    let Some((_, first)) = parts.first() else {
        return Ok(());
    };
    let (mut high, mut low) = (Vec::new(), Vec::new());
    for (pairs, tmx_options) in parts {
        for pair in pairs.iter().filter(|p| p.is_translation()) {
            let record = tm::tmx::record_of(pair, tmx_options);
            match options.min_confidence {
                Some(min) if pair.bead.confidence < min => low.push(record),
                _ => high.push(record),
            }
        }
    }
    let mut write = |path: &Path, mut records: Vec<tm::tmx::TmxRecord>| {
        for (i, r) in records.iter_mut().enumerate() {
            r.tuid = (i + 1).to_string();
        }
        // the records of pairs: their texts may hold inline tags
        let options = TmxOptions {
            inline_tags: true,
            ..first.clone()
        };
        set.add_with(path, |w| {
            tm::tmx::write_tmx_records(w, &records, &options).map(|_| ())
        })
    };
    write(path, high)?;
    if options.min_confidence.is_some() {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        write(&tm::low_tmx_path(&options.out_dir, &stem), low)?;
    }
    Ok(())
}

/// The output paths of a prepared job: its two `.seg` files (with the beads), then one per
/// format (and the `.low.tmx` with `--min-confidence`).
fn job_outputs(p: &Prepared, options: &RunOptions) -> Vec<PathBuf> {
    let out_dir = &options.out_dir;
    let mut paths: Vec<PathBuf> = Vec::new();
    if options.formats.contains(&OutputFormat::Beads) {
        paths.extend(
            [&p.src, &p.tgt]
                .iter()
                .map(|side| out_dir.join(format!("{}.{}.seg", p.stem, side.lang.code()))),
        );
    }
    paths.extend(
        tm::output_paths(out_dir, &p.stem, &options.formats)
            .into_iter()
            .map(|(_, path)| path),
    );
    if options.min_confidence.is_some() && options.formats.contains(&OutputFormat::Tmx) {
        paths.push(tm::low_tmx_path(out_dir, &p.stem));
    }
    paths.extend(
        options
            .review_page
            .then(|| crate::review::page_path(out_dir, &p.stem)),
    );
    paths
}

/// Refuses two jobs that would write the same output (the combined TMX included), and any
/// output that is an input.
fn check_outputs(
    prepared: &[Prepared],
    groups: &BTreeMap<(Lang, Lang), Vec<usize>>,
    options: &RunOptions,
    inputs: &[PathBuf],
) -> Result<()> {
    let mut written: BTreeMap<PathBuf, &Path> = BTreeMap::new();
    // the inputs are looked up once, not once per output
    let guard = crate::output::InputGuard::new(inputs)?;
    for p in prepared {
        for path in job_outputs(p, options) {
            if let Some(first) = written.insert(path.clone(), &p.src.path) {
                return Err(Error::bad_input(
                    &p.src.path,
                    format!(
                        "{} also writes {}; rename one of the two",
                        first.display(),
                        path.display()
                    ),
                ));
            }
            guard.check(&path)?;
        }
    }
    if options.formats.contains(&OutputFormat::Tmx) {
        for langs in groups.keys() {
            let Some(path) = project_path(options, groups, *langs) else {
                continue;
            };
            let mut paths = vec![path.clone()];
            if options.min_confidence.is_some() {
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                paths.push(tm::low_tmx_path(&options.out_dir, &stem));
            }
            for path in paths {
                if let Some(first) = written.get(&path) {
                    return Err(Error::bad_input(
                        first,
                        format!(
                            "its output {} is also the combined project TMX; rename the file or \
                             give --project another name",
                            path.display()
                        ),
                    ));
                }
                guard.check(&path)?;
            }
        }
    }
    Ok(())
}

fn job_report(p: &Prepared, alignment: &Alignment) -> JobReport {
    let mut bead_kinds = BTreeMap::new();
    let (mut sum, mut n) = (0.0, 0usize);
    for bead in &alignment.beads {
        *bead_kinds.entry(bead.kind()).or_insert(0) += 1;
        if !bead.src.is_empty() && !bead.tgt.is_empty() {
            sum += bead.confidence;
            n += 1;
        }
    }
    JobReport {
        stem: p.stem.clone(),
        src: (p.src.lang, p.src.sentence_count()),
        tgt: (p.tgt.lang, p.tgt.sentence_count()),
        bead_kinds,
        mean_confidence: if n > 0 { sum / n as f64 } else { 0.0 },
    }
}

/// The file name of `path`, lossy.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Stages `<stem>.<lang>.seg` for both sides (one sentence a line: the line numbers are the
/// bead indices; with the beads) and the translation-memory outputs in `set`; returns the
/// job's pairs and TMX options (for the combined TMX).
#[allow(clippy::too_many_arguments)]
fn stage_outputs(
    set: &mut crate::output::OutputSet,
    p: &Prepared,
    alignment: &Alignment,
    options: &RunOptions,
    selected: &scorer::Selected,
    date: time::OffsetDateTime,
    seed: Option<String>,
    qa: Option<&(String, crate::glossary::qa::QaGlossary)>,
) -> Result<(Vec<tm::AlignedPair>, TmxOptions)> {
    if options.formats.contains(&OutputFormat::Beads) {
        for side in [&p.src, &p.tgt] {
            let path = options
                .out_dir
                .join(format!("{}.{}.seg", p.stem, side.lang.code()));
            set.add_lines(&path, side.paragraphs.iter().flatten().map(String::as_str))?;
        }
    }
    let (src, tgt) = (p.src.segments(), p.tgt.segments());
    let mut pairs = tm::build_pairs(
        alignment,
        &src,
        &tgt,
        &BuildOptions::new(p.src.lang, p.tgt.lang),
    )?;
    // inline tags of office documents, computed on the final sentences
    if !p.src.inline.is_empty() || !p.tgt.inline.is_empty() {
        let src_codes = tm::tags::segment_codes(&src, &p.src.texts, &p.src.inline);
        let tgt_codes = tm::tags::segment_codes(&tgt, &p.tgt.texts, &p.tgt.inline);
        tm::tags::attach(
            &mut pairs,
            (&src, &src_codes, p.src.lang),
            (&tgt, &tgt_codes, p.tgt.lang),
        );
    }
    let mut tmx_options = TmxOptions::new(p.src.lang, p.tgt.lang, file_name(&p.src.path));
    tmx_options.unit_props = crate::ingest::office::part_props(&p.src.parts, &src, &pairs);
    tmx_options.locales = options.locales.clone();
    tmx_options.creation_date = date;
    tmx_options.creation_id = Some(options.user.clone());
    tmx_options.target_file = file_name(&p.tgt.path);
    tmx_options.document = p.stem.clone();
    tmx_options.split_below = options.min_confidence;
    for (id, props) in tm::unit::paragraph_props(&pairs, &src, &tgt) {
        tmx_options.unit_props.entry(id).or_default().extend(props);
    }
    // Which scorer ran; none written means lexical (whose output stays as it was).
    if selected.embedder.is_some() {
        tmx_options
            .header_props
            .push(("x-tmalign-scorer".into(), selected.describe()));
    }
    if let Some(seed) = seed {
        tmx_options
            .header_props
            .push(("x-tmalign-seed".into(), seed));
    }
    tm::stage_outputs(
        set,
        &options.out_dir,
        &p.stem,
        &options.formats,
        alignment,
        &pairs,
        &tmx_options,
    )?;
    if options.review_page {
        let doc = crate::review::doc_for_alignment(
            &p.stem,
            &pairs,
            (&src, &tgt),
            &tmx_options,
            qa.map(|q| &q.1),
        )?;
        let page = crate::review::ReviewPage::single(doc, qa.map(|q| q.0.as_str()));
        set.add(
            &crate::review::page_path(&options.out_dir, &p.stem),
            crate::review::render(&page).as_bytes(),
        )?;
    }
    Ok((pairs, tmx_options))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_by_stem_and_reports_leftovers() {
        let files: Vec<PathBuf> = [
            "d/a.zh.txt",
            "d/a.ru.txt",
            "d/b.ru.md",
            "d/b.zh.md",
            "d/c.zh.txt",
            "d/mixed.txt",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let (jobs, unpaired) = plan_jobs(&files, Lang::Zh);
        assert_eq!(jobs.len(), 3);
        assert_eq!(
            jobs[0],
            Job::Pair {
                stem: "a".into(),
                src: ("d/a.zh.txt".into(), Lang::Zh),
                tgt: ("d/a.ru.txt".into(), Lang::Ru),
            }
        );
        assert!(matches!(&jobs[1], Job::Pair { stem, .. } if stem == "b"));
        assert!(matches!(&jobs[2], Job::Bilingual { stem, .. } if stem == "mixed"));
        assert_eq!(unpaired, vec![PathBuf::from("d/c.zh.txt")]);
    }

    #[test]
    fn source_language_preference_orders_the_pair() {
        let files: Vec<PathBuf> = ["x.ru", "x.zh"].iter().map(PathBuf::from).collect();
        let (jobs, _) = plan_jobs(&files, Lang::Ru);
        assert!(matches!(&jobs[0], Job::Pair { src, .. } if src.1 == Lang::Ru));
    }
}

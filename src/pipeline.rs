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
    let segment = |lang: Lang, paragraphs: &[String]| {
        segment_paragraphs(segmenter_for(lang).as_ref(), paragraphs)
    };
    match job {
        Job::Pair { stem, src, tgt } => {
            let src_doc = ingest::ingest_file(&src.0, ingest_options)?;
            let tgt_doc = ingest::ingest_file(&tgt.0, ingest_options)?;
            Ok(Prepared {
                stem: stem.clone(),
                src: Side {
                    lang: src.1,
                    path: src.0.clone(),
                    paragraphs: segment(src.1, &src_doc.paragraphs),
                    parts: src_doc.parts.clone(),
                },
                tgt: Side {
                    lang: tgt.1,
                    path: tgt.0.clone(),
                    paragraphs: segment(tgt.1, &tgt_doc.paragraphs),
                    parts: tgt_doc.parts.clone(),
                },
            })
        }
        Job::Bilingual { stem, path } => {
            let doc = ingest::ingest_file(path, ingest_options)?;
            let mut streams = splitter.split(&doc.paragraphs).streams;
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
                    paragraphs: segment(a, &pa),
                    parts: Vec::new(),
                },
                tgt: Side {
                    lang: b,
                    path: path.clone(),
                    paragraphs: segment(b, &pb),
                    parts: Vec::new(),
                },
            })
        }
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
    /// Write the review page `<stem>.html` of each job ([`crate::review`]).
    pub review_page: bool,
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
}

/// Runs the main job: plans jobs from the inputs, prepares all of them (so that bad input
/// fails before anything is written), aligns them as one batch, writes the outputs.
pub fn run(options: &RunOptions) -> Result<RunReport> {
    // A missing or unusable model is refused before any work when semantic was asked for.
    let selected = scorer::select(options.scorer)?;
    let files = collect_inputs(&options.inputs)?;
    let (jobs, mut unpaired) = plan_jobs(&files, options.src_lang);
    let splitter = LanguageSplitter::new(&options.languages);
    let mut prepared = Vec::with_capacity(jobs.len());
    for job in &jobs {
        match prepare(job, &splitter, &options.ingest, options.src_lang) {
            Ok(p) => prepared.push(p),
            // A monolingual document among the inputs is not a job, but is not fatal either.
            Err(Error::BadInput { message, .. })
                if matches!(job, Job::Bilingual { .. })
                    && message.starts_with("not a bilingual document: only") =>
            {
                unpaired.extend(job.inputs())
            }
            Err(e) => return Err(e),
        }
    }
    if prepared.is_empty() {
        let what = options
            .inputs
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        return Err(Error::bad_input(
            what,
            "nothing to align: no document pairs (NAME.zh.txt + NAME.ru.txt) or bilingual documents found",
        ));
    }
    let inputs: Vec<PathBuf> = jobs.iter().flat_map(Job::inputs).collect();
    // Every check before the first write: no two jobs may write the same files, and no
    // output may overwrite an input.
    check_outputs(&prepared, &options.out_dir, &inputs, options.review_page)?;
    let mut report = RunReport {
        unpaired,
        ..RunReport::default()
    };
    // Pairs of different language combinations are aligned in separate batches, so the
    // lexicon learnt over a batch is always for one language pair.
    let mut groups: BTreeMap<(Lang, Lang), Vec<usize>> = BTreeMap::new();
    for (i, p) in prepared.iter().enumerate() {
        groups.entry((p.src.lang, p.tgt.lang)).or_default().push(i);
    }
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
    for ((sl, tl), members) in &groups {
        let mut config = AlignConfig::new(*sl, *tl);
        // Our own segmentation misses unpunctuated boundaries (headlines); the aligner may
        // split a sentence where the other language has two.
        config.resegment = true;
        if embedder.is_some() {
            config = config.semantic();
        }
        if options.use_seed {
            if let Some(path) = tm::seed::find_seed_glossary(*sl, *tl) {
                config.seed_terms = tm::seed::load_seed_terms(&path, *sl, *tl)?;
            }
        }
        let docs: Vec<(Vec<Segment>, Vec<Segment>)> = members
            .iter()
            .map(|&i| (prepared[i].src.segments(), prepared[i].tgt.segments()))
            .collect();
        let aligned = align_batch_segments_with(&docs, &config, embedder);
        for (&i, a) in members.iter().zip(aligned?) {
            prepared[i].src.set_segments(&a.src);
            prepared[i].tgt.set_segments(&a.tgt);
            alignments[i] = Some(a.alignment);
        }
    }
    // All outputs are staged under temporary names and put in place together at the end, so
    // a failure (or a kill) never leaves a new `.seg` beside an old `.tmx`.
    let mut set = crate::output::OutputSet::new();
    let qa = match options.review_page {
        true => crate::review::load_glossary(None)?,
        false => None,
    };
    for (p, alignment) in prepared.iter().zip(alignments) {
        let alignment = alignment.unwrap_or_default();
        stage_outputs(&mut set, p, &alignment, options, &selected, qa.as_ref())?;
        report.jobs.push(job_report(p, &alignment));
    }
    report.written = set.commit()?;
    Ok(report)
}

/// The output paths of a prepared job: its two `.seg` files, then one per format.
fn job_outputs(p: &Prepared, out_dir: &Path, review_page: bool) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = [&p.src, &p.tgt]
        .iter()
        .map(|side| out_dir.join(format!("{}.{}.seg", p.stem, side.lang.code())))
        .collect();
    paths.extend(
        tm::output_paths(out_dir, &p.stem, &OutputFormat::ALL)
            .into_iter()
            .map(|(_, path)| path),
    );
    paths.extend(review_page.then(|| crate::review::page_path(out_dir, &p.stem)));
    paths
}

/// Refuses two jobs that would write the same output stem, and any output that is an input.
fn check_outputs(
    prepared: &[Prepared],
    out_dir: &Path,
    inputs: &[PathBuf],
    review_page: bool,
) -> Result<()> {
    let mut stems: BTreeMap<&str, &Prepared> = BTreeMap::new();
    for p in prepared {
        if let Some(first) = stems.insert(&p.stem, p) {
            return Err(Error::bad_input(
                &p.src.path,
                format!(
                    "{} also writes {}.*; rename one of the two",
                    first.src.path.display(),
                    out_dir.join(&p.stem).display()
                ),
            ));
        }
        for path in job_outputs(p, out_dir, review_page) {
            crate::output::ensure_not_input(&path, inputs)?;
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

/// Stages `<stem>.<lang>.seg` for both sides (one sentence a line: the line numbers are the
/// bead indices) and the translation-memory outputs in `set`.
fn stage_outputs(
    set: &mut crate::output::OutputSet,
    p: &Prepared,
    alignment: &Alignment,
    options: &RunOptions,
    selected: &scorer::Selected,
    qa: Option<&(String, crate::glossary::qa::QaGlossary)>,
) -> Result<()> {
    for side in [&p.src, &p.tgt] {
        let path = options
            .out_dir
            .join(format!("{}.{}.seg", p.stem, side.lang.code()));
        set.add_lines(&path, side.paragraphs.iter().flatten().map(String::as_str))?;
    }
    let (src, tgt) = (p.src.segments(), p.tgt.segments());
    let pairs = tm::build_pairs(
        alignment,
        &src,
        &tgt,
        &BuildOptions::new(p.src.lang, p.tgt.lang),
    )?;
    let source_file = p
        .src
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut tmx_options = TmxOptions::new(p.src.lang, p.tgt.lang, source_file);
    tmx_options.unit_props = crate::ingest::office::part_props(&p.src.parts, &src, &pairs);
    for (id, props) in tm::unit::paragraph_props(&pairs, &src, &tgt) {
        tmx_options.unit_props.entry(id).or_default().extend(props);
    }
    // Which scorer ran; none written means lexical (whose output stays as it was).
    if selected.embedder.is_some() {
        tmx_options
            .header_props
            .push(("x-tmalign-scorer".into(), selected.describe()));
    }
    tm::stage_outputs(
        set,
        &options.out_dir,
        &p.stem,
        &OutputFormat::ALL,
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
    Ok(())
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

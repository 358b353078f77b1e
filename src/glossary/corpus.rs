//! Loading the extractor's input: TMX files (any tool's, through [`crate::tm::reader`]) and
//! document pairs (`NAME.zh.txt` + `NAME.ru.txt`, or bilingual documents), which are aligned
//! first with the library's pipeline.

use super::BiPair;
use crate::align::{align_batch, AlignConfig, Segment};
use crate::ingest::IngestOptions;
use crate::lang::LanguageSplitter;
use crate::pipeline::{plan_jobs, prepare};
use crate::tm::reader::TmxReader;
use crate::tm::unit::join_segments;
use crate::{Error, Lang, Result};
use std::borrow::Cow;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// Whether a path is a TMX file (by extension).
pub fn is_tmx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tmx"))
}

/// The zh–ru units of one TMX file (units lacking either language are skipped). Ids are the
/// `tuid`, or `FILE:LINE` when a unit has none; with several files the file name is prefixed
/// so ids stay unique.
pub fn read_tmx_pairs(path: &Path, prefix_file: bool) -> Result<Vec<BiPair>> {
    let mut out = Vec::new();
    for_each_tmx_pair(path, prefix_file, |p| {
        out.push(p);
        Ok(())
    })?;
    Ok(out)
}

/// [`read_tmx_pairs`] one pair at a time, as the TMX is read (bounded memory); stops at the
/// first error, of the file or of `each`. Like every read-only command, it first finishes an
/// interrupted commit in the file's folder, and refuses a TMX whose set could not be finished
/// ([`crate::output::before_reading`]).
pub fn for_each_tmx_pair(
    path: &Path,
    prefix_file: bool,
    mut each: impl FnMut(BiPair) -> Result<()>,
) -> Result<()> {
    for pair in TmxPairs::open(path, prefix_file)? {
        each(pair?)?;
    }
    Ok(())
}

/// The zh–ru units of one TMX file as an iterator, read as it goes (see [`read_tmx_pairs`]).
pub struct TmxPairs {
    reader: TmxReader<BufReader<std::fs::File>>,
    name: String,
    prefix_file: bool,
}

impl TmxPairs {
    /// Opens `path` (after [`crate::output::before_reading`]).
    pub fn open(path: &Path, prefix_file: bool) -> Result<Self> {
        crate::output::before_reading(path)?;
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let reader = TmxReader::new(path, BufReader::new(file))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(TmxPairs {
            reader,
            name,
            prefix_file,
        })
    }
}

impl Iterator for TmxPairs {
    type Item = Result<BiPair>;

    fn next(&mut self) -> Option<Result<BiPair>> {
        loop {
            let unit = match self.reader.next()? {
                Ok(u) => u,
                Err(e) => return Some(Err(e)),
            };
            let (Some(zh), Some(ru)) = (unit.variant(Lang::Zh), unit.variant(Lang::Ru)) else {
                continue;
            };
            if zh.text.trim().is_empty() || ru.text.trim().is_empty() {
                continue;
            }
            let id = match &unit.id {
                Some(id) if self.prefix_file => format!("{}#{id}", self.name),
                Some(id) => id.clone(),
                None => format!("{}:{}", self.name, unit.line),
            };
            return Some(Ok(BiPair {
                id,
                zh: zh.text.clone(),
                ru: ru.text.clone(),
            }));
        }
    }
}

/// The units the extractor reads ([`super::extract::extract_from`]), as many times as it
/// needs and in the same order every time. A corpus of TMX files is streamed from the files on
/// each pass ([`Corpus`]), so no pass holds every unit's text; a slice of units is its own
/// source.
pub trait UnitSource {
    /// A new pass over every unit. An error (of a file, or a file that changed between two
    /// passes) ends the pass.
    fn units(&self) -> Result<Box<dyn Iterator<Item = Result<Cow<'_, BiPair>>> + '_>>;
}

impl UnitSource for [BiPair] {
    fn units(&self) -> Result<Box<dyn Iterator<Item = Result<Cow<'_, BiPair>>> + '_>> {
        Ok(Box::new(self.iter().map(|p| Ok(Cow::Borrowed(p)))))
    }
}

impl UnitSource for Vec<BiPair> {
    fn units(&self) -> Result<Box<dyn Iterator<Item = Result<Cow<'_, BiPair>>> + '_>> {
        self.as_slice().units()
    }
}

/// What `tmalign glossary` extracts from: TMX files, read again on every pass, then the units
/// aligned from documents (held in memory: documents are aligned whole anyway).
#[derive(Debug, Default)]
pub struct Corpus {
    tmx: Vec<PathBuf>,
    prefix_file: bool,
    /// zh–ru units of each TMX file, counted when the corpus was opened: a pass that finds
    /// another number is refused (the file changed while it was being read).
    tmx_units: Vec<usize>,
    aligned: Vec<BiPair>,
}

impl Corpus {
    /// Number of units.
    pub fn len(&self) -> usize {
        self.tmx_units.iter().sum::<usize>() + self.aligned.len()
    }

    /// Whether there is no unit.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl UnitSource for Corpus {
    fn units(&self) -> Result<Box<dyn Iterator<Item = Result<Cow<'_, BiPair>>> + '_>> {
        let prefix = self.prefix_file;
        let tmx = self
            .tmx
            .iter()
            .zip(&self.tmx_units)
            .flat_map(move |(path, &expected)| {
                // opened when the pass reaches the file; a unit count that differs from the
                // first reading ends the pass with an error
                let mut seen = 0usize;
                let mut pairs = match TmxPairs::open(path, prefix) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        return Box::new(std::iter::once(Err(e))) as Box<dyn Iterator<Item = _>>
                    }
                };
                let mut done = false;
                Box::new(std::iter::from_fn(move || {
                    if done {
                        return None;
                    }
                    match pairs.as_mut().and_then(Iterator::next) {
                        Some(Ok(p)) => {
                            seen += 1;
                            Some(Ok(Cow::Owned(p)))
                        }
                        Some(Err(e)) => {
                            done = true;
                            Some(Err(e))
                        }
                        None => {
                            done = true;
                            pairs = None;
                            (seen != expected).then(|| {
                                Err(Error::bad_input(
                                    path,
                                    format!(
                                        "changed while it was being read ({expected} zh–ru units, \
                                         then {seen})"
                                    ),
                                ))
                            })
                        }
                    }
                }))
            });
        Ok(Box::new(
            tmx.chain(self.aligned.iter().map(|p| Ok(Cow::Borrowed(p)))),
        ))
    }
}

/// Aligns document pairs and bilingual documents into units (ids `STEM#N`). `seed` are the
/// aligner's anchor terms (none when the seed is disabled).
pub fn align_documents(files: &[PathBuf], seed: Vec<(String, String)>) -> Result<Vec<BiPair>> {
    let (jobs, _unpaired) = plan_jobs(files, Lang::Zh);
    let splitter = LanguageSplitter::new(&[Lang::Zh, Lang::Ru]);
    let ingest = IngestOptions::default();
    let mut prepared = Vec::new();
    for job in &jobs {
        let p = prepare(job, &splitter, &ingest, Lang::Zh)?;
        if p.src.lang == Lang::Zh && p.tgt.lang == Lang::Ru {
            prepared.push(p);
        }
    }
    let docs: Vec<(Vec<Segment>, Vec<Segment>)> = prepared
        .iter()
        .map(|p| (p.src.segments(), p.tgt.segments()))
        .collect();
    let mut config = AlignConfig::new(Lang::Zh, Lang::Ru);
    config.seed_terms = seed;
    let alignments = align_batch(&docs, &config);
    let mut out = Vec::new();
    for ((p, (src, tgt)), a) in prepared.iter().zip(&docs).zip(&alignments) {
        for (k, bead) in a.beads.iter().enumerate() {
            if bead.src.is_empty() || bead.tgt.is_empty() {
                continue;
            }
            let texts = |segs: &[Segment], r: &std::ops::Range<usize>| -> Vec<String> {
                segs.get(r.clone())
                    .map(|s| s.iter().map(|s| s.text.clone()).collect())
                    .unwrap_or_default()
            };
            out.push(BiPair {
                id: format!("{}#{}", p.stem, k + 1),
                zh: join_segments(Lang::Zh, &texts(src, &bead.src)),
                ru: join_segments(Lang::Ru, &texts(tgt, &bead.tgt)),
            });
        }
    }
    Ok(out)
}

/// Loads every input: TMX files directly, everything else (files or folders of documents)
/// aligned as one batch. An input list that yields no zh–ru unit is an error.
pub fn load_inputs(inputs: &[PathBuf], seed: Vec<(String, String)>) -> Result<Vec<BiPair>> {
    let corpus = open_inputs(inputs, seed)?;
    let mut out = Vec::with_capacity(corpus.len());
    for p in corpus.units()? {
        out.push(p?.into_owned());
    }
    Ok(out)
}

/// The inputs as a [`Corpus`] that streams its TMX files: each is read once here (to count
/// its units and find errors before the extraction starts), then once per pass of the
/// extractor; documents are aligned as one batch. An input list that yields no zh–ru unit is
/// an error.
pub fn open_inputs(inputs: &[PathBuf], seed: Vec<(String, String)>) -> Result<Corpus> {
    let mut tmx = Vec::new();
    let mut docs = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if meta.is_file() && is_tmx(input) {
            tmx.push(input.clone());
        } else {
            docs.push(input.clone());
        }
    }
    let prefix_file = tmx.len() > 1;
    let mut tmx_units = Vec::with_capacity(tmx.len());
    for path in &tmx {
        let mut n = 0usize;
        for_each_tmx_pair(path, prefix_file, |_| {
            n += 1;
            Ok(())
        })?;
        tmx_units.push(n);
    }
    let aligned = if docs.is_empty() {
        Vec::new()
    } else {
        let files = crate::pipeline::collect_inputs(&docs)?;
        align_documents(&files, seed)?
    };
    let corpus = Corpus {
        tmx,
        prefix_file,
        tmx_units,
        aligned,
    };
    if corpus.is_empty() {
        let what = inputs
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        return Err(Error::bad_input(
            what,
            "empty corpus: no translation unit with both Chinese and Russian text",
        ));
    }
    Ok(corpus)
}

/// A synthetic corpus of `n` units from two line-parallel lists, for benchmarks: unit `u` is
/// line `u mod m` alone on even passes over the lists and joined with line `(u + pass) mod m`
/// on odd ones, so that units vary and co-occurrence counts do not merely scale.
pub fn synthetic_units(zh: &[String], ru: &[String], n: usize) -> Vec<BiPair> {
    let m = zh.len().min(ru.len());
    if m == 0 {
        return Vec::new();
    }
    (0..n)
        .map(|u| {
            let (r, k) = (u / m, u % m);
            let (mut z, mut t) = (zh[k].clone(), ru[k].clone());
            if r % 2 == 1 {
                let j = (k + r) % m;
                z.push_str(&zh[j]);
                t.push(' ');
                t.push_str(&ru[j]);
            }
            BiPair {
                id: u.to_string(),
                zh: z,
                ru: t,
            }
        })
        .collect()
}

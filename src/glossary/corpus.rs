//! Loading the extractor's input: TMX files (any tool's, through [`crate::tm::reader`]) and
//! document pairs (`NAME.zh.txt` + `NAME.ru.txt` or `NAME.en.txt`, or bilingual documents),
//! which are aligned first with the library's pipeline.
//!
//! The target language is the input's: each TMX pairs Chinese with Russian or English (the
//! first unit that has Chinese and one of them decides; a TMX holding both in every unit is
//! read as zh–ru), documents by their detected languages. Inputs that mix targets, and a TMX
//! that pairs Chinese with another language only, are refused with one message.

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

/// The zh–ru or zh–en units of one TMX file (units lacking either language are skipped; see
/// [`TmxPairs`] for which target). Ids are the
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

/// The units of one TMX file as an iterator, read as it goes (see [`read_tmx_pairs`]): Chinese
/// with the target language of the first unit that has Chinese and Russian or English (Russian
/// when it has both); later units are read in that same pair.
pub struct TmxPairs {
    reader: TmxReader<BufReader<std::fs::File>>,
    name: String,
    prefix_file: bool,
    target: Option<(Lang, String, String)>,
    unsupported: std::collections::BTreeSet<String>,
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
            target: None,
            unsupported: Default::default(),
        })
    }

    /// The target language found so far, with the Chinese and target language tags as the TMX
    /// writes them (`zh-CN`, `en-GB`); `None` before the first unit or when there is none.
    pub fn target(&self) -> Option<(Lang, &str, &str)> {
        self.target
            .as_ref()
            .map(|(l, z, t)| (*l, z.as_str(), t.as_str()))
    }

    /// Language tags of units that pair Chinese with a language the glossary does not support
    /// only (no Russian or English variant).
    pub fn unsupported(&self) -> impl Iterator<Item = &str> {
        self.unsupported.iter().map(String::as_str)
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
            let Some(zh) = unit.variant(Lang::Zh) else {
                continue;
            };
            let target = match &self.target {
                Some((l, _, _)) => *l,
                None => match [Lang::Ru, Lang::En]
                    .into_iter()
                    .find(|&l| unit.variant(l).is_some_and(|v| !v.text.trim().is_empty()))
                {
                    Some(l) => l,
                    None => {
                        for v in &unit.variants {
                            if Lang::parse(&v.lang).is_none() && !v.text.trim().is_empty() {
                                self.unsupported.insert(v.lang.clone());
                            }
                        }
                        continue;
                    }
                },
            };
            let Some(ru) = unit.variant(target) else {
                continue;
            };
            if zh.text.trim().is_empty() || ru.text.trim().is_empty() {
                continue;
            }
            if self.target.is_none() {
                self.target = Some((target, zh.lang.clone(), ru.lang.clone()));
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

/// The target language of a TMX (see [`TmxPairs`]), read up to its first zh–ru or zh–en
/// unit; `None` when it has none.
pub fn tmx_target(path: &Path) -> Result<Option<Lang>> {
    let mut pairs = TmxPairs::open(path, false)?;
    match pairs.next() {
        Some(Err(e)) => Err(e),
        _ => Ok(pairs.target().map(|(l, _, _)| l)),
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
    /// Units of each TMX file, counted when the corpus was opened: a pass that finds
    /// another number is refused (the file changed while it was being read).
    tmx_units: Vec<usize>,
    aligned: Vec<BiPair>,
    target: Option<Lang>,
    tags: (String, String),
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

    /// The target language of the units (Russian for an empty corpus).
    pub fn target(&self) -> Lang {
        self.target.unwrap_or(Lang::Ru)
    }

    /// The Chinese and target language tags as the first TMX writes them (`zh-CN`,
    /// `en-US`), else the TMX writer's defaults for the two languages.
    pub fn language_tags(&self) -> (&str, &str) {
        (&self.tags.0, &self.tags.1)
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
                                        "changed while it was being read ({expected} units, then \
                                         {seen})"
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
    Ok(align_documents_in(files, seed)?.0)
}

/// [`align_documents`] with the target language found: zh–ru pairs when there are any, else
/// zh–en pairs (`None`: neither).
pub fn align_documents_in(
    files: &[PathBuf],
    seed: Vec<(String, String)>,
) -> Result<(Vec<BiPair>, Option<Lang>)> {
    let (jobs, _unpaired) = plan_jobs(files, Lang::Zh);
    let ingest = IngestOptions::default();
    let mut prepared = Vec::new();
    let mut target = None;
    for tgt in [Lang::Ru, Lang::En] {
        let splitter = LanguageSplitter::new(&[Lang::Zh, tgt]);
        for job in &jobs {
            let p = prepare(job, &splitter, &ingest, Lang::Zh)?;
            if p.src.lang == Lang::Zh && p.tgt.lang == tgt {
                prepared.push(p);
            }
        }
        if !prepared.is_empty() {
            target = Some(tgt);
            break;
        }
    }
    let Some(tgt) = target else {
        return Ok((Vec::new(), None));
    };
    let docs: Vec<(Vec<Segment>, Vec<Segment>)> = prepared
        .iter()
        .map(|p| (p.src.segments(), p.tgt.segments()))
        .collect();
    let mut config = AlignConfig::new(Lang::Zh, tgt);
    config.seed_terms = seed;
    let alignments = align_batch(&docs, &config);
    let mut out = Vec::new();
    let target_lang = tgt;
    for ((p, (src, tgt_segs)), a) in prepared.iter().zip(&docs).zip(&alignments) {
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
                ru: join_segments(target_lang, &texts(tgt_segs, &bead.tgt)),
            });
        }
    }
    Ok((out, Some(target_lang)))
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
    // (the input, its target language) of the first input of each target
    let mut targets: Vec<(PathBuf, Lang)> = Vec::new();
    let mut tags: Option<(String, String)> = None;
    let mut unsupported: Vec<(PathBuf, String)> = Vec::new();
    for path in &tmx {
        let mut n = 0usize;
        let mut pairs = TmxPairs::open(path, prefix_file)?;
        for p in pairs.by_ref() {
            p?;
            n += 1;
        }
        if let Some((l, z, t)) = pairs.target() {
            if !targets.iter().any(|(_, x)| *x == l) {
                targets.push((path.clone(), l));
            }
            tags.get_or_insert_with(|| (z.to_owned(), t.to_owned()));
        } else if let Some(tag) = pairs.unsupported().next() {
            unsupported.push((path.clone(), tag.to_owned()));
        }
        tmx_units.push(n);
    }
    let aligned = if docs.is_empty() {
        Vec::new()
    } else {
        let files = crate::pipeline::collect_inputs(&docs)?;
        let (units, lang) = align_documents_in(&files, seed)?;
        if let Some(l) = lang {
            if !targets.iter().any(|(_, x)| *x == l) {
                targets.push((docs[0].clone(), l));
            }
        }
        units
    };
    if let [(a, la), (b, lb), ..] = &targets[..] {
        return Err(Error::bad_input(
            b,
            format!(
                "pairs Chinese with {} while {} pairs it with {}: one glossary has one target \
                 language, extract each separately",
                language_name(*lb),
                a.display(),
                language_name(*la)
            ),
        ));
    }
    let target = targets.first().map(|(_, l)| *l);
    let tags = tags.unwrap_or_else(|| {
        let l = crate::tm::tmx::Locales::default();
        (
            l.get(Lang::Zh).to_owned(),
            l.get(target.unwrap_or(Lang::Ru)).to_owned(),
        )
    });
    let corpus = Corpus {
        tmx,
        prefix_file,
        tmx_units,
        aligned,
        target,
        tags,
    };
    if corpus.is_empty() {
        if let Some((path, tag)) = unsupported.first() {
            return Err(Error::bad_input(
                path,
                format!(
                    "pairs Chinese with {tag}: the glossary's target language must be Russian \
                     or English"
                ),
            ));
        }
        let what = inputs
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        return Err(Error::bad_input(
            what,
            "empty corpus: no translation unit with both Chinese and Russian or English text",
        ));
    }
    Ok(corpus)
}

/// The English name of a language, for messages.
fn language_name(l: Lang) -> &'static str {
    match l {
        Lang::Zh => "Chinese",
        Lang::Ru => "Russian",
        Lang::En => "English",
    }
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

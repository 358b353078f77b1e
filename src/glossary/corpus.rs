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
/// first error, of the file or of `each`.
pub fn for_each_tmx_pair(
    path: &Path,
    prefix_file: bool,
    mut each: impl FnMut(BiPair) -> Result<()>,
) -> Result<()> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let reader = TmxReader::new(path, BufReader::new(file))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for unit in reader {
        let unit = unit?;
        let (Some(zh), Some(ru)) = (unit.variant(Lang::Zh), unit.variant(Lang::Ru)) else {
            continue;
        };
        if zh.text.trim().is_empty() || ru.text.trim().is_empty() {
            continue;
        }
        let id = match &unit.id {
            Some(id) if prefix_file => format!("{name}#{id}"),
            Some(id) => id.clone(),
            None => format!("{name}:{}", unit.line),
        };
        each(BiPair {
            id,
            zh: zh.text.clone(),
            ru: ru.text.clone(),
        })?;
    }
    Ok(())
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
    let mut out = Vec::new();
    let prefix = tmx.len() > 1;
    for path in &tmx {
        out.extend(read_tmx_pairs(path, prefix)?);
    }
    if !docs.is_empty() {
        let files = crate::pipeline::collect_inputs(&docs)?;
        out.extend(align_documents(&files, seed)?);
    }
    if out.is_empty() {
        let what = inputs
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        return Err(Error::bad_input(
            what,
            "empty corpus: no translation unit with both Chinese and Russian text",
        ));
    }
    Ok(out)
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

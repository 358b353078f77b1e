//! `tm merge`: several TMX files of one language pair into one, without exact duplicates.
//!
//! Two units are exact duplicates when their source and target texts are equal after
//! [`normalize_text`] (whitespace collapsed). Units with the same source but different
//! targets are *variants*: all are kept unless [`Keep`] says which one wins. Within a group,
//! the winner takes the place of the group's first unit, so the output keeps input order.

use super::{assign_tuids, language_pair, normalize_text, to_record, LanguagePair};
use crate::tm::reader::{read_tmx, LangMap, TmxDocument, TmxUnit};
use crate::tm::tmx::TmxRecord;
use crate::{Error, Result};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Which of several variants of one source to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    /// Keep every variant as its own unit.
    #[default]
    All,
    /// The most recent: the greatest `changedate` (else `creationdate`) of the `<tu>`; units
    /// with a date beat units without; ties go to the later one in input order.
    Latest,
    /// The greatest `x-confidence` property; units without one lose; ties go to the earlier
    /// one in input order.
    HighestConfidence,
}

impl std::str::FromStr for Keep {
    type Err = Error;
    fn from_str(s: &str) -> Result<Keep> {
        match s {
            "all" => Ok(Keep::All),
            "latest" => Ok(Keep::Latest),
            "highest-confidence" => Ok(Keep::HighestConfidence),
            _ => Err(Error::Usage(format!(
                "unknown --keep {s:?} (all, latest, highest-confidence)"
            ))),
        }
    }
}

/// How to merge.
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// Which variants survive.
    pub keep: Keep,
    /// Language tag mapping.
    pub lang_map: LangMap,
}

/// What the merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    /// Units read from all inputs.
    pub read: usize,
    /// Units skipped because they lack the source or the target variant.
    pub skipped: usize,
    /// Exact duplicates removed.
    pub duplicates_removed: usize,
    /// Variants dropped by `--keep`.
    pub variants_collapsed: usize,
    /// Units written.
    pub written: usize,
    /// Inputs in the opposite direction (ru→zh into a zh→ru memory), turned round: each
    /// unit's variants swap roles and its `x-bead` `m-n` becomes `n-m`.
    pub flipped: Vec<String>,
}

/// The merged TM, ready for [`super::write_records`] with `pair.tmx_options()`.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The language pair (tags of the first input).
    pub pair: LanguagePair,
    /// The units to write, `tuid`s assigned.
    pub records: Vec<TmxRecord>,
    /// Counts.
    pub report: MergeReport,
}

/// A candidate unit with what ranking needs.
struct Candidate {
    order: usize,
    date: Option<String>,
    confidence: Option<f64>,
    record: TmxRecord,
}

/// A TMX date (`YYYYMMDDThhmmssZ`), which sorts as text; anything else counts as no date.
fn unit_date(unit: &TmxUnit) -> Option<String> {
    let ok = |d: &&String| {
        d.len() == 16
            && d.is_char_boundary(8)
            && d[..8].bytes().all(|b| b.is_ascii_digit())
            && d.as_bytes()[8] == b'T'
    };
    unit.attributes
        .get("changedate")
        .filter(ok)
        .or_else(|| unit.attributes.get("creationdate").filter(ok))
        .cloned()
}

/// Whether `a` should win over `b` under `keep` (`b` came earlier in input order when
/// `a.order > b.order`).
fn better(keep: Keep, a: &Candidate, b: &Candidate) -> bool {
    match keep {
        // Without a ranking, the first occurrence stays.
        Keep::All => a.order < b.order,
        Keep::Latest => (&a.date, a.order) > (&b.date, b.order),
        Keep::HighestConfidence => {
            let (ca, cb) = (
                a.confidence.unwrap_or(f64::NEG_INFINITY),
                b.confidence.unwrap_or(f64::NEG_INFINITY),
            );
            ca > cb || (ca == cb && a.order < b.order)
        }
    }
}

/// Keeps the best candidate per key (position of the key's first occurrence); returns the
/// survivors in order and how many were dropped.
fn collapse<K: std::hash::Hash + Eq>(
    keep: Keep,
    items: Vec<Candidate>,
    key: impl Fn(&Candidate) -> K,
) -> (Vec<Candidate>, usize) {
    let mut slots: Vec<Candidate> = Vec::new();
    let mut index: HashMap<K, usize> = HashMap::new();
    let mut dropped = 0;
    for c in items {
        let k = key(&c);
        match index.get(&k) {
            Some(&i) => {
                dropped += 1;
                if better(keep, &c, &slots[i]) {
                    slots[i] = c;
                }
            }
            None => {
                index.insert(k, slots.len());
                slots.push(c);
            }
        }
    }
    (slots, dropped)
}

/// Collects the candidates of one input after another, so that `merge_files` can drop each
/// document once it is collected.
struct Collector<'o> {
    options: &'o MergeOptions,
    /// The first input's pair and path.
    first: Option<(LanguagePair, PathBuf)>,
    report: MergeReport,
    candidates: Vec<Candidate>,
}

impl<'o> Collector<'o> {
    fn new(options: &'o MergeOptions) -> Self {
        Collector {
            options,
            first: None,
            report: MergeReport::default(),
            candidates: Vec::new(),
        }
    }

    /// Adds the units of `doc` (read from `path`), checking its language pair.
    fn add(&mut self, path: &Path, doc: &TmxDocument) -> Result<()> {
        let map = &self.options.lang_map;
        let p = language_pair(doc, path, map)?;
        let (pair, first_path) = self
            .first
            .get_or_insert_with(|| (p.clone(), path.to_path_buf()));
        let flipped = direction(&p, path, pair, first_path)?;
        if flipped {
            self.report.flipped.push(path.display().to_string());
        }
        for unit in &doc.units {
            self.report.read += 1;
            // (the first input's pair picks the variants: a flipped unit's source is its target)
            let Some(mut record) = to_record(unit, pair, map) else {
                self.report.skipped += 1;
                continue;
            };
            if flipped {
                turn_round(&mut record);
            }
            self.candidates.push(Candidate {
                order: self.candidates.len(),
                date: unit_date(unit),
                confidence: unit
                    .prop("x-confidence")
                    .and_then(|c| c.trim().parse::<f64>().ok())
                    .filter(|c| c.is_finite()),
                record,
            });
        }
        Ok(())
    }

    /// Removes duplicates and collapses variants.
    fn finish(self) -> Result<Merged> {
        let Some((pair, _)) = self.first else {
            return Err(Error::Usage(
                "tm merge needs at least one input file".into(),
            ));
        };
        let keep = self.options.keep;
        let mut report = self.report;
        let (unique, duplicates) = collapse(keep, self.candidates, |c| {
            (
                normalize_text(&c.record.source),
                normalize_text(&c.record.target),
            )
        });
        report.duplicates_removed = duplicates;
        let survivors = if keep == Keep::All {
            unique
        } else {
            let (s, collapsed) = collapse(keep, unique, |c| normalize_text(&c.record.source));
            report.variants_collapsed = collapsed;
            s
        };
        let mut records: Vec<TmxRecord> = survivors.into_iter().map(|c| c.record).collect();
        assign_tuids(&mut records);
        report.written = records.len();
        Ok(Merged {
            pair,
            records,
            report,
        })
    }
}

/// Merges documents already read (`path` of each names it in errors). All must share the
/// first one's language pair; the output uses the first one's language tags.
pub fn merge_documents(
    inputs: &[(PathBuf, TmxDocument)],
    options: &MergeOptions,
) -> Result<Merged> {
    let mut collector = Collector::new(options);
    for (path, doc) in inputs {
        collector.add(path, doc)?;
    }
    collector.finish()
}

/// Reads and merges TMX files, one document in memory at a time.
pub fn merge_files(paths: &[PathBuf], options: &MergeOptions) -> Result<Merged> {
    let mut collector = Collector::new(options);
    for path in paths {
        let doc = read_tmx(path)?;
        collector.add(path, &doc)?;
        // said, not silent: what the merged file cannot keep of this input
        if let Ok(pair) = super::language_pair(&doc, path, &options.lang_map) {
            let losses = super::content_losses(&doc, &pair, &options.lang_map);
            if !losses.is_empty() {
                crate::warning::warn(&format!(
                    "{}: the merged TMX will not have {}",
                    path.display(),
                    losses.join(", ")
                ));
            }
        }
    }
    collector.finish()
}

/// A 128-bit hash of `parts` (two keyed SipHashes): what duplicate detection keeps of a text
/// instead of the text. Two different texts share one with probability about 2^-128 per pair.
fn hash128(parts: &[&str]) -> u128 {
    use std::hash::{Hash, Hasher};
    let half = |key: u8| {
        #[allow(deprecated)] // SipHasher: stable output, unlike DefaultHasher's promise
        let mut h = std::hash::SipHasher::new_with_keys(
            0x746d_616c_6967_6e00 | u64::from(key),
            0x006d_6572_6765,
        );
        for p in parts {
            p.hash(&mut h);
        }
        h.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// What the streaming merge keeps of a candidate unit under a ranking `--keep`: no text,
/// hashes and the ranking only.
struct Slim {
    order: usize,
    source: u128,
    tuid: Option<u64>,
    date: Option<String>,
    confidence: Option<f64>,
}

impl Slim {
    fn rank(&self) -> Candidate {
        Candidate {
            order: self.order,
            date: self.date.clone(),
            confidence: self.confidence,
            record: TmxRecord::default(),
        }
    }
}

/// Which candidates the streaming merge writes, and where.
enum Plan {
    /// `--keep all`: the first of each exact duplicate, in place (one flag per candidate).
    InPlace(Vec<bool>),
    /// A ranking `--keep`: (position, winner) by position; a winner may come from later.
    Ranked(Vec<(usize, usize)>),
}

/// Keeps the best of each key as [`collapse`] does, on [`Slim`]s; the survivors (in the
/// order of their key's first occurrence) as (position, winner) with how many were dropped.
fn collapse_slim(
    keep: Keep,
    items: Vec<(usize, Slim)>,
    key: impl Fn(&Slim) -> u128,
) -> (Vec<(usize, Slim)>, usize) {
    let mut slots: Vec<(usize, Slim)> = Vec::new();
    let mut index: HashMap<u128, usize> = HashMap::new();
    let mut dropped = 0;
    for (position, c) in items {
        let k = key(&c);
        match index.get(&k) {
            Some(&i) => {
                dropped += 1;
                if better(keep, &c.rank(), &slots[i].1.rank()) {
                    slots[i].1 = c;
                }
            }
            None => {
                index.insert(k, slots.len());
                slots.push((position, c));
            }
        }
    }
    (slots, dropped)
}

/// A record of a memory in the opposite direction, read in the first input's: the variants
/// are already picked by language, only the bead shape `m-n` becomes `n-m`.
fn turn_round(record: &mut TmxRecord) {
    for (key, value) in &mut record.props {
        if key == "x-bead" {
            if let Some((m, n)) = value.split_once('-') {
                *value = format!("{n}-{m}");
            }
        }
    }
}

/// Whether the memory `path` (pair `p`) runs in the opposite direction of the first input's
/// `pair` (the same memory read the other way round: it is turned round); an error when its
/// languages are others.
fn direction(
    p: &LanguagePair,
    path: &Path,
    pair: &LanguagePair,
    first_path: &Path,
) -> Result<bool> {
    if p.src == pair.tgt && p.tgt == pair.src {
        return Ok(true);
    }
    if !p.same_languages(pair) {
        return Err(Error::bad_input(
            path,
            format!(
                "language pair {}→{} differs from {}→{} of {}",
                p.src,
                p.tgt,
                pair.src,
                pair.tgt,
                first_path.display()
            ),
        ));
    }
    Ok(false)
}

/// Calls `each` on every unit of `paths` (already checked) that has both sides, as a record
/// with its unit, in input order; the records of the inputs in `flipped` are turned round.
fn for_each_record(
    paths: &[PathBuf],
    flipped: &[bool],
    pair: &LanguagePair,
    map: &LangMap,
    mut each: impl FnMut(&Path, &TmxUnit, Option<TmxRecord>) -> Result<()>,
) -> Result<()> {
    for (i, path) in paths.iter().enumerate() {
        let reader = super::stats::open_tmx(path)?;
        for unit in reader {
            let unit = unit?;
            let mut record = to_record(&unit, pair, map);
            if flipped.get(i).copied().unwrap_or(false) {
                if let Some(record) = record.as_mut() {
                    turn_round(record);
                }
            }
            each(path, &unit, record)?;
        }
    }
    Ok(())
}

/// Reads, merges and writes `output` atomically (refusing to overwrite an input), streaming:
/// the inputs are read several times, one unit at a time, and only hashes of the texts (with
/// dates and confidences when `--keep` ranks) are held, so memory does not grow with the
/// texts; the one exception are the winners of `--keep` that must move to an earlier place.
/// The result is that of [`merge_files`] written with [`super::write_records`].
pub fn merge_to_file(
    paths: &[PathBuf],
    output: &Path,
    options: &MergeOptions,
) -> Result<MergeReport> {
    crate::output::ensure_not_input(output, paths)?;
    let map = &options.lang_map;
    let keep = options.keep;
    // 1. the language pair of each input: the first one's, shared by all
    let mut first: Option<(LanguagePair, &PathBuf)> = None;
    // the inputs in the opposite direction: the same memory read the other way round
    let mut flipped = Vec::with_capacity(paths.len());
    for path in paths {
        let p = super::stats::first_pass(path, map)?.pair;
        match &first {
            None => {
                flipped.push(false);
                first = Some((p, path));
            }
            Some((pair, first_path)) => flipped.push(direction(&p, path, pair, first_path)?),
        }
    }
    let Some((pair, _)) = first else {
        return Err(Error::Usage(
            "tm merge needs at least one input file".into(),
        ));
    };
    // 2. hashes (and ranks); what each input loses
    let mut report = MergeReport {
        flipped: paths
            .iter()
            .zip(&flipped)
            .filter(|(_, &turned)| turned)
            .map(|(path, _)| path.display().to_string())
            .collect(),
        ..MergeReport::default()
    };
    let ranked = keep != Keep::All;
    // --keep all: the pairs seen, and whether each candidate is new
    let mut seen_pairs: HashSet<u128> = HashSet::new();
    let mut kept: Vec<bool> = Vec::new();
    // ranking: every candidate, slim, with its pair's hash
    let mut candidates: Vec<(usize, Slim)> = Vec::new();
    let mut pair_keys: Vec<u128> = Vec::new();
    // tuids of the units written (all must be present and distinct to be kept)
    let mut tuids: HashSet<u64> = HashSet::new();
    let mut tuids_ok = true;
    let mut losses: Option<(PathBuf, super::LossCounter)> = None;
    let warn_losses = |path: &Path, counter: &super::LossCounter| -> Result<()> {
        let header = super::stats::open_tmx(path)?.header().clone();
        let said = counter.finish(&header, false);
        if !said.is_empty() {
            crate::warning::warn(&format!(
                "{}: the merged TMX will not have {}",
                path.display(),
                said.join(", ")
            ));
        }
        Ok(())
    };
    let tuid_hash = |tuid: &str| {
        (!tuid.trim().is_empty()).then(|| {
            let h = hash128(&[tuid]);
            (h >> 64) as u64
        })
    };
    for_each_record(paths, &flipped, &pair, map, |path, unit, record| {
        if losses.as_ref().is_none_or(|(p, _)| p != path) {
            if let Some((p, counter)) = losses.take() {
                warn_losses(&p, &counter)?;
            }
            losses = Some((path.to_path_buf(), super::LossCounter::default()));
        }
        if let Some((_, counter)) = losses.as_mut() {
            counter.add(unit, &pair, map);
        }
        report.read += 1;
        let Some(record) = record else {
            report.skipped += 1;
            return Ok(());
        };
        let (s, t) = (
            normalize_text(&record.source),
            normalize_text(&record.target),
        );
        let key = hash128(&[&s, &t]);
        if !ranked {
            let new = seen_pairs.insert(key);
            if new {
                tuids_ok &= tuid_hash(&record.tuid).is_some_and(|h| tuids.insert(h));
            } else {
                report.duplicates_removed += 1;
            }
            kept.push(new);
            return Ok(());
        }
        let order = candidates.len();
        pair_keys.push(key);
        candidates.push((
            order,
            Slim {
                order,
                source: hash128(&[&s]),
                tuid: tuid_hash(&record.tuid),
                date: unit_date(unit),
                confidence: unit
                    .prop("x-confidence")
                    .and_then(|c| c.trim().parse::<f64>().ok())
                    .filter(|c| c.is_finite()),
            },
        ));
        Ok(())
    })?;
    if let Some((p, counter)) = losses.take() {
        warn_losses(&p, &counter)?;
    }
    drop(seen_pairs);
    let plan = if ranked {
        let (unique, duplicates) = collapse_slim(keep, candidates, |c| pair_keys[c.order]);
        drop(pair_keys);
        report.duplicates_removed = duplicates;
        let (survivors, collapsed) = collapse_slim(keep, unique, |c| c.source);
        report.variants_collapsed = collapsed;
        tuids_ok = survivors
            .iter()
            .all(|(_, c)| c.tuid.is_some_and(|t| tuids.insert(t)));
        Plan::Ranked(survivors.iter().map(|(p, c)| (*p, c.order)).collect())
    } else {
        Plan::InPlace(kept)
    };
    drop(tuids);
    report.written = match &plan {
        Plan::InPlace(kept) => kept.iter().filter(|k| **k).count(),
        Plan::Ranked(plan) => plan.len(),
    };
    let renumber = !tuids_ok;
    // 3. the winners that move to an earlier place, read ahead
    let moving: HashMap<usize, usize> = match &plan {
        Plan::InPlace(_) => HashMap::new(),
        Plan::Ranked(plan) => plan
            .iter()
            .filter(|(p, w)| p != w)
            .map(|(p, w)| (*w, *p))
            .collect(),
    };
    let mut moved: HashMap<usize, TmxRecord> = HashMap::new();
    if !moving.is_empty() {
        let mut order = 0;
        for_each_record(paths, &flipped, &pair, map, |_, _, record| {
            if let Some(record) = record {
                if let Some(&position) = moving.get(&order) {
                    moved.insert(position, record);
                }
                order += 1;
            }
            Ok(())
        })?;
    }
    // the (position, winner) pairs to write, in order
    let positions: Box<dyn Iterator<Item = (usize, usize)>> = match &plan {
        Plan::InPlace(kept) => Box::new(
            kept.iter()
                .enumerate()
                .filter(|(_, k)| **k)
                .map(|(o, _)| (o, o)),
        ),
        Plan::Ranked(plan) => Box::new(plan.iter().copied()),
    };
    // 4. write, reading the inputs once more; an input error is kept to be returned as is
    let failure: std::cell::RefCell<Option<Error>> = std::cell::RefCell::new(None);
    let fail = |e: Error| {
        let io = std::io::Error::other(e.to_string());
        *failure.borrow_mut() = Some(e);
        io
    };
    let changed = || Error::bad_input(&paths[0], "an input changed while it was merged");
    let written = crate::output::write_atomic_with(output, |w| {
        let mut stream = RecordStream::new(paths, &pair, map);
        let records = positions.enumerate().map(|(k, (position, winner))| {
            let mut record = if position == winner {
                loop {
                    match stream.next_record() {
                        Ok(Some((o, r))) if o == position => break r,
                        Ok(Some(_)) => continue,
                        Ok(None) => return Err(fail(changed())),
                        Err(e) => return Err(fail(e)),
                    }
                }
            } else {
                moved.remove(&position).ok_or_else(|| fail(changed()))?
            };
            if renumber {
                record.tuid = (k + 1).to_string();
            }
            Ok(record)
        });
        crate::tm::tmx::write_tmx_stream(w, records, &pair.tmx_options()).map(|_| ())
    });
    if let Some(e) = failure.into_inner() {
        return Err(e);
    }
    written?;
    Ok(report)
}

/// The units of `paths` with both sides as (order, record), one at a time.
struct RecordStream<'a> {
    paths: std::slice::Iter<'a, PathBuf>,
    reader: Option<crate::tm::reader::TmxReader<std::io::BufReader<std::fs::File>>>,
    pair: &'a LanguagePair,
    map: &'a LangMap,
    order: usize,
}

impl<'a> RecordStream<'a> {
    fn new(paths: &'a [PathBuf], pair: &'a LanguagePair, map: &'a LangMap) -> Self {
        RecordStream {
            paths: paths.iter(),
            reader: None,
            pair,
            map,
            order: 0,
        }
    }

    fn next_record(&mut self) -> Result<Option<(usize, TmxRecord)>> {
        loop {
            if self.reader.is_none() {
                match self.paths.next() {
                    Some(p) => self.reader = Some(super::stats::open_tmx(p)?),
                    None => return Ok(None),
                }
            }
            let reader = self.reader.as_mut().expect("opened above");
            match reader.next() {
                Some(unit) => {
                    if let Some(record) = to_record(&unit?, self.pair, self.map) {
                        self.order += 1;
                        return Ok(Some((self.order - 1, record)));
                    }
                }
                None => self.reader = None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tm::reader::read_tmx_bytes;

    fn doc(units: &[(&str, &str, &str)]) -> TmxDocument {
        let mut xml = String::from(r#"<tmx version="1.4"><header srclang="zh-CN"/><body>"#);
        for (attrs, s, t) in units {
            xml.push_str(&format!(
                r#"<tu {attrs}><tuv xml:lang="zh-CN"><seg>{s}</seg></tuv><tuv xml:lang="ru-RU"><seg>{t}</seg></tuv></tu>"#
            ));
        }
        xml.push_str("</body></tmx>");
        read_tmx_bytes(Path::new("a.tmx"), xml.as_bytes()).unwrap()
    }

    fn texts(m: &Merged) -> Vec<(String, String)> {
        m.records
            .iter()
            .map(|r| (r.source.clone(), r.target.clone()))
            .collect()
    }

    #[test]
    fn removes_duplicates_and_keeps_variants() {
        let a = doc(&[
            ("tuid=\"1\"", "你好", "привет"),
            ("tuid=\"2\"", "猫", "кот"),
        ]);
        let b = doc(&[
            ("tuid=\"1\"", "你好 ", "привет"),
            ("tuid=\"2\"", "猫", "кошка"),
        ]);
        let inputs = vec![(PathBuf::from("a"), a), (PathBuf::from("b"), b)];
        let m = merge_documents(&inputs, &MergeOptions::default()).unwrap();
        assert_eq!(m.report.read, 4);
        assert_eq!(m.report.duplicates_removed, 1);
        assert_eq!(m.report.variants_collapsed, 0);
        assert_eq!(m.report.written, 3);
        assert_eq!(
            texts(&m),
            vec![
                ("你好".into(), "привет".into()),
                ("猫".into(), "кот".into()),
                ("猫".into(), "кошка".into())
            ]
        );
        // tuids collided, so they were renumbered
        let ids: Vec<&str> = m.records.iter().map(|r| r.tuid.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3"]);
    }

    #[test]
    fn keep_latest_and_highest_confidence() {
        let a = doc(&[
            ("changedate=\"20240101T000000Z\"", "猫", "кот"),
            ("creationdate=\"20230101T000000Z\"", "狗", "пёс"),
        ]);
        let b = doc(&[
            ("changedate=\"20220101T000000Z\"", "猫", "кошка"),
            ("creationdate=\"20250101T000000Z\"", "狗", "собака"),
        ]);
        let inputs = vec![(PathBuf::from("a"), a), (PathBuf::from("b"), b)];
        let options = MergeOptions {
            keep: Keep::Latest,
            ..Default::default()
        };
        let m = merge_documents(&inputs, &options).unwrap();
        assert_eq!(m.report.variants_collapsed, 2);
        assert_eq!(
            texts(&m),
            vec![("猫".into(), "кот".into()), ("狗".into(), "собака".into())]
        );

        let mut xml = String::from(r#"<tmx><header srclang="zh"/><body>"#);
        for (c, t) in [("0.5", "кот"), ("0.9", "кошка"), ("", "котик")] {
            let prop = if c.is_empty() {
                String::new()
            } else {
                format!(r#"<prop type="x-confidence">{c}</prop>"#)
            };
            xml.push_str(&format!(
                r#"<tu>{prop}<tuv xml:lang="zh"><seg>猫</seg></tuv><tuv xml:lang="ru"><seg>{t}</seg></tuv></tu>"#
            ));
        }
        xml.push_str("</body></tmx>");
        let d = read_tmx_bytes(Path::new("c"), xml.as_bytes()).unwrap();
        let options = MergeOptions {
            keep: Keep::HighestConfidence,
            ..Default::default()
        };
        let m = merge_documents(&[(PathBuf::from("c"), d)], &options).unwrap();
        assert_eq!(texts(&m), vec![("猫".into(), "кошка".into())]);
    }

    #[test]
    fn flips_the_reverse_direction() {
        let a = doc(&[("", "你好", "привет")]);
        let xml = r#"<tmx><header srclang="ru-RU"/><body><tu tuid="9"><prop type="x-bead">1-2</prop><tuv xml:lang="ru-RU"><seg>кот</seg></tuv><tuv xml:lang="zh-CN"><seg>猫</seg></tuv></tu></body></tmx>"#;
        let b = read_tmx_bytes(Path::new("b.tmx"), xml.as_bytes()).unwrap();
        let m = merge_documents(
            &[(PathBuf::from("a.tmx"), a), (PathBuf::from("b.tmx"), b)],
            &MergeOptions::default(),
        )
        .unwrap();
        assert_eq!(
            texts(&m),
            vec![
                ("你好".into(), "привет".into()),
                ("猫".into(), "кот".into())
            ]
        );
        assert_eq!(m.report.flipped, vec!["b.tmx".to_string()]);
        assert_eq!(m.records[1].props, vec![("x-bead".into(), "2-1".into())]);
    }

    #[test]
    fn refuses_another_language_pair() {
        let a = doc(&[("", "你好", "привет")]);
        let xml = r#"<tmx><header srclang="zh"/><body><tu><tuv xml:lang="zh"><seg>a</seg></tuv><tuv xml:lang="en"><seg>b</seg></tuv></tu></body></tmx>"#;
        let b = read_tmx_bytes(Path::new("b.tmx"), xml.as_bytes()).unwrap();
        let e = merge_documents(
            &[(PathBuf::from("a.tmx"), a), (PathBuf::from("b.tmx"), b)],
            &MergeOptions::default(),
        )
        .unwrap_err();
        assert!(e.is_bad_input());
        assert!(e.to_string().starts_with("b.tmx:"), "{e}");
    }

    #[test]
    fn the_streaming_merge_writes_what_the_whole_document_merge_does() {
        let dir = tempfile::tempdir().unwrap();
        let unit = |attrs: &str, s: &str, t: &str| {
            format!(
                r#"<tu {attrs}><tuv xml:lang="zh-CN"><seg>{s}</seg></tuv><tuv xml:lang="ru-RU"><seg>{t}</seg></tuv></tu>"#
            )
        };
        let file = |name: &str, units: &[String]| {
            let p = dir.path().join(name);
            std::fs::write(
                &p,
                format!(
                    r#"<tmx version="1.4"><header srclang="zh-CN"/><body>{}<tu tuid="x"><tuv xml:lang="zh-CN"><seg>单</seg></tuv></tu></body></tmx>"#,
                    units.concat()
                ),
            )
            .unwrap();
            p
        };
        let a = file(
            "a.tmx",
            &[
                unit(
                    r#"tuid="1" changedate="20200101T000000Z""#,
                    "你好",
                    "Привет",
                ),
                unit(r#"tuid="2""#, "谢谢", "Спасибо"),
                unit(
                    r#"tuid="3" changedate="20240101T000000Z""#,
                    "你好",
                    "Здравствуй",
                ),
                unit(r#"tuid="4""#, "再见 ", "Пока"),
            ],
        );
        let b = file(
            "b.tmx",
            &[
                unit(r#"tuid="1""#, "再见", "Пока"),
                unit(
                    r#"tuid="9" changedate="20250101T000000Z""#,
                    "谢谢",
                    "Благодарю",
                ),
                unit(r#"tuid="7""#, "你好", "Привет<prop type=\"x\"/>"),
            ],
        );
        let strip_date = |t: String| {
            t.lines()
                .filter(|l| !l.contains("creationdate"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        for keep in [Keep::All, Keep::Latest, Keep::HighestConfidence] {
            let options = MergeOptions {
                keep,
                ..MergeOptions::default()
            };
            let paths = vec![a.clone(), b.clone()];
            let whole = merge_files(&paths, &options).unwrap();
            let expected_path = dir.path().join("expected.tmx");
            super::super::write_records(&expected_path, &whole.records, &whole.pair.tmx_options())
                .unwrap();
            let out = dir.path().join("streamed.tmx");
            let report = merge_to_file(&paths, &out, &options).unwrap();
            assert_eq!(report, whole.report, "{keep:?}");
            assert_eq!(
                strip_date(std::fs::read_to_string(&out).unwrap()),
                strip_date(std::fs::read_to_string(&expected_path).unwrap()),
                "{keep:?}"
            );
        }
    }
}

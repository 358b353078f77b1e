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
use std::collections::HashMap;
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
        // the reverse direction is the same memory read the other way round: flipped
        let flipped = p.src == pair.tgt && p.tgt == pair.src;
        if flipped {
            self.report.flipped.push(path.display().to_string());
        }
        if !p.same_languages(pair) && !flipped {
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
        for unit in &doc.units {
            self.report.read += 1;
            // (the first input's pair picks the variants: a flipped unit's source is its target)
            let Some(mut record) = to_record(unit, pair, map) else {
                self.report.skipped += 1;
                continue;
            };
            if flipped {
                for (key, value) in &mut record.props {
                    if key == "x-bead" {
                        if let Some((m, n)) = value.split_once('-') {
                            *value = format!("{n}-{m}");
                        }
                    }
                }
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

/// Reads, merges and writes `output` atomically (refusing to overwrite an input).
pub fn merge_to_file(
    paths: &[PathBuf],
    output: &Path,
    options: &MergeOptions,
) -> Result<MergeReport> {
    crate::output::ensure_not_input(output, paths)?;
    let merged = merge_files(paths, options)?;
    super::write_records(output, &merged.records, &merged.pair.tmx_options())?;
    Ok(merged.report)
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
}

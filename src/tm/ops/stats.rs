//! `tm stats`: what is in a TMX and what looks wrong in it.

use super::{language_pair, length_ratio, normalize_text, pair_flags, unit_texts};
use crate::tm::reader::{LangMap, TmxDocument, TmxReader};
use crate::tm::unit::{visible_len, Flag};
use crate::{Lang, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::Path;

/// Statistics of one TMX file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TmStats {
    /// The file.
    pub file: String,
    /// Number of `<tu>`.
    pub units: usize,
    /// Variant count per language tag as written.
    pub languages: BTreeMap<String, usize>,
    /// Source language tag (header `srclang`, or the first variant's).
    pub source_lang: String,
    /// Target language tag.
    pub target_lang: String,
    /// Units lacking the source or the target variant.
    pub missing_side: usize,
    /// Units that repeat an earlier unit exactly (normalised source and target).
    pub duplicates: usize,
    /// Distinct sources that have more than one distinct target.
    pub sources_with_variants: usize,
    /// Units with a blank source or target.
    pub empty: usize,
    /// Units whose source and target are the same text.
    pub identical: usize,
    /// Units whose length ratio is far from the TM's own ratio.
    pub length_outliers: usize,
    /// Units whose sides do not carry the same numbers.
    pub number_mismatches: usize,
    /// Units with inline markup in a variant.
    pub with_markup: usize,
    /// The TM's target/source ratio of visible characters.
    pub length_ratio: Option<f64>,
}

/// Computes the statistics of `doc` (read from `path`).
pub fn tm_stats(doc: &TmxDocument, path: &Path, map: &LangMap) -> Result<TmStats> {
    let pair = language_pair(doc, path, map)?;
    let mut languages = BTreeMap::new();
    for v in doc.units.iter().flat_map(|u| &u.variants) {
        *languages.entry(v.lang.clone()).or_insert(0) += 1;
    }
    let texts: Vec<(&str, &str)> = doc
        .units
        .iter()
        .filter_map(|u| unit_texts(u, &pair, map))
        .collect();
    let ratio = length_ratio(texts.iter().copied());
    let mut stats = first_pass_stats(
        path,
        FirstPass {
            pair,
            ratio,
            units: doc.units.len(),
            languages,
            with_markup: doc
                .units
                .iter()
                .filter(|u| u.variants.iter().any(|v| v.had_markup))
                .count(),
            with_both: texts.len(),
            numeric_tuids: false, // (not used by the statistics)
        },
    );
    let mut pass = SecondPass::default();
    for (s, t) in &texts {
        pass.add(&mut stats, s, t, ratio);
    }
    pass.finish(&mut stats);
    Ok(stats)
}

/// The second pass of the statistics, one source/target pair at a time: duplicates,
/// identical sides, review flags against the TM's ratio. Texts are remembered by a 64-bit
/// hash of their normalised form, 16 bytes a pair in one vector (sized from the first pass),
/// sorted at the end: a collision would only miscount one duplicate, and a large TM's texts
/// are not held at all. (Two hash tables took 66 bytes a unit at their peak, 290 MB for a
/// 1 GB TMX of 4.4 million units.)
#[derive(Default)]
struct SecondPass {
    /// (source hash, target hash) of each pair seen.
    pairs: Vec<(u64, u64)>,
}

impl SecondPass {
    /// Room for `n` pairs (the first pass counted them).
    fn with_capacity(n: usize) -> Self {
        SecondPass {
            pairs: Vec::with_capacity(n),
        }
    }

    fn add(&mut self, stats: &mut TmStats, s: &str, t: &str, ratio: Option<f64>) {
        let hash = |s: &str| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            s.hash(&mut h);
            h.finish()
        };
        let (ns, nt) = (normalize_text(s), normalize_text(t));
        self.pairs.push((hash(&ns), hash(&nt)));
        if !ns.is_empty() && ns == nt {
            stats.identical += 1;
        }
        for flag in pair_flags(s, t, ratio) {
            match flag {
                Flag::Empty => stats.empty += 1,
                Flag::NumberMismatch => stats.number_mismatches += 1,
                Flag::LengthOutlier => stats.length_outliers += 1,
                _ => {}
            }
        }
    }

    /// Duplicates (pairs equal to an earlier one) and sources with more than one distinct
    /// target, from the sorted pairs.
    fn finish(mut self, stats: &mut TmStats) {
        self.pairs.sort_unstable();
        let (mut variants, mut distinct) = (0, 0);
        let mut prev: Option<(u64, u64)> = None;
        for &pair in &self.pairs {
            match prev {
                Some(p) if p == pair => stats.duplicates += 1,
                // another distinct target of this source: the source counts once
                Some(p) if p.0 == pair.0 => {
                    distinct += 1;
                    if distinct == 2 {
                        variants += 1;
                    }
                }
                _ => distinct = 1,
            }
            prev = Some(pair);
        }
        stats.sources_with_variants = variants;
    }
}

/// [`tm_stats`] of the TMX file at `path`, streaming: the file is read twice, one unit at a
/// time, and only hashes of the texts are kept, so memory does not grow with the file's size
/// beyond some 40 bytes of hash tables per distinct unit. The result equals [`tm_stats`] of
/// the whole document (`tests/tm_stats_stream.rs`).
///
/// Measured (debug build, `/usr/bin/time`, a generated 200 MB TMX of 671,205 units):
/// peak RSS 1,042 MB reading the whole document, 52 MB streaming (41 s for the two passes).
pub fn tm_stats_file(path: &Path, map: &LangMap) -> Result<TmStats> {
    let first = first_pass(path, map)?;
    let (src, tgt, ratio) = (first.pair.src, first.pair.tgt, first.ratio);
    let stats_pairs = first.with_both;
    let mut stats = first_pass_stats(path, first);
    // pass 2: what is judged against the ratio, and duplicates
    let mut pass = SecondPass::with_capacity(stats_pairs);
    for unit in open_tmx(path)? {
        let unit = unit?;
        if let (Some(s), Some(t)) = (unit.variant_with(src, map), unit.variant_with(tgt, map)) {
            pass.add(&mut stats, &s.text, &t.text, ratio);
        }
    }
    pass.finish(&mut stats);
    Ok(stats)
}

/// The statistics of `path` as far as its first pass goes: the counts of the second pass
/// ([`SecondPass`]) are still 0.
fn first_pass_stats(path: &Path, first: FirstPass) -> TmStats {
    TmStats {
        file: path.display().to_string(),
        units: first.units,
        languages: first.languages,
        source_lang: first.pair.src_tag,
        target_lang: first.pair.tgt_tag,
        missing_side: first.units - first.with_both,
        duplicates: 0,
        sources_with_variants: 0,
        empty: 0,
        identical: 0,
        length_outliers: 0,
        number_mismatches: 0,
        with_markup: first.with_markup,
        length_ratio: first.ratio,
    }
}

/// A TMX file as a stream of units.
pub(crate) fn open_tmx(path: &Path) -> Result<TmxReader<std::io::BufReader<std::fs::File>>> {
    crate::output::before_reading(path)?;
    let file = std::fs::File::open(path).map_err(|e| crate::Error::io(path, e))?;
    TmxReader::new(path, std::io::BufReader::with_capacity(1 << 16, file))
}

/// What one streaming pass over a TMX finds: the language pair (as [`language_pair`] finds
/// it), the TM's length ratio (as [`length_ratio`] computes it) and counts.
pub(crate) struct FirstPass {
    pub(crate) pair: super::LanguagePair,
    pub(crate) ratio: Option<f64>,
    pub(crate) units: usize,
    pub(crate) languages: BTreeMap<String, usize>,
    pub(crate) with_markup: usize,
    pub(crate) with_both: usize,
    /// Whether every unit's `tuid` is a distinct positive number (see
    /// [`super::review::tuid_index`]): the review rows' ids are then the `tuid`s.
    pub(crate) numeric_tuids: bool,
}

/// Reads the TMX at `path` once, one unit at a time (see [`FirstPass`]).
pub(crate) fn first_pass(path: &Path, map: &LangMap) -> Result<FirstPass> {
    let mut reader = open_tmx(path)?;
    let header = TmxDocument {
        header: reader.header().clone(),
        ..TmxDocument::default()
    };
    let declared = declared_source(&header, path, map)?;
    let mut src: Option<(Lang, String)> = declared;
    let mut tgt: Option<(Lang, String)> = None;
    let mut languages = BTreeMap::new();
    let (mut units, mut with_markup, mut with_both) = (0usize, 0usize, 0usize);
    let (mut src_len, mut tgt_len) = (0usize, 0usize);
    let mut tuids = Some(std::collections::HashSet::new());
    for unit in &mut reader {
        let unit = unit?;
        units += 1;
        if let Some(seen) = &mut tuids {
            match super::review::numeric_tuid(&unit) {
                Some(n) if seen.insert(n) => {}
                _ => tuids = None,
            }
        }
        with_markup += usize::from(unit.variants.iter().any(|v| v.had_markup));
        for v in &unit.variants {
            *languages.entry(v.lang.clone()).or_insert(0) += 1;
            if let Some(l) = map.resolve(&v.lang) {
                if src.is_none() {
                    src = Some((l, v.lang.clone()));
                } else if tgt.is_none() && src.as_ref().is_some_and(|s| s.0 != l) {
                    tgt = Some((l, v.lang.clone()));
                }
            }
        }
        if let (Some((sl, _)), Some((tl, _))) = (&src, &tgt) {
            if let (Some(s), Some(t)) = (unit.variant_with(*sl, map), unit.variant_with(*tl, map)) {
                with_both += 1;
                src_len += visible_len(&s.text);
                tgt_len += visible_len(&t.text);
            }
        }
    }
    let Some((src, src_tag)) = src else {
        return Err(crate::Error::bad_input(
            path,
            "no variant in zh, ru or en: cannot tell the source language",
        ));
    };
    let Some((tgt, tgt_tag)) = tgt else {
        return Err(crate::Error::bad_input(
            path,
            format!("no variant in a language other than the source ({src}): not a bilingual TM"),
        ));
    };
    let ratio = (src_len > 0 && tgt_len > 0).then(|| tgt_len as f64 / src_len as f64);
    Ok(FirstPass {
        pair: super::LanguagePair {
            src,
            tgt,
            src_tag,
            tgt_tag,
        },
        ratio,
        units,
        languages,
        with_markup,
        with_both,
        numeric_tuids: tuids.is_some(),
    })
}

/// The source language the header of a TMX declares (`None`: not declared, or `*all*`), as
/// [`language_pair`] resolves it.
fn declared_source(
    header_doc: &TmxDocument,
    path: &Path,
    map: &LangMap,
) -> Result<Option<(Lang, String)>> {
    let declared = header_doc
        .header
        .srclang
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "*all*");
    let Some(tag) = declared else {
        return Ok(None);
    };
    match map.resolve(tag) {
        Some(lang) => Ok(Some((lang, tag.to_string()))),
        // `language_pair` says what is wrong with it, in the one wording
        None => language_pair(header_doc, path, map).map(|_| None),
    }
}

impl fmt::Display for TmStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.file)?;
        writeln!(f, "  units                  {}", self.units)?;
        writeln!(
            f,
            "  languages              {} → {}",
            self.source_lang, self.target_lang
        )?;
        let tags: Vec<String> = self
            .languages
            .iter()
            .map(|(k, v)| format!("{k} ({v})"))
            .collect();
        writeln!(f, "  variant tags           {}", tags.join(", "))?;
        let rows = [
            ("missing a side", self.missing_side),
            ("exact duplicates", self.duplicates),
            ("sources with variants", self.sources_with_variants),
            ("empty source/target", self.empty),
            ("identical source/target", self.identical),
            ("length-ratio outliers", self.length_outliers),
            ("number mismatches", self.number_mismatches),
            ("with inline markup", self.with_markup),
        ];
        for (label, n) in rows {
            writeln!(f, "  {label:<22} {n}")?;
        }
        match self.length_ratio {
            Some(r) => writeln!(f, "  length ratio (tgt/src) {r:.3}"),
            None => writeln!(f, "  length ratio (tgt/src) -"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tm::reader::read_tmx_bytes;

    #[test]
    fn counts_problems() {
        let mut xml = String::from(r#"<tmx><header srclang="zh-CN"/><body>"#);
        for (s, t) in [
            ("价格是5元", "Цена 5 рублей"),
            ("价格是5元", "Цена  5 рублей"),
            ("价格是5元", "Цена 6 рублей"),
            ("OK", "OK"),
            ("空", " "),
        ] {
            xml.push_str(&format!(
                r#"<tu><tuv xml:lang="zh-CN"><seg>{s}</seg></tuv><tuv lang="ru"><seg>{t}</seg></tuv></tu>"#
            ));
        }
        xml.push_str(r#"<tu><tuv xml:lang="zh-CN"><seg><ph>x</ph>a</seg></tuv></tu></body></tmx>"#);
        let d = read_tmx_bytes(Path::new("s.tmx"), xml.as_bytes()).unwrap();
        let s = tm_stats(&d, Path::new("s.tmx"), &LangMap::default()).unwrap();
        assert_eq!(s.units, 6);
        assert_eq!(s.missing_side, 1);
        assert_eq!(s.duplicates, 1);
        assert_eq!(s.sources_with_variants, 1);
        assert_eq!(s.identical, 1);
        assert_eq!(s.empty, 1);
        assert_eq!(s.number_mismatches, 1);
        assert_eq!(s.with_markup, 1);
        assert_eq!(s.languages.get("zh-CN"), Some(&6));
        assert!(s.to_string().contains("number mismatches      1"));
    }

    #[test]
    fn sorted_pairs_count_duplicates_and_sources_with_variants_once() {
        let mut stats = TmStats::default();
        let pass = SecondPass {
            // source 1: targets 5, 6, 7 (one variant source), 5 twice more; source 2: one
            // target twice; source 3: alone
            pairs: vec![
                (1, 5),
                (2, 9),
                (1, 6),
                (1, 5),
                (3, 1),
                (1, 7),
                (2, 9),
                (1, 5),
            ],
        };
        pass.finish(&mut stats);
        assert_eq!(stats.duplicates, 3);
        assert_eq!(stats.sources_with_variants, 1);
    }
}

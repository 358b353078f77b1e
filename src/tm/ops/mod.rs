//! Operations on existing TMX files (`tmalign tm …`): [`merge`], [`stats`] and the review
//! round trip in [`review`]. They read with [`crate::tm::reader`] and write with the one TMX
//! writer, [`crate::tm::tmx::write_tmx_records`], so a tmalign TMX that goes through them
//! unchanged comes out byte for byte the same (given the same creation date).

pub mod merge;
pub mod restructure;
pub mod review;
pub mod stats;

use super::numbers::numbers_match;
use super::reader::{read_tmx_bytes, LangMap, TmxDocument, TmxUnit};
use super::tmx::{creation_date, Locales, TmxOptions, TmxRecord};
use super::unit::{is_length_outlier, visible_len, Flag};
use crate::{output, Error, Lang, Result};
use std::collections::HashSet;
use std::path::Path;

/// Factor beyond which a pair's length ratio is an outlier (as in the aligner's review flags).
pub const LENGTH_OUTLIER_FACTOR: f64 = 2.5;

/// The language pair of a TMX: languages and the tags as the file writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguagePair {
    /// Source language (from the header's `srclang`).
    pub src: Lang,
    /// Target language (the other variant's language).
    pub tgt: Lang,
    /// Source tag as written.
    pub src_tag: String,
    /// Target tag as written (of the first target variant).
    pub tgt_tag: String,
}

impl LanguagePair {
    /// Whether `other` is the same pair of languages (tags may differ in spelling).
    pub fn same_languages(&self, other: &LanguagePair) -> bool {
        self.src == other.src && self.tgt == other.tgt
    }

    /// Writer options for this pair: its tags, the DOCTYPE line and [`creation_date`].
    pub fn tmx_options(&self) -> TmxOptions {
        let mut options = TmxOptions::new(self.src, self.tgt, "");
        let mut locales = Locales::default();
        for (lang, tag) in [(self.src, &self.src_tag), (self.tgt, &self.tgt_tag)] {
            match lang {
                Lang::Zh => locales.zh = tag.clone(),
                Lang::Ru => locales.ru = tag.clone(),
                Lang::En => locales.en = tag.clone(),
            }
        }
        options.locales = locales;
        options.creation_date = creation_date();
        options
    }
}

/// Finds the language pair of `doc` (read from `path`): the source from the header's
/// `srclang` (or, when it is missing or `*all*`, the first variant of the file), the target
/// from the first variant in another language.
pub fn language_pair(doc: &TmxDocument, path: &Path, map: &LangMap) -> Result<LanguagePair> {
    let declared = doc
        .header
        .srclang
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "*all*");
    let (src, src_tag) = match declared {
        Some(tag) => match map.resolve(tag) {
            Some(lang) => (lang, tag.to_string()),
            None => {
                return Err(Error::bad_input(
                    path,
                    format!(
                        "source language {} (header srclang) is not zh, ru or en; map it with --lang-map TAG=LANG", crate::error::quote(tag)
                    ),
                ))
            }
        },
        None => doc
            .units
            .iter()
            .flat_map(|u| &u.variants)
            .find_map(|v| map.resolve(&v.lang).map(|l| (l, v.lang.clone())))
            .ok_or_else(|| {
                Error::bad_input(path, "no variant in zh, ru or en: cannot tell the source language")
            })?,
    };
    let (tgt, tgt_tag) = doc
        .units
        .iter()
        .flat_map(|u| &u.variants)
        .find_map(|v| match map.resolve(&v.lang) {
            Some(l) if l != src => Some((l, v.lang.clone())),
            _ => None,
        })
        .ok_or_else(|| {
            Error::bad_input(
                path,
                format!(
                    "no variant in a language other than the source ({src}): not a bilingual TM"
                ),
            )
        })?;
    Ok(LanguagePair {
        src,
        tgt,
        src_tag,
        tgt_tag,
    })
}

/// The source and target texts of `unit`, if it has both variants.
pub fn unit_texts<'a>(
    unit: &'a TmxUnit,
    pair: &LanguagePair,
    map: &LangMap,
) -> Option<(&'a str, &'a str)> {
    let s = unit.variant_with(pair.src, map)?;
    let t = unit.variant_with(pair.tgt, map)?;
    Some((&s.text, &t.text))
}

/// The `<tu>` attributes TMX 1.4b defines, besides `tuid`: the ones carried to the output
/// (others would make it invalid).
pub const TU_ATTRIBUTES: [&str; 13] = [
    "o-encoding",
    "datatype",
    "usagecount",
    "lastusagedate",
    "creationtool",
    "creationtoolversion",
    "creationdate",
    "creationid",
    "changedate",
    "segtype",
    "changeid",
    "o-tmf",
    "srclang",
];

/// The writer's record of `unit` (`None` when it lacks a side): `tuid`, the other `<tu>`
/// attributes TMX defines ([`TU_ATTRIBUTES`]) in name order, unit props and notes, both texts.
/// Variant-level props and notes and further variants are not carried (the writer writes two
/// variants).
pub fn to_record(unit: &TmxUnit, pair: &LanguagePair, map: &LangMap) -> Option<TmxRecord> {
    let (source, target) = unit_texts(unit, pair, map)?;
    Some(TmxRecord {
        tuid: unit.id.clone().unwrap_or_default(),
        attributes: unit
            .attributes
            .iter()
            .filter(|(k, _)| TU_ATTRIBUTES.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        props: unit.props.clone(),
        notes: unit.notes.clone(),
        source: source.to_string(),
        target: target.to_string(),
    })
}

/// Writer options for rewriting `doc` (`tm import-csv`): [`LanguagePair::tmx_options`] with
/// the header's `creationdate` and props kept, so that a TMX tmalign wrote comes out of an
/// import that changes nothing byte for byte the same.
pub fn rewrite_options(doc: &TmxDocument, pair: &LanguagePair) -> TmxOptions {
    let mut options = pair.tmx_options();
    if let Some(date) = doc
        .header
        .attributes
        .get("creationdate")
        .and_then(|d| parse_tmx_date(d))
    {
        options.creation_date = date;
    }
    options.header_props = doc.header.props.clone();
    options
}

/// Parses a TMX date `YYYYMMDDThhmmssZ`.
pub fn parse_tmx_date(text: &str) -> Option<time::OffsetDateTime> {
    let t = text.trim();
    if t.len() != 16 || !t.is_ascii() || &t[8..9] != "T" || &t[15..] != "Z" {
        return None;
    }
    let n = |r: std::ops::Range<usize>| t[r].parse::<u32>().ok();
    let month = time::Month::try_from(n(4..6)? as u8).ok()?;
    let date = time::Date::from_calendar_date(n(0..4)? as i32, month, n(6..8)? as u8).ok()?;
    let clock = time::Time::from_hms(n(9..11)? as u8, n(11..13)? as u8, n(13..15)? as u8).ok()?;
    Some(time::PrimitiveDateTime::new(date, clock).assume_utc())
}

/// Counts, unit by unit, the content a rewrite to the pair's two variants would drop (see
/// [`content_losses`]); for readers that stream.
#[derive(Debug, Clone, Default)]
pub struct LossCounter {
    no_side: usize,
    other_variants: usize,
    variant_extras: usize,
    markup: usize,
    attributes: usize,
}

impl LossCounter {
    /// Counts what the rewrite of `unit` drops.
    pub fn add(&mut self, unit: &TmxUnit, pair: &LanguagePair, map: &LangMap) {
        if unit_texts(unit, pair, map).is_none() {
            self.no_side += 1;
            return;
        }
        let first = |lang: Lang| {
            unit.variants
                .iter()
                .position(|v| map.resolve(&v.lang) == Some(lang))
        };
        let (s, t) = (first(pair.src), first(pair.tgt));
        for (i, v) in unit.variants.iter().enumerate() {
            let kept = Some(i) == s || Some(i) == t;
            if !kept {
                self.other_variants += 1;
                continue;
            }
            self.variant_extras += v.props.len() + v.notes.len();
            self.markup += usize::from(v.had_markup);
        }
        self.attributes += unit
            .attributes
            .keys()
            .filter(|k| *k != "tuid" && !TU_ATTRIBUTES.contains(&k.as_str()))
            .count();
    }

    /// What was counted, with the header's notes, and its props unless `header_kept` (a
    /// rewrite with [`rewrite_options`] keeps them), as [`content_losses`] says it.
    pub fn finish(&self, header: &super::reader::TmxHeader, header_kept: bool) -> Vec<String> {
        let props = if header_kept { 0 } else { header.props.len() };
        let header_what = if header_kept {
            "header note(s)"
        } else {
            "header prop(s) and note(s)"
        };
        let header = props + header.notes.len();
        [
            (self.no_side, "unit(s) lacking the source or the target"),
            (
                self.other_variants,
                "variant(s) in other languages or repeating a language",
            ),
            (self.variant_extras, "variant-level prop(s) and note(s)"),
            (
                self.markup,
                "variant(s) with inline markup (reduced to text)",
            ),
            (header, header_what),
            (self.attributes, "<tu> attribute(s) TMX does not define"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect()
    }
}

/// What rewriting `doc` through [`to_record`] and the writer would lose, in words (empty when
/// nothing): units lacking a side, variants beyond the pair's two, variant props and notes,
/// inline markup (reduced to its text), header props and notes, `<tu>` attributes TMX does
/// not define. `tm import-csv --in-place` refuses such a file; other rewrites warn.
pub fn content_losses(doc: &TmxDocument, pair: &LanguagePair, map: &LangMap) -> Vec<String> {
    losses(doc, pair, map, false)
}

/// [`content_losses`] of a rewrite with [`rewrite_options`], which keeps the header's props.
pub fn rewrite_losses(doc: &TmxDocument, pair: &LanguagePair, map: &LangMap) -> Vec<String> {
    losses(doc, pair, map, true)
}

fn losses(doc: &TmxDocument, pair: &LanguagePair, map: &LangMap, header_kept: bool) -> Vec<String> {
    let mut counter = LossCounter::default();
    for unit in &doc.units {
        counter.add(unit, pair, map);
    }
    counter.finish(&doc.header, header_kept)
}

/// Keeps the records' `tuid`s when they are all present and distinct, else numbers all units
/// 1, 2, 3… (merged files usually both start at 1).
pub fn assign_tuids(records: &mut [TmxRecord]) {
    let mut seen = HashSet::new();
    let unique = records
        .iter()
        .all(|r| !r.tuid.trim().is_empty() && seen.insert(r.tuid.as_str()));
    if !unique {
        for (i, r) in records.iter_mut().enumerate() {
            r.tuid = (i + 1).to_string();
        }
    }
}

/// Writes `records` to `path` atomically.
pub fn write_records(path: &Path, records: &[TmxRecord], options: &TmxOptions) -> Result<()> {
    output::write_atomic_with(path, |w| {
        super::tmx::write_tmx_records(w, records, options).map(|_| ())
    })
}

/// Whitespace collapsed to single spaces and trimmed: the text that duplicates compare.
pub fn normalize_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The TM's own target/source ratio of visible characters (the yardstick of length outliers).
pub fn length_ratio<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Option<f64> {
    let (mut s, mut t) = (0usize, 0usize);
    for (a, b) in pairs {
        s += visible_len(a);
        t += visible_len(b);
    }
    (s > 0 && t > 0).then(|| t as f64 / s as f64)
}

/// Review flags of one source/target pair: `empty`, `number-mismatch`, `length-outlier`
/// (against `ratio`, see [`length_ratio`]).
pub fn pair_flags(source: &str, target: &str, ratio: Option<f64>) -> Vec<Flag> {
    let mut flags = Vec::new();
    if source.trim().is_empty() || target.trim().is_empty() {
        flags.push(Flag::Empty);
    }
    if !numbers_match(source, target) {
        flags.push(Flag::NumberMismatch);
    }
    if let Some(r) = ratio {
        let (ls, lt) = (visible_len(source) as f64, visible_len(target) as f64);
        if is_length_outlier(ls, lt, r, LENGTH_OUTLIER_FACTOR) {
            flags.push(Flag::LengthOutlier);
        }
    }
    flags
}

/// Checks that the bilingual content of `doc` survives writing and reading back unchanged
/// (used by the fuzzer as an oracle). Documents without a usable language pair pass.
pub fn roundtrip_check(doc: &TmxDocument) -> Result<()> {
    let path = Path::new("roundtrip.tmx");
    let map = LangMap::default();
    let Ok(pair) = language_pair(doc, path, &map) else {
        return Ok(());
    };
    let mut records: Vec<TmxRecord> = doc
        .units
        .iter()
        .filter_map(|u| to_record(u, &pair, &map))
        .collect();
    if records.is_empty() {
        return Ok(()); // no unit has both sides: an empty TM, nothing to compare
    }
    assign_tuids(&mut records);
    let mut options = pair.tmx_options();
    options.creation_date = time::OffsetDateTime::UNIX_EPOCH;
    let mut bytes = Vec::new();
    super::tmx::write_tmx_records(&mut bytes, &records, &options)
        .map_err(|e| Error::Internal(e.to_string()))?;
    let again = read_tmx_bytes(path, &bytes)?;
    let pair2 = language_pair(&again, path, &map)?;
    let records2: Vec<TmxRecord> = again
        .units
        .iter()
        .filter_map(|u| to_record(u, &pair2, &map))
        .collect();
    if records2 != records {
        return Err(Error::Internal(format!(
            "round trip changed the units:\n{records:?}\n{records2:?}"
        )));
    }
    let mut bytes2 = Vec::new();
    super::tmx::write_tmx_records(&mut bytes2, &records2, &options)
        .map_err(|e| Error::Internal(e.to_string()))?;
    if bytes2 != bytes {
        return Err(Error::Internal(
            "second write differs from the first".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(header: &str, tuvs: &str) -> TmxDocument {
        let xml = format!("<tmx><header {header}/><body><tu>{tuvs}</tu></body></tmx>");
        read_tmx_bytes(Path::new("d.tmx"), xml.as_bytes()).unwrap()
    }

    #[test]
    fn language_pair_from_header_or_first_variant() {
        let map = LangMap::default();
        let tuvs = r#"<tuv xml:lang="ru-RU"><seg>a</seg></tuv><tuv xml:lang="zh-TW"><seg>b</seg></tuv><tuv xml:lang="zh-CN"><seg>c</seg></tuv>"#;
        let p = language_pair(&doc(r#"srclang="zh-CN""#, tuvs), Path::new("d"), &map).unwrap();
        assert_eq!(
            (p.src, p.tgt, p.tgt_tag.as_str()),
            (Lang::Zh, Lang::Ru, "ru-RU")
        );
        let p = language_pair(&doc(r#"srclang="*all*""#, tuvs), Path::new("d"), &map).unwrap();
        assert_eq!(
            (p.src, p.tgt, p.tgt_tag.as_str()),
            (Lang::Ru, Lang::Zh, "zh-TW")
        );
        let p = language_pair(&doc("", tuvs), Path::new("d"), &map).unwrap();
        assert_eq!(p.src, Lang::Ru);
        // mapping zh-TW away picks the zh-CN variant
        let map = LangMap::parse("zh-TW=none").unwrap();
        let d = doc(r#"srclang="ru""#, tuvs);
        let p = language_pair(&d, Path::new("d"), &map).unwrap();
        assert_eq!(p.tgt_tag, "zh-CN");
        assert_eq!(unit_texts(&d.units[0], &p, &map), Some(("a", "c")));
        let e = language_pair(&doc(r#"srclang="de-DE""#, tuvs), Path::new("d"), &map);
        assert!(e.unwrap_err().to_string().contains("--lang-map"));
        let mono = doc(
            r#"srclang="ru""#,
            r#"<tuv xml:lang="ru"><seg>a</seg></tuv>"#,
        );
        assert!(language_pair(&mono, Path::new("d"), &map).is_err());
    }

    #[test]
    fn tuids_kept_when_unique_else_renumbered() {
        let r = |id: &str| TmxRecord {
            tuid: id.into(),
            ..Default::default()
        };
        let mut a = vec![r("7"), r("x")];
        assign_tuids(&mut a);
        assert_eq!((a[0].tuid.as_str(), a[1].tuid.as_str()), ("7", "x"));
        let mut b = vec![r("1"), r(""), r("1")];
        assign_tuids(&mut b);
        let ids: Vec<&str> = b.iter().map(|r| r.tuid.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3"]);
    }

    #[test]
    fn flags_of_pairs() {
        assert_eq!(
            pair_flags("价格5元", "Цена 6", Some(1.0)),
            vec![Flag::NumberMismatch]
        );
        assert_eq!(pair_flags(" ", "x", None), vec![Flag::Empty]);
        let long = "слово ".repeat(20);
        assert_eq!(
            pair_flags("短", &long, Some(2.0)),
            vec![Flag::LengthOutlier]
        );
        assert_eq!(normalize_text("  a \t b\n"), "a b");
    }

    #[test]
    fn tmx_dates_parse_back() {
        let d = time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        assert_eq!(parse_tmx_date(&super::super::tmx::tmx_date(d)), Some(d));
        assert_eq!(parse_tmx_date("20231314T000000Z"), None);
        assert_eq!(parse_tmx_date("2023-11-14"), None);
    }
}

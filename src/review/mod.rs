//! The review page: one self-contained HTML file (inline CSS and JavaScript, no network, works
//! from `file://`) showing an alignment side by side, grouped by paragraph, each unit coloured
//! by confidence and flags, with a summary and a filter; the reviewer marks units ok / reject,
//! edits, merges, splits and moves sentences, and "Save" downloads a review CSV in the schema
//! of `tmalign tm export-csv` (see [`crate::tm::ops::review`] and, for merge / split,
//! [`crate::tm::ops::restructure`]) that `tmalign tm import-csv` applies to the TMX.
//!
//! This module is the page model: [`PageDoc`] (one aligned document) built from a TMX
//! ([`PageDoc::from_tmx`]) or from a fresh alignment ([`PageDoc::from_pairs`]), and its
//! [`Summary`]. [`render`] turns a [`ReviewPage`] into HTML. The review row of every unit
//! (id, key…) comes from [`crate::tm::ops::review::export_rows`] on the TMX itself, or, for
//! the page `run` / `align` write, from the review file they write
//! ([`crate::tm::csv::review_rows_of`], 1-0 / 0-1 rows included), so the page saves,
//! unchanged, exactly the file `tm export-csv` (or `run`) writes.

pub mod render;

pub use render::render;

use crate::align::Segment;
use crate::glossary::qa::QaGlossary;
use crate::glossary::BiPair;
use crate::tm::csv::{review_rows_of, ReviewRow};
use crate::tm::ops::review::export_rows;
use crate::tm::ops::{language_pair, unit_texts};
use crate::tm::reader::{LangMap, TmxDocument};
use crate::tm::unit::AlignedPair;
use crate::{Lang, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Units below this confidence are flagged `low-confidence` on a page built from a TMX (the
/// aligner's own threshold, [`crate::tm::BuildOptions::new`]).
pub const LOW_CONFIDENCE: f64 = 0.5;

/// Number of bars of the confidence histogram (bins of 0.1).
pub const HISTOGRAM_BINS: usize = 10;

/// A whole page: one or more documents.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewPage {
    /// The page title.
    pub title: String,
    /// The glossary whose QA hits are shown (its file name), if any.
    pub glossary: Option<String>,
    /// The documents, each with its own Save button.
    pub docs: Vec<PageDoc>,
}

impl ReviewPage {
    /// A page of one document (what `run` and `align` write beside each TMX).
    pub fn single(doc: PageDoc, glossary: Option<&str>) -> ReviewPage {
        ReviewPage {
            title: format!("tmalign review: {}", doc.name),
            glossary: glossary.map(String::from),
            docs: vec![doc],
        }
    }
}

/// The path of the review page of the job `stem`: `dir/<stem>.html`.
pub fn page_path(dir: &Path, stem: &str) -> std::path::PathBuf {
    dir.join(format!("{stem}.html"))
}

/// The mark every review page carries in its head (`<meta name="generator">`).
const PAGE_MARK: &[u8] = b"<meta name=\"generator\" content=\"tmalign review\">";

/// Whether `path` is a review page tmalign wrote (its head carries the mark): `run` on a
/// folder must not take an earlier run's page for a document.
pub fn is_review_page(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 512];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let n = f.read(&mut head).unwrap_or(0);
    head[..n].windows(PAGE_MARK.len()).any(|w| w == PAGE_MARK)
}

/// The cells of a unit's review row that the page writes back unchanged on Save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowCells {
    /// `id`.
    pub id: String,
    /// `confidence`.
    pub confidence: String,
    /// `bead`.
    pub bead: String,
    /// `source_lines`.
    pub source_lines: String,
    /// `target_lines`.
    pub target_lines: String,
    /// `flags`.
    pub flags: String,
    /// `key`.
    pub key: String,
}

impl From<&ReviewRow> for RowCells {
    fn from(r: &ReviewRow) -> Self {
        RowCells {
            id: r.id.to_string(),
            confidence: r.confidence.clone(),
            bead: r.bead.clone(),
            source_lines: r.source_lines.clone(),
            target_lines: r.target_lines.clone(),
            flags: r.flags.clone(),
            key: r.key.clone(),
        }
    }
}

/// One unit as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageUnit {
    /// Its row in the review file (without `key` for a sentence without counterpart, which
    /// the TMX does not have: it can still be merged into a neighbour or paired with
    /// another); `None` for such a sentence on a page without review rows for them.
    pub row: Option<RowCells>,
    /// 1-based paragraph of the document it belongs to, when known.
    pub paragraph: Option<usize>,
    /// Source sentences.
    pub source: Vec<String>,
    /// Target sentences.
    pub target: Vec<String>,
    /// The source text exactly as the TMX has it (what an unchanged unit saves).
    pub source_text: String,
    /// The target text exactly as the TMX has it.
    pub target_text: String,
    /// The aligner's confidence, when known.
    pub confidence: Option<f64>,
    /// The bead type `m-n`.
    pub bead: String,
    /// Review flags (`unaligned`, `low-confidence`, `number-mismatch`, `length-outlier`,
    /// `glossary`…).
    pub flags: Vec<String>,
    /// Glossary QA hits: `term → expected rendering | …`.
    pub qa: Vec<String>,
}

/// One aligned document of the page.
#[derive(Debug, Clone, Serialize)]
pub struct PageDoc {
    /// Its name (the output stem, or the TMX file name).
    pub name: String,
    /// The TMX file the review applies to (file name, for the instructions).
    pub tmx: String,
    /// Source language code.
    pub src_lang: String,
    /// Target language code.
    pub tgt_lang: String,
    /// The units in document order.
    pub units: Vec<PageUnit>,
    /// Counts shown at the top.
    pub summary: Summary,
}

/// The figures at the top of a document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Units shown.
    pub units: usize,
    /// Of which in the TMX (with a review row that has a key).
    pub in_tmx: usize,
    /// Units per bead type.
    pub bead_kinds: BTreeMap<String, usize>,
    /// Units with a confidence, in bins of 0.1 (the last bin includes 1.0).
    pub histogram: [usize; HISTOGRAM_BINS],
    /// Units per flag.
    pub flags: BTreeMap<String, usize>,
}

impl Summary {
    /// The summary of `units`.
    pub fn of(units: &[PageUnit]) -> Summary {
        let mut s = Summary {
            units: units.len(),
            ..Summary::default()
        };
        for u in units {
            s.in_tmx += usize::from(u.row.as_ref().is_some_and(|r| !r.key.is_empty()));
            *s.bead_kinds.entry(u.bead.clone()).or_insert(0) += 1;
            if let Some(c) = u.confidence.filter(|c| c.is_finite()) {
                let bin =
                    ((c.clamp(0.0, 1.0) * HISTOGRAM_BINS as f64) as usize).min(HISTOGRAM_BINS - 1);
                s.histogram[bin] += 1;
            }
            for f in &u.flags {
                *s.flags.entry(f.clone()).or_insert(0) += 1;
            }
        }
        s
    }
}

/// Glossary QA for the page: the glossary and whether the language pair is zh–ru (the only
/// pair it checks).
fn qa_hits(
    qa: Option<&QaGlossary>,
    src: Lang,
    tgt: Lang,
    source: &str,
    target: &str,
) -> Vec<String> {
    let Some(g) = qa else { return Vec::new() };
    let (zh, ru) = match (src, tgt) {
        (Lang::Zh, Lang::Ru) => (source, target),
        (Lang::Ru, Lang::Zh) => (target, source),
        _ => return Vec::new(),
    };
    if zh.trim().is_empty() || ru.trim().is_empty() {
        return Vec::new();
    }
    g.check_unit(&BiPair {
        id: String::new(),
        zh: zh.to_string(),
        ru: ru.to_string(),
    })
    .into_iter()
    .map(|i| format!("{} → {}", i.term, i.expected.join(" | ")))
    .collect()
}

/// Adds the `glossary` flag when there are QA hits.
fn with_qa_flag(mut flags: Vec<String>, qa: &[String]) -> Vec<String> {
    if !qa.is_empty() {
        flags.push("glossary".into());
    }
    flags
}

fn split_flags(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(String::from)
        .collect()
}

impl PageDoc {
    /// The page of an existing TMX (`doc`, read from `path`): one unit per unit with both
    /// sides, its sentences found by the segmenter, grouped by the `x-paragraph` property
    /// when the TMX has one. Flags are those of `tm export-csv` plus `low-confidence` below
    /// [`LOW_CONFIDENCE`] and `glossary` for QA hits of `qa`.
    pub fn from_tmx(
        name: &str,
        doc: &TmxDocument,
        path: &Path,
        map: &LangMap,
        qa: Option<&QaGlossary>,
    ) -> Result<PageDoc> {
        let pair = language_pair(doc, path, map)?;
        let rows = export_rows(doc, path, map)?;
        let (seg_src, seg_tgt) = (
            crate::segment::segmenter_for(pair.src),
            crate::segment::segmenter_for(pair.tgt),
        );
        let bilingual = doc
            .units
            .iter()
            .filter_map(|u| unit_texts(u, &pair, map).map(|t| (u, t)));
        let mut units = Vec::with_capacity(rows.len());
        for (row, (unit, (source, target))) in rows.iter().zip(bilingual) {
            let confidence = unit
                .prop("x-confidence")
                .and_then(|c| c.trim().parse::<f64>().ok());
            let mut flags = split_flags(&row.flags);
            if confidence.is_some_and(|c| c < LOW_CONFIDENCE) {
                flags.push("low-confidence".into());
            }
            let qa = qa_hits(qa, pair.src, pair.tgt, source, target);
            units.push(PageUnit {
                row: Some(RowCells::from(row)),
                paragraph: unit.prop("x-paragraph").and_then(|p| p.trim().parse().ok()),
                source: sentences(&*seg_src, source),
                target: sentences(&*seg_tgt, target),
                source_text: source.to_string(),
                target_text: target.to_string(),
                confidence,
                bead: unit.prop("x-bead").unwrap_or("").to_string(),
                flags: with_qa_flag(flags, &qa),
                qa,
            });
        }
        Ok(PageDoc {
            name: name.to_string(),
            tmx: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            src_lang: pair.src.code().to_string(),
            tgt_lang: pair.tgt.code().to_string(),
            summary: Summary::of(&units),
            units,
        })
    }

    /// The page of a fresh alignment: `pairs` (from [`crate::tm::build_pairs`] on the two
    /// segment lists) including the unaligned ones, paragraphs from the segments, and the
    /// rows of the review file `run` / `align` write for them ([`review_rows_of`]: one per
    /// pair, the 1-0 / 0-1 ones without `key`), so that the page saves, unchanged, that very
    /// file; `tmx_name` names the TMX they review.
    pub fn from_pairs(
        name: &str,
        tmx_name: &str,
        pairs: &[AlignedPair],
        src: &[Segment],
        tgt: &[Segment],
        (src_lang, tgt_lang): (Lang, Lang),
        qa: Option<&QaGlossary>,
    ) -> Result<PageDoc> {
        let rows = review_rows_of(pairs);
        let mut rows = rows.iter();
        let texts = |segs: &[Segment], r: &std::ops::Range<usize>| -> Vec<String> {
            segs.get(r.clone())
                .unwrap_or_default()
                .iter()
                .map(|s| s.text.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let mut units = Vec::with_capacity(pairs.len());
        for p in pairs {
            let row = rows.next();
            let paragraph = src
                .get(p.bead.src.start)
                .filter(|_| !p.bead.src.is_empty())
                .or_else(|| tgt.get(p.bead.tgt.start))
                .map(|s| s.paragraph + 1);
            // the review file's texts: the page saves them as they are
            let (source_text, target_text) = match row {
                Some(r) => (r.source.clone(), r.target.clone()),
                None => (p.source.clone(), p.target.clone()),
            };
            let flags = p.flags.iter().map(|f| f.as_str().to_string()).collect();
            // terminology QA reads the text, not the inline-tag placeholders
            let qa = qa_hits(
                qa,
                src_lang,
                tgt_lang,
                &crate::tm::tags::strip_placeholders(&source_text),
                &crate::tm::tags::strip_placeholders(&target_text),
            );
            units.push(PageUnit {
                row: row.map(RowCells::from),
                paragraph,
                source: texts(src, &p.bead.src),
                target: texts(tgt, &p.bead.tgt),
                source_text,
                target_text,
                confidence: Some(p.bead.confidence),
                bead: p.bead.kind(),
                flags: with_qa_flag(flags, &qa),
                qa,
            });
        }
        Ok(PageDoc {
            name: name.to_string(),
            tmx: tmx_name.to_string(),
            src_lang: src_lang.code().to_string(),
            tgt_lang: tgt_lang.code().to_string(),
            summary: Summary::of(&units),
            units,
        })
    }
}

/// The page document of a fresh alignment: [`PageDoc::from_pairs`] for the TMX `<stem>.tmx`
/// written with `tmx_options` (whose languages it takes).
pub fn doc_for_alignment(
    stem: &str,
    pairs: &[AlignedPair],
    (src, tgt): (&[Segment], &[Segment]),
    tmx_options: &crate::tm::tmx::TmxOptions,
    qa: Option<&QaGlossary>,
) -> Result<PageDoc> {
    PageDoc::from_pairs(
        stem,
        &format!("{stem}.tmx"),
        pairs,
        src,
        tgt,
        (tmx_options.src_lang, tmx_options.tgt_lang),
        qa,
    )
}

/// The page of `input`: a TMX file, or every `*.tmx` of a folder (not its subfolders), one
/// document each, in name order. `qa`: the glossary to check with, if any.
pub fn page_for_path(
    input: &Path,
    map: &LangMap,
    qa: Option<(&str, &QaGlossary)>,
) -> Result<ReviewPage> {
    let files: Vec<std::path::PathBuf> = if input.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(input)
            .map_err(|e| crate::Error::io(input, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("tmx")))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(crate::Error::bad_input(
                input,
                "no .tmx file in this folder",
            ));
        }
        files
    } else {
        vec![input.to_path_buf()]
    };
    let mut docs = Vec::with_capacity(files.len());
    for f in &files {
        let doc = crate::tm::reader::read_tmx(f)?;
        let name = f
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        docs.push(PageDoc::from_tmx(&name, &doc, f, map, qa.map(|q| q.1))?);
    }
    Ok(ReviewPage {
        title: format!(
            "tmalign review: {}",
            input
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| input.display().to_string())
        ),
        glossary: qa.map(|q| q.0.to_string()),
        docs,
    })
}

/// The sentences of one side of a unit (the whole text when the segmenter finds none).
fn sentences(segmenter: &dyn crate::segment::Segmenter, text: &str) -> Vec<String> {
    let s: Vec<String> = segmenter
        .sentences(text)
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if s.is_empty() && !text.trim().is_empty() {
        vec![text.trim().to_string()]
    } else {
        s
    }
}

/// Loads the QA glossary for a page: `path`, or the default seed glossary when `None` (the
/// file `glossary/zh-ru.tsv` when there is one, else the copy built into the binary, as the
/// aligner does, so that a copied binary still checks terminology).
pub fn load_glossary(path: Option<&Path>) -> Result<Option<(String, QaGlossary)>> {
    load_glossary_in(path, &[])
}

/// The default QA glossary ([`load_glossary`] of `None`) loading on a thread of its own.
///
/// Its checks need jieba's dictionary and the Russian morphological one, which take a
/// third of a second to load: a command that writes review pages starts this before it
/// aligns, so the load overlaps the alignment instead of following it.
pub struct PendingGlossary(std::thread::JoinHandle<Result<Option<(String, QaGlossary)>>>);

impl PendingGlossary {
    /// Starts loading.
    pub fn start() -> PendingGlossary {
        PendingGlossary(std::thread::spawn(|| load_glossary(None)))
    }

    /// The loaded glossary, waiting for the load to finish.
    pub fn wait(self) -> Result<Option<(String, QaGlossary)>> {
        self.0.join().unwrap_or_else(|_| {
            Err(crate::Error::Internal(
                "loading the QA glossary failed".into(),
            ))
        })
    }
}

/// [`load_glossary`] checking also the entries of the domains in `domains`, as `qa --domain`
/// does (see [`QaGlossary::with_domains`]).
pub fn load_glossary_in(
    path: Option<&Path>,
    domains: &[String],
) -> Result<Option<(String, QaGlossary)>> {
    let (path, terms) = match path
        .map(Path::to_path_buf)
        .or_else(crate::glossary::file::default_glossary)
    {
        Some(p) => {
            let terms = crate::glossary::file::read_glossary(&p)?;
            (p, terms)
        }
        None => {
            let p = std::path::PathBuf::from("zh-ru.tsv");
            let terms =
                crate::glossary::file::read_glossary_text(&p, crate::tm::seed::BUILTIN_ZH_RU)?;
            (p, terms)
        }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Some((name, QaGlossary::with_domains(&terms, domains))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tm::reader::read_tmx_bytes;

    #[test]
    fn a_glossary_loaded_on_its_own_thread_checks_as_one_loaded_in_place() {
        let pending = PendingGlossary::start();
        let (name, here) = load_glossary(None).unwrap().unwrap();
        let (name2, there) = pending.wait().unwrap().unwrap();
        assert_eq!(name, name2);
        // 上海合作组织 is a seed term (no domain); the rendering here is not the glossary's
        let unit = BiPair {
            id: "1".into(),
            zh: "上海合作组织峰会今天开幕。".into(),
            ru: "Сегодня открылся саммит организации.".into(),
        };
        let found = here.check_unit(&unit);
        assert!(
            !found.is_empty(),
            "the seed term's missing rendering is flagged"
        );
        assert_eq!(
            format!("{found:?}"),
            format!("{:?}", there.check_unit(&unit))
        );
    }

    const TMX: &str = r#"<tmx><header srclang="zh-CN"/><body>
<tu tuid="1"><prop type="x-confidence">0.910</prop><prop type="x-bead">2-1</prop><prop type="x-paragraph">1</prop><tuv xml:lang="zh-CN"><seg>猫来了。狗也来了。</seg></tuv><tuv xml:lang="ru-RU"><seg>Пришли кот и собака.</seg></tuv></tu>
<tu tuid="2"><prop type="x-confidence">0.300</prop><prop type="x-bead">1-1</prop><tuv xml:lang="zh-CN"><seg>有3只鸟。</seg></tuv><tuv xml:lang="ru-RU"><seg>Четыре птицы.</seg></tuv></tu>
<tu tuid="3"><tuv xml:lang="zh-CN"><seg>只有中文</seg></tuv></tu>
</body></tmx>"#;

    #[test]
    fn page_of_a_tmx_has_rows_sentences_flags_and_summary() {
        let doc = read_tmx_bytes(Path::new("t.tmx"), TMX.as_bytes()).unwrap();
        let page =
            PageDoc::from_tmx("t", &doc, Path::new("t.tmx"), &LangMap::default(), None).unwrap();
        assert_eq!(page.units.len(), 2, "the one-sided unit is not exported");
        let u = &page.units[0];
        assert_eq!(u.source, vec!["猫来了。", "狗也来了。"]);
        assert_eq!(u.target, vec!["Пришли кот и собака."]);
        assert_eq!(u.paragraph, Some(1));
        assert_eq!(u.row.as_ref().unwrap().id, "1");
        assert!(u.row.as_ref().unwrap().key.starts_with('k'));
        let flags = &page.units[1].flags;
        assert!(flags.contains(&"number-mismatch".to_string()), "{flags:?}");
        assert!(flags.contains(&"low-confidence".to_string()), "{flags:?}");
        let s = &page.summary;
        assert_eq!((s.units, s.in_tmx), (2, 2));
        assert_eq!(s.bead_kinds.get("2-1"), Some(&1));
        assert_eq!(s.histogram[9], 1);
        assert_eq!(s.histogram[3], 1);
        assert_eq!(s.flags.get("low-confidence"), Some(&1));
    }

    #[test]
    fn glossary_hits_become_a_flag() {
        let g = QaGlossary::new(&[crate::glossary::SeedTerm {
            zh: "猫".into(),
            ru: "кошка".into(),
            note: String::new(),
            domain: String::new(),
        }]);
        let doc = read_tmx_bytes(Path::new("t.tmx"), TMX.as_bytes()).unwrap();
        let page = PageDoc::from_tmx("t", &doc, Path::new("t.tmx"), &LangMap::default(), Some(&g))
            .unwrap();
        assert_eq!(page.units[0].qa, vec!["猫 → кошка".to_string()]);
        assert!(page.units[0].flags.contains(&"glossary".to_string()));
        assert!(page.units[1].qa.is_empty());
    }

    #[test]
    fn page_of_an_alignment_keeps_unaligned_sentences_and_paragraphs() {
        use crate::align::{Alignment, Bead};
        use crate::tm::{build_pairs, BuildOptions};
        let seg = |t: &str, p: usize| Segment {
            text: t.into(),
            paragraph: p,
        };
        let src = vec![seg("甲。", 0), seg("乙。", 0), seg("丙。", 1)];
        let tgt = vec![seg("А.", 0), seg("Б.", 1), seg("Лишнее.", 1)];
        let bead = |s: std::ops::Range<usize>, t: std::ops::Range<usize>| Bead {
            src: s,
            tgt: t,
            confidence: 0.8,
        };
        let alignment = Alignment {
            beads: vec![bead(0..2, 0..1), bead(2..3, 1..2), bead(3..3, 2..3)],
        };
        let pairs = build_pairs(
            &alignment,
            &src,
            &tgt,
            &BuildOptions::new(Lang::Zh, Lang::Ru),
        )
        .unwrap();
        let mut options = crate::tm::tmx::TmxOptions::new(Lang::Zh, Lang::Ru, "a.zh");
        options.unit_props = crate::tm::unit::paragraph_props(&pairs, &src, &tgt);
        let doc = doc_for_alignment("a", &pairs, (&src, &tgt), &options, None).unwrap();
        assert_eq!(doc.tmx, "a.tmx");
        assert_eq!(doc.units.len(), 3);
        let u = &doc.units;
        assert_eq!(u[0].source, vec!["甲。", "乙。"]);
        assert_eq!(u[0].source_text, "甲。乙。");
        assert_eq!(u[0].row.as_ref().unwrap().id, "1");
        assert_eq!(u[1].row.as_ref().unwrap().id, "2");
        // a 0-1 bead is not in the TMX: its row (as the review CSV has it) has no key
        let unaligned = u[2].row.as_ref().unwrap();
        assert_eq!((unaligned.id.as_str(), unaligned.key.as_str()), ("3", ""));
        // the rows are those of the review CSV run / align write
        let rows: Vec<RowCells> = crate::tm::csv::review_rows_of(&pairs)
            .iter()
            .map(RowCells::from)
            .collect();
        let shown: Vec<RowCells> = u.iter().map(|u| u.row.clone().unwrap()).collect();
        assert_eq!(shown, rows);
        assert!(u[2].flags.contains(&"unaligned".to_string()));
        let paragraphs: Vec<Option<usize>> = u.iter().map(|u| u.paragraph).collect();
        assert_eq!(paragraphs, vec![Some(1), Some(2), Some(2)]);
        assert_eq!((doc.summary.units, doc.summary.in_tmx), (3, 2));
        // the TMX says the same, for `tmalign review FILE.tmx`
        let mut bytes = Vec::new();
        crate::tm::tmx::write_tmx(&mut bytes, &pairs, &options).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains(r#"<prop type="x-paragraph">2</prop>"#),
            "{text}"
        );
        // one paragraph only: no property
        let flat: Vec<Segment> = src.iter().map(|s| seg(&s.text, 0)).collect();
        assert!(crate::tm::unit::paragraph_props(&pairs, &flat, &tgt).is_empty());
    }

    #[test]
    fn histogram_bins_include_the_ends() {
        let unit = |c: f64| PageUnit {
            row: None,
            paragraph: None,
            source: vec![],
            target: vec![],
            source_text: String::new(),
            target_text: String::new(),
            confidence: Some(c),
            bead: "1-1".into(),
            flags: vec![],
            qa: vec![],
        };
        let s = Summary::of(&[unit(0.0), unit(1.0), unit(0.55), unit(f64::NAN)]);
        assert_eq!(s.histogram[0], 1);
        assert_eq!(s.histogram[9], 1);
        assert_eq!(s.histogram[5], 1);
        assert_eq!(s.histogram.iter().sum::<usize>(), 3);
    }

    #[test]
    fn the_built_in_glossary_parses_for_qa() {
        let terms = crate::glossary::file::read_glossary_text(
            Path::new("zh-ru.tsv"),
            crate::tm::seed::BUILTIN_ZH_RU,
        )
        .unwrap();
        assert!(terms.len() > 100, "{}", terms.len());
    }
}

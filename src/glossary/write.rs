//! Glossary output formats: TBX-Basic (TBX v3, and TBX v2 for older tools), CSV for termbase
//! import, OmegaT glossary text and TMX (phrase segments). Every format is written atomically
//! through [`crate::output`].
//!
//! Every format carries the whole concept entry as far as it can: the preferred zh/ru pair,
//! the variants (abbreviations, short forms, other renderings), part of speech, domain,
//! frequency, score, the unit it was seen in and one context sentence pair. Formats that hold
//! one pair a row (OmegaT, TMX) list the concept's pairs one a row, the preferred pair first
//! ([`term_pairs`]); [`super::file`] reads each format back into the pairs `qa` accepts.

use super::{GlossEntry, PartOfSpeech, Side, TermType};
use crate::tm::csv::{protect_cell, Delimiter};
use crate::tm::tmx::{escape_xml, write_tmx_records, Locales, TmxOptions, TmxRecord};
use crate::{output, Error, Lang, Result};
use std::io::{self, Write};
use std::path::Path;

/// A glossary file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlossFormat {
    /// CSV for termbase import: UTF-8 with a BOM, language-coded header (`zh-CN,ru-RU,…`).
    Csv,
    /// OmegaT glossary: `source<TAB>target<TAB>comment`, UTF-8, no header.
    Tsv,
    /// TBX-Basic, TBX v3 (ISO 30042:2019, `<tbx type="TBX-Basic" style="dca">`).
    Tbx,
    /// TBX-Basic, TBX v2 (`<martif type="TBX-Basic">`), for tools that predate TBX v3.
    TbxV2,
    /// TMX 1.4b with `segtype="phrase"`.
    Tmx,
}

impl GlossFormat {
    /// Parses `csv`, `tsv` / `omegat` (also `txt`, `utf8`: OmegaT's glossary extensions),
    /// `tbx` (also `tbx-v3`), `tbx-v2`, `tmx`.
    pub fn parse(name: &str) -> Option<GlossFormat> {
        match name.to_ascii_lowercase().as_str() {
            "csv" => Some(GlossFormat::Csv),
            "tsv" | "txt" | "utf8" | "omegat" => Some(GlossFormat::Tsv),
            "tbx" | "tbx-v3" | "tbx3" => Some(GlossFormat::Tbx),
            "tbx-v2" | "tbx2" => Some(GlossFormat::TbxV2),
            "tmx" => Some(GlossFormat::Tmx),
            _ => None,
        }
    }

    /// The format named by a path's extension (`.tbx` is TBX v3).
    pub fn from_path(path: &Path) -> Option<GlossFormat> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(GlossFormat::parse)
    }
}

/// The languages of a glossary file: the target language and the tags written for the two
/// sides (the input TMX's, e.g. `zh-CN` and `en-GB`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlossLanguages {
    /// The target language.
    pub target: Lang,
    /// The language tags.
    pub locales: Locales,
}

impl Default for GlossLanguages {
    /// zh–ru with the TMX writer's tags (`zh-CN`, `ru-RU`).
    fn default() -> Self {
        GlossLanguages {
            target: Lang::Ru,
            locales: Locales::default(),
        }
    }
}

impl GlossLanguages {
    /// Chinese and `target` with the tags `zh_tag` and `target_tag` as the input writes them.
    pub fn new(target: Lang, zh_tag: &str, target_tag: &str) -> GlossLanguages {
        let mut locales = Locales {
            zh: zh_tag.to_owned(),
            ..Locales::default()
        };
        match target {
            Lang::Ru => locales.ru = target_tag.to_owned(),
            Lang::En => locales.en = target_tag.to_owned(),
            Lang::Zh => {}
        }
        GlossLanguages { target, locales }
    }

    /// The tags written for the Chinese and the target side.
    fn tags(&self) -> (String, String) {
        (
            self.locales.get(Lang::Zh).to_owned(),
            self.locales.get(self.target).to_owned(),
        )
    }
}

/// Writes `entries` to `path` in `format`, atomically.
pub fn write_glossary(path: &Path, entries: &[GlossEntry], format: GlossFormat) -> Result<()> {
    write_glossary_with(path, entries, format, Delimiter::Comma)
}

/// [`write_glossary`] with the delimiter of the CSV format.
pub fn write_glossary_with(
    path: &Path,
    entries: &[GlossEntry],
    format: GlossFormat,
    delimiter: Delimiter,
) -> Result<()> {
    write_glossary_in(path, entries, format, delimiter, &GlossLanguages::default())
}

/// [`write_glossary_with`] in the languages `langs` (zh–ru or zh–en, with their tags).
pub fn write_glossary_in(
    path: &Path,
    entries: &[GlossEntry],
    format: GlossFormat,
    delimiter: Delimiter,
    langs: &GlossLanguages,
) -> Result<()> {
    match format {
        GlossFormat::Csv => {
            output::write_atomic_with(path, |w| write_csv_in(w, entries, delimiter, langs))
        }
        GlossFormat::Tsv => output::write_atomic_with(path, |w| write_omegat(w, entries)),
        GlossFormat::Tbx => {
            output::write_atomic_with(path, |w| write_tbx_form(w, entries, &TBX_V3, langs))
        }
        GlossFormat::TbxV2 => {
            output::write_atomic_with(path, |w| write_tbx_form(w, entries, &TBX_V2, langs))
        }
        GlossFormat::Tmx => {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            output::write_atomic_with(path, |w| write_phrase_tmx_in(w, entries, &name, langs))
        }
    }
    .map_err(|e| match e {
        Error::Io { .. } | Error::BadInput { .. } => e,
        other => Error::Internal(other.to_string()),
    })
}

/// TBX `partOfSpeech` value (TBX-Basic picklist).
pub fn pos_name(p: PartOfSpeech) -> &'static str {
    match p {
        PartOfSpeech::Noun => "noun",
        PartOfSpeech::ProperNoun => "properNoun",
        PartOfSpeech::Verb => "verb",
        PartOfSpeech::Adjective => "adjective",
        PartOfSpeech::Other => "other",
    }
}

/// The part of speech named by a TBX `partOfSpeech` value (`None` if unknown).
pub fn parse_pos(name: &str) -> Option<PartOfSpeech> {
    [
        PartOfSpeech::Noun,
        PartOfSpeech::ProperNoun,
        PartOfSpeech::Verb,
        PartOfSpeech::Adjective,
        PartOfSpeech::Other,
    ]
    .into_iter()
    .find(|p| pos_name(*p).eq_ignore_ascii_case(name.trim()))
}

/// TBX `termType` value (TBX-Basic picklist).
pub fn term_type_name(t: TermType) -> &'static str {
    match t {
        TermType::FullForm => "fullForm",
        TermType::Abbreviation => "abbreviation",
        TermType::ShortForm => "shortForm",
        TermType::Variant => "variant",
    }
}

/// The term type named by a TBX `termType` value (`acronym` is an abbreviation).
pub fn parse_term_type(name: &str) -> Option<TermType> {
    let n = name.trim();
    if n.eq_ignore_ascii_case("acronym") {
        return Some(TermType::Abbreviation);
    }
    [
        TermType::FullForm,
        TermType::Abbreviation,
        TermType::ShortForm,
        TermType::Variant,
    ]
    .into_iter()
    .find(|t| term_type_name(*t).eq_ignore_ascii_case(n))
}

/// The terms of one side of an entry, preferred first: `(term, type, freq)`.
pub fn side_terms(e: &GlossEntry, side: Side) -> Vec<(&str, TermType, usize)> {
    let preferred = match side {
        Side::Zh => e.zh.as_str(),
        Side::Ru => e.ru.as_str(),
    };
    let mut out = vec![(preferred, TermType::FullForm, e.freq)];
    for v in &e.variants {
        if v.side == side && !v.term.trim().is_empty() && !out.iter().any(|t| t.0 == v.term) {
            out.push((v.term.as_str(), v.term_type, v.freq));
        }
    }
    out
}

/// Every zh–ru pair of an entry, the preferred pair first: each Chinese term (preferred or
/// variant) with each Russian one, since any of them names the concept. The formats with one
/// pair a row write these; the type is the Russian term's, or the Chinese one's when the
/// Russian is the preferred form.
pub fn term_pairs(e: &GlossEntry) -> Vec<(String, String, TermType)> {
    let zh = side_terms(e, Side::Zh);
    let ru = side_terms(e, Side::Ru);
    let mut out = Vec::new();
    for (z, zt, _) in &zh {
        for (r, rt, _) in &ru {
            let t = if *rt == TermType::FullForm { *zt } else { *rt };
            out.push(((*z).to_owned(), (*r).to_owned(), t));
        }
    }
    out
}

/// The comment of an entry (score, frequency, example unit, domain, note): the OmegaT comment
/// column and the TBX entry note.
pub fn comment(e: &GlossEntry) -> String {
    let mut c = format!(
        "score {:.3}; freq {}; example {}",
        e.score, e.freq, e.example
    );
    if !e.domain.is_empty() {
        c.push_str("; domain ");
        c.push_str(&e.domain);
    }
    if !e.note.is_empty() {
        c.push_str("; ");
        c.push_str(&e.note);
    }
    c
}

/// The CSV header: the terms under their language tags (what memoQ and Trados' Glossary
/// Converter map to term fields), then the entry fields, then one more column under the
/// language tag for each further term (synonyms in repeated language columns).
fn csv_header(zh_extra: usize, ru_extra: usize, langs: &GlossLanguages) -> Vec<String> {
    let (zh, ru) = langs.tags();
    let mut h: Vec<String> = vec![
        zh.clone(),
        ru.clone(),
        "score".into(),
        "freq".into(),
        "example".into(),
        "note".into(),
        "pos".into(),
        "termType".into(),
        "domain".into(),
        format!("context {zh}"),
        format!("context {ru}"),
    ];
    h.extend(std::iter::repeat_n(zh, zh_extra));
    h.extend(std::iter::repeat_n(ru, ru_extra));
    h
}

/// CSV for termbase import: UTF-8 with a BOM (so spreadsheet programs and memoQ read it as
/// UTF-8), one concept a row, header `zh-CN,ru-RU,score,freq,example,note,pos,termType,domain,
/// context zh-CN,context ru-RU` followed by one `zh-CN` / `ru-RU` column per further term
/// (variants) as far as the entry with most variants needs.
pub fn write_csv(out: &mut dyn Write, entries: &[GlossEntry]) -> io::Result<()> {
    write_csv_with(out, entries, Delimiter::Comma)
}

/// [`write_csv`] with another delimiter. Cells go through [`protect_cell`] (spreadsheet
/// safety, see [`crate::tm::csv`]).
pub fn write_csv_with(
    out: &mut dyn Write,
    entries: &[GlossEntry],
    delimiter: Delimiter,
) -> io::Result<()> {
    write_csv_in(out, entries, delimiter, &GlossLanguages::default())
}

/// [`write_csv_with`] in the languages `langs` (the header's tags).
pub fn write_csv_in(
    out: &mut dyn Write,
    entries: &[GlossEntry],
    delimiter: Delimiter,
    langs: &GlossLanguages,
) -> io::Result<()> {
    out.write_all("\u{FEFF}".as_bytes())?;
    let extra = |side| {
        entries
            .iter()
            .map(|e| side_terms(e, side).len() - 1)
            .max()
            .unwrap_or(0)
    };
    let (zx, rx) = (extra(Side::Zh), extra(Side::Ru));
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(delimiter.byte())
        .from_writer(out);
    let err = |e: ::csv::Error| io::Error::other(e.to_string());
    w.write_record(csv_header(zx, rx, langs)).map_err(err)?;
    for e in entries {
        let p = |s: &str| protect_cell(s).into_owned();
        let mut row: Vec<String> = vec![
            p(&e.zh),
            p(&e.ru),
            format!("{:.4}", e.score),
            e.freq.to_string(),
            p(&e.example),
            p(&e.note),
            pos_name(e.pos).into(),
            term_type_name(TermType::FullForm).into(),
            p(&e.domain),
            p(&e.context.zh),
            p(&e.context.ru),
        ];
        for (side, n) in [(Side::Zh, zx), (Side::Ru, rx)] {
            let terms = side_terms(e, side);
            for k in 1..=n {
                row.push(terms.get(k).map(|t| p(t.0)).unwrap_or_default());
            }
        }
        w.write_record(&row).map_err(err)?;
    }
    w.flush()
}

/// One field of a tab-separated line: tabs and line breaks become spaces.
fn tsv_field(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// OmegaT glossary: one pair a line, `source<TAB>target<TAB>comment`, UTF-8 without BOM, no
/// header, LF line ends; a concept's further pairs (variants) follow its preferred pair, as
/// OmegaT lists several lines of one source term as alternative translations. OmegaT reads
/// such a file from the project's glossary folder when it ends in `.txt` or `.utf8` (3.6
/// ignores `.tsv`).
pub fn write_omegat(out: &mut dyn Write, entries: &[GlossEntry]) -> io::Result<()> {
    for e in entries {
        for (k, (zh, ru, t)) in term_pairs(e).into_iter().enumerate() {
            let c = if k == 0 {
                comment(e)
            } else {
                format!("{} of {} ↔ {}", term_type_name(t), e.zh, e.ru)
            };
            writeln!(
                out,
                "{}\t{}\t{}",
                tsv_field(&zh),
                tsv_field(&ru),
                tsv_field(&c)
            )?;
        }
    }
    Ok(())
}

/// The schema references of TBX-Basic v3 as the dialect publishes them (RELAX NG for the
/// structure, Schematron for the data categories), written as `xml-model` instructions.
pub const TBX_BASIC_RNG: &str = "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/TBXcoreStructV03_TBX-Basic_integrated.rng";
/// See [`TBX_BASIC_RNG`].
pub const TBX_BASIC_SCH: &str =
    "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/TBX-Basic_DCA.sch";

/// The names and features that tell the two TBX forms apart; [`write_tbx_form`] writes both.
struct TbxForm {
    /// Schema references written as `xml-model` instructions: (href, schema language).
    models: &'static [(&'static str, &'static str)],
    /// The root's start tag.
    start: &'static str,
    /// Root element (`tbx`, `martif`).
    root: &'static str,
    /// Header element.
    header: &'static str,
    /// Entry element and the prefix of its id.
    entry: &'static str,
    id_prefix: &'static str,
    /// Language section element.
    lang: &'static str,
    /// Term section element.
    term: &'static str,
    /// Whether the context goes in a `descripGrp` with its unit as `admin type="source"` and
    /// each further term carries its frequency in a `note` (v3), or the context is a bare
    /// `descrip` (v2).
    grouped: bool,
}

/// TBX-Basic v3 (see [`write_tbx`]).
const TBX_V3: TbxForm = TbxForm {
    models: &[
        (TBX_BASIC_RNG, "http://relaxng.org/ns/structure/1.0"),
        (TBX_BASIC_SCH, "http://purl.oclc.org/dsdl/schematron"),
    ],
    start: r#"<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">"#,
    root: "tbx",
    header: "tbxHeader",
    entry: "conceptEntry",
    id_prefix: "c",
    lang: "langSec",
    term: "termSec",
    grouped: true,
};

/// TBX-Basic v2 (see [`write_tbx_v2`]).
const TBX_V2: TbxForm = TbxForm {
    models: &[],
    start: r#"<martif type="TBX-Basic" xml:lang="en">"#,
    root: "martif",
    header: "martifHeader",
    entry: "termEntry",
    id_prefix: "t",
    lang: "langSet",
    term: "tig",
    grouped: false,
};

/// TBX-Basic v3 (ISO 30042:2019, DCA style): `<tbx type="TBX-Basic" style="dca">` in the TBX
/// namespace with the dialect's `xml-model` schema references. One `conceptEntry` per entry:
/// its domain as `descrip type="subjectField"`, score, frequency and example unit in a `note`;
/// a `langSec` per language (`zh-CN`, `ru-RU`) holding a `termSec` per term, preferred term
/// first, each with `termNote type="partOfSpeech"` and `termNote type="termType"`
/// (`fullForm`, `abbreviation`, `shortForm`, `variant`); the preferred term carries the
/// context sentence as `descripGrp/descrip type="context"` with the unit as
/// `admin type="source"`.
pub fn write_tbx(out: &mut dyn Write, entries: &[GlossEntry]) -> io::Result<()> {
    write_tbx_form(out, entries, &TBX_V3, &GlossLanguages::default())
}

/// TBX-Basic v2 (`<martif type="TBX-Basic">`, the TBX 2008 form OmegaT 3.6 and
/// translate-toolkit read): one `termEntry` per entry with `descrip type="subjectField"` and
/// a `note`, a `langSet` per language, a `tig` per term (preferred first) with `term`,
/// `termNote partOfSpeech` / `termType` and, on the preferred term, `descrip type="context"`.
pub fn write_tbx_v2(out: &mut dyn Write, entries: &[GlossEntry]) -> io::Result<()> {
    write_tbx_form(out, entries, &TBX_V2, &GlossLanguages::default())
}

/// Writes `entries` as TBX in the given form: the two forms share their structure (header,
/// entry → language → term, the same data categories) and differ in names and in how the
/// context is attached.
fn write_tbx_form(
    out: &mut dyn Write,
    entries: &[GlossEntry],
    f: &TbxForm,
    langs: &GlossLanguages,
) -> io::Result<()> {
    let (zh, ru) = langs.tags();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    for (href, lang) in f.models {
        writeln!(
            out,
            r#"<?xml-model href="{href}" type="application/xml" schematypens="{lang}"?>"#
        )?;
    }
    writeln!(out, "{}", f.start)?;
    writeln!(out, "  <{}>", f.header)?;
    writeln!(out, "    <fileDesc>")?;
    writeln!(
        out,
        "      <sourceDesc><p>Chinese–Russian glossary extracted by tmalign {} from aligned translation units</p></sourceDesc>",
        escape_xml(env!("CARGO_PKG_VERSION"), false)
    )?;
    writeln!(out, "    </fileDesc>")?;
    writeln!(out, "  </{}>", f.header)?;
    writeln!(out, "  <text>")?;
    writeln!(out, "    <body>")?;
    for (k, e) in entries.iter().enumerate() {
        writeln!(out, r#"      <{} id="{}{}">"#, f.entry, f.id_prefix, k + 1)?;
        if !e.domain.trim().is_empty() {
            writeln!(
                out,
                r#"        <descrip type="subjectField">{}</descrip>"#,
                escape_xml(e.domain.trim(), false)
            )?;
        }
        writeln!(
            out,
            "        <note>{}</note>",
            escape_xml(&comment(e), false)
        )?;
        for (side, lang, context) in [
            (Side::Zh, &zh, &e.context.zh),
            (Side::Ru, &ru, &e.context.ru),
        ] {
            writeln!(
                out,
                r#"        <{} xml:lang="{}">"#,
                f.lang,
                escape_xml(lang, true)
            )?;
            for (j, (term, t, freq)) in side_terms(e, side).into_iter().enumerate() {
                writeln!(out, "          <{}>", f.term)?;
                writeln!(out, "            <term>{}</term>", escape_xml(term, false))?;
                writeln!(
                    out,
                    r#"            <termNote type="partOfSpeech">{}</termNote>"#,
                    pos_name(e.pos)
                )?;
                writeln!(
                    out,
                    r#"            <termNote type="termType">{}</termNote>"#,
                    term_type_name(t)
                )?;
                if j == 0 && !context.trim().is_empty() {
                    let context = escape_xml(context.trim(), false);
                    if f.grouped {
                        writeln!(out, "            <descripGrp>")?;
                        writeln!(
                            out,
                            r#"              <descrip type="context">{context}</descrip>"#
                        )?;
                        if !e.example.is_empty() {
                            writeln!(
                                out,
                                r#"              <admin type="source">{}</admin>"#,
                                escape_xml(&e.example, false)
                            )?;
                        }
                        writeln!(out, "            </descripGrp>")?;
                    } else {
                        writeln!(
                            out,
                            r#"            <descrip type="context">{context}</descrip>"#
                        )?;
                    }
                }
                if j > 0 && f.grouped {
                    writeln!(out, "            <note>freq {freq}</note>")?;
                }
                writeln!(out, "          </{}>", f.term)?;
            }
            writeln!(out, "        </{}>", f.lang)?;
        }
        writeln!(out, "      </{}>", f.entry)?;
    }
    writeln!(out, "    </body>")?;
    writeln!(out, "  </text>")?;
    writeln!(out, "</{}>", f.root)?;
    Ok(())
}

/// TMX 1.4b through the shared writer, header `segtype="phrase"`, one unit per zh–ru pair of
/// each concept ([`term_pairs`], preferred pair first). Each unit carries `x-concept` (the
/// entry's number), `x-termType`, `x-pos`, `x-freq`, `x-score`, `x-example` (the unit the
/// pair was seen in) and, when known, `x-domain`; the context sentence pair goes in two
/// `<note>`s (`context zh-CN: …`). No alignment properties: a term pair is not a bead.
pub fn write_phrase_tmx(
    out: &mut dyn Write,
    entries: &[GlossEntry],
    file_name: &str,
) -> io::Result<()> {
    write_phrase_tmx_in(out, entries, file_name, &GlossLanguages::default())
}

/// [`write_phrase_tmx`] in the languages `langs`.
pub fn write_phrase_tmx_in(
    out: &mut dyn Write,
    entries: &[GlossEntry],
    file_name: &str,
    langs: &GlossLanguages,
) -> io::Result<()> {
    let (zh, ru) = langs.tags();
    let mut records = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        for (z, r, t) in term_pairs(e) {
            let mut props = vec![
                ("x-concept".to_string(), format!("c{}", k + 1)),
                ("x-termType".into(), term_type_name(t).into()),
                ("x-pos".into(), pos_name(e.pos).into()),
                ("x-freq".into(), e.freq.to_string()),
                ("x-score".into(), format!("{:.4}", e.score)),
            ];
            if !e.example.is_empty() {
                props.push(("x-example".into(), e.example.clone()));
            }
            if !e.domain.is_empty() {
                props.push(("x-domain".into(), e.domain.clone()));
            }
            if !e.note.is_empty() {
                props.push(("x-note".into(), e.note.clone()));
            }
            let mut notes = Vec::new();
            if !e.context.zh.trim().is_empty() {
                notes.push(format!("context {zh}: {}", e.context.zh.trim()));
            }
            if !e.context.ru.trim().is_empty() {
                notes.push(format!("context {ru}: {}", e.context.ru.trim()));
            }
            records.push(TmxRecord {
                tuid: (records.len() + 1).to_string(),
                attributes: Vec::new(),
                props,
                notes,
                source: z,
                target: r,
            });
        }
    }
    let mut options = TmxOptions::new(Lang::Zh, langs.target, file_name);
    options.locales = langs.locales.clone();
    options.segtype = "phrase";
    write_tmx_records(out, &records, &options).map(|_| ())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::glossary::{ContextPair, TermVariant};

    /// A full concept entry as the extractor is to fill it: variants on both sides, part of
    /// speech, domain, context (with characters XML must escape).
    pub(crate) fn full_entry() -> GlossEntry {
        GlossEntry {
            zh: "上海合作组织".into(),
            ru: "Шанхайская организация сотрудничества".into(),
            score: 1.5,
            freq: 3,
            example: "a<1>".into(),
            seed: false,
            note: "org".into(),
            pos: PartOfSpeech::ProperNoun,
            variants: vec![
                TermVariant {
                    side: Side::Ru,
                    term: "ШОС".into(),
                    term_type: TermType::Abbreviation,
                    freq: 2,
                },
                TermVariant {
                    side: Side::Zh,
                    term: "上合组织".into(),
                    term_type: TermType::ShortForm,
                    freq: 1,
                },
            ],
            context: ContextPair {
                zh: "上海合作组织峰会在北京举行。".into(),
                ru: "Саммит Шанхайской организации сотрудничества & ШОС прошел в Пекине.".into(),
            },
            domain: "international relations".into(),
        }
    }

    fn entries() -> Vec<GlossEntry> {
        vec![GlossEntry {
            zh: "上海合作组织".into(),
            ru: "Шанхайская организация\tсотрудничества".into(),
            score: 1.5,
            freq: 3,
            example: "a<1>".into(),
            seed: false,
            note: String::new(),
            ..Default::default()
        }]
    }

    fn text(f: impl Fn(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut v = Vec::new();
        f(&mut v).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn omegat_lines_have_three_fields() {
        let s = text(|v| write_omegat(v, &entries()));
        assert_eq!(
            s,
            "上海合作组织\tШанхайская организация сотрудничества\tscore 1.500; freq 3; example a<1>\n"
        );
        // variants: every zh term with every ru term, the preferred pair first
        let s = text(|v| write_omegat(v, &[full_entry()]));
        let pairs: Vec<(&str, &str)> = s
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                assert_eq!(f.len(), 3, "{l}");
                (f[0], f[1])
            })
            .collect();
        assert_eq!(
            pairs,
            [
                ("上海合作组织", "Шанхайская организация сотрудничества"),
                ("上海合作组织", "ШОС"),
                ("上合组织", "Шанхайская организация сотрудничества"),
                ("上合组织", "ШОС"),
            ]
        );
    }

    #[test]
    fn tbx_v3_is_tbx_basic_dca_with_the_concept_entry() {
        let s = text(|v| write_tbx(v, &[full_entry()]));
        for needle in [
            r#"<?xml-model href="https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/TBXcoreStructV03_TBX-Basic_integrated.rng" type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"?>"#,
            r#"schematypens="http://purl.oclc.org/dsdl/schematron"?>"#,
            r#"<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">"#,
            r#"<conceptEntry id="c1">"#,
            r#"<descrip type="subjectField">international relations</descrip>"#,
            r#"<langSec xml:lang="zh-CN">"#,
            r#"<langSec xml:lang="ru-RU">"#,
            "<term>ШОС</term>",
            r#"<termNote type="termType">abbreviation</termNote>"#,
            r#"<termNote type="termType">shortForm</termNote>"#,
            r#"<termNote type="partOfSpeech">properNoun</termNote>"#,
            r#"<descrip type="context">Саммит Шанхайской организации сотрудничества &amp; ШОС прошел в Пекине.</descrip>"#,
            r#"<admin type="source">a&lt;1&gt;</admin>"#,
        ] {
            assert!(s.contains(needle), "{needle}\n{s}");
        }
        assert!(!s.contains("martif"));
    }

    #[test]
    fn tbx_v2_and_tmx_escape_and_carry_the_entry() {
        let s = text(|v| write_tbx_v2(v, &entries()));
        assert!(s.contains(r#"<martif type="TBX-Basic" xml:lang="en">"#));
        assert!(s.contains("example a&lt;1&gt;"));
        assert!(s.contains(r#"<langSet xml:lang="zh-CN">"#));
        let s = text(|v| write_tbx_v2(v, &[full_entry()]));
        assert!(s.contains(r#"<termNote type="termType">abbreviation</termNote>"#));
        assert!(s.contains(r#"<descrip type="context">上海合作组织峰会在北京举行。</descrip>"#));
        let s = text(|v| write_phrase_tmx(v, &[full_entry()], "g.tmx"));
        assert!(s.contains(r#"segtype="phrase""#));
        assert!(s.contains("<seg>上海合作组织</seg>"));
        assert!(s.contains(r#"<prop type="x-freq">3</prop>"#), "{s}");
        assert!(s.contains("<note>context ru-RU: Саммит Шанхайской"), "{s}");
        assert!(!s.contains("x-bead") && !s.contains("x-confidence"), "{s}");
        assert_eq!(s.matches("<tu ").count(), 4);
    }

    #[test]
    fn csv_has_bom_language_headers_and_variant_columns() {
        let s = text(|v| write_csv(v, &[full_entry()]));
        assert!(s.starts_with("\u{FEFF}zh-CN,ru-RU,score,freq,example,note,pos,termType,domain,context zh-CN,context ru-RU,zh-CN,ru-RU\n"), "{s}");
        assert!(
            s.contains(",properNoun,fullForm,international relations,"),
            "{s}"
        );
        assert!(s.trim_end().ends_with(",上合组织,ШОС"), "{s}");
    }

    #[test]
    fn zh_en_files_carry_the_input_tags() {
        let langs = GlossLanguages::new(Lang::En, "zh-CN", "en-GB");
        let mut csv = Vec::new();
        write_csv_in(&mut csv, &entries(), Delimiter::Comma, &langs).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.starts_with("\u{FEFF}zh-CN,en-GB,score"), "{csv}");
        let mut tbx = Vec::new();
        write_tbx_form(&mut tbx, &entries(), &TBX_V3, &langs).unwrap();
        let tbx = String::from_utf8(tbx).unwrap();
        assert!(tbx.contains(r#"<langSec xml:lang="en-GB">"#) && !tbx.contains("ru-RU"));
        let mut tmx = Vec::new();
        write_phrase_tmx_in(&mut tmx, &entries(), "g.tmx", &langs).unwrap();
        let tmx = String::from_utf8(tmx).unwrap();
        assert!(
            tmx.contains(r#"xml:lang="en-GB""#) && !tmx.contains("ru-RU"),
            "{tmx}"
        );
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(
            GlossFormat::from_path(Path::new("x.TBX")),
            Some(GlossFormat::Tbx)
        );
        assert_eq!(GlossFormat::parse("tbx-v2"), Some(GlossFormat::TbxV2));
        assert_eq!(GlossFormat::parse("utf8"), Some(GlossFormat::Tsv));
        assert_eq!(GlossFormat::parse("xlsx"), None);
    }
}

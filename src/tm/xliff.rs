//! XLIFF 1.2 / 2.0 in: bilingual files of earlier projects → translation units, without
//! alignment (`tmalign tm import-xliff`).
//!
//! What is read:
//! * **XLIFF 1.2** `<trans-unit>`: `<source>` / `<target>`; a unit segmented with
//!   `<seg-source>` (`<mrk mtype="seg" mid="…">`, as Trados `.sdlxliff` and others write) gives
//!   one unit per segment, source and target matched by `mid`.
//! * **XLIFF 2.0** `<unit>` / `<segment>`: one unit per segment (`<ignorable>` skipped).
//! * Inline codes are dropped, their text kept: 1.2 `<g>`, `<mrk>` keep their content;
//!   `<x/>`, `<bx/>`, `<ex/>` are empty and `<ph>`, `<bpt>`, `<ept>`, `<it>` hold native code
//!   (dropped); 2.0 `<pc>`, `<mrk>` keep content, `<cp hex>` is the character.
//!   `<alt-trans>`, 2.0 `<originalData>` and metadata are skipped; a unit's `<note>`s become
//!   the TMX unit's `<note>`s.
//!
//! Which units are taken — translated or confirmed ones, never an empty target:
//! * Trados (`sdl:seg conf`): `Translated`, `ApprovedTranslation`, `ApprovedSignOff`;
//! * memoQ (`mq:status`): a status with `Confirmed` in it, or `Proofread`;
//! * XLIFF 1.2 `state`: `translated`, `signed-off`, `final`; no `state` at all: taken (plain
//!   XLIFF writers often leave it out); `approved="yes"` always taken;
//! * XLIFF 2.0 `state`: `translated`, `reviewed`, `final` (absent means `initial`: not taken).
//!
//! With [`XliffOptions::approved_only`] only approved ones: `approved="yes"`, `signed-off`,
//! `final`, `reviewed`, `Approved…`, `Proofread`, `Reviewer…Confirmed`.
//!
//! Each unit keeps its status as `<prop type="x-state">` (the value as the file writes it),
//! `x-approved` = `yes` when approved, `x-source-file` (the `<file original>` or the XLIFF's
//! name) and `x-xliff-id`. The XML is read with [`crate::ingest::xml`]: a DOCTYPE with an
//! internal subset and undefined entities are refused, as by the TMX reader.

use super::tmx::{write_tmx_records, TmxOptions, TmxRecord};
use crate::ingest::xml::{attr, attr_local, local, XmlEvent, XmlPull};
use crate::{Error, Lang, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One translation unit read from an XLIFF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XliffUnit {
    /// Unit id (`unit/segment` for a segment of a segmented unit).
    pub id: String,
    /// Source text (inline codes dropped, whitespace collapsed).
    pub source: String,
    /// Target text.
    pub target: String,
    /// The status as written in the file (`translated`, `ApprovedTranslation`…), if any.
    pub state: Option<String>,
    /// Whether the unit is approved / signed off / final.
    pub approved: bool,
    /// `original` of the `<file>`, else the XLIFF file's name.
    pub file: String,
    /// The unit's `<note>`s (written as TMX `<note>`s).
    pub notes: Vec<String>,
}

/// An XLIFF file read.
#[derive(Debug, Clone, Default)]
pub struct XliffDocument {
    /// `1.2` or `2.0` (as in the root element).
    pub version: String,
    /// Source language tag.
    pub src_lang: String,
    /// Target language tag.
    pub tgt_lang: String,
    /// The units taken.
    pub units: Vec<XliffUnit>,
    /// Units left out: untranslated, unconfirmed, empty target, or `translate="no"`.
    pub skipped: usize,
}

/// How to read XLIFF.
#[derive(Debug, Clone, Copy, Default)]
pub struct XliffOptions {
    /// Take approved / signed-off / final units only.
    pub approved_only: bool,
}

/// What [`import_xliff`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    /// Files read.
    pub files: usize,
    /// Units written.
    pub written: usize,
    /// Units left out (untranslated / unconfirmed / empty).
    pub skipped: usize,
    /// Source and target language tags.
    pub languages: (String, String),
}

/// Per-unit state while parsing.
#[derive(Debug, Default)]
struct Unit {
    id: String,
    translate: bool,
    approved: bool,
    /// 1.2: the target's `state`; 2.0: the segment's.
    state: Option<String>,
    mq_status: Option<String>,
    source: String,
    target: String,
    /// Segmented units (seg-source): mid → text.
    seg_source: BTreeMap<String, String>,
    seg_target: BTreeMap<String, String>,
    /// 2.0: the current segment's id.
    seg_id: Option<String>,
    /// `<note>`s of the unit.
    notes: Vec<String>,
    /// Trados segment confirmation: mid → conf.
    sdl_conf: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cap {
    None,
    Source,
    SegSource,
    Target,
    Note,
}

/// Collapses whitespace runs to one space and trims.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The bytes of an XLIFF file as UTF-8 (a UTF-16 BOM is decoded).
fn utf8(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>> {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(&bytes) {
        if enc != encoding_rs::UTF_8 {
            let (text, _, bad) = enc.decode(&bytes);
            if bad {
                return Err(Error::bad_input(path, format!("not valid {}", enc.name())));
            }
            return Ok(text.into_owned().into_bytes());
        }
    }
    if std::str::from_utf8(&bytes).is_err() {
        return Err(Error::bad_input(
            path,
            "not UTF-8 (XLIFF files are UTF-8 or UTF-16 with a BOM)",
        ));
    }
    Ok(bytes)
}

/// Whether a 1.2 / Trados / memoQ status counts as translated, and as approved.
fn judge_12(u: &Unit, mid: Option<&str>) -> (Option<String>, bool, bool) {
    if let Some(conf) = mid.and_then(|m| u.sdl_conf.get(m)) {
        let approved = conf.starts_with("Approved");
        let taken = approved || conf == "Translated";
        return (Some(conf.clone()), taken, approved || u.approved);
    }
    if !u.sdl_conf.is_empty() && mid.is_some() {
        // Trados wrote confirmation levels, but none for this segment: not translated.
        return (None, false, false);
    }
    if let Some(st) = &u.mq_status {
        let approved =
            st == "Proofread" || (st.starts_with("Reviewer") && st.contains("Confirmed"));
        let taken = approved || st.contains("Confirmed");
        return (
            Some(st.clone()),
            taken || u.approved,
            approved || u.approved,
        );
    }
    match u.state.as_deref() {
        Some(s) => {
            let approved = u.approved || matches!(s, "signed-off" | "final");
            (Some(s.to_string()), approved || s == "translated", approved)
        }
        None => (None, true, u.approved),
    }
}

/// Reads an XLIFF 1.2 or 2.0 file.
pub fn read_xliff(path: &Path, options: &XliffOptions) -> Result<XliffDocument> {
    if path.is_dir() {
        return Err(Error::bad_input(path, "is a directory, not a file"));
    }
    let bytes = crate::ingest::read_file_of(path, crate::ingest::FileKind::Xliff)?;
    read_xliff_bytes(path, bytes, options)
}

/// Reads the bytes of an XLIFF 1.2 or 2.0 file; `path` names it in messages and gives the
/// default `file` of units outside any `<file original>`.
pub fn read_xliff_bytes(
    path: &Path,
    bytes: Vec<u8>,
    options: &XliffOptions,
) -> Result<XliffDocument> {
    if bytes.is_empty() {
        return Err(Error::bad_input(path, "empty file"));
    }
    let bytes = utf8(path, bytes)?;
    let default_file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut doc = XliffDocument::default();
    let mut p = XmlPull::new(path, "", &bytes);
    let mut file = default_file.clone();
    let mut unit: Option<Unit> = None;
    let mut cap = Cap::None;
    // Open <mrk>s: the mid of a segment marker, None for other markers.
    let mut mrks: Vec<Option<String>> = Vec::new();
    let mut seen_root = false;
    let mut v2 = false;
    let push = |doc: &mut XliffDocument,
                id: String,
                source: &str,
                target: &str,
                judged: (Option<String>, bool, bool),
                file: &str,
                notes: &[String]| {
        let (state, taken, approved) = judged;
        let (source, target) = (clean(source), clean(target));
        if !taken || source.is_empty() || target.is_empty() || (options.approved_only && !approved)
        {
            doc.skipped += 1;
            return;
        }
        doc.units.push(XliffUnit {
            id,
            source,
            target,
            state,
            approved,
            file: file.to_string(),
            notes: notes.to_vec(),
        });
    };
    loop {
        match p.next_event()? {
            XmlEvent::Start(e) => {
                let qname = e.name();
                let name = local(qname.as_ref());
                if !seen_root {
                    seen_root = true;
                    if name != b"xliff" {
                        return Err(Error::bad_input(
                            path,
                            format!(
                                "not an XLIFF file (root element <{}>)",
                                String::from_utf8_lossy(qname.as_ref())
                            ),
                        ));
                    }
                    doc.version = attr(&e, b"version").unwrap_or_default();
                    v2 = doc.version.starts_with('2');
                    if !(doc.version.starts_with("1.") || v2) {
                        return Err(Error::bad_input(
                            path,
                            format!("XLIFF version {:?} not supported (1.2 or 2.0)", doc.version),
                        ));
                    }
                    if v2 {
                        doc.src_lang = attr(&e, b"srcLang").unwrap_or_default();
                        doc.tgt_lang = attr(&e, b"trgLang").unwrap_or_default();
                    }
                    continue;
                }
                match name {
                    b"file" => {
                        file = attr(&e, b"original").unwrap_or_else(|| default_file.clone());
                        if !v2 {
                            for (key, slot) in [
                                (&b"source-language"[..], &mut doc.src_lang),
                                (&b"target-language"[..], &mut doc.tgt_lang),
                            ] {
                                let Some(tag) = attr(&e, key) else { continue };
                                if slot.is_empty() {
                                    *slot = tag;
                                } else if !slot.eq_ignore_ascii_case(&tag) {
                                    return Err(Error::bad_input(
                                        path,
                                        format!(
                                            "<file> elements of different languages ({slot} and {tag}): import them separately"
                                        ),
                                    ));
                                }
                            }
                        }
                    }
                    b"note" if unit.is_some() => {
                        cap = Cap::Note;
                        if let Some(u) = unit.as_mut() {
                            u.notes.push(String::new());
                        }
                    }
                    b"notes" if unit.is_some() => {}
                    b"alt-trans" | b"note" | b"notes" | b"originalData" | b"metadata"
                    | b"ignorable" | b"header" | b"context-group" | b"count-group" => {
                        p.skip_element()?;
                    }
                    b"trans-unit" | b"unit" => {
                        unit = Some(Unit {
                            id: attr(&e, b"id").unwrap_or_default(),
                            translate: attr(&e, b"translate").as_deref() != Some("no"),
                            approved: attr(&e, b"approved").as_deref() == Some("yes"),
                            mq_status: attr_local(&e, b"status"),
                            ..Unit::default()
                        });
                    }
                    b"segment" if v2 => {
                        if let Some(u) = unit.as_mut() {
                            u.state = Some(attr(&e, b"state").unwrap_or_else(|| "initial".into()));
                            u.source.clear();
                            u.target.clear();
                            u.seg_source.clear();
                            u.seg_target.clear();
                            u.seg_id = attr(&e, b"id");
                        }
                    }
                    b"source" if unit.is_some() => cap = Cap::Source,
                    b"seg-source" if unit.is_some() => cap = Cap::SegSource,
                    b"target" if unit.is_some() => {
                        cap = Cap::Target;
                        if !v2 {
                            if let (Some(u), Some(st)) = (unit.as_mut(), attr(&e, b"state")) {
                                u.state = Some(st);
                            }
                        }
                    }
                    b"mrk" => {
                        let seg = attr(&e, b"mtype").as_deref() == Some("seg");
                        mrks.push(if seg { attr(&e, b"mid") } else { None });
                    }
                    b"seg" if qname.as_ref() != b"seg" => {
                        // Trados: <sdl:seg id="1" conf="Translated"/>
                        if let (Some(u), Some(id)) = (unit.as_mut(), attr(&e, b"id")) {
                            u.sdl_conf.insert(id, attr(&e, b"conf").unwrap_or_default());
                        }
                    }
                    b"bpt" | b"ept" | b"ph" | b"it" if !v2 => p.skip_element()?,
                    b"cp" if v2 => {
                        let c = attr(&e, b"hex")
                            .and_then(|h| u32::from_str_radix(&h, 16).ok())
                            .and_then(char::from_u32);
                        if let (Some(c), Some(u)) = (c, unit.as_mut()) {
                            match cap {
                                Cap::Source => u.source.push(c),
                                Cap::Target => u.target.push(c),
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            XmlEvent::End(qname) => match local(&qname) {
                b"source" | b"seg-source" | b"target" | b"note" => cap = Cap::None,
                b"mrk" => {
                    mrks.pop();
                }
                b"segment" if v2 => {
                    if let Some(u) = unit.as_mut() {
                        let id = match u.seg_id.take() {
                            Some(s) => format!("{}/{s}", u.id),
                            None => u.id.clone(),
                        };
                        let state = u.state.clone().unwrap_or_default();
                        let approved = matches!(state.as_str(), "reviewed" | "final");
                        let taken = u.translate && (approved || state == "translated");
                        push(
                            &mut doc,
                            id,
                            &u.source,
                            &u.target,
                            (Some(state), taken, approved),
                            &file,
                            &u.notes,
                        );
                    }
                }
                b"unit" if v2 => unit = None,
                b"trans-unit" => {
                    if let Some(u) = unit.take() {
                        if !u.translate {
                            doc.skipped += 1;
                        } else if u.seg_source.is_empty() {
                            let judged = judge_12(&u, None);
                            push(
                                &mut doc,
                                u.id.clone(),
                                &u.source,
                                &u.target,
                                judged,
                                &file,
                                &u.notes,
                            );
                        } else {
                            for (mid, src) in &u.seg_source {
                                let tgt = u.seg_target.get(mid).map(String::as_str).unwrap_or("");
                                let judged = judge_12(&u, Some(mid));
                                push(
                                    &mut doc,
                                    format!("{}/{mid}", u.id),
                                    src,
                                    tgt,
                                    judged,
                                    &file,
                                    &u.notes,
                                );
                            }
                        }
                    }
                }
                _ => {}
            },
            XmlEvent::Text(t) => {
                let Some(u) = unit.as_mut() else { continue };
                let mid = mrks.iter().rev().flatten().next();
                match cap {
                    Cap::Source => u.source.push_str(&t),
                    Cap::SegSource => {
                        if let Some(mid) = mid {
                            u.seg_source.entry(mid.clone()).or_default().push_str(&t);
                        }
                    }
                    Cap::Target => {
                        u.target.push_str(&t);
                        if let Some(mid) = mid {
                            u.seg_target.entry(mid.clone()).or_default().push_str(&t);
                        }
                    }
                    Cap::Note => {
                        if let Some(n) = u.notes.last_mut() {
                            n.push_str(&t);
                        }
                    }
                    Cap::None => {}
                }
            }
            XmlEvent::Eof => break,
        }
    }
    if !seen_root {
        return Err(Error::bad_input(
            path,
            "not an XLIFF file (no root element)",
        ));
    }
    Ok(doc)
}

/// The tmalign language of an XLIFF language tag.
fn lang_of(path: &Path, tag: &str, side: &str) -> Result<Lang> {
    if tag.is_empty() {
        return Err(Error::bad_input(
            path,
            format!("the {side} language is not given (source-language / target-language, srcLang / trgLang)"),
        ));
    }
    Lang::parse(tag).ok_or_else(|| {
        Error::bad_input(
            path,
            format!("{side} language {tag:?} is not one tmalign handles (zh, ru, en)"),
        )
    })
}

/// Reads XLIFF files (all of one language pair) and writes their translated units as one TMX
/// to `output`.
pub fn import_xliff(
    inputs: &[PathBuf],
    output: &Path,
    options: &XliffOptions,
) -> Result<ImportReport> {
    crate::output::ensure_not_input(output, inputs)?;
    let mut records = Vec::new();
    let mut report = ImportReport::default();
    let mut langs: Option<(Lang, Lang, String, String)> = None;
    for input in inputs {
        let doc = read_xliff(input, options)?;
        let src = lang_of(input, &doc.src_lang, "source")?;
        let tgt = lang_of(input, &doc.tgt_lang, "target")?;
        if src == tgt {
            return Err(Error::bad_input(
                input,
                format!("source and target are both {src}"),
            ));
        }
        match &langs {
            None => {
                langs = Some((
                    src,
                    tgt,
                    doc.src_lang.replace('_', "-"),
                    doc.tgt_lang.replace('_', "-"),
                ))
            }
            Some((s, t, ..)) if (*s, *t) != (src, tgt) => {
                return Err(Error::bad_input(
                    input,
                    format!("language pair {src}→{tgt} differs from the first file's {s}→{t}"),
                ))
            }
            _ => {}
        }
        report.files += 1;
        report.skipped += doc.skipped;
        for u in doc.units {
            let mut props = Vec::new();
            if let Some(st) = &u.state {
                props.push(("x-state".to_string(), st.clone()));
            }
            if u.approved {
                props.push(("x-approved".to_string(), "yes".to_string()));
            }
            props.push(("x-source-file".to_string(), u.file.clone()));
            props.push(("x-xliff-id".to_string(), u.id.clone()));
            records.push(TmxRecord {
                tuid: (records.len() + 1).to_string(),
                attributes: Vec::new(),
                props,
                source: u.source,
                target: u.target,
                notes: u
                    .notes
                    .iter()
                    .map(|n| clean(n))
                    .filter(|n| !n.is_empty())
                    .collect(),
            });
        }
    }
    let Some((src, tgt, src_tag, tgt_tag)) = langs else {
        return Err(Error::Usage("no XLIFF file given".into()));
    };
    if records.is_empty() {
        return Err(Error::bad_input(
            &inputs[0],
            format!(
                "no translated units to import ({} unit(s) untranslated, unconfirmed or empty)",
                report.skipped
            ),
        ));
    }
    let mut tmx = TmxOptions::new(src, tgt, "");
    for (lang, tag) in [(src, src_tag.clone()), (tgt, tgt_tag.clone())] {
        if Lang::parse(&tag) == Some(lang) {
            match lang {
                Lang::Zh => tmx.locales.zh = tag,
                Lang::Ru => tmx.locales.ru = tag,
                Lang::En => tmx.locales.en = tag,
            }
        }
    }
    crate::output::write_atomic_with(output, |w| write_tmx_records(w, &records, &tmx).map(|_| ()))?;
    report.written = records.len();
    report.languages = (src_tag, tgt_tag);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str, options: XliffOptions) -> Result<XliffDocument> {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("t.xlf");
        std::fs::write(&p, xml).unwrap();
        read_xliff(&p, &options)
    }

    #[test]
    fn xliff_12_states_and_inline_codes() {
        let xml = r#"<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="a.docx" source-language="zh-CN" target-language="ru-RU" datatype="x"><body>
  <trans-unit id="1"><source>双方<g id="1">签署了</g>协议。</source><target state="translated">Стороны <g id="1">подписали</g> соглашение.</target></trans-unit>
  <trans-unit id="2"><source>草稿。</source><target state="needs-review-translation">Черновик.</target></trans-unit>
  <trans-unit id="3" approved="yes"><source>第<ph id="1">&lt;b&gt;</ph>三<x id="2"/>。</source><target>Третий.</target>
    <alt-trans><target>Другой.</target></alt-trans><note>n</note></trans-unit>
  <trans-unit id="4"><source>空。</source><target/></trans-unit>
  <trans-unit id="5" translate="no"><source>代码</source><target>код</target></trans-unit>
 </body></file></xliff>"#;
        let d = read(xml, XliffOptions::default()).unwrap();
        assert_eq!(
            (d.src_lang.as_str(), d.tgt_lang.as_str()),
            ("zh-CN", "ru-RU")
        );
        let got: Vec<(&str, &str, &str)> = d
            .units
            .iter()
            .map(|u| (u.id.as_str(), u.source.as_str(), u.target.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("1", "双方签署了协议。", "Стороны подписали соглашение."),
                ("3", "第三。", "Третий.")
            ]
        );
        assert!(d.units[1].approved && d.units[0].state.as_deref() == Some("translated"));
        assert_eq!(d.units[0].file, "a.docx");
        assert_eq!(d.skipped, 3);
        let d = read(
            xml,
            XliffOptions {
                approved_only: true,
            },
        )
        .unwrap();
        assert_eq!(d.units.len(), 1);
    }

    #[test]
    fn sdlxliff_segments_and_confirmation() {
        let xml = r#"<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0">
<file original="r.docx" source-language="zh-CN" target-language="ru-RU"><body>
<trans-unit id="u1"><source>一。二。</source>
 <seg-source><mrk mtype="seg" mid="1">一。</mrk><mrk mtype="seg" mid="2">二。</mrk></seg-source>
 <target><mrk mtype="seg" mid="1">Один.</mrk><mrk mtype="seg" mid="2">Два.</mrk></target>
 <sdl:seg-defs><sdl:seg id="1" conf="ApprovedTranslation"/><sdl:seg id="2" conf="Draft"/></sdl:seg-defs>
</trans-unit></body></file></xliff>"#;
        let d = read(xml, XliffOptions::default()).unwrap();
        assert_eq!(d.units.len(), 1);
        assert_eq!(
            (
                d.units[0].id.as_str(),
                d.units[0].source.as_str(),
                d.units[0].target.as_str()
            ),
            ("u1/1", "一。", "Один.")
        );
        assert!(d.units[0].approved);
        assert_eq!(d.skipped, 1);
    }

    #[test]
    fn mqxliff_status() {
        let xml = r#"<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2" xmlns:mq="MQXliff">
<file original="m.docx" source-language="ru" target-language="zh"><body>
<trans-unit id="1" mq:status="ManuallyConfirmed"><source>Да.</source><target>是。</target></trans-unit>
<trans-unit id="2" mq:status="PartiallyEdited"><source>Нет.</source><target>不。</target></trans-unit>
</body></file></xliff>"#;
        let d = read(xml, XliffOptions::default()).unwrap();
        assert_eq!(d.units.len(), 1);
        assert_eq!(d.units[0].state.as_deref(), Some("ManuallyConfirmed"));
    }

    #[test]
    fn xliff_20() {
        let xml = r#"<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh-CN" trgLang="ru-RU">
<file id="f1" original="x.odt"><unit id="1"><originalData><data id="d1">&lt;b&gt;</data></originalData>
 <segment id="s1" state="final"><source>你<pc id="1">好</pc><ph id="2" dataRef="d1"/>。</source><target>При<pc id="1">вет</pc>.</target></segment>
 <ignorable><source> </source></ignorable>
 <segment id="s2"><source>未译。</source><target>Не переведено.</target></segment>
 <segment id="s3" state="translated"><source>A<cp hex="4E2D"/></source><target>Б</target></segment>
</unit></file></xliff>"#;
        let d = read(xml, XliffOptions::default()).unwrap();
        let got: Vec<(&str, &str, &str, bool)> = d
            .units
            .iter()
            .map(|u| {
                (
                    u.id.as_str(),
                    u.source.as_str(),
                    u.target.as_str(),
                    u.approved,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("1/s1", "你好。", "Привет.", true),
                ("1/s3", "A中", "Б", false)
            ]
        );
        assert_eq!(d.skipped, 1);
    }

    #[test]
    fn hostile_and_wrong_files() {
        let e = read(
            r#"<!DOCTYPE x [<!ENTITY a "aaaa">]><xliff version="1.2">&a;</xliff>"#,
            XliffOptions::default(),
        )
        .unwrap_err();
        assert!(e.is_bad_input() && e.to_string().contains("DOCTYPE"), "{e}");
        let e = read("<tmx version=\"1.4\"/>", XliffOptions::default()).unwrap_err();
        assert!(e.to_string().contains("not an XLIFF"), "{e}");
        let e = read("<xliff version=\"1.2\"><file>", XliffOptions::default()).unwrap_err();
        assert!(e.is_bad_input(), "{e}");
    }
}

//! DOCX (Office Open XML, WordprocessingML) reader: the parts of a `.docx` → [`OfficeText`].
//!
//! * The main part is found through `_rels/.rels` (`officeDocument`), else `word/document.xml`;
//!   footnotes, endnotes, headers and footers through the main part's relationships (headers
//!   and footers in the order the sections reference them).
//! * Paragraphs (`w:p`) in document order; table cells' paragraphs row by row; text boxes
//!   (`w:txbxContent`) after the paragraph that anchors them; `mc:Fallback` (the VML copy of a
//!   text box) skipped so that nothing is read twice.
//! * Text: `w:t`; `w:tab` → space; `w:br` / `w:cr` → line break (joined like plain-text lines);
//!   `w:noBreakHyphen` → `-`; `w:softHyphen` dropped; hidden runs (`w:vanish`), ruby
//!   annotations (`w:rt`: pinyin over characters) and equations (`m:oMath`) dropped.
//! * Tracked changes as accepted: `w:del` / `w:moveFrom` dropped, `w:ins` / `w:moveTo` kept.
//! * Fields: instructions never read; the results of layout fields (page numbers, TOC, index,
//!   dates: [`dropped_field`]) dropped, the results of others (hyperlinks, cross-references)
//!   kept.
//! * Footnote separators (`w:type="separator"` …) skipped.
//! * Inline formatting ([`super::inline`]): runs' bold (`w:b`), italic (`w:i`), underline
//!   (`w:u` other than `none`), superscript / subscript (`w:vertAlign`), directly or through
//!   a character style (`w:rStyle`, resolved from `word/styles.xml` with its `w:basedOn`
//!   chain; direct formatting after it overrides it), hyperlinks
//!   (`w:hyperlink`, `HYPERLINK` fields) become paired codes, footnote and endnote references
//!   isolated ones.

use super::archive::{resolve, Archive};
use super::inline::{CodeKind, FormatChange, FormatTracker};
use super::office::{dropped_field, OfficeText, Paragraphs};
use super::xml::{attr, attr_local, local, XmlEvent, XmlPull};
use crate::{Error, Result};
use std::path::Path;

/// One relationship of a part.
#[derive(Debug, Clone)]
struct Rel {
    id: String,
    kind: String,
    target: String,
}

/// Reads the relationships part `rels_name`; none when it is missing.
fn read_rels(path: &Path, archive: &mut Archive, rels_name: &str, base: &str) -> Result<Vec<Rel>> {
    let Some(xml) = archive.read(rels_name)? else {
        return Ok(Vec::new());
    };
    let mut p = XmlPull::new(path, rels_name, &xml);
    let mut out = Vec::new();
    loop {
        match p.next_event()? {
            XmlEvent::Start(e) if local(e.name().as_ref()) == b"Relationship" => {
                if attr(&e, b"TargetMode").as_deref() == Some("External") {
                    continue;
                }
                let kind = attr(&e, b"Type").unwrap_or_default();
                let kind = kind.rsplit('/').next().unwrap_or("").to_string();
                out.push(Rel {
                    id: attr(&e, b"Id").unwrap_or_default(),
                    kind,
                    target: resolve(base, &attr(&e, b"Target").unwrap_or_default()),
                });
            }
            XmlEvent::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The relationships part of `part` (`word/document.xml` → `word/_rels/document.xml.rels`).
fn rels_name(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/_rels/{name}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// Reads the text of the DOCX in `archive`.
pub fn read(path: &Path, archive: &mut Archive) -> Result<OfficeText> {
    let root = read_rels(path, archive, "_rels/.rels", "")?;
    let main = root
        .iter()
        .find(|r| r.kind == "officeDocument")
        .map(|r| r.target.clone())
        .unwrap_or_else(|| "word/document.xml".into());
    if main.starts_with("xl/") || main.starts_with("ppt/") {
        return Err(Error::bad_input(
            path,
            "a spreadsheet or presentation (XLSX/PPTX), not a text document",
        ));
    }
    let xml = archive.read_required(&main, "not a Word document")?;
    let rels = read_rels(path, archive, &rels_name(&main), &main)?;
    let styles = match rels.iter().find(|r| r.kind == "styles") {
        Some(rel) => match archive.read(&rel.target)? {
            Some(xml) => char_styles(path, &rel.target, &xml)?,
            None => CharStyles::default(),
        },
        None => CharStyles::default(),
    };
    let mut text = OfficeText::default();
    let body = parse_part(path, &main, &xml, &styles, &mut text)?;
    text.body = body.paragraphs;
    for (kind, sink) in [("footnotes", 0), ("endnotes", 1)] {
        for rel in rels.iter().filter(|r| r.kind == kind) {
            if let Some(xml) = archive.read(&rel.target)? {
                let ps = parse_part(path, &rel.target, &xml, &styles, &mut text)?.paragraphs;
                if sink == 0 {
                    text.footnotes.extend(ps);
                } else {
                    text.endnotes.extend(ps);
                }
            }
        }
    }
    let mut seen = Vec::new();
    for id in &body.section_refs {
        let Some(rel) = rels.iter().find(|r| &r.id == id) else {
            continue;
        };
        if seen.contains(&rel.target) {
            continue;
        }
        seen.push(rel.target.clone());
        if let Some(xml) = archive.read(&rel.target)? {
            let ps = parse_part(path, &rel.target, &xml, &styles, &mut text)?.paragraphs;
            match rel.kind.as_str() {
                "header" => text.headers.extend(ps),
                "footer" => text.footers.extend(ps),
                _ => {}
            }
        }
    }
    Ok(text)
}

/// The effect of run property `name` with value `val`; none for properties that are not
/// inline codes.
fn run_property(name: &[u8], val: Option<&str>) -> Option<FormatChange> {
    let on = !matches!(val, Some("0" | "false" | "off" | "none"));
    let (clears, sets): (&'static [CodeKind], _) = match name {
        b"w:b" => (&[CodeKind::Bold], on.then_some(CodeKind::Bold)),
        b"w:i" => (&[CodeKind::Italic], on.then_some(CodeKind::Italic)),
        b"w:u" => (&[CodeKind::Underline], on.then_some(CodeKind::Underline)),
        b"w:vertAlign" => (
            &[CodeKind::Superscript, CodeKind::Subscript],
            match val {
                Some("superscript") => Some(CodeKind::Superscript),
                Some("subscript") => Some(CodeKind::Subscript),
                _ => None,
            },
        ),
        _ => return None,
    };
    Some(FormatChange { clears, sets })
}

/// Character styles (`w:style w:type="character"` of `word/styles.xml`) by style id: the
/// formatting a run naming it in `w:rStyle` gets (Word's built-in `Strong`, `Emphasis`,
/// `Hyperlink`, and any style a template defines), `w:basedOn` chains resolved.
type CharStyles = std::collections::HashMap<String, Vec<CodeKind>>;

/// Longest `w:basedOn` chain followed (Word itself stops far earlier; a cycle in a hostile
/// file ends there too).
const MAX_STYLE_DEPTH: usize = 16;

/// Reads the character styles of a styles part.
fn char_styles(path: &Path, part: &str, xml: &[u8]) -> Result<CharStyles> {
    // id → (based on, effects in document order)
    let mut raw: std::collections::HashMap<String, (Option<String>, Vec<FormatChange>)> =
        Default::default();
    let mut p = XmlPull::new(path, part, xml);
    let mut current: Option<(String, Option<String>, Vec<FormatChange>)> = None;
    let mut in_run_props = false;
    loop {
        match p.next_event()? {
            XmlEvent::Start(e) => match e.name().as_ref() {
                b"w:style" => {
                    current = (attr(&e, b"w:type").as_deref() == Some("character"))
                        .then(|| attr(&e, b"w:styleId"))
                        .flatten()
                        .map(|id| (id, None, Vec::new()));
                }
                b"w:basedOn" => {
                    if let Some(c) = current.as_mut() {
                        c.1 = attr(&e, b"w:val");
                    }
                }
                b"w:rPr" => in_run_props = current.is_some(),
                name if in_run_props => {
                    let effect = run_property(name, attr(&e, b"w:val").as_deref());
                    if let (Some(c), Some(effect)) = (current.as_mut(), effect) {
                        c.2.push(effect);
                    }
                }
                _ => {}
            },
            XmlEvent::End(name) => match name.as_slice() {
                b"w:rPr" => in_run_props = false,
                b"w:style" => {
                    if let Some((id, based_on, effects)) = current.take() {
                        raw.insert(id, (based_on, effects));
                    }
                }
                _ => {}
            },
            XmlEvent::Eof => break,
            _ => {}
        }
    }
    let mut out = CharStyles::default();
    for id in raw.keys() {
        let mut chain: Vec<&str> = Vec::new();
        let mut next = Some(id.as_str());
        while let Some(c) = next {
            if chain.len() >= MAX_STYLE_DEPTH || chain.contains(&c) {
                break;
            }
            let Some((based_on, _)) = raw.get(c) else {
                break;
            };
            chain.push(c);
            next = based_on.as_deref();
        }
        let mut kinds = Vec::new();
        for c in chain.iter().rev() {
            for effect in &raw[*c].1 {
                effect.apply(&mut kinds);
            }
        }
        if !kinds.is_empty() {
            out.insert(id.clone(), kinds);
        }
    }
    Ok(out)
}

/// What one part yields.
struct PartText {
    paragraphs: Vec<String>,
    /// Relationship ids of header / footer references, in order.
    section_refs: Vec<String>,
}

/// Element codes on the open-element stack (only what the rules look at).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Run,
    RunProps,
    Other,
}

/// Parses one WordprocessingML part (document, footnotes, endnotes, header, footer).
fn parse_part(
    path: &Path,
    part: &str,
    xml: &[u8],
    styles: &CharStyles,
    stats: &mut OfficeText,
) -> Result<PartText> {
    let mut p = XmlPull::new(path, part, xml);
    let mut paras = Paragraphs::default();
    let mut section_refs = Vec::new();
    let mut stack: Vec<Tag> = Vec::new();
    // Complex fields: (instruction, in the result part).
    let mut fields: Vec<(String, bool)> = Vec::new();
    let (mut in_t, mut in_instr, mut hidden) = (false, false, false);
    // formatting of the current run, and hyperlink elements open
    let mut style: Vec<CodeKind> = Vec::new();
    let mut links = 0usize;
    loop {
        match p.next_event()? {
            XmlEvent::Start(e) => {
                let name = e.name();
                let name = name.as_ref();
                let parent = stack.last().copied();
                let mut tag = Tag::Other;
                match name {
                    b"w:p" => {
                        // a text box's paragraph inside a formatted run: the run's
                        // formatting closes in the anchoring paragraph first
                        let close = stats.format.close_all();
                        paras.text(&close);
                        paras.open()
                    }
                    b"w:hyperlink" => links += 1,
                    b"w:del" | b"w:moveFrom" => {
                        stats.deletions += 1;
                        p.skip_element()?;
                        continue;
                    }
                    b"w:ins" | b"w:moveTo" => stats.insertions += 1,
                    b"mc:Fallback" | b"w:delText" | b"w:delInstrText" | b"w:sdtPr"
                    | b"w:fldData" | b"w:rt" | b"m:oMath" | b"m:oMathPara" => {
                        p.skip_element()?;
                        continue;
                    }
                    b"w:footnote" | b"w:endnote"
                        if attr(&e, b"w:type").is_some_and(|t| t != "normal") =>
                    {
                        p.skip_element()?;
                        continue;
                    }
                    b"w:r" => {
                        hidden = false;
                        style.clear();
                        tag = Tag::Run;
                    }
                    b"w:b" | b"w:i" | b"w:u" | b"w:vertAlign" if parent == Some(Tag::RunProps) => {
                        if let Some(effect) = run_property(name, attr(&e, b"w:val").as_deref()) {
                            effect.apply(&mut style);
                        }
                    }
                    // the run's character style comes first in `w:rPr`: direct formatting
                    // after it overrides it
                    b"w:rStyle" if parent == Some(Tag::RunProps) => {
                        if let Some(kinds) = attr(&e, b"w:val").and_then(|id| styles.get(&id)) {
                            for k in kinds {
                                if !style.contains(k) {
                                    style.push(*k);
                                }
                            }
                        }
                    }
                    b"w:footnoteReference" | b"w:endnoteReference"
                        if parent == Some(Tag::Run) && !hidden =>
                    {
                        let kind = if name == b"w:footnoteReference" {
                            CodeKind::FootnoteRef
                        } else {
                            CodeKind::EndnoteRef
                        };
                        let m = stats.format.isolated(kind);
                        paras.text(&m);
                    }
                    b"w:rPr" if parent == Some(Tag::Run) => tag = Tag::RunProps,
                    b"w:vanish" | b"w:specVanish" if parent == Some(Tag::RunProps) => {
                        hidden =
                            !matches!(attr(&e, b"w:val").as_deref(), Some("0" | "false" | "off"));
                    }
                    b"w:t" => in_t = true,
                    b"w:instrText" => in_instr = true,
                    b"w:tab" | b"w:ptab" if parent == Some(Tag::Run) => {
                        emit(&mut paras, &fields, hidden, "\t", None)
                    }
                    b"w:br" | b"w:cr" if parent == Some(Tag::Run) => {
                        emit(&mut paras, &fields, hidden, "\n", None)
                    }
                    b"w:noBreakHyphen" if parent == Some(Tag::Run) => {
                        let f = (&mut stats.format, style.as_slice(), links);
                        emit(&mut paras, &fields, hidden, "-", Some(f))
                    }
                    b"w:fldChar" => match attr(&e, b"w:fldCharType").as_deref() {
                        Some("begin") => fields.push((String::new(), false)),
                        Some("separate") => {
                            if let Some(f) = fields.last_mut() {
                                f.1 = true;
                            }
                        }
                        Some("end") => {
                            fields.pop();
                        }
                        _ => {}
                    },
                    b"w:fldSimple" if dropped_field(&attr(&e, b"w:instr").unwrap_or_default()) => {
                        p.skip_element()?;
                        continue;
                    }
                    b"w:headerReference" | b"w:footerReference" => {
                        if let Some(id) = attr_local(&e, b"id") {
                            section_refs.push(id);
                        }
                    }
                    _ => {}
                }
                stack.push(tag);
            }
            XmlEvent::End(name) => {
                stack.pop();
                match name.as_slice() {
                    b"w:p" => {
                        let close = stats.format.close_all();
                        paras.text(&close);
                        paras.close()
                    }
                    b"w:hyperlink" => links = links.saturating_sub(1),
                    b"w:t" => in_t = false,
                    b"w:instrText" => in_instr = false,
                    _ => {}
                }
            }
            XmlEvent::Text(t) => {
                if in_instr {
                    if let Some(f) = fields.last_mut() {
                        f.0.push_str(&t);
                    }
                } else if in_t && paras.is_open() {
                    let f = (&mut stats.format, style.as_slice(), links);
                    emit(&mut paras, &fields, hidden, &t, Some(f));
                }
            }
            XmlEvent::Eof => break,
        }
    }
    Ok(PartText {
        paragraphs: paras.out,
        section_refs,
    })
}

/// The formatting tracker, the run's formatting and the number of open hyperlinks.
type Formatting<'a> = (&'a mut FormatTracker, &'a [CodeKind], usize);

/// Appends visible text: not in a hidden run, not in a field instruction or a layout field's
/// result; with `format`, preceded by the codes that bring the formatting to the run's (a
/// `HYPERLINK` field's result counts as a link). Spacing (tabs, breaks) takes none.
fn emit(
    paras: &mut Paragraphs,
    fields: &[(String, bool)],
    hidden: bool,
    text: &str,
    format: Option<Formatting<'_>>,
) {
    if hidden
        || fields
            .iter()
            .any(|(instr, in_result)| !in_result || dropped_field(instr))
    {
        return;
    }
    if let Some((tracker, style, links)) = format {
        let in_link_field = fields
            .iter()
            .any(|(instr, _)| instr.trim_start().starts_with("HYPERLINK"));
        let mut wanted = style.to_vec();
        if links > 0 || in_link_field {
            wanted.push(CodeKind::Link);
        }
        let m = tracker.transition(&wanted);
        paras.text(&m);
    }
    paras.text(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(inner: &str) -> Vec<String> {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{inner}</w:body></w:document>"#
        );
        let mut stats = OfficeText::default();
        parse_part(
            Path::new("t.docx"),
            "word/document.xml",
            xml.as_bytes(),
            &CharStyles::default(),
            &mut stats,
        )
        .unwrap()
        .paragraphs
        .iter()
        .map(|p| crate::ingest::inline::strip_markers(p))
        .collect()
    }

    #[test]
    fn runs_tables_and_breaks() {
        let ps = body(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>Hello</w:t></w:r><w:r><w:t xml:space="preserve"> world</w:t><w:tab/><w:t>x</w:t><w:br/><w:t>y</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>B1</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
        );
        assert_eq!(ps, ["Hello world\tx\ny", "A1", "B1"]);
    }

    #[test]
    fn tracked_changes_fields_hidden() {
        let ps = body(
            r#"<w:p><w:r><w:t>Keep </w:t></w:r><w:del><w:r><w:delText>gone </w:delText></w:r></w:del><w:ins><w:r><w:t>new </w:t></w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r><w:r><w:t>end</w:t></w:r></w:p>
<w:p><w:r><w:t>Page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr="NUMPAGES"><w:r><w:t>9</w:t></w:r></w:fldSimple></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK "http://x"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>link</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#,
        );
        assert_eq!(ps, ["Keep new end", "Page ", "link"]);
        let ps = body(
            r#"<w:p><w:r><w:ruby><w:rt><w:r><w:t>zhōng</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>中</w:t></w:r></w:rubyBase></w:ruby></w:r><w:r><w:t>文</w:t></w:r></w:p>"#,
        );
        assert_eq!(ps, ["中文"]);
    }

    #[test]
    fn text_boxes_once_after_anchor() {
        let ps = body(
            r#"<w:p><w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Box</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Box</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p><w:p><w:r><w:t>Next</w:t></w:r></w:p>"#,
        );
        assert_eq!(ps, ["Anchor", "Box", "Next"]);
    }

    #[test]
    fn footnote_separators_skipped() {
        let xml = r#"<w:footnotes xmlns:w="x"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Note.</w:t></w:r></w:p></w:footnote></w:footnotes>"#;
        let mut stats = OfficeText::default();
        let ps = parse_part(
            Path::new("t.docx"),
            "f",
            xml.as_bytes(),
            &CharStyles::default(),
            &mut stats,
        )
        .unwrap()
        .paragraphs;
        assert_eq!(ps, [" Note."]);
    }

    /// The paragraphs of `inner` with their codes written as `[Bold]`…`[/Bold]`.
    fn formatted(styles_xml: &str, inner: &str) -> Vec<String> {
        use crate::ingest::inline::{marker_index, Role};
        let styles = char_styles(
            Path::new("t.docx"),
            "word/styles.xml",
            styles_xml.as_bytes(),
        )
        .unwrap();
        let xml = format!(
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{inner}</w:body></w:document>"#
        );
        let mut stats = OfficeText::default();
        let ps = parse_part(
            Path::new("t.docx"),
            "word/document.xml",
            xml.as_bytes(),
            &styles,
            &mut stats,
        )
        .unwrap()
        .paragraphs;
        ps.iter()
            .map(|p| {
                p.chars()
                    .map(|c| match marker_index(c) {
                        Some(i) => {
                            let e = stats.format.events[i];
                            match e.role {
                                Role::Open => format!("[{:?}]", e.kind),
                                Role::Close => format!("[/{:?}]", e.kind),
                                Role::Isolated => format!("[{:?}/]", e.kind),
                            }
                        }
                        None => c.to_string(),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn character_styles_format_runs() {
        let styles = r#"<w:styles xmlns:w="x">
<w:style w:type="paragraph" w:styleId="Heading1"><w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Strong"><w:rPr><w:b/><w:bCs/></w:rPr></w:style>
<w:style w:type="character" w:styleId="StrongEm"><w:basedOn w:val="Strong"/><w:rPr><w:i/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Plain"><w:basedOn w:val="Strong"/><w:rPr><w:b w:val="0"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="LoopA"><w:basedOn w:val="LoopB"/><w:rPr><w:u w:val="single"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="LoopB"><w:basedOn w:val="LoopA"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>
</w:styles>"#;
        let run = |style: &str, direct: &str, text: &str| {
            format!(
                r#"<w:r><w:rPr><w:rStyle w:val="{style}"/>{direct}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#
            )
        };
        let p = |runs: &[String]| format!("<w:p>{}</w:p>", runs.concat());
        let doc = [
            p(&[run("Strong", "", "a"), run("None", "", " b")]),
            p(&[run("StrongEm", "", "c")]),
            p(&[
                run("Plain", "", "d"),
                run("Strong", r#"<w:b w:val="0"/>"#, "e"),
            ]),
            p(&[run("LoopA", "", "f")]),
            p(&[run("Heading1", "", "g")]),
        ]
        .concat();
        assert_eq!(
            formatted(styles, &doc),
            [
                "[Bold]a[/Bold] b",
                "[Bold][Italic]c[/Italic][/Bold]",
                "de",
                "[Underline][Superscript]f[/Superscript][/Underline]",
                "g",
            ]
        );
    }
}

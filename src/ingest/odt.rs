//! ODT (OpenDocument text) reader: `content.xml` and `styles.xml` of a `.odt` → [`OfficeText`].
//!
//! * `mimetype` must name a text document (`application/vnd.oasis.opendocument.text…`); a
//!   spreadsheet or presentation is refused. A `META-INF/manifest.xml` with
//!   `manifest:encryption-data` means the parts are encrypted → refused ("password-protected").
//! * Paragraphs and headings (`text:p`, `text:h`) of `office:text` in document order; table
//!   cells row by row; text boxes (`draw:text-box`) after the paragraph that anchors them.
//! * Text: character data with XML whitespace read as a space (ODF collapses it);
//!   `text:s` → spaces, `text:tab` → space, `text:line-break` → line break.
//! * Notes (`text:note`): the citation is dropped, the body goes to the footnote or endnote
//!   stream (`text:note-class`).
//! * Tracked changes as accepted: `text:tracked-changes` (which holds the deleted text) is
//!   skipped; inserted text is in the body already.
//! * Layout fields (page number / count, dates, file name, chapter) and generated indexes
//!   (table of contents, alphabetical index, bibliography) dropped; annotations, embedded
//!   binary data and ruby annotations (`text:ruby-text`: pinyin over characters) dropped.
//! * Inline formatting ([`super::inline`]): spans (`text:span`) whose automatic style makes
//!   text bold, italic, underlined, superscript or subscript, and links (`text:a`) become
//!   paired codes; a note's place in the text an isolated code.
//! * Headers and footers: `style:header` / `style:footer` (and their `-left` / `-first`
//!   variants) of the master pages in `styles.xml`.

use super::archive::Archive;
use super::inline::{CodeKind, FormatChange};
use super::office::{OfficeText, Paragraphs};
use super::xml::{attr, XmlEvent, XmlPull};
use crate::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

/// Elements whose whole content is dropped.
const SKIPPED: &[&[u8]] = &[
    b"text:tracked-changes",
    b"office:annotation",
    b"office:annotation-end",
    b"text:note-citation",
    b"text:table-of-content",
    b"text:alphabetical-index",
    b"text:illustration-index",
    b"text:table-index",
    b"text:object-index",
    b"text:user-index",
    b"text:bibliography",
    b"text:page-number",
    b"text:page-count",
    b"text:page-continuation",
    b"text:date",
    b"text:time",
    b"text:file-name",
    b"text:chapter",
    b"text:sequence-decls",
    b"text:variable-decls",
    b"text:user-field-decls",
    b"office:forms",
    b"svg:title",
    b"svg:desc",
    b"office:styles",
    b"office:font-face-decls",
    b"office:scripts",
    b"office:event-listeners",
    b"office:binary-data",
    b"text:ruby-text",
];

/// Reads the text of the ODT in `archive`.
pub fn read(path: &Path, archive: &mut Archive) -> Result<OfficeText> {
    if let Some(mime) = archive.read("mimetype")? {
        let mime = String::from_utf8_lossy(&mime);
        let mime = mime.trim();
        if !mime.starts_with("application/vnd.oasis.opendocument.text") {
            return Err(Error::bad_input(
                path,
                format!("an OpenDocument file of type {mime:?}, not a text document (ODT)"),
            ));
        }
    }
    if let Some(manifest) = archive.read("META-INF/manifest.xml")? {
        if manifest
            .windows(b"encryption-data".len())
            .any(|w| w == b"encryption-data")
        {
            return Err(Error::bad_input(
                path,
                "encrypted (password-protected) document: remove the password and save it again",
            ));
        }
    }
    let content = archive.read_required("content.xml", "not an OpenDocument text")?;
    let styles = archive.read("styles.xml")?;
    let common = match &styles {
        Some(xml) => common_text_styles(path, xml)?,
        None => StyleTable::default(),
    };
    let mut text = OfficeText::default();
    parse(path, "content.xml", &content, &common, &mut text, false)?;
    if let Some(styles) = styles {
        parse(path, "styles.xml", &styles, &common, &mut text, true)?;
    }
    Ok(text)
}

/// Where finished paragraphs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    Body,
    Footnote,
    Endnote,
    Header,
    Footer,
}

/// Parses `content.xml` (the body and notes) or `styles.xml` (`styles`: headers and footers).
fn parse(
    path: &Path,
    part: &str,
    xml: &[u8],
    common: &StyleTable,
    out: &mut OfficeText,
    styles: bool,
) -> Result<()> {
    let mut p = XmlPull::new(path, part, xml);
    // One collector per open stream: the body (or a header), and a note body inside it.
    let mut collectors: Vec<(Sink, Paragraphs)> = Vec::new();
    if !styles {
        collectors.push((Sink::Body, Paragraphs::default()));
    }
    let mut note_class: Sink = Sink::Footnote;
    // automatic text styles of this part; the formatting of each open span / link
    let mut automatic = StyleTable::default();
    let mut style_name: Option<String> = None;
    let mut spans: Vec<Vec<CodeKind>> = Vec::new();
    let mut saved_spans: Vec<Vec<Vec<CodeKind>>> = Vec::new();
    let finish = |sink: Sink, ps: Paragraphs, out: &mut OfficeText| {
        let target = match sink {
            Sink::Body => &mut out.body,
            Sink::Footnote => &mut out.footnotes,
            Sink::Endnote => &mut out.endnotes,
            Sink::Header => &mut out.headers,
            Sink::Footer => &mut out.footers,
        };
        target.extend(ps.out);
    };
    loop {
        match p.next_event()? {
            XmlEvent::Start(e) => {
                let name = e.name();
                let name = name.as_ref();
                if SKIPPED.contains(&name) {
                    p.skip_element()?;
                    continue;
                }
                let cur = collectors.last_mut().map(|c| &mut c.1);
                match name {
                    b"style:style" => {
                        style_name = attr(&e, b"style:name");
                        if let Some(n) = &style_name {
                            let parent = attr(&e, b"style:parent-style-name");
                            automatic.insert(n.clone(), (parent, Vec::new()));
                        }
                    }
                    b"style:text-properties" => {
                        if let Some(entry) = style_name.as_ref().and_then(|n| automatic.get_mut(n))
                        {
                            entry.1.extend(text_changes(&e));
                        }
                    }
                    b"text:span" => spans.push(
                        attr(&e, b"text:style-name")
                            .map(|n| resolve_style(&n, &automatic, common))
                            .unwrap_or_default(),
                    ),
                    b"text:a" => spans.push(vec![CodeKind::Link]),
                    b"text:p" | b"text:h" => {
                        if let Some(c) = cur {
                            c.open()
                        }
                    }
                    b"text:s" => {
                        let n: usize = attr(&e, b"text:c")
                            .and_then(|c| c.parse().ok())
                            .unwrap_or(1)
                            .min(100);
                        if let Some(c) = cur {
                            c.text(&" ".repeat(n))
                        }
                    }
                    b"text:tab" => {
                        if let Some(c) = cur {
                            c.text("\t")
                        }
                    }
                    b"text:line-break" => {
                        if let Some(c) = cur {
                            c.text("\n")
                        }
                    }
                    b"text:note" => {
                        note_class = if attr(&e, b"text:note-class").as_deref() == Some("endnote") {
                            Sink::Endnote
                        } else {
                            Sink::Footnote
                        };
                        if let Some(c) = cur {
                            let kind = if note_class == Sink::Endnote {
                                CodeKind::EndnoteRef
                            } else {
                                CodeKind::FootnoteRef
                            };
                            c.text(&out.format.isolated(kind));
                        }
                    }
                    b"text:note-body" => {
                        // the anchoring paragraph's formatting stops at the note and
                        // resumes after it
                        if let Some(c) = cur {
                            c.text(&out.format.close_all());
                        }
                        saved_spans.push(std::mem::take(&mut spans));
                        collectors.push((note_class, Paragraphs::default()))
                    }
                    // Where a tracked deletion was (its text is in text:tracked-changes) and
                    // where a tracked insertion starts.
                    b"text:change" => out.deletions += 1,
                    b"text:change-start" => out.insertions += 1,
                    b"style:header" | b"style:header-left" | b"style:header-first" if styles => {
                        collectors.push((Sink::Header, Paragraphs::default()))
                    }
                    b"style:footer" | b"style:footer-left" | b"style:footer-first" if styles => {
                        collectors.push((Sink::Footer, Paragraphs::default()))
                    }
                    _ => {}
                }
            }
            XmlEvent::End(name) => match name.as_slice() {
                b"text:p" | b"text:h" => {
                    if let Some((_, c)) = collectors.last_mut() {
                        c.text(&out.format.close_all());
                        c.close()
                    }
                }
                b"text:span" | b"text:a" => {
                    spans.pop();
                }
                b"style:style" => style_name = None,
                b"text:note-body" => {
                    if let Some((sink, c)) = collectors.pop() {
                        finish(sink, c, out);
                    }
                    spans = saved_spans.pop().unwrap_or_default();
                }
                b"style:header"
                | b"style:header-left"
                | b"style:header-first"
                | b"style:footer"
                | b"style:footer-left"
                | b"style:footer-first"
                    if styles =>
                {
                    if let Some((sink, c)) = collectors.pop() {
                        finish(sink, c, out);
                    }
                }
                _ => {}
            },
            XmlEvent::Text(t) => {
                if let Some((_, c)) = collectors.last_mut() {
                    if c.is_open() {
                        let wanted: Vec<CodeKind> = spans.iter().flatten().copied().collect();
                        c.text(&out.format.transition(&wanted));
                        // XML whitespace in ODF text is a space; `text:s` / `text:tab` /
                        // `text:line-break` carry the significant ones.
                        c.text(&t.replace(['\n', '\r', '\t'], " "));
                    }
                }
            }
            XmlEvent::Eof => break,
        }
    }
    while let Some((sink, c)) = collectors.pop() {
        finish(sink, c, out);
    }
    Ok(())
}

/// The formatting changes a `style:text-properties` element makes: each property it states
/// decides its kinds (`fo:font-weight="normal"` turns off a parent style's bold).
fn text_changes(e: &quick_xml::events::BytesStart<'_>) -> Vec<FormatChange> {
    let mut out = Vec::new();
    if let Some(w) = attr(e, b"fo:font-weight") {
        let bold = w == "bold" || w.parse::<u32>().is_ok_and(|n| n >= 600);
        out.push(FormatChange {
            clears: &[CodeKind::Bold],
            sets: bold.then_some(CodeKind::Bold),
        });
    }
    if let Some(st) = attr(e, b"fo:font-style") {
        let italic = st == "italic" || st == "oblique";
        out.push(FormatChange {
            clears: &[CodeKind::Italic],
            sets: italic.then_some(CodeKind::Italic),
        });
    }
    if let Some(u) = attr(e, b"style:text-underline-style") {
        out.push(FormatChange {
            clears: &[CodeKind::Underline],
            sets: (u != "none").then_some(CodeKind::Underline),
        });
    }
    if let Some(pos) = attr(e, b"style:text-position") {
        let first = pos.split_whitespace().next().unwrap_or("");
        let percent = first.trim_end_matches('%').parse::<f64>().ok();
        let sets = if first == "super" || percent.is_some_and(|v| v > 0.0) {
            Some(CodeKind::Superscript)
        } else if first == "sub" || percent.is_some_and(|v| v < 0.0) {
            Some(CodeKind::Subscript)
        } else {
            None
        };
        out.push(FormatChange {
            clears: &[CodeKind::Superscript, CodeKind::Subscript],
            sets,
        });
    }
    out
}

/// Text styles by name: the parent style and the changes the style itself makes.
type StyleTable = HashMap<String, (Option<String>, Vec<FormatChange>)>;

/// Longest parent chain followed (a cycle in a hostile file ends there too).
const MAX_STYLE_DEPTH: usize = 16;

/// The common (named) text styles of `styles.xml`'s `office:styles`: LibreOffice's
/// `Strong_20_Emphasis`, `Emphasis`, `Internet_20_link` and any a template defines. Spans name
/// them directly or through an automatic style whose parent they are.
fn common_text_styles(path: &Path, xml: &[u8]) -> Result<StyleTable> {
    let mut p = XmlPull::new(path, "styles.xml", xml);
    let mut table = StyleTable::default();
    let mut depth_in_styles = 0usize;
    let mut current: Option<String> = None;
    loop {
        match p.next_event()? {
            XmlEvent::Start(e) => match e.name().as_ref() {
                b"office:styles" => depth_in_styles += 1,
                b"style:style" if depth_in_styles > 0 => {
                    current = (attr(&e, b"style:family").as_deref() == Some("text"))
                        .then(|| attr(&e, b"style:name"))
                        .flatten();
                    if let Some(n) = &current {
                        table.insert(
                            n.clone(),
                            (attr(&e, b"style:parent-style-name"), Vec::new()),
                        );
                    }
                }
                b"style:text-properties" => {
                    if let Some(entry) = current.as_ref().and_then(|n| table.get_mut(n)) {
                        entry.1.extend(text_changes(&e));
                    }
                }
                _ => {}
            },
            XmlEvent::End(name) => match name.as_slice() {
                b"office:styles" => depth_in_styles = depth_in_styles.saturating_sub(1),
                b"style:style" => current = None,
                _ => {}
            },
            XmlEvent::Eof => return Ok(table),
            _ => {}
        }
    }
}

/// The formatting of the span style `name`: an automatic style of the part, else a common
/// style, with the parents (common styles) applied first.
fn resolve_style(name: &str, automatic: &StyleTable, common: &StyleTable) -> Vec<CodeKind> {
    let mut chain: Vec<&(Option<String>, Vec<FormatChange>)> = Vec::new();
    let mut next = automatic.get(name).or_else(|| common.get(name));
    while let Some(style) = next {
        if chain.len() >= MAX_STYLE_DEPTH {
            break;
        }
        chain.push(style);
        next = style.0.as_deref().and_then(|parent| common.get(parent));
    }
    let mut kinds = Vec::new();
    for style in chain.iter().rev() {
        for change in &style.1 {
            change.apply(&mut kinds);
        }
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(body: &str) -> OfficeText {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:automatic-styles><style:style/></office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        );
        let mut out = OfficeText::default();
        parse(
            Path::new("t.odt"),
            "content.xml",
            xml.as_bytes(),
            &StyleTable::default(),
            &mut out,
            false,
        )
        .unwrap();
        for p in out.body.iter_mut().chain(&mut out.footnotes) {
            *p = crate::ingest::inline::strip_markers(p);
        }
        out
    }

    #[test]
    fn paragraphs_notes_changes_fields() {
        let t = content(
            r#"<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>deleted</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:h text:outline-level="1">Title</text:h>
<text:p>A<text:s text:c="2"/>b<text:span text:style-name="T1">bold</text:span><text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>The note.</text:p></text:note-body></text:note> end<text:change text:change-id="c1"/>.</text:p>
<text:p>Page <text:page-number>3</text:page-number><text:line-break/>next</text:p>
<text:table-of-content><text:index-body><text:p>Title 1</text:p></text:index-body></text:table-of-content>
<table:table xmlns:table="t"><table:table-row><table:table-cell><text:p>C1</text:p></table:table-cell><table:table-cell><text:p>C2</text:p></table:table-cell></table:table-row></table:table>
<text:p>Anchor<draw:frame xmlns:draw="d"><draw:text-box><text:p>Box</text:p></draw:text-box></draw:frame></text:p>"#,
        );
        assert_eq!(
            t.body,
            [
                "Title",
                "A  bbold end.",
                "Page \nnext",
                "C1",
                "C2",
                "Anchor",
                "Box"
            ]
        );
        assert_eq!(t.footnotes, ["The note."]);
    }

    #[test]
    fn headers_and_footers_from_styles() {
        let xml = r#"<office:document-styles xmlns:office="o" xmlns:style="s" xmlns:text="t"><office:styles><style:default-style/></office:styles><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>Head</text:p></style:header><style:footer><text:p>Page <text:page-number>1</text:page-number></text:p></style:footer></style:master-page></office:master-styles></office:document-styles>"#;
        let mut out = OfficeText::default();
        parse(
            Path::new("t.odt"),
            "styles.xml",
            xml.as_bytes(),
            &StyleTable::default(),
            &mut out,
            true,
        )
        .unwrap();
        assert_eq!(out.headers, ["Head"]);
        assert_eq!(out.footers, ["Page "]);
    }

    #[test]
    fn named_styles_and_their_children_format_spans() {
        use crate::ingest::inline::{marker_index, Role};
        let styles = r#"<office:document-styles xmlns:office="o" xmlns:style="s" xmlns:fo="f"><office:styles>
<style:style style:name="Strong_20_Emphasis" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Loud" style:family="text" style:parent-style-name="Strong_20_Emphasis"><style:text-properties style:text-underline-style="solid"/></style:style>
<style:style style:name="Loop" style:family="text" style:parent-style-name="Loop"><style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="Heading" style:family="paragraph"><style:text-properties fo:font-weight="bold"/></style:style>
</office:styles></office:document-styles>"#;
        let common = common_text_styles(Path::new("t.odt"), styles.as_bytes()).unwrap();
        let xml = r#"<office:document-content xmlns:office="o" xmlns:style="s" xmlns:fo="f" xmlns:text="t"><office:automatic-styles>
<style:style style:name="T1" style:family="text" style:parent-style-name="Strong_20_Emphasis"><style:text-properties fo:font-weight="normal" fo:font-style="italic"/></style:style>
</office:automatic-styles><office:body><office:text>
<text:p><text:span text:style-name="Strong_20_Emphasis">a</text:span> <text:span text:style-name="T1">b</text:span> <text:span text:style-name="Loud">c</text:span> <text:span text:style-name="Loop">d</text:span> <text:span text:style-name="Heading">e</text:span></text:p>
</office:text></office:body></office:document-content>"#;
        let mut out = OfficeText::default();
        parse(
            Path::new("t.odt"),
            "content.xml",
            xml.as_bytes(),
            &common,
            &mut out,
            false,
        )
        .unwrap();
        let shown: String = out.body[0]
            .chars()
            .map(|c| match marker_index(c) {
                Some(i) => {
                    let e = out.format.events[i];
                    match e.role {
                        Role::Open => format!("[{:?}]", e.kind),
                        Role::Close => format!("[/{:?}]", e.kind),
                        Role::Isolated => format!("[{:?}/]", e.kind),
                    }
                }
                None => c.to_string(),
            })
            .collect();
        assert_eq!(
            shown,
            "[Bold]a[/Bold] [Italic]b[/Italic] [Bold][Underline]c[/Underline][/Bold] [Italic]d[/Italic] e"
        );
    }
}

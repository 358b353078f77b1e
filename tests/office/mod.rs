//! DOCX and ODT documents authored by the tests: XML written here, zipped with the `zip` crate.
#![allow(dead_code)]

use std::io::{Cursor, Write};

/// Zips `entries` (name, bytes), deflated.
pub fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// XML-escapes text.
pub fn esc(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Inline content of a paragraph in a small markup: `**bold**`, `[text](url)`, `^1` (a
/// footnote reference to footnote 1), `~~deleted~~` (a tracked deletion), `++inserted++`.
pub fn docx_runs(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    let run = |t: &str, props: &str| {
        format!(
            r#"<w:r>{}<w:t xml:space="preserve">{}</w:t></w:r>"#,
            if props.is_empty() {
                String::new()
            } else {
                format!("<w:rPr>{props}</w:rPr>")
            },
            esc(t)
        )
    };
    while !rest.is_empty() {
        let next = ["**", "[", "^", "~~", "++"]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, *m)))
            .min();
        let Some((i, m)) = next else {
            out.push_str(&run(rest, ""));
            break;
        };
        if i > 0 {
            out.push_str(&run(&rest[..i], ""));
        }
        rest = &rest[i..];
        match m {
            "**" => {
                let end = rest[2..].find("**").unwrap() + 2;
                out.push_str(&run(&rest[2..end], "<w:b/>"));
                rest = &rest[end + 2..];
            }
            "[" => {
                let close = rest.find("](").unwrap();
                let end = rest.find(')').unwrap();
                out.push_str(&format!(
                    r#"<w:hyperlink r:id="rIdLink">{}</w:hyperlink>"#,
                    run(&rest[1..close], r#"<w:rStyle w:val="Hyperlink"/>"#)
                ));
                rest = &rest[end + 1..];
            }
            "^" => {
                let n: String = rest[1..].chars().take_while(char::is_ascii_digit).collect();
                out.push_str(&format!(
                    r#"<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{n}"/></w:r>"#
                ));
                rest = &rest[1 + n.len()..];
            }
            "~~" => {
                let end = rest[2..].find("~~").unwrap() + 2;
                out.push_str(&format!(
                    r#"<w:del w:id="90" w:author="Ed" w:date="2026-01-01T00:00:00Z"><w:r><w:delText xml:space="preserve">{}</w:delText></w:r></w:del>"#,
                    esc(&rest[2..end])
                ));
                rest = &rest[end + 2..];
            }
            _ => {
                let end = rest[2..].find("++").unwrap() + 2;
                out.push_str(&format!(
                    r#"<w:ins w:id="91" w:author="Ed" w:date="2026-01-01T00:00:00Z">{}</w:ins>"#,
                    run(&rest[2..end], "")
                ));
                rest = &rest[end + 2..];
            }
        }
    }
    out
}

/// A block of a test document.
pub enum Block<'a> {
    /// A paragraph in the inline markup of [`docx_runs`].
    P(&'a str),
    /// A table, rows of cells (each cell one paragraph).
    Table(Vec<Vec<&'a str>>),
}

const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// A DOCX with `blocks` as the body, `footnotes` (numbered from 1), a header paragraph and a
/// footer with a page-number field.
pub fn docx(blocks: &[Block], footnotes: &[&str], header: &str) -> Vec<u8> {
    let mut body = String::new();
    for b in blocks {
        match b {
            Block::P(s) => body.push_str(&format!("<w:p>{}</w:p>", docx_runs(s))),
            Block::Table(rows) => {
                body.push_str("<w:tbl><w:tblPr/>");
                for row in rows {
                    body.push_str("<w:tr>");
                    for cell in row {
                        body.push_str(&format!("<w:tc><w:p>{}</w:p></w:tc>", docx_runs(cell)));
                    }
                    body.push_str("</w:tr>");
                }
                body.push_str("</w:tbl>");
            }
        }
    }
    body.push_str(r#"<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/><w:footerReference w:type="default" r:id="rIdF"/></w:sectPr>"#);
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W_NS}><w:body>{body}</w:body></w:document>"#
    );
    let mut notes = String::from(
        r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"#,
    );
    for (i, n) in footnotes.iter().enumerate() {
        notes.push_str(&format!(
            r#"<w:footnote w:id="{}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>{}</w:p></w:footnote>"#,
            i + 1,
            docx_runs(&format!(" {n}"))
        ));
    }
    let footnotes_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:footnotes {W_NS}>{notes}</w:footnotes>"#
    );
    let header_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:hdr {W_NS}><w:p>{}</w:p></w:hdr>"#,
        docx_runs(header)
    );
    let footer_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:ftr {W_NS}><w:p><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>"#
    );
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let doc_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdLink" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/forum" TargetMode="External"/></Relationships>"#;
    zip_of(&[
        ("[Content_Types].xml", content_types.as_bytes().to_vec()),
        ("_rels/.rels", rels.as_bytes().to_vec()),
        ("word/document.xml", document.into_bytes()),
        ("word/_rels/document.xml.rels", doc_rels.as_bytes().to_vec()),
        ("word/footnotes.xml", footnotes_xml.into_bytes()),
        ("word/header1.xml", header_xml.into_bytes()),
        ("word/footer1.xml", footer_xml.into_bytes()),
    ])
}

/// ODT inline content in the markup of [`docx_runs`] (footnote `^N` takes `footnotes[N-1]`).
pub fn odt_runs(s: &str, footnotes: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        let next = ["**", "[", "^", "~~", "++"]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, *m)))
            .min();
        let Some((i, m)) = next else {
            out.push_str(&esc(rest));
            break;
        };
        out.push_str(&esc(&rest[..i]));
        rest = &rest[i..];
        match m {
            "**" => {
                let end = rest[2..].find("**").unwrap() + 2;
                out.push_str(&format!(
                    r#"<text:span text:style-name="Bold">{}</text:span>"#,
                    esc(&rest[2..end])
                ));
                rest = &rest[end + 2..];
            }
            "[" => {
                let close = rest.find("](").unwrap();
                let end = rest.find(')').unwrap();
                out.push_str(&format!(
                    r#"<text:a xlink:type="simple" xlink:href="{}">{}</text:a>"#,
                    &rest[close + 2..end],
                    esc(&rest[1..close])
                ));
                rest = &rest[end + 1..];
            }
            "^" => {
                let n: String = rest[1..].chars().take_while(char::is_ascii_digit).collect();
                let k: usize = n.parse().unwrap();
                out.push_str(&format!(
                    r#"<text:note text:id="ftn{k}" text:note-class="footnote"><text:note-citation>{k}</text:note-citation><text:note-body><text:p>{}</text:p></text:note-body></text:note>"#,
                    esc(footnotes[k - 1])
                ));
                rest = &rest[1 + n.len()..];
            }
            "~~" => {
                // The deleted text lives in text:tracked-changes; only a marker stays here.
                let end = rest[2..].find("~~").unwrap() + 2;
                out.push_str(r#"<text:change text:change-id="ct1"/>"#);
                rest = &rest[end + 2..];
            }
            _ => {
                let end = rest[2..].find("++").unwrap() + 2;
                out.push_str(&format!(
                    r#"<text:change-start text:change-id="ct2"/>{}<text:change-end text:change-id="ct2"/>"#,
                    esc(&rest[2..end])
                ));
                rest = &rest[end + 2..];
            }
        }
    }
    out
}

/// An ODT with the same content model as [`docx`].
pub fn odt(blocks: &[Block], footnotes: &[&str], header: &str) -> Vec<u8> {
    let mut body = String::from(
        r#"<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info><dc:creator>Ed</dc:creator></office:change-info><text:p>удалённый текст</text:p></text:deletion></text:changed-region></text:tracked-changes>"#,
    );
    for b in blocks {
        match b {
            Block::P(s) => body.push_str(&format!(
                r#"<text:p text:style-name="Standard">{}</text:p>"#,
                odt_runs(s, footnotes)
            )),
            Block::Table(rows) => {
                body.push_str(r#"<table:table table:name="T1">"#);
                for row in rows {
                    body.push_str("<table:table-row>");
                    for cell in row {
                        body.push_str(&format!(
                            "<table:table-cell><text:p>{}</text:p></table:table-cell>",
                            odt_runs(cell, footnotes)
                        ));
                    }
                    body.push_str("</table:table-row>");
                }
                body.push_str("</table:table>");
            }
        }
    }
    const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3""#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:automatic-styles><style:style style:name="Bold" style:family="text"><style:text-properties fo:font-weight="bold" style:font-weight-asian="bold"/></style:style></office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NS}><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>{}</text:p></style:header><style:footer><text:p><text:page-number text:select-page="current">1</text:page-number></text:p></style:footer></style:master-page></office:master-styles></office:document-styles>"#,
        esc(header)
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.text".to_vec(),
        ),
        ("content.xml", content.into_bytes()),
        ("styles.xml", styles.into_bytes()),
        ("META-INF/manifest.xml", manifest.as_bytes().to_vec()),
    ])
}

/// The Chinese press release.
pub fn press_zh() -> (Vec<Block<'static>>, Vec<&'static str>, &'static str) {
    (
        vec![
            Block::P("中俄经贸合作论坛在北京举行"),
            Block::P("2026年5月20日，第五届**中俄经贸合作论坛**在北京举行。^1来自两国的三百多名代表出席了论坛。"),
            Block::P("双方签署了12项合作协议，总金额超过50亿美元。详细信息请访问[论坛网站](https://example.org/forum)。"),
            Block::Table(vec![vec!["能源领域", "5项协议"], vec!["农业领域", "4项协议"]]),
            Block::P("论坛期间，双方还讨论了**跨境电子商务**和物流合作。"),
            Block::P("论坛的下一届会议将于2027年在莫斯科举行。"),
        ],
        vec!["论坛由两国商务部共同主办。"],
        "新闻稿",
    )
}

/// The Russian press release.
pub fn press_ru() -> (Vec<Block<'static>>, Vec<&'static str>, &'static str) {
    (
        vec![
            Block::P("В Пекине прошёл Китайско-российский форум по торгово-экономическому сотрудничеству"),
            Block::P("20 мая 2026 года в Пекине состоялся пятый **Китайско-российский форум по торгово-экономическому сотрудничеству**.^1 В работе форума приняли участие более ~~двухсот~~++трёхсот++ представителей двух стран."),
            Block::P("Стороны подписали 12 соглашений о сотрудничестве на общую сумму свыше 5 млрд долларов США. Подробная информация размещена на [сайте форума](https://example.org/forum)."),
            Block::Table(vec![vec!["Энергетика", "5 соглашений"], vec!["Сельское хозяйство", "4 соглашения"]]),
            Block::P("В ходе форума стороны также обсудили сотрудничество в области **трансграничной электронной торговли** и логистики."),
            Block::P("Следующее заседание форума пройдёт в Москве в 2027 году."),
        ],
        vec!["Организаторами форума выступили министерства коммерции двух стран."],
        "Пресс-релиз",
    )
}

/// A PDF whose pages hold `lines` (an empty line is a paragraph gap), set in a Type0 font
/// with Identity-H codes and a ToUnicode map (the font itself is not embedded: text
/// extraction needs only the map). A page with no lines has no text: like a scanned page.
pub fn pdf(pages: &[Vec<String>]) -> Vec<u8> {
    let mut cids: Vec<char> = Vec::new();
    let mut code = |c: char| -> u16 {
        match cids.iter().position(|&x| x == c) {
            Some(i) => i as u16 + 1,
            None => {
                cids.push(c);
                cids.len() as u16
            }
        }
    };
    let mut contents = Vec::new();
    for lines in pages {
        let mut s = String::from("BT /F1 12 Tf 50 800 Td\n");
        for line in lines {
            if !line.is_empty() {
                let hex: String = line.chars().map(|c| format!("{:04X}", code(c))).collect();
                s.push_str(&format!("<{hex}> Tj\n"));
            }
            s.push_str("0 -14 Td\n");
        }
        s.push_str("ET\n");
        if lines.is_empty() {
            // An image-only page: just a fill, no text.
            s = "q 0.5 g 50 50 400 600 re f Q\n".into();
        }
        contents.push(s);
    }
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for (k, chunk) in cids.chunks(100).enumerate() {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (j, c) in chunk.iter().enumerate() {
            let mut buf = [0u16; 2];
            let utf16: String = c
                .encode_utf16(&mut buf)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{:04X}> <{utf16}>\n", k * 100 + j + 1));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");

    // Objects: 1 catalog, 2 pages, 3 font, 4 CID font, 5 descriptor, 6 ToUnicode, then a page
    // and its content per page.
    let n = pages.len();
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 7 + 2 * i)).collect();
    let stream = |body: &str| format!("<< /Length {} >>\nstream\n{body}endstream", body.len());
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")),
        "<< /Type /Font /Subtype /Type0 /BaseFont /TestSans /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>".to_string(),
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 1000 >>".to_string(),
        "<< /Type /FontDescriptor /FontName /TestSans /Flags 4 /FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>".to_string(),
        stream(&cmap),
    ];
    for (i, c) in contents.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            8 + 2 * i
        ));
        objects.push(stream(c));
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).into_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    out
}

/// The text of a block in the inline markup, without the markup (footnote references gone,
/// deletions dropped).
pub fn plain(s: &str) -> String {
    let mut out = s.replace("**", "").replace("++", "");
    while let Some(i) = out.find("~~") {
        let j = out[i + 2..].find("~~").unwrap() + i + 2;
        out.replace_range(i..j + 2, "");
    }
    while let Some(i) = out.find('^') {
        let n = out[i + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .count();
        out.replace_range(i..i + 1 + n, "");
    }
    while let Some(i) = out.find('[') {
        let close = out[i..].find("](").unwrap() + i;
        let end = out[close..].find(')').unwrap() + close;
        let text = out[i + 1..close].to_string();
        out.replace_range(i..end + 1, &text);
    }
    out
}

use super::*;

fn read(xml: &str) -> Result<TmxDocument> {
    read_tmx_bytes(Path::new("t.tmx"), xml.as_bytes())
}

fn err(xml: &str) -> String {
    match read(xml) {
        Ok(d) => panic!("expected an error, got {d:?}"),
        Err(e) => {
            assert!(e.is_bad_input(), "{e}");
            e.to_string()
        }
    }
}

const SIMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="x" srclang="zh-CN" datatype="plaintext"><prop type="p">v</prop><note>n</note></header>
  <body>
    <tu tuid="7">
      <prop type="x-confidence">0.900</prop>
      <tuv xml:lang="zh-CN"><seg>价格 &lt;5 &amp; 3</seg></tuv>
      <tuv xml:lang="ru-RU"><note>tn</note><seg>цена</seg></tuv>
    </tu>
  </body>
</tmx>
"#;

#[test]
fn reads_a_simple_file() {
    let d = read(SIMPLE).unwrap();
    assert_eq!(d.header.srclang.as_deref(), Some("zh-CN"));
    assert_eq!(d.header.props, vec![("p".into(), "v".into())]);
    assert_eq!(d.header.notes, vec!["n".to_string()]);
    assert_eq!(d.units.len(), 1);
    let u = &d.units[0];
    assert_eq!(u.id.as_deref(), Some("7"));
    assert_eq!(u.line, 6);
    assert_eq!(u.prop("x-confidence"), Some("0.900"));
    assert_eq!(u.variant(Lang::Zh).unwrap().text, "价格 <5 & 3");
    assert_eq!(u.variant(Lang::Ru).unwrap().text, "цена");
    assert_eq!(u.variant(Lang::Ru).unwrap().notes, vec!["tn".to_string()]);
    assert!(u.variant(Lang::En).is_none());
}

#[test]
fn inline_markup_is_reduced_to_text() {
    let xml = r#"<tmx version="1.4"><header srclang="en"/><body><tu>
<tuv xml:lang="en"><seg>Click <bpt i="1" x="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> <ph x="2">&lt;img alt="<sub>Logo</sub>"/&gt;</ph><hi type="b">now</hi><it pos="begin">&lt;i&gt;</it><ut>{\b}</ut>!</seg></tuv>
<tuv xml:lang="ru"><seg>Нажмите <![CDATA[<Сохранить>]]>&#x21;&#33;</seg></tuv></tu></body></tmx>"#;
    let d = read(xml).unwrap();
    let en = d.units[0].variant(Lang::En).unwrap();
    assert_eq!(en.text, "Click Save Logonow!");
    assert!(en.had_markup);
    let ru = d.units[0].variant(Lang::Ru).unwrap();
    assert_eq!(ru.text, "Нажмите <Сохранить>!!");
    assert!(!ru.had_markup);
}

#[test]
fn tmx11_lang_attribute_and_cat_tool_codes() {
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE tmx SYSTEM "tmx11.dtd">
<tmx version="1.1"><header srclang="ZH_CN"/><body>
<tu><tuv lang="ZH-CN"><seg>一</seg></tuv><tuv lang="zh-TW"><seg>壹</seg></tuv><tuv lang="ru_RU"><seg>один</seg></tuv></tu>
<tu><tuv xml:lang="zh-Hans-CN"><seg>二</seg></tuv><tuv lang="RU"><seg>два</seg></tuv></tu>
</body></tmx>"#;
    let d = read(xml).unwrap();
    assert_eq!(d.units[0].variant(Lang::Zh).unwrap().text, "一");
    assert_eq!(d.units[0].variant(Lang::Ru).unwrap().text, "один");
    assert_eq!(d.units[1].variant(Lang::Zh).unwrap().text, "二");
    // zh-TW first, then mapped away
    let mut map = LangMap::parse("zh-cn=none").unwrap();
    assert_eq!(d.units[0].variant_with(Lang::Zh, &map).unwrap().text, "壹");
    map.insert("zh_TW", None);
    assert!(d.units[0].variant_with(Lang::Zh, &map).is_none());
    // zh-Hans matches zh-Hans-CN (longest key wins over `zh`)
    let map = LangMap::parse("zh=none, zh-Hans=zh, x-klingon=ru").unwrap();
    assert_eq!(map.resolve("zh-hans-cn"), Some(Lang::Zh));
    assert_eq!(map.resolve("zh-TW"), None);
    assert_eq!(map.resolve("X-Klingon"), Some(Lang::Ru));
    assert_eq!(map.resolve("de-DE"), None);
    assert!(LangMap::parse("zh-TW").is_err());
    assert!(LangMap::parse("zh-TW=de").is_err());
}

#[test]
fn crlf_is_normalised_and_char_ref_cr_kept() {
    let xml = "<tmx><header/><body><tu><tuv xml:lang=\"en\"><seg>a\r\nb&#xD;c</seg></tuv></tu></body></tmx>";
    let d = read(xml).unwrap();
    assert_eq!(d.units[0].variants[0].text, "a\nb\rc");
}

#[test]
fn hostile_and_broken_inputs() {
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<tmx><header/><body><tu><tuv xml:lang="en"><seg>&lol2;</seg></tuv></tu></body></tmx>"#;
    let e = err(laughs);
    assert!(
        e.contains("line 2, column 1") && e.contains("entity"),
        "{e}"
    );
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><tmx><header/><body><tu><tuv xml:lang="en"><seg>&xxe;</seg></tuv></tu></body></tmx>"#;
    assert!(err(xxe).contains("DOCTYPE"));
    let undefined = "<tmx><header/><body>\n<tu><tuv xml:lang=\"en\"><seg>a &nbsp; b</seg></tuv></tu></body></tmx>";
    let e = err(undefined);
    assert!(
        e.contains("line 2, column 31: undefined entity &nbsp;"),
        "{e}"
    );
    let control =
        "<tmx><header/><body>\n<tu><tuv xml:lang=\"en\"><seg>ab\u{1}</seg></tuv></tu></body></tmx>";
    let e = err(control);
    assert!(e.contains("line 2, column 31: character U+0001"), "{e}");
    let control_ref =
        "<tmx><header/><body><tu><tuv xml:lang=\"en\"><seg>&#x0;</seg></tuv></tu></body></tmx>";
    assert!(err(control_ref).contains("character reference"));
    let truncated = &SIMPLE[..SIMPLE.find("<tuv xml:lang=\"ru-RU\"").unwrap() + 10];
    let e = err(truncated);
    assert!(e.contains("line 9") && e.contains("truncated"), "{e}");
    let truncated2 = &SIMPLE[..SIMPLE.find("</body>").unwrap()];
    let e = err(truncated2);
    assert!(
        e.contains("line 11") && e.contains("inside <body> opened at line 5"),
        "{e}"
    );
    assert!(err("").contains("no <tmx> element"));
    assert!(err("hello world").contains("not an XML"));
    assert!(err("\u{0}\u{1}binary").contains("not an XML"));
    assert!(err("<html><body/></html>").contains("root element is <html>"));
    assert!(err("<tmx><header/></tmx>").contains("no <body>"));
    let e = err("<tmx><header/><body>\n<tu tuid=\"1\"><note>x</note></tu></body></tmx>");
    assert!(e.contains("line 2: <tu> without any <tuv>"), "{e}");
    let e = err("<tmx><header/><body>\n<tu>\n<tuv xml:lang=\"en\"></tuv></tu></body></tmx>");
    assert!(e.contains("line 3: <tuv> without <seg>"), "{e}");
    assert!(
        err("<tmx><header/><body><tu><tuv><seg>a</seg></tuv></tu></body></tmx>")
            .contains("without xml:lang")
    );
    assert!(err("<tmx><body><tu></tuv></tu></body></tmx>").contains("malformed XML"));
    assert!(err("<tmx><body><tu a='&x;'/></body></tmx>").contains("bad value"));
    let e = err("<tmx><body><tu><tuv xml:lang='en'><seg>a & b</seg></tuv></tu></body></tmx>");
    assert!(
        e.contains("column 42: malformed XML: `&` that does not start"),
        "{e}"
    );
    let e = err("<tmx><body><tu><tuv xml:lang='en'><seg>a < b</seg></tuv></tu></body></tmx>");
    assert!(
        e.contains("column 42: malformed XML: `<` that does not start a tag"),
        "{e}"
    );
    assert!(err("<tmx><body></body></tmx>\u{FFFE}").contains("outside the root element"));
    assert!(
        err("<tmx><body><tu><tuv xml:lang='en'><seg>\u{FFFF}</seg></tuv></tu></body></tmx>")
            .contains("U+FFFF")
    );
    let bad_utf8 = b"<tmx><body><tu><tuv xml:lang='en'><seg>\xFF\xFE</seg></tuv></tu></body></tmx>";
    let e = read_tmx_bytes(Path::new("b.tmx"), bad_utf8).unwrap_err();
    assert!(e.to_string().contains("UTF-8"), "{e}");
}

#[test]
fn plain_doctype_is_fine_and_streaming_yields_units() {
    let mut r = TmxReader::new(Path::new("s.tmx"), SIMPLE.as_bytes()).unwrap();
    assert_eq!(r.header().srclang.as_deref(), Some("zh-CN"));
    assert_eq!(r.encoding(), "UTF-8");
    let first = r.next().unwrap().unwrap();
    assert_eq!(first.id.as_deref(), Some("7"));
    assert!(r.next().is_none());
    assert!(r.next().is_none());
}

#[test]
fn utf16_with_and_without_bom() {
    let text = SIMPLE.replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"");
    for le in [true, false] {
        for bom in [true, false] {
            let mut bytes = Vec::new();
            if bom {
                bytes.extend_from_slice(if le { b"\xFF\xFE" } else { b"\xFE\xFF" });
            }
            for u in text.encode_utf16() {
                bytes.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            let d = read_tmx_bytes(Path::new("u.tmx"), &bytes).unwrap();
            assert_eq!(d.units[0].variant(Lang::Zh).unwrap().text, "价格 <5 & 3");
        }
    }
    // odd byte count: malformed UTF-16 names a line
    let mut bytes = b"\xFF\xFE".to_vec();
    for u in "<tmx>\n<x/>".encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    bytes.push(b'a');
    let e = read_tmx_bytes(Path::new("u.tmx"), &bytes).unwrap_err();
    assert!(
        e.to_string()
            .contains("line 2: bytes that are not valid UTF-16LE"),
        "{e}"
    );
}

#[test]
fn positions_count_characters_and_raw_line_ends() {
    let xml = "<tmx><header/><body><tu><tuv xml:lang=\"ru\"><seg>a\r\nжж\r\nжж\u{2}</seg></tuv></tu></body></tmx>";
    let e = err(xml);
    assert!(e.contains("line 3, column 3: character U+0002"), "{e}");
    let bad = b"<tmx><header/><body>\n<tu><tuv xml:lang=\"ru\"><seg>ab\xC3(</seg></tuv></tu></body></tmx>";
    let e = read_tmx_bytes(Path::new("b.tmx"), bad)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("line 2, column 31: bytes that are not valid UTF-8"),
        "{e}"
    );
}

#[test]
fn raw_units_are_the_file_bytes() {
    let units = [
        "<tu tuid=\"1\" x='a&gt;b'>\n  <note>n</note><tuv xml:lang=\"zh-CN\"><prop type=\"p\">v</prop><seg>你好<bpt i=\"1\">&lt;b&gt;</bpt>世界<ept i=\"1\"/><ph/></seg></tuv>\r\n<tuv xml:lang=\"ru-RU\"><seg><![CDATA[a<b]]> &amp; &#x4E2D;</seg></tuv><!-- c --></tu>",
        "<tu><tuv lang=\"EN\"><seg>x</seg></tuv></tu>",
    ];
    let xml = format!(
        "<?xml version=\"1.0\"?><tmx version=\"1.4\"><header srclang=\"zh-CN\"><note>h</note></header><body>\n  <!-- before -->{}\n\t{}</body></tmx>",
        units[0], units[1]
    );
    let mut reader = TmxReader::new(Path::new("r.tmx"), xml.as_bytes()).unwrap();
    assert_eq!(reader.raw_unit(), "");
    reader.keep_raw_units();
    for expected in units {
        let unit = reader.next().unwrap().unwrap();
        assert!(!unit.variants.is_empty());
        assert_eq!(reader.raw_unit(), expected);
    }
    assert!(reader.next().is_none());
    // UTF-16: the raw unit is the same XML in UTF-8
    let le: Vec<u8> = format!("\u{FEFF}{xml}")
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let mut reader = TmxReader::new(Path::new("r.tmx"), &le[..]).unwrap();
    reader.keep_raw_units();
    reader.next().unwrap().unwrap();
    assert_eq!(reader.raw_unit(), units[0]);
}

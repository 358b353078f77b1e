//! `tmalign tm import-xliff`: XLIFF files of earlier projects straight into a TMX.

mod common;

use common::{have_tool, outputs, s, tmalign};
use std::path::Path;

const XLF12: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file original="release.docx" source-language="zh-CN" target-language="ru-RU" datatype="x-docx">
  <body>
   <trans-unit id="1" approved="yes"><source>双方签署了<g id="1">合作协议</g>。</source><target state="final">Стороны подписали <g id="1">соглашение о сотрудничестве</g>.</target></trans-unit>
   <trans-unit id="2"><source>论坛在北京举行。</source><target state="translated">Форум прошёл в Пекине.</target><note from="editor">Проверено редактором.</note></trans-unit>
   <trans-unit id="3"><source>尚未翻译。</source><target state="new"></target></trans-unit>
   <trans-unit id="4"><source>需要审校。</source><target state="needs-review-translation">Требует проверки.</target></trans-unit>
  </body>
 </file>
</xliff>"#;

const SDLXLIFF: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<xliff xmlns:sdl="http://sdl.com/FileTypes/SdlXliff/1.0" version="1.2" sdl:version="1.0" xmlns="urn:oasis:names:tc:xliff:document:1.2">
<file original="C:\Projects\news.docx" datatype="x-sdlfilterframework2" source-language="zh-CN" target-language="ru-RU">
<header><file-info xmlns="http://sdl.com/FileTypes/SdlXliff/1.0"><value key="SDL:FileId">x</value></file-info></header>
<body>
<trans-unit translate="no" id="s0"><source><x id="0"/></source></trans-unit>
<trans-unit id="u1"><source><g id="1">两国元首通了电话。</g><g id="2">双方交换了意见。</g></source>
<seg-source><g id="1"><mrk mtype="seg" mid="1">两国元首通了电话。</mrk></g><g id="2"><mrk mtype="seg" mid="2">双方交换了意见。</mrk></g></seg-source>
<target><g id="1"><mrk mtype="seg" mid="1">Главы государств провели телефонный разговор.</mrk></g><g id="2"><mrk mtype="seg" mid="2">Стороны обменялись мнениями.</mrk></g></target>
<sdl:seg-defs><sdl:seg id="1" conf="Translated" origin="interactive"/><sdl:seg id="2" conf="Draft"/></sdl:seg-defs>
</trans-unit>
</body></file></xliff>"#;

fn tmx_units(path: &Path) -> Vec<String> {
    let t = std::fs::read_to_string(path).unwrap();
    t.split("<tu ").skip(1).map(str::to_string).collect()
}

#[test]
fn xliff_and_sdlxliff_become_one_valid_tmx() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.xlf"), XLF12).unwrap();
    std::fs::write(d.path().join("b.sdlxliff"), SDLXLIFF).unwrap();
    let out = d.path().join("old.tmx");
    let o = tmalign(
        &["tm", "import-xliff", "a.xlf", "b.sdlxliff", "-o", s(&out)],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("3 units (zh-CN→ru-RU) from 2 file(s); 4 left out"),
        "{stdout}"
    );
    let units = tmx_units(&out);
    assert_eq!(units.len(), 3);
    assert!(units[0].contains("<seg>双方签署了合作协议。</seg>"));
    assert!(units[0].contains(r#"<prop type="x-state">final</prop>"#));
    assert!(units[0].contains(r#"<prop type="x-approved">yes</prop>"#));
    assert!(units[0].contains(r#"<prop type="x-source-file">release.docx</prop>"#));
    assert!(units[1].contains(r#"<prop type="x-state">translated</prop>"#));
    assert!(
        units[1].contains("<note>Проверено редактором.</note>"),
        "{}",
        units[1]
    );
    assert!(units[2].contains("Главы государств провели телефонный разговор."));
    assert!(units[2].contains(r#"<prop type="x-state">Translated</prop>"#));
    assert!(units[2].contains(r#"<prop type="x-xliff-id">u1/1</prop>"#));
    let tmx = std::fs::read_to_string(&out).unwrap();
    assert!(tmx.contains(r#"<tuv xml:lang="ru-RU">"#));
    // Our own TMX reader takes it back.
    let o = tmalign(&["tm", "stats", s(&out)], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    if let Some(shared) = common::shared_with("spec") {
        if have_tool("xmllint") {
            if let Err(e) = common::xmllint_valid(&shared.join("spec/tmx14.dtd"), &out) {
                panic!("invalid TMX: {e}");
            }
        }
    }
    // Approved only: the one approved unit.
    let o = tmalign(
        &[
            "tm",
            "import-xliff",
            "a.xlf",
            "-o",
            "ap.tmx",
            "--approved-only",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    assert_eq!(tmx_units(&d.path().join("ap.tmx")).len(), 1);
}

fn refused(name: &str, content: &str, needle: &str) {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join(name), content).unwrap();
    let o = tmalign(&["tm", "import-xliff", name, "-o", "out.tmx"], d.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(needle), "{needle:?} not in {err}");
    assert!(!d.path().join("out.tmx").exists());
}

#[test]
fn hostile_and_unusable_xliff_is_refused() {
    refused(
        "lol.xlf",
        r#"<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><xliff version="1.2"><file source-language="zh" target-language="ru"><body><trans-unit id="1"><source>&b;</source><target>&b;</target></trans-unit></body></file></xliff>"#,
        "DOCTYPE",
    );
    refused(
        "de.xlf",
        r#"<xliff version="1.2"><file source-language="de-DE" target-language="ru-RU"><body/></file></xliff>"#,
        "not one tmalign handles",
    );
    refused(
        "none.xlf",
        r#"<xliff version="1.2"><file source-language="zh" target-language="ru"><body><trans-unit id="1"><source>一</source><target state="new"/></trans-unit></body></file></xliff>"#,
        "no translated units",
    );
    refused(
        "cut.xlf",
        r#"<xliff version="1.2"><file source-language="zh""#,
        "malformed XML",
    );
    refused("x.tmx.xlf", r#"<tmx version="1.4"/>"#, "not an XLIFF file");
}

//! Replays the inputs the `ingest` and `lang_split` fuzz targets found (`tests/data/fuzz/
//! ingest-*` and `split-*`; see fuzz/README.md) through the very same oracles: the harness file
//! `fuzz/src/inputs.rs` is compiled into this test. A panic is the failure.
//!
//! `cargo test --test fuzz_inputs -- --ignored write_ingest_seeds` rewrites the hand-made seeds
//! of the ingest target (`fuzz/seeds/ingest/`: one document per format and encoding).

#[allow(dead_code)]
#[path = "../fuzz/src/inputs.rs"]
mod inputs;
mod office;

use std::path::{Path, PathBuf};

fn fuzz_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz")
}

/// Saved inputs whose file name starts with `prefix`, sorted.
fn saved(prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(fuzz_data())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            name.starts_with(prefix)
                .then(|| (name, std::fs::read(&p).unwrap()))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn ingest_regressions() {
    let inputs = saved("ingest-");
    assert!(!inputs.is_empty());
    for (name, bytes) in inputs {
        eprintln!("{name}: {}", inputs::ingest(&bytes));
    }
}

#[test]
fn split_regressions() {
    let inputs = saved("split-");
    assert!(!inputs.is_empty());
    for (name, bytes) in inputs {
        eprintln!("{name}: {}", inputs::lang_split(&bytes));
    }
}

/// The first byte of an ingest-target input choosing `name` and `encoding` (see
/// `inputs::ingest`).
fn selector(name: &str, encoding: Option<&str>) -> u8 {
    let n = inputs::INGEST_NAMES
        .iter()
        .position(|&x| x == name)
        .unwrap();
    let e = match encoding {
        None => 0,
        Some("utf-8") => 4,
        Some("utf-16le") => 5,
        Some("gbk") => 6,
        Some("windows-1251") => 7,
        Some(other) => panic!("no selector for {other}"),
    };
    (n as u8) | (e << 3)
}

const ZH: &str =
    "中俄建交76周年纪念活动在京举行\n\n新闻稿 / ПРЕСС-РЕЛИЗ\n\n6月15日，论坛在北京开幕。";
const RU: &str =
    "76-я годовщина установления отношений\n\nФорум открылся 15 июня в Пекине.\n\nВторой абзац.";

/// One seed per format and encoding ingest reads, each a small bilingual document.
fn ingest_seeds() -> Vec<(String, Vec<u8>)> {
    let mut seeds: Vec<(String, u8, Vec<u8>)> = Vec::new();
    let text = format!("{ZH}\n\n{RU}\n");
    let mut add = |name: &str, file: &str, enc: Option<&str>, bytes: Vec<u8>| {
        seeds.push((name.to_string(), selector(file, enc), bytes));
    };
    add("utf8.txt", "doc.txt", None, text.as_bytes().to_vec());
    add(
        "utf8-bom-crlf.txt",
        "doc.txt",
        None,
        [&b"\xEF\xBB\xBF"[..], text.replace('\n', "\r\n").as_bytes()].concat(),
    );
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    add(
        "utf16le-bom.txt",
        "doc.txt",
        None,
        [&b"\xFF\xFE"[..], &utf16].concat(),
    );
    add("utf16le-forced.txt", "doc", Some("utf-16le"), utf16);
    let utf16be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    add(
        "utf16be-bom.txt",
        "doc.txt",
        None,
        [&b"\xFE\xFF"[..], &utf16be].concat(),
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(ZH);
    add("gbk.txt", "doc.txt", None, gbk.to_vec());
    add("gbk-forced.txt", "doc.txt", Some("gbk"), gbk.to_vec());
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(RU);
    add("cp1251.txt", "doc.txt", None, cp1251.to_vec());
    add(
        "cp1251-forced.txt",
        "doc",
        Some("windows-1251"),
        cp1251.to_vec(),
    );
    add(
        "controls.txt",
        "doc.txt",
        None,
        format!("{ZH}\u{1}\u{7}\n\n{RU}\u{1b}[0m\u{7f}\u{85}\n").into_bytes(),
    );
    add(
        "bad-utf8-strict.txt",
        "doc.txt",
        Some("utf-8"),
        [RU.as_bytes(), b"\xD0"].concat(),
    );
    add(
        "front-matter.md",
        "doc.md",
        None,
        format!(
            "---\ntitle: 中俄建交76周年\ndate: 2025-06-15\ncategories: [news, 新闻]\n---\n\n# {}\n\n[Главная](/) | [新闻](/news)\n\n{RU}\n",
            ZH.replace("\n\n", "\n\n## ")
        )
        .into_bytes(),
    );
    add(
        "page.html",
        "doc.html",
        None,
        "<!DOCTYPE html><html><head><title>新闻稿</title><style>p{}</style></head><body><h1>中俄建交76周年</h1><p>6月15日&nbsp;论坛<b>开幕</b>。<br>Форум &laquo;открылся&raquo;</p><script>x()</script><!-- c --><p>&#x4E2D;&#1040;</p></body></html>".to_string()
        .into_bytes(),
    );
    let blocks = [
        office::Block::P("中俄建交76周年纪念活动在京举行"),
        office::Block::P("**新闻稿** / ПРЕСС-РЕЛИЗ^1"),
        office::Block::Table(vec![vec!["6月15日", "15 июня"]]),
    ];
    add(
        "press.docx",
        "doc.docx",
        None,
        office::docx(&blocks, &["注释 Примечание"], "页眉"),
    );
    add(
        "press.odt",
        "doc.odt",
        None,
        office::odt(&blocks, &["注释 Примечание"], "页眉"),
    );
    let pages = vec![
        vec![
            "页眉".to_string(),
            String::new(),
            "中俄建交76周年纪念".to_string(),
            "活动在京举行".to_string(),
            "- 1 -".to_string(),
        ],
        vec![
            "页眉".to_string(),
            "Форум откры-".to_string(),
            "лся 15 июня.".to_string(),
            "- 2 -".to_string(),
        ],
    ];
    add("press.pdf", "doc.pdf", None, office::pdf(&pages));
    add(
        "v12.xlf",
        "doc.xlf",
        None,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2"><file original="a.docx" source-language="zh-CN" target-language="ru-RU" datatype="plaintext"><body>
<trans-unit id="1"><source>新闻稿</source><target state="translated">Пресс-релиз</target></trans-unit>
<trans-unit id="2" approved="yes"><source>论坛<g id="b">开幕</g>。</source><seg-source><mrk mtype="seg" mid="1">论坛开幕。</mrk></seg-source><target><mrk mtype="seg" mid="1">Форум открылся.</mrk></target><note>n</note></trans-unit>
<trans-unit id="3"><source>空</source><target state="new"></target></trans-unit>
</body></file></xliff>"#
            .as_bytes()
            .to_vec(),
    );
    add(
        "v20.xlf",
        "doc.xlf",
        None,
        r#"<?xml version="1.0"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="zh" trgLang="ru"><file id="f"><unit id="u1"><segment state="final"><source>新闻稿</source><target>Пресс-релиз</target></segment><ignorable><source> </source></ignorable><segment><source>二</source><target>Два</target></segment></unit></file></xliff>"#
            .as_bytes()
            .to_vec(),
    );
    seeds
        .into_iter()
        .map(|(name, sel, bytes)| (name, [&[sel][..], &bytes].concat()))
        .collect()
}

#[test]
fn ingest_seeds_read() {
    // The seeds are meant to exercise the readers, not their refusals: all but the
    // deliberately broken one read.
    for (name, bytes) in ingest_seeds() {
        let outcome = inputs::ingest(&bytes);
        if name == "bad-utf8-strict.txt" {
            assert!(!outcome.starts_with("ok"), "{name}: {outcome}");
        } else {
            assert!(outcome.starts_with("ok"), "{name}: {outcome}");
        }
    }
}

#[test]
#[ignore = "writes fuzz/seeds/ingest; run by hand when the seeds change"]
fn write_ingest_seeds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/ingest");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in ingest_seeds() {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

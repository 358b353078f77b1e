//! The TMX reader on files written by other tools and on hostile or broken files, through the
//! library and through the real binary (`tmalign tm stats`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tmalign::tm::reader::{read_tmx, TmxReader};
use tmalign::Lang;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn tmalign(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tmalign"))
        .args(args)
        .output()
        .expect("run tmalign")
}

fn stats_json(path: &Path) -> serde_json::Value {
    let out = tmalign(&["tm", "stats", "--json", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Runs `tm stats` on a bad file: exit 2, one message naming the file; returns the message.
fn stats_error(path: &Path) -> String {
    let out = tmalign(&["tm", "stats", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.starts_with(&format!("tmalign: {}: ", path.display())),
        "{err}"
    );
    err
}

#[test]
fn reads_omegat_output() {
    for name in ["tm/omegat-real-level1.tmx", "tm/omegat-real-level2.tmx"] {
        let doc = read_tmx(&data(name)).unwrap();
        assert_eq!(
            doc.header
                .attributes
                .get("creationtool")
                .map(String::as_str),
            Some("OmegaT")
        );
        assert_eq!(doc.units.len(), 2, "{name}");
        assert_eq!(doc.units[1].variant(Lang::Zh).unwrap().text, "我们明天见。");
        assert_eq!(
            doc.units[1].variant(Lang::Ru).unwrap().text,
            "Увидимся завтра."
        );
        let s = stats_json(&data(name));
        assert_eq!(s["units"], 2);
        assert_eq!(s["source_lang"], "zh-CN");
        assert_eq!(s["target_lang"], "ru-RU");
    }
    let doc = read_tmx(&data("tm/omegat-handmade-level1.tmx")).unwrap();
    let u = &doc.units[1];
    assert_eq!(u.prop("file"), Some("doc.txt"));
    assert_eq!(u.variant(Lang::Ru).unwrap().text, "Это тест & пример.");
    assert_eq!(doc.units[0].variant(Lang::Zh).unwrap().lang, "ZH-CN");
    let doc = read_tmx(&data("tm/omegat-handmade-level2.tmx")).unwrap();
    let ru = doc.units[0].variant(Lang::Ru).unwrap();
    assert_eq!(ru.text, "Нажмите кнопку Сохранить.");
    assert!(ru.had_markup);
    assert_eq!(doc.units[1].variant(Lang::Zh).unwrap().text, "见第页。");
    let s = stats_json(&data("tm/omegat-handmade-level2.tmx"));
    assert_eq!(s["with_markup"], 2);
}

fn check_po2tmx(path: &Path) {
    let doc = read_tmx(path).unwrap();
    assert_eq!(doc.header.srclang.as_deref(), Some("en"));
    assert_eq!(doc.units.len(), 2);
    assert_eq!(
        doc.units[1].variant(Lang::En).unwrap().text,
        "See you <b>tomorrow</b> & later."
    );
    assert_eq!(
        doc.units[1].variant(Lang::Ru).unwrap().text,
        "Увидимся <b>завтра</b> и позже."
    );
    let s = stats_json(path);
    assert_eq!(s["units"], 2);
    assert_eq!(s["target_lang"], "ru");
}

#[test]
fn reads_po2tmx_output() {
    check_po2tmx(&data("tm/po2tmx.tmx"));
    // Regenerate with the real tool when it is installed.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fresh.tmx");
    match Command::new("po2tmx")
        .args(["-l", "ru"])
        .arg(data("tm/po2tmx-source.po"))
        .arg(&out)
        .output()
    {
        Ok(o) if o.status.success() && out.exists() => check_po2tmx(&out),
        _ => eprintln!("note: po2tmx (translate-toolkit) not installed; fixture only"),
    }
}

#[test]
fn hostile_files_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let body = "<tmx version=\"1.4\"><header srclang=\"zh\"/><body>\n<tu><tuv xml:lang=\"zh\"><seg>一</seg></tuv><tuv xml:lang=\"ru\"><seg>{}</seg></tuv></tu>\n</body></tmx>\n";

    let laughs = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [\n<!ENTITY a \"aaaaaaaaaa\">\n<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n]>\n{}",
        body.replace("{}", "&c;")
    );
    let e = stats_error(&write("laughs.tmx", laughs.as_bytes()));
    assert!(
        e.contains("line 2, column 1: DOCTYPE with an internal subset"),
        "{e}"
    );

    let xxe = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n{}",
        body.replace("{}", "&xxe;")
    );
    let e = stats_error(&write("xxe.tmx", xxe.as_bytes()));
    assert!(e.contains("DOCTYPE") && !e.contains("root:"), "{e}");

    // an external DTD alone is never fetched, and is harmless
    let ext = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx SYSTEM \"file:///etc/passwd\">\n{}",
        body.replace("{}", "один")
    );
    assert_eq!(stats_json(&write("ext.tmx", ext.as_bytes()))["units"], 1);

    let e = stats_error(&write("undef.tmx", body.replace("{}", "&nbsp;").as_bytes()));
    assert!(
        e.contains("line 2, column ") && e.contains("undefined entity &nbsp;"),
        "{e}"
    );

    let e = stats_error(&write(
        "ctrl.tmx",
        body.replace("{}", "о\u{7}дин").as_bytes(),
    ));
    assert!(e.contains("line 2, column 67: character U+0007"), "{e}");

    let full = body.replace("{}", "один");
    let e = stats_error(&write(
        "trunc.tmx",
        &full.as_bytes()[..full.find("</tu>").unwrap()],
    ));
    assert!(
        e.contains("line 2, column ") && e.contains("truncated"),
        "{e}"
    );

    let e = stats_error(&write("notxml.tmx", b"PK\x03\x04 this is a zip"));
    assert!(e.contains("not an XML"), "{e}");
    let e = stats_error(&write("nobody.tmx", b"<tmx><header/>\n</tmx>"));
    assert!(e.contains("line 2") && e.contains("no <body>"), "{e}");
    let e = stats_error(&write(
        "noseg.tmx",
        b"<tmx><header/><body>\n\n<tu tuid=\"3\"></tu></body></tmx>",
    ));
    assert!(e.contains("line 3: <tu> without any <tuv>/<seg>"), "{e}");
    let e = stats_error(&dir.path().join("missing.tmx"));
    assert!(e.contains("No such file"), "{e}");
}

#[test]
fn utf16_and_tmx11_files() {
    let dir = tempfile::tempdir().unwrap();
    let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<tmx version=\"1.1\"><header srclang=\"ZH-CN\"/><body>\n<tu><tuv lang=\"ZH-CN\"><seg>价格</seg></tuv><tuv lang=\"RU-RU\"><seg>цена</seg></tuv></tu>\n</body></tmx>\n";
    for (name, le) in [("le.tmx", true), ("be.tmx", false)] {
        let mut bytes = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        let file = std::fs::File::open(&p).unwrap();
        let mut r = TmxReader::new(&p, std::io::BufReader::new(file)).unwrap();
        assert_eq!(r.encoding(), if le { "UTF-16LE" } else { "UTF-16BE" });
        let u = r.next().unwrap().unwrap();
        assert_eq!(u.variant(Lang::Zh).unwrap().text, "价格");
        assert_eq!(u.variant(Lang::Ru).unwrap().text, "цена");
        assert_eq!(u.line, 3);
        let s = stats_json(&p);
        assert_eq!(s["source_lang"], "ZH-CN");
        assert_eq!(s["target_lang"], "RU-RU");
    }
    // a legacy single-byte encoding named in the declaration
    let mut cp = b"<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<tmx><header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\"><seg>price</seg></tuv><tuv xml:lang=\"ru\"><seg>".to_vec();
    cp.extend_from_slice(&[0xF6, 0xE5, 0xED, 0xE0]); // цена
    cp.extend_from_slice(b"</seg></tuv></tu></body></tmx>");
    let p = dir.path().join("cp1251.tmx");
    std::fs::write(&p, &cp).unwrap();
    let doc = read_tmx(&p).unwrap();
    assert_eq!(doc.units[0].variant(Lang::Ru).unwrap().text, "цена");
}

/// Inputs the fuzzers found (tests/data/fuzz; see fuzz/README.md): they must read without
/// panicking, and whatever reads must survive the writer unchanged. `csv-*` inputs are applied
/// to `review-base.tmx`, the TMX the `review_csv` fuzz target uses (the same checks as
/// `fuzz/src/lib.rs`).
#[test]
fn fuzz_regressions() {
    let dir = data("fuzz");
    let base = read_tmx(&dir.join("review-base.tmx")).unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("tmx-") {
            if let Ok(doc) = tmalign::tm::reader::read_tmx_bytes(&path, &bytes) {
                tmalign::tm::ops::roundtrip_check(&doc).unwrap();
            }
            n += 1;
        } else if name.starts_with("csv-") {
            let _ = tmalign::tm::ops::review::import_review_bytes(&path, &bytes, &base);
            n += 1;
        }
    }
    assert!(n > 0);
}

//! Inline formatting of DOCX and ODT as TMX tags (#16): the press release pair written by the
//! tests with bold terms, a link, a table and a footnote aligns 1:1 with its tags paired, the
//! TMX validates and OmegaT imports it; formatting never changes the beads.

mod common;
mod office;

use common::{have_tool, outputs, s, tmalign};
use office::{docx, odt, plain, press_ru, press_zh, Block};
use std::path::{Path, PathBuf};

/// Runs `tmalign run` on `release.zh.EXT` + `release.ru.EXT` written by `make`; the output dir.
fn run_pair(dir: &Path, ext: &str, make: &dyn Fn(bool) -> Vec<u8>) -> PathBuf {
    let input = dir.join(format!("in-{ext}"));
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join(format!("release.zh.{ext}")), make(true)).unwrap();
    std::fs::write(input.join(format!("release.ru.{ext}")), make(false)).unwrap();
    let out = dir.join(format!("out-{ext}"));
    let o = tmalign(&["run", s(&input), "-o", s(&out)], dir);
    assert!(o.status.success(), "{}", outputs(&o));
    out
}

fn press(zh: bool) -> (Vec<Block<'static>>, Vec<&'static str>, &'static str) {
    if zh {
        press_zh()
    } else {
        press_ru()
    }
}

/// The press release without any formatting: the same words, no bold, no link, no
/// footnote references (the footnotes themselves stay).
fn press_plain(zh: bool) -> Vec<u8> {
    let (blocks, notes, header) = press(zh);
    let texts: Vec<String> = blocks
        .iter()
        .map(|b| match b {
            Block::P(t) => plain(t),
            Block::Table(_) => String::new(),
        })
        .collect();
    let blocks: Vec<Block> = blocks
        .iter()
        .zip(&texts)
        .map(|(b, t)| match b {
            Block::P(_) => Block::P(t),
            Block::Table(rows) => Block::Table(rows.clone()),
        })
        .collect();
    docx(&blocks, &notes, header)
}

/// The `<seg>` contents of the unit whose source contains `needle`.
fn unit_segs(tmx: &str, needle: &str) -> (String, String) {
    let segs: Vec<&str> = tmx
        .split("<seg>")
        .skip(1)
        .map(|s| s.split("</seg>").next().unwrap())
        .collect();
    let k = segs
        .chunks(2)
        .position(|c| c[0].contains(needle))
        .unwrap_or_else(|| panic!("no unit with {needle}: {tmx}"));
    (segs[2 * k].to_string(), segs[2 * k + 1].to_string())
}

fn check_tags(out: &Path) {
    let tmx = std::fs::read_to_string(out.join("release.tmx")).unwrap();
    let (zh, ru) = unit_segs(&tmx, "第五届");
    let bold = r#"<bpt i="1" x="1" type="bold"/>"#;
    assert!(
        zh.contains(&format!("{bold}中俄经贸合作论坛<ept i=\"1\"/>")),
        "{zh}"
    );
    assert!(
        ru.contains(&format!(
            "{bold}Китайско-российский форум по торгово-экономическому сотрудничеству<ept i=\"1\"/>"
        )),
        "{ru}"
    );
    // the footnote reference after the sentence's full stop, on both sides
    assert!(zh.ends_with(r#"。<ph x="2" type="fnote"/>"#), "{zh}");
    assert!(ru.ends_with(r#".<ph x="2" type="fnote"/>"#), "{ru}");
    let (zh, ru) = unit_segs(&tmx, "论坛网站");
    assert!(
        zh.contains(r#"<bpt i="1" x="1" type="link"/>论坛网站<ept i="1"/>"#),
        "{zh}"
    );
    assert!(
        ru.contains(r#"<bpt i="1" x="1" type="link"/>сайте форума<ept i="1"/>"#),
        "{ru}"
    );
    let (zh, ru) = unit_segs(&tmx, "跨境电子商务");
    assert!(zh.contains("type=\"bold\"/>跨境电子商务<ept"), "{zh}");
    assert!(
        ru.contains("type=\"bold\"/>трансграничной электронной торговли<ept"),
        "{ru}"
    );
    // the table cells and units without formatting have no tags
    let (zh, ru) = unit_segs(&tmx, "能源领域");
    assert!(!zh.contains('<') && !ru.contains('<'), "{zh} {ru}");
    // the review CSV: readable placeholders, no tag-mismatch flag
    let csv = std::fs::read_to_string(out.join("release.csv")).unwrap();
    assert!(
        csv.contains("{1}中俄经贸合作论坛{/1}在北京举行。{2/}"),
        "{csv}"
    );
    assert!(
        csv.contains("[{1}сайте форума{/1}]") || csv.contains("{1}сайте форума{/1}"),
        "{csv}"
    );
    assert!(!csv.contains("tag-mismatch"), "{csv}");
    if let Some(shared) = common::shared_with("spec") {
        if have_tool("xmllint") {
            let dtd = shared.join("spec/tmx14.dtd");
            if let Err(e) = common::xmllint_valid(&dtd, &out.join("release.tmx")) {
                panic!("release.tmx invalid: {e}");
            }
        }
    }
    if let Some(shared) = common::shared_with("tools") {
        if have_tool("omegat") {
            let work = out.join("omegat");
            let o = std::process::Command::new("bash")
                .arg(shared.join("tools/omegat-check.sh"))
                .arg(out.join("release.tmx"))
                .arg(&work)
                .output()
                .unwrap();
            assert!(o.status.success(), "omegat-check: {}", outputs(&o));
        }
    }
}

#[test]
fn press_release_docx_tags_pair_validate_and_import_into_omegat() {
    let d = tempfile::tempdir().unwrap();
    let out = run_pair(d.path(), "docx", &|zh| {
        let (b, f, h) = press(zh);
        docx(&b, &f, h)
    });
    check_tags(&out);
    // `align` on the same two files writes the same tags
    let input = d.path().join("in-docx");
    let o = tmalign(
        &[
            "align",
            s(&input.join("release.zh.docx")),
            s(&input.join("release.ru.docx")),
            "-o",
            "out-align",
            "--no-html",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let a = std::fs::read_to_string(d.path().join("out-align/release.tmx")).unwrap();
    let r = std::fs::read_to_string(out.join("release.tmx")).unwrap();
    let segs = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.contains("<seg>"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(segs(&a), segs(&r));
}

#[test]
fn press_release_odt_tags_pair_validate_and_import_into_omegat() {
    let d = tempfile::tempdir().unwrap();
    let out = run_pair(d.path(), "odt", &|zh| {
        let (b, f, h) = press(zh);
        odt(&b, &f, h)
    });
    check_tags(&out);
}

#[test]
fn formatting_does_not_change_the_beads() {
    let d = tempfile::tempdir().unwrap();
    let tagged = run_pair(d.path(), "docx", &|zh| {
        let (b, f, h) = press(zh);
        docx(&b, &f, h)
    });
    let input = d.path().join("in-plain");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("release.zh.docx"), press_plain(true)).unwrap();
    std::fs::write(input.join("release.ru.docx"), press_plain(false)).unwrap();
    let out = d.path().join("out-plain");
    let o = tmalign(&["run", s(&input), "-o", s(&out)], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let beads = |dir: &Path| std::fs::read_to_string(dir.join("release.beads")).unwrap();
    assert_eq!(beads(&tagged), beads(&out));
    let plain_tmx = std::fs::read_to_string(out.join("release.tmx")).unwrap();
    assert!(!plain_tmx.contains("<bpt"), "{plain_tmx}");
    // the tagged TMX without its tags is the plain one
    let tagged_tmx = std::fs::read_to_string(tagged.join("release.tmx")).unwrap();
    let mut stripped = String::new();
    let mut rest = tagged_tmx.as_str();
    while let Some(i) = rest.find(['<']) {
        stripped.push_str(&rest[..i]);
        let end = rest[i..].find('>').unwrap() + i + 1;
        let tag = &rest[i..end];
        if !(tag.starts_with("<bpt") || tag.starts_with("<ept") || tag.starts_with("<ph")) {
            stripped.push_str(tag);
        }
        rest = &rest[end..];
    }
    stripped.push_str(rest);
    let norm = |t: &str| {
        t.lines()
            .filter(|l| {
                !l.contains("x-source-file")
                    && !l.contains("x-target-file")
                    && !l.contains("creationdate")
            })
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(norm(&stripped), norm(&plain_tmx));
}

/// The review CSV of a tagged alignment goes back through `tm import-csv`: unchanged rows
/// match their units (placeholders are not text); a fixed row is written without its
/// placeholders, and the rewrite says that the units' inline markup becomes text.
#[test]
fn review_csv_with_placeholders_imports() {
    let d = tempfile::tempdir().unwrap();
    let out = run_pair(d.path(), "docx", &|zh| {
        let (b, f, h) = press(zh);
        docx(&b, &f, h)
    });
    let csv = out.join("release.csv");
    let tmx = out.join("release.tmx");
    let o = tmalign(
        &[
            "tm",
            "import-csv",
            s(&csv),
            "--tm",
            s(&tmx),
            "-o",
            "same.tmx",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("inline markup"), "{err}");
    let text = std::fs::read_to_string(&csv).unwrap();
    // the row of the e-commerce sentence: source edited, status `fix` (the cell before
    // `comment` and `key`, both last)
    let fixed: String = text
        .lines()
        .map(|l| {
            if l.contains("跨境电子商务") {
                let l = l.replace("{1}跨境电子商务{/1}", "{1}跨境电商{/1}");
                let (head, key) = l.rsplit_once(",,,").unwrap();
                format!("{head},fix,,{key}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert_ne!(fixed, text);
    std::fs::write(d.path().join("fixed.csv"), &fixed).unwrap();
    let o = tmalign(
        &[
            "tm",
            "import-csv",
            "fixed.csv",
            "--tm",
            s(&tmx),
            "-o",
            "fixed.tmx",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let new = std::fs::read_to_string(d.path().join("fixed.tmx")).unwrap();
    assert!(
        new.contains("<seg>论坛期间，双方还讨论了跨境电商和物流合作。</seg>"),
        "{new}"
    );
    assert!(!new.contains("{1}"), "{new}");
}

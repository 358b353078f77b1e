//! Issue #12: one rule for control characters (C0 but tab and line ends, DEL, C1) in every
//! output — TMX, CSV, `.seg`, split streams, review import — each time reported with a count.

mod common;
mod office;

use common::{outputs, tmalign, write_tmx};

/// The control characters the tests put in: C0, DEL, C1 (NEL), and ESC of a colour code.
const CONTROLS: [char; 4] = ['\u{1}', '\u{7F}', '\u{85}', '\u{1B}'];

fn assert_clean(text: &str, what: &str) {
    assert!(
        !text.chars().any(|c| CONTROLS.contains(&c)),
        "{what} holds a control character: {text:?}"
    );
}

#[test]
fn documents_lose_the_same_controls_in_every_output_with_a_count() {
    let d = tempfile::tempdir().unwrap();
    // 2 + 2 + 1 + 1 controls; ESC[0m leaves "[0m" as text.
    std::fs::write(
        d.path().join("news.zh.txt"),
        "你好\u{1}世界。\u{7F}\n\n谢谢\u{85}你。\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("news.ru.txt"),
        "Привет\u{1}, мир.\u{7F}\n\nСпасибо\u{85} тебе.\n",
    )
    .unwrap();
    let o = tmalign(
        &[
            "align",
            "news.zh.txt",
            "news.ru.txt",
            "-o",
            "out",
            "--no-seed",
            "--formats",
            "tmx,csv,beads",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("news.zh.txt: 3 control character(s) removed")
            && err.contains("news.ru.txt: 3 control character(s) removed"),
        "{err}"
    );
    let out = d.path().join("out");
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_clean(&text, &path.display().to_string());
    }
    let tmx = std::fs::read_to_string(out.join("news.tmx")).unwrap();
    let csv = std::fs::read_to_string(out.join("news.csv")).unwrap();
    for text in [&tmx, &csv] {
        assert!(
            text.contains("你好世界。") && text.contains("Привет, мир."),
            "{text}"
        );
    }
    // `segment` prints the same clean sentences.
    let o = tmalign(&["segment", "news.ru.txt"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let seg = String::from_utf8(o.stdout).unwrap();
    assert_clean(&seg, "segment output");
    assert!(seg.contains("Спасибо тебе."), "{seg}");
}

#[test]
fn presegmented_lines_lose_del_and_c1_like_c0() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("p.zh"), "你好\u{7F}世界\n谢\u{85}谢\n").unwrap();
    std::fs::write(d.path().join("p.ru"), "Привет\u{1} мир\nСпасибо\n").unwrap();
    let o = tmalign(
        &[
            "align",
            "p.zh",
            "p.ru",
            "--presegmented",
            "-o",
            "out",
            "--no-seed",
            "--src-lang",
            "zh",
            "--tgt-lang",
            "ru",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("3 control character(s) left out of the TMX and CSV (the first in pair 1)"),
        "{err}"
    );
    for name in ["p.tmx", "p.csv"] {
        let text = std::fs::read_to_string(d.path().join("out").join(name)).unwrap();
        assert_clean(&text, name);
        assert!(text.contains("你好世界"), "{text}");
    }
}

#[test]
fn review_import_drops_controls_from_fixes_and_comments_with_a_count() {
    let d = tempfile::tempdir().unwrap();
    write_tmx(
        &d.path().join("tm.tmx"),
        &[("你好。", "Привет."), ("谢谢。", "Спасибо.")],
    );
    let o = tmalign(&["tm", "export-csv", "tm.tmx", "-o", "r.csv"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let csv = std::fs::read_to_string(d.path().join("r.csv")).unwrap();
    let csv = csv.replace(
        "你好。,Привет.,,,,,",
        "你好\u{7F}！,Здрав\u{85}ствуй!,,,,fix,checked\u{1}",
    );
    assert!(csv.contains("fix"), "{csv}");
    std::fs::write(d.path().join("r.csv"), csv).unwrap();
    let o = tmalign(
        &[
            "tm",
            "import-csv",
            "r.csv",
            "--tm",
            "tm.tmx",
            "-o",
            "new.tmx",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "3 control character(s) left out of fix texts and comments (the first on line 2)"
        ),
        "{err}"
    );
    let tmx = std::fs::read_to_string(d.path().join("new.tmx")).unwrap();
    assert_clean(&tmx, "new.tmx");
    assert!(
        tmx.contains("你好！") && tmx.contains("Здравствуй!") && tmx.contains("checked"),
        "{tmx}"
    );
}

#[test]
fn office_documents_report_the_controls_they_lose() {
    let d = tempfile::tempdir().unwrap();
    let blocks = [
        office::Block::P("你好\u{7F}世界\u{85}。"),
        office::Block::P("第二段。"),
    ];
    std::fs::write(d.path().join("a.docx"), office::docx(&blocks, &[], "")).unwrap();
    let o = tmalign(&["ingest", "a.docx"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("a.docx: 2 control character(s) removed from the extracted text"),
        "{err}"
    );
    let text = String::from_utf8(o.stdout).unwrap();
    assert_clean(&text, "ingest output");
    assert!(text.contains("你好世界。"), "{text}");
}

//! Issue #12, spreadsheet safety: every CSV tmalign writes (aligner CSV, review CSV, glossary
//! CSV, `qa --format csv`) protects cells that a spreadsheet would evaluate (`=`, `+`, `-`,
//! `@`, tab, CR: a leading `'`, the OWASP rule), the import removes exactly that marker
//! again, and `;` and tab delimiters work on export and import. The real binary on generated
//! inputs.

mod common;

use common::{outputs, tmalign, write_tmx};
use std::path::Path;

const DANGER: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// All cells of a CSV written with `delimiter` (BOM skipped).
fn cells(path: &Path, delimiter: u8) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes)
        .to_vec();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(bytes.as_slice())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn assert_safe(rows: &[Vec<String>], what: &str) {
    for row in rows {
        for cell in row {
            assert!(
                !cell.starts_with(DANGER),
                "{what}: cell {cell:?} would be evaluated"
            );
        }
    }
}

/// Aligns the presegmented `<stem>.zh` and `<stem>.ru` of `dir` (zh→ru, no seed) into `out/`.
fn align_presegmented(dir: &Path, stem: &str) -> std::process::Output {
    let (zh, ru) = (format!("{stem}.zh"), format!("{stem}.ru"));
    tmalign(
        &[
            "align",
            &zh,
            &ru,
            "--presegmented",
            "-o",
            "out",
            "--no-seed",
            "--src-lang",
            "zh",
            "--tgt-lang",
            "ru",
        ],
        dir,
    )
}

#[test]
fn the_aligner_csv_protects_formula_cells() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("f.zh"),
        "=HYPERLINK(\"http://x\") 你好\n-5度\n@用户 谢谢\n+7 495 电话\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("f.ru"),
        "=HYPERLINK(\"http://x\") Привет\n-5 градусов\n@user спасибо\n+7 495 телефон\n",
    )
    .unwrap();
    let o = align_presegmented(d.path(), "f");
    assert!(o.status.success(), "{}", outputs(&o));
    let rows = cells(&d.path().join("out/f.csv"), b',');
    assert_safe(&rows, "aligner csv");
    let sources: Vec<&str> = rows[1..].iter().map(|r| r[3].as_str()).collect();
    assert!(sources.contains(&"'-5度"), "{sources:?}");
    assert!(
        sources.iter().any(|s| s.starts_with("'=HYPERLINK")),
        "{sources:?}"
    );
}

#[test]
fn the_review_csv_round_trips_protected_cells_with_any_delimiter() {
    let d = tempfile::tempdir().unwrap();
    let units = [
        ("=1+1", "=1+1 равно"),
        ("'引号", "'кавычка"),
        ("'=已经", "''=уже"),
        ("-5度", "-5 градусов"),
        ("@用户", "@user"),
        ("普通", "обычный"),
    ];
    write_tmx(&d.path().join("tm.tmx"), &units);
    for (flag, byte) in [(",", b','), (";", b';'), ("tab", b'\t')] {
        let o = tmalign(
            &[
                "tm",
                "export-csv",
                "tm.tmx",
                "-o",
                "review.csv",
                "--delimiter",
                flag,
            ],
            d.path(),
        );
        assert!(o.status.success(), "{}", outputs(&o));
        let rows = cells(&d.path().join("review.csv"), byte);
        assert_eq!(rows[0][0], "id", "{flag}: {rows:?}");
        assert_safe(&rows, flag);
        assert_eq!(rows[1][3], "'=1+1");
        assert_eq!(rows[2][3], "'引号", "a real apostrophe is left alone");
        assert_eq!(rows[3][3], "''=已经");
        // importing the unchanged CSV (`ok` rows are checked against the TMX texts) gives
        // the same texts back; the delimiter is recognised from the header row
        let o = tmalign(
            &[
                "tm",
                "import-csv",
                "review.csv",
                "--tm",
                "tm.tmx",
                "-o",
                "back.tmx",
            ],
            d.path(),
        );
        assert!(o.status.success(), "{flag}: {}", outputs(&o));
        let back = tmalign::tm::reader::read_tmx(&d.path().join("back.tmx")).unwrap();
        let texts: Vec<(String, String)> = back
            .units
            .iter()
            .map(|u| (u.variants[0].text.clone(), u.variants[1].text.clone()))
            .collect();
        let want: Vec<(String, String)> = units
            .iter()
            .map(|(z, r)| (z.to_string(), r.to_string()))
            .collect();
        assert_eq!(texts, want, "{flag}");
    }
    let o = tmalign(
        &[
            "tm",
            "export-csv",
            "tm.tmx",
            "-o",
            "x.csv",
            "--delimiter",
            "|",
        ],
        d.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
}

#[test]
fn glossary_and_qa_csv_are_protected_and_take_a_delimiter() {
    let d = tempfile::tempdir().unwrap();
    let units: Vec<(String, String)> = (0..6)
        .map(|k| {
            (
                format!("中方代表团第{k}次访问莫斯科。"),
                format!("Китайская делегация посетила Москву в {k}-й раз."),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = units
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_tmx(&d.path().join("tm.tmx"), &refs);
    let o = tmalign(
        &[
            "glossary",
            "tm.tmx",
            "--no-seed",
            "-o",
            "g.csv",
            "--delimiter",
            ";",
        ],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let text = std::fs::read_to_string(d.path().join("g.csv")).unwrap();
    // a BOM, then the language-coded header termbase imports map
    assert!(
        text.starts_with("\u{FEFF}zh-CN;ru-RU;score;freq;example;note"),
        "{text}"
    );
    assert_safe(&cells(&d.path().join("g.csv"), b';'), "glossary csv");
    // a glossary whose term starts like a formula, read back through `qa --glossary`
    std::fs::write(
        d.path().join("terms.csv"),
        "zh;ru;note\n'=中方;'-китайская сторона;x\n代表团;делегация;\n",
    )
    .unwrap();
    let o = tmalign(
        &["qa", "tm.tmx", "--glossary", "terms.csv", "--format", "csv"],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let report = String::from_utf8_lossy(&o.stdout).into_owned();
    for line in report.lines().skip(1) {
        for cell in line.split(',') {
            assert!(!cell.starts_with(DANGER), "{report}");
        }
    }
}

#[test]
fn crlf_files_name_the_right_line() {
    let d = tempfile::tempdir().unwrap();
    write_tmx(
        &d.path().join("tm.tmx"),
        &[("你好。", "Привет."), ("谢谢。", "Спасибо.")],
    );
    for end in ["\n", "\r\n"] {
        let csv = [
            "\u{FEFF}id,confidence,bead,source_text,target_text,source_lines,target_lines,flags,status,comment",
            "1,,,你好。,Привет.,,,,,",
            "2,,,谢谢。,Спасибо.,,,,bogus,",
        ]
        .join(end)
            + end;
        std::fs::write(d.path().join("r.csv"), csv).unwrap();
        let o = tmalign(
            &["tm", "import-csv", "r.csv", "--tm", "tm.tmx", "-o", "n.tmx"],
            d.path(),
        );
        assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("line 3: status"),
            "{end:?}: {}",
            outputs(&o)
        );
        let glossary = ["zh,ru", "你好,Привет", ","].join(end) + end;
        std::fs::write(d.path().join("g.csv"), glossary).unwrap();
        let o = tmalign(&["qa", "tm.tmx", "--glossary", "g.csv"], d.path());
        assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("line 3: empty term"),
            "{end:?}: {}",
            outputs(&o)
        );
    }
}

#[test]
fn control_characters_follow_one_rule_in_every_output_and_are_reported() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("c.zh"), "你好\u{1}世界\n谢谢\u{B}\n").unwrap();
    std::fs::write(d.path().join("c.ru"), "Привет\u{1} мир\nСпасибо\n").unwrap();
    let o = align_presegmented(d.path(), "c");
    assert!(o.status.success(), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("control character(s) left out of the TMX and CSV"),
        "{err}"
    );
    let csv = std::fs::read_to_string(d.path().join("out/c.csv")).unwrap();
    let tmx = std::fs::read_to_string(d.path().join("out/c.tmx")).unwrap();
    for text in [&csv, &tmx] {
        assert!(!text.contains('\u{1}') && !text.contains('\u{B}'), "{text}");
    }
    assert!(
        csv.contains("你好世界") && tmx.contains("你好世界"),
        "{csv}\n{tmx}"
    );
}

#[test]
fn review_comments_become_notes_and_blank_is_not_reviewed() {
    let d = tempfile::tempdir().unwrap();
    write_tmx(
        &d.path().join("tm.tmx"),
        &[("你好。", "Привет."), ("谢谢。", "Спасибо.")],
    );
    let o = tmalign(&["tm", "export-csv", "tm.tmx", "-o", "r.csv"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let csv = std::fs::read_to_string(d.path().join("r.csv")).unwrap();
    // row 1 ok with a comment; row 2 left blank with a comment
    let csv = csv
        .replace("Привет.,,,,,", "Привет.,,,,ok,=checked by Анна")
        .replace("Спасибо.,,,,,", "Спасибо.,,,,,ask the client");
    std::fs::write(d.path().join("r.csv"), csv).unwrap();
    let o = tmalign(
        &["tm", "import-csv", "r.csv", "--tm", "tm.tmx", "-o", "n.tmx"],
        d.path(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(
        summary.contains("ok 1,") && summary.contains("not reviewed 1,"),
        "{summary}"
    );
    assert!(summary.contains("comments kept as notes 2"), "{summary}");
    let tmx = std::fs::read_to_string(d.path().join("n.tmx")).unwrap();
    assert!(tmx.contains("<note>=checked by Анна</note>"), "{tmx}");
    assert!(tmx.contains("<note>ask the client</note>"), "{tmx}");
    // and the notes survive another round trip
    let o = tmalign(&["tm", "merge", "n.tmx", "-o", "m.tmx"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let merged = std::fs::read_to_string(d.path().join("m.tmx")).unwrap();
    assert!(merged.contains("<note>ask the client</note>"), "{merged}");
}

#[test]
fn a_fix_row_whose_id_was_edited_is_refused() {
    let d = tempfile::tempdir().unwrap();
    write_tmx(
        &d.path().join("tm.tmx"),
        &[
            ("你好。", "Привет."),
            ("谢谢。", "Спасибо."),
            ("再见。", "Пока."),
        ],
    );
    let o = tmalign(&["tm", "export-csv", "tm.tmx", "-o", "r.csv"], d.path());
    assert!(o.status.success(), "{}", outputs(&o));
    let rows = cells(&d.path().join("r.csv"), b',');
    assert_eq!(rows[0].last().map(String::as_str), Some("key"));
    // `e.csv` holds the header and `fix`; it is imported into `n.tmx`
    let import = |fix: &[String]| {
        let mut w = csv::Writer::from_path(d.path().join("e.csv")).unwrap();
        w.write_record(&rows[0]).unwrap();
        w.write_record(fix).unwrap();
        w.flush().unwrap();
        drop(w);
        tmalign(
            &["tm", "import-csv", "e.csv", "--tm", "tm.tmx", "-o", "n.tmx"],
            d.path(),
        )
    };
    // the reviewer fixes row 2 but the id now says 3 (a spreadsheet sort gone wrong)
    let mut fix = rows[2].clone();
    fix[0] = "3".into();
    fix[4] = "Большое спасибо.".into();
    fix[8] = "fix".into();
    let o = import(&fix);
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("line 2") && err.contains("key does not match unit 3"),
        "{err}"
    );
    assert!(!d.path().join("n.tmx").exists());
    // with the right id the fix applies
    fix[0] = "2".into();
    let o = import(&fix);
    assert!(o.status.success(), "{}", outputs(&o));
    assert!(std::fs::read_to_string(d.path().join("n.tmx"))
        .unwrap()
        .contains("Большое спасибо."));
}

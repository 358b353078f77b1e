//! Issue #12, `tm stats` and `tm export-csv` stream: the file is read twice, one unit at a
//! time (keeping hashes only, or writing each row as it comes), so a TMX of any size fits in
//! bounded memory. The streaming results equal those of the whole document on every TMX in
//! `tests/data` and on a generated one with duplicates, variants, outliers, number
//! mismatches and units lacking a side. (Peak memory on a big generated TMX is noted in
//! `src/tm/ops/stats.rs`.)

mod common;

use common::{repo, tmalign, write_tmx};
use tmalign::tm::ops::stats::{tm_stats, tm_stats_file};
use tmalign::tm::reader::{read_tmx, LangMap};

/// The generated TMX (its fifth kind of unit has `ok` on both sides) and every TMX in
/// `tests/data`.
fn all_files(dir: &std::path::Path, ok: &str) -> Vec<std::path::PathBuf> {
    let generated = dir.join("gen.tmx");
    let mut units: Vec<(String, String)> = Vec::new();
    for k in 0..300 {
        let (z, r) = match k % 7 {
            0 => ("重复的句子。".to_string(), "Повтор.".to_string()),
            1 => (format!("价格是{k}元。"), format!("Цена {} рублей.", k + 1)),
            2 => (format!("第{k}句"), "Очень длинный перевод, который намного длиннее оригинала и выбивается из общего соотношения длины.".to_string()),
            3 => ("同一个来源。".to_string(), format!("Вариант {}.", k % 3)),
            4 => (ok.to_string(), ok.to_string()),
            _ => (format!("第{k}句话。"), format!("Фраза {k}.")),
        };
        units.push((z, r));
    }
    let refs: Vec<(&str, &str)> = units
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    write_tmx(&generated, &refs);
    // a unit lacking its target
    let text = std::fs::read_to_string(&generated).unwrap().replace(
        "</body>",
        "<tu tuid=\"x\"><tuv xml:lang=\"zh-CN\"><seg>只有中文</seg></tuv></tu>\n</body>",
    );
    std::fs::write(&generated, text).unwrap();
    let mut files = vec![generated];
    tmx_files(&repo().join("tests/data"), &mut files);
    files
}

#[test]
fn streaming_export_equals_the_whole_document_one() {
    use tmalign::tm::csv::{write_review_csv_with, Delimiter};
    use tmalign::tm::ops::review::{export_csv_file, export_rows};
    let d = tempfile::tempdir().unwrap();
    let map = LangMap::default();
    let mut compared = 0;
    for f in all_files(d.path(), "=OK") {
        for delimiter in [Delimiter::Comma, Delimiter::Semicolon] {
            let whole = read_tmx(&f)
                .and_then(|doc| export_rows(&doc, &f, &map))
                .map(|rows| {
                    let mut out = Vec::new();
                    write_review_csv_with(&mut out, &rows, delimiter).unwrap();
                    (out, rows.len())
                });
            let mut out = Vec::new();
            let streamed = export_csv_file(&f, &map, &mut out, delimiter).map(|n| (out, n));
            match (whole, streamed) {
                (Ok(a), Ok(b)) => {
                    assert!(a == b, "{}", f.display());
                    compared += 1;
                }
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{}", f.display()),
                (a, b) => panic!(
                    "{}: {:?} vs {:?}",
                    f.display(),
                    a.map(|x| x.1),
                    b.map(|x| x.1)
                ),
            }
        }
    }
    assert!(compared >= 10, "{compared}");
    let o = tmalign(&["tm", "export-csv", "gen.tmx", "-o", "r.csv"], d.path());
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("300 rows"));
}

fn tmx_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            tmx_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "tmx") {
            out.push(p);
        }
    }
}

#[test]
fn streaming_statistics_equal_the_whole_document_ones() {
    let d = tempfile::tempdir().unwrap();
    let files = all_files(d.path(), "OK");
    let map = LangMap::default();
    let mut compared = 0;
    for f in &files {
        let whole = read_tmx(f).and_then(|doc| tm_stats(&doc, f, &map));
        let streamed = tm_stats_file(f, &map);
        match (whole, streamed) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "{}", f.display());
                compared += 1;
            }
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{}", f.display()),
            (a, b) => panic!("{}: {a:?} vs {b:?}", f.display()),
        }
    }
    assert!(compared >= 5, "{compared}");
    let o = tmalign(&["tm", "stats", "gen.tmx"], d.path());
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("missing a side         1"));
}

//! Issue #12, bounded memory on a big translation memory: `tm merge` (hashes only), `tm stats`,
//! `tm export-csv`, `qa`, `glossary` and `tm lookup` (building its index, then with the saved index) on a generated
//! ~1 GB TMX (in a temporary folder, removed afterwards) each peak at most 200 MB resident (the
//! child's `ru_maxrss` from `wait4`). A measurement, so ignored by default; run it with the
//! release build:
//! `cargo test --release --test big_tmx_memory -- --ignored --nocapture`, or with a release
//! binary already built, `TMALIGN_BIN=target/release/tmalign cargo test --test big_tmx_memory
//! -- --ignored --nocapture` (`TMALIGN_BIG_TMX_MB=200` for a smaller file). Figures in the
//! README (Reliability).

#![cfg(target_os = "linux")]

mod common;

use common::rusage::measure;
use std::io::Write;
use std::path::Path;
use std::process::Command;

/// Largest peak resident memory allowed, in bytes.
const LIMIT: u64 = 200 << 20;

/// Writes a TMX of about `mb` megabytes: varied units (a tenth repeated, so that the
/// duplicate statistics have work; numbers that differ between the sides now and then; a few
/// with notes, props and inline markup).
fn generate(path: &Path, mb: u64) -> u64 {
    let file = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    writeln!(
        w,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="gen" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="zh-CN" datatype="plaintext"/><body>"#
    )
    .unwrap();
    let zh = [
        "今天北京天气很好",
        "双方签署了经济合作协议",
        "会议讨论了",
        "中俄两国人民的友谊源远流长",
        "新闻发布会在莫斯科举行",
    ];
    let ru = [
        "Сегодня в Пекине хорошая погода",
        "Стороны подписали соглашение об экономическом сотрудничестве",
        "На встрече обсудили",
        "Дружба народов России и Китая имеет давнюю историю",
        "Пресс-конференция прошла в Москве",
    ];
    let (mut written, mut i) = (0u64, 0u64);
    while written < mb << 20 {
        let k = (i % 5) as usize;
        let n = if i % 10 == 0 { i / 10 % 1000 } else { i };
        let m = if i % 97 == 0 { n + 1 } else { n };
        let extra = if i % 50 == 0 {
            "<note>checked</note><prop type=\"x-domain\">news</prop>"
        } else {
            ""
        };
        let markup = if i % 70 == 0 {
            "<ph x=\"1\">&lt;br/&gt;</ph>"
        } else {
            ""
        };
        let unit = format!(
            "<tu tuid=\"{i}\">{extra}<tuv xml:lang=\"zh-CN\"><seg>{}{markup}，第{n}号。</seg></tuv><tuv xml:lang=\"ru-RU\"><seg>{}, номер {m}.</seg></tuv></tu>\n",
            zh[k], ru[k]
        );
        w.write_all(unit.as_bytes()).unwrap();
        written += unit.len() as u64;
        i += 1;
    }
    writeln!(w, "</body></tmx>").unwrap();
    w.flush().unwrap();
    i
}

#[test]
#[ignore]
fn tm_commands_and_glossary_stream_a_1gb_tmx_in_bounded_memory() {
    let mb: u64 = std::env::var("TMALIGN_BIG_TMX_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let d = tempfile::tempdir().unwrap();
    let tmx = d.path().join("big.tmx");
    let units = generate(&tmx, mb);
    let size = std::fs::metadata(&tmx).unwrap().len();
    eprintln!("generated {} MB, {units} units", size >> 20);
    let glossary = common::repo().join("glossary/zh-ru.tsv");
    let csv = d.path().join("big.csv");
    let tbx = d.path().join("big.tbx");
    let merged = d.path().join("merged.tmx");
    let query = "今天北京天气很好，第512号。";
    let lookup: Vec<&std::ffi::OsStr> = vec![
        "tm".as_ref(),
        "lookup".as_ref(),
        "--tm".as_ref(),
        tmx.as_os_str(),
        query.as_ref(),
    ];
    let runs: [(&str, Vec<&std::ffi::OsStr>); 7] = [
        (
            "tm merge",
            vec![
                "tm".as_ref(),
                "merge".as_ref(),
                tmx.as_os_str(),
                "-o".as_ref(),
                merged.as_os_str(),
            ],
        ),
        (
            "tm stats",
            vec!["tm".as_ref(), "stats".as_ref(), tmx.as_os_str()],
        ),
        (
            "tm export-csv",
            vec![
                "tm".as_ref(),
                "export-csv".as_ref(),
                tmx.as_os_str(),
                "-o".as_ref(),
                csv.as_os_str(),
            ],
        ),
        (
            "qa",
            vec![
                "qa".as_ref(),
                tmx.as_os_str(),
                "--glossary".as_ref(),
                glossary.as_os_str(),
            ],
        ),
        (
            "glossary",
            vec![
                "glossary".as_ref(),
                tmx.as_os_str(),
                "-o".as_ref(),
                tbx.as_os_str(),
            ],
        ),
        ("tm lookup (building the index)", lookup.clone()),
        ("tm lookup (index built)", lookup),
    ];
    let mut failures = Vec::new();
    for (name, args) in runs {
        let mut cmd = match std::env::var_os("TMALIGN_BIN") {
            Some(exe) => Command::new(exe),
            None => common::bin(),
        };
        let (ok, peak, secs) = measure(cmd.args(&args).current_dir(d.path()));
        eprintln!(
            "{name}: {} MB TMX, peak RSS {:.1} MB, {secs:.1} s",
            size >> 20,
            peak as f64 / (1 << 20) as f64
        );
        assert!(ok, "{name} failed");
        if peak > LIMIT {
            failures.push(format!("{name}: {} MB", peak >> 20));
        }
    }
    assert!(failures.is_empty(), "over the limit: {failures:?}");
}

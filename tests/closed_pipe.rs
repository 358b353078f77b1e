//! Issue #12, closed pipe: `tmalign … | true` never panics (exit 101) and behaves the same in
//! every subcommand: exit 0, stdout discarded, files written completely. The binary's stdout
//! is a pipe whose reader is already gone, so the first write fails with EPIPE every time
//! (no race with a reader that exits).

#![cfg(target_os = "linux")]

mod common;

use common::{bin, write_tmx};
use std::fs::File;
use std::path::Path;
use std::process::Stdio;

/// The write end of a FIFO whose read end is closed: writing fails with EPIPE.
fn closed_pipe(dir: &Path) -> Option<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let fifo = dir.join("pipe");
    let ok = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !ok.map(|s| s.success()).unwrap_or(false) {
        eprintln!("note: mkfifo not available; skipping");
        return None;
    }
    const O_NONBLOCK: i32 = 0o4000; // Linux
    let reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    let writer = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
    drop(reader);
    Some(writer)
}

const ZH: &str = "今天北京天气很好。我们一起去公园散步。公园里有很多人。\n";
const RU: &str =
    "Сегодня в Пекине хорошая погода. Мы вместе идём гулять в парк. В парке много людей.\n";

#[test]
fn every_subcommand_stops_quietly_on_a_closed_pipe() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let batch = p.join("batch");
    std::fs::create_dir_all(&batch).unwrap();
    for stem in ["a", "b", "c"] {
        std::fs::write(batch.join(format!("{stem}.zh.txt")), ZH).unwrap();
        std::fs::write(batch.join(format!("{stem}.ru.txt")), RU).unwrap();
    }
    std::fs::write(p.join("bi.txt"), format!("{ZH}\n{RU}")).unwrap();
    write_tmx(
        &p.join("tm.tmx"),
        &[("你好。", "Привет."), ("谢谢。", "Спасибо.")],
    );
    std::fs::write(p.join("terms.tsv"), "zh\tru\tnote\n你好\tПривет\t\n").unwrap();
    std::fs::create_dir_all(p.join("gold")).unwrap();
    std::fs::create_dir_all(p.join("pred")).unwrap();
    std::fs::write(p.join("gold/a.gold"), "0:0\n1:1\n").unwrap();
    std::fs::write(p.join("pred/a.beads"), "0:0\n1:1\n").unwrap();

    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["align", "--batch", "batch", "-o", "out-align", "--no-seed"],
            vec![
                "out-align/a.tmx",
                "out-align/b.tmx",
                "out-align/c.tmx",
                "out-align/c.beads",
            ],
        ),
        (
            vec!["run", "batch", "-o", "out-run", "--no-seed"],
            vec!["out-run/a.tmx", "out-run/c.tmx", "out-run/c.ru.seg"],
        ),
        (
            vec!["split", "bi.txt", "-o", "out-split"],
            vec!["out-split/bi.zh.txt", "out-split/bi.ru.txt"],
        ),
        (vec!["eval", "gold", "pred"], vec![]),
        (vec!["segment", "batch/a.zh.txt"], vec![]),
        (vec!["qa", "tm.tmx", "--glossary", "terms.tsv"], vec![]),
        (
            vec!["qa", "tm.tmx", "--glossary", "terms.tsv", "--format", "csv"],
            vec![],
        ),
        (vec!["ingest", "bi.txt"], vec![]),
        (vec!["ingest", "--json", "bi.txt"], vec![]),
        (vec!["detect", "bi.txt"], vec![]),
        (vec!["tm", "stats", "tm.tmx"], vec![]),
        (
            vec!["tm", "lookup", "--tm", "tm.tmx", "你好。", "--no-save"],
            vec![],
        ),
        (
            vec!["tm", "merge", "tm.tmx", "-o", "merged.tmx"],
            vec!["merged.tmx"],
        ),
        (
            vec!["tm", "export-csv", "tm.tmx", "-o", "review.csv"],
            vec!["review.csv"],
        ),
    ];
    for (args, files) in cases {
        let Some(pipe) = closed_pipe(p) else { return };
        let o = bin()
            .args(&args)
            .current_dir(p)
            .stdout(Stdio::from(pipe))
            .stderr(Stdio::piped())
            .output()
            .expect("run tmalign");
        std::fs::remove_file(p.join("pipe")).unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        for f in files {
            let meta = std::fs::metadata(p.join(f));
            assert!(
                meta.map(|m| m.len() > 0).unwrap_or(false),
                "{args:?}: {f} not written"
            );
        }
    }
}

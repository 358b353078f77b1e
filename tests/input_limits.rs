//! Issue #12, unbounded input: `ingest /dev/zero`, `tm stats /dev/zero` and the other readers
//! of whole files allocated until killed. Binary content is refused from its first bytes, each
//! kind of file read whole has its cap (documents, review CSVs, TMX and XLIFF 1 GiB,
//! glossaries and bead files 256 MiB, SRX rules and manifests 16 MiB) named in the message,
//! the streaming TMX readers refuse a unit over 64 MiB; a UTF-16 TMX without BOM or
//! declaration is named as such. The real binary; a guard kills a run that does not stop at all (a hang
//! guard, not a speed measurement).

#![cfg(unix)]

mod common;

use common::{bin, write_tmx};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Runs tmalign; returns (exit code, stderr), or fails when it has not stopped after two
/// minutes (it is reading forever).
fn run(args: &[&str], dir: &std::path::Path) -> (Option<i32>, String) {
    let mut child = bin()
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            return (status.code(), err);
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("{args:?} did not stop: reading without end?");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn endless_or_binary_input_is_refused_at_once() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    write_tmx(&d.path().join("tm.tmx"), &[("你好。", "Привет.")]);
    std::fs::write(d.path().join("a.ru"), "Привет.\n").unwrap();
    // `align /dev/zero a.ru` (zh→ru into `out`) with `extra` options after the files
    let align_zero = |extra: &[&'static str]| -> Vec<&'static str> {
        [
            &["align", "/dev/zero", "a.ru"][..],
            extra,
            &["--src-lang", "zh", "--tgt-lang", "ru", "-o", "out"],
        ]
        .concat()
    };
    for (args, says) in [
        (vec!["ingest", "/dev/zero"], "binary file"),
        (vec!["segment", "/dev/zero", "--lang", "zh"], "binary file"),
        (vec!["tm", "stats", "/dev/zero"], "NUL byte"),
        (
            vec!["tm", "export-csv", "/dev/zero", "-o", "r.csv"],
            "NUL byte",
        ),
        (
            vec![
                "tm",
                "import-csv",
                "/dev/zero",
                "--tm",
                "tm.tmx",
                "-o",
                "n.tmx",
            ],
            "binary",
        ),
        (vec!["qa", "tm.tmx", "--glossary", "/dev/zero"], "binary"),
        (align_zero(&["--presegmented"]), "binary"),
        (align_zero(&[]), "binary"),
        (
            vec!["segment", "a.ru", "--lang", "ru", "--rules", "/dev/zero"],
            "SRX rules are text",
        ),
        (
            vec!["tm", "import-xliff", "/dev/zero", "-o", "x.tmx"],
            "XLIFF files are text",
        ),
        (
            vec!["tm", "lookup", "--tm", "/dev/zero", "你好", "--no-save"],
            "not a file",
        ),
        (
            vec!["align", "--batch", "/dev/zero", "-o", "out"],
            "no such directory or manifest file",
        ),
    ] {
        let (code, err) = run(&args, d.path());
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn a_utf16_tmx_without_bom_or_declaration_is_named() {
    let d = tempfile::tempdir().unwrap();
    let xml = "<tmx version=\"1.4\"><header srclang=\"zh-CN\"/><body></body></tmx>";
    let utf16: Vec<u8> = xml.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    std::fs::write(d.path().join("u.tmx"), utf16).unwrap();
    let (code, err) = run(&["tm", "stats", "u.tmx"], d.path());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("UTF-16?"), "{err}");
}

#[test]
fn each_kind_of_file_read_whole_has_its_cap() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("a.ru"), "Привет.\n").unwrap();
    // 17 MiB of text: more than any SRX file or manifest, which are capped at 16 MiB
    let big = "a".repeat(17 << 20);
    std::fs::write(d.path().join("big.srx"), &big).unwrap();
    std::fs::write(d.path().join("big.tsv"), &big).unwrap();
    for (args, says) in [
        (
            vec!["segment", "a.ru", "--lang", "ru", "--rules", "big.srx"],
            "larger than 16 MiB, the limit for SRX rules",
        ),
        (
            vec!["align", "--batch", "big.tsv", "-o", "out"],
            "larger than 16 MiB, the limit for manifests",
        ),
    ] {
        let (code, err) = run(&args, d.path());
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(err.len() < 1000, "the input is echoed: {} bytes", err.len());
    }
}

/// Runs tmalign with `args` reading a TMX from standard input: `head`, then `unit_part`
/// repeated until tmalign closes the pipe; returns (exit code, stderr).
fn run_endless_tmx(args: &[&str], head: &str, unit_part: &str) -> (Option<i32>, String) {
    let d = tempfile::tempdir().unwrap();
    let mut child = bin()
        .args(args)
        .current_dir(d.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (head, part) = (head.to_string(), unit_part.repeat(1 << 16));
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let mut written = head.len() as u64;
        if stdin.write_all(head.as_bytes()).is_err() {
            return written;
        }
        // at most 1 GiB: a reader that never stops fails the test instead of filling memory
        while written < 1 << 30 && stdin.write_all(part.as_bytes()).is_ok() {
            written += part.len() as u64;
        }
        written
    });
    let out = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    assert!(
        written < 1 << 30,
        "{args:?} read 1 GiB of one unit without stopping"
    );
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_endless_tmx_unit_is_refused_by_the_streaming_readers() {
    let head = r#"<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="zh-CN"/><body><tu><tuv xml:lang="zh-CN"><seg>"#;
    // one endless text: the XML parser's buffer would grow without end; endless short pieces
    // of one unit: the unit would (each of the three streaming readers meets one of the two)
    let endless_text = "很长的文本";
    let endless_unit = "文本<ph>x</ph>";
    for (args, part, says) in [
        (
            vec!["tm", "stats", "/dev/stdin"],
            endless_text,
            "64 MiB without any markup",
        ),
        (
            vec!["tm", "stats", "/dev/stdin"],
            endless_unit,
            "<tu> longer than 64 MiB",
        ),
        (
            vec!["tm", "export-csv", "/dev/stdin", "-o", "r.csv"],
            endless_text,
            "64 MiB without any markup",
        ),
        (
            vec!["qa", "/dev/stdin"],
            endless_unit,
            "<tu> longer than 64 MiB",
        ),
    ] {
        let (code, err) = run_endless_tmx(&args, head, part);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

//! Issue #12, unbounded input: `ingest /dev/zero`, `tm stats /dev/zero` and the other readers
//! of whole files allocated until killed. Binary content is refused from its first bytes and
//! text files are capped (1 GiB) with a message; a UTF-16 TMX without BOM or declaration is
//! named as such. The real binary; a guard kills a run that does not stop at all (a hang
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

//! The Spark driver (`tools/spark/align_corpus.py`) in Spark local mode: 1, 2 and 7 partitions
//! give the beads of one-machine `align --batch` and byte-identical merged TMX.
//!
//! Needs PySpark and a Java runtime (`.ci/run` installs both): missing outside CI, the tests
//! print a note and pass; in CI (`CI=true`) they fail. The Python with PySpark is
//! `$TMALIGN_SPARK_PYTHON` (else `python3`); `$TMALIGN_SPARK_BIN` replaces the test build of
//! tmalign (a release build makes the big test quick).
//!
//! The plain `cargo test` runs four development pairs (a debug build is slow); the big tests
//! (all 21 development pairs; the development pairs cut into small pairs and repeated under
//! other names to 3000 pairs) are `#[ignore]`d: `.ci/run` runs the 3000-pair one with the
//! debug binary (`cargo test --test spark_local thousands_of_pairs -- --ignored`: the whole
//! test, one-machine alignment and three driver runs, took 389 s CPU of every process, JVM and
//! Python included, measured under load); by hand, a release binary is quicker:
//! `TMALIGN_SPARK_BIN=target/release/tmalign cargo test --test spark_local -- --ignored`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn python() -> String {
    std::env::var("TMALIGN_SPARK_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn binary() -> PathBuf {
    std::env::var_os("TMALIGN_SPARK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_tmalign")))
}

/// Whether PySpark and Java are there; a failure in CI, a note elsewhere.
fn have_spark() -> bool {
    let py = Command::new(python())
        .args(["-c", "import pyspark"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    let java = Command::new("java")
        .arg("-version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if py && java {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "PySpark ({}) and java are required in CI (.ci/run installs them): pyspark {py}, java {java}",
        python()
    );
    eprintln!("note: PySpark or java missing (pyspark {py}, java {java}); skipping");
    false
}

/// Files by name, with their bytes.
type Files = BTreeMap<String, Vec<u8>>;

/// Every file of `dir` by name.
fn files(dir: &Path, ext: &str) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).expect("output dir").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(ext) {
            out.insert(name, std::fs::read(e.path()).expect("reads"));
        }
    }
    out
}

const OPTS: [&str; 4] = ["--presegmented", "--scorer", "lexical", "--no-seed"];

/// One-machine `align --batch`: the bead files by name.
fn one_machine(manifest: &Path, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let o = Command::new(binary())
        .args(["align", "--batch"])
        .arg(manifest)
        .args([
            "--allow-outside",
            "--formats",
            "tmx,beads",
            "--no-html",
            "-o",
        ])
        .arg(out)
        .args(OPTS)
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .output()
        .expect("runs tmalign");
    assert!(o.status.success(), "{}", common::outputs(&o));
    files(out, ".beads")
}

/// The driver with `parts` partitions, the documents' files written by `writer` (`auto`: the
/// executors in local mode; `driver`: through Spark, as on a cluster), the JVM's class archive
/// in `archive`: (bead files, per-document TMX, merged TMX).
fn driver(
    manifest: &Path,
    out: &Path,
    parts: usize,
    writer: &str,
    archive: &Path,
) -> (Files, Files, Vec<u8>) {
    let script = common::repo().join("tools/spark/align_corpus.py");
    let o = Command::new(python())
        .arg(&script)
        .arg("--master")
        .arg(format!("local[{}]", parts.min(2)))
        .arg("--tmalign")
        .arg(binary())
        .arg("--manifest")
        .arg(manifest)
        .arg("--output")
        .arg(out)
        .args([
            "--partitions",
            &parts.to_string(),
            "--presegmented",
            "--scorer",
            "lexical",
        ])
        .arg("--no-seed")
        .args(["--output-writer", writer])
        .arg("--class-archive")
        .arg(archive)
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .env("PYSPARK_PYTHON", python())
        .output()
        .expect("runs the driver");
    assert!(
        o.status.success(),
        "driver, {parts} partitions: {}",
        common::outputs(&o)
    );
    // nothing but the outputs: no staging folder of the executors left behind
    let mut names: Vec<String> = std::fs::read_dir(out)
        .expect("output folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["corpus.lex", "corpus.tmx", "docs"],
        "{parts} partitions"
    );
    let docs = out.join("docs");
    let tmx = std::fs::read(out.join("corpus.tmx")).expect("merged TMX");
    (files(&docs, ".beads"), files(&docs, ".tmx"), tmx)
}

/// Runs one-machine alignment and the driver at 1, 2 and 7 partitions on `manifest`: the
/// executors write the documents' files at 1 and 2, the driver at 7; the first run makes the
/// driver JVM's class archive, the others use it.
fn check(manifest: &Path, dir: &Path) {
    let one = one_machine(manifest, &dir.join("one"));
    let one_tmx = files(&dir.join("one"), ".tmx");
    assert!(!one.is_empty());
    let mut merged: Option<Vec<u8>> = None;
    let archive = dir.join("jvm-archive");
    for (parts, writer) in [(1, "auto"), (2, "executors"), (7, "driver")] {
        let out = dir.join(format!("p{parts}"));
        let (beads, tmx, corpus) = driver(manifest, &out, parts, writer, &archive);
        assert_eq!(beads.len(), one.len(), "{parts} partitions");
        for (name, b) in &one {
            assert!(
                beads.get(name) == Some(b),
                "{name}: other beads with {parts} partitions"
            );
        }
        assert!(
            tmx == one_tmx,
            "per-document TMX differ with {parts} partitions"
        );
        match &merged {
            None => merged = Some(corpus),
            Some(m) => assert!(*m == corpus, "merged TMX differs with {parts} partitions"),
        }
    }
    // a class archive is written under a name of its own and renamed when whole
    if let Ok(entries) = std::fs::read_dir(&archive) {
        for e in entries {
            let name = e.expect("entry").file_name().to_string_lossy().into_owned();
            assert!(name.ends_with(".jsa"), "left in the archive folder: {name}");
        }
    }
}

fn write_manifest(path: &Path, rows: &[(PathBuf, PathBuf)]) {
    let text: String = rows
        .iter()
        .map(|(s, t)| format!("{}\t{}\n", s.display(), t.display()))
        .collect();
    std::fs::write(path, text).expect("writes manifest");
}

/// The first `n` development pairs (zh-ru, presegmented) through the driver.
fn dev_documents(n: usize) {
    let Some(shared) = common::shared() else {
        return;
    };
    if !have_spark() {
        return;
    }
    let seg = shared.join("eval/ntrex-zhru/seg");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rows = Vec::new();
    for k in 0..n {
        rows.push((
            seg.join(format!("{k:03}.zh")),
            seg.join(format!("{k:03}.ru")),
        ));
    }
    let manifest = dir.path().join("dev.tsv");
    write_manifest(&manifest, &rows);
    check(&manifest, dir.path());
}

/// A few development pairs: quick enough for a debug build.
#[test]
fn spark_partitions_give_one_machine_beads_on_dev_documents() {
    dev_documents(4);
}

/// All 21 development pairs.
#[test]
#[ignore = "minutes with a debug build; run by hand with a release build (see the module doc)"]
fn spark_partitions_give_one_machine_beads_on_all_dev_documents() {
    dev_documents(21);
}

/// The dev documents cut at gold bead boundaries into small pairs of a few beads, repeated
/// under other file names to a few thousand pairs.
#[test]
#[ignore = "minutes; run by .ci/run (see the module doc)"]
fn spark_partitions_give_one_machine_beads_on_thousands_of_pairs() {
    let Some(shared) = common::shared() else {
        return;
    };
    if !have_spark() {
        return;
    }
    let set = shared.join("eval/ntrex-zhru");
    let dir = tempfile::tempdir().expect("temp dir");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).expect("mkdir");
    let mut pieces: Vec<(String, String)> = Vec::new();
    for k in 0..21 {
        let zh = common::lines(&set.join(format!("seg/{k:03}.zh")));
        let ru = common::lines(&set.join(format!("seg/{k:03}.ru")));
        let gold = std::fs::read_to_string(set.join(format!("gold/{k:03}.gold"))).expect("gold");
        let beads = tmalign::eval::parse_beads_str(&gold).expect("gold parses");
        for chunk in beads.chunks(3) {
            let (mut s, mut t) = (Vec::new(), Vec::new());
            for b in chunk {
                s.extend(b.0.iter().map(|&i| zh[i as usize].clone()));
                t.extend(b.1.iter().map(|&i| ru[i as usize].clone()));
            }
            if !s.is_empty() && !t.is_empty() {
                pieces.push((s.join("\n") + "\n", t.join("\n") + "\n"));
            }
        }
    }
    let copies = 3000usize.div_ceil(pieces.len());
    let mut rows = Vec::new();
    for c in 0..copies {
        for (k, (s, t)) in pieces.iter().enumerate() {
            let stem = format!("c{c}-p{k:04}");
            let (ps, pt) = (
                docs.join(format!("{stem}.zh")),
                docs.join(format!("{stem}.ru")),
            );
            std::fs::write(&ps, s).expect("writes");
            std::fs::write(&pt, t).expect("writes");
            rows.push((ps, pt));
        }
    }
    assert!(rows.len() >= 2000, "{} pairs", rows.len());
    let manifest = dir.path().join("corpus.tsv");
    write_manifest(&manifest, &rows);
    check(&manifest, dir.path());
}

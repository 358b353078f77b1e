//! `tmalign run` — the README's main job — on the bundled examples and on bad input.

mod common;

use common::{have_tool, outputs, repo, s, tmalign};
use std::collections::HashSet;
use std::path::Path;

/// Reads the review CSV into (source, target) pairs of the non-null beads.
fn csv_pairs(path: &Path) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_path(path).expect("open csv");
    let headers = reader.headers().expect("header").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .unwrap_or_else(|| panic!("no column {name} in {headers:?}"))
    };
    let (sc, tc) = (col("source_text"), col("target_text"));
    reader
        .records()
        .map(|r| r.expect("row"))
        .filter(|r| !r[sc].is_empty() && !r[tc].is_empty())
        .map(|r| (r[sc].to_string(), r[tc].to_string()))
        .collect()
}

fn norm(t: &str) -> String {
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn main_job_on_examples_writes_valid_tmx_and_recovers_the_expected_pairs() {
    let out = tempfile::tempdir().unwrap();
    let o = tmalign(&["run", "-o", s(out.path())], &repo());
    assert!(o.status.success(), "{}", outputs(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    for stem in ["joint-statement", "summit-news", "bulletin"] {
        for ext in ["tmx", "csv", "beads"] {
            let f = out.path().join(format!("{stem}.{ext}"));
            assert!(f.is_file(), "missing {}\n{stdout}", f.display());
        }
        for lang in ["zh", "ru"] {
            assert!(out.path().join(format!("{stem}.{lang}.seg")).is_file());
        }
        assert!(stdout.contains(stem), "{stdout}");
    }
    // Bead indices are line numbers of the written `.seg` files (which may hold sentences the
    // aligner split): every line is in exactly one bead, in order.
    for stem in ["joint-statement", "summit-news", "bulletin"] {
        let beads = tmalign::eval::parse_beads(&out.path().join(format!("{stem}.beads")))
            .expect("beads parse");
        let lines = |lang: &str| {
            std::fs::read_to_string(out.path().join(format!("{stem}.{lang}.seg")))
                .expect("seg")
                .lines()
                .count() as i64
        };
        let (mut i, mut j) = (0i64, 0i64);
        for (a, b) in &beads {
            for x in a {
                assert_eq!(*x, i, "{stem}: source line {i} out of order");
                i += 1;
            }
            for y in b {
                assert_eq!(*y, j, "{stem}: target line {j} out of order");
                j += 1;
            }
        }
        assert_eq!(
            (i, j),
            (lines("zh"), lines("ru")),
            "{stem}: beads vs .seg lines"
        );
    }
    // No temporary files are left behind.
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "leftover {name}");
    }

    // Every m:n case and sample 1-1 pair written into the examples must come out as one TU.
    let mut found: HashSet<(String, String)> = HashSet::new();
    for stem in ["joint-statement", "summit-news", "bulletin"] {
        for (a, b) in csv_pairs(&out.path().join(format!("{stem}.csv"))) {
            found.insert((norm(&a), norm(&b)));
        }
    }
    let expected = std::fs::read_to_string(repo().join("examples/expected-pairs.tsv")).unwrap();
    let mut missing = Vec::new();
    let mut total = 0;
    for line in expected.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let (zh, ru) = line.split_once('\t').expect("two columns");
        total += 1;
        if !found.contains(&(norm(zh), norm(ru))) {
            missing.push(format!("{zh} ↔ {ru}"));
        }
    }
    assert!(total >= 30, "expected-pairs.tsv lists {total} pairs");
    assert!(
        missing.is_empty(),
        "{} of {total} expected pairs not aligned:\n{}",
        missing.len(),
        missing.join("\n")
    );

    if let Some(dtd) = common::shared()
        .map(|sh| sh.join("spec/tmx14.dtd"))
        .filter(|_| have_tool("xmllint"))
    {
        for stem in ["joint-statement", "summit-news", "bulletin"] {
            let tmx = out.path().join(format!("{stem}.tmx"));
            let v = std::process::Command::new("xmllint")
                .args(["--noout", "--dtdvalid", s(&dtd), s(&tmx)])
                .output()
                .unwrap();
            assert!(v.status.success(), "{}", outputs(&v));
        }
    }
}

#[test]
fn main_job_refuses_bad_input_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // An empty file in a pair.
    std::fs::write(dir.path().join("a.zh.txt"), "").unwrap();
    std::fs::write(dir.path().join("a.ru.txt"), "Текст на русском языке.\n").unwrap();
    let o = tmalign(&["run", s(dir.path()), "-o", s(&out)], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("a.zh.txt"), "{err}");
    assert_eq!(err.lines().count(), 1, "one message: {err}");
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());

    // A missing input.
    let o = tmalign(&["run", "no-such-dir", "-o", s(&out)], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no-such-dir"));

    // Only monolingual documents: nothing to align.
    let mono = tempfile::tempdir().unwrap();
    std::fs::write(mono.path().join("note.txt"), "只有中文。\n").unwrap();
    let o = tmalign(&["run", s(mono.path()), "-o", s(&out)], mono.path());
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to align"));
}

/// `run .` on files whose names carry no language (#14): a clear match by content is paired
/// and said so; a file with none is named with the reason and `tmalign align A B` suggested.
#[test]
fn unpaired_names_pair_by_content_or_say_why() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let ex = repo().join("examples");
    std::fs::copy(ex.join("joint-statement.zh.txt"), p.join("新闻_中文.txt")).unwrap();
    std::fs::copy(ex.join("joint-statement.ru.txt"), p.join("Новости_RU.txt")).unwrap();
    std::fs::copy(ex.join("summit-news.ru.md"), p.join("другое.md")).unwrap();
    let o = tmalign(&["run", ".", "-o", "out", "--scorer", "lexical"], p);
    assert!(o.status.success(), "{}", outputs(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("paired by content: ./新闻_中文.txt (zh) + ./Новости_RU.txt (ru)"),
        "{said}"
    );
    assert!(p.join("out/新闻_中文.tmx").is_file());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("./другое.md: skipped: only ru text")
            && err.contains("tmalign align ./другое.md TRANSLATION"),
        "{err}"
    );
    // a related article that is no translation is not a clear match: nothing to align, and
    // the message names each file and why
    std::fs::remove_file(p.join("Новости_RU.txt")).unwrap();
    let o = tmalign(&["run", ".", "-o", "out2", "--scorer", "lexical"], p);
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    for needle in [
        "nothing to align",
        "./другое.md: only ru text",
        "./新闻_中文.txt: only zh text",
        "tmalign align A B",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert!(!p.join("out2").exists());
}

/// `run` shows its progress bar on a terminal only: nothing on a redirected stderr.
#[test]
fn run_prints_no_progress_when_stderr_is_not_a_terminal() {
    let out = tempfile::tempdir().unwrap();
    let o = tmalign(
        &["run", "-o", s(out.path()), "--scorer", "lexical"],
        &repo(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `run` takes the options `align` has (#14): formats, locales, largest bead, SRX rules, seed
/// file; the combined project TMX can be left out.
#[test]
fn run_takes_the_align_options() {
    let out = tempfile::tempdir().unwrap();
    let srx = repo().join("tests/data/segment/news.srx");
    let seed = out.path().join("seed.tsv");
    std::fs::write(&seed, "zh\tru\n联合国\tООН\n").unwrap();
    let o = tmalign(
        &[
            "run",
            "-o",
            s(out.path()),
            "--scorer",
            "lexical",
            "--formats",
            "tmx",
            "--locales",
            "zh=zh-TW",
            "--max-bead",
            "2",
            "--rules",
            s(&srx),
            "--seed",
            s(&seed),
            "--no-project",
            "--no-html",
        ],
        &repo(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("seed.tsv (1 term pairs)"), "{said}");
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "seed.tsv")
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["bulletin.tmx", "joint-statement.tmx", "summit-news.tmx"]
    );
    let tmx = std::fs::read_to_string(out.path().join("joint-statement.tmx")).unwrap();
    assert!(tmx.contains(r#"xml:lang="zh-TW""#));
    for bead in ["1-3", "3-1", "3-2", "2-3"] {
        assert!(
            !tmx.contains(&format!(">{bead}<")),
            "{bead} with --max-bead 2"
        );
    }
    // a bad SRX file is refused before anything is written
    let bad = out.path().join("bad.srx");
    std::fs::write(&bad, "not xml").unwrap();
    let o = tmalign(
        &["run", "-o", s(&out.path().join("x")), "--rules", s(&bad)],
        &repo(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", outputs(&o));
    assert!(!out.path().join("x").exists());
}

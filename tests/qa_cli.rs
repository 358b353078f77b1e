//! `tmalign qa` end to end: the real binary on real files.

mod common;

use common::{bin, run, write_tmx_ids};
use std::path::{Path, PathBuf};
use std::process::Output;

fn units() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        // inflected and written with е instead of ё: fine
        (
            "ok1",
            "双方将深化全面战略协作伙伴关系。",
            "Стороны будут углублять отношения всеобъемлющего партнерства и стратегического взаимодействия.",
        ),
        // the term is rendered otherwise: reported
        (
            "bad1",
            "上海合作组织峰会在北京举行。",
            "Саммит организации прошел в Пекине.",
        ),
        // genitive of the rendering: fine
        (
            "ok2",
            "上海合作组织峰会在北京举行。",
            "Саммит Шанхайской организации сотрудничества прошел в Пекине.",
        ),
        // no glossary term at all
        ("none", "天气很好。", "Погода хорошая."),
    ]
}

fn glossary(dir: &Path) -> PathBuf {
    let g = dir.join("terms.tsv");
    std::fs::write(
        &g,
        "zh\tru\tnote\n全面战略协作伙伴关系\tвсеобъемлющее партнёрство и стратегическое взаимодействие\tformula\n上海合作组织\tШанхайская организация сотрудничества\torg\n上海合作组织\tШОС\torg\n",
    )
    .unwrap();
    g
}

/// Writes the sample units to `dir/tm.tmx`.
fn sample_tmx(dir: &Path) -> PathBuf {
    let tmx = dir.join("tm.tmx");
    write_tmx_ids(&tmx, &units());
    tmx
}

/// Runs `tmalign qa TMX --glossary GLOSSARY ARGS…`.
fn qa(tmx: &Path, glossary: &Path, args: &[&str]) -> Output {
    run(bin()
        .arg("qa")
        .arg(tmx)
        .arg("--glossary")
        .arg(glossary)
        .args(args))
}

#[test]
fn reports_missing_renderings_by_lemma() {
    let d = tempfile::tempdir().unwrap();
    let tmx = sample_tmx(d.path());
    let g = glossary(d.path());
    let out = qa(&tmx, &g, &[]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let f: Vec<&str> = lines[0].split('\t').collect();
    assert_eq!(f[0], "bad1");
    assert_eq!(f[1], "上海合作组织");
    assert!(f[2].contains("Шанхайская организация сотрудничества") && f[2].contains("ШОС"));
    assert!(f[3].contains("Саммит организации прошел в Пекине."));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 terminology issues in 1 of 4 units"),
        "{stderr}"
    );

    // CSV report
    let out = qa(&tmx, &g, &["--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let mut rd = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        ["unit", "term", "expected", "target"]
    );
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "bad1");
}

#[test]
fn default_glossary_is_the_seed_list() {
    let d = tempfile::tempdir().unwrap();
    let tmx = sample_tmx(d.path());
    let out = run(bin()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("qa")
        .arg(&tmx));
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.lines().any(|l| l.starts_with("bad1\t上海合作组织")),
        "{stdout}"
    );
    assert!(
        !stdout.lines().any(|l| l.starts_with("ok2\t上海合作组织\t")),
        "{stdout}"
    );
    // a term inside a longer one is not reported separately
    assert!(
        !stdout.lines().any(|l| l.starts_with("bad1\t上海\t")),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("zh-ru.tsv"));
}

#[test]
fn broken_glossary_and_tmx_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let tmx = sample_tmx(d.path());
    let g = d.path().join("broken.tsv");
    std::fs::write(
        &g,
        "zh\tru\tnote\n上海合作组织\tШОС\torg\n金砖国家\tБРИКС\torg\textra\n",
    )
    .unwrap();
    let out = qa(&tmx, &g, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.tsv") && err.contains("line 3"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    let bad = d.path().join("bad.tmx");
    std::fs::write(&bad, "<tmx version=\"1.4\"><body><tu>").unwrap();
    let out = qa(&bad, &glossary(d.path()), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.tmx"));
}

//! `--timings` / `TMALIGN_TIMING=1` on `run` and `align`: one JSON object a line on stderr per
//! stage, naming every stage; the outputs are those of a run without timings. (No
//! thresholds on the figures: they are measurements, not tests.)

mod common;

use common::{bin, outputs, repo, s, tmalign, EPOCH};
use std::collections::BTreeSet;

/// The stage records printed on stderr: (name, kind) of each JSON line, after checking that
/// every line is a record with non-negative times and a count.
fn stages(stderr: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(stderr);
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}"));
        let wall = v["wall_s"].as_f64().unwrap_or(-1.0);
        assert!(wall >= 0.0, "{line}");
        assert!(v["count"].as_u64().is_some_and(|c| c >= 1), "{line}");
        if cfg!(unix) {
            assert!(v["cpu_s"].as_f64().is_some_and(|c| c >= 0.0), "{line}");
        }
        out.push((
            v["stage"].as_str().expect("stage name").to_owned(),
            v["kind"].as_str().expect("kind").to_owned(),
        ));
    }
    out
}

fn names(st: &[(String, String)]) -> BTreeSet<&str> {
    st.iter().map(|(n, _)| n.as_str()).collect()
}

const RUN_STAGES: &[&str] = &[
    "scorer",
    "ingest",
    "lang",
    "segment",
    "prepare",
    "seed",
    "align.features",
    "align.pass0",
    "align.pass1",
    "align.learn",
    "align.lexical",
    "align.resegment.stats",
    "align.resegment",
    "align",
    "outputs",
    "total",
];

#[test]
fn run_prints_every_stage_as_json_and_writes_the_same_outputs() {
    let (with, without) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let o = tmalign(
        &[
            "run",
            "-o",
            s(with.path()),
            "--timings",
            "--scorer",
            "lexical",
        ],
        &repo(),
    );
    assert!(o.status.success(), "{}", outputs(&o));
    let st = stages(&o.stderr);
    let got = names(&st);
    for want in RUN_STAGES {
        assert!(got.contains(want), "no stage {want} in {got:?}");
    }
    assert_eq!(st.len(), got.len(), "a stage printed twice: {st:?}");
    assert_eq!(st.last().map(|x| x.0.as_str()), Some("total"));
    assert!(st.contains(&("align.pass0".into(), "task".into())));
    assert!(st.contains(&("align".into(), "stage".into())));
    // The same files as without timings, byte for byte.
    let plain = tmalign(
        &["run", "-o", s(without.path()), "--scorer", "lexical"],
        &repo(),
    );
    assert!(plain.status.success(), "{}", outputs(&plain));
    assert!(plain.stderr.is_empty(), "{}", outputs(&plain));
    let mut files: Vec<_> = std::fs::read_dir(without.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    for f in files {
        let (a, b) = (with.path().join(&f), without.path().join(&f));
        assert_eq!(
            std::fs::read(a).unwrap(),
            std::fs::read(b).unwrap(),
            "{f:?}"
        );
    }
}

#[test]
fn the_environment_variable_times_align_too() {
    let out = tempfile::tempdir().unwrap();
    let ex = repo().join("examples");
    let pair: Vec<_> = ["joint-statement.zh.txt", "joint-statement.ru.txt"]
        .iter()
        .map(|f| ex.join(f))
        .collect();
    let o = bin()
        .args(["align", s(&pair[0]), s(&pair[1]), "-o", s(out.path())])
        .args(["--scorer", "lexical", "--no-seed"])
        .env("TMALIGN_TIMING", "1")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("run tmalign");
    assert!(o.status.success(), "{}", outputs(&o));
    let st = stages(&o.stderr);
    let got = names(&st);
    for want in [
        "scorer",
        "read",
        "align.features",
        "align.pass0",
        "align.lexical",
        "align.resegment",
        "align",
        "outputs",
        "total",
    ] {
        assert!(got.contains(want), "no stage {want} in {got:?}");
    }
    // no seed glossary asked for, no seed stage
    assert!(!got.contains("seed"), "{got:?}");
    // `TMALIGN_TIMING=0` is off
    let o = bin()
        .args(["align", s(&pair[0]), s(&pair[1]), "-o", s(out.path())])
        .args(["--scorer", "lexical", "--no-seed"])
        .env("TMALIGN_TIMING", "0")
        .output()
        .expect("run tmalign");
    assert!(o.status.success(), "{}", outputs(&o));
    assert!(o.stderr.is_empty(), "{}", outputs(&o));
}

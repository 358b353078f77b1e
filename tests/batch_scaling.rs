//! `align --batch` grows linearly with the number of pairs: counted, not timed. The
//! `output.file_ids` counter of `--timings` (file identity lookups, one `stat` each, made to
//! keep every output off the inputs) must grow in proportion to the batch. Checking each
//! output against every input anew made it cubic (3,000 small pairs: over ten CPU minutes in
//! that check alone); this test would see that as a 16- or 64-fold growth for 4 times the
//! pairs.

mod common;

use common::{bin, outputs, s, EPOCH};
use std::path::Path;

/// Small pairs in `dir`, each of three sentences, with one line shared by every pair (as the
/// boilerplate of a real batch is).
fn write_pairs(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).expect("mkdir");
    for k in 0..n {
        let zh = format!("第{k}号公报发布。\n两国代表在北京举行了第{k}轮会谈。\n责任编辑：王明\n");
        let ru = format!(
            "Опубликовано коммюнике № {k}.\nПредставители двух стран провели в Пекине {k}-й раунд переговоров.\nИсточник: ТАСС\n"
        );
        std::fs::write(dir.join(format!("doc{k:04}.zh")), zh).expect("writes");
        std::fs::write(dir.join(format!("doc{k:04}.ru")), ru).expect("writes");
    }
}

/// The `output.file_ids` count of `align --batch` over `n` pairs.
fn file_ids(n: usize) -> u64 {
    let dir = tempfile::tempdir().expect("temp dir");
    let docs = dir.path().join("docs");
    write_pairs(&docs, n);
    let o = bin()
        .args([
            "align",
            "--batch",
            s(&docs),
            "-o",
            s(&dir.path().join("out")),
        ])
        .args(["--presegmented", "--scorer", "lexical", "--no-seed"])
        .args(["--formats", "tmx,beads", "--timings"])
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("runs tmalign");
    assert!(o.status.success(), "{}", outputs(&o));
    let text = String::from_utf8_lossy(&o.stderr);
    let counts: Vec<u64> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["kind"] == "counter" && v["stage"] == "output.file_ids")
        .filter_map(|v| v["count"].as_u64())
        .collect();
    assert_eq!(counts.len(), 1, "one output.file_ids counter: {text}");
    counts[0]
}

#[test]
fn output_checks_of_a_batch_grow_linearly_with_its_pairs() {
    let (small, big) = (file_ids(10), file_ids(40));
    // a + b·n for some a, b ≥ 0: at most 4 times as many for 4 times the pairs (a little
    // slack for lookups that depend on the directory, not the pairs)
    assert!(small > 10, "{small} lookups for 10 pairs");
    assert!(
        big <= 4 * small + 40,
        "{small} file lookups for 10 pairs, {big} for 40: not linear"
    );
    // each output is checked at least once
    assert!(big >= 3 * 40, "{big} lookups for 40 pairs");
}

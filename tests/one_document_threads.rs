//! One document aligned alone is shared over the thread pool (issue #13): its two sides are
//! featurised at once in chunks, the lexicon's candidate pairs are counted in ranges of units,
//! and each lexical pass's bead costs are computed in chunks of rows before its DP. None of it
//! may change a byte of the output. This test aligns a long real pair (NTREX-128 zh–ru twice
//! over, with dropped and merged lines: ~3,950 segments a side, long enough for every split
//! to happen) on 1, 2 and 3 threads, presegmented and as raw paragraphs, and compares every
//! output file. Skipped with a note without `../shared`.

mod common;

use common::{bin, outputs, s, shared_with, EPOCH};
use std::path::Path;

/// The corpus twice over: the first copy with every 53rd Russian line dropped, the second
/// with every 41st Chinese line merged into the next and every 67th dropped.
fn long_pair(shared: &Path) -> (Vec<String>, Vec<String>) {
    let data = shared.join("data/ntrex128");
    let read = |f: &str| -> Vec<String> {
        std::fs::read_to_string(data.join(f))
            .expect("NTREX-128 file")
            .lines()
            .map(str::to_owned)
            .collect()
    };
    let (zh, ru) = (
        read("newstest2019-ref.zho-CN.txt"),
        read("newstest2019-ref.rus.txt"),
    );
    let mut a: Vec<String> = zh.clone();
    let mut b: Vec<String> = ru
        .iter()
        .enumerate()
        .filter(|(k, _)| k % 53 != 52)
        .map(|(_, l)| l.clone())
        .collect();
    let mut k = 0;
    while k < zh.len() {
        if k % 67 == 66 {
            k += 1;
            continue;
        }
        if k % 41 == 40 && k + 1 < zh.len() {
            a.push(format!("{}{}", zh[k], zh[k + 1]));
            k += 2;
            continue;
        }
        a.push(zh[k].clone());
        k += 1;
    }
    b.extend(ru.iter().cloned());
    (a, b)
}

/// The files `tmalign align` writes for the pair on `threads` threads.
fn outputs_on(
    threads: usize,
    zh: &Path,
    ru: &Path,
    raw: bool,
    out: &Path,
) -> Vec<(String, Vec<u8>)> {
    let mut cmd = bin();
    cmd.args(["align", s(zh), s(ru), "-o", s(out)])
        .args(["--scorer", "lexical", "--formats", "tmx,csv,beads"])
        .env("RAYON_NUM_THREADS", threads.to_string())
        .env("SOURCE_DATE_EPOCH", EPOCH);
    if !raw {
        cmd.arg("--presegmented");
    }
    let o = cmd.output().expect("run tmalign");
    assert!(o.status.success(), "{threads} threads: {}", outputs(&o));
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(out)
        .expect("output folder")
        .map(|e| {
            let e = e.expect("entry");
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).expect("output file"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_long_document_aligns_to_the_same_bytes_on_any_number_of_threads() {
    let Some(shared) = shared_with("data/ntrex128") else {
        return;
    };
    let (zh, ru) = long_pair(&shared);
    assert!(
        zh.len() > 3_900 && ru.len() > 3_900,
        "{} / {}",
        zh.len(),
        ru.len()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    // presegmented: a line a segment; raw: paragraphs of six lines, segmented by the tool
    let seg = (dir.path().join("long.zh"), dir.path().join("long.ru"));
    std::fs::write(&seg.0, zh.join("\n") + "\n").expect("write");
    std::fs::write(&seg.1, ru.join("\n") + "\n").expect("write");
    let paragraphs = |lines: &[String], sep: &str| -> String {
        lines
            .chunks(6)
            .map(|p| p.join(sep))
            .collect::<Vec<_>>()
            .join("\n\n")
            + "\n"
    };
    let raw = (dir.path().join("raw.zh.txt"), dir.path().join("raw.ru.txt"));
    std::fs::write(&raw.0, paragraphs(&zh, "")).expect("write");
    std::fs::write(&raw.1, paragraphs(&ru, " ")).expect("write");
    for (pair, is_raw, threads) in [(&seg, false, &[2, 3][..]), (&raw, true, &[2][..])] {
        let one = outputs_on(1, &pair.0, &pair.1, is_raw, &dir.path().join("one"));
        assert!(
            one.len() >= 4,
            "{:?}",
            one.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        let beads = one
            .iter()
            .find(|f| f.0.ends_with(".beads"))
            .map_or(0, |f| f.1.iter().filter(|&&c| c == b'\n').count());
        assert!(beads > 3_000, "{beads} beads");
        for &t in threads {
            let many = outputs_on(
                t,
                &pair.0,
                &pair.1,
                is_raw,
                &dir.path().join(format!("t{t}")),
            );
            assert_eq!(
                one.len(),
                many.len(),
                "raw {is_raw}, {t} threads: other files"
            );
            for (a, b) in one.iter().zip(&many) {
                assert_eq!(a.0, b.0);
                assert!(a.1 == b.1, "raw {is_raw}, {t} threads: {} differs", a.0);
            }
        }
    }
}

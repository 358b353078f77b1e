//! Glossary extraction over a 100,000-unit zh–ru corpus (goal: under 10 s on one core), and,
//! separately, reading the same corpus back from a TMX file.
//!
//! The corpus is synthetic, built in memory from the NTREX-128 zh/ru lines in `../shared`
//! (or `examples/joint-statement` when that is absent): repeat `r` of the line list pairs
//! line `k` alone (even `r`) or joined with line `k + r` (odd `r`), so that units vary and
//! co-occurrence counts do not merely scale. `TMALIGN_BENCH_UNITS` changes the size.
//! Extraction is single-threaded by design, so the figure is one core's.
//!
//! On a shared machine the wall times here swing with the load; the ignored test
//! `glossary::perf_harness::extract_cpu_time` builds the same corpus and prints CPU time
//! (`cargo test --release --lib glossary::perf_harness -- --ignored --nocapture`, with
//! `TMALIGN_TIMING=1` for the phases).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::{Path, PathBuf};
use tmalign::glossary::{corpus, extract, BiPair, ExtractOptions};

// The integration tests' shared-data lookup.
#[path = "../tests/common/mod.rs"]
mod common;

fn shared() -> Option<PathBuf> {
    common::shared_with("data/ntrex128")
}

fn lines() -> (Vec<String>, Vec<String>) {
    let read = |p: PathBuf| -> Vec<String> {
        std::fs::read_to_string(p)
            .expect("corpus file")
            .lines()
            .map(str::to_owned)
            .collect()
    };
    match shared() {
        Some(s) => {
            let d = s.join("data/ntrex128");
            (
                read(d.join("newstest2019-ref.zho-CN.txt")),
                read(d.join("newstest2019-ref.rus.txt")),
            )
        }
        None => {
            let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
            (
                read(d.join("joint-statement.zh.txt")),
                read(d.join("joint-statement.ru.txt")),
            )
        }
    }
}

/// `n` units made from the line lists, varied by repeat.
pub fn synthetic(n: usize) -> Vec<BiPair> {
    let (zh, ru) = lines();
    corpus::synthetic_units(&zh, &ru, n)
}

fn write_tmx(path: &Path, units: &[BiPair]) {
    let esc = |s: &str| tmalign::tm::tmx::escape_xml(s, false);
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"bench\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"bench\" adminlang=\"en\" srclang=\"zh-CN\" datatype=\"plaintext\"/><body>\n");
    for u in units {
        s.push_str(&format!(
            "<tu tuid=\"{}\"><tuv xml:lang=\"zh-CN\"><seg>{}</seg></tuv><tuv xml:lang=\"ru-RU\"><seg>{}</seg></tuv></tu>\n",
            u.id,
            esc(&u.zh),
            esc(&u.ru)
        ));
    }
    s.push_str("</body></tmx>\n");
    std::fs::write(path, s).expect("write bench TMX");
}

fn glossary(c: &mut Criterion) {
    let n: usize = std::env::var("TMALIGN_BENCH_UNITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let units = synthetic(n);
    let bytes: usize = units.iter().map(|u| u.zh.len() + u.ru.len()).sum();
    let mut group = c.benchmark_group("glossary");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    let options = ExtractOptions::default();
    group.bench_function(format!("extract {n} units ({} MB)", bytes >> 20), |b| {
        b.iter(|| extract(&units, &options).len())
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let tmx = dir.path().join("bench.tmx");
    write_tmx(&tmx, &units);
    group.bench_function(format!("read TMX {n} units"), |b| {
        b.iter(|| corpus::read_tmx_pairs(&tmx, false).expect("read").len())
    });
    group.finish();
}

criterion_group!(benches, glossary);
criterion_main!(benches);

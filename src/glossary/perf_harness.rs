//! CPU-time harness for the extractor on the benchmark's synthetic corpus (ignored test; run
//! `cargo test --release --lib glossary::perf_harness -- --ignored --nocapture`).
//!
//! The machine the benchmark runs on is shared, so criterion's wall times vary with the load;
//! this prints the thread's CPU time instead. The corpus is built exactly as in
//! `benches/glossary.rs`. With `TMALIGN_GLOSS_DUMP=FILE` the full result is written there
//! (scores as exact bit patterns), so that two builds can be compared byte for byte. With
//! `TMALIGN_BENCH_TARGET=en` the target side is NTREX's English (a zh–en corpus).

use super::timing::thread_cpu;
use super::{extract, BiPair, ExtractOptions, TargetLanguage};
use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("TMALIGN_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([here.join("../shared"), PathBuf::from("/work/shared")])
        .find(|p| p.join("data/ntrex128").is_dir())
}

/// The target language asked for by `TMALIGN_BENCH_TARGET` (`en`; Russian otherwise).
fn bench_target() -> TargetLanguage {
    match std::env::var("TMALIGN_BENCH_TARGET").as_deref() {
        Ok("en") => TargetLanguage::English,
        _ => TargetLanguage::Russian,
    }
}

/// `n` units from the NTREX lines, varied by repeat (the benchmark's construction).
fn synthetic(n: usize) -> Option<Vec<BiPair>> {
    let d = shared()?.join("data/ntrex128");
    let read = |f: &str| -> Option<Vec<String>> {
        let text = std::fs::read_to_string(d.join(f)).ok()?;
        Some(text.lines().map(str::to_owned).collect())
    };
    let (zh, ru) = (
        read("newstest2019-ref.zho-CN.txt")?,
        read(match bench_target() {
            TargetLanguage::English => "newstest2019-src.eng.txt",
            TargetLanguage::Russian => "newstest2019-ref.rus.txt",
        })?,
    );
    Some(super::corpus::synthetic_units(&zh, &ru, n))
}

#[test]
#[ignore = "CPU-time measurement on 100,000 units; run in release"]
fn extract_cpu_time() {
    let n: usize = std::env::var("TMALIGN_BENCH_UNITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let Some(units) = synthetic(n) else {
        eprintln!("NTREX data not found (set TMALIGN_SHARED); skipped");
        return;
    };
    let target = bench_target();
    // Load the jieba dictionary and the stemmer or lexicon outside the measurement.
    let _ = super::zh::words("上海合作组织");
    let _ = target.tokenize("организация talks");
    // The tokenisers alone, as the extractor calls them.
    if let Some(a) = thread_cpu() {
        let words: usize = units.iter().map(|u| super::zh::words(&u.zh).len()).sum();
        let b = thread_cpu().unwrap_or(a);
        let mut cache = super::ru::StemCache::default();
        let toks: usize = units
            .iter()
            .map(|u| target.tokenize_cached(&u.ru, &mut cache).len())
            .sum();
        let c = thread_cpu().unwrap_or(b);
        eprintln!(
            "zh words ({words}): cpu {:.3}s; target tokens ({toks}): cpu {:.3}s",
            (b - a).as_secs_f64(),
            (c - b).as_secs_f64()
        );
    }
    let opts = ExtractOptions {
        target,
        ..ExtractOptions::default()
    };
    let t0 = thread_cpu();
    let out = extract(&units, &opts);
    let t1 = thread_cpu();
    if let (Some(a), Some(b)) = (t0, t1) {
        eprintln!(
            "extract {n} units: {} entries, cpu {:.3}s",
            out.len(),
            (b - a).as_secs_f64()
        );
    }
    assert!(!out.is_empty());
    if let Some(path) = std::env::var_os("TMALIGN_GLOSS_DUMP") {
        let text: String = out
            .iter()
            .map(|e| {
                format!(
                    "{}\t{}\t{:016x}\t{}\t{}\t{}\t{}\n",
                    e.zh,
                    e.ru,
                    e.score.to_bits(),
                    e.freq,
                    e.example,
                    e.seed,
                    e.note
                )
            })
            .collect();
        std::fs::write(path, text).expect("write dump");
    }
}

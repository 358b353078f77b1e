//! Segmentation throughput (MB/s of paragraph text) per language: the built-in rule engine,
//! with plain UAX #29 for comparison. Text: the NTREX raw paragraphs from the shared data
//! directory when present, else the hand-labelled test set.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use tmalign::segment::{segmenter_for, Segmenter, Uax29Segmenter};
use tmalign::Lang;

fn shared() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("TMALIGN_SHARED").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")),
        Some(PathBuf::from("/work/shared")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}

/// Paragraphs of `lang` text (at least about 1 MB, repeating the corpus as needed).
fn paragraphs(lang: Lang) -> Vec<String> {
    let mut texts = Vec::new();
    if let Some(sh) = shared() {
        for set in ["ntrex-zhru", "ntrex-zhen"] {
            let dir = sh.join("eval").join(set).join("raw");
            let suffix = format!(".{}.txt", lang.code());
            if let Ok(rd) = std::fs::read_dir(&dir) {
                for e in rd.flatten() {
                    if e.file_name().to_string_lossy().ends_with(&suffix) {
                        texts.push(std::fs::read_to_string(e.path()).unwrap_or_default());
                    }
                }
            }
        }
    }
    if texts.is_empty() {
        let gold = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/segment")
            .join(format!("{}.txt", lang.code()));
        let joiner = if lang == Lang::Zh { "" } else { " " };
        let text = std::fs::read_to_string(gold).unwrap_or_default();
        texts.push(
            text.split("\n\n")
                .map(|p| p.lines().collect::<Vec<_>>().join(joiner))
                .collect::<Vec<_>>()
                .join("\n\n"),
        );
    }
    let paras: Vec<String> = texts
        .iter()
        .flat_map(|t| t.split("\n\n"))
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    let size: usize = paras.iter().map(String::len).sum();
    let copies = (1_000_000 / size.max(1)).max(1);
    paras
        .iter()
        .cycle()
        .take(paras.len() * copies)
        .cloned()
        .collect()
}

/// CPU time (user + system) of this process in seconds, from `/proc/self/stat` (Linux);
/// `None` elsewhere. The machine the project is built on is shared, so wall-clock throughput
/// understates the segmenter; CPU time is the steadier figure.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0) // USER_HZ is 100 on Linux
}

/// Prints MB per CPU-second for each language (about two CPU-seconds of work each).
fn cpu_throughput() {
    for lang in Lang::ALL {
        let paras = paragraphs(lang);
        let bytes: usize = paras.iter().map(String::len).sum();
        let seg = segmenter_for(lang);
        let Some(t0) = cpu_seconds() else {
            return;
        };
        let mut rounds = 0usize;
        let mut t1 = t0;
        while t1 - t0 < 2.0 {
            let n: usize = paras.iter().map(|p| seg.split(black_box(p)).len()).sum();
            black_box(n);
            rounds += 1;
            t1 = cpu_seconds().unwrap_or(t0 + 10.0);
        }
        let mb = (bytes * rounds) as f64 / 1e6;
        println!(
            "segment/rules/{lang}: {:.0} MB per CPU-second ({mb:.0} MB in {:.2} CPU-s)",
            mb / (t1 - t0),
            t1 - t0
        );
    }
}

fn bench(c: &mut Criterion) {
    cpu_throughput();
    let mut group = c.benchmark_group("segment");
    for lang in Lang::ALL {
        let paras = paragraphs(lang);
        let bytes: usize = paras.iter().map(String::len).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        let rules = segmenter_for(lang);
        group.bench_function(format!("rules/{lang}"), |b| {
            b.iter(|| {
                let n: usize = paras.iter().map(|p| rules.split(black_box(p)).len()).sum();
                black_box(n)
            })
        });
        if lang != Lang::En {
            group.bench_function(format!("uax29/{lang}"), |b| {
                b.iter(|| {
                    let n: usize = paras
                        .iter()
                        .map(|p| Uax29Segmenter.split(black_box(p)).len())
                        .sum();
                    black_box(n)
                })
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);

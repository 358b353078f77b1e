//! Throughput of the front half of the pipeline — ingest + language split + sentence
//! segmentation — on ~100 MB of mixed Chinese/Russian text, as `tmalign run` does it for a
//! bilingual document. Reported in MB/s of input bytes (criterion `Throughput::Bytes`).
//!
//! Text comes from the NTREX-128 zh/ru files in `../shared` (alternating Chinese and Russian
//! paragraphs of 3–6 sentences), or from `examples/` when `../shared` is absent.
//! `TMALIGN_BENCH_MB` changes the size (default 100).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::{Path, PathBuf};
use tmalign::ingest::{ingest_bytes, IngestOptions};
use tmalign::lang::LanguageSplitter;
use tmalign::segment::{segment_paragraphs, segmenter_for};
use tmalign::Lang;

fn shared() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("TMALIGN_SHARED")
        .map(PathBuf::from)
        .into_iter()
        .chain([here.join("../shared")])
        .find(|p| p.join("data/ntrex128").is_dir())
}

/// Alternating zh / ru paragraphs, repeated until `target` bytes.
fn mixed_corpus(target: usize) -> String {
    let (zh, ru): (Vec<String>, Vec<String>) = match shared() {
        Some(s) => {
            let read = |f: &str| {
                std::fs::read_to_string(s.join("data/ntrex128").join(f))
                    .expect("ntrex file")
                    .lines()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            };
            (
                read("newstest2019-ref.zho-CN.txt"),
                read("newstest2019-ref.rus.txt"),
            )
        }
        None => {
            let read = |f: &str| {
                std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(f))
                    .expect("example file")
                    .split("\n\n")
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            };
            (
                read("examples/joint-statement.zh.txt"),
                read("examples/joint-statement.ru.txt"),
            )
        }
    };
    let mut out = String::with_capacity(target + 4096);
    let mut i = 0;
    while out.len() < target {
        let n = 3 + i % 4;
        let lo = i % zh.len().min(ru.len());
        let hi = (lo + n).min(zh.len()).min(ru.len());
        out.push_str(&zh[lo..hi].concat());
        out.push_str("\n\n");
        out.push_str(&ru[lo..hi].join(" "));
        out.push_str("\n\n");
        i += n;
    }
    out
}

fn front_half(c: &mut Criterion) {
    let mb: usize = std::env::var("TMALIGN_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let corpus = mixed_corpus(mb << 20);
    let splitter = LanguageSplitter::new(&[Lang::Zh, Lang::Ru, Lang::En]);
    let zh = segmenter_for(Lang::Zh);
    let ru = segmenter_for(Lang::Ru);
    let path = Path::new("bench-mixed.txt");
    let mut group = c.benchmark_group("ingest+split+segment");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(corpus.len() as u64));
    group.bench_function(format!("{mb}MB mixed zh/ru"), |b| {
        b.iter(|| {
            let doc =
                ingest_bytes(path, corpus.as_bytes(), &IngestOptions::default()).expect("ingest");
            let streams = splitter.split(&doc.paragraphs);
            let mut sentences = 0usize;
            for (lang, paragraphs) in &streams.streams {
                let seg = if *lang == Lang::Zh { &zh } else { &ru };
                sentences += segment_paragraphs(seg.as_ref(), paragraphs)
                    .iter()
                    .map(Vec::len)
                    .sum::<usize>();
            }
            sentences
        })
    });
    group.finish();
}

criterion_group!(benches, front_half);
criterion_main!(benches);

//! Fuzzy lookup in a synthetic 1,000,000-TU zh→ru memory.
//!
//! Sentences are made by recombining clauses of the NTREX-128 zh / ru sentences in
//! `../shared` (2–3 clauses each, from different sentences), or from a generated vocabulary
//! when the shared data is absent. Printed once (not criterion-timed, because one build of a
//! million TUs takes seconds): index build time (the bounded-memory builder `tm lookup` uses,
//! working in unnamed temporary files), `.idx` size, save and load time (the streaming load of
//! `tm lookup`, [`read_index_file`]: per-unit counts and a key directory in memory; key table,
//! postings and texts read from the file as a lookup needs them), memory of the loaded index (its
//! structures and the process RSS), and median / p95 latency of 1,000 queries (TM sources
//! with one or two characters changed). Criterion then times a single `lookup` on the loaded
//! index.
//!
//! `TMALIGN_BENCH_TUS` changes the size (default 1000000).

use criterion::{criterion_group, criterion_main, Criterion};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Instant;
use tmalign::tm::lookup::format::{read_index_file, sections, write_index};
use tmalign::tm::lookup::units::units;
use tmalign::tm::lookup::{lookup, Builder, Entry, LookupOptions};

// The integration tests' helpers: the shared-data lookup and the seeded generator.
#[path = "../tests/common/mod.rs"]
mod common;

use common::Rng;

fn shared() -> Option<PathBuf> {
    common::shared_with("data/ntrex128")
}

/// Clauses of the zh and ru sentences (split after commas), or generated ones.
fn clauses() -> (Vec<String>, Vec<String>) {
    if let Some(s) = shared() {
        let read =
            |f: &str| std::fs::read_to_string(s.join("data/ntrex128").join(f)).unwrap_or_default();
        let zh: Vec<String> = read("newstest2019-ref.zho-CN.txt")
            .lines()
            .flat_map(|l| {
                l.split_inclusive(['，', '；'])
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|c| c.chars().count() >= 4)
            .collect();
        let ru: Vec<String> = read("newstest2019-ref.rus.txt")
            .lines()
            .flat_map(|l| {
                l.split_inclusive(", ")
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .filter(|c| c.len() >= 8)
            .collect();
        if !zh.is_empty() && !ru.is_empty() {
            return (zh, ru);
        }
    }
    // Fallback: clauses of 6–14 characters from a 3,000-character range, and Russian-looking
    // words.
    let mut rng = Rng(7);
    let zh = (0..20_000)
        .map(|_| {
            let n = 6 + rng.below(9);
            let mut s: String = (0..n)
                .map(|_| char::from_u32(0x4E00 + rng.below(3000) as u32).unwrap_or('字'))
                .collect();
            s.push('，');
            s
        })
        .collect();
    let ru = (0..20_000)
        .map(|_| {
            let words: Vec<String> = (0..4 + rng.below(6))
                .map(|_| {
                    (0..3 + rng.below(7))
                        .map(|_| char::from_u32(0x430 + rng.below(32) as u32).unwrap_or('а'))
                        .collect()
                })
                .collect();
            words.join(" ") + ", "
        })
        .collect();
    (zh, ru)
}

/// `n` TUs of 2–3 recombined clauses each.
fn memory(n: usize) -> Vec<(String, String)> {
    let (zh, ru) = clauses();
    let mut rng = Rng(2024);
    (0..n)
        .map(|_| {
            let k = 2 + rng.below(2);
            let mut s = String::new();
            let mut t = String::new();
            for _ in 0..k {
                s += &zh[rng.below(zh.len())];
                t += &ru[rng.below(ru.len())];
            }
            let s = s.trim_end_matches(['，', '；']).to_string() + "。";
            let t = t.trim_end_matches([',', ' ', ';']).to_string() + ".";
            (s, t)
        })
        .collect()
}

/// A TM source with one or two Han characters replaced.
fn edited(source: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = source.chars().collect();
    for _ in 0..1 + rng.below(2) {
        let i = rng.below(chars.len());
        if ('\u{4E00}'..='\u{9FFF}').contains(&chars[i]) {
            chars[i] = char::from_u32(0x4E00 + rng.below(3000) as u32).unwrap_or('字');
        }
    }
    chars.into_iter().collect()
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("TMALIGN_BENCH_TUS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let t = Instant::now();
    let pairs = memory(n);
    eprintln!("generated {n} TUs in {:.2?}", t.elapsed());

    let dir = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    let mut builder = Builder::spilling_in(dir.path()).expect("spill");
    for (i, (s, t)) in pairs.iter().enumerate() {
        builder
            .push(Entry {
                source: s.clone(),
                target: t.clone(),
                id: Some((i + 1).to_string()),
                line: i + 3,
                prev: i.checked_sub(1).map(|p| pairs[p].0.clone()),
            })
            .expect("spill");
    }
    let built = builder.finish("zh", "ru").expect("build");
    let build = t.elapsed();
    let path = dir.path().join("bench.tmx.idx");
    let t = Instant::now();
    {
        let file = std::fs::File::create(&path).expect("create idx");
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        write_index(&built, &mut w).expect("serialise");
        w.flush().expect("write idx");
    }
    let serialise = t.elapsed();
    drop(built);
    let size = std::fs::metadata(&path).expect("idx").len() as usize;
    let mut head = Vec::new();
    std::fs::File::open(&path)
        .expect("open idx")
        .take(1 << 16)
        .read_to_end(&mut head)
        .expect("read idx header");
    let parts = sections(&head).expect("sections");

    let rss_before = rss_kib();
    let t = Instant::now();
    let index = read_index_file(std::fs::File::open(&path).expect("open idx")).expect("load idx");
    let load = t.elapsed();
    let rss_after = rss_kib();
    eprintln!(
        "index: build {build:.2?} (streaming builder), serialise {serialise:.2?}, size {:.1} MiB, \
         load {load:.2?}; {} keys; structures {:.1} MiB; RSS {:?} → {:?} KiB",
        size as f64 / 1048576.0,
        index.key_count(),
        index.memory_bytes() as f64 / 1048576.0,
        rss_before,
        rss_after
    );
    let mib = |b: usize| b as f64 / 1048576.0;
    eprintln!(
        "index sections: texts {:.1} MiB, unit table {:.1} MiB, key table {:.1} MiB, postings {:.1} MiB",
        mib(parts.text),
        mib(parts.meta),
        mib(parts.table),
        mib(parts.postings)
    );

    let mut rng = Rng(99);
    let queries: Vec<(usize, String)> = (0..1000)
        .map(|_| {
            let i = rng.below(n);
            (i, edited(&pairs[i].0, &mut rng))
        })
        .collect();
    drop(pairs);
    let options = LookupOptions::default();
    let mut times = Vec::with_capacity(queries.len());
    let mut hits = 0;
    for (i, q) in &queries {
        let t = Instant::now();
        let found = lookup(&index, q, &options);
        times.push(t.elapsed());
        hits += usize::from(found.first().map(|m| m.unit) == Some(*i));
    }
    times.sort_unstable();
    let mut retrieval: Vec<_> = queries
        .iter()
        .map(|(_, q)| {
            let t = Instant::now();
            let c = index.candidates(&units(q), options.min, options.candidates);
            (t.elapsed(), c.len())
        })
        .collect();
    retrieval.sort_unstable();
    eprintln!(
        "candidate retrieval alone: median {:.2?}, p95 {:.2?}",
        retrieval[retrieval.len() / 2].0,
        retrieval[retrieval.len() * 95 / 100].0
    );
    eprintln!(
        "queries: median {:.2?}, p95 {:.2?}, max {:.2?}; intended TU first for {hits}/{}",
        times[times.len() / 2],
        times[times.len() * 95 / 100],
        times[times.len() - 1],
        queries.len()
    );

    let mut k = 0;
    c.bench_function(&format!("lookup_{n}_tus"), |b| {
        b.iter(|| {
            k = (k + 1) % queries.len();
            lookup(&index, &queries[k].1, &options)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);

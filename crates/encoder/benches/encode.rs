//! Encoding throughput on ~30-token sentences (one core and all cores, every kernel this CPU
//! runs) and model load time. Needs an installed model; without one it prints a note.
//!
//! `cargo bench -p tmalign-encoder --bench encode`

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tmalign_encoder::{store, Encoder, Prefix};

/// Sentences of the test set whose token count (with the prefix and specials) is 26..=40 (about 30 on average).
fn sentences(enc: &Encoder) -> Vec<String> {
    let text = include_str!("../tests/data/sentences.txt");
    let picked: Vec<String> = text
        .lines()
        .filter(|l| (26..=40).contains(&enc.tokenize(l, Prefix::Passage).len()))
        .map(str::to_owned)
        .collect();
    // 96 a batch: enough for several forward batches per core
    picked.iter().cycle().take(96).cloned().collect()
}

fn model() -> Option<PathBuf> {
    let p = store::installed_model();
    if p.is_none() {
        eprintln!("note: no model installed: encoder benchmarks skipped");
    }
    p
}

fn encode(c: &mut Criterion) {
    let Some(path) = model() else { return };
    let mut enc = Encoder::load(&path).unwrap();
    let texts = sentences(&enc);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let tokens: usize = refs
        .iter()
        .map(|t| enc.tokenize(t, Prefix::Passage).len())
        .sum();
    eprintln!(
        "{} sentences, {:.1} tokens each on average",
        refs.len(),
        tokens as f64 / refs.len() as f64
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut g = c.benchmark_group("encode");
    g.sample_size(10);
    g.warm_up_time(std::time::Duration::from_secs(1));
    for kernel in ["avx512", "avx2", "scalar"] {
        if enc.force_kernel(kernel).is_err() {
            eprintln!("kernel {kernel} not supported on this CPU");
            continue;
        }
        let name = enc.kernel();
        // the scalar fallback is ~30x slower: a smaller batch keeps the run short
        let batch = if kernel == "scalar" {
            &refs[..16]
        } else {
            &refs[..]
        };
        g.throughput(Throughput::Elements(batch.len() as u64));
        let mut threads = vec![1];
        if cores > 1 {
            threads.push(cores);
        }
        for threads in threads {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let enc = &enc;
            g.bench_function(format!("{name}/{threads}-thread"), |b| {
                b.iter(|| pool.install(|| enc.embed(batch, Prefix::Passage)))
            });
        }
    }
    g.finish();
}

fn load(c: &mut Criterion) {
    let Some(path) = model() else { return };
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    g.bench_function("verified", |b| b.iter(|| Encoder::load(&path).unwrap()));
    g.bench_function("unverified", |b| {
        b.iter(|| Encoder::load_unverified(&path).unwrap())
    });
    g.finish();
}

criterion_group!(benches, encode, load);
criterion_main!(benches);

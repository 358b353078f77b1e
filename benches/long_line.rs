//! Aligning one very long sentence pair with resegmentation on: a Chinese line of n
//! characters without punctuation against a Russian line of 2n characters (issue #12). The
//! time must grow about linearly with n.
//!
//! Measured (debug build of `tmalign align`, `/usr/bin/time`, user CPU seconds, on the
//! a generated pair like that of `tests/long_input.rs`): before the fix 50k: 27.9 s, 100k: 111.8 s
//! (quadratic); after it 50k: 0.92 s, 100k: 1.38 s, 200k: 2.47 s (linear plus start-up).
//! Run: `cargo bench --bench long_line`.

#[path = "../tests/common/long_words.rs"]
mod long_words;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use long_words::{RU_WORDS, ZH_WORDS};
use std::time::Duration;
use tmalign::align::{align_batch_segments, AlignConfig, Segment};
use tmalign::Lang;

fn pair(n: usize) -> (Vec<Segment>, Vec<Segment>) {
    let (mut zh, mut ru) = (String::new(), String::from("Стороны"));
    let mut k = 0usize;
    while zh.chars().count() < n {
        k = k
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        zh.push_str(ZH_WORDS[(k >> 33) % ZH_WORDS.len()]);
    }
    while ru.chars().count() < 2 * n {
        k = k
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ru.push(' ');
        ru.push_str(RU_WORDS[(k >> 33) % RU_WORDS.len()]);
    }
    ru.push('.');
    (Segment::from_lines(&[zh]), Segment::from_lines(&[ru]))
}

fn bench(c: &mut Criterion) {
    let mut cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
    cfg.resegment = true;
    let mut g = c.benchmark_group("long_line");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for n in [25_000usize, 50_000, 100_000] {
        let docs = vec![pair(n)];
        g.bench_with_input(BenchmarkId::from_parameter(n), &docs, |b, docs| {
            b.iter(|| align_batch_segments(docs, &cfg))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

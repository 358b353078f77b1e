//! Aligning one big zh–ru document pair (~10,000 and ~20,000 segments), built by
//! concatenating and repeating the shared presegmented development documents. Skipped when
//! the shared data is absent. Peak memory is measured separately (see
//! `tests/align_big.rs`, run under `/usr/bin/time -v`).

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tmalign::align::{align, AlignConfig, Segment};
use tmalign::Lang;

fn shared() -> Option<PathBuf> {
    [
        std::env::var("TMALIGN_SHARED").ok().map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")),
        Some(PathBuf::from("/work/shared")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_dir())
}

/// Concatenates the seg/ documents, repeating them until the source side has `n` segments.
fn big_pair(dir: &Path, n: usize) -> (Vec<Segment>, Vec<Segment>) {
    let (mut s, mut t) = (Vec::new(), Vec::new());
    'outer: loop {
        for k in 0.. {
            let zs = dir.join(format!("{k:03}.zh"));
            if !zs.exists() {
                break;
            }
            let read = |p: PathBuf| -> Vec<String> {
                std::fs::read_to_string(p)
                    .map(|x| x.lines().map(str::to_owned).collect())
                    .unwrap_or_default()
            };
            s.extend(Segment::from_lines(&read(zs)));
            t.extend(Segment::from_lines(&read(dir.join(format!("{k:03}.ru")))));
            if s.len() >= n {
                break 'outer;
            }
        }
    }
    (s, t)
}

fn bench(c: &mut Criterion) {
    let Some(sh) = shared() else {
        eprintln!("note: shared data not found; align bench skipped");
        return;
    };
    let dir = sh.join("eval/ntrex-zhru/seg");
    if !dir.is_dir() {
        eprintln!("note: {} missing; align bench skipped", dir.display());
        return;
    }
    let cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
    let mut g = c.benchmark_group("align");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for n in [10_000usize, 20_000] {
        let (s, t) = big_pair(&dir, n);
        g.bench_function(format!("zh-ru {}x{}", s.len(), t.len()), |b| {
            b.iter(|| align(&s, &t, &cfg))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

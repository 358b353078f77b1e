//! Throughput of language splitting (`LanguageSplitter::split`) on the bilingual eval
//! documents: `cargo bench --bench lang`. Reads the shared data (TMALIGN_SHARED,
//! `../shared` or `/work/shared`); without it, benchmarks a synthetic zh/ru text.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use tmalign::lang::LanguageSplitter;
use tmalign::Lang;

fn shared() -> Option<PathBuf> {
    [
        std::env::var_os("TMALIGN_SHARED").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared")),
        Some(PathBuf::from("/work/shared")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_dir())
}

/// Paragraphs of every `mixed/NNN.txt` of one eval set.
fn mixed_paragraphs(set: &str) -> Vec<String> {
    let Some(dir) = shared().map(|s| s.join("eval").join(set).join("mixed")) else {
        eprintln!("note: shared data not found; using a synthetic text");
        let pair = [
            "威尔士国民议会议员(AM)担心“看起来像笨蛋”有人提议应将 AM 的头衔改为MWP（威尔士议会议员)。",
            "Члены Ассамблеи Уэльса не хотят «походить на маппетов» (от англ. Member of the Welsh Parliament).",
        ];
        return pair
            .iter()
            .cycle()
            .take(4000)
            .map(|s| s.to_string())
            .collect();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.len() == 7)
    });
    files.sort();
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .flat_map(|t| {
            t.split("\n\n")
                .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn bench_split(c: &mut Criterion) {
    let mut group = c.benchmark_group("lang_split");
    for (set, langs) in [
        ("ntrex-zhru", &[Lang::Zh, Lang::Ru][..]),
        ("ntrex-zhru", &[Lang::Zh, Lang::Ru, Lang::En][..]),
        ("ntrex-zhen", &[Lang::Zh, Lang::En][..]),
    ] {
        let paragraphs = mixed_paragraphs(set);
        let bytes: usize = paragraphs.iter().map(String::len).sum();
        let splitter = LanguageSplitter::new(langs);
        splitter.split(&paragraphs); // warm the lingua models outside the measurement
        let codes: Vec<&str> = langs.iter().map(|l| l.code()).collect();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(format!("{set}[{}]", codes.join(",")), |b| {
            b.iter(|| splitter.split(black_box(&paragraphs)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_split);
criterion_main!(benches);

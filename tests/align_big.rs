//! A single big document pair (20,000 source segments, from the repeated shared documents):
//! ignored by default; run it in release under `/usr/bin/time -v` to read peak memory:
//! `cargo test --release --test align_big -- --ignored --nocapture` (`TMALIGN_BIG=10000` for a
//! smaller pair). Measured: 20,005 × 20,287 → peak RSS 74 MB, 10,028 × 10,173 → 42 MB.

mod common;

use common::shared;

use std::path::PathBuf;
use tmalign::align::{align, AlignConfig, Segment};
use tmalign::eval;
use tmalign::Lang;

#[test]
#[ignore]
fn big_pair_aligns_well() {
    let Some(sh) = shared() else { return };
    let dir = sh.join("eval/ntrex-zhru");
    let n: usize = std::env::var("TMALIGN_BIG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let (mut s, mut t, mut gold) = (Vec::new(), Vec::new(), Vec::new());
    'outer: loop {
        for k in 0..21 {
            let read = |p: PathBuf| -> Vec<String> {
                std::fs::read_to_string(p)
                    .expect("read")
                    .lines()
                    .map(str::to_owned)
                    .collect()
            };
            let zs = read(dir.join(format!("seg/{k:03}.zh")));
            let rs = read(dir.join(format!("seg/{k:03}.ru")));
            let g = eval::parse_beads_str(
                &std::fs::read_to_string(dir.join(format!("gold/{k:03}.gold"))).expect("gold"),
            )
            .expect("parse");
            let (os, ot) = (s.len(), t.len());
            gold.extend(g.into_iter().map(|(a, b)| {
                (
                    a.into_iter().map(|x| x + os as i64).collect(),
                    b.into_iter().map(|x| x + ot as i64).collect(),
                )
            }));
            s.extend(Segment::from_lines(&zs));
            t.extend(Segment::from_lines(&rs));
            if s.len() >= n {
                break 'outer;
            }
        }
    }
    let cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
    let t0 = std::time::Instant::now();
    let a = align(&s, &t, &cfg);
    let secs = t0.elapsed().as_secs_f64();
    let sc = eval::score(&[(gold, eval::alignment_beads(&a))]);
    println!(
        "big pair {}x{}: {:.2} s, strict F1 {:.4}, lax F1 {:.4}",
        s.len(),
        t.len(),
        secs,
        sc.f1_strict,
        sc.f1_lax
    );
    assert!(sc.f1_lax > 0.9);
}

//! tmalign against hunalign on the same big zh–ru pairs, in one run.
//!
//! The pairs are concatenations of the NTREX-128 news documents (`../shared/data/ntrex128`,
//! line-parallel zh / ru), repeated with a different seeded perturbation each time (two
//! lines merged on one side, a line dropped on one side) until the source side has 10,000
//! (20,000) lines: the development sets are built from the same corpus but with other
//! perturbations, so these pairs are unseen. Both tools align them as presegmented input,
//! without a dictionary: `tmalign align --presegmented --scorer lexical --no-seed` on one
//! thread (`RAYON_NUM_THREADS=1`), `hunalign -realign empty.dic`. Each run is a child
//! process whose CPU time (user + sys) and peak RSS come from `wait4`; the table prints the
//! median of 3. hunalign is built from `../shared/baselines/hunalign` (`build.sh`); when it
//! cannot be built, the bench says so and prints tmalign's figures only. A criterion group
//! then times the 10k alignment in process.
//!
//! `cargo bench --bench vs_hunalign` (sizes: `TMALIGN_VS_SIZES=10000,20000,100000`;
//! `TMALIGN_VS_KEEP=DIR` also writes each pair to `DIR/pN.zh` / `DIR/pN.ru` for measuring by
//! hand; `TMALIGN_VS_NO_HUNALIGN=1` runs tmalign only, for sizes where hunalign takes minutes
//! and gigabytes).

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use tmalign::align::{align, AlignConfig, Segment};
use tmalign::Lang;

/// A small deterministic generator (xorshift), so the pairs are the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The NTREX lines repeated until the source has `n` lines, each repetition perturbed with
/// its own seed: 8% two lines merged on the target side, 8% on the source side, 2% a line
/// dropped from either side.
fn big_pair(zh: &[String], ru: &[String], n: usize) -> (Vec<String>, Vec<String>) {
    let (mut s, mut t) = (Vec::new(), Vec::new());
    let mut rep = 0u64;
    while s.len() < n {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (rep + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let mut k = 0;
        while k < zh.len() && s.len() < n {
            let r = rng.next();
            if r < 0.08 && k + 1 < zh.len() {
                s.push(zh[k].clone());
                s.push(zh[k + 1].clone());
                t.push(format!("{} {}", ru[k], ru[k + 1]));
                k += 2;
            } else if r < 0.16 && k + 1 < zh.len() {
                s.push(format!("{}{}", zh[k], zh[k + 1]));
                t.push(ru[k].clone());
                t.push(ru[k + 1].clone());
                k += 2;
            } else if r < 0.18 {
                t.push(ru[k].clone());
                k += 1;
            } else if r < 0.20 {
                s.push(zh[k].clone());
                k += 1;
            } else {
                s.push(zh[k].clone());
                t.push(ru[k].clone());
                k += 1;
            }
        }
        rep += 1;
    }
    (s, t)
}

/// CPU seconds (user + sys) and peak RSS (MB) of one child process.
fn measure(cmd: &mut Command) -> Option<(f64, f64)> {
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value, and `wait4` writes only into it and
    // `status`, for our own child.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    if r != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return None;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some((
        secs(ru.ru_utime) + secs(ru.ru_stime),
        ru.ru_maxrss as f64 / 1024.0,
    ))
}

/// Median of 3 runs: (CPU seconds, peak MB).
fn median3(mut make: impl FnMut() -> Command) -> Option<(f64, f64)> {
    let mut runs = Vec::new();
    for _ in 0..3 {
        runs.push(measure(&mut make())?);
    }
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    Some(runs[1])
}

fn build_hunalign(sh: &Path, into: &Path) -> Option<PathBuf> {
    let script = sh.join("baselines/hunalign/build.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(into)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    (out.status.success() && path.is_file()).then_some(path)
}

fn read_lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .map(|x| x.lines().map(|l| l.trim().to_owned()).collect())
        .unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let Some(sh) = common::shared_with("data/ntrex128") else {
        return;
    };
    let nt = sh.join("data/ntrex128");
    let zh = read_lines(&nt.join("newstest2019-ref.zho-CN.txt"));
    let ru = read_lines(&nt.join("newstest2019-ref.rus.txt"));
    if zh.is_empty() || zh.len() != ru.len() {
        eprintln!("note: NTREX files missing or not line-parallel; vs_hunalign skipped");
        return;
    }
    let Ok(tmp) = tempfile::tempdir() else {
        eprintln!("note: no temporary folder; vs_hunalign skipped");
        return;
    };
    let skip_hunalign = std::env::var_os("TMALIGN_VS_NO_HUNALIGN").is_some();
    let hunalign = if skip_hunalign {
        None
    } else {
        build_hunalign(&sh, &tmp.path().join("hunalign"))
    };
    let keep = std::env::var_os("TMALIGN_VS_KEEP").map(PathBuf::from);
    if hunalign.is_none() && !skip_hunalign {
        eprintln!(
            "note: hunalign could not be built from {} (needs g++ and make); tmalign's figures only",
            sh.join("baselines/hunalign").display()
        );
    }
    let empty_dic = tmp.path().join("empty.dic");
    let _ = std::fs::write(&empty_dic, "");
    let sizes: Vec<usize> = std::env::var("TMALIGN_VS_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 20_000]);
    let bin = env!("CARGO_BIN_EXE_tmalign");
    println!("| segments (zh × ru) | tmalign CPU | hunalign CPU | hunalign / tmalign | tmalign peak RSS | hunalign peak RSS |");
    println!("|---|---|---|---|---|---|");
    for &n in &sizes {
        let (s, t) = big_pair(&zh, &ru, n);
        let dir = tmp.path().join(format!("p{n}"));
        let out = dir.join("out");
        if std::fs::create_dir_all(&out).is_err() {
            continue;
        }
        let (a, b) = (dir.join("a.zh"), dir.join("a.ru"));
        let ok = std::fs::write(&a, s.join("\n") + "\n").is_ok()
            && std::fs::write(&b, t.join("\n") + "\n").is_ok();
        if !ok {
            continue;
        }
        if let Some(k) = &keep {
            let kept = std::fs::create_dir_all(k).is_ok()
                && std::fs::copy(&a, k.join(format!("p{n}.zh"))).is_ok()
                && std::fs::copy(&b, k.join(format!("p{n}.ru"))).is_ok();
            if !kept {
                eprintln!("note: could not keep the {n} pair in {}", k.display());
            }
        }
        let ours = median3(|| {
            let mut c = Command::new(bin);
            c.env("RAYON_NUM_THREADS", "1")
                .args([
                    "align",
                    "--presegmented",
                    "--scorer",
                    "lexical",
                    "--no-seed",
                ])
                .args(["--formats", "beads", "-o"])
                .arg(&out)
                .arg(&a)
                .arg(&b);
            c
        });
        let theirs = hunalign.as_ref().and_then(|h| {
            median3(|| {
                let mut c = Command::new(h);
                // -realign writes a `translate.txt` into its working directory: keep it in
                // the pair's scratch folder, not in the repository
                c.arg("-realign")
                    .arg(&empty_dic)
                    .arg(&a)
                    .arg(&b)
                    .current_dir(&dir);
                c
            })
        });
        let Some((tc, tm)) = ours else {
            eprintln!("note: tmalign failed on the {n} pair");
            continue;
        };
        let (hc, hm, ratio) = match theirs {
            Some((hc, hm)) => (
                format!("{hc:.2} s"),
                format!("{hm:.0} MB"),
                format!("{:.1}×", hc / tc),
            ),
            None => ("—".into(), "—".into(), "—".into()),
        };
        println!(
            "| {} × {} | {tc:.2} s | {hc} | {ratio} | {tm:.0} MB | {hm} |",
            s.len(),
            t.len()
        );
    }
    // In process, for criterion's statistics.
    let (s, t) = big_pair(&zh, &ru, 10_000);
    let (s, t) = (Segment::from_lines(&s), Segment::from_lines(&t));
    let cfg = AlignConfig::new(Lang::Zh, Lang::Ru);
    let mut g = c.benchmark_group("vs_hunalign");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function(format!("tmalign zh-ru {}x{}", s.len(), t.len()), |bn| {
        bn.iter(|| align(&s, &t, &cfg))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! A small mutation fuzzer on stable Rust, for machines without a nightly toolchain (the
//! real fuzzing is cargo-fuzz: see README.md). Same targets, oracles, dictionaries and seed
//! corpora as the libFuzzer targets, but no coverage instrumentation: "new outcome class"
//! (error-message shape, size class of what read) stands in for new coverage.
//!
//! `mutate TARGET [SEED_DIR…]`, TARGET `tmx_reader` or `review_csv`; seeds default to
//! `corpus/TARGET` and `../tests/data/fuzz` (run from `fuzz/`). Mutations: bit flips, byte
//! and dictionary-token insertions, deletions, chunk duplication, splices with other corpus
//! entries, truncation, re-encoding as UTF-16 LE/BE with or without BOM. Budget
//! `FUZZ_SECONDS` (default 60). An input that panics or takes longer than `FUZZ_SLOW_MS`
//! (default 2000) is saved in `FUZZ_CRASH_DIR` (default `crashes`) and the run exits 1 at
//! the end. `FUZZ_SEED` makes a run reproducible; `FUZZ_SHOW_CLASSES` prints each new outcome class.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// xorshift64*: small, fast, good enough to drive mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Largest input tried (libFuzzer's `-max_len` in spirit).
const MAX_LEN: usize = 1 << 16;

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, tokens: &[Vec<u8>], corpus: &[Vec<u8>]) {
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(10) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = rng.next() as u8;
            }
            2 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(16));
                input.drain(i..i + n);
            }
            4 | 5 if !tokens.is_empty() => {
                let i = rng.below(len + 1);
                let t = &tokens[rng.below(tokens.len())];
                input.splice(i..i, t.iter().copied());
            }
            6 if len > 0 => input.truncate(rng.below(len)),
            7 if len > 1 => {
                // duplicate a chunk: nesting, repeated units
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                let chunk = input[i..i + n].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, chunk);
            }
            8 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
            9 => {
                // the reader's encoding detection: UTF-16 with and without BOM
                if let Ok(s) = std::str::from_utf8(input) {
                    let le = rng.below(2) == 0;
                    let mut out = Vec::new();
                    if rng.below(2) == 0 {
                        out.extend_from_slice(if le { b"\xFF\xFE" } else { b"\xFE\xFF" });
                    }
                    for u in s.encode_utf16() {
                        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
                    }
                    *input = out;
                }
            }
            _ => {}
        }
    }
    input.truncate(MAX_LEN);
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|s| s.parse().ok())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target = args.first().map(String::as_str).unwrap_or("");
    let (run, dict): (fn(&[u8]) -> String, &str) = match target {
        "tmx_reader" => (tmalign_fuzz::tmx_reader, include_str!("../dict/tmx.dict")),
        "ingest" => (tmalign_fuzz::ingest, include_str!("../dict/ingest.dict")),
        "lang_split" => (tmalign_fuzz::lang_split, include_str!("../dict/lang.dict")),
        "review_csv" => (tmalign_fuzz::review_csv, include_str!("../dict/csv.dict")),
        _ => {
            eprintln!("usage: mutate tmx_reader|review_csv|ingest|lang_split [SEED_DIR…]");
            std::process::exit(2);
        }
    };
    let seconds = env_u64("FUZZ_SECONDS").unwrap_or(60);
    let slow = Duration::from_millis(env_u64("FUZZ_SLOW_MS").unwrap_or(2000));
    let crash_dir =
        PathBuf::from(std::env::var("FUZZ_CRASH_DIR").unwrap_or_else(|_| "crashes".into()));
    let seed = env_u64("FUZZ_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    }) | 1;
    let show_classes = std::env::var_os("FUZZ_SHOW_CLASSES").is_some();
    let tokens = tmalign_fuzz::parse_dict(dict);
    let mut dirs: Vec<String> = args[1..].to_vec();
    if dirs.is_empty() {
        dirs = vec![format!("corpus/{target}"), "../tests/data/fuzz".into()];
    }
    let mut corpus: Vec<Vec<u8>> = Vec::new();
    for dir in &dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            eprintln!("note: seed directory {dir} not readable, skipped");
            continue;
        };
        corpus.extend(
            entries
                .flatten()
                .filter_map(|e| std::fs::read(e.path()).ok()),
        );
    }
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    // Panics are expected findings here; their messages are reported once per crash below.
    panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed);
    let mut seen: HashSet<String> = HashSet::new();
    let (mut crashes, mut runs) = (0usize, 0u64);
    let start = Instant::now();
    let budget = Duration::from_secs(seconds);
    while start.elapsed() < budget {
        let mut input = corpus[rng.below(corpus.len())].clone();
        mutate(&mut rng, &mut input, &tokens, &corpus);
        let t0 = Instant::now();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| run(&input)));
        let took = t0.elapsed();
        runs += 1;
        let bad = match &outcome {
            Err(p) => Some(
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".into()),
            ),
            Ok(_) if took > slow => Some(format!("slow: {took:?}")),
            Ok(_) => None,
        };
        if let Some(why) = bad {
            crashes += 1;
            let _ = std::fs::create_dir_all(&crash_dir);
            let file = crash_dir.join(format!("{target}-{seed:x}-{runs}.bin"));
            let _ = std::fs::write(&file, &input);
            eprintln!("CRASH ({why}) saved to {}", file.display());
            continue;
        }
        if let Ok(class) = outcome {
            if show_classes && !seen.contains(&class) {
                eprintln!("class: {class}");
            }
            if seen.insert(class) {
                if corpus.len() < 4096 {
                    corpus.push(input);
                } else {
                    let i = rng.below(corpus.len());
                    corpus[i] = input;
                }
            }
        }
    }
    eprintln!(
        "mutate {target}: {runs} runs in {:.1?}, seed {seed}, {} outcome classes, corpus {}, {crashes} crashes",
        start.elapsed(),
        seen.len(),
        corpus.len()
    );
    if crashes > 0 {
        std::process::exit(1);
    }
}

//! A small mutation fuzzer for tmalign's untrusted-input parsers, on stable Rust.
//!
//! `tmalign-fuzz TARGET [SEED_DIR…]` with TARGET `tmx` (the TMX reader) or `csv` (the review
//! CSV importer applied to a fixed TMX). It mutates seed inputs (built-in ones plus the files
//! of the seed directories) at random — bit flips, byte and token insertions, deletions,
//! splices, truncations, encoding changes — and feeds each to the target, for
//! `FUZZ_SECONDS` seconds (default 60). An input that panics, or that takes longer than
//! `FUZZ_SLOW_MS` (default 2000) ms, is saved in `FUZZ_CRASH_DIR` (default `fuzz/crashes`)
//! and the run fails at the end. Inputs that reach a new outcome (a new error message shape
//! or a successful parse of a new size class) join the corpus, a poor man's coverage
//! feedback. `FUZZ_SEED` fixes the random seed.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
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

/// Tokens that matter to the parsers, spliced into inputs.
const TMX_TOKENS: &[&str] = &[
    "<tu>", "</tu>", "<tuv xml:lang=\"zh\">", "<tuv lang=\"RU\">", "</tuv>", "<seg>", "</seg>",
    "<bpt i=\"1\">", "</bpt>", "<ept i=\"1\">", "<ph>", "</ph>", "<hi>", "</hi>", "<sub>",
    "</sub>", "<it pos=\"begin\">", "<ut>", "<prop type=\"x-confidence\">", "</prop>", "<note>",
    "</note>", "<body>", "</body>", "<header srclang=\"zh-CN\"/>", "<tmx version=\"1.4\">",
    "</tmx>", "&amp;", "&lt;", "&#0;", "&#x1;", "&#xD800;", "&#1114112;", "&lol;", "&#x4E2D;",
    "<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">", "<!DOCTYPE tmx [<!ENTITY a \"aa\">]>", "<![CDATA[",
    "]]>", "<!--", "-->", "<?pi x?>", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
    "<?xml version=\"1.0\" encoding=\"windows-1251\"?>", "\u{FEFF}", "\u{0}", "\u{1}", "\r\n",
    "\u{FFFF}", "中文", "Русский", "\"", "'", "=", "/>", ">", "<", "&", "tuid=\"1\"",
];

const CSV_TOKENS: &[&str] = &[
    "\"", "\"\"", ",", "\n", "\r\n", "\u{FEFF}", "ok", "reject", "fix", "OK", "1", "2", "99",
    "-1", "18446744073709551616", "1.5", "", "\u{0}", "中文", "Ж", "status", "comment", "id",
];

fn builtin_seeds(target: &str) -> Vec<Vec<u8>> {
    match target {
        "tmx" => vec![
            r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="tmalign" srclang="zh-CN" datatype="plaintext" creationdate="20231114T221320Z"><prop type="a">b</prop></header>
  <body>
    <tu tuid="1" changedate="20240101T000000Z">
      <prop type="x-confidence">0.912</prop>
      <note>n</note>
      <tuv xml:lang="zh-CN"><seg>价格 &lt;5 <bpt i="1">&lt;b&gt;</bpt>粗<ept i="1">&lt;/b&gt;</ept> <ph>x<sub>sub</sub></ph></seg></tuv>
      <tuv xml:lang="ru-RU"><seg>цена <hi>5</hi></seg></tuv>
    </tu>
  </body>
</tmx>
"#
            .as_bytes()
            .to_vec(),
            br#"<?xml version="1.0"?><tmx version="1.1"><header srclang="EN"/><body><tu><tuv lang="EN"><seg>a</seg></tuv><tuv lang="ZH_cn"><seg><![CDATA[b<]]></seg></tuv></tu></body></tmx>"#
                .to_vec(),
        ],
        _ => vec![
            "\u{FEFF}id,confidence,bead,source_text,target_text,source_lines,target_lines,flags,status,comment\n1,0.912,1-1,价格,цена,,,,ok,\n2,,,\"a,\"\"b\",x,,,,fix,c\n"
                .as_bytes()
                .to_vec(),
        ],
    }
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, tokens: &[&str], corpus: &[Vec<u8>]) {
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
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
                let b = rng.next() as u8;
                input.insert(i, b);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(16));
                input.drain(i..i + n);
            }
            4 | 5 => {
                let i = rng.below(len + 1);
                let t = tokens[rng.below(tokens.len())].as_bytes();
                input.splice(i..i, t.iter().copied());
            }
            6 if len > 0 => {
                input.truncate(rng.below(len));
            }
            7 if len > 1 => {
                // duplicate a chunk (nesting, repeated units)
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                let chunk = input[i..i + n].to_vec();
                let at = rng.below(len + 1);
                input.splice(at..at, chunk);
            }
            8 if !corpus.is_empty() => {
                // splice with another corpus entry
                let other = &corpus[rng.below(corpus.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
            9 => {
                // re-encode as UTF-16 (with or without BOM) if it is text
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
    input.truncate(1 << 16);
}

/// The fixed TMX the CSV target applies reviews to.
const CSV_BASE_TMX: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="zh-CN"/><body>
<tu tuid="1"><prop type="x-confidence">0.912</prop><tuv xml:lang="zh-CN"><seg>价格</seg></tuv><tuv xml:lang="ru-RU"><seg>цена</seg></tuv></tu>
<tu tuid="2"><tuv xml:lang="zh-CN"><seg>a,"b</seg></tuv><tuv xml:lang="ru-RU"><seg>x</seg></tuv></tu>
</body></tmx>
"#;

/// Runs the target; returns a coarse outcome class used as coverage feedback.
fn run_target(target: &str, data: &[u8]) -> String {
    let path = Path::new("fuzz.input");
    match target {
        "tmx" => match tmalign::tm::reader::read_tmx_bytes(path, data) {
            Ok(doc) => {
                // Oracle: what was read must survive the writer and be read back the same.
                let again = tmalign::tm::ops::roundtrip_check(&doc);
                if let Err(e) = again {
                    panic!("round trip failed: {e}");
                }
                let variants: usize = doc.units.iter().map(|u| u.variants.len()).sum();
                let markup = doc.units.iter().flat_map(|u| &u.variants).filter(|v| v.had_markup).count();
                format!("ok:{}:{}:{}", doc.units.len().min(8), variants.min(16), markup.min(4))
            }
            Err(e) => shape(&e.to_string()),
        },
        _ => {
            let doc = tmalign::tm::reader::read_tmx_bytes(Path::new("base.tmx"), CSV_BASE_TMX.as_bytes())
                .expect("base TMX reads");
            match tmalign::tm::ops::review::import_review_bytes(path, data, &doc) {
                Ok(out) => format!("ok:{}", out.units.len()),
                Err(e) => shape(&e.to_string()),
            }
        }
    }
}

/// The "shape" of an error message: its first words after the position, letters only, so
/// that the same kind of error with other names or numbers counts once.
fn shape(message: &str) -> String {
    let rest = message.rsplit_once("column ").map(|(_, r)| r).unwrap_or(message);
    rest.split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_ascii_lowercase()).collect::<String>())
        .filter(|w| !w.is_empty())
        .take(5)
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target = args.first().cloned().unwrap_or_else(|| "tmx".into());
    if target != "tmx" && target != "csv" {
        eprintln!("usage: tmalign-fuzz tmx|csv [SEED_DIR…]");
        std::process::exit(2);
    }
    let seconds: u64 = std::env::var("FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let slow = Duration::from_millis(
        std::env::var("FUZZ_SLOW_MS").ok().and_then(|s| s.parse().ok()).unwrap_or(2000),
    );
    let crash_dir = PathBuf::from(std::env::var("FUZZ_CRASH_DIR").unwrap_or_else(|_| "fuzz/crashes".into()));
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
        | 1;
    let tokens = if target == "tmx" { TMX_TOKENS } else { CSV_TOKENS };
    let mut corpus = builtin_seeds(&target);
    for dir in &args[1..] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if let Ok(bytes) = std::fs::read(e.path()) {
                    corpus.push(bytes);
                }
            }
        }
    }
    panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed);
    let mut seen: HashSet<String> = HashSet::new();
    let mut crashes = 0usize;
    let mut runs = 0u64;
    let start = Instant::now();
    let budget = Duration::from_secs(seconds);
    while start.elapsed() < budget {
        let mut input = corpus[rng.below(corpus.len())].clone();
        mutate(&mut rng, &mut input, tokens, &corpus);
        let t0 = Instant::now();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| run_target(&target, &input)));
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
        "tmalign-fuzz {target}: {runs} runs in {:?}, seed {seed}, {} outcome classes, corpus {}, {crashes} crashes",
        start.elapsed(),
        seen.len(),
        corpus.len()
    );
    if crashes > 0 {
        std::process::exit(1);
    }
}

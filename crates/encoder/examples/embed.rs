//! Embed lines from stdin with the installed (or given) model.
//!
//! ```text
//! embed [--model PATH] [--query] [--ids | --time | --f32 OUT] < lines.txt
//! ```
//! Prints one vector a line (space-separated), or with `--ids` the token ids, with `--time`
//! only load and encode timings, with `--f32 OUT` writes the vectors as little-endian f32.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Instant;

use tmalign_encoder::{store, Encoder, Prefix};

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut model, mut prefix, mut mode, mut out) = (None, Prefix::Passage, "vectors", None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model = args.next().map(PathBuf::from),
            "--query" => prefix = Prefix::Query,
            "--ids" => mode = "ids",
            "--time" => mode = "time",
            "--f32" => {
                mode = "f32";
                out = args.next();
            }
            _ => {
                eprintln!("usage: embed [--model PATH] [--query] [--ids | --time | --f32 OUT]");
                std::process::exit(2);
            }
        }
    }
    let Some(path) = model.or_else(store::installed_model) else {
        eprintln!("no model installed (set TMALIGN_MODEL_DIR or pass --model)");
        std::process::exit(1);
    };
    let t0 = Instant::now();
    let enc = match Encoder::load(&path) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let load = t0.elapsed();
    let lines: Vec<String> = std::io::stdin()
        .lock()
        .lines()
        .map_while(Result::ok)
        .collect();
    let texts: Vec<&str> = lines.iter().map(String::as_str).collect();
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    if mode == "ids" {
        for t in &texts {
            let ids: Vec<String> = enc.tokenize(t, prefix).iter().map(u32::to_string).collect();
            writeln!(w, "{}", ids.join(" ")).unwrap();
        }
        return;
    }
    let t1 = Instant::now();
    let vecs = enc.embed(&texts, prefix);
    let secs = t1.elapsed().as_secs_f64();
    match mode {
        "time" => {
            let tokens: usize = texts.iter().map(|t| enc.tokenize(t, prefix).len()).sum();
            writeln!(
                w,
                "kernel {} threads {} load {:.3} s; {} texts ({} tokens) in {:.3} s = {:.1} texts/s",
                enc.kernel(),
                rayon::current_num_threads(),
                load.as_secs_f64(),
                texts.len(),
                tokens,
                secs,
                texts.len() as f64 / secs
            )
            .unwrap();
        }
        "f32" => {
            let bytes: Vec<u8> = vecs
                .iter()
                .flatten()
                .flat_map(|v| v.to_le_bytes())
                .collect();
            std::fs::write(out.expect("--f32 needs a file"), bytes).unwrap();
        }
        _ => {
            for v in &vecs {
                let s: Vec<String> = v.iter().map(|x| format!("{x:.6}")).collect();
                writeln!(w, "{}", s.join(" ")).unwrap();
            }
        }
    }
}

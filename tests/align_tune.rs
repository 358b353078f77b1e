//! Development aid, ignored by default: scores the shared sets with weights from the
//! environment (`TMALIGN_W="skip=4,lex=6"`, `TMALIGN_OPTS="nolex,nonames"`) and breaks the
//! errors down by gold bead shape. Run with
//! `cargo test --release --test align_tune -- --ignored --nocapture`.

mod common;

use common::shared;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use tmalign::align::{align, align_batch, AlignConfig, Segment};
use tmalign::eval::{self, EvalBead as IndexBead};
use tmalign::Lang;

fn run(set: &str, tgt: &str, lang: Lang) {
    let Some(sh) = shared() else { return };
    let dir = sh.join("eval").join(set);
    let mut cfg = AlignConfig::new(Lang::Zh, lang);
    for kv in std::env::var("TMALIGN_W").unwrap_or_default().split(',') {
        if let Some((k, v)) = kv.split_once('=') {
            assert!(
                cfg.weights.set(k, v.parse().expect("number")),
                "unknown weight {k}"
            );
        }
    }
    let opts = std::env::var("TMALIGN_OPTS").unwrap_or_default();
    cfg.lexical_pass = !opts.contains("nolex");
    cfg.names = !opts.contains("nonames");
    if let Ok(b) = std::env::var("TMALIGN_BAND") {
        cfg.band = b.parse().expect("band");
    }
    if let Ok(r) = std::env::var("TMALIGN_ROUNDS") {
        cfg.lexical_rounds = r.parse().expect("rounds");
    }
    let mut docs = Vec::new();
    let mut gold = Vec::new();
    for k in 0.. {
        let g = dir.join("gold").join(format!("{k:03}.gold"));
        if !g.exists() {
            break;
        }
        let rd = |p: PathBuf| -> Vec<String> {
            std::fs::read_to_string(p)
                .expect("read")
                .lines()
                .map(str::to_owned)
                .collect()
        };
        docs.push((
            Segment::from_lines(&rd(dir.join("seg").join(format!("{k:03}.zh")))),
            Segment::from_lines(&rd(dir.join("seg").join(format!("{k:03}.{tgt}")))),
        ));
        gold.push(
            eval::parse_beads_str(&std::fs::read_to_string(g).expect("gold")).expect("parse"),
        );
    }
    let al = if opts.contains("perdoc") {
        docs.iter().map(|(s, t)| align(s, t, &cfg)).collect()
    } else {
        align_batch(&docs, &cfg)
    };
    let pairs: Vec<(Vec<IndexBead>, Vec<IndexBead>)> = gold
        .iter()
        .zip(&al)
        .map(|(g, a)| (g.clone(), eval::alignment_beads(a)))
        .collect();
    let s = eval::score(&pairs);
    if let Ok(d) = std::env::var("TMALIGN_DUMP") {
        let d: usize = d.parse().expect("doc");
        let (src, tgt) = &docs[d];
        let gs: HashSet<&IndexBead> = pairs[d].0.iter().collect();
        let short = |t: &str| t.chars().take(60).collect::<String>();
        for (b, bead) in pairs[d].1.iter().zip(&al[d].beads) {
            let mark = if gs.contains(b) { "  " } else { "XX" };
            println!("{mark} {:?}:{:?} conf {:.2}", b.0, b.1, bead.confidence);
            if mark == "XX" {
                for &i in &b.0 {
                    println!("     zh {i}: {}", short(&src[i as usize].text));
                }
                for &j in &b.1 {
                    println!("     tg {j}: {}", short(&tgt[j as usize].text));
                }
            }
        }
        for b in &pairs[d].0 {
            if !pairs[d].1.contains(b) {
                println!("gold missed {:?}:{:?}", b.0, b.1);
            }
        }
    }
    println!(
        "{set}: strict {:.4} (P {:.4} R {:.4}) lax {:.4}",
        s.f1_strict, s.precision_strict, s.recall_strict, s.f1_lax
    );
    // Recall by gold shape, precision by predicted shape.
    let mut gk: HashMap<String, (u32, u32)> = HashMap::new();
    let mut pk: HashMap<String, (u32, u32)> = HashMap::new();
    for (g, p) in &pairs {
        let gs: HashSet<&IndexBead> = g.iter().collect();
        let ps: HashSet<&IndexBead> = p.iter().collect();
        for b in g {
            let e = gk
                .entry(format!("{}-{}", b.0.len(), b.1.len()))
                .or_default();
            e.0 += 1;
            e.1 += ps.contains(b) as u32;
        }
        for b in p {
            let e = pk
                .entry(format!("{}-{}", b.0.len(), b.1.len()))
                .or_default();
            e.0 += 1;
            e.1 += gs.contains(b) as u32;
        }
    }
    let mut keys: Vec<&String> = gk
        .keys()
        .chain(pk.keys())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    keys.sort();
    for k in keys {
        let g = gk.get(k).copied().unwrap_or_default();
        let p = pk.get(k).copied().unwrap_or_default();
        println!(
            "  {k}: gold {} found {} | pred {} right {}",
            g.0, g.1, p.0, p.1
        );
    }
}

#[test]
#[ignore]
fn tune_zhru() {
    run("ntrex-zhru", "ru", Lang::Ru);
}

#[test]
#[ignore]
fn tune_zhen() {
    run("ntrex-zhen", "en", Lang::En);
}

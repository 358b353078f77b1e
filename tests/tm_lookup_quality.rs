//! Fuzzy-lookup quality on NTREX-128: a zh→ru memory (and a ru→zh one) of all 1,997
//! sentences, queried with 100 + 100 sources edited 1, 2 and 3 times (a word changed, a clause
//! dropped, punctuation changed; cumulative, seeded), through the library and through
//! `tmalign tm lookup` on a TMX. The intended TU must come first for ≥ 95% of queries, and its
//! score must fall as edits grow.

use std::path::Path;
use tmalign::tm::lookup::{lookup, score, Index, LookupOptions};

mod common;

use common::{shared_with, tmalign_stdin, write_tmx, Rng};

fn ntrex(shared: &Path) -> (Vec<String>, Vec<String>) {
    let read = |f: &str| -> Vec<String> {
        std::fs::read_to_string(shared.join("data/ntrex128").join(f))
            .expect("ntrex file")
            .lines()
            .map(str::to_string)
            .collect()
    };
    let zh = read("newstest2019-ref.zho-CN.txt");
    let ru = read("newstest2019-ref.rus.txt");
    assert_eq!(zh.len(), ru.len());
    (zh, ru)
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// One edit of a Chinese sentence.
fn edit_zh(s: &str, rng: &mut Rng, pool: &[char]) -> String {
    let chars: Vec<char> = s.chars().collect();
    let clauses: Vec<usize> = (1..chars.len().saturating_sub(1))
        .filter(|&i| chars[i] == '，')
        .collect();
    match rng.below(3) {
        // drop the clause after a comma (up to the next comma / end mark)
        1 if !clauses.is_empty() => {
            let start = clauses[rng.below(clauses.len())];
            let end = (start + 1..chars.len())
                .find(|&i| "，。！？；".contains(chars[i]))
                .unwrap_or(chars.len());
            if end - start > chars.len() / 3 {
                return replace_chars(&chars, rng, pool);
            }
            chars[..start].iter().chain(&chars[end..]).collect()
        }
        2 => {
            let marks: Vec<usize> = (0..chars.len())
                .filter(|&i| "，。、！？；：“”".contains(chars[i]))
                .collect();
            let mut out = chars.clone();
            if marks.is_empty() || rng.below(2) == 0 {
                let at = rng.below(out.len()) + 1;
                out.insert(at.min(out.len()), '，');
            } else {
                // a mark becomes '；' (never back: edits must not undo each other)
                let i = marks[rng.below(marks.len())];
                if out[i] == '；' {
                    out.insert(i, '，');
                } else {
                    out[i] = '；';
                }
            }
            out.into_iter().collect()
        }
        _ => replace_chars(&chars, rng, pool),
    }
}

/// A "word" change in Chinese: two Han characters replaced by two others.
fn replace_chars(chars: &[char], rng: &mut Rng, pool: &[char]) -> String {
    let han: Vec<usize> = (0..chars.len().saturating_sub(1))
        .filter(|&i| is_han(chars[i]) && is_han(chars[i + 1]))
        .collect();
    let mut out = chars.to_vec();
    if let Some(&i) = han.get(rng.below(han.len())) {
        out[i] = pool[rng.below(pool.len())];
        out[i + 1] = pool[rng.below(pool.len())];
    }
    out.into_iter().collect()
}

/// One edit of a Russian (word-spaced) sentence.
fn edit_ru(s: &str, rng: &mut Rng, vocab: &[&str]) -> String {
    let words: Vec<&str> = s.split(' ').collect();
    match rng.below(3) {
        1 if s.matches(", ").count() >= 1 => {
            let parts: Vec<&str> = s.split(", ").collect();
            let drop = 1 + rng.below(parts.len() - 1);
            if parts[drop].len() > s.len() / 3 {
                return replace_word(&words, rng, vocab);
            }
            let kept: Vec<&str> = parts
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != drop)
                .map(|(_, p)| *p)
                .collect();
            kept.join(", ")
        }
        2 => {
            let mut w: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            // a comma added after a word, or a word's comma / full stop turned into ';'
            let i = rng.below(w.len());
            match w[i].pop() {
                Some(',' | '.') => w[i].push(';'),
                Some(';') => w[i].push_str(";,"),
                Some(c) => {
                    w[i].push(c);
                    w[i].push(',');
                }
                None => w[i].push(','),
            }
            w.join(" ")
        }
        _ => replace_word(&words, rng, vocab),
    }
}

fn replace_word(words: &[&str], rng: &mut Rng, vocab: &[&str]) -> String {
    let mut w: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let cands: Vec<usize> = (0..w.len())
        .filter(|&i| w[i].chars().count() >= 3 && w[i].chars().all(char::is_alphabetic))
        .collect();
    if let Some(&i) = cands.get(rng.below(cands.len())) {
        w[i] = vocab[rng.below(vocab.len())].to_string();
    }
    w.join(" ")
}

/// Queries: for 100 sources (every 19th line, skipping very short ones), the source after 1,
/// 2 and 3 cumulative edits. Returns (intended line, [q1, q2, q3]).
fn queries(
    sources: &[String],
    seed: u64,
    edit: &dyn Fn(&str, &mut Rng) -> String,
) -> Vec<(usize, [String; 3])> {
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    let mut line = 7;
    while out.len() < 100 {
        let s = &sources[line % sources.len()];
        if s.chars().count() >= 12 {
            let q1 = edit(s, &mut rng);
            let q2 = edit(&q1, &mut rng);
            let q3 = edit(&q2, &mut rng);
            out.push((line % sources.len(), [q1, q2, q3]));
        }
        line += 19;
    }
    out
}

/// Figures for one direction: top-1 hits per edit level, mean score of the intended TU per
/// level, and how many queries have falling scores.
struct Figures {
    top1: [usize; 3],
    mean: [f64; 3],
    monotonic: usize,
    strict: usize,
    n: usize,
}

fn evaluate(
    name: &str,
    sources: &[String],
    qs: &[(usize, [String; 3])],
    top1_of: &dyn Fn(&str) -> Option<String>,
) -> Figures {
    let mut f = Figures {
        top1: [0; 3],
        mean: [0.0; 3],
        monotonic: 0,
        strict: 0,
        n: qs.len(),
    };
    for (line, q) in qs {
        let intended = &sources[*line];
        let mut s = [0u8; 3];
        for k in 0..3 {
            s[k] = score(&q[k], intended);
            f.mean[k] += f64::from(s[k]) / qs.len() as f64;
            if top1_of(&q[k]).as_deref() == Some(intended.as_str()) {
                f.top1[k] += 1;
            }
        }
        f.monotonic += usize::from(s[0] >= s[1] && s[1] >= s[2]);
        f.strict += usize::from(s[0] > s[1] && s[1] > s[2]);
    }
    println!(
        "{name}: top-1 {}/{} {}/{} {}/{} (1/2/3 edits); mean score {:.1} > {:.1} > {:.1}; \
         falling per query {}/{} (strictly {})",
        f.top1[0],
        f.n,
        f.top1[1],
        f.n,
        f.top1[2],
        f.n,
        f.mean[0],
        f.mean[1],
        f.mean[2],
        f.monotonic,
        f.n,
        f.strict
    );
    f
}

fn check(f: &Figures) {
    let hits: usize = f.top1.iter().sum();
    assert!(
        hits * 100 >= 95 * 3 * f.n,
        "top-1 {hits}/{} below 95%",
        3 * f.n
    );
    assert!(f.mean[0] > f.mean[1] && f.mean[1] > f.mean[2]);
    assert!(
        f.monotonic * 100 >= 90 * f.n,
        "falling for only {}",
        f.monotonic
    );
}

fn han_pool(zh: &[String]) -> Vec<char> {
    let mut pool: Vec<char> = zh
        .iter()
        .flat_map(|s| s.chars())
        .filter(|&c| is_han(c))
        .collect();
    pool.sort_unstable();
    pool.dedup();
    pool
}

fn ru_vocab(ru: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = ru
        .iter()
        .flat_map(|s| s.split(' '))
        .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn fuzzy_lookup_quality_library() {
    let Some(shared) = shared_with("data/ntrex128") else {
        return;
    };
    let (zh, ru) = ntrex(&shared);
    let pool = han_pool(&zh);
    let vocab = ru_vocab(&ru);
    let opts = LookupOptions {
        min: 0,
        top: 1,
        diff: false,
        ..LookupOptions::default()
    };

    let pairs: Vec<(&str, &str)> = zh
        .iter()
        .zip(&ru)
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let index = Index::from_pairs(&pairs, "zh", "ru");
    let qs = queries(&zh, 42, &|s, r| edit_zh(s, r, &pool));
    let top1 = |q: &str| lookup(&index, q, &opts).first().map(|m| m.source.clone());
    check(&evaluate("zh→ru", &zh, &qs, &top1));

    let pairs: Vec<(&str, &str)> = ru
        .iter()
        .zip(&zh)
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let index = Index::from_pairs(&pairs, "ru", "zh");
    let qs = queries(&ru, 4242, &|s, r| edit_ru(s, r, &vocab));
    let top1 = |q: &str| lookup(&index, q, &opts).first().map(|m| m.source.clone());
    check(&evaluate("ru→zh", &ru, &qs, &top1));
}

/// The same zh→ru queries through the binary: a TMX written from the pairs, all 300 queries
/// on stdin in one run (`--json`), top-1 checked.
#[test]
fn fuzzy_lookup_quality_cli() {
    let Some(shared) = shared_with("data/ntrex128") else {
        return;
    };
    let (zh, ru) = ntrex(&shared);
    let pool = han_pool(&zh);
    let dir = tempfile::tempdir().unwrap();
    let tmx = dir.path().join("ntrex.tmx");
    let units: Vec<(&str, &str)> = zh.iter().zip(&ru).map(|(a, b)| (&**a, &**b)).collect();
    write_tmx(&tmx, &units);

    let qs = queries(&zh, 42, &|s, r| edit_zh(s, r, &pool));
    let input: String = qs
        .iter()
        .flat_map(|(_, q)| q.iter())
        .map(|q| format!("{q}\n"))
        .collect();
    let out = tmalign_stdin(
        &[
            "tm",
            "lookup",
            "--tm",
            tmx.to_str().unwrap(),
            "--json",
            "--top",
            "1",
            "--min",
            "0",
        ],
        Some(&input),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answers: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 300);
    let mut hits = 0;
    for (k, a) in answers.iter().enumerate() {
        let intended = &zh[qs[k / 3].0];
        hits += usize::from(a["matches"][0]["source"].as_str() == Some(intended.as_str()));
    }
    println!("zh→ru via `tm lookup`: top-1 {hits}/300");
    assert!(hits * 100 >= 95 * 300);
}
